//! `VersionParser::normalize` (spec 3.1) and the pieces of its grammar that the branch,
//! tag and constraint rules reuse.

use super::VersionError;
use super::modifier::{Modifier, parse_modifier};

/// `v?N(.N){0,3}` followed by a modifier: the numeric parts as written and the modifier.
fn parse_classical(version: &str) -> Option<(Vec<&str>, Modifier)> {
    let body = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let first = leading_digits(body);
    if first == 0 || first > 5 {
        return None;
    }
    let mut parts = vec![&body[..first]];
    let mut rest = &body[first..];
    while parts.len() < 4 {
        let Some(after_dot) = rest.strip_prefix('.') else {
            break;
        };
        let digits = leading_digits(after_dot);
        if digits == 0 {
            break;
        }
        parts.push(&after_dot[..digits]);
        rest = &after_dot[digits..];
    }
    parse_modifier(rest).map(|modifier| (parts, modifier))
}

fn leading_digits(s: &str) -> usize {
    s.bytes().take_while(u8::is_ascii_digit).count()
}

/// `v?YYYY([.:-]?DD){1,6}([.:-]?D{1,3})?` followed by a modifier. The date takes the
/// longest prefix that leaves a valid modifier, as the greedy regex does.
fn parse_date(version: &str) -> Option<(String, Modifier)> {
    let body = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let head_len = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || matches!(b, b'.' | b':' | b'-'))
        .count();
    (4..=head_len).rev().find_map(|end| {
        let head = &body[..end];
        let modifier = is_date(head)
            .then(|| parse_modifier(&body[end..]))
            .flatten()?;
        let dotted = head
            .chars()
            .map(|c| if c.is_ascii_digit() { c } else { '.' })
            .collect();
        Some((dotted, modifier))
    })
}

fn is_date(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() >= 4 && bytes[..4].iter().all(u8::is_ascii_digit) && date_groups(&bytes[4..], 0)
}

fn date_groups(rest: &[u8], groups: usize) -> bool {
    let unseparated = match rest.first() {
        Some(b'.' | b':' | b'-') => &rest[1..],
        _ => rest,
    };
    let digits = unseparated
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let last_group = (1..=3).contains(&digits) && digits == unseparated.len();
    if groups >= 1 && (rest.is_empty() || last_group) {
        return true;
    }
    groups < 6 && digits >= 2 && date_groups(&unseparated[2..], groups + 1)
}

/// `VersionParser::normalize`: the `version_normalized` of a version string.
pub fn normalize(version: &str) -> Result<String, VersionError> {
    let original = version.trim();
    let mut version = strip_alias(original);
    version = strip_stability_flag(version);
    if matches!(version, "master" | "trunk" | "default") {
        return Ok(format!("dev-{version}"));
    }
    if version
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("dev-"))
    {
        return Ok(format!("dev-{}", &version[4..]));
    }
    version = strip_build_metadata(version);
    if let Some((parts, modifier)) = parse_classical(version) {
        let mut normalized = parts.join(".");
        for _ in parts.len()..4 {
            normalized.push_str(".0");
        }
        normalized.push_str(&modifier.normalized_suffix());
        return Ok(normalized);
    }
    if let Some((mut normalized, modifier)) = parse_date(version) {
        normalized.push_str(&modifier.normalized_suffix());
        return Ok(normalized);
    }
    // `1.x-dev`, `2.1.*-dev`: numeric branch names are versions too.
    if let Some(branch) = strip_dev_suffix(version)
        && let Some(normalized) = normalize_numeric_branch(branch)
    {
        return Ok(normalized);
    }
    Err(VersionError::InvalidVersion(original.to_owned()))
}

/// `1.0 as 2.0` means version 1.0 (the alias only matters to a root package).
pub(super) fn strip_alias(version: &str) -> &str {
    let mut words = version.split(' ').filter(|w| !w.is_empty());
    match (words.next(), words.next(), words.next(), words.next()) {
        (Some(source), Some("as"), Some(target), None)
            if !source.contains([',', '\t', '\n', '\r'])
                && !target.contains([',', '\t', '\n', '\r']) =>
        {
            source
        }
        _ => version,
    }
}

/// The `@stable`/`@RC`/`@beta`/`@alpha`/`@dev` flag: the text before it and the flag.
pub(super) fn split_stability_flag(version: &str) -> Option<(&str, &str)> {
    let at = version.rfind('@')?;
    let flag = &version[at + 1..];
    ["stable", "rc", "beta", "alpha", "dev"]
        .iter()
        .any(|known| flag.eq_ignore_ascii_case(known))
        .then(|| (&version[..at], flag))
}

fn strip_stability_flag(version: &str) -> &str {
    split_stability_flag(version).map_or(version, |(rest, _)| rest)
}

fn strip_build_metadata(version: &str) -> &str {
    match version.split_once('+') {
        Some((before, after))
            if !before.is_empty()
                && !before.contains(|c: char| c == ',' || c.is_whitespace())
                && !after.is_empty()
                && !after.contains(char::is_whitespace) =>
        {
            before
        }
        _ => version,
    }
}

/// `(.*?)[.-]?dev` case-insensitively: what comes before a trailing `dev`.
fn strip_dev_suffix(version: &str) -> Option<&str> {
    let len = version.len();
    if len < 3
        || !version.is_char_boundary(len - 3)
        || !version[len - 3..].eq_ignore_ascii_case("dev")
    {
        return None;
    }
    let before = &version[..len - 3];
    Some(before.strip_suffix(['.', '-']).unwrap_or(before))
}

/// `normalizeBranch` for names that look numeric (`v?N(.N|.x|.X|.*){0,3}`): every
/// missing or wildcard part becomes `9999999` and `-dev` is appended.
pub(super) fn normalize_numeric_branch(name: &str) -> Option<String> {
    let name = name.trim();
    let body = name.strip_prefix(['v', 'V']).unwrap_or(name);
    let mut parts = body.split('.');
    let first = parts.next()?;
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut normalized = first.to_owned();
    let mut count = 1;
    for part in parts {
        count += 1;
        let numeric = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if count > 4 || !(numeric || matches!(part, "x" | "X" | "*")) {
            return None;
        }
        normalized.push('.');
        normalized.push_str(if numeric { part } else { "9999999" });
    }
    for _ in count..4 {
        normalized.push_str(".9999999");
    }
    normalized.push_str("-dev");
    Some(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_table_3_1() {
        let cases = [
            ("1.2.3", Some("1.2.3.0")),
            ("v1.2.3", Some("1.2.3.0")),
            ("1.2", Some("1.2.0.0")),
            ("1", Some("1.0.0.0")),
            ("1.2.3.4", Some("1.2.3.4")),
            ("1.2.3.4.5", None),
            ("1.0.0.0.0", None),
            ("foo", None),
            ("1.0.0-SNAPSHOT", None),
            ("v2.0.0-beta1", Some("2.0.0.0-beta1")),
            ("2.0.0-b1", Some("2.0.0.0-beta1")),
            ("2.0.0-BETA.2", Some("2.0.0.0-beta2")),
            ("1.0-beta-1", Some("1.0.0.0-beta1")),
            ("1.0.0-RC1", Some("1.0.0.0-RC1")),
            ("1.0.0-rc.1", Some("1.0.0.0-RC1")),
            ("1.0.0-alpha", Some("1.0.0.0-alpha")),
            ("1.0.0a2", Some("1.0.0.0-alpha2")),
            ("1.0.0-patch1", Some("1.0.0.0-patch1")),
            ("1.0.0-pl1", Some("1.0.0.0-patch1")),
            ("1.0.0-p1", Some("1.0.0.0-patch1")),
            ("1.0.0+build5", Some("1.0.0.0")),
            ("1.0.0-stable", Some("1.0.0.0")),
            ("1.0.0-dev", Some("1.0.0.0-dev")),
            ("2024.01.15", Some("2024.01.15.0")),
            ("20240101", Some("20240101")),
        ];
        for (input, expected) in cases {
            assert_eq!(
                normalize(input).ok().as_deref(),
                expected,
                "normalize({input:?})"
            );
        }
    }

    #[test]
    fn dates_branches_and_special_names() {
        let cases = [
            ("2024-01-15", "2024.01.15"),
            ("2024-01-15-beta2", "2024.01.15-beta2"),
            ("v20240101.1", "20240101.1"),
            ("123456", "123456"),
            ("master", "dev-master"),
            ("trunk", "dev-trunk"),
            ("default", "dev-default"),
            ("dev-feature/foo", "dev-feature/foo"),
            ("DEV-Foo", "dev-Foo"),
            ("dev-main#abc", "dev-main#abc"),
            ("1.x-dev", "1.9999999.9999999.9999999-dev"),
            ("1.2.x-dev", "1.2.9999999.9999999-dev"),
            ("v2.*-dev", "2.9999999.9999999.9999999-dev"),
            ("  1.0  ", "1.0.0.0"),
            ("1.0@beta", "1.0.0.0"),
            ("1.0 as 2.0", "1.0.0.0"),
            ("1.0.0-alpha1-dev", "1.0.0.0-alpha1-dev"),
            ("1.0.0-beta.1.2", "1.0.0.0-beta1.2"),
            ("1.0.0.dev", "1.0.0.0-dev"),
            ("V1.0_rc2", "1.0.0.0-RC2"),
            ("1.02", "1.02.0.0"),
            ("1.0-", "1.0.0.0"),
            ("1.0--dev", "1.0.0.0-dev"),
            ("20240101--dev", "20240101-dev"),
            ("2024-01-15-", "2024.01.15"),
            ("123456.1", "123456.1"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                normalize(input).as_deref(),
                Ok(expected),
                "normalize({input:?})"
            );
        }
        for invalid in [
            "",
            "Master",
            "1.x",
            "feature-dev",
            "12345678901234567890123",
            "2024:01:15:",
            "1.0-dev-",
            "v",
            "1.0 as",
        ] {
            assert_eq!(
                normalize(invalid),
                Err(VersionError::InvalidVersion(invalid.trim().to_owned())),
                "normalize({invalid:?})"
            );
        }
    }

    #[test]
    fn error_names_the_input() {
        let error = normalize("1.0.0-SNAPSHOT").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid version string \"1.0.0-SNAPSHOT\""
        );
    }
}
