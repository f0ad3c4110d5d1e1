//! ECS on Fargate: what `register-task-definition` or the Fargate scheduler rejects
//! (../shared/reference/aws-facts.md section 1; sizes in src/model/facts/data/fargate-ecs-sizes.yaml).
//! One file per rule (or two rules that share their reading); `check` is the table that runs them.

mod capabilities;
mod container_count;
mod container_sizes;
mod ebs_volumes;
mod ephemeral_storage;
mod gpus;
mod host_ports;
mod logging;
mod network_mode;
mod pid_mode;
mod privileged;
mod size;
mod timeouts;
mod unsupported;
mod volumes;
mod windows;

use crate::finding::Finding;
use crate::parse::{Document, Node, NodeKind, Scalar, Span};

/// One task definition being checked.
pub struct Task<'a> {
    pub file: &'a str,
    pub doc: &'a Document,
    /// The task definition object (the `taskDefinition` of describe output).
    pub node: &'a Node,
    /// Its pointer in the document ("" or "/taskDefinition").
    pub prefix: &'a str,
    pub object: Option<String>,
}

impl Task<'_> {
    fn finding(&self, rule: &'static str, span: Span, pointer: &str, message: String) -> Finding {
        Finding::at(rule, super::severity(rule), self.file, self.doc, span, message)
            .with_pointer(format!("{}{pointer}", self.prefix))
            .with_object(self.object.clone())
    }

    fn containers(&self) -> impl Iterator<Item = (usize, &Node)> {
        self.node
            .get("containerDefinitions")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .enumerate()
    }
}

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    size::check(task, out);
    network_mode::check(task, out);
    host_ports::check(task, out);
    privileged::check(task, out);
    unsupported::check(task, out);
    capabilities::check(task, out);
    pid_mode::check(task, out);
    volumes::check(task, out);
    logging::check(task, out);
    timeouts::check(task, out);
    ephemeral_storage::check(task, out);
    container_count::check(task, out);
    container_sizes::check(task, out);
    gpus::check(task, out);
    windows::check(task, out);
    ebs_volumes::check(task, out);
}

fn first_line(node: &Node) -> Span {
    Span::new(node.span.start, node.span.start + 1)
}

fn is_empty(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar { value, .. } => matches!(value, Scalar::Null | Scalar::Bool(false)),
        NodeKind::Seq(items) => items.is_empty(),
        NodeKind::Map(entries) => entries.is_empty(),
    }
}

fn shown(node: &Node) -> String {
    node.to_json().to_string()
}

#[cfg(test)]
mod test_support {
    use super::*;
    use crate::parse::{Limits, json};

    pub(super) fn findings(task_json: &str, rule: &str) -> Vec<Finding> {
        let doc = json(task_json, 0, &Limits::default());
        let mut out = Vec::new();
        if let Some(node) = doc.root.as_ref() {
            let task = Task {
                file: "t.json",
                doc: &doc,
                node,
                prefix: "",
                object: None,
            };
            check(&task, &mut out);
        }
        out.retain(|f| f.rule == rule);
        out
    }

    pub(super) fn task(extra: &str) -> String {
        format!(
            r#"{{"family": "t", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "1024", "memory": "2048", {extra}}}"#
        )
    }

    pub(super) fn pointers(found: &[Finding]) -> Vec<&str> {
        found.iter().filter_map(|f| f.pointer.as_deref()).collect()
    }
}
