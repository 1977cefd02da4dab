use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::area_profile;
use crate::components::trend_chart::TrendChart;
use crate::i18n::*;
use crate::labels;
use crate::model::{AreaFigure, AreaProfile, FacetFigure, InsightFilter, Kind, PLACE_QUALITIES};

/// `/inzicht/gebied/{code}`: one area's profile. The period and campaign of the dashboard
/// carry over through the query string.
#[component]
pub fn AreaPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = use_params_map()
        .get_untracked()
        .get("code")
        .unwrap_or_default();
    let pairs: Vec<(String, String)> = use_query_map()
        .get_untracked()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let filter = InsightFilter::from_pairs(&pairs).unwrap_or_default();
    // The title sits outside the Suspense: a <title> set inside it can miss the streamed <head>.
    let title_code = code.clone();
    let data = Resource::new_blocking(
        move || (code.clone(), filter.clone()),
        |(code, filter)| area_profile(code, filter),
    );
    view! {
        <Title text=move || t_string!(i18n, profile_title, code = title_code.clone()).to_string() />
        <div class="insight">
        {crate::pages::found_or_404(
            data,
            t_string!(i18n, profile_not_found).to_string(),
            |p| view! { <Profile p /> },
        )}
        </div>
    }
}

#[component]
fn Profile(p: AreaProfile) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let title = p.area.label();
    let total = p.figures.iter().find(|f| f.kind.is_none()).cloned();
    let population = p.area.population.map_or_else(
        || t_string!(i18n, unknown_value).to_string(),
        |n| n.to_string(),
    );
    let back = format!("/inzicht?level={}", p.level);
    view! {
        <p><a href=back>{t!(i18n, profile_back)}</a></p>
        <h1>{title} " " <span class="code">{p.area.code.clone()}</span></h1>
        <dl class="facts">
            <dt>{t!(i18n, f_level)}</dt><dd>{labels::level(l, &p.level)}</dd>
            <dt>{t!(i18n, col_population)}</dt><dd>{population}</dd>
            <dt>{t!(i18n, profile_total)}</dt>
            <dd>{labels::figure(l, total.as_ref().map_or(Some(0), |t| t.count))}</dd>
            {p.year.map(|y| view! { <dt>"CBS"</dt><dd>{y}</dd> })}
        </dl>
        <p>
            <a href=format!("/inzicht/gebied/{}/gedaan", p.area.code)>{t!(i18n, done_link)}</a>" · "
            <a href=format!("/inzicht/gebied/{}/rapport", p.area.code)>{t!(i18n, report_area_link)}</a>
        </p>
        {p.dynamics.clone().map(|f| view! {
            <section aria-labelledby="dynamics">
                <h2 id="dynamics">{t!(i18n, dyn_fig_heading)}</h2>
                <crate::components::dynamics_figures::DynamicsTable f />
                <p><a href=format!("/inzicht/gebied/{}/dynamiek", p.area.code)>{t!(i18n, dyn_link)}</a></p>
            </section>
        })}
        <TopicTable kind=Kind::Barrier title=t_string!(i18n, profile_barriers).to_string() figures=p.figures.clone() />
        <BarrierFacets
            id="groups"
            title=t_string!(i18n, profile_groups).to_string()
            intro=t_string!(i18n, profile_groups_text).to_string()
            first_col=t_string!(i18n, col_group).to_string()
            rows=p.barrier_groups.clone()
        />
        <BarrierFacets
            id="severity"
            title=t_string!(i18n, profile_severity).to_string()
            intro=t_string!(i18n, profile_severity_text).to_string()
            first_col=t_string!(i18n, col_severity).to_string()
            rows=p.severity.clone()
        />
        <TopicTable kind=Kind::Wish title=t_string!(i18n, profile_wishes).to_string() figures=p.figures.clone() />
        <section aria-labelledby="talents">
            <h2 id="talents">{t!(i18n, profile_talents)}</h2>
            <p>{t!(i18n, profile_talents_text)} " "
                <strong>{labels::figure(l, p.talents.as_ref().map_or(Some(0), |t| t.count))}</strong>
            </p>
            <p class="hint">{t!(i18n, profile_talents_always)}</p>
            {(!p.offered.is_empty()).then(|| view! {
                <p>{t!(i18n, profile_talents_list)}</p>
                <ul class="offered">{p.offered.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}</ul>
            })}
        </section>
        <Places p=p.clone() />
        <WalkingCoverage code=p.area.code.clone() />
        {match p.representation.clone() {
            Some(r) => view! { <Representativeness r /> }.into_any(),
            None => view! {
                <section aria-labelledby="representation">
                    <h2 id="representation">{t!(i18n, profile_representation)}</h2>
                    <p>{t!(i18n, profile_representation_where)}</p>
                </section>
            }.into_any(),
        }}
        <section aria-labelledby="time">
            <h2 id="time">{t!(i18n, profile_time)}</h2>
            <TrendChart figures=p.months.clone() id="profile-trend" />
        </section>
    }
}

/// The area's walking coverage within 10 minutes: both profiles, with and without residents'
/// barriers, so the difference the barriers make is there to read.
#[component]
fn WalkingCoverage(code: String) -> impl IntoView {
    let i18n = use_i18n();
    let gemeente = if code.starts_with("GM") {
        code.clone()
    } else {
        format!("GM{}", code.get(2..6).unwrap_or_default())
    };
    let level = match code.get(..2) {
        Some("BU") => "buurt",
        Some("WK") => "wijk",
        _ => "gemeente",
    };
    let more = format!("/inzicht/bereik?gemeente={gemeente}&level={level}");
    let data = Resource::new_blocking(move || code.clone(), crate::api::area_coverage);
    view! {
        <section aria-labelledby="coverage">
            <h2 id="coverage">{t!(i18n, profile_coverage)}</h2>
            <Suspense>
                {move || {
                    let more = more.clone();
                    Suspend::new(async move {
                        match data.await {
                            Ok(rows) if rows.is_empty() => {
                                view! { <p>{t!(i18n, profile_coverage_none)}</p> }.into_any()
                            }
                            Ok(rows) => view! {
                                <CoverageTable rows />
                                <p><a href=more>{t!(i18n, cov_more)}</a></p>
                            }.into_any(),
                            Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// Walking coverage within 10 minutes: a row per walker and barrier mode.
#[component]
pub(super) fn CoverageTable(rows: Vec<crate::model::AreaCoverage>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let minutes = move |m: Option<f64>| {
        m.map_or_else(
            || t_string!(i18n, cov_beyond_hour).to_string(),
            |m| labels::decimal(l, m),
        )
    };
    let body = rows
        .iter()
        .map(|c| {
            let who = match c.profile {
                crate::model::Profile::Default => t_string!(i18n, cov_profile_default),
                crate::model::Profile::Slow => t_string!(i18n, cov_profile_slow),
            };
            let barriers = match c.barriers {
                crate::model::BarrierMode::Count => t_string!(i18n, cov_with_barriers),
                crate::model::BarrierMode::Ignore => t_string!(i18n, cov_without_barriers),
            };
            view! {
                <tr>
                    <th scope="row">{who} ", " {barriers}</th>
                    <td class="num">{format!("{} %", labels::decimal(l, (c.row.share_within * 1000.0).round() / 10.0))}</td>
                    <td class="num">{minutes(c.row.median_minutes)}</td>
                    <td class="num">{minutes(c.row.p90_minutes)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table>
            <thead><tr>
                <th scope="col">{t!(i18n, cov_profile)}</th>
                <th scope="col">{t!(i18n, col_within, minutes = 10)}</th>
                <th scope="col">{t!(i18n, col_median)}</th>
                <th scope="col">{t!(i18n, col_p90)}</th>
            </tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}

/// The area's barriers by a detail (the group they stop, or their severity): how many, from how
/// many residents, and the categories behind them, most first. Groups without barriers are listed
/// too (0), so "nobody reported a barrier for wheelchair users here" can be read.
#[component]
pub(super) fn BarrierFacets(
    id: &'static str,
    title: String,
    intro: String,
    first_col: String,
    rows: Vec<FacetFigure>,
) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let name = move |facet: &str| match facet {
        "1" => t_string!(i18n, sev_1).to_string(),
        "2" => t_string!(i18n, sev_2).to_string(),
        "3" => t_string!(i18n, sev_3).to_string(),
        group => labels::affects(l, group),
    };
    let body = rows
        .into_iter()
        .map(|r| {
            let mostly = r
                .categories
                .iter()
                .filter(|c| !c.suppressed && c.count.unwrap_or(0) > 0)
                .take(3)
                .map(|c| {
                    format!(
                        "{} ({})",
                        labels::category(
                            l,
                            Kind::Barrier,
                            c.category.as_deref().unwrap_or_default()
                        ),
                        labels::figure(l, c.count)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <tr class:suppressed=r.total.suppressed data-facet=r.facet.clone()>
                    <th scope="row">{name(&r.facet)}</th>
                    <td class="num">{labels::figure(l, r.total.count)}</td>
                    <td>{mostly}</td>
                </tr>
            }
        })
        .collect_view();
    let heading = format!("{id}-title");
    let labelled_by = heading.clone();
    view! {
        <section aria-labelledby=labelled_by id=id>
            <h2 id=heading>{title}</h2>
            <p>{intro}</p>
            <table>
                <thead><tr>
                    <th scope="col">{first_col}</th>
                    <th scope="col">{t!(i18n, col_count)}</th>
                    <th scope="col">{t!(i18n, col_mostly)}</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </section>
    }
}

/// The categories of one kind in this area, most reported first; hidden counts last.
#[component]
pub(super) fn TopicTable(kind: Kind, title: String, figures: Vec<AreaFigure>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let id = format!("topic-{}", kind.as_str());
    let mut rows: Vec<AreaFigure> = figures
        .into_iter()
        .filter(|f| f.kind == Some(kind) && f.category.is_some())
        .collect();
    rows.sort_by_key(|f| (std::cmp::Reverse(f.count), f.category.clone()));
    let body = if rows.is_empty() {
        view! { <p>{t!(i18n, profile_none)}</p> }.into_any()
    } else {
        let rows = rows
            .into_iter()
            .map(|f| {
                let name = labels::category(l, kind, f.category.as_deref().unwrap_or_default());
                view! {
                    <tr class:suppressed=f.suppressed>
                        <th scope="row">{name}</th>
                        <td class="num">{labels::figure(l, f.count)}</td>
                        <td class="num">{labels::figure(l, f.respondents)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table>
                <thead><tr>
                    <th scope="col">{t!(i18n, col_category)}</th>
                    <th scope="col">{t!(i18n, col_count)}</th>
                    <th scope="col">{t!(i18n, col_respondents)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let labelled_by = id.clone();
    view! {
        <section aria-labelledby=labelled_by>
            <h2 id=id>{title}</h2>
            {body}
        </section>
    }
}

/// Meeting places as the public map shows them (places are not personal), and how many of them have
/// each low-threshold quality.
#[component]
fn Places(p: AreaProfile) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    if p.places.is_empty() {
        return view! {
            <section aria-labelledby="places">
                <h2 id="places">{t!(i18n, profile_places)}</h2>
                <p>{t!(i18n, profile_places_none)}</p>
            </section>
        }
        .into_any();
    }
    let mut by_category: Vec<(String, usize)> = Vec::new();
    for place in &p.places {
        match by_category.iter_mut().find(|(c, _)| *c == place.category) {
            Some((_, n)) => *n += 1,
            None => by_category.push((place.category.clone(), 1)),
        }
    }
    by_category.sort_by_key(|(c, n)| (std::cmp::Reverse(*n), c.clone()));
    let categories = by_category
        .into_iter()
        .map(|(c, n)| view! {
            <tr><th scope="row">{labels::category(l, Kind::Place, &c)}</th><td class="num">{n}</td></tr>
        })
        .collect_view();
    let qualities = PLACE_QUALITIES
        .iter()
        .map(|q| {
            let n = p
                .places
                .iter()
                .filter(|x| x.qualities.iter().any(|y| y == q))
                .count();
            view! { <tr><th scope="row">{labels::quality(l, q)}</th><td class="num">{n}</td></tr> }
        })
        .collect_view();
    view! {
        <section aria-labelledby="places">
            <h2 id="places">{t!(i18n, profile_places)}</h2>
            <table>
                <thead><tr>
                    <th scope="col">{t!(i18n, col_category)}</th>
                    <th scope="col">{t!(i18n, col_places)}</th>
                </tr></thead>
                <tbody>{categories}</tbody>
            </table>
            <h3>{t!(i18n, profile_qualities)}</h3>
            <table>
                <thead><tr>
                    <th scope="col">{t!(i18n, col_quality)}</th>
                    <th scope="col">{t!(i18n, col_places)}</th>
                </tr></thead>
                <tbody>{qualities}</tbody>
            </table>
        </section>
    }
    .into_any()
}

/// Who took part, per CBS age band, beside who lives there.
#[component]
pub(super) fn Representativeness(r: crate::model::Representation) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let pct = |x: Option<f64>| x.map_or_else(|| "–".to_string(), |v| format!("{:.0}%", v * 100.0));
    let rows = r
        .bands
        .iter()
        .map(|b| {
            let band = labels::age_band(l, &b.band);
            view! {
                <tr class:suppressed=b.respondents.is_none()>
                    <th scope="row">{band}</th>
                    <td class="num">{labels::figure(l, b.respondents)}</td>
                    <td class="num">{if b.respondents.is_some() { pct(b.share) } else { "–".to_string() }}</td>
                    <td class="num">{pct(b.population_share)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="representation">
            <h2 id="representation">{t!(i18n, profile_representation)}</h2>
            <p>{t!(i18n, profile_representation_text)}</p>
            {(!r.has_population).then(|| view! { <p class="notice">{t!(i18n, profile_no_cbs_ages)}</p> })}
            <table>
                <thead><tr>
                    <th scope="col">{t!(i18n, col_age_band)}</th>
                    <th scope="col">{t!(i18n, col_respondents)}</th>
                    <th scope="col">{t!(i18n, col_share_respondents)}</th>
                    <th scope="col">{t!(i18n, col_share_population)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="hint">
                {t!(i18n, profile_age_answered)} " " {labels::figure(l, r.answered)} ". "
                {t!(i18n, profile_age_unknown)} " " {labels::figure(l, r.unknown)} "."
            </p>
        </section>
    }
}
