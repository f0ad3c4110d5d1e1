//! `--format junit`: JUnit XML for CI test reports.
//!
//! - One `<testsuite>` per file, in the outcome's order (by path), whatever it holds.
//! - One `<testcase name="OBJECT RULE">` per object and rule that has findings, in the order of
//!   their first finding; OBJECT is `Kind/name`, else `document N` (0-based, as in the JSON
//!   output), else the file itself for findings about the whole file. It holds one `<failure>`
//!   (`<error>` for findings that mean the input could not be checked) whose text has one line per
//!   finding, `file:line:col: severity ID message`, each followed by an indented `help:` line.
//! - A file with no findings has one passing `<testcase name="k2e lint"/>`.
//! - Each suppressed finding is a `<testcase>` with `<skipped message="suppressed: REASON"/>`.
//!
//! No timestamps or durations: the same input gives the same bytes.

use super::Meta;
use crate::finding::{Finding, Severity};
use crate::outcome::{FileResult, Outcome};
use crate::rules;
use std::io::{self, Write};

/// What a testcase says.
enum Verdict<'a> {
    Pass,
    /// `element` is "failure" or "error".
    Fail {
        element: &'static str,
        severity: Severity,
        findings: Vec<&'a Finding>,
    },
    Skipped(&'a str),
}

struct Case<'a> {
    name: String,
    verdict: Verdict<'a>,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }
}

fn counts(cases: &[Case<'_>]) -> Counts {
    let mut c = Counts {
        tests: cases.len(),
        ..Counts::default()
    };
    for case in cases {
        match case.verdict {
            Verdict::Pass => {}
            Verdict::Fail { element: "error", .. } => c.errors += 1,
            Verdict::Fail { .. } => c.failures += 1,
            Verdict::Skipped(_) => c.skipped += 1,
        }
    }
    c
}

/// What a testcase is named after: the object, the document, or the file.
fn subject(f: &Finding) -> String {
    match (&f.object, f.document) {
        (Some(object), _) => object.clone(),
        (None, Some(n)) => format!("document {n}"),
        (None, None) => f.file.clone(),
    }
}

fn cases(file: &FileResult) -> Vec<Case<'_>> {
    let mut cases: Vec<Case<'_>> = Vec::new();
    // (subject, rule) -> its index in `cases`.
    let mut index: std::collections::HashMap<(String, &str), usize> = std::collections::HashMap::new();
    for f in &file.findings {
        let key = (subject(f), f.rule);
        match index.get(&key) {
            Some(&i) => {
                if let Verdict::Fail { severity, findings, .. } = &mut cases[i].verdict {
                    *severity = (*severity).max(f.severity);
                    findings.push(f);
                }
            }
            None => {
                index.insert(key.clone(), cases.len());
                cases.push(Case {
                    name: format!("{} {}", key.0, key.1),
                    verdict: Verdict::Fail {
                        element: if rules::is_input_problem(f.rule) {
                            "error"
                        } else {
                            "failure"
                        },
                        severity: f.severity,
                        findings: vec![f],
                    },
                });
            }
        }
    }
    if cases.is_empty() {
        cases.push(Case {
            name: "k2e lint".to_owned(),
            verdict: Verdict::Pass,
        });
    }
    for f in &file.suppressed {
        cases.push(Case {
            name: format!("{} {}", subject(f), f.rule),
            verdict: Verdict::Skipped(f.suppressed.as_deref().unwrap_or_default()),
        });
    }
    cases
}

pub fn write(outcome: &Outcome, _meta: &Meta<'_>, out: &mut dyn Write) -> io::Result<()> {
    let suites: Vec<(&FileResult, Vec<Case<'_>>)> = outcome.files.iter().map(|f| (f, cases(f))).collect();
    let mut total = Counts::default();
    for (_, cases) in &suites {
        total.add(counts(cases));
    }
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="k2e" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
        total.tests, total.failures, total.errors, total.skipped
    )?;
    for (file, cases) in &suites {
        let c = counts(cases);
        let name = escape(&file.file);
        writeln!(
            out,
            r#"  <testsuite name="{name}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
            c.tests, c.failures, c.errors, c.skipped
        )?;
        for case in cases {
            let open = format!(r#"    <testcase classname="{name}" name="{}""#, escape(&case.name));
            match &case.verdict {
                Verdict::Pass => writeln!(out, "{open}/>")?,
                Verdict::Skipped(reason) => {
                    writeln!(out, "{open}>")?;
                    writeln!(out, r#"      <skipped message="suppressed: {}"/>"#, escape(reason))?;
                    writeln!(out, "    </testcase>")?;
                }
                Verdict::Fail {
                    element,
                    severity,
                    findings,
                } => {
                    let first = &findings[0].message;
                    let message = match findings.len() {
                        1 => first.clone(),
                        n => format!("{first} (and {} more)", n - 1),
                    };
                    writeln!(out, "{open}>")?;
                    write!(
                        out,
                        r#"      <{element} message="{}" type="{}">"#,
                        escape(&message),
                        severity.as_str()
                    )?;
                    for (i, f) in findings.iter().enumerate() {
                        if i > 0 {
                            writeln!(out)?;
                        }
                        write!(out, "{}", escape_with(&line(f), false))?;
                    }
                    writeln!(out, "</{element}>")?;
                    writeln!(out, "    </testcase>")?;
                }
            }
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// `file:line:col: severity ID message`, then `    help: ...` on its own line; newlines inside
/// the texts become spaces so each finding stays one line (scripts/check-junit counts them).
fn line(f: &Finding) -> String {
    let flat = |s: &str| s.replace(['\r', '\n'], " ");
    let mut text = if f.start.line == 0 {
        format!("{}: ", flat(&f.file))
    } else {
        format!("{}:{}:{}: ", flat(&f.file), f.start.line, f.start.column)
    };
    text.push_str(&format!("{} {} {}", f.severity.as_str(), f.rule, flat(&f.message)));
    if let Some(help) = &f.help {
        text.push_str(&format!("\n    help: {}", flat(help)));
    }
    text
}

/// Escapes an attribute value for XML 1.0 (see `escape_with`).
fn escape(s: &str) -> String {
    escape_with(s, true)
}

/// Escapes text for XML 1.0: `& < >` become entities, and `" '` too in attribute values. Carriage returns become `&#13;` (a
/// parser would turn a raw one into a line feed); in attribute values line feeds and tabs become
/// `&#10;` and `&#9;` too (a parser would turn raw ones into spaces), in character data they stay.
/// Characters XML 1.0 forbids even as references (the other C0 controls, U+FFFE, U+FFFF) are
/// replaced by the text `\uXXXX`: the document stays well-formed and the reader still sees what
/// was there.
fn escape_with(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"a & b < c > d "e" 'f'"#),
            "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;"
        );
        assert_eq!(escape("&amp;"), "&amp;amp;");
        assert_eq!(escape("plain ü 😀"), "plain ü 😀");
    }

    #[test]
    fn escapes_whitespace_in_attributes_and_keeps_it_in_text() {
        assert_eq!(escape("a\nb\tc\rd"), "a&#10;b&#9;c&#13;d");
        assert_eq!(escape_with("a\nb\tc\rd", false), "a\nb\tc&#13;d");
        assert_eq!(
            escape_with(r#"<a href="x">'&'</a>"#, false),
            r#"&lt;a href="x"&gt;'&amp;'&lt;/a&gt;"#
        );
    }

    #[test]
    fn replaces_characters_xml_forbids() {
        assert_eq!(
            escape("a\u{0}b\u{1}c\u{1b}d\u{b}\u{c}"),
            "a\\u0000b\\u0001c\\u001Bd\\u000B\\u000C"
        );
        assert_eq!(escape("\u{fffe}\u{ffff}\u{7f}"), "\\uFFFE\\uFFFF\u{7f}");
    }

    #[test]
    fn one_line_per_finding() {
        let mut f = Finding::file("K8S002", Severity::Error, "a.yaml", "bad\nvalue".to_owned());
        assert_eq!(line(&f), "a.yaml: error K8S002 bad value");
        f.start.line = 3;
        f.start.column = 7;
        f.help = Some("quote it".to_owned());
        assert_eq!(line(&f), "a.yaml:3:7: error K8S002 bad value\n    help: quote it");
    }
}
