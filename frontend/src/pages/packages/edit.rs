//! Changing where a package's versions come from, on its page (owners): the repository of
//! a VCS package, the definition of a custom one, the archives of an artifact package
//! (a new one at once, or the whole set: `edit_archives.rs`).
//! Each change starts a job that reads the package again; its progress shows in the panel
//! and, once it is done, the page reloads (`on_done`).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::File;

use super::archives::{
    ArchiveInfo, ArchiveInput, ArchivesTable, UploadRow, UploadRowView, UploadState, upload_archive,
};
use super::edit_archives::EditArchivesForm;
use super::fields::{
    DEFINITION_EXAMPLE, DefinitionField, RepositoryFields, checked_definition, definition_error,
    repository_input,
};
use crate::api::operations::{
    AddArtifactToPackage, EditCustomPackage, EditVcsPackage, JobStatus, add_artifact_to_package,
    edit_custom_package, edit_vcs_package,
};
use crate::api::{ApiError, JobUpdate, execute};
use crate::components::{FormError, LiveJob, form_error};
use crate::session::Session;

/// A VCS package's repository URL and credential: `editVcsPackage`.
#[component]
pub(super) fn EditRepositoryPanel(
    url_name: String,
    /// `vendor/name` (or `#id`), as the mutation's `name`.
    key: String,
    repository_url: Option<String>,
    credential_id: Option<String>,
    on_done: Callback<JobUpdate>,
) -> impl IntoView {
    const FIELDS: &[&str] = &["url", "credentialId"];
    let session = Session::expect();
    let open = RwSignal::new(false);
    let url = RwSignal::new(repository_url.clone().unwrap_or_default());
    let credential = RwSignal::new(credential_id.clone().unwrap_or_default());
    let error = RwSignal::new(None::<ApiError>);
    let following = RwSignal::new(None::<String>);

    let save = Action::new_local(
        move |(repository, credential_id): &(String, Option<String>)| {
            let variables = edit_vcs_package::Variables {
                organization: url_name.clone(),
                name: key.clone(),
                url: repository.clone(),
                credential_id: credential_id.clone(),
            };
            async move {
                match execute::<EditVcsPackage>(variables).await {
                    Ok(data) => following.set(Some(data.edit_vcs_package.id)),
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure));
                    }
                }
            }
        },
    );
    let pending = save.pending();
    let busy = move || pending.get() || following.with(Option::is_some);
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if busy() {
            return;
        }
        error.set(None);
        save.dispatch(repository_input(url, credential));
    };
    let reset = Callback::new(move |()| {
        url.set(repository_url.clone().unwrap_or_default());
        credential.set(credential_id.clone().unwrap_or_default());
        error.set(None);
        open.set(false);
    });

    view! {
        <section class="panel edit-panel">
            <div class="panel-header">
                <h2>"Repository"</h2>
                <Show when=move || !open.get()>
                    <button
                        type="button"
                        class="button edit-repository"
                        on:click=move |_| open.set(true)
                    >
                        "Edit repository"
                    </button>
                </Show>
            </div>
            <p class="muted">
                "Point the package at another repository URL or credential (e.g. after a move "
                "or a new access token). Its versions are read again from there."
            </p>
            <Show when=move || open.get()>
                <form class="edit-form" on:submit=on_submit novalidate>
                    <FormError message=form_error(error, FIELDS) />
                    <RepositoryFields url credential error with_credentials=true />
                    <SaveOrCancel busy=Signal::derive(busy) on_cancel=reset />
                </form>
            </Show>
            {move || {
                following
                    .get()
                    .map(|job_id| view! { <LiveJob job_id initial=None on_final=on_done /> })
            }}
        </section>
    }
}

/// "Save and read again" and "Cancel", for the panels that change a package's source.
#[component]
pub(super) fn SaveOrCancel(
    #[prop(into)] busy: Signal<bool>,
    on_cancel: Callback<()>,
    /// The submit button's class, besides `button button-primary`.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    view! {
        <div class="form-actions">
            <button
                type="submit"
                class=format!("button button-primary {class}")
                disabled=move || busy.get()
            >
                {move || if busy.get() { "Saving…" } else { "Save and read again" }}
            </button>
            <button
                type="button"
                class="button button-quiet"
                disabled=move || busy.get()
                on:click=move |_| on_cancel.run(())
            >
                "Cancel"
            </button>
        </div>
    }
}

/// A custom package's definition: `editCustomPackage`. The API does not return the current
/// definition, so the editor starts empty and the new text replaces it entirely.
#[component]
pub(super) fn EditDefinitionPanel(
    url_name: String,
    key: String,
    on_done: Callback<JobUpdate>,
) -> impl IntoView {
    const FIELDS: &[&str] = &["definition"];
    let session = Session::expect();
    let open = RwSignal::new(false);
    let definition = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let following = RwSignal::new(None::<String>);
    // The job that read a saved definition and failed: shown until the next attempt.
    let failed_job = RwSignal::new(None::<JobUpdate>);
    let placeholder = DEFINITION_EXAMPLE.replace("acme/legacy-sdk", &key);

    let save = {
        let key = key.clone();
        Action::new_local(move |text: &String| {
            let variables = edit_custom_package::Variables {
                organization: url_name.clone(),
                name: key.clone(),
                definition: text.clone(),
            };
            async move {
                match execute::<EditCustomPackage>(variables).await {
                    Ok(data) => following.set(Some(data.edit_custom_package.id)),
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure));
                    }
                }
            }
        })
    };
    let pending = save.pending();
    let busy = move || pending.get() || following.with(Option::is_some);
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if busy() {
            return;
        }
        if let Some(text) = checked_definition(definition, error) {
            failed_job.set(None);
            save.dispatch(text);
        }
    };
    // A failed read keeps the text (the API cannot give it back) so it can be fixed and
    // sent again; a successful one reloads the page.
    let on_final = Callback::new(move |job: JobUpdate| {
        if job.status == JobStatus::Success {
            on_done.run(job);
        } else {
            following.set(None);
            error.set(Some(definition_error(
                "The new definition was saved, but reading it failed (see below). Correct it and \
                 save again."
                    .to_owned(),
            )));
            failed_job.set(Some(job));
        }
    });
    let reset = Callback::new(move |()| {
        definition.set(String::new());
        error.set(None);
        failed_job.set(None);
        open.set(false);
    });

    view! {
        <section class="panel edit-panel">
            <div class="panel-header">
                <h2>"Definition"</h2>
                <Show when=move || !open.get()>
                    <button
                        type="button"
                        class="button edit-definition"
                        on:click=move |_| open.set(true)
                    >
                        "Edit definition"
                    </button>
                </Show>
            </div>
            <p class="muted">
                "The package's versions come from its JSON definition. A new definition replaces "
                "the current one entirely, every version included; the package name must stay "
                <code>{key.clone()}</code> "."
            </p>
            <Show when=move || open.get()>
                <form class="edit-form" on:submit=on_submit novalidate>
                    <p class="note">
                        "The current definition cannot be shown here (the API does not return "
                        "it): paste the complete new one, e.g. from where you keep it."
                    </p>
                    <FormError message=form_error(error, FIELDS) />
                    <DefinitionField
                        label="New definition"
                        value=definition
                        error
                        placeholder=placeholder.clone()
                        rows=14
                    />
                    <SaveOrCancel busy=Signal::derive(busy) on_cancel=reset />
                </form>
            </Show>
            {move || {
                following
                    .get()
                    .map(|job_id| view! { <LiveJob job_id initial=None on_final /> })
            }}
            {move || {
                failed_job
                    .get()
                    .map(|job| {
                        view! {
                            <crate::components::JobState job=Signal::stored(Some(job)) />
                        }
                    })
            }}
        </section>
    }
}

/// An artifact package's archives (everyone); for owners "Upload a new version"
/// (`uploadArtifact`, then `addArtifactToPackage`) and "Edit archives", which chooses the
/// whole set (`editArtifactPackage`).
#[component]
pub(super) fn ArchivesPanel(
    url_name: String,
    key: String,
    archives: Vec<ArchiveInfo>,
    can_manage: bool,
    on_done: Callback<JobUpdate>,
) -> impl IntoView {
    let session = Session::expect();
    let count = archives.len();
    let editing = RwSignal::new(false);
    let editor = {
        let (url_name, key, archives) = (url_name.clone(), key.clone(), archives.clone());
        move || {
            editing.get().then(|| {
                view! {
                    <EditArchivesForm
                        url_name=url_name.clone()
                        key=key.clone()
                        current=archives.clone()
                        on_cancel=Callback::new(move |()| editing.set(false))
                        on_done
                    />
                }
            })
        }
    };
    let current = RwSignal::new(None::<UploadRow>);
    let error = RwSignal::new(None::<ApiError>);
    let following = RwSignal::new(None::<String>);
    let uploading = move || {
        current.with(|row| {
            row.as_ref()
                .is_some_and(|row| row.state == UploadState::Uploading)
        })
    };
    let busy = move || uploading() || following.with(Option::is_some);

    let on_files = Callback::new(move |files: Vec<File>| {
        let Some(file) = files.into_iter().next() else {
            return;
        };
        if busy() {
            return;
        }
        error.set(None);
        let row = UploadRow::new(0, &file);
        let send = row.state == UploadState::Uploading;
        current.set(Some(row));
        if !send {
            return;
        }
        let (url_name, key) = (url_name.clone(), key.clone());
        spawn_local(async move {
            let archive = match upload_archive(session, url_name.clone(), None, &file).await {
                Ok(archive) => archive,
                Err(failure) => {
                    current.try_update(|row| {
                        if let Some(row) = row {
                            row.state = UploadState::Failed(failure.message);
                        }
                    });
                    return;
                }
            };
            let artifact_id = archive.id.clone();
            current.try_update(|row| {
                if let Some(row) = row {
                    row.state = UploadState::Uploaded(archive);
                }
            });
            let variables = add_artifact_to_package::Variables {
                organization: url_name,
                name: key,
                artifact_id,
            };
            match execute::<AddArtifactToPackage>(variables).await {
                Ok(data) => {
                    following.try_set(Some(data.add_artifact_to_package.id));
                }
                Err(failure) => {
                    session.observe(&failure);
                    error.try_set(Some(failure));
                }
            }
        });
    });

    view! {
        <section class="panel">
            <div class="panel-header">
                <h2>"Archives " <span class="count">{count}</span></h2>
                <Show when=move || can_manage && !editing.get() && !busy()>
                    <button
                        type="button"
                        class="button edit-archives"
                        on:click=move |_| editing.set(true)
                    >
                        "Edit archives"
                    </button>
                </Show>
            </div>
            {if archives.is_empty() {
                view! { <p class="muted">"No archive belongs to this package."</p> }.into_any()
            } else {
                view! { <ArchivesTable archives /> }.into_any()
            }}
            {editor}
            <Show when=move || can_manage && !editing.get()>
                <div class="upload-version">
                    <ArchiveInput
                        label="Upload a new version"
                        hint="A zip with the package's composer.json (including version) at its top level."
                        disabled=Signal::derive(busy)
                        on_files
                    />
                    {move || {
                        current
                            .get()
                            .map(|row| view! { <ul class="uploads"><UploadRowView row /></ul> })
                    }}
                    // Why the uploaded archive could not join the package (its own
                    // problems show in its row).
                    {move || {
                        error
                            .get()
                            .map(|error| view! { <p class="form-error" role="alert">{error.message}</p> })
                    }}
                    {move || {
                        following
                            .get()
                            .map(|job_id| view! { <LiveJob job_id initial=None on_final=on_done /> })
                    }}
                </div>
            </Show>
        </section>
    }
}
