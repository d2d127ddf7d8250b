//! The typed GraphQL client: every operation lives in `queries/` as a `.graphql` file and is
//! checked against the repository's `schema.graphql` when the frontend compiles.
//!
//! Queries and mutations go over HTTP ([`execute`], or [`upload()`] for operations that
//! send files); subscriptions over the websocket ([`subscribe`], `subscribe_job`), and
//! [`JobWatch`] keeps a followed job in signals.

mod client;
mod error;
mod job_watch;
pub mod operations;
mod subscription;
mod upload;

pub use client::execute;
pub use error::{ApiError, ErrorCode};
pub use job_watch::JobWatch;
pub use subscription::{JobPackage, JobUpdate, subscribe};
pub use upload::upload;
