//! `/orgs/:url_name/packages/:vendor/:name` (or `/packages/:id` before the package has a
//! name): how to install it, its versions (and archives), its last update, changing its
//! source (see `edit.rs`), who requires it, and removing it.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::archives::{ArchiveInfo, archive_info};
use super::edit::{ArchivesPanel, EditDefinitionPanel, EditRepositoryPanel};
use super::hook::HookPanel;
use super::{display_name, job_package_path, package_path};
use crate::api::operations::{
    PackageKind, PackagePage as PackagePageQuery, PackageVersions, RemovePackage, UpdatePackage,
    package_page, package_versions, remove_package, update_package,
};
use crate::api::{ApiError, JobUpdate, execute};
use crate::components::{
    ErrorPanel, FinishedJob, GrowingList, LiveJob, Loading, Page, ShowMore, Snippet, Timestamp,
    TypedConfirmation,
};
use crate::pages::organizations::{CurrentOrganization, OrganizationInfo, organization_path};
use crate::session::Session;

const VERSIONS_PAGE_SIZE: i64 = 50;

#[derive(Clone, Debug, PartialEq)]
struct PackageDetails {
    id: String,
    /// What `package(name:)` takes: `vendor/name`, or `#id` before the first read.
    key: String,
    name: Option<String>,
    description: Option<String>,
    kind: PackageKind,
    package_type: Option<String>,
    repository_url: Option<String>,
    credential_id: Option<String>,
    default_branch: Option<String>,
    install_command: Option<String>,
    created_at: String,
    updated_at: String,
    versions: Page<VersionRow>,
    /// The uploaded archives (artifact packages; empty for the others).
    archives: Vec<ArchiveInfo>,
    dependents: Vec<DependentRow>,
    last_job: Option<JobUpdate>,
}

#[derive(Clone, Debug, PartialEq)]
struct VersionRow {
    id: String,
    version: String,
    version_normalized: String,
    stability: String,
    ref_name: Option<String>,
    source_reference: Option<String>,
    dist_shasum: Option<String>,
    released_at: String,
    is_default_branch: bool,
}

#[derive(Clone, Debug, PartialEq)]
struct DependentRow {
    id: String,
    name: Option<String>,
    repository_url: Option<String>,
}

macro_rules! version_row {
    ($node:expr) => {{
        let node = $node;
        VersionRow {
            id: node.id,
            version: node.version,
            version_normalized: node.version_normalized,
            stability: node.stability,
            ref_name: node.ref_name,
            source_reference: node.source_reference,
            dist_shasum: node.dist_shasum,
            released_at: node.released_at,
            is_default_branch: node.is_default_branch,
        }
    }};
}

/// The `package(name:)` argument for the route's parameters.
fn package_key(vendor: Option<String>, name: Option<String>, id: Option<String>) -> String {
    match (vendor, name, id) {
        (Some(vendor), Some(name), _) => format!("{vendor}/{name}"),
        (_, _, Some(id)) => {
            let id = id.trim_start_matches("%23").trim_start_matches('#');
            format!("#{id}")
        }
        _ => String::new(),
    }
}

async fn load_package(
    session: Session,
    url_name: String,
    key: String,
) -> Result<PackageDetails, ApiError> {
    let variables = package_page::Variables {
        url_name,
        name: key.clone(),
        versions_first: VERSIONS_PAGE_SIZE,
    };
    let data = execute::<PackagePageQuery>(variables)
        .await
        .inspect_err(|error| session.observe(error))?;
    let package = data.organization.package;
    let versions = package.versions;
    Ok(PackageDetails {
        key: package
            .name
            .clone()
            .unwrap_or_else(|| format!("#{}", package.id)),
        id: package.id,
        name: package.name,
        description: package.description,
        kind: package.kind,
        package_type: package.type_,
        repository_url: package.repository_url,
        credential_id: package.credential_id,
        default_branch: package.default_branch,
        install_command: package.install_command,
        created_at: package.created_at,
        updated_at: package.updated_at,
        versions: Page::new(
            versions
                .nodes
                .into_iter()
                .map(|node| version_row!(node))
                .collect(),
            versions.total_count,
            versions.page_info.has_next_page,
            versions.page_info.end_cursor,
        ),
        archives: package
            .artifacts
            .into_iter()
            .map(|artifact| archive_info!(artifact))
            .collect(),
        dependents: package
            .dependents
            .into_iter()
            .map(|dependent| DependentRow {
                id: dependent.id,
                name: dependent.name,
                repository_url: dependent.repository_url,
            })
            .collect(),
        last_job: package.last_job.map(JobUpdate::from),
    })
}

async fn load_versions(
    session: Session,
    url_name: String,
    key: String,
    after: String,
) -> Result<Page<VersionRow>, ApiError> {
    let variables = package_versions::Variables {
        url_name,
        name: key,
        first: VERSIONS_PAGE_SIZE,
        after: Some(after),
    };
    let data = execute::<PackageVersions>(variables)
        .await
        .inspect_err(|error| session.observe(error))?;
    let versions = data.organization.package.versions;
    Ok(Page::new(
        versions
            .nodes
            .into_iter()
            .map(|node| version_row!(node))
            .collect(),
        versions.total_count,
        versions.page_info.has_next_page,
        versions.page_info.end_cursor,
    ))
}

#[component]
pub fn PackagePage() -> impl IntoView {
    let session = Session::expect();
    let url_name = CurrentOrganization::expect().url_name();
    let params = use_params_map();
    let key = Memo::new(move |_| {
        params
            .with(|params| package_key(params.get("vendor"), params.get("name"), params.get("id")))
    });
    let package = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_package(session, url_name.clone(), key.get()))
    };
    // After a job of this package: its page again, fresh — at its new name if the job
    // renamed it (a first read names a package; another repository may name it anew).
    let navigate = use_navigate();
    let reload = Callback::new(move |job: JobUpdate| {
        let renamed = job.package.filter(|package| {
            package.name.is_some() && package.name.as_ref() != Some(&key.get_untracked())
        });
        match renamed {
            Some(package) => navigate(&job_package_path(&url_name, &package), Default::default()),
            None => package.refetch(),
        }
    });

    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match package.await {
                    Ok(details) => view! { <PackageView details reload /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PackageView(details: PackageDetails, reload: Callback<JobUpdate>) -> impl IntoView {
    let organization = CurrentOrganization::expect().get();
    let title = display_name(
        details.name.as_deref(),
        details.repository_url.as_deref(),
        &details.id,
    );
    let can_manage = organization.can_manage;
    let PackageDetails {
        id: _,
        key,
        name,
        description,
        kind,
        package_type,
        repository_url,
        credential_id,
        default_branch,
        install_command,
        created_at,
        updated_at,
        versions,
        archives,
        dependents,
        last_job,
    } = details;
    let url_name = organization.url_name.clone();

    view! {
        <div class="package-header">
            <div class="package-heading">
                <p class="eyebrow">
                    "Package " <span class="badge badge-neutral">{kind.label()}</span>
                    {package_type.map(|kind| view! { <span class="badge badge-neutral">{kind}</span> })}
                </p>
                <h1 class="package-title" class:package-unread=name.is_none()>
                    {title}
                </h1>
                {match (description, name.is_some()) {
                    (Some(description), _) if !description.is_empty() => {
                        view! { <p class="package-summary">{description}</p> }.into_any()
                    }
                    (_, false) => {
                        view! {
                            <p class="package-summary muted">
                                "Its source has not been read successfully yet, so it has no "
                                "name and no versions. See the last update below."
                            </p>
                        }
                            .into_any()
                    }
                    _ => ().into_any(),
                }}
            </div>
            <A href=organization_path(&organization.url_name) attr:class="button button-quiet">
                "All packages"
            </A>
        </div>
        {install_command
            .map(|command| {
                view! { <InstallPanel organization=organization.clone() install_command=command /> }
            })}
        <VersionsPanel url_name=url_name.clone() key=key.clone() kind first_page=versions />
        {(kind == PackageKind::Artifact)
            .then(|| {
                view! {
                    <ArchivesPanel
                        url_name=url_name.clone()
                        key=key.clone()
                        archives
                        can_manage
                        on_done=reload
                    />
                }
            })}
        <UpdatePanel url_name=url_name.clone() key=key.clone() last_job can_manage reload />
        {(kind == PackageKind::Vcs)
            .then(|| {
                view! {
                    <HookPanel
                        url_name=url_name.clone()
                        key=key.clone()
                        repository_url=repository_url.clone()
                        can_manage
                    />
                }
            })}
        {match kind {
            PackageKind::Vcs if can_manage => {
                view! {
                    <EditRepositoryPanel
                        url_name=url_name.clone()
                        key=key.clone()
                        repository_url=repository_url.clone()
                        credential_id
                        on_done=reload
                    />
                }
                    .into_any()
            }
            PackageKind::Custom if can_manage => {
                view! { <EditDefinitionPanel url_name=url_name.clone() key=key.clone() on_done=reload /> }
                    .into_any()
            }
            _ => ().into_any(),
        }}
        <section class="panel">
            <h2>"Details"</h2>
            <dl class="details">
                {(kind == PackageKind::Vcs)
                    .then(|| {
                        view! {
                            <div class="details-wide">
                                <dt>"Repository"</dt>
                                <dd class="break">
                                    {repository_url
                                        .map_or_else(
                                            || view! { <span class="muted">"—"</span> }.into_any(),
                                            |url| view! { <code>{url}</code> }.into_any(),
                                        )}
                                </dd>
                            </div>
                            <div>
                                <dt>"Default branch"</dt>
                                <dd>{default_branch.unwrap_or_else(|| "—".to_owned())}</dd>
                            </div>
                        }
                    })}
                <div>
                    <dt>"Source"</dt>
                    <dd>{kind_description(kind)}</dd>
                </div>
                <div>
                    <dt>"Added"</dt>
                    <dd>
                        <Timestamp value=created_at />
                    </dd>
                </div>
                <div>
                    <dt>"Changed"</dt>
                    <dd>
                        <Timestamp value=updated_at />
                    </dd>
                </div>
            </dl>
        </section>
        <DependentsPanel url_name=organization.url_name.clone() dependents />
        <Show when=move || can_manage>
            <RemovePanel url_name=url_name.clone() key=key.clone() kind />
        </Show>
    }
}

/// The three snippets a project needs: the repository, the token, the requirement.
#[component]
fn InstallPanel(organization: OrganizationInfo, install_command: String) -> impl IntoView {
    let tokens = format!("{}/tokens", organization_path(&organization.url_name));
    view! {
        <section class="panel install-panel">
            <h2>"Install"</h2>
            <Snippet
                text=install_command
                caption="Require it in your project"
                copy_label="Copy the install command"
                class="install-command"
            />
            <details class="install-setup">
                <summary>"First time in this project? Add the repository and a token"</summary>
                <Snippet
                    text=organization.repository_command()
                    caption="1. Add the organization's Composer repository"
                    copy_label="Copy the repository command"
                />
                <Snippet
                    text=organization.repository.auth_json.clone()
                    caption="2. Authenticate: auth.json next to composer.json (keep it out of git)"
                    copy_label="Copy auth.json"
                />
                <p class="field-hint">
                    "Replace the placeholder with a token of the organization"
                    {organization
                        .can_manage
                        .then(|| {
                            view! {
                                " (" <A href=tokens.clone()>"create one"</A> ")"
                            }
                        })} "."
                </p>
            </details>
        </section>
    }
}

#[component]
fn VersionsPanel(
    url_name: String,
    key: String,
    kind: PackageKind,
    first_page: Page<VersionRow>,
) -> impl IntoView {
    let session = Session::expect();
    let empty = first_page.items.is_empty();
    let list = GrowingList::new(first_page, move |cursor| {
        load_versions(session, url_name.clone(), key.clone(), cursor)
    });
    view! {
        <section class="panel">
            <h2>"Versions " <span class="count">{move || list.total()}</span></h2>
            {if empty {
                view! { <p class="muted">{no_versions_note(kind)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="table versions">
                            <thead>
                                <tr>
                                    <th scope="col">"Version"</th>
                                    <th scope="col">"Stability"</th>
                                    <th scope="col">"Released"</th>
                                    <th scope="col">"Reference"</th>
                                </tr>
                            </thead>
                            <tbody>
                                <For
                                    each=move || list.items()
                                    key=|version| version.id.clone()
                                    children=|version| view! { <VersionRowView version /> }
                                />
                            </tbody>
                        </table>
                    </div>
                    <ShowMore list />
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn VersionRowView(version: VersionRow) -> impl IntoView {
    let stability_class = format!("badge stability stability-{}", version.stability);
    let reference = version.source_reference.clone().unwrap_or_default();
    let short: String = reference.chars().take(7).collect();
    let reference_title = match (&version.ref_name, &version.dist_shasum) {
        (Some(ref_name), Some(shasum)) => format!("{ref_name} @ {reference}\ndist sha1 {shasum}"),
        (Some(ref_name), None) => format!("{ref_name} @ {reference}"),
        (None, _) => reference.clone(),
    };
    view! {
        <tr>
            <td class="version-name" title=version.version_normalized.clone()>{version.version.clone()}</td>
            <td>
                <span class=stability_class>{version.stability.clone()}</span>
                {version
                    .is_default_branch
                    .then(|| view! { <span class="badge badge-neutral">"default branch"</span> })}
            </td>
            <td>
                <Timestamp value=version.released_at.clone() />
            </td>
            <td>
                {(!short.is_empty())
                    .then(|| view! { <code class="reference" title=reference_title>{short}</code> })}
            </td>
        </tr>
    }
}

/// The last job that read the source, live while it runs, and "Update now".
#[component]
fn UpdatePanel(
    url_name: String,
    key: String,
    last_job: Option<JobUpdate>,
    can_manage: bool,
    reload: Callback<JobUpdate>,
) -> impl IntoView {
    let session = Session::expect();
    // The job followed live: the last one if it is still running, or one just started.
    let following = RwSignal::new(
        last_job
            .as_ref()
            .filter(|job| !job.status.is_final())
            .map(|job| job.id.clone()),
    );
    let error = RwSignal::new(None::<ApiError>);
    let update = Action::new_local(move |(): &()| {
        let variables = update_package::Variables {
            organization: url_name.clone(),
            name: key.clone(),
        };
        async move {
            match execute::<UpdatePackage>(variables).await {
                Ok(data) => following.set(Some(data.update_package.id)),
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(failure));
                }
            }
        }
    });
    let pending = update.pending();
    let busy = move || pending.get() || following.with(Option::is_some);
    let finished_job = last_job.clone();

    view! {
        <section class="panel">
            <div class="panel-header">
                <h2>"Last update"</h2>
                <Show when=move || can_manage>
                    <button
                        type="button"
                        class="button button-primary update-now"
                        disabled=busy
                        on:click=move |_| {
                            error.set(None);
                            update.dispatch(());
                        }
                    >
                        {move || if busy() { "Updating…" } else { "Update now" }}
                    </button>
                </Show>
            </div>
            {move || {
                error.get().map(|error| view! { <p class="form-error form-error-banner" role="alert">{error.message}</p> })
            }}
            {move || match following.get() {
                Some(job_id) => {
                    let initial = last_job.clone().filter(|job| job.id == job_id);
                    view! { <LiveJob job_id initial on_final=reload /> }.into_any()
                }
                None => match finished_job.clone() {
                    Some(job) => view! { <FinishedJob job /> }.into_any(),
                    None => view! { <p class="muted">"Never updated."</p> }.into_any(),
                },
            }}
        </section>
    }
}

/// The "Source" detail: where the versions come from.
fn kind_description(kind: PackageKind) -> &'static str {
    match kind {
        PackageKind::Vcs => "Git repository",
        PackageKind::Custom => "Custom JSON definition",
        PackageKind::Artifact => "Uploaded zip archives",
        PackageKind::Unknown => "—",
    }
}

/// Why a package has no versions, in the terms of its kind.
fn no_versions_note(kind: PackageKind) -> &'static str {
    match kind {
        PackageKind::Custom => "No versions yet: its definition has not been read successfully.",
        PackageKind::Artifact => {
            "No versions yet: none of its archives has been read successfully."
        }
        _ => "No versions yet: none of the tags or branches read had a valid composer.json.",
    }
}

#[component]
fn DependentsPanel(url_name: String, dependents: Vec<DependentRow>) -> impl IntoView {
    view! {
        <section class="panel">
            <h2>"Dependents " <span class="count">{dependents.len()}</span></h2>
            {if dependents.is_empty() {
                view! { <p class="muted">"No package of this organization requires it."</p> }
                    .into_any()
            } else {
                view! {
                    <ul class="dependents">
                        {dependents
                            .into_iter()
                            .map(|dependent| {
                                let href = package_path(&url_name, dependent.name.as_deref(), &dependent.id);
                                let title = display_name(
                                    dependent.name.as_deref(),
                                    dependent.repository_url.as_deref(),
                                    &dependent.id,
                                );
                                view! {
                                    <li>
                                        <A href=href>{title}</A>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// Removing the package: type its name to confirm.
#[component]
fn RemovePanel(url_name: String, key: String, kind: PackageKind) -> impl IntoView {
    let session = Session::expect();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<ApiError>);
    let open = RwSignal::new(false);
    let remove = {
        let (url_name, key) = (url_name.clone(), key.clone());
        Action::new_local(move |(): &()| {
            let variables = remove_package::Variables {
                organization: url_name.clone(),
                name: key.clone(),
            };
            let (navigate, back) = (navigate.clone(), organization_path(&url_name));
            async move {
                match execute::<RemovePackage>(variables).await {
                    Ok(_) => navigate(&back, Default::default()),
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure));
                    }
                }
            }
        })
    };
    let pending = remove.pending();
    view! {
        <section class="panel danger-zone">
            <h2>"Remove package"</h2>
            <p class="muted">
                "Removes the package and all its versions from the organization's Composer "
                "repository. Projects that require it can no longer install it. "
                {match kind {
                    PackageKind::Vcs => "The git repository itself is not touched.",
                    PackageKind::Artifact => "Its uploaded archives are deleted with it.",
                    _ => "",
                }}
            </p>
            {move || {
                error.get().map(|error| view! { <p class="form-error form-error-banner" role="alert">{error.message}</p> })
            }}
            {move || {
                if open.get() {
                    view! {
                        <TypedConfirmation
                            phrase=key.clone()
                            action_label="Remove package"
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
            }}
        </section>
    }
}
