//! Suborganizations: `/orgs/:url_name/suborganizations` (those the viewer reaches, and
//! creating one) and `/orgs/:url_name/suborganizations/:sub` (its repository, teams,
//! packages and tokens; see `show.rs`). A suborganization has its own Composer
//! repository; teams of the parent get `owner` or `view` on it.

mod show;

pub use show::SuborganizationPage;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::operations::{
    CreateSuborganization, OrganizationSuborganizations, create_suborganization,
    organization_suborganizations,
};
use crate::api::{ApiError, ErrorCode, execute};
use crate::components::{
    ErrorPanel, FormError, Loading, TablePanel, TextField, Timestamp, field_error, form_error,
};
use crate::pages::organizations::{CurrentOrganization, organization_path};
use crate::session::Session;

/// `/orgs/:org/suborganizations`.
pub fn suborganizations_path(url_name: &str) -> String {
    format!("{}/suborganizations", organization_path(url_name))
}

/// `/orgs/:org/suborganizations/:sub`.
pub fn suborganization_path(url_name: &str, suborganization: &str) -> String {
    format!("{}/{suborganization}", suborganizations_path(url_name))
}

#[derive(Clone, Debug, PartialEq)]
struct SuborganizationRow {
    name: String,
    url_name: String,
    created_at: String,
    viewer_is_owner: bool,
    teams: usize,
}

async fn load_suborganizations(
    session: Session,
    url_name: String,
) -> Result<Vec<SuborganizationRow>, ApiError> {
    let data = execute::<OrganizationSuborganizations>(organization_suborganizations::Variables {
        url_name,
    })
    .await
    .inspect_err(|error| session.observe(error))?;
    Ok(data
        .organization
        .suborganizations
        .into_iter()
        .map(|suborganization| SuborganizationRow {
            name: suborganization.name,
            url_name: suborganization.url_name,
            created_at: suborganization.created_at,
            viewer_is_owner: suborganization.viewer_is_owner,
            teams: suborganization.teams.len(),
        })
        .collect())
}

#[component]
pub fn SuborganizationsTab() -> impl IntoView {
    let session = Session::expect();
    let organization = CurrentOrganization::expect();
    let url_name = organization.url_name();
    let suborganizations = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_suborganizations(session, url_name.clone()))
    };

    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let url_name = url_name.clone();
                Suspend::new(async move {
                    match suborganizations.await {
                        Ok(rows) => view! { <SuborganizationTable url_name rows /> }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Transition>
        {if organization.can_create_suborganizations() {
            view! { <CreateSuborganizationForm url_name=organization.url_name() owner=organization.can_manage() /> }
                .into_any()
        } else {
            view! {
                <p class="note">
                    "Owners, and members of a team allowed to create suborganizations, create them."
                </p>
            }
                .into_any()
        }}
    }
}

#[component]
fn SuborganizationTable(url_name: String, rows: Vec<SuborganizationRow>) -> impl IntoView {
    view! {
        <TablePanel
            title="Suborganizations"
            count=rows.len()
            intro="Each has its own Composer repository, packages and tokens. Teams of this \
                   organization get a permission on it: owner (manage it) or view (see its packages)."
            empty="No suborganizations you can reach yet."
            class="suborganizations"
            columns=&["Name", "URL name", "Teams", "Your access", "Created"]
        >
            {rows
                .into_iter()
                .map(|row| {
                    let href = suborganization_path(&url_name, &row.url_name);
                    let (name, link_text) = (row.url_name.clone(), row.name.clone());
                    view! {
                        <tr data-name=name>
                            <td class="suborganization-name">
                                <A href=href.clone()>{link_text}</A>
                            </td>
                            <td>
                                <code>{row.url_name.clone()}</code>
                            </td>
                            <td>{row.teams}</td>
                            <td>
                                {if row.viewer_is_owner {
                                    view! { <span class="badge badge-role">"Owner"</span> }.into_any()
                                } else {
                                    view! { <span class="badge badge-neutral">"View"</span> }.into_any()
                                }}
                            </td>
                            <td>
                                <Timestamp value=row.created_at.clone() />
                            </td>
                            <td class="row-actions">
                                <A href=href attr:class="button button-small">
                                    "Open"
                                </A>
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </TablePanel>
    }
}

/// `createSuborganization`; its page opens.
#[component]
fn CreateSuborganizationForm(url_name: String, owner: bool) -> impl IntoView {
    const FIELDS: &[&str] = &["name", "urlName"];
    let session = Session::expect();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let own_url_name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);

    let create = Action::new_local(move |(new_name, new_url_name): &(String, Option<String>)| {
        let variables = create_suborganization::Variables {
            organization: url_name.clone(),
            name: new_name.clone(),
            url_name: new_url_name.clone(),
        };
        let (navigate, url_name) = (navigate.clone(), url_name.clone());
        async move {
            match execute::<CreateSuborganization>(variables).await {
                Ok(data) => navigate(
                    &suborganization_path(&url_name, &data.create_suborganization.url_name),
                    Default::default(),
                ),
                Err(mut failure) => {
                    session.observe(&failure);
                    // The URL name is what must be unique.
                    if failure.code == ErrorCode::Conflict && failure.field.is_none() {
                        failure.field = Some("urlName".to_owned());
                    }
                    error.set(Some(failure));
                }
            }
        }
    });
    let pending = create.pending();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let given = own_url_name.get_untracked().trim().to_owned();
        create.dispatch((
            name.get_untracked().trim().to_owned(),
            (!given.is_empty()).then_some(given),
        ));
    };

    view! {
        <form class="panel form-panel create-suborganization-form" on:submit=on_submit novalidate>
            <h2>"Create a suborganization"</h2>
            <FormError message=form_error(error, FIELDS) />
            <TextField
                label="Name"
                name="name"
                value=name
                error=field_error(error, "name")
                placeholder="Shop project"
                required=true
            />
            <TextField
                label="URL name (optional)"
                name="urlName"
                value=own_url_name
                error=field_error(error, "urlName")
                placeholder="shop"
                hint="Part of its repository's address. Left empty, it is made from the name."
            />
            {(!owner)
                .then(|| {
                    view! {
                        <p class="field-hint">
                            "Your teams that may create suborganizations become its owners."
                        </p>
                    }
                })}
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create suborganization" }}
                </button>
            </div>
        </form>
    }
}
