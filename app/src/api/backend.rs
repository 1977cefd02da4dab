use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::model::{
    AreaCoverage, AreaProfile, CampaignCard, CampaignInfo, CoverageOverview, CoverageQuery,
    FormDraft, GeocodeHit, InsightFilter, InsightOverview, PublicEntry, StaffDesk, StaffPageData,
    StaffView,
};

use super::SubmitOutcome;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The server's domain as the UI sees it.
pub trait Backend: Send + Sync + 'static {
    /// Validates, assigns areas and stores the resident form's entry; looks up the typed address when no
    /// position was given.
    /// `cookie` carries a worker's session for paper forms.
    fn submit_form(
        &self,
        draft: FormDraft,
        cookie: Option<String>,
    ) -> BoxFuture<'_, Result<SubmitOutcome, BackendError>>;
    /// The entry form's campaign, the event this device's cookie tags it with, and for a worker
    /// asking for `paper_event` the paper mode.
    fn form_context(
        &self,
        campaign: String,
        paper_event: Option<String>,
        cookie: Option<String>,
    ) -> BoxFuture<'_, Result<crate::model::FormContext, BackendError>>;
    /// The kiosk of `event`, when this tablet's cookie is that event's kiosk link; else `None`.
    fn kiosk(
        &self,
        event: String,
        cookie: Option<String>,
    ) -> BoxFuture<'_, Result<Option<crate::model::KioskContext>, BackendError>>;
    fn geocode(&self, q: String) -> BoxFuture<'_, Result<Vec<GeocodeHit>, BackendError>>;
    /// The newest public entries, as the public map shows them, that the map's filter lets through.
    fn recent_entries(
        &self,
        limit: u32,
        filter: crate::model::MapFilter,
    ) -> BoxFuture<'_, Result<Vec<PublicEntry>, BackendError>>;
    /// The staff page's data for the session in this `Cookie` header; `None` when not signed in.
    fn staff_desk(
        &self,
        cookie: Option<String>,
    ) -> BoxFuture<'_, Result<Option<StaffDesk>, BackendError>>;
    /// Another staff page for the session in this `Cookie` header; `None` when not signed in.
    fn staff_view(
        &self,
        cookie: Option<String>,
        view: StaffView,
    ) -> BoxFuture<'_, Result<Option<StaffPageData>, BackendError>>;
    /// The campaigns open today, in `lang`, the general one first.
    fn open_campaigns(
        &self,
        lang: String,
    ) -> BoxFuture<'_, Result<Vec<CampaignCard>, BackendError>>;
    /// One campaign, and whether `respondent` answered its survey; `None` when unknown.
    fn campaign_info(
        &self,
        id: String,
        respondent: Option<String>,
    ) -> BoxFuture<'_, Result<Option<CampaignInfo>, BackendError>>;
    /// Visible entries of `kind` near a position, nearest first (at most 5).
    fn nearby(
        &self,
        kind: crate::model::Kind,
        lon: f64,
        lat: f64,
    ) -> BoxFuture<'_, Result<Vec<PublicEntry>, BackendError>>;
    /// "Ik ook" on an entry: its count afterwards, or `None` when there is no such visible entry.
    fn me_too(
        &self,
        id: String,
        respondent: String,
    ) -> BoxFuture<'_, Result<Option<u64>, BackendError>>;
    /// The entry behind a private link, or `None` when the key does not fit.
    fn own_entry(
        &self,
        id: String,
        key: String,
    ) -> BoxFuture<'_, Result<Option<crate::model::OwnEntry>, BackendError>>;
    /// One entry as the public sees it, with its status; `None` when unknown or hidden.
    fn entry(&self, id: String) -> BoxFuture<'_, Result<Option<PublicEntry>, BackendError>>;
    /// The dashboard's released figures and choices for one filter.
    fn insight(
        &self,
        filter: InsightFilter,
    ) -> BoxFuture<'_, Result<InsightOverview, BackendError>>;
    /// One area's profile under the filter's period, source and campaign; `None` for an unknown area.
    fn area_profile(
        &self,
        code: String,
        filter: InsightFilter,
    ) -> BoxFuture<'_, Result<Option<AreaProfile>, BackendError>>;
    /// One area's printable report in `lang`; `None` for an unknown area.
    fn area_report(
        &self,
        code: String,
        lang: String,
    ) -> BoxFuture<'_, Result<Option<crate::model::AreaReport>, BackendError>>;
    /// One area's "you said, we did"; `None` for an unknown area.
    fn area_changes(
        &self,
        code: String,
    ) -> BoxFuture<'_, Result<Option<crate::model::AreaChanges>, BackendError>>;
    /// One activity's public page (its ripple map, no notes); `None` for no such activity.
    fn activity(
        &self,
        id: String,
    ) -> BoxFuture<'_, Result<Option<crate::model::ActivityView>, BackendError>>;
    /// One area's dynamics (map, timeline, figures); `None` for an unknown area.
    fn area_dynamics(
        &self,
        code: String,
    ) -> BoxFuture<'_, Result<Option<crate::model::AreaDynamics>, BackendError>>;
    /// Walking coverage: the gemeenten a network covers and, for a question, its answer.
    fn coverage(
        &self,
        query: Option<CoverageQuery>,
    ) -> BoxFuture<'_, Result<CoverageOverview, BackendError>>;
    /// One area's coverage within 10 minutes, both profiles, with and without barriers; empty when
    /// no network covers it.
    fn area_coverage(&self, code: String)
        -> BoxFuture<'_, Result<Vec<AreaCoverage>, BackendError>>;
    /// A campaign's survey results (`cookie`: a staff session reads published text answers).
    fn survey_results(
        &self,
        query: crate::model::SurveyResultsQuery,
        cookie: Option<String>,
    ) -> BoxFuture<'_, Result<crate::model::SurveyResultsPage, BackendError>>;
}

pub type BackendRef = Arc<dyn Backend>;

#[derive(Debug, Clone, thiserror::Error)]
pub enum BackendError {
    /// Try again later: the database is busy, full or read-only, or PDOK is unreachable.
    #[error("temporarily unavailable: {0}")]
    Unavailable(String),
    #[error("internal error")]
    Internal,
}
