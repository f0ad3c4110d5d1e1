//! A CRD version's `openAPIV3Schema` (OpenAPI v3.0 with Kubernetes extensions) -> a JSON Schema
//! (draft 2020-12) that says what the API server accepts after pruning:
//!
//! - a field the schema does not specify is pruned, so it is an unknown field
//!   (`additionalProperties: false`), except under `x-kubernetes-preserve-unknown-fields: true`;
//! - `x-kubernetes-int-or-string: true` takes an integer or a string (its `anyOf` pattern is
//!   replaced by the type, so a wrong value gets one finding, not two);
//! - `x-kubernetes-embedded-resource: true` objects (and the root) take `apiVersion`, `kind` and
//!   `metadata`; embedded ones require `apiVersion` and `kind`;
//! - a field may be null: with `nullable: true` it is kept, otherwise the API server prunes it
//!   before validation (as if unset; instance.rs does the same in a lint run, so a required
//!   field that is null is missing), and either way the value is valid;
//! - a required field with a `default` is never missing (the default is applied first);
//! - OpenAPI 3.0 boolean `exclusiveMinimum`/`exclusiveMaximum` become the 2020-12 numbers.
//!
//! What JSON Schema cannot say (list-map keys, pruned nulls) is checked on the instance.

use serde_json::{Map, Value, json};

/// The ObjectMeta definition's name among the bundled Kubernetes definitions.
pub const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// Keywords whose meaning is the same in OpenAPI 3.0 and JSON Schema 2020-12.
const COPIED: &[&str] = &[
    "title",
    "description",
    "format",
    "default",
    "pattern",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "multipleOf",
    "uniqueItems",
];

/// The whole JSON Schema document for one version: the converted root, with ObjectMeta and
/// what it references under `$defs` (`meta_defs`, from the bundled Kubernetes schemas).
pub fn document(root: &Value, meta_defs: &Value) -> Value {
    let mut out = match convert(root, Place::Root, &[]) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    out.insert("$schema".into(), "https://json-schema.org/draft/2020-12/schema".into());
    out.insert("$defs".into(), meta_defs.clone());
    Value::Object(out)
}

#[derive(Clone, Copy, PartialEq)]
enum Place {
    Root,
    /// A property, `additionalProperties` or `items`: the structural part of the schema.
    Field,
    /// Inside `allOf`/`anyOf`/`oneOf`/`not`: value validations only, no pruning of their own.
    Nested,
}

fn flag(s: &Map<String, Value>, key: &str) -> bool {
    s.get(key).and_then(Value::as_bool) == Some(true)
}

fn convert(schema: &Value, place: Place, defaulted: &[String]) -> Value {
    let Some(s) = schema.as_object() else {
        return json!({});
    };
    let mut out = Map::new();
    let int_or_string = flag(s, "x-kubernetes-int-or-string");
    let preserve = flag(s, "x-kubernetes-preserve-unknown-fields");
    let embedded = flag(s, "x-kubernetes-embedded-resource") || place == Place::Root;
    let nullable = flag(s, "nullable");
    let mut types: Vec<Value> = if int_or_string {
        vec!["integer".into(), "string".into()]
    } else {
        s.get("type").filter(|t| t.is_string()).cloned().into_iter().collect()
    };
    if nullable && !types.is_empty() {
        types.push("null".into());
    }
    match types.len() {
        0 => {}
        1 => drop(out.insert("type".into(), types.remove(0))),
        _ => drop(out.insert("type".into(), Value::Array(types))),
    }
    for key in COPIED {
        if let Some(v) = s.get(*key) {
            out.insert((*key).into(), v.clone());
        }
    }
    if let Some(Value::Array(values)) = s.get("enum") {
        let mut values = values.clone();
        if nullable && !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
        out.insert("enum".into(), Value::Array(values));
    }
    bounds(s, &mut out);
    let own_defaults = defaulted_properties(s);
    let defaults = if place == Place::Nested {
        defaulted
    } else {
        &own_defaults
    };
    properties(s, place, embedded, &mut out);
    required(s, embedded && place != Place::Nested, defaults, &mut out);
    if let Some(items) = s.get("items").filter(|i| i.is_object()) {
        let inner = if place == Place::Nested {
            Place::Nested
        } else {
            Place::Field
        };
        out.insert("items".into(), convert(items, inner, &[]));
    }
    match s.get("additionalProperties") {
        Some(extra @ Value::Object(_)) => {
            let inner = if place == Place::Nested {
                Place::Nested
            } else {
                Place::Field
            };
            out.insert("additionalProperties".into(), field(extra, inner));
        }
        Some(Value::Bool(false)) => drop(out.insert("additionalProperties".into(), false.into())),
        Some(_) => {}
        None => {
            let object = s.get("type").and_then(Value::as_str) == Some("object") || s.contains_key("properties");
            if place != Place::Nested && object && !preserve {
                out.insert("additionalProperties".into(), false.into());
            }
        }
    }
    junctors(s, int_or_string, defaults, &mut out);
    Value::Object(out)
}

/// An object's field: null is valid there, whether kept (`nullable`) or pruned.
fn field(schema: &Value, place: Place) -> Value {
    let mut out = convert(schema, place, &[]);
    if place == Place::Nested {
        return out;
    }
    if let Some(Value::String(t)) = out.get("type") {
        let types = json!([t, "null"]);
        out["type"] = types;
    } else if let Some(Value::Array(types)) = out.get_mut("type") {
        if !types.contains(&Value::from("null")) {
            types.push("null".into());
        }
    }
    if let Some(Value::Array(values)) = out.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
    out
}

/// OpenAPI 3.0 `exclusiveMinimum: true` beside `minimum: m` is JSON Schema's
/// `exclusiveMinimum: m`.
fn bounds(s: &Map<String, Value>, out: &mut Map<String, Value>) {
    for (bound, exclusive) in [("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")] {
        let Some(limit) = s.get(bound).filter(|v| v.is_number()) else {
            continue;
        };
        match s.get(exclusive) {
            Some(Value::Bool(true)) => drop(out.insert(exclusive.into(), limit.clone())),
            _ => drop(out.insert(bound.into(), limit.clone())),
        }
    }
}

fn defaulted_properties(s: &Map<String, Value>) -> Vec<String> {
    s.get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .filter(|(_, p)| p.get("default").is_some())
                .map(|(name, _)| name.clone())
                .collect()
        })
        .unwrap_or_default()
}

fn properties(s: &Map<String, Value>, place: Place, embedded: bool, out: &mut Map<String, Value>) {
    let inner = if place == Place::Nested {
        Place::Nested
    } else {
        Place::Field
    };
    let mut props: Map<String, Value> = s
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .filter(|(name, _)| !(embedded && place != Place::Nested && *name == "metadata"))
                .map(|(name, p)| (name.clone(), field(p, inner)))
                .collect()
        })
        .unwrap_or_default();
    if embedded && place != Place::Nested {
        for key in ["apiVersion", "kind"] {
            props
                .entry(key)
                .or_insert_with(|| json!({"type": "string", "minLength": 1}));
        }
        let restricted = s.get("properties").and_then(|p| p.get("metadata"));
        props.insert("metadata".into(), metadata(restricted));
    }
    if !props.is_empty() || s.contains_key("properties") {
        out.insert("properties".into(), Value::Object(props));
    }
}

/// ObjectMeta, with what the CRD says of `name` and `generateName` (all it may say).
fn metadata(restricted: Option<&Value>) -> Value {
    let meta = json!({ "$ref": format!("#/$defs/{OBJECT_META}") });
    let names: Map<String, Value> = restricted
        .and_then(|m| m.get("properties"))
        .and_then(Value::as_object)
        .map(|p| {
            p.iter()
                .filter(|(k, _)| *k == "name" || *k == "generateName")
                .map(|(k, v)| (k.clone(), convert(v, Place::Nested, &[])))
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        meta
    } else {
        json!({ "allOf": [meta, { "properties": names }] })
    }
}

fn required(s: &Map<String, Value>, embedded: bool, defaulted: &[String], out: &mut Map<String, Value>) {
    let mut names: Vec<Value> = s
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter(|n| n.as_str().is_some_and(|n| !defaulted.iter().any(|d| d == n)))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    if embedded {
        for key in ["apiVersion", "kind"] {
            if !names.iter().any(|n| n == key) {
                names.push(key.into());
            }
        }
    }
    if !names.is_empty() {
        out.insert("required".into(), Value::Array(names));
    }
}

/// `allOf`, `anyOf`, `oneOf` and `not`, less the `anyOf: [integer, string]` that
/// int-or-string fields carry (their type already says it).
fn junctors(s: &Map<String, Value>, int_or_string: bool, defaulted: &[String], out: &mut Map<String, Value>) {
    for key in ["allOf", "anyOf", "oneOf"] {
        let Some(branches) = s.get(key).and_then(Value::as_array) else {
            continue;
        };
        if key == "anyOf" && int_or_string && super::structural::is_int_or_string(branches) {
            continue;
        }
        let converted: Vec<Value> = branches
            .iter()
            .enumerate()
            .map(|(i, b)| {
                if key == "allOf" && i == 0 && int_or_string {
                    let mut b = b.clone();
                    if let Some(map) = b.as_object_mut() {
                        if map
                            .get("anyOf")
                            .and_then(Value::as_array)
                            .is_some_and(|a| super::structural::is_int_or_string(a))
                        {
                            map.remove("anyOf");
                        }
                    }
                    convert(&b, Place::Nested, defaulted)
                } else {
                    convert(b, Place::Nested, defaulted)
                }
            })
            .collect();
        out.insert(key.into(), Value::Array(converted));
    }
    if let Some(not) = s.get("not").filter(|n| n.is_object()) {
        out.insert("not".into(), convert(not, Place::Nested, defaulted));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(schema: Value) -> Value {
        convert(&schema, Place::Root, &[])
    }

    #[test]
    fn objects_prune_unknown_fields_unless_preserved() {
        let out = root(json!({"type": "object", "properties": {
            "spec": {"type": "object", "properties": {"a": {"type": "string"}}},
            "raw": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
            "map": {"type": "object", "additionalProperties": {"type": "string"}}
        }}));
        assert_eq!(out["additionalProperties"], json!(false));
        assert_eq!(out["properties"]["spec"]["additionalProperties"], json!(false));
        assert!(out["properties"]["raw"].get("additionalProperties").is_none());
        assert_eq!(
            out["properties"]["map"]["additionalProperties"],
            json!({"type": ["string", "null"]})
        );
        assert_eq!(out["required"], json!(["apiVersion", "kind"]));
        assert_eq!(
            out["properties"]["metadata"],
            json!({"$ref": format!("#/$defs/{OBJECT_META}")})
        );
    }

    #[test]
    fn int_or_string_nullable_defaults_and_bounds() {
        let out = root(json!({"type": "object", "required": ["port", "size"], "properties": {
            "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
            "size": {"type": "integer", "default": 1, "minimum": 0, "exclusiveMinimum": true},
            "note": {"type": "string", "nullable": true, "enum": ["a"]}
        }}));
        let props = &out["properties"];
        assert_eq!(props["port"], json!({"type": ["integer", "string", "null"]}));
        assert_eq!(props["size"]["exclusiveMinimum"], json!(0));
        assert!(props["size"].get("minimum").is_none());
        assert_eq!(props["note"]["type"], json!(["string", "null"]));
        assert_eq!(props["note"]["enum"], json!(["a", null]));
        assert_eq!(out["required"], json!(["port", "apiVersion", "kind"]));
    }

    #[test]
    fn embedded_resources_take_type_meta_and_junctors_do_not_prune() {
        let out = root(json!({"type": "object", "properties": {
            "tmpl": {"type": "object", "x-kubernetes-embedded-resource": true,
                     "x-kubernetes-preserve-unknown-fields": true},
            "x": {"type": "object", "properties": {"a": {"type": "string"}},
                  "anyOf": [{"properties": {"a": {"minLength": 2}}, "required": ["a"]}]}
        }}));
        let tmpl = &out["properties"]["tmpl"];
        assert_eq!(tmpl["required"], json!(["apiVersion", "kind"]));
        assert!(tmpl["properties"]["metadata"].is_object());
        let branch = &out["properties"]["x"]["anyOf"][0];
        assert!(branch.get("additionalProperties").is_none(), "{branch}");
    }
}
