//! The REST API's one error type. 4xx answers say which field is wrong and why; 5xx answers say
//! nothing about the cause, which is logged instead.

use app::model::Violation;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

#[derive(Debug)]
pub enum ApiError {
    /// 422: the body parsed but breaks the rules.
    Invalid(Vec<Violation>),
    /// 422 for a body serde could not read, 400 for a query string: (field, reason).
    Malformed {
        status: StatusCode,
        field: String,
        message: String,
    },
    PayloadTooLarge,
    UnsupportedMediaType,
    Conflict,
    /// 409 for anything but a submission: what is taken (the reason).
    Taken(&'static str),
    Gone,
    NotFound,
    /// 401: this needs a signed-in staff member.
    Unauthenticated(&'static str),
    /// 403: signed in, but not allowed (role, or a missing CSRF token).
    Forbidden(&'static str),
    /// 408: the request's body did not arrive in time (the reason).
    TimedOut(&'static str),
    /// 429: too many attempts; try again after `retry_after` seconds (`Retry-After`).
    TooManyRequests {
        why: &'static str,
        retry_after: u64,
    },
    /// 503: try again later (the reason, and after how many seconds).
    Unavailable(&'static str),
    /// 503 because the database is out: its reason and `Retry-After`.
    Outage(crate::store::Outage),
    Internal,
}

/// One wrong field and why.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// Dotted path into the body (`details.severity`), or the query parameter.
    pub field: String,
    pub message: String,
}

/// The body of every 4xx and 5xx answer of the API: the wrong fields, or what went wrong.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Errors {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
}

impl ApiError {
    pub fn bad_query(field: &str, message: impl Into<String>) -> Self {
        ApiError::Malformed {
            status: StatusCode::BAD_REQUEST,
            field: field.into(),
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, errors, error) = match self {
            ApiError::Invalid(v) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                v.into_iter()
                    .map(|v| FieldError {
                        message: v.rule.message(),
                        field: v.field,
                    })
                    .collect(),
                None,
            ),
            ApiError::Malformed {
                status,
                field,
                message,
            } => (status, vec![FieldError { field, message }], None),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                vec![FieldError {
                    field: "body".into(),
                    message: "is larger than 64 KiB".into(),
                }],
                None,
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                vec![FieldError {
                    field: "body".into(),
                    message: "must be JSON (Content-Type: application/json)".into(),
                }],
                None,
            ),
            ApiError::Conflict => (
                StatusCode::CONFLICT,
                vec![],
                Some("this id was already used for a different submission"),
            ),
            ApiError::Taken(why) => (StatusCode::CONFLICT, vec![], Some(why)),
            ApiError::Gone => (
                StatusCode::GONE,
                vec![],
                Some("this submission was deleted"),
            ),
            ApiError::NotFound => (StatusCode::NOT_FOUND, vec![], Some("not found")),
            ApiError::Unauthenticated(why) => (StatusCode::UNAUTHORIZED, vec![], Some(why)),
            ApiError::Forbidden(why) => (StatusCode::FORBIDDEN, vec![], Some(why)),
            ApiError::TimedOut(why) => (StatusCode::REQUEST_TIMEOUT, vec![], Some(why)),
            ApiError::TooManyRequests { why, retry_after } => {
                let body = Errors {
                    errors: vec![],
                    error: Some(why),
                };
                let mut res = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
                res.headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, retry_after.max(1).into());
                return res;
            }
            ApiError::Unavailable(why) => {
                let body = Errors {
                    errors: vec![],
                    error: Some(why),
                };
                let mut res = (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
                res.headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, RETRY_UNAVAILABLE.into());
                return res;
            }
            ApiError::Outage(outage) => {
                let body = Errors {
                    errors: vec![],
                    error: Some(outage.message()),
                };
                let mut res = (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
                res.headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, outage.retry_after().into());
                return res;
            }
            ApiError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                vec![],
                Some("internal error"),
            ),
        };
        (status, Json(Errors { errors, error })).into_response()
    }
}

/// Seconds to wait after a 503 that is not the database's (a busy server, an unreachable PDOK).
pub const RETRY_UNAVAILABLE: u32 = 5;

impl From<crate::secrets::SecretError> for ApiError {
    fn from(e: crate::secrets::SecretError) -> Self {
        tracing::error!(error = %e, "secret unavailable");
        ApiError::Internal
    }
}

impl From<crate::service::ServiceError> for ApiError {
    fn from(e: crate::service::ServiceError) -> Self {
        use crate::service::ServiceError as E;
        match e {
            E::Store(e) => e.into(),
            E::Secret(e) => e.into(),
            E::Invalid(v) => ApiError::Invalid(v),
            E::Field { field, reason } => ApiError::bad_query(&field, reason),
            E::NotFound => ApiError::NotFound,
            E::Conflict(why) => ApiError::Taken(why),
            E::OwnAccount => ApiError::Taken("you cannot demote or disable your own account"),
            E::NotAllowed(why) => ApiError::Forbidden(why),
            E::SignInRefused(why) | E::Unproven(why) => ApiError::Unauthenticated(why),
            E::TooManyAttempts { why, retry_after } => {
                ApiError::TooManyRequests { why, retry_after }
            }
            E::Busy(why) => ApiError::Unavailable(why),
            E::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                ApiError::Internal
            }
        }
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        match e.outage() {
            Some(outage) => {
                tracing::warn!(error = %e, ?outage, "storage unavailable");
                ApiError::Outage(outage)
            }
            None => {
                tracing::error!(error = %e, "storage failed");
                ApiError::Internal
            }
        }
    }
}

/// Turns a serde error into (field, reason): the dotted path where it happened, or for a missing or
/// unknown field that field's own name.
pub fn json_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let raw = inner.to_string();
    let message = raw.split(" at line ").next().unwrap_or(&raw).to_string();
    let named = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string)
    };
    let join = |parent: &str, name: String| {
        if parent.is_empty() || parent == "." {
            name
        } else {
            format!("{parent}.{name}")
        }
    };
    let field = if let Some(name) = named("missing field `") {
        join(&path, name)
    } else if let Some(name) = named("unknown field `") {
        // An unknown key that is empty or only spaces names nothing a client could find: the object
        // holding it is what is wrong (the body at the top).
        if name.trim().is_empty() {
            let parent = path.strip_suffix(&name).unwrap_or(&path);
            parent.trim_end_matches('.').to_string()
        } else if path.ends_with(&name) {
            path
        } else {
            join(&path, name)
        }
    } else if inner.is_syntax() || inner.is_eof() || path == "." {
        "body".to_string()
    } else {
        path
    };
    // An unknown key that is empty or only spaces names nothing a client can find: the body it is.
    let field = if field.trim().is_empty() {
        "body".to_string()
    } else {
        field
    };
    ApiError::Malformed {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        field,
        message,
    }
}
