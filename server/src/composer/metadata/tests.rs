//! A realistic package end to end: manifests as the VCS layer reads them, through
//! validation and version objects, to the two p2 files; pinned with snapshots.

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use super::*;
use crate::composer::version::{branch_version, tag_version};

const REPO: &str = "https://repo.example.com/acme";

/// A fake 40-hex-digit hash, distinct per `seed` below 16.
fn sha(seed: u32) -> String {
    format!("{seed:x}").repeat(40)
}

/// A version as the publishing job would assemble it; `git_ref` is the tag or branch.
fn record(git_ref: &str, is_tag: bool, day: u32, composer_json: Value) -> VersionRecord {
    let (version, version_normalized) = if is_tag {
        let tag = tag_version(git_ref).unwrap();
        (tag.pretty, tag.normalized)
    } else {
        let branch = branch_version(git_ref).unwrap();
        (branch.pretty, branch.normalized)
    };
    let reference = sha(day);
    VersionRecord {
        name: "acme/hello".into(),
        version,
        version_normalized,
        time: Utc.with_ymd_and_hms(2024, 2, day, 10, 0, 0).unwrap(),
        manifest: validate_composer_json(composer_json.to_string().as_bytes()).unwrap(),
        source: Some(Source {
            url: "https://git.example.com/acme/hello.git".into(),
            reference: reference.clone(),
        }),
        dist: Some(Dist {
            url: format!("{REPO}/dists/acme/hello/{reference}.zip"),
            shasum: sha(day + 3),
            reference,
        }),
        default_branch: git_ref == "main",
    }
}

fn manifest(name: &str, php: &str, extra: Value) -> Value {
    json!({
        "name": name,
        "description": "Greets the world",
        "type": "library",
        "license": ["MIT"],
        "authors": [{"name": "Ada Acme", "email": "ada@acme.example"}],
        "require": {"php": php, "psr/log": "^3.0"},
        "require-dev": {"phpunit/phpunit": "^10.5"},
        "autoload": {"psr-4": {"Acme\\Hello\\": "src/"}},
        "extra": extra,
        "scripts": {"test": "phpunit"},
        "config": {"sort-packages": true},
    })
}

/// Tags `v1.0.0`, `v1.1.0`, `2.0.0-beta1`; branches `main` (default, aliased `2.0.x-dev`)
/// and `1.x` (aliased `1.1.x-dev`). The first tag still has the package's old name.
fn acme_hello() -> Vec<VersionRecord> {
    let aliases = json!({"branch-alias": {"dev-main": "2.0.x-dev", "1.x-dev": "1.1.x-dev"}});
    let mut v1_0 = manifest("acme/hello-world", ">=8.1", json!({}));
    v1_0["require"] = json!({"php": ">=8.1"});
    vec![
        record("v1.0.0", true, 1, v1_0),
        record(
            "v1.1.0",
            true,
            5,
            manifest("acme/hello", ">=8.1", aliases.clone()),
        ),
        record(
            "2.0.0-beta1",
            true,
            10,
            manifest("acme/hello", ">=8.2", aliases.clone()),
        ),
        record(
            "main",
            false,
            12,
            manifest("acme/hello", ">=8.2", aliases.clone()),
        ),
        record("1.x", false, 11, manifest("acme/hello", ">=8.1", aliases)),
    ]
}

fn rendered() -> PackageFiles {
    let objects = acme_hello()
        .iter()
        .map(|record| version_object(record).unwrap())
        .collect();
    render_package_files("acme/hello", objects)
}

fn parse(file: &str) -> Value {
    serde_json::from_str(file).unwrap()
}

#[test]
fn tagged_file_snapshot() {
    insta::assert_json_snapshot!("acme_hello_tagged", parse(&rendered().tagged));
}

#[test]
fn dev_file_snapshot() {
    insta::assert_json_snapshot!("acme_hello_dev", parse(&rendered().dev));
}

#[test]
fn root_file_snapshot() {
    let root = RootDocument {
        metadata_url: "/acme/p2/%package%.json".into(),
        available_packages: vec!["acme/world".into(), "acme/hello".into()],
        notify_batch: format!("{REPO}/downloads/"),
    };
    insta::assert_snapshot!("acme_root", render_root(&root));
}

/// What the client's loader insists on (spec 2.4), checked on the expanded file.
#[test]
fn every_served_version_is_loadable() {
    let files = rendered();
    for (file, expected_count) in [(&files.tagged, 3), (&files.dev, 2)] {
        let document = parse(file);
        assert_eq!(document["minified"], "composer/2.0");
        let minified = document["packages"]["acme/hello"].as_array().unwrap();
        let versions = expand(minified);
        assert_eq!(versions.len(), expected_count);
        for version in &versions {
            assert_eq!(version["name"], "acme/hello", "{version:?}");
            assert!(version["version"].is_string(), "{version:?}");
            assert_eq!(version["dist"]["type"], "zip", "{version:?}");
            let url = version["dist"]["url"].as_str().unwrap();
            assert!(
                url.starts_with("https://"),
                "dist URLs must be absolute: {url}"
            );
            assert!(!version.contains_key("scripts") && !version.contains_key("config"));
        }
    }
}

/// The served bytes are compact JSON and expand back to exactly the version objects.
#[test]
fn served_files_expand_to_the_version_objects() {
    let files = rendered();
    assert!(!files.tagged.contains('\n') && !files.tagged.contains(": "));
    let objects: Vec<_> = acme_hello()
        .iter()
        .map(|record| version_object(record).unwrap())
        .collect();
    let expanded = expand(
        parse(&files.tagged)["packages"]["acme/hello"]
            .as_array()
            .unwrap(),
    );
    let versions: Vec<&str> = expanded
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["2.0.0-beta1", "v1.1.0", "v1.0.0"]);
    for version in &expanded {
        assert!(objects.contains(version));
    }
    let expanded = expand(
        parse(&files.dev)["packages"]["acme/hello"]
            .as_array()
            .unwrap(),
    );
    let versions: Vec<&str> = expanded
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["1.x-dev", "dev-main"]);
    assert_eq!(expanded[1]["default-branch"], true);
    assert_eq!(
        expanded[1]["extra"]["branch-alias"],
        json!({"dev-main": "2.0.x-dev"})
    );
    assert_eq!(
        expanded[0]["extra"]["branch-alias"],
        json!({"1.x-dev": "1.1.x-dev"})
    );
    for version in &expanded {
        assert!(objects.contains(version));
    }
}
