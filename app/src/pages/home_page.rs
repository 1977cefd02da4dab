use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::open_campaigns;
use crate::i18n::*;
use crate::model::DEFAULT_CAMPAIGN;

/// What the campaign is for, and the three things a resident can add.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.get_locale_untracked().as_str().to_string();
    let campaigns = Resource::new_blocking(move || lang.clone(), open_campaigns);
    let list = move || {
        Suspend::new(async move {
            let cards: Vec<_> = campaigns
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|c| c.id != DEFAULT_CAMPAIGN)
                .collect();
            (!cards.is_empty()).then(|| {
                let items = cards
                    .into_iter()
                    .map(|c| {
                        let until = c.ends_on.map(|e| view! { <span class="hint">{t!(i18n, campaign_until, day = e.to_string())}</span> });
                        view! {
                            <li>
                                <a class="campaign-card" href=format!("/campagne/{}", c.id)>
                                    <span class="kind-title">{c.title}</span>
                                    {until}
                                </a>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <section aria-labelledby="campaigns">
                        <h2 id="campaigns">{t!(i18n, home_campaigns)}</h2>
                        <ul class="campaign-cards">{items}</ul>
                    </section>
                }
            })
        })
    };
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
        <Suspense>{list}</Suspense>
        <p class="reassure">{t!(i18n, home_no_account)}</p>
        <p><A href="/kaart" attr:class="button secondary">{t!(i18n, home_map_link)}</A></p>
    }
}
