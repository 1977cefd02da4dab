//! Kinds, categories and the fixed option lists of the API contract (docs/api.md).
//!
//! Identifiers are stable English snake_case; labels live in the translations.

use serde::{Deserialize, Serialize};

/// What a resident adds to the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Kind {
    Place,
    Barrier,
    Wish,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Place, Kind::Barrier, Kind::Wish];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Place => "place",
            Kind::Barrier => "barrier",
            Kind::Wish => "wish",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The category ids of this kind in the default catalog, in display order.
    pub fn categories(self) -> &'static [&'static str] {
        match self {
            Kind::Place => PLACE_CATEGORIES,
            Kind::Barrier => BARRIER_CATEGORIES,
            Kind::Wish => WISH_CATEGORIES,
        }
    }
}

pub const PLACE_CATEGORIES: &[&str] = &[
    "community_centre",
    "library",
    "playground",
    "bench",
    "park_square",
    "sports_club",
    "place_of_worship",
    "cafe_restaurant",
    "school",
    "shop",
    "other",
];

pub const PHYSICAL_BARRIERS: &[&str] = &[
    "steps",
    "no_ramp",
    "narrow_pavement",
    "poor_lighting",
    "dangerous_crossing",
    "no_toilet",
    "no_seating",
    "too_far",
];

pub const SOCIAL_BARRIERS: &[&str] = &[
    "costs_money",
    "language",
    "unwelcome",
    "opening_hours",
    "feels_unsafe",
    "unknown_place",
];

/// Physical first, then social, then `other`: the order the form shows them in.
pub const BARRIER_CATEGORIES: &[&str] = &[
    "steps",
    "no_ramp",
    "narrow_pavement",
    "poor_lighting",
    "dangerous_crossing",
    "no_toilet",
    "no_seating",
    "too_far",
    "costs_money",
    "language",
    "unwelcome",
    "opening_hours",
    "feels_unsafe",
    "unknown_place",
    "other",
];

pub const WISH_CATEGORIES: &[&str] = &[
    "meeting_place",
    "activity",
    "green_play",
    "traffic_safety",
    "care_support",
    "sport_health",
    "other",
];

/// What makes a meeting place low-threshold.
pub const PLACE_QUALITIES: &[&str] = &[
    "free",
    "no_membership",
    "open_evenings_weekends",
    "step_free",
    "toilet",
    "seating",
];

/// Who a barrier stops.
pub const BARRIER_AFFECTS: &[&str] = &[
    "children",
    "youth",
    "elderly",
    "wheelchair_walker",
    "buggy",
    "visually_impaired",
    "newcomers",
    "low_income",
    "everyone",
];

/// Whether a barrier is physical (it has a place) or social (it may not).
pub fn is_physical_barrier(category: &str) -> bool {
    PHYSICAL_BARRIERS.contains(&category)
}

/// Where an entry was collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Source {
    Web,
    Event,
    Paper,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::Web, Source::Event, Source::Paper];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Web => "web",
            Source::Event => "event",
            Source::Paper => "paper",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What became of a barrier or wish: residents see it on the map and on the entry's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Status {
    /// Ontvangen.
    #[default]
    Received,
    /// In behandeling.
    InProgress,
    /// Opgepakt.
    TakenUp,
    /// Afgerond.
    Done,
    /// Niet mogelijk.
    NotPossible,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Received,
        Status::InProgress,
        Status::TakenUp,
        Status::Done,
        Status::NotPossible,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::InProgress => "in_progress",
            Status::TakenUp => "taken_up",
            Status::Done => "done",
            Status::NotPossible => "not_possible",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The campaign every fresh database has.
pub const DEFAULT_CAMPAIGN: &str = "default";

/// The Netherlands' bounding box (WGS84): a location outside it is a typo or a wrong sign.
pub const NL_BBOX: Bbox = Bbox {
    min_lon: 3.2,
    min_lat: 50.7,
    max_lon: 7.3,
    max_lat: 53.6,
};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Bbox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl Bbox {
    /// Edges count as inside.
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        (self.min_lon..=self.max_lon).contains(&lon) && (self.min_lat..=self.max_lat).contains(&lat)
    }

    /// Parses `min_lon,min_lat,max_lon,max_lat` as used by `?bbox=`.
    pub fn parse(s: &str) -> Option<Bbox> {
        let v: Vec<f64> = s
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .ok()?;
        match v[..] {
            [min_lon, min_lat, max_lon, max_lat]
                if v.iter().all(|x| x.is_finite()) && min_lon <= max_lon && min_lat <= max_lat =>
            {
                Some(Bbox {
                    min_lon,
                    min_lat,
                    max_lon,
                    max_lat,
                })
            }
            _ => None,
        }
    }
}

/// URL slugs of the three forms (Dutch, like the rest of the residents' URLs).
pub fn kind_slug(kind: Kind) -> &'static str {
    match kind {
        Kind::Place => "plek",
        Kind::Barrier => "drempel",
        Kind::Wish => "wens",
    }
}

pub fn kind_from_slug(slug: &str) -> Option<Kind> {
    Kind::ALL.into_iter().find(|k| kind_slug(*k) == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn barrier_categories_are_physical_then_social_then_other() {
        let joined: Vec<&str> = PHYSICAL_BARRIERS
            .iter()
            .chain(SOCIAL_BARRIERS)
            .chain(&["other"])
            .copied()
            .collect();
        assert_eq!(joined, BARRIER_CATEGORIES);
    }

    #[test]
    fn kind_round_trips() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("Place"), None);
    }

    #[test]
    fn bbox_parse_rejects_inverted_and_short() {
        assert!(Bbox::parse("4,51,5,52").is_some());
        assert!(Bbox::parse("5,51,4,52").is_none());
        assert!(Bbox::parse("4,51,5").is_none());
        assert!(Bbox::parse("4,51,5,NaN").is_none());
    }
}
