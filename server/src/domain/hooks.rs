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

/// A delivery that names packages: enqueues one update per package the actor may update
/// (joining a waiting one, so that a burst of pushes makes one job) and logs it per
/// package, in one transaction. Nothing the actor may update → `NOT_FOUND` (logged too).
/// The actor is a user (personal API token) or an UPDATE organization token; whoever
/// cannot update a package does not learn that it exists.
pub async fn update_packages(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    provider: &str,
    target: Target<'_>,
) -> Result<Receipt> {
    let event = match &target {
        Target::Payload(event) => event_name(event),
        Target::Names(_) => "update",
    };
    let keys: Vec<String> = match &target {
        Target::Payload(event) => {
            let keys: Vec<String> = event
                .repository_urls
                .iter()
                .filter_map(|url| key_of(url))
                .fold(Vec::new(), |mut keys, key| {
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                    keys
                });
            if keys.is_empty() {
                event.require_repository_keys()?;
            }
            keys
        }
        Target::Names(_) => Vec::new(),
    };
    // Two deliveries for one package at once may both find no waiting job; the unique
    // index on waiting dedupe keys then refuses the second, which retries and joins.
    let mut attempt = 0;
    let receipt = loop {
        attempt += 1;
        let result = db
            .transaction(async |conn| {
                let candidates = match &target {
                    Target::Payload(_) => by_keys(conn, &keys).await?,
                    Target::Names(names) => by_names(conn, names).await?,
                };
                let mut jobs = Vec::new();
                for package in candidates {
                    if !may_update(conn, actor, &package).await? {
                        continue;
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
        record(
            db,
            None,
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

async fn may_update(conn: &mut DbConn, actor: &Actor, package: &Package) -> Result<bool> {
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
