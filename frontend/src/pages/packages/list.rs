//! `/orgs/:url_name`: the organization's packages, searchable, their last-job badges kept
//! live by the `organizationJobs` subscription.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures::StreamExt;
use futures::future::abortable;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::{new_package_path, package_path};
use crate::api::operations::{
    JobStatus, OrganizationJobs, OrganizationPackages, PackageKind, organization_jobs,
    organization_packages,
};
use crate::api::{ApiError, ErrorCode, execute, subscribe};
use crate::components::{ErrorPanel, GrowingList, Loading, Page, ShowMore};
use crate::pages::organizations::{CurrentOrganization, OrganizationInfo};
use crate::session::Session;
use crate::timer::sleep;

const PAGE_SIZE: i64 = 50;
/// Typing pauses this long before the search is sent.
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(300);
/// First and longest wait before subscribing again after the socket dropped.
const RETRY_DELAY: Duration = Duration::from_secs(1);
const MAX_RETRY_DELAY: Duration = Duration::from_secs(30);

#[derive(Clone, Debug, PartialEq)]
pub(super) struct PackageRow {
    pub id: String,
    pub name: Option<String>,
    pub kind: PackageKind,
    pub repository_url: Option<String>,
    pub description: Option<String>,
    pub last_status: Option<JobStatus>,
}

/// The package an `organizationJobs` event is about, as a list row (`None` for a job
/// that reads no package).
fn event_row(job: organization_jobs::OrganizationJobsOrganizationJobs) -> Option<PackageRow> {
    let package = job.package?;
    Some(PackageRow {
        id: package.id,
        name: package.name,
        kind: package.kind,
        repository_url: package.repository_url,
        description: package.description,
        // The package's newest job as the event was sent, not necessarily this one: an
        // older job's late event never hides a newer job's status.
        last_status: package.last_job.map(|last| last.status),
    })
}

/// Follows `organizationJobs(urlName)` until the component that spawned it is gone:
/// `on_event` gets every package job's package row; `on_gap` runs after subscribing
/// again when the socket had dropped (events may have been missed meanwhile).
/// UNAUTHENTICATED and FORBIDDEN end it (the session sees the former).
async fn follow_package_jobs(
    session: Session,
    url_name: String,
    on_event: impl Fn(PackageRow),
    on_gap: impl Fn(),
) {
    let refused = |error: &ApiError| {
        matches!(
            error.code,
            ErrorCode::Unauthenticated | ErrorCode::Forbidden
        )
    };
    let mut delay = RETRY_DELAY;
    let mut reconnecting = false;
    loop {
        let variables = organization_jobs::Variables {
            url_name: url_name.clone(),
        };
        match subscribe::<OrganizationJobs>(variables).await {
            Ok(events) => {
                if reconnecting {
                    on_gap();
                }
                let mut events = events.boxed_local();
                while let Some(event) = events.next().await {
                    match event {
                        Ok(data) => {
                            delay = RETRY_DELAY;
                            if let Some(row) = event_row(data.organization_jobs) {
                                on_event(row);
                            }
                        }
                        Err(error) if refused(&error) => return session.observe(&error),
                        // The server ends the stream after an error: subscribe again.
                        Err(_) => break,
                    }
                }
            }
            Err(error) if refused(&error) => return session.observe(&error),
            Err(_) => {}
        }
        reconnecting = true;
        sleep(delay).await;
        delay = (delay * 2).min(MAX_RETRY_DELAY);
    }
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
            kind: package.kind,
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
    // Owners, and members whose team may add packages.
    let can_add = organization.can_add_packages();

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

    // Live badges: rows changed by a job since their page loaded, by package id. An event
    // is read when it is sent, so it is never older than a page loaded before it.
    let live = RwSignal::new(HashMap::<String, PackageRow>::new());
    // The ids of the rows on screen, and of the unseen packages the list was reloaded for
    // (once each: a package the search hides would reload it at every event otherwise).
    let shown = StoredValue::new(HashSet::<String>::new());
    let reloaded_for = StoredValue::new(HashSet::<String>::new());
    let (follow, follow_handle) = abortable(follow_package_jobs(
        session,
        url_name.clone(),
        move |row| {
            let unseen = !shown.with_value(|shown| shown.contains(&row.id));
            let first_time = unseen
                && reloaded_for
                    .try_update_value(|ids| ids.insert(row.id.clone()))
                    .unwrap_or(false);
            live.try_update(|live| live.insert(row.id.clone(), row));
            // A package added elsewhere (or on a page not loaded yet): reload the list.
            if first_time {
                first_page.refetch();
            }
        },
        move || first_page.refetch(),
    ));
    spawn_local(async move {
        let _ = follow.await;
    });
    on_cleanup(move || follow_handle.abort());

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
            <Show when=move || can_add>
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
                            view! { <PackageList url_name query=searched first_page=page live shown /> }
                                .into_any()
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
            {if info.can_manage || info.permissions.can_add_packages {
                view! {
                    <p class="muted">
                        "Add a package from its git repository (every tag and branch becomes a "
                        "version), from a JSON definition, or from uploaded zip archives."
                    </p>
                    <A href=add attr:class="button button-primary">
                        "Add package"
                    </A>
                }
                    .into_any()
            } else {
                view! { <p class="muted">"Owners of the organization, and teams allowed to, add packages."</p> }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn PackageList(
    url_name: String,
    query: String,
    first_page: Page<PackageRow>,
    /// Newer states of rows, from the subscription; they win over the loaded ones.
    live: RwSignal<HashMap<String, PackageRow>>,
    /// Kept up to date with the ids of the rows loaded here.
    shown: StoredValue<HashSet<String>>,
) -> impl IntoView {
    let session = Session::expect();
    let list = {
        let url_name = url_name.clone();
        GrowingList::new(first_page, move |cursor| {
            load_packages(session, url_name.clone(), query.clone(), Some(cursor))
        })
    };
    Effect::new(move |_| {
        let ids = list.items().into_iter().map(|row| row.id).collect();
        shown.set_value(ids);
    });
    on_cleanup(move || {
        shown.try_update_value(HashSet::clear);
    });

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
                    let id = row.id.clone();
                    let row = Signal::derive(move || {
                        live.with(|live| live.get(&id).cloned()).unwrap_or_else(|| row.clone())
                    });
                    let url_name = url_name.clone();
                    move || {
                        let row = row.get();
                        let href = package_path(&url_name, row.name.as_deref(), &row.id);
                        view! { <PackageListItem row href /> }
                    }
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
        kind,
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
                <span class="package-badges">
                    {(kind != PackageKind::Vcs)
                        .then(|| {
                            view! {
                                <span class="badge badge-neutral package-kind" title="Source">
                                    {kind.label()}
                                </span>
                            }
                        })}
                    {last_status
                        .map(|status| {
                            view! {
                                <span
                                    class=format!("{} last-job", status.badge_class())
                                    data-status=status.as_str()
                                    title="Last update"
                                >
                                    {status.label()}
                                </span>
                            }
                        })}
                </span>
            </A>
        </li>
    }
}
