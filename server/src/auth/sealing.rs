//! Encryption at rest for secrets Packyard must be able to use again (code host
//! passwords, tokens, SSH keys), unlike login secrets, which are only ever compared and
//! so are hashed. XChaCha20-Poly1305 with a random nonce per value.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::config::Config;
use crate::error::{Error, Result};

const FORMAT: &str = "v1:";
const KEY_FILE: &str = "secret.key";

#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// The configured key, else the key file in the data directory (created on first
    /// start, readable by the owner only).
    pub fn load(config: &Config) -> anyhow::Result<Sealer> {
        let encoded = match &config.secret_key {
            Some(key) => key.trim().to_owned(),
            None => read_or_create_key_file(&config.data_dir.join(KEY_FILE))?,
        };
        let key = STANDARD
            .decode(&encoded)
            .ok()
            .filter(|key| key.len() == 32)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "the secret key must be 32 bytes in base64 (`openssl rand -base64 32`)"
                )
            })?;
        Ok(Sealer {
            cipher: XChaCha20Poly1305::new_from_slice(&key).expect("32-byte key"),
        })
    }

    pub fn seal(&self, plaintext: &[u8]) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ciphertext = self
            .cipher
            .encrypt(&nonce, plaintext)
            .expect("encryption with a valid key cannot fail");
        let mut sealed = nonce.to_vec();
        sealed.extend(ciphertext);
        format!("{FORMAT}{}", STANDARD.encode(sealed))
    }

    pub fn open(&self, sealed: &str) -> Result<Vec<u8>> {
        let unreadable = || {
            Error::internal(anyhow::anyhow!(
                "a stored secret cannot be decrypted: was the secret key changed?"
            ))
        };
        let bytes = sealed
            .strip_prefix(FORMAT)
            .and_then(|encoded| STANDARD.decode(encoded).ok())
            .filter(|bytes| bytes.len() > 24)
            .ok_or_else(unreadable)?;
        let (nonce, ciphertext) = bytes.split_at(24);
        self.cipher
            .decrypt(XNonce::from_slice(nonce), ciphertext)
            .map_err(|_| unreadable())
    }
}

fn read_or_create_key_file(path: &Path) -> anyhow::Result<String> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        return Ok(existing.trim().to_owned());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let key = STANDARD.encode(XChaCha20Poly1305::generate_key(&mut OsRng));
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    // create_new: two processes starting at once must not each write a different key.
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(mut file) => {
            file.write_all(key.as_bytes())?;
            Ok(key)
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(std::fs::read_to_string(path)?.trim().to_owned())
        }
        Err(error) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_and_detects_a_different_key() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            data_dir: dir.path().to_owned(),
            ..Config::default()
        };
        let sealer = Sealer::load(&config).unwrap();
        let sealed = sealer.seal(b"ghp_secret");
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("ghp_secret"));
        assert_ne!(
            sealed,
            sealer.seal(b"ghp_secret"),
            "a fresh nonce each time"
        );
        assert_eq!(sealer.open(&sealed).unwrap(), b"ghp_secret");
        // The key file persists: a restart reads the same key.
        assert_eq!(
            Sealer::load(&config).unwrap().open(&sealed).unwrap(),
            b"ghp_secret"
        );

        let other = Sealer::load(&Config {
            secret_key: Some(STANDARD.encode([7u8; 32])),
            ..config
        })
        .unwrap();
        assert!(other.open(&sealed).is_err());
        assert!(sealer.open("garbage").is_err());
    }
}
