use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::i18n::*;

/// Header with navigation and the language choice, the page's `<main>`, and the footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    // The event's tablet: nothing to wander off to, and the kiosk page has its own language buttons.
    // The printable area report: paper has no navigation.
    let path = use_location().pathname.get_untracked();
    if path.starts_with("/kiosk/")
        || (path.starts_with("/inzicht/gebied/") && path.ends_with("/rapport"))
    {
        return view! {
            <header class="site-header kiosk-header">
                <span class="brand"><span class="brand-mark" aria-hidden="true">"●"</span>{t!(i18n, site_name)}</span>
            </header>
            <main id="main" tabindex="-1">{children()}</main>
        }
        .into_any();
    }
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"●"</span>
                {t!(i18n, site_name)}
            </A>
            <nav aria-label=move || t_string!(i18n, nav_label).to_string()>
                <A href="/kaart">{t!(i18n, nav_map)}</A>
                <A href="/inzicht">{t!(i18n, nav_insight)}</A>
                <A href="/privacy">{t!(i18n, nav_privacy)}</A>
            </nav>
            <LanguageChoice />
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>{t!(i18n, footer_text)}</p>
            <p>
                <a href="/privacy">{t!(i18n, privacy_title)}</a> " · "
                <a href="/toegankelijkheid">{t!(i18n, footer_accessibility)}</a> " · "
                <a href="/staff">{t!(i18n, staff_title)}</a>
            </p>
        </footer>
    }
    .into_any()
}

/// Plain links to `/taal/{locale}`, which sets the `lang` cookie and comes back: works without
/// JavaScript, and the cookie only exists once a resident has chosen.
#[component]
fn LanguageChoice() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let links = move || {
        let back = location.pathname.get();
        let current = i18n.get_locale();
        Locale::get_all()
            .iter()
            .map(|&l| {
                let href = format!("/taal/{}?terug={}", l.as_str(), encode_path(&back));
                let name = td_string!(l, language_name).to_string();
                let is_current = l == current;
                view! {
                    <li>
                        <a
                            href=href
                            rel="external"
                            lang=l.as_str()
                            hreflang=l.as_str()
                            aria-current=is_current.then_some("true")
                        >
                            {name}
                        </a>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <nav class="lang" aria-label=move || t_string!(i18n, language_label).to_string()>
            <ul>{links}</ul>
        </nav>
    }
}

/// Percent-encodes what would break a query value; paths here are ASCII route paths.
fn encode_path(p: &str) -> String {
    p.chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '/' | '-' | '_' | '.' => c.to_string(),
            other => format!("%{:02X}", other as u32 & 0xff),
        })
        .collect()
}
