//! Pure domain logic: no I/O, unit-tested.

pub mod aggregate;
pub mod areas;
pub mod calendar;
pub mod cell_key;
pub mod content_hash;
pub mod graph_export;
pub mod heatmap;
pub mod moderation;
pub mod photo;
pub mod privacy;
pub mod raster;
pub mod release_steps;
pub mod report_map;
pub mod representation;
pub mod ripples;
pub mod roles;
pub mod sign_in;
pub mod survey_results;
pub mod talent_matches;
pub mod walking;
