//! Reads the places a municipality already knows (its buurthuizen, libraries, benches, playgrounds)
//! from GeoJSON: points, or areas (a BGT playground) taken at a point inside them.
//!
//! A file's own words become our categories through a mapping the caller gives (`--map
//! bank=bench`), from the field it names (`--category-field bgtplustype`); a value that is already
//! one of our category slugs needs no mapping, and `--category` gives every feature one category.
//! Values are compared without case and without a `prefix:` (BGT's `niet-bgt:bank` is `bank`).
//! Qualities come from OpenStreetMap's tags where the file has them (`wheelchair=yes` is step-free,
//! `fee=no` is free, `toilets=yes` has a toilet) and from the caller's own rules
//! (`--quality toegankelijk=ja:step_free`).
//!
//! Pure: bytes in, places and a report out. Every skipped feature is counted by why, and the first
//! ones are named by their index.

use std::collections::BTreeMap;

use geo::InteriorPoint;
use serde_json::Value;

use app::model::{PLACE_CATEGORIES, PLACE_QUALITIES};

use crate::store::walking::KnownPlace;

/// How to read a file.
#[derive(Debug, Clone, Default)]
pub struct PlaceMapping {
    /// The property holding each feature's kind of place.
    pub category_field: Option<String>,
    /// One category for every feature (instead of a field).
    pub category: Option<String>,
    /// The file's value (lower case, without prefix) to our category.
    pub map: BTreeMap<String, String>,
    /// The property holding a place's name (default: `name`, `naam`, `Naam`).
    pub name_field: Option<String>,
    /// Extra quality rules: property, value (lower case), quality.
    pub qualities: Vec<(String, String, String)>,
}

/// OpenStreetMap's tags that say a quality.
const OSM_QUALITIES: &[(&str, &str, &str)] = &[
    ("wheelchair", "yes", "step_free"),
    ("fee", "no", "free"),
    ("toilets", "yes", "toilet"),
    ("bench", "yes", "seating"),
];

#[derive(Debug, Default)]
pub struct PlacesReport {
    pub places: Vec<KnownPlace>,
    /// Places read per category.
    pub per_category: BTreeMap<String, usize>,
    /// Features left out per reason (`no mapping for "picknicktafel"`, `no geometry`, ...).
    pub skipped: BTreeMap<String, usize>,
    /// The first skipped features, by index, with why.
    pub examples: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PlacesError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("not a GeoJSON FeatureCollection")]
    NotFeatureCollection,
    #[error("{0}")]
    Mapping(String),
    #[error("no feature became a place ({0})")]
    Nothing(String),
}

impl PlaceMapping {
    /// Checks that every category and quality named is one of ours.
    pub fn check(&self) -> Result<(), PlacesError> {
        let targets = self.category.iter().chain(self.map.values());
        for c in targets {
            if !PLACE_CATEGORIES.contains(&c.as_str()) {
                return Err(PlacesError::Mapping(format!(
                    "{c:?} is not a place category (one of {})",
                    PLACE_CATEGORIES.join(", ")
                )));
            }
        }
        for (_, _, q) in &self.qualities {
            if !PLACE_QUALITIES.contains(&q.as_str()) {
                return Err(PlacesError::Mapping(format!(
                    "{q:?} is not a place quality (one of {})",
                    PLACE_QUALITIES.join(", ")
                )));
            }
        }
        if self.category.is_none() && self.category_field.is_none() {
            return Err(PlacesError::Mapping(
                "give --category-field (and --map for the file's words) or --category".into(),
            ));
        }
        Ok(())
    }
}

/// A file's word as compared: lower case, trimmed, without a `prefix:`.
fn word(v: &str) -> String {
    let v = v.trim().to_lowercase();
    match v.rsplit_once(':') {
        Some((_, w)) => w.to_string(),
        None => v,
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_string()),
        _ => None,
    }
}

/// Reads places; `source` names the file (ids are `source#feature id or index`).
pub fn read(bytes: &[u8], source: &str, m: &PlaceMapping) -> Result<PlacesReport, PlacesError> {
    m.check()?;
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| PlacesError::NotJson(e.to_string()))?;
    let (Some("FeatureCollection"), Some(Value::Array(features))) =
        (v.get("type").and_then(Value::as_str), v.get("features"))
    else {
        return Err(PlacesError::NotFeatureCollection);
    };
    let mut r = PlacesReport::default();
    let skip = |r: &mut PlacesReport, i: usize, why: String| {
        if r.examples.len() < 20 {
            r.examples.push(format!("feature {i}: {why}"));
        }
        *r.skipped.entry(why).or_default() += 1;
    };
    for (i, f) in features.iter().enumerate() {
        let empty = serde_json::Map::new();
        let props = f
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let category = match (&m.category, &m.category_field) {
            (Some(c), _) => c.clone(),
            (None, Some(field)) => {
                let Some(value) = props.get(field).and_then(text) else {
                    skip(&mut r, i, format!("no {field}"));
                    continue;
                };
                let w = word(&value);
                match m.map.get(&w) {
                    Some(c) => c.clone(),
                    None if PLACE_CATEGORIES.contains(&w.as_str()) => w,
                    None => {
                        skip(&mut r, i, format!("no mapping for {field} {w:?}"));
                        continue;
                    }
                }
            }
            (None, None) => continue,
        };
        let position = match f.get("geometry").map(position_of) {
            Some(Ok(p)) => p,
            Some(Err(why)) => {
                skip(&mut r, i, why.to_string());
                continue;
            }
            None => {
                skip(&mut r, i, "no geometry".into());
                continue;
            }
        };
        let name = match &m.name_field {
            Some(n) => props.get(n).and_then(text),
            None => ["name", "naam", "Naam", "NAAM"]
                .iter()
                .find_map(|n| props.get(*n).and_then(text)),
        }
        .map(|n| n.chars().take(200).collect::<String>());
        let mut qualities: Vec<String> = OSM_QUALITIES
            .iter()
            .map(|&(k, v, q)| (k.to_string(), v.to_string(), q.to_string()))
            .chain(m.qualities.iter().cloned())
            .filter(|(k, v, _)| props.get(k).and_then(text).is_some_and(|x| word(&x) == *v))
            .map(|(_, _, q)| q)
            .collect();
        qualities.sort();
        qualities.dedup();
        let fid = f
            .get("id")
            .and_then(text)
            .or_else(|| props.get("id").and_then(text))
            .unwrap_or_else(|| i.to_string());
        *r.per_category.entry(category.clone()).or_default() += 1;
        r.places.push(KnownPlace {
            id: format!("{source}#{fid}"),
            category,
            name,
            position,
            qualities,
        });
    }
    // Ids must be unique within the file: a repeated id keeps its first place.
    let mut seen = std::collections::HashSet::new();
    let before = r.places.len();
    r.places.retain(|p| seen.insert(p.id.clone()));
    if r.places.len() < before {
        *r.skipped.entry("repeated id".into()).or_default() += before - r.places.len();
    }
    if r.places.is_empty() {
        let why = r
            .skipped
            .iter()
            .map(|(w, n)| format!("{n}× {w}"))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(PlacesError::Nothing(if why.is_empty() {
            "the file has no features".into()
        } else {
            why
        }));
    }
    Ok(r)
}

/// A point's own position, or a point inside an area; inside the Netherlands' box.
fn position_of(g: &Value) -> Result<[f64; 2], &'static str> {
    let p = match g.get("type").and_then(Value::as_str) {
        Some("Point") => {
            let c = g
                .get("coordinates")
                .and_then(Value::as_array)
                .ok_or("a point without coordinates")?;
            match (
                c.first().and_then(Value::as_f64),
                c.get(1).and_then(Value::as_f64),
            ) {
                (Some(x), Some(y)) => [x, y],
                _ => return Err("a point without coordinates"),
            }
        }
        Some("Polygon" | "MultiPolygon") => {
            let shape =
                crate::import::boundaries::geojson_shape(g).map_err(|_| "an unreadable area")?;
            let p = shape.interior_point().ok_or("an empty area")?;
            [p.x(), p.y()]
        }
        _ => return Err("not a point or an area"),
    };
    if (3.0..=7.5).contains(&p[0]) && (50.5..=54.0).contains(&p[1]) {
        Ok(p)
    } else {
        Err("outside the Netherlands (is it WGS84 lon, lat?)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BGT: &str =
        "../../shared/data/poi/veluwe_bgt_straatmeubilair_banken_speelvoorzieningen.geojson";
    const OSM: &str = "../../shared/data/poi/drechtsteden_voorzieningen_osm_mixed.geojson";

    fn bgt_mapping() -> PlaceMapping {
        PlaceMapping {
            category_field: Some("bgtplustype".into()),
            map: [("bank", "bench"), ("speelvoorziening", "playground")]
                .into_iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            ..PlaceMapping::default()
        }
    }

    #[test]
    fn the_bgt_benches_and_playgrounds_become_places() {
        let bytes = std::fs::read(BGT).unwrap();
        let r = read(&bytes, "bgt", &bgt_mapping()).unwrap();
        assert_eq!(r.per_category.get("bench"), Some(&1_427));
        assert_eq!(r.per_category.get("playground"), Some(&2_615));
        // Picnic tables and the rest are named, not silently dropped.
        assert!(
            r.skipped.keys().any(|k| k.contains("picknicktafel")),
            "{:?}",
            r.skipped
        );
        assert_eq!(r.places.len() + r.skipped.values().sum::<usize>(), 7_063);
        assert!(r.places.iter().all(|p| p.id.starts_with("bgt#")));
    }

    #[test]
    fn osm_tags_give_qualities_and_names() {
        let bytes = std::fs::read(OSM).unwrap();
        let m = PlaceMapping {
            category_field: Some("amenity".into()),
            ..PlaceMapping::default()
        };
        let r = read(&bytes, "osm", &m).unwrap();
        let libraries = r.per_category.get("library").copied().unwrap_or(0);
        assert!(libraries > 0, "{:?}", r.per_category);
        let walburg = r
            .places
            .iter()
            .find(|p| p.name.as_deref() == Some("Bibliotheek Zwijndrecht Walburg"))
            .unwrap();
        assert_eq!(walburg.category, "library");
        assert!(r
            .places
            .iter()
            .any(|p| p.qualities.contains(&"step_free".to_string())));
    }

    #[test]
    fn bad_files_and_mappings_say_what_is_wrong() {
        assert!(matches!(
            read(b"{", "x", &bgt_mapping()),
            Err(PlacesError::NotJson(_))
        ));
        assert_eq!(
            read(br#"{"type":"Feature"}"#, "x", &bgt_mapping()).unwrap_err(),
            PlacesError::NotFeatureCollection
        );
        let wrong = PlaceMapping {
            category: Some("castle".into()),
            ..PlaceMapping::default()
        };
        assert!(
            matches!(read(b"{}", "x", &wrong), Err(PlacesError::Mapping(m)) if m.contains("castle"))
        );
        let far = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[52.1,5.3]}}]}"#;
        let one = PlaceMapping {
            category: Some("library".into()),
            ..PlaceMapping::default()
        };
        let e = read(far, "x", &one).unwrap_err();
        assert!(e.to_string().contains("outside the Netherlands"), "{e}");
    }
}
