//! What can go wrong while turning text into a span tree.

use super::tree::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Not YAML / not JSON.
    Syntax,
    /// A Go/Helm template (`{{ ... }}`) rather than a rendered manifest.
    Template,
    /// The same key twice in one mapping (kubectl rejects it).
    DuplicateKey,
    /// A mapping or sequence used as a key: no JSON equivalent.
    ComplexKey,
    /// Deeper than the nesting limit.
    TooDeep,
    /// Aliases expand to more nodes than the limit ("billion laughs").
    AliasLimit,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub span: Span,
    pub message: String,
    /// Another place the message refers to (the first occurrence of a duplicate key).
    pub related: Option<(Span, String)>,
}

impl ParseError {
    pub fn new(kind: ParseErrorKind, span: Span, message: impl Into<String>) -> Self {
        ParseError {
            kind,
            span,
            message: message.into(),
            related: None,
        }
    }
}

/// Parser limits. Defaults are far above real manifests (a large CRD nests ~40 levels).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_depth: usize,
    /// Nodes that alias expansion may add to one document.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 128,
            max_alias_nodes: 100_000,
        }
    }
}

/// Points at the first `{{` when a document that failed to parse looks like a template.
pub fn template_hint(text: &str, offset: usize) -> Option<ParseError> {
    let open = text.find("{{")?;
    text[open..].find("}}")?;
    Some(ParseError::new(
        ParseErrorKind::Template,
        Span::new(offset + open, offset + open + 2),
        "this looks like a Helm/Go template, not a rendered manifest; render it first, \
         e.g. `helm template CHART | k2e lint -`",
    ))
}
