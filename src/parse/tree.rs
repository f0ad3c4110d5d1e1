//! The span tree: every key and value of a document with its byte range in the file.

use super::error::ParseError;
use serde_json::{Map, Number, Value};

/// A byte range in the file (not in the document), so findings need no translation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// How a scalar was written. Rules (YAML 1.1 ambiguity, quoting) need the style,
/// the raw text is `Document::raw(span)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
    /// A JSON literal (string, number, true/false/null).
    Json,
}

/// A resolved scalar value. YAML scalars are resolved as Kubernetes resolves them
/// (go-yaml v2, YAML 1.1), JSON scalars by JSON rules.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Number(Number),
    /// `.inf`, `.nan`: valid YAML, not representable in JSON.
    NonFinite(f64),
    Str(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Scalar { value: Scalar, style: ScalarStyle },
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A mapping entry. Keys are strings once resolved (as in Kubernetes' YAML-to-JSON step).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// A comment (`# ...`) in the document, without the leading `#`.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub span: Span,
    pub text: String,
}

/// A local tag written on a node (`!Ref Cpu`, `!If [...]`). The parse layer gives it no
/// meaning and leaves the node's value as if untagged; CloudFormation reads its short-form
/// intrinsic functions from these.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// The tag as written (`!Ref`).
    pub span: Span,
    /// The tagged node's span (`Node::span`).
    pub node: Span,
    /// The tag without its `!` (`Ref`).
    pub name: String,
}

/// One document of a stream, with the text it came from so spans can be turned into
/// snippets after the rest of the file has been dropped.
#[derive(Clone, Debug)]
pub struct Document {
    /// 0-based position in the stream.
    pub index: usize,
    /// The document's text; `offset` is the file offset of its first byte.
    pub text: String,
    pub offset: usize,
    /// 1-based line of the first byte of `text`.
    pub line: usize,
    pub root: Option<Node>,
    pub comments: Vec<Comment>,
    /// Anchors (`&a`), aliases (`*a`) and merge keys (`<<`): legal YAML that many tools mishandle.
    pub anchors: Vec<Span>,
    pub aliases: Vec<Span>,
    pub merge_keys: Vec<Span>,
    /// Local tags (`!Ref`), in the order they are written.
    pub tags: Vec<Tag>,
    /// Problems found while parsing. A fatal one leaves `root` empty; duplicate keys do not.
    pub errors: Vec<ParseError>,
    /// Where each line of `text` starts, built on first use: a document with thousands of
    /// findings would otherwise count its newlines once per finding.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl Document {
    pub fn new(index: usize, text: String, offset: usize, line: usize) -> Self {
        Document {
            index,
            text,
            offset,
            line,
            root: None,
            comments: Vec::new(),
            anchors: Vec::new(),
            aliases: Vec::new(),
            merge_keys: Vec::new(),
            tags: Vec::new(),
            errors: Vec::new(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// The offset in `text` of the first byte of each line (the first is 0).
    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The source text of a span, if it lies in this document.
    pub fn raw(&self, span: Span) -> Option<&str> {
        let start = span.start.checked_sub(self.offset)?;
        let end = span.end.checked_sub(self.offset)?;
        self.text.get(start..end)
    }

    pub fn span(&self) -> Span {
        Span::new(self.offset, self.offset + self.text.len())
    }

    /// The local tag written on the node at `node` (`tags` is in source order, and nothing but
    /// an anchor lies between a tag and its node, so the nearest tag before the node is the only
    /// candidate).
    pub fn tag(&self, node: Span) -> Option<&Tag> {
        let before = self.tags.partition_point(|t| t.span.start < node.start);
        let tag = self.tags.get(before.checked_sub(1)?)?;
        (tag.node == node).then_some(tag)
    }
}

impl Node {
    /// A boolean `true` (not the string "true").
    pub fn is_true(&self) -> bool {
        matches!(
            self.kind,
            NodeKind::Scalar {
                value: Scalar::Bool(true),
                ..
            }
        )
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar {
                value: Scalar::Str(s), ..
            } => Some(s),
            _ => None,
        }
    }

    /// A scalar as text whether the file wrote `"8080"`, `8080` or `true`.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => match value {
                Scalar::Str(s) => Some(s.clone()),
                Scalar::Number(n) => Some(n.to_string()),
                Scalar::Bool(b) => Some(b.to_string()),
                Scalar::Null | Scalar::NonFinite(_) => None,
            },
            _ => None,
        }
    }

    /// The scalar texts of the items of the sequence at `key` (a selector's `values`, say);
    /// empty when there is none, and items that are not scalars are left out.
    pub fn scalar_texts(&self, key: &str) -> Vec<String> {
        self.get(key)
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::scalar_text)
            .collect()
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// Follows a JSON pointer (RFC 6901). Returns the node and, when the last step
    /// was a mapping key, the span of that key.
    pub fn pointer(&self, pointer: &str) -> Option<(&Node, Option<Span>)> {
        let mut node = self;
        let mut key_span = None;
        if pointer.is_empty() {
            return Some((node, None));
        }
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = raw.replace("~1", "/").replace("~0", "~");
            match &node.kind {
                NodeKind::Map(entries) => {
                    let entry = entries.iter().find(|e| e.key == token)?;
                    key_span = Some(entry.key_span);
                    node = &entry.value;
                }
                NodeKind::Seq(items) => {
                    node = items.get(token.parse::<usize>().ok()?)?;
                    key_span = None;
                }
                NodeKind::Scalar { .. } => return None,
            }
        }
        Some((node, key_span))
    }

    /// The JSON value Kubernetes and the ECS API would see.
    pub fn to_json(&self) -> Value {
        match &self.kind {
            NodeKind::Scalar { value, .. } => match value {
                Scalar::Null => Value::Null,
                Scalar::Bool(b) => Value::Bool(*b),
                Scalar::Number(n) => Value::Number(n.clone()),
                // go's encoding/json refuses these too; a string keeps the error visible.
                Scalar::NonFinite(f) => Value::String(f.to_string()),
                Scalar::Str(s) => Value::String(s.clone()),
            },
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for e in entries {
                    map.insert(e.key.clone(), e.value.to_json());
                }
                Value::Object(map)
            }
        }
    }

    /// Number of nodes in this subtree (for the alias expansion budget).
    pub fn size(&self) -> usize {
        match &self.kind {
            NodeKind::Scalar { .. } => 1,
            NodeKind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            NodeKind::Map(entries) => 1 + entries.iter().map(|e| 1 + e.value.size()).sum::<usize>(),
        }
    }
}

/// One JSON pointer token (RFC 6901: `~` -> `~0`, `/` -> `~1`), the inverse of what
/// [`Node::pointer`] decodes.
pub fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Describes a JSON value's type the way users think of it, for messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
