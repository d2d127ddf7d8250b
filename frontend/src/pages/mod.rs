//! One folder per area of the dashboard, mirroring the GraphQL domains.

pub mod auth;
mod not_found;
pub mod organizations;

pub use not_found::NotFoundPage;
