//! `/orgs/:url_name/credentials`: logins Packyard uses to read private repositories
//! (owners only). Secrets go in and never come back out.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::operations::{
    CreateCredential, CredentialSecret, CredentialType, OrganizationCredentials, RemoveCredential,
    create_credential, organization_credentials, remove_credential,
};
use crate::api::{ApiError, execute};
use crate::components::{
    ConfirmRow, ErrorPanel, FormError, Loading, SelectField, TablePanel, TextAreaField, TextField,
    Timestamp, field_error, form_error,
};
use crate::pages::organizations::CurrentOrganization;
use crate::session::Session;

/// The inputs of the create form, named as the `createCredential` mutation's arguments.
const FIELDS: &[&str] = &[
    "description",
    "type",
    "domain",
    "username",
    "password",
    "token",
    "privateKey",
    "passphrase",
];

#[derive(Clone, Debug, PartialEq)]
struct CredentialRow {
    id: String,
    description: String,
    kind: Option<CredentialType>,
    domain: String,
    created_at: String,
}

async fn load_credentials(
    session: Session,
    url_name: String,
) -> Result<Vec<CredentialRow>, ApiError> {
    let data = execute::<OrganizationCredentials>(organization_credentials::Variables { url_name })
        .await
        .inspect_err(|error| session.observe(error))?;
    Ok(data
        .organization
        .credentials
        .into_iter()
        .map(|credential| CredentialRow {
            id: credential.id,
            description: credential.description,
            kind: credential.type_,
            domain: credential.domain,
            created_at: credential.created_at,
        })
        .collect())
}

#[component]
pub fn CredentialsTab() -> impl IntoView {
    let session = Session::expect();
    let url_name = CurrentOrganization::expect().url_name();
    let credentials = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_credentials(session, url_name.clone()))
    };
    let reload = Callback::new(move |()| credentials.refetch());

    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match credentials.await {
                    Ok(rows) => view! { <CredentialTable rows reload /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
        <CreateCredentialForm url_name on_created=reload />
    }
}

#[component]
fn CredentialTable(rows: Vec<CredentialRow>, reload: Callback<()>) -> impl IntoView {
    let open = RwSignal::new(None::<String>);
    view! {
        <TablePanel
            title="Credentials"
            count=rows.len()
            intro="Packyard reads private repositories with these. They are stored encrypted and \
                   never shown again; pick one when adding a package."
            empty="No credentials yet. Public repositories need none."
            class="credentials"
            columns=&["Description", "Type", "Domain", "Added"]
        >
            {rows
                .into_iter()
                .map(|row| view! { <CredentialRowView row open reload /> })
                .collect_view()}
        </TablePanel>
    }
}

#[component]
fn CredentialRowView(
    row: CredentialRow,
    open: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = Session::expect();
    let error = RwSignal::new(None::<ApiError>);
    let remove = {
        let id = row.id.clone();
        Action::new_local(move |(): &()| {
            let variables = remove_credential::Variables { id: id.clone() };
            async move {
                match execute::<RemoveCredential>(variables).await {
                    Ok(_) => {
                        open.set(None);
                        reload.run(());
                    }
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure));
                    }
                }
            }
        })
    };
    let is_open = {
        let id = row.id.clone();
        move || open.with(|open| open.as_deref() == Some(id.as_str()))
    };
    let toggle = {
        let id = row.id.clone();
        Callback::new(move |()| {
            error.set(None);
            open.update(|open| {
                *open = if open.as_deref() == Some(id.as_str()) {
                    None
                } else {
                    Some(id.clone())
                };
            });
        })
    };
    let expanded = is_open.clone();
    let description = row.description.clone();

    view! {
        <tr>
            <td class="credential-description">{row.description.clone()}</td>
            <td>
                <span class="badge badge-neutral">
                    {row.kind.map_or("Unknown", CredentialType::label)}
                </span>
            </td>
            <td>
                <code>{row.domain.clone()}</code>
            </td>
            <td>
                <Timestamp value=row.created_at.clone() />
            </td>
            <td class="row-actions">
                <button
                    type="button"
                    class="button button-small button-danger-outline"
                    aria-expanded=move || expanded().to_string()
                    on:click=move |_| toggle.run(())
                >
                    "Remove"
                </button>
            </td>
        </tr>
        <Show when=is_open>
            <tr class="row-confirmation">
                <td colspan="5">
                    <ConfirmRow
                        action_label="Remove credential"
                        pending_label="Removing…"
                        pending=remove.pending()
                        error=Signal::derive(move || error.get().map(|error| error.message))
                        on_confirm=Callback::new(move |()| {
                            error.set(None);
                            remove.dispatch(());
                        })
                        on_cancel=toggle
                        subject=description.clone()
                        consequence="Packages read with it can no longer be updated until they get another."
                    />
                </td>
            </tr>
        </Show>
    }
}

#[component]
fn CreateCredentialForm(url_name: String, on_created: Callback<()>) -> impl IntoView {
    let session = Session::expect();
    let description = RwSignal::new(String::new());
    let kind = RwSignal::new(CredentialType::HttpBasic.as_str().to_owned());
    let domain = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let private_key = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);

    let selected = Memo::new(move |_| kind.with(|kind| CredentialType::from_str(kind)));
    let secret = Memo::new(move |_| selected.get().map(CredentialType::secret));
    let type_options = Signal::stored(
        CredentialType::ALL
            .iter()
            .map(|kind| (kind.as_str().to_owned(), kind.label().to_owned()))
            .collect::<Vec<_>>(),
    );

    let clear = move || {
        for field in [
            description,
            domain,
            username,
            password,
            token,
            private_key,
            passphrase,
        ] {
            field.set(String::new());
        }
    };
    let create = Action::new_local(move |variables: &CredentialInput| {
        let variables = variables.clone().into_variables(url_name.clone());
        async move {
            match execute::<CreateCredential>(variables).await {
                Ok(_) => {
                    clear();
                    on_created.run(());
                }
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(failure));
                }
            }
        }
    });
    let pending = create.pending();

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let Some(kind) = selected.get_untracked() else {
            return;
        };
        // Only the secret the type takes is sent; the other inputs may hold leftovers
        // from a type picked before.
        let optional = |value: RwSignal<String>| {
            let value = value.get_untracked();
            (!value.is_empty()).then_some(value)
        };
        let mut input = CredentialInput {
            description: description.get_untracked().trim().to_owned(),
            kind: Some(kind),
            domain: domain.get_untracked().trim().to_owned(),
            ..CredentialInput::default()
        };
        match kind.secret() {
            CredentialSecret::UsernamePassword => {
                input.username = optional(username).map(|name| name.trim().to_owned());
                input.password = optional(password);
            }
            CredentialSecret::Token => input.token = optional(token).map(|t| t.trim().to_owned()),
            CredentialSecret::PrivateKey => {
                input.private_key = optional(private_key);
                input.passphrase = optional(passphrase);
            }
        }
        create.dispatch(input);
    };

    let is = move |wanted: CredentialSecret| move || secret.get() == Some(wanted);
    let token_hint = move || match selected.get() {
        Some(CredentialType::GithubOauth) => "A GitHub personal access token or OAuth token.",
        Some(CredentialType::GitlabToken) => "A GitLab personal, group or project access token.",
        Some(CredentialType::HttpHeader) => {
            "The header line sent with every request, e.g. “X-Auth: …”."
        }
        _ => "",
    };

    view! {
        <form class="panel form-panel" on:submit=on_submit novalidate>
            <h2>"Add a credential"</h2>
            <FormError message=form_error(error, FIELDS) />
            <TextField
                label="Description"
                name="description"
                value=description
                error=field_error(error, "description")
                placeholder="Deploy key of acme/lib"
                required=true
            />
            <SelectField
                label="Type"
                name="type"
                value=kind
                options=type_options
                error=field_error(error, "type")
            />
            <TextField
                label="Domain"
                name="domain"
                value=domain
                error=field_error(error, "domain")
                placeholder="github.com"
                hint="The host it is used for."
                required=true
            />
            <Show when=is(CredentialSecret::UsernamePassword)>
                <TextField
                    label="Username"
                    name="username"
                    value=username
                    error=field_error(error, "username")
                    autocomplete="off"
                    required=true
                />
                <TextField
                    label="Password"
                    name="password"
                    input_type="password"
                    value=password
                    error=field_error(error, "password")
                    autocomplete="new-password"
                    required=true
                />
            </Show>
            <Show when=is(CredentialSecret::Token)>
                <TextField
                    label="Token"
                    name="token"
                    input_type="password"
                    value=token
                    error=field_error(error, "token")
                    autocomplete="off"
                    required=true
                />
                <p class="field-hint field-hint-after">{token_hint}</p>
            </Show>
            <Show when=is(CredentialSecret::PrivateKey)>
                <TextAreaField
                    label="Private key"
                    name="privateKey"
                    value=private_key
                    error=field_error(error, "privateKey")
                    placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
                    hint="The whole key file, including its BEGIN and END lines."
                    rows=8
                    required=true
                />
                <TextField
                    label="Passphrase (optional)"
                    name="passphrase"
                    input_type="password"
                    value=passphrase
                    error=field_error(error, "passphrase")
                    autocomplete="off"
                />
            </Show>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Add credential" }}
                </button>
            </div>
        </form>
    }
}

/// What the form sends, before the organization is added.
#[derive(Clone, Default)]
struct CredentialInput {
    description: String,
    kind: Option<CredentialType>,
    domain: String,
    username: Option<String>,
    password: Option<String>,
    token: Option<String>,
    private_key: Option<String>,
    passphrase: Option<String>,
}

impl CredentialInput {
    fn into_variables(self, organization: String) -> create_credential::Variables {
        create_credential::Variables {
            organization,
            description: self.description,
            type_: self.kind.unwrap_or(CredentialType::HttpBasic),
            domain: self.domain,
            username: self.username,
            password: self.password,
            token: self.token,
            private_key: self.private_key,
            passphrase: self.passphrase,
        }
    }
}
