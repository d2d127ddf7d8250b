//! `export-ignore` from `.gitattributes`, read from the archived commit's own tree the
//! way `git archive` does it: a bare mirror has no working directory, and libgit2's
//! attribute lookup by commit is not exposed by git2.
//!
//! Semantics follow git's `attr.c`: a pattern without a slash matches the basename at any
//! depth, a pattern with one matches the path relative to the `.gitattributes` file's
//! directory (a leading `/` only anchors), a trailing `/` matches directories only, and
//! for each path the last matching line wins, deeper files after shallower ones.
//! Directories are checked too, and an ignored directory drops its whole subtree, as in
//! `git archive`. Macros (`[attr]`) and negated patterns, which git rejects, are skipped.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Set,
    /// `-export-ignore`, `export-ignore=value` and `!export-ignore` all mean "keep".
    Cleared,
}

#[derive(Debug)]
struct Rule {
    pattern: Vec<u8>,
    basename_only: bool,
    directory_only: bool,
    state: State,
}

/// The `export-ignore` lines of one `.gitattributes` file.
#[derive(Debug)]
pub(crate) struct AttributesFile {
    /// The file's directory relative to the root: empty or ending in `/`.
    base: String,
    rules: Vec<Rule>,
}

impl AttributesFile {
    pub(crate) fn parse(base: &str, contents: &[u8]) -> Self {
        let rules = contents
            .split(|&b| b == b'\n')
            .filter_map(parse_line)
            .collect();
        AttributesFile {
            base: base.to_owned(),
            rules,
        }
    }

    fn decide(&self, path: &str, is_dir: bool) -> Option<State> {
        let relative = path.strip_prefix(self.base.as_str())?;
        let basename = relative.rsplit('/').next().unwrap_or(relative);
        self.rules
            .iter()
            .rev()
            .find(|rule| {
                (is_dir || !rule.directory_only)
                    && if rule.basename_only {
                        wildmatch(&rule.pattern, basename.as_bytes(), false)
                    } else {
                        wildmatch(&rule.pattern, relative.as_bytes(), true)
                    }
            })
            .map(|rule| rule.state)
    }
}

/// Whether `path` (relative to the root, no trailing slash) is export-ignored, given the
/// attribute files of its ancestor directories from the root down.
pub(crate) fn is_export_ignored(stack: &[AttributesFile], path: &str, is_dir: bool) -> bool {
    stack
        .iter()
        .rev()
        .find_map(|file| file.decide(path, is_dir))
        .is_some_and(|state| state == State::Set)
}

fn parse_line(line: &[u8]) -> Option<Rule> {
    let line = line.strip_suffix(b"\r").unwrap_or(line).trim_ascii();
    if line.is_empty() || line[0] == b'#' || line.starts_with(b"[attr]") || line[0] == b'!' {
        return None;
    }
    let (mut pattern, rest) = if line[0] == b'"' {
        unquote(&line[1..])?
    } else {
        let end = line
            .iter()
            .position(u8::is_ascii_whitespace)
            .unwrap_or(line.len());
        (line[..end].to_vec(), &line[end..])
    };
    let state =
        rest.split(u8::is_ascii_whitespace)
            .rev()
            .find_map(|attribute| match attribute {
                b"export-ignore" => Some(State::Set),
                b"-export-ignore" | b"!export-ignore" => Some(State::Cleared),
                _ if attribute.starts_with(b"export-ignore=") => Some(State::Cleared),
                _ => None,
            })?;
    let directory_only = pattern.last() == Some(&b'/');
    if directory_only {
        pattern.pop();
    }
    let basename_only = !pattern.contains(&b'/');
    if pattern.first() == Some(&b'/') {
        pattern.remove(0);
    }
    (!pattern.is_empty()).then_some(Rule {
        pattern,
        basename_only,
        directory_only,
        state,
    })
}

/// A C-style quoted pattern (after the opening quote): the pattern and what follows.
fn unquote(input: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'"' => return Some((out, &input[i + 1..])),
            b'\\' if i + 1 < input.len() => {
                out.push(match input[i + 1] {
                    b'n' => b'\n',
                    b't' => b'\t',
                    other => other,
                });
                i += 2;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    None
}

/// git's wildmatch: `*`, `?`, `[...]` (with `!`/`^` negation and ranges), `\` escapes,
/// and with `pathname` set, `*`, `?` and classes never match `/` while a `**` segment
/// matches any number of directories.
fn wildmatch(pattern: &[u8], text: &[u8], pathname: bool) -> bool {
    let (mut p, mut t) = (0, 0);
    while p < pattern.len() {
        match pattern[p] {
            b'*' => {
                let start = p;
                while p < pattern.len() && pattern[p] == b'*' {
                    p += 1;
                }
                let whole_segment = (start == 0 || pattern[start - 1] == b'/')
                    && (p == pattern.len() || pattern[p] == b'/');
                if pathname && p - start >= 2 && whole_segment {
                    if p == pattern.len() {
                        return true;
                    }
                    let rest = &pattern[p + 1..];
                    let mut from = t;
                    loop {
                        if wildmatch(rest, &text[from..], pathname) {
                            return true;
                        }
                        match text[from..].iter().position(|&b| b == b'/') {
                            Some(offset) => from += offset + 1,
                            None => return false,
                        }
                    }
                }
                let rest = &pattern[p..];
                let mut from = t;
                loop {
                    if wildmatch(rest, &text[from..], pathname) {
                        return true;
                    }
                    if from == text.len() || (pathname && text[from] == b'/') {
                        return false;
                    }
                    from += 1;
                }
            }
            b'?' => {
                if t == text.len() || (pathname && text[t] == b'/') {
                    return false;
                }
                p += 1;
                t += 1;
            }
            b'[' => match match_class(&pattern[p + 1..], text.get(t).copied(), pathname) {
                Some((true, used)) => {
                    p += 1 + used;
                    t += 1;
                }
                Some((false, _)) => return false,
                // No closing bracket: the `[` is an ordinary character.
                None => {
                    if text.get(t) != Some(&b'[') {
                        return false;
                    }
                    p += 1;
                    t += 1;
                }
            },
            byte => {
                let (literal, width) = match (byte, pattern.get(p + 1)) {
                    (b'\\', Some(&escaped)) => (escaped, 2),
                    _ => (byte, 1),
                };
                if text.get(t) != Some(&literal) {
                    return false;
                }
                p += width;
                t += 1;
            }
        }
    }
    t == text.len()
}

/// Matches one character against the class starting after `[`; returns whether it
/// matched and how many pattern bytes the class used, or `None` if it is unterminated.
fn match_class(class: &[u8], c: Option<u8>, pathname: bool) -> Option<(bool, usize)> {
    let negated = matches!(class.first(), Some(b'!' | b'^'));
    let mut i = usize::from(negated);
    let mut matched = false;
    let mut first = true;
    loop {
        let mut low = *class.get(i)?;
        if low == b']' && !first {
            break;
        }
        first = false;
        if low == b'\\' {
            i += 1;
            low = *class.get(i)?;
        }
        let mut high = low;
        if class.get(i + 1) == Some(&b'-') && class.get(i + 2).is_some_and(|&b| b != b']') {
            i += 2;
            high = class[i];
            if high == b'\\' {
                i += 1;
                high = *class.get(i)?;
            }
        }
        if c.is_some_and(|c| (low..=high).contains(&c)) {
            matched = true;
        }
        i += 1;
    }
    let Some(c) = c else {
        return Some((false, i + 1));
    };
    let matched = matched != negated && !(pathname && c == b'/');
    Some((matched, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildmatch_follows_git() {
        let cases: &[(&str, &str, bool, bool)] = &[
            ("*.md", "README.md", false, true),
            ("*.md", "README.mdx", false, false),
            ("tests", "tests", true, true),
            ("src/*.php", "src/A.php", true, true),
            ("src/*.php", "src/sub/A.php", true, false),
            ("src/**/*.php", "src/A.php", true, true),
            ("src/**/*.php", "src/a/b/A.php", true, true),
            ("**/fixtures", "a/b/fixtures", true, true),
            ("**/fixtures", "fixtures", true, true),
            ("docs/**", "docs/a/b.txt", true, true),
            ("docs/**", "docs", true, false),
            ("?.txt", "a.txt", false, true),
            ("a?b", "a/b", true, false),
            ("[abc].txt", "b.txt", false, true),
            ("[!abc].txt", "b.txt", false, false),
            ("[a-c]x", "cx", false, true),
            ("[]]x", "]x", false, true),
            ("\\*.txt", "*.txt", false, true),
            ("\\*.txt", "a.txt", false, false),
            ("[unclosed", "[unclosed", false, true),
            ("phpunit.xml*", "phpunit.xml.dist", false, true),
        ];
        for &(pattern, text, pathname, expected) in cases {
            let got = wildmatch(pattern.as_bytes(), text.as_bytes(), pathname);
            assert_eq!(got, expected, "{pattern:?} vs {text:?}");
        }
    }

    fn ignored(files: &[(&str, &str)], path: &str, is_dir: bool) -> bool {
        let stack: Vec<_> = files
            .iter()
            .map(|(base, text)| AttributesFile::parse(base, text.as_bytes()))
            .collect();
        is_export_ignored(&stack, path, is_dir)
    }

    #[test]
    fn patterns_match_like_git_archive() {
        let root = "# comment\n\
                    /tests export-ignore\n\
                    *.md export-ignore\n\
                    docs/ export-ignore\n\
                    /.github/ export-ignore\n\
                    src/Internal/*.stub export-ignore\n\
                    README.md -export-ignore\n\
                    \"with space.txt\" export-ignore\n\
                    [attr]mine export-ignore\n\
                    *.php text eol=lf\r\n";
        let files = [("", root)];
        let cases = [
            ("tests", true, true),
            ("src/tests", true, false),
            ("CHANGELOG.md", false, true),
            ("src/Notes.md", false, true),
            ("README.md", false, false),
            ("docs", true, true),
            ("src/docs", true, true),
            ("docs", false, false),
            (".github", true, true),
            ("src/Internal/a.stub", false, true),
            ("src/Internal/deep/a.stub", false, false),
            ("with space.txt", false, true),
            ("src/A.php", false, false),
        ];
        for (path, is_dir, expected) in cases {
            assert_eq!(ignored(&files, path, is_dir), expected, "{path}");
        }
    }

    #[test]
    fn deeper_files_and_later_lines_win() {
        let files = [
            ("", "*.txt export-ignore\nkeep.txt -export-ignore\n"),
            (
                "sub/",
                "keep.txt export-ignore\n/local.txt -export-ignore\n",
            ),
        ];
        assert!(ignored(&files, "a.txt", false));
        assert!(!ignored(&files, "keep.txt", false));
        assert!(ignored(&files, "sub/keep.txt", false));
        assert!(!ignored(&files, "sub/local.txt", false));
        assert!(ignored(&files, "sub/deeper/local.txt", false));
    }

    #[test]
    fn macros_and_negated_patterns_are_skipped() {
        let files = [("", "!*.md export-ignore\n[attr]x export-ignore\n")];
        assert!(!ignored(&files, "a.md", false));
        assert!(!ignored(&files, "[attr]x", false));
    }
}
