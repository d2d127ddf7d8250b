//! Organizations: the ones you belong to, creating one, and one organization's page.

mod list;
mod new;
mod show;

pub use list::OrganizationsPage;
pub use new::NewOrganizationPage;
pub use show::OrganizationPage;

/// Where an organization's page lives.
fn organization_path(url_name: &str) -> String {
    format!("/orgs/{url_name}")
}
