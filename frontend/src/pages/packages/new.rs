//! `/orgs/:url_name/packages/new` (and `/orgs/:url_name/suborganizations/:sub/packages/new`
//! for a suborganization's): add a package — from a git repository, from a JSON
//! definition, or from uploaded zip archives — and watch the job that reads it; when it
//! is done the package's page opens.
//!
//! The source is chosen with `?source=git|custom|archive` (links above the form), so each
//! mode can be linked to.

use std::time::Duration;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use web_sys::File;

use super::archives::{
    ArchiveInfo, ArchiveInput, ArchiveUploads, UploadRow, UploadRowView, UploadState,
    remove_archive,
};
use super::fields::{
    DEFINITION_EXAMPLE, DefinitionField, RepositoryFields, checked_definition, repository_input,
};
use super::{job_package_path, new_package_path};
use crate::api::operations::{
    CreateArtifactPackage, CreateCustomPackage, CreateVcsPackage, JobStatus,
    create_artifact_package, create_custom_package, create_vcs_package,
};
use crate::api::{ApiError, JobWatch, execute};
use crate::components::{FormError, JobProgress, field_error, form_error};
use crate::pages::organizations::{CurrentOrganization, organization_path};
use crate::pages::suborganizations::suborganization_path;
use crate::session::Session;
use crate::timer::sleep;

/// How long "Done" stays in view before the package page opens.
const SUCCESS_PAUSE: Duration = Duration::from_millis(600);

/// Where a new package's versions come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Source {
    /// `createVcsPackage`: every tag and branch of a git repository.
    Git,
    /// `createCustomPackage`: versions written out in JSON.
    Custom,
    /// `uploadArtifact` + `createArtifactPackage`: zip archives.
    Archive,
}

impl Source {
    const ALL: [Self; 3] = [Self::Git, Self::Custom, Self::Archive];

    /// The `?source=` value.
    fn as_str(self) -> &'static str {
        match self {
            Self::Git => "git",
            Self::Custom => "custom",
            Self::Archive => "archive",
        }
    }

    fn from_query(value: Option<&str>) -> Self {
        Self::ALL
            .into_iter()
            .find(|source| Some(source.as_str()) == value)
            .unwrap_or(Self::Git)
    }

    fn label(self) -> &'static str {
        match self {
            Self::Git => "Git repository",
            Self::Custom => "Custom JSON",
            Self::Archive => "Upload archive",
        }
    }

    /// The heading over the job's progress.
    fn reading(self) -> &'static str {
        match self {
            Self::Git => "Reading the repository",
            Self::Custom => "Reading the definition",
            Self::Archive => "Reading the archives",
        }
    }

    /// What to do when the job failed for good.
    fn failure_advice(self) -> &'static str {
        match self {
            Self::Git => {
                "The package was added, but its source could not be read. Fix the cause (a \
                 credential, the URL's access rights, its composer.json) and use “Update now” \
                 on its page, or remove it there."
            }
            Self::Custom => {
                "The package was added, but its definition could not be read. Correct it with \
                 “Edit definition” on its page, or remove it there."
            }
            Self::Archive => {
                "The package was added, but its archives could not be read. Upload a corrected \
                 version on its page, or remove it there."
            }
        }
    }
}

/// A job started by one of the forms: the page now follows it.
#[derive(Clone, Debug, PartialEq)]
struct StartedJob {
    id: String,
    source: Source,
}

/// Where the new package goes: the organization, or one of its suborganizations (the
/// route's `:sub`). Context for the forms below the page.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Target {
    url_name: String,
    suborganization: Option<String>,
}

impl Target {
    fn expect() -> Self {
        expect_context()
    }

    /// Where "Cancel" leads: the package list, or the suborganization's page.
    fn home(&self) -> String {
        match &self.suborganization {
            None => organization_path(&self.url_name),
            Some(sub) => suborganization_path(&self.url_name, sub),
        }
    }

    /// This page, for the source links.
    fn new_path(&self) -> String {
        match &self.suborganization {
            None => new_package_path(&self.url_name),
            Some(_) => format!("{}/packages/new", self.home()),
        }
    }
}

#[component]
pub fn AddPackagePage() -> impl IntoView {
    let organization = CurrentOrganization::expect();
    let url_name = organization.url_name();
    let suborganization = use_params_map().with_untracked(|params| params.get("sub"));
    let target = Target {
        url_name,
        suborganization,
    };
    provide_context(target.clone());
    let query = use_query_map();
    let source =
        Memo::new(move |_| query.with(|query| Source::from_query(query.get_str("source"))));
    let started = RwSignal::new(None::<StartedJob>);
    let locked = move || started.with(Option::is_some);
    let base = target.new_path();
    let heading = match &target.suborganization {
        None => "Add a package".to_owned(),
        Some(sub) => format!("Add a package to the suborganization {sub}"),
    };

    view! {
        <div class="section-header">
            <h2>{heading}</h2>
        </div>
        <nav class="segmented" aria-label="Where the package comes from">
            {Source::ALL
                .into_iter()
                .map(|option| {
                    let href = match option {
                        Source::Git => base.clone(),
                        other => format!("{base}?source={}", other.as_str()),
                    };
                    let active = move || source.get() == option;
                    view! {
                        <a
                            href=href
                            class="segment"
                            class:segment-active=active
                            class:segment-locked=move || locked() && !active()
                            data-source=option.as_str()
                            aria-current=move || active().then_some("page")
                            aria-disabled=move || (locked() && !active()).then_some("true")
                            on:click=move |event| {
                                if locked() {
                                    event.prevent_default();
                                }
                            }
                        >
                            {option.label()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
        {move || match source.get() {
            Source::Git => view! { <GitForm started /> }.into_any(),
            Source::Custom => view! { <CustomForm started /> }.into_any(),
            Source::Archive => view! { <ArchiveForm started /> }.into_any(),
        }}
        {move || started.get().map(|job| view! { <NewPackageJob job_id=job.id source=job.source /> })}
    }
}

/// "Cancel": back to the package list (or the suborganization).
#[component]
fn CancelLink() -> impl IntoView {
    let href = Target::expect().home();
    view! {
        <A href=href attr:class="button button-quiet">
            "Cancel"
        </A>
    }
}

/// A git repository (URL and optional credential): `createVcsPackage`.
#[component]
fn GitForm(started: RwSignal<Option<StartedJob>>) -> impl IntoView {
    /// The inputs this form shows, named as the mutation's arguments.
    const FIELDS: &[&str] = &["url", "credentialId"];
    let session = Session::expect();
    let organization = CurrentOrganization::expect();
    let Target {
        url_name,
        suborganization,
    } = Target::expect();
    let url = RwSignal::new(String::new());
    let credential = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);

    let create = Action::new_local(
        move |(repository, credential_id): &(String, Option<String>)| {
            let variables = create_vcs_package::Variables {
                organization: url_name.clone(),
                suborganization: suborganization.clone(),
                url: repository.clone(),
                credential_id: credential_id.clone(),
            };
            async move {
                match execute::<CreateVcsPackage>(variables).await {
                    Ok(data) => started.set(Some(StartedJob {
                        id: data.create_vcs_package.id,
                        source: Source::Git,
                    })),
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure));
                    }
                }
            }
        },
    );
    let pending = create.pending();
    let busy = move || pending.get() || started.with(Option::is_some);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if busy() {
            return;
        }
        error.set(None);
        create.dispatch(repository_input(url, credential));
    };

    view! {
        <form class="panel form-panel" on:submit=on_submit novalidate>
            <p class="muted">
                "Packyard reads the repository's " <code>"composer.json"</code>
                " at every tag and branch; each becomes a version Composer can install."
            </p>
            <FormError message=form_error(error, FIELDS) />
            // Credentials are for owners; members never see this form work anyway.
            <RepositoryFields
                url
                credential
                error
                with_credentials=Signal::derive(move || organization.can_add_packages())
                credential_label="Credential (optional)"
                placeholder="https://github.com/acme/lib.git"
                autofocus=true
                add_credential_link=true
            />
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=busy>
                    {move || if pending.get() { "Adding…" } else { "Add package" }}
                </button>
                <CancelLink />
            </div>
        </form>
    }
}

/// Versions written out in JSON: `createCustomPackage`.
#[component]
fn CustomForm(started: RwSignal<Option<StartedJob>>) -> impl IntoView {
    const FIELDS: &[&str] = &["definition"];
    let session = Session::expect();
    let Target {
        url_name,
        suborganization,
    } = Target::expect();
    let definition = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);

    let create = Action::new_local(move |text: &String| {
        let variables = create_custom_package::Variables {
            organization: url_name.clone(),
            suborganization: suborganization.clone(),
            definition: text.clone(),
        };
        async move {
            match execute::<CreateCustomPackage>(variables).await {
                Ok(data) => started.set(Some(StartedJob {
                    id: data.create_custom_package.id,
                    source: Source::Custom,
                })),
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(failure));
                }
            }
        }
    });
    let pending = create.pending();
    let busy = move || pending.get() || started.with(Option::is_some);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if busy() {
            return;
        }
        if let Some(text) = checked_definition(definition, error) {
            create.dispatch(text);
        }
    };

    view! {
        <form class="panel form-panel form-panel-wide" on:submit=on_submit novalidate>
            <p class="muted">
                "For code that lives outside git, e.g. a vendor's zip download: write each "
                "version out the way a Composer " <code>"package"</code>
                " repository would. Packyard serves exactly these versions."
            </p>
            <FormError message=form_error(error, FIELDS) />
            <DefinitionField
                label="Package definition"
                value=definition
                error
                placeholder=DEFINITION_EXAMPLE
                rows=16
            />
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=busy>
                    {move || if pending.get() { "Adding…" } else { "Add package" }}
                </button>
                <button
                    type="button"
                    class="button insert-example"
                    disabled=busy
                    on:click=move |_| {
                        error.set(None);
                        definition.set(DEFINITION_EXAMPLE.to_owned());
                    }
                >
                    "Insert example"
                </button>
                <CancelLink />
            </div>
        </form>
    }
}

/// Why the uploaded archives cannot make one package, if they cannot: the server wants
/// versions of one package name, each version once.
fn archive_set_problem(rows: &[UploadRow]) -> Option<String> {
    let archives: Vec<_> = rows.iter().filter_map(UploadRow::uploaded).collect();
    let mut names: Vec<&str> = archives.iter().map(|a| a.package_name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    if names.len() > 1 {
        return Some(format!(
            "These archives belong to different packages ({}). A package is made of versions \
             of one package: remove the others.",
            names.join(", ")
        ));
    }
    let mut seen = std::collections::HashSet::new();
    archives
        .iter()
        .find(|archive| !seen.insert(super::archives::version_key(&archive.version)))
        .map(|twice| {
            format!(
                "Version {} is there twice: remove one of its archives.",
                twice.version
            )
        })
}

/// Zip archives: each chosen file is uploaded at once (`uploadArtifact`) and shows the
/// package and version read from it; "Create package" makes a package of the uploaded
/// ones (`createArtifactPackage`).
#[component]
fn ArchiveForm(started: RwSignal<Option<StartedJob>>) -> impl IntoView {
    const FIELDS: &[&str] = &["file", "artifactIds"];
    let session = Session::expect();
    let Target {
        url_name,
        suborganization,
    } = Target::expect();
    let archives = ArchiveUploads::new();
    let uploads = archives.rows;
    let error = RwSignal::new(None::<ApiError>);

    let on_files = {
        let (url_name, suborganization) = (url_name.clone(), suborganization.clone());
        Callback::new(move |files: Vec<File>| {
            error.set(None);
            archives.send(
                session,
                url_name.clone(),
                suborganization.clone(),
                files,
                Callback::new(|_: ArchiveInfo| Ok(())),
            );
        })
    };
    // "Remove" leaves the file out, and deletes what it uploaded unless a package uses
    // it (the same bytes may have been an archive of a package already).
    let on_remove = {
        let (url_name, suborganization) = (url_name.clone(), suborganization.clone());
        Callback::new(move |key: u64| {
            error.set(None);
            let Some(row) = archives.take(key) else {
                return;
            };
            if let UploadState::Uploaded(archive) = row.state
                && archive.package.is_none()
            {
                let (url_name, suborganization) = (url_name.clone(), suborganization.clone());
                spawn_local(async move {
                    // Not deleted (a package took it meanwhile): it stays, unused or used.
                    let _ = remove_archive(session, url_name, suborganization, archive.id).await;
                });
            }
        })
    };

    let create = Action::new_local(move |ids: &Vec<String>| {
        let variables = create_artifact_package::Variables {
            organization: url_name.clone(),
            suborganization: suborganization.clone(),
            artifact_ids: ids.clone(),
        };
        async move {
            match execute::<CreateArtifactPackage>(variables).await {
                Ok(data) => started.set(Some(StartedJob {
                    id: data.create_artifact_package.id,
                    source: Source::Archive,
                })),
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(failure));
                }
            }
        }
    });
    let pending = create.pending();
    let busy = move || pending.get() || started.with(Option::is_some);

    let uploading = move || archives.uploading();
    let ready: Memo<Vec<(String, String, String)>> = Memo::new(move |_| {
        uploads.with(|rows| {
            rows.iter()
                .filter_map(UploadRow::uploaded)
                .map(|a| (a.id.clone(), a.package_name.clone(), a.version.clone()))
                .collect()
        })
    });
    let problem = Memo::new(move |_| uploads.with(|rows| archive_set_problem(rows)));
    let summary = move || {
        if problem.with(Option::is_some) {
            return None;
        }
        ready.with(|ready| {
            let (_, name, _) = ready.first()?;
            let versions: Vec<&str> = ready.iter().map(|(_, _, v)| v.as_str()).collect();
            Some(match versions.len() {
                1 => format!("{name}: version {}", versions[0]),
                n => format!("{name}: {n} versions ({})", versions.join(", ")),
            })
        })
    };
    let can_create = move || {
        !busy() && !uploading() && problem.with(Option::is_none) && ready.with(|r| !r.is_empty())
    };
    let on_create = move |_| {
        if !can_create() {
            return;
        }
        error.set(None);
        create.dispatch(
            ready.with_untracked(|ready| ready.iter().map(|(id, _, _)| id.clone()).collect()),
        );
    };

    view! {
        <div class="panel form-panel form-panel-wide">
            <p class="muted">
                "Each zip is one version: its top-level " <code>"composer.json"</code>
                " must name the package and its " <code>"version"</code>
                ". Upload one or several versions of the same package, then create it."
            </p>
            <FormError message=form_error(error, FIELDS) />
            <ArchiveInput
                label="Zip archives"
                hint="Each file is uploaded when you choose it. Choose more to add versions."
                multiple=true
                disabled=Signal::derive(busy)
                error=field_error(error, "file")
                on_files
            />
            <Show when=move || uploads.with(|rows| !rows.is_empty())>
                <ul class="uploads" class:uploads-locked=busy aria-live="polite">
                    <For
                        each=move || uploads.get()
                        key=|row| (row.key, format!("{:?}", row.state))
                        children=move |row| {
                            view! { <UploadRowView row on_remove /> }
                        }
                    />
                </ul>
            </Show>
            {move || {
                problem
                    .get()
                    .or_else(|| error.with(|e| e.as_ref()?.message_for_field("artifactIds")))
                    .map(|message| {
                        view! { <p class="form-error" role="alert">{message}</p> }
                    })
            }}
            {move || summary().map(|text| view! { <p class="upload-summary">{text}</p> })}
            <div class="form-actions">
                <button
                    type="button"
                    class="button button-primary create-artifact-package"
                    disabled=move || !can_create()
                    on:click=on_create
                >
                    {move || {
                        if pending.get() {
                            "Creating…"
                        } else if uploading() {
                            "Uploading…"
                        } else {
                            "Create package"
                        }
                    }}
                </button>
                <CancelLink />
            </div>
        </div>
    }
}

/// The live progress of the job that reads a new package; on success its page opens
/// (`Job.package` says which package that is).
#[component]
fn NewPackageJob(job_id: String, source: Source) -> impl IntoView {
    let target = Target::expect();
    let in_suborganization = target.suborganization.is_some();
    let navigate = use_navigate();
    let watch = JobWatch::start(job_id, None);
    // Package pages are the organization's: a suborganization's package is shown on the
    // suborganization's page.
    let package_path = move || {
        watch.job().and_then(|job| job.package).map(|package| {
            if in_suborganization {
                target.home()
            } else {
                job_package_path(&target.url_name, &package)
            }
        })
    };

    let open_package = Action::new_local(move |(path, pause): &(String, Duration)| {
        let (path, pause, navigate) = (path.clone(), *pause, navigate.clone());
        async move {
            if !pause.is_zero() {
                sleep(pause).await;
            }
            navigate(&path, Default::default());
        }
    });
    let gone = RwSignal::new(false);
    {
        let package_path = package_path.clone();
        Effect::new(move |opened: Option<bool>| {
            if opened == Some(true) {
                return true;
            }
            if watch.status() != Some(JobStatus::Success) {
                return false;
            }
            match package_path() {
                Some(path) => {
                    open_package.dispatch((path, SUCCESS_PAUSE));
                }
                None => gone.set(true),
            }
            true
        });
    }
    let failed = move || watch.status() == Some(JobStatus::Error);
    let failed_path = move || package_path().filter(|_| failed());
    // The panel appears below the form: bring it into view once.
    let panel = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |scrolled: Option<bool>| {
        if scrolled == Some(true) {
            return true;
        }
        panel
            .get()
            .map(|panel| panel.scroll_into_view_with_bool(false))
            .is_some()
    });

    view! {
        <section class="panel job-panel" aria-live="polite" node_ref=panel>
            <h2>{source.reading()}</h2>
            <JobProgress watch />
            <Show when=move || gone.get()>
                <p class="form-error" role="alert">
                    "The package was read, but it is gone now (removed meanwhile?)."
                </p>
            </Show>
            <Show when=failed>
                <p class="muted job-advice">{source.failure_advice()}</p>
            </Show>
            {move || {
                failed_path()
                    .map(|path| {
                        view! {
                            <div class="form-actions">
                                <A href=path attr:class="button button-primary open-package">
                                    {if in_suborganization {
                                        "Open the suborganization"
                                    } else {
                                        "Open the package"
                                    }}
                                </A>
                            </div>
                        }
                    })
            }}
        </section>
    }
}
