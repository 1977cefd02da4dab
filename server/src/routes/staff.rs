//! Staff routes under `/api/v1`: signing in and out, staff accounts, the audit log, moderation.
//! Each handler takes a [`Staff`] guard with its rule as an argument, so no staff handler exists
//! without its check; the API tests walk the OpenAPI document's secured operations (its `x-roles`)
//! against the router: 401 without a session, 403 for the wrong role, 403 without the CSRF token.

use app::model::Moderation;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

use super::abuse::Client;
use super::api::ApiRoutes;
use super::error::{ApiError, Errors};
use super::extract::{Admins, AnyStaff, JsonBody, Moderators, NotCrossSite, QueryParams, Staff};
use super::openapi::{x_roles, TooMany};
use crate::auth;
use crate::service::Service;
use app::model::{AuditRow, PublicEntry, StaffAccount};

/// The staff routes and the public sign-in, added to the API's. Campaign and event routes sit with
/// the API's own.
pub(super) fn routes(api: ApiRoutes) -> ApiRoutes {
    api.add(routes!(sign_in, whoami, sign_out))
        .add(routes!(list_users, add_user))
        .add(routes!(change_user))
        .add(routes!(moderation_queue))
        .add(routes!(moderate))
        .add(routes!(audit_log))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Credentials {
    email: String,
    password: String,
}

/// Who is signed in, and the session's CSRF token for the requests that change something.
#[derive(Serialize, ToSchema)]
struct SessionInfo {
    email: String,
    #[schema(schema_with = role_name)]
    role: String,
    csrf: String,
}

impl SessionInfo {
    fn of(user: crate::store::SessionUser) -> SessionInfo {
        SessionInfo {
            email: user.email,
            role: user.role.as_str().to_string(),
            csrf: user.csrf,
        }
    }
}

/// A role's name.
fn role_name() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(
            crate::domain::roles::Role::ALL.map(crate::domain::roles::Role::as_str),
        ))
        .build()
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
#[utoipa::path(
    post,
    path = "/session",
    operation_id = "signIn",
    summary = "Staff sign-in: sets the session cookie (HttpOnly, SameSite=Lax)",
    request_body = Credentials,
    responses(
        (status = 200, description = "signed in", body = SessionInfo),
        (status = 401, description = "wrong e-mail address or password", body = Errors),
        (status = 403, description = "a browser marked the request as sent from another site \
                                      (Sec-Fetch-Site, Origin): no sign-in on another site's behalf", body = Errors),
        (status = 429, response = TooMany),
    ),
)]
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
    Ok((AppendHeaders(cookies), Json(SessionInfo::of(signed.user))).into_response())
}

/// `GET /session`: who is signed in, and the session's CSRF token.
#[utoipa::path(
    get,
    path = "/session",
    operation_id = "whoAmI",
    summary = "The signed-in staff member and the session's CSRF token",
    responses((status = 200, description = "the session", body = SessionInfo)),
    extensions(("x-roles" = json!(x_roles::<AnyStaff>()))),
)]
async fn whoami(staff: Staff<AnyStaff>) -> Json<SessionInfo> {
    Json(SessionInfo::of(staff.user))
}

/// `DELETE /session`: signs out (the session is deleted, the cookie cleared).
#[utoipa::path(
    delete,
    path = "/session",
    operation_id = "signOut",
    summary = "Signs out",
    responses((status = 204, description = "signed out")),
    extensions(("x-roles" = json!(x_roles::<AnyStaff>()))),
)]
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

/// `GET /users`: every staff account.
#[utoipa::path(
    get,
    path = "/users",
    operation_id = "listStaff",
    summary = "Staff members (admin)",
    responses((status = 200, description = "every account", body = Vec<StaffAccount>)),
    extensions(("x-roles" = json!(x_roles::<Admins>()))),
)]
async fn list_users(State(svc): State<Service>, _: Staff<Admins>) -> Result<Response, ApiError> {
    Ok(Json(svc.users().await?).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewUser {
    email: String,
    #[schema(schema_with = role_name)]
    role: String,
    /// Generated (and returned once) when left out.
    #[schema(min_length = 12)]
    password: Option<String>,
    /// Where an advisor or worker works; they see only entries there.
    #[serde(default)]
    #[schema(schema_with = app::model::schema::gemeente_codes)]
    gemeenten: Vec<String>,
}

/// A new account; `password` only when it was generated (shown this once).
#[derive(Serialize, ToSchema)]
struct AddedUser {
    id: i64,
    email: String,
    role: String,
    gemeenten: Vec<String>,
    #[schema(required = true)]
    password: Option<String>,
}

/// `POST /users` `{email, role, password?}`: adds a staff member (201); a generated password is in
/// the answer, once.
#[utoipa::path(
    post,
    path = "/users",
    operation_id = "addStaff",
    summary = "Adds a staff member (admin); a generated password is returned once",
    request_body = NewUser,
    responses(
        (status = 201, description = "added", body = AddedUser),
        (status = 400, description = "a wrong role, address, password or gemeente code (the field is named)", body = Errors),
        (status = 409, description = "the address has an account", body = Errors),
    ),
    extensions(("x-roles" = json!(x_roles::<Admins>()))),
)]
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
        Json(AddedUser {
            id: added.id,
            email: added.email,
            role: added.role.as_str().to_string(),
            gemeenten: added.gemeenten,
            password: added.generated_password,
        }),
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct UserChange {
    #[schema(schema_with = role_name)]
    role: String,
    #[serde(default)]
    #[schema(schema_with = app::model::schema::gemeente_codes)]
    gemeenten: Vec<String>,
    #[serde(default)]
    disabled: bool,
}

/// An account as changed.
#[derive(Serialize, ToSchema)]
struct ChangedUser {
    id: i64,
    #[schema(schema_with = role_name)]
    role: String,
    #[schema(schema_with = app::model::schema::gemeente_codes)]
    gemeenten: Vec<String>,
    disabled: bool,
}

/// `PATCH /users/{id}` `{role, gemeenten, disabled}`: another role or gemeenten, or the account
/// disabled (its sessions end at once). An admin cannot disable or demote themselves (409), so a
/// deployment never loses its last way in by accident.
#[utoipa::path(
    patch,
    path = "/users/{id}",
    operation_id = "changeStaff",
    summary = "Role, gemeenten, disabled (admin); an admin cannot demote or disable themselves",
    params(("id" = i64, Path, description = "the account's number")),
    request_body = UserChange,
    responses(
        (status = 200, description = "saved", body = ChangedUser),
        (status = 400, description = "a wrong role or gemeente code (the field is named)", body = Errors),
        (status = 404, description = "no such account", body = Errors),
        (status = 409, description = "one's own account", body = Errors),
    ),
    extensions(("x-roles" = json!(x_roles::<Admins>()))),
)]
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
    Ok(Json(ChangedUser {
        id,
        role: role.as_str().to_string(),
        gemeenten,
        disabled: c.disabled,
    })
    .into_response())
}

/// `?limit=` of the staff lists.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct LimitQuery {
    /// at most this many (default: 200 for the audit log, 100 for the moderation queue; more than
    /// 1000 is read as 1000)
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

/// `GET /audit?limit=`: the newest staff actions first (who, what, when).
#[utoipa::path(
    get,
    path = "/audit",
    operation_id = "auditLog",
    summary = "Staff actions, newest first (admin)",
    params(LimitQuery),
    responses(
        (status = 200, description = "newest first", body = Vec<AuditRow>),
        (status = 400, description = "a wrong parameter", body = Errors),
    ),
    extensions(("x-roles" = json!(x_roles::<Admins>()))),
)]
async fn audit_log(
    State(svc): State<Service>,
    _: Staff<Admins>,
    QueryParams(q): QueryParams<LimitQuery>,
) -> Result<Response, ApiError> {
    Ok(Json(svc.audit_log(q.limit.unwrap_or(200)).await?).into_response())
}

/// `PATCH /submissions/{id}`: status and public note, hide or publish, another
/// category, the free text with personal data removed, publishing that text, folding it into a
/// duplicate. Written to the audit log.
#[utoipa::path(
    patch,
    path = "/submissions/{id}",
    operation_id = "moderateSubmission",
    summary = "Moderation (worker, advisor): status with a public note, hide, category, redacted text, publish text",
    params(("id" = String, Path, description = "the entry's id")),
    request_body = Moderation,
    responses(
        (status = 200, description = "changed (only what differed from the entry as it was)", body = Moderated),
        (status = 403, description = "an entry in a gemeente the staff member does not work for", body = Errors),
        (status = 404, description = "unknown id", body = Errors),
        (status = 409, description = "text_was or reply_was no longer match the resident's words: nothing was applied", body = Errors),
        (status = 422, description = "a wrong field", body = Errors),
    ),
    extensions(("x-roles" = json!(x_roles::<Moderators>()))),
)]
async fn moderate(
    State(svc): State<Service>,
    staff: Staff<Moderators>,
    Path(id): Path<String>,
    JsonBody(m): JsonBody<Moderation>,
) -> Result<Response, ApiError> {
    svc.moderate(&staff.user, &id, &m, None).await?;
    let entry = svc.entry(&id).await?;
    Ok(Json(Moderated {
        hidden: entry.is_none(),
        id,
        entry,
    })
    .into_response())
}

/// An entry after moderation: as the public now sees it, or hidden.
#[derive(Serialize, ToSchema)]
struct Moderated {
    id: String,
    hidden: bool,
    #[schema(required = true)]
    entry: Option<PublicEntry>,
}

/// An entry whose free text, reply or photo waits for a moderator.
#[derive(Serialize, ToSchema)]
struct Waiting {
    id: String,
    #[schema(value_type = app::model::Kind)]
    kind: String,
    category: String,
    created_at: String,
    #[schema(required = true)]
    gemeente: Option<String>,
    text: String,
    /// Byte ranges of `text` that look like a phone number or e-mail address.
    personal_data: Vec<(usize, usize)>,
    /// The address of a photo that waits for a moderator.
    #[schema(required = true)]
    photo: Option<String>,
    /// The resident's reply to the status note (waiting when `reply_public` is false).
    #[schema(required = true)]
    reply: Option<String>,
    reply_public: bool,
    /// The talent a wish offers (waiting when `talent_public` is false).
    #[schema(required = true)]
    talent: Option<String>,
    talent_public: bool,
}

/// `GET /moderation?limit=`: entries whose free text, reply, talent or photo waits for a moderator,
/// oldest first, each with the spans (byte offsets of `text`) that look like a phone number or
/// e-mail address.
#[utoipa::path(
    get,
    path = "/moderation",
    operation_id = "moderationQueue",
    summary = "Text, replies, talents and photos waiting for a moderator, with spans that look like personal data (worker, advisor)",
    params(LimitQuery),
    responses(
        (status = 200, description = "oldest first", body = Vec<Waiting>),
        (status = 400, description = "a wrong parameter", body = Errors),
    ),
    extensions(("x-roles" = json!(x_roles::<Moderators>()))),
)]
async fn moderation_queue(
    State(svc): State<Service>,
    staff: Staff<Moderators>,
    QueryParams(q): QueryParams<LimitQuery>,
) -> Result<Response, ApiError> {
    let queue: Vec<Waiting> = svc
        .moderation_queue(&staff.user, q.limit.unwrap_or(100))
        .await?
        .into_iter()
        .map(|e| Waiting {
            personal_data: app::model::personal_data(&e.text),
            photo: e.photo.as_deref().map(app::model::photo_url),
            id: e.id,
            kind: e.kind,
            category: e.category,
            created_at: e.created_at,
            gemeente: e.gemeente,
            text: e.text,
            reply: e.reply,
            reply_public: e.reply_public == 1,
            talent: e.talent,
            talent_public: e.talent_public == 1,
        })
        .collect();
    Ok(Json(queue).into_response())
}

/// `?gemeente=` of the talents overview.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct TalentsQuery {
    /// a CBS gemeente code the staff member works for, such as GM0505
    #[param(pattern = "^GM[0-9]{4}$")]
    gemeente: String,
}

/// `GET /talents?gemeente=`: the gemeente's wishes and the talents residents offer, per buurt, with
/// suggested matches (near each other, about the same thing). Staff of the gemeente only: the words
/// are the residents' own, published or not; no contact details exist.
#[utoipa::path(
    get,
    path = "/talents",
    operation_id = "talents",
    summary = "Wishes and talents per buurt with suggested matches (worker, advisor)",
    params(TalentsQuery),
    responses(
        (status = 200, description = "the gemeente's wishes, talents and matches", body = app::model::TalentsOverview),
        (status = 400, description = "a wrong parameter", body = Errors),
        (status = 403, description = "a gemeente the staff member does not work for", body = Errors),
        (status = 404, description = "no such gemeente", body = Errors),
        (status = 429, response = TooMany),
    ),
    extensions(("x-roles" = json!(x_roles::<Moderators>()))),
)]
pub(super) async fn talents(
    State(svc): State<Service>,
    staff: Staff<Moderators>,
    QueryParams(q): QueryParams<TalentsQuery>,
) -> Result<Response, ApiError> {
    let gemeente = app::model::gemeente_param(Some(&q.gemeente))
        .map_err(|b| ApiError::bad_query(b.field, b.message))?
        .ok_or_else(|| ApiError::bad_query("gemeente", "is required"))?;
    Ok(Json(svc.talents(&staff.user, &gemeente).await?).into_response())
}
