use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::activity;
use crate::components::ripple_map::{RippleMap, RippleOutline};
use crate::i18n::*;
use crate::labels;
use crate::model::{ActivityView, SourceKind};

/// `/activiteit/{id}`: an activity's public page: what it is, what it grew from, and its ripple map
/// (what it set off) as a drawing and as a list. Links' notes are never on it.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .unwrap_or_default();
    let data = Resource::new_blocking(move || id.clone(), activity);
    // The whole page is rendered before it is sent (SsrMode::Async): the title reads the resource.
    let title = move || {
        data.get().and_then(Result::ok).flatten().map_or_else(
            || t_string!(i18n, dyn_title).to_string(),
            |v| v.ripples.centre.name,
        )
    };
    view! {
        <Title text=title />
        {crate::pages::found_or_404(
            data,
            t_string!(i18n, act_not_found).to_string(),
            |v| view! { <Activity v /> },
        )}
    }
}

#[component]
fn Activity(v: ActivityView) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let a = v.ripples.centre.clone();
    let origins = a
        .grew_from
        .iter()
        .map(|o| {
            let open = match o.kind {
                SourceKind::Activity => Some(format!("/activiteit/{}", o.id)),
                _ if v.visible_origins.contains(&o.id) => Some(format!("/melding/{}", o.id)),
                _ => None,
            };
            view! {
                <li data-origin=o.kind.as_str()>
                    {labels::origin(l, o.kind)}
                    {open.map(|href| view! { " (" <a href=href>{t!(i18n, act_open_origin)}</a> ")" })}
                </li>
            }
        })
        .collect_view();
    let has_origins = !a.grew_from.is_empty();
    let alone = v.ripples.nodes.len() <= 1;
    let left_out = v.ripples.left_out;
    let when = if a.recurring {
        t_string!(i18n, act_recurring).to_string()
    } else {
        t_string!(i18n, act_once).to_string()
    };
    let area_link = format!("/inzicht/gebied/{}/dynamiek", a.gemeente);
    let r1 = v.ripples.clone();
    let r2 = v.ripples;
    view! {
        <p><a href=area_link>{t!(i18n, act_all_in)}</a></p>
        <h1>{a.name.clone()}</h1>
        <p class="lead">{labels::node_kind(l, a.kind)}" · "{t!(i18n, act_started, day = a.started_on.to_string())}" · "{when}</p>
        {(!a.what.is_empty()).then(|| view! { <p class="activity-what">{a.what.clone()}</p> })}
        {has_origins.then(|| view! {
            <h2>{t!(i18n, act_grew_from)}</h2>
            <ul class="origins">{origins}</ul>
        })}
        <h2 id="rimpels">{t!(i18n, act_ripples_heading)}</h2>
        <p class="hint">{t!(i18n, act_ripples_intro)}</p>
        {alone.then(|| view! { <p>{t!(i18n, act_nothing_yet)}</p> })}
        <RippleMap r=r1 />
        {(left_out > 0).then(|| view! { <p class="hint">{t!(i18n, act_left_out, count = left_out)}</p> })}
        <h2 id="lijst">{t!(i18n, act_outline_heading)}</h2>
        <RippleOutline r=r2 />
    }
}
