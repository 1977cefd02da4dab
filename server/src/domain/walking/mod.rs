//! Walking over the footpath network: how far residents are from a low-threshold meeting place.
//!
//! - [`Network`]: intersections and the segments between them, as imported (`import::network`);
//! - [`graph`]: the network as adjacency lists, and walking times from all places at once
//!   (multi-source Dijkstra);
//! - [`snap`]: an R-tree that puts a point (a place, a sample point of an area) on its nearest segment;
//! - [`profile`]: who walks (speed, steps) and what residents' barriers cost them;
//! - [`sample`]: points spread evenly over an area, where its residents may live;
//! - [`summary`]: the share within reach, median and 90th percentile of a set of sample points.
//!
//! Positions are WGS84 `[lon, lat]`; distances are metres, times seconds.

pub mod graph;
pub mod profile;
pub mod sample;
pub mod snap;
pub mod summary;

/// What a segment is, as far as walking is concerned (from its OSM `highway` and `footway` tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WayKind {
    /// A street shared with traffic (residential, tertiary, service, living_street, ...).
    Street,
    /// Made for walking: footway, path, pedestrian, corridor, track, bridleway, a crossing.
    Footway,
    /// `highway=steps`: impassable for wheelchairs, walkers and buggies.
    Steps,
}

impl WayKind {
    pub const ALL: [WayKind; 3] = [WayKind::Street, WayKind::Footway, WayKind::Steps];

    pub fn as_str(self) -> &'static str {
        match self {
            WayKind::Street => "street",
            WayKind::Footway => "footway",
            WayKind::Steps => "steps",
        }
    }

    pub fn parse(s: &str) -> Option<WayKind> {
        WayKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One walkable segment between two intersections (or dead ends).
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Index of its first node in [`Network::nodes`]; `line` starts there.
    pub a: u32,
    /// Index of its last node; `line` ends there.
    pub b: u32,
    /// Length along the line, metres: the file's own `length` where it gives one, else geodesic.
    pub length_m: f64,
    pub way: WayKind,
    /// The segment's course, `[lon, lat]`, from node `a` to node `b` (both included).
    pub line: Vec<[f64; 2]>,
}

/// A walking network: its nodes (`[lon, lat]`) and its segments, walkable both ways.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Network {
    pub nodes: Vec<[f64; 2]>,
    pub segments: Vec<Segment>,
}

impl Network {
    /// The smallest box holding every node: `[min_lon, min_lat, max_lon, max_lat]`, or `None` when empty.
    pub fn extent(&self) -> Option<[f64; 4]> {
        let mut it = self.nodes.iter();
        let first = it.next()?;
        let mut b = [first[0], first[1], first[0], first[1]];
        for p in it {
            b[0] = b[0].min(p[0]);
            b[1] = b[1].min(p[1]);
            b[2] = b[2].max(p[0]);
            b[3] = b[3].max(p[1]);
        }
        Some(b)
    }
}

/// Metres per degree of latitude (mean; good to 0.5 % in the Netherlands).
pub const METRES_PER_DEGREE: f64 = 111_195.0;

/// Great-circle distance in metres between two `[lon, lat]` points (haversine, mean earth radius).
pub fn geodesic_m(p: [f64; 2], q: [f64; 2]) -> f64 {
    let (la1, la2) = (p[1].to_radians(), q[1].to_radians());
    let dla = la2 - la1;
    let dlo = (q[0] - p[0]).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

/// Length of a line in metres, segment by segment.
pub fn line_length_m(line: &[[f64; 2]]) -> f64 {
    line.windows(2).map(|w| geodesic_m(w[0], w[1])).sum()
}

/// A local plane in metres around `origin` (lon, lat): x east, y north, with the longitude scale of
/// each point's own latitude, so lengths stay true to a fraction of a percent over a country the size
/// of the Netherlands. For snapping and sampling, never for a segment's length.
#[derive(Debug, Clone, Copy)]
pub struct Plane {
    origin: [f64; 2],
}

impl Plane {
    pub fn new(origin: [f64; 2]) -> Plane {
        Plane { origin }
    }

    pub fn to_xy(&self, p: [f64; 2]) -> [f64; 2] {
        [
            (p[0] - self.origin[0]) * METRES_PER_DEGREE * p[1].to_radians().cos(),
            (p[1] - self.origin[1]) * METRES_PER_DEGREE,
        ]
    }

    pub fn to_lonlat(&self, xy: [f64; 2]) -> [f64; 2] {
        let lat = self.origin[1] + xy[1] / METRES_PER_DEGREE;
        [
            self.origin[0] + xy[0] / (METRES_PER_DEGREE * lat.to_radians().cos()),
            lat,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geodesic_lengths_match_known_distances() {
        // Amsterdam Centraal to Dam square: about 870 m.
        let d = geodesic_m([4.9003, 52.3791], [4.8930, 52.3731]);
        assert!((d - 855.0).abs() < 30.0, "{d}");
        assert_eq!(geodesic_m([4.9, 52.3], [4.9, 52.3]), 0.0);
    }

    #[test]
    fn the_plane_goes_there_and_back() {
        let plane = Plane::new([4.9, 52.37]);
        let p = [4.95, 52.40];
        let back = plane.to_lonlat(plane.to_xy(p));
        assert!((back[0] - p[0]).abs() < 1e-9 && (back[1] - p[1]).abs() < 1e-9);
        let xy = plane.to_xy(p);
        let d = (xy[0] * xy[0] + xy[1] * xy[1]).sqrt();
        assert!((d - geodesic_m([4.9, 52.37], p)).abs() / d < 0.005);
    }

    #[test]
    fn the_extent_holds_every_node() {
        let n = Network {
            nodes: vec![[4.9, 52.3], [4.8, 52.4], [5.0, 52.35]],
            segments: vec![],
        };
        assert_eq!(n.extent(), Some([4.8, 52.3, 5.0, 52.4]));
        assert_eq!(Network::default().extent(), None);
    }
}
