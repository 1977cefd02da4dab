//! Community dynamics: the API (`/api/v1/activities`, `/networks`, `/links`, an activity's
//! ripples, the exports) and the staff page's plain forms under `/staff/activiteiten`. Workers and
//! admins write within their gemeenten; everyone reads, and links' notes reach only staff of the
//! link's gemeente (never an export).

use app::model::{
    ActivityInput, CommunityGraph, CommunityLink, CommunityNode, LinkInput, Location, NetworkInput,
    NodeKind, Ripples,
};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use super::campaign_forms::see_other;
use super::error::{ApiError, Errors};
use super::extract::{AnyStaff, JsonBody, QueryParams, Staff, StaffForm, Workers};
use super::openapi::{x_roles, TooMany};
use crate::domain::graph_export;
use crate::service::dynamics::Recorded;
use crate::service::{Service, ServiceError};
use crate::store::{SessionUser, Written};

/// 201 for a new one, 200 for a resend of the same body.
fn recorded<T: Serialize>(r: Recorded<T>) -> Response {
    let status = match r.written {
        Written::Created => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    (status, Json(r.value)).into_response()
}

/// `POST /activities` (worker).
#[utoipa::path(
    post,
    path = "/activities",
    operation_id = "recordActivity",
    summary = "Record an activity and what it grew from (worker)",
    request_body = ActivityInput,
    responses(
        (status = 201, description = "recorded", body = CommunityNode),
        (status = 200, description = "the same body was recorded before under this id", body = CommunityNode),
        (status = 409, description = "another activity or network has this id", body = Errors),
        (status = 422, description = "a wrong field, a gemeente the worker does not work for, or an origin or place not of that gemeente", body = Errors),
        (status = 429, response = TooMany),
    ),
    extensions(("x-roles" = json!(x_roles::<Workers>()))),
)]
pub async fn record_activity(
    State(svc): State<Service>,
    worker: Staff<Workers>,
    JsonBody(input): JsonBody<ActivityInput>,
) -> Result<Response, ApiError> {
    Ok(recorded(svc.record_activity(&input, &worker.user).await?))
}

/// `?gemeente=` of the public lists and exports.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GemeenteQuery {
    /// a CBS gemeente code, such as GM0363
    #[param(pattern = "^GM[0-9]{4}$")]
    gemeente: String,
}

fn gemeente_of(q: &str) -> Result<String, ApiError> {
    app::model::gemeente_param(Some(q))
        .map_err(|b| ApiError::bad_query(b.field, b.message))?
        .ok_or_else(|| ApiError::bad_query("gemeente", "is required"))
}

/// The staff member behind the request's cookie, if any (a public read shows them the notes).
async fn viewer(svc: &Service, headers: &HeaderMap) -> Result<Option<SessionUser>, ApiError> {
    let cookie = headers
        .get(header::COOKIE)
        .and_then(|c| c.to_str().ok())
        .map(str::to_string);
    Ok(Staff::<AnyStaff>::from_cookie(svc, cookie)
        .await?
        .map(|s| s.user))
}

/// A public read that may carry staff-only notes is not kept by shared caches.
fn private_json<T: Serialize>(value: &T) -> Response {
    ([(header::CACHE_CONTROL, "private, no-store")], Json(value)).into_response()
}

/// `DELETE /activities/{id}` (worker of its gemeente).
#[utoipa::path(
    delete,
    path = "/activities/{id}",
    operation_id = "deleteActivity",
    summary = "Delete an activity with its links and origins (worker of its gemeente)",
    params(("id" = String, Path, description = "the activity's id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 404, description = "no such activity for this worker", body = Errors),
    ),
    extensions(("x-roles" = json!(x_roles::<Workers>()))),
)]
pub async fn delete_activity(
    State(svc): State<Service>,
    worker: Staff<Workers>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    deleted(svc.delete_node(&id, true, &worker.user).await?)
}

/// `DELETE /networks/{id}` (worker of its gemeente).
#[utoipa::path(
    delete,
    path = "/networks/{id}",
    operation_id = "deleteNetwork",
    summary = "Delete a network, institution or resident group with its links (worker of its gemeente)",
    params(("id" = String, Path, description = "the network's id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 404, description = "no such network for this worker", body = Errors),
    ),
    extensions(("x-roles" = json!(x_roles::<Workers>()))),
)]
pub async fn delete_network(
    State(svc): State<Service>,
    worker: Staff<Workers>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    deleted(svc.delete_node(&id, false, &worker.user).await?)
}

/// `DELETE /links/{id}` (worker of its gemeente).
#[utoipa::path(
    delete,
    path = "/links/{id}",
    operation_id = "deleteLink",
    summary = "Delete a link (worker of its gemeente)",
    params(("id" = String, Path, description = "the link's id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 404, description = "no such link for this worker", body = Errors),
    ),
    extensions(("x-roles" = json!(x_roles::<Workers>()))),
)]
pub async fn delete_link(
    State(svc): State<Service>,
    worker: Staff<Workers>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    deleted(svc.delete_link(&id, &worker.user).await?)
}

fn deleted(found: bool) -> Result<Response, ApiError> {
    if found {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::NotFound)
    }
}

/// `GET /activities?gemeente=` (public).
#[utoipa::path(
    get,
    path = "/activities",
    operation_id = "listActivities",
    summary = "A gemeente's activities with what they grew from (public)",
    params(GemeenteQuery),
    responses(
        (status = 200, description = "activities, oldest first", body = Vec<CommunityNode>),
        (status = 400, description = "a wrong parameter", body = Errors),
        (status = 429, response = TooMany),
    ),
)]
pub async fn list_activities(
    State(svc): State<Service>,
    QueryParams(q): QueryParams<GemeenteQuery>,
) -> Result<Response, ApiError> {
    let graph = svc
        .community_graph(&gemeente_of(&q.gemeente)?, None)
        .await?;
    let activities: Vec<CommunityNode> = graph
        .nodes
        .into_iter()
        .filter(|n| n.kind == NodeKind::Activity)
        .collect();
    Ok(Json(activities).into_response())
}

/// `GET /activities/{id}/ripples` (public; links' notes for staff of the gemeente).
#[utoipa::path(
    get,
    path = "/activities/{id}/ripples",
    operation_id = "activityRipples",
    summary = "What an activity set off: its ripple map, laid out radially (public; notes staff-only)",
    params(("id" = String, Path, description = "the activity's id")),
    responses(
        (status = 200, description = "the ripple map: nodes with their order (led_to steps from the centre) and position, links", body = Ripples),
        (status = 404, description = "no such activity", body = Errors),
        (status = 429, response = TooMany),
    ),
)]
pub async fn ripples(
    State(svc): State<Service>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let who = viewer(&svc, &headers).await?;
    let r = svc
        .ripples(&id, who.as_ref())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(private_json(&r))
}

/// `POST /networks` (worker).
#[utoipa::path(
    post,
    path = "/networks",
    operation_id = "recordNetwork",
    summary = "Record a local network, an institution or a resident group (worker)",
    request_body = NetworkInput,
    responses(
        (status = 201, description = "recorded", body = CommunityNode),
        (status = 200, description = "the same body was recorded before under this id", body = CommunityNode),
        (status = 409, description = "another activity or network has this id", body = Errors),
        (status = 422, description = "a wrong field, or a gemeente the worker does not work for", body = Errors),
        (status = 429, response = TooMany),
    ),
    extensions(("x-roles" = json!(x_roles::<Workers>()))),
)]
pub async fn record_network(
    State(svc): State<Service>,
    worker: Staff<Workers>,
    JsonBody(input): JsonBody<NetworkInput>,
) -> Result<Response, ApiError> {
    Ok(recorded(svc.record_network(&input, &worker.user).await?))
}

/// `GET /networks?gemeente=` (public).
#[utoipa::path(
    get,
    path = "/networks",
    operation_id = "listNetworks",
    summary = "A gemeente's local networks, institutions and resident groups (public)",
    params(GemeenteQuery),
    responses(
        (status = 200, description = "networks", body = Vec<CommunityNode>),
        (status = 400, description = "a wrong parameter", body = Errors),
        (status = 429, response = TooMany),
    ),
)]
pub async fn list_networks(
    State(svc): State<Service>,
    QueryParams(q): QueryParams<GemeenteQuery>,
) -> Result<Response, ApiError> {
    let graph = svc
        .community_graph(&gemeente_of(&q.gemeente)?, None)
        .await?;
    let networks: Vec<CommunityNode> = graph
        .nodes
        .into_iter()
        .filter(|n| n.kind != NodeKind::Activity)
        .collect();
    Ok(Json(networks).into_response())
}

/// `POST /links` (worker).
#[utoipa::path(
    post,
    path = "/links",
    operation_id = "recordLink",
    summary = "Record a link between two activities or networks of one gemeente (worker)",
    request_body = LinkInput,
    responses(
        (status = 201, description = "recorded (the note is the worker's: staff-only)", body = CommunityLink),
        (status = 200, description = "the same body was recorded before under this id", body = CommunityLink),
        (status = 409, description = "another link has this id", body = Errors),
        (status = 422, description = "a wrong field, an unknown end, or ends in another gemeente than the worker's", body = Errors),
        (status = 429, response = TooMany),
    ),
    extensions(("x-roles" = json!(x_roles::<Workers>()))),
)]
pub async fn record_link(
    State(svc): State<Service>,
    worker: Staff<Workers>,
    JsonBody(input): JsonBody<LinkInput>,
) -> Result<Response, ApiError> {
    Ok(recorded(svc.record_link(&input, &worker.user).await?))
}

/// `GET /links?gemeente=` (public; notes for staff of the gemeente).
#[utoipa::path(
    get,
    path = "/links",
    operation_id = "listLinks",
    summary = "A gemeente's links (public; notes staff-only)",
    params(GemeenteQuery),
    responses(
        (status = 200, description = "links, oldest day first", body = Vec<CommunityLink>),
        (status = 400, description = "a wrong parameter", body = Errors),
        (status = 429, response = TooMany),
    ),
)]
pub async fn list_links(
    State(svc): State<Service>,
    headers: HeaderMap,
    QueryParams(q): QueryParams<GemeenteQuery>,
) -> Result<Response, ApiError> {
    let who = viewer(&svc, &headers).await?;
    let graph = svc
        .community_graph(&gemeente_of(&q.gemeente)?, who.as_ref())
        .await?;
    Ok(private_json(&graph.links))
}

/// `?gemeente=&format=&table=` of the export.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// a CBS gemeente code, such as GM0363
    #[param(pattern = "^GM[0-9]{4}$")]
    gemeente: String,
    /// `graphml` (Gephi, yEd), `json` (Kumu's elements and connections) or `csv`
    #[param(pattern = "^(graphml|json|csv)$")]
    format: String,
    /// For `csv`: `links` (Gephi's edge table, the default) or `nodes`
    #[param(pattern = "^(links|nodes)$")]
    table: Option<String>,
}

/// `GET /dynamics/export?gemeente=&format=` (public): the gemeente's graph as a file, never with
/// links' notes (files travel).
#[utoipa::path(
    get,
    path = "/dynamics/export",
    operation_id = "exportDynamics",
    summary = "A gemeente's activities, networks and links as GraphML, JSON (Kumu) or CSV (public; no notes)",
    params(ExportQuery),
    responses(
        (status = 200, description = "the file, by `format`: GraphML, Kumu's JSON or CSV (`table`: links or nodes)", content(
            (String = "application/graphml+xml"),
            (serde_json::Value = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "a wrong parameter", body = Errors),
        (status = 429, response = TooMany),
    ),
)]
pub async fn export(
    State(svc): State<Service>,
    QueryParams(q): QueryParams<ExportQuery>,
) -> Result<Response, ApiError> {
    let gemeente = gemeente_of(&q.gemeente)?;
    let graph: CommunityGraph = svc.community_graph(&gemeente, None).await?;
    let (body, mime, ext) = match (q.format.as_str(), q.table.as_deref()) {
        ("graphml", None) => (
            graph_export::graphml(&graph),
            "application/graphml+xml; charset=utf-8",
            "graphml",
        ),
        ("json", None) => (graph_export::json(&graph), "application/json", "json"),
        ("csv", None | Some("links")) => (
            graph_export::links_csv(&graph),
            "text/csv; charset=utf-8",
            "links.csv",
        ),
        ("csv", Some("nodes")) => (
            graph_export::nodes_csv(&graph),
            "text/csv; charset=utf-8",
            "nodes.csv",
        ),
        ("graphml" | "json", Some(_)) => {
            return Err(ApiError::bad_query("table", "is only for format=csv"))
        }
        ("csv", Some(_)) => return Err(ApiError::bad_query("table", "must be links or nodes")),
        _ => {
            return Err(ApiError::bad_query(
                "format",
                "must be graphml, json or csv",
            ))
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"trefpunt-{gemeente}-dynamiek.{ext}\""),
            ),
        ],
        body,
    )
        .into_response())
}

// --- The staff page's plain forms ---------------------------------------------------------------

pub fn router() -> axum::Router<Service> {
    use axum::routing::post;
    axum::Router::new()
        .route("/staff/activiteiten/activiteit", post(activity_form))
        .route("/staff/activiteiten/netwerk", post(network_form))
        .route("/staff/activiteiten/verbinding", post(link_form))
        .route(
            "/staff/activiteiten/{id}/verwijderen",
            post(delete_node_form),
        )
        .route(
            "/staff/activiteiten/verbinding/{id}/verwijderen",
            post(delete_link_form),
        )
}

type Pairs = Vec<(String, String)>;

fn one(pairs: &Pairs, name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

fn optional(pairs: &Pairs, name: &str) -> Option<String> {
    Some(one(pairs, name)).filter(|v| !v.is_empty())
}

/// A point from the form's `lon` and `lat` fields; `Err` names the field when only one is given or
/// one is not a number.
fn point(pairs: &Pairs) -> Result<Option<Location>, &'static str> {
    match (optional(pairs, "lon"), optional(pairs, "lat")) {
        (None, None) => Ok(None),
        (Some(lon), Some(lat)) => {
            let lon = lon.replace(',', ".").parse().map_err(|_| "lon")?;
            let lat = lat.replace(',', ".").parse().map_err(|_| "lat")?;
            Ok(Some(Location { lon, lat }))
        }
        (None, Some(_)) => Err("lon"),
        (Some(_), None) => Err("lat"),
    }
}

/// Back to the staff page of the form's gemeente with what became of it (and, when refused, the
/// fields that were wrong). Only a well-formed gemeente code goes into the address.
fn back(pairs: &Pairs, outcome: &str, fields: &[String], anchor: &str) -> Response {
    let gemeente = one(pairs, "gemeente");
    let gemeente = if app::model::is_gemeente_code(&gemeente) {
        gemeente
    } else {
        String::new()
    };
    let mut to = format!("/staff/activiteiten?gemeente={gemeente}&melding={outcome}");
    if !fields.is_empty() {
        let names: Vec<&str> = fields
            .iter()
            .map(String::as_str)
            .filter(|f| f.bytes().all(|c| c.is_ascii_lowercase() || c == b'_'))
            .collect();
        to.push_str(&format!("&velden={}", names.join(",")));
    }
    if outcome == "ongeldig" {
        // The entries ticked on the talents page stay ticked for the next try.
        for (k, v) in pairs {
            if k == "grew_from" && app::model::is_uuid(v.trim()) {
                to.push_str(&format!("&uit={}", v.trim()));
            }
        }
    }
    if !anchor.is_empty() && app::model::is_slug(anchor) {
        to.push_str(&format!("#knoop-{anchor}"));
    }
    see_other(&to)
}

/// What a form's write came to, as the page's notice.
fn outcome<T>(
    pairs: &Pairs,
    r: Result<Recorded<T>, ServiceError>,
    id: &str,
) -> Result<Response, ApiError> {
    match r {
        Ok(r) if r.written == Written::Created => Ok(back(pairs, "opgeslagen", &[], id)),
        Ok(_) => Ok(back(pairs, "al-opgeslagen", &[], id)),
        Err(ServiceError::Invalid(v)) => {
            let fields: Vec<String> = v.into_iter().map(|v| v.field).collect();
            Ok(back(pairs, "ongeldig", &fields, ""))
        }
        Err(ServiceError::Conflict(_)) => Ok(back(pairs, "bestaat", &[], "")),
        Err(e) => Err(e.into()),
    }
}

/// `POST /staff/activiteiten/activiteit`: a new activity; back to the page either way.
async fn activity_form(
    State(svc): State<Service>,
    StaffForm { staff, form: f, .. }: StaffForm<Workers, Pairs>,
) -> Result<Response, ApiError> {
    let location = match point(&f) {
        Ok(l) => l,
        Err(field) => return Ok(back(&f, "ongeldig", &[field.to_string()], "")),
    };
    let input = ActivityInput {
        id: one(&f, "id"),
        name: one(&f, "name"),
        what: one(&f, "what"),
        gemeente: one(&f, "gemeente"),
        location,
        place: optional(&f, "place"),
        started_on: one(&f, "started_on"),
        recurring: one(&f, "recurring") == "ja",
        campaign: optional(&f, "campaign"),
        grew_from: f
            .iter()
            .filter(|(k, v)| k == "grew_from" && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect(),
    };
    let r = svc.record_activity(&input, &staff.user).await;
    outcome(&f, r, &input.id)
}

/// `POST /staff/activiteiten/netwerk`: a new network, institution or resident group.
async fn network_form(
    State(svc): State<Service>,
    StaffForm { staff, form: f, .. }: StaffForm<Workers, Pairs>,
) -> Result<Response, ApiError> {
    let location = match point(&f) {
        Ok(l) => l,
        Err(field) => return Ok(back(&f, "ongeldig", &[field.to_string()], "")),
    };
    let input = NetworkInput {
        id: one(&f, "id"),
        name: one(&f, "name"),
        kind: one(&f, "kind"),
        gemeente: one(&f, "gemeente"),
        location,
    };
    let r = svc.record_network(&input, &staff.user).await;
    outcome(&f, r, &input.id)
}

/// `POST /staff/activiteiten/verbinding`: a new link.
async fn link_form(
    State(svc): State<Service>,
    StaffForm { staff, form: f, .. }: StaffForm<Workers, Pairs>,
) -> Result<Response, ApiError> {
    let input = LinkInput {
        id: one(&f, "id"),
        from: one(&f, "from"),
        to: one(&f, "to"),
        kind: one(&f, "kind"),
        on: optional(&f, "on"),
        note: optional(&f, "note"),
        capital: optional(&f, "capital"),
    };
    let r = svc.record_link(&input, &staff.user).await;
    let from = input.from.clone();
    outcome(&f, r, &from)
}

/// `POST /staff/activiteiten/{id}/verwijderen`: deletes an activity or network of the page's
/// gemeente (the form says which: `soort=activiteit|netwerk`).
async fn delete_node_form(
    State(svc): State<Service>,
    Path(id): Path<String>,
    StaffForm { staff, form: f, .. }: StaffForm<Workers, Pairs>,
) -> Result<Response, ApiError> {
    let activity = match one(&f, "soort").as_str() {
        "activiteit" => true,
        "netwerk" => false,
        _ => return Err(ApiError::NotFound),
    };
    match svc.delete_node(&id, activity, &staff.user).await? {
        true => Ok(back(&f, "verwijderd", &[], "")),
        false => Err(ApiError::NotFound),
    }
}

/// `POST /staff/activiteiten/verbinding/{id}/verwijderen`: deletes a link.
async fn delete_link_form(
    State(svc): State<Service>,
    Path(id): Path<String>,
    StaffForm { staff, form: f, .. }: StaffForm<Workers, Pairs>,
) -> Result<Response, ApiError> {
    match svc.delete_link(&id, &staff.user).await? {
        true => Ok(back(&f, "verwijderd", &[], "")),
        false => Err(ApiError::NotFound),
    }
}
