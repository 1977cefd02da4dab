//! Issue 17, walking coverage: both importers on the real files, walking times held against an
//! independent shortest-path computation on the same real graph, and `/api/v1/coverage` with its
//! places, qualities, profiles and residents' barriers, including the abuse where one resident tries
//! to cut an area off alone.

use std::collections::{HashMap, HashSet};

use reqwest::header::COOKIE;
use serde_json::{json, Value};
use server::domain::walking::graph::{walk_times, Snap};
use server::domain::walking::snap::SnapIndex;

use super::helpers::{shared_data, spawn_app_on, spawn_pdok_standin, trefpunt, TestApp, TestDb};
use super::staff::{add_staff_in, session};

const AMSTERDAM: &str = "network/amsterdam_a10_walk_osm.geojson";

/// The real file's edges: OSMnx's own node ids `u`, `v`, its `length`, and its line.
struct FileEdge {
    u: i64,
    v: i64,
    length: f64,
    line: Vec<[f64; 2]>,
}

fn file_edges() -> Vec<FileEdge> {
    let bytes = std::fs::read(shared_data().join(AMSTERDAM)).expect("network file");
    let v: Value = serde_json::from_slice(&bytes).expect("json");
    v["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter(|f| {
            !matches!(
                f["properties"]["highway"].as_str(),
                Some("trunk" | "trunk_link")
            )
        })
        .map(|f| FileEdge {
            u: f["properties"]["u"].as_i64().expect("u"),
            v: f["properties"]["v"].as_i64().expect("v"),
            length: f["properties"]["length"].as_f64().expect("length"),
            line: f["geometry"]["coordinates"]
                .as_array()
                .expect("coords")
                .iter()
                .map(|c| [c[0].as_f64().expect("lon"), c[1].as_f64().expect("lat")])
                .collect(),
        })
        .collect()
}

/// Where each OSMnx node lies: the end its edges' lines share (lines run either way in the file).
fn node_positions(edges: &[FileEdge]) -> HashMap<i64, [f64; 2]> {
    let mut ends: HashMap<i64, Vec<HashSet<(u64, u64)>>> = HashMap::new();
    for e in edges {
        let (a, b) = (e.line[0], e.line[e.line.len() - 1]);
        let set: HashSet<(u64, u64)> = [a, b]
            .iter()
            .map(|p| (p[0].to_bits(), p[1].to_bits()))
            .collect();
        ends.entry(e.u).or_default().push(set.clone());
        ends.entry(e.v).or_default().push(set);
    }
    let mut known: HashMap<i64, [f64; 2]> = ends
        .into_iter()
        .filter_map(|(id, sets)| {
            let mut common = sets[0].clone();
            for s in &sets[1..] {
                common = common.intersection(s).copied().collect();
            }
            (common.len() == 1).then(|| {
                let (x, y) = common.into_iter().next().expect("one");
                (id, [f64::from_bits(x), f64::from_bits(y)])
            })
        })
        .collect();
    // A dead end has one edge, so two candidate ends: it is the one its neighbour is not.
    for e in edges {
        let (a, b) = (e.line[0], e.line[e.line.len() - 1]);
        for (this, other) in [(e.u, e.v), (e.v, e.u)] {
            if known.contains_key(&this) {
                continue;
            }
            if let Some(&o) = known.get(&other) {
                known.insert(this, if o == a { b } else { a });
            }
        }
    }
    known
}

fn key(p: [f64; 2]) -> (i64, i64) {
    ((p[0] * 1e7).round() as i64, (p[1] * 1e7).round() as i64)
}

fn run_ok(db_url: &str, args: &[&str]) -> String {
    let out = trefpunt(db_url, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn walking_times_over_the_imported_network_equal_an_independent_computation_to_the_metre() {
    let db = TestDb::fresh().await;
    let data = shared_data();
    let out = run_ok(
        &db.url,
        &[
            "import-network",
            &data.join(AMSTERDAM).display().to_string(),
        ],
    );
    assert!(out.contains("dropped        26 highway=trunk"), "{out}");
    assert!(out.contains("kept         8731 highway=footway"), "{out}");
    assert!(out.contains("imported  29717 segments"), "{out}");

    // A small real area: about 550 m by 550 m around the Leidseplein.
    let bbox = [4.8790, 52.3615, 4.8870, 52.3665];
    let store = server::store::Store::open(&db.url).await.expect("store");
    let net = store.network_within(bbox).await.expect("network");
    store.close().await;
    assert!(net.segments.len() > 100, "{}", net.segments.len());

    // The same edges from the file, chosen by the same rule (the line's box meets the area), with
    // OSMnx's own node ids: an independent graph of the same streets.
    let edges: Vec<FileEdge> = file_edges()
        .into_iter()
        .filter(|e| {
            let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
            for p in &e.line {
                lo = [lo[0].min(p[0]), lo[1].min(p[1])];
                hi = [hi[0].max(p[0]), hi[1].max(p[1])];
            }
            lo[0] <= bbox[2] && hi[0] >= bbox[0] && lo[1] <= bbox[3] && hi[1] >= bbox[1]
        })
        .collect();
    assert_eq!(edges.len(), net.segments.len());
    let positions = node_positions(&file_edges());

    // Three places at real intersections.
    let in_area: HashSet<i64> = edges.iter().flat_map(|e| [e.u, e.v]).collect();
    let mut ids: Vec<i64> = in_area.into_iter().collect();
    ids.sort_unstable();
    let places: Vec<i64> = vec![
        ids[ids.len() / 5],
        ids[ids.len() / 2],
        ids[ids.len() * 4 / 5],
    ];

    // Independent: Bellman–Ford relaxation over the file's edges until nothing improves.
    let mut dist: HashMap<i64, f64> = places.iter().map(|&p| (p, 0.0)).collect();
    loop {
        let mut changed = false;
        for e in &edges {
            for (a, b) in [(e.u, e.v), (e.v, e.u)] {
                if let Some(&da) = dist.get(&a) {
                    if dist.get(&b).is_none_or(|&db| da + e.length < db) {
                        dist.insert(b, da + e.length);
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }

    // Ours: the imported graph, the places snapped by the R-tree, one multi-source Dijkstra, at
    // one metre per second so seconds are metres.
    let index = SnapIndex::new(&net);
    let sources: Vec<Snap> = places
        .iter()
        .map(|p| {
            index
                .snap(positions[p], 1.0)
                .expect("a place on the network")
        })
        .collect();
    let costs: Vec<Option<f64>> = net.segments.iter().map(|s| Some(s.length_m)).collect();
    let plain: Vec<f64> = net.segments.iter().map(|s| s.length_m).collect();
    let ours = walk_times(
        &net,
        &server::domain::walking::graph::Graph::new(&net),
        &costs,
        &plain,
        &sources,
        f64::INFINITY,
    );

    let by_position: HashMap<(i64, i64), i64> =
        positions.iter().map(|(&id, &p)| (key(p), id)).collect();
    let mut compared = 0;
    for (i, p) in net.nodes.iter().enumerate() {
        let Some(id) = by_position.get(&key(*p)) else {
            continue;
        };
        let theirs = dist.get(id).copied().unwrap_or(f64::INFINITY);
        if theirs.is_infinite() {
            assert!(
                ours[i].is_infinite(),
                "node {id}: ours {} theirs unreachable",
                ours[i]
            );
        } else {
            assert!(
                (ours[i] - theirs).abs() < 1.0,
                "node {id}: ours {:.3} m, independent {theirs:.3} m",
                ours[i]
            );
        }
        compared += 1;
    }
    // Every node of our graph is one of the file's, and was compared.
    assert_eq!(compared, net.nodes.len());
}

#[tokio::test]
async fn a_new_network_import_replaces_its_own_ground_and_refuses_a_partial_overlap() {
    let db = TestDb::fresh().await;
    let data = shared_data().join("network");
    let path = |f: &str| data.join(f).display().to_string();
    let amsterdam = path("amsterdam_a10_walk_osm.geojson");
    let watergraafsmeer = path("amsterdam_watergraafsmeer_small.osm.pbf");
    run_ok(&db.url, &["import-network", &amsterdam]);
    // Watergraafsmeer reaches beyond the A10 extent: refused, Amsterdam kept.
    let out = trefpunt(&db.url, &["import-network", &watergraafsmeer]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("partly overlaps the stored network(s) amsterdam_a10_walk_osm.geojson"),
        "{err}"
    );
    // Asked for, it replaces Amsterdam (and says so).
    let out = run_ok(
        &db.url,
        &["import-network", &watergraafsmeer, "--replace-overlapping"],
    );
    assert!(
        out.contains("replaced  the network from amsterdam_a10_walk_osm.geojson"),
        "{out}"
    );
    // Delft overlaps nothing.
    let out = run_ok(
        &db.url,
        &["import-network", &path("delft_station_small.osm.pbf")],
    );
    assert!(!out.contains("replaced"), "{out}");
    // Amsterdam again, replacing Watergraafsmeer; then once more: a re-run replaces itself.
    let out = run_ok(
        &db.url,
        &["import-network", &amsterdam, "--replace-overlapping"],
    );
    assert!(
        out.contains("replaced  the network from amsterdam_watergraafsmeer_small.osm.pbf"),
        "{out}"
    );
    let out = run_ok(&db.url, &["import-network", &amsterdam]);
    assert!(
        out.contains("replaced  the network from amsterdam_a10_walk_osm.geojson"),
        "{out}"
    );
    let store = server::store::Store::open(&db.url).await.expect("store");
    let kept: Vec<String> = store
        .networks()
        .await
        .expect("networks")
        .into_iter()
        .map(|n| n.0)
        .collect();
    assert_eq!(
        kept,
        vec![
            "amsterdam_a10_walk_osm.geojson",
            "delft_station_small.osm.pbf"
        ]
    );
    store.close().await;

    // A file that only partly overlaps a stored network is refused (they would not connect), and
    // changes nothing; with --replace-overlapping it replaces it.
    let edge = db.dir.path().join("edge.geojson");
    std::fs::write(
        &edge,
        json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"highway": "footway"},
            "geometry": {"type": "LineString", "coordinates": [[4.97, 52.36], [4.99, 52.36]]}}]})
        .to_string(),
    )
    .expect("write");
    let out = trefpunt(&db.url, &["import-network", &edge.display().to_string()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("partly overlaps") && err.contains("amsterdam_a10_walk_osm.geojson"),
        "{err}"
    );
    // Swapped coordinates lie outside the Netherlands: refused, naming the file.
    let swapped = db.dir.path().join("swapped.geojson");
    std::fs::write(
        &swapped,
        json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"highway": "footway"},
            "geometry": {"type": "LineString", "coordinates": [[52.63, 4.75], [52.64, 4.75]]}}]})
        .to_string(),
    )
    .expect("write");
    let out = trefpunt(&db.url, &["import-network", &swapped.display().to_string()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("swapped.geojson") && err.contains("outside the Netherlands"),
        "{err}"
    );
    let store = server::store::Store::open(&db.url).await.expect("store");
    assert_eq!(store.networks().await.expect("networks").len(), 2);
    store.close().await;

    // A bad file changes nothing and names the file.
    let bad = db.dir.path().join("broken.osm.pbf");
    std::fs::write(&bad, b"not a pbf at all").expect("write");
    let out = trefpunt(&db.url, &["import-network", &bad.display().to_string()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.osm.pbf"));
    let store = server::store::Store::open(&db.url).await.expect("store");
    assert_eq!(store.networks().await.expect("networks").len(), 2);
    store.close().await;
}

/// Amsterdam: the national 2014 buurten, the A10 network, known places at real intersections.
struct Amsterdam {
    app: TestApp,
    /// Real intersections, for places and barriers.
    nodes: Vec<[f64; 2]>,
}

async fn amsterdam() -> Amsterdam {
    let db = TestDb::fresh().await;
    let data = shared_data();
    let file = |p: &str| data.join(p).display().to_string();
    run_ok(
        &db.url,
        &[
            "import-areas",
            &file("boundaries/nl_buurten_2014_coarse.topojson"),
            "--level",
            "buurt",
            "--year",
            "2014",
        ],
    );
    run_ok(&db.url, &["import-network", &file(AMSTERDAM)]);
    let positions = node_positions(&file_edges());
    let mut nodes: Vec<[f64; 2]> = positions.into_values().collect();
    nodes.sort_by(|a, b| a.partial_cmp(b).expect("numbers"));
    // The intersection nearest to a spot: places stand at real nodes.
    let near = |lon: f64, lat: f64| -> [f64; 2] {
        *nodes
            .iter()
            .min_by(|p, q| {
                let d = |n: &[f64; 2]| (n[0] - lon).powi(2) + (n[1] - lat).powi(2);
                d(p).total_cmp(&d(q))
            })
            .expect("nodes")
    };
    let (pijp, oost, oba) = (
        near(4.8937, 52.3551),
        near(4.9215, 52.3590),
        near(4.9086, 52.3759),
    );
    // Two buurthuizen and a step-free library, as a municipality's file would list them.
    let known = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"soort": "Buurthuis", "naam": "De Pijp"},
         "geometry": {"type": "Point", "coordinates": pijp}},
        {"type": "Feature", "properties": {"soort": "buurthuis", "naam": "Oost"},
         "geometry": {"type": "Point", "coordinates": oost}},
        {"type": "Feature", "properties": {"soort": "bibliotheek", "naam": "OBA", "wheelchair": "yes"},
         "geometry": {"type": "Point", "coordinates": oba}},
        {"type": "Feature", "properties": {"soort": "kerk"},
         "geometry": {"type": "Point", "coordinates": nodes[10]}}
    ]});
    let path = db.dir.path().join("buurthuizen.geojson");
    std::fs::write(&path, known.to_string()).expect("write");
    let out = run_ok(
        &db.url,
        &[
            "import-places",
            &path.display().to_string(),
            "--category-field",
            "soort",
            "--map",
            "buurthuis=community_centre",
            "--map",
            "bibliotheek=library",
        ],
    );
    assert!(out.contains("imported  3 known places"), "{out}");
    assert!(out.contains("no mapping for soort \"kerk\""), "{out}");
    let pdok = spawn_pdok_standin().await;
    let app = spawn_app_on(db, format!("http://{pdok}/bzk/locatieserver/search/v3_1")).await;
    Amsterdam { app, nodes }
}

async fn coverage(app: &TestApp, query: &str) -> Vec<Value> {
    let res = app.get(&format!("/api/v1/coverage?{query}")).await;
    assert_eq!(
        res.status(),
        200,
        "{query}: {}",
        res.text().await.unwrap_or_default()
    );
    res.json().await.expect("json")
}

async fn grid(app: &TestApp, query: &str) -> Vec<[f64; 4]> {
    let g: Value = app
        .get_json(&format!("/api/v1/coverage/grid?{query}"))
        .await;
    serde_json::from_value(g["cells"].clone()).expect("cells")
}

/// The sum of minutes over the grid's reachable cells: any barrier that counts adds to it.
fn total_minutes(cells: &[[f64; 4]]) -> f64 {
    cells.iter().filter(|c| c[3] >= 0.0).map(|c| c[3]).sum()
}

#[tokio::test]
async fn coverage_per_buurt_counts_known_places_qualities_and_profiles() {
    let Amsterdam { app, nodes } = amsterdam().await;
    let q = "gemeente=GM0363&level=buurt&minutes=10";
    let rows = coverage(&app, q).await;
    assert!(rows.len() > 50, "{}", rows.len());
    // The 2014 buurten have no inhabitants: weighted by area, and said so.
    assert!(rows
        .iter()
        .all(|r| r["weighting"] == "area" && r["population"].is_null()));
    let places: u64 = rows
        .iter()
        .map(|r| r["places"].as_u64().expect("places"))
        .sum();
    assert_eq!(places, 3);
    // A buurt with a place has part of it within 10 minutes, and far more than buurten without one;
    // buurten outside the A10 ring have their points off the network, counted apart and never as
    // within reach.
    let share = |r: &&Value| r["share_within"].as_f64().expect("share");
    let (with_place, without): (Vec<&Value>, Vec<&Value>) =
        rows.iter().partition(|r| r["places"].as_u64() > Some(0));
    assert_eq!(with_place.len(), 3);
    assert!(with_place.iter().all(|r| share(r) > 0.1), "{with_place:?}");
    let mean = |v: &[&Value]| v.iter().map(share).sum::<f64>() / v.len() as f64;
    assert!(
        mean(&with_place) > 3.0 * mean(&without),
        "{} {}",
        mean(&with_place),
        mean(&without)
    );
    let outside: Vec<&Value> = rows
        .iter()
        .filter(|r| r["share_off_network"].as_f64() == Some(1.0))
        .collect();
    assert!(!outside.is_empty());
    assert!(outside
        .iter()
        .all(|r| r["share_within"] == 0.0 && r["median_minutes"].is_null()));

    // Slow walkers reach less, never more.
    let slow = coverage(&app, &format!("{q}&profile=slow")).await;
    for (d, s) in rows.iter().zip(&slow) {
        assert!(
            s["share_within"].as_f64() <= d["share_within"].as_f64(),
            "{d} {s}"
        );
    }
    assert!(rows
        .iter()
        .zip(&slow)
        .any(|(d, s)| s["share_within"] != d["share_within"]));

    // Only step-free places: the library alone.
    let step_free = coverage(&app, &format!("{q}&quality=step_free")).await;
    let n: u64 = step_free
        .iter()
        .map(|r| r["places"].as_u64().expect("n"))
        .sum();
    assert_eq!(n, 1);
    // A place a resident mapped counts too.
    let resident_place = json!({
        "id": super::helpers::new_id(), "respondent": super::helpers::new_id(),
        "kind": "place", "category": "cafe_restaurant",
        "location": {"lon": nodes[nodes.len() / 4][0], "lat": nodes[nodes.len() / 4][1]},
        "details": {"qualities": []}, "language": "nl"
    });
    assert_eq!(app.post_json(&resident_place).await.status(), 201);
    let after = coverage(&app, q).await;
    let n: u64 = after.iter().map(|r| r["places"].as_u64().expect("n")).sum();
    assert_eq!(n, 4);
    let cafes = coverage(&app, &format!("{q}&category=cafe_restaurant")).await;
    let n: u64 = cafes.iter().map(|r| r["places"].as_u64().expect("n")).sum();
    assert_eq!(n, 1);

    // The known places are public as such, never as residents' entries.
    let known: Vec<Value> = app.get_json("/api/v1/places").await;
    let mut names: Vec<&str> = known
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["De Pijp", "OBA", "Oost"]);
    let oba = known.iter().find(|p| p["name"] == "OBA").expect("OBA");
    assert_eq!(oba["category"], "library");
    assert_eq!(oba["qualities"], json!(["step_free"]));
    let listed: Vec<Value> = app.get_json("/api/v1/submissions").await;
    assert!(listed
        .iter()
        .all(|e| e["kind"] != "place" || e["category"] == "cafe_restaurant"));
    let boxed: Vec<Value> = app
        .get_json("/api/v1/places?bbox=4.88,52.35,4.90,52.36")
        .await;
    assert_eq!(boxed.len(), 1, "{boxed:?}");
    assert_eq!(app.get("/api/v1/places?bbox=3,50,6,53").await.status(), 422);
    assert_eq!(app.get("/api/v1/places?limit=0").await.status(), 400);
    assert_eq!(app.get("/api/v1/places?who=me").await.status(), 400);

    // Wijk and gemeente rows weigh their buurten's points.
    let gemeente = coverage(&app, "gemeente=GM0363&level=gemeente").await;
    assert_eq!(gemeente.len(), 1);
    let g = &gemeente[0];
    assert!(
        g["share_within"].as_f64() > Some(0.0) && g["share_within"].as_f64() < Some(1.0),
        "{g}"
    );
    assert!(g["sample_points"].as_u64() > Some(10_000), "{g}");
    assert!(g["median_minutes"].as_f64().is_some(), "{g}");
    // Two thirds of the gemeente lie outside the A10 network: far from every place, so its 90th
    // percentile is beyond the hour (null), never a number below the median.
    assert!(g["share_off_network"].as_f64() > Some(0.5), "{g}");
    assert!(
        g["p90_minutes"].is_null() || g["p90_minutes"].as_f64() >= g["median_minutes"].as_f64(),
        "{g}"
    );
}

#[tokio::test]
async fn coverage_questions_that_cannot_be_answered_say_which_field_and_why() {
    let Amsterdam { app, .. } = amsterdam().await;
    for (q, field) in [
        ("level=buurt", "gemeente"),
        ("gemeente=GM0363&minutes=90", "minutes"),
        ("gemeente=GM0363&profile=run", "profile"),
        ("gemeente=GM0363&category=steps", "category"),
        ("gemeente=GM0363&quality=cheap", "quality"),
        ("gemeente=GM0363&barriers=maybe", "barriers"),
        ("gemeente=GM0363&respondent=x", "respondent"),
        // Rotterdam has areas but no network.
        ("gemeente=GM0599", "gemeente"),
        // A gemeente without areas.
        ("gemeente=GM9999", "gemeente"),
    ] {
        let res = app.get(&format!("/api/v1/coverage?{q}")).await;
        assert_eq!(res.status(), 400, "{q}");
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["errors"][0]["field"], field, "{q}: {body}");
    }
    let res = app.get("/api/v1/coverage?gemeente=GM0599").await;
    let body = res.text().await.expect("text");
    assert!(body.contains("network"), "{body}");

    // The coverage page echoes no markup it was given, in a wrong question or a right one.
    for q in [
        "gemeente=%3Cscript%3Ealert(1)%3C/script%3E",
        "gemeente=GM0363&level=%3Cb%3Ex&category=%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E",
        "gemeente=GM0363&quality=%3Csvg%20onload=alert(1)%3E",
    ] {
        let page = app.get_text(&format!("/inzicht/bereik?{q}")).await;
        for raw in ["<script>alert", "<b>x", "<img src=x", "<svg onload"] {
            assert!(!page.contains(raw), "{q}: {raw} echoed");
        }
        assert!(page.contains("error-summary"), "{q}: the error is shown");
    }
}

/// One resident cannot cut an area off: barriers count only on k distinct residents (entries and
/// "ik ook"s together) or a moderator's confirmation.
#[tokio::test]
async fn one_resident_cannot_move_coverage_but_k_residents_or_a_moderator_can() {
    let Amsterdam { app, .. } = amsterdam().await;
    let q = "gemeente=GM0363&level=buurt&minutes=5";
    let plain = total_minutes(&grid(&app, &format!("{q}&barriers=ignore")).await);
    // The first buurthuis: a dangerous crossing reported where it stands.
    let g: Value = app
        .get_json("/api/v1/coverage/grid?gemeente=GM0363&category=community_centre")
        .await;
    let place = [
        g["places"][0][0].as_f64().expect("lon"),
        g["places"][0][1].as_f64().expect("lat"),
    ];
    let barrier = |respondent: &str| {
        json!({
            "id": super::helpers::new_id(), "respondent": respondent, "campaign": "default",
            "kind": "barrier", "category": "dangerous_crossing",
            "location": {"lon": place[0], "lat": place[1]},
            "details": {"severity": 3, "affects": ["everyone"]}, "language": "nl"
        })
    };
    let me_too = |id: String, respondent: String| {
        let app = &app;
        async move {
            app.client
                .post(app.url(&format!("/api/v1/submissions/{id}/me-too")))
                .json(&json!({"respondent": respondent}))
                .send()
                .await
                .expect("me too")
                .status()
        }
    };

    // One resident: six entries at the spot and "ik ook" on each of them.
    let alone = super::helpers::new_id();
    let mut first = String::new();
    for _ in 0..6 {
        let b = barrier(&alone);
        assert_eq!(app.post_json(&b).await.status(), 201);
        let id = b["id"].as_str().expect("id").to_string();
        let _ = me_too(id.clone(), alone.clone()).await;
        if first.is_empty() {
            first = id;
        }
    }
    let counted = total_minutes(&grid(&app, &format!("{q}&barriers=count")).await);
    assert_eq!(counted, plain, "one resident changed coverage");

    // Four more residents say "ik ook": five distinct residents, k = 5.
    for _ in 0..4 {
        assert_eq!(me_too(first.clone(), super::helpers::new_id()).await, 201);
    }
    let counted = total_minutes(&grid(&app, &format!("{q}&barriers=count")).await);
    assert!(
        counted > plain,
        "five residents' barrier did not count: {counted} vs {plain}"
    );
    // `ignore` still ignores it.
    assert_eq!(
        total_minutes(&grid(&app, &format!("{q}&barriers=ignore")).await),
        plain
    );

    // A moderator's confirmation makes one resident's barrier count, at the second buurthuis.
    let other = [
        g["places"][1][0].as_f64().expect("lon"),
        g["places"][1][1].as_f64().expect("lat"),
    ];
    let mut lone = barrier(&super::helpers::new_id());
    lone["location"] = json!({"lon": other[0], "lat": other[1]});
    assert_eq!(app.post_json(&lone).await.status(), 201);
    let before = total_minutes(&grid(&app, &format!("{q}&barriers=count")).await);
    assert_eq!(before, counted);
    add_staff_in(&app, "worker", "opbouw@amsterdam.nl", &["GM0363"]);
    let worker = session(&app, "opbouw@amsterdam.nl").await;
    let res = app
        .client
        .patch(app.url(&format!(
            "/api/v1/submissions/{}",
            lone["id"].as_str().expect("id")
        )))
        .header(COOKIE, &worker.cookie)
        .header("x-csrf-token", &worker.csrf)
        .json(&json!({"confirmed": true}))
        .send()
        .await
        .expect("patch");
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let confirmed = total_minutes(&grid(&app, &format!("{q}&barriers=count")).await);
    assert!(confirmed > before, "{confirmed} vs {before}");

    // Only a barrier can be confirmed.
    let mut place_entry =
        super::helpers::place(&super::helpers::new_id(), &super::helpers::new_id());
    place_entry["location"] = json!({"lon": other[0], "lat": other[1]});
    assert_eq!(app.post_json(&place_entry).await.status(), 201);
    let res = app
        .client
        .patch(app.url(&format!(
            "/api/v1/submissions/{}",
            place_entry["id"].as_str().expect("id")
        )))
        .header(COOKIE, &worker.cookie)
        .header("x-csrf-token", &worker.csrf)
        .json(&json!({"confirmed": true}))
        .send()
        .await
        .expect("patch");
    assert!(res.status().is_client_error(), "{}", res.status());
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["errors"][0]["field"], "confirmed", "{body}");
}
