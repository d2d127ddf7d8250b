//! Zip archives of artifact packages: choosing them, uploading them (a GraphQL multipart
//! request through [`crate::api::upload()`]), showing them and deleting unused ones.

use leptos::ev::Event;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{File, HtmlInputElement};

use crate::api::operations::{
    OrganizationArtifacts, RemoveArtifact, Upload, UploadArtifact, organization_artifacts,
    remove_artifact, upload_artifact,
};
use crate::api::{ApiError, execute, upload};
use crate::components::Timestamp;
use crate::session::Session;

/// An uploaded archive (`Artifact`).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct ArchiveInfo {
    pub id: String,
    pub file_name: String,
    /// SHA-1 of the archive: its dist reference and shasum.
    pub sha1: String,
    pub size: i64,
    /// The package its composer.json names.
    pub package_name: String,
    pub version: String,
    pub created_at: String,
    /// The package using it; `None` while it is unused (and may be deleted).
    pub package: Option<String>,
}

/// An `ArchiveInfo` from any operation's `Artifact` selection (each has its own type).
macro_rules! archive_info {
    ($artifact:expr) => {{
        let artifact = $artifact;
        ArchiveInfo {
            id: artifact.id,
            file_name: artifact.file_name,
            sha1: artifact.sha1,
            size: artifact.size,
            package_name: artifact.package_name,
            version: artifact.version,
            created_at: artifact.created_at,
            package: artifact.package.and_then(|package| package.name),
        }
    }};
}
pub(super) use archive_info;

/// `uploadArtifact`: stores `file` in the organization (or its `suborganization`) and
/// reads its composer.json. The archive belongs to no package until
/// `createArtifactPackage` or `addArtifactToPackage` names it.
pub(super) async fn upload_archive(
    session: Session,
    organization: String,
    suborganization: Option<String>,
    file: &File,
) -> Result<ArchiveInfo, ApiError> {
    let variables = upload_artifact::Variables {
        organization,
        suborganization,
        file: Upload,
    };
    let data = upload::<UploadArtifact>(variables, &[("variables.file", file)])
        .await
        .inspect_err(|error| session.observe(error))?;
    Ok(archive_info!(data.upload_artifact))
}

/// `removeArtifact`: deletes an archive no package uses, and its file.
pub(super) async fn remove_archive(
    session: Session,
    organization: String,
    suborganization: Option<String>,
    artifact_id: String,
) -> Result<(), ApiError> {
    let variables = remove_artifact::Variables {
        organization,
        suborganization,
        artifact_id,
    };
    execute::<RemoveArtifact>(variables)
        .await
        .inspect_err(|error| session.observe(error))
        .map(drop)
}

/// The most archives one request lists (the API's page size limit).
const ARCHIVES_PAGE_SIZE: i64 = 100;

/// Uploaded archives of `package_name` that no package uses: what an artifact package
/// may take besides its own. Only the first page; the note says when there are more.
pub(super) async fn load_unused_archives(
    session: Session,
    url_name: String,
    package_name: String,
) -> Result<(Vec<ArchiveInfo>, i64), ApiError> {
    let variables = organization_artifacts::Variables {
        url_name,
        package_name: Some(package_name),
        unused: Some(true),
        first: ARCHIVES_PAGE_SIZE,
        after: None,
    };
    let data = execute::<OrganizationArtifacts>(variables)
        .await
        .inspect_err(|error| session.observe(error))?;
    let artifacts = data.organization.artifacts;
    let archives = artifacts
        .nodes
        .into_iter()
        .map(|artifact| archive_info!(artifact))
        .collect();
    Ok((archives, artifacts.total_count))
}

/// `1.4 MiB`, `820 B`: binary units, as the server's upload limit is given in MiB.
pub(super) fn human_size(bytes: f64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes.max(0.0);
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} {}", UNITS[0])
    } else if value < 10.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

/// The server reads zip archives only; the name is the cheap check before sending
/// megabytes it would refuse (it checks the content too).
pub(super) fn is_zip_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".zip")
}

/// Two versions the server would count as one (`v1.0.0` and `1.0.0`): a rough
/// normalisation, enough to warn before the server refuses the set.
pub(super) fn version_key(version: &str) -> String {
    let version = version.trim().to_ascii_lowercase();
    version
        .strip_prefix('v')
        .map(str::to_owned)
        .unwrap_or(version)
}

/// The files chosen in the `<input type=file>` of `event`. The input is emptied, so
/// choosing the same file again fires another change.
fn take_files(event: &Event) -> Vec<File> {
    let Some(input) = event
        .target()
        .and_then(|target| target.dyn_into::<HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let mut files = Vec::new();
    if let Some(list) = input.files() {
        for index in 0..list.length() {
            if let Some(file) = list.get(index) {
                files.push(file);
            }
        }
    }
    input.set_value("");
    files
}

/// A labelled file input for zip archives (`input[type=file][name=file]`, named as the
/// `uploadArtifact` argument); `on_files` gets what was chosen.
#[component]
pub(super) fn ArchiveInput(
    label: &'static str,
    hint: &'static str,
    /// Several files at once (the add page) or one (a new version).
    #[prop(optional)]
    multiple: bool,
    #[prop(into)] disabled: Signal<bool>,
    /// A complaint about the input itself, shown below it.
    #[prop(into, optional)]
    error: MaybeProp<String>,
    on_files: Callback<Vec<File>>,
) -> impl IntoView {
    view! {
        <div class="field file-field" class:field-invalid=move || error.get().is_some()>
            <label for="file">{label}</label>
            <input
                id="file"
                name="file"
                type="file"
                accept=".zip,application/zip"
                multiple=multiple
                disabled=move || disabled.get()
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby="file-hint"
                on:change=move |event| {
                    let files = take_files(&event);
                    if !files.is_empty() {
                        on_files.run(files);
                    }
                }
            />
            <p class="field-hint" id="file-hint">{hint}</p>
            {move || {
                error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })
            }}
        </div>
    }
}

/// Where one chosen file is.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum UploadState {
    Uploading,
    Uploaded(ArchiveInfo),
    Failed(String),
}

/// A chosen file and what became of it.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct UploadRow {
    /// Tells rows apart (the same file may be chosen twice).
    pub key: u64,
    pub file_name: String,
    pub size: f64,
    pub state: UploadState,
}

impl UploadRow {
    /// A row for `file`: uploading, or refused at once when it is no zip.
    pub fn new(key: u64, file: &File) -> Self {
        let file_name = file.name();
        let state = if is_zip_name(&file_name) {
            UploadState::Uploading
        } else {
            UploadState::Failed("Not a .zip file: Packyard reads zip archives only.".to_owned())
        };
        Self {
            key,
            file_name,
            size: file.size(),
            state,
        }
    }

    pub fn uploaded(&self) -> Option<&ArchiveInfo> {
        match &self.state {
            UploadState::Uploaded(archive) => Some(archive),
            _ => None,
        }
    }
}

/// The files chosen in an archive input and what became of each: every zip is uploaded at
/// once, one after the other (a slow link shares its bandwidth with no one).
#[derive(Clone, Copy)]
pub(super) struct ArchiveUploads {
    pub rows: RwSignal<Vec<UploadRow>>,
    next_key: StoredValue<u64>,
}

impl ArchiveUploads {
    pub fn new() -> Self {
        Self {
            rows: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
        }
    }

    /// Adds a row per file and uploads the zips. `accept` sees each archive as the server
    /// read it; its `Err` marks the row failed with that reason (the upload itself
    /// succeeded, so the archive stays in the organization, unused).
    pub fn send(
        self,
        session: Session,
        url_name: String,
        suborganization: Option<String>,
        files: Vec<File>,
        accept: Callback<ArchiveInfo, Result<(), String>>,
    ) {
        let mut to_send = Vec::new();
        for file in files {
            let key = self.next_key.get_value();
            self.next_key.set_value(key + 1);
            let row = UploadRow::new(key, &file);
            if row.state == UploadState::Uploading {
                to_send.push((key, file));
            }
            self.rows.update(|rows| rows.push(row));
        }
        spawn_local(async move {
            for (key, file) in to_send {
                let state =
                    match upload_archive(session, url_name.clone(), suborganization.clone(), &file)
                        .await
                    {
                        Ok(archive) => match accept.try_run(archive.clone()) {
                            Some(Err(reason)) => UploadState::Failed(reason),
                            _ => UploadState::Uploaded(archive),
                        },
                        Err(failure) => UploadState::Failed(failure.message),
                    };
                // The page may be gone by now; then nobody needs the answer.
                self.rows.try_update(|rows| {
                    if let Some(row) = rows.iter_mut().find(|row| row.key == key) {
                        row.state = state;
                    }
                });
            }
        });
    }

    /// Takes the row out of the list.
    pub fn take(self, key: u64) -> Option<UploadRow> {
        let mut taken = None;
        self.rows.update(|rows| {
            if let Some(index) = rows.iter().position(|row| row.key == key) {
                taken = Some(rows.remove(index));
            }
        });
        taken
    }

    /// Whether a file is still on its way (tracked).
    pub fn uploading(self) -> bool {
        self.rows
            .with(|rows| rows.iter().any(|row| row.state == UploadState::Uploading))
    }
}

/// One chosen file: its name and size, then the package and version the server read from
/// it, or why it was refused. `on_remove` adds a "Remove" button.
#[component]
pub(super) fn UploadRowView(
    row: UploadRow,
    #[prop(optional)] on_remove: Option<Callback<u64>>,
) -> impl IntoView {
    let UploadRow {
        key,
        file_name,
        size,
        state,
    } = row;
    let state_class = match &state {
        UploadState::Uploading => "upload upload-pending",
        UploadState::Uploaded(_) => "upload upload-done",
        UploadState::Failed(_) => "upload upload-failed",
    };
    let data_file = file_name.clone();
    view! {
        <li class=state_class data-file=data_file>
            <div class="upload-file">
                <span class="upload-name">{file_name}</span>
                <span class="upload-size muted">{human_size(size)}</span>
            </div>
            <div class="upload-result">
                {match state {
                    UploadState::Uploading => {
                        view! {
                            <span class="upload-progress muted">
                                <span class="spinner spinner-small" aria-hidden="true"></span>
                                "Uploading…"
                            </span>
                        }
                            .into_any()
                    }
                    UploadState::Uploaded(archive) => {
                        view! {
                            <span class="upload-package">
                                <code class="artifact-package">{archive.package_name}</code>
                                " "
                                <span class="badge badge-neutral artifact-version">
                                    {archive.version}
                                </span>
                            </span>
                        }
                            .into_any()
                    }
                    UploadState::Failed(message) => {
                        view! { <span class="form-error upload-error">{message}</span> }.into_any()
                    }
                }}
                {on_remove
                    .map(|remove| {
                        view! {
                            <button
                                type="button"
                                class="button button-small button-quiet upload-remove"
                                title="Leave this file out (an upload no package uses is deleted)"
                                on:click=move |_| remove.run(key)
                            >
                                "Remove"
                            </button>
                        }
                    })}
            </div>
        </li>
    }
}

/// The archives of an artifact package: `table.artifacts`, one row per archive.
#[component]
pub(super) fn ArchivesTable(archives: Vec<ArchiveInfo>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="table artifacts">
                <thead>
                    <tr>
                        <th scope="col">"File"</th>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Size"</th>
                        <th scope="col">"SHA-1"</th>
                        <th scope="col">"Uploaded"</th>
                    </tr>
                </thead>
                <tbody>
                    {archives
                        .into_iter()
                        .map(|archive| {
                            view! {
                                <tr>
                                    <td class="artifact-file break">{archive.file_name}</td>
                                    <td class="version-name">{archive.version}</td>
                                    <td class="nowrap">{human_size(archive.size as f64)}</td>
                                    <td>
                                        <code class="artifact-sha1">{archive.sha1}</code>
                                    </td>
                                    <td>
                                        <Timestamp value=archive.created_at />
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
