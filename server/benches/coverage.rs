//! Walking-coverage benchmark (issue 17): importing a real walking network, answering coverage
//! questions through the same `Service` the API uses, the multi-source Dijkstra against networkx on
//! the same graph, and a simulated national-size network.
//!
//! 1. Amsterdam (OSMnx walk network inside the A10, 29,755 segments, ../shared/data): reading the
//!    GeoJSON, storing it (`Store::replace_network`, one SQLite transaction), peak memory.
//! 2. Coverage of GM0363 over it, with the national 2014 buurten stored as the CLI stores them (with
//!    the wijken and gemeenten they imply) and 60 known places at network nodes: cold (preparing the
//!    gemeente), warm with another question, cached, and level=gemeente.
//! 3. `walk_times` from those 60 nodes over the whole graph, lengths in metres; with
//!    `--write-graph DIR` the edges, sources and our distances are written for
//!    bench/coverage_networkx.py, which times networkx on the same graph and compares.
//! 4. A national-size network, simulated: `--copies N` copies of Amsterdam's tiled over the
//!    Netherlands, stored with one `replace_network`, then coverage of three real gemeenten that a
//!    copy covers.
//!
//!   cargo bench -p server --bench coverage -- [--copies N] [--write-graph DIR]

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use app::model::{BarrierMode, CoverageQuery, Profile};
use geo::BoundingRect;
use server::domain::areas::{cbs_parent, Level};
use server::domain::walking::graph::{walk_times, Graph, Snap};
use server::domain::walking::{Network, Segment, METRES_PER_DEGREE};
use server::import::boundaries::ImportReport;
use server::import::network::{read, NetworkFormat};
use server::service::coverage::BUFFER_M;
use server::service::{build_index, Service};
use server::store::walking::{Bbox, KnownPlace};
use server::store::{Store, StoredArea};

mod common;

use common::{arg, median, ms, national_buurten, peak_rss_mib, stored_buurten};

/// Known places per copy of the network.
const PLACES: usize = 60;
/// Copies of Amsterdam's network for the national run: 130 × 29,755 ≈ 3.9 M segments.
const DEFAULT_COPIES: usize = 130;
/// The box the copies are tiled over, `[min_lon, min_lat, max_lon, max_lat]`, and its columns.
const NL_BOX: Bbox = [3.4, 50.8, 7.1, 53.4];
const COLUMNS: usize = 10;
const DIJKSTRA_RUNS: usize = 20;

/// `VmRSS` (resident now), MiB.
fn rss_now_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Figures as `name: value unit` lines, and the machine-readable `RESULT` line at the end.
#[derive(Default)]
struct Out {
    result: Vec<(String, String)>,
}

impl Out {
    fn line(&mut self, name: &str, value: impl std::fmt::Display, unit: &str) {
        if unit.is_empty() {
            println!("{name}: {value}");
        } else {
            println!("{name}: {value} {unit}");
        }
        std::io::stdout().flush().unwrap();
    }

    fn key(&mut self, key: &str, value: impl std::fmt::Display) {
        self.result.push((key.to_string(), value.to_string()));
    }

    fn ms(&mut self, name: &str, key: &str, d: f64) {
        self.line(name, format!("{d:.1}"), "ms");
        self.key(key, format!("{d:.3}"));
    }

    fn finish(&self) {
        let pairs: Vec<String> = self
            .result
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        println!("RESULT {}", pairs.join(" "));
    }
}

fn question(level: &str, gemeente: &str, profile: Profile) -> CoverageQuery {
    CoverageQuery {
        level: level.to_string(),
        gemeente: gemeente.to_string(),
        minutes: 10,
        categories: Vec::new(),
        qualities: Vec::new(),
        profile,
        barriers: BarrierMode::Count,
    }
}

/// The buurten as the CLI stores them (`trefpunt import-areas`): each buurt, the wijken and gemeenten
/// they imply (shapes dissolved), and the gemeente names the file gives.
struct Areas {
    stored: Vec<StoredArea>,
    implied: Vec<StoredArea>,
    names: Vec<(String, String)>,
}

impl Areas {
    fn new(report: &ImportReport) -> Areas {
        let stored = stored_buurten(report, |_| true);
        let implied = server::import::implied::implied(&stored);
        Areas {
            stored,
            implied,
            names: report.parent_names.clone(),
        }
    }

    /// Into a fresh store, as `trefpunt import-areas` does.
    async fn store_into(&self, store: &Store) {
        let read_at = store.area_generation().await.unwrap();
        let index = build_index(self.stored.clone());
        store
            .import_areas(
                read_at,
                &self.stored,
                &self.implied,
                &self.names,
                |lon, lat| index.assign(lon, lat),
            )
            .await
            .unwrap();
    }
}

async fn service(store: &Store) -> Service {
    Service::new(
        store.clone(),
        &server::config::Settings {
            locatieserver_url: "http://127.0.0.1:9".to_string(),
            ..server::config::Settings::with_defaults("sqlite::memory:")
        },
    )
    .await
    .unwrap()
}

/// Every k-th node of the network (by index): `count` nodes spread over it.
fn place_nodes(net: &Network, count: usize) -> Vec<u32> {
    let k = (net.nodes.len() / count).max(1);
    (0..count.min(net.nodes.len()))
        .map(|i| (i * k) as u32)
        .collect()
}

fn known_places(net: &Network, nodes: &[u32], shift: [f64; 2], prefix: &str) -> Vec<KnownPlace> {
    nodes
        .iter()
        .map(|&n| {
            let p = net.nodes[n as usize];
            KnownPlace {
                id: format!("{prefix}-{n}"),
                category: "community_centre".into(),
                name: None,
                position: [p[0] + shift[0], p[1] + shift[1]],
                qualities: Vec::new(),
            }
        })
        .collect()
}

/// A place exactly at a node: at the start or end of a segment that touches it.
fn snaps_at(net: &Network, nodes: &[u32]) -> Vec<Snap> {
    let mut at: Vec<Option<Snap>> = vec![None; net.nodes.len()];
    for (i, s) in net.segments.iter().enumerate() {
        for (node, along_m) in [(s.a, 0.0), (s.b, s.length_m)] {
            at[node as usize].get_or_insert(Snap {
                segment: i as u32,
                along_m,
                off_m: 0.0,
            });
        }
    }
    nodes
        .iter()
        .map(|&n| at[n as usize].expect("a place node without a segment"))
        .collect()
}

/// The gemeente's box grown by the service's buffer (as `service::coverage` reads it).
fn read_box(areas: &Areas, gemeente: &str) -> Bbox {
    let b = areas
        .stored
        .iter()
        .filter(|a| cbs_parent(&a.code, Level::Gemeente).as_deref() == Some(gemeente))
        .filter_map(|a| {
            let v = serde_json::from_str(&a.shape).ok()?;
            server::import::boundaries::geojson_shape(&v)
                .ok()?
                .bounding_rect()
        })
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
        .reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        })
        .unwrap();
    let dlat = BUFFER_M / METRES_PER_DEGREE;
    let dlon = BUFFER_M / (METRES_PER_DEGREE * b[3].max(b[1].abs()).to_radians().cos().max(0.1));
    [b[0] - dlon, b[1] - dlat, b[2] + dlon, b[3] + dlat]
}

fn file_mib(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / (1024.0 * 1024.0))
}

fn write_graph(dir: &Path, net: &Network, sources: &[u32], dist: &[f64]) {
    std::fs::create_dir_all(dir).unwrap();
    let mut edges = std::io::BufWriter::new(std::fs::File::create(dir.join("edges.txt")).unwrap());
    for s in &net.segments {
        writeln!(edges, "{} {} {}", s.a, s.b, s.length_m).unwrap();
    }
    edges.flush().unwrap();
    let list: Vec<String> = sources.iter().map(u32::to_string).collect();
    std::fs::write(dir.join("sources.txt"), list.join("\n") + "\n").unwrap();
    let mut ours = std::io::BufWriter::new(std::fs::File::create(dir.join("ours.txt")).unwrap());
    for (n, d) in dist.iter().enumerate() {
        writeln!(ours, "{n} {d}").unwrap();
    }
    ours.flush().unwrap();
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let copies: usize = arg("--copies")
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_COPIES);
    let graph_dir = arg("--write-graph");
    let started = Instant::now();
    let mut out = Out::default();
    println!("trefpunt walking-coverage benchmark (issue 17)");

    // 1. Amsterdam: read and store the network.
    let file = format!(
        "{}/../../shared/data/network/amsterdam_a10_walk_osm.geojson",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/amsterdam.db", dir.path().display());
    let store = Store::open(&url).await.unwrap();
    let t = Instant::now();
    let net = read(&bytes, NetworkFormat::GeoJson).unwrap().network;
    let read_ms = ms(t.elapsed());
    drop(bytes);
    let t = Instant::now();
    store
        .replace_network("amsterdam_a10_walk_osm.geojson", &net, true)
        .await
        .unwrap();
    let store_ms = ms(t.elapsed());
    let rss = peak_rss_mib();
    out.line("amsterdam segments", net.segments.len(), "segments");
    out.line("amsterdam nodes", net.nodes.len(), "nodes");
    out.ms(
        "amsterdam import read (import::network::read, GeoJSON 10.6 MB)",
        "import_read_ms",
        read_ms,
    );
    out.ms(
        "amsterdam import store (Store::replace_network, one SQLite transaction)",
        "import_store_ms",
        store_ms,
    );
    out.line(
        "amsterdam peak RSS after import (VmHWM: the process's high-water mark so far)",
        format!("{rss:.1}"),
        "MiB",
    );
    out.key("import_rss_mib", format!("{rss:.1}"));

    // 2. Coverage of Amsterdam through the service.
    let t = Instant::now();
    let areas = Areas::new(&national_buurten());
    areas.store_into(&store).await;
    let nodes = place_nodes(&net, PLACES);
    store
        .replace_known_places("bench", &known_places(&net, &nodes, [0.0, 0.0], "ams"))
        .await
        .unwrap();
    out.line(
        "setup: 11,691 buurten of 2014 + implied wijken/gemeenten + 60 known places stored (not counted)",
        format!("{:.1}", t.elapsed().as_secs_f64()),
        "s",
    );
    let svc = service(&store).await;
    let buurt = question("buurt", "GM0363", Profile::Default);
    let t = Instant::now();
    let cold = svc.coverage(&buurt).await.unwrap();
    let cold_ms = ms(t.elapsed());
    let t = Instant::now();
    let slow = svc
        .coverage(&question("buurt", "GM0363", Profile::Slow))
        .await
        .unwrap();
    let warm_ms = ms(t.elapsed());
    let t = Instant::now();
    let again = svc.coverage(&buurt).await.unwrap();
    let cached_ms = ms(t.elapsed());
    assert!(std::sync::Arc::ptr_eq(&cold, &again), "not cached");
    let t = Instant::now();
    let whole = svc
        .coverage(&question("gemeente", "GM0363", Profile::Default))
        .await
        .unwrap();
    let gemeente_ms = ms(t.elapsed());
    let buurten = cold.rows.len();
    let points = cold.grid.cells.len();
    let on_network = cold
        .grid
        .cells
        .iter()
        .filter(|c| c[3] >= 0.0 || c[3] == app::model::GRID_UNREACHABLE)
        .count();
    out.line("GM0363 buurten", buurten, "buurten");
    out.line("GM0363 sample points", points, "points");
    out.line(
        "GM0363 sample points on the network (it covers the A10 ring only)",
        on_network,
        "points",
    );
    out.key("buurten", buurten);
    out.key("sample_points", points);
    out.ms(
        "coverage GM0363 level=buurt cold (prepares the gemeente: its network part, R-tree, sample points)",
        "cov_cold_ms",
        cold_ms,
    );
    out.ms(
        "coverage GM0363 level=buurt warm, another question (profile=slow: prepared gemeente, new Dijkstra)",
        "cov_warm_ms",
        warm_ms,
    );
    out.ms(
        "coverage GM0363 level=buurt cached (the same question again)",
        "cov_cached_ms",
        cached_ms,
    );
    out.ms(
        "coverage GM0363 level=gemeente (prepared gemeente, new Dijkstra)",
        "cov_gemeente_ms",
        gemeente_ms,
    );
    out.ms(
        "coverage GM0363 cold per buurt (cold time / buurten)",
        "cov_per_buurt_ms",
        cold_ms / buurten.max(1) as f64,
    );
    if let Some(row) = whole.rows.first() {
        out.line(
            "GM0363 share within 10 minutes, default profile (whole gemeente)",
            format!("{:.3}", row.share_within),
            "share",
        );
    }
    let within = |a: &server::service::coverage::CoverageAnswer| {
        a.rows.iter().filter(|r| r.share_within >= 0.5).count()
    };
    out.line(
        "GM0363 buurten with half their area within 10 minutes, default / slow",
        format!("{} / {}", within(&cold), within(&slow)),
        "buurten",
    );
    drop(svc);
    // Parts of the cold time, alone: the areas read (every stored area's shape, all levels) and the
    // gemeente's part of the network.
    let t = Instant::now();
    let shown = store.shown_areas().await.unwrap();
    out.ms(
        &format!(
            "of the cold time: Store::shown_areas ({} areas, every shape read)",
            shown.len()
        ),
        "cov_shown_areas_ms",
        ms(t.elapsed()),
    );
    drop(shown);
    let t = Instant::now();
    let part = store
        .network_within(read_box(&areas, "GM0363"))
        .await
        .unwrap();
    out.ms(
        &format!(
            "of the cold time: Store::network_within GM0363 box + 5 km ({} segments)",
            part.segments.len()
        ),
        "cov_network_within_ms",
        ms(t.elapsed()),
    );
    drop(part);

    // 3. The multi-source Dijkstra alone, lengths in metres, from the 60 place nodes.
    let t = Instant::now();
    let graph = Graph::new(&net);
    let build_ms = ms(t.elapsed());
    let lengths: Vec<f64> = net.segments.iter().map(|s| s.length_m).collect();
    let costs: Vec<Option<f64>> = lengths.iter().map(|&l| Some(l)).collect();
    let sources = snaps_at(&net, &nodes);
    let mut dist = walk_times(&net, &graph, &costs, &lengths, &sources, f64::INFINITY);
    let mut runs = Vec::new();
    for _ in 0..DIJKSTRA_RUNS {
        let t = Instant::now();
        dist = walk_times(&net, &graph, &costs, &lengths, &sources, f64::INFINITY);
        runs.push(ms(t.elapsed()));
    }
    let dijkstra_ms = median(runs);
    let reached = dist.iter().filter(|d| d.is_finite()).count();
    out.ms(
        "dijkstra graph build (Graph::new, adjacency lists)",
        "graph_build_ms",
        build_ms,
    );
    out.line(
        "dijkstra trefpunt walk_times, 60 sources, Amsterdam (median of 20 runs)",
        format!("{dijkstra_ms:.2}"),
        "ms",
    );
    out.key("dijkstra_ms", format!("{dijkstra_ms:.3}"));
    out.line("dijkstra nodes reached", reached, "nodes");
    if let Some(d) = &graph_dir {
        write_graph(Path::new(d), &net, &nodes, &dist);
        out.line("dijkstra graph written for networkx to", d, "(dir)");
    }
    drop(graph);
    store.close().await;
    drop(dir);

    // 4. A national-size network, simulated by copies of Amsterdam's.
    if copies > 0 {
        national(&mut out, &net, &areas, &nodes, copies).await;
    }
    out.line(
        "bench total",
        format!("{:.1}", started.elapsed().as_secs_f64()),
        "s",
    );
    out.finish();
}

async fn national(out: &mut Out, net: &Network, areas: &Areas, nodes: &[u32], copies: usize) {
    let ext = net.extent().unwrap();
    let rows = copies.div_ceil(COLUMNS);
    let (cw, ch) = (
        (NL_BOX[2] - NL_BOX[0]) / COLUMNS as f64,
        (NL_BOX[3] - NL_BOX[1]) / rows as f64,
    );
    assert!(
        ext[2] - ext[0] < cw && ext[3] - ext[1] < ch,
        "{copies} copies do not fit apart in the box"
    );
    // Copy i: its extent's south-west corner at its grid cell's south-west corner.
    let shifts: Vec<[f64; 2]> = (0..copies)
        .map(|i| {
            let (col, row) = (i % COLUMNS, i / COLUMNS);
            [
                NL_BOX[0] + col as f64 * cw - ext[0],
                NL_BOX[1] + row as f64 * ch - ext[1],
            ]
        })
        .collect();
    let t = Instant::now();
    let mut big = Network {
        nodes: Vec::with_capacity(net.nodes.len() * copies),
        segments: Vec::with_capacity(net.segments.len() * copies),
    };
    for shift in &shifts {
        let offset = big.nodes.len() as u32;
        let mv = |p: &[f64; 2]| [p[0] + shift[0], p[1] + shift[1]];
        big.nodes.extend(net.nodes.iter().map(mv));
        big.segments.extend(net.segments.iter().map(|s| Segment {
            a: s.a + offset,
            b: s.b + offset,
            length_m: s.length_m,
            way: s.way,
            line: s.line.iter().map(mv).collect(),
        }));
    }
    let build_s = t.elapsed().as_secs_f64();
    println!();
    out.line(
        "national copies of the Amsterdam network (10 columns over lon 3.4-7.1, lat 50.8-53.4)",
        copies,
        "copies",
    );
    out.line(
        "national segments (assumption: about the size of an OSMnx walk graph of the whole Netherlands, an estimate, not measured)",
        big.segments.len(),
        "segments",
    );
    out.line("national nodes", big.nodes.len(), "nodes");
    out.line(
        "national network built in memory (not counted)",
        format!("{build_s:.1}"),
        "s",
    );
    out.key("nat_copies", copies);
    out.key("nat_segments", big.segments.len());

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("national.db");
    let url = format!("sqlite://{}", db.display());
    let store = Store::open(&url).await.unwrap();
    areas.store_into(&store).await;
    let t = Instant::now();
    store
        .replace_network("national-simulated", &big, true)
        .await
        .unwrap();
    let store_s = t.elapsed().as_secs_f64();
    let rss = peak_rss_mib();
    out.line(
        "national import store (one Store::replace_network, one SQLite transaction)",
        format!("{store_s:.1}"),
        "s",
    );
    out.key("nat_store_s", format!("{store_s:.2}"));
    out.line(
        "national peak RSS after import (VmHWM: the process's high-water mark so far)",
        format!("{rss:.1}"),
        "MiB",
    );
    out.key("nat_rss_mib", format!("{rss:.1}"));
    drop(big);
    out.line(
        "national RSS now, network dropped (VmRSS)",
        format!("{:.1}", rss_now_mib()),
        "MiB",
    );
    let t = Instant::now();
    let places: Vec<KnownPlace> = shifts
        .iter()
        .enumerate()
        .flat_map(|(i, &shift)| known_places(net, nodes, shift, &format!("c{i}")))
        .collect();
    store.replace_known_places("bench", &places).await.unwrap();
    out.line(
        &format!(
            "national known places stored ({} places, 60 per copy, one replace_known_places)",
            places.len()
        ),
        format!("{:.1}", t.elapsed().as_secs_f64()),
        "s",
    );
    let wal = dir.path().join("national.db-wal");
    let size = file_mib(&db) + file_mib(&wal);
    out.line(
        "national DB file size (database + WAL)",
        format!("{size:.0}"),
        "MiB",
    );
    out.key("nat_db_mib", format!("{size:.0}"));

    // Three real gemeenten a copy covers: the gemeente holding a copy's centre; of the copies whose
    // centre lies in one, the westernmost, the middle and the easternmost.
    let index = build_index(areas.stored.clone());
    let mut found: Vec<(usize, [f64; 2], String)> = Vec::new();
    for (i, s) in shifts.iter().enumerate() {
        let c = [
            (ext[0] + ext[2]) / 2.0 + s[0],
            (ext[1] + ext[3]) / 2.0 + s[1],
        ];
        if let Some(g) = index.assign(c[0], c[1]).gemeente {
            if !found.iter().any(|f| f.2 == g) {
                found.push((i, c, g));
            }
        }
    }
    found.sort_by(|a, b| a.1[0].total_cmp(&b.1[0]));
    let picks: Vec<&(usize, [f64; 2], String)> = match found.len() {
        0 => Vec::new(),
        1 | 2 => found.iter().collect(),
        n => vec![&found[0], &found[n / 2], &found[n - 1]],
    };
    out.line(
        "national copies whose centre lies in a 2014 gemeente",
        found.len(),
        "copies",
    );
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let svc = service(&store).await;
    let mut codes = Vec::new();
    let mut last_box = None;
    for (copy, centre, g) in picks {
        codes.push(g.clone());
        out.line(
            &format!("national {g} (centre of copy {copy})"),
            format!("{:.3} {:.3}", centre[0], centre[1]),
            "lon lat",
        );
        let t = Instant::now();
        let a = svc.coverage(&question("buurt", g, Profile::Default)).await;
        let cold_ms = ms(t.elapsed());
        match a {
            Ok(a) => {
                let on = a.grid.cells.iter().filter(|c| c[3] >= 0.0).count();
                out.ms(
                    &format!(
                        "national coverage {g} level=buurt cold ({} buurten, {} sample points, {on} within an hour)",
                        a.rows.len(),
                        a.grid.cells.len()
                    ),
                    &format!("nat_cov_{g}_ms"),
                    cold_ms,
                );
            }
            Err(e) => out.line(&format!("national coverage {g} failed"), e, ""),
        }
        // The query that loads the gemeente's part, alone; and how much of the index it walks.
        let b = read_box(areas, g);
        let t = Instant::now();
        let part = store.network_within(b).await.unwrap();
        let within_ms = ms(t.elapsed());
        out.ms(
            &format!(
                "national network_within {g} (box + 5 km: {} segments)",
                part.segments.len()
            ),
            &format!("nat_within_{g}_ms"),
            within_ms,
        );
        // The same SELECT alone (rows fetched, not decoded): as the store runs it, and forced onto
        // the box index (a diagnostic: not what the store runs).
        let mut sql_ms = Vec::new();
        for hint in ["", "INDEXED BY network_segments_by_box"] {
            let sql = format!(
                "SELECT network, a, b, way, length_m, line FROM network_segments {hint} \
                 WHERE min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ? \
                 ORDER BY network, seq"
            );
            let t = Instant::now();
            let rows: Vec<(String, i64, i64, String, f64, String)> = sqlx::query_as(&sql)
                .bind(b[2])
                .bind(b[0])
                .bind(b[3])
                .bind(b[1])
                .fetch_all(&pool)
                .await
                .unwrap();
            assert_eq!(rows.len(), part.segments.len());
            sql_ms.push(ms(t.elapsed()));
        }
        out.ms(
            &format!("national network_within {g}: its SELECT alone, as the store runs it"),
            &format!("nat_select_{g}_ms"),
            sql_ms[0],
        );
        let scanned: i64 =
            sqlx::query_scalar("SELECT count(*) FROM network_segments WHERE min_lon <= ?")
                .bind(b[2])
                .fetch_one(&pool)
                .await
                .unwrap();
        out.ms(
            &format!(
                "national network_within {g}: the same SELECT forced onto the box index (diagnostic; {scanned} index entries have min_lon <= the box's east)"
            ),
            &format!("nat_select_indexed_{g}_ms"),
            sql_ms[1],
        );
        last_box = Some(b);
    }
    if let Some(b) = last_box {
        let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(
            "EXPLAIN QUERY PLAN SELECT network, a, b, way, length_m, line FROM network_segments \
             WHERE min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ? \
             ORDER BY network, seq",
        )
        .bind(b[2])
        .bind(b[0])
        .bind(b[3])
        .bind(b[1])
        .fetch_all(&pool)
        .await
        .unwrap();
        let plan: Vec<String> = plan.into_iter().map(|r| r.3).collect();
        out.line(
            "national network_within query plan (SQLite, as the store runs it)",
            plan.join("; "),
            "",
        );
    }
    out.key("nat_gemeenten", codes.join(","));
    pool.close().await;
    drop(svc);
    store.close().await;
}
