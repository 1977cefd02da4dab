//! Every entry of a staff member's gemeenten, searchable (`/staff/meldingen`), and one entry as
//! staff see and change it there and in the moderation queue.

use serde::{Deserialize, Serialize};

use super::insight::{bad, last_value, BadParam};
use super::{is_day, Duplicate, Kind, Status};

/// Entries shown on one page of the search.
pub const ENTRIES_PER_PAGE: u32 = 50;

/// Longest search text, in characters.
pub const MAX_SEARCH_CHARS: usize = 100;

/// What a staff member looks for among the entries of their gemeenten. Every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntrySearch {
    pub kind: Option<Kind>,
    pub category: Option<String>,
    pub status: Option<Status>,
    /// A CBS gemeente, wijk or buurt code: entries within it.
    pub area: Option<String>,
    /// Words in the resident's text, reply, talent or place name, or in the status note.
    pub text: Option<String>,
    /// Made on or after this day (`YYYY-MM-DD`, Dutch time).
    pub from: Option<String>,
    /// Made on or before this day.
    pub to: Option<String>,
    /// One entry by its id (a match on the talents page links to it).
    #[serde(default)]
    pub id: Option<String>,
    /// 0-based page of [`ENTRIES_PER_PAGE`] entries, newest first.
    pub page: u32,
}

/// Whether `code` has the form of a CBS area code: `GM` and 4 digits (a gemeente), `WK` and those
/// 4 digits and 2 characters, `BU` and those 6 and 2 more; the characters after the gemeente's
/// digits are digits or capitals (Amsterdam: `WK0363AA`, `BU0363AA01`). The server's
/// `domain::areas::is_cbs_code` is the same rule per level.
pub fn is_area_code(code: &str) -> bool {
    let tail = match code.get(..2) {
        Some("GM") => 0,
        Some("WK") => 2,
        Some("BU") => 4,
        _ => return false,
    };
    let b = code.as_bytes();
    b.len() == 6 + tail
        && b[2..6].iter().all(u8::is_ascii_digit)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

impl EntrySearch {
    /// Reads the search from query pairs; empty values count as absent (a form's "every" option).
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<EntrySearch, BadParam> {
        let get = |k: &str| last_value(pairs, k);
        let kind = get("kind")
            .map(|k| Kind::parse(k).ok_or(bad("kind", "must be place, barrier or wish")))
            .transpose()?;
        let category = get("category").map(str::to_string);
        if let Some(c) = &category {
            let known = Kind::ALL
                .iter()
                .filter(|k| kind.is_none_or(|kind| kind == **k))
                .any(|k| k.categories().contains(&c.as_str()));
            if !known {
                return Err(bad("category", "is not a category of this kind"));
            }
        }
        let status = get("status")
            .map(|s| Status::parse(s).ok_or(bad("status", "is not a status")))
            .transpose()?;
        let area = get("area").map(str::to_string);
        if area.as_deref().is_some_and(|a| !is_area_code(a)) {
            return Err(bad(
                "area",
                "must be a CBS code such as GM0505, WK050501 or BU05050101",
            ));
        }
        let text = get("text").map(str::to_string);
        if text
            .as_deref()
            .is_some_and(|t| t.chars().count() > MAX_SEARCH_CHARS)
        {
            return Err(bad("text", "is longer than 100 characters"));
        }
        let day = |k: &'static str| {
            get(k)
                .map(|d| {
                    is_day(d)
                        .then(|| d.to_string())
                        .ok_or(bad(k, "must be a day such as 2026-06-13"))
                })
                .transpose()
        };
        let (from, to) = (day("from")?, day("to")?);
        if let (Some(f), Some(t)) = (&from, &to) {
            if t < f {
                return Err(bad("to", "is before from"));
            }
        }
        let id = get("id")
            .map(|i| {
                super::is_uuid(i)
                    .then(|| i.to_ascii_lowercase())
                    .ok_or(bad("id", "must be an entry's id (a UUID)"))
            })
            .transpose()?;
        let page = get("page")
            .map(|p| {
                p.parse::<u32>()
                    .ok()
                    .filter(|p| *p < 10_000)
                    .ok_or(bad("page", "must be a number from 0"))
            })
            .transpose()?
            .unwrap_or(0);
        Ok(EntrySearch {
            kind,
            category,
            status,
            area,
            text,
            from,
            to,
            id,
            page,
        })
    }

    /// The search as query pairs, for links (the next page) and for coming back after a change.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(k) = self.kind {
            out.push(("kind", k.as_str().to_string()));
        }
        let texts = [
            ("category", &self.category),
            ("area", &self.area),
            ("text", &self.text),
            ("from", &self.from),
            ("to", &self.to),
            ("id", &self.id),
        ];
        if let Some(s) = self.status {
            out.push(("status", s.as_str().to_string()));
        }
        for (k, v) in texts {
            if let Some(v) = v {
                out.push((k, v.clone()));
            }
        }
        if self.page > 0 {
            out.push(("page", self.page.to_string()));
        }
        out
    }
}

/// One entry as staff see it: everything the resident gave that staff may read, its state, and
/// where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffEntry {
    pub id: String,
    pub kind: Kind,
    pub category: String,
    pub created_at: String,
    /// The resident's free text ("" when none).
    pub text: String,
    pub text_public: bool,
    /// What looks like a phone number or e-mail address in `text`, the reply or the talent.
    pub flagged: Vec<String>,
    /// The address of a photo that waits for a moderator (staff only until published).
    #[serde(default)]
    pub photo: Option<String>,
    /// Nearby entries of the same kind and category: possible duplicates to merge into.
    #[serde(default)]
    pub duplicates: Vec<Duplicate>,
    pub status: Status,
    /// Staff's public note with the status (the worker's word to the resident).
    #[serde(default)]
    pub status_note: Option<String>,
    pub hidden: bool,
    /// The resident's reply to the note, and whether it is published.
    #[serde(default)]
    pub reply: Option<String>,
    #[serde(default)]
    pub reply_public: bool,
    /// The talent a wish offers, and whether it is published (wishes only).
    #[serde(default)]
    pub talent: Option<String>,
    #[serde(default)]
    pub talent_public: bool,
    /// The area's name: buurt, wijk, gemeente as far as known.
    #[serde(default)]
    pub area: Option<String>,
}

/// The search page: the search, the areas to choose from, and one page of what it found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntriesPage {
    pub search: EntrySearch,
    /// What was wrong with the search as asked (then `entries` is empty).
    pub problem: Option<String>,
    /// (code, name) of the gemeenten and wijken within the staff member's scope.
    pub areas: Vec<(String, String)>,
    pub entries: Vec<StaffEntry>,
    /// Whether there is a page after this one.
    pub more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_search_reads_back_to_the_same_pairs() {
        let p = pairs(&[
            ("kind", "wish"),
            ("category", "activity"),
            ("status", "in_progress"),
            ("area", "BU03630000"),
            ("text", "koken"),
            ("from", "2026-01-01"),
            ("to", "2026-12-31"),
            ("id", "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"),
            ("page", "2"),
        ]);
        let s = EntrySearch::from_pairs(&p).expect("valid");
        assert_eq!(s.kind, Some(Kind::Wish));
        let back: Vec<(String, String)> = s
            .to_pairs()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(EntrySearch::from_pairs(&back), Ok(s));
        assert_eq!(
            EntrySearch::from_pairs(&pairs(&[("kind", ""), ("text", " ")])),
            Ok(EntrySearch::default()),
            "empty values are the form's 'every'"
        );
    }

    #[test]
    fn a_wrong_part_is_named() {
        let field = |p: &[(&str, &str)]| {
            EntrySearch::from_pairs(&pairs(p))
                .expect_err("invalid")
                .field
        };
        assert_eq!(field(&[("kind", "tree")]), "kind");
        assert_eq!(
            field(&[("kind", "place"), ("category", "steps")]),
            "category"
        );
        assert_eq!(field(&[("status", "hidden")]), "status");
        assert_eq!(field(&[("area", "GM05'--")]), "area");
        assert_eq!(field(&[("area", "XX0505")]), "area");
        assert_eq!(field(&[("text", &"a".repeat(101))]), "text");
        assert_eq!(field(&[("from", "2026-13-01")]), "from");
        assert_eq!(field(&[("from", "2026-06-02"), ("to", "2026-06-01")]), "to");
        assert_eq!(field(&[("page", "-1")]), "page");
        assert_eq!(field(&[("id", "1 OR 1=1")]), "id");
        assert!(is_area_code("GM0505") && is_area_code("BU05050101"));
        assert!(
            is_area_code("WK0363AA") && is_area_code("BU0363AA01"),
            "letters occur"
        );
        assert!(!is_area_code("GM") && !is_area_code("gm0505") && !is_area_code("GM05a5"));
        assert!(
            !is_area_code("GM050501") && !is_area_code("BU0505"),
            "the length of the level"
        );
        // Not a character boundary at byte 2: refused, not a panic.
        assert!(!is_area_code("a€") && !is_area_code("€€€€"));
        assert_eq!(field(&[("area", "a€")]), "area");
    }
}
