//! Loading one schema file from `--schema-dir`. A file that cannot be used is a problem in that
//! file (K2E020, at the line and column where the JSON or the schema goes wrong), never in the
//! manifests that wanted it.

use crate::discover::Input;
use crate::finding::ids;
use crate::finding::{Finding, Severity};
use crate::parse::{Document, Limits, Span};
use jsonschema::Validator;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

/// A user schema's validator and its document (for field suggestions), or the finding that
/// says why the file cannot be used.
pub type UserSchema = Result<(Arc<Validator>, Value), Box<Finding>>;

pub fn load(path: &Path) -> UserSchema {
    let shown = Input::File(path.to_owned()).display();
    let problem = |doc: Option<(&Document, Span)>, what: &str, detail: &str| {
        let message = format!("schema file {shown} {what}: {detail}");
        let mut finding = match doc {
            Some((doc, span)) => Finding::at(ids::BAD_USER_SCHEMA, Severity::Error, &shown, doc, span, message),
            None => Finding::file(ids::BAD_USER_SCHEMA, Severity::Error, &shown, message),
        };
        finding.document = None;
        Box::new(finding)
    };
    // Generous: the largest CRD schemas are a few MB.
    let text = crate::input::read_text(path, 64 << 20).map_err(|e| problem(None, "cannot be read", &e.to_string()))?;
    let doc = crate::parse::json(&text, 0, &Limits::default());
    let Some(root) = &doc.root else {
        let (span, detail) = doc.errors.first().map_or((Span::new(0, 0), "no value"), |e| {
            (e.span, e.message.strip_prefix("invalid JSON: ").unwrap_or(&e.message))
        });
        return Err(problem(Some((&doc, span)), "is not valid JSON", detail));
    };
    let schema: Value = serde_json::from_str(&text).map_err(|e| {
        let at = offset_of(&text, e.line(), e.column());
        let detail = e.to_string();
        let detail = detail.split(" at line ").next().unwrap_or(&detail);
        problem(Some((&doc, Span::new(at, at + 1))), "is not valid JSON", detail)
    })?;
    let mut ranged = schema.clone();
    super::numbers::add_integer_ranges(&mut ranged);
    let validator = jsonschema::options().build(&ranged).map_err(|e| {
        let pointer = e.instance_path().as_str().to_owned();
        let span = root
            .pointer(&pointer)
            .map_or(Span::new(root.span.start, root.span.start + 1), |(node, _)| node.span);
        let detail = explain(&pointer, &e);
        problem(Some((&doc, span)), "is not a valid JSON schema", &detail)
    })?;
    Ok((Arc::new(validator), schema))
}

/// The schema error in plain words, with where in the schema it is.
fn explain(pointer: &str, e: &jsonschema::ValidationError<'_>) -> String {
    let last = pointer.rsplit('/').next().unwrap_or("");
    let message = match e.instance().as_ref() {
        Value::String(s) if last == "type" => {
            format!("\"{s}\" is not a type; use array, boolean, integer, null, number, object or string")
        }
        _ => e.to_string(),
    };
    if pointer.is_empty() {
        message
    } else {
        format!("at {pointer}: {message}")
    }
}

/// The byte offset of serde_json's 1-based line and column (columns count bytes).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> Finding {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, text).unwrap();
        let finding = *load(&path).expect_err("the schema is refused");
        assert_eq!(finding.rule, ids::BAD_USER_SCHEMA);
        assert!(finding.message.starts_with(&format!("schema file {}", path.display())));
        finding
    }

    #[test]
    fn json_syntax_error_at_its_position() {
        let f = problem("{\"type\": \"object\",\n  \"properties\": {\"spec\": {\"type\": \"object\",}}}\n");
        assert_eq!((f.start.line, f.start.column), (2, 43), "{f:?}");
        assert!(f.message.contains("is not valid JSON"), "{}", f.message);
    }

    #[test]
    fn unknown_type_at_its_value() {
        let f = problem("{\"type\": \"object\",\n  \"properties\": {\"spec\": {\"type\": \"strin\"}}}\n");
        assert_eq!((f.start.line, f.start.column), (2, 35), "{f:?}");
        assert!(
            f.message.ends_with(
                "is not a valid JSON schema: at /properties/spec/type: \"strin\" is not a type; use array, boolean, integer, null, number, object or string"
            ),
            "{}",
            f.message
        );
    }

    #[test]
    fn dangling_reference() {
        let f = problem("{\"$ref\": \"#/nope\"}");
        assert!(f.message.contains("is not a valid JSON schema"), "{}", f.message);
    }
}
