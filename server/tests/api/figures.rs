//! Figures by what entries say beyond their category (issue 18): barriers by the group they stop and
//! their severity, places by their qualities, the trend per month and kind, and the raw export's
//! details. Every narrowed figure is held against an independent count of what the test posted, and
//! against the k rule.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::staff::{add_staff_in, session};

/// In Dordrecht's centre: every entry of these tests lies in one buurt of GM0505.
const AT: (f64, f64) = (4.6702, 51.8133);

/// A barrier at `AT` by a fresh respondent, stopping `affects`, of `severity`.
async fn barrier_for(app: &TestApp, category: &str, affects: &[&str], severity: u8) -> Value {
    let mut b = barrier(&new_id(), &new_id());
    b["category"] = json!(category);
    b["location"] = json!({"lon": AT.0, "lat": AT.1});
    b["details"] = json!({"severity": severity, "affects": affects});
    let res = app.post_json(&b).await;
    assert_eq!(
        res.status(),
        201,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let receipt: Value = res.json().await.expect("json");
    assert_eq!(receipt["areas"]["gemeente"], "GM0505");
    receipt
}

/// A place near `AT` by a fresh respondent with `qualities` and a name.
async fn place_with(app: &TestApp, qualities: &[&str], name: &str) {
    let mut p = place(&new_id(), &new_id());
    p["location"] = json!({"lon": AT.0 + 0.0004, "lat": AT.1});
    p["details"] = json!({"name": name, "qualities": qualities});
    let res = app.post_json(&p).await;
    assert_eq!(
        res.status(),
        201,
        "{}",
        res.text().await.unwrap_or_default()
    );
}

fn gemeente_figure(figs: &[Value], kind: Option<&str>) -> Value {
    figs.iter()
        .find(|f| {
            f["area_code"] == "GM0505" && f["category"].is_null() && f["kind"].as_str() == kind
        })
        .cloned()
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn barriers_by_the_group_they_stop_and_places_by_quality_are_counted_and_protected() {
    let app = spawn_drechtsteden_app().await;
    // Six barriers stop wheelchair users (five steps, one no_ramp), four stop children only, three
    // stop elderly people and wheelchair users.
    for _ in 0..5 {
        barrier_for(&app, "steps", &["wheelchair_walker"], 3).await;
    }
    barrier_for(&app, "no_ramp", &["wheelchair_walker"], 2).await;
    for _ in 0..4 {
        barrier_for(&app, "dangerous_crossing", &["children"], 1).await;
    }
    for _ in 0..3 {
        barrier_for(&app, "poor_lighting", &["elderly", "wheelchair_walker"], 2).await;
    }
    // Places: five free and open in the evening, two only free.
    for i in 0..5 {
        place_with(
            &app,
            &["free", "open_evenings_weekends"],
            &format!("Buurthuis {i}"),
        )
        .await;
    }
    for i in 0..2 {
        place_with(&app, &["free"], &format!("Bieb {i}")).await;
    }

    let get = |q: String| {
        let app = &app;
        async move {
            let figs: Vec<Value> = app
                .get_json(&format!(
                    "/api/v1/aggregates?level=gemeente&gemeente=GM0505&{q}"
                ))
                .await;
            figs
        }
    };
    // Wheelchair users: 9 barriers, per category too. Narrowed figures count entries only: never a
    // number of residents (docs/privacy.md).
    let wheelchair = get("affects=wheelchair_walker".into()).await;
    let total = gemeente_figure(&wheelchair, Some("barrier"));
    assert_eq!(total["count"], 9, "{wheelchair:#?}");
    assert!(
        wheelchair.iter().all(|f| f["respondents"].is_null()),
        "{wheelchair:#?}"
    );
    let steps = wheelchair
        .iter()
        .find(|f| f["category"] == "steps")
        .expect("steps");
    assert_eq!(steps["count"], 5);
    // One no_ramp barrier: fewer than k entries, withheld.
    let ramp = wheelchair
        .iter()
        .find(|f| f["category"] == "no_ramp")
        .expect("no_ramp");
    assert_eq!(
        (&ramp["count"], &ramp["suppressed"]),
        (&Value::Null, &json!(true))
    );
    // Children: four barriers are fewer than k, so even the total is withheld.
    let children = get("affects=children".into()).await;
    assert_eq!(
        gemeente_figure(&children, Some("barrier"))["count"],
        Value::Null
    );
    // Nobody reported a barrier for buggies: no figure (0).
    assert!(get("affects=buggy".into()).await.is_empty());
    // The filter narrows only barriers: nothing of another kind comes back.
    assert!(
        wheelchair.iter().all(|f| f["kind"] == "barrier"),
        "{wheelchair:#?}"
    );

    // Places open in the evening and free: the five, not the two.
    let evening = get("quality=open_evenings_weekends,free".into()).await;
    assert_eq!(gemeente_figure(&evening, Some("place"))["count"], 5);
    let free = get("quality=free".into()).await;
    assert_eq!(gemeente_figure(&free, Some("place"))["count"], 7);

    // Contradictions and unknown words are refused, naming the field.
    for (q, field) in [
        ("affects=aliens", "affects"),
        ("affects=children&kind=place", "affects"),
        ("quality=cheap", "quality"),
        ("quality=free&affects=children", "quality"),
    ] {
        let res = app.get(&format!("/api/v1/aggregates?{q}")).await;
        assert_eq!(res.status(), 400, "{q}");
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["errors"][0]["field"], field, "{q}");
    }

    // The public list shows what the figures count: qualities, severity, groups.
    let places: Vec<Value> = app
        .get_json("/api/v1/submissions?quality=open_evenings_weekends&limit=100")
        .await;
    assert_eq!(places.len(), 5);
    assert!(places.iter().all(|p| p["kind"] == "place"));
    assert!(
        places.iter().all(|p| p.get("name").is_none()),
        "names are not public"
    );
    let res = app
        .get("/api/v1/submissions?quality=free&kind=barrier")
        .await;
    assert_eq!(res.status(), 400);
    let barriers: Vec<Value> = app
        .get_json("/api/v1/submissions?kind=barrier&limit=100")
        .await;
    let stopping_wheelchairs = barriers
        .iter()
        .filter(|b| {
            b["affects"]
                .as_array()
                .is_some_and(|a| a.contains(&json!("wheelchair_walker")))
        })
        .count();
    assert_eq!(stopping_wheelchairs, 9, "the list and the figure agree");
    assert!(barriers.iter().all(|b| b["severity"].is_u64()));

    // The heatmap zeroes cells by residents: narrowed by details it would tell which entries share
    // one, so it takes no such filter.
    let bbox = "4.60,51.78,4.74,51.84";
    for filter in ["affects=wheelchair_walker", "quality=free"] {
        let res = app
            .get(&format!("/api/v1/heatmap?size=16&bbox={bbox}&{filter}"))
            .await;
        assert_eq!(res.status(), 400, "{filter}");
    }

    // The area profile: every group and severity, with the same protected figures.
    let (_store, svc) = app.service().await;
    let profile = svc
        .profile("GM0505", &app::model::InsightFilter::default())
        .await
        .expect("profile")
        .expect("area");
    let group = |g: &str| {
        profile
            .barrier_groups
            .iter()
            .find(|x| x.facet == g)
            .unwrap_or_else(|| panic!("{g}"))
    };
    assert_eq!(
        profile.barrier_groups.len(),
        app::model::BARRIER_AFFECTS.len()
    );
    assert_eq!(group("wheelchair_walker").total.count, Some(9));
    assert_eq!(group("children").total.count, None, "fewer than k");
    assert_eq!(group("buggy").total.count, Some(0));
    assert_eq!(
        profile
            .severity
            .iter()
            .map(|s| (s.facet.as_str(), s.total.count))
            .collect::<Vec<_>>(),
        [("1", None), ("2", None), ("3", Some(5))],
        "severity 2: one no_ramp and three poor_lighting are four residents"
    );
    // The trend: one month with every kind in it, the same figures as the aggregates.
    let kinds: Vec<Option<app::model::Kind>> = profile.months.iter().map(|(_, f)| f.kind).collect();
    assert_eq!(
        kinds,
        [
            None,
            Some(app::model::Kind::Place),
            Some(app::model::Kind::Barrier)
        ]
    );
    assert_eq!(profile.months[0].1.count, Some(20));

    // The page shows the groups and the trend chart with its table.
    let html = app.get_text("/inzicht/gebied/GM0505").await;
    assert!(
        html.contains(r#"data-facet="wheelchair_walker""#),
        "groups table"
    );
    assert!(html.contains(r#"class="trend-chart""#), "trend chart");
    let dash = app
        .get_text("/inzicht?level=buurt&gemeente=GM0505&affects=wheelchair_walker")
        .await;
    assert!(
        dash.contains(r#"<option value="wheelchair_walker" selected"#),
        "the filter keeps its choice"
    );
    assert!(
        dash.contains(r#"class="trend-chart""#),
        "the gemeente's trend"
    );

    // One resident's five barriers for buggies: five entries of the public list, released as such,
    // with no number of residents; whether they were released does not depend on who made them.
    let one = new_id();
    for _ in 0..5 {
        let mut b = barrier(&new_id(), &one);
        b["location"] = json!({"lon": AT.0, "lat": AT.1});
        b["details"] = json!({"severity": 1, "affects": ["buggy"]});
        assert_eq!(app.post_json(&b).await.status(), 201);
    }
    let buggies = get("affects=buggy".into()).await;
    let total = gemeente_figure(&buggies, Some("barrier"));
    assert_eq!(
        (&total["count"], &total["respondents"]),
        (&json!(5), &Value::Null)
    );

    // An entry stored before the details were public (migration 0019): its groups and severity
    // show nowhere and count in no narrowed figure.
    let pool = app.pool().await;
    sqlx::query(&app.sql("UPDATE submissions SET details_public = 0 WHERE details LIKE '%buggy%'"))
        .execute(&pool)
        .await
        .expect("update");
    // As a migration would, before the server starts: the cached figures are of the old revision.
    sqlx::query(&app.sql("UPDATE area_revisions SET revision = revision + 1"))
        .execute(&pool)
        .await
        .expect("bump");
    let after = get("affects=buggy".into()).await;
    assert!(after.is_empty(), "no longer counted: {after:#?}");
    let listed: Vec<Value> = app
        .get_json("/api/v1/submissions?kind=barrier&limit=100")
        .await;
    assert_eq!(
        listed
            .iter()
            .filter(|b| b.get("severity").is_none())
            .count(),
        5,
        "the five show without their details"
    );
    assert!(listed
        .iter()
        .all(|b| !b["affects"].to_string().contains("buggy")));
}

#[tokio::test]
async fn the_raw_export_carries_each_entrys_details_for_advisors_only() {
    let app = spawn_drechtsteden_app().await;
    barrier_for(&app, "steps", &["wheelchair_walker", "buggy"], 3).await;
    place_with(&app, &["free", "toilet"], "=HYPERLINK(\"x\"); Buurthuis").await;
    // The public CSV is aggregated, and says which narrowing it holds.
    let public = app
        .get_text("/api/v1/export.csv?level=gemeente&affects=buggy")
        .await;
    assert!(public
        .lines()
        .next()
        .expect("header")
        .ends_with(",affects,quality"));
    assert!(!public.contains("HYPERLINK"));
    assert_eq!(app.get("/api/v1/export.csv?raw=true").await.status(), 401);

    add_staff_in(&app, "advisor", "advisor@dordrecht.nl", &["GM0505"]);
    let s = session(&app, "advisor@dordrecht.nl").await;
    let csv = app
        .get_text_with_cookie("/api/v1/export.csv?raw=true", &s.cookie)
        .await;
    let header = csv.lines().next().expect("header");
    assert!(
        header.ends_with(",name,severity,affects,qualities"),
        "{header}"
    );
    let barrier = csv
        .lines()
        .find(|l| l.contains(",barrier,"))
        .expect("barrier");
    // Lists quoted: a Dutch spreadsheet splits on `;`.
    assert!(
        barrier.ends_with(r#",,3,"wheelchair_walker;buggy","#),
        "{barrier}"
    );
    let place = csv.lines().find(|l| l.contains(",place,")).expect("place");
    // The name as text, never a formula: prefixed with ', and quoted.
    assert!(
        place.ends_with(r#","'=HYPERLINK(""x""); Buurthuis",,,"free;toilet""#),
        "{place}"
    );
    let geo: Value = serde_json::from_str(
        &app.get_text_with_cookie(
            "/api/v1/export.geojson?raw=true&kind=barrier&affects=buggy",
            &s.cookie,
        )
        .await,
    )
    .expect("geojson");
    let props = &geo["features"][0]["properties"];
    assert_eq!(props["severity"], 3);
    assert_eq!(props["affects"], json!(["wheelchair_walker", "buggy"]));
    assert_eq!(geo["features"].as_array().map(Vec::len), Some(1));
}
