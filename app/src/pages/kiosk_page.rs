//! The event's shared tablet (`/kiosk/{event}`, opened once through the event's kiosk link): big
//! buttons for the three kinds and the six languages, "volgende bewoner", and the count of entries
//! waiting on the tablet. Its pages carry their language in the URL (`?taal=`), so the service
//! worker keeps each one and the kiosk starts and switches language without a network.
//! `public/js/kiosk.js` does the rest: the next resident, the inactivity reset, staying out of the
//! browser's history, and the campaign's survey (`/kiosk/{event}/vragen`), offered after a
//! resident's entries and before the next resident, its answers sent (or queued) with the
//! event's token.

use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::form_page::{form_state, tag_draft};
use super::survey_page::QuestionField;
use super::NotFound;
use crate::api::{kiosk_context, kiosk_path, Offer};
use crate::components::entry_form::{form_title, kind_from_slug, kind_slug, EntryForm};
use crate::i18n::*;
use crate::model::{text_in, Kind, KioskContext};

/// How long a kiosk waits without a touch before it starts over for the next resident.
pub const IDLE_SECONDS: u32 = 120;

fn event_param() -> String {
    use_params_map()
        .read_untracked()
        .get("event")
        .unwrap_or_default()
}

/// The tablet's survey page in language `lang`.
pub fn kiosk_survey_path(event: &str, lang: &str) -> String {
    format!("/kiosk/{event}/vragen?taal={lang}")
}

/// `/kiosk/{event}`: the start for each resident.
#[component]
pub fn KioskPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let event = event_param();
    let context = Resource::new_blocking(
        move || event.clone(),
        |e| async move { kiosk_context(e).await },
    );
    view! {
        <Title text=td_string!(locale, kiosk_title) />
        <Suspense>
            {move || Suspend::new(async move {
                match context.await {
                    Ok(Some(k)) => view! { <KioskStart k /> }.into_any(),
                    Ok(None) => view! { <NotATablet /> }.into_any(),
                    Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn KioskStart(k: KioskContext) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let lang = l.as_str();
    let event = k.tag.event.clone();
    let title = text_in(&k.info.campaign.title, lang).to_string();
    let kinds = Kind::ALL
        .into_iter()
        .filter(|kind| k.info.campaign.offers_kind(*kind))
        .map(|kind| {
            let href = format!("/kiosk/{event}/{}?taal={lang}", kind_slug(kind));
            let (icon, text) = match kind {
                Kind::Place => ("🏠", td_string!(l, kiosk_place)),
                Kind::Barrier => ("🚧", td_string!(l, kiosk_barrier)),
                Kind::Wish => ("💡", td_string!(l, kiosk_wish)),
            };
            view! {
                <li>
                    <a class="kiosk-kind" href=href data-kiosk-link="">
                        <span class="kiosk-icon" aria-hidden="true">{icon}</span>
                        {text}
                    </a>
                </li>
            }
        })
        .collect_view();
    let languages = Locale::get_all()
        .iter()
        .map(|&other| {
            let href = kiosk_path(&event, other.as_str(), None);
            view! {
                <li>
                    <a
                        class="kiosk-lang"
                        href=href
                        lang=other.as_str()
                        hreflang=other.as_str()
                        data-kiosk-link=""
                        aria-current=(other == l).then_some("true")
                    >
                        {td_string!(other, language_name)}
                    </a>
                </li>
            }
        })
        .collect_view();
    let has_survey = !k.info.campaign.survey().is_empty();
    // Every page of this kiosk in every language, for the service worker to keep.
    let pages: Vec<String> = Locale::get_all()
        .iter()
        .flat_map(|&other| {
            let lang = other.as_str();
            let event = event.clone();
            let survey = has_survey.then(|| kiosk_survey_path(&event, lang));
            std::iter::once(kiosk_path(&event, lang, None))
                .chain(
                    Kind::ALL
                        .into_iter()
                        .map(move |kind| format!("/kiosk/{event}/{}?taal={lang}", kind_slug(kind))),
                )
                .chain(survey)
        })
        .collect();
    // After a resident's entries: the survey, offered until they answer or skip it (kiosk.js).
    let offer = has_survey.then(|| {
        view! {
            <div class="notice kiosk-survey-offer" data-kiosk-survey-offer="" hidden>
                <p><strong>{t!(i18n, survey_invite_title)}</strong> " " {t!(i18n, survey_invite_text)}</p>
                <p>
                    <a class="button primary kiosk-survey-link" href=kiosk_survey_path(&event, lang) data-kiosk-link="">
                        {t!(i18n, survey_invite_button)}
                    </a>
                </p>
            </div>
        }
    });
    view! {
        <div class="kiosk" data-kiosk=event.clone() data-idle-seconds=IDLE_SECONDS data-kiosk-pages=pages.join(" ")>
            <KioskBar k=k.clone() />
            <p class="notice kiosk-done" data-kiosk-done="sent" role="status" hidden>{t!(i18n, kiosk_done_sent)}</p>
            <p class="notice kiosk-done" data-kiosk-done="queued" role="status" hidden>{t!(i18n, kiosk_done_queued)}</p>
            <p class="notice kiosk-done" data-kiosk-done="survey_sent" role="status" hidden>{t!(i18n, kiosk_survey_done_sent)}</p>
            <p class="notice kiosk-done" data-kiosk-done="survey_queued" role="status" hidden>{t!(i18n, kiosk_survey_done_queued)}</p>
            {offer}
            <h1>{title}</h1>
            <p class="kiosk-lead">{t!(i18n, kiosk_lead)}</p>
            <ul class="kiosk-kinds">{kinds}</ul>
            <h2 class="kiosk-lang-title">{t!(i18n, language_label)}</h2>
            <ul class="kiosk-langs">{languages}</ul>
        </div>
    }
}

/// The strip at the top of every kiosk page: the event, what waits on the tablet, the next resident.
#[component]
fn KioskBar(k: KioskContext) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.get_locale_untracked().as_str();
    let when = [k.place.as_str(), k.day.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    // "Volgende bewoner" first offers the survey to a resident who made entries (kiosk.js).
    let survey =
        (!k.info.campaign.survey().is_empty()).then(|| kiosk_survey_path(&k.tag.event, lang));
    view! {
        <div class="kiosk-bar" data-kiosk-survey-path=survey>
            <p class="kiosk-event">{k.tag.name.clone()} " · " <span class="hint">{when}</span></p>
            <p class="kiosk-outbox" data-outbox="" role="status">
                {t!(i18n, kiosk_waiting)} " " <strong data-outbox-count="">"0"</strong>
            </p>
            <button type="button" class="button secondary kiosk-next" data-kiosk-next="">
                {t!(i18n, kiosk_next)}
            </button>
            // What the server refused from the tablet's queue, with its reason, for the worker: a
            // refused entry or survey answer is never kept silently. Filled by outbox.js.
            <div
                class="kiosk-refused"
                data-refused=""
                data-text-entry=td_string!(i18n.get_locale_untracked(), kiosk_refused_entry)
                data-text-survey=td_string!(i18n.get_locale_untracked(), kiosk_refused_survey)
                data-reasons=refusal_words(i18n.get_locale_untracked())
                role="status"
                hidden
            >
                <p><strong>{t!(i18n, kiosk_refused_title)}</strong> " " <span data-refused-count="">"0"</span></p>
                <ul data-refused-list=""></ul>
            </div>
        </div>
        <script defer src=crate::assets::path("js/kiosk.js")></script>
    }
}

/// `/kiosk/{event}/{plek|drempel|wens}`: the form on the tablet.
#[component]
pub fn KioskFormPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let event = event_param();
    let kind = use_params_map()
        .read_untracked()
        .get("kind")
        .and_then(|s| kind_from_slug(&s));
    let Some(kind) = kind else {
        return view! { <NotFound /> }.into_any();
    };
    let context = Resource::new_blocking(
        move || event.clone(),
        |e| async move { kiosk_context(e).await },
    );
    let lang = locale.as_str().to_string();
    view! {
        <Title text=form_title(locale, kind) />
        <Suspense>
            {move || {
                let lang = lang.clone();
                Suspend::new(async move {
                    match context.await {
                        Ok(Some(k)) if k.info.campaign.offers_kind(kind) => {
                            let offer = Offer::of(&k.info.campaign, kind, &lang);
                            // Ids and the respondent are made on the tablet (kiosk.js keeps the
                            // respondent until "volgende bewoner"); the ones here are placeholders
                            // form.js replaces, since this page is kept and reused offline.
                            let mut state = form_state(kind, &k.info.campaign.id, None, None, offer, &lang);
                            tag_draft(&mut state, Some(&k.tag), None);
                            let back = kiosk_path(&k.tag.event, &lang, None);
                            view! {
                                <div class="kiosk" data-kiosk=k.tag.event.clone() data-idle-seconds=IDLE_SECONDS>
                                    <KioskBar k=k.clone() />
                                    <p><a href=back data-kiosk-link="" class="kiosk-back">{t!(i18n, kiosk_back)}</a></p>
                                    <EntryForm state />
                                </div>
                            }
                            .into_any()
                        }
                        Ok(Some(_)) => view! { <NotFound /> }.into_any(),
                        Ok(None) => view! { <NotATablet /> }.into_any(),
                        Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

/// `/kiosk/{event}/vragen`: the campaign's survey on the tablet, for the resident who just made
/// entries. Every question is optional unless the campaign says otherwise; "Overslaan" and
/// "Volgende bewoner" go on without answers. kiosk.js sends the answers with the event's token, or
/// puts them in the tablet's queue without a network, and then clears the tablet.
#[component]
pub fn KioskSurveyPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let event = event_param();
    let context = Resource::new_blocking(
        move || event.clone(),
        |e| async move { kiosk_context(e).await },
    );
    view! {
        <Title text=td_string!(locale, survey_title) />
        <Suspense>
            {move || Suspend::new(async move {
                match context.await {
                    Ok(Some(k)) if !k.info.campaign.survey().is_empty() => view! { <KioskSurvey k /> }.into_any(),
                    Ok(Some(_)) => view! { <NotFound /> }.into_any(),
                    Ok(None) => view! { <NotATablet /> }.into_any(),
                    Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn KioskSurvey(k: KioskContext) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let lang = l.as_str().to_string();
    let event = k.tag.event.clone();
    // The web survey's questions in the page's language; kiosk.js names them in its messages.
    let questions = k
        .info
        .campaign
        .survey()
        .into_iter()
        .map(|q| view! { <QuestionField q lang=lang.clone() values=vec![] error=None /> })
        .collect_view();
    let required: Vec<String> = k
        .info
        .campaign
        .survey()
        .into_iter()
        .filter(|q| q.required)
        .map(|q| q.id)
        .collect();
    view! {
        <div class="kiosk" data-kiosk=event.clone() data-idle-seconds=IDLE_SECONDS>
            <KioskBar k=k.clone() />
            <h1>{t!(i18n, survey_title)}</h1>
            <p class="kiosk-lead">{t!(i18n, survey_intro)}</p>
            <div class="error-summary" id="error-summary" role="alert" tabindex="-1" hidden>
                <h2>{t!(i18n, form_error_summary)}</h2>
                <ul></ul>
            </div>
            // kiosk.js sends it; `post` only so that a tap before the script runs never puts
            // answers into an address (there is no handler: nothing is stored that way).
            <form
                class="survey kiosk-survey"
                method="post"
                novalidate
                autocomplete="off"
                data-kiosk-survey=k.info.campaign.id.clone()
                data-event=event.clone()
                data-token=k.tag.token.clone()
                data-language=lang.clone()
                data-required=required.join(" ")
                data-text-required=crate::labels::violation(l, &crate::model::Violation::new("answers", crate::model::Rule::Required))
                data-text-failed=td_string!(l, kiosk_survey_failed)
            >
                {questions}
                <p class="consent">{t!(i18n, survey_optional)}</p>
                <div class="kiosk-survey-actions">
                    <button type="submit" class="button primary">{t!(i18n, survey_submit)}</button>
                    <button type="button" class="button secondary" data-kiosk-skip="">{t!(i18n, kiosk_survey_skip)}</button>
                </div>
            </form>
        </div>
    }
}

/// A kiosk page on a device that was not opened with the event's kiosk link (or after the event).
#[component]
fn NotATablet() -> impl IntoView {
    let i18n = use_i18n();
    crate::pages::set_status(403);
    view! {
        <h1>{t!(i18n, kiosk_not_linked_title)}</h1>
        <p>{t!(i18n, kiosk_not_linked_text)}</p>
    }
}

/// The page's words for the rules a queued entry can be refused by only once it reaches the server
/// (outbox.js shows them to the worker instead of the rule's name).
fn refusal_words(l: Locale) -> String {
    use crate::model::{Rule, Violation};
    let words: serde_json::Map<String, serde_json::Value> = [
        ("event_closed", Rule::EventClosed),
        ("outside_campaign", Rule::OutsideCampaign),
        ("outside_netherlands", Rule::OutsideNetherlands),
        ("unknown_campaign", Rule::UnknownCampaign),
        ("needs_authority", Rule::NeedsAuthority),
    ]
    .into_iter()
    .map(|(id, rule)| {
        let v = Violation::new("event", rule);
        (id.to_string(), crate::labels::violation(l, &v).into())
    })
    .collect();
    serde_json::Value::Object(words).to_string()
}
