//! What the server-rendered pages read while they render: plain functions, not server functions.
//! They run inside a page render only, so they open no `/_fn/...` route (a public endpoint that
//! neither the OpenAPI document nor the per-client limits would know). The five the form calls
//! from the browser stay server functions in the parent module.

use leptos::prelude::*;

use super::BackendRef;

/// The entry form's campaign and how this device's entries are tagged: an event link's cookie, or a
/// signed-in worker typing in paper forms of `paper_event`.
pub async fn form_context(
    campaign: String,
    paper_event: Option<String>,
) -> Result<crate::model::FormContext, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .form_context(campaign, paper_event, super::request_cookie().await?)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The kiosk of `event` for this tablet, or `None` when it was not opened with the event's kiosk link.
pub async fn kiosk_context(
    event: String,
) -> Result<Option<crate::model::KioskContext>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .kiosk(event, super::request_cookie().await?)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The newest entries as the public map shows them (locations of barriers and wishes coarsened)
/// that the map's filter lets through.
pub async fn recent_entries(
    limit: u32,
    filter: crate::model::MapFilter,
) -> Result<Vec<crate::model::PublicEntry>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .recent_entries(limit.clamp(1, 200), filter)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The dashboard's figures for one filter (aggregated and suppressed: safe to show anyone).
pub async fn insight(
    filter: crate::model::InsightFilter,
) -> Result<crate::model::InsightOverview, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .insight(filter)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// One area's profile, or `None` when no such area is imported.
pub async fn area_profile(
    code: String,
    filter: crate::model::InsightFilter,
) -> Result<Option<crate::model::AreaProfile>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .area_profile(code, filter)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// One area's printable report (public, as the pages it gathers), or `None`.
pub async fn area_report(
    code: String,
    lang: String,
) -> Result<Option<crate::model::AreaReport>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .area_report(code, lang)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// One area's "you said, we did" (public: what staff did, with their notes), or `None`.
pub async fn area_changes(
    code: String,
) -> Result<Option<crate::model::AreaChanges>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .area_changes(code)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// One activity's public page, or `None`.
pub async fn activity(id: String) -> Result<Option<crate::model::ActivityView>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .activity(id)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// One area's dynamics (public), or `None`.
pub async fn area_dynamics(
    code: String,
) -> Result<Option<crate::model::AreaDynamics>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .area_dynamics(code)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// Walking coverage for the coverage page (public, like every figure of the dashboard).
pub async fn coverage(
    query: Option<crate::model::CoverageQuery>,
) -> Result<crate::model::CoverageOverview, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .coverage(query)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// One area's walking coverage, for its profile.
pub async fn area_coverage(code: String) -> Result<Vec<crate::model::AreaCoverage>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .area_coverage(code)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// One entry as the public sees it (status, note, published text), or `None`.
pub async fn entry(id: String) -> Result<Option<crate::model::PublicEntry>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .entry(id)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The signed-in staff member's page data (the moderation queue), or `None` when the request has no
/// valid staff session. Reads the session cookie of the request.
pub async fn staff_desk() -> Result<Option<crate::model::StaffDesk>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    let cookie = super::request_cookie().await?;
    backend
        .staff_desk(cookie)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// Another staff page (accounts, audit log, campaigns) for the request's session, or `None` without
/// a valid session.
pub async fn staff_view(
    view: crate::model::StaffView,
) -> Result<Option<crate::model::StaffPageData>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    let cookie = super::request_cookie().await?;
    backend
        .staff_view(cookie, view)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The campaigns open today, in `lang`.
pub async fn open_campaigns(
    lang: String,
) -> Result<Vec<crate::model::CampaignCard>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .open_campaigns(lang)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// One campaign for a resident's page, or `None`.
pub async fn campaign_info(
    id: String,
    respondent: Option<String>,
) -> Result<Option<crate::model::CampaignInfo>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .campaign_info(id, respondent)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The entry behind a private link (`/mijn/{id}?sleutel=`), or `None`.
pub async fn own_entry(
    id: String,
    key: String,
) -> Result<Option<crate::model::OwnEntry>, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .own_entry(id, key)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// A random (v4) UUID: a fresh form's entry id or respondent (the kiosk's are made on the tablet).
pub fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A campaign's survey results for the results page: released figures for everyone, and the
/// published text answers when the request carries a session of staff with access.
pub async fn survey_results(
    query: crate::model::SurveyResultsQuery,
) -> Result<crate::model::SurveyResultsPage, ServerFnError> {
    let backend = expect_context::<BackendRef>();
    backend
        .survey_results(query, super::request_cookie().await?)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}
