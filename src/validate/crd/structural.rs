//! Whether a CRD version's schema is one the API server accepts: a structural schema (the rules
//! of apiextensions-apiserver's `ValidateStructural`) within the OpenAPI subset CRDs allow, and
//! list types used as `x-kubernetes-list-type` requires. Each problem is placed at the key that
//! breaks the rule; messages follow the API server's wording where it has one.

use serde_json::{Map, Value};

/// One rule broken, at a JSON pointer relative to the schema checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub pointer: String,
    pub message: String,
}

/// Keywords the API server refuses anywhere in a CRD schema.
const UNSUPPORTED: &[&str] = &[
    "$ref",
    "definitions",
    "dependencies",
    "deprecated",
    "discriminator",
    "id",
    "patternProperties",
    "readOnly",
    "writeOnly",
    "xml",
];

/// What a branch of `allOf`/`anyOf`/`oneOf`/`not` must leave at its zero value to be
/// structural (the API server's `validateNestedValueValidation`): setting one to its zero value
/// (`nullable: false`, `description: ""`) is fine.
const NOT_IN_JUNCTORS: &[(&str, Zero)] = &[
    ("type", Zero::Empty),
    ("additionalProperties", Zero::Undefined),
    ("default", Zero::Undefined),
    ("title", Zero::Empty),
    ("description", Zero::Empty),
    ("nullable", Zero::False),
    ("externalDocs", Zero::Undefined),
    ("x-kubernetes-preserve-unknown-fields", Zero::False),
    ("x-kubernetes-embedded-resource", Zero::False),
    ("x-kubernetes-int-or-string", Zero::False),
    ("x-kubernetes-list-map-keys", Zero::Empty),
    ("x-kubernetes-list-type", Zero::Undefined),
    ("x-kubernetes-map-type", Zero::Undefined),
    ("x-kubernetes-validations", Zero::Empty),
];

/// The zero value of a keyword, as the API server's Go types have it: null is always zero.
#[derive(Clone, Copy)]
enum Zero {
    /// A pointer: any value is set (`default: false`, `x-kubernetes-list-type: ""`).
    Undefined,
    /// A string or a list: `""` and `[]`.
    Empty,
    /// A boolean: `false`.
    False,
}

impl Zero {
    fn is_set(self, value: &Value) -> bool {
        match (self, value) {
            (_, Value::Null) => false,
            (Zero::Undefined, _) => true,
            (Zero::Empty, Value::String(s)) => !s.is_empty(),
            (Zero::Empty, Value::Array(a)) => !a.is_empty(),
            (Zero::False, Value::Bool(b)) => *b,
            // A value of the wrong type: the API server cannot even read it.
            _ => true,
        }
    }

    /// The API server's words for what the keyword must be.
    fn must_be(self) -> &'static str {
        match self {
            Zero::Undefined => "undefined",
            Zero::Empty => "empty",
            Zero::False => "false",
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Level {
    Root,
    Item,
    Field,
}

/// Every problem of `schema`, in document order of the walk (properties sorted by name).
pub fn check(schema: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    node(schema, Level::Root, "", &mut out);
    out
}

fn push(out: &mut Vec<Problem>, pointer: String, message: impl Into<String>) {
    out.push(Problem {
        pointer,
        message: message.into(),
    });
}

fn token(key: &str) -> String {
    crate::parse::pointer_token(key)
}

fn flag(s: &Map<String, Value>, key: &str) -> bool {
    s.get(key).and_then(Value::as_bool) == Some(true)
}

fn type_of(s: &Map<String, Value>) -> &str {
    s.get("type").and_then(Value::as_str).unwrap_or("")
}

fn node(schema: &Value, level: Level, at: &str, out: &mut Vec<Problem>) {
    let Some(s) = schema.as_object() else {
        return;
    };
    unsupported(s, at, out);
    let ty = type_of(s);
    let int_or_string = flag(s, "x-kubernetes-int-or-string");
    let preserve = flag(s, "x-kubernetes-preserve-unknown-fields");
    let embedded = flag(s, "x-kubernetes-embedded-resource");
    // An array of schemas (tuple form) is refused on its own (unsupported).
    let tuple = s.get("items").and_then(Value::as_array).is_some_and(|a| !a.is_empty());
    if ty == "array" && !tuple && !s.get("items").is_some_and(Value::is_object) {
        push(out, format!("{at}/type"), "an array needs \"items\": must be specified");
    }
    let properties = s.get("properties").and_then(Value::as_object);
    additional(s, level, embedded, at, out);
    if int_or_string && preserve {
        push(
            out,
            format!("{at}/x-kubernetes-preserve-unknown-fields"),
            "x-kubernetes-preserve-unknown-fields must be false if x-kubernetes-int-or-string is true",
        );
    }
    if int_or_string && embedded {
        push(
            out,
            format!("{at}/x-kubernetes-embedded-resource"),
            "x-kubernetes-embedded-resource must be false if x-kubernetes-int-or-string is true",
        );
    }
    types(s, level, at, out);
    if level == Level::Root || embedded {
        type_meta(s, level, at, out);
    }
    if embedded && !preserve && properties.is_none_or(Map::is_empty) {
        push(
            out,
            format!("{at}/x-kubernetes-embedded-resource"),
            "\"properties\" must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields",
        );
    }
    lists(s, at, out);
    junctors(s, at, out);
    if let Some(items) = s.get("items") {
        node(items, Level::Item, &format!("{at}/items"), out);
    }
    for (name, p) in properties.into_iter().flatten() {
        node(p, Level::Field, &format!("{at}/properties/{}", token(name)), out);
    }
    if let Some(extra) = s.get("additionalProperties").filter(|e| e.is_object()) {
        node(extra, Level::Field, &format!("{at}/additionalProperties"), out);
    }
}

fn unsupported(s: &Map<String, Value>, at: &str, out: &mut Vec<Problem>) {
    for key in UNSUPPORTED {
        if s.contains_key(*key) {
            push(
                out,
                format!("{at}/{}", token(key)),
                format!("\"{key}\" is not supported in a CustomResourceDefinition schema"),
            );
        }
    }
    if s.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(false)) {
        push(
            out,
            format!("{at}/x-kubernetes-preserve-unknown-fields"),
            "x-kubernetes-preserve-unknown-fields must be true or undefined",
        );
    }
    if s.get("items").and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
        push(
            out,
            format!("{at}/items"),
            "items must be a schema object and not an array",
        );
    }
    if flag(s, "uniqueItems") {
        push(
            out,
            format!("{at}/uniqueItems"),
            "uniqueItems cannot be set to true since the runtime complexity becomes quadratic; use x-kubernetes-list-type: set",
        );
    }
}

fn additional(s: &Map<String, Value>, level: Level, embedded: bool, at: &str, out: &mut Vec<Problem>) {
    let Some(extra) = s.get("additionalProperties") else {
        return;
    };
    let pointer = format!("{at}/additionalProperties");
    if extra == &Value::Bool(false) {
        push(out, pointer.clone(), "additionalProperties cannot be set to false");
    }
    let with_properties = s
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    if with_properties && extra != &Value::Bool(true) {
        push(
            out,
            pointer.clone(),
            "additionalProperties and properties are mutual exclusive",
        );
    }
    if level == Level::Root {
        push(
            out,
            pointer.clone(),
            "additionalProperties must not be used at the root",
        );
    }
    if embedded {
        push(
            out,
            pointer,
            "additionalProperties must not be used if x-kubernetes-embedded-resource is set",
        );
    }
}

fn types(s: &Map<String, Value>, level: Level, at: &str, out: &mut Vec<Problem>) {
    let ty = type_of(s);
    let embedded = flag(s, "x-kubernetes-embedded-resource");
    let exempt = flag(s, "x-kubernetes-int-or-string") || flag(s, "x-kubernetes-preserve-unknown-fields");
    if embedded && ty != "object" {
        push(
            out,
            format!("{at}/type"),
            "type must be object if x-kubernetes-embedded-resource is true",
        );
    } else if ty.is_empty() && !exempt {
        let message = match level {
            Level::Root => "type must not be empty at the root",
            Level::Item => "type must not be empty for specified array items",
            Level::Field => "type must not be empty for specified object fields",
        };
        push(out, at.to_owned(), message);
    }
    if level == Level::Root && !ty.is_empty() && ty != "object" {
        push(
            out,
            format!("{at}/type"),
            format!("type must be object at the root, not \"{ty}\""),
        );
    }
}

/// `apiVersion` and `kind` are strings; `metadata` is ObjectMeta, of which the root may
/// restrict only `name` and `generateName`.
fn type_meta(s: &Map<String, Value>, level: Level, at: &str, out: &mut Vec<Problem>) {
    let props = s.get("properties").and_then(Value::as_object);
    for key in ["apiVersion", "kind"] {
        if let Some(p) = props.and_then(|p| p.get(key)).and_then(Value::as_object) {
            if type_of(p) != "string" {
                push(
                    out,
                    format!("{at}/properties/{key}/type"),
                    format!("{key} must be a string"),
                );
            }
        }
    }
    let Some(meta) = props.and_then(|p| p.get("metadata")).and_then(Value::as_object) else {
        return;
    };
    let meta_at = format!("{at}/properties/metadata");
    if type_of(meta) != "object" {
        push(out, format!("{meta_at}/type"), "metadata must be of type object");
    }
    if level != Level::Root {
        return;
    }
    let names_only = meta
        .get("properties")
        .and_then(Value::as_object)
        .is_none_or(|p| p.keys().all(|k| k == "name" || k == "generateName"));
    let others: Vec<&String> = meta
        .keys()
        .filter(|k| !matches!(k.as_str(), "type" | "default" | "properties"))
        .collect();
    if let Some(key) = others.first() {
        push(
            out,
            format!("{meta_at}/{}", token(key)),
            "metadata must not specify anything other than name and generateName, but metadata is implicitly specified",
        );
    } else if !names_only {
        push(
            out,
            format!("{meta_at}/properties"),
            "metadata must not specify anything other than name and generateName, but metadata is implicitly specified",
        );
    }
}

/// `x-kubernetes-list-type` and `x-kubernetes-list-map-keys` as the API server validates them.
fn lists(s: &Map<String, Value>, at: &str, out: &mut Vec<Problem>) {
    let list_type = s.get("x-kubernetes-list-type").and_then(Value::as_str);
    let keys = s.get("x-kubernetes-list-map-keys").and_then(Value::as_array);
    let items = s.get("items").and_then(Value::as_object);
    if let Some(list_type) = list_type {
        let pointer = format!("{at}/x-kubernetes-list-type");
        if type_of(s) != "array" {
            push(
                out,
                pointer.clone(),
                "x-kubernetes-list-type must only be used on arrays",
            );
        }
        match list_type {
            "atomic" => {}
            "set" if type_of(s) == "array" => set_items(items, at, out),
            "set" => {}
            "map" => map_keys(items, keys, at, out),
            other => push(
                out,
                pointer,
                format!("Unsupported value: \"{other}\": supported values: \"atomic\", \"map\", \"set\""),
            ),
        }
    }
    if keys.is_some() && list_type != Some("map") {
        push(
            out,
            format!("{at}/x-kubernetes-list-map-keys"),
            "x-kubernetes-list-map-keys must only be used if x-kubernetes-list-type is map",
        );
    }
}

/// The items of a `set` must be atomic (the API server's `requireAtomicSetType`): an object
/// item needs `x-kubernetes-map-type: atomic` (granular is its default); an array item may not
/// set a list type other than `atomic` (its default); scalars are atomic.
fn set_items(items: Option<&Map<String, Value>>, at: &str, out: &mut Vec<Problem>) {
    let Some(items) = items else { return };
    let (key, atomic) = match type_of(items) {
        "array" => (
            "x-kubernetes-list-type",
            items
                .get("x-kubernetes-list-type")
                .filter(|t| !t.is_null())
                .is_none_or(|t| t == "atomic"),
        ),
        "object" => (
            "x-kubernetes-map-type",
            items.get("x-kubernetes-map-type").is_some_and(|t| t == "atomic"),
        ),
        _ => return,
    };
    if !atomic {
        let pointer = match items.contains_key(key) {
            true => format!("{at}/items/{key}"),
            false => format!("{at}/items"),
        };
        push(
            out,
            pointer,
            format!("items.{key} must be atomic as item of a list with x-kubernetes-list-type=set"),
        );
    }
}

fn map_keys(items: Option<&Map<String, Value>>, keys: Option<&Vec<Value>>, at: &str, out: &mut Vec<Problem>) {
    let Some(keys) = keys.filter(|k| !k.is_empty()) else {
        push(
            out,
            format!("{at}/x-kubernetes-list-type"),
            "x-kubernetes-list-map-keys must be specified and not empty if x-kubernetes-list-type is map",
        );
        return;
    };
    let Some(items) = items.filter(|i| type_of(i) == "object") else {
        push(
            out,
            format!("{at}/x-kubernetes-list-type"),
            "x-kubernetes-list-type map needs items of type object",
        );
        return;
    };
    let required: Vec<&str> = items
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (i, key) in keys.iter().enumerate() {
        let pointer = format!("{at}/x-kubernetes-list-map-keys/{i}");
        let Some(name) = key.as_str() else { continue };
        let Some(p) = items
            .get("properties")
            .and_then(|p| p.get(name))
            .and_then(Value::as_object)
        else {
            push(
                out,
                pointer,
                format!("x-kubernetes-list-map-keys: \"{name}\" is not a property of the items"),
            );
            continue;
        };
        if !matches!(type_of(p), "string" | "integer" | "number" | "boolean") && !flag(p, "x-kubernetes-int-or-string")
        {
            push(
                out,
                pointer,
                format!("x-kubernetes-list-map-keys: \"{name}\" must be a scalar"),
            );
        } else if !required.contains(&name) && p.get("default").is_none() {
            push(
                out,
                pointer,
                format!("x-kubernetes-list-map-keys: \"{name}\" must be required or have a default"),
            );
        }
    }
}

/// The branches of `allOf`, `anyOf`, `oneOf` and `not`, less the two int-or-string patterns the
/// API server exempts (`isIntOrStringAnyOfPattern`, `isIntOrStringAllOfPattern`), with or
/// without `x-kubernetes-int-or-string`.
fn junctors(s: &Map<String, Value>, at: &str, out: &mut Vec<Problem>) {
    for key in ["allOf", "anyOf", "oneOf"] {
        let Some(branches) = s.get(key).and_then(Value::as_array) else {
            continue;
        };
        let skipped = key == "anyOf" && is_int_or_string(branches);
        for (i, branch) in branches.iter().enumerate() {
            let here = format!("{at}/{key}/{i}");
            if !skipped {
                nested(branch, &here, key == "allOf" && i == 0, out);
                complete(s, branch, &here, out);
            }
        }
    }
    if let Some(not) = s.get("not") {
        let here = format!("{at}/not");
        nested(not, &here, false, out);
        complete(s, not, &here, out);
    }
}

/// `anyOf: [{type: integer}, {type: string}]`, the int-or-string pattern (branches that also
/// set other keywords to their zero value still match, as they do for the API server).
pub(super) fn is_int_or_string(branches: &[Value]) -> bool {
    let only_type = |branch: &Value, ty: &str| {
        branch.as_object().is_some_and(|b| {
            b.get("type").and_then(Value::as_str) == Some(ty)
                && b.iter().all(|(k, v)| k == "type" || !set_in_branch(k, v))
        })
    };
    matches!(branches, [a, b] if only_type(a, "integer") && only_type(b, "string"))
}

/// Whether a branch's keyword holds more than its zero value; keywords outside the
/// structural list count as set unless null.
fn set_in_branch(key: &str, value: &Value) -> bool {
    match NOT_IN_JUNCTORS.iter().find(|(k, _)| *k == key) {
        Some((_, zero)) => zero.is_set(value),
        None => !value.is_null(),
    }
}

/// A branch of a junctor: value validations only.
fn nested(branch: &Value, at: &str, skip_int_or_string: bool, out: &mut Vec<Problem>) {
    let Some(b) = branch.as_object() else {
        return;
    };
    unsupported(b, at, out);
    for (key, zero) in NOT_IN_JUNCTORS {
        if b.get(*key).is_some_and(|v| zero.is_set(v)) {
            push(
                out,
                format!("{at}/{}", token(key)),
                format!(
                    "\"{key}\" must be {} inside allOf, anyOf, oneOf or not to be structural",
                    zero.must_be()
                ),
            );
        }
    }
    let props = b.get("properties").and_then(Value::as_object);
    if props.is_some_and(|p| p.contains_key("metadata")) {
        push(
            out,
            format!("{at}/properties/metadata"),
            "metadata must not be specified in a nested context",
        );
    }
    for (name, p) in props.into_iter().flatten() {
        nested(p, &format!("{at}/properties/{}", token(name)), false, out);
    }
    if let Some(items) = b.get("items") {
        nested(items, &format!("{at}/items"), false, out);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for (i, inner) in b.get(key).and_then(Value::as_array).into_iter().flatten().enumerate() {
            let pattern = skip_int_or_string
                && key == "anyOf"
                && b.get("anyOf")
                    .and_then(Value::as_array)
                    .is_some_and(|a| is_int_or_string(a));
            if !pattern {
                nested(inner, &format!("{at}/{key}/{i}"), false, out);
            }
        }
    }
    if let Some(not) = b.get("not") {
        nested(not, &format!("{at}/not"), false, out);
    }
}

/// Every field and item a branch speaks of is specified outside the junctors too.
fn complete(structural: &Map<String, Value>, branch: &Value, at: &str, out: &mut Vec<Problem>) {
    let Some(b) = branch.as_object() else {
        return;
    };
    let outside = structural.get("properties").and_then(Value::as_object);
    for (name, p) in b.get("properties").and_then(Value::as_object).into_iter().flatten() {
        let here = format!("{at}/properties/{}", token(name));
        match outside.and_then(|o| o.get(name)).and_then(Value::as_object) {
            Some(s) => complete(s, p, &here, out),
            None if structural.get("additionalProperties").is_some_and(Value::is_object) => {}
            None if name == "metadata" => {}
            None => push(
                out,
                here,
                format!("\"{name}\" must also be specified outside allOf, anyOf, oneOf and not"),
            ),
        }
    }
    if let Some(items) = b.get("items") {
        let here = format!("{at}/items");
        match structural.get("items").and_then(Value::as_object) {
            Some(s) => complete(s, items, &here, out),
            None => push(
                out,
                here,
                "items must also be specified outside allOf, anyOf, oneOf and not",
            ),
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for (i, inner) in b.get(key).and_then(Value::as_array).into_iter().flatten().enumerate() {
            complete(structural, inner, &format!("{at}/{key}/{i}"), out);
        }
    }
    if let Some(not) = b.get("not") {
        complete(structural, not, &format!("{at}/not"), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn messages(schema: Value) -> Vec<(String, String)> {
        check(&schema).into_iter().map(|p| (p.pointer, p.message)).collect()
    }

    #[test]
    fn a_structural_schema_has_no_problem() {
        let schema = json!({"type": "object", "properties": {
            "metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 20}}},
            "spec": {"type": "object", "properties": {
                "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
                "any": {"x-kubernetes-preserve-unknown-fields": true},
                "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                          "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}},
                "a": {"type": "string"}
            }, "anyOf": [{"required": ["a"]}, {"properties": {"a": {"minLength": 2}}}]}
        }});
        assert_eq!(messages(schema), Vec::<(String, String)>::new());
    }

    #[test]
    fn the_api_server_rules_are_placed_at_their_key() {
        let schema = json!({"properties": {
            "metadata": {"type": "object", "properties": {"labels": {"type": "object"}}},
            "spec": {"type": "object", "additionalProperties": false, "properties": {
                "a": {"description": "no type"},
                "b": {"type": "array"},
                "c": {"type": "string", "$ref": "#/x"}
            }, "anyOf": [{"properties": {"d": {"type": "string"}}}]}
        }});
        let got = messages(schema);
        let at = |p: &str| got.iter().any(|(q, _)| q == p);
        assert!(at(""), "root type: {got:?}");
        assert!(at("/properties/metadata/properties"), "{got:?}");
        assert!(at("/properties/spec/additionalProperties"), "{got:?}");
        assert!(at("/properties/spec/properties/a"), "{got:?}");
        assert!(at("/properties/spec/properties/b/type"), "{got:?}");
        assert!(at("/properties/spec/properties/c/$ref"), "{got:?}");
        assert!(at("/properties/spec/anyOf/0/properties/d"), "{got:?}");
        assert!(at("/properties/spec/anyOf/0/properties/d/type"), "{got:?}");
    }

    #[test]
    fn list_map_keys_must_be_required_scalars() {
        let schema = json!({"type": "object", "properties": {"l": {
            "type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
            "items": {"type": "object", "properties": {"name": {"type": "string"}}}
        }}});
        let got = messages(schema);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "/properties/l/x-kubernetes-list-map-keys/0");
    }

    #[test]
    fn junctor_branches_may_hold_zero_values_only() {
        let zero = json!({"type": "object", "properties": {"a": {"type": "string"}}, "anyOf": [
            {"nullable": false, "title": "", "description": "", "type": "", "x-kubernetes-int-or-string": false,
             "x-kubernetes-list-map-keys": [], "default": null, "required": ["a"]}
        ]});
        assert_eq!(messages(zero), Vec::<(String, String)>::new());
        let set = json!({"type": "object", "properties": {"a": {"type": "string"}}, "anyOf": [
            {"nullable": true, "default": false, "x-kubernetes-list-type": "", "description": "d"}
        ]});
        let got = messages(set);
        let at: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            at,
            [
                "/anyOf/0/default",
                "/anyOf/0/description",
                "/anyOf/0/nullable",
                "/anyOf/0/x-kubernetes-list-type"
            ]
        );
        assert_eq!(
            got[2].1,
            "\"nullable\" must be false inside allOf, anyOf, oneOf or not to be structural"
        );
    }

    #[test]
    fn preserve_unknown_fields_false_is_refused_anywhere() {
        let schema = json!({"type": "object", "x-kubernetes-preserve-unknown-fields": false});
        let got = messages(schema);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "/x-kubernetes-preserve-unknown-fields");
    }

    #[test]
    fn set_items_must_be_atomic_as_the_api_server_says() {
        let list = |items: Value| {
            json!({"type": "object", "properties": {"l": {
            "type": "array", "x-kubernetes-list-type": "set", "items": items}}})
        };
        let ok = [
            json!({"type": "string"}),
            json!({"type": "array", "items": {"type": "string"}}),
            json!({"type": "array", "x-kubernetes-list-type": "atomic", "items": {"type": "string"}}),
            json!({"type": "object", "x-kubernetes-map-type": "atomic"}),
        ];
        for items in ok {
            assert_eq!(messages(list(items.clone())), Vec::<(String, String)>::new(), "{items}");
        }
        let got = messages(list(json!({"type": "object", "properties": {"a": {"type": "string"}}})));
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "/properties/l/items");
        let got = messages(list(json!({"type": "object", "x-kubernetes-map-type": "granular"})));
        assert_eq!(got[0].0, "/properties/l/items/x-kubernetes-map-type", "{got:?}");
        let got = messages(list(
            json!({"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}}),
        ));
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "/properties/l/items/x-kubernetes-list-type");
    }

    #[test]
    fn the_int_or_string_patterns_are_exempt_with_or_without_the_extension() {
        let pattern = json!([{"type": "integer"}, {"type": "string"}]);
        for extension in [json!({"x-kubernetes-int-or-string": true}), json!({"type": "string"})] {
            let mut any_of = extension.clone();
            any_of["anyOf"] = pattern.clone();
            let mut all_of = extension.clone();
            all_of["allOf"] = json!([{"anyOf": pattern}, {"maxLength": 3}]);
            let schema = json!({"type": "object", "properties": {"a": any_of, "b": all_of}});
            assert_eq!(messages(schema), Vec::<(String, String)>::new(), "{extension}");
        }
        // Anything more than the type is a validation of its own, and checked.
        let schema = json!({"type": "object", "properties": {"a": {"type": "string",
            "anyOf": [{"type": "integer", "minimum": 0}, {"type": "string"}]}}});
        assert_eq!(messages(schema).len(), 2);
    }

    #[test]
    fn items_as_an_array_of_schemas_is_refused() {
        let schema = json!({"type": "object", "properties": {"l": {"type": "array",
            "items": [{"type": "string"}, {"type": "integer"}]}}});
        let got = messages(schema);
        assert_eq!(
            got,
            [(
                "/properties/l/items".to_owned(),
                "items must be a schema object and not an array".to_owned()
            )]
        );
    }
}
