//! The aggregate exports: CSV for spreadsheets and GeoJSON for GIS tools. They carry exactly the
//! released figures of `GET /api/v1/aggregates`, nothing finer.

use app::model::{AreaFigure, InsightFilter};
use serde_json::{json, Value};

use crate::store::{EntryDetails, RawRow, StoredArea};

/// One CSV field: quoted when it holds a separator, quote or line break, and prefixed with `'` when a
/// spreadsheet would take it for a formula (a name such as "=HYPERLINK(...)" in an imported file).
/// A `;` is quoted too: a Dutch-locale spreadsheet splits on it, and would start a new cell (which
/// could be a formula) inside an unquoted field. The community graph's CSV export
/// (`domain::graph_export`) writes its cells with it too.
pub(crate) fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(T::to_string).unwrap_or_default()
}

/// Every figure as a row; suppressed figures have empty count, respondents and per_1000.
pub fn csv(filter: &InsightFilter, figures: &[AreaFigure]) -> String {
    let mut out = String::from(
        "area_code,area_name,level,kind,category,period,source,campaign,count,respondents,suppressed,\
         per_1000,affects,quality\n",
    );
    let affects = filter.affects.as_deref().unwrap_or("all");
    let quality = if filter.quality.is_empty() {
        "all".to_string()
    } else {
        filter.quality.join(";")
    };
    let source = filter.source.map_or("all", app::model::Source::as_str);
    let campaign = filter.campaign.as_deref().unwrap_or("all");
    for f in figures {
        let row = [
            field(&f.area_code),
            field(f.area_name.as_deref().unwrap_or("")),
            filter.level.clone(),
            f.kind.map_or("all", app::model::Kind::as_str).to_string(),
            field(f.category.as_deref().unwrap_or("all")),
            filter.period.to_string(),
            source.to_string(),
            field(campaign),
            opt(&f.count),
            opt(&f.respondents),
            f.suppressed.to_string(),
            opt(&f.per_1000),
            affects.to_string(),
            quality.clone(),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// A raw row's details: a place's name and qualities, a barrier's severity and whom it stops.
fn details(r: &RawRow) -> EntryDetails {
    app::model::Kind::parse(&r.kind)
        .map(|k| EntryDetails::read(k, &r.details))
        .unwrap_or_default()
}

/// A campaign's survey results as rows, exactly the figures of `GET /campaigns/{id}/results`: first
/// the respondents (question and option empty), then per question its `answered` (option empty) and
/// its options. Withheld counts are empty with `suppressed` true. Text questions have no counts.
pub fn survey_csv(r: &app::model::SurveyResults) -> String {
    let mut out = String::from(
        "campaign,area_code,question,type,option,option_text,respondents,share,suppressed\n",
    );
    let area = r.area.as_ref().map_or("", |a| a.code.as_str());
    let mut row = |question: &str,
                   kind: &str,
                   option: &str,
                   text: &str,
                   n: Option<u64>,
                   share: Option<f64>| {
        let cells = [
            field(&r.campaign),
            field(area),
            field(question),
            kind.to_string(),
            field(option),
            field(text),
            opt(&n),
            share.map(|s| format!("{s:.4}")).unwrap_or_default(),
            n.is_none().to_string(),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    };
    row("", "", "", "", r.respondents, None);
    for q in r
        .questions
        .iter()
        .filter(|q| q.kind != app::model::QuestionType::Text)
    {
        let kind = q.kind.as_str();
        row(&q.id, kind, "", &q.text, q.answered, None);
        for o in &q.options {
            row(&q.id, kind, &o.id, &o.text, o.respondents, o.share);
        }
    }
    out
}

/// Every entry as a row, for staff: exact positions and free text, never the respondent id.
pub fn raw_csv(rows: &[RawRow]) -> String {
    let mut out = String::from(
        "id,created_at,kind,category,lon,lat,gemeente,wijk,buurt,source,campaign,language,status,text,\
         name,severity,affects,qualities\n",
    );
    for r in rows {
        let d = details(r);
        let row = [
            field(&r.id),
            field(&r.created_at),
            field(&r.kind),
            field(&r.category),
            opt(&r.lon),
            opt(&r.lat),
            field(r.gemeente.as_deref().unwrap_or("")),
            field(r.wijk.as_deref().unwrap_or("")),
            field(r.buurt.as_deref().unwrap_or("")),
            field(&r.source),
            field(&r.campaign),
            field(&r.language),
            field(&r.status),
            field(r.text.as_deref().unwrap_or("")),
            field(d.name.as_deref().unwrap_or("")),
            opt(&d.severity),
            field(&d.affects.join(";")),
            field(&d.qualities.join(";")),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// Every located entry as a point feature, for staff.
pub fn raw_geojson(rows: &[RawRow]) -> String {
    let features: Vec<Value> = rows
        .iter()
        .filter_map(|r| {
            let (lon, lat) = r.lon.zip(r.lat)?;
            let d = details(r);
            Some(json!({
                "type": "Feature",
                "id": r.id,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "id": r.id, "created_at": r.created_at, "kind": r.kind, "category": r.category,
                    "gemeente": r.gemeente, "wijk": r.wijk, "buurt": r.buurt, "source": r.source,
                    "campaign": r.campaign, "language": r.language, "status": r.status, "text": r.text,
                    "name": d.name, "severity": d.severity, "affects": d.affects,
                    "qualities": d.qualities,
                },
            }))
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// Whether an area belongs to the filter's gemeente (CBS codes share their digits: GM0505, WK050501,
/// BU05050101).
fn in_gemeente(code: &str, gemeente: Option<&str>) -> bool {
    match gemeente {
        None => true,
        Some(g) => code
            .get(2..)
            .zip(g.get(2..))
            .is_some_and(|(c, g)| c.starts_with(g)),
    }
}

/// One feature per area of the filter's level with its headline figure (the filter's category, kind,
/// or everything). Areas without entries count 0.
pub fn geojson(filter: &InsightFilter, figures: &[AreaFigure], areas: &[StoredArea]) -> String {
    let (kind, category) = filter.headline();
    let topic = match (&category, kind) {
        (Some(c), _) => c.clone(),
        (None, Some(k)) => k.as_str().to_string(),
        (None, None) => "all".to_string(),
    };
    let mut features = Vec::new();
    for a in areas
        .iter()
        .filter(|a| a.level == filter.level && in_gemeente(&a.code, filter.gemeente.as_deref()))
    {
        let fig = figures
            .iter()
            .find(|f| f.area_code == a.code && f.kind == kind && f.category == category);
        let (count, respondents, suppressed, per_1000) = match fig {
            Some(f) => (
                json!(f.count),
                json!(f.respondents),
                f.suppressed,
                json!(f.per_1000),
            ),
            None => (json!(0), json!(0), false, json!(a.population.map(|_| 0.0))),
        };
        let geometry: Value = serde_json::from_str(&a.shape).unwrap_or(Value::Null);
        features.push(json!({
            "type": "Feature",
            "id": a.code,
            "properties": {
                "area_code": a.code,
                "area_name": a.name,
                "level": a.level,
                "population": a.population,
                "cbs_year": a.year,
                "topic": topic,
                "period": filter.period.to_string(),
                "count": count,
                "respondents": respondents,
                "suppressed": suppressed,
                "per_1000": per_1000,
            },
            "geometry": geometry,
        }));
    }
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(code: &str, count: Option<u64>) -> AreaFigure {
        AreaFigure {
            area_code: code.into(),
            area_name: Some("Oud, \"Noord\"".into()),
            kind: None,
            category: None,
            count,
            respondents: count,
            suppressed: count.is_none(),
            per_1000: count.map(|c| c as f64 / 2.0),
        }
    }

    #[test]
    fn csv_quotes_names_and_leaves_suppressed_figures_empty() {
        let f = InsightFilter {
            level: "buurt".into(),
            ..Default::default()
        };
        let out = csv(&f, &[fig("BU1", Some(7)), fig("BU2", None)]);
        let lines: Vec<_> = out.lines().collect();
        assert_eq!(
            lines[1],
            r#"BU1,"Oud, ""Noord""",buurt,all,all,all,all,all,7,7,false,3.5,all,all"#
        );
        assert_eq!(
            lines[2],
            r#"BU2,"Oud, ""Noord""",buurt,all,all,all,all,all,,,true,,all,all"#
        );
        assert_eq!(field("=SUM(A1)"), "'=SUM(A1)");
    }

    #[test]
    fn geojson_gives_every_area_of_the_level_its_headline_figure() {
        let area = |code: &str| StoredArea {
            code: code.into(),
            level: "buurt".into(),
            name: None,
            population: Some(100),
            year: Some(2024),
            shape: r#"{"type":"MultiPolygon","coordinates":[]}"#.into(),
        };
        let f = InsightFilter {
            level: "buurt".into(),
            gemeente: Some("GM0505".into()),
            ..Default::default()
        };
        let out: Value = serde_json::from_str(&geojson(
            &f,
            &[fig("BU05050001", None)],
            &[area("BU05050001"), area("BU05050002"), area("BU05990001")],
        ))
        .expect("valid GeoJSON");
        let feats = out["features"].as_array().expect("features");
        assert_eq!(feats.len(), 2, "the other gemeente's buurt is left out");
        assert_eq!(feats[0]["properties"]["suppressed"], true);
        assert_eq!(feats[0]["properties"]["count"], Value::Null);
        assert_eq!(feats[1]["properties"]["count"], 0);
        assert_eq!(feats[1]["geometry"]["type"], "MultiPolygon");
    }
}
