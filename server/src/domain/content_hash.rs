//! What an idempotent resend is compared against: hashes of an entry's canonical form, never the
//! entry's words a second time.
//!
//! A resend of a stored id is answered 200 when it is the same entry and 409 when it is another. That
//! needs only a comparison, so the store keeps two BLAKE2s-256 hashes of the canonical JSON instead
//! of the JSON itself (which kept the resident's free text, a place's name and "who" and a wish's talent
//! forever, past retention, the author's change and a moderator's removal of personal data):
//!
//! - `full`: the canonical form as sent;
//! - `wordless`: the same without the resident's words ([`WORDS`]).
//!
//! When the words are removed, `full` goes too (it is a hash *of the words*, and short words can be
//! guessed back from it); a resend is then compared by `wordless` alone, so a late offline resend of
//! the same entry is still answered 200.

use blake2::{Blake2s256, Digest};
use serde_json::Value;

/// The resident's own words in an entry: removed by retention, replaced by the author or a
/// moderator, dropped on a merge. Paths into the canonical JSON: a top-level key, or `details.<key>`.
/// A place's name is the resident's too (it may name a living room: "de huiskamer van Ans"); entries
/// stored before it was in this list keep a `wordless` hash made with it (docs/privacy.md).
pub const WORDS: [&str; 4] = ["text", "details.who", "details.talent", "details.name"];

/// The two hashes of one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentHashes {
    pub full: String,
    pub wordless: String,
}

impl ContentHashes {
    /// The hashes of a canonical JSON form (`Submission::canonical_json`).
    pub fn of_canonical(canonical: &str) -> ContentHashes {
        ContentHashes {
            full: hash(canonical.as_bytes()),
            wordless: hash(without_words(canonical).as_bytes()),
        }
    }

    /// Whether a resend with these hashes is the stored entry. `stored_full` is `None` once the
    /// stored entry's words were removed.
    pub fn same_entry(&self, stored_full: Option<&str>, stored_wordless: &str) -> bool {
        match stored_full {
            Some(full) => full == self.full,
            None => stored_wordless == self.wordless,
        }
    }
}

fn hash(bytes: &[u8]) -> String {
    hex::encode(Blake2s256::digest(bytes))
}

/// The canonical JSON without [`WORDS`], re-serialised (keys sorted: `serde_json`'s map is ordered,
/// so the same entry always gives the same text). Text that is not a JSON object stays as it is.
pub fn without_words(canonical: &str) -> String {
    let Ok(mut v) = serde_json::from_str::<Value>(canonical) else {
        return canonical.to_string();
    };
    if let Some(o) = v.as_object_mut() {
        for path in WORDS {
            match path.split_once('.') {
                None => {
                    o.remove(path);
                }
                Some((parent, key)) => {
                    if let Some(inner) = o.get_mut(parent).and_then(Value::as_object_mut) {
                        inner.remove(key);
                    }
                }
            }
        }
    }
    v.to_string()
}

/// The words of a canonical form, for telling whether the stored row still holds them.
pub fn words_of(canonical: &str) -> Vec<Option<String>> {
    let v: Value = serde_json::from_str(canonical).unwrap_or_default();
    WORDS
        .iter()
        .map(|path| {
            let found = match path.split_once('.') {
                None => v.get(path),
                Some((parent, key)) => v.get(parent).and_then(|p| p.get(key)),
            };
            found.and_then(Value::as_str).map(str::to_string)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRY: &str = r#"{"id":"a","respondent":"r","kind":"wish","details":{"talent":"koken"},"text":"Bel me op 0612345678","language":"nl"}"#;

    #[test]
    fn hashes_hold_no_words_and_compare_equal_for_the_same_entry() {
        let h = ContentHashes::of_canonical(ENTRY);
        assert_eq!(h.full.len(), 64);
        assert!(!h.full.contains("koken") && !h.wordless.contains("0612345678"));
        assert_eq!(h, ContentHashes::of_canonical(ENTRY));
        assert!(h.same_entry(Some(&h.full), &h.wordless));
        let other = ContentHashes::of_canonical(&ENTRY.replace("koken", "bakken"));
        assert!(
            !other.same_entry(Some(&h.full), &h.wordless),
            "other words: another entry"
        );
        // Once the stored words are gone, only the rest can be compared: the same entry with any
        // words is the same entry.
        assert!(other.same_entry(None, &h.wordless));
        let moved = ContentHashes::of_canonical(&ENTRY.replace("\"r\"", "\"s\""));
        assert!(
            !moved.same_entry(None, &h.wordless),
            "another respondent: another entry"
        );
    }

    #[test]
    fn words_are_text_who_talent_and_a_places_name() {
        let stripped = without_words(ENTRY);
        assert!(!stripped.contains("koken") && !stripped.contains("0612345678"));
        assert!(stripped.contains(r#""details":{}"#), "{stripped}");
        assert_eq!(
            words_of(ENTRY),
            vec![
                Some("Bel me op 0612345678".into()),
                None,
                Some("koken".into()),
                None
            ]
        );
        let place = r#"{"id":"p","kind":"place","details":{"name":"Huiskamer van Ans","qualities":["free"]}}"#;
        let stripped = without_words(place);
        assert!(
            !stripped.contains("Ans") && stripped.contains("free"),
            "{stripped}"
        );
        assert_eq!(without_words("not json"), "not json");
    }
}
