//! A resource's values in Terraform's shape (snake_case arguments, blocks as arrays of objects:
//! what a plan holds, and what the `.tf` reader builds) -> the ECS API's shape, node by node so
//! every value keeps its span, with the pointer map from API pointers to Terraform ones.

use super::schema::{Field, Shape, TERRAFORM_ONLY};
use crate::frontend::Unknown;
use crate::parse::{Entry, Node, NodeKind, Scalar, ScalarStyle, Span};
use std::collections::HashSet;

/// What a rewrite needs besides the values, and what it finds on the way.
pub struct Rewrite<'a> {
    /// Spans of values that stand for something unknown: kept as they are.
    pub unknown: &'a HashSet<Span>,
    /// `container_definitions` written as a JSON string (a plan's) -> its tree.
    pub decode: &'a mut dyn FnMut(&Node) -> Option<Node>,
    /// Name arguments k2e does not know (in a `.tf` file; a plan's computed attributes are not).
    pub note_unknown_arguments: bool,
    pub notes: Vec<String>,
    pub pointers: Vec<(String, String)>,
}

impl Rewrite<'_> {
    /// The object of `fields` from the Terraform object `tf`; `api` and `src` are its pointers
    /// (API pointer relative to the resource, Terraform pointer in the document).
    pub fn object(&mut self, fields: &[Field], tf: &Node, api: &str, src: &str) -> Node {
        let mut out = Node {
            span: tf.span,
            kind: NodeKind::Map(Vec::new()),
        };
        for entry in tf.as_map().unwrap_or_default() {
            let Some(field) = fields.iter().find(|f| f.tf == entry.key) else {
                if self.note_unknown_arguments && !TERRAFORM_ONLY.contains(&entry.key.as_str()) {
                    self.notes.push(format!(
                        "`{}` is not an argument k2e knows here; not checked",
                        entry.key
                    ));
                }
                continue;
            };
            if is_null(&entry.value) {
                continue;
            }
            let api_here = format!("{api}/{}", field.api);
            let src_here = format!("{src}/{}", entry.key);
            let Some(value) = self.value(field.shape, &entry.value, &api_here, &src_here) else {
                continue;
            };
            self.pointers.push((api_here, src_here));
            insert(&mut out, field.api, entry.key_span, value);
        }
        out
    }

    fn value(&mut self, shape: Shape, tf: &Node, api: &str, src: &str) -> Option<Node> {
        if self.unknown.contains(&tf.span) {
            return Some(tf.clone());
        }
        Some(match shape {
            Shape::Str => to_str(tf),
            Shape::Int => to_int(tf),
            Shape::Bool => to_bool(tf),
            Shape::StrList => map_items(tf, to_str),
            Shape::Map => tf.clone(),
            Shape::Tags => pairs(tf, "key"),
            Shape::NameValues => pairs(tf, "name"),
            Shape::Enabled => enabled(tf),
            Shape::Containers if tf.as_str().is_some() => (self.decode)(tf)?,
            Shape::Containers => tf.clone(),
            Shape::One(fields) => self.one(fields, tf, api, src)?,
            Shape::Many(fields) => self.many(fields, tf, api, src),
        })
    }

    fn one(&mut self, fields: &[Field], tf: &Node, api: &str, src: &str) -> Option<Node> {
        match &tf.kind {
            NodeKind::Seq(items) => {
                let first = items.first()?;
                if items.len() > 1 {
                    self.notes.push(format!(
                        "more than one `{}` block: only the first is read",
                        last_token(src)
                    ));
                }
                let src = format!("{src}/0");
                Some(self.item(fields, first, api, &src))
            }
            NodeKind::Map(_) => Some(self.object(fields, tf, api, src)),
            NodeKind::Scalar { .. } => Some(tf.clone()),
        }
    }

    fn many(&mut self, fields: &[Field], tf: &Node, api: &str, src: &str) -> Node {
        let NodeKind::Seq(items) = &tf.kind else {
            return tf.clone();
        };
        let items = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let (api, src) = (format!("{api}/{i}"), format!("{src}/{i}"));
                self.pointers.push((api.clone(), src.clone()));
                self.item(fields, item, &api, &src)
            })
            .collect();
        Node {
            span: tf.span,
            kind: NodeKind::Seq(items),
        }
    }

    fn item(&mut self, fields: &[Field], tf: &Node, api: &str, src: &str) -> Node {
        if self.unknown.contains(&tf.span) || tf.as_map().is_none() {
            return tf.clone();
        }
        self.object(fields, tf, api, src)
    }
}

/// The unknown values of an API-shaped tree: every node whose span is one of `unknown`.
pub fn unknowns(node: &Node, unknown: &HashSet<Span>, pointer: &str, out: &mut Vec<Unknown>) {
    if unknown.contains(&node.span) {
        out.push(Unknown {
            span: node.span,
            pointer: pointer.to_owned(),
        });
        return;
    }
    match &node.kind {
        NodeKind::Scalar { .. } => {}
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                unknowns(item, unknown, &format!("{pointer}/{i}"), out);
            }
        }
        NodeKind::Map(entries) => {
            for e in entries {
                let token = crate::parse::pointer_token(&e.key);
                unknowns(&e.value, unknown, &format!("{pointer}/{token}"), out);
            }
        }
    }
}

/// The API pointer of the first node (outermost, in order) at `span`.
pub fn pointer_of(node: &Node, span: Span, pointer: &str) -> Option<String> {
    if node.span == span {
        return Some(pointer.to_owned());
    }
    match &node.kind {
        NodeKind::Scalar { .. } => None,
        NodeKind::Seq(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| pointer_of(item, span, &format!("{pointer}/{i}"))),
        NodeKind::Map(entries) => entries.iter().find_map(|e| {
            let token = crate::parse::pointer_token(&e.key);
            pointer_of(&e.value, span, &format!("{pointer}/{token}"))
        }),
    }
}

fn last_token(pointer: &str) -> &str {
    pointer.rsplit('/').next().unwrap_or(pointer)
}

fn is_null(node: &Node) -> bool {
    matches!(
        node.kind,
        NodeKind::Scalar {
            value: Scalar::Null,
            ..
        }
    )
}

/// Puts `value` at `path` (`a/b` creates the object `a`, spanning the key that asked for it).
fn insert(out: &mut Node, path: &str, key_span: Span, value: Node) {
    let NodeKind::Map(entries) = &mut out.kind else {
        return;
    };
    match path.split_once('/') {
        None => entries.push(Entry {
            key: path.to_owned(),
            key_span,
            value,
        }),
        Some((head, rest)) => {
            let at = match entries.iter().position(|e| e.key == head) {
                Some(at) => at,
                None => {
                    entries.push(Entry {
                        key: head.to_owned(),
                        key_span,
                        value: Node {
                            span: key_span,
                            kind: NodeKind::Map(Vec::new()),
                        },
                    });
                    entries.len() - 1
                }
            };
            insert(&mut entries[at].value, rest, key_span, value);
        }
    }
}

pub fn scalar(span: Span, value: Scalar) -> Node {
    Node {
        span,
        kind: NodeKind::Scalar {
            value,
            style: ScalarStyle::Json,
        },
    }
}

fn to_str(node: &Node) -> Node {
    match &node.kind {
        NodeKind::Scalar {
            value: Scalar::Number(_) | Scalar::Bool(_),
            ..
        } => scalar(node.span, Scalar::Str(node.scalar_text().unwrap_or_default())),
        _ => node.clone(),
    }
}

fn to_int(node: &Node) -> Node {
    match node.as_str().map(|s| s.trim().parse::<serde_json::Number>()) {
        Some(Ok(n)) => scalar(node.span, Scalar::Number(n)),
        _ => node.clone(),
    }
}

fn to_bool(node: &Node) -> Node {
    match node.as_str() {
        Some("true") => scalar(node.span, Scalar::Bool(true)),
        Some("false") => scalar(node.span, Scalar::Bool(false)),
        _ => node.clone(),
    }
}

fn enabled(node: &Node) -> Node {
    match to_bool(node).kind {
        NodeKind::Scalar {
            value: Scalar::Bool(b), ..
        } => scalar(node.span, Scalar::Str(if b { "ENABLED" } else { "DISABLED" }.into())),
        _ => node.clone(),
    }
}

fn map_items(node: &Node, each: fn(&Node) -> Node) -> Node {
    match &node.kind {
        NodeKind::Seq(items) => Node {
            span: node.span,
            kind: NodeKind::Seq(items.iter().map(each).collect()),
        },
        _ => node.clone(),
    }
}

/// `{ Name = "web" }` -> `[{ key: "Name", value: "web" }]` (`key` named `key_name`).
fn pairs(node: &Node, key_name: &str) -> Node {
    let Some(entries) = node.as_map() else {
        return node.clone();
    };
    let items = entries
        .iter()
        .map(|e| Node {
            span: Span::new(e.key_span.start, e.value.span.end.max(e.key_span.end)),
            kind: NodeKind::Map(vec![
                Entry {
                    key: key_name.to_owned(),
                    key_span: e.key_span,
                    value: scalar(e.key_span, Scalar::Str(e.key.clone())),
                },
                Entry {
                    key: "value".to_owned(),
                    key_span: e.key_span,
                    value: to_str(&e.value),
                },
            ]),
        })
        .collect();
    Node {
        span: node.span,
        kind: NodeKind::Seq(items),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::terraform::schema::{SERVICE, TASK_DEFINITION};
    use crate::parse::{Limits, json};

    fn rewrite(fields: &[Field], text: &str, unknown: &[Span]) -> (Node, Rewrite<'static>) {
        let doc = json(text, 0, &Limits::default());
        let unknown: &'static HashSet<Span> = Box::leak(Box::new(unknown.iter().copied().collect()));
        let decode: &'static mut dyn FnMut(&Node) -> Option<Node> = Box::leak(Box::new(|_: &Node| None));
        let mut r = Rewrite {
            unknown,
            decode,
            note_unknown_arguments: true,
            notes: Vec::new(),
            pointers: Vec::new(),
        };
        let node = r.object(fields, doc.root.as_ref().unwrap(), "", "/r");
        (node, r)
    }

    #[test]
    fn task_definition_arguments_take_the_api_names_and_types() {
        let text = r#"{"family": "web", "cpu": 256, "memory": "512", "network_mode": "awsvpc",
            "volume": [{"name": "data", "host_path": "/d", "efs_volume_configuration": [{"file_system_id": "fs", "transit_encryption_port": "2049"}]}],
            "runtime_platform": [{"cpu_architecture": "ARM64"}], "tags": {"team": "a"},
            "ephemeral_storage": [], "skip_destroy": true, "bogus": 1, "pid_mode": null}"#;
        let (node, r) = rewrite(TASK_DEFINITION, text, &[]);
        assert_eq!(
            node.to_json(),
            serde_json::json!({"family": "web", "cpu": "256", "memory": "512", "networkMode": "awsvpc",
                "volumes": [{"name": "data", "host": {"sourcePath": "/d"},
                    "efsVolumeConfiguration": {"fileSystemId": "fs", "transitEncryptionPort": 2049}}],
                "runtimePlatform": {"cpuArchitecture": "ARM64"}, "tags": [{"key": "team", "value": "a"}]})
        );
        assert_eq!(r.notes, ["`bogus` is not an argument k2e knows here; not checked"]);
        let pointer = |api: &str| r.pointers.iter().find(|(a, _)| a == api).map(|(_, s)| s.as_str());
        assert_eq!(pointer("/volumes/0"), Some("/r/volume/0"));
        assert_eq!(pointer("/volumes/0/host/sourcePath"), Some("/r/volume/0/host_path"));
        assert_eq!(
            pointer("/runtimePlatform/cpuArchitecture"),
            Some("/r/runtime_platform/0/cpu_architecture")
        );
    }

    #[test]
    fn service_blocks_nest_where_the_api_wants_them() {
        let text = r#"{"name": "s", "desired_count": "2", "deployment_maximum_percent": 200,
            "deployment_minimum_healthy_percent": 50,
            "network_configuration": [{"subnets": ["a"], "assign_public_ip": false}],
            "ordered_placement_strategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}]}"#;
        let (node, _) = rewrite(SERVICE, text, &[]);
        assert_eq!(
            node.to_json(),
            serde_json::json!({"serviceName": "s", "desiredCount": 2,
                "deploymentConfiguration": {"maximumPercent": 200, "minimumHealthyPercent": 50},
                "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["a"], "assignPublicIp": "DISABLED"}},
                "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}]})
        );
    }

    #[test]
    fn unknown_values_are_kept_and_found_by_span() {
        let text = r#"{"cpu": "var.cpu", "volume": "dynamic"}"#;
        let unknown = [Span::new(8, 17), Span::new(29, 38)];
        let (node, _) = rewrite(TASK_DEFINITION, text, &unknown);
        let mut found = Vec::new();
        unknowns(&node, &unknown.iter().copied().collect(), "", &mut found);
        let pointers: Vec<&str> = found.iter().map(|u| u.pointer.as_str()).collect();
        assert_eq!(pointers, ["/cpu", "/volumes"]);
    }
}
