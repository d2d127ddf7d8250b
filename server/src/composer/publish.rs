//! Rendering Composer documents when packages change, and storing them: requests then
//! serve stored bytes and never render (see docs/ARCHITECTURE.md, Composer metadata).

use chrono::{NaiveDateTime, Timelike};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use sha2::{Digest, Sha256};

use super::metadata::{self, RootDocument};
use crate::db::rows::{ComposerDocument, Organization, PackageVersion};
use crate::db::schema::{composer_documents, packages};
use crate::db::{self, DbConn};
use crate::domain::access::PackageScope;
use crate::error::{Error, Result};
use crate::{db_run, packages_in_scope};

pub const ROOT_PATH: &str = "packages.json";

pub fn tagged_path(package_name: &str) -> String {
    format!("p2/{package_name}.json")
}

pub fn dev_path(package_name: &str) -> String {
    format!("p2/{package_name}~dev.json")
}

/// Absolute URLs the documents point at; they live under the organization's path.
pub struct RepositoryUrls {
    pub public_url: String,
}

impl RepositoryUrls {
    pub fn new(config: &crate::config::Config) -> Self {
        RepositoryUrls {
            public_url: config.public_url(),
        }
    }

    pub fn repository(&self, organization: &Organization) -> String {
        format!("{}/{}", self.public_url, organization.url_name)
    }

    /// A vendor customer's own repository, inside the organization's path.
    pub fn customer_repository(
        &self,
        organization: &Organization,
        customer_url_name: &str,
    ) -> String {
        format!(
            "{}/customers/{customer_url_name}",
            self.repository(organization)
        )
    }

    pub fn dist(&self, organization: &Organization, package_name: &str, reference: &str) -> String {
        format!(
            "{}/dists/{package_name}/{reference}.zip",
            self.repository(organization)
        )
    }
}

/// Renders and stores the package's two p2 files from its versions, and the root.
pub async fn publish_package(
    conn: &mut DbConn,
    urls: &RepositoryUrls,
    organization: &Organization,
    package_name: &str,
    versions: &[PackageVersion],
) -> Result<()> {
    let objects = versions
        .iter()
        .map(|version| match serde_json::from_str(&version.data) {
            Ok(serde_json::Value::Object(object)) => Ok(object),
            _ => Err(Error::internal(anyhow::anyhow!(
                "stored version data of {package_name} {} is not an object",
                version.version
            ))),
        })
        .collect::<Result<Vec<_>>>()?;
    let files = metadata::render_package_files(package_name, objects);
    store(
        conn,
        organization.id,
        &tagged_path(package_name),
        files.tagged,
    )
    .await?;
    store(conn, organization.id, &dev_path(package_name), files.dev).await?;
    publish_root(conn, urls, organization).await
}

/// Forgets a removed package's files and takes it out of the root.
pub async fn remove_package(
    conn: &mut DbConn,
    urls: &RepositoryUrls,
    organization: &Organization,
    package_name: &str,
) -> Result<()> {
    let paths = [tagged_path(package_name), dev_path(package_name)];
    let organization_id = organization.id;
    db_run!(conn: {
        diesel::delete(
            composer_documents::table
                .filter(composer_documents::organization_id.eq(organization_id))
                .filter(composer_documents::path.eq_any(&paths)),
        )
        .execute(conn)
        .await?;
    });
    publish_root(conn, urls, organization).await
}

/// The names of the packages this scope sees (all, those granted to the teams, or, for
/// access to all packages, all but the synchronized ones plus those granted), by name:
/// SQL gives no order otherwise, and a document's bytes must not change without a reason.
pub async fn names_in_scope(
    conn: &mut DbConn,
    organization_id: i64,
    scope: &PackageScope,
) -> Result<Vec<String>> {
    let names: Vec<Option<String>> = db_run!(conn: {
        let query = packages::table
            .filter(packages::organization_id.eq(organization_id))
            .filter(packages::name.is_not_null())
            .into_boxed();
        packages_in_scope!(query, scope)
            .order(packages::name.asc())
            .select(packages::name)
            .load(conn)
            .await?
    });
    Ok(names.into_iter().flatten().collect())
}

/// A `packages.json` listing `available_packages`: the stored one has them all, a
/// team-scoped view some.
pub fn render_root(
    urls: &RepositoryUrls,
    organization: &Organization,
    available_packages: Vec<String>,
) -> String {
    let root = RootDocument {
        metadata_url: format!("/{}/p2/%package%.json", organization.url_name),
        available_packages,
        notify_batch: format!("{}/downloads/", urls.repository(organization)),
    };
    metadata::render_root(&root)
}

/// `packages.json`: where the p2 files are, every package name, where to report installs.
pub async fn publish_root(
    conn: &mut DbConn,
    urls: &RepositoryUrls,
    organization: &Organization,
) -> Result<()> {
    let names = names_in_scope(conn, organization.id, &PackageScope::All).await?;
    let body = render_root(urls, organization, names);
    store(conn, organization.id, ROOT_PATH, body).await
}

/// Upserts a document. An unchanged body keeps its `updated_at`, so clients revalidating
/// with `If-Modified-Since` keep getting 304.
async fn store(conn: &mut DbConn, organization_id: i64, path: &str, body: String) -> Result<()> {
    let etag = format!("\"{}\"", hex::encode(Sha256::digest(body.as_bytes())));
    let existing: Option<(String, NaiveDateTime)> = db_run!(conn: {
        composer_documents::table
            .filter(composer_documents::organization_id.eq(organization_id))
            .filter(composer_documents::path.eq(path))
            .select((composer_documents::etag, composer_documents::updated_at))
            .first(conn)
            .await
            .optional()?
    });
    if existing.as_ref().is_some_and(|(stored, _)| *stored == etag) {
        return Ok(());
    }
    let now = next_last_modified(existing.map(|(_, updated_at)| updated_at), db::now());
    db_run!(conn: {
        diesel::insert_into(composer_documents::table)
            .values((
                composer_documents::organization_id.eq(organization_id),
                composer_documents::path.eq(path),
                composer_documents::body.eq(&body),
                composer_documents::etag.eq(&etag),
                composer_documents::updated_at.eq(now),
            ))
            .on_conflict((composer_documents::organization_id, composer_documents::path))
            .do_update()
            .set((
                composer_documents::body.eq(&body),
                composer_documents::etag.eq(&etag),
                composer_documents::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
    });
    Ok(())
}

pub async fn find(
    conn: &mut DbConn,
    organization_id: i64,
    path: &str,
) -> Result<Option<ComposerDocument>> {
    Ok(db_run!(conn: {
        composer_documents::table
            .filter(composer_documents::organization_id.eq(organization_id))
            .filter(composer_documents::path.eq(path))
            .select(ComposerDocument::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

/// `Last-Modified` has whole seconds, and Composer revalidates with `If-Modified-Since`
/// alone: a document changed twice within one second would look unchanged to a client
/// that fetched the first version. So every new version gets a later second than the
/// one before, even if that second has not quite come yet.
fn next_last_modified(previous: Option<NaiveDateTime>, now: NaiveDateTime) -> NaiveDateTime {
    let now = now.with_nanosecond(0).unwrap_or(now);
    match previous.and_then(|previous| previous.with_nanosecond(0)) {
        Some(previous) if previous >= now => previous + chrono::TimeDelta::seconds(1),
        _ => now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn a_new_version_always_has_a_later_whole_second() {
        assert_eq!(
            next_last_modified(None, at("2026-01-01 10:00:00.700")),
            at("2026-01-01 10:00:00")
        );
        assert_eq!(
            next_last_modified(
                Some(at("2026-01-01 10:00:00.100")),
                at("2026-01-01 10:00:00.900")
            ),
            at("2026-01-01 10:00:01")
        );
        assert_eq!(
            next_last_modified(
                Some(at("2026-01-01 10:00:01")),
                at("2026-01-01 10:00:00.900")
            ),
            at("2026-01-01 10:00:02")
        );
        assert_eq!(
            next_last_modified(
                Some(at("2026-01-01 09:00:00")),
                at("2026-01-01 10:00:00.500")
            ),
            at("2026-01-01 10:00:00")
        );
    }
}
