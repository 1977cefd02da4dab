//! Clients for PDOK, the Dutch government's geo services. Tests point them at a local stand-in that
//! replays PDOK's recorded responses (`../shared/data/pdok`).

pub mod locatieserver;
pub mod wijkenbuurten;
