//! What a moderator's change really changes, given the entry as it is now. Staff forms send every
//! field as the page showed it, so saving without touching anything must change nothing; a form
//! saved after the resident changed their words (or after retention or a merge removed them) must
//! not bring the old words back; and a merged entry stays folded away.

use app::model::{Moderation, Status};

/// The entry as stored, as far as a moderation touches it.
#[derive(Debug, Clone, Default)]
pub struct Current {
    pub status: Status,
    pub status_note: Option<String>,
    pub category: String,
    pub hidden: bool,
    /// Folded into another entry: it stays hidden.
    pub merged: bool,
    /// Retention removed the resident's words: there is nothing left to edit or publish.
    pub words_removed: bool,
    pub text: Option<String>,
    pub reply: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Only what differs from the entry as it is (possibly nothing).
    Apply(Moderation),
    /// The resident's words are not what the moderator saw (`text_was`, `reply_was`): nothing is
    /// applied, so the moderator reads them again first.
    Stale,
}

/// Words as compared and stored: browsers send a textarea's line ends as CRLF and a JSON client
/// may send LF; either way the same words. Surrounding space is not part of them.
pub fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n").trim().to_string()
}

fn same_words(given: &str, stored: Option<&str>) -> bool {
    normalize(given) == normalize(stored.unwrap_or_default())
}

/// The part of `m` that changes `c`.
pub fn effective(m: &Moderation, c: &Current) -> Outcome {
    let stale = |was: &Option<String>, now: &Option<String>| {
        was.as_deref()
            .is_some_and(|was| !same_words(was, now.as_deref()))
    };
    if stale(&m.text_was, &c.text) || stale(&m.reply_was, &c.reply) {
        return Outcome::Stale;
    }
    let words_open = !c.words_removed;
    let out = Moderation {
        status: m.status.filter(|s| *s != c.status),
        status_note: m
            .status_note
            .as_deref()
            .filter(|n| !same_words(n, c.status_note.as_deref()))
            .map(normalize),
        // A merged entry is not brought back by a form that showed it hidden or not.
        hidden: m
            .hidden
            .filter(|h| *h != c.hidden)
            .filter(|h| *h || !c.merged),
        category: m.category.clone().filter(|k| *k != c.category),
        text: m
            .text
            .as_deref()
            .filter(|_| words_open)
            .filter(|t| !same_words(t, c.text.as_deref()))
            .map(normalize),
        text_public: m.text_public.filter(|_| words_open),
        text_was: None,
        photo_public: m.photo_public,
        merge_into: m.merge_into.clone(),
        confirmed: m.confirmed,
        reply: m
            .reply
            .as_deref()
            .filter(|_| words_open)
            .filter(|r| !same_words(r, c.reply.as_deref()))
            .map(normalize),
        reply_public: m.reply_public.filter(|_| words_open),
        reply_was: None,
        talent_public: m.talent_public.filter(|_| words_open),
    };
    Outcome::Apply(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current() -> Current {
        Current {
            status: Status::InProgress,
            status_note: Some("We kijken ernaar.\nDinsdag meer.".into()),
            category: "steps".into(),
            hidden: false,
            merged: false,
            words_removed: false,
            text: Some("Hoge stoep".into()),
            reply: Some("Dank je".into()),
        }
    }

    /// The staff form saved as the page showed it.
    fn untouched() -> Moderation {
        Moderation {
            status: Some(Status::InProgress),
            status_note: Some("We kijken ernaar.\r\nDinsdag meer.".into()),
            hidden: Some(false),
            category: Some("steps".into()),
            text: Some("Hoge stoep\r\n".into()),
            text_was: Some("Hoge stoep".into()),
            text_public: Some(true),
            reply: Some("Dank je".into()),
            reply_was: Some("Dank je".into()),
            reply_public: Some(false),
            ..Default::default()
        }
    }

    #[test]
    fn an_untouched_form_changes_only_what_it_sets_outright() {
        let Outcome::Apply(m) = effective(&untouched(), &current()) else {
            panic!("not stale")
        };
        assert_eq!(
            m,
            Moderation {
                text_public: Some(true),
                reply_public: Some(false),
                ..Default::default()
            },
            "status, note, category, hidden and words as they were"
        );
    }

    #[test]
    fn a_form_older_than_the_residents_words_applies_nothing() {
        let mut c = current();
        c.reply = None;
        assert_eq!(effective(&untouched(), &c), Outcome::Stale, "reply removed");
        let mut c = current();
        c.text = Some("Hoge stoep, nu ook kapot".into());
        assert_eq!(effective(&untouched(), &c), Outcome::Stale, "text changed");
        let mut c = current();
        c.text = None;
        c.reply = None;
        c.words_removed = true;
        assert_eq!(
            effective(&untouched(), &c),
            Outcome::Stale,
            "after retention"
        );
    }

    #[test]
    fn after_retention_words_are_neither_written_nor_published() {
        let c = Current {
            words_removed: true,
            text: None,
            reply: None,
            ..current()
        };
        let m = Moderation {
            text: Some("Hoge stoep".into()),
            text_public: Some(true),
            reply: Some("x".into()),
            reply_public: Some(true),
            talent_public: Some(true),
            status: Some(Status::Done),
            ..Default::default()
        };
        let Outcome::Apply(m) = effective(&m, &c) else {
            panic!("no words were shown")
        };
        assert_eq!(
            m,
            Moderation {
                status: Some(Status::Done),
                ..Default::default()
            }
        );
    }

    #[test]
    fn a_merged_entry_stays_hidden_and_a_changed_note_is_stored_normalized() {
        let c = Current {
            hidden: true,
            merged: true,
            ..current()
        };
        let m = Moderation {
            hidden: Some(false),
            status_note: Some("  Klaar.\r\n ".into()),
            ..Default::default()
        };
        let Outcome::Apply(m) = effective(&m, &c) else {
            panic!("nothing stale")
        };
        assert_eq!(m.hidden, None);
        assert_eq!(m.status_note.as_deref(), Some("Klaar."));
    }
}
