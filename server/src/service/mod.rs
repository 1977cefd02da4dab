//! The application service: what the routes and pages ask for, in the order DESIGN.md gives
//! (validate, assign to areas, store, count). Routes and the Leptos pages (through
//! `app::api::Backend`, see `routes::pages`) call it; it calls the pure domain and the store.
//!
//! - [`submit`]: a resident's entry from arrival to storage, "ik ook", nearby entries;
//! - [`areas`]: the area index, its reload after an import, the areas' shapes;
//! - [`aggregates`]: the released figures, the dashboard and area profiles;
//! - [`private_link`]: a resident's own entry through its private link, and retention;
//! - [`photos`]: residents' photos on disk;
//! - [`events`]: street events and their tablets;
//! - [`campaigns`]: campaigns and their survey answers;
//! - [`staff`]: staff sessions and the staff desk.

pub mod aggregates;
pub mod areas;
pub mod campaigns;
pub mod error;
pub mod events;
pub mod photos;
pub mod private_link;
pub mod staff;
pub mod submit;

pub use areas::{build_index, AreaShapes, LoadedAreas};
pub use error::{ServiceError, ServiceResult};
pub use staff::StaffCheck;

use std::sync::{Arc, RwLock};

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

#[derive(Clone)]
pub struct Service {
    pub store: Store,
    pub geocoder: Locatieserver,
    /// The areas every submission is assigned to at write time; replaced whole when areas are imported.
    pub areas: Arc<RwLock<Arc<LoadedAreas>>>,
    /// Each gemeente's aggregate table, rebuilt when its revision changes.
    pub tables: Arc<TableCache>,
    pub facts: Arc<FactsCache>,
    pub auth: Arc<AuthState>,
    pub abuse: Arc<Abuse>,
    /// Where residents' photos are kept (files named by their content hash).
    pub photo_dir: std::path::PathBuf,
    /// How many photo uploads are held and decoded at once.
    pub photo_slots: Arc<crate::service::photos::PhotoSlots>,
    /// The `/api/v1/areas` answers, built once per import.
    pub area_shapes: Arc<AreaShapes>,
    /// The record keys behind the figures' cell-key noise (`domain::cell_key`), from a secret of
    /// this deployment.
    pub cell_keys: Arc<crate::domain::cell_key::CellKeys>,
    /// The keys of residents' private links, from the deployment's secret (read once at start).
    pub private_links: Arc<crate::secrets::PrivateLinks>,
    /// The marks of browsers staff signed in from (see `secrets::DeviceMarks`).
    pub device_marks: Arc<crate::secrets::DeviceMarks>,
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

impl Default for Abuse {
    /// Off: library users and tests switch it on; `trefpunt serve` takes it from the settings.
    fn default() -> Self {
        Abuse {
            limiter: crate::ratelimit::RateLimiter::off(),
            reads: crate::ratelimit::RateLimiter::off(),
            sign_in: crate::ratelimit::RateLimiter::off(),
            heavy: Arc::new(tokio::sync::Semaphore::new(HEAVY_READS)),
            trusted: crate::ratelimit::TrustedProxies::none(),
        }
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

impl Default for AuthState {
    fn default() -> Self {
        AuthState {
            secure_cookies: false,
            public_url: None,
            hashing: tokio::sync::Semaphore::new(2),
        }
    }
}

impl Service {
    pub async fn new(store: Store, geocoder: Locatieserver) -> Result<Service, StoreError> {
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
            geocoder,
            areas: Arc::new(RwLock::new(Arc::new(areas))),
            tables: Arc::default(),
            facts: Arc::default(),
            auth: Arc::default(),
            abuse: Arc::default(),
            photo_dir: std::path::PathBuf::from("data/photos"),
            private_links: Arc::new(private_links),
            device_marks: Arc::new(device_marks),
            cell_keys: Arc::new(cell_keys),
            area_shapes: Arc::default(),
            photo_slots: Arc::default(),
        })
    }

    /// Whether the database answers (the readiness probe).
    pub async fn ready(&self) -> bool {
        self.store.ready().await
    }
}
