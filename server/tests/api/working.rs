//! Working with residents: staff search every entry of their gemeenten and set its status with a
//! note; the resident answers the note through the private link; the answer is moderated, shown
//! with the entry once published, and removed with the free text.

use reqwest::header::COOKIE;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::staff::{add_staff_in, send_json, session};

/// The CSRF token of a staff page's forms.
fn csrf_of(page: &str) -> String {
    page.split(r#"name="csrf" value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("csrf field")
        .to_string()
}

/// Posts entry `id`'s staff form with the CSRF token of the staff `page` it came from.
async fn staff_form(
    app: &TestApp,
    cookie: &str,
    id: &str,
    page: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = csrf_of(page);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    app.client
        .post(app.url(&format!("/staff/melding/{id}")))
        .header(COOKIE, cookie)
        .form(&form)
        .send()
        .await
        .expect("post")
}

async fn reply(app: &TestApp, id: &str, key: &str, text: &str) -> reqwest::Response {
    app.post_form(
        &format!("/mijn/{id}/antwoord"),
        &[
            ("sleutel".into(), key.into()),
            ("antwoord".into(), text.into()),
        ],
    )
    .await
}

#[tokio::test]
async fn a_worker_leaves_a_note_the_resident_answers_and_the_answer_is_moderated() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let id = new_id();
    let mut wish = barrier(&id, &new_id());
    wish["kind"] = json!("wish");
    wish["category"] = json!("activity");
    wish["details"] = json!({"talent": "Ik kan koken voor twintig mensen"});
    wish["text"] = json!("Een kookavond in de buurt");
    let receipt: Value = app.post_json(&wish).await.json().await.expect("json");
    let key = receipt["edit_key"].as_str().expect("key").to_string();

    // No note yet: there is nothing to answer.
    let early = reply(&app, &id, &key, "Leuk!").await;
    assert_eq!(early.status(), 303);
    assert!(early.headers()["location"]
        .to_str()
        .expect("location")
        .contains("melding=ongeldig"));
    assert_eq!(app.count_rows("status_changes").await, 0);

    // The worker's note, through the API.
    let note = "We beginnen dinsdag een kookavond in het buurthuis: kom langs!";
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{id}"),
        &worker,
        &json!({"status": "in_progress", "status_note": note}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let own = app.get_text(&format!("/mijn/{id}?sleutel={key}")).await;
    assert!(own.contains(note), "the resident reads the note");
    assert!(own.contains(&format!(r#"action="/mijn/{id}/antwoord""#)));

    // A wrong key changes nothing; a reply too long is refused; then the reply.
    let wrong = reply(&app, &id, "0123456789abcdef0123456789abcdef", "Ik kom").await;
    assert_eq!(wrong.status(), 404);
    let long = reply(&app, &id, &key, &"x".repeat(501)).await;
    assert!(long.headers()["location"]
        .to_str()
        .expect("location")
        .contains("melding=ongeldig"));
    let answer = "Ik kom graag <b>helpen</b>, bel 06-12345678";
    let ok = reply(&app, &id, &key, answer).await;
    assert!(ok.headers()["location"]
        .to_str()
        .expect("location")
        .contains("melding=antwoord"));
    let own: Value = app
        .client
        .get(app.url(&format!("/api/v1/submissions/{id}/private")))
        .header("x-edit-key", &key)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(own["reply"], answer);
    assert_eq!(own["reply_public"], false);

    // Unpublished, the reply is nowhere public.
    let public: Value = app.get_json(&format!("/api/v1/submissions/{id}")).await;
    assert!(public.get("reply").is_none(), "{public}");
    assert!(!app
        .get_text(&format!("/melding/{id}"))
        .await
        .contains("helpen"));

    // The moderator sees it in the queue, escaped and with the phone number flagged.
    let desk = app.get_text_with_cookie("/staff", &worker.cookie).await;
    assert!(
        desk.contains("Ik kom graag &lt;b&gt;helpen&lt;/b&gt;"),
        "escaped"
    );
    assert!(desk.contains("<code>06-12345678</code>"), "flagged");
    assert!(
        desk.contains("Ik kan koken voor twintig mensen"),
        "the talent"
    );
    assert!(
        desk.contains(&format!(r#"value="{note}""#)),
        "the note field holds the note"
    );
    let queue: Vec<Value> = serde_json::from_str(
        &app.get_text_with_cookie("/api/v1/moderation", &worker.cookie)
            .await,
    )
    .expect("json");
    let item = queue
        .iter()
        .find(|q| q["id"] == id.as_str())
        .expect("queued");
    assert_eq!(item["reply"], answer);
    assert_eq!(item["talent_public"], false);

    // Published without the number, from the staff page's form.
    let saved = staff_form(
        &app,
        &worker.cookie,
        &id,
        &desk,
        &[
            ("text", "Een kookavond in de buurt"),
            ("category", "activity"),
            ("status", "taken_up"),
            ("status_note", note),
            ("note_shown", "true"),
            ("text_was", "Een kookavond in de buurt"),
            ("reply", "Ik kom graag helpen"),
            ("reply_was", answer),
            ("reply_shown", "true"),
            ("reply_public", "true"),
            ("talent_shown", "true"),
            ("talent_public", "true"),
            ("text_public", "true"),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let public: Value = app.get_json(&format!("/api/v1/submissions/{id}")).await;
    assert_eq!(public["reply"], "Ik kom graag helpen");
    assert_eq!(public["status"], "taken_up");
    let page = app.get_text(&format!("/melding/{id}")).await;
    assert!(page.contains("Ik kom graag helpen") && !page.contains("06-12345678"));

    // A changed reply waits for the moderator again.
    reply(&app, &id, &key, "Ik neem ook een pan mee").await;
    let public: Value = app.get_json(&format!("/api/v1/submissions/{id}")).await;
    assert!(public.get("reply").is_none(), "{public}");

    // A form read before that change applies nothing: the old reply does not come back.
    let stale = staff_form(
        &app,
        &worker.cookie,
        &id,
        &desk,
        &[
            ("status", "done"),
            ("reply", "Ik kom graag helpen"),
            ("reply_was", "Ik kom graag helpen"),
            ("reply_shown", "true"),
            ("reply_public", "true"),
        ],
    )
    .await;
    assert_eq!(stale.headers()["location"], "/staff?melding=gewijzigd");
    let own: Value = app
        .client
        .get(app.url(&format!("/api/v1/submissions/{id}/private")))
        .header("x-edit-key", &key)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(own["reply"], "Ik neem ook een pan mee");
    assert_eq!(
        (own["reply_public"].clone(), own["status"].clone()),
        (json!(false), json!("taken_up"))
    );

    // Each change of status is kept, in order; saving the form untouched adds none and changes
    // nothing (the category select, the note and the words were sent as they were).
    let desk = app.get_text_with_cookie("/staff", &worker.cookie).await;
    let untouched = staff_form(
        &app,
        &worker.cookie,
        &id,
        &desk,
        &[
            ("text", "Een kookavond in de buurt"),
            ("text_was", "Een kookavond in de buurt"),
            ("category", "activity"),
            ("status", "taken_up"),
            ("status_note", note),
            ("note_shown", "true"),
            ("reply", "Ik neem ook een pan mee"),
            ("reply_was", "Ik neem ook een pan mee"),
            ("reply_shown", "true"),
            ("text_public", "true"),
        ],
    )
    .await;
    assert_eq!(untouched.headers()["location"], "/staff?melding=opgeslagen");
    let pool = app.pool().await;
    let changes: Vec<(String,)> = sqlx::query_as(
        &app.sql("SELECT status FROM status_changes WHERE submission = ? ORDER BY id"),
    )
    .bind(&id)
    .fetch_all(&pool)
    .await
    .expect("changes");
    assert_eq!(
        changes,
        [("in_progress".to_string(),), ("taken_up".to_string(),)]
    );
    // The note is the entry's current one: corrected or emptied, the old words leave every page.
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{id}"),
        &worker,
        &json!({"status_note": "Gebeld met 06-12345678"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let desk = app.get_text_with_cookie("/staff", &worker.cookie).await;
    let res = staff_form(
        &app,
        &worker.cookie,
        &id,
        &desk,
        &[
            ("status", "taken_up"),
            ("status_note", note),
            ("note_shown", "true"),
            ("text_public", "true"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.count_rows("status_changes").await,
        2,
        "a note is not a change of status"
    );

    // "You said, we did": the area's page lists the changes, newest first, with the note.
    let done = app.get_text("/inzicht/gebied/GM0505/gedaan").await;
    assert!(
        done.contains(&format!(r#"href="/melding/{id}""#)),
        "links the entry"
    );
    let (taken, started) = (
        done.find("Opgepakt").expect("taken up"),
        done.find("In behandeling").expect("in progress"),
    );
    assert!(taken < started, "newest first");
    assert!(
        done.contains("We beginnen dinsdag een kookavond"),
        "the current note"
    );
    assert!(!done.contains("06-12345678"), "the corrected note is gone");
    assert!(
        !done.contains("Ik kom graag"),
        "the reply is the entry page's, not listed"
    );
    let profile = app.get_text("/inzicht/gebied/GM0505").await;
    assert!(profile.contains(r#"href="/inzicht/gebied/GM0505/gedaan""#));
    assert_eq!(app.get("/inzicht/gebied/GM9999/gedaan").await.status(), 404);
    // A hidden entry leaves the page.
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{id}"),
        &worker,
        &json!({"hidden": true}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let done = app.get_text("/inzicht/gebied/GM0505/gedaan").await;
    assert!(!done.contains(&id), "hidden: not listed");

    // Deleting the entry takes its history and reply along.
    let gone = app
        .post_form(
            &format!("/mijn/{id}/verwijderen"),
            &[
                ("sleutel".into(), key.clone()),
                ("zeker".into(), "ja".into()),
            ],
        )
        .await;
    assert_eq!(gone.status(), 303);
    assert_eq!(app.count_rows("status_changes").await, 0);
    assert!(!app.stored_text().await.contains("pan mee"));
}

#[tokio::test]
async fn staff_search_every_entry_of_their_gemeenten_and_nothing_else() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    // Two entries in Dordrecht (GM0505), one in Zwijndrecht (GM0642).
    let (a, b, elsewhere) = (new_id(), new_id(), new_id());
    let mut first = barrier(&a, &new_id());
    first["text"] = json!("Losse stoeptegels 100% gevaarlijk");
    assert_eq!(app.post_json(&first).await.status(), 201);
    let mut second = barrier(&b, &new_id());
    second["category"] = json!("poor_lighting");
    second["text"] = json!("Donker fietspad");
    assert_eq!(app.post_json(&second).await.status(), 201);
    let mut other = barrier(&elsewhere, &new_id());
    other["location"] = json!({"lon": 4.6553872, "lat": 51.8204757});
    other["text"] = json!("Stoeptegels in Zwijndrecht");
    let r: Value = app.post_json(&other).await.json().await.expect("json");
    assert_eq!(r["areas"]["gemeente"], "GM0642", "{r}");
    // The second one hidden: staff still find it.
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{b}"),
        &worker,
        &json!({"hidden": true}),
    )
    .await;
    assert_eq!(res.status(), 200);

    let list = |q: &'static str| {
        let app = &app;
        let cookie = worker.cookie.clone();
        async move {
            app.get_text_with_cookie(&format!("/staff/meldingen{q}"), &cookie)
                .await
        }
    };
    let all = list("").await;
    assert!(all.contains(&a) && all.contains(&b), "both of Dordrecht");
    assert!(!all.contains(&elsewhere), "not Zwijndrecht's");
    assert!(all.contains("Dordrecht"), "the area named");
    let words = list("?text=STOEPTEGELS").await;
    assert!(words.contains(&a) && !words.contains(&b));
    // The search's % is a character, not a wildcard.
    assert!(list("?text=100%25").await.contains(&a));
    assert!(!list("?text=1%25%25").await.contains(&a));
    let lighting = list("?kind=barrier&category=poor_lighting").await;
    assert!(lighting.contains(&b) && !lighting.contains(&a));
    assert!(!list("?status=done").await.contains(&a));
    assert!(list("?area=GM0505").await.contains(&a));
    assert!(
        !list("?area=GM0642").await.contains(&elsewhere),
        "another gemeente's area shows nothing of it"
    );
    assert!(!list("?from=2099-01-01").await.contains(&a));
    // A wrong search is named, and echoed escaped.
    let bad = list("?kind=%3Cscript%3Ealert(1)").await;
    assert!(bad.contains("kind: must be place, barrier or wish"));
    assert!(!bad.contains("<script>alert(1)"));
    let echoed = list("?text=%22%3E%3Cimg%20src%3Dx%3E").await;
    assert!(!echoed.contains("<img src=x>") && echoed.contains("&quot;&gt;&lt;img"));

    // A change from the search goes back to the same search; a forged return address cannot leave it.
    let page = list("?text=stoep").await;
    let res = staff_form(
        &app,
        &worker.cookie,
        &a,
        &page,
        &[
            ("status", "in_progress"),
            ("status_note", "Wij kijken ernaar"),
            ("note_shown", "true"),
            ("terug", "text=stoep&x=//evil.example"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/staff/meldingen?text=stoep&melding=opgeslagen"
    );
    let forged = staff_form(
        &app,
        &worker.cookie,
        &a,
        &page,
        &[
            ("status", "in_progress"),
            ("terug", "kind=https://evil.example"),
        ],
    )
    .await;
    assert_eq!(
        forged.headers()["location"],
        "/staff/meldingen?melding=opgeslagen"
    );
    // Zwijndrecht's entry cannot be changed by Dordrecht's worker.
    let res = staff_form(
        &app,
        &worker.cookie,
        &elsewhere,
        &page,
        &[("status", "done")],
    )
    .await;
    assert_eq!(res.status(), 403);
}

/// A wish at `lon` in Dordrecht, with a text and maybe a talent; its id.
async fn wish_at(
    app: &TestApp,
    respondent: &str,
    lon: f64,
    text: &str,
    talent: Option<&str>,
) -> String {
    let id = new_id();
    let mut w = barrier(&id, respondent);
    w["kind"] = json!("wish");
    w["category"] = json!("activity");
    w["location"] = json!({"lon": lon, "lat": 51.8123456});
    w["details"] = match talent {
        Some(t) => json!({"talent": t}),
        None => json!({}),
    };
    w["text"] = json!(text);
    let res = app.post_json(&w).await;
    assert_eq!(res.status(), 201);
    id
}

#[tokio::test]
async fn staff_see_wishes_and_talents_matched_and_the_profile_lists_only_published_talents() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    add_staff_in(&app, "worker", "zwijndrecht@welzijn.nl", &["GM0642"]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let other = session(&app, "zwijndrecht@welzijn.nl").await;
    let (me, neighbour, far) = (new_id(), new_id(), new_id());
    let base = 4.6712345;
    let wish = wish_at(&app, &me, base, "Een kookavond in de buurt", None).await;
    // 300 m east, a cook; 1.4 km away, another; and the wisher's own talent, right there.
    let cook = wish_at(
        &app,
        &neighbour,
        base + 0.004364,
        "Samen eten",
        Some("Ik kan koken voor twintig mensen"),
    )
    .await;
    let far_cook = wish_at(&app, &far, base + 0.02, "Samen eten", Some("Ik kook graag")).await;
    let own = wish_at(
        &app,
        &me,
        base + 0.0001,
        "Meer doen",
        Some("Ik bak taarten"),
    )
    .await;

    // Published while three residents offer talents here: their count is withheld, so no list.
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{cook}"),
        &worker,
        &json!({"talent_public": true}),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(!app
        .get_text("/inzicht/gebied/GM0505")
        .await
        .contains("Ik kan koken"));
    // Three more residents offer something far from the wish: five residents with a talent, so
    // the gemeente's count of them (and with it the list of published talents) can be released.
    for (i, talent) in ["Ik speel gitaar", "Ik geef taalles", "Ik snoei heggen"]
        .into_iter()
        .enumerate()
    {
        wish_at(
            &app,
            &new_id(),
            base - 0.01 - 0.002 * i as f64,
            "Iets samen",
            Some(talent),
        )
        .await;
    }
    let res = app
        .get_with_cookie("/api/v1/talents?gemeente=GM0505", &worker.cookie)
        .await;
    assert_eq!(res.status(), 200);
    let overview: Value = res.json().await.expect("json");
    let matches = overview["matches"].as_array().expect("matches");
    let of_wish: Vec<&Value> = matches
        .iter()
        .filter(|m| m["wish"]["id"] == wish.as_str())
        .collect();
    assert_eq!(of_wish.len(), 1, "{matches:?}");
    assert_eq!(of_wish[0]["talent"]["id"], cook.as_str());
    assert_eq!(of_wish[0]["theme"], "cooking");
    let metres = of_wish[0]["metres"].as_u64().expect("metres");
    assert!((280..=320).contains(&metres), "{metres}");
    assert!(!matches
        .iter()
        .any(|m| m["talent"]["id"] == far_cook.as_str() && m["wish"]["id"] == wish.as_str()));
    assert!(
        !matches
            .iter()
            .any(|m| m["talent"]["id"] == own.as_str() && m["wish"]["id"] == wish.as_str()),
        "not with oneself"
    );
    let text = overview.to_string();
    assert!(
        !text.contains(&me) && !text.contains(&neighbour),
        "respondent ids never leave"
    );

    // The page says the same, in words.
    let page = app
        .get_text_with_cookie("/staff/talenten?gemeente=GM0505", &worker.cookie)
        .await;
    assert!(
        page.contains("Een kookavond in de buurt")
            && page.contains("Ik kan koken voor twintig mensen")
    );
    assert!(
        page.contains(&format!(r#"href="/staff/meldingen?id={wish}""#)),
        "a way to leave the note"
    );
    let one = app
        .get_text_with_cookie(&format!("/staff/meldingen?id={wish}"), &worker.cookie)
        .await;
    assert!(one.contains(&format!(r#"action="/staff/melding/{wish}""#)) && !one.contains(&cook));

    // Another gemeente's worker, no session, a wrong code.
    let res = app
        .get_with_cookie("/api/v1/talents?gemeente=GM0505", &other.cookie)
        .await;
    assert_eq!(res.status(), 403);
    // A buurt's code is no gemeente of the desks, not even for an admin (who works for all). The
    // pages never pass one on (`gemeente_param`); the service refuses it all the same.
    let buurt: String = sqlx::query_scalar(&app.sql("SELECT buurt FROM submissions WHERE id = ?"))
        .bind(&wish)
        .fetch_one(&app.pool().await)
        .await
        .expect("the wish's buurt");
    assert!(buurt.starts_with("BU0505"), "{buurt}");
    let (_store, svc) = app.service().await;
    let admin = server::store::SessionUser {
        user_id: 1,
        email: "beheer@gemeente.nl".into(),
        role: server::domain::roles::Role::Admin,
        csrf: String::new(),
        gemeenten: Vec::new(),
    };
    assert!(matches!(
        svc.talents_page(&admin, Some(buurt.clone())).await,
        Err(server::service::ServiceError::NotFound)
    ));
    assert!(matches!(
        svc.dynamics_desk(&admin, Some(buurt), Vec::new()).await,
        Err(server::service::ServiceError::NotFound)
    ));
    let page = svc
        .talents_page(&admin, Some("GM0505".into()))
        .await
        .expect("Dordrecht's page");
    assert!(page.overview.is_some_and(|o| o.gemeente == "GM0505"));
    assert!(!app
        .get_text_with_cookie("/staff/talenten?gemeente=GM0505", &other.cookie)
        .await
        .contains("kookavond"));
    assert_eq!(
        app.get("/api/v1/talents?gemeente=GM0505").await.status(),
        401
    );
    let res = app
        .get_with_cookie("/api/v1/talents?gemeente=%3Cb%3E", &worker.cookie)
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.expect("json")["errors"][0]["field"],
        "gemeente"
    );

    // The public profile lists a talent once a moderator published it, and never a hidden one.
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{cook}"),
        &worker,
        &json!({"talent_public": true}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let profile = app.get_text("/inzicht/gebied/GM0505").await;
    assert!(profile.contains("Ik kan koken voor twintig mensen"));
    assert!(!profile.contains("Ik kook graag") && !profile.contains("Ik bak taarten"));
    // Never for a buurt: a list there would point at the few who live in it.
    let buurt = app.get_text("/inzicht/gebied/BU05050101").await;
    assert!(!buurt.contains("Ik kan koken"));
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{cook}"),
        &worker,
        &json!({"talent_public": true, "hidden": true}),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(!app
        .get_text("/inzicht/gebied/GM0505")
        .await
        .contains("Ik kan koken"));
    // A barrier has no talent to publish.
    let b = new_id();
    assert_eq!(app.post_json(&barrier(&b, &new_id())).await.status(), 201);
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{b}"),
        &worker,
        &json!({"talent_public": true}),
    )
    .await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn no_words_are_taken_in_after_retention_removed_them() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let id = new_id();
    let receipt: Value = app
        .post_json(&barrier(&id, &new_id()))
        .await
        .json()
        .await
        .expect("json");
    let key = receipt["edit_key"].as_str().expect("key").to_string();
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{id}"),
        &worker,
        &json!({"status": "in_progress", "status_note": "Wij kijken ernaar"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let patch = |body: Value| {
        let app = &app;
        let key = key.clone();
        let id = id.clone();
        async move {
            app.client
                .patch(app.url(&format!("/api/v1/submissions/{id}/private")))
                .header("x-edit-key", key)
                .json(&body)
                .send()
                .await
                .expect("patch")
        }
    };
    // Through the API as through the page: a reply is taken in and waits for a moderator.
    let res = patch(json!({"reply": "Fijn, dank je"})).await;
    assert_eq!(res.status(), 200);
    let own: Value = res.json().await.expect("json");
    assert_eq!(
        (own["reply"].clone(), own["reply_public"].clone()),
        (json!("Fijn, dank je"), json!(false))
    );
    let res = patch(json!({"reply": "x".repeat(501)})).await;
    assert_eq!(res.status(), 422);
    // What retention leaves behind (see own.rs for retention itself): words removed, marked so.
    let pool = app.pool().await;
    sqlx::query(&app.sql(
        "UPDATE submissions SET text = NULL, reply = NULL, text_removed_at = '2026-01-01T00:00:00.000Z' WHERE id = ?",
    ))
    .bind(&id)
    .execute(&pool)
    .await
    .expect("retention");
    for (body, field) in [
        (json!({"reply": "Toch nog iets"}), "reply"),
        (json!({"text": "Nieuwe woorden"}), "text"),
    ] {
        let res = patch(body).await;
        assert_eq!(res.status(), 422);
        let errors: Value = res.json().await.expect("json");
        assert_eq!(errors["errors"][0]["field"], field, "{errors}");
    }
    assert!(!app.stored_text().await.contains("Toch nog iets"));
    // A moderator cannot publish or write words that are gone either.
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{id}"),
        &worker,
        &json!({"text": "Hoge stoep", "text_public": true}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let public: Value = app.get_json(&format!("/api/v1/submissions/{id}")).await;
    assert!(public.get("text").is_none(), "{public}");
}

#[tokio::test]
async fn the_public_map_filters_by_kind_and_status_and_links_each_entry() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let (done, open, place) = (new_id(), new_id(), new_id());
    for body in [
        barrier(&done, &new_id()),
        barrier(&open, &new_id()),
        crate::helpers::place(&place, &new_id()),
    ] {
        assert_eq!(app.post_json(&body).await.status(), 201);
    }
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{done}"),
        &worker,
        &json!({"status": "done"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let ids = |list: Vec<Value>| -> Vec<String> {
        list.iter()
            .map(|e| e["id"].as_str().expect("id").to_string())
            .collect()
    };
    let finished: Vec<Value> = app.get_json("/api/v1/submissions?status=done").await;
    assert_eq!(ids(finished), std::slice::from_ref(&done));
    let places: Vec<Value> = app.get_json("/api/v1/submissions?kind=place").await;
    assert_eq!(ids(places), std::slice::from_ref(&place));
    let res = app.get("/api/v1/submissions?status=hidden").await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.expect("json")["errors"][0]["field"],
        "status"
    );

    // The page: its list follows the filter, its map gets the same query, each entry is linked.
    let page = app.get_text("/kaart?kind=barrier&status=done").await;
    assert!(page.contains(&format!(r#"href="/melding/{done}""#)));
    assert!(!page.contains(&open) && !page.contains(&place));
    assert!(
        page.contains(r#"data-query="&amp;kind=barrier&amp;status=done""#),
        "the map's query"
    );
    assert!(
        page.contains(r#"data-known="false""#),
        "known places have no status"
    );
    // Words the page does not know are left out, never echoed.
    let odd = app.get_text("/kaart?status=%3Cscript%3E&kind=x").await;
    assert!(odd.contains(r#"data-query="""#) && !odd.contains("<script>alert"));
    assert!(odd.contains(&open) && odd.contains(&place));
}

#[tokio::test]
async fn the_area_report_gathers_the_public_pages_on_paper_without_navigation() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let id = new_id();
        let mut b = barrier(&id, &new_id());
        b["text"] = json!(format!("Stoep {i} <script>alert(1)</script>"));
        assert_eq!(app.post_json(&b).await.status(), 201);
        ids.push(id);
    }
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{}", ids[0]),
        &worker,
        &json!({"status": "taken_up", "status_note": "De stoep wordt <b>verlaagd</b>"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let page = app.get_text("/inzicht/gebied/GM0505/rapport").await;
    assert!(
        page.contains(r#"class="report-svg""#),
        "the map drawn by the server"
    );
    for heading in [
        "Gebiedsrapport: Dordrecht",
        "Kaart",
        "Kerncijfers",
        "Talenten en wensen",
        "Wie de drempels tegenhouden",
        "Enquête",
        "Wie deden er mee?",
        "Op loopafstand (10 minuten)",
        "Jullie zeiden, wij deden",
        "Waar dit op rust",
    ] {
        assert!(page.contains(heading), "{heading}");
    }
    // The map: the outline and a dot per entry, at public positions (the same cell: 3 dots).
    assert!(page.contains(r#"class="area-outline""#));
    assert_eq!(page.matches(r#"class="dot-barrier""#).count(), 3);
    // What staff wrote is escaped; residents' unpublished words are not there at all.
    assert!(page.contains("De stoep wordt &lt;b&gt;verlaagd&lt;/b&gt;"));
    assert!(!page.contains("Stoep 0"));
    // Paper has no navigation.
    assert!(!page.contains(r#"href="/kaart""#) && !page.contains("site-footer"));
    assert_eq!(
        app.get("/inzicht/gebied/GM9999/rapport").await.status(),
        404
    );
    let profile = app.get_text("/inzicht/gebied/GM0505").await;
    assert!(profile.contains(r#"href="/inzicht/gebied/GM0505/rapport""#));
}

/// A spot in Dordrecht whose buurt is not the buurt of its public 100 m cell's centre: (exact
/// buurt, public buurt, lon, lat).
fn spot_across_a_border() -> (String, String, f64, f64) {
    use server::domain::areas::{Area, AreaIndex, Level};
    use server::import::boundaries::{read, Fields};
    let file = std::fs::read(shared_data().join("boundaries/drechtsteden_buurten_2023.geojson"))
        .expect("file");
    let buurten = read(&file, Level::Buurt, &Fields::default())
        .expect("reads")
        .areas;
    let index = AreaIndex::new(
        buurten
            .iter()
            .map(|a| Area {
                code: a.code.clone(),
                level: Level::Buurt,
                shape: a.shape.clone(),
            })
            .collect(),
    );
    // Every 37 m over central Dordrecht until one lies across a border from its cell's centre.
    for i in 0..200 {
        for j in 0..200 {
            let (lon, lat) = (
                4.66 + f64::from(i) * 0.00053,
                51.80 + f64::from(j) * 0.00033,
            );
            let public = server::domain::privacy::coarsen(app::model::Location { lon, lat });
            let exact = index.assign(lon, lat).buurt;
            let shown = index.assign(public.lon, public.lat).buurt;
            if let (Some(a), Some(b)) = (exact, shown) {
                if a != b && a.starts_with("BU0505") && b.starts_with("BU0505") {
                    return (a, b, lon, lat);
                }
            }
        }
    }
    panic!("no spot across a border")
}

#[tokio::test]
async fn you_said_we_did_places_an_entry_by_its_public_position_not_its_exact_one() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let (exact, public, lon, lat) = spot_across_a_border();
    let id = new_id();
    let mut b = barrier(&id, &new_id());
    b["location"] = json!({"lon": lon, "lat": lat});
    let r: Value = app.post_json(&b).await.json().await.expect("json");
    assert_eq!(r["areas"]["buurt"], exact.as_str(), "counted where it is");
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{id}"),
        &worker,
        &json!({"status": "in_progress"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    // Listed where the map shows it: its page never tells which side of the border it lies on.
    let shown = app
        .get_text(&format!("/inzicht/gebied/{public}/gedaan"))
        .await;
    assert!(
        shown.contains(&id),
        "under the buurt of its public position"
    );
    let hidden = app
        .get_text(&format!("/inzicht/gebied/{exact}/gedaan"))
        .await;
    assert!(
        !hidden.contains(&id),
        "not under the buurt of its exact position"
    );
    // The same on the report's map.
    let report = app
        .get_text(&format!("/inzicht/gebied/{exact}/rapport"))
        .await;
    assert_eq!(report.matches(r#"class="dot-barrier""#).count(), 0);
    let report = app
        .get_text(&format!("/inzicht/gebied/{public}/rapport"))
        .await;
    assert_eq!(report.matches(r#"class="dot-barrier""#).count(), 1);
}
