//! `/orgs/:url_name/members`: who belongs to the organization and in which teams;
//! for owners also removing members, inviting people (by username or email, into
//! teams) and the open invitations. Anyone may leave.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use super::CurrentOrganization;
use crate::api::operations::{
    InviteMember, OrganizationInvitations, OrganizationMembers, OrganizationRole, RemoveInvitation,
    RemoveMember, invite_member, organization_invitations, organization_members, remove_invitation,
    remove_member,
};
use crate::api::{ApiError, execute};
use crate::components::{
    ErrorPanel, FormError, GrowingList, Loading, Page, RemovableRow, ShowMore, TablePanel,
    TextField, Timestamp, field_error, form_error,
};
use crate::pages::teams::{load_team_options, team_path};
use crate::session::Session;

const PAGE_SIZE: i64 = 50;

#[derive(Clone, Debug, PartialEq)]
struct MemberRow {
    user_id: String,
    username: String,
    role: OrganizationRole,
    joined_at: String,
    /// `(id, name, is_owners)`.
    teams: Vec<(String, String, bool)>,
}

#[derive(Clone, Debug, PartialEq)]
struct InvitationRow {
    id: String,
    /// The address, or the account it is for.
    invitee: String,
    teams: Vec<String>,
    created_at: String,
    expires_at: String,
}

async fn load_members(
    session: Session,
    url_name: String,
    after: Option<String>,
) -> Result<Page<MemberRow>, ApiError> {
    let variables = organization_members::Variables {
        url_name,
        first: PAGE_SIZE,
        after,
    };
    let data = execute::<OrganizationMembers>(variables)
        .await
        .inspect_err(|error| session.observe(error))?;
    let members = data.organization.members;
    let rows = members
        .nodes
        .into_iter()
        .map(|member| MemberRow {
            user_id: member.user.id,
            username: member.user.username,
            role: member.role,
            joined_at: member.joined_at,
            teams: member
                .teams
                .into_iter()
                .map(|team| (team.id, team.name, team.is_owners))
                .collect(),
        })
        .collect();
    Ok(Page::new(
        rows,
        members.total_count,
        members.page_info.has_next_page,
        members.page_info.end_cursor,
    ))
}

async fn load_invitations(
    session: Session,
    url_name: String,
) -> Result<Vec<InvitationRow>, ApiError> {
    let data = execute::<OrganizationInvitations>(organization_invitations::Variables { url_name })
        .await
        .inspect_err(|error| session.observe(error))?;
    Ok(data
        .organization
        .invitations
        .into_iter()
        .map(|invitation| InvitationRow {
            id: invitation.id,
            invitee: match (invitation.email, invitation.username, invitation.user_id) {
                (Some(email), _, _) => email,
                (None, Some(username), _) => username,
                (None, None, Some(user_id)) => format!("User account #{user_id}"),
                (None, None, None) => "Unknown".to_owned(),
            },
            teams: invitation.teams.into_iter().map(|team| team.name).collect(),
            created_at: invitation.created_at,
            expires_at: invitation.expires_at,
        })
        .collect())
}

#[component]
pub fn MembersTab() -> impl IntoView {
    let session = Session::expect();
    let organization = CurrentOrganization::expect();
    let url_name = organization.url_name();
    let can_manage = organization.can_manage();
    let first_page = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_members(session, url_name.clone(), None))
    };
    let reload_members = Callback::new(move |()| first_page.refetch());
    let invitations = {
        let url_name = url_name.clone();
        LocalResource::new(move || {
            let url_name = url_name.clone();
            async move {
                if can_manage {
                    load_invitations(session, url_name).await.map(Some)
                } else {
                    Ok(None)
                }
            }
        })
    };
    let reload_invitations = Callback::new(move |()| invitations.refetch());

    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let url_name = url_name.clone();
                Suspend::new(async move {
                    match first_page.await {
                        Ok(page) => {
                            view! { <MembersSection url_name first_page=page reload=reload_members /> }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Transition>
        {can_manage
            .then(|| {
                view! {
                    <Transition fallback=|| view! { <Loading /> }>
                        {move || Suspend::new(async move {
                            match invitations.await {
                                Ok(Some(rows)) => {
                                    view! { <InvitationTable rows reload=reload_invitations /> }.into_any()
                                }
                                Ok(None) => ().into_any(),
                                Err(error) => view! { <ErrorPanel error /> }.into_any(),
                            }
                        })}
                    </Transition>
                    <InviteForm on_invited=reload_invitations />
                }
            })}
    }
}

#[component]
fn MembersSection(
    url_name: String,
    first_page: Page<MemberRow>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = Session::expect();
    let can_manage = CurrentOrganization::expect().can_manage();
    let viewer_id = session.viewer().map(|viewer| viewer.id).unwrap_or_default();
    let navigate = use_navigate();
    let list = {
        let url_name = url_name.clone();
        GrowingList::new(first_page, move |cursor| {
            load_members(session, url_name.clone(), Some(cursor))
        })
    };
    let open = RwSignal::new(None::<String>);
    // Leaving the organization: it is gone for the viewer, back to their list.
    let left = Callback::new(move |()| navigate("/", Default::default()));

    view! {
        <section class="panel">
            <h2>"Members " <span class="count">{move || list.total()}</span></h2>
            <p class="muted">
                "Members see the packages of their teams. Owners are the members of the Owners team."
            </p>
            <div class="table-scroll">
                <table class="table members">
                    <thead>
                        <tr>
                            <th scope="col">"User"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Teams"</th>
                            <th scope="col">"Joined"</th>
                            <th scope="col">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || list.items()
                            key=|member| (member.user_id.clone(), member.teams.clone())
                            children=move |member| {
                                let is_viewer = member.user_id == viewer_id;
                                let url_name = url_name.clone();
                                let user_id = member.user_id.clone();
                                let (subject, button_label, verb, action_label, consequence) = if is_viewer {
                                    (
                                        url_name.clone(),
                                        "Leave",
                                        "Leave",
                                        "Leave organization",
                                        "You lose its packages at once.",
                                    )
                                } else {
                                    (
                                        member.username.clone(),
                                        "Remove",
                                        "Remove",
                                        "Remove member",
                                        "They leave its teams and lose its packages at once, tokens included.",
                                    )
                                };
                                let teams = member.teams.clone();
                                let team_links_org = url_name.clone();
                                view! {
                                    <RemovableRow
                                        key=member.user_id.clone()
                                        open
                                        cells=4
                                        name=member.username.clone()
                                        subject
                                        verb
                                        button_label
                                        action_label
                                        consequence
                                        can_remove=can_manage || is_viewer
                                        remove=move || {
                                            let variables = remove_member::Variables {
                                                organization: url_name.clone(),
                                                user_id: user_id.clone(),
                                            };
                                            async move { execute::<RemoveMember>(variables).await.map(drop) }
                                        }
                                        on_removed=if is_viewer { left } else { reload }
                                    >
                                        <td class="member-name">
                                            {member.username.clone()}
                                            {is_viewer.then(|| view! { " " <span class="muted">"(you)"</span> })}
                                        </td>
                                        <td>
                                            <span
                                                class="badge"
                                                class:badge-role=member.role == OrganizationRole::Owner
                                            >
                                                {member.role.label()}
                                            </span>
                                        </td>
                                        <td class="member-teams">
                                            {if teams.is_empty() {
                                                view! { <span class="muted">"No team"</span> }.into_any()
                                            } else {
                                                teams
                                                    .into_iter()
                                                    .map(|(id, name, is_owners)| {
                                                        view! {
                                                            <A
                                                                href=team_path(&team_links_org, &id)
                                                                attr:class=if is_owners { "badge badge-role" } else { "badge badge-neutral" }
                                                            >
                                                                {name}
                                                            </A>
                                                        }
                                                    })
                                                    .collect_view()
                                                    .into_any()
                                            }}
                                        </td>
                                        <td>
                                            <Timestamp value=member.joined_at.clone() />
                                        </td>
                                    </RemovableRow>
                                }
                            }
                        />
                    </tbody>
                </table>
            </div>
            <ShowMore list />
        </section>
    }
}

#[component]
fn InvitationTable(rows: Vec<InvitationRow>, reload: Callback<()>) -> impl IntoView {
    let open = RwSignal::new(None::<String>);
    view! {
        <TablePanel
            title="Open invitations"
            count=rows.len()
            intro="They become members, in these teams, when they accept."
            empty="No open invitations."
            class="invitations"
            columns=&["Invitee", "Teams", "Sent", "Expires"]
        >
            {rows
                .into_iter()
                .map(|row| {
                    let id = row.id.clone();
                    view! {
                        <RemovableRow
                            key=row.id.clone()
                            open
                            cells=4
                            name=row.invitee.clone()
                            subject=format!("the invitation of {}", row.invitee)
                            verb="Withdraw"
                            button_label="Withdraw"
                            action_label="Withdraw invitation"
                            pending_label="Withdrawing…"
                            consequence="It can no longer be accepted."
                            remove=move || {
                                let variables = remove_invitation::Variables { id: id.clone() };
                                async move { execute::<RemoveInvitation>(variables).await.map(drop) }
                            }
                            on_removed=reload
                        >
                            <td class="invitee">{row.invitee.clone()}</td>
                            <td>
                                {if row.teams.is_empty() {
                                    view! { <span class="muted">"No team"</span> }.into_any()
                                } else {
                                    row.teams
                                        .iter()
                                        .map(|name| view! { <span class="badge badge-neutral">{name.clone()}</span> })
                                        .collect_view()
                                        .into_any()
                                }}
                            </td>
                            <td>
                                <Timestamp value=row.created_at.clone() />
                            </td>
                            <td>
                                <Timestamp value=row.expires_at.clone() />
                            </td>
                        </RemovableRow>
                    }
                })
                .collect_view()}
        </TablePanel>
    }
}

/// `inviteMember`: a username or an email address, and the teams they join on accepting.
#[component]
fn InviteForm(on_invited: Callback<()>) -> impl IntoView {
    const FIELDS: &[&str] = &["usernameOrEmail", "teamIds"];
    let session = Session::expect();
    let url_name = CurrentOrganization::expect().url_name();
    let invitee = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let error = RwSignal::new(None::<ApiError>);
    let sent = RwSignal::new(None::<String>);
    let teams = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_team_options(session, url_name.clone()))
    };

    let invite = Action::new_local(move |(who, team_ids): &(String, Vec<String>)| {
        let variables = invite_member::Variables {
            organization: url_name.clone(),
            username_or_email: who.clone(),
            team_ids: team_ids.clone(),
        };
        let who = who.clone();
        async move {
            match execute::<InviteMember>(variables).await {
                Ok(_) => {
                    invitee.set(String::new());
                    chosen.set(Vec::new());
                    sent.set(Some(who));
                    on_invited.run(());
                }
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(failure));
                }
            }
        }
    });
    let pending = invite.pending();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        error.set(None);
        sent.set(None);
        let who = invitee.get_untracked().trim().to_owned();
        if who.is_empty() {
            error.set(Some(ApiError::invalid(
                "usernameOrEmail",
                "Name the user or give their email address.",
            )));
            return;
        }
        invite.dispatch((who, chosen.get_untracked()));
    };

    view! {
        <form class="panel form-panel invite-form" on:submit=on_submit novalidate>
            <h2>"Invite someone"</h2>
            {move || {
                sent.get()
                    .map(|who| {
                        view! {
                            <p class="notice notice-success" role="status">
                                {format!("Invitation sent to {who}. They find it on their Packyard home page.")}
                            </p>
                        }
                    })
            }}
            <FormError message=form_error(error, FIELDS) />
            <TextField
                label="Username or email address"
                name="usernameOrEmail"
                value=invitee
                error=field_error(error, "usernameOrEmail")
                placeholder="jane or jane@example.com"
                hint="An address works for people without an account yet: the invitation waits for the account with that address."
                required=true
            />
            <fieldset class="field choices">
                <legend>"Teams they join"</legend>
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        match teams.await {
                            Ok(options) => {
                                options
                                    .into_iter()
                                    .map(|(id, name, is_owners)| {
                                        let input_id = format!("invite-team-{id}");
                                        let label_for = input_id.clone();
                                        let (checked_id, toggled_id) = (id.clone(), id.clone());
                                        view! {
                                            <label class="choice" for=label_for>
                                                <input
                                                    type="checkbox"
                                                    id=input_id
                                                    name="teamIds"
                                                    value=id.clone()
                                                    prop:checked=move || chosen.with(|chosen| chosen.contains(&checked_id))
                                                    on:change=move |event| {
                                                        let on = event_target_checked(&event);
                                                        chosen.update(|chosen| {
                                                            chosen.retain(|id| *id != toggled_id);
                                                            if on {
                                                                chosen.push(toggled_id.clone());
                                                            }
                                                        });
                                                    }
                                                />
                                                <span>
                                                    <strong>{name}</strong>
                                                    {is_owners.then(|| view! { <span class="muted">" — makes them an owner, with every right"</span> })}
                                                </span>
                                            </label>
                                        }
                                    })
                                    .collect_view()
                                    .into_any()
                            }
                            Err(error) => view! { <p class="form-error" role="alert">{error.message}</p> }.into_any(),
                        }
                    })}
                </Transition>
                {move || field_error(error, "teamIds").get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <p class="field-hint">"Without a team they see no packages until one gives them some."</p>
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Inviting…" } else { "Send invitation" }}
                </button>
            </div>
        </form>
    }
}
