//! Packages of an organization: adding them (the source is read by a job), listing and
//! finding them, their versions and dependents, updating and removing them.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::Actor;
use crate::composer::access_cache::Invalidation;
use crate::db::rows::{Job, NewPackage, Package, PackageVersion};
use crate::db::schema::{artifacts, package_requirements, package_versions, packages};
use crate::db::{self, Db, DbConn};
use crate::domain::access::{self, Access, Permission};
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::teams;
use crate::error::{Error, Result};
use crate::jobs::queue::{self, Enqueue};
use crate::jobs::{JobPayload, Jobs};
use crate::{db_run, packages_in_scope};

diesel::define_sql_function! {
    fn lower(text: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// Settings the package rules depend on.
#[derive(Debug, Clone, Copy)]
pub struct SourcePolicy {
    pub allow_local_repositories: bool,
}

impl SourcePolicy {
    pub fn new(config: &crate::config::Config) -> Self {
        SourcePolicy {
            allow_local_repositories: config.allow_local_repositories,
        }
    }
}

/// Where a VCS package may live: remote git URLs, and local ones only where allowed.
pub fn validate_repository_url(url: &str, policy: SourcePolicy) -> Result<String> {
    let url = url.trim();
    let remote = ["https://", "http://", "ssh://", "git://"]
        .iter()
        .any(|scheme| url.starts_with(scheme) && url.len() > scheme.len());
    // scp-like syntax: git@github.com:acme/lib.git
    let scp_like = url
        .split_once(':')
        .is_some_and(|(host, path)| host.contains('@') && !host.contains('/') && !path.is_empty());
    let local = url.starts_with("file://") || url.starts_with('/');
    if remote || scp_like {
        return Ok(url.to_owned());
    }
    if local {
        return if policy.allow_local_repositories {
            Ok(url.to_owned())
        } else {
            Err(Error::invalid(
                "url",
                "local repositories are not allowed on this Packyard",
            ))
        };
    }
    Err(Error::invalid(
        "url",
        "use a git URL: https://…, ssh://…, git@host:path or git://…",
    ))
}

#[allow(clippy::too_many_arguments)]
pub async fn create_vcs(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    policy: SourcePolicy,
    organization_url_name: &str,
    suborganization: Option<&str>,
    source: VcsSource<'_>,
) -> Result<Job> {
    let VcsSource {
        url,
        credential_id,
        synchronization_id,
    } = source;
    let url = validate_repository_url(url, policy)?;
    let key = super::hooks::key_of(&url);
    let (job, organization_id, joined_bundles) = db
        .transaction(async |conn| {
            let scope = adding_access(conn, actor, organization_url_name, suborganization).await?;
            let organization_id = scope.organization.id;
            if let Some(credential_id) = credential_id {
                super::credentials::find_in(conn, scope.root.id, credential_id).await?;
            }
            let taken: i64 = db_run!(conn: {
                packages::table
                    .filter(packages::organization_id.eq(organization_id))
                    .filter(packages::repository_url.eq(&url))
                    .count()
                    .get_result(conn)
                    .await?
            });
            if taken > 0 {
                return Err(Error::conflict(
                    "url",
                    "a package with this repository URL exists already",
                ));
            }
            let now = db::now();
            let row = NewPackage {
                organization_id,
                name: None,
                kind: "vcs",
                repository_url: Some(&url),
                repository_key: key.as_deref(),
                credential_id,
                definition: None,
                created_at: now,
                updated_at: now,
                synchronization_id,
            };
            let package = insert(conn, &row).await?;
            teams::grant_to_adding_teams(conn, &scope, package.id).await?;
            // Found by a synchronization: its bundles take the package in the same write.
            let joined_bundles = match synchronization_id {
                Some(synchronization_id) => {
                    super::vendor_bundles::add_synchronized_package(
                        conn,
                        synchronization_id,
                        package.id,
                    )
                    .await?
                }
                None => Vec::new(),
            };
            let job = enqueue_update(conn, actor, &package).await?;
            Ok((job, organization_id, joined_bundles))
        })
        .await?;
    jobs_handle.enqueued(db, &job).await?;
    if !joined_bundles.is_empty() {
        super::customers::changed(db, jobs_handle, organization_id).await?;
    }
    Ok(job)
}

/// Where a VCS package is read from.
pub struct VcsSource<'a> {
    pub url: &'a str,
    pub credential_id: Option<i64>,
    /// The synchronization that found the repository (none for packages added by hand).
    pub synchronization_id: Option<i64>,
}

/// Adds a package defined in JSON (see `composer::custom`). The definition is checked
/// now, so mistakes come back as `BAD_USER_INPUT` on `definition`; the job publishes it.
pub async fn create_custom(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    organization_url_name: &str,
    suborganization: Option<&str>,
    definition: &str,
) -> Result<Job> {
    let versions = crate::composer::custom::parse_definition(definition)?;
    let name = versions[0].name.clone();
    let job = db
        .transaction(async |conn| {
            let scope = adding_access(conn, actor, organization_url_name, suborganization).await?;
            let organization_id = scope.organization.id;
            ensure_name_free(conn, organization_id, &name, None).await?;
            let now = db::now();
            let row = NewPackage {
                organization_id,
                name: Some(&name),
                kind: "custom",
                repository_url: None,
                repository_key: None,
                credential_id: None,
                definition: Some(definition),
                created_at: now,
                updated_at: now,
                synchronization_id: None,
            };
            let package = insert(conn, &row).await?;
            teams::grant_to_adding_teams(conn, &scope, package.id).await?;
            enqueue_update(conn, actor, &package).await
        })
        .await?;
    jobs_handle.enqueued(db, &job).await?;
    Ok(job)
}

/// Replaces a custom package's definition; it must keep the package's name.
pub async fn edit_custom(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    organization_url_name: &str,
    suborganization: Option<&str>,
    name: &str,
    definition: &str,
) -> Result<Job> {
    let versions = crate::composer::custom::parse_definition(definition)?;
    let job = db
        .transaction(async |conn| {
            let scope =
                access::resolve(conn, actor, organization_url_name, suborganization).await?;
            let package = find(conn, &scope, name).await?;
            require_edit(conn, &scope, &package).await?;
            if package.kind != "custom" {
                return Err(Error::invalid("name", "not a custom package"));
            }
            if package.name.as_deref() != Some(versions[0].name.as_str()) {
                return Err(Error::invalid(
                    "definition",
                    format!(
                        "the definition must keep the package name {}",
                        package.name.as_deref().unwrap_or("")
                    ),
                ));
            }
            let package_id = package.id;
            db_run!(conn: {
                diesel::update(packages::table.find(package_id))
                    .set((packages::definition.eq(definition), packages::updated_at.eq(db::now())))
                    .execute(conn)
                    .await?;
            });
            enqueue_update(conn, actor, &package).await
        })
        .await?;
    jobs_handle.enqueued(db, &job).await?;
    Ok(job)
}

/// Points a VCS package at another URL or credential, and reads it again.
#[allow(clippy::too_many_arguments)]
pub async fn edit_vcs(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    policy: SourcePolicy,
    organization_url_name: &str,
    suborganization: Option<&str>,
    name: &str,
    url: &str,
    credential_id: Option<i64>,
) -> Result<Job> {
    let url = validate_repository_url(url, policy)?;
    let key = super::hooks::key_of(&url);
    let job = db
        .transaction(async |conn| {
            let scope =
                access::resolve(conn, actor, organization_url_name, suborganization).await?;
            let package = find(conn, &scope, name).await?;
            require_edit(conn, &scope, &package).await?;
            if package.kind != "vcs" {
                return Err(Error::invalid("name", "not a VCS package"));
            }
            if let Some(credential_id) = credential_id {
                super::credentials::find_in(conn, scope.root.id, credential_id).await?;
            }
            let package_id = package.id;
            db_run!(conn: {
                diesel::update(packages::table.find(package_id))
                    .set((
                        packages::repository_url.eq(&url),
                        packages::repository_key.eq(&key),
                        packages::credential_id.eq(credential_id),
                        packages::updated_at.eq(db::now()),
                    ))
                    .execute(conn)
                    .await?;
            });
            enqueue_update(conn, actor, &package).await
        })
        .await?;
    jobs_handle.enqueued(db, &job).await?;
    Ok(job)
}

async fn ensure_name_free(
    conn: &mut DbConn,
    organization_id: i64,
    name: &str,
    except: Option<i64>,
) -> Result<()> {
    let taken: i64 = db_run!(conn: {
        packages::table
            .filter(packages::organization_id.eq(organization_id))
            .filter(packages::name.eq(name))
            .filter(packages::id.ne(except.unwrap_or(0)))
            .count()
            .get_result(conn)
            .await?
    });
    if taken > 0 {
        return Err(Error::conflict(
            "definition",
            format!("the organization has a package named {name} already"),
        ));
    }
    Ok(())
}

pub(crate) async fn insert(conn: &mut DbConn, row: &NewPackage<'_>) -> Result<Package> {
    Ok(db_run!(conn: {
        diesel::insert_into(packages::table)
            .values(row)
            .returning(Package::as_returning())
            .get_result(conn)
            .await?
    }))
}

/// Queues a re-read of the package's source; joins one already waiting.
pub(crate) async fn enqueue_update(
    conn: &mut DbConn,
    actor: &Actor,
    package: &Package,
) -> Result<Job> {
    let mut request = Enqueue::new(JobPayload::UpdatePackage {
        package_id: package.id,
    });
    request.organization_id = Some(package.organization_id);
    request.created_by = actor.user_id();
    request.dedupe_key = Some(format!("update_package:{}", package.id));
    let job = queue::enqueue(conn, request).await?;
    let package_id = package.id;
    db_run!(conn: {
        diesel::update(packages::table.find(package_id))
            .set(packages::last_job_id.eq(job.id))
            .execute(conn)
            .await?;
    });
    Ok(job)
}

/// `updatePackage`: read the source again now.
pub async fn update(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    organization_url_name: &str,
    suborganization: Option<&str>,
    name: &str,
) -> Result<Job> {
    let job = db
        .transaction(async |conn| {
            let scope =
                access::resolve(conn, actor, organization_url_name, suborganization).await?;
            let package = find(conn, &scope, name).await?;
            if !scope.can_update_package(conn, package.id).await? {
                return Err(Error::Forbidden("you may not update this package".into()));
            }
            enqueue_update(conn, actor, &package).await
        })
        .await?;
    jobs_handle.enqueued(db, &job).await?;
    Ok(job)
}

/// Removes the package, its versions and its Composer metadata, and the archives uploaded
/// for it; their files, its git mirror and its dist archives go in a `delete_files` job
/// enqueued in the same transaction.
pub async fn remove(
    db: &Db,
    jobs_handle: &Jobs,
    urls: &crate::composer::publish::RepositoryUrls,
    actor: &Actor,
    organization_url_name: &str,
    suborganization: Option<&str>,
    name: &str,
) -> Result<()> {
    let (removed_from, job) = db
        .transaction(async |conn| {
            let organization =
                access::resolve(conn, actor, organization_url_name, suborganization).await?;
            let organization_id = organization.organization.id;
            let package = find(conn, &organization, name).await?;
            require_edit(conn, &organization, &package).await?;
            let package_id = package.id;
            // An artifact package's archives are its versions: they go with it.
            let artifact_sha1s: Vec<String> = db_run!(conn: {
                diesel::delete(artifacts::table.filter(artifacts::package_id.eq(package_id)))
                    .returning(artifacts::sha1)
                    .get_results(conn)
                    .await?
            });
            db_run!(conn: {
                diesel::delete(packages::table.find(package_id)).execute(conn).await?;
            });
            if let Some(name) = &package.name {
                crate::composer::publish::remove_package(
                    conn,
                    urls,
                    &organization.organization,
                    name,
                )
                .await?;
                let details = serde_json::json!({
                    "package": {
                        "id": package.id.to_string(),
                        "name": name,
                        "repositoryUrl": package.repository_url,
                    },
                });
                super::webhooks::emit(
                    conn,
                    &organization.organization,
                    super::webhooks::Event::PackageRemoved,
                    details,
                )
                .await?;
            }
            let job = super::artifacts::enqueue_file_deletion(
                conn,
                actor,
                organization_id,
                Some(package_id),
                artifact_sha1s,
            )
            .await?;
            Ok((organization_id, job))
        })
        .await?;
    jobs_handle.enqueued(db, &job).await?;
    let invalidation = Invalidation::Documents {
        organization_id: removed_from,
    };
    jobs_handle.invalidate(db, invalidation).await
}

/// A package by `vendor/name`, or by id (`#12`, for packages whose source was never
/// read and so have no name yet).
pub async fn find(conn: &mut DbConn, scope: &Access, name: &str) -> Result<Package> {
    let organization_id = scope.organization.id;
    let by_id = name.strip_prefix('#').and_then(|id| id.parse::<i64>().ok());
    let name = name.trim().to_lowercase();
    let package = db_run!(conn: {
        let query = packages::table
            .filter(packages::organization_id.eq(organization_id))
            .select(Package::as_select())
            .into_boxed();
        let query = match by_id {
            Some(id) => query.filter(packages::id.eq(id)),
            None => query.filter(packages::name.eq(name)),
        };
        query.first(conn).await.optional()?
    })
    .ok_or(Error::NotFound("package"))?;
    // A package the actor's teams do not have does not exist for them.
    if scope.can_read_package(conn, package.id).await? {
        Ok(package)
    } else {
        Err(Error::NotFound("package"))
    }
}

/// Who may add packages to the scope: owners, and members who may add packages.
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

/// Who may change or remove a package they see: owners, and members whose team has the
/// package and may edit team packages.
pub(crate) async fn require_edit(
    conn: &mut DbConn,
    scope: &Access,
    package: &Package,
) -> Result<()> {
    scope.require_user()?;
    if scope.can_edit_package(conn, package.id).await? {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "you may not change {}",
            package.name.as_deref().unwrap_or("this package")
        )))
    }
}

/// A package by id within an organization (for events that carry ids).
pub async fn find_by_id(
    conn: &mut DbConn,
    organization_id: i64,
    package_id: i64,
) -> Result<Option<Package>> {
    Ok(db_run!(conn: {
        packages::table
            .find(package_id)
            .filter(packages::organization_id.eq(organization_id))
            .select(Package::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

/// Packages of the organization, by id; `query` matches name or description.
pub async fn list(
    conn: &mut DbConn,
    organization: &Access,
    query: Option<&str>,
    page: PageRequest,
) -> Result<Page<Package>> {
    let organization_id = organization.organization.id;
    // Case-insensitive on both backends (PostgreSQL's LIKE is case-sensitive), with the
    // query's own `%`, `_` and `\` matched literally.
    let pattern = query.map(str::trim).filter(|q| !q.is_empty()).map(|q| {
        let escaped = q
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    let (rows, total) = db_run!(conn: {
        let filtered = || {
            let mut query = packages_in_scope!(
                packages::table
                    .filter(packages::organization_id.eq(organization_id))
                    .into_boxed(),
                &organization.readable
            );
            if let Some(pattern) = &pattern {
                query = query.filter(
                    lower(packages::name)
                        .like(pattern.clone())
                        .escape('\\')
                        .or(lower(packages::description).like(pattern.clone()).escape('\\'))
                        .or(lower(packages::repository_url).like(pattern.clone()).escape('\\')),
                );
            }
            query
        };
        let rows = filtered()
            .filter(packages::id.gt(page.after()))
            .order(packages::id.asc())
            .limit(page.limit())
            .select(Package::as_select())
            .load(conn)
            .await?;
        let total: i64 = filtered().count().get_result(conn).await?;
        (rows, total)
    });
    Ok(Page::from_rows(page, rows, total, |package| package.id))
}

/// Versions, newest release first (Composer's ordering), dev versions after.
pub async fn versions(conn: &mut DbConn, package: &Package) -> Result<Vec<PackageVersion>> {
    let package_id = package.id;
    let mut versions: Vec<PackageVersion> = db_run!(conn: {
        package_versions::table
            .filter(package_versions::package_id.eq(package_id))
            .select(PackageVersion::as_select())
            .load(conn)
            .await?
    });
    versions.sort_by(|a, b| {
        let dev = |v: &PackageVersion| v.stability == "dev";
        dev(a).cmp(&dev(b)).then_with(|| {
            crate::composer::version::compare(&b.version_normalized, &a.version_normalized)
        })
    });
    Ok(versions)
}

/// Packages of the same organization that require this one in any version.
/// Of `found`, the packages the actor sees: lists reached through another object (a
/// package's dependents, a team's packages) must not name packages the actor's teams do
/// not have.
pub async fn visible_to(
    conn: &mut DbConn,
    actor: &Actor,
    organization_id: i64,
    found: Vec<Package>,
) -> Result<Vec<Package>> {
    let scope = access::resolve_by_id(conn, actor, organization_id).await?;
    let mut visible = Vec::with_capacity(found.len());
    for package in found {
        if scope.can_read_package(conn, package.id).await? {
            visible.push(package);
        }
    }
    Ok(visible)
}

pub async fn dependents(conn: &mut DbConn, package: &Package) -> Result<Vec<Package>> {
    let Some(name) = package.name.clone() else {
        return Ok(Vec::new());
    };
    let organization_id = package.organization_id;
    Ok(db_run!(conn: {
        packages::table
            .inner_join(package_requirements::table)
            .filter(packages::organization_id.eq(organization_id))
            .filter(package_requirements::required_name.eq(name))
            .order(packages::name.asc())
            .select(Package::as_select())
            .load(conn)
            .await?
    }))
}
