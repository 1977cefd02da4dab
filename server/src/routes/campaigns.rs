//! Campaign routes under `/api/v1`: the public list, one campaign, survey answers, and (admins)
//! creating and changing a campaign.

use app::model::{Campaign, Question, SurveyInput};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, Errors};
use super::extract::{Admins, JsonBody, QueryParams, Staff};
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
