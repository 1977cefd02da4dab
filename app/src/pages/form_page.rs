use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::NotFound;
use crate::api::{form_context, new_uuid, FormMode, FormState, Offer};
use crate::components::entry_form::{form_title, kind_from_slug, EntryForm};
use crate::i18n::*;
use crate::model::{
    is_slug, is_uuid, EventLink, EventTag, FormContext, FormDraft, Kind, PaperMode,
    DEFAULT_CAMPAIGN,
};

/// `/meedoen/{plek|drempel|wens}?r=<respondent>&c=<campaign>`: the form for one kind of entry, with
/// the campaign's categories. Rendered on the server; `public/js/form.js` makes the form lively.
#[component]
pub fn FormPage() -> impl IntoView {
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
    // `?papier=<event>`: a signed-in worker typing in that event's paper forms.
    let paper_event = query.get("papier").filter(|e| is_slug(e));
    let stored = query.get("opgeslagen").is_some();
    // Only present while the server renders a failed plain form POST again.
    let returned = use_context::<FormState>();
    let Some(kind) = kind else {
        return view! { <NotFound /> }.into_any();
    };
    let context = Resource::new_blocking(
        move || (campaign.clone(), paper_event.clone()),
        |(c, p)| async move { form_context(c, p).await },
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
                    match context.await {
                        Ok(FormContext { info: Some(info), tag, paper }) if info.open && info.campaign.offers_kind(kind) => {
                            let offer = Offer::of(&info.campaign, kind, &lang);
                            let mut state = form_state(kind, &info.campaign.id, respondent, returned, offer, &lang);
                            let banner = paper.as_ref().map(|p| (p.event_name.clone(), stored));
                            tag_draft(&mut state, tag.as_ref(), paper.as_ref());
                            view! {
                                {banner.map(|(name, stored)| view! { <PaperBanner name stored /> })}
                                <EntryForm state />
                            }
                            .into_any()
                        }
                        Ok(FormContext { info: Some(_), .. }) => view! { <Closed /> }.into_any(),
                        Ok(FormContext { info: None, .. }) => view! { <NotFound /> }.into_any(),
                        Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

/// Marks the form's entry as collected at an event (a kiosk or a poster's QR link) or typed in from
/// paper by a worker: hidden fields the server checks against the event token or the session.
pub fn tag_draft(state: &mut FormState, tag: Option<&EventTag>, paper: Option<&PaperMode>) {
    if let Some(p) = paper {
        state.draft.source = "paper".into();
        state.draft.event = p.event.clone();
        state.draft.csrf = p.csrf.clone();
        state.mode = FormMode::Paper {
            event: p.event.clone(),
            survey: p.survey,
        };
    } else if let Some(t) = tag {
        state.draft.source = "event".into();
        state.draft.event = t.event.clone();
        state.draft.event_token = t.token.clone();
        if t.link == EventLink::Kiosk {
            state.mode = FormMode::Kiosk {
                event: t.event.clone(),
            };
        }
    }
}

/// Above a paper form: whose forms these are, and that the last one was stored.
#[component]
fn PaperBanner(name: String, stored: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="paper-banner">
            <p>{t!(i18n, paper_banner, name = name)}</p>
            {stored.then(|| view! { <p class="notice" role="status">{t!(i18n, paper_stored)}</p> })}
        </div>
    }
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

pub fn form_state(
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
        mode: FormMode::Resident,
    }
}
