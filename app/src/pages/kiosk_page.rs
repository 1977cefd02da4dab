//! The event's shared tablet (`/kiosk/{event}`, opened once through the event's kiosk link): big
//! buttons for the three kinds and the six languages, "volgende bewoner", and the count of entries
//! waiting on the tablet. Its pages carry their language in the URL (`?taal=`), so the service
//! worker keeps each one and the kiosk starts and switches language without a network.
//! `public/js/kiosk.js` does the rest: the next resident, the inactivity reset, staying out of the
//! browser's history.

use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::entry_page::{form_state, tag_draft};
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
    // Every page of this kiosk in every language, for the service worker to keep.
    let pages: Vec<String> = Locale::get_all()
        .iter()
        .flat_map(|&other| {
            let lang = other.as_str();
            let event = event.clone();
            std::iter::once(kiosk_path(&event, lang, None)).chain(
                Kind::ALL
                    .into_iter()
                    .map(move |kind| format!("/kiosk/{event}/{}?taal={lang}", kind_slug(kind))),
            )
        })
        .collect();
    view! {
        <div class="kiosk" data-kiosk=event.clone() data-idle-seconds=IDLE_SECONDS data-kiosk-pages=pages.join(" ")>
            <KioskBar k=k.clone() />
            <p class="notice kiosk-done" data-kiosk-done="sent" role="status" hidden>{t!(i18n, kiosk_done_sent)}</p>
            <p class="notice kiosk-done" data-kiosk-done="queued" role="status" hidden>{t!(i18n, kiosk_done_queued)}</p>
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
    let when = [k.place.as_str(), k.day.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <div class="kiosk-bar">
            <p class="kiosk-event">{k.tag.name.clone()} " · " <span class="hint">{when}</span></p>
            <p class="kiosk-outbox" data-outbox="" role="status">
                {t!(i18n, kiosk_waiting)} " " <strong data-outbox-count="">"0"</strong>
            </p>
            <button type="button" class="button secondary kiosk-next" data-kiosk-next="">
                {t!(i18n, kiosk_next)}
            </button>
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
