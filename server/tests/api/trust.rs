//! The trust issue's holes, each tried as an attacker would: forged private links, script through
//! a page title, missing security headers, exact positions through box edges, a resident's words
//! outliving their removal, events across gemeenten, unbounded public reads, and server functions
//! nobody needs.

use blake2::digest::{KeyInit, Mac};
use blake2::Blake2sMac256;
use reqwest::header::COOKIE;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::staff::{add_staff, add_staff_in, call, send_json, session, sign_in, Session, PASSWORD};

/// What a private link's key was before the fix: the MAC refused the 64-character secret as a key
/// and fell back to an all-zero one.
fn zero_key(id: &str) -> String {
    let mut mac = <Blake2sMac256 as KeyInit>::new(&[0u8; 32].into());
    mac.update(b"trefpunt edit key\0");
    mac.update(id.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

async fn private(app: &TestApp, id: &str, key: &str) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/api/v1/submissions/{id}/private")))
        .header("x-edit-key", key)
        .send()
        .await
        .expect("get")
}

#[tokio::test]
async fn private_links_take_the_whole_secret_and_a_key_under_a_zero_key_is_refused() {
    let app = spawn_app().await;
    let (id, r) = (new_id(), new_id());
    let receipt: Value = app
        .post_json(&barrier(&id, &r))
        .await
        .json()
        .await
        .expect("json");
    let key = receipt["edit_key"].as_str().expect("key").to_string();

    // The secret as the server made it: 32 random bytes, the old one gone.
    let pool = app.pool().await;
    let secrets: Vec<(String, String)> =
        sqlx::query_as("SELECT name, value FROM secrets ORDER BY name DESC")
            .fetch_all(&pool)
            .await
            .expect("secrets");
    let names: Vec<&str> = secrets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["sign_in_device", "private_link", "cell_key"],
        "the old edit_key is gone"
    );
    for (name, value) in &secrets {
        assert_eq!(hex::decode(value).expect("hex").len(), 32, "{name}");
    }
    let secrets: Vec<(String, String)> = secrets
        .into_iter()
        .filter(|(n, _)| n == "private_link")
        .collect();

    // The key is the MAC under that secret, and not the one anybody could compute.
    let mut mac =
        <Blake2sMac256 as KeyInit>::new_from_slice(&hex::decode(&secrets[0].1).expect("hex"))
            .expect("32 bytes");
    mac.update(b"trefpunt edit key\0");
    mac.update(id.as_bytes());
    assert_eq!(key, hex::encode(&mac.finalize().into_bytes()[..16]));
    let forged = zero_key(&id);
    assert_ne!(key, forged);
    assert_eq!(
        private(&app, &id, &forged).await.status(),
        404,
        "a key under a zero key opens nothing"
    );
    for res in [
        app.client
            .patch(app.url(&format!("/api/v1/submissions/{id}/private")))
            .header("x-edit-key", &forged)
            .json(&json!({"text": "gekaapt"}))
            .send()
            .await
            .expect("patch"),
        app.client
            .delete(app.url(&format!("/api/v1/submissions/{id}/private")))
            .header("x-edit-key", &forged)
            .send()
            .await
            .expect("delete"),
    ] {
        assert_eq!(res.status(), 404);
    }
    assert_eq!(
        app.get(&format!("/mijn/{id}?sleutel={forged}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        private(&app, &id, &key).await.status(),
        200,
        "the real key still works"
    );
    assert_eq!(app.count_rows("submissions").await, 1);
}

/// Markup that closes a title or an attribute and opens a script.
const MARKUP: &str = "\"'></title><script>alert(1)</script><x";

fn encoded(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn markup_through_any_path_parameter_stays_text() {
    let app = spawn_drechtsteden_app().await;
    add_staff(&app, "admin", "beheer@gemeente.nl");
    let admin = session(&app, "beheer@gemeente.nl").await;
    let m = encoded(MARKUP);
    let id = new_id();
    // Every page with a path parameter (app/src/app.rs, routes::events), the markup in each in turn,
    // and the query parameters pages echo.
    let paths = [
        format!("/meedoen/{m}"),
        format!("/meedoen/drempel?c={m}"),
        format!("/meedoen/drempel?papier={m}"),
        format!("/bedankt/{m}"),
        format!("/bedankt/{id}?r={m}&c={m}"),
        format!("/melding/{m}"),
        format!("/melding/{id}?r={m}"),
        format!("/mijn/{m}"),
        format!("/mijn/{id}?sleutel={m}&melding={m}"),
        format!("/staff/campagnes/{m}"),
        format!("/staff?melding={m}"),
        format!("/kiosk/{m}"),
        format!("/kiosk/{m}/{m}"),
        format!("/campagne/{m}"),
        format!("/campagne/{m}/vragen"),
        format!("/campagne/default/vragen?r={m}"),
        format!("/inzicht/gebied/{m}"),
        format!("/inzicht/gebied/BU05050101?period={m}&campaign={m}"),
        format!("/inzicht?gemeente={m}&level={m}&category={m}"),
        format!("/staff/evenementen/{m}/poster"),
        format!("/staff/evenementen/{m}/qr.svg"),
        format!("/tablet/{m}?sleutel={m}"),
        format!("/qr/{m}?sleutel={m}"),
        format!("/taal/{m}?terug={m}"),
        format!("/{m}"),
    ];
    for path in &paths {
        for cookie in [None, Some(admin.cookie.as_str())] {
            let mut req = app.client.get(app.url(path));
            if let Some(c) = cookie {
                req = req.header(COOKIE, c);
            }
            let res = req.send().await.expect("get");
            let status = res.status();
            let location = res
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap_or_default().to_string())
                .unwrap_or_default();
            let body = res.text().await.expect("body");
            assert!(
                !body.contains("<script>alert(1)") && !body.contains("</title><script"),
                "{path} ({status}) echoes live markup:\n{}",
                body.get(body.find("alert(1)").unwrap_or(0).saturating_sub(200)..)
                    .unwrap_or(&body)
                    .chars()
                    .take(300)
                    .collect::<String>()
            );
            assert!(
                !location.contains('<') && !location.contains('"'),
                "{path}: Location {location}"
            );
        }
    }
    // The title in particular: the area code is in it, as text.
    let page = app.get_text(&format!("/inzicht/gebied/{m}")).await;
    let title = page
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .expect("a title");
    assert!(title.contains("&lt;/title&gt;&lt;script&gt;"), "{title}");
}

/// Every inline script and style of a page carries the one nonce its policy names (the page's
/// `<noscript>` style at least), and no inline script goes without it. (An empty script, which
/// leptos_i18n leaves as a placeholder, runs nothing: browsers skip it before the CSP.)
fn nonces_agree(path: &str, csp: &str, html: &str) {
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|n| n.split('\'').next())
        .unwrap_or_else(|| panic!("{path}: no nonce in the policy: {csp}"));
    let attributes: Vec<&str> = html
        .split("nonce=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(!attributes.is_empty(), "{path}: no element carries a nonce");
    assert!(
        attributes.iter().all(|a| *a == nonce),
        "{path}: {attributes:?} against the policy's {nonce}"
    );
    for script in html.split("<script").skip(1) {
        let (tag, rest) = script.split_once('>').unwrap_or_default();
        let body = rest.split("</script>").next().unwrap_or_default();
        if !tag.contains("src=") && !body.trim().is_empty() {
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: <script{tag}>"
            );
        }
    }
}

fn csp_of(res: &reqwest::Response) -> String {
    res.headers()
        .get("content-security-policy")
        .map(|v| v.to_str().expect("ascii").to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn every_html_answer_carries_a_strict_policy_and_https_cookies_are_secure() {
    let pdok = spawn_pdok_standin().await;
    let app = spawn_app_configured(
        TestDb::fresh().await,
        format!("http://{pdok}/bzk/locatieserver/search/v3_1"),
        |s| {
            s.public_url = Some("https://trefpunt.example".into());
            s.tile_url = server::config::DEFAULT_TILE_URL.into();
        },
    )
    .await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    for path in [
        "/",
        "/kaart",
        "/inzicht",
        "/meedoen/drempel",
        "/meedoen/plek",
        "/privacy",
        "/staff",
        "/staff/evenementen",
        "/bestaat-niet",
    ] {
        let res = app
            .client
            .get(app.url(path))
            .header(COOKIE, &worker.cookie)
            .send()
            .await
            .expect("get");
        let csp = csp_of(&res);
        for part in [
            "default-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "img-src 'self' data: blob: https://service.pdok.nl",
        ] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
        assert!(
            !csp.contains("'unsafe-inline'") && !csp.contains("'unsafe-eval'"),
            "{path}: {csp}"
        );
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert!(h.contains_key("strict-transport-security"), "{path}");
        let html = res.text().await.expect("html");
        nonces_agree(path, &csp, &html);
    }
    // A form sent back with its errors (422) is rendered again: its nonce is the policy's too.
    let res = app
        .client
        .post(app.url("/meedoen/drempel"))
        .form(&[("category", "steps"), ("language", "nl")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    let csp = csp_of(&res);
    nonces_agree(
        "422 /meedoen/drempel",
        &csp,
        &res.text().await.expect("html"),
    );
    // Each answer has its own nonce, and the form's script is a file, not inline script.
    let form = app.get("/meedoen/drempel").await;
    let a = csp_of(&form);
    let b = csp_of(&app.get("/meedoen/drempel").await);
    assert!(
        a.contains("'nonce-") && a != b,
        "a fresh nonce per page: {a}"
    );
    let html = form.text().await.expect("html");
    assert!(html.contains(r#"<script defer src="/js/form.js"#), "{html}");
    assert!(
        !html.contains("<leptos-island") && !html.contains("/pkg/trefpunt.js"),
        "a resident's page loads no WASM"
    );

    // Over https every cookie is Secure: the language, an event link's and the staff session's.
    let lang = app.get("/taal/en").await;
    assert!(lang.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .contains("; Secure"));
    let res = send_json(
        &app,
        Method::POST,
        "/events",
        &worker,
        &json!({"campaign": "default", "name": "Plein", "day": server::domain::calendar::today()}),
    )
    .await;
    let event: Value = res.json().await.expect("json");
    let link = app.get(event["qr_url"].as_str().expect("url")).await;
    assert_eq!(link.status(), 303);
    assert!(link.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .contains("; Secure"));
    let signin = crate::staff::sign_in(&app, "opbouw@welzijn.nl", crate::staff::PASSWORD).await;
    assert!(signin.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .contains("; Secure"));
}

/// Six barriers by six residents inside one public 100 m cell, at exact longitudes spread across
/// it; returns the cell's public centre and the cell's west and east edges.
async fn one_cell_of_barriers(app: &TestApp) -> (f64, f64, f64, f64) {
    use server::domain::privacy::coarsen;
    let centre = coarsen(app::model::Location {
        lon: 4.6712345,
        lat: 51.8123456,
    });
    let dlon = 100.0 / (111_320.0 * centre.lat.to_radians().cos());
    let (west, east) = (centre.lon - dlon / 2.0, centre.lon + dlon / 2.0);
    for i in 0..6 {
        let lon = west + dlon * (0.1 + 0.16 * f64::from(i));
        let exact = app::model::Location {
            lon,
            lat: centre.lat + 0.0001,
        };
        assert_eq!(coarsen(exact), centre, "inside the cell");
        let mut b = barrier(&new_id(), &new_id());
        b["location"] = json!({"lon": lon, "lat": exact.lat});
        assert_eq!(app.post_json(&b).await.status(), 201);
    }
    (centre.lon, centre.lat, west, east)
}

#[tokio::test]
async fn moving_a_box_edge_in_metre_steps_says_nothing_within_a_cell() {
    let app = spawn_app().await;
    let (clon, clat, west, east) = one_cell_of_barriers(&app).await;
    let metre = 1.0 / (111_320.0 * clat.to_radians().cos());
    let steps = ((east - west) / metre) as i64 + 10;
    let (mut heat, mut listed) = (Vec::new(), Vec::new());
    for s in -5..steps {
        let edge = west + metre * s as f64;
        let bbox = format!(
            "{edge:.7},{:.7},{:.7},{:.7}",
            clat - 0.003,
            clon + 0.01,
            clat + 0.003
        );
        let grid: Value = app
            .get_json(&format!("/api/v1/heatmap?bbox={bbox}&kind=barrier"))
            .await;
        let total: f64 = grid["values"]
            .as_array()
            .expect("values")
            .iter()
            .filter_map(Value::as_f64)
            .sum();
        let list: Vec<Value> = app
            .get_json(&format!("/api/v1/submissions?bbox={bbox}"))
            .await;
        heat.push((edge, (total * 1000.0).round() as i64));
        listed.push((edge, list.len()));
    }
    // Each series changes once, where the edge passes the public centre: never at an exact
    // longitude inside the cell.
    for (name, series) in [
        (
            "heatmap",
            heat.iter().map(|(e, v)| (*e, *v)).collect::<Vec<_>>(),
        ),
        (
            "list",
            listed.iter().map(|(e, v)| (*e, *v as i64)).collect(),
        ),
    ] {
        let changes: Vec<f64> = series
            .windows(2)
            .filter(|w| w[0].1 != w[1].1)
            .map(|w| w[1].0)
            .collect();
        assert_eq!(changes.len(), 1, "{name}: {series:?}");
        assert!(
            (changes[0] - clon).abs() <= 1.5 * metre,
            "{name} changed at {} not at the centre {clon}",
            changes[0]
        );
        assert_eq!(
            series[0].1,
            if name == "list" { 6 } else { 6000 },
            "{name}: all six inside at first"
        );
    }
}

#[tokio::test]
async fn removed_words_are_nowhere_in_the_database() {
    let app = spawn_drechtsteden_app().await;
    let pool = app.pool().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let campaign = json!({"id": "kort", "title": {"nl": "Kort bewaard"}, "kinds": ["barrier", "wish", "place"], "retention_days": 30});
    sqlx::query(&app.sql("INSERT INTO campaigns (id, status, config, created_at) VALUES ('kort', 'open', ?, '2026-01-01')"))
        .bind(campaign.to_string())
        .execute(&pool)
        .await
        .expect("campaign");
    let words = |what: &str| format!("WOORDEN{what}XQZ");

    // Retention: a wish's text and talent, a place's "who".
    let (wish, place_id) = (new_id(), new_id());
    let w = json!({"id": wish, "respondent": new_id(), "campaign": "kort", "kind": "wish", "category": "activity",
        "location": {"lon": 4.6712345, "lat": 51.8123456}, "details": {"talent": words("TALENT")},
        "text": words("RETENTIE"), "language": "nl"});
    let mut p = place(&place_id, &new_id());
    p["campaign"] = json!("kort");
    p["details"]["who"] = json!(words("WIE"));
    // The author's own change.
    let (own, moderated, dup, kept) = (new_id(), new_id(), new_id(), new_id());
    let mut o = barrier(&own, &new_id());
    o["text"] = json!(words("AUTEUR"));
    // A moderator removing a phone number.
    let mut m = barrier(&moderated, &new_id());
    m["text"] = json!(format!("{} bel 0612345678", words("MODERATOR")));
    // A duplicate merged into another entry.
    let mut d = barrier(&dup, &new_id());
    d["text"] = json!(words("DUPLICAAT"));
    let k = barrier(&kept, &new_id());
    let mut keys = std::collections::HashMap::new();
    for body in [&w, &p, &o, &m, &d, &k] {
        let res = app.post_json(body).await;
        assert_eq!(res.status(), 201);
        let r: Value = res.json().await.expect("json");
        keys.insert(
            body["id"].as_str().expect("id").to_string(),
            r["edit_key"].as_str().expect("key").to_string(),
        );
    }
    assert!(
        app.stored_text().await.contains(&words("AUTEUR")),
        "the words are stored at first"
    );

    let changed = app
        .client
        .patch(app.url(&format!("/api/v1/submissions/{own}/private")))
        .header("x-edit-key", &keys[&own])
        .json(&json!({"text": "Een andere tekst"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(changed.status(), 200);
    if !app.is_postgres() {
        assert!(
            !app.stored_text().await.contains(&words("AUTEUR")),
            "the author's change empties the write-ahead log at once, not at the next hourly round"
        );
    }
    assert_eq!(
        send_json(
            &app,
            Method::PATCH,
            &format!("/submissions/{moderated}"),
            &worker,
            &json!({"text": "bel [verwijderd]"})
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        send_json(
            &app,
            Method::PATCH,
            &format!("/submissions/{dup}"),
            &worker,
            &json!({"merge_into": kept})
        )
        .await
        .status(),
        200
    );
    let forty_days_ago = {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_millis() as i64;
        server::domain::calendar::timestamp_of(now - 40 * 86_400_000)
    };
    sqlx::query(&app.sql("UPDATE submissions SET created_at = ? WHERE campaign = 'kort'"))
        .bind(&forty_days_ago)
        .execute(&pool)
        .await
        .expect("time passes");
    let (store, svc) = app.service().await;
    assert_eq!(svc.apply_retention().await.expect("retention"), 2);
    store.close().await;

    // Resends still compare as the same entries.
    assert_eq!(
        app.post_json(&o).await.status(),
        200,
        "the author's entry, changed since"
    );
    assert_eq!(
        app.post_json(&w).await.status(),
        200,
        "an entry past retention"
    );
    let mut other = o.clone();
    other["category"] = json!("no_ramp");
    assert_eq!(
        app.post_json(&other).await.status(),
        409,
        "another entry under the same id"
    );

    if app.is_postgres() {
        sqlx::query("VACUUM").execute(&pool).await.expect("vacuum");
    } else {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&pool)
            .await
            .expect("checkpoint");
    }
    let stored = app.stored_text().await;
    for what in [
        "TALENT",
        "RETENTIE",
        "WIE",
        "AUTEUR",
        "MODERATOR",
        "DUPLICAAT",
    ] {
        assert!(
            !stored.contains(&words(what)),
            "{what}: the removed words are still in the database"
        );
    }
    assert!(!stored.contains("0612345678"));
    assert!(
        stored.contains("Een andere tekst") && stored.contains("bel [verwijderd]"),
        "what replaced them stays"
    );
}

#[tokio::test]
async fn events_of_a_campaign_that_runs_everywhere_stay_with_their_gemeenten() {
    let app = spawn_app().await;
    add_staff_in(&app, "worker", "dordrecht@welzijn.nl", &["GM0505"]);
    add_staff_in(&app, "worker", "collega@welzijn.nl", &["GM0505"]);
    add_staff_in(&app, "worker", "zwijndrecht@welzijn.nl", &["GM0642"]);
    add_staff(&app, "admin", "beheer@gemeente.nl");
    let [dordrecht, colleague, zwijndrecht, admin]: [Session; 4] = [
        session(&app, "dordrecht@welzijn.nl").await,
        session(&app, "collega@welzijn.nl").await,
        session(&app, "zwijndrecht@welzijn.nl").await,
        session(&app, "beheer@gemeente.nl").await,
    ];
    // `default` runs everywhere.
    let res = send_json(&app, Method::POST, "/events", &dordrecht, &json!({"campaign": "default", "name": "Pleinfeest", "day": server::domain::calendar::today()})).await;
    assert_eq!(res.status(), 201);
    let event: Value = res.json().await.expect("json");
    let id = event["id"].as_str().expect("id");
    assert_eq!(event["gemeenten"], json!(["GM0505"]));
    for (who, sees) in [
        (&dordrecht, true),
        (&colleague, true),
        (&admin, true),
        (&zwijndrecht, false),
    ] {
        let list: Vec<Value> = call(&app, Method::GET, "/events", Some(who), false)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(list.iter().any(|e| e["id"] == id), sees);
        let one = call(
            &app,
            Method::GET,
            &format!("/events/{id}"),
            Some(who),
            false,
        )
        .await;
        assert_eq!(one.status(), if sees { 200 } else { 404 });
    }
    let close = send_json(
        &app,
        Method::PATCH,
        &format!("/events/{id}"),
        &zwijndrecht,
        &json!({"status": "closed"}),
    )
    .await;
    assert_eq!(
        close.status(),
        404,
        "another gemeente's worker cannot close it"
    );
    let page = app
        .get_text_with_cookie("/staff/evenementen", &zwijndrecht.cookie)
        .await;
    assert!(!page.contains(id), "nor see it on the staff page");
    let form = app
        .client
        .post(app.url(&format!("/staff/evenementen/{id}/status")))
        .header(COOKIE, &zwijndrecht.cookie)
        .form(&[("csrf", zwijndrecht.csrf.as_str()), ("status", "closed")])
        .send()
        .await
        .expect("post");
    assert_ne!(form.status(), 303, "nor close it through the form");
    let still: Value = call(
        &app,
        Method::GET,
        &format!("/events/{id}"),
        Some(&dordrecht),
        false,
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(still["status"], "open");
}

#[tokio::test]
async fn public_reads_are_bounded() {
    let app = spawn_drechtsteden_app().await;
    for path in [
        "/api/v1/heatmap?bbox=3.3,50.8,7.2,53.5&size=512",
        "/api/v1/submissions?bbox=4.0,51.0,5.5,52.0",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 422, "{path}");
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["errors"][0]["field"], "bbox");
    }
    assert_eq!(
        app.get("/api/v1/heatmap?bbox=4.5,51.7,5.5,52.7&size=512")
            .await
            .status(),
        200,
        "1° each way is fine"
    );
    // The areas are built once per import and served from that cache: the same bytes again.
    let first = app
        .get("/api/v1/areas?level=buurt")
        .await
        .bytes()
        .await
        .expect("body");
    let again = app
        .get("/api/v1/areas?level=buurt")
        .await
        .bytes()
        .await
        .expect("body");
    assert_eq!(first, again);
    assert!(first.len() > 100_000);
}

#[tokio::test]
async fn only_the_forms_five_server_functions_answer_and_reads_are_limited() {
    let pdok = spawn_pdok_standin().await;
    let app = spawn_app_configured(
        TestDb::fresh().await,
        format!("http://{pdok}/bzk/locatieserver/search/v3_1"),
        |s| {
            s.read_limit_per_minute = 60;
            s.read_limit_burst = 3;
        },
    )
    .await;
    for gone in [
        "area_profile",
        "insight",
        "recent",
        "entry",
        "staff_desk",
        "staff_view",
        "open_campaigns",
        "campaign_info",
        "edit_key",
        "own_entry",
        "form_context",
        "kiosk",
    ] {
        let res = app
            .client
            .post(app.url(&format!("/_fn/{gone}")))
            .json(&json!({}))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 404, "/_fn/{gone}");
    }
    let search = || async {
        app.client
            .post(app.url("/_fn/geocode"))
            .header("x-forwarded-for", "203.0.113.7")
            .json(&json!({"q": "Bolstraat 1 Utrecht"}))
            .send()
            .await
            .expect("post")
    };
    for _ in 0..3 {
        assert_eq!(search().await.status(), 200);
    }
    let refused = search().await;
    assert_eq!(refused.status(), 429);
    // The form's live check draws on the same budget.
    let check = app
        .client
        .post(app.url("/_fn/check"))
        .header("x-forwarded-for", "203.0.113.7")
        .json(&json!({"draft": {"kind": "barrier"}, "found": []}))
        .send()
        .await
        .expect("post");
    assert_eq!(check.status(), 429, "the live check is a limited read");
    // The API's address search draws on the same budget of reads (which refills one a second,
    // so a few tries: an unlimited route would answer all of them).
    let mut answers = Vec::new();
    for _ in 0..5 {
        answers.push(
            app.get("/api/v1/geocode?q=Bolstraat")
                .await
                .status()
                .as_u16(),
        );
    }
    assert!(
        answers.contains(&429),
        "GET /api/v1/geocode is a limited read too: {answers:?}"
    );
    assert_eq!(
        refused.headers()["x-content-type-options"],
        "nosniff",
        "a refusal is guarded too"
    );
    assert!(refused.headers().contains_key("retry-after"));
}

/// A database of the version before (migrations up to 0014: the whole entry as sent in `canonical`,
/// merged duplicates keeping their words) opened by this one: hashes instead of copies, the merged
/// duplicate's words scrubbed, and none of the removed words left in the files.
#[tokio::test]
async fn an_older_database_is_upgraded_without_its_removed_words() {
    let db = TestDb::fresh().await;
    let dialect = if db.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let older = tempfile::tempdir().expect("tempdir");
    let migrations = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dialect);
    for file in std::fs::read_dir(&migrations).expect("migrations") {
        let path = file.expect("file").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if name.as_str() < "0015" && name.ends_with(".sql") {
            std::fs::copy(&path, older.path().join(&name)).expect("copy");
        }
    }
    let url = if db.is_postgres() {
        db.url.clone()
    } else {
        format!("{}?mode=rwc", db.url)
    };
    let old = pool(&url).await;
    sqlx::migrate::Migrator::new(older.path())
        .await
        .expect("older migrations")
        .run(&old)
        .await
        .expect("the older schema");

    let words = |what: &str| format!("WOORDEN{what}XQZ");
    let canonical = |id: &str, text: &str, who: &str| {
        let input: app::model::SubmissionInput = serde_json::from_value(json!({
            "id": id, "respondent": new_id(), "kind": "place", "category": "library",
            "location": {"lon": 4.6601, "lat": 51.8102},
            "details": {"name": "Bibliotheek", "qualities": [], "who": who},
            "text": text, "language": "nl"
        }))
        .expect("input");
        app::model::validate(&input)
            .expect("valid")
            .canonical_json()
    };
    // Kept: its text is still its own. Retained: its text went with retention, the copy stayed.
    // Merged: folded into the kept one, words and copy still there.
    let (kept, retained, merged) = (new_id(), new_id(), new_id());
    let rows = [
        (
            &kept,
            Some(words("GEHOUDEN")),
            canonical(&kept, &words("GEHOUDEN"), "buren"),
            None,
        ),
        (
            &retained,
            None,
            canonical(&retained, &words("RETENTIE"), "buren"),
            None,
        ),
        (
            &merged,
            Some(words("DUPLICAAT")),
            canonical(&merged, &words("DUPLICAAT"), &words("WIE")),
            Some(&kept),
        ),
    ];
    for (id, text, canonical, into) in &rows {
        let who = if into.is_some() {
            words("WIE")
        } else {
            "buren".to_string()
        };
        sqlx::query(&sql(
            &db.url,
            "INSERT INTO submissions (id, respondent, campaign, kind, category, lon, lat, details, answers, \
             text, language, source, canonical, created_at, hidden, merged_into) \
             VALUES (?, ?, 'default', 'place', 'library', 4.6601, 51.8102, ?, '{}', ?, 'nl', 'web', ?, \
             '2026-03-02T10:00:00.000Z', ?, ?)",
        ))
        .bind(id.as_str())
        .bind(new_id())
        .bind(json!({"name": "Bibliotheek", "qualities": [], "who": who}).to_string())
        .bind(text.clone())
        .bind(canonical.as_str())
        .bind(i32::from(into.is_some()))
        .bind(into.cloned())
        .execute(&old)
        .await
        .expect("an older row");
    }
    old.close().await;

    let store = server::store::Store::open(&db.url).await.expect("upgrade");
    store.close().await;
    let now = pool(&db.url).await;
    let hashes: Vec<(String, String, String, Option<String>)> =
        sqlx::query_as("SELECT id, content_hash, wordless_hash, text FROM submissions ORDER BY id")
            .fetch_all(&now)
            .await
            .expect("rows");
    now.close().await;
    let is_hash = |h: &str| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit());
    for (id, full, wordless, text) in &hashes {
        assert!(is_hash(wordless), "{id}: {wordless}");
        if id == &kept {
            assert!(
                is_hash(full),
                "a row with its own words keeps a full hash: {full}"
            );
            assert_eq!(text.as_deref(), Some(words("GEHOUDEN").as_str()));
        } else {
            assert_eq!(full, "", "{id}: no hash of words the row no longer holds");
            assert_eq!(text, &None, "{id}");
        }
    }
    let files = if db.is_postgres() {
        let app_like = pool(&db.url).await;
        let rows: Vec<String> = sqlx::query_scalar("SELECT t::text FROM submissions t")
            .fetch_all(&app_like)
            .await
            .expect("rows");
        rows.concat()
    } else {
        let file = db.url.trim_start_matches("sqlite://").to_string();
        [file.clone(), format!("{file}-wal")]
            .iter()
            .filter_map(|f| std::fs::read(f).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .collect()
    };
    for gone in ["RETENTIE", "DUPLICAAT", "WIE"] {
        assert!(!files.contains(&words(gone)), "{gone} is still stored");
    }
    assert!(
        files.contains(&words("GEHOUDEN")),
        "the check can see stored words"
    );
}

/// A body a server function cannot read is the caller's mistake: 400 with the typed error, not 500.
#[tokio::test]
async fn a_server_function_answers_a_body_it_cannot_read_with_400() {
    let app = spawn_app().await;
    for (path, content_type, body) in [
        ("/_fn/submit", "application/json", "{not json"),
        ("/_fn/submit", "application/json", r#"{"draft": {"id": 1}}"#),
        ("/_fn/geocode", "application/json", "[]"),
        (
            "/_fn/nearby",
            "application/json",
            r#"{"kind": "castle", "lon": "x"}"#,
        ),
        ("/_fn/me_too", "application/json", ""),
        ("/_fn/check", "application/json", r#"{"draft": {}}"#),
    ] {
        let res = app
            .client
            .post(app.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("post");
        let status = res.status();
        let headers = format!("{:?}", res.headers());
        let text = res.text().await.expect("body");
        assert_eq!(status, 400, "{path} {body}: {headers} {text}");
        let said: Value = serde_json::from_str(&text).expect("json");
        assert!(said["BadRequest"].is_string(), "{path} {body}: {said}");
    }
}

/// What a second attack found: a way back that a browser reads as another site, form fields that
/// broke a redirect's header (500) or added to its address, a body cut short answered 500, an
/// address search of any length sent on to PDOK, and staff answers a cache could keep.
#[tokio::test]
async fn redirects_stay_local_and_whole_and_private_answers_are_not_cached() {
    let pdok = spawn_pdok_standin().await;
    let app = spawn_app_with(format!("http://{pdok}/bzk/locatieserver/search/v3_1")).await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    // A tab or a line break in the way back: home, never another site, never a 500.
    for back in [
        "/%09/evil.example",
        "/%0A",
        "/%01",
        "//evil.example",
        "/%5Cevil.example",
    ] {
        let res = no_redirects
            .get(app.url(&format!("/taal/nl?terug={back}")))
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), 303, "{back}");
        assert_eq!(res.headers()["location"], "/", "{back}");
    }
    // The private page's forms: a key with a line break or an extra parameter stays inside the
    // key; an id that is no entry's is 404.
    let id = new_id();
    for (path, key) in [
        (format!("/mijn/{id}/verwijderen"), "a\nb"),
        (format!("/mijn/{id}/verwijderen"), "k&melding=verwijderd"),
    ] {
        let res = no_redirects
            .post(app.url(&path))
            .form(&[("sleutel", key)])
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 303, "{path} {key:?}");
        let to = res.headers()["location"]
            .to_str()
            .expect("location")
            .to_string();
        let query: Vec<(String, String)> =
            serde_urlencoded::from_str(to.split_once('?').expect("query").1).expect("query");
        assert_eq!(
            query,
            vec![
                ("sleutel".to_string(), key.to_string()),
                ("melding".to_string(), "ongeldig".to_string())
            ],
            "{to}"
        );
    }
    let res = no_redirects
        .post(app.url("/mijn/not-an-id/verwijderen"))
        .form(&[("sleutel", "k")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 404);

    // A submission whose body does not arrive whole is the client's mistake.
    let mut raw = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    raw.write_all(
        b"POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n",
    )
    .await
    .expect("write");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        raw.read_to_end(&mut answer),
    )
    .await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");

    // An address search of one character or of thousands is not sent on: nothing found.
    for q in ["a".to_string(), "Bolstraat ".repeat(100)] {
        let res = app
            .client
            .post(app.url("/_fn/geocode"))
            .json(&json!({ "q": q }))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 200);
        let hits: Value = res.json().await.expect("json");
        assert_eq!(hits, json!([]), "{} characters", q.len());
    }

    // Staff answers and private pages are not kept by any cache.
    add_staff(&app, "admin", "beheer@gemeente.nl");
    let admin = session(&app, "beheer@gemeente.nl").await;
    for path in ["/session", "/users", "/audit"] {
        let res = call(&app, Method::GET, path, Some(&admin), false).await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(
            res.headers()["cache-control"],
            "private, no-store",
            "{path}"
        );
    }
    let page = app
        .client
        .get(app.url("/staff"))
        .header(COOKIE, &admin.cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(page.headers()["cache-control"], "private, no-store");
    let own = app.get(&format!("/mijn/{id}?sleutel=k")).await;
    assert_eq!(own.headers()["cache-control"], "private, no-store");
    // The sign-in's answer carries the CSRF token, before the browser has a session cookie.
    let signed_in = sign_in(&app, "beheer@gemeente.nl", PASSWORD).await;
    assert_eq!(signed_in.status(), 200);
    assert_eq!(signed_in.headers()["cache-control"], "private, no-store");
    // A public page without a session stays cacheable as before.
    assert!(app
        .get("/kaart")
        .await
        .headers()
        .get("cache-control")
        .is_none());
}

/// Another site cannot sign a visitor's browser into the attacker's own staff account (login CSRF):
/// both sign-ins refuse what a browser marks as sent from another site; the site's own form and a
/// script without those headers still sign in.
#[tokio::test]
async fn a_sign_in_sent_from_another_site_is_refused() {
    let app = spawn_app().await;
    add_staff(&app, "admin", "beheer@gemeente.nl");
    let form = [
        ("email", "beheer@gemeente.nl"),
        ("password", crate::staff::PASSWORD),
    ];
    let creds = json!({"email": "beheer@gemeente.nl", "password": crate::staff::PASSWORD});
    let host = app.addr.to_string();
    for (name, value) in [
        ("sec-fetch-site", "cross-site".to_string()),
        ("sec-fetch-site", "same-site".to_string()),
        ("origin", "https://evil.example".to_string()),
        ("origin", "null".to_string()),
    ] {
        let api = app
            .client
            .post(app.url("/api/v1/session"))
            .header(name, &value)
            .json(&creds)
            .send()
            .await
            .expect("post");
        assert_eq!(api.status(), 403, "API with {name}: {value}");
        assert!(api.headers().get("set-cookie").is_none());
        let page = app
            .client
            .post(app.url("/staff/inloggen"))
            .header(name, &value)
            .form(&form)
            .send()
            .await
            .expect("post");
        assert_eq!(page.status(), 403, "form with {name}: {value}");
    }
    let own_site = app
        .client
        .post(app.url("/api/v1/session"))
        .header("origin", format!("http://{host}"))
        .header("sec-fetch-site", "same-origin")
        .json(&creds)
        .send()
        .await
        .expect("post");
    assert_eq!(own_site.status(), 200);
    let script = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&creds)
        .send()
        .await
        .expect("post");
    assert_eq!(script.status(), 200);
}

/// A page on another site can post `text/plain` or a form without the browser asking first: server
/// functions refuse both (415) before anything runs, so no site can make its visitors' browsers say
/// "ik ook" or send entries from all their addresses. Bodies are bounded too.
#[tokio::test]
async fn server_functions_take_only_json_and_only_so_much() {
    let app = spawn_app().await;
    for (path, content_type) in [
        ("/_fn/me_too", "text/plain"),
        ("/_fn/submit", "text/plain;charset=UTF-8"),
        ("/_fn/check", "application/x-www-form-urlencoded"),
        ("/_fn/nearby", "multipart/form-data; boundary=x"),
    ] {
        let res = app
            .client
            .post(app.url(path))
            .header("content-type", content_type)
            .body(r#"{"id": "x", "respondent": "y"}"#)
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 415, "{path} {content_type}");
        let said: Value = res.json().await.expect("json");
        assert!(said["BadRequest"].is_string(), "{said}");
    }
    let big = format!(r#"{{"q": "{}"}}"#, "x".repeat(70 * 1024));
    let res = app
        .client
        .post(app.url("/_fn/geocode"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 413);
    // The live check explains what a send answered, not an unbounded list.
    let many: Vec<Value> = (0..33)
        .map(|_| json!({"field": "text", "rule": {"rule": "required"}}))
        .collect();
    let res = app
        .client
        .post(app.url("/_fn/check"))
        .json(&json!({"draft": {}, "found": many}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 400);
}
