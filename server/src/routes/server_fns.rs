//! The resident form's server functions (`/_fn/...`, registered by leptos_axum from `app::api`).
//! server_fn answers every error with 500; this layer gives each its own status from the typed
//! error ([`FnError`]): a body that does not parse is the client's mistake (400), an unreachable
//! database is temporary (503, with `Retry-After`), the rest stays 500.

use app::api::FnError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Where leptos_axum serves the server functions.
pub const PREFIX: &str = "/_fn/";

/// The header server_fn marks its error answers with.
const ERROR_HEADER: &str = "serverfnerror";

/// An error answer is one small JSON value; a larger one is not server_fn's and keeps its 500
/// without its body.
const MAX_ERROR_BYTES: usize = 16 * 1024;

pub async fn error_status(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with(PREFIX) {
        return next.run(req).await;
    }
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key(ERROR_HEADER)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    match serde_json::from_slice::<FnError>(&bytes) {
        Ok(FnError::BadRequest(_)) => parts.status = StatusCode::BAD_REQUEST,
        Ok(FnError::Unavailable(_)) => {
            // The outage's own wait does not reach the typed error; form.js queues the entry
            // and its outbox tries again on its own schedule anyway.
            parts.status = StatusCode::SERVICE_UNAVAILABLE;
            parts
                .headers
                .insert(header::RETRY_AFTER, super::error::RETRY_UNAVAILABLE.into());
        }
        _ => {}
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The most a server function's body may be: a form with its 2,000 characters of text is a few kB.
pub const MAX_BODY: usize = 64 * 1024;

/// Server functions take JSON, and at most [`MAX_BODY`] of it. A page on another site can send a
/// `text/plain` or form body without asking, but not `application/json` (the browser asks first, and
/// is refused): so no site can make its visitors' browsers send entries or say "ik ook" from all
/// their addresses. Answers 415 or 413 with the typed error, before the body is read.
pub async fn only_json(req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !req.uri().path().starts_with(PREFIX) {
        return next.run(req).await;
    }
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "a server function takes a JSON body (Content-Type: application/json)",
        );
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY) {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "a server function's body is at most 64 KiB",
        );
    }
    // A body without a length stops at the limit too: reading on fails, and the function answers 400.
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, MAX_BODY));
    next.run(Request::from_parts(parts, body)).await
}

fn refuse(status: StatusCode, why: &str) -> Response {
    let body = serde_json::to_string(&FnError::BadRequest(why.to_string()))
        .unwrap_or_else(|_| "\"Internal\"".to_string());
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}
