//! Areas: `trefpunt import-areas` with real CBS files, assignment at write time, re-assignment of
//! stored submissions, and `GET /api/v1/areas`.

use std::process::Command;

use geo::InteriorPoint;
use serde_json::{json, Value};
use server::domain::areas::Level;
use server::import::boundaries::{read, Fields};

use crate::helpers::*;

fn import(db_url: &str, file: &str, level: &str) -> std::process::Output {
    let path = shared_data().join("boundaries").join(file);
    trefpunt(
        db_url,
        &[
            "import-areas",
            &path.display().to_string(),
            "--level",
            level,
            "--year",
            "2023",
        ],
    )
}

#[tokio::test]
async fn imported_areas_are_assigned_at_write_time_and_to_what_was_stored_before() {
    let pdok = spawn_pdok_standin().await;
    let locatieserver = format!("http://{pdok}/bzk/locatieserver/search/v3_1");
    let db = TestDb::fresh().await;
    let db_url = db.url.clone();

    // A real Dordrecht buurt and a point inside it.
    let file = std::fs::read(shared_data().join("boundaries/drechtsteden_buurten_2023.geojson"))
        .expect("file");
    let buurten = read(&file, Level::Buurt, &Fields::default())
        .expect("reads")
        .areas;
    let buurt = buurten
        .iter()
        .find(|a| a.code.starts_with("BU0505"))
        .expect("Dordrecht");
    let p = buurt.shape.interior_point().expect("interior point");
    let mut body = barrier(&new_id(), &new_id());
    body["location"] = json!({"lon": p.x(), "lat": p.y()});

    // Stored before any areas exist: outside.
    let before_id = body["id"].as_str().expect("id").to_string();
    let first = {
        let store = server::store::Store::open(&db_url).await.expect("open");
        let svc = server::service::Service::new(
            store.clone(),
            &server::config::Settings {
                locatieserver_url: locatieserver.clone(),
                photo_dir: db.dir.path().join("photos"),
                ..server::config::Settings::with_defaults(&db.url)
            },
        )
        .await
        .expect("service");
        let input = serde_json::from_value(body.clone()).expect("input");
        let out = svc
            .submit(input, &Default::default())
            .await
            .expect("stored");
        store.close().await;
        out
    };
    assert!(
        matches!(first, app::api::SubmitOutcome::Created(ref r) if r.areas.buurt.is_none()),
        "{first:?}"
    );

    let out = import(&db_url, "drechtsteden_buurten_2023.geojson", "buurt");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("buurt areas from"), "{report}");
    assert!(
        report.contains("1 stored submissions re-assigned"),
        "{report}"
    );
    let out = import(&db_url, "drechtsteden_wijken_2023_derived.geojson", "wijk");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let app = spawn_app_on(db, locatieserver).await;
    // The earlier entry now counts in its buurt.
    let pool = app.pool().await;
    let (b, w): (Option<String>, Option<String>) =
        sqlx::query_as(&app.sql("SELECT buurt, wijk FROM submissions WHERE id = ?"))
            .bind(&before_id)
            .fetch_one(&pool)
            .await
            .expect("row");
    assert_eq!(b.as_deref(), Some(buurt.code.as_str()));
    assert_eq!(
        w.as_deref().map(|w| &w[2..8]),
        Some(&buurt.code[2..8]),
        "the wijk code matches the buurt's"
    );
    let revision: i64 =
        sqlx::query_scalar("SELECT revision FROM area_revisions WHERE gemeente = 'GM0505'")
            .fetch_one(&pool)
            .await
            .expect("the re-assigned entry's gemeente has a revision");
    assert!(revision >= 1);

    // New entries get their codes when they are written.
    let mut next = barrier(&new_id(), &new_id());
    next["location"] = json!({"lon": p.x(), "lat": p.y()});
    let res = app.post_json(&next).await;
    assert_eq!(res.status(), 201);
    let receipt: Value = res.json().await.expect("json");
    assert_eq!(receipt["areas"]["buurt"], buurt.code.as_str());
    assert!(receipt["areas"]["wijk"]
        .as_str()
        .is_some_and(|w| w.starts_with("WK0505")));
    assert_eq!(
        receipt["areas"]["gemeente"], "GM0505",
        "no gemeente boundaries imported: the buurt's CBS code gives the gemeente"
    );

    // And outside every area stays outside.
    let mut far = barrier(&new_id(), &new_id());
    far["location"] = json!({"lon": 6.5, "lat": 53.2});
    let receipt: Value = app.post_json(&far).await.json().await.expect("json");
    assert_eq!(
        receipt["areas"],
        json!({"gemeente": null, "wijk": null, "buurt": null})
    );

    let fc: Value = app.get_json("/api/v1/areas?level=buurt").await;
    let features = fc["features"].as_array().expect("features");
    assert_eq!(features.len(), buurten.len());
    let f = features
        .iter()
        .find(|f| f["properties"]["code"] == buurt.code.as_str())
        .expect("our buurt");
    assert_eq!(f["properties"]["year"], 2023);
    assert_eq!(f["geometry"]["type"], "MultiPolygon");
    assert_eq!(app.get("/api/v1/areas?level=land").await.status(), 400);
}

#[tokio::test]
async fn a_bad_file_fails_with_the_feature_and_changes_nothing() {
    let db = TestDb::fresh().await;
    let db_url = db.url.clone();
    let bad = db.dir.path().join("bad.geojson");
    std::fs::write(&bad, r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"buurtcode":"BU00010001"},"geometry":{"type":"Polygon","coordinates":[[[4,51],[4.1,51],[4.1,51.1],[4,51]]]}},
        {"type":"Feature","properties":{"naam":"zonder code"},"geometry":{"type":"Polygon","coordinates":[[[4,51],[4.1,51],[4.1,51.1],[4,51]]]}}]}"#).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_trefpunt"))
        .args([
            "import-areas",
            &bad.display().to_string(),
            "--level",
            "buurt",
        ])
        .env("TREFPUNT_DATABASE_URL", &db_url)
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.geojson") && err.contains("feature 1") && err.contains("naam"),
        "{err}"
    );
    let store = server::store::Store::open(&db_url).await.expect("open");
    assert!(
        store.areas().await.expect("areas").is_empty(),
        "nothing was imported"
    );
}

#[tokio::test]
async fn key_figures_are_imported_per_code_and_shown_with_the_areas() {
    let db = TestDb::fresh().await;
    let db_url = db.url.clone();
    assert!(
        import(&db_url, "drechtsteden_buurten_2023.geojson", "buurt")
            .status
            .success()
    );
    let run = |file: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_trefpunt"))
            .args(["import-population", &file.display().to_string()])
            .env("TREFPUNT_DATABASE_URL", &db_url)
            .output()
            .expect("run import-population")
    };
    // A broken table: the line is named and nothing is stored.
    let bad = db.dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "buurtcode,aantalInwoners\nBU05050101,12\nBU05050102,veel\n",
    )
    .expect("write");
    let out = run(&bad);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv") && err.contains("line 3") && err.contains("aantalInwoners"),
        "{err}"
    );

    let pool = pool(&db_url).await;
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM population")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(
        stored, 0,
        "the broken file stored nothing, not even its good first line"
    );

    let out = run(&shared_data().join("population/drechtsteden_buurten_2023_kwb.csv"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("key figures of 358 areas"));

    let (total, bands): (i64, i64) = sqlx::query_as(
        "SELECT inhabitants, age_0_14 + age_15_24 + age_25_44 + age_45_64 + age_65_plus FROM population \
         WHERE inhabitants > 1000 AND age_0_14 IS NOT NULL ORDER BY code LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .expect("a buurt with bands");
    assert!(
        (bands - total).abs() <= total / 20 + 5,
        "{bands} vs {total}"
    );
}

// Multi-threaded: the CLI runs as a blocking child process while the in-process stand-in answers it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_municipality_is_imported_from_pdok_page_by_page() {
    let ogc = spawn_ogc_standin().await;
    let db = TestDb::fresh().await;
    let db_url = db.url.clone();
    let run = |base: String| {
        Command::new(env!("CARGO_BIN_EXE_trefpunt"))
            .args(["import-areas", "--pdok", "GM0505"])
            .env("TREFPUNT_DATABASE_URL", &db_url)
            .env("TREFPUNT_PDOK_WIJKENBUURTEN_URL", base)
            .output()
            .expect("run import-areas --pdok")
    };
    // PDOK down: a clear error and nothing stored.
    let out = run("http://127.0.0.1:9/cbs/wijken-en-buurten-{year}/ogc/v1".into());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("PDOK is unreachable"));

    let out = run(format!(
        "http://{ogc}/cbs/wijken-en-buurten-{{year}}/ogc/v1"
    ));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let file = std::fs::read(shared_data().join("boundaries/drechtsteden_buurten_2023.geojson"))
        .expect("file");
    let dordrecht = read(&file, Level::Buurt, &Fields::default())
        .expect("reads")
        .areas
        .into_iter()
        .filter(|a| a.code.starts_with("BU0505"))
        .count();
    let pool = pool(&db_url).await;
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT level, count(*), min(year) FROM areas GROUP BY level ORDER BY level",
    )
    .fetch_all(&pool)
    .await
    .expect("areas");
    let buurten = rows.iter().find(|r| r.0 == "buurt").expect("buurten");
    assert_eq!(
        buurten.1 as usize, dordrecht,
        "every Dordrecht buurt, from four pages, and no other"
    );
    assert_eq!(buurten.2, 2024, "the default CBS year");
    assert!(rows.iter().any(|r| r.0 == "wijk" && r.1 > 5));
    let others: i64 = sqlx::query_scalar("SELECT count(*) FROM areas WHERE code NOT LIKE '%0505%'")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(others, 0);
}

/// The Drechtsteden buurten as a municipality keeps them: its own code in `code` (`AA01`), the CBS
/// code in `cbsCode`, the name in `naam`, no wijk or gemeente code; the gemeente's name kept.
fn municipal_file(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read(shared_data().join("boundaries/drechtsteden_buurten_2023.geojson"))
        .expect("file");
    let mut doc: Value = serde_json::from_slice(&text).expect("json");
    for (i, f) in doc["features"]
        .as_array_mut()
        .expect("features")
        .iter_mut()
        .enumerate()
    {
        let p = f["properties"].as_object().expect("properties").clone();
        let letters = [b'A' + (i / 26 % 26) as u8, b'A' + (i % 26) as u8];
        f["properties"] = json!({
            "code": format!("{}{:02}", String::from_utf8_lossy(&letters), i % 100),
            "cbsCode": p["buurtcode"],
            "naam": p["buurtnaam"],
            "gemeentenaam": p["gemeentenaam"],
            "aantalInwoners": p["aantalInwoners"],
        });
    }
    let path = dir.join("buurten_eigen_codes.geojson");
    std::fs::write(&path, serde_json::to_vec(&doc).expect("json")).expect("write");
    path
}

/// A point inside each of `n` buurten of a wijk of Dordrecht and one buurt of Zwijndrecht (GM0642),
/// with their CBS codes.
fn spots() -> Vec<(String, f64, f64)> {
    let file = std::fs::read(shared_data().join("boundaries/drechtsteden_buurten_2023.geojson"))
        .expect("file");
    let buurten = read(&file, Level::Buurt, &Fields::default())
        .expect("reads")
        .areas;
    let index = server::domain::areas::AreaIndex::new(
        buurten
            .iter()
            .map(|a| server::domain::areas::Area {
                code: a.code.clone(),
                level: Level::Buurt,
                shape: a.shape.clone(),
            })
            .collect(),
    );
    let mut out: Vec<(String, f64, f64)> = Vec::new();
    for prefix in ["BU050501", "BU050501", "BU050501", "BU0642"] {
        let b = buurten
            .iter()
            .filter(|b| b.code.starts_with(prefix) && !out.iter().any(|o| o.0 == b.code))
            .find_map(|b| {
                let p = b.shape.interior_point()?;
                // A point the index puts in this buurt (not on a shared edge).
                (index.assign(p.x(), p.y()).buurt.as_deref() == Some(b.code.as_str()))
                    .then(|| (b.code.clone(), p.x(), p.y()))
            })
            .expect("a buurt");
        out.push(b);
    }
    out
}

/// Figures without a kind or category (every entry), by area code.
async fn headline(app: &TestApp, query: &str) -> std::collections::HashMap<String, Value> {
    let figures: Vec<Value> = app.get_json(&format!("/api/v1/aggregates?{query}")).await;
    figures
        .into_iter()
        .filter(|f| f["kind"].is_null() && f["category"].is_null())
        .map(|f| (f["area_code"].as_str().expect("code").to_string(), f))
        .collect()
}

// Multi-threaded: the import runs as a child process while entries keep arriving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_municipal_file_and_entries_around_its_import_all_count_in_buurt_wijk_and_gemeente() {
    let pdok = spawn_pdok_standin().await;
    let db = TestDb::fresh().await;
    let db_url = db.url.clone();
    let file = municipal_file(db.dir.path());
    let app = spawn_app_on(db, format!("http://{pdok}/bzk/locatieserver/search/v3_1")).await;
    let spots = spots();
    let mut posted: Vec<(String, usize)> = Vec::new();
    let post = |n: usize| {
        let at = &spots[n % spots.len()];
        let mut b = barrier(&new_id(), &new_id());
        b["location"] = json!({"lon": at.1, "lat": at.2});
        let id = b["id"].as_str().expect("id").to_string();
        let app = &app;
        async move {
            let res = app.post_json(&b).await;
            assert_eq!(res.status(), 201);
            let receipt: Value = res.json().await.expect("json");
            (id, receipt)
        }
    };

    // Before: no areas yet.
    for n in 0..8 {
        let (id, receipt) = post(n).await;
        assert!(receipt["areas"]["buurt"].is_null());
        posted.push((id, n));
    }
    // During: the import runs as its own process, as an operator runs it.
    let mut import = std::process::Command::new(env!("CARGO_BIN_EXE_trefpunt"))
        .args([
            "import-areas",
            &file.display().to_string(),
            "--level",
            "buurt",
            "--year",
            "2023",
        ])
        .env("TREFPUNT_DATABASE_URL", &db_url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start import-areas");
    let mut n = posted.len();
    while import.try_wait().expect("import").is_none() {
        let (id, _) = post(n).await;
        posted.push((id, n));
        n += 1;
    }
    let out = import.wait_with_output().expect("import");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("codes     CBS buurt codes from field cbsCode")
            && report.contains("named     GM0505 Dordrecht")
            && report.contains("read      358 buurt areas"),
        "{report}"
    );
    // After: until the server has reloaded its index (it looks every 10 s), its entries get no
    // buurt; then they do.
    let mut in_the_window = 0;
    loop {
        let (id, receipt) = post(n).await;
        posted.push((id, n));
        n += 1;
        if receipt["areas"]["buurt"].is_null() {
            in_the_window += 1;
            continue;
        }
        let at = &spots[(n - 1) % spots.len()];
        assert_eq!(receipt["areas"]["buurt"], at.0.as_str());
        assert_eq!(receipt["areas"]["wijk"], format!("WK{}", &at.0[2..8]));
        assert_eq!(receipt["areas"]["gemeente"], format!("GM{}", &at.0[2..6]));
        break;
    }
    for _ in 0..4 {
        let (id, _) = post(n).await;
        posted.push((id, n));
        n += 1;
    }
    assert!(
        in_the_window > 0,
        "entries arrived between the import and the reload"
    );

    // Every entry, whenever it came, ends up in its buurt, wijk and gemeente: the server re-assigns
    // what it stored by its old index right after it loaded the new one (give it a moment, then
    // check every entry).
    let pool = app.pool().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        let outside: i64 =
            sqlx::query_scalar("SELECT count(*) FROM submissions WHERE buurt IS NULL")
                .fetch_one(&pool)
                .await
                .expect("count");
        if outside == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let expected = |n: usize| {
        let code = &spots[n % spots.len()].0;
        (
            Some(format!("GM{}", &code[2..6])),
            Some(format!("WK{}", &code[2..8])),
            Some(code.clone()),
        )
    };
    for (id, n) in &posted {
        let stored: (Option<String>, Option<String>, Option<String>) =
            sqlx::query_as(&app.sql("SELECT gemeente, wijk, buurt FROM submissions WHERE id = ?"))
                .bind(id)
                .fetch_one(&pool)
                .await
                .expect("row");
        assert_eq!(stored, expected(*n), "entry {n} of {}", posted.len());
    }
    let per = |f: &dyn Fn(&str) -> String| {
        let mut counts = std::collections::BTreeMap::<String, i64>::new();
        for (_, n) in &posted {
            *counts.entry(f(&spots[n % spots.len()].0)).or_default() += 1;
        }
        counts
    };
    for (level, of) in [
        (
            "buurt",
            &(|c: &str| c.to_string()) as &dyn Fn(&str) -> String,
        ),
        ("wijk", &|c: &str| format!("WK{}", &c[2..8])),
        ("gemeente", &|c: &str| format!("GM{}", &c[2..6])),
    ] {
        for (code, count) in per(of) {
            let figures =
                headline(&app, &format!("level={level}&gemeente=GM{}", &code[2..6])).await;
            let f = figures
                .get(&code)
                .unwrap_or_else(|| panic!("{code}: {figures:?}"));
            assert_eq!(f["count"], count, "{level} {code}: {f}");
        }
    }

    // The dashboard names the gemeenten (from the buurt file's `gemeentenaam`) and lists the wijken
    // the buurten imply.
    let html = app.get_text("/inzicht?level=gemeente").await;
    assert!(
        html.contains("Dordrecht") && html.contains("Zwijndrecht"),
        "gemeenten named"
    );
    let wijk = format!("WK{}", &spots[0].0[2..8]);
    let html = app.get_text("/inzicht?level=wijk&gemeente=GM0505").await;
    assert!(html.contains(&wijk), "the implied wijk is listed");
    assert_eq!(
        app.get(&format!("/inzicht/gebied/{wijk}")).await.status(),
        200,
        "the implied wijk has a profile"
    );
    // And the map draws the wijken and gemeenten, dissolved from the buurten.
    let wijken: Value = app.get_json("/api/v1/areas?level=wijk").await;
    assert_eq!(wijken["features"].as_array().expect("features").len(), 51);
    let gemeenten: Value = app.get_json("/api/v1/areas?level=gemeente").await;
    let dordrecht = gemeenten["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["properties"]["code"] == "GM0505")
        .expect("Dordrecht drawn");
    assert_eq!(dordrecht["properties"]["name"], "Dordrecht");
    assert_eq!(dordrecht["geometry"]["type"], "MultiPolygon");
    assert!(
        dordrecht["properties"]["population"]
            .as_i64()
            .is_some_and(|p| p > 100_000),
        "{}",
        dordrecht["properties"]
    );
}

#[tokio::test]
async fn a_municipal_file_without_cbs_codes_is_refused_or_imported_with_a_warning() {
    let db = TestDb::fresh().await;
    server::store::Store::open(&db.url)
        .await
        .expect("an empty database")
        .close()
        .await;
    let file = municipal_file(db.dir.path());
    // The same file without its CBS codes.
    let mut doc: Value =
        serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("json");
    for f in doc["features"].as_array_mut().expect("features") {
        f["properties"]
            .as_object_mut()
            .expect("properties")
            .remove("cbsCode");
    }
    let own = db.dir.path().join("alleen_eigen_codes.geojson");
    std::fs::write(&own, serde_json::to_vec(&doc).expect("json")).expect("write");
    let own = own.display().to_string();
    let out = trefpunt(&db.url, &["import-areas", &own, "--level", "buurt"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("alleen_eigen_codes.geojson")
            && err.contains("no field holds CBS buurt codes")
            && err.contains("--code-field code"),
        "{err}"
    );
    let pool = pool(&db.url).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM areas")
            .fetch_one(&pool)
            .await
            .expect("count")
    };
    assert_eq!(count().await, 0, "refused: nothing stored");

    // Insisting on the own codes imports them, loudly.
    let out = trefpunt(
        &db.url,
        &[
            "import-areas",
            &own,
            "--level",
            "buurt",
            "--code-field",
            "code",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("WARNING") && err.contains("name no wijk or gemeente"),
        "{err}"
    );
    assert_eq!(count().await, 358);

    // With the CBS codes present, --code-field code says which field holds them.
    let out = trefpunt(
        &db.url,
        &[
            "import-areas",
            &file.display().to_string(),
            "--level",
            "buurt",
            "--code-field",
            "code",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cbsCode do hold CBS codes"), "{err}");
}

#[tokio::test]
async fn the_national_2014_file_as_it_is_gives_buurt_wijk_and_gemeente_figures() {
    let pdok = spawn_pdok_standin().await;
    let db = TestDb::fresh().await;
    let out = import(&db.url, "nl_buurten_2014_coarse.topojson", "buurt");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("codes     CBS buurt codes from field statcode"),
        "{report}"
    );
    let app = spawn_app_on(db, format!("http://{pdok}/bzk/locatieserver/search/v3_1")).await;
    // The Dam, Amsterdam, five times.
    let mut codes = Vec::new();
    for _ in 0..5 {
        let mut b = barrier(&new_id(), &new_id());
        b["location"] = json!({"lon": 4.8930, "lat": 52.3731});
        let res = app.post_json(&b).await;
        assert_eq!(res.status(), 201);
        let receipt: Value = res.json().await.expect("json");
        codes.push(receipt["areas"].clone());
    }
    let buurt = codes[0]["buurt"].as_str().expect("a buurt").to_string();
    assert!(buurt.starts_with("BU0363"), "{buurt}");
    assert_eq!(codes[0]["wijk"], format!("WK{}", &buurt[2..8]));
    assert_eq!(codes[0]["gemeente"], "GM0363");
    for (level, code) in [
        ("buurt", buurt.clone()),
        ("wijk", format!("WK{}", &buurt[2..8])),
        ("gemeente", "GM0363".to_string()),
    ] {
        let figures = headline(&app, &format!("level={level}&gemeente=GM0363")).await;
        assert_eq!(
            figures[&code]["count"],
            5,
            "{level}: {:?}",
            figures.get(&code)
        );
    }
}

/// The reload window without timing: a service still holding the index from before an import
/// stores entries by it; its next round re-assigns them and marks their gemeente's figures changed.
#[tokio::test]
async fn entries_stored_by_a_replaced_index_are_reassigned_in_the_next_round() {
    let db = TestDb::fresh().await;
    let store = server::store::Store::open(&db.url).await.expect("open");
    let svc = server::service::Service::new(
        store.clone(),
        &server::config::Settings {
            locatieserver_url: "http://127.0.0.1:9".to_string(),
            photo_dir: db.dir.path().join("photos"),
            ..server::config::Settings::with_defaults(&db.url)
        },
    )
    .await
    .expect("service");
    let out = import(&db.url, "drechtsteden_buurten_2023.geojson", "buurt");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let spot = &spots()[0];
    let mut ids = Vec::new();
    for _ in 0..3 {
        let mut b = barrier(&new_id(), &new_id());
        b["location"] = json!({"lon": spot.1, "lat": spot.2});
        ids.push(b["id"].as_str().expect("id").to_string());
        let input = serde_json::from_value(b).expect("input");
        let out = svc
            .submit(input, &Default::default())
            .await
            .expect("stored");
        assert!(
            matches!(out, app::api::SubmitOutcome::Created(ref r) if r.areas.buurt.is_none()),
            "the old index: {out:?}"
        );
    }
    let pool = pool(&db.url).await;
    let revision = || async {
        sqlx::query_scalar::<_, i64>(&sql(
            &db.url,
            "SELECT coalesce(max(revision), 0) FROM area_revisions WHERE gemeente = 'GM0505'",
        ))
        .fetch_one(&pool)
        .await
        .expect("revision")
    };
    let before = revision().await;
    svc.refresh_areas().await.expect("a round");
    for id in &ids {
        let buurt: Option<String> =
            sqlx::query_scalar(&sql(&db.url, "SELECT buurt FROM submissions WHERE id = ?"))
                .bind(id)
                .fetch_one(&pool)
                .await
                .expect("row");
        assert_eq!(buurt.as_deref(), Some(spot.0.as_str()));
    }
    assert!(
        revision().await > before,
        "the gemeente's figures are marked changed"
    );
    // New entries get the new areas at once, and a second round finds nothing to do.
    let mut b = barrier(&new_id(), &new_id());
    b["location"] = json!({"lon": spot.1, "lat": spot.2});
    let out = svc
        .submit(
            serde_json::from_value(b).expect("input"),
            &Default::default(),
        )
        .await
        .expect("stored");
    assert!(
        matches!(out, app::api::SubmitOutcome::Created(ref r) if r.areas.buurt.as_deref() == Some(spot.0.as_str())),
        "{out:?}"
    );
    let settled = revision().await;
    svc.refresh_areas().await.expect("a round");
    assert_eq!(revision().await, settled, "nothing stale, nothing marked");
    store.close().await;
}

/// Two imports that read the areas at the same generation: the second to commit would mark every
/// entry as assigned by areas it never saw, so it is refused and stores nothing.
#[tokio::test]
async fn an_import_that_another_overtook_is_refused() {
    let db = TestDb::fresh().await;
    let store = server::store::Store::open(&db.url).await.expect("open");
    let read_at = store.area_generation().await.expect("generation");
    let out = import(&db.url, "drechtsteden_wijken_2023_derived.geojson", "wijk");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let late = store
        .import_areas(read_at, &[], &[], &[], |_, _| Default::default())
        .await
        .expect_err("overtaken");
    assert!(late.to_string().contains("run this import again"), "{late}");
    assert_eq!(
        store.area_generation().await.expect("generation"),
        read_at + 1
    );
    let implied: i64 = sqlx::query_scalar("SELECT count(*) FROM implied_areas")
        .fetch_one(&pool(&db.url).await)
        .await
        .expect("count");
    assert_eq!(implied, 7, "the first import's gemeenten stand");
    store.close().await;
}
