//! A raster over one level's areas for bulk lookups (re-assigning every stored entry, benchmarks).
//!
//! Each cell of a regular grid is empty, inside exactly one area, or crossed by a boundary. A point
//! in an empty or inside cell is answered by one array read; only a point in a boundary cell gets the
//! exact point-in-polygon test, and only against the areas whose boundary crosses that cell. The
//! answers are those of [`AreaIndex::locate_index`]: a point on a boundary counts as inside, and
//! where areas share it the lowest code wins.

use geo::{BoundingRect, Coord, Intersects, LineString, Point};

use super::areas::{AreaIndex, Level};

/// A cell value with this bit set is a boundary cell: the rest is its candidate list's number.
const BOUNDARY: u32 = 1 << 31;

pub struct Raster<'a> {
    index: &'a AreaIndex,
    x0: f64,
    y0: f64,
    /// Cells per degree of longitude and of latitude.
    sx: f64,
    sy: f64,
    nx: usize,
    ny: usize,
    /// 0: no area; `i + 1`: inside area `i` of the index; `BOUNDARY | n`: candidates `lists[n]`.
    cells: Vec<u32>,
    /// Start and end in `candidates` of each boundary cell's areas, lowest code first.
    lists: Vec<(u32, u32)>,
    candidates: Vec<u32>,
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

impl<'a> Raster<'a> {
    /// Rasterises the areas of `level` on a grid `cells_across` cells wide (cells square on the
    /// ground at the grid's middle latitude).
    pub fn new(index: &'a AreaIndex, level: Level, cells_across: usize) -> Raster<'a> {
        let mut members: Vec<usize> = (0..index.len())
            .filter(|i| index.area(*i).level == level)
            .collect();
        members.sort_by(|a, b| index.area(*a).code.cmp(&index.area(*b).code));
        let rects: Vec<_> = members
            .iter()
            .filter_map(|i| index.area(*i).shape.bounding_rect())
            .collect();
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for r in &rects {
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
            candidates: Vec::new(),
        };
        if rects.is_empty() || x1 <= x0 || y1 <= y0 {
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

        // 1. Boundary cells: every cell an edge touches (with a small margin against rounding).
        let eps_x = cell_w * 1e-6;
        let eps_y = cell_h * 1e-6;
        let mut lists: Vec<Vec<u32>> = Vec::new();
        for &i in &members {
            for ring in rings(index, i) {
                for edge in ring.lines() {
                    let (a, b) = (edge.start, edge.end);
                    let (cx0, cy0) = raster.cell_xy(a.x.min(b.x) - eps_x, a.y.min(b.y) - eps_y);
                    let (cx1, cy1) = raster.cell_xy(a.x.max(b.x) + eps_x, a.y.max(b.y) + eps_y);
                    for cy in cy0..=cy1 {
                        for cx in cx0..=cx1 {
                            let rx0 = x0 + cx as f64 * cell_w - eps_x;
                            let ry0 = y0 + cy as f64 * cell_h - eps_y;
                            if !segment_touches(
                                a,
                                b,
                                rx0,
                                ry0,
                                rx0 + cell_w + 2.0 * eps_x,
                                ry0 + cell_h + 2.0 * eps_y,
                            ) {
                                continue;
                            }
                            let c = &mut raster.cells[cy * nx + cx];
                            if *c == 0 {
                                lists.push(vec![i as u32]);
                                *c = BOUNDARY | (lists.len() - 1) as u32;
                            } else {
                                let l = &mut lists[(*c & !BOUNDARY) as usize];
                                if !l.contains(&(i as u32)) {
                                    l.push(i as u32);
                                }
                            }
                        }
                    }
                }
            }
        }

        // 2. Inside cells: scan each row at its centre, polygon by polygon; between crossings
        // (even–odd, so holes stay out) a cell no boundary touches lies wholly in the area. A
        // boundary cell whose centre is inside gets the area as a candidate too: another area's
        // boundary may cross this one's inside where areas overlap.
        let mut xs: Vec<f64> = Vec::new();
        for &i in &members {
            for polygon in &index.area(i).shape.0 {
                let Some(r) = polygon.bounding_rect() else {
                    continue;
                };
                let (_, cy0) = raster.cell_xy(r.min().x, r.min().y);
                let (_, cy1) = raster.cell_xy(r.max().x, r.max().y);
                for cy in cy0..=cy1 {
                    let y = y0 + (cy as f64 + 0.5) * cell_h;
                    xs.clear();
                    for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                        for e in ring.lines() {
                            let (a, b) = (e.start, e.end);
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
                        let me = i as u32;
                        for cx in from.max(0.0) as usize..=to {
                            let c = &mut raster.cells[cy * nx + cx];
                            if *c == 0 {
                                *c = me + 1;
                            } else if *c & BOUNDARY != 0 {
                                let l = &mut lists[(*c & !BOUNDARY) as usize];
                                if !l.contains(&me) {
                                    l.push(me);
                                }
                            } else if *c != me + 1 {
                                // Two areas' insides overlap (bad data): decide such cells exactly.
                                lists.push(vec![*c - 1, me]);
                                *c = BOUNDARY | (lists.len() - 1) as u32;
                            }
                        }
                    }
                }
            }
        }

        for l in &mut lists {
            l.sort_by(|a, b| {
                index
                    .area(*a as usize)
                    .code
                    .cmp(&index.area(*b as usize).code)
            });
            let start = raster.candidates.len() as u32;
            raster.candidates.extend_from_slice(l);
            raster.lists.push((start, raster.candidates.len() as u32));
        }
        raster
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
                let p = Point::new(lon, lat);
                self.candidates[start as usize..end as usize]
                    .iter()
                    .map(|i| *i as usize)
                    .find(|i| self.index.area(*i).shape.intersects(&p))
            }
        }
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
        let n = self.cells.iter().filter(|c| **c & BOUNDARY != 0).count();
        n as f64 / self.cells.len().max(1) as f64
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

/// Every ring (outer and holes) of area `i`.
fn rings(index: &AreaIndex, i: usize) -> impl Iterator<Item = &LineString> {
    index
        .area(i)
        .shape
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
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
