//! Two servers on one database, as behind a load balancer (on PostgreSQL in a deployment; the test
//! runs on either backend): what one stores is in the other's figures at once, and staff sessions,
//! their CSRF tokens, sign-out and the limit on failed sign-ins hold across both.

use reqwest::header::COOKIE;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::staff::{add_staff_in, call, send_json, session, PASSWORD};

/// Barriers `steps` in gemeente GM0505 on `app`, as `/api/v1/aggregates` releases them.
async fn steps_in_dordrecht(app: &TestApp) -> Value {
    let figs: Vec<Value> = app
        .get_json("/api/v1/aggregates?level=gemeente&kind=barrier&category=steps")
        .await;
    figs.into_iter()
        .find(|f| f["area_code"] == "GM0505")
        .unwrap_or_else(|| json!({"count": null}))["count"]
        .clone()
}

/// The gemeente figure of barriers `no_ramp` in Dordrecht on `app`, if it has any.
async fn no_ramp_in_dordrecht(app: &TestApp) -> Option<Value> {
    let figs: Vec<Value> = app
        .get_json("/api/v1/aggregates?level=gemeente&kind=barrier&category=no_ramp")
        .await;
    figs.into_iter().find(|f| f["area_code"] == "GM0505")
}

#[tokio::test]
async fn two_servers_share_figures_sessions_and_the_sign_in_limit() {
    let a = spawn_drechtsteden_app().await;
    let b = a.spawn_peer().await;
    assert_ne!(a.addr, b.addr);

    // Four residents through A: B withholds the figure (k = 5), with its table cached now.
    let mut ids = Vec::new();
    for _ in 0..4 {
        let body = barrier(&new_id(), &new_id());
        assert_eq!(a.post_json(&body).await.status(), 201);
        ids.push(body["id"].as_str().expect("id").to_string());
    }
    assert_eq!(steps_in_dordrecht(&b).await, Value::Null);
    // A fifth through A is in B's very next answer: released (with its noise).
    assert_eq!(
        a.post_json(&barrier(&new_id(), &new_id())).await.status(),
        201
    );
    assert!(near(&steps_in_dordrecht(&b).await, 5));
    // And the other way round: eight more through B, A's figure follows (5 ± 3 before, 13 ± 3 after).
    let before = steps_in_dordrecht(&a).await;
    for _ in 0..8 {
        assert_eq!(
            b.post_json(&barrier(&new_id(), &new_id())).await.status(),
            201
        );
    }
    let after = steps_in_dordrecht(&a).await;
    assert!(
        near(&after, 13) && after.as_u64() > before.as_u64(),
        "{before} → {after}"
    );
    // A resend through the other server is recognised.
    let again = barrier(&ids[0], &new_id());
    assert_eq!(
        b.post_json(&again).await.status(),
        409,
        "same id, other body"
    );

    // Signed in on A, working on B: the session and its CSRF token are in the database.
    add_staff_in(&a, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    let worker = session(&a, "opbouw@welzijn.nl").await;
    let queue = call(&b, Method::GET, "/moderation", Some(&worker), false).await;
    assert_eq!(queue.status(), 200);
    // A moderator on B moves an entry to another category: A's figures show it at once (a new,
    // withheld cell of one resident).
    assert_eq!(no_ramp_in_dordrecht(&a).await, None);
    let moved = send_json(
        &b,
        Method::PATCH,
        &format!("/submissions/{}", ids[0]),
        &worker,
        &json!({"category": "no_ramp"}),
    )
    .await;
    assert_eq!(moved.status(), 200);
    let cell = no_ramp_in_dordrecht(&a)
        .await
        .expect("A's figures follow B's moderation");
    assert_eq!(cell["suppressed"], true);
    // Signing out on B ends the session on A too.
    let out = b
        .client
        .delete(b.url("/api/v1/session"))
        .header(COOKIE, &worker.cookie)
        .header("x-csrf-token", &worker.csrf)
        .send()
        .await
        .expect("sign out");
    assert!(out.status().is_success(), "{}", out.status());
    assert_eq!(
        call(&a, Method::GET, "/moderation", Some(&worker), false)
            .await
            .status(),
        401
    );

    // Failed sign-ins count on every server: the account's free failures spent half on A and half
    // on B (from many addresses, as A and B sit behind one proxy), and B slows the next try down.
    let free = server::domain::sign_in::ACCOUNT_FREE_FAILURES;
    // The free failures and three more (each waiting its turn: 1, 2 and 4 s), alternating servers.
    let mut i = 0u32;
    while i < free + 3 {
        let res = a_or_b(i, &a, &b)
            .client
            .post(a_or_b(i, &a, &b).url("/api/v1/session"))
            .header("x-forwarded-for", format!("192.0.2.{}", i + 1))
            .json(&serde_json::json!({"email": "opbouw@welzijn.nl", "password": "fout-wachtwoord"}))
            .send()
            .await
            .expect("post");
        match res.status().as_u16() {
            401 => i += 1,
            429 if i >= free => {
                let wait: u64 = res.headers()["retry-after"]
                    .to_str()
                    .expect("header")
                    .parse()
                    .expect("seconds");
                tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
            }
            other => panic!("attempt {i}: {other}"),
        }
    }
    // The next attempt waits 8 s after the last failure, on either server.
    for (server, email) in [(&b, "opbouw@welzijn.nl"), (&a, "OPBOUW@welzijn.nl")] {
        let res = server
            .client
            .post(server.url("/api/v1/session"))
            .header("x-forwarded-for", "198.51.100.9")
            .json(&serde_json::json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 429, "{email}: any case, either server");
    }
}

fn a_or_b<'a>(i: u32, a: &'a TestApp, b: &'a TestApp) -> &'a TestApp {
    if i.is_multiple_of(2) {
        a
    } else {
        b
    }
}
