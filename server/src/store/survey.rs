//! What survey results are made of: a campaign's stored answers, where its respondents took part,
//! and the moderation of its text answers.

use sqlx::Row;

use super::db::{Store, NOW};
use super::staff::SessionUser;
use super::StoreError;

/// Where a respondent took part, and when: (respondent, gemeente, wijk, buurt, moment).
pub type PlaceRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

/// One text answer's moderation row: its own random id, whose answer it is, to which question.
#[derive(Debug, Clone)]
pub struct SurveyText {
    pub id: String,
    pub respondent: String,
    pub question: String,
    pub state: String,
}

impl Store {
    /// Every respondent's stored answers to a campaign's survey (JSON objects by question id), with
    /// when they answered.
    pub async fn survey_answers(
        &self,
        campaign: &str,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(sqlx::query_as(&self.backend.sql(
            "SELECT respondent, answers, created_at FROM survey_responses WHERE campaign = ?",
        ))
        .bind(campaign)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Where a campaign's respondents took part, and since when: each (respondent, gemeente, wijk,
    /// buurt, moment) of their shown entries and "ik ook"s of that campaign (as
    /// [`Store::age_bands_in`] counts them).
    pub async fn survey_places(&self, campaign: &str) -> Result<Vec<PlaceRow>, StoreError> {
        Ok(sqlx::query_as(&self.backend.sql(
            "SELECT s.respondent, s.gemeente, s.wijk, s.buurt, s.created_at FROM submissions s \
             WHERE s.hidden = 0 AND s.campaign = ?1 \
             UNION ALL \
             SELECT m.respondent, s.gemeente, s.wijk, s.buurt, m.created_at FROM me_too m \
             JOIN submissions s ON s.id = m.submission \
             WHERE s.hidden = 0 AND s.campaign = ?1",
        ))
        .bind(campaign)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Gives every text answer in `answers` (respondent, question) a moderation row, waiting, under
    /// a fresh random id; those that have one keep it.
    pub async fn add_survey_texts(
        &self,
        campaign: &str,
        answers: &[(String, String)],
    ) -> Result<(), StoreError> {
        if answers.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        for (respondent, question) in answers {
            let id = hex::encode(
                crate::secrets::random_bytes::<16>()
                    .map_err(|e| StoreError::Internal(e.to_string()))?,
            );
            sqlx::query(&self.backend.sql(
                "INSERT INTO survey_texts (id, campaign, respondent, question) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (campaign, respondent, question) DO NOTHING",
            ))
            .bind(&id)
            .bind(campaign)
            .bind(respondent)
            .bind(question)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A campaign's text answers' moderation rows.
    pub async fn survey_texts(&self, campaign: &str) -> Result<Vec<SurveyText>, StoreError> {
        let rows = sqlx::query(&self.backend.sql(
            "SELECT id, respondent, question, state FROM survey_texts WHERE campaign = ? ORDER BY id",
        ))
        .bind(campaign)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SurveyText {
                    id: r.try_get("id")?,
                    respondent: r.try_get("respondent")?,
                    question: r.try_get("question")?,
                    state: r.try_get("state")?,
                })
            })
            .collect()
    }

    /// Publishes or rejects one text answer of a campaign (`state`: `published` or `rejected`),
    /// written to the audit log; `false` when the campaign has no such answer.
    pub async fn moderate_survey_text(
        &self,
        who: &SessionUser,
        campaign: &str,
        id: &str,
        state: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let r = sqlx::query(&self.backend.sql(&format!(
            "UPDATE survey_texts SET state = ?, moderated_at = {NOW} WHERE id = ? AND campaign = ?"
        )))
        .bind(state)
        .bind(id)
        .bind(campaign)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        self.audit_in(&mut tx, who, &format!("survey text {state}"), id)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}
