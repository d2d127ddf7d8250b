//! Dist zips built from a bare mirror: layout, export-ignore, modes, links, stability.

use std::io::{Cursor, Read as _};

use sha1::{Digest as _, Sha1};

use super::{EXEC, FILE, LINK, SUBMODULE, Upstream, mirror_dir};
use crate::vcs::{Mirror, SkipReason, SkippedEntry, build_zip};

const TOP: &str = "acme-widgets-1a2b3c4";
const COMMIT_TIME: i64 = 1_700_000_001; // 2023-11-14 22:13:21 UTC

const ATTRIBUTES: &[u8] = b"/tests export-ignore\n\
    *.md export-ignore\n\
    docs/ export-ignore\n\
    /.gitattributes export-ignore\n\
    README.md -export-ignore\n";

fn package_files() -> Vec<(&'static str, &'static [u8], i32)> {
    vec![
        (".gitattributes", ATTRIBUTES, FILE),
        ("CHANGELOG.md", b"changes", FILE),
        ("README.md", b"readme", FILE),
        ("bin/tool", b"#!/usr/bin/env php\n", EXEC),
        ("composer.json", br#"{"name": "acme/widgets"}"#, FILE),
        ("docs/guide.txt", b"guide", FILE),
        ("evil", b"../../etc/passwd", LINK),
        ("link", b"src/Widget.php", LINK),
        ("src/.gitattributes", b"Internal/ export-ignore\n", FILE),
        ("src/Internal/Secret.php", b"<?php", FILE),
        ("src/Widget.php", b"<?php class Widget {}", FILE),
        ("src/tests/Kept.php", b"<?php", FILE),
        ("tests/WidgetTest.php", b"<?php", FILE),
        (
            "vendor/lib",
            b"1234567890123456789012345678901234567890",
            SUBMODULE,
        ),
    ]
}

/// The package mirrored into a bare repository (so nothing can come from a working
/// directory) and the id of its commit.
fn mirrored_package() -> (tempfile::TempDir, Upstream, Mirror, String) {
    let up = Upstream::new();
    let commit = up.commit("main", &package_files(), COMMIT_TIME).to_string();
    let work = tempfile::tempdir().expect("tempdir");
    let mirror = Mirror::open_or_init(&mirror_dir(work.path()), &up.url()).expect("init");
    mirror.fetch(None, |_| {}).expect("fetch");
    (work, up, mirror, commit)
}

#[test]
fn the_same_commit_gives_the_same_bytes() {
    let (_work, up, mirror, commit) = mirrored_package();
    let first = build_zip(mirror.repo(), &commit, TOP).expect("zip");
    let second = build_zip(mirror.repo(), &commit, TOP).expect("zip again");
    assert_eq!(first.sha1, second.sha1);
    assert!(first.bytes == second.bytes);
    assert_eq!(first.sha1, hex::encode(Sha1::digest(&first.bytes)));
    assert_eq!(first.sha1.len(), 40);
    // The upstream's own copy of the objects packs differently; the zip must not care.
    let from_upstream = build_zip(&up.repo, &commit, TOP).expect("zip from upstream");
    assert_eq!(from_upstream.sha1, first.sha1);

    let other = up.commit("main", &package_files()[1..], COMMIT_TIME + 10);
    let changed = build_zip(mirror.repo(), &other.to_string(), TOP).err();
    assert!(
        changed.is_some(),
        "the mirror has not fetched the new commit yet"
    );
    mirror.fetch(None, |_| {}).expect("fetch");
    let changed = build_zip(mirror.repo(), &other.to_string(), TOP).expect("zip");
    assert_ne!(changed.sha1, first.sha1);
}

#[test]
fn the_zip_holds_the_tree_under_one_folder_without_ignored_paths() {
    let (_work, _up, mirror, commit) = mirrored_package();
    let built = build_zip(mirror.repo(), &commit, TOP).expect("zip");
    let mut zip = zip::ZipArchive::new(Cursor::new(built.bytes)).expect("readable zip");
    let names: Vec<String> = zip
        .file_names()
        .map(|name| name.expect("utf-8 name").into_owned())
        .collect();
    let expected: Vec<String> = [
        "",
        "README.md",
        "bin/",
        "bin/tool",
        "composer.json",
        "link",
        "src/",
        "src/.gitattributes",
        "src/Widget.php",
        "src/tests/",
        "src/tests/Kept.php",
    ]
    .iter()
    .map(|name| format!("{TOP}/{name}"))
    .collect();
    assert_eq!(names, expected, "entries in order");

    let mode = |zip: &mut zip::ZipArchive<_>, name: &str| -> u32 {
        let entry = zip.by_name(&format!("{TOP}/{name}")).expect(name);
        entry.unix_mode().expect("unix mode")
    };
    assert_eq!(mode(&mut zip, "bin/tool"), 0o100755);
    assert_eq!(mode(&mut zip, "composer.json"), 0o100644);
    assert_eq!(mode(&mut zip, "src/") & 0o170000, 0o040000);
    assert_eq!(mode(&mut zip, "link") & 0o170000, 0o120000);

    let mut target = String::new();
    let mut link = zip.by_name(&format!("{TOP}/link")).expect("link");
    link.read_to_string(&mut target).expect("read link");
    assert_eq!(target, "src/Widget.php");
    drop(link);

    let mut contents = String::new();
    let mut widget = zip
        .by_name(&format!("{TOP}/src/Widget.php"))
        .expect("widget");
    widget.read_to_string(&mut contents).expect("read");
    assert_eq!(contents, "<?php class Widget {}");
    let modified = widget.last_modified().expect("timestamp");
    // Zip stores local time in 2-second steps; ours is UTC.
    let stamp = (modified.year(), modified.month(), modified.day());
    let clock = (modified.hour(), modified.minute(), modified.second());
    assert_eq!((stamp, clock), ((2023, 11, 14), (22, 13, 20)));
    drop(widget);

    let skipped = [
        ("evil", SkipReason::SymlinkOutsidePackage),
        ("vendor/lib", SkipReason::Submodule),
    ]
    .map(|(path, reason)| SkippedEntry {
        path: path.to_owned(),
        reason,
    });
    assert_eq!(built.skipped, skipped);
}

#[test]
fn the_zip_unpacks_with_unzip_keeping_modes_and_links() {
    let (_work, _up, mirror, commit) = mirrored_package();
    let built = build_zip(mirror.repo(), &commit, TOP).expect("zip");
    let out = tempfile::tempdir().expect("tempdir");
    let archive = out.path().join("dist.zip");
    std::fs::write(&archive, &built.bytes).expect("write zip");
    let status = std::process::Command::new("unzip")
        .arg("-q")
        .arg(&archive)
        .arg("-d")
        .arg(out.path().join("x"))
        .status();
    let Ok(status) = status else {
        eprintln!("unzip is not installed; extraction not checked");
        return;
    };
    assert!(status.success());
    use std::os::unix::fs::PermissionsExt as _;
    let root = out.path().join("x").join(TOP);
    let tool = std::fs::metadata(root.join("bin/tool")).expect("tool");
    assert_eq!(tool.permissions().mode() & 0o111, 0o111);
    let link = std::fs::read_link(root.join("link")).expect("symlink");
    assert_eq!(link, std::path::Path::new("src/Widget.php"));
    assert!(!root.join("tests").exists() && !root.join("docs").exists());
}
