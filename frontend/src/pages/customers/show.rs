//! `/orgs/:url_name/customers/:customer`: a customer's repository and how to use it, its
//! installs, settings, packages, vendor bundles, Magento keys, and its token and access
//! (`access.rs`). Everything that changes it is for those who may manage customers.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::access::{AccessPanel, RemoveCustomerPanel, TokenPanel};
use super::grants::{CustomerBundlesPanel, MagentoKeysPanel};
use super::limits::{GrantTarget, PackageLimits, PackageLimitsPanel};
use super::settings::{CustomerSettings, SettingsPanel};
use super::{EnabledBadge, customer_repository, customers_path, repository_info};
use crate::api::operations::{CustomerPage as CustomerPageQuery, customer_page};
use crate::api::{ApiError, execute};
use crate::components::{BarChart, ErrorPanel, Loading, Snippet, Timestamp};
use crate::pages::organizations::{ComposerRepositoryInfo, CurrentOrganization};
use crate::pages::teams::load_package_options;
use crate::pages::tokens::{Revealed, SecretPanel};
use crate::session::Session;

/// How many days the installs chart covers.
const CHART_DAYS: i64 = 30;

#[derive(Clone, Debug, PartialEq)]
pub(super) struct CustomerDetails {
    pub id: String,
    pub settings: CustomerSettings,
    pub enabled: bool,
    pub token_prefix: String,
    pub last_used: Option<String>,
    pub created_at: String,
    pub repository: ComposerRepositoryInfo,
    pub packages: Vec<PackageLimits>,
    /// `(bundle id, name, expiration date)`.
    pub bundles: Vec<(String, String, Option<String>)>,
    /// `(public key, created at)`.
    pub magento_keys: Vec<(String, String)>,
    /// `(day, installs)`, oldest first.
    pub downloads: Vec<(String, i64)>,
    pub downloads_total: i64,
}

/// The customer, and what the add forms offer (`None` when the viewer may not change it).
#[derive(Clone, Debug, PartialEq)]
struct CustomerPageData {
    customer: CustomerDetails,
    /// `(id, name)` of the organization's vendor bundles.
    bundle_options: Vec<(String, String)>,
    package_options: Option<Vec<(String, String)>>,
}

async fn load_customer(
    session: Session,
    url_name: String,
    customer: String,
) -> Result<(CustomerDetails, Vec<(String, String)>), ApiError> {
    let data = execute::<CustomerPageQuery>(customer_page::Variables { url_name, customer })
        .await
        .inspect_err(|error| session.observe(error))?;
    let organization = data.organization;
    let customer = organization.customer;
    let details = CustomerDetails {
        id: customer.id,
        settings: CustomerSettings {
            name: customer.name,
            url_name: customer.url_name,
            stability: customer.minimum_accessible_stability,
            vcs_source: customer.access_to_version_control_source,
            assign_all: customer.assign_all_packages,
        },
        enabled: customer.enabled,
        token_prefix: customer.token_prefix,
        last_used: customer.last_used,
        created_at: customer.created_at,
        repository: repository_info!(customer.composer_repository),
        packages: customer
            .packages
            .into_iter()
            .map(|grant| PackageLimits {
                version_constraint: grant.version_constraint,
                expiration_date: grant.expiration_date,
                minimum_accessible_stability: grant.minimum_accessible_stability,
                ..PackageLimits::package(
                    grant.name,
                    grant.package.id,
                    grant.package.repository_url.as_deref(),
                )
            })
            .collect(),
        bundles: customer
            .vendor_bundles
            .into_iter()
            .map(|grant| {
                (
                    grant.vendor_bundle.id,
                    grant.vendor_bundle.name,
                    grant.expiration_date,
                )
            })
            .collect(),
        magento_keys: customer
            .magento_legacy_keys
            .into_iter()
            .map(|key| (key.public_key, key.created_at))
            .collect(),
        downloads: customer
            .downloads
            .days
            .into_iter()
            .map(|day| (day.day, day.downloads))
            .collect(),
        downloads_total: customer.downloads.total,
    };
    let bundles = organization
        .vendor_bundles
        .into_iter()
        .map(|bundle| (bundle.id, bundle.name))
        .collect();
    Ok((details, bundles))
}

async fn load_page(
    session: Session,
    url_name: String,
    customer: String,
    can_manage: bool,
) -> Result<CustomerPageData, ApiError> {
    let packages = async {
        if can_manage {
            load_package_options(session, url_name.clone())
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    };
    let (customer, packages) =
        futures::join!(load_customer(session, url_name.clone(), customer), packages);
    let (customer, bundle_options) = customer?;
    Ok(CustomerPageData {
        customer,
        bundle_options,
        package_options: packages?,
    })
}

#[component]
pub fn CustomerPage() -> impl IntoView {
    let session = Session::expect();
    let organization = CurrentOrganization::expect();
    let url_name = organization.url_name();
    let can_manage = organization.can_manage_customers();
    let params = use_params_map();
    let customer =
        Memo::new(move |_| params.with(|params| params.get("customer").unwrap_or_default()));
    let page = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_page(session, url_name.clone(), customer.get(), can_manage))
    };
    let reload = Callback::new(move |()| page.refetch());
    // A regenerated token, shown once above the page; it survives the reload that follows.
    let revealed = RwSignal::new(None::<Revealed>);

    view! {
        <div class="breadcrumbs">
            <A href=customers_path(&url_name)>"← All customers"</A>
        </div>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <CustomerView data can_manage reload revealed /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CustomerView(
    data: CustomerPageData,
    can_manage: bool,
    reload: Callback<()>,
    revealed: RwSignal<Option<Revealed>>,
) -> impl IntoView {
    let CustomerPageData {
        customer,
        bundle_options,
        package_options,
    } = data;
    let url_name = CurrentOrganization::expect().url_name();
    let repository = StoredValue::new(customer_repository(&url_name, customer.repository.clone()));
    let id = customer.id.clone();
    view! {
        <div class="page-title">
            <p class="eyebrow">"Customer"</p>
            <h2 class="customer-title">
                {customer.settings.name.clone()} " " <EnabledBadge enabled=customer.enabled />
            </h2>
            <p class="muted">
                <code>{customer.settings.url_name.clone()}</code>
                " · created "
                <Timestamp value=customer.created_at.clone() />
                " · last used "
                {customer
                    .last_used
                    .clone()
                    .map_or_else(|| view! { "never" }.into_any(), |at| view! { <Timestamp value=at /> }.into_any())}
            </p>
        </div>
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
        <RepositoryPanel repository=repository.get_value() />
        <DownloadsPanel days=customer.downloads.clone() total=customer.downloads_total />
        <SettingsPanel id=id.clone() saved=customer.settings.clone() can_manage reload />
        <PackageLimitsPanel
            target=GrantTarget::Customer(id.clone())
            rows=customer.packages.clone()
            options=package_options.unwrap_or_default()
            can_manage
            reload
        />
        <CustomerBundlesPanel customer_id=id.clone() bundles=customer.bundles.clone() options=bundle_options can_manage reload />
        <MagentoKeysPanel customer_id=id.clone() keys=customer.magento_keys.clone() can_manage reload />
        {can_manage
            .then(|| {
                view! {
                    <TokenPanel customer=customer.clone() revealed />
                    <AccessPanel customer=customer.clone() reload />
                    <RemoveCustomerPanel customer=customer.clone() />
                }
            })}
    }
}

/// The customer's repository: its URL, the command that adds it to a project, and an
/// `auth.json` with a placeholder where the customer's token goes.
#[component]
fn RepositoryPanel(repository: crate::pages::tokens::TokenRepository) -> impl IntoView {
    view! {
        <section class="panel customer-repository">
            <h2>"Composer repository"</h2>
            <p class="muted">
                "Send these to the customer: their own repository serves only what is granted "
                "to them, to their token (username " <code>"token"</code> ")."
            </p>
            <Snippet
                text=repository.info.url.clone()
                caption="Repository URL"
                copy_label="Copy the repository URL"
                class="repository-url"
            />
            <Snippet
                text=repository.command()
                caption="Add it to a project"
                copy_label="Copy the repository command"
                class="repository-command"
            />
            <Snippet
                text=repository.info.auth_json.clone()
                caption="auth.json (the customer puts their token in place of the placeholder)"
                copy_label="Copy auth.json"
                class="customer-auth-json"
            />
        </section>
    }
}

/// Installs per day over the last [`CHART_DAYS`] days, as Composer reported them.
#[component]
fn DownloadsPanel(days: Vec<(String, i64)>, total: i64) -> impl IntoView {
    let caption = format!(
        "{total} install{} in the last {CHART_DAYS} days",
        if total == 1 { "" } else { "s" }
    );
    view! {
        <section class="panel customer-downloads">
            <h2>"Installs"</h2>
            <BarChart bars=days unit="installs" caption class="downloads-chart" />
        </section>
    }
}
