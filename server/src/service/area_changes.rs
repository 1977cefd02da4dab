//! "You said, we did" per area: what staff did with the area's entries, grouped per entry.

use app::model::{AreaChanges, AreaSummary, ChangedEntry, Kind, Status, StatusChange};

use crate::domain::calendar::month_in_netherlands;
use crate::service::Service;
use crate::store::{StatusChangeRow, StoreError};

/// The most changes one page lists (the newest).
const MOST_CHANGES: u32 = 1000;

impl Service {
    /// The area's entries staff changed, newest change first; `None` for an unknown area.
    pub async fn area_changes(&self, code: &str) -> Result<Option<AreaChanges>, StoreError> {
        let facts = self.facts().await?;
        let Some(f) = facts.get(code) else {
            return Ok(None);
        };
        let rows = self.store.status_changes_in(code, MOST_CHANGES).await?;
        Ok(Some(AreaChanges {
            area: AreaSummary {
                code: code.to_string(),
                name: f.name.clone(),
                population: f.population,
            },
            entries: group(rows),
        }))
    }
}

/// Changes (newest first) grouped per entry, entries in the order of their newest change.
fn group(rows: Vec<StatusChangeRow>) -> Vec<ChangedEntry> {
    let mut out: Vec<ChangedEntry> = Vec::new();
    let mut at: rustc_hash::FxHashMap<String, usize> = Default::default();
    for r in rows {
        let Some(kind) = Kind::parse(&r.kind) else {
            continue;
        };
        let change = StatusChange {
            day: day_in_netherlands(&r.at),
            status: Status::parse(&r.status).unwrap_or_default(),
            note: r.note,
        };
        match at.get(&r.submission) {
            Some(&i) => out[i].changes.push(change),
            None => {
                at.insert(r.submission.clone(), out.len());
                out.push(ChangedEntry {
                    month: month_in_netherlands(&r.created_at).unwrap_or_default(),
                    id: r.submission,
                    kind,
                    category: r.category,
                    changes: vec![change],
                });
            }
        }
    }
    out
}

/// The Dutch day (`YYYY-MM-DD`) of a stored timestamp.
fn day_in_netherlands(timestamp: &str) -> String {
    timestamp
        .parse()
        .map(|t| crate::domain::calendar::day_in_netherlands(t).to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, status: &str, at: &str) -> StatusChangeRow {
        StatusChangeRow {
            submission: id.into(),
            kind: "barrier".into(),
            category: "steps".into(),
            created_at: "2026-03-31T22:30:00.000Z".into(),
            status: status.into(),
            note: None,
            at: at.into(),
        }
    }

    #[test]
    fn changes_group_per_entry_in_dutch_days() {
        let out = group(vec![
            row("a", "done", "2026-06-01T23:00:00.000Z"),
            row("b", "taken_up", "2026-05-20T10:00:00.000Z"),
            row("a", "in_progress", "2026-05-01T10:00:00.000Z"),
        ]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].id, "a");
        assert_eq!(out[0].month, "2026-04", "the Dutch month of the entry");
        let days: Vec<&str> = out[0].changes.iter().map(|c| c.day.as_str()).collect();
        assert_eq!(
            days,
            ["2026-06-02", "2026-05-01"],
            "Dutch days, newest first"
        );
        assert_eq!(out[1].changes[0].status, Status::TakenUp);
    }
}
