//! The per-client limit on anonymous writes (submissions, survey answers, the resident forms). A
//! tablet opened with an event's kiosk link is exempt.
//!
//! The client's address is read from the connection, or from `X-Forwarded-For` when the connection
//! comes from a proxy named in `TREFPUNT_TRUSTED_PROXIES`; it is used for this check only and is
//! never stored or logged (the limiter keeps a keyed hash, in memory).

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Extensions, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::ratelimit::client_addr;
use crate::service::Service;

/// The client a request comes from: the connection's peer, or what a trusted proxy says in
/// `X-Forwarded-For`. `None` without connection info (a test calling the router directly). Used for
/// the per-client limits only; never stored or logged.
pub fn client_of(svc: &Service, extensions: &Extensions, headers: &HeaderMap) -> Option<IpAddr> {
    let ConnectInfo(peer) = extensions.get::<ConnectInfo<SocketAddr>>().copied()?;
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let forwarded = (!forwarded.is_empty()).then(|| forwarded.join(","));
    Some(client_addr(
        peer.ip(),
        forwarded.as_deref(),
        &svc.abuse.trusted,
    ))
}

/// [`client_of`] as an extractor.
pub struct Client(pub Option<IpAddr>);

impl FromRequestParts<Service> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, svc: &Service) -> Result<Self, Self::Rejection> {
        Ok(Client(client_of(svc, &parts.extensions, &parts.headers)))
    }
}

/// Which per-client limit a request counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// Anonymous writes: entries, survey answers, "ik ook", photos, the resident forms.
    Write,
    /// Reads the resident form fires on every keystroke or tap: address search, nearby entries.
    Read,
}

/// The limit a request counts against, if any.
pub fn limited(method: &Method, path: &str) -> Option<Limited> {
    let write = match *method {
        Method::PUT => path.starts_with("/api/v1/submissions/") && path.ends_with("/photo"),
        Method::POST => {
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
        _ => false,
    };
    let read = match *method {
        Method::POST => path == "/_fn/geocode" || path == "/_fn/nearby",
        Method::GET => path == "/api/v1/geocode",
        _ => false,
    };
    if write {
        Some(Limited::Write)
    } else if read {
        Some(Limited::Read)
    } else {
        None
    }
}

pub async fn limit(State(svc): State<Service>, req: Request, next: Next) -> Response {
    let abuse = &svc.abuse;
    let (limiter, what) = match limited(req.method(), req.uri().path()) {
        Some(Limited::Write) => (&abuse.limiter, "entries"),
        Some(Limited::Read) => (&abuse.reads, "searches"),
        None => return next.run(req).await,
    };
    if !limiter.is_enabled() {
        return next.run(req).await;
    }
    // Without connection info (a test calling the router directly) there is no client to count.
    let Some(client) = client_of(&svc, req.extensions(), req.headers()) else {
        return next.run(req).await;
    };
    // An event's kiosk: one tablet, one resident after another, often syncing a queue at once.
    let cookie = super::extract::event_cookie(req.headers());
    if let Ok(Some(tag)) = svc.event_tag(cookie.as_deref()).await {
        if tag.link == app::model::EventLink::Kiosk {
            return next.run(req).await;
        }
    }
    match limiter.check(client, Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(wait) => (
            StatusCode::TOO_MANY_REQUESTS,
            [
                (header::RETRY_AFTER, wait.0.to_string()),
                (header::CONTENT_TYPE, "application/json".to_string()),
            ],
            serde_json::json!({
                "error": format!("too many {what} from your network in a short time; try again in {} seconds", wait.0)
            })
            .to_string(),
        )
            .into_response(),
    }
}

/// Heavy public reads (the heatmap, area shapes, figures, exports, the public list) at once per
/// process: beyond [`Abuse::heavy`](crate::service::Abuse)'s permits the answer is 503 with
/// `Retry-After` at once, instead of a queue that grows until the server stops answering anyone.
pub async fn heavy(State(svc): State<Service>, req: Request, next: Next) -> Response {
    match svc.abuse.heavy.clone().try_acquire_owned() {
        Ok(permit) => {
            let res = next.run(req).await;
            drop(permit);
            res
        }
        Err(_) => super::error::ApiError::Unavailable(
            "the server is busy with other requests for figures and maps; try again in a few seconds",
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_writes_and_the_forms_reads_are_limited() {
        let w = Some(Limited::Write);
        assert_eq!(limited(&Method::POST, "/api/v1/submissions"), w);
        assert_eq!(limited(&Method::POST, "/meedoen/plek"), w);
        assert_eq!(limited(&Method::POST, "/campagne/x/vragen"), w);
        assert_eq!(limited(&Method::POST, "/api/v1/campaigns/x/responses"), w);
        assert_eq!(limited(&Method::POST, "/_fn/submit"), w);
        assert_eq!(limited(&Method::POST, "/_fn/me_too"), w);
        assert_eq!(limited(&Method::PUT, "/api/v1/submissions/x/photo"), w);
        let r = Some(Limited::Read);
        assert_eq!(limited(&Method::POST, "/_fn/geocode"), r);
        assert_eq!(limited(&Method::POST, "/_fn/nearby"), r);
        assert_eq!(limited(&Method::GET, "/api/v1/geocode"), r);
        assert_eq!(limited(&Method::GET, "/api/v1/submissions"), None);
        assert_eq!(limited(&Method::POST, "/api/v1/campaigns"), None);
        assert_eq!(limited(&Method::POST, "/staff/inloggen"), None);
    }
}
