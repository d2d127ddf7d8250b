//! What every Composer request needs, kept in memory: the organization by `urlName`, the
//! organization token behind a secret, and the stored documents. A warm request touches
//! no database.
//!
//! Entries are dropped when what they mirror changes: documents when a job of their
//! organization succeeds or a package is removed, tokens when any organization token is
//! removed or regenerated. Other replicas hear of it through the same events (LISTEN/
//! NOTIFY on PostgreSQL), so a removed token stops working everywhere at once. A time
//! limit bounds what a lost notification could leave behind.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::auth::TokenHolder;
use crate::db::rows::{ComposerDocument, Organization};

const MAX_AGE: Duration = Duration::from_secs(60);
/// Bounds memory against a flood of distinct wrong secrets: past it, the map starts over.
const MAX_ENTRIES: usize = 100_000;

/// What changed, as sent to other replicas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum Invalidation {
    Tokens,
    Documents { organization_id: i64 },
}

#[derive(Clone)]
pub struct CachedToken {
    pub holder: TokenHolder,
    pub expires_at: Option<chrono::NaiveDateTime>,
    /// When `last_used_at` was last written for this token by this process.
    pub last_recorded: Instant,
}

/// Documents by organization and path.
type DocumentMap = HashMap<(i64, String), Entry<Arc<ComposerDocument>>>;

struct Entry<T> {
    value: T,
    stored: Instant,
}

#[derive(Default)]
pub struct AccessCache {
    organizations: RwLock<HashMap<String, Entry<Organization>>>,
    tokens: RwLock<HashMap<String, Entry<CachedToken>>>,
    documents: RwLock<DocumentMap>,
}

fn get<K: std::hash::Hash + Eq, T: Clone>(
    map: &RwLock<HashMap<K, Entry<T>>>,
    key: &K,
) -> Option<T> {
    let map = map.read().unwrap_or_else(|poisoned| poisoned.into_inner());
    map.get(key)
        .filter(|entry| entry.stored.elapsed() < MAX_AGE)
        .map(|entry| entry.value.clone())
}

fn put<K: std::hash::Hash + Eq, T>(map: &RwLock<HashMap<K, Entry<T>>>, key: K, value: T) {
    let mut map = map.write().unwrap_or_else(|poisoned| poisoned.into_inner());
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(
        key,
        Entry {
            value,
            stored: Instant::now(),
        },
    );
}

impl AccessCache {
    pub fn organization(&self, url_name: &str) -> Option<Organization> {
        get(&self.organizations, &url_name.to_owned())
    }

    pub fn remember_organization(&self, organization: Organization) {
        put(
            &self.organizations,
            organization.url_name.clone(),
            organization,
        );
    }

    pub fn token(&self, secret_hash: &str) -> Option<CachedToken> {
        get(&self.tokens, &secret_hash.to_owned())
    }

    pub fn remember_token(&self, secret_hash: String, token: CachedToken) {
        put(&self.tokens, secret_hash, token);
    }

    pub fn document(&self, organization_id: i64, path: &str) -> Option<Arc<ComposerDocument>> {
        get(&self.documents, &(organization_id, path.to_owned()))
    }

    pub fn remember_document(&self, document: Arc<ComposerDocument>) {
        put(
            &self.documents,
            (document.organization_id, document.path.clone()),
            document,
        );
    }

    pub fn apply(&self, invalidation: Invalidation) {
        match invalidation {
            Invalidation::Tokens => self
                .tokens
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .clear(),
            Invalidation::Documents { organization_id } => self
                .documents
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .retain(|(organization, _), _| *organization != organization_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(organization_id: i64, path: &str) -> Arc<ComposerDocument> {
        Arc::new(ComposerDocument {
            id: 1,
            organization_id,
            path: path.into(),
            body: "{}".into(),
            etag: "\"x\"".into(),
            updated_at: crate::db::now(),
        })
    }

    #[test]
    fn invalidation_drops_exactly_its_scope() {
        let cache = AccessCache::default();
        cache.remember_document(document(1, "packages.json"));
        cache.remember_document(document(2, "packages.json"));
        let holder = TokenHolder {
            token_id: 1,
            organization_id: 1,
            access: crate::auth::TokenAccess::Read,
        };
        cache.remember_token(
            "hash".into(),
            CachedToken {
                holder,
                expires_at: None,
                last_recorded: Instant::now(),
            },
        );
        cache.apply(Invalidation::Documents { organization_id: 1 });
        assert!(cache.document(1, "packages.json").is_none());
        assert!(cache.document(2, "packages.json").is_some());
        assert!(cache.token("hash").is_some());
        cache.apply(Invalidation::Tokens);
        assert!(cache.token("hash").is_none());
    }
}
