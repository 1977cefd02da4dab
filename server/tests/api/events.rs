//! Street events: workers create them; the kiosk and poster links set the event cookie; entries
//! with `source: "event"` need the event's token and `paper` a worker's session; the kiosk is exempt
//! from the anonymous write limit; the poster and its QR code; closing an event.

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::staff::{add_staff, add_staff_in, call, send_json, session, Session};

fn today() -> String {
    server::domain::calendar::today().to_string()
}

async fn create_event(app: &TestApp, s: &Session, body: Value) -> reqwest::Response {
    send_json(app, Method::POST, "/events", s, &body).await
}

async fn new_event(app: &TestApp, s: &Session) -> Value {
    let res = create_event(
        app,
        s,
        json!({"campaign": "default", "name": "Pleinfeest", "place": "Bagijnhof", "day": today()}),
    )
    .await;
    assert_eq!(res.status(), 201);
    res.json().await.expect("json")
}

fn event_entry(event: &str) -> Value {
    let mut b = barrier(&new_id(), &new_id());
    b["source"] = json!("event");
    b["event"] = json!(event);
    b
}

async fn post_with_token(app: &TestApp, body: &Value, token: Option<&str>) -> reqwest::Response {
    let mut req = app.client.post(app.url("/api/v1/submissions")).json(body);
    if let Some(t) = token {
        req = req.header("x-event-token", t);
    }
    req.send().await.expect("post")
}

/// A day years ahead is a typing error whose links would stay open for ever; a year ahead is fine.
#[tokio::test]
async fn an_event_is_planned_at_most_a_year_ahead() {
    let app = spawn_app().await;
    add_staff(&app, "worker", "opbouw@welzijn.nl");
    let worker = session(&app, "opbouw@welzijn.nl").await;
    use server::domain::calendar::{add_days, today};
    use server::service::events::MAX_DAYS_AHEAD;
    let last = add_days(today(), MAX_DAYS_AHEAD).expect("day").to_string();
    let one_more = add_days(today(), MAX_DAYS_AHEAD + 1)
        .expect("day")
        .to_string();
    for day in ["9999-12-31", one_more.as_str()] {
        let res = create_event(
            &app,
            &worker,
            json!({"campaign": "default", "name": "x", "day": day}),
        )
        .await;
        assert_eq!(res.status(), 422, "{day}");
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["errors"][0]["field"], "day", "{body}");
    }
    let res = create_event(
        &app,
        &worker,
        json!({"campaign": "default", "name": "x", "day": last}),
    )
    .await;
    assert_eq!(res.status(), 201, "{last}");
}

/// Days an older version stored (a day past its month's end) are still read, as the nearest real
/// day: one such row does not take every list down with it.
#[tokio::test]
async fn days_stored_by_an_older_version_are_still_read() {
    let app = spawn_app().await;
    add_staff(&app, "worker", "opbouw@welzijn.nl");
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let event = new_event(&app, &worker).await;
    let pool = app.pool().await;
    sqlx::query(&app.sql("UPDATE events SET day = '2027-02-31' WHERE id = ?"))
        .bind(event["id"].as_str().expect("id"))
        .execute(&pool)
        .await
        .expect("update");
    sqlx::query(&app.sql(
        "INSERT INTO campaigns (id, status, config, created_at) VALUES ('oud', 'open', ?, '2026-01-01T00:00:00.000Z')",
    ))
    .bind(r#"{"id":"oud","title":{"nl":"Oud"},"kinds":["wish"],"starts_on":"2026-02-30","ends_on":"2099-04-31"}"#)
    .execute(&pool)
    .await
    .expect("insert");
    let res = send_json(&app, Method::GET, "/events", &worker, &json!(null)).await;
    assert_eq!(res.status(), 200);
    let events: Value = res.json().await.expect("json");
    assert_eq!(events[0]["day"], "2027-02-28", "{events}");
    let campaign: Value = app.get_json("/api/v1/campaigns/oud").await;
    assert_eq!(
        (campaign["starts_on"].as_str(), campaign["ends_on"].as_str()),
        (Some("2026-02-28"), Some("2099-04-30"))
    );
    let open: Vec<Value> = app.get_json("/api/v1/campaigns").await;
    assert!(open.iter().any(|c| c["id"] == "oud"), "{open:?}");
}

#[tokio::test]
async fn a_worker_creates_an_event_and_its_token_proves_event_entries() {
    let app = spawn_app().await;
    add_staff(&app, "worker", "opbouw@welzijn.nl");
    add_staff(&app, "advisor", "beleid@gemeente.nl");
    let worker = session(&app, "opbouw@welzijn.nl").await;

    // Every wrong field is named.
    let res = create_event(
        &app,
        &worker,
        json!({"campaign": "nope", "name": "", "day": "13-06-2026"}),
    )
    .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.expect("json");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["name", "day"], "{body}");
    // A day that does not exist is not read as one in March.
    let res = create_event(
        &app,
        &worker,
        json!({"campaign": "default", "name": "x", "place": "y", "day": "2027-02-31"}),
    )
    .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["errors"][0]["field"], "day", "{body}");
    let res = create_event(
        &app,
        &worker,
        json!({"campaign": "nope", "name": "x", "day": today()}),
    )
    .await;
    assert_eq!(res.status(), 422, "an unknown campaign");
    // Advisors look at figures; they do not run events.
    let advisor = session(&app, "beleid@gemeente.nl").await;
    assert_eq!(
        create_event(
            &app,
            &advisor,
            json!({"campaign": "default", "name": "x", "day": today()})
        )
        .await
        .status(),
        403
    );

    let event = new_event(&app, &worker).await;
    let id = event["id"].as_str().expect("id");
    let kiosk = event["kiosk_token"].as_str().expect("kiosk token");
    let qr = event["qr_token"].as_str().expect("qr token");
    assert_ne!(kiosk, qr);
    assert_eq!(
        event["kiosk_url"],
        json!(format!("/tablet/{id}?sleutel={kiosk}"))
    );

    // Without the token, with a wrong one, or the token of another link: not an event entry.
    let body = event_entry(id);
    for token in [None, Some("0".repeat(32).as_str())] {
        let res = post_with_token(&app, &body, token).await;
        assert_eq!(res.status(), 422);
        let e: Value = res.json().await.expect("json");
        assert_eq!(e["errors"][0]["field"], "source", "{e}");
    }
    assert_eq!(app.count_rows("submissions").await, 0);
    // Both links' tokens prove it; the entry is stored with its event.
    assert_eq!(
        post_with_token(&app, &body, Some(kiosk)).await.status(),
        201
    );
    assert_eq!(
        post_with_token(&app, &body, Some(kiosk)).await.status(),
        200,
        "a resend"
    );
    assert_eq!(
        post_with_token(&app, &event_entry(id), Some(qr))
            .await
            .status(),
        201
    );

    let listed: Value = call(&app, Method::GET, "/events", Some(&worker), false)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed[0]["entries"], 2, "{listed}");

    // How an entry came in is not public per entry, so public figures are not split by it
    // (advisors filter the raw export by it).
    assert_eq!(
        app.get("/api/v1/aggregates?level=gemeente&source=event")
            .await
            .status(),
        400
    );

    // A closed event takes nothing new, but a resend of a stored entry is still answered.
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/events/{id}"),
        &worker,
        &json!({"status": "closed"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = post_with_token(&app, &event_entry(id), Some(kiosk)).await;
    assert_eq!(res.status(), 422);
    let e: Value = res.json().await.expect("json");
    assert_eq!(
        (
            e["errors"][0]["field"].as_str(),
            e["errors"][0]["message"].as_str()
        ),
        (
            Some("event"),
            Some("is closed or past its last day for entries")
        ),
        "{e}"
    );
    assert_eq!(
        post_with_token(&app, &body, Some(kiosk)).await.status(),
        200
    );
    assert_eq!(app.count_rows("submissions").await, 2);
}

#[tokio::test]
async fn paper_forms_need_a_worker_session() {
    let app = spawn_app().await;
    add_staff(&app, "worker", "opbouw@welzijn.nl");
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let event = new_event(&app, &worker).await;
    let mut body = barrier(&new_id(), &new_id());
    body["source"] = json!("paper");
    body["event"] = event["id"].clone();

    let res = app
        .client
        .post(app.url("/api/v1/submissions"))
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422, "anonymous");
    let res = app
        .client
        .post(app.url("/api/v1/submissions"))
        .header(COOKIE, &worker.cookie)
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(
        res.status(),
        422,
        "a session without its CSRF token proves nothing"
    );
    let res = send_json(&app, Method::POST, "/submissions", &worker, &body).await;
    assert_eq!(res.status(), 201);
    let listed: Value = call(
        &app,
        Method::GET,
        &format!("/events/{}", event["id"].as_str().expect("id")),
        Some(&worker),
        false,
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(listed["entries"], 1);
}

#[tokio::test]
async fn the_links_set_the_event_cookie_and_the_kiosk_is_not_rate_limited() {
    let app = spawn_app_configured(TestDb::fresh().await, "http://127.0.0.1:9".into(), |s| {
        s.rate_limit_per_minute = 2;
        s.rate_limit_burst = 2;
    })
    .await;
    add_staff(&app, "worker", "opbouw@welzijn.nl");
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let event = new_event(&app, &worker).await;
    let id = event["id"].as_str().expect("id");
    let kiosk_url = event["kiosk_url"].as_str().expect("kiosk url");
    let qr_url = event["qr_url"].as_str().expect("qr url");

    // A wrong key, or the poster's key on the tablet link: a plain 404 and no cookie.
    let res = app.get(&format!("/tablet/{id}?sleutel=fout")).await;
    assert_eq!(res.status(), 404);
    assert!(res.headers().get(SET_COOKIE).is_none());
    assert_eq!(
        app.get(&qr_url.replace("/qr/", "/tablet/")).await.status(),
        404
    );

    let res = app.get(kiosk_url).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()[LOCATION], format!("/kiosk/{id}").as_str());
    let kiosk_cookie = crate::staff::cookie_pair(&res);
    assert!(res.headers()[SET_COOKIE]
        .to_str()
        .expect("cookie")
        .contains("HttpOnly"));

    let res = app.get(qr_url).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()[LOCATION], "/campagne/default");
    let phone_cookie = crate::staff::cookie_pair(&res);

    // The kiosk page for the tablet; a device without the cookie is told how to link it.
    let page = app
        .get_with_cookie(&format!("/kiosk/{id}?taal=en"), &kiosk_cookie)
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Next resident") && html.contains("data-outbox-count"),
        "in the language of ?taal="
    );
    assert!(
        html.contains(&format!("/kiosk/{id}/drempel?taal=ar")),
        "every page in every language, for offline use"
    );
    let page = app
        .get_with_cookie(&format!("/kiosk/{id}"), &phone_cookie)
        .await;
    assert_eq!(page.status(), 403, "a poster link is not a tablet");
    assert_eq!(app.get(&format!("/kiosk/{id}/plek")).await.status(), 403);

    // The kiosk's form carries the event and its token; a phone's form too.
    let form = app
        .get_text_with_cookie(&format!("/kiosk/{id}/drempel"), &kiosk_cookie)
        .await;
    assert!(
        form.contains(&format!("name=\"event\" value=\"{id}\""))
            && form.contains("name=\"source\" value=\"event\"")
    );
    let form = app
        .get_text_with_cookie("/meedoen/drempel", &phone_cookie)
        .await;
    assert!(
        form.contains(&format!("name=\"event\" value=\"{id}\"")),
        "a phone from the poster tags its entries"
    );

    // Many entries from one tablet in a minute; a phone from the same network is limited.
    let token = event["kiosk_token"].as_str().expect("token");
    for _ in 0..6 {
        let res = app
            .client
            .post(app.url("/api/v1/submissions"))
            .header(COOKIE, &kiosk_cookie)
            .header("x-event-token", token)
            .json(&event_entry(id))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 201);
    }
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let res = app
            .client
            .post(app.url("/api/v1/submissions"))
            .header(COOKIE, &phone_cookie)
            .json(&barrier(&new_id(), &new_id()))
            .send()
            .await
            .expect("post");
        statuses.push(res.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn the_poster_and_qr_code_are_for_the_events_workers() {
    let app = spawn_app().await;
    add_staff_in(&app, "worker", "dordrecht@welzijn.nl", &["GM0505"]);
    add_staff_in(&app, "worker", "zwijndrecht@welzijn.nl", &["GM0642"]);
    let worker = session(&app, "dordrecht@welzijn.nl").await;
    // A campaign only in Dordrecht.
    add_staff(&app, "admin", "beheer@gemeente.nl");
    let admin = session(&app, "beheer@gemeente.nl").await;
    let c = json!({
        "id": "dordt-plein", "title": {"nl": "Pleinen van Dordrecht"}, "intro": {}, "gemeenten": ["GM0505"],
        "kinds": ["place", "barrier", "wish"], "categories": {}, "labels": {}, "k": 5, "questions": [],
        "demographics": false, "retention_days": 365, "status": "open"
    });
    let res = send_json(&app, Method::POST, "/campaigns", &admin, &c).await;
    assert_eq!(
        res.status(),
        201,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let res = create_event(&app, &worker, json!({"campaign": "dordt-plein", "name": "Pleinfeest", "place": "Statenplein", "day": today()})).await;
    assert_eq!(res.status(), 201);
    let event: Value = res.json().await.expect("json");
    let id = event["id"].as_str().expect("id");

    let get = |path: String, s: &Session| {
        app.client
            .get(app.url(&path))
            .header(COOKIE, s.cookie.clone())
            .send()
    };
    let res = get(format!("/staff/evenementen/{id}/qr.svg"), &worker)
        .await
        .expect("get");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    let svg = res.text().await.expect("svg");
    assert!(
        svg.starts_with("<?xml") && svg.contains("<svg"),
        "{}",
        &svg[..80.min(svg.len())]
    );
    let poster = get(format!("/staff/evenementen/{id}/poster"), &worker)
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(
        poster.contains("Pleinen van Dordrecht") && poster.contains(r#"href="/css/poster.css""#)
    );
    // Its print styles are a file, so the page needs no inline style under its CSP.
    let css = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../public/css/poster.css"
    ))
    .expect("css");
    assert!(css.contains("size: A4"));
    assert!(!poster.contains("<style"));
    assert!(
        poster.contains(&format!(
            "/qr/{id}?sleutel={}",
            event["qr_token"].as_str().expect("qr")
        )),
        "the link spelled out"
    );

    // A worker of another gemeente does not see this campaign's events.
    let other = session(&app, "zwijndrecht@welzijn.nl").await;
    assert_eq!(
        get(format!("/staff/evenementen/{id}/poster"), &other)
            .await
            .expect("get")
            .status(),
        404
    );
    assert_eq!(
        call(
            &app,
            Method::GET,
            &format!("/events/{id}"),
            Some(&other),
            false
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        app.get(&format!("/staff/evenementen/{id}/qr.svg"))
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn paper_forms_and_the_kiosk_form_work_as_plain_posts() {
    let app = spawn_app().await;
    add_staff(&app, "worker", "opbouw@welzijn.nl");
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let event = new_event(&app, &worker).await;
    let id = event["id"].as_str().expect("id").to_string();

    // The worker's paper form page knows the event and carries the session's CSRF token.
    let page = app
        .get_text_with_cookie(&format!("/meedoen/drempel?papier={id}"), &worker.cookie)
        .await;
    assert!(
        page.contains("name=\"source\" value=\"paper\"") && page.contains(&worker.csrf),
        "a paper form"
    );
    assert!(
        page.contains("paper-banner") && page.contains("Pleinfeest"),
        "whose paper forms these are"
    );

    let form = |source: &str, csrf: &str, token: &str| -> Vec<(String, String)> {
        [
            ("id", new_id()),
            ("respondent", new_id()),
            ("campaign", "default".into()),
            ("kind", "barrier".into()),
            ("language", "nl".into()),
            ("category", "steps".into()),
            ("severity", "2".into()),
            ("lon", "4.68".into()),
            ("lat", "51.81".into()),
            ("source", source.into()),
            ("event", id.clone()),
            ("csrf", csrf.into()),
            ("event_token", token.into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    };
    let post = |body: Vec<(String, String)>, cookie: Option<String>| {
        let mut req = app.client.post(app.url("/meedoen/drempel")).form(&body);
        if let Some(c) = cookie {
            req = req.header(COOKIE, c);
        }
        req.send()
    };
    // Without the session's token the paper claim is refused and the form comes back.
    let res = post(form("paper", "wrong", ""), Some(worker.cookie.clone()))
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    let res = post(form("paper", &worker.csrf, ""), Some(worker.cookie.clone()))
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()[LOCATION],
        format!("/meedoen/drempel?c=default&papier={id}&opgeslagen=1").as_str(),
        "on to the next paper form"
    );

    // The kiosk's form without JavaScript goes back to the kiosk's start.
    let tablet = app
        .get(event["kiosk_url"].as_str().expect("kiosk url"))
        .await;
    let cookie = crate::staff::cookie_pair(&tablet);
    let token = event["kiosk_token"].as_str().expect("token");
    let res = post(form("event", "", token), Some(cookie))
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()[LOCATION],
        format!("/kiosk/{id}?taal=nl&klaar=sent").as_str()
    );

    let listed: Value = call(
        &app,
        Method::GET,
        &format!("/events/{id}"),
        Some(&worker),
        false,
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(listed["entries"], 2);
}
