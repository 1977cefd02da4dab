//! Walking coverage (`GET /api/v1/coverage`): what advisors ask and what they get back. Shared by the
//! REST API and the dashboard.

use serde::{Deserialize, Serialize};

use super::insight::{bad, last_value, level_param};
use super::{BadParam, PLACE_CATEGORIES, PLACE_QUALITIES};

/// Who walks: `default` at 4.5 km/h; `slow` at 3 km/h and never up or down steps (a wheelchair, a
/// walker, a buggy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Profile {
    #[default]
    Default,
    Slow,
}

impl Profile {
    pub const ALL: [Profile; 2] = [Profile::Default, Profile::Slow];

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Default => "default",
            Profile::Slow => "slow",
        }
    }

    pub fn parse(s: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Whether residents' barriers change the walk (`count`) or not (`ignore`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum BarrierMode {
    #[default]
    Count,
    Ignore,
}

impl BarrierMode {
    pub fn as_str(self) -> &'static str {
        match self {
            BarrierMode::Count => "count",
            BarrierMode::Ignore => "ignore",
        }
    }
}

/// How an area's sample points are weighted: by the inhabitants of the buurt each lies in (where CBS
/// gives them for every buurt of the area), else by the area each stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Weighting {
    Population,
    Area,
}

/// Longest walk a question may ask about, minutes.
pub const MAX_MINUTES: u32 = 60;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CoverageQuery {
    /// `gemeente`, `wijk` or `buurt`.
    pub level: String,
    /// The gemeente whose areas are asked about (a CBS code such as `GM0363`).
    pub gemeente: String,
    pub minutes: u32,
    /// Place categories that count as a destination; empty: every category.
    pub categories: Vec<String>,
    /// Qualities a destination must all have (`step_free`, `free`, ...).
    pub qualities: Vec<String>,
    pub profile: Profile,
    pub barriers: BarrierMode,
}

impl CoverageQuery {
    /// Reads the question from query pairs; lists may repeat a parameter or separate by commas.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<CoverageQuery, BadParam> {
        let get = |k: &str| last_value(pairs, k);
        let list = |k: &str| -> Vec<String> {
            let mut v: Vec<String> = pairs
                .iter()
                .filter(|(key, _)| key == k)
                .flat_map(|(_, v)| v.split(','))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            v.sort();
            v.dedup();
            v
        };
        let level = level_param(pairs)?;
        let gemeente = get("gemeente").ok_or(bad(
            "gemeente",
            "is required: coverage is computed per gemeente (a CBS code such as GM0363)",
        ))?;
        if !(gemeente.len() == 6
            && gemeente.starts_with("GM")
            && gemeente[2..].bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad(
                "gemeente",
                "must be a CBS gemeente code such as GM0363",
            ));
        }
        let minutes = match get("minutes") {
            None => 10,
            Some(m) => m
                .parse::<u32>()
                .ok()
                .filter(|m| (1..=MAX_MINUTES).contains(m))
                .ok_or(bad(
                    "minutes",
                    "must be a whole number of minutes from 1 to 60",
                ))?,
        };
        let categories = list("category");
        if categories.len() > PLACE_CATEGORIES.len()
            || categories
                .iter()
                .any(|c| !PLACE_CATEGORIES.contains(&c.as_str()))
        {
            return Err(bad("category", "must be place categories"));
        }
        let qualities = list("quality");
        if qualities
            .iter()
            .any(|q| !PLACE_QUALITIES.contains(&q.as_str()))
        {
            return Err(bad("quality", "must be place qualities"));
        }
        let profile = get("profile")
            .map(|p| Profile::parse(p).ok_or(bad("profile", "must be default or slow")))
            .transpose()?
            .unwrap_or_default();
        let barriers = match get("barriers") {
            None | Some("count") => BarrierMode::Count,
            Some("ignore") => BarrierMode::Ignore,
            Some(_) => return Err(bad("barriers", "must be count or ignore")),
        };
        Ok(CoverageQuery {
            level: level.to_string(),
            gemeente: gemeente.to_string(),
            minutes,
            categories,
            qualities,
            profile,
            barriers,
        })
    }

    /// The question as query pairs (for links and the API).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("level", self.level.clone()),
            ("gemeente", self.gemeente.clone()),
            ("minutes", self.minutes.to_string()),
        ];
        if !self.categories.is_empty() {
            out.push(("category", self.categories.join(",")));
        }
        if !self.qualities.is_empty() {
            out.push(("quality", self.qualities.join(",")));
        }
        out.push(("profile", self.profile.as_str().into()));
        out.push(("barriers", self.barriers.as_str().into()));
        out
    }
}

/// One area's walking coverage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CoverageRow {
    pub area_code: String,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub area_name: Option<String>,
    /// Inhabitants (CBS), where known.
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub population: Option<i64>,
    /// Share (0–1) of the area's weight within `minutes` of a place; points off the network count
    /// as not within.
    pub share_within: f64,
    /// Weighted median walk to the nearest place over the points on the network, minutes; null when
    /// more than half cannot reach a place within 60 minutes.
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub median_minutes: Option<f64>,
    /// The same at the 90th percentile.
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub p90_minutes: Option<f64>,
    /// Destinations (residents' places and known places) inside the area.
    pub places: u32,
    pub weighting: Weighting,
    /// Share (0–1) of the area's weight farther than 150 m from any footpath or street: counted
    /// apart, never as within reach.
    pub share_off_network: f64,
    /// Sample points behind the figures.
    pub sample_points: u32,
    /// The area the sample points stand for, hectares.
    pub area_ha: f64,
    /// Inhabitants on the network but beyond reach (population × (1 − share_within −
    /// share_off_network)), where population is known; those off the network are counted apart.
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub beyond_reach: Option<i64>,
}

/// The sample points of a gemeente's coverage, for drawing it as a grid: each point stands for a
/// square of `size_m` metres around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CoverageGrid {
    /// `[lon, lat, size_m, minutes]`; minutes −1: no place within 60 minutes; −2: not on the network.
    pub cells: Vec<[f64; 4]>,
    /// The destinations that counted, `[lon, lat]`.
    pub places: Vec<[f64; 2]>,
}

/// The coverage page's data: the gemeenten a network covers, and the answer to its question (or why
/// there is none).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CoverageOverview {
    /// `(code, name)` of every gemeente an imported network covers.
    pub gemeenten: Vec<(String, Option<String>)>,
    pub rows: Vec<CoverageRow>,
    /// Why the question has no answer (no areas, no network), in the API's words.
    pub problem: Option<String>,
    /// The residents a barrier must rest on to count (the deployment's k).
    pub k: u32,
}

/// One area's coverage under one profile, with or without residents' barriers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaCoverage {
    pub profile: Profile,
    pub barriers: BarrierMode,
    pub row: CoverageRow,
}

/// A place the municipality imported (`trefpunt import-places`): public, never a resident's entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KnownPlace {
    pub id: String,
    pub category: String,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub name: Option<String>,
    pub location: super::Location,
    pub qualities: Vec<String>,
}

/// Minutes of a grid cell with no place within 60 minutes.
pub const GRID_UNREACHABLE: f64 = -1.0;
/// Minutes of a grid cell off the network.
pub const GRID_OFF_NETWORK: f64 = -2.0;

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
    fn a_question_reads_with_its_defaults_and_lists() {
        let q = CoverageQuery::from_pairs(&pairs(
            "gemeente=GM0363&category=library,community_centre&category=library&quality=step_free",
        ))
        .unwrap();
        assert_eq!(q.level, "buurt");
        assert_eq!(q.minutes, 10);
        assert_eq!(q.categories, vec!["community_centre", "library"]);
        assert_eq!(q.qualities, vec!["step_free"]);
        assert_eq!(q.profile, Profile::Default);
        assert_eq!(q.barriers, BarrierMode::Count);
        let back: Vec<(String, String)> = q
            .to_pairs()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(CoverageQuery::from_pairs(&back).unwrap(), q);
    }

    #[test]
    fn wrong_questions_name_their_field() {
        for (q, field) in [
            ("level=buurt", "gemeente"),
            ("gemeente=BU0363", "gemeente"),
            ("gemeente=GM03x3", "gemeente"),
            ("gemeente=GM0363&minutes=0", "minutes"),
            ("gemeente=GM0363&minutes=61", "minutes"),
            ("gemeente=GM0363&minutes=ten", "minutes"),
            ("gemeente=GM0363&category=steps", "category"),
            ("gemeente=GM0363&quality=cheap", "quality"),
            ("gemeente=GM0363&profile=fast", "profile"),
            ("gemeente=GM0363&barriers=some", "barriers"),
            ("gemeente=GM0363&level=land", "level"),
        ] {
            assert_eq!(
                CoverageQuery::from_pairs(&pairs(q)).unwrap_err().field,
                field,
                "{q}"
            );
        }
    }
}
