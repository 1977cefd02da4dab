//! Reads a walking network from OpenStreetMap data: a GeoJSON file of lines (as OSMnx writes its
//! "walk" graphs) or an OSM PBF extract. Pure: bytes in, a [`Network`] and a [`NetworkReport`] out.
//!
//! What is kept is decided by one table, [`walkable`], for both formats: the ways people walk on
//! (footways, paths, streets of every class up to primary, steps, tracks, ...), without the roads
//! they may not walk on (motorways, trunk roads and cycleways unless tagged for feet), ways not
//! built or not for people (construction, proposed, raceway, ...), ways closed to them (`foot=no`,
//! `access=private`) and the outlines of squares (`area=yes`), whose edge is not a path.
//!
//! - GeoJSON (RFC 7946, `[lon, lat]`): each kept `LineString` is one segment, each part of a
//!   `MultiLineString` one too. Nodes are the lines' end positions, the same node wherever the
//!   same coordinates recur (the file's `u`/`v` ids are not used: its geometry is the truth, and
//!   the ids stay free to check the graph against). A segment's length is the feature's `length`
//!   property where it holds one (a single line), else the geodesic length of its line. A line
//!   from a node back to itself is kept: a loop is harmless. `highway` may be a list (OSMnx, for
//!   merged ways): the first walkable value counts. Other features are "not a line", or without
//!   `highway`; lines with fewer than 2 positions or off the earth are skipped.
//! - PBF: the ways with a `highway` tag (others, buildings and the like, are not counted at all),
//!   their nodes' positions, split at every node two kept ways share (or one way passes twice)
//!   and at their ends, so that segments meet only at their ends. Only those ends become nodes,
//!   one per OSM node. Lengths are geodesic. A way with a node missing from the file, or with
//!   fewer than 2 nodes left (extracts cut at their border do both) is skipped. Two passes over
//!   the file, ways first, keep only what the kept ways need: their node ids, each node's id once
//!   with how often the ways pass it, and those nodes' positions; of the tags, only the distinct
//!   `highway` values.
//!
//! Features or ways that cannot be read are skipped with a message naming them; errors of the
//! whole file (not JSON, not a FeatureCollection, an unreadable PBF block, nothing walkable) refuse it.

use std::collections::hash_map::Entry;
use std::io::Cursor;
use std::path::Path;

use osmpbf::{BlobDecode, BlobReader, PrimitiveBlock};
use rustc_hash::FxHashMap;
use serde_json::{Map, Value};

use crate::domain::walking::{line_length_m, Network, Segment, WayKind};

/// How many skipped features a report lists by name; the rest are only counted.
const MAX_SKIPPED_LISTED: usize = 100;

/// The file formats a network is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkFormat {
    GeoJson,
    Pbf,
}

impl NetworkFormat {
    /// The format a file name implies: `.osm.pbf`/`.pbf` or `.geojson`/`.json` (any case).
    pub fn of_path(path: &Path) -> Option<NetworkFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "pbf" => Some(NetworkFormat::Pbf),
            "geojson" | "json" => Some(NetworkFormat::GeoJson),
            _ => None,
        }
    }
}

/// A network as read, with what was kept, left out and skipped.
#[derive(Debug, Default)]
pub struct NetworkReport {
    pub network: Network,
    /// ways/features kept per highway value, sorted by highway value
    pub kept: Vec<(String, usize)>,
    /// dropped per reason ("highway=motorway", "no highway tag", "foot=no", "access=private",
    /// "area=yes", "not a line", ...), sorted by reason
    pub dropped: Vec<(String, usize)>,
    /// problems with single features that were skipped, each naming the feature (index and OSM id
    /// when known) and why; at most 100 listed, the rest only counted in `skipped_total`
    pub skipped: Vec<String>,
    pub skipped_total: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("not a GeoJSON FeatureCollection: {0}")]
    NotFeatureCollection(String),
    #[error("unreadable PBF, block {block}: {message}")]
    Pbf { block: usize, message: String },
    #[error("the file holds no walkable ways ({detail})")]
    NoWalkableWays { detail: String },
    #[error("the network has more than {} nodes", u32::MAX)]
    TooManyNodes,
}

/// Whether people walk on a way, from its OSM tags (`tags(key)` gives a tag's value): the kind of
/// way if so, else the reason to drop it (`"highway=motorway"`, `"foot=no"`, ...). The values'
/// lifetime `'t` lets `tags` lend them from a tag table (`|k| tags.get(k).copied()`).
///
/// Kept, as [`WayKind::Footway`]: `footway` (sidewalks and crossings, `footway=sidewalk|crossing`,
/// included), `path`, `pedestrian`, `corridor` (indoors), `track`, `bridleway`, `elevator`; and
/// `cycleway` and `platform` only with `foot=yes|designated|permissive`: a Dutch fietspad is no
/// footpath, and a bus or tram platform drawn as a line usually runs beside the footway that leads
/// there, adding only dead ends. As [`WayKind::Steps`]: `steps`. As [`WayKind::Street`]:
/// `living_street`, `residential`, `service`, `unclassified`, `tertiary`, `secondary`, `primary`
/// (and their `_link`s), `road` (not yet classified), and `busway`: OSMnx's walk network keeps it,
/// and where there is a pavement along it, that is usually mapped as its own footway anyway;
/// `motorway`, `trunk` (and their `_link`s) only with `foot=yes|designated|permissive`.
///
/// Dropped: any other `highway` value, with reason `highway=<value>`: not built (`construction`,
/// `proposed`, `planned`, `abandoned`, `disused`, `razed`), not for people (`raceway`,
/// `bus_guideway`, `escape`), areas (`rest_area`, `services`) and nodes' values drawn on ways;
/// `area=yes` (a square's outline, not a path across it); `foot=no|private`; and, unless feet are
/// allowed explicitly, `access=no|private` and `service=private`.
pub fn walkable<'t>(tags: impl Fn(&str) -> Option<&'t str>) -> Result<WayKind, String> {
    let Some(highway) = tags("highway") else {
        return Err("no highway tag".to_string());
    };
    if tags("area") == Some("yes") {
        return Err("area=yes".to_string());
    }
    let foot = tags("foot");
    let feet_allowed = matches!(foot, Some("yes" | "designated" | "permissive"));
    let kind = match highway {
        "footway" | "path" | "pedestrian" | "corridor" | "track" | "bridleway" | "elevator" => {
            WayKind::Footway
        }
        "steps" => WayKind::Steps,
        "living_street" | "residential" | "service" | "unclassified" | "tertiary"
        | "tertiary_link" | "secondary" | "secondary_link" | "primary" | "primary_link"
        | "road" | "busway" => WayKind::Street,
        "cycleway" | "platform" if feet_allowed => WayKind::Footway,
        "motorway" | "motorway_link" | "trunk" | "trunk_link" if feet_allowed => WayKind::Street,
        other => return Err(format!("highway={other}")),
    };
    if let Some(f @ ("no" | "private")) = foot {
        return Err(format!("foot={f}"));
    }
    if !feet_allowed {
        if let Some(a @ ("no" | "private")) = tags("access") {
            return Err(format!("access={a}"));
        }
        if tags("service") == Some("private") {
            return Err("service=private".to_string());
        }
    }
    Ok(kind)
}

/// Reads a network from a file's bytes.
pub fn read(bytes: &[u8], format: NetworkFormat) -> Result<NetworkReport, NetworkError> {
    match format {
        NetworkFormat::GeoJson => read_geojson(bytes),
        NetworkFormat::Pbf => read_pbf(bytes),
    }
}

/// Counts and messages gathered while reading.
#[derive(Default)]
struct Tally {
    kept: FxHashMap<String, usize>,
    dropped: FxHashMap<String, usize>,
    skipped: Vec<String>,
    skipped_total: usize,
}

impl Tally {
    fn keep(&mut self, highway: &str) {
        count(&mut self.kept, highway);
    }

    fn left_out(&mut self, reason: &str) {
        count(&mut self.dropped, reason);
    }

    fn skip(&mut self, message: String) {
        self.skipped_total += 1;
        if self.skipped.len() < MAX_SKIPPED_LISTED {
            self.skipped.push(message);
        }
    }

    fn report(self, network: Network) -> Result<NetworkReport, NetworkError> {
        let sorted = |map: FxHashMap<String, usize>| {
            let mut v: Vec<(String, usize)> = map.into_iter().collect();
            v.sort_unstable();
            v
        };
        let kept = sorted(self.kept);
        let dropped = sorted(self.dropped);
        if network.segments.is_empty() {
            let mut parts: Vec<String> = dropped.iter().map(|(r, n)| format!("{r}: {n}")).collect();
            if self.skipped_total > 0 {
                parts.push(format!("skipped: {}", self.skipped_total));
            }
            let detail = if parts.is_empty() {
                "no ways at all".to_string()
            } else {
                format!("left out: {}", parts.join(", "))
            };
            return Err(NetworkError::NoWalkableWays { detail });
        }
        Ok(NetworkReport {
            network,
            kept,
            dropped,
            skipped: self.skipped,
            skipped_total: self.skipped_total,
        })
    }
}

fn count(map: &mut FxHashMap<String, usize>, key: &str) {
    if let Some(n) = map.get_mut(key) {
        *n += 1;
    } else {
        map.insert(key.to_string(), 1);
    }
}

fn node_index(len: usize) -> Result<u32, NetworkError> {
    u32::try_from(len).map_err(|_| NetworkError::TooManyNodes)
}

// ---------------------------------------------------------------------------------------------
// GeoJSON

fn read_geojson(bytes: &[u8]) -> Result<NetworkReport, NetworkError> {
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| NetworkError::NotJson(e.to_string()))?;
    let Some(obj) = doc.as_object() else {
        return Err(NetworkError::NotFeatureCollection(format!(
            "the file holds {}, not an object",
            json_kind(&doc)
        )));
    };
    match obj.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {}
        Some(other) => {
            return Err(NetworkError::NotFeatureCollection(format!(
                "its type is {other:?}"
            )))
        }
        None => {
            return Err(NetworkError::NotFeatureCollection(
                "it has no \"type\"".to_string(),
            ))
        }
    }
    let Some(features) = obj.get("features").and_then(Value::as_array) else {
        return Err(NetworkError::NotFeatureCollection(
            "it has no \"features\" list".to_string(),
        ));
    };

    let mut tally = Tally::default();
    let mut network = Network::default();
    let mut nodes: FxHashMap<[u64; 2], u32> = FxHashMap::default();
    let empty = Map::new();
    for (index, feature) in features.iter().enumerate() {
        let Some(feature) = feature.as_object() else {
            tally.skip(format!("feature {index}: not an object"));
            continue;
        };
        let props = feature
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let name = feature_name(index, props);
        let geometry = feature.get("geometry").and_then(Value::as_object);
        let parts = match geometry.and_then(|g| g.get("type")).and_then(Value::as_str) {
            Some("LineString") => 1,
            Some("MultiLineString") => 2,
            _ => {
                tally.left_out("not a line");
                continue;
            }
        };
        let (highway, kind) = match feature_walkable(props) {
            Ok(found) => found,
            Err(reason) => {
                tally.left_out(&reason);
                continue;
            }
        };
        let coordinates = geometry.and_then(|g| g.get("coordinates"));
        let lines = if parts == 1 {
            read_line(coordinates).map(|line| vec![line])
        } else {
            read_multi_line(coordinates)
        };
        let lines = match lines {
            Ok(lines) => lines,
            Err(why) => {
                tally.skip(format!("{name}: {why}"));
                continue;
            }
        };
        let file_length = props
            .get("length")
            .and_then(Value::as_f64)
            .filter(|l| l.is_finite() && *l >= 0.0);
        let single = lines.len() == 1;
        for line in lines {
            let (Some(&first), Some(&last)) = (line.first(), line.last()) else {
                continue;
            };
            let a = geojson_node(&mut nodes, &mut network.nodes, first)?;
            let b = geojson_node(&mut nodes, &mut network.nodes, last)?;
            let length_m = match file_length {
                Some(l) if single => l,
                _ => line_length_m(&line),
            };
            network.segments.push(Segment {
                a,
                b,
                length_m,
                way: kind,
                line,
            });
        }
        tally.keep(highway);
    }
    tally.report(network)
}

/// "feature 12", with the OSM id where the file gives one (OSMnx: `osmid`, maybe a list).
fn feature_name(index: usize, props: &Map<String, Value>) -> String {
    let id = props.get("osmid").and_then(|v| match v {
        Value::Array(ids) => ids.first().and_then(scalar_text),
        other => scalar_text(other),
    });
    match id {
        Some(id) => format!("feature {index} (OSM way {id})"),
        None => format!("feature {index}"),
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A property as a tag value: a string, a boolean as `yes`/`no`, or (OSMnx, for merged ways) the
/// first string of a list.
fn tag_value(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Bool(true) => Some("yes"),
        Value::Bool(false) => Some("no"),
        Value::Array(items) => items.iter().find_map(Value::as_str),
        _ => None,
    }
}

/// The feature's highway value and kind: its `highway` property, or of a list (OSMnx merges ways)
/// the first walkable value; else the reason for the first value.
fn feature_walkable(props: &Map<String, Value>) -> Result<(&str, WayKind), String> {
    let other = |key: &str| props.get(key).and_then(tag_value);
    let candidates: Vec<&str> = match props.get("highway") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut first_reason = None;
    for highway in candidates {
        let tags = |key: &str| {
            if key == "highway" {
                Some(highway)
            } else {
                other(key)
            }
        };
        match walkable(tags) {
            Ok(kind) => return Ok((highway, kind)),
            Err(reason) => {
                first_reason.get_or_insert(reason);
            }
        }
    }
    Err(first_reason.unwrap_or_else(|| "no highway tag".to_string()))
}

fn read_position(v: &Value) -> Result<[f64; 2], String> {
    let pos = v.as_array().filter(|p| p.len() >= 2);
    let (Some(lon), Some(lat)) = (
        pos.and_then(|p| p[0].as_f64()),
        pos.and_then(|p| p[1].as_f64()),
    ) else {
        return Err(format!("{v} is not a position [lon, lat]"));
    };
    if !((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) {
        return Err(format!("position [{lon}, {lat}] is not on earth"));
    }
    Ok([lon, lat])
}

fn read_line(v: Option<&Value>) -> Result<Vec<[f64; 2]>, String> {
    let Some(positions) = v.and_then(Value::as_array) else {
        return Err("its coordinates are not a list of positions".to_string());
    };
    if positions.len() < 2 {
        return Err(format!(
            "a line needs 2 positions or more, it has {}",
            positions.len()
        ));
    }
    positions.iter().map(read_position).collect()
}

fn read_multi_line(v: Option<&Value>) -> Result<Vec<Vec<[f64; 2]>>, String> {
    let Some(parts) = v.and_then(Value::as_array) else {
        return Err("its coordinates are not a list of lines".to_string());
    };
    if parts.is_empty() {
        return Err("a MultiLineString without lines".to_string());
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| read_line(Some(part)).map_err(|why| format!("line {i}: {why}")))
        .collect()
}

/// The node at a position: the same wherever the same coordinates recur (-0.0 counted as 0.0).
fn geojson_node(
    index: &mut FxHashMap<[u64; 2], u32>,
    nodes: &mut Vec<[f64; 2]>,
    p: [f64; 2],
) -> Result<u32, NetworkError> {
    let key = [(p[0] + 0.0).to_bits(), (p[1] + 0.0).to_bits()];
    match index.entry(key) {
        Entry::Occupied(e) => Ok(*e.get()),
        Entry::Vacant(e) => {
            let i = node_index(nodes.len())?;
            nodes.push(p);
            e.insert(i);
            Ok(i)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// PBF

/// A kept way of a PBF file: its nodes are `refs[start..end]`.
struct PbfWay {
    id: i64,
    kind: WayKind,
    /// Index into the distinct highway values.
    highway: u32,
    start: usize,
    end: usize,
}

/// Calls `f` with each data block of a PBF file; errors name the block (the header is block 0).
fn for_each_block(bytes: &[u8], mut f: impl FnMut(&PrimitiveBlock)) -> Result<(), NetworkError> {
    let reader = BlobReader::new(Cursor::new(bytes));
    for (block, blob) in reader.enumerate() {
        let pbf_error = |e: osmpbf::Error| NetworkError::Pbf {
            block,
            message: e.to_string(),
        };
        let blob = blob.map_err(pbf_error)?;
        match blob.decode().map_err(pbf_error)? {
            BlobDecode::OsmData(data) => f(&data),
            BlobDecode::OsmHeader(_) | BlobDecode::Unknown(_) => {}
        }
    }
    Ok(())
}

/// A tag's value in a block's string table (`None` for a value that is not UTF-8).
fn raw_tag<'a>(
    table: &'a [Vec<u8>],
    mut pairs: impl Iterator<Item = (u32, u32)>,
    key: &str,
) -> Option<&'a str> {
    let (_, v) = pairs.find(|&(k, _)| {
        table
            .get(k as usize)
            .is_some_and(|k| k.as_slice() == key.as_bytes())
    })?;
    std::str::from_utf8(table.get(v as usize)?).ok()
}

/// Where `id` is or would be in the sorted `ids`, searching forward from `from` (the files sort
/// their nodes by id, so this is mostly a step or two) or from the start for a smaller id.
fn seek(ids: &[i64], from: usize, id: i64) -> usize {
    if from >= ids.len() || ids[from] >= id {
        if from == 0 || ids.get(from - 1).is_some_and(|&x| x < id) {
            return from;
        }
        return ids[..from].partition_point(|&x| x < id);
    }
    let mut step = 1;
    while from + step < ids.len() && ids[from + step] < id {
        step *= 2;
    }
    let lo = from + step / 2;
    let hi = (from + step + 1).min(ids.len());
    lo + ids[lo..hi].partition_point(|&x| x < id)
}

fn read_pbf(bytes: &[u8]) -> Result<NetworkReport, NetworkError> {
    let mut tally = Tally::default();

    // Pass 1, ways: the kept ones, their node ids (repeats in a row dropped) and highway values.
    let mut ways: Vec<PbfWay> = Vec::new();
    let mut refs: Vec<i64> = Vec::new();
    let mut highways: Vec<String> = Vec::new();
    let mut highway_index: FxHashMap<String, u32> = FxHashMap::default();
    for_each_block(bytes, |block| {
        let table = block.raw_stringtable();
        for group in block.groups() {
            for way in group.ways() {
                let tags = |key: &str| raw_tag(table, way.raw_tags(), key);
                let Some(highway) = tags("highway") else {
                    continue;
                };
                let kind = match walkable(tags) {
                    Ok(kind) => kind,
                    Err(reason) => {
                        tally.left_out(&reason);
                        continue;
                    }
                };
                let start = refs.len();
                for r in way.refs() {
                    if refs.len() == start || refs.last() != Some(&r) {
                        refs.push(r);
                    }
                }
                if refs.len() - start < 2 {
                    tally.skip(format!(
                        "way {}: {} distinct node(s), a line needs 2 (an extract cut at its border?)",
                        way.id(),
                        refs.len() - start
                    ));
                    refs.truncate(start);
                    continue;
                }
                let h = if let Some(&h) = highway_index.get(highway) {
                    h
                } else {
                    let h = u32::try_from(highways.len()).unwrap_or(u32::MAX);
                    highways.push(highway.to_string());
                    highway_index.insert(highway.to_string(), h);
                    h
                };
                ways.push(PbfWay {
                    id: way.id(),
                    kind,
                    highway: h,
                    start,
                    end: refs.len(),
                });
            }
        }
    })?;
    drop(highway_index);
    if ways.is_empty() {
        return tally.report(Network::default());
    }

    // The kept ways' distinct nodes, sorted by id, with how often the ways pass them.
    let mut ids = refs.clone();
    ids.sort_unstable();
    let mut uses: Vec<u8> = Vec::with_capacity(ids.len());
    let mut distinct = 0;
    for i in 0..ids.len() {
        if distinct > 0 && ids[distinct - 1] == ids[i] {
            if let Some(u) = uses.last_mut() {
                *u = u.saturating_add(1);
            }
        } else {
            ids[distinct] = ids[i];
            distinct += 1;
            uses.push(1);
        }
    }
    ids.truncate(distinct);
    ids.shrink_to_fit();
    node_index(ids.len())?;
    // The ways' nodes as indices into `ids` (found: `ids` holds every ref).
    let refs: Vec<u32> = refs
        .iter()
        .map(|r| ids.partition_point(|x| x < r) as u32)
        .collect();

    // Pass 2, nodes: the positions of those nodes.
    let mut coords: Vec<[f64; 2]> = vec![[f64::NAN; 2]; ids.len()];
    let mut at = 0;
    let mut put = |id: i64, lon: f64, lat: f64| {
        at = seek(&ids, at, id);
        if ids.get(at) == Some(&id)
            && (-180.0..=180.0).contains(&lon)
            && (-90.0..=90.0).contains(&lat)
        {
            coords[at] = [lon, lat];
        }
    };
    for_each_block(bytes, |block| {
        for group in block.groups() {
            for node in group.dense_nodes() {
                put(node.id(), node.lon(), node.lat());
            }
            for node in group.nodes() {
                put(node.id(), node.lon(), node.lat());
            }
        }
    })?;

    // Segments: each way split at its ends and at every node passed twice or more.
    let mut network = Network::default();
    let mut net_index: Vec<u32> = vec![u32::MAX; ids.len()];
    let mut node_of = |nodes: &mut Vec<[f64; 2]>, i: u32| {
        let slot = &mut net_index[i as usize];
        if *slot == u32::MAX {
            *slot = nodes.len() as u32;
            nodes.push(coords[i as usize]);
        }
        *slot
    };
    let mut kept = vec![0usize; highways.len()];
    for way in &ways {
        let nodes = &refs[way.start..way.end];
        if let Some(&missing) = nodes.iter().find(|&&i| coords[i as usize][0].is_nan()) {
            tally.skip(format!(
                "way {}: node {} is not in the file (an extract cut at its border?)",
                way.id, ids[missing as usize]
            ));
            continue;
        }
        let mut from = 0;
        for to in 1..nodes.len() {
            if to + 1 < nodes.len() && uses[nodes[to] as usize] < 2 {
                continue;
            }
            let line: Vec<[f64; 2]> = nodes[from..=to]
                .iter()
                .map(|&i| coords[i as usize])
                .collect();
            let a = node_of(&mut network.nodes, nodes[from]);
            let b = node_of(&mut network.nodes, nodes[to]);
            network.segments.push(Segment {
                a,
                b,
                length_m: line_length_m(&line),
                way: way.kind,
                line,
            });
            from = to;
        }
        kept[way.highway as usize] += 1;
    }
    for (highway, n) in highways.iter().zip(kept) {
        if n > 0 {
            tally.kept.insert(highway.clone(), n);
        }
    }
    tally.report(network)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};
    use std::path::PathBuf;

    fn data(name: &str) -> Vec<u8> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/data/network")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn tags<'t>(pairs: &'t [(&'t str, &'t str)]) -> impl Fn(&str) -> Option<&'t str> {
        move |key| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn key(p: [f64; 2]) -> [u64; 2] {
        [(p[0] + 0.0).to_bits(), (p[1] + 0.0).to_bits()]
    }

    #[test]
    fn the_table_keeps_what_people_walk_on() {
        let kind = |pairs: &[(&str, &str)]| walkable(tags(pairs));
        for (highway, want) in [
            ("footway", WayKind::Footway),
            ("path", WayKind::Footway),
            ("pedestrian", WayKind::Footway),
            ("corridor", WayKind::Footway),
            ("track", WayKind::Footway),
            ("bridleway", WayKind::Footway),
            ("steps", WayKind::Steps),
            ("living_street", WayKind::Street),
            ("residential", WayKind::Street),
            ("service", WayKind::Street),
            ("unclassified", WayKind::Street),
            ("tertiary", WayKind::Street),
            ("tertiary_link", WayKind::Street),
            ("secondary", WayKind::Street),
            ("secondary_link", WayKind::Street),
            ("primary", WayKind::Street),
            ("primary_link", WayKind::Street),
            ("road", WayKind::Street),
            ("busway", WayKind::Street),
        ] {
            assert_eq!(kind(&[("highway", highway)]), Ok(want), "{highway}");
        }
        assert_eq!(
            kind(&[("highway", "footway"), ("footway", "crossing")]),
            Ok(WayKind::Footway)
        );
        // Roads for other traffic: only where feet are allowed explicitly.
        for highway in [
            "cycleway",
            "platform",
            "motorway",
            "motorway_link",
            "trunk",
            "trunk_link",
        ] {
            assert_eq!(
                kind(&[("highway", highway)]),
                Err(format!("highway={highway}"))
            );
            assert_eq!(
                kind(&[("highway", highway), ("foot", "no")]),
                Err(format!("highway={highway}"))
            );
            for foot in ["yes", "designated", "permissive"] {
                assert!(kind(&[("highway", highway), ("foot", foot)]).is_ok());
            }
        }
        assert_eq!(
            kind(&[("highway", "cycleway"), ("foot", "designated")]),
            Ok(WayKind::Footway)
        );
        assert_eq!(
            kind(&[("highway", "trunk"), ("foot", "yes")]),
            Ok(WayKind::Street)
        );
        for highway in [
            "construction",
            "proposed",
            "raceway",
            "bus_guideway",
            "rest_area",
        ] {
            assert_eq!(
                kind(&[("highway", highway), ("foot", "yes")]),
                Err(format!("highway={highway}"))
            );
        }
        assert_eq!(kind(&[("name", "Singel")]), Err("no highway tag".into()));
        assert_eq!(
            kind(&[("highway", "residential"), ("foot", "no")]),
            Err("foot=no".into())
        );
        assert_eq!(
            kind(&[("highway", "service"), ("access", "private")]),
            Err("access=private".into())
        );
        assert_eq!(
            kind(&[("highway", "service"), ("access", "no")]),
            Err("access=no".into())
        );
        assert_eq!(
            kind(&[("highway", "service"), ("service", "private")]),
            Err("service=private".into())
        );
        assert_eq!(
            kind(&[
                ("highway", "service"),
                ("access", "private"),
                ("foot", "yes")
            ]),
            Ok(WayKind::Street)
        );
        assert_eq!(
            kind(&[("highway", "path"), ("access", "destination")]),
            Ok(WayKind::Footway)
        );
        assert_eq!(
            kind(&[("highway", "pedestrian"), ("area", "yes")]),
            Err("area=yes".into())
        );
        assert_eq!(
            kind(&[("highway", "pedestrian"), ("area", "no")]),
            Ok(WayKind::Footway)
        );
    }

    #[test]
    fn formats_follow_the_file_name() {
        let of = |p: &str| NetworkFormat::of_path(Path::new(p));
        assert_eq!(of("nl.osm.pbf"), Some(NetworkFormat::Pbf));
        assert_eq!(of("x/NL.PBF"), Some(NetworkFormat::Pbf));
        assert_eq!(of("walk.geojson"), Some(NetworkFormat::GeoJson));
        assert_eq!(of("walk.json"), Some(NetworkFormat::GeoJson));
        assert_eq!(of("walk.csv"), None);
        assert_eq!(of("walk"), None);
    }

    fn counts(v: &[(String, usize)]) -> Vec<(&str, usize)> {
        v.iter().map(|(k, n)| (k.as_str(), *n)).collect()
    }

    /// The network's own promises: lines run from node `a` to node `b`, lengths are sane.
    fn check_ends(network: &Network) {
        for (i, s) in network.segments.iter().enumerate() {
            assert!(s.line.len() >= 2, "segment {i}");
            assert_eq!(s.line[0], network.nodes[s.a as usize], "segment {i} start");
            assert_eq!(
                s.line[s.line.len() - 1],
                network.nodes[s.b as usize],
                "segment {i} end"
            );
            assert!(s.length_m.is_finite() && s.length_m >= 0.0, "segment {i}");
        }
    }

    #[test]
    fn amsterdam_geojson() {
        let bytes = data("amsterdam_a10_walk_osm.geojson");
        let started = std::time::Instant::now();
        let report = read(&bytes, NetworkFormat::GeoJson).unwrap();
        eprintln!("read in {:?}", started.elapsed());
        let n = &report.network;
        assert_eq!(
            counts(&report.kept),
            [
                ("bridleway", 2),
                ("busway", 739),
                ("corridor", 25),
                ("footway", 8731),
                ("living_street", 587),
                ("path", 852),
                ("pedestrian", 1555),
                ("primary", 434),
                ("primary_link", 15),
                ("residential", 7686),
                ("road", 1),
                ("secondary", 1107),
                ("secondary_link", 37),
                ("service", 2191),
                ("steps", 178),
                ("tertiary", 2228),
                ("tertiary_link", 10),
                ("track", 19),
                ("unclassified", 3320),
            ]
        );
        assert_eq!(
            counts(&report.dropped),
            [("highway=trunk", 26), ("highway=trunk_link", 12)]
        );
        assert_eq!(report.skipped_total, 0, "{:?}", report.skipped);
        assert_eq!(n.segments.len(), 29_755 - 38);
        check_ends(n);

        // Against the file: each segment its feature's `length`, and the file's own node ids.
        let doc: Value = serde_json::from_slice(&bytes).unwrap();
        let features: Vec<&Value> = doc["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                !f["properties"]["highway"]
                    .as_str()
                    .unwrap()
                    .starts_with("trunk")
            })
            .collect();
        assert_eq!(features.len(), n.segments.len());
        // Each file id is the node all its features' lines end at (their lines run either way).
        let mut features_uv = Vec::new();
        let mut candidates: HashMap<u64, HashSet<u32>> = HashMap::new();
        let mut open_loops = 0;
        for (f, s) in features.iter().zip(&n.segments) {
            let p = &f["properties"];
            assert_eq!(s.length_m, p["length"].as_f64().unwrap());
            let (u, v) = (p["u"].as_u64().unwrap(), p["v"].as_u64().unwrap());
            if u == v && s.a != s.b {
                // OSMnx moved the loop's node to a consolidated intersection, not its line's ends.
                open_loops += 1;
                continue;
            }
            let ends = HashSet::from([s.a, s.b]);
            for id in [u, v] {
                candidates
                    .entry(id)
                    .and_modify(|c| c.retain(|x| ends.contains(x)))
                    .or_insert_with(|| ends.clone());
            }
            features_uv.push((u, v, s));
        }
        let mut node_of_id: HashMap<u64, u32> = candidates
            .iter()
            .filter(|(_, c)| c.len() == 1)
            .map(|(&id, c)| (id, *c.iter().next().unwrap()))
            .collect();
        // Dead ends, and ids joined by parallel features only: the end the other id is not at. A
        // piece cut off by the trunk roads' going, joined by parallel features, runs either way.
        loop {
            let mut settled = 0;
            while settled < node_of_id.len() {
                settled = node_of_id.len();
                for &(u, v, s) in &features_uv {
                    for (this, other) in [(u, v), (v, u)] {
                        if let (false, Some(&at)) =
                            (node_of_id.contains_key(&this), node_of_id.get(&other))
                        {
                            node_of_id.insert(this, if s.a == at { s.b } else { s.a });
                        }
                    }
                }
            }
            let Some(&(u, v, s)) = features_uv
                .iter()
                .find(|(u, v, _)| !node_of_id.contains_key(u) && !node_of_id.contains_key(v))
            else {
                break;
            };
            node_of_id.insert(u, s.a);
            node_of_id.insert(v, s.b);
        }
        for &(u, v, s) in &features_uv {
            let (nu, nv) = (node_of_id[&u], node_of_id[&v]);
            assert!((nu, nv) == (s.a, s.b) || (nu, nv) == (s.b, s.a), "{u} {v}");
        }
        let distinct: HashSet<u32> = node_of_id.values().copied().collect();
        assert_eq!(distinct.len(), node_of_id.len());
        assert_eq!(open_loops, 26);
        // 19,023 intersections in the file, less the trunk roads' own, plus the open loops'
        // 13 loose ends (each loop is in the file twice).
        assert_eq!(n.nodes.len(), 19_010);
        assert_eq!(node_of_id.len(), 18_997);
    }

    /// Every kept way of a PBF file, as whole lines, read independently of `read`.
    fn pbf_ways(bytes: &[u8]) -> Vec<Vec<[f64; 2]>> {
        let mut nodes = HashMap::new();
        let mut ways = Vec::new();
        for_each_block(bytes, |block| {
            for element in block.elements() {
                match element {
                    osmpbf::Element::DenseNode(n) => {
                        nodes.insert(n.id(), [n.lon(), n.lat()]);
                    }
                    osmpbf::Element::Node(n) => {
                        nodes.insert(n.id(), [n.lon(), n.lat()]);
                    }
                    osmpbf::Element::Way(w) => {
                        let t: HashMap<&str, &str> = w.tags().collect();
                        if walkable(|k| t.get(k).copied()).is_ok() {
                            ways.push(w.refs().collect::<Vec<i64>>());
                        }
                    }
                    osmpbf::Element::Relation(_) => {}
                }
            }
        })
        .unwrap();
        ways.iter()
            .filter(|refs| refs.len() >= 2 && refs.iter().all(|r| nodes.contains_key(r)))
            .map(|refs| refs.iter().map(|r| nodes[r]).collect())
            .collect()
    }

    fn check_pbf(name: &str) -> NetworkReport {
        let bytes = data(name);
        let report = read(&bytes, NetworkFormat::Pbf).unwrap();
        let n = &report.network;
        eprintln!(
            "{name}: {} nodes, {} segments\nkept {:?}\ndropped {:?}\nskipped {} {:?}",
            n.nodes.len(),
            n.segments.len(),
            report.kept,
            report.dropped,
            report.skipped_total,
            report.skipped
        );
        assert!(report.kept.iter().map(|(_, n)| n).sum::<usize>() > 0);
        check_ends(n);
        // Nodes are segment ends, each once.
        let ends: HashSet<u32> = n.segments.iter().flat_map(|s| [s.a, s.b]).collect();
        assert_eq!(ends.len(), n.nodes.len());
        // Segments meet only at their ends: no interior position is any segment's end.
        let end_positions: HashSet<[u64; 2]> = n.nodes.iter().map(|&p| key(p)).collect();
        for (i, s) in n.segments.iter().enumerate() {
            for p in &s.line[1..s.line.len() - 1] {
                assert!(!end_positions.contains(&key(*p)), "segment {i} at {p:?}");
            }
        }
        // Lengths: the kept ways' own, split or not.
        let ways = pbf_ways(&bytes);
        let whole: f64 = ways.iter().map(|w| line_length_m(w)).sum();
        let split: f64 = n.segments.iter().map(|s| s.length_m).sum();
        assert!((split - whole).abs() <= 0.01 * whole, "{split} vs {whole}");
        assert_eq!(
            ways.len(),
            report.kept.iter().map(|(_, n)| n).sum::<usize>()
        );
        report
    }

    #[test]
    fn watergraafsmeer_pbf() {
        let report = check_pbf("amsterdam_watergraafsmeer_small.osm.pbf");
        let ways: usize = report
            .kept
            .iter()
            .chain(&report.dropped)
            .map(|(_, n)| n)
            .sum();
        assert_eq!(ways + report.skipped_total, 54);
    }

    #[test]
    fn delft_pbf() {
        check_pbf("delft_station_small.osm.pbf");
    }

    fn geojson(features: &str) -> Vec<u8> {
        format!(r#"{{"type": "FeatureCollection", "features": [{features}]}}"#).into_bytes()
    }

    #[test]
    fn a_small_geojson_network() {
        let bytes = geojson(
            r#"{"type": "Feature", "properties": {"highway": "residential", "length": 12.5},
                "geometry": {"type": "LineString", "coordinates": [[4.9, 52.3], [4.901, 52.3]]}},
               {"type": "Feature", "properties": {"highway": ["cycleway", "steps"]},
                "geometry": {"type": "LineString", "coordinates": [[4.901, 52.3], [4.901, 52.301]]}},
               {"type": "Feature", "properties": {"highway": "footway", "osmid": [7, 8]},
                "geometry": {"type": "LineString", "coordinates": [[4.901, 52.301]]}},
               {"type": "Feature", "properties": {"highway": "path"},
                "geometry": {"type": "MultiLineString", "coordinates":
                   [[[-0.0, 0.0], [4.9, 52.3]], [[4.9, 52.3], [0.0, -0.0], [0.0, 0.0]]]}},
               {"type": "Feature", "properties": {"highway": "cycleway"},
                "geometry": {"type": "LineString", "coordinates": [[4.9, 52.3], [4.8, 52.3]]}},
               {"type": "Feature", "properties": {"highway": "footway"},
                "geometry": {"type": "Point", "coordinates": [4.9, 52.3]}},
               {"type": "Feature", "properties": {"highway": "footway"},
                "geometry": {"type": "LineString", "coordinates": [[4.9, 52.3], [200, 52.3]]}}"#,
        );
        let report = read(&bytes, NetworkFormat::GeoJson).unwrap();
        let n = &report.network;
        check_ends(n);
        assert_eq!(
            counts(&report.kept),
            [("path", 1), ("residential", 1), ("steps", 1)]
        );
        assert_eq!(
            counts(&report.dropped),
            [("highway=cycleway", 1), ("not a line", 1)]
        );
        assert_eq!(report.skipped_total, 2);
        assert!(
            report.skipped[0].starts_with("feature 2 (OSM way 7): "),
            "{:?}",
            report.skipped
        );
        assert!(
            report.skipped[0].contains("2 positions"),
            "{:?}",
            report.skipped
        );
        assert!(
            report.skipped[1].starts_with("feature 6: "),
            "{:?}",
            report.skipped
        );
        // [4.9, 52.3], [4.901, 52.3], [4.901, 52.301], and [0, 0] whatever its zeros' signs.
        assert_eq!(n.nodes.len(), 4);
        assert_eq!(n.segments.len(), 4);
        assert_eq!(n.segments[0].length_m, 12.5);
        assert_eq!(n.segments[1].way, WayKind::Steps);
        assert!((n.segments[1].length_m - 111.2).abs() < 0.5);
        assert_eq!((n.segments[2].a, n.segments[2].b), (3, 0));
        assert_eq!((n.segments[3].a, n.segments[3].b), (0, 3));
    }

    #[test]
    fn files_that_are_no_network_are_refused() {
        let err = |bytes: &[u8], format| read(bytes, format).unwrap_err().to_string();
        assert!(err(b"<osm/>", NetworkFormat::GeoJson).starts_with("not JSON"));
        assert!(err(b"[1, 2]", NetworkFormat::GeoJson).contains("not a GeoJSON FeatureCollection"));
        assert!(err(br#"{"type": "Feature"}"#, NetworkFormat::GeoJson)
            .contains("not a GeoJSON FeatureCollection"));
        let motorways = geojson(
            r#"{"type": "Feature", "properties": {"highway": "motorway"},
                "geometry": {"type": "LineString", "coordinates": [[4.9, 52.3], [4.901, 52.3]]}}"#,
        );
        let e = err(&motorways, NetworkFormat::GeoJson);
        assert!(e.contains("holds no walkable ways"), "{e}");
        assert!(e.contains("highway=motorway: 1"), "{e}");
        assert!(err(&geojson(""), NetworkFormat::GeoJson).contains("holds no walkable ways"));

        // PBF: cut anywhere, or not PBF at all: an error, never a panic.
        let pbf = data("amsterdam_watergraafsmeer_small.osm.pbf");
        for cut in [10, 100, pbf.len() / 3, pbf.len() / 2, pbf.len() - 7] {
            let e = err(&pbf[..cut], NetworkFormat::Pbf);
            assert!(e.starts_with("unreadable PBF, block "), "{cut}: {e}");
        }
        assert!(err(&motorways, NetworkFormat::Pbf).starts_with("unreadable PBF"));
        assert!(err(b"", NetworkFormat::Pbf).contains("holds no walkable ways"));
    }

    #[test]
    fn seek_finds_ids_in_any_order() {
        let ids = [2, 3, 5, 8, 13, 21, 34, 55];
        for from in 0..=ids.len() {
            for id in 0..60 {
                assert_eq!(
                    seek(&ids, from, id),
                    ids.partition_point(|&x| x < id),
                    "{from} {id}"
                );
            }
        }
    }
}
