//! "Connect a code host": `createSynchronization`. Packyard calls the host either with
//! the owner's own sign-in there ("Use my GitHub sign-in", for each account they linked:
//! host and API follow from the sign-in) or with a stored credential (then the host, its
//! API's URL when self-hosted, and the credential are chosen here). Either way, the name
//! of the organization, group, workspace or project at the host.

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
const FIELDS: &[&str] = &["loginProvider", "host", "name", "credentialId", "apiUrl"];

/// The value of the "Use a credential" radio; sign-ins are `sign-in:<provider name>`.
const USE_CREDENTIAL: &str = "credential";
const SIGN_IN_PREFIX: &str = "sign-in:";

/// Where the synchronized organization lives, when connecting with a credential.
/// Self-hosted editions are separate choices because they need their API's URL, which
/// the hosted ones do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HostChoice {
    GitHub,
    GitHubEnterprise,
    GitLab,
    GitLabSelfManaged,
    BitbucketCloud,
    BitbucketDataCenter,
}

impl HostChoice {
    const ALL: [Self; 6] = [
        Self::GitHub,
        Self::GitHubEnterprise,
        Self::GitLab,
        Self::GitLabSelfManaged,
        Self::BitbucketCloud,
        Self::BitbucketDataCenter,
    ];

    /// The `<select>` value.
    fn value(self) -> &'static str {
        match self {
            Self::GitHub => "github",
            Self::GitHubEnterprise => "github-enterprise",
            Self::GitLab => "gitlab",
            Self::GitLabSelfManaged => "gitlab-self-managed",
            Self::BitbucketCloud => "bitbucket",
            Self::BitbucketDataCenter => "bitbucket-datacenter",
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
            Self::BitbucketDataCenter => "Bitbucket Data Center",
        }
    }

    fn host(self) -> CodeHost {
        match self {
            Self::GitHub | Self::GitHubEnterprise => CodeHost::Github,
            Self::GitLab | Self::GitLabSelfManaged => CodeHost::Gitlab,
            Self::BitbucketCloud => CodeHost::Bitbucket,
            Self::BitbucketDataCenter => CodeHost::BitbucketDatacenter,
        }
    }

    /// An example of the API URL a self-hosted edition needs; `None` for hosted ones,
    /// whose API the server knows.
    fn api_url_example(self) -> Option<&'static str> {
        match self {
            Self::GitHubEnterprise => Some("https://github.example.com/api/v3"),
            Self::GitLabSelfManaged => Some("https://gitlab.example.com/api/v4"),
            Self::BitbucketDataCenter => Some("https://bitbucket.example.com/rest/api/latest"),
            Self::GitHub | Self::GitLab | Self::BitbucketCloud => None,
        }
    }
}

/// What the synchronized name is called at `host`, and how to find it.
fn name_label(host: CodeHost) -> (&'static str, &'static str) {
    match host {
        CodeHost::Gitlab => ("Group", "The group's full path, e.g. acme or acme/php."),
        CodeHost::Bitbucket => (
            "Workspace",
            "The workspace's slug, as in bitbucket.org/<workspace>.",
        ),
        CodeHost::BitbucketDatacenter => ("Project key", "The project's key, e.g. ACME."),
        CodeHost::Github | CodeHost::Unknown => (
            "Organization",
            "The organization's login, as in github.com/<organization>.",
        ),
    }
}

/// `LoginProvider.kind` as the host it signs in to.
fn host_of_kind(kind: &str) -> CodeHost {
    match kind {
        "gitlab" => CodeHost::Gitlab,
        "bitbucket" => CodeHost::Bitbucket,
        "bitbucket_datacenter" => CodeHost::BitbucketDatacenter,
        "github" => CodeHost::Github,
        _ => CodeHost::Unknown,
    }
}

/// An account the viewer linked at a configured sign-in provider.
#[derive(Clone, Debug, PartialEq)]
struct LinkedSignIn {
    /// `LoginProvider.name`, what `loginProvider` takes.
    provider: String,
    display_name: String,
    login: String,
    host: CodeHost,
}

#[derive(Clone, Debug, PartialEq)]
struct FormOptions {
    sign_ins: Vec<LinkedSignIn>,
    /// Sign-in providers the viewer has not linked: linking one offers its sign-in here.
    unlinked_providers: Vec<String>,
    /// Credentials that can call a host's API, as `(id, label)`.
    credentials: Vec<(String, String)>,
}

async fn load_options(session: Session, url_name: String) -> Result<FormOptions, ApiError> {
    let data =
        execute::<SynchronizationFormOptions>(synchronization_form_options::Variables { url_name })
            .await
            .inspect_err(|error| session.observe(error))?;
    let identities = data
        .viewer
        .ok_or_else(ApiError::signed_out)
        .inspect_err(|error| session.observe(error))?
        .identities;
    let (linked, unlinked): (Vec<_>, Vec<_>) =
        data.login_providers.into_iter().partition(|provider| {
            identities
                .iter()
                .any(|identity| identity.provider == provider.name)
        });
    let sign_ins = linked
        .into_iter()
        .filter_map(|provider| {
            let identity = identities
                .iter()
                .find(|identity| identity.provider == provider.name)?;
            Some(LinkedSignIn {
                host: host_of_kind(&provider.kind),
                provider: provider.name,
                display_name: provider.display_name,
                login: identity.login.clone(),
            })
        })
        .collect();
    let credentials = data
        .organization
        .credentials
        .into_iter()
        // SSH keys cannot call an API; sign-in credentials belong to their member, who
        // uses them through "Use my … sign-in".
        .filter(|credential| {
            !matches!(
                credential.type_,
                Some(CredentialType::SshKey | CredentialType::CodeHostSignIn)
            )
        })
        .map(|credential| {
            let kind = credential.type_.map_or("Other", CredentialType::label);
            let label = format!("{} ({kind}, {})", credential.description, credential.domain);
            (credential.id, label)
        })
        .collect();
    Ok(FormOptions {
        sign_ins,
        unlinked_providers: unlinked
            .into_iter()
            .map(|provider| provider.display_name)
            .collect(),
        credentials,
    })
}

/// How the synchronization will call the host.
#[derive(Clone, Debug)]
enum Connection {
    SignIn {
        provider: String,
    },
    Credential {
        host: CodeHost,
        credential_id: String,
        api_url: Option<String>,
    },
}

/// What the form sends.
#[derive(Clone, Debug)]
struct Draft {
    name: String,
    connection: Connection,
}

impl Draft {
    fn variables(&self, organization: String) -> create_synchronization::Variables {
        let mut variables = create_synchronization::Variables {
            organization,
            name: self.name.clone(),
            login_provider: None,
            host: None,
            credential_id: None,
            api_url: None,
        };
        match &self.connection {
            Connection::SignIn { provider } => variables.login_provider = Some(provider.clone()),
            Connection::Credential {
                host,
                credential_id,
                api_url,
            } => {
                variables.host = Some(*host);
                variables.credential_id = Some(credential_id.clone());
                variables.api_url = api_url.clone();
            }
        }
        variables
    }
}

#[component]
pub(super) fn CreateSynchronizationForm(
    url_name: String,
    on_created: Callback<()>,
) -> impl IntoView {
    let session = Session::expect();
    let options = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_options(session, url_name.clone()))
    };
    // Empty until chosen: then the first linked sign-in, or the credential.
    let access = RwSignal::new(String::new());
    let host = RwSignal::new(HostChoice::GitHub.value().to_owned());
    let name = RwSignal::new(String::new());
    let credential_id = RwSignal::new(String::new());
    let api_url = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);

    let create = {
        let url_name = url_name.clone();
        form_action(
            error,
            move |draft: &Draft| {
                execute::<CreateSynchronization>(draft.variables(url_name.clone()))
            },
            move |_: create_synchronization::ResponseData| {
                name.set(String::new());
                api_url.set(String::new());
                on_created.run(());
            },
        )
    };
    let credentials_path = format!("{}/credentials", organization_path(&url_name));

    view! {
        <Transition fallback=|| view! { <section class="panel"><p class="muted">"Loading…"</p></section> }>
            {move || {
                let credentials_path = credentials_path.clone();
                Suspend::new(async move {
                    match options.await {
                        Ok(options) => {
                            let fields = ConnectFields {
                                access,
                                host,
                                name,
                                credential_id,
                                api_url,
                                error,
                            };
                            let read = fields.reader(options.sign_ins.clone());
                            view! {
                                <form
                                    class="panel form-panel create-synchronization-form"
                                    on:submit=submit_with(error, create, read)
                                    novalidate
                                >
                                    <h2>"Connect a code host"</h2>
                                    <p class="muted">"The first run starts at once; follow it above."</p>
                                    <FormError message=form_error(error, FIELDS) />
                                    <ConnectInputs fields options credentials_path />
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
                                .into_any()
                        }
                        Err(failure) => view! {
                            <section class="panel">
                                <h2>"Connect a code host"</h2>
                                <p class="form-error">{failure.message}</p>
                            </section>
                        }
                            .into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The form's state, kept above the options' reloads.
#[derive(Clone, Copy)]
struct ConnectFields {
    access: RwSignal<String>,
    host: RwSignal<String>,
    name: RwSignal<String>,
    credential_id: RwSignal<String>,
    api_url: RwSignal<String>,
    error: RwSignal<Option<ApiError>>,
}

impl ConnectFields {
    /// The chosen radio: what was clicked, else the first linked sign-in, else the
    /// credential.
    fn access(self, sign_ins: &[LinkedSignIn]) -> String {
        let chosen = self.access.get();
        if !chosen.is_empty() {
            return chosen;
        }
        sign_ins.first().map_or_else(
            || USE_CREDENTIAL.to_owned(),
            |sign_in| format!("{SIGN_IN_PREFIX}{}", sign_in.provider),
        )
    }

    /// Checks the inputs the way the server would, so the obvious mistakes are shown at
    /// their input without a round trip.
    fn reader(self, sign_ins: Vec<LinkedSignIn>) -> impl Fn() -> Result<Draft, ApiError> + 'static {
        move || {
            let access = untrack(|| self.access(&sign_ins));
            let connection = match access.strip_prefix(SIGN_IN_PREFIX) {
                Some(provider) => Connection::SignIn {
                    provider: provider.to_owned(),
                },
                None => {
                    let chosen = HostChoice::from_value(&self.host.get_untracked());
                    let credential_id = self.credential_id.get_untracked();
                    if credential_id.is_empty() {
                        return Err(ApiError::invalid(
                            "credentialId",
                            "Choose the credential Packyard calls the host's API with.",
                        ));
                    }
                    let api_url = match chosen.api_url_example() {
                        Some(example) => {
                            let url = self.api_url.get_untracked().trim().to_owned();
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
                    Connection::Credential {
                        host: chosen.host(),
                        credential_id,
                        api_url,
                    }
                }
            };
            let name = self.name.get_untracked().trim().to_owned();
            if name.is_empty() {
                let host = match &connection {
                    Connection::Credential { host, .. } => *host,
                    Connection::SignIn { provider } => sign_ins
                        .iter()
                        .find(|sign_in| &sign_in.provider == provider)
                        .map_or(CodeHost::Unknown, |sign_in| sign_in.host),
                };
                return Err(ApiError::invalid("name", name_label(host).1));
            }
            Ok(Draft { name, connection })
        }
    }
}

#[component]
fn ConnectInputs(
    fields: ConnectFields,
    options: FormOptions,
    credentials_path: String,
) -> impl IntoView {
    let ConnectFields {
        host,
        name,
        credential_id,
        api_url,
        error,
        ..
    } = fields;
    let sign_ins = StoredValue::new(options.sign_ins.clone());
    let access = Memo::new(move |_| sign_ins.with_value(|sign_ins| fields.access(sign_ins)));
    let with_credential = move || access.get() == USE_CREDENTIAL;
    let chosen_host = Memo::new(move |_| host.with(|value| HostChoice::from_value(value)));
    // The host the name belongs to: the sign-in's, or the chosen one.
    let name_host = Memo::new(move |_| {
        let access = access.get();
        match access.strip_prefix(SIGN_IN_PREFIX) {
            Some(provider) => sign_ins.with_value(|sign_ins| {
                sign_ins
                    .iter()
                    .find(|sign_in| sign_in.provider == provider)
                    .map_or(CodeHost::Unknown, |sign_in| sign_in.host)
            }),
            None => chosen_host.get().host(),
        }
    });
    let host_options = Signal::stored(
        HostChoice::ALL
            .into_iter()
            .map(|choice| (choice.value().to_owned(), choice.label().to_owned()))
            .collect::<Vec<_>>(),
    );
    let no_credentials = options.credentials.is_empty();
    let credential_options = Signal::stored(
        std::iter::once((String::new(), "Choose a credential…".to_owned()))
            .chain(options.credentials)
            .collect::<Vec<_>>(),
    );
    let link_hint = (!options.unlinked_providers.is_empty()).then(|| {
        format!(
            "Link your {} account on your profile to connect with its sign-in.",
            options.unlinked_providers.join(" or ")
        )
    });

    view! {
        // Without a linked sign-in the credential is the only way: no choice to show.
        {(!options.sign_ins.is_empty())
            .then(|| {
                view! {
                    <fieldset class="choices sync-connection">
                        <legend>"Connect with"</legend>
                        {options
                            .sign_ins
                            .into_iter()
                            .map(|sign_in| {
                                let value = format!("{SIGN_IN_PREFIX}{}", sign_in.provider);
                                let id = format!("access-sign-in-{}", sign_in.provider);
                                let label_for = id.clone();
                                let checked = {
                                    let value = value.clone();
                                    move || access.get() == value
                                };
                                view! {
                                    <label class="choice" for=label_for>
                                        <input
                                            type="radio"
                                            id=id
                                            name="access"
                                            value=value.clone()
                                            data-provider=sign_in.provider.clone()
                                            prop:checked=checked
                                            on:change=move |_| fields.access.set(value.clone())
                                        />
                                        <span>
                                            <strong>{format!("Use my {} sign-in", sign_in.display_name)}</strong>
                                            <span class="muted">
                                                {format!(" — as {}; the token of your sign-in, renewed as needed", sign_in.login)}
                                            </span>
                                        </span>
                                    </label>
                                }
                            })
                            .collect_view()}
                        <label class="choice" for="access-credential">
                            <input
                                type="radio"
                                id="access-credential"
                                name="access"
                                value=USE_CREDENTIAL
                                prop:checked=with_credential
                                on:change=move |_| fields.access.set(USE_CREDENTIAL.to_owned())
                            />
                            <span>
                                <strong>"Use a credential"</strong>
                                <span class="muted">" — a token or app password stored for the organization"</span>
                            </span>
                        </label>
                    </fieldset>
                }
            })}
        // Outside the choice, which is not shown without a linked sign-in.
        {move || {
            field_error(error, "loginProvider")
                .get()
                .map(|message| view! { <p class="form-error" id="loginProvider-error" role="alert">{message}</p> })
        }}
        {link_hint.map(|hint| view! { <p class="field-hint sync-link-hint">{hint}</p> })}
        <Show when=with_credential>
            <SelectField
                label="Code host"
                name="host"
                value=host
                options=host_options
                error=field_error(error, "host")
            />
            // Drawn again for each choice, so the example fits the chosen host.
            {move || {
                chosen_host
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
            <SelectField
                label="Credential"
                name="credentialId"
                value=credential_id
                options=credential_options
                error=field_error(error, "credentialId")
                hint="A token (or app password) of someone who may list the repositories and add hooks to them."
            />
            {no_credentials
                .then(|| {
                    view! {
                        <p class="note">
                            "No credential that can call an API yet: "
                            <A href=credentials_path.clone()>"add a token on the Credentials tab"</A>
                            "."
                        </p>
                    }
                })}
        </Show>
        <div class="field" class:field-invalid=move || field_error(error, "name").with(Option::is_some)>
            <label for="name">{move || name_label(name_host.get()).0}</label>
            <input
                id="name"
                name="name"
                type="text"
                required
                autocomplete="off"
                aria-invalid=move || field_error(error, "name").with(Option::is_some).then_some("true")
                bind:value=name
            />
            <p class="field-hint">{move || name_label(name_host.get()).1}</p>
            {move || {
                field_error(error, "name")
                    .get()
                    .map(|message| view! { <p class="form-error" id="name-error" role="alert">{message}</p> })
            }}
        </div>
    }
}
