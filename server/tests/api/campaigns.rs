//! Campaigns: an admin creates one with its own survey; residents add entries within its kinds,
//! categories and gemeenten and answer its survey once; staff see only their gemeenten.

use reqwest::header::COOKIE;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::staff::{add_staff_in, call, session, Session};

fn crabbehof() -> Value {
    json!({
        "id": "crabbehof-2027",
        "title": {"nl": "Samen in Crabbehof", "en": "Together in Crabbehof"},
        "intro": {"nl": "Waar komt u graag? Wat houdt u tegen?"},
        "gemeenten": ["GM0505"],
        "kinds": ["place", "barrier"],
        "categories": {"barrier": ["steps", "poor_lighting", "costs_money"]},
        "k": 7,
        "questions": [
            {"id": "meet", "type": "single", "text": {"nl": "Hoe vaak spreekt u buren?"},
             "options": [{"id": "weekly", "text": {"nl": "Elke week"}}, {"id": "rarely", "text": {"nl": "Zelden"}}],
             "required": true},
            {"id": "feel", "type": "scale", "text": {"nl": "Voelt u zich thuis in de buurt?"}},
            {"id": "idea", "type": "text", "text": {"nl": "Uw idee"}}
        ],
        "demographics": true,
        "retention_days": 365
    })
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    s: &Session,
    body: &Value,
) -> reqwest::Response {
    app.client
        .request(method, app.url(&format!("/api/v1{path}")))
        .header(COOKIE, &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .json(body)
        .send()
        .await
        .expect("request")
}

async fn answer(app: &TestApp, campaign: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/campaigns/{campaign}/responses")))
        .json(body)
        .send()
        .await
        .expect("post")
}

#[tokio::test]
async fn an_admin_creates_a_campaign_residents_use_it_and_answer_its_survey_once() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "admin", "beheer@gemeente.nl", &[]);
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    let admin = session(&app, "beheer@gemeente.nl").await;
    let worker = session(&app, "opbouw@welzijn.nl").await;

    assert_eq!(
        send(&app, Method::POST, "/campaigns", &worker, &crabbehof())
            .await
            .status(),
        403
    );
    let mut bad = crabbehof();
    bad["k"] = json!(2);
    bad["questions"][0]["options"] = json!([]);
    let res = send(&app, Method::POST, "/campaigns", &admin, &bad).await;
    assert_eq!(res.status(), 422);
    let errors: Value = res.json().await.expect("json");
    let fields: Vec<&str> = errors["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["k", "questions.0.options"]);
    // A day that does not exist is refused where it comes in, naming the field; it is never read
    // as 3 March.
    for (field, day) in [
        ("starts_on", "2027-02-31"),
        ("ends_on", "2027-13-01"),
        ("ends_on", "1-1-2027"),
    ] {
        let mut bad = crabbehof();
        bad[field] = json!(day);
        let res = send(&app, Method::POST, "/campaigns", &admin, &bad).await;
        assert_eq!(res.status(), 422, "{field} {day}");
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    assert_eq!(
        send(&app, Method::POST, "/campaigns", &admin, &crabbehof())
            .await
            .status(),
        201
    );
    assert_eq!(
        send(&app, Method::POST, "/campaigns", &admin, &crabbehof())
            .await
            .status(),
        409
    );

    // Listed publicly, with the survey residents will see (own questions, then the demographic ones).
    let open: Vec<Value> = app.get_json("/api/v1/campaigns").await;
    let ids: Vec<&str> = open.iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(ids, ["default", "crabbehof-2027"]);
    let elsewhere: Vec<Value> = app.get_json("/api/v1/campaigns?gemeente=GM0482").await;
    assert_eq!(
        elsewhere.len(),
        1,
        "only the general campaign runs in Alblasserdam"
    );
    let one: Value = app.get_json("/api/v1/campaigns/crabbehof-2027").await;
    let survey: Vec<&str> = one["survey"]
        .as_array()
        .expect("survey")
        .iter()
        .filter_map(|q| q["id"].as_str())
        .collect();
    assert_eq!(
        survey,
        [
            "meet",
            "feel",
            "idea",
            "age_band",
            "years_here",
            "home_language"
        ]
    );
    assert_eq!(
        one["survey"][3]["options"].as_array().map(Vec::len),
        Some(5),
        "CBS's age bands"
    );
    assert_eq!(app.get("/api/v1/campaigns/nope").await.status(), 404);

    // Entries: only the campaign's kinds and categories, only in its gemeente.
    let respondent = new_id();
    let entry = |kind: &str, category: &str, lon: f64, lat: f64| {
        let mut b = barrier(&new_id(), &respondent);
        b["campaign"] = json!("crabbehof-2027");
        b["kind"] = json!(kind);
        b["category"] = json!(category);
        b["location"] = json!({"lon": lon, "lat": lat});
        if kind == "wish" {
            b["details"] = json!({});
        }
        b
    };
    let field_of = |v: Value| {
        v["errors"][0]["field"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let wish = app
        .post_json(&entry("wish", "activity", 4.6712, 51.8123))
        .await;
    assert_eq!(wish.status(), 422);
    assert_eq!(field_of(wish.json().await.expect("json")), "kind");
    let narrow = app
        .post_json(&entry("barrier", "no_ramp", 4.6712, 51.8123))
        .await;
    assert_eq!(narrow.status(), 422);
    assert_eq!(field_of(narrow.json().await.expect("json")), "category");
    // Zwijndrecht, across the river: another gemeente.
    let outside = app
        .post_json(&entry("barrier", "steps", 4.6330, 51.8170))
        .await;
    assert_eq!(outside.status(), 422);
    assert_eq!(field_of(outside.json().await.expect("json")), "location");
    let inside = app
        .post_json(&entry("barrier", "steps", 4.6712, 51.8123))
        .await;
    assert_eq!(inside.status(), 201);
    let receipt: Value = inside.json().await.expect("json");
    assert_eq!(receipt["areas"]["gemeente"], "GM0505");

    // The survey: stored once per respondent.
    let answers = json!({"respondent": respondent, "language": "nl",
        "answers": {"meet": "weekly", "feel": 4, "idea": " Een moestuin ", "age_band": "65_plus"}});
    let missing = answer(
        &app,
        "crabbehof-2027",
        &json!({"respondent": respondent, "language": "nl",
        "answers": {"feel": 9, "age_band": "80_plus", "shoe_size": 42}}),
    )
    .await;
    assert_eq!(missing.status(), 422);
    let errs: Value = missing.json().await.expect("json");
    let fields: Vec<&str> = errs["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "answers.shoe_size",
            "answers.meet",
            "answers.feel",
            "answers.age_band"
        ]
    );
    assert_eq!(answer(&app, "crabbehof-2027", &answers).await.status(), 201);
    assert_eq!(
        answer(&app, "crabbehof-2027", &answers).await.status(),
        200,
        "a resend"
    );
    let mut changed = answers.clone();
    changed["answers"]["meet"] = json!("rarely");
    assert_eq!(
        answer(&app, "crabbehof-2027", &changed).await.status(),
        409,
        "answered once"
    );
    assert_eq!(answer(&app, "nope", &answers).await.status(), 404);
    assert_eq!(app.count_rows("survey_responses").await, 1);

    // Closing it: no new entries or answers; a resend of a stored entry is still acknowledged.
    let mut closed = crabbehof();
    closed["status"] = json!("closed");
    assert_eq!(
        send(
            &app,
            Method::PUT,
            "/campaigns/crabbehof-2027",
            &admin,
            &closed
        )
        .await
        .status(),
        200
    );
    let again = entry("barrier", "steps", 4.6712, 51.8123);
    assert_eq!(app.post_json(&again).await.status(), 422);
    let other = json!({"respondent": new_id(), "language": "nl", "answers": {"meet": "weekly"}});
    assert_eq!(answer(&app, "crabbehof-2027", &other).await.status(), 422);
    let open: Vec<Value> = app.get_json("/api/v1/campaigns").await;
    assert_eq!(open.len(), 1);

    let log: Vec<Value> = call(&app, Method::GET, "/audit", Some(&admin), false)
        .await
        .json()
        .await
        .expect("json");
    let actions: Vec<&str> = log.iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(
        actions.contains(&"create campaign") && actions.contains(&"change campaign"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn staff_see_and_moderate_only_their_gemeenten() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "admin", "beheer@gemeente.nl", &[]);
    add_staff_in(&app, "worker", "dordt@welzijn.nl", &["GM0505"]);
    add_staff_in(&app, "worker", "zwijndrecht@welzijn.nl", &["GM0642"]);
    let dordt = session(&app, "dordt@welzijn.nl").await;
    let zwijndrecht = session(&app, "zwijndrecht@welzijn.nl").await;
    let admin = session(&app, "beheer@gemeente.nl").await;

    let here = barrier(&new_id(), &new_id());
    let mut there = barrier(&new_id(), &new_id());
    there["location"] = json!({"lon": 4.6330, "lat": 51.8170});
    for b in [&here, &there] {
        assert_eq!(app.post_json(b).await.status(), 201);
    }
    async fn queue_of(app: &TestApp, s: &Session) -> Vec<String> {
        let q: Vec<Value> = call(app, Method::GET, "/moderation", Some(s), false)
            .await
            .json()
            .await
            .expect("json");
        q.iter()
            .filter_map(|e| e["id"].as_str().map(String::from))
            .collect()
    }
    assert_eq!(
        queue_of(&app, &dordt).await,
        [here["id"].as_str().expect("id")]
    );
    assert_eq!(
        queue_of(&app, &zwijndrecht).await,
        [there["id"].as_str().expect("id")]
    );
    assert_eq!(queue_of(&app, &admin).await.len(), 2);

    let patch = json!({"status": "in_progress"});
    let path = format!("/submissions/{}", there["id"].as_str().expect("id"));
    assert_eq!(
        send(&app, Method::PATCH, &path, &dordt, &patch)
            .await
            .status(),
        403
    );
    assert_eq!(
        send(&app, Method::PATCH, &path, &zwijndrecht, &patch)
            .await
            .status(),
        200
    );

    // Moving a worker to another gemeente, then disabling the account, which ends its session.
    let users: Vec<Value> = call(&app, Method::GET, "/users", Some(&admin), false)
        .await
        .json()
        .await
        .expect("json");
    let id = users
        .iter()
        .find(|u| u["email"] == "dordt@welzijn.nl")
        .and_then(|u| u["id"].as_i64())
        .expect("id");
    let moved = send(
        &app,
        Method::PATCH,
        &format!("/users/{id}"),
        &admin,
        &json!({"role": "worker", "gemeenten": ["gm0642"]}),
    )
    .await;
    assert_eq!(moved.status(), 200);
    assert_eq!(queue_of(&app, &dordt).await.len(), 1);
    assert_eq!(
        queue_of(&app, &dordt).await,
        [there["id"].as_str().expect("id")]
    );
    let bad = send(
        &app,
        Method::PATCH,
        &format!("/users/{id}"),
        &admin,
        &json!({"role": "worker", "gemeenten": ["Dordrecht"]}),
    )
    .await;
    assert_eq!(bad.status(), 400);
    let admin_id = users
        .iter()
        .find(|u| u["email"] == "beheer@gemeente.nl")
        .and_then(|u| u["id"].as_i64())
        .expect("id");
    let myself = send(
        &app,
        Method::PATCH,
        &format!("/users/{admin_id}"),
        &admin,
        &json!({"role": "worker"}),
    )
    .await;
    assert_eq!(myself.status(), 409, "an admin cannot demote themselves");
    let off = send(
        &app,
        Method::PATCH,
        &format!("/users/{id}"),
        &admin,
        &json!({"role": "worker", "disabled": true}),
    )
    .await;
    assert_eq!(off.status(), 200);
    assert_eq!(
        call(&app, Method::GET, "/moderation", Some(&dordt), false)
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn the_staff_pages_create_a_campaign_and_residents_answer_it_without_javascript() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "admin", "beheer@gemeente.nl", &[]);
    let admin = session(&app, "beheer@gemeente.nl").await;
    let form = |pairs: &[(&str, &str)]| {
        let mut all: Vec<(String, String)> = vec![("csrf".into(), admin.csrf.clone())];
        all.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        all
    };
    let post = |path: &str, body: Vec<(String, String)>| {
        app.client
            .post(app.url(path))
            .header(COOKIE, &admin.cookie)
            .form(&body)
            .send()
    };
    let page = app
        .get_text_with_cookie("/staff/campagnes/nieuw", &admin.cookie)
        .await;
    assert!(
        page.contains(r#"name="q0_type""#) && page.contains(r#"name="title_nl""#),
        "the campaign form"
    );

    // A mistake: the page comes back with what was typed and says what is wrong.
    let typed = form(&[
        ("id", "Sterrenburg 2027"),
        ("title_nl", "Buurt & bankjes <b>"),
        ("kinds", "place"),
        ("k", "5"),
    ]);
    let res = post("/staff/campagnes/nieuw", typed).await.expect("post");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("text");
    assert!(
        html.contains("Buurt &amp; bankjes &lt;b"),
        "typed text kept, escaped: {}",
        &html[html.find("title_nl").unwrap_or(0)..][..300.min(html.len())]
    );
    assert!(html.contains("error-summary"));

    let mut fields = vec![
        ("id", "sterrenburg-2027"),
        ("status", "open"),
        ("title_nl", "Bankjes in Sterrenburg"),
        ("gemeenten", "GM0505"),
        ("kinds", "place"),
        ("kinds", "wish"),
        ("k", "5"),
        ("q0_type", "multiple"),
        ("q0_nl", "Waar zit u graag?"),
        ("q0_options", "In de zon | In the sun\nIn de schaduw"),
        ("q0_required", "true"),
        ("q1_type", "number"),
        ("q1_nl", "Hoeveel minuten loopt u per dag?"),
        ("q1_min", "0"),
        ("q1_max", "600"),
        ("demographics", "true"),
    ];
    let cats: Vec<&str> = [
        "community_centre",
        "bench",
        "park_square",
        "meeting_place",
        "green_play",
    ]
    .to_vec();
    fields.extend(cats.iter().map(|c| ("categories", *c)));
    let res = post("/staff/campagnes/nieuw", form(&fields))
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    let c: Value = app.get_json("/api/v1/campaigns/sterrenburg-2027").await;
    assert_eq!(
        c["categories"]["place"],
        json!(["community_centre", "bench", "park_square"])
    );
    assert_eq!(c["questions"][0]["options"][0]["id"], "in-de-zon");

    // Residents: the start page lists it, its page offers its two kinds, the form its categories.
    let home = app.get_text("/").await;
    assert!(
        home.contains(r#"href="/campagne/sterrenburg-2027""#)
            && home.contains("Bankjes in Sterrenburg")
    );
    let landing = app.get_text("/campagne/sterrenburg-2027").await;
    assert!(
        landing.contains("/meedoen/plek?c=sterrenburg-2027")
            && !landing.contains("/meedoen/drempel?c=")
    );
    let form_page = app.get_text("/meedoen/plek?c=sterrenburg-2027").await;
    assert!(form_page.contains(r#"value="bench""#) && !form_page.contains(r#"value="library""#));
    assert!(form_page.contains(r#"name="campaign" value="sterrenburg-2027""#));
    assert_eq!(
        app.get("/meedoen/drempel?c=sterrenburg-2027")
            .await
            .status(),
        410
    );

    // An entry through the plain form, then the survey offered on the thank-you page.
    let respondent = new_id();
    let entry = [
        ("id", new_id()),
        ("respondent", respondent.clone()),
        ("campaign", "sterrenburg-2027".into()),
        ("kind", "place".into()),
        ("category", "bench".into()),
        ("lon", "4.6712".into()),
        ("lat", "51.8123".into()),
        ("language", "nl".into()),
    ];
    let res = app
        .client
        .post(app.url("/meedoen/plek?c=sterrenburg-2027"))
        .form(&entry)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    let thanks = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(
        thanks.contains(&format!("?r={respondent}&c=sterrenburg-2027&sleutel=")),
        "{thanks}"
    );
    let page = app.get_text(&thanks).await;
    let survey_link = format!("/campagne/sterrenburg-2027/vragen?r={respondent}");
    assert!(page.contains(&survey_link), "the survey is offered");

    let survey = app.get_text(&survey_link).await;
    assert!(survey.contains("Waar zit u graag?") && survey.contains("Hoe oud ben je?"));
    let wrong = app
        .client
        .post(app.url(&survey_link))
        .form(&[
            ("respondent", respondent.as_str()),
            ("language", "nl"),
            ("q2", "601"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(wrong.status(), 422);
    let html = wrong.text().await.expect("text");
    assert!(
        html.contains("error-summary") && html.contains(r#"value="601""#),
        "answers kept"
    );
    let ok = app
        .client
        .post(app.url(&survey_link))
        .form(&[
            ("respondent", respondent.as_str()),
            ("language", "nl"),
            ("q1", "in-de-zon"),
            ("q2", "45"),
            ("age_band", "25_44"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(ok.status(), 303);
    assert_eq!(app.count_rows("survey_responses").await, 1);
    let again = app.get_text(&thanks).await;
    assert!(!again.contains(&survey_link), "answered: not offered again");
    let done = app.get_text(&format!("{survey_link}&klaar=1")).await;
    assert!(done.contains("Bedankt! Je antwoorden zijn opgeslagen."));

    let list = app
        .get_text_with_cookie("/staff/campagnes", &admin.cookie)
        .await;
    assert!(list.contains("Bankjes in Sterrenburg"));
}
