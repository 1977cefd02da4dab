use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{campaign_info, own_entry};
use crate::i18n::*;
use crate::model::{is_slug, is_uuid, DEFAULT_CAMPAIGN};

/// `/bedankt/{id}?r=<respondent>&c=<campaign>&sleutel=<key>`: after a submission. Offers the
/// campaign's survey (once per respondent), more entries in the same visit, and the private link when
/// the address carries a key that fits (the sending answer's): a respondent id is no proof, since a
/// link (`/meedoen/…?r=`) can give a resident someone else's.
#[component]
pub fn ThanksPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .filter(|s| is_uuid(s));
    let query = use_query_map().read_untracked();
    let respondent = query.get("r").filter(|r| is_uuid(r));
    let offered_key = query.get("sleutel");
    let campaign = query
        .get("c")
        .filter(|c| is_slug(c))
        .unwrap_or_else(|| DEFAULT_CAMPAIGN.to_string());
    let code = id.as_ref().map(|s| s[..8].to_uppercase());
    let follow = id.as_ref().map(|id| format!("/melding/{id}"));
    let suffix = {
        let mut q = Vec::new();
        if let Some(r) = &respondent {
            q.push(format!("r={r}"));
        }
        if campaign != DEFAULT_CAMPAIGN {
            q.push(format!("c={campaign}"));
        }
        if q.is_empty() {
            String::new()
        } else {
            format!("?{}", q.join("&"))
        }
    };
    let more = move |slug: &str| format!("/meedoen/{slug}{suffix}");
    let info = {
        let respondent = respondent.clone();
        Resource::new_blocking(
            move || (campaign.clone(), respondent.clone()),
            |(c, r)| async move { campaign_info(c, r).await },
        )
    };
    let key = {
        let id = id.clone();
        Resource::new_blocking(
            move || (id.clone(), offered_key.clone()),
            |(id, key)| async move {
                match (id, key) {
                    (Some(id), Some(key)) => Ok::<_, leptos::prelude::ServerFnError>(
                        own_entry(id, key.clone()).await?.map(|_| key),
                    ),
                    _ => Ok(None),
                }
            },
        )
    };
    let survey = move || {
        let respondent = respondent.clone();
        Suspend::new(async move {
            let info = info.await.ok().flatten()?;
            let r = respondent.clone()?;
            let has_survey = !info.campaign.survey().is_empty();
            (info.open && has_survey && !info.answered).then(|| {
                view! {
                    <section class="survey-invite" aria-labelledby="survey-title">
                        <h2 id="survey-title">{t!(i18n, survey_invite_title)}</h2>
                        <p>{t!(i18n, survey_invite_text)}</p>
                        <p><a class="button primary" href=format!("/campagne/{}/vragen?r={r}", info.campaign.id)>{t!(i18n, survey_invite_button)}</a></p>
                    </section>
                }
            })
        })
    };
    let private = {
        let id = id.clone();
        move || {
            let id = id.clone();
            Suspend::new(async move {
                let key = key.await.ok().flatten()?;
                let href = format!("/mijn/{}?sleutel={key}", id?);
                let text = href.clone();
                Some(view! {
                    <section class="private-link" aria-labelledby="private-title">
                        <h2 id="private-title">{t!(i18n, thanks_private)}</h2>
                        <p>{t!(i18n, thanks_private_text)}</p>
                        <p class="hint">{t!(i18n, thanks_private_photo)}</p>
                        <p><a href=href class="private-href">{text}</a></p>
                    </section>
                })
            })
        }
    };
    view! {
        <Title text=move || t_string!(i18n, thanks_title).to_string() />
        <h1 tabindex="-1">{t!(i18n, thanks_title)}</h1>
        <p class="lead">{t!(i18n, thanks_text)}</p>
        {code.map(|c| view! { <p class="code">{t!(i18n, thanks_code)} " " <strong>{c}</strong></p> })}
        <Suspense>{survey}</Suspense>
        <Suspense>{private}</Suspense>
        <h2>{t!(i18n, thanks_next)}</h2>
        <p>{t!(i18n, thanks_next_text)}</p>
        {follow.map(|href| view! { <p><a href=href>{t!(i18n, thanks_follow)}</a></p> })}
        <h2>{t!(i18n, thanks_more)}</h2>
        <ul class="kind-cards compact">
            <li><A href=more("plek") attr:class="kind-card place"><span class="kind-title">{t!(i18n, home_place_title)}</span></A></li>
            <li><A href=more("drempel") attr:class="kind-card barrier"><span class="kind-title">{t!(i18n, home_barrier_title)}</span></A></li>
            <li><A href=more("wens") attr:class="kind-card wish"><span class="kind-title">{t!(i18n, home_wish_title)}</span></A></li>
        </ul>
        <p><A href="/kaart" attr:class="button secondary">{t!(i18n, thanks_map)}</A></p>
    }
}
