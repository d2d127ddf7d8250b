//! `/orgs/:url_name/suborganizations/:sub`: a suborganization's Composer repository, the
//! teams with a permission on it, its packages and (for its owners) its tokens, and
//! removing it.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::{suborganization_path, suborganizations_path};
use crate::api::operations::{
    AddOrEditSuborganizationTeams, JobStatus, PackageKind, RemoveSuborganization,
    RemoveSuborganizationTeam, SuborganizationPackages,
    SuborganizationPage as SuborganizationPageQuery, SuborganizationPermission,
    SuborganizationTeams, add_or_edit_suborganization_teams, remove_suborganization,
    remove_suborganization_team, suborganization_packages, suborganization_page,
    suborganization_teams,
};
use crate::api::{ApiError, execute};
use crate::components::{
    ErrorPanel, FormError, GrowingList, Loading, Page, RemovableRow, SelectField, ShowMore,
    Snippet, TablePanel, Timestamp, TypedConfirmation, field_error, form_error,
};
use crate::pages::organizations::{ComposerRepositoryInfo, CurrentOrganization};
use crate::pages::packages::display_name;
use crate::pages::teams::team_path;
use crate::pages::tokens::{TokenOwner, TokenRepository, TokensSection};
use crate::session::Session;

const PACKAGES_PAGE_SIZE: i64 = 50;

#[derive(Clone, Debug, PartialEq)]
struct Details {
    name: String,
    url_name: String,
    created_at: String,
    viewer_is_owner: bool,
    repository: ComposerRepositoryInfo,
    packages: Page<PackageRow>,
}

#[derive(Clone, Debug, PartialEq)]
struct PackageRow {
    id: String,
    label: String,
    kind: PackageKind,
    description: Option<String>,
    last_status: Option<JobStatus>,
}

macro_rules! package_row {
    ($package:expr) => {{
        let package = $package;
        PackageRow {
            label: display_name(
                package.name.as_deref(),
                package.repository_url.as_deref(),
                &package.id,
            ),
            id: package.id,
            kind: package.kind,
            description: package.description,
            last_status: package.last_job.map(|job| job.status),
        }
    }};
}

/// A team with a permission on the suborganization.
#[derive(Clone, Debug, PartialEq)]
struct TeamGrant {
    id: String,
    name: String,
    permission: SuborganizationPermission,
}

/// The suborganization's teams, and the parent's teams that could be added
/// (`(id, name)`, the owners team left out: owners manage every suborganization).
#[derive(Clone, Debug, PartialEq)]
struct TeamsData {
    grants: Vec<TeamGrant>,
    candidates: Vec<(String, String)>,
}

async fn load_details(
    session: Session,
    url_name: String,
    suborganization: String,
) -> Result<Details, ApiError> {
    let variables = suborganization_page::Variables {
        url_name,
        suborganization,
        packages_first: PACKAGES_PAGE_SIZE,
    };
    let data = execute::<SuborganizationPageQuery>(variables)
        .await
        .inspect_err(|error| session.observe(error))?;
    let sub = data.organization.suborganization;
    let packages = sub.packages;
    Ok(Details {
        name: sub.name,
        url_name: sub.url_name,
        created_at: sub.created_at,
        viewer_is_owner: sub.viewer_is_owner,
        repository: ComposerRepositoryInfo {
            url: sub.composer_repository.url,
            auth_host: sub.composer_repository.auth_host,
            auth_json: sub.composer_repository.auth_json,
        },
        packages: Page::new(
            packages
                .nodes
                .into_iter()
                .map(|package| package_row!(package))
                .collect(),
            packages.total_count,
            packages.page_info.has_next_page,
            packages.page_info.end_cursor,
        ),
    })
}

async fn load_packages(
    session: Session,
    url_name: String,
    suborganization: String,
    after: String,
) -> Result<Page<PackageRow>, ApiError> {
    let variables = suborganization_packages::Variables {
        url_name,
        suborganization,
        first: PACKAGES_PAGE_SIZE,
        after: Some(after),
    };
    let data = execute::<SuborganizationPackages>(variables)
        .await
        .inspect_err(|error| session.observe(error))?;
    let packages = data.organization.suborganization.packages;
    Ok(Page::new(
        packages
            .nodes
            .into_iter()
            .map(|package| package_row!(package))
            .collect(),
        packages.total_count,
        packages.page_info.has_next_page,
        packages.page_info.end_cursor,
    ))
}

async fn load_teams(
    session: Session,
    url_name: String,
    suborganization: String,
) -> Result<TeamsData, ApiError> {
    let variables = suborganization_teams::Variables {
        url_name,
        suborganization,
    };
    let data = execute::<SuborganizationTeams>(variables)
        .await
        .inspect_err(|error| session.observe(error))?;
    let grants: Vec<TeamGrant> = data
        .organization
        .suborganization
        .teams
        .into_iter()
        .map(|grant| TeamGrant {
            id: grant.team.id,
            name: grant.team.name,
            permission: grant.permission,
        })
        .collect();
    let candidates = data
        .organization
        .teams
        .into_iter()
        .filter(|team| !team.is_owners && !grants.iter().any(|grant| grant.id == team.id))
        .map(|team| (team.id, team.name))
        .collect();
    Ok(TeamsData { grants, candidates })
}

#[component]
pub fn SuborganizationPage() -> impl IntoView {
    let session = Session::expect();
    let url_name = CurrentOrganization::expect().url_name();
    let params = use_params_map();
    let sub = Memo::new(move |_| params.with(|params| params.get("sub").unwrap_or_default()));
    let details = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_details(session, url_name.clone(), sub.get()))
    };

    view! {
        <div class="breadcrumbs">
            <A href=suborganizations_path(&url_name)>"← All suborganizations"</A>
        </div>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let url_name = url_name.clone();
                Suspend::new(async move {
                    match details.await {
                        Ok(details) => view! { <SuborganizationView url_name details /> }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn SuborganizationView(url_name: String, details: Details) -> impl IntoView {
    let owner = details.viewer_is_owner;
    let sub = details.url_name.clone();
    let command = format!(
        "composer config repositories.{url_name}-{sub} composer {}",
        details.repository.url
    );
    view! {
        <div class="page-title">
            <p class="eyebrow">"Suborganization"</p>
            <h2 class="suborganization-title">
                {details.name.clone()}
                " "
                {if owner {
                    view! { <span class="badge badge-role" title="Your access">"Owner"</span> }.into_any()
                } else {
                    view! { <span class="badge badge-neutral" title="Your access">"View"</span> }.into_any()
                }}
            </h2>
            <p class="muted">
                <code>{sub.clone()}</code>
                " · created "
                <Timestamp value=details.created_at.clone() />
            </p>
        </div>
        <section class="panel suborganization-repository">
            <h2>"Composer repository"</h2>
            <p class="muted">
                "Its own repository: it serves only this suborganization's packages, to its tokens "
                "and to members whose teams reach it."
            </p>
            <Snippet text=details.repository.url.clone() caption="Repository URL" copy_label="Copy the repository URL" class="repository-url" />
            <Snippet text=command caption="Add it to a project" copy_label="Copy the repository command" />
        </section>
        <TeamsPanel url_name=url_name.clone() sub=sub.clone() owner />
        <PackagesPanel url_name=url_name.clone() sub=sub.clone() owner first_page=details.packages />
        {owner
            .then(|| {
                view! {
                    <TokensSection
                        owner=TokenOwner::Suborganization {
                            url_name: url_name.clone(),
                            suborganization: sub.clone(),
                        }
                        repository=TokenRepository {
                            name: format!("{url_name}-{sub}"),
                            info: details.repository.clone(),
                        }
                    />
                    <RemovePanel url_name=url_name.clone() sub=sub.clone() name=details.name.clone() />
                }
            })}
    }
}

#[component]
fn TeamsPanel(url_name: String, sub: String, owner: bool) -> impl IntoView {
    let session = Session::expect();
    let teams = {
        let (url_name, sub) = (url_name.clone(), sub.clone());
        LocalResource::new(move || load_teams(session, url_name.clone(), sub.clone()))
    };
    let reload = Callback::new(move |()| teams.refetch());
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let (url_name, sub) = (url_name.clone(), sub.clone());
                Suspend::new(async move {
                    match teams.await {
                        Ok(data) => view! { <TeamsTable url_name sub owner data reload /> }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn TeamsTable(
    url_name: String,
    sub: String,
    owner: bool,
    data: TeamsData,
    reload: Callback<()>,
) -> impl IntoView {
    let open = RwSignal::new(None::<String>);
    let TeamsData { grants, candidates } = data;
    let footer = owner.then(|| {
        let (url_name, sub) = (url_name.clone(), sub.clone());
        Box::new(move || view! { <AddTeamForm url_name sub candidates reload /> }.into_any())
            as Children
    });
    view! {
        <TablePanel
            title="Teams"
            count=grants.len()
            intro="Teams of the organization with a permission here. Owners of the organization \
                   manage every suborganization."
            empty="No team has a permission here yet."
            class="suborganization-teams"
            columns=&["Team", "Permission"]
            footer=footer.unwrap_or_else(|| Box::new(|| ().into_any()))
        >
            {grants
                .into_iter()
                .map(|grant| {
                    let (url_name, sub, team_id) = (url_name.clone(), sub.clone(), grant.id.clone());
                    let href = team_path(&url_name, &grant.id);
                    let link_text = grant.name.clone();
                    let permission_cell = if owner {
                        view! { <PermissionSelect grant=grant.clone() reload /> }.into_any()
                    } else {
                        view! {
                            <span class="badge" class:badge-role=grant.permission == SuborganizationPermission::Owner>
                                {grant.permission.label()}
                            </span>
                        }
                            .into_any()
                    };
                    view! {
                        <RemovableRow
                            key=grant.id.clone()
                            open
                            cells=2
                            name=grant.name.clone()
                            subject=format!("{} from this suborganization", grant.name)
                            consequence="Its members and tokens lose what this permission gave them here."
                            action_label="Remove team"
                            can_remove=owner
                            remove=move || {
                                let variables = remove_suborganization_team::Variables {
                                    organization: url_name.clone(),
                                    suborganization: sub.clone(),
                                    team_id: team_id.clone(),
                                };
                                async move { execute::<RemoveSuborganizationTeam>(variables).await.map(drop) }
                            }
                            on_removed=reload
                        >
                            <td class="team-name">
                                <A href=href>{link_text}</A>
                            </td>
                            <td>{permission_cell}</td>
                        </RemovableRow>
                    }
                })
                .collect_view()}
        </TablePanel>
    }
}

/// `addOrEditSuborganizationTeams` with one team.
async fn set_permission(
    url_name: String,
    sub: String,
    team_id: String,
    permission: SuborganizationPermission,
) -> Result<(), ApiError> {
    let variables = add_or_edit_suborganization_teams::Variables {
        organization: url_name,
        suborganization: sub,
        teams: vec![
            add_or_edit_suborganization_teams::SuborganizationTeamInput {
                team_id,
                permission,
            },
        ],
    };
    execute::<AddOrEditSuborganizationTeams>(variables)
        .await
        .map(drop)
}

fn permission_options() -> Vec<(String, String)> {
    SuborganizationPermission::ALL
        .iter()
        .map(|permission| {
            (
                permission.as_str().to_owned(),
                format!("{} — {}", permission.label(), permission.description()),
            )
        })
        .collect()
}

/// A team's permission, changed as soon as another is chosen.
#[component]
fn PermissionSelect(grant: TeamGrant, reload: Callback<()>) -> impl IntoView {
    let session = Session::expect();
    let organization = CurrentOrganization::expect();
    let params = use_params_map();
    let error = RwSignal::new(None::<String>);
    let value = RwSignal::new(grant.permission.as_str().to_owned());
    let change = Action::new_local({
        let team_id = grant.id.clone();
        move |permission: &SuborganizationPermission| {
            let sub = params.with_untracked(|params| params.get("sub").unwrap_or_default());
            let request =
                set_permission(organization.url_name(), sub, team_id.clone(), *permission);
            async move {
                match request.await {
                    Ok(()) => reload.run(()),
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure.message));
                    }
                }
            }
        }
    });
    let id = format!("permission-{}", grant.id);
    view! {
        <label class="visually-hidden" for=id.clone()>
            {format!("Permission of {}", grant.name)}
        </label>
        <select
            id=id
            name="permission"
            class="inline-select"
            disabled=move || change.pending().get()
            prop:value=move || value.get()
            on:change=move |event| {
                let chosen = event_target_value(&event);
                value.set(chosen.clone());
                if let Some(permission) = SuborganizationPermission::from_str(&chosen) {
                    error.set(None);
                    change.dispatch(permission);
                }
            }
        >
            {permission_options()
                .into_iter()
                .map(|(option, label)| {
                    let selected = option == grant.permission.as_str();
                    view! { <option value=option selected=selected>{label}</option> }
                })
                .collect_view()}
        </select>
        {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
    }
}

/// A team of the organization with a permission: `addOrEditSuborganizationTeams`.
#[component]
fn AddTeamForm(
    url_name: String,
    sub: String,
    candidates: Vec<(String, String)>,
    reload: Callback<()>,
) -> impl IntoView {
    const FIELDS: &[&str] = &["teams", "teamId", "permission"];
    let session = Session::expect();
    let team_id = RwSignal::new(String::new());
    let permission = RwSignal::new(SuborganizationPermission::View.as_str().to_owned());
    let error = RwSignal::new(None::<ApiError>);
    if candidates.is_empty() {
        return view! {
            <p class="field-hint add-row-note">
                "Every team of the organization has a permission here already."
            </p>
        }
        .into_any();
    }
    let mut team_options = vec![(String::new(), "Choose a team…".to_owned())];
    team_options.extend(candidates);
    let add = Action::new_local(
        move |(team, chosen): &(String, SuborganizationPermission)| {
            let request = set_permission(url_name.clone(), sub.clone(), team.clone(), *chosen);
            async move {
                match request.await {
                    Ok(()) => reload.run(()),
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure));
                    }
                }
            }
        },
    );
    let pending = add.pending();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let team = team_id.get_untracked();
        let Some(chosen) =
            permission.with_untracked(|value| SuborganizationPermission::from_str(value))
        else {
            return;
        };
        if team.is_empty() || pending.get_untracked() {
            return;
        }
        error.set(None);
        add.dispatch((team, chosen));
    };
    view! {
        <form class="add-row-form add-suborganization-team-form" on:submit=on_submit novalidate>
            <FormError message=form_error(error, FIELDS) />
            <SelectField
                label="Add a team"
                name="teamId"
                value=team_id
                options=team_options
                error=field_error(error, "teamId")
            />
            <SelectField
                label="Permission"
                name="permission"
                value=permission
                options=permission_options()
                error=field_error(error, "permission")
            />
            <button
                type="submit"
                class="button button-primary add-suborganization-team"
                disabled=move || team_id.with(String::is_empty) || pending.get()
            >
                {move || if pending.get() { "Adding…" } else { "Add team" }}
            </button>
        </form>
    }
    .into_any()
}

#[component]
fn PackagesPanel(
    url_name: String,
    sub: String,
    owner: bool,
    first_page: Page<PackageRow>,
) -> impl IntoView {
    let session = Session::expect();
    let add_href = format!("{}/packages/new", suborganization_path(&url_name, &sub));
    let list = GrowingList::new(first_page, move |cursor| {
        load_packages(session, url_name.clone(), sub.clone(), cursor)
    });
    view! {
        <section class="panel">
            <div class="panel-header">
                <h2>"Packages " <span class="count">{move || list.total()}</span></h2>
                {owner
                    .then(|| {
                        view! {
                            <A href=add_href attr:class="button button-primary add-suborganization-package">
                                "Add package"
                            </A>
                        }
                    })}
            </div>
            <Show
                when=move || { list.total() > 0 }
                fallback=|| view! { <p class="empty-note">"No packages in this suborganization yet."</p> }
            >
                <div class="table-scroll">
                    <table class="table suborganization-packages">
                        <thead>
                            <tr>
                                <th scope="col">"Package"</th>
                                <th scope="col">"Kind"</th>
                                <th scope="col">"Last update"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For
                                each=move || list.items()
                                key=|row| row.id.clone()
                                children=|row| {
                                    view! {
                                        <tr>
                                            <td>
                                                <span class="package-name">{row.label}</span>
                                                {row.description.map(|text| view! { <span class="package-description muted">{text}</span> })}
                                            </td>
                                            <td>
                                                <span class="badge badge-neutral">{row.kind.label()}</span>
                                            </td>
                                            <td>
                                                {row
                                                    .last_status
                                                    .map_or_else(
                                                        || view! { <span class="muted">"Never read"</span> }.into_any(),
                                                        |status| {
                                                            view! {
                                                                <span class=format!("last-job {}", status.badge_class()) data-status=status.as_str()>
                                                                    {status.label()}
                                                                </span>
                                                            }
                                                                .into_any()
                                                        },
                                                    )}
                                            </td>
                                        </tr>
                                    }
                                }
                            />
                        </tbody>
                    </table>
                </div>
                <ShowMore list />
            </Show>
        </section>
    }
}

/// `removeSuborganization` after typing its URL name; back to the list.
#[component]
fn RemovePanel(url_name: String, sub: String, name: String) -> impl IntoView {
    let session = Session::expect();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let remove = Action::new_local({
        let (url_name, sub) = (url_name.clone(), sub.clone());
        move |(): &()| {
            let variables = remove_suborganization::Variables {
                organization: url_name.clone(),
                suborganization: sub.clone(),
            };
            let (navigate, url_name) = (navigate.clone(), url_name.clone());
            async move {
                match execute::<RemoveSuborganization>(variables).await {
                    Ok(_) => navigate(&suborganizations_path(&url_name), Default::default()),
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure.message));
                    }
                }
            }
        }
    });
    let pending = remove.pending();
    view! {
        <section class="panel danger-zone">
            <h2>"Remove suborganization"</h2>
            <p class="muted">
                {format!("“{name}” goes with its packages and tokens; its repository stops answering.")}
            </p>
            {move || error.get().map(|message| view! { <p class="form-error form-error-banner" role="alert">{message}</p> })}
            {
                let sub = sub.clone();
                move || {
                    if open.get() {
                        view! {
                            <TypedConfirmation
                                phrase=sub.clone()
                                name="remove-suborganization-confirmation"
                                action_label="Remove suborganization"
                                pending_label="Removing…"
                                pending=pending
                                on_confirm=move |_| {
                                    error.set(None);
                                    remove.dispatch(());
                                }
                                on_cancel=Callback::new(move |()| open.set(false))
                            />
                        }
                            .into_any()
                    } else {
                        view! {
                            <button type="button" class="button button-danger-outline" on:click=move |_| open.set(true)>
                                "Remove…"
                            </button>
                        }
                            .into_any()
                    }
                }
            }
        </section>
    }
}
