//! Staff accounts, sessions and the audit log.

use serde::Serialize;

use super::sqlite::{SqliteStore, NOW};
use super::StoreError;
use crate::domain::roles::Role;

/// A staff member as listed (never with the password hash).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StaffUser {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub created_at: String,
}

/// The staff member behind a valid session.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user_id: i64,
    pub email: String,
    pub role: Role,
    pub csrf: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub at: String,
    pub email: String,
    pub action: String,
    pub detail: String,
}

/// An entry whose free text waits for a moderator.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct QueuedText {
    pub id: String,
    pub kind: String,
    pub category: String,
    pub created_at: String,
    pub gemeente: Option<String>,
    pub text: String,
    pub status: String,
}

impl SqliteStore {
    /// Visible entries with free text that is not public yet, oldest first.
    pub async fn moderation_queue(&self, limit: u32) -> Result<Vec<QueuedText>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, kind, category, created_at, gemeente, text, status FROM submissions \
             WHERE hidden = 0 AND text_public = 0 AND text IS NOT NULL AND text != '' \
             ORDER BY created_at, id LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await?)
    }

    /// Adds a staff member; `Ok(None)` when the e-mail address is taken.
    pub async fn add_user(
        &self,
        email: &str,
        role: Role,
        password_hash: &str,
    ) -> Result<Option<i64>, StoreError> {
        let r = sqlx::query(&format!(
            "INSERT INTO staff_users (email, role, password_hash, created_at) VALUES (?, ?, ?, {NOW}) \
             ON CONFLICT (email) DO NOTHING"
        ))
        .bind(email)
        .bind(role.as_str())
        .bind(password_hash)
        .execute(&self.writer)
        .await?;
        Ok((r.rows_affected() == 1).then(|| r.last_insert_rowid()))
    }

    /// The id, role and password hash of an enabled account.
    pub async fn login_record(
        &self,
        email: &str,
    ) -> Result<Option<(i64, String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, role, password_hash FROM staff_users WHERE email = ? AND disabled = 0",
        )
        .bind(email)
        .fetch_optional(&self.reader)
        .await?)
    }

    pub async fn users(&self) -> Result<Vec<StaffUser>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, email, role, created_at FROM staff_users WHERE disabled = 0 ORDER BY email",
        )
        .fetch_all(&self.reader)
        .await?)
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        hours: u32,
    ) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO staff_sessions (token_hash, user_id, csrf, created_at, expires_at) \
             VALUES (?, ?, ?, {NOW}, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+{hours} hours'))"
        ))
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The staff member of an unexpired session of an enabled account.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionUser>, StoreError> {
        let row: Option<(i64, String, String, String)> = sqlx::query_as(&format!(
            "SELECT u.id, u.email, u.role, s.csrf FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id \
             WHERE s.token_hash = ? AND s.expires_at > {NOW} AND u.disabled = 0"
        ))
        .bind(token_hash)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.and_then(|(user_id, email, role, csrf)| {
            Some(SessionUser {
                user_id,
                email,
                role: Role::parse(&role)?,
                csrf,
            })
        }))
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "DELETE FROM staff_sessions WHERE token_hash = ? OR expires_at <= {NOW}"
        ))
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
        sqlx::query(&format!(
            "INSERT INTO audit_log (at, user_id, email, action, detail) VALUES ({NOW}, ?, ?, ?, ?)"
        ))
        .bind(who.user_id)
        .bind(&who.email)
        .bind(action)
        .bind(detail)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The newest audit entries first.
    pub async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT at, email, action, detail FROM audit_log ORDER BY id DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await?)
    }
}
