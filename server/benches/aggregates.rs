//! Aggregate benchmark (issue 3): the dashboard's query with 1,000,000 stored submissions.
//!
//! Stores 1,000,000 submissions (clustered over the 11,691 national buurten of 2014, 24 months, three
//! sources, two campaigns, about 2.5 entries per respondent) in a fresh SQLite database, then times
//! what the dashboard asks through the same `Service` the API uses:
//! - one gemeente's buurten for one kind: cold (its table built from the rows) and warm (cached);
//! - the same after a new submission in that gemeente (its table rebuilt, the others untouched);
//! - every gemeente at once (the national view), cold and warm.
//!
//! Rows are bulk-inserted in one transaction; the write path is measured by issue 6's ingest bench.
//!
//!   cargo bench -p server --bench aggregates -- [--submissions N]

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::time::Instant;

use app::model::{InsightFilter, Kind, Period};
use server::domain::areas::AreaIndex;
use server::service::Service;
use server::store::Store;

mod common;

use common::{arg, index_areas, median, ms, national_buurten, stored_buurten, Clusters, Rng};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = arg("--submissions")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let report = national_buurten();
    let stored = stored_buurten(&report, |_| true);
    let areas = index_areas(&report);

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/bench.db", dir.path().display());
    let store = Store::open(&url).await.unwrap();
    let index = AreaIndex::new(areas);
    store
        .import_areas(0, &stored, &[], &[], |lon, lat| index.assign(lon, lat))
        .await
        .unwrap();

    // Clustered points, as in the areas benchmark.
    let t = Instant::now();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let shapes: Vec<_> = report.areas.iter().map(|a| &a.shape).collect();
    let clusters = Clusters::new(&shapes, &mut rng);
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query("INSERT INTO campaigns (id, status, created_at) VALUES ('zomer', 'open', '2025-06-01T00:00:00Z')")
        .execute(&pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let mut in_gm0505 = 0;
    for i in 0..n {
        let (lon, lat) = clusters.point(i, &mut rng);
        let codes = index.assign(lon, lat);
        in_gm0505 += usize::from(codes.gemeente.as_deref() == Some("GM0505"));
        let kind = Kind::ALL[(rng.next() % 3) as usize];
        let cats = kind.categories();
        let category = cats[(rng.next() % cats.len() as u64) as usize];
        let source = match rng.next() % 20 {
            0 => "paper",
            1..=3 => "event",
            _ => "web",
        };
        // What residents say beyond the category: a barrier's severity and one or two groups it
        // stops, a place's qualities (each about half the time), so narrowed figures have data.
        let details = match kind {
            Kind::Barrier => {
                let groups = app::model::BARRIER_AFFECTS;
                let a = groups[(rng.next() % groups.len() as u64) as usize];
                let b = groups[(rng.next() % groups.len() as u64) as usize];
                format!(
                    r#"{{"severity":{},"affects":["{a}","{b}"]}}"#,
                    1 + rng.next() % 3
                )
            }
            Kind::Place => {
                let q: Vec<String> = app::model::PLACE_QUALITIES
                    .iter()
                    .filter(|_| rng.next().is_multiple_of(2))
                    .map(|q| format!(r#""{q}""#))
                    .collect();
                format!(r#"{{"qualities":[{}]}}"#, q.join(","))
            }
            Kind::Wish => "{}".to_string(),
        };
        let month = rng.next() % 24;
        let created = format!("{}-{:02}-15T12:00:00Z", 2025 + month / 12, month % 12 + 1);
        sqlx::query(
            "INSERT INTO submissions (id, respondent, campaign, kind, category, lon, lat, details, answers, \
             language, source, gemeente, wijk, buurt, content_hash, wordless_hash, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', 'nl', ?, ?, ?, ?, '', 'bench', ?)",
        )
        .bind(format!("s{i}"))
        .bind(format!("r{}", i * 2 / 5))
        .bind(if i % 4 == 0 { "zomer" } else { "default" })
        .bind(kind.as_str())
        .bind(category)
        .bind(lon)
        .bind(lat)
        .bind(&details)
        .bind(source)
        .bind(&codes.gemeente)
        .bind(&codes.wijk)
        .bind(&codes.buurt)
        .bind(created)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO area_revisions (gemeente, revision) SELECT DISTINCT gemeente, 1 FROM submissions \
         WHERE gemeente IS NOT NULL ON CONFLICT (gemeente) DO NOTHING",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let seed = t.elapsed();
    pool.close().await;

    let svc = Service::new(
        store.clone(),
        &server::config::Settings {
            locatieserver_url: "http://127.0.0.1:9".to_string(),
            ..server::config::Settings::with_defaults("sqlite::memory:")
        },
    )
    .await
    .unwrap();
    let dordrecht = InsightFilter {
        level: "buurt".into(),
        kind: Some(Kind::Barrier),
        gemeente: Some("GM0505".into()),
        ..Default::default()
    };
    let national = InsightFilter {
        level: "gemeente".into(),
        ..Default::default()
    };

    let t = Instant::now();
    let figures = svc.aggregates(&dordrecht).await.unwrap();
    let cold_one = t.elapsed();
    let mut runs = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        svc.aggregates(&dordrecht).await.unwrap();
        runs.push(ms(t.elapsed()));
    }
    let warm_one = median(runs);
    let quarter = InsightFilter {
        period: Period::Quarter(2025, 3),
        ..dordrecht.clone()
    };
    let t = Instant::now();
    svc.aggregates(&quarter).await.unwrap();
    let warm_quarter = t.elapsed();

    // A new entry in Dordrecht: its table is stale and rebuilt on the next query.
    let input: app::model::SubmissionInput = serde_json::from_value(serde_json::json!({
        "id": uuid::Uuid::new_v4().to_string(), "respondent": uuid::Uuid::new_v4().to_string(),
        "kind": "barrier", "category": "steps", "location": {"lon": 4.6901, "lat": 51.8133},
        "details": {"severity": 2}, "language": "nl"
    }))
    .unwrap();
    svc.submit(input, &Default::default()).await.unwrap();
    let t = Instant::now();
    svc.aggregates(&dordrecht).await.unwrap();
    let after_write = t.elapsed();

    let t = Instant::now();
    let all = svc.aggregates(&national).await.unwrap();
    let cold_all = t.elapsed();
    let t = Instant::now();
    svc.aggregates(&national).await.unwrap();
    let warm_all = t.elapsed();
    let t = Instant::now();
    svc.overview(&dordrecht).await.unwrap();
    let overview = t.elapsed();
    // Narrowed by a detail: the first question builds the narrowed table, the next reads it.
    let wheelchair = InsightFilter {
        affects: Some("wheelchair_walker".into()),
        ..dordrecht.clone()
    };
    let t = Instant::now();
    svc.aggregates(&wheelchair).await.unwrap();
    let narrowed_cold = t.elapsed();
    let t = Instant::now();
    svc.aggregates(&wheelchair).await.unwrap();
    let narrowed_warm = t.elapsed();
    // The area profile: every group and severity (twelve narrowed tables) and the trend, cold and
    // then warm.
    let every = InsightFilter::default();
    let t = Instant::now();
    svc.profile("GM0505", &every).await.unwrap();
    let profile_cold = t.elapsed();
    let t = Instant::now();
    svc.profile("GM0505", &every).await.unwrap();
    let profile_warm = t.elapsed();

    let suppressed = figures.iter().filter(|f| f.suppressed).count();
    println!(
        "trefpunt aggregates benchmark: {n} stored submissions, {in_gm0505} in Dordrecht (GM0505)"
    );
    println!(
        "  seeding (bulk insert, not counted)           {:>9.1} s",
        seed.as_secs_f64()
    );
    println!(
        "  Dordrecht buurten x barrier, cold            {:>9.1} ms  (table built from its rows)",
        ms(cold_one)
    );
    println!(
        "  Dordrecht buurten x barrier, warm (median)   {warm_one:>9.2} ms  (target: under 50 ms)"
    );
    println!(
        "  the same for one quarter, warm               {:>9.2} ms",
        ms(warm_quarter)
    );
    println!(
        "  the same after a new entry in Dordrecht      {:>9.1} ms  (one table rebuilt)",
        ms(after_write)
    );
    println!(
        "  dashboard overview (areas, figures, trend)   {:>9.1} ms",
        ms(overview)
    );
    println!(
        "  barriers stopping wheelchair users, cold     {:>9.1} ms  (narrowed table built)",
        ms(narrowed_cold)
    );
    println!(
        "  the same, warm                               {:>9.2} ms",
        ms(narrowed_warm)
    );
    println!(
        "  Dordrecht's area profile, cold / warm        {:>9.1} ms / {:.1} ms  (12 narrowed tables)",
        ms(profile_cold),
        ms(profile_warm)
    );
    println!(
        "  every gemeente, cold ({} figures)         {:>9.1} ms",
        all.len(),
        ms(cold_all)
    );
    println!(
        "  every gemeente, warm                         {:>9.1} ms",
        ms(warm_all)
    );
    println!(
        "  Dordrecht figures: {} released, {} suppressed",
        figures.len() - suppressed,
        suppressed
    );
    println!(
        "RESULT warm_ms={warm_one:.3} cold_ms={:.3} after_write_ms={:.3} national_cold_ms={:.3} national_warm_ms={:.3}",
        ms(cold_one),
        ms(after_write),
        ms(cold_all),
        ms(warm_all)
    );
    store.close().await;
}
