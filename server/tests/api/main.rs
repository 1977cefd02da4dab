//! API integration tests: the real app on 127.0.0.1:0 with a fresh database per test (SQLite, or
//! PostgreSQL with TREFPUNT_TEST_POSTGRES_URL), and a local stand-in for PDOK that replays its
//! recorded responses. One test binary (zero2prod's advice).

// Test code: a failed expectation is the test's failure (see clippy.toml for #[test] functions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod areas;
mod campaigns;
mod coverage;
mod durability;
mod dynamics;
mod event_survey;
mod events;
mod faults;
mod figures;
mod form;
mod helpers;
mod insight;
mod lifecycle;
mod own;
mod pages;
mod photos;
mod privacy;
mod shared;
mod staff;
mod submissions;
mod survey_privacy;
mod survey_results;
mod trust;
mod working;
