use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::*;

/// `/toegankelijkheid`: the accessibility statement (toegankelijkheidsverklaring): which standard,
/// how it is tested, what is known not to work yet, and whom to tell.
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, a11y_title).to_string() />
        <h1>{t!(i18n, a11y_title)}</h1>
        <p class="lead">{t!(i18n, a11y_intro)}</p>
        <h2>{t!(i18n, a11y_standard_title)}</h2>
        <p>{t!(i18n, a11y_standard)}</p>
        <h2>{t!(i18n, a11y_tested_title)}</h2>
        <ul>
            <li>{t!(i18n, a11y_tested_axe)}</li>
            <li>{t!(i18n, a11y_tested_keyboard)}</li>
            <li>{t!(i18n, a11y_tested_nojs)}</li>
            <li>{t!(i18n, a11y_tested_phone)}</li>
            <li>{t!(i18n, a11y_tested_languages)}</li>
        </ul>
        <h2>{t!(i18n, a11y_limits_title)}</h2>
        <ul>
            <li>{t!(i18n, a11y_limit_map)}</li>
            <li>{t!(i18n, a11y_limit_translations)}</li>
            <li>{t!(i18n, a11y_limit_manual)}</li>
        </ul>
        <h2>{t!(i18n, a11y_contact_title)}</h2>
        <p>{t!(i18n, a11y_contact)}</p>
    }
}
