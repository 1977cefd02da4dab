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
    pub text_public: bool,
    pub reply_public: bool,
    pub talent_public: bool,
    /// Whether the entry's photo is public; `None` without a photo.
    pub photo_public: Option<bool>,
    /// Staff saw the barrier on site.
    pub confirmed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Only what differs from the entry as it is (possibly nothing).
    Apply(Moderation),
    /// The resident's words are not what the moderator saw (`text_was`, `reply_was`): nothing is
    /// applied, so the moderator reads them again first.
    Stale,
}

pub use app::model::normalize_words as normalize;

fn same_words(given: &str, stored: Option<&str>) -> bool {
    normalize(given) == normalize(stored.unwrap_or_default())
}

/// A status note is one line (the staff form's field is one): line breaks and runs of space as one
/// space, as it is stored.
pub fn one_line(note: &str) -> String {
    note.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A note as the one-line field sends it back: the browser deletes line breaks from its value (a
/// note stored before notes were one line may hold some).
fn same_note(given: &str, stored: Option<&str>) -> bool {
    let field = |t: &str| one_line(&t.replace(['\r', '\n'], ""));
    field(given) == field(stored.unwrap_or_default())
        || one_line(given) == one_line(stored.unwrap_or_default())
}

/// The fields a moderation sets, for the audit log (the `*_was` guards are not changes).
pub fn fields(m: &Moderation) -> Vec<&'static str> {
    [
        ("status", m.status.is_some()),
        ("status_note", m.status_note.is_some()),
        ("hidden", m.hidden.is_some()),
        ("category", m.category.is_some()),
        ("text", m.text.is_some()),
        ("text_public", m.text_public.is_some()),
        ("photo_public", m.photo_public.is_some()),
        ("merge_into", m.merge_into.is_some()),
        ("confirmed", m.confirmed.is_some()),
        ("reply", m.reply.is_some()),
        ("reply_public", m.reply_public.is_some()),
        ("talent_public", m.talent_public.is_some()),
    ]
    .into_iter()
    .filter_map(|(f, set)| set.then_some(f))
    .collect()
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
            .filter(|n| !same_note(n, c.status_note.as_deref()))
            .map(one_line),
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
        text_public: m.text_public.filter(|p| words_open && *p != c.text_public),
        text_was: None,
        photo_public: m
            .photo_public
            .filter(|p| c.photo_public.is_some_and(|now| now != *p)),
        merge_into: m.merge_into.clone(),
        // With another category the confirmation is asked again (the store resets an unasked one).
        confirmed: m
            .confirmed
            .filter(|k| *k != c.confirmed || m.category.as_ref().is_some_and(|k| *k != c.category)),
        reply: m
            .reply
            .as_deref()
            .filter(|_| words_open)
            .filter(|r| !same_words(r, c.reply.as_deref()))
            .map(normalize),
        reply_public: m
            .reply_public
            .filter(|p| words_open && *p != c.reply_public),
        reply_was: None,
        talent_public: m
            .talent_public
            .filter(|p| words_open && *p != c.talent_public),
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
            text: Some("Hoge\rstoep".into()),
            reply: Some("Dank je".into()),
            text_public: true,
            reply_public: false,
            talent_public: false,
            photo_public: Some(false),
            confirmed: false,
        }
    }

    /// The staff form saved as the page showed it.
    fn untouched() -> Moderation {
        Moderation {
            status: Some(Status::InProgress),
            // A one-line field: the browser deleted the note's line break.
            status_note: Some("We kijken ernaar.Dinsdag meer.".into()),
            photo_public: Some(false),
            confirmed: None,
            hidden: Some(false),
            category: Some("steps".into()),
            text: Some("Hoge\r\nstoep\r\n".into()),
            // Through an attribute: the stored lone CR came back as LF.
            text_was: Some("Hoge\nstoep".into()),
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
        assert_eq!(m, Moderation::default(), "everything as it was");
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
        // A note sent with line breaks is stored as one line, as the form shows it.
        let m = Moderation {
            status_note: Some("Klaar.\nTot ziens.".into()),
            ..Default::default()
        };
        let Outcome::Apply(m) = effective(&m, &current()) else {
            panic!("nothing stale")
        };
        assert_eq!(m.status_note.as_deref(), Some("Klaar. Tot ziens."));
    }
}
