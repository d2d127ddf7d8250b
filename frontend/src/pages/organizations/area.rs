//! `/orgs/:url_name/…`: the frame of an organization's area — its name, the tabs, and
//! the organization as context for the tab below.

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_params_map};

use super::organization_path;
use crate::api::operations::{OrganizationHeader, OrganizationRole, organization_header};
use crate::api::{ApiError, execute};
use crate::components::{ErrorPanel, Loading, Timestamp};
use crate::session::Session;

/// What every page of the area knows about its organization.
#[derive(Clone, Debug, PartialEq)]
pub struct OrganizationInfo {
    pub name: String,
    pub url_name: String,
    pub created_at: String,
    pub viewer_role: Option<OrganizationRole>,
    /// Tokens, credentials and changes to packages are for owners (and instance
    /// administrators, whom the API treats alike).
    pub can_manage: bool,
    /// What the viewer's teams let them do (`viewerPermissions`; every flag for owners
    /// and administrators).
    pub permissions: Permissions,
    pub repository: ComposerRepositoryInfo,
}

/// The five team permission flags (`TeamPermissionFlags`), for the viewer or a team.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Permissions {
    pub can_edit_team_packages: bool,
    pub can_add_packages: bool,
    pub can_create_suborganizations: bool,
    pub can_view_vendor_customers: bool,
    pub can_manage_vendor_customers: bool,
}

/// [`Permissions`] out of any operation's `TeamPermissionFlags` selection (each
/// operation has its own generated type).
macro_rules! permissions_of {
    ($flags:expr) => {{
        let flags = $flags;
        $crate::pages::organizations::Permissions {
            can_edit_team_packages: flags.can_edit_team_packages,
            can_add_packages: flags.can_add_packages,
            can_create_suborganizations: flags.can_create_suborganizations,
            can_view_vendor_customers: flags.can_view_vendor_customers,
            can_manage_vendor_customers: flags.can_manage_vendor_customers,
        }
    }};
}
pub(crate) use permissions_of;

/// `composerRepository`: where Composer finds the packages and how it authenticates.
#[derive(Clone, Debug, PartialEq)]
pub struct ComposerRepositoryInfo {
    pub url: String,
    pub auth_host: String,
    pub auth_json: String,
}

impl OrganizationInfo {
    /// `composer config repositories.<org> composer <url>`.
    pub fn repository_command(&self) -> String {
        format!(
            "composer config repositories.{} composer {}",
            self.url_name, self.repository.url
        )
    }
}

/// The organization of the area, provided to the tab pages below the tabs.
#[derive(Clone, Copy)]
pub struct CurrentOrganization(StoredValue<OrganizationInfo>);

impl CurrentOrganization {
    pub fn expect() -> Self {
        expect_context()
    }

    pub fn get(self) -> OrganizationInfo {
        self.0.get_value()
    }

    pub fn url_name(self) -> String {
        self.0.with_value(|info| info.url_name.clone())
    }

    pub fn can_manage(self) -> bool {
        self.0.with_value(|info| info.can_manage)
    }

    pub fn permissions(self) -> Permissions {
        self.0.with_value(|info| info.permissions)
    }

    /// Adding packages and managing credentials: owners, and teams allowed to.
    pub fn can_add_packages(self) -> bool {
        self.0
            .with_value(|info| info.can_manage || info.permissions.can_add_packages)
    }

    /// Seeing vendor customers and bundles: owners, and teams allowed to view or manage them.
    pub fn can_view_customers(self) -> bool {
        self.0.with_value(|info| {
            info.can_manage
                || info.permissions.can_view_vendor_customers
                || info.permissions.can_manage_vendor_customers
        })
    }

    /// Creating and changing customers and bundles: owners, and teams allowed to.
    pub fn can_manage_customers(self) -> bool {
        self.0
            .with_value(|info| info.can_manage || info.permissions.can_manage_vendor_customers)
    }

    pub fn can_create_suborganizations(self) -> bool {
        self.0
            .with_value(|info| info.can_manage || info.permissions.can_create_suborganizations)
    }
}

async fn load_organization(
    session: Session,
    url_name: String,
) -> Result<OrganizationInfo, ApiError> {
    let data = execute::<OrganizationHeader>(organization_header::Variables { url_name })
        .await
        .inspect_err(|error| session.observe(error))?;
    let organization = data.organization;
    let is_admin = session.viewer().is_some_and(|viewer| viewer.is_admin);
    Ok(OrganizationInfo {
        can_manage: organization.viewer_role == Some(OrganizationRole::Owner) || is_admin,
        name: organization.name,
        url_name: organization.url_name,
        created_at: organization.created_at,
        viewer_role: organization.viewer_role,
        permissions: permissions_of!(organization.viewer_permissions),
        repository: ComposerRepositoryInfo {
            url: organization.composer_repository.url,
            auth_host: organization.composer_repository.auth_host,
            auth_json: organization.composer_repository.auth_json,
        },
    })
}

/// The parent route of every organization page.
#[component]
pub fn OrganizationArea() -> impl IntoView {
    let session = Session::expect();
    let params = use_params_map();
    let url_name =
        Memo::new(move |_| params.with(|params| params.get("url_name").unwrap_or_default()));
    let organization = LocalResource::new(move || load_organization(session, url_name.get()));

    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match organization.await {
                    Ok(info) => view! { <OrganizationFrame info /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Packages,
    Teams,
    Members,
    Suborganizations,
    Customers,
    VendorBundles,
    Tokens,
    Webhooks,
    Synchronizations,
    Credentials,
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Self::Packages => "Packages",
            Self::Teams => "Teams",
            Self::Members => "Members",
            Self::Suborganizations => "Suborganizations",
            Self::Customers => "Customers",
            Self::VendorBundles => "Vendor bundles",
            Self::Tokens => "Tokens",
            Self::Webhooks => "Webhooks",
            Self::Synchronizations => "Synchronization",
            Self::Credentials => "Credentials",
        }
    }

    /// The path below `/orgs/:url_name`.
    fn suffix(self) -> &'static str {
        match self {
            Self::Packages => "",
            Self::Teams => "/teams",
            Self::Members => "/members",
            Self::Suborganizations => "/suborganizations",
            Self::Customers => "/customers",
            Self::VendorBundles => "/vendor-bundles",
            Self::Tokens => "/tokens",
            Self::Webhooks => "/webhooks",
            Self::Synchronizations => "/synchronizations",
            Self::Credentials => "/credentials",
        }
    }

    /// The tab a path below the organization belongs to, by its first segment (a team's
    /// page is Teams, package pages are Packages).
    fn of(rest: &str) -> Self {
        let first = rest
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default();
        match first {
            "teams" => Self::Teams,
            "members" => Self::Members,
            "suborganizations" => Self::Suborganizations,
            "customers" => Self::Customers,
            "vendor-bundles" => Self::VendorBundles,
            "tokens" => Self::Tokens,
            "webhooks" => Self::Webhooks,
            "synchronizations" => Self::Synchronizations,
            "credentials" => Self::Credentials,
            _ => Self::Packages,
        }
    }
}

/// Header, tabs and the tab's page; the organization is context for that page.
#[component]
fn OrganizationFrame(info: OrganizationInfo) -> impl IntoView {
    let base = organization_path(&info.url_name);
    let current = CurrentOrganization(StoredValue::new(info.clone()));
    provide_context(current);
    let pathname = use_location().pathname;
    let active = {
        let base = base.clone();
        Memo::new(move |_| {
            pathname.with(|path| Tab::of(path.strip_prefix(base.as_str()).unwrap_or_default()))
        })
    };
    // Tokens, webhooks and synchronizations are for owners, credentials for those who may add packages, customers and
    // bundles for those who may view them; the API answers FORBIDDEN to everyone else, so
    // their tabs are not shown to them.
    let mut tabs = vec![
        Tab::Packages,
        Tab::Teams,
        Tab::Members,
        Tab::Suborganizations,
    ];
    if current.can_view_customers() {
        tabs.extend([Tab::Customers, Tab::VendorBundles]);
    }
    if info.can_manage {
        tabs.extend([Tab::Tokens, Tab::Webhooks, Tab::Synchronizations]);
    }
    if info.can_manage || info.permissions.can_add_packages {
        tabs.push(Tab::Credentials);
    }

    view! {
        <div class="org-header">
            <span class="org-avatar org-avatar-large" aria-hidden="true">
                {initial(&info.name)}
            </span>
            <div class="org-title">
                <p class="eyebrow">"Organization"</p>
                <h1>
                    {info.name.clone()}
                    {info
                        .viewer_role
                        .map(|role| {
                            view! {
                                <span class="badge badge-role" title="Your role here">
                                    {role.label()}
                                </span>
                            }
                        })}
                </h1>
                <p class="org-meta muted">
                    <code>{base.clone()}</code>
                    " · created "
                    <Timestamp value=info.created_at.clone() />
                </p>
            </div>
        </div>
        <nav class="tabs" aria-label="Organization sections">
            {tabs
                .into_iter()
                .map(|tab| {
                    let href = format!("{base}{}", tab.suffix());
                    view! {
                        <a
                            href=href
                            class="tab"
                            class:tab-active=move || active.get() == tab
                            aria-current=move || (active.get() == tab).then_some("page")
                        >
                            {tab.label()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
        <Outlet />
    }
}

/// The letter on an organization's avatar tile.
pub fn initial(name: &str) -> String {
    name.chars()
        .next()
        .map(|first| first.to_uppercase().collect())
        .unwrap_or_default()
}
