//! The maps' script, on the pages that have a map only (the start page, the privacy page and the
//! thank-you page download none of it).

use leptos::prelude::*;

/// `public/js/map.js` and where it finds Leaflet (which it loads only when a map is drawn; on the
/// resident form, on the first tap), by their versioned addresses.
#[component]
pub fn MapScript() -> impl IntoView {
    view! {
        <span hidden data-leaflet-js=crate::assets::path("vendor/leaflet/leaflet.js")
            data-leaflet-css=crate::assets::path("vendor/leaflet/leaflet.css")></span>
        <script defer src=crate::assets::path("js/map.js")></script>
    }
}
