//! "You said, we did" (`/inzicht/gebied/{code}/gedaan`): what staff did with the entries of one
//! area, each change of status with its note and day.

use serde::{Deserialize, Serialize};

use super::{AreaSummary, Kind, Status};

/// One change of an entry's status, as the public sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The (Dutch) day of the change: a staff member's act, not the resident's.
    pub day: String,
    pub status: Status,
}

/// An entry staff did something with, and what, newest change first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangedEntry {
    pub id: String,
    pub kind: Kind,
    pub category: String,
    /// The month it was made (`YYYY-MM`), as its public page says.
    pub month: String,
    /// Staff's current note (one they corrected or removed is not kept).
    pub note: Option<String>,
    pub changes: Vec<StatusChange>,
}

/// One area's "you said, we did".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaChanges {
    pub area: AreaSummary,
    /// Entries by the day of their newest change, newest first; within a day by id.
    pub entries: Vec<ChangedEntry>,
}
