//! A resource block of a `.tf` file -> its values in Terraform's shape (the shape of a plan:
//! arguments by name, blocks as arrays of objects), each node keeping its span. What cannot be
//! known without running Terraform becomes a placeholder string (the source text) whose span is
//! recorded as unknown; a variable with a literal default gives that default.

use super::Module;
use super::variables::Variables;
use crate::frontend::{Assumed, FrontendError, Included};
use crate::parse::hcl::{self, Body, Expr, ExprKind};
use crate::parse::{Document, Entry, Node, NodeKind, Scalar, Span};
use std::collections::HashSet;

/// One resource being read, and what the reading finds besides its values.
pub struct Reading<'a> {
    pub doc: &'a Document,
    pub vars: &'a Variables,
    pub module: &'a Module<'a>,
    /// Where the nodes of an included file start (past the end of `doc`).
    pub base: usize,
    pub unknown: HashSet<Span>,
    pub assumed: Vec<Assumed>,
    pub notes: Vec<String>,
    pub included: Option<Included>,
    pub errors: Vec<FrontendError>,
    /// References to variables that list their allowed values: (reference, `variable X`, values).
    pub choices: Vec<(Span, String, Vec<Node>)>,
}

impl<'a> Reading<'a> {
    pub fn new(doc: &'a Document, vars: &'a Variables, module: &'a Module<'a>) -> Self {
        Reading {
            doc,
            vars,
            module,
            base: doc.offset + doc.text.len() + 1,
            unknown: HashSet::new(),
            assumed: Vec::new(),
            notes: Vec::new(),
            included: None,
            errors: Vec::new(),
            choices: Vec::new(),
        }
    }

    /// The source text of a span of `doc`.
    pub fn raw(&self, span: Span) -> &str {
        self.doc.raw(span).unwrap_or_default()
    }

    /// The value of an expression.
    pub fn expr(&mut self, e: &Expr) -> Node {
        match &e.kind {
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::Str(_) | ExprKind::Tuple(_) => {
                hcl::to_node(e, "", &mut |other, _| self.expr(other))
            }
            ExprKind::Object(items) if items.iter().all(|i| !i.computed) => {
                hcl::to_node(e, "", &mut |other, _| self.expr(other))
            }
            _ => match self.variable(e) {
                Some(node) => node,
                None => self.placeholder(e.span),
            },
        }
    }

    /// A value k2e cannot know: its source text, recorded as unknown.
    pub fn placeholder(&mut self, span: Span) -> Node {
        self.unknown.insert(span);
        super::rewrite::scalar(span, Scalar::Str(self.raw(span).to_owned()))
    }

    /// `var.X` with a literal default: the default, every node at the reference's span.
    fn variable(&mut self, e: &Expr) -> Option<Node> {
        let reference = e.reference()?;
        let name = reference.strip_prefix("var.")?;
        let var = self.vars.get(name)?;
        if !var.allowed.is_empty() {
            let values = var.allowed.iter().map(literal).collect();
            self.choices.push((e.span, format!("variable {name}"), values));
        }
        let default = var.default.as_ref()?;
        let mut node = hcl::to_node(default, "", &mut |other, _| {
            super::rewrite::scalar(other.span, Scalar::Null)
        });
        respan(&mut node, e.span);
        self.assumed.push(Assumed {
            span: e.span,
            name: format!("variable {name}"),
            value: var.raw.clone(),
            default_span: default.span,
            default_file: var.file.clone(),
        });
        Some(node)
    }

    /// A block body in Terraform's shape, leaving out the arguments in `skip`.
    pub fn body(&mut self, body: &Body, span: Span, skip: &[&str]) -> Node {
        let mut entries = Vec::new();
        for a in body.attributes.iter().filter(|a| !skip.contains(&a.key.as_str())) {
            let value = self.expr(&a.value);
            entries.push(Entry {
                key: a.key.clone(),
                key_span: a.key_span,
                value,
            });
        }
        let mut idents: Vec<&str> = Vec::new();
        for b in &body.blocks {
            if !idents.contains(&b.ident.as_str()) {
                idents.push(&b.ident);
            }
        }
        // A `dynamic "volume"` makes every volume unknown, the static ones too.
        let dynamic: Vec<&str> = body
            .blocks_of("dynamic")
            .filter_map(|b| Some(b.labels.first()?.value.as_str()))
            .collect();
        idents.retain(|i| !skip.contains(i) && !dynamic.contains(i));
        for ident in idents {
            entries.extend(self.blocks(body, ident));
        }
        Node {
            span,
            kind: NodeKind::Map(entries),
        }
    }

    /// The blocks of one type as an array; each `dynamic "x"` block as an unknown `x`.
    fn blocks(&mut self, body: &Body, ident: &str) -> Vec<Entry> {
        if ident == "dynamic" {
            return body
                .blocks_of("dynamic")
                .filter_map(|b| {
                    let label = b.labels.first()?;
                    Some(Entry {
                        key: label.value.clone(),
                        key_span: label.span,
                        value: self.placeholder(b.span),
                    })
                })
                .collect();
        }
        let blocks: Vec<_> = body.blocks_of(ident).collect();
        let items: Vec<Node> = blocks.iter().map(|b| self.body(&b.body, b.span, &[])).collect();
        let span = Span::new(blocks[0].span.start, blocks[blocks.len() - 1].span.end);
        vec![Entry {
            key: ident.to_owned(),
            key_span: blocks[0].ident_span,
            value: Node {
                span,
                kind: NodeKind::Seq(items),
            },
        }]
    }
}

/// A literal expression's node (its spans where it is written).
fn literal(e: &Expr) -> Node {
    hcl::to_node(e, "", &mut |other, _| super::rewrite::scalar(other.span, Scalar::Null))
}

fn respan(node: &mut Node, span: Span) {
    node.span = span;
    match &mut node.kind {
        NodeKind::Scalar { .. } => {}
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| respan(n, span)),
        NodeKind::Map(entries) => {
            for e in entries {
                e.key_span = span;
                respan(&mut e.value, span);
            }
        }
    }
}
