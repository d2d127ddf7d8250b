//! Constraints (spec 3.6): `^1.0 | ^2.0`, `>=1.0 <1.5`, `dev-main`, … and whether a
//! normalized version satisfies one.

use std::cmp::Ordering;
use std::fmt;

use super::constraint_term::parse_term;
use super::{Stability, VersionError, compare};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Operator {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Operator {
    fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }

    fn holds(self, order: Ordering) -> bool {
        match self {
            Self::Eq => order.is_eq(),
            Self::Ne => order.is_ne(),
            Self::Lt => order.is_lt(),
            Self::Le => order.is_le(),
            Self::Gt => order.is_gt(),
            Self::Ge => order.is_ge(),
        }
    }
}

/// One comparison against a normalized version, e.g. `>= 1.0.0.0-dev`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Bound {
    pub op: Operator,
    pub version: String,
}

impl Bound {
    /// Composer's `Constraint::matchSpecific` against the provider `== version`.
    fn matches(&self, version: &str) -> bool {
        let version_is_branch = version.starts_with("dev-");
        let bound_is_branch = self.version.starts_with("dev-");
        if !version_is_branch && !bound_is_branch {
            return self.op.holds(compare(version, &self.version));
        }
        // Branches have no order: only (in)equality of the names says anything.
        match self.op {
            Operator::Ne => version != self.version,
            Operator::Eq => version_is_branch && bound_is_branch && version == self.version,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Node {
    /// `*`: everything, branches included.
    Any,
    Single(Bound),
    All(Vec<Node>),
    AnyOf(Vec<Node>),
}

impl Node {
    fn matches(&self, version: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Single(bound) => bound.matches(version),
            Self::All(nodes) => nodes.iter().all(|node| node.matches(version)),
            Self::AnyOf(nodes) => nodes.iter().any(|node| node.matches(version)),
        }
    }

    /// `[>= A < B]` as its two bounds, when it has exactly that shape.
    fn as_range(&self) -> Option<(&Bound, &Bound)> {
        match self {
            Self::All(nodes) => match nodes.as_slice() {
                [Self::Single(low), Self::Single(high)] => Some((low, high)),
                _ => None,
            },
            _ => None,
        }
    }
}

impl fmt::Display for Node {
    /// As Composer prints parsed constraints, which is how the spec's tables are written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, nodes: &[Node], separator: &str| {
            f.write_str("[")?;
            for (i, node) in nodes.iter().enumerate() {
                if i > 0 {
                    f.write_str(separator)?;
                }
                write!(f, "{node}")?;
            }
            f.write_str("]")
        };
        match self {
            Self::Any => f.write_str("*"),
            Self::Single(bound) => write!(f, "{} {}", bound.op.as_str(), bound.version),
            Self::All(nodes) => join(f, nodes, " "),
            Self::AnyOf(nodes) => join(f, nodes, " || "),
        }
    }
}

/// A parsed Composer version constraint.
///
/// `Display` prints the bounds as Composer does (`[>= 1.0.0.0-dev < 2.0.0.0-dev]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    text: String,
    root: Node,
    stability_flag: Option<Stability>,
}

impl Constraint {
    /// Reads a constraint as Composer's `VersionParser::parseConstraints` does, quirks
    /// included (checked against Composer 2.5.5's own parser), so that what we filter
    /// agrees with what the client will accept.
    pub fn parse(constraint: &str) -> Result<Self, VersionError> {
        let invalid = |reason: String| VersionError::InvalidConstraint {
            constraint: constraint.to_owned(),
            reason,
        };
        let mut groups = Vec::new();
        let mut stability_flag: Option<Stability> = None;
        for group in split_or(constraint.trim()) {
            let terms = split_and(group).map_err(invalid)?;
            let mut nodes = Vec::new();
            for term in terms {
                let parsed = parse_term(term).map_err(invalid)?;
                nodes.extend(parsed.nodes);
                // The least stable flag wins, as in Composer's root package loader.
                if let Some(flag) = parsed.flag {
                    stability_flag = Some(stability_flag.map_or(flag, |known| known.min(flag)));
                }
            }
            groups.push(if nodes.len() == 1 {
                nodes.remove(0)
            } else {
                Node::All(nodes)
            });
        }
        let root = merge_adjacent_ranges(groups);
        Ok(Self {
            text: constraint.to_owned(),
            root,
            stability_flag,
        })
    }

    /// Whether a normalized version (`1.2.0.0`, `dev-main`) satisfies the constraint.
    /// `dev-*` versions only satisfy `==`, `!=` and `*`.
    pub fn matches(&self, normalized_version: &str) -> bool {
        self.root.matches(normalized_version)
    }

    /// As Composer's pre-filter: either the version or its branch alias may satisfy it
    /// (`dev-main` aliased to `1.2.x-dev` satisfies `^1.0`).
    pub fn matches_with_alias(
        &self,
        normalized_version: &str,
        alias_normalized: Option<&str>,
    ) -> bool {
        self.matches(normalized_version)
            || alias_normalized.is_some_and(|alias| self.matches(alias))
    }

    /// The least stable `@flag` in the constraint (`^1.0@beta` → beta). It never changes
    /// which versions match; it is for the caller's stability filter.
    pub fn stability_flag(&self) -> Option<Stability> {
        self.stability_flag
    }

    /// The constraint as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.root)
    }
}

/// OR groups: `||`, or a single `|`, with any whitespace around.
fn split_or(constraint: &str) -> Vec<&str> {
    let mut groups = Vec::new();
    let mut rest = constraint;
    while let Some(at) = rest.find('|') {
        groups.push(rest[..at].trim_end());
        let after = &rest[at + 1..];
        rest = after.strip_prefix('|').unwrap_or(after).trim_start();
    }
    groups.push(rest);
    groups
}

/// AND terms: Composer splits at a `,` or space run only where its split pattern allows,
/// and otherwise leaves the text in one term (`>= 1.0`, `1.0 - 2.0`, `1.0 as 2.0`),
/// which the term parser then reads or rejects.
fn split_and(group: &str) -> Result<Vec<&str>, String> {
    let is_separator = |c: char| c == ',' || c == ' ';
    let mut terms = Vec::new();
    let mut term_start = 0;
    let mut position = 0;
    while let Some(run_start) = group[position..].find(is_separator).map(|at| position + at) {
        let run_end = group[run_start..]
            .find(|c: char| !is_separator(c))
            .map_or(group.len(), |at| run_start + at);
        let next_end = group[run_end..]
            .find(is_separator)
            .map_or(group.len(), |at| run_end + at);
        let run = &group[run_start..run_end];
        match split_in_run(&group[..run_start], run, &group[run_end..next_end]) {
            Some(end) if end == run.len() => {
                terms.push(&group[term_start..run_start]);
                term_start = run_end;
            }
            // The split would leave commas at the front of the next term.
            Some(_) => return Err(format!("misplaced comma in \"{group}\"")),
            None => {}
        }
        position = run_end;
    }
    terms.push(&group[term_start..]);
    Ok(terms)
}

/// Where Composer's AND split pattern `(?<!^|as|[=>< ,]) *(?<!-)[, ](?!-) *(?!,|as|$)`
/// matches a separator run (it can only start where the run starts), as the length of
/// the match, trying the alternatives in the order the regex engine does.
fn split_in_run(before: &str, run: &str, next: &str) -> Option<usize> {
    if before.is_empty() || before.ends_with(['=', '>', '<']) || before.ends_with("as") {
        return None;
    }
    let run = run.as_bytes();
    let char_at = |i: usize| run.get(i).copied().or_else(|| next.bytes().next());
    let leading_spaces = run.iter().take_while(|&&c| c == b' ').count();
    for spaces in (0..=leading_spaces.min(run.len() - 1)).rev() {
        let preceding = if spaces == 0 {
            before.bytes().last()
        } else {
            Some(b' ')
        };
        if preceding == Some(b'-') || char_at(spaces + 1) == Some(b'-') {
            continue;
        }
        let after = spaces + 1;
        let trailing = run[after..].iter().take_while(|&&c| c == b' ').count();
        for taken in (0..=trailing).rev() {
            let end = after + taken;
            let blocked = if end < run.len() {
                run[end] == b','
            } else {
                next.is_empty() || next.starts_with("as")
            };
            if !blocked {
                return Some(end);
            }
        }
    }
    None
}

/// Composer's parser collapses touching ranges: `[>= 1 < 2] || [>= 2 < 3]` is
/// `[>= 1 < 3]`. Matching is the same either way; the printed bounds follow Composer.
fn merge_adjacent_ranges(groups: Vec<Node>) -> Node {
    let mut merged: Vec<Node> = Vec::with_capacity(groups.len());
    for group in groups {
        let touching = match (merged.last().and_then(Node::as_range), group.as_range()) {
            (Some((low, high)), Some((next_low, next_high))) => {
                low.op == Operator::Ge
                    && high.op == Operator::Lt
                    && next_low.op == Operator::Ge
                    && matches!(next_high.op, Operator::Lt | Operator::Le)
                    && high.version == next_low.version
            }
            _ => false,
        };
        match (touching, merged.last_mut(), group) {
            (true, Some(Node::All(last)), Node::All(mut next)) => {
                last[1] = next.swap_remove(1);
            }
            (_, _, group) => merged.push(group),
        }
    }
    if merged.len() == 1 {
        merged.remove(0)
    } else {
        Node::AnyOf(merged)
    }
}
