use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use super::organization_path;
use crate::api::operations::{CreateOrganization, create_organization};
use crate::api::{ApiError, ErrorCode, execute};
use crate::components::{FormError, TextField, field_error, form_error};
use crate::session::Session;

/// The inputs this form shows, named as the `createOrganization` mutation's arguments.
const FIELDS: &[&str] = &["name", "urlName"];

/// `/organizations/new`.
#[component]
pub fn NewOrganizationPage() -> impl IntoView {
    let session = Session::expect();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let url_name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);

    let create = Action::new_local(move |variables: &(String, Option<String>)| {
        let (name, url_name) = variables.clone();
        let navigate = navigate.clone();
        async move {
            match execute::<CreateOrganization>(create_organization::Variables { name, url_name })
                .await
            {
                Ok(data) => navigate(
                    &organization_path(&data.create_organization.url_name),
                    Default::default(),
                ),
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(blame_url_name_for_conflict(failure)));
                }
            }
        }
    });
    let pending = create.pending();

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let url_name = url_name.get_untracked().trim().to_owned();
        // Left empty, the server derives the URL name from the name.
        let url_name = (!url_name.is_empty()).then_some(url_name);
        create.dispatch((name.get_untracked().trim().to_owned(), url_name));
    };

    view! {
        <div class="page-header">
            <h1>"New organization"</h1>
        </div>
        <form class="panel form-panel" on:submit=on_submit novalidate>
            <FormError message=form_error(error, FIELDS) />
            <TextField
                label="Name"
                name="name"
                value=name
                error=field_error(error, "name")
                placeholder="Acme Inc."
                required=true
                autofocus=true
            />
            <TextField
                label="URL name (optional)"
                name="urlName"
                value=url_name
                error=field_error(error, "urlName")
                placeholder="acme"
                hint="Used in addresses such as /orgs/acme. Left empty, it is made from the name."
            />
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create organization" }}
                </button>
                <A href="/" attr:class="button button-quiet">
                    "Cancel"
                </A>
            </div>
        </form>
    }
}

/// An organization's only unique, user-chosen property is its URL name, so a CONFLICT
/// that names no field belongs beside that input.
fn blame_url_name_for_conflict(mut error: ApiError) -> ApiError {
    if error.code == ErrorCode::Conflict && error.field.is_none() {
        error.field = Some("urlName".to_owned());
    }
    error
}
