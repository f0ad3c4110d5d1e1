//! `--format compact`: one line per finding, for editors, grep and scripts:
//!
//! ```text
//! k8s/app.yaml:24:11: error K8S001 unknown field "imagePullPolcy" in Container
//! missing.yaml: error K2E001 no such file or directory
//! ```
//!
//! No help, no colour, no suppressed findings, no summary: nothing but these lines on stdout.
//! Line breaks inside a message or path become spaces, so each finding is exactly one line.

use super::Meta;
use crate::finding::Finding;
use crate::lint::Outcome;
use std::io::{self, Write};

pub fn write(outcome: &Outcome, _meta: &Meta<'_>, out: &mut dyn Write) -> io::Result<()> {
    for f in outcome.findings() {
        writeln!(out, "{}", line(f))?;
    }
    Ok(())
}

fn line(f: &Finding) -> String {
    let flat = |s: &str| s.replace(['\r', '\n'], " ");
    let place = if f.start.line == 0 {
        flat(&f.file)
    } else {
        format!("{}:{}:{}", flat(&f.file), f.start.line, f.start.column)
    };
    format!("{place}: {} {} {}", f.severity.as_str(), f.rule, flat(&f.message))
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
    }
}
