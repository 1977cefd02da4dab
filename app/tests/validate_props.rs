//! Property-based tests of the pure validators (`app::model::validate`, `FormDraft`): whatever a client
//! sends, validation never panics, names every wrong field, and only ever accepts an entry that keeps
//! the documented rules (docs/api.md); valid entries canonicalise the same way through every path.
//!
//! Case counts are kept moderate so that the file runs in a few seconds in a debug build. Failing
//! cases are not written to a regressions file: proptest prints the shrunk input, which is the
//! regression to add to the unit tests in `app/src/model/validate.rs`.

// Test code: a failed expectation is the test's failure (see clippy.toml for #[test] functions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use app::model::*;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Value};

const MIN_LON: f64 = 3.2;
const MAX_LON: f64 = 7.3;
const MIN_LAT: f64 = 50.7;
const MAX_LAT: f64 = 53.6;

/// The top-level fields of the request body a violation may name (plus `body` for the whole).
const TOP_FIELDS: &[&str] = &[
    "id",
    "respondent",
    "campaign",
    "kind",
    "category",
    "location",
    "details",
    "answers",
    "text",
    "language",
    "source",
    "event",
    "body",
];

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn all_categories() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Kind::ALL
        .iter()
        .flat_map(|k| k.categories().iter().copied())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn allowed_detail_keys(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Place => &["name", "qualities", "who"],
        Kind::Barrier => &["severity", "affects"],
        Kind::Wish => &["talent"],
    }
}

// ---------------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------------

/// Short strings of every sort: any unicode, control characters, whitespace, markup, empty.
fn small_wild() -> BoxedStrategy<String> {
    prop_oneof![
        3 => any::<String>(),
        2 => "\\PC{0,24}",
        1 => "[\\x00-\\x1f\\x7f\\u{85}\\u{a0}\\u{2028}\\u{200b}\\u{feff} \t\r\n]{0,8}",
        1 => "[<>&\"'`;%{}\\\\/.]{0,8}",
        1 => Just(String::new()),
    ]
    .boxed()
}

/// As [`small_wild`], and sometimes huge (up to 70,000 characters, past the 64 KiB body limit).
fn wild_string() -> BoxedStrategy<String> {
    prop_oneof![
        8 => small_wild(),
        1 => (any::<char>(), 0usize..70_000).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
    .boxed()
}

/// Any JSON value, a few levels deep, with numbers of every size and keys of every sort.
fn arb_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Non-finite floats become null, as in JSON.
        any::<f64>().prop_map(Value::from),
        (-5i64..10).prop_map(Value::from),
        small_wild().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(small_wild(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

fn hex_uuid() -> BoxedStrategy<String> {
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}".boxed()
}

/// A random UUID (version 4, RFC 9562's variant) in any case: what new entries' ids must be.
fn random_uuid() -> BoxedStrategy<String> {
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}".boxed()
}

/// Ids: mostly random UUIDs in any case, sometimes UUIDs of another version, sometimes nearly ones,
/// sometimes anything.
fn id_string() -> BoxedStrategy<String> {
    prop_oneof![
        7 => random_uuid(),
        1 => hex_uuid(),
        1 => (hex_uuid(), 0usize..36, small_wild()).prop_map(|(u, i, s)| {
            let mut chars: Vec<char> = u.chars().collect();
            chars.splice(i..=i, s.chars());
            chars.into_iter().collect()
        }),
        1 => wild_string(),
    ]
    .boxed()
}

fn slug() -> BoxedStrategy<String> {
    "[a-z0-9_-]{1,64}".boxed()
}

fn campaign() -> BoxedStrategy<String> {
    prop_oneof![
        6 => Just(DEFAULT_CAMPAIGN.to_string()),
        2 => slug(),
        1 => slug().prop_map(|s| format!(" {s}\t")),
        1 => wild_string(),
    ]
    .boxed()
}

fn language_tag() -> BoxedStrategy<String> {
    prop_oneof![
        4 => prop::sample::select(vec!["nl", "en", "ar", "pt-BR", "uk", "NL", "En", "tr"])
            .prop_map(String::from),
        2 => "[A-Za-z]{2,3}(-[A-Za-z0-9]{2,3})?",
    ]
    .boxed()
}

fn language() -> BoxedStrategy<String> {
    prop_oneof![
        8 => language_tag(),
        1 => language_tag().prop_map(|s| format!("  {s} ")),
        1 => wild_string(),
    ]
    .boxed()
}

/// Longitudes: inside, on and just past the edges, far away, NaN and infinities.
fn lon() -> BoxedStrategy<f64> {
    coordinate(MIN_LON, MAX_LON)
}

fn lat() -> BoxedStrategy<f64> {
    coordinate(MIN_LAT, MAX_LAT)
}

fn coordinate(min: f64, max: f64) -> BoxedStrategy<f64> {
    prop_oneof![
        12 => min..=max,
        1 => prop::sample::select(vec![
            min,
            max,
            min - 1e-9,
            max + 1e-9,
            min - 4e-8,
            max + 4e-8,
            next_down(min),
            next_up(max),
            0.0,
            -0.0,
            -min,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            1e300,
        ]),
        1 => any::<f64>(),
        1 => -1000.0f64..1000.0,
    ]
    .boxed()
}

fn next_up(x: f64) -> f64 {
    f64::from_bits(x.to_bits() + 1)
}

fn next_down(x: f64) -> f64 {
    f64::from_bits(x.to_bits() - 1)
}

fn in_nl(lon: f64, lat: f64) -> bool {
    lon.is_finite()
        && lat.is_finite()
        && (MIN_LON..=MAX_LON).contains(&lon)
        && (MIN_LAT..=MAX_LAT).contains(&lat)
}

fn any_location() -> BoxedStrategy<Option<Location>> {
    prop_oneof![
        1 => Just(None),
        4 => (lon(), lat()).prop_map(|(lon, lat)| Some(Location { lon, lat })),
    ]
    .boxed()
}

/// Text around a limit: padded with whitespace, `n` copies of one non-space character with `n` near
/// `max`, or short anything, or huge.
fn text_near(max: usize) -> BoxedStrategy<String> {
    let lo = max.saturating_sub(3);
    prop_oneof![
        4 => "\\PC{0,40}",
        2 => (non_space_char(), lo..=max + 3, "[ \t\n\u{a0}\u{3000}]{0,3}")
            .prop_map(|(c, n, pad)| format!("{pad}{}{pad}", c.to_string().repeat(n))),
        1 => small_wild(),
        1 => wild_string(),
    ]
    .boxed()
}

fn non_space_char() -> BoxedStrategy<char> {
    prop_oneof![
        Just('x'),
        Just('ж'),
        Just('😀'),
        Just('ي'),
        Just('\u{301}'),
        any::<char>(),
    ]
    .prop_filter("not whitespace", |c| !c.is_whitespace())
    .boxed()
}

fn option_list(options: &'static [&'static str]) -> BoxedStrategy<Value> {
    prop_oneof![
        6 => prop::sample::subsequence(options.to_vec(), 0..=options.len())
            .prop_shuffle()
            .prop_map(|v| Value::from(v.into_iter().map(String::from).collect::<Vec<_>>())),
        // A duplicate or an option of another list.
        1 => (prop::sample::select(options.to_vec()), prop::sample::select(BARRIER_AFFECTS.to_vec()))
            .prop_map(|(a, b)| Value::from(vec![a, a, b])),
        1 => arb_json(),
    ]
    .boxed()
}

fn put(map: &mut Map<String, Value>, key: &str, v: Option<Value>) {
    if let Some(v) = v {
        map.insert(key.to_string(), v);
    }
}

/// Details that mostly fit the kind, sometimes with an extra key, sometimes anything.
fn details(kind: Kind) -> BoxedStrategy<Map<String, Value>> {
    let coherent: BoxedStrategy<Map<String, Value>> = match kind {
        Kind::Place => (
            prop::option::of(text_near(MAX_NAME_CHARS).prop_map(Value::String)),
            prop::option::of(option_list(PLACE_QUALITIES)),
            prop::option::of(text_near(MAX_WHO_CHARS).prop_map(Value::String)),
        )
            .prop_map(|(name, qualities, who)| {
                let mut m = Map::new();
                put(&mut m, "name", name);
                put(&mut m, "qualities", qualities);
                put(&mut m, "who", who);
                m
            })
            .boxed(),
        Kind::Barrier => (
            prop_oneof![
                8 => (1u64..=3).prop_map(|n| Some(Value::from(n))),
                1 => Just(None),
                1 => prop::option::of(arb_json()),
            ],
            prop::option::of(option_list(BARRIER_AFFECTS)),
        )
            .prop_map(|(severity, affects)| {
                let mut m = Map::new();
                put(&mut m, "severity", severity);
                put(&mut m, "affects", affects);
                m
            })
            .boxed(),
        Kind::Wish => prop::option::of(text_near(MAX_TALENT_CHARS).prop_map(Value::String))
            .prop_map(|talent| {
                let mut m = Map::new();
                put(&mut m, "talent", talent);
                m
            })
            .boxed(),
    };
    prop_oneof![
        8 => coherent.clone(),
        1 => (coherent, small_wild(), arb_json()).prop_map(|(mut m, k, v)| {
            m.insert(k, v);
            m
        }),
        1 => prop::collection::btree_map(
            prop_oneof![
                prop::sample::select(vec!["name", "qualities", "who", "severity", "affects", "talent"])
                    .prop_map(String::from),
                small_wild(),
            ],
            arb_json(),
            0..6,
        )
        .prop_map(|m| m.into_iter().collect()),
    ]
    .boxed()
}

fn answers() -> BoxedStrategy<Map<String, Value>> {
    prop_oneof![
        12 => Just(Map::new()),
        1 => prop::collection::btree_map(small_wild(), arb_json(), 1..4)
            .prop_map(|m| m.into_iter().collect()),
    ]
    .boxed()
}

/// A request body as a client might send it: mostly plausible, every field sometimes wrong.
fn any_input() -> BoxedStrategy<SubmissionInput> {
    prop::sample::select(Kind::ALL.to_vec())
        .prop_flat_map(|kind| {
            let cats = all_categories();
            (
                (id_string(), id_string(), campaign()),
                prop_oneof![
                    8 => Just(kind.as_str().to_string()),
                    1 => Just(kind.as_str().to_ascii_uppercase()),
                    1 => wild_string(),
                ],
                prop_oneof![
                    8 => prop::sample::select(kind.categories().to_vec()).prop_map(String::from),
                    1 => prop::sample::select(cats).prop_map(String::from),
                    1 => wild_string(),
                ],
                any_location(),
                (details(kind), answers()),
                prop::option::of(text_near(MAX_TEXT_CHARS)),
                language(),
                prop_oneof![
                    8 => Just("web".to_string()),
                    1 => prop::sample::select(vec!["event", "paper", "Web", ""]).prop_map(String::from),
                    1 => wild_string(),
                ],
                prop_oneof![9 => Just(None), 1 => small_wild().prop_map(Some)],
            )
        })
        .prop_map(
            |(
                (id, respondent, campaign),
                kind,
                category,
                location,
                (details, answers),
                text,
                language,
                source,
                event,
            )| SubmissionInput {
                id,
                respondent,
                campaign,
                kind,
                category,
                location,
                details,
                answers,
                text,
                language,
                source,
                event,
            },
        )
        .boxed()
}

/// Text that is valid for a limit (at most `max` characters before trimming).
fn valid_text(max: usize) -> BoxedStrategy<String> {
    prop_oneof![
        6 => "\\PC{0,60}",
        1 => (non_space_char(), 0..=max).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
    .boxed()
}

fn valid_list(options: &'static [&'static str]) -> BoxedStrategy<Vec<String>> {
    prop::sample::subsequence(options.to_vec(), 0..=options.len())
        .prop_shuffle()
        .prop_map(|v| v.into_iter().map(String::from).collect())
        .boxed()
}

fn strings(v: &[String]) -> Value {
    Value::from(v.to_vec())
}

/// Details that are valid for the kind.
fn valid_details(kind: Kind) -> BoxedStrategy<Map<String, Value>> {
    match kind {
        Kind::Place => (
            prop::option::of(valid_text(MAX_NAME_CHARS)),
            prop::option::of(valid_list(PLACE_QUALITIES)),
            prop::option::of(valid_text(MAX_WHO_CHARS)),
        )
            .prop_map(|(name, qualities, who)| {
                let mut m = Map::new();
                put(&mut m, "name", name.map(Value::String));
                put(&mut m, "qualities", qualities.as_deref().map(strings));
                put(&mut m, "who", who.map(Value::String));
                m
            })
            .boxed(),
        Kind::Barrier => (1u64..=3, prop::option::of(valid_list(BARRIER_AFFECTS)))
            .prop_map(|(severity, affects)| {
                let mut m = Map::new();
                m.insert("severity".into(), Value::from(severity));
                put(&mut m, "affects", affects.as_deref().map(strings));
                m
            })
            .boxed(),
        Kind::Wish => prop::option::of(valid_text(MAX_TALENT_CHARS))
            .prop_map(|talent| {
                let mut m = Map::new();
                put(&mut m, "talent", talent.map(Value::String));
                m
            })
            .boxed(),
    }
}

/// A body that keeps every rule.
fn valid_input() -> BoxedStrategy<SubmissionInput> {
    prop::sample::select(Kind::ALL.to_vec())
        .prop_flat_map(|kind| {
            (
                Just(kind),
                (random_uuid(), random_uuid()),
                prop_oneof![4 => Just(DEFAULT_CAMPAIGN.to_string()), 1 => slug()],
                prop::sample::select(kind.categories().to_vec()),
                (MIN_LON..=MAX_LON, MIN_LAT..=MAX_LAT, any::<bool>()),
                valid_details(kind),
                prop::option::of(valid_text(MAX_TEXT_CHARS)),
                language_tag(),
            )
        })
        .prop_map(
            |(
                kind,
                (id, respondent),
                campaign,
                category,
                (lon, lat, located),
                details,
                text,
                language,
            )| {
                let location = (located || location_required(Some(kind), category))
                    .then_some(Location { lon, lat });
                SubmissionInput {
                    id,
                    respondent,
                    campaign,
                    kind: kind.as_str().to_string(),
                    category: category.to_string(),
                    location,
                    details,
                    answers: Map::new(),
                    text,
                    language,
                    source: "web".to_string(),
                    event: None,
                }
            },
        )
        .boxed()
}

// ---------------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------------

fn fields(errs: &[Violation]) -> Vec<&str> {
    errs.iter().map(|v| v.field.as_str()).collect()
}

fn check_text(
    t: &Option<String>,
    max: usize,
    given: Option<&str>,
    what: &str,
) -> Result<(), TestCaseError> {
    if let Some(t) = t {
        prop_assert!(!t.is_empty(), "{what} is empty instead of absent");
        prop_assert_eq!(t.trim(), t.as_str(), "{} is not trimmed", what);
        prop_assert!(t.chars().count() <= max, "{what} is over {max} characters");
        prop_assert_eq!(
            Some(t.as_str()),
            given.map(str::trim),
            "{} is not the given text",
            what
        );
    } else if let Some(g) = given {
        prop_assert!(g.trim().is_empty(), "{what} {g:?} was dropped");
    }
    Ok(())
}

fn detail_str<'a>(input: &'a SubmissionInput, key: &str) -> Option<&'a str> {
    input.details.get(key).and_then(Value::as_str)
}

fn check_list(list: &[String], options: &[&str], what: &str) -> Result<(), TestCaseError> {
    let positions: Vec<usize> = list
        .iter()
        .map(|s| options.iter().position(|o| o == s))
        .collect::<Option<_>>()
        .ok_or_else(|| TestCaseError::fail(format!("{what} {list:?} has an unknown option")))?;
    prop_assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "{} {:?} is not unique in catalog order",
        what,
        list
    );
    Ok(())
}

/// What every answer of `validate` must keep, whatever the input.
fn check_outcome(
    input: &SubmissionInput,
    result: &Result<Submission, Vec<Violation>>,
) -> Result<(), TestCaseError> {
    match result {
        Err(errs) => {
            prop_assert!(!errs.is_empty(), "rejected without a reason");
            for v in errs {
                let root = v.field.split('.').next().unwrap_or_default();
                prop_assert!(
                    TOP_FIELDS.contains(&root),
                    "violation names no field of the body: {:?}",
                    v
                );
                // `details.KEY`, `details.KEY.INDEX` or `answers.KEY`: a key the body has (even an
                // empty one), or a field the kind requires.
                if let Some(rest) = v.field.strip_prefix("details.") {
                    let names_key = |k: &str| rest == k || rest.starts_with(&format!("{k}."));
                    prop_assert!(
                        input.details.keys().any(|k| names_key(k)) || rest == "severity",
                        "{:?} names no key of {:?}",
                        v,
                        input.details
                    );
                } else if let Some(rest) = v.field.strip_prefix("answers.") {
                    prop_assert!(input.answers.contains_key(rest), "{:?} names no answer", v);
                } else {
                    prop_assert!(!v.field.contains('.'), "{:?} is not a field of the body", v);
                }
                prop_assert!(!v.rule.message().is_empty());
            }
            // Wrong fields the validator must name, checked independently of it.
            let named = |f: &str| errs.iter().any(|v| v.field == f);
            if let Some(l) = input.location {
                if !in_nl(l.lon, l.lat) {
                    prop_assert!(named("location"), "{:?} not refused: {:?}", l, errs);
                }
            }
            if input
                .text
                .as_deref()
                .is_some_and(|t| t.trim().chars().count() > MAX_TEXT_CHARS)
            {
                prop_assert!(named("text"));
            }
            if Kind::parse(&input.kind).is_none() {
                prop_assert!(named("kind"));
            }
            for key in input.answers.keys() {
                prop_assert!(
                    named(&format!("answers.{key}")),
                    "answers.{} not named",
                    key
                );
            }
            if let Some(kind) = Kind::parse(&input.kind) {
                for key in input.details.keys() {
                    if !allowed_detail_keys(kind).contains(&key.as_str()) {
                        prop_assert!(
                            named(&format!("details.{key}")),
                            "details.{} not named",
                            key
                        );
                    }
                }
            }
        }
        Ok(s) => {
            prop_assert!(is_random_uuid(&s.id) && s.id == input.id.to_ascii_lowercase());
            prop_assert!(
                is_random_uuid(&s.respondent)
                    && s.respondent == input.respondent.to_ascii_lowercase()
            );
            prop_assert!(is_slug(&s.campaign));
            prop_assert_eq!(s.campaign.as_str(), input.campaign.trim());
            prop_assert_eq!(s.kind.as_str(), input.kind.as_str());
            prop_assert!(
                s.kind.categories().contains(&s.category.as_str()),
                "category {} is not of kind {:?}",
                s.category,
                s.kind
            );
            prop_assert_eq!(&s.category, &input.category);
            match (s.location, input.location) {
                (Some(l), Some(given)) => {
                    prop_assert!(
                        in_nl(l.lon, l.lat),
                        "accepted outside the Netherlands: {:?}",
                        l
                    );
                    prop_assert!(in_nl(given.lon, given.lat), "accepted {:?}", given);
                    prop_assert!((l.lon - given.lon).abs() <= 5.1e-8);
                    prop_assert!((l.lat - given.lat).abs() <= 5.1e-8);
                }
                (None, None) => prop_assert!(!location_required(Some(s.kind), &s.category)),
                (got, given) => prop_assert!(false, "location {:?} from {:?}", got, given),
            }
            for key in input.details.keys() {
                prop_assert!(allowed_detail_keys(s.kind).contains(&key.as_str()));
            }
            match (&s.details, s.kind) {
                (
                    Details::Place {
                        name,
                        qualities,
                        who,
                    },
                    Kind::Place,
                ) => {
                    check_text(name, MAX_NAME_CHARS, detail_str(input, "name"), "name")?;
                    check_text(who, MAX_WHO_CHARS, detail_str(input, "who"), "who")?;
                    check_list(qualities, PLACE_QUALITIES, "qualities")?;
                }
                (Details::Barrier { severity, affects }, Kind::Barrier) => {
                    prop_assert!((1..=3).contains(severity));
                    check_list(affects, BARRIER_AFFECTS, "affects")?;
                }
                (Details::Wish { talent }, Kind::Wish) => {
                    check_text(
                        talent,
                        MAX_TALENT_CHARS,
                        detail_str(input, "talent"),
                        "talent",
                    )?;
                }
                (d, k) => prop_assert!(false, "details {:?} for kind {:?}", d, k),
            }
            check_text(&s.text, MAX_TEXT_CHARS, input.text.as_deref(), "text")?;
            prop_assert!(s.answers.is_empty() && input.answers.is_empty());
            prop_assert!(is_language_tag(&s.language));
            prop_assert_eq!(&s.language, &input.language.trim().to_ascii_lowercase());
            prop_assert_eq!(s.source, Source::Web);
            prop_assert!(s.event.is_none() && input.event.is_none());
        }
    }
    Ok(())
}

/// The body a valid submission stands for, as the API would receive it again.
fn reparse(s: &Submission) -> Result<SubmissionInput, TestCaseError> {
    serde_json::from_str(&s.canonical_json())
        .map_err(|e| TestCaseError::fail(format!("canonical JSON does not parse back: {e}")))
}

fn accepted(input: &SubmissionInput) -> Result<Submission, TestCaseError> {
    validate(input).map_err(|e| TestCaseError::fail(format!("valid input refused: {e:?}")))
}

/// Upper- or lowercases each ASCII letter of `s` by `mask`.
fn recase(s: &str, mask: &[bool]) -> String {
    s.chars()
        .zip(mask.iter().cycle())
        .map(|(c, up)| {
            if *up {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// The resident form's fields for a body, as a browser would post them.
fn form_pairs(input: &SubmissionInput) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = vec![
        ("id".into(), input.id.clone()),
        ("respondent".into(), input.respondent.clone()),
        ("campaign".into(), input.campaign.clone()),
        ("kind".into(), input.kind.clone()),
        ("category".into(), input.category.clone()),
        ("language".into(), input.language.clone()),
        ("text".into(), input.text.clone().unwrap_or_default()),
    ];
    if let Some(l) = input.location {
        p.push(("lon".into(), l.lon.to_string()));
        p.push(("lat".into(), l.lat.to_string()));
    }
    for (k, v) in &input.details {
        match v {
            Value::String(s) => p.push((k.clone(), s.clone())),
            Value::Number(n) => p.push((k.clone(), n.to_string())),
            Value::Array(items) => {
                for item in items {
                    p.push((k.clone(), item.as_str().unwrap_or_default().to_string()));
                }
            }
            _ => {}
        }
    }
    p
}

// ---------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(2000))]

    /// Any body, plausible or not: no panic; refused with every reason naming a field of the body, or
    /// accepted only when it keeps every rule.
    #[test]
    fn validate_never_panics_and_every_answer_keeps_the_rules(input in any_input()) {
        let result = validate(&input);
        check_outcome(&input, &result)?;
    }

    /// Whatever JSON arrives: parsing and validation never panic, and what parses obeys the same rules.
    #[test]
    fn any_json_body_parses_or_is_refused_without_panic(
        base in valid_input(),
        field in prop::sample::select(TOP_FIELDS.to_vec()),
        value in arb_json(),
        extra in prop::option::weighted(0.2, (small_wild(), arb_json())),
        whole in prop::option::weighted(0.1, arb_json()),
    ) {
        let mut body = serde_json::to_value(&base).map_err(|e| TestCaseError::fail(e.to_string()))?;
        if let Some(obj) = body.as_object_mut() {
            obj.insert(field.to_string(), value);
            if let Some((k, v)) = extra {
                obj.insert(k, v);
            }
        }
        let body = whole.unwrap_or(body);
        if let Ok(input) = serde_json::from_value::<SubmissionInput>(body.clone()) {
            check_outcome(&input, &validate(&input))?;
        }
        // The same through the bytes the server reads.
        let text = body.to_string();
        if let Ok(input) = serde_json::from_str::<SubmissionInput>(&text) {
            check_outcome(&input, &validate(&input))?;
        }
    }

    /// Numbers serde_json cannot hold (1e400), or spelled oddly, in the location: never a panic, and
    /// never a non-finite or outside coordinate accepted.
    #[test]
    fn odd_number_literals_in_the_location(
        base in valid_input(),
        lon in prop_oneof![
            Just("1e400".to_string()), Just("-1e400".to_string()), Just("4.5e0".to_string()),
            Just("-0".to_string()), Just("4".to_string()), Just("0.00000000000000000000000001".to_string()),
            Just("NaN".to_string()), Just("Infinity".to_string()), Just("\"4.5\"".to_string()),
            Just("null".to_string()), Just("45e-1".to_string()),
            "-?[0-9]{1,3}(\\.[0-9]{0,20})?(e-?[0-9]{1,4})?",
        ],
    ) {
        let mut body = serde_json::to_value(&base).map_err(|e| TestCaseError::fail(e.to_string()))?;
        body["location"] = serde_json::json!({"lon": 0, "lat": 52.0});
        let text = body.to_string().replacen("\"lon\":0", &format!("\"lon\":{lon}"), 1);
        if let Ok(input) = serde_json::from_str::<SubmissionInput>(&text) {
            check_outcome(&input, &validate(&input))?;
        }
    }

    /// Arbitrary bytes as the body.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(input) = serde_json::from_slice::<SubmissionInput>(&bytes) {
            check_outcome(&input, &validate(&input))?;
        }
    }
}

proptest! {
    #![proptest_config(config(1000))]

    /// A body that keeps every rule is accepted (the validator refuses nothing it should take).
    #[test]
    fn valid_bodies_are_accepted(input in valid_input()) {
        let s = accepted(&input)?;
        check_outcome(&input, &Ok(s))?;
    }

    /// Validating the canonical form again gives the same canonical JSON.
    #[test]
    fn validation_is_idempotent(input in any_input()) {
        if let Ok(s) = validate(&input) {
            let again = accepted(&reparse(&s)?)?;
            prop_assert_eq!(again.canonical_json(), s.canonical_json());
        }
    }

    #[test]
    fn validation_of_valid_bodies_is_idempotent(input in valid_input()) {
        let s = accepted(&input)?;
        let again = accepted(&reparse(&s)?)?;
        prop_assert_eq!(again.canonical_json(), s.canonical_json());
    }

    /// Ids and language in any letter case, campaign and language padded, options in any order: the
    /// same canonical JSON, so a replay compares equal.
    #[test]
    fn case_and_order_variants_canonicalise_equally(
        input in valid_input(),
        mask_id in prop::collection::vec(any::<bool>(), 1..36),
        mask_respondent in prop::collection::vec(any::<bool>(), 1..36),
        mask_language in prop::collection::vec(any::<bool>(), 1..6),
        upper in any::<bool>(),
        pad in "[ \t\n]{0,3}",
        seed in any::<u64>(),
    ) {
        let reference = accepted(&input)?.canonical_json();
        let mut v = input.clone();
        v.id = if upper { v.id.to_ascii_uppercase() } else { recase(&v.id, &mask_id) };
        v.respondent = recase(&v.respondent, &mask_respondent);
        v.language = format!("{pad}{}{pad}", recase(&v.language, &mask_language));
        v.campaign = format!("{pad}{}{pad}", v.campaign);
        for key in ["qualities", "affects"] {
            if let Some(Value::Array(items)) = v.details.get_mut(key) {
                // A rotation by the seed: another order of the same options.
                if !items.is_empty() {
                    let n = (seed as usize) % items.len();
                    items.rotate_left(n);
                }
            }
        }
        prop_assert_eq!(accepted(&v)?.canonical_json(), reference);
        let lower = SubmissionInput {
            id: input.id.to_ascii_lowercase(),
            respondent: input.respondent.to_ascii_lowercase(),
            ..input.clone()
        };
        let upper_ids = SubmissionInput {
            id: input.id.to_ascii_uppercase(),
            respondent: input.respondent.to_ascii_uppercase(),
            ..input
        };
        prop_assert_eq!(accepted(&lower)?.canonical_json(), accepted(&upper_ids)?.canonical_json());
    }

    /// Any coordinates on an otherwise valid body: accepted exactly when finite and inside the box
    /// (edges included), and otherwise refused for `location` alone.
    #[test]
    fn location_is_accepted_exactly_inside_the_netherlands(
        input in valid_input(),
        lon in lon(),
        lat in lat(),
    ) {
        let v = SubmissionInput { location: Some(Location { lon, lat }), ..input };
        match validate(&v) {
            Ok(s) => {
                prop_assert!(in_nl(lon, lat), "accepted ({}, {})", lon, lat);
                check_outcome(&v, &Ok(s))?;
            }
            Err(errs) => {
                prop_assert!(!in_nl(lon, lat), "refused ({}, {}): {:?}", lon, lat, errs);
                prop_assert_eq!(fields(&errs), vec!["location"]);
            }
        }
    }

    /// Texts are measured in characters after trimming: `n` copies of a character with padding pass
    /// exactly when `n` is within the field's limit.
    #[test]
    fn text_limits_count_trimmed_characters(
        input in valid_input(),
        c in non_space_char(),
        delta in -3i64..=3,
        pad in "[ \t\r\n\u{a0}\u{2003}\u{3000}]{0,4}",
        which in 0usize..2,
    ) {
        let kind = Kind::parse(&input.kind).ok_or_else(|| TestCaseError::fail("kind"))?;
        let (field, key, max) = match (which, kind) {
            (0, _) => ("text", None, MAX_TEXT_CHARS),
            (_, Kind::Place) => ("details.name", Some("name"), MAX_NAME_CHARS),
            (_, Kind::Barrier) => ("text", None, MAX_TEXT_CHARS),
            (_, Kind::Wish) => ("details.talent", Some("talent"), MAX_TALENT_CHARS),
        };
        let n = (max as i64 + delta) as usize;
        let text = format!("{pad}{}{pad}", c.to_string().repeat(n));
        let mut v = input;
        match key {
            None => v.text = Some(text.clone()),
            Some(k) => { v.details.insert(k.to_string(), Value::String(text.clone())); }
        }
        match validate(&v) {
            Ok(s) => {
                prop_assert!(n <= max, "{} of {} characters accepted", field, n);
                check_outcome(&v, &Ok(s))?;
            }
            Err(errs) => {
                prop_assert!(n > max, "{} of {} characters refused: {:?}", field, n, errs);
                prop_assert_eq!(fields(&errs), vec![field]);
                prop_assert_eq!(&errs[0].rule, &Rule::TooLong { max });
            }
        }
    }

    /// Any key a kind does not have, in `details` or `answers`, is refused by name, and alone.
    #[test]
    fn unknown_detail_and_answer_keys_are_named(
        input in valid_input(),
        key in prop_oneof![
            small_wild(),
            prop::sample::select(vec!["name", "qualities", "who", "severity", "affects", "talent",
                "Name", "name ", "details", "__proto__", "constructor", "a.b", ""]).prop_map(String::from),
        ],
        value in arb_json(),
        in_answers in any::<bool>(),
    ) {
        let kind = Kind::parse(&input.kind).ok_or_else(|| TestCaseError::fail("kind"))?;
        let mut v = input;
        let expected = if in_answers {
            v.answers.insert(key.clone(), value);
            format!("answers.{key}")
        } else {
            prop_assume!(!allowed_detail_keys(kind).contains(&key.as_str()));
            v.details.insert(key.clone(), value);
            format!("details.{key}")
        };
        let errs = validate(&v).err().ok_or_else(|| TestCaseError::fail("accepted an unknown key"))?;
        prop_assert_eq!(fields(&errs), vec![expected.as_str()]);
        prop_assert_eq!(&errs[0].rule, &Rule::UnknownField);
    }

    /// The plain HTML form and the JSON API agree: a valid body posted as form fields (in any order,
    /// with unknown fields among them) gives the same canonical submission.
    #[test]
    fn the_form_and_the_api_canonicalise_equally(
        input in valid_input(),
        junk in prop::collection::vec((small_wild(), small_wild()), 0..4),
        seed in any::<u64>(),
    ) {
        // Unknown keys are ignored by the form; keep the junk off the form's own field names.
        let known = ["id", "respondent", "campaign", "kind", "category", "lon", "lat", "address",
            "name", "qualities", "who", "severity", "affects", "talent", "text", "language"];
        let mut pairs = form_pairs(&input);
        for (k, v) in junk {
            if !known.contains(&k.as_str()) {
                pairs.push((k, v));
            }
        }
        if !pairs.is_empty() {
            let n = (seed as usize) % pairs.len();
            pairs.rotate_left(n);
        }
        let draft = FormDraft::from_pairs(&pairs);
        let from_form = draft
            .check()
            .map_err(|e| TestCaseError::fail(format!("the form refused a valid entry: {e:?}")))?;
        prop_assert_eq!(from_form.canonical_json(), accepted(&input)?.canonical_json());
    }

    /// `FormDraft::from_pairs` takes any pairs: no panic, the last value of a field wins, checkboxes
    /// collect in order, and whatever the draft checks out as keeps the rules.
    #[test]
    fn form_drafts_from_any_pairs(
        pairs in prop::collection::vec(
            (
                prop_oneof![
                    4 => prop::sample::select(vec!["id", "respondent", "campaign", "kind", "category",
                        "lon", "lat", "address", "name", "qualities", "who", "severity", "affects",
                        "talent", "text", "language"]).prop_map(String::from),
                    1 => small_wild(),
                ],
                prop_oneof![
                    4 => small_wild(),
                    2 => prop::sample::select(vec!["place", "barrier", "wish", "steps", "library",
                        "wish", "free", "elderly", "2", "4.5", "52.0", "NaN", "inf", "-inf", "1e400",
                        "nl", "default"]).prop_map(String::from),
                    1 => hex_uuid(),
                    1 => wild_string(),
                ],
            ),
            0..24,
        ),
    ) {
        let d = FormDraft::from_pairs(&pairs);
        let last = |key: &str| {
            pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
        };
        let all = |key: &str| -> Vec<String> {
            pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
        };
        prop_assert_eq!(&d.id, &last("id"));
        prop_assert_eq!(&d.kind, &last("kind"));
        prop_assert_eq!(&d.lon, &last("lon"));
        prop_assert_eq!(&d.text, &last("text"));
        prop_assert_eq!(&d.qualities, &all("qualities"));
        prop_assert_eq!(&d.affects, &all("affects"));
        let _ = d.location();
        let input = d.to_input(d.location().ok().flatten());
        check_outcome(&input, &validate(&input))?;
        if let Ok(s) = d.check() {
            if let Some(l) = s.location {
                prop_assert!(in_nl(l.lon, l.lat), "the form accepted {:?}", l);
            } else {
                prop_assert!(!location_required(Some(s.kind), &s.category) || !d.address.trim().is_empty());
            }
            prop_assert!(s.kind.categories().contains(&s.category.as_str()));
            prop_assert!(s.text.as_deref().is_none_or(|t| t == t.trim() && t.chars().count() <= MAX_TEXT_CHARS));
        }
    }

    /// `is_uuid`: every 8-4-4-4-12 hexadecimal string in any case, nothing else.
    #[test]
    fn is_uuid_accepts_exactly_the_uuid_shape(
        u in hex_uuid(),
        at in 0usize..36,
        c in any::<char>(),
        cut in 0usize..36,
        extra in any::<char>(),
    ) {
        prop_assert!(is_uuid(&u));
        prop_assert!(is_uuid(&u.to_ascii_uppercase()) && is_uuid(&u.to_ascii_lowercase()));
        let fits = if [8, 13, 18, 23].contains(&at) { c == '-' } else { c.is_ascii_hexdigit() };
        let mut chars: Vec<char> = u.chars().collect();
        chars[at] = c;
        let changed: String = chars.iter().collect();
        prop_assert_eq!(is_uuid(&changed), fits, "{:?}", changed);
        prop_assert!(!is_uuid(&u[..cut]));
        for longer in [format!("{u}{extra}"), format!("{extra}{u}"), format!(" {u}")] {
            prop_assert!(!is_uuid(&longer), "{:?}", longer);
        }
    }

    /// `is_random_uuid`: a UUID whose version digit is 4 and whose variant digit is 8, 9, a or b.
    #[test]
    fn is_random_uuid_accepts_exactly_version_4(u in hex_uuid()) {
        let b = u.as_bytes();
        let v4 = b[14] == b'4' && b"89abAB".contains(&b[19]);
        prop_assert_eq!(is_random_uuid(&u), v4, "{}", u);
    }

    /// `is_slug`: 1 to 64 of `a-z 0-9 - _`, nothing else.
    #[test]
    fn is_slug_accepts_exactly_slugs(s in slug(), c in any::<char>(), at in 0usize..64, any in wild_string()) {
        prop_assert!(is_slug(&s));
        let fits = c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
        let mut chars: Vec<char> = s.chars().collect();
        let at = at % chars.len();
        chars[at] = c;
        let changed: String = chars.iter().collect();
        prop_assert_eq!(is_slug(&changed), fits && changed.len() <= 64, "{:?}", changed);
        prop_assert!(!is_slug(&"a".repeat(65)));
        prop_assert!(!is_slug(""));
        let reference = (1..=64).contains(&any.chars().count())
            && any.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        prop_assert_eq!(is_slug(&any), reference, "{:?}", any);
    }
}
