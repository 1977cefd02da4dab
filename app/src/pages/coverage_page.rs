use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::coverage;
use crate::i18n::*;
use crate::labels;
use crate::model::{
    BarrierMode, CoverageOverview, CoverageQuery, CoverageRow, Profile, Weighting,
    PLACE_CATEGORIES, PLACE_QUALITIES,
};

/// `/inzicht/bereik`: walking coverage per area of one gemeente. A plain GET form, so every view has
/// its own address; the map (coverage.js) draws the grid the table's figures come from, and the
/// table says the same for keyboards and screen readers.
#[component]
pub fn CoveragePage() -> impl IntoView {
    let i18n = use_i18n();
    let pairs: Vec<(String, String)> = use_query_map()
        .get_untracked()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let asked = pairs.iter().any(|(k, v)| k == "gemeente" && !v.is_empty());
    let parsed = asked.then(|| CoverageQuery::from_pairs(&pairs));
    let problem = parsed.as_ref().and_then(|p| p.as_ref().err().cloned());
    let query = parsed.and_then(Result::ok);
    let data = Resource::new_blocking(move || query.clone(), coverage);
    view! {
        <Title text=move || t_string!(i18n, cov_title).to_string() />
        <div class="insight">
        <p><a href="/inzicht">{t!(i18n, profile_back)}</a></p>
        <h1>{t!(i18n, cov_title)}</h1>
        <p class="lead">{t!(i18n, cov_intro)}</p>
        {problem.map(|e| view! {
            <div class="error-summary" role="alert">
                <p>{t!(i18n, insight_bad_filter)} ": " <code>{e.field}</code> " " {e.message}</p>
            </div>
        })}
        <Suspense>
            {move || {
                let pairs = pairs.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(o) => view! { <Coverage o pairs /> }.into_any(),
                        Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
        </div>
    }
}

#[component]
fn Coverage(o: CoverageOverview, pairs: Vec<(String, String)>) -> impl IntoView {
    let i18n = use_i18n();
    if o.gemeenten.is_empty() {
        return view! { <p class="notice">{t!(i18n, cov_no_network)}</p> }.into_any();
    }
    // The question as asked, or the first covered gemeente's buurten by default.
    let q = CoverageQuery::from_pairs(&pairs).unwrap_or_else(|_| CoverageQuery {
        level: "buurt".into(),
        gemeente: o.gemeenten[0].0.clone(),
        minutes: 10,
        categories: Vec::new(),
        qualities: Vec::new(),
        profile: Profile::Default,
        barriers: BarrierMode::Count,
    });
    // An answer only to a question that reads (a wrong one has its error shown above the form).
    let answered = CoverageQuery::from_pairs(&pairs).is_ok();
    view! {
        <Form o=o.clone() q=q.clone() />
        {o.problem.clone().map(|p| view! { <p class="notice" role="alert">{p}</p> })}
        {(answered && o.problem.is_none()).then(|| view! { <Answer rows=o.rows.clone() q=q.clone() /> })}
    }
    .into_any()
}

#[component]
fn Form(o: CoverageOverview, q: CoverageQuery) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let gemeenten = o
        .gemeenten
        .iter()
        .map(|(code, name)| {
            let label = match name {
                Some(n) => format!("{n} ({code})"),
                None => code.clone(),
            };
            view! { <option value=code.clone() selected=*code == q.gemeente>{label}</option> }
        })
        .collect_view();
    let levels = ["gemeente", "wijk", "buurt"]
        .into_iter()
        .map(|lv| view! { <option value=lv selected=q.level == lv>{labels::level(l, lv)}</option> })
        .collect_view();
    let categories = PLACE_CATEGORIES
        .iter()
        .map(|c| {
            view! {
                <option value=*c selected=q.categories.len() == 1 && q.categories[0] == *c>
                    {labels::place_category(l, c)}
                </option>
            }
        })
        .collect_view();
    let qualities = PLACE_QUALITIES
        .iter()
        .map(|w| {
            view! {
                <label class="check">
                    <input type="checkbox" name="quality" value=*w checked=q.qualities.iter().any(|x| x == w) />
                    " " {labels::quality(l, w)}
                </label>
            }
        })
        .collect_view();
    let radio = |name: &'static str, value: &'static str, checked: bool, label: String| {
        view! {
            <label class="check">
                <input type="radio" name=name value=value checked=checked /> " " {label}
            </label>
        }
    };
    view! {
        <form class="filters" method="get" action="/inzicht/bereik" aria-labelledby="coverage-filters">
            <h2 id="coverage-filters">{t!(i18n, insight_filters)}</h2>
            <div class="filter-grid">
                <div class="field"><label for="c-gemeente">{t!(i18n, f_gemeente)}</label>
                    <select id="c-gemeente" name="gemeente">{gemeenten}</select>
                </div>
                <div class="field"><label for="c-level">{t!(i18n, f_level)}</label>
                    <select id="c-level" name="level">{levels}</select>
                </div>
                <div class="field"><label for="c-minutes">{t!(i18n, cov_minutes)}</label>
                    <input id="c-minutes" type="number" name="minutes" min="1" max="60" value=q.minutes.to_string() />
                </div>
                <div class="field"><label for="c-category">{t!(i18n, cov_places)}</label>
                    <select id="c-category" name="category">
                        <option value="" selected=q.categories.is_empty()>{t!(i18n, cov_all_places)}</option>
                        {categories}
                    </select>
                </div>
            </div>
            <fieldset>
                <legend>{t!(i18n, cov_qualities)}</legend>
                {qualities}
            </fieldset>
            <fieldset>
                <legend>{t!(i18n, cov_profile)}</legend>
                {radio("profile", "default", q.profile == Profile::Default, t_string!(i18n, cov_profile_default).to_string())}
                {radio("profile", "slow", q.profile == Profile::Slow, t_string!(i18n, cov_profile_slow).to_string())}
            </fieldset>
            <fieldset>
                <legend>{t!(i18n, cov_barriers)}</legend>
                {radio("barriers", "count", q.barriers == BarrierMode::Count, t_string!(i18n, cov_barriers_count, k = o.k).to_string())}
                {radio("barriers", "ignore", q.barriers == BarrierMode::Ignore, t_string!(i18n, cov_barriers_ignore).to_string())}
            </fieldset>
            <button type="submit" class="button">{t!(i18n, f_apply)}</button>
        </form>
    }
}

/// People (or hectares, without inhabitants) on the network but beyond reach: the table's order.
/// Those off the network have a column of their own.
fn beyond(r: &CoverageRow, by_people: bool) -> f64 {
    if by_people {
        r.beyond_reach.unwrap_or(0) as f64
    } else {
        (1.0 - r.share_within - r.share_off_network).max(0.0) * r.area_ha
    }
}

fn percent(l: Locale, share: f64) -> String {
    format!("{} %", labels::decimal(l, (share * 1000.0).round() / 10.0))
}

#[component]
fn Answer(rows: Vec<CoverageRow>, q: CoverageQuery) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let by_people = !rows.is_empty() && rows.iter().all(|r| r.population.is_some());
    let mut sorted = rows.clone();
    sorted.sort_by(|a, b| beyond(b, by_people).total_cmp(&beyond(a, by_people)));
    let grid = format!(
        "/api/v1/coverage/grid?{}",
        q.to_pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    );
    let minutes_of = move |m: Option<f64>| {
        m.map_or_else(
            || t_string!(i18n, cov_beyond_hour).to_string(),
            |m| labels::decimal(l, m),
        )
    };
    let weighting = if rows.iter().any(|r| r.weighting == Weighting::Population) {
        t_string!(i18n, cov_weighting_population).to_string()
    } else {
        t_string!(i18n, cov_weighting_area).to_string()
    };
    let body = sorted
        .iter()
        .map(|r| {
            let href = format!("/inzicht/gebied/{}", r.area_code);
            let name = r.area_name.clone().unwrap_or_else(|| r.area_code.clone());
            let beyond_text = if by_people {
                r.beyond_reach.map_or_else(String::new, |n| n.to_string())
            } else {
                labels::decimal(l, (beyond(r, false) * 10.0).round() / 10.0)
            };
            view! {
                <tr>
                    <th scope="row"><a href=href>{name}</a> " " <span class="code">{r.area_code.clone()}</span></th>
                    <td class="num">{r.population.map_or_else(String::new, |p| p.to_string())}</td>
                    <td class="num">{percent(l, r.share_within)}</td>
                    <td class="num">{minutes_of(r.median_minutes)}</td>
                    <td class="num">{minutes_of(r.p90_minutes)}</td>
                    <td class="num">{r.places}</td>
                    <td class="num">{percent(l, r.share_off_network)}</td>
                    <td class="num">{beyond_text}</td>
                </tr>
            }
        })
        .collect_view();
    let minutes = q.minutes;
    view! {
        <section class="insight-map js-only" aria-label=move || t_string!(i18n, cov_map_label).to_string()>
            <div class="map coverage-map" data-map="coverage" data-grid=grid data-minutes=minutes.to_string()></div>
            <ul class="legend">
                <li><span class="swatch cov-0" aria-hidden="true"></span>{t!(i18n, cov_legend_within, minutes = minutes)}</li>
                <li><span class="swatch cov-1" aria-hidden="true"></span>{t!(i18n, cov_legend_twice)}</li>
                <li><span class="swatch cov-2" aria-hidden="true"></span>{t!(i18n, cov_legend_longer)}</li>
                <li><span class="swatch cov-3" aria-hidden="true"></span>{t!(i18n, cov_legend_unreachable)}</li>
                <li><span class="swatch cov-off" aria-hidden="true"></span>{t!(i18n, cov_legend_off)}</li>
                <li><span class="swatch cov-place" aria-hidden="true"></span>{t!(i18n, cov_legend_place)}</li>
            </ul>
            <crate::components::map_script::MapScript />
            <script defer src=crate::assets::path("js/coverage.js")></script>
        </section>
        <section aria-labelledby="coverage-table">
            <h2 id="coverage-table">
                {if by_people { t_string!(i18n, cov_table_title) } else { t_string!(i18n, cov_table_title_area) }}
            </h2>
            <p class="hint">{weighting}</p>
            <div class="table-scroll">
            <table>
                <thead><tr>
                    <th scope="col">{t!(i18n, col_area)}</th>
                    <th scope="col">{t!(i18n, col_population)}</th>
                    <th scope="col">{t!(i18n, col_within, minutes = minutes)}</th>
                    <th scope="col">{t!(i18n, col_median)}</th>
                    <th scope="col">{t!(i18n, col_p90)}</th>
                    <th scope="col">{t!(i18n, col_places)}</th>
                    <th scope="col">{t!(i18n, col_off_network)}</th>
                    <th scope="col">{if by_people { t_string!(i18n, col_beyond_people) } else { t_string!(i18n, col_beyond_area) }}</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
            </div>
            <p class="hint">{t!(i18n, cov_how)}</p>
        </section>
    }
}
