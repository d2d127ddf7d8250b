//! `/orgs/:url_name`: the organization's packages, searchable.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;

use super::{new_package_path, package_path};
use crate::api::operations::{JobStatus, OrganizationPackages, organization_packages};
use crate::api::{ApiError, execute};
use crate::components::{ErrorPanel, GrowingList, Loading, Page, ShowMore};
use crate::pages::organizations::{CurrentOrganization, OrganizationInfo};
use crate::session::Session;

const PAGE_SIZE: i64 = 50;
/// Typing pauses this long before the search is sent.
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(300);

#[derive(Clone, Debug, PartialEq)]
pub(super) struct PackageRow {
    pub id: String,
    pub name: Option<String>,
    pub repository_url: Option<String>,
    pub description: Option<String>,
    pub last_status: Option<JobStatus>,
}

/// One page of packages matching `query` (all when empty), after `after`.
pub(super) async fn load_packages(
    session: Session,
    url_name: String,
    query: String,
    after: Option<String>,
) -> Result<Page<PackageRow>, ApiError> {
    let variables = organization_packages::Variables {
        url_name,
        first: PAGE_SIZE,
        after,
        query: (!query.is_empty()).then_some(query),
    };
    let data = execute::<OrganizationPackages>(variables)
        .await
        .inspect_err(|error| session.observe(error))?;
    let packages = data.organization.packages;
    let rows = packages
        .nodes
        .into_iter()
        .map(|package| PackageRow {
            id: package.id,
            name: package.name,
            repository_url: package.repository_url,
            description: package.description,
            last_status: package.last_job.map(|job| job.status),
        })
        .collect();
    Ok(Page::new(
        rows,
        packages.total_count,
        packages.page_info.has_next_page,
        packages.page_info.end_cursor,
    ))
}

#[component]
pub fn PackagesTab() -> impl IntoView {
    let session = Session::expect();
    let organization = CurrentOrganization::expect();
    let url_name = organization.url_name();
    let can_manage = organization.can_manage();

    let search = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let on_input = move |event| {
        search.set(event_target_value(&event));
        if let Some(pending) = timer.get_value() {
            pending.clear();
        }
        let handle = set_timeout_with_handle(
            move || query.set(search.get_untracked().trim().to_owned()),
            SEARCH_DEBOUNCE,
        )
        .ok();
        timer.set_value(handle);
    };
    on_cleanup(move || {
        if let Some(pending) = timer.try_get_value().flatten() {
            pending.clear();
        }
    });

    let first_page = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_packages(session, url_name.clone(), query.get(), None))
    };

    view! {
        <div class="section-header">
            <div class="search">
                <label class="visually-hidden" for="package-search">
                    "Search packages"
                </label>
                <input
                    id="package-search"
                    name="query"
                    type="search"
                    placeholder="Search by name, description or repository URL"
                    autocomplete="off"
                    prop:value=move || search.get()
                    on:input=on_input
                />
            </div>
            <Show when=move || can_manage>
                <A href=new_package_path(&organization.url_name()) attr:class="button button-primary">
                    "Add package"
                </A>
            </Show>
        </div>
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let url_name = url_name.clone();
                Suspend::new(async move {
                    let searched = query.get_untracked();
                    match first_page.await {
                        Ok(page) if page.items.is_empty() && searched.is_empty() => {
                            view! { <NoPackages info=organization.get() /> }.into_any()
                        }
                        Ok(page) if page.items.is_empty() => {
                            view! {
                                <section class="panel empty-state">
                                    <h2>"No package matches " <q>{searched}</q></h2>
                                    <p class="muted">"Search looks at names, descriptions and repository URLs."</p>
                                </section>
                            }
                                .into_any()
                        }
                        Ok(page) => {
                            view! { <PackageList url_name query=searched first_page=page /> }.into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The organization has no package yet: where Composer will find them, and how to add one.
#[component]
fn NoPackages(info: OrganizationInfo) -> impl IntoView {
    let add = new_package_path(&info.url_name);
    view! {
        <section class="panel empty-state">
            <h2>"No packages yet"</h2>
            <p class="muted">
                "Packyard serves this organization's private packages to Composer from"
            </p>
            <p>
                <code class="repository-url">{info.repository.url.clone()}</code>
            </p>
            {if info.can_manage {
                view! {
                    <p class="muted">
                        "Add a package from its git repository; every tag and branch becomes a version."
                    </p>
                    <A href=add attr:class="button button-primary">
                        "Add package"
                    </A>
                }
                    .into_any()
            } else {
                view! { <p class="muted">"Owners of the organization can add packages."</p> }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn PackageList(url_name: String, query: String, first_page: Page<PackageRow>) -> impl IntoView {
    let session = Session::expect();
    let list = {
        let url_name = url_name.clone();
        GrowingList::new(first_page, move |cursor| {
            load_packages(session, url_name.clone(), query.clone(), Some(cursor))
        })
    };

    view! {
        <p class="list-summary muted">
            {move || match list.total() {
                1 => "1 package".to_owned(),
                total => format!("{total} packages"),
            }}
        </p>
        <ul class="package-list">
            <For
                each=move || list.items()
                key=|row| row.id.clone()
                children=move |row| {
                    let href = package_path(&url_name, row.name.as_deref(), &row.id);
                    view! { <PackageListItem row href /> }
                }
            />
        </ul>
        <ShowMore list />
    }
}

#[component]
fn PackageListItem(row: PackageRow, href: String) -> impl IntoView {
    let PackageRow {
        id,
        name,
        repository_url,
        description,
        last_status,
    } = row;
    let title = super::display_name(name.as_deref(), repository_url.as_deref(), &id);
    let unread = name.is_none();
    view! {
        <li>
            <A href=href attr:class="package-link">
                <span class="package-text">
                    <span class="package-name" class:package-unread=unread>
                        {title}
                    </span>
                    {match description {
                        Some(description) if !description.is_empty() => {
                            view! { <span class="package-description">{description}</span> }
                                .into_any()
                        }
                        _ if unread => {
                            view! {
                                <span class="package-description muted">
                                    "Not read yet: no version is published until its source was read once."
                                </span>
                            }
                                .into_any()
                        }
                        _ => ().into_any(),
                    }}
                    {(!unread)
                        .then_some(repository_url)
                        .flatten()
                        .map(|url| view! { <span class="package-url muted">{url}</span> })}
                </span>
                {last_status
                    .map(|status| {
                        view! {
                            <span class=status.badge_class() title="Last update">
                                {status.label()}
                            </span>
                        }
                    })}
            </A>
        </li>
    }
}
