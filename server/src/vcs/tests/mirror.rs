//! Mirrors over file://, refs, files at a ref, and the errors of local and unreachable
//! remotes.

use std::time::{Duration, Instant};

use chrono::DateTime;

use super::{FILE, Upstream, mirror_dir};
use crate::vcs::{Mirror, RefKind, VcsError, list_refs, read_file_at};

const COMPOSER_JSON: &[u8] = br#"{"name": "acme/widgets"}"#;
const T1: i64 = 1_700_000_000;
const T2: i64 = 1_700_100_000;
const T3: i64 = 1_700_200_000;
const T4: i64 = 1_700_300_000;
const T5: i64 = 1_700_400_000;

/// main: A (v1.0.0, lightweight) → B (v1.1.0, annotated later than B) → C (no
/// composer.json); 1.x: A → D.
struct History {
    a: String,
    b: String,
    c: String,
    d: String,
}

fn upstream_with_history() -> (Upstream, History) {
    let up = Upstream::new();
    let a = up.commit("main", &[("composer.json", COMPOSER_JSON, FILE)], T1);
    up.lightweight_tag("v1.0.0", a);
    up.branch("1.x", a);
    let d = up.commit(
        "1.x",
        &[("composer.json", COMPOSER_JSON, FILE), ("x", b"1", FILE)],
        T4,
    );
    let b = up.commit(
        "main",
        &[("composer.json", COMPOSER_JSON, FILE), ("b", b"", FILE)],
        T2,
    );
    up.annotated_tag("v1.1.0", b, T3);
    let c = up.commit("main", &[("README", b"gone", FILE)], T5);
    let [a, b, c, d] = [a, b, c, d].map(|id| id.to_string());
    (up, History { a, b, c, d })
}

fn at(seconds: i64) -> chrono::DateTime<chrono::Utc> {
    DateTime::from_timestamp(seconds, 0).expect("timestamp")
}

#[test]
fn fetch_mirrors_branches_tags_and_the_default_branch() {
    let (up, h) = upstream_with_history();
    let work = tempfile::tempdir().expect("tempdir");
    let mirror = Mirror::open_or_init(&mirror_dir(work.path()), &up.url()).expect("init");
    assert!(mirror.repo().is_bare());

    let mut reports = 0;
    let outcome = mirror.fetch(None, |_| reports += 1).expect("fetch");
    assert_eq!(outcome.default_branch.as_deref(), Some("main"));
    assert_eq!(outcome.ssh_host_key, None);
    let created: Vec<_> = outcome
        .updated_refs
        .iter()
        .filter(|u| u.old.is_none())
        .map(|u| u.name.as_str())
        .collect();
    assert_eq!(
        created.len(),
        4,
        "refs/heads/{{main,1.x}} and refs/tags/{{v1.0.0,v1.1.0}}: {created:?}"
    );
    assert!(reports > 0, "progress was never reported");

    let refs = list_refs(mirror.repo()).expect("refs");
    let names = |list: &[crate::vcs::GitRef]| -> Vec<String> {
        list.iter().map(|r| r.name.clone()).collect()
    };
    assert_eq!(names(&refs.branches), ["1.x", "main"]);
    assert_eq!(names(&refs.tags), ["v1.0.0", "v1.1.0"]);
    assert_eq!(refs.default_branch.as_deref(), Some("main"));

    let main = refs.branch("main").expect("main");
    assert_eq!(
        (main.kind, main.commit.as_str()),
        (RefKind::Branch, h.c.as_str())
    );
    assert_eq!(main.committed_at, at(T5));
    assert_eq!(refs.branch("1.x").expect("1.x").commit, h.d);
    let v100 = refs.tag("v1.0.0").expect("v1.0.0");
    assert_eq!(
        (v100.kind, v100.commit.as_str()),
        (RefKind::Tag, h.a.as_str())
    );
    // The annotated tag is peeled: the commit's id and time, not the tag's.
    let v110 = refs.tag("v1.1.0").expect("v1.1.0");
    assert_eq!(
        (v110.commit.as_str(), v110.committed_at),
        (h.b.as_str(), at(T2))
    );
    assert_eq!(v110.authored_at, at(T2));
}

#[test]
fn a_second_fetch_sees_new_tags_deleted_branches_and_a_new_default_branch() {
    let (up, h) = upstream_with_history();
    let work = tempfile::tempdir().expect("tempdir");
    let path = mirror_dir(work.path());
    Mirror::open_or_init(&path, &up.url())
        .expect("init")
        .fetch(None, |_| {})
        .expect("first fetch");

    let a = git2::Oid::from_str(&h.a).expect("oid");
    up.annotated_tag("2.0.0-beta1", a, T5);
    up.delete_branch("1.x");
    up.branch("develop", a);
    up.repo
        .set_head("refs/heads/develop")
        .expect("upstream HEAD");

    // Reopened, as a later job would.
    let mirror = Mirror::open_or_init(&path, &up.url()).expect("reopen");
    let outcome = mirror.fetch(None, |_| {}).expect("second fetch");
    assert_eq!(outcome.default_branch.as_deref(), Some("develop"));
    let refs = list_refs(mirror.repo()).expect("refs");
    let branches: Vec<_> = refs.branches.iter().map(|r| r.name.as_str()).collect();
    let tags: Vec<_> = refs.tags.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(branches, ["develop", "main"]);
    assert_eq!(tags, ["2.0.0-beta1", "v1.0.0", "v1.1.0"]);
    assert_eq!(refs.tag("2.0.0-beta1").expect("tag").commit, h.a);
    assert_eq!(refs.default_branch.as_deref(), Some("develop"));
    let changed: Vec<_> = outcome
        .updated_refs
        .iter()
        .map(|u| u.name.as_str())
        .collect();
    assert!(changed.contains(&"refs/tags/2.0.0-beta1"), "{changed:?}");
    assert!(!changed.contains(&"refs/heads/main"), "{changed:?}");
    let pruned = outcome
        .updated_refs
        .iter()
        .find(|u| u.name == "refs/heads/1.x");
    assert_eq!(
        pruned.map(|u| (u.old.as_deref(), u.new.as_deref())),
        Some((Some(h.d.as_str()), None))
    );
}

#[test]
fn files_are_read_at_a_commit() {
    let (up, h) = upstream_with_history();
    let work = tempfile::tempdir().expect("tempdir");
    let mirror = Mirror::open_or_init(&mirror_dir(work.path()), &up.url()).expect("init");
    mirror.fetch(None, |_| {}).expect("fetch");
    let repo = mirror.repo();

    let at_tag = read_file_at(repo, &h.a, "composer.json").expect("read");
    assert_eq!(at_tag.as_deref(), Some(COMPOSER_JSON));
    assert_eq!(
        read_file_at(repo, &h.c, "composer.json").expect("read"),
        None
    );
    assert_eq!(
        read_file_at(repo, &h.c, "no/such/dir.json").expect("read"),
        None
    );

    let short = &h.a[..10];
    let err = read_file_at(repo, short, "composer.json").err();
    assert!(matches!(err, Some(VcsError::InvalidCommitId(_))), "{err:?}");
    let missing = "1".repeat(40);
    let err = read_file_at(repo, &missing, "composer.json").err();
    assert!(matches!(err, Some(VcsError::CommitNotFound(_))), "{err:?}");
}

#[test]
fn oversized_files_and_non_files_are_not_read() {
    let up = Upstream::new();
    let big = vec![b' '; crate::vcs::MAX_FILE_BYTES + 1];
    let files = [
        ("composer.json", big.as_slice(), FILE),
        ("dir/inner", b"x".as_slice(), FILE),
        ("link.json", b"composer.json".as_slice(), super::LINK),
    ];
    let commit = up.commit("main", &files, T1).to_string();
    let err = read_file_at(&up.repo, &commit, "composer.json").err();
    assert!(matches!(err, Some(VcsError::FileTooLarge { size, .. }) if size == big.len()));
    assert_eq!(read_file_at(&up.repo, &commit, "dir").expect("read"), None);
    assert_eq!(
        read_file_at(&up.repo, &commit, "link.json").expect("read"),
        None
    );
}

#[test]
fn an_empty_remote_fetches_nothing() {
    let up = Upstream::new();
    let work = tempfile::tempdir().expect("tempdir");
    let mirror = Mirror::open_or_init(&mirror_dir(work.path()), &up.url()).expect("init");
    let outcome = mirror.fetch(None, |_| {}).expect("fetch");
    assert_eq!(outcome.default_branch, None);
    let refs = list_refs(mirror.repo()).expect("refs");
    assert!(refs.branches.is_empty() && refs.tags.is_empty() && refs.default_branch.is_none());
}

#[test]
fn a_changed_url_is_stored() {
    let (up, _) = upstream_with_history();
    let work = tempfile::tempdir().expect("tempdir");
    let path = mirror_dir(work.path());
    Mirror::open_or_init(&path, "https://git.example.test/old.git").expect("init");
    let mirror = Mirror::open_or_init(&path, &up.url()).expect("reopen");
    assert_eq!(mirror.remote_url().expect("url"), up.url());
    mirror.fetch(None, |_| {}).expect("fetch from the new URL");
}

#[test]
fn a_missing_local_source_is_not_found_and_a_plain_directory_is_not_a_repository() {
    let work = tempfile::tempdir().expect("tempdir");
    let missing = work.path().join("nowhere");
    // As a file:// URL and as a plain path, which libgit2 alone would call an
    // "unsupported URL protocol".
    for nowhere in [
        format!("file://{}", missing.display()),
        missing.display().to_string(),
    ] {
        let mirror = Mirror::open_or_init(&mirror_dir(work.path()), &nowhere).expect("init");
        let err = mirror.fetch(None, |_| {}).err();
        assert!(
            matches!(err, Some(VcsError::RepositoryNotFound { .. })),
            "{err:?}"
        );
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            message,
            format!(
                "repository not found at {nowhere}: nothing exists at that path on the \
                 Packyard server. Check the URL"
            )
        );
    }

    let plain = work.path().join("plain");
    std::fs::create_dir_all(&plain).expect("mkdir");
    std::fs::write(plain.join("file.txt"), "x").expect("write");
    for plain_url in [
        format!("file://{}", plain.display()),
        plain.display().to_string(),
    ] {
        let mirror = Mirror::open_or_init(&work.path().join("m2"), &plain_url).expect("init");
        let err = mirror.fetch(None, |_| {}).err();
        assert!(
            matches!(err, Some(VcsError::NotARepository { .. })),
            "{plain_url}: {err:?}"
        );
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(message, format!("{plain_url} is not a git repository"));
    }

    // The mirror's own directory must be a repository, or empty.
    let nowhere = format!("file://{}", missing.display());
    let err = Mirror::open_or_init(&plain, &nowhere).err();
    assert!(
        matches!(err, Some(VcsError::NotARepository { .. })),
        "{err:?}"
    );
    let err = Mirror::open(&work.path().join("nothing")).err();
    assert!(
        matches!(err, Some(VcsError::NotARepository { .. })),
        "{err:?}"
    );
}

#[test]
fn an_unreachable_host_fails_fast_with_the_unreachable_error() {
    let work = tempfile::tempdir().expect("tempdir");
    let url = "https://127.0.0.1:1/x.git";
    let mirror = Mirror::open_or_init(&mirror_dir(work.path()), url).expect("init");
    let started = Instant::now();
    let err = mirror.fetch(None, |_| {}).err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(matches!(err, Some(VcsError::Unreachable { .. })), "{err:?}");
    let message = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("cannot reach https://127.0.0.1:1/x.git"),
        "{message}"
    );
}
