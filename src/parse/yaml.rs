//! YAML text -> span tree, through granit-parser's event stream.

use super::error::{Limits, ParseError, ParseErrorKind, template_hint};
use super::indent;
use super::resolve;
use super::tree::{Comment, Document, Entry, Node, NodeKind, Scalar, ScalarStyle, Span, Tag};
use granit_parser::{ErrorKind, Event, Parser, ScalarStyle as YamlStyle, ScanError, options};
use std::collections::HashMap;

/// Parses one chunk of a stream (normally one document, see `split`). `offset` and `line`
/// place the chunk in its file. Returns every document found, each with its errors.
pub fn parse(text: &str, offset: usize, line: usize, limits: &Limits) -> Vec<Document> {
    let glued = glued_markers(text, offset);
    if !glued.is_empty() {
        let mut builder = Builder::new(text, offset, line, limits, &[]);
        builder.doc().errors.extend(glued);
        return builder.finish();
    }
    let opts = options! {
        emit_anchor_events: true,
        block_nesting_limit: limits.max_depth,
        flow_nesting_limit: limits.max_depth,
    };
    let mut padded: Option<String> = None;
    let mut inserts: Vec<(usize, usize)> = Vec::new();
    let mut line_fixes = 0;
    loop {
        let src = padded.as_deref().unwrap_or(text);
        let mut builder = Builder::new(text, offset, line, limits, &inserts);
        let mut retry = None;
        for item in Parser::new_from_str_with_options(src, opts.clone()) {
            match item {
                Ok((event, raw)) => {
                    let range = raw.byte_range().unwrap_or(0..0);
                    let span = Span::new(offset + builder.map(range.start), offset + builder.map(range.end));
                    let tag = raw.tag_span().and_then(|t| t.byte_range());
                    let tag = tag.map(|t| Span::new(offset + builder.map(t.start), offset + builder.map(t.end)));
                    if let Err(e) = builder.event(event, span, tag) {
                        builder.fail(e);
                        break;
                    }
                }
                Err(e) => {
                    if matches!(e.kind(), ErrorKind::InvalidQuotedScalarIndent) && line_fixes < MAX_LINE_FIXES {
                        retry = Some(e.marker().byte_offset().unwrap_or(0));
                        break;
                    }
                    let err = builder.scan_error(&e, src);
                    builder.fail(err);
                    break;
                }
            }
        }
        let Some(at) = retry else {
            return builder.finish();
        };
        if padded.is_none() {
            let (fixed, all) = indent::pad_quoted_continuations(text);
            padded = Some(fixed);
            inserts = all;
            continue;
        }
        // The lexical pass missed a line (an unusual layout): fix that one line and retry.
        line_fixes += 1;
        let (fixed, insert) = indent_continuation(src, at);
        let orig = builder.map(insert.0);
        inserts.push((orig, insert.1));
        inserts.sort_unstable();
        padded = Some(fixed);
    }
}

/// Lines where `---` is glued to the text after it (`---apiVersion: v1`, often left by a Helm
/// `{{- ... -}}` that trimmed the newline). YAML reads the line as a key `---apiVersion`, so the
/// two documents merge into one with every key twice; kubectl splits documents line by line and
/// refuses the whole file ("invalid Yaml document separator: apiVersion: v1"). As kubectl
/// does, only spaces or a comment may follow the separator; `----` is left to YAML.
fn glued_markers(text: &str, offset: usize) -> Vec<ParseError> {
    let mut errors = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let glued = body
            .strip_prefix("---")
            .filter(|rest| rest.starts_with(|c: char| !matches!(c, ' ' | '\t' | '-' | '#')));
        if let Some(rest) = glued {
            let shown: String = body.chars().take(60).collect();
            errors.push(ParseError::new(
                ParseErrorKind::Syntax,
                Span::new(offset + start, offset + start + body.len()),
                format!(
                    "`{shown}` glues the document separator `---` to the text after it: YAML reads one key \
                     \"---{first}\" and kubectl refuses the file (\"invalid Yaml document separator: {rest}\"); \
                     put a newline after `---`",
                    first = rest.split(':').next().unwrap_or(rest),
                    rest = rest.trim(),
                ),
            ));
        }
        start += line.len();
    }
    errors
}

/// Each retry re-parses the document, so the fallback is bounded; see `indent`.
const MAX_LINE_FIXES: usize = 32;

fn indent_continuation(src: &str, at: usize) -> (String, (usize, usize)) {
    let at = at.min(src.len());
    let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let current = indent(&src[line_start..]);
    let prev_start = src[..line_start.saturating_sub(1)].rfind('\n').map_or(0, |i| i + 1);
    let previous = indent(&src[prev_start..line_start]);
    let count = (previous + 1).saturating_sub(current).max(1);
    let mut fixed = String::with_capacity(src.len() + count);
    fixed.push_str(&src[..line_start]);
    fixed.extend(std::iter::repeat_n(' ', count));
    fixed.push_str(&src[line_start..]);
    (fixed, (line_start, count))
}

/// Parser events only, no tree (for the parse-only benchmark).
pub fn scan(text: &str) -> Result<usize, String> {
    let mut n = 0;
    for item in Parser::new_from_str(text) {
        item.map_err(|e| e.to_string())?;
        n += 1;
    }
    Ok(n)
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        tag: Option<(Span, String)>,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        tag: Option<(Span, String)>,
        entries: Vec<Entry>,
        key: Option<Key>,
        merges: Vec<Node>,
        index: Option<HashMap<String, usize>>,
    },
}

enum Key {
    Plain(String, Span),
    Merge(Span),
}

struct Builder<'a> {
    text: &'a str,
    /// Spaces k2e added before parsing (original position, count), see `indent_continuation`.
    inserts: &'a [(usize, usize)],
    offset: usize,
    line: usize,
    limits: &'a Limits,
    docs: Vec<Document>,
    current: Option<Document>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    expanded: usize,
    last_node: Option<Span>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, offset: usize, line: usize, limits: &'a Limits, inserts: &'a [(usize, usize)]) -> Self {
        Builder {
            text,
            inserts,
            offset,
            line,
            limits,
            docs: Vec::new(),
            current: None,
            stack: Vec::new(),
            anchors: HashMap::new(),
            expanded: 0,
            last_node: None,
        }
    }

    /// A position in the parsed (possibly padded) text -> the same place in the original text.
    fn map(&self, local: usize) -> usize {
        let mut shift = 0;
        for &(orig, count) in self.inserts {
            let padded = orig + shift;
            if local < padded {
                break;
            }
            if local < padded + count {
                return orig;
            }
            shift += count;
        }
        local - shift
    }

    fn doc(&mut self) -> &mut Document {
        let (text, offset, line) = (self.text, self.offset, self.line);
        self.current
            .get_or_insert_with(|| Document::new(0, text.to_owned(), offset, line))
    }

    /// `tag_span`: where the node's tag is written, if it has one.
    fn event(&mut self, event: Event<'_>, span: Span, tag_span: Option<Span>) -> Result<(), ParseError> {
        match event {
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(..) => {
                self.doc();
            }
            Event::DocumentEnd => {
                if let Some(doc) = self.current.take() {
                    self.docs.push(doc);
                }
                self.anchors.clear();
                self.expanded = 0;
            }
            Event::Comment(text, _) => {
                let comment = Comment {
                    span,
                    text: text.into_owned(),
                };
                self.doc().comments.push(comment);
            }
            Event::Anchor(..) => self.doc().anchors.push(span),
            Event::Alias(id) => {
                self.doc().aliases.push(span);
                let Some((node, size)) = self.anchors.get(&id) else {
                    return Err(ParseError::new(
                        ParseErrorKind::Syntax,
                        span,
                        "alias refers to a node that contains it (recursive alias)",
                    ));
                };
                self.expanded += size;
                if self.expanded > self.limits.max_alias_nodes {
                    return Err(ParseError::new(
                        ParseErrorKind::AliasLimit,
                        span,
                        format!(
                            "aliases expand to more than {} nodes (a \"billion laughs\" document?); \
                             k2e stopped expanding them",
                            self.limits.max_alias_nodes
                        ),
                    ));
                }
                let node = node.clone();
                self.push(node)?;
            }
            Event::UnresolvedAlias(_) => {
                return Err(ParseError::new(ParseErrorKind::Syntax, span, "unknown anchor"));
            }
            Event::Scalar(value, style, anchor, tag) => {
                if let Some(tag) = local_tag(tag.as_deref(), tag_span) {
                    self.record_tag(tag, span);
                }
                let (scalar, style) = scalar(&value, style, tag.as_deref());
                let node = Node {
                    span,
                    kind: NodeKind::Scalar { value: scalar, style },
                };
                self.remember(anchor, &node);
                self.push(node)?;
            }
            Event::SequenceStart(_, anchor, tag) => {
                self.enter(span)?;
                self.stack.push(Frame::Seq {
                    start: span.start,
                    anchor,
                    tag: local_tag(tag.as_deref(), tag_span),
                    items: Vec::new(),
                });
            }
            Event::MappingStart(_, anchor, tag) => {
                self.enter(span)?;
                self.stack.push(Frame::Map {
                    start: span.start,
                    anchor,
                    tag: local_tag(tag.as_deref(), tag_span),
                    entries: Vec::new(),
                    key: None,
                    merges: Vec::new(),
                    index: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                // Block collections end with an empty event at the next token; flow ones at `]`/`}`.
                let end = if span.start == span.end {
                    self.last_node.map_or(span.end, |s| s.end)
                } else {
                    span.end
                };
                let node = match self.stack.pop() {
                    Some(Frame::Seq {
                        start,
                        anchor,
                        tag,
                        items,
                    }) => {
                        let node = Node {
                            span: Span::new(start, end),
                            kind: NodeKind::Seq(items),
                        };
                        if let Some(tag) = tag {
                            self.record_tag(tag, node.span);
                        }
                        self.remember(anchor, &node);
                        node
                    }
                    Some(Frame::Map {
                        start,
                        anchor,
                        tag,
                        mut entries,
                        merges,
                        ..
                    }) => {
                        merge(&mut entries, merges);
                        let node = Node {
                            span: Span::new(start, end),
                            kind: NodeKind::Map(entries),
                        };
                        if let Some(tag) = tag {
                            self.record_tag(tag, node.span);
                        }
                        self.remember(anchor, &node);
                        node
                    }
                    None => return Ok(()),
                };
                self.push(node)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn record_tag(&mut self, (span, name): (Span, String), node: Span) {
        let tag = Tag { span, node, name };
        self.doc().tags.push(tag);
    }

    fn enter(&mut self, span: Span) -> Result<(), ParseError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(too_deep(span, self.limits.max_depth));
        }
        self.doc();
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), node.size()));
        }
    }

    /// Places a finished node in its parent (or as the document root).
    fn push(&mut self, node: Node) -> Result<(), ParseError> {
        self.last_node = Some(node.span);
        let text = self.text;
        let offset = self.offset;
        let Some(frame) = self.stack.last_mut() else {
            self.doc().root = Some(node);
            return Ok(());
        };
        match frame {
            Frame::Seq { items, .. } => items.push(node),
            Frame::Map {
                entries,
                key,
                merges,
                index,
                ..
            } => match key.take() {
                None => *key = Some(make_key(&node, text, offset)?),
                Some(Key::Merge(span)) => {
                    check_merge(&node)?;
                    merges.push(node);
                    self.doc().merge_keys.push(span);
                }
                Some(Key::Plain(name, key_span)) => {
                    if let Some(first) = find(entries, index, &name) {
                        let first_span = entries[first].key_span;
                        let mut err = ParseError::new(
                            ParseErrorKind::DuplicateKey,
                            key_span,
                            format!("duplicate key \"{name}\" (kubectl rejects the document)"),
                        );
                        err.related = Some((first_span, "first defined here".to_owned()));
                        entries[first].value = node;
                        entries[first].key_span = key_span;
                        self.doc().errors.push(err);
                        return Ok(());
                    }
                    if let Some(index) = index {
                        index.insert(name.clone(), entries.len());
                    } else if entries.len() >= 16 {
                        let mut map: HashMap<String, usize> =
                            entries.iter().enumerate().map(|(i, e)| (e.key.clone(), i)).collect();
                        map.insert(name.clone(), entries.len());
                        *index = Some(map);
                    }
                    entries.push(Entry {
                        key: name,
                        key_span,
                        value: node,
                    });
                }
            },
        }
        Ok(())
    }

    fn scan_error(&self, e: &ScanError, src: &str) -> ParseError {
        let mark = e.marker();
        let local = self.map(mark.byte_offset().unwrap_or_else(|| char_to_byte(src, mark.index())));
        let at = self.offset + local.min(self.text.len());
        let span = Span::new(at, at);
        if matches!(e.kind(), ErrorKind::RecursionLimitExceeded) {
            return too_deep(span, self.limits.max_depth);
        }
        ParseError::new(ParseErrorKind::Syntax, span, e.info())
    }

    fn fail(&mut self, err: ParseError) {
        let err = match err.kind {
            ParseErrorKind::Syntax | ParseErrorKind::ComplexKey => template_hint(self.text, self.offset).unwrap_or(err),
            _ => err,
        };
        self.stack.clear();
        let doc = self.doc();
        doc.root = None;
        doc.errors.push(err);
        if let Some(doc) = self.current.take() {
            self.docs.push(doc);
        }
    }

    fn finish(mut self) -> Vec<Document> {
        if let Some(doc) = self.current.take() {
            self.docs.push(doc);
        }
        // Collections are recorded when they end, after the tags inside them.
        for doc in &mut self.docs {
            doc.tags.sort_by_key(|t| t.span.start);
        }
        self.docs
    }
}

fn too_deep(span: Span, limit: usize) -> ParseError {
    ParseError::new(
        ParseErrorKind::TooDeep,
        span,
        format!("nesting deeper than {limit} levels; k2e stopped here"),
    )
}

fn find(entries: &[Entry], index: &Option<HashMap<String, usize>>, key: &str) -> Option<usize> {
    match index {
        Some(map) => map.get(key).copied(),
        None => entries.iter().position(|e| e.key == key),
    }
}

fn make_key(node: &Node, text: &str, offset: usize) -> Result<Key, ParseError> {
    match &node.kind {
        NodeKind::Scalar { value, style } => {
            let raw = span_text(text, offset, node.span);
            if *style == ScalarStyle::Plain && raw == "<<" {
                return Ok(Key::Merge(node.span));
            }
            Ok(Key::Plain(resolve::key_string(value, raw), node.span))
        }
        _ => Err(ParseError::new(
            ParseErrorKind::ComplexKey,
            node.span,
            "a mapping or sequence is used as a key; Kubernetes and ECS need string keys",
        )),
    }
}

fn check_merge(node: &Node) -> Result<(), ParseError> {
    let ok = match &node.kind {
        NodeKind::Map(_) => true,
        NodeKind::Seq(items) => items.iter().all(|n| matches!(n.kind, NodeKind::Map(_))),
        NodeKind::Scalar { .. } => false,
    };
    if ok {
        Ok(())
    } else {
        Err(ParseError::new(
            ParseErrorKind::Syntax,
            node.span,
            "a merge key (<<) needs a mapping or a list of mappings",
        ))
    }
}

/// YAML merge keys: explicit keys win, then earlier merged mappings win over later ones.
fn merge(entries: &mut Vec<Entry>, merges: Vec<Node>) {
    for merged in merges {
        let maps = match merged.kind {
            NodeKind::Map(m) => vec![m],
            NodeKind::Seq(items) => items
                .into_iter()
                .filter_map(|n| match n.kind {
                    NodeKind::Map(m) => Some(m),
                    _ => None,
                })
                .collect(),
            NodeKind::Scalar { .. } => Vec::new(),
        };
        for map in maps {
            for entry in map {
                if !entries.iter().any(|e| e.key == entry.key) {
                    entries.push(entry);
                }
            }
        }
    }
}

fn scalar(value: &str, style: YamlStyle, tag: Option<&granit_parser::Tag>) -> (Scalar, ScalarStyle) {
    let style = match style {
        YamlStyle::Plain => ScalarStyle::Plain,
        YamlStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        YamlStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        YamlStyle::Literal => ScalarStyle::Literal,
        YamlStyle::Folded => ScalarStyle::Folded,
    };
    let resolved = match tag {
        Some(tag) => match tag.core_suffix() {
            Some(suffix) => resolve::tagged(value, suffix),
            None => Scalar::Str(value.to_owned()),
        },
        None if style == ScalarStyle::Plain => resolve::plain(value),
        None => Scalar::Str(value.to_owned()),
    };
    (resolved, style)
}

/// A local tag (`!Ref`, not `!!str` nor `!<tag:...>`) and where it is written.
fn local_tag(tag: Option<&granit_parser::Tag>, span: Option<Span>) -> Option<(Span, String)> {
    let tag = tag?;
    if tag.handle() != "!" || tag.suffix().is_empty() {
        return None;
    }
    Some((span?, tag.suffix().to_owned()))
}

fn span_text(text: &str, offset: usize, span: Span) -> &str {
    text.get(span.start.saturating_sub(offset)..span.end.saturating_sub(offset))
        .unwrap_or("")
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Document {
        let mut docs = parse(text, 0, 1, &Limits::default());
        assert_eq!(docs.len(), 1, "{docs:?}");
        docs.remove(0)
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let doc = one("kind: Pod\nspec:\n  containers:\n  - name: app\n");
        let root = doc.root.as_ref().unwrap();
        let (node, key) = root.pointer("/spec/containers/0/name").unwrap();
        assert_eq!(doc.raw(node.span), Some("app"));
        assert_eq!(doc.raw(key.unwrap()), Some("name"));
        let (_, key) = root.pointer("/kind").unwrap();
        assert_eq!(key, Some(Span::new(0, 4)));
    }

    #[test]
    fn yaml_1_1_values() {
        let doc = one("a: on\nb: '0755'\nc: 0755\nd: !!str 10\n");
        let json = doc.root.unwrap().to_json();
        assert_eq!(json, serde_json::json!({"a": true, "b": "0755", "c": 493, "d": "10"}));
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_places() {
        let doc = one("a: 1\nb: 2\na: 3\n");
        assert_eq!(doc.errors.len(), 1);
        let err = &doc.errors[0];
        assert_eq!(err.kind, ParseErrorKind::DuplicateKey);
        assert_eq!(err.span, Span::new(10, 11));
        assert_eq!(err.related.as_ref().unwrap().0, Span::new(0, 1));
        assert!(doc.root.is_some());
    }

    #[test]
    fn merge_keys_fill_missing_keys() {
        let doc = one("base: &b {x: 1, z: 2}\nchild:\n  <<: *b\n  z: 3\n");
        let json = doc.root.unwrap().to_json();
        assert_eq!(json["child"], serde_json::json!({"z": 3, "x": 1}));
        assert_eq!(doc.aliases.len(), 1);
        assert_eq!(doc.anchors.len(), 1);
        assert_eq!(doc.merge_keys, [Span::new(31, 33)]);
    }

    #[test]
    fn billion_laughs_fails_fast() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let doc = one(&text);
        assert!(doc.root.is_none());
        assert_eq!(doc.errors[0].kind, ParseErrorKind::AliasLimit);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let doc = one(&text);
        assert_eq!(doc.errors[0].kind, ParseErrorKind::TooDeep);
        let block: String = (0..300).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        assert_eq!(one(&block).errors[0].kind, ParseErrorKind::TooDeep);
    }

    #[test]
    fn a_separator_glued_to_a_key_is_its_own_syntax_error() {
        let text = "apiVersion: v1\nkind: ConfigMap\n---apiVersion: v1\r\nkind: ConfigMap\n";
        let doc = one(text);
        assert!(doc.root.is_none());
        let [err] = doc.errors.as_slice() else {
            panic!("{:?}", doc.errors)
        };
        assert_eq!(err.kind, ParseErrorKind::Syntax);
        assert_eq!(doc.raw(err.span), Some("---apiVersion: v1"));
        assert!(
            err.message
                .contains("\"invalid Yaml document separator: apiVersion: v1\""),
            "{}",
            err.message
        );
        assert!(err.message.ends_with("put a newline after `---`"));
        for fine in [
            "---\na: 1\n",
            "--- # doc\na: 1\n",
            "a: |\n  ---x\n",
            "----\n",
            "a: ---x\n",
        ] {
            assert!(one(fine).errors.is_empty(), "{fine:?}");
        }
    }

    #[test]
    fn templates_get_a_template_message() {
        let doc = one("metadata:\n  name: {{ .Release.Name }}-svc\n");
        assert_eq!(doc.errors[0].kind, ParseErrorKind::Template);
        assert_eq!(doc.raw(doc.errors[0].span), Some("{{"));
    }

    #[test]
    fn underindented_quoted_continuation_is_accepted_like_kubectl() {
        let text = "spec:\n  a:\n    description: 'Container name: required for volumes,\n    optional for env vars'\n    type: string\n";
        let doc = one(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let root = doc.root.as_ref().unwrap();
        let (node, _) = root.pointer("/spec/a/type").unwrap();
        assert_eq!(doc.raw(node.span), Some("string"));
        let (node, _) = root.pointer("/spec/a/description").unwrap();
        assert_eq!(
            node.as_str(),
            Some("Container name: required for volumes, optional for env vars")
        );
    }

    #[test]
    fn comments_are_kept() {
        let doc = one("# top\na: 1 # right\n");
        let texts: Vec<_> = doc.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, [" top", " right"]);
        assert_eq!(doc.raw(doc.comments[1].span), Some("# right"));
    }

    /// (tag text, tagged node text, name) for each recorded tag.
    fn tags(doc: &Document) -> Vec<(&str, &str, &str)> {
        let raw = |span| doc.raw(span).unwrap();
        doc.tags
            .iter()
            .map(|t| (raw(t.span), raw(t.node), t.name.as_str()))
            .collect()
    }

    #[test]
    fn local_tags_are_recorded_with_both_spans() {
        let doc = one("a: !Ref Cpu\nb: !Sub \"x-${A}\"\nc: !GetAZs ''\nd: !!str 10\n");
        assert_eq!(
            tags(&doc),
            [
                ("!Ref", "Cpu", "Ref"),
                ("!Sub", "\"x-${A}\"", "Sub"),
                ("!GetAZs", "''", "GetAZs")
            ]
        );
        let json = doc.root.as_ref().unwrap().to_json();
        assert_eq!(json, serde_json::json!({"a": "Cpu", "b": "x-${A}", "c": "", "d": "10"}));
    }

    #[test]
    fn tags_on_collections_flow_and_block() {
        let text =
            "a: !If [C, !Ref X, {k: !Ref Y}]\nb: !Join\n  - ''\n  - - x\n    - !Ref Z\nc: !Transform\n  Name: T\n";
        let doc = one(text);
        assert_eq!(
            tags(&doc),
            [
                ("!If", "[C, !Ref X, {k: !Ref Y}]", "If"),
                ("!Ref", "X", "Ref"),
                ("!Ref", "Y", "Ref"),
                ("!Join", "- ''\n  - - x\n    - !Ref Z", "Join"),
                ("!Ref", "Z", "Ref"),
                ("!Transform", "Name: T", "Transform"),
            ]
        );
        let root = doc.root.as_ref().unwrap();
        let (join, _) = root.pointer("/b").unwrap();
        assert_eq!(doc.tag(join.span).map(|t| t.name.as_str()), Some("Join"));
        let (inner, _) = root.pointer("/a/2/k").unwrap();
        assert_eq!(doc.tag(inner.span).map(|t| t.name.as_str()), Some("Ref"));
        let (untagged, _) = root.pointer("/a/0").unwrap();
        assert_eq!(doc.tag(untagged.span), None);
        assert_eq!(root.to_json()["a"], serde_json::json!(["C", "X", {"k": "Y"}]));
    }

    #[test]
    fn tags_with_anchors_and_aliases_follow_the_node() {
        let doc = one("a: &p !Ref X\nb: *p\nc: !Ref &q Y\n");
        assert_eq!(tags(&doc), [("!Ref", "X", "Ref"), ("!Ref", "Y", "Ref")]);
        let root = doc.root.as_ref().unwrap();
        let (alias, _) = root.pointer("/b").unwrap();
        assert_eq!(doc.tag(alias.span).map(|t| t.name.as_str()), Some("Ref"));
        let (c, _) = root.pointer("/c").unwrap();
        assert_eq!(doc.tag(c.span).map(|t| t.name.as_str()), Some("Ref"));
    }

    #[test]
    fn core_and_verbatim_tags_are_not_local_tags() {
        let doc = one("a: !!str 1\nb: !<tag:example.com,2000:x> 2\nc: !!map {k: v}\n");
        assert!(doc.tags.is_empty(), "{:?}", doc.tags);
    }

    #[test]
    fn crlf_and_offsets() {
        let doc = one("a: 1\r\nb: x\r\n");
        let root = doc.root.unwrap();
        let (node, _) = root.pointer("/b").unwrap();
        assert_eq!(node.span, Span::new(9, 10));
    }
}
