//! Which gemeente, wijk and buurt a point lies in: an R-tree over the areas' bounding boxes, then an
//! exact point-in-polygon test (geo) on the few candidates.
//!
//! Edge rule: a point on an area's boundary counts as inside it (geo's `Intersects`, not `Contains`,
//! which excludes the boundary). A point on a boundary two areas share would then be in both; it is
//! assigned to the one with the lowest code, so every point is counted exactly once, and always in the
//! same area. A point outside every area of a level gets no code for that level ("outside").

use geo::{BoundingRect, Intersects, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use app::model::AreaCodes;

/// The three CBS levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Gemeente,
    Wijk,
    Buurt,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Gemeente, Level::Wijk, Level::Buurt];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Gemeente => "gemeente",
            Level::Wijk => "wijk",
            Level::Buurt => "buurt",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// CBS codes start with GM, WK or BU.
    pub fn of_code(code: &str) -> Option<Level> {
        match code.get(..2) {
            Some("GM") => Some(Level::Gemeente),
            Some("WK") => Some(Level::Wijk),
            Some("BU") => Some(Level::Buurt),
            _ => None,
        }
    }
}

/// An area with its shape in WGS84 (lon, lat).
#[derive(Debug, Clone)]
pub struct Area {
    pub code: String,
    pub level: Level,
    pub shape: MultiPolygon<f64>,
}

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// The in-memory index the write path asks for every submission.
#[derive(Default)]
pub struct AreaIndex {
    areas: Vec<Area>,
    trees: [RTree<Entry>; 3],
}

impl AreaIndex {
    pub fn new(areas: Vec<Area>) -> AreaIndex {
        let mut per_level: [Vec<Entry>; 3] = Default::default();
        for (i, a) in areas.iter().enumerate() {
            if let Some(r) = a.shape.bounding_rect() {
                let rect = Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                per_level[a.level as usize].push(GeomWithData::new(rect, i));
            }
        }
        let trees = per_level.map(RTree::bulk_load);
        AreaIndex { areas, trees }
    }

    pub fn len(&self) -> usize {
        self.areas.len()
    }

    /// The area at a position of [`AreaIndex::locate_index`]'s answers.
    pub fn area(&self, i: usize) -> &Area {
        &self.areas[i]
    }

    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// The area of `level` the point lies in (see the module's edge rule).
    pub fn locate(&self, level: Level, lon: f64, lat: f64) -> Option<&Area> {
        self.locate_index(level, lon, lat).map(|i| &self.areas[i])
    }

    /// The position (in the order given to [`AreaIndex::new`]) of the area of `level` the point lies in;
    /// the same rule as [`AreaIndex::locate`], without touching the code strings.
    pub fn locate_index(&self, level: Level, lon: f64, lat: f64) -> Option<usize> {
        let p = Point::new(lon, lat);
        self.trees[level as usize]
            .locate_in_envelope_intersecting(&AABB::from_point([lon, lat]))
            .filter(|e| self.areas[e.data].shape.intersects(&p))
            .map(|e| e.data)
            .min_by(|a, b| self.areas[*a].code.cmp(&self.areas[*b].code))
    }

    /// The codes of all three levels for a point.
    /// A level without imported areas takes its code from a finer one's CBS code, so entries
    /// count in their wijk and gemeente even when only buurten were imported. A finer area with a
    /// municipality's own code (no CBS code) does not stand in the way: the gemeente comes from
    /// whichever of the buurt and the wijk spells it out.
    pub fn assign(&self, lon: f64, lat: f64) -> AreaCodes {
        let code = |level| self.locate(level, lon, lat).map(|a| a.code.clone());
        let buurt = code(Level::Buurt);
        let wijk = code(Level::Wijk).or_else(|| cbs_parent(buurt.as_deref()?, Level::Wijk));
        let gemeente = code(Level::Gemeente).or_else(|| {
            [&buurt, &wijk]
                .into_iter()
                .find_map(|c| cbs_parent(c.as_deref()?, Level::Gemeente))
        });
        AreaCodes {
            gemeente,
            wijk,
            buurt,
        }
    }
}

/// Whether `code` has the form of a CBS code of `level`: `GM` and 4 digits (the gemeente), `WK` and
/// those 4 digits and 2 characters, `BU` and those 6 and 2 more. The characters after the gemeente's
/// digits are mostly digits, but letters occur (Amsterdam: `WK0363AA`, `BU0363AA01`).
pub fn is_cbs_code(code: &str, level: Level) -> bool {
    let tail = match level {
        Level::Gemeente => 0,
        Level::Wijk => 2,
        Level::Buurt => 4,
    };
    Level::of_code(code) == Some(level)
        && code.len() == 6 + tail
        && code.as_bytes()[2..6].iter().all(u8::is_ascii_digit)
        && code.as_bytes()[6..]
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// The level of a CBS code, `None` for codes of another form (a municipality's own areas).
pub fn cbs_level(code: &str) -> Option<Level> {
    Level::of_code(code).filter(|l| is_cbs_code(code, *l))
}

/// The code of the enclosing area at `level` that a CBS code spells out: BU05050101 lies in WK050501
/// and GM0505, BU0363AA01 in WK0363AA and GM0363. `None` for codes of another form and for levels
/// that do not enclose the code's own.
pub fn cbs_parent(code: &str, level: Level) -> Option<String> {
    let own = cbs_level(code)?;
    match (own, level) {
        (Level::Buurt, Level::Wijk) => Some(format!("WK{}", &code[2..8])),
        (Level::Buurt | Level::Wijk, Level::Gemeente) => Some(format!("GM{}", &code[2..6])),
        _ => None,
    }
}

/// The gemeente a CBS code lies in (itself for a gemeente); `None` for codes of another form.
pub fn cbs_gemeente(code: &str) -> Option<String> {
    match cbs_level(code)? {
        Level::Gemeente => Some(code.to_string()),
        _ => cbs_parent(code, Level::Gemeente),
    }
}

/// A wijk or gemeente the imported areas imply by their CBS codes without holding it (only buurten
/// were imported, say): its parts, and the sum of their inhabitants. A part without a figure counts
/// as none: CBS leaves out the figure of water and of buurten with very few people (secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Implied {
    pub code: String,
    pub level: Level,
    /// Positions in the list given to [`implied_areas`] of the parts that cover it, none inside
    /// another: a gemeente's held wijken, and its buurten whose wijk is not held.
    pub parts: Vec<usize>,
    pub population: Option<i64>,
}

/// The enclosing areas that `held` (code, level, inhabitants) implies and does not hold, by code.
pub fn implied_areas(held: &[(String, Level, Option<i64>)]) -> Vec<Implied> {
    use std::collections::{BTreeMap, HashSet};
    let codes: HashSet<&str> = held.iter().map(|(c, _, _)| c.as_str()).collect();
    let is_held = |c: &Option<String>| c.as_deref().is_some_and(|c| codes.contains(c));
    let mut parts: BTreeMap<String, (Level, Vec<usize>)> = BTreeMap::new();
    for (i, (code, level, _)) in held.iter().enumerate() {
        let wijk = cbs_parent(code, Level::Wijk);
        if wijk.is_some() && !is_held(&wijk) {
            if let Some(w) = wijk.clone() {
                parts
                    .entry(w)
                    .or_insert((Level::Wijk, Vec::new()))
                    .1
                    .push(i);
            }
        }
        // A buurt counts in its gemeente through its wijk when that is held.
        let gemeente = cbs_parent(code, Level::Gemeente);
        let direct = *level == Level::Wijk || !is_held(&wijk);
        if direct && !is_held(&gemeente) {
            if let Some(g) = gemeente {
                parts
                    .entry(g)
                    .or_insert((Level::Gemeente, Vec::new()))
                    .1
                    .push(i);
            }
        }
    }
    parts
        .into_iter()
        .map(|(code, (level, parts))| Implied {
            population: parts.iter().filter_map(|&i| held[i].2).reduce(|a, b| a + b),
            code,
            level,
            parts,
        })
        .collect()
}

/// An implied area's shape: the union of its parts' shapes. Where geo cannot take them (it stops
/// on a debug assertion for some degenerate input, see `import::boundaries::normalise`), the parts
/// side by side, which draws the same and is never used to locate a point.
///
/// Parts that tile their area (as buurten do) dissolve into no more points than they had. Parts
/// that cross each other can make a union of a great many pieces (a file of crossing strips: a
/// thousand make hundreds of megabytes); such a union is not kept, the parts side by side are.
pub fn dissolve(parts: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    use geo::CoordsIter;
    let side_by_side = || MultiPolygon(parts.iter().flat_map(|p| p.0.iter().cloned()).collect());
    let points: usize = parts.iter().map(|p| p.coords_count()).sum();
    // One overlay of all parts (rings oriented as the importer leaves them), not a union per part.
    std::panic::catch_unwind(|| geo::algorithm::unary_union(parts.iter().copied()))
        .ok()
        .filter(|u| !u.0.is_empty() && u.coords_count() <= points + 4 * parts.len())
        .unwrap_or_else(side_by_side)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};

    fn square(code: &str, x0: f64, y0: f64, size: f64) -> Area {
        let p = polygon![(x: x0, y: y0), (x: x0 + size, y: y0), (x: x0 + size, y: y0 + size), (x: x0, y: y0 + size)];
        Area {
            code: code.into(),
            level: Level::of_code(code).unwrap_or(Level::Buurt),
            shape: MultiPolygon(vec![p]),
        }
    }

    fn index() -> AreaIndex {
        AreaIndex::new(vec![
            square("BU00010001", 4.0, 51.0, 0.1),
            square("BU00010002", 4.1, 51.0, 0.1),
            square("WK000100", 4.0, 51.0, 0.2),
            square("GM0001", 4.0, 51.0, 1.0),
        ])
    }

    #[test]
    fn inside_gets_all_three_levels() {
        let codes = index().assign(4.05, 51.05);
        assert_eq!(codes.buurt.as_deref(), Some("BU00010001"));
        assert_eq!(codes.wijk.as_deref(), Some("WK000100"));
        assert_eq!(codes.gemeente.as_deref(), Some("GM0001"));
    }

    #[test]
    fn a_shared_boundary_goes_to_the_lowest_code() {
        assert_eq!(
            index()
                .locate(Level::Buurt, 4.1, 51.05)
                .map(|a| a.code.as_str()),
            Some("BU00010001")
        );
    }

    #[test]
    fn an_outer_boundary_counts_as_inside() {
        assert_eq!(
            index()
                .locate(Level::Buurt, 4.0, 51.05)
                .map(|a| a.code.as_str()),
            Some("BU00010001")
        );
    }

    #[test]
    fn outside_every_area_has_no_code() {
        let codes = index().assign(4.05, 51.15);
        assert_eq!(
            codes.buurt, None,
            "between the buurten' tops and the wijk's"
        );
        assert_eq!(codes.wijk.as_deref(), Some("WK000100"));
        assert_eq!(index().assign(6.0, 53.0), AreaCodes::default());
    }

    #[test]
    fn missing_levels_come_from_cbs_codes() {
        let only_buurten = AreaIndex::new(vec![square("BU05050101", 4.0, 51.0, 0.1)]);
        let codes = only_buurten.assign(4.05, 51.05);
        assert_eq!(codes.wijk.as_deref(), Some("WK050501"));
        assert_eq!(codes.gemeente.as_deref(), Some("GM0505"));
        assert_eq!(
            cbs_parent("WK050501", Level::Gemeente).as_deref(),
            Some("GM0505")
        );
        assert_eq!(cbs_parent("WK050501", Level::Wijk), None);
        // Letters occur in real codes (Amsterdam's wijken and buurten): they spell out their
        // parents like digits do.
        assert_eq!(
            cbs_parent("BU0505A101", Level::Wijk).as_deref(),
            Some("WK0505A1")
        );
        assert_eq!(
            cbs_parent("BU0363AA01", Level::Wijk).as_deref(),
            Some("WK0363AA")
        );
        assert_eq!(
            cbs_parent("WK0363AA", Level::Gemeente).as_deref(),
            Some("GM0363")
        );
        let amsterdam = AreaIndex::new(vec![square("BU0363AA01", 4.0, 51.0, 0.1)]);
        let codes = amsterdam.assign(4.05, 51.05);
        assert_eq!(codes.wijk.as_deref(), Some("WK0363AA"));
        assert_eq!(codes.gemeente.as_deref(), Some("GM0363"));
        let own_codes = AreaIndex::new(vec![square("BUURT-NOORD", 4.0, 51.0, 0.1)]);
        assert_eq!(own_codes.assign(4.05, 51.05).gemeente, None);
        // A wijk of the municipality's own codes over CBS buurten: the buurt names the gemeente.
        let mut own_wijk = square("NOORD", 4.0, 51.0, 0.2);
        own_wijk.level = Level::Wijk;
        let mixed = AreaIndex::new(vec![square("BU05050101", 4.0, 51.0, 0.1), own_wijk]);
        let codes = mixed.assign(4.05, 51.05);
        assert_eq!(codes.wijk.as_deref(), Some("NOORD"));
        assert_eq!(codes.gemeente.as_deref(), Some("GM0505"));
    }

    #[test]
    fn cbs_codes_are_known_by_their_form() {
        for (code, level) in [
            ("GM0363", Some(Level::Gemeente)),
            ("WK036300", Some(Level::Wijk)),
            ("WK0363AA", Some(Level::Wijk)),
            ("BU0363AA01", Some(Level::Buurt)),
            ("BU05050101", Some(Level::Buurt)),
            // A municipality's own codes and near misses.
            ("AA01", None),
            ("GM363", None),
            ("GMAB12", None),
            ("WK0363A", None),
            ("BU0363aa01", None),
            ("BU036300011", None),
            ("BU0363-A01", None),
            ("BUURT-NOORD", None),
            ("BUÄÄ", None),
        ] {
            assert_eq!(cbs_level(code), level, "{code}");
        }
        assert_eq!(cbs_parent("GM0363", Level::Gemeente), None);
        assert_eq!(cbs_parent("WK036300", Level::Buurt), None);
        assert_eq!(cbs_parent("AA01", Level::Gemeente), None);
    }

    #[test]
    fn buurten_imply_their_wijken_and_gemeente_with_their_inhabitants() {
        let b = |code: &str, p: Option<i64>| (code.to_string(), Level::Buurt, p);
        let held = [
            b("BU0363AA01", Some(100)),
            b("BU0363AA02", Some(50)),
            b("BU0363AB01", None),
            b("BU05050101", Some(7)),
            ("WK050501".to_string(), Level::Wijk, Some(9)),
            ("AA01".to_string(), Level::Buurt, Some(1000)),
            b("BU05050201", Some(4)),
        ];
        let implied = implied_areas(&held);
        let found = |code: &str| implied.iter().find(|i| i.code == code).cloned();
        assert_eq!(
            found("WK0363AA"),
            Some(Implied {
                code: "WK0363AA".into(),
                level: Level::Wijk,
                parts: vec![0, 1],
                population: Some(150)
            })
        );
        assert_eq!(
            found("WK0363AB").and_then(|i| i.population),
            None,
            "no part with inhabitants: unknown"
        );
        assert_eq!(found("GM0363").map(|i| i.parts), Some(vec![0, 1, 2]));
        assert_eq!(
            found("GM0363").and_then(|i| i.population),
            Some(150),
            "a part without a figure (water, secret) adds none"
        );
        assert_eq!(found("WK050501"), None, "held itself");
        let dordrecht = found("GM0505").expect("implied");
        assert_eq!(
            (dordrecht.parts, dordrecht.population),
            (vec![4, 6], Some(13)),
            "the held wijk (not its buurt too) and the buurt of a wijk not held"
        );
        assert_eq!(found("WK050502").map(|i| i.parts), Some(vec![6]));
        assert_eq!(implied.len(), 5, "{implied:?}: own codes imply nothing");
    }

    #[test]
    fn parts_dissolve_into_one_shape() {
        use geo::Area as _;
        let a = square("BU00010001", 4.0, 51.0, 0.1).shape;
        let b = square("BU00010002", 4.1, 51.0, 0.1).shape;
        let far = square("BU00010003", 5.0, 51.0, 0.1).shape;
        let two = dissolve(&[&a, &b]);
        assert_eq!(two.0.len(), 1, "neighbours become one polygon");
        assert!(
            (two.unsigned_area() - 0.02).abs() < 1e-9,
            "{}",
            two.unsigned_area()
        );
        assert!(two.intersects(&Point::new(4.1, 51.05)), "the shared edge");
        assert_eq!(dissolve(&[&a, &far]).0.len(), 2, "an exclave stays apart");
        // Strips that cross make a union of many small pieces: kept side by side instead.
        let strip = |x0: f64, y0: f64, w: f64, h: f64| {
            MultiPolygon(vec![
                polygon![(x: x0, y: y0), (x: x0 + w, y: y0), (x: x0 + w, y: y0 + h), (x: x0, y: y0 + h)],
            ])
        };
        let strips: Vec<MultiPolygon<f64>> = (0..20)
            .flat_map(|i| {
                let at = f64::from(i) * 0.01;
                [
                    strip(4.0 + at, 51.0, 0.001, 0.2),
                    strip(4.0, 51.0 + at, 0.2, 0.001),
                ]
            })
            .collect();
        let crossing = dissolve(&strips.iter().collect::<Vec<_>>());
        assert_eq!(crossing.0.len(), 40, "side by side");
    }

    #[test]
    fn an_empty_index_assigns_nothing() {
        assert_eq!(
            AreaIndex::default().assign(4.05, 51.05),
            AreaCodes::default()
        );
    }
}
