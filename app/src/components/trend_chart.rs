//! Entries per month, per kind: a line chart drawn on the server as SVG (no script, no library),
//! with the same figures in a table below it for keyboards, screen readers and copying. A month whose
//! figure is withheld (fewer than k residents) is a gap in its line and "–" in the table: the chart
//! never draws a value the table does not release.

use leptos::prelude::*;

use crate::i18n::*;
use crate::labels;
use crate::model::{AreaFigure, Kind, Period};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;

/// One line of the chart: a kind (or everything) and its count per month, `None` where withheld.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub kind: Option<Kind>,
    pub values: Vec<Option<u64>>,
}

/// The months of `figures` in order, and per series (everything first, then each kind that has a
/// figure in some month) the count of every month. A month without a figure for a kind is 0: the
/// table only leaves out areas and kinds without entries.
pub fn series(figures: &[(Period, AreaFigure)]) -> (Vec<Period>, Vec<Series>) {
    // Every month from the first to the last, also those without entries (0 for every line).
    let first = figures.iter().map(|(p, _)| *p).min();
    let last = figures.iter().map(|(p, _)| *p).max();
    let months: Vec<Period> = match first.zip(last) {
        Some((a, b)) => Period::lattice(a, b)
            .into_iter()
            .filter(|p| matches!(p, Period::Month(..)))
            .collect(),
        None => Vec::new(),
    };
    let kinds: Vec<Option<Kind>> = std::iter::once(None)
        .chain(Kind::ALL.into_iter().map(Some))
        .filter(|k| k.is_none() || figures.iter().any(|(_, f)| f.kind == *k))
        .collect();
    let lines = kinds
        .into_iter()
        .map(|kind| Series {
            kind,
            values: months
                .iter()
                .map(|m| {
                    figures
                        .iter()
                        .find(|(p, f)| p == m && f.kind == kind && f.category.is_none())
                        .map_or(Some(0), |(_, f)| f.count)
                })
                .collect(),
        })
        .collect();
    (months, lines)
}

/// A rounded top for the y axis (1, 2 or 5 times a power of ten), at least 5.
pub fn axis_top(max: u64) -> u64 {
    let mut step = 1u64;
    loop {
        for m in [1, 2, 5] {
            if step * m >= max.max(5) {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// The polylines' points: one run of consecutive released months each (a withheld month breaks
/// the line).
pub fn runs(values: &[Option<u64>], top: u64) -> Vec<String> {
    let n = values.len().max(2) - 1;
    let x = |i: usize| LEFT + (WIDTH - LEFT - RIGHT) * i as f64 / n as f64;
    let y = |v: u64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v as f64 / top as f64);
    let mut out = Vec::new();
    let mut run: Vec<String> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => run.push(format!("{:.1},{:.1}", x(i), y(*v))),
            None if !run.is_empty() => out.push(std::mem::take(&mut run).join(" ")),
            None => {}
        }
    }
    if !run.is_empty() {
        out.push(run.join(" "));
    }
    out
}

fn kind_class(kind: Option<Kind>) -> &'static str {
    match kind {
        None => "trend-all",
        Some(Kind::Place) => "trend-place",
        Some(Kind::Barrier) => "trend-barrier",
        Some(Kind::Wish) => "trend-wish",
    }
}

/// The chart and its table. `id` makes the headings' ids unique on a page.
#[component]
pub fn TrendChart(figures: Vec<(Period, AreaFigure)>, id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    if figures.is_empty() {
        return view! { <p>{t!(i18n, profile_none)}</p> }.into_any();
    }
    let (months, lines) = series(&figures);
    let max = lines
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0);
    let top = axis_top(max);
    let kind_label = move |k: Option<Kind>| match k {
        None => t_string!(i18n, trend_all).to_string(),
        Some(k) => labels::kind(l, k),
    };
    let y = |v: u64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v as f64 / top as f64);
    let ticks = [0, top / 2, top]
        .into_iter()
        .map(|v| {
            view! {
                <line class="trend-grid" x1=LEFT x2=WIDTH - RIGHT y1=y(v) y2=y(v) />
                <text class="trend-tick" x=LEFT - 6.0 y=y(v) + 4.0 text-anchor="end">{v}</text>
            }
        })
        .collect_view();
    let n = months.len().max(2) - 1;
    let x = |i: usize| LEFT + (WIDTH - LEFT - RIGHT) * i as f64 / n as f64;
    let mut label_at: Vec<usize> = vec![0, months.len() / 2, months.len() - 1];
    label_at.dedup();
    let month_labels = label_at
        .into_iter()
        .map(|i| {
            let anchor = if i == 0 {
                "start"
            } else if i + 1 == months.len() {
                "end"
            } else {
                "middle"
            };
            view! {
                <text class="trend-tick" x=x(i) y=HEIGHT - 12.0 text-anchor=anchor>
                    {labels::period(l, months[i])}
                </text>
            }
        })
        .collect_view();
    let paths = lines
        .iter()
        .map(|s| {
            let class = kind_class(s.kind);
            let runs = runs(&s.values, top);
            let dots = s
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (i, v)))
                .map(|(i, v)| view! { <circle class=class cx=x(i) cy=y(v) r="2.5" /> })
                .collect_view();
            view! {
                <g class=class>
                    {runs.into_iter().map(|points| view! { <polyline points=points /> }).collect_view()}
                    {dots}
                </g>
            }
        })
        .collect_view();
    let legend = lines
        .iter()
        .map(|s| {
            view! {
                <li><span class=format!("swatch {}", kind_class(s.kind)) aria-hidden="true"></span>{kind_label(s.kind)}</li>
            }
        })
        .collect_view();
    let head = lines
        .iter()
        .map(|s| view! { <th scope="col">{kind_label(s.kind)}</th> })
        .collect_view();
    let rows = months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let respondents = figures
                .iter()
                .find(|(p, f)| p == m && f.kind.is_none())
                .map_or_else(
                    || "0".to_string(),
                    |(_, f)| labels::residents(l, f.count, f.respondents),
                );
            let cells = lines
                .iter()
                .map(|s| view! { <td class="num">{labels::figure(l, s.values[i])}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{labels::period(l, *m)}</th>
                    {cells}
                    <td class="num">{respondents}</td>
                </tr>
            }
        })
        .collect_view();
    let title_id = format!("{id}-chart");
    let described = title_id.clone();
    view! {
        <figure class="trend">
            <svg
                class="trend-chart"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-labelledby=described
            >
                <title id=title_id>{t!(i18n, trend_chart_title)}</title>
                {ticks}
                {month_labels}
                {paths}
            </svg>
            <figcaption>
                <ul class="legend trend-legend">{legend}</ul>
                <p class="hint">{t!(i18n, trend_gaps)}</p>
            </figcaption>
        </figure>
        <table>
            <caption>{t!(i18n, trend_table)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, col_month)}</th>
                {head}
                <th scope="col">{t!(i18n, col_respondents)}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(kind: Option<Kind>, count: Option<u64>) -> AreaFigure {
        AreaFigure {
            area_code: "BU05050101".into(),
            area_name: None,
            kind,
            category: None,
            count,
            respondents: count,
            suppressed: count.is_none(),
            per_1000: None,
        }
    }

    #[test]
    fn series_fill_months_without_entries_with_zero_and_keep_withheld_ones_empty() {
        let (jan, feb, mar) = (
            Period::Month(2026, 1),
            Period::Month(2026, 2),
            Period::Month(2026, 3),
        );
        let apr = Period::Month(2026, 4);
        let figures = vec![
            (apr, fig(None, Some(9))),
            (jan, fig(None, Some(7))),
            (jan, fig(Some(Kind::Barrier), Some(7))),
            (feb, fig(None, None)),
            (feb, fig(Some(Kind::Barrier), None)),
            (apr, fig(Some(Kind::Place), Some(9))),
        ];
        let (months, lines) = series(&figures);
        // March had no entries at all: it is on the axis with 0.
        assert_eq!(months, [jan, feb, mar, apr]);
        let got: Vec<(Option<Kind>, Vec<Option<u64>>)> =
            lines.into_iter().map(|s| (s.kind, s.values)).collect();
        assert_eq!(
            got,
            [
                (None, vec![Some(7), None, Some(0), Some(9)]),
                (Some(Kind::Place), vec![Some(0), Some(0), Some(0), Some(9)]),
                (Some(Kind::Barrier), vec![Some(7), None, Some(0), Some(0)]),
            ]
        );
    }

    #[test]
    fn a_withheld_month_breaks_the_line_and_the_axis_is_round() {
        assert_eq!(runs(&[Some(1), None, Some(2), Some(3)], 5).len(), 2);
        assert_eq!(runs(&[None, None], 5).len(), 0);
        assert_eq!(runs(&[Some(5)], 5), ["44.0,12.0"]);
        assert_eq!(
            [0, 3, 5, 6, 11, 20, 21, 199].map(axis_top),
            [5, 5, 5, 10, 20, 20, 50, 200]
        );
    }
}
