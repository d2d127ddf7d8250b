//! `/orgs/:url_name/teams/:team_id`: a team's name and permissions, its members and the
//! packages it sees, and removing it. The owners team has every right, fixed.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::permissions::{ALL, PermissionToggles};
use super::{SynchronizedBadge, load_member_options, load_package_options, teams_path};
use crate::api::operations::{
    AddTeamMember, AddTeamPackages, EditTeam, GrantTeamAccessToAllPackages, RemoveTeam,
    RemoveTeamMember, RemoveTeamPackage, RevokeTeamAccessToAllPackages, TeamPage as TeamPageQuery,
    add_team_member, add_team_packages, edit_team, grant_team_access_to_all_packages, remove_team,
    remove_team_member, remove_team_package, revoke_team_access_to_all_packages, team_page,
};
use crate::api::{ApiError, execute};
use crate::components::{
    ConfirmRow, ErrorPanel, FormError, Loading, RemovableRow, SelectField, TablePanel, TextField,
    Timestamp, field_error, form_error,
};
use crate::pages::organizations::{CurrentOrganization, Permissions, permissions_of};
use crate::pages::packages::display_name;
use crate::session::Session;

#[derive(Clone, Debug, PartialEq)]
struct TeamDetails {
    id: String,
    name: String,
    is_owners: bool,
    /// Managed by a synchronization: its members follow the team at the code host.
    synchronized: bool,
    access_to_all_packages: bool,
    created_at: String,
    permissions: Permissions,
    /// `(user id, username)`.
    members: Vec<(String, String)>,
    /// `(key for the API, label)`: `vendor/name`, or the id before the first read.
    packages: Vec<(String, String)>,
}

/// The team, and what the add forms offer (`None` when the viewer may not add).
#[derive(Clone, Debug, PartialEq)]
struct TeamPageData {
    team: TeamDetails,
    member_options: Option<Vec<(String, String)>>,
    package_options: Option<Vec<(String, String)>>,
}

/// What the viewer may change on a team's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rights {
    /// Name, permissions, members, access to all packages, removal: owners.
    manage: bool,
    /// Granting and withdrawing packages: owners, and members allowed to edit team
    /// packages (for the packages they can edit; the server checks each).
    grant: bool,
}

async fn load_team(
    session: Session,
    url_name: String,
    id: String,
) -> Result<TeamDetails, ApiError> {
    let data = execute::<TeamPageQuery>(team_page::Variables { url_name, id })
        .await
        .inspect_err(|error| session.observe(error))?;
    let team = data.organization.team;
    Ok(TeamDetails {
        id: team.id,
        name: team.name,
        is_owners: team.is_owners,
        synchronized: team.synchronization_id.is_some(),
        access_to_all_packages: team.access_to_all_packages,
        created_at: team.created_at,
        permissions: permissions_of!(team.permissions),
        members: team
            .members
            .into_iter()
            .map(|user| (user.id, user.username))
            .collect(),
        packages: team
            .packages
            .into_iter()
            .map(|package| {
                let label = display_name(
                    package.name.as_deref(),
                    package.repository_url.as_deref(),
                    &package.id,
                );
                (package.name.unwrap_or(package.id), label)
            })
            .collect(),
    })
}

async fn load_page(
    session: Session,
    url_name: String,
    id: String,
    rights: Rights,
) -> Result<TeamPageData, ApiError> {
    let members = async {
        if rights.manage {
            load_member_options(session, url_name.clone())
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    };
    let packages = async {
        if rights.grant {
            load_package_options(session, url_name.clone())
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    };
    let (team, members, packages) =
        futures::join!(load_team(session, url_name.clone(), id), members, packages);
    Ok(TeamPageData {
        team: team?,
        member_options: members?,
        package_options: packages?,
    })
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let session = Session::expect();
    let organization = CurrentOrganization::expect();
    let url_name = organization.url_name();
    let rights = Rights {
        manage: organization.can_manage(),
        grant: organization.can_manage() || organization.permissions().can_edit_team_packages,
    };
    let params = use_params_map();
    let team_id =
        Memo::new(move |_| params.with(|params| params.get("team_id").unwrap_or_default()));
    let page = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_page(session, url_name.clone(), team_id.get(), rights))
    };
    let reload = Callback::new(move |()| page.refetch());
    // Survives the reload after a change, which draws the page anew.
    let notice = RwSignal::new(None::<String>);

    view! {
        <div class="breadcrumbs">
            <A href=teams_path(&url_name)>"← All teams"</A>
        </div>
        {move || {
            notice
                .get()
                .map(|text| {
                    view! {
                        <p class="notice notice-success" role="status">
                            {text}
                            <button type="button" class="button button-quiet button-small" on:click=move |_| notice.set(None)>
                                "Dismiss"
                            </button>
                        </p>
                    }
                })
        }}
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <TeamView data rights reload notice /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TeamView(
    data: TeamPageData,
    rights: Rights,
    reload: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let TeamPageData {
        team,
        member_options,
        package_options,
    } = data;
    view! {
        <div class="page-title">
            <p class="eyebrow">"Team"</p>
            <h2 class="team-title">
                {team.name.clone()}
                {team.is_owners.then(|| view! { " " <span class="badge badge-role">"Owners"</span> })}
                {team.synchronized.then(|| view! { " " <SynchronizedBadge /> })}
            </h2>
            <p class="muted">"Created " <Timestamp value=team.created_at.clone() /></p>
        </div>
        <TeamSettings team=team.clone() rights reload notice />
        <TeamMembers team=team.clone() options=member_options rights reload notice />
        <TeamPackages team=team.clone() options=package_options rights reload notice />
        {(rights.manage && !team.is_owners).then(|| view! { <RemoveTeamPanel team /> })}
    }
}

/// Name and permissions: `editTeam`. The owners team's permissions are fixed.
#[component]
fn TeamSettings(
    team: TeamDetails,
    rights: Rights,
    reload: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    const FIELDS: &[&str] = &["name", "permissions"];
    let session = Session::expect();
    let name = RwSignal::new(team.name.clone());
    let permissions = RwSignal::new(if team.is_owners {
        ALL
    } else {
        team.permissions
    });
    let error = RwSignal::new(None::<ApiError>);
    let (saved_name, saved_permissions, is_owners) =
        (team.name.clone(), team.permissions, team.is_owners);
    let changed = {
        let saved_name = saved_name.clone();
        move || {
            name.with(|name| name.trim() != saved_name)
                || (!is_owners && permissions.get() != saved_permissions)
        }
    };
    let save = Action::new_local({
        let id = team.id.clone();
        move |(new_name, flags): &(Option<String>, Option<Permissions>)| {
            let variables = edit_team::Variables {
                id: id.clone(),
                name: new_name.clone(),
                permissions: flags.map(|flags| edit_team::TeamPermissionsInput {
                    can_edit_team_packages: flags.can_edit_team_packages,
                    can_add_packages: flags.can_add_packages,
                    can_create_suborganizations: flags.can_create_suborganizations,
                    can_view_vendor_customers: flags.can_view_vendor_customers,
                    can_manage_vendor_customers: flags.can_manage_vendor_customers,
                }),
            };
            async move {
                match execute::<EditTeam>(variables).await {
                    Ok(data) => {
                        notice.set(Some(format!("Team “{}” saved.", data.edit_team.name)));
                        reload.run(());
                    }
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure));
                    }
                }
            }
        }
    });
    let pending = save.pending();
    let can_save = {
        let changed = changed.clone();
        move || changed() && !pending.get()
    };
    let on_submit = {
        let saved_name = saved_name.clone();
        let can_save = can_save.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            if !rights.manage || !can_save() {
                return;
            }
            error.set(None);
            notice.set(None);
            let new_name = name.get_untracked().trim().to_owned();
            if new_name.is_empty() {
                error.set(Some(ApiError::invalid("name", "Name the team.")));
                return;
            }
            let flags = permissions.get_untracked();
            save.dispatch((
                (new_name != saved_name).then_some(new_name),
                (!is_owners && flags != saved_permissions).then_some(flags),
            ));
        }
    };
    let locked = !rights.manage || is_owners;

    view! {
        <form class="panel form-panel team-settings" on:submit=on_submit novalidate>
            <h2>"Name and permissions"</h2>
            <FormError message=form_error(error, FIELDS) />
            {if rights.manage {
                view! {
                    <TextField label="Name" name="name" value=name error=field_error(error, "name") required=true />
                }
                    .into_any()
            } else {
                view! { <p><strong>{team.name.clone()}</strong></p> }.into_any()
            }}
            <PermissionToggles value=permissions id_prefix="team" disabled=Signal::stored(locked) />
            {move || {
                field_error(error, "permissions")
                    .get()
                    .map(|message| view! { <p class="form-error" role="alert">{message}</p> })
            }}
            {if is_owners {
                view! {
                    <p class="note">
                        "The owners team has every right, in the organization and in all its "
                        "suborganizations, and sees every package. Its permissions cannot be changed."
                    </p>
                }
                    .into_any()
            } else if !rights.manage {
                view! { <p class="note">"Only owners of the organization change a team."</p> }.into_any()
            } else {
                ().into_any()
            }}
            {rights
                .manage
                .then(|| {
                    view! {
                        <div class="form-actions">
                            <button type="submit" class="button button-primary save-team" disabled=move || !can_save()>
                                {move || if pending.get() { "Saving…" } else { "Save changes" }}
                            </button>
                        </div>
                    }
                })}
        </form>
    }
}

#[component]
fn TeamMembers(
    team: TeamDetails,
    options: Option<Vec<(String, String)>>,
    rights: Rights,
    reload: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let open = RwSignal::new(None::<String>);
    let team_id = team.id.clone();
    let team_name = team.name.clone();
    let in_team: Vec<String> = team.members.iter().map(|(id, _)| id.clone()).collect();
    let candidates: Option<Vec<(String, String)>> = options.map(|options| {
        options
            .into_iter()
            .filter(|(id, _)| !in_team.contains(id))
            .collect()
    });
    // The server refuses member changes of a synchronized team: the host decides them.
    let can_change = rights.manage && !team.synchronized;
    let candidates = candidates.filter(|_| can_change);
    let intro = if team.synchronized {
        "They see the team's packages and may do what its permissions allow. They follow \
         the team at the code host: those who linked their account there are added and \
         removed by each synchronization run."
    } else {
        "They see the team's packages and may do what its permissions allow."
    };
    let consequence = if team.is_owners {
        "They stop being an owner. An organization always keeps at least one owner."
    } else {
        "They keep what their other teams give them."
    };
    let footer = candidates.map(|candidates| {
        let (team_id, team_name) = (team_id.clone(), team_name.clone());
        Box::new(move || {
            view! { <AddMemberForm team_id team_name candidates reload notice /> }.into_any()
        }) as Children
    });
    view! {
        <TablePanel
            title="Members"
            count=team.members.len()
            intro=intro
            empty="Nobody is in this team yet."
            class="team-members"
            columns=&["Member"]
            footer=footer.unwrap_or_else(|| Box::new(|| ().into_any()))
        >
            {team
                .members
                .iter()
                .cloned()
                .map(|(user_id, username)| {
                    let team_id = team_id.clone();
                    view! {
                        <RemovableRow
                            key=user_id.clone()
                            open
                            cells=1
                            name=username.clone()
                            subject=format!("{username} from {team_name}")
                            consequence
                            action_label="Remove from team"
                            can_remove=can_change
                            remove=move || {
                                let variables = remove_team_member::Variables {
                                    team_id: team_id.clone(),
                                    user_id: user_id.clone(),
                                };
                                async move { execute::<RemoveTeamMember>(variables).await.map(drop) }
                            }
                            on_removed=reload
                        >
                            <td class="member-name">{username.clone()}</td>
                        </RemovableRow>
                    }
                })
                .collect_view()}
        </TablePanel>
    }
}

/// A member of the organization into the team: `addTeamMember`.
#[component]
fn AddMemberForm(
    team_id: String,
    team_name: String,
    candidates: Vec<(String, String)>,
    reload: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = Session::expect();
    let organization = CurrentOrganization::expect();
    let user_id = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let empty = candidates.is_empty();
    let names = candidates.clone();
    let mut options = vec![(String::new(), "Choose a member…".to_owned())];
    options.extend(candidates);
    let add = Action::new_local(move |id: &String| {
        let variables = add_team_member::Variables {
            team_id: team_id.clone(),
            user_id: id.clone(),
        };
        let username = names
            .iter()
            .find(|(candidate, _)| candidate == id)
            .map_or_else(String::new, |(_, name)| name.clone());
        let team_name = team_name.clone();
        async move {
            match execute::<AddTeamMember>(variables).await {
                Ok(_) => {
                    notice.set(Some(format!("{username} is now in {team_name}.")));
                    reload.run(());
                }
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(failure));
                }
            }
        }
    });
    let pending = add.pending();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let id = user_id.get_untracked();
        if id.is_empty() || pending.get_untracked() {
            return;
        }
        error.set(None);
        notice.set(None);
        add.dispatch(id);
    };
    if empty {
        let members = format!(
            "{}/members",
            crate::pages::organizations::organization_path(&organization.url_name())
        );
        return view! {
            <p class="field-hint add-row-note">
                "Every member of the organization is in this team. "
                <A href=members>"Invite someone"</A>
                " to add more."
            </p>
        }
        .into_any();
    }
    view! {
        <form class="add-row-form add-team-member-form" on:submit=on_submit novalidate>
            <FormError message=form_error(error, &["userId"]) />
            <SelectField
                label="Add a member of the organization"
                name="userId"
                value=user_id
                options=options
                error=field_error(error, "userId")
            />
            <button
                type="submit"
                class="button button-primary add-team-member"
                disabled=move || user_id.with(String::is_empty) || pending.get()
            >
                {move || if pending.get() { "Adding…" } else { "Add to team" }}
            </button>
        </form>
    }
    .into_any()
}

#[component]
fn TeamPackages(
    team: TeamDetails,
    options: Option<Vec<(String, String)>>,
    rights: Rights,
    reload: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let open = RwSignal::new(None::<String>);
    let team_id = team.id.clone();
    let team_name = team.name.clone();
    let granted: Vec<String> = team.packages.iter().map(|(key, _)| key.clone()).collect();
    let candidates: Option<Vec<(String, String)>> = options.map(|options| {
        options
            .into_iter()
            .filter(|(key, _)| !granted.contains(key))
            .collect()
    });
    let footer = candidates.map(|candidates| {
        let (team_id, team_name) = (team_id.clone(), team_name.clone());
        Box::new(move || {
            view! { <GrantPackageForm team_id team_name candidates reload notice /> }.into_any()
        }) as Children
    });
    let intro = if team.is_owners {
        "Owners see every package; packages granted one by one are listed here."
    } else {
        "Packages granted to the team one by one. Its members and its tokens see them."
    };
    view! {
        <AllPackagesPanel team=team.clone() rights reload notice />
        <TablePanel
            title="Packages"
            count=team.packages.len()
            intro
            empty="No package is granted to this team yet."
            class="team-packages"
            columns=&["Package"]
            footer=footer.unwrap_or_else(|| Box::new(|| ().into_any()))
        >
            {team
                .packages
                .iter()
                .cloned()
                .map(|(key, label)| {
                    let team_id = team_id.clone();
                    view! {
                        <RemovableRow
                            key=key.clone()
                            open
                            cells=1
                            name=label.clone()
                            subject=format!("{label} from {team_name}")
                            consequence="The team's members and tokens stop seeing it, unless another team gives it to them."
                            action_label="Remove package"
                            can_remove=rights.grant
                            remove=move || {
                                let variables = remove_team_package::Variables {
                                    team_id: team_id.clone(),
                                    package: key.clone(),
                                };
                                async move { execute::<RemoveTeamPackage>(variables).await.map(drop) }
                            }
                            on_removed=reload
                        >
                            <td class="package-name">{label.clone()}</td>
                        </RemovableRow>
                    }
                })
                .collect_view()}
        </TablePanel>
    }
}

/// "Access to all packages": what it means, and granting or revoking it (owners).
#[component]
fn AllPackagesPanel(
    team: TeamDetails,
    rights: Rights,
    reload: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = Session::expect();
    let error = RwSignal::new(None::<String>);
    let has_all = team.access_to_all_packages;
    let change = Action::new_local({
        let (id, name) = (team.id.clone(), team.name.clone());
        move |grant: &bool| {
            let (id, name, grant) = (id.clone(), name.clone(), *grant);
            async move {
                let result = if grant {
                    execute::<GrantTeamAccessToAllPackages>(
                        grant_team_access_to_all_packages::Variables { team_id: id },
                    )
                    .await
                    .map(drop)
                } else {
                    execute::<RevokeTeamAccessToAllPackages>(
                        revoke_team_access_to_all_packages::Variables { team_id: id },
                    )
                    .await
                    .map(drop)
                };
                match result {
                    Ok(()) => {
                        notice.set(Some(if grant {
                            format!("{name} now sees every package.")
                        } else {
                            format!(
                                "{name} no longer gets new packages; it keeps those it sees now."
                            )
                        }));
                        reload.run(());
                    }
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure.message));
                    }
                }
            }
        }
    });
    let pending = change.pending();
    let confirming = RwSignal::new(false);

    view! {
        <section class="panel all-packages" class:all-packages-on=has_all data-access-to-all=has_all.to_string()>
            <h2>"Access to all packages"</h2>
            {if team.is_owners {
                view! { <p class="muted">"The owners team always sees every current and future package."</p> }.into_any()
            } else if has_all {
                view! {
                    <p>
                        <span class="badge badge-info">"On"</span>
                        " The team sees every current and future package of the organization."
                    </p>
                    <p class="muted">
                        "Revoking it stops new packages from reaching the team. The packages it "
                        "sees now stay granted one by one (they appear in the list below), so "
                        "nobody loses access by surprise; remove the ones it should not keep."
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <p>
                        <span class="badge badge-neutral">"Off"</span>
                        " The team sees only the packages granted to it below."
                    </p>
                    <p class="muted">
                        "Granting it lets the team's members and tokens see every package, "
                        "including the ones added later."
                    </p>
                }
                    .into_any()
            }}
            {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            {(rights.manage && !team.is_owners)
                .then(|| {
                    if has_all {
                        view! {
                            <Show
                                when=move || confirming.get()
                                fallback=move || {
                                    view! {
                                        <button
                                            type="button"
                                            class="button button-danger-outline revoke-all-packages"
                                            on:click=move |_| {
                                                error.set(None);
                                                confirming.set(true);
                                            }
                                        >
                                            "Revoke access to all packages…"
                                        </button>
                                    }
                                }
                            >
                                <ConfirmRow
                                    verb="Revoke"
                                    subject="access to all packages"
                                    consequence="New packages will not reach the team; current ones stay granted."
                                    action_label="Revoke"
                                    pending_label="Revoking…"
                                    pending=pending
                                    error=Signal::stored(None::<String>)
                                    on_confirm=Callback::new(move |()| {
                                        error.set(None);
                                        notice.set(None);
                                        change.dispatch(false);
                                    })
                                    on_cancel=Callback::new(move |()| confirming.set(false))
                                />
                            </Show>
                        }
                            .into_any()
                    } else {
                        view! {
                            <button
                                type="button"
                                class="button grant-all-packages"
                                disabled=move || pending.get()
                                on:click=move |_| {
                                    error.set(None);
                                    notice.set(None);
                                    change.dispatch(true);
                                }
                            >
                                {move || if pending.get() { "Granting…" } else { "Grant access to all packages" }}
                            </button>
                        }
                            .into_any()
                    }
                })}
        </section>
    }
}

/// A package of the organization to the team: `addTeamPackages`.
#[component]
fn GrantPackageForm(
    team_id: String,
    team_name: String,
    candidates: Vec<(String, String)>,
    reload: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = Session::expect();
    let package = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    if candidates.is_empty() {
        return view! {
            <p class="field-hint add-row-note">
                "Every package you can see is granted to this team already."
            </p>
        }
        .into_any();
    }
    let mut options = vec![(String::new(), "Choose a package…".to_owned())];
    options.extend(candidates);
    let grant = Action::new_local(move |key: &String| {
        let variables = add_team_packages::Variables {
            team_id: team_id.clone(),
            packages: vec![key.clone()],
        };
        let message = format!("{key} is granted to {team_name}.");
        async move {
            match execute::<AddTeamPackages>(variables).await {
                Ok(_) => {
                    notice.set(Some(message));
                    reload.run(());
                }
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(failure));
                }
            }
        }
    });
    let pending = grant.pending();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let key = package.get_untracked();
        if key.is_empty() || pending.get_untracked() {
            return;
        }
        error.set(None);
        notice.set(None);
        grant.dispatch(key);
    };
    view! {
        <form class="add-row-form grant-package-form" on:submit=on_submit novalidate>
            <FormError message=form_error(error, &["packages"]) />
            <SelectField
                label="Grant a package"
                name="package"
                value=package
                options=options
                error=field_error(error, "packages")
            />
            <button
                type="submit"
                class="button button-primary grant-package"
                disabled=move || package.with(String::is_empty) || pending.get()
            >
                {move || if pending.get() { "Granting…" } else { "Grant to team" }}
            </button>
        </form>
    }
    .into_any()
}

/// Removing the team (not the owners team): `removeTeam`, then back to the list.
#[component]
fn RemoveTeamPanel(team: TeamDetails) -> impl IntoView {
    let session = Session::expect();
    let url_name = CurrentOrganization::expect().url_name();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let remove = Action::new_local({
        let id = team.id.clone();
        move |(): &()| {
            let variables = remove_team::Variables { id: id.clone() };
            let (navigate, url_name) = (navigate.clone(), url_name.clone());
            async move {
                match execute::<RemoveTeam>(variables).await {
                    Ok(_) => navigate(&teams_path(&url_name), Default::default()),
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure.message));
                    }
                }
            }
        }
    });
    let name = team.name.clone();
    view! {
        <section class="panel danger-zone">
            <h2>"Remove team"</h2>
            <p class="muted">
                "Its tokens are removed with it. Its members stay in the organization and keep "
                "what their other teams give them."
            </p>
            <Show
                when=move || open.get()
                fallback=move || {
                    view! {
                        <button type="button" class="button button-danger-outline remove-team" on:click=move |_| open.set(true)>
                            "Remove team…"
                        </button>
                    }
                }
            >
                <ConfirmRow
                    subject=name.clone()
                    consequence="Its tokens stop working at once."
                    action_label="Remove team"
                    pending_label="Removing…"
                    pending=remove.pending()
                    error
                    on_confirm=Callback::new(move |()| {
                        error.set(None);
                        remove.dispatch(());
                    })
                    on_cancel=Callback::new(move |()| open.set(false))
                />
            </Show>
        </section>
    }
}
