use serde_json::{json, Value};

use crate::helpers::*;

#[tokio::test]
async fn a_valid_submission_is_stored_once_and_replays_are_idempotent() {
    let app = spawn_app().await;
    let (id, r) = (new_id(), new_id());
    let body = barrier(&id, &r);

    let res = app.post_json(&body).await;
    assert_eq!(res.status(), 201);
    let receipt: Value = res.json().await.expect("json");
    let key = receipt["edit_key"]
        .as_str()
        .expect("the private link's key");
    assert_eq!(key.len(), 32);
    assert_eq!(
        receipt,
        json!({"id": id, "areas": {"gemeente": null, "wijk": null, "buurt": null}, "edit_key": key})
    );

    // An offline resend, the same body: 200 with the same receipt, nothing new stored.
    let again = app.post_json(&body).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.expect("json"), receipt);

    // The same body with option lists in another order and untrimmed text means the same thing.
    let mut reordered = body.clone();
    reordered["details"]["affects"] = json!(["buggy", "wheelchair_walker"]);
    reordered["text"] = json!("  Hoge stoep bij de bushalte ");
    assert_eq!(app.post_json(&reordered).await.status(), 200);

    // The same id with other content is a conflict and changes nothing.
    let mut other = body.clone();
    other["category"] = json!("no_ramp");
    let conflict = app.post_json(&other).await;
    assert_eq!(conflict.status(), 409);

    assert_eq!(app.count_rows("submissions").await, 1);
    let list: Vec<Value> = app.get_json("/api/v1/submissions").await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["category"], "steps");
}

#[tokio::test]
async fn public_entries_coarsen_barriers_keep_places_exact_and_hide_free_text() {
    let app = spawn_app().await;
    let r = new_id();
    assert_eq!(app.post_json(&barrier(&new_id(), &r)).await.status(), 201);
    assert_eq!(app.post_json(&place(&new_id(), &r)).await.status(), 201);

    let list: Vec<Value> = app.get_json("/api/v1/submissions").await;
    let text = serde_json::to_string(&list).expect("ser");
    assert!(
        !text.contains("bushalte"),
        "free text must stay private: {text}"
    );
    assert!(
        !text.contains("Bibliotheek"),
        "place names are free text too: {text}"
    );
    assert!(
        !text.contains("respondent"),
        "respondent ids stay private: {text}"
    );

    let barrier = list
        .iter()
        .find(|e| e["kind"] == "barrier")
        .expect("barrier");
    let (lon, lat) = (
        barrier["location"]["lon"].as_f64().expect("lon"),
        barrier["location"]["lat"].as_f64().expect("lat"),
    );
    assert_ne!(
        (lon, lat),
        (4.6712345, 51.8123456),
        "a barrier is not shown at its exact spot"
    );
    let dy = (lat - 51.8123456) * 111_320.0;
    let dx = (lon - 4.6712345) * 111_320.0 * lat.to_radians().cos();
    assert!(
        (dx * dx + dy * dy).sqrt() < 75.0,
        "but within its 100 m cell"
    );

    let place = list.iter().find(|e| e["kind"] == "place").expect("place");
    assert_eq!(place["location"], json!({"lon": 4.6601, "lat": 51.8102}));
    assert_eq!(place["qualities"], json!(["free", "toilet"]));

    // Filters: kind and bbox.
    let only: Vec<Value> = app.get_json("/api/v1/submissions?kind=place").await;
    assert_eq!(only.len(), 1);
    let none: Vec<Value> = app.get_json("/api/v1/submissions?bbox=5,52,6,53").await;
    assert!(none.is_empty());
    let bad = app.get("/api/v1/submissions?bbox=6,52,5,53").await;
    assert_eq!(bad.status(), 400);
    assert_eq!(
        bad.json::<Value>().await.expect("json")["errors"][0]["field"],
        "bbox"
    );
}

async fn expect_422(app: &TestApp, body: Value, field: &str) {
    let res = app.post_json(&body).await;
    assert_eq!(res.status(), 422, "for {field}");
    let v: Value = res.json().await.expect("json");
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(
        fields.contains(&field),
        "expected an error on {field}, got {v}"
    );
    assert!(v["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn invalid_input_gets_422_naming_the_field_and_stores_nothing() {
    let app = spawn_app().await;
    let r = new_id();
    let base = barrier(&new_id(), &r);
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    expect_422(&app, with("kind", json!("complaint")), "kind").await;
    expect_422(&app, with("category", json!("bench")), "category").await;
    expect_422(
        &app,
        with("location", json!({"lon": 13.40, "lat": 52.52})),
        "location",
    )
    .await;
    expect_422(
        &app,
        with("location", json!({"lon": "4.6", "lat": 51.8})),
        "location.lon",
    )
    .await;
    expect_422(&app, with("text", json!("x".repeat(2001))), "text").await;
    expect_422(&app, with("id", json!("123")), "id").await;
    expect_422(&app, with("campaign", json!("nope")), "campaign").await;
    expect_422(&app, with("source", json!("event")), "source").await;
    expect_422(&app, with("ip_address", json!("10.0.0.1")), "ip_address").await;
    // A key of only spaces names nothing a client could find: the body is what is wrong.
    expect_422(&app, with(" ", json!(1)), "body").await;
    expect_422(&app, with("", json!(1)), "body").await;
    expect_422(
        &app,
        with("location", json!({"lon": 4.67, "lat": 51.81, " ": 1})),
        "location",
    )
    .await;
    let mut nested = base.clone();
    nested["details"]["talent"] = json!("koken");
    expect_422(&app, nested, "details.talent").await;
    let mut missing = base.clone();
    missing.as_object_mut().map(|o| o.remove("kind"));
    expect_422(&app, missing, "kind").await;

    let broken = app
        .client
        .post(app.url("/api/v1/submissions"))
        .header("content-type", "application/json")
        .body("{\"id\": ")
        .send()
        .await
        .expect("post");
    assert_eq!(broken.status(), 422);
    assert_eq!(
        broken.json::<Value>().await.expect("json")["errors"][0]["field"],
        "body"
    );

    let form = app
        .client
        .post(app.url("/api/v1/submissions"))
        .form(&[("id", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(form.status(), 415);

    assert_eq!(app.count_rows("submissions").await, 0);
    assert_eq!(app.count_rows("area_revisions").await, 0);
}

#[tokio::test]
async fn bodies_over_64_kib_get_413() {
    let app = spawn_app().await;
    let mut big = barrier(&new_id(), &new_id());
    big["text"] = json!("x".repeat(70 * 1024));
    let res = app.post_json(&big).await;
    assert_eq!(res.status(), 413);
    assert_eq!(
        res.json::<Value>().await.expect("json")["errors"][0]["field"],
        "body"
    );
    assert_eq!(app.count_rows("submissions").await, 0);
}

#[tokio::test]
async fn concurrent_submissions_are_all_stored() {
    let app = std::sync::Arc::new(spawn_app().await);
    let respondent = new_id();
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let app = app.clone();
            let respondent = respondent.clone();
            tokio::spawn(async move {
                let mut b = barrier(&new_id(), &respondent);
                b["category"] = json!(if i % 2 == 0 { "steps" } else { "poor_lighting" });
                app.post_json(&b).await.status().as_u16()
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.expect("task"), 201);
    }
    assert_eq!(app.count_rows("submissions").await, 64);
}

#[tokio::test]
async fn address_search_replays_pdok_and_reports_an_unreachable_service() {
    let app = spawn_app().await;
    let hits: Value = app
        .get_json("/api/v1/geocode?q=Bolstraat%201%20Utrecht")
        .await;
    assert_eq!(hits[0]["label"], "Bolstraat 1, 3581WS Utrecht");
    assert_eq!(
        hits[0]["location"],
        json!({"lon": 5.13287587, "lat": 52.08884161})
    );
    let none: Value = app.get_json("/api/v1/geocode?q=qwxyz").await;
    assert_eq!(none, json!([]));
    let short = app.get("/api/v1/geocode?q=a").await;
    assert_eq!(short.status(), 400);

    // Nothing listens on port 9 of loopback: PDOK "down".
    let offline = spawn_app_with("http://127.0.0.1:9/v3_1".into()).await;
    let res = offline.get("/api/v1/geocode?q=Bolstraat").await;
    assert_eq!(res.status(), 503);
}

#[tokio::test]
async fn the_openapi_document_describes_the_routes() {
    let app = spawn_app().await;
    let doc: Value = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");
    let categories = doc["components"]["schemas"]["SubmissionInput"]["properties"]["category"]
        ["enum"]
        .as_array()
        .expect("enum")
        .len();
    let expected: std::collections::BTreeSet<&str> = app::model::Kind::ALL
        .iter()
        .flat_map(|k| k.categories().iter().copied())
        .collect();
    assert_eq!(
        categories,
        expected.len(),
        "the OpenAPI category list matches the catalog"
    );
}

/// The router and the OpenAPI document hold each other: the router is built from the handlers'
/// annotations (`ApiRoutes::add` is its only way in, so every path it serves is documented), every
/// documented operation is routed, every method the document leaves out of a path is refused by the
/// router (405), and an operation the document calls public does not ask for a session (a staff
/// handler whose annotation forgot its `x-roles` would).
#[tokio::test]
async fn every_api_route_is_in_the_document_and_every_documented_operation_is_routed() {
    use axum::body::Body;
    use axum::http::{Method, Request};
    use tower::ServiceExt;

    // `ApiRoutes::add` is the only way into the router under construction; after it is split
    // from its document, nothing may be routed beside it either.
    for (file, source) in [
        ("api.rs", include_str!("../../src/routes/api.rs")),
        ("staff.rs", include_str!("../../src/routes/staff.rs")),
    ] {
        assert!(
            !source.contains(".route(\""),
            "{file} routes a path beside the annotated handlers"
        );
    }
    let store = server::store::Store::open("sqlite::memory:")
        .await
        .expect("store");
    let svc = server::service::Service::new(
        store,
        &server::config::Settings {
            locatieserver_url: "http://127.0.0.1:9".to_string(),
            ..server::config::Settings::with_defaults("sqlite::memory:")
        },
    )
    .await
    .expect("service");
    let doc = serde_json::to_value(server::routes::api::document(&svc)).expect("document");
    let documented: std::collections::BTreeMap<&str, Vec<String>> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .map(|(p, ops)| {
            let methods = ops
                .as_object()
                .expect("operations")
                .keys()
                .filter(|m| ["get", "post", "put", "patch", "delete"].contains(&m.as_str()))
                .map(|m| m.to_uppercase())
                .collect();
            (p.as_str(), methods)
        })
        .collect();
    assert_eq!(
        documented.keys().copied().collect::<Vec<_>>(),
        [
            "/activities",
            "/activities/{id}",
            "/activities/{id}/ripples",
            "/aggregates",
            "/areas",
            "/audit",
            "/campaigns",
            "/campaigns/{id}",
            "/campaigns/{id}/responses",
            "/campaigns/{id}/results",
            "/campaigns/{id}/results.csv",
            "/campaigns/{id}/texts",
            "/campaigns/{id}/texts/{text}",
            "/coverage",
            "/coverage/grid",
            "/dynamics/export",
            "/events",
            "/events/{id}",
            "/export.csv",
            "/export.geojson",
            "/geocode",
            "/heatmap",
            "/links",
            "/links/{id}",
            "/moderation",
            "/networks",
            "/networks/{id}",
            "/openapi.json",
            "/photos/{file}",
            "/places",
            "/session",
            "/submissions",
            "/submissions/{id}",
            "/submissions/{id}/me-too",
            "/submissions/{id}/photo",
            "/submissions/{id}/private",
            "/talents",
            "/users",
            "/users/{id}",
        ],
        "the documented paths"
    );
    let router = server::routes::api::router(&svc).with_state(svc);
    let mut operations = 0;
    for (path, methods) in &documented {
        let uri = path
            .replace("{id}", "x")
            .replace("{file}", "x.jpg")
            .replace("{text}", "x");
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            let req = Request::builder()
                .method(Method::from_bytes(method.as_bytes()).expect("method"))
                .uri(&uri)
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .expect("request");
            let res = router.clone().oneshot(req).await.expect("answer");
            let status = res.status().as_u16();
            let body = axum::body::to_bytes(res.into_body(), 1 << 20)
                .await
                .expect("body");
            if methods.iter().any(|m| m == method) {
                operations += 1;
                assert_ne!(status, 405, "{method} {path} is documented but not routed");
                assert!(
                    !(status == 404 && body.is_empty()),
                    "{method} {path} is documented but no route answers it"
                );
                let secured = doc["paths"][path][method.to_lowercase()]
                    .get("security")
                    .is_some();
                let asks_for_staff = String::from_utf8_lossy(&body).contains("sign in as staff");
                if secured {
                    assert!(
                        status == 401 && asks_for_staff,
                        "{method} {path} is documented as staff-only but answers {status} without a session"
                    );
                } else {
                    assert!(
                        !asks_for_staff,
                        "{method} {path} is documented as public but asks for a staff session"
                    );
                }
            } else {
                assert_eq!(status, 405, "{method} {path} is routed but not documented");
            }
        }
    }
    assert_eq!(operations, 54, "the documented operations");
}

/// The document's limits and patterns are the validator's: each number is held against the
/// constant the validator uses, and each pattern against the validator's own function on strings
/// on both sides of the rule.
#[tokio::test]
async fn the_documents_limits_and_patterns_are_the_validators() {
    use app::model::*;
    let store = server::store::Store::open("sqlite::memory:")
        .await
        .expect("store");
    let svc = server::service::Service::new(
        store,
        &server::config::Settings::with_defaults("sqlite::memory:"),
    )
    .await
    .expect("service");
    let doc = serde_json::to_value(server::routes::api::document(&svc)).expect("document");
    let schema =
        |name: &str, field: &str| doc["components"]["schemas"][name]["properties"][field].clone();
    let limits = [
        (
            schema("EventInput", "name")["maxLength"].clone(),
            MAX_EVENT_NAME as f64,
        ),
        (
            schema("EventInput", "place")["maxLength"].clone(),
            MAX_EVENT_PLACE as f64,
        ),
        (
            schema("Moderation", "status_note")["maxLength"].clone(),
            MAX_NOTE as f64,
        ),
        (
            schema("Moderation", "text")["maxLength"].clone(),
            MAX_TEXT_CHARS as f64,
        ),
        (
            schema("OwnChange", "text")["maxLength"].clone(),
            MAX_TEXT_CHARS as f64,
        ),
        (
            schema("OwnChange", "reply")["maxLength"].clone(),
            app::model::MAX_REPLY_CHARS as f64,
        ),
        (
            schema("Moderation", "reply")["maxLength"].clone(),
            app::model::MAX_REPLY_CHARS as f64,
        ),
        (
            schema("Moderation", "reply_was")["maxLength"].clone(),
            app::model::MAX_REPLY_CHARS as f64,
        ),
        (
            schema("Moderation", "text_was")["maxLength"].clone(),
            MAX_TEXT_CHARS as f64,
        ),
        (
            schema("SubmissionInput", "text")["maxLength"].clone(),
            MAX_TEXT_CHARS as f64,
        ),
        (
            schema("Location", "lon")["minimum"].clone(),
            NL_BBOX.min_lon,
        ),
        (
            schema("Location", "lon")["maximum"].clone(),
            NL_BBOX.max_lon,
        ),
        (
            schema("Location", "lat")["minimum"].clone(),
            NL_BBOX.min_lat,
        ),
        (
            schema("Location", "lat")["maximum"].clone(),
            NL_BBOX.max_lat,
        ),
        (schema("Campaign", "k")["minimum"].clone(), f64::from(MIN_K)),
        (schema("Campaign", "k")["maximum"].clone(), f64::from(MAX_K)),
        (
            schema("Campaign", "questions")["maxItems"].clone(),
            MAX_QUESTIONS as f64,
        ),
    ];
    for (i, (documented, constant)) in limits.iter().enumerate() {
        assert_eq!(
            documented.as_f64(),
            Some(*constant),
            "limit {i}: {documented}"
        );
    }
    let list_limit = doc["paths"]["/submissions"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "limit")
        .map(|p| p["schema"]["maximum"].as_u64())
        .expect("limit");
    assert_eq!(list_limit, Some(u64::from(server::routes::api::MAX_LIST)));

    // Patterns: what the document tells a client is what the validator accepts.
    let pattern = |name: &str, field: &str| {
        let p = schema(name, field)["pattern"]
            .as_str()
            .expect("pattern")
            .to_string();
        regex::Regex::new(&p).expect("regex")
    };
    let random = "6f1c2d3e-4a5b-4c6d-8e7f-901234567890";
    let uuids = [
        random,
        "6F1C2D3E-4A5B-4C6D-8E7F-901234567890",
        "6f1c2d3e-4a5b-1c6d-8e7f-901234567890",
        "6f1c2d3e-4a5b-4c6d-7e7f-901234567890",
        "6f1c2d3e4a5b-4c6d-8e7f-901234567890-",
        "6f1c2d3e-4a5b-4c6d-8e7f-90123456789",
        "6f1c2d3e-4a5b-4c6d-8e7f-9012345678901",
        "6g1c2d3e-4a5b-4c6d-8e7f-901234567890",
        "",
    ];
    for s in uuids {
        assert_eq!(
            pattern("SubmissionInput", "id").is_match(s),
            is_random_uuid(s),
            "{s}"
        );
        assert_eq!(pattern("Receipt", "id").is_match(s), is_uuid(s), "{s}");
    }
    let long = "a".repeat(64);
    let too_long = "a".repeat(65);
    for s in [
        "default",
        "a",
        "a_b-1",
        long.as_str(),
        too_long.as_str(),
        "",
        "A",
        "a b",
        "é",
        "a.b",
    ] {
        assert_eq!(pattern("Campaign", "id").is_match(s), is_slug(s), "{s}");
    }
    for s in [
        "nl", "ar", "nld", "pt-BR", "zh-419", "n", "nl-", "nl-B", "nl-BRAZ", "12", "nl_BR",
        "nl-BR-x",
    ] {
        assert_eq!(
            pattern("SubmissionInput", "language").is_match(s),
            is_language_tag(s),
            "{s}"
        );
    }
    let gemeente = regex::Regex::new(
        schema("Campaign", "gemeenten")["items"]["pattern"]
            .as_str()
            .expect("pattern"),
    )
    .expect("regex");
    for s in [
        "GM0505", "GM050", "GM05051", "gm0505", "GMABCD", "XX0505", "",
    ] {
        assert_eq!(gemeente.is_match(s), is_gemeente_code(s), "{s}");
    }
}

#[tokio::test]
async fn a_deleted_submission_stays_deleted() {
    let app = spawn_app().await;
    let id = new_id();
    // Deletion arrives with the residents' private edit links; its tombstone is what matters here.
    let pool = app.pool().await;
    sqlx::query(
        &app.sql("INSERT INTO tombstones (id, deleted_at) VALUES (?, '2026-01-01T00:00:00Z')"),
    )
    .bind(&id)
    .execute(&pool)
    .await
    .expect("tombstone");
    let res = app.post_json(&barrier(&id, &new_id())).await;
    assert_eq!(
        res.status(),
        410,
        "a queued offline resend cannot bring it back"
    );
    assert_eq!(app.count_rows("submissions").await, 0);
}

#[tokio::test]
async fn the_map_box_selects_by_the_public_position_only() {
    let app = spawn_app().await;
    let b = barrier(&new_id(), &new_id());
    assert_eq!(app.post_json(&b).await.status(), 201);
    let list: Vec<Value> = app.get_json("/api/v1/submissions").await;
    let (plon, plat) = (
        list[0]["location"]["lon"].as_f64().expect("lon"),
        list[0]["location"]["lat"].as_f64().expect("lat"),
    );
    let (elon, elat) = (4.6712345, 51.8123456);
    assert!(
        (plon - elon).abs() > 1e-5 || (plat - elat).abs() > 1e-5,
        "coarsened"
    );
    // A tiny box around the exact spot (not around the public one) finds nothing...
    let exact = format!(
        "{},{},{},{}",
        elon - 1e-5,
        elat - 1e-5,
        elon + 1e-5,
        elat + 1e-5
    );
    let none: Vec<Value> = app
        .get_json(&format!("/api/v1/submissions?bbox={exact}"))
        .await;
    assert!(none.is_empty(), "the exact position is not searchable");
    // ...and one around the public position finds it.
    let public = format!(
        "{},{},{},{}",
        plon - 1e-5,
        plat - 1e-5,
        plon + 1e-5,
        plat + 1e-5
    );
    let found: Vec<Value> = app
        .get_json(&format!("/api/v1/submissions?bbox={public}"))
        .await;
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0]["month"].as_str().map(str::len),
        Some(7),
        "the month only"
    );
    assert!(found[0].get("created_at").is_none(), "no day");
}

#[tokio::test]
async fn the_heatmap_hides_cells_of_fewer_than_five_respondents() {
    let app = spawn_app().await;
    // Five residents report the same dark path; one resident reports three things elsewhere.
    for _ in 0..5 {
        let mut b = barrier(&new_id(), &new_id());
        b["location"] = json!({"lon": 4.6712, "lat": 51.8123});
        assert_eq!(app.post_json(&b).await.status(), 201);
    }
    let lonely = new_id();
    for i in 0..3 {
        let mut b = barrier(&new_id(), &lonely);
        b["location"] = json!({"lon": 4.7012 + f64::from(i) * 1e-5, "lat": 51.8023});
        assert_eq!(app.post_json(&b).await.status(), 201);
    }
    let grid: Value = app
        .get_json("/api/v1/heatmap?bbox=4.65,51.79,4.72,51.83&size=32&kind=barrier")
        .await;
    assert_eq!(grid["k"], 5);
    assert!(
        grid.get("suppressed_cells").is_none(),
        "how many cells were zeroed is not told"
    );
    // Cells are never smaller than the public map's 100 m, whatever size is asked for.
    let fine: Value = app
        .get_json("/api/v1/heatmap?bbox=4.670,51.811,4.672,51.813&size=512&kind=barrier")
        .await;
    assert!(
        fine["width"].as_u64().expect("width") <= 2,
        "{}",
        fine["width"]
    );
    let values: Vec<f64> = grid["values"]
        .as_array()
        .expect("values")
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    assert_eq!(
        values.len() as u64,
        grid["width"].as_u64().unwrap_or(0) * grid["height"].as_u64().unwrap_or(0)
    );
    let total: f64 = values.iter().sum();
    assert!(
        (total - 5.0).abs() < 1e-3,
        "only the five residents' cell shows: {total}"
    );

    for bad in [
        "/api/v1/heatmap",
        "/api/v1/heatmap?bbox=4.7,51.8,4.6,51.9",
        "/api/v1/heatmap?bbox=4.6,51.8,4.7,51.9&size=4",
    ] {
        let res = app.get(bad).await;
        assert_eq!(res.status(), 400, "{bad}");
    }
}

#[tokio::test]
async fn anonymous_writes_are_limited_per_client_and_no_address_is_stored() {
    let pdok = spawn_pdok_standin().await;
    let app = spawn_app_configured(
        TestDb::fresh().await,
        format!("http://{pdok}/bzk/locatieserver/search/v3_1"),
        |s| {
            s.rate_limit_per_minute = 60;
            s.rate_limit_burst = 3;
            s.trusted_proxies =
                server::ratelimit::TrustedProxies::parse("127.0.0.1").expect("proxies");
        },
    )
    .await;
    let post = |forwarded: &'static str| {
        let body = barrier(&new_id(), &new_id());
        let req = app
            .client
            .post(app.url("/api/v1/submissions"))
            .header("x-forwarded-for", forwarded)
            .json(&body);
        async move { req.send().await.expect("post") }
    };
    for _ in 0..3 {
        assert_eq!(post("203.0.113.7").await.status(), 201);
    }
    let refused = post("203.0.113.7").await;
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .expect("header")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    // Every anonymous write shares that budget: the API's, the resident's plain forms and the
    // form's server functions.
    for (method, path) in [
        (reqwest::Method::POST, "/api/v1/submissions/x/me-too"),
        (reqwest::Method::PUT, "/api/v1/submissions/x/photo"),
        (reqwest::Method::POST, "/api/v1/campaigns/default/responses"),
        (reqwest::Method::PATCH, "/api/v1/submissions/x/private"),
        (reqwest::Method::DELETE, "/api/v1/submissions/x/private"),
        (reqwest::Method::POST, "/meedoen/drempel"),
        (reqwest::Method::POST, "/campagne/default/vragen"),
        (reqwest::Method::POST, "/melding/x/ik-ook"),
        (reqwest::Method::POST, "/mijn/x"),
        (reqwest::Method::POST, "/mijn/x/verwijderen"),
        (reqwest::Method::POST, "/mijn/x/foto"),
        (reqwest::Method::POST, "/_fn/submit"),
        (reqwest::Method::POST, "/_fn/me_too"),
    ] {
        let res = app
            .client
            .request(method.clone(), app.url(path))
            .header("x-forwarded-for", "203.0.113.7")
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), 429, "{method} {path}");
    }
    // Behind the trusted proxy, another resident has a bucket of their own.
    assert_eq!(post("198.51.100.20").await.status(), 201);
    // Reading is never limited.
    assert_eq!(app.get("/api/v1/submissions").await.status(), 200);
    assert_eq!(
        app.count_rows("submissions").await,
        4,
        "the refused entry is not stored"
    );

    // No client address anywhere in the database.
    let stored = app.stored_text().await;
    assert!(
        stored.contains("Hoge stoep"),
        "the check reads what is stored"
    );
    for addr in ["203.0.113.7", "198.51.100.20", "127.0.0.1"] {
        assert!(!stored.contains(addr), "{addr} is stored");
    }
}

/// The form's live check (`/_fn/check`) is the server's own rules in the resident's words: for the
/// same form it says exactly what the plain POST's re-rendered page says, in the form's language,
/// and it explains the violations a send answered with.
#[tokio::test]
async fn the_live_check_says_what_the_plain_form_says_in_the_residents_language() {
    let app = spawn_app().await;
    let long = "x".repeat(app::model::MAX_TEXT_CHARS + 1);
    let pairs = |language: &str| -> Vec<(String, String)> {
        [
            ("id", uuid::Uuid::new_v4().to_string().as_str()),
            ("respondent", uuid::Uuid::new_v4().to_string().as_str()),
            ("campaign", "default"),
            ("kind", "barrier"),
            ("language", language),
            ("text", long.as_str()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    let check = |draft: app::model::FormDraft, found: Value| {
        let app = &app;
        async move {
            let res = app
                .client
                .post(app.url("/_fn/check"))
                .json(&json!({"draft": draft, "found": found}))
                .send()
                .await
                .expect("post");
            assert_eq!(res.status(), 200);
            res.json::<Vec<Value>>().await.expect("json")
        }
    };
    let nl = pairs("nl");
    let said = check(app::model::FormDraft::from_pairs(&nl), json!([])).await;
    let fields: Vec<&str> = said.iter().filter_map(|m| m["field"].as_str()).collect();
    for f in ["category", "details.severity", "text"] {
        assert!(fields.contains(&f), "{f} in {said:?}");
    }
    let page = app.post_form("/meedoen/drempel", &nl).await;
    assert_eq!(page.status(), 422);
    let html = page.text().await.expect("html");
    for m in &said {
        let (label, message) = (m["label"].as_str().unwrap(), m["message"].as_str().unwrap());
        assert!(
            html.contains(&format!("{label}: {message}")),
            "the page says {label}: {message}"
        );
        assert!(html.contains(&format!("href=\"#{}\"", m["target"].as_str().unwrap())));
    }
    // In Arabic, Arabic words; nothing stored by checking.
    let ar = check(app::model::FormDraft::from_pairs(&pairs("ar")), json!([])).await;
    assert_eq!(ar.len(), said.len());
    assert!(ar.iter().all(|m| m["message"]
        .as_str()
        .unwrap()
        .chars()
        .any(|c| ('\u{0600}'..='\u{06ff}').contains(&c))));
    assert_eq!(app.count_rows("submissions").await, 0);
    // What a send answered with is explained as it is, not checked again.
    let found = serde_json::to_value([app::model::Violation::new(
        "location",
        app::model::Rule::OutsideCampaign,
    )])
    .unwrap();
    let explained = check(app::model::FormDraft::from_pairs(&nl), found).await;
    assert_eq!(explained.len(), 1, "{explained:?}");
    assert_eq!(explained[0]["target"], "f-address");
}

/// A wish without a place and a barrier with one go through the same insert statement. On
/// PostgreSQL, a missing position must not fix the statement's parameter types for the connection
/// (sqlx's Any driver once sent a missing f64 as a 4-byte float), or the next positioned entry on
/// that connection would be refused.
#[tokio::test]
async fn entries_with_and_without_a_position_alternate_on_one_connection() {
    let app = spawn_app().await;
    let respondent = new_id();
    for round in 0..12 {
        let res = app.post_json(&wish_without_a_place(&respondent)).await;
        assert_eq!(
            res.status(),
            201,
            "wish of round {round}: {}",
            res.text().await.unwrap_or_default()
        );
        let res = app.post_json(&barrier(&new_id(), &respondent)).await;
        assert_eq!(
            res.status(),
            201,
            "barrier of round {round}: {}",
            res.text().await.unwrap_or_default()
        );
    }
    // Sent at once, they are written together in mixed batches.
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = (0..24)
        .map(|i| {
            let (app, respondent) = (app.clone(), respondent.clone());
            tokio::spawn(async move {
                let body = if i % 2 == 0 {
                    wish_without_a_place(&respondent)
                } else {
                    barrier(&new_id(), &respondent)
                };
                app.post_json(&body).await.status().as_u16()
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.expect("task"), 201);
    }
    assert_eq!(app.count_rows("submissions").await, 48);
    let list: Vec<Value> = app.get_json("/api/v1/submissions?kind=barrier").await;
    assert_eq!(list.len(), 24);
    assert!(list.iter().all(|e| e["location"]["lon"].as_f64().is_some()));
}

fn wish_without_a_place(respondent: &str) -> Value {
    json!({
        "id": new_id(), "respondent": respondent, "kind": "wish", "category": "activity",
        "text": "Een wandelgroep op zaterdag", "language": "nl"
    })
}

/// An address with a path parameter can name nothing (or be no clean path: `routes/security.rs`
/// answers those under `/api/` with 404): every such operation documents 404.
#[tokio::test]
async fn every_operation_with_a_path_parameter_documents_404() {
    let app = spawn_app().await;
    let doc: Value = app.get_json("/api/v1/openapi.json").await;
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        if !path.contains('{') {
            continue;
        }
        for (method, op) in ops.as_object().expect("operations") {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            assert!(
                op["responses"]["404"].is_object(),
                "{} {path} documents no 404",
                method.to_uppercase()
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked} operations with a path parameter");
    // A path that is not clean gets that 404, as JSON.
    let res = app.get(&format!("/api/v1/submissions/{}", "a%5Cb")).await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        res.json::<Value>().await.expect("json")["error"],
        "not found"
    );
}
