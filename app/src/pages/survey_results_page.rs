use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::survey_results;
use crate::i18n::*;
use crate::labels;
use crate::model::{QuestionResult, SurveyResults, SurveyResultsPage, SurveyResultsQuery};

/// The first letters of an area code of each level: an area of another level than the one chosen
/// (the form's level changed while an area was selected) is left out rather than refused, so the
/// form keeps working without JavaScript. The API refuses it (400).
fn fits_level(level: Option<&str>, area: &str) -> bool {
    let prefix = match level.unwrap_or("gemeente") {
        "wijk" => "WK",
        "buurt" => "BU",
        "gemeente" => "GM",
        // A wrong level is reported as such.
        _ => return true,
    };
    area.starts_with(prefix)
}

/// `/inzicht/enquete/{campaign}`: a campaign's survey results, for the whole campaign or one area.
/// A plain GET form (level, area), so every view has its own address; per question a table (the
/// source, for screen readers too) and bars drawn from the same figures.
#[component]
pub fn SurveyResultsPage() -> impl IntoView {
    let i18n = use_i18n();
    let campaign = use_params_map()
        .get_untracked()
        .get("campaign")
        .unwrap_or_default();
    let pairs: Vec<(String, String)> = use_query_map()
        .get_untracked()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let last = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
    };
    let level = last("level");
    let area = last("area").filter(|a| fits_level(level.as_deref(), a));
    let query = SurveyResultsQuery {
        campaign,
        level,
        area,
        lang: i18n.get_locale_untracked().as_str().to_string(),
    };
    let data = Resource::new_blocking(move || query.clone(), survey_results);
    view! {
        <Title text=move || t_string!(i18n, sr_title).to_string() />
        <div class="insight">
        <p><a href="/inzicht">{t!(i18n, profile_back)}</a></p>
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(SurveyResultsPage::Results(r)) => view! { <Results r /> }.into_any(),
                    Ok(SurveyResultsPage::BadParameter { field, message }) => {
                        crate::pages::set_status(400);
                        view! {
                            <h1>{t!(i18n, sr_title)}</h1>
                            <div class="error-summary" role="alert">
                                <p>{t!(i18n, insight_bad_filter)} ": " <code>{field}</code> " " {message}</p>
                            </div>
                        }.into_any()
                    }
                    Ok(SurveyResultsPage::NotFound) => {
                        crate::pages::set_status(404);
                        view! { <h1>{t!(i18n, sr_not_found)}</h1> }.into_any()
                    }
                    Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                }
            })}
        </Suspense>
        </div>
    }
}

fn percent(l: Locale, share: Option<f64>) -> String {
    share.map_or_else(String::new, |s| {
        format!("{} %", labels::decimal(l, (s * 1000.0).round() / 10.0))
    })
}

#[component]
fn Results(r: SurveyResults) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let k = r.k;
    let hidden = move || t_string!(i18n, sr_fewer_than, k = k).to_string();
    let count = move |n: Option<u64>| n.map_or_else(hidden, |n| n.to_string());
    let action = format!("/inzicht/enquete/{}", r.campaign);
    let mut csv = format!(
        "/api/v1/campaigns/{}/results.csv?level={}",
        r.campaign, r.level
    );
    if let Some(a) = &r.area {
        csv.push_str(&format!("&area={}", a.code));
    }
    let where_ = r.area.as_ref().map_or_else(
        || t_string!(i18n, sr_whole_campaign).to_string(),
        |a| match &a.name {
            Some(n) => format!("{n} ({})", a.code),
            None => a.code.clone(),
        },
    );
    let levels = ["gemeente", "wijk", "buurt"]
        .into_iter()
        .map(|lv| view! { <option value=lv selected=r.level == lv>{labels::level(l, lv)}</option> })
        .collect_view();
    let chosen = r.area.as_ref().map(|a| a.code.clone());
    let areas = r
        .areas
        .iter()
        .map(|a| {
            let label = format!(
                "{} ({}): {}",
                a.name.clone().unwrap_or_else(|| a.code.clone()),
                a.code,
                count(a.respondents)
            );
            view! { <option value=a.code.clone() selected=chosen.as_deref() == Some(a.code.as_str())>{label}</option> }
        })
        .collect_view();
    let questions = r
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| view! { <Question q=q.clone() n=i k=k /> })
        .collect_view();
    view! {
        <h1>{format!("{}: {}", t_string!(i18n, sr_title), r.title)}</h1>
        <p class="hint">{t_string!(i18n, sr_k_line, k = k).to_string()}</p>
        <form class="filters" method="get" action=action aria-labelledby="sr-filters">
            <h2 id="sr-filters">{t!(i18n, insight_filters)}</h2>
            <div class="filter-grid">
                <div class="field"><label for="sr-level">{t!(i18n, f_level)}</label>
                    <select id="sr-level" name="level">{levels}</select>
                </div>
                <div class="field"><label for="sr-area">{t!(i18n, sr_area)}</label>
                    <select id="sr-area" name="area">
                        <option value="" selected=chosen.is_none()>{t!(i18n, sr_whole_campaign)}</option>
                        {areas}
                    </select>
                </div>
            </div>
            <button type="submit" class="button">{t!(i18n, f_apply)}</button>
        </form>
        <p class="lead">{where_} ": " {t!(i18n, sr_respondents)} " " {count(r.respondents)}</p>
        <p><a href=csv download="">{t!(i18n, sr_csv)}</a></p>
        {questions}
    }
}

#[component]
fn Question(q: QuestionResult, n: usize, k: u64) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let hidden = move || t_string!(i18n, sr_fewer_than, k = k).to_string();
    let count = move |n: Option<u64>| n.map_or_else(hidden, |n| n.to_string());
    let heading = format!("sr-q{n}");
    let labelled = heading.clone();
    if q.options.is_empty() {
        // A text question: no counts for anyone; published answers for staff with access.
        let texts = q.texts.clone().map(|t| {
            if t.is_empty() {
                view! { <p class="hint">{t!(i18n, sr_no_texts)}</p> }.into_any()
            } else {
                let items = t
                    .into_iter()
                    .map(|a| view! { <li>{a.text}</li> })
                    .collect_view();
                view! { <ul class="texts">{items}</ul> }.into_any()
            }
        });
        return view! {
            <section aria-labelledby=labelled>
                <h2 id=heading>{q.text.clone()}</h2>
                {match texts {
                    Some(t) => view! { <p class="hint">{t!(i18n, sr_texts_staff)}</p> {t} }.into_any(),
                    None => view! { <p class="hint">{t!(i18n, sr_texts_hidden)}</p> }.into_any(),
                }}
            </section>
        }
        .into_any();
    }
    // Bars from the released shares only; a withheld option has no bar (its row says why).
    let rows = q.options.len();
    let bars = q
        .options
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            let w = (o.share? * 100.0).clamp(0.0, 100.0);
            Some(view! {
                <rect x="0" y=(i * 12 + 2).to_string() width=format!("{w:.1}") height="8" fill="currentColor" />
            })
        })
        .collect_view();
    let body = q
        .options
        .iter()
        .map(|o| {
            view! {
                <tr>
                    <th scope="row">{o.text.clone()}</th>
                    <td class="num">{count(o.respondents)}</td>
                    <td class="num">{percent(l, o.share)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby=labelled>
            <h2 id=heading>{q.text.clone()}</h2>
            <p class="hint">{t!(i18n, sr_answered)} " " {count(q.answered)}</p>
            <div class="sr-chart">
                <svg class="sr-bars" width="100%" height=(rows * 14).to_string()
                    viewBox=format!("0 0 100 {}", rows * 12) preserveAspectRatio="none"
                    aria-hidden="true" focusable="false">{bars}</svg>
            </div>
            <div class="table-scroll">
            <table>
                <thead><tr>
                    <th scope="col">{t!(i18n, sr_col_option)}</th>
                    <th scope="col">{t!(i18n, sr_col_residents)}</th>
                    <th scope="col">{t!(i18n, sr_col_share)}</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
            </div>
        </section>
    }
    .into_any()
}
