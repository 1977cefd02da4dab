use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::area_dynamics;
use crate::components::dynamics_figures::DynamicsTable;
use crate::components::ripple_map::{node_shape, short};
use crate::i18n::*;
use crate::labels;
use crate::model::{AreaDynamics, NodeKind, TimelineMonth};

/// `/inzicht/gebied/{code}/dynamiek`: an area's activities and networks on its outline with the
/// links between them (the geographic ripple), a timeline of when activities and connections
/// appeared, the figures, and the gemeente's exports. Public; links' notes are never on it.
#[component]
pub fn AreaDynamicsPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = use_params_map()
        .get_untracked()
        .get("code")
        .unwrap_or_default();
    let data = Resource::new_blocking(move || code.clone(), area_dynamics);
    view! {
        <Title text=move || t_string!(i18n, dyn_title).to_string() />
        {crate::pages::found_or_404(
            data,
            t_string!(i18n, profile_not_found).to_string(),
            |d| view! { <Dynamics d /> },
        )}
    }
}

#[component]
fn Dynamics(d: AreaDynamics) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let gemeente = d.gemeente.clone();
    let export =
        |format: &str| format!("/api/v1/dynamics/export?gemeente={gemeente}&format={format}");
    let empty = d.nodes.is_empty() && d.unplaced.is_empty() && d.timeline.is_empty();
    let map_label = t_string!(i18n, dyn_map_label, area = d.name.clone()).to_string();
    let lines = d
        .lines
        .iter()
        .map(|ln| {
            view! {
                <line class=format!("ripple-link link-{}", ln.kind.as_str()) x1=ln.x1 y1=ln.y1 x2=ln.x2 y2=ln.y2>
                    <title>{labels::link_kind(l, ln.kind)}</title>
                </line>
            }
        })
        .collect_view();
    let nodes = d
        .nodes
        .iter()
        .map(|n| {
            let href = (n.kind == NodeKind::Activity).then(|| format!("/activiteit/{}", n.id));
            let dot = view! {
                <g class=format!("ripple-node node-{}", n.kind.as_str()) data-node=n.id.clone()>
                    <title>{format!("{} — {}", n.name, labels::node_kind(l, n.kind))}</title>
                    {node_shape(n.kind, n.x, n.y, 7.0)}
                    <text x=n.x y=n.y - 11.0 text-anchor="middle">{short(&n.name)}</text>
                </g>
            };
            match href {
                Some(h) => view! { <a href=h>{dot}</a> }.into_any(),
                None => dot.into_any(),
            }
        })
        .collect_view();
    let unplaced = d
        .unplaced
        .iter()
        .map(|(id, name, kind)| {
            let text = format!("{name} — {}", labels::node_kind(l, *kind));
            match kind {
                NodeKind::Activity => {
                    view! { <li><a href=format!("/activiteit/{id}")>{text}</a></li> }.into_any()
                }
                _ => view! { <li>{text}</li> }.into_any(),
            }
        })
        .collect_view();
    let has_unplaced = !d.unplaced.is_empty();
    let timeline = d
        .timeline
        .into_iter()
        .map(|m| view! { <Month m /> })
        .collect_view();
    view! {
        <p><a href=format!("/inzicht/gebied/{}", d.code)>{t!(i18n, dyn_back, area = d.name.clone())}</a></p>
        <h1>{t!(i18n, dyn_heading, area = d.name.clone())}</h1>
        <p class="lead">{t!(i18n, dyn_intro)}</p>
        {empty.then(|| view! { <p>{t!(i18n, dyn_none)}</p> })}
        <h2>{t!(i18n, dyn_fig_heading)}</h2>
        <DynamicsTable f=d.figures />
        <h2>{t!(i18n, dyn_map_heading)}</h2>
        <figure class="report-map dynamics-map">
            // A group, not an image: its activities are links to their pages.
            <svg viewBox=format!("0 0 {} {}", d.width, d.height) role="group" aria-label=map_label xmlns="http://www.w3.org/2000/svg">
                <path class="area-outline" d=d.outline.clone() />
                {lines}
                {nodes}
            </svg>
            <crate::components::ripple_map::Legend />
        </figure>
        {has_unplaced.then(|| view! {
            <h3>{t!(i18n, dyn_unplaced)}</h3>
            <ul>{unplaced}</ul>
        })}
        <h2>{t!(i18n, dyn_timeline_heading)}</h2>
        <ol class="dynamics-timeline">{timeline}</ol>
        <p>
            {t!(i18n, dyn_exports)}" "
            <a href=export("graphml") download="">"GraphML"</a>" · "
            <a href=export("json") download="">"JSON (Kumu)"</a>" · "
            <a href=export("csv") download="">"CSV (verbindingen)"</a>" · "
            <a href=format!("{}&table=nodes", export("csv")) download="">"CSV (knopen)"</a>
        </p>
    }
}

#[component]
fn Month(m: TimelineMonth) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let started = m
        .activities
        .into_iter()
        .map(|(id, name)| {
            view! { <li>{t!(i18n, dyn_started)}": "<a href=format!("/activiteit/{id}")>{name}</a></li> }
        })
        .collect_view();
    let connected = m
        .connections
        .into_iter()
        .map(|(from, to, kind)| {
            view! { <li>{t!(i18n, dyn_connected)}": "{format!("{from} — {to} ({})", labels::link_kind(l, kind))}</li> }
        })
        .collect_view();
    view! {
        <li data-month=m.month.clone()>
            <h3><time datetime=m.month.clone()>{labels::month(l, &m.month)}</time></h3>
            <ul>{started}{connected}</ul>
        </li>
    }
}
