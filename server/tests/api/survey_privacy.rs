//! The attack on survey results (docs/privacy.md, "The attack suite"): two campaigns with a survey,
//! residents over every buurt of the test gemeente (some in several buurten), every result the API
//! releases collected for the whole campaign and every area of every level. Every released count
//! must lie within the noise bound of the truth (of the cell's residents as released: the first whole
//! multiple of k in arrival order); then an attacker propagates what they know of how many residents
//! each cell truly holds, released or not:
//!
//! - a released count is the released residents within the noise bound, and at least k; the cell
//!   holds up to k−1 more, not yet released; a released 0 of an area or question is exact, of an
//!   option it may hide up to k−1 of those;
//! - a withheld respondents or `answered` count is 0 to k−1 (a cell says "withheld", never 0, until
//!   it releases k); a withheld option is 0 or more (withheld on its own, with its whole question,
//!   or beside residents not yet released);
//! - an area's count is at least each of its parts' and at most their sum (buurten in a wijk,
//!   wijken in the gemeente, the gemeente in the campaign);
//! - a single-choice, scale or number question's `answered` is the sum of its options; a
//!   multiple-choice option is at most `answered`, `answered` at most the sum of the options;
//! - `answered` is at most the area's respondents;
//!
//! until nothing changes. No withheld count of 1 to k−1 residents may end with an upper bound below
//! k−1: combining the results never shows that a withheld cell's residents are fewer than withholding
//! says. A lower bound above 1 (some of them are different people) is counted and printed, as the
//! aggregates' suite does: a parent area's released count minus its other children's can show it, and
//! only complementary suppression across the area tree would stop that (docs/privacy.md).
//!
//! And the abuse cases: markup in any parameter never comes back, and one resident alone in a
//! buurt has none of their answers readable there.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::privacy::{buurten, Rng};
use crate::survey_results::{
    add_campaign, additive, answers_of, check_release, spawn_gemeente, take_part, truth, Resident,
    Truth, GEMEENTE, K,
};

/// A cell: campaign, area (`None`: the whole campaign), question (empty: the respondents) and
/// option (`None`: the question's `answered`).
type Cell = (String, Option<String>, String, Option<String>);

const UNBOUNDED: i64 = 1_000_000;

/// What the attacker knows: a bound per cell, and the relations between cells.
#[derive(Default)]
struct Attack {
    lo: BTreeMap<Cell, i64>,
    hi: BTreeMap<Cell, i64>,
    /// (total, parts, exact): total ≤ Σ parts and each part ≤ total; with `exact`, total = Σ parts.
    sums: Vec<(Cell, Vec<Cell>, bool)>,
    /// (a, b): a ≤ b.
    below: Vec<(Cell, Cell)>,
}

impl Attack {
    fn know(&mut self, cell: Cell, lo: i64, hi: i64) {
        if let Some((l, h)) = self.lo.get(&cell).zip(self.hi.get(&cell)) {
            assert_eq!((*l, *h), (lo, hi), "{cell:?} asked twice gives one figure");
        }
        self.lo.insert(cell.clone(), lo);
        self.hi.insert(cell, hi);
    }

    fn raise(&mut self, c: &Cell, v: i64) -> bool {
        let lo = self.lo.get_mut(c).expect("cell");
        if v > *lo {
            *lo = v;
            return true;
        }
        false
    }

    fn lower(&mut self, c: &Cell, v: i64) -> bool {
        let hi = self.hi.get_mut(c).expect("cell");
        if v < *hi {
            *hi = v;
            return true;
        }
        false
    }

    /// Propagates every relation until nothing changes; the number of rounds.
    fn run(&mut self) -> usize {
        for round in 1..10_000 {
            let mut changed = false;
            for (a, b) in self.below.clone() {
                let (hb, la) = (self.hi[&b], self.lo[&a]);
                changed |= self.lower(&a, hb);
                changed |= self.raise(&b, la);
            }
            for (total, parts, exact) in self.sums.clone() {
                // Sums of bounds, unclamped: UNBOUNDED is small enough for any number of parts.
                let his: i64 = parts.iter().map(|p| self.hi[p]).sum();
                let los: i64 = parts.iter().map(|p| self.lo[p]).sum();
                changed |= self.lower(&total, his);
                for p in &parts {
                    let others_hi = his - self.hi[p];
                    let (lt, ht) = (self.lo[&total], self.hi[&total]);
                    changed |= self.raise(p, lt - others_hi);
                    changed |= self.lower(p, ht);
                    if exact {
                        changed |= self.lower(p, ht - (los - self.lo[p]));
                    }
                }
                if exact {
                    changed |= self.raise(&total, los);
                }
            }
            if !changed {
                return round;
            }
        }
        panic!("no fixpoint");
    }
}

/// Residents of a campaign over every buurt, busier ones more often, a few in two or three buurten.
fn residents(rng: &mut Rng, n: usize) -> Vec<Resident> {
    let codes: Vec<String> = buurten().into_iter().map(|(c, _)| c).collect();
    (0..n)
        .map(|_| {
            let mut here = std::collections::BTreeSet::new();
            for _ in 0..=(rng.below(5) / 3) {
                here.insert(codes[(rng.below(12) * rng.below(12) / 11) as usize].clone());
            }
            // Ids from the seed too: a respondent's key (and so the noise) follows their id, so the
            // same seed gives the same attack on every run.
            let hex: String = (0..32)
                .map(|_| char::from_digit(rng.below(16) as u32, 16).expect("digit"))
                .collect();
            let id = format!(
                "{}-{}-4{}-8{}-{}",
                &hex[0..8],
                &hex[8..12],
                &hex[13..16],
                &hex[17..20],
                &hex[20..32]
            );
            Resident {
                id,
                buurten: here,
                answers: answers_of(rng.below(1_000)),
            }
        })
        .collect()
}

fn parent_of(area: &Option<String>) -> Option<Option<String>> {
    match area.as_deref() {
        None => None,
        Some(a) if a.starts_with("GM") => Some(None),
        Some(a) if a.starts_with("WK") => Some(Some(GEMEENTE.to_string())),
        Some(a) => Some(Some(format!("WK{}", &a[2..8]))),
    }
}

/// How many residents a cell truly holds, released or not: what an attacker is after.
fn true_count(t: &Truth, question: &str, option: &Option<String>) -> u64 {
    match (question, option) {
        ("", _) => t.raw,
        (q, None) => t.raw_answered.get(q).copied().unwrap_or(0),
        (q, Some(o)) => t
            .raw_options
            .get(&(q.to_string(), o.clone()))
            .copied()
            .unwrap_or(0),
    }
}

#[tokio::test]
async fn no_combination_of_survey_results_narrows_a_withheld_count() {
    if std::env::var("TREFPUNT_TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty()) {
        return;
    }
    let app = spawn_gemeente().await;
    let mut rng = Rng(20_261_206);
    let mut people: BTreeMap<String, Vec<Resident>> = BTreeMap::new();
    for (campaign, n) in [("buurtvragen", 90), ("zomervragen", 45)] {
        add_campaign(&app, campaign).await;
        let rs = residents(&mut rng, n);
        for r in &rs {
            take_part(&app, campaign, r).await;
        }
        people.insert(campaign.to_string(), rs);
    }

    // Collect every released result, checking each against the rules as it comes.
    let mut attack = Attack::default();
    let mut kinds: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    let mut areas: Vec<Option<String>> = vec![None];
    let mut truths: BTreeMap<(String, Option<String>), Truth> = BTreeMap::new();
    let (mut released, mut withheld) = (0usize, 0usize);
    for (campaign, rs) in &people {
        let base = format!("/api/v1/campaigns/{campaign}/results");
        let mut asked: Vec<(Option<String>, String)> = vec![(None, base.clone())];
        for level in ["gemeente", "wijk", "buurt"] {
            let listed: Value = app.get_json(&format!("{base}?level={level}")).await;
            for a in listed["areas"].as_array().expect("areas") {
                let code = a["code"].as_str().expect("code").to_string();
                asked.push((
                    Some(code.clone()),
                    format!("{base}?level={level}&area={code}"),
                ));
                if !areas.contains(&Some(code.clone())) {
                    areas.push(Some(code));
                }
            }
        }
        for (area, path) in asked {
            let r: Value = app.get_json(&path).await;
            check_release(rs, area.as_deref(), &r);
            let t = truth(rs, area.as_deref());
            let mut put = |attack: &mut Attack,
                           question: &str,
                           option: Option<String>,
                           v: &Value,
                           prior: (i64, i64)| {
                // A released count is of the cell's first whole multiple of k residents: those
                // after them (up to k−1) are there too, unreleased. A released 0 of a question or
                // an area is exact (a cell with anyone in it is withheld until it holds k); an
                // option's 0 may hide up to k−1 of those after them.
                let (lo, hi) = match v.as_u64() {
                    Some(0) if option.is_none() => (0, 0),
                    Some(0) => (0, K as i64 - 1),
                    Some(v) => (
                        (v as i64 - server::domain::cell_key::MAX_NOISE).max(K as i64),
                        v as i64 + server::domain::cell_key::MAX_NOISE + K as i64 - 1,
                    ),
                    None => prior,
                };
                if v.is_null() {
                    withheld += 1;
                } else {
                    released += 1;
                }
                attack.know(
                    (campaign.clone(), area.clone(), question.to_string(), option),
                    lo,
                    hi,
                );
            };
            // Withheld respondents: nobody released yet, 0 to k−1 there.
            let small = (0, K as i64 - 1);
            put(&mut attack, "", None, &r["respondents"], small);
            for q in r["questions"].as_array().expect("questions") {
                let kind = q["type"].as_str().expect("type").to_string();
                if kind == "text" {
                    continue;
                }
                let id = q["id"].as_str().expect("id").to_string();
                // Withheld `answered`: 1 to k−1 answered, or the area rests on fewer than k
                // residents and even a 0 is withheld.
                put(&mut attack, &id, None, &q["answered"], (0, K as i64 - 1));
                let mut ids = Vec::new();
                for o in q["options"].as_array().expect("options") {
                    let oid = o["id"].as_str().expect("id").to_string();
                    // A withheld option: 1 to k−1 on its own (multiple choice), or withheld with its
                    // whole question (additive, unanimous, or too few answered): 0 or more.
                    let prior = (0, UNBOUNDED);
                    put(
                        &mut attack,
                        &id,
                        Some(oid.clone()),
                        &o["respondents"],
                        prior,
                    );
                    ids.push(oid);
                }
                kinds.insert(id, (kind, ids));
            }
            truths.insert((campaign.clone(), area), t);
        }
    }

    // The relations.
    for campaign in people.keys() {
        for area in &areas {
            let cell =
                |q: &str, o: Option<String>| (campaign.clone(), area.clone(), q.to_string(), o);
            for (q, (kind, options)) in &kinds {
                let parts: Vec<Cell> = options.iter().map(|o| cell(q, Some(o.clone()))).collect();
                attack.sums.push((cell(q, None), parts, additive(kind)));
                attack.below.push((cell(q, None), cell("", None)));
            }
            // Area against its parts, for every figure.
            let children: Vec<Option<String>> = areas
                .iter()
                .filter(|a| parent_of(a).as_ref() == Some(area))
                .cloned()
                .collect();
            if children.is_empty() {
                continue;
            }
            let mut figures: Vec<(String, Option<String>)> = vec![(String::new(), None)];
            for (q, (_, options)) in &kinds {
                figures.push((q.clone(), None));
                figures.extend(options.iter().map(|o| (q.clone(), Some(o.clone()))));
            }
            for (q, o) in figures {
                let parts: Vec<Cell> = children
                    .iter()
                    .map(|c| (campaign.clone(), c.clone(), q.clone(), o.clone()))
                    .collect();
                attack.sums.push((cell(&q, o), parts, false));
            }
        }
    }
    let rounds = attack.run();

    // The attack's model is sound: every truth lies within what the attacker derived.
    let (mut checked, mut raised) = (0usize, 0usize);
    for (cell, lo) in &attack.lo {
        let hi = attack.hi[cell];
        let t = &truths[&(cell.0.clone(), cell.1.clone())];
        let n = true_count(t, &cell.2, &cell.3) as i64;
        assert!(*lo <= n && n <= hi, "{cell:?}: {n} outside {lo}..{hi}");
        // Counts of 1 to k−1 residents are the withheld ones (a released count rests on k or more).
        if (1..K as i64).contains(&n) {
            checked += 1;
            assert!(
                hi >= K as i64 - 1,
                "{cell:?} ({n} residents) narrowed to at most {hi}"
            );
            // A lower bound above 1 shows that some of the cell's residents are different people,
            // not who they are or how many beyond that: the existing suite counts it the same way
            // (docs/privacy.md, "The attack suite", 3.), and so does this one.
            if *lo > 1 {
                raised += 1;
                eprintln!("lower bound raised: {cell:?} ({n} residents) at least {lo}");
            }
        }
    }
    eprintln!(
        "survey attack: {} residents, {released} released and {withheld} withheld figures, {} cells, \
         {} relations, {rounds} rounds; {checked} withheld counts of 1..k−1 kept 1..k−1 ({raised} raised)",
        people.values().map(Vec::len).sum::<usize>(),
        attack.lo.len(),
        attack.sums.len() + attack.below.len(),
    );
}

#[tokio::test]
async fn markup_is_never_echoed_and_a_lone_resident_stays_unreadable() {
    let app = spawn_gemeente().await;
    add_campaign(&app, "buurtvragen").await;
    let mut people = crate::survey_results::residents();
    // The lone resident of BU09990301 gives answers nobody else gives.
    let lone = people.last_mut().expect("lone");
    lone.answers["jaren"] = serde_json::json!(49);
    lone.answers["vaak"] = serde_json::json!("zelden");
    for r in &people {
        take_part(&app, "buurtvragen", r).await;
    }
    let mark = "<script>alert(1)</script>";
    let enc = "%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    for path in [
        format!("/api/v1/campaigns/buurtvragen/results?level={enc}"),
        format!("/api/v1/campaigns/buurtvragen/results?area={enc}"),
        format!("/api/v1/campaigns/buurtvragen/results?level=buurt&area={enc}"),
        format!("/api/v1/campaigns/buurtvragen/results?lang={enc}"),
        format!("/api/v1/campaigns/buurtvragen/results?{enc}=1"),
        format!("/api/v1/campaigns/buurtvragen/results.csv?area={enc}"),
        format!("/api/v1/campaigns/{enc}/results"),
        format!("/inzicht/enquete/buurtvragen?level={enc}"),
        format!("/inzicht/enquete/buurtvragen?area={enc}"),
        format!("/inzicht/enquete/buurtvragen?level=buurt&area={enc}"),
        format!("/inzicht/enquete/{enc}"),
    ] {
        let res = app.get(&path).await;
        let status = res.status().as_u16();
        let body = res.text().await.expect("body");
        assert!(status < 500, "{path}: {status}");
        // Escaped is harmless (a page may carry its own address in its language links); raw is not.
        assert!(!body.contains(mark), "{path} echoes markup: {body}");
    }
    // The lone resident: nothing of theirs is readable where they are alone, in JSON, CSV or the page.
    let r: Value = app
        .get_json("/api/v1/campaigns/buurtvragen/results?level=buurt&area=BU09990301")
        .await;
    assert!(r["respondents"].is_null());
    for q in r["questions"].as_array().expect("questions") {
        // A question they left out is 0 there, which says nothing about what they answered.
        assert!(matches!(q["answered"].as_u64(), None | Some(0)), "{q}");
        for o in q["options"].as_array().expect("options") {
            assert!(matches!(o["respondents"].as_u64(), None | Some(0)), "{o}");
        }
    }
    let csv = app
        .get_text("/api/v1/campaigns/buurtvragen/results.csv?level=buurt&area=BU09990301")
        .await;
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert!(matches!(cells[6], "" | "0"), "{line}");
    }
    let page = app
        .get_text("/inzicht/enquete/buurtvragen?level=buurt&area=BU09990301")
        .await;
    assert!(
        !page.contains("Een bankje bij de school"),
        "no text answer on the public page"
    );
    // Their wijk holds them alone too: nothing of theirs there either.
    let w: Value = app
        .get_json("/api/v1/campaigns/buurtvragen/results?level=wijk&area=WK099903")
        .await;
    check_release(&people, Some("WK099903"), &w);
}
