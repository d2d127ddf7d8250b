//! Reads a VCS package's repository and publishes what it finds: fetch the mirror, turn
//! every tag and branch into a version by Composer's rules, build the dist archives that
//! are missing, store the versions and render the Composer metadata, in one transaction.
//!
//! A ref that cannot become a version is skipped with the reason in the job log; it never
//! fails the others. Refs whose commit did not change since the last run are not read
//! again. If the job fails, the package keeps the versions it had.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::PermanentFailure;
use super::worker::JobContext;
use crate::composer::metadata::{self, ComposerJson, Dist, Source, VersionRecord};
use crate::composer::publish::{self, RepositoryUrls};
use crate::composer::version::{self, parse_stability};
use crate::db::rows::{NewPackageVersion, Organization, Package, PackageVersion};
use crate::db::schema::{organizations, package_requirements, package_versions, packages};
use crate::db::{self, DbConn};
use crate::db_run;
use crate::domain::credentials;
use crate::error::Error;
use crate::vcs::{self, GitRef, Mirror, RefKind};

/// One ref read from the repository, ready to become a version.
struct ScannedVersion {
    git_ref: GitRef,
    pretty: String,
    normalized: String,
    is_default_branch: bool,
    /// `None` when the version is unchanged since the last run and is reused as stored.
    manifest: Option<ComposerJson>,
}

pub async fn run(context: &JobContext, package_id: i64) -> anyhow::Result<()> {
    let state = &context.state;
    let Some((package, organization)) = load(context, package_id).await? else {
        // Removed after the job was queued: there is nothing left to read.
        context
            .log(&format!(
                "package #{package_id} no longer exists: nothing to do"
            ))
            .await?;
        return Ok(());
    };
    if package.kind == "custom" {
        return publish_custom(context, &package, &organization).await;
    }
    if package.kind == "artifact" {
        return publish_artifacts(context, &package, &organization).await;
    }
    let Some(url) = package
        .repository_url
        .clone()
        .filter(|_| package.kind == "vcs")
    else {
        return Err(
            PermanentFailure(format!("package #{package_id} has no source to read")).into(),
        );
    };
    let git_credential = match package.credential_id {
        Some(credential_id) => {
            let mut conn = state.db.get().await?;
            let credential =
                credentials::find_in(&mut conn, organization.id, credential_id).await?;
            Some(credentials::resolve(state, &credential).await?)
        }
        None => None,
    };

    context.progress(5, &format!("fetching {url}")).await?;
    let mirror_path = mirror_path(&state.config, package_id);
    let fetch_path = mirror_path.clone();
    let fetched = tokio::task::spawn_blocking(move || {
        let mirror = Mirror::open_or_init(&fetch_path, &url)?;
        mirror.fetch(git_credential.as_ref(), |_| {})?;
        let counts = vcs::ObjectCounts::of(&fetch_path).ok();
        Ok::<_, vcs::VcsError>((vcs::list_refs(mirror.repo())?, counts))
    })
    .await?;
    let refs = match fetched {
        Ok((refs, counts)) => {
            if counts.is_some_and(|counts| counts.needs_repack()) {
                repack_mirror(context, &mirror_path).await?;
            }
            refs
        }
        Err(error) => {
            // The error says what to fix; the log keeps what libgit2 said, for support.
            context.log(&format!("fetch failed: {error:?}")).await?;
            // An unreachable host may come back; a wrong URL or credential will not.
            return Err(if matches!(error, vcs::VcsError::Unreachable { .. }) {
                anyhow::anyhow!("{error}")
            } else {
                PermanentFailure(error.to_string()).into()
            });
        }
    };

    let existing = stored_versions(context, package_id).await?;
    let total_refs = refs.tags.len() + refs.branches.len();
    context
        .log(&format!(
            "found {} tags and {} branches; default branch {}",
            refs.tags.len(),
            refs.branches.len(),
            refs.default_branch.as_deref().unwrap_or("(none)")
        ))
        .await?;
    context
        .progress(20, &format!("reading refs 0/{total_refs}"))
        .await?;

    let mut scanned = Vec::new();
    let mut seen_normalized = HashSet::new();
    // Other refs may omit `name`: Composer takes the default branch's for every version.
    let mut known_name = package.name.clone();
    let candidates = refs
        .branches
        .iter()
        .map(|r| (r, refs.default_branch.as_deref() == Some(r.name.as_str())))
        // The default branch first: it names the package.
        .sorted_default_first()
        .chain(refs.tags.iter().map(|r| (r, false)));
    for (index, (git_ref, is_default_branch)) in candidates.enumerate() {
        if index % 10 == 0 {
            context
                .progress(
                    20 + (40 * index / total_refs.max(1)) as i32,
                    &format!("reading refs {index}/{total_refs}"),
                )
                .await?;
        }
        let naming = match git_ref.kind {
            RefKind::Tag => version::tag_version(&git_ref.name).map(|v| (v.pretty, v.normalized)),
            RefKind::Branch => {
                version::branch_version(&git_ref.name).map(|v| (v.pretty, v.normalized))
            }
        };
        let Some((pretty, normalized)) = naming else {
            context
                .log(&format!(
                    "skipped {}: not a valid version name",
                    describe(git_ref)
                ))
                .await?;
            continue;
        };
        if git_ref.kind == RefKind::Tag && normalized.ends_with("-dev") {
            context
                .log(&format!(
                    "skipped {}: tags cannot be dev versions",
                    describe(git_ref)
                ))
                .await?;
            continue;
        }
        if !seen_normalized.insert(normalized.clone()) {
            context
                .log(&format!(
                    "skipped {}: another ref already gave version {normalized}",
                    describe(git_ref)
                ))
                .await?;
            continue;
        }
        let unchanged = existing.get(&normalized).is_some_and(|stored| {
            stored.source_reference.as_deref() == Some(git_ref.commit.as_str())
                && stored.is_default_branch == is_default_branch
                && stored.version == pretty
        });
        let manifest = if unchanged {
            None
        } else {
            match read_manifest(&mirror_path, &git_ref.commit, known_name.as_deref()).await {
                Ok(manifest) => {
                    if is_default_branch {
                        known_name = Some(manifest.name().to_owned());
                    }
                    Some(manifest)
                }
                Err(reason) => {
                    context
                        .log(&format!("skipped {}: {reason}", describe(git_ref)))
                        .await?;
                    seen_normalized.remove(&normalized);
                    continue;
                }
            }
        };
        if let (RefKind::Tag, Some(manifest)) = (git_ref.kind, &manifest)
            && let Some(declared) = manifest.version_field()
            && !version::version_field_matches(
                &version::TagVersion {
                    pretty: pretty.clone(),
                    normalized: normalized.clone(),
                },
                declared,
            )
        {
            context
                .log(&format!(
                    "skipped {}: composer.json declares version {declared}",
                    describe(git_ref)
                ))
                .await?;
            seen_normalized.remove(&normalized);
            continue;
        }
        scanned.push(ScannedVersion {
            git_ref: git_ref.clone(),
            pretty,
            normalized,
            is_default_branch,
            manifest,
        });
    }

    let package_name = package_name(&package, &scanned)?;
    context.progress(60, "building dist archives").await?;
    let urls = RepositoryUrls::new(&state.config);
    let mut rows = Vec::with_capacity(scanned.len());
    for (index, version) in scanned.iter().enumerate() {
        if index % 5 == 0 {
            let percent = 60 + (30 * index / scanned.len().max(1)) as i32;
            context
                .progress(
                    percent,
                    &format!("building dist archives {index}/{}", scanned.len()),
                )
                .await?;
        }
        rows.push(
            version_row(
                context,
                &urls,
                &organization,
                &package,
                &package_name,
                &mirror_path,
                version,
                &existing,
            )
            .await?,
        );
    }

    publish(
        context,
        &organization,
        &package,
        &package_name,
        rows,
        refs.default_branch.clone(),
    )
    .await
}

/// Compacts a mirror that collected many packs (one per fetch), before its versions are
/// read. A failed or impossible repack is logged and changes nothing else.
async fn repack_mirror(context: &JobContext, mirror_path: &std::path::Path) -> anyhow::Result<()> {
    context.progress(15, "repacking the git mirror").await?;
    let path = mirror_path.to_owned();
    let line = match tokio::task::spawn_blocking(move || vcs::repack(&path)).await? {
        vcs::Repack::Done { before, after } => format!(
            "repacked the git mirror: {} packs and {} loose objects became {} and {}",
            before.packs, before.loose_objects, after.packs, after.loose_objects
        ),
        vcs::Repack::GitMissing => {
            "the git mirror has many packs, but git is not installed to repack it".to_owned()
        }
        vcs::Repack::Failed(reason) => format!("repacking the git mirror failed: {reason}"),
    };
    context.log(&line).await?;
    Ok(())
}

/// An artifact package's versions are its attached archives, served as uploaded.
async fn publish_artifacts(
    context: &JobContext,
    package: &Package,
    organization: &Organization,
) -> anyhow::Result<()> {
    context.progress(30, "reading the archives").await?;
    let mut conn = context.state.db.get().await?;
    let archives = crate::domain::artifacts::list(&mut conn, package).await?;
    drop(conn);
    let package_name = package.name.clone().unwrap_or_default();
    if archives.is_empty() {
        return Err(PermanentFailure(format!("{package_name} has no artifacts")).into());
    }
    let urls = RepositoryUrls::new(&context.state.config);
    let now = db::now();
    let mut rows = Vec::with_capacity(archives.len());
    for archive in &archives {
        let manifest = metadata::validate_composer_json(archive.manifest.as_bytes())
            .map_err(|error| PermanentFailure(format!("{}: {error}", archive.file_name)))?;
        let normalized = version::normalize(&archive.version)
            .map_err(|error| PermanentFailure(format!("{}: {error}", archive.file_name)))?;
        let record = VersionRecord {
            name: package_name.clone(),
            version: archive.version.clone(),
            version_normalized: normalized.clone(),
            time: archive.created_at.and_utc(),
            manifest,
            source: None,
            dist: Some(Dist {
                url: urls.dist(organization, &package_name, &archive.sha1),
                reference: archive.sha1.clone(),
                shasum: archive.sha1.clone(),
            }),
            default_branch: false,
        };
        rows.push(NewPackageVersion {
            package_id: package.id,
            version: archive.version.clone(),
            stability: parse_stability(&normalized).as_str().to_owned(),
            version_normalized: normalized,
            ref_name: Some(archive.file_name.clone()),
            source_reference: None,
            dist_reference: Some(archive.sha1.clone()),
            dist_sha1: Some(archive.sha1.clone()),
            released_at: archive.created_at,
            is_default_branch: false,
            data: serde_json::to_string(&metadata::version_object(&record)?)?,
            created_at: now,
            updated_at: now,
        });
    }
    publish(context, organization, package, &package_name, rows, None).await
}

/// A custom package's versions come from its stored definition, published as written.
async fn publish_custom(
    context: &JobContext,
    package: &Package,
    organization: &Organization,
) -> anyhow::Result<()> {
    context.progress(30, "reading the definition").await?;
    let definition = package.definition.as_deref().unwrap_or_default();
    let versions = crate::composer::custom::parse_definition(definition)
        .map_err(|error| PermanentFailure(format!("invalid definition: {error}")))?;
    let now = db::now();
    let package_name = versions[0].name.clone();
    let rows = versions
        .into_iter()
        .map(|version| {
            Ok(NewPackageVersion {
                package_id: package.id,
                version: version.version,
                version_normalized: version.version_normalized,
                stability: version.stability,
                ref_name: None,
                source_reference: version.source_reference,
                dist_reference: version.dist_reference,
                dist_sha1: version.dist_shasum,
                released_at: version.released_at.map_or(now, |at| at.naive_utc()),
                is_default_branch: false,
                data: serde_json::to_string(&version.data)?,
                created_at: now,
                updated_at: now,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    publish(context, organization, package, &package_name, rows, None).await
}

/// Stores the versions and renders the metadata, in one transaction. A name clash is
/// permanent: retrying cannot resolve it.
async fn publish(
    context: &JobContext,
    organization: &Organization,
    package: &Package,
    package_name: &str,
    rows: Vec<NewPackageVersion>,
    default_branch: Option<String>,
) -> anyhow::Result<()> {
    context.progress(90, "publishing").await?;
    let urls = RepositoryUrls::new(&context.state.config);
    let description = summary_of(&rows);
    let requirements: HashSet<String> =
        rows.iter().flat_map(|row| requires_of(&row.data)).collect();
    let published = context
        .state
        .db
        .transaction(async |conn| {
            save(
                conn,
                &urls,
                organization,
                package,
                package_name,
                rows,
                description,
                requirements,
                default_branch,
            )
            .await
        })
        .await;
    match published {
        Ok(count) => {
            context
                .progress(
                    100,
                    &format!("published {count} versions of {package_name}"),
                )
                .await?;
            Ok(())
        }
        Err(Error::Conflict { message, .. }) => Err(PermanentFailure(message).into()),
        Err(Error::NotFound(_)) => {
            context
                .log("the package was removed while it was read: nothing was published")
                .await?;
            Ok(())
        }
        Err(other) => Err(other.into()),
    }
}

trait DefaultFirst<'a>: Iterator<Item = (&'a GitRef, bool)> + Sized {
    fn sorted_default_first(self) -> std::vec::IntoIter<(&'a GitRef, bool)> {
        let mut refs: Vec<_> = self.collect();
        refs.sort_by_key(|(_, is_default)| !is_default);
        refs.into_iter()
    }
}

impl<'a, I: Iterator<Item = (&'a GitRef, bool)>> DefaultFirst<'a> for I {}

fn describe(git_ref: &GitRef) -> String {
    match git_ref.kind {
        RefKind::Tag => format!("tag {}", git_ref.name),
        RefKind::Branch => format!("branch {}", git_ref.name),
    }
}

async fn load(
    context: &JobContext,
    package_id: i64,
) -> anyhow::Result<Option<(Package, Organization)>> {
    let mut conn = context.state.db.get().await?;
    let found: Option<(Package, Organization)> = db_run!(conn: {
        packages::table
            .inner_join(organizations::table)
            .filter(packages::id.eq(package_id))
            .select((Package::as_select(), Organization::as_select()))
            .first(conn)
            .await
            .optional()?
    });
    Ok(found)
}

async fn stored_versions(
    context: &JobContext,
    package_id: i64,
) -> anyhow::Result<HashMap<String, PackageVersion>> {
    let mut conn = context.state.db.get().await?;
    let rows: Vec<PackageVersion> = db_run!(conn: {
        package_versions::table
            .filter(package_versions::package_id.eq(package_id))
            .select(PackageVersion::as_select())
            .load(conn)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(|row| (row.version_normalized.clone(), row))
        .collect())
}

/// Description and type of the package: those of its default branch (else its first
/// version) as published, whether that version was read now or reused.
fn summary_of(rows: &[NewPackageVersion]) -> Option<(Option<String>, Option<String>)> {
    let row = rows
        .iter()
        .find(|row| row.is_default_branch)
        .or_else(|| rows.iter().next())?;
    let data: serde_json::Value = serde_json::from_str(&row.data).ok()?;
    let text = |key: &str| data.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    Some((text("description"), text("type")))
}

/// Package names a published version requires; platform requirements (`php`, `ext-*`)
/// have no vendor and are left out.
fn requires_of(data: &str) -> Vec<String> {
    serde_json::from_str::<serde_json::Value>(data)
        .ok()
        .and_then(|data| {
            data.get("require")
                .and_then(|r| r.as_object())
                .map(|r| r.keys().cloned().collect())
        })
        .map(|names: Vec<String>| {
            names
                .into_iter()
                .filter(|name| name.contains('/'))
                .collect()
        })
        .unwrap_or_default()
}

async fn read_manifest(
    mirror_path: &std::path::Path,
    commit: &str,
    package_name: Option<&str>,
) -> Result<ComposerJson, String> {
    let path = mirror_path.to_owned();
    let commit = commit.to_owned();
    let bytes = tokio::task::spawn_blocking(move || {
        let mirror = Mirror::open(&path)?;
        vcs::read_file_at(mirror.repo(), &commit, "composer.json")
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?
    .ok_or_else(|| "no composer.json".to_owned())?;
    let bytes = with_name(bytes, package_name);
    metadata::validate_composer_json(&bytes)
        .map_err(|error| format!("invalid composer.json: {error}"))
}

/// A manifest without `name` gets the package's, as Composer gives it for every ref.
fn with_name(bytes: Vec<u8>, package_name: Option<&str>) -> Vec<u8> {
    let Some(name) = package_name else {
        return bytes;
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut object)) if !object.contains_key("name") => {
            object.insert("name".into(), name.into());
            serde_json::to_vec(&object).unwrap_or(bytes)
        }
        _ => bytes,
    }
}

/// The package is named by its default branch (Composer's rule), else by the newest
/// readable version; a package read before keeps its name.
fn package_name(package: &Package, scanned: &[ScannedVersion]) -> anyhow::Result<String> {
    let from_manifest = scanned
        .iter()
        .find(|v| v.is_default_branch && v.manifest.is_some())
        .or_else(|| scanned.iter().find(|v| v.manifest.is_some()))
        .and_then(|v| v.manifest.as_ref())
        .map(|m| m.name().to_owned());
    match (from_manifest, &package.name) {
        (Some(name), _) => Ok(name),
        (None, Some(known)) if !scanned.is_empty() => Ok(known.clone()),
        _ => Err(PermanentFailure(
            "no branch or tag of the repository has a valid composer.json".into(),
        )
        .into()),
    }
}

#[allow(clippy::too_many_arguments)]
async fn version_row(
    context: &JobContext,
    urls: &RepositoryUrls,
    organization: &Organization,
    package: &Package,
    package_name: &str,
    mirror_path: &std::path::Path,
    version: &ScannedVersion,
    existing: &HashMap<String, PackageVersion>,
) -> anyhow::Result<NewPackageVersion> {
    let now = db::now();
    let commit = &version.git_ref.commit;
    let stored = existing.get(&version.normalized);
    let Some(manifest) = &version.manifest else {
        // Unchanged since the last run: keep what was published.
        let stored = stored.expect("unchanged versions are stored");
        return Ok(NewPackageVersion {
            package_id: package.id,
            version: stored.version.clone(),
            version_normalized: stored.version_normalized.clone(),
            stability: stored.stability.clone(),
            ref_name: stored.ref_name.clone(),
            source_reference: stored.source_reference.clone(),
            dist_reference: stored.dist_reference.clone(),
            dist_sha1: stored.dist_sha1.clone(),
            released_at: stored.released_at,
            is_default_branch: stored.is_default_branch,
            data: stored.data.clone(),
            created_at: stored.created_at,
            updated_at: now,
        });
    };
    let sha1 = dist_archive(context, package, package_name, mirror_path, commit).await?;
    let record = VersionRecord {
        name: package_name.to_owned(),
        version: version.pretty.clone(),
        version_normalized: version.normalized.clone(),
        time: version.git_ref.committed_at,
        manifest: manifest.clone(),
        source: Some(Source {
            url: package.repository_url.clone().unwrap_or_default(),
            reference: commit.clone(),
        }),
        dist: Some(Dist {
            url: urls.dist(organization, package_name, commit),
            reference: commit.clone(),
            shasum: sha1.clone(),
        }),
        default_branch: version.is_default_branch,
    };
    let data = serde_json::to_string(&metadata::version_object(&record)?)?;
    Ok(NewPackageVersion {
        package_id: package.id,
        version: version.pretty.clone(),
        version_normalized: version.normalized.clone(),
        stability: parse_stability(&version.normalized).as_str().to_owned(),
        ref_name: Some(version.git_ref.name.clone()),
        source_reference: Some(commit.clone()),
        dist_reference: Some(commit.clone()),
        dist_sha1: Some(sha1),
        released_at: version.git_ref.committed_at.naive_utc(),
        is_default_branch: version.is_default_branch,
        data,
        created_at: stored.map_or(now, |s| s.created_at),
        updated_at: now,
    })
}

/// Where a VCS package's bare mirror lives: the data directory, not the blob store, as
/// libgit2 needs a real directory.
pub fn mirror_path(config: &crate::config::Config, package_id: i64) -> std::path::PathBuf {
    config
        .data_dir
        .join("mirrors")
        .join(format!("{package_id}.git"))
}

pub fn dist_key(package_id: i64, reference: &str) -> String {
    format!("{}/{reference}.zip", dists_prefix(package_id))
}

/// Every dist archive built for the package is under this key prefix.
pub fn dists_prefix(package_id: i64) -> String {
    format!("dists/{package_id}")
}

/// Builds the archive of `commit` once and stores it; later runs reuse the stored bytes
/// (and so their sha1, which lock files have recorded).
async fn dist_archive(
    context: &JobContext,
    package: &Package,
    package_name: &str,
    mirror_path: &std::path::Path,
    commit: &str,
) -> anyhow::Result<String> {
    let key = dist_key(package.id, commit);
    let blobs = &context.state.blobs;
    if let Some((mut file, _)) = blobs.open(&key).await? {
        use sha1::Digest;
        use tokio::io::AsyncReadExt;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).await?;
        return Ok(hex::encode(sha1::Sha1::digest(&bytes)));
    }
    let folder = format!(
        "{}-{}",
        package_name.replace('/', "-"),
        &commit[..commit.len().min(7)]
    );
    let path = mirror_path.to_owned();
    let commit = commit.to_owned();
    let archive = tokio::task::spawn_blocking(move || {
        let mirror = Mirror::open(&path)?;
        vcs::build_zip(mirror.repo(), &commit, &folder)
    })
    .await?
    .map_err(|error| anyhow::anyhow!("{error}"))?;
    for skipped in &archive.skipped {
        context
            .log(&format!(
                "dist of {package_name}: left out {} ({:?})",
                skipped.path, skipped.reason
            ))
            .await?;
    }
    blobs.put(&key, &archive.bytes).await?;
    Ok(archive.sha1)
}

#[allow(clippy::too_many_arguments)]
async fn save(
    conn: &mut DbConn,
    urls: &RepositoryUrls,
    organization: &Organization,
    package: &Package,
    package_name: &str,
    rows: Vec<NewPackageVersion>,
    description: Option<(Option<String>, Option<String>)>,
    requirements: HashSet<String>,
    default_branch: Option<String>,
) -> crate::error::Result<usize> {
    let package_id = package.id;
    let organization_id = organization.id;
    // The package may have been removed while its source was read, and on SQLite its id
    // handed to a new package: publish only onto the very row that was read.
    let created_at = package.created_at;
    let unchanged: i64 = db_run!(conn: {
        packages::table
            .filter(packages::id.eq(package_id))
            .filter(packages::created_at.eq(created_at))
            .count()
            .get_result(conn)
            .await?
    });
    if unchanged == 0 {
        return Err(Error::NotFound("package"));
    }
    let taken: i64 = db_run!(conn: {
        packages::table
            .filter(packages::organization_id.eq(organization_id))
            .filter(packages::name.eq(package_name))
            .filter(packages::id.ne(package_id))
            .count()
            .get_result(conn)
            .await?
    });
    if taken > 0 {
        return Err(Error::conflict(
            "name",
            format!("another package of this organization is already named {package_name}"),
        ));
    }
    if let Some(previous) = package
        .name
        .as_deref()
        .filter(|previous| *previous != package_name)
    {
        publish::remove_package(conn, urls, organization, previous).await?;
    }
    let (description, package_type) = description.unwrap_or_default();
    let now = db::now();
    let keep: Vec<String> = rows
        .iter()
        .map(|row| row.version_normalized.clone())
        .collect();
    let before: Vec<(String, String, String)> = db_run!(conn: {
        package_versions::table
            .filter(package_versions::package_id.eq(package_id))
            .select((package_versions::version_normalized, package_versions::version, package_versions::data))
            .load(conn)
            .await?
    });
    db_run!(conn: {
        diesel::update(packages::table.find(package_id))
            .set((
                packages::name.eq(package_name),
                packages::description.eq(&description),
                packages::package_type.eq(&package_type),
                packages::default_branch.eq(&default_branch),
                packages::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        diesel::delete(
            package_versions::table
                .filter(package_versions::package_id.eq(package_id))
                .filter(package_versions::version_normalized.ne_all(&keep)),
        )
        .execute(conn)
        .await?;
        for row in &rows {
            diesel::insert_into(package_versions::table)
                .values(row)
                .on_conflict((package_versions::package_id, package_versions::version_normalized))
                .do_update()
                .set(row)
                .execute(conn)
                .await?;
        }
        diesel::delete(package_requirements::table.filter(package_requirements::package_id.eq(package_id)))
            .execute(conn)
            .await?;
        for name in &requirements {
            diesel::insert_into(package_requirements::table)
                .values((
                    package_requirements::package_id.eq(package_id),
                    package_requirements::required_name.eq(name),
                ))
                .execute(conn)
                .await?;
        }
    });
    let versions: Vec<PackageVersion> = db_run!(conn: {
        package_versions::table
            .filter(package_versions::package_id.eq(package_id))
            .select(PackageVersion::as_select())
            .load(conn)
            .await?
    });
    // A package is new to its subscribers the first time its metadata is published,
    // whether or not it had a name before (custom packages have one from the start).
    let first_publication =
        publish::find(conn, organization_id, &publish::tagged_path(package_name))
            .await?
            .is_none();
    publish::publish_package(conn, urls, organization, package_name, &versions).await?;
    let change = Change {
        first_publication,
        before: &before,
        after: &versions,
    };
    announce_changes(conn, organization, package, package_name, change).await?;
    Ok(versions.len())
}

/// What a run changed: the versions before (normalized, pretty, data) and after.
struct Change<'a> {
    first_publication: bool,
    before: &'a [(String, String, String)],
    after: &'a [PackageVersion],
}

/// Outgoing webhook events for what this run changed, queued in its transaction.
async fn announce_changes(
    conn: &mut DbConn,
    organization: &Organization,
    package: &Package,
    package_name: &str,
    change: Change<'_>,
) -> crate::error::Result<()> {
    use crate::domain::webhooks::{self, Event};
    let Change {
        first_publication,
        before,
        after,
    } = change;
    let previous: HashMap<&str, (&str, &str)> = before
        .iter()
        .map(|(normalized, pretty, data)| (normalized.as_str(), (pretty.as_str(), data.as_str())))
        .collect();
    let current: HashSet<&str> = after
        .iter()
        .map(|version| version.version_normalized.as_str())
        .collect();
    let added: Vec<&PackageVersion> = after
        .iter()
        .filter(|version| !previous.contains_key(version.version_normalized.as_str()))
        .collect();
    let removed: Vec<(&str, &str)> = before
        .iter()
        .filter(|(normalized, _, _)| !current.contains(normalized.as_str()))
        .map(|(normalized, pretty, _)| (normalized.as_str(), pretty.as_str()))
        .collect();
    let changed = after.iter().any(|version| {
        previous
            .get(version.version_normalized.as_str())
            .is_some_and(|(_, data)| *data != version.data)
    });
    let package_details = serde_json::json!({
        "id": package.id.to_string(),
        "name": package_name,
        "repositoryUrl": package.repository_url,
    });
    let version_details = |pretty: &str, normalized: &str| {
        serde_json::json!({
            "package": package_details,
            "version": { "version": pretty, "versionNormalized": normalized },
        })
    };
    if first_publication {
        webhooks::emit(
            conn,
            organization,
            Event::PackageCreated,
            serde_json::json!({ "package": package_details }),
        )
        .await?;
    } else if !added.is_empty() || !removed.is_empty() || changed {
        webhooks::emit(
            conn,
            organization,
            Event::PackageUpdated,
            serde_json::json!({
                "package": package_details,
                "versions": {
                    "added": added.iter().map(|v| v.version.as_str()).collect::<Vec<_>>(),
                    "removed": removed.iter().map(|(_, pretty)| *pretty).collect::<Vec<_>>(),
                },
            }),
        )
        .await?;
    }
    for version in added {
        let details = version_details(&version.version, &version.version_normalized);
        webhooks::emit(conn, organization, Event::VersionAdded, details).await?;
    }
    for (normalized, pretty) in removed {
        let details = version_details(pretty, normalized);
        webhooks::emit(conn, organization, Event::VersionRemoved, details).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::rows::{NewOrganization, NewPackage};
    use crate::db::{DatabaseUrl, Db};

    fn new_package<'a>(
        organization_id: i64,
        name: &'a str,
        at: chrono::NaiveDateTime,
    ) -> NewPackage<'a> {
        NewPackage {
            organization_id,
            name: Some(name),
            kind: "custom",
            repository_url: None,
            repository_key: None,
            credential_id: None,
            definition: None,
            created_at: at,
            updated_at: at,
            synchronization_id: None,
        }
    }

    /// SQLite gives the id of a removed package to the next one; a job that read the
    /// removed package must not publish onto its successor.
    #[tokio::test]
    async fn a_removed_package_is_not_published_onto_a_successor_with_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&DatabaseUrl::Sqlite(dir.path().join("t.db")), 2)
            .await
            .unwrap();
        let mut conn = db.get().await.unwrap();
        let now = db::now();
        let organization = db_run!(conn: {
            diesel::insert_into(organizations::table)
                .values(&NewOrganization { name: "Acme", url_name: "acme", created_at: now, parent_id: None })
                .returning(Organization::as_returning())
                .get_result(conn)
                .await
                .unwrap()
        });
        let read = crate::domain::packages::insert(
            &mut conn,
            &new_package(organization.id, "acme/old", now),
        )
        .await
        .unwrap();
        db_run!(conn: {
            diesel::delete(packages::table.find(read.id)).execute(conn).await.unwrap();
        });
        let later = now + chrono::TimeDelta::seconds(1);
        let successor = crate::domain::packages::insert(
            &mut conn,
            &new_package(organization.id, "acme/new", later),
        )
        .await
        .unwrap();
        assert_eq!(successor.id, read.id, "SQLite reuses the id");

        let urls = RepositoryUrls {
            public_url: "http://localhost".into(),
        };
        let outcome = save(
            &mut conn,
            &urls,
            &organization,
            &read,
            "acme/old",
            Vec::new(),
            None,
            HashSet::new(),
            None,
        )
        .await;
        assert!(matches!(outcome, Err(Error::NotFound(_))), "{outcome:?}");
        let name: Option<String> = db_run!(conn: {
            packages::table.find(successor.id).select(packages::name).first(conn).await.unwrap()
        });
        assert_eq!(name.as_deref(), Some("acme/new"));
    }
}
