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
