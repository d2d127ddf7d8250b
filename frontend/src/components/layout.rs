//! The frame around every signed-in page: top bar and content area.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::operations::{Logout, logout};
use crate::api::{ApiError, execute};
use crate::session::Session;

#[component]
pub fn AppShell(children: Children) -> impl IntoView {
    view! {
        <div class="app">
            <TopBar />
            <main class="content">{children()}</main>
        </div>
    }
}

#[component]
fn TopBar() -> impl IntoView {
    let session = Session::expect();
    let error = RwSignal::new(None::<ApiError>);
    let sign_out = Action::new_local(move |_: &()| async move {
        match execute::<Logout>(logout::Variables).await {
            // Already signed out on the server (expired cookie) is as good as success.
            Ok(_) => session.signed_out(),
            Err(failure) if failure.is_unauthenticated() => session.signed_out(),
            // Keep showing the signed-in UI: the cookie is still valid, so pretending
            // otherwise would be a lie the next request exposes.
            Err(failure) => error.set(Some(failure)),
        }
        // Signed out, the route guard around the shell sends the browser to /login.
    });
    let username = move || {
        session
            .viewer()
            .map(|viewer| viewer.username)
            .unwrap_or_default()
    };

    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"P"</span>
                "Packyard"
            </A>
            <div class="topbar-user">
                {move || {
                    error
                        .get()
                        .map(|error| {
                            view! {
                                <span class="form-error topbar-error" role="alert">
                                    {format!("Sign out failed: {}", error.message)}
                                </span>
                            }
                        })
                }}
                <A href="/profile" attr:class="viewer-name" attr:title="Your profile">
                    {username}
                </A>
                <button
                    type="button"
                    class="button button-quiet"
                    disabled=move || sign_out.pending().get()
                    on:click=move |_| {
                        error.set(None);
                        sign_out.dispatch(());
                    }
                >
                    "Sign out"
                </button>
            </div>
        </header>
    }
}
