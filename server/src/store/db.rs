use std::str::FromStr;
use std::time::Duration;

use app::model::{
    AreaCodes, InsightFilter, Kind, Location, Moderation, PublicEntry, Status, Submission,
};
use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::AnyConnection;
use sqlx::{AnyPool, Executor, Row};

use super::dialect::Backend;
pub use super::dialect::NOW;
use super::ingest::Ingest;
use super::tx::WriteTx;
use super::{Entries, EntryFilter, GemeenteRecords, RawRow, StoreError, Stored};
use crate::domain::aggregate::Record;
use crate::domain::calendar::{dutch_month, month_in_netherlands, start_of_dutch_day};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Every SQLite connection: WAL, so readers never wait for the writer; synchronous=FULL, so a
/// commit is on disk before it is acknowledged (kill -9 or a power cut loses nothing answered).
/// `secure_delete`: removed text (retention, an author's change, a deleted entry) is overwritten
/// with zeros in the file instead of lingering in free space until the page is reused.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; \
     PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; PRAGMA journal_size_limit = 67108864;";

/// Empties SQLite's write-ahead log (`wal_checkpoint(TRUNCATE)`): its old frames still hold what
/// was written before a removal, which `secure_delete` cannot reach. Nothing on PostgreSQL, whose
/// log is the server's own (see docs/privacy.md). When readers keep the log busy, the next call
/// finishes the job; `journal_size_limit` meanwhile keeps the log from growing past 64 MiB.
pub(super) async fn truncate_journal(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    if backend == Backend::Sqlite {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(pool)
            .await?;
    }
    Ok(())
}

#[derive(Clone)]
pub struct Store {
    pub(super) backend: Backend,
    /// SQLite: one connection, as SQLite has one writer at a time anyway and queueing here beats
    /// SQLITE_BUSY. PostgreSQL: the same pool as `reader`.
    pub(super) writer: AnyPool,
    pub(super) reader: AnyPool,
    /// New submissions, written in batches (group commit).
    ingest: Ingest,
    /// Campaigns as the write path read them lately.
    pub(super) campaigns: std::sync::Arc<super::campaigns::CampaignCache>,
}

impl Store {
    /// Whether the database answers a read within a second: the readiness check.
    pub async fn ready(&self) -> bool {
        let ping = sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&self.reader);
        matches!(
            tokio::time::timeout(std::time::Duration::from_secs(1), ping).await,
            Ok(Ok(1))
        )
    }

    /// A write transaction (see [`super::tx`] for why not sqlx's own).
    pub(super) async fn write_tx(&self) -> Result<WriteTx, StoreError> {
        WriteTx::begin(&self.writer, self.backend).await
    }

    /// Empties SQLite's write-ahead log, so removed words are gone from it too (see
    /// `truncate_journal` below).
    pub async fn truncate_journal(&self) -> Result<(), StoreError> {
        truncate_journal(&self.writer, self.backend).await
    }

    /// Empties the write-ahead log after a commit that changed or removed residents' words, so the
    /// old text is gone from it at once rather than at the next hourly round (`secure_delete`
    /// clears the file's pages). The words are committed away either way: a failure (readers
    /// holding the log) is logged, and the hourly round tries again.
    pub(super) async fn forget_removed_words(&self) {
        if let Err(e) = self.truncate_journal().await {
            tracing::warn!(error = %e, "write-ahead log not emptied; the hourly round tries again");
        }
    }

    /// The database this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Opens the database at `url` and runs its backend's migrations: `sqlite://path` (created if
    /// needed), `sqlite::memory:` or `postgres://user@host/db`.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let open_err = |reason: String| StoreError::Open {
            url: crate::config::redact_url(url),
            reason,
        };
        let backend = Backend::of_url(url)
            .ok_or_else(|| open_err("use a sqlite:// or postgres:// URL".into()))?;
        let (writer, reader) = match backend {
            Backend::Sqlite => {
                let (writer, reader) = open_sqlite(url).await.map_err(open_err)?;
                SQLITE_MIGRATIONS.run(&writer).await?;
                (writer, reader)
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await
                    .map_err(|e| open_err(e.to_string()))?;
                // Several servers may start at once: sqlx takes an advisory lock around this.
                POSTGRES_MIGRATIONS.run(&pool).await?;
                (pool.clone(), pool)
            }
        };
        super::upgrade::hash_legacy_entries(&writer, backend).await?;
        super::upgrade::fill_public_positions(&writer, backend).await?;
        let ingest = Ingest::start(backend, writer.clone());
        Ok(Store {
            backend,
            writer,
            reader,
            ingest,
            campaigns: Default::default(),
        })
    }

    /// Stores a validated submission with its area codes (found with the index of
    /// `areas_generation`, see `store::areas`) and bumps its gemeente's revision, in one
    /// transaction shared with the other submissions arriving at the same moment (see
    /// [`super::ingest`]). With `accept_new` false (the campaign is outside its period) only a resend
    /// of a stored entry is answered; anything new is `UnknownCampaign`.
    pub async fn submit(
        &self,
        s: &Submission,
        areas: &AreaCodes,
        areas_generation: i64,
        accept_new: bool,
    ) -> Result<Stored, StoreError> {
        self.ingest
            .submit(s.clone(), areas.clone(), areas_generation, accept_new)
            .await
    }

    /// Entries for the public map: newest month first, and within a month by id (random), never by
    /// the moment they arrived, which would link one visit's entries. Selected and shown by their
    /// *public* position only (`pub_lon`/`pub_lat`: places exact, barriers and wishes on the 100 m
    /// grid), so moving the box's edges says nothing about where inside its cell an entry lies.
    /// Free text only once a moderator published it.
    pub async fn public_entries(&self, f: &EntryFilter) -> Result<Entries, StoreError> {
        let mut sql = format!("SELECT {PUBLIC_COLUMNS} FROM submissions WHERE hidden = 0");
        if f.kind.is_some() {
            sql.push_str(" AND kind = ?");
        }
        if f.status.is_some() {
            sql.push_str(" AND status = ?");
        }
        // Callers pass known words without repeats; a longer list could only be repeats, and each
        // word costs a condition: never more than there are qualities.
        let quality = &f.quality[..f.quality.len().min(app::model::PLACE_QUALITIES.len())];
        for _ in quality {
            sql.push_str(&format!(
                " AND kind = 'place' AND {}",
                self.backend.json_list_has("details", "qualities")
            ));
        }
        if f.bbox.is_some() {
            sql.push_str(" AND pub_lat BETWEEN ? AND ? AND pub_lon BETWEEN ? AND ?");
        }
        sql.push_str(&format!(" ORDER BY {PUBLIC_ORDER} LIMIT ?"));
        let sql = self.backend.sql(&sql);
        let mut q = sqlx::query(&sql);
        if let Some(k) = f.kind {
            q = q.bind(k.as_str());
        }
        if let Some(s) = f.status {
            q = q.bind(s.as_str());
        }
        for word in quality {
            q = q.bind(word.as_str());
        }
        if let Some(b) = f.bbox {
            q = q
                .bind(b.min_lat)
                .bind(b.max_lat)
                .bind(b.min_lon)
                .bind(b.max_lon);
        }
        let rows = q.bind(i64::from(f.limit)).fetch_all(&self.reader).await?;
        rows.iter().map(public_entry).collect()
    }

    /// Public positions (never exact ones) with their respondent, for building a heatmap: selected
    /// and returned on the public grid. The filter's kind, category, campaign, period and source
    /// narrow them (not its level); the public heatmap never sets campaign or source.
    pub async fn located(
        &self,
        f: &InsightFilter,
        bbox: app::model::Bbox,
    ) -> Result<Vec<(f64, f64, String)>, StoreError> {
        let (clauses, binds) = filter_clauses(self.backend, f);
        let sql = format!(
            "SELECT pub_lon, pub_lat, respondent FROM submissions WHERE hidden = 0 \
             AND pub_lat BETWEEN ? AND ? AND pub_lon BETWEEN ? AND ?{clauses}"
        );
        let sql = self.backend.sql(&sql);
        let mut q = sqlx::query_as(&sql)
            .bind(bbox.min_lat)
            .bind(bbox.max_lat)
            .bind(bbox.min_lon)
            .bind(bbox.max_lon);
        for b in binds {
            q = q.bind(b);
        }
        Ok(q.fetch_all(&self.reader).await?)
    }

    /// Every visible entry the filter selects, as staff may export it (no respondent id).
    pub async fn raw_rows(
        &self,
        f: &InsightFilter,
        scope: &crate::domain::roles::Scope,
    ) -> Result<Vec<RawRow>, StoreError> {
        let (clauses, mut binds) = filter_clauses(self.backend, f);
        let mut sql = format!(
            "SELECT id, created_at, kind, category, lon, lat, gemeente, wijk, buurt, source, campaign, \
             language, status, text, details FROM submissions WHERE hidden = 0{clauses} {}",
            super::staff::scope_clause(scope)
        );
        if let crate::domain::roles::Scope::Gemeenten(codes) = scope {
            binds.extend(codes.iter().cloned());
        }
        sql.push_str(" ORDER BY created_at, id");
        let sql = self.backend.sql(&sql);
        let mut q = sqlx::query_as(&sql);
        for b in binds {
            q = q.bind(b);
        }
        Ok(q.fetch_all(&self.reader).await?)
    }

    /// One visible entry as the public sees it.
    pub async fn entry(&self, id: &str) -> Result<Option<PublicEntry>, StoreError> {
        let row = sqlx::query(&self.backend.sql(&format!(
            "SELECT {PUBLIC_COLUMNS} FROM submissions WHERE id = ? AND hidden = 0"
        )))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        row.as_ref().map(public_entry).transpose()
    }

    /// Applies a moderator's change (already checked against the entry's kind by the caller): only
    /// what differs from the entry as it is now (see [`crate::domain::moderation::effective`]), with
    /// the gemeente's revision bumped when what counts changed, a status change kept for "you said,
    /// we did", and the audit row, all in one transaction. `Ok(None)` for an unknown id.
    pub async fn moderate(
        &self,
        id: &str,
        m: &Moderation,
        who: &super::SessionUser,
        source: Option<&str>,
    ) -> Result<Option<Moderated>, StoreError> {
        use crate::domain::moderation::{effective, Current, Outcome};
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(&self.backend.sql(
            "SELECT gemeente, hidden, status, status_note, category, merged_into, text_removed_at, \
             text, reply, text_public, reply_public, talent_public, confirmed, \
             (SELECT public FROM photos p WHERE p.submission = submissions.id) AS photo_public \
             FROM submissions WHERE id = ?",
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let gemeente: Option<String> = row.try_get("gemeente")?;
        let current = Current {
            status: Status::parse(&row.try_get::<String, _>("status")?).unwrap_or_default(),
            status_note: row.try_get("status_note")?,
            category: row.try_get("category")?,
            hidden: row.try_get::<i64, _>("hidden")? == 1,
            merged: row.try_get::<Option<String>, _>("merged_into")?.is_some(),
            // Retention or a merge removed the resident's words: none are written again.
            words_removed: row
                .try_get::<Option<String>, _>("text_removed_at")?
                .is_some()
                || row.try_get::<Option<String>, _>("merged_into")?.is_some(),
            text: row.try_get("text")?,
            reply: row.try_get("reply")?,
            text_public: row.try_get::<i64, _>("text_public")? == 1,
            reply_public: row.try_get::<i64, _>("reply_public")? == 1,
            talent_public: row.try_get::<i64, _>("talent_public")? == 1,
            photo_public: row
                .try_get::<Option<i64>, _>("photo_public")?
                .map(|p| p == 1),
            confirmed: row.try_get::<i64, _>("confirmed")? == 1,
        };
        let m = match effective(m, &current) {
            Outcome::Apply(m) => m,
            Outcome::Stale => return Ok(Some(Moderated::Stale)),
        };
        // Nothing differs from the entry as it is: nothing to write, nothing to log.
        if m == Moderation::default() {
            return Ok(Some(Moderated::Applied));
        }
        if let Some(st) = m.status {
            sqlx::query(&self.backend.sql(&format!(
                "UPDATE submissions SET status = ?, status_at = {NOW} WHERE id = ?"
            )))
            .bind(st.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            // "You said, we did": the change of status, at the moment staff made it.
            sqlx::query(&self.backend.sql(&format!(
                "INSERT INTO status_changes (submission, status, at) VALUES (?, ?, {NOW})"
            )))
            .bind(id)
            .bind(st.as_str())
            .execute(&mut *tx)
            .await?;
        }
        let text_or_null = |t: &Option<String>| t.clone().filter(|t| !t.is_empty());
        if let Some(note) = &m.status_note {
            self.set_column(
                &mut tx,
                id,
                "status_note",
                text_or_null(&Some(note.clone())),
            )
            .await?;
        }
        if let Some(h) = m.hidden {
            self.set_flag(&mut tx, id, "hidden", h).await?;
        }
        if let Some(c) = &m.category {
            self.set_column(&mut tx, id, "category", Some(c.clone()))
                .await?;
            // A confirmation is of what staff saw: another category was not confirmed.
            if m.confirmed.is_none() {
                self.set_flag(&mut tx, id, "confirmed", false).await?;
            }
        }
        if let Some(t) = &m.text {
            // Removing personal data: the hash of the words as sent goes with them.
            sqlx::query(
                &self
                    .backend
                    .sql("UPDATE submissions SET content_hash = '', text = ? WHERE id = ?"),
            )
            .bind(text_or_null(&Some(t.clone())))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(p) = m.text_public {
            self.set_flag(&mut tx, id, "text_public", p).await?;
        }
        if let Some(r) = &m.reply {
            self.set_column(&mut tx, id, "reply", text_or_null(&Some(r.clone())))
                .await?;
        }
        if let Some(p) = m.reply_public {
            self.set_flag(&mut tx, id, "reply_public", p).await?;
        }
        if let Some(p) = m.talent_public {
            self.set_flag(&mut tx, id, "talent_public", p).await?;
        }
        if let Some(c) = m.confirmed {
            self.set_flag(&mut tx, id, "confirmed", c).await?;
        }
        if let Some(p) = m.photo_public {
            sqlx::query(
                &self
                    .backend
                    .sql("UPDATE photos SET public = ? WHERE submission = ?"),
            )
            .bind(i64::from(p))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        // Hiding or re-categorising changes the figures. (Walking coverage keys its cache by what
        // it reads, so a confirmation or a barrier marked done needs no revision.)
        let counts_changed = m.category.is_some() || m.hidden.is_some();
        if let (true, Some(g)) = (counts_changed, &gemeente) {
            self.bump_revision(&mut tx, g).await?;
        }
        let changed = crate::domain::moderation::fields(&m).join(", ");
        let detail = match source {
            Some(s) => format!("{id}: {changed} ({s})"),
            None => format!("{id}: {changed}"),
        };
        self.audit_in(&mut tx, who, "moderate", &detail).await?;
        tx.commit().await?;
        self.forget_removed_words().await;
        Ok(Some(Moderated::Applied))
    }

    /// One text column of an entry (a name from this file, never from input).
    async fn set_column(
        &self,
        tx: &mut AnyConnection,
        id: &str,
        column: &'static str,
        value: Option<String>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            &self
                .backend
                .sql(&format!("UPDATE submissions SET {column} = ? WHERE id = ?")),
        )
        .bind(value)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// One 0/1 column of an entry (a name from this file, never from input).
    async fn set_flag(
        &self,
        tx: &mut AnyConnection,
        id: &str,
        column: &'static str,
        value: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            &self
                .backend
                .sql(&format!("UPDATE submissions SET {column} = ? WHERE id = ?")),
        )
        .bind(i64::from(value))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// The kind of an entry, for checking a moderator's change before applying it.
    /// An entry's kind and gemeente (which staff may moderate it).
    pub async fn entry_kind(&self, id: &str) -> Result<Option<(Kind, Option<String>)>, StoreError> {
        let row: Option<(String, Option<String>)> = sqlx::query_as(
            &self
                .backend
                .sql("SELECT kind, gemeente FROM submissions WHERE id = ?"),
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.and_then(|(k, g)| Some((Kind::parse(&k)?, g))))
    }

    /// Rows in one of the tables (tests and operators checking a database after a crash).
    pub async fn count_table(&self, table: &str) -> Result<i64, StoreError> {
        let table = match table {
            "submissions" => "submissions",
            "area_revisions" => "area_revisions",
            "tombstones" => "tombstones",
            "survey_responses" => "survey_responses",
            "photos" => "photos",
            "status_changes" => "status_changes",
            "community_nodes" => "community_nodes",
            "community_links" => "community_links",
            "activity_origins" => "activity_origins",
            other => {
                return Err(StoreError::Internal(format!(
                    "count_table: no table {other}"
                )))
            }
        };
        Ok(
            sqlx::query_scalar(&self.backend.sql(&format!("SELECT count(*) FROM {table}")))
                .fetch_one(&self.reader)
                .await?,
        )
    }

    /// The gemeenten that have (or had) entries, with their revision.
    pub async fn revisions(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            &self
                .backend
                .sql("SELECT gemeente, revision FROM area_revisions ORDER BY gemeente"),
        )
        .fetch_all(&self.reader)
        .await?)
    }

    /// The visible entries of one gemeente as the aggregate tables need them, and the revision they
    /// are of (read in one transaction, so they agree): every entry, and the wishes offering a talent.
    pub async fn gemeente_records(
        &self,
        gemeente: &str,
        keys: &crate::domain::cell_key::CellKeys,
    ) -> Result<GemeenteRecords, StoreError> {
        type Row = (
            Option<String>,
            Option<String>,
            String,
            String,
            String,
            String,
            String,
            String,
            i64,
        );
        const COLUMNS: &str =
            "SELECT wijk, buurt, kind, category, campaign, created_at, respondent, details, \
             details_public FROM submissions WHERE gemeente = ? AND hidden = 0";
        let mut tx = self.reader.begin().await?;
        let revision: Option<i64> = sqlx::query_scalar(
            &self
                .backend
                .sql("SELECT revision FROM area_revisions WHERE gemeente = ?"),
        )
        .bind(gemeente)
        .fetch_optional(&mut *tx)
        .await?;
        let all: Vec<Row> = sqlx::query_as(&self.backend.sql(COLUMNS))
            .bind(gemeente)
            .fetch_all(&mut *tx)
            .await?;
        let talents: Vec<Row> = sqlx::query_as(&self.backend.sql(&format!(
            "{COLUMNS} AND kind = 'wish' AND coalesce({}, '') != ''",
            self.backend.json_text("details", "talent")
        )))
        .bind(gemeente)
        .fetch_all(&mut *tx)
        .await?;
        // Each "ik ook" counts as an entry of its respondent in the entry's cell, its month
        // included: the public list shows each entry's month and how many said "ik ook", not when
        // they said it, so the counts stay what the list shows.
        let me_too: Vec<Row> = sqlx::query_as(&self.backend.sql(
            "SELECT s.wijk, s.buurt, s.kind, s.category, s.campaign, s.created_at, m.respondent, \
             s.details, s.details_public FROM me_too m JOIN submissions s ON s.id = m.submission \
             WHERE s.gemeente = ? AND s.hidden = 0",
        ))
        .bind(gemeente)
        .fetch_all(&mut *tx)
        .await?;
        let mut all = all;
        all.extend(me_too);
        tx.commit().await?;
        let records = |rows: Vec<Row>| -> Vec<Record> {
            rows.into_iter()
                .filter_map(
                    |(wijk, buurt, kind, category, campaign, at, respondent, details, public)| {
                        let kind = Kind::parse(&kind)?;
                        Some(Record {
                            facets: record_facets(
                                kind,
                                &EntryDetails::read(kind, &details).public(public == 1),
                            ),
                            wijk,
                            buurt,
                            kind,
                            category,
                            campaign,
                            month: dutch_month(&at)?,
                            respondent_key: keys.respondent(&respondent),
                            respondent,
                        })
                    },
                )
                .collect()
        };
        Ok(GemeenteRecords {
            revision: revision.unwrap_or(0),
            all: records(all),
            talents: records(talents),
        })
    }

    /// The meeting places in an area (any level), as the public map shows them.
    pub async fn places_in(&self, code: &str) -> Result<Entries, StoreError> {
        let rows = sqlx::query(&self.backend.sql(&format!(
            "SELECT {PUBLIC_COLUMNS} FROM submissions \
             WHERE kind = 'place' AND hidden = 0 AND (buurt = ?1 OR wijk = ?1 OR gemeente = ?1) \
             ORDER BY category, id",
        )))
        .bind(code)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(public_entry).collect()
    }

    /// The months of the first and the last entry (for the period filter's choices).
    pub async fn month_span(&self) -> Result<Option<(String, String)>, StoreError> {
        let row: (Option<String>, Option<String>) =
            // Two subqueries: each is one step along the created_at index, where a single
            // `SELECT min(..), max(..)` would scan the table.
            sqlx::query_as(&self.backend.sql(
                "SELECT (SELECT min(created_at) FROM submissions), (SELECT max(created_at) FROM submissions)",
            ))
                .fetch_one(&self.reader)
                .await?;
        Ok(row.0.zip(row.1))
    }

    /// The ids of every campaign.
    pub async fn campaigns(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            &self
                .backend
                .sql("SELECT id FROM campaigns ORDER BY created_at, id"),
        )
        .fetch_all(&self.reader)
        .await?)
    }

    /// Stores CBS key figures, replacing earlier figures of the same codes, in one transaction.
    pub async fn import_population(
        &self,
        rows: &[crate::import::population::PopulationRow],
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        for r in rows {
            let [a, b, c, d, e] = r.age_bands;
            sqlx::query(&self.backend.sql(&format!(
                "INSERT INTO population (code, inhabitants, age_0_14, age_15_24, age_25_44, age_45_64, \
                 age_65_plus, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, {NOW}) \
                 ON CONFLICT (code) DO UPDATE SET inhabitants = excluded.inhabitants, \
                 age_0_14 = excluded.age_0_14, age_15_24 = excluded.age_15_24, age_25_44 = excluded.age_25_44, \
                 age_45_64 = excluded.age_45_64, age_65_plus = excluded.age_65_plus, \
                 imported_at = excluded.imported_at"
            )))
            .bind(&r.code)
            .bind(r.inhabitants)
            .bind(a)
            .bind(b)
            .bind(c)
            .bind(d)
            .bind(e)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Marks a gemeente's figures changed, inside the caller's transaction.
    pub(super) async fn bump_revision(
        &self,
        conn: &mut AnyConnection,
        gemeente: &str,
    ) -> Result<(), StoreError> {
        bump_revision(conn, self.backend, gemeente).await
    }

    /// Runs SQLite's integrity check; `Ok(())` when the file is sound. PostgreSQL checks its own
    /// pages and WAL: there it is whether the database answers.
    pub async fn integrity_check(&self) -> Result<(), StoreError> {
        let check = match self.backend {
            Backend::Sqlite => "PRAGMA integrity_check",
            Backend::Postgres => "SELECT 'ok'",
        };
        let r: String = sqlx::query_scalar(check).fetch_one(&self.writer).await?;
        if r == "ok" {
            Ok(())
        } else {
            Err(StoreError::Unreadable(format!("integrity check: {r}")))
        }
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

/// The SQL conditions (each starting with " AND ") and their values for an aggregate filter's
/// groups affected, qualities, kind, category, campaign, source, gemeente and period; its level does
/// not narrow rows.
fn filter_clauses(backend: Backend, f: &InsightFilter) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut binds = Vec::new();
    if let Some(a) = &f.affects {
        // Groups only where the entry was made once they were public (migration 0019).
        sql.push_str(&format!(
            " AND details_public = 1 AND {}",
            backend.json_list_has("details", "affects")
        ));
        binds.push(a.clone());
    }
    for q in &f.quality {
        sql.push_str(&format!(
            " AND {}",
            backend.json_list_has("details", "qualities")
        ));
        binds.push(q.clone());
    }
    let equal = [
        ("kind", f.kind.map(|k| k.as_str().to_string())),
        ("category", f.category.clone()),
        ("campaign", f.campaign.clone()),
        ("source", f.source.map(|s| s.as_str().to_string())),
        ("gemeente", f.gemeente.clone()),
    ];
    for (column, value) in equal {
        if let Some(v) = value {
            sql.push_str(&format!(" AND {column} = ?"));
            binds.push(v);
        }
    }
    // The period's first and next-after-last Dutch days, as the moments they begin.
    if let Some((from, to)) = f.period.bounds() {
        let start = |day: String| {
            app::model::Day::parse(&day)
                .and_then(start_of_dutch_day)
                .unwrap_or(day)
        };
        sql.push_str(" AND created_at >= ? AND created_at < ?");
        binds.extend([start(from), start(to)]);
    }
    (sql, binds)
}

/// Marks a gemeente's figures changed (its cached tables are rebuilt on the next read).
/// Marks every gemeente's figures changed, inside the caller's transaction: what may be released
/// changed for all of them (areas imported, a campaign's k).
pub(super) async fn bump_every_revision(conn: &mut AnyConnection) -> Result<(), StoreError> {
    sqlx::query("UPDATE area_revisions SET revision = revision + 1")
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) async fn bump_revision(
    conn: &mut AnyConnection,
    backend: Backend,
    gemeente: &str,
) -> Result<(), StoreError> {
    sqlx::query(&backend.sql(
        "INSERT INTO area_revisions (gemeente, revision) VALUES (?, 1) \
         ON CONFLICT (gemeente) DO UPDATE SET revision = area_revisions.revision + 1",
    ))
    .bind(gemeente)
    .execute(conn)
    .await?;
    Ok(())
}

/// The writer pool (one connection) and the read-only pool of a SQLite database. In memory, the
/// two are one connection: such a database exists once per connection.
async fn open_sqlite(url: &str) -> Result<(AnyPool, AnyPool), String> {
    let file = SqliteConnectOptions::from_str(url).map_err(|e| e.to_string())?;
    if let Some(dir) = file
        .get_filename()
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let with_mode = |mode: &str| match url.contains('?') {
        true => format!("{url}&mode={mode}"),
        false => format!("{url}?mode={mode}"),
    };
    let in_memory = url.contains(":memory:");
    // No ping before handing out a connection: an embedded database's connection does not go
    // stale, and the ping was a round trip to its thread on every read and write.
    let writer = AnyPoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute(SQLITE_PRAGMAS).await?;
                conn.execute("PRAGMA journal_mode = WAL").await?;
                Ok(())
            })
        })
        .connect(&if in_memory {
            url.to_string()
        } else {
            with_mode("rwc")
        })
        .await
        .map_err(|e| e.to_string())?;
    if in_memory {
        return Ok((writer.clone(), writer));
    }
    let reader = AnyPoolOptions::new()
        .max_connections(8)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _| {
            Box::pin(async move { conn.execute(SQLITE_PRAGMAS).await.map(drop) })
        })
        .connect(&with_mode("ro"))
        .await
        .map_err(|e| e.to_string())?;
    Ok((writer, reader))
}

fn public_entry(row: &sqlx::any::AnyRow) -> Result<PublicEntry, StoreError> {
    let kind_s: String = row.try_get("kind")?;
    let kind =
        Kind::parse(&kind_s).ok_or_else(|| StoreError::Unreadable(format!("kind {kind_s}")))?;
    // The public position only (see `domain::privacy::public_position`): the exact one of a barrier
    // or wish is never read for the public.
    let lon: Option<f64> = row.try_get("pub_lon")?;
    let lat: Option<f64> = row.try_get("pub_lat")?;
    let location = lon.zip(lat).map(|(lon, lat)| Location { lon, lat });
    let details = EntryDetails::read(kind, &row.try_get::<String, _>("details")?)
        .public(row.try_get::<i64, _>("details_public")? == 1);
    let text_public: i64 = row.try_get("text_public")?;
    Ok(PublicEntry {
        id: row.try_get("id")?,
        kind,
        category: row.try_get("category")?,
        location,
        qualities: details.qualities,
        severity: details.severity,
        affects: details.affects,
        // The (Dutch) month only: a day or seconds would link one visit's entries (a place shown
        // exactly, and the barrier made a minute later).
        month: month_in_netherlands(&row.try_get::<String, _>("created_at")?).unwrap_or_default(),
        campaign: row.try_get("campaign")?,
        status: Status::parse(&row.try_get::<String, _>("status")?).unwrap_or_default(),
        status_note: row.try_get("status_note")?,
        text: if text_public == 1 {
            row.try_get("text")?
        } else {
            None
        },
        reply: if row.try_get::<i64, _>("reply_public")? == 1 {
            row.try_get("reply")?
        } else {
            None
        },
        me_too: row.try_get::<i64, _>("me_too")?.max(0) as u64,
        photo: row
            .try_get::<Option<String>, _>("photo")?
            .map(|h| app::model::photo_url(&h)),
    })
}

/// An entry's [`crate::domain::aggregate::facets`] from its public details (validated when stored;
/// what cannot be read, or is not public, gives no bit, so it is counted under no narrowed figure).
pub(super) fn record_facets(kind: Kind, d: &EntryDetails) -> u32 {
    let affects: Vec<&str> = d.affects.iter().map(String::as_str).collect();
    let qualities: Vec<&str> = d.qualities.iter().map(String::as_str).collect();
    crate::domain::aggregate::facets(kind, &affects, d.severity, &qualities)
}

/// What became of a moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderated {
    Applied,
    /// The resident's words changed since the moderator read them: nothing was applied.
    Stale,
}

/// What a stored entry's details say (the kind's own fields; `talent` and `who` are never read
/// here: they are not public).
#[derive(Debug, Default)]
pub struct EntryDetails {
    pub name: Option<String>,
    pub qualities: Vec<String>,
    pub severity: Option<u8>,
    pub affects: Vec<String>,
}

impl EntryDetails {
    /// What the public may see of them: a barrier's severity and groups only where the entry was
    /// made once they were public (`details_public`, migration 0019); a place's qualities always.
    pub fn public(self, details_public: bool) -> EntryDetails {
        if details_public {
            self
        } else {
            EntryDetails {
                severity: None,
                affects: Vec::new(),
                ..self
            }
        }
    }

    pub fn read(kind: Kind, details: &str) -> EntryDetails {
        let d: serde_json::Value = serde_json::from_str(details).unwrap_or_default();
        let list = |key: &str| -> Vec<String> {
            d.get(key)
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|q| q.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        match kind {
            Kind::Place => EntryDetails {
                name: d.get("name").and_then(|v| v.as_str()).map(str::to_string),
                qualities: list("qualities"),
                ..EntryDetails::default()
            },
            Kind::Barrier => EntryDetails {
                severity: d
                    .get("severity")
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|s| u8::try_from(s).ok()),
                affects: list("affects"),
                ..EntryDetails::default()
            },
            Kind::Wish => EntryDetails::default(),
        }
    }
}

/// The public order: month (newest first), then id, which the client made at random; the index
/// `submissions_public_order` (migration 0015) serves it. The month here is the UTC one (what the
/// index holds): an entry of a Dutch month's first hour or two sorts with the month before, while
/// the month it shows ([`public_entry`]) is the Dutch one.
const PUBLIC_ORDER: &str = "substr(created_at, 1, 7) DESC, id DESC";

/// What [`public_entry`] reads.
const PUBLIC_COLUMNS: &str =
    "id, kind, category, pub_lon, pub_lat, details, details_public, created_at, campaign, status, status_note, text, text_public, \
     reply, reply_public, \
     (SELECT count(*) FROM me_too m WHERE m.submission = submissions.id) AS me_too, \
     (SELECT hash FROM photos p WHERE p.submission = submissions.id AND p.public = 1) AS photo";
