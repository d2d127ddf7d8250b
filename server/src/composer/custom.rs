//! Custom packages: versions defined by hand in JSON, for code that lives outside git
//! or behind download links (Composer's `package` repository type).
//!
//! Accepted shapes: one version object, a list of them, or a whole `package` repository
//! (`{"type": "package", "package": …}`). Every version needs `name`, `version` and a
//! `dist` (`type`, `url`) or a `source` (`type`, `url`, `reference`); they are published
//! as written, with `version_normalized` added.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::metadata::validate_composer_json;
use super::version::{normalize, parse_stability};
use crate::error::{Error, Result};

const FIELD: &str = "definition";
const MAX_VERSIONS: usize = 1000;

#[derive(Debug, Clone, PartialEq)]
pub struct CustomVersion {
    pub name: String,
    pub version: String,
    pub version_normalized: String,
    pub stability: String,
    pub released_at: Option<DateTime<Utc>>,
    pub source_reference: Option<String>,
    pub dist_reference: Option<String>,
    pub dist_shasum: Option<String>,
    /// The version object as it will be published.
    pub data: Map<String, Value>,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::invalid(FIELD, message)
}

pub fn parse_definition(text: &str) -> Result<Vec<CustomVersion>> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| invalid(format!("not valid JSON: {e}")))?;
    let objects = match value {
        Value::Object(mut object)
            if object.contains_key("package") && !object.contains_key("name") =>
        {
            match object.remove("package") {
                Some(Value::Array(items)) => items,
                Some(single @ Value::Object(_)) => vec![single],
                _ => {
                    return Err(invalid(
                        "\"package\" must be a version object or a list of them",
                    ));
                }
            }
        }
        Value::Object(object) => vec![Value::Object(object)],
        Value::Array(items) => items,
        _ => {
            return Err(invalid(
                "expected a version object, a list of them, or a package repository",
            ));
        }
    };
    if objects.is_empty() {
        return Err(invalid("define at least one version"));
    }
    if objects.len() > MAX_VERSIONS {
        return Err(invalid(format!("at most {MAX_VERSIONS} versions")));
    }
    let mut versions: Vec<CustomVersion> = Vec::with_capacity(objects.len());
    for (index, object) in objects.into_iter().enumerate() {
        let at = VersionPath::of(index, &object);
        let version = parse_version(&at, object)?;
        if let Some(first) = versions.first()
            && first.name != version.name
        {
            return Err(at.invalid(
                "name",
                format!(
                    "is {}, but the first version's is {}: one package per definition",
                    version.name, first.name
                ),
            ));
        }
        if let Some(earlier) = versions
            .iter()
            .find(|v| v.version_normalized == version.version_normalized)
        {
            return Err(at.invalid(
                "version",
                format!(
                    "defined twice (also as {:?}, both are {})",
                    earlier.version, version.version_normalized
                ),
            ));
        }
        versions.push(version);
    }
    Ok(versions)
}

/// Where a version sits in the definition, for messages: by its `version` string, which
/// is how people find it in their JSON (`versions["1.2.0"]`), or by its position when
/// it has none (`versions[3]`).
struct VersionPath(String);

impl VersionPath {
    fn of(index: usize, object: &Value) -> VersionPath {
        let label = match object.get("version").and_then(Value::as_str) {
            // Written as a JSON string, so quotes or backslashes in it stay unambiguous.
            Some(version) if !version.trim().is_empty() => Value::from(version).to_string(),
            _ => index.to_string(),
        };
        VersionPath(format!("versions[{label}]"))
    }

    /// `versions["1.2.0"].dist.url: must be …`; `field` is a path inside the version,
    /// empty for the version as a whole.
    fn invalid(&self, field: &str, message: impl std::fmt::Display) -> Error {
        match field {
            "" => invalid(format!("{}: {message}", self.0)),
            field => invalid(format!("{}.{field}: {message}", self.0)),
        }
    }
}

fn parse_version(at: &VersionPath, object: Value) -> Result<CustomVersion> {
    if !object.is_object() {
        return Err(at.invalid("", "must be a JSON object"));
    }
    let bytes = serde_json::to_vec(&object).map_err(Error::internal)?;
    let manifest = validate_composer_json(&bytes).map_err(|e| at.invalid(&e.field, e.message))?;
    let mut data = manifest.into_map();
    let version = data
        .get("version")
        .and_then(Value::as_str)
        .filter(|version| !version.trim().is_empty())
        .map(str::to_owned)
        .ok_or_else(|| at.invalid("version", "is required"))?;
    let version_normalized = normalize(&version)
        .map_err(|_| at.invalid("version", format!("{version:?} is not a Composer version")))?;
    let source_reference = match data.get("source") {
        None => None,
        Some(source) => Some(
            required_strings(source, &["type", "url", "reference"]).map_err(|key| {
                at.invalid(&format!("source.{key}"), "must be a non-empty string")
            })?[2]
                .clone(),
        ),
    };
    let (dist_reference, dist_shasum) = match data.get("dist") {
        None => (None, None),
        Some(dist) => {
            let fields = required_strings(dist, &["type", "url"])
                .map_err(|key| at.invalid(&format!("dist.{key}"), "must be a non-empty string"))?;
            if !(fields[1].starts_with("https://") || fields[1].starts_with("http://")) {
                return Err(at.invalid(
                    "dist.url",
                    format!("must be an absolute http(s) URL, not {:?}", fields[1]),
                ));
            }
            let optional = |key: &str| dist.get(key).and_then(Value::as_str).map(str::to_owned);
            (optional("reference"), optional("shasum"))
        }
    };
    if source_reference.is_none() && dist_shasum.is_none() && !data.contains_key("dist") {
        return Err(at.invalid("", "needs a \"dist\" or a \"source\" to install from"));
    }
    let released_at = match data.get("time").and_then(Value::as_str) {
        Some(time) => Some(
            DateTime::parse_from_rfc3339(time)
                .map_err(|_| at.invalid("time", format!("{time:?} is not an RFC 3339 date")))?
                .with_timezone(&Utc),
        ),
        None => None,
    };
    let name = data
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    // Installs are reported to our own notify-batch, not to an address in the definition.
    data.retain(|key, _| key != "notification-url" && key != "version_normalized");
    let mut published = Map::new();
    published.insert("name".into(), name.clone().into());
    published.insert("version".into(), version.clone().into());
    published.insert(
        "version_normalized".into(),
        version_normalized.clone().into(),
    );
    for (key, value) in data {
        if key != "name" && key != "version" {
            published.insert(key, value);
        }
    }
    Ok(CustomVersion {
        stability: parse_stability(&version_normalized).as_str().to_owned(),
        name,
        version,
        version_normalized,
        released_at,
        source_reference,
        dist_reference,
        dist_shasum,
        data: published,
    })
}

/// The string values of `keys` in `value`, or the first key that is missing or empty.
fn required_strings<'k>(
    value: &Value,
    keys: &[&'k str],
) -> std::result::Result<Vec<String>, &'k str> {
    keys.iter()
        .map(|key| {
            value
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .ok_or(*key)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(name: &str, version: &str) -> Value {
        serde_json::json!({
            "name": name,
            "version": version,
            "dist": { "type": "zip", "url": format!("https://downloads.example.com/{version}.zip") },
            "require": { "php": ">=8.1" },
            "notification-url": "https://elsewhere.example.com/notify",
        })
    }

    #[test]
    fn every_shape_is_accepted() {
        let single = version("acme/legacy", "1.0.0").to_string();
        let list = serde_json::json!([
            version("acme/legacy", "1.0.0"),
            version("acme/legacy", "v1.1.0")
        ])
        .to_string();
        let repository = serde_json::json!({ "type": "package", "package": [version("acme/legacy", "2.0.0-RC1")] }).to_string();
        assert_eq!(parse_definition(&single).unwrap().len(), 1);
        let versions = parse_definition(&list).unwrap();
        assert_eq!(versions[1].version_normalized, "1.1.0.0");
        assert_eq!(versions[1].data["version"], "v1.1.0");
        assert!(!versions[1].data.contains_key("notification-url"));
        let rc = &parse_definition(&repository).unwrap()[0];
        assert_eq!(
            (rc.version_normalized.as_str(), rc.stability.as_str()),
            ("2.0.0.0-RC1", "rc")
        );
    }

    #[test]
    fn mistakes_are_reported_on_the_definition_field() {
        let cases = [
            ("not json", "not valid JSON"),
            ("[]", "define at least one version"),
            (
                r#"{"name": "acme/x", "version": "banana", "dist": {"type": "zip", "url": "https://x/y.zip"}}"#,
                r#"versions["banana"].version: "banana" is not a Composer version"#,
            ),
            (
                r#"{"name": "acme/x", "version": "1.0.0"}"#,
                r#"versions["1.0.0"]: needs a "dist" or a "source" to install from"#,
            ),
            (
                r#"{"name": "Acme/X", "version": "1.0.0", "dist": {"type": "zip", "url": "https://x/y.zip"}}"#,
                r#"versions["1.0.0"].name: "Acme/X" must be lower-case"#,
            ),
        ];
        for (text, expected) in cases {
            let error = parse_definition(text).unwrap_err();
            assert_eq!(error.field(), Some("definition"), "{text}");
            assert!(error.to_string().starts_with(expected), "{text}: {error}");
        }
    }

    /// The message names the version the way it is written in the definition, so that it
    /// can be found there; only a version without a usable `version` is named by position.
    #[test]
    fn mistakes_name_the_version_by_its_version_string() {
        let message = |versions: Value| {
            parse_definition(&versions.to_string())
                .unwrap_err()
                .to_string()
        };
        let mut bad_url = version("acme/legacy", "1.2.0");
        bad_url["dist"]["url"] = "/relative.zip".into();
        assert_eq!(
            message(serde_json::json!([
                version("acme/legacy", "1.0.0"),
                bad_url
            ])),
            r#"versions["1.2.0"].dist.url: must be an absolute http(s) URL, not "/relative.zip""#
        );
        let mut no_type = version("acme/legacy", "v2.0.0-beta1");
        no_type["dist"].as_object_mut().unwrap().remove("type");
        assert_eq!(
            message(serde_json::json!([no_type])),
            r#"versions["v2.0.0-beta1"].dist.type: must be a non-empty string"#
        );
        let mut bad_require = version("acme/legacy", "1.1.0");
        bad_require["require"]["psr/log"] = 3.into();
        assert!(
            message(serde_json::json!([
                version("acme/legacy", "1.0.0"),
                bad_require
            ]))
            .starts_with(r#"versions["1.1.0"].require.psr/log: "#),
        );
        let mut bad_time = version("acme/legacy", "1.0.0");
        bad_time["time"] = "yesterday".into();
        assert_eq!(
            message(serde_json::json!({ "type": "package", "package": [bad_time] })),
            r#"versions["1.0.0"].time: "yesterday" is not an RFC 3339 date"#
        );
        // A version string with a quote in it stays readable and unambiguous.
        let mut quoted = version("acme/legacy", "1.0\"x");
        quoted.as_object_mut().unwrap().remove("dist");
        assert!(
            message(serde_json::json!([quoted])).starts_with(r#"versions["1.0\"x"].version: "#)
        );
        assert_eq!(
            message(serde_json::json!([
                version("acme/a", "1.0.0"),
                version("acme/b", "1.1.0")
            ])),
            r#"versions["1.1.0"].name: is acme/b, but the first version's is acme/a: one package per definition"#
        );
        assert_eq!(
            message(serde_json::json!([
                version("acme/a", "1.0"),
                version("acme/a", "1.0.0")
            ])),
            r#"versions["1.0.0"].version: defined twice (also as "1.0", both are 1.0.0.0)"#
        );

        // No usable version string: the position, counted from 0.
        let mut missing = version("acme/legacy", "1.0.0");
        missing.as_object_mut().unwrap().remove("version");
        assert_eq!(
            message(serde_json::json!([
                version("acme/legacy", "0.9.0"),
                missing
            ])),
            "versions[1].version: is required"
        );
        let mut numeric = version("acme/legacy", "1.0.0");
        numeric["version"] = 2.into();
        assert!(message(serde_json::json!([numeric])).starts_with("versions[0].version: "));
        let mut blank = version("acme/legacy", "1.0.0");
        blank["version"] = " ".into();
        assert_eq!(
            message(serde_json::json!([blank])),
            "versions[0].version: is required"
        );
        assert_eq!(
            message(serde_json::json!([
                version("acme/legacy", "1.0.0"),
                "1.1.0"
            ])),
            "versions[1]: must be a JSON object"
        );
    }
}
