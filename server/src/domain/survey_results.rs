//! A campaign survey's results: per question, how many residents chose each option, released as
//! docs/privacy.md ("Survey results") says.
//!
//! Every count here is a count of people, and a resident's answers are theirs alone, so:
//!
//! 1. a count of 1 to k−1 residents is withheld (`None`); 0 is released as 0 (nobody chose it);
//! 2. a released count carries cell-key noise ([`super::cell_key::perturb`], the same function the
//!    aggregates use): the same residents always give the same value, whichever area, campaign or
//!    query asks, so repeating or differencing queries averages nothing away;
//! 3. a question where each resident gives one value (single choice, scale, number) is *additive*:
//!    its options add up to its `answered`. One withheld option beside released ones and the
//!    released `answered` would give it away within the noise (`answered` minus the others), so
//!    such a distribution is released whole or not at all: when any option rests on 1 to k−1
//!    residents, every option of it is withheld, zeros included (a shown zero would tell how many
//!    options share the rest). The same holds in every area inside an area where it was withheld:
//!    otherwise a child's released options would bound the parent's withheld ones from below.
//!    And the campaign as a whole withholds it when any of its gemeenten does: "who took part"
//!    releases the age bands per gemeente and campaign exactly, so a campaign-wide count minus the
//!    other gemeenten's exact ones would give a withheld gemeente's count within the noise;
//!    Multiple choice is not additive (one resident may choose several), so its options are
//!    withheld one by one;
//! 4. shares are computed from released counts only.
//!
//! Text answers are never counted here: staff read the published ones (moderated one by one).

use app::model::{Question, QuestionType};
use serde_json::Value;

use super::cell_key::perturb;
use super::representation::Group;

/// Number questions with at most this many values are shown per value, wider ones in [`BINS`] bins.
pub const MAX_VALUES: i64 = 10;
/// How many equal ranges a wide number question is shown in.
pub const BINS: i64 = 5;

/// The range a number question's answers may take (as `app::model::Campaign::check_answers` reads it),
/// clamped to [`app::model::NUMBER_LIMIT`] as a campaign's check keeps it: stored campaigns from
/// before that check cannot make the arithmetic below overflow.
fn number_range(q: &Question) -> (i64, i64) {
    let limit = app::model::NUMBER_LIMIT;
    let clamp = |v: i64| v.clamp(-limit, limit);
    (clamp(q.min.unwrap_or(0)), clamp(q.max.unwrap_or(1_000_000)))
}

/// The first value of each range of a wide number question, and one past the last.
fn bin_edges(min: i64, max: i64) -> Vec<i64> {
    let n = max - min + 1;
    (0..=BINS).map(|i| min + i * n / BINS).collect()
}

/// One option a question's answers are counted in: its id and, for choices, its option's index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// The option's id, the scale value, the number, or the range `a–b`.
    pub id: String,
    /// The index into the question's own options, for single and multiple choice.
    pub option: Option<usize>,
}

/// The options a question's answers are counted in; none for text questions.
pub fn buckets(q: &Question) -> Vec<Bucket> {
    let plain = |id: String| Bucket { id, option: None };
    match q.kind {
        QuestionType::Single | QuestionType::Multiple => q
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| Bucket {
                id: o.id.clone(),
                option: Some(i),
            })
            .collect(),
        QuestionType::Scale => (1..=5).map(|v| plain(v.to_string())).collect(),
        QuestionType::Number => {
            let (min, max) = number_range(q);
            if max - min < MAX_VALUES {
                (min..=max).map(|v| plain(v.to_string())).collect()
            } else {
                bin_edges(min, max)
                    .windows(2)
                    .map(|w| plain(format!("{}–{}", w[0], w[1] - 1)))
                    .collect()
            }
        }
        QuestionType::Text => Vec::new(),
    }
}

fn number_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The buckets (indices into [`buckets`]) one stored answer counts in; empty when it counts in none.
pub fn bucket_indices(q: &Question, answer: &Value) -> Vec<usize> {
    let option = |s: &str| q.options.iter().position(|o| o.id == s);
    match q.kind {
        QuestionType::Single => answer.as_str().and_then(option).into_iter().collect(),
        QuestionType::Multiple => {
            let mut out: Vec<usize> = match answer {
                Value::String(s) => option(s).into_iter().collect(),
                Value::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_str().and_then(option))
                    .collect(),
                _ => Vec::new(),
            };
            out.sort_unstable();
            out.dedup();
            out
        }
        QuestionType::Scale => number_of(answer)
            .filter(|v| (1..=5).contains(v))
            .map(|v| (v - 1) as usize)
            .into_iter()
            .collect(),
        QuestionType::Number => {
            let (min, max) = number_range(q);
            let Some(v) = number_of(answer).filter(|v| (min..=max).contains(v)) else {
                return Vec::new();
            };
            if max - min < MAX_VALUES {
                vec![(v - min) as usize]
            } else {
                let edges = bin_edges(min, max);
                edges[1..]
                    .iter()
                    .position(|&end| v < end)
                    .into_iter()
                    .collect()
            }
        }
        QuestionType::Text => Vec::new(),
    }
}

/// One question's residents in one area: who answered it, and who is behind each bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub answered: Group,
    pub options: Vec<Group>,
}

/// Counts a question over the respondents of an area (each with their key and stored answers).
pub fn tally<'a>(
    q: &Question,
    respondents: impl IntoIterator<Item = (u32, &'a serde_json::Map<String, Value>)>,
) -> Tally {
    let mut t = Tally {
        answered: Group::default(),
        options: vec![Group::default(); buckets(q).len()],
    };
    for (key, answers) in respondents {
        let Some(answer) = answers.get(&q.id) else {
            continue;
        };
        let hit = bucket_indices(q, answer);
        if hit.is_empty() {
            continue;
        }
        t.answered.add(key);
        for i in hit {
            t.options[i].add(key);
        }
    }
    t
}

/// A count of people as released: 0 as 0, 1 to k−1 withheld, else with its cell's noise.
pub fn release_count(g: Group, k: u64) -> Option<u64> {
    match g.n {
        0 => Some(0),
        n if n < k => None,
        n => Some(perturb(n, g.key)),
    }
}

/// Whether each resident gives one value, so the options add up to `answered`.
pub fn is_additive(kind: QuestionType) -> bool {
    matches!(
        kind,
        QuestionType::Single | QuestionType::Scale | QuestionType::Number
    )
}

/// Whether an additive question's distribution in this area must be withheld whole: one of its
/// options rests on 1 to k−1 residents.
pub fn withholds_whole(t: &Tally, k: u64) -> bool {
    t.options.iter().any(|g| g.n > 0 && g.n < k)
}

/// A question's released figures in one area.
#[derive(Debug, Clone, PartialEq)]
pub struct Released {
    pub answered: Option<u64>,
    pub options: Vec<Option<u64>>,
    pub shares: Vec<Option<f64>>,
}

/// Releases a question in an area. `chain` is the area's tally after those of every area holding
/// it (the whole campaign, its gemeente, its wijk), outermost first: an additive distribution
/// withheld in any of them is withheld here too. `parts`: for the campaign as a whole, its
/// gemeenten's tallies, any of which withholding it withholds it too (module documentation, rule 3);
/// empty for an area.
pub fn release(kind: QuestionType, chain: &[Tally], parts: &[Tally], k: u64) -> Released {
    let Some(here) = chain.last() else {
        return Released {
            answered: Some(0),
            options: Vec::new(),
            shares: Vec::new(),
        };
    };
    if kind == QuestionType::Text {
        return Released {
            answered: None,
            options: Vec::new(),
            shares: Vec::new(),
        };
    }
    // Fewer than k residents answered here: nothing of the question, not even its zeros (with one
    // resident, a 0 beside a withheld option would say which options they did not choose).
    if here.answered.n > 0 && here.answered.n < k {
        return Released {
            answered: None,
            options: vec![None; here.options.len()],
            shares: vec![None; here.options.len()],
        };
    }
    let answered = release_count(here.answered, k);
    // Everyone who answered gave the same option (the rest exactly 0): the distribution would tell
    // anyone who knows a neighbour took part here what they answered. Withheld whole.
    let unanimous = here.answered.n > 0 && here.options.iter().any(|g| g.n == here.answered.n);
    let whole =
        unanimous || is_additive(kind) && chain.iter().chain(parts).any(|t| withholds_whole(t, k));
    let options: Vec<Option<u64>> = here
        .options
        .iter()
        .map(|g| if whole { None } else { release_count(*g, k) })
        .collect();
    let shares = options.iter().map(|o| share(*o, answered)).collect();
    Released {
        answered,
        options,
        shares,
    }
}

/// A released count over a released total; `None` when either is withheld or the total is 0.
pub fn share(count: Option<u64>, total: Option<u64>) -> Option<f64> {
    match (count, total) {
        (Some(c), Some(t)) if t > 0 => Some((c as f64 / t as f64).min(1.0)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(keys: &[u32]) -> Group {
        let mut g = Group::default();
        for k in keys {
            g.add(*k);
        }
        g
    }

    #[test]
    fn a_few_answers_show_nothing_and_a_unanimous_area_no_distribution() {
        let five = [1, 2, 3, 4, 5];
        // Two residents answered: not even the zeros of the options they left.
        let few = Tally {
            answered: group(&[1, 2]),
            options: vec![group(&[1, 2]), Group::default(), group(&[2])],
        };
        let r = release(QuestionType::Multiple, std::slice::from_ref(&few), &[], 5);
        assert_eq!(r.answered, None);
        assert!(r.options.iter().all(Option::is_none), "{r:?}");
        // Five answered, all the same option: how many answered, but no distribution.
        let same = Tally {
            answered: group(&five),
            options: vec![group(&five), Group::default()],
        };
        let r = release(QuestionType::Single, std::slice::from_ref(&same), &[], 5);
        assert!(r.answered.is_some());
        assert_eq!(r.options, [None, None]);
        // Multiple choice where everyone ticked one of the options: withheld whole too.
        let all_ticked = Tally {
            answered: group(&five),
            options: vec![group(&five), group(&[1, 2])],
        };
        let r = release(
            QuestionType::Multiple,
            std::slice::from_ref(&all_ticked),
            &[],
            5,
        );
        assert_eq!(r.options, [None, None]);
    }
    use crate::domain::cell_key::MAX_NOISE;
    use app::model::QuestionOption;
    use serde_json::{json, Map};

    fn question(kind: QuestionType, options: &[&str], range: Option<(i64, i64)>) -> Question {
        Question {
            id: "q".into(),
            kind,
            text: [("nl".to_string(), "Vraag".to_string())].into(),
            options: options
                .iter()
                .map(|o| QuestionOption {
                    id: (*o).into(),
                    text: [("nl".to_string(), o.to_string())].into(),
                })
                .collect(),
            required: false,
            min: range.map(|r| r.0),
            max: range.map(|r| r.1),
        }
    }

    fn answers(v: Value) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("q".into(), v);
        m
    }

    fn key(i: u32) -> u32 {
        i.wrapping_mul(2_654_435_761).wrapping_add(7)
    }

    #[test]
    fn narrow_numbers_per_value_wide_ones_in_five_equal_ranges() {
        let narrow = question(QuestionType::Number, &[], Some((1, 10)));
        assert_eq!(buckets(&narrow).len(), 10);
        assert_eq!(bucket_indices(&narrow, &json!(10)), vec![9]);
        let wide = question(QuestionType::Number, &[], Some((0, 99)));
        let ids: Vec<String> = buckets(&wide).into_iter().map(|b| b.id).collect();
        assert_eq!(ids, ["0–19", "20–39", "40–59", "60–79", "80–99"]);
        assert_eq!(bucket_indices(&wide, &json!(0)), vec![0]);
        assert_eq!(bucket_indices(&wide, &json!(19)), vec![0]);
        assert_eq!(bucket_indices(&wide, &json!(20)), vec![1]);
        assert_eq!(bucket_indices(&wide, &json!(99)), vec![4]);
        assert!(
            bucket_indices(&wide, &json!(100)).is_empty(),
            "out of range"
        );
        // Eleven values: the ranges differ by one at most and cover every value once.
        let odd = question(QuestionType::Number, &[], Some((0, 10)));
        let ids: Vec<String> = buckets(&odd).into_iter().map(|b| b.id).collect();
        assert_eq!(ids, ["0–1", "2–3", "4–5", "6–7", "8–10"]);
        for v in 0..=10 {
            assert_eq!(bucket_indices(&odd, &json!(v)).len(), 1, "{v}");
        }
    }

    #[test]
    fn scale_and_choices_count_their_values() {
        let scale = question(QuestionType::Scale, &[], None);
        assert_eq!(bucket_indices(&scale, &json!(5)), vec![4]);
        assert!(bucket_indices(&scale, &json!(6)).is_empty());
        let multi = question(QuestionType::Multiple, &["a", "b"], None);
        assert_eq!(bucket_indices(&multi, &json!(["b", "a", "b"])), vec![0, 1]);
        assert!(bucket_indices(&multi, &json!(["x"])).is_empty());
        let text = question(QuestionType::Text, &[], None);
        assert!(buckets(&text).is_empty());
    }

    #[test]
    fn suppression_edges_zero_kept_below_k_withheld_k_released() {
        for k in [5u64, 10] {
            let mut g = Group::default();
            assert_eq!(release_count(g, k), Some(0), "nobody is no one");
            for i in 1..k {
                g.add(key(i as u32));
                assert_eq!(release_count(g, k), None, "{i} of k={k}");
            }
            g.add(key(k as u32));
            let v = release_count(g, k).expect("k residents are released");
            assert!((v as i64 - k as i64).abs() <= MAX_NOISE);
        }
    }

    #[test]
    fn noise_is_bounded_and_the_same_people_always_get_the_same_value() {
        let mut differs = 0;
        for n in 5..200u32 {
            let mut a = Group::default();
            let mut b = Group::default();
            for i in 0..n {
                a.add(key(i));
            }
            // The same people in another order: the same cell key.
            for i in (0..n).rev() {
                b.add(key(i));
            }
            let (va, vb) = (release_count(a, 5), release_count(b, 5));
            assert_eq!(va, vb);
            let v = va.expect("released") as i64;
            assert!((v - i64::from(n)).abs() <= MAX_NOISE, "{n}: {v}");
            differs += usize::from(v != i64::from(n));
        }
        assert!(differs > 100, "noise is actually added: {differs}");
    }

    fn chain_of(q: &Question, areas: &[Vec<Value>]) -> Vec<Tally> {
        let maps: Vec<Vec<Map<String, Value>>> = areas
            .iter()
            .map(|a| a.iter().cloned().map(answers).collect())
            .collect();
        maps.iter()
            .map(|m| tally(q, m.iter().enumerate().map(|(i, a)| (key(i as u32), a))))
            .collect()
    }

    #[test]
    fn an_additive_question_is_withheld_whole_when_one_option_is_small() {
        let q = question(QuestionType::Single, &["a", "b", "c"], None);
        let mut answers: Vec<Value> = vec![json!("a"); 20];
        answers.extend(vec![json!("b"); 2]);
        let r = release(q.kind, &chain_of(&q, &[answers.clone()]), &[], 5);
        assert!(r.answered.is_some(), "answered stands on 22");
        assert_eq!(r.options, vec![None, None, None], "zeros too");
        assert!(r.shares.iter().all(Option::is_none));
        // Multiple choice is withheld option by option; its zero stays zero.
        let m = question(QuestionType::Multiple, &["a", "b", "c"], None);
        let r = release(m.kind, &chain_of(&m, &[answers]), &[], 5);
        assert!(r.options[0].is_some());
        assert_eq!(r.options[1], None);
        assert_eq!(r.options[2], Some(0));
        let share = r.shares[0].expect("share");
        assert!((0.0..=1.0).contains(&share));
    }

    #[test]
    fn inside_a_withheld_area_an_additive_question_stays_withheld() {
        let q = question(QuestionType::Single, &["a", "b", "c"], None);
        // The inner area has twelve a's and five b's: on its own it would be released whole.
        let mut inner: Vec<Value> = vec![json!("a"); 12];
        inner.extend(vec![json!("b"); 5]);
        let mut outer = inner.clone();
        outer.push(json!("c"));
        let alone = release(q.kind, &chain_of(&q, std::slice::from_ref(&inner)), &[], 5);
        assert!(alone.options[0].is_some() && alone.options[2] == Some(0));
        let held = release(q.kind, &chain_of(&q, &[outer.clone(), inner]), &[], 5);
        assert_eq!(held.options, vec![None, None, None]);
        assert!(held.answered.is_some());
        // The campaign as a whole, over a gemeente that withholds it (`outer`: one c) and one that
        // does not (five c's): on its own the campaign would be released whole.
        let mut other: Vec<Value> = vec![json!("a"); 12];
        other.extend(vec![json!("b"); 6]);
        other.extend(vec![json!("c"); 5]);
        let everyone: Vec<Value> = outer.iter().chain(&other).cloned().collect();
        let whole = chain_of(&q, &[everyone]);
        let free = release(q.kind, &whole, &[], 5);
        assert!(
            free.options.iter().all(Option::is_some),
            "on its own: released"
        );
        let parts = chain_of(&q, &[outer, other]);
        let campaign = release(q.kind, &whole, &parts, 5);
        assert_eq!(
            campaign.options,
            vec![None, None, None],
            "a gemeente withholds it"
        );
    }

    #[test]
    fn extreme_bounds_of_a_stored_number_question_cannot_overflow() {
        let q = question(QuestionType::Number, &[], Some((i64::MIN, i64::MAX)));
        let b = buckets(&q);
        assert_eq!(b.len(), BINS as usize);
        let answers = json!({"q": 12}).as_object().cloned().unwrap_or_default();
        let t = tally(&q, [(7u32, &answers)]);
        assert_eq!(t.answered.n, 1);
        // A campaign with such bounds is refused when staff write it.
        let mut c = app::model::Campaign::general();
        c.questions = vec![q];
        let errs = c.check().expect_err("refused");
        assert!(errs.iter().any(|e| e.field.ends_with(".min")), "{errs:?}");
    }

    #[test]
    fn text_questions_release_no_counts() {
        let q = question(QuestionType::Text, &[], None);
        let r = release(q.kind, &chain_of(&q, &[vec![json!("hallo"); 10]]), &[], 5);
        assert_eq!(r.answered, None);
        assert!(r.options.is_empty());
    }
}
