//! Integration tests: the real router, worker and database, driven over HTTP. The tree
//! mirrors the source tree (graphql/…, jobs/…, web/…).

mod support;

mod api;
mod composer;
mod db;
mod graphql;
mod jobs;
mod schema;
mod web;
