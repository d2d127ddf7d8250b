//! The Composer repository: version rules (and later metadata rendering, dists, notify, audit).

pub mod version;
