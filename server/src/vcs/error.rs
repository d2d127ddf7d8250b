//! What can go wrong in the VCS layer, worded for the person who has to fix it: most of
//! these end up in a package's update log, read by someone who typed the URL or
//! pasted the credential.

use git2::{ErrorClass, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum VcsError {
    #[error(
        "cannot reach {url}: {detail}. Check the URL and that the host is up and reachable \
         from the Packyard server"
    )]
    Unreachable { url: String, detail: String },
    #[error(
        "{url} asks for credentials and none are configured; add a username and password, \
         a token or an SSH key to the package"
    )]
    CredentialsRequired { url: String },
    #[error(
        "authentication failed for {url}: {detail}. Check the credential (and that it may \
         read this repository; some hosts answer this way for a repository that does not exist)"
    )]
    AuthenticationFailed { url: String, detail: String },
    #[error("repository not found at {url}: {detail}. Check the URL")]
    RepositoryNotFound { url: String, detail: String },
    #[error("{location} is not a git repository")]
    NotARepository { location: String },
    #[error(
        "the TLS certificate of {url} is not trusted: {detail}. Install the CA certificate on \
         the Packyard server"
    )]
    UntrustedCertificate { url: String, detail: String },
    #[error(
        "the SSH host key of {host} changed (expected {expected}, got {actual}); if the change \
         is legitimate, reset the pinned host key of this package"
    )]
    HostKeyMismatch {
        host: String,
        expected: String,
        actual: String,
    },
    #[error("invalid commit id {0:?}")]
    InvalidCommitId(String),
    #[error("commit {0} is not in the mirror; fetch it first")]
    CommitNotFound(String),
    #[error("{path} at {commit} is {size} bytes, more than the limit of {limit}")]
    FileTooLarge {
        path: String,
        commit: String,
        size: usize,
        limit: usize,
    },
    #[error("invalid archive folder name {0:?}: use one path segment, without slashes")]
    InvalidArchiveFolder(String),
    #[error("cannot write the archive: {0}")]
    Archive(#[from] zip::result::ZipError),
    #[error("fetching {url} failed: {source}")]
    Fetch { url: String, source: git2::Error },
    #[error("git error: {0}")]
    Git(#[from] git2::Error),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

pub type Result<T, E = VcsError> = std::result::Result<T, E>;

/// What the credential callback saw, which classifies an authentication failure more
/// reliably than libgit2's message (each transport words it differently).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum AuthOutcome {
    #[default]
    NotAsked,
    /// A credential was handed over; the server may or may not have accepted it.
    Offered,
    Missing,
    /// Asked a second time after a credential was offered: the server rejected it.
    Rejected,
    /// The configured credential cannot be used with this kind of URL.
    Unusable(&'static str),
}

/// Turns a failed fetch into the variant a user can act on, from git2's class and code
/// first and its message only where libgit2 has no better signal (connect failures and
/// HTTP statuses are all `GenericError`).
pub(crate) fn classify_fetch_error(err: git2::Error, url: &str, auth: &AuthOutcome) -> VcsError {
    let url = url.to_owned();
    let message = err.message().to_owned();
    let lower = message.to_ascii_lowercase();
    match auth {
        AuthOutcome::Missing => return VcsError::CredentialsRequired { url },
        AuthOutcome::Rejected => {
            let detail = "the server rejected the credential".to_owned();
            return VcsError::AuthenticationFailed { url, detail };
        }
        AuthOutcome::Unusable(why) => {
            let detail = (*why).to_owned();
            return VcsError::AuthenticationFailed { url, detail };
        }
        AuthOutcome::Offered if err.class() == ErrorClass::Ssh && lower.contains("authenticat") => {
            return VcsError::AuthenticationFailed {
                url,
                detail: message,
            };
        }
        AuthOutcome::NotAsked | AuthOutcome::Offered => {}
    }
    if err.code() == ErrorCode::Auth {
        return VcsError::AuthenticationFailed {
            url,
            detail: message,
        };
    }
    if err.code() == ErrorCode::Certificate && err.class() != ErrorClass::Ssh {
        return VcsError::UntrustedCertificate {
            url,
            detail: message,
        };
    }
    let unreachable = [
        "failed to connect",
        "connection refused",
        "failed to resolve address",
        "could not resolve",
        "timed out",
        "network is unreachable",
        "no route to host",
        "failed to start ssh session",
        "failed to initialize ssh session",
    ];
    if err.code() == ErrorCode::Timeout {
        return VcsError::Unreachable {
            url,
            detail: message,
        };
    }
    if matches!(
        err.class(),
        ErrorClass::Net | ErrorClass::Os | ErrorClass::Ssh | ErrorClass::Http | ErrorClass::Ssl
    ) && unreachable.iter().any(|needle| lower.contains(needle))
    {
        return VcsError::Unreachable {
            url,
            detail: message,
        };
    }
    // The local transport (file:// and plain paths) opens the source repository itself.
    if (err.class() == ErrorClass::Repository && err.code() == ErrorCode::NotFound)
        || lower.contains("could not find repository")
        || lower.contains("failed to resolve path")
    {
        return VcsError::NotARepository { location: url };
    }
    let not_found = [
        "status code: 404",
        "repository not found",
        "does not appear to be a git repository",
        "not a git repository",
        "no such file or directory",
    ];
    if not_found.iter().any(|needle| lower.contains(needle)) {
        return VcsError::RepositoryNotFound {
            url,
            detail: message,
        };
    }
    VcsError::Fetch { url, source: err }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(class: ErrorClass, code: ErrorCode, message: &str, auth: AuthOutcome) -> String {
        let err = git2::Error::new(code, class, message);
        let classified = classify_fetch_error(err, "https://git.example.test/x.git", &auth);
        format!("{classified:?}")
    }

    /// Messages as libgit2 1.9 words them, including the timeouts seen in a probe with
    /// `GIT_OPT_SET_SERVER_TIMEOUT` set against a server that accepts and never answers.
    #[test]
    fn errors_are_classified_from_class_code_and_message() {
        use AuthOutcome::{Missing, NotAsked, Offered, Rejected};
        use ErrorClass::{Callback, Http, Net, Os, Repository, Ssh};
        use ErrorCode::{Auth, Certificate, GenericError, NotFound, Timeout};
        let cases = [
            (
                Os,
                GenericError,
                "failed to connect to 127.0.0.1: Connection refused",
                NotAsked,
                "Unreachable",
            ),
            (
                Net,
                GenericError,
                "failed to resolve address for nowhere.test: Name or service not known",
                NotAsked,
                "Unreachable",
            ),
            (
                Net,
                Timeout,
                "could not read from socket: timed out",
                NotAsked,
                "Unreachable",
            ),
            (
                Ssh,
                GenericError,
                "failed to start SSH session: Timed out waiting on socket",
                NotAsked,
                "Unreachable",
            ),
            (
                Callback,
                Auth,
                "no credential configured",
                Missing,
                "CredentialsRequired",
            ),
            (
                Callback,
                Auth,
                "the server rejected the credential",
                Rejected,
                "AuthenticationFailed",
            ),
            (
                Ssh,
                GenericError,
                "Failed to authenticate SSH session: Unable to extract public key",
                Offered,
                "AuthenticationFailed",
            ),
            (
                Http,
                GenericError,
                "unexpected http status code: 404",
                NotAsked,
                "RepositoryNotFound",
            ),
            (
                Ssh,
                GenericError,
                "ERROR: Repository not found.",
                Offered,
                "RepositoryNotFound",
            ),
            (
                Repository,
                NotFound,
                "could not find repository at '/srv/x'",
                NotAsked,
                "NotARepository",
            ),
            (
                Net,
                Certificate,
                "the SSL certificate is invalid",
                NotAsked,
                "UntrustedCertificate",
            ),
            (Net, GenericError, "early EOF", NotAsked, "Fetch"),
        ];
        for (class, code, message, auth, expected) in cases {
            let got = classify(class, code, message, auth);
            assert!(got.starts_with(expected), "{message}: {got}");
        }
    }
}
