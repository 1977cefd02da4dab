use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::NotFound;
use crate::api::{campaign_info, FormState, Offer};
use crate::browser::new_uuid;
use crate::components::entry_form::{form_title, kind_from_slug, EntryForm};
use crate::i18n::*;
use crate::model::{is_slug, is_uuid, FormDraft, Kind, DEFAULT_CAMPAIGN};

/// `/meedoen/{plek|drempel|wens}?r=<respondent>&c=<campaign>`: the form for one kind of entry, with
/// the campaign's categories. Rendered on the server; the form itself is an island that receives its
/// starting state as a prop.
#[component]
pub fn EntryPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let kind = use_params_map()
        .read_untracked()
        .get("kind")
        .and_then(|s| kind_from_slug(&s));
    let query = use_query_map().read_untracked();
    let respondent = query.get("r");
    let campaign = query
        .get("c")
        .filter(|c| is_slug(c))
        .unwrap_or_else(|| DEFAULT_CAMPAIGN.to_string());
    // Only present while the server renders a failed plain form POST again.
    let returned = use_context::<FormState>();
    let Some(kind) = kind else {
        return view! { <NotFound /> }.into_any();
    };
    let info = Resource::new_blocking(
        move || campaign.clone(),
        |c| async move { campaign_info(c, None).await },
    );
    let lang = locale.as_str().to_string();
    // The title sits outside the Suspense: a <title> set inside it can miss the streamed <head>.
    view! {
        <Title text=form_title(locale, kind) />
        <Suspense>
            {move || {
                let returned = returned.clone();
                let respondent = respondent.clone();
                let lang = lang.clone();
                Suspend::new(async move {
                    match info.await {
                        Ok(Some(info)) if info.open && info.campaign.offers_kind(kind) => {
                            let offer = Offer::of(&info.campaign, kind, &lang);
                            let state = form_state(kind, &info.campaign.id, respondent, returned, offer, &lang);
                            view! {
                                <EntryForm state locale=lang.clone() />
                                <crate::IslandScripts />
                            }
                            .into_any()
                        }
                        Ok(Some(_)) => view! { <Closed /> }.into_any(),
                        Ok(None) => view! { <NotFound /> }.into_any(),
                        Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

/// A campaign that ended, has not started, or does not ask for this kind.
#[component]
fn Closed() -> impl IntoView {
    let i18n = use_i18n();
    crate::pages::set_status(410);
    view! {
        <h1>{t!(i18n, campaign_closed_title)}</h1>
        <p>{t!(i18n, campaign_closed_text)}</p>
        <p><a href="/" class="button secondary">{t!(i18n, campaign_to_start)}</a></p>
    }
}

fn form_state(
    kind: Kind,
    campaign: &str,
    respondent: Option<String>,
    returned: Option<FormState>,
    offer: Offer,
    language: &str,
) -> FormState {
    if let Some(mut r) = returned.filter(|r| r.draft.kind == kind.as_str()) {
        r.offer = offer;
        return r;
    }
    FormState {
        draft: FormDraft {
            id: new_uuid(),
            // One respondent per visit: the thank-you page passes it on to the next form.
            respondent: respondent.filter(|r| is_uuid(r)).unwrap_or_else(new_uuid),
            campaign: campaign.into(),
            kind: kind.as_str().into(),
            language: language.to_string(),
            ..Default::default()
        },
        violations: Vec::new(),
        notice: None,
        offer,
    }
}
