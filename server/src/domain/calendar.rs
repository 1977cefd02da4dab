//! Calendar days without a date library: a campaign's period is a pair of `YYYY-MM-DD` days, and
//! comparing those as text only needs today's.

use std::time::{SystemTime, UNIX_EPOCH};

/// Today in UTC as `YYYY-MM-DD`.
pub fn today_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    day_string(secs.div_euclid(86_400))
}

/// The day `days` after 1970-01-01 as `YYYY-MM-DD` (proleptic Gregorian; Howard Hinnant's
/// civil-from-days algorithm).
pub fn day_string(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` day (Hinnant's days-from-civil), `None` if it is not one.
pub fn day_number(day: &str) -> Option<i64> {
    if !app::model::is_day(day) {
        return None;
    }
    let year: i64 = day[0..4].parse().ok()?;
    let month: i64 = day[5..7].parse().ok()?;
    let d: i64 = day[8..10].parse().ok()?;
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
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

/// The day `n` days after `day`.
pub fn add_days(day: &str, n: i64) -> Option<String> {
    day_number(day).map(|d| day_string(d + n))
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
        assert_eq!(today_utc().len(), 10);
    }

    #[test]
    fn days_count_both_ways() {
        for d in [-1, 0, 59, 11_016, 20_782, 2_932_896] {
            assert_eq!(day_number(&day_string(d)), Some(d), "{d}");
        }
        assert_eq!(add_days("2026-02-20", 14).as_deref(), Some("2026-03-06"));
        assert_eq!(
            add_days("2028-02-20", 14).as_deref(),
            Some("2028-03-05"),
            "a leap year"
        );
        assert_eq!(add_days("2026-12-25", 14).as_deref(), Some("2027-01-08"));
        assert_eq!(add_days("20-12-2025", 1), None);
    }
}
