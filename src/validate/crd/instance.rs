//! What the API server does to a custom resource that JSON Schema cannot say: nulls in fields
//! that are not `nullable` are pruned before validation (as if unset), and lists typed
//! `x-kubernetes-list-type: set` or `map` must not repeat an item or a key.
//!
//! Both walk the instance beside the CRD's own (structural) schema. Pruning only removes keys
//! from objects, so every pointer into the pruned value is also one into the original.

use serde_json::{Map, Value};
use std::collections::HashMap;

fn props(schema: &Value) -> Option<&Map<String, Value>> {
    schema.get("properties").and_then(Value::as_object)
}

fn nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
}

/// The schema of an object's field: its property, else its `additionalProperties`.
fn field<'a>(schema: &'a Value, key: &str) -> Option<&'a Value> {
    props(schema)
        .and_then(|p| p.get(key))
        .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
}

/// Removes every null the API server would prune: in a field whose schema is not nullable.
pub fn prune_nulls(value: &mut Value, schema: &Value) {
    match value {
        Value::Object(map) => {
            map.retain(|key, v| !(v.is_null() && field(schema, key).is_some_and(|s| !nullable(s))));
            for (key, v) in map.iter_mut() {
                if let Some(s) = field(schema, key) {
                    prune_nulls(v, s);
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items").filter(|i| i.is_object()) {
                items.iter_mut().for_each(|v| prune_nulls(v, s));
            }
        }
        _ => {}
    }
}

/// An item that repeats an earlier one where the list type forbids it.
#[derive(Clone, Debug, PartialEq)]
pub struct Duplicate {
    /// The repeated item's first key field (list-type map) or the item itself (set).
    pub pointer: String,
    /// The earlier item it repeats.
    pub first: String,
    /// What is repeated, as JSON: the item, or its keys as an object.
    pub value: Value,
    /// The list's field name and the key names (empty for a set).
    pub list: String,
    pub keys: Vec<String>,
}

/// Every repeated item in lists of type `set` or `map`, in document order.
pub fn duplicates(value: &Value, schema: &Value, at: &str, name: &str, out: &mut Vec<Duplicate>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if let Some(s) = field(schema, key) {
                    let here = format!("{at}/{}", crate::parse::pointer_token(key));
                    duplicates(v, s, &here, key, out);
                }
            }
        }
        Value::Array(items) => {
            match schema.get("x-kubernetes-list-type").and_then(Value::as_str) {
                Some("set") => repeated_items(items, at, name, out),
                Some("map") => repeated_keys(items, schema, at, name, out),
                _ => {}
            }
            if let Some(s) = schema.get("items").filter(|i| i.is_object()) {
                for (i, v) in items.iter().enumerate() {
                    duplicates(v, s, &format!("{at}/{i}"), name, out);
                }
            }
        }
        _ => {}
    }
}

/// A value as JSON text with its keys in order, whatever the map type: equal values, equal
/// texts, so items can be looked up by it (serde_json's Value is not Hash).
fn canonical(value: &Value) -> String {
    fn write(value: &Value, out: &mut String) {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (n, key) in keys.into_iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::from(key.as_str()).to_string());
                    out.push(':');
                    write(&map[key], out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            scalar => out.push_str(&scalar.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// For each item, the index of the first earlier item equal to it (one pass, by canonical text).
fn first_equal<'a>(items: impl Iterator<Item = Option<&'a Value>>) -> Vec<Option<usize>> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    items
        .enumerate()
        .map(|(j, item)| {
            let item = item?;
            let first = *seen.entry(canonical(item)).or_insert(j);
            (first != j).then_some(first)
        })
        .collect()
}

fn repeated_items(items: &[Value], at: &str, name: &str, out: &mut Vec<Duplicate>) {
    let firsts = first_equal(items.iter().map(Some));
    for ((j, item), first) in items.iter().enumerate().zip(firsts) {
        if let Some(i) = first {
            out.push(Duplicate {
                pointer: format!("{at}/{j}"),
                first: format!("{at}/{i}"),
                value: item.clone(),
                list: name.to_owned(),
                keys: Vec::new(),
            });
        }
    }
}

fn repeated_keys(items: &[Value], schema: &Value, at: &str, name: &str, out: &mut Vec<Duplicate>) {
    let keys: Vec<String> = schema
        .get("x-kubernetes-list-map-keys")
        .and_then(Value::as_array)
        .map(|k| k.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    if keys.is_empty() {
        return;
    }
    let item_schema = schema.get("items");
    // A key left out takes its default, as the API server applies defaults first.
    let key_of = |item: &Value| -> Map<String, Value> {
        keys.iter()
            .filter_map(|k| {
                let v = item.get(k).cloned().or_else(|| {
                    item_schema
                        .and_then(props)
                        .and_then(|p| p.get(k))
                        .and_then(|p| p.get("default"))
                        .cloned()
                })?;
                Some((k.clone(), v))
            })
            .collect()
    };
    let tuples: Vec<Value> = items.iter().map(|item| Value::Object(key_of(item))).collect();
    let firsts = first_equal(tuples.iter().zip(items).map(|(t, item)| item.is_object().then_some(t)));
    for (j, (tuple, first)) in tuples.iter().zip(firsts).enumerate() {
        if let Some(i) = first {
            let shown = keys.iter().find(|k| items[j].get(k.as_str()).is_some());
            let pointer = shown.map_or_else(
                || format!("{at}/{j}"),
                |k| format!("{at}/{j}/{}", crate::parse::pointer_token(k)),
            );
            out.push(Duplicate {
                pointer,
                first: format!("{at}/{i}"),
                value: tuple.clone(),
                list: name.to_owned(),
                keys: keys.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nulls_are_pruned_unless_nullable() {
        let schema = json!({"properties": {"spec": {"properties": {
            "a": {"type": "string"}, "b": {"type": "string", "nullable": true}
        }}}});
        let mut v = json!({"spec": {"a": null, "b": null, "c": null}});
        prune_nulls(&mut v, &schema);
        assert_eq!(v, json!({"spec": {"b": null, "c": null}}));
    }

    #[test]
    fn repeated_set_items_and_map_keys() {
        let schema = json!({"properties": {
            "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
            "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name", "proto"],
                      "items": {"type": "object", "properties": {"name": {"type": "string"},
                                "proto": {"type": "string", "default": "TCP"}}}}
        }});
        let v = json!({
            "tags": ["a", "b", "a"],
            "ports": [{"name": "x", "proto": "TCP"}, {"name": "y"}, {"name": "x"}]
        });
        let mut out = Vec::new();
        duplicates(&v, &schema, "", "", &mut out);
        let found: Vec<(&str, &str)> = out.iter().map(|d| (d.pointer.as_str(), d.first.as_str())).collect();
        assert_eq!(found, [("/ports/2/name", "/ports/0"), ("/tags/2", "/tags/0")]);
        assert_eq!(out[0].value, json!({"name": "x", "proto": "TCP"}));
    }

    #[test]
    fn equal_items_are_found_in_one_pass_whatever_their_key_order() {
        let schema = json!({"type": "array", "x-kubernetes-list-type": "set",
            "items": {"type": "object", "x-kubernetes-map-type": "atomic"}});
        let v = json!([{"a": 1, "b": [1, {"c": "x"}]}, {"b": [1, {"c": "x"}], "a": 1}, {"a": 1.0}, {"a": 1}]);
        let mut out = Vec::new();
        duplicates(&v, &schema, "", "tags", &mut out);
        let found: Vec<(&str, &str)> = out.iter().map(|d| (d.pointer.as_str(), d.first.as_str())).collect();
        assert_eq!(found, [("/1", "/0")]);
        assert_eq!(canonical(&v[1]), r#"{"a":1,"b":[1,{"c":"x"}]}"#);
        // Many distinct items: each is hashed once, not compared with every earlier one.
        let many = Value::Array((0..100_000).map(Value::from).collect());
        let mut out = Vec::new();
        duplicates(&many, &schema, "", "tags", &mut out);
        assert!(out.is_empty());
    }
}
