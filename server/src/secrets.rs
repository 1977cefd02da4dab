//! Every secret the server makes or checks, in one place and on well-kept crates only:
//!
//! - random bytes come from the operating system (`getrandom`), never from UUIDs or a clock;
//! - choices from an alphabet (generated passwords) are uniform (`rand`'s rejection sampling from an
//!   OS-seeded CSPRNG), so no character is likelier than another;
//! - secrets are compared in constant time (`subtle`), or by the MAC's own `verify`;
//! - hex goes through `hex`.
//!
//! Nothing here falls back to a weaker choice: when the OS has no randomness or a key is malformed,
//! the caller gets an error and the request (or the start) fails loudly. A private link under a
//! made-up key must never be the answer to a broken secret.

use blake2::digest::{KeyInit, Mac};
use blake2::Blake2sMac256;
use rand::{Rng, SeedableRng};
use subtle::ConstantTimeEq;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    #[error("the {name} secret is malformed: {reason}")]
    Malformed { name: &'static str, reason: String },
}

/// `N` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], SecretError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(bytes)
}

/// `N` random bytes as `2N` lowercase hex characters: session tokens and CSRF tokens (32 bytes),
/// event link tokens (16 bytes), event ids (6 bytes: ids need not be secret, only unique).
pub fn token<const N: usize>() -> Result<String, SecretError> {
    Ok(hex::encode(random_bytes::<N>()?))
}

/// Whether two secrets are equal, in time that depends only on their lengths.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// The characters of generated passwords: letters and digits without look-alikes (0/O, 1/l/I, 2/Z,
/// 5/S, B/8).
const PASSWORD_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
/// 20 characters of 50: log2(50^20) ≈ 112.9 bits.
pub const PASSWORD_LEN: usize = 20;

/// A password to hand out once, each character drawn uniformly from `PASSWORD_ALPHABET`.
pub fn password() -> Result<String, SecretError> {
    let mut rng =
        rand::rngs::StdRng::try_from_os_rng().map_err(|e| SecretError::Random(e.to_string()))?;
    Ok((0..PASSWORD_LEN)
        .map(|_| char::from(PASSWORD_ALPHABET[rng.random_range(0..PASSWORD_ALPHABET.len())]))
        .collect())
}

/// A 32-byte secret from its stored hex (64 characters), else an error naming it.
pub fn bytes_from_hex(name: &'static str, secret: &str) -> Result<[u8; 32], SecretError> {
    let bytes = hex::decode(secret.trim()).map_err(|e| SecretError::Malformed {
        name,
        reason: e.to_string(),
    })?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| SecretError::Malformed {
        name,
        reason: format!("{} bytes instead of 32", bytes.len()),
    })
}

/// Hex characters of a private link's key: 128 bits, hopeless to guess and short enough to type.
pub const PRIVATE_LINK_KEY_CHARS: usize = 32;

/// The keys of residents' private links (`/mijn/{id}?sleutel=KEY`): a BLAKE2s MAC of the entry's
/// id under the deployment's 32-byte secret, cut to 128 bits. Nothing per entry is stored, and
/// every server sharing the database derives the same key.
#[derive(Clone)]
pub struct PrivateLinks {
    mac: Blake2sMac256,
}

impl std::fmt::Debug for PrivateLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrivateLinks(..)")
    }
}

impl PrivateLinks {
    /// From the stored secret: exactly 64 hex characters (32 bytes), else an error.
    pub fn from_hex(secret: &str) -> Result<PrivateLinks, SecretError> {
        let malformed = |reason: String| SecretError::Malformed {
            name: "private link",
            reason,
        };
        let bytes = bytes_from_hex("private link", secret)?;
        let mac = <Blake2sMac256 as KeyInit>::new_from_slice(&bytes)
            .map_err(|e| malformed(e.to_string()))?;
        Ok(PrivateLinks { mac })
    }

    fn mac_of(&self, id: &str) -> Blake2sMac256 {
        let mut mac = self.mac.clone();
        mac.update(b"trefpunt edit key\0");
        mac.update(id.as_bytes());
        mac
    }

    /// The key of entry `id`.
    pub fn key(&self, id: &str) -> String {
        let tag = self.mac_of(id).finalize().into_bytes();
        hex::encode(&tag[..PRIVATE_LINK_KEY_CHARS / 2])
    }

    /// Whether `key` is the key of entry `id`, checked by the MAC in constant time. Anything that
    /// is not 32 hex characters is simply wrong.
    pub fn verify(&self, id: &str, key: &str) -> bool {
        let key = key.trim();
        if key.len() != PRIVATE_LINK_KEY_CHARS {
            return false;
        }
        match hex::decode(key) {
            Ok(tag) => self.mac_of(id).verify_truncated_left(&tag).is_ok(),
            Err(_) => false,
        }
    }
}

/// Marks of the browsers an account has signed in from (a cookie per browser: a random nonce and
/// a BLAKE2s MAC of the account and that nonce under a deployment secret). Someone who fails to
/// sign in to an account again and again slows down every browser without the mark, but not the
/// owner's own (OWASP's "device cookies"): a trickle of wrong guesses cannot keep the owner out.
#[derive(Clone)]
pub struct DeviceMarks {
    mac: Blake2sMac256,
}

impl std::fmt::Debug for DeviceMarks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceMarks(..)")
    }
}

impl DeviceMarks {
    /// From the stored secret: exactly 64 hex characters (32 bytes), else an error.
    pub fn from_hex(secret: &str) -> Result<DeviceMarks, SecretError> {
        let bytes = bytes_from_hex("sign-in device", secret)?;
        let mac = <Blake2sMac256 as KeyInit>::new_from_slice(&bytes).map_err(|e| {
            SecretError::Malformed {
                name: "sign-in device",
                reason: e.to_string(),
            }
        })?;
        Ok(DeviceMarks { mac })
    }

    fn mac_of(&self, account: &str, nonce: &str) -> Blake2sMac256 {
        let mut mac = self.mac.clone();
        mac.update(b"trefpunt sign-in device\0");
        mac.update(account.as_bytes());
        mac.update(b"\0");
        mac.update(nonce.as_bytes());
        mac
    }

    /// A fresh mark for `account` (its `auth::sign_in_account` key).
    pub fn issue(&self, account: &str) -> Result<String, SecretError> {
        let nonce = token::<16>()?;
        let tag = hex::encode(self.mac_of(account, &nonce).finalize().into_bytes());
        Ok(format!("{nonce}.{tag}"))
    }

    /// Whether `mark` was issued for `account`, checked by the MAC in constant time.
    pub fn verify(&self, account: &str, mark: &str) -> bool {
        let Some((nonce, tag)) = mark.trim().split_once('.') else {
            return false;
        };
        match hex::decode(tag) {
            Ok(tag) if nonce.len() == 32 => self.mac_of(account, nonce).verify_slice(&tag).is_ok(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "6f1c2d3e-4a5b-4c6d-8e7f-901234567891";

    fn links(secret: &str) -> PrivateLinks {
        PrivateLinks::from_hex(secret).expect("a valid secret")
    }

    #[test]
    fn the_whole_secret_keys_the_mac_and_keys_differ_per_entry() {
        let secret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let a = links(secret).key(ID);
        assert_eq!(a.len(), PRIVATE_LINK_KEY_CHARS);
        assert_eq!(a, links(secret).key(ID));
        assert_ne!(a, links(secret).key(&ID.replace('1', "2")));
        // Flipping the last byte of the secret changes every key: all 32 bytes are used.
        let other = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeefe";
        assert_ne!(a, links(other).key(ID));
        assert!(links(secret).verify(ID, &a));
        assert!(links(secret).verify(ID, &format!(" {} ", a.to_uppercase())));
        assert!(!links(other).verify(ID, &a));
    }

    #[test]
    fn an_all_zero_key_is_not_the_key() {
        // The bug this module replaced: a key the MAC could not take silently became all zeros,
        // so anyone could compute every entry's key from its public id.
        let secret = hex::encode(random_bytes::<32>().expect("random"));
        let zero = links(&"00".repeat(32));
        assert!(!links(&secret).verify(ID, &zero.key(ID)));
    }

    #[test]
    fn malformed_secrets_and_keys_are_refused_not_replaced() {
        for bad in [
            "",
            "abc",
            &"0".repeat(63),
            &"0".repeat(66),
            &"zz".repeat(32),
        ] {
            assert!(PrivateLinks::from_hex(bad).is_err(), "{bad:?}");
        }
        let l = links(&"ab".repeat(32));
        let key = l.key(ID);
        for bad in ["", &key[1..], &format!("{key}0"), &"g".repeat(32)] {
            assert!(!l.verify(ID, bad), "{bad:?}");
        }
    }

    #[test]
    fn a_device_mark_belongs_to_its_account_and_secret() {
        let marks = DeviceMarks::from_hex(&"ab".repeat(32)).expect("secret");
        let mark = marks.issue("account-a").expect("mark");
        assert!(marks.verify("account-a", &mark));
        assert!(!marks.verify("account-b", &mark), "another account's");
        let other = DeviceMarks::from_hex(&"cd".repeat(32)).expect("secret");
        assert!(!other.verify("account-a", &mark), "another deployment's");
        let (nonce, tag) = mark.split_once('.').expect("two parts");
        for forged in [
            String::new(),
            nonce.to_string(),
            format!("{nonce}."),
            format!("{nonce}.{}", "0".repeat(tag.len())),
            format!("{}.{tag}", "0".repeat(nonce.len())),
            format!("{nonce}.{}", &tag[2..]),
        ] {
            assert!(!marks.verify("account-a", &forged), "{forged:?}");
        }
        assert_ne!(
            mark,
            marks.issue("account-a").expect("mark"),
            "fresh each time"
        );
    }

    #[test]
    fn tokens_are_hex_of_the_asked_length_and_fresh() {
        let (a, b) = (token::<32>().expect("token"), token::<32>().expect("token"));
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_eq!(token::<16>().expect("token").len(), 32);
        assert!(same(a.as_bytes(), a.as_bytes()));
        assert!(!same(a.as_bytes(), b.as_bytes()));
        assert!(!same(a.as_bytes(), &a.as_bytes()[1..]));
    }

    #[test]
    fn passwords_use_every_character_evenly() {
        let p = password().expect("password");
        assert_eq!(p.chars().count(), PASSWORD_LEN);
        assert!(p.bytes().all(|c| PASSWORD_ALPHABET.contains(&c)));
        // 2,000 passwords = 40,000 characters, 800 expected per character. With `byte % 50` over
        // 256 byte values, the first six characters would come 6/5 as often (≈ 937 each) as the
        // others (≈ 781): the chi-square test below fails such a bias with overwhelming odds.
        let mut counts = [0u32; 256];
        for _ in 0..2000 {
            for c in password().expect("password").bytes() {
                counts[usize::from(c)] += 1;
            }
        }
        let expected = 40_000.0 / PASSWORD_ALPHABET.len() as f64;
        let chi2: f64 = PASSWORD_ALPHABET
            .iter()
            .map(|c| (f64::from(counts[usize::from(*c)]) - expected).powi(2) / expected)
            .sum();
        // 49 degrees of freedom: a fair draw exceeds 110 about once in a million runs; the modulo
        // bias gives about 210.
        assert!(chi2 < 110.0, "chi-square {chi2}");
    }
}
