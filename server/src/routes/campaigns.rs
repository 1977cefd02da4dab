//! Campaign routes under `/api/v1`: the public list, one campaign, survey answers, and (admins)
//! creating and changing a campaign.

use app::model::{Campaign, Question, SurveyInput};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, Errors};
use super::extract::{Admins, AnyStaff, JsonBody, QueryParams, Staff, Workers};
use super::openapi::{x_roles, TooMany};
use crate::domain::calendar::today;
use crate::service::events::Credentials;
use crate::service::{Answered, Service};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// only campaigns that run in this gemeente
    #[param(schema_with = app::model::schema::gemeente_code)]
    gemeente: Option<String>,
}

/// A campaign as residents' pages read it: its settings, whether it is open today, and every
/// question residents see (the demographic ones included).
#[derive(Serialize, ToSchema)]
pub struct CampaignOut {
    #[serde(flatten)]
    #[schema(inline)]
    campaign: Campaign,
    /// open today
    open: bool,
    /// every question residents see, the demographic ones included
    survey: Vec<Question>,
}

/// `GET /campaigns?gemeente=`: the campaigns open today, the general one first; with `gemeente`
/// only those that run there.
#[utoipa::path(
    get,
    path = "/campaigns",
    operation_id = "listCampaigns",
    summary = "The campaigns open today, the general one first",
    params(ListQuery),
    responses(
        (status = 200, description = "open campaigns", body = Vec<Campaign>),
        (status = 400, description = "a wrong parameter", body = Errors),
    ),
)]
pub async fn list(
    State(svc): State<Service>,
    QueryParams(q): QueryParams<ListQuery>,
) -> Result<Response, ApiError> {
    if q.gemeente
        .as_deref()
        .is_some_and(|g| !app::model::is_gemeente_code(g))
    {
        return Err(ApiError::bad_query(
            "gemeente",
            "must be a CBS gemeente code such as GM0505",
        ));
    }
    let open = svc.open_campaigns(q.gemeente.as_deref()).await?;
    Ok(Json(open).into_response())
}

/// `GET /campaigns/{id}`: one campaign with its survey, open or not.
#[utoipa::path(
    get,
    path = "/campaigns/{id}",
    operation_id = "getCampaign",
    summary = "One campaign with the survey residents see",
    params(("id" = String, Path, description = "the campaign's id")),
    responses(
        (status = 200, description = "the campaign", body = CampaignOut),
        (status = 404, description = "no such campaign", body = Errors),
    ),
)]
pub async fn one(State(svc): State<Service>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let campaign = svc.campaign(&id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(CampaignOut {
        open: campaign.is_open_on(today()),
        survey: campaign.survey(),
        campaign,
    })
    .into_response())
}

/// `POST /campaigns/{id}/responses` `{respondent, answers, language}`: one respondent's survey
/// answers, stored once. 201 when stored, 200 for the same answers again, 409 for other answers.
#[utoipa::path(
    post,
    path = "/campaigns/{id}/responses",
    operation_id = "answerSurvey",
    summary = "One respondent's survey answers, stored once per respondent",
    params(
        ("id" = String, Path, description = "the campaign's id"),
        ("X-Event-Token" = Option<String>, Header,
         description = "with `event` in the body: the kiosk or poster token of that event of this \
                        campaign, as for the event's entries"),
    ),
    request_body = SurveyInput,
    responses(
        (status = 201, description = "stored"),
        (status = 200, description = "the same answers were stored before (also once the event or campaign closed)"),
        (status = 401, description = "`event` given without its token", body = Errors),
        (status = 403, description = "the token does not open that event of this campaign, or the event no longer takes new answers", body = Errors),
        (status = 404, description = "no such campaign", body = Errors),
        (status = 409, description = "this respondent answered differently before", body = Errors),
        (status = 422, description = "every wrong answer, or the campaign is closed", body = Errors),
        (status = 429, response = TooMany),
    ),
)]
pub async fn respond(
    State(svc): State<Service>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<SurveyInput>,
) -> Result<Response, ApiError> {
    // Only an event's token: a worker types a paper form's answers in through the survey page.
    let credentials = Credentials {
        event_token: headers
            .get("x-event-token")
            .and_then(|v| v.to_str().ok())
            .map(|t| t.trim().to_string()),
        worker: None,
    };
    match svc.answer(&id, &input, &credentials).await? {
        None => Err(ApiError::NotFound),
        Some(Answered::Created) => Ok(StatusCode::CREATED.into_response()),
        Some(Answered::Same) => Ok(StatusCode::OK.into_response()),
        Some(Answered::Conflict) => Err(ApiError::Conflict),
    }
}

/// `POST /campaigns` (admin): a new campaign; 201, 409 when the id is taken.
#[utoipa::path(
    post,
    path = "/campaigns",
    operation_id = "createCampaign",
    summary = "A new campaign (admin)",
    request_body = Campaign,
    responses(
        (status = 201, description = "created", body = Campaign),
        (status = 409, description = "the id is taken", body = Errors),
    ),
    extensions(("x-roles" = json!(x_roles::<Admins>()))),
)]
pub async fn create(
    State(svc): State<Service>,
    admin: Staff<Admins>,
    JsonBody(c): JsonBody<Campaign>,
) -> Result<Response, ApiError> {
    svc.create_campaign(&admin.user, &c).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

/// `PUT /campaigns/{id}` (admin): replaces a campaign's settings (closing it is `status: closed`).
#[utoipa::path(
    put,
    path = "/campaigns/{id}",
    operation_id = "replaceCampaign",
    summary = "Replaces a campaign's settings (admin); `status: closed` closes it",
    params(("id" = String, Path, description = "the campaign's id")),
    request_body = Campaign,
    responses(
        (status = 200, description = "saved", body = Campaign),
        (status = 404, description = "no such campaign", body = Errors),
        (status = 422, description = "every wrong field (also an id other than the path's)", body = Errors),
    ),
    extensions(("x-roles" = json!(x_roles::<Admins>()))),
)]
pub async fn replace(
    State(svc): State<Service>,
    admin: Staff<Admins>,
    Path(id): Path<String>,
    JsonBody(c): JsonBody<Campaign>,
) -> Result<Response, ApiError> {
    svc.replace_campaign(&admin.user, &id, &c).await?;
    Ok(Json(c).into_response())
}

/// The parameters the survey results take.
const RESULTS_PARAMS: &[&str] = &["level", "area", "lang"];

/// The languages results can be read in (the site's own).
const RESULT_LANGUAGES: [&str; 6] = ["nl", "en", "tr", "ar", "pl", "uk"];

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; the handler reads them as pairs
pub struct ResultsParams {
    /// the level of `area` and of the listed areas: gemeente (default), wijk or buurt
    level: Option<String>,
    /// a CBS code of that level (GM0505, WK050501, BU05050101): only the respondents who took part there
    area: Option<String>,
    /// the language of question and option texts (nl, en, tr, ar, pl, uk; default nl)
    lang: Option<String>,
}

/// `level`, `area` and `lang` from a query string, or the 400 naming the wrong one. An unknown
/// parameter is named only when its name is a plain word, so nothing a caller typed comes back as
/// markup.
fn results_params(
    pairs: &[(String, String)],
) -> Result<(Option<String>, Option<String>, String), ApiError> {
    if let Some((k, _)) = pairs
        .iter()
        .find(|(k, _)| !RESULTS_PARAMS.contains(&k.as_str()))
    {
        let plain = !k.is_empty()
            && k.len() <= 40
            && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        return Err(ApiError::bad_query(
            if plain { k } else { "query" },
            "is not a parameter of this route",
        ));
    }
    // A form sends every field; an empty one means "not chosen", and the last value counts.
    let last = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
    };
    let lang = last("lang").unwrap_or_else(|| "nl".into());
    if !RESULT_LANGUAGES.contains(&lang.as_str()) {
        return Err(ApiError::bad_query(
            "lang",
            "must be nl, en, tr, ar, pl or uk",
        ));
    }
    Ok((last("level"), last("area"), lang))
}

/// A campaign's results as asked, for the public, or for a staff member (published text answers).
async fn results_of(
    svc: &Service,
    id: &str,
    pairs: &[(String, String)],
    staff: Option<&crate::store::SessionUser>,
) -> Result<app::model::SurveyResults, ApiError> {
    let (level, area, lang) = results_params(pairs)?;
    svc.survey_results(id, level.as_deref(), area.as_deref(), &lang, staff)
        .await?
        .ok_or(ApiError::NotFound)
}

/// `GET /campaigns/{id}/results?level=&area=`: the survey's distribution per question, for the whole
/// campaign or the residents who took part in one area. Counts of 1 to k−1 residents are `null`,
/// released ones carry cell-key noise (docs/privacy.md, "Survey results"). Text answers: only for
/// signed-in staff of the campaign's gemeenten, and only those a moderator published.
#[utoipa::path(
    get,
    path = "/campaigns/{id}/results",
    operation_id = "surveyResults",
    summary = "A campaign's survey results per question, for the campaign or one area, small counts withheld",
    params(("id" = String, Path, description = "the campaign's id"), ResultsParams),
    responses(
        (status = 200, description = "the results", body = app::model::SurveyResults),
        (status = 400, description = "a parameter is wrong", body = Errors),
        (status = 404, description = "no such campaign", body = Errors),
        (status = 503, description = "busy with other figures", body = Errors),
    ),
)]
pub async fn results(
    State(svc): State<Service>,
    Path(id): Path<String>,
    staff: Result<Staff<AnyStaff>, ApiError>,
    QueryParams(pairs): QueryParams<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let staff = staff.ok();
    let r = results_of(&svc, &id, &pairs, staff.as_ref().map(|s| &s.user)).await?;
    Ok(Json(r).into_response())
}

/// `GET /campaigns/{id}/results.csv`: the same figures as CSV (never text answers).
#[utoipa::path(
    get,
    path = "/campaigns/{id}/results.csv",
    operation_id = "surveyResultsCsv",
    summary = "A campaign's survey results as CSV",
    params(("id" = String, Path, description = "the campaign's id"), ResultsParams),
    responses(
        (status = 200, description = "columns campaign, area_code, question, type, option, option_text, respondents, share, suppressed",
         content_type = "text/csv", body = String),
        (status = 400, description = "a parameter is wrong", body = Errors),
        (status = 404, description = "no such campaign", body = Errors),
        (status = 503, description = "busy with other figures", body = Errors),
    ),
)]
pub async fn results_csv(
    State(svc): State<Service>,
    Path(id): Path<String>,
    QueryParams(pairs): QueryParams<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let r = results_of(&svc, &id, &pairs, None).await?;
    let name = format!(
        "trefpunt-enquete-{}{}.csv",
        r.campaign,
        r.area
            .as_ref()
            .map_or(String::new(), |a| format!("-{}", a.code))
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        crate::export::survey_csv(&r),
    )
        .into_response())
}

/// `GET /campaigns/{id}/texts` (workers and admins of the campaign's gemeenten): every text answer
/// with its moderation state, to publish or reject.
#[utoipa::path(
    get,
    path = "/campaigns/{id}/texts",
    operation_id = "surveyTexts",
    summary = "A campaign's survey text answers to moderate (workers, admins)",
    params(("id" = String, Path, description = "the campaign's id")),
    responses(
        (status = 200, description = "every text answer, with its own id and state", body = Vec<crate::service::survey::ModeratedText>),
        (status = 401, description = "no staff session", body = Errors),
        (status = 403, description = "another role, or the campaign runs in none of your gemeenten", body = Errors),
        (status = 404, description = "no such campaign", body = Errors),
    ),
    extensions(("x-roles" = json!(x_roles::<Workers>()))),
)]
pub async fn texts(
    State(svc): State<Service>,
    worker: Staff<Workers>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let texts = svc
        .survey_texts_to_moderate(&worker.user, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(texts).into_response())
}

/// A moderator's decision on a text answer.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextDecision {
    /// `published` (staff with access read it in the results) or `rejected`
    state: String,
}

/// `PATCH /campaigns/{id}/texts/{text}` `{state}` (workers and admins of the campaign's gemeenten):
/// publishes or rejects one text answer; written to the audit log.
#[utoipa::path(
    patch,
    path = "/campaigns/{id}/texts/{text}",
    operation_id = "moderateSurveyText",
    summary = "Publishes or rejects a survey text answer (workers, admins)",
    params(
        ("id" = String, Path, description = "the campaign's id"),
        ("text" = String, Path, description = "the text answer's id"),
    ),
    request_body = TextDecision,
    responses(
        (status = 204, description = "done"),
        (status = 400, description = "state is not published or rejected", body = Errors),
        (status = 401, description = "no staff session", body = Errors),
        (status = 403, description = "another role, a missing CSRF token, or the campaign runs in none of your gemeenten", body = Errors),
        (status = 404, description = "no such campaign or text answer", body = Errors),
    ),
    extensions(("x-roles" = json!(x_roles::<Workers>()))),
)]
pub async fn moderate_text(
    State(svc): State<Service>,
    worker: Staff<Workers>,
    Path((id, text)): Path<(String, String)>,
    JsonBody(d): JsonBody<TextDecision>,
) -> Result<Response, ApiError> {
    svc.moderate_survey_text(&worker.user, &id, &text, &d.state)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
