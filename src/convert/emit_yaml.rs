//! Kubernetes outputs as YAML that every reader sees the same way. kubectl reads YAML as
//! YAML 1.1 (go-yaml v2): a plain `on`, `yes`, `0755` or `1_000` is a boolean or a number
//! there, so every string that any resolver could take for something else is double-quoted.

use super::value::Value;
use crate::parse::is_yaml11_ambiguous;

/// A YAML stream: documents separated by `---`.
pub fn stream(documents: &[Value]) -> String {
    let mut out = String::new();
    for (i, doc) in documents.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&document(doc));
    }
    out
}

/// One document, ending with a newline.
pub fn document(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Map(map) if !map.is_empty() => write_map(map, 0, &mut out),
        Value::List(items) if !items.is_empty() => write_list(items, 0, &mut out),
        scalar => {
            out.push_str(&inline(scalar));
            out.push('\n');
        }
    }
    out
}

fn write_map(map: &super::value::Map, indent: usize, out: &mut String) {
    for (key, value) in map.iter() {
        pad(indent, out);
        out.push_str(&scalar_text(key));
        out.push(':');
        match value {
            Value::Map(m) if !m.is_empty() => {
                out.push('\n');
                write_map(m, indent + 2, out);
            }
            Value::List(l) if !l.is_empty() => {
                out.push('\n');
                write_list(l, indent + 2, out);
            }
            other => {
                out.push(' ');
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
    }
}

fn write_list(items: &[Value], indent: usize, out: &mut String) {
    for item in items {
        match item {
            Value::Map(m) if !m.is_empty() => {
                // The map is written two columns in, then its first line takes the dash.
                let mut inner = String::new();
                write_map(m, indent + 2, &mut inner);
                pad(indent, out);
                out.push_str("- ");
                out.push_str(&inner[indent + 2..]);
            }
            Value::List(l) if !l.is_empty() => {
                pad(indent, out);
                out.push_str("-\n");
                write_list(l, indent + 2, out);
            }
            other => {
                pad(indent, out);
                out.push_str("- ");
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
    }
}

fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Str(s) => scalar_text(s),
        Value::List(_) => "[]".to_owned(),
        Value::Map(_) => "{}".to_owned(),
    }
}

fn pad(n: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A string as a plain scalar when every YAML reader takes it for that same string, else
/// double-quoted.
pub fn scalar_text(s: &str) -> String {
    if plain_is_safe(s) {
        s.to_owned()
    } else {
        double_quoted(s)
    }
}

/// Conservative: quoting a string that did not need it costs nothing, missing one changes the
/// value. Besides YAML 1.1's booleans and numbers (`is_yaml11_ambiguous`), this quotes whatever
/// starts like a number or a date (YAML 1.1 timestamps and base-60 integers), YAML indicators,
/// and anything with line breaks, tabs, `: ` or ` #`.
fn plain_is_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if is_yaml11_ambiguous(s) {
        return false;
    }
    let second = s.chars().nth(1);
    let starts_badly = match first {
        '0'..='9' | '+' | '.' => true,
        '-' => second.is_none_or(|c| c == ' ' || c.is_ascii_digit() || c == '.'),
        '?' | ':' | ',' | '[' | ']' | '{' | '}' | '#' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => {
            true
        }
        c => c.is_whitespace(),
    };
    if starts_badly {
        return false;
    }
    if s.ends_with(' ') || s.ends_with(':') || s.contains(": ") || s.contains(" #") {
        return false;
    }
    // Words YAML 1.2 and other readers resolve that go-yaml v2 leaves alone.
    if matches!(
        s.to_ascii_lowercase().as_str(),
        "null" | "true" | "false" | "~" | "<<" | "="
    ) {
        return false;
    }
    !s.chars()
        .any(|c| c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'))
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if c.is_control() || c == '\u{feff}' => {
                let n = c as u32;
                if n <= 0xff {
                    out.push_str(&format!("\\x{n:02x}"));
                } else {
                    out.push_str(&format!("\\u{n:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert_map;
    use crate::parse::{Limits, yaml_text};

    fn read_back(text: &str) -> serde_json::Value {
        let docs = yaml_text(text, &Limits::default());
        assert!(docs[0].errors.is_empty(), "{text}: {:?}", docs[0].errors);
        docs[0].root.as_ref().unwrap().to_json()
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "on",
            "yes",
            "No",
            "0755",
            "1_000",
            "1e3",
            "0x1F",
            ".inf",
            "~",
            "null",
            "",
            " x",
            "x ",
            "a: b",
            "a #b",
            "-",
            "- x",
            "-1",
            "2024-01-01",
            "12:30",
            "*ref",
            "&a",
            "!tag",
            "|",
            ">",
            "%x",
            "@x",
            "`x",
            "'x",
            "\"x",
            "{a}",
            "[a]",
            "#c",
            "a\nb",
            "tab\there",
            "x:",
            "?",
            ": x",
            "+1",
            ".5",
            "\u{2028}",
            "<<",
            "=",
            "TRUE",
        ] {
            let text = document(&Value::Map(convert_map! {"k" => s, s => "v"}));
            let back = read_back(&text);
            assert_eq!(back["k"], serde_json::Value::String(s.to_owned()), "{s:?} -> {text}");
            assert!(back.get(s).is_some(), "key {s:?} -> {text}");
        }
        assert_eq!(scalar_text("nginx:1.27"), "nginx:1.27");
        assert_eq!(scalar_text("-c"), "-c");
        assert_eq!(scalar_text("/bin/sh"), "/bin/sh");
        assert_eq!(scalar_text("on"), "\"on\"");
        assert_eq!(scalar_text("0755"), "\"0755\"");
    }

    #[test]
    fn nested_block_style() {
        let v = Value::Map(convert_map! {
            "apiVersion" => "apps/v1",
            "spec" => Value::Map(convert_map!{
                "containers" => vec![
                    Value::Map(convert_map!{"name" => "web", "args" => vec!["a".to_owned(), "b".to_owned()]}),
                    Value::Map(convert_map!{"name" => "side", "env" => Value::List(Vec::new())}),
                ],
                "empty" => Value::Map(convert_map!{}),
                "nested" => vec![Value::List(vec![Value::Int(1)])],
            }),
        });
        let text = document(&v);
        assert_eq!(
            text,
            "apiVersion: apps/v1\nspec:\n  containers:\n    - name: web\n      args:\n        - a\n        - b\n    - name: side\n      env: []\n  empty: {}\n  nested:\n    -\n      - 1\n"
        );
        assert_eq!(read_back(&text), v.to_json());
        let two = stream(&[v.clone(), v]);
        assert_eq!(yaml_text(&two, &Limits::default()).len(), 2);
    }
}
