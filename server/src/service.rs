//! The application service: validation, area assignment and storage in the order DESIGN.md gives.
//! Both the REST handlers and the Leptos server functions (through `app::api::Backend`) call this.

use app::api::{Backend, BackendError, BoxFuture, SubmitOutcome};
use app::model::{
    is_slug, validate_for, AreaCodes, AreaProfile, FormDraft, GeocodeHit, InsightFilter,
    InsightOverview, PublicEntry, QueueItem, Rule, StaffDesk, Status, Submission, SubmissionInput,
    Violation,
};

use std::sync::{Arc, RwLock};

use crate::domain::areas::{Area, AreaIndex, Level};
use crate::domain::calendar::today_utc;
use crate::import::boundaries::geojson_shape;
use crate::insight::{FactsCache, TableCache};
use crate::pdok::locatieserver::{GeocodeError, Locatieserver};
use crate::store::{EntryFilter, Store, StoreError, Stored, StoredArea};

/// The name of the private-link secret in the `secrets` table. Migration 0015 removed its
/// predecessor `edit_key`, whose keys the old code derived under an all-zero MAC key.
pub const PRIVATE_LINK_SECRET: &str = "private_link";

/// The secret the cell-key noise is keyed with (see `domain::cell_key`): whoever knew it could
/// compute the noise of any cell from the public entry ids.
pub const CELL_KEY_SECRET: &str = "cell_key";

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
    pub photo_slots: Arc<crate::photos::PhotoSlots>,
    /// The `/api/v1/areas` answers, built once per import.
    pub area_shapes: Arc<AreaShapes>,
    /// The record keys behind the figures' cell-key noise (`domain::cell_key`), from a secret of
    /// this deployment.
    pub cell_keys: Arc<crate::domain::cell_key::CellKeys>,
    /// The keys of residents' private links, from the deployment's secret (read once at start).
    pub private_links: Arc<crate::secrets::PrivateLinks>,
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

/// The areas of each level as a GeoJSON FeatureCollection, with the import it was built from: every
/// shape is serialised once per import instead of once per request.
#[derive(Default)]
pub struct AreaShapes(RwLock<rustc_hash::FxHashMap<String, (String, axum::body::Bytes)>>);

/// A `Cookie` header alone, for checks that read it from a server function's request.
pub fn cookie_headers(cookie: Option<String>) -> axum::http::HeaderMap {
    let mut headers = axum::http::HeaderMap::new();
    if let Some(v) = cookie.and_then(|c| c.parse().ok()) {
        headers.insert(axum::http::header::COOKIE, v);
    }
    headers
}

/// The area index with the generation of the stored areas it was built from (see `store::areas`):
/// entries are stored with it, so an entry assigned by an index an import has since replaced is
/// found and re-assigned.
#[derive(Default)]
pub struct LoadedAreas {
    pub generation: i64,
    pub index: AreaIndex,
}

impl LoadedAreas {
    /// The stored areas as of now. The generation is read first: should an import land in between,
    /// the index is newer than its label, never older, and the next look sees the new generation
    /// and loads again.
    pub async fn load(store: &Store) -> Result<LoadedAreas, StoreError> {
        let generation = store.area_generation().await?;
        let index = build_index(store.areas().await?);
        Ok(LoadedAreas { generation, index })
    }
}

/// Builds the in-memory index from stored areas; a shape that no longer parses is left out (logged).
pub fn build_index(stored: Vec<StoredArea>) -> AreaIndex {
    let areas = stored
        .into_iter()
        .filter_map(|a| {
            let level = Level::parse(&a.level)?;
            let shape = serde_json::from_str(&a.shape).map_err(|e| e.to_string()).and_then(|v| geojson_shape(&v));
            match shape {
                Ok(shape) => Some(Area { code: a.code, level, shape }),
                Err(e) => {
                    tracing::error!(code = %a.code, error = %e, "stored area shape unreadable; left out");
                    None
                }
            }
        })
        .collect();
    AreaIndex::new(areas)
}

impl Service {
    pub async fn new(store: Store, geocoder: Locatieserver) -> Result<Service, StoreError> {
        let areas = LoadedAreas::load(&store).await?;
        // Made once per deployment from the OS's random source; a malformed one stops the start
        // instead of handing out keys anyone could compute.
        let secret = deployment_secret(&store, PRIVATE_LINK_SECRET).await?;
        let private_links = crate::secrets::PrivateLinks::from_hex(&secret)
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
            cell_keys: Arc::new(cell_keys),
            area_shapes: Arc::default(),
            photo_slots: Arc::default(),
        })
    }

    /// The imported areas of `level` as a GeoJSON FeatureCollection (code, name, population, CBS
    /// year), from the cache unless areas or key figures were imported since.
    pub async fn areas_geojson(&self, level: &str) -> Result<axum::body::Bytes, StoreError> {
        let version = self.store.facts_version().await?;
        let cached = self.area_shapes.0.read().ok().and_then(|c| {
            c.get(level)
                .filter(|(v, _)| *v == version)
                .map(|(_, body)| body.clone())
        });
        if let Some(body) = cached {
            return Ok(body);
        }
        let mut body = String::from(r#"{"type":"FeatureCollection","features":["#);
        for (i, a) in self
            .store
            .shown_areas()
            .await?
            .into_iter()
            .filter(|a| a.level == level)
            .enumerate()
        {
            if i > 0 {
                body.push(',');
            }
            let props = serde_json::json!({"code": a.code, "name": a.name, "population": a.population, "year": a.year});
            // The shape is stored as GeoJSON already: no need to parse it again.
            body.push_str(&format!(
                r#"{{"type":"Feature","id":{},"properties":{props},"geometry":{}}}"#,
                serde_json::Value::String(a.code.clone()),
                a.shape
            ));
        }
        body.push_str("]}");
        // Bytes: every answer shares the one copy.
        let body = axum::body::Bytes::from(body);
        if let Ok(mut c) = self.area_shapes.0.write() {
            c.insert(level.to_string(), (version, body.clone()));
        }
        Ok(body)
    }

    pub fn loaded_areas(&self) -> Arc<LoadedAreas> {
        self.areas.read().map(|g| g.clone()).unwrap_or_default()
    }

    /// Keeps the index up to date with the stored areas: every `every`, loads them again when an
    /// import (`trefpunt import-areas`, another process) counted their generation up, and
    /// re-assigns the entries stored under an older one (this server's own in the seconds before
    /// it noticed, another server's, or those a PostgreSQL import could not see). The first round
    /// runs at once, for entries a stopped server left behind.
    pub fn watch_areas(&self, every: std::time::Duration) {
        let svc = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = svc.refresh_areas().await {
                    tracing::warn!(error = %e, "areas not refreshed; trying again");
                }
                tokio::time::sleep(every).await;
            }
        });
    }

    /// One round of [`Service::watch_areas`].
    pub async fn refresh_areas(&self) -> Result<(), StoreError> {
        let mut loaded = self.loaded_areas();
        if self.store.area_generation().await? != loaded.generation {
            let fresh = Arc::new(LoadedAreas::load(&self.store).await?);
            tracing::info!(
                areas = fresh.index.len(),
                generation = fresh.generation,
                "areas changed: index reloaded"
            );
            if let Ok(mut g) = self.areas.write() {
                *g = fresh.clone();
            }
            loaded = fresh;
        }
        let moved = self
            .store
            .reassign_stale(loaded.generation, |lon, lat| loaded.index.assign(lon, lat))
            .await?;
        if moved > 0 {
            tracing::info!(moved, "entries stored under older areas re-assigned");
        }
        Ok(())
    }

    /// Validates against the entry's campaign (its kinds, categories and areas) and stores it. A
    /// campaign that is closed or outside its period takes no new entries, but a resend of an entry it
    /// took is still answered as stored.
    pub async fn submit(
        &self,
        input: SubmissionInput,
        credentials: &crate::events::Credentials,
    ) -> Result<SubmitOutcome, StoreError> {
        let campaign = match is_slug(input.campaign.trim()) {
            true => self.store.campaign_for_entry(input.campaign.trim()).await?,
            false => None,
        };
        let found = self.proof(&input, credentials).await?;
        let s = match validate_for(&input, campaign.as_ref(), &found.proof) {
            Ok(s) => s,
            Err(v) => return Ok(SubmitOutcome::Invalid(v)),
        };
        let Some(campaign) = campaign else {
            return Ok(SubmitOutcome::Invalid(vec![Violation::new(
                "campaign",
                Rule::UnknownCampaign,
            )]));
        };
        let loaded = self.loaded_areas();
        let areas = match s.location {
            Some(l) => loaded.index.assign(l.lon, l.lat),
            None => AreaCodes::default(),
        };
        // Scope applies once areas exist; without them nothing can be placed in a gemeente.
        if s.location.is_some()
            && !loaded.index.is_empty()
            && !campaign.covers(areas.gemeente.as_deref())
        {
            return Ok(SubmitOutcome::Invalid(vec![Violation::new(
                "location",
                Rule::OutsideCampaign,
            )]));
        }
        // An event's entries count on the event's day, however late the tablet found a network.
        let campaign_open = campaign.is_open_on(found.day.as_deref().unwrap_or(&today_utc()));
        let outcome = self
            .store_valid(
                &s,
                &areas,
                loaded.generation,
                found.takes_new && campaign_open,
            )
            .await?;
        // A new entry refused because its event closed (or its grace period ended) says so.
        Ok(match outcome {
            SubmitOutcome::Invalid(v)
                if campaign_open
                    && !found.takes_new
                    && v.iter().any(|v| v.rule == Rule::UnknownCampaign) =>
            {
                SubmitOutcome::Invalid(vec![Violation::new("event", Rule::EventClosed)])
            }
            other => other,
        })
    }

    async fn store_valid(
        &self,
        s: &Submission,
        areas: &AreaCodes,
        generation: i64,
        open: bool,
    ) -> Result<SubmitOutcome, StoreError> {
        Ok(match self.store.submit(s, areas, generation, open).await? {
            Stored::Created(r) => SubmitOutcome::Created(self.with_key(r)),
            Stored::Replayed(r) => SubmitOutcome::Replayed(self.with_key(r)),
            Stored::Conflict => SubmitOutcome::Conflict,
            Stored::Gone => SubmitOutcome::Gone,
            Stored::UnknownCampaign => {
                SubmitOutcome::Invalid(vec![Violation::new("campaign", Rule::UnknownCampaign)])
            }
        })
    }

    /// The resident form: when no map position was given but an address was typed, the best PDOK match
    /// becomes the position.
    pub async fn submit_form(
        &self,
        draft: FormDraft,
        credentials: &crate::events::Credentials,
    ) -> Result<SubmitOutcome, BackendError> {
        if draft.is_robot() {
            // Answered as if stored, so the robot learns nothing; nothing about it is logged.
            tracing::info!("form with the hidden field filled in: not stored");
            return Ok(SubmitOutcome::Created(app::model::Receipt {
                id: draft.id.trim().to_ascii_lowercase(),
                areas: AreaCodes::default(),
                edit_key: None,
            }));
        }
        if let Err(v) = draft.check() {
            return Ok(SubmitOutcome::Invalid(v));
        }
        let location = match draft.location() {
            Ok(Some(l)) => Some(l),
            Ok(None) if !draft.address.trim().is_empty() => {
                match self.geocoder.search(draft.address.trim(), 1).await {
                    Ok(hits) => match hits.into_iter().next() {
                        Some(hit) => Some(hit.location),
                        None => {
                            return Ok(SubmitOutcome::Invalid(vec![Violation::new(
                                "address",
                                Rule::AddressNotFound,
                            )]))
                        }
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, "address lookup failed");
                        return Ok(SubmitOutcome::Invalid(vec![Violation::new(
                            "address",
                            Rule::LookupUnavailable,
                        )]));
                    }
                }
            }
            Ok(None) => None,
            Err(v) => return Ok(SubmitOutcome::Invalid(vec![v])),
        };
        self.submit(draft.to_input(location), credentials)
            .await
            .map_err(backend_error)
    }

    pub async fn geocode(&self, q: &str) -> Result<Vec<GeocodeHit>, GeocodeError> {
        self.geocoder.search(q, 6).await
    }

    /// The staff page for the session in a `Cookie` header, if it is valid.
    pub async fn desk(&self, cookie: Option<String>) -> Result<Option<StaffDesk>, StoreError> {
        let Some(user) = self.cookie_user(cookie).await? else {
            return Ok(None);
        };
        let mut queue = Vec::new();
        for q in self.store.moderation_queue(200, &user.scope()).await? {
            let Some(kind) = app::model::Kind::parse(&q.kind) else {
                continue;
            };
            let flagged = app::model::personal_data(&q.text)
                .into_iter()
                .map(|(a, b)| q.text[a..b].to_string())
                .collect();
            let duplicates = self
                .store
                .duplicate_candidates(&q.id)
                .await?
                .into_iter()
                .map(|c| app::model::Duplicate {
                    id: c.id,
                    created_at: c.created_at.get(..10).unwrap_or_default().to_string(),
                    text: c.text,
                })
                .collect();
            queue.push(QueueItem {
                kind,
                status: Status::parse(&q.status).unwrap_or_default(),
                id: q.id,
                category: q.category,
                created_at: q.created_at,
                flagged,
                photo: q.photo.as_deref().map(app::model::photo_url),
                duplicates,
                text: q.text,
            });
        }
        Ok(Some(StaffDesk {
            email: user.email,
            role: user.role.as_str().to_string(),
            csrf: user.csrf,
            queue,
        }))
    }

    /// One respondent's "ik ook" on a visible entry; violations for a malformed respondent id.
    pub async fn me_too(
        &self,
        id: &str,
        respondent: &str,
    ) -> Result<Result<crate::store::MeToo, Vec<Violation>>, StoreError> {
        if !app::model::is_uuid(respondent) {
            return Ok(Err(vec![Violation::new("respondent", Rule::NotUuid)]));
        }
        if !app::model::is_uuid(id) {
            return Ok(Ok(crate::store::MeToo::Unknown));
        }
        Ok(Ok(self
            .store
            .me_too(&id.to_ascii_lowercase(), &respondent.to_ascii_lowercase())
            .await?))
    }

    /// Visible entries of `kind` near a position (by their public position), nearest first: what a
    /// resident sees while adding one, to say "ik ook" instead.
    pub async fn nearby(
        &self,
        kind: app::model::Kind,
        lon: f64,
        lat: f64,
    ) -> Result<Vec<PublicEntry>, StoreError> {
        // About 200 m each way at Dutch latitudes.
        let (dlon, dlat) = (0.003, 0.0018);
        let mut found = self
            .store
            .public_entries(&EntryFilter {
                bbox: Some(app::model::Bbox {
                    min_lon: lon - dlon,
                    min_lat: lat - dlat,
                    max_lon: lon + dlon,
                    max_lat: lat + dlat,
                }),
                kind: Some(kind),
                limit: 200,
            })
            .await?;
        let dist = |e: &PublicEntry| {
            e.location.map_or(f64::MAX, |p| {
                let dx = (p.lon - lon) * (lat.to_radians().cos());
                let dy = p.lat - lat;
                dx * dx + dy * dy
            })
        };
        found.sort_by(|a, b| dist(a).total_cmp(&dist(b)));
        found.truncate(5);
        Ok(found)
    }

    pub async fn public_entries(&self, f: &EntryFilter) -> Result<Vec<PublicEntry>, StoreError> {
        self.store.public_entries(f).await
    }
}

/// Logs the real error and hands the UI only what it may show.
pub fn backend_error(e: StoreError) -> BackendError {
    match e.outage() {
        Some(outage) => {
            tracing::warn!(error = %e, ?outage, "storage unavailable");
            BackendError::Unavailable(outage.message().into())
        }
        None => {
            tracing::error!(error = %e, "storage failed");
            BackendError::Internal
        }
    }
}

impl Backend for Service {
    fn staff_desk(
        &self,
        cookie: Option<String>,
    ) -> BoxFuture<'_, Result<Option<StaffDesk>, BackendError>> {
        Box::pin(async move { self.desk(cookie).await.map_err(backend_error) })
    }

    fn staff_view(
        &self,
        cookie: Option<String>,
        view: app::model::StaffView,
    ) -> BoxFuture<'_, Result<Option<app::model::StaffPageData>, BackendError>> {
        Box::pin(async move { self.staff_page(cookie, view).await.map_err(backend_error) })
    }

    fn open_campaigns(
        &self,
        lang: String,
    ) -> BoxFuture<'_, Result<Vec<app::model::CampaignCard>, BackendError>> {
        Box::pin(async move { self.campaign_cards(&lang).await.map_err(backend_error) })
    }

    fn campaign_info(
        &self,
        id: String,
        respondent: Option<String>,
    ) -> BoxFuture<'_, Result<Option<app::model::CampaignInfo>, BackendError>> {
        Box::pin(async move {
            Service::campaign_info(self, &id, respondent.as_deref())
                .await
                .map_err(backend_error)
        })
    }

    fn nearby(
        &self,
        kind: app::model::Kind,
        lon: f64,
        lat: f64,
    ) -> BoxFuture<'_, Result<Vec<PublicEntry>, BackendError>> {
        Box::pin(async move {
            Service::nearby(self, kind, lon, lat)
                .await
                .map_err(backend_error)
        })
    }

    fn me_too(
        &self,
        id: String,
        respondent: String,
    ) -> BoxFuture<'_, Result<Option<u64>, BackendError>> {
        Box::pin(async move {
            match Service::me_too(self, &id, &respondent)
                .await
                .map_err(backend_error)?
            {
                Ok(crate::store::MeToo::Counted(n) | crate::store::MeToo::Already(n)) => {
                    Ok(Some(n))
                }
                Ok(crate::store::MeToo::Unknown) | Err(_) => Ok(None),
            }
        })
    }

    fn edit_key(
        &self,
        id: String,
        respondent: String,
    ) -> BoxFuture<'_, Result<Option<String>, BackendError>> {
        Box::pin(async move {
            self.key_for_author(&id, &respondent)
                .await
                .map_err(backend_error)
        })
    }

    fn own_entry(
        &self,
        id: String,
        key: String,
    ) -> BoxFuture<'_, Result<Option<app::model::OwnEntry>, BackendError>> {
        Box::pin(async move {
            Service::own_entry(self, &id, &key)
                .await
                .map_err(backend_error)
        })
    }

    fn entry(&self, id: String) -> BoxFuture<'_, Result<Option<PublicEntry>, BackendError>> {
        Box::pin(async move { self.store.entry(&id).await.map_err(backend_error) })
    }

    fn insight(
        &self,
        filter: InsightFilter,
    ) -> BoxFuture<'_, Result<InsightOverview, BackendError>> {
        Box::pin(async move { self.overview(&filter).await.map_err(backend_error) })
    }

    fn area_profile(
        &self,
        code: String,
        filter: InsightFilter,
    ) -> BoxFuture<'_, Result<Option<AreaProfile>, BackendError>> {
        Box::pin(async move { self.profile(&code, &filter).await.map_err(backend_error) })
    }

    fn submit_form(
        &self,
        draft: FormDraft,
        cookie: Option<String>,
    ) -> BoxFuture<'_, Result<SubmitOutcome, BackendError>> {
        Box::pin(async move {
            let credentials = self.form_credentials(&draft, &cookie_headers(cookie)).await;
            Service::submit_form(self, draft, &credentials).await
        })
    }

    fn form_context(
        &self,
        campaign: String,
        paper_event: Option<String>,
        cookie: Option<String>,
    ) -> BoxFuture<'_, Result<app::model::FormContext, BackendError>> {
        Box::pin(async move {
            Service::form_context(
                self,
                &campaign,
                paper_event.as_deref(),
                &cookie_headers(cookie),
            )
            .await
            .map_err(backend_error)
        })
    }

    fn kiosk(
        &self,
        event: String,
        cookie: Option<String>,
    ) -> BoxFuture<'_, Result<Option<app::model::KioskContext>, BackendError>> {
        Box::pin(async move {
            Service::kiosk(self, &event, &cookie_headers(cookie))
                .await
                .map_err(backend_error)
        })
    }

    fn geocode(&self, q: String) -> BoxFuture<'_, Result<Vec<GeocodeHit>, BackendError>> {
        Box::pin(async move {
            Service::geocode(self, &q).await.map_err(|e| {
                tracing::warn!(error = %e, "address search failed");
                BackendError::Unavailable("address search is unavailable".into())
            })
        })
    }

    fn recent_entries(&self, limit: u32) -> BoxFuture<'_, Result<Vec<PublicEntry>, BackendError>> {
        Box::pin(async move {
            self.public_entries(&EntryFilter {
                limit,
                ..Default::default()
            })
            .await
            .map_err(backend_error)
        })
    }
}
