//! An HCL expression that is a literal tree (`jsonencode([{ name = "web", cpu = 256 }])`) as a
//! span tree, so rules read it as they read JSON.

use super::{Expr, ExprKind};
use crate::parse::tree::{Entry, Node, NodeKind, Scalar, ScalarStyle};

/// The node of `expr`. Whatever is not a literal (a reference, a call, a template) is replaced
/// by what `other` returns for it; `other` is told the value's JSON pointer below `pointer`.
/// Scalars get the `Json` style: HCL literals resolve as JSON ones do.
pub fn to_node(expr: &Expr, pointer: &str, other: &mut dyn FnMut(&Expr, &str) -> Node) -> Node {
    let scalar = |value| Node {
        span: expr.span,
        kind: NodeKind::Scalar {
            value,
            style: ScalarStyle::Json,
        },
    };
    match &expr.kind {
        ExprKind::Null => scalar(Scalar::Null),
        ExprKind::Bool(b) => scalar(Scalar::Bool(*b)),
        ExprKind::Number(n) => scalar(Scalar::Number(n.clone())),
        ExprKind::Str(s) => scalar(Scalar::Str(s.clone())),
        ExprKind::Tuple(items) => Node {
            span: expr.span,
            kind: NodeKind::Seq(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| to_node(item, &format!("{pointer}/{i}"), other))
                    .collect(),
            ),
        },
        ExprKind::Object(items) if items.iter().all(|i| !i.computed) => Node {
            span: expr.span,
            kind: NodeKind::Map(
                items
                    .iter()
                    .map(|i| Entry {
                        key: i.key.clone(),
                        key_span: i.key_span,
                        value: to_node(
                            &i.value,
                            &format!("{pointer}/{}", crate::parse::pointer_token(&i.key)),
                            other,
                        ),
                    })
                    .collect(),
            ),
        },
        _ => other(expr, pointer),
    }
}
