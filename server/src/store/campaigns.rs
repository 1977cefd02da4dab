//! Campaigns and their survey responses.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use app::model::{Campaign, CampaignStatus, DEFAULT_CAMPAIGN};
use serde_json::{Map, Value};
use sqlx::Row;

use super::db::{bump_every_revision, Store, NOW};
use super::staff::SessionUser;
use super::StoreError;

/// One respondent of an area for "who took part": (respondent, age band, first entry or "ik ook"
/// there, survey answered at).
pub type AgeBandRow = (String, Option<String>, String, Option<String>);

/// What became of one respondent's survey answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    Created,
    /// The same answers were stored before (a resend).
    Same,
    /// This respondent already answered differently: answers are stored once.
    Conflict,
}

/// How long the write path may use a campaign it read: every submission needs its campaign, and
/// campaigns change a few times a year. A change made through this server is seen at once, one
/// made through another server sharing the database within this time; whether a campaign is open
/// is checked again in the insert's own transaction in any case.
pub const CAMPAIGN_TTL: Duration = Duration::from_secs(1);

/// Campaigns (and unknown ids) the write path read lately, by id.
#[derive(Default)]
pub(super) struct CampaignCache(Mutex<HashMap<String, (Instant, Option<Campaign>)>>);

/// Ids kept at most: unknown ids come from clients, so the table is emptied rather than grown.
const CACHED_CAMPAIGNS: usize = 1_000;

impl CampaignCache {
    fn get(&self, id: &str) -> Option<Option<Campaign>> {
        let map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(id)
            .filter(|(at, _)| at.elapsed() < CAMPAIGN_TTL)
            .map(|(_, c)| c.clone())
    }

    fn put(&self, id: &str, campaign: Option<Campaign>) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= CACHED_CAMPAIGNS {
            map.clear();
        }
        map.insert(id.to_string(), (Instant::now(), campaign));
    }

    fn forget(&self, id: &str) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.remove(id);
    }
}

impl Store {
    /// The campaign of a new entry, as [`Store::campaign`] but read at most once per
    /// `CAMPAIGN_TTL`.
    pub async fn campaign_for_entry(&self, id: &str) -> Result<Option<Campaign>, StoreError> {
        if let Some(c) = self.campaigns.get(id) {
            return Ok(c);
        }
        let c = self.campaign(id).await?;
        self.campaigns.put(id, c.clone());
        Ok(c)
    }

    /// One campaign, open or closed.
    pub async fn campaign(&self, id: &str) -> Result<Option<Campaign>, StoreError> {
        let row = sqlx::query(
            &self
                .backend
                .sql("SELECT id, status, config FROM campaigns WHERE id = ?"),
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|r| campaign_of(&r)).transpose()
    }

    /// Every campaign, oldest first.
    pub async fn campaign_list(&self) -> Result<Vec<Campaign>, StoreError> {
        let rows = sqlx::query(
            &self
                .backend
                .sql("SELECT id, status, config FROM campaigns ORDER BY created_at, id"),
        )
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(campaign_of).collect()
    }

    /// Stores a new campaign (and its audit row, in one transaction); `Ok(false)` when the id is taken.
    pub async fn create_campaign(
        &self,
        c: &Campaign,
        who: &SessionUser,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let r = sqlx::query(&self.backend.sql(&format!(
            "INSERT INTO campaigns (id, status, config, created_at, updated_at) VALUES (?, ?, ?, {NOW}, {NOW}) \
             ON CONFLICT (id) DO NOTHING"
        )))
        .bind(&c.id)
        .bind(status_str(c.status))
        .bind(config_json(c))
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        self.audit_in(&mut tx, who, "create campaign", &c.id)
            .await?;
        // Its k may be stricter than any before: every cached table is rebuilt.
        bump_every_revision(&mut tx).await?;
        tx.commit().await?;
        self.campaigns.forget(&c.id);
        Ok(true)
    }

    /// Replaces a campaign's settings; `Ok(false)` when there is no such campaign.
    pub async fn update_campaign(
        &self,
        c: &Campaign,
        who: &SessionUser,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let r = sqlx::query(&self.backend.sql(&format!(
            "UPDATE campaigns SET status = ?, config = ?, updated_at = {NOW} WHERE id = ?"
        )))
        .bind(status_str(c.status))
        .bind(config_json(c))
        .bind(&c.id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        self.audit_in(&mut tx, who, "change campaign", &c.id)
            .await?;
        // A new k changes what may be released: every cached table is rebuilt.
        bump_every_revision(&mut tx).await?;
        tx.commit().await?;
        self.campaigns.forget(&c.id);
        Ok(true)
    }

    /// Stores one respondent's answers to a campaign's survey, once. With `takes_new` false (a
    /// street event that closed or is past its last day) only a resend of what was stored is
    /// answered: `None` when nothing was stored for this respondent, and nothing is written.
    pub async fn answer(
        &self,
        campaign: &str,
        respondent: &str,
        answers: &Map<String, Value>,
        language: &str,
        takes_new: bool,
    ) -> Result<Option<Answered>, StoreError> {
        let json = Value::Object(answers.clone()).to_string();
        let mut tx = self.write_tx().await?;
        if let Some(row) = sqlx::query(
            &self
                .backend
                .sql("SELECT answers FROM survey_responses WHERE campaign = ? AND respondent = ?"),
        )
        .bind(campaign)
        .bind(respondent)
        .fetch_optional(&mut *tx)
        .await?
        {
            let stored: String = row.try_get("answers")?;
            return Ok(Some(if stored == json {
                Answered::Same
            } else {
                Answered::Conflict
            }));
        }
        if !takes_new {
            return Ok(None);
        }
        sqlx::query(&self.backend.sql(&format!(
            "INSERT INTO survey_responses (campaign, respondent, answers, language, created_at) \
             VALUES (?, ?, ?, ?, {NOW})"
        )))
        .bind(campaign)
        .bind(respondent)
        .bind(&json)
        .bind(language)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(Answered::Created))
    }

    /// Whether this respondent answered the campaign's survey already.
    pub async fn has_answered(&self, campaign: &str, respondent: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            &self
                .backend
                .sql("SELECT 1 FROM survey_responses WHERE campaign = ? AND respondent = ?"),
        )
        .bind(campaign)
        .bind(respondent)
        .fetch_optional(&self.reader)
        .await?
        .is_some())
    }

    /// Survey responses per campaign.
    pub async fn response_counts(
        &self,
    ) -> Result<std::collections::HashMap<String, u64>, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            &self
                .backend
                .sql("SELECT campaign, COUNT(*) FROM survey_responses GROUP BY campaign"),
        )
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(c, n)| (c, n.max(0) as u64))
            .collect())
    }

    /// The largest k of any campaign: the deployment's tables use it, so no campaign's residents are
    /// protected less than it promised.
    pub async fn strictest_k(&self) -> Result<u32, StoreError> {
        Ok(self
            .campaign_list()
            .await?
            .iter()
            .map(|c| c.k)
            .max()
            .unwrap_or(app::model::MIN_K))
    }
}

fn status_str(s: CampaignStatus) -> &'static str {
    match s {
        CampaignStatus::Open => "open",
        CampaignStatus::Closed => "closed",
    }
}

fn config_json(c: &Campaign) -> String {
    serde_json::to_string(c).unwrap_or_default()
}

/// A stored campaign. Its days may be as an older version stored them (see `Day::read_stored`).
fn stored_campaign(json: &str) -> Result<Campaign, serde_json::Error> {
    let mut value: serde_json::Value = serde_json::from_str(json)?;
    for field in ["starts_on", "ends_on"] {
        if let Some(day) = value.get_mut(field) {
            if let Some(read) = day.as_str().and_then(app::model::Day::read_stored) {
                *day = read.to_string().into();
            }
        }
    }
    serde_json::from_value(value)
}

fn campaign_of(row: &sqlx::any::AnyRow) -> Result<Campaign, StoreError> {
    let id: String = row.try_get("id")?;
    let status: String = row.try_get("status")?;
    let config: Option<String> = row.try_get("config")?;
    let mut c = match config {
        Some(json) => stored_campaign(&json)
            .map_err(|e| StoreError::Unreadable(format!("campaign {id}: {e}")))?,
        None => Campaign {
            id: id.clone(),
            ..Campaign::general()
        },
    };
    if id != DEFAULT_CAMPAIGN && c.id != id {
        c.id = id;
    }
    c.status = if status == "open" {
        CampaignStatus::Open
    } else {
        CampaignStatus::Closed
    };
    Ok(c)
}

/// What became of an "ik ook".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeToo {
    /// Counted; the entry's count now.
    Counted(u64),
    /// This respondent said it before (or wrote the entry): nothing changed.
    Already(u64),
    /// No visible entry with this id.
    Unknown,
}

impl Store {
    /// Adds one respondent's "ik ook" to a visible entry, bumping its gemeente's revision in the same
    /// transaction so the figures include it at once.
    pub async fn me_too(&self, id: &str, respondent: &str) -> Result<MeToo, StoreError> {
        let mut tx = self.write_tx().await?;
        let row: Option<(String, Option<String>)> = sqlx::query_as(
            &self
                .backend
                .sql("SELECT respondent, gemeente FROM submissions WHERE id = ? AND hidden = 0"),
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((author, gemeente)) = row else {
            return Ok(MeToo::Unknown);
        };
        let count = |n: i64| n.max(0) as u64;
        let added = author != respondent
            && sqlx::query(&self.backend.sql(&format!(
                "INSERT INTO me_too (submission, respondent, created_at) VALUES (?, ?, {NOW}) \
                 ON CONFLICT DO NOTHING"
            )))
            .bind(id)
            .bind(respondent)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
        if added {
            if let Some(g) = gemeente {
                self.bump_revision(&mut tx, &g).await?;
            }
        }
        let n: i64 = sqlx::query_scalar(
            &self
                .backend
                .sql("SELECT count(*) FROM me_too WHERE submission = ?"),
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(if added {
            MeToo::Counted(count(n))
        } else {
            MeToo::Already(count(n))
        })
    }
}

impl Store {
    /// The respondents with an entry or an "ik ook" in an area (any level), each with the age band
    /// they gave in that entry's campaign's survey (`None`: not given), the moment of their first
    /// entry or "ik ook" there, and when they answered the survey (`None`: not); within one
    /// campaign, or all.
    pub async fn age_bands_in(
        &self,
        code: &str,
        campaign: Option<&str>,
    ) -> Result<Vec<AgeBandRow>, StoreError> {
        Ok(sqlx::query_as(&self.backend.sql(&format!(
            "WITH here AS ( \
               SELECT s.respondent, s.campaign, s.created_at FROM submissions s \
               WHERE s.hidden = 0 AND (s.buurt = ?1 OR s.wijk = ?1 OR s.gemeente = ?1) \
                 AND (?2 IS NULL OR s.campaign = ?2) \
               UNION ALL \
               SELECT m.respondent, s.campaign, m.created_at FROM me_too m \
               JOIN submissions s ON s.id = m.submission \
               WHERE s.hidden = 0 AND (s.buurt = ?1 OR s.wijk = ?1 OR s.gemeente = ?1) \
                 AND (?2 IS NULL OR s.campaign = ?2)) \
             SELECT h.respondent, max({}) AS band, min(h.created_at) AS since, \
                    max(r.created_at) AS answered FROM here h \
             LEFT JOIN survey_responses r ON r.respondent = h.respondent AND r.campaign = h.campaign \
             GROUP BY h.respondent",
            self.backend.json_text("r.answers", "age_band")
        )))
        .bind(code)
        .bind(campaign)
        .fetch_all(&self.reader)
        .await?)
    }

    /// CBS inhabitants per age band of an area, when its key figures are imported with them.
    pub async fn population_bands(&self, code: &str) -> Result<Option<[u64; 5]>, StoreError> {
        type Bands = (
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
        );
        let row: Option<Bands> = sqlx::query_as(&self.backend.sql(
            "SELECT age_0_14, age_15_24, age_25_44, age_45_64, age_65_plus FROM population WHERE code = ?",
        ))
        .bind(code)
        .fetch_optional(&self.reader)
        .await?;
        let own = row.and_then(|(a, b, c, d, e)| {
            let v = [a?, b?, c?, d?, e?];
            Some(v.map(|x| x.max(0) as u64))
        });
        if own.is_some() || !(code.starts_with("GM") || code.starts_with("WK")) {
            return Ok(own);
        }
        // A gemeente or wijk without figures of its own: the sum of its buurten that have all five,
        // when those hold at least 99% of its inhabitants (CBS keeps the figures of buurten with
        // very few inhabitants secret, which barely moves the shares).
        let digits = &code[2..];
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(None);
        }
        type Sums = (
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
        );
        let complete = "age_0_14 IS NOT NULL AND age_15_24 IS NOT NULL AND age_25_44 IS NOT NULL \
                        AND age_45_64 IS NOT NULL AND age_65_plus IS NOT NULL";
        let (a, b, c, d, e, covered, all): Sums = sqlx::query_as(&self.backend.sql(&format!(
            // PostgreSQL sums integers as numeric, which the Any driver cannot read: cast back.
            "SELECT CAST(sum(CASE WHEN {complete} THEN age_0_14 END) AS BIGINT), \
             CAST(sum(CASE WHEN {complete} THEN age_15_24 END) AS BIGINT), \
             CAST(sum(CASE WHEN {complete} THEN age_25_44 END) AS BIGINT), \
             CAST(sum(CASE WHEN {complete} THEN age_45_64 END) AS BIGINT), \
             CAST(sum(CASE WHEN {complete} THEN age_65_plus END) AS BIGINT), \
             CAST(sum(CASE WHEN {complete} THEN inhabitants END) AS BIGINT), \
             CAST(sum(inhabitants) AS BIGINT) FROM population WHERE code LIKE ?"
        )))
        .bind(format!("BU{digits}%"))
        .fetch_one(&self.reader)
        .await?;
        match (covered, all) {
            (Some(covered), Some(all)) if all > 0 && covered * 100 >= all * 99 => {
                Ok((|| Some([a?, b?, c?, d?, e?].map(|x| x.max(0) as u64)))())
            }
            _ => Ok(None),
        }
    }
}
