//! `/orgs/:url_name/packages/new`: add a package from a git repository and watch the job
//! that reads it.

use std::time::Duration;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use super::list::{PackageRow, load_packages};
use super::package_path;
use crate::api::operations::{
    CreateVcsPackage, JobStatus, OrganizationCredentials, create_vcs_package,
    organization_credentials,
};
use crate::api::{ApiError, JobWatch, execute};
use crate::components::{FormError, JobProgress, SelectField, TextField, field_error, form_error};
use crate::pages::organizations::{CurrentOrganization, organization_path};
use crate::session::Session;
use crate::timer::sleep;

/// The inputs this form shows, named as the `createVcsPackage` mutation's arguments.
const FIELDS: &[&str] = &["url", "credentialId"];
/// How long "Done" stays in view before the package page opens.
const SUCCESS_PAUSE: Duration = Duration::from_millis(600);

/// A credential the package can be read with: `(id, "description — domain")`.
async fn load_credential_options(
    session: Session,
    url_name: String,
) -> Result<Vec<(String, String)>, ApiError> {
    let data = execute::<OrganizationCredentials>(organization_credentials::Variables { url_name })
        .await
        .inspect_err(|error| session.observe(error))?;
    Ok(data
        .organization
        .credentials
        .into_iter()
        .map(|credential| {
            (
                credential.id,
                format!("{} — {}", credential.description, credential.domain),
            )
        })
        .collect())
}

/// The package that was added with `url`: a search for the URL first, then (the search
/// is a substring match that may normalise the text) every page, comparing exactly.
async fn find_package_by_url(
    session: Session,
    url_name: String,
    url: String,
) -> Result<Option<PackageRow>, ApiError> {
    let same = |row: &PackageRow| row.repository_url.as_deref().map(str::trim) == Some(&url);
    let searched = load_packages(session, url_name.clone(), url.clone(), None).await?;
    if let Some(row) = searched.items.iter().find(|row| same(row)) {
        return Ok(Some(row.clone()));
    }
    let mut after = None;
    loop {
        let page = load_packages(session, url_name.clone(), String::new(), after).await?;
        if let Some(row) = page.items.iter().find(|row| same(row)) {
            return Ok(Some(row.clone()));
        }
        match page.next_cursor {
            Some(cursor) => after = Some(cursor),
            None => return Ok(None),
        }
    }
}

#[component]
pub fn AddPackagePage() -> impl IntoView {
    let session = Session::expect();
    let organization = CurrentOrganization::expect();
    let url_name = organization.url_name();
    let url = RwSignal::new(String::new());
    let credential = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    // The job reading the package just added, and the URL it was added with.
    let started = RwSignal::new(None::<(String, String)>);

    // Credentials are for owners; members never see this form work anyway.
    let credentials = {
        let url_name = url_name.clone();
        LocalResource::new(move || {
            let url_name = url_name.clone();
            async move {
                if organization.can_manage() {
                    load_credential_options(session, url_name).await
                } else {
                    Ok(Vec::new())
                }
            }
        })
    };
    let credential_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "None: a public repository".to_owned())];
        if let Some(Ok(loaded)) = credentials.get() {
            options.extend(loaded);
        }
        options
    });

    let create = {
        let url_name = url_name.clone();
        Action::new_local(
            move |(repository, credential_id): &(String, Option<String>)| {
                let variables = create_vcs_package::Variables {
                    organization: url_name.clone(),
                    url: repository.clone(),
                    credential_id: credential_id.clone(),
                };
                let repository = repository.clone();
                async move {
                    match execute::<CreateVcsPackage>(variables).await {
                        Ok(data) => started.set(Some((data.create_vcs_package.id, repository))),
                        Err(failure) => {
                            session.observe(&failure);
                            error.set(Some(failure));
                        }
                    }
                }
            },
        )
    };
    let pending = create.pending();
    let busy = move || pending.get() || started.with(Option::is_some);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if busy() {
            return;
        }
        error.set(None);
        let credential_id = credential.get_untracked();
        create.dispatch((
            url.get_untracked().trim().to_owned(),
            (!credential_id.is_empty()).then_some(credential_id),
        ));
    };

    let cancel_href = organization_path(&url_name);
    let credentials_href = format!("{}/credentials", organization_path(&url_name));
    view! {
        <div class="section-header">
            <h2>"Add a package"</h2>
        </div>
        <form class="panel form-panel" on:submit=on_submit novalidate>
            <p class="muted">
                "Packyard reads the repository's " <code>"composer.json"</code>
                " at every tag and branch; each becomes a version Composer can install."
            </p>
            <FormError message=form_error(error, FIELDS) />
            <TextField
                label="Repository URL"
                name="url"
                value=url
                error=field_error(error, "url")
                placeholder="https://github.com/acme/lib.git"
                hint="https://…, ssh://…, git://… or git@host:path"
                autocomplete="off"
                required=true
                autofocus=true
            />
            <Show when=move || organization.can_manage()>
                <SelectField
                    label="Credential (optional)"
                    name="credentialId"
                    value=credential
                    options=credential_options
                    error=field_error(error, "credentialId")
                    hint="For private repositories: the login Packyard uses to read the source."
                />
                <p class="field-hint field-hint-after">
                    <A href=credentials_href.clone()>"Add a credential"</A>
                </p>
            </Show>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=busy>
                    {move || if pending.get() { "Adding…" } else { "Add package" }}
                </button>
                <A href=cancel_href attr:class="button button-quiet">
                    "Cancel"
                </A>
            </div>
        </form>
        {move || {
            started
                .get()
                .map(|(job_id, repository)| {
                    view! {
                        <ReadingJob job_id repository />
                    }
                })
        }}
    }
}

/// The live progress of the job that reads a new package; on success, its page opens.
#[component]
fn ReadingJob(job_id: String, repository: String) -> impl IntoView {
    let session = Session::expect();
    let url_name = CurrentOrganization::expect().url_name();
    let navigate = use_navigate();
    let watch = JobWatch::start(job_id, None);
    let lookup_error = RwSignal::new(None::<ApiError>);

    // Opens the new package's page. The job does not say which package it read, so the
    // package is found again by its repository URL.
    let open_package = Action::new_local(move |pause: &Duration| {
        let pause = *pause;
        let (url_name, repository, navigate) =
            (url_name.clone(), repository.clone(), navigate.clone());
        async move {
            if !pause.is_zero() {
                sleep(pause).await;
            }
            match find_package_by_url(session, url_name.clone(), repository).await {
                Ok(Some(row)) => navigate(
                    &package_path(&url_name, row.name.as_deref(), &row.id),
                    Default::default(),
                ),
                Ok(None) => lookup_error.set(Some(ApiError {
                    code: crate::api::ErrorCode::NotFound,
                    message: "The package was read, but it is no longer in the list.".to_owned(),
                    field: None,
                })),
                Err(failure) => lookup_error.set(Some(failure)),
            }
        }
    });
    Effect::new(move |opened: Option<bool>| {
        if opened == Some(true) {
            return true;
        }
        let succeeded = watch.status() == Some(JobStatus::Success);
        if succeeded {
            open_package.dispatch(SUCCESS_PAUSE);
        }
        succeeded
    });
    let failed = move || watch.status() == Some(JobStatus::Error);

    view! {
        <section class="panel job-panel" aria-live="polite">
            <h2>"Reading the repository"</h2>
            <JobProgress watch />
            {move || {
                lookup_error.get().map(|error| view! { <p class="form-error" role="alert">{error.message}</p> })
            }}
            <Show when=failed>
                <div class="form-actions">
                    <button
                        type="button"
                        class="button button-primary"
                        on:click=move |_| {
                            open_package.dispatch(Duration::ZERO);
                        }
                    >
                        "Open the package"
                    </button>
                </div>
                <p class="muted">
                    "The package was added, but its source could not be read. Fix the cause (a "
                    "credential, the URL's access rights, its composer.json) and use “Update now” "
                    "on its page, or remove it there."
                </p>
            </Show>
        </section>
    }
}
