//! `/orgs/:url_name/tokens`: the organization's tokens for its Composer repository
//! (owners only). A secret is shown once, when a token is created or regenerated.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::operations::{
    CreateToken, OrganizationTokens, RegenerateToken, RemoveToken, TokenAccess, create_token,
    organization_tokens, regenerate_token, remove_token,
};
use crate::api::{ApiError, execute};
use crate::components::{
    ConfirmRow, ErrorPanel, FormError, Loading, Snippet, TablePanel, TextField, Timestamp,
    TypedConfirmation, field_error, form_error,
};
use crate::pages::organizations::{CurrentOrganization, OrganizationInfo};
use crate::session::Session;

/// The inputs of the create form, named as the `createToken` mutation's arguments.
const FIELDS: &[&str] = &["description", "access", "expiresAt"];

#[derive(Clone, Debug, PartialEq)]
struct TokenRow {
    id: String,
    description: String,
    access: TokenAccess,
    prefix: String,
    created_at: String,
    last_used_at: Option<String>,
    expires_at: Option<String>,
}

/// A secret to show once.
#[derive(Clone, Debug, PartialEq)]
struct Revealed {
    description: String,
    secret: String,
    regenerated: bool,
}

async fn load_tokens(session: Session, url_name: String) -> Result<Vec<TokenRow>, ApiError> {
    let data = execute::<OrganizationTokens>(organization_tokens::Variables { url_name })
        .await
        .inspect_err(|error| session.observe(error))?;
    Ok(data
        .organization
        .tokens
        .into_iter()
        .map(|token| TokenRow {
            id: token.id,
            description: token.description,
            access: token.access,
            prefix: token.prefix,
            created_at: token.created_at,
            last_used_at: token.last_used_at,
            expires_at: token.expires_at,
        })
        .collect())
}

/// Whether an RFC 3339 time lies in the past, by the browser's clock.
fn is_past(rfc3339: &str) -> bool {
    let at = js_sys::Date::parse(rfc3339);
    !at.is_nan() && at < js_sys::Date::now()
}

#[component]
pub fn TokensTab() -> impl IntoView {
    let session = Session::expect();
    let organization = CurrentOrganization::expect();
    let url_name = organization.url_name();
    let tokens = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_tokens(session, url_name.clone()))
    };
    let revealed = RwSignal::new(None::<Revealed>);
    let on_secret = Callback::new(move |secret: Revealed| {
        revealed.set(Some(secret));
        tokens.refetch();
    });

    view! {
        {move || {
            revealed
                .get()
                .map(|secret| {
                    view! {
                        <SecretPanel
                            info=organization.get()
                            secret
                            on_done=Callback::new(move |()| revealed.set(None))
                        />
                    }
                })
        }}
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(rows) => view! { <TokenTable rows on_secret reload=Callback::new(move |()| tokens.refetch()) /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
        <CreateTokenForm url_name on_secret />
    }
}

/// The new secret, once, with the configuration that uses it.
#[component]
fn SecretPanel(info: OrganizationInfo, secret: Revealed, on_done: Callback<()>) -> impl IntoView {
    let host = info.repository.auth_host.clone();
    let (auth_json, composer_auth) = auth_examples(&host, &secret.secret);
    let heading = if secret.regenerated {
        format!("New secret for “{}”", secret.description)
    } else {
        format!("Token “{}” created", secret.description)
    };
    view! {
        <section class="panel secret-reveal" role="status">
            <h2>{heading}</h2>
            <p class="secret-warning">
                <strong>"Copy it now: you won't see it again."</strong>
                " Packyard keeps only a hash of it. If it is lost, regenerate the token."
            </p>
            <Snippet
                text=secret.secret.clone()
                caption="Secret"
                copy_label="Copy the secret"
                class="token-secret"
            />
            <p class="muted">
                "Composer sends it as HTTP basic authentication with the username "
                <code>"token"</code> " for " <code>{host}</code> "."
            </p>
            <Snippet text=auth_json caption="auth.json (next to composer.json; keep it out of git)" copy_label="Copy auth.json" />
            <Snippet text=composer_auth caption="Or in CI: the COMPOSER_AUTH environment variable" copy_label="Copy the COMPOSER_AUTH line" />
            <Snippet
                text=info.repository_command()
                caption="The repository, once per project"
                copy_label="Copy the repository command"
            />
            <div class="form-actions">
                <button type="button" class="button button-primary" on:click=move |_| on_done.run(())>
                    "I have copied it"
                </button>
            </div>
        </section>
    }
}

/// The secret as Composer takes it: an `auth.json` and the same as a `COMPOSER_AUTH`
/// line, keyed by the repository's host, username `token`.
fn auth_examples(host: &str, secret: &str) -> (String, String) {
    // Written out rather than through a JSON map, to keep Composer's own key order
    // (username before password).
    let (host, secret) = (json_string(host), json_string(secret));
    let auth_json = format!(
        "{{\n    \"http-basic\": {{\n        {host}: {{\n            \"username\": \"token\",\n            \"password\": {secret}\n        }}\n    }}\n}}"
    );
    let compact =
        format!("{{\"http-basic\":{{{host}:{{\"username\":\"token\",\"password\":{secret}}}}}}}");
    (auth_json, format!("export COMPOSER_AUTH='{compact}'"))
}

/// `value` as a JSON string literal, quotes included.
fn json_string(value: &str) -> String {
    serde_json::Value::from(value).to_string()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RowAction {
    Regenerate,
    Remove,
}

#[component]
fn TokenTable(
    rows: Vec<TokenRow>,
    on_secret: Callback<Revealed>,
    reload: Callback<()>,
) -> impl IntoView {
    // At most one row asks for a confirmation at a time.
    let open = RwSignal::new(None::<(String, RowAction)>);
    view! {
        <TablePanel
            title="Tokens"
            count=rows.len()
            intro="Composer authenticates to this organization's repository with these. Read \
                   tokens install packages; update tokens may also trigger package updates."
            empty="No tokens yet. Create one below."
            class="tokens"
            columns=&["Description", "Access", "Token", "Last used", "Expires"]
        >
            {rows
                .into_iter()
                .map(|row| view! { <TokenRowView row open on_secret reload /> })
                .collect_view()}
        </TablePanel>
    }
}

#[component]
fn TokenRowView(
    row: TokenRow,
    open: RwSignal<Option<(String, RowAction)>>,
    on_secret: Callback<Revealed>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = Session::expect();
    let error = RwSignal::new(None::<ApiError>);
    let id = row.id.clone();
    let is_open = {
        let id = id.clone();
        move |action: RowAction| open.with(|open| open.as_ref() == Some(&(id.clone(), action)))
    };
    let regenerate = {
        let (id, description) = (id.clone(), row.description.clone());
        Action::new_local(move |(): &()| {
            let variables = regenerate_token::Variables { id: id.clone() };
            let description = description.clone();
            async move {
                match execute::<RegenerateToken>(variables).await {
                    Ok(data) => {
                        open.set(None);
                        on_secret.run(Revealed {
                            description,
                            secret: data.regenerate_token.secret,
                            regenerated: true,
                        });
                    }
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure));
                    }
                }
            }
        })
    };
    let remove = {
        let id = id.clone();
        Action::new_local(move |(): &()| {
            let variables = remove_token::Variables { id: id.clone() };
            async move {
                match execute::<RemoveToken>(variables).await {
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
    let toggle = {
        let id = id.clone();
        move |action: RowAction| {
            error.set(None);
            open.update(|open| {
                *open = match open {
                    Some((current, current_action))
                        if *current == id && *current_action == action =>
                    {
                        None
                    }
                    _ => Some((id.clone(), action)),
                }
            });
        }
    };
    let expired = row.expires_at.as_deref().is_some_and(is_past);
    let description = row.description.clone();
    let (is_open_regenerate, is_open_remove, is_open_any) =
        (is_open.clone(), is_open.clone(), is_open.clone());
    let (toggle_regenerate, toggle_remove, cancel) = (toggle.clone(), toggle.clone(), toggle);
    let remove_pending = remove.pending();

    view! {
        <tr class:token-expired=expired>
            <td class="token-description">{row.description.clone()}</td>
            <td>
                <span class="badge" class:badge-info=row.access == TokenAccess::Update>
                    {row.access.label()}
                </span>
            </td>
            <td>
                <code title="The first characters of the secret">{format!("{}…", row.prefix)}</code>
            </td>
            <td>
                {row
                    .last_used_at
                    .map_or_else(
                        || view! { <span class="muted">"Never"</span> }.into_any(),
                        |at| view! { <Timestamp value=at /> }.into_any(),
                    )}
            </td>
            <td>
                {match row.expires_at {
                    None => view! { <span class="muted">"Never"</span> }.into_any(),
                    Some(at) if expired => {
                        view! {
                            <span class="badge badge-danger">"Expired"</span>
                            " "
                            <Timestamp value=at />
                        }
                            .into_any()
                    }
                    Some(at) => view! { <Timestamp value=at /> }.into_any(),
                }}
                <span class="visually-hidden">{format!("Created {}", row.created_at)}</span>
            </td>
            <td class="row-actions">
                <button
                    type="button"
                    class="button button-small"
                    aria-expanded=move || is_open_regenerate(RowAction::Regenerate).to_string()
                    on:click=move |_| toggle_regenerate(RowAction::Regenerate)
                >
                    "Regenerate"
                </button>
                <button
                    type="button"
                    class="button button-small button-danger-outline"
                    aria-expanded=move || is_open_remove(RowAction::Remove).to_string()
                    on:click=move |_| toggle_remove(RowAction::Remove)
                >
                    "Remove"
                </button>
            </td>
        </tr>
        {move || {
            let action = if is_open_any(RowAction::Regenerate) {
                RowAction::Regenerate
            } else if is_open_any(RowAction::Remove) {
                RowAction::Remove
            } else {
                return None;
            };
            let cancel = cancel.clone();
            let confirmation = match action {
                RowAction::Regenerate => {
                    view! {
                        <p>
                            "A new secret replaces the current one, which "
                            <strong>"stops working immediately"</strong>
                            ": every project and CI job using it fails until it gets the new one."
                        </p>
                        <TypedConfirmation
                            phrase=description.clone()
                            action_label="Regenerate secret"
                            pending_label="Regenerating…"
                            pending=regenerate.pending()
                            on_confirm=move |_| {
                                error.set(None);
                                regenerate.dispatch(());
                            }
                            on_cancel=Callback::new(move |()| cancel(RowAction::Regenerate))
                        />
                        {move || {
                            error
                                .get()
                                .map(|error| view! { <p class="form-error" role="alert">{error.message}</p> })
                        }}
                    }
                        .into_any()
                }
                RowAction::Remove => {
                    view! {
                        <ConfirmRow
                            action_label="Remove token"
                            pending_label="Removing…"
                            pending=remove_pending
                            error=Signal::derive(move || error.get().map(|error| error.message))
                            on_confirm=Callback::new(move |()| {
                                error.set(None);
                                remove.dispatch(());
                            })
                            on_cancel=Callback::new(move |()| cancel(RowAction::Remove))
                            subject=description.clone()
                            consequence="Projects using it can no longer install packages."
                        />
                    }
                        .into_any()
                }
            };
            Some(view! {
                <tr class="row-confirmation">
                    <td colspan="6">{confirmation}</td>
                </tr>
            })
        }}
    }
}

#[component]
fn CreateTokenForm(url_name: String, on_secret: Callback<Revealed>) -> impl IntoView {
    let session = Session::expect();
    let description = RwSignal::new(String::new());
    let access = RwSignal::new(TokenAccess::Read);
    let expires_on = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);

    let create = Action::new_local(
        move |(description_text, access_value, expires_at): &(
            String,
            TokenAccess,
            Option<String>,
        )| {
            let variables = create_token::Variables {
                organization: url_name.clone(),
                description: description_text.clone(),
                access: *access_value,
                expires_at: expires_at.clone(),
            };
            async move {
                match execute::<CreateToken>(variables).await {
                    Ok(data) => {
                        description.set(String::new());
                        expires_on.set(String::new());
                        access.set(TokenAccess::Read);
                        on_secret.run(Revealed {
                            description: data.create_token.token.description,
                            secret: data.create_token.secret,
                            regenerated: false,
                        });
                    }
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure));
                    }
                }
            }
        },
    );
    let pending = create.pending();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let date = expires_on.get_untracked();
        create.dispatch((
            description.get_untracked().trim().to_owned(),
            access.get_untracked(),
            // The end of the chosen day, UTC.
            (!date.is_empty()).then(|| format!("{date}T23:59:59Z")),
        ));
    };
    let access_option = move |value: TokenAccess, title: &'static str, detail: &'static str| {
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="access"
                    value=value.label().to_uppercase()
                    prop:checked=move || access.get() == value
                    on:change=move |_| access.set(value)
                />
                <span>
                    <strong>{title}</strong>
                    <span class="muted">{detail}</span>
                </span>
            </label>
        }
    };

    view! {
        <form class="panel form-panel" on:submit=on_submit novalidate>
            <h2>"Create a token"</h2>
            <FormError message=form_error(error, FIELDS) />
            <TextField
                label="Description"
                name="description"
                value=description
                error=field_error(error, "description")
                placeholder="CI of the shop"
                hint="Where it is used, so you know what breaks if you remove it."
                required=true
            />
            <fieldset class="field choices" class:field-invalid=move || field_error(error, "access").with(Option::is_some)>
                <legend>"Access"</legend>
                {access_option(TokenAccess::Read, "Read", " — install packages")}
                {access_option(TokenAccess::Update, "Update", " — install packages and trigger their updates (webhooks)")}
                {move || field_error(error, "access").get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            </fieldset>
            <TextField
                label="Expires on (optional)"
                name="expiresAt"
                input_type="date"
                value=expires_on
                error=field_error(error, "expiresAt")
                hint="It stops working at the end of that day (UTC). Left empty, it never expires."
            />
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create token" }}
                </button>
            </div>
        </form>
    }
}
