//! JSON held inside a JSON string (a Terraform plan's `container_definitions`): the string is decoded with, for each decoded byte, the file
//! offset of the character or escape it came from, the decoded text is parsed, and every span
//! of the result is mapped back, so a finding points into the string where the value is written.

use super::error::{Limits, ParseError, ParseErrorKind};
use super::tree::{Document, Node, NodeKind, Span};

/// The JSON value inside the string literal at `string` (its span, quotes included) of `doc`:
/// the tree (None when it does not parse) and the problems found, spans in `doc`'s file.
pub fn json_in_string(doc: &Document, string: Span, limits: &Limits) -> (Option<Node>, Vec<ParseError>) {
    let raw = doc.raw(string).unwrap_or_default();
    let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
        let error = ParseError::new(ParseErrorKind::Syntax, string, "expected a string holding JSON");
        return (None, vec![error]);
    };
    let (decoded, map) = decode(inner, string.start + 1);
    let parsed = super::json::parse(&decoded, 0, 1, limits);
    if parsed.root.is_none() && parsed.errors.is_empty() {
        let error = ParseError::new(ParseErrorKind::Syntax, string, "an empty string, not JSON");
        return (None, vec![error]);
    }
    let mut root = parsed.root;
    if let Some(root) = &mut root {
        relocate(root, &map);
    }
    let errors = parsed
        .errors
        .into_iter()
        .map(|mut e| {
            e.span = remap(e.span, &map);
            if let Some((span, _)) = &mut e.related {
                *span = remap(*span, &map);
            }
            e
        })
        .collect();
    (root, errors)
}

/// The string's text with escapes decoded, and for each byte of it (plus one for its end) the
/// file offset it came from. `start` is the file offset of `inner`'s first byte.
fn decode(inner: &str, start: usize) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(inner.len());
    let mut map = Vec::with_capacity(inner.len() + 1);
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ch = if c == '\\' { escape(inner, i, &mut chars) } else { c };
        let before = out.len();
        out.push(ch);
        map.extend(std::iter::repeat_n(start + i, out.len() - before));
    }
    map.push(start + inner.len());
    (out, map)
}

/// The character of the escape starting at `i` (the backslash); its other characters are taken
/// from `chars`. An invalid escape stands for itself, and the JSON parser then reports it.
fn escape(inner: &str, i: usize, chars: &mut std::iter::Peekable<std::str::CharIndices>) -> char {
    let Some((_, kind)) = chars.next() else {
        return '\\';
    };
    match kind {
        '"' => '"',
        '\\' => '\\',
        '/' => '/',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'u' => unicode(inner, i, chars),
        other => other,
    }
}

/// `\uXXXX`, joined with a following `\uXXXX` when the two are a surrogate pair.
fn unicode(inner: &str, i: usize, chars: &mut std::iter::Peekable<std::str::CharIndices>) -> char {
    let hex = |at: usize| inner.get(at..at + 4).and_then(|h| u32::from_str_radix(h, 16).ok());
    let Some(high) = hex(i + 2) else {
        return '\u{FFFD}';
    };
    skip(chars, 4);
    if (0xD800..0xDC00).contains(&high) && inner.get(i + 6..i + 8) == Some("\\u") {
        if let Some(low) = hex(i + 8).filter(|l| (0xDC00..0xE000).contains(l)) {
            skip(chars, 6);
            return char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)).unwrap_or('\u{FFFD}');
        }
    }
    char::from_u32(high).unwrap_or('\u{FFFD}')
}

fn skip(chars: &mut std::iter::Peekable<std::str::CharIndices>, n: usize) {
    for _ in 0..n {
        chars.next();
    }
}

fn remap(span: Span, map: &[usize]) -> Span {
    let at = |i: usize| map[i.min(map.len() - 1)];
    Span::new(at(span.start), at(span.end))
}

fn relocate(node: &mut Node, map: &[usize]) {
    node.span = remap(node.span, map);
    match &mut node.kind {
        NodeKind::Scalar { .. } => {}
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| relocate(n, map)),
        NodeKind::Map(entries) => {
            for e in entries {
                e.key_span = remap(e.key_span, map);
                relocate(&mut e.value, map);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        super::super::json(text, 0, &Limits::default())
    }

    #[test]
    fn spans_point_into_the_string_past_escapes() {
        let text = r#"{"c": "[{\"name\":\"web\",\"cpu\":300, \"x\": \"\u00e9\\n\"}]"}"#;
        let d = doc(text);
        let string = d.root.as_ref().unwrap().get("c").unwrap().span;
        let (root, errors) = json_in_string(&d, string, &Limits::default());
        assert!(errors.is_empty(), "{errors:?}");
        let root = root.unwrap();
        let (cpu, key) = root.pointer("/0/cpu").unwrap();
        assert_eq!(d.raw(cpu.span), Some("300"));
        assert_eq!(d.raw(key.unwrap()), Some(r#"\"cpu\""#));
        let (name, _) = root.pointer("/0/name").unwrap();
        assert_eq!(name.as_str(), Some("web"));
        assert_eq!(d.raw(name.span), Some(r#"\"web\""#));
        let (x, _) = root.pointer("/0/x").unwrap();
        assert_eq!(x.as_str(), Some("é\n"));
        assert_eq!(d.raw(x.span), Some(r#"\"\u00e9\\n\""#));
        assert_eq!(d.raw(root.span), Some(&text[7..text.len() - 2]));
    }

    #[test]
    fn surrogate_pairs_and_errors() {
        let d = doc(r#"["[\"\ud83d\ude00\", 1,]"]"#);
        let string = d.root.as_ref().unwrap().as_seq().unwrap()[0].span;
        let (root, errors) = json_in_string(&d, string, &Limits::default());
        assert!(root.is_none());
        assert_eq!(d.raw(errors[0].span), Some(","));
        let d = doc(r#"["[\"\ud83d\ude00\"]"]"#);
        let string = d.root.as_ref().unwrap().as_seq().unwrap()[0].span;
        let (root, _) = json_in_string(&d, string, &Limits::default());
        let item = &root.unwrap().as_seq().unwrap()[0].clone();
        assert_eq!(item.as_str(), Some("😀"));
        assert_eq!(d.raw(item.span), Some(r#"\"\ud83d\ude00\""#));
    }

    #[test]
    fn not_a_string_gives_an_error_not_a_panic() {
        let d = doc(r#"{"c": 5}"#);
        let span = d.root.as_ref().unwrap().get("c").unwrap().span;
        let (root, errors) = json_in_string(&d, span, &Limits::default());
        assert!(root.is_none());
        assert!(!errors.is_empty());
        let d = doc(r#"{"c": ""}"#);
        let span = d.root.as_ref().unwrap().get("c").unwrap().span;
        let (root, errors) = json_in_string(&d, span, &Limits::default());
        assert!(root.is_none());
        assert_eq!(errors[0].message, "an empty string, not JSON");
    }
}
