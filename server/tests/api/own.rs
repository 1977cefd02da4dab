//! A resident's private link: see, change and delete one's own entry; retention removes free text.

use serde_json::{json, Value};

use crate::helpers::*;

async fn private(
    app: &TestApp,
    method: reqwest::Method,
    id: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app.client.request(
        method,
        app.url(&format!("/api/v1/submissions/{id}/private")),
    );
    if let Some(k) = key {
        req = req.header("x-edit-key", k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("request")
}

#[tokio::test]
async fn the_author_sees_changes_and_deletes_an_entry_through_its_private_link() {
    let app = spawn_drechtsteden_app().await;
    let (id, respondent) = (new_id(), new_id());
    let body = barrier(&id, &respondent);
    let res = app.post_json(&body).await;
    assert_eq!(res.status(), 201);
    let receipt: Value = res.json().await.expect("json");
    let key = receipt["edit_key"].as_str().expect("a key").to_string();
    let again: Value = app.post_json(&body).await.json().await.expect("json");
    assert_eq!(
        again["edit_key"],
        key.as_str(),
        "a resend gets the same link"
    );

    use reqwest::Method;
    assert_eq!(
        private(&app, Method::GET, &id, None, None).await.status(),
        401
    );
    assert_eq!(
        private(
            &app,
            Method::GET,
            &id,
            Some("0123456789abcdef0123456789abcdef"),
            None
        )
        .await
        .status(),
        404
    );
    let own: Value = private(&app, Method::GET, &id, Some(&key), None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        own["text"], "Hoge stoep bij de bushalte",
        "the author sees their own text"
    );

    let bad = private(
        &app,
        Method::PATCH,
        &id,
        Some(&key),
        Some(json!({"category": "library"})),
    )
    .await;
    assert_eq!(bad.status(), 422);
    let changed = private(
        &app,
        Method::PATCH,
        &id,
        Some(&key),
        Some(json!({"category": "no_ramp", "text": "Geen oprit bij de bushalte"})),
    )
    .await;
    assert_eq!(changed.status(), 200);
    let public: Value = app.get_json(&format!("/api/v1/submissions/{id}")).await;
    assert_eq!(public["category"], "no_ramp");
    assert!(
        public.get("text").is_none(),
        "changed text waits for a moderator"
    );

    // The thank-you page shows the link with the key the sending answer gave. The author's own
    // respondent id alone is no proof (a link like /meedoen/drempel?r=… can give a resident an id
    // someone else knows, and the entry's id is public): it shows nothing, nor does a wrong key.
    let thanks = app
        .get_text(&format!("/bedankt/{id}?r={respondent}&sleutel={key}"))
        .await;
    assert!(thanks.contains(&format!("/mijn/{id}?sleutel={key}")));
    let fixed = app.get_text(&format!("/bedankt/{id}?r={respondent}")).await;
    assert!(
        !fixed.contains("sleutel="),
        "the author's respondent id alone"
    );
    let wrong = app
        .get_text(&format!(
            "/bedankt/{id}?r={respondent}&sleutel={}",
            "0".repeat(32)
        ))
        .await;
    assert!(!wrong.contains("/mijn/"), "a wrong key");

    // The page and its plain forms.
    let page = app.get_text(&format!("/mijn/{id}?sleutel={key}")).await;
    assert!(
        page.contains("Geen oprit bij de bushalte")
            && page.contains(&format!(r#"action="/mijn/{id}/verwijderen""#))
    );
    assert_eq!(
        app.get(&format!("/mijn/{id}?sleutel=wrong")).await.status(),
        404
    );
    let save = app
        .post_form(
            &format!("/mijn/{id}"),
            &[
                ("sleutel".into(), key.clone()),
                ("category".into(), "steps".into()),
                ("text".into(), String::new()),
            ],
        )
        .await;
    assert_eq!(save.status(), 303);
    let own: Value = private(&app, Method::GET, &id, Some(&key), None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (own["category"].as_str(), own["text"].is_null()),
        (Some("steps"), true)
    );
    let unsure = app
        .post_form(
            &format!("/mijn/{id}/verwijderen"),
            &[("sleutel".into(), key.clone())],
        )
        .await;
    assert_eq!(unsure.status(), 303);
    assert_eq!(
        app.count_rows("submissions").await,
        1,
        "not without ticking 'yes, delete'"
    );

    assert_eq!(
        private(&app, Method::DELETE, &id, Some(&key), None)
            .await
            .status(),
        204
    );
    assert_eq!(app.count_rows("submissions").await, 0);
    assert_eq!(
        app.get(&format!("/api/v1/submissions/{id}")).await.status(),
        404
    );
    assert_eq!(
        app.post_json(&body).await.status(),
        410,
        "an offline resend cannot bring it back"
    );
    assert_eq!(
        private(&app, Method::DELETE, &id, Some(&key), None)
            .await
            .status(),
        404
    );
    let gone = app
        .get_text(&format!("/mijn/{id}?sleutel={key}&melding=verwijderd"))
        .await;
    assert!(gone.contains("Je melding is verwijderd."));
}

#[tokio::test]
async fn retention_removes_free_text_and_keeps_the_counts() {
    let app = spawn_drechtsteden_app().await;
    let pool = app.pool().await;
    let campaign = json!({
        "id": "kort", "title": {"nl": "Kort bewaard"}, "kinds": ["barrier", "wish", "place"],
        "retention_days": 30,
        "questions": [{"id": "idea", "type": "text", "text": {"nl": "Uw idee"}},
                      {"id": "feel", "type": "scale", "text": {"nl": "Thuis?"}}]
    });
    sqlx::query(&app.sql("INSERT INTO campaigns (id, status, config, created_at) VALUES ('kort', 'open', ?, '2026-01-01')"))
        .bind(campaign.to_string())
        .execute(&pool)
        .await
        .expect("campaign");
    let (old, new) = (new_id(), new_id());
    for id in [&old, &new] {
        let mut b = barrier(id, &new_id());
        b["campaign"] = json!("kort");
        assert_eq!(app.post_json(&b).await.status(), 201);
    }
    // A place whose name the resident wrote: the name is theirs too, its qualities are not.
    let named = new_id();
    let mut p = place(&named, &new_id());
    p["campaign"] = json!("kort");
    p["details"]["name"] = json!("Huiskamer van Ans");
    assert_eq!(app.post_json(&p).await.status(), 201);
    let r = new_id();
    let res = app
        .client
        .post(app.url("/api/v1/campaigns/kort/responses"))
        .json(&json!({"respondent": r, "language": "nl", "answers": {"idea": "Een bankje", "feel": 4}}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 201);
    // Forty days pass for one entry and the survey answer.
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64;
    let forty_days_ago = server::domain::calendar::timestamp_of(now_ms - 40 * 86_400_000);
    for sql in [
        ("UPDATE submissions SET created_at = ? WHERE id = ?", &old),
        ("UPDATE submissions SET created_at = ? WHERE id = ?", &named),
        (
            "UPDATE survey_responses SET created_at = ? WHERE respondent = ?",
            &r,
        ),
    ] {
        sqlx::query(&app.sql(sql.0))
            .bind(&forty_days_ago)
            .bind(sql.1)
            .execute(&pool)
            .await
            .expect("time passes");
    }

    let (_store, svc) = app.service().await;
    assert_eq!(svc.apply_retention().await.expect("retention"), 2);
    assert_eq!(svc.apply_retention().await.expect("again"), 0, "once");

    let details: String =
        sqlx::query_scalar(&app.sql("SELECT details FROM submissions WHERE id = ?"))
            .bind(&named)
            .fetch_one(&pool)
            .await
            .expect("place");
    let details: Value = serde_json::from_str(&details).expect("json");
    assert_eq!(
        details,
        json!({"qualities": ["free", "toilet"]}),
        "the name gone, the qualities kept"
    );
    let texts: Vec<(String, Option<String>)> = sqlx::query_as(
        &app.sql("SELECT id, text FROM submissions WHERE kind = 'barrier' ORDER BY id = ?"),
    )
    .bind(&old)
    .fetch_all(&pool)
    .await
    .expect("rows");
    assert_eq!(texts.len(), 2, "both entries still count");
    assert_eq!(
        texts[0],
        (new.clone(), Some("Hoge stoep bij de bushalte".into())),
        "the recent one keeps its text"
    );
    assert_eq!(texts[1], (old.clone(), None));
    let answers: String = sqlx::query_scalar("SELECT answers FROM survey_responses")
        .fetch_one(&pool)
        .await
        .expect("answers");
    let answers: Value = serde_json::from_str(&answers).expect("json");
    assert_eq!(
        answers,
        json!({"feel": 4}),
        "short text gone, the scale kept"
    );
}

/// Retention counts an entry by its Dutch day: one made at 00:30 Dutch time on the first day still
/// kept (23:30 UTC the day before) keeps its words; one made an hour earlier loses them.
#[tokio::test]
async fn retention_counts_an_entry_by_its_dutch_day() {
    let app = spawn_drechtsteden_app().await;
    let pool = app.pool().await;
    let campaign = json!({
        "id": "kort", "title": {"nl": "Kort bewaard"}, "kinds": ["barrier", "wish", "place"],
        "retention_days": 30,
    });
    sqlx::query(&app.sql("INSERT INTO campaigns (id, status, config, created_at) VALUES ('kort', 'open', ?, '2026-01-01')"))
        .bind(campaign.to_string())
        .execute(&pool)
        .await
        .expect("campaign");
    let (kept, gone) = (new_id(), new_id());
    for id in [&kept, &gone] {
        let mut b = barrier(id, &new_id());
        b["campaign"] = json!("kort");
        assert_eq!(app.post_json(&b).await.status(), 201);
    }
    use server::domain::calendar::{add_days, start_of_dutch_day, today};
    let first_kept = add_days(today(), -30).expect("day");
    let midnight: jiff::Timestamp = start_of_dutch_day(first_kept)
        .expect("start")
        .parse()
        .expect("timestamp");
    let at = |minutes: i64| {
        server::domain::calendar::timestamp_of(midnight.as_millisecond() + minutes * 60_000)
    };
    for (id, moment) in [(&kept, at(30)), (&gone, at(-30))] {
        sqlx::query(&app.sql("UPDATE submissions SET created_at = ? WHERE id = ?"))
            .bind(&moment)
            .bind(id)
            .execute(&pool)
            .await
            .expect("time passes");
    }
    let (store, svc) = app.service().await;
    assert_eq!(svc.apply_retention().await.expect("retention"), 1);
    let text = |id: String| {
        let pool = pool.clone();
        let sql = app.sql("SELECT text FROM submissions WHERE id = ?");
        async move {
            sqlx::query_scalar::<_, Option<String>>(&sql)
                .bind(id)
                .fetch_one(&pool)
                .await
                .expect("row")
        }
    };
    assert!(
        text(kept.clone()).await.is_some(),
        "00:30 on the first day kept"
    );
    assert!(text(gone.clone()).await.is_none(), "23:30 the day before");
    store.close().await;
}
