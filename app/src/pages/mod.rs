//! One file per page.

mod entry_page;
mod home_page;
mod map_page;
mod not_found;
mod privacy_page;
mod thanks_page;

pub use entry_page::EntryPage;
pub use home_page::HomePage;
pub use map_page::MapPage;
pub use not_found::NotFound;
pub use privacy_page::PrivacyPage;
pub use thanks_page::ThanksPage;
