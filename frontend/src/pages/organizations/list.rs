//! `/`: the signed-in user's organizations, and the invitations waiting for them.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use super::area::initial;
use super::organization_path;
use crate::api::operations::{
    AcceptInvitation, OrganizationRole, RemoveInvitation, ViewerInvitations, ViewerOrganizations,
    accept_invitation, remove_invitation, viewer_invitations, viewer_organizations,
};
use crate::api::{ApiError, execute};
use crate::components::{ErrorPanel, GrowingList, Loading, Page, ShowMore, Timestamp};
use crate::session::Session;

const PAGE_SIZE: i64 = 50;

#[derive(Clone, Debug, PartialEq)]
struct OrganizationRow {
    id: String,
    name: String,
    url_name: String,
    viewer_role: Option<OrganizationRole>,
}

/// One page of the viewer's organizations, starting after `after`.
async fn load_page(
    session: Session,
    after: Option<String>,
) -> Result<Page<OrganizationRow>, ApiError> {
    let variables = viewer_organizations::Variables {
        first: PAGE_SIZE,
        after,
    };
    let result = execute::<ViewerOrganizations>(variables)
        .await
        .and_then(|data| data.viewer.ok_or_else(ApiError::signed_out));
    let viewer = result.inspect_err(|error| session.observe(error))?;
    let connection = viewer.organizations;
    let rows = connection
        .nodes
        .into_iter()
        .map(|node| OrganizationRow {
            id: node.id,
            name: node.name,
            url_name: node.url_name,
            viewer_role: node.viewer_role,
        })
        .collect();
    Ok(Page::new(
        rows,
        connection.total_count,
        connection.page_info.has_next_page,
        connection.page_info.end_cursor,
    ))
}

/// `/`: the organizations the signed-in user belongs to.
#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let session = Session::expect();
    let first_page = LocalResource::new(move || load_page(session, None));

    view! {
        <div class="page-header">
            <h1>"Organizations"</h1>
            <A href="/organizations/new" attr:class="button button-primary">
                "New organization"
            </A>
        </div>
        <PendingInvitations />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match first_page.await {
                    Ok(page) if page.items.is_empty() => view! { <NoOrganizations /> }.into_any(),
                    Ok(page) => view! { <OrganizationList first_page=page /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NoOrganizations() -> impl IntoView {
    view! {
        <section class="panel empty-state">
            <h2>"You are not in any organization yet"</h2>
            <p class="muted">
                "An organization holds your private Composer packages, the teams that may "
                "use them and their access tokens."
            </p>
            <A href="/organizations/new" attr:class="button button-primary">
                "Create an organization"
            </A>
        </section>
    }
}

/// The list itself; further pages are appended in place.
#[component]
fn OrganizationList(first_page: Page<OrganizationRow>) -> impl IntoView {
    let session = Session::expect();
    let list = GrowingList::new(first_page, move |cursor| load_page(session, Some(cursor)));

    view! {
        <ul class="org-list">
            <For
                each=move || list.items()
                key=|row| row.id.clone()
                children=|row| {
                    view! {
                        <li>
                            <A href=organization_path(&row.url_name) attr:class="org-link">
                                <span class="org-avatar" aria-hidden="true">
                                    {initial(&row.name)}
                                </span>
                                <span class="org-text">
                                    <span class="org-name">{row.name}</span>
                                    <span class="org-url muted">{organization_path(&row.url_name)}</span>
                                </span>
                                {row
                                    .viewer_role
                                    .map(|role| view! { <span class="badge">{role.label()}</span> })}
                            </A>
                        </li>
                    }
                }
            />
        </ul>
        <ShowMore list />
    }
}

#[derive(Clone, Debug, PartialEq)]
struct PendingInvitation {
    id: String,
    organization_name: String,
    teams: Vec<String>,
    created_at: String,
    expires_at: String,
}

async fn load_invitations(session: Session) -> Result<Vec<PendingInvitation>, ApiError> {
    let result = execute::<ViewerInvitations>(viewer_invitations::Variables)
        .await
        .and_then(|data| data.viewer.ok_or_else(ApiError::signed_out));
    let viewer = result.inspect_err(|error| session.observe(error))?;
    Ok(viewer
        .invitations
        .into_iter()
        .map(|invitation| PendingInvitation {
            id: invitation.id,
            organization_name: invitation.organization_name,
            teams: invitation.teams.into_iter().map(|team| team.name).collect(),
            created_at: invitation.created_at,
            expires_at: invitation.expires_at,
        })
        .collect())
}

/// Invitations addressed to the viewer (by account or email), with "Accept" (which opens
/// the organization) and "Decline". Nothing when there are none.
#[component]
fn PendingInvitations() -> impl IntoView {
    let session = Session::expect();
    let invitations = LocalResource::new(move || load_invitations(session));
    let reload = Callback::new(move |()| invitations.refetch());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match invitations.await {
                    Ok(rows) if rows.is_empty() => ().into_any(),
                    Ok(rows) => {
                        view! {
                            <section class="panel invitations-panel" aria-labelledby="invitations-heading">
                                <h2 id="invitations-heading">
                                    "Invitations " <span class="count">{rows.len()}</span>
                                </h2>
                                <ul class="invitation-list">
                                    {rows
                                        .into_iter()
                                        .map(|invitation| view! { <InvitationItem invitation reload /> })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => {
                        view! {
                            <p class="form-error form-error-banner" role="alert">
                                {format!("Your invitations could not be loaded: {}", error.message)}
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    Accept,
    Decline,
}

#[component]
fn InvitationItem(invitation: PendingInvitation, reload: Callback<()>) -> impl IntoView {
    let session = Session::expect();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let answer = Action::new_local({
        let id = invitation.id.clone();
        move |answer: &Answer| {
            let (id, answer, navigate) = (id.clone(), *answer, navigate.clone());
            async move {
                let result = match answer {
                    Answer::Accept => {
                        execute::<AcceptInvitation>(accept_invitation::Variables { id })
                            .await
                            .map(|data| Some(data.accept_invitation))
                    }
                    Answer::Decline => {
                        execute::<RemoveInvitation>(remove_invitation::Variables { id })
                            .await
                            .map(|_| None)
                    }
                };
                match result {
                    Ok(Some(url_name)) => {
                        navigate(&organization_path(&url_name), Default::default())
                    }
                    Ok(None) => reload.run(()),
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure.message));
                    }
                }
            }
        }
    });
    let pending = answer.pending();
    let last = answer.input();
    let busy_with = move |which: Answer| pending.get() && last.get() == Some(which);
    let teams = if invitation.teams.is_empty() {
        "no team yet".to_owned()
    } else {
        invitation.teams.join(", ")
    };
    view! {
        <li class="invitation" data-organization=invitation.organization_name.clone()>
            <div class="invitation-text">
                <span class="invitation-organization">{invitation.organization_name.clone()}</span>
                <span class="muted">
                    {format!("Teams: {teams} · invited ")}
                    <Timestamp value=invitation.created_at.clone() />
                    " · expires "
                    <Timestamp value=invitation.expires_at.clone() />
                </span>
                {move || error.get().map(|message| view! { <span class="form-error" role="alert">{message}</span> })}
            </div>
            <div class="invitation-actions">
                <button
                    type="button"
                    class="button button-primary accept-invitation"
                    aria-label=format!("Accept the invitation to {}", invitation.organization_name)
                    disabled=move || pending.get()
                    on:click=move |_| {
                        error.set(None);
                        answer.dispatch(Answer::Accept);
                    }
                >
                    {move || if busy_with(Answer::Accept) { "Joining…" } else { "Accept" }}
                </button>
                <button
                    type="button"
                    class="button decline-invitation"
                    aria-label=format!("Decline the invitation to {}", invitation.organization_name)
                    disabled=move || pending.get()
                    on:click=move |_| {
                        error.set(None);
                        answer.dispatch(Answer::Decline);
                    }
                >
                    {move || if busy_with(Answer::Decline) { "Declining…" } else { "Decline" }}
                </button>
            </div>
        </li>
    }
}
