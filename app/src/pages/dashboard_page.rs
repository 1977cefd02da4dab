use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::insight;
use crate::components::quality_checks::QualityChecks;
use crate::html::query_string;
use crate::i18n::*;
use crate::labels;
use crate::model::{class_breaks, AreaSummary, InsightFilter, InsightOverview, Kind};

/// More areas than this (every buurt of the country, say) are not drawn or listed at once: the page
/// would weigh megabytes. The advisor narrows to a gemeente or a coarser level first.
const MAX_AREAS_SHOWN: usize = 2000;

/// The choropleth's colours, light to dark (ColorBrewer YlGnBu, readable for colour-blind people).
pub const CLASS_COLOURS: [&str; 5] = ["#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"];

/// What the map and the table show per area.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Measure {
    Count,
    Per1000,
}

/// How the table is sorted: by which column, and descending or not.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Area,
    Population,
    Count,
    Per1000,
}

impl SortKey {
    const ALL: [(SortKey, &'static str); 4] = [
        (SortKey::Area, "area"),
        (SortKey::Population, "population"),
        (SortKey::Count, "count"),
        (SortKey::Per1000, "per_1000"),
    ];

    fn parse(s: Option<&str>) -> SortKey {
        Self::ALL
            .iter()
            .find(|(_, id)| Some(*id) == s)
            .map_or(SortKey::Area, |(k, _)| *k)
    }

    fn id(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("area", |(_, id)| id)
    }
}

/// The page's own parameters next to the filter's.
#[derive(Clone)]
struct View {
    filter: InsightFilter,
    measure: Measure,
    sort: SortKey,
    descending: bool,
}

impl View {
    /// A link to this page with the same filter and the given measure/sort.
    fn href(&self, sort: SortKey, descending: bool) -> String {
        let mut pairs = self.filter.to_pairs();
        if self.measure == Measure::Count {
            pairs.push(("measure", "count".into()));
        }
        pairs.push(("sort", sort.id().into()));
        if descending {
            pairs.push(("dir", "desc".into()));
        }
        format!("/inzicht?{}", query_string(&pairs))
    }
}

/// `/inzicht`: the advisors' dashboard. Everything on it is aggregated and suppressed, so it needs no
/// account; it works without JavaScript (a GET form, a sortable table), and with it draws the map.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let pairs: Vec<(String, String)> = query
        .get_untracked()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let param = |k: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let (filter, problem) = match InsightFilter::from_pairs(&pairs) {
        Ok(f) => (f, None),
        Err(e) => (
            InsightFilter {
                level: "buurt".into(),
                ..Default::default()
            },
            Some(e),
        ),
    };
    let view_state = View {
        filter: filter.clone(),
        measure: if param("measure") == Some("count") {
            Measure::Count
        } else {
            Measure::Per1000
        },
        sort: SortKey::parse(param("sort")),
        descending: param("dir") == Some("desc"),
    };
    // With a campaign chosen, its survey results are one click away (ids are slugs; anything else
    // the query string brought gets no link).
    let survey_link = filter
        .campaign
        .clone()
        .filter(|c| {
            !c.is_empty()
                && c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        })
        .map(|c| format!("/inzicht/enquete/{c}"));
    let data = Resource::new_blocking(move || filter.clone(), insight);
    view! {
        <Title text=move || t_string!(i18n, insight_title).to_string() />
        <div class="insight">
        <h1>{t!(i18n, insight_title)}</h1>
        <p class="lead">{t!(i18n, insight_intro, k = 5)}</p>
        <p><a href="/inzicht/bereik">{t!(i18n, cov_link)}</a></p>
        {survey_link.map(|href| view! { <p><a href=href>{t!(i18n, sr_link)}</a></p> })}
        {problem.map(|e| view! {
            <div class="error-summary" role="alert">
                <p>{t!(i18n, insight_bad_filter)} ": " <code>{e.field}</code> " " {e.message}</p>
            </div>
        })}
        <Suspense>
            {move || {
                let view_state = view_state.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(o) => view! { <Dashboard o view_state /> }.into_any(),
                        Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
        </div>
    }
}

#[component]
fn Dashboard(o: InsightOverview, view_state: View) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let f = view_state.filter.clone();
    // Without inhabitants anywhere, "per 1,000" would be empty: fall back to counts.
    let has_population = o.areas.iter().any(|a| a.population.is_some());
    let measure = if has_population {
        view_state.measure
    } else {
        Measure::Count
    };
    let value = |code: &str, population: Option<i64>| -> Option<Option<f64>> {
        // Some(None): suppressed; Some(Some(x)): a value; None: no value for this measure.
        match o.figure(code) {
            Some(fig) if fig.suppressed => Some(None),
            Some(fig) => match measure {
                Measure::Count => fig.count.map(|c| Some(c as f64)),
                Measure::Per1000 => fig.per_1000.map(Some),
            },
            None => match (measure, population) {
                (Measure::Count, _) => Some(Some(0.0)),
                (Measure::Per1000, Some(p)) if p > 0 => Some(Some(0.0)),
                _ => None,
            },
        }
    };
    let mut values = serde_json::Map::new();
    let mut positives = Vec::new();
    for a in &o.areas {
        if let Some(v) = value(&a.code, a.population) {
            if let Some(x) = v.filter(|x| *x > 0.0) {
                positives.push(x);
            }
            values.insert(a.code.clone(), v.into());
        }
    }
    let breaks = class_breaks(&positives);
    let (hk, hc) = f.headline();
    let mut heat = Vec::new();
    if let Some(k) = hk {
        heat.push(("kind", k.as_str().to_string()));
    }
    if let Some(c) = hc {
        heat.push(("category", c));
    }
    // The density layer takes the filters that are public per entry: not campaign or source.
    for (k, v) in f.to_pairs() {
        if k == "period" {
            heat.push((k, v));
        }
    }
    let export = query_string(&f.to_pairs());
    let legend_rows = breaks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let value = labels::decimal(l, *b);
            view! {
                <li>
                    // A class per colour, not a style attribute: the CSP allows no inline styles.
                    <span class=format!("swatch class-{i}") aria-hidden="true"></span>
                    {t!(i18n, legend_upto, value = value.clone())}
                </li>
            }
        })
        .collect_view();
    let measure_label = match measure {
        Measure::Count => t_string!(i18n, measure_count).to_string(),
        Measure::Per1000 => t_string!(i18n, measure_per_1000).to_string(),
    };
    let no_areas = o.areas.is_empty();
    let too_many = o.areas.len() > MAX_AREAS_SHOWN;
    let n_areas = o.areas.len();
    view! {
        <Filters o=o.clone() view_state=view_state.clone() has_population />
        {o.year.map(|year| view! { <p class="hint">{t!(i18n, insight_year, year = year)}</p> })}
        {if no_areas {
            view! { <p class="notice">{t!(i18n, insight_no_areas)}</p> }.into_any()
        } else if too_many {
            view! { <p class="notice">{t!(i18n, insight_too_many, n = n_areas)}</p> }.into_any()
        } else {
            view! {
                <div class="insight-layout">
                <section class="insight-map js-only" aria-label=move || t_string!(i18n, insight_map_label).to_string()>
                    <div
                        class="map choropleth"
                        data-map="choropleth"
                        data-level=f.level.clone()
                        data-gemeente=f.gemeente.clone().unwrap_or_default()
                        data-values=serde_json::Value::Object(values).to_string()
                        data-breaks=serde_json::to_string(&breaks).unwrap_or_default()
                        data-colours=serde_json::to_string(&CLASS_COLOURS).unwrap_or_default()
                        data-heatmap=query_string(&heat)
                        data-text-suppressed=move || t_string!(i18n, legend_suppressed).to_string()
                        data-text-measure=measure_label.clone()
                        tabindex="0"
                        role="region"
                        aria-label=move || t_string!(i18n, insight_map_label).to_string()
                    >
                        <p class="map-loading">{t!(i18n, map_loading)}</p>
                    </div>
                    <crate::components::map_script::MapScript />
                    <label class="check heatmap-toggle">
                        <input type="checkbox" data-heatmap-toggle="" />
                        {t!(i18n, heatmap_toggle)}
                    </label>
                </section>
                <section class="legend-box" aria-labelledby="legend-title">
                    <h2 id="legend-title">{t!(i18n, legend_title)} ": " {measure_label.clone()}</h2>
                    <ul class="legend">
                        <li><span class="swatch none" aria-hidden="true"></span>{t!(i18n, legend_none)}</li>
                        {legend_rows}
                        <li><span class="swatch suppressed" aria-hidden="true"></span>{t!(i18n, legend_suppressed)}</li>
                    </ul>
                </section>
                </div>
                <AreaTable o=o.clone() view_state=view_state.clone() />
                <Trend o=o.clone() />
                <DynamicsSection o=o.clone() />
                <section aria-labelledby="export-title">
                    <h2 id="export-title">{t!(i18n, export_title)}</h2>
                    <ul class="exports">
                        <li><a href=format!("/api/v1/export.csv?{export}") download="">{t!(i18n, export_csv)}</a></li>
                        <li><a href=format!("/api/v1/export.geojson?{export}") download="">{t!(i18n, export_geojson)}</a></li>
                    </ul>
                </section>
            }.into_any()
        }}
    }
}

/// Entries per month of one gemeente under the filter, as a chart and a table.
#[component]
fn Trend(o: InsightOverview) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="trend-title">
            <h2 id="trend-title">{t!(i18n, insight_trend)}</h2>
            {match o.trend_area {
                Some(a) => view! {
                    <p>{t!(i18n, insight_trend_of, area = a.label())}</p>
                    <crate::components::trend_chart::TrendChart figures=o.trend id="insight-trend" />
                }.into_any(),
                None => view! { <p>{t!(i18n, insight_trend_choose)}</p> }.into_any(),
            }}
        </section>
    }
}

/// The trend's gemeente's dynamics: what workers recorded there, with the way to its map.
#[component]
fn DynamicsSection(o: InsightOverview) -> impl IntoView {
    let i18n = use_i18n();
    let (Some(a), Some(f)) = (o.trend_area, o.dynamics) else {
        return ().into_any();
    };
    view! {
        <section aria-labelledby="dynamics-title">
            <h2 id="dynamics-title">{t!(i18n, dyn_fig_heading)}</h2>
            <p>{t!(i18n, insight_trend_of, area = a.label())}</p>
            <crate::components::dynamics_figures::DynamicsTable f />
            <p><a href=format!("/inzicht/gebied/{}/dynamiek", a.code)>{t!(i18n, dyn_link)}</a></p>
        </section>
    }
    .into_any()
}

/// The filter form: a plain GET, so every view has its own address (to bookmark or share).
#[component]
fn Filters(o: InsightOverview, view_state: View, has_population: bool) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let f = view_state.filter.clone();
    let opt = |value: String, label: String, selected: bool| {
        view! { <option value=value selected=selected>{label}</option> }
    };
    let levels = ["gemeente", "wijk", "buurt"]
        .into_iter()
        .map(|lv| opt(lv.into(), labels::level(l, lv), f.level == lv))
        .collect_view();
    let kinds = Kind::ALL
        .into_iter()
        .map(|k| opt(k.as_str().into(), labels::kind(l, k), f.kind == Some(k)))
        .collect_view();
    let categories = Kind::ALL
        .into_iter()
        .filter(|k| f.kind.is_none_or(|fk| fk == *k))
        .map(|k| {
            let options = k
                .categories()
                .iter()
                .map(|c| {
                    opt(
                        c.to_string(),
                        labels::category(l, k, c),
                        f.category.as_deref() == Some(c),
                    )
                })
                .collect_view();
            view! { <optgroup label=labels::kind(l, k)>{options}</optgroup> }
        })
        .collect_view();
    let periods = o
        .periods
        .iter()
        .map(|p| opt(p.to_string(), labels::period(l, *p), f.period == *p))
        .collect_view();
    let campaigns = o
        .campaigns
        .iter()
        .map(|c| {
            opt(
                c.clone(),
                c.replace('_', " "),
                f.campaign.as_deref() == Some(c),
            )
        })
        .collect_view();
    let gemeenten = o
        .gemeenten
        .iter()
        .map(|g: &AreaSummary| {
            opt(
                g.code.clone(),
                g.label(),
                f.gemeente.as_deref() == Some(&g.code),
            )
        })
        .collect_view();
    let groups = crate::model::BARRIER_AFFECTS
        .iter()
        .map(|g| {
            opt(
                g.to_string(),
                labels::affects(l, g),
                f.affects.as_deref() == Some(*g),
            )
        })
        .collect_view();
    let per_1000 = view_state.measure == Measure::Per1000 && has_population;
    view! {
        <form class="filters" method="get" action="/inzicht" aria-labelledby="filters-title">
            <h2 id="filters-title">{t!(i18n, insight_filters)}</h2>
            <div class="filter-grid">
                <div class="field"><label for="f-level">{t!(i18n, f_level)}</label>
                    <select id="f-level" name="level">{levels}</select>
                </div>
                <div class="field"><label for="f-gemeente">{t!(i18n, f_gemeente)}</label>
                    <select id="f-gemeente" name="gemeente">
                        <option value="">{t!(i18n, f_all_gemeenten)}</option>
                        {gemeenten}
                    </select>
                </div>
                <div class="field"><label for="f-kind">{t!(i18n, f_kind)}</label>
                    <select id="f-kind" name="kind">
                        <option value="">{t!(i18n, f_all_kinds)}</option>
                        {kinds}
                    </select>
                </div>
                <div class="field"><label for="f-category">{t!(i18n, f_category)}</label>
                    <select id="f-category" name="category">
                        <option value="">{t!(i18n, f_all_categories)}</option>
                        {categories}
                    </select>
                </div>
                <div class="field"><label for="f-affects">{t!(i18n, f_affects)}</label>
                    <select id="f-affects" name="affects">
                        <option value="">{t!(i18n, f_all_groups)}</option>
                        {groups}
                    </select>
                </div>
                <div class="field"><label for="f-period">{t!(i18n, f_period)}</label>
                    <select id="f-period" name="period">
                        <option value="">{t!(i18n, f_all_time)}</option>
                        {periods}
                    </select>
                </div>
                <div class="field"><label for="f-campaign">{t!(i18n, f_campaign)}</label>
                    <select id="f-campaign" name="campaign">
                        <option value="">{t!(i18n, f_all_campaigns)}</option>
                        {campaigns}
                    </select>
                </div>
                <div class="field"><label for="f-measure">{t!(i18n, f_measure)}</label>
                    <select id="f-measure" name="measure">
                        <option value="per_1000" selected=per_1000>{t!(i18n, measure_per_1000)}</option>
                        <option value="count" selected=!per_1000>{t!(i18n, measure_count)}</option>
                    </select>
                </div>
            </div>
            <fieldset class="qualities">
                <legend>{t!(i18n, f_quality)}</legend>
                <QualityChecks id_prefix="f-quality" chosen=f.quality.clone() />
            </fieldset>
            <button type="submit" class="button">{t!(i18n, f_apply)}</button>
        </form>
    }
}

/// One line of the area table.
struct Row {
    area: AreaSummary,
    count: Option<u64>,
    respondents: Option<u64>,
    per_1000: Option<f64>,
    suppressed: bool,
}

/// Every area of the level, sortable by each column through plain links (`aria-sort` says how).
#[component]
fn AreaTable(o: InsightOverview, view_state: View) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let mut rows: Vec<Row> = o
        .areas
        .iter()
        .map(|a| match o.figure(&a.code) {
            Some(fig) => Row {
                area: a.clone(),
                count: fig.count,
                respondents: fig.respondents,
                per_1000: fig.per_1000,
                suppressed: fig.suppressed,
            },
            None => Row {
                area: a.clone(),
                count: Some(0),
                respondents: Some(0),
                per_1000: a.population.filter(|p| *p > 0).map(|_| 0.0),
                suppressed: false,
            },
        })
        .collect();
    // Suppressed and unknown values sort last either way.
    let key = |r: &Row| -> Option<f64> {
        match view_state.sort {
            SortKey::Area => None,
            SortKey::Population => r.area.population.map(|p| p as f64),
            SortKey::Count => r.count.map(|c| c as f64),
            SortKey::Per1000 => r.per_1000,
        }
    };
    rows.sort_by(|a, b| match view_state.sort {
        SortKey::Area => {
            let o = a
                .area
                .label()
                .to_lowercase()
                .cmp(&b.area.label().to_lowercase());
            if view_state.descending {
                o.reverse()
            } else {
                o
            }
        }
        _ => match (key(a), key(b)) {
            (Some(x), Some(y)) => {
                let o = x.total_cmp(&y);
                if view_state.descending {
                    o.reverse()
                } else {
                    o
                }
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.area.code.cmp(&b.area.code),
        },
    });
    let profile_query = query_string(
        &view_state
            .filter
            .to_pairs()
            .into_iter()
            .filter(|(k, _)| matches!(*k, "period" | "campaign"))
            .collect::<Vec<_>>(),
    );
    let header = move |key: SortKey, label: String| {
        let active = view_state.sort == key;
        // A first click sorts numbers high to low, names A to Z; a second click turns it round.
        let next_desc = if active {
            !view_state.descending
        } else {
            key != SortKey::Area
        };
        let aria = active.then_some(if view_state.descending {
            "descending"
        } else {
            "ascending"
        });
        let href = view_state.href(key, next_desc);
        let arrow = match (active, view_state.descending) {
            (false, _) => "",
            (true, false) => " ▲",
            (true, true) => " ▼",
        };
        let title = t_string!(i18n, sort_by, column = label.clone()).to_string();
        view! {
            <th scope="col" aria-sort=aria>
                <a href=href title=title>{label}<span aria-hidden="true">{arrow}</span></a>
            </th>
        }
    };
    let body = rows
        .into_iter()
        .map(|Row { area: a, count, respondents, per_1000, suppressed }| {
            let href = if profile_query.is_empty() {
                format!("/inzicht/gebied/{}", a.code)
            } else {
                format!("/inzicht/gebied/{}?{profile_query}", a.code)
            };
            let unknown = t_string!(i18n, unknown_value).to_string();
            let hidden = t_string!(i18n, suppressed_value).to_string();
            let show_per = match (suppressed, per_1000) {
                (true, _) => hidden.clone(),
                (false, Some(x)) => labels::decimal(l, x),
                (false, None) => unknown.clone(),
            };
            view! {
                <tr class:suppressed=suppressed>
                    <th scope="row"><a href=href>{a.label()}</a> " " <span class="code">{a.code.clone()}</span></th>
                    <td class="num">{a.population.map_or(unknown, |p| p.to_string())}</td>
                    <td class="num">{labels::figure(l, count)}</td>
                    <td class="num">{labels::residents(l, count, respondents)}</td>
                    <td class="num">{show_per}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="table-title">
            <h2 id="table-title">{t!(i18n, table_title)}</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="table-title">
                <table class="areas">
                    <thead>
                        <tr>
                            {header(SortKey::Area, t_string!(i18n, col_area).to_string())}
                            {header(SortKey::Population, t_string!(i18n, col_population).to_string())}
                            {header(SortKey::Count, t_string!(i18n, col_count).to_string())}
                            <th scope="col">{t!(i18n, col_respondents)}</th>
                            {header(SortKey::Per1000, t_string!(i18n, col_per_1000).to_string())}
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::CLASS_COLOURS;

    #[test]
    fn the_legend_classes_have_the_maps_colours() {
        let css = include_str!("../../style/main.css");
        for (i, colour) in CLASS_COLOURS.iter().enumerate() {
            let rule = format!(".swatch.class-{i} {{ background: {colour}; }}");
            assert!(css.contains(&rule), "main.css lacks {rule}");
        }
    }
}
