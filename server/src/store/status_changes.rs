//! "You said, we did": the kept changes of entries' status (migration 0020), read per area.

use super::db::Store;
use super::StoreError;

/// One change of status, with the entry it belongs to as the public sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatusChangeRow {
    pub submission: String,
    pub kind: String,
    pub category: String,
    pub created_at: String,
    /// The entry's public position (a barrier's or wish's 100 m cell centre, a place itself).
    pub pub_lon: f64,
    pub pub_lat: f64,
    /// The entry's current note (a note staff corrected or removed is not kept).
    pub status_note: Option<String>,
    pub status: String,
    pub at: String,
}

impl Store {
    /// The status changes of visible entries whose public position lies within the box
    /// `[min_lon, min_lat, max_lon, max_lat]`, newest first, at most `limit`.
    pub async fn status_changes_within(
        &self,
        bbox: [f64; 4],
        limit: u32,
    ) -> Result<Vec<StatusChangeRow>, StoreError> {
        Ok(sqlx::query_as(&self.backend.sql(
            "SELECT c.submission, s.kind, s.category, s.created_at, s.pub_lon, s.pub_lat, \
             s.status_note, c.status, c.at \
             FROM status_changes c JOIN submissions s ON s.id = c.submission \
             WHERE s.hidden = 0 AND s.pub_lon BETWEEN ?1 AND ?3 AND s.pub_lat BETWEEN ?2 AND ?4 \
             ORDER BY c.at DESC, c.id DESC LIMIT ?5",
        ))
        .bind(bbox[0])
        .bind(bbox[1])
        .bind(bbox[2])
        .bind(bbox[3])
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await?)
    }
}
