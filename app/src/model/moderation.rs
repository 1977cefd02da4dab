//! What a moderator may change about an entry (`PATCH /api/v1/submissions/{id}`), and its rules.

use serde::{Deserialize, Serialize};

use super::{Kind, Rule, Status, Violation, MAX_TEXT_CHARS};

/// Longest public status note, in characters.
pub const MAX_NOTE: usize = 500;

/// Words as compared, counted and stored: the same words whichever way they came. A browser sends a
/// form's line ends as CRLF (a lone CR too) and a NUL in an attribute as U+FFFD; a JSON client may
/// send LF. Surrounding space is not part of them.
pub fn normalize_words(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\0', "\u{fffd}")
        .trim()
        .to_string()
}

/// Every field is optional: only what is given changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Moderation {
    pub status: Option<Status>,
    /// The public note with the status; an empty string removes it.
    #[cfg_attr(feature = "ssr", schema(max_length = 500))]
    pub status_note: Option<String>,
    /// Hidden entries are not shown or counted anywhere public.
    pub hidden: Option<bool>,
    /// Another category of the same kind.
    pub category: Option<String>,
    /// The free text with personal data removed.
    #[cfg_attr(feature = "ssr", schema(max_length = 2000))]
    pub text: Option<String>,
    /// Publish the free text (or take it back).
    pub text_public: Option<bool>,
    /// The free text as the moderator saw it: when the resident (or retention) changed it since,
    /// nothing of this change is applied (409), so old words never come back.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 2000))]
    pub text_was: Option<String>,
    /// Publish the entry's photo (or take it back).
    #[serde(default)]
    pub photo_public: Option<bool>,
    /// Fold this entry into another of the same kind and category (a duplicate): it is hidden and
    /// its resident counts on the other as an "ik ook".
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::uuid))]
    pub merge_into: Option<String>,
    /// The resident's reply with personal data removed.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 500))]
    pub reply: Option<String>,
    /// Publish the resident's reply to the status note (or take it back).
    #[serde(default)]
    pub reply_public: Option<bool>,
    /// The reply as the moderator saw it (as `text_was`).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 500))]
    pub reply_was: Option<String>,
    /// Publish the talent a wish offers, for the area profile (wishes only).
    #[serde(default)]
    pub talent_public: Option<bool>,
    /// A barrier seen on site by staff: it counts for walking coverage however few residents
    /// reported it (barriers only).
    #[serde(default)]
    pub confirmed: Option<bool>,
}

impl Moderation {
    /// Checks the change against the entry's kind; every problem at once.
    pub fn check(&self, kind: Kind) -> Result<(), Vec<Violation>> {
        let mut v = Vec::new();
        if self == &Moderation::default() {
            v.push(Violation::new("body", Rule::Required));
        }
        if self
            .status_note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE)
        {
            v.push(Violation::new(
                "status_note",
                Rule::TooLong { max: MAX_NOTE },
            ));
        }
        if self
            .category
            .as_ref()
            .is_some_and(|c| !kind.categories().contains(&c.as_str()))
        {
            v.push(Violation::new("category", Rule::UnknownValue));
        }
        // Counted as stored: a form's CRLF line ends do not count twice.
        let too_long = |t: &Option<String>, max: usize| {
            t.as_ref()
                .is_some_and(|t| normalize_words(t).chars().count() > max)
        };
        for (field, value, max) in [
            ("text", &self.text, MAX_TEXT_CHARS),
            ("text_was", &self.text_was, MAX_TEXT_CHARS),
            ("reply", &self.reply, super::MAX_REPLY_CHARS),
            ("reply_was", &self.reply_was, super::MAX_REPLY_CHARS),
        ] {
            if too_long(value, max) {
                v.push(Violation::new(field, Rule::TooLong { max }));
            }
        }
        if self.talent_public.is_some() && kind != Kind::Wish {
            v.push(Violation::new("talent_public", Rule::UnknownField));
        }
        if self.confirmed.is_some() && kind != Kind::Barrier {
            v.push(Violation::new("confirmed", Rule::UnknownField));
        }
        if self.merge_into.as_ref().is_some_and(|m| !super::is_uuid(m)) {
            v.push(Violation::new("merge_into", Rule::NotUuid));
        }
        if v.is_empty() {
            Ok(())
        } else {
            Err(v)
        }
    }
}

/// A possible duplicate, as the moderator sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duplicate {
    pub id: String,
    pub created_at: String,
    pub text: Option<String>,
}

/// The staff page of a signed-in staff member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffDesk {
    pub email: String,
    pub role: String,
    /// For the page's forms.
    pub csrf: String,
    /// Entries whose text, reply, talent or photo waits for a moderator, oldest first.
    pub queue: Vec<super::StaffEntry>,
}

/// Telephone numbers and e-mail addresses in free text, for the moderator to remove before
/// publishing: (start, end) byte ranges.
pub fn personal_data(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    // E-mail addresses: a run of address characters around one '@' with a dot after it.
    let is_mail = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
    for (at, _) in text.match_indices('@') {
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_mail(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let end = text[at + 1..]
            .char_indices()
            .take_while(|(_, c)| is_mail(*c))
            .last()
            .map_or(at + 1, |(i, c)| at + 1 + i + c.len_utf8());
        // A sentence's full stop after the address is not part of it.
        let end = at + 1 + text[at + 1..end].trim_end_matches('.').len();
        let domain = &text[at + 1..end];
        if start < at && domain.contains('.') {
            found.push((start, end));
        }
    }
    // Phone numbers: 10 or more digits, with spaces, dashes or a leading +.
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < bytes.len() {
        let (start, c) = bytes[i];
        if c.is_ascii_digit()
            || (c == '+' && bytes.get(i + 1).is_some_and(|(_, d)| d.is_ascii_digit()))
        {
            let mut j = i;
            let mut digits = 0;
            let mut last = i;
            while j < bytes.len() && (bytes[j].1.is_ascii_digit() || " -+()".contains(bytes[j].1)) {
                if bytes[j].1.is_ascii_digit() {
                    digits += 1;
                    last = j;
                }
                j += 1;
            }
            if digits >= 10 {
                found.push((start, bytes[last].0 + 1));
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    found.sort_unstable();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_checked_against_the_kind() {
        let ok = Moderation {
            status: Some(Status::Done),
            status_note: Some("De stoep is verlaagd.".into()),
            ..Default::default()
        };
        assert_eq!(ok.check(Kind::Barrier), Ok(()));
        let bad = Moderation {
            category: Some("library".into()),
            status_note: Some("x".repeat(MAX_NOTE + 1)),
            ..Default::default()
        };
        let fields: Vec<String> = bad
            .check(Kind::Barrier)
            .expect_err("two problems")
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(fields, ["status_note", "category"]);
        assert!(
            Moderation::default().check(Kind::Wish).is_err(),
            "nothing to change"
        );
    }

    #[test]
    fn phone_numbers_and_e_mail_addresses_are_flagged() {
        let t = "Bel Jan op 06-12345678 of +31 6 1234 5678, of mail jan.de.vries@example.nl. Huisnummer 12.";
        let spans: Vec<&str> = personal_data(t)
            .into_iter()
            .map(|(a, b)| &t[a..b])
            .collect();
        assert_eq!(
            spans,
            ["06-12345678", "+31 6 1234 5678", "jan.de.vries@example.nl"]
        );
        assert!(personal_data("De stoep bij nummer 12 is 30 cm hoog @ de hoek.").is_empty());
    }
}
