//! Storage. SQLite (embedded, the default) through sqlx; every write goes through one writer
//! connection, so concurrent submissions queue instead of failing with SQLITE_BUSY, while reads use
//! a pool of their own.

mod campaigns;
mod events;
mod merge;
mod own;
mod photos;
mod sqlite;
mod staff;

pub use sqlite::SqliteStore as Store;
pub use campaigns::{Answered, MeToo};
pub use merge::{Candidate, Merge};
pub use staff::{split_codes, AuditEntry, QueuedText, SessionUser, StaffUser};

use app::model::{Kind, PublicEntry, Receipt};

/// Storage failures. Callers map these to 503 (busy, disk full, read-only) or 500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value this version cannot read (hand-edited or from a newer version).
    #[error("stored data is unreadable: {0}")]
    Unreadable(String),
    #[error("cannot open database at {url}: {reason}")]
    Open { url: String, reason: String },
}

impl StoreError {
    /// True when retrying later may succeed (locked, full or read-only database): an API answers 503.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Unavailable(_) => true,
            StoreError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_)) => true,
            StoreError::Database(sqlx::Error::Database(e)) => {
                // SQLITE_BUSY 5, SQLITE_LOCKED 6, SQLITE_READONLY 8, SQLITE_IOERR 10, SQLITE_FULL 13
                let code = e.code().unwrap_or_default();
                let primary = code.parse::<i32>().map(|c| c & 0xff).unwrap_or(0);
                matches!(primary, 5 | 6 | 8 | 10 | 13)
            }
            _ => false,
        }
    }
}

/// The result of storing a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    Created(Receipt),
    /// The same id with the same body was stored before.
    Replayed(Receipt),
    /// The same id with another body.
    Conflict,
    /// The id was deleted.
    Gone,
    UnknownCampaign,
}

/// An area as stored: its shape as GeoJSON text.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredArea {
    pub code: String,
    pub level: String,
    pub name: Option<String>,
    pub population: Option<i64>,
    pub year: Option<i64>,
    pub shape: String,
}

/// An area's name and inhabitants, without its shape.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AreaFacts {
    pub code: String,
    pub level: String,
    pub name: Option<String>,
    pub population: Option<i64>,
    pub year: Option<i64>,
}

/// One gemeente's entries for its aggregate tables, as of `revision`.
#[derive(Debug, Clone, Default)]
pub struct GemeenteRecords {
    pub revision: i64,
    pub all: Vec<crate::domain::aggregate::Record>,
    /// The wishes among them that offer a talent.
    pub talents: Vec<crate::domain::aggregate::Record>,
}

/// One entry as staff export it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RawRow {
    pub id: String,
    pub created_at: String,
    pub kind: String,
    pub category: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub gemeente: Option<String>,
    pub wijk: Option<String>,
    pub buurt: Option<String>,
    pub source: String,
    pub campaign: String,
    pub language: String,
    pub status: String,
    pub text: Option<String>,
}

/// What the public map asks for.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub bbox: Option<app::model::Bbox>,
    pub kind: Option<Kind>,
    pub limit: u32,
}

pub(crate) type Entries = Vec<PublicEntry>;
