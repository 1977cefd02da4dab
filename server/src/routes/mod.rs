//! HTTP routes besides the Leptos pages: the REST API, the plain form POST and the language choice.

pub mod abuse;
pub mod api;
pub mod campaign_forms;
pub mod campaigns;
pub mod error;
pub mod events;
pub mod form;
pub mod lang;
pub mod photos;
pub mod staff;
pub mod staff_forms;
