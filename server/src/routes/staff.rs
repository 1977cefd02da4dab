//! Staff routes under `/api/v1`: signing in and out, staff accounts, the audit log, moderation.
//! Each handler takes a [`Staff`] guard with its rule as an argument, so no staff handler exists
//! without its check; the API tests walk the OpenAPI document's secured operations (its `x-roles`)
//! against the router: 401 without a session, 403 for the wrong role, 403 without the CSRF token.

use app::model::Moderation;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::abuse::Client;
use super::error::ApiError;
use super::extract::{Admins, AnyStaff, JsonBody, Moderators, NotCrossSite, QueryParams, Staff};
use crate::auth;
use crate::service::Service;

/// The staff routes and the public sign-in, added to the API's. Campaign and event routes sit with
/// the API's own.
pub(super) fn routes(api: super::api::ApiRoutes) -> super::api::ApiRoutes {
    api.route("/session", post(sign_in).get(whoami).delete(sign_out))
        .route("/users", get(list_users).post(add_user))
        .route("/users/{id}", patch(change_user))
        .route("/moderation", get(moderation_queue))
        .route("/submissions/{id}", patch(moderate))
        .route("/audit", get(audit_log))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    email: String,
    password: String,
}

/// The `Set-Cookie` values of a started session: its token and the browser's device mark.
pub fn session_cookies(
    svc: &Service,
    signed: &crate::service::staff::SignedIn,
) -> [(header::HeaderName, String); 2] {
    let secure = svc.secure_cookies();
    [
        (
            header::SET_COOKIE,
            auth::session_cookie(&signed.token, secure),
        ),
        (
            header::SET_COOKIE,
            auth::device_cookie(&signed.device_mark, secure),
        ),
    ]
}

/// `POST /session` `{email, password}`: a session cookie and the CSRF token for later requests.
async fn sign_in(
    State(svc): State<Service>,
    _: NotCrossSite,
    Client(client): Client,
    headers: HeaderMap,
    JsonBody(c): JsonBody<Credentials>,
) -> Result<Response, ApiError> {
    let device = crate::cookies::value(&headers, auth::DEVICE_COOKIE);
    let signed = svc.sign_in(client, device, &c.email, &c.password).await?;
    let cookies = session_cookies(&svc, &signed);
    let user = signed.user;
    Ok((
        AppendHeaders(cookies),
        Json(json!({"email": user.email, "role": user.role, "csrf": user.csrf})),
    )
        .into_response())
}

/// `GET /session`: who is signed in, and the session's CSRF token.
async fn whoami(staff: Staff<AnyStaff>) -> Json<serde_json::Value> {
    let user = staff.user;
    Json(json!({"email": user.email, "role": user.role, "csrf": user.csrf}))
}

/// `DELETE /session`: signs out (the session is deleted, the cookie cleared).
async fn sign_out(
    State(svc): State<Service>,
    staff: Staff<AnyStaff>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    svc.sign_out(&staff.user, auth::cookie_token(&headers).as_deref())
        .await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            auth::expired_cookie(svc.secure_cookies()),
        )],
    )
        .into_response())
}

async fn list_users(State(svc): State<Service>, _: Staff<Admins>) -> Result<Response, ApiError> {
    Ok(Json(svc.users().await?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    email: String,
    role: String,
    /// Generated (and returned once) when left out.
    password: Option<String>,
    /// The gemeenten an advisor or worker works for.
    #[serde(default)]
    gemeenten: Vec<String>,
}

/// `POST /users` `{email, role, password?}`: adds a staff member (201); a generated password is in
/// the answer, once.
async fn add_user(
    State(svc): State<Service>,
    admin: Staff<Admins>,
    JsonBody(n): JsonBody<NewUser>,
) -> Result<Response, ApiError> {
    let added = svc
        .add_user(&admin.user, &n.email, &n.role, &n.gemeenten, n.password)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": added.id, "email": added.email, "role": added.role,
            "gemeenten": added.gemeenten, "password": added.generated_password,
        })),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserChange {
    role: String,
    #[serde(default)]
    gemeenten: Vec<String>,
    #[serde(default)]
    disabled: bool,
}

/// `PATCH /users/{id}` `{role, gemeenten, disabled}`: another role or gemeenten, or the account
/// disabled (its sessions end at once). An admin cannot disable or demote themselves (409), so a
/// deployment never loses its last way in by accident.
async fn change_user(
    State(svc): State<Service>,
    admin: Staff<Admins>,
    Path(id): Path<String>,
    JsonBody(c): JsonBody<UserChange>,
) -> Result<Response, ApiError> {
    // An id that is no number names no account.
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let (role, gemeenten) = svc
        .change_user(&admin.user, id, &c.role, &c.gemeenten, c.disabled)
        .await?;
    Ok(
        Json(json!({"id": id, "role": role, "gemeenten": gemeenten, "disabled": c.disabled}))
            .into_response(),
    )
}

/// `?limit=` of the list routes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitQuery {
    limit: Option<u32>,
}

/// `GET /audit?limit=`: the newest staff actions first (who, what, when).
async fn audit_log(
    State(svc): State<Service>,
    _: Staff<Admins>,
    QueryParams(q): QueryParams<LimitQuery>,
) -> Result<Response, ApiError> {
    Ok(Json(svc.audit_log(q.limit.unwrap_or(200)).await?).into_response())
}

/// `PATCH /submissions/{id}` (see [`Moderation`]): status and public note, hide or publish, another
/// category, the free text with personal data removed, publishing that text, folding it into a
/// duplicate. Written to the audit log.
async fn moderate(
    State(svc): State<Service>,
    staff: Staff<Moderators>,
    Path(id): Path<String>,
    JsonBody(m): JsonBody<Moderation>,
) -> Result<Response, ApiError> {
    svc.moderate(&staff.user, &id, &m, None).await?;
    let entry = svc.entry(&id).await?;
    Ok(Json(json!({"id": id, "hidden": entry.is_none(), "entry": entry})).into_response())
}

/// `GET /moderation?limit=`: entries whose free text waits for a moderator, oldest first, each with
/// the spans (byte offsets) that look like a phone number or e-mail address.
async fn moderation_queue(
    State(svc): State<Service>,
    staff: Staff<Moderators>,
    QueryParams(q): QueryParams<LimitQuery>,
) -> Result<Response, ApiError> {
    let queue: Vec<serde_json::Value> = svc
        .moderation_queue(&staff.user, q.limit.unwrap_or(100))
        .await?
        .into_iter()
        .map(|e| {
            let flags = app::model::personal_data(&e.text);
            json!({
                "id": e.id, "kind": e.kind, "category": e.category, "created_at": e.created_at,
                "gemeente": e.gemeente, "text": e.text, "personal_data": flags,
                "photo": e.photo.as_deref().map(app::model::photo_url),
            })
        })
        .collect();
    Ok(Json(queue).into_response())
}
