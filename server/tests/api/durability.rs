//! Crashes: the real binary is killed with SIGKILL at random moments under load and restarted, a
//! dozen times. Every submission that got a 2xx is stored, exactly once; a resend of one that got no
//! answer (as the kiosk's outbox does) is stored once too; the database passes its integrity check.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::*;

/// A random number below `n` (the moments of the kills).
fn random_below(n: u64) -> u64 {
    (uuid::Uuid::new_v4().as_u128() % u128::from(n)) as u64
}

#[tokio::test]
async fn acknowledged_submissions_survive_kill_9_exactly_once() {
    let db = TestDb::fresh().await;
    // Every id that got a 2xx, with how many times it was acknowledged (a resend is acknowledged
    // again with 200).
    let acknowledged = Arc::new(Mutex::new(HashSet::<String>::new()));
    // Per worker: the submission sent when the server died, sent again after the restart.
    let pending: Arc<Mutex<Vec<Option<serde_json::Value>>>> = Arc::new(Mutex::new(vec![None; 8]));
    let resent = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let client = client();
    let kills = 12;

    for round in 0..=kills {
        let (mut child, addr) = start_binary(&db.url, &[]);
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let workers: Vec<_> = (0..8)
            .map(|w| {
                let (client, addr, acked, stop, pending, resent) = (
                    client.clone(),
                    addr.clone(),
                    acknowledged.clone(),
                    stop.clone(),
                    pending.clone(),
                    resent.clone(),
                );
                tokio::spawn(async move {
                    let respondent = new_id();
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let waiting = pending.lock().expect("lock")[w].take();
                        let is_resend = waiting.is_some();
                        let body = waiting.unwrap_or_else(|| barrier(&new_id(), &respondent));
                        let id = body["id"].as_str().expect("id").to_string();
                        let res = client
                            .post(format!("http://{addr}/api/v1/submissions"))
                            .json(&body)
                            .send()
                            .await;
                        match res.map(|r| r.status().as_u16()) {
                            Ok(201) => {
                                assert!(acked.lock().expect("lock").insert(id), "a new id, once");
                            }
                            Ok(200) => {
                                // Only a resend of a stored entry is answered 200.
                                assert!(is_resend, "200 for a first send");
                                resent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                acked.lock().expect("lock").insert(id);
                            }
                            Ok(status) => panic!("unexpected {status}"),
                            Err(_) => {
                                // No answer: the server is gone. Keep it for the next round.
                                pending.lock().expect("lock")[w] = Some(body);
                                break;
                            }
                        }
                    }
                })
            })
            .collect();
        if round == kills {
            // The last round lets every pending resend through, then stops cleanly.
            tokio::time::sleep(Duration::from_millis(500)).await;
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            for w in workers {
                w.await.expect("worker");
            }
            child.kill().expect("stop");
            child.wait().expect("reaped");
            break;
        }
        // A random moment: sometimes during the first requests, sometimes well into the load.
        tokio::time::sleep(Duration::from_millis(50 + random_below(900))).await;
        child.kill().expect("kill -9"); // SIGKILL on Unix: no shutdown code runs
        child.wait().expect("reaped");
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for w in workers {
            w.await.expect("worker");
        }
    }

    let acked = acknowledged.lock().expect("lock").clone();
    assert!(
        acked.len() > 200,
        "the load ran (acknowledged {})",
        acked.len()
    );
    assert!(
        pending.lock().expect("lock").iter().all(Option::is_none),
        "every unanswered submission was sent again until answered"
    );
    let store = server::store::Store::open(&db.url)
        .await
        .expect("reopen after crashes");
    store
        .integrity_check()
        .await
        .expect("integrity check passes");
    let stored = store.count_table("submissions").await.expect("count");
    store.close().await;

    let pool = pool(&db.url).await;
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM submissions")
        .fetch_all(&pool)
        .await
        .expect("ids");
    let ids: HashSet<String> = ids.into_iter().collect();
    let missing = acked.difference(&ids).count();
    assert_eq!(missing, 0, "every acknowledged submission is stored");
    assert_eq!(
        stored as usize,
        acked.len(),
        "nothing stored twice or without an answer in the end"
    );
    eprintln!(
        "crash test: {kills} kills, {} acknowledged, {} answered again after a restart, 0 lost, 0 duplicated",
        acked.len(),
        resent.load(std::sync::atomic::Ordering::Relaxed)
    );
}
