//! The resident form's server functions (`/_fn/...`, registered by leptos_axum from `app::api`).
//! server_fn answers every error with 500; this layer gives each its own status from the typed
//! error ([`FnError`]): a body that does not parse is the client's mistake (400), an unreachable
//! database is temporary (503, with `Retry-After`), the rest stays 500.

use app::api::FnError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

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
            // The outage's own wait does not reach the typed error; the island queues the entry
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
