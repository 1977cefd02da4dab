//! The cell-key method: deterministic noise on counts of people, as statistics offices protect
//! flexible tables (ABS TableBuilder, CBS and ONS census tables).
//!
//! Why noise: Trefpunt releases every combination of area, topic, period and campaign, and those
//! tables overlap in every direction. Exact counts from overlapping tables give their small cells
//! away: on a seeded gemeente of 600 entries, exact elimination over the figures the old release
//! rules gave found 22,476 of its 24,352 withheld cells determined, although complementary
//! suppression had blocked every single subtraction (docs/privacy.md). Entry counts are public per
//! entry anyway; how many *people* stand behind them is not, and that count gets noise.
//!
//! How: every respondent gets a key, a pseudo-random number from a keyed hash under a secret of
//! this deployment, so nobody outside can compute it from anything public. A cell's key is the sum
//! of its distinct respondents' keys, modulo 2^32; the noise is a function of that key alone,
//! uniform on the integers from [`-MAX_NOISE`](MAX_NOISE) to [`MAX_NOISE`]. So the same people
//! always give the same published value, whichever filter asks and however often: repeating a query
//! averages nothing away. Cells resting on fewer than k respondents are not released at all.

use blake2::digest::{KeyInit, Mac};
use blake2::Blake2sMac256;

/// The largest noise added to (or taken from) a released respondent count. The privacy attack
/// suite (server/tests/api/privacy.rs) checks every released count lies within it of the truth, and
/// that combining every released figure shows no withheld cell's entries to share a resident.
pub const MAX_NOISE: i64 = 3;

/// The keyed hash behind record and respondent keys.
#[derive(Clone)]
pub struct CellKeys {
    mac: Blake2sMac256,
}

impl std::fmt::Debug for CellKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CellKeys(..)")
    }
}

impl CellKeys {
    /// Keys under a deployment's 32-byte secret.
    pub fn new(secret: &[u8; 32]) -> CellKeys {
        CellKeys {
            mac: <Blake2sMac256 as KeyInit>::new(secret.into()),
        }
    }

    fn key(&self, domain: &[u8], parts: &[&str]) -> u32 {
        let mut mac = self.mac.clone();
        mac.update(domain);
        for p in parts {
            mac.update(&(p.len() as u64).to_le_bytes());
            mac.update(p.as_bytes());
        }
        let tag = mac.finalize().into_bytes();
        u32::from_le_bytes([tag[0], tag[1], tag[2], tag[3]])
    }

    /// The key of a respondent (a visit's id).
    pub fn respondent(&self, respondent: &str) -> u32 {
        self.key(b"trefpunt cell key: respondent\0", &[respondent])
    }
}

/// The noise for a cell with this key: uniform on `-MAX_NOISE..=MAX_NOISE`. The key is mixed first
/// (a 64-bit finaliser), so cells whose keys differ a little get unrelated noise.
pub fn noise(cell_key: u32) -> i64 {
    let mut z = u64::from(cell_key).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let span = 2 * MAX_NOISE as u64 + 1;
    (z % span) as i64 - MAX_NOISE
}

/// A released value: the true one plus its cell's noise, never below 1 (a released cell has
/// entries; a zero would claim it has none).
pub fn perturb(value: u64, cell_key: u32) -> u64 {
    (i64::try_from(value).unwrap_or(i64::MAX) + noise(cell_key)).max(1) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_bounded_centred_and_uses_every_value() {
        let mut seen = [0u32; 2 * MAX_NOISE as usize + 1];
        let mut sum = 0i64;
        for k in 0..70_000u32 {
            let n = noise(k.wrapping_mul(2_654_435_761));
            assert!((-MAX_NOISE..=MAX_NOISE).contains(&n));
            seen[(n + MAX_NOISE) as usize] += 1;
            sum += n;
        }
        // 10,000 expected per value.
        assert!(
            seen.iter().all(|&c| (9_500..10_500).contains(&c)),
            "{seen:?}"
        );
        assert!(sum.abs() < 2_000, "centred: {sum}");
    }

    #[test]
    fn keys_are_secret_dependent_and_stable() {
        let (a, b) = (CellKeys::new(&[1; 32]), CellKeys::new(&[2; 32]));
        let id = "6f1c2d3e-4a5b-4c6d-8e7f-901234567891";
        assert_eq!(a.respondent(id), a.respondent(id));
        assert_ne!(
            a.respondent(id),
            b.respondent(id),
            "without the secret, nobody can compute them"
        );
        assert_ne!(a.respondent(id), a.respondent(&id.replace('1', "2")));
    }

    #[test]
    fn a_released_value_is_the_truth_within_the_noise_and_at_least_one() {
        for key in 0..1000u32 {
            let v = perturb(20, key);
            assert!((17..=23).contains(&v));
            assert!(perturb(1, key) >= 1);
        }
        assert_eq!(
            perturb(20, 77),
            perturb(20, 77),
            "the same key, the same value"
        );
    }
}
