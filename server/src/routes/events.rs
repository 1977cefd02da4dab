//! Street events: the workers' API (`/api/v1/events`), their plain forms and
//! printable poster under `/staff/evenementen`, and the two links an event hands out: `/tablet/{id}`
//! (the kiosk) and `/qr/{id}` (the poster's QR code on a resident's phone). Both links set the event
//! cookie and lead on; a wrong or expired link gets a plain 404 page.

use app::model::{Event, EventInput, EventLink, EventStatus, Rule, Violation};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::campaign_forms::see_other;
use super::error::{ApiError, Errors};
use super::extract::{JsonBody, Staff, StaffForm, Workers};
use super::openapi::x_roles;
use crate::service::{Service, ServiceError};

/// The cookie an event link sets: `<event id>.<token>`. The kiosk link's token also lifts the
/// anonymous write limit for that tablet; the poster's only tags the phone's entries.
pub const COOKIE: &str = "trefpunt_event";

/// `Set-Cookie` for an event link: a tablet keeps it for the event and its grace period, a phone for
/// a day. (`routes::security` adds `Secure` to every cookie when the site is served over https.)
fn set_cookie(event: &Event, token: &str, link: EventLink) -> String {
    let max_age = match link {
        EventLink::Kiosk => (app::model::SYNC_GRACE_DAYS + 1) * 86_400,
        EventLink::Poster => 86_400,
    };
    format!(
        "{COOKIE}={}.{token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax",
        event.id
    )
}

pub fn router() -> axum::Router<Service> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/staff/evenementen", post(create_form))
        .route("/staff/evenementen/{id}/status", post(status_form))
        .route("/staff/evenementen/{id}/qr.svg", get(qr_svg))
        .route("/staff/evenementen/{id}/poster", get(poster))
        .route("/tablet/{id}", get(open_tablet))
        .route("/qr/{id}", get(open_poster_link))
}

/// `POST /events` (worker): 201 with the event and its links.
#[utoipa::path(
    post,
    path = "/events",
    operation_id = "createEvent",
    summary = "A street event in a campaign, with its kiosk and poster links (worker)",
    request_body = EventInput,
    responses((status = 201, description = "created", body = EventOut)),
    extensions(("x-roles" = json!(x_roles::<Workers>()))),
)]
pub async fn create(
    State(svc): State<Service>,
    worker: Staff<Workers>,
    JsonBody(input): JsonBody<EventInput>,
) -> Result<Response, ApiError> {
    let event = svc.create_event(&input, &worker.user).await?;
    Ok((StatusCode::CREATED, Json(with_links(event))).into_response())
}

/// `GET /events` (worker): the events of the campaigns this worker may see.
#[utoipa::path(
    get,
    path = "/events",
    operation_id = "listEvents",
    summary = "The events of the campaigns this worker may see (worker)",
    responses((status = 200, description = "events, newest day first", body = Vec<EventOut>)),
    extensions(("x-roles" = json!(x_roles::<Workers>()))),
)]
pub async fn list(
    State(svc): State<Service>,
    worker: Staff<Workers>,
) -> Result<Response, ApiError> {
    let all: Vec<_> = svc
        .events_for(&worker.user)
        .await?
        .into_iter()
        .map(with_links)
        .collect();
    Ok(Json(all).into_response())
}

/// `GET /events/{id}` (worker).
#[utoipa::path(
    get,
    path = "/events/{id}",
    operation_id = "getEvent",
    summary = "One event (worker)",
    params(("id" = String, Path, description = "the event's id")),
    responses(
        (status = 200, description = "the event", body = EventOut),
        (status = 404, description = "no such event for this worker", body = Errors),
    ),
    extensions(("x-roles" = json!(x_roles::<Workers>()))),
)]
pub async fn one(
    State(svc): State<Service>,
    worker: Staff<Workers>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let e = svc
        .event_for(&id, &worker.user)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(with_links(e)).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    #[schema(value_type = EventStatus)]
    status: String,
}

/// `PATCH /events/{id}` `{status: open|closed}` (worker): a closed event's links take nothing new.
#[utoipa::path(
    patch,
    path = "/events/{id}",
    operation_id = "changeEvent",
    summary = "Close or reopen an event (worker); a closed event's links take nothing new",
    params(("id" = String, Path, description = "the event's id")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "the event", body = EventOut),
        (status = 404, description = "no such event for this worker", body = Errors),
        (status = 422, description = "an unknown status", body = Errors),
    ),
    extensions(("x-roles" = json!(x_roles::<Workers>()))),
)]
pub async fn change(
    State(svc): State<Service>,
    worker: Staff<Workers>,
    Path(id): Path<String>,
    JsonBody(change): JsonBody<StatusChange>,
) -> Result<Response, ApiError> {
    let status = EventStatus::parse(&change.status)
        .ok_or_else(|| ApiError::Invalid(vec![Violation::new("status", Rule::UnknownValue)]))?;
    let e = svc
        .set_event_status(&id, status, &worker.user)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(with_links(e)).into_response())
}

/// An event with its two links.
#[derive(Serialize, ToSchema)]
pub struct EventOut {
    #[serde(flatten)]
    event: Event,
    /// Path of the tablet link: opens the kiosk and lifts the anonymous write limit for that
    /// tablet (the site's address goes in front).
    kiosk_url: String,
    /// Path of the poster link: tags a resident's phone with the event.
    qr_url: String,
}

fn with_links(event: Event) -> EventOut {
    EventOut {
        kiosk_url: event.kiosk_path(),
        qr_url: event.qr_path(),
        event,
    }
}

/// Every field may be missing: the session and CSRF token are checked before anything else.
#[derive(Deserialize)]
struct NewEventForm {
    csrf: Option<String>,
    #[serde(default)]
    campaign: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    day: String,
}

/// `POST /staff/evenementen`: a new event from the staff page; back to it either way.
async fn create_form(
    State(svc): State<Service>,
    StaffForm { staff, form: f, .. }: StaffForm<Workers, NewEventForm>,
) -> Result<Response, ApiError> {
    let worker = staff.user;
    let input = EventInput {
        campaign: f.campaign,
        name: f.name,
        place: f.place,
        day: f.day,
    };
    match svc.create_event(&input, &worker).await {
        Ok(e) => Ok(see_other(&format!(
            "/staff/evenementen?melding=nieuw#evenement-{}",
            e.id
        ))),
        Err(ServiceError::Invalid(_)) => Ok(see_other("/staff/evenementen?melding=ongeldig")),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct StatusForm {
    csrf: Option<String>,
    #[serde(default)]
    status: String,
}

super::extract::csrf_field!(StatusForm, NewEventForm);

/// `POST /staff/evenementen/{id}/status`: close or reopen an event.
async fn status_form(
    State(svc): State<Service>,
    Path(id): Path<String>,
    StaffForm { staff, form: f, .. }: StaffForm<Workers, StatusForm>,
) -> Result<Response, ApiError> {
    let worker = staff.user;
    let Some(status) = EventStatus::parse(&f.status) else {
        return Ok(see_other("/staff/evenementen?melding=ongeldig"));
    };
    svc.set_event_status(&id, status, &worker)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(see_other(&format!(
        "/staff/evenementen?melding=opgeslagen#evenement-{id}"
    )))
}

/// The site's address for links printed on paper.
fn origin(svc: &Service, headers: &HeaderMap) -> String {
    if let Some(u) = svc.public_url() {
        return u.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// The event a worker asks a printable for, within what they may see.
async fn worker_event(svc: &Service, worker: &Staff<Workers>, id: &str) -> Result<Event, ApiError> {
    svc.event_for(id, &worker.user)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The poster link as a QR code (medium error correction: survives a crease or a raindrop).
pub fn qr_code(url: &str) -> Result<String, ApiError> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| ApiError::Internal)?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// `GET /staff/evenementen/{id}/qr.svg` (worker).
async fn qr_svg(
    State(svc): State<Service>,
    worker: Staff<Workers>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let e = worker_event(&svc, &worker, &id).await?;
    let svg = qr_code(&format!("{}{}", origin(&svc, &headers), e.qr_path()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        svg,
    )
        .into_response())
}

/// `GET /staff/evenementen/{id}/poster` (worker): an A4 page to print, with the campaign's title, the
/// event, the QR code and the link spelled out for those who type it.
async fn poster(
    State(svc): State<Service>,
    worker: Staff<Workers>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let e = worker_event(&svc, &worker, &id).await?;
    let campaign = svc.campaign(&e.campaign).await?.ok_or(ApiError::NotFound)?;
    let link = format!("{}{}", origin(&svc, &headers), e.qr_path());
    let qr = qr_code(&link)?;
    let title = app::model::text_in(&campaign.title, "nl");
    let day = e.day.to_string();
    let when = [e.place.as_str(), day.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ");
    let page = format!(
        r#"<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Poster · {title}</title>
<link rel="stylesheet" href="/css/poster.css"></head>
<body><main>
<h1>{title}</h1>
<p class="event">{name}<br>{when}</p>
<div class="qr">{qr}</div>
<p class="call">Scan mij en doe mee!</p>
<p class="langs" lang="">Join in · Katılın · <span dir="rtl" lang="ar">شارك</span> · Dołącz · Долучайтеся</p>
<p class="small">Geen account nodig. Je naam of adres vragen we niet.</p>
<p class="link">{link}</p>
</main></body></html>"#,
        title = app::html::escape(title),
        name = app::html::escape(&e.name),
        when = app::html::escape(&when),
        link = app::html::escape(&link),
    );
    Ok(([(header::CACHE_CONTROL, "private, no-store")], Html(page)).into_response())
}

#[derive(Deserialize)]
struct Key {
    sleutel: Option<String>,
}

/// `GET /tablet/{id}?sleutel=`: makes this browser the event's kiosk and opens it.
async fn open_tablet(
    State(svc): State<Service>,
    Path(id): Path<String>,
    Query(k): Query<Key>,
) -> Response {
    open_link(&svc, &id, k.sleutel.as_deref(), EventLink::Kiosk).await
}

/// `GET /qr/{id}?sleutel=`: tags this phone's entries with the event and opens the campaign.
async fn open_poster_link(
    State(svc): State<Service>,
    Path(id): Path<String>,
    Query(k): Query<Key>,
) -> Response {
    open_link(&svc, &id, k.sleutel.as_deref(), EventLink::Poster).await
}

async fn open_link(svc: &Service, id: &str, token: Option<&str>, want: EventLink) -> Response {
    let opened = match token {
        Some(t) => svc.open_event(id, t).await,
        None => Ok(None),
    };
    match opened {
        Ok(Some((event, link))) if link == want => {
            let to = match link {
                EventLink::Kiosk => format!("/kiosk/{}", event.id),
                EventLink::Poster => format!("/campagne/{}", event.campaign),
            };
            (
                StatusCode::SEE_OTHER,
                [
                    (header::LOCATION, to),
                    (header::SET_COOKIE, set_cookie(&event, token.unwrap_or_default(), link)),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
            )
                .into_response()
        }
        Ok(_) => (
            StatusCode::NOT_FOUND,
            Html(
                "<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Link werkt niet · Trefpunt</title></head>\
                 <body><main><h1>Deze link werkt niet (meer)</h1><p>Het evenement is voorbij of gesloten, of de link is niet \
                 helemaal overgenomen. Vraag de opbouwwerker om een nieuwe link.</p><p><a href=\"/\">Naar Trefpunt</a></p></main></body></html>",
            ),
        )
            .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}
