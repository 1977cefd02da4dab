use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::staff_admin_page::staff_section;
use crate::i18n::*;
use crate::labels;
use crate::model::{
    gemeente_param, Capital, CommunityNode, DynamicsDesk, LinkKind, NodeKind, StaffBody, StaffView,
};

/// `/staff/activiteiten?gemeente=&uit=`: a gemeente's activities, networks and links for its staff,
/// with the three forms workers record them with (plain POSTs, see
/// `server/src/routes/dynamics.rs`). `uit` names entries ticked on the talents page: the new
/// activity's form starts from them. Advisors read; links' notes are shown here only.
#[component]
pub fn StaffDynamicsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map().get_untracked();
    let gemeente = gemeente_param(query.get("gemeente").as_deref())
        .ok()
        .flatten();
    let chosen = query.get_all("uit").unwrap_or_default();
    view! {
        <Title text=move || t_string!(i18n, sdyn_title).to_string() />
        <h1>{t!(i18n, sdyn_title)}</h1>
        {staff_section(StaffView::Dynamics { gemeente, chosen }, move |d| {
            let StaffBody::Dynamics(desk) = d.body else { return ().into_any() };
            view! { <Desk desk=*desk csrf=d.csrf /> }.into_any()
        })}
    }
}

/// The form fields that came back wrong (`?velden=`), by their labels; names the page does not
/// know are left out (the address is anyone's to write).
fn wrong_fields() -> Option<String> {
    let i18n = use_i18n();
    let v = use_query_map().get_untracked().get("velden")?;
    let names: Vec<String> = v
        .split(',')
        .filter_map(|f| {
            Some(match f {
                "id" | "gemeente" => t_string!(i18n, f_gemeente).to_string(),
                "name" => t_string!(i18n, sdyn_name).to_string(),
                "what" => t_string!(i18n, sdyn_what).to_string(),
                "started_on" => t_string!(i18n, sdyn_started_on).to_string(),
                "on" => t_string!(i18n, sdyn_on).to_string(),
                "place" => t_string!(i18n, sdyn_place).to_string(),
                "location" => t_string!(i18n, sdyn_point).to_string(),
                "lon" => t_string!(i18n, sdyn_lon).to_string(),
                "lat" => t_string!(i18n, sdyn_lat).to_string(),
                "grew_from" => t_string!(i18n, act_grew_from).to_string(),
                "kind" => t_string!(i18n, sdyn_kind).to_string(),
                "from" => t_string!(i18n, sdyn_from).to_string(),
                "to" => t_string!(i18n, sdyn_to).to_string(),
                "note" => t_string!(i18n, sdyn_note).to_string(),
                "capital" => t_string!(i18n, sdyn_capital).to_string(),
                _ => return None,
            })
        })
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

#[component]
fn Desk(desk: DynamicsDesk, csrf: String) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let chosen_gemeente = desk.gemeente.clone();
    let options = desk
        .gemeenten
        .iter()
        .map(|(code, name)| {
            view! { <option value=code.clone() selected=chosen_gemeente.as_deref() == Some(code.as_str())>{name.clone()}</option> }
        })
        .collect_view();
    let picker = view! {
        <p class="lead">{t!(i18n, sdyn_intro)}</p>
        <form method="get" action="/staff/activiteiten" class="filters">
            <div class="field">
                <label for="d-gemeente">{t!(i18n, f_gemeente)}</label>
                <select id="d-gemeente" name="gemeente">{options}</select>
            </div>
            <button type="submit" class="button">{t!(i18n, f_apply)}</button>
        </form>
        {wrong_fields().map(|f| view! { <p class="field-error">{t!(i18n, sdyn_wrong_fields, fields = f)}</p> })}
    };
    let Some(gemeente) = desk.gemeente.clone() else {
        return picker.into_any();
    };
    let activities: Vec<CommunityNode> = desk
        .graph
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Activity)
        .cloned()
        .collect();
    let networks: Vec<CommunityNode> = desk
        .graph
        .nodes
        .iter()
        .filter(|n| n.kind != NodeKind::Activity)
        .cloned()
        .collect();
    let name_of = {
        let nodes = desk.graph.nodes.clone();
        move |id: &str| {
            nodes
                .iter()
                .find(|n| n.id == id)
                .map_or_else(|| id.to_string(), |n| n.name.clone())
        }
    };
    // Workers delete what should not stand (a name, a point); advisors only read.
    let remove = {
        let (csrf, gemeente, can_write) = (csrf.clone(), gemeente.clone(), desk.can_write);
        move |action: String, soort: &'static str, name: String| {
            can_write.then(|| {
                let label = t_string!(i18n, sdyn_delete_named, name = name).to_string();
                view! {
                    <form method="post" action=action class="inline-form">
                        <input type="hidden" name="csrf" value=csrf.clone() />
                        <input type="hidden" name="gemeente" value=gemeente.clone() />
                        <input type="hidden" name="soort" value=soort />
                        <button type="submit" class="link-button" aria-label=label>{t!(i18n, sdyn_delete)}</button>
                    </form>
                }
            })
        }
    };
    let activity_items = activities
        .iter()
        .map(|a| {
            view! {
                <li id=format!("knoop-{}", a.id)>
                    <a href=format!("/activiteit/{}", a.id)>{a.name.clone()}</a>
                    {format!(" — {} ", a.started_on)}
                    {remove(format!("/staff/activiteiten/{}/verwijderen", a.id), "activiteit", a.name.clone())}
                </li>
            }
        })
        .collect_view();
    let network_items = networks
        .iter()
        .map(|n| view! {
            <li id=format!("knoop-{}", n.id)>
                {format!("{} — {} ", n.name, labels::node_kind(l, n.kind))}
                {remove(format!("/staff/activiteiten/{}/verwijderen", n.id), "netwerk", n.name.clone())}
            </li>
        })
        .collect_view();
    let link_items = desk
        .graph
        .links
        .iter()
        .map(|k| {
            let words = format!("{} — {} — {}", name_of(&k.from), labels::link_kind(l, k.kind), name_of(&k.to));
            view! {
                <li>
                    {format!("{words} ({})", k.on)}
                    {k.capital.map(|c| format!(", {}", labels::capital(l, c)))}
                    " "{remove(format!("/staff/activiteiten/verbinding/{}/verwijderen", k.id), "verbinding", words.clone())}
                    {k.note.clone().map(|n| view! { <br /><span class="status-note">{n}</span> })}
                </li>
            }
        })
        .collect_view();
    let lists = view! {
        <p><a href=format!("/inzicht/gebied/{gemeente}/dynamiek")>{t!(i18n, dyn_link)}</a></p>
        <h2>{t!(i18n, sdyn_activities)}</h2>
        <ul class="dynamics-list">{activity_items}</ul>
        <h2>{t!(i18n, sdyn_networks)}</h2>
        <ul class="dynamics-list">{network_items}</ul>
        <h2>{t!(i18n, sdyn_links)}</h2>
        <ul class="dynamics-list">{link_items}</ul>
    };
    if !desk.can_write {
        return view! { {picker} <p class="hint">{t!(i18n, sdyn_readonly)}</p> {lists} }.into_any();
    }
    view! {
        {picker}
        {lists}
        <ActivityForm desk=desk.clone() csrf=csrf.clone() gemeente=gemeente.clone() />
        <NetworkForm id=desk.new_ids[1].clone() csrf=csrf.clone() gemeente=gemeente.clone() />
        <LinkForm desk csrf gemeente />
    }
    .into_any()
}

#[component]
fn ActivityForm(desk: DynamicsDesk, csrf: String, gemeente: String) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let chosen = desk
        .chosen
        .iter()
        .map(|c| {
            let words = c.text.clone().map(|t| format!(": “{t}”")).unwrap_or_default();
            view! {
                <li>
                    <label>
                        <input type="checkbox" name="grew_from" value=c.id.clone() checked=true />
                        {format!(" {} ({}){words}", labels::origin(l, c.kind), c.category.replace('_', " "))}
                    </label>
                </li>
            }
        })
        .collect_view();
    let earlier = desk
        .graph
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Activity)
        .map(|n| {
            view! {
                <li><label><input type="checkbox" name="grew_from" value=n.id.clone() />{format!(" {}", n.name)}</label></li>
            }
        })
        .collect_view();
    let places = desk
        .places
        .iter()
        .map(|(id, name)| view! { <option value=id.clone()>{name.replace('_', " ")}</option> })
        .collect_view();
    let has_chosen = !desk.chosen.is_empty();
    view! {
        <section aria-labelledby="new-activity" class="staff-form">
            <h2 id="new-activity">{t!(i18n, sdyn_new_activity)}</h2>
            <form method="post" action="/staff/activiteiten/activiteit">
                <input type="hidden" name="csrf" value=csrf />
                <input type="hidden" name="id" value=desk.new_ids[0].clone() />
                <input type="hidden" name="gemeente" value=gemeente />
                <div class="field">
                    <label for="a-name">{t!(i18n, sdyn_name)}</label>
                    <input id="a-name" name="name" required maxlength="120" />
                </div>
                <div class="field">
                    <label for="a-what">{t!(i18n, sdyn_what)}</label>
                    <textarea id="a-what" name="what" maxlength="1000" rows="3"></textarea>
                </div>
                <div class="field">
                    <label for="a-started">{t!(i18n, sdyn_started_on)}</label>
                    <input id="a-started" name="started_on" type="date" required value=desk.today.clone() />
                </div>
                <div class="field">
                    <label><input type="checkbox" name="recurring" value="ja" />" "{t!(i18n, act_recurring)}</label>
                </div>
                <div class="field">
                    <label for="a-place">{t!(i18n, sdyn_place)}</label>
                    <select id="a-place" name="place">
                        <option value="">{t!(i18n, sdyn_none)}</option>
                        {places}
                    </select>
                </div>
                <fieldset class="field">
                    <legend>{t!(i18n, sdyn_point)}</legend>
                    <label for="a-lat">{t!(i18n, sdyn_lat)}</label>
                    <input id="a-lat" name="lat" inputmode="decimal" />
                    <label for="a-lon">{t!(i18n, sdyn_lon)}</label>
                    <input id="a-lon" name="lon" inputmode="decimal" />
                </fieldset>
                <fieldset class="field">
                    <legend>{t!(i18n, act_grew_from)}</legend>
                    {has_chosen.then(|| view! { <p class="hint">{t!(i18n, sdyn_chosen)}</p> <ul class="plain">{chosen}</ul> })}
                    <p class="hint">{t!(i18n, sdyn_from_activity)}</p>
                    <ul class="plain">{earlier}</ul>
                </fieldset>
                <button type="submit" class="button">{t!(i18n, sdyn_save)}</button>
            </form>
        </section>
    }
}

#[component]
fn NetworkForm(id: String, csrf: String, gemeente: String) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let kinds = NodeKind::NETWORKS
        .into_iter()
        .map(|k| view! { <option value=k.as_str()>{labels::node_kind(l, k)}</option> })
        .collect_view();
    view! {
        <section aria-labelledby="new-network" class="staff-form">
            <h2 id="new-network">{t!(i18n, sdyn_new_network)}</h2>
            <form method="post" action="/staff/activiteiten/netwerk">
                <input type="hidden" name="csrf" value=csrf />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="gemeente" value=gemeente />
                <div class="field">
                    <label for="n-name">{t!(i18n, sdyn_name)}</label>
                    <input id="n-name" name="name" required maxlength="120" />
                </div>
                <div class="field">
                    <label for="n-kind">{t!(i18n, sdyn_kind)}</label>
                    <select id="n-kind" name="kind">{kinds}</select>
                </div>
                <fieldset class="field">
                    <legend>{t!(i18n, sdyn_point)}</legend>
                    <label for="n-lat">{t!(i18n, sdyn_lat)}</label>
                    <input id="n-lat" name="lat" inputmode="decimal" />
                    <label for="n-lon">{t!(i18n, sdyn_lon)}</label>
                    <input id="n-lon" name="lon" inputmode="decimal" />
                </fieldset>
                <button type="submit" class="button">{t!(i18n, sdyn_save)}</button>
            </form>
        </section>
    }
}

#[component]
fn LinkForm(desk: DynamicsDesk, csrf: String, gemeente: String) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let node_options = move || {
        desk.graph
            .nodes
            .iter()
            .map(|n| view! { <option value=n.id.clone()>{format!("{} — {}", n.name, labels::node_kind(l, n.kind))}</option> })
            .collect_view()
    };
    let kinds = LinkKind::ALL
        .into_iter()
        .map(|k| view! { <option value=k.as_str()>{labels::link_kind(l, k)}</option> })
        .collect_view();
    let capitals = Capital::ALL
        .into_iter()
        .map(|c| view! { <option value=c.as_str()>{labels::capital(l, c)}</option> })
        .collect_view();
    view! {
        <section aria-labelledby="new-link" class="staff-form">
            <h2 id="new-link">{t!(i18n, sdyn_new_link)}</h2>
            <form method="post" action="/staff/activiteiten/verbinding">
                <input type="hidden" name="csrf" value=csrf />
                <input type="hidden" name="id" value=desk.new_ids[2].clone() />
                <input type="hidden" name="gemeente" value=gemeente />
                <div class="field">
                    <label for="l-from">{t!(i18n, sdyn_from)}</label>
                    <select id="l-from" name="from" required><option value="">"—"</option>{node_options()}</select>
                </div>
                <div class="field">
                    <label for="l-kind">{t!(i18n, sdyn_kind)}</label>
                    <select id="l-kind" name="kind">{kinds}</select>
                </div>
                <div class="field">
                    <label for="l-to">{t!(i18n, sdyn_to)}</label>
                    <select id="l-to" name="to" required><option value="">"—"</option>{node_options()}</select>
                </div>
                <div class="field">
                    <label for="l-on">{t!(i18n, sdyn_on)}</label>
                    <input id="l-on" name="on" type="date" value=desk.today.clone() />
                </div>
                <div class="field">
                    <label for="l-capital">{t!(i18n, sdyn_capital)}</label>
                    <select id="l-capital" name="capital">
                        <option value="">{t!(i18n, sdyn_none)}</option>
                        {capitals}
                    </select>
                </div>
                <div class="field">
                    <label for="l-note">{t!(i18n, sdyn_note)}</label>
                    <input id="l-note" name="note" maxlength="1000" />
                </div>
                <button type="submit" class="button">{t!(i18n, sdyn_save)}</button>
            </form>
        </section>
    }
}
