use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::area_changes;
use crate::i18n::*;
use crate::labels;
use crate::model::{AreaChanges, ChangedEntry};

/// `/inzicht/gebied/{code}/gedaan`: "you said, we did". What staff did with the entries of one area:
/// each change of status with its day and staff's current note, each entry linking to its own
/// page. Public, as the entries' pages are; hidden entries are not listed, and an entry is in the
/// area its public position lies in.
#[component]
pub fn AreaChangesPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = use_params_map()
        .get_untracked()
        .get("code")
        .unwrap_or_default();
    let data = Resource::new_blocking(move || code.clone(), area_changes);
    // The title sits outside the Suspense: a <title> set inside it can miss the streamed <head>.
    view! {
        <Title text=move || t_string!(i18n, done_title).to_string() />
        {crate::pages::found_or_404(
            data,
            t_string!(i18n, profile_not_found).to_string(),
            |c| view! { <Changes c /> },
        )}
    }
}

#[component]
fn Changes(c: AreaChanges) -> impl IntoView {
    let i18n = use_i18n();
    let name = c.area.label();
    let empty = c.entries.is_empty();
    let entries = c
        .entries
        .into_iter()
        .map(|e| view! { <Entry e /> })
        .collect_view();
    view! {
        <p><a href=format!("/inzicht/gebied/{}", c.area.code)>{t!(i18n, done_back, area = name.clone())}</a></p>
        <h1>{t!(i18n, done_heading, area = name)}</h1>
        <p class="lead">{t!(i18n, done_intro)}</p>
        {if empty {
            view! { <p>{t!(i18n, done_none)}</p> }.into_any()
        } else {
            view! { <ol class="done-list">{entries}</ol> }.into_any()
        }}
    }
}

#[component]
fn Entry(e: ChangedEntry) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let what = format!(
        "{}: {} ({})",
        labels::kind(l, e.kind),
        labels::category(l, e.kind, &e.category),
        labels::month(l, &e.month)
    );
    let changes = e
        .changes
        .into_iter()
        .map(|ch| {
            view! {
                <li>
                    <time datetime=ch.day.clone()>{ch.day.clone()}</time>": "
                    <span class="status-badge" data-status=ch.status.as_str()>{labels::status(l, ch.status)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <li class="done-entry">
            <h2><a href=format!("/melding/{}", e.id)>{what}</a></h2>
            {e.note.map(|n| view! { <p class="status-note">{n}</p> })}
            <ul class="done-changes">{changes}</ul>
        </li>
    }
}
