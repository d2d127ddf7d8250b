//! The branches and tags of a mirror and the files at a commit: the raw material that
//! later becomes package versions (spec §3.2–3.4).

use chrono::{DateTime, Utc};
use git2::{ErrorCode, ObjectType, Oid, Repository};

use super::error::{Result, VcsError};

/// Larger files at a ref are refused rather than read: a composer.json is a few KiB, and
/// a huge one is a mistake or an attack on the worker's memory.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefKind {
    Branch,
    Tag,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitRef {
    pub kind: RefKind,
    /// Without `refs/heads/` or `refs/tags/`: `main`, `feature/x`, `v1.0.0`.
    pub name: String,
    /// Full hex id of the commit, annotated tags peeled.
    pub commit: String,
    /// Committer time, what GitHub and GitLab report as the commit date.
    pub committed_at: DateTime<Utc>,
    /// Author time, what Composer's own git driver puts in a version's `time`.
    pub authored_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RefList {
    /// Sorted by name.
    pub branches: Vec<GitRef>,
    /// Sorted by name.
    pub tags: Vec<GitRef>,
    /// The branch HEAD points at, when that branch exists.
    pub default_branch: Option<String>,
}

impl RefList {
    pub fn branch(&self, name: &str) -> Option<&GitRef> {
        self.branches.iter().find(|r| r.name == name)
    }

    pub fn tag(&self, name: &str) -> Option<&GitRef> {
        self.tags.iter().find(|r| r.name == name)
    }
}

/// Lists branches and tags. Refs with non-UTF-8 names, and tags of trees or blobs,
/// cannot become versions and are left out.
pub fn list_refs(repo: &Repository) -> Result<RefList> {
    let mut list = RefList::default();
    for reference in repo.references()? {
        let reference = reference?;
        let Ok(full_name) = reference.name() else {
            continue;
        };
        let (kind, name) = if let Some(name) = full_name.strip_prefix("refs/heads/") {
            (RefKind::Branch, name)
        } else if let Some(name) = full_name.strip_prefix("refs/tags/") {
            (RefKind::Tag, name)
        } else {
            continue;
        };
        let commit = match reference.peel_to_commit() {
            Ok(commit) => commit,
            Err(err) if matches!(err.code(), ErrorCode::InvalidSpec | ErrorCode::Peel) => continue,
            Err(err) => return Err(err.into()),
        };
        let git_ref = GitRef {
            kind,
            name: name.to_owned(),
            commit: commit.id().to_string(),
            committed_at: utc(commit.committer().when()),
            authored_at: utc(commit.author().when()),
        };
        match kind {
            RefKind::Branch => list.branches.push(git_ref),
            RefKind::Tag => list.tags.push(git_ref),
        }
    }
    list.branches.sort_by(|a, b| a.name.cmp(&b.name));
    list.tags.sort_by(|a, b| a.name.cmp(&b.name));
    list.default_branch = head_branch(repo).filter(|name| list.branch(name).is_some());
    Ok(list)
}

fn head_branch(repo: &Repository) -> Option<String> {
    let head = repo.find_reference("HEAD").ok()?;
    let target = head.symbolic_target().ok().flatten()?;
    target.strip_prefix("refs/heads/").map(str::to_owned)
}

fn utc(time: git2::Time) -> DateTime<Utc> {
    DateTime::from_timestamp(time.seconds(), 0).unwrap_or_default()
}

pub(crate) fn find_commit<'r>(repo: &'r Repository, commit: &str) -> Result<git2::Commit<'r>> {
    let oid = Oid::from_str(commit).map_err(|_| VcsError::InvalidCommitId(commit.to_owned()))?;
    // A short id would make the result depend on which objects happen to exist.
    if commit.len() != oid.as_bytes().len() * 2 {
        return Err(VcsError::InvalidCommitId(commit.to_owned()));
    }
    repo.find_commit(oid).map_err(|err| match err.code() {
        ErrorCode::NotFound => VcsError::CommitNotFound(commit.to_owned()),
        _ => err.into(),
    })
}

/// The bytes of the regular file at `path` in `commit`, or `None` when there is no such
/// file (a directory, symlink or submodule there counts as none). Files over
/// [`MAX_FILE_BYTES`] are an error, checked before the blob is loaded.
pub fn read_file_at(repo: &Repository, commit: &str, path: &str) -> Result<Option<Vec<u8>>> {
    let tree = find_commit(repo, commit)?.tree()?;
    let entry = match tree.get_path(std::path::Path::new(path)) {
        Ok(entry) => entry,
        Err(err) if err.code() == ErrorCode::NotFound => return Ok(None),
        Err(err) => return Err(err.into()),
    };
    let is_regular_file = matches!(entry.filemode(), 0o100644 | 0o100755 | 0o100664);
    if entry.kind() != Some(ObjectType::Blob) || !is_regular_file {
        return Ok(None);
    }
    let (size, _) = repo.odb()?.read_header(entry.id())?;
    if size > MAX_FILE_BYTES {
        return Err(VcsError::FileTooLarge {
            path: path.to_owned(),
            commit: commit.to_owned(),
            size,
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(Some(repo.find_blob(entry.id())?.content().to_vec()))
}
