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
    /// A level without imported areas takes its code from the finer one's CBS code, so entries
    /// count in their gemeente even when only buurten were imported.
    pub fn assign(&self, lon: f64, lat: f64) -> AreaCodes {
        let code = |level| self.locate(level, lon, lat).map(|a| a.code.clone());
        let buurt = code(Level::Buurt);
        let wijk = code(Level::Wijk).or_else(|| cbs_parent(buurt.as_deref()?, Level::Wijk));
        let gemeente = code(Level::Gemeente)
            .or_else(|| cbs_parent(wijk.as_deref().or(buurt.as_deref())?, Level::Gemeente));
        AreaCodes {
            gemeente,
            wijk,
            buurt,
        }
    }
}

/// The code of the enclosing area at `level` that a CBS code spells out: BU05050101 lies in WK050501
/// and GM0505. `None` for codes of another form (a municipality's own areas).
pub fn cbs_parent(code: &str, level: Level) -> Option<String> {
    let digits = code.get(2..)?;
    let len = match Level::of_code(code)? {
        Level::Buurt => 8,
        Level::Wijk => 6,
        Level::Gemeente => return None,
    };
    if digits.len() != len || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match level {
        Level::Wijk if len == 8 => Some(format!("WK{}", &digits[..6])),
        Level::Gemeente => Some(format!("GM{}", &digits[..4])),
        _ => None,
    }
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
        assert_eq!(cbs_parent("BU0505A101", Level::Wijk), None);
        let own_codes = AreaIndex::new(vec![square("BUURT-NOORD", 4.0, 51.0, 0.1)]);
        assert_eq!(own_codes.assign(4.05, 51.05).gemeente, None);
    }

    #[test]
    fn an_empty_index_assigns_nothing() {
        assert_eq!(
            AreaIndex::default().assign(4.05, 51.05),
            AreaCodes::default()
        );
    }
}
