//! Importers: CBS boundary files (GeoJSON, TopoJSON) of every vintage, the wijken and gemeenten
//! they imply, and CBS key figures; walking networks from OpenStreetMap (GeoJSON, PBF) and the places
//! a municipality already knows.

pub mod boundaries;
pub mod implied;
pub mod network;
pub mod places;
pub mod population;
