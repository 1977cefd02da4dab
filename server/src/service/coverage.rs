//! Walking coverage: how many of an area's residents have a low-threshold meeting place within
//! reach, over the footpath network, and how residents' barriers change that.
//!
//! Per gemeente the service prepares, once per import of the network or the areas: the part of the
//! network within [`BUFFER_M`] of the gemeente (people walk across its border), its adjacency lists
//! and R-tree, and sample points spread over every buurt, each put on the network. A question then
//! reads the destinations and barriers as they are now, and answers from one multi-source Dijkstra;
//! answers are kept by a fingerprint of everything they were made from, so a new place, a barrier
//! reaching k residents or a moderator's confirmation gives a new answer at once.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use app::model::{
    BarrierMode, CoverageGrid, CoverageQuery, CoverageRow, Profile, Weighting, GRID_OFF_NETWORK,
    GRID_UNREACHABLE,
};
use geo::{BoundingRect, Contains};

use crate::domain::areas::{cbs_parent, Level};
use crate::domain::walking::graph::{self, Graph, Snap, SourcesBySegment};
use crate::domain::walking::profile::{self, Report};
use crate::domain::walking::sample::sample_area;
use crate::domain::walking::snap::SnapIndex;
use crate::domain::walking::summary::{summarize, Reach, Weighted};
use crate::domain::walking::{Network, METRES_PER_DEGREE};
use crate::store::walking::{Bbox, Destination};

use super::{Service, ServiceError, ServiceResult};

/// How far around a gemeente the network and the destinations are read: a resident near the border
/// may walk to a place in the next gemeente. 5 km is more than an hour at 4.5 km/h, the longest
/// walk a question may ask about.
pub const BUFFER_M: f64 = 5_000.0;
/// A sample point farther than this from every segment is "not on the network".
pub const SAMPLE_SNAP_M: f64 = 150.0;
/// A destination farther than this from every segment is out of reach.
pub const PLACE_SNAP_M: f64 = 250.0;
/// Walks are followed up to an hour; farther is "not within reach".
pub const CAP_S: f64 = 3_600.0;
/// Answers kept (each up to a few hundred kB with its grid); the oldest go first.
const ANSWERS_KEPT: usize = 64;
/// Gemeenten kept prepared (a large one holds tens of MB of network); the oldest go first.
const PREPARED_KEPT: usize = 16;

/// The walking data's generation and the areas' version: what a prepared gemeente was made from.
type Version = (i64, String);
/// Gemeenten by code, with their names.
type Gemeenten = Arc<Vec<(String, Option<String>)>>;

/// One gemeente made ready for questions.
struct Prepared {
    version: (i64, String),
    net: Network,
    graph: Graph,
    index: SnapIndex,
    box_read: Bbox,
    /// The gemeente's own box.
    bounds: Bbox,
    /// The smallest areas held (buurten, else wijken, else the gemeente), with their points.
    units: Vec<Unit>,
    /// Every area of the gemeente, any level.
    areas: Vec<AreaInfo>,
}

struct Unit {
    code: String,
    population: Option<i64>,
    /// The grid's spacing, metres: each point stands for a square of it.
    spacing_m: f64,
    points: Vec<[f64; 2]>,
    snaps: Vec<Option<Snap>>,
}

struct AreaInfo {
    code: String,
    level: Level,
    name: Option<String>,
    population: Option<i64>,
    shape: geo::MultiPolygon<f64>,
}

/// One question's answer: the rows per area and the grid they were made from.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageAnswer {
    pub rows: Vec<CoverageRow>,
    pub grid: CoverageGrid,
}

/// Computations (a gemeente's preparation, an answer) that run at once, whichever way they are asked
/// (the API, the coverage page, an area profile): the rest wait their turn, up to [`WAIT`].
const RUNNING: usize = 2;
/// How long a question waits for a free computation before the server says it is busy.
const WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// What the service keeps between questions.
pub struct CoverageCache {
    running: tokio::sync::Semaphore,
    prepared: Mutex<Vec<(String, Arc<Prepared>)>>,
    /// The gemeenten a network covers, as of a version of the walking data and the areas.
    covered: Mutex<Option<(Version, Gemeenten)>>,
    answers: Mutex<Vec<(u64, Arc<CoverageAnswer>)>>,
}

impl Service {
    /// Walking coverage per area of one gemeente (see [`CoverageQuery`]).
    pub async fn coverage(&self, q: &CoverageQuery) -> ServiceResult<Arc<CoverageAnswer>> {
        let started = std::time::Instant::now();
        let prepared = self.prepared(&q.gemeente).await?;
        let destinations = self.store.destinations_within(prepared.box_read).await?;
        let reports = match q.barriers {
            BarrierMode::Count => self.store.barrier_reports_within(prepared.box_read).await?,
            BarrierMode::Ignore => Vec::new(),
        };
        let k = self.barrier_k().await? as usize;
        let barriers = profile::counted(
            reports.iter().map(|r| Report {
                category: &r.category,
                position: r.position,
                respondents: &r.respondents,
                confirmed: r.confirmed,
            }),
            k,
        );
        let chosen: Vec<Destination> = destinations
            .into_iter()
            .filter(|d| q.categories.is_empty() || q.categories.contains(&d.category))
            .filter(|d| q.qualities.iter().all(|w| d.qualities.contains(w)))
            .collect();
        let key = fingerprint(q, &prepared.version, &chosen, &barriers);
        if let Some(hit) = self.coverage_cache.answer(key) {
            return Ok(hit);
        }
        let _turn = self.coverage_cache.turn().await?;
        // Asked meanwhile by someone else while this one waited?
        if let Some(hit) = self.coverage_cache.answer(key) {
            return Ok(hit);
        }
        let q2 = q.clone();
        let rows = tokio::task::spawn_blocking(move || answer(&prepared, &q2, &chosen, &barriers))
            .await
            .map_err(|e| ServiceError::Internal(format!("coverage computation: {e}")))?;
        let rows = Arc::new(rows);
        self.coverage_cache.keep(key, rows.clone());
        tracing::debug!(
            gemeente = %q.gemeente,
            ms = started.elapsed().as_millis() as u64,
            "walking coverage computed"
        );
        Ok(rows)
    }

    /// The places the municipality imported inside `bbox` (the whole country without one), by id, at
    /// most `limit`: public, for the maps.
    pub async fn known_places(
        &self,
        bbox: Option<app::model::Bbox>,
        limit: u32,
    ) -> Result<Vec<app::model::KnownPlace>, crate::store::StoreError> {
        let b = bbox.map_or([-180.0, -90.0, 180.0, 90.0], |b| {
            [b.min_lon, b.min_lat, b.max_lon, b.max_lat]
        });
        Ok(self
            .store
            .known_places_within(b, Some(limit))
            .await?
            .into_iter()
            .map(|p| app::model::KnownPlace {
                id: p.id,
                category: p.category,
                name: p.name,
                location: app::model::Location {
                    lon: p.position[0],
                    lat: p.position[1],
                },
                qualities: p.qualities,
            })
            .collect())
    }

    /// How many distinct residents a barrier must rest on to count: the k of every figure.
    pub async fn barrier_k(&self) -> Result<u32, crate::store::StoreError> {
        Ok(self
            .store
            .strictest_k()
            .await?
            .max(crate::domain::privacy::DEFAULT_K as u32))
    }

    /// The gemeenten (code, name) whose box meets an imported network's extent: those coverage can
    /// be asked about.
    pub async fn coverage_gemeenten(&self) -> ServiceResult<Gemeenten> {
        let version = (
            self.store.walking_generation().await?,
            self.store.facts_version().await?,
        );
        if let Some((v, list)) = self
            .coverage_cache
            .covered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
        {
            if *v == version {
                return Ok(list.clone());
            }
        }
        let extents: Vec<Bbox> = self
            .store
            .networks()
            .await?
            .into_iter()
            .map(|n| n.1)
            .collect();
        let mut list = Vec::new();
        if !extents.is_empty() {
            for a in self.store.shown_areas().await? {
                if a.level != "gemeente" {
                    continue;
                }
                let Ok(shape) = super::areas::stored_shape(&a.shape) else {
                    continue;
                };
                let Some(r) = shape.bounding_rect() else {
                    continue;
                };
                if extents.iter().any(|e| {
                    e[0] <= r.max().x && e[2] >= r.min().x && e[1] <= r.max().y && e[3] >= r.min().y
                }) {
                    list.push((a.code, a.name));
                }
            }
        }
        let list = Arc::new(list);
        *self
            .coverage_cache
            .covered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((version, list.clone()));
        Ok(list)
    }

    /// One area's coverage within 10 minutes for both profiles, with and without residents'
    /// barriers; empty when no network covers its gemeente.
    pub async fn area_coverage(
        &self,
        code: &str,
    ) -> ServiceResult<Vec<(Profile, BarrierMode, CoverageRow)>> {
        let Some(level) = crate::domain::areas::cbs_level(code) else {
            return Ok(Vec::new());
        };
        let gemeente = match level {
            Level::Gemeente => code.to_string(),
            _ => match cbs_parent(code, Level::Gemeente) {
                Some(g) => g,
                None => return Ok(Vec::new()),
            },
        };
        if !self
            .coverage_gemeenten()
            .await?
            .iter()
            .any(|(g, _)| *g == gemeente)
        {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for profile in Profile::ALL {
            for barriers in [BarrierMode::Count, BarrierMode::Ignore] {
                let q = CoverageQuery {
                    level: level.as_str().to_string(),
                    gemeente: gemeente.clone(),
                    minutes: 10,
                    categories: Vec::new(),
                    qualities: Vec::new(),
                    profile,
                    barriers,
                };
                if let Some(row) = self
                    .coverage(&q)
                    .await?
                    .rows
                    .iter()
                    .find(|r| r.area_code == code)
                {
                    out.push((profile, barriers, row.clone()));
                }
            }
        }
        Ok(out)
    }

    /// The gemeente made ready, from the cache unless the network or the areas were imported since.
    async fn prepared(&self, gemeente: &str) -> ServiceResult<Arc<Prepared>> {
        let version = (
            self.store.walking_generation().await?,
            self.store.facts_version().await?,
        );
        if let Some(p) = self.coverage_cache.prepared_for(gemeente, &version) {
            return Ok(p);
        }
        // Only a gemeente a network covers is prepared (the list is kept per import): a question
        // about any other costs no reading of areas or network.
        if !self
            .coverage_gemeenten()
            .await?
            .iter()
            .any(|(g, _)| g == gemeente)
        {
            return Err(ServiceError::Field {
                field: "gemeente".into(),
                reason: "no walking network is imported here (trefpunt import-network), or it has \
                         no imported areas",
            });
        }
        let _turn = self.coverage_cache.turn().await?;
        // Prepared by another question while this one waited for its turn?
        if let Some(p) = self.coverage_cache.prepared_for(gemeente, &version) {
            return Ok(p);
        }
        let areas: Vec<AreaInfo> = self
            .store
            .shown_areas()
            .await?
            .into_iter()
            .filter(|a| {
                a.code == gemeente
                    || cbs_parent(&a.code, Level::Gemeente).as_deref() == Some(gemeente)
            })
            .filter_map(|a| {
                let level = Level::parse(&a.level)?;
                let shape = super::areas::stored_shape(&a.shape).ok()?;
                Some(AreaInfo {
                    code: a.code,
                    level,
                    name: a.name,
                    population: a.population,
                    shape,
                })
            })
            .collect();
        let Some(bounds) = bounds_of(&areas) else {
            return Err(ServiceError::Field {
                field: "gemeente".into(),
                reason: "has no imported areas",
            });
        };
        let box_read = grow(bounds, BUFFER_M);
        let net = self.store.network_within(box_read).await?;
        if net.segments.is_empty() {
            return Err(ServiceError::Field {
                field: "gemeente".into(),
                reason: "no walking network is imported here (trefpunt import-network)",
            });
        }
        let prepared =
            tokio::task::spawn_blocking(move || prepare(version, net, box_read, bounds, areas))
                .await
                .map_err(|e| ServiceError::Internal(format!("coverage preparation: {e}")))?;
        let prepared = Arc::new(prepared);
        self.coverage_cache
            .keep_prepared(gemeente, prepared.clone());
        Ok(prepared)
    }
}

impl Default for CoverageCache {
    fn default() -> CoverageCache {
        CoverageCache {
            running: tokio::sync::Semaphore::new(RUNNING),
            prepared: Mutex::default(),
            covered: Mutex::default(),
            answers: Mutex::default(),
        }
    }
}

impl CoverageCache {
    /// A turn to compute, or [`ServiceError::Busy`] after [`WAIT`].
    async fn turn(&self) -> ServiceResult<tokio::sync::SemaphorePermit<'_>> {
        match tokio::time::timeout(WAIT, self.running.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(ServiceError::Busy(
                "the server is busy computing walking coverage; try again in a minute",
            )),
        }
    }

    fn prepared_for(&self, gemeente: &str, version: &(i64, String)) -> Option<Arc<Prepared>> {
        let m = self
            .prepared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        m.iter()
            .find(|(g, p)| g == gemeente && &p.version == version)
            .map(|(_, p)| p.clone())
    }

    fn keep_prepared(&self, gemeente: &str, p: Arc<Prepared>) {
        let mut m = self
            .prepared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        m.retain(|(g, _)| g != gemeente);
        if m.len() >= PREPARED_KEPT {
            m.remove(0);
        }
        m.push((gemeente.to_string(), p));
    }

    fn answer(&self, key: u64) -> Option<Arc<CoverageAnswer>> {
        let a = self
            .answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        a.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone())
    }

    fn keep(&self, key: u64, rows: Arc<CoverageAnswer>) {
        let mut a = self
            .answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if a.len() >= ANSWERS_KEPT {
            a.remove(0);
        }
        a.push((key, rows));
    }
}

fn fingerprint(
    q: &CoverageQuery,
    version: &(i64, String),
    chosen: &[Destination],
    barriers: &[profile::Barrier],
) -> u64 {
    let mut h = DefaultHasher::new();
    q.hash(&mut h);
    version.hash(&mut h);
    for d in chosen {
        d.position[0].to_bits().hash(&mut h);
        d.position[1].to_bits().hash(&mut h);
    }
    for b in barriers {
        b.category.hash(&mut h);
        b.confirmed.hash(&mut h);
        b.position[0].to_bits().hash(&mut h);
        b.position[1].to_bits().hash(&mut h);
    }
    h.finish()
}

fn bounds_of(areas: &[AreaInfo]) -> Option<Bbox> {
    areas
        .iter()
        .filter_map(|a| a.shape.bounding_rect())
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
        .reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        })
}

fn grow(b: Bbox, m: f64) -> Bbox {
    let dlat = m / METRES_PER_DEGREE;
    let dlon = m / (METRES_PER_DEGREE * b[3].max(b[1].abs()).to_radians().cos().max(0.1));
    [b[0] - dlon, b[1] - dlat, b[2] + dlon, b[3] + dlat]
}

fn prepare(
    version: (i64, String),
    net: Network,
    box_read: Bbox,
    bounds: Bbox,
    areas: Vec<AreaInfo>,
) -> Prepared {
    let graph = Graph::new(&net);
    let index = SnapIndex::new(&net);
    let finest = [Level::Buurt, Level::Wijk, Level::Gemeente]
        .into_iter()
        .find(|l| areas.iter().any(|a| a.level == *l));
    let units = areas
        .iter()
        .filter(|a| Some(a.level) == finest)
        .map(|a| {
            let s = sample_area(&a.shape);
            Unit {
                code: a.code.clone(),
                population: a.population,
                spacing_m: s.spacing_m,
                snaps: s
                    .points
                    .iter()
                    .map(|&p| index.snap(p, SAMPLE_SNAP_M))
                    .collect(),
                points: s.points,
            }
        })
        .collect();
    Prepared {
        version,
        net,
        graph,
        index,
        box_read,
        bounds,
        units,
        areas,
    }
}

/// Whether a unit (a buurt, say) lies in an area of `level` with `code`.
fn unit_in(unit: &str, level: Level, code: &str) -> bool {
    unit == code || cbs_parent(unit, level).as_deref() == Some(code)
}

fn answer(
    p: &Prepared,
    q: &CoverageQuery,
    chosen: &[Destination],
    barriers: &[profile::Barrier],
) -> CoverageAnswer {
    let costs = profile::segment_costs(&p.net, &p.index, q.profile, barriers);
    let plain = profile::plain_seconds(&p.net, q.profile);
    let sources: Vec<Snap> = chosen
        .iter()
        .filter_map(|d| p.index.snap(d.position, PLACE_SNAP_M))
        .collect();
    let times = graph::walk_times(&p.net, &p.graph, &costs, &plain, &sources, CAP_S);
    let same = SourcesBySegment::new(&sources);
    let reach = |s: &Option<Snap>| match s {
        None => Reach::OffNetwork,
        Some(s) => match graph::time_at(&p.net, &costs, &plain, &times, &same, s, CAP_S) {
            Some(t) => Reach::Seconds(t),
            None => Reach::Unreachable,
        },
    };
    let unit_reach: Vec<Vec<Reach>> = p
        .units
        .iter()
        .map(|u| u.snaps.iter().map(reach).collect())
        .collect();
    let level = Level::parse(&q.level).unwrap_or(Level::Buurt);
    let mut rows: Vec<CoverageRow> = p
        .areas
        .iter()
        .filter(|a| a.level == level)
        .map(|a| {
            let members: Vec<usize> = (0..p.units.len())
                .filter(|&i| unit_in(&p.units[i].code, level, &a.code))
                .collect();
            let by_people = level != Level::Buurt
                && !members.is_empty()
                && members.iter().all(|&i| p.units[i].population.is_some())
                && members
                    .iter()
                    .any(|&i| p.units[i].population.unwrap_or(0) > 0);
            let mut points = Vec::new();
            let mut area_m2 = 0.0;
            for &i in &members {
                let u = &p.units[i];
                let n = unit_reach[i].len().max(1) as f64;
                let w = if by_people {
                    u.population.unwrap_or(0) as f64 / n
                } else {
                    u.spacing_m * u.spacing_m
                };
                area_m2 += unit_reach[i].len() as f64 * u.spacing_m * u.spacing_m;
                points.extend(
                    unit_reach[i]
                        .iter()
                        .map(|&reach| Weighted { reach, weight: w }),
                );
            }
            let s = summarize(&points, f64::from(q.minutes) * 60.0);
            // The box first: most destinations of a gemeente lie far outside a buurt.
            let rect = a.shape.bounding_rect();
            let places = chosen
                .iter()
                .filter(|d| {
                    rect.is_some_and(|r| {
                        (r.min().x..=r.max().x).contains(&d.position[0])
                            && (r.min().y..=r.max().y).contains(&d.position[1])
                    })
                })
                .filter(|d| {
                    a.shape
                        .contains(&geo::Point::new(d.position[0], d.position[1]))
                })
                .count() as u32;
            CoverageRow {
                area_code: a.code.clone(),
                area_name: a.name.clone(),
                population: a.population,
                share_within: round(s.share_within, 3),
                median_minutes: s.median_minutes.map(|m| round(m, 1)),
                p90_minutes: s.p90_minutes.map(|m| round(m, 1)),
                places,
                weighting: if by_people {
                    Weighting::Population
                } else {
                    Weighting::Area
                },
                share_off_network: round(s.share_off_network, 3),
                sample_points: s.points as u32,
                area_ha: round(area_m2 / 10_000.0, 1),
                beyond_reach: a.population.map(|n| {
                    (n as f64 * (1.0 - s.share_within - s.share_off_network).max(0.0)).round()
                        as i64
                }),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.area_code.cmp(&b.area_code));
    let mut cells = Vec::new();
    for (u, reaches) in p.units.iter().zip(&unit_reach) {
        for (pt, r) in u.points.iter().zip(reaches) {
            let minutes = match r {
                Reach::Seconds(t) => round(t / 60.0, 1),
                Reach::Unreachable => GRID_UNREACHABLE,
                Reach::OffNetwork => GRID_OFF_NETWORK,
            };
            cells.push([round(pt[0], 6), round(pt[1], 6), u.spacing_m, minutes]);
        }
    }
    let places = chosen
        .iter()
        .filter(|d| {
            let b = p.bounds;
            (b[0]..=b[2]).contains(&d.position[0]) && (b[1]..=b[3]).contains(&d.position[1])
        })
        .map(|d| d.position)
        .collect();
    CoverageAnswer {
        rows,
        grid: CoverageGrid { cells, places },
    }
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_belong_to_their_enclosing_areas() {
        assert!(unit_in("BU03630001", Level::Wijk, "WK036300"));
        assert!(unit_in("BU03630001", Level::Gemeente, "GM0363"));
        assert!(unit_in("BU03630001", Level::Buurt, "BU03630001"));
        assert!(!unit_in("BU03630001", Level::Wijk, "WK036301"));
    }

    #[test]
    fn the_box_grows_by_metres_on_every_side() {
        let b = grow([4.8, 52.3, 5.0, 52.4], 5_000.0);
        assert!((b[1] - (52.3 - 5_000.0 / METRES_PER_DEGREE)).abs() < 1e-9);
        assert!(b[0] < 4.8 - 0.07 && b[0] > 4.8 - 0.08, "{b:?}");
    }
}
