//! Entries as staff read them: the moderation queue and the search over every entry of their
//! gemeenten. Exact words and state, never the resident's respondent id or exact position.

use crate::domain::roles::Scope;

use super::db::Store;
use super::staff::scope_clause;
use super::StoreError;

/// One entry as staff read it (see `app::model::StaffEntry`, which the service makes of it).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffEntryRow {
    pub id: String,
    pub kind: String,
    pub category: String,
    pub created_at: String,
    pub gemeente: Option<String>,
    pub wijk: Option<String>,
    pub buurt: Option<String>,
    pub text: String,
    pub text_public: i64,
    pub status: String,
    pub status_note: Option<String>,
    pub hidden: i64,
    pub reply: Option<String>,
    pub reply_public: i64,
    pub talent: Option<String>,
    pub talent_public: i64,
    /// The hash of a photo waiting for a moderator.
    pub photo: Option<String>,
}

/// What the search asks of the rows, already turned into SQL values by the service.
#[derive(Debug, Clone, Default)]
pub struct StaffFilter {
    pub kind: Option<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    pub area: Option<String>,
    /// A `LIKE` pattern over the words (lower case, `\` escapes).
    pub words: Option<String>,
    /// UTC moments: made at or after `from`, before `until`.
    pub from: Option<String>,
    pub until: Option<String>,
    pub id: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern that finds `words` anywhere.
pub fn like_anywhere(words: &str) -> String {
    let mut out = String::from("%");
    for c in words.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl Store {
    fn staff_columns(&self) -> String {
        format!(
            "id, kind, category, created_at, gemeente, wijk, buurt, coalesce(text, '') AS text, \
             text_public, status, status_note, hidden, reply, reply_public, {} AS talent, talent_public, \
             (SELECT hash FROM photos p WHERE p.submission = submissions.id AND p.public = 0) AS photo",
            self.backend.json_text("details", "talent")
        )
    }

    /// Visible entries whose text, reply or photo waits for a moderator, oldest first, within
    /// `scope`.
    pub async fn moderation_queue(
        &self,
        limit: u32,
        scope: &Scope,
    ) -> Result<Vec<StaffEntryRow>, StoreError> {
        // A wish's talent is not queued: staff publish it from the talents page, where it is read
        // beside the wishes it could answer.
        let sql = format!(
            "SELECT {} FROM submissions \
             WHERE hidden = 0 AND ((text_public = 0 AND text IS NOT NULL AND text != '') \
                OR (reply_public = 0 AND reply IS NOT NULL) \
                OR EXISTS (SELECT 1 FROM photos p WHERE p.submission = submissions.id AND p.public = 0)) {} \
             ORDER BY created_at, id LIMIT ?",
            self.staff_columns(),
            scope_clause(scope)
        );
        let sql = self.backend.sql(&sql);
        let mut q = sqlx::query_as(&sql);
        if let Scope::Gemeenten(codes) = scope {
            for c in codes {
                q = q.bind(c);
            }
        }
        Ok(q.bind(i64::from(limit)).fetch_all(&self.reader).await?)
    }

    /// Every entry within `scope` that `f` lets through, hidden ones included, newest first.
    pub async fn staff_entries(
        &self,
        scope: &Scope,
        f: &StaffFilter,
    ) -> Result<Vec<StaffEntryRow>, StoreError> {
        let words = format!(
            "lower(coalesce(text, '') || ' ' || coalesce(reply, '') || ' ' || coalesce(status_note, '') \
             || ' ' || coalesce({}, '') || ' ' || coalesce({}, ''))",
            self.backend.json_text("details", "talent"),
            self.backend.json_text("details", "name"),
        );
        // Each condition holds when its parameter is NULL, so one statement serves every search;
        // the scope's gemeenten are one JSON list (NULL: an admin's, every one).
        let sql = format!(
            "SELECT {} FROM submissions \
             WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR category = ?2) \
             AND (?3 IS NULL OR status = ?3) \
             AND (?4 IS NULL OR gemeente = ?4 OR wijk = ?4 OR buurt = ?4) \
             AND (?5 IS NULL OR {words} LIKE ?5 ESCAPE '\\') \
             AND (?6 IS NULL OR created_at >= ?6) AND (?7 IS NULL OR created_at < ?7) \
             AND (?8 IS NULL OR id = ?8) \
             AND (?9 IS NULL OR gemeente IN {}) \
             ORDER BY created_at DESC, id DESC LIMIT ?10 OFFSET ?11",
            self.staff_columns(),
            self.backend.json_list("?9"),
        );
        let scope = match scope {
            Scope::All => None,
            Scope::Gemeenten(codes) => Some(serde_json::to_string(codes).unwrap_or_default()),
        };
        let sql = self.backend.sql(&sql);
        let q = sqlx::query_as(&sql)
            .bind(&f.kind)
            .bind(&f.category)
            .bind(&f.status)
            .bind(&f.area)
            .bind(&f.words)
            .bind(&f.from)
            .bind(&f.until)
            .bind(&f.id)
            .bind(scope);
        Ok(q.bind(i64::from(f.limit))
            .bind(i64::from(f.offset))
            .fetch_all(&self.reader)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_are_literal() {
        assert_eq!(like_anywhere(" Koken "), "%koken%");
        assert_eq!(like_anywhere("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
