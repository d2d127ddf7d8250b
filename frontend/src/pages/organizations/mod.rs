//! Organizations: the ones you belong to, creating one, and one organization's area
//! (`/orgs/:url_name`) with its tabs.

mod area;
mod list;
mod members;
mod new;

pub(crate) use area::permissions_of;
pub use area::{
    ComposerRepositoryInfo, CurrentOrganization, OrganizationArea, OrganizationInfo, Permissions,
};
pub use list::OrganizationsPage;
pub use members::MembersTab;
pub use new::NewOrganizationPage;

/// Where an organization's area lives.
pub fn organization_path(url_name: &str) -> String {
    format!("/orgs/{url_name}")
}
