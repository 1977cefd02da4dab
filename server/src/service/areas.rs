//! The areas a running server assigns entries to: the index of the stored areas with the generation
//! it was built from, its reload after an import (and the re-assignment of what was stored by the
//! old one, see `store::areas`), and the `/api/v1/areas` answers built once per import.

use std::sync::{Arc, PoisonError, RwLock};

use crate::domain::areas::{Area, AreaIndex, Level};
use crate::import::boundaries::geojson_shape;
use crate::service::Service;
use crate::store::{Store, StoreError, StoredArea};

/// The areas of each level as a GeoJSON FeatureCollection, with the import it was built from: every
/// shape is serialised once per import instead of once per request.
#[derive(Default)]
pub struct AreaShapes(RwLock<rustc_hash::FxHashMap<String, (String, bytes::Bytes)>>);

/// The area index with the generation of the stored areas it was built from (see `store::areas`):
/// entries are stored with it, so an entry assigned by an index an import has since replaced is
/// found and re-assigned.
#[derive(Default)]
pub struct LoadedAreas {
    pub generation: i64,
    pub index: AreaIndex,
}

impl LoadedAreas {
    /// The stored areas as of now. The generation is read first: should an import land in between,
    /// the index is newer than its label, never older, and the next look sees the new generation
    /// and loads again.
    pub async fn load(store: &Store) -> Result<LoadedAreas, StoreError> {
        let generation = store.area_generation().await?;
        let index = build_index(store.areas().await?);
        Ok(LoadedAreas { generation, index })
    }
}

/// A stored area's shape (GeoJSON text, as `areas.shape` holds it).
pub fn stored_shape(text: &str) -> Result<geo::MultiPolygon<f64>, String> {
    serde_json::from_str(text)
        .map_err(|e| e.to_string())
        .and_then(|v| geojson_shape(&v))
}

/// Builds the in-memory index from stored areas; a shape that no longer parses is left out (logged).
pub fn build_index(stored: Vec<StoredArea>) -> AreaIndex {
    let areas = stored
        .into_iter()
        .filter_map(|a| {
            let level = Level::parse(&a.level)?;
            let shape = stored_shape(&a.shape);
            match shape {
                Ok(shape) => Some(Area { code: a.code, level, shape }),
                Err(e) => {
                    tracing::error!(code = %a.code, error = %e, "stored area shape unreadable; left out");
                    None
                }
            }
        })
        .collect();
    AreaIndex::new(areas)
}

impl Service {
    /// The imported areas of `level` as a GeoJSON FeatureCollection (code, name, population, CBS
    /// year), from the cache unless areas or key figures were imported since.
    pub async fn areas_geojson(&self, level: &str) -> Result<bytes::Bytes, StoreError> {
        let version = self.store.facts_version().await?;
        let cached = {
            let c = self
                .area_shapes
                .0
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            c.get(level)
                .filter(|(v, _)| *v == version)
                .map(|(_, body)| body.clone())
        };
        if let Some(body) = cached {
            return Ok(body);
        }
        let mut body = String::from(r#"{"type":"FeatureCollection","features":["#);
        for (i, a) in self
            .store
            .shown_areas()
            .await?
            .into_iter()
            .filter(|a| a.level == level)
            .enumerate()
        {
            if i > 0 {
                body.push(',');
            }
            let props = serde_json::json!({"code": a.code, "name": a.name, "population": a.population, "year": a.year});
            // The shape is stored as GeoJSON already: no need to parse it again.
            body.push_str(&format!(
                r#"{{"type":"Feature","id":{},"properties":{props},"geometry":{}}}"#,
                serde_json::Value::String(a.code.clone()),
                a.shape
            ));
        }
        body.push_str("]}");
        // Bytes: every answer shares the one copy.
        let body = bytes::Bytes::from(body);
        self.area_shapes
            .0
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(level.to_string(), (version, body.clone()));
        Ok(body)
    }

    pub fn loaded_areas(&self) -> Arc<LoadedAreas> {
        // A writer that panicked cannot have left half an index: the slot holds one `Arc` or the
        // other. An empty index instead would assign nothing and skip campaigns' area checks.
        self.areas
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Reloads the area index when an import changed the areas, and re-assigns the entries stored
    /// under older areas (`service::background` runs it every few seconds).
    pub async fn refresh_areas(&self) -> Result<(), StoreError> {
        let mut loaded = self.loaded_areas();
        if self.store.area_generation().await? != loaded.generation {
            let fresh = Arc::new(LoadedAreas::load(&self.store).await?);
            tracing::info!(
                areas = fresh.index.len(),
                generation = fresh.generation,
                "areas changed: index reloaded"
            );
            *self.areas.write().unwrap_or_else(PoisonError::into_inner) = fresh.clone();
            loaded = fresh;
        }
        let moved = self
            .store
            .reassign_stale(loaded.generation, |lon, lat| loaded.index.assign(lon, lat))
            .await?;
        if moved > 0 {
            tracing::info!(moved, "entries stored under older areas re-assigned");
        }
        Ok(())
    }
}
