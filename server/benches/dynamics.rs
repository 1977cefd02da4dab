//! Community dynamics benchmark (issue 20): one gemeente's graph of activities, networks and links.
//!
//! Seeds Dordrecht (GM0505, its 2014 buurten from ../shared/data) with N activities (default 2,000)
//! in clusters of 10 to 90, each cluster around a buurt: N/4 networks (local networks and
//! institutions with a position in a buurt, resident groups without), about four links per activity
//! (`led_to` chains inside a cluster, so ripple maps reach order 5 and beyond, and the three
//! relations as `LinkKind::joins` allows them), a quarter of the chains' steps recorded as an
//! activity growing from the one before instead, and a third of the activities grown from a
//! resident's wish or talent. Everything is written through the store as an admin records it. Then
//! it times what the pages and the export ask through the same `Service` the API uses: the public
//! graph, the largest ripple map, an area's dynamics (the gemeente, one buurt), the figures, and the
//! GraphML and Kumu JSON exports. Nothing of it is cached, so every read is cold; each figure is
//! the median of 11 rounds that run every measure once, in turn.
//! The peer, measured in the same run: reading the gemeente's rows alone (`Store::community_graph`),
//! the least any of them must do.
//!
//!   cargo bench -p server --bench dynamics -- [--activities N]

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use app::model::{Capital, Day, LinkKind, Location, NodeKind, Origin, SourceKind};
use geo::{BoundingRect, Contains, InteriorPoint, Point};
use serde_json::json;
use server::domain::graph_export;
use server::domain::ripples;
use server::domain::roles::Role;
use server::import::boundaries::ImportedArea;
use server::service::Service;
use server::store::{NewLink, NewNode, SessionUser, Store};

mod common;

use common::{arg, median, ms, national_buurten, stored_buurten, Rng};

const GEMEENTE: &str = "GM0505";

/// A day `d` steps into 2023–2025 (28 days a month, so every step is a real day).
fn day(d: usize) -> Day {
    let d = d.min(35 * 28 - 1);
    let (month, day) = (d / 28, 1 + d % 28);
    Day::parse(&format!(
        "{}-{:02}-{day:02}",
        2023 + month / 12,
        1 + month % 12
    ))
    .unwrap()
}

/// A point inside the buurt: a random one of its box that the shape holds, else its interior point.
fn point_in(area: &ImportedArea, rng: &mut Rng) -> Location {
    let r = area.shape.bounding_rect().unwrap();
    for _ in 0..50 {
        let p = Point::new(
            r.min().x + rng.unit() * r.width(),
            r.min().y + rng.unit() * r.height(),
        );
        if area.shape.contains(&p) {
            return Location {
                lon: p.x(),
                lat: p.y(),
            };
        }
    }
    let p = area.shape.interior_point().unwrap();
    Location {
        lon: p.x(),
        lat: p.y(),
    }
}

/// A cluster of activities around one buurt, and the networks that work there.
struct Cluster {
    activities: std::ops::Range<usize>,
    home: usize,
    local: Vec<usize>,
    institutions: Vec<usize>,
    groups: Vec<usize>,
}

/// One of the cluster's, or of the gemeente's when the cluster has none of the kind.
fn pick(own: &[usize], all: &[usize], rng: &mut Rng) -> usize {
    let from = if own.is_empty() { all } else { own };
    from[(rng.next() % from.len() as u64) as usize]
}

/// The links to write, each relation between two nodes once.
struct Links {
    links: Vec<(String, String, LinkKind, Day)>,
    seen: HashSet<(String, String, LinkKind)>,
}

impl Links {
    fn add(&mut self, from: String, to: String, kind: LinkKind, on: Day) {
        let pair = if kind == LinkKind::LedTo || from < to {
            (from.clone(), to.clone(), kind)
        } else {
            (to.clone(), from.clone(), kind)
        };
        if from != to && self.seen.insert(pair) {
            self.links.push((from, to, kind, on));
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = arg("--activities")
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000)
        .max(1);
    let m = (n / 4).max(3);
    let report = national_buurten();
    let dordrecht: Vec<&ImportedArea> = report
        .areas
        .iter()
        .filter(|a| a.code.starts_with("BU0505"))
        .collect();
    let buurten = stored_buurten(&report, |code| code.starts_with("BU0505"));
    let implied = server::import::implied::implied(&buurten);
    let names: Vec<(String, String)> = report
        .parent_names
        .iter()
        .filter(|(code, _)| code.contains("0505"))
        .cloned()
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/bench.db", dir.path().display());
    let store = Store::open(&url).await.unwrap();
    store
        .import_areas(0, &buurten, &implied, &names, |_, _| Default::default())
        .await
        .unwrap();

    let t = Instant::now();
    let email = "bench@trefpunt.invalid";
    let user_id = store
        .add_user(email, Role::Admin, &[], "bench")
        .await
        .unwrap()
        .unwrap();
    let admin = SessionUser {
        user_id,
        email: email.to_string(),
        role: Role::Admin,
        csrf: String::new(),
        gemeenten: Vec::new(),
    };
    let mut rng = Rng(0x5EED_0020);

    // Clusters of activities, and the networks shared out over them ten at a time: four local
    // networks, three institutions, three resident groups.
    let mut clusters = Vec::new();
    let mut start = 0;
    while start < n {
        let end = (start + 10 + (rng.next() % 81) as usize).min(n);
        clusters.push(Cluster {
            activities: start..end,
            home: (rng.next() % dordrecht.len() as u64) as usize,
            local: Vec::new(),
            institutions: Vec::new(),
            groups: Vec::new(),
        });
        start = end;
    }
    let kind_of = |j: usize| match j % 10 {
        0..=3 => NodeKind::LocalNetwork,
        4..=6 => NodeKind::Institution,
        _ => NodeKind::ResidentGroup,
    };
    let (mut all_local, mut all_institutions, mut all_groups) =
        (Vec::new(), Vec::new(), Vec::new());
    let mut cluster_of_network = Vec::new();
    for j in 0..m {
        let c = (j / 10) % clusters.len();
        cluster_of_network.push(c);
        let (own, all) = match kind_of(j) {
            NodeKind::LocalNetwork => (&mut clusters[c].local, &mut all_local),
            NodeKind::Institution => (&mut clusters[c].institutions, &mut all_institutions),
            _ => (&mut clusters[c].groups, &mut all_groups),
        };
        own.push(j);
        all.push(j);
    }
    let act = |i: usize| format!("act-{i:05}");
    let net = |j: usize| format!("net-{j:05}");
    // Where a node is: in its cluster's buurt seven times in ten, else anywhere in Dordrecht.
    let mut in_buurt: HashMap<&str, usize> = HashMap::new();
    let mut place = |home: usize, rng: &mut Rng| {
        let b = if rng.next() % 10 < 7 {
            home
        } else {
            (rng.next() % dordrecht.len() as u64) as usize
        };
        *in_buurt.entry(dordrecht[b].code.as_str()).or_default() += 1;
        point_in(dordrecht[b], rng)
    };

    // The residents' entries a third of the activities grew from: wishes, every other one offering
    // a talent (half of those published), one in ten hidden by a moderator since.
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO campaigns (id, status, config, created_at) VALUES ('bench', 'open', ?, '2023-01-01T00:00:00Z')",
    )
    .bind(
        json!({"id": "bench", "title": {"nl": "Bench"}, "kinds": ["wish"], "gemeenten": [GEMEENTE]})
            .to_string(),
    )
    .execute(&pool)
    .await
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let mut wishes: HashMap<usize, Origin> = HashMap::new();
    for i in (0..n).step_by(3) {
        let id = format!("wens-{i:05}");
        let talent = i.is_multiple_of(6);
        let buurt = &dordrecht[i % dordrecht.len()].code;
        sqlx::query(
            "INSERT INTO submissions (id, respondent, campaign, kind, category, lon, lat, details, answers, \
             language, source, gemeente, wijk, buurt, content_hash, wordless_hash, created_at, hidden, talent_public) \
             VALUES (?, ?, 'bench', 'wish', 'meeting_place', 4.67, 51.81, ?, '{}', 'nl', 'web', ?, ?, ?, '', 'bench', \
             '2023-01-01T00:00:00.000Z', ?, ?)",
        )
        .bind(&id)
        .bind(format!("r{i}"))
        .bind(if talent { json!({"talent": "koken"}) } else { json!({}) }.to_string())
        .bind(GEMEENTE)
        .bind(format!("WK{}", &buurt[2..8]))
        .bind(buurt)
        .bind(i64::from(i % 30 == 9))
        .bind(i64::from(i.is_multiple_of(12)))
        .execute(&mut *tx)
        .await
        .unwrap();
        let kind = if talent {
            SourceKind::Talent
        } else {
            SourceKind::Wish
        };
        wishes.insert(i, Origin { id, kind });
    }
    tx.commit().await.unwrap();
    pool.close().await;

    // The networks, recorded over 2023.
    for j in 0..m {
        let kind = kind_of(j);
        let home = clusters[cluster_of_network[j]].home;
        let location = (kind != NodeKind::ResidentGroup).then(|| place(home, &mut rng));
        let id = net(j);
        let name = match kind {
            NodeKind::LocalNetwork => format!("Buurtnetwerk {j}"),
            NodeKind::Institution => format!("Instelling {j}"),
            _ => format!("Buren van straat {j}"),
        };
        let hash = format!("bench-{id}");
        store
            .insert_node(
                &NewNode {
                    id: &id,
                    kind,
                    name: &name,
                    what: "",
                    gemeente: GEMEENTE,
                    location,
                    place: None,
                    started_on: day(j * 336 / m),
                    recurring: false,
                    campaign: None,
                    origins: &[],
                    content_hash: &hash,
                },
                &admin,
            )
            .await
            .unwrap();
    }

    // The activities and their links, in the order they began.
    let mut links = Links {
        links: Vec::new(),
        seen: HashSet::new(),
    };
    let act_day = |i: usize| day(336 + i * (35 * 28 - 337) / n);
    for cluster in &clusters {
        let s = cluster.activities.start;
        for i in cluster.activities.clone() {
            let on = act_day(i);
            let mut origins: Vec<Origin> = wishes.get(&i).cloned().into_iter().collect();
            if i > s {
                // A chain: what came shortly before in the cluster led to it.
                let p = i - 1 - (rng.next() % (i - s).min(4) as u64) as usize;
                if rng.next().is_multiple_of(4) {
                    origins.push(Origin {
                        id: act(p),
                        kind: SourceKind::Activity,
                    });
                } else {
                    links.add(act(p), act(i), LinkKind::LedTo, on);
                }
                if rng.next().is_multiple_of(3) && i - s >= 2 {
                    let j = s + (rng.next() % (i - s) as u64) as usize;
                    links.add(act(i), act(j), LinkKind::Residents, on);
                }
            }
            let local = pick(&cluster.local, &all_local, &mut rng);
            links.add(act(i), net(local), LinkKind::ResidentsNetworks, on);
            if i.is_multiple_of(2) && !all_groups.is_empty() {
                let g = pick(&cluster.groups, &all_groups, &mut rng);
                links.add(net(g), act(i), LinkKind::Residents, on);
            } else {
                let k = pick(&cluster.institutions, &all_institutions, &mut rng);
                links.add(act(i), net(k), LinkKind::NetworksInstitutions, on);
            }
            if rng.next().is_multiple_of(2) {
                // A new connection that came out of it: one in ten beyond the cluster.
                let all: Vec<usize> = if rng.next().is_multiple_of(10) {
                    (0..m).collect()
                } else {
                    cluster
                        .local
                        .iter()
                        .chain(&cluster.institutions)
                        .chain(&cluster.groups)
                        .copied()
                        .collect()
                };
                let j = pick(&all, &(0..m).collect::<Vec<_>>(), &mut rng);
                links.add(act(i), net(j), LinkKind::LedTo, on);
            }
            let id = act(i);
            let location = (!rng.next().is_multiple_of(5)).then(|| place(cluster.home, &mut rng));
            let name = format!("Activiteit {i}");
            let hash = format!("bench-{id}");
            store
                .insert_node(
                    &NewNode {
                        id: &id,
                        kind: NodeKind::Activity,
                        name: &name,
                        what: "Samen koken, elke dinsdag in het buurthuis. Iedereen welkom.",
                        gemeente: GEMEENTE,
                        location,
                        place: None,
                        started_on: on,
                        recurring: i.is_multiple_of(3),
                        campaign: None,
                        origins: &origins,
                        content_hash: &hash,
                    },
                    &admin,
                )
                .await
                .unwrap();
        }
    }
    // The networks' own ties, inside their cluster: a local network with an institution, a resident
    // group with a local network. (Ties across clusters would make every network of the gemeente one
    // relation-step group: a relation costs no order, so each ripple map would fill up with them.)
    for j in 0..m {
        let c = &clusters[cluster_of_network[j]];
        let on = day(j * 336 / m);
        match kind_of(j) {
            NodeKind::LocalNetwork => {
                let k = pick(&c.institutions, &all_institutions, &mut rng);
                links.add(net(j), net(k), LinkKind::NetworksInstitutions, on);
            }
            NodeKind::ResidentGroup => {
                let l = pick(&c.local, &all_local, &mut rng);
                links.add(net(j), net(l), LinkKind::ResidentsNetworks, on);
            }
            _ => {}
        }
    }
    for (k, (from, to, kind, on)) in links.links.iter().enumerate() {
        let id = format!("l-{k:06}");
        let hash = format!("bench-{id}");
        let capital = k
            .is_multiple_of(2)
            .then(|| Capital::ALL[(k / 2) % Capital::ALL.len()]);
        store
            .insert_link(
                &NewLink {
                    id: &id,
                    from,
                    to,
                    kind: *kind,
                    on: *on,
                    note: k
                        .is_multiple_of(5)
                        .then_some("Gesproken met de voorzitter, belt terug"),
                    capital,
                    gemeente: GEMEENTE,
                    content_hash: &hash,
                },
                &admin,
            )
            .await
            .unwrap();
    }
    let seed = t.elapsed();

    let svc = Service::new(
        store.clone(),
        &server::config::Settings {
            locatieserver_url: "http://127.0.0.1:9".to_string(),
            ..server::config::Settings::with_defaults("sqlite::memory:")
        },
    )
    .await
    .unwrap();
    let graph = svc.community_graph(GEMEENTE, None).await.unwrap();
    // The largest ripple map is one of an activity nothing led to: whatever a later activity sets
    // off, the one that led to it reaches too.
    let led_into: HashSet<String> = ripples::led_to_edges(&graph)
        .into_iter()
        .map(|(_, to)| to)
        .collect();
    let (centre, map_nodes, left_out, order) = graph
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Activity && !led_into.contains(&n.id))
        .map(|n| {
            let r = ripples::ripples(&graph, &n.id).unwrap();
            let order = r.nodes.iter().map(|x| x.order).max().unwrap_or(0);
            (n.id.clone(), r.nodes.len(), r.left_out, order)
        })
        .max_by_key(|&(_, nodes, left_out, order)| (nodes + left_out as usize, order))
        .unwrap();
    let (buurt, _) = in_buurt
        .iter()
        .max_by_key(|&(code, count)| (*count, std::cmp::Reverse(*code)))
        .unwrap();
    let buurt = (*buurt).to_string();

    // Round by round, each measure once a round: a moment the machine is busy with something else
    // then slows one run of every measure, not every run of one.
    let runs = 11;
    let mut laps: Vec<Vec<f64>> = vec![Vec::new(); 8];
    let lap = |laps: &mut Vec<Vec<f64>>, i: usize, t: Instant| laps[i].push(ms(t.elapsed()));
    for _ in 0..runs {
        let t = Instant::now();
        store.community_graph(GEMEENTE).await.unwrap();
        lap(&mut laps, 0, t);
        let t = Instant::now();
        svc.community_graph(GEMEENTE, None).await.unwrap();
        lap(&mut laps, 1, t);
        let t = Instant::now();
        svc.ripples(&centre, None).await.unwrap().unwrap();
        lap(&mut laps, 2, t);
        let t = Instant::now();
        svc.area_dynamics(GEMEENTE).await.unwrap().unwrap();
        lap(&mut laps, 3, t);
        let t = Instant::now();
        svc.area_dynamics(&buurt).await.unwrap().unwrap();
        lap(&mut laps, 4, t);
        let t = Instant::now();
        svc.dynamics_figures(GEMEENTE).await.unwrap().unwrap();
        lap(&mut laps, 5, t);
        let t = Instant::now();
        std::hint::black_box(graph_export::graphml(&graph));
        lap(&mut laps, 6, t);
        let t = Instant::now();
        std::hint::black_box(graph_export::json(&graph));
        lap(&mut laps, 7, t);
    }
    let medians: Vec<f64> = laps.into_iter().map(median).collect();
    let [rows, public, ripple, whole, one, figures, graphml, kumu] = medians[..] else {
        unreachable!("eight measures")
    };
    let g = svc.area_dynamics(GEMEENTE).await.unwrap().unwrap();
    let b = svc.area_dynamics(&buurt).await.unwrap().unwrap();
    let f = svc.dynamics_figures(GEMEENTE).await.unwrap().unwrap();
    let graphml_kb = graph_export::graphml(&graph).len() as f64 / 1024.0;
    let kumu_kb = graph_export::json(&graph).len() as f64 / 1024.0;
    let count = |k: NodeKind| graph.nodes.iter().filter(|x| x.kind == k).count();

    println!(
        "trefpunt community dynamics benchmark: {GEMEENTE}, {} buurten of Dordrecht, {} clusters",
        dordrecht.len(),
        clusters.len()
    );
    println!(
        "  graph: {} nodes ({} activities, {} local networks, {} institutions, {} resident groups), {} links",
        graph.nodes.len(),
        count(NodeKind::Activity),
        count(NodeKind::LocalNetwork),
        count(NodeKind::Institution),
        count(NodeKind::ResidentGroup),
        graph.links.len()
    );
    println!(
        "  figures: {} activities, {} from residents, {} of the second order and beyond; connections {}",
        f.activities,
        f.from_residents,
        f.second_order,
        f.connections
            .iter()
            .map(|(k, c)| format!("{}={c}", k.as_str()))
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "  {:<62} {:>8.1} s",
        "seeding (through the store, not counted)",
        seed.as_secs_f64()
    );
    println!(
        "  {:<62} {rows:>8.2} ms",
        "peer: reading the gemeente's rows (median)"
    );
    let lines = [
        (
            "the public graph (notes, hidden origins out)".to_string(),
            public,
        ),
        (
            format!(
                "ripple map of {centre} ({map_nodes} nodes, {left_out} left out, order {order})"
            ),
            ripple,
        ),
        (
            format!(
                "area dynamics, the gemeente ({} on the map, {} lines)",
                g.nodes.len(),
                g.lines.len()
            ),
            whole,
        ),
        (
            format!(
                "area dynamics, {buurt} ({} on the map, {} lines)",
                b.nodes.len(),
                b.lines.len()
            ),
            one,
        ),
        ("dynamics figures, the gemeente".to_string(), figures),
        (format!("GraphML export ({graphml_kb:.0} KiB)"), graphml),
        (format!("Kumu JSON export ({kumu_kb:.0} KiB)"), kumu),
    ];
    for (i, (label, t)) in lines.iter().enumerate() {
        let of = if i == 0 { " the rows" } else { "" };
        println!("  {label:<62} {t:>8.2} ms  ({:.1}x{of})", t / rows);
    }
    println!(
        "RESULT rows_ms={rows:.3} public_ms={public:.3} ripples_ms={ripple:.3} gemeente_ms={whole:.3} \
         buurt_ms={one:.3} figures_ms={figures:.3} graphml_ms={graphml:.3} json_ms={kumu:.3} \
         nodes={} links={} ripple_nodes={map_nodes} left_out={left_out}",
        graph.nodes.len(),
        graph.links.len()
    );
    store.close().await;
}
