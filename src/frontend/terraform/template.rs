//! JSON written as a Terraform template (a heredoc, a `templatefile`): each `${...}` is a value
//! k2e cannot know. One inside a JSON string makes that string unknown; one where a JSON value
//! goes (`"cpu": ${cpu}`) is replaced, for parsing only, by `null` padded to the same length, so
//! every other span stays where it is written. A `%{...}` directive can repeat or drop text: the
//! whole value is then unknown.

use crate::parse::{Limits, Node, NodeKind, ParseError, Scalar, Span};

/// The result of reading a JSON template.
pub struct Parsed {
    pub root: Option<Node>,
    pub errors: Vec<ParseError>,
    /// Spans (offset included) of the values that are unknown.
    pub unknown: Vec<Span>,
}

/// Parses `text` (at file offset `offset`) as JSON with template placeholders; None when it
/// holds a directive.
pub fn parse(text: &str, offset: usize, limits: &Limits) -> Option<Parsed> {
    let holes = holes(text)?;
    let mut plain = text.as_bytes().to_vec();
    for hole in holes.iter().filter(|h| !h.in_string) {
        let (start, end) = (hole.start, hole.end);
        plain[start..end].fill(b' ');
        if end - start >= 4 {
            plain[start..start + 4].copy_from_slice(b"null");
        }
    }
    // Only ASCII replaced whole placeholders: still UTF-8.
    let plain = String::from_utf8(plain).ok()?;
    let doc = crate::parse::json(&plain, offset, limits);
    let mut unknown = Vec::new();
    if let Some(root) = &doc.root {
        let spans: Vec<(Span, bool)> = holes
            .iter()
            .map(|h| (Span::new(offset + h.start, offset + h.end), h.in_string))
            .collect();
        collect(root, &spans, &mut unknown);
    }
    let mut root = doc.root;
    if let Some(root) = &mut root {
        widen(root, &holes, offset);
    }
    Some(Parsed {
        root,
        errors: doc.errors,
        unknown,
    })
}

struct Hole {
    start: usize,
    end: usize,
    in_string: bool,
}

/// The `${...}` of a text, and whether each sits inside a JSON string; None for a directive.
fn holes(text: &str) -> Option<Vec<Hole>> {
    let b = text.as_bytes();
    let mut holes = Vec::new();
    let (mut i, mut in_string) = (0, false);
    while i < b.len() {
        match b[i] {
            b'$' | b'%' if b.get(i + 1) == Some(&b[i]) && b.get(i + 2) == Some(&b'{') => i += 3,
            b'%' if b.get(i + 1) == Some(&b'{') => return None,
            b'$' if b.get(i + 1) == Some(&b'{') => {
                let end = closing(b, i + 2);
                holes.push(Hole {
                    start: i,
                    end,
                    in_string,
                });
                i = end;
            }
            b'\\' if in_string => i += 2,
            b'"' => {
                in_string = !in_string;
                i += 1;
            }
            _ => i += 1,
        }
    }
    Some(holes)
}

/// The offset just past the `}` closing an interpolation whose body starts at `from`.
fn closing(b: &[u8], from: usize) -> usize {
    let (mut depth, mut i, mut quoted) = (1usize, from, false);
    while i < b.len() {
        match b[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b'{' if !quoted => depth += 1,
            b'}' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// The nodes standing for a placeholder: a string holding one, or the `null` put in for one.
fn collect(node: &Node, holes: &[(Span, bool)], out: &mut Vec<Span>) {
    match &node.kind {
        NodeKind::Scalar {
            value: Scalar::Str(_), ..
        } => {
            let inside = |h: &(Span, bool)| h.1 && h.0.start >= node.span.start && h.0.end <= node.span.end;
            if holes.iter().any(inside) {
                out.push(node.span);
            }
        }
        NodeKind::Scalar {
            value: Scalar::Null, ..
        } => {
            if let Some((span, _)) = holes.iter().find(|h| !h.1 && h.0.start == node.span.start) {
                out.push(*span);
            }
        }
        NodeKind::Scalar { .. } => {}
        NodeKind::Seq(items) => items.iter().for_each(|n| collect(n, holes, out)),
        NodeKind::Map(entries) => entries.iter().for_each(|e| collect(&e.value, holes, out)),
    }
}

/// A `null` put in for a placeholder spans the whole placeholder.
fn widen(node: &mut Node, holes: &[Hole], offset: usize) {
    match &mut node.kind {
        NodeKind::Scalar {
            value: Scalar::Null, ..
        } => {
            if let Some(h) = holes
                .iter()
                .find(|h| !h.in_string && offset + h.start == node.span.start)
            {
                node.span = Span::new(offset + h.start, offset + h.end);
            }
        }
        NodeKind::Scalar { .. } => {}
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| widen(n, holes, offset)),
        NodeKind::Map(entries) => entries.iter_mut().for_each(|e| widen(&mut e.value, holes, offset)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_in_strings_and_in_value_places() {
        let text = r#"[{"image": "${image}:1", "cpu": ${cpu}, "memory": 512, "x": "$${lit}"}]"#;
        let parsed = parse(text, 10, &Limits::default()).unwrap();
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let raw = |s: Span| &text[s.start - 10..s.end - 10];
        let unknown: Vec<&str> = parsed.unknown.iter().map(|s| raw(*s)).collect();
        assert_eq!(unknown, [r#""${image}:1""#, "${cpu}"]);
        let root = parsed.root.unwrap();
        let (cpu, _) = root.pointer("/0/cpu").unwrap();
        assert_eq!(raw(cpu.span), "${cpu}");
        let (memory, _) = root.pointer("/0/memory").unwrap();
        assert_eq!(raw(memory.span), "512");
    }

    #[test]
    fn directives_make_the_whole_value_unknown_and_bad_json_is_an_error() {
        assert!(parse("[%{ for c in cs }{}%{ endfor }]", 0, &Limits::default()).is_none());
        let parsed = parse("[{\"cpu\": }]", 0, &Limits::default()).unwrap();
        assert!(parsed.root.is_none());
        assert!(!parsed.errors.is_empty());
    }
}
