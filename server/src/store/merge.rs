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
    /// Another kind, category or gemeente, or the entry itself.
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
        // Both rows, locked in id order until the merge is done: an author's deletion or a
        // moderator's hiding at the same moment either waits for it or is seen here.
        type Row = (String, String, String, String, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(&self.backend.sql(&format!(
            "SELECT id, kind, category, respondent, gemeente FROM submissions \
             WHERE (id = ? OR id = ?) AND hidden = 0 ORDER BY id{}",
            self.backend.lock_rows()
        )))
        .bind(dup)
        .bind(into)
        .fetch_all(&mut *tx)
        .await?;
        let pick = |id: &str| {
            rows.iter()
                .find(|r| r.0 == id)
                .map(|(_, kind, category, respondent, gemeente)| {
                    (
                        kind.clone(),
                        category.clone(),
                        respondent.clone(),
                        gemeente.clone(),
                    )
                })
        };
        let (Some(a), Some(b)) = (pick(dup), pick(into)) else {
            return Ok(Merge::Unknown);
        };
        // Two entries of one kind and category in one gemeente: an activity of one gemeente never
        // comes to grow from another's entry, and each gemeente's figures stay its own.
        if (a.0.as_str(), a.1.as_str(), &a.3) != (b.0.as_str(), b.1.as_str(), &b.3) {
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
        // Activities that grew from the duplicate grew from the kept entry: their ties move over
        // (once where an activity named both), as what the kept entry is (a talent only if it
        // offers one).
        let talent: Option<String> = sqlx::query_scalar(&self.backend.sql(&format!(
            "SELECT {} FROM submissions WHERE id = ?",
            self.backend.json_text("details", "talent")
        )))
        .bind(into)
        .fetch_one(&mut *tx)
        .await?;
        let kept_as = super::source_kind(&b.0, talent.as_deref());
        sqlx::query(&self.backend.sql(
            "DELETE FROM activity_origins WHERE origin = ?2 AND kind IN ('wish', 'talent', 'entry') \
             AND activity IN (SELECT activity FROM activity_origins \
             WHERE origin = ?1 AND kind IN ('wish', 'talent', 'entry'))",
        ))
        .bind(into)
        .bind(dup)
        .execute(&mut *tx)
        .await?;
        sqlx::query(&self.backend.sql(
            "UPDATE activity_origins SET origin = ?1, kind = ?3 \
             WHERE origin = ?2 AND kind IN ('wish', 'talent', 'entry')",
        ))
        .bind(into)
        .bind(dup)
        .bind(kept_as.as_str())
        .execute(&mut *tx)
        .await?;
        // An activity at the duplicate place is at the kept one (whose public position it takes).
        sqlx::query(
            &self
                .backend
                .sql("UPDATE community_nodes SET place = ? WHERE place = ?"),
        )
        .bind(into)
        .bind(dup)
        .execute(&mut *tx)
        .await?;
        if let Some(g) = &b.3 {
            self.bump_revision(&mut tx, g).await?;
        }
        self.audit_in(&mut tx, who, "merge", &format!("{dup} into {into}"))
            .await?;
        tx.commit().await?;
        self.forget_removed_words().await;
        Ok(Merge::Done)
    }
}
