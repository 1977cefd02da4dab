//! PDOK Locatieserver v3.1 `/free`: address search, so residents can place an entry without the map.

use std::time::Duration;

use app::model::{GeocodeHit, Location};
use serde::Deserialize;

pub const DEFAULT_BASE_URL: &str = "https://api.pdok.nl/bzk/locatieserver/search/v3_1";

#[derive(Debug, thiserror::Error)]
pub enum GeocodeError {
    #[error("address search is unreachable: {0}")]
    Unreachable(String),
    #[error("address search answered HTTP {status}: {message}")]
    Refused { status: u16, message: String },
    #[error("address search answered something unreadable: {0}")]
    Unreadable(String),
}

#[derive(Clone)]
pub struct Locatieserver {
    http: reqwest::Client,
    base: String,
}

#[derive(Deserialize)]
struct Envelope {
    response: Body,
}

#[derive(Deserialize)]
struct Body {
    docs: Vec<Doc>,
}

#[derive(Deserialize)]
struct Doc {
    #[serde(rename = "type")]
    kind: String,
    weergavenaam: String,
    centroide_ll: Option<String>,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    msg: String,
}

/// The result types worth placing an entry at; a province or water board is too coarse.
const TYPES: &str = "type:(adres OR weg OR postcode OR woonplaats OR buurt OR wijk)";

impl Locatieserver {
    pub fn new(base: &str) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .user_agent(concat!("trefpunt/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Locatieserver {
            http,
            base: base.trim_end_matches('/').to_string(),
        }
    }

    /// Up to `rows` matches for a free-text query, best first. The query is the resident's typed address;
    /// it is sent to PDOK and not logged here.
    pub async fn search(&self, q: &str, rows: u8) -> Result<Vec<GeocodeHit>, GeocodeError> {
        let rows = rows.clamp(1, 20).to_string();
        let resp = self
            .http
            .get(format!("{}/free", self.base))
            .query(&[
                ("q", q),
                ("rows", rows.as_str()),
                ("fq", TYPES),
                ("fl", "type,weergavenaam,centroide_ll"),
            ])
            .send()
            .await
            .map_err(|e| GeocodeError::Unreachable(e.without_url().to_string()))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| GeocodeError::Unreachable(e.without_url().to_string()))?;
        if !status.is_success() {
            let message = serde_json::from_slice::<ErrorEnvelope>(&bytes).map_or_else(
                |_| String::from_utf8_lossy(&bytes).chars().take(200).collect(),
                |e| e.error.msg,
            );
            return Err(GeocodeError::Refused {
                status: status.as_u16(),
                message,
            });
        }
        let env: Envelope =
            serde_json::from_slice(&bytes).map_err(|e| GeocodeError::Unreadable(e.to_string()))?;
        Ok(env
            .response
            .docs
            .into_iter()
            .filter_map(|d| {
                let location = parse_wkt_point(d.centroide_ll.as_deref()?)?;
                Some(GeocodeHit {
                    label: d.weergavenaam,
                    kind: d.kind,
                    location,
                })
            })
            .collect())
    }
}

/// Reads `POINT(lon lat)`, PDOK's WKT for WGS84 centroids.
pub fn parse_wkt_point(wkt: &str) -> Option<Location> {
    let inner = wkt.trim().strip_prefix("POINT(")?.strip_suffix(')')?;
    let mut it = inner.split_whitespace().map(str::parse::<f64>);
    let (Some(Ok(lon)), Some(Ok(lat)), None) = (it.next(), it.next(), it.next()) else {
        return None;
    };
    Some(Location { lon, lat })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wkt_points() {
        assert_eq!(
            parse_wkt_point("POINT(5.13287587 52.08884161)"),
            Some(Location {
                lon: 5.13287587,
                lat: 52.08884161
            })
        );
        assert_eq!(parse_wkt_point("POINT(5.1)"), None);
        assert_eq!(parse_wkt_point("POLYGON((1 2,3 4))"), None);
    }

    #[test]
    fn reads_a_recorded_response() {
        let body = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/pdok/locatieserver/v3_1_free_adres_bolstraat-utrecht__foarsitter.json"
        ))
        .expect("shared data present");
        let env: Envelope = serde_json::from_slice(&body).expect("parses");
        assert_eq!(
            env.response.docs[0].weergavenaam,
            "Bolstraat 1, 3581WS Utrecht"
        );
    }
}
