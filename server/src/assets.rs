//! The site's files by version (see `app::assets`): read once at start, each hashed, the service
//! worker stamped with the result, and answers for versioned names marked immutable.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use app::assets::Assets;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use blake2::{Blake2s256, Digest};

/// Hex digits of a version: 48 bits, so two versions of one file never share a name in practice.
const VERSION_HEX: usize = 12;

/// A year: the longest a cache keeps anything, and a versioned name never changes its bytes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The site's files and the service worker made for them.
#[derive(Clone, Debug, Default)]
pub struct Site {
    pub assets: Assets,
    /// `sw.js` with this build's version and shell files; `None` when the site has none.
    pub service_worker: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    #[error("cannot read the site's files in {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: the service worker has no `{line}` line for the server to stamp")]
    Unstampable { path: PathBuf, line: &'static str },
}

/// Reads every file under `root` (not the `.br`/`.gz` copies: they are the same bytes) and makes the
/// service worker. A missing `root` is an empty site (a test server without a built front end).
/// Blocking file I/O: call it from a blocking thread.
pub fn load(root: &Path) -> Result<Site, AssetError> {
    let mut files = BTreeMap::new();
    if root.is_dir() {
        walk(root, root, &mut files)?;
    }
    // The service worker's version: its own code and the shell it keeps, nothing else (a change to a
    // page or to a file it does not keep leaves the devices' caches alone). It is served by
    // [`service_worker`], stamped, never by a versioned name.
    let mut shell = Blake2s256::new();
    for path in SHELL.iter().chain(SHELL_PLAIN).copied().chain(["sw.js"]) {
        if let Some(version) = files.get(path) {
            shell.update(path.as_bytes());
            shell.update(b":");
            shell.update(version.as_bytes());
            shell.update(b"\n");
        }
    }
    files.remove("sw.js");
    let assets = Assets::new(files, short(&shell.finalize()));
    let sw_path = root.join("sw.js");
    let service_worker = match std::fs::read_to_string(&sw_path) {
        Ok(text) => Some(
            stamp(&text, &assets).map_err(|line| AssetError::Unstampable {
                path: sw_path,
                line,
            })?,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(AssetError::Read {
                path: sw_path,
                source,
            })
        }
    };
    Ok(Site {
        assets,
        service_worker,
    })
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) -> Result<(), AssetError> {
    let read = |path: &Path, e| AssetError::Read {
        path: path.to_path_buf(),
        source: e,
    };
    for entry in std::fs::read_dir(dir).map_err(|e| read(dir, e))? {
        let path = entry.map_err(|e| read(dir, e))?.path();
        if path.is_dir() {
            walk(root, &path, out)?;
            continue;
        }
        if matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz")) {
            continue;
        }
        let Ok(relative) = path.strip_prefix(root) else {
            continue;
        };
        let Some(name) = relative.to_str() else {
            continue;
        };
        let bytes = std::fs::read(&path).map_err(|e| read(&path, e))?;
        out.insert(name.replace('\\', "/"), short(&Blake2s256::digest(&bytes)));
    }
    Ok(())
}

fn short(digest: &[u8]) -> String {
    let mut hex = hex::encode(digest);
    hex.truncate(VERSION_HEX);
    hex
}

/// The files the service worker keeps for offline use, each by its versioned address (the pages
/// ask for those).
const SHELL: &[&str] = &[
    "pkg/trefpunt.css",
    "js/map.js",
    "js/outbox.js",
    "js/form.js",
    "js/kiosk.js",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "favicon.svg",
    "manifest.webmanifest",
    "icons/icon-192.png",
    "icons/icon-512.png",
];

/// Files the shell keeps by their plain names: Leaflet's styles ask for its marker images so.
const SHELL_PLAIN: &[&str] = &[
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
];

/// `sw.js` with its `const VERSION = …;` and `const SHELL_FILES = …;` lines replaced by this site's
/// version and versioned shell files; `Err(line)` names a line it lacks.
pub fn stamp(sw: &str, assets: &Assets) -> Result<String, &'static str> {
    const VERSION: &str = "const VERSION = ";
    const FILES: &str = "const SHELL_FILES = ";
    let urls: Vec<String> = SHELL
        .iter()
        .map(|f| assets.url(f))
        .chain(SHELL_PLAIN.iter().map(|f| format!("/{f}")))
        .collect();
    let files = serde_json::to_string(&urls).unwrap_or_else(|_| "[]".into());
    let (mut version_seen, mut files_seen) = (false, false);
    let mut out = String::with_capacity(sw.len() + 512);
    for line in sw.lines() {
        if line.starts_with(VERSION) {
            out.push_str(&format!("{VERSION}{:?};", assets.version()));
            version_seen = true;
        } else if line.starts_with(FILES) {
            out.push_str(&format!("{FILES}{files};"));
            files_seen = true;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    match (version_seen, files_seen) {
        (true, true) => Ok(out),
        (false, _) => Err("const VERSION = …;"),
        (_, false) => Err("const SHELL_FILES = …;"),
    }
}

/// `GET /sw.js`: the stamped service worker. Browsers look for a new one on every visit (`no-cache`
/// makes any cache in between ask too), so a deploy reaches every device on its next page.
pub async fn service_worker(State(site): State<std::sync::Arc<Site>>) -> Response {
    match &site.service_worker {
        Some(text) => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            text.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A site file asked for by its current versioned name (`?v=` its version) is kept for a year
/// without asking again; by its plain name (or an old version's), it is checked on every use
/// (`no-cache`: an unchanged file costs a 304, never its bytes).
pub async fn cache_control(
    State(site): State<std::sync::Arc<Site>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().trim_start_matches('/');
    let Some(current) = site.assets.version_of(path) else {
        return next.run(req).await;
    };
    let asked = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("v=")));
    let immutable = asked == Some(current);
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let value = if immutable { IMMUTABLE } else { "no-cache" };
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
        // The same name is sent brotli, gzip or plain (ServeDir's precompressed files): a shared
        // cache must keep them apart, or a client gets bytes it cannot read, for a year.
        if !headers.get_all(header::VARY).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
        }) {
            headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Assets {
        Assets::new(
            BTreeMap::from([("js/map.js".to_string(), "aaa".to_string())]),
            "v1".into(),
        )
    }

    #[test]
    fn the_service_worker_is_stamped_with_the_version_and_versioned_files() {
        let sw = "\"use strict\";\nconst VERSION = \"dev\";\nconst SHELL_FILES = [\"/js/map.js\"];\nself.x = 1;\n";
        let out = stamp(sw, &site()).unwrap();
        assert!(out.contains("const VERSION = \"v1\";"), "{out}");
        assert!(out.contains("\"/js/map.js?v=aaa\""), "{out}");
        // A file the site lacks keeps its plain name rather than disappearing.
        assert!(out.contains("\"/js/form.js\""), "{out}");
        assert!(out.ends_with("self.x = 1;\n"));
    }

    #[test]
    fn a_service_worker_without_its_lines_is_refused() {
        assert!(stamp("const SHELL_FILES = [];\n", &site()).is_err());
        assert!(stamp("const VERSION = \"dev\";\n", &site()).is_err());
    }

    /// Over HTTP: the current versioned name is immutable, a plain or old one is checked each time,
    /// and `/sw.js` carries the site's version.
    #[tokio::test]
    async fn a_versioned_name_is_kept_for_good_and_a_plain_one_is_checked() {
        use axum::body::Body;
        use tower::ServiceExt;
        let dir = std::env::temp_dir().join(format!("trefpunt-site-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("js")).unwrap();
        std::fs::write(dir.join("js/form.js"), "form").unwrap();
        std::fs::write(
            dir.join("sw.js"),
            "const VERSION = \"dev\";\nconst SHELL_FILES = [];\n",
        )
        .unwrap();
        let site = std::sync::Arc::new(load(&dir).unwrap());
        let version = site.assets.version_of("js/form.js").unwrap().to_string();
        let app = axum::Router::new()
            .nest_service("/js", tower_http::services::ServeDir::new(dir.join("js")))
            .route("/sw.js", axum::routing::get(service_worker))
            .layer(axum::middleware::from_fn_with_state(
                site.clone(),
                cache_control,
            ))
            .with_state(site.clone());
        let get = |uri: String| {
            let app = app.clone();
            async move {
                app.oneshot(Request::get(uri).body(Body::empty()).unwrap())
                    .await
                    .unwrap()
            }
        };
        let cache = |res: &Response| res.headers()[header::CACHE_CONTROL].clone();
        let fresh = get(format!("/js/form.js?v={version}")).await;
        assert_eq!(fresh.status(), 200);
        assert_eq!(cache(&fresh), IMMUTABLE);
        assert_eq!(fresh.headers()[header::VARY], "accept-encoding");
        assert_eq!(cache(&get("/js/form.js".into()).await), "no-cache");
        assert_eq!(cache(&get("/js/form.js?v=0ld".into()).await), "no-cache");
        let sw = get("/sw.js".into()).await;
        assert_eq!(cache(&sw), "no-cache");
        let text = axum::body::to_bytes(sw.into_body(), 1 << 16).await.unwrap();
        let text = String::from_utf8(text.to_vec()).unwrap();
        assert!(
            text.contains(&format!("const VERSION = {:?};", site.assets.version())),
            "{text}"
        );
        assert!(text.contains(&format!("/js/form.js?v={version}")), "{text}");
        // The service worker has no versioned name that could be kept for a year.
        assert!(site.assets.version_of("sw.js").is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn every_file_is_versioned_by_its_bytes_and_the_site_by_all() {
        let dir = std::env::temp_dir().join(format!("trefpunt-assets-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("js")).unwrap();
        std::fs::write(dir.join("js/a.js"), "one").unwrap();
        std::fs::write(dir.join("js/a.js.br"), "compressed").unwrap();
        std::fs::write(dir.join("js/map.js"), "map").unwrap();
        let first = load(&dir).unwrap();
        assert!(first.assets.version_of("js/a.js").is_some());
        assert!(first.assets.version_of("js/a.js.br").is_none());
        assert!(first.service_worker.is_none());
        std::fs::write(dir.join("js/a.js"), "two").unwrap();
        let second = load(&dir).unwrap();
        assert_ne!(
            first.assets.version_of("js/a.js"),
            second.assets.version_of("js/a.js")
        );
        // A file outside the shell leaves the service worker's version alone; a shell file does not.
        assert_eq!(first.assets.version(), second.assets.version());
        std::fs::write(dir.join("js/map.js"), "map, changed").unwrap();
        let third = load(&dir).unwrap();
        assert_ne!(second.assets.version(), third.assets.version());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
