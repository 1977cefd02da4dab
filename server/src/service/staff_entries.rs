//! Entries as staff work with them: the moderation queue on `/staff` and the search over every entry
//! of their gemeenten on `/staff/meldingen`, each entry with its area's name and what looks like
//! personal data in the resident's words.

use app::model::{
    personal_data, Duplicate, EntriesPage, EntrySearch, Kind, StaffEntry, Status, ENTRIES_PER_PAGE,
};

use crate::domain::areas::cbs_gemeente as gemeente_of;
use crate::domain::calendar::{add_days, start_of_dutch_day};
use crate::service::aggregates::Facts;
use crate::service::Service;
use crate::store::{like_anywhere, SessionUser, StaffEntryRow, StaffFilter, StoreError};

impl Service {
    /// Entries whose text, reply or photo waits for this moderator, oldest first.
    pub async fn moderation_queue(
        &self,
        user: &SessionUser,
        limit: u32,
    ) -> Result<Vec<StaffEntryRow>, StoreError> {
        self.store
            .moderation_queue(limit.clamp(1, 1000), &user.scope())
            .await
    }

    /// The queue of the staff page, each entry with its possible duplicates.
    pub(super) async fn queue_entries(
        &self,
        user: &SessionUser,
    ) -> Result<Vec<StaffEntry>, StoreError> {
        let facts = self.facts().await?;
        let mut out = Vec::new();
        for row in self.store.moderation_queue(200, &user.scope()).await? {
            let duplicates = self
                .store
                .duplicate_candidates(&row.id)
                .await?
                .into_iter()
                .map(|c| Duplicate {
                    id: c.id,
                    created_at: c.created_at.get(..10).unwrap_or_default().to_string(),
                    text: c.text,
                })
                .collect();
            if let Some(mut e) = staff_entry(row, &facts) {
                e.duplicates = duplicates;
                out.push(e);
            }
        }
        Ok(out)
    }

    /// One page of the search over every entry of the staff member's gemeenten (hidden ones too).
    pub async fn entries_page(
        &self,
        user: &SessionUser,
        search: Result<EntrySearch, String>,
    ) -> Result<EntriesPage, StoreError> {
        let scope = user.scope();
        let facts = self.facts().await?;
        let mut areas: Vec<(String, String)> = facts
            .values()
            .filter(|a| a.level == "gemeente" || a.level == "wijk")
            .filter(|a| scope.covers(gemeente_of(&a.code).as_deref()))
            .map(|a| {
                (
                    a.code.clone(),
                    a.name.clone().unwrap_or_else(|| a.code.clone()),
                )
            })
            .collect();
        areas.sort();
        let (search, problem) = match search {
            Ok(s) => (s, None),
            Err(p) => (EntrySearch::default(), Some(p)),
        };
        if problem.is_some() {
            return Ok(EntriesPage {
                search,
                problem,
                areas,
                entries: Vec::new(),
                more: false,
            });
        }
        let filter = StaffFilter {
            kind: search.kind.map(|k| k.as_str().to_string()),
            category: search.category.clone(),
            status: search.status.map(|s| s.as_str().to_string()),
            area: search.area.clone(),
            words: search.text.as_deref().map(like_anywhere),
            from: search
                .from
                .as_deref()
                .and_then(|d| d.parse().ok())
                .and_then(start_of_dutch_day),
            until: search
                .to
                .as_deref()
                .and_then(|d| d.parse().ok())
                .and_then(|d| add_days(d, 1))
                .and_then(start_of_dutch_day),
            id: search.id.clone(),
            // One more than a page tells whether there is a next one.
            limit: ENTRIES_PER_PAGE + 1,
            offset: search.page.saturating_mul(ENTRIES_PER_PAGE),
        };
        let mut rows = self.store.staff_entries(&scope, &filter).await?;
        let more = rows.len() > ENTRIES_PER_PAGE as usize;
        rows.truncate(ENTRIES_PER_PAGE as usize);
        Ok(EntriesPage {
            search,
            problem: None,
            areas,
            entries: rows
                .into_iter()
                .filter_map(|r| staff_entry(r, &facts))
                .collect(),
            more,
        })
    }
}

/// A stored row as staff see it: the area named, personal data flagged.
pub(super) fn staff_entry(r: StaffEntryRow, facts: &Facts) -> Option<StaffEntry> {
    let kind = Kind::parse(&r.kind)?;
    let name = |code: &Option<String>| {
        code.as_ref()
            .and_then(|c| facts.get(c))
            .and_then(|f| f.name.clone())
    };
    let area = [name(&r.buurt), name(&r.wijk), name(&r.gemeente)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    let flagged = [Some(&r.text), r.reply.as_ref(), r.talent.as_ref()]
        .into_iter()
        .flatten()
        .flat_map(|t| {
            personal_data(t)
                .into_iter()
                .map(|(a, b)| t[a..b].to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    Some(StaffEntry {
        id: r.id,
        kind,
        category: r.category,
        created_at: r.created_at,
        text: r.text,
        text_public: r.text_public == 1,
        flagged,
        photo: r.photo.as_deref().map(app::model::photo_url),
        duplicates: Vec::new(),
        status: Status::parse(&r.status).unwrap_or_default(),
        status_note: r.status_note,
        hidden: r.hidden == 1,
        reply: r.reply,
        reply_public: r.reply_public == 1,
        talent: r.talent.filter(|t| !t.trim().is_empty()),
        talent_public: r.talent_public == 1,
        area: (!area.is_empty()).then(|| area.join(", ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_nest_in_their_gemeente() {
        assert_eq!(gemeente_of("BU05050101").as_deref(), Some("GM0505"));
        assert_eq!(gemeente_of("WK050501").as_deref(), Some("GM0505"));
        assert_eq!(gemeente_of("GM0505").as_deref(), Some("GM0505"));
        assert_eq!(gemeente_of("BU0363AA01").as_deref(), Some("GM0363"));
        assert_eq!(gemeente_of("GM"), None);
    }
}
