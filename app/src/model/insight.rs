//! What advisors ask for and get back: the filters of the aggregates, the released figures and the
//! calendar periods they may ask about. Shared by the REST API and the dashboard pages.

use serde::{Deserialize, Serialize};

use super::{Kind, Source, BARRIER_AFFECTS, PLACE_QUALITIES};

/// A calendar period on the release lattice (see `server/src/domain/aggregate.rs` for why periods
/// are whole months, quarters or years and never free windows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Period {
    #[default]
    All,
    Year(i32),
    /// Year and quarter 1–4.
    Quarter(i32, u8),
    /// Year and month 1–12.
    Month(i32, u8),
}

impl Period {
    /// `2026`, `2026-Q3`, `2026-09`; `None` for anything else (years 2000–2999).
    pub fn parse(s: &str) -> Option<Period> {
        let (y, rest) = match s.split_once('-') {
            Some((y, rest)) => (y, Some(rest)),
            None => (s, None),
        };
        if y.len() != 4 {
            return None;
        }
        let year: i32 = y.parse().ok().filter(|y| (2000..3000).contains(y))?;
        match rest {
            None => Some(Period::Year(year)),
            Some(q) if q.len() == 2 && q.starts_with(['Q', 'q']) => match q[1..].parse() {
                Ok(q @ 1..=4) => Some(Period::Quarter(year, q)),
                _ => None,
            },
            Some(m) if m.len() == 2 => match m.parse() {
                Ok(m @ 1..=12) => Some(Period::Month(year, m)),
                _ => None,
            },
            _ => None,
        }
    }

    /// `from`/`to` months (`YYYY-MM`) that span exactly one month, quarter or year.
    pub fn from_range(from: &str, to: &str) -> Option<Period> {
        let (Some(Period::Month(y1, m1)), Some(Period::Month(y2, m2))) =
            (Period::parse(from), Period::parse(to))
        else {
            return None;
        };
        match (y1 == y2, m1, m2) {
            (true, a, b) if a == b => Some(Period::Month(y1, a)),
            (true, 1, 12) => Some(Period::Year(y1)),
            (true, a, b) if a % 3 == 1 && b == a + 2 => Some(Period::Quarter(y1, a.div_ceil(3))),
            _ => None,
        }
    }

    /// The half-open range of RFC 3339 timestamps in this period (`None` for all time): timestamps
    /// compare as text, so `from <= created_at < to` selects it.
    pub fn bounds(self) -> Option<(String, String)> {
        let (start, end) = match self {
            Period::All => return None,
            Period::Year(y) => ((y, 1), (y + 1, 1)),
            Period::Quarter(y, q) => {
                let m = (q - 1) * 3 + 1;
                ((y, m), if q == 4 { (y + 1, 1) } else { (y, m + 3) })
            }
            Period::Month(y, m) => ((y, m), if m == 12 { (y + 1, 1) } else { (y, m + 1) }),
        };
        let fmt = |(y, m): (i32, u8)| format!("{y}-{m:02}-01");
        Some((fmt(start), fmt(end)))
    }

    pub fn parent(self) -> Option<Period> {
        match self {
            Period::All => None,
            Period::Year(_) => Some(Period::All),
            Period::Quarter(y, _) => Some(Period::Year(y)),
            Period::Month(y, m) => Some(Period::Quarter(y, (m - 1) / 3 + 1)),
        }
    }

    /// Every period from the month `first` to the month `last`, coarse to fine: years, then quarters,
    /// then months (what a period filter offers).
    pub fn lattice(first: Period, last: Period) -> Vec<Period> {
        let (Period::Month(y1, m1), Period::Month(y2, m2)) = (first, last) else {
            return Vec::new();
        };
        let mut months = Vec::new();
        let (mut y, mut m) = (y1, m1);
        while (y, m) <= (y2, m2) && months.len() < 1200 {
            months.push(Period::Month(y, m));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        let mut out: Vec<Period> = Vec::new();
        for level in 0..3 {
            for &month in &months {
                let mut p = month;
                for _ in 0..(2 - level) {
                    p = p.parent().unwrap_or(p);
                }
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::All => f.write_str("all"),
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "all" => Ok(Period::All),
            p => Period::parse(p).ok_or_else(|| serde::de::Error::custom("not a period")),
        }
    }
}

/// `affects=` (one group a barrier stops) and `quality=` (places' qualities, comma-separated or
/// repeated, all required), with the kind they imply: they describe one kind's entries only, so
/// another kind beside them is a contradiction, not an empty answer.
#[allow(clippy::type_complexity)]
fn facet_params(
    pairs: &[(String, String)],
    kind: Option<Kind>,
) -> Result<(Option<Kind>, Option<String>, Vec<String>), BadParam> {
    let affects = last_value(pairs, "affects")
        .map(|a| {
            BARRIER_AFFECTS
                .iter()
                .find(|x| **x == a)
                .map(|x| (*x).to_string())
                .ok_or(bad("affects", "is not a group a barrier can stop"))
        })
        .transpose()?;
    let mut quality = Vec::new();
    for (_, v) in pairs.iter().filter(|(k, _)| k == "quality") {
        for q in v.split(',').map(str::trim).filter(|q| !q.is_empty()) {
            let known = PLACE_QUALITIES
                .iter()
                .find(|x| **x == q)
                .ok_or(bad("quality", "is not a quality of a meeting place"))?;
            quality.push(known.to_string());
        }
    }
    quality.sort();
    quality.dedup();
    let kind = match (affects.is_some(), !quality.is_empty(), kind) {
        (true, true, _) => {
            return Err(bad(
                "quality",
                "is about places, affects about barriers: give one of them",
            ))
        }
        (true, false, None | Some(Kind::Barrier)) => Some(Kind::Barrier),
        (true, false, Some(_)) => {
            return Err(bad("affects", "is about barriers only (kind=barrier)"))
        }
        (false, true, None | Some(Kind::Place)) => Some(Kind::Place),
        (false, true, Some(_)) => return Err(bad("quality", "is about places only (kind=place)")),
        (false, false, k) => k,
    };
    Ok((kind, affects, quality))
}

/// The filters of `GET /api/v1/aggregates`, the exports and the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InsightFilter {
    /// `gemeente`, `wijk` or `buurt`.
    pub level: String,
    pub kind: Option<Kind>,
    pub category: Option<String>,
    pub campaign: Option<String>,
    pub period: Period,
    pub source: Option<Source>,
    /// Only areas of this gemeente (a CBS code such as `GM0505`).
    pub gemeente: Option<String>,
    /// Only barriers that stop this group (one of [`BARRIER_AFFECTS`]); implies kind barrier.
    #[serde(default)]
    pub affects: Option<String>,
    /// Only places with every one of these qualities ([`PLACE_QUALITIES`], sorted, no repeats);
    /// implies kind place.
    #[serde(default)]
    pub quality: Vec<String>,
}

/// A query parameter that is wrong, and why (answered with 400 by the API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadParam {
    pub field: &'static str,
    pub message: &'static str,
}

pub(super) fn bad(field: &'static str, message: &'static str) -> BadParam {
    BadParam { field, message }
}

/// A query parameter's last non-empty value, trimmed: an empty value is a form's "every" option.
pub(super) fn last_value<'a>(pairs: &'a [(String, String)], k: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(key, v)| key == k && !v.trim().is_empty())
        .map(|(_, v)| v.trim())
}

/// The `level` parameter of the figures: gemeente, wijk or buurt (the default).
pub(super) fn level_param(pairs: &[(String, String)]) -> Result<&str, BadParam> {
    let level = last_value(pairs, "level").unwrap_or("buurt");
    if ["gemeente", "wijk", "buurt"].contains(&level) {
        Ok(level)
    } else {
        Err(bad("level", "must be gemeente, wijk or buurt"))
    }
}

impl InsightFilter {
    /// Reads the filter from query pairs; empty values count as absent (a form's "every" option).
    /// Unknown parameters are left to the caller.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<InsightFilter, BadParam> {
        let get = |k: &str| last_value(pairs, k);
        let level = level_param(pairs)?;
        let kind = get("kind")
            .map(|k| Kind::parse(k).ok_or(bad("kind", "must be place, barrier or wish")))
            .transpose()?;
        let category = get("category").map(str::to_string);
        if let Some(c) = &category {
            let known = match kind {
                Some(k) => k.categories().contains(&c.as_str()),
                None => Kind::ALL
                    .iter()
                    .any(|k| k.categories().contains(&c.as_str())),
            };
            if !known {
                return Err(bad("category", "is not a category of this kind"));
            }
        }
        let source = get("source")
            .map(|s| Source::parse(s).ok_or(bad("source", "must be web, event or paper")))
            .transpose()?;
        let period = match (get("period"), get("from"), get("to")) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                return Err(bad("period", "give period, or from and to, not both"))
            }
            (Some("all"), None, None) => Period::All,
            (Some(p), None, None) => Period::parse(p).ok_or(bad(
                "period",
                "must be a year (2026), a quarter (2026-Q3) or a month (2026-09)",
            ))?,
            (None, Some(from), Some(to)) => Period::from_range(from, to).ok_or(bad(
                "to",
                "from and to (YYYY-MM) must span one whole month, quarter or year, so that no \
                 window can be subtracted from another",
            ))?,
            (None, Some(_), None) => return Err(bad("to", "is needed with from")),
            (None, None, Some(_)) => return Err(bad("from", "is needed with to")),
            (None, None, None) => Period::All,
        };
        let gemeente = get("gemeente").map(str::to_string);
        if gemeente
            .as_deref()
            .is_some_and(|g| !g.starts_with("GM") || g.len() > 16)
        {
            return Err(bad(
                "gemeente",
                "must be a CBS gemeente code such as GM0505",
            ));
        }
        let (kind, affects, quality) = facet_params(pairs, kind)?;
        if let (Some(k), Some(c)) = (kind, &category) {
            if !k.categories().contains(&c.as_str()) {
                return Err(bad("category", "is not a category of this kind"));
            }
        }
        Ok(InsightFilter {
            level: level.to_string(),
            kind,
            category,
            campaign: get("campaign").map(str::to_string),
            period,
            source,
            gemeente,
            affects,
            quality,
        })
    }

    /// The filter as query pairs (for links: exports, sorting, the profile page).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("level", self.level.clone())];
        if let Some(k) = self.kind {
            out.push(("kind", k.as_str().into()));
        }
        if let Some(c) = &self.category {
            out.push(("category", c.clone()));
        }
        if let Some(c) = &self.campaign {
            out.push(("campaign", c.clone()));
        }
        if self.period != Period::All {
            out.push(("period", self.period.to_string()));
        }
        if let Some(s) = self.source {
            out.push(("source", s.as_str().into()));
        }
        if let Some(g) = &self.gemeente {
            out.push(("gemeente", g.clone()));
        }
        if let Some(a) = &self.affects {
            out.push(("affects", a.clone()));
        }
        if !self.quality.is_empty() {
            out.push(("quality", self.quality.join(",")));
        }
        out
    }

    /// The topic the filter is about as a whole: a category, a kind, or everything.
    pub fn headline(&self) -> (Option<Kind>, Option<String>) {
        match (&self.category, self.kind) {
            (Some(c), k) => (
                k.or_else(|| {
                    Kind::ALL
                        .into_iter()
                        .find(|k| k.categories().contains(&c.as_str()))
                }),
                Some(c.clone()),
            ),
            (None, k) => (k, None),
        }
    }
}

/// One released figure of `GET /api/v1/aggregates`. `kind` and `category` null mean "every kind" and
/// "every category of the kind". `count` and `respondents` are null when suppressed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AreaFigure {
    pub area_code: String,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub area_name: Option<String>,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub kind: Option<Kind>,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub category: Option<String>,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub count: Option<u64>,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    /// Distinct residents, with cell-key noise; always `null` for a figure narrowed by `affects` or
    /// `quality` (it counts entries only: docs/privacy.md).
    pub respondents: Option<u64>,
    pub suppressed: bool,
    /// Entries per 1,000 inhabitants, where CBS figures are known and the count is released.
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub per_1000: Option<f64>,
}

/// An area as the dashboard lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaSummary {
    pub code: String,
    pub name: Option<String>,
    pub population: Option<i64>,
}

impl AreaSummary {
    /// The name, or the code where the boundary file had no name.
    pub fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.code.clone())
    }
}

/// What the dashboard shows for one filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsightOverview {
    /// Every imported area of the filter's level (within its gemeente, if it names one).
    pub areas: Vec<AreaSummary>,
    /// The filter's headline figure (its category, its kind or everything) per area with entries.
    pub figures: Vec<AreaFigure>,
    /// The periods the filter can choose from (years, quarters, months with entries between them).
    pub periods: Vec<Period>,
    pub campaigns: Vec<String>,
    /// The gemeenten with entries, for narrowing the view.
    pub gemeenten: Vec<AreaSummary>,
    /// The CBS year of the boundaries.
    pub year: Option<i64>,
    /// The gemeente the trend is about: the one chosen, or the only one with entries.
    #[serde(default)]
    pub trend_area: Option<AreaSummary>,
    /// That gemeente's figures per month under the filter (everything and each kind).
    #[serde(default)]
    pub trend: Vec<(Period, AreaFigure)>,
    /// That gemeente's dynamics: activities, connections, ripples (counts of what workers recorded).
    #[serde(default)]
    pub dynamics: Option<super::DynamicsFigures>,
}

impl InsightOverview {
    pub fn figure(&self, code: &str) -> Option<&AreaFigure> {
        self.figures.iter().find(|f| f.area_code == code)
    }
}

/// A meeting place as the public map shows it: its category and low-threshold qualities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceSummary {
    pub category: String,
    pub qualities: Vec<String>,
}

/// Everything the area profile page shows about one area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaProfile {
    pub area: AreaSummary,
    pub level: String,
    pub year: Option<i64>,
    /// Every topic's figure in this area (everything, each kind, each category with entries).
    pub figures: Vec<AreaFigure>,
    /// Wishes that offer a talent (everything for the area).
    pub talents: Option<AreaFigure>,
    /// Per month, oldest first: everything, and each kind with entries.
    pub months: Vec<(Period, AreaFigure)>,
    /// Barriers by the group they stop (every group of [`super::BARRIER_AFFECTS`]).
    #[serde(default)]
    pub barrier_groups: Vec<FacetFigure>,
    /// Barriers by severity ("1" to "3").
    #[serde(default)]
    pub severity: Vec<FacetFigure>,
    pub places: Vec<PlaceSummary>,
    /// Respondents per CBS age band against the population.
    #[serde(default)]
    pub representation: Option<Representation>,
    /// The talents residents offer here, once a moderator published them: alphabetical, each once
    /// (what people can do, not who or when).
    #[serde(default)]
    pub offered: Vec<String>,
    /// Activities started here, what they grew from, new connections, ripples.
    #[serde(default)]
    pub dynamics: Option<super::DynamicsFigures>,
}

/// The barriers (or places) of an area whose details say one thing (a group they stop, a severity):
/// their figure as a kind, and per category with entries. Protected as every figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetFigure {
    pub facet: String,
    pub total: AreaFigure,
    pub categories: Vec<AreaFigure>,
}

/// One CBS age band: respondents (null when suppressed) and the shares of respondents and of
/// inhabitants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandFigure {
    pub band: String,
    pub respondents: Option<u64>,
    pub share: Option<f64>,
    pub population_share: Option<f64>,
}

/// Who took part against who lives there (survey's optional age question vs CBS key figures).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Representation {
    pub bands: Vec<BandFigure>,
    /// Respondents who gave an age band (null when fewer than k).
    pub answered: Option<u64>,
    /// Respondents who did not (null when 1 to k-1).
    pub unknown: Option<u64>,
    /// Whether CBS figures per age band are imported for this area.
    pub has_population: bool,
}

/// Upper bounds of up to five classes for a choropleth: quantiles of the released values, rounded
/// to readable numbers, without duplicates. Suppressed areas have no value and no class.
pub fn class_breaks(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return Vec::new();
    }
    v.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    for i in 1..=5 {
        let q = v[((v.len() * i).div_ceil(5)).saturating_sub(1)];
        let r = readable(q);
        if out.last().is_none_or(|last| r > *last) {
            out.push(r);
        }
    }
    out
}

/// Rounds up to two significant digits, so a legend reads 13 rather than 12.37.
fn readable(x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let mag = 10f64.powf(x.log10().floor() - 1.0);
    (x / mag).ceil() * mag
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn affects_and_quality_imply_their_kind_and_refuse_contradictions() {
        let f = InsightFilter::from_pairs(&pairs("affects=wheelchair_walker")).unwrap();
        assert_eq!(
            (f.kind, f.affects.as_deref()),
            (Some(Kind::Barrier), Some("wheelchair_walker"))
        );
        let f = InsightFilter::from_pairs(&pairs(
            "quality=open_evenings_weekends,free&quality=free&kind=place",
        ))
        .unwrap();
        assert_eq!(f.kind, Some(Kind::Place));
        assert_eq!(f.quality, ["free", "open_evenings_weekends"]);
        // The filter survives a round trip through links.
        let back: Vec<(String, String)> = f
            .to_pairs()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(InsightFilter::from_pairs(&back).unwrap(), f);
        for (q, field) in [
            ("affects=aliens", "affects"),
            ("affects=elderly&kind=wish", "affects"),
            ("quality=cheap", "quality"),
            ("quality=free&kind=barrier", "quality"),
            ("quality=free&affects=elderly", "quality"),
            ("affects=elderly&category=library", "category"),
        ] {
            assert_eq!(
                InsightFilter::from_pairs(&pairs(q)).unwrap_err().field,
                field,
                "{q}"
            );
        }
        // An empty value is a form's "every" option.
        let f = InsightFilter::from_pairs(&pairs("affects=&quality=")).unwrap();
        assert_eq!((f.kind, f.affects, f.quality.len()), (None, None, 0));
    }

    #[test]
    fn periods_parse_nest_and_print() {
        assert_eq!(Period::parse("2026-09"), Some(Period::Month(2026, 9)));
        assert_eq!(Period::parse("2026-q3"), Some(Period::Quarter(2026, 3)));
        assert_eq!(Period::parse("2026"), Some(Period::Year(2026)));
        for bad in [
            "2026-13",
            "2026-Q5",
            "26",
            "2026-9",
            "2026-01-01",
            "",
            "1999",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Period::Month(2026, 9).parent(),
            Some(Period::Quarter(2026, 3))
        );
        for p in [
            Period::Year(2031),
            Period::Quarter(2026, 4),
            Period::Month(2026, 12),
        ] {
            assert_eq!(Period::parse(&p.to_string()), Some(p));
        }
    }

    #[test]
    fn bounds_are_half_open_ranges_of_timestamps() {
        assert_eq!(Period::All.bounds(), None);
        let q4 = Period::Quarter(2026, 4).bounds().expect("bounds");
        assert_eq!(q4, ("2026-10-01".to_string(), "2027-01-01".to_string()));
        let (from, to) = Period::Month(2026, 2).bounds().expect("bounds");
        assert!(from.as_str() <= "2026-02-28T23:59:59Z" && "2026-02-28T23:59:59Z" < to.as_str());
        assert!("2026-03-01T00:00:00Z" >= to.as_str());
    }

    #[test]
    fn from_and_to_must_span_one_lattice_period() {
        assert_eq!(
            Period::from_range("2026-03", "2026-03"),
            Some(Period::Month(2026, 3))
        );
        assert_eq!(
            Period::from_range("2026-04", "2026-06"),
            Some(Period::Quarter(2026, 2))
        );
        assert_eq!(
            Period::from_range("2026-01", "2026-12"),
            Some(Period::Year(2026))
        );
        for (f, t) in [
            ("2026-01", "2026-05"),
            ("2026-02", "2026-04"),
            ("2025-12", "2026-01"),
            ("2026", "2026"),
        ] {
            assert_eq!(Period::from_range(f, t), None, "{f}..{t}");
        }
    }

    #[test]
    fn the_lattice_lists_years_quarters_then_months() {
        let l = Period::lattice(Period::Month(2025, 11), Period::Month(2026, 1));
        assert_eq!(
            l,
            vec![
                Period::Year(2025),
                Period::Year(2026),
                Period::Quarter(2025, 4),
                Period::Quarter(2026, 1),
                Period::Month(2025, 11),
                Period::Month(2025, 12),
                Period::Month(2026, 1),
            ]
        );
    }

    #[test]
    fn filters_read_from_query_pairs() {
        let f = InsightFilter::from_pairs(&pairs(
            "level=wijk&kind=barrier&category=steps&period=2026-Q1&source=web",
        ))
        .expect("valid");
        assert_eq!(f.level, "wijk");
        assert_eq!(f.period, Period::Quarter(2026, 1));
        assert_eq!(
            InsightFilter::from_pairs(
                &f.to_pairs()
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect::<Vec<_>>()
            ),
            Ok(f)
        );
        assert_eq!(
            InsightFilter::from_pairs(&pairs("kind=&period=")).map(|f| f.kind),
            Ok(None)
        );
        let field = |q: &str| InsightFilter::from_pairs(&pairs(q)).map_err(|e| e.field);
        assert_eq!(field("level=straat"), Err("level"));
        assert_eq!(field("kind=place&category=steps"), Err("category"));
        assert_eq!(field("from=2026-01&to=2026-05"), Err("to"));
        assert_eq!(field("from=2026-01"), Err("to"));
        assert_eq!(
            field("period=2026-01&from=2026-01&to=2026-01"),
            Err("period")
        );
        assert_eq!(field("source=fax"), Err("source"));
        assert_eq!(field("gemeente=0505"), Err("gemeente"));
    }

    #[test]
    fn class_breaks_are_readable_quantiles() {
        assert_eq!(class_breaks(&[]), Vec::<f64>::new());
        assert_eq!(class_breaks(&[3.0, 3.0, 3.0]), vec![3.0]);
        let b = class_breaks(&(1..=100).map(f64::from).collect::<Vec<_>>());
        assert_eq!(b, vec![20.0, 40.0, 60.0, 80.0, 100.0]);
        let b = class_breaks(&[0.123, 1.37, 12.3, 55.5, 0.5]);
        assert!(b.windows(2).all(|w| w[0] < w[1]), "{b:?}");
        assert_eq!(b[0], 0.13);
    }
}
