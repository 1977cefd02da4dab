//! Figures per area for advisors, from one table per gemeente whose four dimensions are
//! hierarchies:
//!
//! | dimension | from fine to coarse |
//! |---|---|
//! | area | buurt → wijk → gemeente |
//! | topic | category → kind → everything |
//! | period | calendar month → quarter → year → all time |
//! | campaign | one campaign → every campaign |
//!
//! These are exactly what the public list shows of every entry (its position, kind, category,
//! month and campaign), so a cell's *entry count* is public anyway: it is released exactly. What the
//! list does not show is who made the entries; figures about people follow docs/privacy.md:
//!
//! 1. a cell with 1 to k−1 distinct respondents is not released at all (`None`): who made so few
//!    entries is nobody's business, and the count goes with it;
//! 2. a released cell's respondent count carries cell-key noise ([`super::cell_key`]): the true
//!    count plus a deterministic perturbation of at most `MAX_NOISE`, decided by the keys of the
//!    cell's respondents alone, so the same people always give the same published value and no
//!    combination of released counts pins down how many people stand behind a withheld cell;
//! 3. a cell without entries is released as 0.
//!
//! How an entry came in (web, event, paper) is not a dimension: it is not public per entry, and
//! splitting public counts by it would give it away; advisors have it in the raw export. The wishes
//! that offer a talent are not public per entry either: [`release_tree`] releases them per area
//! only, with exact counts and complementary suppression, which is safe on a tree. Gemeenten are
//! separate tables; no figure spans two of them.

use app::model::{Kind, Period};
use rustc_hash::FxHashMap;

use super::areas::{cbs_parent, Level};
use super::cell_key::perturb;

/// The first year the lattice encodes; earlier dates count as this year.
const EPOCH: i32 = 2000;

fn encode_period(p: Period) -> u64 {
    let y = |y: i32| (y - EPOCH).clamp(0, 999) as u64;
    match p {
        Period::All => 0,
        Period::Year(v) => (1 << 14) | y(v),
        Period::Quarter(v, q) => (2 << 14) | (y(v) * 4 + u64::from(q - 1)),
        Period::Month(v, m) => (3 << 14) | (y(v) * 12 + u64::from(m - 1)),
    }
}

fn decode_period(v: u64) -> Period {
    let n = (v & 0x3fff) as i32;
    match v >> 14 {
        0 => Period::All,
        1 => Period::Year(EPOCH + n),
        2 => Period::Quarter(EPOCH + n / 4, (n % 4) as u8 + 1),
        _ => Period::Month(EPOCH + n / 12, (n % 12) as u8 + 1),
    }
}

/// One stored entry as the table needs it. Entries outside every gemeente are not counted here.
#[derive(Debug, Clone)]
pub struct Record {
    pub wijk: Option<String>,
    pub buurt: Option<String>,
    pub kind: Kind,
    pub category: String,
    pub campaign: String,
    /// Always a [`Period::Month`].
    pub month: Period,
    pub respondent: String,
    /// The respondent's key ([`super::cell_key::CellKeys`]).
    pub respondent_key: u32,
    /// What its details say that figures may be narrowed by ([`facets`]).
    pub facets: u32,
}

/// Where a barrier's groups ([`app::model::BARRIER_AFFECTS`]) start in [`facets`].
const AFFECTS_BIT: u32 = 0;
/// Where a place's qualities ([`app::model::PLACE_QUALITIES`]) start.
const QUALITY_BIT: u32 = 12;
/// Where a barrier's severity (1 to 3) starts.
const SEVERITY_BIT: u32 = 24;

/// The details of an entry that figures may be narrowed by, as bits: the groups a barrier stops,
/// its severity, and a place's qualities. Each is public per entry (the map shows it), so a figure
/// narrowed by them stays a count of what the public list shows. Unknown words give no bit.
pub fn facets(kind: Kind, affects: &[&str], severity: Option<u8>, qualities: &[&str]) -> u32 {
    let bits = |list: &[&str], of: &[&str], from: u32| {
        list.iter()
            .filter_map(|w| of.iter().position(|x| x == w))
            .fold(0u32, |acc, i| acc | 1 << (from + i as u32))
    };
    match kind {
        Kind::Barrier => {
            bits(affects, app::model::BARRIER_AFFECTS, AFFECTS_BIT)
                | severity
                    .filter(|s| (1..=3).contains(s))
                    .map_or(0, |s| 1 << (SEVERITY_BIT + u32::from(s) - 1))
        }
        Kind::Place => bits(qualities, app::model::PLACE_QUALITIES, QUALITY_BIT),
        Kind::Wish => 0,
    }
}

/// The bits an entry must all have to be counted under a filter's `affects`, `quality` and
/// severity (`0`: every entry). Unknown words (refused by the filter before) match nothing.
pub fn facet_mask(affects: Option<&str>, severity: Option<u8>, quality: &[String]) -> u32 {
    let kind = if affects.is_some() || severity.is_some() {
        Kind::Barrier
    } else {
        Kind::Place
    };
    let quality: Vec<&str> = quality.iter().map(String::as_str).collect();
    let mask = facets(kind, affects.as_slice(), severity, &quality);
    let asked = affects.is_some() || severity.is_some() || !quality.is_empty();
    if asked && mask == 0 {
        u32::MAX
    } else {
        mask
    }
}

/// The records a facet mask keeps (every record for `0`).
pub fn with_facets(records: &[Record], mask: u32) -> Vec<Record> {
    records
        .iter()
        .filter(|r| mask != 0 && r.facets & mask == mask)
        .cloned()
        .collect()
}

/// A topic: everything, one kind, or one category of a kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Topic {
    All,
    Kind(Kind),
    Category(Kind, String),
}

/// What a query asks for; `None` means "every".
#[derive(Debug, Clone)]
pub struct Selection {
    pub level: Level,
    pub kind: Option<Kind>,
    pub category: Option<String>,
    pub campaign: Option<String>,
    pub period: Period,
}

/// One released figure. `count` and `respondents` are `None` when suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub area: String,
    pub topic: Topic,
    pub count: Option<u64>,
    pub respondents: Option<u64>,
}

impl Figure {
    pub fn suppressed(&self) -> bool {
        self.count.is_none()
    }
}

// A cell's coordinates packed into one u64: area 20 bits, topic 10, period 16, campaign 16.
const AREA_BITS: u32 = 20;
const TOPIC_BITS: u32 = 10;
const PERIOD_BITS: u32 = 16;
const CAMPAIGN_BITS: u32 = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Coord {
    area: u32,
    /// 0 everything, 1–3 a kind, from 4 a category.
    topic: u32,
    period: Period,
    /// 0 every campaign, from 1 one.
    campaign: u32,
}

impl Coord {
    fn pack(self) -> u64 {
        debug_assert!(self.area < 1 << AREA_BITS && self.topic < 1 << TOPIC_BITS);
        debug_assert!(self.campaign < 1 << CAMPAIGN_BITS);
        let mut v = u64::from(self.area);
        v = (v << TOPIC_BITS) | u64::from(self.topic);
        v = (v << PERIOD_BITS) | encode_period(self.period);
        (v << CAMPAIGN_BITS) | u64::from(self.campaign)
    }

    fn unpack(mut v: u64) -> Coord {
        let mask = |bits: u32| (1u64 << bits) - 1;
        let campaign = (v & mask(CAMPAIGN_BITS)) as u32;
        v >>= CAMPAIGN_BITS;
        let period = decode_period(v & mask(PERIOD_BITS));
        v >>= PERIOD_BITS;
        let topic = (v & mask(TOPIC_BITS)) as u32;
        v >>= TOPIC_BITS;
        Coord {
            area: v as u32,
            topic,
            period,
            campaign,
        }
    }
}

fn kind_topic(k: Kind) -> u32 {
    1 + Kind::ALL.iter().position(|x| *x == k).unwrap_or(0) as u32
}

/// Interns values to dense ids starting at `first`.
struct Interner<K> {
    ids: FxHashMap<K, u32>,
    values: Vec<K>,
}

impl<K> Default for Interner<K> {
    fn default() -> Self {
        Interner {
            ids: FxHashMap::default(),
            values: Vec::new(),
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> Interner<K> {
    fn id(&mut self, k: &K, first: u32) -> u32 {
        if let Some(id) = self.ids.get(k) {
            return *id;
        }
        let id = first + self.values.len() as u32;
        self.ids.insert(k.clone(), id);
        self.values.push(k.clone());
        id
    }
}

#[derive(Debug, Clone)]
struct Cell {
    key: u64,
    entries: u64,
    respondents: u64,
    /// Sum (mod 2^32) of the distinct respondents' keys: the cell key of `respondents`.
    respondent_key: u32,
}

/// An area of the table: its code and level. A *remainder* stands for the entries of its parent
/// that lie in no finer area (a wijk without buurten, say): it is no area, so it is never released,
/// but its entries count in its parent.
struct AreaNode {
    code: String,
    level: Level,
    remainder: bool,
}

/// The released table of one gemeente.
pub struct Table {
    k: u64,
    /// A narrowed table ([`Table::build_narrowed`]): it counts entries only.
    entries_only: bool,
    areas: Vec<AreaNode>,
    categories: Vec<(Kind, String)>,
    campaigns: Vec<String>,
    single_campaign: Option<u32>,
    cells: Vec<Cell>,
}

impl Table {
    /// Counts `records` of `gemeente` into every cell of the lattice; cells below `k` distinct
    /// respondents will not be released.
    pub fn build(gemeente: &str, records: &[Record], k: u64) -> Table {
        let mut areas: Interner<String> = Interner::default();
        let mut area_meta: Vec<(Level, Option<u32>, bool)> = Vec::new();
        let mut area_id = |code: &str, level: Level, parent: Option<u32>, remainder: bool| {
            let id = areas.id(&code.to_string(), 0);
            if id as usize == area_meta.len() {
                area_meta.push((level, parent, remainder));
            }
            id
        };
        let gm = area_id(gemeente, Level::Gemeente, None, false);
        // A CBS code of another gemeente (an entry on a border, areas of different vintages) does
        // not belong in this table: such an entry counts in this gemeente's remainder instead.
        let ours = |code: &&str| cbs_parent(code, Level::Gemeente).is_none_or(|g| g == gemeente);
        let mut categories: Interner<(Kind, String)> = Interner::default();
        let mut campaigns: Interner<String> = Interner::default();
        let mut respondents: Interner<String> = Interner::default();

        let first_campaign = records.first().map(|r| r.campaign.as_str());
        let one_campaign = records
            .iter()
            .all(|r| Some(r.campaign.as_str()) == first_campaign);

        // Records in respondent order, so "a new respondent in this cell" is "not the last one seen".
        let mut rows: Vec<(u32, &Record, u32, u32, u32)> = records
            .iter()
            .map(|r| {
                // Every entry gets all three levels: a missing one is its parent's remainder.
                let wijk = r.wijk.as_deref().filter(ours);
                let wk_code = wijk.map_or_else(|| format!("{gemeente}~"), str::to_string);
                let wk = area_id(&wk_code, Level::Wijk, Some(gm), wijk.is_none());
                let area = match r.buurt.as_deref().filter(ours) {
                    Some(b) => area_id(b, Level::Buurt, Some(wk), false),
                    None => area_id(&format!("{wk_code}~"), Level::Buurt, Some(wk), true),
                };
                let cat = categories.id(&(r.kind, r.category.clone()), 4);
                let camp = campaigns.id(&r.campaign, 1);
                (respondents.id(&r.respondent, 0), r, area, cat, camp)
            })
            .collect();
        rows.sort_unstable_by_key(|r| r.0);

        struct Acc {
            entries: u64,
            respondents: u64,
            last: u32,
            respondent_key: u32,
        }
        let mut acc: FxHashMap<u64, Acc> = FxHashMap::default();
        let mut area_chain = Vec::with_capacity(3);
        let mut periods = Vec::with_capacity(4);
        for (resp, r, area, cat, camp) in rows {
            area_chain.clear();
            let mut a = Some(area);
            while let Some(id) = a {
                area_chain.push(id);
                a = area_meta[id as usize].1;
            }
            periods.clear();
            let mut p = Some(r.month);
            while let Some(x) = p {
                periods.push(x);
                p = x.parent();
            }
            let topics = [cat, kind_topic(r.kind), 0];
            let camps: &[u32] = if one_campaign { &[camp] } else { &[camp, 0] };
            for &area in &area_chain {
                for &topic in &topics {
                    for &period in &periods {
                        for &campaign in camps {
                            let key = Coord {
                                area,
                                topic,
                                period,
                                campaign,
                            }
                            .pack();
                            let a = acc.entry(key).or_insert(Acc {
                                entries: 0,
                                respondents: 0,
                                last: u32::MAX,
                                respondent_key: 0,
                            });
                            a.entries += 1;
                            if a.last != resp {
                                a.last = resp;
                                a.respondents += 1;
                                a.respondent_key = a.respondent_key.wrapping_add(r.respondent_key);
                            }
                        }
                    }
                }
            }
        }

        // Sorted keys: the same data always gives the same order.
        let mut cells: Vec<Cell> = acc
            .into_iter()
            .map(|(key, a)| Cell {
                key,
                entries: a.entries,
                respondents: a.respondents,
                respondent_key: a.respondent_key,
            })
            .collect();
        cells.sort_unstable_by_key(|c| c.key);
        Table {
            k,
            entries_only: false,
            areas: areas
                .values
                .into_iter()
                .zip(area_meta)
                .map(|(code, (level, _, remainder))| AreaNode {
                    code,
                    level,
                    remainder,
                })
                .collect(),
            categories: categories.values,
            campaigns: campaigns.values,
            single_campaign: one_campaign.then_some(1),
            cells,
        }
    }

    /// The table of entries narrowed by their details (the groups a barrier stops, its severity, a
    /// place's qualities). It releases entry counts only, withheld below k *entries*, and never a
    /// number of residents: details can be several per entry, so narrowed cells cross each other
    /// inside one area, month and category, and "this cell rests on k residents" over sets an
    /// attacker can pick would tell which entries share a resident. An entry count of the public
    /// list says nothing about people; whether one was released may not depend on them either.
    pub fn build_narrowed(gemeente: &str, records: &[Record], k: u64) -> Table {
        Table {
            entries_only: true,
            ..Table::build(gemeente, records, k)
        }
    }

    /// Rule 1 of the module comment; a narrowed table withholds by entries.
    fn suppressed(&self, c: &Cell) -> bool {
        if self.entries_only {
            c.entries > 0 && c.entries < self.k
        } else {
            c.respondents > 0 && c.respondents < self.k
        }
    }

    /// The figures `sel` asks for: every area of its level in this gemeente that has entries, per
    /// topic (everything, each kind, each category), narrowed by kind and category.
    pub fn select(&self, sel: &Selection) -> Vec<Figure> {
        let campaign = match &sel.campaign {
            None => self.single_campaign.unwrap_or(0),
            Some(c) => match self.campaigns.iter().position(|x| x == c) {
                Some(i) => i as u32 + 1,
                None => return Vec::new(),
            },
        };
        let mut out = Vec::new();
        for c in &self.cells {
            let coord = Coord::unpack(c.key);
            if coord.period != sel.period || coord.campaign != campaign {
                continue;
            }
            let node = &self.areas[coord.area as usize];
            if node.level != sel.level || node.remainder {
                continue;
            }
            let code = &node.code;
            let topic = match coord.topic {
                0 => Topic::All,
                t @ 1..=3 => Topic::Kind(Kind::ALL[(t - 1) as usize]),
                t => {
                    let (k, c) = &self.categories[(t - 4) as usize];
                    Topic::Category(*k, c.clone())
                }
            };
            let wanted = match (&topic, sel.kind, &sel.category) {
                (Topic::Category(k, c), kind, Some(want)) => {
                    c == want && kind.is_none_or(|w| w == *k)
                }
                (_, _, Some(_)) => false,
                (Topic::Kind(k) | Topic::Category(k, _), Some(want), None) => *k == want,
                (Topic::All, Some(_), None) => false,
                (_, None, None) => true,
            };
            if !wanted {
                continue;
            }
            out.push(self.figure(c, code.clone(), topic));
        }
        out
    }

    /// The gemeente the table is of.
    pub fn gemeente(&self) -> &str {
        &self.areas[0].code
    }

    /// Cells in the table (for benchmarks and tests).
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// How many cells are suppressed (fewer than k respondents).
    pub fn suppressed_cells(&self) -> usize {
        self.cells.iter().filter(|c| self.suppressed(c)).count()
    }

    /// A cell as released: withheld, or its exact entry count and its respondent count with
    /// cell-key noise, never more than the entries (post-processing of released values, which
    /// reveals nothing more).
    fn figure(&self, c: &Cell, area: String, topic: Topic) -> Figure {
        if self.suppressed(c) {
            return Figure {
                area,
                topic,
                count: None,
                respondents: None,
            };
        }
        Figure {
            area,
            topic,
            count: Some(c.entries),
            respondents: (!self.entries_only)
                .then(|| perturb(c.respondents, c.respondent_key).min(c.entries)),
        }
    }
}

/// One area's figure from [`release_tree`]: `None` when withheld.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaCount {
    pub area: String,
    pub count: Option<u64>,
    pub respondents: Option<u64>,
}

/// Releases counts of `records` per area of one gemeente (gemeente, its wijken, their buurten),
/// all time and all campaigns: for figures that are not public per entry (the wishes that offer a
/// talent). Counts are exact, so withheld ones are protected by complementary suppression: in
/// every group (an area and its child areas, a remainder of entries in no child included) the
/// withheld cells are none, or at least two that, when the parent is released, rest on k
/// distinct respondents together. On a tree that is enough: every equation a released figure takes
/// part in is one group, and a withheld cell can be moved against another withheld one in each
/// group it is in without touching any released figure (docs/privacy.md). Respondent counts carry
/// cell-key noise as in [`Table`].
pub fn release_tree(gemeente: &str, records: &[Record], k: u64) -> Vec<AreaCount> {
    // Area → (parent, entries, respondents' ids and key sum); remainders end in '~'.
    struct Node {
        parent: Option<usize>,
        entries: u64,
        people: std::collections::BTreeSet<String>,
        key: u32,
        remainder: bool,
        code: String,
    }
    let mut nodes: Vec<Node> = Vec::new();
    let mut ids: FxHashMap<String, usize> = FxHashMap::default();
    let mut id = |code: String, parent: Option<usize>, remainder: bool, nodes: &mut Vec<Node>| {
        *ids.entry(code.clone()).or_insert_with(|| {
            nodes.push(Node {
                parent,
                entries: 0,
                people: Default::default(),
                key: 0,
                remainder,
                code,
            });
            nodes.len() - 1
        })
    };
    let gm = id(gemeente.to_string(), None, false, &mut nodes);
    let ours = |code: &&str| cbs_parent(code, Level::Gemeente).is_none_or(|g| g == gemeente);
    for r in records {
        let wijk = r.wijk.as_deref().filter(ours);
        let wk_code = wijk.map_or_else(|| format!("{gemeente}~"), str::to_string);
        let wk = id(wk_code.clone(), Some(gm), wijk.is_none(), &mut nodes);
        let leaf = match r.buurt.as_deref().filter(ours) {
            Some(b) => id(b.to_string(), Some(wk), false, &mut nodes),
            None => id(format!("{wk_code}~"), Some(wk), true, &mut nodes),
        };
        let mut at = Some(leaf);
        while let Some(n) = at {
            let node = &mut nodes[n];
            node.entries += 1;
            if node.people.insert(r.respondent.clone()) {
                node.key = node.key.wrapping_add(r.respondent_key);
            }
            at = node.parent;
        }
    }
    // Primary: 1 to k−1 people, and remainders (no area of their own).
    let mut hidden: Vec<bool> = nodes
        .iter()
        .map(|n| n.remainder || (!n.people.is_empty() && (n.people.len() as u64) < k))
        .collect();
    // Complementary, group by group until nothing changes (a tree of at most three levels).
    loop {
        let mut changed = false;
        for parent in 0..nodes.len() {
            let children: Vec<usize> = (0..nodes.len())
                .filter(|&c| nodes[c].parent == Some(parent))
                .collect();
            if children.is_empty() || children.iter().all(|&c| nodes[c].remainder) {
                continue;
            }
            let withheld: Vec<usize> = children.iter().copied().filter(|&c| hidden[c]).collect();
            let mut people: std::collections::BTreeSet<&String> = Default::default();
            for &c in &withheld {
                people.extend(nodes[c].people.iter());
            }
            let unknown = withheld.len() + usize::from(hidden[parent]);
            let safe =
                unknown == 0 || (unknown >= 2 && (hidden[parent] || people.len() as u64 >= k));
            if safe {
                continue;
            }
            let smallest = children
                .iter()
                .copied()
                .filter(|&c| !hidden[c] && nodes[c].entries > 0)
                .min_by_key(|&c| {
                    (
                        nodes[c].people.len(),
                        nodes[c].entries,
                        nodes[c].code.clone(),
                    )
                });
            match smallest {
                Some(c) => hidden[c] = true,
                None if !hidden[parent] => hidden[parent] = true,
                None => continue,
            }
            changed = true;
        }
        if !changed {
            break;
        }
    }
    nodes
        .iter()
        .zip(hidden)
        .filter(|(n, _)| !n.remainder)
        .map(|(n, h)| AreaCount {
            area: n.code.clone(),
            count: (!h).then_some(n.entries),
            respondents: (!h).then(|| perturb(n.people.len() as u64, n.key).min(n.entries)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cell_key::{CellKeys, MAX_NOISE};

    const K: u64 = 5;

    fn keys() -> CellKeys {
        CellKeys::new(&[9; 32])
    }

    /// A barrier in `buurt` by `respondent`.
    fn rec(buurt: &str, category: &str, month: &str, respondent: &str) -> Record {
        Record {
            wijk: Some(format!("WK{}", &buurt[2..8])),
            buurt: Some(buurt.to_string()),
            kind: Kind::Barrier,
            category: category.to_string(),
            campaign: "default".into(),
            month: Period::parse(month).expect("a month"),
            respondent: respondent.to_string(),
            respondent_key: keys().respondent(respondent),
            facets: 0,
        }
    }

    #[test]
    fn facets_keep_the_entries_that_say_so_and_nothing_else() {
        let wheelchair = facets(
            Kind::Barrier,
            &["wheelchair_walker", "elderly"],
            Some(3),
            &[],
        );
        let children = facets(Kind::Barrier, &["children"], Some(1), &[]);
        let evening_free = facets(Kind::Place, &[], None, &["free", "open_evenings_weekends"]);
        let mut records = vec![
            rec("BU05050101", "steps", "2026-03", "a"),
            rec("BU05050101", "steps", "2026-03", "b"),
            rec("BU05050101", "steps", "2026-03", "c"),
        ];
        records[0].facets = wheelchair;
        records[1].facets = children;
        records[2].kind = Kind::Place;
        records[2].category = "library".into();
        records[2].facets = evening_free;
        let ids = |mask| -> Vec<String> {
            with_facets(&records, mask)
                .into_iter()
                .map(|r| r.respondent)
                .collect()
        };
        assert_eq!(ids(facet_mask(Some("wheelchair_walker"), None, &[])), ["a"]);
        assert_eq!(ids(facet_mask(Some("elderly"), Some(3), &[])), ["a"]);
        assert_eq!(ids(facet_mask(None, Some(1), &[])), ["b"]);
        assert_eq!(ids(facet_mask(None, Some(2), &[])), Vec::<String>::new());
        assert_eq!(ids(facet_mask(None, None, &["free".into()])), ["c"]);
        let both = ["free".to_string(), "open_evenings_weekends".to_string()];
        assert_eq!(ids(facet_mask(None, None, &both)), ["c"]);
        assert_eq!(
            ids(facet_mask(None, None, &["toilet".into()])),
            Vec::<String>::new()
        );
        // A word the filter does not know matches nothing, never everything.
        assert_eq!(
            ids(facet_mask(Some("aliens"), None, &[])),
            Vec::<String>::new()
        );
        // A place's qualities never pass for a barrier's groups, nor a severity out of range.
        assert_eq!(facets(Kind::Place, &["children"], Some(2), &[]), 0);
        assert_eq!(facets(Kind::Barrier, &[], Some(4), &["free"]), 0);
        assert_eq!(facets(Kind::Wish, &["children"], Some(1), &["free"]), 0);
    }

    fn sel(level: Level, period: Period) -> Selection {
        Selection {
            level,
            kind: None,
            category: None,
            campaign: None,
            period,
        }
    }

    fn figure<'a>(figs: &'a [Figure], area: &str, topic: &Topic) -> &'a Figure {
        figs.iter()
            .find(|f| f.area == area && f.topic == *topic)
            .unwrap_or_else(|| panic!("no figure for {area} {topic:?}"))
    }

    fn near(released: Option<u64>, truth: u64) -> bool {
        released.is_some_and(|v| (v as i64 - truth as i64).abs() <= MAX_NOISE)
    }

    #[test]
    fn periods_pack_into_cell_keys_and_back() {
        for p in [
            Period::All,
            Period::Year(2031),
            Period::Quarter(2026, 4),
            Period::Month(2026, 12),
        ] {
            assert_eq!(decode_period(encode_period(p)), p);
            let c = Coord {
                area: 12345,
                topic: 999,
                period: p,
                campaign: 65535,
            };
            assert_eq!(Coord::unpack(c.pack()), c);
        }
    }

    #[test]
    fn cells_below_k_respondents_are_withheld_and_people_carry_bounded_noise() {
        // Five entries by one respondent: five entries, but one person.
        let mut records: Vec<Record> = (0..5)
            .map(|_| rec("BU05050101", "steps", "2026-03", "r1"))
            .collect();
        records.extend((0..7).map(|i| rec("BU05050102", "steps", "2026-03", &format!("s{i}"))));
        let t = Table::build("GM0505", &records, K);
        let figs = t.select(&sel(Level::Buurt, Period::All));
        let steps = Topic::Category(Kind::Barrier, "steps".into());
        let lone = figure(&figs, "BU05050101", &steps);
        assert!(lone.suppressed() && lone.respondents.is_none());
        let seven = figure(&figs, "BU05050102", &steps);
        assert_eq!(seven.count, Some(7), "entries are public per entry: exact");
        assert!(near(seven.respondents, 7), "{seven:?}");
        assert!(seven.respondents <= seven.count);
        let w = t.select(&sel(Level::Wijk, Period::All));
        let wijk = figure(&w, "WK050501", &steps);
        assert!(
            wijk.count == Some(12) && near(wijk.respondents, 8),
            "{wijk:?}"
        );
        assert!(t.suppressed_cells() > 0);
    }

    #[test]
    fn the_same_contributors_always_give_the_same_value() {
        // All entries in one buurt of the wijk: buurt and wijk hold the same people, so they show
        // the same (noisy) figure; a differing one would give the noise away.
        let records: Vec<Record> = (0..9)
            .map(|i| rec("BU05050101", "steps", "2026-03", &format!("r{i}")))
            .collect();
        let t = Table::build("GM0505", &records, K);
        let all = Topic::All;
        let b = figure(
            &t.select(&sel(Level::Buurt, Period::All)),
            "BU05050101",
            &all,
        )
        .clone();
        let w = figure(&t.select(&sel(Level::Wijk, Period::All)), "WK050501", &all).clone();
        let m = figure(
            &t.select(&sel(Level::Buurt, Period::Month(2026, 3))),
            "BU05050101",
            &all,
        )
        .clone();
        assert_eq!((b.count, b.respondents), (w.count, w.respondents));
        assert_eq!((b.count, b.respondents), (m.count, m.respondents));
        // And a rebuild from the same rows gives the same table.
        let again = Table::build("GM0505", &records, K);
        assert_eq!(
            t.select(&sel(Level::Buurt, Period::All)),
            again.select(&sel(Level::Buurt, Period::All))
        );
    }

    #[test]
    fn the_noise_follows_the_people_not_the_cell() {
        // Many buurten of 8 residents with two entries each: released respondent counts spread
        // over the whole noise range and centre on the truth. (With as many people as entries the
        // count caps them: a figure never shows more people than entries.)
        let mut records = Vec::new();
        for b in 0..60 {
            for i in 0..16 {
                records.push(rec(
                    &format!("BU0505{:02}{:02}", b / 10 + 1, b % 10 + 1),
                    "steps",
                    "2026-03",
                    &format!("r{b}-{}", i / 2),
                ));
            }
        }
        let t = Table::build("GM0505", &records, K);
        let counts: Vec<i64> = t
            .select(&sel(Level::Buurt, Period::All))
            .iter()
            .filter(|f| f.topic == Topic::All)
            .map(|f| f.respondents.expect("released") as i64 - 8)
            .collect();
        assert_eq!(counts.len(), 60);
        assert!(counts.iter().all(|n| n.abs() <= MAX_NOISE));
        let distinct: std::collections::BTreeSet<i64> = counts.iter().copied().collect();
        assert!(distinct.len() >= 5, "{distinct:?}");
        let mean = counts.iter().sum::<i64>() as f64 / 60.0;
        assert!(mean.abs() < 1.0, "{mean}");
    }

    #[test]
    fn entries_without_a_buurt_count_in_their_wijk_but_are_never_an_area() {
        let mut records: Vec<Record> = (0..6)
            .map(|i| rec("BU05050101", "steps", "2026-03", &format!("b{i}")))
            .collect();
        let mut lone = rec("BU05050101", "steps", "2026-03", "lone");
        lone.buurt = None;
        records.push(lone);
        // An entry with another gemeente's codes counts in this gemeente's remainder.
        let mut stray = rec("BU05990101", "steps", "2026-03", "stray");
        stray.wijk = Some("WK059901".into());
        records.push(stray);
        let t = Table::build("GM0505", &records, K);
        let steps = Topic::Category(Kind::Barrier, "steps".into());
        assert_eq!(
            figure(
                &t.select(&sel(Level::Wijk, Period::All)),
                "WK050501",
                &steps
            )
            .count,
            Some(7)
        );
        assert_eq!(
            figure(
                &t.select(&sel(Level::Gemeente, Period::All)),
                "GM0505",
                &steps
            )
            .count,
            Some(8)
        );
        let all: Vec<Figure> = Level::ALL
            .iter()
            .flat_map(|l| t.select(&sel(*l, Period::All)))
            .collect();
        assert!(
            all.iter()
                .all(|f| f.area.contains("0505") && !f.area.contains('~')),
            "{all:?}"
        );
    }

    #[test]
    fn filters_narrow_the_figures() {
        let records: Vec<Record> = (0..12)
            .map(|i| {
                rec(
                    "BU05050101",
                    if i < 6 { "steps" } else { "language" },
                    "2026-05",
                    &format!("r{i}"),
                )
            })
            .collect();
        let t = Table::build("GM0505", &records, K);
        let s = Selection {
            kind: Some(Kind::Barrier),
            ..sel(Level::Buurt, Period::All)
        };
        let topics: Vec<_> = t.select(&s).into_iter().map(|f| f.topic).collect();
        assert_eq!(
            topics.len(),
            3,
            "the kind total and its two categories: {topics:?}"
        );
        let s = Selection {
            category: Some("steps".into()),
            ..sel(Level::Buurt, Period::All)
        };
        assert_eq!(t.select(&s).len(), 1);
        let s = Selection {
            kind: Some(Kind::Wish),
            ..sel(Level::Buurt, Period::All)
        };
        assert!(t.select(&s).is_empty());
        let s = Selection {
            campaign: Some("elders".into()),
            ..sel(Level::Buurt, Period::All)
        };
        assert!(t.select(&s).is_empty());
        // One campaign in all: "every campaign" and "default" are the same figure.
        let s = Selection {
            campaign: Some("default".into()),
            ..sel(Level::Gemeente, Period::All)
        };
        assert_eq!(t.select(&s), t.select(&sel(Level::Gemeente, Period::All)));
    }

    #[test]
    fn a_tree_of_areas_withholds_a_lone_buurt_with_a_partner() {
        // Wijk 01: a lone resident in buurt 01, six in 02, five in 03. The wijk's total is released,
        // so one more buurt is withheld with the lone one: the smallest, 03.
        let mut records = vec![rec("BU05050101", "x", "2026-03", "alone")];
        records.extend((0..6).map(|i| rec("BU05050102", "x", "2026-03", &format!("b{i}"))));
        records.extend((0..5).map(|i| rec("BU05050103", "x", "2026-03", &format!("c{i}"))));
        // Wijk 02: seven in one buurt only: the wijk and its buurt are the same people.
        records.extend((0..7).map(|i| rec("BU05050201", "x", "2026-03", &format!("d{i}"))));
        let out = release_tree("GM0505", &records, K);
        let count = |code: &str| {
            out.iter()
                .find(|a| a.area == code)
                .map(|a| a.count)
                .expect(code)
        };
        assert_eq!(count("BU05050101"), None);
        assert_eq!(count("BU05050103"), None, "the partner");
        assert_eq!(count("BU05050102"), Some(6));
        assert_eq!(count("WK050501"), Some(12));
        assert_eq!(count("GM0505"), Some(19));
        assert_eq!(count("WK050502"), Some(7));
        assert!(out.iter().all(|a| !a.area.contains('~')));
        // Wijk minus the released buurt leaves the two withheld ones together: six people.
        assert!(near(
            out.iter()
                .find(|a| a.area == "WK050501")
                .expect("wijk")
                .respondents,
            12
        ));
    }
}
