use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::operations::{Login, LoginProviders, login, login_providers};
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
    // A code-host sign-in that failed comes back here as `?error=<message>`.
    let query = use_query_map();
    let oauth_error = Memo::new(move |_| query.with(|query| query.get("error")));
    let providers = LocalResource::new(|| async {
        execute::<LoginProviders>(login_providers::Variables)
            .await
            .map(|data| data.login_providers)
            .unwrap_or_default()
    });

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
                <Show when=move || oauth_error.get().is_some()>
                    <p class="form-error oauth-error" role="alert">
                        {move || oauth_error.get().unwrap_or_default()}
                    </p>
                </Show>
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
                <Transition>
                    {move || Suspend::new(async move {
                        let providers = providers.await;
                        (!providers.is_empty())
                            .then(|| view! { <ProviderButtons providers /> })
                    })}
                </Transition>
            </form>
        </div>
    }
}

/// One button per configured code host. Plain links that leave the app (`rel=external`):
/// the server redirects to the host, which redirects back to the server.
#[component]
fn ProviderButtons(providers: Vec<login_providers::LoginProvidersLoginProviders>) -> impl IntoView {
    view! {
        <div class="oauth-providers">
            <p class="oauth-divider">"or"</p>
            {providers
                .into_iter()
                .map(|provider| {
                    view! {
                        <a
                            class="button button-block oauth-button"
                            rel="external"
                            href=provider.start_url
                            data-provider=provider.name
                        >
                            {format!("Sign in with {}", provider.display_name)}
                        </a>
                    }
                })
                .collect_view()}
        </div>
    }
}
