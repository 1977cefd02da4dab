use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::SsrMode;

const WHOLE: SsrMode = SsrMode::Async;
use leptos_router::{path, StaticSegment};

use crate::components::layout::Layout;
use crate::i18n::*;
use crate::pages::{
    AccessibilityPage, ActivityPage, AreaChangesPage, AreaDynamicsPage, AreaPage, AreaReportPage,
    CampaignPage, CoveragePage, DashboardPage, FormPage, HomePage, KioskFormPage, KioskPage,
    KioskSurveyPage, MapPage, NotFound, OwnPage, PrivacyPage, PublicEntryPage, StaffAuditPage,
    StaffCampaignPage, StaffCampaignsPage, StaffDynamicsPage, StaffEntriesPage, StaffEventsPage,
    StaffPage, StaffTalentsPage, StaffUsersPage, SurveyPage, SurveyResultsPage, ThanksPage,
};

/// What the server tells every page through `<meta>` tags (read by `public/js/map.js`).
#[derive(Clone, Debug)]
pub struct ShellConfig {
    pub tile_url: String,
    pub tile_attribution: String,
}

/// The HTML document around the app. Rendered on the server only; `<html lang dir>` is set by the
/// i18n provider inside [`App`]. Files are named with their versions ([`crate::assets`]).
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
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                // Without JavaScript there is no map: hide what only works with it.
                // The page's Content-Security-Policy allows this one inline style by its nonce.
                <noscript>
                    <style nonce=leptos::nonce::use_nonce()>".js-only { display: none !important; }"</style>
                </noscript>
                // The offline queue and the service worker: small, and on every page, so an entry
                // made anywhere is sent once there is a network again.
                <script defer src=crate::assets::path("js/outbox.js")></script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        // The language comes from the `lang` cookie the /taal route sets when a resident chooses one,
        // else from Accept-Language; the provider itself sets no cookie (see server/src/routes/lang.rs).
        <I18nContextProvider enable_cookie=false>
            <Stylesheet id="leptos" href=crate::assets::path("pkg/trefpunt.css") />
            // leptos_meta writes the title into <head> as it is: `html::title` escapes it.
            <Title formatter=|page: String| crate::html::title(&page) />
            <Router>
                <Layout>
                    // Every page is rendered whole before it is sent (SsrMode::Async): a browser
                    // without JavaScript cannot swap streamed-in parts into place, and a page's
                    // status (404, 401) is only known once its data is there.
                    <Routes fallback=NotFound>
                        <Route path=StaticSegment("") view=HomePage ssr=WHOLE />
                        <Route path=path!("/meedoen/:kind") view=FormPage ssr=WHOLE />
                        <Route path=path!("/bedankt/:id") view=ThanksPage ssr=WHOLE />
                        <Route path=path!("/kaart") view=MapPage ssr=WHOLE />
                        <Route path=path!("/melding/:id") view=PublicEntryPage ssr=WHOLE />
                        <Route path=path!("/mijn/:id") view=OwnPage ssr=WHOLE />
                        <Route path=path!("/staff") view=StaffPage ssr=WHOLE />
                        <Route path=path!("/staff/campagnes") view=StaffCampaignsPage ssr=WHOLE />
                        <Route path=path!("/staff/campagnes/:id") view=StaffCampaignPage ssr=WHOLE />
                        <Route path=path!("/staff/gebruikers") view=StaffUsersPage ssr=WHOLE />
                        <Route path=path!("/staff/logboek") view=StaffAuditPage ssr=WHOLE />
                        <Route path=path!("/staff/evenementen") view=StaffEventsPage ssr=WHOLE />
                        <Route path=path!("/staff/meldingen") view=StaffEntriesPage ssr=WHOLE />
                        <Route path=path!("/staff/talenten") view=StaffTalentsPage ssr=WHOLE />
                        <Route path=path!("/staff/activiteiten") view=StaffDynamicsPage ssr=WHOLE />
                        <Route path=path!("/activiteit/:id") view=ActivityPage ssr=WHOLE />
                        <Route path=path!("/kiosk/:event") view=KioskPage ssr=WHOLE />
                        // Before ":kind": the survey's address is not a kind of entry.
                        <Route path=path!("/kiosk/:event/vragen") view=KioskSurveyPage ssr=WHOLE />
                        <Route path=path!("/kiosk/:event/:kind") view=KioskFormPage ssr=WHOLE />
                        <Route path=path!("/campagne/:id") view=CampaignPage ssr=WHOLE />
                        <Route path=path!("/campagne/:id/vragen") view=SurveyPage ssr=WHOLE />
                        <Route path=path!("/privacy") view=PrivacyPage ssr=WHOLE />
                        <Route path=path!("/toegankelijkheid") view=AccessibilityPage ssr=WHOLE />
                        <Route path=path!("/inzicht") view=DashboardPage ssr=WHOLE />
                        <Route path=path!("/inzicht/gebied/:code") view=AreaPage ssr=WHOLE />
                        <Route path=path!("/inzicht/gebied/:code/gedaan") view=AreaChangesPage ssr=WHOLE />
                        <Route path=path!("/inzicht/gebied/:code/dynamiek") view=AreaDynamicsPage ssr=WHOLE />
                        <Route path=path!("/inzicht/gebied/:code/rapport") view=AreaReportPage ssr=WHOLE />
                        <Route path=path!("/inzicht/bereik") view=CoveragePage ssr=WHOLE />
                        <Route path=path!("/inzicht/enquete/:campaign") view=SurveyResultsPage ssr=WHOLE />
                    </Routes>
                </Layout>
            </Router>
        </I18nContextProvider>
    }
}
