//! The pre-release suffix grammar Composer shares between versions, stabilities and
//! constraints: `[._-]?(stable|beta|b|RC|alpha|a|patch|pl|p)(number)?([.-]?dev)?`.

/// The suffix words Composer knows, in the order its grammar tries them (longer words
/// first where one is a prefix of another, so `pl1` is `pl` + `1`, not `p` + `l1`).
const WORDS: [&str; 9] = [
    "stable", "beta", "b", "rc", "alpha", "a", "patch", "pl", "p",
];

/// A parsed `[._-]?(word number?)?([.-]?dev)?` suffix.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Modifier {
    /// Lower-cased as written (`b`, not `beta`).
    pub word: Option<String>,
    /// Digits after the word with their separators (`.1`, `-1`, `2`), possibly empty.
    pub number: String,
    pub dev: bool,
}

impl Modifier {
    /// The normalized suffix, e.g. `-beta2-dev`; `stable` drops everything.
    pub(super) fn normalized_suffix(&self) -> String {
        let mut suffix = String::new();
        if let Some(word) = &self.word {
            if word == "stable" {
                return suffix;
            }
            suffix.push('-');
            suffix.push_str(expand_word(word));
            suffix.push_str(self.number.trim_start_matches(['.', '-']));
        }
        if self.dev {
            suffix.push_str("-dev");
        }
        suffix
    }
}

fn expand_word(word: &str) -> &str {
    match word {
        "a" => "alpha",
        "b" => "beta",
        "p" | "pl" => "patch",
        "rc" => "RC",
        other => other,
    }
}

/// Matches the whole of `tail` against the modifier grammar (case-insensitively).
pub(super) fn parse_modifier(tail: &str) -> Option<Modifier> {
    let lower = tail.to_ascii_lowercase();
    let separated = lower
        .strip_prefix(['.', '_', '-'])
        .map(|rest| vec![rest, lower.as_str()])
        .unwrap_or_else(|| vec![lower.as_str()]);
    for rest in separated {
        for word in WORDS.iter().filter(|w| rest.starts_with(**w)) {
            let after_word = &rest[word.len()..];
            let number_len = number_run_len(after_word);
            if let Some(dev) = dev_suffix(&after_word[number_len..]) {
                return Some(Modifier {
                    word: Some((*word).to_owned()),
                    number: after_word[..number_len].to_owned(),
                    dev,
                });
            }
        }
        if let Some(dev) = dev_suffix(rest) {
            return Some(Modifier {
                dev,
                ..Modifier::default()
            });
        }
    }
    None
}

/// Length of `([.-]?\d+)*`, taken greedily and never given back (as in the PHP regex).
fn number_run_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut end = 0;
    loop {
        let start = end + usize::from(matches!(bytes.get(end), Some(b'.' | b'-')));
        let digits = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            return end;
        }
        end = start + digits;
    }
}

/// `Some(true)` for `[.-]?dev`, `Some(false)` for nothing, `None` for anything else.
fn dev_suffix(rest: &str) -> Option<bool> {
    match rest.strip_prefix(['.', '-']).unwrap_or(rest) {
        "dev" => Some(true),
        _ if rest.is_empty() => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modifier_grammar() {
        let parsed = parse_modifier("-Beta.2-dev").unwrap();
        assert_eq!(parsed.word.as_deref(), Some("beta"));
        assert_eq!(parsed.number, ".2");
        assert!(parsed.dev);
        assert_eq!(parse_modifier(""), Some(Modifier::default()));
        assert_eq!(parse_modifier("pl1").unwrap().word.as_deref(), Some("pl"));
        assert_eq!(parse_modifier("-SNAPSHOT"), None);
        assert_eq!(parse_modifier("--dev").map(|m| m.dev), Some(true));
        assert_eq!(parse_modifier("-dev-"), None);
    }
}
