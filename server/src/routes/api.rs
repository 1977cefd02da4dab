//! `/api/v1`: the REST API (docs/api.md, and the OpenAPI document it serves).

use app::api::SubmitOutcome;
use app::model::{Bbox, InsightFilter, Kind, SubmissionInput};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, MethodRouter};
use axum::{Json, Router};
use serde::Deserialize;

use super::error::{json_error, ApiError};
use super::extract::{JsonBody, QueryParams, RawExporters, Staff, Workers};
use crate::service::Service;
use crate::store::EntryFilter;

pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The `/api/v1` router under construction, and every path it routes: the test that holds the
/// router against the OpenAPI document walks [`paths`].
pub struct ApiRoutes {
    router: Router<Service>,
    paths: Vec<&'static str>,
}

impl ApiRoutes {
    fn new() -> Self {
        ApiRoutes {
            router: Router::new(),
            paths: Vec::new(),
        }
    }

    pub(super) fn route(mut self, path: &'static str, route: MethodRouter<Service>) -> Self {
        self.paths.push(path);
        self.router = self.router.route(path, route);
        self
    }
}

/// The paths of the `/api/v1` router.
pub fn paths(svc: &Service) -> Vec<&'static str> {
    routes(svc).paths
}

pub fn router(svc: &Service) -> Router<Service> {
    routes(svc)
        .router
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

fn routes(svc: &Service) -> ApiRoutes {
    // Public reads that cost real work per request: at most `HEAVY_READS` at once per process.
    let heavy = || axum::middleware::from_fn_with_state(svc.clone(), super::abuse::heavy);
    // Anonymous writes and the resident form's reads: the per-client limits.
    let writes = || axum::middleware::from_fn_with_state(svc.clone(), super::abuse::limit_writes);
    let reads = || axum::middleware::from_fn_with_state(svc.clone(), super::abuse::limit_reads);
    let api = ApiRoutes::new()
        .route("/areas", get(areas).route_layer(heavy()))
        .route("/heatmap", get(heatmap).route_layer(heavy()))
        .route("/aggregates", get(aggregates).route_layer(heavy()))
        .route("/export.csv", get(export_csv).route_layer(heavy()))
        .route("/export.geojson", get(export_geojson).route_layer(heavy()))
        // The public list reads up to 10,000 rows: a heavy read, while adding one stays light.
        .route(
            "/submissions",
            post(create_submission)
                .route_layer(writes())
                .get(axum::handler::Handler::layer(list_submissions, heavy())),
        )
        .route("/submissions/{id}", get(one_submission))
        .route(
            "/submissions/{id}/me-too",
            post(me_too).route_layer(writes()),
        )
        .route(
            "/submissions/{id}/photo",
            // Route layers: a method the route does not have gets its 405 before any check.
            axum::routing::put(super::photos::upload)
                .route_layer(super::photos::body_limit())
                .route_layer(axum::middleware::from_fn_with_state(
                    svc.clone(),
                    super::photos::admit,
                ))
                .route_layer(writes())
                .get(super::photos::own_file),
        )
        .route("/photos/{file}", get(super::photos::file))
        .route(
            "/submissions/{id}/private",
            // Reading one's own entry is not limited; changing and deleting are anonymous writes.
            patch(change_own)
                .delete(delete_own)
                .route_layer(writes())
                .get(own_entry),
        )
        .route("/geocode", get(geocode).route_layer(reads()))
        .route(
            "/campaigns",
            get(super::campaigns::list).post(super::campaigns::create),
        )
        .route(
            "/campaigns/{id}",
            get(super::campaigns::one).put(super::campaigns::replace),
        )
        .route(
            "/campaigns/{id}/responses",
            post(super::campaigns::respond).route_layer(writes()),
        )
        .route(
            "/events",
            get(super::events::list).post(super::events::create),
        )
        .route(
            "/events/{id}",
            get(super::events::one).patch(super::events::change),
        )
        .route("/openapi.json", get(openapi));
    super::staff::routes(api)
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    bbox: Option<String>,
    kind: Option<String>,
    limit: Option<u32>,
}

pub const MAX_LIST: u32 = 10_000;

async fn list_submissions(
    State(svc): State<Service>,
    QueryParams(q): QueryParams<ListQuery>,
) -> Result<Response, ApiError> {
    let bbox = q.bbox.as_deref().map(bbox_param).transpose()?;
    let kind = kind_param(q.kind.as_deref())?;
    let limit = match q.limit {
        None => 1000,
        Some(n @ 1..=MAX_LIST) => n,
        Some(_) => {
            return Err(ApiError::bad_query(
                "limit",
                format!("must be 1 to {MAX_LIST}"),
            ))
        }
    };
    let entries = svc
        .public_entries(&EntryFilter { bbox, kind, limit })
        .await?;
    Ok(Json(entries).into_response())
}

/// One entry as the public map shows it, with its status; 404 when unknown or hidden.
async fn one_submission(
    State(svc): State<Service>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    let entry = svc.entry(&id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(entry).into_response())
}

#[derive(Deserialize)]
struct GeocodeQuery {
    q: Option<String>,
}

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

#[derive(Deserialize)]
struct AreasQuery {
    level: Option<String>,
}

/// The imported areas of one level as a GeoJSON FeatureCollection (code, name, population, CBS year).
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
    "level", "kind", "category", "campaign", "period", "from", "to", "source", "gemeente", "raw",
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
async fn aggregates(
    State(svc): State<Service>,
    QueryParams(pairs): Pairs,
) -> Result<Response, ApiError> {
    let filter = public_filter(insight_filter(&pairs)?)?;
    Ok(Json(svc.aggregates(&filter).await?).into_response())
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
const HEATMAP_PARAMS: &[&str] = &["bbox", "size", "kind", "category", "period", "from", "to"];

/// A density grid (JSON) of entries in `bbox`, `size` cells wide, narrowed by the aggregate filters;
/// cells resting on fewer than k respondents are zeroed before the blur.
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

async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../../openapi.json"),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeTooBody {
    respondent: String,
}

/// `POST /submissions/{id}/me-too` `{respondent}`: "ik ook" instead of a duplicate entry. 201 when
/// counted, 200 when this respondent said it before (or wrote the entry), 404 for no visible entry.
/// Answers `{id, me_too}` with the entry's count.
async fn me_too(
    State(svc): State<Service>,
    axum::extract::Path(id): axum::extract::Path<String>,
    JsonBody(b): JsonBody<MeTooBody>,
) -> Result<Response, ApiError> {
    let outcome = svc
        .me_too(&id, &b.respondent)
        .await?
        .map_err(ApiError::Invalid)?;
    let (status, n) = match outcome {
        crate::store::MeToo::Counted(n) => (StatusCode::CREATED, n),
        crate::store::MeToo::Already(n) => (StatusCode::OK, n),
        crate::store::MeToo::Unknown => return Err(ApiError::NotFound),
    };
    Ok((status, Json(serde_json::json!({"id": id, "me_too": n}))).into_response())
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
async fn change_own(
    State(svc): State<Service>,
    axum::extract::Path(id): axum::extract::Path<String>,
    headers: HeaderMap,
    JsonBody(change): JsonBody<app::model::OwnChange>,
) -> Result<Response, ApiError> {
    let key = edit_key(&headers)?;
    match svc.change_own(&id, &key, &change).await? {
        None => Err(ApiError::NotFound),
        Some(Err(v)) => Err(ApiError::Invalid(v)),
        Some(Ok(e)) => Ok(Json(e).into_response()),
    }
}

/// `DELETE /submissions/{id}/private` with `X-Edit-Key`: deleted for good (204); a tombstone keeps
/// an offline resend from bringing it back.
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
