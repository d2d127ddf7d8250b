//! Inputs that adding a package and changing its source share: a git repository with
//! its credential, and a JSON definition with the check made before sending it.

use leptos::prelude::*;
use leptos_router::components::A;

use super::{load_credential_options, no_credential_option};
use crate::api::{ApiError, ErrorCode};
use crate::components::{SelectField, TextAreaField, TextField, field_error};
use crate::pages::organizations::{CurrentOrganization, organization_path};
use crate::session::Session;

/// A git source: `url` and, when `with_credentials`, the `credentialId` to read it with
/// (named as the mutations' arguments; errors on them show beside the inputs).
#[component]
pub(super) fn RepositoryFields(
    url: RwSignal<String>,
    credential: RwSignal<String>,
    error: RwSignal<Option<ApiError>>,
    /// Owners pick a credential; the list is theirs only (FORBIDDEN for others).
    #[prop(into)]
    with_credentials: Signal<bool>,
    #[prop(default = "Credential")] credential_label: &'static str,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] autofocus: bool,
    /// A link to the credentials page, to add the one that is missing.
    #[prop(optional)]
    add_credential_link: bool,
) -> impl IntoView {
    let session = Session::expect();
    let url_name = CurrentOrganization::expect().url_name();
    let credentials = {
        let url_name = url_name.clone();
        LocalResource::new(move || {
            let (wanted, url_name) = (with_credentials.get(), url_name.clone());
            async move {
                if wanted {
                    load_credential_options(session, url_name).await
                } else {
                    Ok(Vec::new())
                }
            }
        })
    };
    let credential_options = Signal::derive(move || {
        let mut options = vec![no_credential_option()];
        if let Some(Ok(loaded)) = credentials.get() {
            options.extend(loaded);
        }
        options
    });
    let credentials_href = format!("{}/credentials", organization_path(&url_name));
    view! {
        <TextField
            label="Repository URL"
            name="url"
            value=url
            error=field_error(error, "url")
            placeholder=placeholder.unwrap_or_default()
            hint="https://…, ssh://…, git://… or git@host:path"
            autocomplete="off"
            required=true
            autofocus=autofocus
        />
        <Show when=move || with_credentials.get()>
            <SelectField
                label=credential_label
                name="credentialId"
                value=credential
                options=credential_options
                error=field_error(error, "credentialId")
                hint="For private repositories: the login Packyard uses to read the source."
            />
            {add_credential_link
                .then(|| {
                    view! {
                        <p class="field-hint field-hint-after">
                            <A href=credentials_href.clone()>"Add a credential"</A>
                        </p>
                    }
                })}
        </Show>
    }
}

/// The URL and credential as the mutations take them (no credential: `None`).
pub(super) fn repository_input(
    url: RwSignal<String>,
    credential: RwSignal<String>,
) -> (String, Option<String>) {
    let credential_id = credential.get_untracked();
    (
        url.get_untracked().trim().to_owned(),
        (!credential_id.is_empty()).then_some(credential_id),
    )
}

/// What the definition textarea shows while empty, and what "Insert example" puts in.
pub(super) const DEFINITION_EXAMPLE: &str = r#"{
  "name": "acme/legacy-sdk",
  "version": "1.2.0",
  "description": "The vendor's SDK, published as a zip",
  "dist": {
    "type": "zip",
    "url": "https://downloads.example.com/legacy-sdk-1.2.0.zip"
  },
  "require": {
    "php": ">=8.1"
  }
}"#;

/// The definition's hint: the three shapes the server takes.
const DEFINITION_HINT: &str = "One version object, a list of them, or a Composer \
    repository {\"type\": \"package\", \"package\": […]}. Each version needs name, version, \
    and dist (type, url) or source (type, url, reference).";

/// A package's JSON definition (`definition`, as the mutations name it).
#[component]
pub(super) fn DefinitionField(
    label: &'static str,
    value: RwSignal<String>,
    error: RwSignal<Option<ApiError>>,
    #[prop(into)] placeholder: String,
    rows: u32,
) -> impl IntoView {
    view! {
        <TextAreaField
            label=label
            name="definition"
            value=value
            error=field_error(error, "definition")
            placeholder=placeholder
            hint=DEFINITION_HINT
            rows=rows
            required=true
        />
    }
}

/// The definition to send, or `None` after putting the reason beside the input. The
/// server parses it again and names the version at fault; this only catches text that
/// is not JSON, or not an object or a list.
pub(super) fn checked_definition(
    value: RwSignal<String>,
    error: RwSignal<Option<ApiError>>,
) -> Option<String> {
    let text = value.get_untracked();
    match check_definition(&text) {
        Ok(()) => {
            error.set(None);
            Some(text)
        }
        Err(message) => {
            error.set(Some(definition_error(message)));
            None
        }
    }
}

fn check_definition(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("Paste the package's definition (JSON).".to_owned());
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(_) | serde_json::Value::Array(_)) => Ok(()),
        Ok(_) => Err(
            "Expected a JSON object (a version, or a repository of type package) or a list \
             of versions."
                .to_owned(),
        ),
        Err(error) => Err(format!("This is not valid JSON: {error}.")),
    }
}

/// A complaint about the `definition` input made here, shown like the server's.
pub(super) fn definition_error(message: String) -> ApiError {
    ApiError {
        code: ErrorCode::BadUserInput,
        message,
        field: Some("definition".to_owned()),
    }
}
