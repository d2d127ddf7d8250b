//! One folder per area of the dashboard, mirroring the GraphQL domains.

pub mod auth;
pub mod credentials;
pub mod customers;
mod not_found;
pub mod organizations;
pub mod packages;
pub mod suborganizations;
pub mod synchronizations;
pub mod teams;
pub mod tokens;
pub mod vendor_bundles;
pub mod webhooks;

pub use not_found::NotFoundPage;
