//! Putting points on the network: an R-tree over every piece of every segment's line, in a local
//! metric plane, so a place or a sample point finds its nearest segment in logarithmic time.

use rstar::primitives::{GeomWithData, Line};
use rstar::{PointDistance, RTree};

use super::graph::Snap;
use super::{Network, Plane};

/// A straight piece of a segment's line, with where it starts along the segment (plane metres) and
/// the segment's whole length in the plane (to turn a position into a share of the real length).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Piece {
    segment: u32,
    start: f64,
    total: f64,
}

type Entry = GeomWithData<Line<[f64; 2]>, Piece>;

pub struct SnapIndex {
    plane: Plane,
    tree: RTree<Entry>,
    lengths: Vec<f64>,
}

impl SnapIndex {
    pub fn new(net: &Network) -> SnapIndex {
        let origin = net
            .extent()
            .map_or([0.0, 0.0], |b| [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0]);
        let plane = Plane::new(origin);
        let mut entries = Vec::with_capacity(net.segments.len() * 2);
        for (i, s) in net.segments.iter().enumerate() {
            let xy: Vec<[f64; 2]> = s.line.iter().map(|&p| plane.to_xy(p)).collect();
            let total: f64 = xy.windows(2).map(|w| dist(w[0], w[1])).sum();
            let mut start = 0.0;
            for w in xy.windows(2) {
                entries.push(GeomWithData::new(
                    Line::new(w[0], w[1]),
                    Piece {
                        segment: i as u32,
                        start,
                        total,
                    },
                ));
                start += dist(w[0], w[1]);
            }
        }
        SnapIndex {
            plane,
            tree: RTree::bulk_load(entries),
            lengths: net.segments.iter().map(|s| s.length_m).collect(),
        }
    }

    pub fn plane(&self) -> Plane {
        self.plane
    }

    /// The nearest point on the network within `max_m`, or `None` (the point is off the network).
    pub fn snap(&self, p: [f64; 2], max_m: f64) -> Option<Snap> {
        let q = self.plane.to_xy(p);
        let e = self.tree.nearest_neighbor(&q)?;
        let off = e.geom().distance_2(&q).sqrt();
        (off <= max_m).then(|| self.snap_on(e, q, off))
    }

    fn snap_on(&self, e: &Entry, q: [f64; 2], off: f64) -> Snap {
        let line = e.geom();
        let (from, to) = (line.from, line.to);
        let len = dist(from, to);
        let t = if len > 0.0 {
            (((q[0] - from[0]) * (to[0] - from[0]) + (q[1] - from[1]) * (to[1] - from[1]))
                / (len * len))
                .clamp(0.0, 1.0)
        } else {
            0.0
        };
        let piece = e.data;
        let share = if piece.total > 0.0 {
            ((piece.start + t * len) / piece.total).clamp(0.0, 1.0)
        } else {
            0.0
        };
        Snap {
            segment: piece.segment,
            along_m: share * self.lengths[piece.segment as usize],
            off_m: off,
        }
    }
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::super::{geodesic_m, Segment, WayKind};
    use super::*;

    /// An L: node 0 at the corner's west, a bend, node 1 north of the bend. Lengths as the file says.
    fn l_net() -> Network {
        let line = vec![[4.90, 52.37], [4.91, 52.37], [4.91, 52.38]];
        let len = geodesic_m(line[0], line[1]) + geodesic_m(line[1], line[2]);
        Network {
            nodes: vec![line[0], line[2]],
            segments: vec![Segment {
                a: 0,
                b: 1,
                length_m: len,
                way: WayKind::Street,
                line,
            }],
        }
    }

    #[test]
    fn a_point_lands_on_the_nearest_piece_at_its_share_of_the_length() {
        let net = l_net();
        let idx = SnapIndex::new(&net);
        let first = geodesic_m([4.90, 52.37], [4.91, 52.37]);
        // Just north of the middle of the first piece.
        let s = idx.snap([4.905, 52.3701], 100.0).unwrap();
        assert_eq!(s.segment, 0);
        assert!((s.along_m - first / 2.0).abs() < 2.0, "{s:?}");
        assert!((s.off_m - 11.1).abs() < 0.5, "{s:?}");
        // Beside the second piece, a quarter of the way up.
        let s = idx.snap([4.9102, 52.3725], 100.0).unwrap();
        let second = net.segments[0].length_m - first;
        assert!((s.along_m - (first + second / 4.0)).abs() < 3.0, "{s:?}");
    }

    #[test]
    fn a_point_too_far_away_is_off_the_network() {
        let idx = SnapIndex::new(&l_net());
        assert!(idx.snap([4.905, 52.375], 100.0).is_none());
        assert!(idx.snap([4.905, 52.375], 1_000.0).is_some());
        assert!(SnapIndex::new(&Network::default())
            .snap([4.9, 52.3], 1e9)
            .is_none());
    }
}
