//! Campaigns as residents meet them: the ones open today (as cards on the start page) and their
//! survey answers, checked and stored.

use app::model::{Campaign, CampaignCard, Rule, SurveyInput, Violation};

use app::model::SYNC_GRACE_DAYS;

use crate::domain::calendar::{add_days, today};
use crate::service::error::{ServiceError, ServiceResult};
use crate::service::events::{link_of, Credentials};
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
    ///
    /// Answers collected at a street event (`input.event`, proven by that event's kiosk or poster
    /// token in `credentials`, as its entries are) pass the same guards as the event's entries:
    /// no token is [`ServiceError::Unproven`], a token that does not open that event of this
    /// campaign [`ServiceError::NotAllowed`]; they count on the event's day for the campaign's
    /// period, and once the event is closed or past its grace period only a resend of what was
    /// stored is answered (anything new is `NotAllowed`, and nothing is written).
    pub async fn answer(
        &self,
        campaign: &str,
        input: &SurveyInput,
        credentials: &Credentials,
    ) -> ServiceResult<Option<Answered>> {
        let Some(c) = self.store.campaign(campaign).await? else {
            return Ok(None);
        };
        let event_id = input.event.as_deref().map(str::trim).unwrap_or_default();
        let event = if event_id.is_empty() {
            None
        } else {
            let token = credentials.event_token.as_deref().unwrap_or_default();
            if token.is_empty() {
                return Err(ServiceError::Unproven(
                    "answers collected at an event need the event's token (X-Event-Token)",
                ));
            }
            let event = self
                .store
                .event(event_id)
                .await?
                .filter(|e| link_of(e, token).is_some() && e.campaign == c.id);
            let Some(event) = event else {
                return Err(ServiceError::NotAllowed(
                    "this token does not open an event of this campaign",
                ));
            };
            Some(event)
        };
        let (day, takes_new) = match &event {
            Some(e) => {
                let last_day = add_days(e.day, SYNC_GRACE_DAYS).unwrap_or(e.day);
                (e.day, e.takes_entries(today(), last_day))
            }
            None => (today(), true),
        };
        let mut errs = Vec::new();
        if !app::model::is_uuid(&input.respondent) {
            errs.push(Violation::new("respondent", Rule::NotUuid));
        }
        if !app::model::is_language_tag(input.language.trim()) {
            errs.push(Violation::new("language", Rule::UnknownValue));
        }
        let open = c.is_open_on(day);
        // An event's resend is answered even after its campaign closed, as its entries are; a new
        // answer is then refused below, naming the campaign.
        if !open && event.is_none() {
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
        match self
            .store
            .answer(&c.id, &respondent, &answers, &language, open && takes_new)
            .await?
        {
            Some(answered) => Ok(Some(answered)),
            None if !open => Err(ServiceError::Invalid(vec![Violation::new(
                "campaign",
                Rule::UnknownCampaign,
            )])),
            None => Err(ServiceError::NotAllowed(
                "the event is closed or past its last day for entries",
            )),
        }
    }
}
