//! Pure domain logic: no I/O, unit-tested.

pub mod privacy;
