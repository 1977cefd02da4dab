//! Generates the `i18n` module from `locales/*.json` (leptos_i18n). Dutch is the source language.

use std::error::Error;
use std::path::PathBuf;

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    // Dutch (B1) is the source; the others are drafts awaiting a native speaker's review, listed
    // key by key in locales/review/{locale}.json.
    let cfg = Config::new("nl")?
        .add_locale("en")?
        .add_locale("tr")?
        .add_locale("ar")?
        .add_locale("pl")?
        .add_locale("uk")?
        .parse_options(ParseOptions::default().interpolate_display(true));
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out)?;
    Ok(())
}
