//! Plain scalars that Kubernetes (YAML 1.1) and YAML 1.2 tools read differently (`on`, `y`,
//! `0755`) where the workload wanted a string. Kubernetes reads them as booleans or numbers and
//! rejects them in a string field; `k2e lint` reports them (YML006, YML008). The converters read
//! them as text, so without this pass they would be written as `"true"` or `"493"` and counted
//! as mapped.

use crate::convert::cursor::escape;
use crate::convert::loss::{Coverage, Fate, Ledger};
use crate::parse::{Document, Node, NodeKind, ScalarStyle, reads_differently, yaml11_reading};
use serde_json::Value;

/// A coerced scalar: its pointer, offset, raw text and what YAML 1.1 made of it.
struct Coerced {
    path: String,
    offset: usize,
    raw: String,
    reading: String,
    text: String,
}

/// Revises the notes of the coerced scalars below `node` (at `path` in `doc`). `outputs` are the
/// written outputs by name (`task-definition`), to tell a value written as text from a boolean
/// or number field that took it as such.
pub fn check(ledger: &mut Ledger, doc: &Document, node: &Node, path: &str, outputs: &[(&str, Value)]) {
    let mut found = Vec::new();
    collect(doc, node, path, &mut found);
    if found.is_empty() {
        return;
    }
    let mut revised = Vec::new();
    {
        let coverage = Coverage::of(&ledger.notes);
        for c in found {
            let Some(note) = coverage.covering(&c.path) else {
                continue;
            };
            let lint = format!(
                "YAML 1.1 (as Kubernetes reads it) makes the plain {} {}, YAML 1.2 tools and k2e lint the string {:?}",
                c.raw, c.reading, c.raw
            );
            let rejected = note
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("the API rejects this value"));
            if note.fate == Fate::Mapped && written_as_text(note.to.as_deref(), &c.text, outputs) {
                let reason = format!(
                    "{lint}: written as the text {:?}, which Kubernetes would reject in a string field; quote the value as you mean it",
                    c.text
                );
                revised.push((c, Fate::Approximated, note.to.clone(), reason, None));
            } else if note.fate == Fate::Dropped && rejected {
                let fix = format!("quote it (\"{}\") and convert again", c.raw);
                revised.push((c, Fate::Dropped, None, lint, Some(fix)));
            }
        }
    }
    for (c, fate, to, reason, fix) in revised {
        ledger.record(c.path, c.offset, fate, to, Some(reason), fix);
    }
}

fn collect(doc: &Document, node: &Node, path: &str, out: &mut Vec<Coerced>) {
    match &node.kind {
        NodeKind::Scalar {
            value,
            style: ScalarStyle::Plain,
        } => {
            let Some(raw) = doc.raw(node.span) else { return };
            if reads_differently(raw, value) {
                out.push(Coerced {
                    path: path.to_owned(),
                    offset: node.span.start,
                    raw: raw.to_owned(),
                    reading: yaml11_reading(value),
                    text: node.scalar_text().unwrap_or_default(),
                });
            }
        }
        NodeKind::Scalar { .. } => {}
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(doc, item, &format!("{path}/{i}"), out);
            }
        }
        NodeKind::Map(entries) => {
            for e in entries {
                collect(doc, &e.value, &format!("{path}/{}", escape(&e.key)), out);
            }
        }
    }
}

/// Whether the value at `to` (`OUTPUT#/pointer`) is the text, or an object holding it as text
/// (a tag `{key, value}`).
fn written_as_text(to: Option<&str>, text: &str, outputs: &[(&str, Value)]) -> bool {
    let Some((output, pointer)) = to.and_then(|t| t.split_once('#')) else {
        return false;
    };
    let Some(value) = outputs
        .iter()
        .find(|(name, _)| *name == output)
        .and_then(|(_, v)| v.pointer(pointer))
    else {
        return false;
    };
    match value {
        Value::String(s) => s == text,
        Value::Object(m) => m.values().any(|v| v.as_str() == Some(text)),
        _ => false,
    }
}
