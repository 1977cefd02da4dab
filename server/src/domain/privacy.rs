//! Privacy rules that apply to everything the public sees.

use app::model::Location;

/// The smallest number of distinct respondents a released figure may rest on (DESIGN.md; campaigns may
/// raise it once they have their own settings).
pub const DEFAULT_K: usize = 5;

/// How far barriers and wishes are moved on the public map: onto the centre of a 100 m grid cell, so a
/// resident who marks the spot in front of their own door cannot be found from it.
pub const PUBLIC_GRID_METRES: f64 = 100.0;

/// Snaps a location to the centre of its 100 m cell: rows of 100 m of latitude, each row cut into cells
/// 100 m wide at the row's centre latitude. The same input always lands on the same centre.
pub fn coarsen(loc: Location) -> Location {
    const METRES_PER_DEG_LAT: f64 = 111_320.0;
    let dlat = PUBLIC_GRID_METRES / METRES_PER_DEG_LAT;
    let lat_cell = (loc.lat / dlat).floor();
    let lat = (lat_cell + 0.5) * dlat;
    let dlon = PUBLIC_GRID_METRES / (METRES_PER_DEG_LAT * lat.to_radians().cos());
    let lon = ((loc.lon / dlon).floor() + 0.5) * dlon;
    Location {
        lon: round6(lon),
        lat: round6(lat),
    }
}

/// Where the public sees an entry: a place where it is (a meeting place is public by nature), a
/// barrier or a wish on its 100 m cell. Stored beside the exact position at write time, and the only
/// position public selections (the map's box, the heatmap, "nearby") ever look at.
pub fn public_position(kind: app::model::Kind, exact: Location) -> Location {
    match kind {
        app::model::Kind::Place => exact,
        app::model::Kind::Barrier | app::model::Kind::Wish => coarsen(exact),
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coarsen_moves_at_most_half_a_diagonal_and_is_stable() {
        let p = Location {
            lon: 4.6901234,
            lat: 51.8123456,
        };
        let c = coarsen(p);
        let dy = (c.lat - p.lat) * 111_320.0;
        let dx = (c.lon - p.lon) * 111_320.0 * p.lat.to_radians().cos();
        assert!((dx * dx + dy * dy).sqrt() <= 72.0, "moved {dx} {dy}");
        assert_eq!(coarsen(c), c, "a cell centre stays put");
    }

    #[test]
    fn neighbours_in_one_cell_become_identical() {
        let a = coarsen(Location {
            lon: 4.690_001,
            lat: 51.812_001,
        });
        let b = coarsen(Location {
            lon: 4.690_050,
            lat: 51.812_050,
        });
        assert_eq!(a, b);
    }
}
