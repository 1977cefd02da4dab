//! Reading one cookie from a request's `Cookie` headers. The site sets three (the staff session,
//! the resident's chosen language, an event link's tag) and reads each the same way.

use axum::http::{header, HeaderMap};

/// The value of cookie `name`, if the request has it (the first one, trimmed).
pub fn value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_cookie_among_others_and_across_headers() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "a=1; lang=nl".parse().expect("header"));
        h.append(header::COOKIE, "b= 2 ".parse().expect("header"));
        assert_eq!(value(&h, "lang"), Some("nl"));
        assert_eq!(value(&h, "b"), Some("2"));
        assert_eq!(value(&h, "la"), None);
    }
}
