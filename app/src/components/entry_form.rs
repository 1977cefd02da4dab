//! The resident form for one kind of entry. A real `<form method="post">` that works without
//! JavaScript (the server validates and renders it again with errors); once hydrated, it validates
//! live with the same rules and sends through the `submit_entry` server function.

use crate::api::{geocode, FormMode, FormState, Notice, Offer};
#[cfg(feature = "hydrate")]
use crate::api::{kiosk_path, paper_path};
#[cfg(feature = "hydrate")]
use crate::api::{submit_entry, SubmitOutcome};
use crate::browser;
use crate::i18n::*;
use crate::labels;
use crate::model::*;
use leptos::prelude::*;

/// URL slugs of the three forms (Dutch, like the rest of the residents' URLs).
pub fn kind_slug(kind: Kind) -> &'static str {
    match kind {
        Kind::Place => "plek",
        Kind::Barrier => "drempel",
        Kind::Wish => "wens",
    }
}

pub fn kind_from_slug(slug: &str) -> Option<Kind> {
    Kind::ALL.into_iter().find(|k| kind_slug(*k) == slug)
}

/// The page title of a kind's form.
pub fn form_title(l: Locale, kind: Kind) -> &'static str {
    match kind {
        Kind::Place => td_string!(l, form_place_title),
        Kind::Barrier => td_string!(l, form_barrier_title),
        Kind::Wish => td_string!(l, form_wish_title),
    }
}

/// Where the form posts (without JavaScript): the kind's form, with its campaign unless general.
pub fn form_action(kind: Kind, campaign: &str) -> String {
    match campaign {
        "" | DEFAULT_CAMPAIGN => format!("/meedoen/{}", kind_slug(kind)),
        c => format!("/meedoen/{}?c={c}", kind_slug(kind)),
    }
}

/// The thank-you page after entry `id`, passing on the visit's respondent and its campaign.
pub fn thanks_path(id: &str, respondent: &str, campaign: &str) -> String {
    let r = respondent.to_ascii_lowercase();
    match campaign {
        "" | DEFAULT_CAMPAIGN => format!("/bedankt/{id}?r={r}"),
        c => format!("/bedankt/{id}?r={r}&c={c}"),
    }
}

/// The language the island renders in: the page's, passed in as a prop (islands do not see the
/// server's i18n context), and provided to the island's own components.
fn form_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// An island: the only part of a resident's page that ships as WASM. Everything else is plain HTML.
#[island]
pub fn EntryForm(state: FormState, locale: String) -> impl IntoView {
    let l: Locale = locale.parse().unwrap_or_default();
    provide_context(l);
    let FormState {
        draft,
        violations: initial,
        notice,
        offer,
        mode,
    } = state;
    let kind = Kind::parse(&draft.kind).unwrap_or(Kind::Place);
    let violations = RwSignal::new(initial);
    let notice = RwSignal::new(notice);
    // Live validation starts after the first attempt, not while someone is still typing.
    let attempted = RwSignal::new(!violations.get_untracked().is_empty());

    let sending = RwSignal::new(false);
    let id = RwSignal::new(draft.id.clone());
    let respondent = RwSignal::new(draft.respondent.clone());
    // A kiosk page is kept by the service worker and shown again and again: its id is made here, and
    // the respondent is the tablet's current one (until "volgende bewoner").
    // After hydration (an effect), so the page's hidden fields change too: hydration keeps the
    // server's attribute values.
    #[cfg(feature = "hydrate")]
    if matches!(mode, FormMode::Kiosk { .. }) {
        Effect::new(move |_| {
            id.set(browser::new_uuid());
            respondent.set(browser::kiosk_respondent());
        });
    }
    let form_ref = NodeRef::<leptos::html::Form>::new();
    #[cfg(not(feature = "hydrate"))]
    let _ = attempted;

    // Entries of this kind near the chosen spot, to say "ik ook" instead of adding a duplicate.
    let near = RwSignal::new(Vec::<PublicEntry>::new());
    let near_at = RwSignal::new(String::new());
    let refresh_near = move || {
        #[cfg(feature = "hydrate")]
        if let Some(form) = form_ref.get_untracked() {
            let d = browser::read_form(&form);
            let key = format!("{},{}", d.lon, d.lat);
            if key == near_at.get_untracked() {
                return;
            }
            near_at.set(key);
            if let Ok(Some(pos)) = d.location() {
                leptos::task::spawn_local(async move {
                    if let Ok(list) = crate::api::nearby(kind, pos.lon, pos.lat).await {
                        near.set(list);
                    }
                });
            }
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let _ = (near_at, &refresh_near);

    let revalidate = move || {
        #[cfg(feature = "hydrate")]
        if attempted.get_untracked() {
            if let Some(form) = form_ref.get_untracked() {
                let d = browser::read_form(&form);
                violations.set(d.check().err().unwrap_or_default());
            }
        }
    };

    // The next resident on a shared tablet must not be offered the last one's words.
    let autocomplete = if matches!(mode, FormMode::Resident) {
        "on"
    } else {
        "off"
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(not(feature = "hydrate"))]
        let _ = &mode;
        #[cfg(feature = "hydrate")]
        {
            let Some(form) = form_ref.get_untracked() else {
                return;
            };
            if sending.get_untracked() {
                return;
            }
            attempted.set(true);
            let d = browser::read_form(&form);
            if let Err(v) = d.check() {
                violations.set(v);
                browser::focus_id("error-summary");
                return;
            }
            violations.set(Vec::new());
            sending.set(true);
            let mode = mode.clone();
            let lang = d.language.clone();
            leptos::task::spawn_local(async move {
                let next = thanks_path("", &d.respondent, &d.campaign);
                let (campaign, queued) = (d.campaign.clone(), d.clone());
                let result = submit_entry(d).await;
                sending.set(false);
                match result {
                    Ok(SubmitOutcome::Created(r) | SubmitOutcome::Replayed(r)) => match &mode {
                        FormMode::Resident => browser::go_to(&next.replacen(
                            "/bedankt/",
                            &format!("/bedankt/{}", r.id),
                            1,
                        )),
                        FormMode::Kiosk { event } => {
                            browser::replace(&kiosk_path(event, &lang, Some("sent")));
                        }
                        FormMode::Paper { event } => {
                            browser::go_to(&paper_path(kind, &campaign, event));
                        }
                    },
                    // No network (or the server is down): the entry waits on this device and
                    // public/js/outbox.js sends it when it can; its id makes a resend harmless.
                    Err(_) if !matches!(mode, FormMode::Paper { .. }) => {
                        browser::enqueue(&queued);
                        match &mode {
                            FormMode::Kiosk { event } => {
                                browser::replace(&kiosk_path(event, &lang, Some("queued")));
                            }
                            _ => {
                                id.set(browser::new_uuid());
                                notice.set(Some(Notice::Queued));
                                browser::focus_id("form-notice");
                            }
                        }
                    }
                    Ok(SubmitOutcome::Invalid(v)) => {
                        violations.set(v);
                        browser::focus_id("error-summary");
                    }
                    Ok(SubmitOutcome::Conflict | SubmitOutcome::Gone) => {
                        id.set(browser::new_uuid());
                        notice.set(Some(Notice::AlreadySent));
                        browser::focus_id("form-notice");
                    }
                    Err(_) => {
                        notice.set(Some(Notice::SendFailed));
                        browser::focus_id("form-notice");
                    }
                }
            });
        }
    };

    let title = form_title(l, kind);
    let offer_for_near = offer.clone();

    view! {
        <h1>{title}</h1>
        <NoticeBox notice />
        <ErrorSummary violations />
        <form
            id="entry-form"
            class="entry-form"
            method="post"
            action=form_action(kind, &draft.campaign)
            autocomplete=autocomplete
            novalidate
            node_ref=form_ref
            on:submit=on_submit
            on:change=move |_| {
                revalidate();
                refresh_near();
            }
            on:input=move |_| revalidate()
        >
            <input type="hidden" name="id" value=move || id.get() />
            <input type="hidden" name="respondent" value=move || respondent.get() />
            {(!draft.source.is_empty()).then(|| view! {
                <input type="hidden" name="source" value=draft.source.clone() />
                <input type="hidden" name="event" value=draft.event.clone() />
                <input type="hidden" name="event_token" value=draft.event_token.clone() />
                <input type="hidden" name="csrf" value=draft.csrf.clone() />
            })}
            <input type="hidden" name="campaign" value=draft.campaign.clone() />
            <input type="hidden" name="kind" value=kind.as_str() />
            <input type="hidden" name="language" value=draft.language.clone() />
            // The honeypot: hidden from people and screen readers, filled by robots.
            <div hidden>
                <label for="f-website">"Website"</label>
                <input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off" />
            </div>

            <CategoryChoice kind selected=draft.category.clone() offer=offer.clone() violations />
            <LocationPicker kind draft=draft.clone() violations />
            <NearbyEntries kind near offer=offer_for_near respondent campaign=draft.campaign.clone() />
            {match kind {
                Kind::Place => view! { <PlaceFields draft=draft.clone() violations /> }.into_any(),
                Kind::Barrier => view! { <BarrierFields draft=draft.clone() violations /> }.into_any(),
                Kind::Wish => view! { <WishFields draft=draft.clone() violations /> }.into_any(),
            }}
            <TextField
                id="f-text"
                name="text"
                field="text"
                label=td_string!(l, form_text).to_string()
                hint=Some(td_string!(l, form_text_hint).to_string())
                value=draft.text.clone()
                max=MAX_TEXT_CHARS
                multiline=true
                violations
            />
            <p class="consent">
                {td!(l, form_consent)} " " <a href="/privacy">{td!(l, form_privacy_link)}</a>
            </p>
            <button type="submit" class="button primary" disabled=move || sending.get()>
                {move || if sending.get() { td_string!(l, form_sending) } else { td_string!(l, form_submit) }}
            </button>
        </form>
    }
}

/// Entries of the same kind near the chosen spot, each with an "ik ook" button: a resident who
/// means the same thing is counted without a duplicate entry.
#[component]
fn NearbyEntries(
    kind: Kind,
    near: RwSignal<Vec<PublicEntry>>,
    offer: Offer,
    respondent: RwSignal<String>,
    campaign: String,
) -> impl IntoView {
    let l = form_locale();
    let said = RwSignal::new(Vec::<(String, u64)>::new());
    move || {
        let list = near.get();
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .map(|e| {
                    let id = e.id.clone();
                    let label = offer
                        .label(&e.category)
                        .map_or_else(|| labels::category(l, kind, &e.category), str::to_string);
                    let respondent = respondent.get_untracked();
                    let next = thanks_path(&e.id, &respondent, &campaign);
                    let counted = {
                        let id = id.clone();
                        move || said.get().iter().find(|(s, _)| *s == id).map(|(_, n)| *n)
                    };
                    let others = e.me_too;
                    let on_click = {
                        let id = id.clone();
                        move |_| {
                            let (id, respondent) = (id.clone(), respondent.clone());
                            #[cfg(feature = "hydrate")]
                            leptos::task::spawn_local(async move {
                                if let Ok(Some(n)) = crate::api::say_me_too(id.clone(), respondent).await {
                                    said.update(|s| s.push((id, n)));
                                }
                            });
                            #[cfg(not(feature = "hydrate"))]
                            let _ = (id, respondent);
                        }
                    };
                    view! {
                        <li class="nearby-entry">
                            <span class="nearby-what">{label}</span>
                            " · "
                            <span class="hint">{crate::labels::month(l, &e.month)}</span>
                            {move || match counted() {
                                Some(n) => view! {
                                    <p class="notice" role="status">
                                        {td!(l, nearby_counted, n = n)} " "
                                        <a href=next.clone()>{td!(l, nearby_done)}</a>
                                    </p>
                                }
                                .into_any(),
                                None => view! {
                                    <p>
                                        {(others > 0).then(|| view! { <span class="hint">{td!(l, nearby_others, n = others)} " "</span> })}
                                        <button type="button" class="button secondary" on:click=on_click.clone()>{td!(l, nearby_me_too)}</button>
                                    </p>
                                }
                                .into_any(),
                            }}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="nearby" aria-labelledby="nearby-title">
                    <h2 id="nearby-title">{td!(l, nearby_title)}</h2>
                    <p class="hint">{td!(l, nearby_text)}</p>
                    <ul class="nearby-list">{items}</ul>
                </section>
            }
        })
    }
}

#[component]
fn NoticeBox(notice: RwSignal<Option<Notice>>) -> impl IntoView {
    let l = form_locale();
    move || {
        notice.get().map(|n| {
            let text = match n {
                Notice::AlreadySent => td_string!(l, form_already_sent),
                Notice::SendFailed => td_string!(l, form_send_failed),
                Notice::Queued => td_string!(l, form_queued),
            };
            view! { <p id="form-notice" class="notice" role="status" tabindex="-1">{text}</p> }
        })
    }
}

/// The list of everything that is wrong, each linking to its field (GOV.UK's pattern).
#[component]
fn ErrorSummary(violations: RwSignal<Vec<Violation>>) -> impl IntoView {
    let l = form_locale();
    move || {
        let list = violations.get();
        (!list.is_empty()).then(|| {
            let items = list
                .iter()
                .map(|v| {
                    let (label, target) = labels::field(l, &v.field);
                    let msg = labels::violation(l, v);
                    view! { <li><a href=format!("#{target}")>{label} ": " {msg}</a></li> }
                })
                .collect_view();
            view! {
                <div id="error-summary" class="error-summary" role="alert" tabindex="-1">
                    <h2>{td!(l, form_error_summary)}</h2>
                    <ul>{items}</ul>
                </div>
            }
        })
    }
}

/// The message for the first violation of `field` (or a field below it), if any.
fn error_for(
    l: Locale,
    violations: RwSignal<Vec<Violation>>,
    field: &'static str,
) -> Option<String> {
    violations.with(|vs| {
        vs.iter()
            .find(|v| v.field == field || v.field.starts_with(&format!("{field}.")))
            .map(|v| labels::violation(l, v))
    })
}

#[component]
fn FieldError(
    id: &'static str,
    field: &'static str,
    violations: RwSignal<Vec<Violation>>,
) -> impl IntoView {
    let l = form_locale();
    move || error_for(l, violations, field).map(|m| view! { <p class="field-error" id=id>{m}</p> })
}

#[component]
fn CategoryChoice(
    kind: Kind,
    selected: String,
    offer: Offer,
    violations: RwSignal<Vec<Violation>>,
) -> impl IntoView {
    let l = form_locale();
    let legend = match kind {
        Kind::Place => td_string!(l, form_place_category),
        Kind::Barrier => td_string!(l, form_barrier_category),
        Kind::Wish => td_string!(l, form_wish_category),
    };
    let invalid = move || {
        error_for(l, violations, "category")
            .is_some()
            .then_some("true")
    };
    let radios = move |ids: &'static [&'static str]| {
        ids.iter()
            .filter(|c| offer.offers(c))
            .map(|&c| {
                let input_id = format!("cat-{c}");
                let for_id = input_id.clone();
                let label = offer
                    .label(c)
                    .map_or_else(|| labels::category(l, kind, c), str::to_string);
                view! {
                    <label class="choice" for=for_id>
                        <input type="radio" id=input_id name="category" value=c checked=selected == c />
                        <span class="category-icon" aria-hidden="true">{labels::category_icon(kind, c)}</span>
                        <span>{label}</span>
                    </label>
                }
            })
            .collect_view()
    };
    let body = match kind {
        Kind::Barrier => view! {
            <fieldset class="subgroup">
                <legend>{td!(l, form_barrier_physical)}</legend>
                <div class="choices">{radios(PHYSICAL_BARRIERS)}</div>
            </fieldset>
            <fieldset class="subgroup">
                <legend>{td!(l, form_barrier_social)}</legend>
                <div class="choices">{radios(SOCIAL_BARRIERS)} {radios(&["other"])}</div>
            </fieldset>
        }
        .into_any(),
        _ => view! { <div class="choices">{radios(kind.categories())}</div> }.into_any(),
    };
    view! {
        <fieldset id="f-category" class="group" aria-invalid=invalid aria-describedby="f-category-error" tabindex="-1">
            <legend class="question">{legend}</legend>
            <FieldError id="f-category-error" field="category" violations />
            {body}
        </fieldset>
    }
}

#[component]
fn LocationPicker(
    kind: Kind,
    draft: FormDraft,
    violations: RwSignal<Vec<Violation>>,
) -> impl IntoView {
    let l = form_locale();
    let legend = match kind {
        Kind::Wish => td_string!(l, form_where_optional),
        _ => td_string!(l, form_where),
    };
    let hits = RwSignal::new(None::<Result<Vec<GeocodeHit>, ()>>);
    let searching = RwSignal::new(false);
    let address_ref = NodeRef::<leptos::html::Input>::new();
    let search = move || {
        let Some(input) = address_ref.get_untracked() else {
            return;
        };
        let q = input.value();
        if q.trim().chars().count() < 2 {
            return;
        }
        searching.set(true);
        leptos::task::spawn_local(async move {
            let r = geocode(q).await.map_err(|_| ());
            searching.set(false);
            hits.set(Some(r));
        });
    };
    let position_text = match draft.location() {
        Ok(Some(pos)) => format!(
            "{} {} ({:.5}, {:.5})",
            td_string!(l, form_position_chosen),
            td_string!(l, position_coords),
            pos.lat,
            pos.lon
        ),
        _ => td_string!(l, form_position_none).to_string(),
    };
    let invalid = move || {
        (error_for(l, violations, "location").is_some()
            || error_for(l, violations, "address").is_some())
        .then_some("true")
    };
    view! {
        <fieldset id="f-location" class="group">
            <legend class="question">{legend}</legend>
            {(kind == Kind::Barrier).then(|| view! { <p class="hint">{td!(l, form_where_barrier_hint)}</p> })}
            <FieldError id="f-location-error" field="location" violations />
            <div class="js-only map-block">
                <p class="hint" id="map-hint">{td!(l, form_map_hint)}</p>
                <div
                    class="map picker-map"
                    data-map="picker"
                    data-kind=kind.as_str()
                    tabindex="0"
                    role="application"
                    aria-label=td_string!(l, map_picker_label)
                    aria-describedby="map-hint"
                ></div>
                <button
                    type="button"
                    class="button secondary"
                    data-locate
                    data-text-locating=td_string!(l, form_locating)
                    data-text-denied=td_string!(l, form_location_denied)
                >
                    {td!(l, form_use_location)}
                </button>
            </div>
            <p
                class="position"
                data-pos-label
                data-text-chosen=td_string!(l, form_position_chosen)
                data-text-map=td_string!(l, position_coords)
                aria-live="polite"
            >
                {position_text}
            </p>
            <input type="hidden" name="lon" data-lon value=draft.lon.clone() />
            <input type="hidden" name="lat" data-lat value=draft.lat.clone() />
            <label for="f-address" class="label">{td!(l, form_address)}</label>
            <p class="hint" id="f-address-hint">{td!(l, form_address_hint)}</p>
            <FieldError id="f-address-error" field="address" violations />
            <div class="address-row">
                <input
                    id="f-address"
                    name="address"
                    type="text"
                    autocomplete="street-address"
                    value=draft.address.clone()
                    maxlength="200"
                    node_ref=address_ref
                    aria-invalid=invalid
                    aria-describedby="f-address-hint f-location-error f-address-error"
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            search();
                        }
                    }
                />
                <button type="button" class="button secondary js-only" on:click=move |_| search()>
                    {td!(l, form_address_search)}
                </button>
            </div>
            <div aria-live="polite">
                {move || searching.get().then(|| view! { <p class="hint">"…"</p> })}
                {move || hits.get().map(|r| match r {
                    Ok(list) if !list.is_empty() => {
                        let items = list
                            .into_iter()
                            .map(|h| {
                                let label = h.label.clone();
                                view! {
                                    <li>
                                        <button
                                            type="button"
                                            class="address-hit"
                                            on:click=move |_| {
                                                browser::announce_position(h.location.lon, h.location.lat, &h.label);
                                                hits.set(None);
                                            }
                                        >
                                            {label}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view();
                        view! {
                            <p class="hint">{td!(l, form_address_pick)}</p>
                            <ul class="address-hits">{items}</ul>
                        }
                        .into_any()
                    }
                    Ok(_) => view! { <p class="field-error">{td!(l, form_address_none)}</p> }.into_any(),
                    Err(()) => view! { <p class="field-error">{td!(l, err_lookup_unavailable)}</p> }.into_any(),
                })}
            </div>
        </fieldset>
    }
}

#[component]
fn Checkboxes(
    id: &'static str,
    name: &'static str,
    legend: String,
    options: &'static [&'static str],
    checked: Vec<String>,
    label: fn(Locale, &str) -> String,
) -> impl IntoView {
    let l = form_locale();
    let boxes = options
        .iter()
        .map(|&o| {
            let input_id = format!("{name}-{o}");
            let for_id = input_id.clone();
            let is_checked = checked.iter().any(|c| c == o);
            view! {
                <label class="choice" for=for_id>
                    <input type="checkbox" id=input_id name=name value=o checked=is_checked />
                    <span>{label(l, o)}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset id=id class="group">
            <legend class="question">{legend}</legend>
            <div class="choices">{boxes}</div>
        </fieldset>
    }
}

#[component]
fn TextField(
    id: &'static str,
    name: &'static str,
    field: &'static str,
    label: String,
    hint: Option<String>,
    value: String,
    max: usize,
    #[prop(optional)] multiline: bool,
    violations: RwSignal<Vec<Violation>>,
) -> impl IntoView {
    let l = form_locale();
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let described = format!("{hint_id} {err_id}");
    let invalid = move || error_for(l, violations, field).is_some().then_some("true");
    let err_view = {
        let err_id = err_id.clone();
        move || {
            error_for(l, violations, field)
                .map(|m| view! { <p class="field-error" id=err_id.clone()>{m}</p> })
        }
    };
    view! {
        <div class="group">
            <label for=id class="question">{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {err_view}
            {if multiline {
                view! {
                    <textarea id=id name=name rows="4" maxlength=max aria-invalid=invalid aria-describedby=described.clone()>
                        {crate::html::textarea_text(&value)}
                    </textarea>
                }
                .into_any()
            } else {
                view! {
                    <input type="text" id=id name=name value=value.clone() maxlength=max aria-invalid=invalid aria-describedby=described.clone() />
                }
                .into_any()
            }}
        </div>
    }
}

#[component]
fn PlaceFields(draft: FormDraft, violations: RwSignal<Vec<Violation>>) -> impl IntoView {
    let l = form_locale();
    view! {
        <TextField id="f-name" name="name" field="details.name" label=td_string!(l, form_name).to_string()
            hint=None value=draft.name.clone() max=MAX_NAME_CHARS violations />
        <Checkboxes id="f-qualities" name="qualities" legend=td_string!(l, form_qualities).to_string()
            options=PLACE_QUALITIES checked=draft.qualities.clone() label=labels::quality />
        <TextField id="f-who" name="who" field="details.who" label=td_string!(l, form_who).to_string()
            hint=Some(td_string!(l, form_who_hint).to_string()) value=draft.who.clone() max=MAX_WHO_CHARS violations />
    }
}

#[component]
fn BarrierFields(draft: FormDraft, violations: RwSignal<Vec<Violation>>) -> impl IntoView {
    let l = form_locale();
    let levels = [
        ("1", td_string!(l, form_severity_1)),
        ("2", td_string!(l, form_severity_2)),
        ("3", td_string!(l, form_severity_3)),
    ];
    let radios = levels
        .into_iter()
        .map(|(v, text)| {
            let input_id = format!("severity-{v}");
            let for_id = input_id.clone();
            view! {
                <label class="choice" for=for_id>
                    <input type="radio" id=input_id name="severity" value=v checked=draft.severity == v />
                    <span>{text}</span>
                </label>
            }
        })
        .collect_view();
    let invalid = move || {
        error_for(l, violations, "details.severity")
            .is_some()
            .then_some("true")
    };
    view! {
        <fieldset id="f-severity" class="group" aria-invalid=invalid aria-describedby="f-severity-error" tabindex="-1">
            <legend class="question">{td!(l, form_severity)}</legend>
            <FieldError id="f-severity-error" field="details.severity" violations />
            <div class="choices">{radios}</div>
        </fieldset>
        <Checkboxes id="f-affects" name="affects" legend=td_string!(l, form_affects).to_string()
            options=BARRIER_AFFECTS checked=draft.affects.clone() label=labels::affects />
    }
}

#[component]
fn WishFields(draft: FormDraft, violations: RwSignal<Vec<Violation>>) -> impl IntoView {
    let l = form_locale();
    view! {
        <TextField id="f-talent" name="talent" field="details.talent" label=td_string!(l, form_talent).to_string()
            hint=Some(td_string!(l, form_talent_hint).to_string()) value=draft.talent.clone() max=MAX_TALENT_CHARS violations />
    }
}
