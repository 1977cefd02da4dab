//! The resident form's state. The same struct is filled from a plain HTML form POST (JavaScript off) or
//! from form.js's JSON (the browser's `FormData`), and echoed back into the page when the server finds
//! errors, so every path turns a form into a [`SubmissionInput`] the same way.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::*;

/// How long an address search may be, in characters: shorter finds nothing useful, longer is no
/// address (and would only burden PDOK).
pub const ADDRESS_QUERY_CHARS: std::ops::RangeInclusive<usize> = 2..=200;

/// Every field may be missing from JSON (form.js sends what the form has, as the browser posts it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FormDraft {
    pub id: String,
    pub respondent: String,
    pub campaign: String,
    pub kind: String,
    pub category: String,
    pub lon: String,
    pub lat: String,
    /// Typed address: the server looks it up when no map position was given.
    pub address: String,
    pub name: String,
    pub qualities: Vec<String>,
    pub who: String,
    pub severity: String,
    pub affects: Vec<String>,
    pub talent: String,
    pub text: String,
    pub language: String,
    /// A field people never see (hidden): only form-filling robots put something in it.
    #[serde(default)]
    pub website: String,
    /// `web` (empty), `event` (a kiosk or a poster's QR link) or `paper` (a worker typing in forms).
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub event: String,
    /// The event link's secret that proves `source: event`.
    #[serde(default)]
    pub event_token: String,
    /// A worker's CSRF token, for paper forms.
    #[serde(default)]
    pub csrf: String,
}

impl FormDraft {
    /// Reads `application/x-www-form-urlencoded` pairs; repeated keys (checkboxes) collect into lists.
    /// Unknown keys are ignored: they can only come from an old cached page or a browser extension.
    pub fn from_pairs(pairs: &[(String, String)]) -> FormDraft {
        let mut d = FormDraft::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "id" => &mut d.id,
                "respondent" => &mut d.respondent,
                "campaign" => &mut d.campaign,
                "kind" => &mut d.kind,
                "category" => &mut d.category,
                "lon" => &mut d.lon,
                "lat" => &mut d.lat,
                "address" => &mut d.address,
                "name" => &mut d.name,
                "who" => &mut d.who,
                "severity" => &mut d.severity,
                "talent" => &mut d.talent,
                "text" => &mut d.text,
                "language" => &mut d.language,
                "website" => &mut d.website,
                "source" => &mut d.source,
                "event" => &mut d.event,
                "event_token" => &mut d.event_token,
                "csrf" => &mut d.csrf,
                "qualities" => {
                    d.qualities.push(v.clone());
                    continue;
                }
                "affects" => {
                    d.affects.push(v.clone());
                    continue;
                }
                _ => continue,
            };
            *slot = v.clone();
        }
        d
    }

    /// Filled in by a robot: the hidden field has text.
    pub fn is_robot(&self) -> bool {
        !self.website.trim().is_empty()
    }

    pub fn has_position(&self) -> bool {
        !self.lon.trim().is_empty() || !self.lat.trim().is_empty()
    }

    pub fn location(&self) -> Result<Option<Location>, Violation> {
        if !self.has_position() {
            return Ok(None);
        }
        match (
            self.lon.trim().parse::<f64>(),
            self.lat.trim().parse::<f64>(),
        ) {
            (Ok(lon), Ok(lat)) => Ok(Some(Location { lon, lat })),
            _ => Err(Violation::new(
                "location",
                Rule::WrongType {
                    expected: "a longitude and latitude".into(),
                },
            )),
        }
    }

    /// The request body this form stands for. `location` overrides the form's own position (the server
    /// passes the geocoded address here).
    pub fn to_input(&self, location: Option<Location>) -> SubmissionInput {
        let mut details = Map::new();
        let mut put_text = |key: &str, v: &str| {
            if !v.trim().is_empty() {
                details.insert(key.to_string(), Value::String(v.to_string()));
            }
        };
        match Kind::parse(&self.kind) {
            Some(Kind::Place) => {
                put_text("name", &self.name);
                put_text("who", &self.who);
                details.insert("qualities".into(), strings(&self.qualities));
            }
            Some(Kind::Barrier) => {
                details.insert("affects".into(), strings(&self.affects));
                if let Ok(n) = self.severity.trim().parse::<u64>() {
                    details.insert("severity".into(), Value::from(n));
                } else if !self.severity.trim().is_empty() {
                    details.insert("severity".into(), Value::String(self.severity.clone()));
                }
            }
            Some(Kind::Wish) => put_text("talent", &self.talent),
            None => {}
        }
        SubmissionInput {
            id: self.id.trim().to_string(),
            respondent: self.respondent.trim().to_string(),
            campaign: if self.campaign.is_empty() {
                DEFAULT_CAMPAIGN.into()
            } else {
                self.campaign.clone()
            },
            kind: self.kind.clone(),
            category: self.category.clone(),
            location,
            details,
            answers: Map::new(),
            text: (!self.text.trim().is_empty()).then(|| self.text.clone()),
            language: if self.language.is_empty() {
                "nl".into()
            } else {
                self.language.clone()
            },
            source: if self.source.trim().is_empty() {
                "web".into()
            } else {
                self.source.trim().to_string()
            },
            event: (!self.event.trim().is_empty()).then(|| self.event.trim().to_string()),
        }
    }

    /// The form's entry checked as the server would, except the event token or worker session it
    /// claims: only the server can verify those.
    fn validate(&self, location: Option<Location>) -> Result<Submission, Vec<Violation>> {
        let input = self.to_input(location);
        validate_for(&input, None, &Proof::claimed_by(&input))
    }

    /// Validates the form as the server would, before any address lookup: a missing position is only an
    /// error when no address was typed either.
    pub fn check(&self) -> Result<Submission, Vec<Violation>> {
        let result = self.check_fields();
        // A typed address is sent to PDOK as a search: no longer than a search may be.
        let max = *ADDRESS_QUERY_CHARS.end();
        if self.address.trim().chars().count() > max {
            let too_long = Violation::new("address", Rule::TooLong { max });
            let mut errs = result.err().unwrap_or_default();
            errs.insert(0, too_long);
            return Err(errs);
        }
        result
    }

    fn check_fields(&self) -> Result<Submission, Vec<Violation>> {
        let location = self.location().map_err(|v| vec![v])?;
        let mut result = self.validate(location);
        if location.is_none() && !self.address.trim().is_empty() {
            if let Err(errs) = &mut result {
                errs.retain(|v| !(v.field == "location" && v.rule == Rule::Required));
                if errs.is_empty() {
                    // Only the address lookup is missing; the server will do it.
                    return self.validate(Some(Location {
                        lon: 5.0,
                        lat: 52.0,
                    }));
                }
            }
        }
        result
    }
}

fn strings(v: &[String]) -> Value {
    Value::Array(v.iter().cloned().map(Value::String).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn checkboxes_collect_and_the_result_validates() {
        let d = FormDraft::from_pairs(&pairs(&[
            ("id", "6f1c2d3e-4a5b-4c6d-8e7f-901234567890"),
            ("respondent", "6f1c2d3e-4a5b-4c6d-8e7f-901234567891"),
            ("kind", "place"),
            ("category", "community_centre"),
            ("lon", "4.67"),
            ("lat", "51.80"),
            ("name", "Buurthuis De Wielewaal"),
            ("qualities", "free"),
            ("qualities", "step_free"),
            ("text", ""),
            ("language", "nl"),
            ("unexpected", "ignored"),
        ]));
        assert_eq!(d.qualities, ["free", "step_free"]);
        let s = d.check().expect("valid");
        assert_eq!(s.text, None);
        assert_eq!(
            s.location,
            Some(Location {
                lon: 4.67,
                lat: 51.8
            })
        );
    }

    #[test]
    fn an_address_longer_than_a_search_is_refused() {
        let mut d = FormDraft::from_pairs(&[]);
        d.address = "Bolstraat ".repeat(30);
        let errs = d.check().expect_err("too long");
        assert_eq!(errs[0].field, "address");
        assert_eq!(errs[0].rule, Rule::TooLong { max: 200 });
    }

    #[test]
    fn an_address_stands_in_for_the_position_until_the_server_looks_it_up() {
        let mut d = FormDraft {
            id: "6f1c2d3e-4a5b-4c6d-8e7f-901234567890".into(),
            respondent: "6f1c2d3e-4a5b-4c6d-8e7f-901234567891".into(),
            kind: "barrier".into(),
            category: "steps".into(),
            severity: "3".into(),
            ..Default::default()
        };
        assert_eq!(
            d.check().err().map(|e| e[0].field.clone()).as_deref(),
            Some("location")
        );
        d.address = "Bolstraat 1 Utrecht".into();
        assert!(d.check().is_ok());
    }

    #[test]
    fn garbage_coordinates_are_a_location_error() {
        let d = FormDraft {
            lon: "abc".into(),
            lat: "52".into(),
            ..Default::default()
        };
        assert_eq!(d.location().err().map(|v| v.field), Some("location".into()));
    }
}
