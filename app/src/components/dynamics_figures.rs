//! An area's dynamics figures as a table: the area profile, the dashboard, the area's dynamics page
//! and the printable report show the same rows.

use leptos::prelude::*;

use crate::i18n::*;
use crate::labels;
use crate::model::DynamicsFigures;

#[component]
pub fn DynamicsTable(f: DynamicsFigures) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let connections = f
        .connections
        .iter()
        .map(|(kind, n)| {
            view! {
                <tr data-figure=kind.as_str()>
                    <th scope="row">{t!(i18n, dyn_fig_connections, kind = labels::link_kind(l, *kind))}</th>
                    <td>{*n}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="dynamics-figures">
            <tbody>
                <tr data-figure="activities">
                    <th scope="row">{t!(i18n, dyn_fig_activities)}</th>
                    <td>{f.activities}</td>
                </tr>
                <tr data-figure="from_residents">
                    <th scope="row">{t!(i18n, dyn_fig_from_residents)}</th>
                    <td>{f.from_residents}</td>
                </tr>
                {connections}
                <tr data-figure="second_order">
                    <th scope="row">{t!(i18n, dyn_fig_second)}</th>
                    <td>{f.second_order}</td>
                </tr>
            </tbody>
        </table>
        <p class="hint">{t!(i18n, dyn_fig_note)}</p>
    }
}
