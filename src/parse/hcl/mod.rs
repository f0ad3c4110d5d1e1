//! HCL text (Terraform `.tf` files) -> k2e's own small syntax tree with byte spans, so that the
//! Terraform front-end never sees the parser crate and every value keeps its place in the file.
//!
//! The tree keeps what a front-end reads (attributes, blocks, literals, references, function
//! calls, templates, heredocs); every other expression is `Other` with its span, which a
//! front-end treats as a value it cannot know.

mod convert;
mod depth;
mod literal;

pub use literal::to_node;

use super::error::{Limits, ParseError, ParseErrorKind};
use super::tree::{Comment, Span};

/// The attributes and blocks of a file or of a block, in the order written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

/// `key = value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub key: String,
    pub key_span: Span,
    pub value: Expr,
}

/// `type "label" "label" { body }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub ident: String,
    pub ident_span: Span,
    pub labels: Vec<Label>,
    pub body: Body,
    /// From the type to the closing brace.
    pub span: Span,
}

/// A block label, quoted or bare.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub span: Span,
    pub kind: ExprKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    /// A quoted string without interpolation, escapes decoded.
    Str(String),
    Tuple(Vec<Expr>),
    Object(Vec<ObjectItem>),
    Call {
        name: String,
        args: Vec<Expr>,
    },
    /// A reference: `var.cpu`, `local.x`, `aws_ecs_task_definition.web.arn`, `each.value`.
    Reference(Vec<Step>),
    /// A quoted string with `${...}` or `%{...}` in it.
    Template(Vec<Part>),
    Heredoc(Heredoc),
    /// Operators, conditionals, `for` expressions, splats on calls...
    Other,
}

/// One step of a reference after its root name.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Attr(String),
    Index(Expr),
    Splat,
}

/// An object's `key = value`. A key written as an expression (`(var.k) = 1`, `"${x}" = 1`)
/// cannot be known: `computed` is set and `key` is its source text.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectItem {
    pub key: String,
    pub key_span: Span,
    pub computed: bool,
    pub value: Expr,
}

/// A piece of a template.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    Literal {
        text: String,
        span: Span,
    },
    Interpolation(Expr),
    /// `%{ if }`, `%{ for }`: the whole directive.
    Directive(Span),
}

/// `<<EOT` or `<<-EOT` ... `EOT`.
#[derive(Clone, Debug, PartialEq)]
pub struct Heredoc {
    /// The body's text as written in the file: from the line after `<<EOT` to the end of the
    /// line before the closing delimiter (indentation included for `<<-`).
    pub body: Span,
    /// `<<-`: the parser removed the common indentation from `parts`.
    pub indented: bool,
    pub parts: Vec<Part>,
}

impl Body {
    pub fn attribute(&self, key: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.key == key)
    }

    pub fn blocks_of<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }
}

impl Expr {
    /// A reference's dotted name (`var.cpu`, `aws_ecs_task_definition.web.arn`); None for any
    /// other expression, or a reference with an index or splat in it.
    pub fn reference(&self) -> Option<String> {
        let ExprKind::Reference(steps) = &self.kind else {
            return None;
        };
        let names: Option<Vec<&str>> = steps
            .iter()
            .map(|s| match s {
                Step::Attr(name) => Some(name.as_str()),
                _ => None,
            })
            .collect();
        Some(names?.join("."))
    }

    /// Whether the expression is made only of literals (no reference, call or template).
    pub fn is_literal(&self) -> bool {
        match &self.kind {
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::Str(_) => true,
            ExprKind::Tuple(items) => items.iter().all(Expr::is_literal),
            ExprKind::Object(items) => items.iter().all(|i| !i.computed && i.value.is_literal()),
            _ => false,
        }
    }
}

/// The comments of an HCL text, as the YAML parser gives them (text without the `#`, `//` or
/// `/* */` markers), spans at `offset` + their place in `text`.
pub fn comments(text: &str, offset: usize) -> Vec<Comment> {
    depth::comments(text)
        .into_iter()
        .map(|(start, end)| {
            let raw = &text[start..end];
            let inner = raw
                .strip_prefix("/*")
                .map(|r| r.strip_suffix("*/").unwrap_or(r))
                .or_else(|| raw.strip_prefix("//"))
                .or_else(|| raw.strip_prefix('#'))
                .unwrap_or(raw);
            Comment {
                span: Span::new(offset + start, offset + end),
                text: inner.to_owned(),
            }
        })
        .collect()
}

/// Parses a whole HCL file. `offset` is the file offset of `text`'s first byte; spans are file
/// offsets. Any input gives a tree or an error, never a panic: nesting deeper than the limit is
/// refused before the (recursive) parser sees it.
pub fn parse(text: &str, offset: usize, limits: &Limits) -> Result<Body, ParseError> {
    if let Some(at) = depth::too_deep_at(text, limits.max_depth) {
        return Err(ParseError::new(
            ParseErrorKind::TooDeep,
            Span::new(offset + at, offset + at + 1),
            format!("nesting deeper than {} levels; k2e stopped here", limits.max_depth),
        ));
    }
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => Ok(convert::body(&body, text, offset)),
        Err(e) => Err(syntax_error(&e, text, offset)),
    }
}

fn syntax_error(e: &hcl_edit::parser::Error, text: &str, offset: usize) -> ParseError {
    let location = e.location();
    let at = location.offset().min(text.len());
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    ParseError::new(
        ParseErrorKind::Syntax,
        Span::new(offset + at, offset + end),
        format!(
            "invalid HCL at line {}, column {}: {}",
            location.line(),
            location.column(),
            e.message()
        ),
    )
}

#[cfg(test)]
mod tests;
