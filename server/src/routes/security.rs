//! Security headers on every answer: a strict Content-Security-Policy on HTML (inline script only
//! with the request's nonce, which Leptos puts on the data scripts of a page; no framing), no referrer (a
//! private link carries its key in `?sleutel=`), no content sniffing, and over https `Secure` on
//! every cookie and HSTS. One layer, so no route can forget them.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, SET_COOKIE,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// What the policy depends on: where map tiles come from, and whether the site is served over https.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The tile server's origin (`https://service.pdok.nl`; `https://*.tile.openstreetmap.org` for a
    /// `{s}` subdomain template), allowed for images and fetches; `None` without a basemap.
    tile_origin: Option<String>,
    https: bool,
}

impl Policy {
    pub fn new(tile_url: &str, public_url: Option<&str>) -> Policy {
        Policy {
            tile_origin: origin_of(tile_url),
            https: public_url.is_some_and(|u| u.starts_with("https://")),
        }
    }

    /// The Content-Security-Policy of an HTML page; `nonce` is the request's (Leptos puts it on a
    /// page's inline data scripts and the `<noscript>` style). Without one, no inline script runs at all.
    pub fn csp(&self, nonce: Option<&str>) -> String {
        let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
        let tiles = self
            .tile_origin
            .as_deref()
            .map(|o| format!(" {o}"))
            .unwrap_or_default();
        format!(
            "default-src 'self'; \
             script-src 'self'{nonce}; \
             style-src 'self'{nonce}; \
             img-src 'self' data: blob:{tiles}; \
             connect-src 'self'{tiles}; \
             font-src 'self'; \
             manifest-src 'self'; \
             worker-src 'self'; \
             object-src 'none'; \
             base-uri 'none'; \
             form-action 'self'; \
             frame-ancestors 'none'"
        )
    }
}

/// `scheme://host[:port]` of a URL template; a `{s}` subdomain becomes a wildcard.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .filter(|h| !h.is_empty())?;
    let host = host.replace("{s}", "*");
    // Anything but a host name, `*.` prefix and port would make a broken (or widened) policy.
    let ok = host
        .trim_start_matches("*.")
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    ok.then(|| format!("{scheme}://{host}"))
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("text/html")
        })
}

/// The nonce of one request's page: made when a page render asks for it (`AppState::context` hands
/// it to Leptos as its nonce), and named in the answer's CSP by this layer, which gave the request
/// the empty slot. One slot for both, so a page's scripts and its policy always agree; answers
/// that Leptos has no part in (the API, files) cost no randomness.
#[derive(Debug, Clone, Default)]
pub struct CspNonce(Arc<std::sync::OnceLock<Option<String>>>);

impl CspNonce {
    /// The request's nonce, made on first use: 16 bytes from the OS. Should the OS fail, the page
    /// goes out without one: its inline scripts are then refused (the page still works as plain
    /// HTML), never allowed wholesale.
    pub fn get(&self) -> Option<String> {
        self.0
            .get_or_init(|| match crate::secrets::token::<16>() {
                Ok(n) => Some(n),
                Err(e) => {
                    tracing::error!("no CSP nonce: {e}");
                    None
                }
            })
            .clone()
    }

    /// The nonce if a render made one.
    fn made(&self) -> Option<&str> {
        self.0.get().and_then(|n| n.as_deref())
    }
}

/// The layer. It sets every HTML answer's CSP itself (over any a handler set).
pub async fn headers(State(policy): State<Arc<Policy>>, mut req: Request, next: Next) -> Response {
    let private = is_private(&req);
    let nonce = CspNonce::default();
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A staff member's pages and answers (CSRF token, staff e-mail addresses, waiting texts, raw
    // rows) and a resident's private page stay out of every cache, shared or the browser's own,
    // unless the answer says otherwise itself.
    if private && !h.contains_key(CACHE_CONTROL) {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if is_html(h) {
        if let Ok(v) = HeaderValue::from_str(&policy.csp(nonce.made())) {
            h.insert(CONTENT_SECURITY_POLICY, v);
        }
        // For browsers that predate frame-ancestors.
        h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if policy.https {
        h.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
        secure_cookies(h);
    }
    res
}

/// Whether the answer to `req` is for one person only: a request with a staff session, the staff
/// pages and forms, a private link's page, and a sign-in (its answer carries the CSRF token).
fn is_private(req: &Request) -> bool {
    let path = req.uri().path();
    path.starts_with("/staff")
        || path.starts_with("/mijn/")
        || path == "/api/v1/session"
        || crate::auth::cookie_token(req.headers()).is_some()
}

/// Refuses a path that is not in the form a browser sends: one not starting with `/`, a `.` or
/// `..` segment (percent-encoded too), a backslash or an empty segment. The page renderer reads such a path as the clean one it
/// stands for (the `url` crate tidies it), while routing, the bound on heavy pages and the private
/// cache rule above read it as written: refused here, none of them can be walked around by
/// `/./inzicht` or `/mijn\{id}`.
///
/// Under `/api/` the answer is the API's own 404 (no resource has such an address; every operation
/// with a path parameter documents it), elsewhere a plain 400.
pub async fn clean_paths(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if is_clean_path(path) {
        next.run(req).await
    } else if path.starts_with("/api/") {
        super::error::ApiError::NotFound.into_response()
    } else {
        (
            axum::http::StatusCode::BAD_REQUEST,
            "not a clean path: no `.` or `..` segments, backslashes or empty segments",
        )
            .into_response()
    }
}

fn is_clean_path(path: &str) -> bool {
    // A request target that is no path (`GET inzicht`, `CONNECT host:1`) has none to render.
    if !path.starts_with('/') {
        return false;
    }
    let lower = path.to_ascii_lowercase();
    if lower.contains('\\') || lower.contains("%5c") || lower.contains("//") {
        return false;
    }
    lower.split('/').all(|segment| {
        let dots = segment.replace("%2e", ".");
        dots != "." && dots != ".."
    })
}

/// Adds `Secure` to every cookie the answer sets that lacks it.
fn secure_cookies(h: &mut HeaderMap) {
    let cookies: Vec<HeaderValue> = h.get_all(SET_COOKIE).iter().cloned().collect();
    if cookies.is_empty() {
        return;
    }
    h.remove(SET_COOKIE);
    for c in cookies {
        let secured = match c.to_str() {
            Ok(s)
                if !s
                    .split(';')
                    .any(|part| part.trim().eq_ignore_ascii_case("secure")) =>
            {
                HeaderValue::from_str(&format!("{s}; Secure")).unwrap_or(c)
            }
            _ => c,
        };
        h.append(SET_COOKIE, secured);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_clean_paths_pass() {
        for path in [
            "/",
            "/inzicht",
            "/inzicht/",
            "/inzicht/gebied/GM0505/dynamiek",
            "/pkg/trefpunt.js",
            "/mijn/5f0c6a43",
            "/melding/a.b",
            "/vendor/leaflet.1.9.4.js",
        ] {
            assert!(is_clean_path(path), "{path}");
        }
        for path in [
            "/./inzicht",
            "/inzicht/.",
            "/x/../inzicht",
            "/x/%2e%2e/inzicht",
            "/%2E/activiteit/kookclub",
            "/x/.%2e/mijn/1",
            "/inzicht\\gebied\\GM0505",
            "/mijn%5c1",
            "//inzicht",
            "/staff//talenten",
            "",
            "inzicht",
        ] {
            assert!(!is_clean_path(path), "{path}");
        }
    }

    /// Routed through the layer: refused with 400 before any handler (a raw URI, as curl's
    /// `--path-as-is` sends it; reqwest would tidy it first).
    #[tokio::test]
    async fn a_dotted_path_is_refused_before_any_handler() {
        use axum::body::Body;
        use tower::ServiceExt;
        let app = axum::Router::new()
            .fallback(|| async { "rendered" })
            .layer(axum::middleware::from_fn(clean_paths));
        let res = app
            .clone()
            .oneshot(
                Request::get("/./inzicht")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("answer");
        assert_eq!(res.status(), axum::http::StatusCode::BAD_REQUEST);
        // The API answers as it does for any address it has nothing at.
        let res = app
            .clone()
            .oneshot(
                Request::get("/api/v1/activities/%5Cx/ripples")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("answer");
        assert_eq!(res.status(), axum::http::StatusCode::NOT_FOUND);
        assert_eq!(res.headers()[CONTENT_TYPE], "application/json");
        let res = app
            .oneshot(
                Request::get("/inzicht")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("answer");
        assert_eq!(res.status(), axum::http::StatusCode::OK);
    }

    #[test]
    fn the_policy_allows_the_nonce_and_the_tiles_and_no_framing() {
        let p = Policy::new(
            crate::config::DEFAULT_TILE_URL,
            Some("https://trefpunt.example"),
        );
        let csp = p.csp(Some("abc"));
        assert!(csp.contains("script-src 'self' 'nonce-abc';"), "{csp}");
        assert!(
            csp.contains("img-src 'self' data: blob: https://service.pdok.nl;"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!p.csp(None).contains("nonce"));
        assert!(p.https);
        assert!(!Policy::new("", None).https);
    }

    #[test]
    fn tile_origins_are_host_names_only() {
        assert_eq!(
            origin_of("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tile.openstreetmap.org")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8081/tiles/{z}/{x}/{y}.png").as_deref(),
            Some("http://127.0.0.1:8081")
        );
        assert_eq!(origin_of(""), None);
        assert_eq!(origin_of("javascript:alert(1)"), None);
        assert_eq!(origin_of("https://a.example; script-src *"), None);
    }

    #[test]
    fn cookies_become_secure_once() {
        let mut h = HeaderMap::new();
        h.append(SET_COOKIE, HeaderValue::from_static("lang=nl; Path=/"));
        h.append(
            SET_COOKIE,
            HeaderValue::from_static("trefpunt_staff=x; HttpOnly; Secure"),
        );
        secure_cookies(&mut h);
        let all: Vec<&str> = h
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        assert_eq!(
            all,
            [
                "lang=nl; Path=/; Secure",
                "trefpunt_staff=x; HttpOnly; Secure"
            ]
        );
    }
}
