//! The rules a submission must follow. One function, [`validate`], used by the server for every
//! request and by the form's live check (`/_fn/check`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::*;

pub const MAX_TEXT_CHARS: usize = 2000;
pub const MAX_NAME_CHARS: usize = 120;
pub const MAX_WHO_CHARS: usize = 300;
pub const MAX_TALENT_CHARS: usize = 500;

/// Why a field is wrong. The UI translates these; the API explains them in English (`message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    Required,
    NotUuid,
    /// A UUID, but not a random one (version 4).
    NotRandomUuid,
    UnknownValue,
    /// Text longer than `max` characters.
    TooLong {
        max: usize,
    },
    OutOfRange {
        min: i64,
        max: i64,
    },
    OutsideNetherlands,
    /// A field this kind of entry does not have.
    UnknownField,
    WrongType {
        expected: String,
    },
    UnknownCampaign,
    /// `source: event` or `paper` without the token or staff session that proves it.
    NeedsAuthority,
    Duplicate,
    /// The location lies outside the campaign's areas.
    OutsideCampaign,
    /// An end before its start.
    BeforeStart,
    AddressNotFound,
    /// The address search service did not answer.
    LookupUnavailable,
    /// The entry's event was closed, or its last day for entries has passed.
    EventClosed,
    /// A reply to staff's note on an entry that has none.
    NothingToAnswer,
    /// The entry's words were removed (retention, or a merge into another entry): none are taken in
    /// again, so nothing outlives its period.
    WordsRemoved,
}

impl Rule {
    /// Plain English, for API clients.
    pub fn message(&self) -> String {
        match self {
            Rule::Required => "is required".into(),
            Rule::NotUuid => "must be a UUID (8-4-4-4-12 hexadecimal digits)".into(),
            Rule::NotRandomUuid => {
                "must be a random UUID (version 4): a time-based one would tell when it was made"
                    .into()
            }
            Rule::UnknownValue => "is not one of the allowed values".into(),
            Rule::TooLong { max } => format!("is longer than {max} characters"),
            Rule::OutOfRange { min, max } => format!("must be a whole number from {min} to {max}"),
            Rule::OutsideNetherlands => {
                "must lie in the Netherlands (lon 3.2 to 7.3, lat 50.7 to 53.6)".into()
            }
            Rule::UnknownField => "is not a field of this kind of entry".into(),
            Rule::WrongType { expected } => format!("must be {expected}"),
            Rule::UnknownCampaign => "is not an open campaign".into(),
            Rule::NeedsAuthority => {
                "event entries need an event token and paper entries a worker session".into()
            }
            Rule::Duplicate => "lists the same value twice".into(),
            Rule::OutsideCampaign => "lies outside the campaign's areas".into(),
            Rule::BeforeStart => "lies before the start".into(),
            Rule::AddressNotFound => {
                "could not be found; try a street name with a house number and town".into()
            }
            Rule::LookupUnavailable => {
                "cannot be looked up right now; mark the place on the map instead".into()
            }
            Rule::EventClosed => "is closed or past its last day for entries".into(),
            Rule::NothingToAnswer => "answers staff's note on the entry, and it has none".into(),
            Rule::WordsRemoved => {
                "cannot be written: the entry's words were removed (retention, or a merge)".into()
            }
        }
    }
}

/// One wrong field. `field` is a dotted path into the request body (`details.severity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub field: String,
    pub rule: Rule,
}

impl Violation {
    pub fn new(field: impl Into<String>, rule: Rule) -> Self {
        Violation {
            field: field.into(),
            rule,
        }
    }
}

/// Checks everything that can be checked without storage against the general campaign's kinds and
/// categories (whether the campaign is open and the event token are the server's part). Returns every
/// violation, not just the first.
pub fn validate(input: &SubmissionInput) -> Result<Submission, Vec<Violation>> {
    validate_for(input, None, &Proof::default())
}

/// [`validate`] with a campaign's own kinds and categories.
pub fn validate_for(
    input: &SubmissionInput,
    rules: Option<&Campaign>,
    proof: &Proof,
) -> Result<Submission, Vec<Violation>> {
    let mut errs = Vec::new();
    let id = uuid_field(&input.id, "id", &mut errs);
    let respondent = uuid_field(&input.respondent, "respondent", &mut errs);

    let campaign = input.campaign.trim();
    if !is_slug(campaign) {
        errs.push(Violation::new("campaign", Rule::UnknownCampaign));
    }

    let kind = Kind::parse(&input.kind);
    if kind.is_none_or(|k| rules.is_some_and(|c| !c.offers_kind(k))) {
        errs.push(Violation::new("kind", Rule::UnknownValue));
    }
    if input.category.is_empty() {
        errs.push(Violation::new("category", Rule::Required));
    } else if let Some(k) = kind {
        let offered = match rules {
            Some(c) => c.categories_of(k).contains(&input.category.as_str()),
            None => k.categories().contains(&input.category.as_str()),
        };
        if !offered {
            errs.push(Violation::new("category", Rule::UnknownValue));
        }
    }

    if let Some(loc) = input.location {
        if !loc.lon.is_finite() || !loc.lat.is_finite() || !NL_BBOX.contains(loc.lon, loc.lat) {
            errs.push(Violation::new("location", Rule::OutsideNetherlands));
        }
    } else if location_required(kind, &input.category) {
        errs.push(Violation::new("location", Rule::Required));
    }

    let details = kind.map(|k| validate_details(k, &input.details, &mut errs));

    // Survey answers are stored once per respondent (`POST /campaigns/{id}/responses`), not per entry.
    for key in input.answers.keys() {
        errs.push(Violation::new(format!("answers.{key}"), Rule::UnknownField));
    }

    let text = optional_text(input.text.as_deref(), "text", MAX_TEXT_CHARS, &mut errs);

    let language = input.language.trim();
    if !is_language_tag(language) {
        errs.push(Violation::new("language", Rule::UnknownValue));
    }

    let source = Source::parse(&input.source);
    let event = input.event.as_deref().map(str::trim);
    match source {
        None => errs.push(Violation::new("source", Rule::UnknownValue)),
        // The token came with this entry and opened this very event.
        Some(Source::Event) => {
            if event.is_none() {
                errs.push(Violation::new("event", Rule::Required));
            }
            if event.is_none() || proof.event.as_deref() != event {
                errs.push(Violation::new("source", Rule::NeedsAuthority));
            }
        }
        // A worker types in paper forms, from an event of theirs or not.
        Some(Source::Paper) => {
            if !proof.worker {
                errs.push(Violation::new("source", Rule::NeedsAuthority));
            } else if event.is_some() && proof.event.as_deref() != event {
                errs.push(Violation::new("event", Rule::UnknownValue));
            }
        }
        Some(Source::Web) => {
            if event.is_some() {
                errs.push(Violation::new("event", Rule::UnknownField));
            }
        }
    }

    if !errs.is_empty() {
        return Err(errs);
    }
    // Every Option below is Some when errs is empty; the fallbacks are unreachable but keep this panic-free.
    let (Some(id), Some(respondent), Some(kind), Some(Some(details)), Some(source)) =
        (id, respondent, kind, details, source)
    else {
        return Err(vec![Violation::new("body", Rule::Required)]);
    };
    Ok(Submission {
        id,
        respondent,
        campaign: campaign.to_string(),
        kind,
        category: input.category.clone(),
        location: input.location.map(|l| Location {
            lon: round7(l.lon),
            lat: round7(l.lat),
        }),
        details,
        answers: Map::new(),
        text,
        language: language.to_ascii_lowercase(),
        source,
        event: match source {
            Source::Web => None,
            Source::Event | Source::Paper => event.map(str::to_string),
        },
    })
}

/// Places and physical barriers are somewhere; social barriers (cost, language) and wishes may not be.
pub fn location_required(kind: Option<Kind>, category: &str) -> bool {
    match kind {
        Some(Kind::Place) => true,
        Some(Kind::Barrier) => is_physical_barrier(category),
        _ => false,
    }
}

fn validate_details(
    kind: Kind,
    d: &Map<String, Value>,
    errs: &mut Vec<Violation>,
) -> Option<Details> {
    let allowed: &[&str] = match kind {
        Kind::Place => &["name", "qualities", "who"],
        Kind::Barrier => &["severity", "affects"],
        Kind::Wish => &["talent"],
    };
    for key in d.keys() {
        if !allowed.contains(&key.as_str()) {
            errs.push(Violation::new(format!("details.{key}"), Rule::UnknownField));
        }
    }
    let before = errs.len();
    let details = match kind {
        Kind::Place => Details::Place {
            name: detail_text(d, "name", MAX_NAME_CHARS, errs),
            qualities: option_list(d, "qualities", PLACE_QUALITIES, errs),
            who: detail_text(d, "who", MAX_WHO_CHARS, errs),
        },
        Kind::Barrier => {
            let severity = match d.get("severity") {
                None | Some(Value::Null) => {
                    errs.push(Violation::new("details.severity", Rule::Required));
                    0
                }
                // JSON has one number type: 2.0 is the whole number 2.
                Some(v) => match v.as_u64().or_else(|| {
                    v.as_f64()
                        .filter(|f| f.fract() == 0.0 && (1.0..=3.0).contains(f))
                        .map(|f| f as u64)
                }) {
                    Some(n @ 1..=3) => n as u8,
                    _ => {
                        errs.push(Violation::new(
                            "details.severity",
                            Rule::OutOfRange { min: 1, max: 3 },
                        ));
                        0
                    }
                },
            };
            Details::Barrier {
                severity,
                affects: option_list(d, "affects", BARRIER_AFFECTS, errs),
            }
        }
        Kind::Wish => Details::Wish {
            talent: detail_text(d, "talent", MAX_TALENT_CHARS, errs),
        },
    };
    (errs.len() == before).then_some(details)
}

fn detail_text(
    d: &Map<String, Value>,
    key: &str,
    max: usize,
    errs: &mut Vec<Violation>,
) -> Option<String> {
    match d.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => optional_text(Some(s), &format!("details.{key}"), max, errs),
        Some(_) => {
            errs.push(Violation::new(
                format!("details.{key}"),
                Rule::WrongType {
                    expected: "text".into(),
                },
            ));
            None
        }
    }
}

fn option_list(
    d: &Map<String, Value>,
    key: &str,
    allowed: &[&str],
    errs: &mut Vec<Violation>,
) -> Vec<String> {
    let field = format!("details.{key}");
    let Some(v) = d.get(key) else {
        return Vec::new();
    };
    let Some(items) = v.as_array() else {
        errs.push(Violation::new(
            field,
            Rule::WrongType {
                expected: "a list of option ids".into(),
            },
        ));
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item.as_str() {
            Some(s) if allowed.contains(&s) => {
                if out.iter().any(|o: &String| o == s) {
                    errs.push(Violation::new(format!("{field}.{i}"), Rule::Duplicate));
                } else {
                    out.push(s.to_string());
                }
            }
            _ => errs.push(Violation::new(format!("{field}.{i}"), Rule::UnknownValue)),
        }
    }
    // Canonical order: the catalog's.
    out.sort_by_key(|s| allowed.iter().position(|a| a == s));
    out
}

/// Trims; empty becomes `None`; counts characters, not bytes, so Arabic or Ukrainian text gets the
/// same room as Dutch.
fn optional_text(
    s: Option<&str>,
    field: &str,
    max: usize,
    errs: &mut Vec<Violation>,
) -> Option<String> {
    let t = s?.trim();
    if t.is_empty() {
        return None;
    }
    if t.chars().count() > max {
        errs.push(Violation::new(field, Rule::TooLong { max }));
        return None;
    }
    Some(t.to_string())
}

fn uuid_field(s: &str, field: &str, errs: &mut Vec<Violation>) -> Option<String> {
    if s.is_empty() {
        errs.push(Violation::new(field, Rule::Required));
        None
    } else if is_random_uuid(s) {
        Some(s.to_ascii_lowercase())
    } else {
        let rule = if is_uuid(s) {
            Rule::NotRandomUuid
        } else {
            Rule::NotUuid
        };
        errs.push(Violation::new(field, rule));
        None
    }
}

/// A random UUID (version 4, RFC 9562's variant): what a new entry's id and respondent must be.
/// The id is public, and the public list is ordered by it within a month; a time-based UUID
/// (version 1, 6 or 7) would tell when it was made, and so link one visit's entries.
pub fn is_random_uuid(s: &str) -> bool {
    is_uuid(s)
        && s.as_bytes()[14] == b'4'
        && matches!(
            s.as_bytes()[19].to_ascii_lowercase(),
            b'8' | b'9' | b'a' | b'b'
        )
}

/// `8-4-4-4-12` hexadecimal digits, either case.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Lowercase ascii letters, digits, `-` and `_`, 1 to 64 long: campaign ids appear in URLs.
pub fn is_slug(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
}

/// A BCP 47 primary language tag with an optional region: `nl`, `en`, `ar`, `pt-BR`.
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or("");
    let region_ok = match parts.next() {
        None => true,
        Some(r) => (2..=3).contains(&r.len()) && r.bytes().all(|c| c.is_ascii_alphanumeric()),
    };
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|c| c.is_ascii_alphabetic())
        && region_ok
        && parts.next().is_none()
}

/// Seven decimals is about 1 cm: more is noise from the GPS and only makes replays compare unequal.
fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(v: Value) -> SubmissionInput {
        serde_json::from_value(v).expect("test body parses")
    }

    fn barrier() -> Value {
        json!({
            "id": "6f1c2d3e-4a5b-4c6d-8e7f-901234567890",
            "respondent": "0A1B2C3D-4E5F-4A6B-8C7D-8E9F0A1B2C3D",
            "kind": "barrier", "category": "steps",
            "location": {"lon": 4.69, "lat": 51.81},
            "details": {"severity": 2, "affects": ["wheelchair_walker", "elderly", "buggy"]},
            "text": "  Hoge stoep bij de bushalte  ", "language": "nl"
        })
    }

    fn fields(r: Result<Submission, Vec<Violation>>) -> Vec<String> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.field)
            .collect()
    }

    #[test]
    fn valid_barrier_is_normalised() {
        let s = validate(&input(barrier())).expect("valid");
        assert_eq!(s.respondent, "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d");
        assert_eq!(s.text.as_deref(), Some("Hoge stoep bij de bushalte"));
        assert_eq!(s.campaign, "default");
        assert_eq!(s.source, Source::Web);
        assert_eq!(
            s.details,
            Details::Barrier {
                severity: 2,
                affects: vec!["elderly".into(), "wheelchair_walker".into(), "buggy".into()]
            }
        );
    }

    #[test]
    fn same_meaning_same_canonical_json() {
        let mut other = barrier();
        other["details"]["affects"] = json!(["buggy", "elderly", "wheelchair_walker"]);
        other["text"] = json!("Hoge stoep bij de bushalte");
        let a = validate(&input(barrier())).expect("valid");
        let b = validate(&input(other)).expect("valid");
        assert_eq!(a.canonical_json(), b.canonical_json());
    }

    #[test]
    fn ids_must_be_random_uuids() {
        for (id, rule) in [
            // Version 7: its first 48 bits are the moment it was made.
            ("01936f4e-2f3a-7c4d-9e5f-6a7b8c9d0e1f", Rule::NotRandomUuid),
            // Version 1: a timestamp and often a network card's address.
            ("6f1c2d3e-4a5b-11ef-8e7f-901234567890", Rule::NotRandomUuid),
            // Version 4 digit, but not RFC 9562's variant.
            ("6f1c2d3e-4a5b-4c6d-ce7f-901234567890", Rule::NotRandomUuid),
            ("6f1c2d3e4a5b4c6d8e7f901234567890", Rule::NotUuid),
        ] {
            let mut b = barrier();
            b["id"] = json!(id);
            b["respondent"] = json!(id);
            let errs = validate(&input(b)).expect_err(id);
            assert!(
                errs.contains(&Violation::new("id", rule.clone())),
                "{id}: {errs:?}"
            );
            assert!(
                errs.contains(&Violation::new("respondent", rule)),
                "{id}: {errs:?}"
            );
        }
        let mut b = barrier();
        b["id"] = json!("6F1C2D3E-4A5B-4C6D-BE7F-901234567890");
        assert_eq!(
            validate(&input(b)).expect("valid").id,
            "6f1c2d3e-4a5b-4c6d-be7f-901234567890"
        );
    }

    #[test]
    fn reports_every_wrong_field_at_once() {
        let mut b = barrier();
        b["id"] = json!("not-a-uuid");
        b["category"] = json!("bench"); // a place category
        b["location"] = json!({"lon": 13.4, "lat": 52.5}); // Berlin
        b["details"]["severity"] = json!(5);
        b["text"] = json!("x".repeat(MAX_TEXT_CHARS + 1));
        assert_eq!(
            fields(validate(&input(b))),
            ["id", "category", "location", "details.severity", "text"]
        );
    }

    #[test]
    fn text_limit_counts_characters_not_bytes() {
        let mut b = barrier();
        b["text"] = json!("ж".repeat(MAX_TEXT_CHARS)); // 2 bytes each
        assert!(validate(&input(b)).is_ok());
    }

    #[test]
    fn fields_of_another_kind_are_refused() {
        let mut b = barrier();
        b["details"]["talent"] = json!("koken");
        assert_eq!(fields(validate(&input(b))), ["details.talent"]);
    }

    #[test]
    fn unknown_and_duplicate_options_name_their_index() {
        let mut b = barrier();
        b["details"]["affects"] = json!(["elderly", "elderly", "aliens"]);
        assert_eq!(
            fields(validate(&input(b))),
            ["details.affects.1", "details.affects.2"]
        );
    }

    #[test]
    fn location_rules_per_kind() {
        let mut place = json!({
            "id": "6f1c2d3e-4a5b-4c6d-8e7f-901234567890",
            "respondent": "6f1c2d3e-4a5b-4c6d-8e7f-901234567891",
            "kind": "place", "category": "library", "language": "nl",
            "details": {"name": "Bibliotheek Dordrecht", "qualities": ["free", "toilet"]}
        });
        assert_eq!(fields(validate(&input(place.clone()))), ["location"]);
        place["location"] = json!({"lon": 4.67, "lat": 51.8});
        assert!(validate(&input(place)).is_ok());

        let mut social = barrier();
        social["category"] = json!("costs_money");
        social.as_object_mut().map(|o| o.remove("location"));
        assert!(
            validate(&input(social)).is_ok(),
            "a social barrier needs no place"
        );

        let mut physical = barrier();
        physical.as_object_mut().map(|o| o.remove("location"));
        assert_eq!(fields(validate(&input(physical))), ["location"]);
    }

    #[test]
    fn bbox_edges_are_inside() {
        let mut b = barrier();
        b["location"] = json!({"lon": 3.2, "lat": 53.6});
        assert!(validate(&input(b.clone())).is_ok());
        b["location"] = json!({"lon": 3.1999, "lat": 53.6});
        assert_eq!(fields(validate(&input(b))), ["location"]);
    }

    #[test]
    fn event_and_paper_need_authority() {
        let mut b = barrier();
        b["source"] = json!("event");
        assert_eq!(
            fields(validate(&input(b.clone()))),
            ["event", "source"],
            "an event entry names its event"
        );
        b["event"] = json!("e1");
        let rule = |b: &Value, proof: &Proof| {
            validate_for(&input(b.clone()), None, proof)
                .err()
                .map(|e| e[0].rule.clone())
        };
        assert_eq!(rule(&b, &Proof::default()), Some(Rule::NeedsAuthority));
        let other = Proof {
            event: Some("e2".into()),
            worker: true,
        };
        assert_eq!(
            rule(&b, &other),
            Some(Rule::NeedsAuthority),
            "a token opens only its own event"
        );
        let proven = Proof {
            event: Some("e1".into()),
            worker: false,
        };
        let s = validate_for(&input(b.clone()), None, &proven).expect("valid");
        assert_eq!((s.source, s.event.as_deref()), (Source::Event, Some("e1")));

        b["source"] = json!("paper");
        assert_eq!(
            rule(&b, &proven),
            Some(Rule::NeedsAuthority),
            "paper needs a worker"
        );
        let worker = Proof {
            event: None,
            worker: true,
        };
        assert_eq!(
            rule(&b, &worker),
            Some(Rule::UnknownValue),
            "an event the server did not find"
        );
        b.as_object_mut().map(|o| o.remove("event"));
        let s = validate_for(&input(b.clone()), None, &worker).expect("valid");
        assert_eq!((s.source, s.event), (Source::Paper, None));

        b["source"] = json!("web");
        b["event"] = json!("e1");
        assert_eq!(
            fields(validate(&input(b))),
            ["event"],
            "web entries carry no event"
        );
    }

    #[test]
    fn unknown_top_level_fields_do_not_parse() {
        let mut b = barrier();
        b["ip"] = json!("1.2.3.4");
        assert!(serde_json::from_value::<SubmissionInput>(b).is_err());
    }

    #[test]
    fn language_tags() {
        for ok in ["nl", "en", "ar", "pt-BR", "uk"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "n", "dutch", "nl-", "nl-NL-x", "<b>"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
