//! Who is asking: passwords, secrets, the per-request [`Actor`] and how it is read off a
//! request.

pub mod actor;
pub mod oauth;
pub mod password;
pub mod request;
pub mod sealing;
pub mod secret;

pub use actor::{Actor, AuthenticatedUser, Credential, TokenAccess, TokenHolder};
