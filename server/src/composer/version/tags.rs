//! Tags as versions (spec 3.2). Reading composer.json, duplicates and tags without a
//! composer.json are the caller's part; these are the rules on the name alone.

use super::normalize::normalize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagVersion {
    /// `version` in the metadata: the tag as written, less any `release-`.
    pub pretty: String,
    /// `version_normalized`.
    pub normalized: String,
}

/// The version a tag publishes, or `None` when Composer would skip it: the name does
/// not normalize, or it normalizes to a dev version (tags never publish those).
pub fn tag_version(tag_name: &str) -> Option<TagVersion> {
    // Composer removes every `release-`, not only a leading one; only a leading one
    // can leave a valid version behind, so the two readings agree on real tags.
    let tag = tag_name.replace("release-", "");
    let normalized = normalize(&tag).ok()?;
    if strip_dev(&normalized).len() != normalized.len() {
        return None;
    }
    Some(TagVersion {
        pretty: strip_dev_suffix(&tag).to_owned(),
        normalized,
    })
}

/// Spec 3.2 rule 3: a `version` in the tag's composer.json wins only if it normalizes to
/// the tag's own version; otherwise the tag is skipped. When it matches, Composer
/// publishes that field (less a trailing `-dev`) as the pretty version.
pub fn version_field_matches(tag: &TagVersion, composer_version: &str) -> bool {
    normalize(composer_version).is_ok_and(|normalized| strip_dev(&normalized) == tag.normalized)
}

/// Removes `dev-` in front and `[.-]?dev` at the end, ignoring case.
fn strip_dev(version: &str) -> &str {
    let version = match version.get(..4) {
        Some(prefix) if prefix.eq_ignore_ascii_case("dev-") => &version[4..],
        _ => version,
    };
    strip_dev_suffix(version)
}

fn strip_dev_suffix(version: &str) -> &str {
    let len = version.len();
    match version.get(len.saturating_sub(3)..) {
        Some(tail) if len >= 3 && tail.eq_ignore_ascii_case("dev") => {
            let before = &version[..len - 3];
            before.strip_suffix(['.', '-']).unwrap_or(before)
        }
        _ => version,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(pretty: &str, normalized: &str) -> Option<TagVersion> {
        Some(TagVersion {
            pretty: pretty.to_owned(),
            normalized: normalized.to_owned(),
        })
    }

    #[test]
    fn tag_names() {
        let cases = [
            ("v1.1.0", tag("v1.1.0", "1.1.0.0")),
            ("1.0", tag("1.0", "1.0.0.0")),
            ("v1.0.0", tag("v1.0.0", "1.0.0.0")),
            ("release-1.2.0", tag("1.2.0", "1.2.0.0")),
            ("release-v2.0.0-beta1", tag("v2.0.0-beta1", "2.0.0.0-beta1")),
            ("2.0.0-RC1", tag("2.0.0-RC1", "2.0.0.0-RC1")),
            ("1.0.0-p1", tag("1.0.0-p1", "1.0.0.0-patch1")),
            ("1.0.0+build5", tag("1.0.0+build5", "1.0.0.0")),
            ("20240101", tag("20240101", "20240101")),
            // Tags cannot publish dev versions.
            ("1.0.0-dev", None),
            ("v2.0-DEV", None),
            ("1.x-dev", None),
            ("dev-main", None),
            ("master", None),
            // Not a version at all.
            ("foo", None),
            ("latest", None),
            ("1.2.3.4.5", None),
            ("1.0.0-SNAPSHOT", None),
        ];
        for (name, expected) in cases {
            assert_eq!(tag_version(name), expected, "tag {name:?}");
        }
    }

    #[test]
    fn composer_json_version_field() {
        let v110 = tag_version("v1.1.0").unwrap();
        assert!(version_field_matches(&v110, "1.1.0"));
        assert!(version_field_matches(&v110, "v1.1"));
        assert!(version_field_matches(&v110, "1.1.0-dev"));
        assert!(!version_field_matches(&v110, "1.1.1"));
        assert!(!version_field_matches(&v110, "1.1.0-beta1"));
        assert!(!version_field_matches(&v110, "not a version"));
        let beta = tag_version("2.0.0-beta1").unwrap();
        assert!(version_field_matches(&beta, "2.0.0-b1"));
        assert!(!version_field_matches(&beta, "2.0.0"));
    }
}
