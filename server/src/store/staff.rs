//! Staff accounts, sessions and the audit log.

use serde::Serialize;

use super::db::{Store, NOW};
use super::StoreError;
use crate::domain::roles::{Role, Scope};

/// A staff member as listed (never with the password hash).
#[derive(Debug, Clone, Serialize)]
pub struct StaffUser {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub created_at: String,
    /// CBS gemeente codes, comma-separated (empty for admins, who see everything).
    pub gemeenten: String,
    pub disabled: bool,
}

/// The staff member behind a valid session.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user_id: i64,
    pub email: String,
    pub role: Role,
    pub csrf: String,
    /// The gemeenten an advisor or worker works for.
    pub gemeenten: Vec<String>,
}

impl SessionUser {
    /// Which gemeenten' entries this staff member may see and moderate.
    pub fn scope(&self) -> Scope {
        if self.role == Role::Admin {
            Scope::All
        } else {
            Scope::Gemeenten(self.gemeenten.clone())
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub at: String,
    pub email: String,
    pub action: String,
    pub detail: String,
}

impl Store {
    /// Sets a staff member's role, gemeenten and whether the account is disabled (ending its
    /// sessions), with the audit row in the same transaction. `Ok(false)` for an unknown id.
    pub async fn change_user(
        &self,
        id: i64,
        role: Role,
        gemeenten: &[String],
        disabled: bool,
        who: &SessionUser,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let r = sqlx::query(
            &self
                .backend
                .sql("UPDATE staff_users SET role = ?, gemeenten = ?, disabled = ? WHERE id = ?"),
        )
        .bind(role.as_str())
        .bind(gemeenten.join(","))
        .bind(i64::from(disabled))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        if disabled {
            sqlx::query(
                &self
                    .backend
                    .sql("DELETE FROM staff_sessions WHERE user_id = ?"),
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let detail = format!(
            "user {id}: {}{}{}",
            role.as_str(),
            if gemeenten.is_empty() {
                String::new()
            } else {
                format!(" for {}", gemeenten.join(","))
            },
            if disabled { ", disabled" } else { "" }
        );
        self.audit_in(&mut tx, who, "change staff member", &detail)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Adds a staff member; `Ok(None)` when the e-mail address is taken.
    pub async fn add_user(
        &self,
        email: &str,
        role: Role,
        gemeenten: &[String],
        password_hash: &str,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(&self.backend.sql(&format!(
            "INSERT INTO staff_users (email, role, gemeenten, password_hash, created_at) VALUES (?, ?, ?, ?, {NOW}) \
             ON CONFLICT (email) DO NOTHING RETURNING id"
        )))
        .bind(email)
        .bind(role.as_str())
        .bind(gemeenten.join(","))
        .bind(password_hash)
        .fetch_optional(&self.writer)
        .await?)
    }

    /// Counts a sign-in attempt on `account` (a hash of the address) as it starts, for every server
    /// on this database, unless the account must still wait after its earlier failures (see
    /// `domain::sign_in`): then nothing is counted and the wait comes back. Counted before the
    /// password check, so parallel guesses cannot all slip in; a success forgives them all
    /// ([`Store::sign_in_succeeded`]). An account's failures are forgotten once it has had none for
    /// `WINDOW`: the window slides, so a patient guesser never gets the free failures back.
    pub async fn sign_in_attempt(
        &self,
        account: &str,
        now_ms: i64,
    ) -> Result<Option<std::time::Duration>, StoreError> {
        use crate::domain::sign_in::{account_wait, WINDOW};
        let now = crate::domain::calendar::timestamp_of(now_ms);
        let mut tx = self.write_tx().await?;
        sqlx::query(
            &self
                .backend
                .sql("DELETE FROM sign_in_failures WHERE since < ?"),
        )
        .bind(crate::domain::calendar::timestamp_of(
            now_ms - WINDOW.as_millis() as i64,
        ))
        .execute(&mut *tx)
        .await?;
        // The account's row, locked until this attempt is counted: on PostgreSQL two servers'
        // attempts at the same moment then take turns instead of both passing on one count
        // (SQLite's write transaction already holds the whole database).
        sqlx::query(&self.backend.sql(
            "INSERT INTO sign_in_failures (account, failures, since, last_at) VALUES (?, 0, ?, '0') \
             ON CONFLICT (account) DO NOTHING",
        ))
        .bind(account)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        let (failures, last_at): (i64, String) = sqlx::query_as(&format!(
            "{}{}",
            self.backend
                .sql("SELECT failures, last_at FROM sign_in_failures WHERE account = ?"),
            self.backend.lock_rows(),
        ))
        .bind(account)
        .fetch_one(&mut *tx)
        .await?;
        let last_ms = last_at.parse::<i64>().unwrap_or(0);
        if let Some(wait) =
            account_wait(u32::try_from(failures).unwrap_or(u32::MAX), last_ms, now_ms)
        {
            return Ok(Some(wait));
        }
        sqlx::query(&self.backend.sql(
            "UPDATE sign_in_failures SET failures = failures + 1, since = ?, last_at = ? WHERE account = ?",
        ))
        .bind(&now)
        .bind(now_ms.to_string())
        .bind(account)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(None)
    }

    /// A successful sign-in forgives the account's earlier attempts.
    pub async fn sign_in_succeeded(&self, account: &str) -> Result<(), StoreError> {
        sqlx::query(
            &self
                .backend
                .sql("DELETE FROM sign_in_failures WHERE account = ?"),
        )
        .bind(account)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The id, role and password hash of an enabled account.
    pub async fn login_record(
        &self,
        email: &str,
    ) -> Result<Option<(i64, String, String)>, StoreError> {
        Ok(sqlx::query_as(&self.backend.sql(
            "SELECT id, role, password_hash FROM staff_users WHERE email = ? AND disabled = 0",
        ))
        .bind(email)
        .fetch_optional(&self.reader)
        .await?)
    }

    pub async fn users(&self) -> Result<Vec<StaffUser>, StoreError> {
        // `disabled` is a 0/1 integer on both backends: read as one, not as a bool.
        let rows: Vec<(i64, String, String, String, String, i64)> = sqlx::query_as(
            "SELECT id, email, role, created_at, gemeenten, disabled FROM staff_users ORDER BY disabled, email",
        )
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, email, role, created_at, gemeenten, disabled)| StaffUser {
                    id,
                    email,
                    role,
                    created_at,
                    gemeenten,
                    disabled: disabled != 0,
                },
            )
            .collect())
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        hours: u32,
    ) -> Result<(), StoreError> {
        sqlx::query(&self.backend.sql(&format!(
            "INSERT INTO staff_sessions (token_hash, user_id, csrf, created_at, expires_at) \
             VALUES (?, ?, ?, {NOW}, ?)"
        )))
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(crate::domain::calendar::timestamp_in(
            i64::from(hours) * 3600,
        ))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The staff member of an unexpired session of an enabled account.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionUser>, StoreError> {
        let row: Option<(i64, String, String, String, String)> = sqlx::query_as(&self.backend.sql(&format!(
            "SELECT u.id, u.email, u.role, s.csrf, u.gemeenten FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id \
             WHERE s.token_hash = ? AND s.expires_at > {NOW} AND u.disabled = 0"
        )))
        .bind(token_hash)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.and_then(|(user_id, email, role, csrf, gemeenten)| {
            Some(SessionUser {
                user_id,
                email,
                role: Role::parse(&role)?,
                csrf,
                gemeenten: crate::domain::roles::split_codes(&gemeenten),
            })
        }))
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query(&self.backend.sql(&format!(
            "DELETE FROM staff_sessions WHERE token_hash = ? OR expires_at <= {NOW}"
        )))
        .bind(token_hash)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub async fn audit(
        &self,
        who: &SessionUser,
        action: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        self.audit_in(&mut tx, who, action, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest audit entries first.
    pub async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(sqlx::query_as(
            &self
                .backend
                .sql("SELECT at, email, action, detail FROM audit_log ORDER BY id DESC LIMIT ?"),
        )
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await?)
    }
}

/// `AND gemeente IN (?, ...)` for a limited scope (its codes are bound by the caller), nothing for all.
pub(super) fn scope_clause(scope: &Scope) -> String {
    match scope {
        Scope::All => String::new(),
        Scope::Gemeenten(codes) => format!(
            "AND gemeente IN ({})",
            if codes.is_empty() {
                "NULL".to_string()
            } else {
                vec!["?"; codes.len()].join(", ")
            }
        ),
    }
}

impl Store {
    /// Writes an audit row inside the transaction of the change it records: no change goes unrecorded.
    pub(super) async fn audit_in(
        &self,
        conn: &mut sqlx::AnyConnection,
        who: &SessionUser,
        action: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(&self.backend.sql(&format!(
            "INSERT INTO audit_log (at, user_id, email, action, detail) VALUES ({NOW}, ?, ?, ?, ?)"
        )))
        .bind(who.user_id)
        .bind(&who.email)
        .bind(action)
        .bind(detail)
        .execute(conn)
        .await?;
        Ok(())
    }
}
