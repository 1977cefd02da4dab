//! Campaign routes under `/api/v1`: the public list, one campaign, survey answers, and (admins)
//! creating and changing a campaign.

use app::model::{Campaign, SurveyInput};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{Admins, JsonBody, QueryParams, Staff};
use crate::domain::calendar::today;
use crate::service::Service;
use crate::store::Answered;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    gemeente: Option<String>,
}

/// `GET /campaigns?gemeente=`: the campaigns open today, the general one first; with `gemeente`
/// only those that run there.
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
pub async fn one(State(svc): State<Service>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let c = svc.campaign(&id).await?.ok_or(ApiError::NotFound)?;
    let open = c.is_open_on(&today());
    let mut v = serde_json::to_value(&c).map_err(|_| ApiError::Internal)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("open".into(), open.into());
        o.insert(
            "survey".into(),
            serde_json::to_value(c.survey()).unwrap_or_default(),
        );
    }
    Ok(Json(v).into_response())
}

/// `POST /campaigns/{id}/responses` `{respondent, answers, language}`: one respondent's survey
/// answers, stored once. 201 when stored, 200 for the same answers again, 409 for other answers.
pub async fn respond(
    State(svc): State<Service>,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<SurveyInput>,
) -> Result<Response, ApiError> {
    match svc.answer(&id, &input).await? {
        None => Err(ApiError::NotFound),
        Some(Err(v)) => Err(ApiError::Invalid(v)),
        Some(Ok(Answered::Created)) => Ok(StatusCode::CREATED.into_response()),
        Some(Ok(Answered::Same)) => Ok(StatusCode::OK.into_response()),
        Some(Ok(Answered::Conflict)) => Err(ApiError::Conflict),
    }
}

/// `POST /campaigns` (admin): a new campaign; 201, 409 when the id is taken.
pub async fn create(
    State(svc): State<Service>,
    admin: Staff<Admins>,
    JsonBody(c): JsonBody<Campaign>,
) -> Result<Response, ApiError> {
    svc.create_campaign(&admin.user, &c).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

/// `PUT /campaigns/{id}` (admin): replaces a campaign's settings (closing it is `status: closed`).
pub async fn replace(
    State(svc): State<Service>,
    admin: Staff<Admins>,
    Path(id): Path<String>,
    JsonBody(c): JsonBody<Campaign>,
) -> Result<Response, ApiError> {
    svc.replace_campaign(&admin.user, &id, &c).await?;
    Ok(Json(c).into_response())
}
