//! A resident's own entry, reached through its private link: read it, change its category or
//! text, delete it (leaving a tombstone). And retention: free text removed after a campaign's
//! retention period, counts kept.

use app::model::{Kind, OwnEntry, Status};
use sqlx::Row;

use super::db::{Store, NOW};
use super::StoreError;

impl Store {
    /// A secret of this deployment: the stored one, or `fresh` stored now if there is none yet.
    /// Servers starting together on one database all end up with the first one stored.
    pub async fn secret_or_insert(&self, name: &str, fresh: &str) -> Result<String, StoreError> {
        sqlx::query(
            &self.backend.sql(
                "INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            ),
        )
        .bind(name)
        .bind(fresh)
        .execute(&self.writer)
        .await?;
        sqlx::query_scalar(&self.backend.sql("SELECT value FROM secrets WHERE name = ?"))
            .bind(name)
            .fetch_optional(&self.writer)
            .await?
            .ok_or_else(|| StoreError::Unreadable(format!("secret {name} is missing")))
    }

    /// The entry as its author sees it, hidden or not.
    pub async fn own_entry(&self, id: &str) -> Result<Option<OwnEntry>, StoreError> {
        let row = sqlx::query(&self.backend.sql(
            "SELECT id, kind, category, text, text_public, hidden, status, status_note, created_at, campaign, \
             reply, reply_public FROM submissions WHERE id = ?",
        ))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let kind: String = r.try_get("kind")?;
        Ok(Some(OwnEntry {
            id: r.try_get("id")?,
            kind: Kind::parse(&kind)
                .ok_or_else(|| StoreError::Unreadable(format!("kind {kind}")))?,
            category: r.try_get("category")?,
            text: r.try_get("text")?,
            text_public: r.try_get::<i64, _>("text_public")? == 1,
            hidden: r.try_get::<i64, _>("hidden")? == 1,
            status: Status::parse(&r.try_get::<String, _>("status")?).unwrap_or_default(),
            status_note: r.try_get("status_note")?,
            created_at: r
                .try_get::<String, _>("created_at")?
                .get(..10)
                .unwrap_or_default()
                .to_string(),
            campaign: r.try_get("campaign")?,
            photo: self
                .photo_of(id)
                .await?
                .map(|(h, public)| (app::model::photo_url(&h), public)),
            reply: r.try_get("reply")?,
            reply_public: r.try_get::<i64, _>("reply_public")? == 1,
        }))
    }

    /// Changes the author's category and, when `text` is given, their text (empty removes it).
    /// Changed text is private again until a moderator publishes it. `Ok(false)` for an unknown id.
    pub async fn edit_own(
        &self,
        id: &str,
        category: &str,
        text: Option<&str>,
    ) -> Result<bool, StoreError> {
        use crate::domain::moderation::normalize;
        let mut tx = self.write_tx().await?;
        type Row = (Option<String>, Option<String>, String);
        let row: Option<Row> = sqlx::query_as(
            &self
                .backend
                .sql("SELECT text, gemeente, category FROM submissions WHERE id = ?"),
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((old_text, gemeente, old_category)) = row else {
            return Ok(false);
        };
        let mut changed = false;
        if category != old_category {
            sqlx::query(
                &self
                    .backend
                    .sql("UPDATE submissions SET category = ? WHERE id = ?"),
            )
            .bind(category)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            changed = true;
        }
        // The same words however the form sent them (see `normalize`) are no change. None are
        // written once retention or a merge removed the entry's words (checked again here: retention
        // may have run since the service looked).
        let text = text.map(normalize);
        if let Some(t) = text.filter(|t| *t != normalize(old_text.as_deref().unwrap_or_default())) {
            // Changed words: the hash of the words as sent goes with them (see domain::content_hash).
            sqlx::query(&self.backend.sql(
                "UPDATE submissions SET text = ?, text_public = 0, content_hash = '' \
                 WHERE id = ? AND text_removed_at IS NULL AND merged_into IS NULL",
            ))
            .bind(Some(t).filter(|t| !t.is_empty()))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        // Only a new category changes the figures (a text is counted nowhere).
        if let (true, Some(g)) = (changed, gemeente) {
            self.bump_revision(&mut tx, &g).await?;
        }
        tx.commit().await?;
        self.forget_removed_words().await;
        Ok(true)
    }

    /// The author's reply to staff's note (empty removes it); a changed reply is private again
    /// until a moderator publishes it. Only the reply's columns: a moderator's concurrent edit of
    /// the text stays.
    pub async fn reply_own(&self, id: &str, reply: &str) -> Result<(), StoreError> {
        let reply = crate::domain::moderation::normalize(reply);
        let reply = Some(reply).filter(|r| !r.is_empty());
        let mut tx = self.write_tx().await?;
        sqlx::query(&self.backend.sql(
            "UPDATE submissions SET reply_public = CASE WHEN reply IS DISTINCT FROM ?1 THEN 0 \
             ELSE reply_public END, reply = ?1 \
             WHERE id = ?2 AND text_removed_at IS NULL AND merged_into IS NULL",
        ))
        .bind(reply)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.forget_removed_words().await;
        Ok(())
    }

    /// Whether retention or a merge removed the entry's words (then none are taken in again).
    pub async fn words_removed(&self, id: &str) -> Result<bool, StoreError> {
        let removed: Option<i64> = sqlx::query_scalar(&self.backend.sql(
            "SELECT CASE WHEN text_removed_at IS NOT NULL OR merged_into IS NOT NULL THEN 1 ELSE 0 END \
             FROM submissions WHERE id = ?",
        ))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(removed == Some(1))
    }

    /// Deletes an entry for good: the row (and its "ik ook"s) goes, a tombstone stays so an offline
    /// resend cannot bring it back. `Ok(false)` for an unknown id.
    pub async fn delete_own(&self, id: &str) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let gemeente: Option<Option<String>> = sqlx::query_scalar(
            &self
                .backend
                .sql("SELECT gemeente FROM submissions WHERE id = ?"),
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(gemeente) = gemeente else {
            return Ok(false);
        };
        sqlx::query(&self.backend.sql("DELETE FROM submissions WHERE id = ?"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // What staff did with it goes too: its notes were about this entry.
        sqlx::query(
            &self
                .backend
                .sql("DELETE FROM status_changes WHERE submission = ?"),
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        // An activity that grew from it stays, without the tie back to the resident's entry.
        sqlx::query(&self.backend.sql(
            "DELETE FROM activity_origins WHERE origin = ? AND kind IN ('wish', 'talent', 'entry')",
        ))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(&self.backend.sql(&format!(
            "INSERT INTO tombstones (id, deleted_at) VALUES (?, {NOW}) ON CONFLICT DO NOTHING"
        )))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if let Some(g) = gemeente {
            self.bump_revision(&mut tx, &g).await?;
        }
        tx.commit().await?;
        self.forget_removed_words().await;
        Ok(true)
    }

    /// Removes the residents' own words (free text; a place's name and "who", a wish's talent; the answers to
    /// `text_questions` of the survey) once a campaign's retention period has passed: `days` after
    /// its last day, or after each entry's own (Dutch) day when it has none. Counts, categories and places
    /// stay. Returns how many entries lost text.
    pub async fn apply_retention(
        &self,
        campaign: &str,
        days: u32,
        ends_on: Option<&str>,
        text_questions: &[String],
    ) -> Result<u64, StoreError> {
        let (cutoff, cutoff_moment) = retention_cutoff(days);
        let mut tx = self.write_tx().await?;
        let n = sqlx::query(&self.backend.sql(&format!(
            "UPDATE submissions SET text = NULL, text_public = 0, content_hash = '', \
             reply = NULL, reply_public = 0, talent_public = 0, \
             details = {}, text_removed_at = {NOW} \
             WHERE campaign = ?1 AND text_removed_at IS NULL AND {}",
            self.backend.json_without("details", &["who", "talent", "name"]),
            expired("created_at")
        )))
        .bind(campaign)
        .bind(ends_on)
        .bind(&cutoff)
        .bind(&cutoff_moment)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if !text_questions.is_empty() {
            let keys: Vec<&str> = text_questions
                .iter()
                .map(String::as_str)
                .filter(|q| app::model::is_slug(q))
                .collect();
            sqlx::query(&self.backend.sql(&format!(
                "UPDATE survey_responses SET answers = {} WHERE campaign = ?1 AND {}",
                self.backend.json_without("answers", &keys),
                expired("created_at")
            )))
            .bind(campaign)
            .bind(ends_on)
            .bind(&cutoff)
            .bind(&cutoff_moment)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(n)
    }
}

/// The first Dutch day still kept, and the moment it begins: entries made before that moment (or
/// of campaigns whose last day is before that day) are past a retention of `days`. Bound as `?3`
/// and `?4` of [`expired`].
pub(super) fn retention_cutoff(days: u32) -> (String, String) {
    use crate::domain::calendar::{add_days, start_of_dutch_day, today};
    let today = today();
    let day = add_days(today, -i64::from(days)).unwrap_or(today);
    let moment = start_of_dutch_day(day).unwrap_or_else(|| day.to_string());
    (day.to_string(), moment)
}

/// The SQL condition of a row past its retention: `?2` is the campaign's last day (a Dutch day), or
/// NULL to count from the row's own moment (`moment_column`, a UTC timestamp); `?3` and `?4` are
/// [`retention_cutoff`]'s day and moment.
pub(super) fn expired(moment_column: &str) -> String {
    format!("((?2 IS NOT NULL AND ?2 < ?3) OR (?2 IS NULL AND {moment_column} < ?4))")
}
