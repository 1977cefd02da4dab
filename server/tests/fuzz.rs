//! Issue 6, "Bad input at volume": fuzzing of what reads untrusted bytes without storage.
//!
//! - the boundary importer, `server::import::boundaries::read`, on GeoJSON and on TopoJSON: seeded from
//!   the real CBS files in `../shared/data/boundaries` (cut down so that one input stays small), mutated
//!   structurally (numbers made huge, negative, fractional or out of range, strings made numbers, lists
//!   made objects, keys dropped or duplicated, rings emptied, unclosed, collapsed or turned into bowties,
//!   arrays nested hundreds deep, arc indices out of range or bitwise negated, transforms with zero or
//!   huge scales, quantised deltas that overflow) and byte by byte, and generated from scratch;
//! - the submission validator: a JSON body through `serde_path_to_error` into `SubmissionInput`, the
//!   server's `json_error`, `validate` and `validate_for` (with campaigns and proofs), and the plain
//!   form: urlencoded bytes into `FormDraft`, `check`, `location` and `to_input`.
//!
//! The rules themselves are the property tests' business (`app/tests/validate_props.rs`). Here the
//! properties are: no panic, no hang (one input under 5 s; the watchdog ends the run after 60 s), a
//! rejection names a field, an imported area has an area and finite coordinates.
//!
//! Driven by proptest's runner (generation, catching panics, shrinking a failure to the smallest
//! input that fails the same way). A plain `cargo test` runs a few hundred inputs per target; the
//! long run is its own step of the test command (`scripts/test.sh`): `TREFPUNT_FUZZ_CASES=10000
//! cargo test -p server --test fuzz`. Each test prints, past the harness's capture, how many inputs
//! it ran in how many seconds and what they reached.
//!
//! A failing input (the shrunk one) is written under `std::env::temp_dir()/trefpunt-fuzz/` (with a
//! `.txt` beside it: the importer's level and fields, the failure and its backtrace); its path and
//! first bytes are printed. `TREFPUNT_FUZZ_SEED=<the seed printed>` with the test's name replays a
//! run's inputs in the same order. One input slower than 5 s fails the test; one still running after
//! 60 s is a hang: a watchdog saves it and ends the test binary (proptest cannot stop a case).

// Test code: a failed expectation is the test's failure (see clippy.toml for #[test] functions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use app::model::{
    validate, validate_for, Campaign, FormDraft, Kind, Proof, Submission, SubmissionInput,
    Violation, BARRIER_AFFECTS, PLACE_QUALITIES,
};
use geo::{Area as _, CoordsIter as _};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use serde_json::Value;
use server::domain::areas::{is_cbs_code, Level};
use server::import::boundaries::{read, shape_to_geojson, Fields, ImportError};
use server::routes::error::{json_error, ApiError};

/// Prints to the process's stderr, past the test harness's capture: `cargo test` without
/// `--nocapture` (scripts/test.sh) still logs how long the fuzzing ran, and a hang's input is
/// printed before the watchdog ends the binary.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut line = format!($($arg)*);
        line.push('\n');
        let _ = std::io::stderr().write_all(line.as_bytes());
    }};
}

/// One input slower than this fails the test.
const SLOW: Duration = Duration::from_secs(5);
/// One input running this long is a hang: the watchdog saves it and ends the test binary.
const HANG: Duration = Duration::from_secs(60);
/// How long proptest may shrink a failure, in milliseconds.
const SHRINK_MS: u32 = 20_000;
/// Inputs per target in a plain `cargo test`.
const DEFAULT_CASES: u32 = 300;
/// Documents are cut to this many bytes (a truncation is one more mutation).
const MAX_BYTES: usize = 256 * 1024;

// ---------------------------------------------------------------------------------------------------
// The four targets.

#[test]
fn fuzz_importer_geojson() {
    fuzz("importer GeoJSON", geojson_input(), import_case);
}

#[test]
fn fuzz_importer_topojson() {
    fuzz("importer TopoJSON", topojson_input(), import_case);
}

#[test]
fn fuzz_submission_json() {
    fuzz("submission JSON", submission_input(), submission_case);
}

#[test]
fn fuzz_resident_form() {
    fuzz("resident form", form_input(), form_case);
}

// ---------------------------------------------------------------------------------------------------
// What each input must do.

/// What a case says: `Ok(outcome)` (counted, to show what the inputs reach) or a broken property.
type Verdict = Result<&'static str, String>;

#[derive(Clone, Debug)]
struct ImportInput {
    bytes: Vec<u8>,
    level: Level,
    code_field: Option<String>,
    name_field: Option<String>,
}

fn import_case(c: &ImportInput) -> Verdict {
    let fields = Fields {
        code: c.code_field.clone(),
        name: c.name_field.clone(),
    };
    match read(&c.bytes, c.level, &fields) {
        Ok(report) => {
            for (code, name) in &report.parent_names {
                if !is_cbs_code(code, Level::Wijk) && !is_cbs_code(code, Level::Gemeente) {
                    return Err(format!("a name for {code:?}, no wijk or gemeente code"));
                }
                if name.trim().is_empty() {
                    return Err(format!("an empty name for {code}"));
                }
            }
            let mut codes = std::collections::HashSet::new();
            for a in &report.areas {
                if a.code.trim().is_empty() {
                    return Err("an area without a code".into());
                }
                if report.cbs_codes && !is_cbs_code(&a.code, c.level) {
                    return Err(format!("{} read as a CBS {:?} code", a.code, c.level));
                }
                if !codes.insert(a.code.as_str()) {
                    return Err(format!("{} read twice", a.code));
                }
                if a.level != c.level {
                    return Err(format!("area {} of another level", a.code));
                }
                let area = a.shape.unsigned_area();
                if a.shape.0.is_empty() || area.is_nan() || area <= 0.0 {
                    return Err(format!("area {} has no area: {:?}", a.code, a.shape));
                }
                if a.shape
                    .coords_iter()
                    .any(|p| !p.x.is_finite() || !p.y.is_finite())
                {
                    return Err(format!(
                        "area {} has a coordinate that is not finite",
                        a.code
                    ));
                }
                if a.population.is_some_and(|p| p < 0) {
                    return Err(format!("area {} has a negative population", a.code));
                }
                // What the areas table stores.
                let stored = shape_to_geojson(&a.shape).to_string();
                if stored.contains("null") {
                    return Err(format!("area {} is stored with a null coordinate", a.code));
                }
            }
            let unrebuilt = report.repaired.iter().any(|r| r.contains("geo could not"));
            Ok(
                match (
                    report.areas.is_empty(),
                    report.repaired.is_empty(),
                    unrebuilt,
                ) {
                    (true, _, _) => "read, no areas",
                    (false, true, _) => "read, areas",
                    (false, false, false) => "read, areas repaired",
                    (false, false, true) => "read, areas geo could not rebuild",
                },
            )
        }
        Err(ImportError::NotJson(_)) => Ok("not JSON"),
        Err(ImportError::UnknownFormat(_)) => Ok("unknown format"),
        Err(ImportError::NoCodeField { .. }) => Ok("no code field"),
        Err(ImportError::MissingCode { field, .. }) if !field.is_empty() => Ok("a code missing"),
        Err(e @ ImportError::MissingCode { .. }) => Err(format!("{e}: no field named")),
        Err(ImportError::NoFeatures) => Ok("no features"),
        Err(ImportError::NoAreas { .. }) => Ok("no areas of the level"),
        Err(ImportError::AmbiguousCodes { fields, .. }) if fields.contains(", ") => {
            Ok("two code fields")
        }
        Err(e @ ImportError::AmbiguousCodes { .. }) => Err(format!("{e}: fewer than two fields")),
        Err(ImportError::NoCbsCodes { field, example, .. }) => {
            if field.is_empty() || example.is_empty() {
                Err(format!(
                    "no CBS codes, without the field or a value: {field:?} {example:?}"
                ))
            } else {
                Ok("no CBS codes")
            }
        }
        Err(ImportError::DuplicateCode { index, first, .. }) if index > first => Ok("a code twice"),
        Err(e @ ImportError::DuplicateCode { .. }) => Err(format!("{e}: not in file order")),
        Err(ImportError::BadFeature { code, reason, .. }) => {
            if code.trim().is_empty() || reason.is_empty() {
                Err(format!(
                    "a bad feature without a code or reason: {code:?} {reason:?}"
                ))
            } else {
                Ok("bad feature")
            }
        }
    }
}

#[derive(Clone, Debug)]
struct JsonInput {
    bytes: Vec<u8>,
    /// Which proofs `validate_for` gets besides the general ones.
    event_claim: bool,
}

/// Every rejection lists at least one violation and every violation names its field.
fn named(r: &Result<Submission, Vec<Violation>>, what: &str) -> Result<(), String> {
    match r {
        Ok(s) => {
            if s.canonical_json().is_empty() {
                return Err(format!("{what}: a valid entry without canonical JSON"));
            }
            Ok(())
        }
        Err(v) if v.is_empty() => Err(format!("{what}: rejected without a violation")),
        Err(v) => match v
            .iter()
            .find(|v| v.field.trim().is_empty() || v.rule.message().is_empty())
        {
            Some(bad) => Err(format!("{what}: a violation without a field: {bad:?}")),
            None => Ok(()),
        },
    }
}

fn submission_case(c: &JsonInput) -> Verdict {
    // The form's state travels as JSON too (form.js sends it to the server functions).
    if let Ok(draft) = serde_json::from_slice::<FormDraft>(&c.bytes) {
        named(&draft.check(), "FormDraft from JSON")?;
    }
    // Exactly what `POST /api/v1/submissions` does with a body (`routes::api::read_submission`).
    let parsed: Result<SubmissionInput, _> =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(&c.bytes));
    let input = match parsed {
        Ok(input) => input,
        Err(e) => {
            return match json_error(e) {
                ApiError::Malformed { field, message, .. }
                    if !field.trim().is_empty() && !message.is_empty() =>
                {
                    Ok(if field == "body" {
                        "malformed body"
                    } else {
                        "malformed field"
                    })
                }
                other => Err(format!(
                    "a body serde refused, answered without a field: {other:?}"
                )),
            };
        }
    };
    let general = validate(&input);
    named(&general, "validate")?;
    named(
        &validate_for(&input, None, &Proof::claimed_by(&input)),
        "validate_for with the claimed proof",
    )?;
    let mut proofs = vec![
        Proof::default(),
        Proof {
            event: None,
            worker: true,
        },
    ];
    if c.event_claim {
        proofs.push(Proof::claimed_by(&input));
        proofs.push(Proof {
            event: Some("e1".into()),
            worker: false,
        });
    }
    for campaign in campaigns() {
        for proof in &proofs {
            named(&validate_for(&input, Some(campaign), proof), "validate_for")?;
        }
    }
    // The input is echoed back in answers and logs of replays.
    serde_json::to_string(&input)
        .map_err(|e| format!("SubmissionInput does not serialise: {e}"))?;
    Ok(if general.is_ok() { "valid" } else { "invalid" })
}

#[derive(Clone, Debug)]
struct FormInput {
    body: Vec<u8>,
    /// `POST /meedoen/{kind}`: the URL decides the kind.
    route_kind: Option<Kind>,
}

fn form_case(c: &FormInput) -> Verdict {
    // Exactly what `routes::form::submit` does with the body.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&c.body).unwrap_or_default();
    let mut draft = FormDraft::from_pairs(&pairs);
    if let Some(kind) = c.route_kind {
        draft.kind = kind.as_str().to_string();
    }
    let _ = (draft.is_robot(), draft.has_position());
    let location = draft.location();
    if let Err(v) = &location {
        if v.field.trim().is_empty() {
            return Err(format!("location() without a field: {v:?}"));
        }
    }
    let checked = draft.check();
    named(&checked, "FormDraft::check")?;
    let input = draft.to_input(location.ok().flatten());
    named(&validate(&input), "validate(to_input)")?;
    named(
        &validate_for(&input, None, &Proof::claimed_by(&input)),
        "validate_for(to_input)",
    )?;
    // The page renders the draft again after a failed plain POST.
    let json =
        serde_json::to_string(&draft).map_err(|e| format!("the draft does not serialise: {e}"))?;
    let back: FormDraft =
        serde_json::from_str(&json).map_err(|e| format!("the draft does not read back: {e}"))?;
    if back != draft {
        return Err("the draft changes through JSON".into());
    }
    Ok(match (pairs.is_empty(), checked.is_ok()) {
        (true, _) => "no pairs",
        (false, true) => "valid",
        (false, false) => "invalid",
    })
}

// ---------------------------------------------------------------------------------------------------
// The loop: generate until the deadline, each input on this thread, under catch_unwind and a watchdog.

trait FuzzInput: Clone + std::fmt::Debug {
    fn bytes(&self) -> &[u8];
    /// What else the call got besides the bytes.
    fn note(&self) -> String;
}

impl FuzzInput for ImportInput {
    fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    fn note(&self) -> String {
        format!(
            "read(bytes, Level::{:?}, &Fields {{ code: {:?}, name: {:?} }})",
            self.level, self.code_field, self.name_field
        )
    }
}

impl FuzzInput for JsonInput {
    fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    fn note(&self) -> String {
        format!(
            "a POST /api/v1/submissions body (event_claim: {})",
            self.event_claim
        )
    }
}

impl FuzzInput for FormInput {
    fn bytes(&self) -> &[u8] {
        &self.body
    }
    fn note(&self) -> String {
        format!(
            "a POST /meedoen/{{kind}} body (route kind {:?})",
            self.route_kind
        )
    }
}

enum Outcome {
    Fine(&'static str),
    Broken(String),
    Panicked(String),
}

thread_local! {
    /// Set while a case runs: the panic hook keeps the message instead of printing it.
    static IN_CASE: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    static BACKTRACES: Cell<usize> = const { Cell::new(0) };
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if IN_CASE.with(Cell::get) {
                // A backtrace for the first few only: they are slow, and a common panic repeats.
                let trace = BACKTRACES.with(|n| {
                    n.set(n.get() + 1);
                    (n.get() <= 3).then(|| std::backtrace::Backtrace::force_capture().to_string())
                });
                let text = match trace {
                    Some(t) => format!("{info}\n{t}"),
                    None => info.to_string(),
                };
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(text));
            } else {
                previous(info);
            }
        }));
    });
}

fn run_one<T>(case: fn(&T) -> Verdict, input: &T) -> Outcome {
    // A panic the code under test caught itself leaves its message here.
    LAST_PANIC.with(|p| p.borrow_mut().take());
    IN_CASE.with(|c| c.set(true));
    let r = panic::catch_unwind(AssertUnwindSafe(|| case(input)));
    IN_CASE.with(|c| c.set(false));
    match r {
        Ok(Ok(label)) => Outcome::Fine(label),
        Ok(Err(broken)) => Outcome::Broken(broken),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(std::string::ToString::to_string)
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".into());
            let hooked = LAST_PANIC.with(|p| p.borrow_mut().take());
            Outcome::Panicked(hooked.unwrap_or(message))
        }
    }
}

/// The input that runs now, for the watchdog.
struct Running {
    since: Instant,
    bytes: Vec<u8>,
    note: String,
    reported: bool,
}

struct Watchdog {
    slot: Arc<Mutex<Option<Running>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Watchdog {
    fn start(target: &'static str) -> Watchdog {
        let slot: Arc<Mutex<Option<Running>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (slot, stop) = (slot.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    let mut guard = slot
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    let Some(r) = guard.as_mut() else { continue };
                    let took = r.since.elapsed();
                    if took > SLOW && !r.reported {
                        r.reported = true;
                        let detail = format!("still running after {:.1} s", took.as_secs_f64());
                        report(target, "slow", &r.bytes, &r.note, &detail);
                    }
                    if took > HANG {
                        let detail =
                            format!("hung: still running after {:.1} s", took.as_secs_f64());
                        report(target, "hang", &r.bytes, &r.note, &detail);
                        say!("fuzz {target}: ending the test binary on a hang");
                        std::process::exit(101);
                    }
                }
            })
        };
        Watchdog {
            slot,
            stop,
            thread: Some(thread),
        }
    }

    fn time<T: FuzzInput>(&self, input: &T, run: impl FnOnce() -> Outcome) -> (Outcome, Duration) {
        *self
            .slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Running {
            since: Instant::now(),
            bytes: input.bytes().to_vec(),
            note: input.note(),
            reported: false,
        });
        let started = Instant::now();
        let outcome = run();
        let took = started.elapsed();
        *self
            .slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        (outcome, took)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Writes a failing input (and what went wrong) under the temp dir and prints where.
fn report(target: &str, what: &str, bytes: &[u8], note: &str, detail: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("trefpunt-fuzz");
    let _ = std::fs::create_dir_all(&dir);
    let stamp = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let slug: String = target
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let path = dir.join(format!("{slug}-{what}-{stamp}.bin"));
    if let Err(e) = std::fs::write(&path, bytes) {
        say!("fuzz {target}: could not write {}: {e}", path.display());
    }
    let _ = std::fs::write(path.with_extension("txt"), format!("{note}\n\n{detail}\n"));
    let prefix = String::from_utf8_lossy(&bytes[..bytes.len().min(400)]).into_owned();
    say!(
        "fuzz {target}: {what} on the input in {} ({} bytes; {note}):\n  {}\n  it starts with: {:?}",
        path.display(),
        bytes.len(),
        detail.lines().take(8).collect::<Vec<_>>().join("\n  "),
        prefix,
    );
    path
}

/// `TREFPUNT_FUZZ_CASES`: inputs per target (the test command's long run sets it).
fn cases() -> u32 {
    std::env::var("TREFPUNT_FUZZ_CASES")
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// `TREFPUNT_FUZZ_SEED`, or one from the clock (the four tests start at the same time: the target's
/// name keeps their streams apart).
fn seed_for(target: &str) -> u64 {
    std::env::var("TREFPUNT_FUZZ_SEED")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            let now = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            target
                .bytes()
                .fold(now, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
        })
}

fn fuzz<S>(target: &'static str, strategy: S, case: fn(&S::Value) -> Verdict)
where
    S: Strategy,
    S::Value: FuzzInput,
{
    install_panic_hook();
    let seed = seed_for(target);
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        max_shrink_time: SHRINK_MS,
        // Every input is a valid one: nothing is filtered out.
        max_global_rejects: 0,
        ..Config::default()
    });
    let watchdog = Watchdog::start(target);
    let started = Instant::now();
    let stats = RefCell::new(Stats::default());
    let result = runner.run(&strategy, |input| {
        let (outcome, took) = watchdog.time(&input, || run_one(case, &input));
        let mut stats = stats.borrow_mut();
        stats.inputs += 1;
        stats.bytes += input.bytes().len() as u64;
        stats.slowest = stats.slowest.max(took);
        if took > SLOW {
            return Err(TestCaseError::fail(format!(
                "slow: one input took {:.3} s (limit {} s)",
                took.as_secs_f64(),
                SLOW.as_secs()
            )));
        }
        match outcome {
            Outcome::Fine(label) => {
                *stats.outcomes.entry(label).or_default() += 1;
                Ok(())
            }
            Outcome::Broken(m) => Err(TestCaseError::fail(format!("broken: {m}"))),
            Outcome::Panicked(m) => Err(TestCaseError::fail(format!("panic: {m}"))),
        }
    });
    drop(watchdog);
    let stats = stats.into_inner();
    let seen: Vec<String> = stats
        .outcomes
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    say!(
        "fuzz {target}: {} inputs (shrinking included) in {:.1} s (slowest {:.3} s, {:.1} KB on \
         average; seed {seed}; {})",
        stats.inputs,
        started.elapsed().as_secs_f64(),
        stats.slowest.as_secs_f64(),
        stats.bytes as f64 / stats.inputs.max(1) as f64 / 1024.0,
        seen.join(", ")
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, input)) => {
            let path = report(
                target,
                "failure",
                input.bytes(),
                &input.note(),
                why.message(),
            );
            panic!(
                "fuzz {target}: {} (shrunk input saved in {})",
                why.message().lines().next().unwrap_or_default(),
                path.display()
            );
        }
        Err(TestError::Abort(why)) => panic!("fuzz {target}: aborted: {why}"),
    }
}

/// What a target's inputs reached.
#[derive(Default)]
struct Stats {
    inputs: u64,
    bytes: u64,
    slowest: Duration,
    outcomes: BTreeMap<&'static str, u64>,
}

// ---------------------------------------------------------------------------------------------------
// JSON that can say what serde_json::Value cannot: duplicate keys, raw tokens (1e999, NaN), numbers
// exactly as written.

#[derive(Clone, Debug, PartialEq)]
enum J {
    Null,
    Bool(bool),
    /// A number as written.
    Num(String),
    Str(String),
    /// Anything, written as it is (`NaN`, `"\ud800"`, `[`).
    Raw(String),
    Arr(Vec<J>),
    /// Keys in order, duplicates allowed.
    Obj(Vec<(String, J)>),
}

impl J {
    fn from_value(v: &Value) -> J {
        match v {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => J::Num(n.to_string()),
            Value::String(s) => J::Str(s.clone()),
            Value::Array(a) => J::Arr(a.iter().map(J::from_value).collect()),
            Value::Object(o) => J::Obj(
                o.iter()
                    .map(|(k, v)| (k.clone(), J::from_value(v)))
                    .collect(),
            ),
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Num(n) | J::Raw(n) => out.push_str(n),
            J::Str(s) => write_str(s, out),
            J::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            J::Obj(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        self.write(&mut out);
        out.into_bytes()
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            J::Num(n) => n.parse().ok(),
            _ => None,
        }
    }
}

fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn s(x: &str) -> J {
    J::Str(x.to_string())
}

fn num(x: impl ToString) -> J {
    J::Num(x.to_string())
}

/// A finite f64 as JSON (Rust's `{:?}` is valid JSON for every finite value).
fn float(x: f64) -> J {
    if x.is_finite() {
        J::Num(format!("{x:?}"))
    } else {
        J::Raw("1e999".into())
    }
}

fn obj(pairs: Vec<(&str, J)>) -> J {
    J::Obj(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

// ---------------------------------------------------------------------------------------------------
// Structural mutations, aimed at a node chosen among those they fit.

const NUM: u16 = 1;
const STR: u16 = 2;
const ARR: u16 = 4;
const OBJ: u16 = 8;
/// A list of positions (`[[x, y], ...]`): a GeoJSON ring or a TopoJSON arc.
const RING: u16 = 16;
/// A number inside a TopoJSON geometry's `arcs`: an arc index.
const ARC_REF: u16 = 32;
/// A number inside the top-level `arcs`: a (quantised, delta-encoded) coordinate.
const DELTA: u16 = 64;
/// The value of a `type` key.
const TYPE: u16 = 128;
/// A list of arc indices (a TopoJSON ring).
const REFS: u16 = 256;
/// One arc of the top-level `arcs`.
const ARC: u16 = 512;

struct Node {
    path: Vec<usize>,
    flags: u16,
}

fn is_position(j: &J) -> bool {
    matches!(j, J::Arr(p) if matches!(p.first(), Some(J::Num(_))))
}

fn nodes(doc: &J) -> Vec<Node> {
    fn walk(
        j: &J,
        path: &mut Vec<usize>,
        top: Option<&str>,
        key: Option<&str>,
        in_refs: bool,
        out: &mut Vec<Node>,
    ) {
        let in_arcs = top == Some("arcs");
        let flags = match j {
            J::Num(_) => NUM | if in_refs { ARC_REF } else { 0 } | if in_arcs { DELTA } else { 0 },
            J::Str(_) => STR | if key == Some("type") { TYPE } else { 0 },
            J::Arr(items) => {
                let ring = !items.is_empty() && items.iter().all(is_position);
                let refs =
                    in_refs && !items.is_empty() && items.iter().all(|i| matches!(i, J::Num(_)));
                ARR | if ring { RING } else { 0 }
                    | if refs { REFS } else { 0 }
                    | if in_arcs && path.len() == 2 { ARC } else { 0 }
            }
            J::Obj(_) => OBJ,
            _ => 0,
        };
        out.push(Node {
            path: path.clone(),
            flags,
        });
        match j {
            J::Arr(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(i);
                    walk(item, path, top, key, in_refs, out);
                    path.pop();
                }
            }
            J::Obj(pairs) => {
                for (i, (k, v)) in pairs.iter().enumerate() {
                    path.push(i);
                    let top = if path.len() == 1 {
                        Some(k.as_str())
                    } else {
                        top
                    };
                    let in_refs = in_refs || (k == "arcs" && path.len() > 1);
                    walk(v, path, top, Some(k), in_refs, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut Vec::new(), None, None, false, &mut out);
    out
}

fn at_mut<'a>(j: &'a mut J, path: &[usize]) -> Option<&'a mut J> {
    let Some((first, rest)) = path.split_first() else {
        return Some(j);
    };
    match j {
        J::Arr(items) => at_mut(items.get_mut(*first)?, rest),
        J::Obj(pairs) => at_mut(&mut pairs.get_mut(*first)?.1, rest),
        _ => None,
    }
}

#[derive(Clone, Debug)]
enum Mutation {
    /// Any number becomes another (huge, negative, fractional, out of every integer range).
    Number(Index, String),
    ArcRef(Index, String),
    Delta(Index, String),
    /// Every delta of one arc becomes the same huge value: the running sum overflows.
    Overflow(Index, String),
    Transform(u8),
    StringToNumber(Index, String),
    Type(Index, &'static str),
    ArrayToObject(Index),
    ObjectToArray(Index),
    DropKey(Index, Index),
    /// A key twice: with the same value (`None`) or another.
    DuplicateKey(Index, Index, Option<J>),
    EmptyArray(Index),
    /// A ring (or a list of arc indices) cut to its first 0 to 3 elements.
    Truncate(Index, usize),
    /// A ring without its closing point.
    Unclose(Index),
    /// A ring replaced by a bowtie around its first point.
    Bowtie(Index, f64),
    /// Every point of a ring the same.
    Collapse(Index),
    /// Every point of a ring on one line.
    Collinear(Index),
    /// A point far away inserted into a ring.
    Spike(Index, Index, String),
    Reverse(Index),
    /// A node wrapped in this many arrays (or objects).
    Nest(Index, usize, bool),
    Replace(Index, J),
    /// One element of a list repeated.
    Repeat(Index, Index, usize),
}

fn apply(doc: &mut J, m: &Mutation) {
    let all = nodes(doc);
    let pick = |mask: u16, i: &Index| -> Option<Vec<usize>> {
        let fits: Vec<&Node> = all.iter().filter(|n| n.flags & mask != 0).collect();
        (!fits.is_empty()).then(|| fits[i.index(fits.len())].path.clone())
    };
    match m {
        Mutation::Number(i, t) => set(doc, pick(NUM, i), J::Num(t.clone())),
        Mutation::ArcRef(i, t) => set(
            doc,
            pick(ARC_REF, i).or_else(|| pick(NUM, i)),
            J::Num(t.clone()),
        ),
        Mutation::Delta(i, t) => set(
            doc,
            pick(DELTA, i).or_else(|| pick(NUM, i)),
            J::Num(t.clone()),
        ),
        Mutation::Overflow(i, t) => {
            if let Some(J::Arr(points)) = pick(ARC | RING, i).and_then(|p| at_mut(doc, &p)) {
                for p in points.iter_mut() {
                    if let J::Arr(xy) = p {
                        for c in xy.iter_mut() {
                            *c = J::Num(t.clone());
                        }
                    }
                }
            }
        }
        Mutation::Transform(v) => transform(doc, *v),
        Mutation::StringToNumber(i, t) => set(doc, pick(STR, i), J::Num(t.clone())),
        Mutation::Type(i, t) => set(doc, pick(TYPE, i), s(t)),
        Mutation::ArrayToObject(i) => {
            if let Some(node) = pick(ARR, i).and_then(|p| at_mut(doc, &p)) {
                if let J::Arr(items) = std::mem::replace(node, J::Null) {
                    *node = J::Obj(
                        items
                            .into_iter()
                            .enumerate()
                            .map(|(k, v)| (k.to_string(), v))
                            .collect(),
                    );
                }
            }
        }
        Mutation::ObjectToArray(i) => {
            if let Some(node) = pick(OBJ, i).and_then(|p| at_mut(doc, &p)) {
                if let J::Obj(pairs) = std::mem::replace(node, J::Null) {
                    *node = J::Arr(pairs.into_iter().map(|(_, v)| v).collect());
                }
            }
        }
        Mutation::DropKey(i, k) => {
            if let Some(J::Obj(pairs)) = pick(OBJ, i).and_then(|p| at_mut(doc, &p)) {
                if !pairs.is_empty() {
                    pairs.remove(k.index(pairs.len()));
                }
            }
        }
        Mutation::DuplicateKey(i, k, value) => {
            if let Some(J::Obj(pairs)) = pick(OBJ, i).and_then(|p| at_mut(doc, &p)) {
                if !pairs.is_empty() {
                    let (key, v) = pairs[k.index(pairs.len())].clone();
                    pairs.push((key, value.clone().unwrap_or(v)));
                }
            }
        }
        Mutation::EmptyArray(i) => set(doc, pick(ARR, i), J::Arr(Vec::new())),
        Mutation::Truncate(i, n) => {
            if let Some(J::Arr(items)) = pick(RING | REFS, i).and_then(|p| at_mut(doc, &p)) {
                items.truncate(*n);
            }
        }
        Mutation::Unclose(i) => {
            if let Some(J::Arr(items)) = pick(RING, i).and_then(|p| at_mut(doc, &p)) {
                items.pop();
            }
        }
        Mutation::Bowtie(i, d) => {
            if let Some(node) = pick(RING, i).and_then(|p| at_mut(doc, &p)) {
                let (x, y) = first_point(node);
                let p = |a: f64, b: f64| J::Arr(vec![float(a), float(b)]);
                *node = J::Arr(vec![
                    p(x, y),
                    p(x + d, y + d),
                    p(x + d, y),
                    p(x, y + d),
                    p(x, y),
                ]);
            }
        }
        Mutation::Collapse(i) => {
            if let Some(J::Arr(items)) = pick(RING, i).and_then(|p| at_mut(doc, &p)) {
                if let Some(first) = items.first().cloned() {
                    for p in items.iter_mut() {
                        *p = first.clone();
                    }
                }
            }
        }
        Mutation::Collinear(i) => {
            if let Some(node) = pick(RING, i).and_then(|p| at_mut(doc, &p)) {
                let (x, y) = first_point(node);
                if let J::Arr(items) = node {
                    let n = items.len();
                    for (k, p) in items.iter_mut().enumerate() {
                        let t = if k + 1 == n { 0.0 } else { k as f64 * 1e-3 };
                        *p = J::Arr(vec![float(x + t), float(y + 2.0 * t)]);
                    }
                }
            }
        }
        Mutation::Spike(i, at, t) => {
            if let Some(J::Arr(items)) = pick(RING, i).and_then(|p| at_mut(doc, &p)) {
                let k = at.index(items.len() + 1);
                let far = J::Num(t.clone());
                let point = match items.first() {
                    Some(J::Arr(xy)) if at.index(2) == 0 => {
                        J::Arr(vec![far, xy.get(1).cloned().unwrap_or(J::Null)])
                    }
                    _ => J::Arr(vec![far.clone(), far]),
                };
                items.insert(k, point);
            }
        }
        Mutation::Reverse(i) => {
            if let Some(J::Arr(items)) = pick(RING | REFS, i).and_then(|p| at_mut(doc, &p)) {
                items.reverse();
            }
        }
        Mutation::Nest(i, depth, as_object) => {
            if let Some(node) = pick(u16::MAX, i).and_then(|p| at_mut(doc, &p)) {
                let mut v = std::mem::replace(node, J::Null);
                for _ in 0..*depth {
                    v = if *as_object {
                        J::Obj(vec![("coordinates".into(), v)])
                    } else {
                        J::Arr(vec![v])
                    };
                }
                *node = v;
            }
        }
        Mutation::Replace(i, v) => set(doc, pick(u16::MAX, i), v.clone()),
        Mutation::Repeat(i, e, n) => {
            if all.len() > 20_000 {
                return;
            }
            if let Some(J::Arr(items)) = pick(ARR, i).and_then(|p| at_mut(doc, &p)) {
                if !items.is_empty() {
                    let k = e.index(items.len());
                    let copy = items[k].clone();
                    for _ in 0..*n {
                        items.insert(k, copy.clone());
                    }
                }
            }
        }
    }
}

fn set(doc: &mut J, path: Option<Vec<usize>>, v: J) {
    if let Some(node) = path.and_then(|p| at_mut(doc, &p)) {
        *node = v;
    }
}

fn first_point(ring: &J) -> (f64, f64) {
    let xy = |p: &J| match p {
        J::Arr(c) => Some((c.first()?.as_f64()?, c.get(1)?.as_f64()?)),
        _ => None,
    };
    match ring {
        J::Arr(points) => points.first().and_then(xy).unwrap_or((4.0, 52.0)),
        _ => (4.0, 52.0),
    }
}

/// The TopoJSON transform made degenerate, removed, or added.
fn transform(doc: &mut J, variant: u8) {
    let J::Obj(pairs) = doc else { return };
    let pair = |a: &str, b: &str| J::Arr(vec![J::Num(a.into()), J::Num(b.into())]);
    let t = |scale: J, translate: J| obj(vec![("scale", scale), ("translate", translate)]);
    let new = match variant % 14 {
        0 => Some(t(pair("0", "0"), pair("3.3", "50.7"))),
        1 => Some(t(pair("1e308", "1e308"), pair("0", "0"))),
        2 => Some(t(pair("-1", "1"), pair("0", "0"))),
        3 => Some(t(pair("5e-324", "5e-324"), pair("3.3", "50.7"))),
        4 => Some(t(pair("0.0038", "0.0028"), pair("1e308", "-1e308"))),
        5 => None,
        6 => Some(J::Arr(Vec::new())),
        7 => Some(obj(vec![
            ("scale", J::Arr(vec![num(1)])),
            ("translate", pair("0", "0")),
        ])),
        8 => Some(t(J::Arr(vec![s("1"), s("1")]), pair("0", "0"))),
        9 => Some(t(pair("1e300", "1e300"), pair("0", "0"))),
        10 => Some(t(pair("1", "1"), pair("0", "0"))),
        11 => Some(t(pair("1", "0"), pair("0", "0"))),
        12 => Some(t(
            pair("1.7976931348623157e308", "1"),
            pair("1.7976931348623157e308", "0"),
        )),
        _ => Some(obj(vec![("scale", J::Null), ("translate", J::Null)])),
    };
    pairs.retain(|(k, _)| k != "transform");
    if let Some(v) = new {
        pairs.push(("transform".into(), v));
    }
}

#[derive(Clone, Debug)]
enum ByteOp {
    Flip(Index, u8),
    Insert(Index, u8),
    Delete(Index, usize),
    Truncate(Index),
    Token(Index, &'static str),
    Duplicate(Index, usize),
}

fn mutate_bytes(mut b: Vec<u8>, ops: &[ByteOp]) -> Vec<u8> {
    for op in ops {
        let at = |i: &Index, len: usize| i.index(len + 1);
        match op {
            ByteOp::Flip(i, bit) => {
                if !b.is_empty() {
                    let k = i.index(b.len());
                    b[k] ^= 1 << (bit % 8);
                }
            }
            ByteOp::Insert(i, byte) => {
                let k = at(i, b.len());
                b.insert(k, *byte);
            }
            ByteOp::Delete(i, n) => {
                if !b.is_empty() {
                    let k = i.index(b.len());
                    let end = (k + n).min(b.len());
                    b.drain(k..end);
                }
            }
            ByteOp::Truncate(i) => {
                let k = at(i, b.len());
                b.truncate(k);
            }
            ByteOp::Token(i, t) => {
                let k = at(i, b.len());
                b.splice(k..k, t.bytes());
            }
            ByteOp::Duplicate(i, n) => {
                if !b.is_empty() {
                    let k = i.index(b.len());
                    let end = (k + n).min(b.len());
                    let copy = b[k..end].to_vec();
                    b.splice(k..k, copy);
                }
            }
        }
    }
    b.truncate(MAX_BYTES);
    b
}

// ---------------------------------------------------------------------------------------------------
// Values worth trying.

const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-0.0",
    "0.0",
    "1",
    "-1",
    "2",
    "3",
    "4",
    "0.5",
    "-0.5",
    "2.5",
    "1.0",
    "2.0",
    "3.0",
    "3.0000000000000004",
    "0.1e1",
    "1E2",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "1e999",
    "-1e999",
    "5e-324",
    "-5e-324",
    "1e-400",
    "9007199254740993",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "4294967295",
    "-4294967296",
    "2147483648",
    "123456789012345678901234567890",
    "4.67",
    "51.8",
    "52.0",
    "5.0",
    "3.2",
    "7.3",
    "50.7",
    "53.6",
    "3.1999999",
    "53.6000001",
    "-99999997",
    "1e15",
    "1e16",
    "1e17",
];

const HUGE: &[&str] = &[
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "9223372036854775807",
    "1e300",
    "1e200",
    "1e155",
    "-1e155",
    "9007199254740993",
];

const ARC_REFS: &[&str] = &[
    "0",
    "-1",
    "1",
    "-2",
    "7",
    "-8",
    "8044",
    "-8045",
    "4294967295",
    "-4294967296",
    "2147483647",
    "-2147483648",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "1.5",
    "-0",
    "0.0",
    "-0.0",
    "1e3",
    "-1e3",
    "1e308",
];

const TYPES: &[&str] = &[
    "Polygon",
    "MultiPolygon",
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "GeometryCollection",
    "Feature",
    "FeatureCollection",
    "Topology",
    "polygon",
    "",
    "Polygon ",
];

const WEIRD: &[&str] = &[
    "",
    " ",
    "\t\n",
    "\u{0}",
    "\u{1}\u{1f}",
    "\u{7f}",
    "\u{a0}",
    "\u{200b}",
    "\u{200f}",
    "\u{202e}",
    "\u{2028}",
    "\u{3000}",
    "\u{feff}",
    "é",
    "e\u{301}",
    "ж",
    "ب",
    "🏳️‍🌈",
    "👍🏽",
    "\u{10ffff}",
    "\u{fffd}",
    "<script>alert(1)</script>",
    "'; DROP TABLE areas;--",
    "%00",
    "../../etc/passwd",
    "BU",
    "B",
    "BÜ0001",
    "ÀU",
    "BU\u{0}",
    "WK",
    "GM",
    "bu01234567",
    "BU0505AB",
    "null",
    "true",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "0x10",
    "١٢٣",
    "Ⅻ",
    "default",
    "web",
    "event",
    "paper",
    "place",
    "barrier",
    "wish",
    "nl",
    "pt-BR",
    "6f1c2d3e-4a5b-4c6d-8e7f-901234567890",
    "6F1C2D3E-4A5B-4C6D-8E7F-90123456789G",
    "6f1c2d3e-4a5b-4c6d-8e7f-9012345678900",
    "ф1c2d3e-4a5b-4c6d-8e7f-90123456789",
];

/// Raw tokens, written as they are: mostly not JSON.
const RAW: &[&str] = &[
    "NaN",
    "Infinity",
    "-Infinity",
    "-",
    "01",
    "1.",
    ".5",
    "+1",
    "1e",
    "1e+",
    "\"\\ud800\"",
    "\"\\udc00\\ud800\"",
    "\"\\u0000\"",
    "\"\\x41\"",
    "'a'",
    "undefined",
    "[",
    "{",
    "\"unterminated",
    "[1,]",
    "{\"a\":1,}",
    "1e999",
    "-1e999",
    "0x1F",
];

const BYTE_TOKENS: &[&str] = &[
    "]",
    "}",
    "[",
    "{",
    "\"",
    ",",
    ":",
    "\\",
    "1e999",
    "\\u0000",
    "\\ud800",
    "NaN",
    "null",
    "-",
    "{\"type\":\"Topology\"}",
    "[[[[[[[[",
    "\u{0}",
    "\u{feff}",
    "é",
];

const PIECES: &[&str] = &[
    "x", "ж", "ب", "👍🏽", "e\u{301}", " ", "\u{0}", "\r\n", "\u{a0}", "a b", "<",
];

const LENGTHS: &[usize] = &[
    0, 1, 2, 36, 63, 64, 65, 119, 120, 121, 299, 300, 301, 499, 500, 501, 1999, 2000, 2001, 4000,
];

const KEYS: &[&str] = &[
    "type",
    "features",
    "geometry",
    "properties",
    "coordinates",
    "arcs",
    "objects",
    "transform",
    "scale",
    "translate",
    "geometries",
    "buurtcode",
    "statcode",
    "code",
    "id",
    "respondent",
    "campaign",
    "kind",
    "category",
    "location",
    "lon",
    "lat",
    "details",
    "answers",
    "text",
    "language",
    "source",
    "event",
    "name",
    "qualities",
    "who",
    "severity",
    "affects",
    "talent",
    "",
    "__proto__",
    "ip",
    "website",
];

const CODE_KEYS: &[&str] = &[
    "buurtcode",
    "BU_CODE",
    "bu_code",
    "statcode",
    "code",
    "wijkcode",
    "WK_CODE",
    "gemeentecode",
    "GM_CODE",
    "id",
];

const NAME_KEYS: &[&str] = &[
    "buurtnaam",
    "statnaam",
    "naam",
    "name",
    "wijknaam",
    "gemeentenaam",
];

const POPULATION_KEYS: &[&str] = &[
    "aantalInwoners",
    "aantal_inwoners",
    "AANT_INW",
    "aantalInwoners_som_buurten",
];

const FIELD_NAMES: &[&str] = &[
    "id",
    "statcode",
    "naam",
    "buurtcode",
    "",
    "missing",
    "geometry",
    "é",
];

fn number() -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(NUMBERS).prop_map(str::to_string),
        2 => any::<i64>().prop_map(|n| n.to_string()),
        2 => any::<f64>().prop_map(|x| if x.is_finite() { format!("{x:?}") } else { "1e999".into() }),
        1 => (-1000i32..1000).prop_map(|n| n.to_string()),
        1 => (any::<u32>(), 0u32..400).prop_map(|(m, e)| format!("{m}e-{e}")),
    ]
    .boxed()
}

fn long_text() -> impl Strategy<Value = String> {
    (
        select(PIECES),
        select(LENGTHS),
        select(WEIRD),
        select(WEIRD),
    )
        .prop_map(|(p, n, before, after)| format!("{before}{}{after}", p.repeat(n)))
}

fn text() -> BoxedStrategy<String> {
    prop_oneof![
        2 => long_text(),
        2 => any::<String>(),
        2 => select(WEIRD).prop_map(str::to_string),
        1 => "[ -~]{0,40}",
    ]
    .boxed()
}

fn key() -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(KEYS).prop_map(str::to_string),
        1 => any::<String>(),
    ]
    .boxed()
}

fn arb_json() -> BoxedStrategy<J> {
    let leaf = prop_oneof![
        1 => Just(J::Null),
        1 => any::<bool>().prop_map(J::Bool),
        3 => number().prop_map(J::Num),
        2 => text().prop_map(J::Str),
    ];
    // Mostly valid JSON: a raw token makes the whole document unreadable.
    let leaf = prop_oneof![
        20 => leaf,
        1 => select(RAW).prop_map(|r| J::Raw(r.to_string())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(J::Arr),
            vec((key(), inner), 0..6).prop_map(J::Obj),
        ]
    })
    .boxed()
}

fn mutation() -> BoxedStrategy<Mutation> {
    let i = any::<Index>;
    prop_oneof![
        3 => (i(), number()).prop_map(|(i, t)| Mutation::Number(i, t)),
        2 => (i(), select(ARC_REFS)).prop_map(|(i, t)| Mutation::ArcRef(i, t.to_string())),
        1 => (i(), number()).prop_map(|(i, t)| Mutation::Delta(i, t)),
        1 => (i(), select(HUGE)).prop_map(|(i, t)| Mutation::Overflow(i, t.to_string())),
        1 => any::<u8>().prop_map(Mutation::Transform),
        1 => (i(), number()).prop_map(|(i, t)| Mutation::StringToNumber(i, t)),
        1 => (i(), select(TYPES)).prop_map(|(i, t)| Mutation::Type(i, t)),
        1 => i().prop_map(Mutation::ArrayToObject),
        1 => i().prop_map(Mutation::ObjectToArray),
        2 => (i(), i()).prop_map(|(i, k)| Mutation::DropKey(i, k)),
        1 => (i(), i(), prop::option::of(arb_json())).prop_map(|(i, k, v)| Mutation::DuplicateKey(i, k, v)),
        1 => i().prop_map(Mutation::EmptyArray),
        2 => (i(), 0usize..=3).prop_map(|(i, n)| Mutation::Truncate(i, n)),
        2 => i().prop_map(Mutation::Unclose),
        2 => (i(), select(vec![0.1, 1e-9, 1e-300, 5e-324, 1e5, 1e300, -0.01]))
            .prop_map(|(i, d)| Mutation::Bowtie(i, d)),
        1 => i().prop_map(Mutation::Collapse),
        1 => i().prop_map(Mutation::Collinear),
        2 => (i(), i(), select(HUGE)).prop_map(|(i, at, t)| Mutation::Spike(i, at, t.to_string())),
        1 => i().prop_map(Mutation::Reverse),
        1 => (i(), prop_oneof![3 => 1usize..20, 1 => 100usize..300], any::<bool>())
            .prop_map(|(i, d, o)| Mutation::Nest(i, d, o)),
        2 => (i(), arb_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        1 => (i(), i(), 1usize..40).prop_map(|(i, e, n)| Mutation::Repeat(i, e, n)),
    ]
    .boxed()
}

fn mutations() -> BoxedStrategy<Vec<Mutation>> {
    prop_oneof![
        1 => Just(Vec::new()),
        4 => vec(mutation(), 1..6),
    ]
    .boxed()
}

fn byte_ops() -> BoxedStrategy<Vec<ByteOp>> {
    let i = any::<Index>;
    let op = prop_oneof![
        2 => (i(), any::<u8>()).prop_map(|(i, b)| ByteOp::Flip(i, b)),
        2 => (i(), any::<u8>()).prop_map(|(i, b)| ByteOp::Insert(i, b)),
        2 => (i(), 1usize..16).prop_map(|(i, n)| ByteOp::Delete(i, n)),
        1 => i().prop_map(ByteOp::Truncate),
        2 => (i(), select(BYTE_TOKENS)).prop_map(|(i, t)| ByteOp::Token(i, t)),
        1 => (i(), 1usize..64).prop_map(|(i, n)| ByteOp::Duplicate(i, n)),
    ];
    prop_oneof![
        5 => Just(Vec::new()),
        1 => vec(op, 1..5),
    ]
    .boxed()
}

/// Mostly the level the document's codes are of (otherwise every feature is skipped before its
/// geometry is read).
fn level(usual: Level) -> BoxedStrategy<Level> {
    prop_oneof![
        6 => Just(usual),
        1 => select(Level::ALL.to_vec()),
    ]
    .boxed()
}

fn fields() -> BoxedStrategy<(Option<String>, Option<String>)> {
    let name = || prop::option::of(select(FIELD_NAMES).prop_map(str::to_string));
    prop_oneof![
        8 => Just((None, None)),
        1 => (name(), name()),
    ]
    .boxed()
}

fn import_input(doc: BoxedStrategy<J>, usual: Level) -> impl Strategy<Value = ImportInput> {
    (doc, mutations(), byte_ops(), level(usual), fields()).prop_map(
        |(mut doc, ms, ops, level, (code_field, name_field))| {
            for m in &ms {
                apply(&mut doc, m);
            }
            ImportInput {
                bytes: mutate_bytes(doc.to_bytes(), &ops),
                level,
                code_field,
                name_field,
            }
        },
    )
}

// ---------------------------------------------------------------------------------------------------
// The importer's inputs: the real files, cut down, and documents made from scratch.

struct Seeds {
    /// Features of the two small GeoJSON files, rings thinned to at most `MAX_RING` points.
    features: Vec<J>,
    /// The 2014 wijken TopoJSON: its geometries, arcs and transform.
    topo_geometries: Vec<Value>,
    topo_arcs: Vec<Value>,
    topo_transform: Value,
}

const MAX_RING: usize = 48;

fn shared(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/boundaries")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Thins every ring longer than `max` points, keeping it closed: a debug build's union of a
/// thousand-point buurt takes too long per input.
fn thin(v: &mut Value, max: usize) {
    let Value::Array(items) = v else {
        if let Value::Object(o) = v {
            o.values_mut().for_each(|v| thin(v, max));
        }
        return;
    };
    let positions = items
        .iter()
        .all(|p| matches!(p, Value::Array(c) if c.first().is_some_and(Value::is_number)));
    if positions && items.len() > max {
        let step = items.len().div_ceil(max);
        let last = items.last().cloned();
        let mut kept: Vec<Value> = items.iter().step_by(step).cloned().collect();
        kept.extend(last);
        *items = kept;
    } else if !positions {
        for v in items.iter_mut() {
            thin(v, max);
        }
    }
}

fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut features = Vec::new();
        for file in [
            "ermelo_buurten_2021.geojson",
            "drechtsteden_buurten_2023.geojson",
        ] {
            let doc = shared(file);
            for f in doc["features"].as_array().expect("a FeatureCollection") {
                let mut f = f.clone();
                thin(&mut f, MAX_RING);
                features.push(J::from_value(&f));
            }
        }
        let topo = shared("nl_wijken_2014_coarse.topojson");
        let topo_geometries = topo["objects"]
            .as_object()
            .expect("objects")
            .values()
            .flat_map(|o| o["geometries"].as_array().cloned().unwrap_or_default())
            .collect();
        Seeds {
            features,
            topo_geometries,
            topo_arcs: topo["arcs"].as_array().expect("arcs").clone(),
            topo_transform: topo["transform"].clone(),
        }
    })
}

/// A FeatureCollection of `count` real features from `start` on.
fn seed_collection(start: usize, count: usize) -> J {
    let pool = &seeds().features;
    let features = (0..count)
        .map(|k| pool[(start + k) % pool.len()].clone())
        .collect();
    obj(vec![
        ("type", s("FeatureCollection")),
        ("name", s("buurten")),
        ("features", J::Arr(features)),
    ])
}

/// A Topology of `count` neighbouring real wijken from `start` on, with only the arcs they use
/// (renumbered; a reversed arc stays `~i`). `absolute`: the arcs decoded, without a transform.
fn seed_topology(start: usize, count: usize, absolute: bool) -> J {
    let seeds = seeds();
    let mut renumbered: HashMap<i64, i64> = HashMap::new();
    let mut used: Vec<i64> = Vec::new();
    fn remap(v: &mut Value, renumbered: &mut HashMap<i64, i64>, used: &mut Vec<i64>) {
        match v {
            Value::Array(items) => items.iter_mut().for_each(|i| remap(i, renumbered, used)),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    let (arc, reversed) = if i < 0 { (!i, true) } else { (i, false) };
                    let next = used.len() as i64;
                    let new = *renumbered.entry(arc).or_insert_with(|| {
                        used.push(arc);
                        next
                    });
                    *v = Value::from(if reversed { !new } else { new });
                }
            }
            _ => {}
        }
    }
    let pool = &seeds.topo_geometries;
    let geometries: Vec<Value> = (0..count)
        .map(|k| {
            let mut g = pool[(start + k) % pool.len()].clone();
            if let Some(a) = g.get_mut("arcs") {
                remap(a, &mut renumbered, &mut used);
            }
            g
        })
        .collect();
    let pair = |k: &str| {
        let a = &seeds.topo_transform[k];
        (a[0].as_f64().unwrap_or(1.0), a[1].as_f64().unwrap_or(0.0))
    };
    let (scale, translate) = (pair("scale"), pair("translate"));
    let arcs: Vec<Value> = used
        .iter()
        .map(|i| {
            let arc = seeds
                .topo_arcs
                .get(usize::try_from(*i).unwrap_or(usize::MAX))
                .cloned()
                .unwrap_or(Value::Array(Vec::new()));
            if !absolute {
                return arc;
            }
            let (mut x, mut y) = (0.0, 0.0);
            let points = arc.as_array().cloned().unwrap_or_default();
            Value::Array(
                points
                    .iter()
                    .map(|p| {
                        x += p[0].as_f64().unwrap_or(0.0);
                        y += p[1].as_f64().unwrap_or(0.0);
                        serde_json::json!([x * scale.0 + translate.0, y * scale.1 + translate.1])
                    })
                    .collect(),
            )
        })
        .collect();
    let mut doc = serde_json::json!({
        "type": "Topology",
        "arcs": arcs,
        "objects": {"wijken": {"type": "GeometryCollection", "geometries": geometries}},
    });
    if !absolute {
        doc["transform"] = seeds.topo_transform.clone();
    }
    J::from_value(&doc)
}

fn coordinate() -> BoxedStrategy<J> {
    prop_oneof![
        6 => (-3i32..=3).prop_map(num),
        4 => (30_000i32..75_000).prop_map(|v| float(f64::from(v) / 10_000.0)),
        1 => number().prop_map(J::Num),
        1 => Just(J::Null),
        1 => Just(s("4")),
    ]
    .boxed()
}

fn position() -> BoxedStrategy<J> {
    prop_oneof![
        12 => (coordinate(), coordinate()).prop_map(|(x, y)| J::Arr(vec![x, y])),
        1 => vec(coordinate(), 0..4).prop_map(J::Arr),
        1 => arb_json(),
    ]
    .boxed()
}

fn ring() -> BoxedStrategy<J> {
    (vec(position(), 0..9), prop::bool::weighted(0.8))
        .prop_map(|(mut points, close)| {
            if close {
                if let Some(first) = points.first().cloned() {
                    points.push(first);
                }
            }
            J::Arr(points)
        })
        .boxed()
}

fn polygon_coordinates() -> BoxedStrategy<J> {
    vec(ring(), 0..3).prop_map(J::Arr).boxed()
}

fn geometry() -> BoxedStrategy<J> {
    prop_oneof![
        4 => polygon_coordinates().prop_map(|c| obj(vec![("type", s("Polygon")), ("coordinates", c)])),
        3 => vec(polygon_coordinates(), 0..4)
            .prop_map(|ps| obj(vec![("type", s("MultiPolygon")), ("coordinates", J::Arr(ps))])),
        1 => (select(TYPES), arb_json()).prop_map(|(t, c)| obj(vec![("type", s(t)), ("coordinates", c)])),
        1 => Just(obj(vec![("type", s("Polygon"))])),
        1 => arb_json(),
    ]
    .boxed()
}

fn code_value() -> BoxedStrategy<J> {
    prop_oneof![
        4 => "BU[0-9]{8}".prop_map(J::Str),
        2 => "WK[0-9]{6}".prop_map(J::Str),
        2 => "GM[0-9]{4}".prop_map(J::Str),
        1 => select(WEIRD).prop_map(s),
        1 => any::<i64>().prop_map(num),
        1 => number().prop_map(J::Num),
        1 => arb_json(),
    ]
    .boxed()
}

fn properties() -> BoxedStrategy<J> {
    let population = prop_oneof![
        3 => (0i64..100_000).prop_map(num),
        2 => number().prop_map(J::Num),
        1 => Just(num(-99_999_997)),
        1 => arb_json(),
    ];
    (
        select(CODE_KEYS),
        code_value(),
        prop::option::of((
            select(NAME_KEYS),
            prop_oneof![3 => text().prop_map(J::Str), 1 => arb_json()],
        )),
        prop::option::of((select(POPULATION_KEYS), population)),
        vec((key(), arb_json()), 0..2),
    )
        .prop_map(|(code_key, code, name, population, extra)| {
            let mut pairs = vec![(code_key.to_string(), code)];
            pairs.extend(name.map(|(k, v)| (k.to_string(), v)));
            pairs.extend(population.map(|(k, v)| (k.to_string(), v)));
            pairs.extend(extra);
            J::Obj(pairs)
        })
        .boxed()
}

fn feature() -> BoxedStrategy<J> {
    (
        prop_oneof![8 => properties(), 1 => arb_json()],
        prop::option::weighted(0.95, geometry()),
    )
        .prop_map(|(props, geometry)| {
            let mut pairs = vec![
                ("type".to_string(), s("Feature")),
                ("properties".into(), props),
            ];
            pairs.extend(geometry.map(|g| ("geometry".to_string(), g)));
            J::Obj(pairs)
        })
        .boxed()
}

fn scratch_collection() -> BoxedStrategy<J> {
    vec(feature(), 0..5)
        .prop_map(|fs| {
            obj(vec![
                ("type", s("FeatureCollection")),
                ("features", J::Arr(fs)),
            ])
        })
        .boxed()
}

/// One feature whose MultiPolygon has 1 to 3 closed rings of 3 to 6 points on a 5 × 5 grid: they
/// cross themselves and each other, share edges and points, collapse. This is where geo's union
/// and validation meet their hardest inputs, without the noise that stops a document earlier.
fn grid_collection() -> BoxedStrategy<J> {
    let c = || (0i32..=4).prop_map(num);
    let ring = vec((c(), c()).prop_map(|(x, y)| J::Arr(vec![x, y])), 3..7).prop_map(|mut p| {
        p.extend(p.first().cloned());
        p
    });
    let polygon = vec(ring.prop_map(J::Arr), 1..3).prop_map(J::Arr);
    vec(polygon, 1..4)
        .prop_map(|ps| {
            let geometry = obj(vec![
                ("type", s("MultiPolygon")),
                ("coordinates", J::Arr(ps)),
            ]);
            let feature = obj(vec![
                ("type", s("Feature")),
                ("properties", obj(vec![("buurtcode", s("BU00010001"))])),
                ("geometry", geometry),
            ]);
            obj(vec![
                ("type", s("FeatureCollection")),
                ("features", J::Arr(vec![feature])),
            ])
        })
        .boxed()
}

fn geojson_input() -> impl Strategy<Value = ImportInput> {
    let pool = seeds().features.len();
    let doc = prop_oneof![
        6 => (0..pool, 1usize..=3).prop_map(|(start, count)| seed_collection(start, count)),
        4 => scratch_collection(),
        4 => grid_collection(),
        1 => arb_json(),
    ]
    .boxed();
    import_input(doc, Level::Buurt)
}

fn delta() -> BoxedStrategy<J> {
    prop_oneof![
        8 => (-5i64..=5).prop_map(num),
        1 => number().prop_map(J::Num),
        1 => select(HUGE).prop_map(|h| J::Num(h.to_string())),
    ]
    .boxed()
}

fn scratch_topology() -> BoxedStrategy<J> {
    let arc = vec(
        (delta(), delta()).prop_map(|(a, b)| J::Arr(vec![a, b])),
        0..7,
    )
    .prop_map(J::Arr);
    let arc_ref = prop_oneof![
        8 => (-8i64..8).prop_map(num),
        1 => select(ARC_REFS).prop_map(|r| J::Num(r.to_string())),
    ];
    let ref_polygon = vec(vec(arc_ref, 0..5).prop_map(J::Arr), 0..3)
        .prop_map(J::Arr)
        .boxed();
    let shape = prop_oneof![
        4 => ref_polygon.clone().prop_map(|a| (Some("Polygon"), Some(a))),
        3 => vec(ref_polygon, 0..3).prop_map(|a| (Some("MultiPolygon"), Some(J::Arr(a)))),
        1 => (prop::option::of(select(TYPES)), prop::option::of(arb_json())),
    ];
    let geometry = (shape, prop::option::weighted(0.9, properties()))
        .prop_map(|((t, arcs), props)| {
            let mut pairs = Vec::new();
            pairs.extend(t.map(|t| ("type".to_string(), s(t))));
            pairs.extend(arcs.map(|a| ("arcs".to_string(), a)));
            pairs.extend(props.map(|p| ("properties".to_string(), p)));
            J::Obj(pairs)
        })
        .boxed();
    let object = prop_oneof![
        3 => vec(geometry.clone(), 0..5)
            .prop_map(|gs| obj(vec![("type", s("GeometryCollection")), ("geometries", J::Arr(gs))])),
        1 => geometry,
    ];
    let scale = || {
        select(vec![
            "1", "0.001", "0.0038", "0", "-1", "1e308", "5e-324", "1e-3",
        ])
    };
    let translate = || select(vec!["0", "3.3", "50.7", "-1e308", "1e308"]);
    let transform = prop_oneof![
        2 => Just(None),
        3 => (scale(), scale(), translate(), translate()).prop_map(|(a, b, c, d)| {
            Some(obj(vec![
                ("scale", J::Arr(vec![num(a), num(b)])),
                ("translate", J::Arr(vec![num(c), num(d)])),
            ]))
        }),
    ];
    (vec(arc, 0..7), vec((key(), object), 0..3), transform)
        .prop_map(|(arcs, objects, transform)| {
            let mut pairs = vec![
                ("type".to_string(), s("Topology")),
                ("arcs".to_string(), J::Arr(arcs)),
                ("objects".to_string(), J::Obj(objects)),
            ];
            pairs.extend(transform.map(|t| ("transform".to_string(), t)));
            J::Obj(pairs)
        })
        .boxed()
}

fn topojson_input() -> impl Strategy<Value = ImportInput> {
    let pool = seeds().topo_geometries.len();
    let doc = prop_oneof![
        6 => (0..pool, 1usize..=4, prop::bool::weighted(0.2))
            .prop_map(|(start, count, absolute)| seed_topology(start, count, absolute)),
        4 => scratch_topology(),
    ]
    .boxed();
    import_input(doc, Level::Wijk)
}

// ---------------------------------------------------------------------------------------------------
// The validator's inputs.

fn campaigns() -> &'static [Campaign] {
    static CAMPAIGNS: OnceLock<Vec<Campaign>> = OnceLock::new();
    CAMPAIGNS.get_or_init(|| {
        [
            serde_json::json!({"id": "buurt-2025", "title": {"nl": "Buurt"}, "kinds": ["place"],
                "categories": {"place": ["bench", "library"]}}),
            serde_json::json!({"id": "all", "title": {"nl": "Alles"}, "kinds": ["place", "barrier", "wish"],
                "categories": {"barrier": [], "wish": ["nonexistent"], "unknown": ["x"]}}),
            serde_json::json!({"id": "none", "title": {"nl": "Niets"}, "kinds": []}),
        ]
        .into_iter()
        .map(|v| serde_json::from_value(v).expect("a campaign"))
        .collect()
    })
}

fn uuid_like() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        1 => "[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}",
        1 => "[0-9a-fA-FgG-]{30,40}",
        1 => " [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} ",
        1 => select(WEIRD).prop_map(str::to_string),
        1 => any::<String>(),
    ]
    .boxed()
}

/// A field's value. `careful`: mostly the valid one, so that many inputs reach the end of the
/// validator; otherwise mostly an interesting one of its type. Sometimes any JSON, sometimes left out.
fn field(
    careful: bool,
    valid: Option<J>,
    interesting: BoxedStrategy<J>,
) -> BoxedStrategy<Option<J>> {
    let (keep, other) = if careful { (60, 4) } else { (3, 10) };
    prop_oneof![
        keep => Just(valid),
        other => interesting.prop_map(Some),
        1 => arb_json().prop_map(Some),
        1 => Just(None),
    ]
    .boxed()
}

/// Keys that are not fields of a submission: mostly a few, or one twice.
fn extra_keys() -> BoxedStrategy<Vec<(String, J)>> {
    prop_oneof![
        12 => Just(Vec::new()),
        1 => vec((key(), arb_json()), 1..3),
    ]
    .boxed()
}

fn all_categories() -> Vec<&'static str> {
    Kind::ALL
        .iter()
        .flat_map(|k| k.categories().iter().copied())
        .collect()
}

fn coordinate_value(lo: f64, hi: f64) -> BoxedStrategy<J> {
    prop_oneof![
        4 => (lo..hi).prop_map(float),
        2 => number().prop_map(J::Num),
        1 => any::<f64>().prop_map(float),
        1 => select(RAW).prop_map(|r| J::Raw(r.to_string())),
    ]
    .boxed()
}

fn location() -> BoxedStrategy<J> {
    let lon = || coordinate_value(3.2, 7.3);
    let lat = || coordinate_value(50.7, 53.6);
    prop_oneof![
        6 => (lon(), lat()).prop_map(|(x, y)| obj(vec![("lon", x), ("lat", y)])),
        1 => (lat(), lon()).prop_map(|(y, x)| obj(vec![("lat", y), ("lon", x)])),
        1 => lon().prop_map(|x| obj(vec![("lon", x)])),
        1 => (lon(), lat(), arb_json()).prop_map(|(x, y, z)| obj(vec![("lon", x), ("lat", y), ("alt", z)])),
        1 => (lon(), lat()).prop_map(|(x, y)| J::Arr(vec![x, y])),
        1 => Just(s("4.67,51.8")),
        1 => Just(J::Null),
    ]
    .boxed()
}

fn options(allowed: &'static [&'static str]) -> BoxedStrategy<J> {
    let mut choices: Vec<&'static str> = allowed.to_vec();
    choices.extend([
        "",
        "FREE",
        "free ",
        "aliens",
        "elderly",
        "free",
        "step_free",
    ]);
    prop_oneof![
        4 => vec(select(choices), 0..8).prop_map(|v| J::Arr(v.into_iter().map(s).collect())),
        1 => vec(arb_json(), 0..4).prop_map(J::Arr),
        1 => (select(allowed.to_vec()), 1000usize..5000)
            .prop_map(|(o, n)| J::Arr(std::iter::repeat_n(s(o), n).collect())),
        1 => (any::<String>(), 100usize..2000)
            .prop_map(|(o, n)| J::Arr(std::iter::repeat_n(J::Str(o), n).collect())),
        1 => arb_json(),
    ]
    .boxed()
}

fn details(kind: Kind) -> BoxedStrategy<J> {
    let text_or_any = || prop_oneof![4 => text().prop_map(J::Str), 1 => arb_json()].boxed();
    let severity = prop_oneof![
        4 => select(vec!["1", "2", "3"]).prop_map(num),
        3 => number().prop_map(J::Num),
        1 => select(vec!["2", " 2", "two"]).prop_map(s),
        1 => arb_json(),
    ]
    .boxed();
    let entries: BoxedStrategy<Vec<(String, Option<J>)>> = match kind {
        Kind::Place => (
            prop::option::of(text_or_any()),
            prop::option::of(options(PLACE_QUALITIES)),
            prop::option::of(text_or_any()),
        )
            .prop_map(|(n, q, w)| {
                vec![
                    ("name".into(), n),
                    ("qualities".into(), q),
                    ("who".into(), w),
                ]
            })
            .boxed(),
        Kind::Barrier => (
            prop::option::weighted(0.9, severity),
            prop::option::of(options(BARRIER_AFFECTS)),
        )
            .prop_map(|(sv, a)| vec![("severity".into(), sv), ("affects".into(), a)])
            .boxed(),
        Kind::Wish => prop::option::of(text_or_any())
            .prop_map(|t| vec![("talent".into(), t)])
            .boxed(),
    };
    (entries, vec((key(), arb_json()), 0..2))
        .prop_map(|(entries, extra)| {
            let mut pairs: Vec<(String, J)> = entries
                .into_iter()
                .filter_map(|(k, v)| Some((k, v?)))
                .collect();
            pairs.extend(extra);
            J::Obj(pairs)
        })
        .boxed()
}

fn valid_details(kind: Kind) -> J {
    let list = |items: &[&str]| J::Arr(items.iter().map(|i| s(i)).collect());
    match kind {
        Kind::Place => obj(vec![
            ("name", s("Buurthuis")),
            ("qualities", list(&["free", "toilet"])),
        ]),
        Kind::Barrier => obj(vec![
            ("severity", num(2)),
            ("affects", list(&["elderly", "buggy"])),
        ]),
        Kind::Wish => obj(vec![("talent", s("koken"))]),
    }
}

fn submission_object() -> BoxedStrategy<J> {
    (select(Kind::ALL.to_vec()), prop::bool::weighted(0.6))
        .prop_flat_map(|(kind, careful)| {
            let f = |valid: Option<J>, interesting: BoxedStrategy<J>| field(careful, valid, interesting);
            let category = prop_oneof![
                6 => select(kind.categories().to_vec()).prop_map(s),
                1 => select(all_categories()).prop_map(s),
                1 => text().prop_map(J::Str),
            ]
            .boxed();
            let details = prop_oneof![
                5 => details(kind),
                1 => select(Kind::ALL.to_vec()).prop_flat_map(details),
            ]
            .boxed();
            let kind_value = prop_oneof![
                6 => Just(s(kind.as_str())),
                1 => select(vec!["Place", "BARRIER", " wish", "wish ", "places", ""]).prop_map(s),
                1 => any::<String>().prop_map(J::Str),
            ]
            .boxed();
            let campaign = prop_oneof![
                4 => Just(s("default")),
                2 => "[a-z0-9_-]{0,70}".prop_map(J::Str),
                1 => text().prop_map(J::Str),
            ]
            .boxed();
            let answers = prop_oneof![
                3 => Just(J::Obj(Vec::new())),
                1 => vec((key(), arb_json()), 0..4).prop_map(J::Obj),
            ]
            .boxed();
            let language = prop_oneof![
                4 => select(vec!["nl", "en", "tr", "ar", "pl", "uk", "pt-BR", "NL", "nl-nl", "zh-Hant",
                    "x", "nl-", "-nl", "nl--NL", "ǅ", "ﬀ", "nl\u{0}", "ab-c\u{301}"]).prop_map(s),
                1 => "[a-zA-Z-]{0,8}".prop_map(J::Str),
                1 => any::<String>().prop_map(J::Str),
            ]
            .boxed();
            let source = select(vec!["web", "event", "paper", "WEB", " web", "kiosk", ""])
                .prop_map(s)
                .boxed();
            let event = prop_oneof![
                2 => "[a-z0-9-]{0,40}".prop_map(J::Str),
                1 => Just(s("e1")),
                1 => Just(J::Null),
                1 => select(WEIRD).prop_map(s),
            ]
            .boxed();
            let text_value = prop_oneof![4 => text().prop_map(J::Str), 1 => Just(J::Null)].boxed();
            let uuid = || uuid_like().prop_map(J::Str).boxed();
            let category_valid = kind.categories().first().map(|c| s(c));
            let location_valid = obj(vec![("lon", float(4.67)), ("lat", float(51.8))]);
            (
                (
                    f(Some(s("6f1c2d3e-4a5b-4c6d-8e7f-901234567890")), uuid()),
                    f(Some(s("0A1B2C3D-4E5F-4A6B-8C7D-8E9F0A1B2C3D")), uuid()),
                    f(None, campaign),
                    f(Some(s(kind.as_str())), kind_value),
                    f(category_valid, category),
                    f(Some(location_valid), location()),
                ),
                (
                    f(Some(valid_details(kind)), details),
                    f(None, answers),
                    f(Some(s("  Hoge stoep bij de bushalte ")), text_value),
                    f(Some(s("nl")), language),
                    f(None, source),
                    f(None, event),
                ),
                extra_keys(),
            )
        })
        .prop_map(
            |(
                (id, respondent, campaign, kind, category, location),
                (details, answers, text, language, source, event),
                extra,
            )| {
                let named = [
                    ("id", id),
                    ("respondent", respondent),
                    ("campaign", campaign),
                    ("kind", kind),
                    ("category", category),
                    ("location", location),
                    ("details", details),
                    ("answers", answers),
                    ("text", text),
                    ("language", language),
                    ("source", source),
                    ("event", event),
                ];
                let mut pairs: Vec<(String, J)> = named
                    .into_iter()
                    .filter_map(|(k, v)| Some((k.to_string(), v?)))
                    .collect();
                pairs.extend(extra);
                pairs
            },
        )
        .prop_shuffle()
        .prop_map(J::Obj)
        .boxed()
}

fn submission_input() -> impl Strategy<Value = JsonInput> {
    let doc = prop_oneof![
        8 => submission_object(),
        1 => arb_json(),
        1 => select(RAW).prop_map(|r| J::Raw(r.to_string())),
    ];
    // Fewer mutations than for the importer: one usually breaks the body's shape already.
    let mutations = prop_oneof![
        3 => Just(Vec::new()),
        2 => vec(mutation(), 1..4),
    ];
    (doc, mutations, byte_ops(), any::<bool>()).prop_map(|(mut doc, ms, ops, event_claim)| {
        for m in &ms {
            apply(&mut doc, m);
        }
        JsonInput {
            bytes: mutate_bytes(doc.to_bytes(), &ops),
            event_claim,
        }
    })
}

const FORM_KEYS: &[&str] = &[
    "id",
    "respondent",
    "campaign",
    "kind",
    "category",
    "lon",
    "lat",
    "address",
    "name",
    "qualities",
    "who",
    "severity",
    "affects",
    "talent",
    "text",
    "language",
    "website",
    "source",
    "event",
    "event_token",
    "csrf",
];

const FORM_VALUES: &[&str] = &[
    "place",
    "barrier",
    "wish",
    "web",
    "event",
    "paper",
    "",
    " ",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "infinity",
    "+Infinity",
    "1e999",
    "-1e999",
    "1e-400",
    "-0",
    "0x10",
    "1_000",
    "+5",
    "5.",
    ".5",
    " 4.67 ",
    "51,8",
    "٥١٫٨",
    "4.67e0",
    "4.67",
    "51.8",
    "3.2",
    "53.6",
    "7.3",
    "50.7",
    "1",
    "2",
    "3",
    "2.0",
    "18446744073709551616",
    "-1",
    "free",
    "step_free",
    "elderly",
    "buggy",
    "steps",
    "bench",
    "library",
    "costs_money",
    "nl",
    "pt-BR",
    "Bolstraat 1 Utrecht",
];

const RAW_FORM: &[&str] = &[
    "&",
    "=",
    "+",
    "%",
    "%2",
    "%zz",
    "%00",
    "%ff",
    "%c3%28",
    "%e2%82",
    "%F0%9F%91%8D",
    "lon=",
    "lat=",
    "kind=",
    "qualities=",
    "affects=",
    "&&",
    "==",
    "%26",
    "%3D",
    ";",
    "address=",
    "severity=",
];

fn form_value() -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(FORM_VALUES).prop_map(str::to_string),
        2 => number(),
        2 => text(),
        1 => uuid_like(),
        1 => select(all_categories()).prop_map(str::to_string),
    ]
    .boxed()
}

fn valid_form(kind: Kind) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("id", "6f1c2d3e-4a5b-4c6d-8e7f-901234567890"),
        ("respondent", "6f1c2d3e-4a5b-4c6d-8e7f-901234567891"),
        ("kind", kind.as_str()),
        ("category", kind.categories().first().copied().unwrap_or("")),
        ("lon", "4.67"),
        ("lat", "51.80"),
        ("language", "nl"),
    ];
    match kind {
        Kind::Place => pairs.extend([
            ("name", "Buurthuis"),
            ("qualities", "free"),
            ("qualities", "step_free"),
        ]),
        Kind::Barrier => pairs.extend([("severity", "2"), ("affects", "elderly")]),
        Kind::Wish => pairs.push(("talent", "koken")),
    }
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn form_pairs() -> BoxedStrategy<Vec<(String, String)>> {
    let key = prop_oneof![
        10 => select(FORM_KEYS).prop_map(str::to_string),
        1 => any::<String>(),
        1 => select(vec!["Kind", "id ", "", "qualities[]", "lon\u{0}", "LAT"]).prop_map(str::to_string),
    ];
    let extra = prop_oneof![
        3 => vec((key.clone(), form_value()), 0..3),
        1 => vec((key, form_value()), 0..16),
    ];
    (select(Kind::ALL.to_vec()), any::<bool>(), extra)
        .prop_map(|(kind, base, extra)| {
            let mut pairs = if base { valid_form(kind) } else { Vec::new() };
            pairs.extend(extra);
            pairs
        })
        .boxed()
}

fn form_input() -> impl Strategy<Value = FormInput> {
    let raw = vec(
        prop_oneof![
            3 => select(RAW_FORM).prop_map(str::to_string),
            2 => select(FORM_KEYS).prop_map(|k| format!("{k}=")),
            2 => select(FORM_VALUES).prop_map(str::to_string),
            1 => any::<u8>().prop_map(|b| format!("%{b:02X}")),
            1 => "[a-z0-9.]{1,6}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat().into_bytes());
    let body = prop_oneof![
        6 => form_pairs().prop_map(|p| serde_urlencoded::to_string(&p).expect("pairs encode").into_bytes()),
        2 => raw,
        1 => vec(any::<u8>(), 0..300),
    ];
    (
        body,
        byte_ops(),
        prop::option::weighted(0.7, select(Kind::ALL.to_vec())),
    )
        .prop_map(|(body, ops, route_kind)| FormInput {
            body: mutate_bytes(body, &ops),
            route_kind,
        })
}
