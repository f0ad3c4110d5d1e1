//! The one thing every check produces and every report consumes.

pub mod ids;

use crate::parse::{Document, Span};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A 1-based line and column; columns count characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The source lines around a finding, kept so reports need not hold whole files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    /// File offset of `text`'s first byte, and its 1-based line.
    pub offset: usize,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    pub span: Span,
    pub start: Position,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Short text under the underline ("unknown field").
    pub label: Option<String>,
    pub help: Option<String>,
    pub file: String,
    pub span: Span,
    pub start: Position,
    pub end: Position,
    /// Where in the document's JSON the problem is (RFC 6901).
    pub pointer: Option<String>,
    /// 0-based position of the document in its stream.
    pub document: Option<usize>,
    /// `Kind/name` of the object, when known.
    pub object: Option<String>,
    pub related: Vec<Related>,
    pub snippet: Option<Snippet>,
    /// The reason given when a suppression silenced this finding.
    pub suppressed: Option<String>,
    /// The file the document was rendered from, when a `# Source: chart/templates/x.yaml`
    /// comment (helm template) names it.
    pub source: Option<String>,
    /// The object's `metadata.namespace`, when the manifest sets one.
    pub namespace: Option<String>,
    /// The CloudFormation resource or Terraform address the finding is in
    /// (`AWS::ECS::TaskDefinition WebTask`, `aws_ecs_task_definition.web`): text reports name it,
    /// SARIF makes it a logical location of kind "resource".
    pub resource: Option<String>,
    /// The whole rendered line the finding starts on, kept only for findings with a `source`, so
    /// reports can find the same line in the template.
    pub source_line: Option<String>,
}

impl Finding {
    /// A finding about a whole file, with no position inside it (unreadable, missing, ...).
    pub fn file(rule: &'static str, severity: Severity, file: &str, message: String) -> Self {
        Finding {
            rule,
            severity,
            message,
            label: None,
            help: None,
            file: file.to_owned(),
            span: Span::default(),
            start: Position::default(),
            end: Position::default(),
            pointer: None,
            document: None,
            object: None,
            related: Vec::new(),
            snippet: None,
            suppressed: None,
            source: None,
            namespace: None,
            resource: None,
            source_line: None,
        }
    }

    /// A finding at a span of a parsed document; positions and snippet come from its text.
    pub fn at(rule: &'static str, severity: Severity, file: &str, doc: &Document, span: Span, message: String) -> Self {
        let lines = LineIndex::of(doc);
        let mut f = Finding::file(rule, severity, file, message);
        f.span = span;
        f.start = lines.position(span.start);
        f.end = lines.position(span.end);
        f.document = Some(doc.index);
        let snippet = lines.snippet(span);
        // Minified JSON or a 10,000-bracket line would flood the terminal: position only.
        if snippet.text.lines().all(|l| l.len() <= MAX_SNIPPET_LINE) {
            f.snippet = Some(snippet);
        }
        f
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    pub fn with_object(mut self, object: Option<String>) -> Self {
        self.object = object;
        self
    }

    pub fn with_related(mut self, doc: &Document, span: Span, message: impl Into<String>) -> Self {
        let lines = LineIndex::of(doc);
        self.related.push(Related {
            span,
            start: lines.position(span.start),
            message: message.into(),
        });
        if let Some(snippet) = &mut self.snippet {
            // Widen the snippet so both places show in one excerpt when they are close.
            let wider = lines.snippet(Span::new(span.start.min(self.span.start), self.span.end.max(span.end)));
            if wider.text.lines().count() <= 12 && wider.text.lines().all(|l| l.len() <= MAX_SNIPPET_LINE) {
                *snippet = wider;
            }
        }
        self
    }

    /// The message, and the resource it is in when a template or Terraform file holds several:
    /// what the text reports print.
    pub fn message_in_resource(&self) -> String {
        match &self.resource {
            Some(resource) => format!("{} (in {resource})", self.message),
            None => self.message.clone(),
        }
    }

    /// Sort key: file, then position, then rule, so output never depends on thread timing.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (&self.file, self.span.start, self.span.end, self.rule, &self.message)
    }
}

const MAX_SNIPPET_LINE: usize = 400;

/// Offsets -> line/column within one document's text.
pub struct LineIndex<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    /// The document's line starts, when it has them: positions by binary search instead of
    /// counting newlines from the top each time.
    starts: Option<&'a [usize]>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str, offset: usize, line: usize) -> Self {
        LineIndex {
            text,
            offset,
            line,
            starts: None,
        }
    }

    /// The index of a parsed document, sharing its line table.
    pub fn of(doc: &'a Document) -> Self {
        LineIndex {
            text: &doc.text,
            offset: doc.offset,
            line: doc.line,
            starts: Some(doc.line_starts()),
        }
    }

    /// The 0-based line within `text` holding the local offset, and where that line starts.
    fn line_of(&self, local: usize) -> (usize, usize) {
        match self.starts {
            Some(starts) => {
                let i = starts.partition_point(|&s| s <= local).saturating_sub(1);
                (i, starts.get(i).copied().unwrap_or(0))
            }
            None => {
                let before = &self.text[..local];
                let start = before.rfind('\n').map_or(0, |i| i + 1);
                (before.bytes().filter(|&b| b == b'\n').count(), start)
            }
        }
    }

    fn local(&self, at: usize) -> usize {
        let mut local = at.saturating_sub(self.offset).min(self.text.len());
        while !self.text.is_char_boundary(local) {
            local -= 1;
        }
        local
    }

    pub fn position(&self, at: usize) -> Position {
        let local = self.local(at);
        let (line, line_start) = self.line_of(local);
        Position {
            line: self.line + line,
            column: self.text[line_start..local].chars().count() + 1,
        }
    }

    /// The text of the line holding `at`, without its line break.
    pub fn line_text(&self, at: usize) -> &'a str {
        let local = self.local(at);
        let start = self.text[..local].rfind('\n').map_or(0, |i| i + 1);
        let end = self.text[local..].find('\n').map_or(self.text.len(), |i| local + i);
        self.text[start..end].trim_end_matches('\r')
    }

    /// The whole lines a span touches, plus one line of context on each side.
    pub fn snippet(&self, span: Span) -> Snippet {
        let start = self.local(span.start);
        let end = self.local(span.end).max(start);
        let mut first = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        if first > 0 {
            first = self.text[..first - 1].rfind('\n').map_or(0, |i| i + 1);
        }
        let mut last = self.text[end..].find('\n').map_or(self.text.len(), |i| end + i);
        if last < self.text.len() {
            last = self.text[last + 1..]
                .find('\n')
                .map_or(self.text.len(), |i| last + 1 + i);
        }
        let text = self.text[first..last].trim_end_matches(['\n', '\r']).to_owned();
        let line = self.line + self.line_of(first).0;
        Snippet {
            text,
            offset: self.offset + first,
            line,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let idx = LineIndex::new("a: 1\nbé: ü\n", 100, 7);
        assert_eq!(idx.position(100), Position { line: 7, column: 1 });
        // "ü" starts after "bé: " which is 5 bytes but 4 characters.
        assert_eq!(idx.position(110), Position { line: 8, column: 5 });
    }

    #[test]
    fn snippet_has_context_lines() {
        let text = "l1\nl2\nl3\nl4\nl5\n";
        let idx = LineIndex::new(text, 0, 1);
        let s = idx.snippet(Span::new(6, 8));
        assert_eq!(s.text, "l2\nl3\nl4");
        assert_eq!((s.offset, s.line), (3, 2));
        let s = idx.snippet(Span::new(0, 1));
        assert_eq!(s.text, "l1\nl2");
    }

    #[test]
    fn line_text_is_the_whole_line() {
        let idx = LineIndex::new("a: 1\r\n  b: 2\nc", 10, 1);
        assert_eq!(idx.line_text(10), "a: 1");
        assert_eq!(idx.line_text(18), "  b: 2");
        assert_eq!(idx.line_text(23), "c");
    }

    #[test]
    fn a_document_line_table_gives_the_same_positions_and_snippets() {
        let text = "a: 1\r\nbé: ü\n\n  c: [x, y]\nlast";
        let doc = Document::new(0, text.to_owned(), 40, 3);
        let (fast, slow) = (LineIndex::of(&doc), LineIndex::new(text, 40, 3));
        for at in 30..40 + text.len() + 5 {
            assert_eq!(fast.position(at), slow.position(at), "offset {at}");
            let span = Span::new(at, at + 3);
            assert_eq!(fast.snippet(span), slow.snippet(span), "offset {at}");
        }
    }
}
