//! Aggregates and exports over the real Drechtsteden buurten: suppression below k respondents, the
//! complementary suppression that stops differencing, and that a new entry counts at once.

use std::collections::HashMap;

use geo::InteriorPoint;
use serde_json::{json, Value};
use server::domain::areas::Level;
use server::import::boundaries::{read, Fields};

use crate::helpers::*;

/// Three buurten of one Dordrecht wijk, with a point inside each.
fn three_buurten_of_one_wijk() -> Vec<(String, f64, f64)> {
    let file = std::fs::read(shared_data().join("boundaries/drechtsteden_buurten_2023.geojson"))
        .expect("file");
    let buurten = read(&file, Level::Buurt, &Fields::default())
        .expect("reads")
        .areas;
    let mut by_wijk: HashMap<String, Vec<(String, f64, f64)>> = HashMap::new();
    for b in buurten.iter().filter(|b| b.code.starts_with("BU0505")) {
        if let Some(p) = b.shape.interior_point() {
            by_wijk.entry(b.code[2..8].to_string()).or_default().push((
                b.code.clone(),
                p.x(),
                p.y(),
            ));
        }
    }
    let mut wijken: Vec<_> = by_wijk.into_values().filter(|v| v.len() >= 3).collect();
    wijken.sort_by(|x, y| x[0].0.cmp(&y[0].0));
    let mut three = wijken.swap_remove(0);
    three.truncate(3);
    three
}

async fn add(app: &TestApp, n: usize, category: &str, at: &(String, f64, f64)) {
    for _ in 0..n {
        let mut b = barrier(&new_id(), &new_id());
        b["category"] = json!(category);
        b["location"] = json!({"lon": at.1, "lat": at.2});
        let res = app.post_json(&b).await;
        assert_eq!(res.status(), 201);
        let receipt: Value = res.json().await.expect("json");
        assert_eq!(receipt["areas"]["buurt"], at.0.as_str());
    }
}

/// The sum of a heatmap grid's cells around `bbox` for the filter `q`.
async fn heat_total(app: &TestApp, bbox: &str, q: &str) -> f64 {
    let grid: Value = app
        .get_json(&format!("/api/v1/heatmap?size=16&bbox={bbox}&{q}"))
        .await;
    grid["values"]
        .as_array()
        .expect("values")
        .iter()
        .filter_map(Value::as_f64)
        .sum()
}

fn figure<'a>(figs: &'a [Value], area: &str) -> &'a Value {
    figs.iter()
        .find(|f| f["area_code"] == area)
        .unwrap_or_else(|| panic!("no figure for {area} in {figs:#?}"))
}

#[tokio::test]
async fn aggregates_withhold_small_counts_and_blur_the_rest() {
    let app = spawn_drechtsteden_app().await;
    let [a, b, c] = <[_; 3]>::try_from(three_buurten_of_one_wijk()).expect("three");
    add(&app, 6, "steps", &a).await;
    add(&app, 1, "steps", &b).await;
    add(&app, 5, "steps", &c).await;

    let q = "/api/v1/aggregates?level=buurt&kind=barrier&category=steps&gemeente=GM0505";
    let figs: Vec<Value> = app.get_json(q).await;
    let fa = figure(&figs, &a.0);
    // Entry counts are exact (the public list shows the entries anyway); respondents carry noise.
    assert_eq!(fa["count"], 6, "{fa}");
    assert!(near(&fa["respondents"], 6), "{fa}");
    assert!(fa["respondents"].as_u64() <= fa["count"].as_u64());
    assert_eq!(fa["suppressed"], false);
    assert!(fa["area_name"].is_string());
    assert!(fa["per_1000"].as_f64().is_some_and(|x| x > 0.0), "{fa}");
    let fb = figure(&figs, &b.0);
    assert_eq!(fb["suppressed"], true);
    assert_eq!(
        (&fb["count"], &fb["respondents"], &fb["per_1000"]),
        (&Value::Null, &Value::Null, &Value::Null)
    );
    // Five residents are enough: released, with noise (no complementary suppression: the noise
    // keeps the wijk's total minus its buurten from giving the lone resident away).
    let fc = figure(&figs, &c.0);
    assert_eq!(fc["count"], 5, "{fc}");
    let wijk = format!("WK{}", &a.0[2..8]);
    let totals: Vec<Value> = app
        .get_json("/api/v1/aggregates?level=wijk&kind=barrier&category=steps&gemeente=GM0505")
        .await;
    assert_eq!(figure(&totals, &wijk)["count"], 12);
    // The lone resident's buurt is withheld in every topic.
    let kinds: Vec<Value> = app
        .get_json("/api/v1/aggregates?level=buurt&kind=barrier&gemeente=GM0505")
        .await;
    let total_b = kinds
        .iter()
        .find(|f| f["area_code"] == b.0.as_str() && f["category"].is_null())
        .expect("kind total");
    assert_eq!(total_b["suppressed"], true);
    // The same cell asked twice gives the same value: asking again averages nothing away.
    let again: Vec<Value> = app.get_json(q).await;
    assert_eq!(figure(&again, &a.0), fa);

    // A new entry is in the figures at once.
    add(&app, 1, "steps", &a).await;
    let figs: Vec<Value> = app.get_json(q).await;
    assert_eq!(figure(&figs, &a.0)["count"], 7);

    // The heatmap takes the filters that are public per entry: kind, category, period.
    let bbox = format!(
        "{},{},{},{}",
        a.1 - 0.01,
        a.2 - 0.01,
        a.1 + 0.01,
        a.2 + 0.01
    );
    assert!(heat_total(&app, &bbox, "category=steps").await > 6.5);
    assert_eq!(heat_total(&app, &bbox, "category=language").await, 0.0);
    assert_eq!(heat_total(&app, &bbox, "period=2020").await, 0.0);
    let pool = app.pool().await;
    let stamp: String = sqlx::query_scalar("SELECT max(created_at) FROM submissions")
        .fetch_one(&pool)
        .await
        .expect("stamp");
    let month = server::domain::calendar::dutch_month(&stamp)
        .expect("month")
        .to_string();
    assert!(heat_total(&app, &bbox, &format!("period={month}")).await > 6.5);
    assert_eq!(
        app.get(&format!("/api/v1/heatmap?bbox={bbox}&period=soon"))
            .await
            .status(),
        400
    );

    // Exports carry the same released figures.
    let csv = app.get_text(&q.replace("aggregates", "export.csv")).await;
    let header = csv.lines().next().expect("header");
    assert!(
        header.starts_with("area_code,area_name,level,kind,category,period"),
        "{header}"
    );
    let row_a = csv.lines().find(|l| l.starts_with(&a.0)).expect("row");
    assert!(row_a.contains(",barrier,steps,all,all,all,"), "{row_a}");
    let released: Vec<&str> = row_a
        .split(",barrier,steps,all,all,all,")
        .nth(1)
        .expect("cells")
        .split(',')
        .collect();
    assert_eq!(
        released[0],
        figure(&figs, &a.0)["count"].to_string(),
        "the API's figure"
    );
    assert_eq!(released[2], "false", "{row_a}");
    let row_b = csv.lines().find(|l| l.starts_with(&b.0)).expect("row");
    assert!(row_b.ends_with(",,,true,,all,all"), "{row_b}");
    let fc: Value = app
        .get_json(&q.replace("aggregates", "export.geojson"))
        .await;
    let features = fc["features"].as_array().expect("features");
    assert_eq!(
        features.len(),
        133,
        "every Dordrecht buurt, also those without entries"
    );
    let feature = |code: &str| {
        features
            .iter()
            .find(|f| f["properties"]["area_code"] == code)
            .expect("feature")
    };
    assert_eq!(
        feature(&a.0)["properties"]["count"],
        figure(&figs, &a.0)["count"]
    );
    assert_eq!(feature(&b.0)["properties"]["count"], Value::Null);
    assert_eq!(feature(&a.0)["geometry"]["type"], "MultiPolygon");
}

#[tokio::test]
async fn aggregate_filters_are_checked() {
    let app = spawn_app().await;
    let figs: Vec<Value> = app.get_json("/api/v1/aggregates?level=gemeente").await;
    assert_eq!(figs, Vec::<Value>::new(), "no areas, no figures");
    for (q, status, field) in [
        ("level=straat", 400, "level"),
        ("kind=bench", 400, "kind"),
        ("kind=place&category=steps", 400, "category"),
        ("from=2026-01&to=2026-05", 400, "to"),
        ("period=last-week", 400, "period"),
        ("source=fax", 400, "source"),
        ("colour=red", 400, "colour"),
    ] {
        for route in ["aggregates", "export.csv", "export.geojson"] {
            let res = app.get(&format!("/api/v1/{route}?{q}")).await;
            assert_eq!(res.status(), status, "{route}?{q}");
            let body: Value = res.json().await.expect("json");
            assert_eq!(body["errors"][0]["field"], field, "{route}?{q}");
        }
    }
    let raw = app.get("/api/v1/export.csv?raw=true").await;
    assert_eq!(raw.status(), 401);
    let ok = app
        .get("/api/v1/aggregates?from=2026-04&to=2026-06&level=wijk")
        .await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn the_dashboard_and_area_profile_render_the_released_figures() {
    let app = spawn_drechtsteden_app().await;
    let [a, b, c] = <[_; 3]>::try_from(three_buurten_of_one_wijk()).expect("three");
    // Far enough apart that the noise cannot swap them: 14 ± 3 against 6 ± 3.
    add(&app, 14, "steps", &a).await;
    add(&app, 1, "costs_money", &b).await;
    add(&app, 6, "steps", &c).await;

    let page = app
        .get("/inzicht?level=buurt&gemeente=GM0505&kind=barrier&measure=count&sort=count&dir=desc")
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains(r#"data-map="choropleth""#),
        "the map container"
    );
    assert!(html.contains("<table class=\"areas\""), "the table");
    assert!(
        html.contains(r#"aria-sort="descending""#),
        "sorted by count"
    );
    // The table lists every Dordrecht buurt; the busiest first, the lone respondent's hidden.
    let first_row = html
        .split("<tbody>")
        .nth(1)
        .and_then(|t| t.split("</tr>").next())
        .expect("row");
    assert!(first_row.contains(&a.0), "{first_row}");
    let shown: Vec<Value> = app
        .get_json("/api/v1/aggregates?level=buurt&gemeente=GM0505&kind=barrier")
        .await;
    let a_count = shown
        .iter()
        .find(|f| f["area_code"] == a.0.as_str() && f["category"].is_null())
        .map(|f| f["count"].clone())
        .expect("a");
    assert!(near(&a_count, 14));
    assert!(
        first_row.contains(&format!(">{a_count}<")),
        "the page shows the API's figure: {first_row}"
    );
    assert_eq!(html.matches("/inzicht/gebied/BU0505").count(), 133);
    let b_row = html
        .split("<tr")
        .find(|r| r.contains(&format!("/inzicht/gebied/{}", b.0)))
        .expect("b");
    assert!(
        b_row.contains("verborgen") && !b_row.contains(">1<"),
        "{b_row}"
    );
    assert!(
        html.contains("/api/v1/export.csv?level=buurt&amp;kind=barrier&amp;gemeente=GM0505"),
        "export link keeps the filter"
    );

    let profile = app.get(&format!("/inzicht/gebied/{}", a.0)).await;
    assert_eq!(profile.status(), 200);
    let html = profile.text().await.expect("html");
    assert!(
        html.contains("Drempels") && !html.contains("Hoge stoep bij de bushalte"),
        "no free text"
    );
    assert!(
        html.contains("Trap, drempel of hoge stoep"),
        "the category label"
    );

    assert_eq!(app.get("/inzicht/gebied/BU99999999").await.status(), 404);
    let bad = app.get_text("/inzicht?level=straat").await;
    assert!(
        bad.contains(r#"role="alert""#) && bad.contains("<code>level</code>"),
        "bad filter explained"
    );
}

#[tokio::test]
async fn a_whole_country_of_buurten_asks_for_a_gemeente_first() {
    let db = TestDb::fresh().await;
    let db_url = db.url.clone();
    let file = shared_data().join("boundaries/nl_buurten_2014_coarse.topojson");
    let out = trefpunt(
        &db_url,
        &[
            "import-areas",
            &file.display().to_string(),
            "--level",
            "buurt",
            "--year",
            "2014",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdok = spawn_pdok_standin().await;
    let app = spawn_app_on(db, format!("http://{pdok}/bzk/locatieserver/search/v3_1")).await;
    let html = app.get_text("/inzicht?level=buurt").await;
    // (Leptos marks the interpolated number with <!> comments.)
    assert!(
        html.contains(">10416<!> gebieden: te veel"),
        "the notice names the number"
    );
    assert!(
        !html.contains("data-map=\"choropleth\""),
        "no map of ten thousand areas"
    );
    let one = app.get_text("/inzicht?level=buurt&gemeente=GM0505").await;
    assert!(
        one.contains("data-map=\"choropleth\""),
        "one gemeente is drawn"
    );
}

#[tokio::test]
async fn ik_ook_counts_in_the_aggregates_once_per_resident() {
    let app = spawn_drechtsteden_app().await;
    let three = three_buurten_of_one_wijk();
    let spot = &three[0];
    let author = new_id();
    let mut b = barrier(&new_id(), &author);
    b["category"] = json!("poor_lighting");
    b["location"] = json!({"lon": spot.1, "lat": spot.2});
    assert_eq!(app.post_json(&b).await.status(), 201);
    let id = b["id"].as_str().expect("id").to_string();
    let me_too = |respondent: String| {
        let req = app
            .client
            .post(app.url(&format!("/api/v1/submissions/{id}/me-too")))
            .json(&json!({"respondent": respondent}));
        async move { req.send().await.expect("post") }
    };
    let q = "/api/v1/aggregates?level=buurt&kind=barrier&category=poor_lighting&gemeente=GM0505";
    let figure = |figs: Vec<Value>| {
        figs.into_iter()
            .find(|f| f["area_code"] == spot.0.as_str())
            .expect("the buurt")
    };
    assert_eq!(
        figure(app.get_json(q).await)["suppressed"],
        true,
        "one resident"
    );

    let others: Vec<String> = (0..4).map(|_| new_id()).collect();
    for r in &others {
        assert_eq!(me_too(r.clone()).await.status(), 201);
    }
    assert_eq!(
        me_too(others[0].clone()).await.status(),
        200,
        "once per resident"
    );
    assert_eq!(
        me_too(author.clone()).await.status(),
        200,
        "the author is counted already"
    );
    let res = me_too("not-a-uuid".into()).await;
    assert_eq!(res.status(), 422);
    let unknown = app
        .client
        .post(app.url(&format!("/api/v1/submissions/{}/me-too", new_id())))
        .json(&json!({"respondent": new_id()}))
        .send()
        .await
        .expect("post");
    assert_eq!(unknown.status(), 404);

    let f = figure(app.get_json(q).await);
    assert_eq!(f["count"], 5, "{f}");
    assert!(near(&f["respondents"], 5), "{f}");
    let public: Value = app.get_json(&format!("/api/v1/submissions/{id}")).await;
    assert_eq!(public["me_too"], 4);

    // From the entry's page, without JavaScript.
    let page = app.get_text(&format!("/melding/{id}")).await;
    assert!(page.contains(&format!(r#"action="/melding/{id}/ik-ook""#)));
    let res = app
        .post_form(
            &format!("/melding/{id}/ik-ook"),
            &[("respondent".into(), new_id())],
        )
        .await;
    assert_eq!(res.status(), 303);
    let f = figure(app.get_json(q).await);
    assert!(near(&f["respondents"], 6), "{f}");
    let page = app.get_text(&format!("/melding/{id}?ikook=1")).await;
    assert!(
        page.contains("bewoners zeiden: ik ook.") && page.contains(">5<"),
        "the page counts them: {}",
        &page[page.find("Herkent").unwrap_or(0)..][..300]
    );

    // Near the spot, the entry is offered for "ik ook" (the form's server function).
    let near: Vec<Value> = app
        .client
        .post(app.url("/_fn/nearby"))
        .json(&serde_json::json!({"kind": "barrier", "lon": spot.1, "lat": spot.2}))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(near[0]["id"], id.as_str());
}

#[tokio::test]
async fn the_area_profile_compares_who_took_part_with_cbs_age_bands() {
    let app = spawn_drechtsteden_app().await;
    let pool = app.pool().await;
    let campaign = json!({"id": "leeftijd", "title": {"nl": "Wie doet mee"}, "kinds": ["barrier", "wish", "place"], "demographics": true});
    sqlx::query(&app.sql("INSERT INTO campaigns (id, status, config, created_at) VALUES ('leeftijd', 'open', ?, '2026-01-01')"))
        .bind(campaign.to_string())
        .execute(&pool)
        .await
        .expect("campaign");
    let spot = three_buurten_of_one_wijk().swap_remove(0);
    // 7 aged 25-44, 6 aged 65+, 1 aged 15-24, 1 aged 45-64, 5 who did not say. It moves in steps
    // of k residents, those who gave an age apart from those who did not: 15 and 5, whole multiples
    // of k, so all of them are released.
    let bands = [
        vec!["25_44"; 7],
        vec!["65_plus"; 6],
        vec!["15_24"],
        vec!["45_64"],
        vec![""; 5],
    ]
    .concat();
    let take_part = |band: &'static str| {
        let app = &app;
        async move {
            let r = new_id();
            let mut b = barrier(&new_id(), &r);
            b["campaign"] = json!("leeftijd");
            b["location"] = json!({"lon": spot.1, "lat": spot.2});
            assert_eq!(app.post_json(&b).await.status(), 201);
            let answers = if band.is_empty() {
                json!({})
            } else {
                json!({"age_band": band})
            };
            let res = app
                .client
                .post(app.url("/api/v1/campaigns/leeftijd/responses"))
                .json(&json!({"respondent": r, "language": "nl", "answers": answers}))
                .send()
                .await
                .expect("post");
            assert_eq!(res.status(), 201);
        }
    };
    for band in bands {
        take_part(band).await;
    }
    // Per gemeente and campaign only: the buurt's profile says where to look.
    let buurt = app
        .get_text(&format!("/inzicht/gebied/{}?campaign=leeftijd", spot.0))
        .await;
    assert!(
        buurt.contains("voor een hele gemeente en één campagne"),
        "the note"
    );
    assert!(
        !buurt.contains("<th scope=\"col\">Leeftijd</th>"),
        "no bands per buurt"
    );
    let page = app
        .get_text("/inzicht/gebied/GM0505?campaign=leeftijd")
        .await;
    let section = &page[page.find("Wie deden er mee?").expect("the section")..];
    let section = &section[..section.find("</section>").expect("end")];
    assert!(
        !section.contains("geen CBS-cijfers"),
        "Drechtsteden has CBS age figures"
    );
    let row = |label: &str| {
        let at = section
            .find(label)
            .unwrap_or_else(|| panic!("{label} in {section}"));
        let start = section[..at].rfind("<tr").unwrap_or(0);
        section[start..]
            .split("</tr>")
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        row("25 tot en met 44 jaar").contains(">7<"),
        "{}",
        row("25 tot en met 44 jaar")
    );
    assert!(
        row("25 tot en met 44 jaar").contains("47%"),
        "7 of 15 who gave an age"
    );
    assert!(
        row("15 tot en met 24 jaar").contains("suppressed")
            && row("45 tot en met 64 jaar").contains("suppressed"),
        "a single resident is withheld"
    );
    assert!(
        row("65 jaar en ouder").contains("suppressed"),
        "and the next smallest band with them"
    );
    assert!(
        row("0 tot en met 14 jaar").contains('%'),
        "the CBS share is there"
    );
    // Watching it while one more resident (of 15 to 24) takes part shows nothing of them: the
    // section stays the same, to the byte, until k more took part.
    let before = section.to_string();
    take_part("15_24").await;
    let page = app
        .get_text("/inzicht/gebied/GM0505?campaign=leeftijd")
        .await;
    let section = &page[page.find("Wie deden er mee?").expect("the section")..];
    let section = &section[..section.find("</section>").expect("end")];
    assert_eq!(section, before, "one more resident changes nothing");
}
