//! Repacking a mirror that libgit2 filled with one pack per fetch.

use super::{FILE, Upstream, mirror_dir};
use crate::vcs::maintenance::{MAX_PACKS, ObjectCounts, Repack, repack, repack_with};
use crate::vcs::{Mirror, list_refs, read_file_at};

#[test]
fn many_fetches_leave_many_packs_and_a_repack_leaves_one() {
    let up = Upstream::new();
    let work = tempfile::tempdir().expect("tempdir");
    let mirror = Mirror::open_or_init(&mirror_dir(work.path()), &up.url()).expect("init");
    let mut last = None;
    for round in 0..=MAX_PACKS {
        let content = format!(r#"{{"name": "acme/widgets", "description": "round {round}"}}"#);
        last = Some(up.commit(
            "main",
            &[("composer.json", content.as_bytes(), FILE)],
            1_700_000_000 + round as i64 * 60,
        ));
        mirror.fetch(None, |_| {}).expect("fetch");
    }
    let before = ObjectCounts::of(mirror.path()).expect("counts");
    assert!(before.packs > MAX_PACKS, "{before:?}");
    assert!(before.needs_repack());

    match repack(mirror.path()) {
        Repack::Done {
            before: counted,
            after,
        } => {
            assert_eq!(counted, before);
            assert_eq!(after.packs, 1, "{after:?}");
            assert!(!after.needs_repack());
        }
        other => panic!("git gc did not run: {other:?}"),
    }
    // Everything is still there, for libgit2 too.
    let mirror = Mirror::open(mirror.path()).expect("reopen");
    let refs = list_refs(mirror.repo()).expect("refs");
    let main = refs
        .branches
        .iter()
        .find(|r| r.name == "main")
        .expect("main");
    assert_eq!(Some(main.commit.clone()), last.map(|id| id.to_string()));
    let manifest = read_file_at(mirror.repo(), &main.commit, "composer.json")
        .expect("read")
        .expect("composer.json");
    assert!(String::from_utf8_lossy(&manifest).contains(&format!("round {MAX_PACKS}")));
    // And the next fetch works on the repacked mirror.
    up.commit("main", &[("composer.json", b"{}", FILE)], 1_800_000_000);
    mirror.fetch(None, |_| {}).expect("fetch after repack");
}

#[test]
fn a_fresh_mirror_needs_nothing_and_a_missing_git_is_reported() {
    let up = Upstream::new();
    up.commit("main", &[("composer.json", b"{}", FILE)], 1_700_000_000);
    let work = tempfile::tempdir().expect("tempdir");
    let mirror = Mirror::open_or_init(&mirror_dir(work.path()), &up.url()).expect("init");
    mirror.fetch(None, |_| {}).expect("fetch");
    let counts = ObjectCounts::of(mirror.path()).expect("counts");
    assert_eq!(counts.packs, 1, "{counts:?}");
    assert!(!counts.needs_repack());
    assert_eq!(
        repack_with("packyard-test-no-such-git", mirror.path()),
        Repack::GitMissing
    );
    let loose = ObjectCounts {
        packs: 1,
        loose_objects: crate::vcs::maintenance::MAX_LOOSE_OBJECTS + 1,
    };
    assert!(loose.needs_repack());
}
