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
            server::pdok::locatieserver::Locatieserver::new(&locatieserver),
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
