//! Staff work (service side): sessions and sign-in, accounts and the audit log, moderation, and the
//! data of the staff pages (admins edit accounts and campaigns; advisors and workers see those of
//! their gemeenten).

use std::net::IpAddr;

use app::model::{
    text_in, AuditRow, CampaignFields, CampaignInfo, CampaignRow, Kind, Moderation, StaffAccount,
    StaffBody, StaffDesk, StaffPageData, StaffView,
};

use crate::auth;
use crate::domain::calendar::today;
use crate::domain::roles::{check_gemeenten, check_new_user, Access, Role};
use crate::service::error::{ServiceError, ServiceResult};
use crate::service::Service;
use crate::store::{AuditEntry, Merge, Moderated, SessionUser, StaffUser, StoreError};

/// What checking a staff request found (see `routes::extract::Staff`).
pub enum StaffCheck {
    Passed(SessionUser),
    /// No session cookie.
    NoSession,
    /// A cookie whose session ended, expired or never was.
    Ended,
    WrongRole,
    /// A request that changes something without its session's CSRF token.
    WrongCsrf,
}

/// A started session: the cookie's token, who it is, and the mark of the browser it came from.
pub struct SignedIn {
    pub token: String,
    pub user: SessionUser,
    /// The browser's device mark (see `secrets::DeviceMarks`), for its cookie.
    pub device_mark: String,
}

/// A new staff account: its id, and the password generated for it when none was given (shown once).
pub struct NewAccount {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub gemeenten: Vec<String>,
    pub generated_password: Option<String>,
}

impl Service {
    /// The session behind a cookie's token, checked against `access`; `csrf`: `None` for a request
    /// that changes nothing, else the token it brought (if any), compared in constant time.
    pub async fn staff_session(
        &self,
        token: Option<&str>,
        access: Access,
        csrf: Option<Option<&str>>,
    ) -> Result<StaffCheck, StoreError> {
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Ok(StaffCheck::NoSession);
        };
        let Some(user) = self.store.session(&auth::token_hash(token)).await? else {
            return Ok(StaffCheck::Ended);
        };
        if !access.allows(user.role) {
            return Ok(StaffCheck::WrongRole);
        }
        if let Some(given) = csrf {
            if !given.is_some_and(|v| crate::secrets::same(v.as_bytes(), user.csrf.as_bytes())) {
                return Ok(StaffCheck::WrongCsrf);
            }
        }
        Ok(StaffCheck::Passed(user))
    }

    /// Checks a sign-in and starts a session. Attempts are limited per client (`client`, the
    /// network it comes from; never stored) and slowed down per account (see `domain::sign_in`); a
    /// browser the account signed in from before (`device`, its mark) is not slowed down by
    /// others' failures.
    pub async fn sign_in(
        &self,
        client: Option<IpAddr>,
        device: Option<&str>,
        email: &str,
        password: &str,
    ) -> ServiceResult<SignedIn> {
        let email = email.trim().to_string();
        if email.len() > 254 || password.len() > crate::domain::roles::MAX_PASSWORD_BYTES {
            return Err(ServiceError::SignInRefused(
                "wrong e-mail address or password",
            ));
        }
        let now = std::time::Instant::now();
        if let Some(ip) = client {
            self.abuse
                .sign_in
                .check(ip, now)
                .map_err(|wait| ServiceError::TooManyAttempts {
                    why: "too many sign-in attempts from your network; try again later",
                    retry_after: wait.0,
                })?;
        }
        let outcome = self.check_sign_in(&email, password, device).await;
        // Only failures count against the client: a colleague's successful sign-in behind the same
        // office address gives its attempt back.
        if let (Ok(_), Some(ip)) = (&outcome, client) {
            self.abuse.sign_in.refund(ip, now);
        }
        outcome
    }

    async fn check_sign_in(
        &self,
        email: &str,
        password: &str,
        device: Option<&str>,
    ) -> ServiceResult<SignedIn> {
        // Counted before the check, so parallel guesses cannot all slip in; in the database, so
        // every server sharing it counts the same attempts. A browser this account signed in from
        // before is not slowed down by others' failures: a trickle of wrong guesses cannot keep
        // the owner out (its own attempts stay limited per client).
        let account = auth::sign_in_account(email);
        let known_device = device.is_some_and(|d| self.device_marks.verify(&account, d));
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        let wait = match known_device {
            true => None,
            false => self.store.sign_in_attempt(&account, now_ms).await?,
        };
        if let Some(wait) = wait {
            return Err(ServiceError::TooManyAttempts {
                why: "many failed sign-ins for this account lately; wait a moment before the next try",
                retry_after: wait.as_secs() + 1,
            });
        }
        let record = self.store.login_record(email).await?;
        let phc = record
            .as_ref()
            .map_or(auth::dummy_hash(), |(_, _, h)| h.as_str())
            .to_string();
        // Argon2 is deliberately slow and takes 19 MiB: off the async workers, two at a time. A
        // queue that does not move within a few seconds is a flood: say so instead of hanging.
        let _permit = tokio::time::timeout(auth::HASHING_WAIT, self.auth.hashing.acquire())
            .await
            .map_err(|_| {
                ServiceError::Busy("sign-in is busy right now; try again in a few seconds")
            })?
            .map_err(|_| ServiceError::Busy("sign-in is unavailable right now"))?;
        let password = password.to_string();
        let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &phc))
            .await
            .unwrap_or(false);
        let Some((user_id, _, _)) = record.filter(|_| ok) else {
            return Err(ServiceError::SignInRefused(
                "wrong e-mail address or password",
            ));
        };
        self.store.sign_in_succeeded(&account).await?;
        let token = auth::new_token()?;
        let csrf = auth::new_token()?;
        let hash = auth::token_hash(&token);
        self.store
            .create_session(&hash, user_id, &csrf, auth::SESSION_HOURS)
            .await?;
        let user = self
            .store
            .session(&hash)
            .await?
            .ok_or(ServiceError::SignInRefused("the account was disabled"))?;
        self.store.audit(&user, "sign in", "").await?;
        Ok(SignedIn {
            token,
            user,
            device_mark: self.device_marks.issue(&account)?,
        })
    }

    /// Ends the session of this cookie token, written to the audit log.
    pub async fn sign_out(&self, user: &SessionUser, token: Option<&str>) -> ServiceResult<()> {
        if let Some(token) = token {
            self.store.end_session(&auth::token_hash(token)).await?;
        }
        self.store.audit(user, "sign out", "").await?;
        Ok(())
    }

    /// Every staff account (admins).
    pub async fn users(&self) -> ServiceResult<Vec<StaffUser>> {
        Ok(self.store.users().await?)
    }

    /// The newest staff actions first (admins).
    pub async fn audit_log(&self, limit: u32) -> ServiceResult<Vec<AuditEntry>> {
        Ok(self.store.audit_log(limit.clamp(1, 1000)).await?)
    }

    /// Adds a staff member (by an admin), written to the audit log; without a password one is
    /// generated and handed back once. `Conflict` when the address has an account.
    pub async fn add_user(
        &self,
        admin: &SessionUser,
        email: &str,
        role: &str,
        gemeenten: &[String],
        password: Option<String>,
    ) -> ServiceResult<NewAccount> {
        let email = email.trim().to_string();
        let role = Role::parse(role).ok_or(ServiceError::Field {
            field: "role".into(),
            reason: "must be admin, advisor or worker",
        })?;
        check_new_user(&email, password.as_deref()).map_err(field_problem)?;
        let gemeenten = check_gemeenten(gemeenten).map_err(field_problem)?;
        let generated = match password {
            None => Some(auth::generate_password()?),
            Some(_) => None,
        };
        let password = password.or(generated.clone()).unwrap_or_default();
        let phc = tokio::task::spawn_blocking(move || auth::hash_password(&password))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let Some(id) = self.store.add_user(&email, role, &gemeenten, &phc).await? else {
            return Err(ServiceError::Conflict("this address has an account"));
        };
        self.store
            .audit(
                admin,
                "add staff member",
                &format!("{email} as {}", role.as_str()),
            )
            .await?;
        Ok(NewAccount {
            id,
            email,
            role,
            gemeenten,
            generated_password: generated,
        })
    }

    /// Another role or gemeenten for an account, or the account disabled (its sessions end at
    /// once). An admin cannot disable or demote themselves (`NotAllowed`), so a deployment never
    /// loses its last way in by accident.
    pub async fn change_user(
        &self,
        admin: &SessionUser,
        id: i64,
        role: &str,
        gemeenten: &[String],
        disabled: bool,
    ) -> ServiceResult<(Role, Vec<String>)> {
        let role = Role::parse(role).ok_or(ServiceError::Field {
            field: "role".into(),
            reason: "must be admin, advisor or worker",
        })?;
        let gemeenten = check_gemeenten(gemeenten).map_err(field_problem)?;
        if id == admin.user_id && (disabled || role != Role::Admin) {
            return Err(ServiceError::OwnAccount);
        }
        if !self
            .store
            .change_user(id, role, &gemeenten, disabled, admin)
            .await?
        {
            return Err(ServiceError::NotFound);
        }
        Ok((role, gemeenten))
    }

    /// The kind of an entry this staff member may moderate: `NotFound` when unknown, `NotAllowed`
    /// when it lies in a gemeente they do not work for.
    pub async fn moderatable(&self, user: &SessionUser, id: &str) -> ServiceResult<Kind> {
        let (kind, gemeente) = self
            .store
            .entry_kind(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !user.scope().covers(gemeente.as_deref()) {
            return Err(ServiceError::NotAllowed(
                "this entry is in a gemeente you do not work for",
            ));
        }
        Ok(kind)
    }

    /// One moderation of entry `id` (see [`Moderation`]): checked against the entry's kind, what
    /// really changes and its audit row (the fields changed, and `source`: where it came from) in
    /// one transaction, then the merge into another entry if asked.
    pub async fn moderate(
        &self,
        user: &SessionUser,
        id: &str,
        m: &Moderation,
        source: Option<&str>,
    ) -> ServiceResult<()> {
        let kind = self.moderatable(user, id).await?;
        m.check(kind).map_err(ServiceError::Invalid)?;
        let rest = Moderation {
            merge_into: None,
            ..m.clone()
        };
        if rest != Moderation::default() {
            let done = self
                .store
                .moderate(id, &rest, user, source)
                .await?
                .ok_or(ServiceError::NotFound)?;
            if done == Moderated::Stale {
                return Err(ServiceError::Conflict(
                    "the resident's words changed since they were read: read them again",
                ));
            }
        }
        if let Some(into) = &m.merge_into {
            self.merge(user, id, into).await?;
        }
        Ok(())
    }

    /// Folds entry `id` into `into` (both within the moderator's gemeenten).
    async fn merge(&self, user: &SessionUser, id: &str, into: &str) -> ServiceResult<()> {
        let into = into.to_ascii_lowercase();
        self.moderatable(user, &into).await?;
        match self.store.merge(id, &into, user).await? {
            Merge::Done => Ok(()),
            Merge::Unknown => Err(ServiceError::NotFound),
            Merge::Mismatch => Err(ServiceError::Invalid(vec![app::model::Violation::new(
                "merge_into",
                app::model::Rule::UnknownValue,
            )])),
        }
    }

    /// The imported gemeenten a staff member works for, as (code, name) by name, and the one a
    /// gemeente-by-gemeente staff page is about: the one asked for, or else the only one. A code
    /// asked for that is not among them is refused: outside the staff member's gemeenten (403), or
    /// no imported gemeente (404: a buurt's code, say).
    pub(crate) async fn staff_gemeenten(
        &self,
        user: &SessionUser,
        asked: Option<String>,
    ) -> ServiceResult<(Vec<(String, String)>, Option<String>)> {
        let scope = user.scope();
        let facts = self.facts().await?;
        let mut gemeenten: Vec<(String, String)> = facts
            .values()
            .filter(|a| a.level == "gemeente" && scope.covers(Some(&a.code)))
            .map(|a| {
                (
                    a.code.clone(),
                    a.name.clone().unwrap_or_else(|| a.code.clone()),
                )
            })
            .collect();
        gemeenten.sort_by(|a, b| a.1.cmp(&b.1));
        if let Some(code) = &asked {
            if !gemeenten.iter().any(|(g, _)| g == code) {
                return Err(if scope.covers(Some(code)) {
                    ServiceError::NotFound
                } else {
                    ServiceError::NotAllowed("not a gemeente of this staff member")
                });
            }
        }
        let chosen = asked.or_else(|| match gemeenten.as_slice() {
            [(only, _)] => Some(only.clone()),
            _ => None,
        });
        Ok((gemeenten, chosen))
    }

    /// The staff page of this staff member: who they are and the moderation queue.
    pub async fn desk(&self, user: &SessionUser) -> Result<StaffDesk, StoreError> {
        let queue = self.queue_entries(user).await?;
        Ok(StaffDesk {
            email: user.email.clone(),
            role: user.role.as_str().to_string(),
            csrf: user.csrf.clone(),
            queue,
        })
    }

    /// Another staff page of this staff member (a view their role may not open says so).
    pub async fn staff_page(
        &self,
        user: &SessionUser,
        view: StaffView,
    ) -> Result<StaffPageData, StoreError> {
        let admin = user.role == Role::Admin;
        let body = match view {
            StaffView::Users | StaffView::Audit | StaffView::Campaign(_) if !admin => {
                StaffBody::Forbidden
            }
            StaffView::Users => StaffBody::Users(
                self.store
                    .users()
                    .await?
                    .into_iter()
                    .map(|u| StaffAccount {
                        id: u.id,
                        email: u.email,
                        role: u.role,
                        gemeenten: u.gemeenten,
                        disabled: u.disabled,
                        created_at: u.created_at,
                    })
                    .collect(),
            ),
            StaffView::Audit => StaffBody::Audit(
                self.store
                    .audit_log(500)
                    .await?
                    .into_iter()
                    .map(|a| AuditRow {
                        at: a.at,
                        email: a.email,
                        action: a.action,
                        detail: a.detail,
                    })
                    .collect(),
            ),
            StaffView::Campaigns => {
                let today = today();
                let counts = self.store.response_counts().await?;
                let scope = user.scope();
                StaffBody::Campaigns(
                    self.store
                        .campaign_list()
                        .await?
                        .into_iter()
                        .filter(|c| scope.sees_campaign(&c.gemeenten))
                        .map(|c| CampaignRow {
                            title: text_in(&c.title, "nl").to_string(),
                            open: c.is_open_on(today),
                            responses: counts.get(&c.id).copied().unwrap_or(0),
                            id: c.id,
                            starts_on: c.starts_on,
                            ends_on: c.ends_on,
                            gemeenten: c.gemeenten,
                        })
                        .collect(),
                )
            }
            StaffView::Events if !crate::domain::roles::WORKERS.allows(user.role) => {
                StaffBody::Forbidden
            }
            StaffView::Events => StaffBody::Events(self.events_page(user).await?),
            StaffView::Entries(search) => {
                StaffBody::Entries(Box::new(self.entries_page(user, search).await?))
            }
            StaffView::Talents(gemeente) => match self.talents_page(user, gemeente).await {
                Ok(page) => StaffBody::Talents(Box::new(page)),
                Err(ServiceError::Store(e)) => return Err(e),
                // Another gemeente's, or an unknown one: nothing of it.
                Err(_) => StaffBody::Forbidden,
            },
            StaffView::Dynamics { gemeente, chosen } => {
                match self.dynamics_desk(user, gemeente, chosen).await {
                    Ok(desk) => StaffBody::Dynamics(Box::new(desk)),
                    Err(ServiceError::Store(e)) => return Err(e),
                    Err(_) => StaffBody::Forbidden,
                }
            }
            StaffView::Campaign(None) => {
                StaffBody::Campaign(Some(Box::new(CampaignFields::new_campaign())))
            }
            StaffView::Campaign(Some(id)) => StaffBody::Campaign(
                self.store
                    .campaign(&id)
                    .await?
                    .map(|c| Box::new(CampaignFields::of(&c))),
            ),
        };
        Ok(StaffPageData {
            email: user.email.clone(),
            role: user.role.as_str().to_string(),
            csrf: user.csrf.clone(),
            body,
        })
    }

    pub async fn campaign_info(
        &self,
        id: &str,
        respondent: Option<&str>,
    ) -> Result<Option<CampaignInfo>, StoreError> {
        let Some(campaign) = self.store.campaign(id).await? else {
            return Ok(None);
        };
        let answered = match respondent.filter(|r| app::model::is_uuid(r)) {
            Some(r) => self.store.has_answered(id, &r.to_ascii_lowercase()).await?,
            None => false,
        };
        Ok(Some(CampaignInfo {
            open: campaign.is_open_on(today()),
            campaign,
            answered,
        }))
    }
}

/// A wrong field of a staff account, as the service says it.
fn field_problem((field, reason): crate::domain::roles::FieldProblem) -> ServiceError {
    ServiceError::Field { field, reason }
}
