//! The campaign's survey at street events: the kiosk sends a resident's answers with the event's
//! token (`event` in the body, the token in `X-Event-Token`), under the same guards as the event's
//! entries; a worker types a paper form's answers in right after the form, for the same respondent.

use reqwest::header::{COOKIE, LOCATION};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::staff::{add_staff, cookie_pair, send_json, session, Session};

fn day(offset: i64) -> String {
    use server::domain::calendar::{add_days, today};
    add_days(today(), offset).expect("day").to_string()
}

/// A campaign everywhere with one question of its own (required) and the demographic ones.
fn campaign(id: &str) -> Value {
    json!({
        "id": id,
        "title": {"nl": format!("Wijkfeest {id}")},
        "kinds": ["place", "barrier", "wish"],
        "questions": [
            {"id": "idea", "type": "text", "text": {"nl": "Uw idee voor de buurt"}}
        ],
        "demographics": true
    })
}

struct Setup {
    app: TestApp,
    worker: Session,
    /// An event of campaign `wijkfeest`, and one of campaign `ander`.
    event: Value,
    other: Value,
}

async fn setup_with(app: TestApp) -> Setup {
    add_staff(&app, "admin", "beheer@gemeente.nl");
    add_staff(&app, "worker", "opbouw@welzijn.nl");
    let admin = session(&app, "beheer@gemeente.nl").await;
    for id in ["wijkfeest", "ander"] {
        let res = send_json(&app, Method::POST, "/campaigns", &admin, &campaign(id)).await;
        assert_eq!(res.status(), 201, "{id}");
    }
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let event = new_event(&app, &worker, "wijkfeest", &day(0)).await;
    let other = new_event(&app, &worker, "ander", &day(0)).await;
    Setup {
        app,
        worker,
        event,
        other,
    }
}

async fn new_event(app: &TestApp, worker: &Session, campaign: &str, day: &str) -> Value {
    let res = send_json(
        app,
        Method::POST,
        "/events",
        worker,
        &json!({"campaign": campaign, "name": "Pleinfeest", "day": day}),
    )
    .await;
    assert_eq!(res.status(), 201);
    res.json().await.expect("json")
}

fn answers(event: &Value, respondent: &str) -> Value {
    json!({
        "respondent": respondent,
        "answers": {"age_band": "25_44", "years_here": "5_10", "home_language": "nl"},
        "language": "nl",
        "event": event["id"],
    })
}

async fn post(
    app: &TestApp,
    campaign: &str,
    body: &Value,
    token: Option<&str>,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url(&format!("/api/v1/campaigns/{campaign}/responses")))
        .json(body);
    if let Some(t) = token {
        req = req.header("x-event-token", t);
    }
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    req.send().await.expect("post")
}

fn token(event: &Value, which: &str) -> String {
    event[which].as_str().expect("token").to_string()
}

#[tokio::test]
async fn kiosk_answers_need_their_events_token_and_a_resend_is_answered_once_stored() {
    let s = setup_with(spawn_app().await).await;
    let app = &s.app;
    let kiosk = token(&s.event, "kiosk_token");
    let r = new_id();
    let body = answers(&s.event, &r);
    // The demographic options the kiosk offers are the web survey's.
    let c: Value = app.get_json("/api/v1/campaigns/wijkfeest").await;
    let ids: Vec<&str> = c["survey"]
        .as_array()
        .expect("survey")
        .iter()
        .map(|q| q["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["idea", "age_band", "years_here", "home_language"]);

    // No token: 401. A wrong token, the other campaign's event token, or this event under the
    // other campaign: 403. Nothing is stored.
    assert_eq!(
        post(app, "wijkfeest", &body, None, None).await.status(),
        401
    );
    let res = post(app, "wijkfeest", &body, Some(&"0".repeat(32)), None).await;
    assert_eq!(res.status(), 403);
    let other_kiosk = token(&s.other, "kiosk_token");
    let mut other_event = body.clone();
    other_event["event"] = s.other["id"].clone();
    assert_eq!(
        post(app, "wijkfeest", &other_event, Some(&other_kiosk), None)
            .await
            .status(),
        403,
        "the token of another campaign's event"
    );
    assert_eq!(
        post(app, "wijkfeest", &body, Some(&other_kiosk), None)
            .await
            .status(),
        403,
        "another event's token for this event"
    );
    assert_eq!(
        post(app, "ander", &body, Some(&kiosk), None).await.status(),
        403,
        "this event's answers to another campaign"
    );
    assert_eq!(app.count_rows("survey_responses").await, 0);

    // The event's token: stored once; the same again (the outbox's resend) 200, other answers 409.
    assert_eq!(
        post(app, "wijkfeest", &body, Some(&kiosk), None)
            .await
            .status(),
        201
    );
    assert_eq!(
        post(app, "wijkfeest", &body, Some(&kiosk), None)
            .await
            .status(),
        200
    );
    let mut changed = body.clone();
    changed["answers"]["age_band"] = json!("65_plus");
    assert_eq!(
        post(app, "wijkfeest", &changed, Some(&kiosk), None)
            .await
            .status(),
        409
    );
    // The poster's token proves it too, as for entries.
    let qr = token(&s.event, "qr_token");
    assert_eq!(
        post(
            app,
            "wijkfeest",
            &answers(&s.event, &new_id()),
            Some(&qr),
            None
        )
        .await
        .status(),
        201
    );
    assert_eq!(app.count_rows("survey_responses").await, 2);

    // Checked as every answer is (Campaign::check_answers), every wrong one named; markup in an
    // answer is never echoed back.
    let mut wrong = answers(&s.event, &new_id());
    wrong["answers"]["age_band"] = json!("<script>alert(1)</script>");
    wrong["answers"]["<b>x</b>"] = json!("1");
    let res = post(app, "wijkfeest", &wrong, Some(&kiosk), None).await;
    assert_eq!(res.status(), 422);
    // The answer is not echoed at all; an unknown question's id is named as its field, in JSON
    // that no browser renders as a page (and the kiosk shows messages as text only).
    assert_eq!(res.headers()["content-type"], "application/json");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let text = res.text().await.expect("text");
    assert!(!text.contains("<script>"), "{text}");
    let e: Value = serde_json::from_str(&text).expect("json");
    let fields: Vec<&str> = e["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|v| v["field"].as_str().expect("field"))
        .collect();
    assert!(fields.contains(&"answers.age_band"), "{e}");
    assert_eq!(app.count_rows("survey_responses").await, 2);

    // A closed event takes no new answers (403, nothing stored), but a resend of stored ones is
    // still answered, as for its entries.
    let id = s.event["id"].as_str().expect("id");
    let res = send_json(
        app,
        Method::PATCH,
        &format!("/events/{id}"),
        &s.worker,
        &json!({"status": "closed"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        post(
            app,
            "wijkfeest",
            &answers(&s.event, &new_id()),
            Some(&kiosk),
            None
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        post(app, "wijkfeest", &body, Some(&kiosk), None)
            .await
            .status(),
        200,
        "a late resend of stored answers"
    );
    assert_eq!(app.count_rows("survey_responses").await, 2);
}

#[tokio::test]
async fn an_expired_events_token_stores_no_answers() {
    let s = setup_with(spawn_app().await).await;
    let app = &s.app;
    // Past its day and the 14 days a tablet may sync late.
    let old = new_event(app, &s.worker, "wijkfeest", &day(-20)).await;
    let res = post(
        app,
        "wijkfeest",
        &answers(&old, &new_id()),
        Some(&token(&old, "kiosk_token")),
        None,
    )
    .await;
    assert_eq!(res.status(), 403);
    // Within the grace period a tablet that was offline still syncs.
    let recent = new_event(app, &s.worker, "wijkfeest", &day(-10)).await;
    let res = post(
        app,
        "wijkfeest",
        &answers(&recent, &new_id()),
        Some(&token(&recent, "kiosk_token")),
        None,
    )
    .await;
    assert_eq!(res.status(), 201);
    assert_eq!(app.count_rows("survey_responses").await, 1);
}

/// The tablet's cookie lifts the anonymous write limit for its survey answers too, as for its
/// entries; a phone without it is limited as before.
#[tokio::test]
async fn the_kiosks_answers_are_not_rate_limited() {
    let app = spawn_app_configured(TestDb::fresh().await, "http://127.0.0.1:9".into(), |s| {
        s.rate_limit_per_minute = 2;
        s.rate_limit_burst = 2;
    })
    .await;
    let s = setup_with(app).await;
    let app = &s.app;
    let kiosk = token(&s.event, "kiosk_token");
    let tablet = app
        .get(s.event["kiosk_url"].as_str().expect("kiosk url"))
        .await;
    let cookie = cookie_pair(&tablet);
    for _ in 0..5 {
        let res = post(
            app,
            "wijkfeest",
            &answers(&s.event, &new_id()),
            Some(&kiosk),
            Some(&cookie),
        )
        .await;
        assert_eq!(res.status(), 201);
    }
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let res = post(
            app,
            "wijkfeest",
            &answers(&s.event, &new_id()),
            Some(&kiosk),
            None,
        )
        .await;
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
}

#[tokio::test]
async fn a_paper_forms_survey_answers_are_typed_in_right_after_it() {
    let s = setup_with(spawn_app().await).await;
    let app = &s.app;
    let event = s.event["id"].as_str().expect("id").to_string();
    let respondent = new_id();
    let form: Vec<(String, String)> = [
        ("id", new_id()),
        ("respondent", respondent.clone()),
        ("campaign", "wijkfeest".into()),
        ("kind", "wish".into()),
        ("language", "nl".into()),
        ("category", "activity".into()),
        ("source", "paper".into()),
        ("event", event.clone()),
        ("csrf", s.worker.csrf.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let res = app
        .client
        .post(app.url("/meedoen/wens"))
        .header(COOKIE, &s.worker.cookie)
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    let survey = format!("/campagne/wijkfeest/vragen?r={respondent}&papier={event}&soort=wens");
    assert_eq!(
        res.headers()[LOCATION],
        survey.as_str(),
        "on to this form's answers"
    );

    // The worker's page: whose paper form, the CSRF token, and a way on without answers.
    let page = app.get_text_with_cookie(&survey, &s.worker.cookie).await;
    assert!(page.contains("paper-banner") && page.contains(&s.worker.csrf));
    let next = format!("/meedoen/wens?c=wijkfeest&amp;papier={event}&amp;opgeslagen=1");
    assert!(page.contains(&next), "the next paper form");
    assert!(
        page.contains("Hoe oud ben je?"),
        "the demographic questions"
    );
    // Anyone else gets the resident's survey, without the worker's token.
    let anonymous = app.get_text(&survey).await;
    assert!(!anonymous.contains("paper-banner") && !anonymous.contains(&s.worker.csrf));

    let pairs = |csrf: &str, age: &str, idea: &str| -> Vec<(String, String)> {
        [
            ("respondent", respondent.as_str()),
            ("language", "nl"),
            ("csrf", csrf),
            ("age_band", age),
            ("idea", idea),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    let send = |body: Vec<(String, String)>, cookie: Option<String>| {
        let mut req = app.client.post(app.url(&survey)).form(&body);
        if let Some(c) = cookie {
            req = req.header(COOKIE, c);
        }
        req.send()
    };
    // Paper mode is a worker's: no session 401, a wrong CSRF token 403; nothing stored.
    let res = send(pairs(&s.worker.csrf, "45_64", ""), None)
        .await
        .expect("post");
    assert_eq!(res.status(), 401);
    let res = send(pairs("wrong", "45_64", ""), Some(s.worker.cookie.clone()))
        .await
        .expect("post");
    assert_eq!(res.status(), 403);
    // Another campaign's event is not this form's.
    let other = s.other["id"].as_str().expect("id");
    let res = app
        .client
        .post(app.url(&format!(
            "/campagne/wijkfeest/vragen?r={respondent}&papier={other}&soort=wens"
        )))
        .header(COOKIE, &s.worker.cookie)
        .form(&pairs(&s.worker.csrf, "45_64", ""))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403);
    assert_eq!(app.count_rows("survey_responses").await, 0);

    // A wrong answer: the form again, naming the question; markup typed in is not echoed raw.
    let res = send(
        pairs(
            &s.worker.csrf,
            "ninety",
            "</textarea><script>alert(1)</script>",
        ),
        Some(s.worker.cookie.clone()),
    )
    .await
    .expect("post");
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("text");
    assert!(page.contains("error-summary") && page.contains("href=\"#q-age_band\""));
    assert!(!page.contains("<script>alert(1)"), "markup echoed");
    assert_eq!(app.count_rows("survey_responses").await, 0);

    let res = send(
        pairs(&s.worker.csrf, "45_64", "Een moestuin"),
        Some(s.worker.cookie.clone()),
    )
    .await
    .expect("post");
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()[LOCATION],
        format!("/meedoen/wens?c=wijkfeest&papier={event}&opgeslagen=1").as_str(),
        "on to the next paper form"
    );
    assert_eq!(app.count_rows("survey_responses").await, 1);
}
