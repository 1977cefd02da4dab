//! PDOK's CBS wijken en buurten (OGC API Features): one municipality's gemeente, wijken and buurten.
//!
//! Pages are followed through `links[rel=next]` (an opaque cursor, no totals). Whether the service
//! filters on `gemeentecode` is read from the collection's queryables; where it does not, every page is
//! read and the features are filtered here, so the import works either way.

use std::time::Duration;

use serde_json::{json, Value};

use crate::domain::areas::Level;

/// `{year}` is replaced by the CBS year.
pub const DEFAULT_BASE_URL: &str = "https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1";
const PAGE_LIMIT: u32 = 1000;
/// A runaway `next` chain is cut off here: the national buurten fit in 20 pages of 1,000.
const MAX_PAGES: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum PdokError {
    #[error("PDOK is unreachable: {0}")]
    Unreachable(String),
    #[error("PDOK answered HTTP {status} for {collection}")]
    Refused { status: u16, collection: String },
    #[error("PDOK answered something unreadable for {collection}: {reason}")]
    Unreadable { collection: String, reason: String },
    #[error("{0} is not a gemeente code (GM and four digits, like GM0505)")]
    BadCode(String),
    #[error("PDOK kept sending pages for {0}: stopped after {MAX_PAGES}")]
    TooManyPages(String),
}

pub struct WijkenBuurten {
    http: reqwest::Client,
    base: String,
}

fn collection(level: Level) -> &'static str {
    match level {
        Level::Gemeente => "gemeenten",
        Level::Wijk => "wijken",
        Level::Buurt => "buurten",
    }
}

impl WijkenBuurten {
    pub fn new(base_template: &str, year: i64) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("trefpunt/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        let base = base_template
            .replace("{year}", &year.to_string())
            .trim_end_matches('/')
            .to_string();
        WijkenBuurten { http, base }
    }

    async fn get(&self, url: &str, collection: &str) -> Result<Value, PdokError> {
        let res = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| PdokError::Unreachable(e.without_url().to_string()))?;
        if !res.status().is_success() {
            return Err(PdokError::Refused {
                status: res.status().as_u16(),
                collection: collection.into(),
            });
        }
        res.json().await.map_err(|e| PdokError::Unreadable {
            collection: collection.into(),
            reason: e.without_url().to_string(),
        })
    }

    /// Whether the collection can be filtered on `gemeentecode` server-side.
    async fn filters_on_gemeentecode(&self, collection: &str) -> bool {
        let url = format!("{}/collections/{collection}/queryables?f=json", self.base);
        match self.get(&url, collection).await {
            Ok(q) => q
                .get("properties")
                .and_then(|p| p.get("gemeentecode"))
                .is_some(),
            Err(_) => false,
        }
    }

    /// The features of one level of one municipality, as a GeoJSON FeatureCollection (bytes) that the
    /// boundary importer reads like any other file.
    pub async fn fetch(&self, gemeente: &str, level: Level) -> Result<Vec<u8>, PdokError> {
        let valid = gemeente.len() == 6
            && gemeente.starts_with("GM")
            && gemeente[2..].bytes().all(|b| b.is_ascii_digit());
        if !valid {
            return Err(PdokError::BadCode(gemeente.to_string()));
        }
        let c = collection(level);
        let filter = if self.filters_on_gemeentecode(c).await {
            format!("&gemeentecode={gemeente}")
        } else {
            String::new()
        };
        let mut url = Some(format!(
            "{}/collections/{c}/items?f=json&limit={PAGE_LIMIT}{filter}",
            self.base
        ));
        let mut features = Vec::new();
        let mut pages = 0;
        while let Some(u) = url.take() {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(PdokError::TooManyPages(c.to_string()));
            }
            let page = self.get(&u, c).await?;
            let items = page
                .get("features")
                .and_then(Value::as_array)
                .ok_or_else(|| PdokError::Unreadable {
                    collection: c.into(),
                    reason: "no features".into(),
                })?;
            features.extend(
                items
                    .iter()
                    .filter(|f| {
                        f.pointer("/properties/gemeentecode")
                            .and_then(Value::as_str)
                            == Some(gemeente)
                    })
                    .cloned(),
            );
            url = page
                .get("links")
                .and_then(Value::as_array)
                .and_then(|ls| {
                    ls.iter()
                        .find(|l| l.get("rel").and_then(Value::as_str) == Some("next"))
                })
                .and_then(|l| l.get("href").and_then(Value::as_str))
                .map(str::to_string);
        }
        Ok(json!({"type": "FeatureCollection", "features": features})
            .to_string()
            .into_bytes())
    }
}
