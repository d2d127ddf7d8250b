//! A bare mirror of one package's repository: every branch and tag of the remote under
//! the same names, pruned like the remote, and HEAD set to the remote's default branch.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use git2::{
    AutotagOption, CertificateCheckStatus, ErrorClass, ErrorCode, FetchPrune, Oid, RemoteCallbacks,
    RemoteRedirect, Repository,
};

use super::credentials::{Credential, CredentialResponder};
use super::error::{Result, VcsError, classify_fetch_error};

const REMOTE: &str = "origin";
const REFSPECS: [&str; 2] = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];
/// Where the SSH host key seen on first contact is pinned (in the mirror's git config).
const HOST_KEY_CONFIG: &str = "packyard.sshhostkey";

pub struct Mirror {
    repo: Repository,
    path: PathBuf,
}

/// Transfer progress as libgit2 reports it; objects are counted before deltas resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchProgress {
    pub received_objects: usize,
    pub total_objects: usize,
    pub indexed_deltas: usize,
    pub total_deltas: usize,
    pub received_bytes: usize,
}

/// A reference the fetch created (`old` is `None`), moved, or pruned (`new` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    pub name: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOutcome {
    /// The remote's HEAD branch, if it advertises one; the mirror's HEAD now points there.
    pub default_branch: Option<String>,
    pub updated_refs: Vec<RefUpdate>,
    /// `SHA256:<base64>` of the SSH host key, as `ssh-keygen -l` prints it.
    pub ssh_host_key: Option<String>,
}

impl Mirror {
    /// Opens the mirror at `path`, creating a bare repository there if the directory is
    /// missing or empty, and points it at `remote_url`. A changed URL drops the pinned
    /// SSH host key: the new URL may name another host.
    pub fn open_or_init(path: &Path, remote_url: &str) -> Result<Self> {
        let repo = match Repository::open_bare(path) {
            Ok(repo) => repo,
            Err(err) if err.code() == ErrorCode::NotFound && is_missing_or_empty(path)? => {
                std::fs::create_dir_all(path).map_err(|source| io_error(path, source))?;
                Repository::init_bare(path)?
            }
            Err(_) => return Err(not_a_repository(path)),
        };
        match repo.find_remote(REMOTE) {
            Ok(remote) if remote.url_bytes() == remote_url.as_bytes() => {}
            Ok(_) => {
                repo.remote_set_url(REMOTE, remote_url)?;
                forget_host_key(&repo)?;
            }
            Err(err) if err.code() == ErrorCode::NotFound => {
                repo.remote_with_fetch(REMOTE, remote_url, REFSPECS[0])?;
                repo.remote_add_fetch(REMOTE, REFSPECS[1])?;
            }
            Err(err) => return Err(err.into()),
        }
        Ok(Mirror {
            repo,
            path: path.to_owned(),
        })
    }

    /// Opens an existing mirror for reading (refs, files, archives).
    pub fn open(path: &Path) -> Result<Self> {
        let repo = Repository::open_bare(path).map_err(|_| not_a_repository(path))?;
        Ok(Mirror {
            repo,
            path: path.to_owned(),
        })
    }

    pub fn repo(&self) -> &Repository {
        &self.repo
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn remote_url(&self) -> Result<String> {
        let remote = self.repo.find_remote(REMOTE)?;
        Ok(String::from_utf8_lossy(remote.url_bytes()).into_owned())
    }

    /// The SSH host key pinned on the first successful fetch over ssh.
    pub fn ssh_host_key(&self) -> Result<Option<String>> {
        pinned_host_key(&self.repo)
    }

    /// Trusts whatever SSH host key the next fetch sees (after a legitimate key change).
    pub fn forget_ssh_host_key(&self) -> Result<()> {
        forget_host_key(&self.repo)
    }

    /// Fetches all branches and tags, prunes what the remote deleted and records the
    /// remote's default branch as HEAD. Blocking: run it on a blocking thread.
    ///
    /// libgit2 has no network timeouts unless the process sets its global options, which
    /// git2 exposes only as `unsafe` functions (forbidden in this workspace): a server
    /// that accepts the connection and then stalls stalls this call.
    pub fn fetch(
        &self,
        credentials: Option<&Credential>,
        mut progress: impl FnMut(FetchProgress),
    ) -> Result<FetchOutcome> {
        let url = self.remote_url()?;
        check_local_source(&url)?;
        let responder = RefCell::new(CredentialResponder::default());
        let host_key = RefCell::new(HostKeyCheck {
            pinned: pinned_host_key(&self.repo)?,
            ..HostKeyCheck::default()
        });
        let updates = RefCell::new(Vec::new());

        let mut callbacks = RemoteCallbacks::new();
        callbacks.credentials(|url, username, allowed| {
            responder
                .borrow_mut()
                .respond(credentials, url, username, allowed)
        });
        callbacks.certificate_check(|cert, host| host_key.borrow_mut().check(cert, host));
        callbacks.transfer_progress(|stats| {
            progress(FetchProgress {
                received_objects: stats.received_objects(),
                total_objects: stats.total_objects(),
                indexed_deltas: stats.indexed_deltas(),
                total_deltas: stats.total_deltas(),
                received_bytes: stats.received_bytes(),
            });
            true
        });
        callbacks.update_tips(|name, old, new| {
            updates.borrow_mut().push(RefUpdate {
                name: name.to_owned(),
                old: non_zero(old),
                new: non_zero(new),
            });
            true
        });
        let mut options = git2::FetchOptions::new();
        options
            .remote_callbacks(callbacks)
            .prune(FetchPrune::On)
            .download_tags(AutotagOption::None)
            .update_fetchhead(false)
            // A redirect to another host on a later request could carry the credential away.
            .follow_redirects(RemoteRedirect::Initial);

        let mut remote = self.repo.find_remote(REMOTE)?;
        let fetched = remote.fetch(&[] as &[&str], Some(&mut options), Some("packyard: fetch"));
        drop(options);
        let host_key = host_key.into_inner();
        if let Err(err) = fetched {
            if let Some(mismatch) = host_key.mismatch {
                return Err(mismatch);
            }
            return Err(classify_fetch_error(
                err,
                &url,
                responder.borrow().outcome(),
            ));
        }

        // libgit2 keeps the advertised refs after disconnecting, so HEAD's symref is still
        // there to read.
        let default_branch = remote
            .default_branch()
            .ok()
            .and_then(|name| name.as_str().ok().map(str::to_owned))
            .and_then(|name| name.strip_prefix("refs/heads/").map(str::to_owned));
        if let Some(branch) = &default_branch {
            let refname = format!("refs/heads/{branch}");
            if self.repo.find_reference(&refname).is_ok() {
                self.repo.set_head(&refname)?;
            }
        }
        if let (None, Some(seen)) = (&host_key.pinned, &host_key.seen) {
            self.repo.config()?.set_str(HOST_KEY_CONFIG, seen)?;
        }
        Ok(FetchOutcome {
            default_branch,
            updated_refs: updates.into_inner(),
            ssh_host_key: host_key.seen,
        })
    }
}

/// Trust on first use for SSH host keys: a server has no `known_hosts` of its own, and
/// libgit2 refuses unknown hosts unless this callback accepts them.
#[derive(Default)]
struct HostKeyCheck {
    pinned: Option<String>,
    seen: Option<String>,
    mismatch: Option<VcsError>,
}

impl HostKeyCheck {
    fn check(
        &mut self,
        cert: &git2::cert::Cert<'_>,
        host: &str,
    ) -> Result<CertificateCheckStatus, git2::Error> {
        // TLS certificates stay with OpenSSL's verification against the system CAs.
        let Some(hash) = cert.as_hostkey().and_then(|key| key.hash_sha256()) else {
            return Ok(CertificateCheckStatus::CertificatePassthrough);
        };
        let fingerprint = format!(
            "SHA256:{}",
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(hash)
        );
        self.seen = Some(fingerprint.clone());
        match &self.pinned {
            Some(pinned) if *pinned != fingerprint => {
                self.mismatch = Some(VcsError::HostKeyMismatch {
                    host: host.to_owned(),
                    expected: pinned.clone(),
                    actual: fingerprint,
                });
                Err(git2::Error::new(
                    ErrorCode::Certificate,
                    ErrorClass::Ssh,
                    "SSH host key changed",
                ))
            }
            _ => Ok(CertificateCheckStatus::CertificateOk),
        }
    }
}

fn pinned_host_key(repo: &Repository) -> Result<Option<String>> {
    match repo.config()?.get_string(HOST_KEY_CONFIG) {
        Ok(value) => Ok(Some(value)),
        Err(err) if err.code() == ErrorCode::NotFound => Ok(None),
        Err(err) => Err(err.into()),
    }
}

fn forget_host_key(repo: &Repository) -> Result<()> {
    match repo.config()?.remove(HOST_KEY_CONFIG) {
        Err(err) if err.code() != ErrorCode::NotFound => Err(err.into()),
        _ => Ok(()),
    }
}

/// A local source that does not exist is "not found", said plainly: libgit2 only treats a
/// plain path as local when it exists, and otherwise reports "unsupported URL protocol".
fn check_local_source(url: &str) -> Result<()> {
    let Some(path) = local_path(url) else {
        return Ok(());
    };
    match std::fs::symlink_metadata(&path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            Err(VcsError::RepositoryNotFound {
                url: url.to_owned(),
                detail: "nothing exists at that path on the Packyard server".into(),
            })
        }
        _ => Ok(()),
    }
}

/// The directory a `file://` URL or an absolute path names; `None` for remote URLs.
pub(crate) fn local_path(url: &str) -> Option<PathBuf> {
    if let Some(rest) = url.strip_prefix("file://") {
        // file://host/path is not something libgit2 reads either; only file:///path.
        return rest.starts_with('/').then(|| PathBuf::from(rest));
    }
    url.starts_with('/').then(|| PathBuf::from(url))
}

fn non_zero(oid: Oid) -> Option<String> {
    (!oid.is_zero()).then(|| oid.to_string())
}

fn is_missing_or_empty(path: &Path) -> Result<bool> {
    match std::fs::read_dir(path) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(source) => Err(io_error(path, source)),
    }
}

fn not_a_repository(path: &Path) -> VcsError {
    VcsError::NotARepository {
        location: path.display().to_string(),
    }
}

fn io_error(path: &Path, source: std::io::Error) -> VcsError {
    VcsError::Io {
        path: path.display().to_string(),
        source,
    }
}
