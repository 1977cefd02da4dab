//! Residents' wishes and the talents offered with them: for staff (exact positions, every word) to
//! suggest matches, and the published talents for an area's public profile.

use super::db::Store;
use super::StoreError;

/// A visible wish of a gemeente as staff read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WishRow {
    pub id: String,
    /// Only to keep a resident from being matched with themself; never leaves the service.
    pub respondent: String,
    pub category: String,
    pub created_at: String,
    pub status: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub wijk: Option<String>,
    pub buurt: Option<String>,
    pub text: Option<String>,
    pub talent: Option<String>,
    pub talent_public: i64,
}

impl Store {
    /// The visible wishes of `gemeente`, oldest first: the newest 5,000 (the staff page's reach).
    pub async fn wishes_of(&self, gemeente: &str) -> Result<Vec<WishRow>, StoreError> {
        let sql = format!(
            "SELECT id, respondent, category, created_at, status, lon, lat, wijk, buurt, text, \
             {} AS talent, talent_public FROM submissions \
             WHERE kind = 'wish' AND hidden = 0 AND gemeente = ? ORDER BY created_at DESC, id DESC \
             LIMIT 5000",
            self.backend.json_text("details", "talent")
        );
        let mut rows: Vec<WishRow> = sqlx::query_as(&self.backend.sql(&sql))
            .bind(gemeente)
            .fetch_all(&self.reader)
            .await?;
        rows.reverse();
        Ok(rows)
    }

    /// The talents a moderator published, of visible wishes in gemeente `code` (the newest 1,000),
    /// each once, in alphabetical order (what people can do, not who or when).
    pub async fn published_talents(&self, code: &str) -> Result<Vec<String>, StoreError> {
        let talent = self.backend.json_text("details", "talent");
        let sql = format!(
            "SELECT {talent} AS talent FROM submissions \
             WHERE kind = 'wish' AND hidden = 0 AND talent_public = 1 AND {talent} IS NOT NULL \
             AND gemeente = ? ORDER BY created_at DESC LIMIT 1000"
        );
        let rows: Vec<(String,)> = sqlx::query_as(&self.backend.sql(&sql))
            .bind(code)
            .fetch_all(&self.reader)
            .await?;
        // Sorted and made unique here: the databases' collations differ.
        let mut talents: Vec<String> = rows
            .into_iter()
            .map(|(t,)| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        talents.sort_by_key(|t| t.to_lowercase());
        talents.dedup_by_key(|t| t.to_lowercase());
        Ok(talents)
    }
}
