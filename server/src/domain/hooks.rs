//! Inbound webhooks: which packages a delivery names, who may ask for their update, the
//! update jobs and the delivery log. The HTTP side (`api::update_package`) only reads
//! credentials and the body; the payload itself is parsed by the pure `webhooks` core.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::Actor;
use crate::db::rows::{HookDelivery, Job, NewHookDelivery, Package};
use crate::db::schema::{hook_deliveries, packages};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::{access, packages as package_domain};
use crate::error::{Error, Result};
use crate::jobs::Jobs;
use crate::webhooks::{self, Event, EventKind};

/// The key a package's repository URL is stored and looked up under: the normalized
/// remote URL ([`webhooks::repository_key`]), or for a local repository (allowed only
/// when the operator turns it on) its path, so that a hook can name it too.
pub fn key_of(url: &str) -> Option<String> {
    if let Some(key) = webhooks::repository_key(url) {
        return Some(key);
    }
    let path = url.trim().strip_prefix("file://").unwrap_or(url.trim());
    if !path.starts_with('/') {
        return None;
    }
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    Some(format!("file:{path}"))
}

/// Computes the key of VCS packages stored before keys existed (or after the rules of
/// [`key_of`] changed and a migration cleared them). Runs at start; a no-op afterwards.
pub async fn backfill_repository_keys(db: &Db) -> Result<usize> {
    let mut conn = db.get().await?;
    let missing: Vec<(i64, Option<String>)> = db_run!(conn: {
        packages::table
            .filter(packages::kind.eq("vcs"))
            .filter(packages::repository_key.is_null())
            .select((packages::id, packages::repository_url))
            .load(conn)
            .await?
    });
    let mut filled = 0;
    for (id, url) in missing {
        let Some(key) = url.as_deref().and_then(key_of) else {
            continue;
        };
        db_run!(conn: {
            diesel::update(packages::table.find(id))
                .set(packages::repository_key.eq(&key))
                .execute(conn)
                .await?;
        });
        filled += 1;
    }
    Ok(filled)
}

/// What a delivery asks for, beyond its payload: Packagist's `composer_package_name`
/// and `/api/update-package/<vendor>/<name>` name packages directly.
pub enum Target<'a> {
    Payload(&'a Event),
    Names(Vec<String>),
}

/// The answer to a delivery that caused work.
#[derive(Debug)]
pub struct Receipt {
    pub jobs: Vec<(Package, Job)>,
}

/// Short name of the event for the log.
pub fn event_name(event: &Event) -> &'static str {
    match event.kind {
        EventKind::Push => "push",
        EventKind::Ping => "ping",
        EventKind::SubscriptionConfirmation { .. } => "subscription_confirmation",
        EventKind::Moved { .. } => "moved",
        EventKind::Ignored(_) => "ignored",
    }
}

/// Who a delivery comes from, which decides the packages it may update.
#[derive(Clone, Copy)]
pub enum Caller<'a> {
    /// Credentials in Packagist's form: a user's API token or an UPDATE organization
    /// token. The packages they may update, in any organization.
    Actor(&'a Actor),
    /// A delivery to an organization's hook URL that proved to know its secret: that
    /// organization's packages (not its suborganizations', which have their own URL).
    OrganizationHook { organization_id: i64 },
}

/// A delivery that names packages: enqueues one update per package the caller may update
/// (joining a waiting one, so that a burst of pushes makes one job) and logs it per
/// package, in one transaction. A moved repository's packages are repointed to its new
/// URL first. Nothing the caller may update → `NOT_FOUND` (logged too); whoever cannot
/// update a package does not learn that it exists.
pub async fn update_packages(
    db: &Db,
    jobs_handle: &Jobs,
    caller: Caller<'_>,
    provider: &str,
    target: Target<'_>,
) -> Result<Receipt> {
    let event = match &target {
        Target::Payload(event) => event_name(event),
        Target::Names(_) => "update",
    };
    let (keys, moved) = match &target {
        Target::Payload(event) => {
            let keys = keys_of(&event.repository_urls);
            if keys.is_empty() {
                event.require_repository_keys()?;
            }
            let moved = match &event.kind {
                EventKind::Moved { previous_urls } => Some(Move::of(event, previous_urls, &keys)),
                _ => None,
            };
            (keys, moved)
        }
        Target::Names(_) => (Vec::new(), None),
    };
    let system = Actor::System;
    let actor = match caller {
        Caller::Actor(actor) => actor,
        Caller::OrganizationHook { .. } => &system,
    };
    // Two deliveries for one package at once may both find no waiting job; the unique
    // index on waiting dedupe keys then refuses the second, which retries and joins.
    let mut attempt = 0;
    let receipt = loop {
        attempt += 1;
        let result = db
            .transaction(async |conn| {
                let candidates = match (&target, &moved) {
                    (Target::Payload(_), Some(moved)) => {
                        by_keys(conn, &[keys.clone(), moved.previous_keys.clone()].concat()).await?
                    }
                    (Target::Payload(_), None) => by_keys(conn, &keys).await?,
                    (Target::Names(names), _) => by_names(conn, names).await?,
                };
                let mut jobs = Vec::new();
                for mut package in candidates {
                    if !may_update(conn, caller, &package).await? {
                        continue;
                    }
                    if let Some(moved) = &moved {
                        moved.repoint(conn, &mut package).await?;
                    }
                    let job = package_domain::enqueue_update(conn, actor, &package).await?;
                    log(
                        conn,
                        NewHookDelivery {
                            organization_id: Some(package.organization_id),
                            package_id: Some(package.id),
                            provider,
                            event,
                            outcome: "queued",
                            status_code: 202,
                            message: None,
                            job_id: Some(job.id),
                            created_at: db::now(),
                        },
                    )
                    .await?;
                    jobs.push((package, job));
                }
                Ok(Receipt { jobs })
            })
            .await;
        match result {
            Err(Error::Conflict { .. }) if attempt < 5 => continue,
            other => break other?,
        }
    };
    if receipt.jobs.is_empty() {
        let message = "no package you may update matches this repository";
        let organization_id = match caller {
            Caller::OrganizationHook { organization_id } => Some(organization_id),
            Caller::Actor(_) => None,
        };
        record(
            db,
            organization_id,
            None,
            provider,
            event,
            "no_match",
            404,
            Some(message),
        )
        .await?;
        return Err(Error::NotFound("package"));
    }
    for (_, job) in &receipt.jobs {
        jobs_handle.enqueued(db, job).await?;
    }
    Ok(receipt)
}

/// The distinct [`key_of`]s of URLs (local paths included, unlike
/// [`Event::repository_keys`]).
fn keys_of(urls: &[String]) -> Vec<String> {
    urls.iter()
        .filter_map(|url| key_of(url))
        .fold(Vec::new(), |mut keys, key| {
            if !keys.contains(&key) {
                keys.push(key);
            }
            keys
        })
}

/// A renamed or transferred repository: packages stored under a previous key follow it,
/// so that later pushes (which name only the new URLs) still find them.
struct Move {
    previous_keys: Vec<String>,
    new_key: Option<String>,
    /// The new `owner/name` path as the host spells it (case kept).
    new_path: Option<String>,
}

impl Move {
    fn of(event: &Event, previous_urls: &[String], new_keys: &[String]) -> Move {
        Move {
            previous_keys: keys_of(previous_urls),
            new_key: new_keys.first().cloned(),
            new_path: event.repository_urls.iter().find_map(|url| web_path(url)),
        }
    }

    async fn repoint(&self, conn: &mut DbConn, package: &mut Package) -> Result<()> {
        let (Some(stored), Some(stored_key)) = (&package.repository_url, &package.repository_key)
        else {
            return Ok(());
        };
        if !self.previous_keys.contains(stored_key) {
            return Ok(());
        }
        let (Some(new_key), Some(new_path)) = (&self.new_key, &self.new_path) else {
            return Ok(());
        };
        let Some(url) = repointed_url(stored, stored_key, new_path)
            .filter(|url| key_of(url).as_deref() == Some(new_key.as_str()))
        else {
            return Ok(());
        };
        let id = package.id;
        db_run!(conn: {
            diesel::update(packages::table.find(id))
                .set((
                    packages::repository_url.eq(&url),
                    packages::repository_key.eq(new_key),
                ))
                .execute(conn)
                .await?;
        });
        package.repository_url = Some(url);
        package.repository_key = Some(new_key.clone());
        Ok(())
    }
}

/// `owner/name` of an http(s) URL, without a trailing `.git` or slash.
fn web_path(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    let path = parsed.path().trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    (path.contains('/')).then(|| path.to_owned())
}

/// The stored URL with the repository's old path replaced by the new one, keeping its
/// form (ssh or https, user info, port, `.git`): the credential that reads it still fits.
pub(crate) fn repointed_url(stored: &str, stored_key: &str, new_path: &str) -> Option<String> {
    let (_, old_path) = stored_key.split_once('/')?;
    let position = stored.to_ascii_lowercase().rfind(old_path)?;
    let mut url = String::with_capacity(stored.len() + new_path.len());
    url.push_str(&stored[..position]);
    url.push_str(new_path);
    url.push_str(&stored[position + old_path.len()..]);
    Some(url)
}

async fn may_update(conn: &mut DbConn, caller: Caller<'_>, package: &Package) -> Result<bool> {
    let actor = match caller {
        Caller::OrganizationHook { organization_id } => {
            return Ok(package.organization_id == organization_id);
        }
        Caller::Actor(actor) => actor,
    };
    match access::resolve_by_id(conn, actor, package.organization_id).await {
        Ok(scope) => scope.can_update_package(conn, package.id).await,
        Err(Error::NotFound(_) | Error::Forbidden(_)) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Packages stored under one of the keys: an index lookup, never a scan.
async fn by_keys(conn: &mut DbConn, keys: &[String]) -> Result<Vec<Package>> {
    Ok(db_run!(conn: {
        packages::table
            .filter(packages::repository_key.eq_any(keys))
            .order(packages::id)
            .select(Package::as_select())
            .load(conn)
            .await?
    }))
}

async fn by_names(conn: &mut DbConn, names: &[String]) -> Result<Vec<Package>> {
    let names: Vec<String> = names
        .iter()
        .map(|name| name.trim().to_lowercase())
        .collect();
    Ok(db_run!(conn: {
        packages::table
            .filter(packages::name.eq_any(&names))
            .order(packages::id)
            .select(Package::as_select())
            .load(conn)
            .await?
    }))
}

async fn log(conn: &mut DbConn, row: NewHookDelivery<'_>) -> Result<()> {
    db_run!(conn: {
        diesel::insert_into(hook_deliveries::table)
            .values(&row)
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Logs a delivery that caused no work (a ping, an ignored event, no match).
#[allow(clippy::too_many_arguments)]
pub async fn record(
    db: &Db,
    organization_id: Option<i64>,
    package_id: Option<i64>,
    provider: &str,
    event: &str,
    outcome: &str,
    status_code: i32,
    message: Option<&str>,
) -> Result<()> {
    let mut conn = db.get().await?;
    log(
        &mut conn,
        NewHookDelivery {
            organization_id,
            package_id,
            provider,
            event,
            outcome,
            status_code,
            message,
            job_id: None,
            created_at: db::now(),
        },
    )
    .await
}

/// The package's latest deliveries, newest first.
pub async fn deliveries_of(
    conn: &mut DbConn,
    package_id: i64,
    limit: i64,
) -> Result<Vec<HookDelivery>> {
    Ok(db_run!(conn: {
        hook_deliveries::table
            .filter(hook_deliveries::package_id.eq(package_id))
            .order(hook_deliveries::id.desc())
            .limit(limit)
            .select(HookDelivery::as_select())
            .load(conn)
            .await?
    }))
}

#[cfg(test)]
mod tests {
    use super::{key_of, repointed_url};

    /// A renamed repository keeps the stored URL's form, so its credential still fits.
    #[test]
    fn a_moved_repository_keeps_the_form_of_the_stored_url() {
        let cases = [
            (
                "git@github.com:Codertocat/Hello-World.git",
                "Codertocat/Hello-Moon",
                "git@github.com:Codertocat/Hello-Moon.git",
            ),
            (
                "https://github.com/codertocat/hello-world",
                "Octocat/Hello-World",
                "https://github.com/Octocat/Hello-World",
            ),
            (
                "ssh://git@gitlab.example.com:2222/flightjs/flight.git",
                "jsflight/flight",
                "ssh://git@gitlab.example.com:2222/jsflight/flight.git",
            ),
            (
                "https://ci:secret@github.com/Codertocat/Hello-World.git",
                "Codertocat/Renamed",
                "https://ci:secret@github.com/Codertocat/Renamed.git",
            ),
        ];
        for (stored, new_path, expected) in cases {
            let key = key_of(stored).unwrap();
            assert_eq!(
                repointed_url(stored, &key, new_path).as_deref(),
                Some(expected),
                "{stored}"
            );
        }
    }

    #[test]
    fn a_url_without_the_old_path_is_not_rewritten() {
        assert_eq!(
            repointed_url("https://github.com/a/b.git", "github.com/other/repo", "x/y"),
            None
        );
    }
}
