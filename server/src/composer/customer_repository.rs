//! A vendor customer's own Composer repository, `/{org}/customers/{customer}/…`: the
//! packages they bought, limited to the versions their grants admit
//! (`domain::customer_grants`, `customer_filter`).
//!
//! Credentials: the customer's token (`pyc_…`) as the HTTP Basic password (any
//! username) or as `Bearer`, or one of their Magento legacy key pairs (public key as
//! username, private key as password). Anything else, including unknown organizations
//! and customers, is the same 401, so names cannot be probed; a disabled customer with
//! valid credentials is told that their access is disabled.
//!
//! Documents are the organization's stored p2 files, filtered, and kept in the
//! `AccessCache` per customer. Every change to a customer, their grants or a package
//! of the organization drops them (`Invalidation::Documents`), and their date is the
//! later of the stored file's and the customer's `access_changed_at`, which each such
//! write moves to a later second: a client revalidating after a change gets the new
//! document, never a 304.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::access_cache::{PreparedDocument, UseClock};
use super::customer_filter::{DistUrls, filter_package_file};
use super::metadata::{self, RootDocument, expand};
use super::publish::{self, RepositoryUrls};
use super::repository::{
    Installer, LAST_USED_RESOLUTION, MAX_BASIC_CREDENTIALS, NotifyBatch, dist_reference, not_found,
    notify_success, organization_named, package_file_path, package_name_of, presented_credentials,
    record_downloads, respond, serve_dist, stored_document, unauthorized_with,
};
use super::version::Stability;
use crate::app::AppState;
use crate::auth::secret;
use crate::db::rows::{Customer, Organization};
use crate::db::schema::{customers, magento_legacy_keys};
use crate::db::{self, Db};
use crate::db_run;
use crate::domain::customer_grants::{self, CustomerPackageGrant};
use crate::error::{Error, Result};

/// What a customer's requests need, read once and kept in the `AccessCache`.
pub struct CustomerView {
    pub customer: Customer,
    /// SHA-256 of the customer's token.
    token_digest: [u8; 32],
    /// Magento legacy keys: public key → hex SHA-256 of the private key.
    magento_keys: HashMap<String, String>,
    pub grants: BTreeMap<String, CustomerPackageGrant>,
    pub floor: Option<Stability>,
    pub root: Arc<PreparedDocument>,
    last_used: UseClock,
}

impl CustomerView {
    fn accepts(&self, username: Option<&str>, secret: &str) -> bool {
        if secret::digest(secret) == self.token_digest {
            return true;
        }
        username
            .and_then(|public_key| self.magento_keys.get(public_key))
            .is_some_and(|private_key_hash| *private_key_hash == secret::hash(secret))
    }
}

/// `/{organization}/customers/{customer}/…`
#[derive(Deserialize)]
pub struct CustomerPath {
    organization: String,
    customer: String,
}

#[derive(Deserialize)]
pub struct CustomerPackageFilePath {
    organization: String,
    customer: String,
    vendor: String,
    file: String,
}

#[derive(Deserialize)]
pub struct CustomerDistPath {
    organization: String,
    customer: String,
    vendor: String,
    name: String,
    file: String,
}

/// A 401 whose message Composer prints too: it shows the `warning` of a JSON error
/// body, and nothing else of it, before failing on the status.
fn unauthorized(realm: &str, message: &str) -> Response {
    unauthorized_with(
        realm,
        serde_json::json!({ "message": message, "warning": message }),
    )
}

/// The organization and the customer behind the credentials, or the 401 to send.
async fn authorize(
    state: &AppState,
    organization: &str,
    customer: &str,
    headers: &HeaderMap,
) -> std::result::Result<(Arc<Organization>, Arc<CustomerView>), Response> {
    let realm = format!("{organization}/customers/{customer}");
    let mut buffer = [0u8; MAX_BASIC_CREDENTIALS];
    let Some((username, secret)) = presented_credentials(headers, &mut buffer) else {
        return Err(unauthorized(
            &realm,
            "authentication required: use http-basic with username \"token\" and your customer token as password",
        ));
    };
    let found = async {
        let Some(organization) = organization_named(state, organization).await? else {
            return Ok(None);
        };
        let view = customer_view(state, &organization, customer).await?;
        Ok::<_, Error>(view.map(|view| (organization, view)))
    }
    .await;
    let (organization, view) = match found {
        Ok(Some(found)) if found.1.accepts(username, secret) => found,
        Ok(_) => return Err(unauthorized(&realm, "invalid, expired or removed token")),
        Err(error) => return Err(error.into_response()),
    };
    if !view.customer.enabled {
        return Err(unauthorized(
            &realm,
            "access to this repository is disabled: contact the vendor",
        ));
    }
    let cache = state.jobs.cache();
    if cache.use_due(&view.last_used, LAST_USED_RESOLUTION) {
        // Informative, so written in the background, at most once a minute.
        let db = state.db.clone();
        let customer_id = view.customer.id;
        tokio::spawn(async move {
            if let Err(error) = record_use(&db, customer_id).await {
                tracing::warn!(%error, customer_id, "could not record customer use");
            }
        });
    }
    Ok((organization, view))
}

async fn record_use(db: &Db, customer_id: i64) -> Result<()> {
    let mut conn = db.get().await?;
    let now = db::now();
    db_run!(conn: {
        diesel::update(customers::table.find(customer_id))
            .set(customers::last_used_at.eq(now))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// The customer named `url_name` in the organization, from memory once read.
async fn customer_view(
    state: &AppState,
    organization: &Organization,
    url_name: &str,
) -> Result<Option<Arc<CustomerView>>> {
    let cache = state.jobs.cache();
    if let Some(view) = cache.customer(organization.id, url_name) {
        return Ok(Some(view));
    }
    let ticket = cache.ticket();
    let mut conn = state.db.get().await?;
    let organization_id = organization.id;
    let customer: Option<Customer> = db_run!(conn: {
        customers::table
            .filter(customers::organization_id.eq(organization_id))
            .filter(customers::url_name.eq(url_name))
            .select(Customer::as_select())
            .first(conn)
            .await
            .optional()?
    });
    let Some(customer) = customer else {
        return Ok(None);
    };
    let customer_id = customer.id;
    let magento_keys: Vec<(String, String)> = db_run!(conn: {
        magento_legacy_keys::table
            .filter(magento_legacy_keys::customer_id.eq(customer_id))
            .select((magento_legacy_keys::public_key, magento_legacy_keys::private_key_hash))
            .load(conn)
            .await?
    });
    let grants = customer_grants::load(&mut conn, &customer).await?;
    drop(conn);
    let token_digest = hex::decode(&customer.token_hash)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| {
            Error::internal(anyhow::anyhow!(
                "customer {customer_id} has a malformed token hash"
            ))
        })?;

    // The root lists the granted packages; with "all packages" it changes when the
    // organization's does, so it carries the later of both dates.
    let stored_root = stored_document(state, organization, publish::ROOT_PATH).await?;
    let urls = RepositoryUrls::new(&state.config);
    let repository = urls.customer_repository(organization, &customer.url_name);
    let body = metadata::render_root(&RootDocument {
        metadata_url: format!(
            "/{}/customers/{}/p2/%package%.json",
            organization.url_name, customer.url_name
        ),
        available_packages: grants.keys().cloned().collect(),
        notify_batch: format!("{repository}/downloads/"),
    });
    let root = prepared(
        body,
        stored_root.map(|root| root.last_modified_unix),
        &customer,
    );
    let last_used_due = customer
        .last_used_at
        .is_none_or(|at| (db::now() - at).num_seconds() >= LAST_USED_RESOLUTION.as_secs() as i64);
    let view = Arc::new(CustomerView {
        floor: customer_grants::floor(&customer),
        token_digest,
        magento_keys: magento_keys.into_iter().collect(),
        grants,
        root: Arc::new(root),
        last_used: cache.use_clock(last_used_due),
        customer,
    });
    cache.remember_customer(ticket, organization.id, url_name, view.clone());
    Ok(Some(view))
}

/// A customer's document: its ETag from its own bytes, its date the later of the
/// stored document's and the customer's last change of access.
fn prepared(body: String, stored_unix: Option<i64>, customer: &Customer) -> PreparedDocument {
    let etag = format!("\"{}\"", hex::encode(Sha256::digest(body.as_bytes())));
    let stored = stored_unix
        .and_then(|unix| chrono::DateTime::from_timestamp(unix, 0))
        .map(|at| at.naive_utc());
    let date = stored.map_or(customer.access_changed_at, |stored| {
        stored.max(customer.access_changed_at)
    });
    PreparedDocument::from_parts(body, &etag, date)
}

/// `GET /{org}/customers/{customer}/packages.json`
pub async fn root(
    State(state): State<AppState>,
    Path(path): Path<CustomerPath>,
    headers: HeaderMap,
) -> Response {
    match authorize(&state, &path.organization, &path.customer, &headers).await {
        // A change of grants may come within the second of this rendering: the date is
        // given only once that second is over (see `repository::respond`).
        Ok((_, view)) => respond(&view.root, &headers, false),
        Err(response) => response,
    }
}

/// `GET /{org}/customers/{customer}/p2/{vendor}/{file}`: `name.json` or `name~dev.json`.
pub async fn package_file(
    State(state): State<AppState>,
    Path(path): Path<CustomerPackageFilePath>,
    headers: HeaderMap,
) -> Response {
    let (organization, view) =
        match authorize(&state, &path.organization, &path.customer, &headers).await {
            Ok(found) => found,
            Err(response) => return response,
        };
    let Some(file_path) = package_file_path(&path.vendor, &path.file) else {
        return not_found(&format!("{}/{}", path.vendor, path.file));
    };
    match customer_document(&state, &organization, &view, &file_path).await {
        Ok(Some(document)) => respond(&document, &headers, false),
        Ok(None) => not_found(&file_path),
        Err(error) => error.into_response(),
    }
}

/// The stored document at `path`, filtered for the customer; `None` when the package is
/// not granted to them or has no such document.
async fn customer_document(
    state: &AppState,
    organization: &Organization,
    view: &CustomerView,
    path: &str,
) -> Result<Option<Arc<PreparedDocument>>> {
    let package_name = package_name_of(path);
    if !view.grants.contains_key(package_name) {
        return Ok(None);
    }
    let cache = state.jobs.cache();
    let customer = &view.customer;
    if let Some(document) = cache.customer_document(organization.id, customer.id, path) {
        return Ok(Some(document));
    }
    let ticket = cache.ticket();
    let Some(stored) = stored_document(state, organization, path).await? else {
        return Ok(None);
    };
    let stored_body = std::str::from_utf8(&stored.body).map_err(Error::internal)?;
    let grants = &view.grants[package_name].limits;
    let urls = RepositoryUrls::new(&state.config);
    let dists = DistUrls {
        organization: &format!("{}/dists", urls.repository(organization)),
        customer: &format!(
            "{}/dists",
            urls.customer_repository(organization, &customer.url_name)
        ),
    };
    let body = filter_package_file(
        stored_body,
        package_name,
        grants,
        view.floor,
        !customer.access_to_version_control_source,
        &dists,
    )?;
    let document = Arc::new(prepared(body, Some(stored.last_modified_unix), customer));
    cache.remember_customer_document(ticket, organization.id, customer.id, path, document.clone());
    Ok(Some(document))
}

/// `GET /{org}/customers/{customer}/dists/{vendor}/{name}/{reference}.zip`: only the
/// dist of a version the customer's own documents list.
pub async fn dist(
    State(state): State<AppState>,
    Path(path): Path<CustomerDistPath>,
    headers: HeaderMap,
) -> Response {
    let (organization, view) =
        match authorize(&state, &path.organization, &path.customer, &headers).await {
            Ok(found) => found,
            Err(response) => return response,
        };
    let package_name = format!(
        "{}/{}",
        path.vendor.to_lowercase(),
        path.name.to_lowercase()
    );
    let Some(reference) = dist_reference(&path.file) else {
        return not_found(&path.file);
    };
    let listed = async {
        for file_path in [
            publish::tagged_path(&package_name),
            publish::dev_path(&package_name),
        ] {
            let Some(document) =
                customer_document(&state, &organization, &view, &file_path).await?
            else {
                continue;
            };
            if lists_dist(&document.body, &package_name, reference) {
                return Ok(true);
            }
        }
        Ok::<_, Error>(false)
    }
    .await;
    match listed {
        Ok(true) => serve_dist(&state, organization.id, &package_name, reference).await,
        Ok(false) => not_found(&format!("{package_name} {reference}")),
        Err(error) => error.into_response(),
    }
}

/// Whether a (minified) p2 document has a version whose dist is `reference`.
fn lists_dist(body: &[u8], package_name: &str, reference: &str) -> bool {
    let Ok(document) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    let Some(versions) = document["packages"][package_name].as_array() else {
        return false;
    };
    expand(versions).iter().any(|version| {
        version
            .get("dist")
            .and_then(|dist| dist.get("reference"))
            .and_then(Value::as_str)
            == Some(reference)
    })
}

/// `POST /{org}/customers/{customer}/downloads/`: installs of the customer's packages,
/// counted for the package and for the customer.
pub async fn notify_batch(
    State(state): State<AppState>,
    Path(path): Path<CustomerPath>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let (organization, view) =
        match authorize(&state, &path.organization, &path.customer, &headers).await {
            Ok(found) => found,
            Err(response) => return response,
        };
    let mut batch = match NotifyBatch::parse(&body) {
        Ok(batch) => batch,
        Err(error) => return error.into_response(),
    };
    // Installs of packages the customer was not given are not theirs to report.
    batch.downloads.retain(|download| {
        view.grants
            .contains_key(download.name.to_lowercase().as_str())
    });
    match record_downloads(
        &state,
        organization.id,
        &batch,
        Installer::Customer(view.customer.id),
    )
    .await
    {
        Ok(()) => notify_success(),
        Err(error) => error.into_response(),
    }
}
