//! `--format github`: one GitHub Actions workflow command per finding, which the runner turns
//! into an annotation on the pull request:
//!
//! ```text
//! ::error file=k8s/app.yaml,line=24,col=11,endLine=24,endColumn=25,title=K8S001::unknown field ...
//! ```
//!
//! error -> `::error`, warning -> `::warning`, info -> `::notice`. Findings about a whole file
//! carry no line or column. The help follows the message after an (escaped) newline. Nothing
//! else is printed: no summary, no suppressed findings. Control characters in file names are
//! shown as escapes (`report::shown_path`).
//!
//! A Helm-rendered finding whose `# Source:` template is a file under the working directory is
//! annotated on the template (`report::template`): on the one template line with the rendered
//! line's text, else on the whole file; the message then ends with where it was rendered
//! (`rendered at <stdin>:12:5`).

use super::template::{Place, Templates};
use super::{Meta, shown_path};
use crate::finding::{Finding, Severity};
use crate::outcome::Outcome;
use std::io::{self, Write};

pub fn write(outcome: &Outcome, meta: &Meta<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut templates = Templates::new(&meta.base);
    for f in outcome.findings() {
        let place = templates.place(f);
        writeln!(out, "{}", command(f, place.as_ref()))?;
    }
    Ok(())
}

fn command(f: &Finding, template: Option<&Place>) -> String {
    let name = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    if let Some(place) = template {
        return on_template(f, name, place);
    }
    let mut props = format!("file={}", property(&shown_path(&f.file)));
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
    format!("::{name} {props}::{}", data(&message(f, None)))
}

/// The annotation on the template: its line when known (no column: the template's text differs
/// from the rendered one), the rendered position in the message.
fn on_template(f: &Finding, name: &str, place: &Place) -> String {
    let file = place.relative.to_string_lossy().replace('\\', "/");
    let mut props = format!("file={}", property(&shown_path(&file)));
    if let Some(line) = place.line {
        props.push_str(&format!(",line={line}"));
    }
    props.push_str(&format!(",title={}", property(f.rule)));
    let rendered = if f.start.line > 0 {
        format!("{}:{}:{}", shown_path(&f.file), f.start.line, f.start.column)
    } else {
        shown_path(&f.file).into_owned()
    };
    format!("::{name} {props}::{}", data(&message(f, Some(&rendered))))
}

fn message(f: &Finding, rendered: Option<&str>) -> String {
    let mut message = f.message_in_resource();
    if let Some(at) = rendered {
        message.push_str(&format!(" (rendered at {at})"));
    }
    if let Some(help) = &f.help {
        message.push('\n');
        message.push_str(help);
    }
    message
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
            command(&f, None),
            "::error file=dir%2Cx/a%3Ab.yaml,title=K2E001::no such file"
        );
        f.severity = Severity::Info;
        f.start.line = 3;
        f.start.column = 5;
        f.end.line = 3;
        f.end.column = 9;
        f.help = Some("50% off".to_owned());
        assert_eq!(
            command(&f, None),
            "::notice file=dir%2Cx/a%3Ab.yaml,line=3,col=5,endLine=3,endColumn=9,title=K2E001::no such file%0A50%25 off"
        );
        f.severity = Severity::Warning;
        f.end.line = 4;
        f.help = None;
        assert_eq!(
            command(&f, None),
            "::warning file=dir%2Cx/a%3Ab.yaml,line=3,endLine=4,title=K2E001::no such file"
        );
        f.file = "esc\x1b[2J\nx.yaml".to_owned();
        assert_eq!(
            command(&f, None),
            "::warning file=esc\\x1b[2J\\nx.yaml,line=3,endLine=4,title=K2E001::no such file"
        );
    }

    #[test]
    fn helm_findings_on_their_template() {
        let mut f = Finding::file("K8S002", Severity::Error, "<stdin>", "bad, 50%".to_owned());
        f.start.line = 12;
        f.start.column = 5;
        f.help = Some("fix".to_owned());
        let mut place = Place {
            relative: "chart/templates/cm.yaml".into(),
            line: Some(7),
        };
        assert_eq!(
            command(&f, Some(&place)),
            "::error file=chart/templates/cm.yaml,line=7,title=K8S002::bad, 50%25 (rendered at <stdin>:12:5)%0Afix"
        );
        place.line = None;
        f.help = None;
        assert_eq!(
            command(&f, Some(&place)),
            "::error file=chart/templates/cm.yaml,title=K8S002::bad, 50%25 (rendered at <stdin>:12:5)"
        );
    }
}
