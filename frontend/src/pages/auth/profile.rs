//! `/profile`: who the viewer is, and the code-host accounts they sign in with (link
//! another, unlink one).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::operations::{
    UnlinkIdentity, ViewerIdentities, unlink_identity, viewer_identities,
};
use crate::api::{ApiError, execute};
use crate::components::{ErrorPanel, Loading, TablePanel, Timestamp};
use crate::session::Session;

type Data = viewer_identities::ResponseData;
type Identity = viewer_identities::ViewerIdentitiesViewerIdentities;
type Provider = viewer_identities::ViewerIdentitiesLoginProviders;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let session = Session::expect();
    let data = LocalResource::new(move || async move {
        execute::<ViewerIdentities>(viewer_identities::Variables)
            .await
            .inspect_err(|error| session.observe(error))
    });
    let reload = Callback::new(move |()| data.refetch());
    // The server sends the browser back here after linking: `?linked=` or `?error=`.
    let query = use_query_map();
    let returned_error = Memo::new(move |_| query.with(|q| q.get("error")));
    let linked = Memo::new(move |_| query.with(|q| q.get("linked")));

    view! {
        <h1>"Your profile"</h1>
        <Show when=move || returned_error.get().is_some()>
            <p class="form-error form-error-banner" role="alert">
                {move || returned_error.get().unwrap_or_default()}
            </p>
        </Show>
        <Show when=move || linked.get().is_some()>
            <p class="notice notice-success linked-notice" role="status">"The account was linked."</p>
        </Show>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <LinkedAccounts data reload /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn LinkedAccounts(data: Data, reload: Callback<()>) -> impl IntoView {
    let Some(viewer) = data.viewer else {
        return ().into_any();
    };
    let linked: Vec<String> = viewer
        .identities
        .iter()
        .map(|i| i.provider.clone())
        .collect();
    // One account per host: offer the hosts not linked yet.
    let linkable: Vec<Provider> = data
        .login_providers
        .into_iter()
        .filter(|provider| !linked.contains(&provider.name))
        .collect();
    let error = RwSignal::new(None::<ApiError>);
    let footer = move || {
        view! {
            <Show when=move || error.get().is_some()>
                <p class="form-error unlink-error" role="alert">
                    {move || error.get().map(|e| e.message).unwrap_or_default()}
                </p>
            </Show>
            <div class="link-actions">
                {linkable
                    .iter()
                    .map(|provider| {
                        view! {
                            <a
                                class="button link-provider"
                                rel="external"
                                href=provider.start_url.clone()
                                data-provider=provider.name.clone()
                            >
                                {format!("Link a {} account", provider.display_name)}
                            </a>
                        }
                    })
                    .collect_view()}
            </div>
        }
    };
    let intro = if viewer.has_password == Some(true) {
        "You sign in with your password or with one of these accounts."
    } else {
        "You sign in with these accounts. Keep at least one linked."
    };
    view! {
        <p class="muted profile-summary">
            "Signed in as " <strong class="profile-username">{viewer.username}</strong>
            {viewer.email.map(|email| format!(" ({email})"))}
        </p>
        <div class="linked-accounts">
            <TablePanel
                title="Linked accounts"
                count=viewer.identities.len()
                intro
                empty="No code-host account is linked yet."
                class="identities"
                columns=&["Provider", "Account", "Email", "Last sign-in"]
                footer=Box::new(move || footer().into_any())
            >
                {viewer
                    .identities
                    .into_iter()
                    .map(|identity| view! { <IdentityRow identity error reload /> })
                    .collect_view()}
            </TablePanel>
        </div>
    }
    .into_any()
}

#[component]
fn IdentityRow(
    identity: Identity,
    error: RwSignal<Option<ApiError>>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = Session::expect();
    let unlink = {
        let id = identity.id.clone();
        Action::new_local(move |(): &()| {
            let variables = unlink_identity::Variables { id: id.clone() };
            async move {
                match execute::<UnlinkIdentity>(variables).await {
                    Ok(_) => reload.run(()),
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure));
                    }
                }
            }
        })
    };
    view! {
        <tr data-provider=identity.provider.clone()>
            <td>{identity.provider_display_name}</td>
            <td class="identity-login">{identity.login}</td>
            <td>{identity.email.unwrap_or_default()}</td>
            <td>
                {identity
                    .last_login_at
                    .map(|value| view! { <Timestamp value /> })}
            </td>
            <td class="row-actions">
                <button
                    type="button"
                    class="button button-small button-danger-outline unlink"
                    disabled=move || unlink.pending().get()
                    on:click=move |_| {
                        error.set(None);
                        unlink.dispatch(());
                    }
                >
                    "Unlink"
                </button>
            </td>
        </tr>
    }
}
