//! What the Leptos pages and server functions reach the service through (`app::api::Backend`): the pages'
//! side of the routes. Staff pages find their staff member through the same guard as every staff
//! route ([`Staff`]); a storage failure is told to them as [`BackendError`].

use app::api::{Backend, BackendError, BoxFuture, SubmitOutcome};
use app::model::{
    AreaProfile, FormDraft, GeocodeHit, InsightFilter, InsightOverview, PublicEntry, StaffDesk,
};

use super::error::ApiError;
use super::extract::{cookie_headers, event_cookie, AnyStaff, Staff, Workers};
use crate::service::{MeToo, Service, ServiceError};
use crate::store::{EntryFilter, StoreError};

/// A service error a page can only report: the database out, or something that should not happen.
fn service_error(e: ServiceError) -> BackendError {
    match ApiError::from(e) {
        ApiError::Outage(outage) => BackendError::Unavailable(outage.message().into()),
        _ => BackendError::Internal,
    }
}

/// A failed staff check that is not about the caller (the database did not answer).
fn guard_error(e: ApiError) -> BackendError {
    match e {
        ApiError::Outage(outage) => BackendError::Unavailable(outage.message().into()),
        _ => BackendError::Internal,
    }
}

/// Logs the real error and hands the UI only what it may show.
pub fn backend_error(e: StoreError) -> BackendError {
    match e.outage() {
        Some(outage) => {
            tracing::warn!(error = %e, ?outage, "storage unavailable");
            BackendError::Unavailable(outage.message().into())
        }
        None => {
            tracing::error!(error = %e, "storage failed");
            BackendError::Internal
        }
    }
}

/// The staff member a staff page renders for (any role; the page says what the role may see).
async fn signed_in(
    svc: &Service,
    cookie: Option<String>,
) -> Result<Option<Staff<AnyStaff>>, BackendError> {
    Staff::<AnyStaff>::from_cookie(svc, cookie)
        .await
        .map_err(guard_error)
}

impl Backend for Service {
    fn staff_desk(
        &self,
        cookie: Option<String>,
    ) -> BoxFuture<'_, Result<Option<StaffDesk>, BackendError>> {
        Box::pin(async move {
            let Some(staff) = signed_in(self, cookie).await? else {
                return Ok(None);
            };
            self.desk(&staff.user)
                .await
                .map(Some)
                .map_err(backend_error)
        })
    }

    fn staff_view(
        &self,
        cookie: Option<String>,
        view: app::model::StaffView,
    ) -> BoxFuture<'_, Result<Option<app::model::StaffPageData>, BackendError>> {
        Box::pin(async move {
            let Some(staff) = signed_in(self, cookie).await? else {
                return Ok(None);
            };
            self.staff_page(&staff.user, view)
                .await
                .map(Some)
                .map_err(backend_error)
        })
    }

    fn open_campaigns(
        &self,
        lang: String,
    ) -> BoxFuture<'_, Result<Vec<app::model::CampaignCard>, BackendError>> {
        Box::pin(async move { self.campaign_cards(&lang).await.map_err(backend_error) })
    }

    fn campaign_info(
        &self,
        id: String,
        respondent: Option<String>,
    ) -> BoxFuture<'_, Result<Option<app::model::CampaignInfo>, BackendError>> {
        Box::pin(async move {
            Service::campaign_info(self, &id, respondent.as_deref())
                .await
                .map_err(backend_error)
        })
    }

    fn nearby(
        &self,
        kind: app::model::Kind,
        lon: f64,
        lat: f64,
    ) -> BoxFuture<'_, Result<Vec<PublicEntry>, BackendError>> {
        Box::pin(async move {
            Service::nearby(self, kind, lon, lat)
                .await
                .map_err(backend_error)
        })
    }

    fn me_too(
        &self,
        id: String,
        respondent: String,
    ) -> BoxFuture<'_, Result<Option<u64>, BackendError>> {
        Box::pin(async move {
            match Service::me_too(self, &id, &respondent).await {
                Ok(MeToo::Counted(n) | MeToo::Already(n)) => Ok(Some(n)),
                Ok(MeToo::Unknown) | Err(ServiceError::Invalid(_)) => Ok(None),
                Err(e) => Err(service_error(e)),
            }
        })
    }

    fn own_entry(
        &self,
        id: String,
        key: String,
    ) -> BoxFuture<'_, Result<Option<app::model::OwnEntry>, BackendError>> {
        Box::pin(async move {
            Service::own_entry(self, &id, &key)
                .await
                .map_err(backend_error)
        })
    }

    fn entry(&self, id: String) -> BoxFuture<'_, Result<Option<PublicEntry>, BackendError>> {
        Box::pin(async move { Service::entry(self, &id).await.map_err(backend_error) })
    }

    fn insight(
        &self,
        filter: InsightFilter,
    ) -> BoxFuture<'_, Result<InsightOverview, BackendError>> {
        Box::pin(async move { self.overview(&filter).await.map_err(backend_error) })
    }

    fn area_profile(
        &self,
        code: String,
        filter: InsightFilter,
    ) -> BoxFuture<'_, Result<Option<AreaProfile>, BackendError>> {
        Box::pin(async move { self.profile(&code, &filter).await.map_err(backend_error) })
    }

    fn area_report(
        &self,
        code: String,
        lang: String,
    ) -> BoxFuture<'_, Result<Option<app::model::AreaReport>, BackendError>> {
        Box::pin(async move {
            Service::area_report(self, &code, &lang)
                .await
                .map_err(service_error)
        })
    }

    fn area_changes(
        &self,
        code: String,
    ) -> BoxFuture<'_, Result<Option<app::model::AreaChanges>, BackendError>> {
        Box::pin(async move {
            Service::area_changes(self, &code)
                .await
                .map_err(backend_error)
        })
    }

    fn activity(
        &self,
        id: String,
    ) -> BoxFuture<'_, Result<Option<app::model::ActivityView>, BackendError>> {
        Box::pin(async move {
            // The public page: no viewer, so no notes, whoever asks.
            let Some(ripples) = self.ripples(&id, None).await.map_err(backend_error)? else {
                return Ok(None);
            };
            let visible_origins = self
                .visible_origins(&ripples.centre)
                .await
                .map_err(backend_error)?;
            Ok(Some(app::model::ActivityView {
                ripples,
                visible_origins,
            }))
        })
    }

    fn area_dynamics(
        &self,
        code: String,
    ) -> BoxFuture<'_, Result<Option<app::model::AreaDynamics>, BackendError>> {
        Box::pin(async move {
            Service::area_dynamics(self, &code)
                .await
                .map_err(backend_error)
        })
    }

    fn coverage(
        &self,
        query: Option<app::model::CoverageQuery>,
    ) -> BoxFuture<'_, Result<app::model::CoverageOverview, BackendError>> {
        Box::pin(async move {
            let gemeenten = self.coverage_gemeenten().await.map_err(service_error)?;
            let mut out = app::model::CoverageOverview {
                gemeenten: gemeenten.to_vec(),
                k: self.barrier_k().await.map_err(backend_error)?,
                ..Default::default()
            };
            if let Some(q) = query {
                match Service::coverage(self, &q).await {
                    Ok(answer) => out.rows = answer.rows.clone(),
                    Err(ServiceError::Field { field, reason }) => {
                        out.problem = Some(format!("{field}: {reason}"));
                    }
                    Err(e) => return Err(service_error(e)),
                }
            }
            Ok(out)
        })
    }

    fn survey_results(
        &self,
        query: app::model::SurveyResultsQuery,
        cookie: Option<String>,
    ) -> BoxFuture<'_, Result<app::model::SurveyResultsPage, BackendError>> {
        use app::model::SurveyResultsPage as Page;
        Box::pin(async move {
            let staff = signed_in(self, cookie).await?;
            match Service::survey_results(
                self,
                &query.campaign,
                query.level.as_deref(),
                query.area.as_deref(),
                &query.lang,
                staff.as_ref().map(|s| &s.user),
            )
            .await
            {
                Ok(Some(r)) => Ok(Page::Results(r)),
                Ok(None) => Ok(Page::NotFound),
                Err(ServiceError::Field { field, reason }) => Ok(Page::BadParameter {
                    field,
                    message: reason.to_string(),
                }),
                Err(e) => Err(service_error(e)),
            }
        })
    }

    fn area_coverage(
        &self,
        code: String,
    ) -> BoxFuture<'_, Result<Vec<app::model::AreaCoverage>, BackendError>> {
        Box::pin(async move {
            Ok(Service::area_coverage(self, &code)
                .await
                .map_err(service_error)?
                .into_iter()
                .map(|(profile, barriers, row)| app::model::AreaCoverage {
                    profile,
                    barriers,
                    row,
                })
                .collect())
        })
    }

    fn submit_form(
        &self,
        draft: FormDraft,
        cookie: Option<String>,
    ) -> BoxFuture<'_, Result<SubmitOutcome, BackendError>> {
        Box::pin(async move {
            let credentials =
                super::extract::form_credentials(self, &cookie_headers(cookie), &draft).await;
            Service::submit_form(self, draft, &credentials)
                .await
                .map_err(backend_error)
        })
    }

    fn form_context(
        &self,
        campaign: String,
        paper_event: Option<String>,
        cookie: Option<String>,
    ) -> BoxFuture<'_, Result<app::model::FormContext, BackendError>> {
        Box::pin(async move {
            // Only a worker asking for a paper form needs their session looked up.
            let worker = match paper_event {
                Some(_) => Staff::<Workers>::from_cookie(self, cookie.clone())
                    .await
                    .map_err(guard_error)?,
                None => None,
            };
            let headers = cookie_headers(cookie);
            Service::form_context(
                self,
                &campaign,
                paper_event.as_deref(),
                event_cookie(&headers).as_deref(),
                worker.as_ref().map(|w| &w.user),
            )
            .await
            .map_err(backend_error)
        })
    }

    fn kiosk(
        &self,
        event: String,
        cookie: Option<String>,
    ) -> BoxFuture<'_, Result<Option<app::model::KioskContext>, BackendError>> {
        Box::pin(async move {
            let headers = cookie_headers(cookie);
            Service::kiosk(self, &event, event_cookie(&headers).as_deref())
                .await
                .map_err(backend_error)
        })
    }

    fn geocode(&self, q: String) -> BoxFuture<'_, Result<Vec<GeocodeHit>, BackendError>> {
        Box::pin(async move {
            Service::geocode(self, &q).await.map_err(|e| {
                tracing::warn!(error = %e, "address search failed");
                BackendError::Unavailable("address search is unavailable".into())
            })
        })
    }

    fn recent_entries(
        &self,
        limit: u32,
        filter: app::model::MapFilter,
    ) -> BoxFuture<'_, Result<Vec<PublicEntry>, BackendError>> {
        Box::pin(async move {
            // The page read the filter leniently: known words, sorted, each once.
            self.public_entries(&EntryFilter {
                limit,
                kind: filter.kind,
                status: filter.status,
                quality: filter.quality,
                ..Default::default()
            })
            .await
            .map_err(backend_error)
        })
    }
}
