//! The extractors every handler reads its request through, so each check is written once:
//!
//! - [`Staff<R>`]: a signed-in staff member whose role the rule `R` allows; for a request that
//!   changes something, also the session's CSRF token in `X-CSRF-Token`. A staff handler takes it as
//!   an argument, so it cannot exist without its guard.
//! - [`StaffForm<R, T>`]: the same for a plain HTML form, whose CSRF token comes in its `csrf` field.
//! - [`JsonBody<T>`] and [`QueryParams<T>`]: a body or query string read into `T`, or the API's 4xx
//!   naming the field and the reason.
//!
//! A rule is a type (`Staff<Admins>`), so which staff may call a handler is in its signature.
//!
//! Session and role are checked before the body is read: a caller without a session learns nothing
//! about what the body should have been.

use std::marker::PhantomData;

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use serde::de::DeserializeOwned;

use super::error::{json_error, ApiError};
use crate::auth::CSRF_HEADER;
use crate::domain::roles::{self, Access};
use crate::service::{Service, StaffCheck};
use crate::store::SessionUser;

/// Who may pass a [`Staff`] guard.
pub trait StaffRule: Send + Sync + 'static {
    const ACCESS: Access;
}

/// Any signed-in staff member.
pub struct AnyStaff;
/// Admins only.
pub struct Admins;
/// Who moderates entries: workers and advisors (and admins).
pub struct Moderators;
/// Opbouwwerkers: events, paper entries (and admins).
pub struct Workers;
/// Who may download raw rows: advisors (and admins).
pub struct RawExporters;

impl StaffRule for AnyStaff {
    const ACCESS: Access = Access::Staff;
}
impl StaffRule for Admins {
    const ACCESS: Access = roles::ADMINS;
}
impl StaffRule for Moderators {
    const ACCESS: Access = roles::MODERATORS;
}
impl StaffRule for Workers {
    const ACCESS: Access = roles::WORKERS;
}
impl StaffRule for RawExporters {
    const ACCESS: Access = roles::RAW_EXPORTERS;
}

/// A staff member the rule `R` lets through (see the module's documentation).
pub struct Staff<R: StaffRule = AnyStaff> {
    pub user: SessionUser,
    rule: PhantomData<fn() -> R>,
}

impl<R: StaffRule> Staff<R> {
    /// The session in `headers`, checked against `R`. `csrf`: `None` for a request that changes
    /// nothing, else the token it brought (if any). Private: callers say which of the two they are
    /// (the extractors by the method, [`Staff::from_cookie`] for a page render).
    async fn check(
        svc: &Service,
        headers: &HeaderMap,
        csrf: Option<Option<&str>>,
    ) -> Result<Self, ApiError> {
        let token = crate::auth::cookie_token(headers);
        let user = match svc.staff_session(token.as_deref(), R::ACCESS, csrf).await? {
            StaffCheck::Passed(user) => user,
            StaffCheck::NoSession => {
                return Err(ApiError::Unauthenticated(
                    "sign in as staff first (no session)",
                ))
            }
            StaffCheck::Ended => {
                return Err(ApiError::Unauthenticated(
                    "sign in as staff first (the session ended)",
                ))
            }
            StaffCheck::WrongRole => return Err(ApiError::Forbidden("your role may not do this")),
            StaffCheck::WrongCsrf => {
                return Err(ApiError::Forbidden("missing or wrong CSRF token"))
            }
        };
        Ok(Staff {
            user,
            rule: PhantomData,
        })
    }

    /// For a page render (which changes nothing): the staff member behind a `Cookie` header, or
    /// `None` when there is no valid session or the role does not fit.
    pub async fn from_cookie(
        svc: &Service,
        cookie: Option<String>,
    ) -> Result<Option<Self>, ApiError> {
        let headers = cookie_headers(cookie);
        match Self::check(svc, &headers, None).await {
            Ok(staff) => Ok(Some(staff)),
            Err(ApiError::Unauthenticated(_) | ApiError::Forbidden(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// For a plain form only a worker may post (a paper form's survey answers): the worker, with
    /// the session in `headers` and the form's own CSRF token; 401 without a session, 403 for a
    /// wrong role or token.
    pub async fn from_cookie_and_token(
        svc: &Service,
        headers: &HeaderMap,
        csrf: &str,
    ) -> Result<Self, ApiError> {
        Self::check(svc, headers, Some(Some(csrf))).await
    }

    /// For a resident form that a worker may post on paper's behalf: the worker, when the request
    /// carries their session and this CSRF token; `None` otherwise (the entry's `source` then fails
    /// validation, which names the field).
    pub async fn from_form_token(
        svc: &Service,
        headers: &HeaderMap,
        csrf: &str,
    ) -> Result<Option<Self>, ApiError> {
        match Self::check(svc, headers, Some(Some(csrf))).await {
            Ok(staff) => Ok(Some(staff)),
            Err(ApiError::Unauthenticated(_) | ApiError::Forbidden(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A `HeaderMap` holding just this `Cookie` header (a page render hands the cookie on as a string).
pub fn cookie_headers(cookie: Option<String>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(v) = cookie.and_then(|c| c.parse().ok()) {
        headers.insert(header::COOKIE, v);
    }
    headers
}

impl<S, R> FromRequestParts<S> for Staff<R>
where
    Service: FromRef<S>,
    S: Send + Sync,
    R: StaffRule,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let svc = Service::from_ref(state);
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        let csrf = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        Self::check(&svc, &parts.headers, (!safe).then_some(csrf)).await
    }
}

/// A form whose CSRF token is a field of its own.
pub trait CsrfField {
    fn csrf(&self) -> Option<&str>;
}

/// [`CsrfField`] for forms with a `csrf: Option<String>` field.
macro_rules! csrf_field {
    ($($form:ty),* $(,)?) => {$(
        impl $crate::routes::extract::CsrfField for $form {
            fn csrf(&self) -> Option<&str> {
                self.csrf.as_deref()
            }
        }
    )*};
}
pub(crate) use csrf_field;

/// Forms read as name–value pairs (they render themselves again on mistakes).
impl CsrfField for Vec<(String, String)> {
    fn csrf(&self) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
    }
}

/// A staff member's plain HTML form (`application/x-www-form-urlencoded`): session and role are
/// checked first, then the body is read into `T` and its `csrf` field checked. `parts` is the
/// request's head, for a form that renders its page again.
pub struct StaffForm<R: StaffRule, T> {
    pub staff: Staff<R>,
    pub form: T,
    pub parts: Parts,
}

impl<S, R, T> FromRequest<S> for StaffForm<R, T>
where
    Service: FromRef<S>,
    S: Send + Sync,
    R: StaffRule,
    T: DeserializeOwned + CsrfField + Send,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let svc = Service::from_ref(state);
        let (parts, body) = req.into_parts();
        // Session and role before the body, then the form's token against the same session.
        let staff = Staff::<R>::check(&svc, &parts.headers, None).await?;
        let bytes = axum::body::to_bytes(body, super::api::MAX_BODY_BYTES)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?;
        let form: T = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| ApiError::bad_query("body", e.to_string()))?;
        let given = form.csrf().unwrap_or_default();
        if !crate::secrets::same(given.as_bytes(), staff.user.csrf.as_bytes()) {
            return Err(ApiError::Forbidden("missing or wrong CSRF token"));
        }
        Ok(StaffForm { staff, form, parts })
    }
}

/// A JSON body read into `T`: 413 over [`super::api::MAX_BODY_BYTES`] (the router's limit), 422
/// naming the field serde tripped over.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| match r.status() {
                axum::http::StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
                _ => ApiError::bad_query("body", r.body_text()),
            })?;
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(&bytes))
            .map(JsonBody)
            .map_err(json_error)
    }
}

/// A query string read into `T`, or 400 naming the query and the reason.
pub struct QueryParams<T>(pub T);

impl<S, T> FromRequestParts<S> for QueryParams<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| QueryParams(q))
            .map_err(|r: QueryRejection| ApiError::bad_query("query", r.body_text()))
    }
}

/// The event cookie's value in these headers.
pub fn event_cookie(headers: &HeaderMap) -> Option<String> {
    crate::cookies::value(headers, super::events::COOKIE).map(str::to_string)
}

/// What a resident form brings besides its fields (`service::events::Credentials`): its event
/// token field, and for a paper form the worker whose session and the form's CSRF token came along.
pub async fn form_credentials(
    svc: &Service,
    headers: &HeaderMap,
    draft: &app::model::FormDraft,
) -> crate::service::events::Credentials {
    let worker = match draft.source.trim() {
        "paper" => Staff::<Workers>::from_form_token(svc, headers, &draft.csrf)
            .await
            .ok()
            .flatten()
            .map(|w| w.user),
        _ => None,
    };
    crate::service::events::Credentials {
        event_token: (!draft.event_token.trim().is_empty())
            .then(|| draft.event_token.trim().to_string()),
        worker,
    }
}

/// A request a browser did not send on another site's behalf: refuses (403) a `Sec-Fetch-Site` other
/// than `same-origin` or `none`, or else an `Origin` that is not this site's. Requests without
/// either (a script, curl) pass. For the sign-ins, which have no session and so no CSRF token yet:
/// another site must not sign a visitor's browser into the attacker's own staff account.
pub struct NotCrossSite;

impl<S: Send + Sync> FromRequestParts<S> for NotCrossSite {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let refused = Err(ApiError::Forbidden(
            "a sign-in sent from another site is refused",
        ));
        if let Some(site) = header("sec-fetch-site") {
            return match site {
                "same-origin" | "none" => Ok(NotCrossSite),
                _ => refused,
            };
        }
        match header("origin") {
            None => Ok(NotCrossSite),
            Some(origin) => {
                // The origin's host and port against the request's own.
                let origin_host = origin.split_once("://").map(|(_, rest)| rest);
                match (origin_host, header("host")) {
                    (Some(o), Some(host)) if o.eq_ignore_ascii_case(host) => Ok(NotCrossSite),
                    _ => refused,
                }
            }
        }
    }
}
