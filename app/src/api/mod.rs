//! Server functions: the five calls the resident form makes from the browser (`public/js/form.js`:
//! send, check, address search, nearby entries, "ik ook"; `public/js/outbox.js` sends a device's
//! queue through the first), each at a `/_fn/...` route taking JSON, under the per-client limits. They
//! reach the server's domain through [`Backend`], which the server provides as context (its
//! `Service`); the REST handlers call the same `Service`, so every path to storage is one code path.
//! What pages read while they render is in `render` (server only, plain functions).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::{FormDraft, GeocodeHit, Receipt, Violation};

#[cfg(feature = "ssr")]
mod backend;
#[cfg(feature = "ssr")]
pub use backend::*;
#[cfg(feature = "ssr")]
mod render;
#[cfg(feature = "ssr")]
pub use render::*;

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
    /// A worker typing in paper forms of an event: on to the form's survey answers when the
    /// campaign has a survey (`survey`), else to the next paper form.
    Paper { event: String, survey: bool },
}

/// The kiosk's start page in language `lang`; `done` says what became of the entry just made.
pub fn kiosk_path(event: &str, lang: &str, done: Option<&str>) -> String {
    match done {
        Some(d) => format!("/kiosk/{event}?taal={lang}&klaar={d}"),
        None => format!("/kiosk/{event}?taal={lang}"),
    }
}

/// The next paper form of `kind`; `stored`: it says the last one was stored.
pub fn paper_path(kind: crate::model::Kind, campaign: &str, event: &str, stored: bool) -> String {
    let slug = crate::model::kind_slug(kind);
    let note = if stored { "&opgeslagen=1" } else { "" };
    format!("/meedoen/{slug}?c={campaign}&papier={event}{note}")
}

/// The survey answers of the paper form just stored (its `respondent`), typed in by the worker
/// right after it; from there on to the next paper form of `kind`.
pub fn paper_survey_path(
    kind: crate::model::Kind,
    campaign: &str,
    event: &str,
    respondent: &str,
) -> String {
    let slug = crate::model::kind_slug(kind);
    format!("/campagne/{campaign}/vragen?r={respondent}&papier={event}&soort={slug}")
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
        self.categories
            .as_ref()
            .is_none_or(|c| c.iter().any(|x| x == id))
    }

    pub fn label(&self, id: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(c, _)| c == id)
            .map(|(_, l)| l.as_str())
    }
}

/// Why a server function gave no answer: typed, so "the database is unavailable" reaches the browser
/// as such (it then keeps the entry on the device) and not as a string. The
/// server answers `BadRequest` with 400, `Unavailable` with 503 and `Internal` with 500.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FnError {
    /// The request itself was wrong: a body that does not parse, an argument missing.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The server cannot reach its database or PDOK right now: try again later.
    #[error("temporarily unavailable: {0}")]
    Unavailable(String),
    /// Something failed on the server (its log says what).
    #[error("internal error")]
    Internal,
    /// No answer came: no network, or the answer was unreadable.
    #[error("no answer: {0}")]
    NoAnswer(String),
}

impl leptos::server_fn::error::FromServerFnError for FnError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(e: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match e {
            // The server could not read what the browser sent.
            E::Args(m) | E::MissingArg(m) => FnError::BadRequest(m),
            // Reading the arguments on the server, reading the answer in the browser.
            #[cfg(feature = "ssr")]
            E::Deserialization(m) => FnError::BadRequest(m),
            #[cfg(not(feature = "ssr"))]
            E::Deserialization(m) => FnError::NoAnswer(m),
            // The browser got no answer.
            E::Request(m) => FnError::NoAnswer(m),
            E::Registration(_)
            | E::UnsupportedRequestMethod(_)
            | E::ServerError(_)
            | E::MiddlewareError(_)
            | E::Serialization(_)
            | E::Response(_) => FnError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<BackendError> for FnError {
    fn from(e: BackendError) -> Self {
        match e {
            BackendError::Unavailable(why) => FnError::Unavailable(why),
            BackendError::Internal => FnError::Internal,
        }
    }
}

/// Stores the resident form's entry. The form's typed address is looked up first when no map position
/// was given.
#[server(prefix = "/_fn", endpoint = "submit", input = server_fn::codec::Json)]
pub async fn submit_entry(draft: FormDraft) -> Result<SubmitOutcome, FnError> {
    let backend = expect_context::<BackendRef>();
    let cookie = request_cookie().await.map_err(|_| FnError::Internal)?;
    Ok(backend.submit_form(draft, cookie).await?)
}

/// The `Cookie` header of the request a server function answers.
#[cfg(feature = "ssr")]
pub(crate) async fn request_cookie() -> Result<Option<String>, ServerFnError> {
    let headers: axum::http::HeaderMap = leptos_axum::extract().await?;
    Ok(headers
        .get(axum::http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string))
}

/// One thing wrong with the form, said in the resident's language: what form.js shows in the error
/// summary (`label: message`, linking to `#target`) and under the field (`field`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMessage {
    pub field: String,
    pub target: String,
    pub label: String,
    pub message: String,
}

/// The messages for `found`, in language `l`: the same words the server renders after a plain POST.
pub fn shown_violations(l: crate::i18n::Locale, found: &[Violation]) -> Vec<FieldMessage> {
    found
        .iter()
        .map(|v| {
            let (label, target) = crate::labels::field(l, &v.field);
            FieldMessage {
                field: v.field.clone(),
                target: target.to_string(),
                label,
                message: crate::labels::violation(l, v),
            }
        })
        .collect()
}

/// The form's live check: what the server's rules ([`FormDraft::check`]) find in `draft` now, or,
/// when `found` is not empty, those violations (what a send was answered with: the campaign's own
/// rules, an address that was not found), each said in the draft's language. Needs no storage.
#[server(prefix = "/_fn", endpoint = "check", input = server_fn::codec::Json)]
pub async fn check_entry(
    draft: FormDraft,
    found: Vec<Violation>,
) -> Result<Vec<FieldMessage>, FnError> {
    // A form has a dozen fields: more than this is no answer a send gave.
    const MAX_FOUND: usize = 32;
    if found.len() > MAX_FOUND {
        return Err(FnError::BadRequest(format!(
            "found: at most {MAX_FOUND} violations"
        )));
    }
    let l: crate::i18n::Locale = draft.language.parse().unwrap_or_default();
    let found = if found.is_empty() {
        draft.check().err().unwrap_or_default()
    } else {
        found
    };
    Ok(shown_violations(l, &found))
}

/// Address search for the form's "type an address" field.
#[server(prefix = "/_fn", endpoint = "geocode", input = server_fn::codec::Json)]
pub async fn geocode(q: String) -> Result<Vec<GeocodeHit>, FnError> {
    let backend = expect_context::<BackendRef>();
    Ok(backend.geocode(q).await?)
}

/// Entries of a kind near a position, for "ik ook" while adding one.
#[server(prefix = "/_fn", endpoint = "nearby", input = server_fn::codec::Json)]
pub async fn nearby(
    kind: crate::model::Kind,
    lon: f64,
    lat: f64,
) -> Result<Vec<crate::model::PublicEntry>, FnError> {
    let backend = expect_context::<BackendRef>();
    Ok(backend.nearby(kind, lon, lat).await?)
}

/// "Ik ook" (me too) on an entry; its count afterwards, or `None` for an unknown entry.
#[server(prefix = "/_fn", endpoint = "me_too", input = server_fn::codec::Json)]
pub async fn say_me_too(id: String, respondent: String) -> Result<Option<u64>, FnError> {
    let backend = expect_context::<BackendRef>();
    Ok(backend.me_too(id, respondent).await?)
}
