//! The ceiling of `bench/ingest.sh`: a bare axum handler on `POST /api/v1/submissions` that reads
//! the body exactly as the API does (`routes::api::read_submission`: size limit, content type,
//! serde into `SubmissionInput`) and answers 201 with a receipt of the same shape, storing nothing.
//! Whatever Trefpunt does beyond this (validation, areas, the database) is what the ratio measures.
//!
//! `INGEST_CEILING_ADDR=127.0.0.1:3100 cargo run --release -p server --example ingest_ceiling`

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use server::routes::api::{read_submission, MAX_BODY_BYTES};

async fn submit(headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    match read_submission(&headers, body) {
        Ok(input) => (
            StatusCode::CREATED,
            Json(app::model::Receipt {
                id: input.id,
                areas: app::model::AreaCodes::default(),
                edit_key: Some("0".repeat(32)),
            }),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("INGEST_CEILING_ADDR").unwrap_or_else(|_| "127.0.0.1:3100".into());
    let router = Router::new()
        .route("/api/v1/submissions", post(submit))
        .route("/healthz", get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, router).await
}
