//! The types both sides share, and the rules that decide whether an entry is valid.
//!
//! Everything here is plain data and pure functions: the server validates every submission with
//! [`validate`], and the form's live check runs the same function as the resident changes the form,
//! so a resident sees exactly the errors the server would give.

mod area_changes;
mod area_report;
mod campaign;
mod campaign_form;
mod catalog;
mod coverage;
mod day;
mod dynamics;
mod event;
mod form;
mod insight;
mod map_filter;
mod moderation;
#[cfg(feature = "ssr")]
pub mod schema;
mod staff;
mod staff_entries;
mod submission;
mod survey_results;
mod talents;
mod validate;

pub use area_changes::*;
pub use area_report::*;
pub use campaign::*;
pub use campaign_form::*;
pub use catalog::*;
pub use coverage::*;
pub use day::*;
pub use dynamics::*;
pub use event::*;
pub use form::*;
pub use insight::*;
pub use map_filter::*;
pub use moderation::*;
pub use staff::*;
pub use staff_entries::*;
pub use submission::*;
pub use survey_results::*;
pub use talents::*;
pub use validate::*;
