//! YAML that Kubernetes reads one way and other tools another: YAML 1.1 scalars in objects
//! without a schema (YML008), and anchors, aliases and merge keys (YML007). YAML 1.1 scalars in
//! string fields (YML006) are found by schema validation, which knows the field types.

use crate::finding::Finding;
use crate::finding::ids;
use crate::parse::{Document, Node, NodeKind, Scalar, ScalarStyle, Span};

pub use crate::parse::{reads_differently, yaml11_only_bool, yaml11_reading};

/// YML007: one finding per anchor and per merge key.
pub fn anchors(file: &str, doc: &Document, object: Option<&str>, out: &mut Vec<Finding>) {
    let rule = ids::ANCHORS;
    for &span in &doc.anchors {
        let name = doc.raw(span).unwrap_or("&").trim_start_matches('&').to_owned();
        let uses = doc
            .aliases
            .iter()
            .filter(|a| doc.raw(**a).is_some_and(|t| t.trim_start_matches('*') == name))
            .count();
        out.push(
            Finding::at(
                rule,
                super::severity(rule),
                file,
                doc,
                span,
                format!("anchor &{name}, copied to {uses} place(s) by aliases"),
            )
            .with_object(object.map(str::to_owned))
            .with_label("anchor")
            .with_help(
                "write the values out in each place (or generate them with Kustomize or Helm); tools that rewrite YAML store the expanded copies",
            ),
        );
    }
    for &span in &doc.merge_keys {
        out.push(
            Finding::at(
                rule,
                super::severity(rule),
                file,
                doc,
                span,
                "merge key `<<`: YAML 1.1 only; YAML 1.2 tools read a key named \"<<\"".to_owned(),
            )
            .with_object(object.map(str::to_owned))
            .with_label("merge key")
            .with_help("write the merged keys out in this mapping"),
        );
    }
}

/// YML008: YAML 1.1 booleans, octals and `1_000` in an object that has no schema (a custom
/// resource), where k2e cannot tell what the field expects: Kubernetes reads them as YAML 1.1
/// does, while kustomize and other YAML 1.2 tools read strings or other numbers.
pub fn unschemaed(file: &str, doc: &Document, node: &Node, pointer: &str, object: &str, out: &mut Vec<Finding>) {
    let mut stack: Vec<(&Node, String)> = vec![(node, pointer.to_owned())];
    while let Some((node, at)) = stack.pop() {
        match &node.kind {
            NodeKind::Map(entries) => {
                for e in entries.iter().rev() {
                    let key = e.key.replace('~', "~0").replace('/', "~1");
                    stack.push((&e.value, format!("{at}/{key}")));
                }
            }
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push((item, format!("{at}/{i}")));
                }
            }
            NodeKind::Scalar {
                value,
                style: ScalarStyle::Plain,
            } => {
                let raw = doc.raw(node.span).unwrap_or_default();
                if reads_differently(raw, value) {
                    out.push(finding(file, doc, node.span, raw, value, &at, object));
                }
            }
            NodeKind::Scalar { .. } => {}
        }
    }
}

fn finding(file: &str, doc: &Document, span: Span, raw: &str, value: &Scalar, at: &str, object: &str) -> Finding {
    let rule = ids::YAML11_UNSCHEMAED;
    let quoted = format!("\"{raw}\"");
    let plain_value = match value {
        Scalar::Bool(b) => b.to_string(),
        Scalar::Number(n) => n.to_string(),
        _ => raw.to_owned(),
    };
    Finding::at(
        rule,
        super::severity(rule),
        file,
        doc,
        span,
        format!(
            "`{raw}` is {} in YAML 1.1, which Kubernetes reads, but not in YAML 1.2 (kustomize, yq)",
            yaml11_reading(value)
        ),
    )
    .with_pointer(at.to_owned())
    .with_object(Some(object.to_owned()))
    .with_label("YAML 1.1 only")
    .with_help(format!(
        "write {plain_value} if that is meant, or {quoted} for the string"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Limits, yaml_text};

    #[test]
    fn what_reads_differently() {
        let doc = |t: &str| yaml_text(&format!("v: {t}\n"), &Limits::default()).remove(0);
        for (text, differs) in [
            ("yes", true),
            ("On", true),
            ("n", true),
            ("true", false),
            ("False", false),
            ("0755", true),
            ("1_000", true),
            ("0b101", true),
            ("0", false),
            ("10", false),
            ("0x1F", false),
            ("0o17", false),
            ("1.5", false),
            ("-042", true),
        ] {
            let d = doc(text);
            let node = d.root.as_ref().unwrap().get("v").unwrap();
            let NodeKind::Scalar { value, .. } = &node.kind else {
                panic!()
            };
            assert_eq!(reads_differently(text, value), differs, "{text}");
        }
    }

    #[test]
    fn unschemaed_walks_values_only() {
        let d = yaml_text(
            "apiVersion: x.io/v1\nkind: Thing\nspec:\n  enabled: yes\n  mode: 0644\n  list: [on, \"off\", 1]\n  ok: true\n",
            &Limits::default(),
        )
        .remove(0);
        let mut out = Vec::new();
        unschemaed("f", &d, d.root.as_ref().unwrap(), "", "Thing/x", &mut out);
        let at: Vec<_> = out.iter().map(|f| f.pointer.clone().unwrap()).collect();
        assert_eq!(at, ["/spec/enabled", "/spec/mode", "/spec/list/0"]);
        assert!(out[0].message.contains("the boolean true"), "{}", out[0].message);
        assert_eq!(
            out[1].help.as_deref(),
            Some("write 420 if that is meant, or \"0644\" for the string")
        );
    }

    #[test]
    fn anchors_and_merge_keys() {
        let d = yaml_text("base: &b {x: 1}\nchild:\n  <<: *b\nother: *b\n", &Limits::default()).remove(0);
        let mut out = Vec::new();
        anchors("f", &d, None, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].message, "anchor &b, copied to 2 place(s) by aliases");
        assert_eq!((out[1].start.line, out[1].start.column), (3, 3));
    }
}
