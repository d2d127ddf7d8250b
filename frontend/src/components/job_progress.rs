//! A background job's state: a progress bar with its status, step, error and log.

use leptos::prelude::*;

use super::Timestamp;
use crate::api::operations::JobStatus;
use crate::api::{ApiError, ErrorCode, JobUpdate, JobWatch};

/// The job `watch` follows, live. See [`JobState`].
#[component]
pub fn JobProgress(
    watch: JobWatch,
    /// Keep the log unfolded (it unfolds by itself only on failure).
    #[prop(optional)]
    show_log: bool,
) -> impl IntoView {
    view! {
        <JobState
            job=Signal::derive(move || watch.job())
            trouble=Signal::derive(move || watch.trouble())
            show_log
        />
    }
}

/// A job followed live; `on_final` gets its last state once it succeeded or failed.
#[component]
pub fn LiveJob(
    job_id: String,
    initial: Option<JobUpdate>,
    on_final: Callback<JobUpdate>,
    #[prop(optional)] show_log: bool,
) -> impl IntoView {
    let watch = JobWatch::start(job_id, initial);
    watch.on_final(move |job| on_final.run(job));
    view! { <JobProgress watch show_log /> }
}

/// A job that is over, with when it finished.
#[component]
pub fn FinishedJob(job: JobUpdate, #[prop(optional)] show_log: bool) -> impl IntoView {
    let finished_at = job.finished_at.clone();
    view! {
        <JobState job=Signal::stored(Some(job)) show_log />
        {finished_at
            .map(|at| {
                view! {
                    <p class="muted job-when">"Finished " <Timestamp value=at /></p>
                }
            })}
    }
}

/// Browser-test hook: `.job-progress` with `data-status` (QUEUED, RUNNING, SUCCESS,
/// ERROR) and `data-progress` (0–100). Before the first result it shows QUEUED at 0.
#[component]
pub fn JobState(
    #[prop(into)] job: Signal<Option<JobUpdate>>,
    #[prop(into, optional)] trouble: Signal<Option<ApiError>>,
    /// Keep the log unfolded (it unfolds by itself only on failure).
    #[prop(optional)]
    show_log: bool,
) -> impl IntoView {
    let status = move || job.with(|job| job.as_ref().map_or(JobStatus::Queued, |job| job.status));
    let progress = move || {
        job.with(|job| match job {
            // A finished job's bar is full whatever the last reported step said.
            Some(job) if job.status == JobStatus::Success => 100,
            Some(job) => job.progress.clamp(0, 100),
            None => 0,
        })
    };
    let step = move || {
        job.with(|job| match job {
            Some(job) => job.step.clone().unwrap_or_else(|| match job.status {
                JobStatus::Queued => "Waiting for a worker…".to_owned(),
                JobStatus::Success => "Done".to_owned(),
                _ => String::new(),
            }),
            None => "Starting…".to_owned(),
        })
    };
    // While QUEUED after a failed attempt, the error explains the retry.
    let retrying = move || {
        job.with(|job| {
            let job = job.as_ref()?;
            (job.status == JobStatus::Queued && job.attempts > 0)
                .then(|| job.error.clone())
                .flatten()
                .map(|error| format!("Attempt {} failed: {error} — retrying.", job.attempts))
        })
    };
    let failure = move || {
        job.with(|job| {
            let job = job.as_ref().filter(|job| job.status == JobStatus::Error)?;
            Some(
                job.error
                    .clone()
                    .unwrap_or_else(|| "The job failed.".to_owned()),
            )
        })
    };
    let log = move || job.with(|job| job.as_ref().map(|job| job.log.clone()).unwrap_or_default());
    let log_open = move || show_log || status() == JobStatus::Error;

    view! {
        <div
            // `job-is-<status>` colours the bar; not `job-<status>`, which would make the
            // container itself match the `.job-error` hook of the error message.
            class=move || format!("job-progress job-is-{}", status().as_str().to_lowercase())
            data-status=move || status().as_str()
            data-progress=move || progress().to_string()
        >
            <div class="job-progress-head">
                <span class=move || status().badge_class()>{move || status().label()}</span>
                <span class="job-step">{step}</span>
                <span class="job-percent">{move || format!("{}%", progress())}</span>
            </div>
            <div
                class="progress-track"
                role="progressbar"
                aria-label="Job progress"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || progress().to_string()
            >
                <div class="progress-fill" style:width=move || format!("{}%", progress())></div>
            </div>
            {move || {
                failure()
                    .map(|message| {
                        view! {
                            <p class="form-error job-error" role="alert">
                                {message}
                            </p>
                        }
                    })
            }}
            {move || retrying().map(|message| view! { <p class="job-retry muted">{message}</p> })}
            {move || {
                trouble
                    .get()
                    .map(|error| {
                        let message = if error.code == ErrorCode::Transport {
                            format!("Live updates interrupted, reconnecting… ({})", error.message)
                        } else {
                            error.message
                        };
                        view! { <p class="form-error">{message}</p> }
                    })
            }}
            <Show when=move || !log().is_empty()>
                <details class="job-log" open=log_open>
                    <summary>"Log"</summary>
                    <pre>{log}</pre>
                </details>
            </Show>
        </div>
    }
}
