use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::operations::{Login, login};
use crate::api::{ApiError, execute};
use crate::components::{FormError, TextField, field_error, form_error};
use crate::session::Session;

/// The inputs this form shows, named as the `login` mutation's arguments.
const FIELDS: &[&str] = &["username", "password"];

/// `/login`. On success the session flips to signed-in, and the guest-only guard on this
/// route moves the browser on to `/`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = Session::expect();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);

    let sign_in = Action::new_local(move |(username, password): &(String, String)| {
        let variables = login::Variables {
            username: username.clone(),
            password: password.clone(),
        };
        async move {
            match execute::<Login>(variables).await {
                Ok(data) => session.signed_in(data.login.user.into()),
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let pending = sign_in.pending();

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        error.set(None);
        sign_in.dispatch((
            username.get_untracked().trim().to_owned(),
            password.get_untracked(),
        ));
    };

    view! {
        <div class="center-page">
            <form class="panel auth-panel" on:submit=on_submit novalidate>
                <div class="auth-brand">
                    <span class="brand-mark" aria-hidden="true">"P"</span>
                    "Packyard"
                </div>
                <h1>"Sign in"</h1>
                <FormError message=form_error(error, FIELDS) />
                <TextField
                    label="Username"
                    name="username"
                    value=username
                    error=field_error(error, "username")
                    autocomplete="username"
                    required=true
                    autofocus=true
                />
                <TextField
                    label="Password"
                    name="password"
                    input_type="password"
                    value=password
                    error=field_error(error, "password")
                    autocomplete="current-password"
                    required=true
                />
                <button
                    type="submit"
                    class="button button-primary button-block"
                    disabled=move || pending.get()
                >
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </div>
    }
}
