//! The data of the staff pages besides the moderation queue: accounts and the audit log (admins),
//! campaigns (admins edit them; advisors and workers see those of their gemeenten).

use app::model::{
    text_in, AuditRow, CampaignFields, CampaignInfo, CampaignRow, StaffAccount, StaffBody,
    StaffPageData, StaffView,
};

use crate::domain::calendar::today;
use crate::domain::roles::Role;
use crate::service::Service;
use crate::store::{SessionUser, StoreError};

impl Service {
    /// The staff member behind a `Cookie` header, if the session is valid.
    pub async fn cookie_user(
        &self,
        cookie: Option<String>,
    ) -> Result<Option<SessionUser>, StoreError> {
        let mut headers = axum::http::HeaderMap::new();
        if let Some(v) = cookie.and_then(|c| c.parse().ok()) {
            headers.insert(axum::http::header::COOKIE, v);
        }
        let Some(token) = crate::auth::cookie_token(&headers) else {
            return Ok(None);
        };
        self.store.session(&crate::auth::token_hash(&token)).await
    }

    pub async fn staff_page(
        &self,
        cookie: Option<String>,
        view: StaffView,
    ) -> Result<Option<StaffPageData>, StoreError> {
        let Some(user) = self.cookie_user(cookie).await? else {
            return Ok(None);
        };
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
                            open: c.is_open_on(&today),
                            responses: counts.get(&c.id).copied().unwrap_or(0),
                            id: c.id,
                            starts_on: c.starts_on,
                            ends_on: c.ends_on,
                            gemeenten: c.gemeenten,
                        })
                        .collect(),
                )
            }
            StaffView::Events if !crate::service::events::WORKERS.allows(user.role) => {
                StaffBody::Forbidden
            }
            StaffView::Events => StaffBody::Events(self.events_page(&user).await?),
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
        Ok(Some(StaffPageData {
            email: user.email,
            role: user.role.as_str().to_string(),
            csrf: user.csrf,
            body,
        }))
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
            open: campaign.is_open_on(&today()),
            campaign,
            answered,
        }))
    }
}
