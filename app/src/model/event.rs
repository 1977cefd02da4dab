//! Street events: an opbouwwerker's afternoon on a square, within a campaign. An event has two secret
//! links: the kiosk link opens the shared tablet, the poster's QR link lets residents answer on their
//! own phone. Entries made through either carry `source: "event"` and the event's id.

use serde::{Deserialize, Serialize};

use super::{is_slug, Day, Rule, Violation};

/// How long after its day an event still takes entries: a tablet that was offline all afternoon may
/// only find a network days later, and what it collected must still arrive.
pub const SYNC_GRACE_DAYS: i64 = 14;

pub const MAX_EVENT_NAME: usize = 120;
pub const MAX_EVENT_PLACE: usize = 160;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum EventStatus {
    #[default]
    Open,
    /// Closed by a worker: its links take nothing new (a resend of a stored entry is still answered).
    Closed,
}

impl EventStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Open => "open",
            EventStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<EventStatus> {
        [EventStatus::Open, EventStatus::Closed]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// What a worker fills in to create an event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventInput {
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::slug))]
    pub campaign: String,
    #[cfg_attr(feature = "ssr", schema(max_length = 120))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 160))]
    pub place: String,
    /// `YYYY-MM-DD`.
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::day))]
    pub day: String,
}

impl EventInput {
    /// Names every wrong field; the event's day when there is none. Whether the campaign exists is
    /// the server's to check.
    pub fn check(&self) -> Result<Day, Vec<Violation>> {
        let mut errs = Vec::new();
        if !is_slug(self.campaign.trim()) {
            errs.push(Violation::new("campaign", Rule::UnknownCampaign));
        }
        if self.name.trim().is_empty() {
            errs.push(Violation::new("name", Rule::Required));
        }
        for (field, text, max) in [
            ("name", &self.name, MAX_EVENT_NAME),
            ("place", &self.place, MAX_EVENT_PLACE),
        ] {
            if text.chars().count() > max {
                errs.push(Violation::new(field, Rule::TooLong { max }));
            }
        }
        let day = Day::parse(self.day.trim());
        if day.is_none() {
            errs.push(Violation::new("day", Rule::UnknownValue));
        }
        match day {
            Some(day) if errs.is_empty() => Ok(day),
            _ => Err(errs),
        }
    }
}

/// A stored event as staff see it, with its links' secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Event {
    pub id: String,
    pub campaign: String,
    pub name: String,
    pub place: String,
    pub day: Day,
    pub status: EventStatus,
    /// Opens the tablet: the kiosk link is `/tablet/{id}?sleutel={kiosk_token}`.
    pub kiosk_token: String,
    /// Printed on the poster: `/qr/{id}?sleutel={qr_token}`.
    pub qr_token: String,
    /// Entries that arrived tagged with this event (event and paper).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub entries: i64,
    /// The gemeenten it belongs to: those of its worker's gemeenten its campaign runs in (an
    /// admin's event: its campaign's). Workers of other gemeenten neither see nor close it.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::gemeente_codes))]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub gemeenten: Vec<String>,
    /// The staff account that made it (always sees it).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub created_by: i64,
}

impl Event {
    pub fn kiosk_path(&self) -> String {
        format!("/tablet/{}?sleutel={}", self.id, self.kiosk_token)
    }

    pub fn qr_path(&self) -> String {
        format!("/qr/{}?sleutel={}", self.id, self.qr_token)
    }

    /// Whether its links take new entries on `today`: open, from its day until
    /// [`SYNC_GRACE_DAYS`] later (`last_day` is that day, computed by the caller's calendar).
    pub fn takes_entries(&self, today: Day, last_day: Day) -> bool {
        self.status == EventStatus::Open && self.day <= today && today <= last_day
    }
}

/// The two secret links of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventLink {
    /// The shared tablet: many residents from one network, so the anonymous write limit does not apply.
    Kiosk,
    /// The poster's QR code on residents' own phones.
    Poster,
}

/// What the server established about who is sending an entry, checked against its `source`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proof {
    /// The event whose token came with the entry (or, for paper, the event a worker named).
    pub event: Option<String>,
    /// A signed-in worker (or admin) typing in paper forms.
    pub worker: bool,
}

impl Proof {
    /// What the browser's own check assumes: the entry's claim. Only the server can verify it.
    pub fn claimed_by(input: &super::SubmissionInput) -> Proof {
        Proof {
            event: input.event.as_deref().map(|e| e.trim().to_string()),
            worker: true,
        }
    }
}

/// The event a tablet or phone is tagged with, handed to the form so it can send the token along.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventTag {
    pub event: String,
    pub token: String,
    pub name: String,
    pub link: EventLink,
}

/// What the entry form needs besides the campaign: the event this device is tagged with, or the
/// worker typing in paper forms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormContext {
    pub info: Option<super::CampaignInfo>,
    pub tag: Option<EventTag>,
    pub paper: Option<PaperMode>,
}

/// A signed-in worker typing in paper forms of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperMode {
    pub csrf: String,
    pub event: String,
    pub event_name: String,
    /// The campaign has a survey: a stored paper form leads on to its answers (same respondent).
    #[serde(default)]
    pub survey: bool,
}

/// The kiosk's page data: the tablet's event (its kiosk cookie) and the campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KioskContext {
    pub tag: EventTag,
    pub info: super::CampaignInfo,
    /// Where the event is and when, for the worker's eye.
    pub place: String,
    pub day: String,
}

/// An event on the staff page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    pub event: Event,
    pub campaign_title: String,
}

/// The staff events page: the events, and the campaigns a new one may belong to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventsPage {
    pub events: Vec<EventRow>,
    pub campaigns: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event {
        Event {
            id: "e1".into(),
            campaign: "default".into(),
            name: "Pleinfeest".into(),
            place: "Bagijnhof".into(),
            day: Day::parse("2026-06-13").expect("day"),
            status: EventStatus::Open,
            kiosk_token: "k".repeat(32),
            qr_token: "q".repeat(32),
            entries: 0,
            gemeenten: vec!["GM0505".into()],
            created_by: 1,
        }
    }

    #[test]
    fn every_mistake_in_an_event_is_named() {
        let bad = EventInput {
            campaign: "Not a slug".into(),
            name: " ".into(),
            place: "x".repeat(200),
            day: "13-06-2026".into(),
        };
        let fields: Vec<String> = bad
            .check()
            .expect_err("invalid")
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(fields, ["campaign", "name", "place", "day"]);
        let good = EventInput {
            campaign: "default".into(),
            name: "Pleinfeest".into(),
            place: String::new(),
            day: "2026-06-13".into(),
        };
        assert_eq!(good.check(), Ok(Day::parse("2026-06-13").expect("day")));
    }

    #[test]
    fn links_carry_their_token() {
        let e = event();
        assert!(e.kiosk_path().starts_with("/tablet/e1?sleutel=kkk"));
        assert!(e.qr_path().starts_with("/qr/e1?sleutel=qqq"));
    }

    #[test]
    fn an_event_takes_entries_from_its_day_through_the_grace_period_while_open() {
        let day = |s: &str| Day::parse(s).expect("day");
        let mut e = event();
        assert!(
            !e.takes_entries(day("2026-06-12"), day("2026-06-27")),
            "not before its day"
        );
        assert!(e.takes_entries(day("2026-06-13"), day("2026-06-27")));
        assert!(
            e.takes_entries(day("2026-06-27"), day("2026-06-27")),
            "a late sync still arrives"
        );
        assert!(!e.takes_entries(day("2026-06-28"), day("2026-06-27")));
        e.status = EventStatus::Closed;
        assert!(!e.takes_entries(day("2026-06-13"), day("2026-06-27")));
    }
}
