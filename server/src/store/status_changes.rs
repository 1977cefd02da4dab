//! "You said, we did": the kept changes of entries' status and note (migration 0020), read per area.

use super::db::Store;
use super::StoreError;

/// One change with the entry it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatusChangeRow {
    pub submission: String,
    pub kind: String,
    pub category: String,
    pub created_at: String,
    pub status: String,
    pub note: Option<String>,
    pub at: String,
}

impl Store {
    /// The changes of visible entries within area `code` (any level), newest first, at most `limit`.
    pub async fn status_changes_in(
        &self,
        code: &str,
        limit: u32,
    ) -> Result<Vec<StatusChangeRow>, StoreError> {
        Ok(sqlx::query_as(&self.backend.sql(
            "SELECT c.submission, s.kind, s.category, s.created_at, c.status, c.note, c.at \
             FROM status_changes c JOIN submissions s ON s.id = c.submission \
             WHERE s.hidden = 0 AND (s.gemeente = ?1 OR s.wijk = ?1 OR s.buurt = ?1) \
             ORDER BY c.at DESC, c.id DESC LIMIT ?2",
        ))
        .bind(code)
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await?)
    }
}
