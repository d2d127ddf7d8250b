//! One term of a constraint (`^1.2`, `~1.0.0-beta`, `1.*`, `1.0 - 2.0`, `>=1.0@beta`,
//! `dev-main#abc`) into the bounds Composer's `VersionParser::parseConstraint` gives it.

use super::Stability;
use super::constraint::{Bound, Node, Operator};
use super::modifier::{Modifier, parse_modifier};
use super::normalize::{normalize, split_stability_flag, strip_alias};

/// A parsed term and the `@flag` it carried, if any.
pub(super) struct Term {
    pub nodes: Vec<Node>,
    pub flag: Option<Stability>,
}

pub(super) fn parse_term(term: &str) -> Result<Term, String> {
    let mut term = strip_alias(term);
    let mut flag = None;
    // Kept as written: Composer appends it to comparison bounds verbatim.
    let mut flag_suffix = None;
    if let Some((before, written)) = split_stability_flag(term)
        && !before.contains(|c: char| c == ',' || c.is_whitespace())
    {
        term = if before.is_empty() { "*" } else { before };
        flag = written.parse().ok();
        flag_suffix = (written != "stable").then_some(written);
    }
    term = strip_reference(term);
    let nodes = parse_bounds(term, flag_suffix)?;
    Ok(Term { nodes, flag })
}

/// `dev-main#abc123` and `1.2.x-dev#abc123` mean the branch: the ref is for lock files.
fn strip_reference(term: &str) -> &str {
    let hashes: Vec<usize> = term.match_indices('#').map(|(at, _)| at).collect();
    let plain =
        |prefix: &str| !prefix.contains(|c: char| c == ',' || c == '@' || c.is_whitespace());
    let branch = |prefix: &str| {
        prefix.len() > 4
            && prefix
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("dev-"))
    };
    let numeric = |prefix: &str| {
        prefix.len() > 6
            && prefix
                .get(prefix.len() - 6..)
                .is_some_and(|s| s.eq_ignore_ascii_case(".x-dev"))
    };
    for shape in [&branch as &dyn Fn(&str) -> bool, &numeric] {
        for &at in &hashes {
            let prefix = &term[..at];
            if at + 1 < term.len() && plain(prefix) && shape(prefix) {
                return prefix;
            }
        }
    }
    term
}

fn single(op: Operator, version: String) -> Node {
    Node::Single(Bound { op, version })
}

fn parse_bounds(term: &str, flag_suffix: Option<&str>) -> Result<Vec<Node>, String> {
    if is_wildcard_only(term) {
        let bare = matches!(term, "*" | "x" | "X");
        return Ok(vec![if bare {
            Node::Any
        } else {
            single(Operator::Ge, "0.0.0.0-dev".to_owned())
        }]);
    }
    if let Some(rest) = term.strip_prefix("~>")
        && parse_parts(rest).is_some()
    {
        return Err(format!(
            "invalid operator \"~>\" in \"{term}\", you probably meant to use the \"~\" operator"
        ));
    }
    if let Some(rest) = term.strip_prefix('~')
        && let Some(parts) = parse_parts(rest)
    {
        return tilde(rest, &parts);
    }
    if let Some(rest) = term.strip_prefix('^')
        && let Some(parts) = parse_parts(rest)
    {
        return caret(rest, &parts);
    }
    if let Some(nodes) = wildcard_range(term) {
        return Ok(nodes);
    }
    if let Some(nodes) = hyphen_range(term)? {
        return Ok(nodes);
    }
    comparison(term, flag_suffix)
}

/// `*`, `x`, `v*`, `*.*`: the bare forms match everything, even `dev-*` branches; the
/// others are `>= 0.0.0.0-dev`, which no branch satisfies.
fn is_wildcard_only(term: &str) -> bool {
    let body = term.strip_prefix(['v', 'V']).unwrap_or(term);
    !body.is_empty() && body.split('.').all(|part| matches!(part, "x" | "X" | "*"))
}

/// The version grammar inside `~`, `^` and hyphen ranges.
struct Parts<'a> {
    numbers: [Option<&'a str>; 4],
    modifier: Modifier,
    /// Ends in `.x-dev` (`~2.x-dev`).
    wildcard_dev: bool,
}

impl Parts<'_> {
    fn count(&self) -> usize {
        self.numbers.iter().flatten().count()
    }

    /// Whether the version names its own stability (then no `-dev` goes on the bound).
    fn has_suffix(&self) -> bool {
        self.modifier.word.is_some() || self.modifier.dev || self.wildcard_dev
    }
}

fn parse_parts(version: &str) -> Option<Parts<'_>> {
    let body = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let mut numbers = [None; 4];
    let mut rest = body;
    for (i, slot) in numbers.iter_mut().enumerate() {
        let after_dot = if i == 0 {
            Some(rest)
        } else {
            rest.strip_prefix('.')
        };
        let Some(after_dot) = after_dot else { break };
        let digits = after_dot.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            break;
        }
        *slot = Some(&after_dot[..digits]);
        rest = &after_dot[digits..];
    }
    numbers[0]?;
    let tail = match rest.split_once('+') {
        Some((tail, build)) if !build.is_empty() && !build.contains(char::is_whitespace) => tail,
        Some(_) => return None,
        None => rest,
    };
    if let Some(modifier) = parse_modifier(tail) {
        return Some(Parts {
            numbers,
            modifier,
            wildcard_dev: false,
        });
    }
    let wildcard = tail.strip_prefix('.')?.strip_prefix(['x', 'X', '*'])?;
    let dev = wildcard.strip_prefix(['.', '-']).unwrap_or(wildcard);
    dev.eq_ignore_ascii_case("dev").then(|| Parts {
        numbers,
        modifier: Modifier::default(),
        wildcard_dev: true,
    })
}

/// The version with the part at `position` (1-based) bumped by one when `bump` is set
/// and every later part zeroed, as Composer's `manipulateVersionString` does.
fn bumped(numbers: &[Option<&str>; 4], position: usize, bump: bool) -> String {
    let parts: Vec<String> = (1..=4)
        .map(|i| match numbers[i - 1] {
            _ if i > position => "0".to_owned(),
            Some(n) if i == position && bump => increment(n),
            Some(n) => n.to_owned(),
            None => "0".to_owned(),
        })
        .collect();
    parts.join(".")
}

/// Decimal `n + 1` of any length; like PHP's numeric addition it drops leading zeros.
fn increment(n: &str) -> String {
    let mut digits: Vec<u8> = n.trim_start_matches('0').bytes().collect();
    let mut carry = true;
    for digit in digits.iter_mut().rev() {
        if !carry {
            break;
        }
        carry = *digit == b'9';
        *digit = if carry { b'0' } else { *digit + 1 };
    }
    if carry {
        digits.insert(0, b'1');
    }
    String::from_utf8(digits).unwrap_or_default()
}

/// An explicit stability keeps the lower bound as written (`~1.0.0-beta` ≥ `1.0.0.0-beta`);
/// otherwise pre-releases of the lower bound are in (`~1.2` ≥ `1.2.0.0-dev`).
fn lower_bound(version: &str, parts: &Parts<'_>) -> Result<Node, String> {
    let suffix = if parts.has_suffix() { "" } else { "-dev" };
    let normalized = normalize(&format!("{version}{suffix}")).map_err(|e| e.to_string())?;
    Ok(single(Operator::Ge, normalized))
}

fn tilde(version: &str, parts: &Parts<'_>) -> Result<Vec<Node>, String> {
    // `~1.2` may move the last given part's left neighbour: `>=1.2 <2.0`.
    let position = parts.count() + usize::from(parts.wildcard_dev);
    let upper = bumped(&parts.numbers, position.saturating_sub(1).max(1), true);
    Ok(vec![
        lower_bound(version, parts)?,
        single(Operator::Lt, format!("{upper}-dev")),
    ])
}

fn caret(version: &str, parts: &Parts<'_>) -> Result<Vec<Node>, String> {
    // The left-most non-zero part is fixed; a given `0` fixes the next one too.
    let [major, minor, patch, _] = parts.numbers;
    let position = if major != Some("0") || minor.is_none() {
        1
    } else if minor != Some("0") || patch.is_none() {
        2
    } else {
        3
    };
    let upper = bumped(&parts.numbers, position, true);
    Ok(vec![
        lower_bound(version, parts)?,
        single(Operator::Lt, format!("{upper}-dev")),
    ])
}

/// `1.2.*`, `1.x`: from the given prefix up to the next one.
fn wildcard_range(term: &str) -> Option<Vec<Node>> {
    let body = term.strip_prefix('v').unwrap_or(term);
    let mut pieces = body.split('.');
    let mut numbers = [None; 4];
    let mut count = 0;
    let mut wildcards = 0;
    for piece in pieces.by_ref() {
        if matches!(piece, "x" | "X" | "*") {
            wildcards += 1;
        } else if wildcards == 0
            && count < 3
            && !piece.is_empty()
            && piece.bytes().all(|b| b.is_ascii_digit())
        {
            numbers[count] = Some(piece);
            count += 1;
        } else {
            return None;
        }
    }
    if count == 0 || wildcards == 0 {
        return None;
    }
    let low = format!("{}-dev", bumped(&numbers, count, false));
    let high = single(
        Operator::Lt,
        format!("{}-dev", bumped(&numbers, count, true)),
    );
    Some(if low == "0.0.0.0-dev" {
        vec![high]
    } else {
        vec![single(Operator::Ge, low), high]
    })
}

/// `1.0 - 2.0`: inclusive, where a partial upper bound means "up to that prefix".
fn hyphen_range(term: &str) -> Result<Option<Vec<Node>>, String> {
    let words: Vec<&str> = term.split(' ').filter(|w| !w.is_empty()).collect();
    let [from, "-", to] = words[..] else {
        return Ok(None);
    };
    let (Some(low), Some(high)) = (parse_parts(from), parse_parts(to)) else {
        return Ok(None);
    };
    let suffix = if low.has_suffix() { "" } else { "-dev" };
    let lower = normalize(from).map_err(|e| e.to_string())? + suffix;
    let upper_normalized = normalize(to).map_err(|e| e.to_string())?;
    let upper = if high.numbers[2].is_some() || high.has_suffix() {
        single(Operator::Le, upper_normalized)
    } else {
        let position = if high.numbers[1].is_some() { 2 } else { 1 };
        single(
            Operator::Lt,
            format!("{}-dev", bumped(&high.numbers, position, true)),
        )
    };
    Ok(Some(vec![single(Operator::Ge, lower), upper]))
}

/// `>=1.0`, `!=1.2`, `1.2.3`, `dev-main`: one bound.
fn comparison(term: &str, flag_suffix: Option<&str>) -> Result<Vec<Node>, String> {
    const OPERATORS: [(&str, Operator); 8] = [
        ("<>", Operator::Ne),
        ("!=", Operator::Ne),
        (">=", Operator::Ge),
        (">", Operator::Gt),
        ("<=", Operator::Le),
        ("<", Operator::Lt),
        ("==", Operator::Eq),
        ("=", Operator::Eq),
    ];
    let (written_op, op, rest) = OPERATORS
        .iter()
        .find_map(|&(text, op)| term.strip_prefix(text).map(|rest| (text, op, rest)))
        .unwrap_or(("", Operator::Eq, term));
    let rest = rest.trim_start();
    let mut version = match normalize(rest) {
        Ok(version) => version,
        // `foo-dev` is taken for `dev-foo`, as Composer 1 wrote branch constraints.
        Err(_) if is_old_branch_style(rest) => {
            normalize(&format!("dev-{}", &rest[..rest.len() - 4])).map_err(|e| e.to_string())?
        }
        Err(error) => return Err(error.to_string()),
    };
    let equality = matches!(written_op, "" | "=" | "==");
    match flag_suffix {
        Some(flag) if !equality && super::parse_stability(&version) == Stability::Stable => {
            version.push('-');
            version.push_str(flag);
        }
        // `<2.0` must exclude `2.0.0-beta1` and `>=1.0` include `1.0.0-RC1`.
        _ if matches!(op, Operator::Lt | Operator::Ge)
            && !has_dash_modifier(rest)
            && !rest.starts_with("dev-") =>
        {
            version.push_str("-dev");
        }
        _ => {}
    }
    Ok(vec![single(op, version)])
}

fn is_old_branch_style(version: &str) -> bool {
    version.ends_with("-dev")
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'/'))
}

/// Whether the version ends in `-` followed by a modifier (`-beta2`, `-dev`).
///
/// Composer lower-cases the text but matches its `RC` case-sensitively here, so an `RC`
/// suffix never counts: `>=1.0-RC1` is `>= 1.0.0.0-RC1-dev` in the real client.
fn has_dash_modifier(version: &str) -> bool {
    version.match_indices('-').any(|(at, _)| {
        parse_modifier(&version[at + 1..]).is_some_and(|m| m.word.as_deref() != Some("rc"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increments_like_php() {
        assert_eq!(increment("0"), "1");
        assert_eq!(increment("9"), "10");
        assert_eq!(increment("199"), "200");
        assert_eq!(increment("007"), "8");
        assert_eq!(
            increment("99999999999999999999999"),
            "100000000000000000000000"
        );
    }

    #[test]
    fn references_are_dropped_only_from_branches() {
        assert_eq!(strip_reference("dev-main#abc123"), "dev-main");
        assert_eq!(strip_reference("1.2.x-dev#abc123"), "1.2.x-dev");
        assert_eq!(strip_reference("dev-main#"), "dev-main#");
        assert_eq!(strip_reference("1.2.3#abc"), "1.2.3#abc");
        assert_eq!(strip_reference("dev-#abc"), "dev-#abc");
    }

    #[test]
    fn version_parts() {
        let parts = parse_parts("v1.2.3-beta2+build").unwrap();
        assert_eq!(parts.numbers, [Some("1"), Some("2"), Some("3"), None]);
        assert_eq!(parts.modifier.word.as_deref(), Some("beta"));
        assert!(parse_parts("2.x-dev").unwrap().wildcard_dev);
        assert!(parse_parts("1.2.x").is_none());
        assert!(parse_parts("x").is_none());
        assert!(parse_parts("1.0+").is_none());
    }
}
