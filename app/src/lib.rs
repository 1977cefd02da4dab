//! Trefpunt's UI: pages, components and the types and rules both the server and the browser use.
//!
//! Built with `ssr` into the server, which renders every page. What the browser does is plain
//! JavaScript in `public/js`, a few kB (the resident form's `form.js`, the maps' `map.js`, the offline
//! queue): a resident's phone downloads no WASM. cargo-leptos still builds the crate with `hydrate`
//! into a bundle (it builds a front end for every project); no page loads it.

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
#[cfg(feature = "ssr")]
mod app;
#[cfg(feature = "ssr")]
pub mod assets;
#[cfg(feature = "ssr")]
pub mod components;
pub mod html;
pub mod labels;
pub mod model;
#[cfg(feature = "ssr")]
pub mod pages;

#[cfg(feature = "ssr")]
pub use app::{shell, App, ShellConfig};

/// The bundle's entry point. No page loads the bundle (see above); should a page get an island
/// again, this hydrates it.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
