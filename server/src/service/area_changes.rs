//! "You said, we did" per area: what staff did with the area's entries, grouped per entry. An entry
//! belongs to the area its public position lies in (a barrier's or wish's 100 m cell centre), as
//! every public selection does: the exact position never decides which side of a border it is on.

use app::model::{AreaChanges, AreaSummary, ChangedEntry, Kind, Status, StatusChange};
use geo::{BoundingRect, MultiPolygon};

use crate::domain::areas::{cbs_level, cbs_parent, dissolve};
use crate::domain::calendar::{day_in_netherlands, month_in_netherlands};
use crate::service::Service;
use crate::store::{StatusChangeRow, StoreError};

/// The most changes one page reads (the newest).
const MOST_CHANGES: u32 = 2000;

impl Service {
    /// The area's entries staff changed, newest change first; `None` for an unknown area.
    pub async fn area_changes(&self, code: &str) -> Result<Option<AreaChanges>, StoreError> {
        let facts = self.facts().await?;
        let (Some(f), Some(_)) = (facts.get(code), cbs_level(code)) else {
            return Ok(None);
        };
        let area = self.public_area(code);
        let rows = match area.bbox() {
            Some(bbox) => self.store.status_changes_within(bbox, MOST_CHANGES).await?,
            None => Vec::new(),
        };
        let within: Vec<StatusChangeRow> = rows
            .into_iter()
            .filter(|r| area.holds(r.pub_lon, r.pub_lat))
            .collect();
        Ok(Some(AreaChanges {
            area: AreaSummary {
                code: code.to_string(),
                name: f.name.clone(),
                population: f.population,
            },
            entries: group(within),
        }))
    }
}

/// An area as public selections see it: its parts (its own shape, or its parts' where only they
/// were imported), and which public positions lie in it by the index that assigns entries.
pub(super) struct PublicArea {
    code: String,
    /// Indexes of the parts in the loaded area index.
    parts: Vec<usize>,
    areas: std::sync::Arc<crate::service::areas::LoadedAreas>,
}

impl PublicArea {
    /// `[min_lon, min_lat, max_lon, max_lat]` around its parts; `None` for an area without a shape.
    pub fn bbox(&self) -> Option<[f64; 4]> {
        self.parts
            .iter()
            .filter_map(|&i| self.areas.index.area(i).shape.bounding_rect())
            .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
            .reduce(|a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            })
    }

    /// Its outline, its parts merged (for drawing: costs a union of every part).
    pub fn shape(&self) -> MultiPolygon<f64> {
        let parts: Vec<&MultiPolygon<f64>> = self
            .parts
            .iter()
            .map(|&i| &self.areas.index.area(i).shape)
            .collect();
        dissolve(&parts)
    }

    /// Whether the public position (lon, lat) lies in the area.
    pub fn holds(&self, lon: f64, lat: f64) -> bool {
        let codes = self.areas.index.assign(lon, lat);
        [codes.gemeente, codes.wijk, codes.buurt]
            .iter()
            .any(|c| c.as_deref() == Some(self.code.as_str()))
    }
}

impl Service {
    /// Area `code` for selecting entries by their public position (never their exact one).
    pub(super) fn public_area(&self, code: &str) -> PublicArea {
        let areas = self.loaded_areas();
        let level = cbs_level(code);
        let index = &areas.index;
        let own: Vec<usize> = (0..index.len())
            .filter(|&i| index.area(i).code == code)
            .collect();
        let parts = if own.is_empty() {
            (0..index.len())
                .filter(|&i| {
                    level
                        .and_then(|l| cbs_parent(&index.area(i).code, l))
                        .as_deref()
                        == Some(code)
                })
                .collect()
        } else {
            own
        };
        PublicArea {
            code: code.to_string(),
            parts,
            areas: areas.clone(),
        }
    }
}

/// Changes (newest first) grouped per entry. Entries are ordered by the day of their newest change
/// and then by id (random): never by the moment of a change, which staff working down the
/// moderation queue would make the order in which residents sent their entries.
fn group(rows: Vec<StatusChangeRow>) -> Vec<ChangedEntry> {
    let mut out: Vec<ChangedEntry> = Vec::new();
    let mut at: rustc_hash::FxHashMap<String, usize> = Default::default();
    for r in rows {
        let Some(kind) = Kind::parse(&r.kind) else {
            continue;
        };
        let change = StatusChange {
            day: dutch_day(&r.at),
            status: Status::parse(&r.status).unwrap_or_default(),
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
                    note: r.status_note,
                    changes: vec![change],
                });
            }
        }
    }
    out.sort_by(|a, b| {
        let newest = |e: &ChangedEntry| e.changes.first().map(|c| c.day.clone());
        newest(b).cmp(&newest(a)).then(a.id.cmp(&b.id))
    });
    out
}

/// The Dutch day (`YYYY-MM-DD`) of a stored timestamp.
fn dutch_day(timestamp: &str) -> String {
    timestamp
        .parse()
        .map(|t| day_in_netherlands(t).to_string())
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
            pub_lon: 4.67,
            pub_lat: 51.81,
            status_note: None,
            status: status.into(),
            at: at.into(),
        }
    }

    #[test]
    fn changes_group_per_entry_in_dutch_days_and_entries_of_a_day_by_id() {
        let out = group(vec![
            row("c", "done", "2026-06-01T23:00:00.000Z"),
            row("b", "taken_up", "2026-06-02T10:00:00.000Z"),
            row("a", "taken_up", "2026-05-20T10:00:00.000Z"),
            row("c", "in_progress", "2026-05-01T10:00:00.000Z"),
        ]);
        let ids: Vec<&str> = out.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            ["b", "c", "a"],
            "c's 23:00 UTC is 2 June in the Netherlands, as b's"
        );
        assert_eq!(out[1].month, "2026-04", "the Dutch month of the entry");
        let days: Vec<&str> = out[1].changes.iter().map(|c| c.day.as_str()).collect();
        assert_eq!(days, ["2026-06-02", "2026-05-01"], "newest first");
    }
}
