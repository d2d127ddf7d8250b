//! Tests against real repositories built with git2 in temporary directories, mirrored
//! over file://, over HTTP through `git http-backend`, and over SSH through a local sshd.

mod archive;
mod http;
mod maintenance;
mod mirror;
mod ssh;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository, Signature, Time};
use tempfile::TempDir;

pub(super) const FILE: i32 = 0o100644;
pub(super) const EXEC: i32 = 0o100755;
pub(super) const LINK: i32 = 0o120000;
pub(super) const SUBMODULE: i32 = 0o160000;

/// A file of a commit: path, contents (the target for links, a commit id for
/// submodules) and git file mode.
pub(super) type Spec<'a> = (&'a str, &'a [u8], i32);

/// A bare "upstream" repository whose commits carry exact, chosen times.
pub(super) struct Upstream {
    pub dir: TempDir,
    pub repo: Repository,
}

impl Upstream {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = Repository::init_bare(dir.path().join("upstream.git")).expect("init upstream");
        repo.set_head("refs/heads/main").expect("HEAD to main");
        Upstream { dir, repo }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("upstream.git")
    }

    pub fn url(&self) -> String {
        format!("file://{}", self.path().display())
    }

    /// Commits exactly `files` on `branch` (on top of its tip, if any) at `time`, with a
    /// +02:00 offset so that tests see the conversion to UTC.
    pub fn commit(&self, branch: &str, files: &[Spec<'_>], time: i64) -> Oid {
        let entries: Vec<(String, Oid, i32)> = files
            .iter()
            .map(|&(path, contents, mode)| {
                let id = if mode == SUBMODULE {
                    Oid::from_str(std::str::from_utf8(contents).expect("utf8 id")).expect("id")
                } else {
                    self.repo.blob(contents).expect("blob")
                };
                (path.to_owned(), id, mode)
            })
            .collect();
        let tree = self.repo.find_tree(self.tree(&entries)).expect("tree");
        let refname = format!("refs/heads/{branch}");
        let parent = self
            .repo
            .find_reference(&refname)
            .ok()
            .and_then(|r| r.peel_to_commit().ok());
        let sig = signature(time);
        let parents: Vec<_> = parent.iter().collect();
        let message = format!("commit at {time}");
        let id = self
            .repo
            .commit(Some(&refname), &sig, &sig, &message, &tree, &parents);
        id.expect("commit")
    }

    fn tree(&self, entries: &[(String, Oid, i32)]) -> Oid {
        let mut builder = self.repo.treebuilder(None).expect("treebuilder");
        let mut subdirs: BTreeMap<&str, Vec<(String, Oid, i32)>> = BTreeMap::new();
        for (path, id, mode) in entries {
            match path.split_once('/') {
                Some((dir, rest)) => {
                    subdirs
                        .entry(dir)
                        .or_default()
                        .push((rest.to_owned(), *id, *mode))
                }
                None => {
                    builder.insert(path, *id, *mode).expect("insert");
                }
            }
        }
        for (dir, children) in subdirs {
            let id = self.tree(&children);
            builder.insert(dir, id, 0o040000).expect("insert tree");
        }
        builder.write().expect("write tree")
    }

    pub fn branch(&self, name: &str, target: Oid) {
        let commit = self.repo.find_commit(target).expect("commit");
        self.repo.branch(name, &commit, true).expect("branch");
    }

    pub fn delete_branch(&self, name: &str) {
        let mut branch = self
            .repo
            .find_branch(name, git2::BranchType::Local)
            .expect("branch");
        branch.delete().expect("delete branch");
    }

    pub fn lightweight_tag(&self, name: &str, target: Oid) {
        let object = self.repo.find_object(target, None).expect("object");
        self.repo
            .tag_lightweight(name, &object, false)
            .expect("tag");
    }

    pub fn annotated_tag(&self, name: &str, target: Oid, time: i64) -> Oid {
        let object = self.repo.find_object(target, None).expect("object");
        let message = format!("release {name}");
        let tag = self
            .repo
            .tag(name, &object, &signature(time), &message, false);
        tag.expect("annotated tag")
    }
}

pub(super) fn signature(time: i64) -> Signature<'static> {
    Signature::new("Ada", "ada@example.test", &Time::new(time, 120)).expect("signature")
}

pub(super) fn mirror_dir(parent: &Path) -> PathBuf {
    parent.join("mirrors").join("acme").join("widgets.git")
}
