//! Following a job from a component: the [`subscribe_job`] stream kept in signals.

use std::time::Duration;

use futures::StreamExt;
use futures::future::abortable;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::operations::{Job, JobStatus, job};
use super::subscription::{JobUpdate, subscribe_job};
use super::{ApiError, ErrorCode, execute};
use crate::session::Session;
use crate::timer::sleep;

/// Longest wait between two reconnection attempts.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(10);

/// A job followed live. `Copy`; it stops following when the component (reactive owner)
/// that started it is cleaned up, or once the job succeeded or failed for good.
///
/// If the websocket drops before the job is finished, it asks `job(id)` over HTTP for the
/// state it missed and subscribes again, waiting longer each time (at most 10 s).
#[derive(Clone, Copy)]
pub struct JobWatch {
    job: RwSignal<Option<JobUpdate>>,
    trouble: RwSignal<Option<ApiError>>,
}

impl JobWatch {
    /// Starts following job `id`; `initial` (e.g. what a query already said) is shown
    /// until the subscription's first result arrives.
    pub fn start(id: String, initial: Option<JobUpdate>) -> Self {
        let watch = Self {
            job: RwSignal::new(initial),
            trouble: RwSignal::new(None),
        };
        let session = use_context::<Session>();
        let (task, handle) = abortable(watch.follow(id, session));
        spawn_local(async move {
            let _ = task.await;
        });
        on_cleanup(move || handle.abort());
        watch
    }

    /// The latest state (tracked); `None` until the first result.
    pub fn job(self) -> Option<JobUpdate> {
        self.job.get()
    }

    /// The latest status (tracked).
    pub fn status(self) -> Option<JobStatus> {
        self.job.with(|job| job.as_ref().map(|job| job.status))
    }

    /// Why the job cannot be followed (tracked): a refusal (NOT_FOUND, FORBIDDEN) ends
    /// the watch; a lost connection is shown while it reconnects.
    pub fn trouble(self) -> Option<ApiError> {
        self.trouble.get()
    }

    /// Runs `then` once, with the job's last state, when it has succeeded or failed.
    pub fn on_final(self, then: impl Fn(JobUpdate) + 'static) {
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) {
                return true;
            }
            match self.job.get().filter(|job| job.status.is_final()) {
                Some(job) => {
                    then(job);
                    true
                }
                None => false,
            }
        });
    }

    async fn follow(self, id: String, session: Option<Session>) {
        let mut delay = Duration::from_millis(500);
        loop {
            let mut updates = subscribe_job(id.clone()).boxed_local();
            while let Some(update) = updates.next().await {
                match update {
                    Ok(update) => {
                        let finished = update.status.is_final();
                        self.trouble.try_set(None);
                        self.job.try_set(Some(update));
                        if finished {
                            return;
                        }
                        delay = Duration::from_millis(500);
                    }
                    Err(error) if error.code == ErrorCode::Transport => {
                        self.trouble.try_set(Some(error));
                        break;
                    }
                    Err(error) => return self.give_up(error, session),
                }
            }
            drop(updates);
            // The socket closed before the job finished: catch up over HTTP.
            match execute::<Job>(job::Variables { id: id.clone() }).await {
                Ok(data) => {
                    let update = JobUpdate::from(data.job);
                    let finished = update.status.is_final();
                    self.job.try_set(Some(update));
                    if finished {
                        self.trouble.try_set(None);
                        return;
                    }
                }
                Err(error) if error.code == ErrorCode::Transport => {
                    self.trouble.try_set(Some(error));
                }
                Err(error) => return self.give_up(error, session),
            }
            sleep(delay).await;
            delay = (delay * 2).min(MAX_RETRY_DELAY);
        }
    }

    fn give_up(self, error: ApiError, session: Option<Session>) {
        if let Some(session) = session {
            session.observe(&error);
        }
        self.trouble.try_set(Some(error));
    }
}
