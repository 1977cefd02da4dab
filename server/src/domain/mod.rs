//! Pure domain logic: no I/O, unit-tested.

pub mod areas;
pub mod privacy;
