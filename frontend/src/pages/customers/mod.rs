//! Vendor customers: `/orgs/:url_name/customers` (the list, and creating one, whose token
//! is shown once) and `/orgs/:url_name/customers/:customer` (see `show.rs`). Members whose
//! teams may view vendor customers see them; those who may manage them change them.

mod access;
mod grants;
pub(crate) mod limits;
mod settings;
mod show;

pub use show::CustomerPage;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use self::settings::{CustomerDraft, CustomerFields, CustomerSettings, FIELDS};
use crate::api::operations::{
    CreateCustomer, OrganizationCustomers, create_customer, organization_customers,
};
use crate::api::{ApiError, execute};
use crate::components::{
    ErrorPanel, FormError, GrowingList, Loading, Page, ShowMore, SubmitButton, Timestamp,
    form_action, form_error, submit_with,
};
use crate::pages::organizations::{ComposerRepositoryInfo, CurrentOrganization, organization_path};
use crate::pages::tokens::{Revealed, SecretPanel, TokenRepository};
use crate::session::Session;

const PAGE_SIZE: i64 = 50;

/// `/orgs/:org/customers`.
pub fn customers_path(url_name: &str) -> String {
    format!("{}/customers", organization_path(url_name))
}

/// `/orgs/:org/customers/:customer` (its URL name).
pub fn customer_path(url_name: &str, customer: &str) -> String {
    format!("{}/{customer}", customers_path(url_name))
}

/// [`ComposerRepositoryInfo`] from any operation's `Customer.composerRepository` selection.
macro_rules! repository_info {
    ($repository:expr) => {{
        let repository = $repository;
        $crate::pages::organizations::ComposerRepositoryInfo {
            url: repository.url,
            auth_host: repository.auth_host,
            auth_json: repository.auth_json,
        }
    }};
}
pub(crate) use repository_info;

/// A customer's token as the tokens page shows a new secret, for the repository it
/// opens; `composer config repositories.<org>` names the vendor's repository in the
/// customer's projects.
pub(super) fn customer_repository(url_name: &str, info: ComposerRepositoryInfo) -> TokenRepository {
    TokenRepository {
        name: url_name.to_owned(),
        info,
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CustomerRow {
    name: String,
    url_name: String,
    enabled: bool,
    assign_all: bool,
    last_used: Option<String>,
}

async fn load_customers(
    session: Session,
    url_name: String,
    after: Option<String>,
) -> Result<Page<CustomerRow>, ApiError> {
    let variables = organization_customers::Variables {
        url_name,
        first: PAGE_SIZE,
        after,
    };
    let customers = execute::<OrganizationCustomers>(variables)
        .await
        .inspect_err(|error| session.observe(error))?
        .organization
        .customers;
    let rows = customers
        .nodes
        .into_iter()
        .map(|customer| CustomerRow {
            name: customer.name,
            url_name: customer.url_name,
            enabled: customer.enabled,
            assign_all: customer.assign_all_packages,
            last_used: customer.last_used,
        })
        .collect();
    Ok(Page::new(
        rows,
        customers.total_count,
        customers.page_info.has_next_page,
        customers.page_info.end_cursor,
    ))
}

/// A new customer's token, shown once, and where "I have copied it" leads.
#[derive(Clone, Debug, PartialEq)]
struct NewCustomer {
    secret: Revealed,
    url_name: String,
    repository: ComposerRepositoryInfo,
}

/// "Enabled" or "Disabled".
#[component]
pub(super) fn EnabledBadge(enabled: bool) -> impl IntoView {
    if enabled {
        view! { <span class="badge badge-success customer-enabled">"Enabled"</span> }.into_any()
    } else {
        view! { <span class="badge badge-danger customer-disabled">"Disabled"</span> }.into_any()
    }
}

/// `/orgs/:url_name/customers`.
#[component]
pub fn CustomersTab() -> impl IntoView {
    let session = Session::expect();
    let organization = CurrentOrganization::expect();
    let url_name = organization.url_name();
    let first_page = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_customers(session, url_name.clone(), None))
    };
    let created = RwSignal::new(None::<NewCustomer>);
    let navigate = use_navigate();
    let (secret_url_name, list_url_name) = (url_name.clone(), url_name.clone());

    view! {
        {
            let url_name = secret_url_name;
            move || {
                created
                    .get()
                    .map(|new| {
                        let (url_name, navigate) = (url_name.clone(), navigate.clone());
                        let page = customer_path(&url_name, &new.url_name);
                        view! {
                            <SecretPanel
                                repository=customer_repository(&url_name, new.repository)
                                secret=new.secret
                                on_done=Callback::new(move |()| navigate(&page, Default::default()))
                            />
                        }
                    })
            }
        }
        <Transition fallback=|| view! { <Loading /> }>
            {
                move || {
                    let url_name = list_url_name.clone();
                    Suspend::new(async move {
                        match first_page.await {
                            Ok(first_page) => view! { <CustomerTable url_name first_page /> }.into_any(),
                            Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        }
                    })
                }
            }
        </Transition>
        {if organization.can_manage_customers() {
            let on_created = Callback::new(move |new: NewCustomer| {
                created.set(Some(new));
                first_page.refetch();
            });
            view! { <CreateCustomerForm url_name on_created /> }.into_any()
        } else {
            view! { <p class="note">"Only those who may manage customers create them."</p> }.into_any()
        }}
    }
}

#[component]
fn CustomerTable(url_name: String, first_page: Page<CustomerRow>) -> impl IntoView {
    let session = Session::expect();
    let list = {
        let url_name = url_name.clone();
        GrowingList::new(first_page, move |cursor| {
            load_customers(session, url_name.clone(), Some(cursor))
        })
    };
    view! {
        <section class="panel">
            <h2>"Customers " <span class="count">{move || list.total()}</span></h2>
            <p class="muted">
                "Each customer has its own Composer repository and token, and gets the packages "
                "granted to it, directly or through vendor bundles."
            </p>
            <Show
                when=move || { list.total() > 0 }
                fallback=|| view! { <p class="empty-note">"No customers yet."</p> }
            >
                <div class="table-scroll">
                    <table class="table customers">
                        <thead>
                            <tr>
                                <th scope="col">"Customer"</th>
                                <th scope="col">"URL name"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Last used"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For
                                each=move || list.items()
                                key=|customer| customer.clone()
                                children={
                                    let url_name = url_name.clone();
                                    move |customer| {
                                        let href = customer_path(&url_name, &customer.url_name);
                                        view! {
                                            <tr data-name=customer.url_name.clone()>
                                                <td class="customer-name">
                                                    <A href=href>{customer.name.clone()}</A>
                                                    {customer
                                                        .assign_all
                                                        .then(|| view! { " " <span class="badge badge-info">"All packages"</span> })}
                                                </td>
                                                <td>
                                                    <code>{customer.url_name.clone()}</code>
                                                </td>
                                                <td>
                                                    <EnabledBadge enabled=customer.enabled />
                                                </td>
                                                <td>
                                                    {customer
                                                        .last_used
                                                        .map_or_else(
                                                            || view! { <span class="muted">"Never"</span> }.into_any(),
                                                            |at| view! { <Timestamp value=at /> }.into_any(),
                                                        )}
                                                </td>
                                            </tr>
                                        }
                                    }
                                }
                            />
                        </tbody>
                    </table>
                </div>
                <ShowMore list />
            </Show>
        </section>
    }
}

#[component]
fn CreateCustomerForm(url_name: String, on_created: Callback<NewCustomer>) -> impl IntoView {
    let draft = CustomerDraft::new(&CustomerSettings::default());
    let error = RwSignal::new(None::<ApiError>);
    let create = form_action(
        error,
        move |settings: &CustomerSettings| {
            let variables = create_customer::Variables {
                organization: url_name.clone(),
                name: settings.name.clone(),
                url_name: (!settings.url_name.is_empty()).then(|| settings.url_name.clone()),
                access_to_version_control_source: settings.vcs_source,
                minimum_accessible_stability: settings.stability.clone(),
                assign_all_packages: settings.assign_all,
            };
            execute::<CreateCustomer>(variables)
        },
        move |data: create_customer::ResponseData| {
            let created = data.create_customer;
            let customer = created.customer;
            draft.name.set(String::new());
            draft.url_name.set(String::new());
            on_created.run(NewCustomer {
                secret: Revealed {
                    description: customer.name,
                    secret: created.token,
                    regenerated: false,
                },
                url_name: customer.url_name,
                repository: repository_info!(customer.composer_repository),
            });
        },
    );
    view! {
        <form
            class="panel form-panel create-customer-form"
            on:submit=submit_with(error, create, move || draft.validated())
            novalidate
        >
            <h2>"Create a customer"</h2>
            <FormError message=form_error(error, FIELDS) />
            <CustomerFields
                draft
                error
                url_name_hint="The last part of its repository URL; made from the name when left empty."
            />
            <p class="field-hint">"Packages and vendor bundles are granted on the customer's page."</p>
            <div class="form-actions">
                <SubmitButton label="Create customer" pending_label="Creating…" pending=create.pending() />
            </div>
        </form>
    }
}
