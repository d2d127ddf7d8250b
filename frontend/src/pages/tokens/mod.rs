//! Composer tokens: `/orgs/:url_name/tokens` for the organization's repository (owners
//! only), and the same panels on a suborganization's page for its own repository (its
//! owners). A secret is shown once, when a token is created or regenerated; regenerating
//! asks to type the token's description (or the word "regenerate") first.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::operations::{
    CreateSuborganizationToken, CreateToken, OrganizationTokens, RegenerateSuborganizationToken,
    RegenerateToken, RemoveSuborganizationToken, RemoveToken, SuborganizationTokens, TokenAccess,
    create_suborganization_token, create_token, organization_tokens,
    regenerate_suborganization_token, regenerate_token, remove_suborganization_token, remove_token,
    suborganization_tokens,
};
use crate::api::{ApiError, execute};
use crate::components::{
    ConfirmRow, ErrorPanel, FormError, Loading, SelectField, Snippet, TablePanel, TextField,
    Timestamp, TypedConfirmation, field_error, form_error,
};
use crate::pages::organizations::{ComposerRepositoryInfo, CurrentOrganization};
use crate::pages::teams::load_team_options;
use crate::session::Session;

/// The inputs of the create form, named as the `createToken` mutation's arguments
/// (`scope` is the choice between `teamId` and all packages).
const FIELDS: &[&str] = &["description", "access", "scope", "teamId", "expiresAt"];

/// The word that confirms a regeneration as well as the token's description.
const REGENERATE_WORD: &str = "regenerate";

/// Whose repository the tokens open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenOwner {
    Organization {
        url_name: String,
    },
    Suborganization {
        url_name: String,
        suborganization: String,
    },
}

impl TokenOwner {
    fn is_suborganization(&self) -> bool {
        matches!(self, Self::Suborganization { .. })
    }
}

/// Where the tokens are used: the repository the secret's configuration names.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenRepository {
    /// The name in `composer config repositories.<name>`.
    pub name: String,
    pub info: ComposerRepositoryInfo,
}

impl TokenRepository {
    /// `composer config repositories.<name> composer <url>`.
    pub fn command(&self) -> String {
        format!(
            "composer config repositories.{} composer {}",
            self.name, self.info.url
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
struct TokenRow {
    id: String,
    description: String,
    access: TokenAccess,
    prefix: String,
    created_at: String,
    last_used_at: Option<String>,
    expires_at: Option<String>,
    /// The team whose packages it sees; `None` for all packages.
    team_id: Option<String>,
}

/// A `TokenRow` from either list query's token type.
macro_rules! token_row {
    ($token:expr) => {{
        let token = $token;
        TokenRow {
            id: token.id,
            description: token.description,
            access: token.access,
            prefix: token.prefix,
            created_at: token.created_at,
            last_used_at: token.last_used_at,
            expires_at: token.expires_at,
            team_id: token.team_id.filter(|_| !token.access_to_all_packages),
        }
    }};
}

/// The tokens, and the teams a new one may be scoped to (`(id, name)`; none for a
/// suborganization, whose tokens see all of its packages).
#[derive(Clone, Debug, PartialEq)]
struct TokenList {
    rows: Vec<TokenRow>,
    teams: Vec<(String, String)>,
}

/// A secret to show once.
#[derive(Clone, Debug, PartialEq)]
pub struct Revealed {
    /// What the heading names it by (a token's description, a customer's name).
    pub description: String,
    pub secret: String,
    pub regenerated: bool,
}

/// What the create form sends.
#[derive(Clone, Debug)]
struct NewToken {
    description: String,
    access: TokenAccess,
    /// `None`: all packages.
    team_id: Option<String>,
    expires_at: Option<String>,
}

async fn load_tokens(session: Session, owner: TokenOwner) -> Result<TokenList, ApiError> {
    let result = match owner {
        TokenOwner::Organization { url_name } => {
            execute::<OrganizationTokens>(organization_tokens::Variables { url_name })
                .await
                .map(|data| TokenList {
                    rows: data
                        .organization
                        .tokens
                        .into_iter()
                        .map(|token| token_row!(token))
                        .collect(),
                    teams: data
                        .organization
                        .teams
                        .into_iter()
                        .map(|team| (team.id, team.name))
                        .collect(),
                })
        }
        TokenOwner::Suborganization {
            url_name,
            suborganization,
        } => execute::<SuborganizationTokens>(suborganization_tokens::Variables {
            url_name,
            suborganization,
        })
        .await
        .map(|data| TokenList {
            rows: data
                .organization
                .suborganization
                .tokens
                .into_iter()
                .map(|token| token_row!(token))
                .collect(),
            teams: Vec::new(),
        }),
    };
    result.inspect_err(|error| session.observe(error))
}

/// Creates the token; its description and secret.
async fn create(owner: TokenOwner, input: NewToken) -> Result<Revealed, ApiError> {
    let (description, secret) = match owner {
        TokenOwner::Organization { url_name } => {
            let variables = create_token::Variables {
                organization: url_name,
                description: input.description,
                access: input.access,
                team_id: input.team_id,
                expires_at: input.expires_at,
            };
            let created = execute::<CreateToken>(variables).await?.create_token;
            (created.token.description, created.secret)
        }
        TokenOwner::Suborganization {
            url_name,
            suborganization,
        } => {
            let variables = create_suborganization_token::Variables {
                organization: url_name,
                suborganization,
                description: input.description,
                access: input.access,
                expires_at: input.expires_at,
            };
            let created = execute::<CreateSuborganizationToken>(variables)
                .await?
                .create_suborganization_token;
            (created.token.description, created.secret)
        }
    };
    Ok(Revealed {
        description,
        secret,
        regenerated: false,
    })
}

/// A new secret for the token. `confirmed` is what the user's typed confirmation said;
/// the server refuses to regenerate without it.
async fn regenerate(
    suborganization: bool,
    id: String,
    confirmed: bool,
) -> Result<(String, String), ApiError> {
    if suborganization {
        let variables = regenerate_suborganization_token::Variables { id, confirmed };
        let created = execute::<RegenerateSuborganizationToken>(variables)
            .await?
            .regenerate_suborganization_token;
        Ok((created.token.description, created.secret))
    } else {
        let variables = regenerate_token::Variables { id, confirmed };
        let created = execute::<RegenerateToken>(variables)
            .await?
            .regenerate_token;
        Ok((created.token.description, created.secret))
    }
}

async fn remove(suborganization: bool, id: String) -> Result<(), ApiError> {
    if suborganization {
        execute::<RemoveSuborganizationToken>(remove_suborganization_token::Variables { id })
            .await
            .map(drop)
    } else {
        execute::<RemoveToken>(remove_token::Variables { id })
            .await
            .map(drop)
    }
}

/// Whether an RFC 3339 time lies in the past, by the browser's clock.
fn is_past(rfc3339: &str) -> bool {
    let at = js_sys::Date::parse(rfc3339);
    !at.is_nan() && at < js_sys::Date::now()
}

/// `/orgs/:url_name/tokens`.
#[component]
pub fn TokensTab() -> impl IntoView {
    let organization = CurrentOrganization::expect();
    let info = organization.get();
    view! {
        <TokensSection
            owner=TokenOwner::Organization {
                url_name: info.url_name.clone(),
            }
            repository=TokenRepository {
                name: info.url_name.clone(),
                info: info.repository.clone(),
            }
        />
    }
}

/// The teams a new token of `owner` may be scoped to, `(id, name)`: none for a
/// suborganization, whose tokens see all of its packages.
async fn load_scopes(
    session: Session,
    owner: TokenOwner,
) -> Result<Vec<(String, String)>, ApiError> {
    match owner {
        TokenOwner::Organization { url_name } => Ok(load_team_options(session, url_name)
            .await?
            .into_iter()
            .map(|(id, name, _)| (id, name))
            .collect()),
        TokenOwner::Suborganization { .. } => Ok(Vec::new()),
    }
}

/// The tokens of `owner`'s repository: the one-time secret (after creating or
/// regenerating), the list, and the create form.
#[component]
pub fn TokensSection(owner: TokenOwner, repository: TokenRepository) -> impl IntoView {
    let session = Session::expect();
    let tokens = {
        let owner = owner.clone();
        LocalResource::new(move || load_tokens(session, owner.clone()))
    };
    // Loaded once, so the form keeps what is typed in it while the list reloads.
    let scopes = {
        let owner = owner.clone();
        LocalResource::new(move || load_scopes(session, owner.clone()))
    };
    let revealed = RwSignal::new(None::<Revealed>);
    let on_secret = Callback::new(move |secret: Revealed| {
        revealed.set(Some(secret));
        tokens.refetch();
    });
    let repository = StoredValue::new(repository);
    let suborganization = owner.is_suborganization();

    view! {
        {move || {
            revealed
                .get()
                .map(|secret| {
                    view! {
                        <SecretPanel
                            repository=repository.get_value()
                            secret
                            on_done=Callback::new(move |()| revealed.set(None))
                        />
                    }
                })
        }}
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(list) => {
                        view! {
                            <TokenTable
                                rows=list.rows
                                teams=list.teams
                                suborganization
                                on_secret
                                reload=Callback::new(move |()| tokens.refetch())
                            />
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
        <Suspense fallback=|| ()>
            {move || {
                let owner = owner.clone();
                Suspend::new(async move {
                    match scopes.await {
                        Ok(teams) => view! { <CreateTokenForm owner teams on_secret /> }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The new secret, once, with the configuration that uses it.
#[component]
pub fn SecretPanel(
    repository: TokenRepository,
    secret: Revealed,
    on_done: Callback<()>,
) -> impl IntoView {
    let host = repository.info.auth_host.clone();
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
                text=repository.command()
                caption="The repository, once per project"
                copy_label="Copy the repository command"
            />
            <div class="form-actions">
                <button type="button" class="button button-primary secret-done" on:click=move |_| on_done.run(())>
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
    /// `(id, name)` of the organization's teams, to name a token's scope.
    teams: Vec<(String, String)>,
    suborganization: bool,
    on_secret: Callback<Revealed>,
    reload: Callback<()>,
) -> impl IntoView {
    // At most one row asks for a confirmation at a time.
    let open = RwSignal::new(None::<(String, RowAction)>);
    let intro = if suborganization {
        "Composer authenticates to this suborganization's repository with these; they see \
         all of its packages. Read tokens install packages; update tokens may also trigger \
         package updates."
    } else {
        "Composer authenticates to this organization's repository with these. A token sees \
         all packages or one team's. Read tokens install packages; update tokens may also \
         trigger package updates."
    };
    view! {
        <TablePanel
            title="Tokens"
            count=rows.len()
            intro
            empty="No tokens yet. Create one below."
            class="tokens"
            columns=&["Description", "Packages", "Access", "Token", "Last used", "Expires"]
        >
            {rows
                .into_iter()
                .map(|row| {
                    let scope = match &row.team_id {
                        None => Scope::All,
                        Some(id) => {
                            Scope::Team(
                                teams
                                    .iter()
                                    .find(|(team_id, _)| team_id == id)
                                    .map_or_else(|| format!("Team #{id}"), |(_, name)| name.clone()),
                            )
                        }
                    };
                    view! { <TokenRowView row scope suborganization open on_secret reload /> }
                })
                .collect_view()}
        </TablePanel>
    }
}

/// Which packages a token sees, as its row shows it.
#[derive(Clone, Debug, PartialEq)]
enum Scope {
    All,
    Team(String),
}

#[component]
fn TokenRowView(
    row: TokenRow,
    scope: Scope,
    suborganization: bool,
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
    let regenerate_action = {
        let id = id.clone();
        Action::new_local(move |confirmed: &bool| {
            let (id, confirmed) = (id.clone(), *confirmed);
            async move {
                match regenerate(suborganization, id, confirmed).await {
                    Ok((description, secret)) => {
                        open.set(None);
                        on_secret.run(Revealed {
                            description,
                            secret,
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
    let remove_action = {
        let id = id.clone();
        Action::new_local(move |(): &()| {
            let id = id.clone();
            async move {
                match remove(suborganization, id).await {
                    Ok(()) => {
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
    let remove_pending = remove_action.pending();

    view! {
        <tr class:token-expired=expired data-token=row.description.clone()>
            <td class="token-description">{row.description.clone()}</td>
            <td class="token-scope">
                {match scope {
                    Scope::All => view! { <span class="badge badge-neutral">"All packages"</span> }.into_any(),
                    Scope::Team(name) => {
                        view! {
                            <span class="badge badge-team" title="Sees the packages of this team">
                                "Team: "
                                {name}
                            </span>
                        }
                            .into_any()
                    }
                }}
            </td>
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
                    class="button button-small regenerate-token"
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
                            alternative=REGENERATE_WORD
                            name="regenerate-confirmation"
                            action_label="Regenerate secret"
                            pending_label="Regenerating…"
                            pending=regenerate_action.pending()
                            on_confirm=move |confirmed| {
                                error.set(None);
                                regenerate_action.dispatch(confirmed);
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
                                remove_action.dispatch(());
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
                    <td colspan="7">{confirmation}</td>
                </tr>
            })
        }}
    }
}

/// The scope choice of an organization's new token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ScopeChoice {
    All,
    Team,
}

#[component]
fn CreateTokenForm(
    owner: TokenOwner,
    /// `(id, name)`: the teams a token may be scoped to; empty for a suborganization.
    teams: Vec<(String, String)>,
    on_secret: Callback<Revealed>,
) -> impl IntoView {
    let session = Session::expect();
    let description = RwSignal::new(String::new());
    let access = RwSignal::new(TokenAccess::Read);
    let scope = RwSignal::new(ScopeChoice::All);
    let team_id = RwSignal::new(teams.first().map(|(id, _)| id.clone()).unwrap_or_default());
    let expires_on = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let with_scope = !owner.is_suborganization();
    let has_teams = !teams.is_empty();
    let team_options = Signal::stored(teams);

    let create_action = Action::new_local(move |input: &NewToken| {
        let (owner, input) = (owner.clone(), input.clone());
        async move {
            match create(owner, input).await {
                Ok(revealed) => {
                    description.set(String::new());
                    expires_on.set(String::new());
                    access.set(TokenAccess::Read);
                    scope.set(ScopeChoice::All);
                    on_secret.run(revealed);
                }
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(failure));
                }
            }
        }
    });
    let pending = create_action.pending();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let date = expires_on.get_untracked();
        let team = (with_scope && scope.get_untracked() == ScopeChoice::Team)
            .then(|| team_id.get_untracked());
        if team.as_deref() == Some("") {
            error.set(Some(ApiError::invalid("teamId", "Choose the team.")));
            return;
        }
        create_action.dispatch(NewToken {
            description: description.get_untracked().trim().to_owned(),
            access: access.get_untracked(),
            team_id: team,
            // The end of the chosen day, UTC.
            expires_at: (!date.is_empty()).then(|| format!("{date}T23:59:59Z")),
        });
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
    let scope_option =
        move |value: ScopeChoice, id: &'static str, title: &'static str, detail: &'static str| {
            view! {
                <label class="choice" for=id>
                    <input
                        type="radio"
                        id=id
                        name="scope"
                        value=id
                        disabled=value == ScopeChoice::Team && !has_teams
                        prop:checked=move || scope.get() == value
                        on:change=move |_| scope.set(value)
                    />
                    <span>
                        <strong>{title}</strong>
                        <span class="muted">{detail}</span>
                    </span>
                </label>
            }
        };

    view! {
        <form class="panel form-panel create-token-form" on:submit=on_submit novalidate>
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
            <Show when=move || with_scope>
                <fieldset class="field choices" class:field-invalid=move || field_error(error, "teamId").with(Option::is_some)>
                    <legend>"Packages it sees"</legend>
                    {scope_option(ScopeChoice::All, "scope-all", "All packages", " — every current and future package of the organization")}
                    {scope_option(ScopeChoice::Team, "scope-team", "One team's packages", " — only what that team sees, and what it is granted later")}
                    <Show when=move || scope.get() == ScopeChoice::Team>
                        <div class="nested-field">
                            <SelectField
                                label="Team"
                                name="teamId"
                                value=team_id
                                options=team_options
                                error=field_error(error, "teamId")
                            />
                        </div>
                    </Show>
                </fieldset>
            </Show>
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
