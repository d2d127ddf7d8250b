use leptos::prelude::*;
use leptos_router::components::A;

use super::area::initial;
use super::organization_path;
use crate::api::operations::{OrganizationRole, ViewerOrganizations, viewer_organizations};
use crate::api::{ApiError, execute};
use crate::components::{ErrorPanel, GrowingList, Loading, Page, ShowMore};
use crate::session::Session;

const PAGE_SIZE: i64 = 50;

#[derive(Clone, Debug, PartialEq)]
struct OrganizationRow {
    id: String,
    name: String,
    url_name: String,
    viewer_role: Option<OrganizationRole>,
}

/// One page of the viewer's organizations, starting after `after`.
async fn load_page(
    session: Session,
    after: Option<String>,
) -> Result<Page<OrganizationRow>, ApiError> {
    let variables = viewer_organizations::Variables {
        first: PAGE_SIZE,
        after,
    };
    let result = execute::<ViewerOrganizations>(variables)
        .await
        .and_then(|data| data.viewer.ok_or_else(ApiError::signed_out));
    let viewer = result.inspect_err(|error| session.observe(error))?;
    let connection = viewer.organizations;
    let rows = connection
        .nodes
        .into_iter()
        .map(|node| OrganizationRow {
            id: node.id,
            name: node.name,
            url_name: node.url_name,
            viewer_role: node.viewer_role,
        })
        .collect();
    Ok(Page::new(
        rows,
        connection.total_count,
        connection.page_info.has_next_page,
        connection.page_info.end_cursor,
    ))
}

/// `/`: the organizations the signed-in user belongs to.
#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let session = Session::expect();
    let first_page = LocalResource::new(move || load_page(session, None));

    view! {
        <div class="page-header">
            <h1>"Organizations"</h1>
            <A href="/organizations/new" attr:class="button button-primary">
                "New organization"
            </A>
        </div>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match first_page.await {
                    Ok(page) if page.items.is_empty() => view! { <NoOrganizations /> }.into_any(),
                    Ok(page) => view! { <OrganizationList first_page=page /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NoOrganizations() -> impl IntoView {
    view! {
        <section class="panel empty-state">
            <h2>"You are not in any organization yet"</h2>
            <p class="muted">
                "An organization holds your private Composer packages, the teams that may "
                "use them and their access tokens."
            </p>
            <A href="/organizations/new" attr:class="button button-primary">
                "Create an organization"
            </A>
        </section>
    }
}

/// The list itself; further pages are appended in place.
#[component]
fn OrganizationList(first_page: Page<OrganizationRow>) -> impl IntoView {
    let session = Session::expect();
    let list = GrowingList::new(first_page, move |cursor| load_page(session, Some(cursor)));

    view! {
        <ul class="org-list">
            <For
                each=move || list.items()
                key=|row| row.id.clone()
                children=|row| {
                    view! {
                        <li>
                            <A href=organization_path(&row.url_name) attr:class="org-link">
                                <span class="org-avatar" aria-hidden="true">
                                    {initial(&row.name)}
                                </span>
                                <span class="org-text">
                                    <span class="org-name">{row.name}</span>
                                    <span class="org-url muted">{organization_path(&row.url_name)}</span>
                                </span>
                                {row
                                    .viewer_role
                                    .map(|role| view! { <span class="badge">{role.label()}</span> })}
                            </A>
                        </li>
                    }
                }
            />
        </ul>
        <ShowMore list />
    }
}
