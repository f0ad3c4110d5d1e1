//! `--format json`: one object with the findings, the skipped documents and the summary.
//! The shape is documented in README.md and versioned by `version`.

use super::Summary;
use crate::discover::SkippedPath;
use crate::finding::Finding;
use crate::outcome::Outcome;
use serde::Serialize;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    kubernetes_version: &'a str,
    findings: Findings<'a>,
    /// Findings a suppression silenced, each with its reason.
    suppressed: Vec<JsonFinding<'a>>,
    skipped: Vec<JsonSkipped<'a>>,
    /// Symbolic links the walk did not follow, each with the reason.
    skipped_paths: &'a [SkippedPath],
    summary: JsonSummary<'a>,
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    #[serde(flatten)]
    counts: Summary,
    /// The config file in use, or null.
    config: Option<&'a str>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    offset: usize,
    length: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    document: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<&'a str>,
    /// The Helm template the document was rendered from.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonSkipped<'a> {
    file: &'a str,
    document: usize,
    line: usize,
    reason: &'a str,
}

/// Serialized straight from the outcome, one finding at a time.
struct Findings<'a>(&'a Outcome);

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.findings().map(finding))
    }
}

fn finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        rule: f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        file: &f.file,
        line: f.start.line,
        column: f.start.column,
        end_line: f.end.line,
        end_column: f.end.column,
        offset: f.span.start,
        length: f.span.end - f.span.start,
        pointer: f.pointer.as_deref(),
        document: f.document,
        object: f.object.as_deref(),
        source: f.source.as_deref(),
        help: f.help.as_deref(),
        related: f
            .related
            .iter()
            .map(|r| JsonRelated {
                message: &r.message,
                line: r.start.line,
                column: r.start.column,
            })
            .collect(),
        reason: f.suppressed.as_deref(),
    }
}

pub fn write(outcome: &Outcome, kubernetes_version: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let report = Report {
        version: 1,
        tool: Tool {
            name: "k2e",
            version: env!("CARGO_PKG_VERSION"),
        },
        kubernetes_version,
        findings: Findings(outcome),
        suppressed: outcome.files.iter().flat_map(|f| &f.suppressed).map(finding).collect(),
        skipped: outcome
            .files
            .iter()
            .flat_map(|f| &f.skipped)
            .map(|s| JsonSkipped {
                file: &s.file,
                document: s.document,
                line: s.line,
                reason: s.reason,
            })
            .collect(),
        skipped_paths: &outcome.skipped_paths,
        summary: JsonSummary {
            counts: Summary::of(outcome),
            config: outcome.config.as_deref(),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
