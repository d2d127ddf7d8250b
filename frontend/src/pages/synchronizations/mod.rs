//! `/orgs/:url_name/synchronizations` (owners): the organization connected to GitHub
//! organizations, GitLab groups and Bitbucket workspaces. Each connection with the status
//! of its last run (followed live, log included, while it runs), "Synchronize now",
//! removal, and the form that connects another (`form.rs`).

mod form;

use leptos::prelude::*;
use leptos_router::components::A;

use self::form::CreateSynchronizationForm;
use crate::api::operations::{
    CodeHost, CredentialType, JobStatus, OrganizationSynchronizations, RemoveSynchronization,
    SyncOrganization, organization_synchronizations, remove_synchronization, sync_organization,
};
use crate::api::{ApiError, JobUpdate, JobWatch, execute};
use crate::components::{ConfirmRow, ErrorPanel, JobProgress, JobState, Loading, Timestamp};
use crate::pages::organizations::CurrentOrganization;
use crate::pages::teams::team_path;
use crate::session::Session;

/// What a synchronization calls the host with.
#[derive(Clone, Debug, PartialEq)]
enum Access {
    /// An owner's sign-in at the host, described as the server names it ("GitHub sign-in
    /// of octocat").
    SignIn(String),
    /// A stored token or app password, by its description.
    Credential(String),
    /// The credential was removed: runs fail until the organization is connected again.
    Removed,
}

/// A team the synchronization manages.
#[derive(Clone, Debug, PartialEq)]
struct SyncedTeam {
    id: String,
    name: String,
    members: usize,
}

#[derive(Clone, Debug, PartialEq)]
struct SynchronizationRow {
    id: String,
    host: Option<CodeHost>,
    api_url: String,
    name: String,
    access: Access,
    /// The sign-in (display name) whose linked accounts make the host's team members
    /// Packyard members; `None`: no sign-in is configured for this host.
    members_matched_by: Option<String>,
    teams: Vec<SyncedTeam>,
    last_synced_at: Option<String>,
    last_job: Option<JobUpdate>,
}

async fn load_synchronizations(
    session: Session,
    url_name: String,
) -> Result<Vec<SynchronizationRow>, ApiError> {
    let data = execute::<OrganizationSynchronizations>(organization_synchronizations::Variables {
        url_name,
    })
    .await
    .inspect_err(|error| session.observe(error))?;
    let providers = data.login_providers;
    let credentials = data.organization.credentials;
    Ok(data
        .organization
        .synchronizations
        .into_iter()
        .map(|synchronization| {
            let credential = synchronization
                .credential_id
                .as_ref()
                .and_then(|id| credentials.iter().find(|credential| &credential.id == id));
            let access = match credential {
                Some(credential) if credential.type_ == Some(CredentialType::CodeHostSignIn) => {
                    Access::SignIn(credential.description.clone())
                }
                Some(credential) => Access::Credential(credential.description.clone()),
                None => Access::Removed,
            };
            // A provider removed from the config since keeps its stored name.
            let members_matched_by = synchronization.login_provider.map(|name| {
                providers
                    .iter()
                    .find(|provider| provider.name == name)
                    .map_or(name, |provider| provider.display_name.clone())
            });
            SynchronizationRow {
                id: synchronization.id,
                host: synchronization.host,
                api_url: synchronization.api_url,
                name: synchronization.name,
                access,
                members_matched_by,
                teams: synchronization
                    .teams
                    .into_iter()
                    .map(|team| SyncedTeam {
                        id: team.id,
                        name: team.name,
                        members: team.members.len(),
                    })
                    .collect(),
                last_synced_at: synchronization.last_synced_at,
                last_job: synchronization.last_job.map(JobUpdate::from),
            }
        })
        .collect())
}

#[component]
pub fn SynchronizationsTab() -> impl IntoView {
    let session = Session::expect();
    let url_name = CurrentOrganization::expect().url_name();
    let synchronizations = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_synchronizations(session, url_name.clone()))
    };
    let reload = Callback::new(move |()| synchronizations.refetch());

    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let url_name = url_name.clone();
                Suspend::new(async move {
                    match synchronizations.await {
                        Ok(rows) => view! { <SynchronizationList url_name rows reload /> }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Transition>
        <CreateSynchronizationForm url_name=CurrentOrganization::expect().url_name() on_created=reload />
    }
}

#[component]
fn SynchronizationList(
    url_name: String,
    rows: Vec<SynchronizationRow>,
    reload: Callback<()>,
) -> impl IntoView {
    let open = RwSignal::new(None::<String>);
    let running = rows.iter().any(|row| {
        row.last_job
            .as_ref()
            .is_some_and(|job| !job.status.is_final())
    });
    let count = rows.len();
    let body = if rows.is_empty() {
        view! {
            <p class="empty-note">
                "Not connected to a code host yet. Connect a GitHub organization, a GitLab group, \
                 a Bitbucket workspace or a Bitbucket Data Center project below."
            </p>
        }
        .into_any()
    } else {
        view! {
            <ul class="synchronizations">
                {rows
                    .into_iter()
                    .map(|row| view! { <SynchronizationCard url_name=url_name.clone() row open reload /> })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="panel synchronizations-panel">
            <div class="panel-header">
                <h2>"Synchronizations " <span class="count">{count}</span></h2>
                {(count > 0).then(|| view! { <SyncNowButton url_name running reload /> })}
            </div>
            <p class="muted">
                "Every repository with a composer.json becomes a package here and gets this \
                 organization's hook, so pushes update it. Runs add new repositories; they also \
                 run by themselves every hour unless the server is configured otherwise."
            </p>
            {body}
        </section>
    }
}

/// `syncOrganization`: one run per synchronization. The list is loaded again, and each
/// row follows its new run live.
#[component]
fn SyncNowButton(url_name: String, running: bool, reload: Callback<()>) -> impl IntoView {
    let session = Session::expect();
    let error = RwSignal::new(None::<String>);
    let sync = Action::new_local(move |(): &()| {
        let variables = sync_organization::Variables {
            organization: url_name.clone(),
        };
        async move {
            match execute::<SyncOrganization>(variables).await {
                Ok(_) => reload.run(()),
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(failure.message));
                }
            }
        }
    });
    let pending = sync.pending();
    // A run already waiting would only be joined; while one runs the button says so.
    let busy = move || running || pending.get();
    view! {
        <div class="sync-now">
            <button
                type="button"
                class="button button-primary sync-now-button"
                disabled=busy
                on:click=move |_| {
                    error.set(None);
                    sync.dispatch(());
                }
            >
                {move || if busy() { "Synchronizing…" } else { "Synchronize now" }}
            </button>
            {move || error.get().map(|error| view! { <p class="form-error" role="alert">{error}</p> })}
        </div>
    }
}

/// One connection: where it points, how its last run went (live while it runs), remove.
#[component]
fn SynchronizationCard(
    url_name: String,
    row: SynchronizationRow,
    open: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let running = row.last_job.clone().filter(|job| !job.status.is_final());
    let watch = running.map(|job| {
        let watch = JobWatch::start(job.id.clone(), Some(job));
        // Done: load again for the run's effects (last synchronized, its final state).
        watch.on_final(move |_| reload.run(()));
        watch
    });
    let finished = row.last_job.clone().filter(|job| job.status.is_final());
    let status = {
        let finished = finished.clone();
        Memo::new(move |_| match watch {
            Some(watch) => Some(watch.status().unwrap_or(JobStatus::Queued)),
            None => finished.as_ref().map(|job| job.status),
        })
    };
    let host_label = row.host.map_or("Unknown host", CodeHost::label);
    let teams = view! { <SyncedTeams url_name teams=row.teams.clone() /> };
    let remove = view! {
        <RemoveSynchronizationButton id=row.id.clone() name=row.name.clone() open reload />
    };
    let last_run = match (&watch, &finished) {
        (Some(_), _) => view! { <span>"In progress"</span> }.into_any(),
        (None, Some(job)) => match job.finished_at.clone() {
            Some(at) => view! { <Timestamp value=at with_time=true /> }.into_any(),
            None => view! { <span>"—"</span> }.into_any(),
        },
        (None, None) => view! { <span class="muted">"Never"</span> }.into_any(),
    };
    let progress = match (watch, finished) {
        (Some(watch), _) => view! { <JobProgress watch show_log=true /> }.into_any(),
        // "Last run" above says when it finished.
        (None, Some(job)) => {
            view! { <JobState job=Signal::stored(Some(job)) show_log=true /> }.into_any()
        }
        (None, None) => ().into_any(),
    };

    view! {
        <li class="synchronization" data-name=row.name.clone() data-id=row.id>
            <div class="synchronization-head">
                <div class="synchronization-title">
                    <h3>
                        <span class="badge badge-info sync-host">{host_label}</span>
                        " "
                        <span class="sync-name">{row.name.clone()}</span>
                    </h3>
                    <p class="muted">
                        "API " <code class="sync-api-url">{row.api_url.clone()}</code>
                    </p>
                </div>
                <span
                    class=move || {
                        let class = status.get().map_or("badge badge-neutral", JobStatus::badge_class);
                        format!("{class} sync-status")
                    }
                    data-status=move || status.get().map_or("NONE", JobStatus::as_str)
                >
                    {move || status.get().map_or("Never run", JobStatus::label)}
                </span>
            </div>
            <dl class="details">
                <div>
                    <dt>"Last run"</dt>
                    <dd class="sync-last-run">{last_run}</dd>
                </div>
                <div>
                    <dt>"Last synchronized"</dt>
                    <dd class="sync-last-synced">
                        {match row.last_synced_at.clone() {
                            Some(at) => view! { <Timestamp value=at with_time=true /> }.into_any(),
                            None => view! { <span class="muted">"Not yet"</span> }.into_any(),
                        }}
                    </dd>
                </div>
                <div>
                    <dt>"Reads with"</dt>
                    <dd class="sync-access">
                        {match row.access.clone() {
                            Access::SignIn(sign_in) => view! { <span>{sign_in}</span> }.into_any(),
                            Access::Credential(credential) => {
                                view! { <span>"Credential " <strong>{credential}</strong></span> }.into_any()
                            }
                            Access::Removed => view! {
                                <span class="form-error">
                                    "Its credential was removed: runs fail until it is connected again."
                                </span>
                            }
                                .into_any(),
                        }}
                    </dd>
                </div>
                <div>
                    <dt>"Team members"</dt>
                    <dd class="sync-members">
                        {match row.members_matched_by.clone() {
                            Some(provider) => format!("Matched by their {provider} sign-in"),
                            None => "Not matched: no sign-in is configured for this host".to_owned(),
                        }}
                    </dd>
                </div>
            </dl>
            {teams}
            {progress}
            {remove}
        </li>
    }
}

/// The host's teams as Packyard teams: their members and packages follow the host.
#[component]
fn SyncedTeams(url_name: String, teams: Vec<SyncedTeam>) -> impl IntoView {
    if teams.is_empty() {
        return view! { <p class="muted sync-teams">"No teams from the host yet."</p> }.into_any();
    }
    view! {
        <div class="sync-teams">
            <h4>"Teams " <span class="count">{teams.len()}</span></h4>
            <ul class="sync-team-list">
                {teams
                    .into_iter()
                    .map(|team| {
                        let members = match team.members {
                            1 => "1 member".to_owned(),
                            count => format!("{count} members"),
                        };
                        let (href, data_name) = (team_path(&url_name, &team.id), team.name.clone());
                        view! {
                            <li data-name=data_name>
                                <A href=href>{team.name}</A>
                                " "
                                <span class="muted team-member-count">{members}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
    .into_any()
}

/// "Remove", then the question and the button that does it.
#[component]
fn RemoveSynchronizationButton(
    id: String,
    name: String,
    open: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = Session::expect();
    let error = RwSignal::new(None::<String>);
    let remove = {
        let id = id.clone();
        Action::new_local(move |(): &()| {
            let variables = remove_synchronization::Variables { id: id.clone() };
            async move {
                match execute::<RemoveSynchronization>(variables).await {
                    Ok(_) => {
                        open.set(None);
                        reload.run(());
                    }
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure.message));
                    }
                }
            }
        })
    };
    let is_open = {
        let id = id.clone();
        Memo::new(move |_| open.with(|open| open.as_deref() == Some(id.as_str())))
    };
    let toggle = Callback::new(move |()| {
        error.set(None);
        open.update(|open| {
            *open = if open.as_deref() == Some(id.as_str()) {
                None
            } else {
                Some(id.clone())
            };
        });
    });
    view! {
        <div class="synchronization-actions">
            <Show
                when=move || is_open.get()
                fallback=move || {
                    view! {
                        <button
                            type="button"
                            class="button button-small button-danger-outline remove-synchronization"
                            aria-expanded=move || is_open.get().to_string()
                            on:click=move |_| toggle.run(())
                        >
                            "Remove"
                        </button>
                    }
                }
            >
                <ConfirmRow
                    verb="Disconnect"
                    subject=name.clone()
                    consequence="The packages it brought stay, as packages added by hand, and \
                                 so do the hooks at the host."
                    action_label="Remove synchronization"
                    pending_label="Removing…"
                    pending=remove.pending()
                    error
                    on_confirm=Callback::new(move |()| {
                        error.set(None);
                        remove.dispatch(());
                    })
                    on_cancel=toggle
                />
            </Show>
        </div>
    }
}
