//! The Composer repository of an organization, as the real client talks to it:
//! `/{org}/packages.json`, `/{org}/p2/{vendor}/{name}.json` (and `~dev.json`), dist
//! archives and `notify-batch`. Metadata is served from stored bytes with
//! `Last-Modified`/`ETag`; credentials are HTTP Basic with an organization token as the
//! password (username `token`), or `Authorization: Bearer`.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use std::sync::Arc;
use std::time::Duration;

use super::access_cache::{PreparedDocument, ScopeView};
use super::publish;
use crate::app::AppState;
use crate::auth::{TokenHolder, secret};
use crate::db::rows::Organization;
use crate::db::schema::{
    customer_downloads, package_downloads, package_versions, packages, token_downloads,
};
use crate::db_run;
use crate::domain::access::{self, PackageScope};
use crate::domain::{api_tokens, artifacts, organization_tokens, organizations};
use crate::error::{Error, Result};
use crate::jobs::update_package::dist_key;

pub(super) const LAST_USED_RESOLUTION: Duration = Duration::from_secs(60);

/// A 401 that tells the client which credentials to send (`WWW-Authenticate`), with a
/// JSON message Composer prints.
pub(super) fn unauthorized(realm: &str, message: &str) -> Response {
    unauthorized_with(realm, serde_json::json!({ "message": message }))
}

/// [`unauthorized`] with a body of the caller's.
pub(super) fn unauthorized_with(realm: &str, body: serde_json::Value) -> Response {
    let mut response = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    let realm = format!("Basic realm=\"Packyard {realm}\", charset=\"UTF-8\"");
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_str(&realm)
            .unwrap_or(HeaderValue::from_static("Basic realm=\"Packyard\"")),
    );
    response
}

/// Who may read an organization's repository, or the 401 to send.
async fn authorize(
    state: &AppState,
    url_name: &str,
    headers: &HeaderMap,
) -> std::result::Result<Reader, Response> {
    let unauthorized = |message: &str| unauthorized(url_name, message);
    let mut decoded = [0u8; MAX_BASIC_CREDENTIALS];
    let Some(secret) = presented_secret(headers, &mut decoded) else {
        return Err(unauthorized(
            "authentication required: use http-basic with username \"token\" and an organization token as password",
        ));
    };
    let outcome = async {
        // An unknown organization answers like wrong credentials: no probing for names.
        let Some(organization) = organization_named(state, url_name).await? else {
            return Ok(None);
        };
        if let Some(holder) = organization_token(state, &organization, secret).await? {
            let scope = match holder.team_id {
                Some(team_id) => PackageScope::Teams(vec![team_id]),
                None => PackageScope::All,
            };
            return Ok(Some(Reader {
                organization,
                scope,
                token_id: Some(holder.token_id),
            }));
        }
        if secret
            .strip_prefix(api_tokens::SECRET_KIND)
            .is_some_and(|rest| rest.starts_with('_'))
        {
            // A personal token reaches what its user may see, decided afresh each time:
            // a removed member loses the repository at once.
            let actor = api_tokens::authenticate(&state.db, secret).await?;
            let mut conn = state.db.get().await?;
            return match access::resolve_by_id(&mut conn, &actor, organization.id).await {
                Ok(access) => Ok(Some(Reader {
                    organization,
                    scope: access.readable,
                    token_id: None,
                })),
                Err(Error::NotFound(_)) => Ok(None),
                Err(other) => Err(other),
            };
        }
        Ok::<_, Error>(None)
    }
    .await;
    match outcome {
        Ok(Some(found)) => Ok(found),
        Ok(None) | Err(Error::Unauthenticated(_)) => {
            Err(unauthorized("invalid, expired or removed token"))
        }
        Err(other) => Err(other.into_response()),
    }
}

/// Who reads a repository: its organization (or suborganization) and the packages the
/// credentials reach.
struct Reader {
    organization: Arc<Organization>,
    scope: PackageScope,
    /// The organization token used, if one was.
    token_id: Option<i64>,
}

impl Reader {
    /// The narrower view of a team-scoped reader; `None` when they see every package.
    async fn view(&self, state: &AppState) -> Result<Option<Arc<ScopeView>>> {
        if matches!(self.scope, PackageScope::All) {
            return Ok(None);
        }
        let cache = state.jobs.cache();
        let key = self.scope.cache_key();
        if let Some(view) = cache.scope(self.organization.id, &key) {
            return Ok(Some(view));
        }
        let ticket = cache.ticket();
        let mut conn = state.db.get().await?;
        // A token's team is resolved here, once per cached view: the owners team sees
        // every package, a team with access to all packages every one but the synchronized
        // (including those added later). This view is dropped whenever the organization
        // publishes or its teams' access changes.
        let resolved = match &self.scope {
            PackageScope::Teams(team_ids) => access::scope_of_teams(&mut conn, team_ids).await?,
            other => other.clone(),
        };
        let names = match &resolved {
            PackageScope::All => publish::package_names(&mut conn, self.organization.id).await?,
            PackageScope::Teams(team_ids) => {
                publish::names_granted_to(&mut conn, self.organization.id, team_ids).await?
            }
            PackageScope::AllButSynchronized(team_ids) => {
                publish::names_unsynchronized_or_granted_to(
                    &mut conn,
                    self.organization.id,
                    team_ids,
                )
                .await?
            }
        };
        let urls = publish::RepositoryUrls::new(&state.config);
        let body = publish::render_root(&urls, &self.organization, names.clone());
        let etag = format!("\"{}\"", hex::encode(Sha256::digest(body.as_bytes())));
        let view = Arc::new(ScopeView {
            names: names.into_iter().map(String::into_boxed_str).collect(),
            root: Arc::new(PreparedDocument::from_parts(body, &etag, crate::db::now())),
        });
        cache.remember_scope(ticket, self.organization.id, &key, view.clone());
        Ok(Some(view))
    }

    async fn may_read(&self, state: &AppState, package_name: &str) -> Result<bool> {
        Ok(match self.view(state).await? {
            None => true,
            Some(view) => view.names.contains(package_name),
        })
    }
}

pub(super) async fn organization_named(
    state: &AppState,
    url_name: &str,
) -> Result<Option<Arc<Organization>>> {
    let cache = state.jobs.cache();
    if let Some(organization) = cache.organization(url_name) {
        return Ok(Some(organization));
    }
    let mut conn = state.db.get().await?;
    let found = organizations::find_by_url_name(&mut conn, url_name)
        .await?
        .map(Arc::new);
    if let Some(organization) = &found {
        cache.remember_organization(organization.clone());
    }
    Ok(found)
}

/// The organization token behind `secret`, from memory when this process has seen it
/// lately (removal and regeneration drop it at once; see `access_cache`).
async fn organization_token(
    state: &AppState,
    organization: &Organization,
    secret: &str,
) -> Result<Option<TokenHolder>> {
    let cache = state.jobs.cache();
    let digest = secret::digest(secret);
    if let Some(cached) = cache.token(&digest)
        && cached.holder.organization_id == organization.id
    {
        if cached.expires_at.is_some_and(|at| at <= crate::db::now()) {
            return Ok(None);
        }
        if cache.token_use_due(&cached, LAST_USED_RESOLUTION) {
            // `lastUsedAt` is informative: written in the background, at most once a minute.
            let db = state.db.clone();
            let token_id = cached.holder.token_id;
            tokio::spawn(async move {
                if let Err(error) = organization_tokens::record_use(&db, token_id).await {
                    tracing::warn!(%error, token_id, "could not record token use");
                }
            });
        }
        return Ok(Some(cached.holder.clone()));
    }
    let ticket = cache.ticket();
    let Some((holder, expires_at)) =
        organization_tokens::authenticate(&state.db, Some(organization.id), secret).await?
    else {
        return Ok(None);
    };
    cache.remember_token(ticket, digest, holder.clone(), expires_at);
    Ok(Some(holder))
}

/// Longer `Authorization: Basic` values are not ours: no token is that long.
pub(super) const MAX_BASIC_CREDENTIALS: usize = 512;

/// The token from `Authorization: Basic` (the password; any username) or `Bearer`,
/// decoded into `buffer` rather than onto the heap.
fn presented_secret<'a>(
    headers: &'a HeaderMap,
    buffer: &'a mut [u8; MAX_BASIC_CREDENTIALS],
) -> Option<&'a str> {
    presented_credentials(headers, buffer).map(|(_, secret)| secret)
}

/// The username (HTTP Basic only) and the secret of `Authorization`.
pub(super) fn presented_credentials<'a>(
    headers: &'a HeaderMap,
    buffer: &'a mut [u8; MAX_BASIC_CREDENTIALS],
) -> Option<(Option<&'a str>, &'a str)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some((None, rest)).filter(|(_, s)| !s.is_empty());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let length = STANDARD.decode_slice(rest, buffer).ok()?;
        let decoded = std::str::from_utf8(&buffer[..length]).ok()?;
        let (username, password) = decoded.split_once(':')?;
        return Some((Some(username), password)).filter(|(_, s)| !s.is_empty());
    }
    None
}

/// `GET /{org}/packages.json`
/// The repository a path names: an organization's, or one of its suborganizations'
/// (`/{organization}/{suborganization}/…`), whose `url_name` is `organization/sub`.
#[derive(Deserialize)]
pub struct RepositoryPath {
    organization: String,
    #[serde(default)]
    suborganization: Option<String>,
}

impl RepositoryPath {
    fn url_name(&self) -> std::borrow::Cow<'_, str> {
        match &self.suborganization {
            None => self.organization.as_str().into(),
            Some(sub) => format!("{}/{}", self.organization, sub).into(),
        }
    }
}

#[derive(Deserialize)]
pub struct PackageFilePath {
    organization: String,
    #[serde(default)]
    suborganization: Option<String>,
    vendor: String,
    file: String,
}

#[derive(Deserialize)]
pub struct DistPath {
    organization: String,
    #[serde(default)]
    suborganization: Option<String>,
    vendor: String,
    name: String,
    file: String,
}

pub async fn root(
    State(state): State<AppState>,
    Path(path): Path<RepositoryPath>,
    request: Request,
) -> Response {
    document(
        &state,
        &path.url_name(),
        publish::ROOT_PATH,
        None,
        request.headers(),
    )
    .await
}

/// `GET /{org}/p2/{vendor}/{file}` where file is `name.json` or `name~dev.json`.
pub async fn package_file(
    State(state): State<AppState>,
    Path(PackageFilePath {
        organization,
        suborganization,
        vendor,
        file,
    }): Path<PackageFilePath>,
    request: Request,
) -> Response {
    let repository = RepositoryPath {
        organization,
        suborganization,
    };
    let url_name = repository.url_name();
    let Some(path) = package_file_path(&vendor, &file) else {
        return not_found(&format!("{vendor}/{file}"));
    };
    let package_name = package_name_of(&path);
    document(
        &state,
        &url_name,
        &path,
        Some(package_name),
        request.headers(),
    )
    .await
}

/// The stored document's path for `p2/{vendor}/{file}`: `p2/vendor/name.json` or
/// `p2/vendor/name~dev.json`, in lower case.
pub(super) fn package_file_path(vendor: &str, file: &str) -> Option<String> {
    let name = file.strip_suffix(".json")?;
    // Names are stored in lower case; clients almost always ask in lower case already.
    let mut path = String::with_capacity(9 + vendor.len() + name.len());
    path.push_str("p2/");
    push_lowercase(&mut path, vendor);
    path.push('/');
    push_lowercase(&mut path, name);
    path.push_str(".json");
    Some(path)
}

/// The package a path of [`package_file_path`] is about.
pub(super) fn package_name_of(path: &str) -> &str {
    let package_name = &path["p2/".len()..path.len() - ".json".len()];
    package_name.strip_suffix("~dev").unwrap_or(package_name)
}

fn push_lowercase(into: &mut String, text: &str) {
    if text.bytes().any(|b| b.is_ascii_uppercase()) || !text.is_ascii() {
        into.push_str(&text.to_lowercase());
    } else {
        into.push_str(text);
    }
}

async fn document(
    state: &AppState,
    url_name: &str,
    path: &str,
    package_name: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    let reader = match authorize(state, url_name, headers).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let scoped = match reader.view(state).await {
        Ok(view) => view,
        Err(error) => return error.into_response(),
    };
    let is_view = scoped.is_some() && package_name.is_none();
    let found = match (&scoped, package_name) {
        (Some(view), None) => Ok(Some(view.root.clone())),
        (Some(view), Some(name)) if !view.names.contains(name) => Ok(None),
        _ => stored_document(state, &reader.organization, path).await,
    };
    let document = match found {
        Ok(Some(document)) => document,
        Ok(None) => return not_found(path),
        Err(error) => return error.into_response(),
    };
    respond(&document, headers, !is_view)
}

/// A document, or 304 when the client's copy is current. `dated` says whether its date
/// is final; otherwise `Last-Modified` is sent only once that second is over.
pub(super) fn respond(document: &PreparedDocument, headers: &HeaderMap, dated: bool) -> Response {
    let mut response = if is_fresh(document, headers) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Response::new(Body::from(document.body.clone()));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    };
    let response_headers = response.headers_mut();
    response_headers.insert(header::ETAG, document.etag.clone());
    // A team's view is dated when it is rendered, and a grant may change it again within
    // that second: a client given the date of the first version would revalidate the
    // second with the same `If-Modified-Since` and get 304. So a view's date is given
    // only once its second is over. (Stored documents get a later second for each new
    // version instead: see `publish::next_last_modified`.)
    if dated || document.last_modified_unix < chrono::Utc::now().timestamp() {
        response_headers.insert(header::LAST_MODIFIED, document.last_modified.clone());
    }
    response_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    response
}

/// Whether the client's copy is current. `If-None-Match` wins when present; Composer
/// sends `If-Modified-Since` with the `Last-Modified` it was given, so that is compared
/// as text before it is parsed as a date.
pub(super) fn is_fresh(document: &PreparedDocument, headers: &HeaderMap) -> bool {
    if let Some(tags) = headers.get(header::IF_NONE_MATCH) {
        let Ok(tags) = tags.to_str() else {
            return false;
        };
        let etag = document.etag.as_bytes();
        return tags
            .split(',')
            .any(|tag| tag.trim() == "*" || tag.trim().as_bytes() == etag);
    }
    let Some(since) = headers.get(header::IF_MODIFIED_SINCE) else {
        return false;
    };
    since == document.last_modified
        || since
            .to_str()
            .ok()
            .and_then(|since| chrono::DateTime::parse_from_rfc2822(since).ok())
            .is_some_and(|since| since.timestamp() >= document.last_modified_unix)
}

/// A stored document, from memory once read (dropped when its organization publishes).
pub(super) async fn stored_document(
    state: &AppState,
    organization: &Organization,
    path: &str,
) -> Result<Option<Arc<PreparedDocument>>> {
    let cache = state.jobs.cache();
    if let Some(document) = cache.document(organization.id, path) {
        return Ok(Some(document));
    }
    let ticket = cache.ticket();
    let mut conn = state.db.get().await?;
    let mut document = publish::find(&mut conn, organization.id, path).await?;
    if document.is_none() && path == publish::ROOT_PATH {
        // An organization without packages has never had its root rendered.
        let urls = publish::RepositoryUrls::new(&state.config);
        publish::publish_root(&mut conn, &urls, organization).await?;
        document = publish::find(&mut conn, organization.id, path).await?;
    }
    Ok(document.map(|document| {
        let document = Arc::new(PreparedDocument::new(document));
        cache.remember_document(ticket, organization.id, path, document.clone());
        document
    }))
}

/// `GET /{org}/dists/{vendor}/{name}/{reference}.zip`
pub async fn dist(
    State(state): State<AppState>,
    Path(DistPath {
        organization,
        suborganization,
        vendor,
        name,
        file,
    }): Path<DistPath>,
    headers: HeaderMap,
) -> Response {
    let repository = RepositoryPath {
        organization,
        suborganization,
    };
    let url_name = repository.url_name();
    let reader = match authorize(&state, &url_name, &headers).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let organization = &reader.organization;
    let package_name = format!("{}/{}", vendor.to_lowercase(), name.to_lowercase());
    match reader.may_read(&state, &package_name).await {
        Ok(true) => {}
        Ok(false) => return not_found(&package_name),
        Err(error) => return error.into_response(),
    }
    let Some(reference) = dist_reference(&file) else {
        return not_found(&file);
    };
    serve_dist(&state, organization.id, &package_name, reference).await
}

/// The reference in a dist file name, `<reference>.zip`.
pub(super) fn dist_reference(file: &str) -> Option<&str> {
    file.strip_suffix(".zip")
        .filter(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Streams the archive of `reference`, which must be the dist of a published version of
/// the package: a dist URL of another package or organization is not reachable by
/// guessing. The caller has checked that the reader may see the package.
pub(super) async fn serve_dist(
    state: &AppState,
    organization_id: i64,
    package_name: &str,
    reference: &str,
) -> Response {
    let found = async {
        let mut conn = state.db.get().await?;
        Ok::<_, Error>(db_run!(conn: {
            packages::table
                .inner_join(package_versions::table)
                .filter(packages::organization_id.eq(organization_id))
                .filter(packages::name.eq(package_name))
                .filter(package_versions::dist_reference.eq(reference))
                .select((packages::id, packages::kind))
                .first::<(i64, String)>(conn)
                .await
                .optional()?
        }))
    }
    .await;
    let key = match found {
        // Uploaded archives are stored per organization; built ones per package.
        Ok(Some((_, kind))) if kind == "artifact" => {
            artifacts::blob_key(organization_id, reference)
        }
        Ok(Some((package_id, _))) => dist_key(package_id, reference),
        Ok(None) => return not_found(&format!("{package_name} {reference}")),
        Err(error) => return error.into_response(),
    };
    match state.blobs.open(&key).await {
        Ok(Some((file, length))) => {
            let stream = tokio_util::io::ReaderStream::new(file);
            let mut response = Body::from_stream(stream).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/zip"),
            );
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=31536000, immutable"),
            );
            response
        }
        Ok(None) => not_found(&format!("{package_name} {reference}")),
        Err(error) => error.into_response(),
    }
}

#[derive(Deserialize)]
pub struct NotifyBatch {
    pub(super) downloads: Vec<Download>,
}

#[derive(Deserialize)]
pub(super) struct Download {
    pub(super) name: String,
    pub(super) version: String,
}

impl NotifyBatch {
    pub(super) fn parse(body: &[u8]) -> Result<NotifyBatch> {
        serde_json::from_slice(body).map_err(|_| {
            Error::invalid(
                "downloads",
                "expected {\"downloads\": [{\"name\", \"version\"}]}",
            )
        })
    }
}

/// What Composer expects back from notify-batch (spec 6).
pub(super) fn notify_success() -> Response {
    (
        StatusCode::CREATED,
        axum::Json(serde_json::json!({ "status": "success" })),
    )
        .into_response()
}

/// `POST /{org}/downloads/`: install statistics, one counter per package, version and day.
pub async fn notify_batch(
    State(state): State<AppState>,
    Path(repository): Path<RepositoryPath>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let reader = match authorize(&state, &repository.url_name(), &headers).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let mut batch = match NotifyBatch::parse(&body) {
        Ok(batch) => batch,
        Err(error) => return error.into_response(),
    };
    // Installs of packages the reader cannot see are not theirs to report.
    if let Ok(Some(view)) = reader.view(&state).await {
        batch
            .downloads
            .retain(|download| view.names.contains(download.name.to_lowercase().as_str()));
    }
    let installer = reader.token_id.map_or(Installer::Member, Installer::Token);
    match record_downloads(&state, reader.organization.id, &batch, installer).await {
        Ok(()) => notify_success(),
        Err(error) => error.into_response(),
    }
}

/// Counts each install once per package, version and day (`package_downloads`), and
/// for a vendor customer also per customer (`customer_downloads`), in one transaction.
/// Whose Composer reported the installs, beyond the totals.
#[derive(Debug, Clone, Copy)]
pub(super) enum Installer {
    Customer(i64),
    Token(i64),
    /// A member with a personal token: counted in the totals only.
    Member,
}

pub(super) async fn record_downloads(
    state: &AppState,
    organization_id: i64,
    batch: &NotifyBatch,
    installer: Installer,
) -> Result<()> {
    let day = chrono::Utc::now().date_naive().to_string();
    state
        .db
        .transaction(async |conn| {
            for download in batch.downloads.iter().take(1000) {
                let name = download.name.to_lowercase();
                let package_id: Option<i64> = db_run!(conn: {
                    packages::table
                        .filter(packages::organization_id.eq(organization_id))
                        .filter(packages::name.eq(&name))
                        .select(packages::id)
                        .first(conn)
                        .await
                        .optional()?
                });
                // Packages of other repositories appear in the same batch: not ours to count.
                let Some(package_id) = package_id else { continue };
                db_run!(conn: {
                    diesel::insert_into(package_downloads::table)
                        .values((
                            package_downloads::package_id.eq(package_id),
                            package_downloads::version_normalized.eq(&download.version),
                            package_downloads::day.eq(&day),
                            package_downloads::downloads.eq(1_i64),
                        ))
                        .on_conflict((package_downloads::package_id, package_downloads::version_normalized, package_downloads::day))
                        .do_update()
                        .set(package_downloads::downloads.eq(package_downloads::downloads + 1_i64))
                        .execute(conn)
                        .await?;
                });
                match installer {
                    Installer::Customer(customer_id) => db_run!(conn: {
                        diesel::insert_into(customer_downloads::table)
                            .values((
                                customer_downloads::customer_id.eq(customer_id),
                                customer_downloads::package_id.eq(package_id),
                                customer_downloads::version_normalized.eq(&download.version),
                                customer_downloads::day.eq(&day),
                                customer_downloads::downloads.eq(1_i64),
                            ))
                            .on_conflict((customer_downloads::customer_id, customer_downloads::package_id, customer_downloads::version_normalized, customer_downloads::day))
                            .do_update()
                            .set(customer_downloads::downloads.eq(customer_downloads::downloads + 1_i64))
                            .execute(conn)
                            .await?;
                    }),
                    Installer::Token(token_id) => db_run!(conn: {
                        diesel::insert_into(token_downloads::table)
                            .values((
                                token_downloads::token_id.eq(token_id),
                                token_downloads::package_id.eq(package_id),
                                token_downloads::version_normalized.eq(&download.version),
                                token_downloads::day.eq(&day),
                                token_downloads::downloads.eq(1_i64),
                            ))
                            .on_conflict((token_downloads::token_id, token_downloads::package_id, token_downloads::version_normalized, token_downloads::day))
                            .do_update()
                            .set(token_downloads::downloads.eq(token_downloads::downloads + 1_i64))
                            .execute(conn)
                            .await?;
                    }),
                    Installer::Member => {}
                }
            }
            Ok(())
        })
        .await
}

/// A fast, plain 404: the client treats it as "not in this repository".
pub(super) fn not_found(what: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(serde_json::json!({ "message": format!("not found: {what}") })),
    )
        .into_response()
}
