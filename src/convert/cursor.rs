//! A node of an input document together with its JSON pointer, so every field the converters
//! read can be accounted for in the loss report by its path.

use crate::parse::{Node, NodeKind, Scalar};

#[derive(Clone, Debug)]
pub struct At<'a> {
    pub node: &'a Node,
    pub path: String,
}

/// RFC 6901 escaping of one pointer token.
pub fn escape(token: &str) -> String {
    crate::parse::pointer_token(token)
}

impl<'a> At<'a> {
    pub fn new(node: &'a Node, path: impl Into<String>) -> Self {
        At {
            node,
            path: path.into(),
        }
    }

    /// The pointer of a (possibly missing) child key.
    pub fn key_path(&self, key: &str) -> String {
        format!("{}/{}", self.path, escape(key))
    }

    pub fn get(&self, key: &str) -> Option<At<'a>> {
        let node = self.node.get(key)?;
        Some(At::new(node, self.key_path(key)))
    }

    /// The entries of a mapping (none for other nodes), in document order.
    pub fn entries(&self) -> Vec<(&'a str, At<'a>)> {
        self.node
            .as_map()
            .unwrap_or_default()
            .iter()
            .map(|e| (e.key.as_str(), At::new(&e.value, self.key_path(&e.key))))
            .collect()
    }

    /// The items of a sequence (none for other nodes).
    pub fn items(&self) -> Vec<At<'a>> {
        self.node
            .as_seq()
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, n)| At::new(n, format!("{}/{i}", self.path)))
            .collect()
    }

    pub fn is_map(&self) -> bool {
        matches!(self.node.kind, NodeKind::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.node.kind, NodeKind::Seq(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(
            self.node.kind,
            NodeKind::Scalar {
                value: Scalar::Null,
                ..
            }
        )
    }

    pub fn str(&self) -> Option<&'a str> {
        self.node.as_str()
    }

    /// A scalar as text, whether it was written as a string, a number or a boolean.
    pub fn text(&self) -> Option<String> {
        self.node.scalar_text()
    }

    /// An integer, written as a number or as a string of digits.
    pub fn int(&self) -> Option<i64> {
        match &self.node.kind {
            NodeKind::Scalar {
                value: Scalar::Number(n),
                ..
            } => n.as_i64(),
            NodeKind::Scalar {
                value: Scalar::Str(s), ..
            } => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn bool(&self) -> Option<bool> {
        match &self.node.kind {
            NodeKind::Scalar {
                value: Scalar::Bool(b), ..
            } => Some(*b),
            _ => None,
        }
    }

    /// The strings of a sequence of scalars; None when it is not one.
    pub fn strings(&self) -> Option<Vec<String>> {
        self.node.as_seq()?.iter().map(Node::scalar_text).collect()
    }

    /// The byte offset of the node, for the report's line and column.
    pub fn offset(&self) -> usize {
        self.node.span.start
    }
}

/// Every leaf of a subtree (scalars, empty mappings and sequences) with its pointer: what the
/// loss report must account for.
pub fn leaves(node: &Node, path: &str, out: &mut Vec<(String, usize)>) {
    match &node.kind {
        NodeKind::Scalar { .. } => out.push((path.to_owned(), node.span.start)),
        NodeKind::Seq(items) if items.is_empty() => out.push((path.to_owned(), node.span.start)),
        NodeKind::Map(entries) if entries.is_empty() => out.push((path.to_owned(), node.span.start)),
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                leaves(item, &format!("{path}/{i}"), out);
            }
        }
        NodeKind::Map(entries) => {
            for e in entries {
                leaves(&e.value, &format!("{path}/{}", escape(&e.key)), out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Limits, yaml_text};

    #[test]
    fn paths_and_leaves() {
        let docs = yaml_text("a:\n  b/c: [1, {}]\n  d: {}\n  e: \"7\"\n", &Limits::default());
        let root = docs[0].root.as_ref().unwrap();
        let at = At::new(root, "");
        let a = at.get("a").unwrap();
        assert_eq!(a.get("b/c").unwrap().path, "/a/b~1c");
        assert_eq!(a.get("e").unwrap().int(), Some(7));
        let mut out = Vec::new();
        leaves(root, "", &mut out);
        let paths: Vec<_> = out.into_iter().map(|(p, _)| p).collect();
        assert_eq!(paths, ["/a/b~1c/0", "/a/b~1c/1", "/a/d", "/a/e"]);
    }
}
