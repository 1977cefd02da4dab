//! Reads CBS wijk- en buurtkaart files: GeoJSON (Polygon, MultiPolygon) and TopoJSON, with the field
//! names of every vintage (`buurtcode` 2023, `buurtcode`/`aantal_inwoners` 2021, `statcode`/`statnaam`
//! 2014), and a municipality's own files, whose CBS code may sit in any field (`cbsCode`) next to the
//! municipality's own (`code`: `AA01`).
//!
//! The CBS code is what every figure hangs on: a buurt's code spells out its wijk and gemeente, and
//! the key figures and the dashboard's gemeenten are keyed by it. So the code field is found by the
//! form of its values (see [`is_cbs_code`]), the usual names only breaking ties; a file without
//! CBS codes is refused unless the caller names its code field, and then imported with a warning.
//!
//! Pure: bytes in, areas and warnings out. Errors name the feature (its index and, where known, code).

use geo::{Area as _, BooleanOps, Coord, LineString, MultiPolygon, Orient, Polygon, Validation};
use serde_json::{Map, Value};

use crate::domain::areas::{cbs_level, cbs_parent, is_cbs_code, Level};

/// One area as read from a file.
#[derive(Debug, Clone)]
pub struct ImportedArea {
    pub code: String,
    pub name: Option<String>,
    pub level: Level,
    pub population: Option<i64>,
    pub shape: MultiPolygon<f64>,
}

#[derive(Debug, Default)]
pub struct Fields {
    /// Overrides for files whose field names we cannot guess.
    pub code: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub areas: Vec<ImportedArea>,
    /// Features left out, with why (degenerate geometry, another level's code).
    pub skipped: Vec<String>,
    /// Features changed to make them valid (ring orientation).
    pub repaired: Vec<String>,
    /// The property the codes were read from.
    pub code_field: String,
    /// Whether those are CBS codes. Only a caller's `--code-field` imports other codes; their areas
    /// have no wijk or gemeente, so entries in them count in no wijk or gemeente figure.
    pub cbs_codes: bool,
    /// When the codes are not CBS codes: the fields that do hold CBS codes of the level.
    pub cbs_fields: Vec<String>,
    /// Names of the enclosing wijken and gemeenten the file gives (a buurt file's `gemeentenaam`),
    /// by their CBS code, so the dashboard can name them without their own boundaries.
    pub parent_names: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ImportError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("not a GeoJSON FeatureCollection or TopoJSON Topology (type {0:?})")]
    UnknownFormat(String),
    #[error("the file holds no areas")]
    NoFeatures,
    #[error("no field holds the areas' codes; give it with --code-field (fields found: {found})")]
    NoCodeField { found: String },
    #[error(
        "feature {index}: no code in field {field}, which holds the other features' codes \
         (its fields: {found})"
    )]
    MissingCode {
        index: usize,
        field: String,
        found: String,
    },
    #[error(
        "no field holds CBS {} codes ({}) in every feature{nearly}; field {field} holds \
         codes like {example:?}. Give --code-field {field} to import under those codes anyway: \
         entries in these areas then count in no wijk or gemeente (fields found: {found})",
        .level.as_str(),
        cbs_form(*.level)
    )]
    NoCbsCodes {
        level: Level,
        field: String,
        example: String,
        /// A field holding CBS codes but for a few values, with the first of those.
        nearly: String,
        found: String,
    },
    #[error(
        "fields {fields} all hold CBS {} codes and do not agree; name the one to use with \
         --code-field",
        .level.as_str()
    )]
    AmbiguousCodes { level: Level, fields: String },
    #[error(
        "no {} areas in the file ({skipped} features skipped: another level's code, or no area); \
         is --level right?",
        .level.as_str()
    )]
    NoAreas { level: Level, skipped: usize },
    #[error("feature {index} ({code}): the same code as feature {first}; a file holds each area once (is --level right?)")]
    DuplicateCode {
        index: usize,
        first: usize,
        code: String,
    },
    #[error("feature {index} ({code}): {reason}")]
    BadFeature {
        index: usize,
        code: String,
        reason: String,
    },
}

fn code_fields(level: Level) -> &'static [&'static str] {
    match level {
        Level::Buurt => &["buurtcode", "BU_CODE", "bu_code", "statcode", "code"],
        Level::Wijk => &["wijkcode", "WK_CODE", "wk_code", "statcode", "code"],
        Level::Gemeente => &["gemeentecode", "GM_CODE", "gm_code", "statcode", "code"],
    }
}

/// How a CBS code of `level` looks, for messages.
pub fn cbs_form(level: Level) -> &'static str {
    match level {
        Level::Gemeente => "GM and 4 digits, like GM0505",
        Level::Wijk => "WK, the gemeente's 4 digits and 2 characters, like WK050501 or WK0363AA",
        Level::Buurt => {
            "BU, the gemeente's 4 digits and 4 characters, like BU05050101 or BU0363AA01"
        }
    }
}

/// The fields naming an enclosing level's area in a file of a finer level.
fn parent_name_fields(level: Level) -> &'static [&'static str] {
    match level {
        Level::Wijk => &["wijknaam", "WK_NAAM", "wk_naam"],
        Level::Gemeente => &["gemeentenaam", "GM_NAAM", "gm_naam"],
        Level::Buurt => &[],
    }
}

fn name_fields(level: Level) -> &'static [&'static str] {
    match level {
        Level::Buurt => &[
            "buurtnaam",
            "BU_NAAM",
            "bu_naam",
            "statnaam",
            "naam",
            "name",
        ],
        Level::Wijk => &["wijknaam", "WK_NAAM", "wk_naam", "statnaam", "naam", "name"],
        Level::Gemeente => &[
            "gemeentenaam",
            "GM_NAAM",
            "gm_naam",
            "statnaam",
            "naam",
            "name",
        ],
    }
}

const POPULATION_FIELDS: [&str; 4] = [
    "aantalInwoners",
    "aantal_inwoners",
    "AANT_INW",
    "aantalInwoners_som_buurten",
];

/// A MultiPolygon as GeoJSON geometry (what the `areas` table stores).
pub fn shape_to_geojson(shape: &MultiPolygon<f64>) -> Value {
    let ring = |l: &LineString<f64>| {
        Value::Array(l.0.iter().map(|c| serde_json::json!([c.x, c.y])).collect())
    };
    let coordinates: Vec<Value> = shape
        .0
        .iter()
        .map(|p| {
            Value::Array(
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .map(ring)
                    .collect(),
            )
        })
        .collect();
    serde_json::json!({"type": "MultiPolygon", "coordinates": coordinates})
}

/// A feature's properties and its shape (or why it has none).
type RawFeature = (Map<String, Value>, Result<MultiPolygon<f64>, String>);

/// Reads a boundary file's bytes for one level.
pub fn read(bytes: &[u8], level: Level, fields: &Fields) -> Result<ImportReport, ImportError> {
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| ImportError::NotJson(e.to_string()))?;
    let kind = doc
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let features: Vec<RawFeature> = match kind.as_str() {
        "FeatureCollection" => doc
            .get("features")
            .and_then(Value::as_array)
            .map(|fs| {
                fs.iter()
                    .map(|f| {
                        let props = f
                            .get("properties")
                            .and_then(Value::as_object)
                            .cloned()
                            .unwrap_or_default();
                        (
                            props,
                            f.get("geometry")
                                .ok_or_else(|| "no geometry".to_string())
                                .and_then(geojson_shape),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        "Topology" => topojson_features(&doc)?,
        other => return Err(ImportError::UnknownFormat(other.to_string())),
    };

    if features.is_empty() {
        return Err(ImportError::NoFeatures);
    }
    let mut report = ImportReport::default();
    // An empty `--code-field ""` names no field.
    let forced = fields.code.as_deref().filter(|f| !f.trim().is_empty());
    let (code_field, cbs_codes) = code_field(&features, level, forced)?;
    if !cbs_codes {
        report.cbs_fields = cbs_fields(&features, level);
    }
    report.code_field = code_field.clone();
    report.cbs_codes = cbs_codes;
    let mut first_of: std::collections::HashMap<String, usize> = Default::default();
    let mut parent_names: std::collections::BTreeMap<String, String> = Default::default();
    for (index, (props, shape)) in features.into_iter().enumerate() {
        let code = match pick(&props, Some(code_field.as_str()), &[]) {
            // CBS codes are upper case; a file may not be.
            Some(c) if cbs_codes => c.to_ascii_uppercase(),
            Some(c) => c,
            None => {
                return Err(ImportError::MissingCode {
                    index,
                    field: code_field,
                    found: props.keys().cloned().collect::<Vec<_>>().join(", "),
                });
            }
        };
        if let Some(other) = cbs_level(&code).filter(|l| *l != level) {
            report.skipped.push(format!(
                "feature {index} ({code}): a {} code, not a {}",
                other.as_str(),
                level.as_str()
            ));
            continue;
        }
        if let Some(&first) = first_of.get(&code) {
            return Err(ImportError::DuplicateCode { index, first, code });
        }
        first_of.insert(code.clone(), index);
        let shape = shape.map_err(|reason| ImportError::BadFeature {
            index,
            code: code.clone(),
            reason,
        })?;
        let (shape, repairs) = normalise(shape);
        if shape.0.is_empty() || shape.unsigned_area() == 0.0 {
            report.skipped.push(format!(
                "feature {index} ({code}): degenerate geometry (no area)"
            ));
            continue;
        }
        if !repairs.is_empty() {
            report
                .repaired
                .push(format!("feature {index} ({code}): {}", repairs.join(", ")));
        }
        let population = POPULATION_FIELDS
            .iter()
            .find_map(|f| props.get(*f).and_then(Value::as_i64))
            .filter(|n| *n >= 0); // CBS codes secret or missing figures as negative numbers
        for parent in [Level::Wijk, Level::Gemeente] {
            let named =
                cbs_parent(&code, parent).zip(pick(&props, None, parent_name_fields(parent)));
            if let Some((parent_code, name)) = named {
                parent_names.entry(parent_code).or_insert(name);
            }
        }
        report.areas.push(ImportedArea {
            name: pick(
                &props,
                fields.name.as_deref().filter(|f| !f.trim().is_empty()),
                name_fields(level),
            ),
            code,
            level,
            population,
            shape,
        });
    }
    report.parent_names = parent_names.into_iter().collect();
    if report.areas.is_empty() {
        return Err(ImportError::NoAreas {
            level,
            skipped: report.skipped.len(),
        });
    }
    Ok(report)
}

/// The values `field` has in the features (upper case, as CBS writes codes), with their features'
/// positions.
fn values<'a>(
    features: &'a [RawFeature],
    field: &'a str,
) -> impl Iterator<Item = (usize, String)> + 'a {
    features
        .iter()
        .enumerate()
        .filter_map(move |(i, (props, _))| {
            pick(props, Some(field), &[]).map(|v| (i, v.to_ascii_uppercase()))
        })
}

/// Whether every value `field` has in the features is a CBS code (of any level: a 2014 `statcode`
/// file could mix them), and at least one is of `level`. Features without a value are not judged
/// here (the import names the first of them).
fn holds_cbs_codes(features: &[RawFeature], field: &str, level: Level) -> bool {
    let mut of_level = false;
    for (_, v) in values(features, field) {
        if cbs_level(&v).is_none() {
            return false;
        }
        of_level |= is_cbs_code(&v, level);
    }
    of_level
}

/// Whether every value `field` has in the features is a CBS code of `level`.
fn holds_codes_of(features: &[RawFeature], field: &str, level: Level) -> bool {
    let mut any = false;
    for (_, v) in values(features, field) {
        if !is_cbs_code(&v, level) {
            return false;
        }
        any = true;
    }
    any
}

/// Whether two fields hold the same value in every feature (or neither holds one).
fn same_values(features: &[RawFeature], a: &str, b: &str) -> bool {
    let upper = |props: &Map<String, Value>, f: &str| {
        pick(props, Some(f), &[]).map(|v| v.to_ascii_uppercase())
    };
    features
        .iter()
        .all(|(props, _)| upper(props, a) == upper(props, b))
}

/// A field whose values are CBS codes of `level` but for a few (at most a tenth), with the first
/// feature that is not, for telling the caller which value to fix.
fn nearly_cbs_codes(features: &[RawFeature], level: Level) -> Option<(String, usize, String)> {
    field_order(features, level).into_iter().find_map(|field| {
        let all: Vec<(usize, String)> = values(features, &field).collect();
        let bad: Vec<&(usize, String)> =
            all.iter().filter(|(_, v)| !is_cbs_code(v, level)).collect();
        let first = bad.first()?;
        (bad.len() * 10 <= all.len()).then(|| (field.clone(), first.0, first.1.clone()))
    })
}

/// Every field of the file, the usual code fields of `level` first (in their order), then the rest
/// alphabetically: the order in which the code field is looked for.
fn field_order(features: &[RawFeature], level: Level) -> Vec<String> {
    let all = all_fields(features);
    let usual = code_fields(level);
    usual
        .iter()
        .filter(|f| all.contains(**f))
        .map(std::string::ToString::to_string)
        .chain(
            all.iter()
                .filter(|f| !usual.contains(f))
                .map(std::string::ToString::to_string),
        )
        .collect()
}

/// The fields any feature has, in order.
fn all_fields(features: &[RawFeature]) -> std::collections::BTreeSet<&str> {
    features
        .iter()
        .flat_map(|(props, _)| props.keys().map(String::as_str))
        .collect()
}

/// The fields holding CBS codes of `level`.
fn cbs_fields(features: &[RawFeature], level: Level) -> Vec<String> {
    field_order(features, level)
        .into_iter()
        .filter(|f| holds_cbs_codes(features, f, level))
        .collect()
}

/// The field to read codes from, and whether it holds CBS codes. The caller's field is taken as it
/// is; otherwise the first field (usual names first) whose values are CBS codes of the level.
fn code_field(
    features: &[RawFeature],
    level: Level,
    forced: Option<&str>,
) -> Result<(String, bool), ImportError> {
    if let Some(f) = forced {
        return Ok((f.to_string(), holds_cbs_codes(features, f, level)));
    }
    let order = field_order(features, level);
    // Fields whose every value is a code of this very level (a municipality's `cbsCode`) come
    // before fields that mix levels (a 2014 `statcode` file, whose other levels are skipped).
    let pure: Vec<&String> = order
        .iter()
        .filter(|f| holds_codes_of(features, f, level))
        .collect();
    if let Some((first, rest)) = pure.split_first() {
        // Two such fields that disagree (`cbs_code_2022`, `cbs_code_2023`) are the caller's
        // choice, unless one has a usual name.
        let usual = code_fields(level).contains(&first.as_str());
        if usual || rest.iter().all(|f| same_values(features, first, f)) {
            return Ok(((*first).clone(), true));
        }
        return Err(ImportError::AmbiguousCodes {
            level,
            fields: pure
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    if let Some(f) = order
        .into_iter()
        .find(|f| holds_cbs_codes(features, f, level))
    {
        return Ok((f, true));
    }
    let found = all_fields(features)
        .into_iter()
        .collect::<Vec<_>>()
        .join(", ");
    // No CBS codes anywhere: name the field a CBS file would have used, with one of its values.
    let usual = code_fields(level)
        .iter()
        .find_map(|f| values(features, f).next().map(|(_, v)| (f.to_string(), v)));
    match usual {
        Some((field, example)) => Err(ImportError::NoCbsCodes {
            level,
            field,
            example,
            nearly: nearly_cbs_codes(features, level)
                .map(|(f, i, v)| format!(" (field {f} does but for feature {i}: {v:?})"))
                .unwrap_or_default(),
            found,
        }),
        None => Err(ImportError::NoCodeField { found }),
    }
}

/// The first non-empty string among the fields (or the one field the caller named).
fn pick(props: &Map<String, Value>, forced: Option<&str>, candidates: &[&str]) -> Option<String> {
    let as_text = |v: &Value| match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match forced {
        Some(f) => props.get(f).and_then(as_text),
        None => candidates
            .iter()
            .find_map(|f| props.get(*f).and_then(as_text)),
    }
}

/// Exterior rings counter-clockwise, holes clockwise (RFC 7946); polygons of zero area and holes of
/// fewer than 4 points (quantisation can collapse one) dropped; what is still invalid (a ring that
/// crosses itself, rings or parts that overlap) rebuilt by a union with nothing, which resolves the
/// crossings. Returns what had to be repaired.
fn normalise(shape: MultiPolygon<f64>) -> (MultiPolygon<f64>, Vec<String>) {
    let mut repairs = Vec::new();
    let kept: Vec<Polygon<f64>> = shape
        .0
        .into_iter()
        .filter(|p| p.exterior().0.len() >= 4)
        .map(|p| {
            let (exterior, interiors) = p.into_inner();
            let count = interiors.len();
            let holes: Vec<LineString<f64>> =
                interiors.into_iter().filter(|r| r.0.len() >= 4).collect();
            if holes.len() < count && !repairs.iter().any(|r| r == "degenerate hole removed") {
                repairs.push("degenerate hole removed".to_string());
            }
            Polygon::new(exterior, holes)
        })
        .collect();
    let before = MultiPolygon(kept);
    let oriented = before.orient(geo::orient::Direction::Default);
    if oriented != before {
        repairs.push("ring orientation".to_string());
    }
    // geo's validation and union stop on a debug assertion for some shapes (i_overlay on crossing
    // rings that overlap each other, geo's relate on coordinates near f64::MAX; found by
    // server/tests/fuzz.rs): in a debug build that is a panic, which must not end an import. Such
    // a shape is kept as it is, as when the union does not help. (Release builds skip those
    // assertions; the workspace does not build with panic = "abort".)
    let checked = std::panic::catch_unwind(|| match oriented.check_validation() {
        Ok(()) => None,
        Err(problem) => {
            // A bowtie's two halves cancel out in the signed area: rebuild before judging the area.
            let rebuilt = oriented.union(&MultiPolygon::new(Vec::new()));
            let usable = rebuilt.is_valid() && rebuilt.unsigned_area() > 0.0;
            Some((problem.to_string(), usable.then_some(rebuilt)))
        }
    });
    let shape = match checked {
        Ok(None) => oriented,
        Ok(Some((problem, Some(rebuilt)))) => {
            repairs.push(format!("rebuilt where {problem}"));
            rebuilt
        }
        // Still usable for point lookups (deterministic even-odd), so kept, and said.
        Ok(Some((problem, None))) => {
            repairs.push(format!("left as it is although {problem}"));
            oriented
        }
        Err(_) => {
            repairs.push("left as it is: geo could not check or rebuild it".to_string());
            oriented
        }
    };
    let with_area = MultiPolygon(
        shape
            .0
            .into_iter()
            .filter(|p| p.unsigned_area() > 0.0)
            .collect(),
    );
    (with_area, repairs)
}

fn coords(v: &Value) -> Result<Vec<Coord<f64>>, String> {
    v.as_array()
        .ok_or("ring is not a list")?
        .iter()
        .map(|c| {
            match c.as_array().map(|a| {
                (
                    a.first().and_then(Value::as_f64),
                    a.get(1).and_then(Value::as_f64),
                )
            }) {
                Some((Some(x), Some(y))) if x.is_finite() && y.is_finite() => Ok(Coord { x, y }),
                _ => Err(format!("bad coordinate {c}")),
            }
        })
        .collect()
}

fn polygon(rings: &Value) -> Result<Polygon<f64>, String> {
    let rings = rings.as_array().ok_or("polygon is not a list of rings")?;
    let mut it = rings.iter().map(|r| coords(r).map(LineString));
    let exterior = it.next().ok_or("polygon without rings")??;
    Ok(Polygon::new(exterior, it.collect::<Result<_, _>>()?))
}

pub fn geojson_shape(g: &Value) -> Result<MultiPolygon<f64>, String> {
    let c = g.get("coordinates").ok_or("geometry without coordinates")?;
    match g.get("type").and_then(Value::as_str) {
        Some("Polygon") => Ok(MultiPolygon(vec![polygon(c)?])),
        Some("MultiPolygon") => Ok(MultiPolygon(
            c.as_array()
                .ok_or("multipolygon is not a list")?
                .iter()
                .map(polygon)
                .collect::<Result<_, _>>()?,
        )),
        other => Err(format!("geometry type {other:?} is not an area")),
    }
}

/// Decodes TopoJSON's shared, delta-encoded, quantised arcs into polygons per geometry.
fn topojson_features(doc: &Value) -> Result<Vec<RawFeature>, ImportError> {
    let bad = |reason: &str| ImportError::UnknownFormat(format!("Topology: {reason}"));
    let (scale, translate) = match doc.get("transform") {
        Some(t) => {
            let pair = |k: &str| -> Option<(f64, f64)> {
                let a = t.get(k)?.as_array()?;
                Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?))
            };
            (
                pair("scale").ok_or_else(|| bad("bad transform"))?,
                pair("translate").ok_or_else(|| bad("bad transform"))?,
            )
        }
        None => ((1.0, 1.0), (0.0, 0.0)),
    };
    let quantised = doc.get("transform").is_some();
    let arcs: Vec<Vec<Coord<f64>>> = doc
        .get("arcs")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no arcs"))?
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0.0, 0.0);
            arc.as_array()
                .map(|pts| {
                    pts.iter()
                        .filter_map(|p| {
                            let (dx, dy) = (p.get(0)?.as_f64()?, p.get(1)?.as_f64()?);
                            if quantised {
                                x += dx;
                                y += dy;
                                Some(Coord {
                                    x: x * scale.0 + translate.0,
                                    y: y * scale.1 + translate.1,
                                })
                            } else {
                                Some(Coord { x: dx, y: dy })
                            }
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let ring = |refs: &Value| -> Result<LineString<f64>, String> {
        let mut out: Vec<Coord<f64>> = Vec::new();
        for r in refs.as_array().ok_or("ring is not a list of arcs")? {
            let i = r.as_i64().ok_or("arc index is not a number")?;
            // A negative index means the arc reversed: ~i.
            let (idx, reversed) = if i < 0 {
                ((!i) as usize, true)
            } else {
                (i as usize, false)
            };
            let arc = arcs
                .get(idx)
                .ok_or_else(|| format!("arc {idx} does not exist"))?;
            // A huge scale or deltas that add up past f64::MAX decode to inf or NaN, which the
            // GeoJSON reader refuses too (and geo's boolean operations cannot take).
            if arc.iter().any(|c| !c.x.is_finite() || !c.y.is_finite()) {
                return Err(format!(
                    "arc {idx} decodes to a coordinate that is not finite"
                ));
            }
            let mut pts = arc.clone();
            if reversed {
                pts.reverse();
            }
            // Consecutive arcs share their joining point.
            let skip = usize::from(!out.is_empty());
            out.extend(pts.into_iter().skip(skip));
        }
        Ok(LineString(out))
    };
    let poly = |rings: &Value| -> Result<Polygon<f64>, String> {
        let mut it = rings
            .as_array()
            .ok_or("polygon is not a list of rings")?
            .iter()
            .map(ring);
        let exterior = it.next().ok_or("polygon without rings")??;
        Ok(Polygon::new(exterior, it.collect::<Result<_, _>>()?))
    };
    let mut out = Vec::new();
    let objects = doc
        .get("objects")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("no objects"))?;
    for object in objects.values() {
        let geometries = match object.get("type").and_then(Value::as_str) {
            Some("GeometryCollection") => object
                .get("geometries")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            _ => vec![object.clone()],
        };
        for g in geometries {
            let props = g
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let arcs = g.get("arcs");
            let shape = match (g.get("type").and_then(Value::as_str), arcs) {
                (Some("Polygon"), Some(a)) => poly(a).map(|p| MultiPolygon(vec![p])),
                (Some("MultiPolygon"), Some(a)) => a
                    .as_array()
                    .ok_or_else(|| "multipolygon is not a list".to_string())
                    .and_then(|ps| ps.iter().map(poly).collect::<Result<Vec<_>, _>>())
                    .map(MultiPolygon),
                (Some(t), _) => Err(format!("geometry type {t:?} is not an area")),
                (None, _) => Err("geometry without type".to_string()),
            };
            out.push((props, shape));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Contains;

    fn shared(path: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/../../shared/data/boundaries/{path}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("shared data")
    }

    #[test]
    fn reads_drechtsteden_buurten_2023() {
        let r = read(
            &shared("drechtsteden_buurten_2023.geojson"),
            Level::Buurt,
            &Fields::default(),
        )
        .expect("reads");
        assert_eq!(r.areas.len() + r.skipped.len(), 358);
        let a = r
            .areas
            .iter()
            .find(|a| a.code.starts_with("BU0505"))
            .expect("a Dordrecht buurt");
        assert!(a.name.is_some());
        assert!(r.areas.iter().any(|a| a.population.is_some_and(|p| p > 0)));
        assert_eq!((r.code_field.as_str(), r.cbs_codes), ("buurtcode", true));
        assert!(r
            .parent_names
            .contains(&("GM0505".to_string(), "Dordrecht".to_string())));
    }

    #[test]
    fn reads_ermelo_2021_snake_case() {
        let r = read(
            &shared("ermelo_buurten_2021.geojson"),
            Level::Buurt,
            &Fields::default(),
        )
        .expect("reads");
        assert_eq!(r.areas.len(), 17);
        assert!(r.areas.iter().all(|a| a.code.starts_with("BU0233")));
    }

    #[test]
    fn reads_derived_wijken() {
        let r = read(
            &shared("drechtsteden_wijken_2023_derived.geojson"),
            Level::Wijk,
            &Fields::default(),
        )
        .expect("reads");
        assert_eq!(r.areas.len(), 51);
        assert!(r.areas.iter().all(|a| a.code.starts_with("WK")));
    }

    #[test]
    fn reads_the_national_2014_topojson_and_skips_degenerate_features() {
        let r = read(
            &shared("nl_buurten_2014_coarse.topojson"),
            Level::Buurt,
            &Fields::default(),
        )
        .expect("reads");
        assert_eq!(r.areas.len() + r.skipped.len(), 11_691);
        assert!(r.areas.len() > 10_000, "{} read", r.areas.len());
        assert!(
            r.skipped.iter().all(|s| s.contains("degenerate")),
            "{:?}",
            &r.skipped[..3.min(r.skipped.len())]
        );
        // Amsterdam's Dam square lies in some buurt of Amsterdam (GM0363).
        let dam = geo::Point::new(4.8930, 52.3731);
        assert!(r
            .areas
            .iter()
            .any(|a| a.code.starts_with("BU0363") && a.shape.contains(&dam)));
    }

    #[test]
    fn a_file_without_a_code_field_names_what_it_found() {
        let f = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"naam":"x","id":7},
            "geometry":{"type":"Polygon","coordinates":[[[4,51],[4.1,51],[4.1,51.1],[4,51]]]}}]}"#;
        let e = read(f, Level::Buurt, &Fields::default()).expect_err("no code");
        assert_eq!(
            e,
            ImportError::NoCodeField {
                found: "id, naam".into()
            }
        );
        let named = read(
            f,
            Level::Buurt,
            &Fields {
                code: Some("id".into()),
                name: Some("naam".into()),
            },
        )
        .expect("reads");
        assert_eq!(named.areas[0].code, "7");
        assert_eq!(named.areas[0].name.as_deref(), Some("x"));
    }

    /// A municipality's own buurt file: its internal code in `code`, the CBS code elsewhere.
    fn municipal(features: &[(&str, &str, &str)]) -> Vec<u8> {
        let features: Vec<Value> = features
            .iter()
            .enumerate()
            .map(|(i, (code, cbs, name))| {
                let x = 4.0 + i as f64 * 0.1;
                serde_json::json!({"type": "Feature",
                    "properties": {"code": code, "cbsCode": cbs, "naam": name, "gemeentenaam": "Amsterdam"},
                    "geometry": {"type": "Polygon", "coordinates": [[[x, 51.0], [x + 0.1, 51.0], [x + 0.1, 51.1], [x, 51.0]]]}})
            })
            .collect();
        serde_json::to_vec(&serde_json::json!({"type": "FeatureCollection", "features": features}))
            .expect("json")
    }

    #[test]
    fn the_cbs_code_is_found_by_its_form_in_any_field() {
        let f = municipal(&[
            ("AA01", "BU0363AA01", "Kop Zeedijk"),
            ("AA02", "BU0363AA02", "Oude Kerk e.o."),
        ]);
        let r = read(&f, Level::Buurt, &Fields::default()).expect("reads");
        assert_eq!((r.code_field.as_str(), r.cbs_codes), ("cbsCode", true));
        assert_eq!(r.areas[0].code, "BU0363AA01");
        assert_eq!(r.areas[0].name.as_deref(), Some("Kop Zeedijk"));
        assert_eq!(
            r.parent_names,
            vec![("GM0363".to_string(), "Amsterdam".to_string())],
            "the gemeente is named; the file names no wijk"
        );
        // The caller may insist on the internal codes: imported, and said to be no CBS codes.
        let own = read(
            &f,
            Level::Buurt,
            &Fields {
                code: Some("code".into()),
                name: None,
            },
        )
        .expect("reads");
        assert_eq!(own.areas[0].code, "AA01");
        assert!(!own.cbs_codes);
        assert_eq!(own.cbs_fields, vec!["cbsCode".to_string()]);
        assert!(own.parent_names.is_empty());
        // The CBS field named explicitly is as good as found.
        let named = read(
            &f,
            Level::Buurt,
            &Fields {
                code: Some("cbsCode".into()),
                name: None,
            },
        )
        .expect("reads");
        assert!(named.cbs_codes);
    }

    #[test]
    fn a_file_without_cbs_codes_is_refused_with_what_it_holds() {
        let f = municipal(&[("AA01", "", "Kop Zeedijk")]);
        let e = read(&f, Level::Buurt, &Fields::default()).expect_err("no CBS codes");
        assert!(
            matches!(&e, ImportError::NoCbsCodes { field, example, .. } if field == "code" && example == "AA01"),
            "{e}"
        );
        let message = e.to_string();
        assert!(
            message.contains("--code-field code") && message.contains("BU0363AA01"),
            "{message}"
        );
        // Wijk codes in a buurt file are no buurt codes.
        let wijken = municipal(&[("AA", "WK0363AA", "Burgwallen-Oude Zijde")]);
        assert!(matches!(
            read(&wijken, Level::Buurt, &Fields::default()),
            Err(ImportError::NoCbsCodes { .. })
        ));
        let as_wijken = read(&wijken, Level::Wijk, &Fields::default()).expect("a wijk file");
        assert_eq!(as_wijken.areas[0].code, "WK0363AA");
    }

    #[test]
    fn a_feature_without_the_found_code_is_named_and_lower_case_codes_are_read() {
        let f = municipal(&[("AA01", "bu0363aa01", "Kop Zeedijk"), ("AA02", "", "Water")]);
        let e = read(&f, Level::Buurt, &Fields::default()).expect_err("feature 1 has no code");
        assert!(
            matches!(&e, ImportError::MissingCode { index: 1, field, .. } if field == "cbsCode"),
            "{e}"
        );
        let lower = municipal(&[("AA01", "bu0363aa01", "Kop Zeedijk")]);
        let r = read(&lower, Level::Buurt, &Fields::default()).expect("reads");
        assert_eq!(r.areas[0].code, "BU0363AA01");
    }

    #[test]
    fn a_field_of_cbs_codes_but_one_typo_is_pointed_out() {
        let mut rows: Vec<(String, String)> = (0..12)
            .map(|i| (format!("AA{i:02}"), format!("BU0363AA{i:02}")))
            .collect();
        rows[7].1 = "BU0363-A07".into();
        let rows: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str(), "x"))
            .collect();
        let e = read(&municipal(&rows), Level::Buurt, &Fields::default()).expect_err("a typo");
        let message = e.to_string();
        assert!(
            message.contains("field cbsCode does but for feature 7: \"BU0363-A07\""),
            "{message}"
        );
    }

    #[test]
    fn a_field_of_this_level_only_beats_one_mixing_levels_and_two_that_disagree_are_refused() {
        let feature = |props: Value, x: f64| {
            serde_json::json!({"type": "Feature", "properties": props,
                "geometry": {"type": "Polygon", "coordinates": [[[x, 51.0], [x + 0.1, 51.0], [x + 0.1, 51.1], [x, 51.0]]]}})
        };
        let file = |features: Vec<Value>| {
            serde_json::to_vec(
                &serde_json::json!({"type": "FeatureCollection", "features": features}),
            )
            .expect("json")
        };
        // `aaParent` mixes a gemeente and a buurt code and sorts first; `cbsCode` holds buurten only.
        let decoy = file(vec![
            feature(
                serde_json::json!({"aaParent": "GM9996", "cbsCode": "BU99960101"}),
                4.0,
            ),
            feature(
                serde_json::json!({"aaParent": "BU99969999", "cbsCode": "BU99960102"}),
                4.1,
            ),
        ]);
        let r = read(&decoy, Level::Buurt, &Fields::default()).expect("reads");
        assert_eq!(r.code_field, "cbsCode");
        assert_eq!(r.areas.len(), 2);
        // Two vintages' codes: which one is meant is the caller's to say.
        let two = file(vec![feature(
            serde_json::json!({"cbs_code_2022": "BU99960101", "cbs_code_2023": "BU99960111"}),
            4.0,
        )]);
        let e = read(&two, Level::Buurt, &Fields::default()).expect_err("ambiguous");
        assert!(
            matches!(&e, ImportError::AmbiguousCodes { fields, .. } if fields == "cbs_code_2022, cbs_code_2023"),
            "{e}"
        );
        // A file of wijken read as buurten imports nothing, and says so.
        let wijken = file(vec![feature(
            serde_json::json!({"statcode": "WK999601"}),
            4.0,
        )]);
        let e = read(
            &wijken,
            Level::Buurt,
            &Fields {
                code: Some("statcode".into()),
                name: None,
            },
        )
        .expect_err("no buurten");
        assert_eq!(
            e,
            ImportError::NoAreas {
                level: Level::Buurt,
                skipped: 1
            }
        );
    }

    #[test]
    fn a_code_twice_is_refused() {
        let f = municipal(&[("AA01", "BU0363AA01", "a"), ("AA02", "BU0363AA01", "b")]);
        assert_eq!(
            read(&f, Level::Buurt, &Fields::default()).expect_err("twice"),
            ImportError::DuplicateCode {
                index: 1,
                first: 0,
                code: "BU0363AA01".into()
            }
        );
        let empty = br#"{"type":"FeatureCollection","features":[]}"#;
        assert_eq!(
            read(empty, Level::Buurt, &Fields::default()).expect_err("empty"),
            ImportError::NoFeatures
        );
    }

    #[test]
    fn clockwise_exteriors_are_turned_and_reported() {
        let f = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"buurtcode":"BU00010001"},
            "geometry":{"type":"Polygon","coordinates":[[[4,51],[4,51.1],[4.1,51.1],[4.1,51],[4,51]]]}}]}"#;
        let r = read(f, Level::Buurt, &Fields::default()).expect("reads");
        assert_eq!(r.repaired.len(), 1);
    }

    #[test]
    fn a_ring_that_crosses_itself_is_rebuilt_and_reported() {
        // A bowtie: two triangles meeting where the ring crosses itself at (4.05, 51.05).
        let f = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"buurtcode":"BU00010001"},
            "geometry":{"type":"Polygon","coordinates":[[[4,51],[4.1,51.1],[4.1,51],[4,51.1],[4,51]]]}}]}"#;
        let r = read(f, Level::Buurt, &Fields::default()).expect("reads");
        let area = &r.areas[0];
        assert!(area.shape.is_valid(), "{:?}", area.shape);
        assert!(
            r.repaired[0].contains("BU00010001") && r.repaired[0].contains("self-intersection"),
            "{:?}",
            r.repaired
        );
        use geo::Contains;
        assert!(
            area.shape.contains(&geo::Point::new(4.01, 51.05)),
            "the west lobe"
        );
        assert!(
            area.shape.contains(&geo::Point::new(4.09, 51.05)),
            "the east lobe"
        );
        assert!(
            !area.shape.contains(&geo::Point::new(4.05, 51.09)),
            "above the crossing"
        );
        assert!(
            (area.shape.unsigned_area() - 0.005).abs() < 1e-9,
            "both triangles' area"
        );
    }

    #[test]
    fn a_topology_whose_arcs_decode_past_f64_max_is_refused_not_a_panic() {
        // Found by server/tests/fuzz.rs: a scale of 1e308 turned the quantised arcs into inf, and
        // geo's union (i_overlay) panicked on them. Deltas that add up past f64::MAX do the same.
        for (transform, arc) in [
            (
                r#"{"scale":[1e308,1e308],"translate":[0,0]}"#,
                "[[906,845],[-16,0],[0,9],[16,-9]]",
            ),
            (
                r#"{"scale":[1,1],"translate":[0,0]}"#,
                "[[1e308,0],[1e308,1],[0,1],[-1e308,-1]]",
            ),
            (
                r#"{"scale":[0,0],"translate":[0,0]}"#,
                "[[1e308,0],[1e308,1],[0,1],[-1e308,-1]]",
            ),
        ] {
            let f = format!(
                r#"{{"type":"Topology","transform":{transform},"arcs":[{arc}],
                "objects":{{"w":{{"type":"GeometryCollection","geometries":[
                {{"type":"Polygon","arcs":[[0]],"properties":{{"statcode":"WK198703"}}}}]}}}}}}"#
            );
            let e = read(f.as_bytes(), Level::Wijk, &Fields::default()).expect_err("not finite");
            assert!(
                matches!(e, ImportError::BadFeature { index: 0, ref code, ref reason }
                    if code == "WK198703" && reason.contains("not finite")),
                "{e}"
            );
        }
    }

    #[test]
    fn shapes_geo_cannot_rebuild_are_kept_not_a_panic() {
        // Found by server/tests/fuzz.rs. Two crossing rings that overlap each other: i_overlay's
        // union stops on a debug assertion (extract_ogc.rs, `is_fill_top`).
        let crossing = br#"{"type":"FeatureCollection","features":[{"type":"Feature",
            "properties":{"buurtcode":"BU00010001"},"geometry":{"type":"MultiPolygon","coordinates":
            [[[[2,1],[1,2],[3,4],[2,4],[2,1]]],[[[2,3],[3,0],[1,0],[0,2],[2,3]]]]}}]}"#;
        let r = read(crossing, Level::Buurt, &Fields::default()).expect("reads");
        assert_eq!(r.areas.len(), 1);
        assert!(r.repaired[0].contains("BU00010001"), "{:?}", r.repaired);
        // Real wijken with a quantised scale of 1e300: the union's result near f64::MAX makes geo's
        // relate (in is_valid) stop on a debug assertion ("topology position conflict").
        let huge = format!(
            r#"{{"type":"Topology","transform":{{"scale":[1e300,1e300],"translate":[0,0]}},"arcs":{HUGE_SCALE_ARCS},
            "objects":{{"w":{{"type":"GeometryCollection","geometries":[
            {{"type":"Polygon","arcs":[[-1,1,2]],"properties":{{"statcode":"WK086001"}}}},
            {{"type":"Polygon","arcs":[[3,-5,5,-7,-8,8,-2,-10,-11,-12]],"properties":{{"statcode":"WK086000"}}}}
            ]}}}}}}"#
        );
        // Both features kept or skipped (then the file is refused as holding no wijken): no panic.
        match read(huge.as_bytes(), Level::Wijk, &Fields::default()) {
            Ok(r) => assert_eq!(r.areas.len() + r.skipped.len(), 2),
            Err(e) => assert_eq!(
                e,
                ImportError::NoAreas {
                    level: Level::Wijk,
                    skipped: 2
                }
            ),
        }
    }

    /// The arcs of the fuzzer's input for the second case: wijken's decoded coordinates, read with the
    /// transform as quantised deltas, so near 1e302 once added up and scaled.
    const HUGE_SCALE_ARCS: &str = "[[[5.585059825184982,51.61495642124476],[5.596677294589923,51.62899185997566]],\
        [[5.585059825184982,51.61495642124476],[5.569569865978394,51.6233776844833],[5.569569865978394,51.634606035468025],[5.585059825184982,51.64302729870656]],\
        [[5.585059825184982,51.64302729870656],[5.596677294589923,51.62899185997566]],\
        [[5.499865049548748,51.58688554378296],[5.499865049548748,51.58688554378296]],\
        [[5.499865049548748,51.61495642124476],[5.599865049548748,51.714956421244764],[5.599865049548748,51.61495642124476],[5.499865049548748,51.714956421244764],[5.499865049548748,51.61495642124476]],\
        [[5.499865049548748,51.61495642124476],[5.495992559747101,51.6233776844833]],\
        [[5.542462437366865,51.6374131232142],[5.52309998835863,51.62899185997566],[5.499865049548748,51.634606035468025],[5.495992559747101,51.6233776844833]],\
        [[5.569569865978394,51.648641474198925],[5.542462437366865,51.6374131232142]],\
        [[5.569569865978394,51.648641474198925],[5.585059825184982,51.64302729870656]],\
        [[5.573442355780041,51.592499719275324],[5.585059825184982,51.61495642124476]],\
        [[5.565697376176747,51.592499719275324],[5.573442355780041,51.592499719275324]],\
        [[5.499865049548748,51.58688554378296],[5.52309998835863,51.58688554378296],[5.534717457763572,51.60092098251386],[5.565697376176747,51.592499719275324]]]";

    #[test]
    fn a_broken_geometry_names_the_feature() {
        let f = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"buurtcode":"BU00010001"},
            "geometry":{"type":"Point","coordinates":[4,51]}}]}"#;
        let e = read(f, Level::Buurt, &Fields::default()).expect_err("a point is no area");
        assert!(
            matches!(e, ImportError::BadFeature { index: 0, ref code, .. } if code == "BU00010001"),
            "{e}"
        );
    }
}
