use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{campaign_info, form_context, paper_path};
use crate::i18n::*;
use crate::labels;
use crate::model::{
    is_slug, is_uuid, kind_from_slug, kind_slug, text_in, CampaignInfo, Kind, PaperMode, Question,
    QuestionType, SurveyState,
};

/// A worker typing in the survey answers of the paper form just stored, and the kind of that form
/// (the next paper form is of the same kind).
#[derive(Clone)]
struct Paper {
    mode: PaperMode,
    kind: Kind,
}

/// `/campagne/{id}/vragen?r=<respondent>`: the campaign's short survey after a visit's map entries.
/// A plain form (no JavaScript needed) that posts to the same address; the server stores the answers
/// once per respondent and comes back with `?klaar=1`, or renders the form again with what is wrong.
/// With `&papier=<event>&soort=<kind>` and a signed-in worker of that event: the paper form's
/// answers, after which the worker goes on to the next paper form.
#[component]
pub fn SurveyPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .filter(|s| is_slug(s))
        .unwrap_or_default();
    let query = use_query_map().read_untracked();
    let respondent = query.get("r").filter(|r| is_uuid(r));
    let done = query.get("klaar").is_some();
    let paper_event = query.get("papier").filter(|e| is_slug(e));
    let paper_kind = query
        .get("soort")
        .and_then(|s| kind_from_slug(&s))
        .unwrap_or(Kind::Place);
    let returned = use_context::<SurveyState>();
    // Paper mode only for a signed-in worker whose event it is (the server checks it again on
    // POST); anyone else sees the resident's survey.
    let paper = Resource::new_blocking(
        {
            let id = id.clone();
            move || (id.clone(), paper_event.clone())
        },
        |(id, event)| async move {
            match event {
                Some(event) if !id.is_empty() => form_context(id, Some(event))
                    .await
                    .ok()
                    .and_then(|c| c.paper),
                _ => None,
            }
        },
    );
    let info = {
        let respondent = respondent.clone();
        Resource::new_blocking(
            move || (id.clone(), respondent.clone()),
            |(id, r)| async move {
                if id.is_empty() {
                    Ok(None)
                } else {
                    campaign_info(id, r).await
                }
            },
        )
    };
    view! {
        <Title text=move || t_string!(i18n, survey_title).to_string() />
        <h1>{t!(i18n, survey_title)}</h1>
        <Suspense>
            {move || {
                let returned = returned.clone();
                let respondent = respondent.clone();
                Suspend::new(async move {
                    let paper = paper.await.map(|mode| Paper { mode, kind: paper_kind });
                    match (info.await, respondent) {
                        (Ok(Some(info)), _) if done || info.answered => {
                            view! {
                                <div class="notice" role="status"><p>{t!(i18n, survey_done)}</p></div>
                                <p><a href=format!("/campagne/{}", info.campaign.id) class="button secondary">{t!(i18n, survey_back)}</a></p>
                            }
                            .into_any()
                        }
                        (Ok(Some(info)), Some(r)) if info.open => {
                            view! { <Survey info respondent=r returned paper /> }.into_any()
                        }
                        (Ok(Some(_)), None) => view! { <p>{t!(i18n, survey_no_visit)}</p> }.into_any(),
                        (Ok(Some(_)), Some(_)) => view! { <p>{t!(i18n, campaign_closed_text)}</p> }.into_any(),
                        (Ok(None), _) => view! { <super::NotFound /> }.into_any(),
                        (Err(_), _) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Survey(
    info: CampaignInfo,
    respondent: String,
    returned: Option<SurveyState>,
    paper: Option<Paper>,
) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let lang = l.as_str().to_string();
    let (given, violations) = returned
        .map(|s| (s.answers, s.violations))
        .unwrap_or_default();
    let survey = info.campaign.survey();
    let summary = (!violations.is_empty()).then(|| {
        let items = violations
            .iter()
            .map(|v| {
                let q = v.field.strip_prefix("answers.").unwrap_or(&v.field).to_string();
                let text = survey
                    .iter()
                    .find(|x| x.id == q)
                    .map(|x| text_in(&x.text, &lang).to_string())
                    .unwrap_or_default();
                view! { <li><a href=format!("#q-{q}")>{text} ": " {labels::violation(l, v)}</a></li> }
            })
            .collect_view();
        view! {
            <div class="error-summary" id="error-summary" role="alert" tabindex="-1">
                <h2>{t!(i18n, form_error_summary)}</h2>
                <ul>{items}</ul>
            </div>
        }
    });
    let questions = survey
        .into_iter()
        .map(|q| {
            let error = violations
                .iter()
                .find(|v| v.field == format!("answers.{}", q.id))
                .map(|v| labels::violation(l, v));
            let values: Vec<String> = given
                .iter()
                .filter(|(k, _)| *k == q.id)
                .map(|(_, v)| v.clone())
                .collect();
            view! { <QuestionField q lang=lang.clone() values error /> }
        })
        .collect_view();
    let campaign = info.campaign.id.clone();
    let action = match &paper {
        Some(p) => format!(
            "/campagne/{campaign}/vragen?r={respondent}&papier={}&soort={}",
            p.mode.event,
            kind_slug(p.kind)
        ),
        None => format!("/campagne/{campaign}/vragen?r={respondent}"),
    };
    let lead = match &paper {
        Some(p) => view! {
            <div class="paper-banner">
                <p>{t!(i18n, paper_survey_banner, name = p.mode.event_name.clone())}</p>
                <p class="notice" role="status">{t!(i18n, paper_stored_entry)}</p>
            </div>
        }
        .into_any(),
        None => view! { <p class="lead">{t!(i18n, survey_intro)}</p> }.into_any(),
    };
    let csrf = paper
        .as_ref()
        .map(|p| view! { <input type="hidden" name="csrf" value=p.mode.csrf.clone() /> });
    let skip = paper.as_ref().map(|p| {
        view! {
            <p><a class="button secondary" href=paper_path(p.kind, &campaign, &p.mode.event, true)>{t!(i18n, paper_survey_skip)}</a></p>
        }
    });
    view! {
        {lead}
        {summary}
        <form method="post" action=action class="survey" novalidate>
            <input type="hidden" name="respondent" value=respondent.clone() />
            <input type="hidden" name="language" value=lang.clone() />
            {csrf}
            {questions}
            <p class="consent">{t!(i18n, survey_optional)} " " <a href="/privacy">{t!(i18n, form_privacy_link)}</a></p>
            <button type="submit" class="button primary">{t!(i18n, survey_submit)}</button>
        </form>
        {skip}
    }
}

#[component]
pub(crate) fn QuestionField(
    q: Question,
    lang: String,
    values: Vec<String>,
    error: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("q-{}", q.id);
    let text = text_in(&q.text, &lang).to_string();
    let label = if q.required {
        text
    } else {
        format!("{text} {}", t_string!(i18n, survey_optional_mark))
    };
    let error_id = format!("{id}-error");
    let described = error.as_ref().map(|_| error_id.clone());
    let error_view = error.map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> });
    let first = values.first().cloned().unwrap_or_default();
    let name = q.id.clone();
    match q.kind {
        QuestionType::Single | QuestionType::Multiple => {
            let input_type = if q.kind == QuestionType::Single { "radio" } else { "checkbox" };
            let options = q
                .options
                .iter()
                .map(|o| {
                    let oid = format!("{id}-{}", o.id);
                    let for_id = oid.clone();
                    view! {
                        <label class="choice" for=for_id>
                            <input type=input_type id=oid name=name.clone() value=o.id.clone() checked=values.contains(&o.id) />
                            <span>{text_in(&o.text, &lang).to_string()}</span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset id=id class="group" aria-describedby=described tabindex="-1">
                    <legend class="question">{label}</legend>
                    {error_view}
                    <div class="choices">{options}</div>
                </fieldset>
            }
            .into_any()
        }
        QuestionType::Scale => {
            let options = (1..=5)
                .map(|n| {
                    let oid = format!("{id}-{n}");
                    let for_id = oid.clone();
                    let word = match n {
                        1 => t_string!(i18n, survey_scale_1).to_string(),
                        5 => t_string!(i18n, survey_scale_5).to_string(),
                        _ => String::new(),
                    };
                    view! {
                        <label class="choice scale" for=for_id>
                            <input type="radio" id=oid name=name.clone() value=n.to_string() checked=first == n.to_string() />
                            <span>{n}{(!word.is_empty()).then(|| format!(" ({word})"))}</span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset id=id class="group" aria-describedby=described tabindex="-1">
                    <legend class="question">{label}</legend>
                    {error_view}
                    <div class="choices scale">{options}</div>
                </fieldset>
            }
            .into_any()
        }
        QuestionType::Number => view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                {error_view}
                <input id=id type="number" inputmode="numeric" name=name value=first
                    min=q.min.map(|n| n.to_string()) max=q.max.map(|n| n.to_string()) aria-describedby=described />
            </div>
        }
        .into_any(),
        QuestionType::Text => view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                {error_view}
                <input id=id type="text" name=name value=first maxlength="300" aria-describedby=described />
            </div>
        }
        .into_any(),
    }
}
