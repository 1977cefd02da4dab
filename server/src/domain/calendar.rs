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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_the_epoch_become_calendar_days() {
        assert_eq!(day_string(0), "1970-01-01");
        assert_eq!(day_string(59), "1970-03-01");
        assert_eq!(day_string(11_016), "2000-02-29", "a leap day of a 400-year");
        assert_eq!(day_string(20_782), "2026-11-25");
        assert_eq!(day_string(-1), "1969-12-31");
        assert_eq!(today_utc().len(), 10);
    }
}
