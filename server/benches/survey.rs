//! Survey results benchmark (issue 18): one campaign's results with thousands of respondents.
//!
//! Stores N respondents (default 5,000) of one campaign in Dordrecht's 2014 buurten (../shared/data),
//! each with one to three entries and answers to a survey of twelve questions (single and multiple
//! choice, scales, numbers, a text, and the demographic ones), then times what the results page asks
//! through the same `Service` the API uses: the whole campaign, the list of buurten, one buurt. Survey
//! results are not cached (every read cuts each cell in steps of k again), so every read is cold.
//! The peer, measured in the same run: reading the campaign's rows alone (answers and where their
//! residents took part), the least any computation of them must do.
//!
//!   cargo bench -p server --bench survey -- [--respondents N]

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::time::Instant;

use serde_json::json;
use server::service::Service;
use server::store::Store;

mod common;

use common::{arg, median, ms, national_buurten, stored_buurten, Rng};

/// The median of `runs` timings of `f`.
async fn median_ms<F, Fut>(runs: usize, mut f: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut xs = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        f().await;
        xs.push(ms(t.elapsed()));
    }
    median(xs)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = arg("--respondents")
        .and_then(|s| s.parse().ok())
        .unwrap_or(5_000);
    let report = national_buurten();
    let buurten = stored_buurten(&report, |code| code.starts_with("BU0505"));
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/bench.db", dir.path().display());
    let store = Store::open(&url).await.unwrap();
    store
        .import_areas(0, &buurten, &[], &[], |_, _| Default::default())
        .await
        .unwrap();

    let t = Instant::now();
    let options = |ids: &[&str]| -> Vec<serde_json::Value> {
        ids.iter()
            .map(|o| json!({"id": o, "text": {"nl": o}}))
            .collect()
    };
    let single = |id: &str, ids: &[&str]| json!({"id": id, "type": "single", "text": {"nl": id}, "options": options(ids)});
    let multiple = |id: &str, ids: &[&str]| json!({"id": id, "type": "multiple", "text": {"nl": id}, "options": options(ids)});
    let config = json!({
        "id": "bench", "title": {"nl": "Bench"}, "kinds": ["place", "barrier", "wish"],
        "gemeenten": ["GM0505"], "demographics": true,
        "questions": [
            single("vaak", &["dagelijks", "wekelijks", "maandelijks", "zelden"]),
            single("vervoer", &["lopen", "fiets", "bus", "auto"]),
            single("buren", &["ja", "soms", "nee"]),
            single("veilig", &["ja", "nee"]),
            multiple("mis", &["bankjes", "groen", "activiteiten", "licht", "toilet"]),
            multiple("doe", &["sport", "koken", "muziek", "tuin"]),
            multiple("wie", &["kinderen", "ouderen", "buren"]),
            {"id": "tevreden", "type": "scale", "text": {"nl": "tevreden"}},
            {"id": "thuis", "type": "scale", "text": {"nl": "thuis"}},
            {"id": "jaren", "type": "number", "text": {"nl": "jaren"}, "min": 0, "max": 80},
            {"id": "kinderen_n", "type": "number", "text": {"nl": "kinderen"}, "min": 0, "max": 6},
            {"id": "idee", "type": "text", "text": {"nl": "idee"}}
        ]
    });
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query("INSERT INTO campaigns (id, status, config, created_at) VALUES ('bench', 'open', ?, '2026-01-01T00:00:00Z')")
        .bind(config.to_string())
        .execute(&pool)
        .await
        .unwrap();
    let mut rng = Rng(0x5EED_0018);
    let mut pick = |xs: &[&'static str]| xs[(rng.next() % xs.len() as u64) as usize];
    let codes: Vec<&str> = buurten.iter().map(|b| b.code.as_str()).collect();
    let mut tx = pool.begin().await.unwrap();
    let mut entries = 0usize;
    for i in 0..n {
        let respondent = format!("r{i}");
        let day = format!(
            "2026-{:02}-{:02}T{:02}:00:00.000Z",
            1 + i % 12,
            1 + i % 28,
            i % 24
        );
        for e in 0..=(i % 3) {
            let buurt = codes[(i * 7 + e * 13) % codes.len()];
            sqlx::query(
                "INSERT INTO submissions (id, respondent, campaign, kind, category, lon, lat, details, answers, \
                 language, source, gemeente, wijk, buurt, content_hash, wordless_hash, created_at) \
                 VALUES (?, ?, 'bench', 'wish', 'meeting_place', 4.67, 51.81, '{}', '{}', 'nl', 'web', ?, ?, ?, '', 'bench', ?)",
            )
            .bind(format!("s{i}-{e}"))
            .bind(&respondent)
            .bind(format!("GM{}", &buurt[2..6]))
            .bind(format!("WK{}", &buurt[2..8]))
            .bind(buurt)
            .bind(&day)
            .execute(&mut *tx)
            .await
            .unwrap();
            entries += 1;
        }
        let answers = json!({
            "vaak": pick(&["dagelijks", "wekelijks", "maandelijks", "zelden"]),
            "vervoer": pick(&["lopen", "fiets", "bus", "auto"]),
            "buren": pick(&["ja", "soms", "nee"]),
            "veilig": pick(&["ja", "nee"]),
            "mis": [pick(&["bankjes", "groen"]), pick(&["activiteiten", "licht", "toilet"])],
            "doe": [pick(&["sport", "koken", "muziek", "tuin"])],
            "wie": [pick(&["kinderen", "ouderen", "buren"])],
            "tevreden": 1 + i % 5, "thuis": 1 + (i * 3) % 5,
            "jaren": (i * 11) % 81, "kinderen_n": i % 7,
            "idee": "Een bankje bij de school",
            "age_band": pick(&["15_24", "25_44", "45_64", "65_plus"]),
            "years_here": pick(&["lt_1", "1_5", "5_10", "10_plus"]),
            "home_language": pick(&["nl", "tr", "ar", "pl", "other"])
        });
        sqlx::query(
            "INSERT INTO survey_responses (campaign, respondent, answers, language, created_at) \
             VALUES ('bench', ?, ?, 'nl', ?)",
        )
        .bind(&respondent)
        .bind(answers.to_string())
        .bind(&day)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
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
    let buurt = codes[0].to_string();
    let runs = 9;
    let rows = median_ms(runs, || async {
        store.survey_answers("bench").await.unwrap();
        store.survey_places("bench").await.unwrap();
    })
    .await;
    let whole = median_ms(runs, || async {
        svc.survey_results("bench", None, None, "nl", None)
            .await
            .unwrap()
            .unwrap();
    })
    .await;
    let listed = median_ms(runs, || async {
        svc.survey_results("bench", Some("buurt"), None, "nl", None)
            .await
            .unwrap()
            .unwrap();
    })
    .await;
    let one = median_ms(runs, || async {
        svc.survey_results("bench", Some("buurt"), Some(&buurt), "nl", None)
            .await
            .unwrap()
            .unwrap();
    })
    .await;
    let r = svc
        .survey_results("bench", Some("buurt"), None, "nl", None)
        .await
        .unwrap()
        .unwrap();
    let released = r.areas.iter().filter(|a| a.respondents.is_some()).count();

    println!(
        "trefpunt survey results benchmark: {n} respondents, {entries} entries, {} buurten of Dordrecht, 15 questions",
        codes.len()
    );
    println!(
        "  seeding (bulk insert, not counted)            {:>8.1} s",
        seed.as_secs_f64()
    );
    println!("  peer: reading the campaign's rows (median)    {rows:>8.1} ms");
    println!(
        "  the whole campaign (median)                   {whole:>8.1} ms  ({:.1}x the rows)",
        whole / rows
    );
    println!(
        "  the whole campaign, with its buurten listed   {listed:>8.1} ms  ({:.1}x; {released} of {} buurten released)",
        listed / rows,
        r.areas.len()
    );
    println!(
        "  one buurt                                     {one:>8.1} ms  ({:.1}x)",
        one / rows
    );
    println!(
        "RESULT rows_ms={rows:.3} whole_ms={whole:.3} listed_ms={listed:.3} buurt_ms={one:.3}"
    );
    store.close().await;
}
