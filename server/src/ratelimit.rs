//! Limits on anonymous resident submissions per client address, kept in memory only.
//!
//! Privacy: no resident's IP address is ever written to disk or logged, and this module does not
//! even keep one in memory. A client is tracked under a keyed BLAKE2s hash of its address, with a
//! random key made when the process starts and never stored, so the table cannot be turned back
//! into addresses (not even by trying all 2^32 IPv4 addresses) and is forgotten on restart.
//!
//! An IPv6 client is tracked by its /64 prefix: a household or a phone gets a whole /64 and can pick
//! any address in it, so limiting single IPv6 addresses would limit nothing.
//!
//! Nothing here does I/O or reads the clock: the caller passes `now`, so tests use a fake clock.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use blake2::digest::{KeyInit, Mac};
use blake2::Blake2sMac256;
use rustc_hash::FxHashMap;

/// How many clients a [`RateLimiter`] tracks at most unless told otherwise (a few MB).
pub const DEFAULT_MAX_CLIENTS: usize = 100_000;

/// How often a full table may be swept for buckets that have refilled. A sweep walks the whole
/// table, so a stream of new addresses must not trigger one per request.
const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

/// A refusal: the client may try again after this many whole seconds (at least 1). Meant for a
/// `429 Too Many Requests` with a `Retry-After` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl RetryAfter {
    /// `wait` rounded up to whole seconds, and at least 1.
    fn ceil(wait: Duration) -> RetryAfter {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        RetryAfter(secs.max(1))
    }
}

impl fmt::Display for RetryAfter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "retry after {} s", self.0)
    }
}

/// A token bucket per client: `burst` submissions at once, refilling at `per_minute`.
///
/// Each bucket is kept as the "theoretical arrival time" of the generic cell rate algorithm: the
/// moment the bucket will be full again. That is the same token bucket in one `Instant` per client,
/// with no floating point: the bucket holds `burst - (tat - now) / interval` tokens.
pub struct RateLimiter {
    /// `None`: the limiter is off, allows everything and hashes nothing.
    on: Option<On>,
    max_clients: usize,
    state: Mutex<State>,
}

struct On {
    limits: Limits,
    /// Keyed with a random per-process key; cloned for each address hashed.
    mac: Blake2sMac256,
}

#[derive(Debug, Clone, Copy)]
struct Limits {
    /// Time for one token to come back: a minute / `per_minute`.
    interval: Duration,
    /// How far ahead of `now` a bucket's full time may be and still allow a request:
    /// `(burst - 1) * interval`.
    tolerance: Duration,
}

struct State {
    /// Client key (a truncated keyed hash) → the time its bucket is full again. An entry whose time
    /// has passed is the same as no entry, so it may be dropped at any moment.
    full_at: FxHashMap<u128, Instant>,
    /// No entry's bucket is full before this: sweeping earlier would free nothing.
    earliest_full: Option<Instant>,
    /// No sweep before this (see [`SWEEP_INTERVAL`]).
    next_sweep: Option<Instant>,
}

impl Limits {
    /// Takes a token from the bucket that is full at `full_at`, or says how long until there is one.
    /// A refusal changes nothing, so hammering does not push the next token further away.
    fn take(&self, full_at: &mut Instant, now: Instant) -> Result<(), RetryAfter> {
        let from = (*full_at).max(now);
        let ahead = from.saturating_duration_since(now);
        if ahead > self.tolerance {
            return Err(RetryAfter::ceil(ahead - self.tolerance));
        }
        *full_at = from + self.interval;
        Ok(())
    }
}

impl RateLimiter {
    /// `burst` submissions at once, then `per_minute` a minute. `per_minute == 0` turns the limiter
    /// off (everything is allowed and nothing is kept), as load tests configure it. A `burst` of 0
    /// counts as 1: a bucket that can never hold a token would refuse everyone forever. `key` keys
    /// the hash clients are kept under: random, made at start (`secrets::random_bytes`), never stored.
    pub fn new(per_minute: u32, burst: u32, key: [u8; 32]) -> RateLimiter {
        let on = (per_minute > 0).then(|| {
            let interval = Duration::from_secs(60) / per_minute;
            On {
                limits: Limits {
                    interval,
                    tolerance: interval * (burst.max(1) - 1),
                },
                mac: <Blake2sMac256 as KeyInit>::new(&key.into()),
            }
        });
        RateLimiter {
            on,
            max_clients: DEFAULT_MAX_CLIENTS,
            state: Mutex::new(State {
                full_at: FxHashMap::default(),
                earliest_full: None,
                next_sweep: None,
            }),
        }
    }

    /// A limiter that allows everything (library users and tests that do not limit).
    pub fn off() -> RateLimiter {
        RateLimiter {
            on: None,
            max_clients: DEFAULT_MAX_CLIENTS,
            state: Mutex::new(State {
                full_at: FxHashMap::default(),
                earliest_full: None,
                next_sweep: None,
            }),
        }
    }

    /// Tracks at most `max_clients` clients (at least 1) instead of [`DEFAULT_MAX_CLIENTS`].
    pub fn with_max_clients(mut self, max_clients: usize) -> RateLimiter {
        self.max_clients = max_clients.max(1);
        self
    }

    /// Whether the limiter limits anything (`per_minute > 0`).
    pub fn is_enabled(&self) -> bool {
        self.on.is_some()
    }

    /// How many clients the table holds now (for metrics; never more than the maximum).
    pub fn tracked_clients(&self) -> usize {
        self.lock().full_at.len()
    }

    /// Takes a token from `addr`'s bucket, or says when to try again.
    ///
    /// The table never grows past its maximum. When it is full, a new client first makes room by
    /// dropping buckets that have refilled completely (forgetting those changes nothing); if none
    /// has, the new client is refused instead of added. Someone cycling through addresses (an IPv6
    /// /48 holds 65,536 /64s, a botnet many IPv4 addresses) must not be able to exhaust the
    /// server's memory; the price is that while such an attack fills the table, new residents wait
    /// a moment, while residents already in the table are served as usual.
    pub fn check(&self, addr: IpAddr, now: Instant) -> Result<(), RetryAfter> {
        let Some(on) = &self.on else {
            return Ok(());
        };
        let limits = on.limits;
        let key = on.client_key(addr);
        let mut state = self.lock();
        if let Some(full_at) = state.full_at.get_mut(&key) {
            return limits.take(full_at, now);
        }
        if state.full_at.len() >= self.max_clients {
            state.sweep(now);
            if state.full_at.len() >= self.max_clients {
                let free_at = match (state.earliest_full, state.next_sweep) {
                    (Some(a), Some(b)) => a.max(b),
                    (a, b) => a.or(b).unwrap_or(now),
                };
                return Err(RetryAfter::ceil(free_at.saturating_duration_since(now)));
            }
        }
        let mut full_at = now;
        limits.take(&mut full_at, now)?;
        state.full_at.insert(key, full_at);
        state.earliest_full = Some(state.earliest_full.map_or(full_at, |e| e.min(full_at)));
        Ok(())
    }

    /// Gives back the token a [`check`](Self::check) took for `addr`, when what it was taken for
    /// should not count (a sign-in that succeeded): the bucket's full time moves one interval
    /// earlier, never before `now`.
    pub fn refund(&self, addr: IpAddr, now: Instant) {
        let Some(on) = &self.on else {
            return;
        };
        let key = on.client_key(addr);
        let mut state = self.lock();
        if let Some(full_at) = state.full_at.get_mut(&key) {
            *full_at = full_at
                .checked_sub(on.limits.interval)
                .map_or(now, |t| t.max(now));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is consistent after every statement, so a panic elsewhere cannot leave it broken.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl On {
    /// The key a client is tracked under: 128 bits of a keyed BLAKE2s hash of its IPv4 address or
    /// its IPv6 /64. The raw address is not kept.
    fn client_key(&self, addr: IpAddr) -> u128 {
        let mut mac = self.mac.clone();
        match canonical(addr) {
            IpAddr::V4(v4) => {
                mac.update(&[4]);
                mac.update(&v4.octets());
            }
            IpAddr::V6(v6) => {
                mac.update(&[6]);
                mac.update(&v6.octets()[..8]);
            }
        }
        let digest = mac.finalize().into_bytes();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        u128::from_le_bytes(bytes)
    }
}

impl State {
    /// Drops the buckets that have refilled completely, unless that cannot free anything yet or the
    /// last sweep was less than [`SWEEP_INTERVAL`] ago.
    fn sweep(&mut self, now: Instant) {
        if self.earliest_full.is_some_and(|t| now < t) || self.next_sweep.is_some_and(|t| now < t) {
            return;
        }
        self.full_at.retain(|_, full_at| *full_at > now);
        self.earliest_full = self.full_at.values().min().copied();
        self.next_sweep = Some(now + SWEEP_INTERVAL);
    }
}

impl fmt::Debug for RateLimiter {
    // Neither the key nor the table.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("limits", &self.on.as_ref().map(|on| on.limits))
            .field("max_clients", &self.max_clients)
            .finish_non_exhaustive()
    }
}

/// An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, what a dual-stack socket reports for an IPv4
/// client) as the IPv4 address it is; anything else unchanged.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => addr,
        },
        IpAddr::V4(_) => addr,
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed, from `TREFPUNT_TRUSTED_PROXIES`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    ranges: Vec<Cidr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cidr {
    V4 { net: u32, mask: u32 },
    V6 { net: u128, mask: u128 },
}

impl Cidr {
    fn contains(&self, addr: IpAddr) -> bool {
        match (*self, canonical(addr)) {
            (Cidr::V4 { net, mask }, IpAddr::V4(a)) => u32::from(a) & mask == net,
            (Cidr::V6 { net, mask }, IpAddr::V6(a)) => u128::from(a) & mask == net,
            _ => false,
        }
    }

    /// `addr` or `addr/prefix`. Host bits set below the prefix (`10.0.0.1/8`) are an error: such an
    /// entry is more likely a typo than meant as the range it would round to.
    fn parse(item: &str) -> Result<Cidr, String> {
        let bad = |why: &str| format!("trusted proxy {item:?}: {why}");
        let (addr, prefix) = match item.split_once('/') {
            Some((addr, prefix)) => (addr.trim(), Some(prefix.trim())),
            None => (item, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| bad("not an IP address or CIDR range"))?;
        let bits = if addr.is_ipv4() { 32 } else { 128 };
        let prefix: u32 = match prefix {
            None => bits,
            Some(p) => match p.parse::<u32>() {
                Ok(p) if p <= bits => p,
                _ => return Err(bad(&format!("prefix length must be 0 to {bits}"))),
            },
        };
        let cidr = match addr {
            IpAddr::V4(a) => {
                let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
                Cidr::V4 {
                    net: u32::from(a),
                    mask,
                }
            }
            IpAddr::V6(a) => {
                let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
                Cidr::V6 {
                    net: u128::from(a),
                    mask,
                }
            }
        };
        let host_bits_set = match cidr {
            Cidr::V4 { net, mask } => net & !mask != 0,
            Cidr::V6 { net, mask } => net & !mask != 0,
        };
        if host_bits_set {
            return Err(bad("address has bits set beyond the prefix length"));
        }
        Ok(cidr.ipv4_if_mapped())
    }

    /// A range inside `::ffff:0:0/96` as the IPv4 range it is, since addresses are matched after
    /// [`canonical`] turns mapped ones into IPv4.
    fn ipv4_if_mapped(self) -> Cidr {
        const MAPPED: u128 = 0xffff_0000_0000;
        match self {
            Cidr::V6 { net, mask }
                if mask >> 32 == u128::MAX >> 32 && net >> 32 == MAPPED >> 32 =>
            {
                // Truncation keeps the low 32 bits, the IPv4 part.
                Cidr::V4 {
                    net: net as u32,
                    mask: mask as u32,
                }
            }
            other => other,
        }
    }
}

impl TrustedProxies {
    /// No trusted proxies: every peer is the client.
    pub fn none() -> TrustedProxies {
        TrustedProxies::default()
    }

    /// A comma-separated list of IP addresses and CIDR ranges, IPv4 or IPv6, e.g.
    /// `127.0.0.1, 10.0.0.0/8, ::1, fd00::/8`. Blank items are skipped, so an empty value trusts no
    /// one. The error names the first bad item.
    pub fn parse(value: &str) -> Result<TrustedProxies, String> {
        let ranges = value
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(Cidr::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TrustedProxies { ranges })
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether `addr` is one of the trusted proxies (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn contains(&self, addr: IpAddr) -> bool {
        self.ranges.iter().any(|r| r.contains(addr))
    }
}

/// One `X-Forwarded-For` entry: an address, or an address with a port (`1.2.3.4:80`,
/// `[2001:db8::1]:443`), which some proxies write.
fn parse_forwarded(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(canonical)
}

/// The address of the client behind a request from `peer` carrying `forwarded_for` (the
/// `X-Forwarded-For` header; several headers joined with `,`).
///
/// Anyone can send `X-Forwarded-For`, so it counts only when `peer` is a trusted proxy. Then the
/// header is read from the right, where the trusted proxies appended what they saw, skipping
/// entries that are trusted proxies themselves; the first other entry is the client. Everything
/// left of that was written by the client and is ignored.
///
/// If the header is missing or has no valid entry, the client is `peer`. If every entry is a
/// trusted proxy, it is the leftmost entry. The walk stops at the first entry that is not an
/// address, since what lies left of it was not vouched for by a trusted proxy: then the client is
/// the leftmost valid entry right of it, or `peer` if there is none.
pub fn client_addr(peer: IpAddr, forwarded_for: Option<&str>, trusted: &TrustedProxies) -> IpAddr {
    let peer = canonical(peer);
    if !trusted.contains(peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut leftmost_trusted = None;
    for entry in header.rsplit(',').filter(|e| !e.trim().is_empty()) {
        match parse_forwarded(entry) {
            Some(addr) if trusted.contains(addr) => leftmost_trusted = Some(addr),
            Some(addr) => return addr,
            None => break,
        }
    }
    leftmost_trusted.unwrap_or(peer)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    const KEY: [u8; 32] = [7; 32];

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    #[test]
    fn burst_then_refusal_with_retry_after() {
        // 6 a minute: a token every 10 s; 2 at once.
        let limiter = RateLimiter::new(6, 2, KEY);
        let t0 = Instant::now();
        let a = ip("192.0.2.1");
        assert_eq!(limiter.check(a, t0), Ok(()));
        assert_eq!(limiter.check(a, t0), Ok(()));
        assert_eq!(limiter.check(a, t0), Err(RetryAfter(10)));
        assert_eq!(limiter.check(a, t0 + ms(4000)), Err(RetryAfter(6)));
        // Rounded up, never 0.
        assert_eq!(limiter.check(a, t0 + ms(9500)), Err(RetryAfter(1)));
        assert_eq!(limiter.check(a, t0 + ms(9999)), Err(RetryAfter(1)));
        // Refusals did not push the next token further away.
        assert_eq!(limiter.check(a, t0 + ms(10000)), Ok(()));
        assert_eq!(limiter.check(a, t0 + ms(10000)), Err(RetryAfter(10)));
    }

    #[test]
    fn burst_of_one_and_zero() {
        let t0 = Instant::now();
        for burst in [0, 1] {
            let limiter = RateLimiter::new(60, burst, KEY);
            let a = ip("192.0.2.1");
            assert_eq!(limiter.check(a, t0), Ok(()), "burst {burst}");
            assert_eq!(limiter.check(a, t0), Err(RetryAfter(1)), "burst {burst}");
        }
    }

    #[test]
    fn refills_over_time_up_to_the_burst() {
        // 60 a minute: a token a second; 3 at once.
        let limiter = RateLimiter::new(60, 3, KEY);
        let t0 = Instant::now();
        let a = ip("192.0.2.1");
        for _ in 0..3 {
            assert_eq!(limiter.check(a, t0), Ok(()));
        }
        assert!(limiter.check(a, t0).is_err());
        // One second: one token.
        assert_eq!(limiter.check(a, t0 + ms(1000)), Ok(()));
        assert_eq!(limiter.check(a, t0 + ms(1000)), Err(RetryAfter(1)));
        // 2.5 s more: two tokens, and half a second to the third.
        let t1 = t0 + ms(3500);
        assert_eq!(limiter.check(a, t1), Ok(()));
        assert_eq!(limiter.check(a, t1), Ok(()));
        assert_eq!(limiter.check(a, t1), Err(RetryAfter(1)));
        // An hour idle refills to the burst, not beyond.
        let t2 = t0 + ms(3600000);
        for _ in 0..3 {
            assert_eq!(limiter.check(a, t2), Ok(()));
        }
        assert_eq!(limiter.check(a, t2), Err(RetryAfter(1)));
    }

    #[test]
    fn steady_rate_is_allowed_indefinitely() {
        let limiter = RateLimiter::new(30, 1, KEY);
        let t0 = Instant::now();
        let a = ip("2001:db8::1");
        for i in 0..1000 {
            assert_eq!(limiter.check(a, t0 + ms(2000 * i)), Ok(()));
        }
    }

    #[test]
    fn a_refund_gives_the_token_back() {
        let limiter = RateLimiter::new(1, 2, KEY);
        let t0 = Instant::now();
        let a = ip("192.0.2.1");
        assert_eq!(limiter.check(a, t0), Ok(()));
        assert_eq!(limiter.check(a, t0), Ok(()));
        assert!(limiter.check(a, t0).is_err());
        limiter.refund(a, t0);
        assert_eq!(limiter.check(a, t0), Ok(()), "one token back");
        assert!(limiter.check(a, t0).is_err());
        // Refunds never bank tokens beyond a full bucket.
        for _ in 0..10 {
            limiter.refund(a, t0);
        }
        assert_eq!(limiter.check(a, t0), Ok(()));
        assert_eq!(limiter.check(a, t0), Ok(()));
        assert!(limiter.check(a, t0).is_err());
    }

    #[test]
    fn off_allows_everything_and_keeps_nothing() {
        let limiter = RateLimiter::off();
        assert!(!limiter.is_enabled());
        let t0 = Instant::now();
        for i in 0..10_000u32 {
            assert_eq!(limiter.check(ip("192.0.2.1"), t0), Ok(()));
            assert_eq!(limiter.check(IpAddr::V4(Ipv4Addr::from(i)), t0), Ok(()));
        }
        assert_eq!(limiter.tracked_clients(), 0);
        assert!(RateLimiter::new(1, 1, KEY).is_enabled());
    }

    #[test]
    fn clients_are_independent() {
        let limiter = RateLimiter::new(60, 2, KEY);
        let t0 = Instant::now();
        let (a, b) = (ip("192.0.2.1"), ip("192.0.2.2"));
        assert_eq!(limiter.check(a, t0), Ok(()));
        assert_eq!(limiter.check(a, t0), Ok(()));
        assert!(limiter.check(a, t0).is_err());
        assert_eq!(limiter.check(b, t0), Ok(()));
        assert_eq!(limiter.check(b, t0), Ok(()));
        assert!(limiter.check(b, t0).is_err());
        assert_eq!(limiter.tracked_clients(), 2);
    }

    #[test]
    fn ipv6_clients_share_a_bucket_per_64() {
        let limiter = RateLimiter::new(60, 2, KEY);
        let t0 = Instant::now();
        assert_eq!(limiter.check(ip("2001:db8:1:2::1"), t0), Ok(()));
        assert_eq!(
            limiter.check(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"), t0),
            Ok(())
        );
        // A third address in the same /64 finds the bucket empty.
        assert_eq!(
            limiter.check(ip("2001:db8:1:2:abcd::7"), t0),
            Err(RetryAfter(1))
        );
        // The neighbouring /64s are other clients.
        assert_eq!(limiter.check(ip("2001:db8:1:3::1"), t0), Ok(()));
        assert_eq!(limiter.check(ip("2001:db8:1:1::1"), t0), Ok(()));
        assert_eq!(limiter.tracked_clients(), 3);
    }

    #[test]
    fn ipv4_mapped_ipv6_is_the_ipv4_client() {
        let limiter = RateLimiter::new(60, 1, KEY);
        let t0 = Instant::now();
        assert_eq!(limiter.check(ip("198.51.100.7"), t0), Ok(()));
        assert!(limiter.check(ip("::ffff:198.51.100.7"), t0).is_err());
        // ...and not the whole ::ffff:0:0/64 sharing one bucket.
        assert_eq!(limiter.check(ip("::ffff:198.51.100.8"), t0), Ok(()));
    }

    #[test]
    fn hashes_are_keyed_per_limiter() {
        let (a, b) = (RateLimiter::new(1, 1, KEY), RateLimiter::new(1, 1, [8; 32]));
        let (a, b) = (a.on.as_ref().expect("on"), b.on.as_ref().expect("on"));
        let addr = ip("192.0.2.1");
        assert_eq!(a.client_key(addr), a.client_key(addr));
        assert_ne!(a.client_key(addr), b.client_key(addr));
        assert_ne!(a.client_key(addr), a.client_key(ip("192.0.2.2")));
        // The /64 alone counts; the family is part of the input.
        assert_eq!(
            a.client_key(ip("2001:db8::1")),
            a.client_key(ip("2001:db8::2"))
        );
        assert_ne!(a.client_key(ip("0.0.0.0")), a.client_key(ip("::")));
    }

    #[test]
    fn full_table_drops_refilled_buckets_first_then_refuses() {
        // A token a second, one at a time, room for two clients.
        let limiter = RateLimiter::new(60, 1, KEY).with_max_clients(2);
        let t0 = Instant::now();
        let (a, b, c) = (ip("192.0.2.1"), ip("192.0.2.2"), ip("192.0.2.3"));
        assert_eq!(limiter.check(a, t0), Ok(())); // full again at t0 + 1
        assert_eq!(limiter.check(b, t0 + ms(500)), Ok(())); // at t0 + 1.5
                                                            // Full, and neither bucket has refilled: c is refused, not added.
        assert_eq!(limiter.check(c, t0 + ms(200)), Err(RetryAfter(1)));
        assert_eq!(limiter.tracked_clients(), 2);
        // Known clients are served as usual meanwhile.
        assert_eq!(limiter.check(a, t0 + ms(200)), Err(RetryAfter(1)));
        // a's bucket is full at t0 + 1: it is dropped to make room for c; b's is kept.
        let t1 = t0 + ms(1200);
        assert_eq!(limiter.check(c, t1), Ok(()));
        assert_eq!(limiter.tracked_clients(), 2);
        assert_eq!(limiter.check(b, t1), Err(RetryAfter(1)));
        // a is now a new client again, and the table is full of unrefilled buckets.
        assert!(limiter.check(a, t1).is_err());
        assert_eq!(limiter.tracked_clients(), 2);
    }

    #[test]
    fn full_table_sweeps_at_most_once_per_interval() {
        let limiter = RateLimiter::new(600, 1, KEY).with_max_clients(1); // a token every 0.1 s
        let t0 = Instant::now();
        assert_eq!(limiter.check(ip("192.0.2.1"), t0), Ok(()));
        // Sweep at t0 + 0.1: frees the first client's slot.
        assert_eq!(limiter.check(ip("192.0.2.2"), t0 + ms(100)), Ok(()));
        // Its bucket is full at t0 + 0.2, but no sweep until t0 + 1.1.
        let r = limiter.check(ip("192.0.2.3"), t0 + ms(300));
        assert_eq!(r, Err(RetryAfter(1)));
        assert!(limiter.check(ip("192.0.2.3"), t0 + ms(1000)).is_err());
        assert_eq!(limiter.check(ip("192.0.2.3"), t0 + ms(1100)), Ok(()));
    }

    #[test]
    fn memory_stays_bounded_under_a_million_addresses() {
        let max = 10_000;
        let limiter = RateLimiter::new(60, 5, KEY).with_max_clients(max);
        let t0 = Instant::now();
        let (mut allowed, mut refused) = (0u32, 0u32);
        // A million distinct /64s, one every 10 µs of fake time: 10 s, with buckets refilling after 1 s.
        for i in 0..1_000_000u64 {
            let addr = IpAddr::V6(Ipv6Addr::from(u128::from(i) << 64 | 1));
            match limiter.check(addr, t0 + Duration::from_micros(10 * i)) {
                Ok(()) => allowed += 1,
                Err(RetryAfter(s)) => {
                    assert!((1..=2).contains(&s), "retry after {s}");
                    refused += 1;
                }
            }
            let len = limiter.lock().full_at.len();
            assert!(len <= max, "{len} clients tracked after {i}");
        }
        assert_eq!(limiter.tracked_clients(), max);
        // Sweeps made room again and again, and the rest were refused rather than stored. Here the
        // table fills within 0.1 s of each sweep, so its buckets are full 1 s later, just after the
        // next sweep: the table is emptied every other second, five times in 10 s.
        assert!(allowed >= 5 * max as u32, "{allowed} allowed");
        assert!(refused > 0);
        assert_eq!(allowed + refused, 1_000_000);
    }

    #[test]
    fn trusted_proxies_parse_and_match() {
        let t = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8, ::1, fd00::/8").unwrap();
        for yes in [
            "127.0.0.1",
            "10.0.0.0",
            "10.255.255.255",
            "::1",
            "fd00::",
            "fdff:ffff::1",
            "::ffff:10.1.2.3",
            "::ffff:127.0.0.1",
        ] {
            assert!(t.contains(ip(yes)), "{yes}");
        }
        for no in [
            "127.0.0.2",
            "11.0.0.0",
            "9.255.255.255",
            "::2",
            "fe00::",
            "fc00::1",
        ] {
            assert!(!t.contains(ip(no)), "{no}");
        }
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse(" , ").unwrap().is_empty());
        assert_eq!(TrustedProxies::parse("").unwrap(), TrustedProxies::none());
        // /0 matches its whole family only.
        let all4 = TrustedProxies::parse("0.0.0.0/0").unwrap();
        assert!(all4.contains(ip("203.0.113.9")) && !all4.contains(ip("2001:db8::1")));
        // A mapped range matches the IPv4 addresses it stands for.
        let mapped = TrustedProxies::parse("::ffff:192.168.0.0/112").unwrap();
        assert!(mapped.contains(ip("192.168.3.4")) && !mapped.contains(ip("192.169.0.1")));
        // Spaces around the slash are forgiven.
        assert!(TrustedProxies::parse("10.0.0.0 / 8")
            .unwrap()
            .contains(ip("10.9.9.9")));
    }

    #[test]
    fn trusted_proxy_errors_name_the_item() {
        for bad in [
            "10.0.0.0/33",
            "fd00::/129",
            "banana",
            "10.0.0.1/8",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "10.0.0.0/8/8",
            "10.0.0",
            "fd00::1/8",
        ] {
            let err = TrustedProxies::parse(&format!("127.0.0.1, {bad}, ::1")).unwrap_err();
            assert!(err.contains(&format!("{bad:?}")), "{bad}: {err}");
        }
    }

    fn proxies() -> TrustedProxies {
        TrustedProxies::parse("127.0.0.1, 10.0.0.0/8, ::1, fd00::/8").unwrap()
    }

    #[test]
    fn forwarded_for_from_an_untrusted_peer_is_ignored() {
        let t = proxies();
        let peer = ip("203.0.113.7");
        assert_eq!(client_addr(peer, Some("1.2.3.4"), &t), peer);
        assert_eq!(client_addr(peer, Some("10.0.0.1"), &t), peer);
        assert_eq!(client_addr(peer, None, &t), peer);
        // With no trusted proxies at all, nobody's header counts.
        assert_eq!(
            client_addr(ip("127.0.0.1"), Some("1.2.3.4"), &TrustedProxies::none()),
            ip("127.0.0.1")
        );
        // A mapped untrusted peer is returned as IPv4.
        assert_eq!(
            client_addr(ip("::ffff:203.0.113.7"), Some("1.2.3.4"), &t),
            peer
        );
    }

    #[test]
    fn forwarded_for_from_trusted_proxies_is_walked_from_the_right() {
        let t = proxies();
        let local = ip("127.0.0.1");
        // The client's own entries on the left (spoofed or not) do not count.
        assert_eq!(
            client_addr(local, Some("6.6.6.6, 198.51.100.9, 10.1.2.3"), &t),
            ip("198.51.100.9")
        );
        assert_eq!(
            client_addr(local, Some("198.51.100.9"), &t),
            ip("198.51.100.9")
        );
        // A spoofed trusted-looking entry left of the real client does not help either.
        assert_eq!(
            client_addr(local, Some("10.0.0.1,198.51.100.9"), &t),
            ip("198.51.100.9")
        );
        // A mapped trusted peer is trusted; IPv6 clients and entries with ports.
        assert_eq!(
            client_addr(ip("::ffff:127.0.0.1"), Some("2001:db8::5, fd00::1"), &t),
            ip("2001:db8::5")
        );
        assert_eq!(
            client_addr(local, Some("[2001:db8::5]:443, 10.0.0.2:80"), &t),
            ip("2001:db8::5")
        );
        assert_eq!(
            client_addr(local, Some("198.51.100.9:5000"), &t),
            ip("198.51.100.9")
        );
        assert_eq!(
            client_addr(local, Some("::ffff:198.51.100.9"), &t),
            ip("198.51.100.9")
        );
        // Everything trusted: the leftmost entry.
        assert_eq!(
            client_addr(local, Some("10.0.0.1, 10.0.0.2"), &t),
            ip("10.0.0.1")
        );
        // Missing or garbled: the peer.
        assert_eq!(client_addr(local, None, &t), local);
        assert_eq!(client_addr(local, Some(""), &t), local);
        assert_eq!(client_addr(local, Some("nonsense"), &t), local);
        assert_eq!(
            client_addr(local, Some("unknown, 10.0.0.2"), &t),
            ip("10.0.0.2")
        );
        // Blank entries are skipped.
        assert_eq!(
            client_addr(local, Some("198.51.100.9, , "), &t),
            ip("198.51.100.9")
        );
        // Nothing left of a garbled entry is believed: it was not written by a trusted proxy.
        assert_eq!(client_addr(local, Some("1.2.3.4, unknown"), &t), local);
        assert_eq!(
            client_addr(local, Some("1.2.3.4, unknown, 10.0.0.2"), &t),
            ip("10.0.0.2")
        );
    }
}
