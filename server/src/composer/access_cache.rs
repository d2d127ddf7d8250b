//! What every Composer request needs, kept in memory: the organization by `urlName`, the
//! organization token behind a secret, and the stored documents, prepared as responses.
//! A warm request touches no database and copies no body.
//!
//! Entries are dropped when what they mirror changes: documents when a job of their
//! organization succeeds or a package is removed, tokens when any organization token is
//! removed or regenerated, a vendor customer (row, grants, keys) and their filtered
//! documents with their organization's documents, which every write to customers, grants
//! and bundles invalidates. Other replicas hear of it through the same events (LISTEN/
//! NOTIFY on PostgreSQL), so a removed token stops working everywhere at once; a replica
//! that lost its listener connection starts over with an empty cache. A time limit bounds
//! what a lost notification could leave behind.
//!
//! A reader that missed the cache takes a [`Ticket`] *before* it reads the database and
//! hands it back with the row. If an invalidation came in between, the row may predate
//! the change, so it is served once but not remembered.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::http::HeaderValue;
use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::auth::TokenHolder;
use crate::composer::customer_repository::CustomerView;
use crate::db::rows::{ComposerDocument, Organization};

const MAX_AGE: Duration = Duration::from_secs(300);
/// Bounds memory against a flood of distinct wrong secrets: past it, the map starts over.
const MAX_ENTRIES: usize = 100_000;

/// What changed, as sent to other replicas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum Invalidation {
    Tokens,
    Documents {
        organization_id: i64,
    },
    /// Everything: after this process may have missed notifications.
    All,
}

/// The state of the cache when a reader went to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

pub struct CachedToken {
    pub holder: TokenHolder,
    pub expires_at: Option<chrono::NaiveDateTime>,
    last_recorded: UseClock,
}

/// When `last_used_at` was last written for a credential by this process, in seconds
/// since the cache was made; `u64::MAX` when it is due at once.
pub struct UseClock(AtomicU64);

const DUE_NOW: u64 = u64::MAX;

/// A stored document with its response headers ready: cloning the body only counts a
/// reference.
pub struct PreparedDocument {
    pub body: Bytes,
    pub etag: HeaderValue,
    pub last_modified: HeaderValue,
    pub last_modified_unix: i64,
}

impl PreparedDocument {
    pub fn new(document: ComposerDocument) -> PreparedDocument {
        Self::from_parts(document.body, &document.etag, document.updated_at)
    }

    pub fn from_parts(
        body: String,
        etag: &str,
        updated_at: chrono::NaiveDateTime,
    ) -> PreparedDocument {
        let last_modified = updated_at.and_utc();
        let http_date = last_modified
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string();
        PreparedDocument {
            body: Bytes::from(body),
            etag: HeaderValue::from_str(etag).expect("an ETag is quoted hex"),
            last_modified: HeaderValue::from_str(&http_date).expect("an HTTP date is ASCII"),
            last_modified_unix: last_modified.timestamp(),
        }
    }
}

/// What a view narrower than the whole repository (a team's) may fetch, and its own
/// `packages.json`.
pub struct ScopeView {
    pub names: std::collections::HashSet<Box<str>>,
    pub root: Arc<PreparedDocument>,
}

struct Entry<T> {
    value: T,
    stored: Instant,
}

impl<T> Entry<T> {
    fn new(value: T) -> Self {
        Entry {
            value,
            stored: Instant::now(),
        }
    }

    fn fresh(&self) -> Option<&T> {
        (self.stored.elapsed() < MAX_AGE).then_some(&self.value)
    }
}

/// Documents by organization, then by path.
type DocumentMap = HashMap<i64, HashMap<Box<str>, Entry<Arc<PreparedDocument>>>>;
/// Scope views by organization, then by `PackageScope::cache_key`.
type ScopeMap = HashMap<i64, HashMap<Box<str>, Entry<Arc<ScopeView>>>>;
/// Vendor customers by organization, then by the customer's `url_name`.
type CustomerMap = HashMap<i64, HashMap<Box<str>, Entry<Arc<CustomerView>>>>;
/// A customer's filtered documents by organization, then by customer id, then by path.
type CustomerDocumentMap =
    HashMap<i64, HashMap<i64, HashMap<Box<str>, Entry<Arc<PreparedDocument>>>>>;

pub struct AccessCache {
    organizations: RwLock<HashMap<Box<str>, Entry<Arc<Organization>>>>,
    /// Keyed by the SHA-256 of the secret.
    tokens: RwLock<HashMap<[u8; 32], Entry<Arc<CachedToken>>>>,
    documents: RwLock<DocumentMap>,
    scopes: RwLock<ScopeMap>,
    customers: RwLock<CustomerMap>,
    customer_documents: RwLock<CustomerDocumentMap>,
    /// Counts invalidations; changed only while the affected map is locked for writing.
    generation: AtomicU64,
    created: Instant,
}

impl Default for AccessCache {
    fn default() -> Self {
        AccessCache {
            organizations: RwLock::default(),
            tokens: RwLock::default(),
            documents: RwLock::default(),
            scopes: RwLock::default(),
            customers: RwLock::default(),
            customer_documents: RwLock::default(),
            generation: AtomicU64::new(0),
            created: Instant::now(),
        }
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn bounded<K, V>(map: &mut HashMap<K, V>) -> &mut HashMap<K, V> {
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map
}

impl AccessCache {
    /// Take before reading what a `remember_*` call will store.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.generation.load(Ordering::Acquire))
    }

    fn still(&self, ticket: Ticket) -> bool {
        self.generation.load(Ordering::Acquire) == ticket.0
    }

    pub fn organization(&self, url_name: &str) -> Option<Arc<Organization>> {
        read(&self.organizations)
            .get(url_name)
            .and_then(Entry::fresh)
            .cloned()
    }

    pub fn remember_organization(&self, organization: Arc<Organization>) {
        // An organization's `urlName` never changes and organizations are not removed
        // while serving: no ticket needed.
        bounded(&mut write(&self.organizations)).insert(
            organization.url_name.as_str().into(),
            Entry::new(organization),
        );
    }

    pub fn token(&self, secret_digest: &[u8; 32]) -> Option<Arc<CachedToken>> {
        read(&self.tokens)
            .get(secret_digest)
            .and_then(Entry::fresh)
            .cloned()
    }

    pub fn remember_token(
        &self,
        ticket: Ticket,
        secret_digest: [u8; 32],
        holder: TokenHolder,
        expires_at: Option<chrono::NaiveDateTime>,
    ) {
        let token = Arc::new(CachedToken {
            holder,
            expires_at,
            last_recorded: self.use_clock(false),
        });
        let mut tokens = write(&self.tokens);
        if self.still(ticket) {
            bounded(&mut tokens).insert(secret_digest, Entry::new(token));
        }
    }

    /// True at most once per `every` for a token: the caller then records its use.
    pub fn token_use_due(&self, token: &CachedToken, every: Duration) -> bool {
        self.use_due(&token.last_recorded, every)
    }

    /// A clock for [`use_due`](Self::use_due): `due` when the credential's use has not
    /// been recorded lately, so that its first use here is.
    pub fn use_clock(&self, due: bool) -> UseClock {
        UseClock(AtomicU64::new(if due {
            DUE_NOW
        } else {
            self.created.elapsed().as_secs()
        }))
    }

    /// True at most once per `every` for one clock: the caller then records the use.
    pub fn use_due(&self, clock: &UseClock, every: Duration) -> bool {
        let now = self.created.elapsed().as_secs();
        let last = clock.0.load(Ordering::Relaxed);
        (last == DUE_NOW || now.saturating_sub(last) >= every.as_secs())
            && clock
                .0
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }

    pub fn document(&self, organization_id: i64, path: &str) -> Option<Arc<PreparedDocument>> {
        read(&self.documents)
            .get(&organization_id)?
            .get(path)
            .and_then(Entry::fresh)
            .cloned()
    }

    pub fn remember_document(
        &self,
        ticket: Ticket,
        organization_id: i64,
        path: &str,
        document: Arc<PreparedDocument>,
    ) {
        let mut documents = write(&self.documents);
        if self.still(ticket) {
            bounded(bounded(&mut documents).entry(organization_id).or_default())
                .insert(path.into(), Entry::new(document));
        }
    }

    pub fn scope(&self, organization_id: i64, key: &str) -> Option<Arc<ScopeView>> {
        read(&self.scopes)
            .get(&organization_id)?
            .get(key)
            .and_then(Entry::fresh)
            .cloned()
    }

    pub fn remember_scope(
        &self,
        ticket: Ticket,
        organization_id: i64,
        key: &str,
        view: Arc<ScopeView>,
    ) {
        let mut scopes = write(&self.scopes);
        if self.still(ticket) {
            bounded(bounded(&mut scopes).entry(organization_id).or_default())
                .insert(key.into(), Entry::new(view));
        }
    }

    pub fn customer(&self, organization_id: i64, url_name: &str) -> Option<Arc<CustomerView>> {
        read(&self.customers)
            .get(&organization_id)?
            .get(url_name)
            .and_then(Entry::fresh)
            .cloned()
    }

    pub fn remember_customer(
        &self,
        ticket: Ticket,
        organization_id: i64,
        url_name: &str,
        view: Arc<CustomerView>,
    ) {
        let mut customers = write(&self.customers);
        if self.still(ticket) {
            bounded(bounded(&mut customers).entry(organization_id).or_default())
                .insert(url_name.into(), Entry::new(view));
        }
    }

    pub fn customer_document(
        &self,
        organization_id: i64,
        customer_id: i64,
        path: &str,
    ) -> Option<Arc<PreparedDocument>> {
        read(&self.customer_documents)
            .get(&organization_id)?
            .get(&customer_id)?
            .get(path)
            .and_then(Entry::fresh)
            .cloned()
    }

    pub fn remember_customer_document(
        &self,
        ticket: Ticket,
        organization_id: i64,
        customer_id: i64,
        path: &str,
        document: Arc<PreparedDocument>,
    ) {
        let mut documents = write(&self.customer_documents);
        if self.still(ticket) {
            let organization = bounded(&mut documents).entry(organization_id).or_default();
            bounded(bounded(organization).entry(customer_id).or_default())
                .insert(path.into(), Entry::new(document));
        }
    }

    pub fn apply(&self, invalidation: Invalidation) {
        match invalidation {
            Invalidation::Tokens => {
                let mut tokens = write(&self.tokens);
                self.generation.fetch_add(1, Ordering::AcqRel);
                tokens.clear();
            }
            Invalidation::Documents { organization_id } => {
                let mut documents = write(&self.documents);
                let mut scopes = write(&self.scopes);
                let mut customers = write(&self.customers);
                let mut customer_documents = write(&self.customer_documents);
                self.generation.fetch_add(1, Ordering::AcqRel);
                documents.remove(&organization_id);
                scopes.remove(&organization_id);
                customers.remove(&organization_id);
                customer_documents.remove(&organization_id);
            }
            Invalidation::All => {
                let mut organizations = write(&self.organizations);
                let mut tokens = write(&self.tokens);
                let mut documents = write(&self.documents);
                let mut scopes = write(&self.scopes);
                let mut customers = write(&self.customers);
                let mut customer_documents = write(&self.customer_documents);
                self.generation.fetch_add(1, Ordering::AcqRel);
                organizations.clear();
                tokens.clear();
                documents.clear();
                scopes.clear();
                customers.clear();
                customer_documents.clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(body: &str) -> Arc<PreparedDocument> {
        Arc::new(PreparedDocument::new(ComposerDocument {
            id: 1,
            organization_id: 1,
            path: "packages.json".into(),
            body: body.into(),
            etag: "\"x\"".into(),
            updated_at: crate::db::now(),
        }))
    }

    fn holder() -> TokenHolder {
        TokenHolder {
            token_id: 1,
            organization_id: 1,
            access: crate::auth::TokenAccess::Read,
            team_id: None,
        }
    }

    #[test]
    fn invalidation_drops_exactly_its_scope() {
        let cache = AccessCache::default();
        cache.remember_document(cache.ticket(), 1, "packages.json", document("{}"));
        cache.remember_document(cache.ticket(), 2, "packages.json", document("{}"));
        cache.remember_token(cache.ticket(), [7; 32], holder(), None);
        cache.apply(Invalidation::Documents { organization_id: 1 });
        assert!(cache.document(1, "packages.json").is_none());
        assert!(cache.document(2, "packages.json").is_some());
        assert!(cache.token(&[7; 32]).is_some());
        cache.apply(Invalidation::Tokens);
        assert!(cache.token(&[7; 32]).is_none());
        assert!(cache.document(2, "packages.json").is_some());
        cache.apply(Invalidation::All);
        assert!(cache.document(2, "packages.json").is_none());
    }

    #[test]
    fn a_read_that_an_invalidation_overtook_is_not_remembered() {
        let cache = AccessCache::default();
        // A reader misses, takes its ticket and reads the old row; meanwhile the change
        // commits and its invalidation arrives; then the reader would store the old row.
        let ticket = cache.ticket();
        cache.apply(Invalidation::Documents { organization_id: 1 });
        cache.remember_document(ticket, 1, "packages.json", document("old"));
        assert!(cache.document(1, "packages.json").is_none());

        let ticket = cache.ticket();
        cache.apply(Invalidation::Tokens);
        cache.remember_token(ticket, [7; 32], holder(), None);
        assert!(cache.token(&[7; 32]).is_none());

        // Without a change in between, the row is kept.
        cache.remember_document(cache.ticket(), 1, "packages.json", document("new"));
        assert_eq!(
            cache.document(1, "packages.json").unwrap().body,
            Bytes::from("new")
        );
    }

    #[test]
    fn token_use_is_due_once_per_period() {
        let cache = AccessCache::default();
        cache.remember_token(cache.ticket(), [1; 32], holder(), None);
        let token = cache.token(&[1; 32]).unwrap();
        assert!(cache.token_use_due(&token, Duration::ZERO));
        assert!(!cache.token_use_due(&token, Duration::from_secs(60)));
    }
}
