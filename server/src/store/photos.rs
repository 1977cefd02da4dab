//! Photo rows: which entry has which photo file (by content hash), and whether it is public.

use super::db::{Store, NOW};
use super::StoreError;

impl Store {
    /// Sets (or replaces) an entry's photo; a new photo waits for a moderator again.
    pub async fn set_photo(
        &self,
        id: &str,
        hash: &str,
        width: u32,
        height: u32,
    ) -> Result<(), StoreError> {
        sqlx::query(&self.backend.sql(&format!(
            "INSERT INTO photos (submission, hash, width, height, public, created_at) VALUES (?, ?, ?, ?, 0, {NOW}) \
             ON CONFLICT (submission) DO UPDATE SET hash = excluded.hash, width = excluded.width, \
             height = excluded.height, public = 0, created_at = excluded.created_at"
        )))
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
        let row: Option<(String, i64)> = sqlx::query_as(
            &self
                .backend
                .sql("SELECT hash, public FROM photos WHERE submission = ?"),
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.map(|(h, p)| (h, p == 1)))
    }

    /// Whether a photo file may be shown to anyone: published, on a visible entry.
    pub async fn photo_is_public(&self, hash: &str) -> Result<Option<bool>, StoreError> {
        let row: Option<i64> = sqlx::query_scalar(&self.backend.sql(
            "SELECT max(CASE WHEN p.public = 1 AND s.hidden = 0 THEN 1 ELSE 0 END) FROM photos p JOIN submissions s ON s.id = p.submission \
             WHERE p.hash = ?",
        ))
        .bind(hash)
        .fetch_optional(&self.reader)
        .await?
        .flatten();
        Ok(row.map(|p| p == 1))
    }

    /// The gemeenten of the entries that have this photo (who may moderate it).
    pub async fn photo_gemeenten(&self, hash: &str) -> Result<Vec<Option<String>>, StoreError> {
        Ok(sqlx::query_scalar(&self.backend.sql(
            "SELECT s.gemeente FROM photos p JOIN submissions s ON s.id = p.submission WHERE p.hash = ?",
        ))
        .bind(hash)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Whether any row names this photo file.
    pub async fn photo_is_named(&self, hash: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>(
            &self
                .backend
                .sql("SELECT 1 FROM photos WHERE hash = ? LIMIT 1"),
        )
        .bind(hash)
        .fetch_optional(&self.reader)
        .await?
        .is_some())
    }

    /// Every photo file a row still names: the rest can go (deleted entries, replaced photos,
    /// retention).
    pub async fn photo_hashes(&self) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar(&self.backend.sql("SELECT DISTINCT hash FROM photos"))
                .fetch_all(&self.reader)
                .await?,
        )
    }

    /// Removes the photos of a campaign's entries older than its retention period (see
    /// `apply_retention`); returns the hashes of the files they named.
    pub async fn drop_expired_photos(
        &self,
        campaign: &str,
        days: u32,
        ends_on: Option<&str>,
    ) -> Result<Vec<String>, StoreError> {
        let (cutoff, cutoff_moment) = super::own::retention_cutoff(days);
        Ok(sqlx::query_scalar(&self.backend.sql(&format!(
            "DELETE FROM photos WHERE submission IN (SELECT id FROM submissions \
             WHERE campaign = ?1 AND {}) RETURNING hash",
            super::own::expired("created_at")
        )))
        .bind(campaign)
        .bind(ends_on)
        .bind(&cutoff)
        .bind(&cutoff_moment)
        .fetch_all(&self.writer)
        .await?)
    }
}
