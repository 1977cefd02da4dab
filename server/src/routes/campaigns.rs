//! Campaign routes under `/api/v1`: the public list and survey answers here; creating and changing a
//! campaign are admin routes in the staff table ([`super::staff::staff_routes`]), which call
//! [`create`] and [`replace`].

use app::model::{Campaign, Rule, SurveyInput, Violation};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;

use super::error::{json_error, ApiError};
use crate::domain::calendar::today;
use crate::service::Service;
use crate::store::{Answered, SessionUser};

/// A JSON body, with the field serde tripped over named.
pub fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(body))
        .map_err(json_error)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    gemeente: Option<String>,
}

/// `GET /campaigns?gemeente=`: the campaigns open today, the general one first; with `gemeente`
/// only those that run there.
pub async fn list(
    State(svc): State<Service>,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(|r| ApiError::bad_query("query", r.body_text()))?;
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
    let c = svc.store.campaign(&id).await?.ok_or(ApiError::NotFound)?;
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
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: SurveyInput = json_body(&body)?;
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
    Extension(admin): Extension<SessionUser>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let c: Campaign = json_body(&body)?;
    c.check().map_err(ApiError::Invalid)?;
    if !svc.store.create_campaign(&c, &admin).await? {
        return Err(ApiError::Conflict);
    }
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

/// `PUT /campaigns/{id}` (admin): replaces a campaign's settings (closing it is `status: closed`).
pub async fn replace(
    State(svc): State<Service>,
    Extension(admin): Extension<SessionUser>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let c: Campaign = json_body(&body)?;
    if c.id != id {
        return Err(ApiError::Invalid(vec![Violation::new(
            "id",
            Rule::UnknownValue,
        )]));
    }
    c.check().map_err(ApiError::Invalid)?;
    if !svc.store.update_campaign(&c, &admin).await? {
        return Err(ApiError::NotFound);
    }
    Ok(Json(c).into_response())
}
