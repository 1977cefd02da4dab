//! API integration tests: the real app on 127.0.0.1:0 with a fresh SQLite database per test, and a
//! local stand-in for PDOK that replays its recorded responses. One test binary (zero2prod's advice).

mod areas;
mod campaigns;
mod durability;
mod events;
mod form;
mod helpers;
mod insight;
mod own;
mod photos;
mod pages;
mod staff;
mod submissions;
