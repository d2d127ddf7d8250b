//! One version as the client receives it in a p2 file (spec 2.4): the package's
//! composer.json less what a repository must not pass on, plus what only the
//! repository knows (name, versions, time, where to download).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::{ComposerJson, ManifestError};
use crate::composer::version::branch_alias;

/// Where to clone a version from; always git here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub url: String,
    /// The commit id.
    pub reference: String,
}

/// The archive to download; always zip here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dist {
    /// Absolute: the client never resolves dist URLs against the repository (spec 1.2).
    pub url: String,
    pub reference: String,
    /// Lower-case hex SHA-1 of the archive bytes, or empty for "not checked".
    pub shasum: String,
}

/// Everything needed to publish one version of a package.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRecord {
    /// The package name every version is published under: the default branch's
    /// (spec 3.2 rule 8), whatever this version's own composer.json says.
    pub name: String,
    /// Pretty version: `v1.1.0`, `dev-main`, `1.x-dev`.
    pub version: String,
    pub version_normalized: String,
    pub time: DateTime<Utc>,
    pub manifest: ComposerJson,
    /// Left out for customers who may only download archives (spec 2.4: the client
    /// falls back to cloning when a dist fails, which would hide the failure).
    pub source: Option<Source>,
    pub dist: Option<Dist>,
    /// The repository's default branch; only ever its dev version.
    pub default_branch: bool,
}

/// Keys of a composer.json that never reach the client, and why:
///
/// * The repository's own keys (`name`, `version`, `version_normalized`, `time`,
///   `source`, `dist`, `default-branch`) are replaced by the record's values. A
///   manifest must not be able to publish a download location or claim to be the
///   default branch.
/// * `notification-url`: the root's `notify-batch` covers every version; an author's
///   URL would send our customers' install statistics elsewhere.
/// * Root-only keys the client ignores on dependencies: `repositories`, `config`,
///   `minimum-stability`, `prefer-stable`, `non-feature-branches`, and the scripts
///   (`scripts`, `scripts-descriptions`, `scripts-aliases`: Composer runs only the
///   root package's scripts; `create-project` reads them from the archive). Packagist
///   drops these as well. `config` and `repositories` often hold credentials or
///   internal hosts, and scripts deployment commands, so passing them on would leak
///   them to every customer.
/// * Keys of other formats: `uid` (v1 only), `transport-options` (never read from a
///   remote repository), `installation-source` (installed.json).
///
/// Everything else, including unknown keys, `require-dev`, `autoload-dev`, `archive`
/// and `abandoned`, is copied as written: spec 2.4 lists those as copied through.
const DROPPED_KEYS: &[&str] = &[
    "name",
    "version",
    "version_normalized",
    "time",
    "source",
    "dist",
    "default-branch",
    "notification-url",
    "repositories",
    "config",
    "minimum-stability",
    "prefer-stable",
    "non-feature-branches",
    "scripts",
    "scripts-descriptions",
    "scripts-aliases",
    "uid",
    "transport-options",
    "installation-source",
];

/// Build the per-version object. Keys come in a fixed order: `name`, `version`,
/// `version_normalized`, then the manifest's keys as written, then `time`, `source`,
/// `dist`, `default-branch`. Fails only when the record has neither a dist nor a
/// source, since the client cannot install such a version.
pub fn version_object(record: &VersionRecord) -> Result<Map<String, Value>, ManifestError> {
    if record.source.is_none() && record.dist.is_none() {
        return Err(ManifestError::new(
            "dist",
            format!(
                "version {} has neither a dist nor a source to install from",
                record.version
            ),
        ));
    }
    let mut object = Map::new();
    object.insert("name".into(), record.name.clone().into());
    object.insert("version".into(), record.version.clone().into());
    object.insert(
        "version_normalized".into(),
        record.version_normalized.clone().into(),
    );
    for (key, value) in record.manifest.as_map() {
        if DROPPED_KEYS.contains(&key.as_str()) {
            continue;
        }
        if key == "extra" {
            if let Some(extra) = published_extra(record, value) {
                object.insert(key.clone(), extra);
            }
            continue;
        }
        object.insert(key.clone(), value.clone());
    }
    object.insert("time".into(), packagist_time(record.time).into());
    if let Some(source) = &record.source {
        object.insert(
            "source".into(),
            json!({"type": "git", "url": source.url, "reference": source.reference}),
        );
    }
    if let Some(dist) = &record.dist {
        object.insert(
            "dist".into(),
            json!({"type": "zip", "url": dist.url, "reference": dist.reference, "shasum": dist.shasum}),
        );
    }
    if record.default_branch {
        object.insert("default-branch".into(), true.into());
    }
    Ok(object)
}

/// `extra` with `branch-alias` reduced to the one alias the client would derive for
/// this version (spec 3.4), written as `{"<version>": "<alias>"}`; `None` when nothing
/// is left.
///
/// A composer.json often carries entries for other branches, or stale ones on tags,
/// which the client ignores anyway; dropping them keeps tags' `extra` identical, so
/// the minifier can leave it out. The default branch's implicit `9999999-dev` alias is
/// not written: the client infers it from `default-branch`, and writing it would turn
/// an inference into a claim that outlives a change of default branch.
fn published_extra(record: &VersionRecord, extra: &Value) -> Option<Value> {
    let Value::Object(extra) = extra else {
        // `null` or `[]` (validation allows nothing else): nothing to publish.
        return None;
    };
    let declared = branch_alias(&record.version, false, record.manifest.branch_alias());
    let inferred = branch_alias(&record.version, record.default_branch, None);
    let alias = declared.filter(|alias| Some(alias) != inferred.as_ref());
    // Rebuilt in the author's order, the alias where `branch-alias` was written.
    let mut published = Map::new();
    for (key, value) in extra {
        if key != "branch-alias" {
            published.insert(key.clone(), value.clone());
        } else if let Some(alias) = &alias {
            let mut aliases = Map::new();
            aliases.insert(record.version.clone(), alias.pretty.clone().into());
            published.insert(key.clone(), aliases.into());
        }
    }
    (!published.is_empty()).then_some(Value::Object(published))
}

/// Packagist's `Y-m-d\TH:i:sP` in UTC: `2024-02-03T10:00:00+00:00`.
fn packagist_time(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

#[cfg(test)]
#[path = "version_object_tests.rs"]
mod tests;
