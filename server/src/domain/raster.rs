//! A raster over one level's areas for bulk lookups (re-assigning every stored entry, benchmarks).
//!
//! Each cell of a regular grid is empty, inside exactly one area, or crossed by a boundary. A point
//! in an empty or inside cell is answered by one array read. A boundary cell keeps, per polygon that
//! touches it, the polygon's edges that touch the cell and whether the cell's centre lies inside;
//! a point there is inside when the segment from it to the centre crosses those edges an even number
//! of times and the centre is inside (or an odd number and it is not). Exact predicates (`robust`)
//! with a fixed tie rule make that agree with [`AreaIndex::locate_index`] everywhere: a point on a
//! boundary counts as inside, and where areas share it the lowest code wins. Parts whose centre lies
//! on one of their edges, and cells where two areas overlap, fall back to the exact polygon test.

use geo::{BoundingRect, Coord, Intersects, Point};
use robust::orient2d;

use super::areas::{AreaIndex, Level};

/// A cell value with this bit set is a boundary cell: the rest is its part list's number.
const BOUNDARY: u32 = 1 << 31;

/// One polygon's part in a boundary cell.
#[derive(Debug, Clone, Copy)]
struct Part {
    area: u32,
    centre_inside: bool,
    /// Decide with the area's whole shape (the centre lies on an edge, or areas overlap).
    exact: bool,
    /// The part's edges: `edges[start..end]`, each the index of its first vertex in `vertices`.
    start: u32,
    end: u32,
}

pub struct Raster<'a> {
    index: &'a AreaIndex,
    x0: f64,
    y0: f64,
    /// Cells per degree of longitude and of latitude.
    sx: f64,
    sy: f64,
    nx: usize,
    ny: usize,
    /// 0: no area; `i + 1`: inside area `i` of the index; `BOUNDARY | n`: the parts `lists[n]`.
    cells: Vec<u32>,
    /// Start and end in `parts` of each boundary cell's polygons, lowest area code first.
    lists: Vec<(u32, u32)>,
    parts: Vec<Part>,
    edges: Vec<u32>,
    /// Every ring's vertices, one ring after another: an edge runs from vertex `e` to `e + 1`.
    vertices: Vec<Coord>,
}

fn rc(c: Coord) -> robust::Coord<f64> {
    robust::Coord { x: c.x, y: c.y }
}

/// Whether the segment a–b touches the closed rectangle (x0, y0)–(x1, y1).
fn segment_touches(a: Coord, b: Coord, x0: f64, y0: f64, x1: f64, y1: f64) -> bool {
    if a.x.max(b.x) < x0 || a.x.min(b.x) > x1 || a.y.max(b.y) < y0 || a.y.min(b.y) > y1 {
        return false;
    }
    let side = |x: f64, y: f64| (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
    let s = [side(x0, y0), side(x1, y0), side(x0, y1), side(x1, y1)];
    !(s.iter().all(|v| *v > 0.0) || s.iter().all(|v| *v < 0.0))
}

/// Whether `p` lies on the segment a–b (exactly).
fn on_segment(a: Coord, b: Coord, p: Coord) -> bool {
    orient2d(rc(a), rc(b), rc(p)) == 0.0
        && p.x >= a.x.min(b.x)
        && p.x <= a.x.max(b.x)
        && p.y >= a.y.min(b.y)
        && p.y <= a.y.max(b.y)
}

impl<'a> Raster<'a> {
    /// Rasterises the areas of `level` on a grid `cells_across` cells wide (cells square on the
    /// ground at the grid's middle latitude).
    pub fn new(index: &'a AreaIndex, level: Level, cells_across: usize) -> Raster<'a> {
        // Areas in code order: a part's rank is its area's place in this order.
        let mut members: Vec<usize> = (0..index.len())
            .filter(|i| index.area(*i).level == level)
            .collect();
        members.sort_by(|a, b| index.area(*a).code.cmp(&index.area(*b).code));
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for r in members
            .iter()
            .filter_map(|i| index.area(*i).shape.bounding_rect())
        {
            x0 = x0.min(r.min().x);
            y0 = y0.min(r.min().y);
            x1 = x1.max(r.max().x);
            y1 = y1.max(r.max().y);
        }
        let mut raster = Raster {
            index,
            x0,
            y0,
            sx: 0.0,
            sy: 0.0,
            nx: 0,
            ny: 0,
            cells: Vec::new(),
            lists: Vec::new(),
            parts: Vec::new(),
            edges: Vec::new(),
            vertices: Vec::new(),
        };
        if members.is_empty() || x1 <= x0 || y1 <= y0 {
            return raster;
        }
        let nx = cells_across.max(1);
        let cell_w = (x1 - x0) / nx as f64;
        let cell_h = cell_w * ((y0 + y1) / 2.0).to_radians().cos();
        let ny = ((y1 - y0) / cell_h).ceil().max(1.0) as usize;
        raster.nx = nx;
        raster.ny = ny;
        raster.sx = 1.0 / cell_w;
        raster.sy = 1.0 / cell_h;
        raster.cells = vec![0; nx * ny];

        // Polygons as (rank, polygon number, range of their rings in `rings`); rings as vertex ranges.
        let mut polygons: Vec<(u32, u32, std::ops::Range<usize>)> = Vec::new();
        let mut rings: Vec<std::ops::Range<u32>> = Vec::new();
        for (rank, &i) in members.iter().enumerate() {
            for (k, polygon) in index.area(i).shape.0.iter().enumerate() {
                let first = rings.len();
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    let start = raster.vertices.len() as u32;
                    raster.vertices.extend(ring.0.iter().copied());
                    rings.push(start..raster.vertices.len() as u32);
                }
                polygons.push((rank as u32, k as u32, first..rings.len()));
            }
        }

        // 1. Boundary cells: every cell an edge touches (with a small margin against rounding), as
        // (cell, rank, polygon, edge) records.
        let eps_x = cell_w * 1e-6;
        let eps_y = cell_h * 1e-6;
        let mut touches: Vec<(u32, u32, u32, u32)> = Vec::new();
        for (rank, k, ring_range) in &polygons {
            for ring in &rings[ring_range.clone()] {
                for e in ring.start..ring.end.saturating_sub(1) {
                    let (a, b) = (raster.vertices[e as usize], raster.vertices[e as usize + 1]);
                    let (cx0, cy0) = raster.cell_xy(a.x.min(b.x) - eps_x, a.y.min(b.y) - eps_y);
                    let (cx1, cy1) = raster.cell_xy(a.x.max(b.x) + eps_x, a.y.max(b.y) + eps_y);
                    for cy in cy0..=cy1 {
                        for cx in cx0..=cx1 {
                            let rx0 = x0 + cx as f64 * cell_w - eps_x;
                            let ry0 = y0 + cy as f64 * cell_h - eps_y;
                            let (rx1, ry1) =
                                (rx0 + cell_w + 2.0 * eps_x, ry0 + cell_h + 2.0 * eps_y);
                            if segment_touches(a, b, rx0, ry0, rx1, ry1) {
                                let cell = cy * nx + cx;
                                raster.cells[cell] = BOUNDARY;
                                touches.push((cell as u32, *rank, *k, e));
                            }
                        }
                    }
                }
            }
        }

        // 2. Inside cells: scan each row at its centre, polygon by polygon; between crossings
        // (even–odd, so holes stay out) a cell no boundary touches lies wholly in the area. For a
        // boundary cell, the polygon's part notes that the centre is inside (another area's
        // boundary may cross this one's inside where areas overlap, so the part may have no edges).
        let mut centres: Vec<(u32, u32, u32)> = Vec::new();
        let mut overlaps: Vec<(u32, u32)> = Vec::new();
        let mut xs: Vec<f64> = Vec::new();
        for (rank, k, ring_range) in &polygons {
            let me = members[*rank as usize] as u32;
            let ring_vertices =
                |r: &std::ops::Range<u32>| &raster.vertices[r.start as usize..r.end as usize];
            let (mut ylo, mut yhi) = (f64::MAX, f64::MIN);
            for r in &rings[ring_range.clone()] {
                for v in ring_vertices(r) {
                    ylo = ylo.min(v.y);
                    yhi = yhi.max(v.y);
                }
            }
            let (_, cy0) = raster.cell_xy(x0, ylo);
            let (_, cy1) = raster.cell_xy(x0, yhi);
            for cy in cy0..=cy1 {
                let y = y0 + (cy as f64 + 0.5) * cell_h;
                xs.clear();
                for r in &rings[ring_range.clone()] {
                    for w in ring_vertices(r).windows(2) {
                        let (a, b) = (w[0], w[1]);
                        if (a.y <= y) != (b.y <= y) {
                            xs.push(a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y));
                        }
                    }
                }
                xs.sort_by(f64::total_cmp);
                for pair in xs.chunks_exact(2) {
                    // Cells whose centre lies between the two crossings.
                    let from = ((pair[0] - x0) * raster.sx - 0.5).ceil();
                    let to = ((pair[1] - x0) * raster.sx - 0.5).floor();
                    if to < from || to < 0.0 {
                        continue;
                    }
                    let to = (to as usize).min(nx - 1);
                    for cx in from.max(0.0) as usize..=to {
                        let cell = cy * nx + cx;
                        let c = raster.cells[cell];
                        if c == 0 {
                            raster.cells[cell] = me + 1;
                        } else if c & BOUNDARY != 0 {
                            centres.push((cell as u32, *rank, *k));
                        } else if c != me + 1 {
                            // Two areas' insides overlap (bad data): decide such cells exactly.
                            let other =
                                members.iter().position(|m| *m as u32 == c - 1).unwrap_or(0);
                            overlaps.extend([(cell as u32, other as u32), (cell as u32, *rank)]);
                            raster.cells[cell] = BOUNDARY;
                        }
                    }
                }
            }
        }

        // 3. Per boundary cell, its parts in rank (= code) order.
        touches.sort_unstable();
        centres.sort_unstable();
        centres.dedup();
        overlaps.sort_unstable();
        overlaps.dedup();
        let (mut t, mut c, mut o) = (0, 0, 0);
        for cell in 0..raster.cells.len() {
            if raster.cells[cell] & BOUNDARY == 0 {
                continue;
            }
            let cell32 = cell as u32;
            let start = raster.parts.len() as u32;
            let centre = raster.centre(cell % nx, cell / nx);
            // Merge the three sorted record lists for this cell by (rank, polygon).
            loop {
                let next_t = touches.get(t).filter(|r| r.0 == cell32).map(|r| (r.1, r.2));
                let next_c = centres.get(c).filter(|r| r.0 == cell32).map(|r| (r.1, r.2));
                let next_o = overlaps
                    .get(o)
                    .filter(|r| r.0 == cell32)
                    .map(|r| (r.1, u32::MAX));
                let Some(key) = [next_t, next_c, next_o].into_iter().flatten().min() else {
                    break;
                };
                let first = raster.edges.len() as u32;
                while let Some(r) = touches
                    .get(t)
                    .filter(|r| r.0 == cell32 && (r.1, r.2) == key)
                {
                    raster.edges.push(r.3);
                    t += 1;
                }
                let centre_inside = next_c == Some(key);
                if centre_inside {
                    c += 1;
                }
                let overlap = next_o == Some(key);
                if overlap {
                    o += 1;
                }
                let end = raster.edges.len() as u32;
                let near = raster.edges[first as usize..end as usize].iter().any(|e| {
                    let (a, b) = (
                        raster.vertices[*e as usize],
                        raster.vertices[*e as usize + 1],
                    );
                    let len = (b.x - a.x).hypot(b.y - a.y).max(f64::MIN_POSITIVE);
                    orient2d(rc(a), rc(b), rc(centre)).abs() / len <= cell_w * 1e-6
                        && centre.x >= a.x.min(b.x) - eps_x
                        && centre.x <= a.x.max(b.x) + eps_x
                        && centre.y >= a.y.min(b.y) - eps_y
                        && centre.y <= a.y.max(b.y) + eps_y
                });
                raster.parts.push(Part {
                    area: members[key.0 as usize] as u32,
                    centre_inside,
                    exact: overlap || near,
                    start: first,
                    end,
                });
            }
            raster.cells[cell] = BOUNDARY | raster.lists.len() as u32;
            raster.lists.push((start, raster.parts.len() as u32));
        }
        raster
    }

    fn centre(&self, cx: usize, cy: usize) -> Coord {
        Coord {
            x: self.x0 + (cx as f64 + 0.5) / self.sx,
            y: self.y0 + (cy as f64 + 0.5) / self.sy,
        }
    }

    /// The cell of a position, clamped to the grid.
    fn cell_xy(&self, x: f64, y: f64) -> (usize, usize) {
        let cx = ((x - self.x0) * self.sx)
            .floor()
            .clamp(0.0, (self.nx - 1) as f64) as usize;
        let cy = ((y - self.y0) * self.sy)
            .floor()
            .clamp(0.0, (self.ny - 1) as f64) as usize;
        (cx, cy)
    }

    /// The position in the index of the area the point lies in, as [`AreaIndex::locate_index`].
    pub fn locate_index(&self, lon: f64, lat: f64) -> Option<usize> {
        if self.cells.is_empty() {
            return None;
        }
        let fx = (lon - self.x0) * self.sx;
        let fy = (lat - self.y0) * self.sy;
        if !(fx >= 0.0 && fy >= 0.0) {
            return None;
        }
        let (cx, cy) = (fx as usize, fy as usize);
        // On the grid's far edge the point still belongs to the last cell.
        let cx = if cx == self.nx && fx <= self.nx as f64 {
            cx - 1
        } else {
            cx
        };
        let cy = if cy == self.ny && fy <= self.ny as f64 {
            cy - 1
        } else {
            cy
        };
        if cx >= self.nx || cy >= self.ny {
            return None;
        }
        match self.cells[cy * self.nx + cx] {
            0 => None,
            c if c & BOUNDARY == 0 => Some(c as usize - 1),
            c => {
                let (start, end) = self.lists[(c & !BOUNDARY) as usize];
                let centre = self.centre(cx, cy);
                let p = Coord { x: lon, y: lat };
                self.parts[start as usize..end as usize]
                    .iter()
                    .find(|part| self.part_contains(part, p, centre))
                    .map(|part| part.area as usize)
            }
        }
    }

    /// Whether `p` is in (or on) the part's polygon: the centre's side, flipped at each edge the
    /// segment p–centre crosses. A vertex exactly on that segment's line counts as lying to its left,
    /// so a boundary passing through a vertex is counted once, or twice where it only touches.
    fn part_contains(&self, part: &Part, p: Coord, centre: Coord) -> bool {
        if part.exact {
            return self
                .index
                .area(part.area as usize)
                .shape
                .intersects(&Point(p));
        }
        let (rp, rcentre) = (rc(p), rc(centre));
        let mut inside = part.centre_inside;
        for e in &self.edges[part.start as usize..part.end as usize] {
            let (a, b) = (self.vertices[*e as usize], self.vertices[*e as usize + 1]);
            let o3 = orient2d(rc(a), rc(b), rp);
            if o3 == 0.0 && on_segment(a, b, p) {
                return true;
            }
            let o4 = orient2d(rc(a), rc(b), rcentre);
            if o3 == 0.0 || o4 == 0.0 || (o3 > 0.0) == (o4 > 0.0) {
                continue;
            }
            if (orient2d(rp, rcentre, rc(a)) >= 0.0) != (orient2d(rp, rcentre, rc(b)) >= 0.0) {
                inside = !inside;
            }
        }
        inside
    }

    /// A key that orders positions along a Z-order curve over the grid's cells: looking points up in
    /// this order reads the grid (and the polygons) nearly sequentially, which is what makes bulk
    /// lookups fast once the grid no longer fits in the CPU's caches.
    pub fn curve_key(&self, lon: f64, lat: f64) -> u64 {
        if self.cells.is_empty() {
            return 0;
        }
        let (cx, cy) = self.cell_xy(lon, lat);
        spread(cx as u64) | (spread(cy as u64) << 1)
    }

    /// Share of cells crossed by a boundary (for benchmarks).
    pub fn boundary_share(&self) -> f64 {
        self.lists.len() as f64 / self.cells.len().max(1) as f64
    }
}

/// The low 32 bits of `v` moved to the even bit positions (for Z-order keys).
fn spread(v: u64) -> u64 {
    let mut v = v & 0xffff_ffff;
    v = (v | (v << 16)) & 0x0000_ffff_0000_ffff;
    v = (v | (v << 8)) & 0x00ff_00ff_00ff_00ff;
    v = (v | (v << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
    v = (v | (v << 2)) & 0x3333_3333_3333_3333;
    (v | (v << 1)) & 0x5555_5555_5555_5555
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::areas::Area;
    use geo::{polygon, MultiPolygon};

    fn area(code: &str, p: geo::Polygon) -> Area {
        Area {
            code: code.into(),
            level: Level::Buurt,
            shape: MultiPolygon(vec![p]),
        }
    }

    #[test]
    fn answers_as_the_exact_index_does() {
        // Two buurten sharing an edge, one with a hole, one a triangle, and a gap between them.
        let index = AreaIndex::new(vec![
            area(
                "BU00010002",
                polygon!(
                    exterior: [(x: 4.0, y: 51.0), (x: 4.1, y: 51.0), (x: 4.1, y: 51.1), (x: 4.0, y: 51.1)],
                    interiors: [[(x: 4.03, y: 51.03), (x: 4.06, y: 51.03), (x: 4.06, y: 51.06), (x: 4.03, y: 51.06)]],
                ),
            ),
            area(
                "BU00010001",
                polygon![(x: 4.1, y: 51.0), (x: 4.2, y: 51.0), (x: 4.2, y: 51.1), (x: 4.1, y: 51.1)],
            ),
            area(
                "BU00010003",
                polygon![(x: 4.25, y: 51.0), (x: 4.35, y: 51.0), (x: 4.3, y: 51.09)],
            ),
        ]);
        for across in [1, 7, 64, 500] {
            let raster = Raster::new(&index, Level::Buurt, across);
            let mut seed = 7u64;
            for _ in 0..20_000 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let x = 3.95 + (seed >> 11) as f64 / (1u64 << 53) as f64 * 0.45;
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let y = 50.95 + (seed >> 11) as f64 / (1u64 << 53) as f64 * 0.2;
                assert_eq!(
                    raster.locate_index(x, y),
                    index.locate_index(Level::Buurt, x, y),
                    "{across} cells across, ({x}, {y})"
                );
            }
            // On the shared edge, the lowest code; on the hole's edge, the area; in the hole, nothing.
            let code = |x, y| {
                raster
                    .locate_index(x, y)
                    .map(|i| index.area(i).code.clone())
            };
            assert_eq!(code(4.1, 51.05).as_deref(), Some("BU00010001"));
            assert_eq!(code(4.03, 51.045).as_deref(), Some("BU00010002"));
            assert_eq!(code(4.045, 51.045), None);
            assert_eq!(
                code(4.35, 51.0).as_deref(),
                Some("BU00010003"),
                "a corner on the grid's edge"
            );
            assert_eq!(code(9.0, 51.0), None);
        }
    }

    #[test]
    fn curve_keys_interleave_the_cell_coordinates() {
        assert_eq!(spread(0b1011), 0b1000101);
        let index = AreaIndex::new(vec![area(
            "BU1",
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)],
        )]);
        let raster = Raster::new(&index, Level::Buurt, 4);
        assert!(raster.curve_key(0.1, 0.1) < raster.curve_key(0.9, 0.1));
        assert!(raster.curve_key(0.9, 0.1) < raster.curve_key(0.1, 0.9));
    }

    #[test]
    fn an_empty_level_finds_nothing() {
        let index = AreaIndex::new(vec![]);
        assert_eq!(
            Raster::new(&index, Level::Buurt, 100).locate_index(4.0, 51.0),
            None
        );
    }
}
