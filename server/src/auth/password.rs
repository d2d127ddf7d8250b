//! Password hashing with argon2id. Hashing is deliberately slow, so it runs on the
//! blocking pool instead of stalling the async workers.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;

use crate::error::{Error, Result};

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 1024;

pub fn validate(field: &str, password: &str) -> Result<()> {
    if password.chars().count() < MIN_LENGTH {
        return Err(Error::invalid(
            field,
            format!("the password must have at least {MIN_LENGTH} characters"),
        ));
    }
    if password.len() > MAX_LENGTH {
        return Err(Error::invalid(field, "the password is too long"));
    }
    Ok(())
}

pub async fn hash(password: &str) -> Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| Error::internal(anyhow::anyhow!("hashing failed: {e}")))
    })
    .await?
}

/// Checks `password` against a stored hash. Without a stored hash (unknown user, or a
/// user without a password) a dummy hash is checked instead, so that the answer takes
/// the same time and does not reveal which usernames exist.
pub async fn verify(password: &str, stored: Option<&str>) -> Result<bool> {
    let password = password.to_owned();
    let stored = stored.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let (hash, real) = match &stored {
            Some(hash) => (hash.as_str(), true),
            None => (dummy_hash(), false),
        };
        let parsed = PasswordHash::new(hash)
            .map_err(|e| Error::internal(anyhow::anyhow!("stored hash is unreadable: {e}")))?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(real && matches)
    })
    .await?
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"not a password of anyone", &salt)
            .expect("argon2 with default parameters")
            .to_string()
    })
}

/// A readable random password for first start and resets.
pub fn generate() -> String {
    crate::auth::secret::random_string(20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifies_only_the_right_password() {
        let stored = hash("correct horse battery").await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(
            verify("correct horse battery", Some(&stored))
                .await
                .unwrap()
        );
        assert!(
            !verify("correct horse batteryX", Some(&stored))
                .await
                .unwrap()
        );
        assert!(!verify("correct horse battery", None).await.unwrap());
    }

    #[test]
    fn short_passwords_are_rejected_with_the_field() {
        let error = validate("password", "short").unwrap_err();
        assert_eq!(error.field(), Some("password"));
        assert!(validate("password", "long enough now").is_ok());
    }
}
