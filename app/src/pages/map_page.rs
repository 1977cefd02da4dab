use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::recent_entries;
use crate::components::quality_checks::QualityChecks;
use crate::i18n::*;
use crate::labels;
use crate::model::{Kind, MapFilter, PublicEntry, PLACE_QUALITIES};

/// The public map of what residents added, and the same as a list (for screen readers and for
/// browsers without JavaScript).
#[component]
pub fn MapPage() -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    // `?kind=&status=&quality=` (quality repeated or comma-separated): what the map and the list
    // show; unknown words are left out (the API would refuse them).
    let query = use_query_map().get_untracked();
    let filter = MapFilter::from_pairs(
        query
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<Vec<_>>()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    let wanted = filter.clone();
    let recent = Resource::new_blocking(move || wanted.clone(), |f| recent_entries(50, f));
    let api_query = filter.api_query();
    let known = filter.shows_known_places().to_string();
    let quality = filter.quality.clone();
    let data_quality = quality.join(",");
    let kinds = Kind::ALL
        .iter()
        .map(|k| view! { <option value=k.as_str() selected=filter.kind == Some(*k)>{labels::kind(l, *k)}</option> })
        .collect_view();
    let statuses = crate::model::Status::ALL
        .into_iter()
        .map(|st| view! { <option value=st.as_str() selected=filter.status == Some(st)>{labels::status(l, st)}</option> })
        .collect_view();
    // The map script draws the markers; it gets the translated labels from here.
    let map_labels = move || {
        let mut m = serde_json::Map::new();
        for st in crate::model::Status::ALL {
            m.insert(
                format!("status.{}", st.as_str()),
                labels::status(l, st).into(),
            );
        }
        for kind in Kind::ALL {
            m.insert(kind.as_str().into(), labels::kind(l, kind).into());
            for c in kind.categories() {
                m.insert(
                    format!("{}.{c}", kind.as_str()),
                    labels::category(l, kind, c).into(),
                );
            }
        }
        for q in PLACE_QUALITIES {
            m.insert(format!("quality.{q}"), labels::quality(l, q).into());
        }
        for a in crate::model::BARRIER_AFFECTS {
            m.insert(format!("affects.{a}"), labels::affects(l, a).into());
        }
        m.insert(
            "affects".into(),
            t_string!(i18n, map_affects).to_string().into(),
        );
        m.insert(
            "known".into(),
            t_string!(i18n, map_known_place).to_string().into(),
        );
        m.insert(
            "open".into(),
            t_string!(i18n, map_open_entry).to_string().into(),
        );
        serde_json::Value::Object(m).to_string()
    };
    view! {
        <Title text=move || t_string!(i18n, map_title).to_string() />
        <h1>{t!(i18n, map_title)}</h1>
        <p>{t!(i18n, map_intro)}</p>
        <form class="filters map-filter" method="get" action="/kaart">
            <div class="field">
                <label for="m-kind">{t!(i18n, f_kind)}</label>
                <select id="m-kind" name="kind"><option value="">{t!(i18n, f_all_kinds)}</option>{kinds}</select>
            </div>
            <div class="field">
                <label for="m-status">{t!(i18n, map_col_status)}</label>
                <select id="m-status" name="status"><option value="">{t!(i18n, staff_every_status)}</option>{statuses}</select>
            </div>
            <fieldset class="qualities">
                <legend>{t!(i18n, map_quality)}</legend>
                <QualityChecks id_prefix="m-quality" chosen=quality.clone() />
            </fieldset>
            <button type="submit" class="button secondary">{t!(i18n, f_apply)}</button>
        </form>
        <div class="js-only">
            <div
                class="map public-map"
                data-map="public"
                data-quality=data_quality
                data-query=api_query
                data-known=known
                data-labels=map_labels
                tabindex="0"
                role="region"
                aria-label=move || t_string!(i18n, map_label).to_string()
            >
                <p class="map-loading">{t!(i18n, map_loading)}</p>
            </div>
            <crate::components::map_script::MapScript />
            <h2 class="visually-hidden">{t!(i18n, map_legend)}</h2>
            <ul class="legend">
                <li><span class="dot place" aria-hidden="true"></span>{t!(i18n, kind_place)}</li>
                <li><span class="dot barrier" aria-hidden="true"></span>{t!(i18n, kind_barrier)}</li>
                <li><span class="dot wish" aria-hidden="true"></span>{t!(i18n, kind_wish)}</li>
                <li><span class="dot known" aria-hidden="true"></span>{t!(i18n, map_known_place)}</li>
            </ul>
        </div>
        <p>{t!(i18n, map_done_text)}" "<a href="/inzicht">{t!(i18n, map_done_link)}</a></p>
        <h2>{t!(i18n, map_recent)}</h2>
        <Suspense>
            {move || Suspend::new(async move {
                match recent.await {
                    Ok(list) if !list.is_empty() => view! { <EntryTable list /> }.into_any(),
                    Ok(_) => view! { <p>{t!(i18n, map_empty)}</p> }.into_any(),
                    Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EntryTable(list: Vec<PublicEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let rows = list
        .into_iter()
        .map(|e| {
            let month = labels::month(l, &e.month);
            let mut place = if e.location.is_none() {
                format!(" ({})", t_string!(i18n, map_no_position))
            } else {
                String::new()
            };
            // What the entry says beyond its category: a place's qualities, whom a barrier stops.
            let details: Vec<String> = e
                .qualities
                .iter()
                .map(|q| labels::quality(l, q))
                .chain(e.affects.iter().map(|a| labels::affects(l, a)))
                .collect();
            if !details.is_empty() {
                place.push_str(&format!(" — {}", details.join(", ")));
            }
            view! {
                <tr>
                    <td>{labels::kind(l, e.kind)}</td>
                    <td>{labels::category(l, e.kind, &e.category)}{place}</td>
                    <td><time datetime=e.month.clone()>{month}</time></td>
                    <td><a href=format!("/melding/{}", e.id)>{labels::status(l, e.status)}</a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="entries">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, map_col_kind)}</th>
                    <th scope="col">{t!(i18n, map_col_what)}</th>
                    <th scope="col">{t!(i18n, map_col_when)}</th>
                    <th scope="col">{t!(i18n, map_col_status)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
