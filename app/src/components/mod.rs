//! Components shared by several pages.

pub mod entry_form;
#[cfg(feature = "ssr")]
pub mod layout;
