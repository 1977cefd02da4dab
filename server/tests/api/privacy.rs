//! The privacy attack suite (docs/privacy.md, "The attack suite"): one gemeente of three wijken of
//! four buurten, two campaigns besides the general one, 24 months of entries from every source, "ik
//! ook"s and survey answers with age bands. Every figure the public API and the pages release for
//! it is collected (every level, kind, category and campaign, every year, quarter and month; the
//! same narrowed by each group a barrier stops and by places' qualities; the area profiles with
//! their talents, age bands, barriers per group and severity and months per kind; the dashboard's
//! trend; heatmap boxes; the public list), and every hidden figure is attacked:
//!
//! - entry counts: each is a count of entries on the public list (position, kind, category, month,
//!   campaign, a barrier's severity and groups, a place's qualities, "ik ook"s), so the released
//!   ones must equal the list's, and exact elimination shows that every withheld one is public
//!   anyway: withholding them protects the people behind them, not the count;
//! - the talents offered per area and the age bands per campaign are exact figures that are not
//!   public per entry: exact elimination over the rationals, over every released figure, must
//!   determine none of the withheld ones;
//! - the respondent counts carry cell-key noise: an attacker propagating every released figure
//!   (within its noise bound) through every relation distinct counts obey (a total at least each
//!   part and at most their sum; a narrowed figure at most the figure it narrows) must not pin any
//!   withheld one below what withholding itself says.
//!
//! SQLite only (the figures do not depend on the backend).

use std::collections::{BTreeMap, BTreeSet};

use app::model::{InsightFilter, Kind, Period, AGE_BANDS, BARRIER_AFFECTS, PLACE_QUALITIES};
use num_rational::Ratio;
use serde_json::{json, Value};
use server::domain::cell_key::MAX_NOISE;

use crate::helpers::*;

const K: u64 = 5;
const GEMEENTE: &str = "GM0999";
const CAMPAIGNS: [&str; 3] = ["default", "wijkrondje", "zomer"];

/// A small deterministic generator: the same seed, the same gemeente on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A random (version 4) UUID from the sequence: respondent ids decide their cell keys, and so
    /// the noise, which is then the same on every run too.
    fn uuid(&mut self) -> String {
        let bytes: [u8; 16] = std::array::from_fn(|_| self.below(256) as u8);
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}

/// The twelve buurten: code and box (min lon, min lat, max lon, max lat), side by side near Utrecht.
pub fn buurten() -> Vec<(String, [f64; 4])> {
    let mut out = Vec::new();
    for w in 1..=3u32 {
        for b in 1..=4u32 {
            let lon = 5.0 + f64::from((w - 1) * 4 + (b - 1)) * 0.01;
            out.push((
                format!("BU0999{w:02}{b:02}"),
                [lon, 52.0, lon + 0.01, 52.02],
            ));
        }
    }
    out
}

/// The gemeente's boundary files, one per level: (file, level).
pub fn boundary_files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, &'static str)> {
    let feature = |code: &str, field: &str, [x0, y0, x1, y1]: [f64; 4]| {
        json!({"type": "Feature", "properties": {field: code, "statnaam": format!("Gebied {}", &code[2..])},
            "geometry": {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}})
    };
    let wijken: Vec<Value> = (1..=3)
        .map(|w| {
            let lon = 5.0 + f64::from(w - 1) * 0.04;
            feature(
                &format!("WK0999{w:02}"),
                "wijkcode",
                [lon, 52.0, lon + 0.04, 52.02],
            )
        })
        .collect();
    let levels = [
        (
            "buurt",
            buurten()
                .into_iter()
                .map(|(c, b)| feature(&c, "buurtcode", b))
                .collect::<Vec<_>>(),
        ),
        ("wijk", wijken),
        (
            "gemeente",
            vec![feature(GEMEENTE, "gemeentecode", [5.0, 52.0, 5.12, 52.02])],
        ),
    ];
    levels
        .into_iter()
        .map(|(level, features)| {
            let path = dir.join(format!("gm0999_{level}.geojson"));
            std::fs::write(
                &path,
                json!({"type": "FeatureCollection", "features": features}).to_string(),
            )
            .expect("write");
            (path, level)
        })
        .collect()
}

/// Categories residents use most, so cells fill up as they do in a real gemeente.
const TOPICS: [(&str, &str); 9] = [
    ("place", "community_centre"),
    ("place", "playground"),
    ("place", "bench"),
    ("barrier", "steps"),
    ("barrier", "poor_lighting"),
    ("barrier", "costs_money"),
    ("wish", "meeting_place"),
    ("wish", "activity"),
    ("wish", "green_play"),
];

const MONTHS: u32 = 24;

fn month_of(i: u32) -> (i32, u8) {
    (2025 + (i / 12) as i32, (i % 12 + 1) as u8)
}

/// A place's qualities: each with its own chance, so some (and some pairs) fill cells of k
/// residents and others stay below.
fn qualities(rng: &mut Rng) -> Vec<&'static str> {
    // Percent, in the order of PLACE_QUALITIES: free, no_membership, open_evenings_weekends,
    // step_free, toilet, seating.
    const CHANCE: [u64; 6] = [60, 30, 20, 40, 25, 50];
    PLACE_QUALITIES
        .iter()
        .zip(CHANCE)
        .filter_map(|(q, p)| (rng.below(100) < p).then_some(*q))
        .collect()
}

/// A barrier's severity (1 to 3) and the 0 to 3 groups it stops, some groups far more often than
/// others.
fn severity_and_groups(rng: &mut Rng) -> (u64, Vec<&'static str>) {
    let severity = [1, 2, 2, 2, 3, 3][rng.below(6) as usize];
    // Weights in the order of BARRIER_AFFECTS: children, youth, elderly, wheelchair_walker,
    // buggy, visually_impaired, newcomers, low_income, everyone.
    const WEIGHT: [usize; 9] = [5, 2, 8, 8, 3, 2, 1, 1, 3];
    let pool: Vec<&'static str> = BARRIER_AFFECTS
        .iter()
        .zip(WEIGHT)
        .flat_map(|(g, w)| std::iter::repeat_n(*g, w))
        .collect();
    let mut groups: Vec<&'static str> = Vec::new();
    for _ in 0..rng.below(4) {
        let g = *rng.pick(&pool);
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    (severity, groups)
}

/// Seeds the gemeente through the API (entries, "ik ook", survey answers), then moves each visit
/// to its month and source in the database, as 24 months of events and paper forms would have.
async fn seed(app: &TestApp) {
    let pool = app.pool().await;
    for (id, demographics) in [("wijkrondje", true), ("zomer", false)] {
        let config = json!({"id": id, "title": {"nl": id}, "kinds": ["place", "barrier", "wish"], "demographics": demographics});
        sqlx::query("INSERT INTO campaigns (id, status, config, created_at) VALUES (?, 'open', ?, '2025-01-01')")
            .bind(id)
            .bind(config.to_string())
            .execute(&pool)
            .await
            .expect("campaign");
    }
    let mut rng = Rng(20_260_601);
    // The details and the ids come from sequences of their own, so the rest of the gemeente stays
    // as it was.
    let mut details_rng = Rng(18);
    let mut ids = Rng(20_251_206);
    let areas = buurten();
    let mut entries: Vec<(String, String)> = Vec::new();
    for visit in 0..260 {
        let respondent = ids.uuid();
        // Some buurten are busier than others.
        let (_, [x0, y0, x1, y1]) = &areas[(rng.below(12) * rng.below(12) / 11) as usize];
        let month = rng.below(u64::from(MONTHS)) as u32;
        let source =
            ["web", "web", "web", "web", "web", "event", "event", "paper"][rng.below(8) as usize];
        let campaign = *rng.pick(&["default", "default", "wijkrondje", "wijkrondje", "zomer"]);
        let (year, m) = month_of(month);
        let day = format!(
            "{year}-{m:02}-{:02}T{:02}:{:02}:00.000Z",
            1 + rng.below(28),
            8 + rng.below(12),
            rng.below(60)
        );
        for _ in 0..=rng.below(3) {
            let (kind, category) = rng.pick(&TOPICS);
            let id = ids.uuid();
            let lon = x0 + (x1 - x0) * (rng.below(1000) as f64 + 0.5) / 1000.0;
            let lat = y0 + (y1 - y0) * (rng.below(1000) as f64 + 0.5) / 1000.0;
            let details = match *kind {
                "place" => json!({"qualities": qualities(&mut details_rng)}),
                "barrier" => {
                    let (severity, affects) = severity_and_groups(&mut details_rng);
                    json!({"severity": severity, "affects": affects})
                }
                _ if rng.below(3) == 0 => json!({"talent": "koken"}),
                _ => json!({}),
            };
            let body = json!({"id": id, "respondent": respondent, "campaign": campaign, "kind": kind,
                "category": category, "location": {"lon": lon, "lat": lat}, "details": details, "language": "nl"});
            let res = app.post_json(&body).await;
            assert_eq!(
                res.status(),
                201,
                "visit {visit}: {}",
                res.text().await.unwrap_or_default()
            );
            sqlx::query("UPDATE submissions SET source = ?, created_at = ? WHERE id = ?")
                .bind(source)
                .bind(&day)
                .bind(&id)
                .execute(&pool)
                .await
                .expect("move");
            entries.push((id, day.clone()));
        }
        if campaign == "wijkrondje" && rng.below(5) > 0 {
            let band = AGE_BANDS[rng.below(5) as usize];
            let res = app
                .client
                .post(app.url("/api/v1/campaigns/wijkrondje/responses"))
                .json(&json!({"respondent": respondent, "language": "nl", "answers": {"age_band": band}}))
                .send()
                .await
                .expect("answer");
            assert_eq!(res.status(), 201);
        }
    }
    // "Ik ook" from other residents, said in the entry's month.
    for _ in 0..40 {
        let (id, day) = &entries[rng.below(entries.len() as u64) as usize];
        let respondent = ids.uuid();
        let res = app
            .client
            .post(app.url(&format!("/api/v1/submissions/{id}/me-too")))
            .json(&json!({"respondent": respondent}))
            .send()
            .await
            .expect("me too");
        assert!(res.status().is_success());
        sqlx::query("UPDATE me_too SET created_at = ? WHERE submission = ? AND respondent = ?")
            .bind(day)
            .bind(id)
            .bind(&respondent)
            .execute(&pool)
            .await
            .expect("move");
    }
    // The figures are built from the rows as they are now.
    sqlx::query("UPDATE area_revisions SET revision = revision + 1")
        .execute(&pool)
        .await
        .expect("revisions");
}

/// A contribution as the tables count it: an entry, or an "ik ook" (in its entry's cell and month).
#[derive(Debug, Clone)]
struct Rec {
    /// The entry's id (an "ik ook" has its entry's).
    id: String,
    buurt: String,
    kind: Kind,
    category: String,
    month: u32,
    campaign: String,
    respondent: String,
    talent: bool,
    /// A barrier's severity and the groups it stops, a place's qualities (sorted): what the public
    /// list shows of its details.
    severity: Option<u8>,
    affects: Vec<String>,
    qualities: Vec<String>,
}

async fn truth(app: &TestApp) -> Vec<Rec> {
    let pool = app.pool().await;
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.id, s.buurt, s.kind, s.category, s.created_at, s.campaign, s.respondent, \
         s.details, 0 FROM submissions s WHERE s.hidden = 0 \
         UNION ALL SELECT s.id, s.buurt, s.kind, s.category, s.created_at, s.campaign, m.respondent, \
         s.details, 1 FROM me_too m JOIN submissions s ON s.id = m.submission",
    )
    .fetch_all(&pool)
    .await
    .expect("rows");
    rows.into_iter()
        .map(
            |(id, buurt, kind, category, at, campaign, respondent, details, me_too)| {
                let Some(Period::Month(y, m)) = server::domain::calendar::dutch_month(&at) else {
                    panic!("{at}")
                };
                // Read here from the stored JSON, independently of the server's reading.
                let details: Value = serde_json::from_str(&details).expect("details");
                let words = |key: &str| -> Vec<String> {
                    let mut v: Vec<String> = details[key]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|w| w.as_str().expect("a word").to_string())
                        .collect();
                    v.sort();
                    v
                };
                let kind = Kind::parse(&kind).expect("kind");
                let talent = details["talent"].as_str().is_some_and(|t| !t.is_empty());
                Rec {
                    id,
                    buurt,
                    kind,
                    category,
                    month: (y - 2025) as u32 * 12 + u32::from(m) - 1,
                    campaign,
                    respondent,
                    // An "ik ook" is no talent on offer: the talents count the wishes themselves.
                    talent: me_too == 0 && talent,
                    severity: details["severity"].as_u64().map(|s| s as u8),
                    affects: words("affects"),
                    qualities: words("qualities"),
                }
            },
        )
        .collect()
}

/// What a figure may be narrowed by beyond its category: one group a barrier stops
/// (`affects=`), a barrier's severity (the area profile's section), a set of places' qualities, all
/// required (`quality=`, sorted).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Facet {
    Affects(&'static str),
    Severity(u8),
    Quality(Vec<&'static str>),
}

impl Facet {
    fn affects(group: &str) -> Facet {
        Facet::Affects(
            BARRIER_AFFECTS
                .iter()
                .find(|g| **g == group)
                .unwrap_or_else(|| panic!("a group: {group}")),
        )
    }

    fn quality(qualities: &[&str]) -> Facet {
        let mut q: Vec<&'static str> = qualities
            .iter()
            .map(|w| {
                *PLACE_QUALITIES
                    .iter()
                    .find(|q| *q == w)
                    .unwrap_or_else(|| panic!("a quality: {w}"))
            })
            .collect();
        q.sort_unstable();
        q.dedup();
        Facet::Quality(q)
    }

    /// The kind it is about (a narrowed figure of "everything" is that kind's).
    fn kind(&self) -> &'static str {
        match self {
            Facet::Affects(_) | Facet::Severity(_) => "barrier",
            Facet::Quality(_) => "place",
        }
    }

    fn holds(&self, r: &Rec) -> bool {
        r.kind.as_str() == self.kind()
            && match self {
                Facet::Affects(g) => r.affects.iter().any(|a| a == g),
                Facet::Severity(s) => r.severity == Some(*s),
                Facet::Quality(qs) => qs.iter().all(|q| r.qualities.iter().any(|x| x == q)),
            }
    }

    /// Its query parameter, as `/aggregates` takes it.
    fn query(&self) -> String {
        match self {
            Facet::Affects(g) => format!("affects={g}"),
            Facet::Severity(s) => format!("severity={s}"),
            Facet::Quality(qs) => format!("quality={}", qs.join(",")),
        }
    }

    /// The narrowings it is a part of: a set of qualities lies within each of its proper subsets
    /// (the empty one, `None`, being the figure unnarrowed).
    fn wider(&self) -> Vec<Option<Facet>> {
        match self {
            Facet::Quality(qs) if qs.len() > 1 => (1..(1u32 << qs.len()) - 1)
                .map(|bits| {
                    Some(Facet::Quality(
                        qs.iter()
                            .enumerate()
                            .filter(|(i, _)| bits & (1 << i) != 0)
                            .map(|(_, q)| *q)
                            .collect(),
                    ))
                })
                .chain([None])
                .collect(),
            _ => vec![None],
        }
    }
}

/// A cell of the release lattice: area, topic, period, campaign, and what it is narrowed by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Cell {
    area: String,
    kind: Option<&'static str>,
    category: Option<String>,
    period: Period,
    campaign: Option<String>,
    facet: Option<Facet>,
}

/// The dimensions of the lattice along which a cell's parent is the disjoint union of its children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Dim {
    Area,
    Topic,
    Period,
    Campaign,
}

fn contains(period: Period, month: u32) -> bool {
    let (y, m) = month_of(month);
    let mut q = Some(Period::Month(y, m));
    std::iter::from_fn(|| {
        let cur = q?;
        q = cur.parent();
        Some(cur)
    })
    .any(|x| x == period)
}

fn in_area(area: &str, buurt: &str) -> bool {
    match &area[..2] {
        "GM" => area == GEMEENTE,
        "WK" => buurt[2..8] == area[2..],
        _ => buurt == area,
    }
}

impl Cell {
    fn holds(&self, r: &Rec) -> bool {
        in_area(&self.area, &r.buurt)
            && contains(self.period, r.month)
            && self.kind.is_none_or(|k| k == r.kind.as_str())
            && self.category.as_ref().is_none_or(|c| *c == r.category)
            && self.campaign.as_ref().is_none_or(|c| *c == r.campaign)
            && self.facet.as_ref().is_none_or(|f| f.holds(r))
    }

    /// Its parents in the lattice, one per dimension it is not the top of (a narrowed figure's
    /// topics stop at its kind: "everything" narrowed is that kind).
    fn parents(&self) -> Vec<(Dim, Cell)> {
        let mut out = Vec::new();
        let area = match &self.area[..2] {
            "BU" => Some(format!("WK{}", &self.area[2..8])),
            "WK" => Some(GEMEENTE.to_string()),
            _ => None,
        };
        if let Some(area) = area {
            out.push((
                Dim::Area,
                Cell {
                    area,
                    ..self.clone()
                },
            ));
        }
        match (&self.category, self.kind, &self.facet) {
            (Some(_), _, _) => out.push((
                Dim::Topic,
                Cell {
                    category: None,
                    ..self.clone()
                },
            )),
            (None, Some(_), None) => out.push((
                Dim::Topic,
                Cell {
                    kind: None,
                    ..self.clone()
                },
            )),
            (None, _, _) => {}
        }
        if let Some(p) = self.period.parent() {
            out.push((
                Dim::Period,
                Cell {
                    period: p,
                    ..self.clone()
                },
            ));
        }
        if self.campaign.is_some() {
            out.push((
                Dim::Campaign,
                Cell {
                    campaign: None,
                    ..self.clone()
                },
            ));
        }
        out
    }
}

/// Every released figure, each cell once (asked again elsewhere, it must be the same figure).
#[derive(Default)]
struct Released {
    figures: BTreeMap<Cell, (Option<u64>, Option<u64>)>,
    /// Talents per area (all time, all campaigns).
    talents: BTreeMap<String, Option<u64>>,
    /// Age bands per campaign (the gemeente's): the five bands and those who gave one.
    bands: BTreeMap<String, (Vec<Option<u64>>, Option<u64>)>,
    collected: usize,
}

impl Released {
    fn add(&mut self, cell: Cell, count: Option<u64>, respondents: Option<u64>, origin: &str) {
        self.collected += 1;
        let now = (count, respondents);
        if let Some(before) = self.figures.insert(cell.clone(), now) {
            assert_eq!(before, now, "{origin}: {cell:?} released two ways");
        }
    }
}

fn every_period() -> Vec<Period> {
    Period::lattice(Period::Month(2025, 1), Period::Month(2026, 12))
        .into_iter()
        .chain([Period::All])
        .collect()
}

fn figure_cell(f: &Value, period: Period, campaign: Option<&str>, facet: Option<&Facet>) -> Cell {
    let kind = f["kind"].as_str().and_then(Kind::parse).map(Kind::as_str);
    Cell {
        area: f["area_code"].as_str().expect("code").to_string(),
        // "Everything" narrowed by a barrier's or a place's details is that kind's figure.
        kind: kind.or(facet.map(Facet::kind)),
        category: f["category"].as_str().map(str::to_string),
        period,
        campaign: campaign.map(str::to_string),
        facet: facet.cloned(),
    }
}

/// A fixed cell-key secret, so the noise (and so the attack) is the same on every run.
pub async fn fix_the_noise(db_url: &str) {
    let store = server::store::Store::open(db_url).await.expect("open");
    store
        .secret_or_insert(server::service::CELL_KEY_SECRET, &"5a".repeat(32))
        .await
        .expect("secret");
    store.close().await;
}

#[tokio::test]
async fn no_released_combination_gives_a_hidden_figure_away() {
    if std::env::var("TREFPUNT_TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty()) {
        return;
    }
    let started = std::time::Instant::now();
    let db = TestDb::fresh().await;
    for (file, level) in boundary_files(db.dir.path()) {
        let out = trefpunt(
            &db.url,
            &[
                "import-areas",
                file.to_str().expect("path"),
                "--level",
                level,
                "--year",
                "2024",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    fix_the_noise(&db.url).await;
    let pdok = spawn_pdok_standin().await;
    let app = spawn_app_on(db, format!("http://{pdok}/bzk/locatieserver/search/v3_1")).await;
    seed(&app).await;
    let records = truth(&app).await;
    let seeded = started.elapsed();

    // 1. Collect: the aggregates of every filter combination, over HTTP.
    let mut rel = Released::default();
    let campaigns: Vec<Option<&str>> = [None].into_iter().chain(CAMPAIGNS.map(Some)).collect();
    for level in ["gemeente", "wijk", "buurt"] {
        for period in every_period() {
            for campaign in &campaigns {
                let mut q =
                    format!("/api/v1/aggregates?level={level}&gemeente={GEMEENTE}&period={period}");
                if let Some(c) = campaign {
                    q.push_str(&format!("&campaign={c}"));
                }
                let figs: Vec<Value> = app.get_json(&q).await;
                for f in &figs {
                    rel.add(
                        figure_cell(f, period, *campaign, None),
                        f["count"].as_u64(),
                        f["respondents"].as_u64(),
                        &q,
                    );
                }
            }
        }
    }
    // How an entry came in is no filter of a public figure.
    let by_source = app
        .get(&format!(
            "/api/v1/aggregates?level=buurt&gemeente={GEMEENTE}&source=paper"
        ))
        .await;
    assert_eq!(by_source.status(), 400);
    let aggregates_collected = rel.collected;

    // The same narrowed by what the list shows of each entry beyond its category: every group a
    // barrier stops, every quality of a place and a few pairs of them, at every level and campaign;
    // all time, every year and quarter over HTTP, every month through the service (the same
    // tables, without a request each).
    let (_store, svc) = app.service().await;
    let narrowings: Vec<Facet> = BARRIER_AFFECTS
        .iter()
        .map(|g| Facet::affects(g))
        .chain(PLACE_QUALITIES.iter().map(|q| Facet::quality(&[q])))
        .chain(
            [
                ["free", "seating"],
                ["free", "step_free"],
                ["open_evenings_weekends", "toilet"],
            ]
            .map(|pair| Facet::quality(&pair)),
        )
        .collect();
    for facet in &narrowings {
        for level in ["gemeente", "wijk", "buurt"] {
            for period in every_period() {
                for campaign in &campaigns {
                    let mut q = format!(
                        "/api/v1/aggregates?level={level}&gemeente={GEMEENTE}&period={period}&{}",
                        facet.query()
                    );
                    if let Some(c) = campaign {
                        q.push_str(&format!("&campaign={c}"));
                    }
                    let figs: Vec<Value> = if matches!(period, Period::Month(..)) {
                        let pairs: Vec<(String, String)> = q
                            .split_once('?')
                            .expect("a query")
                            .1
                            .split('&')
                            .map(|kv| {
                                let (k, v) = kv.split_once('=').expect("k=v");
                                (k.to_string(), v.to_string())
                            })
                            .collect();
                        let f = InsightFilter::from_pairs(&pairs).expect("a filter");
                        svc.aggregates(&f)
                            .await
                            .expect("aggregates")
                            .iter()
                            .map(|x| serde_json::to_value(x).expect("json"))
                            .collect()
                    } else {
                        app.get_json(&q).await
                    };
                    for f in &figs {
                        assert_eq!(
                            f["kind"].as_str(),
                            Some(facet.kind()),
                            "{q}: narrows its kind only"
                        );
                        rel.add(
                            figure_cell(f, period, *campaign, Some(facet)),
                            f["count"].as_u64(),
                            f["respondents"].as_u64(),
                            &q,
                        );
                    }
                }
            }
        }
    }
    let narrowed_collected = rel.collected - aggregates_collected;

    // The area profiles, as their pages render them: every area, campaign, year and quarter (their
    // month rows give every month, of everything and of each kind), with their barriers per group
    // and per severity.
    let mut areas: Vec<String> = vec![GEMEENTE.to_string()];
    areas.extend(
        buurten()
            .iter()
            .map(|(c, _)| format!("WK{}", &c[2..8]))
            .collect::<BTreeSet<_>>(),
    );
    areas.extend(buurten().into_iter().map(|(c, _)| c));
    for area in &areas {
        for campaign in &campaigns {
            for period in every_period()
                .into_iter()
                .filter(|p| !matches!(p, Period::Month(..)))
            {
                let f = InsightFilter {
                    level: "buurt".into(),
                    period,
                    campaign: campaign.map(str::to_string),
                    ..Default::default()
                };
                let p = svc
                    .profile(area, &f)
                    .await
                    .expect("profile")
                    .expect("an area");
                let origin = format!("profile {area} {period} {campaign:?}");
                for fig in &p.figures {
                    let v = serde_json::to_value(fig).expect("json");
                    rel.add(
                        figure_cell(&v, period, *campaign, None),
                        fig.count,
                        fig.respondents,
                        &origin,
                    );
                }
                for (month, fig) in &p.months {
                    let v = serde_json::to_value(fig).expect("json");
                    rel.add(
                        figure_cell(&v, *month, *campaign, None),
                        fig.count,
                        fig.respondents,
                        &origin,
                    );
                }
                assert_eq!(p.barrier_groups.len(), BARRIER_AFFECTS.len(), "{origin}");
                assert_eq!(p.severity.len(), 3, "{origin}");
                let sections = p
                    .barrier_groups
                    .iter()
                    .map(|g| (g, Facet::affects(&g.facet)))
                    .chain(p.severity.iter().map(|s| {
                        let n: u8 = s.facet.parse().expect("a severity");
                        assert!((1..=3).contains(&n), "{origin}: severity {n}");
                        (s, Facet::Severity(n))
                    }));
                for (section, facet) in sections {
                    for fig in std::iter::once(&section.total).chain(&section.categories) {
                        assert_eq!(fig.kind, Some(Kind::Barrier), "{origin}");
                        assert_eq!(fig.area_code, *area, "{origin}");
                        let v = serde_json::to_value(fig).expect("json");
                        rel.add(
                            figure_cell(&v, period, *campaign, Some(&facet)),
                            fig.count,
                            fig.respondents,
                            &origin,
                        );
                    }
                }
                let talents = p.talents.as_ref().and_then(|t| t.count);
                rel.collected += 1;
                if let Some(before) = rel.talents.insert(area.clone(), talents) {
                    assert_eq!(
                        before, talents,
                        "{origin}: talents are all time, every campaign"
                    );
                }
                match (&p.representation, area.as_str(), campaign) {
                    (Some(r), GEMEENTE, Some(c)) => {
                        let shown = (r.bands.iter().map(|b| b.respondents).collect(), r.answered);
                        rel.collected += 7;
                        if let Some(before) = rel.bands.insert(c.to_string(), shown.clone()) {
                            assert_eq!(
                                before, shown,
                                "{origin}: age bands do not depend on the period"
                            );
                        }
                    }
                    (None, _, _) if area != GEMEENTE || campaign.is_none() => {}
                    (r, ..) => panic!("{origin}: age bands {r:?}"),
                }
            }
        }
    }

    let profiles_collected = rel.collected - aggregates_collected - narrowed_collected;

    // The dashboard: its headline figures and the gemeente's trend (months per kind), unnarrowed and
    // under every narrowing, for every campaign.
    for facet in std::iter::once(None).chain(narrowings.iter().map(Some)) {
        for campaign in &campaigns {
            let mut pairs = vec![
                ("level".to_string(), "buurt".to_string()),
                ("gemeente".to_string(), GEMEENTE.to_string()),
            ];
            if let Some((k, v)) = facet
                .map(Facet::query)
                .as_deref()
                .and_then(|q| q.split_once('='))
            {
                pairs.push((k.to_string(), v.to_string()));
            }
            if let Some(c) = campaign {
                pairs.push(("campaign".to_string(), c.to_string()));
            }
            let f = InsightFilter::from_pairs(&pairs).expect("a filter");
            let o = svc.overview(&f).await.expect("overview");
            let origin = format!("dashboard {pairs:?}");
            assert_eq!(
                o.trend_area.as_ref().map(|a| a.code.as_str()),
                Some(GEMEENTE),
                "{origin}"
            );
            for (month, fig) in &o.trend {
                assert_eq!(fig.area_code, GEMEENTE, "{origin}");
                let v = serde_json::to_value(fig).expect("json");
                rel.add(
                    figure_cell(&v, *month, *campaign, facet),
                    fig.count,
                    fig.respondents,
                    &origin,
                );
            }
            for fig in &o.figures {
                let v = serde_json::to_value(fig).expect("json");
                rel.add(
                    figure_cell(&v, Period::All, *campaign, facet),
                    fig.count,
                    fig.respondents,
                    &origin,
                );
            }
        }
    }

    // The public list: every entry of the gemeente, one by one.
    let list: Vec<Value> = app
        .get_json("/api/v1/submissions?bbox=4.99,51.99,5.13,52.03&limit=10000")
        .await;
    rel.collected += list.len();
    assert_eq!(
        list.len() as i64,
        app.count_rows("submissions").await,
        "every entry is on the public list"
    );
    let before_heat = rel.collected;
    let heat_boxes = check_heatmaps(&app, &mut rel).await;
    let heat_boxes_collected = rel.collected - before_heat;

    // 2. The attacks.
    let collected_in = started.elapsed() - seeded;
    let members = members_of(&records, &rel);
    let counts = attack_counts(&records, &members, &rel, &list);
    let talents = attack_talents(&records, &rel);
    let bands = attack_bands(&rel);
    let people = attack_respondents(&records, &members, &rel);
    let narrowed_cells = rel.figures.keys().filter(|c| c.facet.is_some()).count();
    let narrowed_withheld = rel
        .figures
        .iter()
        .filter(|(c, (n, _))| c.facet.is_some() && n.is_none())
        .count();
    let dashboards = rel.collected
        - aggregates_collected
        - narrowed_collected
        - profiles_collected
        - list.len()
        - heat_boxes_collected;
    eprintln!(
        "privacy attack: seeded {} contributions in {seeded:.0?}; collected {} figures in {collected_in:.0?} \
         ({aggregates_collected} aggregates, {narrowed_collected} narrowed aggregates, {profiles_collected} \
         from the area profiles, {dashboards} from the dashboard, {heat_boxes} heatmap boxes and {} public \
         entries) in {} cells ({narrowed_cells} narrowed by a group, severity or qualities, \
         {narrowed_withheld} of them withheld). Entry counts: {} released, all equal to the public list's; \
         {} withheld, all public anyway through the list. Talents: {} areas, {} withheld, {} determined \
         by exact elimination. Age bands: {} campaigns, {} withheld, {} determined. Respondents: {} \
         released (noise within ±{MAX_NOISE}: {} off the truth) and {} as 0, {} withheld, attacked by interval \
         propagation over {} relations ({} along the lattice, {} narrowed within wider, {} covering by \
         severity, group or quality): {} narrowed, {} determined. Took {:.0?}",
        records.len(),
        rel.collected,
        list.len(),
        rel.figures.len(),
        counts.released,
        counts.withheld,
        rel.talents.len(),
        talents.withheld,
        talents.determined,
        rel.bands.len(),
        bands.withheld,
        bands.determined,
        people.released,
        people.noisy,
        people.zero,
        people.withheld,
        people.relations,
        people.lattice,
        people.within,
        people.covers,
        people.narrowed,
        people.determined.len(),
        started.elapsed(),
    );
    assert!(
        counts.withheld > 100 && people.withheld > 100,
        "the seed must exercise the suppression"
    );
    assert!(
        talents.withheld > 0 && bands.withheld > 0,
        "and the exact tables' too"
    );
    assert!(
        narrowed_withheld > 100 && narrowed_cells - narrowed_withheld > 100,
        "and the narrowed figures': some below k, some above"
    );
    assert_eq!(talents.determined, 0);
    assert_eq!(bands.determined, 0);
    assert!(
        people.determined.is_empty(),
        "pinned: {:#?}",
        people.determined
    );
    assert!(people.noisy > people.released / 2, "the noise is there");
}

/// Heatmaps of the gemeente's box at two sizes, with and without the public filters: the API's
/// grid must equal the one computed from the public positions and the true respondents, so the
/// heatmap says nothing the public list and the k rule do not.
async fn check_heatmaps(app: &TestApp, rel: &mut Released) -> usize {
    let pool = app.pool().await;
    let rows: Vec<(f64, f64, String, String, String, String, String)> = sqlx::query_as(
        "SELECT pub_lon, pub_lat, respondent, kind, category, created_at, details FROM submissions \
         WHERE hidden = 0",
    )
    .fetch_all(&pool)
    .await
    .expect("rows");
    let bbox = app::model::Bbox {
        min_lon: 4.99,
        min_lat: 51.99,
        max_lon: 5.13,
        max_lat: 52.03,
    };
    let mut boxes = 0;
    // Zeroing by residents over sets narrowed by details would say which entries share a resident
    // (docs/privacy.md): the heatmap takes no such filter.
    for filter in ["affects=elderly", "quality=free,seating"] {
        let res = app
            .get(&format!(
                "/api/v1/heatmap?bbox=4.99,51.99,5.13,52.03&{filter}"
            ))
            .await;
        assert_eq!(res.status(), 400, "{filter}");
    }
    for size in [16, 64] {
        // The filters public per entry, and whether a row (kind, category, month, details) passes.
        type Keep = fn(&str, &str, &str, &Value) -> bool;
        let filters: [(&str, Keep); 4] = [
            ("", |_, _, _, _| true),
            ("&kind=barrier", |k, _, _, _| k == "barrier"),
            ("&category=steps", |k, c, _, _| {
                k == "barrier" && c == "steps"
            }),
            ("&kind=wish&period=2025", |k, _, at, _| {
                k == "wish" && at.starts_with("2025")
            }),
        ];
        for (filter, keep) in filters {
            let q = format!("/api/v1/heatmap?bbox=4.99,51.99,5.13,52.03&size={size}{filter}");
            let grid: Value = app.get_json(&q).await;
            let samples: Vec<server::domain::heatmap::Sample> = rows
                .iter()
                .filter(|(_, _, _, kind, category, at, details)| {
                    let d: Value = serde_json::from_str(details).expect("details");
                    keep(kind, category, at, &d)
                })
                .map(|(lon, lat, respondent, ..)| {
                    use std::hash::{DefaultHasher, Hash, Hasher};
                    let mut h = DefaultHasher::new();
                    respondent.hash(&mut h);
                    let p = server::domain::privacy::coarsen(app::model::Location {
                        lon: *lon,
                        lat: *lat,
                    });
                    server::domain::heatmap::Sample {
                        lon: p.lon,
                        lat: p.lat,
                        respondent: h.finish(),
                    }
                })
                .collect();
            let (w, h) = (
                grid["width"].as_u64().expect("w") as usize,
                grid["height"].as_u64().expect("h") as usize,
            );
            let expected = server::domain::heatmap::density(&samples, bbox, w, h, K as usize);
            let values: Vec<f64> = grid["values"]
                .as_array()
                .expect("values")
                .iter()
                .filter_map(Value::as_f64)
                .collect();
            assert_eq!(values.len(), expected.values.len());
            for (a, b) in values.iter().zip(&expected.values) {
                assert!(
                    (a - f64::from(*b)).abs() < 1e-4,
                    "{q}: the heatmap is the public positions and the k rule only"
                );
            }
            rel.collected += values.len();
            boxes += 1;
        }
    }
    boxes
}

struct CountReport {
    released: usize,
    withheld: usize,
}

/// The records each released cell counts (indices into the records), in the order of
/// `rel.figures`: what both attacks read the truth from.
fn members_of(records: &[Rec], rel: &Released) -> Vec<Vec<usize>> {
    rel.figures
        .keys()
        .map(|cell| {
            (0..records.len())
                .filter(|&i| cell.holds(&records[i]))
                .collect()
        })
        .collect()
}

/// Entry counts against the public list: every cell's count is the number of listed entries in it
/// (by buurt, kind, category, month, campaign, a barrier's severity and groups and a place's
/// qualities) plus their "ik ook"s. A released count must be exactly that; a withheld one is that
/// too (the attacker reads it off the list), which exact elimination over the list's per-entry
/// rows confirms.
fn attack_counts(
    records: &[Rec],
    members: &[Vec<usize>],
    rel: &Released,
    list: &[Value],
) -> CountReport {
    assert_eq!(
        list.iter()
            .map(|e| 1 + e["me_too"].as_u64().expect("me_too"))
            .sum::<u64>() as usize,
        records.len(),
        "the list accounts for every contribution"
    );
    // The list shows what the narrowed figures count, entry by entry.
    let by_id: BTreeMap<&str, &Value> = list
        .iter()
        .map(|e| (e["id"].as_str().expect("id"), e))
        .collect();
    for r in records {
        let e = by_id
            .get(r.id.as_str())
            .unwrap_or_else(|| panic!("{} is on the list", r.id));
        let words = |key: &str| -> Vec<String> {
            let mut v: Vec<String> = e[key]
                .as_array()
                .into_iter()
                .flatten()
                .map(|w| w.as_str().expect("a word").to_string())
                .collect();
            v.sort();
            v
        };
        assert_eq!(e["kind"].as_str(), Some(r.kind.as_str()), "{e}");
        assert_eq!(e["category"].as_str(), Some(r.category.as_str()), "{e}");
        assert_eq!(
            e["severity"].as_u64().map(|s| s as u8),
            r.severity,
            "the list shows a barrier's severity: {e}"
        );
        assert_eq!(
            words("affects"),
            r.affects,
            "the list shows whom a barrier stops: {e}"
        );
        assert_eq!(
            words("qualities"),
            r.qualities,
            "the list shows a place's qualities: {e}"
        );
    }
    // Atoms: what the list tells of each entry (the attacker maps its position to its buurt).
    type Atom = (
        String,
        &'static str,
        String,
        u32,
        String,
        Option<u8>,
        Vec<String>,
        Vec<String>,
    );
    let mut atoms: BTreeMap<Atom, usize> = BTreeMap::new();
    let atom_of: Vec<usize> = records
        .iter()
        .map(|r| {
            let n = atoms.len();
            *atoms
                .entry((
                    r.buurt.clone(),
                    r.kind.as_str(),
                    r.category.clone(),
                    r.month,
                    r.campaign.clone(),
                    r.severity,
                    r.affects.clone(),
                    r.qualities.clone(),
                ))
                .or_insert(n)
        })
        .collect();
    let mut list_knows = Eliminator::new(atoms.len());
    for i in 0..atoms.len() {
        list_knows.add(&[i]);
    }
    let mut report = CountReport {
        released: 0,
        withheld: 0,
    };
    for ((cell, (count, _)), m) in rel.figures.iter().zip(members) {
        let truth = m.len() as u64;
        // Every field a cell asks of a record is in its atom: a cell holds an atom's records all
        // or none.
        let in_cell: Vec<usize> = m
            .iter()
            .map(|&i| atom_of[i])
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        match count {
            Some(v) => {
                assert_eq!(*v, truth, "{cell:?}: a released count is the list's");
                report.released += 1;
            }
            None => {
                assert!(list_knows.determines(&in_cell), "{cell:?}");
                report.withheld += 1;
            }
        }
    }
    report
}

struct ExactReport {
    withheld: usize,
    determined: usize,
}

/// The talents per area: exact figures, not public per entry. Atoms are the buurten (every entry
/// lies in one); every released figure is an equation; no withheld one may be determined.
fn attack_talents(records: &[Rec], rel: &Released) -> ExactReport {
    let leaves: Vec<String> = buurten().into_iter().map(|(c, _)| c).collect();
    let members = |area: &str| -> Vec<usize> {
        (0..leaves.len())
            .filter(|&i| in_area(area, &leaves[i]))
            .collect()
    };
    let mut e = Eliminator::new(leaves.len());
    let mut report = ExactReport {
        withheld: 0,
        determined: 0,
    };
    for (area, count) in &rel.talents {
        let truth = records
            .iter()
            .filter(|r| r.talent && in_area(area, &r.buurt))
            .count() as u64;
        match count {
            Some(v) => {
                assert_eq!(*v, truth, "{area}: talents are exact");
                e.add(&members(area));
            }
            None => report.withheld += 1,
        }
    }
    for (area, count) in &rel.talents {
        // An area without wishes offering a talent shows 0 (there is no figure to withhold).
        let empty = records
            .iter()
            .all(|r| !(r.talent && in_area(area, &r.buurt)));
        if count.is_none() && !empty && e.determines(&members(area)) {
            report.determined += 1;
        }
    }
    report
}

/// The age bands of each campaign: five exact bands and those who gave one (their sum). No withheld
/// band may follow from the released ones.
fn attack_bands(rel: &Released) -> ExactReport {
    let mut report = ExactReport {
        withheld: 0,
        determined: 0,
    };
    for (bands, answered) in rel.bands.values() {
        let mut e = Eliminator::new(5);
        for (i, b) in bands.iter().enumerate() {
            if b.is_some() {
                e.add(&[i]);
            }
        }
        if answered.is_some() {
            e.add(&[0, 1, 2, 3, 4]);
        }
        for (i, b) in bands.iter().enumerate() {
            if b.is_none() {
                report.withheld += 1;
                if e.determines(&[i]) {
                    report.determined += 1;
                }
            }
        }
    }
    report
}

struct PeopleReport {
    released: usize,
    /// Released as 0 (nobody).
    zero: usize,
    noisy: usize,
    withheld: usize,
    /// Relations: along the lattice's dimensions, a narrowed figure within a wider one, the
    /// severities and (where the list shows every entry has one) the groups or qualities covering
    /// their figure.
    relations: usize,
    lattice: usize,
    within: usize,
    covers: usize,
    narrowed: usize,
    /// Narrowed figures: entries only, so no bound of theirs comes from the release.
    narrowed_cells: usize,
    determined: Vec<String>,
}

/// What distinct counts obey: a parent holds each child (so it is at least each), and where the
/// children `cover` it, at most their sum (disjoint or not).
struct Relation {
    parent: usize,
    children: Vec<usize>,
    covers: bool,
}

/// Respondent counts: each released one lies within the noise bound of the truth (and is at least
/// k: it was released); the attacker knows each withheld one is 1 to k−1 (and at most its
/// entries), and propagates every relation distinct counts obey until nothing changes: along every
/// dimension of the lattice (a total is at least each part and at most their sum), a narrowed
/// figure at most the figure it narrows (a set of qualities at most each of its subsets), the
/// barriers of the three severities making up the barriers, and, where the list shows that every
/// barrier of a cell stops some group (every place has some quality), the groups (qualities)
/// covering it. No withheld count may end below its upper bound.
fn attack_respondents(records: &[Rec], members: &[Vec<usize>], rel: &Released) -> PeopleReport {
    let cells: Vec<&Cell> = rel.figures.keys().collect();
    let index: BTreeMap<&Cell, usize> = cells.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let mut report = PeopleReport {
        released: 0,
        zero: 0,
        noisy: 0,
        withheld: 0,
        relations: 0,
        lattice: 0,
        within: 0,
        covers: 0,
        narrowed: 0,
        narrowed_cells: 0,
        determined: Vec::new(),
    };
    let d = MAX_NOISE as u64;
    let mut lo = vec![0u64; cells.len()];
    let mut hi = vec![0u64; cells.len()];
    let mut prior = vec![(0, 0); cells.len()];
    for (i, c) in cells.iter().enumerate() {
        let (count, respondents) = rel.figures[*c];
        let truth = members[i]
            .iter()
            .map(|&r| &records[r].respondent)
            .collect::<BTreeSet<_>>()
            .len() as u64;
        let entries = members[i].len() as u64;
        // A figure narrowed by details counts entries only: no number of people, and withheld by
        // its entries alone, so it tells the attacker nothing about residents beyond the list
        // (which bounds them by the entries).
        if c.facet.is_some() {
            assert_eq!(
                respondents, None,
                "{c:?}: a narrowed figure says no number of people"
            );
            match count {
                Some(n) => assert!(n == 0 || n >= K, "{c:?}: {n} entries released"),
                None => assert!(entries > 0 && entries < K, "{c:?}: withheld with {entries}"),
            }
            report.narrowed_cells += 1;
            (lo[i], hi[i]) = (entries.min(1), entries);
            prior[i] = (lo[i], hi[i]);
            continue;
        }
        (lo[i], hi[i]) = match (count, respondents) {
            // A profile's section for a group or severity nobody reported: 0, exactly.
            (Some(0), Some(r)) => {
                report.zero += 1;
                assert_eq!((r, truth), (0, 0), "{c:?}: nothing is 0");
                (0, 0)
            }
            (Some(n), Some(r)) => {
                report.released += 1;
                assert!(r.abs_diff(truth) <= d, "{c:?}: {r} for {truth}");
                if r != truth {
                    report.noisy += 1;
                }
                (r.saturating_sub(d).max(K), (r + d).min(n))
            }
            _ => {
                report.withheld += 1;
                (1, (K - 1).min(entries))
            }
        };
        prior[i] = (lo[i], hi[i]);
    }
    // Each cell's records as bits, to check the relations cheaply.
    let words = records.len().div_ceil(64);
    let bits: Vec<Vec<u64>> = members
        .iter()
        .map(|m| {
            let mut b = vec![0u64; words];
            for &r in m {
                b[r / 64] |= 1 << (r % 64);
            }
            b
        })
        .collect();
    let mut relations: Vec<Relation> = Vec::new();
    // Groups: a parent with its children along one dimension (children without entries count 0).
    let mut groups: BTreeMap<(usize, Dim), Vec<usize>> = BTreeMap::new();
    for (i, c) in cells.iter().enumerate() {
        for (dim, p) in c.parents() {
            if let Some(&pi) = index.get(&p) {
                groups.entry((pi, dim)).or_default().push(i);
            }
        }
    }
    report.lattice = groups.len();
    relations.extend(groups.into_iter().map(|((parent, _), children)| Relation {
        parent,
        children,
        covers: true,
    }));
    // A narrowed figure within the one it narrows, a set of qualities within each of its subsets.
    for (i, c) in cells.iter().enumerate() {
        let Some(f) = &c.facet else { continue };
        for wider in f.wider() {
            let p = Cell {
                facet: wider,
                ..(*c).clone()
            };
            if let Some(&pi) = index.get(&p) {
                report.within += 1;
                relations.push(Relation {
                    parent: pi,
                    children: vec![i],
                    covers: false,
                });
            }
        }
    }
    // Every barrier has one severity; where the list shows that every barrier of a cell stops some
    // group (every place has some quality), the groups (the single qualities) cover the cell.
    for (i, c) in cells.iter().enumerate() {
        if c.facet.is_some() {
            continue;
        }
        let mut covering: Vec<Vec<Facet>> = Vec::new();
        let of = |r: usize| &records[r];
        match c.kind {
            Some("barrier") => {
                covering.push((1..=3).map(Facet::Severity).collect());
                if members[i].iter().all(|&r| !of(r).affects.is_empty()) {
                    covering.push(BARRIER_AFFECTS.iter().map(|g| Facet::affects(g)).collect());
                }
            }
            Some("place") if members[i].iter().all(|&r| !of(r).qualities.is_empty()) => {
                covering.push(
                    PLACE_QUALITIES
                        .iter()
                        .map(|q| Facet::quality(&[q]))
                        .collect(),
                );
            }
            _ => {}
        }
        for facets in covering {
            let children: Vec<usize> = facets
                .into_iter()
                .filter_map(|f| {
                    index
                        .get(&Cell {
                            facet: Some(f),
                            ..(*c).clone()
                        })
                        .copied()
                })
                .collect();
            if !children.is_empty() {
                report.covers += 1;
                relations.push(Relation {
                    parent: i,
                    children,
                    covers: true,
                });
            }
        }
    }
    // Only what really holds: each child lies within its parent, and a covering group was
    // collected whole (else its sum would claim too little).
    for r in &relations {
        let parent = &bits[r.parent];
        let mut union = vec![0u64; words];
        for &c in &r.children {
            assert!(
                bits[c].iter().zip(parent).all(|(c, p)| c & !p == 0),
                "{:?} within {:?}",
                cells[c],
                cells[r.parent]
            );
            for (u, c) in union.iter_mut().zip(&bits[c]) {
                *u |= c;
            }
        }
        assert!(
            !r.covers || union == *parent,
            "{:?}: its parts were not all collected",
            cells[r.parent],
        );
    }
    report.relations = relations.len();
    loop {
        let mut changed = false;
        for r in &relations {
            let p = r.parent;
            let max_lo = r.children.iter().map(|&c| lo[c]).max().unwrap_or(0);
            if max_lo > lo[p] {
                lo[p] = max_lo;
                changed = true;
            }
            for &c in &r.children {
                if hi[p] < hi[c] {
                    hi[c] = hi[p];
                    changed = true;
                }
            }
            if !r.covers {
                continue;
            }
            let sum_hi: u64 = r.children.iter().map(|&c| hi[c]).sum();
            if sum_hi < hi[p] {
                hi[p] = sum_hi;
                changed = true;
            }
            for &c in &r.children {
                let others: u64 = sum_hi - hi[c];
                let floor = lo[p].saturating_sub(others);
                if floor > lo[c] {
                    lo[c] = floor;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    for (i, c) in cells.iter().enumerate() {
        assert!(
            lo[i] <= hi[i],
            "{c:?}: the truth is feasible, so the bounds must be"
        );
        if rel.figures[*c].0.is_none() && c.facet.is_none() {
            if lo[i] > prior[i].0 {
                report.narrowed += 1;
            }
            if hi[i] < prior[i].1 {
                report.determined.push(format!(
                    "{c:?}: at most {} of [{}, {}]",
                    hi[i], prior[i].0, prior[i].1
                ));
            }
        }
    }
    report
}

/// Exact Gaussian elimination over the rationals: rows are kept in reduced echelon form, so a
/// vector lies in their span exactly when it reduces to zero.
struct Eliminator {
    n: usize,
    /// Pivot column → its row (sparse, reduced on every other pivot).
    rows: BTreeMap<usize, BTreeMap<usize, Ratio<i128>>>,
}

impl Eliminator {
    fn new(n: usize) -> Self {
        Eliminator {
            n,
            rows: BTreeMap::new(),
        }
    }

    fn reduce(&self, v: &mut BTreeMap<usize, Ratio<i128>>) {
        let pivots: Vec<usize> = v
            .keys()
            .copied()
            .filter(|c| self.rows.contains_key(c))
            .collect();
        for p in pivots {
            let Some(f) = v.get(&p).copied() else {
                continue;
            };
            for (c, x) in &self.rows[&p] {
                let e = v.entry(*c).or_insert_with(|| Ratio::from_integer(0));
                *e -= f * x;
                if *e == Ratio::from_integer(0) {
                    v.remove(c);
                }
            }
        }
    }

    fn vector(&self, support: &[usize]) -> BTreeMap<usize, Ratio<i128>> {
        assert!(support.iter().all(|&i| i < self.n));
        support
            .iter()
            .map(|&i| (i, Ratio::from_integer(1)))
            .collect()
    }

    fn add(&mut self, support: &[usize]) {
        let mut v = self.vector(support);
        self.reduce(&mut v);
        let Some((&p, &f)) = v.iter().next() else {
            return;
        };
        for x in v.values_mut() {
            *x /= f;
        }
        // Keep the echelon reduced: eliminate the new pivot from every earlier row.
        for row in self.rows.values_mut() {
            if let Some(g) = row.get(&p).copied() {
                for (c, x) in &v {
                    let e = row.entry(*c).or_insert_with(|| Ratio::from_integer(0));
                    *e -= g * x;
                    if *e == Ratio::from_integer(0) {
                        row.remove(c);
                    }
                }
            }
        }
        self.rows.insert(p, v);
    }

    /// Whether the sum over `support` is fixed by the rows.
    fn determines(&self, support: &[usize]) -> bool {
        let mut v = self.vector(support);
        self.reduce(&mut v);
        v.is_empty()
    }
}

#[test]
fn the_eliminator_finds_what_a_system_determines_and_nothing_more() {
    // A 2 × 2 table with all margins known: no cell is determined.
    let mut e = Eliminator::new(4);
    for row in [[0, 1], [2, 3], [0, 2], [1, 3]] {
        e.add(&row);
    }
    assert!(!e.determines(&[0]) && !e.determines(&[3]));
    assert!(e.determines(&[0, 1, 2, 3]), "the total is");
    assert!(e.determines(&[0, 1]) && !e.determines(&[0, 3]));
    // The bridge: two 2 × 2 cycles joined by one cell, every row and column with two unknowns,
    // and yet the joining cell is determined.
    let mut e = Eliminator::new(9);
    for row in [
        [0, 1, 8].as_slice(),
        &[2, 3],
        &[0, 2],
        &[1, 3],
        &[4, 5],
        &[6, 7],
        &[4, 6, 8],
        &[5, 7],
    ] {
        e.add(row);
    }
    assert!(
        e.determines(&[8]),
        "the bridge: rows minus columns of the first block"
    );
    assert!(!e.determines(&[0]) && !e.determines(&[4]));
    let mut tri = Eliminator::new(3);
    for row in [[0, 1], [1, 2], [0, 2]] {
        tri.add(&row);
    }
    assert!(tri.determines(&[0]), "a triangle of sums fixes each cell");
}
