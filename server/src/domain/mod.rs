//! The rules, one module per resource. Every public function takes the acting identity,
//! decides whether it may act, validates its input and writes in one transaction.
//! GraphQL, REST and the CLI call these and hold no rules of their own.

pub mod access;
pub mod api_tokens;
pub mod artifacts;
pub mod credentials;
pub mod customer_grants;
pub mod customers;
pub mod downloads;
pub mod hook_secrets;
pub mod hooks;
pub mod identities;
pub mod jobs;
pub mod members;
pub mod oauth_login;
pub mod organization_tokens;
pub mod organizations;
pub mod packages;
pub mod pagination;
pub mod sessions;
pub mod suborganizations;
pub mod synchronizations;
pub mod synchronized_teams;
pub mod teams;
pub mod users;
pub mod vendor_bundles;
pub mod webhooks;
