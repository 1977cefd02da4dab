//! Photo routes: the author's upload (`PUT /api/v1/submissions/{id}/photo` with `X-Edit-Key`, or the
//! plain form `POST /mijn/{id}/foto`), and the files (`GET /api/v1/photos/{hash}.jpg`): public once
//! published, before that only to a moderator.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;

use super::error::{ApiError, Errors};
use super::extract::{Moderators, Staff};
use super::openapi::TooMany;
use crate::domain::photo::PhotoError;
use crate::service::photos::{Stored, UploadError};
use crate::service::Service;

/// Admits an upload before its body is read. A key that does not open the entry costs neither a
/// slot nor a byte of its body (404 at once). Then at most `UPLOADS_AT_ONCE` bodies are in memory,
/// the rest wait their turn (their bytes stay in the network's buffers) and after `UPLOAD_WAIT` get
/// 503; and an admitted upload that trickles its body holds its slot at most `UPLOAD_TIME` (408).
/// The key comes in `X-Edit-Key` (the API) or `?sleutel=` (the private page's form).
pub async fn admit(
    State(svc): State<Service>,
    Path(id): Path<String>,
    key: axum::extract::Query<FormKey>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let key = req
        .headers()
        .get("x-edit-key")
        .and_then(|v| v.to_str().ok())
        .or(key.sleutel.as_deref());
    let Some(key) = key else {
        return ApiError::Unauthenticated("send the key of the entry's private link in X-Edit-Key")
            .into_response();
    };
    let slot = match svc.admit_upload(&id, key).await {
        Ok(slot) => slot,
        Err(e) => return ApiError::from(e).into_response(),
    };
    match tokio::time::timeout(slot.time, next.run(req)).await {
        Ok(res) => res,
        // Dropped mid-way: an unfinished write is rolled back, a file without its row is swept
        // as an orphan (`photos::ORPHAN_AGE`).
        Err(_) => ApiError::TimedOut(
            "the photo took too long to arrive; try again on a better connection",
        )
        .into_response(),
    }
}

/// `?sleutel=` of the private page's photo form.
#[derive(serde::Deserialize)]
pub struct FormKey {
    sleutel: Option<String>,
}

/// Uploads up to 10 MiB, plus room for a multipart envelope.
pub fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(crate::domain::photo::PhotoLimits::default().max_bytes + 64 * 1024)
}

fn api_error(e: UploadError) -> Response {
    let outage = match &e {
        UploadError::Store(s) => s.outage(),
        UploadError::Io(io) => io_outage(io),
        _ => None,
    };
    if let Some(outage) = outage {
        tracing::warn!(error = %e, ?outage, "photo upload: storage unavailable");
        return ApiError::Outage(outage).into_response();
    }
    let (status, message) = match &e {
        UploadError::NotFound => return ApiError::NotFound.into_response(),
        UploadError::WrongKind => (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
        UploadError::Photo(PhotoError::TooLarge { .. }) => {
            (StatusCode::PAYLOAD_TOO_LARGE, e.to_string())
        }
        UploadError::Photo(PhotoError::Encode) => {
            (StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        }
        UploadError::Photo(_) => (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
        UploadError::Store(_) | UploadError::Io(_) => {
            tracing::error!(error = %e, "photo upload failed");
            return ApiError::Internal.into_response();
        }
    };
    (
        status,
        Json(serde_json::json!({"errors": [{"field": "photo", "message": message}]})),
    )
        .into_response()
}

/// `PUT /submissions/{id}/photo` with `X-Edit-Key` and the image as the body.
#[utoipa::path(
    put,
    path = "/submissions/{id}/photo",
    operation_id = "uploadPhoto",
    summary = "The author's photo of a place or barrier (X-Edit-Key): resized to 1600 px, every \
               metadata field removed, public after moderation",
    params(
        ("id" = String, Path, description = "the entry's id"),
        ("X-Edit-Key" = String, Header, pattern = "^[0-9a-f]{32}$",
         description = "the key of the entry's private link (Receipt.edit_key)"),
    ),
    request_body(content(
        (Vec<u8> = "image/jpeg"),
        (Vec<u8> = "image/png"),
        (Vec<u8> = "image/webp"),
    )),
    responses(
        (status = 201, description = "stored, waiting for a moderator", body = Stored),
        (status = 401, description = "no X-Edit-Key", body = Errors),
        (status = 404, description = "no such entry, or the key does not fit (answered before \
                                      the body is read)", body = Errors),
        (status = 408, description = "the body did not arrive within 150 seconds of the \
                                      upload's turn (a slot is given back)", body = Errors),
        (status = 413, description = "over 10 MB", body = Errors),
        (status = 422, description = "not a JPEG, PNG or WebP image, too many pixels, damaged, \
                                      or a wish", body = Errors),
        (status = 429, response = TooMany),
    ),
)]
pub async fn upload(
    State(svc): State<Service>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let Some(key) = headers.get("x-edit-key").and_then(|v| v.to_str().ok()) else {
        return ApiError::Unauthenticated("send the key of the entry's private link in X-Edit-Key")
            .into_response();
    };
    let Ok(body) = body else {
        return api_error(UploadError::Photo(PhotoError::TooLarge {
            max_bytes: crate::domain::photo::PhotoLimits::default().max_bytes,
        }));
    };
    match svc.upload_photo(&id, key, body).await {
        Ok(stored) => (StatusCode::CREATED, Json(stored)).into_response(),
        Err(e) => api_error(e),
    }
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyQuery {
    /// the key of the entry's private link (or send it in X-Edit-Key)
    key: Option<String>,
}

/// `GET /submissions/{id}/photo?key=` (or `X-Edit-Key`): the entry's photo for its author, published
/// or not (the private page shows it).
#[utoipa::path(
    get,
    path = "/submissions/{id}/photo",
    operation_id = "getOwnPhoto",
    summary = "The entry's photo for its author, published or not",
    params(("id" = String, Path, description = "the entry's id"), KeyQuery),
    responses(
        (status = 200, description = "the photo (JPEG, no metadata)", content_type = "image/jpeg", body = Vec<u8>),
        (status = 404, description = "no photo, no such entry, or the key does not fit", body = Errors),
    ),
)]
pub async fn own_file(
    State(svc): State<Service>,
    Path(id): Path<String>,
    headers: HeaderMap,
    q: Result<axum::extract::Query<KeyQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let from_query = q.ok().and_then(|axum::extract::Query(k)| k.key);
    let key = headers
        .get("x-edit-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or(from_query)
        .unwrap_or_default();
    match svc.own_photo(&id, &key).await {
        Ok(Some(path)) => serve(&path, "private, no-store").await,
        Ok(None) => ApiError::NotFound.into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

async fn serve(path: &std::path::Path, cache: &'static str) -> Response {
    match tokio::fs::read(path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                (header::CACHE_CONTROL, cache),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => ApiError::NotFound.into_response(),
    }
}

/// `GET /photos/{hash}.jpg`: published photos for everyone; a waiting one for moderators of its
/// gemeente only (for anyone else it does not exist).
#[utoipa::path(
    get,
    path = "/photos/{file}",
    operation_id = "getPhoto",
    summary = "A published photo (a waiting one for moderators only)",
    params(("file" = String, Path, pattern = "^[0-9a-f]{64}\\.jpg$", description = "the photo's hash and `.jpg`")),
    responses(
        (status = 200, description = "the photo (JPEG, no metadata)", content_type = "image/jpeg", body = Vec<u8>),
        (status = 404, description = "no such published photo", body = Errors),
    ),
)]
pub async fn file(
    State(svc): State<Service>,
    Path(name): Path<String>,
    moderator: Result<Staff<Moderators>, ApiError>,
) -> Response {
    let Some(hash) = name.strip_suffix(".jpg") else {
        return ApiError::NotFound.into_response();
    };
    let moderator = moderator.ok().map(|m| m.user);
    match svc.photo_file(hash, moderator.as_ref()).await {
        Ok(Some((path, true))) => serve(&path, "public, max-age=86400").await,
        Ok(Some((path, false))) => serve(&path, "private, no-store").await,
        Ok(None) => ApiError::NotFound.into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// `POST /mijn/{id}/foto` (multipart: `sleutel`, `foto`): the same upload from a plain form, with
/// the phone's camera or a file; back to the private page with how it went.
pub async fn upload_form(
    State(svc): State<Service>,
    Path(id): Path<String>,
    axum::extract::Query(FormKey { sleutel }): axum::extract::Query<FormKey>,
    mut form: Multipart,
) -> Response {
    // `admit` has checked the key: it is in the form's address, so it can be checked before the body.
    let mut key = sleutel.unwrap_or_default();
    let mut photo: Option<Bytes> = None;
    let mut too_large = false;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("foto") => match field.bytes().await {
                Ok(b) => photo = Some(b),
                Err(_) => too_large = true,
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                too_large = true;
                break;
            }
        }
    }
    // Back to the private page, with only what a key and an id can hold: anything else in the form
    // would end up in the Location header.
    key.retain(|c| c.is_ascii_hexdigit());
    let id = id.clone();
    let back = |outcome: &str| match app::model::is_uuid(&id) {
        true => {
            Redirect::to(&format!("/mijn/{id}?sleutel={key}&melding={outcome}")).into_response()
        }
        false => ApiError::NotFound.into_response(),
    };
    if too_large {
        return back("foto-te-groot");
    }
    let Some(bytes) = photo.filter(|b| !b.is_empty()) else {
        return back("foto-geen");
    };
    match svc.upload_photo(&id, &key, bytes).await {
        Ok(_) => back("foto"),
        Err(UploadError::NotFound) => ApiError::NotFound.into_response(),
        Err(UploadError::Photo(PhotoError::TooLarge { .. })) => back("foto-te-groot"),
        Err(UploadError::Photo(PhotoError::TooManyPixels { .. })) => back("foto-pixels"),
        Err(UploadError::Photo(PhotoError::NotAnImage | PhotoError::UnsupportedFormat(_))) => {
            back("foto-geen")
        }
        Err(UploadError::Photo(_) | UploadError::WrongKind) => back("foto-kapot"),
        Err(e) => api_error(e),
    }
}

/// A photo file that could not be written for want of space or permission is an outage (503), not a
/// bug.
fn io_outage(e: &std::io::Error) -> Option<crate::store::Outage> {
    match e.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
            Some(crate::store::Outage::DiskFull)
        }
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => {
            Some(crate::store::Outage::ReadOnly)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    use crate::service::Service;

    /// An app whose uploads must arrive within a second, with one entry and its key.
    async fn app() -> (axum::Router, String, String) {
        let store = crate::store::Store::open("sqlite::memory:")
            .await
            .expect("store");
        let svc = Service::new(
            store,
            &crate::config::Settings::with_defaults("sqlite::memory:"),
        )
        .await
        .expect("service")
        .with_upload_time(std::time::Duration::from_secs(1));
        let router = crate::routes::api::router(&svc).with_state(svc);
        let id = uuid::Uuid::new_v4().to_string();
        let entry = serde_json::json!({
            "id": id, "respondent": uuid::Uuid::new_v4().to_string(),
            "kind": "barrier", "category": "steps", "location": {"lon": 4.9, "lat": 52.37},
            "details": {"severity": 2, "affects": []}, "language": "nl",
        });
        let res = router
            .clone()
            .oneshot(
                Request::post("/submissions")
                    .header("content-type", "application/json")
                    .body(Body::from(entry.to_string()))
                    .expect("request"),
            )
            .await
            .expect("answer");
        assert_eq!(res.status(), StatusCode::CREATED);
        let body = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .expect("body");
        let receipt: serde_json::Value = serde_json::from_slice(&body).expect("json");
        (
            router,
            id,
            receipt["edit_key"].as_str().expect("key").to_string(),
        )
    }

    /// A body that sends one chunk and then nothing, ever.
    fn trickle() -> Body {
        let first = futures::stream::once(async {
            Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"\xFF\xD8"))
        });
        Body::from_stream(futures::StreamExt::chain(first, futures::stream::pending()))
    }

    fn put(id: &str, key: &str) -> Request<Body> {
        Request::put(format!("/submissions/{id}/photo"))
            .header("x-edit-key", key)
            .header("content-type", "image/jpeg")
            .body(trickle())
            .expect("request")
    }

    #[tokio::test]
    async fn a_wrong_key_costs_no_slot_and_a_trickled_body_gives_its_slot_back() {
        let (router, id, key) = app().await;
        // A wrong key is refused before a byte of the body is read (the body never ends).
        let wrong = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            router.clone().oneshot(put(&id, &"0".repeat(key.len()))),
        )
        .await
        .expect("answered before the body")
        .expect("answer");
        assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
        // The right key with a body that never finishes: 408 after the upload time, five times in
        // a row, so each gave its slot back (there are four).
        for _ in 0..=crate::service::photos::UPLOADS_AT_ONCE {
            let res = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                router.clone().oneshot(put(&id, &key)),
            )
            .await
            .expect("answered")
            .expect("answer");
            assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
        }
    }
}
