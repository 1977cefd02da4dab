//! Staff routes under `/api/v1`: signing in and out, staff accounts, the audit log.
//!
//! Every protected route is a row of [`staff_routes`] and the router is built from that table, each
//! route behind [`crate::auth::authorize`] with the row's access rule. A route cannot exist without a
//! row, and the API tests walk the table: 401 without a session, 403 for the wrong role, 403 without
//! the CSRF token.

use app::model::{Kind, Moderation};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::abuse::Client;
use super::error::ApiError;
use crate::auth::{self, authorize};
use crate::domain::roles::{Access, Role};
use crate::service::Service;
use crate::store::SessionUser;

/// Admins only (an empty list: admins always pass).
const ADMIN: Access = Access::Roles(&[]);

/// One protected route: method, path under `/api/v1`, who may call it, and its handler.
pub struct StaffRoute {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    handler: fn() -> MethodRouter<Service>,
}

/// Every protected route of the API. Raw exports (`/export.*?raw=true`) are checked by their own
/// handlers with [`RAW_EXPORT`], since the same paths serve the public aggregates.
pub fn staff_routes() -> Vec<StaffRoute> {
    vec![
        StaffRoute {
            method: Method::GET,
            path: "/session",
            access: Access::Staff,
            handler: || on(MethodFilter::GET, whoami),
        },
        StaffRoute {
            method: Method::DELETE,
            path: "/session",
            access: Access::Staff,
            handler: || on(MethodFilter::DELETE, sign_out),
        },
        StaffRoute {
            method: Method::GET,
            path: "/users",
            access: ADMIN,
            handler: || on(MethodFilter::GET, list_users),
        },
        StaffRoute {
            method: Method::POST,
            path: "/users",
            access: ADMIN,
            handler: || on(MethodFilter::POST, add_user),
        },
        StaffRoute {
            method: Method::GET,
            path: "/moderation",
            access: MODERATORS,
            handler: || on(MethodFilter::GET, moderation_queue),
        },
        StaffRoute {
            method: Method::PATCH,
            path: "/submissions/{id}",
            access: MODERATORS,
            handler: || on(MethodFilter::PATCH, moderate),
        },
        StaffRoute {
            method: Method::GET,
            path: "/audit",
            access: ADMIN,
            handler: || on(MethodFilter::GET, audit_log),
        },
        StaffRoute {
            method: Method::PATCH,
            path: "/users/{id}",
            access: ADMIN,
            handler: || on(MethodFilter::PATCH, change_user),
        },
        StaffRoute {
            method: Method::POST,
            path: "/campaigns",
            access: ADMIN,
            handler: || on(MethodFilter::POST, super::campaigns::create),
        },
        StaffRoute {
            method: Method::PUT,
            path: "/campaigns/{id}",
            access: ADMIN,
            handler: || on(MethodFilter::PUT, super::campaigns::replace),
        },
        StaffRoute {
            method: Method::POST,
            path: "/events",
            access: crate::service::events::WORKERS,
            handler: || on(MethodFilter::POST, super::events::create),
        },
        StaffRoute {
            method: Method::GET,
            path: "/events",
            access: crate::service::events::WORKERS,
            handler: || on(MethodFilter::GET, super::events::list),
        },
        StaffRoute {
            method: Method::GET,
            path: "/events/{id}",
            access: crate::service::events::WORKERS,
            handler: || on(MethodFilter::GET, super::events::one),
        },
        StaffRoute {
            method: Method::PATCH,
            path: "/events/{id}",
            access: crate::service::events::WORKERS,
            handler: || on(MethodFilter::PATCH, super::events::change),
        },
    ]
}

/// Who may moderate entries.
pub const MODERATORS: Access = Access::Roles(&[Role::Worker, Role::Advisor]);

/// Who may download raw rows.
pub const RAW_EXPORT: Access = Access::Roles(&[Role::Advisor]);

/// The staff routes, each behind its access rule, plus the public sign-in.
pub fn router(svc: &Service) -> Router<Service> {
    let mut router = Router::new().route("/session", axum::routing::post(sign_in));
    for r in staff_routes() {
        let guarded = (r.handler)().layer(axum::middleware::from_fn_with_state(
            (r.access, svc.clone()),
            guard,
        ));
        router = router.route(r.path, guarded);
    }
    router
}

async fn guard(
    State((access, svc)): State<(Access, Service)>,
    mut req: Request,
    next: Next,
) -> Response {
    match authorize(&svc.store, req.headers(), req.method(), access).await {
        Ok(user) => {
            req.extensions_mut().insert(user);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    email: String,
    password: String,
}

/// Checks a sign-in and starts a session: the cookie's token and who it is. Shared by the API and
/// the staff page's form. Attempts are limited per client and slowed down per account (see
/// `domain::sign_in`); a refusal says how long to wait.
pub async fn start_session(
    svc: &Service,
    Client(client): Client,
    headers: &HeaderMap,
    email: &str,
    password: &str,
) -> Result<SignedIn, ApiError> {
    let email = email.trim().to_string();
    if email.len() > 254 || password.len() > 1024 {
        return Err(ApiError::Unauthenticated(
            "wrong e-mail address or password",
        ));
    }
    let now = std::time::Instant::now();
    if let Some(ip) = client {
        svc.abuse
            .sign_in
            .check(ip, now)
            .map_err(|wait| ApiError::TooManyRequests {
                why: "too many sign-in attempts from your network; try again later",
                retry_after: wait.0,
            })?;
    }
    let device = crate::cookies::value(headers, auth::DEVICE_COOKIE);
    let outcome = check_sign_in(svc, &email, password, device).await;
    // Only failures count against the client: a colleague's successful sign-in behind the same
    // office address gives its attempt back.
    if let (Ok(_), Some(ip)) = (&outcome, client) {
        svc.abuse.sign_in.refund(ip, now);
    }
    outcome
}

/// A started session: the cookie's token, who it is, and the mark of the browser it came from.
pub struct SignedIn {
    pub token: String,
    pub user: SessionUser,
    /// The `Set-Cookie` value of the browser's device mark.
    pub device_cookie: String,
}

async fn check_sign_in(
    svc: &Service,
    email: &str,
    password: &str,
    device: Option<&str>,
) -> Result<SignedIn, ApiError> {
    // Counted before the check, so parallel guesses cannot all slip in; in the database, so every
    // server sharing it counts the same attempts. A browser this account signed in from before
    // is not slowed down by others' failures: a trickle of wrong guesses cannot keep the owner out
    // (its own attempts stay limited per client).
    let account = auth::sign_in_account(email);
    let known_device = device.is_some_and(|d| svc.device_marks.verify(&account, d));
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let wait = match known_device {
        true => None,
        false => svc.store.sign_in_attempt(&account, now_ms).await?,
    };
    if let Some(wait) = wait {
        return Err(ApiError::TooManyRequests {
            why: "many failed sign-ins for this account lately; wait a moment before the next try",
            retry_after: wait.as_secs() + 1,
        });
    }
    let record = svc.store.login_record(email).await?;
    let phc = record
        .as_ref()
        .map_or(auth::dummy_hash(), |(_, _, h)| h.as_str())
        .to_string();
    // Argon2 is deliberately slow and takes 19 MiB: off the async workers, two at a time. A queue
    // that does not move within a few seconds is a flood: say so instead of hanging.
    let _permit = tokio::time::timeout(auth::HASHING_WAIT, svc.auth.hashing.acquire())
        .await
        .map_err(|_| {
            ApiError::Unavailable("sign-in is busy right now; try again in a few seconds")
        })?
        .map_err(|_| ApiError::Unavailable("sign-in is unavailable right now"))?;
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &phc))
        .await
        .unwrap_or(false);
    let Some((user_id, role, _)) = record.filter(|_| ok) else {
        return Err(ApiError::Unauthenticated(
            "wrong e-mail address or password",
        ));
    };
    svc.store.sign_in_succeeded(&account).await?;
    let _ = role;
    let token = auth::new_token()?;
    let csrf = auth::new_token()?;
    let hash = auth::token_hash(&token);
    svc.store
        .create_session(&hash, user_id, &csrf, auth::SESSION_HOURS)
        .await?;
    let user = svc
        .store
        .session(&hash)
        .await?
        .ok_or(ApiError::Unauthenticated("the account was disabled"))?;
    svc.store.audit(&user, "sign in", "").await?;
    let mark = svc.device_marks.issue(&account)?;
    Ok(SignedIn {
        token,
        user,
        device_cookie: auth::device_cookie(&mark, svc.auth.secure_cookies),
    })
}

/// `POST /session` `{email, password}`: a session cookie and the CSRF token for later requests.
async fn sign_in(
    State(svc): State<Service>,
    client: Client,
    headers: HeaderMap,
    body: Result<Json<Credentials>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(c) = body.map_err(|r| ApiError::bad_query("body", r.body_text()))?;
    let signed = start_session(&svc, client, &headers, &c.email, &c.password).await?;
    let user = signed.user;
    Ok((
        AppendHeaders([
            (
                header::SET_COOKIE,
                auth::session_cookie(&signed.token, svc.auth.secure_cookies),
            ),
            (header::SET_COOKIE, signed.device_cookie),
        ]),
        Json(json!({"email": user.email, "role": user.role, "csrf": user.csrf})),
    )
        .into_response())
}

/// `GET /session`: who is signed in, and the session's CSRF token.
async fn whoami(Extension(user): Extension<SessionUser>) -> Json<serde_json::Value> {
    Json(json!({"email": user.email, "role": user.role, "csrf": user.csrf}))
}

/// `DELETE /session`: signs out (the session is deleted, the cookie cleared).
async fn sign_out(
    State(svc): State<Service>,
    Extension(user): Extension<SessionUser>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = auth::cookie_token(&headers) {
        svc.store.end_session(&auth::token_hash(&token)).await?;
    }
    svc.store.audit(&user, "sign out", "").await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            auth::expired_cookie(svc.auth.secure_cookies),
        )],
    )
        .into_response())
}

async fn list_users(State(svc): State<Service>) -> Result<Response, ApiError> {
    Ok(Json(svc.store.users().await?).into_response())
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

/// CBS gemeente codes, checked; the field is named on a wrong one.
pub fn check_gemeenten(codes: &[String]) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = codes.iter().map(|c| c.trim().to_uppercase()).collect();
    if let Some(i) = out.iter().position(|c| !app::model::is_gemeente_code(c)) {
        return Err(ApiError::bad_query(
            &format!("gemeenten.{i}"),
            "must be a CBS gemeente code such as GM0505",
        ));
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The rules for a staff e-mail address and password, shared with `trefpunt user add`.
pub fn check_new_user(
    email: &str,
    password: Option<&str>,
) -> Result<(), (&'static str, &'static str)> {
    let at = email.find('@');
    if email.len() > 254
        || at.is_none_or(|i| i == 0 || i == email.len() - 1)
        || email.contains(char::is_whitespace)
    {
        return Err(("email", "must be an e-mail address"));
    }
    if password.is_some_and(|p| p.chars().count() < 12) {
        return Err(("password", "must be at least 12 characters"));
    }
    Ok(())
}

/// `POST /users` `{email, role, password?}`: adds a staff member (201); a generated password is in
/// the answer, once.
async fn add_user(
    State(svc): State<Service>,
    Extension(admin): Extension<SessionUser>,
    body: Result<Json<NewUser>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(n) = body.map_err(|r| ApiError::bad_query("body", r.body_text()))?;
    let email = n.email.trim().to_string();
    let role = Role::parse(&n.role)
        .ok_or_else(|| ApiError::bad_query("role", "must be admin, advisor or worker"))?;
    check_new_user(&email, n.password.as_deref()).map_err(|(f, m)| ApiError::bad_query(f, m))?;
    let gemeenten = check_gemeenten(&n.gemeenten)?;
    let generated = match n.password {
        None => Some(auth::generate_password()?),
        Some(_) => None,
    };
    let password = n.password.or(generated.clone()).unwrap_or_default();
    let phc = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(|_| ApiError::Internal)?;
    let Some(id) = svc.store.add_user(&email, role, &gemeenten, &phc).await? else {
        return Err(ApiError::Conflict);
    };
    svc.store
        .audit(
            &admin,
            "add staff member",
            &format!("{email} as {}", role.as_str()),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "email": email, "role": role, "gemeenten": gemeenten, "password": generated})),
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
/// disabled (its sessions end at once). An admin cannot disable or demote themselves, so a
/// deployment never loses its last way in by accident.
async fn change_user(
    State(svc): State<Service>,
    Extension(admin): Extension<SessionUser>,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let c: UserChange = super::campaigns::json_body(&body)?;
    let role = Role::parse(&c.role)
        .ok_or_else(|| ApiError::bad_query("role", "must be admin, advisor or worker"))?;
    let gemeenten = check_gemeenten(&c.gemeenten)?;
    if id == admin.user_id && (c.disabled || role != Role::Admin) {
        return Err(ApiError::Conflict);
    }
    if !svc
        .store
        .change_user(id, role, &gemeenten, c.disabled, &admin)
        .await?
    {
        return Err(ApiError::NotFound);
    }
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
    q: Result<Query<LimitQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(|r| ApiError::bad_query("query", r.body_text()))?;
    let limit = q.limit.unwrap_or(200).clamp(1, 1000);
    Ok(Json(svc.store.audit_log(limit).await?).into_response())
}

/// `PATCH /submissions/{id}` (see [`Moderation`]): status and public note, hide or publish, another
/// category, the free text with personal data removed, publishing that text. Written to the audit log.
async fn moderate(
    State(svc): State<Service>,
    Extension(user): Extension<SessionUser>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let m: Moderation =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(&body))
            .map_err(super::error::json_error)?;
    let kind = moderatable(&svc, &user, &id).await?;
    m.check(kind).map_err(ApiError::Invalid)?;
    let changed: Vec<&str> = [
        ("status", m.status.is_some()),
        ("status_note", m.status_note.is_some()),
        ("hidden", m.hidden.is_some()),
        ("category", m.category.is_some()),
        ("text", m.text.is_some()),
        ("text_public", m.text_public.is_some()),
        ("photo_public", m.photo_public.is_some()),
        ("merge_into", m.merge_into.is_some()),
    ]
    .into_iter()
    .filter_map(|(f, set)| set.then_some(f))
    .collect();
    // The change and its audit row are one transaction: no change goes unrecorded.
    let detail = format!("{id}: {}", changed.join(", "));
    let rest = Moderation {
        merge_into: None,
        ..m.clone()
    };
    if rest != Moderation::default() {
        svc.store
            .moderate(&id, &rest, &user, &detail)
            .await?
            .ok_or(ApiError::NotFound)?;
    }
    if let Some(into) = &m.merge_into {
        merge(&svc, &user, &id, into).await?;
    }
    let entry = svc.store.entry(&id).await?;
    Ok(Json(json!({"id": id, "hidden": entry.is_none(), "entry": entry})).into_response())
}

/// `GET /moderation?limit=`: entries whose free text waits for a moderator, oldest first, each with
/// the spans (byte offsets) that look like a phone number or e-mail address.
async fn moderation_queue(
    State(svc): State<Service>,
    Extension(user): Extension<SessionUser>,
    q: Result<Query<LimitQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(|r| ApiError::bad_query("query", r.body_text()))?;
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let queue: Vec<serde_json::Value> = svc
        .store
        .moderation_queue(limit, &user.scope())
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

/// The kind of an entry this staff member may moderate: 404 when unknown, 403 when it lies in a
/// gemeente they do not work for.
pub async fn moderatable(svc: &Service, user: &SessionUser, id: &str) -> Result<Kind, ApiError> {
    let (kind, gemeente) = svc.store.entry_kind(id).await?.ok_or(ApiError::NotFound)?;
    if !user.scope().covers(gemeente.as_deref()) {
        return Err(ApiError::Forbidden(
            "this entry is in a gemeente you do not work for",
        ));
    }
    Ok(kind)
}

/// Folds entry `id` into `into` (both within the moderator's gemeenten).
pub async fn merge(
    svc: &Service,
    user: &SessionUser,
    id: &str,
    into: &str,
) -> Result<(), ApiError> {
    let into = into.to_ascii_lowercase();
    moderatable(svc, user, &into).await?;
    match svc.store.merge(id, &into, user).await? {
        crate::store::Merge::Done => Ok(()),
        crate::store::Merge::Unknown => Err(ApiError::NotFound),
        crate::store::Merge::Mismatch => Err(ApiError::Invalid(vec![app::model::Violation::new(
            "merge_into",
            app::model::Rule::UnknownValue,
        )])),
    }
}
