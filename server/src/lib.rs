//! Packyard: a self-hosted private Composer package registry.
//! See docs/ARCHITECTURE.md for the layout, request flow, errors, jobs and tests.

pub mod api;
pub mod app;
pub mod auth;
pub mod code_hosts;
pub mod composer;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http_server;
pub mod jobs;
pub mod storage;
pub mod telemetry;
pub mod vcs;
pub mod web;
pub mod webhooks;
