//! The per-client limit on anonymous writes (submissions, survey answers, the resident forms). A
//! tablet opened with an event's kiosk link is exempt.
//!
//! The client's address is read from the connection, or from `X-Forwarded-For` when the connection
//! comes from a proxy named in `TREFPUNT_TRUSTED_PROXIES`; it is used for this check only and is
//! never stored or logged (the limiter keeps a keyed hash, in memory).

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::ratelimit::client_addr;
use crate::service::Service;

/// Whether a request is an anonymous write the limit applies to.
pub fn is_limited(method: &Method, path: &str) -> bool {
    if path.starts_with("/api/v1/submissions/") && path.ends_with("/photo") {
        return *method == Method::PUT;
    }
    if *method != Method::POST {
        return false;
    }
    path == "/api/v1/submissions"
        || path == "/_fn/submit"
        || path == "/_fn/me_too"
        || path.starts_with("/melding/")
        || path.starts_with("/mijn/")
        || path.starts_with("/meedoen/")
        || path.starts_with("/campagne/")
        || (path.starts_with("/api/v1/campaigns/") && path.ends_with("/responses"))
        || (path.starts_with("/api/v1/submissions/") && path.ends_with("/me-too"))
}

pub async fn limit(State(svc): State<Service>, req: Request, next: Next) -> Response {
    let abuse = &svc.abuse;
    if !abuse.limiter.is_enabled() || !is_limited(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    // Without connection info (a test calling the router directly) there is no client to count.
    let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() else {
        return next.run(req).await;
    };
    // An event's kiosk: one tablet, one resident after another, often syncing a queue at once.
    if let Ok(Some(tag)) = svc.event_tag(req.headers()).await {
        if tag.link == app::model::EventLink::Kiosk {
            return next.run(req).await;
        }
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let forwarded = (!forwarded.is_empty()).then(|| forwarded.join(","));
    let client = client_addr(peer.ip(), forwarded.as_deref(), &abuse.trusted);
    match abuse.limiter.check(client, Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(wait) => (
            StatusCode::TOO_MANY_REQUESTS,
            [
                (header::RETRY_AFTER, wait.0.to_string()),
                (header::CONTENT_TYPE, "application/json".to_string()),
            ],
            serde_json::json!({
                "error": format!("too many entries from your network in a short time; try again in {} seconds", wait.0)
            })
            .to_string(),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_anonymous_writes_are_limited() {
        assert!(is_limited(&Method::POST, "/api/v1/submissions"));
        assert!(is_limited(&Method::POST, "/meedoen/plek"));
        assert!(is_limited(&Method::POST, "/campagne/x/vragen"));
        assert!(is_limited(&Method::POST, "/api/v1/campaigns/x/responses"));
        assert!(!is_limited(&Method::GET, "/api/v1/submissions"));
        assert!(!is_limited(&Method::POST, "/api/v1/campaigns"));
        assert!(!is_limited(&Method::POST, "/staff/inloggen"));
    }
}
