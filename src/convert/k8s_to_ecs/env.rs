//! env and envFrom -> `environment` (literal values) and `secrets` (Secret and ConfigMap keys,
//! as Secrets Manager and SSM Parameter Store ARNs from --secret-arn / --config-map-arn).
//! Secret values are never written: only the ARN the container reads them from.

use super::container::has_reference;
use super::task::Container;
use super::{Cx, td};
use crate::convert::cursor::At;
use crate::convert::references::{RefKind, key_arn, key_ref};
use crate::convert::value::Value;
use crate::convert_map;
use std::collections::{BTreeMap, BTreeSet};

/// Which definition of each variable reaches the container. Kubernetes prefers an explicit
/// `env` entry to `envFrom`, a later `env` entry to an earlier one of the same name, and a later
/// `envFrom` source to an earlier one; ECS rejects or arbitrarily resolves the same name twice,
/// so only the winner is written.
#[derive(Debug, Default)]
pub struct Plan {
    /// Variable name -> index of the `env` entry that defines it (the last of that name).
    env: BTreeMap<String, usize>,
    /// Per `envFrom` source, in order: the variable names it gives (prefix included).
    sources: Vec<BTreeSet<String>>,
}

pub fn plan(cx: &Cx<'_, '_>, container: &At<'_>) -> Plan {
    let mut plan = Plan::default();
    for (i, item) in container
        .get("env")
        .map(|e| e.items())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if let Some(name) = item.get("name").and_then(|n| n.str()) {
            plan.env.insert(name.to_owned(), i);
        }
    }
    for item in container.get("envFrom").map(|e| e.items()).unwrap_or_default() {
        let names = source(&item)
            .and_then(|(kind, name, prefix)| Some((source_keys(cx, kind, name)?, prefix)))
            .map(|(keys, prefix)| keys.iter().map(|k| format!("{prefix}{k}")).collect())
            .unwrap_or_default();
        plan.sources.push(names);
    }
    plan
}

impl Plan {
    /// Whether `name` from envFrom source `i` is set again by env or a later source.
    fn overridden(&self, name: &str, i: usize) -> bool {
        self.env.contains_key(name) || self.sources.iter().skip(i + 1).any(|s| s.contains(name))
    }
}

pub fn env(cx: &mut Cx<'_, '_>, at: &At<'_>, c: &mut Container, index: usize, plan: &Plan) {
    if !at.is_seq() {
        cx.ledger.invalid(at, "a list of environment variables");
        return;
    }
    if at.items().is_empty() {
        cx.ledger.empty(at);
    }
    for (i, item) in at.items().into_iter().enumerate() {
        let Some(name) = item.get("name").and_then(|n| n.str()) else {
            cx.ledger.invalid(&item, "an environment variable with a name");
            continue;
        };
        if plan.env.get(name).is_some_and(|last| *last != i) {
            cx.ledger.dropped(
                &item,
                format!("a later env entry also named {name} replaces this one: Kubernetes uses the last"),
                "remove this entry",
            );
            continue;
        }
        for (key, field) in item.entries() {
            if !matches!(key, "name" | "value" | "valueFrom") {
                cx.ledger.unknown(&field, "EnvVar");
            }
        }
        let Some(value_from) = item.get("valueFrom") else {
            let j = c
                .map
                .get("environment")
                .and_then(Value::as_list)
                .map_or(0, <[Value]>::len);
            let p = |f: &str| td(format!("/containerDefinitions/{index}/environment/{j}/{f}"));
            let value = item.get("value");
            let text = value.as_ref().and_then(|v| v.text()).unwrap_or_default();
            if let Some(v) = &value {
                if has_reference(&text) {
                    cx.ledger.approx(
                        v,
                        p("value"),
                        "ECS does not expand $(VAR) references in values: the variable holds the text as written",
                    );
                } else if v.is_null() || v.text().is_some() {
                    cx.ledger.mapped(v, p("value"));
                } else {
                    cx.ledger.invalid(v, "a string");
                }
            }
            if let Some(n) = item.get("name") {
                cx.ledger.mapped(&n, p("name"));
            }
            c.map
                .list_mut("environment")
                .push(Value::Map(convert_map! {"name" => name, "value" => text}));
            continue;
        };
        value_from_ref(cx, &item, name, &value_from, c, index);
    }
}

fn value_from_ref(cx: &mut Cx<'_, '_>, item: &At<'_>, name: &str, vf: &At<'_>, c: &mut Container, index: usize) {
    let refs = [
        ("secretKeyRef", RefKind::Secret),
        ("configMapKeyRef", RefKind::ConfigMap),
    ];
    let found = refs.iter().find_map(|(k, kind)| vf.get(k).map(|r| (r, *kind)));
    let Some((reference, kind)) = found else {
        let field = vf.entries().first().map(|(k, _)| *k).unwrap_or_default().to_owned();
        let fix = match field.as_str() {
            "fieldRef" => match vf
                .get("fieldRef")
                .and_then(|f| f.get("fieldPath"))
                .and_then(|p| p.text())
                .as_deref()
            {
                Some("metadata.namespace") => {
                    // A constant for the pod's life: write it as a value.
                    let j = c
                        .map
                        .get("environment")
                        .and_then(Value::as_list)
                        .map_or(0, <[Value]>::len);
                    c.map.list_mut("environment").push(Value::Map(
                        convert_map! {"name" => name, "value" => cx.namespace.clone()},
                    ));
                    cx.ledger.approx(
                        item,
                        td(format!("/containerDefinitions/{index}/environment/{j}")),
                        format!(
                            "the namespace is fixed for the task: written as the value {:?}",
                            cx.namespace
                        ),
                    );
                    return;
                }
                _ => {
                    "read the task's details (task ARN, IP addresses, limits) from the task metadata endpoint at $ECS_CONTAINER_METADATA_URI_V4/task"
                }
            },
            "resourceFieldRef" => {
                "read the limits from the task metadata endpoint ($ECS_CONTAINER_METADATA_URI_V4/task), or write them as values"
            }
            _ => "nothing to convert",
        };
        cx.ledger
            .dropped(item, format!("ECS has no counterpart of valueFrom.{field}"), fix);
        return;
    };
    let secret = reference.get("name").and_then(|n| n.str());
    let key = reference.get("key").and_then(|k| k.str());
    let (Some(secret), Some(key)) = (secret, key) else {
        cx.ledger.invalid(item, "a reference with name and key");
        return;
    };
    let arn = key_arn(cx.opts, kind, &cx.namespace, secret, key);
    let j = c.map.get("secrets").and_then(Value::as_list).map_or(0, <[Value]>::len);
    let p = |f: &str| td(format!("/containerDefinitions/{index}/secrets/{j}/{f}"));
    let back = key_ref(cx.opts, &arn, name);
    let exact = back.exact && back.kind == kind && back.name == secret && back.key == key;
    for (k, field) in item.entries() {
        match k {
            "name" => cx.ledger.mapped(&field, p("name")),
            "value" => cx.ledger.dropped(
                &field,
                "valueFrom is set: Kubernetes rejects value with it",
                "remove value",
            ),
            _ => {}
        }
    }
    for (k, field) in vf.entries() {
        if k != "secretKeyRef" && k != "configMapKeyRef" {
            cx.ledger.unknown(&field, "EnvVarSource");
        }
    }
    for (k, field) in reference.entries() {
        match k {
            "name" | "key" if exact => cx.ledger.mapped(&field, p("valueFrom")),
            "name" | "key" => cx.ledger.approx(
                &field,
                p("valueFrom"),
                format!("{} ARN from a name that is not a valid {}: converting back gives {}/{}", kind.kind(), kind.kind(), back.name, back.key),
            ),
            "optional" => match field.bool() {
                Some(false) => cx.ledger.mapped(&field, p("valueFrom")),
                _ => cx.ledger.approx(
                    &field,
                    p("valueFrom"),
                    "ECS fails to start the task when the secret or parameter is missing: there is no optional reference",
                ),
            },
            _ => cx.ledger.unknown(&field, if kind == RefKind::Secret { "SecretKeySelector" } else { "ConfigMapKeySelector" }),
        }
    }
    cx.uses
        .keys
        .entry((kind, cx.namespace.clone(), secret.to_owned()))
        .or_default()
        .insert(key.to_owned(), arn.clone());
    c.map
        .list_mut("secrets")
        .push(Value::Map(convert_map! {"name" => name, "valueFrom" => arn}));
}

/// The Secret or ConfigMap an envFrom source names, and its prefix.
fn source<'a>(item: &At<'a>) -> Option<(RefKind, &'a str, String)> {
    let prefix = item.get("prefix").and_then(|p| p.text()).unwrap_or_default();
    let (reference, kind) = [("secretRef", RefKind::Secret), ("configMapRef", RefKind::ConfigMap)]
        .into_iter()
        .find_map(|(k, kind)| item.get(k).map(|r| (r, kind)))?;
    Some((kind, reference.get("name")?.str()?, prefix))
}

/// The keys of a Secret or ConfigMap among the inputs, sorted, or None when it is not there.
fn source_keys(cx: &Cx<'_, '_>, kind: RefKind, name: &str) -> Option<Vec<String>> {
    let object = cx.catalog.find(kind.kind(), &cx.namespace, name)?;
    let sections: &[&str] = if kind == RefKind::Secret {
        &["data", "stringData"]
    } else {
        &["data"]
    };
    let mut keys: Vec<String> = Vec::new();
    for section in sections {
        if let Some(data) = object.obj.node.get(section).and_then(|d| d.as_map()) {
            keys.extend(data.iter().map(|e| e.key.clone()));
        }
    }
    keys.sort();
    keys.dedup();
    Some(keys)
}

pub fn env_from(cx: &mut Cx<'_, '_>, at: &At<'_>, c: &mut Container, index: usize, plan: &Plan) {
    if !at.is_seq() {
        cx.ledger.invalid(at, "a list of sources");
        return;
    }
    if at.items().is_empty() {
        cx.ledger.empty(at);
    }
    for (i, item) in at.items().into_iter().enumerate() {
        let has_ref = item.get("secretRef").is_some() || item.get("configMapRef").is_some();
        let Some((kind, name, prefix)) = source(&item) else {
            let expected = if has_ref {
                "a reference with a name"
            } else {
                "an envFrom source with secretRef or configMapRef"
            };
            cx.ledger.invalid(&item, expected);
            continue;
        };
        let Some(keys) = source_keys(cx, kind, name) else {
            cx.ledger.dropped(
                &item,
                format!("the {} {name} is not among the inputs, so its keys are unknown", kind.kind()),
                format!(
                    "convert it together with the {} manifest (its keys become one secret each), or list the keys with valueFrom",
                    kind.kind()
                ),
            );
            continue;
        };
        let (keys, hidden): (Vec<String>, Vec<String>) = keys
            .into_iter()
            .partition(|k| !plan.overridden(&format!("{prefix}{k}"), i));
        let first = c.map.get("secrets").and_then(Value::as_list).map_or(0, <[Value]>::len);
        let hidden_note = if hidden.is_empty() {
            String::new()
        } else {
            format!(
                "; {} key(s) left out because env or a later envFrom source sets them, which Kubernetes prefers: {}",
                hidden.len(),
                hidden.join(", ")
            )
        };
        if keys.is_empty() {
            cx.ledger.approx(
                &item,
                td(format!("/containerDefinitions/{index}")),
                format!(
                    "no key of the {} {name} reaches the container{hidden_note}",
                    kind.kind()
                ),
            );
            continue;
        }
        for key in &keys {
            let arn = key_arn(cx.opts, kind, &cx.namespace, name, key);
            cx.uses
                .keys
                .entry((kind, cx.namespace.clone(), name.to_owned()))
                .or_default()
                .insert(key.clone(), arn.clone());
            c.map.list_mut("secrets").push(Value::Map(
                convert_map! {"name" => format!("{prefix}{key}"), "valueFrom" => arn},
            ));
        }
        cx.ledger.approx(
            &item,
            td(format!("/containerDefinitions/{index}/secrets/{first}")),
            format!(
                "ECS references one key at a time: expanded to the {} key(s) the {} {name} has in the input; keys added later are not picked up, and converting back lists them with valueFrom{hidden_note}",
                keys.len(),
                kind.kind()
            ),
        );
    }
}
