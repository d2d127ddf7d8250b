//! A customer's settings: the inputs the create form and the settings panel share, and
//! the settings panel of the customer's page (`editCustomer`).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::customer_path;
use super::limits::{optional, stability_options};
use crate::api::operations::{EditCustomer, edit_customer};
use crate::api::{ApiError, execute};
use crate::components::{
    CheckboxField, FormError, SelectField, SubmitButton, TextField, field_error, form_action,
    form_error, submit_with,
};
use crate::pages::organizations::CurrentOrganization;

/// The inputs, named as `createCustomer`'s and `editCustomer`'s arguments.
pub(super) const FIELDS: &[&str] = &[
    "name",
    "urlName",
    "minimumAccessibleStability",
    "accessToVersionControlSource",
    "assignAllPackages",
];

/// What the settings inputs hold.
#[derive(Clone, Copy)]
pub(super) struct CustomerDraft {
    pub name: RwSignal<String>,
    pub url_name: RwSignal<String>,
    /// "" for no floor.
    pub stability: RwSignal<String>,
    pub vcs_source: RwSignal<bool>,
    pub assign_all: RwSignal<bool>,
}

/// The settings as saved, which a draft starts from (empty for a new customer).
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct CustomerSettings {
    pub name: String,
    pub url_name: String,
    pub stability: Option<String>,
    pub vcs_source: bool,
    pub assign_all: bool,
}

impl CustomerDraft {
    pub fn new(saved: &CustomerSettings) -> Self {
        Self {
            name: RwSignal::new(saved.name.clone()),
            url_name: RwSignal::new(saved.url_name.clone()),
            stability: RwSignal::new(saved.stability.clone().unwrap_or_default()),
            vcs_source: RwSignal::new(saved.vcs_source),
            assign_all: RwSignal::new(saved.assign_all),
        }
    }

    /// What the inputs say now.
    pub fn read(self) -> CustomerSettings {
        CustomerSettings {
            name: self.name.get_untracked().trim().to_owned(),
            url_name: self.url_name.get_untracked().trim().to_owned(),
            stability: optional(&self.stability.get_untracked()),
            vcs_source: self.vcs_source.get_untracked(),
            assign_all: self.assign_all.get_untracked(),
        }
    }

    /// The draft's settings, or the form's complaint about them.
    pub fn validated(self) -> Result<CustomerSettings, ApiError> {
        let settings = self.read();
        if settings.name.is_empty() {
            return Err(ApiError::invalid("name", "Name the customer."));
        }
        Ok(settings)
    }
}

/// Name, URL name, stability floor and the two switches.
#[component]
pub(super) fn CustomerFields(
    draft: CustomerDraft,
    error: RwSignal<Option<ApiError>>,
    url_name_hint: &'static str,
) -> impl IntoView {
    view! {
        <TextField
            label="Name"
            name="name"
            value=draft.name
            error=field_error(error, "name")
            placeholder="Globex Corporation"
            required=true
        />
        <TextField
            label="URL name (optional)"
            name="urlName"
            value=draft.url_name
            error=field_error(error, "urlName")
            placeholder="globex"
            hint=url_name_hint
        />
        <SelectField
            label="Minimum stability"
            name="minimumAccessibleStability"
            value=draft.stability
            options=stability_options("No limit")
            error=field_error(error, "minimumAccessibleStability")
            hint="The least stable versions the customer gets of any package."
        />
        <fieldset class="field choices">
            <legend>"Access"</legend>
            <CheckboxField
                label="Access to the source"
                name="accessToVersionControlSource"
                checked=draft.vcs_source
                hint="metadata names the git repository too; otherwise only dist archives install"
            />
            <CheckboxField
                label="All packages"
                name="assignAllPackages"
                checked=draft.assign_all
                hint="every current and future package of the organization"
            />
        </fieldset>
    }
}

/// The settings panel of a customer's page; a changed URL name moves the page.
#[component]
pub(super) fn SettingsPanel(
    id: String,
    saved: CustomerSettings,
    can_manage: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let url_name = CurrentOrganization::expect().url_name();
    let navigate = use_navigate();
    let draft = CustomerDraft::new(&saved);
    let error = RwSignal::new(None::<ApiError>);
    let saved_url_name = saved.url_name.clone();
    let save = form_action(
        error,
        move |settings: &CustomerSettings| {
            let changed = |now: &String, was: &String| (now != was).then(|| now.clone());
            let variables = edit_customer::Variables {
                id: id.clone(),
                name: changed(&settings.name, &saved.name),
                // Empty keeps the current one: a URL name cannot be removed.
                url_name: changed(&settings.url_name, &saved.url_name)
                    .filter(|new| !new.is_empty()),
                access_to_version_control_source: Some(settings.vcs_source),
                minimum_accessible_stability: settings.stability.clone(),
                assign_all_packages: Some(settings.assign_all),
            };
            execute::<EditCustomer>(variables)
        },
        move |data: edit_customer::ResponseData| {
            let now = data.edit_customer.url_name;
            if now == saved_url_name {
                reload.run(());
            } else {
                navigate(&customer_path(&url_name, &now), Default::default());
            }
        },
    );
    view! {
        <form
            class="panel form-panel customer-settings"
            on:submit=submit_with(error, save, move || draft.validated())
            novalidate
        >
            <h2>"Settings"</h2>
            <FormError message=form_error(error, FIELDS) />
            <fieldset class="plain-fieldset" disabled=!can_manage>
                <CustomerFields
                    draft
                    error
                    url_name_hint="The last part of its repository URL. Changing it changes the URL the customer's projects use."
                />
            </fieldset>
            {if can_manage {
                view! {
                    <div class="form-actions">
                        <SubmitButton label="Save settings" pending_label="Saving…" pending=save.pending() class="save-customer" />
                    </div>
                }
                    .into_any()
            } else {
                view! { <p class="note">"Only those who may manage customers change them."</p> }.into_any()
            }}
        </form>
    }
}
