use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::*;

/// What is stored and why, in plain language (AVG/GDPR).
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, privacy_title).to_string() />
        <h1>{t!(i18n, privacy_title)}</h1>
        <p>{t!(i18n, privacy_p1)}</p>
        <p>{t!(i18n, privacy_p2)}</p>
        <p>{t!(i18n, privacy_p3)}</p>
        <p>{t!(i18n, privacy_p4)}</p>
        <p>{t!(i18n, privacy_p13)}</p>
        <p>{t!(i18n, privacy_p5)}</p>
        <p>{t!(i18n, privacy_p7)}</p>
        <p>{t!(i18n, privacy_p8)}</p>
        <p>{t!(i18n, privacy_p9)}</p>
        <p>{t!(i18n, privacy_p10)}</p>
        <p>{t!(i18n, privacy_p11)}</p>
        <p>{t!(i18n, privacy_p12)}</p>
        <p>{t!(i18n, privacy_p6)}</p>
    }
}
