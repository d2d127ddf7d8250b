//! Stability (spec 3.5): what `minimum-stability` and `@flags` compare against.

use std::fmt;
use std::str::FromStr;

use super::VersionError;
use super::modifier::parse_modifier;

/// Ordered from least to most stable, so `>=` against a minimum stability reads naturally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stability {
    Dev,
    Alpha,
    Beta,
    RC,
    Stable,
}

impl Stability {
    /// Lower-case names throughout our API (Composer itself writes `RC`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dev => "dev",
            Self::Alpha => "alpha",
            Self::Beta => "beta",
            Self::RC => "rc",
            Self::Stable => "stable",
        }
    }
}

impl fmt::Display for Stability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stability {
    type Err = VersionError;

    /// Case-insensitive, as Composer accepts `RC` and `rc` alike.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        [Self::Dev, Self::Alpha, Self::Beta, Self::RC, Self::Stable]
            .into_iter()
            .find(|stability| stability.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| VersionError::InvalidStability(name.to_owned()))
    }
}

/// `VersionParser::parseStability`: the stability of a pretty or normalized version.
pub fn parse_stability(version: &str) -> Stability {
    let version = version
        .split_once('#')
        .map_or(version, |(before, _)| before);
    if version.starts_with("dev-") || version.ends_with("-dev") {
        return Stability::Dev;
    }
    let lower = version.to_ascii_lowercase();
    // Composer searches for the left-most place from which the rest of the string is a
    // modifier (then optional `+build`); an empty modifier always matches at the `+` or
    // the end, so the loop always finds one.
    for (start, _) in lower.char_indices() {
        let rest = &lower[start..];
        let modifier_end = rest.find('+').unwrap_or(rest.len());
        if let Some(modifier) = parse_modifier(&rest[..modifier_end]) {
            if modifier.dev {
                return Stability::Dev;
            }
            return match modifier.word.as_deref() {
                Some("beta" | "b") => Stability::Beta,
                Some("alpha" | "a") => Stability::Alpha,
                Some("rc") => Stability::RC,
                _ => Stability::Stable,
            };
        }
    }
    Stability::Stable
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stability_of_versions() {
        let cases = [
            ("1.2.3.0", Stability::Stable),
            ("1.2.3", Stability::Stable),
            ("2.0.0.0-beta1", Stability::Beta),
            ("2.0.0-b1", Stability::Beta),
            ("1.0.0.0-RC1", Stability::RC),
            ("1.0.0-rc.1", Stability::RC),
            ("1.0.0.0-alpha", Stability::Alpha),
            ("1.0.0a2", Stability::Alpha),
            ("1.0.0.0-patch1", Stability::Stable),
            ("1.0.0-pl1", Stability::Stable),
            ("1.0.0+build5", Stability::Stable),
            ("1.0.0.0-dev", Stability::Dev),
            ("1.0.0.0-beta1-dev", Stability::Dev),
            ("1.0.0.dev", Stability::Dev),
            ("dev-main", Stability::Dev),
            ("dev-main#abc123", Stability::Dev),
            ("1.2.x-dev", Stability::Dev),
            ("1.2.9999999.9999999-dev", Stability::Dev),
            ("9999999-dev", Stability::Dev),
            ("2024.01.15.0", Stability::Stable),
            ("foo", Stability::Stable),
        ];
        for (version, expected) in cases {
            assert_eq!(
                parse_stability(version),
                expected,
                "parse_stability({version:?})"
            );
        }
    }

    #[test]
    fn ordering_is_dev_alpha_beta_rc_stable() {
        let ordered = [
            Stability::Dev,
            Stability::Alpha,
            Stability::Beta,
            Stability::RC,
            Stability::Stable,
        ];
        for (i, a) in ordered.iter().enumerate() {
            for (j, b) in ordered.iter().enumerate() {
                assert_eq!(a.cmp(b), i.cmp(&j), "{a} vs {b}");
            }
        }
        assert!(Stability::RC >= Stability::Beta);
        assert!(Stability::Dev < Stability::Stable);
    }

    #[test]
    fn names_round_trip() {
        let names = [
            ("dev", Stability::Dev),
            ("alpha", Stability::Alpha),
            ("beta", Stability::Beta),
            ("rc", Stability::RC),
            ("stable", Stability::Stable),
        ];
        for (name, stability) in names {
            assert_eq!(name.parse::<Stability>(), Ok(stability));
            assert_eq!(stability.as_str(), name);
            assert_eq!(stability.to_string(), name);
        }
        assert_eq!("RC".parse::<Stability>(), Ok(Stability::RC));
        assert_eq!("Beta".parse::<Stability>(), Ok(Stability::Beta));
        let error = "patch".parse::<Stability>().unwrap_err();
        assert_eq!(error, VersionError::InvalidStability("patch".to_owned()));
        assert_eq!(
            error.to_string(),
            "invalid stability \"patch\": expected dev, alpha, beta, rc or stable"
        );
    }
}
