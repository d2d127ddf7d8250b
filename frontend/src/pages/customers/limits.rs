//! Packages with limits: the ones granted to a customer (constraint, expiry, stability)
//! and the ones listed in a vendor bundle (constraint, stability). One table and one
//! add-or-edit form serve both; [`GrantTarget`] says whose packages they are.

use leptos::prelude::*;

use crate::api::operations::{
    AddOrEditCustomerPackages, AddOrEditVendorBundlePackages, RemoveCustomerPackage,
    RemoveVendorBundlePackage, add_or_edit_customer_packages, add_or_edit_vendor_bundle_packages,
    remove_customer_package, remove_vendor_bundle_package,
};
use crate::api::{ApiError, execute};
use crate::components::{
    FormError, RemovableRow, SelectField, SubmitButton, TablePanel, TextField, Timestamp,
    field_error, form_action, form_error, submit_with,
};
use crate::pages::packages::display_name;

/// The inputs of the form, named as `CustomerPackageInput`'s fields (`packages` is the
/// argument the server blames for an unknown package).
const FIELDS: &[&str] = &[
    "packages",
    "versionConstraint",
    "expirationDate",
    "minimumAccessibleStability",
];

/// Composer's stabilities, most stable first, as `(value, label)` for a `<select>`; the
/// first option, valued "", is "no limit" and says so with `none_label`.
pub(crate) fn stability_options(none_label: &str) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), none_label.to_owned())];
    options.extend(
        [
            ("stable", "stable"),
            ("rc", "RC"),
            ("beta", "beta"),
            ("alpha", "alpha"),
            ("dev", "dev"),
        ]
        .map(|(value, label)| (value.to_owned(), label.to_owned())),
    );
    options
}

/// A text input's value for an optional argument: trimmed, `None` when empty.
pub(crate) fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// A date input's `YYYY-MM-DD` as the end of that day, UTC; `None` when empty.
pub(crate) fn end_of_day(date: &str) -> Option<String> {
    optional(date).map(|date| format!("{date}T23:59:59Z"))
}

/// The `YYYY-MM-DD` a date input shows for an RFC 3339 time.
pub(crate) fn date_of(rfc3339: Option<&str>) -> String {
    rfc3339
        .and_then(|at| at.get(..10))
        .unwrap_or_default()
        .to_owned()
}

/// Whose packages these are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum GrantTarget {
    /// A customer, by id: limits include an expiration date.
    Customer(String),
    /// A vendor bundle, by id: limits left out take the bundle's.
    VendorBundle(String),
}

impl GrantTarget {
    fn has_expiry(&self) -> bool {
        matches!(self, Self::Customer(_))
    }
}

/// One package and its limits.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PackageLimits {
    /// What the API takes: `vendor/name`, or the id before the package was first read.
    pub key: String,
    pub label: String,
    pub version_constraint: Option<String>,
    /// RFC 3339; customers only.
    pub expiration_date: Option<String>,
    pub minimum_accessible_stability: Option<String>,
}

impl PackageLimits {
    /// A package without limits, from what the queries select of it.
    pub fn package(name: Option<String>, id: String, repository_url: Option<&str>) -> Self {
        let label = display_name(name.as_deref(), repository_url, &id);
        Self {
            key: name.unwrap_or(id),
            label,
            version_constraint: None,
            expiration_date: None,
            minimum_accessible_stability: None,
        }
    }
}

/// Grants the package with its limits, or replaces them.
async fn save(target: GrantTarget, limits: PackageLimits) -> Result<(), ApiError> {
    match target {
        GrantTarget::Customer(customer_id) => {
            let package = add_or_edit_customer_packages::CustomerPackageInput {
                name: limits.key,
                version_constraint: limits.version_constraint,
                expiration_date: limits.expiration_date,
                minimum_accessible_stability: limits.minimum_accessible_stability,
            };
            let variables = add_or_edit_customer_packages::Variables {
                customer_id,
                packages: vec![package],
            };
            execute::<AddOrEditCustomerPackages>(variables)
                .await
                .map(drop)
        }
        GrantTarget::VendorBundle(vendor_bundle_id) => {
            let package = add_or_edit_vendor_bundle_packages::VendorBundlePackageInput {
                name: limits.key,
                version_constraint: limits.version_constraint,
                minimum_accessible_stability: limits.minimum_accessible_stability,
            };
            let variables = add_or_edit_vendor_bundle_packages::Variables {
                vendor_bundle_id,
                packages: vec![package],
            };
            execute::<AddOrEditVendorBundlePackages>(variables)
                .await
                .map(drop)
        }
    }
}

async fn remove(target: GrantTarget, package_name: String) -> Result<(), ApiError> {
    match target {
        GrantTarget::Customer(customer_id) => {
            let variables = remove_customer_package::Variables {
                customer_id,
                package_name,
            };
            execute::<RemoveCustomerPackage>(variables).await.map(drop)
        }
        GrantTarget::VendorBundle(vendor_bundle_id) => {
            let variables = remove_vendor_bundle_package::Variables {
                vendor_bundle_id,
                package_name,
            };
            execute::<RemoveVendorBundlePackage>(variables)
                .await
                .map(drop)
        }
    }
}

/// What the form holds; "Edit" on a row fills it with that row.
#[derive(Clone, Copy)]
struct Draft {
    package: RwSignal<String>,
    constraint: RwSignal<String>,
    expires_on: RwSignal<String>,
    stability: RwSignal<String>,
}

impl Draft {
    fn fill(self, row: &PackageLimits) {
        self.package.set(row.key.clone());
        self.constraint
            .set(row.version_constraint.clone().unwrap_or_default());
        self.expires_on.set(date_of(row.expiration_date.as_deref()));
        self.stability
            .set(row.minimum_accessible_stability.clone().unwrap_or_default());
    }
}

/// The packages of `target` with their limits, "Edit" and "Remove" per row, and the
/// add-or-edit form (`form.package-limits-form`) for those who may change them.
#[component]
pub(crate) fn PackageLimitsPanel(
    target: GrantTarget,
    rows: Vec<PackageLimits>,
    /// `(key, label)` of the organization's packages, for the form's select.
    options: Vec<(String, String)>,
    can_manage: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let open = RwSignal::new(None::<String>);
    let draft = Draft {
        package: RwSignal::new(String::new()),
        constraint: RwSignal::new(String::new()),
        expires_on: RwSignal::new(String::new()),
        stability: RwSignal::new(String::new()),
    };
    let has_expiry = target.has_expiry();
    let (intro, empty, class, columns, no_limit): (_, _, _, &'static [&'static str], _) =
        if has_expiry {
            (
                "Packages granted to the customer one by one. Each may be limited to the \
                 versions matching a constraint, released before a date, or of a minimum \
                 stability.",
                "No package is granted to this customer directly.",
                "customer-packages",
                &["Package", "Versions", "Released until", "Minimum stability"],
                "Any",
            )
        } else {
            (
                "The packages of the bundle. A limit left empty takes the bundle's.",
                "No package is in this bundle yet.",
                "bundle-packages",
                &["Package", "Versions", "Minimum stability"],
                "The bundle's",
            )
        };
    let footer = can_manage.then(|| {
        let target = target.clone();
        Box::new(move || view! { <LimitsForm target options draft reload /> }.into_any())
            as Children
    });
    view! {
        <TablePanel
            title="Packages"
            count=rows.len()
            intro
            empty
            class
            columns
            footer=footer.unwrap_or_else(|| Box::new(|| ().into_any()))
        >
            {rows
                .into_iter()
                .map(move |row| {
                    let target = target.clone();
                    let key = row.key.clone();
                    let edited = row.clone();
                    let limit = move |value: Option<String>| {
                        value.map_or_else(
                            || view! { <span class="muted">{no_limit}</span> }.into_any(),
                            |value| view! { <code>{value}</code> }.into_any(),
                        )
                    };
                    let constraint = limit(row.version_constraint);
                    let stability = limit(row.minimum_accessible_stability);
                    let expiry = has_expiry.then(|| {
                        row.expiration_date.map_or_else(
                            || view! { <span class="muted">"Any time"</span> }.into_any(),
                            |at| view! { <Timestamp value=at /> }.into_any(),
                        )
                    });
                    let edit = can_manage.then(|| {
                        Box::new(move || {
                            view! {
                                <button
                                    type="button"
                                    class="button button-small edit-limits"
                                    on:click=move |_| draft.fill(&edited)
                                >
                                    "Edit"
                                </button>
                            }
                                .into_any()
                        }) as Children
                    });
                    view! {
                        <RemovableRow
                            key=key.clone()
                            open
                            cells=columns.len()
                            name=row.label.clone()
                            subject=row.label.clone()
                            consequence="Its versions are no longer offered through this grant."
                            action_label="Remove package"
                            can_remove=can_manage
                            remove=move || remove(target.clone(), key.clone())
                            on_removed=reload
                            actions=edit.unwrap_or_else(|| Box::new(|| ().into_any()))
                        >
                            <td class="package-name">{row.label.clone()}</td>
                            <td class="version-constraint">{constraint}</td>
                            {expiry.map(|expiry| view! { <td class="expiration-date">{expiry}</td> })}
                            <td class="stability">{stability}</td>
                        </RemovableRow>
                    }
                })
                .collect_view()}
        </TablePanel>
    }
}

/// Grants a package or changes its limits: one `addOrEdit…Packages` call.
#[component]
fn LimitsForm(
    target: GrantTarget,
    options: Vec<(String, String)>,
    draft: Draft,
    reload: Callback<()>,
) -> impl IntoView {
    let error = RwSignal::new(None::<ApiError>);
    let has_expiry = target.has_expiry();
    let mut choices = vec![(String::new(), "Choose a package…".to_owned())];
    choices.extend(options);
    let stabilities = stability_options(if has_expiry {
        "No limit"
    } else {
        "The bundle's"
    });
    let save_action = form_action(
        error,
        move |limits: &PackageLimits| save(target.clone(), limits.clone()),
        move |()| {
            draft.package.set(String::new());
            draft.constraint.set(String::new());
            draft.expires_on.set(String::new());
            draft.stability.set(String::new());
            reload.run(());
        },
    );
    let read = move || {
        let key = draft.package.get_untracked();
        if key.is_empty() {
            return Err(ApiError::invalid("packages", "Choose a package."));
        }
        Ok(PackageLimits {
            label: key.clone(),
            key,
            version_constraint: optional(&draft.constraint.get_untracked()),
            expiration_date: end_of_day(&draft.expires_on.get_untracked()),
            minimum_accessible_stability: optional(&draft.stability.get_untracked()),
        })
    };
    view! {
        <form
            class="add-row-form package-limits-form"
            on:submit=submit_with(error, save_action, read)
            novalidate
        >
            <h3>"Add a package or change its limits"</h3>
            <FormError message=form_error(error, FIELDS) />
            <SelectField
                label="Package"
                name="package"
                value=draft.package
                options=choices
                error=field_error(error, "packages")
            />
            <TextField
                label="Versions (optional)"
                name="versionConstraint"
                id="limits-versionConstraint"
                value=draft.constraint
                error=field_error(error, "versionConstraint")
                placeholder="^1.0 || ^2.0"
                hint="A Composer constraint. Empty: every version."
            />
            {has_expiry
                .then(|| {
                    view! {
                        <TextField
                            label="Released until (optional)"
                            name="expirationDate"
                            id="limits-expirationDate"
                            input_type="date"
                            value=draft.expires_on
                            error=field_error(error, "expirationDate")
                            hint="Versions released after this day (UTC) are not offered, e.g. when a support contract ends."
                        />
                    }
                })}
            <SelectField
                label="Minimum stability"
                name="minimumAccessibleStability"
                id="limits-minimumAccessibleStability"
                value=draft.stability
                options=stabilities
                error=field_error(error, "minimumAccessibleStability")
            />
            <SubmitButton
                label="Save package"
                pending_label="Saving…"
                pending=save_action.pending()
                class="save-package-limits"
            />
        </form>
    }
}
