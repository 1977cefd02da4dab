//! Escaping for the two places where Leptos writes text into the server's HTML as it is: the
//! document title (leptos_meta 0.8 puts `<Title>` text into `<head>` unescaped) and `<textarea>`
//! children (tachys treats them as raw text). Everywhere else the view macro escapes. And the
//! query strings of the links pages make.

/// `&`, `<`, `>` and `"` as entities: safe as element text, and as a double-quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The page title as it goes into `<title>`: "page · Trefpunt", escaped (every page's title passes
/// through here, so a page cannot forget it). A path parameter in a title, such as an area code,
/// comes from whoever wrote the link.
pub fn title(page: &str) -> String {
    if page.is_empty() {
        "Trefpunt".to_string()
    } else {
        escape(&format!("{page} · Trefpunt"))
    }
}

/// A `<textarea>`'s text: escaped on the server; in the browser it becomes a DOM text node, which
/// is safe as it is.
pub fn textarea_text(value: &str) -> String {
    if cfg!(feature = "ssr") {
        escape(value)
    } else {
        value.to_string()
    }
}

/// `a=b&c=d` with values percent-encoded.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_a_title_stays_text() {
        let t = title("</title><script>alert(1)</script>");
        assert!(!t.contains('<') && !t.contains('>'), "{t}");
        assert_eq!(title(""), "Trefpunt");
        assert_eq!(title("Kaart"), "Kaart · Trefpunt");
        assert_eq!(escape(r#"a & "b""#), "a &amp; &quot;b&quot;");
    }
}
