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
        &svc.abuse().trusted,
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

/// The per-client limit on anonymous writes, as a route layer: the routes of anonymous writes
/// carry it (`routes::api`, `crate::router`), so a route is limited by being added with it, not by
/// a list of paths kept in step by hand.
pub async fn limit_writes(State(svc): State<Service>, req: Request, next: Next) -> Response {
    limit(&svc, Limited::Write, req, next).await
}

/// The per-client limit on the resident form's reads (address search), as a route layer.
pub async fn limit_reads(State(svc): State<Service>, req: Request, next: Next) -> Response {
    limit(&svc, Limited::Read, req, next).await
}

/// The resident form's server functions are registered by leptos_axum, so their limits are applied
/// here, by each function's own path: sending and "ik ook" are writes; the live check, address search
/// and nearby entries reads.
pub async fn limit_server_fns(State(svc): State<Service>, req: Request, next: Next) -> Response {
    let kind = match *req.method() {
        Method::POST => server_fn_limit(req.uri().path()),
        _ => None,
    };
    match kind {
        Some(kind) => limit(&svc, kind, req, next).await,
        None => next.run(req).await,
    }
}

/// The limit of the server function at `path` (`None`: not a server function).
fn server_fn_limit(path: &str) -> Option<Limited> {
    use leptos::server_fn::ServerFn;
    if path == app::api::SubmitEntry::PATH || path == app::api::SayMeToo::PATH {
        Some(Limited::Write)
    } else if path == app::api::Geocode::PATH
        || path == app::api::Nearby::PATH
        || path == app::api::CheckEntry::PATH
    {
        Some(Limited::Read)
    } else {
        None
    }
}

async fn limit(svc: &Service, kind: Limited, req: Request, next: Next) -> Response {
    let abuse = svc.abuse();
    let (limiter, what) = match kind {
        Limited::Write => (&abuse.limiter, "entries"),
        Limited::Read => (&abuse.reads, "searches"),
    };
    if !limiter.is_enabled() {
        return next.run(req).await;
    }
    // Without connection info (a test calling the router directly) there is no client to count.
    let Some(client) = client_of(svc, req.extensions(), req.headers()) else {
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
    match svc.abuse().heavy.clone().try_acquire_owned() {
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

/// [`heavy`] for a route's reads only: where a public read and a staff write share a path
/// (`/activities`: the gemeente's list and recording one), a crowd of readers must not turn the
/// workers' writes away.
pub async fn heavy_reads(State(svc): State<Service>, req: Request, next: Next) -> Response {
    if req.method() == axum::http::Method::GET || req.method() == axum::http::Method::HEAD {
        heavy(State(svc), req, next).await
    } else {
        next.run(req).await
    }
}

/// The pages that render a heavy read (the dashboard, an area's profile, report, changes and
/// dynamics, coverage, survey results, an activity's ripple map): under the same bound as the API's
/// heavy reads, or a crowd on a page would do what the bound keeps from the API. Past it, a short
/// HTML page says to try again (with `Retry-After`), in Dutch and English: the chosen language is
/// read only by the page it stands for. The permit covers the whole render because every page is
/// rendered whole before it is sent (`SsrMode::Async`, `ssr=WHOLE` in `app.rs`); with streamed
/// pages it would cover only the first chunk. The body goes out after the permit is given back, so
/// a slow reader holds none.
///
/// Nothing is written under these paths: any other method is refused with 405 here, before the
/// site's fallback (which answers every method) could render the page for `POST /inzicht/`.
pub async fn heavy_pages(State(svc): State<Service>, req: Request, next: Next) -> Response {
    if !is_heavy_page(req.uri().path()) {
        return next.run(req).await;
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    match svc.abuse().heavy.clone().try_acquire_owned() {
        Ok(permit) => {
            let res = next.run(req).await;
            drop(permit);
            res
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [
                (
                    header::RETRY_AFTER,
                    super::error::RETRY_UNAVAILABLE.to_string(),
                ),
                (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            BUSY_PAGE,
        )
            .into_response(),
    }
}

const BUSY_PAGE: &str = "<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Even druk</title></head>\
<body><h1>Even druk</h1><p>Veel mensen bekijken nu cijfers en kaarten. Probeer het over een paar \
seconden opnieuw.</p><p lang=\"en\">Many people are looking at figures and maps right now. Please \
try again in a few seconds.</p></body></html>";

/// Whether `path` is one of the pages [`heavy_pages`] bounds.
fn is_heavy_page(path: &str) -> bool {
    path == "/inzicht" || path.starts_with("/inzicht/") || path.starts_with("/activiteit/")
}

#[cfg(test)]
mod tests {
    /// With every heavy permit taken, an insight page answers 503 with a page that says to try
    /// again, and a resident's page renders as ever; with permits, the insight page renders.
    #[tokio::test]
    async fn past_the_bound_an_insight_page_says_to_try_again_and_the_resident_pages_answer() {
        use axum::body::Body;
        use axum::http::{Request, StatusCode};
        use tower::ServiceExt;
        let service = |permits: usize| async move {
            let store = crate::store::Store::open("sqlite::memory:")
                .await
                .expect("store");
            crate::service::Service::new(
                store,
                &crate::config::Settings::with_defaults("sqlite::memory:"),
            )
            .await
            .expect("service")
            .with_heavy_reads(permits)
        };
        let page = || axum::routing::get(|| async { "<h1>pagina</h1>" });
        let app = |svc: crate::service::Service| {
            axum::Router::new()
                .route("/inzicht/gebied/{code}/dynamiek", page())
                .route("/activiteit/{id}", page())
                .route("/meedoen/{kind}", page())
                .layer(axum::middleware::from_fn_with_state(
                    svc,
                    super::heavy_pages,
                ))
        };
        let get = |uri: &str| Request::get(uri).body(Body::empty()).expect("request");
        let busy = app(service(0).await);
        for uri in ["/inzicht/gebied/GM0505/dynamiek", "/activiteit/kookclub"] {
            let res = busy.clone().oneshot(get(uri)).await.expect("answer");
            assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{uri}");
            assert_eq!(res.headers()["retry-after"], "5");
            assert!(res.headers()["content-type"]
                .to_str()
                .expect("type")
                .starts_with("text/html"));
            let body = axum::body::to_bytes(res.into_body(), 1 << 16)
                .await
                .expect("body");
            assert!(String::from_utf8_lossy(&body).contains("Probeer het over een paar"));
        }
        let res = busy
            .clone()
            .oneshot(get("/meedoen/place"))
            .await
            .expect("answer");
        assert_eq!(res.status(), StatusCode::OK);
        // Another method renders nothing: the fallback would answer it with the whole page.
        for method in ["POST", "PUT", "FOO"] {
            let req = Request::builder()
                .method(method)
                .uri("/inzicht/")
                .body(Body::empty())
                .expect("request");
            let res = busy.clone().oneshot(req).await.expect("answer");
            assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{method}");
        }
        let free = app(service(1).await);
        let res = free
            .oneshot(get("/inzicht/gebied/GM0505/dynamiek"))
            .await
            .expect("answer");
        assert_eq!(res.status(), StatusCode::OK);
    }

    #[test]
    fn the_insight_pages_and_activities_are_heavy_and_the_resident_pages_not() {
        for path in [
            "/inzicht",
            "/inzicht/gebied/GM0505",
            "/inzicht/gebied/GM0505/dynamiek",
            "/inzicht/bereik",
            "/activiteit/kookclub",
        ] {
            assert!(super::is_heavy_page(path), "{path}");
        }
        for path in [
            "/",
            "/meedoen/place",
            "/kaart",
            "/melding/x",
            "/inzichten",
            "/activiteit",
        ] {
            assert!(!super::is_heavy_page(path), "{path}");
        }
    }

    /// A server function added to `app::api` without a limit here fails this test.
    #[test]
    fn every_server_function_has_its_limit() {
        let paths: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path)
            .collect();
        assert_eq!(paths.len(), 5, "{paths:?}");
        for path in paths {
            assert!(
                super::server_fn_limit(path).is_some(),
                "{path} has no limit"
            );
        }
    }
}
