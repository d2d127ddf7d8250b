//! Job progress events: an in-process broadcast that GraphQL subscriptions read, fed by
//! this process's workers and, on PostgreSQL, by LISTEN/NOTIFY from other replicas.

use std::sync::Arc;
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, broadcast};

use crate::composer::access_cache::{AccessCache, Invalidation};
use crate::db::{Db, DbConn};
use crate::db_run;
use crate::error::Result;

pub const NOTIFY_CHANNEL: &str = "packyard_job_events";
/// Cache invalidations (see `composer::access_cache`), on their own channel.
pub const INVALIDATE_CHANNEL: &str = "packyard_invalidations";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct InvalidationNotice {
    invalidation: Invalidation,
    origin: String,
}

/// A job changed, and its state at that moment. Subscribers read the rest of the job
/// (and whether they may see it) from the database, but show the state the event
/// carries: by the time they read, the job may have moved on, and every step should
/// still be seen in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobEvent {
    pub job_id: i64,
    pub organization_id: Option<i64>,
    pub status: String,
    #[serde(default)]
    pub progress: i32,
    #[serde(default)]
    pub step: Option<String>,
    /// The process that published it, so that a replica skips its own echoes.
    pub origin: String,
}

impl JobEvent {
    /// The job as it was when this event was published.
    pub fn apply_to(&self, job: &mut crate::db::rows::Job) {
        if job.id == self.job_id {
            job.status.clone_from(&self.status);
            job.progress = self.progress;
            job.step.clone_from(&self.step);
        }
    }
}

/// What an event says about a job.
pub struct JobState<'a> {
    pub job_id: i64,
    pub organization_id: Option<i64>,
    pub status: &'a str,
    pub progress: i32,
    pub step: Option<&'a str>,
}

impl<'a> From<&'a crate::db::rows::Job> for JobState<'a> {
    fn from(job: &'a crate::db::rows::Job) -> Self {
        JobState {
            job_id: job.id,
            organization_id: job.organization_id,
            status: &job.status,
            progress: job.progress,
            step: job.step.as_deref(),
        }
    }
}

/// The queue's handle for the rest of the application: publish events, subscribe to
/// them, and wake the local worker. Cheap to clone.
#[derive(Clone)]
pub struct Jobs {
    inner: Arc<JobsInner>,
}

struct JobsInner {
    events: broadcast::Sender<JobEvent>,
    wake: Notify,
    instance_id: String,
    cache: AccessCache,
}

impl Default for Jobs {
    fn default() -> Self {
        Self::new()
    }
}

impl Jobs {
    pub fn new() -> Jobs {
        let (events, _) = broadcast::channel(1024);
        Jobs {
            inner: Arc::new(JobsInner {
                events,
                wake: Notify::new(),
                instance_id: uuid::Uuid::new_v4().to_string(),
                cache: AccessCache::default(),
            }),
        }
    }

    /// The in-memory view of the Composer repositories, kept current by these events.
    pub fn cache(&self) -> &AccessCache {
        &self.inner.cache
    }

    /// Drops cached entries here and, through PostgreSQL, on other replicas. Call after
    /// the change committed.
    pub async fn invalidate(&self, db: &Db, invalidation: Invalidation) -> Result<()> {
        self.inner.cache.apply(invalidation);
        let mut conn = db.get().await?;
        let notice = InvalidationNotice {
            invalidation,
            origin: self.inner.instance_id.clone(),
        };
        let payload = serde_json::to_string(&notice).map_err(crate::error::Error::internal)?;
        notify(&mut conn, INVALIDATE_CHANNEL, payload).await
    }

    /// A succeeded job may have published new documents for its organization.
    fn observe(&self, event: &JobEvent) {
        if let (Some(organization_id), true) = (
            event.organization_id,
            event.status == super::JobStatus::Success.as_str(),
        ) {
            self.inner
                .cache
                .apply(Invalidation::Documents { organization_id });
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<JobEvent> {
        self.inner.events.subscribe()
    }

    /// Announces a job whose transaction has committed: subscribers see it QUEUED and
    /// workers here and on other replicas look for it at once. (Announcing inside the
    /// transaction would let a subscriber look for a row it cannot see yet.)
    pub async fn enqueued(&self, db: &Db, job: &crate::db::rows::Job) -> Result<()> {
        let mut conn = db.get().await?;
        self.publish(&mut conn, job.into()).await?;
        self.wake_worker();
        Ok(())
    }

    /// Tells the local worker that a job may be ready.
    pub fn wake_worker(&self) {
        self.inner.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.inner.wake.notified().await
    }

    /// Announces a change of `job`: locally at once, and to other replicas through
    /// PostgreSQL. Inside a transaction the NOTIFY is delivered on commit.
    pub async fn publish(&self, conn: &mut DbConn, state: JobState<'_>) -> Result<()> {
        let event = JobEvent {
            job_id: state.job_id,
            organization_id: state.organization_id,
            status: state.status.to_owned(),
            progress: state.progress,
            step: state.step.map(str::to_owned),
            origin: self.inner.instance_id.clone(),
        };
        let payload = serde_json::to_string(&event).map_err(crate::error::Error::internal)?;
        notify(conn, NOTIFY_CHANNEL, payload).await?;
        self.observe(&event);
        // No receivers is fine: nobody is watching.
        let _ = self.inner.events.send(event);
        Ok(())
    }

    /// On PostgreSQL: relays events of other replicas into this process, reconnecting
    /// when the connection drops. Runs until the process ends.
    pub fn spawn_replica_listener(&self, db: &Db) {
        let Db::Postgres { url, .. } = db else {
            return;
        };
        let jobs = self.clone();
        let url = url.clone();
        tokio::spawn(async move {
            loop {
                if let Err(error) = jobs.listen(&url).await {
                    tracing::warn!(%error, "job event listener lost its connection; reconnecting");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }

    async fn listen(&self, url: &str) -> anyhow::Result<()> {
        let mut conn = AsyncPgConnection::establish(url).await?;
        diesel::sql_query(format!("LISTEN {NOTIFY_CHANNEL}"))
            .execute(&mut conn)
            .await?;
        diesel::sql_query(format!("LISTEN {INVALIDATE_CHANNEL}"))
            .execute(&mut conn)
            .await?;
        // Whatever changed while no listener was connected went unheard: start over.
        self.inner.cache.apply(Invalidation::All);
        let mut notifications = std::pin::pin!(conn.notifications_stream());
        while let Some(notification) = notifications.next().await {
            let notification = notification?;
            if notification.channel == INVALIDATE_CHANNEL {
                match serde_json::from_str::<InvalidationNotice>(&notification.payload) {
                    Ok(notice) if notice.origin != self.inner.instance_id => {
                        self.inner.cache.apply(notice.invalidation)
                    }
                    Ok(_) => {}
                    Err(_) => {
                        tracing::warn!(payload = %notification.payload, "ignoring a malformed invalidation")
                    }
                }
                continue;
            }
            let Ok(event) = serde_json::from_str::<JobEvent>(&notification.payload) else {
                tracing::warn!(payload = %notification.payload, "ignoring a malformed job event");
                continue;
            };
            if event.origin == self.inner.instance_id {
                continue;
            }
            if event.status == super::JobStatus::Queued.as_str() {
                self.wake_worker();
            }
            self.observe(&event);
            let _ = self.inner.events.send(event);
        }
        anyhow::bail!("notification stream ended")
    }
}

async fn notify(conn: &mut DbConn, channel: &str, payload: String) -> Result<()> {
    db_run!(conn {
        postgres => {
            diesel::sql_query("SELECT pg_notify($1, $2)")
                .bind::<diesel::sql_types::Text, _>(channel)
                .bind::<diesel::sql_types::Text, _>(&payload)
                .execute(conn)
                .await?;
        },
        sqlite => {
            // One process per SQLite database: the local side is all there is.
            let _ = (conn, channel, payload);
        }
    });
    Ok(())
}
