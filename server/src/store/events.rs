//! Street events and their link tokens.

use app::model::{Event, EventStatus};
use sqlx::Row;

use super::db::{Store, NOW};
use super::staff::SessionUser;
use super::StoreError;

const COLUMNS: &str = "e.id, e.campaign, e.name, e.place, e.day, e.status, e.kiosk_token, e.qr_token, \
     e.gemeenten, e.created_by, (SELECT COUNT(*) FROM submissions s WHERE s.event = e.id) AS entries";

impl Store {
    /// Stores a new event (its tokens made by the caller) and its audit row, in one transaction.
    pub async fn create_event(&self, event: &Event, who: &SessionUser) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(&self.backend.sql(&format!(
            "INSERT INTO events (id, campaign, name, place, day, status, kiosk_token, qr_token, created_by, created_at, gemeenten) \
             VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, {NOW}, ?)"
        )))
        .bind(&event.id)
        .bind(&event.campaign)
        .bind(&event.name)
        .bind(&event.place)
        .bind(event.day.to_string())
        .bind(&event.kiosk_token)
        .bind(&event.qr_token)
        .bind(who.user_id)
        .bind(event.gemeenten.join(","))
        .execute(&mut *tx)
        .await?;
        self.audit_in(
            &mut tx,
            who,
            "create event",
            &format!("{} ({})", event.id, event.campaign),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        let row = sqlx::query(
            &self
                .backend
                .sql(&format!("SELECT {COLUMNS} FROM events e WHERE e.id = ?")),
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|r| event_of(&r)).transpose()
    }

    /// Every event, the newest day first.
    pub async fn event_list(&self) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(&self.backend.sql(&format!(
            "SELECT {COLUMNS} FROM events e ORDER BY e.day DESC, e.created_at DESC"
        )))
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(event_of).collect()
    }

    /// Opens or closes an event; `Ok(false)` when there is no such event.
    pub async fn set_event_status(
        &self,
        id: &str,
        status: EventStatus,
        who: &SessionUser,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let r = sqlx::query(
            &self
                .backend
                .sql("UPDATE events SET status = ? WHERE id = ?"),
        )
        .bind(status.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        self.audit_in(
            &mut tx,
            who,
            &format!(
                "{} event",
                if status == EventStatus::Open {
                    "reopen"
                } else {
                    "close"
                }
            ),
            id,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

fn event_of(r: &sqlx::any::AnyRow) -> Result<Event, StoreError> {
    let status: String = r.try_get("status")?;
    Ok(Event {
        id: r.try_get("id")?,
        campaign: r.try_get("campaign")?,
        name: r.try_get("name")?,
        place: r.try_get("place")?,
        day: {
            let day: String = r.try_get("day")?;
            app::model::Day::read_stored(&day)
                .ok_or_else(|| StoreError::Unreadable(format!("event day {day:?}")))?
        },
        status: EventStatus::parse(&status).unwrap_or(EventStatus::Closed),
        kiosk_token: r.try_get("kiosk_token")?,
        qr_token: r.try_get("qr_token")?,
        entries: r.try_get("entries")?,
        gemeenten: crate::domain::roles::split_codes(&r.try_get::<String, _>("gemeenten")?),
        created_by: r.try_get("created_by")?,
    })
}
