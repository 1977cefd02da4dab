//! Counts per area for advisors, with small-count suppression that also holds against differencing.
//!
//! Every figure Trefpunt releases is a cell of one table per gemeente, whose five dimensions are
//! hierarchies:
//!
//! | dimension | from fine to coarse |
//! |---|---|
//! | area | buurt → wijk → gemeente |
//! | topic | category → kind → everything |
//! | period | calendar month → quarter → year → all time |
//! | source | web / event / paper → every source |
//! | campaign | one campaign → every campaign |
//!
//! Periods are calendar units only, never free windows: with free windows, [Jan–Jun] minus [Jan–May]
//! would give June whatever June's own cell says. On this lattice every released figure is a parent
//! or a child in *groups* (a parent cell and its children along one dimension, the other four fixed),
//! and a group is an equation: the parent equals the sum of its children.
//!
//! Suppression, decided once per table so every query sees the same decisions:
//! 1. primary: a cell with 1 to k−1 distinct respondents is suppressed;
//! 2. complementary: in every group, the suppressed cells (unknowns) must be none, or at least two
//!    such that, when the parent is known, the suppressed children together rest on at least k
//!    distinct respondents. Otherwise one more cell is suppressed (the released child with the fewest
//!    respondents, else the parent) and the affected groups are checked again, until nothing changes.
//!
//! So no single suppressed cell equals a released total minus released parts, along any dimension.
//! Cells without entries are not suppressed: that nobody reported something is released as 0.
//! Gemeenten are separate tables; no figure spans two of them.

use std::collections::VecDeque;

use app::model::{Kind, Period, Source};
use rustc_hash::FxHashMap;

use super::areas::{cbs_parent, Level};

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
    pub source: Source,
    pub campaign: String,
    /// Always a [`Period::Month`].
    pub month: Period,
    pub respondent: String,
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
    pub source: Option<Source>,
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

// A cell's coordinates packed into one u64: area 20 bits, topic 10, period 16, source 2, campaign 16.
const AREA_BITS: u32 = 20;
const TOPIC_BITS: u32 = 10;
const PERIOD_BITS: u32 = 16;
const SOURCE_BITS: u32 = 2;
const CAMPAIGN_BITS: u32 = 16;
const DIMS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Coord {
    area: u32,
    /// 0 everything, 1–3 a kind, from 4 a category.
    topic: u32,
    period: Period,
    /// 0 every source, 1–3 one.
    source: u32,
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
        v = (v << SOURCE_BITS) | u64::from(self.source);
        (v << CAMPAIGN_BITS) | u64::from(self.campaign)
    }

    fn unpack(mut v: u64) -> Coord {
        let mask = |bits: u32| (1u64 << bits) - 1;
        let campaign = (v & mask(CAMPAIGN_BITS)) as u32;
        v >>= CAMPAIGN_BITS;
        let source = (v & mask(SOURCE_BITS)) as u32;
        v >>= SOURCE_BITS;
        let period = decode_period(v & mask(PERIOD_BITS));
        v >>= PERIOD_BITS;
        let topic = (v & mask(TOPIC_BITS)) as u32;
        v >>= TOPIC_BITS;
        Coord {
            area: v as u32,
            topic,
            period,
            source,
            campaign,
        }
    }
}

fn kind_topic(k: Kind) -> u32 {
    1 + Kind::ALL.iter().position(|x| *x == k).unwrap_or(0) as u32
}

fn source_node(s: Source) -> u32 {
    1 + Source::ALL.iter().position(|x| *x == s).unwrap_or(0) as u32
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
    /// The respondents themselves, kept only for cells with fewer than k of them: the hidden cells
    /// of a group must rest on k *distinct* people together, and one person can be in several.
    few: Vec<u32>,
}

/// An area of the table: its code, level and parent. A *remainder* stands for the entries of its
/// parent that lie in no finer area (a wijk without buurten, say): never released, always counted as
/// hidden, so parent minus the released children does not give it away.
struct AreaNode {
    code: String,
    level: Level,
    parent: Option<u32>,
    remainder: bool,
}

/// The released table of one gemeente.
pub struct Table {
    k: u64,
    areas: Vec<AreaNode>,
    categories: Vec<(Kind, String)>,
    campaigns: Vec<String>,
    /// Set when every entry has the same source: then "every source" is that source's cell.
    single_source: Option<u32>,
    single_campaign: Option<u32>,
    cells: Vec<Cell>,
    index: FxHashMap<u64, u32>,
    suppressed: Vec<bool>,
}

impl Table {
    /// Counts `records` of `gemeente` into every cell of the lattice and decides suppression with
    /// threshold `k` (distinct respondents).
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

        let single_source = records
            .first()
            .map(|r| r.source)
            .filter(|s| records.iter().all(|r| r.source == *s))
            .map(source_node);
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
            few: Vec<u32>,
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
            let src = source_node(r.source);
            let sources: &[u32] = if single_source.is_some() {
                &[src]
            } else {
                &[src, 0]
            };
            let camps: &[u32] = if one_campaign { &[camp] } else { &[camp, 0] };
            for &area in &area_chain {
                for &topic in &topics {
                    for &period in &periods {
                        for &source in sources {
                            for &campaign in camps {
                                let key = Coord {
                                    area,
                                    topic,
                                    period,
                                    source,
                                    campaign,
                                }
                                .pack();
                                let a = acc.entry(key).or_insert(Acc {
                                    entries: 0,
                                    respondents: 0,
                                    last: u32::MAX,
                                    few: Vec::new(),
                                });
                                a.entries += 1;
                                if a.last != resp {
                                    a.last = resp;
                                    a.respondents += 1;
                                    if a.few.len() < k as usize {
                                        a.few.push(resp);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        // Sorted keys: the same data always gives the same order, hence the same decisions.
        let mut cells: Vec<Cell> = acc
            .into_iter()
            .map(|(key, a)| Cell {
                key,
                entries: a.entries,
                respondents: a.respondents,
                few: if a.respondents < k { a.few } else { Vec::new() },
            })
            .collect();
        cells.sort_unstable_by_key(|c| c.key);
        let index = cells
            .iter()
            .enumerate()
            .map(|(i, c)| (c.key, i as u32))
            .collect();
        let mut table = Table {
            k,
            areas: areas
                .values
                .into_iter()
                .zip(area_meta)
                .map(|(code, (level, parent, remainder))| AreaNode {
                    code,
                    level,
                    parent,
                    remainder,
                })
                .collect(),
            categories: categories.values,
            campaigns: campaigns.values,
            single_source,
            single_campaign: one_campaign.then_some(1),
            suppressed: Vec::new(),
            cells,
            index,
        };
        // Primary suppression; remainders are never released, so they start hidden.
        table.suppressed = (0..table.cells.len())
            .map(|i| {
                let c = &table.cells[i];
                (c.respondents > 0 && c.respondents < k) || table.is_remainder(i)
            })
            .collect();
        table.suppress_complements();
        table
    }

    fn is_remainder(&self, cell: usize) -> bool {
        self.areas[Coord::unpack(self.cells[cell].key).area as usize].remainder
    }

    /// The parent of a cell along one dimension, when it has one in this table.
    fn parent_key(&self, c: Coord, dim: usize) -> Option<u64> {
        let mut p = c;
        match dim {
            0 => p.area = self.areas[c.area as usize].parent?,
            1 => {
                p.topic = match c.topic {
                    0 => return None,
                    1..=3 => 0,
                    t => kind_topic(self.categories[(t - 4) as usize].0),
                }
            }
            2 => p.period = c.period.parent()?,
            3 if self.single_source.is_none() && c.source != 0 => p.source = 0,
            4 if self.single_campaign.is_none() && c.campaign != 0 => p.campaign = 0,
            _ => return None,
        }
        Some(p.pack())
    }

    /// Step 2 of the module comment: grow the suppressed set until every group is safe.
    fn suppress_complements(&mut self) {
        // Groups: (parent, dimension) with their children, found by sorting child → parent links.
        let mut links: Vec<(u32, u8, u32)> = Vec::with_capacity(self.cells.len() * 3);
        for (i, c) in self.cells.iter().enumerate() {
            let coord = Coord::unpack(c.key);
            for dim in 0..DIMS {
                if let Some(p) = self.parent_key(coord, dim).and_then(|k| self.index.get(&k)) {
                    links.push((*p, dim as u8, i as u32));
                }
            }
        }
        links.sort_unstable();
        let mut groups: Vec<(u32, std::ops::Range<usize>)> = Vec::new();
        let mut group_of: FxHashMap<(u32, u8), u32> = FxHashMap::default();
        let mut start = 0;
        for i in 1..=links.len() {
            if i == links.len() || links[i].0 != links[start].0 || links[i].1 != links[start].1 {
                group_of.insert((links[start].0, links[start].1), groups.len() as u32);
                groups.push((links[start].0, start..i));
                start = i;
            }
        }
        // For each cell, the groups it belongs to (as parent and as child).
        let mut member: Vec<Vec<u32>> = vec![Vec::new(); self.cells.len()];
        for (g, (parent, range)) in groups.iter().enumerate() {
            member[*parent as usize].push(g as u32);
            for l in &links[range.clone()] {
                member[l.2 as usize].push(g as u32);
            }
        }

        let mut queue: VecDeque<u32> = (0..groups.len() as u32).collect();
        let mut queued = vec![true; groups.len()];
        while let Some(g) = queue.pop_front() {
            queued[g as usize] = false;
            let (parent, range) = &groups[g as usize];
            let children = &links[range.clone()];
            // A parent whose only children are remainders equals them: nothing to protect apart.
            if children.iter().all(|l| self.is_remainder(l.2 as usize)) {
                continue;
            }
            let parent_hidden = self.suppressed[*parent as usize];
            let mut unknown = usize::from(parent_hidden);
            // Who the hidden children rest on: a hidden child with k or more is enough alone; the
            // others bring their few respondents, counted once however many cells they are in.
            let mut big_hidden = false;
            let mut hidden_people: Vec<u32> = Vec::new();
            let mut smallest: Option<u32> = None;
            for &(_, _, child) in children {
                let c = &self.cells[child as usize];
                if self.suppressed[child as usize] {
                    unknown += 1;
                    if c.respondents >= self.k {
                        big_hidden = true;
                    } else {
                        hidden_people.extend_from_slice(&c.few);
                    }
                } else if c.respondents > 0
                    && !self.is_remainder(child as usize)
                    && smallest.is_none_or(|s| {
                        let s = &self.cells[s as usize];
                        (c.respondents, c.entries) < (s.respondents, s.entries)
                    })
                {
                    smallest = Some(child);
                }
            }
            hidden_people.sort_unstable();
            hidden_people.dedup();
            let enough = big_hidden || hidden_people.len() as u64 >= self.k;
            let safe = unknown == 0 || (unknown >= 2 && (parent_hidden || enough));
            if safe {
                continue;
            }
            let extra = match smallest {
                Some(child) => child,
                None if !parent_hidden => *parent,
                // Every cell of the group is hidden already.
                None => continue,
            };
            self.suppressed[extra as usize] = true;
            for &g2 in &member[extra as usize] {
                if !queued[g2 as usize] {
                    queued[g2 as usize] = true;
                    queue.push_back(g2);
                }
            }
            if !queued[g as usize] {
                queued[g as usize] = true;
                queue.push_back(g);
            }
        }
    }

    /// The figures `sel` asks for: every area of its level in this gemeente that has entries, per
    /// topic (everything, each kind, each category), narrowed by kind and category.
    pub fn select(&self, sel: &Selection) -> Vec<Figure> {
        let source = match (sel.source, self.single_source) {
            (None, Some(only)) => only,
            (None, None) => 0,
            (Some(s), _) => source_node(s),
        };
        let campaign = match &sel.campaign {
            None => self.single_campaign.unwrap_or(0),
            Some(c) => match self.campaigns.iter().position(|x| x == c) {
                Some(i) => i as u32 + 1,
                None => return Vec::new(),
            },
        };
        let mut out = Vec::new();
        for (i, c) in self.cells.iter().enumerate() {
            let coord = Coord::unpack(c.key);
            if coord.period != sel.period || coord.source != source || coord.campaign != campaign {
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
            let hidden = self.suppressed[i];
            out.push(Figure {
                area: code.clone(),
                topic,
                count: (!hidden).then_some(c.entries),
                respondents: (!hidden).then_some(c.respondents),
            });
        }
        out
    }

    /// Cells in the table (for benchmarks and tests).
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// How many cells are suppressed, and how many of those only to protect others.
    pub fn suppression_counts(&self) -> (usize, usize) {
        let total = self.suppressed.iter().filter(|s| **s).count();
        let primary = self
            .cells
            .iter()
            .filter(|c| c.respondents > 0 && c.respondents < self.k)
            .count();
        (total, total - primary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const K: u64 = 5;

    fn rec(buurt: &str, category: &str, month: &str, respondent: &str) -> Record {
        Record {
            wijk: Some(format!("WK{}", &buurt[2..8])),
            buurt: Some(buurt.to_string()),
            kind: Kind::Barrier,
            category: category.to_string(),
            source: Source::Web,
            campaign: "default".into(),
            month: Period::parse(month).expect("a month"),
            respondent: respondent.to_string(),
        }
    }

    fn sel(level: Level, period: Period) -> Selection {
        Selection {
            level,
            kind: None,
            category: None,
            campaign: None,
            period,
            source: None,
        }
    }

    fn figure<'a>(figs: &'a [Figure], area: &str, topic: &Topic) -> &'a Figure {
        figs.iter()
            .find(|f| f.area == area && f.topic == *topic)
            .unwrap_or_else(|| panic!("no figure for {area} {topic:?}"))
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
                source: 3,
                campaign: 65535,
            };
            assert_eq!(Coord::unpack(c.pack()), c);
        }
    }

    #[test]
    fn cells_below_k_distinct_respondents_are_suppressed() {
        // Five entries by one respondent: five entries, but one person.
        let mut records: Vec<Record> = (0..5)
            .map(|_| rec("BU05050101", "steps", "2026-03", "r1"))
            .collect();
        // Five respondents with one entry each in each of two other buurten of the same wijk.
        records.extend((0..5).map(|i| rec("BU05050102", "steps", "2026-03", &format!("s{i}"))));
        records.extend((0..5).map(|i| rec("BU05050103", "steps", "2026-03", &format!("t{i}"))));
        let t = Table::build("GM0505", &records, K);
        let figs = t.select(&sel(Level::Buurt, Period::All));
        let steps = Topic::Category(Kind::Barrier, "steps".into());
        assert!(figure(&figs, "BU05050101", &steps).suppressed());
        // The wijk total (11 respondents) is released, so one of the other buurten is hidden too:
        // otherwise the lone respondent's buurt would be the wijk minus the other two.
        let w = t.select(&sel(Level::Wijk, Period::All));
        assert_eq!(figure(&w, "WK050501", &steps).count, Some(15));
        let open: Vec<_> = ["BU05050102", "BU05050103"]
            .iter()
            .map(|b| figure(&figs, b, &steps))
            .filter(|f| !f.suppressed())
            .collect();
        assert_eq!(open.len(), 1, "{figs:?}");
        assert_eq!((open[0].count, open[0].respondents), (Some(5), Some(5)));
    }

    /// Everything an outsider can ask for, keyed by (area, topic, period, source, campaign).
    type Released = HashMap<(String, String, Period, String, String), Option<u64>>;

    fn release_everything(t: &Table, records: &[Record]) -> Released {
        let mut periods: Vec<Period> = Vec::new();
        for r in records {
            let mut p = Some(r.month);
            while let Some(x) = p {
                if !periods.contains(&x) {
                    periods.push(x);
                }
                p = x.parent();
            }
        }
        let mut out = Released::new();
        for level in Level::ALL {
            for &period in &periods {
                for source in [
                    None,
                    Some(Source::Web),
                    Some(Source::Event),
                    Some(Source::Paper),
                ] {
                    for campaign in [None, Some("default"), Some("zomer")] {
                        let s = Selection {
                            campaign: campaign.map(str::to_string),
                            source,
                            ..sel(level, period)
                        };
                        for f in t.select(&s) {
                            let topic = match &f.topic {
                                Topic::All => "*".to_string(),
                                Topic::Kind(k) => k.as_str().to_string(),
                                Topic::Category(k, c) => format!("{}/{c}", k.as_str()),
                            };
                            let src = source.map_or("*", |s| s.as_str()).to_string();
                            let camp = campaign.unwrap_or("*").to_string();
                            out.insert((f.area, topic, period, src, camp), f.count);
                        }
                    }
                }
            }
        }
        out
    }

    /// The attack: for every parent figure and its children along one dimension, subtract the
    /// released children from the released parent. Returns the cells recovered that way.
    fn recover_by_differencing(rel: &Released) -> Vec<String> {
        let mut children: HashMap<_, Vec<_>> = HashMap::new();
        for key in rel.keys() {
            let (area, topic, period, src, camp) = key.clone();
            let mut parents = Vec::new();
            if area.starts_with("BU") {
                parents.push((
                    format!("WK{}", &area[2..8]),
                    topic.clone(),
                    period,
                    src.clone(),
                    camp.clone(),
                ));
            } else if area.starts_with("WK") {
                parents.push((
                    format!("GM{}", &area[2..6]),
                    topic.clone(),
                    period,
                    src.clone(),
                    camp.clone(),
                ));
            }
            if let Some((kind, _)) = topic.split_once('/') {
                parents.push((
                    area.clone(),
                    kind.to_string(),
                    period,
                    src.clone(),
                    camp.clone(),
                ));
            } else if topic != "*" {
                parents.push((area.clone(), "*".into(), period, src.clone(), camp.clone()));
            }
            if let Some(p) = period.parent() {
                parents.push((area.clone(), topic.clone(), p, src.clone(), camp.clone()));
            }
            if src != "*" {
                parents.push((
                    area.clone(),
                    topic.clone(),
                    period,
                    "*".into(),
                    camp.clone(),
                ));
            }
            if camp != "*" {
                parents.push((area.clone(), topic.clone(), period, src.clone(), "*".into()));
            }
            for (dim, p) in parents.into_iter().enumerate() {
                children.entry((p, dim)).or_default().push(key.clone());
            }
        }
        let mut recovered = Vec::new();
        for ((parent, _), kids) in &children {
            let Some(Some(total)) = rel.get(parent) else {
                continue;
            };
            let hidden: Vec<_> = kids.iter().filter(|k| rel[*k].is_none()).collect();
            if hidden.len() == 1 {
                let known: u64 = kids.iter().filter_map(|k| rel[k]).sum();
                recovered.push(format!("{:?} = {}", hidden[0], total - known));
            }
        }
        recovered
    }

    /// A small deterministic generator, so the test data is varied but the same on every run.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    #[test]
    fn no_suppressed_cell_is_recovered_by_differencing() {
        let mut rng = Lcg(7);
        let buurten = [
            "BU05050101",
            "BU05050102",
            "BU05050201",
            "BU05050202",
            "BU05050203",
        ];
        let cats = ["steps", "costs_money", "language"];
        let months = ["2026-01", "2026-02", "2026-04", "2026-07", "2027-01"];
        let mut records = Vec::new();
        for i in 0..400 {
            let mut r = rec(
                buurten[rng.next(5) as usize],
                cats[rng.next(3) as usize],
                months[rng.next(5) as usize],
                &format!("r{}", rng.next(250)),
            );
            r.source =
                [Source::Web, Source::Web, Source::Event, Source::Paper][rng.next(4) as usize];
            if i % 3 == 0 {
                r.campaign = "zomer".into();
            }
            if i % 7 == 0 {
                r.kind = Kind::Wish;
                r.category = "activity".into();
            }
            records.push(r);
        }
        let t = Table::build("GM0505", &records, K);
        let rel = release_everything(&t, &records);
        let (total, complementary) = t.suppression_counts();
        assert!(
            total > 50 && complementary > 0,
            "the data must exercise suppression: {total}/{complementary}"
        );
        assert!(
            rel.values().filter(|v| v.is_some()).count() > 100,
            "most figures stay released"
        );
        let recovered = recover_by_differencing(&rel);
        assert!(recovered.is_empty(), "recovered: {recovered:#?}");
    }

    #[test]
    fn hidden_cells_must_rest_on_k_distinct_people_together() {
        // One resident reports five different barriers in a buurt; five others report one category.
        // Five hidden categories would "hold 5 respondents" if counted per cell, but it is one
        // person: the barrier total minus the released category would show their five entries.
        let mut records: Vec<Record> =
            ["steps", "no_ramp", "poor_lighting", "no_toilet", "too_far"]
                .iter()
                .map(|c| rec("BU05050101", c, "2026-03", "alone"))
                .collect();
        records.extend((0..5).map(|i| rec("BU05050101", "language", "2026-03", &format!("o{i}"))));
        let t = Table::build("GM0505", &records, K);
        let figs = t.select(&sel(Level::Buurt, Period::All));
        assert_eq!(
            figure(&figs, "BU05050101", &Topic::Kind(Kind::Barrier)).count,
            Some(10)
        );
        let language = Topic::Category(Kind::Barrier, "language".into());
        assert!(
            figure(&figs, "BU05050101", &language).suppressed(),
            "hidden with the five"
        );
        assert!(recover_by_differencing(&release_everything(&t, &records)).is_empty());
    }

    #[test]
    fn entries_without_a_buurt_are_a_hidden_remainder_not_a_difference() {
        // Six respondents in a buurt, one in the same wijk but in no buurt (none imported there):
        // wijk 7 minus buurt 6 would give the lone one away.
        let mut records: Vec<Record> = (0..6)
            .map(|i| rec("BU05050101", "steps", "2026-03", &format!("b{i}")))
            .collect();
        let mut lone = rec("BU05050101", "steps", "2026-03", "lone");
        lone.buurt = None;
        records.push(lone);
        let t = Table::build("GM0505", &records, K);
        let steps = Topic::Category(Kind::Barrier, "steps".into());
        let w = t.select(&sel(Level::Wijk, Period::All));
        assert_eq!(figure(&w, "WK050501", &steps).count, Some(7));
        let b = t.select(&sel(Level::Buurt, Period::All));
        // Wijk minus buurt is now the remainder plus the hidden buurt: two unknowns, not one.
        assert!(
            figure(&b, "BU05050101", &steps).suppressed(),
            "hidden with the remainder"
        );

        // An entry with another gemeente's codes counts in this gemeente's remainder: the gemeente
        // shows 8, and the wijk (7) is hidden, else 8 − 7 would give that one away.
        let mut stray = rec("BU05990101", "steps", "2026-03", "stray");
        stray.wijk = Some("WK059901".into());
        records.push(stray);
        let t = Table::build("GM0505", &records, K);
        let g = t.select(&sel(Level::Gemeente, Period::All));
        assert_eq!(figure(&g, "GM0505", &steps).count, Some(8));
        let w = t.select(&sel(Level::Wijk, Period::All));
        assert!(figure(&w, "WK050501", &steps).suppressed());
        let all: Vec<Figure> = Level::ALL
            .iter()
            .flat_map(|l| t.select(&sel(*l, Period::All)))
            .collect();
        assert!(
            all.iter()
                .all(|f| f.area.contains("0505") && !f.area.contains('~')),
            "{all:?}"
        );

        // Only gemeente areas: the gemeente total stands on its own.
        let only: Vec<Record> = (0..5)
            .map(|i| {
                let mut r = rec("BU05050101", "steps", "2026-03", &format!("g{i}"));
                (r.wijk, r.buurt) = (None, None);
                r
            })
            .collect();
        let t = Table::build("GM0505", &only, K);
        assert_eq!(
            figure(
                &t.select(&sel(Level::Gemeente, Period::All)),
                "GM0505",
                &steps
            )
            .count,
            Some(5)
        );
        assert!(t.select(&sel(Level::Wijk, Period::All)).is_empty());
    }

    #[test]
    fn a_lone_month_is_not_the_quarter_minus_the_others() {
        // Five respondents in January and in February, one in March: Q1 is released, so March would be
        // Q1 − January − February unless a second month is hidden with it.
        let mut records = Vec::new();
        for i in 0..5 {
            records.push(rec("BU05050101", "steps", "2026-01", &format!("a{i}")));
            records.push(rec("BU05050101", "steps", "2026-02", &format!("b{i}")));
        }
        records.push(rec("BU05050101", "steps", "2026-03", "c0"));
        let t = Table::build("GM0505", &records, K);
        let steps = Topic::Category(Kind::Barrier, "steps".into());
        let q1 = t.select(&sel(Level::Buurt, Period::Quarter(2026, 1)));
        assert_eq!(figure(&q1, "BU05050101", &steps).count, Some(11));
        let hidden: Vec<_> = (1..=3)
            .filter(|m| {
                figure(
                    &t.select(&sel(Level::Buurt, Period::Month(2026, *m))),
                    "BU05050101",
                    &steps,
                )
                .suppressed()
            })
            .collect();
        assert_eq!(hidden.len(), 2, "March and one complement: {hidden:?}");
        assert!(hidden.contains(&3));
        assert!(recover_by_differencing(&release_everything(&t, &records)).is_empty());
    }

    #[test]
    fn filters_narrow_the_figures() {
        let records: Vec<Record> = (0..6)
            .map(|i| {
                rec(
                    "BU05050101",
                    if i < 3 { "steps" } else { "language" },
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
        // Everything came from the web: "every source" and "web" are the same figure.
        let s = Selection {
            source: Some(Source::Web),
            ..sel(Level::Gemeente, Period::All)
        };
        assert_eq!(t.select(&s), t.select(&sel(Level::Gemeente, Period::All)));
    }
}
