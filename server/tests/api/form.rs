//! The resident form without JavaScript: plain urlencoded POSTs, as a browser sends them.

use crate::helpers::*;

fn form_body(id: &str, respondent: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = [
        ("id", id),
        ("respondent", respondent),
        ("campaign", "default"),
        ("kind", "barrier"),
        ("language", "nl"),
        ("lon", ""),
        ("lat", ""),
        ("address", ""),
        ("text", ""),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, val) in extra {
        v.retain(|(key, _)| !(key == k && ["lon", "lat", "address", "text"].contains(k)));
        v.push((k.to_string(), val.to_string()));
    }
    v
}

#[tokio::test]
async fn a_valid_form_post_redirects_to_the_thank_you_page() {
    let app = spawn_app().await;
    let (id, r) = (new_id(), new_id());
    let body = form_body(
        &id,
        &r,
        &[
            ("category", "poor_lighting"),
            ("severity", "2"),
            ("affects", "elderly"),
            ("affects", "children"),
            ("lon", "4.68"),
            ("lat", "51.81"),
            ("text", "Donker pad"),
        ],
    );
    let res = app.post_form("/meedoen/drempel", &body).await;
    assert_eq!(res.status(), 303);
    // On to the thank-you page, with the private link's key the answer gave (only this visit has it).
    let location = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(
        location.starts_with(&format!("/bedankt/{id}?r={r}&sleutel=")),
        "{location}"
    );
    let thanks = app.get_text(&location).await;
    assert!(
        thanks.contains(&format!("/mijn/{id}?sleutel=")),
        "the page shows the link"
    );
    assert_eq!(app.count_rows("submissions").await, 1);

    // Pressing back and sending again (same id, same content) is harmless.
    let again = app.post_form("/meedoen/drempel", &body).await;
    assert_eq!(again.status(), 303);
    assert_eq!(app.count_rows("submissions").await, 1);
}

#[tokio::test]
async fn a_typed_address_is_looked_up_at_pdok() {
    let app = spawn_app().await;
    let id = new_id();
    let body = form_body(
        &id,
        &new_id(),
        &[
            ("category", "steps"),
            ("severity", "3"),
            ("address", "Bolstraat 1 Utrecht"),
        ],
    );
    let res = app.post_form("/meedoen/drempel", &body).await;
    assert_eq!(
        res.status(),
        303,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let list: Vec<serde_json::Value> = app
        .get_json("/api/v1/submissions?bbox=5.1,52.0,5.2,52.1")
        .await;
    assert_eq!(
        list.len(),
        1,
        "stored near Bolstraat 1, Utrecht (coarsened)"
    );
}

#[tokio::test]
async fn an_invalid_form_comes_back_with_the_answers_and_what_is_wrong() {
    let app = spawn_app().await;
    // With entries stored the page waits on data; it must still come back whole, not streamed.
    let res = app.post_json(&place(&new_id(), &new_id())).await;
    assert_eq!(res.status(), 201);
    let body = form_body(
        &new_id(),
        &new_id(),
        &[
            ("text", "Mijn </textarea><script>alert(1)</script> verhaal"),
            ("affects", "buggy"),
        ],
    );
    let res = app.post_form("/meedoen/drempel", &body).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("html");
    let main = &html[html.find("<main").expect("main")..html.find("</main>").expect("end of main")];
    assert!(
        main.contains("error-summary"),
        "the error summary is in the page itself, which works without JavaScript"
    );
    assert!(
        !html.contains("<template id="),
        "nothing is left for a script to swap in"
    );
    assert!(
        html.contains("href=\"#f-category\""),
        "linking to the category question"
    );
    assert!(html.contains("href=\"#f-severity\""));
    assert!(html.contains("Kies er een."), "in plain Dutch");
    assert!(
        html.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the resident's text comes back, escaped"
    );
    assert!(!html.contains("<script>alert(1)"));
    assert!(
        html.contains("value=\"buggy\" checked"),
        "checked boxes stay checked"
    );
    assert_eq!(app.count_rows("submissions").await, 1);

    let unknown_address = form_body(
        &new_id(),
        &new_id(),
        &[
            ("category", "steps"),
            ("severity", "1"),
            ("address", "qwxyz 999"),
        ],
    );
    let res = app.post_form("/meedoen/drempel", &unknown_address).await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .expect("html")
        .contains("We konden dit adres niet vinden"));
    assert_eq!(app.count_rows("submissions").await, 1);
}

#[tokio::test]
async fn changing_a_sent_form_offers_it_as_a_new_entry() {
    let app = spawn_app().await;
    let (id, r) = (new_id(), new_id());
    let first = form_body(
        &id,
        &r,
        &[
            ("category", "steps"),
            ("severity", "1"),
            ("lon", "4.68"),
            ("lat", "51.81"),
        ],
    );
    assert_eq!(
        app.post_form("/meedoen/drempel", &first).await.status(),
        303
    );
    let changed = form_body(
        &id,
        &r,
        &[
            ("category", "no_ramp"),
            ("severity", "1"),
            ("lon", "4.68"),
            ("lat", "51.81"),
        ],
    );
    let res = app.post_form("/meedoen/drempel", &changed).await;
    assert_eq!(res.status(), 409);
    let html = res.text().await.expect("html");
    assert!(html.contains("form-notice"));
    assert!(
        !html.contains(&format!("value=\"{id}\"")),
        "the form got a fresh id"
    );
    assert_eq!(app.count_rows("submissions").await, 1);
}

#[tokio::test]
async fn a_form_with_the_hidden_field_filled_is_answered_but_not_stored() {
    let app = spawn_app().await;
    let page = app.get_text("/meedoen/drempel").await;
    assert!(
        page.contains(r#"name="website""#),
        "the honeypot is in the form"
    );
    let (id, r) = (new_id(), new_id());
    let body = form_body(
        &id,
        &r,
        &[
            ("category", "steps"),
            ("severity", "2"),
            ("lon", "4.68"),
            ("lat", "51.81"),
            ("website", "https://spam.example"),
        ],
    );
    let res = app.post_form("/meedoen/drempel", &body).await;
    assert_eq!(res.status(), 303, "a robot learns nothing");
    assert_eq!(app.count_rows("submissions").await, 0);
}
