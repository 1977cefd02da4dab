//! What the public map (`/kaart`) shows: a kind, a status, and the qualities every place must have.
//! The page's form, its list and the map script all read the same filter.

use serde::{Deserialize, Serialize};

use super::{Kind, Status, PLACE_QUALITIES};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapFilter {
    pub kind: Option<Kind>,
    pub status: Option<Status>,
    /// Known words only, sorted, each once (one condition per word).
    pub quality: Vec<String>,
}

impl MapFilter {
    /// Reads the page's query (`kind`, `status`, repeated or comma-separated `quality`); what it
    /// does not know is left out, as a form's "every" option.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> MapFilter {
        let mut f = MapFilter::default();
        for (k, v) in pairs {
            match k {
                "kind" => f.kind = Kind::parse(v.trim()),
                "status" => f.status = Status::parse(v.trim()),
                "quality" => f.quality.extend(
                    v.split(',')
                        .map(str::trim)
                        .filter(|q| PLACE_QUALITIES.contains(q))
                        .map(str::to_string),
                ),
                _ => {}
            }
        }
        f.quality.sort();
        f.quality.dedup();
        // Qualities are about places: they imply the kind.
        if !f.quality.is_empty() && f.kind.is_some_and(|k| k != Kind::Place) {
            f.quality.clear();
        }
        f
    }

    /// The query of `/api/v1/submissions` for this filter (after `limit=...`).
    pub fn api_query(&self) -> String {
        let mut q = String::new();
        if let Some(k) = self.kind {
            q.push_str(&format!("&kind={}", k.as_str()));
        }
        if let Some(s) = self.status {
            q.push_str(&format!("&status={}", s.as_str()));
        }
        if !self.quality.is_empty() {
            q.push_str(&format!("&quality={}", self.quality.join(",")));
        }
        q
    }

    /// Whether the municipality's known places belong on the map under this filter (they are
    /// places, and have no status).
    pub fn shows_known_places(&self) -> bool {
        self.kind.is_none_or(|k| k == Kind::Place) && self.status.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_read_leniently_and_written_for_the_api() {
        let f = MapFilter::from_pairs([
            ("kind", "place"),
            ("status", "done"),
            ("quality", "toilet,free"),
            ("quality", "free"),
            ("quality", "<b>"),
        ]);
        assert_eq!(f.quality, ["free", "toilet"]);
        assert_eq!(f.api_query(), "&kind=place&status=done&quality=free,toilet");
        assert!(!f.shows_known_places(), "known places have no status");
        let f = MapFilter::from_pairs([("kind", "barrier"), ("quality", "free"), ("status", "x")]);
        assert_eq!(
            f,
            MapFilter {
                kind: Some(Kind::Barrier),
                ..Default::default()
            }
        );
        assert!(MapFilter::default().shows_known_places());
    }
}
