//! Importers: CBS boundary files (GeoJSON, TopoJSON) of every vintage, the wijken and gemeenten
//! they imply, and CBS key figures.

pub mod boundaries;
pub mod implied;
pub mod population;
