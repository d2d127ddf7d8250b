//! Packages of an organization: the list (the organization's default tab), adding one
//! from a git repository, and one package's page.

mod list;
mod new;
mod show;

pub use list::PackagesTab;
pub use new::AddPackagePage;
pub use show::PackagePage;

use crate::pages::organizations::organization_path;

/// `/orgs/:org/packages/new`.
pub fn new_package_path(url_name: &str) -> String {
    format!("{}/packages/new", organization_path(url_name))
}

/// A package's page: `/orgs/:org/packages/vendor/name`, or `/orgs/:org/packages/<id>` for
/// a package whose source was never read (it has no name yet; the API calls it `#<id>`).
pub fn package_path(url_name: &str, name: Option<&str>, id: &str) -> String {
    match name {
        Some(name) => format!("{}/packages/{name}", organization_path(url_name)),
        None => format!("{}/packages/{id}", organization_path(url_name)),
    }
}

/// How a package is shown before it has a name: its repository URL, else `#id`.
pub fn display_name(name: Option<&str>, repository_url: Option<&str>, id: &str) -> String {
    name.or(repository_url)
        .map_or_else(|| format!("#{id}"), str::to_owned)
}
