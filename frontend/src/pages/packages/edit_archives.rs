//! "Edit archives" on an artifact package's page (owners): choose which uploaded archives
//! are its versions — its own, the organization's unused uploads of the same package
//! name, and new uploads — and save the set (`editArtifactPackage`). Unused uploads can
//! be deleted here (`removeArtifact`).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::File;

use super::archives::{
    ArchiveInfo, ArchiveInput, ArchiveUploads, UploadRowView, UploadState, human_size,
    load_unused_archives, remove_archive, version_key,
};
use super::edit::SaveOrCancel;
use crate::api::operations::{EditArtifactPackage, edit_artifact_package};
use crate::api::{ApiError, ErrorCode, JobUpdate, execute};
use crate::components::{ConfirmRow, FormError, LiveJob, Timestamp, form_error};
use crate::session::Session;

/// Why the chosen archives cannot be saved, if they cannot.
fn choice_problem(chosen: &[&ArchiveInfo]) -> Option<String> {
    if chosen.is_empty() {
        return Some(
            "Choose at least one archive: a package needs a version. (To take the package \
             away, remove it below.)"
                .to_owned(),
        );
    }
    let mut seen = std::collections::HashSet::new();
    chosen
        .iter()
        .find(|archive| !seen.insert(version_key(&archive.version)))
        .map(|twice| {
            format!(
                "Version {} is chosen twice: leave one of its archives out.",
                twice.version
            )
        })
}

fn choice_error(message: String) -> ApiError {
    ApiError {
        code: ErrorCode::BadUserInput,
        message,
        field: Some("artifactIds".to_owned()),
    }
}

#[component]
pub(super) fn EditArchivesForm(
    url_name: String,
    /// The package's name, as the mutation's `name` (and the name its archives carry).
    key: String,
    /// Its archives now.
    current: Vec<ArchiveInfo>,
    on_cancel: Callback<()>,
    on_done: Callback<JobUpdate>,
) -> impl IntoView {
    const FIELDS: &[&str] = &["artifactIds", "file"];
    let session = Session::expect();
    // Every archive the package may take, in the order shown: its own first.
    let listed = RwSignal::new(current.clone());
    let chosen = RwSignal::new(
        current
            .iter()
            .map(|archive| archive.id.clone())
            .collect::<Vec<_>>(),
    );
    let more_unused = RwSignal::new(0_i64);
    let error = RwSignal::new(None::<ApiError>);
    let following = RwSignal::new(None::<String>);
    let uploads = ArchiveUploads::new();

    // The organization's unused uploads of this package join the list once loaded.
    {
        let (url_name, key) = (url_name.clone(), key.clone());
        spawn_local(async move {
            match load_unused_archives(session, url_name, key).await {
                Ok((unused, total)) => {
                    more_unused.try_set(total - unused.len() as i64);
                    listed.try_update(|listed| {
                        for archive in unused {
                            if !listed.iter().any(|known| known.id == archive.id) {
                                listed.push(archive);
                            }
                        }
                    });
                }
                Err(failure) => {
                    error.try_set(Some(failure));
                }
            }
        });
    }

    // A new upload of this package joins the list, chosen; one of another package is
    // refused in its row.
    let accept = {
        let key = key.clone();
        Callback::new(move |archive: ArchiveInfo| {
            if archive.package_name != key {
                return Err(format!(
                    "This archive contains {}, not {key}.",
                    archive.package_name
                ));
            }
            let id = archive.id.clone();
            listed.update(|listed| {
                if !listed.iter().any(|known| known.id == id) {
                    listed.push(archive);
                }
            });
            chosen.update(|chosen| {
                if !chosen.contains(&id) {
                    chosen.push(id);
                }
            });
            Ok(())
        })
    };
    let on_files = {
        let url_name = url_name.clone();
        Callback::new(move |files: Vec<File>| {
            error.set(None);
            uploads.send(session, url_name.clone(), None, files, accept);
        })
    };
    let on_remove_row = Callback::new(move |row_key: u64| {
        uploads.take(row_key);
    });
    // Deleted on the server: gone from every list.
    let on_deleted = Callback::new(move |id: String| {
        listed.update(|listed| listed.retain(|archive| archive.id != id));
        chosen.update(|chosen| chosen.retain(|chosen| *chosen != id));
    });

    let save = {
        let (url_name, key) = (url_name.clone(), key.clone());
        Action::new_local(move |ids: &Vec<String>| {
            let variables = edit_artifact_package::Variables {
                organization: url_name.clone(),
                name: key.clone(),
                artifact_ids: ids.clone(),
            };
            async move {
                match execute::<EditArtifactPackage>(variables).await {
                    Ok(data) => following.set(Some(data.edit_artifact_package.id)),
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure));
                    }
                }
            }
        })
    };
    let pending = save.pending();
    let busy = move || pending.get() || following.with(Option::is_some) || uploads.uploading();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if busy() {
            return;
        }
        let ids = listed.with_untracked(|listed| {
            chosen.with_untracked(|chosen| {
                let picked: Vec<&ArchiveInfo> = listed
                    .iter()
                    .filter(|archive| chosen.contains(&archive.id))
                    .collect();
                match choice_problem(&picked) {
                    Some(problem) => Err(problem),
                    None => Ok(picked.iter().map(|archive| archive.id.clone()).collect()),
                }
            })
        });
        match ids {
            Ok(ids) => {
                error.set(None);
                save.dispatch(ids);
            }
            Err(problem) => error.set(Some(choice_error(problem))),
        }
    };
    let summary = move || {
        let count = chosen.with(Vec::len);
        match count {
            1 => "1 archive chosen".to_owned(),
            n => format!("{n} archives chosen"),
        }
    };

    view! {
        <form class="edit-form archives-form" on:submit=on_submit novalidate>
            <p class="muted">
                "Tick the archives that make the package's versions: its own, and archives of "
                <code>{key.clone()}</code>
                " uploaded earlier and not used. Saving replaces the set and reads it again."
            </p>
            <FormError message=form_error(error, FIELDS) />
            <ul class="archive-choices" aria-label="Archives">
                <For
                    each=move || listed.get()
                    key=|archive| archive.id.clone()
                    children=move |archive| {
                        view! {
                            <ArchiveChoice
                                url_name=url_name.clone()
                                archive
                                chosen
                                disabled=Signal::derive(busy)
                                on_deleted
                            />
                        }
                    }
                />
            </ul>
            {move || {
                let more = more_unused.get();
                (more > 0)
                    .then(|| {
                        view! {
                            <p class="field-hint">
                                {format!("{more} more unused archives of this package are not listed.")}
                            </p>
                        }
                    })
            }}
            {move || {
                error
                    .with(|e| e.as_ref()?.message_for_field("artifactIds"))
                    .map(|message| view! { <p class="form-error" role="alert">{message}</p> })
            }}
            <p class="upload-summary">{summary}</p>
            <ArchiveInput
                label="Upload more"
                hint="Zips of this package; each is uploaded when you choose it and added, ticked."
                multiple=true
                disabled=Signal::derive(move || pending.get() || following.with(Option::is_some))
                error=Signal::derive(move || error.with(|e| e.as_ref()?.message_for_field("file")))
                on_files
            />
            // Uploaded archives move to the list above; what is on its way or was refused
            // stays here.
            <ul class="uploads">
                <For
                    each=move || {
                        uploads
                            .rows
                            .get()
                            .into_iter()
                            .filter(|row| !matches!(row.state, UploadState::Uploaded(_)))
                            .collect::<Vec<_>>()
                    }
                    key=|row| (row.key, format!("{:?}", row.state))
                    children=move |row| view! { <UploadRowView row on_remove=on_remove_row /> }
                />
            </ul>
            <SaveOrCancel busy=Signal::derive(busy) on_cancel class="save-archives" />
            {move || {
                following
                    .get()
                    .map(|job_id| view! { <LiveJob job_id initial=None on_final=on_done /> })
            }}
        </form>
    }
}

/// One archive the package may take: a checkbox (`name=artifactIds`, its id as value),
/// what it is, and for an unused upload "Delete" with its confirmation.
#[component]
fn ArchiveChoice(
    url_name: String,
    archive: ArchiveInfo,
    chosen: RwSignal<Vec<String>>,
    #[prop(into)] disabled: Signal<bool>,
    on_deleted: Callback<String>,
) -> impl IntoView {
    let session = Session::expect();
    let id = archive.id.clone();
    let checked = {
        let id = id.clone();
        move || chosen.with(|chosen| chosen.contains(&id))
    };
    let toggle = {
        let id = id.clone();
        move |on: bool| {
            chosen.update(|chosen| {
                chosen.retain(|chosen| *chosen != id);
                if on {
                    chosen.push(id.clone());
                }
            })
        }
    };
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let delete = {
        let id = id.clone();
        Action::new_local(move |(): &()| {
            let (url_name, id) = (url_name.clone(), id.clone());
            async move {
                match remove_archive(session, url_name, None, id.clone()).await {
                    Ok(()) => on_deleted.run(id),
                    // Gone already: the same outcome.
                    Err(failure) if failure.code == ErrorCode::NotFound => on_deleted.run(id),
                    Err(failure) => error.set(Some(failure.message)),
                }
            }
        })
    };
    let unused = archive.package.is_none();
    let (input_id, label_for) = (format!("artifact-{id}"), format!("artifact-{id}"));
    view! {
        <li class="archive-choice" class:archive-choice-unused=unused data-version=archive.version.clone()>
            <div class="archive-choice-row">
                <label class="choice" for=label_for>
                    <input
                        id=input_id
                        type="checkbox"
                        name="artifactIds"
                        value=id.clone()
                        prop:checked=checked
                        disabled=move || disabled.get()
                        on:change=move |event| toggle(event_target_checked(&event))
                    />
                    <span class="archive-choice-text">
                        <span class="badge badge-neutral artifact-version">
                            {archive.version.clone()}
                        </span>
                        <span class="upload-name">{archive.file_name.clone()}</span>
                        <span class="muted archive-choice-meta">
                            {human_size(archive.size as f64)} " · uploaded "
                            <Timestamp value=archive.created_at.clone() />
                            {(!unused).then_some(" · in the package")}
                        </span>
                    </span>
                </label>
                <Show when=move || unused && !confirming.get()>
                    <button
                        type="button"
                        class="button button-small button-danger-outline remove-artifact"
                        disabled=move || disabled.get()
                        on:click=move |_| {
                            error.set(None);
                            confirming.set(true);
                        }
                    >
                        "Delete"
                    </button>
                </Show>
            </div>
            <Show when=move || confirming.get()>
                <ConfirmRow
                    verb="Delete"
                    subject=archive.file_name.clone()
                    consequence="The uploaded file is deleted from Packyard; no package uses it."
                    action_label="Delete archive"
                    pending_label="Deleting…"
                    pending=delete.pending()
                    error=error
                    on_confirm=Callback::new(move |()| {
                        delete.dispatch(());
                    })
                    on_cancel=Callback::new(move |()| confirming.set(false))
                />
            </Show>
        </li>
    }
}
