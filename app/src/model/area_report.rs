//! The printable area report (`/inzicht/gebied/{code}/rapport`): one area on a few A4 pages for a
//! wijk meeting or the council. Everything in it is what the public pages release (the profile,
//! walking coverage, survey results, "you said, we did", the map's public positions), under the
//! same suppression.

use serde::{Deserialize, Serialize};

use super::{AreaChanges, AreaCoverage, AreaProfile, Kind, SurveyResults};

/// A map of the area drawn by the server: its outline and the entries at their public positions,
/// already projected into a `width` × `height` box (no tiles, no script).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportMap {
    pub width: u32,
    pub height: u32,
    /// SVG path data of the area's outline.
    pub outline: String,
    pub dots: Vec<MapDot>,
    /// 1 km in the map's units, for the scale bar.
    pub km: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapDot {
    pub x: f64,
    pub y: f64,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaReport {
    pub profile: AreaProfile,
    pub map: ReportMap,
    pub coverage: Vec<AreaCoverage>,
    /// The newest of "you said, we did" (at most [`REPORT_CHANGES`] entries).
    pub changes: AreaChanges,
    /// Survey results in this area of the campaigns that asked here and released something.
    pub surveys: Vec<SurveyResults>,
    /// The smallest number of residents a released figure rests on.
    pub k: u64,
    /// The (Dutch) day the report was made: the figures are of everything up to it.
    pub day: String,
}

/// The most entries of "you said, we did" a report lists (the newest).
pub const REPORT_CHANGES: usize = 12;
