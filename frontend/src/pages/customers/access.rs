//! What decides whether a customer gets in: its token (regenerated after typing the
//! confirmation), enabling and disabling it (after a confirming click), and removing it
//! (after typing its URL name).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::customers_path;
use super::show::CustomerDetails;
use crate::api::execute;
use crate::api::operations::{
    DisableCustomer, EnableCustomer, RegenerateCustomerToken, RemoveCustomer, disable_customer,
    enable_customer, regenerate_customer_token, remove_customer,
};
use crate::components::{ConfirmRow, TypedConfirmation};
use crate::pages::organizations::CurrentOrganization;
use crate::pages::tokens::Revealed;
use crate::session::Session;

/// The word that confirms a regeneration as well as the customer's URL name.
const REGENERATE_WORD: &str = "regenerate";

/// The error line under an action, if it failed.
fn error_line(error: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|message| view! { <p class="form-error" role="alert">{message}</p> })
    }
}

/// Its token's prefix and "Regenerate token…": the new token goes to `revealed`.
#[component]
pub(super) fn TokenPanel(
    customer: CustomerDetails,
    revealed: RwSignal<Option<Revealed>>,
) -> impl IntoView {
    let session = Session::expect();
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let regenerate = Action::new_local({
        let id = customer.id.clone();
        move |confirmed: &bool| {
            let variables = regenerate_customer_token::Variables {
                id: id.clone(),
                confirmed: *confirmed,
            };
            async move {
                match execute::<RegenerateCustomerToken>(variables).await {
                    Ok(data) => {
                        let created = data.regenerate_customer_token;
                        open.set(false);
                        revealed.set(Some(Revealed {
                            description: created.customer.name,
                            secret: created.token,
                            regenerated: true,
                        }));
                    }
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure.message));
                    }
                }
            }
        }
    });
    let pending = regenerate.pending();
    let phrase = customer.settings.url_name.clone();
    view! {
        <section class="panel customer-token">
            <h2>"Token"</h2>
            <p class="muted">
                "Its token starts with " <code>{format!("{}…", customer.token_prefix)}</code>
                ". Packyard keeps only a hash of it: if the customer lost it, regenerate it."
            </p>
            {error_line(error)}
            {move || {
                if open.get() {
                    view! {
                        <p>
                            "The current token " <strong>"stops working immediately"</strong>
                            ": the customer's installs fail until they use the new one."
                        </p>
                        <TypedConfirmation
                            phrase=phrase.clone()
                            alternative=REGENERATE_WORD
                            name="regenerate-confirmation"
                            action_label="Regenerate token"
                            pending_label="Regenerating…"
                            pending
                            on_confirm=move |confirmed| {
                                error.set(None);
                                regenerate.dispatch(confirmed);
                            }
                            on_cancel=Callback::new(move |()| open.set(false))
                        />
                    }
                        .into_any()
                } else {
                    view! {
                        <button type="button" class="button regenerate-customer-token" on:click=move |_| open.set(true)>
                            "Regenerate token…"
                        </button>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// Enabled or disabled, and switching it after a confirming click.
#[component]
pub(super) fn AccessPanel(customer: CustomerDetails, reload: Callback<()>) -> impl IntoView {
    let session = Session::expect();
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let enabled = customer.enabled;
    let switch = Action::new_local({
        let id = customer.id.clone();
        move |(): &()| {
            let id = id.clone();
            async move {
                let result = if enabled {
                    execute::<DisableCustomer>(disable_customer::Variables { id })
                        .await
                        .map(drop)
                } else {
                    execute::<EnableCustomer>(enable_customer::Variables { id })
                        .await
                        .map(drop)
                };
                match result {
                    Ok(()) => reload.run(()),
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure.message));
                    }
                }
            }
        }
    });
    let (verb, button, action_label, consequence, text) = if enabled {
        (
            "Disable",
            "Disable customer…",
            "Disable customer",
            "Its token and Magento keys are refused at once; its packages and settings stay.",
            "Enabled: its token and Magento keys work.",
        )
    } else {
        (
            "Enable",
            "Enable customer…",
            "Enable customer",
            "Its token and Magento keys work again at once.",
            "Disabled: its token and Magento keys are refused. Its packages and settings are kept.",
        )
    };
    let name = customer.settings.name.clone();
    view! {
        <section class="panel customer-access" data-enabled=enabled.to_string()>
            <h2>"Access"</h2>
            <p class="muted">{text}</p>
            <Show
                when=move || open.get()
                fallback=move || {
                    view! {
                        <button
                            type="button"
                            class="button toggle-customer"
                            class:button-danger-outline=enabled
                            on:click=move |_| {
                                error.set(None);
                                open.set(true);
                            }
                        >
                            {button}
                        </button>
                    }
                }
            >
                <ConfirmRow
                    verb
                    subject=name.clone()
                    consequence
                    action_label
                    pending_label="Saving…"
                    pending=switch.pending()
                    error
                    on_confirm=Callback::new(move |()| {
                        error.set(None);
                        switch.dispatch(());
                    })
                    on_cancel=Callback::new(move |()| open.set(false))
                />
            </Show>
        </section>
    }
}

/// `removeCustomer` after typing its URL name; back to the list.
#[component]
pub(super) fn RemoveCustomerPanel(customer: CustomerDetails) -> impl IntoView {
    let session = Session::expect();
    let url_name = CurrentOrganization::expect().url_name();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let remove = Action::new_local({
        let id = customer.id.clone();
        move |(): &()| {
            let variables = remove_customer::Variables { id: id.clone() };
            let (navigate, url_name) = (navigate.clone(), url_name.clone());
            async move {
                match execute::<RemoveCustomer>(variables).await {
                    Ok(_) => navigate(&customers_path(&url_name), Default::default()),
                    Err(failure) => {
                        session.observe(&failure);
                        error.set(Some(failure.message));
                    }
                }
            }
        }
    });
    let pending = remove.pending();
    let phrase = customer.settings.url_name.clone();
    view! {
        <section class="panel danger-zone">
            <h2>"Remove customer"</h2>
            <p class="muted">
                "Its repository, token and Magento keys go with it; the packages stay in the organization."
            </p>
            {error_line(error)}
            {move || {
                if open.get() {
                    view! {
                        <TypedConfirmation
                            phrase=phrase.clone()
                            name="remove-customer-confirmation"
                            action_label="Remove customer"
                            pending_label="Removing…"
                            pending
                            on_confirm=move |_| {
                                error.set(None);
                                remove.dispatch(());
                            }
                            on_cancel=Callback::new(move |()| open.set(false))
                        />
                    }
                        .into_any()
                } else {
                    view! {
                        <button type="button" class="button button-danger-outline remove-customer" on:click=move |_| open.set(true)>
                            "Remove…"
                        </button>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
