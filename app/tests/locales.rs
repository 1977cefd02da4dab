//! The translations: every language has every text of the Dutch source with the same placeholders,
//! and each draft language lists the texts that still await review by a native speaker.

// Test code: a failed expectation is the test's failure (see clippy.toml for #[test] functions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

const DRAFTS: &[&str] = &["tr", "ar", "pl", "uk"];

fn locales() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("locales")
}

fn read(path: PathBuf) -> Value {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Dotted key → text.
fn flatten(v: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Value::Object(map) = v {
        for (k, v) in map {
            match v {
                Value::String(s) => {
                    out.insert(k.clone(), s.clone());
                }
                Value::Object(_) => {
                    for (k2, s) in flatten(v) {
                        out.insert(format!("{k}.{k2}"), s);
                    }
                }
                _ => panic!("{k} is not text"),
            }
        }
    }
    out
}

fn placeholders(s: &str) -> Vec<String> {
    let mut found: Vec<String> = s
        .match_indices("{{")
        .filter_map(|(i, _)| s[i..].find("}}").map(|j| s[i..i + j + 2].replace(' ', "")))
        .collect();
    found.sort();
    found
}

#[test]
fn every_language_has_every_text_with_the_same_placeholders() {
    let source = flatten(&read(locales().join("nl.json")));
    assert!(source.len() > 300);
    for lang in ["en"].iter().chain(DRAFTS) {
        let texts = flatten(&read(locales().join(format!("{lang}.json"))));
        let missing: Vec<&String> = source.keys().filter(|k| !texts.contains_key(*k)).collect();
        let extra: Vec<&String> = texts.keys().filter(|k| !source.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{lang}: missing {missing:?}, extra {extra:?}"
        );
        for (key, text) in &texts {
            assert!(!text.trim().is_empty(), "{lang}: {key} is empty");
            assert_eq!(
                placeholders(text),
                placeholders(&source[key]),
                "{lang}: {key}"
            );
        }
        assert_eq!(
            texts["month_names"].split(',').count(),
            12,
            "{lang}: month names are split on commas"
        );
    }
}

#[test]
fn draft_languages_list_what_awaits_review() {
    let source = flatten(&read(locales().join("nl.json")));
    for lang in DRAFTS {
        let review = read(locales().join("review").join(format!("{lang}.json")));
        assert_eq!(review["language"], *lang);
        let keys = review["awaiting_review"]
            .as_array()
            .expect("awaiting_review");
        for k in keys {
            let k = k.as_str().expect("a key");
            assert!(
                source.contains_key(k),
                "{lang}: review lists {k}, which does not exist"
            );
        }
    }
}
