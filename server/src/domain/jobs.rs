//! Jobs as users see them: who may look at which job, and starting maintenance by hand.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::Actor;
use crate::db::rows::Job;
use crate::db::schema::{jobs, packages, team_packages};
use crate::db::{Db, DbConn};
use crate::db_run;
use crate::domain::access::{self, Access, PackageScope};
use crate::domain::pagination::{Page, PageRequest};
use crate::error::{Error, Result};
use crate::jobs::queue::{self, Enqueue};
use crate::jobs::{JobPayload, JobStatus, Jobs};

/// A job the actor may see: one of an organization they can see, or, for instance
/// administrators, any job (maintenance jobs belong to no organization).
pub async fn find_visible(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<Job> {
    let job = queue::find(conn, id).await?.ok_or(Error::NotFound("job"))?;
    if actor.is_admin() {
        return Ok(job);
    }
    let Some(organization_id) = job.organization_id else {
        return Err(Error::NotFound("job"));
    };
    let scope = access::resolve_owner_of(conn, actor, organization_id, "job").await?;
    if visible_in(conn, &scope, &job).await? {
        Ok(job)
    } else {
        Err(Error::NotFound("job"))
    }
}

/// Whether a job of the scope's organization is shown to the actor behind `scope`: a
/// package's job to those who see the package.
pub async fn visible_in(conn: &mut DbConn, scope: &Access, job: &Job) -> Result<bool> {
    if job.organization_id != Some(scope.organization.id) {
        return Ok(false);
    }
    match job.package_id {
        Some(package_id) => scope.can_read_package(conn, package_id).await,
        None => Ok(true),
    }
}

pub async fn list_for_organization(
    conn: &mut DbConn,
    organization: &Access,
    page: PageRequest,
) -> Result<Page<Job>> {
    let organization_id = organization.organization.id;
    // Newest first: ids descend, so the cursor bound is "below" rather than "after".
    let before = page.after_id.unwrap_or(i64::MAX);
    // Members who see some packages see the jobs of those packages only.
    let scope = organization.readable.clone();
    let (rows, total) = db_run!(conn: {
        let visible = |scope: &PackageScope| {
            let mut query = jobs::table
                .filter(jobs::organization_id.eq(organization_id))
                .into_boxed();
            match scope {
                PackageScope::All => {}
                PackageScope::Teams(team_ids) => {
                    query = query.filter(
                        jobs::package_id.eq_any(
                            team_packages::table
                                .filter(team_packages::team_id.eq_any(team_ids.clone()))
                                .select(team_packages::package_id.nullable()),
                        ),
                    );
                }
                PackageScope::AllButSynchronized(team_ids) => {
                    query = query.filter(
                        jobs::package_id.eq_any(
                            packages::table
                                .filter(packages::organization_id.eq(organization_id))
                                .filter(
                                    packages::synchronization_id.is_null().or(packages::id.eq_any(
                                        team_packages::table
                                            .filter(team_packages::team_id.eq_any(team_ids.clone()))
                                            .select(team_packages::package_id),
                                    )),
                                )
                                .select(packages::id.nullable()),
                        ),
                    );
                }
            }
            query
        };
        let rows = visible(&scope)
            .filter(jobs::id.lt(before))
            .order(jobs::id.desc())
            .limit(page.limit())
            .select(Job::as_select())
            .load(conn)
            .await?;
        let total: i64 = visible(&scope)
            .count()
            .get_result(conn)
            .await?;
        (rows, total)
    });
    Ok(Page::from_rows(page, rows, total, |job| job.id))
}

/// Jobs of the organization that are waiting or running, oldest first: what a client
/// that starts watching now has missed.
pub async fn unfinished_for_organization(
    conn: &mut DbConn,
    organization: &Access,
) -> Result<Vec<Job>> {
    let organization_id = organization.organization.id;
    let unfinished = [JobStatus::Queued.as_str(), JobStatus::Running.as_str()];
    let found: Vec<Job> = db_run!(conn: {
        jobs::table
            .filter(jobs::organization_id.eq(organization_id))
            .filter(jobs::status.eq_any(unfinished))
            .order(jobs::id.asc())
            .select(Job::as_select())
            .load(conn)
            .await?
    });
    let mut visible = Vec::with_capacity(found.len());
    for job in found {
        if visible_in(conn, organization, &job).await? {
            visible.push(job);
        }
    }
    Ok(visible)
}

/// Queues the session purge now instead of at the next hourly run. Administrators only;
/// joins a purge that is already waiting.
pub async fn purge_expired_sessions(db: &Db, jobs_handle: &Jobs, actor: &Actor) -> Result<Job> {
    actor.require_admin()?;
    let mut request = Enqueue::new(JobPayload::PurgeExpiredSessions);
    request.created_by = actor.user_id();
    request.dedupe_key = Some(JobPayload::PurgeExpiredSessions.kind().to_owned());
    let job = db
        .transaction(async |conn| queue::enqueue(conn, request).await)
        .await?;
    jobs_handle.enqueued(db, &job).await?;
    Ok(job)
}
