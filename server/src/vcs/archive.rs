//! Dist archives (spec §5): a zip of one commit's tree under one top-level folder,
//! without what `.gitattributes` marks `export-ignore`.
//!
//! The bytes are a function of the commit and the folder name only, so that a lost
//! archive can be rebuilt with the same sha1 that lock files recorded: entries sorted by
//! path, every timestamp the commit's committer time in UTC (clamped to the zip range
//! 1980–2107, 2-second resolution), Unix as the creating system, deflate level 6, and no
//! extra fields. Rebuilding equal bytes also assumes the same zip and zlib-rs versions;
//! archives are built once and stored, so an upgrade changes only new archives.

use std::collections::BTreeSet;
use std::io::{Cursor, Write as _};

use chrono::{DateTime, Datelike, Timelike, Utc};
use git2::{ObjectType, Oid, Repository, Tree};
use sha1::{Digest, Sha1};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, System, ZipWriter};

use super::attributes::{AttributesFile, is_export_ignored};
use super::error::{Result, VcsError};
use super::refs::find_commit;

const COMPRESSION_LEVEL: i64 = 6;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltArchive {
    pub bytes: Vec<u8>,
    /// Lowercase hex SHA-1 of `bytes`: Composer's `dist.shasum`.
    pub sha1: String,
    /// Entries of the tree that are not in the archive, other than export-ignored ones.
    pub skipped: Vec<SkippedEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedEntry {
    /// Path in the repository (without the top folder).
    pub path: String,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// Submodules point into other repositories, which the mirror does not have.
    Submodule,
    /// An absolute symlink, or one leading out of the package, would point into the
    /// installing machine's file system.
    SymlinkOutsidePackage,
    /// Zip entry names are text; git allows any bytes.
    NonUtf8Path,
}

enum Kind {
    File { executable: bool },
    Symlink,
}

struct Entry {
    path: String,
    id: Oid,
    kind: Kind,
}

/// Builds the zip of `commit` (a full hex id) with everything under `top_folder/`.
pub fn build_zip(repo: &Repository, commit: &str, top_folder: &str) -> Result<BuiltArchive> {
    let invalid = top_folder.is_empty()
        || top_folder == "."
        || top_folder == ".."
        || top_folder.contains(['/', '\\', '\0']);
    if invalid {
        return Err(VcsError::InvalidArchiveFolder(top_folder.to_owned()));
    }
    let commit = find_commit(repo, commit)?;
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    let mut attributes = Vec::new();
    collect(
        repo,
        &commit.tree()?,
        "",
        &mut attributes,
        &mut entries,
        &mut skipped,
    )?;
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.sort_by(|a, b| a.path.cmp(&b.path));

    let committed = DateTime::from_timestamp(commit.committer().when().seconds(), 0);
    let base = SimpleFileOptions::default()
        .system(System::Unix)
        .last_modified_time(zip_time(committed.unwrap_or_default()))
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(COMPRESSION_LEVEL));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let mut directories = BTreeSet::new();
    add_directory(&mut zip, &mut directories, top_folder, base)?;
    for entry in &entries {
        let path = format!("{top_folder}/{}", entry.path);
        if let Some((parent, _)) = path.rsplit_once('/') {
            add_directory(&mut zip, &mut directories, parent, base)?;
        }
        let blob = repo.find_blob(entry.id)?;
        match entry.kind {
            Kind::File { executable } => {
                let options = base
                    .unix_permissions(if executable { 0o755 } else { 0o644 })
                    .large_file(blob.size() >= 0xFFFF_FFFF);
                zip.start_file(path, options)?;
                zip.write_all(blob.content())
                    .map_err(|err| VcsError::Archive(err.into()))?;
            }
            Kind::Symlink => {
                let target = String::from_utf8_lossy(blob.content());
                zip.add_symlink(path, target, base.unix_permissions(0o777))?;
            }
        }
    }
    let bytes = zip.finish()?.into_inner();
    let sha1 = hex::encode(Sha1::digest(&bytes));
    Ok(BuiltArchive {
        bytes,
        sha1,
        skipped,
    })
}

/// Adds `path/` and the directories above it that are not in the archive yet. Entries
/// come sorted, so each directory lands right before its first descendant.
fn add_directory(
    zip: &mut ZipWriter<Cursor<Vec<u8>>>,
    seen: &mut BTreeSet<String>,
    path: &str,
    options: SimpleFileOptions,
) -> Result<()> {
    if seen.contains(path) {
        return Ok(());
    }
    if let Some((parent, _)) = path.rsplit_once('/') {
        add_directory(zip, seen, parent, options)?;
    }
    zip.add_directory(format!("{path}/"), options.unix_permissions(0o755))?;
    seen.insert(path.to_owned());
    Ok(())
}

/// Walks the tree depth first, reading each directory's `.gitattributes` before its
/// entries so that it applies to them, and never descending into ignored directories.
fn collect(
    repo: &Repository,
    tree: &Tree<'_>,
    prefix: &str,
    attributes: &mut Vec<AttributesFile>,
    entries: &mut Vec<Entry>,
    skipped: &mut Vec<SkippedEntry>,
) -> Result<()> {
    let own_attributes = tree
        .get_name(".gitattributes")
        .filter(|entry| entry.kind() == Some(ObjectType::Blob));
    if let Some(entry) = &own_attributes {
        let blob = repo.find_blob(entry.id())?;
        attributes.push(AttributesFile::parse(prefix, blob.content()));
    }
    for entry in tree {
        let Ok(name) = std::str::from_utf8(entry.name_bytes()) else {
            let path = format!("{prefix}{}", String::from_utf8_lossy(entry.name_bytes()));
            skipped.push(SkippedEntry {
                path,
                reason: SkipReason::NonUtf8Path,
            });
            continue;
        };
        let path = format!("{prefix}{name}");
        let is_dir = entry.kind() == Some(ObjectType::Tree);
        if is_export_ignored(attributes, &path, is_dir) {
            continue;
        }
        let kind = match (entry.kind(), entry.filemode()) {
            (Some(ObjectType::Tree), _) => {
                let subtree = repo.find_tree(entry.id())?;
                let prefix = format!("{path}/");
                collect(repo, &subtree, &prefix, attributes, entries, skipped)?;
                continue;
            }
            (Some(ObjectType::Blob), 0o120000) => {
                let target = repo.find_blob(entry.id())?;
                if !symlink_stays_inside(&path, target.content()) {
                    let reason = SkipReason::SymlinkOutsidePackage;
                    skipped.push(SkippedEntry { path, reason });
                    continue;
                }
                Kind::Symlink
            }
            (Some(ObjectType::Blob), mode) => Kind::File {
                executable: mode == 0o100755,
            },
            _ => {
                let reason = SkipReason::Submodule;
                skipped.push(SkippedEntry { path, reason });
                continue;
            }
        };
        entries.push(Entry {
            path,
            id: entry.id(),
            kind,
        });
    }
    if own_attributes.is_some() {
        attributes.pop();
    }
    Ok(())
}

/// Whether a relative symlink at `path` resolves inside the package root.
fn symlink_stays_inside(path: &str, target: &[u8]) -> bool {
    let Ok(target) = std::str::from_utf8(target) else {
        return false;
    };
    if target.is_empty() || target.starts_with('/') || target.contains(['\\', '\0']) {
        return false;
    }
    let mut depth = path.matches('/').count();
    for component in target.split('/') {
        match component {
            "" | "." => {}
            ".." if depth == 0 => return false,
            ".." => depth -= 1,
            _ => depth += 1,
        }
    }
    true
}

fn zip_time(time: DateTime<Utc>) -> zip::DateTime {
    let earliest = zip::DateTime::from_date_and_time(1980, 1, 1, 0, 0, 0);
    let latest = zip::DateTime::from_date_and_time(2107, 12, 31, 23, 59, 58);
    let fallback = if time.year() < 1980 { earliest } else { latest };
    let parts = (
        u16::try_from(time.year()).unwrap_or_default(),
        u8::try_from(time.month()).unwrap_or_default(),
        u8::try_from(time.day()).unwrap_or_default(),
        u8::try_from(time.hour()).unwrap_or_default(),
        u8::try_from(time.minute()).unwrap_or_default(),
        u8::try_from(time.second()).unwrap_or_default(),
    );
    zip::DateTime::from_date_and_time(parts.0, parts.1, parts.2, parts.3, parts.4, parts.5)
        .or(fallback)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlinks_must_stay_inside_the_package() {
        assert!(symlink_stays_inside("bin/tool", b"../src/tool.php"));
        assert!(symlink_stays_inside("link", b"src/./a.php"));
        assert!(!symlink_stays_inside("link", b"../outside"));
        assert!(!symlink_stays_inside("a/b/link", b"../../../etc/passwd"));
        assert!(!symlink_stays_inside("link", b"/etc/passwd"));
        assert!(!symlink_stays_inside("link", b""));
    }

    #[test]
    fn zip_times_are_clamped_to_the_zip_range() {
        let old = DateTime::from_timestamp(0, 0).unwrap_or_default();
        let early = zip::DateTime::from_date_and_time(1980, 1, 1, 0, 0, 0).ok();
        assert_eq!(Some(zip_time(old)), early);
        let ordinary = DateTime::from_timestamp(1_700_000_001, 0).unwrap_or_default();
        let expected = zip::DateTime::from_date_and_time(2023, 11, 14, 22, 13, 20).ok();
        assert_eq!(Some(zip_time(ordinary)), expected);
    }

    #[test]
    fn the_top_folder_is_one_segment() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = Repository::init_bare(dir.path()).expect("init");
        let zero = "0".repeat(40);
        for folder in ["", ".", "..", "a/b", "a\\b"] {
            let err = build_zip(&repo, &zero, folder).err();
            assert!(
                matches!(err, Some(VcsError::InvalidArchiveFolder(_))),
                "{folder:?}"
            );
        }
    }
}
