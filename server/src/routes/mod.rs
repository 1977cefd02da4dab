//! HTTP routes besides the Leptos pages: the REST API, the plain form POST and the language choice.

pub mod abuse;
pub mod api;
pub mod campaign_forms;
pub mod campaigns;
pub mod dynamics;
pub mod error;
pub mod events;
pub mod extract;
pub mod form;
pub mod lang;
pub mod openapi;
pub mod pages;
pub mod photos;
pub mod security;
pub mod server_fns;
pub mod staff;
pub mod staff_forms;

/// `GET /readyz`: 200 when the database answers, else 503 with the reason.
pub async fn ready(
    axum::extract::State(svc): axum::extract::State<crate::service::Service>,
) -> (axum::http::StatusCode, &'static str) {
    if svc.ready().await {
        (axum::http::StatusCode::OK, "ready")
    } else {
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "the database does not answer",
        )
    }
}
