//! Jobs as users see them: who may look at which job, and starting maintenance by hand.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::Actor;
use crate::db::rows::Job;
use crate::db::schema::jobs;
use crate::db::{Db, DbConn};
use crate::db_run;
use crate::domain::organizations::{self, VisibleOrganization};
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
    let member = match (job.organization_id, actor.user_id()) {
        (Some(organization_id), Some(user_id)) => {
            organizations::role_of(conn, organization_id, user_id)
                .await?
                .is_some()
        }
        _ => false,
    };
    if member {
        Ok(job)
    } else {
        Err(Error::NotFound("job"))
    }
}

pub async fn list_for_organization(
    conn: &mut DbConn,
    organization: &VisibleOrganization,
    page: PageRequest,
) -> Result<Page<Job>> {
    let organization_id = organization.organization.id;
    // Newest first: ids descend, so the cursor bound is "below" rather than "after".
    let before = page.after_id.unwrap_or(i64::MAX);
    let (rows, total) = db_run!(conn: {
        let rows = jobs::table
            .filter(jobs::organization_id.eq(organization_id))
            .filter(jobs::id.lt(before))
            .order(jobs::id.desc())
            .limit(page.limit())
            .select(Job::as_select())
            .load(conn)
            .await?;
        let total: i64 = jobs::table
            .filter(jobs::organization_id.eq(organization_id))
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
    organization: &VisibleOrganization,
) -> Result<Vec<Job>> {
    let organization_id = organization.organization.id;
    let unfinished = [JobStatus::Queued.as_str(), JobStatus::Running.as_str()];
    Ok(db_run!(conn: {
        jobs::table
            .filter(jobs::organization_id.eq(organization_id))
            .filter(jobs::status.eq_any(unfinished))
            .order(jobs::id.asc())
            .select(Job::as_select())
            .load(conn)
            .await?
    }))
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
