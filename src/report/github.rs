//! `--format github`: one GitHub Actions workflow command per finding, which the runner turns
//! into an annotation on the pull request:
//!
//! ```text
//! ::error file=k8s/app.yaml,line=24,col=11,endLine=24,endColumn=25,title=K8S001::unknown field ...
//! ```
//!
//! error -> `::error`, warning -> `::warning`, info -> `::notice`. Findings about a whole file
//! carry no line or column. The help follows the message after an (escaped) newline. Nothing
//! else is printed: no summary, no suppressed findings.

use super::Meta;
use crate::finding::{Finding, Severity};
use crate::lint::Outcome;
use std::io::{self, Write};

pub fn write(outcome: &Outcome, _meta: &Meta<'_>, out: &mut dyn Write) -> io::Result<()> {
    for f in outcome.findings() {
        writeln!(out, "{}", command(f))?;
    }
    Ok(())
}

fn command(f: &Finding) -> String {
    let name = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut props = format!("file={}", property(&f.file));
    if f.start.line > 0 {
        // GitHub keeps columns only for annotations on one line (checks API: "omit start_column
        // and end_column if start_line and end_line have different values").
        if f.start.line == f.end.line {
            props.push_str(&format!(
                ",line={},col={},endLine={},endColumn={}",
                f.start.line, f.start.column, f.end.line, f.end.column
            ));
        } else {
            props.push_str(&format!(",line={},endLine={}", f.start.line, f.end.line));
        }
    }
    props.push_str(&format!(",title={}", property(f.rule)));
    let message = match &f.help {
        Some(help) => format!("{}\n{help}", f.message),
        None => f.message.clone(),
    };
    format!("::{name} {props}::{}", data(&message))
}

/// The runner's escaping for a command's message: `%`, CR and LF.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// The runner's escaping for property values: the message's, plus `:` and `,`, which delimit
/// properties.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_unescapes() {
        assert_eq!(data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
        // %25 first, or the % of %3A would be escaped again.
        assert_eq!(property("%3A"), "%253A");
    }

    #[test]
    fn commands_by_severity_and_position() {
        let mut f = Finding::file("K2E001", Severity::Error, "dir,x/a:b.yaml", "no such file".to_owned());
        assert_eq!(
            command(&f),
            "::error file=dir%2Cx/a%3Ab.yaml,title=K2E001::no such file"
        );
        f.severity = Severity::Info;
        f.start.line = 3;
        f.start.column = 5;
        f.end.line = 3;
        f.end.column = 9;
        f.help = Some("50% off".to_owned());
        assert_eq!(
            command(&f),
            "::notice file=dir%2Cx/a%3Ab.yaml,line=3,col=5,endLine=3,endColumn=9,title=K2E001::no such file%0A50%25 off"
        );
        f.severity = Severity::Warning;
        f.end.line = 4;
        f.help = None;
        assert_eq!(
            command(&f),
            "::warning file=dir%2Cx/a%3Ab.yaml,line=3,endLine=4,title=K2E001::no such file"
        );
    }
}
