//! Community dynamics (issue 20): workers record activities, the networks and institutions around
//! them and the links between them; everyone reads a gemeente's lists, an activity's ripple map and
//! the exports, and a link's note reaches only staff of its gemeente. Writes are idempotent by the
//! client-made id, scoped to the worker's gemeenten, and an activity's origins are the residents'
//! entries of that gemeente, whose deletion takes the tie along but leaves the activity.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::staff::{add_staff_in, call, send_json, session, Session};

const DORDRECHT: &str = "GM0505";
const ZWIJNDRECHT: &str = "GM0642";
/// A spot in Zwijndrecht (see working.rs).
const IN_ZWIJNDRECHT: (f64, f64) = (4.6553872, 51.8204757);
/// A staff note that names a resident and her home: never public, never exported.
const NOTE: &str = "Fatima van nummer 12";

const KOOKCLUB: &str = "kookclub-oost";
const MOSKEE: &str = "moskee-al-nour";
const WOONBRON: &str = "woonbron-dordrecht";
const WIJKAGENT: &str = "wijkagent-oost";
const WANDELGROEP: &str = "wandelgroep-oost";
const MOSKEE_AT: (f64, f64) = (4.6745, 51.8105);

/// The staff page's plain forms.
const NETWORK_FORM: &str = "/staff/activiteiten/netwerk";
const ACTIVITY_FORM: &str = "/staff/activiteiten/activiteit";
const LINK_FORM: &str = "/staff/activiteiten/verbinding";

async fn post(app: &TestApp, s: &Session, path: &str, body: &Value) -> reqwest::Response {
    send_json(app, Method::POST, path, s, body).await
}

/// Posts `body` and expects it recorded (201); the stored object.
async fn created(app: &TestApp, s: &Session, path: &str, body: &Value) -> Value {
    let res = post(app, s, path, body).await;
    let status = res.status();
    let text = res.text().await.expect("body");
    assert_eq!(status, 201, "POST {path} {body}: {text}");
    serde_json::from_str(&text).expect("json")
}

/// Expects `res` refused with `status`, naming exactly `fields`.
async fn refused(res: reqwest::Response, status: u16, fields: &[&str], what: &str) {
    assert_eq!(res.status(), status, "{what}");
    let body: Value = res.json().await.expect("json");
    let named: BTreeSet<String> = body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["field"].as_str().expect("field").to_string())
        .collect();
    let expected: BTreeSet<String> = fields.iter().map(ToString::to_string).collect();
    assert_eq!(named, expected, "{what}: {body}");
}

/// A resident's wish in Dordrecht, maybe offering a talent: its id and private key.
async fn wish(app: &TestApp, text: &str, talent: Option<&str>) -> (String, String) {
    wish_at(app, (4.6712345, 51.8123456), text, talent).await
}

async fn wish_at(
    app: &TestApp,
    (lon, lat): (f64, f64),
    text: &str,
    talent: Option<&str>,
) -> (String, String) {
    let id = new_id();
    let mut w = barrier(&id, &new_id());
    w["kind"] = json!("wish");
    w["category"] = json!("activity");
    w["location"] = json!({"lon": lon, "lat": lat});
    w["details"] = match talent {
        Some(t) => json!({"talent": t}),
        None => json!({}),
    };
    w["text"] = json!(text);
    let res = app.post_json(&w).await;
    assert_eq!(res.status(), 201);
    let receipt: Value = res.json().await.expect("json");
    let key = receipt["edit_key"].as_str().expect("key").to_string();
    (id, key)
}

/// What [`record_story`] recorded: the residents' entries and every write (path, body, answer).
struct Story {
    /// Two wishes and a wish that offers a talent, with their private keys.
    entries: Vec<(String, String)>,
    writes: Vec<(&'static str, Value, Value)>,
}

impl Story {
    fn body(&self, id: &str) -> &Value {
        &self.write(id).1
    }

    fn stored(&self, id: &str) -> &Value {
        &self.write(id).2
    }

    fn write(&self, id: &str) -> &(&'static str, Value, Value) {
        self.writes
            .iter()
            .find(|w| w.1["id"] == id)
            .unwrap_or_else(|| panic!("no write {id}"))
    }
}

fn kookclub(grew_from: &[String]) -> Value {
    json!({
        "id": KOOKCLUB, "name": "Kookclub Oost",
        "what": "Samen koken en eten, elke dinsdag", "gemeente": DORDRECHT,
        "started_on": "2026-03-01", "recurring": true, "grew_from": grew_from,
    })
}

/// Residents' wishes, then a worker's kookclub that grew from them, the mosque it meets at (which
/// works with the woningcorporatie), the walking group the kookclub led to, and the walking group's
/// first contact with the wijkagent (a note naming a resident).
async fn record_story(app: &TestApp, worker: &Session) -> Story {
    let entries = vec![
        wish(app, "Samen koken in de buurt", None).await,
        wish(app, "Een plek om samen te eten", None).await,
        wish(
            app,
            "Iets doen met de buren",
            Some("Ik kan koken voor twintig mensen"),
        )
        .await,
    ];
    let origins: Vec<String> = entries.iter().map(|(id, _)| id.clone()).collect();
    let mut writes = Vec::new();
    for (path, body) in [
        (
            "/networks",
            json!({"id": MOSKEE, "name": "Moskee Al-Nour", "kind": "local_network",
                   "gemeente": DORDRECHT, "location": {"lon": MOSKEE_AT.0, "lat": MOSKEE_AT.1}}),
        ),
        (
            "/networks",
            json!({"id": WOONBRON, "name": "Woonbron", "kind": "institution", "gemeente": DORDRECHT}),
        ),
        (
            "/networks",
            json!({"id": WIJKAGENT, "name": "Wijkagent Oost", "kind": "institution",
                   "gemeente": DORDRECHT}),
        ),
        ("/activities", kookclub(&origins)),
        (
            "/links",
            json!({"id": "kookclub-moskee", "from": KOOKCLUB, "to": MOSKEE,
                   "kind": "residents_networks", "on": "2026-03-08", "capital": "social"}),
        ),
        (
            "/links",
            json!({"id": "moskee-woonbron", "from": MOSKEE, "to": WOONBRON,
                   "kind": "networks_institutions", "on": "2026-04-01"}),
        ),
        (
            "/activities",
            json!({"id": WANDELGROEP, "name": "Wandelgroep Oost", "gemeente": DORDRECHT,
                   "started_on": "2026-05-01", "grew_from": [KOOKCLUB]}),
        ),
        (
            "/links",
            json!({"id": "wandelgroep-wijkagent", "from": WANDELGROEP, "to": WIJKAGENT,
                   "kind": "led_to", "on": "2026-06-01", "note": NOTE, "capital": "political"}),
        ),
    ] {
        let stored = created(app, worker, path, &body).await;
        writes.push((path, body, stored));
    }
    Story { entries, writes }
}

fn by_id<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {list}"))
}

fn ids(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|v| v["id"].as_str().expect("id").to_string())
        .collect()
}

/// An activity's origins as id → kind.
fn origins(node: &Value) -> BTreeMap<String, String> {
    node["grew_from"]
        .as_array()
        .expect("grew_from")
        .iter()
        .map(|o| {
            (
                o["id"].as_str().expect("id").to_string(),
                o["kind"].as_str().expect("kind").to_string(),
            )
        })
        .collect()
}

async fn rows(app: &TestApp) -> [i64; 3] {
    [
        app.count_rows("community_nodes").await,
        app.count_rows("community_links").await,
        app.count_rows("activity_origins").await,
    ]
}

/// A moderator (the worker) publishes the talent a wish offered: from then on the public reads the
/// wish as a talent among an activity's origins.
async fn publish_talent(app: &TestApp, worker: &Session, id: &str) {
    let res = send_json(
        app,
        Method::PATCH,
        &format!("/submissions/{id}"),
        worker,
        &json!({"talent_public": true}),
    )
    .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_worker_records_what_grew_from_residents_and_the_ripple_map_shows_it() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    add_staff_in(&app, "worker", "zwijndrecht@welzijn.nl", &[ZWIJNDRECHT]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let other = session(&app, "zwijndrecht@welzijn.nl").await;
    let story = record_story(&app, &worker).await;
    let [wish_a, wish_b, talent] = [0, 1, 2].map(|i| story.entries[i].0.clone());

    // What the POSTs answered: the activity with its origins told apart, the link with its note
    // (the worker's own), the network where it is.
    let kook = story.stored(KOOKCLUB);
    assert_eq!(
        (kook["kind"].as_str(), kook["gemeente"].as_str()),
        (Some("activity"), Some(DORDRECHT))
    );
    assert_eq!(kook["started_on"], "2026-03-01");
    assert_eq!(kook["recurring"], true);
    let expected_origins: BTreeMap<String, String> = [
        (wish_a.clone(), "wish"),
        (wish_b.clone(), "wish"),
        (talent.clone(), "talent"),
    ]
    .into_iter()
    .map(|(id, k)| (id, k.to_string()))
    .collect();
    assert_eq!(origins(kook), expected_origins);
    assert_eq!(
        origins(story.stored(WANDELGROEP)),
        BTreeMap::from([(KOOKCLUB.to_string(), "activity".to_string())])
    );
    assert_eq!(story.stored("wandelgroep-wijkagent")["note"], NOTE);
    assert_eq!(
        story.stored("wandelgroep-wijkagent")["capital"],
        "political"
    );
    assert_eq!(
        story.stored(MOSKEE)["location"],
        json!({"lon": MOSKEE_AT.0, "lat": MOSKEE_AT.1})
    );

    // The ripple map, for the public: every node, each at its number of led_to steps.
    let path = format!("/api/v1/activities/{KOOKCLUB}/ripples");
    let res = app.get(&path).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[CACHE_CONTROL], "private, no-store");
    let text = res.text().await.expect("body");
    assert!(
        !text.contains("Fatima") && !text.contains("\"note\""),
        "no note for the public: {text}"
    );
    let map: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(map["centre"]["id"], KOOKCLUB);
    assert_eq!(map["left_out"], 0);
    let nodes = map["nodes"].as_array().expect("nodes");
    // Settled by order, each after the node it hangs from, ties by kind and name.
    assert_eq!(
        nodes.iter().map(|n| n["id"].clone()).collect::<Vec<_>>(),
        [KOOKCLUB, MOSKEE, WOONBRON, WANDELGROEP, WIJKAGENT]
    );
    // (order, parent, ring): a relation costs no order and hangs halfway to the next ring; a
    // `led_to` step (a recorded link or a grew_from naming an activity) costs one.
    let expected = [
        (KOOKCLUB, 0, None, 0.0),
        (MOSKEE, 0, Some(KOOKCLUB), 1.0),
        (WOONBRON, 0, Some(MOSKEE), 1.0),
        (WANDELGROEP, 1, Some(KOOKCLUB), 2.0),
        (WIJKAGENT, 2, Some(WANDELGROEP), 4.0),
    ];
    let size = map["size"].as_f64().expect("size");
    assert_eq!(size, 2.0 * (4.0 * 110.0 + 130.0));
    assert_eq!(map["rings"], json!([110.0, 220.0, 330.0, 440.0]));
    for (id, order, parent, ring) in expected {
        let n = by_id(&map["nodes"], id);
        assert_eq!(n["order"], order, "order of {id}");
        assert_eq!(n["parent"].as_str(), parent, "parent of {id}");
        let (x, y) = (n["x"].as_f64().expect("x"), n["y"].as_f64().expect("y"));
        let radius = ((x - size / 2.0).powi(2) + (y - size / 2.0).powi(2)).sqrt();
        assert!(
            (radius - ring * 110.0).abs() < 0.5,
            "{id} at {radius}, ring {ring}"
        );
    }
    let links: BTreeSet<(String, String, String)> = map["links"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| {
            (
                l["from"].as_str().expect("from").to_string(),
                l["to"].as_str().expect("to").to_string(),
                l["kind"].as_str().expect("kind").to_string(),
            )
        })
        .collect();
    let expected_links: BTreeSet<(String, String, String)> = [
        (KOOKCLUB, MOSKEE, "residents_networks"),
        (MOSKEE, WOONBRON, "networks_institutions"),
        // The walking group's grew_from, drawn as the step it is.
        (KOOKCLUB, WANDELGROEP, "led_to"),
        (WANDELGROEP, WIJKAGENT, "led_to"),
    ]
    .into_iter()
    .map(|(a, b, k)| (a.to_string(), b.to_string(), k.to_string()))
    .collect();
    assert_eq!(links, expected_links);
    let step = map["links"]
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["to"] == WIJKAGENT)
        .expect("the step to the wijkagent");
    assert_eq!(
        (step["capital"].as_str(), step["on"].as_str()),
        (Some("political"), Some("2026-06-01"))
    );

    // The worker of the gemeente reads the note on the same map; another gemeente's worker does not.
    let mine: Value =
        serde_json::from_str(&app.get_text_with_cookie(&path, &worker.cookie).await).expect("json");
    let step = mine["links"]
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["to"] == WIJKAGENT)
        .expect("the step to the wijkagent");
    assert_eq!(step["note"], NOTE);
    assert_eq!(mine["nodes"], map["nodes"], "the same map otherwise");
    let theirs = app.get_text_with_cookie(&path, &other.cookie).await;
    assert!(!theirs.contains("Fatima"), "{theirs}");

    // An effect runs forward only: the walking group's map does not hold what led to it.
    let walk: Value = app
        .get_json(&format!("/api/v1/activities/{WANDELGROEP}/ripples"))
        .await;
    assert_eq!(
        walk["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| (n["id"].clone(), n["order"].clone()))
            .collect::<Vec<_>>(),
        [(json!(WANDELGROEP), json!(0)), (json!(WIJKAGENT), json!(1))]
    );
    // Only an activity has a ripple map.
    for id in [MOSKEE, "bestaat-niet"] {
        assert_eq!(
            app.get(&format!("/api/v1/activities/{id}/ripples"))
                .await
                .status(),
            404,
            "{id}"
        );
    }

    // The gemeente's lists hold all of it. Whether a resident offered a talent is public only once
    // a moderator published it: until then the public reads that origin as a wish.
    let activities: Value = app
        .get_json(&format!("/api/v1/activities?gemeente={DORDRECHT}"))
        .await;
    assert_eq!(
        ids(&activities),
        BTreeSet::from([KOOKCLUB.to_string(), WANDELGROEP.to_string()])
    );
    let mut unpublished = expected_origins.clone();
    unpublished.insert(talent.clone(), "wish".into());
    assert_eq!(origins(by_id(&activities, KOOKCLUB)), unpublished);
    assert!(!app.get_text(&path).await.contains(r#""kind":"talent""#));
    publish_talent(&app, &worker, &talent).await;
    let activities: Value = app
        .get_json(&format!("/api/v1/activities?gemeente={DORDRECHT}"))
        .await;
    assert_eq!(origins(by_id(&activities, KOOKCLUB)), expected_origins);
    assert_eq!(by_id(&activities, KOOKCLUB), story.stored(KOOKCLUB));
    let map: Value = app.get_json(&path).await;
    assert_eq!(origins(&map["centre"]), expected_origins);
    let networks: Value = app
        .get_json(&format!("/api/v1/networks?gemeente={DORDRECHT}"))
        .await;
    assert_eq!(
        ids(&networks),
        BTreeSet::from([MOSKEE.into(), WOONBRON.into(), WIJKAGENT.into()])
    );
    assert_eq!(by_id(&networks, MOSKEE)["kind"], "local_network");
    assert_eq!(by_id(&networks, WIJKAGENT)["kind"], "institution");
    assert_eq!(
        by_id(&networks, MOSKEE)["location"],
        story.stored(MOSKEE)["location"]
    );
    let links_path = format!("/api/v1/links?gemeente={DORDRECHT}");
    let res = app.get(&links_path).await;
    assert_eq!(res.headers()[CACHE_CONTROL], "private, no-store");
    let text = res.text().await.expect("body");
    assert!(!text.contains("Fatima"), "{text}");
    let public_links: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        ids(&public_links),
        BTreeSet::from([
            "kookclub-moskee".into(),
            "moskee-woonbron".into(),
            "wandelgroep-wijkagent".into()
        ])
    );
    assert_eq!(
        by_id(&public_links, "moskee-woonbron")["gemeente"],
        DORDRECHT
    );
    let staff_links: Value =
        serde_json::from_str(&app.get_text_with_cookie(&links_path, &worker.cookie).await)
            .expect("json");
    assert_eq!(by_id(&staff_links, "wandelgroep-wijkagent")["note"], NOTE);
    assert!(!app
        .get_text_with_cookie(&links_path, &other.cookie)
        .await
        .contains("Fatima"));

    // Another gemeente's lists are its own; a wrong code is named.
    let elsewhere: Value = app
        .get_json(&format!("/api/v1/activities?gemeente={ZWIJNDRECHT}"))
        .await;
    assert_eq!(elsewhere, json!([]));
    for path in [
        "/api/v1/activities?gemeente=GM05",
        "/api/v1/networks?gemeente=%3Cb%3E",
        "/api/v1/links?gemeente=0505",
    ] {
        let res = app.get(path).await;
        refused(res, 400, &["gemeente"], path).await;
    }
}

#[tokio::test]
async fn a_resend_is_the_same_object_and_another_body_under_its_id_is_refused() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    add_staff_in(&app, "worker", "collega@welzijn.nl", &[DORDRECHT]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let colleague = session(&app, "collega@welzijn.nl").await;
    let story = record_story(&app, &worker).await;
    let before = rows(&app).await;
    assert_eq!(before, [5, 3, 4]);
    let lists = || {
        let app = &app;
        async move {
            let mut all = Vec::new();
            for what in ["activities", "networks", "links"] {
                let list: Value = app
                    .get_json(&format!("/api/v1/{what}?gemeente={DORDRECHT}"))
                    .await;
                all.push(list);
            }
            all
        }
    };
    let listed = lists().await;

    // Every write sent again (a double tap, a lost answer): 200 and the object as stored.
    for (path, body, stored) in &story.writes {
        let res = post(&app, &worker, path, body).await;
        assert_eq!(res.status(), 200, "{path} {body}");
        assert_eq!(&res.json::<Value>().await.expect("json"), stored, "{path}");
    }
    // The same activity, its origins in another order and its name with spaces around: the same.
    let mut reordered = story.body(KOOKCLUB).clone();
    let mut sources = story
        .entries
        .iter()
        .map(|e| e.0.clone())
        .collect::<Vec<_>>();
    sources.reverse();
    reordered["grew_from"] = json!(sources);
    reordered["name"] = json!("  Kookclub Oost ");
    let res = post(&app, &worker, "/activities", &reordered).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        &res.json::<Value>().await.expect("json"),
        story.stored(KOOKCLUB)
    );
    // A colleague of the same gemeente resending it: the same too.
    let res = post(&app, &colleague, "/networks", story.body(MOSKEE)).await;
    assert_eq!(res.status(), 200);

    // Another body under a taken id: 409, for each kind of write.
    let mut renamed = story.body(KOOKCLUB).clone();
    renamed["name"] = json!("Kookclub West");
    let mut fewer = story.body(KOOKCLUB).clone();
    fewer["grew_from"] = json!([story.entries[0].0]);
    let mut moved = story.body(MOSKEE).clone();
    moved["location"] = json!({"lon": 4.68, "lat": 51.81});
    let mut kind = story.body(WOONBRON).clone();
    kind["kind"] = json!("local_network");
    let mut capital = story.body("wandelgroep-wijkagent").clone();
    capital["capital"] = json!("social");
    let mut note = story.body("wandelgroep-wijkagent").clone();
    note["note"] = json!("Gesprek met de wijkagent");
    let mut reversed = story.body("kookclub-moskee").clone();
    reversed["from"] = json!(MOSKEE);
    reversed["to"] = json!(KOOKCLUB);
    // An id names one thing: a network under an activity's id, an activity under a network's.
    let network_as_activity = json!({"id": KOOKCLUB, "name": "Kookclub Oost",
        "kind": "local_network", "gemeente": DORDRECHT});
    let activity_as_network = json!({"id": MOSKEE, "name": "Moskee Al-Nour",
        "gemeente": DORDRECHT, "started_on": "2026-03-01"});
    for (path, body) in [
        ("/activities", renamed),
        ("/activities", fewer),
        ("/networks", moved),
        ("/networks", kind),
        ("/links", capital),
        ("/links", note),
        ("/links", reversed),
        ("/networks", network_as_activity),
        ("/activities", activity_as_network),
    ] {
        let res = post(&app, &worker, path, &body).await;
        assert_eq!(res.status(), 409, "{path} {body}");
        let answer: Value = res.json().await.expect("json");
        assert!(answer["error"].is_string(), "{answer}");
    }

    // Nothing changed.
    assert_eq!(rows(&app).await, before);
    assert_eq!(lists().await, listed);
    let staff_links: Value = serde_json::from_str(
        &app.get_text_with_cookie(
            &format!("/api/v1/links?gemeente={DORDRECHT}"),
            &worker.cookie,
        )
        .await,
    )
    .expect("json");
    assert_eq!(by_id(&staff_links, "wandelgroep-wijkagent")["note"], NOTE);
    assert_eq!(
        by_id(&staff_links, "wandelgroep-wijkagent")["capital"],
        "political"
    );
}

/// A form sent several times at once (a double tap; PostgreSQL runs the writes side by side):
/// one is recorded, the others are answered as resends of it, and one row is stored.
#[tokio::test]
async fn sends_at_once_store_one_of_each() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let (origin, _) = wish(&app, "Samen koken", None).await;
    for (path, body) in [
        (
            "/networks",
            json!({"id": MOSKEE, "name": "Moskee Al-Nour", "kind": "local_network",
                   "gemeente": DORDRECHT}),
        ),
        (
            "/activities",
            json!({"id": KOOKCLUB, "name": "Kookclub Oost", "gemeente": DORDRECHT,
                   "started_on": "2026-03-01", "grew_from": [origin]}),
        ),
        (
            "/links",
            json!({"id": "kookclub-moskee", "from": KOOKCLUB, "to": MOSKEE,
                   "kind": "residents_networks", "note": NOTE}),
        ),
    ] {
        let sends = (0..8).map(|_| post(&app, &worker, path, &body));
        let mut statuses = Vec::new();
        let mut answers = BTreeSet::new();
        for res in futures::future::join_all(sends).await {
            statuses.push(res.status().as_u16());
            answers.insert(res.text().await.expect("body"));
        }
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 200, 200, 200, 200, 200, 200, 201], "{path}");
        assert_eq!(answers.len(), 1, "{path}: one object: {answers:?}");
    }
    assert_eq!(rows(&app).await, [2, 1, 1]);
}

#[tokio::test]
async fn only_workers_record_and_only_within_their_gemeente() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    add_staff_in(&app, "advisor", "advies@gemeente.nl", &[DORDRECHT]);
    add_staff_in(&app, "worker", "zwijndrecht@welzijn.nl", &[ZWIJNDRECHT]);
    add_staff_in(
        &app,
        "worker",
        "regio@welzijn.nl",
        &[DORDRECHT, ZWIJNDRECHT],
    );
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let advisor = session(&app, "advies@gemeente.nl").await;
    let other = session(&app, "zwijndrecht@welzijn.nl").await;
    let regional = session(&app, "regio@welzijn.nl").await;

    let (wish_here, _) = wish(&app, "Samen koken", None).await;
    let (wish_there, _) = wish_at(&app, IN_ZWIJNDRECHT, "Samen koken", None).await;
    let barrier_id = new_id();
    assert_eq!(
        app.post_json(&barrier(&barrier_id, &new_id()))
            .await
            .status(),
        201
    );
    let place_id = new_id();
    let res = app.post_json(&place(&place_id, &new_id())).await;
    assert_eq!(res.status(), 201);
    let receipt: Value = res.json().await.expect("json");
    assert_eq!(receipt["areas"]["gemeente"], DORDRECHT, "{receipt}");

    let activity = json!({"id": KOOKCLUB, "name": "Kookclub Oost", "gemeente": DORDRECHT,
        "started_on": "2026-03-01", "grew_from": [wish_here]});
    let network = json!({"id": MOSKEE, "name": "Moskee Al-Nour", "kind": "local_network",
        "gemeente": DORDRECHT});
    let link = json!({"id": "kookclub-moskee", "from": KOOKCLUB, "to": MOSKEE,
        "kind": "residents_networks"});
    let writes = [
        ("/activities", &activity),
        ("/networks", &network),
        ("/links", &link),
    ];

    // No session: 401; an advisor: 403; a worker without (or with a wrong) CSRF token: 403.
    for (path, body) in writes {
        let res = app
            .client
            .post(app.url(&format!("/api/v1{path}")))
            .json(body)
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 401, "{path} without a session");
        assert_eq!(
            post(&app, &advisor, path, body).await.status(),
            403,
            "{path} as an advisor"
        );
        for token in [None, Some("0123456789abcdef")] {
            let mut req = app
                .client
                .post(app.url(&format!("/api/v1{path}")))
                .header(COOKIE, &worker.cookie)
                .json(body);
            if let Some(t) = token {
                req = req.header("x-csrf-token", t);
            }
            let res = req.send().await.expect("post");
            assert_eq!(res.status(), 403, "{path} with CSRF token {token:?}");
        }
    }
    assert_eq!(rows(&app).await, [0, 0, 0]);

    // Zwijndrecht's worker cannot record in Dordrecht.
    refused(
        post(&app, &other, "/activities", &activity).await,
        422,
        &["gemeente"],
        "another gemeente's activity",
    )
    .await;
    refused(
        post(&app, &other, "/networks", &network).await,
        422,
        &["gemeente"],
        "another gemeente's network",
    )
    .await;

    // Dordrecht's worker records them; Zwijndrecht's worker records their own.
    created(&app, &worker, "/activities", &activity).await;
    created(&app, &worker, "/networks", &network).await;
    let sportclub = json!({"id": "sportclub-zwijndrecht", "name": "Sportclub",
        "kind": "local_network", "gemeente": ZWIJNDRECHT});
    created(&app, &other, "/networks", &sportclub).await;
    let their_activity = json!({"id": "buurtfeest-zwijndrecht", "name": "Buurtfeest",
        "gemeente": ZWIJNDRECHT, "started_on": "2026-04-01", "grew_from": [wish_there]});
    let theirs = created(&app, &other, "/activities", &their_activity).await;
    assert_eq!(origins(&theirs)[&wish_there], "wish");
    let stored = rows(&app).await;

    // A resend of Dordrecht's activity by Zwijndrecht's worker is not a replay.
    refused(
        post(&app, &other, "/activities", &activity).await,
        422,
        &["gemeente"],
        "another gemeente's resend",
    )
    .await;
    // A link between Dordrecht's nodes, by Zwijndrecht's worker.
    refused(
        post(&app, &other, "/links", &link).await,
        422,
        &["from"],
        "a link in another gemeente",
    )
    .await;
    // A link across two gemeenten, even by a worker of both.
    let across = json!({"id": "over-de-grens", "from": MOSKEE, "to": "sportclub-zwijndrecht",
        "kind": "residents_networks"});
    for s in [&regional, &worker] {
        refused(
            post(&app, s, "/links", &across).await,
            422,
            &["to"],
            "a link across gemeenten",
        )
        .await;
    }
    // A link to nothing.
    let dangling = json!({"id": "nergens-heen", "from": "bestaat-niet", "to": "ook-niet",
        "kind": "residents"});
    refused(
        post(&app, &worker, "/links", &dangling).await,
        422,
        &["from", "to"],
        "a link between unknown nodes",
    )
    .await;

    // Origins are the gemeente's own: not another gemeente's wish or activity, not an unknown id.
    for (what, from) in [
        ("a wish in Zwijndrecht", wish_there.clone()),
        (
            "an activity in Zwijndrecht",
            "buurtfeest-zwijndrecht".into(),
        ),
        ("an unknown id", new_id()),
        ("a network", MOSKEE.into()),
    ] {
        let body = json!({"id": "eettafel", "name": "Eettafel", "gemeente": DORDRECHT,
            "started_on": "2026-03-01", "grew_from": [wish_here, from]});
        refused(
            post(&app, &worker, "/activities", &body).await,
            422,
            &["grew_from"],
            what,
        )
        .await;
    }
    // The place an activity happens at is a mapped place of the gemeente, not a barrier.
    for (what, at) in [("a barrier", barrier_id.clone()), ("unknown", new_id())] {
        let body = json!({"id": "eettafel", "name": "Eettafel", "gemeente": DORDRECHT,
            "started_on": "2026-03-01", "place": at});
        refused(
            post(&app, &worker, "/activities", &body).await,
            422,
            &["place"],
            what,
        )
        .await;
    }
    assert_eq!(rows(&app).await, stored, "nothing refused was stored");

    // At a real place of the gemeente, the activity is where the public sees the place (a place's
    // public position is where it is: a meeting place is public by nature).
    let body = json!({"id": "eettafel", "name": "Eettafel", "gemeente": DORDRECHT,
        "started_on": "2026-03-01", "place": place_id.to_uppercase()});
    let at_place = created(&app, &worker, "/activities", &body).await;
    let public_place: Value = app
        .get_json(&format!("/api/v1/submissions/{place_id}"))
        .await;
    assert_eq!(at_place["place"], place_id.as_str());
    assert_eq!(at_place["location"], public_place["location"]);
}

#[tokio::test]
async fn wrong_bodies_are_refused_naming_their_fields() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    created(
        &app,
        &worker,
        "/networks",
        &json!({"id": MOSKEE, "name": "Moskee", "kind": "local_network", "gemeente": DORDRECHT}),
    )
    .await;
    let activity = json!({"id": KOOKCLUB, "name": "Kookclub", "gemeente": DORDRECHT,
        "started_on": "2026-03-01"});
    let network = json!({"id": "buren-plein", "name": "De buren van het plein",
        "kind": "resident_group", "gemeente": DORDRECHT});
    let link = json!({"id": "l1", "from": KOOKCLUB, "to": MOSKEE, "kind": "residents_networks"});
    let with = |base: &Value, changes: Value| {
        let mut b = base.clone();
        for (k, v) in changes.as_object().expect("changes") {
            if v.is_null() {
                b.as_object_mut().expect("object").remove(k);
            } else {
                b[k] = v.clone();
            }
        }
        b
    };
    let cases: Vec<(&str, Value, &[&str])> = vec![
        (
            "/activities",
            with(&activity, json!({"id": "Kookclub Oost"})),
            &["id"],
        ),
        (
            "/activities",
            with(&activity, json!({"name": null})),
            &["name"],
        ),
        (
            "/activities",
            with(&activity, json!({"name": "   "})),
            &["name"],
        ),
        (
            "/activities",
            with(&activity, json!({"name": "x".repeat(121)})),
            &["name"],
        ),
        (
            "/activities",
            with(&activity, json!({"started_on": "2026-02-30"})),
            &["started_on"],
        ),
        (
            "/activities",
            with(&activity, json!({"started_on": "9999-12-31"})),
            &["started_on"],
        ),
        (
            "/activities",
            with(&activity, json!({"gemeente": "Dordrecht"})),
            &["gemeente"],
        ),
        (
            "/activities",
            with(&activity, json!({"grew_from": [KOOKCLUB]})),
            &["grew_from"],
        ),
        (
            "/activities",
            with(&activity, json!({"location": {"lon": 0.0, "lat": 0.0}})),
            &["location"],
        ),
        (
            "/activities",
            with(
                &activity,
                json!({"location": {"lon": 4.67, "lat": 51.81}, "place": new_id()}),
            ),
            &["place"],
        ),
        (
            "/activities",
            with(&activity, json!({"colour": "rood"})),
            &["colour"],
        ),
        (
            "/activities",
            with(&activity, json!({"campaign": "bestaat-niet"})),
            &["campaign"],
        ),
        (
            "/activities",
            with(&activity, json!({"campaign": "Geen Slug"})),
            &["campaign"],
        ),
        (
            "/networks",
            with(&network, json!({"location": {"lon": 4.67, "lat": 51.81}})),
            &["location"],
        ),
        (
            "/networks",
            with(&network, json!({"kind": "activity"})),
            &["kind"],
        ),
        ("/networks", with(&network, json!({"id": "a b"})), &["id"]),
        (
            "/networks",
            with(&network, json!({"website": "https://x.nl"})),
            &["website"],
        ),
        ("/links", with(&link, json!({"kind": "friends"})), &["kind"]),
        (
            "/links",
            with(&link, json!({"capital": "money"})),
            &["capital"],
        ),
        (
            "/links",
            with(&link, json!({"from": MOSKEE, "to": MOSKEE})),
            &["to"],
        ),
        ("/links", with(&link, json!({"on": "2026-13-01"})), &["on"]),
        (
            "/links",
            with(&link, json!({"note": "x".repeat(1001)})),
            &["note"],
        ),
        ("/links", with(&link, json!({"remark": "x"})), &["remark"]),
        ("/links", with(&link, json!({"kind": null})), &["kind"]),
    ];
    for (path, body, fields) in cases {
        let what = format!("{path} {body}");
        refused(post(&app, &worker, path, &body).await, 422, fields, &what).await;
    }
    assert_eq!(rows(&app).await, [1, 0, 0], "nothing stored");
    // The bodies they were changed from are fine.
    created(&app, &worker, "/activities", &activity).await;
    created(&app, &worker, "/networks", &network).await;
    created(&app, &worker, "/links", &link).await;
}

/// Checks that `doc` is well-formed as far as its tags go (every element closed in order, one root
/// `graphml`); returns the number of elements by name.
fn xml_elements(doc: &str) -> BTreeMap<String, usize> {
    let mut stack: Vec<String> = Vec::new();
    let mut counts = BTreeMap::new();
    let mut roots = 0;
    let mut rest = doc;
    while let Some(start) = rest.find('<') {
        let end = start + rest[start..].find('>').expect("a tag ends");
        let tag = &rest[start + 1..end];
        assert!(!tag.contains('<'), "a stray < in {tag}");
        if tag.starts_with('?') || tag.starts_with('!') {
        } else if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.trim()), "</{name}>");
        } else {
            let name = tag
                .trim_end_matches('/')
                .split_whitespace()
                .next()
                .expect("name")
                .to_string();
            if stack.is_empty() {
                roots += 1;
                assert_eq!(name, "graphml");
            }
            *counts.entry(name.clone()).or_insert(0) += 1;
            if !tag.ends_with('/') {
                stack.push(name);
            }
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert_eq!(roots, 1);
    counts
}

#[tokio::test]
async fn the_exports_hold_the_graph_and_never_a_note() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let story = record_story(&app, &worker).await;
    publish_talent(&app, &worker, &story.entries[2].0).await;
    let export = |query: &'static str| {
        let app = &app;
        let cookie = worker.cookie.clone();
        async move {
            // With the worker's cookie: an export is a file that travels, notes never go along.
            let res = app
                .get_with_cookie(
                    &format!("/api/v1/dynamics/export?gemeente={DORDRECHT}{query}"),
                    &cookie,
                )
                .await;
            let status = res.status().as_u16();
            let header = |name| {
                res.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string()
            };
            let (kind, file) = (header(CONTENT_TYPE), header(CONTENT_DISPOSITION));
            (status, kind, file, res.text().await.expect("body"))
        }
    };

    // GraphML: well-formed, a node per activity and network, an edge per link and one for the
    // walking group's grew_from (the step the ripple map draws too).
    let (status, kind, file, graphml) = export("&format=graphml").await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("application/graphml+xml"), "{kind}");
    assert!(
        file.contains(&format!("trefpunt-{DORDRECHT}-dynamiek.graphml")),
        "{file}"
    );
    let elements = xml_elements(&graphml);
    assert_eq!(elements.get("node"), Some(&5), "{graphml}");
    assert_eq!(elements.get("edge"), Some(&4), "{graphml}");
    assert_eq!(graphml.matches("<node ").count(), 5);
    assert_eq!(graphml.matches("<edge ").count(), 4);
    for id in [KOOKCLUB, MOSKEE, WOONBRON, WIJKAGENT, WANDELGROEP] {
        assert!(graphml.contains(&format!(r#"<node id="{id}">"#)), "{id}");
    }
    assert!(graphml.contains(&format!(
        r#"<edge id="wandelgroep-wijkagent" source="{WANDELGROEP}" target="{WIJKAGENT}">"#
    )));
    assert!(graphml.contains(&format!(r#"source="{KOOKCLUB}" target="{WANDELGROEP}">"#)));
    let kook = graphml
        .split(&format!(r#"<node id="{KOOKCLUB}">"#))
        .nth(1)
        .and_then(|r| r.split("</node>").next())
        .expect("the kookclub's node");
    assert!(
        kook.contains(r#"<data key="n_kind">activity</data>"#),
        "{kook}"
    );
    assert!(kook.contains(r#"<data key="label">Kookclub Oost</data>"#));
    assert!(kook.contains(r#"<data key="recurring">true</data>"#));
    assert!(graphml.contains(r#"<data key="capital">political</data>"#));

    // Kumu's JSON: elements and connections, the activity's origins with their kinds.
    let (status, kind, _, text) = export("&format=json").await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("application/json"), "{kind}");
    let kumu: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        ids(&kumu["elements"]),
        BTreeSet::from([
            KOOKCLUB.into(),
            MOSKEE.into(),
            WOONBRON.into(),
            WIJKAGENT.into(),
            WANDELGROEP.into()
        ])
    );
    assert_eq!(
        kumu["connections"].as_array().expect("connections").len(),
        4
    );
    assert!(kumu["connections"]
        .as_array()
        .expect("connections")
        .iter()
        .any(|c| c["from"] == KOOKCLUB && c["to"] == WANDELGROEP && c["type"] == "led_to"));
    let element = by_id(&kumu["elements"], KOOKCLUB);
    assert_eq!(element["type"], "activity");
    assert_eq!(origins(element), origins(story.stored(KOOKCLUB)));
    let connection = by_id(&kumu["connections"], "wandelgroep-wijkagent");
    assert_eq!(
        (connection["from"].as_str(), connection["to"].as_str()),
        (Some(WANDELGROEP), Some(WIJKAGENT))
    );
    assert_eq!(connection["type"], "led_to");
    assert!(connection.get("note").is_none(), "{connection}");
    assert_eq!(
        by_id(&kumu["elements"], MOSKEE)["location"],
        json!({"lon": MOSKEE_AT.0, "lat": MOSKEE_AT.1})
    );

    // The two tables: a header and a row per node or link; links are the default.
    let (status, kind, file, nodes) = export("&format=csv&table=nodes").await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/csv"), "{kind}");
    assert!(file.contains("nodes.csv"), "{file}");
    let lines: Vec<&str> = nodes.lines().collect();
    assert!(lines[0].starts_with("Id,Label,Kind"), "{nodes}");
    assert_eq!(lines.len(), 1 + 5, "{nodes}");
    assert!(lines.iter().any(|l| l.starts_with(&format!(
        "{MOSKEE},Moskee Al-Nour,local_network,{DORDRECHT},"
    ))));
    let (status, _, file, links) = export("&format=csv").await;
    assert_eq!(status, 200);
    assert!(file.contains("links.csv"), "{file}");
    let lines: Vec<&str> = links.lines().collect();
    assert!(lines[0].starts_with("Id,Source,Target,Type"), "{links}");
    assert_eq!(lines.len(), 1 + 4, "{links}");
    assert!(lines.iter().any(|l| l.contains(&format!(
        ",{KOOKCLUB},{WANDELGROEP},Directed,led_to,2026-05-01,,"
    ))));
    assert!(lines.iter().any(|l| l.starts_with(&format!(
        "wandelgroep-wijkagent,{WANDELGROEP},{WIJKAGENT},Directed,led_to,2026-06-01,political,"
    ))));
    let (_, _, _, table_links) = export("&format=csv&table=links").await;
    assert_eq!(table_links, links);

    for body in [&graphml, &text, &nodes, &links] {
        assert!(!body.contains("Fatima"), "no note in an export: {body}");
    }

    // Wrong parameters are named.
    for (query, field) in [
        ("&format=xlsx", "format"),
        ("&format=GRAPHML", "format"),
        ("&format=graphml&table=nodes", "table"),
        ("&format=json&table=links", "table"),
        ("&format=csv&table=edges", "table"),
    ] {
        let res = app
            .get(&format!(
                "/api/v1/dynamics/export?gemeente={DORDRECHT}{query}"
            ))
            .await;
        refused(res, 400, &[field], query).await;
    }
    let res = app
        .get("/api/v1/dynamics/export?gemeente=GM05&format=json")
        .await;
    refused(res, 400, &["gemeente"], "a wrong gemeente").await;
    assert_eq!(
        app.get(&format!("/api/v1/dynamics/export?gemeente={DORDRECHT}"))
            .await
            .status(),
        400,
        "no format"
    );
    // Another gemeente's export is empty, not an error.
    let res = app
        .get(&format!(
            "/api/v1/dynamics/export?gemeente={ZWIJNDRECHT}&format=csv&table=nodes"
        ))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.expect("body").lines().count(), 1);
}

#[tokio::test]
async fn a_resident_who_deletes_their_wish_takes_the_tie_along_and_the_activity_stays() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let story = record_story(&app, &worker).await;
    let (wish_a, key_a) = story.entries[0].clone();
    let (wish_b, key_b) = story.entries[1].clone();
    let talent = story.entries[2].0.clone();
    publish_talent(&app, &worker, &talent).await;
    assert_eq!(rows(&app).await, [5, 3, 4]);

    // Through the API's private link.
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/submissions/{wish_a}/private")))
        .header("x-edit-key", &key_a)
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), 204);
    assert_eq!(
        rows(&app).await,
        [5, 3, 3],
        "the tie went, the activity stayed"
    );
    let activities: Value = app
        .get_json(&format!("/api/v1/activities?gemeente={DORDRECHT}"))
        .await;
    let kook = by_id(&activities, KOOKCLUB);
    assert_eq!(
        origins(kook),
        BTreeMap::from([
            (wish_b.clone(), "wish".to_string()),
            (talent.clone(), "talent".to_string())
        ])
    );
    // The worker's resend of the original body is still the same activity.
    let res = post(&app, &worker, "/activities", story.body(KOOKCLUB)).await;
    assert_eq!(res.status(), 200);
    let replayed: Value = res.json().await.expect("json");
    assert_eq!(&replayed, kook);
    assert!(!replayed.to_string().contains(&wish_a));
    // A new activity cannot name the deleted wish.
    let body = json!({"id": "eettafel", "name": "Eettafel", "gemeente": DORDRECHT,
        "started_on": "2026-03-01", "grew_from": [wish_a]});
    refused(
        post(&app, &worker, "/activities", &body).await,
        422,
        &["grew_from"],
        "a deleted wish",
    )
    .await;

    // A wish a moderator hid is no origin for the public (its tie is kept for staff), nor for a new
    // activity.
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{wish_b}"),
        &worker,
        &json!({"hidden": true}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let activities: Value = app
        .get_json(&format!("/api/v1/activities?gemeente={DORDRECHT}"))
        .await;
    assert_eq!(
        origins(by_id(&activities, KOOKCLUB)),
        BTreeMap::from([(talent.clone(), "talent".to_string())])
    );
    assert_eq!(rows(&app).await, [5, 3, 3]);
    let body = json!({"id": "eettafel", "name": "Eettafel", "gemeente": DORDRECHT,
        "started_on": "2026-03-01", "grew_from": [wish_b]});
    refused(
        post(&app, &worker, "/activities", &body).await,
        422,
        &["grew_from"],
        "a hidden wish",
    )
    .await;

    // Through the private page's form.
    let res = app
        .post_form(
            &format!("/mijn/{wish_b}/verwijderen"),
            &[("sleutel".into(), key_b), ("zeker".into(), "ja".into())],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(rows(&app).await, [5, 3, 2]);
    let activities: Value = app
        .get_json(&format!("/api/v1/activities?gemeente={DORDRECHT}"))
        .await;
    assert_eq!(
        origins(by_id(&activities, KOOKCLUB)),
        BTreeMap::from([(talent.clone(), "talent".to_string())])
    );
    let res = post(&app, &worker, "/activities", story.body(KOOKCLUB)).await;
    assert_eq!(res.status(), 200);

    // Nothing public names the deleted entries any more.
    let mut public = Vec::new();
    for path in [
        format!("/api/v1/activities/{KOOKCLUB}/ripples"),
        format!("/api/v1/dynamics/export?gemeente={DORDRECHT}&format=json"),
        format!("/api/v1/dynamics/export?gemeente={DORDRECHT}&format=graphml"),
    ] {
        let res = app.get(&path).await;
        assert_eq!(res.status(), 200, "{path}");
        public.push(res.text().await.expect("body"));
    }
    for text in &public {
        assert!(!text.contains(&wish_a) && !text.contains(&wish_b), "{text}");
    }
    assert!(
        public[1].contains(&talent),
        "the remaining origin is exported"
    );
}

#[tokio::test]
async fn the_openapi_document_lists_the_dynamics_operations_and_who_may_call_them() {
    let app = spawn_app().await;
    let doc: Value = app.get_json("/api/v1/openapi.json").await;
    let paths = &doc["paths"];
    for (path, methods) in [
        ("/activities", &["get", "post"][..]),
        ("/activities/{id}/ripples", &["get"][..]),
        ("/networks", &["get", "post"][..]),
        ("/links", &["get", "post"][..]),
        ("/dynamics/export", &["get"][..]),
    ] {
        let ops = paths[path].as_object().unwrap_or_else(|| panic!("{path}"));
        let listed: BTreeSet<&str> = ops
            .keys()
            .map(String::as_str)
            .filter(|m| ["get", "post", "put", "patch", "delete"].contains(m))
            .collect();
        assert_eq!(listed, methods.iter().copied().collect(), "{path}");
        for m in methods {
            let op = &ops[*m];
            if *m == "post" {
                assert_eq!(op["x-roles"], json!(["admin", "worker"]), "POST {path}");
                assert!(op.get("security").is_some(), "POST {path} is secured");
                assert!(op["requestBody"].is_object(), "POST {path}");
                for status in ["200", "201", "409", "422"] {
                    assert!(
                        op["responses"][status].is_object(),
                        "POST {path} documents {status}"
                    );
                }
            } else {
                assert!(op.get("x-roles").is_none(), "GET {path} is public");
                assert!(op.get("security").is_none(), "GET {path} is public");
            }
        }
    }
    let schemas = &doc["components"]["schemas"];
    for (schema, required) in [
        (
            "ActivityInput",
            &["id", "name", "gemeente", "started_on"][..],
        ),
        ("NetworkInput", &["id", "name", "kind", "gemeente"][..]),
        ("LinkInput", &["id", "from", "to", "kind"][..]),
    ] {
        let listed: BTreeSet<&str> = schemas[schema]["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema}"))
            .iter()
            .map(|v| v.as_str().expect("name"))
            .collect();
        assert_eq!(
            listed,
            required.iter().copied().collect(),
            "{schema} requires"
        );
    }
    let export_params: BTreeSet<&str> = paths["/dynamics/export"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        export_params,
        BTreeSet::from(["gemeente", "format", "table"])
    );
    // Each format's media type, as the answers carry them.
    let formats: BTreeSet<&str> = paths["/dynamics/export"]["get"]["responses"]["200"]["content"]
        .as_object()
        .expect("the export's content")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        formats,
        BTreeSet::from(["application/graphml+xml", "application/json", "text/csv"])
    );
}

/// The staff page's plain forms record the same way as the API and go back to the page with what
/// became of it; they need a worker's session and the form's CSRF token.
#[tokio::test]
async fn the_staff_pages_forms_record_through_the_same_rules() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    add_staff_in(&app, "advisor", "advies@gemeente.nl", &[DORDRECHT]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let advisor = session(&app, "advies@gemeente.nl").await;
    let (wish_id, _) = wish(&app, "Samen koken", None).await;
    let form =
        |path: &'static str, s: Option<&Session>, csrf: bool, fields: Vec<(&str, String)>| {
            let app = &app;
            let cookie = s.map(|s| s.cookie.clone());
            let mut body: Vec<(String, String)> = fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            if let Some(t) = s.filter(|_| csrf) {
                body.push(("csrf".into(), t.csrf.clone()));
            }
            async move {
                let mut req = app.client.post(app.url(path)).form(&body);
                if let Some(c) = cookie {
                    req = req.header(COOKIE, c);
                }
                req.send().await.expect("post")
            }
        };
    let location = |res: &reqwest::Response| {
        assert_eq!(res.status(), 303);
        res.headers()[LOCATION]
            .to_str()
            .expect("location")
            .to_string()
    };
    let network = || {
        vec![
            ("id", MOSKEE.to_string()),
            ("name", "Moskee Al-Nour".to_string()),
            ("kind", "local_network".to_string()),
            ("gemeente", DORDRECHT.to_string()),
            ("lon", "4,6745".to_string()),
            ("lat", "51,8105".to_string()),
        ]
    };

    // Not without a worker's session and the form's token.
    assert_eq!(
        form(NETWORK_FORM, None, false, network()).await.status(),
        401
    );
    assert_eq!(
        form(NETWORK_FORM, Some(&advisor), true, network())
            .await
            .status(),
        403
    );
    assert_eq!(
        form(NETWORK_FORM, Some(&worker), false, network())
            .await
            .status(),
        403
    );
    assert_eq!(rows(&app).await, [0, 0, 0]);

    let res = form(NETWORK_FORM, Some(&worker), true, network()).await;
    assert_eq!(
        location(&res),
        format!("/staff/activiteiten?gemeente={DORDRECHT}&melding=opgeslagen#knoop-{MOSKEE}")
    );
    let networks: Value = app
        .get_json(&format!("/api/v1/networks?gemeente={DORDRECHT}"))
        .await;
    assert_eq!(
        by_id(&networks, MOSKEE)["location"],
        json!({"lon": 4.6745, "lat": 51.8105}),
        "a decimal comma is read"
    );
    // Sent again: already stored; another body under the id: taken.
    let res = form(NETWORK_FORM, Some(&worker), true, network()).await;
    assert!(location(&res).contains("melding=al-opgeslagen"));
    let mut renamed = network();
    renamed[1].1 = "Moskee".into();
    let res = form(NETWORK_FORM, Some(&worker), true, renamed).await;
    assert!(location(&res).contains("melding=bestaat"));
    // Wrong fields are named on the way back.
    let mut wrong = network();
    wrong[2].1 = "vriendenclub".into();
    let res = form(NETWORK_FORM, Some(&worker), true, wrong).await;
    assert_eq!(
        location(&res),
        format!("/staff/activiteiten?gemeente={DORDRECHT}&melding=ongeldig&velden=kind")
    );
    let mut half = network();
    half.retain(|(k, _)| *k != "lat");
    let res = form(NETWORK_FORM, Some(&worker), true, half).await;
    assert!(location(&res).ends_with("melding=ongeldig&velden=lat"));

    // An activity with its origins (several fields of one name), then a link with a note.
    let res = form(
        ACTIVITY_FORM,
        Some(&worker),
        true,
        vec![
            ("id", KOOKCLUB.into()),
            ("name", "Kookclub Oost".into()),
            ("gemeente", DORDRECHT.into()),
            ("started_on", "2026-03-01".into()),
            ("recurring", "ja".into()),
            ("grew_from", wish_id.clone()),
            ("grew_from", String::new()),
        ],
    )
    .await;
    assert!(location(&res).ends_with(&format!("melding=opgeslagen#knoop-{KOOKCLUB}")));
    let res = form(
        ACTIVITY_FORM,
        Some(&worker),
        true,
        vec![
            ("id", "eettafel".into()),
            ("name", "Eettafel".into()),
            ("gemeente", DORDRECHT.into()),
            ("started_on", "2026-02-30".into()),
            ("grew_from", new_id()),
        ],
    )
    .await;
    let back = location(&res);
    assert!(
        back.contains("melding=ongeldig&velden=started_on"),
        "{back}"
    );
    let res = form(
        LINK_FORM,
        Some(&worker),
        true,
        vec![
            ("id", "kookclub-moskee".into()),
            ("from", KOOKCLUB.into()),
            ("to", MOSKEE.into()),
            ("kind", "residents_networks".into()),
            ("note", NOTE.into()),
            ("capital", "social".into()),
        ],
    )
    .await;
    assert!(location(&res).ends_with(&format!("melding=opgeslagen#knoop-{KOOKCLUB}")));
    let activities: Value = app
        .get_json(&format!("/api/v1/activities?gemeente={DORDRECHT}"))
        .await;
    let kook = by_id(&activities, KOOKCLUB);
    assert_eq!(kook["recurring"], true);
    assert_eq!(
        origins(kook),
        BTreeMap::from([(wish_id.clone(), "wish".to_string())])
    );
    let staff_links: Value = serde_json::from_str(
        &app.get_text_with_cookie(
            &format!("/api/v1/links?gemeente={DORDRECHT}"),
            &worker.cookie,
        )
        .await,
    )
    .expect("json");
    assert_eq!(by_id(&staff_links, "kookclub-moskee")["note"], NOTE);
    assert_eq!(rows(&app).await, [2, 1, 1]);
    // The API's resend of what the form stored is the same activity.
    let res = post(
        &app,
        &worker,
        "/activities",
        &json!({"id": KOOKCLUB, "name": "Kookclub Oost", "gemeente": DORDRECHT,
            "started_on": "2026-03-01", "recurring": true, "grew_from": [wish_id]}),
    )
    .await;
    assert_eq!(res.status(), 200);
}

/// Networks and activities with and without a position, recorded in turn, are all stored. On
/// PostgreSQL a pooled connection keeps the INSERT it prepared; sqlx 0.8.6's `Any` driver sends a
/// `None::<f64>` as a `float4` NULL (`AnyValueKind::Null(Double)` is added as `Option::<f32>`), so
/// once a node without a position was written on a connection, the next one with a position there
/// fails ("incorrect binary data format in bind parameter 6") and the worker gets a 500.
#[tokio::test]
async fn positions_are_stored_whatever_was_recorded_before_them() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let mut statuses = Vec::new();
    for i in 0..16 {
        let mut network = json!({"id": format!("netwerk-{i}"), "name": "Netwerk",
            "kind": "local_network", "gemeente": DORDRECHT});
        let mut activity = json!({"id": format!("activiteit-{i}"), "name": "Activiteit",
            "gemeente": DORDRECHT, "started_on": "2026-03-01"});
        if i % 2 == 1 {
            network["location"] = json!({"lon": 4.67, "lat": 51.81});
            activity["location"] = json!({"lon": 4.68, "lat": 51.81});
        }
        for (path, body) in [("/networks", &network), ("/activities", &activity)] {
            let status = post(&app, &worker, path, body).await.status().as_u16();
            statuses.push((path, i, status));
        }
    }
    let failed: Vec<_> = statuses.iter().filter(|s| s.2 != 201).collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(rows(&app).await, [32, 0, 0]);
}

// --- Deleting, and which relations tie which ends ------------------------------------------------

/// Deletes `path` (under `/api/v1`) as `s`, with the session's CSRF token: 204 and no body.
async fn delete(app: &TestApp, s: &Session, path: &str) {
    let res = call(app, Method::DELETE, path, Some(s), true).await;
    let status = res.status();
    let text = res.text().await.expect("body");
    assert_eq!(status, 204, "DELETE {path}: {text}");
    assert!(text.is_empty(), "DELETE {path}: {text}");
}

/// Posts a staff page's plain form to `path`, as `s` if given (with the form's CSRF token in its
/// `csrf` field when `csrf`).
async fn send_form(
    app: &TestApp,
    path: &str,
    s: Option<&Session>,
    csrf: bool,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut body: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut req = app.client.post(app.url(path));
    if let Some(s) = s {
        req = req.header(COOKIE, &s.cookie);
        if csrf {
            body.push(("csrf".into(), s.csrf.clone()));
        }
    }
    req.form(&body).send().await.expect("post")
}

/// Everything the public reads of Dordrecht's graph, by path: the three lists, the four exports
/// and the ripple map of every activity listed.
async fn everything_public(app: &TestApp) -> Vec<(String, String)> {
    let activities: Value = app
        .get_json(&format!("/api/v1/activities?gemeente={DORDRECHT}"))
        .await;
    let mut paths: Vec<String> = ["activities", "networks", "links"]
        .iter()
        .map(|what| format!("/api/v1/{what}?gemeente={DORDRECHT}"))
        .collect();
    for query in [
        "format=graphml",
        "format=json",
        "format=csv&table=nodes",
        "format=csv&table=links",
    ] {
        paths.push(format!(
            "/api/v1/dynamics/export?gemeente={DORDRECHT}&{query}"
        ));
    }
    paths.extend(
        ids(&activities)
            .iter()
            .map(|id| format!("/api/v1/activities/{id}/ripples")),
    );
    let mut all = Vec::new();
    for path in paths {
        let res = app.get(&path).await;
        assert_eq!(res.status(), 200, "{path}");
        all.push((path, res.text().await.expect("body")));
    }
    all
}

/// Nothing the public reads names any of `gone`.
async fn named_nowhere(app: &TestApp, gone: &[&str]) {
    for (path, text) in everything_public(app).await {
        for id in gone {
            assert!(!text.contains(id), "{id} in {path}: {text}");
        }
    }
}

/// The ids of the nodes on an activity's ripple map.
async fn on_the_map(app: &TestApp, activity: &str) -> BTreeSet<String> {
    let map: Value = app
        .get_json(&format!("/api/v1/activities/{activity}/ripples"))
        .await;
    ids(&map["nodes"])
}

fn set(of: &[&str]) -> BTreeSet<String> {
    of.iter().map(ToString::to_string).collect()
}

/// Workers (and admins) delete what should not stand: a link alone, or an activity or network with
/// every link that touches it and its place among other activities' origins (an activity that grew
/// from a deleted one stays). Only in their own gemeente, each kind through its own path; the
/// audit log says who did. The original body then records it anew.
#[tokio::test]
async fn a_worker_deletes_a_node_with_its_ties_or_a_link_and_can_record_it_again() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    add_staff_in(&app, "worker", "zwijndrecht@welzijn.nl", &[ZWIJNDRECHT]);
    add_staff_in(&app, "advisor", "advies@gemeente.nl", &[DORDRECHT]);
    add_staff_in(&app, "admin", "beheer@gemeente.nl", &[]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let other = session(&app, "zwijndrecht@welzijn.nl").await;
    let advisor = session(&app, "advies@gemeente.nl").await;
    let admin = session(&app, "beheer@gemeente.nl").await;
    let story = record_story(&app, &worker).await;
    let entries = app.count_rows("submissions").await;
    assert_eq!(rows(&app).await, [5, 3, 4]);
    let public = everything_public(&app).await;
    let links_path = format!("/api/v1/links?gemeente={DORDRECHT}");
    let activities_path = format!("/api/v1/activities?gemeente={DORDRECHT}");
    let networks_path = format!("/api/v1/networks?gemeente={DORDRECHT}");

    // No session: 401; an advisor, or a worker without the CSRF token: 403; another gemeente's
    // worker: not found.
    for path in [
        format!("/activities/{KOOKCLUB}"),
        format!("/networks/{MOSKEE}"),
        "/links/moskee-woonbron".to_string(),
    ] {
        let status = |res: reqwest::Response| res.status().as_u16();
        assert_eq!(
            status(call(&app, Method::DELETE, &path, None, false).await),
            401,
            "{path} without a session"
        );
        assert_eq!(
            status(call(&app, Method::DELETE, &path, Some(&advisor), true).await),
            403,
            "{path} as an advisor"
        );
        assert_eq!(
            status(call(&app, Method::DELETE, &path, Some(&worker), false).await),
            403,
            "{path} without the CSRF token"
        );
        assert_eq!(
            status(call(&app, Method::DELETE, &path, Some(&other), true).await),
            404,
            "{path} by another gemeente's worker"
        );
    }
    // An activity is not deleted as a network, nor the reverse, nor a node as a link; an unknown
    // id is not found.
    for path in [
        format!("/networks/{KOOKCLUB}"),
        format!("/activities/{MOSKEE}"),
        format!("/links/{KOOKCLUB}"),
        "/activities/kookclub-moskee".to_string(),
        "/activities/bestaat-niet".to_string(),
        "/networks/bestaat-niet".to_string(),
        "/links/bestaat-niet".to_string(),
    ] {
        let res = call(&app, Method::DELETE, &path, Some(&worker), true).await;
        assert_eq!(res.status(), 404, "{path}");
    }
    assert_eq!(rows(&app).await, [5, 3, 4], "nothing refused was deleted");
    assert_eq!(everything_public(&app).await, public);

    // A link alone: the mosque stays, and the map reaches the woningcorporatie through it no more.
    delete(&app, &worker, "/links/moskee-woonbron").await;
    assert_eq!(rows(&app).await, [5, 2, 4]);
    let links: Value = app.get_json(&links_path).await;
    assert_eq!(
        ids(&links),
        set(&["kookclub-moskee", "wandelgroep-wijkagent"])
    );
    named_nowhere(&app, &["moskee-woonbron"]).await;
    assert_eq!(
        on_the_map(&app, KOOKCLUB).await,
        set(&[KOOKCLUB, MOSKEE, WANDELGROEP, WIJKAGENT])
    );
    let networks: Value = app.get_json(&networks_path).await;
    assert_eq!(ids(&networks), set(&[MOSKEE, WOONBRON, WIJKAGENT]));
    let res = call(
        &app,
        Method::DELETE,
        "/links/moskee-woonbron",
        Some(&worker),
        true,
    )
    .await;
    assert_eq!(res.status(), 404, "deleted already");
    // The original body records it anew.
    let again = created(&app, &worker, "/links", story.body("moskee-woonbron")).await;
    assert_eq!(&again, story.stored("moskee-woonbron"));
    assert_eq!(rows(&app).await, [5, 3, 4]);

    // An activity: its link to the mosque and its origins go, and so does the walking group's tie
    // to it; the walking group stays, and the residents' entries too.
    delete(&app, &worker, &format!("/activities/{KOOKCLUB}")).await;
    assert_eq!(rows(&app).await, [4, 2, 0]);
    assert_eq!(app.count_rows("submissions").await, entries);
    let activities: Value = app.get_json(&activities_path).await;
    assert_eq!(ids(&activities), set(&[WANDELGROEP]));
    assert_eq!(origins(by_id(&activities, WANDELGROEP)), BTreeMap::new());
    let links: Value = app.get_json(&links_path).await;
    assert_eq!(
        ids(&links),
        set(&["moskee-woonbron", "wandelgroep-wijkagent"])
    );
    let res = app
        .get(&format!("/api/v1/activities/{KOOKCLUB}/ripples"))
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        on_the_map(&app, WANDELGROEP).await,
        set(&[WANDELGROEP, WIJKAGENT])
    );
    named_nowhere(&app, &[KOOKCLUB, "kookclub-moskee"]).await;
    // Recorded anew from the same wishes: the same activity; what grew from it must say so again.
    let again = created(&app, &worker, "/activities", story.body(KOOKCLUB)).await;
    assert_eq!(&again, story.stored(KOOKCLUB));
    created(&app, &worker, "/links", story.body("kookclub-moskee")).await;
    assert_eq!(rows(&app).await, [5, 3, 3]);
    let activities: Value = app.get_json(&activities_path).await;
    assert_eq!(origins(by_id(&activities, WANDELGROEP)), BTreeMap::new());

    // A network: both its links go.
    delete(&app, &worker, &format!("/networks/{MOSKEE}")).await;
    assert_eq!(rows(&app).await, [4, 1, 3]);
    let networks: Value = app.get_json(&networks_path).await;
    assert_eq!(ids(&networks), set(&[WOONBRON, WIJKAGENT]));
    let links: Value = app.get_json(&links_path).await;
    assert_eq!(ids(&links), set(&["wandelgroep-wijkagent"]));
    assert_eq!(on_the_map(&app, KOOKCLUB).await, set(&[KOOKCLUB]));
    named_nowhere(&app, &[MOSKEE, "kookclub-moskee", "moskee-woonbron"]).await;
    let again = created(&app, &worker, "/networks", story.body(MOSKEE)).await;
    assert_eq!(again["location"], story.stored(MOSKEE)["location"]);
    assert_eq!(rows(&app).await, [5, 1, 3]);

    // An admin deletes in any gemeente.
    delete(&app, &admin, "/links/wandelgroep-wijkagent").await;
    assert_eq!(rows(&app).await, [5, 0, 3]);
    named_nowhere(&app, &["wandelgroep-wijkagent"]).await;

    // Each deletion is in the audit log, by whom; the refused ones are not.
    let log: Vec<Value> = call(&app, Method::GET, "/audit", Some(&admin), false)
        .await
        .json()
        .await
        .expect("json");
    let mut deletions: Vec<(String, String, String)> = log
        .iter()
        .filter(|e| ["delete node", "delete link"].contains(&e["action"].as_str().unwrap_or("")))
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap_or("").to_string();
            (text("email"), text("action"), text("detail"))
        })
        .collect();
    deletions.sort();
    let by = |email: &str, action: &str, id: &str| (email.into(), action.into(), id.into());
    assert_eq!(
        deletions,
        [
            by("beheer@gemeente.nl", "delete link", "wandelgroep-wijkagent"),
            by("opbouw@welzijn.nl", "delete link", "moskee-woonbron"),
            by("opbouw@welzijn.nl", "delete node", KOOKCLUB),
            by("opbouw@welzijn.nl", "delete node", MOSKEE),
        ]
    );
}

/// The staff page's delete buttons are plain forms: they need the worker's session and the form's
/// CSRF token, delete as the API does and go back to the page of the gemeente.
#[tokio::test]
async fn the_staff_pages_delete_forms_take_a_node_or_link_away() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    record_story(&app, &worker).await;
    let node = |id: &str| format!("/staff/activiteiten/{id}/verwijderen");
    let link = |id: &str| format!("/staff/activiteiten/verbinding/{id}/verwijderen");
    let activiteit = [("soort", "activiteit"), ("gemeente", DORDRECHT)];
    let netwerk = [("soort", "netwerk"), ("gemeente", DORDRECHT)];
    let page = [("gemeente", DORDRECHT)];
    let back = format!("/staff/activiteiten?gemeente={DORDRECHT}&melding=verwijderd");
    let deleted = |res: reqwest::Response| {
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()[LOCATION].to_str().expect("location"), back);
    };

    // Without the form's token, or without a session: refused.
    let forms: [(String, &[(&str, &str)]); 3] = [
        (node(KOOKCLUB), &activiteit),
        (node(WIJKAGENT), &netwerk),
        (link("moskee-woonbron"), &page),
    ];
    for (path, fields) in &forms {
        let res = send_form(&app, path, Some(&worker), false, fields).await;
        assert_eq!(res.status(), 403, "{path} without the form's token");
        let res = send_form(&app, path, None, false, fields).await;
        assert_eq!(res.status(), 401, "{path} without a session");
    }
    // The form says which kind of node it deletes.
    let res = send_form(&app, &node(KOOKCLUB), Some(&worker), true, &netwerk).await;
    assert_eq!(res.status(), 404, "an activity as a network");
    let res = send_form(&app, &node(WIJKAGENT), Some(&worker), true, &activiteit).await;
    assert_eq!(res.status(), 404, "a network as an activity");
    assert_eq!(rows(&app).await, [5, 3, 4], "nothing deleted");

    deleted(send_form(&app, &link("moskee-woonbron"), Some(&worker), true, &page).await);
    assert_eq!(rows(&app).await, [5, 2, 4]);
    let links: Value = app
        .get_json(&format!("/api/v1/links?gemeente={DORDRECHT}"))
        .await;
    assert_eq!(
        ids(&links),
        set(&["kookclub-moskee", "wandelgroep-wijkagent"])
    );

    deleted(send_form(&app, &node(KOOKCLUB), Some(&worker), true, &activiteit).await);
    assert_eq!(rows(&app).await, [4, 1, 0]);
    let activities: Value = app
        .get_json(&format!("/api/v1/activities?gemeente={DORDRECHT}"))
        .await;
    assert_eq!(ids(&activities), set(&[WANDELGROEP]));

    deleted(send_form(&app, &node(WIJKAGENT), Some(&worker), true, &netwerk).await);
    assert_eq!(rows(&app).await, [3, 0, 0]);
    let networks: Value = app
        .get_json(&format!("/api/v1/networks?gemeente={DORDRECHT}"))
        .await;
    assert_eq!(ids(&networks), set(&[MOSKEE, WOONBRON]));
    named_nowhere(
        &app,
        &[KOOKCLUB, WIJKAGENT, "moskee-woonbron", "kookclub-moskee"],
    )
    .await;
}

/// A link's relation must fit its two ends (`LinkKind::joins`): `residents` between residents (a
/// resident group, an activity), `residents_networks` between residents and a local network,
/// `networks_institutions` between a local network or an activity and an institution, and
/// `led_to` only from an activity. Any other pairing is refused naming `kind`.
#[tokio::test]
async fn a_links_relation_must_fit_its_two_ends() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    const BUREN: &str = "buren-plein";
    for (id, kind) in [
        (MOSKEE, "local_network"),
        (WOONBRON, "institution"),
        (WIJKAGENT, "institution"),
        (BUREN, "resident_group"),
    ] {
        let body = json!({"id": id, "name": id, "kind": kind, "gemeente": DORDRECHT});
        created(&app, &worker, "/networks", &body).await;
    }
    created(&app, &worker, "/activities", &kookclub(&[])).await;
    let walk = json!({"id": WANDELGROEP, "name": "Wandelgroep Oost", "gemeente": DORDRECHT,
        "started_on": "2026-05-01"});
    created(&app, &worker, "/activities", &walk).await;
    let link = |id: &str, from: &str, to: &str, kind: &str| -> Value {
        json!({"id": id, "from": from, "to": to, "kind": kind})
    };

    for (what, body) in [
        (
            "residents between a resident group and a local network",
            link("buren-moskee", BUREN, MOSKEE, "residents"),
        ),
        (
            "residents between a local network and a resident group",
            link("moskee-buren", MOSKEE, BUREN, "residents"),
        ),
        (
            "residents between an activity and an institution",
            link("kookclub-woonbron", KOOKCLUB, WOONBRON, "residents"),
        ),
        (
            "residents_networks between an activity and an institution",
            link(
                "kookclub-wijkagent",
                KOOKCLUB,
                WIJKAGENT,
                "residents_networks",
            ),
        ),
        (
            "networks_institutions between two institutions",
            link(
                "woonbron-wijkagent",
                WOONBRON,
                WIJKAGENT,
                "networks_institutions",
            ),
        ),
        (
            "networks_institutions between a resident group and an institution",
            link("buren-woonbron", BUREN, WOONBRON, "networks_institutions"),
        ),
        (
            "led_to from a local network",
            link("moskee-kookclub", MOSKEE, KOOKCLUB, "led_to"),
        ),
        (
            "led_to from an institution",
            link("wijkagent-buren", WIJKAGENT, BUREN, "led_to"),
        ),
        (
            "led_to from a resident group",
            link("buren-kookclub", BUREN, KOOKCLUB, "led_to"),
        ),
    ] {
        refused(
            post(&app, &worker, "/links", &body).await,
            422,
            &["kind"],
            what,
        )
        .await;
    }
    assert_eq!(rows(&app).await, [6, 0, 0], "nothing refused was stored");

    for body in [
        link("buren-kookclub-samen", BUREN, KOOKCLUB, "residents"),
        link("kookclub-wandelgroep", KOOKCLUB, WANDELGROEP, "residents"),
        link("buren-moskee", BUREN, MOSKEE, "residents_networks"),
        link("moskee-kookclub", MOSKEE, KOOKCLUB, "residents_networks"),
        link("moskee-woonbron", MOSKEE, WOONBRON, "networks_institutions"),
        link(
            "wijkagent-kookclub",
            WIJKAGENT,
            KOOKCLUB,
            "networks_institutions",
        ),
        link("kookclub-wijkagent", KOOKCLUB, WIJKAGENT, "led_to"),
        link("kookclub-buren", KOOKCLUB, BUREN, "led_to"),
        link("kookclub-moskee", KOOKCLUB, MOSKEE, "led_to"),
    ] {
        let stored = created(&app, &worker, "/links", &body).await;
        assert_eq!(
            (&stored["from"], &stored["to"], &stored["kind"]),
            (&body["from"], &body["to"], &body["kind"])
        );
    }
    assert_eq!(rows(&app).await, [6, 9, 0]);
}

/// Two ends are tied by a relation once: a link under another id with the same (from, to, kind) is
/// refused (409) and one row stays, also when the sends come at once; the same ends by another
/// relation are another link, and once the link is deleted the relation can be recorded again.
#[tokio::test]
async fn a_relation_between_two_ends_is_recorded_once() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let story = record_story(&app, &worker).await;
    assert_eq!(rows(&app).await, [5, 3, 4]);
    let tied = |links: &Value, from: &str, to: &str, kind: &str| -> Vec<String> {
        links
            .as_array()
            .expect("links")
            .iter()
            .filter(|l| l["from"] == from && l["to"] == to && l["kind"] == kind)
            .map(|l| l["id"].as_str().expect("id").to_string())
            .collect()
    };
    let links_path = format!("/api/v1/links?gemeente={DORDRECHT}");

    let mut twin = story.body("kookclub-moskee").clone();
    twin["id"] = json!("kookclub-moskee-2");
    let other_words = json!({"id": "kookclub-moskee-3", "from": KOOKCLUB, "to": MOSKEE,
        "kind": "residents_networks", "note": "Tweede keer", "on": "2026-03-15"});
    for body in [&twin, &other_words] {
        let res = post(&app, &worker, "/links", body).await;
        assert_eq!(res.status(), 409, "{body}");
        let answer: Value = res.json().await.expect("json");
        assert!(answer["error"].is_string(), "{answer}");
    }
    // Through the staff page's form too.
    let res = send_form(
        &app,
        LINK_FORM,
        Some(&worker),
        true,
        &[
            ("id", "kookclub-moskee-4"),
            ("from", KOOKCLUB),
            ("to", MOSKEE),
            ("kind", "residents_networks"),
            ("gemeente", DORDRECHT),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let back = res.headers()[LOCATION].to_str().expect("location");
    assert!(back.contains("melding=bestaat"), "{back}");
    assert_eq!(rows(&app).await, [5, 3, 4], "one row");
    let links: Value = app.get_json(&links_path).await;
    assert_eq!(
        tied(&links, KOOKCLUB, MOSKEE, "residents_networks"),
        ["kookclub-moskee"]
    );
    // The link itself, sent again, is still a resend.
    let res = post(&app, &worker, "/links", story.body("kookclub-moskee")).await;
    assert_eq!(res.status(), 200);

    // The same ends by another relation: another link.
    created(
        &app,
        &worker,
        "/links",
        &json!({"id": "kookclub-leidde-tot-moskee", "from": KOOKCLUB, "to": MOSKEE,
            "kind": "led_to"}),
    )
    .await;
    assert_eq!(rows(&app).await, [5, 4, 4]);

    // Sent at once under eight ids: one is recorded, the others are refused.
    let (app_ref, worker_ref) = (&app, &worker);
    let sends = (0..8).map(|i| {
        let body = json!({"id": format!("wandelgroep-moskee-{i}"), "from": WANDELGROEP,
            "to": MOSKEE, "kind": "residents_networks"});
        async move {
            post(app_ref, worker_ref, "/links", &body)
                .await
                .status()
                .as_u16()
        }
    });
    let mut statuses = futures::future::join_all(sends).await;
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
    assert_eq!(rows(&app).await, [5, 5, 4]);
    let links: Value = app.get_json(&links_path).await;
    assert_eq!(
        tied(&links, WANDELGROEP, MOSKEE, "residents_networks").len(),
        1
    );

    // Once deleted, the relation is free for a link under another id.
    delete(&app, &worker, "/links/kookclub-moskee").await;
    created(&app, &worker, "/links", &twin).await;
    let links: Value = app.get_json(&links_path).await;
    assert_eq!(
        tied(&links, KOOKCLUB, MOSKEE, "residents_networks"),
        ["kookclub-moskee-2"]
    );
    assert_eq!(rows(&app).await, [5, 5, 4]);
}

/// The deletions are in the OpenAPI document as staff operations of workers (and admins).
#[tokio::test]
async fn the_openapi_document_lists_the_deletions_and_who_may_call_them() {
    let app = spawn_app().await;
    let doc: Value = app.get_json("/api/v1/openapi.json").await;
    for path in ["/activities/{id}", "/networks/{id}", "/links/{id}"] {
        let op = &doc["paths"][path]["delete"];
        assert!(op.is_object(), "DELETE {path}");
        assert_eq!(op["x-roles"], json!(["admin", "worker"]), "DELETE {path}");
        assert!(op.get("security").is_some(), "DELETE {path} is secured");
        for status in ["204", "404"] {
            assert!(
                op["responses"][status].is_object(),
                "DELETE {path} documents {status}"
            );
        }
    }
}

/// A link whose end is deleted between the service's lookup and the write (another worker's
/// "Verwijderen" at that moment), or an activity whose origin goes meanwhile, is not stored: it would point at nothing, and at whatever is
/// recorded later under that id. The store checks the ends again inside its transaction, with
/// their gemeente.
#[tokio::test]
async fn a_link_or_activity_whose_end_or_origin_went_meanwhile_is_not_stored() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    created(&app, &worker, "/activities", &kookclub(&[])).await;
    let (store, _svc) = app.service().await;
    let who = server::store::SessionUser {
        user_id: 1,
        email: "opbouw@welzijn.nl".into(),
        role: server::domain::roles::Role::Worker,
        csrf: String::new(),
        gemeenten: vec![DORDRECHT.into()],
    };
    // The mosque was looked up, then deleted before the link was written.
    let link = |id: &'static str| server::store::NewLink {
        id,
        from: KOOKCLUB,
        to: MOSKEE,
        kind: app::model::LinkKind::ResidentsNetworks,
        on: app::model::Day::parse("2026-03-08").expect("day"),
        note: None,
        capital: None,
        gemeente: DORDRECHT,
        content_hash: "h",
    };
    assert_eq!(
        store.insert_link(&link("l-1"), &who).await.expect("write"),
        server::store::Written::EndGone
    );
    assert_eq!(app.count_rows("community_links").await, 0);
    // Recorded anew under its id, but in another gemeente: no end of a Dordrecht link either.
    add_staff_in(&app, "worker", "zwijndrecht@welzijn.nl", &[ZWIJNDRECHT]);
    let other = session(&app, "zwijndrecht@welzijn.nl").await;
    let mosque = json!({"id": MOSKEE, "name": "Moskee Al-Nour", "kind": "local_network",
                        "gemeente": DORDRECHT});
    let mut elsewhere = mosque.clone();
    elsewhere["gemeente"] = json!(ZWIJNDRECHT);
    created(&app, &other, "/networks", &elsewhere).await;
    assert_eq!(
        store.insert_link(&link("l-1"), &who).await.expect("write"),
        server::store::Written::EndGone
    );
    assert_eq!(app.count_rows("community_links").await, 0);
    let res = call(
        &app,
        Method::DELETE,
        &format!("/networks/{MOSKEE}"),
        Some(&other),
        true,
    )
    .await;
    assert_eq!(res.status(), 204);
    // With both ends there, the same write goes in.
    created(&app, &worker, "/networks", &mosque).await;
    assert_eq!(
        store.insert_link(&link("l-1"), &who).await.expect("write"),
        server::store::Written::Created
    );
    assert_eq!(app.count_rows("community_links").await, 1);

    // An activity whose origin a resident deleted (or a moderator hid or merged away) after the
    // service looked at it is not stored either, nor one grown from an activity deleted meanwhile.
    let (wish_id, key) = wish(&app, "Samen wandelen", None).await;
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/submissions/{wish_id}/private")))
        .header("x-edit-key", &key)
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), 204);
    let before = rows(&app).await;
    for origin in [
        app::model::Origin {
            id: wish_id.clone(),
            kind: app::model::SourceKind::Wish,
        },
        app::model::Origin {
            id: "verdwenen-activiteit".into(),
            kind: app::model::SourceKind::Activity,
        },
    ] {
        let node = server::store::NewNode {
            id: "wandelgroep",
            kind: app::model::NodeKind::Activity,
            name: "Wandelgroep",
            what: "",
            gemeente: DORDRECHT,
            location: None,
            place: None,
            started_on: app::model::Day::parse("2026-05-01").expect("day"),
            recurring: false,
            campaign: None,
            origins: std::slice::from_ref(&origin),
            content_hash: "h",
        };
        assert_eq!(
            store.insert_node(&node, &who).await.expect("write"),
            server::store::Written::EndGone,
            "{origin:?}"
        );
    }
    assert_eq!(rows(&app).await, before, "nothing written");
    // Grown from the kookclub, which stands: written.
    let node = server::store::NewNode {
        id: "wandelgroep",
        kind: app::model::NodeKind::Activity,
        name: "Wandelgroep",
        what: "",
        gemeente: DORDRECHT,
        location: None,
        place: None,
        started_on: app::model::Day::parse("2026-05-01").expect("day"),
        recurring: false,
        campaign: None,
        origins: &[app::model::Origin {
            id: KOOKCLUB.into(),
            kind: app::model::SourceKind::Activity,
        }],
        content_hash: "h",
    };
    assert_eq!(
        store.insert_node(&node, &who).await.expect("write"),
        server::store::Written::Created
    );
}

/// A moderator who merges a wish an activity grew from into its duplicate keeps the tie: the
/// activity then grew from the kept entry, once, even where it named both.
#[tokio::test]
async fn a_merged_origin_is_the_kept_entry() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &[DORDRECHT]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let story = record_story(&app, &worker).await;
    let (wish_a, wish_b, talent) = (
        story.entries[0].0.clone(),
        story.entries[1].0.clone(),
        story.entries[2].0.clone(),
    );
    publish_talent(&app, &worker, &talent).await;
    let (kept, _) = wish(&app, "Samen koken, graag op zaterdag", None).await;
    let merge = |dup: String, into: String| {
        let (app, worker) = (&app, &worker);
        async move {
            send_json(
                app,
                Method::PATCH,
                &format!("/submissions/{dup}"),
                worker,
                &json!({"merge_into": into}),
            )
            .await
            .status()
        }
    };
    assert_eq!(merge(wish_a.clone(), kept.clone()).await, 200);
    // The kookclub names both of these: one tie remains.
    assert_eq!(merge(wish_b.clone(), talent.clone()).await, 200);
    assert_eq!(rows(&app).await, [5, 3, 3]);
    let activities: Value = app
        .get_json(&format!("/api/v1/activities?gemeente={DORDRECHT}"))
        .await;
    assert_eq!(
        origins(by_id(&activities, KOOKCLUB)),
        BTreeMap::from([
            (kept.clone(), "wish".to_string()),
            (talent.clone(), "talent".to_string())
        ])
    );
    // The worker's resend of the original body is still the same activity.
    let res = post(&app, &worker, "/activities", story.body(KOOKCLUB)).await;
    assert_eq!(res.status(), 200);
}
