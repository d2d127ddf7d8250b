//! Composer's version rules (spec 3): normalisation, tags and branches as versions,
//! branch aliases, stability, constraints and PHP `version_compare` ordering.
//!
//! Written here rather than taken from a crate. `composer-semver` is EUPL-1.2
//! (copyleft), which does not fit our MIT OR Apache-2.0. `semver-php` 0.1.0 (MIT, one
//! release) fails the spec's verified ordering: its `version_compare` puts every
//! pre-release with a number above the release (`1.0.0.0-RC1 > 1.0.0.0`,
//! `1.0.0.0-beta1 > 1.0.0.0`), so `<=1.0` rejects `1.0.0-RC1` and `1.0.0 - 2.1.0` rejects
//! `2.1.0-RC1`; it also has no tag, branch-version or branch-alias rules.
//!
//! Everything works on strings as Composer does, because the server must agree with
//! the client on every edge: a version we offer that the client then rejects (or the
//! reverse) is a bug a customer sees.

mod branch;
mod compare;
mod constraint;
mod constraint_term;
mod modifier;
mod normalize;
mod stability;
mod tags;

#[cfg(test)]
mod constraint_tests;

pub use branch::{Alias, BranchVersion, DEFAULT_BRANCH_ALIAS, branch_alias, branch_version};
pub use compare::compare;
pub use constraint::Constraint;
pub use normalize::normalize;
pub use stability::{Stability, parse_stability};
pub use tags::{TagVersion, tag_version, version_field_matches};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("invalid version string \"{0}\"")]
    InvalidVersion(String),
    #[error("could not parse version constraint \"{constraint}\": {reason}")]
    InvalidConstraint { constraint: String, reason: String },
    #[error("invalid stability \"{0}\": expected dev, alpha, beta, rc or stable")]
    InvalidStability(String),
}
