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

#[tokio::test]
async fn two_servers_share_figures_sessions_and_the_sign_in_limit() {
    let a = spawn_drechtsteden_app().await;
    let b = a.spawn_peer().await;
    assert_ne!(a.addr, b.addr);

    // Five residents through A: B releases the figure (k = 5) at once.
    let mut ids = Vec::new();
    for _ in 0..5 {
        let body = barrier(&new_id(), &new_id());
        assert_eq!(a.post_json(&body).await.status(), 201);
        ids.push(body["id"].as_str().expect("id").to_string());
    }
    assert_eq!(steps_in_dordrecht(&b).await, 5);
    // B has its table cached now; one more through A is in B's very next answer.
    assert_eq!(
        a.post_json(&barrier(&new_id(), &new_id())).await.status(),
        201
    );
    assert_eq!(steps_in_dordrecht(&b).await, 6);
    // And the other way round.
    assert_eq!(
        b.post_json(&barrier(&new_id(), &new_id())).await.status(),
        201
    );
    assert_eq!(steps_in_dordrecht(&a).await, 7);
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
    let hide = send_json(
        &b,
        Method::PATCH,
        &format!("/submissions/{}", ids[0]),
        &worker,
        &json!({"hidden": true}),
    )
    .await;
    assert_eq!(hide.status(), 200);
    assert_eq!(
        steps_in_dordrecht(&a).await,
        6,
        "A's figures follow B's moderation"
    );
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
    for i in 0..free {
        let res = a_or_b(i, &a, &b)
            .client
            .post(a_or_b(i, &a, &b).url("/api/v1/session"))
            .header("x-forwarded-for", format!("192.0.2.{}", i + 1))
            .json(&serde_json::json!({"email": "opbouw@welzijn.nl", "password": "fout-wachtwoord"}))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 401);
    }
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
    if i % 2 == 0 {
        a
    } else {
        b
    }
}
