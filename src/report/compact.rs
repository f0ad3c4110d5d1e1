//! `--format compact`: one line per finding, for editors, grep and scripts:
//!
//! ```text
//! k8s/app.yaml:24:11: error K8S001 unknown field "imagePullPolcy" in Container
//! missing.yaml: error K2E001 no such file or directory
//! ```
//!
//! No help, no colour, no suppressed findings, no summary: nothing but these lines on stdout.
//! Line breaks inside a message become spaces and control characters in a path escapes
//! (`report::shown_path`), so each finding is exactly one line.

use super::{Meta, shown_path};
use crate::finding::Finding;
use crate::outcome::Outcome;
use std::io::{self, Write};

pub fn write(outcome: &Outcome, _meta: &Meta<'_>, out: &mut dyn Write) -> io::Result<()> {
    for f in outcome.findings() {
        writeln!(out, "{}", line(f))?;
    }
    Ok(())
}

fn line(f: &Finding) -> String {
    let flat = |s: &str| s.replace(['\r', '\n'], " ");
    let file = shown_path(&f.file);
    let place = if f.start.line == 0 {
        file.into_owned()
    } else {
        format!("{file}:{}:{}", f.start.line, f.start.column)
    };
    format!(
        "{place}: {} {} {}",
        f.severity.as_str(),
        f.rule,
        flat(&f.message_in_resource())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    #[test]
    fn positioned_and_whole_file_lines() {
        let mut f = Finding::file(
            "K2E001",
            Severity::Error,
            "gone.yaml",
            "no such file\nor directory".to_owned(),
        );
        f.help = Some("not shown".to_owned());
        assert_eq!(line(&f), "gone.yaml: error K2E001 no such file or directory");
        f.start.line = 2;
        f.start.column = 4;
        f.severity = Severity::Info;
        assert_eq!(line(&f), "gone.yaml:2:4: info K2E001 no such file or directory");
        f.file = "a\nb\x1b.yaml".to_owned();
        assert_eq!(line(&f), "a\\nb\\x1b.yaml:2:4: info K2E001 no such file or directory");
    }
}
