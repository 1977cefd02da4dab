//! The plain HTML forms around campaigns: staff saving a campaign (`/staff/campagnes/{id}`, with
//! `nieuw` for a new one; admins) and a resident answering its survey (`/campagne/{id}/vragen`).
//! Success answers with a 303; a form with mistakes is rendered again with what was typed.

use app::model::{CampaignFields, CampaignFormState, SurveyInput, SurveyState};
use axum::body::{to_bytes, Body};
use axum::extract::{Path, State};
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::api::MAX_BODY_BYTES;
use super::error::ApiError;
use super::extract::{Admins, StaffForm};
use super::form::render_again;
use crate::service::{Answered, ServiceError};
use crate::AppState;

/// A 303 to `to`: a form's answer that a reload does not post again.
pub(super) fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

async fn read_pairs(body: Body) -> Result<Vec<(String, String)>, Response> {
    match to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => Ok(serde_urlencoded::from_bytes(&b).unwrap_or_default()),
        Err(_) => Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            "The form is larger than 64 KiB.",
        )
            .into_response()),
    }
}

/// `POST /staff/campagnes/{id}`: a campaign's new settings, or a new campaign for `nieuw`. The form
/// posts to the address of its own page, so a form with mistakes renders that page again.
pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<String>,
    StaffForm {
        staff,
        form: pairs,
        parts,
    }: StaffForm<Admins, Vec<(String, String)>>,
) -> Response {
    let id = (id != "nieuw").then_some(id);
    let svc = &state.service;
    let admin = staff.user;
    let mut fields = CampaignFields::from_pairs(&pairs);
    let existing = match &id {
        Some(id) => match svc.campaign(id).await {
            Ok(Some(c)) => Some(c),
            Ok(None) => return ApiError::NotFound.into_response(),
            Err(e) => return ApiError::from(e).into_response(),
        },
        None => None,
    };
    if let Some(c) = &existing {
        // The id is the campaign's address and cannot change; labels are edited through the API.
        fields.id = c.id.clone();
        fields.labels = c.labels.clone();
    }
    let campaign = match fields.to_campaign() {
        Ok(c) => c,
        Err(violations) => {
            let form = CampaignFormState { fields, violations };
            return render_again(&state, parts, form, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let saved = match existing {
        Some(c) => svc.replace_campaign(&admin, &c.id, &campaign).await,
        None => svc.create_campaign(&admin, &campaign).await,
    };
    match saved {
        Ok(()) => see_other("/staff/campagnes?melding=opgeslagen"),
        Err(ServiceError::Conflict(_)) => {
            let form = CampaignFormState {
                fields,
                violations: vec![app::model::Violation::new(
                    "id",
                    app::model::Rule::Duplicate,
                )],
            };
            render_again(&state, parts, form, StatusCode::CONFLICT).await
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// `?papier=<event>&soort=<kind>` on the survey form: a worker typing in the answers of the paper
/// form they just stored (its respondent in `r`), then on to the next paper form of that kind.
#[derive(serde::Deserialize)]
struct PaperQuery {
    papier: Option<String>,
    soort: Option<String>,
}

/// `POST /campagne/{id}/vragen`: one respondent's survey answers. Repeated names (checkboxes) become
/// lists; empty fields are left out. With `?papier=<event>` the worker's session and the form's CSRF
/// token are checked before anything is stored (401 without a session, 403 with a wrong token or an
/// event that is not theirs or not of this campaign); the answers are the same as a resident's own.
pub async fn answer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request<Body>,
) -> Response {
    let (parts, body) = req.into_parts();
    let query: PaperQuery = parts
        .uri
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or(PaperQuery {
            papier: None,
            soort: None,
        });
    let pairs = match read_pairs(body).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let paper = match query.papier.as_deref() {
        None => None,
        Some(event) => {
            let csrf = pairs
                .iter()
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v.as_str())
                .unwrap_or_default();
            match paper_event(&state, &parts.headers, event, csrf, &id).await {
                Ok(e) => Some(e),
                Err(e) => return e.into_response(),
            }
        }
    };
    let mut input = SurveyInput {
        respondent: String::new(),
        answers: Map::new(),
        language: "nl".into(),
        event: None,
    };
    for (k, v) in &pairs {
        match k.as_str() {
            "respondent" => input.respondent = v.clone(),
            "language" => input.language = v.clone(),
            "csrf" => {}
            _ if v.trim().is_empty() => {}
            _ => match input.answers.get_mut(k) {
                Some(Value::Array(list)) => list.push(Value::String(v.clone())),
                Some(first) => *first = Value::Array(vec![first.take(), Value::String(v.clone())]),
                None => {
                    input.answers.insert(k.clone(), Value::String(v.clone()));
                }
            },
        }
    }
    // A multiple-choice question wants a list even when one box was ticked.
    if let Ok(Some(c)) = state.service.campaign(&id).await {
        for q in c.survey() {
            if q.kind == app::model::QuestionType::Multiple {
                if let Some(v @ Value::String(_)) = input.answers.get_mut(&q.id) {
                    *v = Value::Array(vec![v.take()]);
                }
            }
        }
    }
    let respondent = input.respondent.to_ascii_lowercase();
    let credentials = crate::service::events::Credentials::default();
    match state.service.answer(&id, &input, &credentials).await {
        Ok(None) => ApiError::NotFound.into_response(),
        Ok(Some(Answered::Created | Answered::Same | Answered::Conflict)) => match paper {
            Some(event) => {
                let kind = query
                    .soort
                    .as_deref()
                    .and_then(app::model::kind_from_slug)
                    .unwrap_or(app::model::Kind::Place);
                see_other(&app::api::paper_path(kind, &id, &event, true))
            }
            None => see_other(&format!("/campagne/{id}/vragen?r={respondent}&klaar=1")),
        },
        Err(ServiceError::Invalid(violations)) => {
            let form = SurveyState {
                answers: pairs
                    .into_iter()
                    .filter(|(k, _)| k != "respondent" && k != "language" && k != "csrf")
                    .collect(),
                violations,
            };
            render_again(&state, parts, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// The event of a paper survey form: the worker's own (or of their gemeenten), in campaign
/// `campaign`, with the session and CSRF token checked first.
async fn paper_event(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    event: &str,
    csrf: &str,
    campaign: &str,
) -> Result<String, ApiError> {
    let worker = super::extract::Staff::<super::extract::Workers>::from_cookie_and_token(
        &state.service,
        headers,
        csrf,
    )
    .await?;
    match state.service.event_for(event, &worker.user).await {
        Ok(Some(e)) if e.campaign == campaign => Ok(e.id),
        Ok(_) => Err(ApiError::Forbidden(
            "not an event of yours in this campaign",
        )),
        Err(e) => Err(e.into()),
    }
}
