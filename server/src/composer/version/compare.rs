//! PHP's `version_compare`, which Composer uses to order normalized versions.
//!
//! Re-implemented from its documented behaviour rather than approximated: the quirks
//! matter (`1.0.0.0-RC1 < 1.0.0.0 < 1.0.0.0-patch1`, `1.0 < 1.0.0`, unknown words below
//! `dev`), and a server that orders or filters differently from the client would offer
//! versions the client then rejects.

use std::cmp::Ordering;

/// Order two version strings the way PHP's `version_compare($a, $b)` does.
///
/// Meant for normalized versions; any string is accepted, as in PHP.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        (false, false) => {}
    }
    compare_canonical(&canonical(a), &canonical(b))
}

/// Stands for "a number" when a number meets a word; it ranks between `RC` and `p`.
const NUMBER_MARK: &str = "#N#";

/// PHP rewrites both sides so that every element is all digits or all non-digits,
/// separated by single dots. A string starting with `#` is taken as already canonical,
/// which is how the number mark survives the recursion below.
fn canonical(version: &str) -> String {
    let bytes = version.as_bytes();
    if bytes.first() == Some(&b'#') {
        return version.to_owned();
    }
    let is_digit = |c: u8| c.is_ascii_digit();
    let is_non_digit = |c: u8| !c.is_ascii_digit() && c != b'.';
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len() * 2);
    let Some((&first, rest)) = bytes.split_first() else {
        return String::new();
    };
    out.push(first);
    let mut previous = first;
    for &c in rest {
        let last_is_dot = out.last() == Some(&b'.');
        if matches!(c, b'-' | b'_' | b'+') {
            if !last_is_dot {
                out.push(b'.');
            }
        } else if (is_non_digit(previous) && is_digit(c)) || (is_digit(previous) && is_non_digit(c))
        {
            if !last_is_dot {
                out.push(b'.');
            }
            out.push(c);
        } else if !c.is_ascii_alphanumeric() {
            if !last_is_dot {
                out.push(b'.');
            }
        } else {
            out.push(c);
        }
        previous = c;
    }
    // Only the first byte can be non-ASCII here and PHP compares bytes, so a lossy
    // conversion changes nothing that the comparison looks at.
    String::from_utf8_lossy(&out).into_owned()
}

fn compare_canonical(a: &str, b: &str) -> Ordering {
    let left: Vec<&str> = a.split('.').collect();
    let right: Vec<&str> = b.split('.').collect();
    // PHP stops at an empty trailing element (the string ended on a dot).
    let at_end = |parts: &[&str], i: usize| i + 1 == parts.len() && parts[i].is_empty();
    let mut i = 0;
    loop {
        if at_end(&left, i) || at_end(&right, i) {
            break;
        }
        let order = compare_elements(left[i], right[i]);
        if order != Ordering::Equal {
            return order;
        }
        let both_go_on = i + 1 < left.len() && i + 1 < right.len();
        i += 1;
        if !both_go_on {
            break;
        }
    }
    // What is left over is weighed against "a number": digits make the longer side
    // greater, a pre-release word makes it smaller, `p`/`pl` greater.
    if i < left.len() {
        if starts_with_digit(left[i]) {
            Ordering::Greater
        } else {
            compare(&left[i..].join("."), NUMBER_MARK)
        }
    } else if i < right.len() {
        if starts_with_digit(right[i]) {
            Ordering::Less
        } else {
            compare(NUMBER_MARK, &right[i..].join("."))
        }
    } else {
        Ordering::Equal
    }
}

fn starts_with_digit(element: &str) -> bool {
    element.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

fn compare_elements(a: &str, b: &str) -> Ordering {
    match (starts_with_digit(a), starts_with_digit(b)) {
        (true, true) => leading_number(a).cmp(&leading_number(b)),
        (false, false) => special_rank(a).cmp(&special_rank(b)),
        (true, false) => special_rank(NUMBER_MARK).cmp(&special_rank(b)),
        (false, true) => special_rank(a).cmp(&special_rank(NUMBER_MARK)),
    }
}

/// Like C's `strtol`: the leading digits, saturating instead of overflowing.
fn leading_number(element: &str) -> i64 {
    element
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0i64, |n, d| {
            n.saturating_mul(10).saturating_add(i64::from(d - b'0'))
        })
}

/// PHP matches these as prefixes and case-sensitively, so `patch` ranks as `p` and
/// `Alpha` as an unknown word.
fn special_rank(form: &str) -> i8 {
    const FORMS: [(&str, i8); 10] = [
        ("dev", 0),
        ("alpha", 1),
        ("a", 1),
        ("beta", 2),
        ("b", 2),
        ("RC", 3),
        ("rc", 3),
        ("#", 4),
        ("pl", 5),
        ("p", 5),
    ];
    FORMS
        .iter()
        .find(|(prefix, _)| form.starts_with(prefix))
        .map_or(-1, |&(_, rank)| rank)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::{Equal, Greater, Less};

    #[test]
    fn verified_chain_is_strictly_increasing() {
        // Spec 3.6, observed with the real client, here in normalized form.
        let chain = [
            "0.9.9.0",
            "1.0.0.0-dev",
            "1.0.0.0-alpha2",
            "1.0.0.0-beta1",
            "1.0.0.0-RC1",
            "1.0.0.0",
            "1.0.0.0-patch1",
            "1.0.1.0",
        ];
        for (i, a) in chain.iter().enumerate() {
            for (j, b) in chain.iter().enumerate() {
                assert_eq!(compare(a, b), i.cmp(&j), "compare({a:?}, {b:?})");
            }
        }
    }

    #[test]
    fn verified_chain_holds_for_pretty_versions_too() {
        let chain = [
            "0.9.9",
            "1.0.0-dev",
            "1.0.0-alpha2",
            "1.0.0-beta1",
            "1.0.0-RC1",
            "1.0.0",
            "1.0.0-patch1",
            "1.0.1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(compare(pair[0], pair[1]), Less, "{pair:?}");
        }
    }

    #[test]
    fn php_version_compare_cases() {
        let cases = [
            ("1.0", "1.0.0", Less),
            ("1.0.0", "1.0", Greater),
            ("1.2.3.0", "1.2.3.0", Equal),
            ("1.10.0.0", "1.9.0.0", Greater),
            ("1.0.0.0-beta10", "1.0.0.0-beta9", Greater),
            ("1.0.0.0-alpha", "1.0.0.0-alpha1", Less),
            ("1.0.0.0-a1", "1.0.0.0-alpha1", Equal),
            ("1.0.0.0-b2", "1.0.0.0-beta2", Equal),
            ("1.0.0.0-rc1", "1.0.0.0-RC1", Equal),
            ("1.0.0.0-pl1", "1.0.0.0-patch1", Equal),
            ("1.0.0.0-beta1", "1.0.0.0-beta1-dev", Greater),
            ("1.0.0.0-RC1", "1.0.0.0-RC", Greater),
            ("1.0.0.0-foo", "1.0.0.0-dev", Less),
            ("1.0.0.0-Alpha", "1.0.0.0-dev", Less),
            ("1.0.0.0-patch1", "1.0.1.0-dev", Less),
            ("1.0.0.0a2", "1.0.0.0-alpha2", Equal),
            ("2.0.0.0-dev", "1.9999999.9999999.9999999-dev", Greater),
            ("1.2.9999999.9999999-dev", "1.3.0.0-dev", Less),
            ("1.2.9999999.9999999-dev", "1.2.0.0", Greater),
            ("20240101", "2024.01.15.0", Greater),
            ("", "1.0", Less),
            ("1.0", "", Greater),
            ("", "", Equal),
            ("1.0.0.0", "1.0.0.0.", Greater),
        ];
        for (a, b, expected) in cases {
            assert_eq!(compare(a, b), expected, "compare({a:?}, {b:?})");
        }
    }

    #[test]
    fn canonical_form_splits_at_digit_letter_boundaries() {
        assert_eq!(canonical("1.0.0.0-beta1"), "1.0.0.0.beta.1");
        assert_eq!(canonical("1.0.0a2"), "1.0.0.a.2");
        assert_eq!(canonical("1_0+2--3"), "1.0.2.3");
        assert_eq!(canonical("#N#"), "#N#");
    }
}
