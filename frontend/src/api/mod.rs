//! The typed GraphQL client: every operation lives in `queries/` as a `.graphql` file and is
//! checked against the repository's `schema.graphql` when the frontend compiles.
//!
//! Queries and mutations go over HTTP ([`execute`]); subscriptions over the websocket
//! ([`subscribe`], [`subscribe_job`]), and [`JobWatch`] keeps a followed job in signals.

mod client;
mod error;
mod job_watch;
pub mod operations;
mod subscription;

pub use client::execute;
pub use error::{ApiError, ErrorCode};
pub use job_watch::JobWatch;
#[allow(unused_imports)] // the generic entry point, for subscriptions other than jobs
pub use subscription::{JobUpdate, subscribe, subscribe_job};
