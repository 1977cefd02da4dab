//! The settings, each from its flag or environment variable with its default, read by clap:
//! `trefpunt serve --help` is the list (README, "Configuration", points there).

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

impl Settings {
    /// What `trefpunt serve` runs with on `database_url` when no other flag or variable is set.
    pub fn with_defaults(database_url: &str) -> Settings {
        Settings {
            database_url: database_url.to_string(),
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            public_url: None,
            tile_url: DEFAULT_TILE_URL.to_string(),
            tile_attribution: DEFAULT_TILE_ATTRIBUTION.to_string(),
            locatieserver_url: locatieserver::DEFAULT_BASE_URL.to_string(),
            rate_limit_per_minute: DEFAULT_RATE_LIMIT_PER_MINUTE,
            rate_limit_burst: DEFAULT_RATE_LIMIT_BURST,
            read_limit_per_minute: DEFAULT_READ_LIMIT_PER_MINUTE,
            read_limit_burst: DEFAULT_READ_LIMIT_BURST,
            trusted_proxies: crate::ratelimit::TrustedProxies::none(),
            photo_dir: default_photo_dir(database_url),
        }
    }
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

/// Where the database is: every command needs it.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseOptions {
    /// The database: SQLite (WAL, synchronous=FULL), or postgres://user:password@host/db for
    /// several servers sharing one PostgreSQL 15 (docs/deployment.md). Its password is never
    /// logged.
    #[arg(
        long = "database-url",
        env = "TREFPUNT_DATABASE_URL",
        default_value = "sqlite://data/trefpunt.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: String,
}

/// What the server needs besides the database (`trefpunt serve`). The built site's folder is
/// `LEPTOS_SITE_ROOT` (default target/site), read by Leptos.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeOptions {
    /// Where to listen.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// The site's public address, printed in events' QR codes and posters; when it is https,
    /// every cookie is Secure (geolocation, the service worker and installing need https outside
    /// localhost too).
    #[arg(long, env = "TREFPUNT_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Basemap tiles, a {z}/{x}/{y} template; "none" for no basemap (the maps still work). The
    /// tile server must send Access-Control-Allow-Origin (the service worker keeps tiles).
    #[arg(long, env = "TREFPUNT_TILE_URL", default_value = DEFAULT_TILE_URL)]
    pub tile_url: String,
    /// The basemap's attribution [default: Kadaster / PDOK's, OpenStreetMap's for an OSM URL].
    #[arg(long, env = "TREFPUNT_TILE_ATTRIBUTION")]
    pub tile_attribution: Option<String>,
    /// PDOK Locatieserver v3.1 (address search).
    #[arg(long, env = "TREFPUNT_LOCATIESERVER_URL", default_value = locatieserver::DEFAULT_BASE_URL)]
    pub locatieserver_url: String,
    /// Anonymous writes (entries, survey answers, "ik ook", photos, the resident forms) per client
    /// address per minute (an IPv6 client per /64); beyond it 429 with Retry-After; 0 is off.
    /// Addresses are kept in memory only, as a keyed hash.
    #[arg(long, env = "TREFPUNT_RATE_LIMIT_PER_MINUTE", default_value_t = DEFAULT_RATE_LIMIT_PER_MINUTE)]
    pub rate_limit_per_minute: u32,
    /// How many of those may come at once (many phones at a street event share one address).
    #[arg(long, env = "TREFPUNT_RATE_LIMIT_BURST", default_value_t = DEFAULT_RATE_LIMIT_BURST)]
    pub rate_limit_burst: u32,
    /// The resident form's address searches and nearby look-ups per client address per minute;
    /// 0 is off.
    #[arg(long, env = "TREFPUNT_READ_LIMIT_PER_MINUTE", default_value_t = DEFAULT_READ_LIMIT_PER_MINUTE)]
    pub read_limit_per_minute: u32,
    /// How many of those may come at once.
    #[arg(long, env = "TREFPUNT_READ_LIMIT_BURST", default_value_t = DEFAULT_READ_LIMIT_BURST)]
    pub read_limit_burst: u32,
    /// Reverse proxies (IPs or CIDR ranges, comma-separated: "127.0.0.1, 10.0.0.0/8, ::1") whose
    /// X-Forwarded-For is believed; from anyone else it is ignored.
    #[arg(
        long,
        env = "TREFPUNT_TRUSTED_PROXIES",
        default_value = "",
        value_parser = crate::ratelimit::TrustedProxies::parse
    )]
    pub trusted_proxies: crate::ratelimit::TrustedProxies,
    /// Where residents' photos are kept, one file per content hash; back it up with the database
    /// [default: photos/ next to the SQLite file, else data/photos].
    #[arg(long, env = "TREFPUNT_PHOTO_DIR")]
    pub photo_dir: Option<std::path::PathBuf>,
}

impl ServeOptions {
    /// The server's settings, on the database `database_url`.
    pub fn settings(self, database_url: String) -> Settings {
        // "none": no basemap (the maps still work: a position is what matters).
        let tile_url = match self.tile_url.trim() {
            "none" => String::new(),
            url => url.to_string(),
        };
        // OpenStreetMap needs its own attribution; anything else must say its own via the variable.
        let default_attribution = if tile_url.contains("openstreetmap.org") {
            "&copy; OpenStreetMap contributors"
        } else {
            DEFAULT_TILE_ATTRIBUTION
        };
        Settings {
            photo_dir: self
                .photo_dir
                .unwrap_or_else(|| default_photo_dir(&database_url)),
            rate_limit_per_minute: self.rate_limit_per_minute,
            rate_limit_burst: self.rate_limit_burst,
            read_limit_per_minute: self.read_limit_per_minute,
            read_limit_burst: self.read_limit_burst,
            trusted_proxies: self.trusted_proxies,
            database_url,
            addr: self.addr,
            public_url: self.public_url.filter(|u| !u.trim().is_empty()),
            tile_attribution: self
                .tile_attribution
                .filter(|a| !a.trim().is_empty())
                .unwrap_or_else(|| default_attribution.into()),
            tile_url,
            locatieserver_url: self.locatieserver_url,
        }
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
