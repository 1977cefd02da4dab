//! `/api/v1`: the REST API (docs/api.md, and the OpenAPI document it serves).

use app::api::SubmitOutcome;
use app::model::{
    AreaFigure, Bbox, CoverageGrid, CoverageRow, GeocodeHit, InsightFilter, Kind, KnownPlace,
    OwnChange, OwnEntry, PublicEntry, Receipt, SubmissionInput,
};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::error::{json_error, ApiError, Errors};
use super::extract::{JsonBody, QueryParams, RawExporters, Staff, Workers};
use super::openapi::{
    CoverageParams, FeatureCollection, HeatmapParams, InsightParams, PublicFilterParams, RawParam,
    TooMany,
};
use crate::domain::heatmap::Grid;
use crate::service::{MeToo, Service};
use crate::store::EntryFilter;

pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The `/api/v1` router under construction, with its OpenAPI document. Its one way to add a route
/// is `ApiRoutes::add` with `routes!(handler)`, which takes the path and method from the handler's
/// annotation: a route cannot be served without being documented.
pub struct ApiRoutes(OpenApiRouter<Service>);

impl ApiRoutes {
    pub(super) fn add(self, route: UtoipaMethodRouter<Service>) -> ApiRoutes {
        // `routes!(a, b)` mounts its method router on every path its handlers name: handlers
        // grouped in one call must share their path, or each would also answer on the other's.
        debug_assert_eq!(route.1.paths.len(), 1, "one path per routes! group");
        ApiRoutes(self.0.routes(route))
    }
}

/// The `/api/v1` router and its OpenAPI document, both built from the handlers' annotations.
fn routes(svc: &Service) -> ApiRoutes {
    // Public reads that cost real work per request: at most `HEAVY_READS` at once per process.
    let heavy = || axum::middleware::from_fn_with_state(svc.clone(), super::abuse::heavy);
    let heavy_reads =
        || axum::middleware::from_fn_with_state(svc.clone(), super::abuse::heavy_reads);
    // Anonymous writes and the resident form's reads: the per-client limits.
    let writes = || axum::middleware::from_fn_with_state(svc.clone(), super::abuse::limit_writes);
    let reads = || axum::middleware::from_fn_with_state(svc.clone(), super::abuse::limit_reads);
    let api = ApiRoutes(OpenApiRouter::with_openapi(
        super::openapi::ApiDoc::openapi(),
    ))
    .add(routes!(areas).map(|m| m.route_layer(heavy())))
    .add(routes!(heatmap).map(|m| m.route_layer(heavy())))
    .add(routes!(aggregates).map(|m| m.route_layer(heavy())))
    .add(routes!(coverage).map(|m| m.route_layer(heavy())))
    .add(routes!(coverage_grid).map(|m| m.route_layer(heavy())))
    .add(routes!(known_places).map(|m| m.route_layer(heavy())))
    .add(routes!(export_csv).map(|m| m.route_layer(heavy())))
    .add(routes!(export_geojson).map(|m| m.route_layer(heavy())))
    // The public list reads up to 10,000 rows: a heavy read, while adding one stays light.
    .add(routes!(create_submission).map(|m| m.route_layer(writes())))
    .add(routes!(list_submissions).map(|m| m.route_layer(heavy())))
    .add(routes!(one_submission))
    .add(routes!(me_too).map(|m| m.route_layer(writes())))
    .add(
        // Route layers: a method the route does not have gets its 405 before any check.
        routes!(super::photos::upload).map(|m| {
            m.route_layer(super::photos::body_limit())
                .route_layer(axum::middleware::from_fn_with_state(
                    svc.clone(),
                    super::photos::admit,
                ))
                .route_layer(writes())
        }),
    )
    .add(routes!(super::photos::own_file))
    .add(routes!(super::photos::file))
    // Reading one's own entry is not limited; changing and deleting are anonymous writes.
    .add(routes!(change_own, delete_own).map(|m| m.route_layer(writes())))
    .add(routes!(own_entry))
    .add(routes!(geocode).map(|m| m.route_layer(reads())))
    .add(routes!(super::campaigns::list, super::campaigns::create))
    .add(routes!(super::campaigns::one, super::campaigns::replace))
    .add(routes!(super::campaigns::respond).map(|m| m.route_layer(writes())))
    .add(routes!(super::campaigns::results).map(|m| m.route_layer(heavy())))
    .add(routes!(super::campaigns::results_csv).map(|m| m.route_layer(heavy())))
    .add(routes!(super::staff::talents).map(|m| m.route_layer(heavy())))
    .add(routes!(super::campaigns::texts))
    .add(routes!(super::campaigns::moderate_text))
    .add(routes!(super::events::list, super::events::create))
    .add(routes!(super::events::one, super::events::change))
    // Community dynamics: the public reads are heavy ones (a gemeente's whole graph). The workers'
    // writes are guarded by their session and CSRF token and audited; the residents' per-client
    // write limit would count a street event's whole network against one worker's recording.
    .add(
        routes!(
            super::dynamics::list_activities,
            super::dynamics::record_activity
        )
        .map(|m| m.route_layer(heavy_reads())),
    )
    .add(routes!(super::dynamics::ripples).map(|m| m.route_layer(heavy())))
    .add(routes!(super::dynamics::delete_activity))
    .add(routes!(super::dynamics::delete_network))
    .add(routes!(super::dynamics::delete_link))
    .add(
        routes!(
            super::dynamics::list_networks,
            super::dynamics::record_network
        )
        .map(|m| m.route_layer(heavy_reads())),
    )
    .add(
        routes!(super::dynamics::list_links, super::dynamics::record_link)
            .map(|m| m.route_layer(heavy_reads())),
    )
    .add(routes!(super::dynamics::export).map(|m| m.route_layer(heavy())))
    .add(routes!(super::openapi::openapi));
    super::staff::routes(api)
}

/// The `/api/v1` router, serving its own document at `/openapi.json`.
pub fn router(svc: &Service) -> Router<Service> {
    let (router, doc) = routes(svc).0.split_for_parts();
    let doc = super::openapi::Document::new(&super::openapi::finish(doc));
    router
        .layer(Extension(doc))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// The generated OpenAPI document, as `/openapi.json` serves it.
pub fn document(svc: &Service) -> utoipa::openapi::OpenApi {
    super::openapi::finish(routes(svc).0.into_openapi())
}

#[utoipa::path(
    post,
    path = "/submissions",
    operation_id = "createSubmission",
    summary = "Store one entry (idempotent on the client-made id)",
    params(
        ("X-Event-Token" = Option<String>, Header,
         description = "with source event: the kiosk or poster token of the entry's event (source \
                        paper needs a worker's session cookie and X-CSRF-Token instead)"),
    ),
    request_body(
        content = SubmissionInput,
        examples(
            ("barrier" = (summary = "a physical barrier", value = json!({
                "id": "6f1c2d3e-4a5b-4c6d-8e7f-901234567890",
                "respondent": "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d", "campaign": "default",
                "kind": "barrier", "category": "steps", "location": {"lon": 4.6712, "lat": 51.8123},
                "details": {"severity": 2, "affects": ["elderly", "buggy"]},
                "text": "Hoge stoep bij de bushalte", "language": "nl", "source": "web"
            }))),
            ("place" = (summary = "a meeting place", value = json!({
                "id": "6f1c2d3e-4a5b-4c6d-8e7f-901234567891",
                "respondent": "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d", "kind": "place",
                "category": "library", "location": {"lon": 4.6601, "lat": 51.8102},
                "details": {"name": "Bibliotheek", "qualities": ["free", "toilet"]}, "language": "nl"
            }))),
            ("wish" = (summary = "a wish without a place", value = json!({
                "id": "6f1c2d3e-4a5b-4c6d-8e7f-901234567892",
                "respondent": "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d", "kind": "wish",
                "category": "meeting_place", "details": {"talent": "koken"}, "language": "en"
            }))),
        ),
    ),
    responses(
        (status = 201, description = "Stored", body = Receipt, links(
            ("GetOwnEntry" = (operation_id = "getOwnEntry", parameters(
                ("path.id" = "$response.body#/id"), ("header.X-Edit-Key" = "$response.body#/edit_key")))),
            ("ChangeOwnEntry" = (operation_id = "changeOwnEntry", parameters(
                ("path.id" = "$response.body#/id"), ("header.X-Edit-Key" = "$response.body#/edit_key")))),
            ("DeleteOwnEntry" = (operation_id = "deleteOwnEntry", parameters(
                ("path.id" = "$response.body#/id"), ("header.X-Edit-Key" = "$response.body#/edit_key")))),
            ("MeToo" = (operation_id = "meToo", parameters(("path.id" = "$response.body#/id")))),
        )),
        (status = 200, description = "The same id with the same body was stored before", body = Receipt),
        (status = 409, description = "The same id was stored with a different body", body = Errors),
        (status = 410, description = "The id was deleted", body = Errors),
        (status = 422, description = "Invalid: every wrong field with the reason", body = Errors),
        (status = 429, response = TooMany),
    ),
)]
async fn create_submission(
    State(svc): State<Service>,
    worker: Result<Staff<Workers>, ApiError>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let input = read_submission(&headers, body)?;
    let credentials = credentials(&headers, &input, worker);
    match svc.submit(input, &credentials).await? {
        SubmitOutcome::Created(r) => Ok((StatusCode::CREATED, Json(r)).into_response()),
        SubmitOutcome::Replayed(r) => Ok((StatusCode::OK, Json(r)).into_response()),
        SubmitOutcome::Invalid(v) => Err(ApiError::Invalid(v)),
        SubmitOutcome::Conflict => Err(ApiError::Conflict),
        SubmitOutcome::Gone => Err(ApiError::Gone),
    }
}

/// The body of `POST /submissions` as a [`SubmissionInput`]: 413 over [`MAX_BODY_BYTES`], 415 for
/// anything but JSON, 422 naming the field serde could not read. Public so the ingest benchmark's
/// ceiling (`server/examples/ingest_ceiling.rs`) parses exactly as the API does.
pub fn read_submission(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<SubmissionInput, ApiError> {
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            // The body did not arrive whole (a broken chunk, a connection cut short).
            ApiError::bad_query("body", r.body_text())
        }
    })?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
    if !is_json {
        return Err(ApiError::UnsupportedMediaType);
    }
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(&body))
        .map_err(json_error)
}

/// An event link's token (`X-Event-Token`) and, for paper forms, the worker whose session and CSRF
/// token came along. A missing or wrong one is not an error here: the entry's `source` then fails
/// validation with `needs_authority`, which names the field.
fn credentials(
    headers: &HeaderMap,
    input: &SubmissionInput,
    worker: Result<Staff<Workers>, ApiError>,
) -> crate::service::events::Credentials {
    crate::service::events::Credentials {
        event_token: headers
            .get("x-event-token")
            .and_then(|v| v.to_str().ok())
            .map(|t| t.trim().to_string()),
        worker: (input.source == "paper")
            .then(|| worker.ok().map(|w| w.user))
            .flatten(),
    }
}

/// `?kind=` of the list and heatmap routes.
fn kind_param(s: Option<&str>) -> Result<Option<Kind>, ApiError> {
    s.map(|s| {
        Kind::parse(s).ok_or_else(|| ApiError::bad_query("kind", "must be place, barrier or wish"))
    })
    .transpose()
}

/// The largest box a public read covers, in degrees each way (about 70 × 110 km here): a
/// gemeente or a region, never the whole country in one request.
pub const MAX_BBOX_DEGREES: f64 = 1.0;

/// `?bbox=min_lon,min_lat,max_lon,max_lat`: 400 when unreadable, 422 when larger than
/// [`MAX_BBOX_DEGREES`] either way.
fn bbox_param(s: &str) -> Result<Bbox, ApiError> {
    let b = Bbox::parse(s)
        .ok_or_else(|| ApiError::bad_query("bbox", "must be min_lon,min_lat,max_lon,max_lat"))?;
    if b.max_lon - b.min_lon > MAX_BBOX_DEGREES || b.max_lat - b.min_lat > MAX_BBOX_DEGREES {
        return Err(ApiError::Malformed {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            field: "bbox".into(),
            message: format!("may span at most {MAX_BBOX_DEGREES}° of longitude and of latitude"),
        });
    }
    Ok(b)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// min_lon,min_lat,max_lon,max_lat (WGS84), min before max. At most 1° each way (422 beyond).
    #[param(
        pattern = r"^-?[0-9]{1,3}(\.[0-9]+)?(,-?[0-9]{1,3}(\.[0-9]+)?){3}$",
        example = "4.6,51.78,4.72,51.84"
    )]
    bbox: Option<String>,
    #[param(value_type = Option<Kind>)]
    kind: Option<String>,
    /// only entries with this status ("you said, we did": what staff did with them)
    #[param(value_type = Option<app::model::Status>)]
    status: Option<String>,
    /// only places with every one of these qualities, comma-separated (free,
    /// open_evenings_weekends); implies kind=place
    #[param(
        pattern = "^[a-z_]+(,[a-z_]+)*$",
        example = "free,open_evenings_weekends"
    )]
    quality: Option<String>,
    #[param(minimum = 1, maximum = 10000, default = 1000)]
    limit: Option<u32>,
}

pub const MAX_LIST: u32 = 10_000;

/// `?limit=` of the public lists: 1 to [`MAX_LIST`], 1,000 when not given.
fn limit_param(limit: Option<u32>) -> Result<u32, ApiError> {
    match limit {
        None => Ok(1000),
        Some(n @ 1..=MAX_LIST) => Ok(n),
        Some(_) => Err(ApiError::bad_query(
            "limit",
            format!("must be 1 to {MAX_LIST}"),
        )),
    }
}

#[utoipa::path(
    get,
    path = "/submissions",
    operation_id = "listSubmissions",
    summary = "Public map entries: places exact, barriers and wishes on a 100 m grid, no free text",
    params(ListQuery),
    responses(
        (status = 200, description = "Newest first", body = Vec<PublicEntry>),
        (status = 400, description = "A query parameter is wrong", body = Errors),
        (status = 422, description = "the box is larger than 1° of longitude or of latitude (field `bbox`)", body = Errors),
    ),
)]
async fn list_submissions(
    State(svc): State<Service>,
    QueryParams(q): QueryParams<ListQuery>,
) -> Result<Response, ApiError> {
    let bbox = q.bbox.as_deref().map(bbox_param).transpose()?;
    let kind = kind_param(q.kind.as_deref())?;
    let status = q
        .status
        .as_deref()
        .map(|s| {
            app::model::Status::parse(s).ok_or_else(|| {
                ApiError::bad_query(
                    "status",
                    "must be received, in_progress, taken_up, done or not_possible",
                )
            })
        })
        .transpose()?;
    let limit = limit_param(q.limit)?;
    // The figures' rules for qualities: known words, all required, places only.
    let pairs: Vec<(String, String)> = q
        .quality
        .map(|v| vec![("quality".to_string(), v)])
        .unwrap_or_default();
    let facets =
        InsightFilter::from_pairs(&pairs).map_err(|e| ApiError::bad_query(e.field, e.message))?;
    if !facets.quality.is_empty() && kind.is_some_and(|k| k != Kind::Place) {
        return Err(ApiError::bad_query(
            "quality",
            "is about places only (kind=place)",
        ));
    }
    let entries = svc
        .public_entries(&EntryFilter {
            bbox,
            kind,
            status,
            quality: facets.quality,
            limit,
        })
        .await?;
    Ok(Json(entries).into_response())
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PlacesQuery {
    /// min_lon,min_lat,max_lon,max_lat (WGS84), min before max. At most 1° each way (422 beyond).
    #[param(
        pattern = r"^-?[0-9]{1,3}(\.[0-9]+)?(,-?[0-9]{1,3}(\.[0-9]+)?){3}$",
        example = "4.85,52.34,4.95,52.40"
    )]
    bbox: Option<String>,
    #[param(minimum = 1, maximum = 10000, default = 1000)]
    limit: Option<u32>,
}

/// The places the municipality already knows (`trefpunt import-places`): shown on the maps as known
/// places and counted as destinations for walking coverage, never as residents' entries.
#[utoipa::path(
    get,
    path = "/places",
    operation_id = "knownPlaces",
    summary = "Places the municipality knows (imported): known places on the maps, not residents' entries",
    params(PlacesQuery),
    responses(
        (status = 200, description = "by id", body = Vec<KnownPlace>),
        (status = 400, description = "A query parameter is wrong", body = Errors),
        (status = 422, description = "the box is larger than 1° of longitude or of latitude (field `bbox`)", body = Errors),
    ),
)]
async fn known_places(
    State(svc): State<Service>,
    QueryParams(q): QueryParams<PlacesQuery>,
) -> Result<Response, ApiError> {
    let bbox = q.bbox.as_deref().map(bbox_param).transpose()?;
    let limit = limit_param(q.limit)?;
    Ok(Json(svc.known_places(bbox, limit).await?).into_response())
}

/// One entry as the public map shows it, with its status; 404 when unknown or hidden.
#[utoipa::path(
    get,
    path = "/submissions/{id}",
    operation_id = "getSubmission",
    summary = "One entry as the public sees it, with its status",
    params(("id" = String, Path, description = "the entry's id")),
    responses(
        (status = 200, description = "the entry", body = PublicEntry),
        (status = 404, description = "unknown or hidden", body = Errors),
    ),
)]
async fn one_submission(
    State(svc): State<Service>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    let entry = svc.entry(&id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(entry).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct GeocodeQuery {
    /// An address, street, postcode or place, 2 to 200 characters.
    #[param(required = true, min_length = 2, max_length = 200)]
    q: Option<String>,
}

#[utoipa::path(
    get,
    path = "/geocode",
    operation_id = "geocode",
    summary = "Address search (PDOK Locatieserver)",
    params(GeocodeQuery),
    responses(
        (status = 200, description = "Best matches first", body = Vec<GeocodeHit>),
        (status = 400, description = "q is missing or too short/long", body = Errors),
        (status = 429, response = TooMany),
        (status = 503, description = "Address search unreachable", body = Errors),
    ),
)]
async fn geocode(
    State(svc): State<Service>,
    QueryParams(q): QueryParams<GeocodeQuery>,
) -> Result<Response, ApiError> {
    let q = q.q.unwrap_or_default();
    let q = q.trim();
    if !app::model::ADDRESS_QUERY_CHARS.contains(&q.chars().count()) {
        return Err(ApiError::bad_query("q", "must be 2 to 200 characters"));
    }
    let hits = svc.geocode(q).await.map_err(|e| {
        tracing::warn!(error = %e, "address search failed");
        ApiError::Unavailable("address search is unavailable right now")
    })?;
    Ok(Json(hits).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AreasQuery {
    #[param(schema_with = super::openapi::level)]
    level: Option<String>,
}

/// The imported areas of one level as a GeoJSON FeatureCollection (code, name, population, CBS year).
#[utoipa::path(
    get,
    path = "/areas",
    operation_id = "listAreas",
    summary = "Imported CBS areas of one level as GeoJSON",
    params(AreasQuery),
    responses(
        (status = 200, description = "FeatureCollection; properties code, name, population, year",
         content_type = "application/geo+json", body = FeatureCollection),
        (status = 400, description = "level is not gemeente, wijk or buurt", body = Errors),
    ),
)]
async fn areas(
    State(svc): State<Service>,
    QueryParams(q): QueryParams<AreasQuery>,
) -> Result<Response, ApiError> {
    let level = q.level.as_deref().unwrap_or("buurt");
    if crate::domain::areas::Level::parse(level).is_none() {
        return Err(ApiError::bad_query(
            "level",
            "must be gemeente, wijk or buurt",
        ));
    }
    let body = svc.areas_geojson(level).await?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body).into_response())
}

/// The parameters the aggregate routes take.
const INSIGHT_PARAMS: &[&str] = &[
    "level", "kind", "category", "campaign", "period", "from", "to", "source", "gemeente",
    "affects", "quality", "raw",
];

/// Reads the aggregate filter (unknown parameters are refused).
fn insight_filter(pairs: &[(String, String)]) -> Result<InsightFilter, ApiError> {
    if let Some((k, _)) = pairs
        .iter()
        .find(|(k, _)| !INSIGHT_PARAMS.contains(&k.as_str()))
    {
        return Err(ApiError::bad_query(k, "is not a parameter of this route"));
    }
    InsightFilter::from_pairs(pairs).map_err(|e| ApiError::bad_query(e.field, e.message))
}

/// `raw=true`: rows instead of figures, for advisors and admins only (checked, and written to the
/// audit log, by the caller).
fn wants_raw(pairs: &[(String, String)]) -> Result<bool, ApiError> {
    match pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "raw")
        .map(|(_, v)| v.as_str())
    {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::bad_query("raw", "must be true or false")),
    }
}

/// A query string as name–value pairs, for routes whose parameters are read by the domain's filter.
type Pairs = QueryParams<Vec<(String, String)>>;

/// Released figures per area (DESIGN.md "Privacy rules"): counts resting on fewer than k respondents,
/// and the cells hidden to protect them, come back as `count: null, suppressed: true`.
#[utoipa::path(
    get,
    path = "/aggregates",
    operation_id = "aggregates",
    summary = "Released figures per area, with small counts and their complements suppressed",
    params(InsightParams, PublicFilterParams),
    responses(
        (status = 200, description = "ordered by area code", body = Vec<AreaFigure>),
        (status = 400, description = "a parameter is wrong", body = Errors),
    ),
)]
async fn aggregates(
    State(svc): State<Service>,
    QueryParams(pairs): Pairs,
) -> Result<Response, ApiError> {
    let filter = public_filter(insight_filter(&pairs)?)?;
    Ok(Json(svc.aggregates(&filter).await?).into_response())
}

/// The parameters `/coverage` reads.
const COVERAGE_PARAMS: &[&str] = &[
    "gemeente", "level", "minutes", "category", "quality", "profile", "barriers",
];

fn coverage_query(pairs: &[(String, String)]) -> Result<app::model::CoverageQuery, ApiError> {
    if let Some((k, _)) = pairs
        .iter()
        .find(|(k, _)| !COVERAGE_PARAMS.contains(&k.as_str()))
    {
        return Err(ApiError::bad_query(k, "is not a parameter of this route"));
    }
    app::model::CoverageQuery::from_pairs(pairs)
        .map_err(|e| ApiError::bad_query(e.field, e.message))
}

/// Walking coverage per area: the share of each area within `minutes` of a meeting place over the
/// footpath network, from sample points every 100 m (finer in small areas). Public: it rests on
/// places (public by nature), known places and barriers at their public positions that at least k
/// residents reported or a moderator confirmed.
#[utoipa::path(
    get,
    path = "/coverage",
    operation_id = "coverage",
    summary = "Walking coverage per area: share within reach of a meeting place, median and p90 minutes",
    params(CoverageParams),
    responses(
        (status = 200, description = "ordered by area code", body = Vec<CoverageRow>),
        (status = 400, description = "a parameter is wrong, or the gemeente has no areas or no walking network", body = Errors),
        (status = 503, description = "busy with other figures", body = Errors),
    ),
)]
async fn coverage(
    State(svc): State<Service>,
    QueryParams(pairs): Pairs,
) -> Result<Response, ApiError> {
    let q = coverage_query(&pairs)?;
    Ok(Json(&svc.coverage(&q).await?.rows).into_response())
}

/// The grid behind `/coverage`: every sample point with its walk to the nearest place, and the
/// places that counted, for drawing on a map.
#[utoipa::path(
    get,
    path = "/coverage/grid",
    operation_id = "coverageGrid",
    summary = "The sample points behind walking coverage, with minutes to the nearest place",
    params(CoverageParams),
    responses(
        (status = 200, description = "cells and places", body = CoverageGrid),
        (status = 400, description = "a parameter is wrong, or the gemeente has no areas or no walking network", body = Errors),
        (status = 503, description = "busy with other figures", body = Errors),
    ),
)]
async fn coverage_grid(
    State(svc): State<Service>,
    QueryParams(pairs): Pairs,
) -> Result<Response, ApiError> {
    let q = coverage_query(&pairs)?;
    Ok(Json(&svc.coverage(&q).await?.grid).into_response())
}

/// The filter of a public figure: every dimension but how entries came in, which is not public per
/// entry (docs/privacy.md); advisors find it in the raw export.
fn public_filter(f: InsightFilter) -> Result<InsightFilter, ApiError> {
    if f.source.is_some() {
        return Err(ApiError::bad_query(
            "source",
            "is not public: figures are not split by how entries came in (advisors: the raw export, raw=true)",
        ));
    }
    Ok(f)
}

/// The same figures as CSV (UTF-8, comma-separated, a header row), for spreadsheets.
#[utoipa::path(
    get,
    path = "/export.csv",
    operation_id = "exportCsv",
    summary = "The released figures as CSV",
    params(InsightParams, PublicFilterParams, RawParam),
    responses(
        (status = 200, description = "one row per figure", content_type = "text/csv", body = String),
        (status = 400, description = "a parameter is wrong", body = Errors),
        (status = 401, description = "raw=true without a staff session", body = Errors),
        (status = 403, description = "raw=true for a role other than advisor or admin", body = Errors),
    ),
)]
async fn export_csv(
    State(svc): State<Service>,
    exporter: Result<Staff<RawExporters>, ApiError>,
    QueryParams(pairs): QueryParams<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let filter = insight_filter(&pairs)?;
    let (body, name) = if wants_raw(&pairs)? {
        let rows = svc
            .raw_rows(&exporter?.user, "raw export (CSV)", &filter)
            .await?;
        (crate::export::raw_csv(&rows), "trefpunt-entries.csv")
    } else {
        let filter = public_filter(filter)?;
        let figures = svc.aggregates(&filter).await?;
        (
            crate::export::csv(&filter, &figures),
            "trefpunt-aggregates.csv",
        )
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// The headline figure of the filter per area, with the area's shape, for GIS tools; with `raw=true`
/// every entry as a point.
#[utoipa::path(
    get,
    path = "/export.geojson",
    operation_id = "exportGeojson",
    summary = "The filter's headline figure per area, with the area's shape",
    params(InsightParams, PublicFilterParams, RawParam),
    responses(
        (status = 200, description = "a FeatureCollection, one feature per imported area of the level",
         content_type = "application/geo+json", body = FeatureCollection),
        (status = 400, description = "a parameter is wrong", body = Errors),
        (status = 401, description = "raw=true without a staff session", body = Errors),
        (status = 403, description = "raw=true for a role other than advisor or admin", body = Errors),
    ),
)]
async fn export_geojson(
    State(svc): State<Service>,
    exporter: Result<Staff<RawExporters>, ApiError>,
    QueryParams(pairs): QueryParams<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let filter = insight_filter(&pairs)?;
    let (body, name) = if wants_raw(&pairs)? {
        let rows = svc
            .raw_rows(&exporter?.user, "raw export (GeoJSON)", &filter)
            .await?;
        (
            crate::export::raw_geojson(&rows),
            "trefpunt-entries.geojson",
        )
    } else {
        let filter = public_filter(filter)?;
        let figures = svc.aggregates(&filter).await?;
        let areas = svc.shown_areas().await?;
        (
            crate::export::geojson(&filter, &figures, &areas),
            "trefpunt-aggregates.geojson",
        )
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/geo+json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// The parameters of `/heatmap`: the map box, the grid size, and the filters that are public per
/// entry anyway (kind, category, month: the public list shows them). Campaign and source are not:
/// which campaign or channel an entry at a spot came from is not public, and a density by them
/// would tell it.
/// Not `affects` or `quality` either: zeroing cells by residents over sets narrowed by details
/// would tell which entries share a resident (docs/privacy.md, "Narrowed by what an entry says").
const HEATMAP_PARAMS: &[&str] = &["bbox", "size", "kind", "category", "period", "from", "to"];

/// A density grid (JSON) of entries in `bbox`, `size` cells wide, narrowed by the aggregate filters;
/// cells resting on fewer than k respondents are zeroed before the blur.
#[utoipa::path(
    get,
    path = "/heatmap",
    operation_id = "heatmap",
    summary = "Density grid of entries; cells resting on fewer than k (5) respondents are zeroed before the blur",
    description = "Filters are those public per entry anyway (kind, category, period): the density \
                   says nothing the public list does not, except where fewer than k residents made \
                   the entries of a cell (zeroed).",
    params(HeatmapParams, PublicFilterParams),
    responses(
        (status = 200, description = "Row-major from the north-west corner", body = Grid),
        (status = 400, description = "a parameter is wrong", body = Errors),
        (status = 422, description = "the box is larger than 1° of longitude or of latitude (field `bbox`)", body = Errors),
    ),
)]
async fn heatmap(
    State(svc): State<Service>,
    QueryParams(pairs): Pairs,
) -> Result<Response, ApiError> {
    if let Some((k, _)) = pairs
        .iter()
        .find(|(k, _)| !HEATMAP_PARAMS.contains(&k.as_str()))
    {
        return Err(ApiError::bad_query(k, "is not a parameter of this route"));
    }
    let get = |k: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let bbox = bbox_param(get("bbox").unwrap_or_default())?;
    if bbox.max_lon <= bbox.min_lon || bbox.max_lat <= bbox.min_lat {
        return Err(ApiError::bad_query("bbox", "must have some area"));
    }
    let width = match get("size").map(str::parse::<usize>) {
        None => 128,
        Some(Ok(n @ 8..=512)) => n,
        Some(_) => return Err(ApiError::bad_query("size", "must be 8 to 512")),
    };
    let filter =
        InsightFilter::from_pairs(&pairs).map_err(|e| ApiError::bad_query(e.field, e.message))?;
    Ok(Json(svc.heatmap(&filter, bbox, width).await?).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct MeTooBody {
    #[schema(schema_with = app::model::schema::uuid)]
    respondent: String,
}

/// `POST /submissions/{id}/me-too` `{respondent}`: "ik ook" instead of a duplicate entry. 201 when
/// counted, 200 when this respondent said it before (or wrote the entry), 404 for no visible entry.
/// Answers `{id, me_too}` with the entry's count.
#[utoipa::path(
    post,
    path = "/submissions/{id}/me-too",
    operation_id = "meToo",
    summary = "'Ik ook': a resident joins an existing entry instead of adding a duplicate; counted in the aggregates",
    params(("id" = String, Path, description = "the entry's id")),
    request_body = MeTooBody,
    responses(
        (status = 201, description = "counted", body = MeTooCount),
        (status = 200, description = "said before by this respondent, or the author", body = MeTooCount),
        (status = 404, description = "no visible entry", body = Errors),
        (status = 422, description = "respondent is not a UUID", body = Errors),
        (status = 429, response = TooMany),
    ),
)]
async fn me_too(
    State(svc): State<Service>,
    axum::extract::Path(id): axum::extract::Path<String>,
    JsonBody(b): JsonBody<MeTooBody>,
) -> Result<Response, ApiError> {
    let (status, n) = match svc.me_too(&id, &b.respondent).await? {
        MeToo::Counted(n) => (StatusCode::CREATED, n),
        MeToo::Already(n) => (StatusCode::OK, n),
        MeToo::Unknown => return Err(ApiError::NotFound),
    };
    Ok((status, Json(MeTooCount { id, me_too: n })).into_response())
}

/// An entry's "ik ook" count.
#[derive(serde::Serialize, ToSchema)]
struct MeTooCount {
    id: String,
    me_too: u64,
}

/// The key of a private link, from the `X-Edit-Key` header.
fn edit_key(headers: &HeaderMap) -> Result<String, ApiError> {
    headers
        .get("x-edit-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or(ApiError::Unauthenticated(
            "send the key of the entry's private link in X-Edit-Key",
        ))
}

/// `GET /submissions/{id}/private` with `X-Edit-Key`: the entry as its author sees it; 404 when the
/// key does not fit (no difference between "no entry" and "wrong key").
#[utoipa::path(
    get,
    path = "/submissions/{id}/private",
    operation_id = "getOwnEntry",
    summary = "The entry as its author sees it (private link)",
    params(
        ("id" = String, Path, description = "the entry's id"),
        ("X-Edit-Key" = String, Header, pattern = "^[0-9a-f]{32}$",
         description = "the key of the entry's private link (Receipt.edit_key)"),
    ),
    responses(
        (status = 200, description = "the entry", body = OwnEntry),
        (status = 401, description = "no X-Edit-Key", body = Errors),
        (status = 404, description = "no such entry, or the key does not fit", body = Errors),
    ),
)]
async fn own_entry(
    State(svc): State<Service>,
    axum::extract::Path(id): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let key = edit_key(&headers)?;
    let e = svc.own_entry(&id, &key).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(e).into_response())
}

/// `PATCH /submissions/{id}/private` `{category?, text?}` with `X-Edit-Key`: the author's change.
/// Changed text waits for a moderator again.
#[utoipa::path(
    patch,
    path = "/submissions/{id}/private",
    operation_id = "changeOwnEntry",
    summary = "The author's change; changed text waits for a moderator again",
    params(
        ("id" = String, Path, description = "the entry's id"),
        ("X-Edit-Key" = String, Header, pattern = "^[0-9a-f]{32}$",
         description = "the key of the entry's private link (Receipt.edit_key)"),
    ),
    request_body = OwnChange,
    responses(
        (status = 200, description = "changed", body = OwnEntry),
        (status = 401, description = "no X-Edit-Key", body = Errors),
        (status = 404, description = "no such entry, or the key does not fit", body = Errors),
        (status = 422, description = "a wrong field", body = Errors),
        (status = 429, response = TooMany),
    ),
)]
async fn change_own(
    State(svc): State<Service>,
    axum::extract::Path(id): axum::extract::Path<String>,
    headers: HeaderMap,
    JsonBody(change): JsonBody<app::model::OwnChange>,
) -> Result<Response, ApiError> {
    let key = edit_key(&headers)?;
    let entry = svc
        .change_own(&id, &key, &change)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(entry).into_response())
}

/// `DELETE /submissions/{id}/private` with `X-Edit-Key`: deleted for good (204); a tombstone keeps
/// an offline resend from bringing it back.
#[utoipa::path(
    delete,
    path = "/submissions/{id}/private",
    operation_id = "deleteOwnEntry",
    summary = "Deletes the entry for good; a tombstone keeps a resend from bringing it back",
    params(
        ("id" = String, Path, description = "the entry's id"),
        ("X-Edit-Key" = String, Header, pattern = "^[0-9a-f]{32}$",
         description = "the key of the entry's private link (Receipt.edit_key)"),
    ),
    responses(
        (status = 204, description = "deleted"),
        (status = 401, description = "no X-Edit-Key", body = Errors),
        (status = 404, description = "no such entry, or the key does not fit", body = Errors),
        (status = 429, response = TooMany),
    ),
)]
async fn delete_own(
    State(svc): State<Service>,
    axum::extract::Path(id): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let key = edit_key(&headers)?;
    if svc.delete_own(&id, &key).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    /// With every heavy permit taken, the heavy reads (the public list among them) answer 503 and
    /// adding an entry still works.
    #[tokio::test]
    async fn the_public_list_is_a_heavy_read_and_adding_is_not() {
        let store = crate::store::Store::open("sqlite::memory:")
            .await
            .expect("store");
        let svc = Service::new(
            store,
            &crate::config::Settings::with_defaults("sqlite::memory:"),
        )
        .await
        .expect("service")
        .with_heavy_reads(0);
        let app = router(&svc).with_state(svc);
        let call = |method: &str, uri: &str, body: &str| {
            Request::builder()
                .method(method)
                .uri(uri)
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .expect("request")
        };
        for uri in [
            "/submissions",
            "/aggregates?level=gemeente",
            "/areas?level=buurt",
            "/export.csv",
        ] {
            let res = app
                .clone()
                .oneshot(call("GET", uri, ""))
                .await
                .expect("answer");
            assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{uri}");
            assert!(res.headers().contains_key("retry-after"), "{uri}");
        }
        let entry = serde_json::json!({
            "id": uuid::Uuid::new_v4().to_string(),
            "respondent": uuid::Uuid::new_v4().to_string(),
            "kind": "place",
            "category": "library",
            "location": {"lon": 4.9, "lat": 52.37},
            "details": {"name": "Bibliotheek", "qualities": []},
            "language": "nl",
        });
        let res = app
            .oneshot(call("POST", "/submissions", &entry.to_string()))
            .await
            .expect("answer");
        let status = res.status();
        let body = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .expect("body");
        assert_eq!(
            status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&body)
        );
    }
}
