//! Street events and their link tokens.

use app::model::{Event, EventInput, EventStatus};
use sqlx::Row;

use super::db::{Store, NOW};
use super::staff::SessionUser;
use super::StoreError;

const COLUMNS: &str = "e.id, e.campaign, e.name, e.place, e.day, e.status, e.kiosk_token, e.qr_token, \
     (SELECT COUNT(*) FROM submissions s WHERE s.event = e.id) AS entries";

impl Store {
    /// Stores a new event with fresh link tokens (and its audit row, in one transaction).
    pub async fn create_event(&self, input: &EventInput, who: &SessionUser) -> Result<Event, StoreError> {
        // 32 hex digits (128 bits) each, from the OS's CSPRNG; the id need not be secret.
        let token = || crate::auth::new_token()[..32].to_string();
        let event = Event {
            id: crate::auth::new_token()[..12].to_string(),
            campaign: input.campaign.trim().to_string(),
            name: input.name.trim().to_string(),
            place: input.place.trim().to_string(),
            day: input.day.trim().to_string(),
            status: EventStatus::Open,
            kiosk_token: token(),
            qr_token: token(),
            entries: 0,
        };
        let mut tx = self.write_tx().await?;
        sqlx::query(&self.backend.sql(&format!(
            "INSERT INTO events (id, campaign, name, place, day, status, kiosk_token, qr_token, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, {NOW})"
        )))
        .bind(&event.id)
        .bind(&event.campaign)
        .bind(&event.name)
        .bind(&event.place)
        .bind(&event.day)
        .bind(&event.kiosk_token)
        .bind(&event.qr_token)
        .bind(who.user_id)
        .execute(&mut *tx)
        .await?;
        self.audit_in(&mut tx, who, "create event", &format!("{} ({})", event.id, event.campaign)).await?;
        tx.commit().await?;
        Ok(event)
    }

    pub async fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        let row = sqlx::query(&self.backend.sql(&format!("SELECT {COLUMNS} FROM events e WHERE e.id = ?")))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| event_of(&r)).transpose()
    }

    /// Every event, the newest day first.
    pub async fn event_list(&self) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(&self.backend.sql(&format!("SELECT {COLUMNS} FROM events e ORDER BY e.day DESC, e.created_at DESC")))
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
        let r = sqlx::query(&self.backend.sql("UPDATE events SET status = ? WHERE id = ?"))
            .bind(status.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        self.audit_in(&mut tx, who, &format!("{} event", if status == EventStatus::Open { "reopen" } else { "close" }), id).await?;
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
        day: r.try_get("day")?,
        status: EventStatus::parse(&status).unwrap_or(EventStatus::Closed),
        kiosk_token: r.try_get("kiosk_token")?,
        qr_token: r.try_get("qr_token")?,
        entries: r.try_get("entries")?,
    })
}
