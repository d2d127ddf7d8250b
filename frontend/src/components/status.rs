//! What a page shows while it waits, or when it cannot show its content.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{ApiError, ErrorCode};
use crate::session::{Session, SessionState};

#[component]
pub fn Loading(#[prop(default = "Loading…")] label: &'static str) -> impl IntoView {
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {label}
        </div>
    }
}

/// A failed load, explained in the user's terms, with a way back home.
#[component]
pub fn ErrorPanel(error: ApiError) -> impl IntoView {
    let title = match error.code {
        ErrorCode::NotFound => "Not found",
        ErrorCode::Forbidden => "No access",
        ErrorCode::RateLimited => "Too many requests",
        ErrorCode::Transport => "Server unreachable",
        _ => "Something went wrong",
    };
    view! {
        <section class="panel panel-error">
            <h1>{title}</h1>
            <p class="form-error">{error.message}</p>
            <A href="/">"Back to your organizations"</A>
        </section>
    }
}

/// Shown instead of a guarded page while the session is unknown: a spinner during the
/// start-up check, or the reason it failed and a retry.
#[component]
pub fn SessionPending() -> impl IntoView {
    let session = Session::expect();
    move || {
        match session.state() {
        SessionState::Unavailable(error) => view! {
            <div class="center-page">
                <section class="panel panel-error">
                    <h1>"Cannot reach Packyard"</h1>
                    <p class="form-error">{error.message}</p>
                    <button type="button" class="button button-primary" on:click=move |_| session.check()>
                        "Try again"
                    </button>
                </section>
            </div>
        }
        .into_any(),
        _ => view! {
            <div class="center-page">
                <Loading />
            </div>
        }
        .into_any(),
    }
    }
}
