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
    pub repository: ComposerRepositoryInfo,
}

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
    Tokens,
    Credentials,
    Members,
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Self::Packages => "Packages",
            Self::Tokens => "Tokens",
            Self::Credentials => "Credentials",
            Self::Members => "Members",
        }
    }

    /// The path below `/orgs/:url_name`.
    fn suffix(self) -> &'static str {
        match self {
            Self::Packages => "",
            Self::Tokens => "/tokens",
            Self::Credentials => "/credentials",
            Self::Members => "/members",
        }
    }

    /// The tab a path below the organization belongs to (package pages are Packages).
    fn of(rest: &str) -> Self {
        match rest.trim_end_matches('/') {
            "/tokens" => Self::Tokens,
            "/credentials" => Self::Credentials,
            "/members" => Self::Members,
            _ => Self::Packages,
        }
    }
}

/// Header, tabs and the tab's page; the organization is context for that page.
#[component]
fn OrganizationFrame(info: OrganizationInfo) -> impl IntoView {
    let base = organization_path(&info.url_name);
    provide_context(CurrentOrganization(StoredValue::new(info.clone())));
    let pathname = use_location().pathname;
    let active = {
        let base = base.clone();
        Memo::new(move |_| {
            pathname.with(|path| Tab::of(path.strip_prefix(base.as_str()).unwrap_or_default()))
        })
    };
    // Tokens and credentials answer FORBIDDEN to members: their tabs are not shown.
    let tabs: Vec<Tab> = if info.can_manage {
        vec![Tab::Packages, Tab::Tokens, Tab::Credentials, Tab::Members]
    } else {
        vec![Tab::Packages, Tab::Members]
    };

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
