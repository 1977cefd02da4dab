use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::i18n::*;
use crate::model::is_uuid;

/// `/bedankt/{id}?r=<respondent>`: after a submission.
#[component]
pub fn ThanksPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let code = move || {
        params
            .read()
            .get("id")
            .filter(|s| is_uuid(s))
            .map(|s| s[..8].to_uppercase())
    };
    let follow = move || {
        params
            .read()
            .get("id")
            .filter(|s| is_uuid(s))
            .map(|id| format!("/melding/{id}"))
    };
    let more = move |slug: &str| match query.read().get("r").filter(|r| is_uuid(r)) {
        Some(r) => format!("/meedoen/{slug}?r={r}"),
        None => format!("/meedoen/{slug}"),
    };
    view! {
        <Title text=move || t_string!(i18n, thanks_title).to_string() />
        <h1 tabindex="-1">{t!(i18n, thanks_title)}</h1>
        <p class="lead">{t!(i18n, thanks_text)}</p>
        {move || code().map(|c| view! { <p class="code">{t!(i18n, thanks_code)} " " <strong>{c}</strong></p> })}
        <h2>{t!(i18n, thanks_next)}</h2>
        <p>{t!(i18n, thanks_next_text)}</p>
        {move || follow().map(|href| view! { <p><a href=href>{t!(i18n, thanks_follow)}</a></p> })}
        <h2>{t!(i18n, thanks_more)}</h2>
        <ul class="kind-cards compact">
            <li><A href=move || more("plek") attr:class="kind-card place"><span class="kind-title">{t!(i18n, home_place_title)}</span></A></li>
            <li><A href=move || more("drempel") attr:class="kind-card barrier"><span class="kind-title">{t!(i18n, home_barrier_title)}</span></A></li>
            <li><A href=move || more("wens") attr:class="kind-card wish"><span class="kind-title">{t!(i18n, home_wish_title)}</span></A></li>
        </ul>
        <p><A href="/kaart" attr:class="button secondary">{t!(i18n, thanks_map)}</A></p>
    }
}
