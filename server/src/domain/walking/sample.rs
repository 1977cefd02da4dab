//! Points spread evenly over an area, where its residents may live.
//!
//! We do not know where in an area its residents live, so every part of it counts alike: the area
//! is covered with a square grid and each grid point inside it stands for the same piece of ground
//! (`spacing_m²`). A statistic over the points, weighted by that, is a statistic over the area.
//!
//! # The lattice
//!
//! The grid is not laid per area but taken from one fixed lattice: the points `(i·s, j·s)` (integer
//! `i`, `j`, spacing `s`) of the [`Plane`] around [`ANCHOR`]. That plane is the sinusoidal
//! projection around 5° E, which is equal-area: a lattice cell of `s × s` in the plane is exactly
//! `s²` m² on the ground, so the weights are true to area anywhere in the country. Its columns lean
//! a little away from 5° E (by about 3 % at the Dutch borders), which does not matter for an
//! even spread. Because every area uses the same lattice, neighbouring areas' grids line up, and a
//! coarse grid's points are points of every finer one (spacings are 100 m halved).
//!
//! # Which points are inside
//!
//! Rows of the lattice are filled by scanline: for each row, the crossings of the polygon's edges
//! with the row's line are sorted and the lattice points between the 1st and 2nd, 3rd and 4th, ...
//! are taken. This is the even–odd rule with a half-open tie rule, not geo's `Contains` (which
//! leaves out boundary points) nor `Intersects` (which takes them in both neighbours): an edge
//! counts for a row when one end lies at or below the row and the other above it, and a point is
//! taken when `left crossing <= x < right crossing`. So a polygon holds its lower and left border
//! but not its upper and right one. Where two areas share a border (the same vertices, in either
//! direction) a point exactly on it is taken by exactly one of them, never by both, never by none:
//! the crossing is computed from the edge's ends put in a fixed order, so both areas get the very
//! same number. (Borders that differ between two areas' files, e.g. one simplified, cannot be helped.)
//!
//! A MultiPolygon's parts are filled one by one, each with its holes (a valid MultiPolygon's parts
//! do not overlap; parts that do would have their overlap sampled twice).
//!
//! Edges are straight lines between the projected vertices; between vertices a few hundred metres
//! apart that differs from straight in longitude/latitude by a centimetre or so.
//!
//! The cost is linear in the edges plus the crossings plus the points (each edge is put into the
//! rows it spans, then each row is sorted and filled), so an Amsterdam-size municipality with
//! thousands of vertices takes a few milliseconds at 100 m.

use geo::{InteriorPoint, LineString, MultiPolygon};

use super::Plane;

/// Grid spacing used first, metres.
pub const SPACING_M: f64 = 100.0;
/// An area gets at least this many points: smaller areas get a finer grid (spacing halved, down to
/// [`MIN_SPACING_M`]), so a small buurt is not judged by two or three points.
pub const MIN_POINTS: usize = 16;
/// The finest grid: below this a point stands for less than a house's plot, and an area that still
/// has no point is a sliver (a strip of road or water), summed up by one interior point.
pub const MIN_SPACING_M: f64 = 12.5;

/// The lattice's fixed origin `[lon, lat]`: the middle of the Netherlands. Fixed once and for all,
/// because moving it would move every sample point (and change every stored outcome a little).
pub const ANCHOR: [f64; 2] = [5.0, 52.0];

/// The sample points of one area.
#[derive(Debug, Clone, PartialEq)]
pub struct Samples {
    /// `[lon, lat]`, row by row from south to north, west to east within a row, polygon by polygon.
    pub points: Vec<[f64; 2]>,
    /// The grid spacing used, metres: each point stands for `spacing_m²` of the area. For a sliver
    /// with a single interior point, the square root of its area, so the weight stays the area.
    pub spacing_m: f64,
}

impl Samples {
    /// The ground each point stands for, m².
    pub fn weight(&self) -> f64 {
        self.spacing_m * self.spacing_m
    }
}

/// Points of the fixed lattice inside `shape` (see the module's doc for which points): at
/// [`SPACING_M`], or finer (halved, down to [`MIN_SPACING_M`]) until there are [`MIN_POINTS`];
/// a shape with no point even then gets its interior point. Deterministic.
///
/// An empty shape, or one with non-finite coordinates only, gets no points and spacing 0. Polygons
/// with a non-finite coordinate are skipped (they would span an unbounded number of rows).
pub fn sample_area(shape: &MultiPolygon<f64>) -> Samples {
    let plane = Plane::new(ANCHOR);
    let polygons: Vec<Rings> = shape
        .0
        .iter()
        .filter_map(|p| Rings::project(&plane, p.exterior(), p.interiors()))
        .collect();

    let mut spacing = SPACING_M;
    loop {
        let mut points = Vec::new();
        for rings in &polygons {
            rings.fill(spacing, &mut points);
        }
        if points.len() >= MIN_POINTS || spacing / 2.0 < MIN_SPACING_M {
            if !points.is_empty() {
                let points = points.into_iter().map(|xy| plane.to_lonlat(xy)).collect();
                return Samples {
                    points,
                    spacing_m: spacing,
                };
            }
            break;
        }
        spacing /= 2.0;
    }

    // A sliver: no lattice point even on the finest grid.
    let area: f64 = polygons.iter().map(Rings::area).sum();
    match shape.interior_point() {
        Some(p) => Samples {
            points: vec![[p.x(), p.y()]],
            spacing_m: area.sqrt(),
        },
        None => Samples {
            points: Vec::new(),
            spacing_m: 0.0,
        },
    }
}

/// One polygon's rings in the plane, each closed (first vertex repeated at the end).
struct Rings {
    rings: Vec<Vec<[f64; 2]>>,
    /// South and north ends of the exterior ring, metres.
    min_y: f64,
    max_y: f64,
}

impl Rings {
    /// `None` for a polygon with a non-finite coordinate or an empty exterior.
    fn project(
        plane: &Plane,
        exterior: &LineString<f64>,
        interiors: &[LineString<f64>],
    ) -> Option<Rings> {
        let rings = std::iter::once(exterior)
            .chain(interiors)
            .map(|ring| ring.0.iter().map(|c| plane.to_xy([c.x, c.y])).collect())
            .collect();
        Rings::from_xy(rings)
    }

    /// Closes each ring; `None` for a non-finite coordinate or an empty exterior.
    fn from_xy(mut rings: Vec<Vec<[f64; 2]>>) -> Option<Rings> {
        for xy in &mut rings {
            if xy.iter().any(|p| !p[0].is_finite() || !p[1].is_finite()) {
                return None;
            }
            if let (Some(&first), Some(&last)) = (xy.first(), xy.last()) {
                if first != last {
                    xy.push(first);
                }
            }
        }
        let ext = rings.first()?;
        let min_y = ext.iter().map(|p| p[1]).fold(f64::INFINITY, f64::min);
        let max_y = ext.iter().map(|p| p[1]).fold(f64::NEG_INFINITY, f64::max);
        (min_y <= max_y).then_some(Rings {
            rings,
            min_y,
            max_y,
        })
    }

    /// The polygon's area in m² (exterior minus holes; the plane is equal-area).
    fn area(&self) -> f64 {
        let ring_area = |r: &Vec<[f64; 2]>| {
            let twice: f64 = r
                .windows(2)
                .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
                .sum();
            (twice / 2.0).abs()
        };
        let mut it = self.rings.iter();
        let ext = it.next().map_or(0.0, ring_area);
        (ext - it.map(ring_area).sum::<f64>()).max(0.0)
    }

    /// Appends the lattice points (plane coordinates) inside the polygon at spacing `s`.
    fn fill(&self, s: f64, out: &mut Vec<[f64; 2]>) {
        let j0 = first_index_at_or_above(self.min_y, s);
        let j1 = first_index_at_or_above(self.max_y, s);
        let Ok(rows) = usize::try_from(j1 - j0) else {
            return;
        };
        if rows == 0 {
            return;
        }
        let mut crossings: Vec<Vec<f64>> = vec![Vec::new(); rows];
        for ring in &self.rings {
            for w in ring.windows(2) {
                // A fixed order of the ends, so an edge shared by two areas (walked either way)
                // gives both the very same crossings.
                let (a, b) = if (w[0][1], w[0][0]) <= (w[1][1], w[1][0]) {
                    (w[0], w[1])
                } else {
                    (w[1], w[0])
                };
                if a[1] == b[1] {
                    continue; // along a row: its neighbours' edges decide
                }
                // Rows with a.y <= y < b.y.
                let lo = first_index_at_or_above(a[1], s);
                let hi = first_index_at_or_above(b[1], s);
                let slope = (b[0] - a[0]) / (b[1] - a[1]);
                for j in lo..hi {
                    let y = lattice(j, s);
                    let Some(row) = usize::try_from(j - j0)
                        .ok()
                        .and_then(|r| crossings.get_mut(r))
                    else {
                        continue;
                    };
                    row.push(a[0] + (y - a[1]) * slope);
                }
            }
        }
        for (r, xs) in crossings.iter_mut().enumerate() {
            if xs.is_empty() {
                continue;
            }
            xs.sort_unstable_by(f64::total_cmp);
            let y = lattice(j0 + r as i64, s);
            for pair in xs.chunks_exact(2) {
                let (from, to) = (
                    first_index_at_or_above(pair[0], s),
                    first_index_at_or_above(pair[1], s),
                );
                out.extend((from..to).map(|i| [lattice(i, s), y]));
            }
        }
    }
}

/// The lattice coordinate (x or y) of index `j`: always computed this one way, so that every
/// comparison of a lattice line with a vertex or a crossing sees the same number.
fn lattice(j: i64, s: f64) -> f64 {
    j as f64 * s
}

/// The smallest `j` with `lattice(j, s) >= v` (exact, whatever the rounding of `v / s`).
fn first_index_at_or_above(v: f64, s: f64) -> i64 {
    let mut j = (v / s).ceil() as i64;
    while lattice(j, s) < v {
        j += 1;
    }
    while lattice(j - 1, s) >= v {
        j -= 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Coord, Polygon};

    /// A rectangle `w × h` metres with its south-west corner at `sw`, `[lon, lat]`, in the
    /// sampling plane (so its edges are where the test means them to be).
    fn rect(sw: [f64; 2], w: f64, h: f64) -> Polygon<f64> {
        let plane = Plane::new(ANCHOR);
        let o = plane.to_xy(sw);
        let c = |dx: f64, dy: f64| {
            let p = plane.to_lonlat([o[0] + dx, o[1] + dy]);
            Coord { x: p[0], y: p[1] }
        };
        Polygon::new(
            LineString::new(vec![
                c(0.0, 0.0),
                c(w, 0.0),
                c(w, h),
                c(0.0, h),
                c(0.0, 0.0),
            ]),
            vec![],
        )
    }

    /// A closed ring of `n` vertices, a circle of `r` metres around `centre`.
    fn circle(centre: [f64; 2], r: f64, n: usize) -> LineString<f64> {
        let plane = Plane::new(ANCHOR);
        let o = plane.to_xy(centre);
        let mut pts: Vec<Coord> = (0..n)
            .map(|k| {
                let t = k as f64 / n as f64 * std::f64::consts::TAU;
                let p = plane.to_lonlat([o[0] + r * t.cos(), o[1] + r * t.sin()]);
                Coord { x: p[0], y: p[1] }
            })
            .collect();
        pts.push(pts[0]);
        LineString::new(pts)
    }

    const AMSTERDAM: [f64; 2] = [4.9, 52.37];

    #[test]
    fn a_square_kilometre_gets_about_a_hundred_points() {
        let s = sample_area(&MultiPolygon::new(vec![rect(
            [4.9013, 52.3711],
            1000.0,
            1000.0,
        )]));
        assert_eq!(s.spacing_m, SPACING_M);
        assert!((95..=105).contains(&s.points.len()), "{}", s.points.len());
        // On the lattice: a 1 km square not aligned with it holds exactly 10 × 10 points.
        assert_eq!(s.points.len(), 100);
    }

    /// A polygon through `[lon, lat]` corners (closed by `Polygon::new`).
    fn poly(corners: &[[f64; 2]]) -> Polygon<f64> {
        Polygon::new(
            LineString::new(corners.iter().map(|p| Coord { x: p[0], y: p[1] }).collect()),
            vec![],
        )
    }

    /// A point of the sampling plane as `[lon, lat]`, near Amsterdam.
    fn at(x: f64, y: f64) -> [f64; 2] {
        Plane::new(ANCHOR).to_lonlat([-7_000.0 + x, 41_000.0 + y])
    }

    #[test]
    fn a_tiny_square_gets_a_finer_grid() {
        let s = sample_area(&MultiPolygon::new(vec![rect(
            [4.90013, 52.37011],
            30.0,
            30.0,
        )]));
        // 30 m / 12.5 m: 2 or 3 points a side, fewer than MIN_POINTS even on the finest grid.
        assert_eq!(s.spacing_m, MIN_SPACING_M);
        assert!((4..=9).contains(&s.points.len()), "{}", s.points.len());
        // 200 m × 200 m: 4 points at 100 m, 16 at 50 m.
        let s = sample_area(&MultiPolygon::new(vec![rect(
            [4.90013, 52.37011],
            200.0,
            200.0,
        )]));
        assert_eq!(s.spacing_m, 50.0);
        assert_eq!(s.points.len(), 16);
    }

    #[test]
    fn a_sliver_gets_one_interior_point_weighted_by_its_area() {
        // 200 m × 2 m between two lattice rows (41,000 and 41,012.5): no point at any spacing.
        let sliver = poly(&[at(3.0, 5.0), at(203.0, 5.0), at(203.0, 7.0), at(3.0, 7.0)]);
        let s = sample_area(&MultiPolygon::new(vec![sliver.clone()]));
        assert_eq!(s.points.len(), 1);
        assert!((s.weight() - 400.0).abs() < 1.0, "{}", s.weight());
        let p = geo::Point::new(s.points[0][0], s.points[0][1]);
        assert!(geo::Intersects::intersects(&sliver, &p));
    }

    #[test]
    fn an_empty_shape_gets_nothing() {
        let s = sample_area(&MultiPolygon::new(vec![]));
        assert!(s.points.is_empty());
        assert_eq!(s.weight(), 0.0);
    }

    #[test]
    fn ties_on_the_lattice_go_to_one_side() {
        // Squares in plane coordinates whose edges all lie on lattice lines: [0, 500) × [0, 500)
        // holds 5 × 5 points at 100 m, its neighbours to the east and north as many, and none of
        // the border points is taken twice or left out.
        let square = |x: f64, y: f64| {
            Rings::from_xy(vec![vec![
                [x, y],
                [x + 500.0, y],
                [x + 500.0, y + 500.0],
                [x, y + 500.0],
            ]])
            .unwrap()
        };
        let mut points = Vec::new();
        for (x, y) in [(0.0, 0.0), (500.0, 0.0), (0.0, 500.0), (500.0, 500.0)] {
            let before = points.len();
            square(x, y).fill(SPACING_M, &mut points);
            assert_eq!(points.len() - before, 25);
        }
        let whole = Rings::from_xy(vec![vec![
            [0.0, 0.0],
            [1000.0, 0.0],
            [1000.0, 1000.0],
            [0.0, 1000.0],
        ]]);
        assert_eq!(whole.unwrap().count(SPACING_M), 100);
        points.sort_by(|p, q| p[0].total_cmp(&q[0]).then(p[1].total_cmp(&q[1])));
        points.dedup();
        assert_eq!(points.len(), 100);
        // Walked clockwise: the same points.
        let cw = Rings::from_xy(vec![vec![
            [0.0, 0.0],
            [0.0, 500.0],
            [500.0, 500.0],
            [500.0, 0.0],
        ]]);
        assert_eq!(cw.unwrap().count(SPACING_M), 25);
    }

    #[test]
    fn neighbours_sharing_an_edge_give_their_union() {
        // Two areas sharing a slanted edge (the same vertices), one of them walking it the
        // other way round, and the union without that edge.
        // Off the lattice lines (ties are for the test above), so the union's count is predictable.
        let p = |x: f64, y: f64| at(x + 37.0, y + 41.0);
        let (p0, p1, p2) = (p(0.0, 0.0), p(730.0, 0.0), p(1530.0, 0.0));
        let (q0, q1, q2) = (p(0.0, 900.0), p(610.0, 900.0), p(1530.0, 900.0));
        let a = poly(&[p0, p1, q1, q0]);
        let b = poly(&[p1, q1, q2, p2]);
        let whole = poly(&[p0, p1, p2, q2, q1, q0]);
        let count = |p: &Polygon<f64>| {
            sample_area(&MultiPolygon::new(vec![p.clone()]))
                .points
                .len()
        };
        let (na, nb, n) = (count(&a), count(&b), count(&whole));
        assert_eq!(na + nb, n);
        assert!((n as f64 - 1530.0 * 900.0 / 10_000.0).abs() < 10.0, "{n}");
        let mut both = sample_area(&MultiPolygon::new(vec![a])).points;
        both.extend(sample_area(&MultiPolygon::new(vec![b])).points);
        let mut all = sample_area(&MultiPolygon::new(vec![whole])).points;
        let key = |p: &[f64; 2], q: &[f64; 2]| p[0].total_cmp(&q[0]).then(p[1].total_cmp(&q[1]));
        both.sort_by(key);
        all.sort_by(key);
        assert_eq!(both, all);
    }

    #[test]
    fn a_hole_is_left_out() {
        let outer = circle(AMSTERDAM, 800.0, 256);
        let hole = circle(AMSTERDAM, 400.0, 256);
        let plane = Plane::new(ANCHOR);
        let o = plane.to_xy(AMSTERDAM);
        let s = sample_area(&MultiPolygon::new(vec![Polygon::new(outer, vec![hole])]));
        assert!(!s.points.is_empty());
        for p in &s.points {
            let xy = plane.to_xy(*p);
            let d = ((xy[0] - o[0]).powi(2) + (xy[1] - o[1]).powi(2)).sqrt();
            assert!(d > 399.0 && d < 801.0, "{d}");
        }
        let true_area = std::f64::consts::PI * (800.0f64.powi(2) - 400.0f64.powi(2));
        let est = s.points.len() as f64 * s.weight();
        assert!(
            (est - true_area).abs() / true_area < 0.05,
            "{est} vs {true_area}"
        );
    }

    #[test]
    fn every_part_of_a_multipolygon_is_sampled() {
        let a = rect([4.9013, 52.3711], 1000.0, 1000.0);
        let b = rect([4.9513, 52.3911], 1000.0, 1000.0);
        let s = sample_area(&MultiPolygon::new(vec![a.clone(), b.clone()]));
        assert_eq!(s.points.len(), 200);
        let in_a = s
            .points
            .iter()
            .filter(|p| geo::Intersects::intersects(&a, &geo::Point::new(p[0], p[1])))
            .count();
        assert_eq!(in_a, 100);
    }

    #[test]
    fn the_weights_add_up_to_the_area() {
        let disc = Polygon::new(circle(AMSTERDAM, 500.0, 128), vec![]);
        let true_area = std::f64::consts::PI * 500.0 * 500.0;
        let s = sample_area(&MultiPolygon::new(vec![disc]));
        assert_eq!(s.spacing_m, SPACING_M);
        let est = s.points.len() as f64 * s.weight();
        assert!(
            (est - true_area).abs() / true_area < 0.05,
            "{est} vs {true_area}"
        );
    }

    #[test]
    fn the_same_shape_gives_the_same_points() {
        let disc = MultiPolygon::new(vec![Polygon::new(circle(AMSTERDAM, 300.0, 64), vec![])]);
        assert_eq!(sample_area(&disc), sample_area(&disc));
    }

    #[test]
    fn the_lattice_index_is_exact() {
        for &(v, s) in &[
            (0.0, 100.0),
            (300.0, 100.0),
            (-300.0, 100.0),
            (0.3, 0.1),
            (1e6 + 12.5, 12.5),
        ] {
            let j = first_index_at_or_above(v, s);
            assert!(lattice(j, s) >= v && lattice(j - 1, s) < v, "{v} {s} {j}");
        }
    }

    /// The polygons of every feature of a GeoJSON FeatureCollection of (Multi)Polygons.
    fn read_geojson(path: &str) -> Option<Vec<MultiPolygon<f64>>> {
        let text = std::fs::read_to_string(path).ok()?;
        let doc: serde_json::Value = serde_json::from_str(&text).ok()?;
        let ring = |r: &serde_json::Value| {
            LineString::new(
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|c| Coord {
                        x: c[0].as_f64().unwrap(),
                        y: c[1].as_f64().unwrap(),
                    })
                    .collect(),
            )
        };
        let polygon = |p: &serde_json::Value| {
            let rings: Vec<LineString<f64>> = p.as_array().unwrap().iter().map(ring).collect();
            let mut it = rings.into_iter();
            Polygon::new(it.next().unwrap(), it.collect())
        };
        let features = doc["features"].as_array()?;
        Some(
            features
                .iter()
                .map(|f| {
                    let g = &f["geometry"];
                    match g["type"].as_str() {
                        Some("Polygon") => MultiPolygon::new(vec![polygon(&g["coordinates"])]),
                        Some("MultiPolygon") => MultiPolygon::new(
                            g["coordinates"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(polygon)
                                .collect(),
                        ),
                        other => panic!("{other:?}"),
                    }
                })
                .collect(),
        )
    }

    /// Real borders: the Drechtsteden buurten (2023) together cover their municipalities, share
    /// their borders, and are sampled as fast as the brief asks. Skipped where the file is absent.
    #[test]
    fn real_buurten_are_sampled_once_and_quickly() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/boundaries/drechtsteden_buurten_2023.geojson"
        );
        let buurten = read_geojson(path).expect("the real buurten in ../shared/data");
        let plane = Plane::new(ANCHOR);
        let area_m2 = |m: &MultiPolygon<f64>| {
            m.0.iter()
                .filter_map(|p| Rings::project(&plane, p.exterior(), p.interiors()))
                .map(|r| r.area())
                .sum::<f64>()
        };
        // Each buurt on its own: weights within 5 % of its area where it has enough points.
        for b in &buurten {
            let s = sample_area(b);
            assert!(!s.points.is_empty());
            let a = area_m2(b);
            if s.points.len() >= 400 {
                let est = s.points.len() as f64 * s.weight();
                assert!((est - a).abs() / a < 0.05, "{est} vs {a}");
            }
        }
        // All of them as one shape: the same points as the buurten one by one (all at 100 m).
        let all = MultiPolygon::new(buurten.iter().flat_map(|b| b.0.iter().cloned()).collect());
        let vertices: usize = all.0.iter().map(|p| p.exterior().0.len()).sum();
        let start = std::time::Instant::now();
        let s = sample_area(&all);
        let took = start.elapsed();
        let at_100: usize = buurten
            .iter()
            .map(|b| {
                Rings::project_all(&plane, b)
                    .iter()
                    .map(|r| r.count(SPACING_M))
                    .sum::<usize>()
            })
            .sum();
        assert_eq!(s.points.len(), at_100);
        let a = area_m2(&all);
        let est = s.points.len() as f64 * s.weight();
        assert!((est - a).abs() / a < 0.01, "{est} vs {a}");
        eprintln!(
            "all buurten: {} points, {vertices} vertices, {:.1} km², {took:?}, {:.0} points/s",
            s.points.len(),
            a / 1e6,
            s.points.len() as f64 / took.as_secs_f64()
        );
        // The biggest buurt.
        let big = buurten
            .iter()
            .max_by(|x, y| area_m2(x).total_cmp(&area_m2(y)))
            .unwrap();
        let start = std::time::Instant::now();
        let s = sample_area(big);
        let took = start.elapsed();
        eprintln!(
            "biggest buurt: {} points, {:.1} km², {took:?}, {:.0} points/s",
            s.points.len(),
            area_m2(big) / 1e6,
            s.points.len() as f64 / took.as_secs_f64()
        );
    }

    impl Rings {
        fn project_all(plane: &Plane, m: &MultiPolygon<f64>) -> Vec<Rings> {
            m.0.iter()
                .filter_map(|p| Rings::project(plane, p.exterior(), p.interiors()))
                .collect()
        }

        fn count(&self, s: f64) -> usize {
            let mut out = Vec::new();
            self.fill(s, &mut out);
            out.len()
        }
    }

    /// An Amsterdam-size area: 220 km², a ragged outline of 5,000 vertices, at 100 m.
    #[test]
    fn an_amsterdam_size_area_is_fast() {
        let plane = Plane::new(ANCHOR);
        let o = plane.to_xy(AMSTERDAM);
        let n = 5000;
        let mut ring: Vec<Coord> = (0..n)
            .map(|k| {
                let t = k as f64 / n as f64 * std::f64::consts::TAU;
                let r = 8_370.0 + 150.0 * (k as f64 * 0.7).sin();
                let p = plane.to_lonlat([o[0] + r * t.cos(), o[1] + r * t.sin()]);
                Coord { x: p[0], y: p[1] }
            })
            .collect();
        ring.push(ring[0]);
        let shape = MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]);
        let start = std::time::Instant::now();
        let s = sample_area(&shape);
        let took = start.elapsed();
        assert!(
            (20_000..24_000).contains(&s.points.len()),
            "{}",
            s.points.len()
        );
        eprintln!(
            "amsterdam-size: {} points, {took:?}, {:.0} points/s",
            s.points.len(),
            s.points.len() as f64 / took.as_secs_f64()
        );
    }
}
