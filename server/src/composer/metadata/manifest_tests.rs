use serde_json::json;

use super::*;

fn validate(value: Value) -> Result<ComposerJson, ManifestError> {
    validate_composer_json(value.to_string().as_bytes())
}

fn error_of(value: Value) -> (String, String) {
    let error = validate(value).expect_err("should be rejected");
    (error.field, error.message)
}

#[test]
fn a_realistic_manifest_passes_and_keeps_its_key_order() {
    let manifest = validate(json!({
        "name": "acme/hello-world",
        "description": "Says hello",
        "type": "symfony-bundle",
        "version": "1.2.0",
        "require": {"php": ">=8.1", "ext-json": "*", "Psr/Log": "^3.0", "acme/util": "self.version",
                    "composer-plugin-api": "^2.0", "lib-icu": "*", "composer-runtime-api": "^2",
                    "composer": "^2", "php-64bit": "*", "hhvm": "*"},
        "require-dev": {"phpunit/phpunit": "^10"},
        "conflict": {}, "provide": [], "replace": null,
        "autoload": {"psr-4": {"Acme\\Hello\\": "src/"}},
        "autoload-dev": [],
        "extra": {"branch-alias": {"dev-main": "1.3.x-dev"}, "laravel": {"providers": []}}
    }))
    .unwrap();
    assert_eq!(manifest.name(), "acme/hello-world");
    assert_eq!(manifest.description(), Some("Says hello"));
    assert_eq!(manifest.package_type(), Some("symfony-bundle"));
    assert_eq!(manifest.version_field(), Some("1.2.0"));
    assert_eq!(manifest.requires(), ["psr/log", "acme/util"]);
    assert_eq!(
        manifest.branch_alias(),
        Some(&json!({"dev-main": "1.3.x-dev"}))
    );
    let keys: Vec<&str> = manifest.as_map().keys().map(String::as_str).collect();
    assert_eq!(keys[..4], ["name", "description", "type", "version"]);
}

#[test]
fn a_minimal_manifest_has_nothing_else() {
    let manifest = validate_composer_json(b"\xEF\xBB\xBF{\"name\": \"a/b\"}").unwrap();
    assert_eq!(manifest.package_type(), None);
    assert_eq!(manifest.description(), None);
    assert_eq!(manifest.version_field(), None);
    assert!(manifest.requires().is_empty());
    assert_eq!(manifest.branch_alias(), None);
    let empty_alias = validate(json!({"name": "a/b", "extra": {"branch-alias": {}}})).unwrap();
    assert_eq!(empty_alias.branch_alias(), None);
}

#[test]
fn the_document_must_be_a_json_object() {
    let error = validate_composer_json(b"{\"name\": ").unwrap_err();
    assert_eq!(error.field, "");
    assert!(error.message.starts_with("is not valid JSON"), "{error}");
    assert!(error.to_string().starts_with("composer.json (document): "));
    for value in [json!([]), json!("a/b"), json!(null)] {
        assert_eq!(error_of(value), ("".into(), "must be a JSON object".into()));
    }
}

#[test]
fn name_is_required_and_must_be_a_string() {
    assert_eq!(error_of(json!({})), ("name".into(), "is required".into()));
    assert_eq!(
        error_of(json!({"name": null})),
        ("name".into(), "is required".into())
    );
    assert_eq!(
        error_of(json!({"name": ["a/b"]})),
        ("name".into(), "must be a string".into())
    );
}

#[test]
fn upper_case_names_are_reported_with_their_value() {
    let (field, message) = error_of(json!({"name": "Acme/Hello"}));
    assert_eq!(field, "name");
    assert_eq!(
        message,
        "\"Acme/Hello\" must be lower-case (\"acme/hello\")"
    );
}

#[test]
fn package_name_rule() {
    let valid = [
        "a/b",
        "acme/hello",
        "acme0/9lives",
        "my-vendor/my_package.name",
        "vendor/double--dash",
        "v.e_n-d/p",
    ];
    for name in valid {
        assert!(is_valid_package_name(name), "{name}");
        assert!(validate(json!({ "name": name })).is_ok(), "{name}");
    }
    let invalid = [
        "acme",
        "/hello",
        "acme/",
        "acme/hello/extra",
        "-acme/hello",
        "acme-/hello",
        "acme/hello-",
        "acme/_hello",
        "ven--dor/p",
        "acme/triple---dash",
        "acme/under__score",
        "acme/dot-.mix",
        "acme/héllo",
        "acme/hello world",
    ];
    for name in invalid {
        assert!(!is_valid_package_name(name), "{name}");
        let (field, message) = error_of(json!({ "name": name }));
        assert_eq!(field, "name");
        assert!(
            message.contains("is not a valid package name"),
            "{name}: {message}"
        );
    }
}

#[test]
fn link_sections_are_objects_of_strings() {
    for section in ["require", "require-dev", "conflict", "provide", "replace"] {
        let (field, message) = error_of(json!({"name": "a/b", section: ["psr/log"]}));
        assert_eq!(
            (field.as_str(), message.as_str()),
            (section, "must be an object")
        );
        let (field, message) =
            error_of(json!({"name": "a/b", section: {"php": ">=8", "psr/log": 3}}));
        assert_eq!(field, format!("{section}.psr/log"));
        assert_eq!(message, "must be a version constraint string");
    }
}

#[test]
fn autoload_sections_are_objects() {
    for section in ["autoload", "autoload-dev"] {
        let (field, message) = error_of(json!({"name": "a/b", section: "src/"}));
        assert_eq!(
            (field.as_str(), message.as_str()),
            (section, "must be an object")
        );
    }
}

#[test]
fn scalar_fields_are_strings() {
    for field in ["type", "description", "version"] {
        let (path, message) = error_of(json!({"name": "a/b", field: 1}));
        assert_eq!(
            (path.as_str(), message.as_str()),
            (field, "must be a string")
        );
    }
}

#[test]
fn branch_alias_is_an_object_of_strings() {
    let (field, message) = error_of(json!({"name": "a/b", "extra": "x"}));
    assert_eq!(
        (field.as_str(), message.as_str()),
        ("extra", "must be an object")
    );
    let (field, message) = error_of(json!({"name": "a/b", "extra": {"branch-alias": "1.0.x-dev"}}));
    assert_eq!(
        (field.as_str(), message.as_str()),
        ("extra.branch-alias", "must be an object")
    );
    let (field, message) =
        error_of(json!({"name": "a/b", "extra": {"branch-alias": {"dev-main": 1}}}));
    assert_eq!(
        (field.as_str(), message.as_str()),
        ("extra.branch-alias.dev-main", "must be a version string")
    );
}

#[test]
fn maps_to_a_bad_user_input_error_with_the_field() {
    let error: crate::error::Error =
        ManifestError::new("require.psr/log", "must be a version constraint string").into();
    assert_eq!(error.code(), "BAD_USER_INPUT");
    let crate::error::Error::Invalid { field, message } = error else {
        panic!("expected Invalid");
    };
    assert_eq!(field, "require.psr/log");
    assert_eq!(
        message,
        "composer.json require.psr/log: must be a version constraint string"
    );
}
