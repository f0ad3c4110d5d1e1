//! A Pod Security Standards policy: a level and the Kubernetes version whose definition of it
//! applies, as `pod-security.kubernetes.io/enforce` and `-enforce-version` name them.

use std::fmt;

/// The three levels, from least to most restrictive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "privileged" => Some(Level::Privileged),
            "baseline" => Some(Level::Baseline),
            "restricted" => Some(Level::Restricted),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

/// `v1.X` as admission reads `-enforce-version`; `Latest` is the newest definition of the
/// cluster's Kubernetes version (`resolve`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Version {
    Minor(u32),
    #[default]
    Latest,
}

impl Version {
    /// `latest`, `v1.30` or `1.30` (admission itself only accepts `latest` and `v1.X`).
    pub fn parse(s: &str) -> Option<Version> {
        if s == "latest" {
            return Some(Version::Latest);
        }
        let minor = s.strip_prefix('v').unwrap_or(s).strip_prefix("1.")?;
        (!minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit()))
            .then(|| minor.parse().ok().map(Version::Minor))
            .flatten()
    }

    /// `latest` or `v1.X` exactly as admission reads the `-version` labels (`^v1\.(0|[1-9][0-9]*)$`):
    /// `1.30` and `v1.05` are not versions there.
    pub fn parse_label(s: &str) -> Option<Version> {
        if s == "latest" {
            return Some(Version::Latest);
        }
        let minor = s.strip_prefix("v1.")?;
        let digits = !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit());
        if !digits || (minor.len() > 1 && minor.starts_with('0')) {
            return None;
        }
        // A number too large for u32 is newer than any definition: latest.
        Some(minor.parse().map_or(Version::Latest, Version::Minor))
    }

    /// The Kubernetes minor whose definition applies on a cluster of Kubernetes 1.`newest`:
    /// admission resolves `latest` to its own newest definition, and knows none newer than that.
    pub fn resolve(self, newest: u32) -> u32 {
        match self {
            Version::Latest => newest,
            Version::Minor(m) => m.min(newest),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Latest => f.write_str("latest"),
            Version::Minor(m) => write!(f, "v1.{m}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub level: Level,
    pub version: Version,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            level: Level::Baseline,
            version: Version::Latest,
        }
    }
}

impl Policy {
    /// `baseline`, `restricted`, `privileged`, optionally with `:v1.X` or `:latest`.
    pub fn parse(s: &str) -> Result<Policy, String> {
        let (level, version) = s.split_once(':').unwrap_or((s, "latest"));
        let level = Level::parse(level)
            .ok_or_else(|| format!("{level:?} is not a Pod Security level: use privileged, baseline or restricted"))?;
        let version =
            Version::parse(version).ok_or_else(|| format!("{version:?} is not a version: use v1.X or latest"))?;
        Ok(Policy { level, version })
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.version {
            Version::Latest => f.write_str(self.level.name()),
            v => write!(f, "{}:{v}", self.level.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_parse_with_and_without_a_version() {
        assert_eq!(Policy::parse("baseline"), Ok(Policy::default()));
        let p = Policy::parse("restricted:v1.30").unwrap();
        assert_eq!((p.level, p.version), (Level::Restricted, Version::Minor(30)));
        assert_eq!(p.to_string(), "restricted:v1.30");
        assert!(Policy::parse("strict").is_err());
        assert!(Policy::parse("baseline:2.0").is_err());
        assert!(Policy::parse("baseline:v1.").is_err());
        assert_eq!(Version::Minor(25).resolve(37), 25);
        assert_eq!(Version::Latest.resolve(34), 34);
        assert_eq!(Version::Minor(36).resolve(34), 34);
        assert_eq!(Version::parse_label("v1.30"), Some(Version::Minor(30)));
        assert_eq!(Version::parse_label("v1.0"), Some(Version::Minor(0)));
        assert_eq!(Version::parse_label("latest"), Some(Version::Latest));
        for bad in ["1.30", "v1.05", "v1.", "v2.1", "v1.3a", "Latest"] {
            assert_eq!(Version::parse_label(bad), None, "{bad}");
        }
    }
}
