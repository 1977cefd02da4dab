use std::net::SocketAddr;
use std::path::PathBuf;

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{json, Value};
use server::config::Settings;
use server::Application;

pub fn shared_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data")
}

/// A fresh, empty database for one test, and a folder for its files (photos, an SQLite file).
///
/// SQLite in the folder by default. With `TREFPUNT_TEST_POSTGRES_URL` set (the URL of any database
/// on a PostgreSQL server whose user may create databases; `scripts/test.sh` starts a private
/// cluster), a new database on that server instead, so the whole suite runs on either backend.
pub struct TestDb {
    pub url: String,
    /// Shared by the servers a test starts on this database.
    pub dir: std::sync::Arc<tempfile::TempDir>,
}

impl TestDb {
    pub async fn fresh() -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = match std::env::var("TREFPUNT_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(server) => {
                use sqlx::Connection;
                sqlx::any::install_default_drivers();
                let name = format!("test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = sqlx::AnyConnection::connect(&server)
                    .await
                    .expect("TREFPUNT_TEST_POSTGRES_URL answers");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("create a test database");
                admin.close().await.expect("close");
                let base = server.split('?').next().unwrap_or(&server);
                let (host, _db) = base.rsplit_once('/').expect("postgres://host/db");
                format!("{host}/{name}")
            }
            None => format!("sqlite://{}/trefpunt.db", dir.path().display()),
        };
        TestDb {
            url,
            dir: std::sync::Arc::new(dir),
        }
    }

    pub fn is_postgres(&self) -> bool {
        is_postgres(&self.url)
    }
}

pub fn is_postgres(db_url: &str) -> bool {
    server::store::Backend::of_url(db_url) == Some(server::store::Backend::Postgres)
}

/// A statement written in SQLite's dialect (`?` placeholders), as the database at `db_url` needs it.
pub fn sql<'a>(db_url: &str, statement: &'a str) -> std::borrow::Cow<'a, str> {
    server::store::Backend::of_url(db_url)
        .expect("a sqlite or postgres URL")
        .sql(statement)
}

/// A pool on the database at `db_url`, for checking what a test stored (or planting a row).
pub async fn pool(db_url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(db_url).await.expect("pool")
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub db_url: String,
    db: TestDb,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A second Service on this app's database and photo folder (PDOK unreachable), for running
    /// the service's work (retention, profiles) directly; the store, to close it afterwards.
    pub async fn service(&self) -> (server::store::Store, server::service::Service) {
        let store = server::store::Store::open(&self.db_url)
            .await
            .expect("open");
        let svc = server::service::Service::new(
            store.clone(),
            &server::config::Settings {
                locatieserver_url: "http://127.0.0.1:9".to_string(),
                photo_dir: self.photo_dir(),
                ..server::config::Settings::with_defaults(&self.db_url)
            },
        )
        .await
        .expect("service");
        (store, svc)
    }

    /// Where this app keeps residents' photos.
    pub fn photo_dir(&self) -> PathBuf {
        self.db.dir.path().join("photos")
    }

    pub fn is_postgres(&self) -> bool {
        self.db.is_postgres()
    }

    /// A statement in SQLite's dialect for this app's database (see [`sql`]).
    pub fn sql<'a>(&self, statement: &'a str) -> std::borrow::Cow<'a, str> {
        sql(&self.db_url, statement)
    }

    pub async fn pool(&self) -> sqlx::AnyPool {
        pool(&self.db_url).await
    }

    /// A second server on this app's database, as behind a load balancer.
    pub async fn spawn_peer(&self) -> TestApp {
        let db = TestDb {
            url: self.db_url.clone(),
            dir: self.db.dir.clone(),
        };
        spawn_app_on(db, "http://127.0.0.1:9".into()).await
    }

    pub async fn post_form(&self, path: &str, body: &[(String, String)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(body)
            .send()
            .await
            .expect("post")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("get")
    }

    pub async fn get_text(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("html")
    }

    /// A GET with a `Cookie` header (a staff session, a language, an event link's tag).
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header(reqwest::header::COOKIE, cookie)
            .send()
            .await
            .expect("get")
    }

    pub async fn get_text_with_cookie(&self, path: &str, cookie: &str) -> String {
        self.get_with_cookie(path, cookie)
            .await
            .text()
            .await
            .expect("html")
    }

    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let res = self.get(path).await;
        res.json().await.expect("json")
    }

    pub async fn post_json(&self, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/submissions"))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// Opens the test's database directly, as an operator would after a crash.
    pub async fn count_rows(&self, table: &str) -> i64 {
        let store = server::store::Store::open(&self.db_url)
            .await
            .expect("open");
        let n = store.count_table(table).await.expect("count");
        store.close().await;
        n
    }

    /// Everything the database holds, as text: the SQLite files' bytes, or every row of every
    /// PostgreSQL table (for checking that something is stored nowhere).
    pub async fn stored_text(&self) -> String {
        if !self.is_postgres() {
            let db = self.db_url.trim_start_matches("sqlite://").to_string();
            return [db.clone(), format!("{db}-wal")]
                .iter()
                .filter_map(|f| std::fs::read(f).ok())
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .collect();
        }
        let pool = self.pool().await;
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
        )
        .fetch_all(&pool)
        .await
        .expect("tables");
        let mut all = String::new();
        for t in tables {
            let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT t::text FROM {t} t"))
                .fetch_all(&pool)
                .await
                .expect("rows");
            all.extend(rows);
        }
        all
    }
}

/// Starts the app with a fresh database. `locatieserver` is the PDOK stand-in's base URL (or an address
/// where nothing listens).
pub async fn spawn_app_with(locatieserver: String) -> TestApp {
    spawn_app_on(TestDb::fresh().await, locatieserver).await
}

/// Starts the app on `db` (fresh, or prepared by the test), with the PDOK stand-in.
pub async fn spawn_app_on(db: TestDb, locatieserver: String) -> TestApp {
    spawn_app_configured(db, locatieserver, |_| {}).await
}

/// The same, with the settings changed by `change` first.
pub async fn spawn_app_configured(
    db: TestDb,
    locatieserver: String,
    change: impl FnOnce(&mut Settings),
) -> TestApp {
    let db_url = db.url.clone();
    let mut settings = Settings {
        database_url: db_url.clone(),
        addr: "127.0.0.1:0".parse().expect("addr"),
        public_url: None,
        tile_url: String::new(),
        tile_attribution: String::new(),
        locatieserver_url: locatieserver,
        // Tests send many entries from one address; the limit has its own test.
        rate_limit_per_minute: 0,
        rate_limit_burst: 0,
        read_limit_per_minute: 0,
        read_limit_burst: 0,
        // Tests play the proxy in front of the app: an `X-Forwarded-For` they send names the client
        // (the per-client limits' tests use it); without one, the client is 127.0.0.1.
        trusted_proxies: server::ratelimit::TrustedProxies::parse("127.0.0.1").expect("proxies"),
        photo_dir: db.dir.path().join("photos"),
    };
    change(&mut settings);
    let app = Application::build(settings).await.expect("app builds");
    let addr = app.addr;
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // A server that stops answering fails the test instead of hanging the suite.
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("client");
    TestApp {
        addr,
        client,
        db_url,
        db,
    }
}

pub async fn spawn_app() -> TestApp {
    let pdok = spawn_pdok_standin().await;
    spawn_app_with(format!("http://{pdok}/bzk/locatieserver/search/v3_1")).await
}

/// A stand-in for PDOK Locatieserver v3.1 `/free`, answering with the bodies PDOK gave for real queries
/// (`shared/data/pdok/locatieserver`). Like v3.1, it refuses parameters outside its spec with 400.
pub async fn spawn_pdok_standin() -> SocketAddr {
    async fn free(Query(params): Query<Vec<(String, String)>>) -> impl IntoResponse {
        const ALLOWED: [&str; 12] = [
            "q", "lat", "lon", "fl", "fq", "df", "qf", "bq", "start", "rows", "sort", "wt",
        ];
        let dir = shared_data().join("pdok/locatieserver");
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect("fixture");
        if params.iter().any(|(k, _)| !ALLOWED.contains(&k.as_str())) {
            return (
                StatusCode::BAD_REQUEST,
                read("v3_1_free_error400_undefined-field__openforms.json"),
            );
        }
        let q = params
            .iter()
            .find(|(k, _)| k == "q")
            .map(|(_, v)| v.to_lowercase())
            .unwrap_or_default();
        let file = if q.contains("bolstraat") {
            "v3_1_free_adres_bolstraat-utrecht__foarsitter.json"
        } else if q.contains("1118cp") && q.contains("202") {
            "v3_free_adres_1118CP-202_rows1__nickurt.json"
        } else if q.contains("1118cp") {
            "v3_free_postcode-1118CP_rows1__nickurt.json"
        } else if q.trim() == "utrecht" {
            "v3_1_free_gemeente-utrecht_q-utrecht__openforms.json"
        } else {
            "v3_free_empty_numFound0__nickurt.json"
        };
        (StatusCode::OK, read(file))
    }
    let router = axum::Router::new().route(
        "/bzk/locatieserver/search/v3_1/free",
        axum::routing::get(free),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// The longest any test request may take (the slowest, a national import page, takes seconds).
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// A client for the real binary's tests, with [`REQUEST_TIMEOUT`].
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("client")
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A valid barrier in Dordrecht.
pub fn barrier(id: &str, respondent: &str) -> Value {
    json!({
        "id": id, "respondent": respondent, "campaign": "default",
        "kind": "barrier", "category": "steps",
        "location": {"lon": 4.6712345, "lat": 51.8123456},
        "details": {"severity": 3, "affects": ["wheelchair_walker", "buggy"]},
        "text": "Hoge stoep bij de bushalte", "language": "nl", "source": "web"
    })
}

pub fn place(id: &str, respondent: &str) -> Value {
    json!({
        "id": id, "respondent": respondent,
        "kind": "place", "category": "library",
        "location": {"lon": 4.6601, "lat": 51.8102},
        "details": {"name": "Bibliotheek", "qualities": ["free", "toilet"]},
        "language": "nl"
    })
}

/// A stand-in for PDOK's CBS wijken en buurten OGC API: the Drechtsteden buurten and wijken from
/// `shared/data` with PDOK's snake_case property names, in OGC API Features' envelope and cursor paging.
/// Pages hold at most 100 features whatever `limit` asks (servers may return fewer), so paging is used.
/// It has no queryables, so the client must filter on `gemeentecode` itself.
pub async fn spawn_ogc_standin() -> SocketAddr {
    use axum::extract::{Path, RawQuery};
    use std::sync::Arc;

    fn features(file: &str) -> Vec<Value> {
        let text =
            std::fs::read_to_string(shared_data().join("boundaries").join(file)).expect("fixture");
        let doc: Value = serde_json::from_str(&text).expect("json");
        let renames = [
            ("aantalInwoners", "aantal_inwoners"),
            ("aantalInwoners_som_buurten", "aantal_inwoners"),
        ];
        doc["features"]
            .as_array()
            .expect("features")
            .iter()
            .map(|f| {
                let mut f = f.clone();
                if let Some(props) = f["properties"].as_object_mut() {
                    for (from, to) in renames {
                        if let Some(v) = props.remove(from) {
                            props.insert(to.into(), v);
                        }
                    }
                }
                f
            })
            .collect()
    }
    let data = Arc::new([
        ("gemeenten", Vec::new()),
        (
            "wijken",
            features("drechtsteden_wijken_2023_derived.geojson"),
        ),
        ("buurten", features("drechtsteden_buurten_2023.geojson")),
    ]);
    let items = move |Path((dataset, collection)): Path<(String, String)>,
                      headers: axum::http::HeaderMap,
                      RawQuery(q): RawQuery| {
        let data = data.clone();
        async move {
            let Some((_, all)) = data.iter().find(|(c, _)| *c == collection) else {
                return (StatusCode::NOT_FOUND, "{}".to_string());
            };
            let q = q.unwrap_or_default();
            let param = |k: &str| {
                q.split('&')
                    .find_map(|kv| kv.strip_prefix(&format!("{k}=")).map(str::to_string))
            };
            let limit: usize = param("limit")
                .and_then(|l| l.parse().ok())
                .unwrap_or(10)
                .clamp(1, 100);
            let start: usize = param("cursor")
                .and_then(|c| c.strip_prefix('c').and_then(|n| n.parse().ok()))
                .unwrap_or(0);
            let page: Vec<Value> = all.iter().skip(start).take(limit).cloned().collect();
            let base = format!("/cbs/{dataset}/ogc/v1/collections/{collection}/items");
            let host = headers
                .get("host")
                .and_then(|h| h.to_str().ok())
                .unwrap_or("127.0.0.1")
                .to_string();
            let mut links = vec![
                json!({"rel": "self", "type": "application/geo+json", "href": format!("{base}?{q}")}),
            ];
            if start + limit < all.len() {
                // Absolute, as PDOK's next links are.
                let next = format!(
                    "http://{host}{base}?cursor=c{}&f=json&limit={limit}",
                    start + limit
                );
                links.push(json!({"rel": "next", "title": "Next page", "type": "application/geo+json", "href": next}));
            }
            let body = json!({"type": "FeatureCollection", "timeStamp": "2026-01-01T00:00:00Z", "links": links,
                "features": page, "numberReturned": page.len()});
            (StatusCode::OK, body.to_string())
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = axum::Router::new().route(
        "/cbs/{dataset}/ogc/v1/collections/{collection}/items",
        axum::routing::get(items),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// Runs `trefpunt ARGS` against the database at `db_url`.
pub fn trefpunt(db_url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_trefpunt"))
        .args(args)
        .env("TREFPUNT_DATABASE_URL", db_url)
        .output()
        .expect("run trefpunt")
}

/// The app on a database holding the Drechtsteden buurten and wijken (CBS 2023) with their
/// inhabitants, imported through the CLI as an operator would.
pub async fn spawn_drechtsteden_app() -> TestApp {
    let db = TestDb::fresh().await;
    let db_url = db.url.clone();
    let data = shared_data();
    let file = |p: &str| data.join(p).display().to_string();
    for args in [
        vec![
            "import-areas",
            &file("boundaries/drechtsteden_buurten_2023.geojson"),
            "--level",
            "buurt",
            "--year",
            "2023",
        ],
        vec![
            "import-areas",
            &file("boundaries/drechtsteden_wijken_2023_derived.geojson"),
            "--level",
            "wijk",
            "--year",
            "2023",
        ],
        vec![
            "import-population",
            &file("population/drechtsteden_buurten_2023_kwb.csv"),
        ],
    ] {
        let out = trefpunt(&db_url, &args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let pdok = spawn_pdok_standin().await;
    spawn_app_on(db, format!("http://{pdok}/bzk/locatieserver/search/v3_1")).await
}

/// Starts the real `trefpunt` binary and returns it with the address it reports.
pub fn start_binary(db_url: &str, env: &[(&str, &str)]) -> (std::process::Child, String) {
    start_binary_from(
        std::path::Path::new(env!("CARGO_BIN_EXE_trefpunt")),
        db_url,
        env,
    )
}

/// The same with another build of the binary (the release build, for measurements).
pub fn start_binary_from(
    bin: &std::path::Path,
    db_url: &str,
    env: &[(&str, &str)],
) -> (std::process::Child, String) {
    let mut child = std::process::Command::new(bin)
        .arg("serve")
        .env("TREFPUNT_DATABASE_URL", db_url)
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("TREFPUNT_TILE_URL", "none")
        .env("TREFPUNT_RATE_LIMIT_PER_MINUTE", "0")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start trefpunt");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let addr = loop {
        let line = lines
            .next()
            .expect("server printed its address")
            .expect("line");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.trim().to_string();
        }
    };
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// Whether a released figure is `truth` within the cell-key noise (`domain::cell_key::MAX_NOISE`).
pub fn near(v: &Value, truth: u64) -> bool {
    v.as_u64()
        .is_some_and(|x| (x as i64 - truth as i64).abs() <= server::domain::cell_key::MAX_NOISE)
}
