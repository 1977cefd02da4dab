//! The staff page's plain HTML forms (`/staff`): sign in, sign out, moderate one entry. They use the
//! API's checks (sign-in limit, session, role, CSRF token, moderation rules) and answer with a 303
//! back to `/staff?melding=...`; a missing session or wrong role gets the API's 401/403.

use app::model::{Moderation, Status};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;

use super::error::ApiError;
use super::staff::{start_session, MODERATORS};
use crate::auth;
use crate::domain::roles::Access;
use crate::service::Service;

/// The staff forms: method, path and who may post them (the sign-in form is open).
pub fn form_routes() -> Vec<(Method, &'static str, Access)> {
    vec![
        (Method::POST, "/staff/uitloggen", Access::Staff),
        (Method::POST, "/staff/melding/{id}", MODERATORS),
    ]
}

pub fn router() -> Router<Service> {
    Router::new()
        .route("/staff/inloggen", post(sign_in))
        .route("/staff/uitloggen", post(sign_out))
        .route("/staff/melding/{id}", post(moderate))
}

fn back(outcome: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/staff?melding={outcome}"))],
    )
        .into_response()
}

#[derive(Deserialize)]
struct SignIn {
    email: String,
    password: String,
}

async fn sign_in(State(svc): State<Service>, Form(f): Form<SignIn>) -> Response {
    match start_session(&svc, &f.email, &f.password).await {
        Ok((token, _)) => (
            StatusCode::SEE_OTHER,
            [
                (
                    header::SET_COOKIE,
                    auth::session_cookie(&token, svc.auth.secure_cookies),
                ),
                (header::LOCATION, "/staff".to_string()),
            ],
        )
            .into_response(),
        Err(ApiError::TooManyRequests(_)) => back("teveel"),
        Err(ApiError::Unauthenticated(_)) => back("fout"),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct Csrf {
    csrf: Option<String>,
}

async fn sign_out(
    State(svc): State<Service>,
    headers: HeaderMap,
    Form(f): Form<Csrf>,
) -> Result<Response, ApiError> {
    let user = auth::authorize_form(&svc.store, &headers, Access::Staff, f.csrf.as_deref()).await?;
    if let Some(token) = auth::cookie_token(&headers) {
        svc.store.end_session(&auth::token_hash(&token)).await?;
    }
    svc.store.audit(&user, "sign out", "").await?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                auth::expired_cookie(svc.auth.secure_cookies),
            ),
            (header::LOCATION, "/staff".to_string()),
        ],
    )
        .into_response())
}

#[derive(Deserialize)]
struct ModerationForm {
    csrf: Option<String>,
    text: Option<String>,
    status: Option<String>,
    status_note: Option<String>,
    text_public: Option<String>,
    hidden: Option<String>,
}

/// One entry's form: the text as edited, the status with its note (an empty note keeps the old
/// one), and the two checkboxes (unchecked means no).
async fn moderate(
    State(svc): State<Service>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<ModerationForm>,
) -> Result<Response, ApiError> {
    let user = auth::authorize_form(&svc.store, &headers, MODERATORS, f.csrf.as_deref()).await?;
    let Some(kind) = svc.store.entry_kind(&id).await? else {
        return Err(ApiError::NotFound);
    };
    let status = match f.status.as_deref() {
        None => None,
        Some(s) => match Status::parse(s) {
            Some(s) => Some(s),
            None => return Ok(back("ongeldig")),
        },
    };
    let m = Moderation {
        status,
        status_note: f.status_note.filter(|n| !n.trim().is_empty()),
        hidden: Some(f.hidden.is_some()),
        category: None,
        text: f.text,
        text_public: Some(f.text_public.is_some()),
    };
    if m.check(kind).is_err() {
        return Ok(back("ongeldig"));
    }
    let detail = format!("{id}: from the staff page");
    svc.store
        .moderate(&id, &m, &user, &detail)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(back("opgeslagen"))
}
