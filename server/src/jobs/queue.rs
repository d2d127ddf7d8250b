//! Queue operations on the `jobs` table. Each is one short statement or transaction, so
//! that a crash between any two of them leaves a job that is either still queued, or
//! running with a heartbeat that will go stale and hand it to another worker.

use chrono::Duration;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::{JobPayload, JobStatus};
use crate::db::rows::{Job, NewJob};
use crate::db::schema::jobs;
use crate::db::{self, DbConn};
use crate::db_run;
use crate::error::{Error, Result};

pub const DEFAULT_MAX_ATTEMPTS: i32 = 5;

pub struct Enqueue {
    pub payload: JobPayload,
    pub organization_id: Option<i64>,
    pub created_by: Option<i64>,
    /// Jobs with the same key coalesce while one is waiting: a second request for the
    /// same work returns the waiting job instead of adding another.
    pub dedupe_key: Option<String>,
    pub max_attempts: i32,
}

impl Enqueue {
    pub fn new(payload: JobPayload) -> Self {
        Enqueue {
            payload,
            organization_id: None,
            created_by: None,
            dedupe_key: None,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// Adds a job, in the caller's transaction. After the commit, announce it with
/// [`Jobs::enqueued`].
pub async fn enqueue(conn: &mut DbConn, request: Enqueue) -> Result<Job> {
    if let Some(key) = &request.dedupe_key
        && let Some(waiting) = find_waiting(conn, key).await?
    {
        return Ok(waiting);
    }
    let payload = serde_json::to_string(&request.payload).map_err(Error::internal)?;
    let now = db::now();
    let row = NewJob {
        kind: request.payload.kind(),
        payload: &payload,
        organization_id: request.organization_id,
        created_by: request.created_by,
        status: JobStatus::Queued.as_str(),
        max_attempts: request.max_attempts,
        dedupe_key: request.dedupe_key.as_deref(),
        run_at: now,
        created_at: now,
        package_id: request.payload.package_id(),
    };
    let job = db_run!(conn: {
        diesel::insert_into(jobs::table)
            .values(&row)
            .returning(Job::as_returning())
            .get_result(conn)
            .await?
    });
    Ok(job)
}

async fn find_waiting(conn: &mut DbConn, key: &str) -> Result<Option<Job>> {
    Ok(db_run!(conn: {
        jobs::table
            .filter(jobs::dedupe_key.eq(key))
            .filter(jobs::status.eq(JobStatus::Queued.as_str()))
            .select(Job::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

pub async fn find(conn: &mut DbConn, id: i64) -> Result<Option<Job>> {
    Ok(db_run!(conn: {
        jobs::table.find(id).select(Job::as_select()).first(conn).await.optional()?
    }))
}

/// Takes the next due job and marks it running. Concurrent workers never take the same
/// job: PostgreSQL skips rows another transaction has locked, SQLite serializes writers.
pub async fn claim_next(conn: &mut DbConn) -> Result<Option<Job>> {
    conn.transaction(async |conn| {
        let now = db::now();
        let due = jobs::table
            .filter(jobs::status.eq(JobStatus::Queued.as_str()))
            .filter(jobs::run_at.le(now))
            .order((jobs::run_at.asc(), jobs::id.asc()))
            .select(jobs::id);
        let id: Option<i64> = db_run!(conn {
            postgres => { due.for_update().skip_locked().first(conn).await.optional()? },
            sqlite => { due.first(conn).await.optional()? }
        });
        let Some(id) = id else {
            return Ok(None);
        };
        let job = db_run!(conn: {
            diesel::update(jobs::table.find(id))
                .set((
                    jobs::status.eq(JobStatus::Running.as_str()),
                    jobs::attempts.eq(jobs::attempts + 1),
                    jobs::progress.eq(0),
                    jobs::step.eq(None::<String>),
                    jobs::started_at.eq(now),
                    jobs::heartbeat_at.eq(now),
                ))
                .returning(Job::as_returning())
                .get_result(conn)
                .await?
        });
        Ok(Some(job))
    })
    .await
}

/// Records progress (0–100) and the current step; doubles as the heartbeat.
pub async fn report_progress(conn: &mut DbConn, id: i64, progress: i32, step: &str) -> Result<()> {
    let now = db::now();
    db_run!(conn: {
        diesel::update(jobs::table.find(id).filter(jobs::status.eq(JobStatus::Running.as_str())))
            .set((
                jobs::progress.eq(progress.clamp(0, 100)),
                jobs::step.eq(step),
                jobs::heartbeat_at.eq(now),
            ))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Appends a line to the job's log, which outlives the job.
pub async fn append_log(conn: &mut DbConn, id: i64, line: &str) -> Result<()> {
    let line = format!("{line}\n");
    db_run!(conn: {
        diesel::update(jobs::table.find(id))
            .set(jobs::log.eq(jobs::log.concat(line)))
            .execute(conn)
            .await?;
    });
    Ok(())
}

pub async fn heartbeat(conn: &mut DbConn, id: i64) -> Result<()> {
    let now = db::now();
    db_run!(conn: {
        diesel::update(jobs::table.find(id).filter(jobs::status.eq(JobStatus::Running.as_str())))
            .set(jobs::heartbeat_at.eq(now))
            .execute(conn)
            .await?;
    });
    Ok(())
}

pub async fn complete(conn: &mut DbConn, id: i64) -> Result<Job> {
    let now = db::now();
    Ok(db_run!(conn: {
        diesel::update(jobs::table.find(id))
            .set((
                jobs::status.eq(JobStatus::Success.as_str()),
                jobs::progress.eq(100),
                jobs::last_error.eq(None::<String>),
                jobs::finished_at.eq(now),
                jobs::heartbeat_at.eq(None::<chrono::NaiveDateTime>),
            ))
            .returning(Job::as_returning())
            .get_result(conn)
            .await?
    }))
}

/// Waiting time before attempt `attempts + 1`: `base`, then four times longer each
/// time (5 s, 20 s, 80 s, … with the default base), at most an hour.
pub fn backoff(attempts: i32, base: std::time::Duration) -> Duration {
    let exponent = attempts.saturating_sub(1).clamp(0, 10) as u32;
    let base_ms = i64::try_from(base.as_millis()).unwrap_or(i64::MAX).max(1);
    let ms = base_ms.saturating_mul(4_i64.saturating_pow(exponent));
    Duration::milliseconds(ms.min(3_600_000))
}

/// Records a failed attempt: queued again after a backoff from `retry_base` while
/// attempts remain, else finished with the error.
pub async fn fail(
    conn: &mut DbConn,
    job: &Job,
    message: &str,
    retry_base: std::time::Duration,
) -> Result<Job> {
    fail_with(conn, job, message, Some(retry_base)).await
}

/// Ends the job with the error, without retrying.
pub async fn fail_permanently(conn: &mut DbConn, job: &Job, message: &str) -> Result<Job> {
    fail_with(conn, job, message, None).await
}

async fn fail_with(
    conn: &mut DbConn,
    job: &Job,
    message: &str,
    retry_base: Option<std::time::Duration>,
) -> Result<Job> {
    let now = db::now();
    let result = match retry_base {
        Some(base) if job.attempts < job.max_attempts => {
            requeue(
                conn,
                job.id,
                now + backoff(job.attempts, base),
                Some(message),
            )
            .await
        }
        _ => Err(Error::NotFound("retry")),
    };
    match result {
        Ok(job) => Ok(job),
        // Out of attempts, or an identical job is already waiting: this one ends here.
        Err(Error::NotFound(_) | Error::Conflict { .. }) => Ok(db_run!(conn: {
            diesel::update(jobs::table.find(job.id))
                .set((
                    jobs::status.eq(JobStatus::Error.as_str()),
                    jobs::last_error.eq(message),
                    jobs::finished_at.eq(now),
                    jobs::heartbeat_at.eq(None::<chrono::NaiveDateTime>),
                ))
                .returning(Job::as_returning())
                .get_result(conn)
                .await?
        })),
        Err(other) => Err(other),
    }
}

async fn requeue(
    conn: &mut DbConn,
    id: i64,
    run_at: chrono::NaiveDateTime,
    message: Option<&str>,
) -> Result<Job> {
    Ok(db_run!(conn: {
        diesel::update(jobs::table.find(id))
            .set((
                jobs::status.eq(JobStatus::Queued.as_str()),
                jobs::run_at.eq(run_at),
                jobs::last_error.eq(message),
                jobs::heartbeat_at.eq(None::<chrono::NaiveDateTime>),
            ))
            .returning(Job::as_returning())
            .get_result(conn)
            .await?
    }))
}

/// Gives running jobs whose worker stopped reporting back to the queue (their process
/// died or was killed). Returns the jobs it touched.
pub async fn requeue_abandoned(conn: &mut DbConn, lease: Duration) -> Result<Vec<Job>> {
    let now = db::now();
    let abandoned: Vec<Job> = db_run!(conn: {
        jobs::table
            .filter(jobs::status.eq(JobStatus::Running.as_str()))
            .filter(jobs::heartbeat_at.lt(now - lease))
            .select(Job::as_select())
            .load(conn)
            .await?
    });
    let mut touched = Vec::with_capacity(abandoned.len());
    for job in abandoned {
        tracing::warn!(job_id = job.id, kind = %job.kind, "job abandoned by its worker; retrying");
        let message = "the worker running this job stopped responding";
        touched.push(if job.attempts < job.max_attempts {
            match requeue(conn, job.id, now, Some(message)).await {
                Ok(job) => job,
                Err(Error::Conflict { .. }) => fail_permanently(conn, &job, message).await?,
                Err(other) => return Err(other),
            }
        } else {
            fail_permanently(conn, &job, message).await?
        });
    }
    Ok(touched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = std::time::Duration::from_secs(5);
        assert_eq!(backoff(1, base), Duration::seconds(5));
        assert_eq!(backoff(2, base), Duration::seconds(20));
        assert_eq!(backoff(3, base), Duration::seconds(80));
        assert_eq!(backoff(50, base), Duration::seconds(3600));
        let fast = std::time::Duration::from_millis(100);
        assert_eq!(backoff(2, fast), Duration::milliseconds(400));
    }
}
