//! Git, for package sources: bare mirrors fetched from the remote, the branches and
//! tags in them, files at a commit, and byte-stable dist archives. No database here;
//! callers turn the output into package versions. Everything is blocking (libgit2):
//! call it from a blocking thread.

pub mod archive;
mod attributes;
pub mod credentials;
mod error;
pub mod maintenance;
pub mod mirror;
pub mod refs;

pub use archive::{BuiltArchive, SkipReason, SkippedEntry, build_zip};
pub use credentials::{Credential, token_username};
pub use error::{Result, VcsError};
pub use maintenance::{ObjectCounts, Repack, repack};
pub use mirror::{FetchOutcome, FetchProgress, Mirror, RefUpdate};
pub use refs::{GitRef, MAX_FILE_BYTES, RefKind, RefList, list_refs, read_file_at};

#[cfg(test)]
mod tests;

/// How long a fetch waits for a connection, and for data on it, before giving up: a hung
/// host must fail the job (which is then retried), not hold a worker forever.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
pub const IO_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// Sets libgit2's process-wide network timeouts (it has none by default).
///
/// Call it once at the very start of `main`, before any other thread exists: libgit2
/// keeps these options in unsynchronized globals.
#[allow(unsafe_code)]
pub fn set_network_timeouts() {
    let millis =
        |duration: std::time::Duration| duration.as_millis().try_into().unwrap_or(i32::MAX);
    // SAFETY: called from `main` before the async runtime or any other thread starts,
    // so nothing reads the globals while they are written.
    unsafe {
        git2::opts::set_server_connect_timeout_in_milliseconds(millis(CONNECT_TIMEOUT))
            .expect("setting a libgit2 option cannot fail");
        git2::opts::set_server_timeout_in_milliseconds(millis(IO_TIMEOUT))
            .expect("setting a libgit2 option cannot fail");
    }
}
