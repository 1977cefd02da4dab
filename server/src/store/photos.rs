//! Photo rows: which entry has which photo file (by content hash), and whether it is public.

use super::sqlite::{SqliteStore, NOW};
use super::StoreError;

impl SqliteStore {
    /// Sets (or replaces) an entry's photo; a new photo waits for a moderator again.
    pub async fn set_photo(&self, id: &str, hash: &str, width: u32, height: u32) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO photos (submission, hash, width, height, public, created_at) VALUES (?, ?, ?, ?, 0, {NOW}) \
             ON CONFLICT (submission) DO UPDATE SET hash = excluded.hash, width = excluded.width, \
             height = excluded.height, public = 0, created_at = excluded.created_at"
        ))
        .bind(id)
        .bind(hash)
        .bind(i64::from(width))
        .bind(i64::from(height))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The hash of an entry's photo and whether it is public.
    pub async fn photo_of(&self, id: &str) -> Result<Option<(String, bool)>, StoreError> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT hash, public FROM photos WHERE submission = ?")
                .bind(id)
                .fetch_optional(&self.reader)
                .await?;
        Ok(row.map(|(h, p)| (h, p == 1)))
    }

    /// Whether a photo file may be shown to anyone: published, on a visible entry.
    pub async fn photo_is_public(&self, hash: &str) -> Result<Option<bool>, StoreError> {
        let row: Option<i64> = sqlx::query_scalar(
            "SELECT max(p.public = 1 AND s.hidden = 0) FROM photos p JOIN submissions s ON s.id = p.submission \
             WHERE p.hash = ?",
        )
        .bind(hash)
        .fetch_optional(&self.reader)
        .await?
        .flatten();
        Ok(row.map(|p| p == 1))
    }

    /// The gemeenten of the entries that have this photo (who may moderate it).
    pub async fn photo_gemeenten(&self, hash: &str) -> Result<Vec<Option<String>>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT s.gemeente FROM photos p JOIN submissions s ON s.id = p.submission WHERE p.hash = ?",
        )
        .bind(hash)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Every photo file a row still names: the rest can go (deleted entries, replaced photos,
    /// retention).
    pub async fn photo_hashes(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT DISTINCT hash FROM photos")
            .fetch_all(&self.reader)
            .await?)
    }

    /// Removes the photos of a campaign's entries older than its retention period (see
    /// `apply_retention`); returns how many.
    pub async fn drop_expired_photos(&self, campaign: &str, days: u32, ends_on: Option<&str>) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "DELETE FROM photos WHERE submission IN (SELECT id FROM submissions \
             WHERE campaign = ?1 AND date(coalesce(?2, created_at), ?3) < date('now'))",
        )
        .bind(campaign)
        .bind(ends_on)
        .bind(format!("+{days} days"))
        .execute(&self.writer)
        .await?
        .rows_affected())
    }
}
