//! The spec's constraint tables (3.6) and the filters issue 5 needs.

use super::{Constraint, Stability, VersionError};

fn bounds(constraint: &str) -> String {
    match Constraint::parse(constraint) {
        Ok(parsed) => parsed.to_string(),
        Err(error) => panic!("{constraint:?} did not parse: {error}"),
    }
}

fn matching<'a>(constraint: &str, versions: &[&'a str]) -> Vec<&'a str> {
    let parsed = Constraint::parse(constraint).unwrap();
    versions
        .iter()
        .copied()
        .filter(|v| parsed.matches(v))
        .collect()
}

#[test]
fn spec_table_3_6_bounds() {
    let cases = [
        ("1.2.3", "== 1.2.3.0"),
        ("=1.2.3", "== 1.2.3.0"),
        ("==1.2.3", "== 1.2.3.0"),
        (">1.0", "> 1.0.0.0"),
        ("<=1.5", "<= 1.5.0.0"),
        ("!=1.2.0", "!= 1.2.0.0"),
        ("<>1.2", "!= 1.2.0.0"),
        ("<2.0", "< 2.0.0.0-dev"),
        (">=1.0", ">= 1.0.0.0-dev"),
        ("<2.0-beta", "< 2.0.0.0-beta"),
        // The real client's suffix check misses `RC` (see `has_dash_modifier`).
        (">=1.0.0-RC1", ">= 1.0.0.0-RC1-dev"),
        ("<2.0-rc.1", "< 2.0.0.0-RC1-dev"),
        ("<2.0-b2", "< 2.0.0.0-beta2"),
        (">=1.0 <2.0", "[>= 1.0.0.0-dev < 2.0.0.0-dev]"),
        (">=1.0,<2.0", "[>= 1.0.0.0-dev < 2.0.0.0-dev]"),
        ("^1.2.3", "[>= 1.2.3.0-dev < 2.0.0.0-dev]"),
        ("^1.2", "[>= 1.2.0.0-dev < 2.0.0.0-dev]"),
        ("^0.3", "[>= 0.3.0.0-dev < 0.4.0.0-dev]"),
        ("^0.0.3", "[>= 0.0.3.0-dev < 0.0.4.0-dev]"),
        ("~1.2", "[>= 1.2.0.0-dev < 2.0.0.0-dev]"),
        ("~1.2.3", "[>= 1.2.3.0-dev < 1.3.0.0-dev]"),
        ("~1", "[>= 1.0.0.0-dev < 2.0.0.0-dev]"),
        ("~1.0.0-beta", "[>= 1.0.0.0-beta < 1.1.0.0-dev]"),
        ("1.2.*", "[>= 1.2.0.0-dev < 1.3.0.0-dev]"),
        ("1.*", "[>= 1.0.0.0-dev < 2.0.0.0-dev]"),
        ("*", "*"),
        ("x", "*"),
        ("@dev", "*"),
        ("1.0 - 2.0", "[>= 1.0.0.0-dev < 2.1.0.0-dev]"),
        ("1.0.0 - 2.1.0", "[>= 1.0.0.0-dev <= 2.1.0.0]"),
        ("^1.0 | ^2.0", "[>= 1.0.0.0-dev < 3.0.0.0-dev]"),
        ("^1.0 || ^2.0", "[>= 1.0.0.0-dev < 3.0.0.0-dev]"),
        ("dev-main", "== dev-main"),
        ("dev-main#abc123", "== dev-main"),
        ("1.2.x-dev", "== 1.2.9999999.9999999-dev"),
        ("^1.0@beta", "[>= 1.0.0.0-dev < 2.0.0.0-dev]"),
    ];
    for (constraint, expected) in cases {
        assert_eq!(bounds(constraint), expected, "bounds of {constraint:?}");
    }
}

#[test]
fn more_grammar() {
    let cases = [
        ("v1.2.3", "== 1.2.3.0"),
        (">= 1.0", ">= 1.0.0.0-dev"),
        (">=1.0 , <2.0", "[>= 1.0.0.0-dev < 2.0.0.0-dev]"),
        ("~1.2.x-dev", "[>= 1.2.9999999.9999999-dev < 1.3.0.0-dev]"),
        ("^0", "[>= 0.0.0.0-dev < 1.0.0.0-dev]"),
        ("^0.0", "[>= 0.0.0.0-dev < 0.1.0.0-dev]"),
        ("^1.2.3-beta2", "[>= 1.2.3.0-beta2 < 2.0.0.0-dev]"),
        ("~1.2.3.4", "[>= 1.2.3.4-dev < 1.2.4.0-dev]"),
        ("0.*", "< 1.0.0.0-dev"),
        ("1.2.3.*", "[>= 1.2.3.0-dev < 1.2.4.0-dev]"),
        ("v*", ">= 0.0.0.0-dev"),
        ("*.*", ">= 0.0.0.0-dev"),
        ("1 - 2", "[>= 1.0.0.0-dev < 3.0.0.0-dev]"),
        ("1.0.0-beta - 2.0.0-RC1", "[>= 1.0.0.0-beta <= 2.0.0.0-RC1]"),
        (">=1.0@beta", ">= 1.0.0.0-beta"),
        (">1.0@RC", "> 1.0.0.0-RC"),
        ("1.0@beta", "== 1.0.0.0"),
        ("dev-main@dev", "== dev-main"),
        ("<dev-main", "< dev-main"),
        ("feature-dev", "== dev-feature"),
        ("1.0 as 2.0", "== 1.0.0.0"),
        (
            "^1.0 || ^3.0",
            "[[>= 1.0.0.0-dev < 2.0.0.0-dev] || [>= 3.0.0.0-dev < 4.0.0.0-dev]]",
        ),
        ("^1.0 | ^2.0 | ^3.0", "[>= 1.0.0.0-dev < 4.0.0.0-dev]"),
        ("^1.0 || 2.0.0 - 2.1.0", "[>= 1.0.0.0-dev <= 2.1.0.0]"),
        (
            ">=1.0 <1.1 || dev-main",
            "[[>= 1.0.0.0-dev < 1.1.0.0-dev] || == dev-main]",
        ),
    ];
    for (constraint, expected) in cases {
        assert_eq!(bounds(constraint), expected, "bounds of {constraint:?}");
    }
}

#[test]
fn invalid_constraints_name_the_input() {
    for invalid in [
        "~>1.0",
        "",
        "foo",
        "1.0.0-SNAPSHOT",
        ">=",
        "^1.0 ||",
        "|| ^1.0",
        ">=1.0,,<2.0",
        ",>=1.0",
        ">=1.0,",
        ">=, 1.0",
        "1.0 -2.0",
        "^ 1.0",
        "~ 1.0",
        "===1.0",
        "1.2.3.4.5",
    ] {
        let Err(VersionError::InvalidConstraint { constraint, .. }) = Constraint::parse(invalid)
        else {
            panic!("{invalid:?} should not parse");
        };
        assert_eq!(constraint, invalid);
    }
    let error = Constraint::parse("~>1.0").unwrap_err();
    assert_eq!(
        error.to_string(),
        "could not parse version constraint \"~>1.0\": invalid operator \"~>\" in \"~>1.0\", \
         you probably meant to use the \"~\" operator"
    );
}

#[test]
fn observed_result_set_for_caret_one_or_two() {
    // Spec 3.6, observed with the real client (normalized forms of the same versions).
    let versions = [
        "1.0.0.0",
        "1.5.0.0",
        "2.0.0.0-beta1",
        "2.0.0.0",
        "2.3.1.0",
        "3.0.0.0",
        "dev-main",
        "1.2.9999999.9999999-dev",
    ];
    let expected = [
        "1.0.0.0",
        "1.5.0.0",
        "2.0.0.0-beta1",
        "2.0.0.0",
        "2.3.1.0",
        "1.2.9999999.9999999-dev",
    ];
    assert_eq!(matching("^1.0 | ^2.0", &versions), expected);
    assert_eq!(matching("^1.0 || ^2.0", &versions), expected);
}

#[test]
fn filters_issue_5_needs() {
    let versions = [
        "0.9.0.0",
        "1.0.0.0-beta1",
        "1.0.0.0",
        "1.1.0.0",
        "1.2.0.0-RC1",
        "1.2.0.0",
        "1.2.5.0",
        "1.4.9.0",
        "1.5.0.0-alpha1",
        "1.5.0.0",
        "1.9999999.9999999.9999999-dev",
        "1.2.9999999.9999999-dev",
        "2.0.0.0",
        "dev-main",
        "dev-feature/foo",
        "9999999-dev",
    ];
    let cases: [(&str, &[&str]); 6] = [
        (
            "~1.2",
            &[
                "1.2.0.0-RC1",
                "1.2.0.0",
                "1.2.5.0",
                "1.4.9.0",
                "1.5.0.0-alpha1",
                "1.5.0.0",
                "1.9999999.9999999.9999999-dev",
                "1.2.9999999.9999999-dev",
            ],
        ),
        (
            ">=1.0 <1.5",
            &[
                "1.0.0.0-beta1",
                "1.0.0.0",
                "1.1.0.0",
                "1.2.0.0-RC1",
                "1.2.0.0",
                "1.2.5.0",
                "1.4.9.0",
                "1.2.9999999.9999999-dev",
            ],
        ),
        (
            "1.*",
            &[
                "1.0.0.0-beta1",
                "1.0.0.0",
                "1.1.0.0",
                "1.2.0.0-RC1",
                "1.2.0.0",
                "1.2.5.0",
                "1.4.9.0",
                "1.5.0.0-alpha1",
                "1.5.0.0",
                "1.9999999.9999999.9999999-dev",
                "1.2.9999999.9999999-dev",
            ],
        ),
        ("dev-main", &["dev-main"]),
        (
            "!=1.2.0",
            &[
                "0.9.0.0",
                "1.0.0.0-beta1",
                "1.0.0.0",
                "1.1.0.0",
                "1.2.0.0-RC1",
                "1.2.5.0",
                "1.4.9.0",
                "1.5.0.0-alpha1",
                "1.5.0.0",
                "1.9999999.9999999.9999999-dev",
                "1.2.9999999.9999999-dev",
                "2.0.0.0",
                "dev-main",
                "dev-feature/foo",
                "9999999-dev",
            ],
        ),
        (">=2.0", &["2.0.0.0", "9999999-dev"]),
    ];
    for (constraint, expected) in cases {
        assert_eq!(matching(constraint, &versions), expected, "{constraint}");
    }
    assert_eq!(matching("*", &versions), versions);
    assert_eq!(matching("@dev", &versions), versions);
    assert_eq!(
        matching("dev-feature/foo#abc", &versions),
        ["dev-feature/foo"]
    );
}

#[test]
fn branches_only_match_equality_inequality_and_everything() {
    let main = "dev-main";
    let cases = [
        ("dev-main", true),
        ("==dev-main", true),
        ("dev-other", false),
        ("!=dev-other", true),
        ("!=dev-main", false),
        ("!=1.0", true),
        ("*", true),
        ("v*", false),
        (">=0", false),
        ("<9999999", false),
        ("^1.0", false),
        ("1.0.0", false),
        (">=1.0@dev", false),
    ];
    for (constraint, expected) in cases {
        let parsed = Constraint::parse(constraint).unwrap();
        assert_eq!(parsed.matches(main), expected, "{constraint} vs {main}");
    }
}

#[test]
fn aliases_let_branches_satisfy_ranges() {
    let caret = Constraint::parse("^1.0").unwrap();
    assert!(caret.matches_with_alias("dev-main", Some("1.2.9999999.9999999-dev")));
    assert!(!caret.matches_with_alias("dev-main", None));
    assert!(!caret.matches_with_alias("dev-main", Some("2.0.9999999.9999999-dev")));
    assert!(caret.matches_with_alias("1.0.0.0", None));
    let open = Constraint::parse(">=1.0@dev").unwrap();
    assert!(open.matches_with_alias("dev-main", Some("9999999-dev")));
    let exact = Constraint::parse("dev-main").unwrap();
    assert!(exact.matches_with_alias("dev-main", Some("9999999-dev")));
}

#[test]
fn stability_flags_are_kept_apart_from_bounds() {
    let cases = [
        ("^1.0@beta", Some(Stability::Beta)),
        ("^1.0@RC", Some(Stability::RC)),
        ("^1.0", None),
        ("@dev", Some(Stability::Dev)),
        ("^1.0@stable", Some(Stability::Stable)),
        ("^1.0@beta || ^2.0@alpha", Some(Stability::Alpha)),
        ("^1.0@alpha || ^2.0@beta", Some(Stability::Alpha)),
    ];
    for (constraint, expected) in cases {
        assert_eq!(
            Constraint::parse(constraint).unwrap().stability_flag(),
            expected,
            "{constraint}"
        );
    }
    let flagged = Constraint::parse("^1.0@beta").unwrap();
    assert_eq!(flagged.as_str(), "^1.0@beta");
    assert!(flagged.matches("1.0.0.0-beta1"));
    assert!(flagged.matches("1.0.0.0-alpha1"));
    assert!(!flagged.matches("2.0.0.0-beta1"));
}

#[test]
fn comparison_edges_follow_version_compare() {
    let cases = [
        ("<=1.0", "1.0.0.0-RC1", true),
        ("<2.0", "2.0.0.0-beta1", false),
        ("<2.0", "1.9999999.9999999.9999999-dev", true),
        ("1.0.0 - 2.1.0", "2.1.0.0-RC1", true),
        ("1.0.0 - 2.1.0", "2.1.0.0-patch1", false),
        (">1.0", "1.0.0.0-patch1", true),
        (">1.0.0-RC1", "1.0.0.0-RC2", true),
        ("==1.2.3", "1.2.3.0", true),
        ("==1.2.3", "1.2.3.1", false),
        ("1.2.x-dev", "1.2.9999999.9999999-dev", true),
        ("^1.0", "1.2.9999999.9999999-dev", true),
        ("~1.2", "1.2.9999999.9999999-dev", true),
        ("^1.0", "2.0.0.0-dev", false),
        ("^0.3", "0.3.9.0", true),
        ("^0.3", "0.4.0.0", false),
        ("^0.0.3", "0.0.4.0", false),
    ];
    for (constraint, version, expected) in cases {
        let parsed = Constraint::parse(constraint).unwrap();
        assert_eq!(
            parsed.matches(version),
            expected,
            "{version} against {constraint}"
        );
    }
}
