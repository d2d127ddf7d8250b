//! Artifact packages: versions uploaded as zip archives. An upload is inspected and
//! stored first (`uploadArtifact`); archives then make a package or join one. The same
//! bytes are stored once per organization; an unused archive can be removed.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::Actor;
use crate::composer::artifact;
use crate::db::rows::{Artifact, Job, NewArtifact, NewPackage, Package};
use crate::db::schema::{artifacts, packages};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::access::{self, Access, Permission};
use crate::domain::pagination::{Page, PageRequest};
use crate::error::{Error, Result};
use crate::jobs::queue::{self, Enqueue};
use crate::jobs::{JobPayload, Jobs};
use crate::storage::BlobStore;

pub fn blob_key(organization_id: i64, sha1: &str) -> String {
    format!("artifacts/{organization_id}/{sha1}.zip")
}

/// Stores an uploaded archive, or returns the artifact the organization already has with
/// exactly these bytes (used by a package or not): one row and one file per content.
#[allow(clippy::too_many_arguments)]
pub async fn upload(
    db: &Db,
    blobs: &BlobStore,
    actor: &Actor,
    organization_url_name: &str,
    suborganization: Option<&str>,
    file_name: &str,
    bytes: &[u8],
    max_bytes: u64,
) -> Result<Artifact> {
    let mut conn = db.get().await?;
    let organization =
        adding_access(&mut conn, actor, organization_url_name, suborganization).await?;
    let inspected = artifact::inspect(bytes, max_bytes)?;
    let organization_id = organization.organization.id;
    let key = blob_key(organization_id, &inspected.sha1);
    if let Some(existing) = find_by_sha1(&mut conn, organization_id, &inspected.sha1).await? {
        drop(conn);
        ensure_same_content(blobs, &key, bytes).await?;
        return Ok(existing);
    }
    drop(conn);
    // Stored before the row: a row never points at a missing file. (A removal's
    // `delete_files` job leaves a file written after the removal alone.)
    blobs.put(&key, bytes).await?;
    let manifest = serde_json::to_string(inspected.manifest.as_map()).map_err(Error::internal)?;
    let file_name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let row = NewArtifact {
        organization_id,
        file_name: &file_name,
        sha1: &inspected.sha1,
        size: bytes.len() as i64,
        package_name: &inspected.name,
        version: &inspected.version,
        manifest: &manifest,
        created_by: actor.user_id(),
        created_at: db::now(),
    };
    let mut conn = db.get().await?;
    let inserted: Option<Artifact> = db_run!(conn: {
        diesel::insert_into(artifacts::table)
            .values(&row)
            .on_conflict((artifacts::organization_id, artifacts::sha1))
            .do_nothing()
            .returning(Artifact::as_returning())
            .get_result(conn)
            .await
            .optional()?
    });
    match inserted {
        Some(artifact) => Ok(artifact),
        // The same bytes, uploaded at the same moment by someone else.
        None => find_by_sha1(&mut conn, organization_id, &inspected.sha1)
            .await?
            .ok_or_else(|| Error::internal(anyhow::anyhow!("artifact {key} vanished"))),
    }
}

async fn find_by_sha1(
    conn: &mut DbConn,
    organization_id: i64,
    sha1: &str,
) -> Result<Option<Artifact>> {
    Ok(db_run!(conn: {
        artifacts::table
            .filter(artifacts::organization_id.eq(organization_id))
            .filter(artifacts::sha1.eq(sha1))
            .select(Artifact::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

/// Two archives with one SHA-1 are one archive to Composer (it is their dist reference
/// and shasum), so different bytes under a known SHA-1 (a deliberate collision) are
/// refused rather than served in place of the first.
async fn ensure_same_content(blobs: &BlobStore, key: &str, bytes: &[u8]) -> Result<()> {
    let Some((mut file, length)) = blobs.open(key).await? else {
        // Lost from storage: the upload brings it back.
        return blobs.put(key, bytes).await;
    };
    let mut stored = Vec::with_capacity(usize::try_from(length).unwrap_or_default());
    tokio::io::AsyncReadExt::read_to_end(&mut file, &mut stored)
        .await
        .map_err(Error::internal)?;
    if stored == bytes {
        Ok(())
    } else {
        Err(Error::conflict(
            "file",
            "another archive with the same SHA-1 but different content is stored; Composer \
             could not tell the two apart",
        ))
    }
}

/// `removeArtifact`: deletes an uploaded archive that no package uses; its file goes in
/// a `delete_files` job enqueued in the same transaction.
pub async fn remove(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    organization_url_name: &str,
    suborganization: Option<&str>,
    artifact_id: i64,
) -> Result<()> {
    let job = db
        .transaction(async |conn| {
            let organization =
                adding_access(conn, actor, organization_url_name, suborganization).await?;
            let organization_id = organization.organization.id;
            let artifact: Artifact = db_run!(conn: {
                artifacts::table
                    .find(artifact_id)
                    .filter(artifacts::organization_id.eq(organization_id))
                    .select(Artifact::as_select())
                    .first(conn)
                    .await
                    .optional()?
            })
            .ok_or(Error::NotFound("artifact"))?;
            if let Some(package_id) = artifact.package_id {
                let package = super::packages::find_by_id(conn, organization_id, package_id)
                    .await?
                    .and_then(|package| package.name)
                    .unwrap_or_else(|| format!("#{package_id}"));
                return Err(Error::conflict(
                    "artifactId",
                    format!(
                        "{} is version {} of the package {package}: take it out of the \
                         package first, or remove the package",
                        artifact.file_name, artifact.version
                    ),
                ));
            }
            // Only while still unused: a package may have taken it since it was read.
            let deleted = db_run!(conn: {
                diesel::delete(
                    artifacts::table
                        .find(artifact_id)
                        .filter(artifacts::package_id.is_null()),
                )
                .execute(conn)
                .await?
            });
            if deleted == 0 {
                return Err(Error::conflict(
                    "artifactId",
                    "a package started using the archive meanwhile",
                ));
            }
            enqueue_file_deletion(conn, actor, organization_id, None, vec![artifact.sha1]).await
        })
        .await?;
    jobs_handle.enqueued(db, &job).await
}

/// Queues the deletion of files that rows deleted in this transaction pointed at.
pub(crate) async fn enqueue_file_deletion(
    conn: &mut DbConn,
    actor: &Actor,
    organization_id: i64,
    package_id: Option<i64>,
    artifact_sha1s: Vec<String>,
) -> Result<Job> {
    let mut request = Enqueue::new(JobPayload::DeleteFiles {
        organization_id,
        package_id,
        artifact_sha1s,
    });
    request.organization_id = Some(organization_id);
    request.created_by = actor.user_id();
    queue::enqueue(conn, request).await
}

/// Uploaded archives of the organization, oldest first: those of `package_name` only
/// when given, and only those no package uses when `unused`.
pub async fn list_for_organization(
    conn: &mut DbConn,
    organization: &Access,
    package_name: Option<&str>,
    unused: bool,
    page: PageRequest,
) -> Result<Page<Artifact>> {
    // Uploads are for those who add packages; they may name packages others cannot see.
    organization.require_user()?;
    organization.require(Permission::AddPackages)?;
    let organization_id = organization.organization.id;
    let package_name = package_name.map(|name| name.trim().to_lowercase());
    let (rows, total) = db_run!(conn: {
        let filtered = || {
            let mut query = artifacts::table
                .filter(artifacts::organization_id.eq(organization_id))
                .into_boxed();
            if let Some(name) = &package_name {
                query = query.filter(artifacts::package_name.eq(name.clone()));
            }
            if unused {
                query = query.filter(artifacts::package_id.is_null());
            }
            query
        };
        let rows = filtered()
            .filter(artifacts::id.gt(page.after()))
            .order(artifacts::id.asc())
            .limit(page.limit())
            .select(Artifact::as_select())
            .load(conn)
            .await?;
        let total: i64 = filtered().count().get_result(conn).await?;
        (rows, total)
    });
    Ok(Page::from_rows(page, rows, total, |artifact| artifact.id))
}

/// Artifacts of the organization by id, every one of them, or `BAD_USER_INPUT`.
async fn find_many(conn: &mut DbConn, organization_id: i64, ids: &[i64]) -> Result<Vec<Artifact>> {
    if ids.is_empty() {
        return Err(Error::invalid(
            "artifactIds",
            "name at least one uploaded artifact",
        ));
    }
    let found: Vec<Artifact> = db_run!(conn: {
        artifacts::table
            .filter(artifacts::organization_id.eq(organization_id))
            .filter(artifacts::id.eq_any(ids))
            .select(Artifact::as_select())
            .load(conn)
            .await?
    });
    if found.len() != ids.iter().collect::<std::collections::HashSet<_>>().len() {
        return Err(Error::invalid(
            "artifactIds",
            "an artifact is unknown in this organization",
        ));
    }
    Ok(found)
}

/// The archives must all be versions of one package, each version once.
fn check_set(artifacts: &[Artifact], package_name: &str) -> Result<()> {
    let mut versions = std::collections::HashSet::new();
    for artifact in artifacts {
        if artifact.package_name != package_name {
            return Err(Error::invalid(
                "artifactIds",
                format!(
                    "{} contains {}, not {package_name}",
                    artifact.file_name, artifact.package_name
                ),
            ));
        }
        let normalized =
            crate::composer::version::normalize(&artifact.version).map_err(Error::internal)?;
        if !versions.insert(normalized) {
            return Err(Error::invalid(
                "artifactIds",
                format!("version {} is given twice", artifact.version),
            ));
        }
    }
    Ok(())
}

/// Attaches exactly `artifacts` to the package (others are detached).
async fn attach(conn: &mut DbConn, package_id: i64, artifacts: &[Artifact]) -> Result<()> {
    let ids: Vec<i64> = artifacts.iter().map(|a| a.id).collect();
    let attached = db_run!(conn: {
        diesel::update(artifacts::table.filter(artifacts::package_id.eq(package_id)).filter(artifacts::id.ne_all(&ids)))
            .set(artifacts::package_id.eq(None::<i64>))
            .execute(conn)
            .await?;
        diesel::update(artifacts::table.filter(artifacts::id.eq_any(&ids)))
            .set(artifacts::package_id.eq(package_id))
            .execute(conn)
            .await?
    });
    // An artifact removed since it was read (PostgreSQL lets that commit in between).
    if attached != ids.len() {
        return Err(Error::invalid(
            "artifactIds",
            "an artifact was removed meanwhile",
        ));
    }
    Ok(())
}

pub async fn create_package(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    organization_url_name: &str,
    suborganization: Option<&str>,
    artifact_ids: &[i64],
) -> Result<Job> {
    let job = db
        .transaction(async |conn| {
            let organization =
                adding_access(conn, actor, organization_url_name, suborganization).await?;
            let organization_id = organization.organization.id;
            let chosen = find_many(conn, organization_id, artifact_ids).await?;
            let name = chosen[0].package_name.clone();
            check_set(&chosen, &name)?;
            let taken: i64 = db_run!(conn: {
                packages::table
                    .filter(packages::organization_id.eq(organization_id))
                    .filter(packages::name.eq(&name))
                    .count()
                    .get_result(conn)
                    .await?
            });
            if taken > 0 {
                return Err(Error::conflict(
                    "artifactIds",
                    format!("the organization has a package named {name} already"),
                ));
            }
            let now = db::now();
            let row = NewPackage {
                organization_id,
                name: Some(&name),
                kind: "artifact",
                repository_url: None,
                repository_key: None,
                credential_id: None,
                definition: None,
                created_at: now,
                updated_at: now,
                synchronization_id: None,
            };
            let package = super::packages::insert(conn, &row).await?;
            super::teams::grant_to_adding_teams(conn, &organization, package.id).await?;
            attach(conn, package.id, &chosen).await?;
            super::packages::enqueue_update(conn, actor, &package).await
        })
        .await?;
    jobs_handle.enqueued(db, &job).await?;
    Ok(job)
}

/// `addArtifactToPackage` adds one archive; `editArtifactPackage` replaces the list.
#[allow(clippy::too_many_arguments)]
pub async fn set_package_artifacts(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    organization_url_name: &str,
    suborganization: Option<&str>,
    package_name: &str,
    artifact_ids: &[i64],
    keep_existing: bool,
) -> Result<Job> {
    let job = db
        .transaction(async |conn| {
            let organization =
                access::resolve(conn, actor, organization_url_name, suborganization).await?;
            let package = super::packages::find(conn, &organization, package_name).await?;
            super::packages::require_edit(conn, &organization, &package).await?;
            if package.kind != "artifact" {
                return Err(Error::invalid("name", "not an artifact package"));
            }
            let mut chosen = find_many(conn, organization.organization.id, artifact_ids).await?;
            if keep_existing {
                let mut existing = list(conn, &package).await?;
                existing.retain(|a| !artifact_ids.contains(&a.id));
                chosen.extend(existing);
            }
            check_set(&chosen, package.name.as_deref().unwrap_or_default())?;
            attach(conn, package.id, &chosen).await?;
            super::packages::enqueue_update(conn, actor, &package).await
        })
        .await?;
    jobs_handle.enqueued(db, &job).await?;
    Ok(job)
}

pub async fn list(conn: &mut DbConn, package: &Package) -> Result<Vec<Artifact>> {
    let package_id = package.id;
    Ok(db_run!(conn: {
        artifacts::table
            .filter(artifacts::package_id.eq(package_id))
            .order(artifacts::id.asc())
            .select(Artifact::as_select())
            .load(conn)
            .await?
    }))
}

/// Uploading archives and making packages of them: owners, and members who may add
/// packages.
async fn adding_access(
    conn: &mut DbConn,
    actor: &Actor,
    organization_url_name: &str,
    suborganization: Option<&str>,
) -> Result<Access> {
    let scope = access::resolve(conn, actor, organization_url_name, suborganization).await?;
    scope.require_user()?;
    scope.require(Permission::AddPackages)?;
    Ok(scope)
}
