//! `/orgs/:url_name/vendor-bundles/:bundle_id`: a bundle's settings, its packages with
//! their limits, and removing it.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::{BundleDraft, BundleFields, BundleSettings, FIELDS, vendor_bundles_path};
use crate::api::operations::{
    EditVendorBundle, RemoveVendorBundle, VendorBundlePage as VendorBundlePageQuery,
    edit_vendor_bundle, remove_vendor_bundle, vendor_bundle_page,
};
use crate::api::{ApiError, execute};
use crate::components::{
    ConfirmRow, ErrorPanel, FormError, Loading, SubmitButton, Timestamp, form_action, form_error,
    submit_with,
};
use crate::pages::customers::limits::{GrantTarget, PackageLimits, PackageLimitsPanel};
use crate::pages::organizations::CurrentOrganization;
use crate::pages::teams::load_package_options;
use crate::session::Session;

#[derive(Clone, Debug, PartialEq)]
struct BundleDetails {
    id: String,
    settings: BundleSettings,
    created_at: String,
    packages: Vec<PackageLimits>,
}

#[derive(Clone, Debug, PartialEq)]
struct BundlePageData {
    bundle: BundleDetails,
    /// `None` when the viewer may not change the bundle.
    package_options: Option<Vec<(String, String)>>,
}

async fn load_bundle(
    session: Session,
    url_name: String,
    id: String,
) -> Result<BundleDetails, ApiError> {
    let data = execute::<VendorBundlePageQuery>(vendor_bundle_page::Variables { url_name, id })
        .await
        .inspect_err(|error| session.observe(error))?;
    let bundle = data.organization.vendor_bundle;
    Ok(BundleDetails {
        id: bundle.id,
        settings: BundleSettings {
            name: bundle.name,
            version_constraint: bundle.version_constraint,
            stability: bundle.minimum_accessible_stability,
            assign_all: bundle.assign_all_packages,
        },
        created_at: bundle.created_at,
        packages: bundle
            .packages
            .into_iter()
            .map(|item| PackageLimits {
                version_constraint: item.version_constraint,
                minimum_accessible_stability: item.minimum_accessible_stability,
                ..PackageLimits::package(
                    item.name,
                    item.package.id,
                    item.package.repository_url.as_deref(),
                )
            })
            .collect(),
    })
}

async fn load_page(
    session: Session,
    url_name: String,
    id: String,
    can_manage: bool,
) -> Result<BundlePageData, ApiError> {
    let packages = async {
        if can_manage {
            load_package_options(session, url_name.clone())
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    };
    let (bundle, packages) = futures::join!(load_bundle(session, url_name.clone(), id), packages);
    Ok(BundlePageData {
        bundle: bundle?,
        package_options: packages?,
    })
}

#[component]
pub fn VendorBundlePage() -> impl IntoView {
    let session = Session::expect();
    let organization = CurrentOrganization::expect();
    let url_name = organization.url_name();
    let can_manage = organization.can_manage_customers();
    let params = use_params_map();
    let bundle_id =
        Memo::new(move |_| params.with(|params| params.get("bundle_id").unwrap_or_default()));
    let page = {
        let url_name = url_name.clone();
        LocalResource::new(move || {
            load_page(session, url_name.clone(), bundle_id.get(), can_manage)
        })
    };
    let reload = Callback::new(move |()| page.refetch());
    view! {
        <div class="breadcrumbs">
            <A href=vendor_bundles_path(&url_name)>"← All vendor bundles"</A>
        </div>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <BundleView data can_manage reload /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn BundleView(data: BundlePageData, can_manage: bool, reload: Callback<()>) -> impl IntoView {
    let BundlePageData {
        bundle,
        package_options,
    } = data;
    view! {
        <div class="page-title">
            <p class="eyebrow">"Vendor bundle"</p>
            <h2 class="bundle-title">{bundle.settings.name.clone()}</h2>
            <p class="muted">"Created " <Timestamp value=bundle.created_at.clone() /></p>
        </div>
        <BundleSettingsPanel
            id=bundle.id.clone()
            saved=bundle.settings.clone()
            can_manage
            reload
        />
        <PackageLimitsPanel
            target=GrantTarget::VendorBundle(bundle.id.clone())
            rows=bundle.packages.clone()
            options=package_options.unwrap_or_default()
            can_manage
            reload
        />
        {can_manage.then(|| view! { <RemoveBundlePanel id=bundle.id.clone() name=bundle.settings.name.clone() /> })}
    }
}

/// `editVendorBundle`: the name if changed, the limits and "all packages" always (an
/// empty limit removes it).
#[component]
fn BundleSettingsPanel(
    id: String,
    saved: BundleSettings,
    can_manage: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let draft = BundleDraft::new(&saved);
    let error = RwSignal::new(None::<ApiError>);
    let save = form_action(
        error,
        move |settings: &BundleSettings| {
            let variables = edit_vendor_bundle::Variables {
                id: id.clone(),
                name: (settings.name != saved.name).then(|| settings.name.clone()),
                version_constraint: settings.version_constraint.clone(),
                minimum_accessible_stability: settings.stability.clone(),
                assign_all_packages: Some(settings.assign_all),
            };
            execute::<EditVendorBundle>(variables)
        },
        move |_| reload.run(()),
    );
    view! {
        <form
            class="panel form-panel bundle-settings"
            on:submit=submit_with(error, save, move || draft.validated())
            novalidate
        >
            <h2>"Settings"</h2>
            <FormError message=form_error(error, FIELDS) />
            <fieldset class="plain-fieldset" disabled=!can_manage>
                <BundleFields draft error />
            </fieldset>
            {can_manage
                .then(|| {
                    view! {
                        <div class="form-actions">
                            <SubmitButton label="Save settings" pending_label="Saving…" pending=save.pending() class="save-bundle" />
                        </div>
                    }
                })}
        </form>
    }
}

/// `removeVendorBundle` after a confirming click; back to the list.
#[component]
fn RemoveBundlePanel(id: String, name: String) -> impl IntoView {
    let session = Session::expect();
    let url_name = CurrentOrganization::expect().url_name();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let remove = Action::new_local(move |(): &()| {
        let variables = remove_vendor_bundle::Variables { id: id.clone() };
        let (navigate, url_name) = (navigate.clone(), url_name.clone());
        async move {
            match execute::<RemoveVendorBundle>(variables).await {
                Ok(_) => navigate(&vendor_bundles_path(&url_name), Default::default()),
                Err(failure) => {
                    session.observe(&failure);
                    error.set(Some(failure.message));
                }
            }
        }
    });
    view! {
        <section class="panel danger-zone">
            <h2>"Remove bundle"</h2>
            <p class="muted">"Its customers lose what only this bundle gave them."</p>
            <Show
                when=move || open.get()
                fallback=move || {
                    view! {
                        <button type="button" class="button button-danger-outline remove-bundle" on:click=move |_| open.set(true)>
                            "Remove bundle…"
                        </button>
                    }
                }
            >
                <ConfirmRow
                    subject=name.clone()
                    consequence="Customers keep only what other grants give them."
                    action_label="Remove bundle"
                    pending_label="Removing…"
                    pending=remove.pending()
                    error
                    on_confirm=Callback::new(move |()| {
                        error.set(None);
                        remove.dispatch(());
                    })
                    on_cancel=Callback::new(move |()| open.set(false))
                />
            </Show>
        </section>
    }
}
