//! Stored files (dist archives, uploaded artifacts) behind one small interface, so that an
//! object store can replace the local directory when replicas do not share a disk.
//! Keys are relative paths made by Packyard itself, never by users.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub fn new(root: impl Into<PathBuf>) -> BlobStore {
        BlobStore { root: root.into() }
    }

    fn path(&self, key: &str) -> Result<PathBuf> {
        let safe = !key.is_empty()
            && !key.starts_with('/')
            && key
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..");
        if !safe {
            return Err(Error::internal(anyhow::anyhow!(
                "unsafe storage key {key:?}"
            )));
        }
        Ok(self.root.join(key))
    }

    /// Stores `bytes` under `key`, atomically: readers see the old file or the whole new one.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(key)?;
        let dir = path.parent().expect("keys have a parent");
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(Error::internal)?;
        let temporary = dir.join(format!(".{}.tmp", uuid::Uuid::new_v4()));
        tokio::fs::write(&temporary, bytes)
            .await
            .map_err(Error::internal)?;
        tokio::fs::rename(&temporary, &path)
            .await
            .map_err(Error::internal)?;
        Ok(())
    }

    pub async fn exists(&self, key: &str) -> Result<bool> {
        Ok(tokio::fs::try_exists(self.path(key)?)
            .await
            .unwrap_or(false))
    }

    /// The file to stream for `key`, or `None` when it is not stored.
    pub async fn open(&self, key: &str) -> Result<Option<(tokio::fs::File, u64)>> {
        match tokio::fs::File::open(self.path(key)?).await {
            Ok(file) => {
                let length = file.metadata().await.map_err(Error::internal)?.len();
                Ok(Some((file, length)))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(Error::internal(error)),
        }
    }

    /// Deletes `key`. A key that is not stored is no error: deleting twice is deleting once.
    pub async fn remove(&self, key: &str) -> Result<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::internal(error))
            }
            _ => Ok(()),
        }
    }

    /// Deletes every key under `prefix` (`dists/12` takes `dists/12/…`), as an object
    /// store deletes by prefix. Nothing stored there is no error.
    pub async fn remove_prefix(&self, prefix: &str) -> Result<()> {
        match tokio::fs::remove_dir_all(self.path(prefix)?).await {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::internal(error))
            }
            _ => Ok(()),
        }
    }

    /// When `key` was last written, or `None` when it is not stored.
    pub async fn modified(&self, key: &str) -> Result<Option<std::time::SystemTime>> {
        match tokio::fs::metadata(self.path(key)?).await {
            Ok(metadata) => Ok(Some(metadata.modified().map_err(Error::internal)?)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(Error::internal(error)),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_and_opens_and_refuses_escaping_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path());
        assert!(!store.exists("dists/1/abc.zip").await.unwrap());
        store.put("dists/1/abc.zip", b"zip bytes").await.unwrap();
        assert!(store.exists("dists/1/abc.zip").await.unwrap());
        let (_, length) = store.open("dists/1/abc.zip").await.unwrap().unwrap();
        assert_eq!(length, 9);
        assert!(store.open("dists/1/missing.zip").await.unwrap().is_none());
        for bad in ["../x", "/etc/passwd", "a//b", "a/./b", ""] {
            assert!(store.put(bad, b"x").await.is_err(), "{bad}");
            assert!(store.remove(bad).await.is_err(), "{bad}");
            assert!(store.remove_prefix(bad).await.is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn removes_keys_and_prefixes_idempotently() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path());
        let before = std::time::SystemTime::now() - std::time::Duration::from_secs(1);
        store.put("dists/1/a.zip", b"a").await.unwrap();
        store.put("dists/1/b.zip", b"b").await.unwrap();
        store.put("dists/12/c.zip", b"c").await.unwrap();
        assert!(store.modified("dists/1/a.zip").await.unwrap().unwrap() > before);
        store.remove("dists/1/a.zip").await.unwrap();
        store.remove("dists/1/a.zip").await.unwrap();
        assert!(!store.exists("dists/1/a.zip").await.unwrap());
        assert_eq!(store.modified("dists/1/a.zip").await.unwrap(), None);
        store.remove_prefix("dists/1").await.unwrap();
        store.remove_prefix("dists/1").await.unwrap();
        assert!(!store.exists("dists/1/b.zip").await.unwrap());
        // A prefix is a whole path segment: dists/1 is not dists/12.
        assert!(store.exists("dists/12/c.zip").await.unwrap());
    }
}
