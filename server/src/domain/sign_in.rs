//! How staff sign-in attempts are slowed down, so that guessing a password is hopeless while its
//! owner is never locked out by someone else's guesses.
//!
//! - Per client (in memory, `routes::abuse`): [`CLIENT_BURST`] attempts at once, then
//!   [`CLIENT_PER_MINUTE`] a minute; a successful sign-in gives its attempt back. One address can
//!   so fail at most 5 + 15 = 20 times in [`WINDOW`], and 200 guesses from it cost no more password
//!   checks than 5. (Someone with an account of their own can earn attempts back by signing in
//!   between guesses; the per-account count below does not give anything back for that.)
//! - Per account (in the database, shared by every server): the first [`ACCOUNT_FREE_FAILURES`]
//!   failures cost nothing; after that each attempt waits for the one before, 1 s doubling up to
//!   [`MAX_DELAY`]. The failures are forgotten only after [`WINDOW`] without one, so past the free
//!   ones a guesser gets one guess per [`MAX_DELAY`], from however many addresses. One address
//!   alone stays under the free failures; and the owner gets in after at most [`MAX_DELAY`],
//!   instead of the old 15-minute lock anyone could put on any account with five wrong passwords.
//! - A password check is expensive (Argon2): at most a few run at once per process, and an attempt
//!   that waits too long for one is answered 503 instead of queueing.

use std::time::Duration;

pub const CLIENT_BURST: u32 = 5;
pub const CLIENT_PER_MINUTE: u32 = 1;
pub const ACCOUNT_FREE_FAILURES: u32 = 20;
/// An account's failures are forgotten after this long without one.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const MAX_DELAY: Duration = Duration::from_secs(5 * 60);

/// How long after its last failure an account with `failures` recent failures takes its next
/// attempt.
pub fn account_delay(failures: u32) -> Duration {
    match failures.checked_sub(ACCOUNT_FREE_FAILURES) {
        None => Duration::ZERO,
        // 2^0 s for the first failure past the free ones, doubling; 2^9 s already passes the cap.
        Some(over) => Duration::from_secs(1u64 << over.min(9)).min(MAX_DELAY),
    }
}

/// How long the next attempt must still wait, given the failures, the time of the last one and now
/// (milliseconds since 1970); `None` when it may go ahead.
pub fn account_wait(failures: u32, last_ms: i64, now_ms: i64) -> Option<Duration> {
    let delay = i64::try_from(account_delay(failures).as_millis()).unwrap_or(i64::MAX);
    let ready = last_ms.saturating_add(delay);
    (now_ms < ready).then(|| Duration::from_millis(u64::try_from(ready - now_ms).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_free_failures_cost_nothing_then_the_wait_doubles_to_the_cap() {
        assert_eq!(account_delay(0), Duration::ZERO);
        assert_eq!(account_delay(ACCOUNT_FREE_FAILURES - 1), Duration::ZERO);
        assert_eq!(account_delay(ACCOUNT_FREE_FAILURES), Duration::from_secs(1));
        assert_eq!(
            account_delay(ACCOUNT_FREE_FAILURES + 3),
            Duration::from_secs(8)
        );
        assert_eq!(account_delay(ACCOUNT_FREE_FAILURES + 9), MAX_DELAY);
        assert_eq!(account_delay(u32::MAX), MAX_DELAY);
    }

    #[test]
    fn an_attempt_waits_only_for_what_is_left() {
        let n = ACCOUNT_FREE_FAILURES + 2; // 4 s
        assert_eq!(
            account_wait(n, 10_000, 11_000),
            Some(Duration::from_secs(3))
        );
        assert_eq!(account_wait(n, 10_000, 14_000), None);
        assert_eq!(
            account_wait(3, 10_000, 10_000),
            None,
            "within the free failures"
        );
    }

    #[test]
    fn one_address_alone_stays_under_the_free_failures() {
        let per_window = CLIENT_BURST + CLIENT_PER_MINUTE * (WINDOW.as_secs() / 60) as u32;
        assert!(per_window <= ACCOUNT_FREE_FAILURES, "{per_window}");
    }
}
