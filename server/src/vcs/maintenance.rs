//! Keeping mirrors compact. libgit2 stores every fetch that brings objects as a new pack
//! and has no `gc`, so a package updated on every push collects packs, and every lookup
//! has to search more of them. When there are many, the `git` command line repacks the
//! mirror; where it is not installed the mirror simply stays as it is.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Packs before a repack: one per fetch that brought something.
pub const MAX_PACKS: usize = 20;
/// Loose objects before a repack (libgit2 writes few; `git` tools may write more).
pub const MAX_LOOSE_OBJECTS: usize = 1000;
/// A repack that takes longer is stopped; the next update tries again.
const GC_TIMEOUT: Duration = Duration::from_secs(600);

/// What a mirror's object store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectCounts {
    pub packs: usize,
    pub loose_objects: usize,
}

impl ObjectCounts {
    /// Counts packs and loose objects of the bare repository at `path`: two directory
    /// listings deep, cheap next to a fetch.
    pub fn of(path: &Path) -> std::io::Result<ObjectCounts> {
        let objects = path.join("objects");
        let packs = count_entries(&objects.join("pack"), |name| name.ends_with(".pack"))?;
        let mut loose_objects = 0;
        for entry in std::fs::read_dir(&objects)? {
            let entry = entry?;
            let name = entry.file_name();
            let fan_out = name.len() == 2
                && name
                    .to_str()
                    .is_some_and(|name| name.chars().all(|c| c.is_ascii_hexdigit()));
            if fan_out {
                loose_objects += count_entries(&entry.path(), |_| true)?;
            }
        }
        Ok(ObjectCounts {
            packs,
            loose_objects,
        })
    }

    pub fn needs_repack(&self) -> bool {
        self.packs > MAX_PACKS || self.loose_objects > MAX_LOOSE_OBJECTS
    }
}

fn count_entries(dir: &Path, wanted: impl Fn(&str) -> bool) -> std::io::Result<usize> {
    let mut count = 0;
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries {
                if entry?.file_name().to_str().is_some_and(&wanted) {
                    count += 1;
                }
            }
            Ok(count)
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(error) => Err(error),
    }
}

/// What a repack did, for the job log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repack {
    Done {
        before: ObjectCounts,
        after: ObjectCounts,
    },
    /// No `git` on the PATH: the mirror keeps working, only less compact.
    GitMissing,
    Failed(String),
}

/// Runs `git gc` in the bare mirror at `path`, in the foreground (git would otherwise
/// detach into the background, beyond the job's control). Git's own defaults keep it
/// safe beside a concurrent fetch: new packs are left alone and unreachable objects are
/// pruned only when two weeks old. Blocking.
pub fn repack(path: &Path) -> Repack {
    repack_with("git", path)
}

pub(crate) fn repack_with(git: &str, path: &Path) -> Repack {
    let before = match ObjectCounts::of(path) {
        Ok(counts) => counts,
        Err(error) => return Repack::Failed(format!("cannot read {}: {error}", path.display())),
    };
    let spawned = Command::new(git)
        .arg("-C")
        .arg(path)
        .args(["-c", "gc.autoDetach=false", "gc", "--quiet"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Repack::GitMissing,
        Err(error) => return Repack::Failed(format!("cannot start git: {error}")),
    };
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > GC_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Repack::Failed(format!(
                    "git gc took longer than {} s and was stopped",
                    GC_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(error) => return Repack::Failed(format!("waiting for git gc: {error}")),
        }
    };
    if !status.success() {
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
        }
        return Repack::Failed(format!("git gc failed ({status}): {}", stderr.trim()));
    }
    match ObjectCounts::of(path) {
        Ok(after) => Repack::Done { before, after },
        Err(error) => Repack::Failed(format!("cannot read {}: {error}", path.display())),
    }
}
