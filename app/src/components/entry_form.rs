//! The resident form for one kind of entry: a real `<form method="post">` that works without
//! JavaScript (the server validates and renders it again with errors), made lively by
//! `public/js/form.js` where scripts run.

use std::sync::Arc;

use crate::api::{
    kiosk_path, paper_path, paper_survey_path, shown_violations, FormMode, FormState, Notice, Offer,
};
use crate::i18n::*;
use crate::labels;
use crate::model::*;
use leptos::prelude::*;

pub use crate::model::{kind_from_slug, kind_slug};

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

/// The thank-you page after entry `id`, passing on the visit's respondent and its campaign, and the
/// private link's key when this visit sent the entry (the sending answer gave it): the page shows the
/// private link only with a key that fits, never for a respondent id alone (which a link can fix).
pub fn thanks_path(id: &str, respondent: &str, campaign: &str, key: Option<&str>) -> String {
    let r = respondent.to_ascii_lowercase();
    let mut path = match campaign {
        "" | DEFAULT_CAMPAIGN => format!("/bedankt/{id}?r={r}"),
        c => format!("/bedankt/{id}?r={r}&c={c}"),
    };
    if let Some(k) = key {
        path.push_str(&format!("&sleutel={k}"));
    }
    path
}

/// What the form found wrong, shared by its fields (each shows the first message for itself).
type Errors = Arc<Vec<Violation>>;

fn form_locale() -> Locale {
    use_i18n().get_locale_untracked()
}

/// The resident form: a real `<form method="post">`, whole and working without JavaScript (the server
/// validates a POST and renders this again with the errors in place). `public/js/form.js` makes it
/// lively where it runs: it sends through the `/_fn` server functions, checks live with the server's
/// rules, searches addresses, lists entries nearby with "ik ook", and keeps an entry on the device
/// when there is no network. Everything it writes into the page has its place and its words here:
/// empty error slots, hidden sections and `data-text-*` attributes, in the page's language.
#[component]
pub fn EntryForm(state: FormState) -> impl IntoView {
    let l = form_locale();
    let FormState {
        draft,
        violations,
        notice,
        offer,
        mode,
    } = state;
    let kind = Kind::parse(&draft.kind).unwrap_or(Kind::Place);
    let attempted = (!violations.is_empty()).then_some("");
    let errors: Errors = Arc::new(violations);
    // The next resident on a shared tablet must not be offered the last one's words.
    let autocomplete = if matches!(mode, FormMode::Resident) {
        "on"
    } else {
        "off"
    };
    // Where the browser goes once the entry is stored ({id}, {r} and {key} are filled in by form.js), and
    // on a kiosk where it goes when the entry waits on the tablet.
    // After "ik ook" on an entry nearby, "klaar" (done) leads on without this form's entry: to the
    // thank-you page of the entry the resident joined, the kiosk's start, or the next paper form.
    let (mode_name, sent, queued, done) = match &mode {
        FormMode::Resident => (
            "resident",
            thanks_path("{id}", "{r}", &draft.campaign, Some("{key}")),
            None,
            thanks_path("{id}", "{r}", &draft.campaign, None),
        ),
        FormMode::Kiosk { event } => (
            "kiosk",
            kiosk_path(event, &draft.language, Some("sent")),
            Some(kiosk_path(event, &draft.language, Some("queued"))),
            kiosk_path(event, &draft.language, None),
        ),
        FormMode::Paper { event, survey } => (
            "paper",
            if *survey {
                paper_survey_path(kind, &draft.campaign, event, "{r}")
            } else {
                paper_path(kind, &draft.campaign, event, true)
            },
            None,
            paper_path(kind, &draft.campaign, event, false),
        ),
    };
    let title = form_title(l, kind);
    view! {
        <h1>{title}</h1>
        <NoticeBox notice />
        <ErrorSummary errors=errors.clone() />
        <form
            id="entry-form"
            class="entry-form"
            method="post"
            action=form_action(kind, &draft.campaign)
            autocomplete=autocomplete
            novalidate
            data-entry-form=mode_name
            data-attempted=attempted
            data-sent=sent
            data-queued=queued
            data-done=done
        >
            <input type="hidden" name="id" value=draft.id.clone() />
            <input type="hidden" name="respondent" value=draft.respondent.clone() />
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

            <CategoryChoice kind selected=draft.category.clone() offer=offer.clone() errors=errors.clone() />
            <LocationPicker kind draft=draft.clone() errors=errors.clone() />
            <NearbyEntries kind offer />
            {match kind {
                Kind::Place => view! { <PlaceFields draft=draft.clone() errors=errors.clone() /> }.into_any(),
                Kind::Barrier => view! { <BarrierFields draft=draft.clone() errors=errors.clone() /> }.into_any(),
                Kind::Wish => view! { <WishFields draft=draft.clone() errors=errors.clone() /> }.into_any(),
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
                errors
            />
            <p class="consent">
                {td!(l, form_consent)} " " <a href="/privacy">{td!(l, form_privacy_link)}</a>
            </p>
            <button type="submit" class="button primary" data-text-sending=td_string!(l, form_sending)>
                {td!(l, form_submit)}
            </button>
        </form>
        <crate::components::map_script::MapScript />
        <script defer src=crate::assets::path("js/form.js")></script>
    }
}

/// Entries of the same kind near the chosen spot, each with an "ik ook" button, so a resident who
/// means the same thing is counted without a duplicate entry. Filled by form.js once a position is
/// chosen (it needs the position, so there is nothing to show without JavaScript); the names of the
/// categories and months it shows come from here, in the page's language.
#[component]
fn NearbyEntries(kind: Kind, offer: Offer) -> impl IntoView {
    let l = form_locale();
    let names: serde_json::Map<String, serde_json::Value> = kind
        .categories()
        .iter()
        .chain(if kind == Kind::Barrier {
            &["other"][..]
        } else {
            &[][..]
        })
        .map(|&c| {
            let label = offer
                .label(c)
                .map_or_else(|| labels::category(l, kind, c), str::to_string);
            (c.to_string(), label.into())
        })
        .collect();
    view! {
        <section
            class="nearby"
            aria-labelledby="nearby-title"
            hidden
            data-nearby=kind.as_str()
            data-labels=serde_json::Value::Object(names).to_string()
            data-months=td_string!(l, month_names)
            data-text-others=td_string!(l, nearby_others, n = "{n}")
            data-text-others-one=td_string!(l, nearby_others_one)
            data-text-counted=td_string!(l, nearby_counted, n = "{n}")
            data-text-counted-one=td_string!(l, nearby_counted_one)
            data-text-done=td_string!(l, nearby_done)
            data-text-me-too=td_string!(l, nearby_me_too)
        >
            <h2 id="nearby-title">{td!(l, nearby_title)}</h2>
            <p class="hint">{td!(l, nearby_text)}</p>
            <ul class="nearby-list"></ul>
        </section>
    }
}

/// Why the form is shown again: said by the server after a plain POST, or by form.js.
#[component]
fn NoticeBox(notice: Option<Notice>) -> impl IntoView {
    let l = form_locale();
    let text = notice.map(|n| notice_text(l, n));
    view! {
        <p
            id="form-notice"
            class="notice"
            role="status"
            tabindex="-1"
            hidden=text.is_none()
            data-text-already-sent=notice_text(l, Notice::AlreadySent)
            data-text-send-failed=notice_text(l, Notice::SendFailed)
            data-text-queued=notice_text(l, Notice::Queued)
        >
            {text}
        </p>
    }
}

fn notice_text(l: Locale, n: Notice) -> &'static str {
    match n {
        Notice::AlreadySent => td_string!(l, form_already_sent),
        Notice::SendFailed => td_string!(l, form_send_failed),
        Notice::Queued => td_string!(l, form_queued),
    }
}

/// The list of everything that is wrong, each linking to its field (GOV.UK's pattern). Always in the
/// page, hidden while empty, so form.js fills the same element the server does.
#[component]
fn ErrorSummary(errors: Errors) -> impl IntoView {
    let l = form_locale();
    let items = shown_violations(l, &errors)
        .into_iter()
        .map(|m| {
            view! { <li><a href=format!("#{}", m.target)>{format!("{}: {}", m.label, m.message)}</a></li> }
        })
        .collect_view();
    view! {
        <div id="error-summary" class="error-summary" role="alert" tabindex="-1" hidden=errors.is_empty()>
            <h2>{td!(l, form_error_summary)}</h2>
            <ul>{items}</ul>
        </div>
    }
}

/// The message for the first violation of `field` (or a field below it), if any.
fn error_for(l: Locale, errors: &[Violation], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|v| v.field == field || v.field.starts_with(&format!("{field}.")))
        .map(|v| labels::violation(l, v))
}

/// A field's message, in a slot that is always there (empty and hidden while the field is right):
/// form.js writes the message for `field` into it, and marks `invalid` (the input or group it
/// belongs to) with `aria-invalid`.
///
/// `required`: the form fields of which one must be filled in (`"lon address"`; the place only for a
/// category marked `data-needs-place`, as `location_required` says). The slot then also
/// carries the server's words for "required", which form.js shows when the entry would otherwise
/// wait offline on the device: without a network the server cannot check it, and a refused entry
/// found later reaches nobody.
#[component]
fn FieldError(
    id: &'static str,
    field: &'static str,
    invalid: &'static str,
    errors: Errors,
    #[prop(optional_no_strip)] required: Option<&'static str>,
) -> impl IntoView {
    let l = form_locale();
    let message = error_for(l, &errors, field);
    let hidden = message.is_none();
    let (label, target) = labels::field(l, field);
    let required_text =
        required.map(|_| labels::violation(l, &Violation::new(field, Rule::Required)));
    view! {
        <p
            class="field-error"
            id=id
            hidden=hidden
            data-error-for=field
            data-invalid=invalid
            data-required=required
            data-required-text=required_text
            data-label=required.map(|_| label)
            data-target=required.map(|_| target)
        >
            {message}
        </p>
    }
}

#[component]
fn CategoryChoice(kind: Kind, selected: String, offer: Offer, errors: Errors) -> impl IntoView {
    let l = form_locale();
    let legend = match kind {
        Kind::Place => td_string!(l, form_place_category),
        Kind::Barrier => td_string!(l, form_barrier_category),
        Kind::Wish => td_string!(l, form_wish_category),
    };
    let invalid = error_for(l, &errors, "category").map(|_| "true");
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
                        // Whether this category needs a place (form.js, before an entry waits offline).
                        <input type="radio" id=input_id name="category" value=c checked=selected == c
                            data-needs-place=location_required(Some(kind), c).then_some("") />
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
            <FieldError id="f-category-error" field="category" invalid="f-category" errors required=Some("category") />
            {body}
        </fieldset>
    }
}

/// Where it is: a map (form.js loads it on the first tap, so a resident who types an address never
/// downloads it), "use my location", and an address the server looks up (searched while typing with
/// JavaScript, on sending without).
#[component]
fn LocationPicker(kind: Kind, draft: FormDraft, errors: Errors) -> impl IntoView {
    let l = form_locale();
    let legend = match kind {
        Kind::Wish => td_string!(l, form_where_optional),
        _ => td_string!(l, form_where),
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
    let invalid = (error_for(l, &errors, "location").is_some()
        || error_for(l, &errors, "address").is_some())
    .then_some("true");
    view! {
        <fieldset id="f-location" class="group">
            <legend class="question">{legend}</legend>
            {(kind == Kind::Barrier).then(|| view! { <p class="hint">{td!(l, form_where_barrier_hint)}</p> })}
            <FieldError id="f-location-error" field="location" invalid="f-address" errors=errors.clone()
                required=Some("lon address") />
            <div class="js-only map-block">
                <p class="hint" id="map-hint">{td!(l, form_map_hint)}</p>
                // form.js makes this the map (a focusable `application` named by data-label) when the
                // resident opens it.
                <div class="map picker-map" data-map="picker" data-kind=kind.as_str() data-label=td_string!(l, map_picker_label)>
                    <button type="button" class="map-open" data-map-open="">{td!(l, form_map_open)}</button>
                </div>
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
                tabindex="-1"
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
            <FieldError id="f-address-error" field="address" invalid="f-address" errors />
            <div class="address-row">
                <input
                    id="f-address"
                    name="address"
                    type="text"
                    autocomplete="street-address"
                    value=draft.address.clone()
                    maxlength="200"
                    aria-invalid=invalid
                    aria-describedby="f-address-hint f-location-error f-address-error"
                />
                <button type="button" class="button secondary js-only" data-address-search="">
                    {td!(l, form_address_search)}
                </button>
            </div>
            <div
                aria-live="polite"
                data-address-hits=""
                data-text-pick=td_string!(l, form_address_pick)
                data-text-none=td_string!(l, form_address_none)
                data-text-unavailable=td_string!(l, err_lookup_unavailable)
            ></div>
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
    errors: Errors,
) -> impl IntoView {
    let l = form_locale();
    let hint_id = hint.as_ref().map(|_| format!("{id}-hint"));
    let err_id = format!("{id}-error");
    let described = match &hint_id {
        Some(h) => format!("{h} {err_id}"),
        None => err_id.clone(),
    };
    let invalid = error_for(l, &errors, field).map(|_| "true");
    let message = error_for(l, &errors, field);
    let hidden = message.is_none();
    view! {
        <div class="group">
            <label for=id class="question">{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <p class="field-error" id=err_id hidden=hidden data-error-for=field data-invalid=id>{message}</p>
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
fn PlaceFields(draft: FormDraft, errors: Errors) -> impl IntoView {
    let l = form_locale();
    view! {
        <TextField id="f-name" name="name" field="details.name" label=td_string!(l, form_name).to_string()
            hint=None value=draft.name.clone() max=MAX_NAME_CHARS errors=errors.clone() />
        <Checkboxes id="f-qualities" name="qualities" legend=td_string!(l, form_qualities).to_string()
            options=PLACE_QUALITIES checked=draft.qualities.clone() label=labels::quality />
        <TextField id="f-who" name="who" field="details.who" label=td_string!(l, form_who).to_string()
            hint=Some(td_string!(l, form_who_hint).to_string()) value=draft.who.clone() max=MAX_WHO_CHARS errors=errors.clone() />
    }
}

#[component]
fn BarrierFields(draft: FormDraft, errors: Errors) -> impl IntoView {
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
    let invalid = error_for(l, &errors, "details.severity").map(|_| "true");
    view! {
        <fieldset id="f-severity" class="group" aria-invalid=invalid aria-describedby="f-severity-error" tabindex="-1">
            <legend class="question">{td!(l, form_severity)}</legend>
            <FieldError id="f-severity-error" field="details.severity" invalid="f-severity" errors=errors.clone() required=Some("severity") />
            <div class="choices">{radios}</div>
        </fieldset>
        <Checkboxes id="f-affects" name="affects" legend=td_string!(l, form_affects).to_string()
            options=BARRIER_AFFECTS checked=draft.affects.clone() label=labels::affects />
    }
}

#[component]
fn WishFields(draft: FormDraft, errors: Errors) -> impl IntoView {
    let l = form_locale();
    view! {
        <TextField id="f-talent" name="talent" field="details.talent" label=td_string!(l, form_talent).to_string()
            hint=Some(td_string!(l, form_talent_hint).to_string()) value=draft.talent.clone() max=MAX_TALENT_CHARS errors=errors.clone() />
    }
}
