//! ECS outputs as pretty JSON (two-space indentation, as `aws ecs ... --generate-cli-skeleton`
//! prints), fields in the order the tree holds them.

use super::value::Value;

/// One JSON document, ending with a newline.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write(value, 0, &mut out);
    out.push('\n');
    out
}

fn write(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Str(s) => out.push_str(&quote(s)),
        Value::List(items) if items.is_empty() => out.push_str("[]"),
        Value::List(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                pad(indent + 2, out);
                write(item, indent + 2, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            pad(indent, out);
            out.push(']');
        }
        Value::Map(map) if map.is_empty() => out.push_str("{}"),
        Value::Map(map) => {
            out.push_str("{\n");
            let n = map.len();
            for (i, (key, item)) in map.iter().enumerate() {
                pad(indent + 2, out);
                out.push_str(&quote(key));
                out.push_str(": ");
                write(item, indent + 2, out);
                out.push_str(if i + 1 < n { ",\n" } else { "\n" });
            }
            pad(indent, out);
            out.push('}');
        }
    }
}

fn pad(n: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// serde_json's string escaping (cannot fail for a &str).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.escape_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert_map;

    #[test]
    fn pretty_and_parseable() {
        let v = Value::Map(convert_map! {
            "family" => "web",
            "containerDefinitions" => vec![Value::Map(convert_map!{"name" => "a\"b", "cpu" => 256i64})],
            "empty" => Value::List(Vec::new()),
            "tags" => Value::Map(convert_map!{}),
        });
        let text = to_string(&v);
        assert_eq!(
            text,
            "{\n  \"family\": \"web\",\n  \"containerDefinitions\": [\n    {\n      \"name\": \"a\\\"b\",\n      \"cpu\": 256\n    }\n  ],\n  \"empty\": [],\n  \"tags\": {}\n}\n"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v.to_json());
    }
}
