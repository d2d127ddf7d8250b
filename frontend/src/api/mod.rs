//! The typed GraphQL client: every operation lives in `queries/` as a `.graphql` file and is
//! checked against the repository's `schema.graphql` when the frontend compiles.

mod client;
mod error;
pub mod operations;

pub use client::execute;
pub use error::{ApiError, ErrorCode};
