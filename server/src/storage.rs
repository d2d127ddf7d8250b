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
        }
    }
}
