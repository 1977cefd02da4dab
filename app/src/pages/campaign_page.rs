use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::campaign_info;
use crate::components::entry_form::kind_slug;
use crate::i18n::*;
use crate::model::{is_slug, text_in, CampaignInfo, Kind};

/// `/campagne/{id}`: what a campaign is about and what it asks for. The link staff hand out (on
/// paper, by QR code) goes straight here.
#[component]
pub fn CampaignPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .filter(|s| is_slug(s))
        .unwrap_or_default();
    let info = Resource::new_blocking(
        move || id.clone(),
        |id| async move {
            if id.is_empty() {
                Ok(None)
            } else {
                campaign_info(id, None).await
            }
        },
    );
    let title = move || {
        let l = i18n.get_locale().as_str();
        info.get().and_then(|r| r.ok().flatten()).map_or_else(
            || t_string!(i18n, campaign_title).to_string(),
            |i| text_in(&i.campaign.title, l).to_string(),
        )
    };
    view! {
        <Title text=title />
        <Suspense>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(Some(info)) => view! { <Campaign info /> }.into_any(),
                    Ok(None) => view! { <super::NotFound /> }.into_any(),
                    Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Campaign(info: CampaignInfo) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let c = info.campaign;
    let lang = l.as_str();
    let day = |d: Option<crate::model::Day>| d.map(|d| d.to_string());
    let period = match (day(c.starts_on), day(c.ends_on)) {
        (Some(s), Some(e)) => {
            Some(t_string!(i18n, campaign_period, from = s, until = e).to_string())
        }
        (None, Some(e)) => Some(t_string!(i18n, campaign_until, day = e).to_string()),
        (Some(s), None) => Some(t_string!(i18n, campaign_from, day = s).to_string()),
        (None, None) => None,
    };
    let cards = Kind::ALL
        .into_iter()
        .filter(|k| c.offers_kind(*k))
        .map(|k| {
            let href = format!("/meedoen/{}?c={}", kind_slug(k), c.id);
            let (class, title, text) = match k {
                Kind::Place => (
                    "kind-card place",
                    t_string!(i18n, home_place_title),
                    t_string!(i18n, home_place_text),
                ),
                Kind::Barrier => (
                    "kind-card barrier",
                    t_string!(i18n, home_barrier_title),
                    t_string!(i18n, home_barrier_text),
                ),
                Kind::Wish => (
                    "kind-card wish",
                    t_string!(i18n, home_wish_title),
                    t_string!(i18n, home_wish_text),
                ),
            };
            view! {
                <li>
                    <a href=href class=class>
                        <span class="kind-title">{title}</span>
                        <span class="kind-text">{text}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="intro">
            <h1>{text_in(&c.title, lang).to_string()}</h1>
            {(!c.intro.is_empty()).then(|| view! { <p class="lead">{text_in(&c.intro, lang).to_string()}</p> })}
            {period.map(|p| view! { <p class="hint">{p}</p> })}
        </section>
        {if info.open {
            view! {
                <section aria-labelledby="choose">
                    <h2 id="choose">{t!(i18n, home_choose)}</h2>
                    <ul class="kind-cards">{cards}</ul>
                </section>
                <p class="reassure">{t!(i18n, home_no_account)}</p>
            }
            .into_any()
        } else {
            view! { <p class="notice">{t!(i18n, campaign_closed_text)}</p> }.into_any()
        }}
        {(!c.survey().is_empty()).then(|| {
            let href = format!("/inzicht/enquete/{}", c.id);
            view! { <p><a href=href>{t!(i18n, sr_link)}</a></p> }
        })}
    }
}
