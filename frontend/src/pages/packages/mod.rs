//! Packages of an organization: the list (the organization's default tab, live), adding
//! one (from a git repository, a JSON definition or uploaded zip archives), and one
//! package's page with the editing its kind allows.

mod archives;
mod edit;
mod edit_archives;
mod fields;
mod hook;
mod list;
mod new;
mod show;

pub use list::PackagesTab;
pub use new::AddPackagePage;
pub use show::PackagePage;

use crate::api::operations::{OrganizationCredentials, organization_credentials};
use crate::api::{ApiError, JobPackage, execute};
use crate::pages::organizations::organization_path;
use crate::session::Session;

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

/// The page of the package a job read (`Job.package`).
fn job_package_path(url_name: &str, package: &JobPackage) -> String {
    package_path(url_name, package.name.as_deref(), &package.id)
}

/// How a package is shown before it has a name: its repository URL, else `#id`.
pub fn display_name(name: Option<&str>, repository_url: Option<&str>, id: &str) -> String {
    name.or(repository_url)
        .map_or_else(|| format!("#{id}"), str::to_owned)
}

/// The credentials a VCS package can be read with, as `<select>` options
/// `(id, "description — domain")`. Owners only (FORBIDDEN otherwise).
async fn load_credential_options(
    session: Session,
    url_name: String,
) -> Result<Vec<(String, String)>, ApiError> {
    let data = execute::<OrganizationCredentials>(organization_credentials::Variables { url_name })
        .await
        .inspect_err(|error| session.observe(error))?;
    Ok(data
        .organization
        .credentials
        .into_iter()
        .map(|credential| {
            (
                credential.id,
                format!("{} — {}", credential.description, credential.domain),
            )
        })
        .collect())
}

/// The first option of a credential `<select>`: no credential.
fn no_credential_option() -> (String, String) {
    (String::new(), "None: a public repository".to_owned())
}
