//! Merging duplicates: a moderator folds one entry into another of the same kind and category.

use super::db::Store;
use super::staff::SessionUser;
use super::StoreError;

/// What became of a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    Done,
    /// One of the two is unknown or hidden.
    Unknown,
    /// Another kind or category, or the entry itself.
    Mismatch,
}

/// A possible duplicate of an entry, for the moderator.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Candidate {
    pub id: String,
    pub created_at: String,
    pub text: Option<String>,
}

impl Store {
    /// Visible entries of the same kind and category within about 100 m of `id` (exact positions:
    /// moderators see them), nearest first.
    pub async fn duplicate_candidates(&self, id: &str) -> Result<Vec<Candidate>, StoreError> {
        Ok(sqlx::query_as(&self.backend.sql(
            "SELECT o.id, o.created_at, o.text FROM submissions s JOIN submissions o \
             ON o.kind = s.kind AND o.category = s.category AND o.id != s.id AND o.hidden = 0 \
             AND o.lat BETWEEN s.lat - 0.0009 AND s.lat + 0.0009 \
             AND o.lon BETWEEN s.lon - 0.0015 AND s.lon + 0.0015 \
             WHERE s.id = ? AND s.lat IS NOT NULL \
             ORDER BY (o.lat - s.lat) * (o.lat - s.lat) + (o.lon - s.lon) * (o.lon - s.lon) * 0.39 LIMIT 5",
        ))
        .bind(id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Folds `dup` into `into`: `dup` is hidden and remembered as merged; its resident and its "ik
    /// ook"s count on `into`. One transaction with the audit row.
    pub async fn merge(
        &self,
        dup: &str,
        into: &str,
        who: &SessionUser,
    ) -> Result<Merge, StoreError> {
        if dup == into {
            return Ok(Merge::Mismatch);
        }
        let mut tx = self.write_tx().await?;
        let pick = "SELECT kind, category, respondent, gemeente FROM submissions WHERE id = ? AND hidden = 0";
        type Row = (String, String, String, Option<String>);
        let a: Option<Row> = sqlx::query_as(&self.backend.sql(pick))
            .bind(dup)
            .fetch_optional(&mut *tx)
            .await?;
        let b: Option<Row> = sqlx::query_as(&self.backend.sql(pick))
            .bind(into)
            .fetch_optional(&mut *tx)
            .await?;
        let (Some(a), Some(b)) = (a, b) else {
            return Ok(Merge::Unknown);
        };
        if (a.0.as_str(), a.1.as_str()) != (b.0.as_str(), b.1.as_str()) {
            return Ok(Merge::Mismatch);
        }
        if a.2 != b.2 {
            sqlx::query(&self.backend.sql(
                "INSERT INTO me_too (submission, respondent, created_at) \
                 SELECT ?, respondent, created_at FROM submissions WHERE id = ? ON CONFLICT DO NOTHING",
            ))
            .bind(into)
            .bind(dup)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(&self.backend.sql(
            "INSERT INTO me_too (submission, respondent, created_at) \
             SELECT ?1, respondent, created_at FROM me_too WHERE submission = ?2 AND respondent != ?3 \
             ON CONFLICT DO NOTHING",
        ))
        .bind(into)
        .bind(dup)
        .bind(&b.2)
        .execute(&mut *tx)
        .await?;
        // The duplicate is folded away, and its resident's words with it: a hidden copy of them
        // would outlive what the kept entry shows.
        sqlx::query(&self.backend.sql(&format!(
            "UPDATE submissions SET hidden = 1, merged_into = ?, text = NULL, text_public = 0, \
             reply = NULL, reply_public = 0, talent_public = 0, \
             content_hash = '', details = {} WHERE id = ?",
            self.backend.json_without("details", &["who", "talent", "name"])
        )))
        .bind(into)
        .bind(dup)
        .execute(&mut *tx)
        .await?;
        for g in [a.3, b.3].into_iter().flatten() {
            self.bump_revision(&mut tx, &g).await?;
        }
        self.audit_in(&mut tx, who, "merge", &format!("{dup} into {into}"))
            .await?;
        tx.commit().await?;
        self.forget_removed_words().await;
        Ok(Merge::Done)
    }
}
