//! Schema errors -> findings that point at the offending key or value and say how to fix it.

use super::numbers;
use crate::finding::ids;
use crate::finding::{Finding, Severity};
use crate::parse::{Document, Node, NodeKind, Scalar, ScalarStyle, Span, type_name};
use crate::rules::yaml;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

/// The rule ids one schema family reports under.
pub struct Ids {
    pub unknown_field: &'static str,
    pub wrong_type: &'static str,
    pub missing_required: &'static str,
    pub invalid_value: &'static str,
}

/// Everything needed to turn one validation error into a finding.
pub struct Context<'a> {
    pub ids: &'a Ids,
    pub file: &'a str,
    pub doc: &'a Document,
    /// The node that was validated, and its pointer inside the document.
    pub node: &'a Node,
    pub prefix: &'a str,
    /// The document holding `$defs`, and the schema the node was validated against.
    pub schema_root: &'a Value,
    pub schema: &'a Value,
    pub object: Option<String>,
    /// How to look a field up, e.g. `kubectl explain deployment.spec`; given a dotted path.
    pub explain: &'a dyn Fn(&str) -> String,
}

pub fn finding(cx: &Context<'_>, error: &jsonschema::ValidationError<'_>) -> Vec<Finding> {
    let pointer = error.instance_path().as_str().to_owned();
    let Some((node, key_span)) = cx.node.pointer(&pointer) else {
        return vec![make(cx, cx.ids.invalid_value, cx.node.span, &pointer, describe(error))];
    };
    let segments = split(&pointer);
    let field = segments.iter().rev().find(|s| s.parse::<usize>().is_err()).cloned();
    let field = field.unwrap_or_else(|| "value".to_owned());
    let here = schema_at(cx.schema_root, cx.schema, &segments);
    let type_label = here.as_ref().and_then(|(_, name)| name.map(short_name));
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => unexpected
            .iter()
            .map(|key| {
                let child = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                let span = node.entry(key).map_or(node.span, |e| e.key_span);
                let within = type_label.map_or_else(String::new, |t| format!(" in {t}"));
                let known: Vec<&str> = here
                    .as_ref()
                    .and_then(|(s, _)| s.get("properties"))
                    .and_then(Value::as_object)
                    .map(|m| m.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                let help = match closest(key, &known) {
                    Some(best) => format!("did you mean \"{best}\"?"),
                    None => format!("remove it; valid fields: {}", (cx.explain)(&dotted(&segments))),
                };
                make(
                    cx,
                    cx.ids.unknown_field,
                    span,
                    &child,
                    format!("unknown field \"{key}\"{within}"),
                )
                .with_label("unknown field")
                .with_help(help)
            })
            .collect(),
        ValidationErrorKind::Required { property } => {
            let property = property.as_str().unwrap_or_default();
            let within = type_label.map_or_else(String::new, |t| format!(" in {t}"));
            // Underline where the object starts (its key if it has one), not the whole object.
            let span = key_span.unwrap_or_else(|| first_line(cx.doc, node.span));
            vec![
                make(
                    cx,
                    cx.ids.missing_required,
                    span,
                    &pointer,
                    format!("missing required field \"{property}\"{within}"),
                )
                .with_label(format!("\"{property}\" is required here"))
                .with_help(format!(
                    "add \"{property}\" ({})",
                    (cx.explain)(&dotted_with(&segments, property))
                )),
            ]
        }
        ValidationErrorKind::Type { kind } => {
            let expected = type_words(kind);
            type_finding(cx, node, &pointer, &field, &expected)
        }
        // Kubernetes schemas give every branch of an int-or-string `null` as well, so a null
        // value matches them all: the API server reads it as unset, and so does k2e.
        ValidationErrorKind::OneOfMultipleValid { .. } if node.to_json().is_null() => Vec::new(),
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            let forms = here
                .as_ref()
                .map(|(s, _)| alternatives(s))
                .filter(|e| !e.is_empty())
                .unwrap_or_else(|| "the allowed forms".to_owned());
            let message = format!(
                "\"{field}\": {} fits more than one of {forms}, so its meaning is ambiguous",
                shown(node)
            );
            vec![make(cx, cx.ids.invalid_value, node.span, &pointer, message).with_label("ambiguous value")]
        }
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            let expected = here
                .as_ref()
                .map(|(s, _)| alternatives(s))
                .filter(|e| !e.is_empty())
                .unwrap_or_else(|| "one of the allowed forms".to_owned());
            type_finding(cx, node, &pointer, &field, &expected)
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(|v| v.to_string()).collect())
                .unwrap_or_default();
            vec![
                make(
                    cx,
                    cx.ids.invalid_value,
                    node.span,
                    &pointer,
                    format!("invalid value {} for \"{field}\"", shown(node)),
                )
                .with_label("not an allowed value")
                .with_help(format!("use one of: {}", allowed.join(", "))),
            ]
        }
        ValidationErrorKind::Minimum { .. } | ValidationErrorKind::Maximum { .. }
            if integer_format(here.as_ref()).is_some() =>
        {
            let raw = cx.doc.raw(node.span).unwrap_or_default();
            let format = integer_format(here.as_ref()).unwrap_or_default();
            let message = numbers::out_of_range_message(&field, raw, format).unwrap_or_else(|| describe(error));
            vec![make(cx, cx.ids.invalid_value, node.span, &pointer, message).with_label(format!("not an {format}"))]
        }
        _ => {
            let message = format!("\"{field}\": {}", describe(error));
            vec![make(cx, cx.ids.invalid_value, node.span, &pointer, message).with_label("invalid value")]
        }
    }
}

/// The int32/int64 format of the schema at an error, when its bound is that format's range
/// (numbers::add_integer_ranges) rather than one the schema states.
fn integer_format<'a>(here: Option<&(&'a Value, Option<&str>)>) -> Option<&'a str> {
    let (schema, _) = here?;
    let format = schema.get("format")?.as_str()?;
    let stated = schema.get("minimum").is_some() || schema.get("maximum").is_some();
    (numbers::integer_range(format).is_some() && !stated).then_some(format)
}

/// A number JSON cannot carry, reported as written (numbers::non_finite).
pub fn non_finite(cx: &Context<'_>, pointer: &str, node: &Node) -> Finding {
    let raw = cx.doc.raw(node.span).unwrap_or_default();
    let value = match &node.kind {
        NodeKind::Scalar {
            value: Scalar::NonFinite(f),
            ..
        } => *f,
        _ => f64::NAN,
    };
    let (message, label, help) = numbers::non_finite_message(raw, value);
    make(cx, cx.ids.invalid_value, node.span, pointer, message)
        .with_label(label)
        .with_help(help)
}

fn type_finding(cx: &Context<'_>, node: &Node, pointer: &str, field: &str, expected: &str) -> Vec<Finding> {
    let value = node.to_json();
    let found = match type_name(&value) {
        "null" => "null".to_owned(),
        name => format!("{name} {}", shown(node)),
    };
    if let Some(f) = yaml11_in_string_field(cx, node, pointer, field, expected) {
        return vec![f];
    }
    let mut f = make(
        cx,
        cx.ids.wrong_type,
        node.span,
        pointer,
        format!("\"{field}\" must be {}, found {found}", article(expected)),
    )
    .with_label(format!("expected {expected}"));
    if let Some(help) = type_help(cx.doc, node, expected) {
        f = f.with_help(help);
    }
    vec![f]
}

/// YML006: a plain `on`, `yes` or `0755` where a string belongs. YAML 1.1, which Kubernetes
/// reads, made it a boolean or number; the author almost always meant the string.
fn yaml11_in_string_field(
    cx: &Context<'_>,
    node: &Node,
    pointer: &str,
    field: &str,
    expected: &str,
) -> Option<Finding> {
    let NodeKind::Scalar {
        value,
        style: ScalarStyle::Plain,
    } = &node.kind
    else {
        return None;
    };
    let raw = cx.doc.raw(node.span)?;
    if !expected.contains("string") || !yaml::reads_differently(raw, value) {
        return None;
    }
    let rule = ids::YAML11_AMBIGUOUS;
    Some(
        Finding::at(
            rule,
            crate::rules::severity(rule),
            cx.file,
            cx.doc,
            node.span,
            format!(
                "`{raw}` is {} in YAML 1.1, which Kubernetes reads; \"{field}\" must be {}",
                yaml::yaml11_reading(value),
                article(expected)
            ),
        )
        .with_pointer(format!("{}{pointer}", cx.prefix))
        .with_object(cx.object.clone())
        .with_label("not a string in YAML 1.1")
        .with_help(format!("quote it: \"{raw}\"")),
    )
}

/// The fixes users need most: quotes around a number, and YAML 1.1 booleans/octals.
fn type_help(doc: &Document, node: &Node, expected: &str) -> Option<String> {
    let NodeKind::Scalar { value, style } = &node.kind else {
        return None;
    };
    let raw = doc.raw(node.span).unwrap_or_default();
    match value {
        Scalar::Str(s) if expected.contains("integer") || expected.contains("number") => s
            .trim()
            .parse::<f64>()
            .ok()
            .map(|_| format!("remove the quotes: {}", s.trim())),
        Scalar::Bool(_) if expected.contains("string") && *style == ScalarStyle::Plain => Some(format!(
            "Kubernetes reads YAML 1.1, where `{raw}` is a boolean; quote it: \"{raw}\""
        )),
        Scalar::Number(n) if expected.contains("string") && *style == ScalarStyle::Plain => {
            let note = if raw.trim_start_matches(['-', '+']).parse::<f64>().ok() == n.as_f64() {
                String::new()
            } else {
                format!(" (YAML 1.1 reads it as {n})")
            };
            Some(format!("`{raw}` is a number{note}; quote it: \"{raw}\""))
        }
        Scalar::Null if expected.contains("string") && *style == ScalarStyle::Plain && !raw.is_empty() => {
            Some(format!("`{raw}` is read as null; quote it: \"{raw}\""))
        }
        _ => None,
    }
}

fn make(cx: &Context<'_>, rule: &'static str, span: Span, pointer: &str, message: String) -> Finding {
    Finding::at(rule, Severity::Error, cx.file, cx.doc, span, message)
        .with_pointer(format!("{}{pointer}", cx.prefix))
        .with_object(cx.object.clone())
}

/// The error in plain words, for every kind the validator reports: never its own text, which
/// names JSON Schema keywords ("oneOf", "schemas listed in ...") that mean nothing to the reader
/// of a manifest.
fn describe(error: &jsonschema::ValidationError<'_>) -> String {
    use ValidationErrorKind as K;
    match error.kind() {
        K::MinLength { limit } => format!("must be at least {limit} characters"),
        K::MaxLength { limit } => format!("must be at most {limit} characters"),
        K::MinItems { limit } => format!("needs at least {limit} items"),
        K::MaxItems { limit } => format!("allows at most {limit} items"),
        K::AdditionalItems { limit } => format!("allows at most {limit} items"),
        K::Minimum { limit } => format!("must be at least {limit}"),
        K::Maximum { limit } => format!("must be at most {limit}"),
        K::ExclusiveMinimum { limit } => format!("must be greater than {limit}"),
        K::ExclusiveMaximum { limit } => format!("must be less than {limit}"),
        K::MultipleOf { multiple_of } => format!("must be a multiple of {multiple_of}"),
        K::MinProperties { limit } => format!("needs at least {limit} fields"),
        K::MaxProperties { limit } => format!("allows at most {limit} fields"),
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            format!("has fields that are not allowed here: {}", unexpected.join(", "))
        }
        K::UnevaluatedItems { .. } => "has items that are not allowed here".to_owned(),
        K::Required { property } => format!("missing required field {property}"),
        K::Type { kind } => format!("must be {}", article(&type_words(kind))),
        K::AnyOf { .. } | K::OneOfNotValid { .. } => "is not in any of the allowed forms".to_owned(),
        K::OneOfMultipleValid { .. } => {
            "fits more than one of the allowed forms, so its meaning is ambiguous".to_owned()
        }
        K::Not { .. } => "has a value that is not allowed here".to_owned(),
        K::FalseSchema => "is not allowed here".to_owned(),
        K::Constant { expected_value } => format!("must be {expected_value}"),
        K::Enum { options } => format!("must be one of {options}"),
        K::Contains => "has no item of the required form".to_owned(),
        K::UniqueItems => "has the same item twice".to_owned(),
        K::Format { format } => format!("is not a valid {format}"),
        K::Pattern { pattern } => format!("does not match the required pattern {pattern}"),
        K::PropertyNames { error } => format!("has a field name that {}", describe(error)),
        K::ContentEncoding { content_encoding } => format!("is not valid {content_encoding}"),
        K::ContentMediaType { content_media_type } => format!("is not valid {content_media_type}"),
        K::FromUtf8 { .. } => "does not decode to UTF-8 text".to_owned(),
        K::Custom { message, .. } => message.clone(),
        K::BacktrackLimitExceeded { .. } | K::RegexEngineFailure { .. } => {
            "could not be checked: the pattern is too costly to match".to_owned()
        }
        K::Referencing(_) => "could not be checked: its schema refers to a definition that does not exist".to_owned(),
    }
}

/// `string`, `integer or null`: the types a `type` error names, without null when others remain
/// (Kubernetes schemas allow null almost everywhere; naming it only distracts).
fn type_words(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => t.to_string(),
        TypeKind::Multiple(set) => {
            let types: Vec<String> = set.iter().map(|t| t.to_string()).collect();
            let useful: Vec<&str> = types.iter().map(String::as_str).filter(|t| *t != "null").collect();
            if useful.is_empty() {
                types.join(" or ")
            } else {
                useful.join(" or ")
            }
        }
    }
}

fn shown(node: &Node) -> String {
    let v = node.to_json();
    let s = v.to_string();
    if s.chars().count() > 40 {
        match v {
            Value::Object(_) => "{...}".to_owned(),
            Value::Array(_) => "[...]".to_owned(),
            _ => format!("{}...", s.chars().take(37).collect::<String>()),
        }
    } else {
        s
    }
}

fn article(expected: &str) -> String {
    let vowel = expected.starts_with(['a', 'e', 'i', 'o', 'u']);
    if expected.contains(" or ") || expected.starts_with("one of") {
        expected.to_owned()
    } else if vowel {
        format!("an {expected}")
    } else {
        format!("a {expected}")
    }
}

fn alternatives(schema: &Value) -> String {
    let mut types = Vec::new();
    for key in ["oneOf", "anyOf"] {
        for alt in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            match alt.get("type") {
                Some(Value::String(t)) => types.push(t.clone()),
                Some(Value::Array(ts)) => types.extend(ts.iter().filter_map(Value::as_str).map(str::to_owned)),
                _ => {}
            }
        }
    }
    types.retain(|t| t != "null");
    types.dedup();
    types.join(" or ")
}

fn first_line(doc: &Document, span: Span) -> Span {
    let text = doc.raw(span).unwrap_or_default();
    let len = text.find(['\n', '\r']).unwrap_or(text.len());
    Span::new(span.start, span.start + len)
}

fn split(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn dotted(segments: &[String]) -> String {
    segments
        .iter()
        .filter(|s| s.parse::<usize>().is_err())
        .cloned()
        .collect::<Vec<_>>()
        .join(".")
}

fn dotted_with(segments: &[String], last: &str) -> String {
    let base = dotted(segments);
    if base.is_empty() {
        last.to_owned()
    } else {
        format!("{base}.{last}")
    }
}

/// `io.k8s.api.core.v1.PodSpec` -> `PodSpec`.
fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = key.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(&lower, &k.to_lowercase()), *k))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, k)| k)
}

/// Follows the instance path through the schema: `$ref`, properties, additionalProperties,
/// items and the branches of allOf/oneOf/anyOf. Returns the schema there and its definition name.
pub fn schema_at<'a>(root: &'a Value, start: &'a Value, segments: &[String]) -> Option<(&'a Value, Option<&'a str>)> {
    let (mut schema, mut name) = deref(root, start, None)?;
    for seg in segments {
        let next = step(root, schema, seg)?;
        let (s, n) = deref(root, next, None)?;
        schema = s;
        name = n.or(if next.get("$ref").is_some() { n } else { None });
    }
    Some((schema, name))
}

fn step<'a>(root: &'a Value, schema: &'a Value, seg: &str) -> Option<&'a Value> {
    if let Some(p) = schema.get("properties").and_then(|p| p.get(seg)) {
        return Some(p);
    }
    if seg.parse::<usize>().is_ok() {
        if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
            return Some(items);
        }
    }
    if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object()) {
        return Some(extra);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for branch in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            if let Some((b, _)) = deref(root, branch, None) {
                if let Some(found) = step(root, b, seg) {
                    return Some(found);
                }
            }
        }
    }
    None
}

fn deref<'a>(
    root: &'a Value,
    mut schema: &'a Value,
    mut name: Option<&'a str>,
) -> Option<(&'a Value, Option<&'a str>)> {
    for _ in 0..32 {
        let Some(r) = schema.get("$ref").and_then(Value::as_str) else {
            return Some((schema, name));
        };
        let pointer = r.strip_prefix('#')?;
        schema = root.pointer(pointer)?;
        name = pointer.rsplit('/').next();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(closest("contianers", &["containers", "volumes"]), Some("containers"));
        assert_eq!(
            closest("imagePullPolcy", &["image", "imagePullPolicy"]),
            Some("imagePullPolicy")
        );
        assert_eq!(closest("zzz", &["containers"]), None);
        assert_eq!(short_name("io.k8s.api.core.v1.PodSpec"), "PodSpec");
    }

    #[test]
    fn walks_refs_items_and_maps() {
        let root = serde_json::json!({"$defs": {
            "A": {"properties": {"b": {"$ref": "#/$defs/B"}, "m": {"additionalProperties": {"$ref": "#/$defs/B"}}}},
            "B": {"properties": {"list": {"items": {"$ref": "#/$defs/C"}}}},
            "C": {"properties": {"x": {"type": "string"}}}
        }});
        let start = serde_json::json!({"$ref": "#/$defs/A"});
        let segs = |p: &str| split(p);
        let (_, name) = schema_at(&root, &start, &segs("/b/list/0")).unwrap();
        assert_eq!(name, Some("C"));
        let (_, name) = schema_at(&root, &start, &segs("/m/anykey")).unwrap();
        assert_eq!(name, Some("B"));
        assert_eq!(schema_at(&root, &start, &segs("")).unwrap().1, Some("A"));
    }
}
