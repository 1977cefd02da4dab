//! The OpenAPI document of `/api/v1`, generated from the code: each handler's `#[utoipa::path]`
//! sits on the handler, the schemas of bodies and answers are derived from the types the handlers
//! read and write (`app::model`, whose constrained strings take the validator's own constants, see
//! `app::model::schema`), and the router is built from the same annotations (`utoipa_axum`), so no
//! route exists without its entry in the document.
//!
//! What follows from an extractor is added here once, for every operation it applies to, instead
//! of in each annotation:
//! - a staff operation (one with `x-roles`, the roles its [`Staff`](super::extract::Staff) guard
//!   lets through) needs the session cookie, may answer 401 and 403, and when it changes something
//!   takes `X-CSRF-Token`;
//! - an operation with a JSON body ([`JsonBody`](super::extract::JsonBody)) may answer 400 (a body
//!   cut short), 413, 415 and 422;
//! - every operation may answer 503: the database is out, or the process is at its limit of heavy
//!   reads or uploads.

use axum::response::IntoResponse;
use axum::Extension;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Required};
use utoipa::{Modify, OpenApi};

use super::error::Errors;
use crate::domain::roles::{Access, Role};

/// The document's frame; the operations come from the router (see `api::routes`).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Trefpunt API",
        version = "1.0.0",
        description = "Residents map meeting places, barriers and wishes. Identifiers are stable \
                       English snake_case; labels are translated in the UI. No IP address or other \
                       identifier of a resident is stored.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    servers((url = "/api/v1")),
    components(schemas(Errors))
)]
pub struct ApiDoc;

/// The document of the routes `api` collected, completed with what their extractors add.
pub fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    FromExtractors.modify(&mut doc);
    doc
}

/// The staff session's cookie, as the document names it.
const SESSION: &str = "staffSession";

/// The roles a guard lets through, for an operation's `x-roles` (admins always pass).
fn roles(access: Access) -> Vec<&'static str> {
    Role::ALL
        .into_iter()
        .filter(|r| access.allows(*r))
        .map(Role::as_str)
        .collect()
}

/// `x-roles` of an operation guarded by `Staff<R>`.
pub fn x_roles<R: super::extract::StaffRule>() -> serde_json::Value {
    roles(R::ACCESS).into()
}

struct FromExtractors;

impl Modify for FromExtractors {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.security_schemes.insert(
            SESSION.into(),
            RefOr::T(SecurityScheme::ApiKey(ApiKey::Cookie(
                ApiKeyValue::with_description(
                    crate::auth::COOKIE,
                    "from POST /session; state-changing requests also send the session's CSRF \
                     token in X-CSRF-Token",
                ),
            ))),
        );
        components.responses.insert(
            "Unavailable".into(),
            RefOr::T(retry_after(
                "The server cannot take this request for now: the database is busy, its disk \
                 full, read-only (a failover) or unreachable, or the process already serves as many \
                 heavy reads or photo uploads as it takes at once. Nothing was changed; `error` \
                 says which, `Retry-After` when to try again. Reads keep working while writes \
                 cannot.",
            )),
        );
        components.responses.insert(
            "TooManyRequests".into(),
            RefOr::T(retry_after(
                "Too many requests from this client address (or, for sign-in, too many failed \
                 attempts on this account lately): `error` says which, `Retry-After` when to try \
                 again.",
            )),
        );
        for schema in components.schemas.values_mut() {
            open_flattened(schema);
        }
        for item in doc.paths.paths.values_mut() {
            for (changes, op) in operations(item) {
                complete(op, changes);
            }
        }
    }
}

/// An answer that extends a request type (`#[serde(flatten)]` of a `deny_unknown_fields` struct,
/// inlined) is an `allOf` whose first part refuses the extension's fields: the request type's
/// "no other fields" is about what a client may send, not about this answer, so it is dropped there.
fn open_flattened(schema: &mut RefOr<Schema>) {
    if let RefOr::T(Schema::AllOf(all)) = schema {
        for part in &mut all.items {
            if let RefOr::T(Schema::Object(o)) = part {
                if matches!(
                    o.additional_properties.as_deref(),
                    Some(AdditionalProperties::FreeForm(false))
                ) {
                    o.additional_properties = None;
                }
            }
        }
    }
}

/// Each operation of a path, with whether its method changes something.
fn operations(item: &mut PathItem) -> Vec<(bool, &mut Operation)> {
    [
        (false, &mut item.get),
        (true, &mut item.post),
        (true, &mut item.put),
        (true, &mut item.patch),
        (true, &mut item.delete),
    ]
    .into_iter()
    .filter_map(|(changes, op)| op.as_mut().map(|op| (changes, op)))
    .collect()
}

fn complete(op: &mut Operation, changes: bool) {
    let roles = op
        .extensions
        .as_ref()
        .and_then(|e| e.get("x-roles"))
        .and_then(|r| r.as_array())
        .map(Vec::len);
    if let Some(roles) = roles {
        op.security = Some(vec![SecurityRequirement::new(
            SESSION,
            Vec::<String>::new(),
        )]);
        add(op, "401", errors("no staff session, or it ended"));
        let every_role = roles == Role::ALL.len();
        match (every_role, changes) {
            (true, false) => {}
            (true, true) => add(op, "403", errors("the CSRF token is missing or wrong")),
            (false, false) => add(op, "403", errors("this role may not do this")),
            (false, true) => add(
                op,
                "403",
                errors("this role may not do this, or the CSRF token is missing or wrong"),
            ),
        }
        if changes {
            op.parameters.get_or_insert_with(Vec::new).push(RefOr::T(
                ParameterBuilder::new()
                    .name("X-CSRF-Token")
                    .parameter_in(ParameterIn::Header)
                    .required(Required::True)
                    .description(Some("the session's CSRF token (GET /session)"))
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                    .build(),
            ));
        }
    }
    let json_body = op.request_body.as_ref().is_some_and(|b| match b {
        RefOr::T(b) => b.content.contains_key("application/json"),
        RefOr::Ref(_) => false,
    });
    if json_body {
        add(op, "400", errors("the body did not arrive whole"));
        add(op, "413", errors("the body is larger than 64 KiB"));
        add(
            op,
            "415",
            errors("the body is not JSON (Content-Type: application/json)"),
        );
        add(op, "422", errors("every wrong field, with the reason"));
    }
    add(
        op,
        "503",
        RefOr::Ref(Ref::from_response_name("Unavailable")),
    );
}

/// Adds an answer an annotation did not describe itself.
fn add(op: &mut Operation, status: &str, response: RefOr<Response>) {
    op.responses
        .responses
        .entry(status.to_string())
        .or_insert(response);
}

/// An error answer: the [`Errors`] body.
fn errors(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                Content::new(Some(Ref::from_schema_name("Errors"))),
            )
            .build(),
    )
}

fn retry_after(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(1)),
                ))
                .description(Some("seconds to wait before trying again"))
                .build(),
        )
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("Errors"))),
        )
        .build()
}

/// The served document, written out once when the router is built (`None` if that failed, which
/// is logged then and answered with a 500).
#[derive(Clone)]
pub struct Document(Option<axum::body::Bytes>);

impl Document {
    pub fn new(doc: &utoipa::openapi::OpenApi) -> Document {
        match serde_json::to_vec(doc) {
            Ok(json) => Document(Some(json.into())),
            Err(e) => {
                tracing::error!(error = %e, "the OpenAPI document cannot be written out");
                Document(None)
            }
        }
    }
}

/// The OpenAPI document (this one).
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi",
    responses((status = 200, description = "OpenAPI 3.1", content_type = "application/json", body = Object)),
)]
pub async fn openapi(Extension(doc): Extension<Document>) -> axum::response::Response {
    match doc.0 {
        Some(json) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            json,
        )
            .into_response(),
        None => super::error::ApiError::Internal.into_response(),
    }
}

/// `429 Too Many Requests`, with `Retry-After` (the document's `TooManyRequests` answer).
pub struct TooMany;

impl<'r> utoipa::ToResponse<'r> for TooMany {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "TooManyRequests",
            RefOr::Ref(Ref::from_response_name("TooManyRequests")),
        )
    }
}

/// A GeoJSON FeatureCollection, which the area routes write as text (the shapes are stored as
/// GeoJSON and passed through).
pub struct FeatureCollection;

impl utoipa::PartialSchema for FeatureCollection {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property(
                "type",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["FeatureCollection"])),
            )
            .required("type")
            .property(
                "features",
                utoipa::openapi::schema::ArrayBuilder::new()
                    .items(ObjectBuilder::new().schema_type(Type::Object)),
            )
            .required("features")
            .into()
    }
}

impl utoipa::ToSchema for FeatureCollection {}

/// `?level=`: a CBS area level.
pub fn level() -> utoipa::openapi::schema::Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(
            crate::domain::areas::Level::ALL.map(crate::domain::areas::Level::as_str),
        ))
        .default(Some("buurt".into()))
        .build()
}

fn source_name() -> utoipa::openapi::schema::Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(
            app::model::Source::ALL.map(app::model::Source::as_str),
        ))
        .build()
}

/// The filters that are public per entry anyway (kind, category, month), which the figure routes
/// and the heatmap share, as `InsightFilter::from_pairs` reads them from the query string:
/// described here, read there (unknown parameters are refused).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicFilterParams {
    #[param(value_type = Option<app::model::Kind>)]
    pub kind: Option<String>,
    /// a category id of the kind; with `kind`, one of that kind's
    #[param(schema_with = app::model::schema::any_category)]
    pub category: Option<String>,
    /// a calendar year, quarter or month, or all (the default); not together with from/to. Free
    /// windows are refused so that none can be subtracted from another
    #[param(pattern = "^(all|2[0-9]{3}(-Q[1-4]|-(0[1-9]|1[0-2]))?)$")]
    pub period: Option<String>,
    /// with `to` (and without `period`): must span one whole month, quarter or year
    #[param(pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])$")]
    pub from: Option<String>,
    /// with `from` (and without `period`)
    #[param(pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])$")]
    pub to: Option<String>,
}

/// The rest of the figure routes' filter (`/aggregates`, `/export.*`).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InsightParams {
    #[param(schema_with = level)]
    pub level: Option<String>,
    /// a campaign id: only its entries
    pub campaign: Option<String>,
    /// How entries came in. Only with raw=true (advisors' raw export): public figures are not
    /// split by it, as it is not public per entry; without raw=true it is refused with 400.
    #[param(schema_with = source_name)]
    pub source: Option<String>,
    /// only this gemeente's areas
    #[param(schema_with = app::model::schema::gemeente_code, example = "GM0505")]
    pub gemeente: Option<String>,
    /// only barriers that stop this group (implies kind=barrier; not with quality)
    #[param(schema_with = affects_group)]
    pub affects: Option<String>,
    /// only places with every one of these qualities, comma-separated or repeated (implies
    /// kind=place; not with affects)
    #[param(
        pattern = "^[a-z_]+(,[a-z_]+)*$",
        example = "free,open_evenings_weekends"
    )]
    pub quality: Option<String>,
}

fn affects_group() -> utoipa::openapi::schema::Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(app::model::BARRIER_AFFECTS.iter().copied()))
        .build()
}

/// The question of `/coverage` (read by `CoverageQuery::from_pairs`; unknown parameters are refused).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageParams {
    /// the gemeente whose areas are asked about
    #[param(schema_with = app::model::schema::gemeente_code, example = "GM0363")]
    pub gemeente: String,
    /// the areas to answer for (default buurt)
    #[param(schema_with = level)]
    pub level: Option<String>,
    /// the walk that counts as within reach, 1–60 (default 10)
    #[param(minimum = 1, maximum = 60)]
    pub minutes: Option<u32>,
    /// place categories that count as a destination, comma-separated or repeated (default: all)
    pub category: Option<String>,
    /// qualities every destination must have (step_free, free, no_membership,
    /// open_evenings_weekends, toilet, seating), comma-separated or repeated
    pub quality: Option<String>,
    /// default: 4.5 km/h; slow: 3 km/h and no steps (wheelchair, walker, buggy)
    #[param(value_type = Option<app::model::Profile>)]
    pub profile: Option<String>,
    /// count (default): residents' physical barriers that rest on at least k residents or that a
    /// moderator confirmed change the walk; ignore: the network alone
    #[param(value_type = Option<app::model::BarrierMode>)]
    pub barriers: Option<String>,
}

/// `?raw=` of the exports.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RawParam {
    /// rows instead of figures: advisors and admins only, and written to the audit log
    #[param(default = false)]
    pub raw: Option<bool>,
}

/// The box and grid of `/heatmap` (its filters are [`PublicFilterParams`]).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HeatmapParams {
    /// min_lon,min_lat,max_lon,max_lat (WGS84), min before max; the box must have some area. At
    /// most 1° each way (422 beyond).
    #[param(
        pattern = r"^-?[0-9]{1,3}(\.[0-9]+)?(,-?[0-9]{1,3}(\.[0-9]+)?){3}$",
        example = "4.6,51.78,4.72,51.84"
    )]
    pub bbox: String,
    /// cells across; rows follow for square cells on the ground
    #[param(minimum = 8, maximum = 512, default = 128)]
    pub size: Option<u32>,
}
