//! `--format human`: miette snippets with the offending key or value underlined.

use super::{Summary, shown_path};
use crate::finding::{Finding, Severity, Snippet};
use crate::outcome::Outcome;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};
use std::fmt;

pub struct Style {
    pub color: bool,
    pub verbose: bool,
}

/// Writes the report finding by finding, so a run with 100,000 findings is never held as text.
pub fn write(outcome: &Outcome, style: &Style, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1)
        .with_links(false);
    let mut text = String::new();
    for f in outcome.findings() {
        text.clear();
        let diagnostic = Rendered::new(f);
        if handler.render_report(&mut text, &diagnostic).is_err() {
            text = format!(
                "{}:{}:{}: {} {}\n",
                shown_path(&f.file),
                f.start.line,
                f.start.column,
                f.rule,
                f.message
            );
        }
        writeln!(out, "{text}")?;
    }
    if style.verbose {
        writeln!(out, "config: {}", outcome.config.as_deref().unwrap_or("none"))?;
        for s in &outcome.skipped_paths {
            writeln!(out, "skipped {}: {}", s.path, s.reason)?;
        }
        for s in outcome.files.iter().flat_map(|f| &f.skipped) {
            writeln!(out, "skipped {}:{}: {}", shown_path(&s.file), s.line, s.reason)?;
        }
        for f in outcome.files.iter().flat_map(|f| &f.suppressed) {
            writeln!(
                out,
                "suppressed {}:{}:{}: {} {} ({})",
                shown_path(&f.file),
                f.start.line,
                f.start.column,
                f.rule,
                f.message,
                f.suppressed.as_deref().unwrap_or_default()
            )?;
        }
    }
    let summary = Summary::of(outcome);
    writeln!(out, "k2e: {summary}{}", unvalidated(&summary))?;
    if let Some(why) = super::empty_run(outcome) {
        writeln!(out, "warning: no files checked; {why}")?;
    }
    Ok(())
}

/// How many Kubernetes objects had no schema, beside those that had one: said only when some
/// had none, as the "no schema" infos are easy to overlook among many findings.
fn unvalidated(s: &Summary) -> String {
    match s.objects_not_validated {
        0 => String::new(),
        n => format!(
            "; {} of {} Kubernetes objects not validated against a schema",
            n,
            n + s.objects_validated
        ),
    }
}

struct Rendered<'a> {
    finding: &'a Finding,
    source: Option<SnippetSource>,
    title: String,
}

impl<'a> Rendered<'a> {
    fn new(finding: &'a Finding) -> Self {
        let file = shown_path(&finding.file);
        let source = finding.snippet.as_ref().map(|s| SnippetSource {
            name: file.clone().into_owned(),
            snippet: s.clone(),
        });
        let message = finding.message_in_resource();
        let mut title = match (&source, finding.start.line) {
            (Some(_), _) => format!("{} {message}", finding.rule),
            (None, 0) => format!("{} {file}: {message}", finding.rule),
            (None, line) => format!("{} {file}:{line}:{}: {message}", finding.rule, finding.start.column),
        };
        if let Some(template) = &finding.source {
            title.push_str(&format!(" (rendered from {})", shown_path(template)));
        }
        Rendered { finding, source, title }
    }

    fn local(&self, start: usize, end: usize) -> Option<SourceSpan> {
        let snippet = self.finding.snippet.as_ref()?;
        let len = snippet.text.len();
        let s = start.checked_sub(snippet.offset)?.min(len);
        let e = end.saturating_sub(snippet.offset).clamp(s, len);
        Some(SourceSpan::new(s.into(), e - s))
    }
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl std::error::Error for Rendered<'_> {}

impl Diagnostic for Rendered<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let f = self.finding;
        let mut labels = Vec::new();
        if let Some(span) = self.local(f.span.start, f.span.end) {
            labels.push(LabeledSpan::new_primary_with_span(f.label.clone(), span));
        }
        for r in &f.related {
            if let Some(span) = self.local(r.span.start, r.span.end) {
                labels.push(LabeledSpan::new_with_span(Some(r.message.clone()), span));
            }
        }
        Some(Box::new(labels.into_iter()))
    }
}

/// The lines around a finding, presented to miette with their real line numbers.
struct SnippetSource {
    name: String,
    snippet: Snippet,
}

impl SourceCode for SnippetSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.snippet.text.as_str().read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.snippet.line - 1,
            inner.column(),
            inner.line_count(),
        )))
    }
}
