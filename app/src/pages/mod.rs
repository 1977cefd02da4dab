//! One file per page.

mod accessibility_page;
mod activity_page;
mod area_changes_page;
mod area_dynamics_page;
mod area_page;
mod area_report_page;
mod campaign_page;
mod coverage_page;
mod dashboard_page;
mod form_page;
mod home_page;
mod kiosk_page;
mod map_page;
mod not_found;
mod own_page;
mod privacy_page;
mod public_entry_page;
mod staff_admin_page;
mod staff_dynamics_page;
mod staff_entries_page;
mod staff_page;
mod staff_talents_page;
mod survey_page;
mod survey_results_page;
mod thanks_page;

pub use accessibility_page::AccessibilityPage;
pub use activity_page::ActivityPage;
pub use area_changes_page::AreaChangesPage;
pub use area_dynamics_page::AreaDynamicsPage;
pub use area_page::AreaPage;
pub use area_report_page::AreaReportPage;
pub use campaign_page::CampaignPage;
pub use coverage_page::CoveragePage;
pub use dashboard_page::DashboardPage;
pub use form_page::FormPage;
pub use home_page::HomePage;
pub use kiosk_page::{KioskFormPage, KioskPage, KioskSurveyPage};
pub use map_page::MapPage;
pub use not_found::NotFound;
pub use own_page::OwnPage;
pub use privacy_page::PrivacyPage;
pub use public_entry_page::PublicEntryPage;
pub use staff_admin_page::{
    StaffAuditPage, StaffCampaignPage, StaffCampaignsPage, StaffEventsPage, StaffNav,
    StaffUsersPage,
};
pub use staff_dynamics_page::StaffDynamicsPage;
pub use staff_entries_page::StaffEntriesPage;
pub use staff_page::StaffPage;
pub use staff_talents_page::StaffTalentsPage;
pub use survey_page::SurveyPage;
pub use survey_results_page::SurveyResultsPage;
pub use thanks_page::ThanksPage;

/// Sets the HTTP status of the page being rendered on the server (no-op in the browser).
pub(crate) fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(status)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(code),
    ) {
        res.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// The frame of a page about one thing named in its address (an area, an activity): the thing
/// once its data is there; for an unknown address the heading `missing`, HTTP 404 and the way back
/// to the insight pages; a plain "unavailable" when the server could not answer. `missing` is text
/// in the page's language as rendered: choosing another language loads the page anew
/// (`/taal/{locale}`).
pub(crate) fn found_or_404<T, V>(
    data: leptos::prelude::Resource<Result<Option<T>, leptos::prelude::ServerFnError>>,
    missing: String,
    show: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl leptos::prelude::IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: leptos::prelude::IntoView + 'static,
{
    use crate::i18n::*;
    use leptos::prelude::*;
    let i18n = use_i18n();
    view! {
        <Suspense>
            {move || {
                let (missing, show) = (missing.clone(), show.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(Some(found)) => show(found).into_any(),
                        Ok(None) => {
                            set_status(404);
                            view! {
                                <h1>{missing}</h1>
                                <p><a href="/inzicht">{t!(i18n, profile_back)}</a></p>
                            }
                            .into_any()
                        }
                        Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
