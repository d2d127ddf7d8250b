//! Branches as versions (spec 3.3) and their aliases (spec 3.4).

use serde_json::Value;

use super::Constraint;
use super::normalize::normalize_numeric_branch;

/// What the default branch is aliased to when nothing else is: sorts above every
/// release and satisfies open-ended constraints such as `>=1.0@dev`.
pub const DEFAULT_BRANCH_ALIAS: &str = "9999999-dev";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchVersion {
    /// `version` in the metadata: `dev-main`, `1.x-dev`, `v2.x-dev`.
    pub pretty: String,
    /// `version_normalized`: `dev-main`, `1.9999999.9999999.9999999-dev`.
    pub normalized: String,
}

/// A branch's second identity, e.g. `dev-main` also installable as `1.2.x-dev`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub pretty: String,
    pub normalized: String,
}

/// `normalizeBranch`: numeric-looking names become `N.N.N.N-dev`, the rest `dev-<name>`.
fn normalize_branch(name: &str) -> String {
    normalize_numeric_branch(name).unwrap_or_else(|| format!("dev-{}", name.trim()))
}

/// The version a branch publishes, or `None` when Composer would skip the branch
/// (its name cannot be read back as a constraint, e.g. it holds a space, `,` or `|`).
pub fn branch_version(branch_name: &str) -> Option<BranchVersion> {
    if branch_name.trim().is_empty() {
        return None;
    }
    let normalized = normalize_branch(branch_name);
    Constraint::parse(&normalized).ok()?;
    if normalized.starts_with("dev-") {
        // `#` would read as a commit reference (`dev-main#abc123`) in constraints.
        Some(BranchVersion {
            pretty: format!("dev-{}", branch_name.replace('#', "+")),
            normalized: normalized.replace('#', "+"),
        })
    } else {
        let prefix = if branch_name.starts_with('v') {
            "v"
        } else {
            ""
        };
        Some(BranchVersion {
            pretty: format!("{prefix}{}", wildcard_pretty(&normalized)),
            normalized,
        })
    }
}

/// Each run of `.9999999` parts reads as `.x` again (`1.2.9999999.9999999-dev` → `1.2.x-dev`).
pub(super) fn wildcard_pretty(normalized: &str) -> String {
    const PART: &str = ".9999999";
    let mut pretty = String::with_capacity(normalized.len());
    let mut rest = normalized;
    while !rest.is_empty() {
        if rest.starts_with(PART) {
            while let Some(after) = rest.strip_prefix(PART) {
                rest = after;
            }
            pretty.push_str(".x");
        } else {
            let mut chars = rest.chars();
            pretty.extend(chars.next());
            rest = chars.as_str();
        }
    }
    pretty
}

/// `parseNumericAliasPrefix`: `1.2.x-dev` and `1.2-dev` → `1.2.`; anything else `None`.
fn numeric_alias_prefix(branch: &str) -> Option<String> {
    let len = branch.len();
    let suffix = branch.get(len.checked_sub(4)?..)?;
    if !suffix.eq_ignore_ascii_case("-dev") {
        return None;
    }
    let body = &branch[..len - 4];
    let body = body
        .strip_suffix(".x")
        .or_else(|| body.strip_suffix(".X"))
        .unwrap_or(body);
    let numeric = body
        .split('.')
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    numeric.then(|| format!("{body}."))
}

/// `ArrayLoader::getBranchAlias` (spec 3.4) for a dev version.
///
/// `extra_branch_alias` is the value of `extra.branch-alias` in the branch's
/// composer.json. Its keys are read in the map's order; only keys that differ in case
/// alone can both match a version.
pub fn branch_alias(
    pretty_version: &str,
    is_default_branch: bool,
    extra_branch_alias: Option<&Value>,
) -> Option<Alias> {
    if !pretty_version.starts_with("dev-") && !pretty_version.ends_with("-dev") {
        return None;
    }
    if let Some(Value::Object(aliases)) = extra_branch_alias {
        for (source, target) in aliases {
            let Value::String(target) = target else {
                continue;
            };
            let Some(target_name) = target.strip_suffix("-dev") else {
                continue;
            };
            let normalized = if target == DEFAULT_BRANCH_ALIAS {
                DEFAULT_BRANCH_ALIAS.to_owned()
            } else {
                normalize_branch(target_name)
            };
            // A non-numeric target normalizes to `dev-…`: it would not sort among versions.
            if !normalized.ends_with("-dev") || !pretty_version.eq_ignore_ascii_case(source) {
                continue;
            }
            // `1.x-dev` may claim to be `1.2.x-dev`, never `2.0.x-dev`.
            if let (Some(source_prefix), Some(target_prefix)) =
                (numeric_alias_prefix(source), numeric_alias_prefix(target))
                && !target_prefix
                    .to_ascii_lowercase()
                    .starts_with(&source_prefix.to_ascii_lowercase())
            {
                continue;
            }
            return Some(Alias {
                pretty: wildcard_pretty(&normalized),
                normalized,
            });
        }
    }
    let unprefixed = pretty_version.strip_prefix('v').unwrap_or(pretty_version);
    (is_default_branch && numeric_alias_prefix(unprefixed).is_none()).then(|| Alias {
        pretty: DEFAULT_BRANCH_ALIAS.to_owned(),
        normalized: DEFAULT_BRANCH_ALIAS.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn branch(pretty: &str, normalized: &str) -> Option<BranchVersion> {
        Some(BranchVersion {
            pretty: pretty.to_owned(),
            normalized: normalized.to_owned(),
        })
    }

    fn alias(pretty: &str, normalized: &str) -> Option<Alias> {
        Some(Alias {
            pretty: pretty.to_owned(),
            normalized: normalized.to_owned(),
        })
    }

    #[test]
    fn spec_table_3_3() {
        let cases = [
            ("main", "dev-main", "dev-main"),
            ("feature/foo", "dev-feature/foo", "dev-feature/foo"),
            ("1.x", "1.x-dev", "1.9999999.9999999.9999999-dev"),
            ("1.0", "1.0.x-dev", "1.0.9999999.9999999-dev"),
            ("2.1.x", "2.1.x-dev", "2.1.9999999.9999999-dev"),
            ("v2.x", "v2.x-dev", "2.9999999.9999999.9999999-dev"),
            ("3", "3.x-dev", "3.9999999.9999999.9999999-dev"),
        ];
        for (name, pretty, normalized) in cases {
            assert_eq!(
                branch_version(name),
                branch(pretty, normalized),
                "branch {name:?}"
            );
        }
    }

    #[test]
    fn other_branch_names() {
        let cases = [
            ("feature#12", branch("dev-feature+12", "dev-feature+12")),
            ("1.2.3.4", branch("1.2.3.4-dev", "1.2.3.4-dev")),
            ("2.*", branch("2.x-dev", "2.9999999.9999999.9999999-dev")),
            ("V3.X", branch("3.x-dev", "3.9999999.9999999.9999999-dev")),
            ("1.2.3.4.5", branch("dev-1.2.3.4.5", "dev-1.2.3.4.5")),
            ("master", branch("dev-master", "dev-master")),
            ("release/1.x", branch("dev-release/1.x", "dev-release/1.x")),
            ("a space", None),
            ("a,b", None),
            ("a|b", None),
            ("", None),
        ];
        for (name, expected) in cases {
            assert_eq!(branch_version(name), expected, "branch {name:?}");
        }
    }

    #[test]
    fn extra_branch_alias() {
        let extra = json!({"dev-main": "1.2.x-dev"});
        assert_eq!(
            branch_alias("dev-main", true, Some(&extra)),
            alias("1.2.x-dev", "1.2.9999999.9999999-dev")
        );
        // The key is compared without regard to case.
        let extra = json!({"DEV-Main": "2.0.x-dev"});
        assert_eq!(
            branch_alias("dev-main", false, Some(&extra)),
            alias("2.0.x-dev", "2.0.9999999.9999999-dev")
        );
        // The key must name this version.
        let extra = json!({"dev-other": "1.2.x-dev"});
        assert_eq!(branch_alias("dev-main", false, Some(&extra)), None);
    }

    #[test]
    fn alias_target_must_be_numeric_and_dev() {
        for target in ["1.2.x", "1.2.0", "feature-dev", "dev-feature", "1.2.x-DEV"] {
            let extra = json!({"dev-main": target});
            assert_eq!(
                branch_alias("dev-main", false, Some(&extra)),
                None,
                "{target}"
            );
            // The default branch still gets its fallback alias.
            assert_eq!(
                branch_alias("dev-main", true, Some(&extra)),
                alias("9999999-dev", "9999999-dev"),
                "{target}"
            );
        }
        let extra = json!({"dev-main": 12});
        assert_eq!(branch_alias("dev-main", false, Some(&extra)), None);
        let extra = json!({"dev-main": "9999999-dev"});
        assert_eq!(
            branch_alias("dev-main", false, Some(&extra)),
            alias("9999999-dev", "9999999-dev")
        );
    }

    #[test]
    fn numeric_branch_alias_must_extend_the_source_prefix() {
        let cases = [
            (
                "1.x-dev",
                "1.2.x-dev",
                alias("1.2.x-dev", "1.2.9999999.9999999-dev"),
            ),
            ("1.x-dev", "2.0.x-dev", None),
            ("1.x-dev", "10.0.x-dev", None),
            (
                "1.0.x-dev",
                "1.0.5.x-dev",
                alias("1.0.5.x-dev", "1.0.5.9999999-dev"),
            ),
            ("1.0.x-dev", "1.1.x-dev", None),
            // A `v` prefix is not numeric, so no prefix rule applies.
            (
                "v1.x-dev",
                "2.0.x-dev",
                alias("2.0.x-dev", "2.0.9999999.9999999-dev"),
            ),
        ];
        for (source, target, expected) in cases {
            let extra = json!({ source: target });
            assert_eq!(
                branch_alias(source, false, Some(&extra)),
                expected,
                "{source} → {target}"
            );
        }
    }

    #[test]
    fn default_branch_alias() {
        let cases = [
            ("dev-main", true, alias("9999999-dev", "9999999-dev")),
            ("dev-master", true, alias("9999999-dev", "9999999-dev")),
            ("dev-main", false, None),
            // Numeric default branches already sort among versions. (Composer 2.5.5
            // still aliased `v1.x-dev`; later releases read past the `v`, as we do.)
            ("1.x-dev", true, None),
            ("v1.x-dev", true, None),
            ("2.1.x-dev", true, None),
            // Only dev versions have aliases.
            ("1.0.0", true, None),
        ];
        for (pretty, is_default, expected) in cases {
            assert_eq!(branch_alias(pretty, is_default, None), expected, "{pretty}");
        }
        let not_an_object = json!(["1.x-dev"]);
        assert_eq!(
            branch_alias("dev-main", true, Some(&not_an_object)),
            alias("9999999-dev", "9999999-dev")
        );
    }

    #[test]
    fn wildcard_pretty_collapses_runs() {
        assert_eq!(wildcard_pretty("1.9999999.9999999.9999999-dev"), "1.x-dev");
        assert_eq!(wildcard_pretty("1.2.3.9999999-dev"), "1.2.3.x-dev");
        assert_eq!(wildcard_pretty("9999999-dev"), "9999999-dev");
    }
}
