//! Wijken and gemeenten implied by imported buurten (or wijken): the areas their CBS codes name but
//! no import brought, with their shapes dissolved from their parts so the map can draw them.
//!
//! Pure: stored areas in, implied areas out.

use crate::domain::areas::{dissolve, implied_areas, Level};
use crate::import::boundaries::{geojson_shape, shape_to_geojson};
use crate::store::StoredArea;

/// The areas `held` (every area imported with its own boundaries) implies without holding, each
/// with its parts' shapes dissolved, their known inhabitants added up and
/// their latest CBS year. A part whose stored shape no longer parses is left out of the shape.
pub fn implied(held: &[StoredArea]) -> Vec<StoredArea> {
    let codes: Vec<(String, Level, Option<i64>)> = held
        .iter()
        .filter_map(|a| Some((a.code.clone(), Level::parse(&a.level)?, a.population)))
        .collect();
    // `codes` skips areas of an unknown level: map its positions back to `held`'s.
    let positions: Vec<usize> = held
        .iter()
        .enumerate()
        .filter(|(_, a)| Level::parse(&a.level).is_some())
        .map(|(i, _)| i)
        .collect();
    implied_areas(&codes)
        .into_iter()
        .filter_map(|implied| {
            let parts: Vec<&StoredArea> =
                implied.parts.iter().map(|&i| &held[positions[i]]).collect();
            let shapes: Vec<geo::MultiPolygon<f64>> = parts
                .iter()
                .filter_map(|a| {
                    let value = serde_json::from_str(&a.shape).ok()?;
                    geojson_shape(&value).ok()
                })
                .collect();
            if shapes.is_empty() {
                return None;
            }
            let shape = dissolve(&shapes.iter().collect::<Vec<_>>());
            Some(StoredArea {
                code: implied.code,
                level: implied.level.as_str().to_string(),
                name: None,
                population: implied.population,
                year: parts.iter().filter_map(|a| a.year).max(),
                shape: shape_to_geojson(&shape).to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(code: &str, level: &str, x0: f64, population: Option<i64>) -> StoredArea {
        let (x1, y0, y1) = (x0 + 0.1, 51.0, 51.1);
        StoredArea {
            code: code.into(),
            level: level.into(),
            name: None,
            population,
            year: Some(2023),
            shape: serde_json::json!({"type": "Polygon",
                "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]})
            .to_string(),
        }
    }

    #[test]
    fn buurten_give_their_wijk_and_gemeente_a_shape() {
        let held = [
            square("BU05050101", "buurt", 4.0, Some(10)),
            square("BU05050102", "buurt", 4.1, Some(20)),
            square("BU05050201", "buurt", 4.3, Some(5)),
        ];
        let out = implied(&held);
        let codes: Vec<&str> = out.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(codes, ["GM0505", "WK050501", "WK050502"]);
        let wijk = &out[1];
        assert_eq!((wijk.level.as_str(), wijk.population), ("wijk", Some(30)));
        let shape =
            geojson_shape(&serde_json::from_str(&wijk.shape).expect("json")).expect("shape");
        assert_eq!(shape.0.len(), 1, "two neighbouring buurten, one polygon");
        assert_eq!(out[0].population, Some(35));
        assert_eq!(out[0].year, Some(2023));
        // With the wijken held, the gemeente is made of them and no wijk is implied.
        let mut with_wijken = held.to_vec();
        with_wijken.push(square("WK050501", "wijk", 4.0, Some(30)));
        with_wijken.push(square("WK050502", "wijk", 4.3, Some(5)));
        let out = implied(&with_wijken);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].code.as_str(), out[0].population),
            ("GM0505", Some(35))
        );
    }
}
