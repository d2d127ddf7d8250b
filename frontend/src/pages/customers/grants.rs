//! More of what a customer has: vendor bundles (with an expiry) and Magento legacy keys.

use leptos::prelude::*;
use leptos_router::components::A;

use super::limits::end_of_day;
use crate::api::operations::{
    AddOrEditCustomerVendorBundle, CreateMagentoLegacyKey, RemoveCustomerVendorBundle,
    RemoveMagentoLegacyKey, add_or_edit_customer_vendor_bundle, create_magento_legacy_key,
    remove_customer_vendor_bundle, remove_magento_legacy_key,
};
use crate::api::{ApiError, execute};
use crate::components::{
    FormError, RemovableRow, SelectField, SubmitButton, TablePanel, TextField, Timestamp,
    field_error, form_action, form_error, submit_with,
};
use crate::pages::organizations::CurrentOrganization;
use crate::pages::vendor_bundles::vendor_bundle_path;

/// The add form of a panel, for those who may change the list (an empty footer otherwise).
fn footer_if(can_manage: bool, form: impl FnOnce() -> AnyView + Send + 'static) -> Children {
    if can_manage {
        Box::new(form)
    } else {
        Box::new(|| ().into_any())
    }
}

/// The customer's vendor bundles with their expiry; adding one (or choosing one it has,
/// to change the expiry) and removing.
#[component]
pub(super) fn CustomerBundlesPanel(
    customer_id: String,
    /// `(id, name, expiration date)`.
    bundles: Vec<(String, String, Option<String>)>,
    /// `(id, name)` of the organization's bundles.
    options: Vec<(String, String)>,
    can_manage: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let url_name = CurrentOrganization::expect().url_name();
    let open = RwSignal::new(None::<String>);
    let footer = {
        let customer_id = customer_id.clone();
        footer_if(can_manage, move || {
            view! { <AddBundleForm customer_id options reload /> }.into_any()
        })
    };
    view! {
        <TablePanel
            title="Vendor bundles"
            count=bundles.len()
            intro="The customer gets every package of these bundles, with the bundle's limits, \
                   released up to the bundle's expiry."
            empty="The customer has no vendor bundle."
            class="customer-bundles"
            columns=&["Bundle", "Released until"]
            footer
        >
            {bundles
                .into_iter()
                .map(|(bundle_id, name, expires)| {
                    let customer_id = customer_id.clone();
                    let href = vendor_bundle_path(&url_name, &bundle_id);
                    view! {
                        <RemovableRow
                            key=bundle_id.clone()
                            open
                            cells=2
                            name=name.clone()
                            subject=name.clone()
                            consequence="The customer keeps only what other grants give them."
                            action_label="Remove bundle"
                            can_remove=can_manage
                            remove=move || {
                                let variables = remove_customer_vendor_bundle::Variables {
                                    customer_id: customer_id.clone(),
                                    vendor_bundle_id: bundle_id.clone(),
                                };
                                async move { execute::<RemoveCustomerVendorBundle>(variables).await.map(drop) }
                            }
                            on_removed=reload
                        >
                            <td class="bundle-name">
                                <A href=href>{name.clone()}</A>
                            </td>
                            <td>
                                {expires
                                    .map_or_else(
                                        || view! { <span class="muted">"Any time"</span> }.into_any(),
                                        |at| view! { <Timestamp value=at /> }.into_any(),
                                    )}
                            </td>
                        </RemovableRow>
                    }
                })
                .collect_view()}
        </TablePanel>
    }
}

#[component]
fn AddBundleForm(
    customer_id: String,
    options: Vec<(String, String)>,
    reload: Callback<()>,
) -> impl IntoView {
    const FIELDS: &[&str] = &["vendorBundleId", "expirationDate"];
    let bundle = RwSignal::new(String::new());
    let expires_on = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    if options.is_empty() {
        return view! {
            <p class="field-hint add-row-note">
                "The organization has no vendor bundle yet: create one in the Vendor bundles tab."
            </p>
        }
        .into_any();
    }
    let mut choices = vec![(String::new(), "Choose a bundle…".to_owned())];
    choices.extend(options);
    let add = form_action(
        error,
        move |(vendor_bundle_id, expiration_date): &(String, Option<String>)| {
            let variables = add_or_edit_customer_vendor_bundle::Variables {
                customer_id: customer_id.clone(),
                vendor_bundle_id: vendor_bundle_id.clone(),
                expiration_date: expiration_date.clone(),
            };
            execute::<AddOrEditCustomerVendorBundle>(variables)
        },
        move |_| {
            bundle.set(String::new());
            expires_on.set(String::new());
            reload.run(());
        },
    );
    let read = move || {
        let id = bundle.get_untracked();
        if id.is_empty() {
            return Err(ApiError::invalid("vendorBundleId", "Choose a bundle."));
        }
        Ok((id, end_of_day(&expires_on.get_untracked())))
    };
    view! {
        <form
            class="add-row-form add-customer-bundle-form"
            on:submit=submit_with(error, add, read)
            novalidate
        >
            <h3>"Add a bundle or change its expiry"</h3>
            <FormError message=form_error(error, FIELDS) />
            <SelectField
                label="Bundle"
                name="vendorBundleId"
                value=bundle
                options=choices
                error=field_error(error, "vendorBundleId")
            />
            <TextField
                label="Released until (optional)"
                name="expirationDate"
                id="bundle-expirationDate"
                input_type="date"
                value=expires_on
                error=field_error(error, "expirationDate")
                hint="Versions released after this day (UTC) are not offered through the bundle."
            />
            <SubmitButton label="Save bundle" pending_label="Saving…" pending=add.pending() class="add-customer-bundle" />
        </form>
    }
    .into_any()
}

/// Magento 1 style credentials: a public key (the HTTP Basic username) and a private key
/// (the password), which is only ever sent.
#[component]
pub(super) fn MagentoKeysPanel(
    customer_id: String,
    /// `(public key, created at)`.
    keys: Vec<(String, String)>,
    can_manage: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let open = RwSignal::new(None::<String>);
    let footer = {
        let customer_id = customer_id.clone();
        footer_if(can_manage, move || {
            view! { <AddMagentoKeyForm customer_id reload /> }.into_any()
        })
    };
    view! {
        <TablePanel
            title="Magento legacy keys"
            count=keys.len()
            intro="Key pairs that open the customer's repository like its token: the public key \
                   is the username, the private key the password."
            empty="No Magento keys."
            class="magento-keys"
            columns=&["Public key", "Created"]
            footer
        >
            {keys
                .into_iter()
                .map(|(public_key, created_at)| {
                    let customer_id = customer_id.clone();
                    let key = public_key.clone();
                    view! {
                        <RemovableRow
                            key=public_key.clone()
                            open
                            cells=2
                            name=public_key.clone()
                            subject=public_key.clone()
                            consequence="Installs using it stop working at once."
                            action_label="Remove key"
                            can_remove=can_manage
                            remove=move || {
                                let variables = remove_magento_legacy_key::Variables {
                                    customer_id: customer_id.clone(),
                                    public_key: key.clone(),
                                };
                                async move { execute::<RemoveMagentoLegacyKey>(variables).await.map(drop) }
                            }
                            on_removed=reload
                        >
                            <td>
                                <code>{public_key.clone()}</code>
                            </td>
                            <td>
                                <Timestamp value=created_at />
                            </td>
                        </RemovableRow>
                    }
                })
                .collect_view()}
        </TablePanel>
    }
}

#[component]
fn AddMagentoKeyForm(customer_id: String, reload: Callback<()>) -> impl IntoView {
    const FIELDS: &[&str] = &["publicKey", "privateKey"];
    let public_key = RwSignal::new(String::new());
    let private_key = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let create = form_action(
        error,
        move |(public_key, private_key): &(String, String)| {
            let variables = create_magento_legacy_key::Variables {
                customer_id: customer_id.clone(),
                public_key: public_key.clone(),
                private_key: private_key.clone(),
            };
            execute::<CreateMagentoLegacyKey>(variables)
        },
        move |_| {
            public_key.set(String::new());
            private_key.set(String::new());
            reload.run(());
        },
    );
    let read = move || {
        Ok((
            public_key.get_untracked().trim().to_owned(),
            private_key.get_untracked(),
        ))
    };
    view! {
        <form
            class="add-row-form add-magento-key-form"
            on:submit=submit_with(error, create, read)
            novalidate
        >
            <h3>"Add a key pair"</h3>
            <FormError message=form_error(error, FIELDS) />
            <TextField
                label="Public key"
                name="publicKey"
                value=public_key
                error=field_error(error, "publicKey")
                autocomplete="off"
                required=true
            />
            <TextField
                label="Private key"
                name="privateKey"
                input_type="password"
                value=private_key
                error=field_error(error, "privateKey")
                hint="8 to 200 characters. Packyard keeps only a hash of it."
                autocomplete="new-password"
                required=true
            />
            <SubmitButton label="Add key pair" pending_label="Adding…" pending=create.pending() class="add-magento-key" />
        </form>
    }
}
