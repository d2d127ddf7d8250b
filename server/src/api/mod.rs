//! REST endpoints: inbound webhooks under `/api/`, compatible with Packagist's URLs, and
//! the browser's OAuth sign-in under `/auth/oauth/`.

pub mod oauth;
pub mod update_package;
