//! The application service: what the routes and pages ask for, in the order DESIGN.md gives
//! (validate, assign to areas, store, count). Routes and the Leptos pages (through
//! `app::api::Backend`, see `routes::pages`) call it; it calls the pure domain and the store.
//!
//! - [`submit`]: a resident's entry from arrival to storage, "ik ook", nearby entries;
//! - [`areas`]: the area index, its reload after an import, the areas' shapes;
//! - [`aggregates`]: the released figures, the dashboard and area profiles, raw exports, the heatmap;
//! - [`private_link`]: a resident's own entry through its private link, and retention;
//! - [`photos`]: residents' photos: admission of an upload, files on disk;
//! - [`events`]: street events and their tablets;
//! - [`campaigns`]: campaigns and their survey answers;
//! - [`coverage`]: walking coverage per area over the footpath network;
//! - [`dynamics`]: activities, networks and links, ripple maps and an area's dynamics;
//! - [`staff`]: sessions and sign-in, accounts, the audit log, moderation, the staff pages;
//! - [`background`]: the area reload, table warm-up and retention, owned by the application;
//! - [`error`]: [`ServiceError`], what the routes turn into HTTP answers.

pub mod aggregates;
pub mod area_changes;
pub mod area_report;
pub mod areas;
pub mod background;
pub mod campaigns;
pub mod coverage;
pub mod dynamics;
pub mod error;
pub mod events;
pub mod photos;
pub mod private_link;
pub mod staff;
pub mod staff_entries;
pub mod submit;
pub mod survey;
pub mod talents;

pub use areas::{build_index, AreaShapes, LoadedAreas};
pub use error::{ServiceError, ServiceResult};
// What the service's answers are made of, named where routes and pages meet them.
pub use crate::store::{Answered, MeToo};
pub use staff::StaffCheck;

use std::sync::{Arc, RwLock};

use crate::config::Settings;
use crate::pdok::locatieserver::Locatieserver;
use crate::service::aggregates::{FactsCache, TableCache};
use crate::store::{Store, StoreError};

/// The name of the private-link secret in the `secrets` table. Migration 0015 removed its
/// predecessor `edit_key`, whose keys the old code derived under an all-zero MAC key.
pub const PRIVATE_LINK_SECRET: &str = "private_link";

/// The secret the cell-key noise is keyed with (see `domain::cell_key`): whoever knew it could
/// compute the noise of any cell from the public entry ids.
pub const CELL_KEY_SECRET: &str = "cell_key";

/// The secret that marks the browsers staff signed in from (`secrets::DeviceMarks`).
pub const DEVICE_MARK_SECRET: &str = "sign_in_device";

/// A 32-byte secret of this deployment (hex), made from the OS's random source at the first start.
async fn deployment_secret(store: &Store, name: &str) -> Result<String, StoreError> {
    let fresh = hex::encode(
        crate::secrets::random_bytes::<32>().map_err(|e| StoreError::Internal(e.to_string()))?,
    );
    store.secret_or_insert(name, &fresh).await
}

/// The application service. Built once from the deployment's [`Settings`]; its parts are its own
/// (routes and pages reach them through its methods).
#[derive(Clone)]
pub struct Service {
    store: Store,
    geocoder: Locatieserver,
    /// The areas every submission is assigned to at write time; replaced whole when areas are imported.
    areas: Arc<RwLock<Arc<LoadedAreas>>>,
    /// Each gemeente's aggregate table, rebuilt when its revision changes.
    tables: Arc<TableCache>,
    /// Walking coverage: each gemeente's prepared network and recent answers.
    coverage_cache: Arc<crate::service::coverage::CoverageCache>,
    facts: Arc<FactsCache>,
    auth: Arc<AuthState>,
    abuse: Arc<Abuse>,
    /// Where residents' photos are kept (files named by their content hash).
    photo_dir: std::path::PathBuf,
    /// How many photo uploads are held and decoded at once.
    photo_slots: Arc<crate::service::photos::PhotoSlots>,
    /// The `/api/v1/areas` answers, built once per import.
    area_shapes: Arc<AreaShapes>,
    /// The record keys behind the figures' cell-key noise (`domain::cell_key`), from a secret of
    /// this deployment.
    cell_keys: Arc<crate::domain::cell_key::CellKeys>,
    /// The keys of residents' private links, from the deployment's secret (read once at start).
    private_links: Arc<crate::secrets::PrivateLinks>,
    /// The marks of browsers staff signed in from (see `secrets::DeviceMarks`).
    device_marks: Arc<crate::secrets::DeviceMarks>,
}

/// The in-memory limits per client (and whose `X-Forwarded-For` to believe), and the bound on heavy
/// reads at once.
pub struct Abuse {
    /// Anonymous writes.
    pub limiter: crate::ratelimit::RateLimiter,
    /// The resident form's address searches and nearby look-ups.
    pub reads: crate::ratelimit::RateLimiter,
    /// Staff sign-in attempts (a successful one is given back): see `domain::sign_in`.
    pub sign_in: crate::ratelimit::RateLimiter,
    /// Heavy public reads at once (see `routes::abuse::heavy`).
    pub heavy: Arc<tokio::sync::Semaphore>,
    pub trusted: crate::ratelimit::TrustedProxies,
}

/// Heavy public reads one process serves at once; each takes milliseconds, so this many waiting
/// means a flood.
pub const HEAVY_READS: usize = 16;

impl Abuse {
    /// The limits of the settings, each keyed with fresh random bytes (so the hashes of client
    /// addresses they keep mean nothing outside this process).
    fn new(settings: &Settings) -> Result<Abuse, crate::secrets::SecretError> {
        use crate::ratelimit::RateLimiter;
        Ok(Abuse {
            limiter: RateLimiter::new(
                settings.rate_limit_per_minute,
                settings.rate_limit_burst,
                crate::secrets::random_bytes()?,
            ),
            reads: RateLimiter::new(
                settings.read_limit_per_minute,
                settings.read_limit_burst,
                crate::secrets::random_bytes()?,
            ),
            sign_in: RateLimiter::new(
                crate::domain::sign_in::CLIENT_PER_MINUTE,
                crate::domain::sign_in::CLIENT_BURST,
                crate::secrets::random_bytes()?,
            ),
            heavy: Arc::new(tokio::sync::Semaphore::new(HEAVY_READS)),
            trusted: settings.trusted_proxies.clone(),
        })
    }
}

/// Staff sign-in settings and the in-memory limit on failed sign-ins.
pub struct AuthState {
    /// Mark the session cookie `Secure` (the site is served over https).
    pub secure_cookies: bool,
    /// The address residents reach the site at (`TREFPUNT_PUBLIC_URL`), for QR codes; without it
    /// the request's `Host` is used.
    pub public_url: Option<String>,
    /// Password checks at a time (each takes argon2's 19 MiB and a core for a moment).
    pub hashing: tokio::sync::Semaphore,
}

impl AuthState {
    fn new(settings: &Settings) -> AuthState {
        AuthState {
            // Cookies are Secure wherever the site is served over https (everywhere but a laptop).
            secure_cookies: settings
                .public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://")),
            public_url: settings.public_url.clone(),
            hashing: tokio::sync::Semaphore::new(2),
        }
    }
}

impl Service {
    /// The service of a deployment on `store`, set up from its settings: the area index loaded,
    /// the deployment's secrets read (made at the first start). Background work starts separately
    /// ([`Service::start_background`]).
    pub async fn new(store: Store, settings: &Settings) -> Result<Service, ServiceError> {
        let areas = LoadedAreas::load(&store).await?;
        // Made once per deployment from the OS's random source; a malformed one stops the start
        // instead of handing out keys anyone could compute.
        let secret = deployment_secret(&store, PRIVATE_LINK_SECRET).await?;
        let private_links = crate::secrets::PrivateLinks::from_hex(&secret)
            .map_err(|e| StoreError::Unreadable(e.to_string()))?;
        let device_marks = crate::secrets::DeviceMarks::from_hex(
            &deployment_secret(&store, DEVICE_MARK_SECRET).await?,
        )
        .map_err(|e| StoreError::Unreadable(e.to_string()))?;
        let cell_keys = crate::secrets::bytes_from_hex(
            "cell key",
            &deployment_secret(&store, CELL_KEY_SECRET).await?,
        )
        .map(|b| crate::domain::cell_key::CellKeys::new(&b))
        .map_err(|e| StoreError::Unreadable(e.to_string()))?;
        Ok(Service {
            store,
            geocoder: Locatieserver::new(&settings.locatieserver_url),
            areas: Arc::new(RwLock::new(Arc::new(areas))),
            tables: Arc::default(),
            coverage_cache: Arc::default(),
            facts: Arc::default(),
            auth: Arc::new(AuthState::new(settings)),
            abuse: Arc::new(Abuse::new(settings)?),
            photo_dir: settings.photo_dir.clone(),
            private_links: Arc::new(private_links),
            device_marks: Arc::new(device_marks),
            cell_keys: Arc::new(cell_keys),
            area_shapes: Arc::default(),
            photo_slots: Arc::default(),
        })
    }

    /// The per-client limits and the bound on heavy reads (applied by the routes' layers).
    pub fn abuse(&self) -> &Abuse {
        &self.abuse
    }

    /// Whether cookies are `Secure` (the site is served over https).
    pub fn secure_cookies(&self) -> bool {
        self.auth.secure_cookies
    }

    /// The address residents reach the site at, when set (for QR codes and posters).
    pub fn public_url(&self) -> Option<&str> {
        self.auth.public_url.as_deref()
    }

    /// The same service with at most `n` heavy reads at once (tests make it 0: always busy).
    #[cfg(test)]
    pub(crate) fn with_heavy_reads(mut self, n: usize) -> Self {
        let abuse = Abuse {
            heavy: Arc::new(tokio::sync::Semaphore::new(n)),
            limiter: crate::ratelimit::RateLimiter::off(),
            reads: crate::ratelimit::RateLimiter::off(),
            sign_in: crate::ratelimit::RateLimiter::off(),
            trusted: crate::ratelimit::TrustedProxies::none(),
        };
        self.abuse = Arc::new(abuse);
        self
    }

    /// The same service with uploads that must arrive within `time` (tests make it short).
    #[cfg(test)]
    pub(crate) fn with_upload_time(mut self, time: std::time::Duration) -> Self {
        self.photo_slots = Arc::new(crate::service::photos::PhotoSlots {
            upload_time: time,
            ..Default::default()
        });
        self
    }

    /// Whether the database answers (the readiness probe).
    pub async fn ready(&self) -> bool {
        self.store.ready().await
    }
}
