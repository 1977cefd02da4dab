//! Server-rendered pages: usable before (and without) any WASM.

use crate::helpers::*;

#[tokio::test]
async fn pages_render_in_dutch_by_default_and_in_the_chosen_language() {
    let app = spawn_app().await;
    let home = app.get("/").await;
    assert_eq!(home.status(), 200);
    let html = home.text().await.expect("html");
    assert!(
        html.contains("lang=\"nl\""),
        "{}",
        &html[..300.min(html.len())]
    );
    assert!(html.contains("Samen maken we de buurt"));
    assert!(html.contains("href=\"/meedoen/drempel\""));

    let en = app
        .client
        .get(app.url("/"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .expect("get");
    let html = en.text().await.expect("html");
    assert!(html.contains("lang=\"en\""));
    assert!(html.contains("build our neighbourhood"));

    // Choosing: a cookie for a year, back to where the resident was; the cookie beats the browser.
    let choose = app.get("/taal/en?terug=/kaart").await;
    assert_eq!(choose.status(), 303);
    assert_eq!(choose.headers()["location"], "/kaart");
    let cookie = choose.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_string();
    assert!(
        cookie.starts_with("lang=en;") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let map = app
        .client
        .get(app.url("/kaart"))
        .header("cookie", "lang=en")
        .header("accept-language", "nl")
        .send()
        .await
        .expect("get");
    assert!(map
        .text()
        .await
        .expect("html")
        .contains("What the neighbourhood has added"));

    // No open redirect through the language link.
    let evil = app.get("/taal/nl?terug=//evil.example").await;
    assert_eq!(evil.headers()["location"], "/");
    assert_eq!(app.get("/taal/xx").await.status(), 404);
}

#[tokio::test]
async fn the_form_page_has_fresh_ids_and_unknown_pages_are_404() {
    let app = spawn_app().await;
    let html = app.get_text("/meedoen/plek").await;
    assert!(html.contains("name=\"id\""));
    assert!(html.contains("method=\"post\""));
    assert!(html.contains("action=\"/meedoen/plek\""));
    let r = new_id();
    let with_r = app.get_text(&format!("/meedoen/wens?r={r}")).await;
    assert!(
        with_r.contains(&format!("value=\"{r}\"")),
        "the visit's respondent id is kept"
    );

    for path in ["/meedoen/onzin", "/bestaat-niet"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
    }
    assert_eq!(app.get("/healthz").await.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.expect("text"), "ready");
    assert_eq!(app.get("/privacy").await.status(), 200);
}

#[tokio::test]
async fn six_languages_are_one_tap_away_and_arabic_reads_right_to_left() {
    let app = spawn_app().await;
    let home = app.get_text("/").await;
    for (code, name) in [
        ("nl", "Nederlands"),
        ("en", "English"),
        ("tr", "Türkçe"),
        ("ar", "العربية"),
        ("pl", "Polski"),
        ("uk", "Українська"),
    ] {
        assert!(
            home.contains(&format!(r#"href="/taal/{code}?terug=/""#)) && home.contains(name),
            "{code} offered by its own name"
        );
        let page = app
            .get_text_with_cookie("/meedoen/drempel", &format!("lang={code}"))
            .await;
        let dir = if code == "ar" { "rtl" } else { "ltr" };
        assert!(
            page.contains(&format!(r#"<html lang="{code}" dir="{dir}""#)),
            "{code}: {}",
            &page[..200.min(page.len())]
        );
    }
}

#[tokio::test]
async fn pages_arrive_whole_for_browsers_without_javascript() {
    let app = spawn_app().await;
    // Streamed-in parts (a <template> swapped by script) would leave a no-JS browser an empty page.
    for round in 0..4 {
        for (path, marker) in [
            ("/meedoen/plek", r#"id="f-text""#),
            ("/meedoen/drempel", r#"id="f-text""#),
            ("/", r#"href="/meedoen/wens""#),
            ("/campagne/default", r#"href="/meedoen/plek?c=default""#),
            ("/staff", r#"action="/staff/inloggen""#),
        ] {
            let html = app.get_text(path).await;
            let main = &html[html.find("<main").expect("main")..html.find("</main>").expect("end")];
            assert!(
                main.contains(marker),
                "round {round}: {path} lacks {marker} inside <main>"
            );
            assert!(
                !html.contains("<template id="),
                "round {round}: {path} streamed a part out of order"
            );
        }
    }
}

#[tokio::test]
async fn readiness_follows_the_database() {
    let db = TestDb::fresh().await;
    let store = server::store::Store::open(&db.url).await.expect("open");
    assert!(store.ready().await);
    store.close().await;
    assert!(!store.ready().await, "a closed database is not ready");
}
