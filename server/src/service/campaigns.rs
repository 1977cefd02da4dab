//! Campaigns as residents meet them: the ones open today (as cards on the start page) and their
//! survey answers, checked and stored.

use app::model::{Campaign, CampaignCard, Rule, SurveyInput, Violation};

use crate::domain::calendar::today;
use crate::service::Service;
use crate::store::{Answered, StoreError};

impl Service {
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
            .filter(|c| c.is_open_on(&today))
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

    /// Checks and stores a respondent's survey answers. `None` for an unknown campaign.
    pub async fn answer(
        &self,
        campaign: &str,
        input: &SurveyInput,
    ) -> Result<Option<Result<Answered, Vec<Violation>>>, StoreError> {
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
        if !c.is_open_on(&today()) {
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
            return Ok(Some(Err(errs)));
        }
        let respondent = input.respondent.to_ascii_lowercase();
        let language = input.language.trim().to_ascii_lowercase();
        Ok(Some(Ok(self
            .store
            .answer(&c.id, &respondent, &answers, &language)
            .await?)))
    }
}
