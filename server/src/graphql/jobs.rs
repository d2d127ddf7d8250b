use async_graphql::{Context, Enum, ID, Object, Result, Subscription};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::packages::PackageView;
use super::{actor, parse_id, state};
use crate::db::rows;
use crate::domain::{access, jobs, organizations, packages};
use crate::jobs::JobPayload;
use crate::jobs::JobStatus as StoredStatus;
use crate::jobs::queue;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Queued,
    Running,
    Success,
    Error,
}

pub struct JobView(pub rows::Job);

impl JobView {
    fn stored_status(&self) -> StoredStatus {
        StoredStatus::parse(&self.0.status).unwrap_or(StoredStatus::Error)
    }
}

/// Background work. Follow it with `job(id)` or the `jobUpdated(id)` subscription.
#[Object(name = "Job")]
impl JobView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// What the job does, e.g. `purge_expired_sessions`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    async fn status(&self) -> JobStatus {
        match self.stored_status() {
            StoredStatus::Queued => JobStatus::Queued,
            StoredStatus::Running => JobStatus::Running,
            StoredStatus::Success => JobStatus::Success,
            StoredStatus::Error => JobStatus::Error,
        }
    }

    /// 0–100.
    async fn progress(&self) -> i32 {
        self.0.progress
    }

    /// What the job is doing now, or did last.
    async fn step(&self) -> Option<&str> {
        self.0.step.as_deref()
    }

    /// Attempts so far; failed attempts are retried with backoff.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    /// Why the last attempt failed.
    async fn error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// The package a package job reads (null for other jobs, or once it was removed).
    async fn package(&self, ctx: &Context<'_>) -> Result<Option<PackageView>> {
        let (Some(organization_id), Ok(JobPayload::UpdatePackage { package_id })) = (
            self.0.organization_id,
            serde_json::from_str::<JobPayload>(&self.0.payload),
        ) else {
            return Ok(None);
        };
        let mut conn = state(ctx).db.get().await?;
        Ok(packages::find_by_id(&mut conn, organization_id, package_id)
            .await?
            .map(PackageView))
    }

    /// What the job did, line by line (e.g. refs it skipped and why).
    async fn log(&self) -> &str {
        &self.0.log
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }

    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.0.started_at.map(|at| at.and_utc())
    }

    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at.map(|at| at.and_utc())
    }
}

#[derive(Default)]
pub struct JobQuery;

#[Object]
impl JobQuery {
    async fn job(&self, ctx: &Context<'_>, id: ID) -> Result<JobView> {
        let job_id = parse_id("id", &id)?;
        let mut conn = state(ctx).db.get().await?;
        Ok(JobView(
            jobs::find_visible(&mut conn, actor(ctx), job_id).await?,
        ))
    }
}

#[derive(Default)]
pub struct JobMutation;

#[Object]
impl JobMutation {
    /// Deletes expired sessions now instead of at the next hourly run. Administrators
    /// only.
    async fn purge_expired_sessions(&self, ctx: &Context<'_>) -> Result<JobView> {
        let state = state(ctx);
        let job = jobs::purge_expired_sessions(&state.db, &state.jobs, actor(ctx)).await?;
        Ok(JobView(job))
    }
}

#[derive(Default)]
pub struct JobSubscription;

#[Subscription]
impl JobSubscription {
    /// The job's current state at once, then every change, ending after it succeeds or
    /// fails for good.
    async fn job_updated(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<impl Stream<Item = Result<JobView>>> {
        let job_id = parse_id("id", &id)?;
        let state = state(ctx).clone();
        let actor = actor(ctx).clone();
        // Subscribe before the first read so that no change falls between the two.
        let mut events = state.jobs.subscribe();
        let mut conn = state.db.get().await?;
        let first = jobs::find_visible(&mut conn, &actor, job_id).await?;
        drop(conn);
        Ok(async_stream::stream! {
            let mut finished = is_final(&first);
            yield Ok(JobView(first));
            while !finished {
                let event = match events.recv().await {
                    Ok(event) if event.job_id != job_id => continue,
                    Ok(event) => Some(event),
                    Err(RecvError::Lagged(_)) => None,
                    Err(RecvError::Closed) => break,
                };
                let current = async {
                    let mut conn = state.db.get().await?;
                    jobs::find_visible(&mut conn, &actor, job_id).await
                }
                .await;
                match current {
                    Ok(mut job) => {
                        if let Some(event) = &event {
                            event.apply_to(&mut job);
                        }
                        finished = is_final(&job);
                        yield Ok(JobView(job));
                    }
                    Err(error) => {
                        yield Err(async_graphql::Error::from(error));
                        break;
                    }
                }
            }
        })
    }
}

#[derive(Default)]
pub struct OrganizationSubscription;

#[Subscription]
impl OrganizationSubscription {
    /// Every job of the organization, for the dashboard: first those waiting or running
    /// as it starts (a client connecting late sees them), then every change.
    async fn organization_jobs(
        &self,
        ctx: &Context<'_>,
        url_name: String,
    ) -> Result<impl Stream<Item = Result<JobView>>> {
        let (state, actor, organization, mut events) = organization_events(ctx, &url_name).await?;
        let organization_id = organization.organization.id;
        // Read after subscribing (in `organization_events`): a change in between is sent
        // twice, never lost.
        let mut conn = state.db.get().await?;
        let unfinished = jobs::unfinished_for_organization(&mut conn, &organization).await?;
        drop(conn);
        Ok(async_stream::stream! {
            for job in unfinished {
                yield Ok(JobView(job));
            }
            loop {
                match events.recv().await {
                    Ok(event) if event.organization_id == Some(organization_id) => {
                        // Access is decided afresh for every event: a member removed
                        // meanwhile gets an error and the end of the stream.
                        let job = async {
                            let mut conn = state.db.get().await?;
                            let scope = access::resolve_by_id(&mut conn, &actor, organization_id).await?;
                            let Some(job) = queue::find(&mut conn, event.job_id).await? else {
                                return Ok(None);
                            };
                            Ok::<_, crate::error::Error>(jobs::visible_in(&mut conn, &scope, &job).await?.then_some(job))
                        }
                        .await;
                        match job {
                            Ok(Some(mut job)) => {
                                event.apply_to(&mut job);
                                yield Ok(JobView(job));
                            }
                            Ok(None) => {}
                            Err(error) => {
                                yield Err(async_graphql::Error::from(error));
                                break;
                            }
                        }
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break,
                }
            }
        })
    }

    /// A package of the organization gained, lost or changed versions (its update job
    /// finished).
    async fn package_updated(
        &self,
        ctx: &Context<'_>,
        url_name: String,
    ) -> Result<impl Stream<Item = Result<PackageView>>> {
        let (state, actor, organization, mut events) = organization_events(ctx, &url_name).await?;
        let organization_id = organization.organization.id;
        Ok(async_stream::stream! {
            loop {
                match events.recv().await {
                    Ok(event) if event.organization_id == Some(organization_id)
                        && event.status == StoredStatus::Success.as_str() =>
                    {
                        let package = async {
                            let mut conn = state.db.get().await?;
                            let scope = access::resolve_by_id(&mut conn, &actor, organization_id).await?;
                            let Some(job) = queue::find(&mut conn, event.job_id).await? else {
                                return Ok(None);
                            };
                            match job.package_id {
                                Some(package_id) if scope.can_read_package(&mut conn, package_id).await? => {
                                    packages::find_by_id(&mut conn, organization_id, package_id).await
                                }
                                _ => Ok(None),
                            }
                        }
                        .await;
                        match package {
                            Ok(Some(package)) => yield Ok(PackageView(package)),
                            Ok(None) => {}
                            Err(error) => {
                                yield Err(async_graphql::Error::from(error));
                                break;
                            }
                        }
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break,
                }
            }
        })
    }
}

/// Subscribes to job events, then checks that the actor may see the organization.
async fn organization_events(
    ctx: &Context<'_>,
    url_name: &str,
) -> Result<(
    crate::app::AppState,
    crate::auth::Actor,
    crate::domain::access::Access,
    tokio::sync::broadcast::Receiver<crate::jobs::JobEvent>,
)> {
    let state = state(ctx).clone();
    let actor = actor(ctx).clone();
    let events = state.jobs.subscribe();
    let mut conn = state.db.get().await?;
    let organization = organizations::find_visible(&mut conn, &actor, url_name).await?;
    Ok((state, actor, organization, events))
}

fn is_final(job: &rows::Job) -> bool {
    StoredStatus::parse(&job.status).is_none_or(StoredStatus::is_final)
}
