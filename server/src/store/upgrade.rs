//! Data upgrades a SQL migration cannot do alone, run once at start after the migrations.

use sqlx::{AnyPool, Row};

use super::dialect::Backend;
use super::tx::WriteTx;
use super::StoreError;
use app::model::{Kind, Location};

use crate::domain::content_hash::{without_words, words_of, ContentHashes};
use crate::domain::privacy::public_position;

/// Rows handled per transaction.
const BATCH: i64 = 500;

/// Migration 0015 renamed `canonical` (the whole entry as sent, words included) to `content_hash`
/// and left `wordless_hash` empty. First, duplicates merged by an earlier version lose their words,
/// as a merge now does (a hidden copy would outlive what the kept entry shows). Then each such row
/// gets its two hashes; `content_hash` stays empty when the row no longer holds the words it was sent
/// with (retention, the author, a moderator or that merge removed them), so nothing stored can be
/// guessed back into those words. Last, the old pages are rewritten so the text leaves the files too:
/// SQLite `VACUUM` and a journal truncated to nothing; PostgreSQL `VACUUM FULL` of the table (a new
/// file; the old one's blocks go back to the file system, and its write-ahead log and backups keep
/// what they kept). Returns how many rows.
pub async fn hash_legacy_entries(pool: &AnyPool, backend: Backend) -> Result<u64, StoreError> {
    let scrubbed = sqlx::query(&format!(
        "UPDATE submissions SET text = NULL, text_public = 0, details = {} \
         WHERE merged_into IS NOT NULL AND wordless_hash = ''",
        backend.json_without("details", &["who", "talent", "name"])
    ))
    .execute(pool)
    .await?
    .rows_affected();
    let mut done = 0u64;
    loop {
        let rows = sqlx::query(&backend.sql(
            "SELECT id, content_hash, text, details FROM submissions WHERE wordless_hash = '' LIMIT ?",
        ))
        .bind(BATCH)
        .fetch_all(pool)
        .await?;
        if rows.is_empty() {
            break;
        }
        let mut tx = WriteTx::begin(pool, backend).await?;
        for row in &rows {
            let id: String = row.try_get("id")?;
            let canonical: String = row.try_get("content_hash")?;
            let text: Option<String> = row.try_get("text")?;
            let details: serde_json::Value =
                serde_json::from_str(&row.try_get::<String, _>("details")?).unwrap_or_default();
            let stored_words = vec![
                text,
                details
                    .get("who")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
                details
                    .get("talent")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
                details
                    .get("name")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
            ];
            let hashes = ContentHashes::of_canonical(&canonical);
            // Still the words it was sent with: a resend may be compared in full.
            let full = if words_of(&canonical) == stored_words {
                hashes.full
            } else {
                String::new()
            };
            debug_assert_eq!(hashes.wordless.len(), 64, "{}", without_words(&canonical));
            sqlx::query(
                &backend
                    .sql("UPDATE submissions SET content_hash = ?, wordless_hash = ? WHERE id = ?"),
            )
            .bind(full)
            .bind(hashes.wordless)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        done += rows.len() as u64;
    }
    if done > 0 {
        let vacuum = match backend {
            Backend::Sqlite => "VACUUM",
            Backend::Postgres => "VACUUM FULL submissions",
        };
        sqlx::query(vacuum).execute(pool).await?;
        super::db::truncate_journal(pool, backend).await?;
        tracing::info!(
            entries = done,
            merged = scrubbed,
            "entries' stored copies replaced by hashes"
        );
    }
    Ok(done)
}

/// Migration 0015 added the public position (`pub_lon`, `pub_lat`); rows of earlier versions get
/// theirs here. Returns how many.
pub async fn fill_public_positions(pool: &AnyPool, backend: Backend) -> Result<u64, StoreError> {
    let mut done = 0u64;
    loop {
        let rows: Vec<(String, String, f64, f64)> = sqlx::query_as(&backend.sql(
            "SELECT id, kind, lon, lat FROM submissions \
             WHERE lon IS NOT NULL AND lat IS NOT NULL AND pub_lat IS NULL LIMIT ?",
        ))
        .bind(BATCH)
        .fetch_all(pool)
        .await?;
        if rows.is_empty() {
            return Ok(done);
        }
        let mut tx = WriteTx::begin(pool, backend).await?;
        for (id, kind, lon, lat) in &rows {
            let kind = Kind::parse(kind)
                .ok_or_else(|| StoreError::Unreadable(format!("kind {kind} of {id}")))?;
            let public = public_position(
                kind,
                Location {
                    lon: *lon,
                    lat: *lat,
                },
            );
            sqlx::query(
                &backend.sql("UPDATE submissions SET pub_lon = ?, pub_lat = ? WHERE id = ?"),
            )
            .bind(public.lon)
            .bind(public.lat)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        done += rows.len() as u64;
    }
}
