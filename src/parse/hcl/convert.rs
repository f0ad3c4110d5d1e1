//! hcl-edit's tree -> k2e's HCL tree: names, literals and spans only.

use super::{Attribute, Block, Body, Expr, ExprKind, Heredoc, Label, ObjectItem, Part, Step};
use crate::parse::tree::Span;
use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{self, BlockLabel, Structure};
use hcl_edit::template::{Element, Template};
use std::ops::Range;

/// Turns parser ranges (in `text`) into file spans.
#[derive(Clone, Copy)]
struct At<'a> {
    text: &'a str,
    offset: usize,
}

impl At<'_> {
    fn span(&self, range: Option<Range<usize>>) -> Span {
        let r = range.unwrap_or(0..0);
        Span::new(self.offset + r.start, self.offset + r.end)
    }

    fn raw(&self, range: Option<Range<usize>>) -> String {
        range.and_then(|r| self.text.get(r)).unwrap_or_default().to_owned()
    }
}

pub fn body(body: &structure::Body, text: &str, offset: usize) -> Body {
    convert_body(body, At { text, offset })
}

fn convert_body(body: &structure::Body, at: At) -> Body {
    let mut out = Body::default();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(a) => out.attributes.push(Attribute {
                key: a.key.as_str().to_owned(),
                key_span: at.span(a.key.span()),
                value: expr(&a.value, at),
            }),
            Structure::Block(b) => out.blocks.push(block(b, at)),
        }
    }
    out
}

fn block(b: &structure::Block, at: At) -> Block {
    let labels = b
        .labels
        .iter()
        .map(|l| match l {
            BlockLabel::Ident(i) => Label {
                value: i.as_str().to_owned(),
                span: at.span(i.span()),
            },
            BlockLabel::String(s) => Label {
                value: s.as_str().to_owned(),
                span: at.span(s.span()),
            },
        })
        .collect();
    Block {
        ident: b.ident.as_str().to_owned(),
        ident_span: at.span(b.ident.span()),
        labels,
        body: convert_body(&b.body, at),
        span: at.span(b.span()),
    }
}

fn expr(e: &Expression, at: At) -> Expr {
    let span = at.span(e.span());
    let kind = match e {
        Expression::Null(_) => ExprKind::Null,
        Expression::Bool(b) => ExprKind::Bool(*b.value()),
        Expression::Number(n) => number(&n.to_string()),
        Expression::String(s) => ExprKind::Str(s.as_str().to_owned()),
        Expression::Array(items) => ExprKind::Tuple(items.iter().map(|i| expr(i, at)).collect()),
        Expression::Object(object) => {
            ExprKind::Object(object.iter().map(|(k, v)| object_item(k, v.expr(), at)).collect())
        }
        Expression::StringTemplate(t) => template(t.iter(), at),
        Expression::HeredocTemplate(h) => heredoc(h, span, at),
        Expression::Parenthesis(p) => return expr(p.inner(), at),
        Expression::Variable(v) => ExprKind::Reference(vec![Step::Attr(v.as_str().to_owned())]),
        Expression::FuncCall(call) => ExprKind::Call {
            name: func_name(&call.name),
            args: call.args.iter().map(|a| expr(a, at)).collect(),
        },
        Expression::Traversal(t) => traversal(t, at),
        _ => ExprKind::Other,
    };
    Expr { span, kind }
}

/// HCL numbers are arbitrary precision; one JSON cannot hold is kept as text.
fn number(text: &str) -> ExprKind {
    match text.parse::<serde_json::Number>() {
        Ok(n) => ExprKind::Number(n),
        Err(_) => ExprKind::Str(text.to_owned()),
    }
}

fn object_item(key: &ObjectKey, value: &Expression, at: At) -> ObjectItem {
    let value = expr(value, at);
    let (key, key_span, computed) = match key {
        ObjectKey::Ident(i) => (i.as_str().to_owned(), at.span(i.span()), false),
        ObjectKey::Expression(k) => {
            let key = expr(k, at);
            match key.kind {
                ExprKind::Str(s) => (s, key.span, false),
                _ => (at.raw(k.span()), key.span, true),
            }
        }
    };
    ObjectItem {
        key,
        key_span,
        computed,
        value,
    }
}

/// A template with nothing but literal text is a plain string.
fn template<'a>(elements: impl Iterator<Item = &'a Element>, at: At) -> ExprKind {
    let parts = parts(elements, at);
    match parts.as_slice() {
        [] => ExprKind::Str(String::new()),
        [Part::Literal { text, .. }] => ExprKind::Str(text.clone()),
        _ => ExprKind::Template(parts),
    }
}

fn parts<'a>(elements: impl Iterator<Item = &'a Element>, at: At) -> Vec<Part> {
    elements
        .map(|el| match el {
            Element::Literal(l) => Part::Literal {
                text: l.as_str().to_owned(),
                span: at.span(l.span()),
            },
            Element::Interpolation(i) => Part::Interpolation(expr(&i.expr, at)),
            Element::Directive(d) => Part::Directive(at.span(d.span())),
        })
        .collect()
}

fn heredoc(h: &hcl_edit::template::HeredocTemplate, span: Span, at: At) -> ExprKind {
    let template: &Template = &h.template;
    ExprKind::Heredoc(Heredoc {
        body: heredoc_body(span, at),
        indented: h.indent().is_some(),
        parts: parts(template.iter(), at),
    })
}

/// The lines between `<<EOT` and the closing `EOT`, found in the source text.
fn heredoc_body(span: Span, at: At) -> Span {
    let local = |s: usize| s - at.offset;
    let whole = at.text.get(local(span.start)..local(span.end)).unwrap_or_default();
    let start = whole.find('\n').map_or(whole.len(), |i| i + 1);
    let end = whole[start..].rfind('\n').map_or(start, |i| start + i + 1);
    Span::new(span.start + start, span.start + end)
}

/// `jsonencode`, or `provider::aws::arn_parse` with its namespace.
fn func_name(name: &hcl_edit::expr::FuncName) -> String {
    let mut parts: Vec<&str> = name.namespace.iter().map(|n| n.as_str()).collect();
    parts.push(name.name.as_str());
    parts.join("::")
}

fn traversal(t: &hcl_edit::expr::Traversal, at: At) -> ExprKind {
    let Expression::Variable(root) = &t.expr else {
        return ExprKind::Other;
    };
    let mut steps = vec![Step::Attr(root.as_str().to_owned())];
    for op in &t.operators {
        steps.push(match op.value() {
            TraversalOperator::GetAttr(name) => Step::Attr(name.as_str().to_owned()),
            TraversalOperator::Index(i) => Step::Index(expr(i, at)),
            TraversalOperator::LegacyIndex(n) => Step::Index(Expr {
                span: at.span(n.span()),
                kind: ExprKind::Number((*n.value()).into()),
            }),
            TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => Step::Splat,
        });
    }
    ExprKind::Reference(steps)
}
