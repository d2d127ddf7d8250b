//! End-to-end tests: the real `packyard` binary, started as an operator would, driven by
//! real clients (Chromium over WebDriver, the CLI, a second replica on PostgreSQL).

mod support;

mod browser;
mod cli;
mod code_host_setup;
mod composer;
mod composer_access;
mod composer_customers;
mod composer_hooks;
mod jobs;
mod oauth;
