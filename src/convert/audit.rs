//! Checks of a conversion's promises, independent of the converters: every input leaf is
//! accounted for, and a mapped field comes back the same after converting there and back.
//! The tests run them on fixtures, generated inputs and the public corpus.

use super::cursor::{escape, leaves};
use super::input::Source;
use super::loss::{Coverage, EMPTY, Fate, Note};
use super::outcome::Conversion;
use crate::detect::{Detected, EcsShape, detect};
use crate::model::ecs::TaskDefinition;
use crate::model::quantity::Quantity;
use crate::model::quantity::{ecs_cpu, ecs_memory};
use crate::parse::Node;
use serde_json::Value;

/// The most specific note covering `path`.
pub fn covering<'n>(notes: &'n [Note], path: &str) -> Option<&'n Note> {
    Coverage::of(notes).covering(path)
}

/// Leaves of converted input objects that no note covers, or only an `unhandled` one:
/// `file: object: pointer`.
pub fn unaccounted(sources: &[Source], run: &Conversion) -> Vec<String> {
    let mut out = Vec::new();
    for o in &run.objects {
        let Some(doc) = sources
            .iter()
            .filter(|s| s.file == o.file)
            .flat_map(|s| &s.documents)
            .find(|d| d.index == o.document)
        else {
            out.push(format!("{}: {}: its document is missing", o.file, o.object));
            continue;
        };
        let Some((node, _)) = doc.root.as_ref().and_then(|r| r.pointer(&o.pointer)) else {
            out.push(format!("{}: {}: no node at {:?}", o.file, o.object, o.pointer));
            continue;
        };
        let mut all = Vec::new();
        leaves(node, &o.pointer, &mut all);
        let coverage = Coverage::of(&o.fields);
        for (leaf, _) in all {
            match coverage.covering(&leaf) {
                Some(n) if !n.unhandled => {}
                Some(_) => out.push(format!("{}: {}: {leaf} (unhandled)", o.file, o.object)),
                None => out.push(format!("{}: {}: {leaf} (no note)", o.file, o.object)),
            }
        }
    }
    out
}

/// A mapped field that did not come back the same.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub path: String,
    pub expected: Value,
    pub found: Option<Value>,
}

/// Keys that identify an item of a list, most specific first: lists are compared item by item
/// by these, since a conversion may reorder them (env values and secret references, init
/// containers after containers).
const ITEM_KEYS: &[&str] = &[
    "mountPath",
    "containerPath",
    "containerPort",
    "name",
    "containerName",
    "key",
    "ip",
    "hostname",
    "namespace",
];

/// For every leaf of `input` (an object at `prefix` in its document) whose most specific note is
/// mapped: the value at the same place in `output`, list items matched by name (or another
/// identifying key), must be the same. Quantities compare by value (`0.5` and `500m`), names by
/// their DNS-label form, and an empty mapping or list matches a missing one.
pub fn mapped_mismatches(input: &Value, prefix: &str, notes: &[Note], output: &Value) -> Vec<Mismatch> {
    let mut out = Vec::new();
    walk(input, prefix, &Coverage::of(notes), Some(output), &mut out);
    out
}

fn walk(input: &Value, path: &str, notes: &Coverage<'_>, output: Option<&Value>, out: &mut Vec<Mismatch>) {
    match input {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let child = output.and_then(|o| o.get(k));
                if child.is_none() && k == "hostPort" && map.get("containerPort") == Some(v) {
                    // An awsvpc host port equal to its container port is the default ECS fills in.
                    continue;
                }
                walk(v, &format!("{path}/{}", escape(k)), notes, child, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let found: Option<&Vec<Value>> = output.and_then(Value::as_array);
            for (i, item) in items.iter().enumerate() {
                let child = found.and_then(|list| matching(item, i, list));
                walk(item, &format!("{path}/{i}"), notes, child, out);
            }
        }
        leaf => {
            let Some(note) = notes.covering(path) else { return };
            if note.fate != Fate::Mapped || note.reason.as_deref() == Some(EMPTY) {
                return;
            }
            if output.is_none() && is_default(path, leaf) {
                return;
            }
            if !same(leaf, output, path) {
                out.push(Mismatch {
                    path: path.to_owned(),
                    expected: leaf.clone(),
                    found: output.cloned(),
                });
            }
        }
    }
}

/// The item of `list` standing for `item` (position `i` in its own list): the first
/// identifying key that finds one (a port is its number and protocol), else the position.
fn matching<'v>(item: &Value, i: usize, list: &'v [Value]) -> Option<&'v Value> {
    let Some(obj) = item.as_object() else {
        return list.get(i);
    };
    let protocol = |v: &Value| {
        v.get("protocol")
            .and_then(Value::as_str)
            .unwrap_or("tcp")
            .to_ascii_lowercase()
    };
    for key in ITEM_KEYS {
        let Some(id) = obj.get(*key).filter(|v| !v.is_object() && !v.is_array()) else {
            continue;
        };
        let found = list.iter().find(|o| {
            o.get(*key).is_some_and(|v| same_id(v, id)) && (*key != "containerPort" || protocol(o) == protocol(item))
        });
        if found.is_some() {
            return found;
        }
    }
    list.get(i)
}

/// Values the APIs take when a field is left out: writing them or not is the same object.
const DEFAULTS: &[(&str, &str)] = &[
    ("/restartPolicy", "Always"),
    ("/hostNetwork", "false"),
    ("/hostPID", "false"),
    ("/hostIPC", "false"),
    ("/shareProcessNamespace", "false"),
    ("/readOnly", "false"),
    ("/protocol", "TCP"),
    ("/protocol", "tcp"),
    ("/essential", "true"),
];

fn is_default(path: &str, value: &Value) -> bool {
    text(value).is_some_and(|t| DEFAULTS.iter().any(|(suffix, d)| path.ends_with(suffix) && t == *d))
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Names compare by their DNS-label form (web_app and web-app are one container).
fn same_id(a: &Value, b: &Value) -> bool {
    let norm = |v: &Value| text(v).map(|t| super::names::dns_label(&t));
    text(a) == text(b) || (norm(a).is_some() && norm(a) == norm(b))
}

fn same(expected: &Value, found: Option<&Value>, path: &str) -> bool {
    let empty = |v: &Value| v.as_object().is_some_and(|m| m.is_empty()) || v.as_array().is_some_and(|a| a.is_empty());
    if empty(expected) {
        // Mapped (not merely empty, which is skipped): it must be there, as `emptyDir: {}`.
        return found.is_some_and(|f| f.is_object() || f.is_array());
    }
    let Some(found) = found else { return false };
    let (Some(a), Some(b)) = (text(expected), text(found)) else {
        return expected == found;
    };
    if a == b {
        return true;
    }
    if let (Some(x), Some(y)) = (Quantity::parse_amount(&a), Quantity::parse_amount(&b)) {
        if x.same(y) {
            return true;
        }
    }
    if path.ends_with("/cpu") {
        if let (Some(x), Some(y)) = (ecs_cpu(&a), ecs_cpu(&b)) {
            return x == y;
        }
    }
    if path.ends_with("/memory") {
        if let (Some(x), Some(y)) = (ecs_memory(&a), ecs_memory(&b)) {
            return x == y;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn note(path: &str, fate: Fate) -> Note {
        Note {
            file: None,
            path: path.into(),
            line: 0,
            column: 0,
            fate,
            to: None,
            reason: None,
            fix: None,
            security: false,
            unhandled: false,
            offset: 0,
        }
    }

    #[test]
    fn lists_match_by_name_and_values_by_meaning() {
        let input = json!({"env": [{"name": "A", "value": "1"}, {"name": "B", "value": "x"}], "cpu": "0.5", "drop": {}, "hostPID": false});
        let output =
            json!({"env": [{"name": "B", "value": "x"}, {"name": "A", "value": "1"}], "cpu": "500m", "drop": {}});
        let notes = [note("", Fate::Mapped)];
        assert!(mapped_mismatches(&input, "", &notes, &output).is_empty());
        let changed = json!({"env": [{"name": "A", "value": "2"}], "cpu": "500m", "drop": []});
        let m = mapped_mismatches(&input, "", &notes, &changed);
        assert_eq!(
            m.iter().map(|m| m.path.as_str()).collect::<Vec<_>>(),
            ["/env/0/value", "/env/1/name", "/env/1/value"]
        );
        let approximated = [note("", Fate::Mapped), note("/env", Fate::Approximated)];
        assert!(mapped_mismatches(&input, "", &approximated, &changed).is_empty());
    }
}

/// One input object converted to the other side and back.
#[derive(Debug, Clone)]
pub struct RoundTrip {
    pub file: String,
    pub object: String,
    /// Both conversions succeeded.
    pub converted: bool,
    pub mismatches: Vec<Mismatch>,
    /// Nothing was approximated or dropped on the way there.
    pub lossless: bool,
}

fn kind_of(label: &str) -> &str {
    label.split('/').next().unwrap_or(label)
}

fn object_node<'s>(sources: &'s [Source], file: &str, document: usize, pointer: &str) -> Option<&'s Node> {
    let doc = sources
        .iter()
        .filter(|s| s.file == file)
        .flat_map(|s| &s.documents)
        .find(|d| d.index == document)?;
    Some(doc.root.as_ref()?.pointer(pointer)?.0)
}

/// The ECS shape of an input object, and its task definition as JSON (describe output unwrapped
/// by the model).
fn task_definition(node: &Node) -> Option<(EcsShape, Value)> {
    let Detected::Ecs { shape, .. } = detect(node) else {
        return None;
    };
    TaskDefinition::of(node, shape).map(|t| (shape, t.node.to_json()))
}

/// Kubernetes workloads -> ECS (task definition and service) -> Kubernetes (the same kind).
pub fn k8s_round_trip(texts: &[(&str, &str)], opts: &super::Options) -> Vec<RoundTrip> {
    let sources = parse(texts);
    let there = super::convert(&sources, opts);
    let mut out = Vec::new();
    for report in &there.objects {
        let kind = kind_of(&report.object);
        if !super::WORKLOADS.contains(&kind) {
            continue;
        }
        let mut trip = RoundTrip {
            file: report.file.clone(),
            object: report.object.clone(),
            converted: false,
            mismatches: Vec::new(),
            lossless: report.counts.approximated == 0 && report.counts.dropped == 0,
        };
        let files: Vec<(&str, &str)> = there
            .outputs
            .iter()
            .filter(|o| report.outputs.contains(&o.file))
            .map(|o| (o.file.as_str(), o.text.as_str()))
            .collect();
        let mut back_opts = opts.clone();
        back_opts.to = super::To::K8s;
        back_opts.kind = super::Kind::from_name(kind);
        let back = super::convert_texts(&files, &back_opts);
        let workload = back.outputs.first().and_then(|o| {
            crate::parse::yaml_text(&o.text, &crate::parse::Limits::default())
                .into_iter()
                .filter_map(|d| d.root.map(|r| r.to_json()))
                .find(|v| v.get("kind").and_then(Value::as_str) == Some(kind))
        });
        let input = object_node(&sources, &report.file, report.document, &report.pointer).map(Node::to_json);
        if let (Some(input), Some(workload), None) = (input, workload, &report.error) {
            trip.converted = true;
            trip.mismatches = mapped_mismatches(&input, &report.pointer, &report.fields, &workload);
        }
        out.push(trip);
    }
    out
}

/// ECS task definitions (with their services) -> Kubernetes -> ECS, for the launch type each
/// task definition asks for.
pub fn ecs_round_trip(texts: &[(&str, &str)], opts: &super::Options) -> Vec<RoundTrip> {
    let sources = parse(texts);
    let there = super::convert(&sources, opts);
    let mut out = Vec::new();
    for report in &there.objects {
        let kind = kind_of(&report.object);
        if !matches!(kind, "TaskDefinition" | "ContainerDefinitions" | "EcsService") {
            continue;
        }
        let mut trip = RoundTrip {
            file: report.file.clone(),
            object: report.object.clone(),
            converted: false,
            mismatches: Vec::new(),
            lossless: report.counts.approximated == 0 && report.counts.dropped == 0,
        };
        let Some(k8s) = there.outputs.iter().find(|o| report.outputs.contains(&o.file)) else {
            out.push(trip);
            continue;
        };
        let Some(input_node) = object_node(&sources, &report.file, report.document, &report.pointer) else {
            out.push(trip);
            continue;
        };
        let input = input_node.to_json();
        let task_node = if kind == "EcsService" {
            // The task definition converted with this service: the first in the same output.
            there
                .objects
                .iter()
                .find(|o| o.outputs == report.outputs && kind_of(&o.object) != "EcsService")
                .and_then(|o| object_node(&sources, &o.file, o.document, &o.pointer))
        } else {
            Some(input_node)
        };
        let td = task_node.and_then(task_definition).map(|(_, td)| td);
        let fargate = td
            .as_ref()
            .and_then(|t| t.get("requiresCompatibilities"))
            .and_then(Value::as_array)
            .is_some_and(|c| c.iter().any(|v| v == "FARGATE"));
        let mut back_opts = opts.clone();
        back_opts.to = super::To::Ecs;
        back_opts.kind = None;
        back_opts.launch_type = if fargate {
            super::LaunchType::Fargate
        } else {
            super::LaunchType::Ec2
        };
        let back = super::convert_texts(&[(k8s.file.as_str(), k8s.text.as_str())], &back_opts);
        let role = if kind == "EcsService" {
            super::outcome::Role::Service
        } else {
            super::outcome::Role::TaskDefinition
        };
        // No output of that role (a Pod has no ECS service): every mapped field is missing.
        let written = back
            .outputs
            .iter()
            .find(|o| o.role == role)
            .and_then(|o| serde_json::from_str::<Value>(&o.text).ok())
            .unwrap_or(Value::Null);
        let shaped = if kind == "EcsService" {
            written
        } else if task_definition(input_node).is_some_and(|(shape, _)| shape == EcsShape::Describe) {
            serde_json::json!({"taskDefinition": written, "tags": written.get("tags").cloned().unwrap_or(Value::Null)})
        } else if input.is_array() {
            written.get("containerDefinitions").cloned().unwrap_or(Value::Null)
        } else {
            written
        };
        if report.error.is_none() {
            trip.converted = true;
            trip.mismatches = mapped_mismatches(&input, &report.pointer, &report.fields, &shaped);
        }
        out.push(trip);
    }
    out
}

fn parse(texts: &[(&str, &str)]) -> Vec<Source> {
    texts
        .iter()
        .map(|(name, text)| super::input::parse_bytes(name, text.as_bytes(), name.ends_with(".json")).0)
        .collect()
}
