//! A package's composer.json as read from the repository, checked against what the
//! client's loader enforces (spec 2.4) before anything of it is published.
//!
//! One bad manifest in a p2 file makes the client refuse the whole file ("Could not
//! load packages in composer repo"), which breaks every customer of the package. So
//! we refuse the version at import time instead, and say which field is wrong so the
//! job log and the API can show it to the person who can fix it.

use serde_json::{Map, Value};

/// A composer.json field that Composer would not load, e.g. `require.psr/log`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("composer.json {}: {message}", if field.is_empty() { "(document)" } else { field.as_str() })]
pub struct ManifestError {
    /// JSON path with `.` between keys (`extra.branch-alias.dev-main`); empty for the
    /// document itself. Keys are not escaped: package names hold `/`, never `.`.
    pub field: String,
    pub message: String,
}

impl ManifestError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Surfaces as `BAD_USER_INPUT` / 422 with the field path, like any other bad input.
impl From<ManifestError> for crate::error::Error {
    fn from(error: ManifestError) -> Self {
        let message = error.to_string();
        crate::error::Error::invalid(error.field, message)
    }
}

/// A validated composer.json: the object as written (key order kept) plus accessors
/// for the fields the server itself reads.
#[derive(Debug, Clone, PartialEq)]
pub struct ComposerJson {
    map: Map<String, Value>,
}

/// Link sections: package name → constraint string.
const LINK_FIELDS: [&str; 5] = ["require", "require-dev", "conflict", "provide", "replace"];

/// Parse and check a composer.json. Follows the loader's `isset` reading: a `null`
/// optional field counts as absent. An empty JSON array stands for an empty object,
/// because PHP writes `[]` for both and such manifests install fine.
pub fn validate_composer_json(bytes: &[u8]) -> Result<ComposerJson, ManifestError> {
    // Composer strips a UTF-8 byte order mark before parsing; editors on Windows add one.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ManifestError::new("", format!("is not valid JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(ManifestError::new("", "must be a JSON object"));
    };

    match map.get("name") {
        None | Some(Value::Null) => return Err(ManifestError::new("name", "is required")),
        Some(Value::String(name)) => check_package_name(name)?,
        Some(_) => return Err(ManifestError::new("name", "must be a string")),
    }
    for field in ["version", "type", "description"] {
        optional_string(&map, field)?;
    }
    for field in LINK_FIELDS {
        if let Some(links) = optional_object(&map, field)? {
            strings_only(field, links, "must be a version constraint string")?;
        }
    }
    for field in ["autoload", "autoload-dev"] {
        optional_object(&map, field)?;
    }
    if let Some(extra) = optional_object(&map, "extra")?
        && let Some(aliases) = optional_object(extra, "branch-alias")
            .map_err(|e| ManifestError::new(format!("extra.{}", e.field), e.message))?
    {
        strings_only("extra.branch-alias", aliases, "must be a version string")?;
    }
    Ok(ComposerJson { map })
}

/// `^[a-z0-9]([_.-]?[a-z0-9]+)*/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$` (spec 2.4), written
/// out by hand; an upper-case name gets its own message since that is the usual mistake.
fn check_package_name(name: &str) -> Result<(), ManifestError> {
    if is_valid_package_name(name) {
        return Ok(());
    }
    let message = if is_valid_package_name(&name.to_ascii_lowercase()) {
        format!(
            "\"{name}\" must be lower-case (\"{}\")",
            name.to_ascii_lowercase()
        )
    } else {
        format!(
            "\"{name}\" is not a valid package name: expected vendor/name of lower-case \
             letters, digits and single separators (\"_\", \".\", \"-\" or \"--\" after the slash)"
        )
    };
    Err(ManifestError::new("name", message))
}

pub(super) fn is_valid_package_name(name: &str) -> bool {
    let Some((vendor, package)) = name.split_once('/') else {
        return false;
    };
    valid_segment(vendor, |sep| matches!(sep, "_" | "." | "-"))
        && valid_segment(package, |sep| matches!(sep, "_" | "." | "-" | "--"))
}

/// Alphanumeric runs joined by separator runs, starting and ending alphanumeric.
fn valid_segment(segment: &str, separator_ok: impl Fn(&str) -> bool) -> bool {
    let is_alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !segment.starts_with(is_alnum) || !segment.ends_with(is_alnum) {
        return false;
    }
    segment
        .split(is_alnum)
        .filter(|run| !run.is_empty())
        .all(&separator_ok)
}

fn optional_string(map: &Map<String, Value>, field: &str) -> Result<(), ManifestError> {
    match map.get(field) {
        None | Some(Value::Null | Value::String(_)) => Ok(()),
        Some(_) => Err(ManifestError::new(field, "must be a string")),
    }
}

/// The field as an object; `None` when absent, `null` or `[]` (see above).
fn optional_object<'a>(
    map: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a Map<String, Value>>, ManifestError> {
    match map.get(field) {
        Some(Value::Object(object)) => Ok(Some(object)),
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) if items.is_empty() => Ok(None),
        Some(_) => Err(ManifestError::new(field, "must be an object")),
    }
}

fn strings_only(
    field: &str,
    object: &Map<String, Value>,
    message: &str,
) -> Result<(), ManifestError> {
    match object.iter().find(|(_, value)| !value.is_string()) {
        Some((key, _)) => Err(ManifestError::new(format!("{field}.{key}"), message)),
        None => Ok(()),
    }
}

/// Platform packages (`PlatformRepository::PLATFORM_PACKAGE_REGEX`): provided by the
/// PHP installation, never by a repository, so never anyone's dependents.
fn is_platform_package(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "php"
            | "php-64bit"
            | "php-ipv6"
            | "php-zts"
            | "php-debug"
            | "hhvm"
            | "composer"
            | "composer-plugin-api"
            | "composer-runtime-api"
    ) || name.starts_with("ext-")
        || name.starts_with("lib-")
}

impl ComposerJson {
    /// The package name as written; validated, so lower-case `vendor/name`.
    pub fn name(&self) -> &str {
        self.str_field("name").unwrap_or_default()
    }

    pub fn description(&self) -> Option<&str> {
        self.str_field("description")
    }

    /// `type` as written; Composer reads a missing one as `library`.
    pub fn package_type(&self) -> Option<&str> {
        self.str_field("type")
    }

    /// The manifest's own `version` (spec 3.2 rule 3 decides whether a tag may use it).
    pub fn version_field(&self) -> Option<&str> {
        self.str_field("version")
    }

    /// Lower-cased names under `require`, platform packages left out: what this
    /// version depends on in a repository. Composer compares names case-insensitively.
    pub fn requires(&self) -> Vec<String> {
        match self.map.get("require") {
            Some(Value::Object(links)) => links
                .keys()
                .filter(|name| !is_platform_package(name))
                .map(|name| name.to_ascii_lowercase())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// `extra.branch-alias` when it is a non-empty object, in the shape
    /// `composer::version::branch_alias` takes.
    pub fn branch_alias(&self) -> Option<&Value> {
        match self.map.get("extra")?.get("branch-alias")? {
            aliases @ Value::Object(map) if !map.is_empty() => Some(aliases),
            _ => None,
        }
    }

    pub fn as_map(&self) -> &Map<String, Value> {
        &self.map
    }

    pub fn into_map(self) -> Map<String, Value> {
        self.map
    }

    fn str_field(&self, field: &str) -> Option<&str> {
        self.map.get(field).and_then(Value::as_str)
    }
}

#[cfg(test)]
#[path = "manifest_tests.rs"]
mod tests;
