//! Importers: CBS boundary files (GeoJSON, TopoJSON) of every vintage.

pub mod boundaries;
pub mod population;
