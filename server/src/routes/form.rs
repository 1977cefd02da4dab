//! The resident form without JavaScript: a plain `POST /meedoen/{kind}`. Success redirects to the
//! thank-you page (303, so a reload does not post again); anything else renders the same page again
//! with the resident's answers and what is wrong, with a fitting status code.

use app::api::{BackendError, FormState, Notice, SubmitOutcome};
use app::model::FormDraft;
use axum::body::{to_bytes, Body};
use axum::extract::{Path, State};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;

use super::api::MAX_BODY_BYTES;
use crate::service::{MeToo, ServiceError};
use crate::AppState;

pub async fn submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    req: Request<Body>,
) -> Response {
    let Some(kind) = app::components::entry_form::kind_from_slug(&slug) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "The form is larger than 64 KiB.",
        )
            .into_response();
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let mut draft = FormDraft::from_pairs(&pairs);
    // The URL decides the kind; a stale hidden field cannot turn a barrier form into something else.
    draft.kind = kind.as_str().to_string();

    let credentials =
        super::extract::form_credentials(&state.service, &parts.headers, &draft).await;
    let outcome = state
        .service
        .submit_form(draft.clone(), &credentials)
        .await
        .map_err(super::pages::backend_error);
    let (status, form) = match outcome {
        Ok(SubmitOutcome::Created(r) | SubmitOutcome::Replayed(r)) => {
            let next = match (draft.source.as_str(), credentials.worker.is_some()) {
                ("paper", true) => {
                    // The form's survey answers next, for the same respondent, when there are questions.
                    let survey = matches!(
                        state.service.campaign(&draft.campaign).await,
                        Ok(Some(c)) if !c.survey().is_empty()
                    );
                    if survey {
                        app::api::paper_survey_path(
                            kind,
                            &draft.campaign,
                            &draft.event,
                            &draft.respondent.to_ascii_lowercase(),
                        )
                    } else {
                        app::api::paper_path(kind, &draft.campaign, &draft.event, true)
                    }
                }
                ("event", _) if is_kiosk(&state, &parts.headers).await => {
                    app::api::kiosk_path(&draft.event, &draft.language, Some("sent"))
                }
                _ => app::components::entry_form::thanks_path(
                    &r.id,
                    &draft.respondent,
                    &draft.campaign,
                    r.edit_key.as_deref(),
                ),
            };
            return Redirect::to(&next).into_response();
        }
        Ok(SubmitOutcome::Invalid(violations)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormState {
                draft,
                violations,
                notice: None,
                offer: Default::default(),
                mode: Default::default(),
            },
        ),
        Ok(SubmitOutcome::Conflict | SubmitOutcome::Gone) => {
            // The resident went back after sending and changed the form: offer it as a new entry.
            draft.id = uuid::Uuid::new_v4().to_string();
            (
                StatusCode::CONFLICT,
                FormState {
                    draft,
                    violations: vec![],
                    notice: Some(Notice::AlreadySent),
                    offer: Default::default(),
                    mode: Default::default(),
                },
            )
        }
        Err(e) => {
            let status = match e {
                BackendError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                BackendError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            };
            (
                status,
                FormState {
                    draft,
                    violations: vec![],
                    notice: Some(Notice::SendFailed),
                    offer: Default::default(),
                    mode: Default::default(),
                },
            )
        }
    };

    render_again(&state, parts, form, status).await
}

/// Renders the page of the request again, with `value` as context (a form with what was typed and
/// what is wrong), and the given status. The renderer reads only the URL and headers: the same page
/// as the GET, now with the returned form. Rendered whole (not streamed out of order), like every
/// route: without JavaScript a streamed chunk would never be swapped into the page.
pub async fn render_again<T: Clone + Send + Sync + 'static>(
    state: &AppState,
    parts: axum::http::request::Parts,
    value: T,
    status: StatusCode,
) -> Response {
    let context = state.context();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            context();
            provide_context(value.clone());
        },
        state.app_shell(),
    );
    let mut res = handler(Request::from_parts(parts, Body::empty())).await;
    *res.status_mut() = status;
    res
}

/// Whether the request comes from an event's kiosk tablet.
async fn is_kiosk(state: &AppState, headers: &axum::http::HeaderMap) -> bool {
    let cookie = super::extract::event_cookie(headers);
    matches!(state.service.event_tag(cookie.as_deref()).await, Ok(Some(t)) if t.link == app::model::EventLink::Kiosk)
}

#[derive(serde::Deserialize)]
pub struct MeTooForm {
    #[serde(default)]
    respondent: String,
}

/// `POST /melding/{id}/ik-ook`: "ik ook" from an entry's page, without JavaScript.
pub async fn me_too(
    State(state): State<AppState>,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<MeTooForm>,
) -> Response {
    match state.service.me_too(&id, &f.respondent).await {
        Ok(MeToo::Counted(_) | MeToo::Already(_)) => {
            Redirect::to(&format!("/melding/{id}?ikook=1")).into_response()
        }
        Ok(MeToo::Unknown) => StatusCode::NOT_FOUND.into_response(),
        Err(ServiceError::Invalid(_)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "respondent must be a UUID",
        )
            .into_response(),
        Err(e) => super::error::ApiError::from(e).into_response(),
    }
}

#[derive(serde::Deserialize)]
pub struct OwnForm {
    #[serde(default)]
    sleutel: String,
    category: Option<String>,
    text: Option<String>,
    zeker: Option<String>,
}

/// `POST /mijn/{id}`: the author's change through the private link.
pub async fn change_own(
    State(state): State<AppState>,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<OwnForm>,
) -> Response {
    // The reply has its own form (`/mijn/{id}/antwoord`); this one leaves it as it is.
    let change = app::model::OwnChange {
        category: f.category,
        text: Some(f.text.unwrap_or_default()),
        reply: None,
    };
    match state.service.change_own(&id, &f.sleutel, &change).await {
        Ok(Some(_)) => own_page(&id, &f.sleutel, "opgeslagen"),
        Err(ServiceError::Invalid(_)) => own_page(&id, &f.sleutel, "ongeldig"),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => super::error::ApiError::from(e).into_response(),
    }
}

/// `POST /mijn/{id}/antwoord`: the author's reply to staff's note on the entry (empty removes it).
pub async fn reply_own(
    State(state): State<AppState>,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<ReplyForm>,
) -> Response {
    let change = app::model::OwnChange {
        category: None,
        text: None,
        reply: Some(f.antwoord),
    };
    match state.service.change_own(&id, &f.sleutel, &change).await {
        Ok(Some(_)) => own_page(&id, &f.sleutel, "antwoord"),
        Err(ServiceError::Invalid(_)) => own_page(&id, &f.sleutel, "ongeldig"),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => super::error::ApiError::from(e).into_response(),
    }
}

#[derive(serde::Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    sleutel: String,
    #[serde(default)]
    antwoord: String,
}

/// `POST /mijn/{id}/verwijderen`: deletes the entry for good (the box "yes, delete" must be ticked).
pub async fn delete_own(
    State(state): State<AppState>,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<OwnForm>,
) -> Response {
    if f.zeker.as_deref() != Some("ja") {
        return own_page(&id, &f.sleutel, "ongeldig");
    }
    match state.service.delete_own(&id, &f.sleutel).await {
        Ok(true) => own_page(&id, &f.sleutel, "verwijderd"),
        Ok(false) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => super::error::ApiError::from(e).into_response(),
    }
}

/// Back to the private page of entry `id` with its key and what became of the form. Only an entry
/// id can be in that address (anything else is 404), and the key is encoded: what the form brought
/// cannot add to the address or break the header.
fn own_page(id: &str, key: &str, outcome: &str) -> Response {
    if !app::model::is_uuid(id) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let query =
        serde_urlencoded::to_string([("sleutel", key), ("melding", outcome)]).unwrap_or_default();
    Redirect::to(&format!("/mijn/{}?{query}", id.to_ascii_lowercase())).into_response()
}
