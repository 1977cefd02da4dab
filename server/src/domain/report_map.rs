//! The printable report's map: an area's outline and the entries at their public positions,
//! projected into a box for an SVG the server draws (no tiles, which are unreachable here and in
//! many council rooms' printers alike).

use app::model::{Kind, MapDot, ReportMap};
use geo::{BoundingRect, MultiPolygon};

use super::walking::METRES_PER_DEGREE;

/// The map's width in SVG units; the height follows the area's shape.
pub const WIDTH: f64 = 640.0;
/// Room around the area, in SVG units.
const MARGIN: f64 = 12.0;

/// Projects `shape` and `points` (kind, lon, lat) with an equirectangular projection true at the
/// area's middle latitude (good to well under 1 % across a gemeente), north up.
pub fn draw(shape: &MultiPolygon<f64>, points: &[(Kind, f64, f64)]) -> ReportMap {
    let Some(r) = shape.bounding_rect() else {
        return ReportMap::default();
    };
    let mid_lat = (r.min().y + r.max().y) / 2.0;
    let x_scale = mid_lat.to_radians().cos();
    let (w_deg, h_deg) = ((r.width() * x_scale).max(1e-9), r.height().max(1e-9));
    let scale = (WIDTH - 2.0 * MARGIN) / w_deg;
    // A very tall area is not drawn taller than 1.4 times its width.
    let scale = scale.min((WIDTH * 1.4 - 2.0 * MARGIN) / h_deg);
    let height = (h_deg * scale + 2.0 * MARGIN).ceil();
    let at = |lon: f64, lat: f64| {
        (
            MARGIN + (lon - r.min().x) * x_scale * scale,
            MARGIN + (r.max().y - lat) * scale,
        )
    };
    let mut outline = String::new();
    for polygon in &shape.0 {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            for (i, c) in ring.coords().enumerate() {
                let (x, y) = at(c.x, c.y);
                outline.push_str(&format!("{}{x:.1} {y:.1} ", if i == 0 { "M" } else { "L" }));
            }
            outline.push_str("Z ");
        }
    }
    let dots = points
        .iter()
        .map(|&(kind, lon, lat)| {
            let (x, y) = at(lon, lat);
            MapDot {
                x: (x * 10.0).round() / 10.0,
                y: (y * 10.0).round() / 10.0,
                kind,
            }
        })
        .collect();
    ReportMap {
        width: WIDTH as u32,
        height: height as u32,
        outline: outline.trim_end().to_string(),
        dots,
        km: scale * 1000.0 / METRES_PER_DEGREE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};

    #[test]
    fn a_square_area_fills_the_width_north_up_and_its_points_land_inside() {
        // About 1 km × 1 km at 52° N.
        let lat0 = 52.0_f64;
        let dlon = 1000.0 / (METRES_PER_DEGREE * lat0.to_radians().cos());
        let dlat = 1000.0 / METRES_PER_DEGREE;
        let square = MultiPolygon(vec![polygon![
            (x: 5.0, y: lat0), (x: 5.0 + dlon, y: lat0), (x: 5.0 + dlon, y: lat0 + dlat), (x: 5.0, y: lat0 + dlat)
        ]]);
        let m = draw(
            &square,
            &[
                (Kind::Place, 5.0, lat0 + dlat),
                (Kind::Barrier, 5.0 + dlon / 2.0, lat0 + dlat / 2.0),
            ],
        );
        assert_eq!(m.width, 640);
        assert!(
            (m.height as f64 - 640.0).abs() <= 2.0,
            "square: {}",
            m.height
        );
        assert!(m.outline.starts_with("M12.0 ") && m.outline.ends_with('Z'));
        assert_eq!(
            (m.dots[0].x, m.dots[0].y),
            (12.0, 12.0),
            "north-west corner, north up"
        );
        assert!((m.dots[1].x - 320.0).abs() < 1.0 && (m.dots[1].y - 320.0).abs() < 2.0);
        assert!(
            (m.km - 616.0).abs() < 3.0,
            "1 km is the drawn width: {}",
            m.km
        );
    }

    #[test]
    fn nothing_to_draw_gives_an_empty_map() {
        assert_eq!(draw(&MultiPolygon(vec![]), &[]), ReportMap::default());
    }
}
