//! Numbers the API cannot take: ones JSON cannot carry (`1e400`, `.inf`), and integers outside
//! the int32/int64 the schema's `format` says the API stores them in.

use crate::parse::{Node, NodeKind, Scalar};
use serde_json::{Value, json};

/// The range of an integer `format` of the Kubernetes schemas.
pub fn integer_range(format: &str) -> Option<(i64, i64)> {
    match format {
        "int32" => Some((i32::MIN.into(), i32::MAX.into())),
        "int64" => Some((i64::MIN, i64::MAX)),
        _ => None,
    }
}

/// Gives every integer schema with format int32 or int64 its range as `minimum`/`maximum`, so a
/// value out of range is a schema error at that value (the schemas' own bounds are kept).
pub fn add_integer_ranges(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let range = map.get("format").and_then(Value::as_str).and_then(integer_range);
            let integer = match map.get("type") {
                Some(Value::String(t)) => t == "integer",
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
                _ => false,
            };
            if let (Some((min, max)), true) = (range, integer) {
                map.entry("minimum").or_insert_with(|| json!(min));
                map.entry("maximum").or_insert_with(|| json!(max));
            }
            map.values_mut().for_each(add_integer_ranges);
        }
        Value::Array(items) => items.iter_mut().for_each(add_integer_ranges),
        _ => {}
    }
}

/// The scalars under `node` that JSON has no number for, with their pointers below `node`.
pub fn non_finite(node: &Node) -> Vec<(String, &Node)> {
    let mut out = Vec::new();
    // Pointers are only built in the rare document that has one.
    if any_non_finite(node) {
        collect(node, String::new(), &mut out);
    }
    out
}

fn any_non_finite(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar { value, .. } => matches!(value, Scalar::NonFinite(_)),
        NodeKind::Seq(items) => items.iter().any(any_non_finite),
        NodeKind::Map(entries) => entries.iter().any(|e| any_non_finite(&e.value)),
    }
}

fn collect<'a>(node: &'a Node, pointer: String, out: &mut Vec<(String, &'a Node)>) {
    match &node.kind {
        NodeKind::Scalar {
            value: Scalar::NonFinite(_),
            ..
        } => out.push((pointer, node)),
        NodeKind::Scalar { .. } => {}
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, format!("{pointer}/{i}"), out);
            }
        }
        NodeKind::Map(entries) => {
            for e in entries {
                let key = e.key.replace('~', "~0").replace('/', "~1");
                collect(&e.value, format!("{pointer}/{key}"), out);
            }
        }
    }
}

/// Why a non-finite scalar cannot be sent, in terms of the text as written.
pub fn non_finite_message(raw: &str, value: f64) -> (String, &'static str, String) {
    let literal = raw.trim_start_matches(['+', '-']);
    if literal.starts_with('.') && !literal.as_bytes().get(1).is_some_and(u8::is_ascii_digit) {
        let what = if value.is_nan() {
            "not a number (NaN)"
        } else {
            "infinite"
        };
        (
            format!("{raw} is {what}, which JSON cannot carry; the API refuses it"),
            "not a JSON number",
            format!("if it is meant as text, quote it: \"{raw}\""),
        )
    } else {
        (
            format!("{raw} is out of range for a number"),
            "out of range",
            "JSON readers take numbers up to about 1.8e308; integer fields far less (int32: 2147483647)".to_owned(),
        )
    }
}

/// The message for an integer outside its format's range, in the API server's terms.
pub fn out_of_range_message(field: &str, raw: &str, format: &str) -> Option<String> {
    let (min, max) = integer_range(format)?;
    Some(format!(
        "\"{field}\": {raw} is out of range for {format} ({min} to {max}); the API server cannot decode it"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_added_to_integer_formats_only() {
        let mut schema = json!({
            "properties": {
                "replicas": {"type": ["integer", "null"], "format": "int32"},
                "limit": {"type": "integer", "format": "int64", "minimum": 0},
                "ratio": {"type": "number", "format": "double"}
            }
        });
        add_integer_ranges(&mut schema);
        assert_eq!(schema["properties"]["replicas"]["maximum"], json!(2_147_483_647));
        assert_eq!(schema["properties"]["replicas"]["minimum"], json!(-2_147_483_648_i64));
        assert_eq!(schema["properties"]["limit"]["minimum"], json!(0));
        assert_eq!(schema["properties"]["limit"]["maximum"], json!(i64::MAX));
        assert!(schema["properties"]["ratio"].get("maximum").is_none());
    }

    #[test]
    fn messages_quote_the_text_as_written() {
        assert_eq!(
            non_finite_message("1e400", f64::INFINITY).0,
            "1e400 is out of range for a number"
        );
        assert_eq!(
            non_finite_message("-.inf", f64::NEG_INFINITY).0,
            "-.inf is infinite, which JSON cannot carry; the API refuses it"
        );
        assert!(non_finite_message(".nan", f64::NAN).0.contains("NaN"));
    }
}
