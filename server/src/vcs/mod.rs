//! Git, for package sources: bare mirrors fetched from the remote, the branches and
//! tags in them, files at a commit, and byte-stable dist archives. No database here;
//! callers turn the output into package versions. Everything is blocking (libgit2):
//! call it from a blocking thread.

pub mod archive;
mod attributes;
pub mod credentials;
mod error;
pub mod mirror;
pub mod refs;

pub use archive::{BuiltArchive, SkipReason, SkippedEntry, build_zip};
pub use credentials::{Credential, token_username};
pub use error::{Result, VcsError};
pub use mirror::{FetchOutcome, FetchProgress, Mirror, RefUpdate};
pub use refs::{GitRef, MAX_FILE_BYTES, RefKind, RefList, list_refs, read_file_at};

#[cfg(test)]
mod tests;
