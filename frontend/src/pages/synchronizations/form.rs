//! "Connect a code host": `createSynchronization`. Where the organization lives (a
//! hosted edition, or a self-hosted one with its API's URL), its name there, and the
//! credential Packyard calls the host's API with.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::operations::{
    CodeHost, CreateSynchronization, CredentialType, SynchronizationFormOptions,
    create_synchronization, synchronization_form_options,
};
use crate::api::{ApiError, execute};
use crate::components::{
    FormError, SelectField, SubmitButton, TextField, field_error, form_action, form_error,
    submit_with,
};
use crate::pages::organizations::organization_path;
use crate::session::Session;

/// The inputs, named as `createSynchronization`'s arguments.
const FIELDS: &[&str] = &["host", "name", "credentialId", "apiUrl"];

/// Where the synchronized organization lives, as the form offers it. Self-hosted
/// editions are separate choices because they need their API's URL, which the hosted
/// ones do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HostChoice {
    GitHub,
    GitHubEnterprise,
    GitLab,
    GitLabSelfManaged,
    BitbucketCloud,
}

impl HostChoice {
    const ALL: [Self; 5] = [
        Self::GitHub,
        Self::GitHubEnterprise,
        Self::GitLab,
        Self::GitLabSelfManaged,
        Self::BitbucketCloud,
    ];

    /// The `<select>` value.
    fn value(self) -> &'static str {
        match self {
            Self::GitHub => "github",
            Self::GitHubEnterprise => "github-enterprise",
            Self::GitLab => "gitlab",
            Self::GitLabSelfManaged => "gitlab-self-managed",
            Self::BitbucketCloud => "bitbucket",
        }
    }

    fn from_value(value: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|choice| choice.value() == value)
            .unwrap_or(Self::GitHub)
    }

    fn label(self) -> &'static str {
        match self {
            Self::GitHub => "GitHub",
            Self::GitHubEnterprise => "GitHub Enterprise Server",
            Self::GitLab => "GitLab.com",
            Self::GitLabSelfManaged => "GitLab self-managed",
            Self::BitbucketCloud => "Bitbucket Cloud",
        }
    }

    fn host(self) -> CodeHost {
        match self {
            Self::GitHub | Self::GitHubEnterprise => CodeHost::Github,
            Self::GitLab | Self::GitLabSelfManaged => CodeHost::Gitlab,
            Self::BitbucketCloud => CodeHost::Bitbucket,
        }
    }

    /// An example of the API URL a self-hosted edition needs; `None` for hosted ones,
    /// whose API the server knows.
    fn api_url_example(self) -> Option<&'static str> {
        match self {
            Self::GitHubEnterprise => Some("https://github.example.com/api/v3"),
            Self::GitLabSelfManaged => Some("https://gitlab.example.com/api/v4"),
            Self::GitHub | Self::GitLab | Self::BitbucketCloud => None,
        }
    }

    /// What the name is at this host.
    fn name_hint(self) -> &'static str {
        match self.host() {
            CodeHost::Gitlab => "The group's full path, e.g. acme or acme/php.",
            CodeHost::Bitbucket => "The workspace's slug, as in bitbucket.org/<workspace>.",
            _ => "The organization's login, as in github.com/<organization>.",
        }
    }
}

/// A credential that can call a host's API (SSH keys cannot), as `(id, label)`.
async fn load_api_credentials(
    session: Session,
    url_name: String,
) -> Result<Vec<(String, String)>, ApiError> {
    let data =
        execute::<SynchronizationFormOptions>(synchronization_form_options::Variables { url_name })
            .await
            .inspect_err(|error| session.observe(error))?;
    Ok(data
        .organization
        .credentials
        .into_iter()
        .filter(|credential| credential.type_ != Some(CredentialType::SshKey))
        .map(|credential| {
            let kind = credential.type_.map_or("Other", CredentialType::label);
            let label = format!("{} ({kind}, {})", credential.description, credential.domain);
            (credential.id, label)
        })
        .collect())
}

/// What the form sends.
#[derive(Clone, Debug)]
struct Draft {
    host: CodeHost,
    name: String,
    credential_id: String,
    api_url: Option<String>,
}

#[component]
pub(super) fn CreateSynchronizationForm(
    url_name: String,
    on_created: Callback<()>,
) -> impl IntoView {
    let session = Session::expect();
    let credentials = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_api_credentials(session, url_name.clone()))
    };
    let host = RwSignal::new(HostChoice::GitHub.value().to_owned());
    let choice = Memo::new(move |_| host.with(|value| HostChoice::from_value(value)));
    let name = RwSignal::new(String::new());
    let credential_id = RwSignal::new(String::new());
    let api_url = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);

    let create = {
        let url_name = url_name.clone();
        form_action(
            error,
            move |draft: &Draft| {
                let variables = create_synchronization::Variables {
                    organization: url_name.clone(),
                    host: draft.host,
                    name: draft.name.clone(),
                    credential_id: draft.credential_id.clone(),
                    api_url: draft.api_url.clone(),
                };
                execute::<CreateSynchronization>(variables)
            },
            move |_: create_synchronization::ResponseData| {
                name.set(String::new());
                api_url.set(String::new());
                on_created.run(());
            },
        )
    };
    let read = move || {
        let chosen = choice.get_untracked();
        let name = name.get_untracked().trim().to_owned();
        if name.is_empty() {
            return Err(ApiError::invalid("name", chosen.name_hint()));
        }
        let credential_id = credential_id.get_untracked();
        if credential_id.is_empty() {
            return Err(ApiError::invalid(
                "credentialId",
                "Choose the credential Packyard calls the host's API with.",
            ));
        }
        let api_url = match chosen.api_url_example() {
            Some(example) => {
                let url = api_url.get_untracked().trim().to_owned();
                if url.is_empty() {
                    return Err(ApiError::invalid(
                        "apiUrl",
                        format!("Give the API's URL, e.g. {example}."),
                    ));
                }
                Some(url)
            }
            None => None,
        };
        Ok(Draft {
            host: chosen.host(),
            name,
            credential_id,
            api_url,
        })
    };
    let host_options = Signal::stored(
        HostChoice::ALL
            .into_iter()
            .map(|choice| (choice.value().to_owned(), choice.label().to_owned()))
            .collect::<Vec<_>>(),
    );
    let credentials_path = format!("{}/credentials", organization_path(&url_name));

    view! {
        <form
            class="panel form-panel create-synchronization-form"
            on:submit=submit_with(error, create, read)
            novalidate
        >
            <h2>"Connect a code host"</h2>
            <p class="muted">
                "The first run starts at once; follow it above."
            </p>
            <FormError message=form_error(error, FIELDS) />
            <SelectField
                label="Code host"
                name="host"
                value=host
                options=host_options
                error=field_error(error, "host")
            />
            // Drawn again for each choice, so the example fits the chosen host.
            {move || {
                choice
                    .get()
                    .api_url_example()
                    .map(|example| {
                        view! {
                            <TextField
                                label="API URL"
                                name="apiUrl"
                                value=api_url
                                error=field_error(error, "apiUrl")
                                placeholder=example
                                hint="The server calls it: it must be reachable from Packyard."
                                required=true
                            />
                        }
                    })
            }}
            <div class="field" class:field-invalid=move || field_error(error, "name").with(Option::is_some)>
                <label for="name">
                    {move || match choice.get().host() {
                        CodeHost::Gitlab => "Group",
                        CodeHost::Bitbucket => "Workspace",
                        _ => "Organization",
                    }}
                </label>
                <input
                    id="name"
                    name="name"
                    type="text"
                    required
                    autocomplete="off"
                    aria-invalid=move || field_error(error, "name").with(Option::is_some).then_some("true")
                    bind:value=name
                />
                <p class="field-hint">{move || choice.get().name_hint()}</p>
                {move || {
                    field_error(error, "name")
                        .get()
                        .map(|message| view! { <p class="form-error" id="name-error" role="alert">{message}</p> })
                }}
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading credentials…"</p> }>
                {move || {
                    let credentials_path = credentials_path.clone();
                    Suspend::new(async move {
                        match credentials.await {
                            Ok(options) => {
                                let none = options.is_empty();
                                let options = std::iter::once((String::new(), "Choose a credential…".to_owned()))
                                    .chain(options)
                                    .collect::<Vec<_>>();
                                view! {
                                    <SelectField
                                        label="Credential"
                                        name="credentialId"
                                        value=credential_id
                                        options=Signal::stored(options)
                                        error=field_error(error, "credentialId")
                                        hint="A token (or app password) of someone who may list the repositories and add hooks to them."
                                    />
                                    {none.then(|| view! {
                                        <p class="note">
                                            "No credential that can call an API yet: "
                                            <A href=credentials_path>"add a token on the Credentials tab"</A>
                                            "."
                                        </p>
                                    })}
                                }
                                    .into_any()
                            }
                            Err(failure) => view! { <p class="form-error">{failure.message}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
            <div class="form-actions">
                <SubmitButton
                    label="Connect and synchronize"
                    pending_label="Connecting…"
                    pending=create.pending()
                    class="create-synchronization"
                />
            </div>
        </form>
    }
}
