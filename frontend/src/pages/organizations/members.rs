//! `/orgs/:url_name/members`: who belongs to the organization.

use leptos::prelude::*;

use super::CurrentOrganization;
use crate::api::operations::{OrganizationMembers, OrganizationRole, organization_members};
use crate::api::{ApiError, execute};
use crate::components::{ErrorPanel, GrowingList, Loading, Page, ShowMore, Timestamp};
use crate::session::Session;

const PAGE_SIZE: i64 = 50;

#[derive(Clone, Debug, PartialEq)]
struct MemberRow {
    user_id: String,
    username: String,
    role: OrganizationRole,
    joined_at: String,
}

async fn load_members(
    session: Session,
    url_name: String,
    after: Option<String>,
) -> Result<Page<MemberRow>, ApiError> {
    let variables = organization_members::Variables {
        url_name,
        first: PAGE_SIZE,
        after,
    };
    let data = execute::<OrganizationMembers>(variables)
        .await
        .inspect_err(|error| session.observe(error))?;
    let members = data.organization.members;
    let rows = members
        .nodes
        .into_iter()
        .map(|member| MemberRow {
            user_id: member.user.id,
            username: member.user.username,
            role: member.role,
            joined_at: member.joined_at,
        })
        .collect();
    Ok(Page::new(
        rows,
        members.total_count,
        members.page_info.has_next_page,
        members.page_info.end_cursor,
    ))
}

#[component]
pub fn MembersTab() -> impl IntoView {
    let session = Session::expect();
    let url_name = CurrentOrganization::expect().url_name();
    let first_page = {
        let url_name = url_name.clone();
        LocalResource::new(move || load_members(session, url_name.clone(), None))
    };
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let url_name = url_name.clone();
                Suspend::new(async move {
                    match first_page.await {
                        Ok(page) => view! { <MembersSection url_name first_page=page /> }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn MembersSection(url_name: String, first_page: Page<MemberRow>) -> impl IntoView {
    let session = Session::expect();
    let list = GrowingList::new(first_page, move |cursor| {
        load_members(session, url_name.clone(), Some(cursor))
    });

    view! {
        <section class="panel">
            <h2>"Members " <span class="count">{move || list.total()}</span></h2>
            <table class="table members-table">
                <thead>
                    <tr>
                        <th scope="col">"User"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Joined"</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || list.items()
                        key=|member| member.user_id.clone()
                        children=|member| {
                            view! {
                                <tr>
                                    <td class="member-name">{member.username}</td>
                                    <td>
                                        <span class="badge">{member.role.label()}</span>
                                    </td>
                                    <td>
                                        <Timestamp value=member.joined_at />
                                    </td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
            <ShowMore list />
        </section>
    }
}
