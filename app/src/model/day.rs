//! Calendar days. A campaign's first and last day and an event's day are parsed into a [`Day`]
//! where they come in (JSON, a staff form, a database row), so a value of this type names a day
//! that exists: `2027-02-31` never becomes 3 March. Civil dates only (jiff without time-zone data):
//! which day it is *now* in the Netherlands is the server's to say (`server/src/domain/calendar.rs`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const FIRST: jiff::civil::Date = jiff::civil::Date::constant(1000, 1, 1);
const LAST: jiff::civil::Date = jiff::civil::Date::constant(9999, 12, 31);

/// A day that exists, between the years 1000 and 9999, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(jiff::civil::Date);

/// Not a `YYYY-MM-DD` day that exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a day that exists, written YYYY-MM-DD")]
pub struct NotADay;

impl Day {
    /// `YYYY-MM-DD` naming a day that exists.
    pub fn parse(s: &str) -> Option<Day> {
        // jiff's `%Y` also takes a sign and more digits: the shape is checked first.
        let shape = s.len() == 10
            && s.bytes().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !shape {
            return None;
        }
        jiff::civil::Date::strptime("%Y-%m-%d", s)
            .ok()
            .and_then(Day::from_date)
    }

    /// A day as an older version may have stored it: those accepted any four-digit year and any
    /// day up to 31, and compared days as text. Such a day is read as the nearest real one, which
    /// keeps the order it had as text (`2027-02-31` as `2027-02-28`, `0026-06-13` as
    /// `1000-01-01`). `None` for anything that was never a day.
    pub fn read_stored(s: &str) -> Option<Day> {
        if let Some(day) = Day::parse(s) {
            return Some(day);
        }
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<i16> {
            s.get(r)
                .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))?
                .parse()
                .ok()
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let month = i8::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
        let day = i8::try_from(day).ok().filter(|d| (1..=31).contains(d))?;
        if year < 1000 {
            return Some(Day(FIRST));
        }
        let first = jiff::civil::Date::new(year, month, 1).ok()?;
        Some(Day(first
            .with()
            .day(day.min(first.days_in_month()))
            .build()
            .ok()?))
    }

    /// A civil date as a day, when its year has four digits (as every day of this tool does).
    pub fn from_date(date: jiff::civil::Date) -> Option<Day> {
        (FIRST..=LAST).contains(&date).then_some(Day(date))
    }

    /// A civil date as a day, held within the years 1000 to 9999 (for a moment's own day, which
    /// always lies there in practice).
    pub fn clamped(date: jiff::civil::Date) -> Day {
        Day(date.clamp(FIRST, LAST))
    }

    pub fn date(self) -> jiff::civil::Date {
        self.0
    }
}

/// Whether `s` is a `YYYY-MM-DD` day that exists (for input still held as text, such as an event's
/// form before it is checked).
pub fn is_day(s: &str) -> bool {
    Day::parse(s).is_some()
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // jiff writes a four-digit year as `YYYY-MM-DD`.
        write!(f, "{}", self.0)
    }
}

impl FromStr for Day {
    type Err = NotADay;

    fn from_str(s: &str) -> Result<Day, NotADay> {
        Day::parse(s).ok_or(NotADay)
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Day, D::Error> {
        let s = String::deserialize(deserializer)?;
        Day::parse(&s).ok_or_else(|| serde::de::Error::custom(NotADay))
    }
}

#[cfg(feature = "ssr")]
impl utoipa::PartialSchema for Day {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        super::schema::day().into()
    }
}

#[cfg(feature = "ssr")]
impl utoipa::ToSchema for Day {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_days_that_exist_are_days() {
        assert!(is_day("2027-12-31"));
        assert!(!is_day("2027-13-01") && !is_day("27-01-01") && !is_day("2027-1-011"));
        assert!(!is_day("2027-02-31") && !is_day("2027-04-31") && !is_day("2027-00-10"));
        assert!(!is_day("2027-02-29") && is_day("2028-02-29"));
        assert!(!is_day("2100-02-29") && is_day("2000-02-29"));
        assert!(!is_day("2027-06-00") && !is_day("+02027-06-01") && !is_day("2027-06-01T00:00"));
        assert!(!is_day("0999-12-31") && is_day("1000-01-01"));
    }

    #[test]
    fn what_older_versions_stored_is_read_as_the_nearest_day_in_the_same_order() {
        let read = |s: &str| Day::read_stored(s).map(|d| d.to_string());
        assert_eq!(read("2027-03-01").as_deref(), Some("2027-03-01"));
        assert_eq!(read("2027-02-31").as_deref(), Some("2027-02-28"));
        assert_eq!(read("2028-02-30").as_deref(), Some("2028-02-29"));
        assert_eq!(read("2027-04-31").as_deref(), Some("2027-04-30"));
        assert_eq!(read("0026-06-13").as_deref(), Some("1000-01-01"));
        for never in [
            "2027-13-01",
            "2027-00-10",
            "2027-06-00",
            "2027-06-32",
            "13-06-2026",
            "",
            "x",
        ] {
            assert_eq!(read(never), None, "{never}");
        }
    }

    #[test]
    fn a_day_is_written_as_it_was_read_and_ordered_by_time() {
        for s in ["2027-03-01", "1999-12-31", "2028-02-29"] {
            let day = Day::parse(s).expect("day");
            assert_eq!(day.to_string(), s);
            assert_eq!(
                serde_json::to_string(&day).expect("json"),
                format!("\"{s}\"")
            );
            assert_eq!(
                serde_json::from_str::<Day>(&format!("\"{s}\"")).expect("day"),
                day
            );
        }
        assert!(Day::parse("2027-02-28") < Day::parse("2027-03-01"));
        let wrong = serde_json::from_str::<Day>("\"2027-02-31\"").expect_err("no day");
        assert!(wrong.to_string().contains("YYYY-MM-DD"), "{wrong}");
    }
}
