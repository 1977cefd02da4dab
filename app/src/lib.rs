//! Trefpunt's UI: pages, components and the types and rules both the server and the browser use.
//!
//! Built twice: with `ssr` into the server (renders every page), and with `hydrate` into the WASM bundle.
//! Islands mode: only the resident form (`#[island] EntryForm`) ships as WASM, so the phone downloads
//! the code for live validation, address search and sending, and nothing for the static pages.

#![recursion_limit = "256"]

/// The translations, as leptos_i18n_build writes them (`build.rs`).
#[allow(
    clippy::expect_used,
    clippy::ignored_unit_patterns,
    reason = "generated: leptos_i18n parses its own locale names and matches `_` for `()`"
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
}
pub use generated::i18n;

pub mod api;
// The document, its router and the pages are rendered on the server only: in islands mode the WASM
// bundle hydrates the islands (`components::entry_form`) and nothing else.
#[cfg(feature = "ssr")]
mod app;
mod browser;
pub mod components;
pub mod html;
pub mod labels;
pub mod model;
#[cfg(feature = "ssr")]
pub mod pages;

#[cfg(feature = "ssr")]
pub use app::{shell, App, IslandScripts, ShellConfig};

/// Entry point of the WASM bundle, called by `public/js/islands.js` before it hydrates each island
/// (and marks the page `data-hydrated` once they all are).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
