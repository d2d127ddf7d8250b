use chrono::TimeZone;

use super::*;
use crate::composer::metadata::validate_composer_json;

fn manifest(value: Value) -> ComposerJson {
    validate_composer_json(value.to_string().as_bytes()).unwrap()
}

fn record(version: &str, normalized: &str, composer_json: Value) -> VersionRecord {
    VersionRecord {
        name: "acme/hello".into(),
        version: version.into(),
        version_normalized: normalized.into(),
        time: Utc.with_ymd_and_hms(2024, 2, 3, 10, 0, 0).unwrap(),
        manifest: manifest(composer_json),
        source: Some(Source {
            url: "https://git.example.com/acme/hello.git".into(),
            reference: "0123456789abcdef0123456789abcdef01234567".into(),
        }),
        dist: Some(Dist {
            url: "https://repo.example.com/acme/dists/acme/hello/0123456.zip".into(),
            reference: "0123456789abcdef0123456789abcdef01234567".into(),
            shasum: "da39a3ee5e6b4b0d3255bfef95601890afd80709".into(),
        }),
        default_branch: false,
    }
}

fn keys(object: &Map<String, Value>) -> Vec<&str> {
    object.keys().map(String::as_str).collect()
}

#[test]
fn keeps_package_keys_in_order_and_adds_the_repository_keys() {
    let composer_json = json!({
        "name": "acme/hello",
        "description": "Says hello",
        "type": "library",
        "license": ["MIT"],
        "require": {"php": ">=8.1"},
        "require-dev": {"phpunit/phpunit": "^10"},
        "autoload": {"psr-4": {"Acme\\Hello\\": "src/"}},
        "autoload-dev": {"psr-4": {"Acme\\Hello\\Tests\\": "tests/"}},
        "archive": {"exclude": ["/tests"]},
        "abandoned": "acme/world",
        "x-custom": 1,
    });
    let object = version_object(&record("v1.2.0", "1.2.0.0", composer_json)).unwrap();
    assert_eq!(
        keys(&object),
        [
            "name",
            "version",
            "version_normalized",
            "description",
            "type",
            "license",
            "require",
            "require-dev",
            "autoload",
            "autoload-dev",
            "archive",
            "abandoned",
            "x-custom",
            "time",
            "source",
            "dist",
        ]
    );
    assert_eq!(object["version"], "v1.2.0");
    assert_eq!(object["version_normalized"], "1.2.0.0");
    assert_eq!(object["require"], json!({"php": ">=8.1"}));
}

#[test]
fn drops_root_only_and_repository_owned_keys() {
    let composer_json = json!({
        "name": "acme/hello",
        "version": "9.9.9",
        "version_normalized": "9.9.9.0",
        "time": "2001-01-01",
        "source": {"type": "git", "url": "https://evil.example/x.git", "reference": "x"},
        "dist": {"type": "zip", "url": "https://evil.example/x.zip"},
        "default-branch": true,
        "notification-url": "https://stats.example/notify",
        "repositories": [{"type": "composer", "url": "https://u:p@internal.example"}],
        "config": {"http-basic": {"internal.example": {"username": "u", "password": "p"}}},
        "minimum-stability": "dev",
        "prefer-stable": true,
        "non-feature-branches": ["main"],
        "scripts": {"deploy": "ssh deploy@internal.example"},
        "scripts-descriptions": {"deploy": "Deploys"},
        "scripts-aliases": {"deploy": ["d"]},
        "uid": 7,
        "transport-options": {"ssl": {"verify_peer": false}},
        "installation-source": "dist",
        "description": "kept",
    });
    let mut record = record("v1.0.0", "1.0.0.0", composer_json);
    record.source = None;
    let object = version_object(&record).unwrap();
    assert_eq!(
        keys(&object),
        [
            "name",
            "version",
            "version_normalized",
            "description",
            "time",
            "dist"
        ]
    );
    assert_eq!(object["version"], "v1.0.0");
    assert_eq!(object["time"], "2024-02-03T10:00:00+00:00");
    assert_eq!(
        object["dist"]["url"],
        "https://repo.example.com/acme/dists/acme/hello/0123456.zip"
    );
}

#[test]
fn the_callers_name_wins() {
    let object = version_object(&record(
        "v0.9.0",
        "0.9.0.0",
        json!({"name": "acme/hello-legacy"}),
    ))
    .unwrap();
    assert_eq!(object["name"], "acme/hello");
}

#[test]
fn source_and_dist_shapes() {
    let object =
        version_object(&record("v1.0.0", "1.0.0.0", json!({"name": "acme/hello"}))).unwrap();
    assert_eq!(
        object["source"],
        json!({"type": "git", "url": "https://git.example.com/acme/hello.git",
               "reference": "0123456789abcdef0123456789abcdef01234567"})
    );
    assert_eq!(
        object["dist"],
        json!({"type": "zip", "url": "https://repo.example.com/acme/dists/acme/hello/0123456.zip",
               "reference": "0123456789abcdef0123456789abcdef01234567",
               "shasum": "da39a3ee5e6b4b0d3255bfef95601890afd80709"})
    );
    assert_eq!(
        keys(object["dist"].as_object().unwrap()),
        ["type", "url", "reference", "shasum"]
    );

    let mut source_only = record("v1.0.0", "1.0.0.0", json!({"name": "acme/hello"}));
    source_only.dist = None;
    let object = version_object(&source_only).unwrap();
    assert!(object.contains_key("source") && !object.contains_key("dist"));

    source_only.source = None;
    let error = version_object(&source_only).unwrap_err();
    assert_eq!(error.field, "dist");
    assert!(error.message.contains("v1.0.0"), "{error}");
}

#[test]
fn time_is_utc_with_an_explicit_offset_and_no_fraction() {
    let mut record = record("v1.0.0", "1.0.0.0", json!({"name": "acme/hello"}));
    record.time = Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 58).unwrap()
        + chrono::Duration::milliseconds(999);
    assert_eq!(
        version_object(&record).unwrap()["time"],
        "1999-12-31T23:59:58+00:00"
    );
}

#[test]
fn default_branch_only_when_flagged() {
    let mut record = record("dev-main", "dev-main", json!({"name": "acme/hello"}));
    assert!(
        !version_object(&record)
            .unwrap()
            .contains_key("default-branch")
    );
    record.default_branch = true;
    let object = version_object(&record).unwrap();
    assert_eq!(object["default-branch"], true);
    assert_eq!(keys(&object).last(), Some(&"default-branch"));
}

#[test]
fn branch_alias_is_reduced_to_this_versions_alias() {
    let composer_json = json!({
        "name": "acme/hello",
        "extra": {
            "laravel": {"providers": ["Acme\\Hello\\Provider"]},
            "branch-alias": {"dev-other": "3.0.x-dev", "dev-main": "2.1-dev", "1.x-dev": "1.4.x-dev"},
            "zzz": true,
        },
    });
    let mut main = record("dev-main", "dev-main", composer_json.clone());
    main.default_branch = true;
    let object = version_object(&main).unwrap();
    assert_eq!(
        object["extra"],
        json!({"laravel": {"providers": ["Acme\\Hello\\Provider"]},
               "branch-alias": {"dev-main": "2.1.x-dev"}, "zzz": true})
    );
    assert_eq!(
        keys(object["extra"].as_object().unwrap()),
        ["laravel", "branch-alias", "zzz"]
    );

    let numeric = record(
        "1.x-dev",
        "1.9999999.9999999.9999999-dev",
        composer_json.clone(),
    );
    let object = version_object(&numeric).unwrap();
    assert_eq!(
        object["extra"]["branch-alias"],
        json!({"1.x-dev": "1.4.x-dev"})
    );

    // Tags have no aliases: the entry goes, the rest of `extra` stays.
    let tag = record("v1.0.0", "1.0.0.0", composer_json);
    let object = version_object(&tag).unwrap();
    assert_eq!(
        object["extra"],
        json!({"laravel": {"providers": ["Acme\\Hello\\Provider"]}, "zzz": true})
    );
}

#[test]
fn extra_goes_when_only_a_dropped_alias_was_in_it() {
    // An alias the client would refuse (a target outside the branch's prefix).
    let composer_json =
        json!({"name": "acme/hello", "extra": {"branch-alias": {"1.x-dev": "2.0.x-dev"}}});
    let object = version_object(&record(
        "1.x-dev",
        "1.9999999.9999999.9999999-dev",
        composer_json,
    ))
    .unwrap();
    assert!(!object.contains_key("extra"));
    let object = version_object(&record(
        "v1.0.0",
        "1.0.0.0",
        json!({"name": "acme/hello", "extra": []}),
    ))
    .unwrap();
    assert!(!object.contains_key("extra"));
}

#[test]
fn the_implicit_default_branch_alias_is_not_written() {
    let composer_json =
        json!({"name": "acme/hello", "extra": {"branch-alias": {"dev-main": "9999999-dev"}}});
    let mut main = record("dev-main", "dev-main", composer_json);
    main.default_branch = true;
    // The client infers `9999999-dev` from `default-branch`; saying it again adds nothing.
    let object = version_object(&main).unwrap();
    assert!(!object.contains_key("extra"));
    assert_eq!(object["default-branch"], true);
    // On a branch that is not the default the declaration is the only source: kept.
    main.default_branch = false;
    let object = version_object(&main).unwrap();
    assert_eq!(
        object["extra"]["branch-alias"],
        json!({"dev-main": "9999999-dev"})
    );
    // A default branch without a declared alias gets no `extra` either.
    let mut plain = record("dev-main", "dev-main", json!({"name": "acme/hello"}));
    plain.default_branch = true;
    assert!(!version_object(&plain).unwrap().contains_key("extra"));
}
