//! Days and moments. A campaign's period and an event's day are Dutch calendar days
//! ([`Day`]); "today" is the day in the Netherlands (Europe/Amsterdam), so a
//! campaign opens at midnight there, not at 01:00 or 02:00. Stored moments are UTC timestamps; the
//! day and month an entry counts in (the period filter, retention) are those of the Netherlands, so
//! an entry made at 00:30 on 1 December is a December entry.

use std::time::{SystemTime, UNIX_EPOCH};

use app::model::Day;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// The Netherlands' time zone, compiled in from the tz database.
static NETHERLANDS: TimeZone = jiff::tz::get!("Europe/Amsterdam");

/// Today in the Netherlands.
pub fn today() -> Day {
    day_in_netherlands(Timestamp::now())
}

/// The Dutch day of a moment.
pub fn day_in_netherlands(at: Timestamp) -> Day {
    Day::clamped(at.to_zoned(NETHERLANDS.clone()).date())
}

/// The day `days` after 1970-01-01 as `YYYY-MM-DD`.
pub fn day_string(days: i64) -> String {
    Date::constant(1970, 1, 1)
        .checked_add(days.days())
        .map_or_else(|_| String::new(), |d| d.to_string())
}

/// The moment `seconds` from now (before now when negative) in UTC, as timestamps are stored:
/// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn timestamp_in(seconds: i64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    timestamp_of(now + seconds * 1000)
}

/// The timestamp of `millis` milliseconds after 1970-01-01T00:00:00Z.
pub fn timestamp_of(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let of_day = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}.{:03}Z",
        day_string(secs.div_euclid(86_400)),
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60,
        millis.rem_euclid(1000)
    )
}

/// The Dutch month (`YYYY-MM`) of a stored timestamp such as `2026-11-30T23:30:00.000Z`.
pub fn month_in_netherlands(timestamp: &str) -> Option<String> {
    let at: Timestamp = timestamp.parse().ok()?;
    let day = day_in_netherlands(at).to_string();
    day.get(..7).map(str::to_string)
}

/// The Dutch month an entry made at `timestamp` counts in (the period filter's and the figures').
pub fn dutch_month(timestamp: &str) -> Option<app::model::Period> {
    app::model::Period::parse(&month_in_netherlands(timestamp)?)
        .filter(|p| matches!(p, app::model::Period::Month(..)))
}

/// The moment the Dutch day `day` begins, as timestamps are stored (UTC), so a text comparison
/// with stored timestamps selects that day's entries: `2026-12-01` → `2026-11-30T23:00:00.000Z`.
pub fn start_of_dutch_day(day: Day) -> Option<String> {
    let start = day.date().to_zoned(NETHERLANDS.clone()).ok()?.timestamp();
    Some(timestamp_of(start.as_millisecond()))
}

/// The day `n` days after `day` (`None` past the year 9999).
pub fn add_days(day: Day, n: i64) -> Option<Day> {
    day.date()
        .checked_add(n.days())
        .ok()
        .and_then(Day::from_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_sort_as_text_in_time_order() {
        assert_eq!(timestamp_of(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(timestamp_of(1_764_072_000_123), "2025-11-25T12:00:00.123Z");
        assert!(timestamp_in(3600) > timestamp_in(0));
        assert!(timestamp_in(-60) < timestamp_in(0));
    }

    #[test]
    fn days_since_the_epoch_become_calendar_days() {
        assert_eq!(day_string(0), "1970-01-01");
        assert_eq!(day_string(59), "1970-03-01");
        assert_eq!(day_string(11_016), "2000-02-29", "a leap day of a 400-year");
        assert_eq!(day_string(20_782), "2026-11-25");
        assert_eq!(day_string(-1), "1969-12-31");
        assert_eq!(today().to_string().len(), 10);
    }

    fn day(s: &str) -> Day {
        Day::parse(s).expect("day")
    }

    #[test]
    fn days_add_up_over_months_and_years() {
        assert_eq!(add_days(day("2026-02-20"), 14), Some(day("2026-03-06")));
        assert_eq!(
            add_days(day("2028-02-20"), 14),
            Some(day("2028-03-05")),
            "a leap year"
        );
        assert_eq!(add_days(day("2026-12-25"), 14), Some(day("2027-01-08")));
        assert_eq!(add_days(day("2027-01-08"), -14), Some(day("2026-12-25")));
        assert_eq!(add_days(day("9999-12-31"), 1), None, "past the year 9999");
    }

    #[test]
    fn the_day_is_the_dutch_day() {
        let at = |s: &str| s.parse::<Timestamp>().expect("timestamp");
        // Winter (UTC+1): 23:30 UTC on 31 December is already New Year's Day in the Netherlands.
        assert_eq!(
            day_in_netherlands(at("2026-12-31T23:30:00Z")),
            day("2027-01-01")
        );
        assert_eq!(
            day_in_netherlands(at("2026-12-31T22:59:59Z")),
            day("2026-12-31")
        );
        // Summer (UTC+2): 22:00 UTC is midnight.
        assert_eq!(
            day_in_netherlands(at("2027-06-30T22:00:00Z")),
            day("2027-07-01")
        );
        assert_eq!(
            day_in_netherlands(at("2027-06-30T21:59:59Z")),
            day("2027-06-30")
        );
    }

    #[test]
    fn an_entry_counts_in_the_dutch_month_and_days_start_at_dutch_midnight() {
        assert_eq!(
            month_in_netherlands("2026-11-30T23:30:00.000Z").as_deref(),
            Some("2026-12")
        );
        assert_eq!(
            month_in_netherlands("2026-11-30T22:59:59.999Z").as_deref(),
            Some("2026-11")
        );
        assert_eq!(month_in_netherlands("not a moment"), None);
        assert_eq!(
            start_of_dutch_day(day("2026-12-01")).as_deref(),
            Some("2026-11-30T23:00:00.000Z")
        );
        assert_eq!(
            start_of_dutch_day(day("2027-07-01")).as_deref(),
            Some("2027-06-30T22:00:00.000Z"),
            "summer time"
        );
        // A stored moment compares as text with the day's start.
        let start = start_of_dutch_day(day("2026-12-01")).expect("start");
        assert!("2026-11-30T23:30:00.000Z" >= start.as_str());
        assert!("2026-11-30T22:59:59.999Z" < start.as_str());
    }
}
