//! Components shared by several pages.

pub mod dynamics_figures;
pub mod entry_form;
pub mod layout;
pub mod map_script;
pub mod quality_checks;
pub mod ripple_map;
pub mod staff_entry;
pub mod trend_chart;
