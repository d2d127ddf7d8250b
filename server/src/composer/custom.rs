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
        let version = parse_version(index, object)?;
        if let Some(first) = versions.first()
            && first.name != version.name
        {
            return Err(invalid(format!(
                "version {index} is named {}, but the first is {}: one package per definition",
                version.name, first.name
            )));
        }
        if versions
            .iter()
            .any(|v| v.version_normalized == version.version_normalized)
        {
            return Err(invalid(format!(
                "version {} is defined twice",
                version.version
            )));
        }
        versions.push(version);
    }
    Ok(versions)
}

fn parse_version(index: usize, object: Value) -> Result<CustomVersion> {
    let at = |message: String| invalid(format!("version {index}: {message}"));
    let bytes = serde_json::to_vec(&object).map_err(Error::internal)?;
    let manifest = validate_composer_json(&bytes).map_err(|e| at(e.to_string()))?;
    let mut data = manifest.into_map();
    let version = data
        .get("version")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| at("\"version\" is required".into()))?;
    let version_normalized =
        normalize(&version).map_err(|_| at(format!("{version:?} is not a Composer version")))?;
    let source_reference = match data.get("source") {
        None => None,
        Some(source) => Some(
            required_strings(source, &["type", "url", "reference"])
                .map_err(|m| at(format!("source {m}")))?[2]
                .clone(),
        ),
    };
    let (dist_reference, dist_shasum) = match data.get("dist") {
        None => (None, None),
        Some(dist) => {
            let fields =
                required_strings(dist, &["type", "url"]).map_err(|m| at(format!("dist {m}")))?;
            if !(fields[1].starts_with("https://") || fields[1].starts_with("http://")) {
                return Err(at("dist.url must be an absolute http(s) URL".into()));
            }
            let optional = |key: &str| dist.get(key).and_then(Value::as_str).map(str::to_owned);
            (optional("reference"), optional("shasum"))
        }
    };
    if source_reference.is_none() && dist_shasum.is_none() && !data.contains_key("dist") {
        return Err(at("needs a \"dist\" or a \"source\" to install from".into()));
    }
    let released_at = match data.get("time").and_then(Value::as_str) {
        Some(time) => Some(
            DateTime::parse_from_rfc3339(time)
                .map_err(|_| at(format!("time {time:?} is not an RFC 3339 date")))?
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

/// The string values of `keys` in `value`, or which one is missing.
fn required_strings(value: &Value, keys: &[&str]) -> std::result::Result<Vec<String>, String> {
    keys.iter()
        .map(|key| {
            value
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| format!("needs a \"{key}\" string"))
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
            ("[]", "at least one version"),
            (
                r#"{"name": "acme/x", "dist": {"type": "zip", "url": "https://x/y.zip"}}"#,
                "\"version\" is required",
            ),
            (
                r#"{"name": "acme/x", "version": "banana", "dist": {"type": "zip", "url": "https://x/y.zip"}}"#,
                "not a Composer version",
            ),
            (
                r#"{"name": "acme/x", "version": "1.0.0"}"#,
                "needs a \"dist\" or a \"source\"",
            ),
            (
                r#"{"name": "acme/x", "version": "1.0.0", "dist": {"type": "zip", "url": "/relative.zip"}}"#,
                "absolute",
            ),
            (
                r#"{"name": "Acme/X", "version": "1.0.0", "dist": {"type": "zip", "url": "https://x/y.zip"}}"#,
                "name",
            ),
        ];
        for (text, expected) in cases {
            let error = parse_definition(text).unwrap_err();
            assert_eq!(error.field(), Some("definition"), "{text}");
            assert!(error.to_string().contains(expected), "{text}: {error}");
        }
        let mixed =
            serde_json::json!([version("acme/a", "1.0.0"), version("acme/b", "1.0.0")]).to_string();
        assert!(
            parse_definition(&mixed)
                .unwrap_err()
                .to_string()
                .contains("one package per definition")
        );
        let twice =
            serde_json::json!([version("acme/a", "1.0"), version("acme/a", "1.0.0")]).to_string();
        assert!(
            parse_definition(&twice)
                .unwrap_err()
                .to_string()
                .contains("defined twice")
        );
    }
}
