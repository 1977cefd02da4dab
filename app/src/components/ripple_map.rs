//! The ripple map of one activity, drawn on the server as SVG (no script, no library), and the same
//! content as a nested list for keyboards and screen readers: every node and every link of the
//! drawing is an item of the list, so the two cannot tell different stories. Positions come from the
//! server's deterministic radial layout (`server/src/domain/ripples.rs`).

use leptos::prelude::*;

use crate::i18n::*;
use crate::labels;
use crate::model::{LinkKind, NodeKind, RippleLink, RippleNode, Ripples};

/// Longest label drawn on the map (the list has the whole name).
const LABEL_CHARS: usize = 26;

/// A node's mark: institutions are squares and local networks diamonds, so kinds are told apart
/// without colour too (the legend shows the same).
pub fn node_shape(kind: NodeKind, x: f64, y: f64, radius: f64) -> AnyView {
    match kind {
        NodeKind::Institution => view! {
            <rect x=x - radius y=y - radius width=2.0 * radius height=2.0 * radius />
        }
        .into_any(),
        NodeKind::LocalNetwork => {
            let r = radius + 2.0;
            let pts = format!(
                "{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
                x,
                y - r,
                x + r,
                y,
                x,
                y + r,
                x - r,
                y
            );
            view! { <polygon points=pts /> }.into_any()
        }
        _ => view! { <circle cx=x cy=y r=radius /> }.into_any(),
    }
}

/// A name as a label on a drawing: long ones are cut (the list beside it has them whole).
pub fn short(name: &str) -> String {
    if name.chars().count() <= LABEL_CHARS {
        name.to_string()
    } else {
        let cut: String = name.chars().take(LABEL_CHARS - 1).collect();
        format!("{cut}…")
    }
}

fn link_key(l: &RippleLink) -> String {
    format!("{}>{}", l.from, l.to)
}

/// The SVG drawing.
#[component]
pub fn RippleMap(r: Ripples) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let size = r.size;
    let mid = size / 2.0;
    // Only the rings of the orders are drawn (every second radius): the ones between hold the
    // networks tied to an order's activities, and one ring per step reads as one step.
    let rings = r
        .rings
        .iter()
        .skip(1)
        .step_by(2)
        .map(|&radius| {
            view! { <circle class="ripple-ring" cx=mid cy=mid r=radius /> }
        })
        .collect_view();
    let at = |id: &str| r.nodes.iter().find(|n| n.id == id).map(|n| (n.x, n.y));
    let lines = r
        .links
        .iter()
        .filter_map(|link| {
            let ((x1, y1), (x2, y2)) = (at(&link.from)?, at(&link.to)?);
            let led = link.kind == LinkKind::LedTo;
            Some(view! {
                <line
                    class=format!("ripple-link link-{}", link.kind.as_str())
                    data-link=link_key(link)
                    x1=x1 y1=y1 x2=x2 y2=y2
                    marker-end=led.then_some("url(#ripple-arrow)")
                >
                    <title>{labels::link_kind(l, link.kind)}</title>
                </line>
            })
        })
        .collect_view();
    let nodes = r
        .nodes
        .iter()
        .map(|n| {
            let centre = n.parent.is_none();
            let radius = if centre { 16.0 } else { 10.0 };
            let shape = node_shape(n.kind, n.x, n.y, radius);
            view! {
                <g
                    class=format!("ripple-node node-{}{}", n.kind.as_str(), if centre { " centre" } else { "" })
                    data-node=n.id.clone()
                    data-order=n.order
                >
                    <title>{format!("{} — {}", n.name, labels::node_kind(l, n.kind))}</title>
                    {shape}
                    <text x=n.x y=n.y + radius + 14.0 text-anchor="middle">{short(&n.name)}</text>
                </g>
            }
        })
        .collect_view();
    let label = t_string!(i18n, act_map_label, name = r.centre.name.clone()).to_string();
    view! {
        <figure class="ripple-figure">
            <svg
                class="ripple-map"
                viewBox=format!("0 0 {size} {size}")
                role="img"
                aria-label=label
                xmlns="http://www.w3.org/2000/svg"
            >
                <defs>
                    <marker id="ripple-arrow" viewBox="0 0 10 10" refX="22" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" />
                    </marker>
                </defs>
                {rings}
                {lines}
                {nodes}
            </svg>
            <Legend />
        </figure>
    }
}

/// What the shapes and lines mean.
#[component]
pub fn Legend() -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let kinds = [NodeKind::Activity]
        .into_iter()
        .chain(NodeKind::NETWORKS)
        .map(|k| view! { <li class=format!("legend-node node-{}", k.as_str())>{labels::node_kind(l, k)}</li> })
        .collect_view();
    let links = LinkKind::ALL
        .into_iter()
        .map(|k| view! { <li class=format!("legend-link link-{}", k.as_str())>{labels::link_kind(l, k)}</li> })
        .collect_view();
    view! {
        <figcaption class="ripple-legend">
            <strong>{t!(i18n, act_legend)}</strong>
            <ul>{kinds}</ul>
            <ul>{links}</ul>
        </figcaption>
    }
}

/// The same map as a nested list: each node under the node it hangs from, with the relation that
/// ties them; the links that do not form the tree follow.
#[component]
pub fn RippleOutline(r: Ripples) -> impl IntoView {
    let i18n = use_i18n();
    let mut used = vec![false; r.links.len()];
    let Some(centre) = r.nodes.iter().find(|n| n.parent.is_none()).cloned() else {
        return ().into_any();
    };
    let tree = branch(&r, &centre, None, &mut used);
    let l = i18n.get_locale_untracked();
    let name = |id: &str| {
        r.nodes
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.name.clone())
            .unwrap_or_default()
    };
    let rest: Vec<_> = r
        .links
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(link, _)| {
            view! {
                <li data-link=link_key(link)>
                    {format!("{} — {} — {}", name(&link.from), labels::link_kind(l, link.kind), name(&link.to))}
                    {capital_and_day(l, link)}
                </li>
            }
        })
        .collect();
    let has_rest = !rest.is_empty();
    view! {
        <ul class="ripple-outline">{tree}</ul>
        {has_rest.then(|| view! { <ul class="ripple-outline-rest">{rest}</ul> })}
    }
    .into_any()
}

fn capital_and_day(l: Locale, link: &RippleLink) -> String {
    match link.capital {
        Some(c) => format!(" ({}, {})", labels::capital(l, c), link.on),
        None => format!(" ({})", link.on),
    }
}

/// One node's item and, under it, its children's.
fn branch(r: &Ripples, node: &RippleNode, via: Option<usize>, used: &mut [bool]) -> AnyView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let mut children: Vec<(RippleNode, Option<usize>)> = Vec::new();
    for child in r
        .nodes
        .iter()
        .filter(|n| n.parent.as_deref() == Some(node.id.as_str()))
    {
        // The link that ties child and parent, a `led_to` first.
        let tie = r
            .links
            .iter()
            .enumerate()
            .filter(|(i, k)| {
                !used[*i]
                    && ((k.from == node.id && k.to == child.id)
                        || (k.to == node.id && k.from == child.id))
            })
            .min_by_key(|(_, k)| k.kind != LinkKind::LedTo)
            .map(|(i, _)| i);
        if let Some(i) = tie {
            used[i] = true;
        }
        children.push((child.clone(), tie));
    }
    let relation = via.map(|i| {
        let link = &r.links[i];
        format!(
            "{}{} · ",
            labels::link_kind(l, link.kind),
            capital_and_day(l, link)
        )
    });
    let link_attr = via.map(|i| link_key(&r.links[i]));
    let sub: Vec<AnyView> = children
        .iter()
        .map(|(c, tie)| branch(r, c, *tie, used))
        .collect();
    let has_sub = !sub.is_empty();
    let order = t_string!(i18n, act_order, order = node.order).to_string();
    view! {
        <li data-node=node.id.clone() data-link=link_attr>
            {relation}
            <strong>{node.name.clone()}</strong>
            {format!(" — {}, {order}", labels::node_kind(l, node.kind))}
            {has_sub.then(|| view! { <ul>{sub}</ul> })}
        </li>
    }
    .into_any()
}
