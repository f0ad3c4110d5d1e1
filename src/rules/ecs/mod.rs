//! ECS task definition mistakes, whatever the launch type: what register-task-definition refuses
//! beyond its schema, what makes a task fail to start, and what weakens it.
//!
//! `--target` does not reach this pack: where the launch type matters, the rules read
//! `requiresCompatibilities` from the task definition itself (absent means EC2, as for the API).
//! Odd input (wrong types, missing fields) is skipped: the schema rules (ECS001-ECS004) report it.

mod awslogs;
mod bare;
mod depends_on;
mod environment;
mod essential;
mod execution_role;
mod health_check;
mod image;
mod memory;
mod names;
mod ports;
mod references;

use super::FargateTask as Task;
use crate::finding::Finding;
use crate::parse::{Node, NodeKind, Scalar, Span};
pub(super) use ports::reports_awsvpc_host_ports;

/// Runs for every task definition (register input or describe output), and the container rules
/// for a bare `containerDefinitions` array.
pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    if task.node.as_seq().is_some() {
        return bare::check(task, out);
    }
    essential::check(task, out);
    image::check(task, out);
    environment::check(task, out);
    awslogs::check(task, out);
    memory::check(task, out);
    depends_on::check(task, out);
    names::check(task, out);
    ports::check(task, out);
    execution_role::check(task, out);
    health_check::check(task, out);
    references::check(task, out);
}

/// A finding of this pack; `pointer` is relative to the task definition.
fn finding(task: &Task<'_>, rule: &'static str, span: Span, pointer: &str, message: String) -> Finding {
    Finding::at(rule, super::severity(rule), task.file, task.doc, span, message)
        .with_pointer(format!("{}{pointer}", task.prefix))
        .with_object(task.object.clone())
}

/// The container definitions with their index; nothing when the field is missing or not a list.
fn containers<'n>(task: &Task<'n>) -> impl Iterator<Item = (usize, &'n Node)> {
    task.node
        .get("containerDefinitions")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
}

fn name(container: &Node) -> Option<&str> {
    container.get("name").and_then(Node::as_str)
}

/// Where to report a problem of a whole container: its `name` value, or its first character.
fn container_anchor(container: &Node) -> Span {
    container.get("name").map_or_else(|| first_char(container), |n| n.span)
}

fn first_char(node: &Node) -> Span {
    Span::new(node.span.start, node.span.start + 1)
}

/// How messages name a container: `container "web"`, or by position when it has no name.
fn describe(i: usize, container: &Node) -> String {
    name(container).map_or_else(|| format!("container #{}", i + 1), |n| format!("container {n:?}"))
}

/// Whether `requiresCompatibilities` lists this launch type. With none listed the API treats the
/// task definition as EC2 only, so nothing matches.
fn requires(task: &Task<'_>, launch_type: &str) -> bool {
    task.node
        .get("requiresCompatibilities")
        .and_then(Node::as_seq)
        .is_some_and(|c| c.iter().any(|n| n.as_str() == Some(launch_type)))
}

fn is_bool(node: &Node, want: bool) -> bool {
    matches!(&node.kind, NodeKind::Scalar { value: Scalar::Bool(b), .. } if *b == want)
}

/// An integer written as a number (the API takes no strings for these fields).
fn int(node: &Node) -> Option<i64> {
    node.to_json().as_i64()
}

fn items(node: Option<&Node>) -> &[Node] {
    node.and_then(Node::as_seq).unwrap_or_default()
}

/// The container names of the task, first occurrence first, with their index.
fn names<'n>(task: &Task<'n>) -> Vec<(&'n str, usize)> {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for (i, container) in containers(task) {
        if let Some(n) = name(container) {
            if !seen.iter().any(|(s, _)| *s == n) {
                seen.push((n, i));
            }
        }
    }
    seen
}

/// The known name a misspelt one most likely meant.
fn closest<'k>(wanted: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    let lower = wanted.to_lowercase();
    known
        .into_iter()
        .map(|k| {
            let other = k.to_lowercase();
            // One typo in a short name scores low on Jaro-Winkler ("dta" vs "data").
            let one_edit = lower.len() >= 3 && strsim::damerau_levenshtein(&lower, &other) == 1;
            (
                strsim::jaro_winkler(&lower, &other).max(if one_edit { 0.85 } else { 0.0 }),
                k,
            )
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, k)| k)
}

/// "did you mean ...?" or the list of what exists.
fn known_hint(what: &str, wanted: &str, known: &[&str]) -> String {
    match closest(wanted, known.iter().copied()) {
        Some(best) => format!("did you mean {best:?}?"),
        None if known.is_empty() => format!("this task definition has no {what}"),
        None => format!(
            "{what} in this task definition: {}",
            known.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[cfg(test)]
mod test_support {
    use super::Task;
    use crate::finding::Finding;
    use crate::parse::{Document, Limits, json};

    /// Runs one of this pack's checks on a register-task-definition JSON text.
    pub fn run(check: fn(&Task<'_>, &mut Vec<Finding>), text: &str) -> Vec<Finding> {
        let doc: Document = json(text, 0, &Limits::default());
        let Some(root) = doc.root.as_ref() else {
            panic!("test input does not parse: {:?}", doc.errors)
        };
        let task = Task {
            file: "task.json",
            doc: &doc,
            node: root,
            prefix: "",
            object: None,
        };
        let mut out = Vec::new();
        check(&task, &mut out);
        out
    }

    /// `line:column` of each finding.
    pub fn at(findings: &[Finding]) -> Vec<String> {
        findings
            .iter()
            .map(|f| format!("{}:{}", f.start.line, f.start.column))
            .collect()
    }
}
