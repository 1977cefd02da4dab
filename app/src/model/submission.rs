//! A submission as it arrives (`SubmissionInput`, the wire format of `POST /api/v1/submissions`) and as
//! it is after validation (`Submission`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Kind, Source};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Location {
    #[cfg_attr(feature = "ssr", schema(minimum = 3.2, maximum = 7.3))]
    pub lon: f64,
    #[cfg_attr(feature = "ssr", schema(minimum = 50.7, maximum = 53.6))]
    pub lat: f64,
}

/// One entry as a resident (or a kiosk, or a worker typing in a paper form) sends it.
// Field types are loose on purpose (strings, JSON objects), so that the validator names every wrong
// field at once instead of the first one serde trips over; the schema says what the validator checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SubmissionInput {
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::random_uuid))]
    pub id: String,
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::random_uuid))]
    pub respondent: String,
    /// The campaign it answers; it must be open on the day the entry was made.
    #[serde(default = "default_campaign")]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::campaign_id))]
    pub campaign: String,
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::kind_name))]
    pub kind: String,
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::any_category))]
    pub category: String,
    /// Required for places and physical barriers.
    #[serde(default)]
    pub location: Option<Location>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::entry_details))]
    pub details: Map<String, Value>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::no_answers))]
    pub answers: Map<String, Value>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::free_text))]
    pub text: Option<String>,
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::language_tag))]
    pub language: String,
    #[serde(default = "default_source")]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::source_name))]
    pub source: String,
    /// The event's id, with source event.
    #[serde(default)]
    pub event: Option<String>,
}

fn default_campaign() -> String {
    super::DEFAULT_CAMPAIGN.to_string()
}

fn default_source() -> String {
    "web".to_string()
}

/// The kind's own fields, validated. Serialized without a tag: the entry's `kind` says which it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Details {
    Place {
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        qualities: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        who: Option<String>,
    },
    Barrier {
        severity: u8,
        affects: Vec<String>,
    },
    Wish {
        #[serde(skip_serializing_if = "Option::is_none")]
        talent: Option<String>,
    },
}

/// A valid submission: ids lowercased, text trimmed, option lists sorted and deduplicated, so two
/// bodies that mean the same thing compare equal (that is what idempotent replays are checked against).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Submission {
    pub id: String,
    pub respondent: String,
    pub campaign: String,
    pub kind: Kind,
    pub category: String,
    pub location: Option<Location>,
    pub details: Details,
    pub answers: Map<String, Value>,
    pub text: Option<String>,
    pub language: String,
    pub source: Source,
    pub event: Option<String>,
}

impl Submission {
    /// The canonical JSON that decides whether a replay with the same id is the same submission.
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The area codes an entry was assigned at write time; `None` outside every imported area.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AreaCodes {
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub gemeente: Option<String>,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub wijk: Option<String>,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub buurt: Option<String>,
}

/// What `POST /api/v1/submissions` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Receipt {
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::uuid))]
    pub id: String,
    pub areas: AreaCodes,
    /// The key of the entry's private link (`/mijn/{id}?sleutel=...`), for its author only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(pattern = "^[0-9a-f]{32}$"))]
    pub edit_key: Option<String>,
}

/// Where the file of a photo is served.
pub fn photo_url(hash: &str) -> String {
    format!("/api/v1/photos/{hash}.jpg")
}

/// An entry as its author sees it through the private link: with its text, hidden or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OwnEntry {
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::uuid))]
    pub id: String,
    pub kind: Kind,
    pub category: String,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub text: Option<String>,
    pub text_public: bool,
    pub hidden: bool,
    pub status: super::Status,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub status_note: Option<String>,
    /// The day only.
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub created_at: String,
    pub campaign: String,
    /// The address of the entry's photo and whether it is public yet.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub photo: Option<(String, bool)>,
    /// The author's reply to the status note, and whether a moderator published it.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub reply: Option<String>,
    /// Whether a moderator published the reply (then the entry's page shows it).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub reply_public: bool,
}

/// The author's change through the private link (`PATCH /api/v1/submissions/{id}/private`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OwnChange {
    #[serde(default)]
    pub category: Option<String>,
    /// The new free text; an empty one removes it.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 2000))]
    pub text: Option<String>,
    /// A short reply to the status note (staff's note on the entry); an empty one removes it.
    /// Private until a moderator publishes it, as the free text.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 500))]
    pub reply: Option<String>,
}

/// Longest reply of a resident to the note on their entry, in characters.
pub const MAX_REPLY_CHARS: usize = 500;

/// An entry as the public map shows it: places exact, barriers and wishes on a 100 m grid, and free
/// text only once a moderator published it (anyone can type anything there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicEntry {
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::uuid))]
    pub id: String,
    pub kind: Kind,
    pub category: String,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub location: Option<Location>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub qualities: Vec<String>,
    /// A barrier's severity: 1 (a nuisance) to 3 (it stops people). Public: it describes the
    /// barrier, and the figures by severity count these entries. Absent for entries made before
    /// it was public (migration 0019).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 3))]
    pub severity: Option<u8>,
    /// Whom a barrier stops ([`super::BARRIER_AFFECTS`]). Public, as the severity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affects: Vec<String>,
    /// The month it was made (`YYYY-MM`), never the day: a day or a time would link one visit's
    /// entries (a place shown exactly, and the barrier made a minute later).
    #[cfg_attr(feature = "ssr", schema(pattern = "^[0-9]{4}-[0-9]{2}$"))]
    pub month: String,
    /// The campaign it belongs to. Public: the figures per campaign are counts of these entries.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub campaign: String,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub status: super::Status,
    /// What staff say about the status, in plain words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_note: Option<String>,
    /// The resident's text, once published by a moderator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The resident's reply to the status note, once published by a moderator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// How many other residents said "ik ook" (me too).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub me_too: u64,
    /// The address of the entry's photo, once a moderator published it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
}

/// One address search result (`GET /api/v1/geocode`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GeocodeHit {
    /// PDOK's display name, such as "Bolstraat 1, 3581WS Utrecht".
    pub label: String,
    /// `adres`, `weg`, `postcode`, `woonplaats`, ...
    pub kind: String,
    pub location: Location,
}
