//! Density grids for the heatmap layer, with the privacy rule of DESIGN.md: a cell with fewer than `k`
//! distinct respondents is zeroed *before* the blur, so the blur cannot smear a small group back in.

use app::model::Bbox;

/// A point with the (hashed) respondent who made it.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub lon: f64,
    pub lat: f64,
    pub respondent: u64,
}

/// Row-major from the north-west corner: `values[row * width + col]`, row 0 the northernmost.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Grid {
    pub bbox: Bbox,
    pub width: usize,
    pub height: usize,
    /// The threshold that was applied.
    pub k: usize,
    /// Cells that were zeroed because fewer than `k` respondents were in them. Not sent out: with
    /// shifted boxes the count would tell where a single entry lies.
    #[serde(skip)]
    pub suppressed_cells: usize,
    pub values: Vec<f32>,
}

/// The grid over `bbox` for a request of `width` cells: square cells on the ground (a degree of
/// longitude is shorter than one of latitude here), never smaller than the public map's cells, so
/// the grid says no more about a position than the map; at most 512 rows.
pub fn grid_size(bbox: Bbox, width: usize) -> (usize, usize) {
    let mid = ((bbox.min_lat + bbox.max_lat) / 2.0).to_radians().cos();
    let ground_width = (bbox.max_lon - bbox.min_lon) * mid * 111_320.0;
    let width =
        width.min(((ground_width / super::privacy::PUBLIC_GRID_METRES).floor() as usize).max(1));
    let aspect = (bbox.max_lat - bbox.min_lat) / ((bbox.max_lon - bbox.min_lon) * mid);
    let height = ((width as f64 * aspect).round() as usize).clamp(1, 512);
    (width, height)
}

/// Bins `samples` into a `width` × `height` grid over `bbox`, zeroes cells below `k` distinct
/// respondents, then blurs with a 3×3 binomial kernel (edges renormalised, so totals stay put).
/// Points outside the box are ignored; a point on the east or north edge falls in the last cell.
pub fn density(samples: &[Sample], bbox: Bbox, width: usize, height: usize, k: usize) -> Grid {
    let (w, h) = (width.max(1), height.max(1));
    let cell_of = |s: &Sample| -> Option<usize> {
        if !bbox.contains(s.lon, s.lat) {
            return None;
        }
        let fx = (s.lon - bbox.min_lon) / (bbox.max_lon - bbox.min_lon).max(f64::MIN_POSITIVE);
        let fy = (bbox.max_lat - s.lat) / (bbox.max_lat - bbox.min_lat).max(f64::MIN_POSITIVE);
        let col = ((fx * w as f64) as usize).min(w - 1);
        let row = ((fy * h as f64) as usize).min(h - 1);
        Some(row * w + col)
    };
    // (cell, respondent) sorted: entries per cell and distinct respondents per cell in one pass.
    let mut keyed: Vec<(usize, u64)> = samples
        .iter()
        .filter_map(|s| cell_of(s).map(|c| (c, s.respondent)))
        .collect();
    keyed.sort_unstable();
    let mut counts = vec![0f32; w * h];
    let mut respondents = vec![0usize; w * h];
    let mut previous: Option<(usize, u64)> = None;
    for &(cell, r) in &keyed {
        counts[cell] += 1.0;
        if previous != Some((cell, r)) {
            respondents[cell] += 1;
        }
        previous = Some((cell, r));
    }
    let mut suppressed_cells = 0;
    for (c, n) in counts.iter_mut().zip(&respondents) {
        if *c > 0.0 && *n < k {
            *c = 0.0;
            suppressed_cells += 1;
        }
    }
    Grid {
        bbox,
        width: w,
        height: h,
        k,
        suppressed_cells,
        values: blur(&counts, w, h),
    }
}

fn blur(src: &[f32], w: usize, h: usize) -> Vec<f32> {
    const KERNEL: [[f32; 3]; 3] = [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]];
    let mut out = vec![0f32; w * h];
    for row in 0..h {
        for col in 0..w {
            let v = src[row * w + col];
            if v == 0.0 {
                continue;
            }
            // Spread this cell over its neighbours that exist, so nothing leaks off the edge.
            let mut weight = 0.0;
            for (dr, krow) in KERNEL.iter().enumerate() {
                for (dc, kv) in krow.iter().enumerate() {
                    if let (Some(r), Some(c)) =
                        ((row + dr).checked_sub(1), (col + dc).checked_sub(1))
                    {
                        if r < h && c < w {
                            weight += kv;
                        }
                    }
                }
            }
            for (dr, krow) in KERNEL.iter().enumerate() {
                for (dc, kv) in krow.iter().enumerate() {
                    if let (Some(r), Some(c)) =
                        ((row + dr).checked_sub(1), (col + dc).checked_sub(1))
                    {
                        if r < h && c < w {
                            out[r * w + c] += v * kv / weight;
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_square_on_the_ground_and_never_finer_than_the_public_map() {
        // About 6.7 km by 5.6 km around Dordrecht.
        let b = Bbox {
            min_lon: 4.6,
            min_lat: 51.78,
            max_lon: 4.7,
            max_lat: 51.83,
        };
        let (w, h) = grid_size(b, 40);
        assert_eq!(w, 40);
        let cell_x = 0.1 * (51.805f64).to_radians().cos() * 111_320.0 / w as f64;
        let cell_y = 0.05 * 111_320.0 / h as f64;
        assert!((cell_x / cell_y - 1.0).abs() < 0.05, "{cell_x} x {cell_y}");
        // Asked for 512 cells: no finer than the public map's cells.
        let (w, _) = grid_size(b, 512);
        assert!(
            6_880.0 / w as f64 >= super::super::privacy::PUBLIC_GRID_METRES * 0.99,
            "{w}"
        );
    }

    const BOX: Bbox = Bbox {
        min_lon: 4.0,
        min_lat: 51.0,
        max_lon: 4.1,
        max_lat: 51.1,
    };

    fn at(lon: f64, lat: f64, respondent: u64) -> Sample {
        Sample {
            lon,
            lat,
            respondent,
        }
    }

    #[test]
    fn cells_below_k_respondents_are_zeroed_before_the_blur() {
        // Four respondents in the north-west cell (one of them twice), five in the south-east one.
        let mut s: Vec<Sample> = (0..4).map(|r| at(4.001, 51.099, r)).collect();
        s.push(at(4.002, 51.098, 0));
        s.extend((10..15).map(|r| at(4.099, 51.001, r)));
        let g = density(&s, BOX, 10, 10, 5);
        assert_eq!(g.suppressed_cells, 1);
        let total: f32 = g.values.iter().sum();
        assert!(
            (total - 5.0).abs() < 1e-4,
            "only the five survive, blurred but not lost: {total}"
        );
        let nw: f32 = [0, 1, 10, 11].iter().map(|&i| g.values[i]).sum();
        assert_eq!(
            nw, 0.0,
            "nothing of the small group shows, not even blurred"
        );
    }

    #[test]
    fn many_entries_of_few_respondents_stay_hidden() {
        let s: Vec<Sample> = (0..100).map(|i| at(4.05, 51.05, i % 3)).collect();
        let g = density(&s, BOX, 4, 4, 5);
        assert!(g.values.iter().all(|v| *v == 0.0));
    }

    #[test]
    fn edges_and_outside() {
        let s: Vec<Sample> = (0..5)
            .map(|r| at(4.1, 51.0, r))
            .chain([at(5.0, 51.0, 9)])
            .collect();
        let g = density(&s, BOX, 2, 2, 5);
        assert_eq!(g.suppressed_cells, 0);
        let total: f32 = g.values.iter().sum();
        assert!(
            (total - 5.0).abs() < 1e-4,
            "the east/south corner point counts; the one outside does not"
        );
        assert!(g.values[3] > g.values[0], "mass stays centred on its cell");
    }
}
