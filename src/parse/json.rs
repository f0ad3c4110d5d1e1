//! JSON text -> span tree. Strict JSON (no comments, no trailing commas): the AWS CLI's
//! `--cli-input-json` and kubectl accept nothing else.

use super::error::{Limits, ParseError, ParseErrorKind};
use super::tree::{Document, Entry, Node, NodeKind, Scalar, ScalarStyle, Span};
use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};
use std::collections::HashMap;

pub fn parse(text: &str, offset: usize, line: usize, limits: &Limits) -> Document {
    let mut doc = Document::new(0, text.to_owned(), offset, line);
    if let Some(at) = too_deep_at(text, limits.max_depth) {
        doc.errors.push(ParseError::new(
            ParseErrorKind::TooDeep,
            Span::new(offset + at, offset + at + 1),
            format!("nesting deeper than {} levels; k2e stopped here", limits.max_depth),
        ));
        return doc;
    }
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let strict = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    match jsonc_parser::parse_to_ast(text, &collect, &strict) {
        Ok(result) => {
            let mut errors = Vec::new();
            doc.root = result.value.map(|v| convert(&v, offset, &mut errors));
            doc.errors = errors;
        }
        Err(e) => {
            let range = e.range();
            doc.errors.push(ParseError::new(
                ParseErrorKind::Syntax,
                Span::new(offset + range.start, offset + range.end.max(range.start)),
                format!("invalid JSON: {}", e.kind()),
            ));
        }
    }
    doc
}

/// Parses without building a tree (for the parse-only benchmark).
pub fn scan(text: &str) -> Result<usize, String> {
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    jsonc_parser::parse_to_ast(text, &collect, &ParseOptions::default())
        .map(|r| usize::from(r.value.is_some()))
        .map_err(|e| e.to_string())
}

/// The recursive-descent parser would overflow the stack on `[[[[...`: check first.
fn too_deep_at(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn convert(value: &Value, offset: usize, errors: &mut Vec<ParseError>) -> Node {
    let span = |r: jsonc_parser::common::Range| Span::new(offset + r.start, offset + r.end);
    let scalar = |value: Scalar, r| Node {
        span: span(r),
        kind: NodeKind::Scalar {
            value,
            style: ScalarStyle::Json,
        },
    };
    match value {
        Value::StringLit(s) => scalar(Scalar::Str(s.value.to_string()), s.range),
        Value::NumberLit(n) => {
            let parsed = serde_json::from_str::<serde_json::Number>(n.value)
                .map(Scalar::Number)
                .unwrap_or_else(|_| Scalar::NonFinite(n.value.parse().unwrap_or(f64::NAN)));
            scalar(parsed, n.range)
        }
        Value::BooleanLit(b) => scalar(Scalar::Bool(b.value), b.range),
        Value::NullKeyword(n) => scalar(Scalar::Null, n.range),
        Value::Array(a) => Node {
            span: span(a.range),
            kind: NodeKind::Seq(a.elements.iter().map(|v| convert(v, offset, errors)).collect()),
        },
        Value::Object(o) => {
            let mut entries: Vec<Entry> = Vec::with_capacity(o.properties.len());
            let mut seen: HashMap<String, usize> = HashMap::new();
            for prop in &o.properties {
                let (key, key_range) = match &prop.name {
                    ObjectPropName::String(s) => (s.value.to_string(), s.range),
                    ObjectPropName::Word(w) => (w.value.to_owned(), w.range),
                };
                let key_span = span(key_range);
                let value = convert(&prop.value, offset, errors);
                if let Some(&first) = seen.get(&key) {
                    let mut err = ParseError::new(
                        ParseErrorKind::DuplicateKey,
                        key_span,
                        format!("duplicate key \"{key}\" (only the last one would be used)"),
                    );
                    err.related = Some((entries[first].key_span, "first defined here".into()));
                    errors.push(err);
                    entries[first].value = value;
                    entries[first].key_span = key_span;
                    continue;
                }
                seen.insert(key.clone(), entries.len());
                entries.push(Entry { key, key_span, value });
            }
            Node {
                span: span(o.range),
                kind: NodeKind::Map(entries),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        parse(text, 0, 1, &Limits::default())
    }

    #[test]
    fn spans_and_values() {
        let d = doc(r#"{"family": "web", "cpu": "256", "n": 1.5}"#);
        let root = d.root.as_ref().unwrap();
        let (node, key) = root.pointer("/cpu").unwrap();
        assert_eq!(d.raw(node.span), Some("\"256\""));
        assert_eq!(d.raw(key.unwrap()), Some("\"cpu\""));
        assert_eq!(root.to_json()["n"], serde_json::json!(1.5));
    }

    #[test]
    fn rejects_what_the_aws_cli_rejects() {
        for bad in [
            "{\"a\": 1,}",
            "{// c\n\"a\": 1}",
            "{\"a\": $FAMILY}",
            "{'a': 1}",
            "{\"a\": 1",
        ] {
            let d = doc(bad);
            assert!(d.root.is_none(), "{bad}");
            assert_eq!(d.errors[0].kind, ParseErrorKind::Syntax, "{bad}");
        }
    }

    #[test]
    fn duplicate_keys() {
        let d = doc(r#"{"a": 1, "a": 2}"#);
        assert_eq!(d.errors[0].kind, ParseErrorKind::DuplicateKey);
        assert_eq!(d.errors[0].span, Span::new(9, 12));
    }

    #[test]
    fn deep_nesting() {
        let d = doc(&("[".repeat(10_000) + &"]".repeat(10_000)));
        assert_eq!(d.errors[0].kind, ParseErrorKind::TooDeep);
    }
}
