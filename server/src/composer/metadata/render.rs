//! The documents served to the client: a package's two p2 files (spec 2.1, 2.2) and
//! the root `packages.json` (spec 1.3).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::minify;
use crate::composer::version::{Stability, compare, parse_stability};

/// Whether a version belongs in `<name>~dev.json` rather than `<name>.json`: Packagist's
/// `isDevelopment()`, the dev stability of the normalized version (branches, and
/// nothing else since tags cannot publish dev versions).
pub fn is_dev_version(version_normalized: &str) -> bool {
    parse_stability(version_normalized) == Stability::Dev
}

/// A package's two p2 documents, serialized. Both exist for every known package, even
/// with no versions of their kind, so the client gets `200` and `[]` rather than a 404
/// that it would take for "no such package".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFiles {
    /// `p2/<name>.json`: tags.
    pub tagged: String,
    /// `p2/<name>~dev.json`: branches.
    pub dev: String,
}

/// The file shape of spec 2.2. A struct rather than a `json!` so the key order is fixed
/// by this declaration.
#[derive(Serialize)]
struct P2File<'a> {
    minified: &'static str,
    packages: BTreeMap<&'a str, Vec<Value>>,
}

/// Split version objects (from `version_object`) into the two files, newest first,
/// minified. `name` is the lower-case package name, the key the client looks up.
pub fn render_package_files(name: &str, versions: Vec<Map<String, Value>>) -> PackageFiles {
    let (mut dev, mut tagged): (Vec<_>, Vec<_>) = versions
        .into_iter()
        .partition(|version| is_dev_version(sort_key(version).0));
    // Newest first as Packagist writes them: neighbours then tend to be similar, which
    // keeps the minified diffs small. The pretty version breaks ties (`dev-*` branches
    // all compare equal), so the bytes depend only on the set of versions.
    let newest_first = |a: &Map<String, Value>, b: &Map<String, Value>| -> Ordering {
        let (a_normalized, a_pretty) = sort_key(a);
        let (b_normalized, b_pretty) = sort_key(b);
        compare(b_normalized, a_normalized).then_with(|| a_pretty.cmp(b_pretty))
    };
    tagged.sort_by(newest_first);
    dev.sort_by(newest_first);
    PackageFiles {
        tagged: render_p2(name, &tagged),
        dev: render_p2(name, &dev),
    }
}

/// `version_normalized` and `version`; a missing normalized version falls back to the
/// pretty one, which is what the client would normalize.
fn sort_key(version: &Map<String, Value>) -> (&str, &str) {
    let pretty = version.get("version").and_then(Value::as_str).unwrap_or("");
    let normalized = version
        .get("version_normalized")
        .and_then(Value::as_str)
        .unwrap_or(pretty);
    (normalized, pretty)
}

fn render_p2(name: &str, versions: &[Map<String, Value>]) -> String {
    let file = P2File {
        minified: "composer/2.0",
        packages: BTreeMap::from([(name, minify(versions))]),
    };
    serde_json::to_string(&file).expect("JSON values always serialize")
}

/// What the root file of one repository view says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootDocument {
    /// Host-relative path with the repository's own prefix, e.g.
    /// `/acme/p2/%package%.json`: the client drops the repository URL's path when
    /// resolving a leading `/` (spec 1.2).
    pub metadata_url: String,
    /// Every package name this view may fetch; lets the client skip 404 lookups.
    pub available_packages: Vec<String>,
    /// Absolute URL for install statistics (spec 6).
    pub notify_batch: String,
}

#[derive(Serialize)]
struct RootFile<'a> {
    /// Always empty: every package comes from `metadata-url`. A list, as Packagist sends.
    packages: [(); 0],
    #[serde(rename = "metadata-url")]
    metadata_url: &'a str,
    #[serde(rename = "notify-batch")]
    notify_batch: &'a str,
    #[serde(rename = "available-packages")]
    available_packages: Vec<&'a str>,
}

/// `packages.json`. Names are sorted and deduplicated so that the bytes, and with them
/// `Last-Modified` / ETag, change only when the set of packages does.
pub fn render_root(root: &RootDocument) -> String {
    let mut available_packages: Vec<&str> =
        root.available_packages.iter().map(String::as_str).collect();
    available_packages.sort_unstable();
    available_packages.dedup();
    let file = RootFile {
        packages: [],
        metadata_url: &root.metadata_url,
        notify_batch: &root.notify_batch,
        available_packages,
    };
    serde_json::to_string(&file).expect("strings always serialize")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn version(pretty: &str, normalized: &str) -> Map<String, Value> {
        let Value::Object(map) = json!({
            "name": "acme/hello", "version": pretty, "version_normalized": normalized,
            "dist": {"type": "zip", "url": format!("https://r/{pretty}.zip")},
        }) else {
            unreachable!()
        };
        map
    }

    fn listed(file: &str) -> Vec<String> {
        let document: Value = serde_json::from_str(file).unwrap();
        assert_eq!(document["minified"], "composer/2.0");
        let versions = document["packages"]["acme/hello"].as_array().unwrap();
        super::super::expand(versions)
            .iter()
            .map(|version| version["version"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn dev_versions_are_branches() {
        let dev = [
            "dev-main",
            "dev-feature/foo",
            "1.9999999.9999999.9999999-dev",
            "1.0.0.0-dev",
            "9999999-dev",
        ];
        for normalized in dev {
            assert!(is_dev_version(normalized), "{normalized}");
        }
        let tagged = [
            "1.0.0.0",
            "2.0.0.0-beta1",
            "1.0.0.0-RC1",
            "1.0.0.0-alpha",
            "1.0.0.0-patch1",
            "2024.01.15.0",
            "devel",
        ];
        for normalized in tagged {
            assert!(!is_dev_version(normalized), "{normalized}");
        }
    }

    #[test]
    fn splits_and_orders_newest_first() {
        let versions = vec![
            version("v1.0.0", "1.0.0.0"),
            version("dev-main", "dev-main"),
            version("1.0.0-RC1", "1.0.0.0-RC1"),
            version("1.x-dev", "1.9999999.9999999.9999999-dev"),
            version("v1.10.0", "1.10.0.0"),
            version("dev-feature", "dev-feature"),
            version("2.0.0-beta1", "2.0.0.0-beta1"),
            version("v1.2.0", "1.2.0.0"),
            version("1.0.0-patch1", "1.0.0.0-patch1"),
            version("2.1.x-dev", "2.1.9999999.9999999-dev"),
        ];
        let files = render_package_files("acme/hello", versions.clone());
        assert_eq!(
            listed(&files.tagged),
            [
                "2.0.0-beta1",
                "v1.10.0",
                "v1.2.0",
                "1.0.0-patch1",
                "v1.0.0",
                "1.0.0-RC1"
            ]
        );
        assert_eq!(
            listed(&files.dev),
            ["2.1.x-dev", "1.x-dev", "dev-feature", "dev-main"]
        );
        // The input order does not matter.
        let mut reversed = versions;
        reversed.reverse();
        assert_eq!(render_package_files("acme/hello", reversed), files);
    }

    #[test]
    fn both_files_exist_without_versions() {
        let files = render_package_files("acme/hello", vec![version("v1.0.0", "1.0.0.0")]);
        assert_eq!(
            files.dev,
            r#"{"minified":"composer/2.0","packages":{"acme/hello":[]}}"#
        );
        let files = render_package_files("acme/hello", Vec::new());
        assert_eq!(
            files.tagged,
            r#"{"minified":"composer/2.0","packages":{"acme/hello":[]}}"#
        );
        assert_eq!(files.tagged, files.dev);
    }

    #[test]
    fn root_file() {
        let root = RootDocument {
            metadata_url: "/acme/p2/%package%.json".into(),
            available_packages: vec!["acme/util".into(), "acme/hello".into(), "acme/util".into()],
            notify_batch: "https://repo.example.com/acme/downloads/".into(),
        };
        assert_eq!(
            render_root(&root),
            concat!(
                r#"{"packages":[],"metadata-url":"/acme/p2/%package%.json","#,
                r#""notify-batch":"https://repo.example.com/acme/downloads/","#,
                r#""available-packages":["acme/hello","acme/util"]}"#
            )
        );
        let empty = RootDocument {
            available_packages: Vec::new(),
            ..root
        };
        assert!(render_root(&empty).ends_with(r#""available-packages":[]}"#));
    }
}
