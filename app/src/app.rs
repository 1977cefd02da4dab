use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, StaticSegment};

use crate::components::layout::Layout;
use crate::i18n::*;
use crate::pages::{
    AreaPage, CampaignPage, OwnPage, StaffAuditPage, StaffCampaignPage, StaffCampaignsPage, StaffUsersPage, SurveyPage, DashboardPage, EntryPage, HomePage, MapPage, NotFound, PrivacyPage, ReportPage,
    StaffPage, ThanksPage,
};

/// What the server tells every page through `<meta>` tags (read by `public/js/map.js`).
#[derive(Clone, Debug)]
pub struct ShellConfig {
    pub tile_url: String,
    pub tile_attribution: String,
}

/// The HTML document around the app. Rendered on the server only. Islands mode: only `#[island]`
/// components ship as WASM, and only pages that have one load it (see [`IslandScripts`]); `<html lang dir>` is set by the i18n
/// provider inside [`App`].
pub fn shell(config: ShellConfig) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0b5394" />
                <meta name="trefpunt:tiles" content=config.tile_url />
                <meta name="trefpunt:tiles-attribution" content=config.tile_attribution />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // Without JavaScript there is no map: hide what only works with it.
                <noscript>
                    <style>".js-only { display: none !important; }"</style>
                </noscript>
                <script defer src="/js/map.js"></script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Loads the WASM bundle and hydrates the islands on this page. Pages without an island leave it out,
/// so a resident's start page, the map and the privacy page cost no WASM at all.
#[component]
pub fn IslandScripts() -> impl IntoView {
    use_context::<LeptosOptions>()
        .map(|options| view! { <HydrationScripts options islands=true /> })
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        // The language comes from the `lang` cookie the /taal route sets when a resident chooses one,
        // else from Accept-Language; the provider itself sets no cookie (see server/src/routes/lang.rs).
        <I18nContextProvider enable_cookie=false>
            <Stylesheet id="leptos" href="/pkg/trefpunt.css" />
            <Title formatter=|page: String| {
                if page.is_empty() { "Trefpunt".to_string() } else { format!("{page} · Trefpunt") }
            } />
            <Router>
                <Layout>
                    <Routes fallback=NotFound>
                        <Route path=StaticSegment("") view=HomePage />
                        <Route path=path!("/meedoen/:kind") view=EntryPage />
                        <Route path=path!("/bedankt/:id") view=ThanksPage />
                        <Route path=path!("/kaart") view=MapPage />
                        <Route path=path!("/melding/:id") view=ReportPage />
                        <Route path=path!("/mijn/:id") view=OwnPage />
                        <Route path=path!("/staff") view=StaffPage />
                        <Route path=path!("/staff/campagnes") view=StaffCampaignsPage />
                        <Route path=path!("/staff/campagnes/:id") view=StaffCampaignPage />
                        <Route path=path!("/staff/gebruikers") view=StaffUsersPage />
                        <Route path=path!("/staff/logboek") view=StaffAuditPage />
                        <Route path=path!("/campagne/:id") view=CampaignPage />
                        <Route path=path!("/campagne/:id/vragen") view=SurveyPage />
                        <Route path=path!("/privacy") view=PrivacyPage />
                        <Route path=path!("/inzicht") view=DashboardPage />
                        <Route path=path!("/inzicht/gebied/:code") view=AreaPage />
                    </Routes>
                </Layout>
            </Router>
        </I18nContextProvider>
    }
}
