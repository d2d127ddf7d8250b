//! The worker: claims due jobs, runs them with a heartbeat, records the outcome, hands
//! abandoned jobs back to the queue and schedules recurring maintenance.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tracing::Instrument;

use super::events::JobState;
use super::queue::{self, Enqueue};
use super::{
    JobPayload, JobStatus, PermanentFailure, delete_files, deliver_webhook, purge_sessions,
    sync_organization, update_package,
};
use crate::app::AppState;
use crate::db::rows::Job;
use crate::error::{Error, Result};

/// How often an idle worker looks for due jobs it was not woken for (retries whose
/// backoff ran out, jobs enqueued by another process on SQLite).
const POLL_INTERVAL: Duration = Duration::from_millis(1000);
const MAINTENANCE_INTERVAL: Duration = Duration::from_secs(3600);

/// What a running job may use.
pub struct JobContext {
    pub state: AppState,
    pub job: Job,
}

impl JobContext {
    /// Records progress and tells subscribers.
    pub async fn progress(&self, percent: i32, step: &str) -> Result<()> {
        let mut conn = self.state.db.get().await?;
        queue::report_progress(&mut conn, self.job.id, percent, step).await?;
        let state = JobState {
            job_id: self.job.id,
            organization_id: self.job.organization_id,
            status: JobStatus::Running.as_str(),
            progress: percent,
            step: Some(step),
        };
        self.state.jobs.publish(&mut conn, state).await
    }
}

impl JobContext {
    /// Adds a line to the job's log (kept after the job ends) and to the process log.
    pub async fn log(&self, line: &str) -> Result<()> {
        tracing::info!(job_id = self.job.id, "{line}");
        let mut conn = self.state.db.get().await?;
        queue::append_log(&mut conn, self.job.id, line).await
    }
}

/// Runs the worker until `shutdown` resolves; jobs in flight are finished first.
pub async fn run(state: AppState, shutdown: impl Future<Output = ()>) {
    let concurrency = state.config.worker_concurrency;
    let slots = Arc::new(Semaphore::new(concurrency));
    let mut running = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let lease = chrono::Duration::seconds(state.config.job_lease_seconds as i64);
    let mut maintenance = tokio::time::interval(MAINTENANCE_INTERVAL);
    let mut abandoned_check = tokio::time::interval(Duration::from_secs(
        (state.config.job_lease_seconds / 2).max(1),
    ));
    tracing::info!(concurrency, "job worker started");
    loop {
        while running.try_join_next().is_some() {}
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        match claim(&state).await {
            Ok(Some(job)) => {
                let state = state.clone();
                running.spawn(async move {
                    execute(state, job).await;
                    drop(slot);
                });
                continue;
            }
            Ok(None) => drop(slot),
            Err(error) => {
                drop(slot);
                tracing::error!(%error, "could not claim a job");
            }
        }
        tokio::select! {
            () = state.jobs.woken() => {}
            () = tokio::time::sleep(POLL_INTERVAL) => {}
            _ = abandoned_check.tick() => {
                if let Err(error) = requeue_abandoned(&state, lease).await {
                    tracing::error!(%error, "could not requeue abandoned jobs");
                }
            }
            _ = maintenance.tick() => {
                if let Err(error) = schedule_maintenance(&state).await {
                    tracing::error!(%error, "could not schedule maintenance");
                }
            }
            () = &mut shutdown => break,
        }
    }
    tracing::info!(in_flight = running.len(), "job worker stopping");
    while running.join_next().await.is_some() {}
}

async fn claim(state: &AppState) -> Result<Option<Job>> {
    let mut conn = state.db.get().await?;
    let job = queue::claim_next(&mut conn).await?;
    if let Some(job) = &job {
        state.jobs.publish(&mut conn, job.into()).await?;
    }
    Ok(job)
}

async fn requeue_abandoned(state: &AppState, lease: chrono::Duration) -> Result<()> {
    let mut conn = state.db.get().await?;
    for job in queue::requeue_abandoned(&mut conn, lease).await? {
        state.jobs.publish(&mut conn, (&job).into()).await?;
    }
    Ok(())
}

/// Enqueues the recurring housekeeping; deduplicated, so replicas doing the same add
/// nothing.
async fn schedule_maintenance(state: &AppState) -> Result<()> {
    let mut request = Enqueue::new(JobPayload::PurgeExpiredSessions);
    request.dedupe_key = Some(JobPayload::PurgeExpiredSessions.kind().to_owned());
    let job = state
        .db
        .transaction(async |conn| queue::enqueue(conn, request).await)
        .await?;
    state.jobs.enqueued(&state.db, &job).await?;
    let minutes = state.config.sync_interval_minutes;
    if minutes > 0 {
        // A little slack, so that a run started one tick ago counts as due on the next.
        let interval = chrono::Duration::minutes(minutes as i64) - chrono::Duration::minutes(1);
        crate::domain::synchronizations::enqueue_due(&state.db, &state.jobs, interval).await?;
    }
    Ok(())
}

async fn execute(state: AppState, job: Job) {
    let job_id = job.id;
    let span = tracing::info_span!("job", id = job_id, kind = %job.kind, attempt = job.attempts);
    async move {
        let heartbeat = spawn_heartbeat(&state, job_id);
        let outcome = dispatch(JobContext {
            state: state.clone(),
            job: job.clone(),
        })
        .await;
        heartbeat.abort();
        let recorded = record_outcome(&state, &job, outcome).await;
        if let Err(error) = recorded {
            // The heartbeat has stopped, so the job will be handed out again after the
            // lease: it is retried rather than lost.
            tracing::error!(job_id, %error, "could not record the outcome of a job");
        }
    }
    .instrument(span)
    .await
}

async fn dispatch(context: JobContext) -> anyhow::Result<()> {
    let payload: JobPayload = serde_json::from_str(&context.job.payload).map_err(|e| {
        anyhow::anyhow!("unreadable job payload ({e}); was it written by a newer Packyard?")
    })?;
    match payload {
        JobPayload::PurgeExpiredSessions => purge_sessions::run(&context).await,
        JobPayload::UpdatePackage { package_id } => update_package::run(&context, package_id).await,
        JobPayload::DeleteFiles {
            organization_id,
            package_id,
            artifact_sha1s,
        } => delete_files::run(&context, organization_id, package_id, &artifact_sha1s).await,
        JobPayload::DeliverWebhook { delivery_id } => {
            deliver_webhook::run(&context, delivery_id).await
        }
        JobPayload::SyncOrganization { synchronization_id } => {
            sync_organization::run(&context, synchronization_id).await
        }
    }
}

async fn record_outcome(state: &AppState, job: &Job, outcome: anyhow::Result<()>) -> Result<()> {
    let updated = record_status(state, job, outcome).await?;
    let mut conn = state.db.get().await?;
    state.jobs.publish(&mut conn, (&updated).into()).await?;
    drop(conn);
    if updated.status == JobStatus::Error.as_str() {
        announce_failure(state, &updated).await?;
    }
    Ok(())
}

async fn record_status(state: &AppState, job: &Job, outcome: anyhow::Result<()>) -> Result<Job> {
    let mut conn = state.db.get().await?;
    let updated = match outcome {
        Ok(()) => {
            tracing::info!(job_id = job.id, kind = %job.kind, "job succeeded");
            queue::complete(&mut conn, job.id).await?
        }
        Err(error) => {
            let message = format!("{error:#}");
            tracing::warn!(job_id = job.id, kind = %job.kind, error = %message, "job failed");
            if error.downcast_ref::<PermanentFailure>().is_some() {
                queue::fail_permanently(&mut conn, job, &message).await?
            } else {
                queue::fail(
                    &mut conn,
                    job,
                    &message,
                    Duration::from_millis(state.config.job_retry_base_ms),
                )
                .await?
            }
        }
    };
    Ok(updated)
}

/// `job.failed` for the organization's webhooks. Not for deliveries themselves: a
/// receiver that is down would otherwise be sent news of its own failures.
async fn announce_failure(state: &AppState, job: &Job) -> Result<()> {
    use crate::db::rows::Organization;
    use crate::db::schema::{organizations, packages};
    use crate::domain::webhooks::{self, Event};
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let Some(organization_id) = job.organization_id else {
        return Ok(());
    };
    if job.kind == super::DELIVER_WEBHOOK {
        return Ok(());
    }
    state
        .db
        .transaction(async |conn| {
            let organization: Option<Organization> = crate::db_run!(conn: {
                organizations::table
                    .find(organization_id)
                    .select(Organization::as_select())
                    .first(conn)
                    .await
                    .optional()?
            });
            let Some(organization) = organization else {
                return Ok(());
            };
            let package_id = job.package_id;
            let package_name: Option<String> = match package_id {
                Some(id) => crate::db_run!(conn: {
                    packages::table
                        .find(id)
                        .select(packages::name)
                        .first::<Option<String>>(conn)
                        .await
                        .optional()?
                        .flatten()
                }),
                None => None,
            };
            let details = serde_json::json!({
                "job": {
                    "id": job.id.to_string(),
                    "kind": job.kind,
                    "error": job.last_error,
                    "packageName": package_name,
                },
            });
            webhooks::emit(conn, &organization, Event::JobFailed, details).await?;
            Ok(())
        })
        .await
}

fn spawn_heartbeat(state: &AppState, job_id: i64) -> tokio::task::JoinHandle<()> {
    let state = state.clone();
    let every = Duration::from_secs((state.config.job_lease_seconds / 3).max(1));
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            let beat = async {
                let mut conn = state.db.get().await?;
                queue::heartbeat(&mut conn, job_id).await?;
                Ok::<_, Error>(())
            };
            if let Err(error) = beat.await {
                tracing::warn!(job_id, %error, "job heartbeat failed");
            }
        }
    })
}
