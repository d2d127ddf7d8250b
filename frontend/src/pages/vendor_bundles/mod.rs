//! Vendor bundles: `/orgs/:url_name/vendor-bundles` (the list, and creating one) and
//! `/orgs/:url_name/vendor-bundles/:bundle_id` (see `show.rs`). A bundle is a set of
//! packages with default limits that customers are given together.

mod show;

pub use show::VendorBundlePage;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::operations::{
    CreateVendorBundle, OrganizationVendorBundles, create_vendor_bundle,
    organization_vendor_bundles,
};
use crate::api::{ApiError, execute};
use crate::components::{
    CheckboxField, ErrorPanel, FormError, Loading, SelectField, SubmitButton, TablePanel,
    TextField, field_error, form_action, form_error, submit_with,
};
use crate::pages::customers::limits::{optional, stability_options};
use crate::pages::organizations::{CurrentOrganization, organization_path};
use crate::session::Session;

/// The inputs, named as `createVendorBundle`'s and `editVendorBundle`'s arguments.
const FIELDS: &[&str] = &[
    "name",
    "versionConstraint",
    "minimumAccessibleStability",
    "assignAllPackages",
];

/// `/orgs/:org/vendor-bundles`.
pub fn vendor_bundles_path(url_name: &str) -> String {
    format!("{}/vendor-bundles", organization_path(url_name))
}

/// `/orgs/:org/vendor-bundles/:id`.
pub fn vendor_bundle_path(url_name: &str, id: &str) -> String {
    format!("{}/{id}", vendor_bundles_path(url_name))
}

/// A bundle's own settings: its name and the limits of packages that set none.
#[derive(Clone, Debug, Default, PartialEq)]
struct BundleSettings {
    name: String,
    version_constraint: Option<String>,
    stability: Option<String>,
    assign_all: bool,
}

#[derive(Clone, Debug, PartialEq)]
struct BundleRow {
    id: String,
    settings: BundleSettings,
    packages: usize,
}

/// What the settings inputs hold.
#[derive(Clone, Copy)]
struct BundleDraft {
    name: RwSignal<String>,
    constraint: RwSignal<String>,
    /// "" for no floor.
    stability: RwSignal<String>,
    assign_all: RwSignal<bool>,
}

impl BundleDraft {
    fn new(saved: &BundleSettings) -> Self {
        Self {
            name: RwSignal::new(saved.name.clone()),
            constraint: RwSignal::new(saved.version_constraint.clone().unwrap_or_default()),
            stability: RwSignal::new(saved.stability.clone().unwrap_or_default()),
            assign_all: RwSignal::new(saved.assign_all),
        }
    }

    /// The draft's settings, or the form's complaint about them.
    fn validated(self) -> Result<BundleSettings, ApiError> {
        let name = self.name.get_untracked().trim().to_owned();
        if name.is_empty() {
            return Err(ApiError::invalid("name", "Name the bundle."));
        }
        Ok(BundleSettings {
            name,
            version_constraint: optional(&self.constraint.get_untracked()),
            stability: optional(&self.stability.get_untracked()),
            assign_all: self.assign_all.get_untracked(),
        })
    }
}

/// Name, default limits and "all packages".
#[component]
fn BundleFields(draft: BundleDraft, error: RwSignal<Option<ApiError>>) -> impl IntoView {
    view! {
        <TextField
            label="Name"
            name="name"
            value=draft.name
            error=field_error(error, "name")
            placeholder="Support plan 2025"
            required=true
        />
        <TextField
            label="Versions (optional)"
            name="versionConstraint"
            value=draft.constraint
            error=field_error(error, "versionConstraint")
            placeholder="^2.0"
            hint="For packages of the bundle that set no constraint of their own. Empty: every version."
        />
        <SelectField
            label="Minimum stability"
            name="minimumAccessibleStability"
            value=draft.stability
            options=stability_options("No limit")
            error=field_error(error, "minimumAccessibleStability")
            hint="For packages of the bundle that set none of their own."
        />
        <CheckboxField
            label="All packages"
            name="assignAllPackages"
            checked=draft.assign_all
            hint="every current and future package of the organization, with the bundle's limits"
        />
    }
}

async fn load_bundles(session: Session, url_name: String) -> Result<Vec<BundleRow>, ApiError> {
    let data =
        execute::<OrganizationVendorBundles>(organization_vendor_bundles::Variables { url_name })
            .await
            .inspect_err(|error| session.observe(error))?;
    Ok(data
        .organization
        .vendor_bundles
        .into_iter()
        .map(|bundle| BundleRow {
            id: bundle.id,
            settings: BundleSettings {
                name: bundle.name,
                version_constraint: bundle.version_constraint,
                stability: bundle.minimum_accessible_stability,
                assign_all: bundle.assign_all_packages,
            },
            packages: bundle.packages.len(),
        })
        .collect())
}

/// `/orgs/:url_name/vendor-bundles`.
#[component]
pub fn VendorBundlesTab() -> impl IntoView {
    let session = Session::expect();
    let organization = CurrentOrganization::expect();
    let url_name = organization.url_name();
    let bundles = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_bundles(session, url_name.clone()))
    };
    let list_url_name = url_name.clone();
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {
                move || {
                    let url_name = list_url_name.clone();
                    Suspend::new(async move {
                        match bundles.await {
                            Ok(rows) => view! { <BundleTable url_name rows /> }.into_any(),
                            Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        }
                    })
                }
            }
        </Transition>
        {if organization.can_manage_customers() {
            view! { <CreateBundleForm url_name /> }.into_any()
        } else {
            view! { <p class="note">"Only those who may manage customers create bundles."</p> }.into_any()
        }}
    }
}

#[component]
fn BundleTable(url_name: String, rows: Vec<BundleRow>) -> impl IntoView {
    view! {
        <TablePanel
            title="Vendor bundles"
            count=rows.len()
            intro="Sets of packages customers are given together. A package's own limits win \
                   over the bundle's."
            empty="No vendor bundles yet."
            class="vendor-bundles"
            columns=&["Bundle", "Versions", "Minimum stability", "Packages"]
        >
            {rows
                .into_iter()
                .map(|bundle| {
                    let href = vendor_bundle_path(&url_name, &bundle.id);
                    let settings = bundle.settings;
                    let name = settings.name.clone();
                    view! {
                        <tr data-name=settings.name.clone()>
                            <td class="bundle-name">
                                <A href=href.clone()>{name}</A>
                            </td>
                            <td>{settings.version_constraint.map(|constraint| view! { <code>{constraint}</code> })}</td>
                            <td>{settings.stability}</td>
                            <td>
                                {if settings.assign_all {
                                    view! { <span class="badge badge-info">"All packages"</span> }.into_any()
                                } else {
                                    view! { <span>{bundle.packages}</span> }.into_any()
                                }}
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

/// A new bundle; its page opens, for its packages.
#[component]
fn CreateBundleForm(url_name: String) -> impl IntoView {
    let navigate = use_navigate();
    let draft = BundleDraft::new(&BundleSettings::default());
    let error = RwSignal::new(None::<ApiError>);
    let create = {
        let organization = url_name.clone();
        form_action(
            error,
            move |settings: &BundleSettings| {
                let variables = create_vendor_bundle::Variables {
                    organization: organization.clone(),
                    name: settings.name.clone(),
                    version_constraint: settings.version_constraint.clone(),
                    minimum_accessible_stability: settings.stability.clone(),
                    assign_all_packages: settings.assign_all,
                };
                execute::<CreateVendorBundle>(variables)
            },
            move |data: create_vendor_bundle::ResponseData| {
                navigate(
                    &vendor_bundle_path(&url_name, &data.create_vendor_bundle.id),
                    Default::default(),
                );
            },
        )
    };
    view! {
        <form
            class="panel form-panel create-bundle-form"
            on:submit=submit_with(error, create, move || draft.validated())
            novalidate
        >
            <h2>"Create a vendor bundle"</h2>
            <FormError message=form_error(error, FIELDS) />
            <BundleFields draft error />
            <p class="field-hint">"Its packages are added on its page, which opens next."</p>
            <div class="form-actions">
                <SubmitButton label="Create bundle" pending_label="Creating…" pending=create.pending() />
            </div>
        </form>
    }
}
