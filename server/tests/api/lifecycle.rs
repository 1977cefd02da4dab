//! Starting and stopping: health and readiness, and SIGTERM letting in-flight requests finish.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;

fn sigterm(child: &std::process::Child) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(status.success());
}

/// Waits at most `limit` for the process to exit.
async fn exited_within(
    child: &mut std::process::Child,
    limit: Duration,
) -> Option<std::process::ExitStatus> {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

#[tokio::test]
async fn sigterm_finishes_in_flight_requests_then_exits() {
    let db = TestDb::fresh().await;
    let (mut child, addr) = start_binary(&db.url, &[]);
    let client = client();
    let health = client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
    let ready = client
        .get(format!("http://{addr}/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.expect("body"), "ready");

    // A submission whose body is still on its way when the signal comes (a phone on a slow network).
    let id = new_id();
    let body = barrier(&id, &new_id()).to_string();
    let (first, rest) = body.as_bytes().split_at(body.len() / 2);
    let mut slow = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let head = format!(
        "POST /api/v1/submissions HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    slow.write_all(head.as_bytes()).await.expect("head");
    slow.write_all(first).await.expect("first half");
    slow.flush().await.expect("flush");
    tokio::time::sleep(Duration::from_millis(300)).await;

    sigterm(&child);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "it waits for the open request"
    );
    assert!(
        tokio::net::TcpStream::connect(&addr).await.is_err(),
        "a stopping server takes no new connections"
    );

    slow.write_all(rest).await.expect("second half");
    let mut answer = String::new();
    tokio::time::timeout(REQUEST_TIMEOUT, slow.read_to_string(&mut answer))
        .await
        .expect("answered in time")
        .expect("answer");
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert!(answer.contains(&id), "{answer}");

    let status = exited_within(&mut child, Duration::from_secs(10))
        .await
        .expect("the server exits once its requests are done");
    assert!(status.success(), "{status:?}");

    let pool = pool(&db.url).await;
    let stored: i64 = sqlx::query_scalar(&sql(
        &db.url,
        "SELECT count(*) FROM submissions WHERE id = ?",
    ))
    .bind(&id)
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(stored, 1, "the answered submission is stored");
}

/// The settings are one list, `trefpunt serve --help` (the README points there): every variable the
/// server reads is in it, and a bad value is refused with its flag and the reason before anything
/// starts; an empty variable counts as not set.
#[test]
fn serve_help_lists_every_setting_and_a_bad_one_is_named() {
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_trefpunt"));
        c.args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().expect("run trefpunt")
    };
    let help = String::from_utf8_lossy(&run(&["serve", "--help"], &[]).stdout).into_owned();
    for var in [
        "TREFPUNT_DATABASE_URL",
        "LEPTOS_SITE_ADDR",
        "TREFPUNT_PUBLIC_URL",
        "TREFPUNT_TILE_URL",
        "TREFPUNT_TILE_ATTRIBUTION",
        "TREFPUNT_LOCATIESERVER_URL",
        "TREFPUNT_RATE_LIMIT_PER_MINUTE",
        "TREFPUNT_RATE_LIMIT_BURST",
        "TREFPUNT_READ_LIMIT_PER_MINUTE",
        "TREFPUNT_READ_LIMIT_BURST",
        "TREFPUNT_TRUSTED_PROXIES",
        "TREFPUNT_PHOTO_DIR",
    ] {
        assert!(help.contains(&format!("[env: {var}")), "{var} in:\n{help}");
    }
    let import = run(&["import-areas", "--help"], &[]);
    assert!(String::from_utf8_lossy(&import.stdout).contains("TREFPUNT_PDOK_WIJKENBUURTEN_URL"));
    // The database URL may hold a password: its value is never shown.
    let secret = run(
        &["serve", "--help"],
        &[("TREFPUNT_DATABASE_URL", "postgres://u:geheim@db/t")],
    );
    assert!(!String::from_utf8_lossy(&secret.stdout).contains("geheim"));

    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}/t.db", dir.path().display());
    let bad = run(
        &["serve"],
        &[
            ("TREFPUNT_DATABASE_URL", db.as_str()),
            ("TREFPUNT_TRUSTED_PROXIES", "10.0.0.0/99"),
        ],
    );
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("--trusted-proxies") && err.contains("prefix length"),
        "{err}"
    );
    let bad = run(
        &[],
        &[
            ("TREFPUNT_DATABASE_URL", db.as_str()),
            ("TREFPUNT_RATE_LIMIT_BURST", "veel"),
        ],
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--rate-limit-burst"));
    assert!(
        !dir.path().join("t.db").exists(),
        "refused before the database is opened"
    );
    // An empty variable is not set: the server gets past its settings to the database (which here
    // cannot be opened) instead of refusing an empty number.
    let empty = run(
        &["serve"],
        &[
            ("TREFPUNT_DATABASE_URL", "nosuchdb://x"),
            ("TREFPUNT_RATE_LIMIT_BURST", ""),
            ("TREFPUNT_PUBLIC_URL", " "),
        ],
    );
    let err = String::from_utf8_lossy(&empty.stderr);
    assert!(
        !empty.status.success() && err.contains("nosuchdb") && !err.contains("--rate-limit-burst"),
        "{err}"
    );
}
