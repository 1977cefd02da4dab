//! Aggregates for advisors: the per-gemeente tables of `domain::aggregate`, cached until the
//! gemeente's revision changes, turned into the API's [`AreaFigure`]s, the dashboard's overview and
//! the area profile.

use std::sync::{Arc, Mutex, PoisonError};

use app::model::{
    AreaFigure, AreaProfile, AreaSummary, FacetFigure, InsightFilter, InsightOverview, Kind,
    Period, PlaceSummary,
};
use rustc_hash::FxHashMap;

use crate::domain::aggregate::{
    facet_mask, release_tree, with_facets, AreaCount, Figure, Record, Selection, Table, Topic,
};
use crate::domain::areas::{cbs_level, cbs_parent, Level};
use crate::domain::calendar::dutch_month;
use crate::domain::privacy::DEFAULT_K;
use crate::domain::release_steps::in_steps;
use crate::domain::representation::{self, group_by_band, known_band};
use crate::service::Service;
use crate::store::{AgeBandRow, AreaFacts, StoreError};

/// One gemeente's tables: every entry, and the wishes offering a talent per area (all time); and,
/// built when first asked, the tables of the entries whose details say something (the barriers
/// that stop a group, of a severity, the places with some qualities).
pub struct Tables {
    all: Arc<Table>,
    talents: Vec<AreaCount>,
    /// The barriers and places with details to narrow by, for the narrowed tables.
    detailed: Arc<[Record]>,
    k: u64,
    narrowed: Mutex<FxHashMap<u32, Arc<Table>>>,
}

impl Tables {
    /// The table of the entries a [`facet_mask`] keeps (`0`: every entry), built when first asked.
    /// At most one per group, severity and set of qualities (75): a bounded number per gemeente and
    /// revision, each over the gemeente's detailed entries only.
    async fn narrowed(&self, mask: u32) -> Result<Arc<Table>, StoreError> {
        if mask == 0 {
            return Ok(self.all.clone());
        }
        if let Some(t) = self
            .narrowed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&mask)
        {
            return Ok(t.clone());
        }
        let (code, records, k) = (
            self.all.gemeente().to_string(),
            self.detailed.clone(),
            self.k,
        );
        // CPU work, off the async workers. Two first askers may both build it: the same table.
        let table = tokio::task::spawn_blocking(move || {
            Arc::new(Table::build_narrowed(
                &code,
                &with_facets(&records, mask),
                k,
            ))
        })
        .await
        .map_err(|e| StoreError::Internal(format!("narrowed table build failed: {e}")))?;
        self.narrowed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(mask, table.clone());
        Ok(table)
    }

    /// The table a filter's `affects` and `quality` select.
    async fn of(&self, f: &InsightFilter) -> Result<Arc<Table>, StoreError> {
        self.narrowed(facet_mask(f.affects.as_deref(), None, &f.quality))
            .await
    }
}

/// Area names and inhabitants, with the version of the areas and key figures they were read at.
#[derive(Default)]
pub struct FactsCache(Mutex<Option<(String, Arc<Facts>)>>);

/// Built tables by gemeente code, with the revision they were built from.
#[derive(Default)]
pub struct TableCache(Mutex<FxHashMap<String, (i64, Arc<Tables>)>>);

impl TableCache {
    fn get(&self, gemeente: &str, revision: i64) -> Option<Arc<Tables>> {
        let cache = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        cache
            .get(gemeente)
            .filter(|(r, _)| *r == revision)
            .map(|(_, t)| t.clone())
    }

    fn put(&self, gemeente: &str, revision: i64, tables: Arc<Tables>) {
        let mut cache = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        cache.insert(gemeente.to_string(), (revision, tables));
    }
}

fn selection(f: &InsightFilter, level: Level) -> Selection {
    Selection {
        level,
        kind: f.kind,
        category: f.category.clone(),
        campaign: f.campaign.clone(),
        period: f.period,
    }
}

/// Area facts by code: name and inhabitants.
pub(super) type Facts = FxHashMap<String, AreaFacts>;

fn area_figure(fig: Figure, facts: &Facts) -> AreaFigure {
    let fact = facts.get(&fig.area);
    let (kind, category) = match fig.topic {
        Topic::All => (None, None),
        Topic::Kind(k) => (Some(k), None),
        Topic::Category(k, c) => (Some(k), Some(c)),
    };
    let per_1000 = fig
        .count
        .zip(fact.and_then(|f| f.population).filter(|p| *p > 0))
        .map(|(c, p)| (c as f64 * 1000.0 / p as f64 * 100.0).round() / 100.0);
    AreaFigure {
        suppressed: fig.count.is_none(),
        area_name: fact.and_then(|f| f.name.clone()),
        area_code: fig.area,
        kind,
        category,
        count: fig.count,
        respondents: fig.respondents,
        per_1000,
    }
}

fn summary(code: &str, facts: &Facts) -> AreaSummary {
    let f = facts.get(code);
    AreaSummary {
        code: code.to_string(),
        name: f.and_then(|f| f.name.clone()),
        population: f.and_then(|f| f.population),
    }
}

/// The figures of one area per month of `months` within the selection's period, oldest first:
/// everything, and each kind with entries (what the trend chart draws). The same released cells as
/// `/aggregates` with `period=` that month.
fn month_series(
    table: &Table,
    sel: &Selection,
    code: &str,
    months: &[Period],
    facts: &Facts,
) -> Vec<(Period, AreaFigure)> {
    let within = |p: Period| {
        let mut q = Some(p);
        std::iter::from_fn(|| {
            let cur = q?;
            q = cur.parent();
            Some(cur)
        })
        .any(|x| x == sel.period)
    };
    let mut out: Vec<(Period, AreaFigure)> = months
        .iter()
        .filter(|p| matches!(p, Period::Month(..)) && (sel.period == Period::All || within(**p)))
        .flat_map(|p| {
            let month = Selection {
                period: *p,
                kind: None,
                category: None,
                ..sel.clone()
            };
            table
                .select(&month)
                .into_iter()
                .filter(|x| x.area == code && matches!(x.topic, Topic::All | Topic::Kind(_)))
                .map(|x| (*p, area_figure(x, facts)))
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort_by_key(|(p, f)| (*p, kind_order(f.kind)));
    out
}

/// One cell of "who took part" in whole steps of k by arrival, its released residents' bands and
/// keys. Those who gave an age arrive once they had taken part here and answered; those who did not
/// at their first entry here (answering the survey without an age later does not move them).
fn who_in_steps(
    rows: Vec<&AgeBandRow>,
    aged: bool,
    key: impl Fn(&str) -> u32,
    k: u64,
) -> Vec<(Option<&str>, u32)> {
    in_steps(
        rows.into_iter()
            .map(|(r, band, since, answered)| {
                let arrival = match answered.as_deref() {
                    Some(a) if aged => a.max(since.as_str()),
                    _ => since.as_str(),
                };
                let key = key(r);
                (arrival, key, (band.as_deref(), key))
            })
            .collect(),
        k,
    )
}

/// One area's barriers narrowed by one detail (`facet`: a group, or a severity "1" to "3"): the
/// kind's figure and each category's, most first. No barrier says it: a released 0.
fn facet_figure(
    table: &Table,
    barriers: &Selection,
    code: &str,
    facet: &str,
    facts: &Facts,
) -> FacetFigure {
    let mut figs: Vec<AreaFigure> = table
        .select(barriers)
        .into_iter()
        .filter(|x| x.area == code)
        .map(|x| area_figure(x, facts))
        .collect();
    figs.sort_by_key(|x| (std::cmp::Reverse(x.count), x.category.clone()));
    let total = figs.iter().position(|x| x.category.is_none()).map_or_else(
        || AreaFigure {
            area_code: code.to_string(),
            area_name: facts.get(code).and_then(|f| f.name.clone()),
            kind: Some(Kind::Barrier),
            category: None,
            count: Some(0),
            respondents: None,
            suppressed: false,
            per_1000: None,
        },
        |i| figs.remove(i),
    );
    FacetFigure {
        facet: facet.to_string(),
        total,
        categories: figs,
    }
}

/// "Every kind" first, then the kinds in catalog order.
fn kind_order(k: Option<Kind>) -> usize {
    k.map_or(0, |k| {
        1 + Kind::ALL.iter().position(|x| *x == k).unwrap_or(0)
    })
}

impl Service {
    /// Every entry the filter selects, as rows, for an advisor or admin (role checked by the
    /// caller): only from the gemeenten they work for, and written to the audit log (`what`: which
    /// export).
    pub async fn raw_rows(
        &self,
        user: &crate::store::SessionUser,
        what: &str,
        f: &InsightFilter,
    ) -> Result<Vec<crate::store::RawRow>, StoreError> {
        let query = f
            .to_pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        self.store.audit(user, what, &query).await?;
        self.store.raw_rows(f, &user.scope()).await
    }

    /// The areas the exports and maps show (their shapes and key figures).
    pub async fn shown_areas(&self) -> Result<Vec<crate::store::StoredArea>, StoreError> {
        self.store.shown_areas().await
    }

    /// A density grid of the entries the filter selects in `bbox`, at most `width` cells wide
    /// (never finer than the public map's cells); cells resting on fewer than k respondents are
    /// zeroed before the blur, with the strictest k any campaign promised.
    pub async fn heatmap(
        &self,
        f: &InsightFilter,
        bbox: app::model::Bbox,
        width: usize,
    ) -> Result<crate::domain::heatmap::Grid, StoreError> {
        use crate::domain::heatmap::{density, grid_size, Sample};
        use std::hash::{DefaultHasher, Hash, Hasher};
        let (width, height) = grid_size(bbox, width);
        let samples: Vec<Sample> = self
            .store
            .located(f, bbox)
            .await?
            .into_iter()
            .map(|(lon, lat, respondent)| {
                let mut h = DefaultHasher::new();
                respondent.hash(&mut h);
                // Binned from the public (100 m) position, not the exact one.
                let public = crate::domain::privacy::coarsen(app::model::Location { lon, lat });
                Sample {
                    lon: public.lon,
                    lat: public.lat,
                    respondent: h.finish(),
                }
            })
            .collect();
        let k = (self.store.strictest_k().await? as usize).max(DEFAULT_K);
        Ok(density(&samples, bbox, width, height, k))
    }

    /// The tables of one gemeente as of `revision`, from the cache or built now.
    async fn tables(&self, gemeente: &str, revision: i64) -> Result<Arc<Tables>, StoreError> {
        if let Some(t) = self.tables.get(gemeente, revision) {
            return Ok(t);
        }
        let records = self
            .store
            .gemeente_records(gemeente, &self.cell_keys)
            .await?;
        let code = gemeente.to_string();
        // Campaigns may promise a larger k; the whole table keeps the strictest promise.
        let k = u64::from(self.store.strictest_k().await?).max(DEFAULT_K as u64);
        // Building is CPU work (milliseconds per thousand entries): keep it off the async workers.
        let tables = tokio::task::spawn_blocking(move || {
            let all = Table::build(&code, &records.all, k);
            Arc::new(Tables {
                talents: release_tree(&code, &records.talents, k),
                detailed: records
                    .all
                    .into_iter()
                    .filter(|r| r.facets != 0)
                    .collect::<Vec<_>>()
                    .into(),
                k,
                narrowed: Mutex::default(),
                all: Arc::new(all),
            })
        })
        .await
        .map_err(|e| StoreError::Internal(format!("aggregate build failed: {e}")))?;
        self.tables.put(gemeente, records.revision, tables.clone());
        Ok(tables)
    }

    /// Names and inhabitants of every area, read again only after an import.
    pub(super) async fn facts(&self) -> Result<Arc<Facts>, StoreError> {
        let version = self.store.facts_version().await?;
        let cached = {
            let cache = self.facts.0.lock().unwrap_or_else(PoisonError::into_inner);
            cache
                .as_ref()
                .filter(|(v, _)| *v == version)
                .map(|(_, facts)| facts.clone())
        };
        if let Some(facts) = cached {
            return Ok(facts);
        }
        let facts: Arc<Facts> = Arc::new(
            self.store
                .area_facts()
                .await?
                .into_iter()
                .map(|a| (a.code.clone(), a))
                .collect(),
        );
        *self.facts.0.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((version, facts.clone()));
        Ok(facts)
    }

    /// Builds every gemeente's tables in the background after start, so the first dashboard visit
    /// does not wait for them (about 30 ms per gemeente of a few thousand entries).
    pub async fn warm_tables(&self) {
        let started = std::time::Instant::now();
        let Ok(revisions) = self.store.revisions().await else {
            return;
        };
        let n = revisions.len();
        for (gemeente, revision) in revisions {
            if let Err(e) = self.tables(&gemeente, revision).await {
                tracing::warn!(error = %e, "aggregate warm-up stopped");
                return;
            }
        }
        tracing::info!(
            gemeenten = n,
            ms = started.elapsed().as_millis() as u64,
            "aggregate tables built"
        );
    }

    /// Every released figure the filter asks for, over every gemeente with entries (or the one the
    /// filter names), ordered by area code. Areas without entries have no rows: their count is 0.
    pub async fn aggregates(&self, f: &InsightFilter) -> Result<Vec<AreaFigure>, StoreError> {
        let facts = self.facts().await?;
        self.figures(f, &facts).await
    }

    async fn figures(
        &self,
        f: &InsightFilter,
        facts: &Facts,
    ) -> Result<Vec<AreaFigure>, StoreError> {
        let Some(level) = Level::parse(&f.level) else {
            return Ok(Vec::new());
        };
        let sel = selection(f, level);
        let mut out = Vec::new();
        for (gemeente, revision) in self.store.revisions().await? {
            if f.gemeente.as_ref().is_some_and(|g| *g != gemeente) {
                continue;
            }
            let tables = self.tables(&gemeente, revision).await?;
            out.extend(
                tables
                    .of(f)
                    .await?
                    .select(&sel)
                    .into_iter()
                    .map(|fig| area_figure(fig, facts)),
            );
        }
        out.sort_by(|a, b| {
            (&a.area_code, kind_order(a.kind), &a.category).cmp(&(
                &b.area_code,
                kind_order(b.kind),
                &b.category,
            ))
        });
        Ok(out)
    }

    /// The periods with entries, for the period filter.
    async fn periods(&self) -> Result<Vec<Period>, StoreError> {
        Ok(match self.store.month_span().await? {
            Some((first, last)) => match (dutch_month(&first), dutch_month(&last)) {
                (Some(a), Some(b)) => Period::lattice(a, b),
                _ => Vec::new(),
            },
            None => Vec::new(),
        })
    }

    /// The dashboard: the filter's headline figure for every area of its level.
    pub async fn overview(&self, f: &InsightFilter) -> Result<InsightOverview, StoreError> {
        let facts = self.facts().await?;
        let (kind, category) = f.headline();
        let figures = self
            .figures(f, &facts)
            .await?
            .into_iter()
            .filter(|x| x.kind == kind && x.category == category)
            .collect();
        let in_scope = |code: &str| match &f.gemeente {
            None => true,
            Some(g) => code == g || cbs_parent(code, Level::Gemeente).as_deref() == Some(g),
        };
        let areas = facts
            .values()
            .filter(|a| a.level == f.level && in_scope(&a.code))
            .map(|a| summary(&a.code, &facts))
            .collect::<Vec<_>>();
        let gemeenten = self
            .store
            .revisions()
            .await?
            .into_iter()
            .map(|(g, _)| summary(&g, &facts))
            .collect();
        let mut areas = areas;
        areas.sort_by(|a, b| a.code.cmp(&b.code));
        // The trend is one gemeente's (no figure spans two): the one chosen, or the only one.
        let revisions = self.store.revisions().await?;
        let one = match (&f.gemeente, revisions.as_slice()) {
            (Some(g), _) => revisions.iter().find(|(r, _)| r == g),
            (None, [only]) => Some(only),
            _ => None,
        };
        let (trend_area, trend) = match (one, Level::parse(&f.level)) {
            (Some((g, revision)), Some(_)) => {
                let tables = self.tables(g, *revision).await?;
                let sel = selection(f, Level::Gemeente);
                let table = tables.of(f).await?;
                let months = month_series(&table, &sel, g, &self.periods().await?, &facts);
                (Some(summary(g, &facts)), months)
            }
            _ => (None, Vec::new()),
        };
        let dynamics = match &trend_area {
            Some(a) => self.dynamics_figures(&a.code).await?,
            None => None,
        };
        Ok(InsightOverview {
            dynamics,
            trend_area,
            trend,
            year: facts.values().filter_map(|a| a.year).max(),
            areas,
            figures,
            periods: self.periods().await?,
            campaigns: self.store.campaigns().await?,
            gemeenten,
        })
    }

    /// One area's profile under the filter's period and campaign (its level and topic are the
    /// area's own and every topic).
    pub async fn profile(
        &self,
        code: &str,
        f: &InsightFilter,
    ) -> Result<Option<AreaProfile>, StoreError> {
        let facts = self.facts().await?;
        let level = match facts.get(code).and_then(|a| Level::parse(&a.level)) {
            Some(l) => l,
            // A gemeente or wijk whose own boundaries were not imported while its buurten were: its
            // CBS code says what it is, and its figures exist once its gemeente has entries.
            None => {
                let gemeente = match cbs_level(code) {
                    Some(Level::Gemeente) => Some(code.to_string()),
                    Some(Level::Wijk) => cbs_parent(code, Level::Gemeente),
                    _ => None,
                };
                let known = match gemeente {
                    Some(g) => self.store.revisions().await?.iter().any(|(r, _)| *r == g),
                    None => false,
                };
                match (known, cbs_level(code)) {
                    (true, Some(l)) => l,
                    _ => return Ok(None),
                }
            }
        };
        let gemeente = match level {
            Level::Gemeente => Some(code.to_string()),
            _ => cbs_parent(code, Level::Gemeente),
        };
        let revision = self
            .store
            .revisions()
            .await?
            .into_iter()
            .find(|(g, _)| Some(g) == gemeente.as_ref());
        // The profile is about every topic; the groups and severities have a section of their own.
        let every = InsightFilter {
            level: level.as_str().to_string(),
            kind: None,
            category: None,
            affects: None,
            quality: Vec::new(),
            ..f.clone()
        };
        let (mut figures, mut talents, mut months) = (Vec::new(), None, Vec::new());
        let (mut barrier_groups, mut severity) = (Vec::new(), Vec::new());
        if let Some((g, revision)) = revision {
            let tables = self.tables(&g, revision).await?;
            let sel = selection(&every, level);
            figures = tables
                .all
                .select(&sel)
                .into_iter()
                .filter(|x| x.area == code)
                .map(|x| area_figure(x, &facts))
                .collect();
            figures.sort_by_key(|x| {
                (
                    kind_order(x.kind),
                    x.category.is_some(),
                    std::cmp::Reverse(x.count),
                )
            });
            // All time and every campaign: a talent on offer is not public per entry, so it is
            // released per area only (a tree, see `release_tree`).
            talents = tables.talents.iter().find(|x| x.area == code).map(|x| {
                area_figure(
                    Figure {
                        area: x.area.clone(),
                        topic: Topic::Kind(Kind::Wish),
                        count: x.count,
                        respondents: x.respondents,
                    },
                    &facts,
                )
            });
            months = month_series(&tables.all, &sel, code, &self.periods().await?, &facts);
            let barriers = Selection {
                kind: Some(Kind::Barrier),
                ..sel.clone()
            };
            for g in app::model::BARRIER_AFFECTS {
                let table = tables.narrowed(facet_mask(Some(g), None, &[])).await?;
                barrier_groups.push(facet_figure(&table, &barriers, code, g, &facts));
            }
            for s in 1..=3u8 {
                let table = tables.narrowed(facet_mask(None, Some(s), &[])).await?;
                severity.push(facet_figure(
                    &table,
                    &barriers,
                    code,
                    &s.to_string(),
                    &facts,
                ));
            }
        }
        let places = self
            .store
            .places_in(code)
            .await?
            .into_iter()
            .map(|e| PlaceSummary {
                category: e.category,
                qualities: e.qualities,
            })
            .collect();
        // Who took part: per gemeente and campaign only, one small table each (docs/privacy.md).
        let representation = match (level, f.campaign.as_deref()) {
            (Level::Gemeente, Some(campaign)) => {
                let k = u64::from(self.store.strictest_k().await?).max(DEFAULT_K as u64);
                let who = self.store.age_bands_in(code, Some(campaign)).await?;
                // In whole steps of k residents by arrival, so reading it before and after one
                // resident took part shows nothing of them. Two cells: those who gave an age (from
                // when they had both answered and taken part here) and those who did not (from their
                // first entry here). One cell would let a released resident who answers later turn
                // from "not given" into a band (or move out and let the next one in), in the open.
                let (aged, unaged): (Vec<_>, Vec<_>) = who
                    .iter()
                    .partition(|(_, band, _, _)| known_band(band.as_deref()));
                let key = |r: &str| self.cell_keys.respondent(r);
                let aged = who_in_steps(aged, true, key, k);
                let unaged = who_in_steps(unaged, false, key, k);
                let nobody_unaged = unaged.is_empty();
                let (bands, _) = group_by_band(aged);
                let (_, unknown) = group_by_band(unaged);
                let population = self.store.population_bands(code).await?;
                let mut who = representation::representation(bands, unknown, population, k);
                // Nobody released who gave no age (nobody there, or fewer than k): withheld, never
                // 0, so the first one does not show by turning 0 into "withheld". (The bands' total
                // is withheld by `representation` itself while it holds fewer than k.)
                if nobody_unaged {
                    who.unknown = None;
                }
                Some(who)
            }
            _ => None,
        };
        // The talents' words, for a gemeente only and only where its count of wishes with a talent
        // is released (k residents or more): a list for a buurt, or beside a withheld count, would
        // point at the few who offered them (docs/privacy.md).
        let offered = match (level, &talents) {
            (Level::Gemeente, Some(AreaFigure { count: Some(_), .. })) => {
                self.published_talents(code).await?
            }
            _ => Vec::new(),
        };
        Ok(Some(AreaProfile {
            area: summary(code, &facts),
            level: level.as_str().to_string(),
            year: facts.get(code).and_then(|a| a.year),
            figures,
            talents,
            months,
            barrier_groups,
            severity,
            places,
            representation,
            offered,
            dynamics: self.dynamics_figures(code).await?,
        }))
    }
}
