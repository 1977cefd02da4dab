//! The checkboxes of a meeting place's qualities (`?quality=`), as the dashboard's and the public
//! map's filter forms show them.

use leptos::prelude::*;

use crate::i18n::*;
use crate::labels;
use crate::model::PLACE_QUALITIES;

/// One labelled checkbox per quality, named `quality`, checked for those in `chosen`; `id_prefix`
/// keeps the ids unique on the page (`{id_prefix}-{quality}`).
#[component]
pub fn QualityChecks(id_prefix: &'static str, chosen: Vec<String>) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    PLACE_QUALITIES
        .iter()
        .map(|q| {
            let id = format!("{id_prefix}-{q}");
            let label_for = id.clone();
            let checked = chosen.iter().any(|x| x == q);
            view! {
                <label class="check" for=label_for>
                    <input type="checkbox" id=id name="quality" value=*q checked=checked />
                    {labels::quality(l, q)}
                </label>
            }
        })
        .collect_view()
}
