use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::i18n::*;

/// What the campaign is for, and the three things a resident can add.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text="" />
        <section class="intro">
            <h1>{t!(i18n, home_title)}</h1>
            <p class="lead">{t!(i18n, home_intro)}</p>
        </section>
        <section aria-labelledby="choose">
            <h2 id="choose">{t!(i18n, home_choose)}</h2>
            <ul class="kind-cards">
                <li>
                    <A href="/meedoen/plek" attr:class="kind-card place">
                        <span class="kind-title">{t!(i18n, home_place_title)}</span>
                        <span class="kind-text">{t!(i18n, home_place_text)}</span>
                    </A>
                </li>
                <li>
                    <A href="/meedoen/drempel" attr:class="kind-card barrier">
                        <span class="kind-title">{t!(i18n, home_barrier_title)}</span>
                        <span class="kind-text">{t!(i18n, home_barrier_text)}</span>
                    </A>
                </li>
                <li>
                    <A href="/meedoen/wens" attr:class="kind-card wish">
                        <span class="kind-title">{t!(i18n, home_wish_title)}</span>
                        <span class="kind-text">{t!(i18n, home_wish_text)}</span>
                    </A>
                </li>
            </ul>
        </section>
        <p class="reassure">{t!(i18n, home_no_account)}</p>
        <p><A href="/kaart" attr:class="button secondary">{t!(i18n, home_map_link)}</A></p>
    }
}
