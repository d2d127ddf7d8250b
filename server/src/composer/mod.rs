//! The Composer repository: version rules and metadata rendering (later dists, notify, audit).

pub mod access_cache;
pub mod artifact;
pub mod custom;
pub mod customer_filter;
pub mod customer_repository;
pub mod metadata;
pub mod publish;
pub mod repository;
pub mod version;
