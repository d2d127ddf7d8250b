//! What a vendor's customer may see of a package: the stored p2 file, narrowed to the
//! versions their grants admit, without `source` unless they have access to version
//! control, and with dists pointing into the customer's own repository (where the
//! grants are checked again before a byte is sent).
//!
//! Pure functions over the stored rendering: a customer's document is a filter of the
//! organization's, never a second rendering, so both always agree on every version
//! they share.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};

use super::metadata::{expand, minify};
use super::version::{Constraint, Stability, branch_alias, parse_stability};
use crate::error::{Error, Result};

/// One grant's limits on the versions of one package. Everything `None` admits every
/// version.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    /// Matched against the normalized version or its branch alias.
    pub constraint: Option<Constraint>,
    /// The least stable version admitted.
    pub minimum_stability: Option<Stability>,
    /// Only versions released on or before this moment (UTC).
    pub expiration: Option<NaiveDateTime>,
}

impl Limits {
    fn admit(&self, version: &VersionFacts<'_>) -> bool {
        if self
            .minimum_stability
            .is_some_and(|minimum| version.stability < minimum)
        {
            return false;
        }
        if let Some(expiration) = self.expiration {
            // Without a release date there is nothing to show that the version predates
            // the end of the grant.
            if version.time.is_none_or(|time| time > expiration) {
                return false;
            }
        }
        self.constraint.as_ref().is_none_or(|constraint| {
            constraint.matches_with_alias(version.normalized, version.alias.as_deref())
        })
    }
}

/// What the rules look at in a published version object.
struct VersionFacts<'a> {
    normalized: &'a str,
    alias: Option<String>,
    stability: Stability,
    time: Option<NaiveDateTime>,
}

impl<'a> VersionFacts<'a> {
    fn of(version: &'a Map<String, Value>) -> Option<VersionFacts<'a>> {
        let pretty = version.get("version").and_then(Value::as_str)?;
        // The client normalizes `version` itself when this is missing; our files always
        // carry it, and a version we cannot place is not one to hand out.
        let normalized = version.get("version_normalized").and_then(Value::as_str)?;
        let is_default_branch = version.get("default-branch") == Some(&Value::Bool(true));
        let declared_aliases = version
            .get("extra")
            .and_then(|extra| extra.get("branch-alias"));
        let alias =
            branch_alias(pretty, is_default_branch, declared_aliases).map(|alias| alias.normalized);
        Some(VersionFacts {
            normalized,
            alias,
            stability: parse_stability(normalized),
            time: version
                .get("time")
                .and_then(Value::as_str)
                .and_then(parse_time),
        })
    }
}

/// Release dates as stored: ours are RFC 3339; custom package definitions may use the
/// other forms Packagist accepts.
fn parse_time(text: &str) -> Option<NaiveDateTime> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.naive_utc());
    }
    if let Ok(time) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
        return Some(time);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
}

/// Whether a version object (as in our p2 files) is served to a customer with these
/// grants: the customer's own stability floor holds, and at least one grant admits it.
pub fn admits(
    grants: &[Limits],
    customer_floor: Option<Stability>,
    version: &Map<String, Value>,
) -> bool {
    let Some(facts) = VersionFacts::of(version) else {
        return false;
    };
    admits_facts(grants, customer_floor, &facts)
}

fn admits_facts(
    grants: &[Limits],
    customer_floor: Option<Stability>,
    facts: &VersionFacts<'_>,
) -> bool {
    customer_floor.is_none_or(|floor| facts.stability >= floor)
        && grants.iter().any(|grant| grant.admit(facts))
}

/// Where dist archives are, and where the customer fetches them instead.
pub struct DistUrls<'a> {
    /// The organization's dists, `{public}/{org}/dists`: only URLs under it are ours to
    /// serve; a custom package's own external URL is left as it is.
    pub organization: &'a str,
    /// The customer's, `{public}/{org}/customers/{customer}/dists`.
    pub customer: &'a str,
}

/// The customer's version of a stored, minified p2 file: admitted versions in their
/// stored order, `source` dropped when `strip_source`, dists rewritten to
/// `{customer}/{package_name}/{reference}.zip`, minified again.
pub fn filter_package_file(
    stored_p2_body: &str,
    package_name: &str,
    grants: &[Limits],
    floor: Option<Stability>,
    strip_source: bool,
    dists: &DistUrls<'_>,
) -> Result<String> {
    let mut document: Map<String, Value> =
        serde_json::from_str(stored_p2_body).map_err(|error| {
            Error::internal(anyhow::anyhow!(
                "stored p2 file of {package_name} is not a JSON object: {error}"
            ))
        })?;
    let minified = document.get("minified").and_then(Value::as_str) == Some("composer/2.0");
    let versions = match document
        .get_mut("packages")
        .and_then(|packages| packages.get_mut(package_name))
    {
        Some(Value::Array(versions)) => std::mem::take(versions),
        _ => Vec::new(),
    };
    let versions = if minified {
        expand(&versions)
    } else {
        versions
            .into_iter()
            .filter_map(|version| match version {
                Value::Object(object) => Some(object),
                _ => None,
            })
            .collect()
    };
    let admitted: Vec<Map<String, Value>> = versions
        .into_iter()
        .filter(|version| admits(grants, floor, version))
        .filter_map(|mut version| {
            if strip_source {
                version.remove("source");
            }
            rewrite_dist(&mut version, package_name, dists);
            // Without a source, a version whose only way in was its source cannot be
            // installed: listing it would only turn into a confusing failure.
            (version.contains_key("dist") || version.contains_key("source")).then_some(version)
        })
        .collect();
    let list = if minified {
        minify(&admitted)
    } else {
        admitted.into_iter().map(Value::Object).collect()
    };
    let mut packages = Map::new();
    packages.insert(package_name.to_owned(), Value::Array(list));
    // Other packages' entries (there are none in our files) are not the customer's.
    document.insert("packages".into(), Value::Object(packages));
    Ok(serde_json::to_string(&document).expect("JSON values always serialize"))
}

fn rewrite_dist(version: &mut Map<String, Value>, package_name: &str, dists: &DistUrls<'_>) {
    let Some(Value::Object(dist)) = version.get_mut("dist") else {
        return;
    };
    let Some(reference) = dist.get("reference").and_then(Value::as_str) else {
        return;
    };
    let ours = dist
        .get("url")
        .and_then(Value::as_str)
        .and_then(|url| url.strip_prefix(dists.organization))
        .is_some_and(|rest| rest.starts_with('/'));
    if ours {
        let url = format!("{}/{package_name}/{reference}.zip", dists.customer);
        dist.insert("url".into(), url.into());
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::composer::metadata::render_package_files;

    fn object(value: Value) -> Map<String, Value> {
        let Value::Object(map) = value else {
            panic!("expected an object")
        };
        map
    }

    fn tag(pretty: &str, normalized: &str, time: &str) -> Map<String, Value> {
        object(json!({
            "name": "acme/lib", "version": pretty, "version_normalized": normalized,
            "time": time,
            "source": {"type": "git", "url": "https://git.example.com/lib.git", "reference": format!("c-{pretty}")},
            "dist": {"type": "zip", "url": format!("https://repo.example.com/acme/dists/acme/lib/c-{pretty}.zip"), "reference": format!("c-{pretty}"), "shasum": ""},
        }))
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn constraint(text: &str) -> Limits {
        Limits {
            constraint: Some(Constraint::parse(text).unwrap()),
            ..Limits::default()
        }
    }

    /// The versions of the spec's verified example (3.6) and a few more.
    fn catalogue() -> Vec<Map<String, Value>> {
        let mut versions = vec![
            tag("1.0.0", "1.0.0.0", "2024-01-01T00:00:00+00:00"),
            tag("1.2.0", "1.2.0.0", "2024-02-01T00:00:00+00:00"),
            tag("1.2.5", "1.2.5.0", "2024-03-01T00:00:00+00:00"),
            tag("1.5.0", "1.5.0.0", "2024-04-01T00:00:00+00:00"),
            tag(
                "2.0.0-alpha1",
                "2.0.0.0-alpha1",
                "2024-05-01T00:00:00+00:00",
            ),
            tag("2.0.0-beta1", "2.0.0.0-beta1", "2024-05-15T00:00:00+00:00"),
            tag("2.0.0", "2.0.0.0", "2024-06-01T00:00:00+00:00"),
            tag("2.3.1", "2.3.1.0", "2024-07-01T00:00:00+00:00"),
            tag("3.0.0", "3.0.0.0", "2024-08-01T00:00:00+00:00"),
        ];
        let mut main = tag("dev-main", "dev-main", "2024-09-01T00:00:00+00:00");
        main.insert("default-branch".into(), true.into());
        versions.push(main);
        versions.push(tag(
            "1.2.x-dev",
            "1.2.9999999.9999999-dev",
            "2024-09-01T00:00:00+00:00",
        ));
        let mut feature = tag("dev-feature", "dev-feature", "2024-09-01T00:00:00+00:00");
        feature.insert(
            "extra".into(),
            json!({"branch-alias": {"dev-feature": "1.2.x-dev"}}),
        );
        versions.push(feature);
        versions
    }

    fn admitted(grants: &[Limits], floor: Option<Stability>) -> Vec<String> {
        catalogue()
            .iter()
            .filter(|version| admits(grants, floor, version))
            .map(|version| version["version"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn constraints() {
        let cases: &[(&str, &[&str])] = &[
            (
                "^1.0 | ^2.0",
                &[
                    "1.0.0",
                    "1.2.0",
                    "1.2.5",
                    "1.5.0",
                    "2.0.0-alpha1",
                    "2.0.0-beta1",
                    "2.0.0",
                    "2.3.1",
                    "1.2.x-dev",
                    "dev-feature",
                ],
            ),
            (
                "~1.2",
                &["1.2.0", "1.2.5", "1.5.0", "1.2.x-dev", "dev-feature"],
            ),
            (
                ">=1.0 <1.5",
                &["1.0.0", "1.2.0", "1.2.5", "1.2.x-dev", "dev-feature"],
            ),
            (
                "1.*",
                &[
                    "1.0.0",
                    "1.2.0",
                    "1.2.5",
                    "1.5.0",
                    "1.2.x-dev",
                    "dev-feature",
                ],
            ),
            ("dev-main", &["dev-main"]),
            // The default branch's implicit alias sorts above every release.
            (">=3.0", &["3.0.0", "dev-main"]),
            ("1.2.x-dev", &["1.2.x-dev", "dev-feature"]),
        ];
        for (text, expected) in cases {
            assert_eq!(admitted(&[constraint(text)], None), *expected, "{text}");
        }
    }

    #[test]
    fn no_limits_admit_everything_and_no_grant_nothing() {
        assert_eq!(
            admitted(&[Limits::default()], None).len(),
            catalogue().len()
        );
        assert!(admitted(&[], None).is_empty());
    }

    #[test]
    fn stability() {
        let beta = Limits {
            minimum_stability: Some(Stability::Beta),
            ..constraint("^2.0")
        };
        assert_eq!(admitted(&[beta], None), ["2.0.0-beta1", "2.0.0", "2.3.1"]);
        let stable = Limits {
            minimum_stability: Some(Stability::Stable),
            ..constraint("^2.0")
        };
        assert_eq!(admitted(&[stable], None), ["2.0.0", "2.3.1"]);
        // Dev versions follow the same rule: a minimum above dev hides branches.
        let rc = Limits {
            minimum_stability: Some(Stability::RC),
            ..constraint("~1.2")
        };
        assert_eq!(admitted(&[rc], None), ["1.2.0", "1.2.5", "1.5.0"]);
        // The customer's floor holds over grants that allow less.
        let any = [constraint("^2.0")];
        assert_eq!(
            admitted(&any, Some(Stability::Beta)),
            ["2.0.0-beta1", "2.0.0", "2.3.1"]
        );
        assert_eq!(
            admitted(&[Limits::default()], Some(Stability::Stable)),
            [
                "1.0.0", "1.2.0", "1.2.5", "1.5.0", "2.0.0", "2.3.1", "3.0.0"
            ]
        );
    }

    #[test]
    fn expiration() {
        let until_april = Limits {
            expiration: Some(at("2024-04-01 00:00:00")),
            ..constraint("^1.0")
        };
        // Released on the day of expiry is still in; later ones and branches are not.
        assert_eq!(
            admitted(std::slice::from_ref(&until_april), None),
            ["1.0.0", "1.2.0", "1.2.5", "1.5.0"]
        );
        let mut undated = tag("1.9.0", "1.9.0.0", "");
        undated.remove("time");
        assert!(admits(&[Limits::default()], None, &undated));
        assert!(!admits(std::slice::from_ref(&until_april), None, &undated));
        let other_format = tag("1.1.0", "1.1.0.0", "2024-03-31 23:59:59");
        assert!(admits(&[until_april], None, &other_format));
    }

    #[test]
    fn union_of_grants() {
        let old = Limits {
            expiration: Some(at("2024-02-15 00:00:00")),
            ..constraint("^1.0")
        };
        let new = Limits {
            minimum_stability: Some(Stability::Stable),
            ..constraint("^2.0")
        };
        assert_eq!(
            admitted(&[old, new], None),
            ["1.0.0", "1.2.0", "2.0.0", "2.3.1"]
        );
    }

    const DISTS: DistUrls<'static> = DistUrls {
        organization: "https://repo.example.com/acme/dists",
        customer: "https://repo.example.com/acme/customers/shop/dists",
    };

    fn served(file: &str) -> Vec<Map<String, Value>> {
        let document: Value = serde_json::from_str(file).unwrap();
        assert_eq!(document["minified"], "composer/2.0");
        expand(document["packages"]["acme/lib"].as_array().unwrap())
    }

    #[test]
    fn filters_a_stored_file() {
        let stored = render_package_files("acme/lib", catalogue());
        let grants = [constraint("^1.0")];
        let file =
            filter_package_file(&stored.tagged, "acme/lib", &grants, None, true, &DISTS).unwrap();
        let versions = served(&file);
        let names: Vec<&str> = versions
            .iter()
            .map(|v| v["version"].as_str().unwrap())
            .collect();
        // Stored order (newest first) is kept.
        assert_eq!(names, ["1.5.0", "1.2.5", "1.2.0", "1.0.0"]);
        for version in &versions {
            assert!(!version.contains_key("source"), "{version:?}");
            let reference = version["dist"]["reference"].as_str().unwrap();
            assert_eq!(
                version["dist"]["url"],
                format!(
                    "https://repo.example.com/acme/customers/shop/dists/acme/lib/{reference}.zip"
                )
            );
        }
        // Everything else is as stored.
        let original = expand(
            serde_json::from_str::<Value>(&stored.tagged).unwrap()["packages"]["acme/lib"]
                .as_array()
                .unwrap(),
        );
        let stored_150 = original.iter().find(|v| v["version"] == "1.5.0").unwrap();
        assert_eq!(versions[0]["time"], stored_150["time"]);
        assert_eq!(versions[0]["dist"]["shasum"], stored_150["dist"]["shasum"]);

        let with_source =
            filter_package_file(&stored.dev, "acme/lib", &grants, None, false, &DISTS).unwrap();
        let dev = served(&with_source);
        let names: Vec<&str> = dev.iter().map(|v| v["version"].as_str().unwrap()).collect();
        assert_eq!(names, ["1.2.x-dev", "dev-feature"]);
        assert_eq!(dev[0]["source"]["reference"], "c-1.2.x-dev");

        let nothing =
            filter_package_file(&stored.tagged, "acme/lib", &[], None, true, &DISTS).unwrap();
        assert_eq!(
            nothing,
            r#"{"minified":"composer/2.0","packages":{"acme/lib":[]}}"#
        );
    }

    #[test]
    fn foreign_dists_stay_and_source_only_versions_go_without_source() {
        let mut external = tag("1.0.0", "1.0.0.0", "2024-01-01T00:00:00+00:00");
        external.insert(
            "dist".into(),
            json!({"type": "zip", "url": "https://cdn.example.com/lib-1.0.0.zip", "reference": "r1"}),
        );
        let mut source_only = tag("1.1.0", "1.1.0.0", "2024-01-02T00:00:00+00:00");
        source_only.remove("dist");
        let stored = render_package_files("acme/lib", vec![external, source_only]);
        let all = [Limits::default()];
        let stripped =
            filter_package_file(&stored.tagged, "acme/lib", &all, None, true, &DISTS).unwrap();
        let versions = served(&stripped);
        assert_eq!(versions.len(), 1);
        assert_eq!(
            versions[0]["dist"]["url"],
            "https://cdn.example.com/lib-1.0.0.zip"
        );
        let kept =
            filter_package_file(&stored.tagged, "acme/lib", &all, None, false, &DISTS).unwrap();
        assert_eq!(served(&kept).len(), 2);
    }
}
