//! Campaigns as residents meet them: the ones open today (as cards on the start page) and their
//! survey answers, checked and stored.

use app::model::{Campaign, CampaignCard, Rule, SurveyInput, Violation};

use crate::domain::calendar::today;
use crate::service::error::{ServiceError, ServiceResult};
use crate::service::Service;
use crate::store::{Answered, SessionUser, StoreError};

impl Service {
    /// One campaign, open or not.
    pub async fn campaign(&self, id: &str) -> Result<Option<Campaign>, StoreError> {
        self.store.campaign(id).await
    }

    /// A new campaign (admins), written to the audit log: `Invalid` when it breaks the rules,
    /// `Conflict` when its id is taken.
    pub async fn create_campaign(&self, admin: &SessionUser, c: &Campaign) -> ServiceResult<()> {
        c.check().map_err(ServiceError::Invalid)?;
        match self.store.create_campaign(c, admin).await? {
            true => Ok(()),
            false => Err(ServiceError::Conflict("a campaign with this id exists")),
        }
    }

    /// Replaces campaign `id`'s settings (admins; closing it is `status: closed`), written to the
    /// audit log. The id in the body must be the one in the address.
    pub async fn replace_campaign(
        &self,
        admin: &SessionUser,
        id: &str,
        c: &Campaign,
    ) -> ServiceResult<()> {
        if c.id != id {
            return Err(ServiceError::Invalid(vec![Violation::new(
                "id",
                Rule::UnknownValue,
            )]));
        }
        c.check().map_err(ServiceError::Invalid)?;
        match self.store.update_campaign(c, admin).await? {
            true => Ok(()),
            false => Err(ServiceError::NotFound),
        }
    }

    /// The campaigns open today as cards, the general campaign first.
    pub async fn open_campaigns(
        &self,
        gemeente: Option<&str>,
    ) -> Result<Vec<Campaign>, StoreError> {
        let today = today();
        let mut open: Vec<Campaign> = self
            .store
            .campaign_list()
            .await?
            .into_iter()
            .filter(|c| c.is_open_on(today))
            .filter(|c| {
                gemeente
                    .is_none_or(|g| c.gemeenten.is_empty() || c.gemeenten.iter().any(|x| x == g))
            })
            .collect();
        open.sort_by_key(|c| c.id != app::model::DEFAULT_CAMPAIGN);
        Ok(open)
    }

    /// Cards for the resident start page, in `lang`.
    pub async fn campaign_cards(&self, lang: &str) -> Result<Vec<CampaignCard>, StoreError> {
        Ok(self
            .open_campaigns(None)
            .await?
            .iter()
            .map(|c| CampaignCard::of(c, lang))
            .collect())
    }

    /// Checks and stores a respondent's survey answers. `None` for an unknown campaign,
    /// [`ServiceError::Invalid`] naming every wrong answer (or a closed campaign).
    pub async fn answer(
        &self,
        campaign: &str,
        input: &SurveyInput,
    ) -> ServiceResult<Option<Answered>> {
        let Some(c) = self.store.campaign(campaign).await? else {
            return Ok(None);
        };
        let mut errs = Vec::new();
        if !app::model::is_uuid(&input.respondent) {
            errs.push(Violation::new("respondent", Rule::NotUuid));
        }
        if !app::model::is_language_tag(input.language.trim()) {
            errs.push(Violation::new("language", Rule::UnknownValue));
        }
        if !c.is_open_on(today()) {
            errs.push(Violation::new("campaign", Rule::UnknownCampaign));
        }
        let answers = match c.check_answers(&input.answers) {
            Ok(a) => a,
            Err(v) => {
                errs.extend(v);
                Default::default()
            }
        };
        if !errs.is_empty() {
            return Err(ServiceError::Invalid(errs));
        }
        let respondent = input.respondent.to_ascii_lowercase();
        let language = input.language.trim().to_ascii_lowercase();
        Ok(Some(
            self.store
                .answer(&c.id, &respondent, &answers, &language)
                .await?,
        ))
    }
}
