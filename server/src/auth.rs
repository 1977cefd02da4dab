//! Staff sign-in: argon2id password hashes, sessions in the database behind an HttpOnly cookie, a
//! CSRF token per session, and a limit on failed sign-ins. Residents never sign in.

use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::http::HeaderMap;
use blake2::{Blake2s256, Digest};

/// The session cookie's name.
pub const COOKIE: &str = "trefpunt_staff";
/// How long a session lasts.
pub const SESSION_HOURS: u32 = 12;
/// The header state-changing staff requests carry their session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a sign-in waits for a password check slot before it is answered 503.
pub const HASHING_WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// An argon2id PHC string (parameters and salt included) for a new password.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let salt = crate::secrets::random_bytes::<16>().map_err(|e| HashError(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to compare against when the account does not exist, so a wrong e-mail address takes as
/// long as a wrong password and does not reveal which addresses have accounts.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password").unwrap_or_default())
}

/// A session or CSRF token: 256 random bits as 64 hex characters.
pub fn new_token() -> Result<String, crate::secrets::SecretError> {
    crate::secrets::token::<32>()
}

/// What the database keeps of a session token.
pub fn token_hash(token: &str) -> String {
    Blake2s256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A password to hand out once: 20 letters and digits without look-alikes (about 113 bits).
pub fn generate_password() -> Result<String, crate::secrets::SecretError> {
    crate::secrets::password()
}

/// The `Set-Cookie` value for a new session (`Secure` when the site is served over https).
pub fn session_cookie(token: &str, secure: bool) -> String {
    let max_age = SESSION_HOURS * 3600;
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// The cookie marking a browser an account signed in from (`secrets::DeviceMarks`).
pub const DEVICE_COOKIE: &str = "trefpunt_device";

/// The `Set-Cookie` value of a device mark: a year, sent only to this site's own requests.
pub fn device_cookie(mark: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{DEVICE_COOKIE}={mark}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000{secure}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn expired_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// The session token in the request's cookies, if any.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    crate::cookies::value(headers, COOKIE)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The key failed sign-ins are counted under (`sign_in_failures`): a hash of the address, any case.
pub fn sign_in_account(email: &str) -> String {
    token_hash(&email.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse").expect("hash");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct hors", &h));
        assert!(!verify_password("x", "not a hash"));
        assert_ne!(
            h,
            hash_password("correct horse").expect("hash"),
            "a new salt each time"
        );
    }

    #[test]
    fn tokens_and_passwords_are_fresh() {
        let (a, b) = (new_token().expect("token"), new_token().expect("token"));
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
        let p = generate_password().expect("password");
        assert_eq!(p.len(), 20);
        assert_ne!(p, generate_password().expect("password"));
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_over_https() {
        let c = session_cookie("t", false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
        assert!(session_cookie("t", true).ends_with("; Secure"));
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::COOKIE,
            "lang=nl; trefpunt_staff=abc".parse().expect("header"),
        );
        assert_eq!(cookie_token(&h).as_deref(), Some("abc"));
    }
}
