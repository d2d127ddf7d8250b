//! Cursor connections: `nodes`, `pageInfo`, `totalCount`, as the API conventions ask.

use async_graphql::{OutputType, SimpleObject};

use super::artifacts::ArtifactView;
use super::customers::CustomerView;
use super::jobs::JobView;
use super::members::MemberView;
use super::organizations::OrganizationView;
use super::packages::{PackageVersionView, PackageView};
use crate::domain::pagination::Page;

#[derive(SimpleObject)]
pub struct PageInfo {
    pub has_next_page: bool,
    /// Pass as `after` to get the next page.
    pub end_cursor: Option<String>,
}

#[derive(SimpleObject)]
#[graphql(concrete(name = "OrganizationConnection", params(OrganizationView)))]
#[graphql(concrete(name = "MemberConnection", params(MemberView)))]
#[graphql(concrete(name = "JobConnection", params(JobView)))]
#[graphql(concrete(name = "PackageConnection", params(PackageView)))]
#[graphql(concrete(name = "PackageVersionConnection", params(PackageVersionView)))]
#[graphql(concrete(name = "ArtifactConnection", params(ArtifactView)))]
#[graphql(concrete(name = "CustomerConnection", params(CustomerView)))]
pub struct Connection<T: OutputType> {
    pub nodes: Vec<T>,
    pub page_info: PageInfo,
    pub total_count: i64,
}

impl<T: OutputType> Connection<T> {
    pub fn from_page<R>(page: Page<R>, view: impl FnMut(R) -> T) -> Self {
        let page = page.map(view);
        Connection {
            page_info: PageInfo {
                has_next_page: page.has_next_page,
                end_cursor: page.end_cursor,
            },
            total_count: page.total_count,
            nodes: page.nodes,
        }
    }
}
