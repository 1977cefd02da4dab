//! Server functions. They run on the server and reach its domain through [`Backend`], which the server
//! provides as context (its `Service`); the REST handlers call the same `Service`, so every path to
//! storage is one code path.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::{FormDraft, GeocodeHit, Receipt, Violation};

#[cfg(feature = "ssr")]
mod backend;
#[cfg(feature = "ssr")]
pub use backend::*;

/// What became of a submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SubmitOutcome {
    Created(Receipt),
    /// The same entry was already stored (an offline resend, a double tap).
    Replayed(Receipt),
    Invalid(Vec<Violation>),
    /// The same id was stored with different content.
    Conflict,
    /// The entry was deleted and stays deleted.
    Gone,
}

/// Why the form is shown again with a message on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    /// This form's id was already used (the resident went back and changed it): a new id was given.
    AlreadySent,
    /// The server could not store it right now.
    SendFailed,
    /// No connection: the entry waits on this device and is sent when there is one.
    Queued,
}

/// The resident form as it is to be shown: a fresh one, or one sent back with what was wrong. The
/// server provides it as context when it renders a plain (no-JavaScript) form POST that failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormState {
    pub draft: FormDraft,
    pub violations: Vec<Violation>,
    pub notice: Option<Notice>,
    /// The campaign's offer: which categories (all when `None`) and its own names for some of them,
    /// in the page's language.
    #[serde(default)]
    pub offer: Offer,
    #[serde(default)]
    pub mode: FormMode,
}

/// Who fills in the form, which decides where it goes after sending.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormMode {
    /// A resident on their own device: on to the thank-you page.
    #[default]
    Resident,
    /// The event's shared tablet: back to the kiosk's start for the same or the next resident; sent
    /// later from the tablet's queue when there is no network.
    Kiosk { event: String },
    /// A worker typing in paper forms of an event: on to the next paper form.
    Paper { event: String },
}

/// The kiosk's start page in language `lang`; `done` says what became of the entry just made.
pub fn kiosk_path(event: &str, lang: &str, done: Option<&str>) -> String {
    match done {
        Some(d) => format!("/kiosk/{event}?taal={lang}&klaar={d}"),
        None => format!("/kiosk/{event}?taal={lang}"),
    }
}

/// The next paper form of `kind` after one was stored.
pub fn paper_path(kind: crate::model::Kind, campaign: &str, event: &str) -> String {
    format!(
        "/meedoen/{}?c={campaign}&papier={event}&opgeslagen=1",
        crate::components::entry_form::kind_slug(kind)
    )
}

/// What a campaign offers in the form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    pub categories: Option<Vec<String>>,
    pub labels: Vec<(String, String)>,
}

impl Offer {
    pub fn of(c: &crate::model::Campaign, kind: crate::model::Kind, lang: &str) -> Offer {
        let ids = c.categories_of(kind);
        Offer {
            labels: ids
                .iter()
                .filter_map(|id| Some((id.to_string(), c.label(id, lang)?.to_string())))
                .collect(),
            categories: Some(ids.into_iter().map(String::from).collect()),
        }
    }

    pub fn offers(&self, id: &str) -> bool {
        self.categories.as_ref().is_none_or(|c| c.iter().any(|x| x == id))
    }

    pub fn label(&self, id: &str) -> Option<&str> {
        self.labels.iter().find(|(c, _)| c == id).map(|(_, l)| l.as_str())
    }
}

/// Stores the resident form's entry. The form's typed address is looked up first when no map position
/// was given.
#[server(prefix = "/_fn", endpoint = "submit", input = server_fn::codec::Json)]
pub async fn submit_entry(draft: FormDraft) -> Result<SubmitOutcome, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .submit_form(draft, request_cookie().await?)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The `Cookie` header of the request a server function answers.
#[cfg(feature = "ssr")]
async fn request_cookie() -> Result<Option<String>, ServerFnError> {
    let headers: axum::http::HeaderMap = leptos_axum::extract().await?;
    Ok(headers
        .get(axum::http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string))
}

/// The entry form's campaign and how this device's entries are tagged: an event link's cookie, or a
/// signed-in worker typing in paper forms of `paper_event`.
#[server(prefix = "/_fn", endpoint = "form_context", input = server_fn::codec::Json)]
pub async fn form_context(
    campaign: String,
    paper_event: Option<String>,
) -> Result<crate::model::FormContext, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .form_context(campaign, paper_event, request_cookie().await?)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The kiosk of `event` for this tablet, or `None` when it was not opened with the event's kiosk link.
#[server(prefix = "/_fn", endpoint = "kiosk", input = server_fn::codec::Json)]
pub async fn kiosk_context(event: String) -> Result<Option<crate::model::KioskContext>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .kiosk(event, request_cookie().await?)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// Address search for the form's "type an address" field.
#[server(prefix = "/_fn", endpoint = "geocode", input = server_fn::codec::Json)]
pub async fn geocode(q: String) -> Result<Vec<GeocodeHit>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .geocode(q)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The newest entries as the public map shows them (locations of barriers and wishes coarsened).
#[server(prefix = "/_fn", endpoint = "recent")]
pub async fn recent_entries(limit: u32) -> Result<Vec<crate::model::PublicEntry>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .recent_entries(limit.clamp(1, 200))
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The dashboard's figures for one filter (aggregated and suppressed: safe to show anyone).
#[server(prefix = "/_fn", endpoint = "insight", input = server_fn::codec::Json)]
pub async fn insight(
    filter: crate::model::InsightFilter,
) -> Result<crate::model::InsightOverview, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .insight(filter)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// One area's profile, or `None` when no such area is imported.
#[server(prefix = "/_fn", endpoint = "area_profile", input = server_fn::codec::Json)]
pub async fn area_profile(
    code: String,
    filter: crate::model::InsightFilter,
) -> Result<Option<crate::model::AreaProfile>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .area_profile(code, filter)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// One entry as the public sees it (status, note, published text), or `None`.
#[server(prefix = "/_fn", endpoint = "entry")]
pub async fn entry(id: String) -> Result<Option<crate::model::PublicEntry>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .entry(id)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The signed-in staff member's page data (the moderation queue), or `None` when the request has no
/// valid staff session. Reads the session cookie of the request.
#[server(prefix = "/_fn", endpoint = "staff_desk")]
pub async fn staff_desk() -> Result<Option<crate::model::StaffDesk>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    let cookie = request_cookie().await?;
    backend
        .staff_desk(cookie)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// Another staff page (accounts, audit log, campaigns) for the request's session, or `None` without
/// a valid session.
#[server(prefix = "/_fn", endpoint = "staff_view", input = server_fn::codec::Json)]
pub async fn staff_view(
    view: crate::model::StaffView,
) -> Result<Option<crate::model::StaffPageData>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    let cookie = request_cookie().await?;
    backend
        .staff_view(cookie, view)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The campaigns open today, in `lang`.
#[server(prefix = "/_fn", endpoint = "open_campaigns")]
pub async fn open_campaigns(
    lang: String,
) -> Result<Vec<crate::model::CampaignCard>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .open_campaigns(lang)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// One campaign for a resident's page, or `None`.
#[server(prefix = "/_fn", endpoint = "campaign_info")]
pub async fn campaign_info(
    id: String,
    respondent: Option<String>,
) -> Result<Option<crate::model::CampaignInfo>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .campaign_info(id, respondent)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// Entries of a kind near a position, for "ik ook" while adding one.
#[server(prefix = "/_fn", endpoint = "nearby")]
pub async fn nearby(
    kind: crate::model::Kind,
    lon: f64,
    lat: f64,
) -> Result<Vec<crate::model::PublicEntry>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .nearby(kind, lon, lat)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// "Ik ook" (me too) on an entry; its count afterwards, or `None` for an unknown entry.
#[server(prefix = "/_fn", endpoint = "me_too")]
pub async fn say_me_too(id: String, respondent: String) -> Result<Option<u64>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .me_too(id, respondent)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The private-link key of an entry, for the visit that wrote it (the thank-you page).
#[server(prefix = "/_fn", endpoint = "edit_key")]
pub async fn edit_key(id: String, respondent: String) -> Result<Option<String>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .edit_key(id, respondent)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The entry behind a private link (`/mijn/{id}?sleutel=`), or `None`.
#[server(prefix = "/_fn", endpoint = "own_entry")]
pub async fn own_entry(
    id: String,
    key: String,
) -> Result<Option<crate::model::OwnEntry>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .own_entry(id, key)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}
