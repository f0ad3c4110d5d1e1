//! Findings -> what users and machines read.

pub mod compact;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod template;

use crate::finding::Severity;
use crate::outcome::Outcome;
use serde::Serialize;

/// What every report needs besides the outcome.
pub struct Meta<'a> {
    pub kubernetes_version: &'a str,
    /// The folder file paths are made relative to (SARIF `SRCROOT`): the working directory.
    pub base: std::path::PathBuf,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub skipped: usize,
    pub suppressed: usize,
    /// Kubernetes objects validated against a schema, and those that were not (no schema).
    pub objects_validated: usize,
    pub objects_not_validated: usize,
}

impl Summary {
    pub fn of(outcome: &Outcome) -> Self {
        let mut s = Summary {
            files: outcome.files.iter().filter(|f| !f.is_config).count(),
            ..Summary::default()
        };
        for file in &outcome.files {
            s.documents += file.documents;
            s.skipped += file.skipped.len();
            s.suppressed += file.suppressed.len();
            s.objects_validated += file.validated;
            s.objects_not_validated += file.not_validated;
        }
        for f in outcome.findings() {
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

/// 0: nothing at or above `fail_on`; 1: findings at or above it; 2: some input could not be
/// read or parsed (this wins, since part of the input went unchecked).
pub fn exit_code(outcome: &Outcome, fail_on: Severity) -> i32 {
    let mut code = 0;
    for f in outcome.findings() {
        if f.severity == Severity::Error && crate::rules::is_input_problem(f.rule) {
            return 2;
        }
        if f.severity >= fail_on {
            code = 1;
        }
    }
    code
}

/// A file name as the text reports print it: C0 and C1 control characters and DEL written as
/// escapes (`\n`, `\t`, `\r`, `\x1b`, `\u{85}`), so a name can neither drive the terminal nor
/// break a one-line-per-finding format. Everything else, backslashes included, is unchanged.
/// Machine formats (JSON, SARIF, JUnit) keep the real name, escaped by their own rules.
pub fn shown_path(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() && u32::from(c) < 0x80 => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Why a run checked no file, or None when it checked some: an empty run passes silently
/// otherwise, which in CI hides a wrong path or a config that excludes everything.
pub fn empty_run(outcome: &Outcome) -> Option<String> {
    if Summary::of(outcome).files > 0 {
        return None;
    }
    let why = match (&outcome.config, outcome.excluded, outcome.skipped_paths.len()) {
        (Some(config), n @ 1.., _) => format!(
            "the {} found {} excluded by {config}",
            plural(n, "file", "files"),
            if n == 1 { "is" } else { "are all" }
        ),
        (_, _, n @ 1..) => format!(
            "no *.yaml, *.yml or *.json files found; {} not followed (--verbose lists them)",
            plural(n, "symbolic link", "symbolic links")
        ),
        _ => "no *.yaml, *.yml or *.json files found in the paths given".to_owned(),
    };
    Some(why)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} checked, {}: {}, {}, {}",
            plural(self.files, "file", "files"),
            plural(self.documents, "document", "documents"),
            plural(self.errors, "error", "errors"),
            plural(self.warnings, "warning", "warnings"),
            plural(self.infos, "info", "infos"),
        )?;
        if self.suppressed > 0 {
            write!(f, " ({} suppressed)", self.suppressed)?;
        }
        if self.skipped > 0 {
            write!(
                f,
                " ({} not Kubernetes or ECS, skipped)",
                plural(self.skipped, "document", "documents")
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::shown_path;

    #[test]
    fn shown_paths_escape_every_control_character() {
        assert_eq!(shown_path("k8s/app.yaml"), "k8s/app.yaml");
        assert_eq!(
            shown_path("a\x1b[31mred\nb\tc\rd.yaml"),
            "a\\x1b[31mred\\nb\\tc\\rd.yaml"
        );
        assert_eq!(shown_path("\0\x7f\u{85}\u{9f}é"), "\\x00\\x7f\\u{85}\\u{9f}é");
        assert_eq!(shown_path("C:\\x\\y.yaml"), "C:\\x\\y.yaml");
        for c in (0..=0x9f_u32).filter_map(char::from_u32) {
            let shown = shown_path(&c.to_string()).into_owned();
            assert!(!shown.chars().any(char::is_control), "{c:?} -> {shown:?}");
        }
    }
}
