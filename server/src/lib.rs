//! The `trefpunt` server: the Leptos site, the REST API and the command line.

#![recursion_limit = "256"]

pub mod assets;
pub mod auth;
pub mod config;
pub mod cookies;
pub mod domain;
pub mod export;
pub mod import;
pub mod pdok;
pub mod ratelimit;
pub mod routes;
pub mod secrets;
pub mod service;
pub mod store;

use std::net::SocketAddr;
use std::sync::Arc;

use app::api::BackendRef;
use app::{shell, App, ShellConfig};
use axum::extract::FromRef;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

use crate::config::Settings;
use crate::service::Service;
use crate::store::Store;

/// Everything a request handler may need.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub service: Service,
    pub shell: ShellConfig,
    /// The security headers' policy (Content-Security-Policy and friends).
    pub security: Arc<routes::security::Policy>,
    /// The site's files by version, and the service worker stamped with them.
    pub site: Arc<assets::Site>,
}

impl FromRef<AppState> for Arc<assets::Site> {
    fn from_ref(s: &AppState) -> Self {
        s.site.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

impl FromRef<AppState> for Service {
    fn from_ref(s: &AppState) -> Self {
        s.service.clone()
    }
}

impl AppState {
    /// What every Leptos render and server function gets as context.
    pub fn context(&self) -> impl Fn() + Clone + Send + Sync + 'static {
        let backend: BackendRef = Arc::new(self.service.clone());
        let files = self.site.assets.clone();
        move || {
            provide_context(backend.clone());
            // Pages name the site's files with their versions.
            provide_context(files.clone());
            // The request's CSP nonce, from the slot the security layer gave the request (and
            // whose value it names in the answer's policy), replaces the one leptos_axum made:
            // Leptos puts it on the page's inline data scripts, the page on its <noscript> style.
            let slot = use_context::<axum::http::request::Parts>().and_then(|parts| {
                parts
                    .extensions
                    .get::<routes::security::CspNonce>()
                    .cloned()
            });
            if let Some(nonce) = slot.and_then(|slot| slot.get()) {
                provide_context(leptos::nonce::Nonce::from_value(nonce));
            }
        }
    }

    pub fn app_shell(&self) -> impl Fn() -> AnyView + Clone + Send + Sync + 'static {
        let config = self.shell.clone();
        move || shell(config.clone()).into_any()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("leptos configuration: {0}")]
    Leptos(String),
    #[error(transparent)]
    Secret(#[from] secrets::SecretError),
    #[error(transparent)]
    Service(#[from] service::ServiceError),
    #[error(transparent)]
    Assets(#[from] assets::AssetError),
    #[error("reading the site's files stopped: {0}")]
    SiteFiles(String),
}

/// How long a stopping server waits for open requests (a slow upload, a client that keeps its
/// connection busy) before it exits anyway; below systemd's default stop timeout of 90 s.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// A built, bound application, ready to serve (zero2prod's pattern: tests bind port 0 and read the port).
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    store: Store,
    /// The service's background work, stopped before the database closes.
    background: service::background::Background,
    pub addr: SocketAddr,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Application, StartError> {
        let conf = get_configuration(None).map_err(|e| StartError::Leptos(e.to_string()))?;
        let mut leptos_options = conf.leptos_options;
        leptos_options.site_addr = settings.addr;

        let listener = tokio::net::TcpListener::bind(settings.addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: settings.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: settings.addr,
            source,
        })?;
        // The site's files are read (and hashed) on a blocking thread, before anything is opened
        // that would need closing.
        let root = std::path::PathBuf::from(leptos_options.site_root.as_ref());
        let site = tokio::task::spawn_blocking(move || assets::load(&root))
            .await
            .map_err(|e| StartError::SiteFiles(e.to_string()))??;
        let site = Arc::new(site);
        let store = Store::open(&settings.database_url).await?;
        let service = Service::new(store.clone(), &settings).await?;
        // Last, once nothing else can fail: the application owns it from here and stops it.
        let background = service.start_background();
        let state = AppState {
            site,
            security: Arc::new(routes::security::Policy::new(
                &settings.tile_url,
                settings.public_url.as_deref(),
            )),
            leptos_options,
            service,
            shell: ShellConfig {
                tile_url: settings.tile_url.clone(),
                tile_attribution: settings.tile_attribution.clone(),
            },
        };
        let router = router(state);
        Ok(Application {
            listener,
            router,
            store,
            background,
            addr,
        })
    }

    /// Serves until SIGTERM or Ctrl-C. Then it stops accepting connections, closes idle ones and
    /// lets in-flight requests finish (at most [`SHUTDOWN_GRACE`]), so every request that reached
    /// a handler gets its answer, and closes the database last.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let (stopping, stopped) = tokio::sync::watch::channel(false);
        let signal = async move {
            shutdown_signal().await;
            let _ = stopping.send(true);
        };
        // The peer address reaches the rate limit (routes::abuse) and nothing else.
        let serve = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal);
        let grace = async move {
            let mut stopped = stopped;
            let _ = stopped.wait_for(|s| *s).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        };
        let result = tokio::select! {
            r = serve => r,
            () = grace => {
                tracing::warn!("shutdown: requests still open after {SHUTDOWN_GRACE:?}; stopping anyway");
                Ok(())
            }
        };
        self.background.stop().await;
        self.store.close().await;
        tracing::info!("stopped");
        result
    }
}

pub fn router(state: AppState) -> Router {
    let site_root = state.leptos_options.site_root.to_string();
    let pkg_dir = format!("{site_root}/{}", state.leptos_options.site_pkg_dir);
    let routes = app_routes();
    let context = state.context();
    let app_shell = state.app_shell();
    let fallback_shell = {
        let config = state.shell.clone();
        move |_: LeptosOptions| shell(config.clone())
    };
    use axum::routing::post;
    // The resident's plain forms: anonymous writes, each under the per-client limit.
    let anonymous_forms = Router::new()
        .route("/meedoen/{kind}", post(routes::form::submit))
        .route(
            "/campagne/{id}/vragen",
            post(routes::campaign_forms::answer),
        )
        .route("/melding/{id}/ik-ook", post(routes::form::me_too))
        .route("/mijn/{id}", post(routes::form::change_own))
        .route("/mijn/{id}/verwijderen", post(routes::form::delete_own))
        .route("/mijn/{id}/antwoord", post(routes::form::reply_own))
        .route(
            "/mijn/{id}/foto",
            post(routes::photos::upload_form)
                .layer(routes::photos::body_limit())
                .layer(axum::middleware::from_fn_with_state(
                    state.service.clone(),
                    routes::photos::admit,
                )),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.service.clone(),
            routes::abuse::limit_writes,
        ));
    Router::new()
        .merge(anonymous_forms)
        .route("/taal/{locale}", axum::routing::get(routes::lang::choose))
        .route(
            "/staff/campagnes/{id}",
            axum::routing::post(routes::campaign_forms::save),
        )
        // Liveness: the process answers. Readiness: it can also reach its database, so a proxy only
        // sends residents to servers that can store what they send.
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/readyz", axum::routing::get(routes::ready))
        .merge(routes::staff_forms::router().with_state(state.service.clone()))
        .merge(routes::events::router().with_state(state.service.clone()))
        .merge(routes::dynamics::router().with_state(state.service.clone()))
        .nest(
            "/api/v1",
            routes::api::router(&state.service).with_state(state.service.clone()),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), app_shell)
        .nest_service("/pkg", static_files(&pkg_dir))
        .nest_service("/vendor", static_files(&format!("{site_root}/vendor")))
        .nest_service("/js", static_files(&format!("{site_root}/js")))
        .route("/sw.js", axum::routing::get(assets::service_worker))
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, fallback_shell))
        .layer(axum::middleware::from_fn(routes::server_fns::error_status))
        .layer(axum::middleware::from_fn(routes::server_fns::only_json))
        .layer(axum::middleware::from_fn(routes::lang::apply_choice))
        .layer(axum::middleware::from_fn_with_state(
            state.service.clone(),
            routes::abuse::limit_server_fns,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.service.clone(),
            routes::abuse::heavy_pages,
        ))
        // Before every check that reads the path: none sees `/./inzicht` other than the renderer.
        .layer(axum::middleware::from_fn(routes::security::clean_paths))
        // Outside the limit, so its 429 answers carry the security headers too.
        .layer(axum::middleware::from_fn_with_state(
            state.security.clone(),
            routes::security::headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.site.clone(),
            assets::cache_control,
        ))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// The site's routes, walked once per process. The walk renders the app with resource loading
/// suppressed, and leptos_router's suppression is a process-wide flag: a second walk (each
/// `Application::build` would make one) while another app in the same process renders a page
/// leaves that page's data pending forever. The test suite runs many apps in one process.
fn app_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Built assets, with the `.br`/`.gz` files the build made next to them, so the bundle is compressed
/// once at build time at the highest level instead of on every request.
fn static_files(dir: &str) -> ServeDir {
    ServeDir::new(dir).precompressed_br().precompressed_gzip()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
