//! Storage: SQLite (embedded, the default) or PostgreSQL (several servers sharing one database),
//! through sqlx's `Any` driver with one set of statements (see [`dialect`]). On SQLite every write
//! goes through one writer connection, so concurrent writes queue instead of failing with
//! SQLITE_BUSY, while reads use a pool of their own. New submissions are committed in batches
//! ([`ingest`]).

mod areas;
mod campaigns;
mod community;
mod db;
pub mod dialect;
mod events;
pub mod ingest;
mod merge;
mod own;
mod photos;
mod staff;
mod staff_entries;
mod status_changes;
mod survey;
mod talents;
mod tx;
mod upgrade;
pub mod walking;

pub use campaigns::{AgeBandRow, Answered, MeToo};
pub use community::{source_kind, NewLink, NewNode, Written};
pub use db::{EntryDetails, Moderated, Store};
pub use dialect::Backend;
pub use merge::{Candidate, Merge};
pub use staff::{AuditEntry, SessionUser, StaffUser};
pub use staff_entries::{like_anywhere, StaffEntryRow, StaffFilter};
pub use status_changes::StatusChangeRow;
pub use survey::SurveyText;
pub use talents::WishRow;

use app::model::{Kind, PublicEntry, Receipt};

/// Storage failures. Callers answer 503 for an [`Outage`] (see [`StoreError::outage`]), else 500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store cannot take work right now (its writer stopped while shutting down).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value this version cannot read (hand-edited, from a newer version, or corrupt).
    #[error("stored data is unreadable: {0}")]
    Unreadable(String),
    #[error("cannot open database at {url}: {reason}")]
    Open { url: String, reason: String },
    /// What the caller read before its transaction changed meanwhile (another import of the areas):
    /// nothing was written; doing it again reads the new state.
    #[error("{0}")]
    Changed(&'static str),
    /// A bug: a caller asked for something that cannot be, or a computation panicked.
    #[error("internal: {0}")]
    Internal(String),
}

/// Why the database cannot do its work for now; retrying later may succeed, so APIs answer 503
/// and nothing already stored is touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// Locked, out of connections, or a transaction lost a race: seconds.
    Busy,
    /// The disk is full.
    DiskFull,
    /// The database, its file or its disk takes no writes (read-only file system, a file made
    /// immutable, a PostgreSQL standby or `default_transaction_read_only`), or writing failed.
    ReadOnly,
    /// The database server does not answer, or the connection broke.
    Unreachable,
}

impl Outage {
    /// What a client is told (the cause itself goes to the log).
    pub fn message(self) -> &'static str {
        match self {
            Outage::Busy => "the database is busy; nothing was changed, try again in a few seconds",
            Outage::DiskFull => "the server's disk is full; nothing was changed, try again later",
            Outage::ReadOnly => {
                "the database takes no changes right now; nothing was changed, try again later"
            }
            Outage::Unreachable => {
                "the database cannot be reached; nothing was changed, try again shortly"
            }
        }
    }

    /// Seconds a client should wait before trying again (`Retry-After`).
    pub fn retry_after(self) -> u32 {
        match self {
            Outage::Busy | Outage::Unreachable => 5,
            Outage::DiskFull | Outage::ReadOnly => 30,
        }
    }
}

impl StoreError {
    /// The outage behind this error, if retrying later may succeed.
    pub fn outage(&self) -> Option<Outage> {
        match self {
            StoreError::Unavailable(_) => Some(Outage::Unreachable),
            StoreError::Database(e) => outage_of(e),
            StoreError::Migrate(sqlx::migrate::MigrateError::Execute(e)) => outage_of(e),
            _ => None,
        }
    }
}

fn outage_of(e: &sqlx::Error) -> Option<Outage> {
    match e {
        sqlx::Error::PoolTimedOut => Some(Outage::Busy),
        sqlx::Error::Io(_) | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => {
            Some(Outage::Unreachable)
        }
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                postgres_outage(&code)
            } else {
                sqlite_outage(&code)
            }
        }
        _ => None,
    }
}

/// SQLite's primary result code is the low byte of the (extended) code sqlx reports.
fn sqlite_outage(code: &str) -> Option<Outage> {
    match code.parse::<i32>().map_or(0, |c| c & 0xff) {
        5 | 6 => Some(Outage::Busy),  // SQLITE_BUSY, SQLITE_LOCKED
        13 => Some(Outage::DiskFull), // SQLITE_FULL
        // SQLITE_READONLY; SQLITE_IOERR (a write the OS refused: EPERM, EIO); SQLITE_CANTOPEN
        8 | 10 | 14 => Some(Outage::ReadOnly),
        _ => None,
    }
}

/// PostgreSQL's SQLSTATE: class 08 connection, 53 resources, 57P operator intervention.
fn postgres_outage(sqlstate: &str) -> Option<Outage> {
    match sqlstate {
        "53100" => Some(Outage::DiskFull),
        "25006" => Some(Outage::ReadOnly), // read_only_sql_transaction (standby, read-only setting)
        "40001" | "40P01" | "55P03" | "53200" | "53300" | "57014" => Some(Outage::Busy),
        s if s.starts_with("08") || s.starts_with("57P") => Some(Outage::Unreachable),
        _ => None,
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
    /// The kind's own fields as stored (JSON); the exports read them with [`EntryDetails`].
    pub details: String,
}

/// What the public map asks for.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub bbox: Option<app::model::Bbox>,
    pub kind: Option<Kind>,
    pub status: Option<app::model::Status>,
    /// Only places with every one of these qualities.
    pub quality: Vec<String>,
    pub limit: u32,
}

pub(crate) type Entries = Vec<PublicEntry>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_codes_name_their_outage_by_primary_code() {
        assert_eq!(sqlite_outage("13"), Some(Outage::DiskFull));
        assert_eq!(
            sqlite_outage("778"),
            Some(Outage::ReadOnly),
            "SQLITE_IOERR_WRITE"
        );
        assert_eq!(
            sqlite_outage("1032"),
            Some(Outage::ReadOnly),
            "SQLITE_READONLY_DBMOVED"
        );
        assert_eq!(
            sqlite_outage("517"),
            Some(Outage::Busy),
            "SQLITE_BUSY_SNAPSHOT"
        );
        assert_eq!(
            sqlite_outage("2067"),
            None,
            "a unique constraint is no outage"
        );
        assert_eq!(sqlite_outage(""), None);
    }

    #[test]
    fn postgres_states_name_their_outage() {
        assert_eq!(postgres_outage("53100"), Some(Outage::DiskFull));
        assert_eq!(postgres_outage("25006"), Some(Outage::ReadOnly));
        assert_eq!(postgres_outage("08006"), Some(Outage::Unreachable));
        assert_eq!(postgres_outage("57P01"), Some(Outage::Unreachable));
        assert_eq!(postgres_outage("40001"), Some(Outage::Busy));
        assert_eq!(
            postgres_outage("23505"),
            None,
            "a unique violation is a bug, not an outage"
        );
        assert_eq!(
            postgres_outage("13"),
            None,
            "SQLite's codes mean nothing here"
        );
    }
}
