//! Settings from the environment (see README, "Configuration").

use std::net::SocketAddr;

use crate::pdok::locatieserver;

/// PDOK BRT-Achtergrondkaart, the Dutch government's free basemap.
pub const DEFAULT_TILE_URL: &str =
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png";
pub const DEFAULT_TILE_ATTRIBUTION: &str = "Kaartgegevens &copy; Kadaster / PDOK";

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub addr: SocketAddr,
    /// The https address QR codes and links use.
    pub public_url: Option<String>,
    pub tile_url: String,
    pub tile_attribution: String,
    pub locatieserver_url: String,
    /// PDOK's CBS wijken en buurten (OGC API Features); `{year}` is replaced by the CBS year.
    pub pdok_wijkenbuurten_url: String,
    /// Anonymous writes (entries, survey answers) per client address per minute; 0 is off.
    pub rate_limit_per_minute: u32,
    /// How many of those may come at once.
    pub rate_limit_burst: u32,
    /// Address searches and nearby look-ups per client address per minute; 0 is off.
    pub read_limit_per_minute: u32,
    /// How many of those may come at once.
    pub read_limit_burst: u32,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: crate::ratelimit::TrustedProxies,
    /// Where residents' photos are kept.
    pub photo_dir: std::path::PathBuf,
}

/// Photos live next to an SQLite database (`data/trefpunt.db` → `data/photos`), else in `data/photos`.
pub fn default_photo_dir(database_url: &str) -> std::path::PathBuf {
    database_url
        .strip_prefix("sqlite://")
        .map(|p| p.split('?').next().unwrap_or(p))
        .filter(|p| !p.contains(":memory:"))
        .and_then(|p| std::path::Path::new(p).parent().map(|d| d.join("photos")))
        .unwrap_or_else(|| std::path::PathBuf::from("data/photos"))
}

/// Generous on purpose: at a street event many phones share one address (guest Wi-Fi, mobile
/// carrier NAT). The limit is against floods, not against busy neighbourhoods.
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 120;
pub const DEFAULT_RATE_LIMIT_BURST: u32 = 60;
/// Reads the resident form fires as someone types an address or taps the map: ten a second from
/// one address, with room for a street event's shared Wi-Fi.
pub const DEFAULT_READ_LIMIT_PER_MINUTE: u32 = 600;
pub const DEFAULT_READ_LIMIT_BURST: u32 = 300;

#[derive(Debug, thiserror::Error)]
#[error("{var}: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub reason: String,
}

impl Settings {
    pub fn from_env() -> Result<Settings, ConfigError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let addr = var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr.parse().map_err(|e| ConfigError {
            var: "LEPTOS_SITE_ADDR",
            reason: format!("{addr:?} is not an address:port ({e})"),
        })?;
        // "none": no basemap (the maps still work: a position is what matters).
        let tile_url = match var("TREFPUNT_TILE_URL") {
            Some(v) if v == "none" => String::new(),
            Some(v) => v,
            None => DEFAULT_TILE_URL.into(),
        };
        // OpenStreetMap needs its own attribution; anything else must say its own via the variable.
        let default_attribution = if tile_url.contains("openstreetmap.org") {
            "&copy; OpenStreetMap contributors"
        } else {
            DEFAULT_TILE_ATTRIBUTION
        };
        let number = |k: &'static str, default: u32| -> Result<u32, ConfigError> {
            var(k).map_or(Ok(default), |v| {
                v.trim().parse().map_err(|_| ConfigError {
                    var: k,
                    reason: format!("{v:?} is not a whole number (0 switches the limit off)"),
                })
            })
        };
        let trusted_proxies = crate::ratelimit::TrustedProxies::parse(
            &var("TREFPUNT_TRUSTED_PROXIES").unwrap_or_default(),
        )
        .map_err(|reason| ConfigError {
            var: "TREFPUNT_TRUSTED_PROXIES",
            reason,
        })?;
        let database_url =
            var("TREFPUNT_DATABASE_URL").unwrap_or_else(|| "sqlite://data/trefpunt.db".into());
        Ok(Settings {
            photo_dir: var("TREFPUNT_PHOTO_DIR")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| default_photo_dir(&database_url)),
            rate_limit_per_minute: number(
                "TREFPUNT_RATE_LIMIT_PER_MINUTE",
                DEFAULT_RATE_LIMIT_PER_MINUTE,
            )?,
            rate_limit_burst: number("TREFPUNT_RATE_LIMIT_BURST", DEFAULT_RATE_LIMIT_BURST)?,
            read_limit_per_minute: number(
                "TREFPUNT_READ_LIMIT_PER_MINUTE",
                DEFAULT_READ_LIMIT_PER_MINUTE,
            )?,
            read_limit_burst: number("TREFPUNT_READ_LIMIT_BURST", DEFAULT_READ_LIMIT_BURST)?,
            trusted_proxies,
            database_url,
            addr,
            public_url: var("TREFPUNT_PUBLIC_URL"),
            tile_attribution: var("TREFPUNT_TILE_ATTRIBUTION")
                .unwrap_or_else(|| default_attribution.into()),
            tile_url,
            locatieserver_url: var("TREFPUNT_LOCATIESERVER_URL")
                .unwrap_or_else(|| locatieserver::DEFAULT_BASE_URL.into()),
            pdok_wijkenbuurten_url: var("TREFPUNT_PDOK_WIJKENBUURTEN_URL")
                .unwrap_or_else(|| crate::pdok::wijkenbuurten::DEFAULT_BASE_URL.into()),
        })
    }
}

/// A database URL fit for logs: the password, if any, replaced.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(
            redact_url("postgres://trefpunt:geheim@db:5432/t"),
            "postgres://trefpunt:***@db:5432/t"
        );
        assert_eq!(
            redact_url("sqlite://data/trefpunt.db"),
            "sqlite://data/trefpunt.db"
        );
        assert_eq!(redact_url("postgres://user@db/t"), "postgres://user@db/t");
    }
}
