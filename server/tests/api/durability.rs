//! Every acknowledged submission survives kill -9 of the server (WAL + synchronous=FULL).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::*;

/// Starts the real `trefpunt` binary and returns it with the address it reports.
fn start_binary(db_url: &str) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_trefpunt"))
        .arg("serve")
        .env("TREFPUNT_DATABASE_URL", db_url)
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("TREFPUNT_TILE_URL", "none")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start trefpunt");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("server printed its address")
            .expect("line");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.trim().to_string();
        }
    };
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

#[tokio::test]
async fn acknowledged_submissions_survive_kill_9() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db_url = format!("sqlite://{}/crash.db", dir.path().display());
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let client = reqwest::Client::new();
    let rounds = 3;

    for round in 0..rounds {
        let (mut child, addr) = start_binary(&db_url);
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let workers: Vec<_> = (0..8)
            .map(|_| {
                let (client, addr, acked, stop) = (
                    client.clone(),
                    addr.clone(),
                    acknowledged.clone(),
                    stop.clone(),
                );
                tokio::spawn(async move {
                    let respondent = new_id();
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let id = new_id();
                        let res = client
                            .post(format!("http://{addr}/api/v1/submissions"))
                            .json(&barrier(&id, &respondent))
                            .send()
                            .await;
                        match res {
                            Ok(r) if r.status().as_u16() == 201 => {
                                acked.lock().expect("lock").push(id)
                            }
                            _ => break, // the server is gone
                        }
                    }
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(400 + 150 * round)).await;
        child.kill().expect("kill -9"); // SIGKILL on Unix: no shutdown code runs
        child.wait().expect("reaped");
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for w in workers {
            let _ = w.await;
        }
    }

    let acked = acknowledged.lock().expect("lock").clone();
    assert!(
        acked.len() > 50,
        "the load ran (acknowledged {})",
        acked.len()
    );
    let store = server::store::Store::open(&db_url)
        .await
        .expect("reopen after crashes");
    store
        .integrity_check()
        .await
        .expect("integrity check passes");
    let stored = store.count_table("submissions").await.expect("count");
    store.close().await;

    let pool = sqlx::SqlitePool::connect(&db_url).await.expect("pool");
    let mut missing = 0;
    for id in &acked {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM submissions WHERE id = ?")
            .bind(id)
            .fetch_optional(&pool)
            .await
            .expect("query");
        missing += usize::from(found.is_none());
    }
    assert_eq!(missing, 0, "every acknowledged submission is stored");
    assert!(stored as usize >= acked.len());
}
