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

use super::abuse::Client;
use super::error::ApiError;
use super::staff::{check_gemeenten, check_new_user, start_session, MODERATORS};
use crate::auth;
use crate::domain::roles::Access;
use crate::domain::roles::Role;
use crate::service::Service;
use crate::store::split_codes;

/// The staff forms: method, path and who may post them (the sign-in form is open).
/// Includes the campaign forms (`super::campaign_forms`), which render their page again on mistakes.
pub fn form_routes() -> Vec<(Method, &'static str, Access)> {
    let mut all = vec![
        (Method::POST, "/staff/uitloggen", Access::Staff),
        (Method::POST, "/staff/melding/{id}", MODERATORS),
        (Method::POST, "/staff/gebruikers", ADMIN),
        (Method::POST, "/staff/gebruikers/{id}", ADMIN),
    ];
    all.extend(super::campaign_forms::form_routes());
    all.extend(super::events::form_routes());
    all
}

/// Admins only.
const ADMIN: Access = Access::Roles(&[]);

pub fn router() -> Router<Service> {
    Router::new()
        .route("/staff/inloggen", post(sign_in))
        .route("/staff/uitloggen", post(sign_out))
        .route("/staff/melding/{id}", post(moderate))
        .route("/staff/gebruikers", post(add_user))
        .route("/staff/gebruikers/{id}", post(change_user))
}

fn back(outcome: &str) -> Response {
    back_to("/staff", outcome)
}

fn back_to(page: &str, outcome: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("{page}?melding={outcome}"))],
    )
        .into_response()
}

#[derive(Deserialize)]
struct SignIn {
    email: String,
    password: String,
}

async fn sign_in(
    State(svc): State<Service>,
    client: Client,
    headers: HeaderMap,
    Form(f): Form<SignIn>,
) -> Response {
    match start_session(&svc, client, &headers, &f.email, &f.password).await {
        Ok(signed) => (
            StatusCode::SEE_OTHER,
            axum::response::AppendHeaders([
                (
                    header::SET_COOKIE,
                    auth::session_cookie(&signed.token, svc.auth.secure_cookies),
                ),
                (header::SET_COOKIE, signed.device_cookie),
                (header::LOCATION, "/staff".to_string()),
            ]),
        )
            .into_response(),
        Err(ApiError::TooManyRequests { .. }) => back("teveel"),
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
    /// Present when the form showed a waiting photo, so its unchecked box means "not public".
    photo_shown: Option<String>,
    photo_public: Option<String>,
    category: Option<String>,
    /// The id of the entry this one duplicates (empty: none).
    merge_into: Option<String>,
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
    let kind = super::staff::moderatable(&svc, &user, &id).await?;
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
        category: f.category.filter(|c| !c.is_empty()),
        text: f.text,
        text_public: Some(f.text_public.is_some()),
        photo_public: f.photo_shown.is_some().then_some(f.photo_public.is_some()),
        merge_into: None,
    };
    let merge_into = f.merge_into.filter(|m| !m.is_empty());
    if m.check(kind).is_err() {
        return Ok(back("ongeldig"));
    }
    let detail = format!("{id}: from the staff page");
    svc.store
        .moderate(&id, &m, &user, &detail)
        .await?
        .ok_or(ApiError::NotFound)?;
    if let Some(into) = merge_into {
        match super::staff::merge(&svc, &user, &id, &into).await {
            Ok(()) => return Ok(back("samengevoegd")),
            Err(ApiError::Invalid(_)) => return Ok(back("ongeldig")),
            Err(e) => return Err(e),
        }
    }
    Ok(back("opgeslagen"))
}

#[derive(Deserialize)]
struct NewUserForm {
    csrf: Option<String>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    gemeenten: String,
    #[serde(default)]
    password: String,
}

/// Adds a staff member with a first password the admin passes on.
async fn add_user(
    State(svc): State<Service>,
    headers: HeaderMap,
    Form(f): Form<NewUserForm>,
) -> Result<Response, ApiError> {
    let admin = auth::authorize_form(&svc.store, &headers, ADMIN, f.csrf.as_deref()).await?;
    let email = f.email.trim().to_string();
    let page = "/staff/gebruikers";
    let Some(role) = Role::parse(&f.role) else {
        return Ok(back_to(page, "ongeldig"));
    };
    let Ok(gemeenten) = check_gemeenten(&split_codes(&f.gemeenten.replace(' ', ","))) else {
        return Ok(back_to(page, "ongeldig"));
    };
    if check_new_user(&email, Some(&f.password)).is_err() {
        return Ok(back_to(page, "ongeldig"));
    }
    let password = f.password;
    let phc = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(|_| ApiError::Internal)?;
    if svc
        .store
        .add_user(&email, role, &gemeenten, &phc)
        .await?
        .is_none()
    {
        return Ok(back_to(page, "bestaat"));
    }
    svc.store
        .audit(
            &admin,
            "add staff member",
            &format!("{email} as {}", role.as_str()),
        )
        .await?;
    Ok(back_to(page, "opgeslagen"))
}

#[derive(Deserialize)]
struct UserForm {
    csrf: Option<String>,
    #[serde(default)]
    role: String,
    #[serde(default)]
    gemeenten: String,
    disabled: Option<String>,
}

async fn change_user(
    State(svc): State<Service>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<UserForm>,
) -> Result<Response, ApiError> {
    let admin = auth::authorize_form(&svc.store, &headers, ADMIN, f.csrf.as_deref()).await?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let page = "/staff/gebruikers";
    let Some(role) = Role::parse(&f.role) else {
        return Ok(back_to(page, "ongeldig"));
    };
    let Ok(gemeenten) = check_gemeenten(&split_codes(&f.gemeenten.replace(' ', ","))) else {
        return Ok(back_to(page, "ongeldig"));
    };
    let disabled = f.disabled.is_some();
    if id == admin.user_id && (disabled || role != Role::Admin) {
        return Ok(back_to(page, "zelf"));
    }
    if !svc
        .store
        .change_user(id, role, &gemeenten, disabled, &admin)
        .await?
    {
        return Err(ApiError::NotFound);
    }
    Ok(back_to(page, "opgeslagen"))
}
