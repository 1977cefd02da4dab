//! The resident's language choice. Choosing sets a `lang` cookie (the only cookie residents get, and
//! only when they choose); a middleware turns that cookie into the `Accept-Language` the i18n layer
//! reads, so server rendering, the server functions and plain links all agree without JavaScript.

use app::i18n::Locale;
use axum::extract::{Path, Query, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use leptos_i18n::Locale as _;
use serde::Deserialize;

pub const COOKIE: &str = "lang";

fn known(code: &str) -> Option<&'static str> {
    Locale::get_all()
        .iter()
        .map(|l| l.as_str())
        .find(|l| *l == code)
}

#[derive(Deserialize)]
pub struct Back {
    terug: Option<String>,
}

/// `GET /taal/{locale}?terug=/path`: remembers the choice for a year and goes back.
pub async fn choose(Path(locale): Path<String>, Query(back): Query<Back>) -> Response {
    let Some(locale) = known(&locale) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let to = back.terug.filter(|p| is_local_path(p));
    let mut res = Redirect::to(to.as_deref().unwrap_or("/")).into_response();
    let cookie = format!("{COOKIE}={locale}; Path=/; Max-Age=31536000; SameSite=Lax");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// Only a local path is a place to go back to: an open redirect would let anyone borrow this site's
/// name. Visible ASCII only (the site's own addresses are percent-encoded): a browser drops a tab or
/// a line break from a URL, so `/\t/evil.example` would become `//evil.example`, another site.
fn is_local_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.contains('\\')
        && p.bytes().all(|b| b.is_ascii_graphic())
}

/// The chosen language, if any, from the request's cookies.
pub fn chosen(req: &Request) -> Option<&'static str> {
    crate::cookies::value(req.headers(), COOKIE).and_then(known)
}

/// A `?taal=` on the URL: the kiosk's pages carry their language in the address, so a service
/// worker can keep each language's page and switch between them offline.
fn in_query(req: &Request) -> Option<&'static str> {
    req.uri()
        .query()?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "taal")
        .and_then(|(_, v)| known(v))
}

pub async fn apply_choice(mut req: Request, next: Next) -> Response {
    if let Some(locale) = in_query(&req).or_else(|| chosen(&req)) {
        req.headers_mut()
            .insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static(locale));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_a_local_path_is_a_way_back() {
        for ok in [
            "/",
            "/kaart",
            "/meedoen/drempel?c=default&x=%20y",
            "/inzicht/gebied/BU05050101",
        ] {
            assert!(is_local_path(ok), "{ok}");
        }
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n",
            "/\u{1}",
            "/ kaart",
            "/kaart\u{e9}",
            "kaart",
            "",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }
}
