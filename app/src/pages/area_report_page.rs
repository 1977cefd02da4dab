use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::area_page::{BarrierFacets, CoverageTable, Representativeness, TopicTable};
use crate::api::area_report;
use crate::i18n::*;
use crate::labels;
use crate::model::{AreaFigure, AreaReport, Kind, ReportMap, SurveyResults};

/// `/inzicht/gebied/{code}/rapport`: one area on a few A4 pages for a wijk meeting or the council.
/// The same figures as the profile, under the same suppression, with a map the server draws; the
/// browser's "print" or "save as PDF" makes the paper (`@media print` in main.css; the layout
/// leaves out the site's navigation on this page).
#[component]
pub fn AreaReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = use_params_map()
        .get_untracked()
        .get("code")
        .unwrap_or_default();
    let lang = i18n.get_locale_untracked().as_str().to_string();
    let data = Resource::new_blocking(
        move || (code.clone(), lang.clone()),
        |(code, lang)| area_report(code, lang),
    );
    // The title sits outside the Suspense: a <title> set inside it can miss the streamed <head>.
    view! {
        <Title text=move || t_string!(i18n, report_area_title).to_string() />
        {crate::pages::found_or_404(
            data,
            t_string!(i18n, profile_not_found).to_string(),
            |r| view! { <Report r /> },
        )}
    }
}

#[component]
fn Report(r: AreaReport) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let p = r.profile.clone();
    let name = p.area.label();
    let total = p.figures.iter().find(|f| f.kind.is_none()).cloned();
    let population = p.area.population.map_or_else(
        || t_string!(i18n, unknown_value).to_string(),
        |n| n.to_string(),
    );
    let kinds = Kind::ALL
        .into_iter()
        .map(|k| {
            let f = p
                .figures
                .iter()
                .find(|f| f.kind == Some(k) && f.category.is_none())
                .cloned();
            view! {
                <tr>
                    <th scope="row">{labels::kind(l, k)}</th>
                    <td class="num">{labels::figure(l, f.as_ref().map_or(Some(0), |f| f.count))}</td>
                    <td class="num">{labels::figure(l, f.as_ref().map_or(Some(0), |f| f.respondents))}</td>
                    <td class="num">{per_1000(l, f.as_ref())}</td>
                </tr>
            }
        })
        .collect_view();
    let changes = r
        .changes
        .entries
        .iter()
        .map(|e| {
            let what = format!(
                "{}: {} ({})",
                labels::kind(l, e.kind),
                labels::category(l, e.kind, &e.category),
                labels::month(l, &e.month)
            );
            let steps = e
                .changes
                .iter()
                .map(|c| format!("{} {}", c.day, labels::status(l, c.status)))
                .collect::<Vec<_>>()
                .join(" · ");
            view! {
                <li>
                    <strong>{what}</strong>" — "{steps}
                    {e.note.clone().map(|n| view! { <br /><span class="status-note">{n}</span> })}
                </li>
            }
        })
        .collect_view();
    let no_changes = r.changes.entries.is_empty();
    let surveys = r
        .surveys
        .iter()
        .cloned()
        .map(|s| view! { <Survey s /> })
        .collect_view();
    let no_surveys = r.surveys.is_empty();
    let screen_back = format!("/inzicht/gebied/{}", p.area.code);
    view! {
        <article class="area-report">
            <p class="screen-only">
                <a href=screen_back>{t!(i18n, profile_back)}</a>" · "{t!(i18n, report_print_hint)}
            </p>
            // One text, so the heading reads (and prints, and copies) as one line.
            <h1>{t_string!(i18n, report_area_heading, area = name.clone()).to_string()}" "<span class="code">{p.area.code.clone()}</span></h1>
            <p class="lead">
                {labels::level(l, &p.level)}" · "{t!(i18n, report_made_on, day = r.day.clone())}
            </p>
            <section aria-labelledby="r-map" class="report-map">
                <h2 id="r-map">{t!(i18n, report_map)}</h2>
                <AreaMap map=r.map.clone() name=name.clone() />
            </section>
            <section aria-labelledby="r-figures">
                <h2 id="r-figures">{t!(i18n, report_key_figures)}</h2>
                <dl class="facts">
                    <dt>{t!(i18n, col_population)}</dt><dd>{population}</dd>
                    <dt>{t!(i18n, profile_total)}</dt>
                    <dd>{labels::figure(l, total.as_ref().map_or(Some(0), |t| t.count))}</dd>
                    <dt>{t!(i18n, col_respondents)}</dt>
                    <dd>{labels::figure(l, total.as_ref().map_or(Some(0), |t| t.respondents))}</dd>
                    <dt>{t!(i18n, col_per_1000)}</dt><dd>{per_1000(l, total.as_ref())}</dd>
                </dl>
                <table>
                    <thead><tr>
                        <th scope="col">{t!(i18n, map_col_kind)}</th>
                        <th scope="col">{t!(i18n, col_count)}</th>
                        <th scope="col">{t!(i18n, col_respondents)}</th>
                        <th scope="col">{t!(i18n, col_per_1000)}</th>
                    </tr></thead>
                    <tbody>{kinds}</tbody>
                </table>
            </section>
            <section aria-labelledby="r-talents">
                <h2 id="r-talents">{t!(i18n, report_talents_wishes)}</h2>
                <p>{t!(i18n, profile_talents_text)}" "
                    <strong>{labels::figure(l, p.talents.as_ref().map_or(Some(0), |t| t.count))}</strong>
                </p>
                {(!p.offered.is_empty()).then(|| view! {
                    <p>{t!(i18n, profile_talents_list)}</p>
                    <ul class="offered">{p.offered.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}</ul>
                })}
                <TopicTable kind=Kind::Wish title=t_string!(i18n, profile_wishes).to_string() figures=p.figures.clone() />
            </section>
            <BarrierFacets
                id="r-groups"
                title=t_string!(i18n, profile_groups).to_string()
                intro=t_string!(i18n, profile_groups_text).to_string()
                first_col=t_string!(i18n, col_group).to_string()
                rows=p.barrier_groups.clone()
            />
            <section aria-labelledby="r-survey">
                <h2 id="r-survey">{t!(i18n, report_survey)}</h2>
                {if no_surveys {
                    view! { <p>{t!(i18n, report_no_survey)}</p> }.into_any()
                } else {
                    surveys.into_any()
                }}
            </section>
            {match p.representation.clone() {
                Some(rep) => view! { <Representativeness r=rep /> }.into_any(),
                None => view! {
                    <section aria-labelledby="representation">
                        <h2 id="representation">{t!(i18n, profile_representation)}</h2>
                        <p>{t!(i18n, profile_representation_where)}</p>
                    </section>
                }.into_any(),
            }}
            <section aria-labelledby="r-coverage">
                <h2 id="r-coverage">{t!(i18n, profile_coverage)}</h2>
                {if r.coverage.is_empty() {
                    view! { <p>{t!(i18n, profile_coverage_none)}</p> }.into_any()
                } else {
                    view! { <CoverageTable rows=r.coverage.clone() /> }.into_any()
                }}
            </section>
            <section aria-labelledby="r-done">
                <h2 id="r-done">{t!(i18n, done_title)}</h2>
                {if no_changes {
                    view! { <p>{t!(i18n, done_none)}</p> }.into_any()
                } else {
                    view! { <ul class="report-done">{changes}</ul> }.into_any()
                }}
            </section>
            {p.dynamics.clone().map(|f| view! {
                <section aria-labelledby="r-dynamics">
                    <h2 id="r-dynamics">{t!(i18n, dyn_fig_heading)}</h2>
                    <crate::components::dynamics_figures::DynamicsTable f />
                </section>
            })}
            <section aria-labelledby="r-basis">
                <h2 id="r-basis">{t!(i18n, report_basis)}</h2>
                <p>{t!(i18n, report_basis_text, k = r.k, day = r.day.clone())}</p>
                {p.year.map(|y| view! { <p>{t!(i18n, report_basis_cbs, year = y)}</p> })}
            </section>
        </article>
    }
}

fn per_1000(l: Locale, f: Option<&AreaFigure>) -> String {
    f.and_then(|f| f.per_1000).map_or_else(
        || "–".to_string(),
        |x| labels::decimal(l, (x * 10.0).round() / 10.0),
    )
}

/// The map the server drew: the area's outline and a dot per entry at its public position, with
/// a legend and a 1 km scale bar. Colours are those of the site's map; the legend says them in words.
#[component]
fn AreaMap(map: ReportMap, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let view_box = format!("0 0 {} {}", map.width, map.height);
    let dots = map
        .dots
        .iter()
        .map(|d| {
            view! { <circle cx=d.x cy=d.y r="4" class=format!("dot-{}", d.kind.as_str()) /> }
        })
        .collect_view();
    let bar = map.km.min(f64::from(map.width) / 2.0);
    let bar_label = if bar < map.km {
        format!("{} m", (1000.0 * bar / map.km).round())
    } else {
        "1 km".to_string()
    };
    // Kinds only: a number here could sit beside a figure the key figures withhold.
    let legend = Kind::ALL
        .into_iter()
        .map(|k| {
            view! { <li><span class=format!("dot {}", k.as_str()) aria-hidden="true"></span>{labels::kind(l, k)}</li> }
        })
        .collect_view();
    let label = t_string!(i18n, report_map_label, area = name).to_string();
    if map.outline.is_empty() {
        return view! { <p>{t!(i18n, report_no_map)}</p> }.into_any();
    }
    view! {
        <svg class="report-svg" viewBox=view_box role="img" aria-label=label width="100%">
            <path d=map.outline.clone() class="area-outline" fill-rule="evenodd" />
            {dots}
            <g class="scale">
                <line x1="12" x2=12.0 + bar y1=f64::from(map.height) - 8.0 y2=f64::from(map.height) - 8.0 />
                <text x="12" y=f64::from(map.height) - 12.0>{bar_label}</text>
            </g>
        </svg>
        <ul class="legend">{legend}</ul>
        <p class="hint">{t!(i18n, report_map_hint)}</p>
    }
    .into_any()
}

/// One campaign's survey results in this area: per released question its options and shares.
#[component]
fn Survey(s: SurveyResults) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let questions = s
        .questions
        .iter()
        .filter(|q| q.answered.is_some() && !q.options.is_empty())
        .map(|q| {
            let options = q
                .options
                .iter()
                .map(|o| {
                    let share = o.share.map_or_else(
                        || t_string!(i18n, sr_fewer_than, k = s.k).to_string(),
                        |x| format!("{} %", labels::decimal(l, (x * 1000.0).round() / 10.0)),
                    );
                    format!("{}: {share}", o.text)
                })
                .collect::<Vec<_>>()
                .join(" · ");
            view! {
                <li><strong>{q.text.clone()}</strong>" "{format!("(n = {})", labels::figure(l, q.answered))}<br />{options}</li>
            }
        })
        .collect_view();
    view! {
        <h3>{s.title.clone()}</h3>
        <p>{t!(i18n, report_survey_respondents, n = labels::figure(l, s.respondents))}</p>
        <ul class="report-survey">{questions}</ul>
    }
}
