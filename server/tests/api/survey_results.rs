//! Survey results (`GET /api/v1/campaigns/{id}/results`, its CSV, the moderation of text answers):
//! every released count against an independent count of what the test posted, within the noise
//! bound; withholding; narrowing to an area; wrong parameters; staff and text answers.
//!
//! The helpers here (a gemeente of three wijken of four buurten, a campaign with every question
//! type, the expected release) serve `survey_privacy.rs` too.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::header::COOKIE;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::privacy::{boundary_files, buurten, fix_the_noise};
use crate::staff::{add_staff_in, send_json, session};

pub const K: u64 = 5;
pub const GEMEENTE: &str = "GM0999";

/// The gemeente of `privacy.rs` (three wijken of four buurten), its noise fixed.
pub async fn spawn_gemeente() -> TestApp {
    let db = TestDb::fresh().await;
    for (file, level) in boundary_files(db.dir.path()) {
        let out = trefpunt(
            &db.url,
            &[
                "import-areas",
                file.to_str().expect("path"),
                "--level",
                level,
                "--year",
                "2024",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    fix_the_noise(&db.url).await;
    spawn_app_on(db, "http://127.0.0.1:9/".to_string()).await
}

/// A campaign in the gemeente with one question of every type (and the demographic ones).
pub async fn add_campaign(app: &TestApp, id: &str) {
    let t = |s: &str| json!({"nl": s, "en": format!("{s} (en)")});
    let config = json!({
        "id": id, "title": t(&format!("Enquête {id}")), "kinds": ["place", "barrier", "wish"],
        "gemeenten": [GEMEENTE], "demographics": true,
        "questions": [
            {"id": "vaak", "type": "single", "text": t("Hoe vaak kom je buiten?"),
             "options": [{"id": "dagelijks", "text": t("Elke dag")}, {"id": "wekelijks", "text": t("Elke week")},
                         {"id": "zelden", "text": t("Bijna nooit")}]},
            {"id": "wat", "type": "multiple", "text": t("Wat mis je?"),
             "options": [{"id": "bankjes", "text": t("Bankjes")}, {"id": "groen", "text": t("Groen")},
                         {"id": "activiteiten", "text": t("Activiteiten")}]},
            {"id": "tevreden", "type": "scale", "text": t("Hoe tevreden ben je?")},
            {"id": "jaren", "type": "number", "text": t("Hoeveel jaar woon je hier?"), "min": 0, "max": 49},
            {"id": "kinderen", "type": "number", "text": t("Hoeveel kinderen?"), "min": 0, "max": 5},
            {"id": "idee", "type": "text", "text": t("Wat is jouw idee?")}
        ]
    });
    let pool = app.pool().await;
    sqlx::query(&app.sql(
        "INSERT INTO campaigns (id, status, config, created_at) VALUES (?, 'open', ?, '2025-01-01')",
    ))
    .bind(id)
    .bind(config.to_string())
    .execute(&pool)
    .await
    .expect("campaign");
}

/// One resident as the test made them: the buurten of their entries and their answers.
#[derive(Debug, Clone)]
pub struct Resident {
    pub id: String,
    pub buurten: BTreeSet<String>,
    pub answers: Value,
}

/// A point inside a buurt of `buurten()`.
fn point_in(buurt: &str, i: u64) -> (f64, f64) {
    let (_, [x0, y0, x1, y1]) = buurten()
        .into_iter()
        .find(|(c, _)| c == buurt)
        .expect("buurt");
    let f = (i % 17) as f64 / 20.0 + 0.05;
    (x0 + (x1 - x0) * f, y0 + (y1 - y0) * (1.0 - f))
}

/// Posts a resident's entries (one per buurt, in `campaign`) and survey answers.
pub async fn take_part(app: &TestApp, campaign: &str, r: &Resident) {
    post_entries(app, campaign, r).await;
    // Residents arrive in the order they are posted, as `truth` counts them: never two answers in
    // one millisecond (a tie would be cut by a key the test cannot know).
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/campaigns/{campaign}/responses")))
        .json(&json!({"respondent": r.id, "language": "nl", "answers": r.answers}))
        .send()
        .await
        .expect("answer");
    assert_eq!(
        res.status(),
        201,
        "{}",
        res.text().await.unwrap_or_default()
    );
}

/// Posts a resident's entries, one per buurt, in `campaign`.
pub async fn post_entries(app: &TestApp, campaign: &str, r: &Resident) {
    for (i, buurt) in r.buurten.iter().enumerate() {
        let (lon, lat) = point_in(buurt, i as u64 + r.id.len() as u64);
        let body = json!({"id": new_id(), "respondent": r.id, "campaign": campaign, "kind": "wish",
            "category": "meeting_place", "location": {"lon": lon, "lat": lat}, "details": {}, "language": "nl"});
        let res = app.post_json(&body).await;
        assert_eq!(
            res.status(),
            201,
            "{}",
            res.text().await.unwrap_or_default()
        );
    }
}

/// A resident's answers, varied by `i` (some leave questions out).
pub fn answers_of(i: u64) -> Value {
    let mut a = serde_json::Map::new();
    a.insert(
        "vaak".into(),
        json!(["dagelijks", "wekelijks", "dagelijks", "zelden"][(i % 4) as usize]),
    );
    if i % 5 != 4 {
        let wat: Vec<&str> = [("bankjes", 2), ("groen", 3), ("activiteiten", 7)]
            .into_iter()
            .filter(|(_, m)| i % m != 1)
            .map(|(o, _)| o)
            .collect();
        if !wat.is_empty() {
            a.insert("wat".into(), json!(wat));
        }
    }
    a.insert("tevreden".into(), json!(1 + (i * 3) % 5));
    a.insert("jaren".into(), json!((i * 7) % 50));
    if i % 3 != 2 {
        a.insert("kinderen".into(), json!(i % 3));
    }
    if i.is_multiple_of(4) {
        a.insert(
            "idee".into(),
            json!(format!("Een bankje bij de school <b>{i}</b>")),
        );
    }
    a.insert(
        "age_band".into(),
        json!(["25_44", "45_64", "65_plus"][(i % 3) as usize]),
    );
    Value::Object(a)
}

/// The buckets a question counts in, as the route names them, and which of them an answer hits.
fn hits(question: &str, answer: &Value) -> Vec<String> {
    match question {
        "wat" => answer
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
        "jaren" => {
            let v = answer.as_i64().expect("number");
            let lo = v / 10 * 10;
            vec![format!("{lo}–{}", lo + 9)]
        }
        "tevreden" | "kinderen" => vec![answer.as_i64().expect("number").to_string()],
        _ => answer.as_str().map(String::from).into_iter().collect(),
    }
}

/// Whether a question's options add up to its `answered` (one value per resident).
pub fn additive(kind: &str) -> bool {
    matches!(kind, "single" | "scale" | "number")
}

/// True counts of one area as released: its residents and, per question, those who answered it,
/// each in whole steps of k by arrival (`domain::release_steps`). Residents arrive in the order they
/// are posted ([`take_part`] posts a resident's entries before their answers).
#[derive(Debug, Default, Clone)]
pub struct Truth {
    /// Everyone who took part here, released or not.
    pub raw: u64,
    pub respondents: u64,
    /// Per question, everyone who answered it here, released or not.
    pub raw_answered: BTreeMap<String, u64>,
    pub answered: BTreeMap<String, u64>,
    /// Per question and option, everyone here who chose it, released or not.
    pub raw_options: BTreeMap<(String, String), u64>,
    pub options: BTreeMap<(String, String), u64>,
}

/// Whether a resident took part in `area` (`None`: the whole campaign).
pub fn in_area(r: &Resident, area: Option<&str>) -> bool {
    match area {
        None => true,
        Some(a) if a.starts_with("GM") => a == GEMEENTE && !r.buurten.is_empty(),
        Some(a) if a.starts_with("WK") => r.buurten.iter().any(|b| b[2..8] == a[2..]),
        Some(a) => r.buurten.contains(a),
    }
}

/// The first whole multiple of k of `n`.
fn steps(n: usize) -> usize {
    n - n % K as usize
}

pub fn truth(residents: &[Resident], area: Option<&str>) -> Truth {
    let here: Vec<&Resident> = residents.iter().filter(|r| in_area(r, area)).collect();
    let mut t = Truth {
        raw: here.len() as u64,
        respondents: steps(here.len()) as u64,
        ..Truth::default()
    };
    let questions: BTreeSet<&String> = here
        .iter()
        .flat_map(|r| r.answers.as_object().expect("object").keys())
        .collect();
    for q in questions {
        let answering: Vec<Vec<String>> = here
            .iter()
            .filter_map(|r| r.answers.get(q.as_str()).map(|a| hits(q, a)))
            .filter(|hit| !hit.is_empty())
            .collect();
        if answering.is_empty() {
            continue;
        }
        t.raw_answered.insert(q.clone(), answering.len() as u64);
        for o in answering.iter().flatten() {
            *t.raw_options.entry((q.clone(), o.clone())).or_default() += 1;
        }
        let released = &answering[..steps(answering.len())];
        t.answered.insert(q.clone(), released.len() as u64);
        for o in released.iter().flatten() {
            *t.options.entry((q.clone(), o.clone())).or_default() += 1;
        }
    }
    t
}

/// The areas holding `area` (the campaign, its gemeente, its wijk), outermost first, then itself;
/// for the campaign as a whole also its gemeente, which it answers to as well.
pub fn chain(area: Option<&str>) -> Vec<Option<String>> {
    let mut out = vec![None];
    if area.is_none() {
        out.push(Some(GEMEENTE.to_string()));
    }
    if let Some(a) = area {
        if !a.starts_with("GM") {
            out.push(Some(GEMEENTE.to_string()));
        }
        if a.starts_with("BU") {
            out.push(Some(format!("WK{}", &a[2..8])));
        }
        out.push(Some(a.to_string()));
    }
    out
}

/// A count as it must be released: 0 as 0, 1..k−1 withheld, else within the noise.
fn check_count(what: &str, released: &Value, truth: u64) {
    match truth {
        0 => assert_eq!(released, &json!(0), "{what}: nobody is 0"),
        t if t < K => assert!(released.is_null(), "{what}: {t} must be withheld"),
        t => assert!(near(released, t), "{what}: {released} for {t}"),
    }
}

/// Checks a results answer against the truth, rule by rule (docs/privacy.md, "Survey results").
pub fn check_release(residents: &[Resident], area: Option<&str>, r: &Value) {
    let here = truth(residents, area);
    let outer: Vec<Truth> = chain(area)
        .iter()
        .map(|a| truth(residents, a.as_deref()))
        .collect();
    // Nobody released yet (nobody, or fewer than k, took part): withheld, never 0, so a first
    // resident does not show by turning a 0 into "withheld".
    if here.respondents == 0 {
        assert!(r["respondents"].is_null(), "{area:?}: {}", r["respondents"]);
    } else {
        check_count(
            &format!("{area:?} respondents"),
            &r["respondents"],
            here.respondents,
        );
    }
    assert_eq!(r["k"], json!(K));
    // Fewer than k residents here: nothing of them, not even a zero.
    if here.respondents == 0 {
        for q in r["questions"].as_array().expect("questions") {
            assert!(q["answered"].is_null(), "{area:?}: {q}");
            let options = q["options"].as_array().expect("options");
            assert!(
                options.iter().all(|o| o["respondents"].is_null()),
                "{area:?}: {q}"
            );
        }
        return;
    }
    for q in r["questions"].as_array().expect("questions") {
        let id = q["id"].as_str().expect("id");
        let kind = q["type"].as_str().expect("type");
        if kind == "text" {
            assert!(q["answered"].is_null() && q["options"].as_array().is_some_and(Vec::is_empty));
            continue;
        }
        let answered = here.answered.get(id).copied().unwrap_or(0);
        let options = q["options"].as_array().expect("options");
        // Nobody or fewer than k answered: the question shows nothing at all.
        if answered == 0 {
            assert!(q["answered"].is_null(), "{area:?} {id}");
            assert!(
                options.iter().all(|o| o["respondents"].is_null()),
                "{area:?} {id}"
            );
            continue;
        }
        check_count(&format!("{area:?} {id} answered"), &q["answered"], answered);
        // Everyone who answered gave one same option: no distribution.
        let unanimous = answered > 0
            && here
                .options
                .iter()
                .any(|((qid, _), n)| qid == id && *n == answered);
        let whole = unanimous
            || additive(kind)
                && outer.iter().any(|t| {
                    options.iter().any(|o| {
                        let n = t
                            .options
                            .get(&(id.to_string(), o["id"].as_str().expect("id").to_string()))
                            .copied()
                            .unwrap_or(0);
                        n > 0 && n < K
                    })
                })
            // A gemeente (of the campaign as a whole) where 1 to k−1 answered withholds it too.
            || additive(kind)
                && outer.iter().any(|t| {
                    t.answered.get(id).copied().unwrap_or(0) == 0
                        && t.raw_answered.get(id).is_some_and(|n| *n > 0)
                });
        let mut sum = 0;
        for o in options {
            let oid = o["id"].as_str().expect("id");
            let n = here
                .options
                .get(&(id.to_string(), oid.to_string()))
                .copied()
                .unwrap_or(0);
            sum += n;
            if whole {
                assert!(
                    o["respondents"].is_null(),
                    "{area:?} {id} {oid}: withheld whole"
                );
            } else {
                check_count(&format!("{area:?} {id} {oid}"), &o["respondents"], n);
            }
            assert_eq!(o["suppressed"], json!(o["respondents"].is_null()));
            match (o["respondents"].as_u64(), q["answered"].as_u64()) {
                (Some(c), Some(a)) if a > 0 => {
                    let share = o["share"].as_f64().expect("share");
                    assert!((share - (c as f64 / a as f64).min(1.0)).abs() < 1e-9);
                }
                _ => assert!(o["share"].is_null(), "a share from released counts only"),
            }
        }
        if additive(kind) {
            assert_eq!(sum, answered, "{id}: the options add up");
        }
    }
}

/// 27 residents: 12 in one buurt, 8 in another of the same wijk, 6 in a second wijk (two of them
/// also in the first buurt), and one alone in a buurt of the third wijk.
pub fn residents() -> Vec<Resident> {
    let mut out = Vec::new();
    let mut i = 0u64;
    let mut add = |buurten: &[&str]| {
        out.push(Resident {
            id: new_id(),
            buurten: buurten.iter().map(ToString::to_string).collect(),
            answers: answers_of(i),
        });
        i += 1;
    };
    for _ in 0..12 {
        add(&["BU09990101"]);
    }
    for _ in 0..8 {
        add(&["BU09990102"]);
    }
    for _ in 0..4 {
        add(&["BU09990201"]);
    }
    for _ in 0..2 {
        add(&["BU09990201", "BU09990101"]);
    }
    add(&["BU09990301"]);
    out
}

async fn results(app: &TestApp, query: &str) -> Value {
    let res = app
        .get(&format!("/api/v1/campaigns/buurtvragen/results{query}"))
        .await;
    assert_eq!(res.status(), 200, "{query}");
    res.json().await.expect("json")
}

async fn refused(app: &TestApp, path: &str) -> (u16, Value) {
    let res = app.get(path).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn results_equal_what_residents_answered_within_the_noise_and_withhold_small_counts() {
    let app = spawn_gemeente().await;
    add_campaign(&app, "buurtvragen").await;
    let people = residents();
    for r in &people {
        take_part(&app, "buurtvragen", r).await;
    }

    // The whole campaign, and every area of every level.
    let all = results(&app, "").await;
    assert_eq!(all["campaign"], "buurtvragen");
    assert_eq!(all["title"], "Enquête buurtvragen");
    assert!(all["area"].is_null());
    check_release(&people, None, &all);
    let jaren = all["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["id"] == "jaren")
        .expect("jaren");
    let bins: Vec<&str> = jaren["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| o["id"].as_str().expect("id"))
        .collect();
    assert_eq!(bins, ["0–9", "10–19", "20–29", "30–39", "40–49"]);
    assert_eq!(
        all["areas"].as_array().expect("areas").len(),
        1,
        "one gemeente"
    );
    for level in ["gemeente", "wijk", "buurt"] {
        let listed = results(&app, &format!("?level={level}")).await;
        let areas = listed["areas"].as_array().expect("areas").clone();
        assert!(!areas.is_empty());
        for a in areas {
            let code = a["code"].as_str().expect("code");
            let r = results(&app, &format!("?level={level}&area={code}")).await;
            assert_eq!(r["area"]["code"], code);
            check_release(&people, Some(code), &r);
            // The list shows the same released count as the area's own answer.
            assert_eq!(a["respondents"], r["respondents"], "{code}");
        }
    }
    // Narrowing: the first buurt holds 14 residents, the lone buurt one, whose answers never show.
    let one = results(&app, "?level=buurt&area=BU09990301").await;
    assert!(one["respondents"].is_null());
    for q in one["questions"].as_array().expect("questions") {
        assert!(matches!(q["answered"].as_u64(), None | Some(0)), "{q}");
        for o in q["options"].as_array().expect("options") {
            assert!(o["respondents"].is_null() || o["respondents"] == 0, "{o}");
        }
    }
    // In English.
    let en = results(&app, "?lang=en").await;
    assert_eq!(en["title"], "Enquête buurtvragen (en)");

    // Wrong parameters: 400 naming the field; an unknown campaign 404.
    for (query, field) in [
        ("?level=stad", "level"),
        ("?level=gemeente&area=BU09990101", "area"),
        ("?area=WK099901", "area"),
        ("?level=buurt&area=BU12345678", "area"),
        ("?gemeente=GM0999", "gemeente"),
        ("?lang=xx", "lang"),
    ] {
        let (status, body) = refused(
            &app,
            &format!("/api/v1/campaigns/buurtvragen/results{query}"),
        )
        .await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["errors"][0]["field"], field, "{query}");
        let (status, _) = refused(
            &app,
            &format!("/api/v1/campaigns/buurtvragen/results.csv{query}"),
        )
        .await;
        assert_eq!(status, 400, "{query} (CSV)");
    }
    assert_eq!(
        refused(&app, "/api/v1/campaigns/onbekend/results").await.0,
        404
    );
    assert_eq!(
        refused(&app, "/api/v1/campaigns/onbekend/results.csv")
            .await
            .0,
        404
    );

    // The CSV carries the JSON's figures, row for row.
    for query in ["", "?level=wijk&area=WK099901"] {
        let json = results(&app, query).await;
        let res = app
            .get(&format!("/api/v1/campaigns/buurtvragen/results.csv{query}"))
            .await;
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv"));
        let csv = res.text().await.expect("csv");
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some(
                "campaign,area_code,question,type,option,option_text,respondents,share,suppressed"
            )
        );
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        let cell = |v: &Value| v.as_u64().map(|n| n.to_string()).unwrap_or_default();
        assert_eq!(rows[0][6], cell(&json["respondents"]));
        let mut expected = 1;
        for q in json["questions"].as_array().expect("questions") {
            if q["type"] == "text" {
                assert!(!rows.iter().any(|r| r[2] == q["id"].as_str().expect("id")));
                continue;
            }
            let row = &rows[expected];
            assert_eq!((row[2], row[4]), (q["id"].as_str().expect("id"), ""));
            assert_eq!(row[6], cell(&q["answered"]));
            assert_eq!(row[8], q["answered"].is_null().to_string());
            expected += 1;
            for o in q["options"].as_array().expect("options") {
                let row = &rows[expected];
                assert_eq!(row[4], o["id"].as_str().expect("id"));
                assert_eq!(row[6], cell(&o["respondents"]));
                assert_eq!(row[8], o["suppressed"].to_string());
                match o["share"].as_f64() {
                    Some(s) => assert_eq!(row[7], format!("{s:.4}")),
                    None => assert_eq!(row[7], ""),
                }
                expected += 1;
            }
        }
        assert_eq!(rows.len(), expected);
    }

    // The page: the same figures as a table per question, the k under the title, a plain form and
    // the CSV link; withheld counts in words; an unknown campaign 404, a wrong level 400.
    let res = app
        .get("/inzicht/enquete/buurtvragen?level=wijk&area=WK099901")
        .await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("page");
    assert!(page.contains("Uitkomsten van de vragenlijst: Enquête buurtvragen"));
    assert!(page.contains("Rust een aantal op minder dan 5 bewoners"));
    assert!(
        page.contains(r#"action="/inzicht/enquete/buurtvragen""#)
            && page.contains(r#"method="get""#),
        "{page}"
    );
    assert!(
        page.contains("/api/v1/campaigns/buurtvragen/results.csv?level=wijk&amp;area=WK099901"),
        "{page}"
    );
    assert!(
        page.contains("<table") && page.contains("Hoe vaak kom je buiten?"),
        "{page}"
    );
    assert!(page.contains("minder dan 5"), "withheld counts in words");
    assert!(
        !page.contains("Een bankje bij de school"),
        "no text answers on the public page"
    );
    let wijk = results(&app, "?level=wijk&area=WK099901").await;
    let shown = wijk["respondents"].as_u64().expect("released");
    assert!(page.contains(&format!(
        "<td class=\"num\">{}</td>",
        wijk["questions"][0]["options"][0]["respondents"]
            .as_u64()
            .map_or("minder dan 5".to_string(), |n| n.to_string())
    )));
    assert!(page.contains(&shown.to_string()));
    assert_eq!(app.get("/inzicht/enquete/onbekend").await.status(), 404);
    assert_eq!(
        app.get("/inzicht/enquete/buurtvragen?level=stad")
            .await
            .status(),
        400
    );
    // The campaign's page links to it.
    let campaign_page = app.get_text("/campagne/buurtvragen").await;
    assert!(campaign_page.contains(r#"href="/inzicht/enquete/buurtvragen""#));
    let dashboard = app.get_text("/inzicht?campaign=buurtvragen").await;
    assert!(dashboard.contains(r#"href="/inzicht/enquete/buurtvragen""#));

    // The route is in the OpenAPI document.
    let doc: Value = app.get_json("/api/v1/openapi.json").await;
    for path in [
        "/api/v1/campaigns/{id}/results",
        "/api/v1/campaigns/{id}/results.csv",
        "/api/v1/campaigns/{id}/texts",
        "/api/v1/campaigns/{id}/texts/{text}",
    ] {
        let found = doc["paths"]
            .get(path)
            .or_else(|| doc["paths"].get(path.trim_start_matches("/api/v1")));
        assert!(found.is_some(), "{path} in the OpenAPI document");
    }
}

/// The published text answers a results answer shows (`None`: the field is absent).
fn texts_in(r: &Value) -> Option<Vec<String>> {
    let q = r["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["id"] == "idee")
        .expect("idee");
    q.get("texts").map(|t| {
        t.as_array()
            .expect("texts")
            .iter()
            .map(|x| x["text"].as_str().expect("text").to_string())
            .collect()
    })
}

#[tokio::test]
async fn text_answers_reach_staff_of_the_campaign_only_once_published() {
    let app = spawn_gemeente().await;
    add_campaign(&app, "buurtvragen").await;
    let people = residents();
    for r in &people {
        take_part(&app, "buurtvragen", r).await;
    }
    add_staff_in(&app, "worker", "opbouw@gemeente.nl", &[GEMEENTE]);
    add_staff_in(&app, "advisor", "advies@gemeente.nl", &[GEMEENTE]);
    add_staff_in(&app, "worker", "elders@gemeente.nl", &["GM0505"]);
    let worker = session(&app, "opbouw@gemeente.nl").await;
    let advisor = session(&app, "advies@gemeente.nl").await;
    let elsewhere = session(&app, "elders@gemeente.nl").await;
    let as_staff = |cookie: String| {
        let app = &app;
        async move {
            let res = app
                .client
                .get(app.url("/api/v1/campaigns/buurtvragen/results"))
                .header(COOKIE, cookie)
                .send()
                .await
                .expect("get");
            assert_eq!(res.status(), 200);
            res.json::<Value>().await.expect("json")
        }
    };

    // Before moderation: nobody reads a text answer in the results.
    assert_eq!(texts_in(&results(&app, "").await), None, "the public never");
    assert_eq!(
        texts_in(&as_staff(advisor.cookie.clone()).await),
        Some(vec![])
    );
    assert_eq!(texts_in(&as_staff(elsewhere.cookie.clone()).await), None);

    // The worker lists them (with their own ids, never a respondent's) and publishes one.
    let res = app
        .client
        .get(app.url("/api/v1/campaigns/buurtvragen/texts"))
        .header(COOKIE, &worker.cookie)
        .send()
        .await
        .expect("texts");
    assert_eq!(res.status(), 200);
    let body = res.text().await.expect("body");
    for r in &people {
        assert!(!body.contains(&r.id), "no respondent id leaves the server");
    }
    let list: Vec<Value> = serde_json::from_str(&body).expect("json");
    let written = people
        .iter()
        .filter(|r| r.answers.get("idee").is_some())
        .count();
    assert_eq!(list.len(), written);
    assert!(list.iter().all(|t| t["state"] == "waiting"));
    let first = list[0]["id"].as_str().expect("id").to_string();
    let words = list[0]["text"].as_str().expect("text").to_string();
    let path = format!("/campaigns/buurtvragen/texts/{first}");
    // Staff of another gemeente, an advisor (not a moderator of texts), or a wrong state: refused.
    assert_eq!(
        send_json(
            &app,
            Method::PATCH,
            &path,
            &elsewhere,
            &json!({"state": "published"})
        )
        .await
        .status(),
        403
    );
    let res = app
        .client
        .get(app.url("/api/v1/campaigns/buurtvragen/texts"))
        .header(COOKIE, &elsewhere.cookie)
        .send()
        .await
        .expect("texts");
    assert_eq!(res.status(), 403);
    assert_eq!(
        send_json(
            &app,
            Method::PATCH,
            &path,
            &advisor,
            &json!({"state": "published"})
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        send_json(
            &app,
            Method::PATCH,
            &path,
            &worker,
            &json!({"state": "openbaar"})
        )
        .await
        .status(),
        400
    );
    assert_eq!(
        send_json(
            &app,
            Method::PATCH,
            "/campaigns/buurtvragen/texts/onbekend",
            &worker,
            &json!({"state": "published"})
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        send_json(
            &app,
            Method::PATCH,
            &path,
            &worker,
            &json!({"state": "published"})
        )
        .await
        .status(),
        204
    );
    // Rejecting another keeps it hidden.
    let second = list[1]["id"].as_str().expect("id");
    assert_eq!(
        send_json(
            &app,
            Method::PATCH,
            &format!("/campaigns/buurtvragen/texts/{second}"),
            &worker,
            &json!({"state": "rejected"})
        )
        .await
        .status(),
        204
    );

    // Published: staff of the campaign read it; the public and other gemeenten's staff do not.
    assert_eq!(
        texts_in(&as_staff(advisor.cookie.clone()).await),
        Some(vec![words.clone()])
    );
    assert_eq!(
        texts_in(&as_staff(worker.cookie.clone()).await),
        Some(vec![words.clone()])
    );
    assert_eq!(texts_in(&as_staff(elsewhere.cookie.clone()).await), None);
    let page = app
        .get_text_with_cookie("/inzicht/enquete/buurtvragen", &advisor.cookie)
        .await;
    assert!(
        page.contains("Een bankje bij de school &lt;b&gt;"),
        "published, escaped, for staff"
    );
    let public_page = app.get_text("/inzicht/enquete/buurtvragen").await;
    assert!(!public_page.contains("Een bankje bij de school"));
    let public = app.get_text("/api/v1/campaigns/buurtvragen/results").await;
    assert!(!public.contains(&words) && !public.contains("bankje bij de school"));
    let csv = app
        .get_text("/api/v1/campaigns/buurtvragen/results.csv")
        .await;
    assert!(!csv.contains("bankje bij de school"));
    // The moderation is in the audit log.
    let pool = app.pool().await;
    let (n,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM audit_log WHERE action LIKE 'survey text %'")
            .fetch_one(&pool)
            .await
            .expect("audit");
    assert_eq!(n, 2);
}

/// Watching the results before and after one resident answers (at a street event, say) shows
/// nothing of that resident: each area, and each question in it, moves on only once k new residents
/// arrived *there*; k new residents elsewhere in the campaign, or k new in the area of whom one
/// answered a question, do not move it.
#[tokio::test]
async fn results_move_on_in_steps_of_k_residents_per_area_and_question_so_one_answer_cannot_be_watched(
) {
    let app = spawn_gemeente().await;
    add_campaign(&app, "buurtvragen").await;
    let mut i = 0u64;
    // Fixed ids under the fixed noise secret: every released value is the same on every run, so
    // "it moved on" can be checked against the value before (which noise could otherwise match).
    let mut resident = |buurt: &str, answers: Option<Value>| {
        i += 1;
        Resident {
            id: format!("00000000-0000-4000-8000-{:012}", 100 + i),
            buurten: [buurt.to_string()].into(),
            answers: answers.unwrap_or_else(|| answers_of(i)),
        }
    };
    let mut everyone: Vec<Resident> = (0..12).map(|_| resident("BU09990101", None)).collect();
    for r in &everyone {
        take_part(&app, "buurtvragen", r).await;
    }
    let area = "?level=buurt&area=BU09990101";
    // The buurt's own figures (the list of areas beside them moves with the other buurten).
    let own = |r: Value| json!([r["respondents"], r["questions"]]);
    let before = results(&app, area).await;
    check_release(&everyone, Some("BU09990101"), &before);
    let campaign_before = results(&app, "").await;
    let question = |r: &Value, id: &str| -> Value {
        r["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .find(|q| q["id"] == id)
            .cloned()
            .expect("question")
    };
    // Newcomers answer one question only, so which cells reach a next multiple of k is plain.
    let only_vaak = || Some(json!({"vaak": "zelden"}));
    // One more here, then four in another buurt: the campaign as a whole moves on (17 residents,
    // 15 released), this buurt (13, 10 released) does not, to the byte.
    let add = |r: Resident, everyone: &mut Vec<Resident>| {
        everyone.push(r);
        everyone.last().cloned().expect("resident")
    };
    let r = add(resident("BU09990101", only_vaak()), &mut everyone);
    take_part(&app, "buurtvragen", &r).await;
    assert_eq!(
        own(results(&app, area).await),
        own(before.clone()),
        "one more resident"
    );
    for _ in 0..4 {
        let r = add(resident("BU09990102", only_vaak()), &mut everyone);
        take_part(&app, "buurtvragen", &r).await;
        assert_eq!(
            own(results(&app, area).await),
            own(before.clone()),
            "residents elsewhere"
        );
    }
    // The campaign moved on: 15 within the noise.
    check_release(&everyone[..12], None, &campaign_before);
    let campaign_after = results(&app, "").await;
    check_release(&everyone, None, &campaign_after);
    assert_ne!(
        campaign_after["respondents"],
        campaign_before["respondents"]
    );
    // Four more here, of whom only the last also answers "how satisfied": the buurt moves on (17,
    // 15 released), but that question (13 answered here and in the campaign, 10 released) shows
    // what it showed.
    for n in 0..4 {
        let mut answers = json!({"vaak": "zelden"});
        if n == 3 {
            answers["tevreden"] = json!(1);
        }
        let r = add(resident("BU09990101", Some(answers)), &mut everyone);
        take_part(&app, "buurtvragen", &r).await;
    }
    let after = results(&app, area).await;
    assert_ne!(after["respondents"], before["respondents"], "15 released");
    assert_ne!(question(&after, "vaak"), question(&before, "vaak"));
    assert_eq!(
        question(&after, "tevreden"),
        question(&before, "tevreden"),
        "one new answer to this question shows nothing"
    );
    check_release(&everyone, Some("BU09990101"), &after);
}

/// Text answers appear in the results only with their author released in a gemeente, so no list
/// ever changes by one resident: not when a gemeente's last few answer (they wait for k), not when
/// a resident without an entry answers, and not when such a resident later makes one.
#[tokio::test]
async fn a_text_shows_once_its_author_is_released_in_a_gemeente_and_never_leaves_for_an_entry() {
    let app = spawn_gemeente().await;
    add_campaign(&app, "buurtvragen").await;
    let resident = |buurten: &[&str], i: usize| Resident {
        id: new_id(),
        buurten: buurten.iter().map(ToString::to_string).collect(),
        answers: json!({"vaak": "zelden", "idee": format!("Idee {i}")}),
    };
    let first: Vec<Resident> = (0..10).map(|i| resident(&["BU09990101"], i)).collect();
    let no_entry = resident(&[], 10);
    let eleventh = resident(&["BU09990102"], 11);
    for r in first.iter().chain([&no_entry, &eleventh]) {
        take_part(&app, "buurtvragen", r).await;
    }
    add_staff_in(&app, "worker", "opbouw@gemeente.nl", &[GEMEENTE]);
    let worker = session(&app, "opbouw@gemeente.nl").await;
    let publish_all = || async {
        let list: Vec<Value> = serde_json::from_str(
            &app.get_text_with_cookie("/api/v1/campaigns/buurtvragen/texts", &worker.cookie)
                .await,
        )
        .expect("json");
        for t in list.iter().filter(|t| t["state"] == "waiting") {
            let path = format!(
                "/campaigns/buurtvragen/texts/{}",
                t["id"].as_str().expect("id")
            );
            let res = send_json(
                &app,
                Method::PATCH,
                &path,
                &worker,
                &json!({"state": "published"}),
            )
            .await;
            assert_eq!(res.status(), 204);
        }
    };
    publish_all().await;
    let texts = |query: &'static str| {
        let app = &app;
        let cookie = worker.cookie.clone();
        async move {
            let path = format!("/api/v1/campaigns/buurtvragen/results{query}");
            let r: Value = serde_json::from_str(&app.get_text_with_cookie(&path, &cookie).await)
                .expect("json");
            texts_in(&r).map(|mut t| {
                t.sort();
                t
            })
        }
    };
    let ideas = |range: std::ops::Range<usize>| {
        let mut v: Vec<String> = range.map(|i| format!("Idee {i}")).collect();
        v.sort();
        Some(v)
    };
    // The gemeente releases its first ten; the eleventh and the one without an entry wait.
    assert_eq!(texts("").await, ideas(0..10));
    assert_eq!(texts("?level=gemeente&area=GM0999").await, ideas(0..10));
    assert_eq!(
        texts("?level=wijk&area=WK099901").await,
        None,
        "never a wijk"
    );
    // The one without an entry makes one: nothing changes (the gemeente's twelfth).
    let with_entry = Resident {
        buurten: ["BU09990201".to_string()].into(),
        ..no_entry.clone()
    };
    post_entries(&app, "buurtvragen", &with_entry).await;
    assert_eq!(texts("").await, ideas(0..10));
    // Three more: fifteen in the gemeente, released together with their texts.
    for i in 12..15 {
        take_part(&app, "buurtvragen", &resident(&["BU09990101"], i)).await;
    }
    publish_all().await;
    assert_eq!(texts("").await, ideas(0..15));
    assert_eq!(texts("?level=gemeente&area=GM0999").await, ideas(0..15));
}
