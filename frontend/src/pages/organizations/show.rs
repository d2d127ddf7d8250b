use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::operations::{
    OrganizationMembers, OrganizationPage as OrganizationPageQuery, OrganizationRole,
    organization_members, organization_page,
};
use crate::api::{ApiError, execute};
use crate::components::{ErrorPanel, GrowingList, Loading, Page, ShowMore, Timestamp};
use crate::session::Session;

const MEMBERS_PAGE_SIZE: i64 = 50;

#[derive(Clone, Debug, PartialEq)]
struct OrganizationDetails {
    name: String,
    url_name: String,
    created_at: String,
    viewer_role: Option<OrganizationRole>,
    members: Page<MemberRow>,
}

#[derive(Clone, Debug, PartialEq)]
struct MemberRow {
    user_id: String,
    username: String,
    role: OrganizationRole,
    joined_at: String,
}

impl From<organization_page::OrganizationPageOrganizationMembersNodes> for MemberRow {
    fn from(member: organization_page::OrganizationPageOrganizationMembersNodes) -> Self {
        Self {
            user_id: member.user.id,
            username: member.user.username,
            role: member.role,
            joined_at: member.joined_at,
        }
    }
}

impl From<organization_members::OrganizationMembersOrganizationMembersNodes> for MemberRow {
    fn from(member: organization_members::OrganizationMembersOrganizationMembersNodes) -> Self {
        Self {
            user_id: member.user.id,
            username: member.user.username,
            role: member.role,
            joined_at: member.joined_at,
        }
    }
}

async fn load_organization(
    session: Session,
    url_name: String,
) -> Result<OrganizationDetails, ApiError> {
    let variables = organization_page::Variables {
        url_name,
        members_first: MEMBERS_PAGE_SIZE,
    };
    let data = execute::<OrganizationPageQuery>(variables)
        .await
        .inspect_err(|error| session.observe(error))?;
    let organization = data.organization;
    let members = organization.members;
    Ok(OrganizationDetails {
        name: organization.name,
        url_name: organization.url_name,
        created_at: organization.created_at,
        viewer_role: organization.viewer_role,
        members: Page::new(
            members.nodes.into_iter().map(MemberRow::from).collect(),
            members.total_count,
            members.page_info.has_next_page,
            members.page_info.end_cursor,
        ),
    })
}

async fn load_members(
    session: Session,
    url_name: String,
    after: String,
) -> Result<Page<MemberRow>, ApiError> {
    let variables = organization_members::Variables {
        url_name,
        first: MEMBERS_PAGE_SIZE,
        after: Some(after),
    };
    let data = execute::<OrganizationMembers>(variables)
        .await
        .inspect_err(|error| session.observe(error))?;
    let members = data.organization.members;
    Ok(Page::new(
        members.nodes.into_iter().map(MemberRow::from).collect(),
        members.total_count,
        members.page_info.has_next_page,
        members.page_info.end_cursor,
    ))
}

/// `/orgs/:url_name`: the organization's overview. Packages, teams and tokens join it as
/// those areas are built.
#[component]
pub fn OrganizationPage() -> impl IntoView {
    let session = Session::expect();
    let params = use_params_map();
    let url_name =
        Memo::new(move |_| params.with(|params| params.get("url_name").unwrap_or_default()));
    let organization = LocalResource::new(move || load_organization(session, url_name.get()));

    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match organization.await {
                    Ok(details) => view! { <OrganizationOverview details /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrganizationOverview(details: OrganizationDetails) -> impl IntoView {
    let OrganizationDetails {
        name,
        url_name,
        created_at,
        viewer_role,
        members,
    } = details;
    view! {
        <div class="page-header">
            <div>
                <p class="eyebrow">"Organization"</p>
                <h1>{name}</h1>
            </div>
        </div>
        <section class="panel">
            <dl class="details">
                <div>
                    <dt>"URL name"</dt>
                    <dd>
                        <code>{url_name.clone()}</code>
                    </dd>
                </div>
                <div>
                    <dt>"Your role"</dt>
                    <dd>{viewer_role.map_or("Not a member", OrganizationRole::label)}</dd>
                </div>
                <div>
                    <dt>"Created"</dt>
                    <dd>
                        <Timestamp value=created_at />
                    </dd>
                </div>
            </dl>
        </section>
        <MembersSection url_name first_page=members />
    }
}

#[component]
fn MembersSection(url_name: String, first_page: Page<MemberRow>) -> impl IntoView {
    let session = Session::expect();
    let list = GrowingList::new(first_page, move |cursor| {
        load_members(session, url_name.clone(), cursor)
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
