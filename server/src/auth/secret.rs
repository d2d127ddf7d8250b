//! Bearer secrets (session cookies, API tokens). Only a SHA-256 of a secret is stored:
//! the secrets are long random strings, so a fast hash is enough, and lookups by hash
//! stay a single indexed query.

use rand::Rng;
use rand::distributions::Alphanumeric;
use sha2::{Digest, Sha256};

/// Characters of a token kept in clear so people can tell their tokens apart.
pub const VISIBLE_PREFIX_LEN: usize = 12;

pub fn random_string(len: usize) -> String {
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// A new secret that starts with `kind` (`pyu` for user API tokens, …), so that a
/// leaked token is recognisable by secret scanners and by us.
pub fn generate(kind: &str) -> String {
    format!("{kind}_{}", random_string(40))
}

pub fn hash(secret: &str) -> String {
    hex::encode(digest(secret))
}

/// The SHA-256 behind [`hash`], for in-memory lookups that need no hex string.
pub fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

pub fn visible_prefix(secret: &str) -> String {
    secret.chars().take(VISIBLE_PREFIX_LEN).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_prefixed_and_hashed_stably() {
        let a = generate("pyu");
        let b = generate("pyu");
        assert_ne!(a, b);
        assert!(a.starts_with("pyu_") && a.len() == 44);
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), hash(&b));
        assert_eq!(hash(&a).len(), 64);
        assert_eq!(visible_prefix(&a), a[..12]);
    }
}
