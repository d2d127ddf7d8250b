//! Teams: `/orgs/:url_name/teams` (the list, and creating one with its permissions) and
//! `/orgs/:url_name/teams/:team_id` (a team's rights, members and packages; see
//! `show.rs`). Every member sees the teams; only owners change them, except that members
//! allowed to edit team packages may grant the packages they can edit.

mod permissions;
mod show;

pub use show::TeamPage;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use self::permissions::{PermissionBadges, PermissionToggles};
use crate::api::operations::{
    CreateTeam, OrganizationMembers, OrganizationPackages, OrganizationTeams, create_team,
    organization_members, organization_packages, organization_teams,
};
use crate::api::{ApiError, execute};
use crate::components::{
    ErrorPanel, FormError, Loading, TablePanel, TextField, field_error, form_error,
};
use crate::pages::organizations::{
    CurrentOrganization, Permissions, organization_path, permissions_of,
};
use crate::pages::packages::display_name;
use crate::session::Session;

/// The most rows one request lists (the API's page size limit).
const PAGE_SIZE: i64 = 100;

/// `/orgs/:org/teams`.
pub fn teams_path(url_name: &str) -> String {
    format!("{}/teams", organization_path(url_name))
}

/// `/orgs/:org/teams/:id`.
pub fn team_path(url_name: &str, id: &str) -> String {
    format!("{}/{id}", teams_path(url_name))
}

#[derive(Clone, Debug, PartialEq)]
struct TeamRow {
    id: String,
    name: String,
    is_owners: bool,
    /// Managed by a synchronization (`synchronizationId`).
    synchronized: bool,
    access_to_all_packages: bool,
    permissions: Permissions,
    members: usize,
    packages: usize,
}

async fn load_teams(session: Session, url_name: String) -> Result<Vec<TeamRow>, ApiError> {
    let data = execute::<OrganizationTeams>(organization_teams::Variables { url_name })
        .await
        .inspect_err(|error| session.observe(error))?;
    Ok(data
        .organization
        .teams
        .into_iter()
        .map(|team| TeamRow {
            id: team.id,
            name: team.name,
            is_owners: team.is_owners,
            synchronized: team.synchronization_id.is_some(),
            access_to_all_packages: team.access_to_all_packages,
            permissions: permissions_of!(team.permissions),
            members: team.members.len(),
            packages: team.packages.len(),
        })
        .collect())
}

/// The teams as `(id, name, is_owners)`, the owners team first.
pub(crate) async fn load_team_options(
    session: Session,
    url_name: String,
) -> Result<Vec<(String, String, bool)>, ApiError> {
    Ok(load_teams(session, url_name)
        .await?
        .into_iter()
        .map(|team| (team.id, team.name, team.is_owners))
        .collect())
}

/// Every member of the organization as `(user id, username)`, page after page.
pub(crate) async fn load_member_options(
    session: Session,
    url_name: String,
) -> Result<Vec<(String, String)>, ApiError> {
    let mut options = Vec::new();
    let mut after = None;
    loop {
        let variables = organization_members::Variables {
            url_name: url_name.clone(),
            first: PAGE_SIZE,
            after,
        };
        let members = execute::<OrganizationMembers>(variables)
            .await
            .inspect_err(|error| session.observe(error))?
            .organization
            .members;
        options.extend(
            members
                .nodes
                .into_iter()
                .map(|member| (member.user.id, member.user.username)),
        );
        match members.page_info.end_cursor {
            Some(cursor) if members.page_info.has_next_page => after = Some(cursor),
            _ => return Ok(options),
        }
    }
}

/// Every package of the organization the viewer sees, as `(key, label)`: the key is what
/// `addTeamPackages` takes (`vendor/name`, or the id before the first read).
pub(crate) async fn load_package_options(
    session: Session,
    url_name: String,
) -> Result<Vec<(String, String)>, ApiError> {
    let mut options = Vec::new();
    let mut after = None;
    loop {
        let variables = organization_packages::Variables {
            url_name: url_name.clone(),
            first: PAGE_SIZE,
            after,
            query: None,
        };
        let packages = execute::<OrganizationPackages>(variables)
            .await
            .inspect_err(|error| session.observe(error))?
            .organization
            .packages;
        options.extend(packages.nodes.into_iter().map(|package| {
            let label = display_name(
                package.name.as_deref(),
                package.repository_url.as_deref(),
                &package.id,
            );
            (package.name.unwrap_or(package.id), label)
        }));
        match packages.page_info.end_cursor {
            Some(cursor) if packages.page_info.has_next_page => after = Some(cursor),
            _ => {
                options.sort_by(|a, b| a.1.cmp(&b.1));
                return Ok(options);
            }
        }
    }
}

#[component]
pub fn TeamsTab() -> impl IntoView {
    let session = Session::expect();
    let organization = CurrentOrganization::expect();
    let url_name = organization.url_name();
    let teams = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_teams(session, url_name.clone()))
    };

    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let url_name = url_name.clone();
                Suspend::new(async move {
                    match teams.await {
                        Ok(rows) => view! { <TeamTable url_name rows /> }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Transition>
        {if organization.can_manage() {
            view! { <CreateTeamForm url_name=organization.url_name() /> }.into_any()
        } else {
            view! {
                <p class="note">"Only owners of the organization create and change teams."</p>
            }
                .into_any()
        }}
    }
}

/// Marks a team a synchronization manages; links to the Synchronization tab.
#[component]
pub(crate) fn SynchronizedBadge() -> impl IntoView {
    let url_name = CurrentOrganization::expect().url_name();
    view! {
        <A
            href=format!("{}/synchronizations", organization_path(&url_name))
            attr:class="badge badge-info team-synchronized"
            attr:title="Its members and packages follow the team at the code host"
        >
            "Synchronized"
        </A>
    }
}

#[component]
fn TeamTable(url_name: String, rows: Vec<TeamRow>) -> impl IntoView {
    view! {
        <TablePanel
            title="Teams"
            count=rows.len()
            intro="A team's members see the team's packages, and may do what its permissions \
                   allow. Tokens can be limited to one team's packages."
            empty="No teams yet."
            class="teams"
            columns=&["Team", "Permissions", "Members", "Packages"]
        >
            {rows
                .into_iter()
                .map(|team| {
                    let href = team_path(&url_name, &team.id);
                    let (name, link_text) = (team.name.clone(), team.name.clone());
                    view! {
                        <tr data-name=name>
                            <td class="team-name">
                                <A href=href.clone()>{link_text}</A>
                                {team
                                    .is_owners
                                    .then(|| view! { " " <span class="badge badge-role">"Owners"</span> })}
                                {team.synchronized.then(|| view! { " " <SynchronizedBadge /> })}
                            </td>
                            <td>
                                {if team.is_owners {
                                    view! { <span class="muted">"Every right"</span> }.into_any()
                                } else {
                                    view! { <PermissionBadges permissions=team.permissions /> }.into_any()
                                }}
                            </td>
                            <td>{team.members}</td>
                            <td>
                                {if team.access_to_all_packages {
                                    view! { <span class="badge badge-info">"All packages"</span> }.into_any()
                                } else {
                                    view! { <span>{team.packages}</span> }.into_any()
                                }}
                            </td>
                            <td class="row-actions">
                                <A href=href attr:class="button button-small">
                                    "Open"
                                </A>
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </TablePanel>
    }
}

/// A new team: its name and permissions (`createTeam`); its page opens, for members and
/// packages.
#[component]
fn CreateTeamForm(url_name: String) -> impl IntoView {
    const FIELDS: &[&str] = &["name", "permissions"];
    let session = Session::expect();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let permissions = RwSignal::new(Permissions::default());
    let error = RwSignal::new(None::<ApiError>);

    let create = Action::new_local(move |(team_name, flags): &(String, Permissions)| {
        let variables = create_team::Variables {
            organization: url_name.clone(),
            name: team_name.clone(),
            permissions: create_team::TeamPermissionsInput {
                can_edit_team_packages: flags.can_edit_team_packages,
                can_add_packages: flags.can_add_packages,
                can_create_suborganizations: flags.can_create_suborganizations,
                can_view_vendor_customers: flags.can_view_vendor_customers,
                can_manage_vendor_customers: flags.can_manage_vendor_customers,
            },
        };
        let (navigate, url_name) = (navigate.clone(), url_name.clone());
        async move {
            match execute::<CreateTeam>(variables).await {
                Ok(data) => navigate(
                    &team_path(&url_name, &data.create_team.id),
                    Default::default(),
                ),
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(failure));
                }
            }
        }
    });
    let pending = create.pending();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let team_name = name.get_untracked().trim().to_owned();
        if team_name.is_empty() {
            error.set(Some(ApiError::invalid("name", "Name the team.")));
            return;
        }
        create.dispatch((team_name, permissions.get_untracked()));
    };

    view! {
        <form class="panel form-panel create-team-form" on:submit=on_submit novalidate>
            <h2>"Create a team"</h2>
            <FormError message=form_error(error, FIELDS) />
            <TextField
                label="Name"
                name="name"
                value=name
                error=field_error(error, "name")
                placeholder="Developers"
                required=true
            />
            <PermissionToggles value=permissions id_prefix="new-team" disabled=Signal::stored(false) />
            {move || {
                field_error(error, "permissions")
                    .get()
                    .map(|message| view! { <p class="form-error" role="alert">{message}</p> })
            }}
            <p class="field-hint">
                "Members and packages are added on the team's page, which opens next."
            </p>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create team" }}
                </button>
            </div>
        </form>
    }
}
