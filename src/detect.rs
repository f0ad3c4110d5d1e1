//! What a parsed document is: Kubernetes objects, an ECS task definition, or neither.

use crate::parse::{Node, NodeKind};

/// A Kubernetes object found in a document (a `List` yields one per item).
#[derive(Debug)]
pub struct K8sObject<'a> {
    pub node: &'a Node,
    /// Pointer of the object inside the document ("" or "/items/3").
    pub pointer: String,
    pub api_version: &'a str,
    pub kind: &'a str,
    pub name: Option<&'a str>,
}

impl K8sObject<'_> {
    /// `Deployment/web`, for messages.
    pub fn label(&self) -> String {
        match self.name {
            Some(name) => format!("{}/{}", self.kind, name),
            None => self.kind.to_owned(),
        }
    }

    /// (group, version) from apiVersion: "apps/v1" -> ("apps", "v1"), "v1" -> ("", "v1").
    pub fn group_version(&self) -> (&str, &str) {
        self.api_version.rsplit_once('/').unwrap_or(("", self.api_version))
    }
}

/// The shapes an ECS task definition arrives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EcsShape {
    /// RegisterTaskDefinition input (`aws ecs register-task-definition --cli-input-json`).
    Register,
    /// `aws ecs describe-task-definition` output: `{"taskDefinition": {...}, "tags": [...]}`.
    Describe,
    /// A bare `containerDefinitions` array (Terraform's `container_definitions`).
    ContainerDefinitions,
}

#[derive(Debug)]
pub enum Detected<'a> {
    Kubernetes(Vec<K8sObject<'a>>),
    Ecs {
        shape: EcsShape,
        family: Option<&'a str>,
    },
    /// An ECS service (`aws ecs create-service --cli-input-json`): `serviceName` and a
    /// `taskDefinition` given by family, family:revision or ARN.
    EcsService {
        name: Option<&'a str>,
    },
    /// Not something k2e checks; the reason is shown in verbose and JSON output.
    Unknown(&'static str),
}

/// An Application Auto Scaling input for an ECS service: RegisterScalableTarget
/// (`aws application-autoscaling register-scalable-target --cli-input-json`) or PutScalingPolicy.
/// `detect` calls these Unknown (lint has no rules for them); convert reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EcsScaling {
    Target,
    Policy,
}

pub fn ecs_scaling(root: &Node) -> Option<EcsScaling> {
    let text = |key: &str| root.get(key).and_then(Node::as_str);
    if text("ServiceNamespace")? != "ecs" || text("ResourceId").is_none() {
        return None;
    }
    if root.get("PolicyName").is_some() || root.get("PolicyType").is_some() {
        Some(EcsScaling::Policy)
    } else if root.get("MinCapacity").is_some() || root.get("MaxCapacity").is_some() {
        Some(EcsScaling::Target)
    } else {
        None
    }
}

pub fn detect(root: &Node) -> Detected<'_> {
    match &root.kind {
        NodeKind::Map(_) => detect_map(root),
        NodeKind::Seq(items) if !items.is_empty() && items.iter().all(looks_like_container) => Detected::Ecs {
            shape: EcsShape::ContainerDefinitions,
            family: None,
        },
        NodeKind::Seq(_) => Detected::Unknown("a list that is neither a Kubernetes List nor ECS container definitions"),
        NodeKind::Scalar { .. } => Detected::Unknown("a scalar, not an object"),
    }
}

fn detect_map(root: &Node) -> Detected<'_> {
    let api_version = root.get("apiVersion").and_then(Node::as_str);
    let kind = root.get("kind").and_then(Node::as_str);
    if let (Some(api_version), Some(kind)) = (api_version, kind) {
        if kind.ends_with("List") {
            if let Some(items) = root.get("items").and_then(Node::as_seq) {
                let objects = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| object(item, format!("/items/{i}")))
                    .collect();
                return Detected::Kubernetes(objects);
            }
        }
        return Detected::Kubernetes(vec![K8sObject {
            node: root,
            pointer: String::new(),
            api_version,
            kind,
            name: name_of(root),
        }]);
    }
    if let Some(inner) = root.get("taskDefinition") {
        if inner.get("containerDefinitions").is_some() {
            return Detected::Ecs {
                shape: EcsShape::Describe,
                family: inner.get("family").and_then(Node::as_str),
            };
        }
    }
    if root.get("serviceName").is_some() && root.get("taskDefinition").and_then(Node::as_str).is_some() {
        return Detected::EcsService {
            name: root.get("serviceName").and_then(Node::as_str),
        };
    }
    if root.get("containerDefinitions").is_some() {
        return Detected::Ecs {
            shape: EcsShape::Register,
            family: root.get("family").and_then(Node::as_str),
        };
    }
    if root.get("AWSTemplateFormatVersion").is_some() || root.get("Resources").is_some() {
        return Detected::Unknown("a CloudFormation template (not checked yet)");
    }
    if api_version.is_some() || kind.is_some() {
        return Detected::Unknown("has only one of apiVersion and kind (both must be strings)");
    }
    Detected::Unknown("no apiVersion/kind and no containerDefinitions")
}

/// A `List` item keeps its own apiVersion/kind; a malformed item still gets checked
/// against the schema, so it is reported rather than dropped.
fn object(node: &Node, pointer: String) -> K8sObject<'_> {
    K8sObject {
        node,
        pointer,
        api_version: node.get("apiVersion").and_then(Node::as_str).unwrap_or(""),
        kind: node.get("kind").and_then(Node::as_str).unwrap_or(""),
        name: name_of(node),
    }
}

fn name_of(node: &Node) -> Option<&str> {
    let meta = node.get("metadata")?;
    meta.get("name")
        .or_else(|| meta.get("generateName"))
        .and_then(Node::as_str)
}

fn looks_like_container(item: &Node) -> bool {
    item.as_map().is_some()
        && (item.get("image").is_some() || item.get("name").is_some())
        && item.get("apiVersion").is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Limits, json, yaml_text};

    fn root(text: &str) -> Node {
        yaml_text(text, &Limits::default()).remove(0).root.unwrap()
    }

    #[test]
    fn kubernetes_objects_and_lists() {
        let r = root("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n");
        let Detected::Kubernetes(objs) = detect(&r) else {
            panic!()
        };
        assert_eq!(objs[0].label(), "Pod/p");
        assert_eq!(objs[0].group_version(), ("", "v1"));

        let r = root(
            "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: apps/v1, kind: Deployment}\n- {apiVersion: v1, kind: Service}\n",
        );
        let Detected::Kubernetes(objs) = detect(&r) else {
            panic!()
        };
        assert_eq!(objs.len(), 2);
        assert_eq!(objs[1].pointer, "/items/1");
        assert_eq!(objs[0].group_version(), ("apps", "v1"));
    }

    #[test]
    fn ecs_shapes() {
        let d = json(r#"{"family": "f", "containerDefinitions": []}"#, 0, &Limits::default());
        assert!(matches!(
            detect(d.root.as_ref().unwrap()),
            Detected::Ecs {
                shape: EcsShape::Register,
                family: Some("f")
            }
        ));
        let d = json(
            r#"{"taskDefinition": {"containerDefinitions": []}}"#,
            0,
            &Limits::default(),
        );
        assert!(matches!(
            detect(d.root.as_ref().unwrap()),
            Detected::Ecs {
                shape: EcsShape::Describe,
                ..
            }
        ));
        let d = json(r#"[{"name": "a", "image": "nginx"}]"#, 0, &Limits::default());
        assert!(matches!(
            detect(d.root.as_ref().unwrap()),
            Detected::Ecs {
                shape: EcsShape::ContainerDefinitions,
                ..
            }
        ));
        let d = json(
            r#"{"serviceName": "web", "taskDefinition": "web:3"}"#,
            0,
            &Limits::default(),
        );
        assert!(matches!(
            detect(d.root.as_ref().unwrap()),
            Detected::EcsService { name: Some("web") }
        ));
        let d = json(r#"{"hello": 1}"#, 0, &Limits::default());
        assert!(matches!(detect(d.root.as_ref().unwrap()), Detected::Unknown(_)));
    }
}
