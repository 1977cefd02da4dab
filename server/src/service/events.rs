//! Street events (service side): creating and listing them within a staff member's scope, the
//! cookie their links set on a tablet or phone, and what an entry's `source` can prove.

use app::model::{
    Day, Event, EventInput, EventLink, EventStatus, EventTag, Proof, Rule, Source, SubmissionInput,
    Violation, SYNC_GRACE_DAYS,
};

use crate::domain::calendar::{add_days, today};
use crate::domain::roles::Role;
use crate::secrets;
use crate::service::error::{ServiceError, ServiceResult};
use crate::service::Service;
use crate::store::{SessionUser, StoreError};

/// What [`Service::proof`] found.
pub struct EntryProof {
    pub proof: Proof,
    pub day: Option<Day>,
    pub takes_new: bool,
}

/// What came with an entry besides its body: an event link's token, a worker's session.
#[derive(Default)]
pub struct Credentials {
    pub event_token: Option<String>,
    /// Set only when the caller checked the session and its CSRF token.
    pub worker: Option<SessionUser>,
}

/// How far ahead an event's day may be.
pub const MAX_DAYS_AHEAD: i64 = 366;

impl Service {
    /// Creates an event in a campaign this worker may see, with fresh link tokens. It belongs to
    /// the gemeenten of [`event_gemeenten`].
    pub async fn create_event(
        &self,
        input: &EventInput,
        who: &SessionUser,
    ) -> ServiceResult<Event> {
        let day = input.check().map_err(ServiceError::Invalid)?;
        // An event is planned at most a year ahead: a day such as 9999-12-31 is a typing error,
        // and its links would stay open for ever.
        if add_days(today(), MAX_DAYS_AHEAD).is_none_or(|latest| day > latest) {
            return Err(ServiceError::Invalid(vec![Violation::new(
                "day",
                Rule::UnknownValue,
            )]));
        }
        let campaign = self.store.campaign(input.campaign.trim()).await?;
        let Some(campaign) = campaign.filter(|c| who.scope().sees_campaign(&c.gemeenten)) else {
            return Err(ServiceError::Invalid(vec![Violation::new(
                "campaign",
                Rule::UnknownCampaign,
            )]));
        };
        let gemeenten = event_gemeenten(who, &campaign.gemeenten);
        let event = Event {
            // The id names the event in links; only the tokens are secret.
            id: secrets::token::<6>()?,
            campaign: campaign.id.clone(),
            name: input.name.trim().to_string(),
            place: input.place.trim().to_string(),
            day,
            status: EventStatus::Open,
            kiosk_token: secrets::token::<16>()?,
            qr_token: secrets::token::<16>()?,
            entries: 0,
            gemeenten,
            created_by: who.user_id,
        };
        self.store.create_event(&event, who).await?;
        Ok(event)
    }

    /// The events this staff member may see, newest day first.
    pub async fn events_for(&self, who: &SessionUser) -> Result<Vec<Event>, StoreError> {
        Ok(self
            .store
            .event_list()
            .await?
            .into_iter()
            .filter(|e| sees_event(who, e))
            .collect())
    }

    /// One event, if this staff member may see it.
    pub async fn event_for(
        &self,
        id: &str,
        who: &SessionUser,
    ) -> Result<Option<Event>, StoreError> {
        Ok(self.store.event(id).await?.filter(|e| sees_event(who, e)))
    }

    /// The staff events page: this worker's events and the open campaigns a new one may join.
    pub async fn events_page(
        &self,
        who: &SessionUser,
    ) -> Result<app::model::EventsPage, StoreError> {
        let scope = who.scope();
        let today = today();
        let campaigns: Vec<_> = self
            .store
            .campaign_list()
            .await?
            .into_iter()
            .filter(|c| scope.sees_campaign(&c.gemeenten))
            .collect();
        let title = |id: &str| {
            campaigns
                .iter()
                .find(|c| c.id == id)
                .map(|c| app::model::text_in(&c.title, "nl").to_string())
                .unwrap_or_default()
        };
        let events = self
            .events_for(who)
            .await?
            .into_iter()
            .map(|event| app::model::EventRow {
                campaign_title: title(&event.campaign),
                event,
            })
            .collect();
        Ok(app::model::EventsPage {
            events,
            campaigns: campaigns
                .iter()
                .filter(|c| c.is_open_on(today) || c.ends_on.is_none_or(|e| today <= e))
                .map(|c| (c.id.clone(), title(&c.id)))
                .collect(),
        })
    }

    pub async fn set_event_status(
        &self,
        id: &str,
        status: EventStatus,
        who: &SessionUser,
    ) -> Result<Option<Event>, StoreError> {
        if self.event_for(id, who).await?.is_none() {
            return Ok(None);
        }
        self.store.set_event_status(id, status, who).await?;
        self.store.event(id).await
    }

    /// The event `token` opens today, and which of its links it is.
    pub async fn open_event(
        &self,
        id: &str,
        token: &str,
    ) -> Result<Option<(Event, EventLink)>, StoreError> {
        let Some(event) = self.store.event(id).await? else {
            return Ok(None);
        };
        let Some(link) = link_of(&event, token) else {
            return Ok(None);
        };
        let last_day = add_days(event.day, SYNC_GRACE_DAYS).unwrap_or(event.day);
        Ok(event
            .takes_entries(today(), last_day)
            .then_some((event, link)))
    }

    /// The event a request's event cookie (its value) tags it with, if its link still takes
    /// entries.
    pub async fn event_tag(&self, cookie: Option<&str>) -> Result<Option<EventTag>, StoreError> {
        let Some((id, token)) = cookie.and_then(cookie_value) else {
            return Ok(None);
        };
        Ok(self
            .open_event(&id, &token)
            .await?
            .map(|(e, link)| EventTag {
                event: e.id,
                token,
                name: e.name,
                link,
            }))
    }

    /// What the entry form needs besides its campaign (see [`app::model::FormContext`]): the
    /// event the device's `event_cookie` tags it with, and for a `worker` (signed in, role
    /// checked) asking for `paper_event` the paper mode.
    pub async fn form_context(
        &self,
        campaign: &str,
        paper_event: Option<&str>,
        event_cookie: Option<&str>,
        worker: Option<&SessionUser>,
    ) -> Result<app::model::FormContext, StoreError> {
        let info = self.campaign_info(campaign, None).await?;
        let mut tag = self.event_tag(event_cookie).await?;
        let mut paper = None;
        if let Some(id) = paper_event {
            if let Some(worker) = worker {
                if let Some(e) = self
                    .event_for(id, worker)
                    .await?
                    .filter(|e| e.campaign == campaign)
                {
                    paper = Some(app::model::PaperMode {
                        csrf: worker.csrf.clone(),
                        event: e.id,
                        event_name: e.name,
                        survey: info
                            .as_ref()
                            .is_some_and(|i| !i.campaign.survey().is_empty()),
                    });
                    tag = None;
                }
            }
        }
        // A tag from another campaign's event does not apply to this form.
        if let Some(t) = &tag {
            if self
                .store
                .event(&t.event)
                .await?
                .is_none_or(|e| e.campaign != campaign)
            {
                tag = None;
            }
        }
        Ok(app::model::FormContext { info, tag, paper })
    }

    /// The kiosk of `event` for a tablet whose event cookie is that event's kiosk link.
    pub async fn kiosk(
        &self,
        event: &str,
        event_cookie: Option<&str>,
    ) -> Result<Option<app::model::KioskContext>, StoreError> {
        let Some(tag) = self
            .event_tag(event_cookie)
            .await?
            .filter(|t| t.event == event && t.link == EventLink::Kiosk)
        else {
            return Ok(None);
        };
        let Some(e) = self.store.event(event).await? else {
            return Ok(None);
        };
        let Some(info) = self.campaign_info(&e.campaign, None).await? else {
            return Ok(None);
        };
        Ok(Some(app::model::KioskContext {
            tag,
            info,
            place: e.place,
            day: e.day.to_string(),
        }))
    }

    /// What the credentials prove about the entry's source. For an event entry also the day it
    /// counts as collected on (the event's own, so a tablet that syncs late still lands in its
    /// campaign's period) and whether the event still takes new entries: a closed one only answers
    /// resends of what it stored.
    pub async fn proof(
        &self,
        input: &SubmissionInput,
        credentials: &Credentials,
    ) -> Result<EntryProof, StoreError> {
        let mut proof = Proof {
            event: None,
            worker: credentials.worker.is_some(),
        };
        let event_id = input.event.as_deref().map(str::trim).unwrap_or_default();
        if event_id.is_empty() {
            return Ok(EntryProof {
                proof,
                day: None,
                takes_new: true,
            });
        }
        match Source::parse(&input.source) {
            Some(Source::Event) => {
                let token = credentials.event_token.as_deref().unwrap_or_default();
                let event = self.store.event(event_id).await?;
                if let Some(event) = event
                    .filter(|e| link_of(e, token).is_some() && e.campaign == input.campaign.trim())
                {
                    let last_day = add_days(event.day, SYNC_GRACE_DAYS).unwrap_or(event.day);
                    let takes_new = event.takes_entries(today(), last_day);
                    proof.event = Some(event.id);
                    return Ok(EntryProof {
                        proof,
                        day: Some(event.day),
                        takes_new,
                    });
                }
            }
            Some(Source::Paper) => {
                if let Some(worker) = &credentials.worker {
                    if let Some(event) = self.event_for(event_id, worker).await? {
                        if event.campaign == input.campaign.trim() {
                            proof.event = Some(event.id);
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(EntryProof {
            proof,
            day: None,
            takes_new: true,
        })
    }
}

/// The gemeenten an event belongs to: an admin's, its campaign's; a worker's, those of the worker's
/// gemeenten the campaign runs in (all of them for a campaign that runs everywhere), so colleagues
/// in a gemeente the campaign does not reach do not see it.
pub fn event_gemeenten(who: &SessionUser, campaign: &[String]) -> Vec<String> {
    match who.role {
        Role::Admin => campaign.to_vec(),
        _ if campaign.is_empty() => who.gemeenten.clone(),
        _ => who
            .gemeenten
            .iter()
            .filter(|g| campaign.contains(g))
            .cloned()
            .collect(),
    }
}

/// Whether a staff member may see (and close) an event: admins every one, others those of their
/// gemeenten and the ones they made themselves. A campaign that runs everywhere does not make its
/// events everyone's.
pub fn sees_event(who: &SessionUser, event: &Event) -> bool {
    who.role == Role::Admin
        || event.created_by == who.user_id
        || event.gemeenten.iter().any(|g| who.gemeenten.contains(g))
}

/// Which of an event's links a token opens, compared in constant time.
pub fn link_of(event: &Event, token: &str) -> Option<EventLink> {
    let token = token.as_bytes();
    if token.is_empty() {
        None
    } else if secrets::same(token, event.kiosk_token.as_bytes()) {
        Some(EventLink::Kiosk)
    } else if secrets::same(token, event.qr_token.as_bytes()) {
        Some(EventLink::Poster)
    } else {
        None
    }
}

/// The `(event id, token)` in the event cookie's value (`routes::events::COOKIE`).
pub fn cookie_value(value: &str) -> Option<(String, String)> {
    value
        .split_once('.')
        .filter(|(id, token)| !id.is_empty() && !token.is_empty() && (id.len() + token.len()) < 100)
        .map(|(id, token)| (id.to_string(), token.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_names_an_event_and_its_token() {
        assert_eq!(
            cookie_value("abc.def123"),
            Some(("abc".into(), "def123".into()))
        );
        assert_eq!(cookie_value("nodot"), None);
        assert_eq!(cookie_value(".token"), None);
        assert_eq!(cookie_value(&format!("e.{}", "x".repeat(120))), None);
    }

    fn event() -> Event {
        Event {
            id: "e1".into(),
            campaign: "default".into(),
            name: "Pleinfeest".into(),
            place: String::new(),
            day: app::model::Day::parse("2026-06-13").expect("day"),
            status: EventStatus::Open,
            kiosk_token: "k".repeat(32),
            qr_token: "q".repeat(32),
            entries: 0,
            gemeenten: vec!["GM0505".into()],
            created_by: 7,
        }
    }

    #[test]
    fn tokens_open_their_own_link_only() {
        let e = event();
        assert_eq!(link_of(&e, &"k".repeat(32)), Some(EventLink::Kiosk));
        assert_eq!(link_of(&e, &"q".repeat(32)), Some(EventLink::Poster));
        assert_eq!(link_of(&e, &"k".repeat(31)), None);
        assert_eq!(link_of(&e, ""), None);
    }

    #[test]
    fn events_are_seen_by_their_gemeenten_their_maker_and_admins() {
        let who = |id, role, gemeenten: &[&str]| SessionUser {
            user_id: id,
            email: String::new(),
            role,
            csrf: String::new(),
            gemeenten: gemeenten
                .iter()
                .map(std::string::ToString::to_string)
                .collect(),
        };
        let e = event();
        assert!(sees_event(&who(7, Role::Worker, &[]), &e), "its maker");
        assert!(sees_event(&who(8, Role::Worker, &["GM0505", "GM0363"]), &e));
        assert!(!sees_event(&who(8, Role::Worker, &["GM0363"]), &e));
        assert!(!sees_event(&who(8, Role::Worker, &[]), &e));
        assert!(sees_event(&who(9, Role::Admin, &[]), &e));
    }

    #[test]
    fn an_event_belongs_to_the_gemeenten_its_campaign_reaches() {
        let codes = |c: &[&str]| {
            c.iter()
                .map(std::string::ToString::to_string)
                .collect::<Vec<_>>()
        };
        let worker = SessionUser {
            user_id: 8,
            email: String::new(),
            role: Role::Worker,
            csrf: String::new(),
            gemeenten: codes(&["GM0505", "GM0590"]),
        };
        assert_eq!(
            event_gemeenten(&worker, &codes(&["GM0505", "GM0363"])),
            codes(&["GM0505"])
        );
        assert_eq!(
            event_gemeenten(&worker, &[]),
            codes(&["GM0505", "GM0590"]),
            "a campaign everywhere"
        );
        let admin = SessionUser {
            role: Role::Admin,
            gemeenten: vec![],
            ..worker
        };
        assert_eq!(
            event_gemeenten(&admin, &codes(&["GM0363"])),
            codes(&["GM0363"])
        );
    }
}
