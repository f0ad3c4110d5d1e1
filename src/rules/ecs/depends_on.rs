//! ECS015: `dependsOn` that cannot work: a container that does not exist, a container waiting for
//! itself or for a cycle, COMPLETE/SUCCESS on an essential container, HEALTHY on a container
//! without a health check.

use super::{Task, containers, describe, finding, is_bool, items, known_hint, name, names};
use crate::finding::Finding;
use crate::finding::ids::DEPENDS_ON;
use crate::parse::{Node, Span};

/// One `dependsOn` entry whose target exists: (dependent, target, where the name is, pointer).
struct Edge {
    from: usize,
    to: usize,
    span: Span,
    pointer: String,
}

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    let known = names(task);
    let all: Vec<&Node> = containers(task).map(|(_, c)| c).collect();
    let known_names: Vec<&str> = known.iter().map(|(n, _)| *n).collect();
    let mut edges = Vec::new();
    for (i, container) in containers(task) {
        for (j, dependency) in items(container.get("dependsOn")).iter().enumerate() {
            let Some(target) = dependency.get("containerName") else {
                continue;
            };
            let Some(target_name) = target.as_str() else { continue };
            let pointer = format!("/containerDefinitions/{i}/dependsOn/{j}");
            let Some(&(_, to)) = known.iter().find(|(n, _)| *n == target_name) else {
                out.push(
                    finding(
                        task,
                        DEPENDS_ON,
                        target.span,
                        &format!("{pointer}/containerName"),
                        format!(
                            "Cannot depend on container '{target_name}' because it does not exist: {} waits for a \
                             container this task definition does not have",
                            describe(i, container)
                        ),
                    )
                    .with_label("no such container")
                    .with_help(known_hint("containers", target_name, &known_names)),
                );
                continue;
            };
            if name(container) == Some(target_name) {
                out.push(
                    finding(
                        task,
                        DEPENDS_ON,
                        target.span,
                        &format!("{pointer}/containerName"),
                        format!("{} depends on itself: it can never start", describe(i, container)),
                    )
                    .with_label("depends on itself")
                    .with_help("remove this dependsOn entry"),
                );
                continue;
            }
            let target_container = all.get(to).copied();
            if let (Some(condition), Some(target_container)) = (dependency.get("condition"), target_container) {
                condition_check(task, out, condition, &pointer, target_name, target_container);
            }
            edges.push(Edge {
                from: i,
                to,
                span: target.span,
                pointer: format!("{pointer}/containerName"),
            });
        }
    }
    cycles(task, out, &edges, all.len());
}

fn condition_check(
    task: &Task<'_>,
    out: &mut Vec<Finding>,
    condition: &Node,
    pointer: &str,
    target: &str,
    container: &Node,
) {
    let pointer = format!("{pointer}/condition");
    match condition.as_str() {
        Some(c @ ("COMPLETE" | "SUCCESS")) if !container.get("essential").is_some_and(|e| is_bool(e, false)) => {
            out.push(
                finding(
                    task,
                    DEPENDS_ON,
                    condition.span,
                    &pointer,
                    format!(
                        "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container: \
                         {target:?} is essential, so waiting for it to exit ({c}) would stop the task"
                    ),
                )
                .with_label("target is essential")
                .with_help(format!(
                    "set \"essential\": false on {target:?} (a run-once init container), or wait for START or HEALTHY"
                )),
            );
        }
        Some("HEALTHY") if container.get("healthCheck").is_none_or(|h| h.to_json().is_null()) => {
            out.push(
                finding(
                    task,
                    DEPENDS_ON,
                    condition.span,
                    &pointer,
                    format!(
                        "{target:?} has no healthCheck, so the HEALTHY condition never resolves and the dependent \
                         container never starts"
                    ),
                )
                .with_label("target has no healthCheck")
                .with_help(format!("add a healthCheck to {target:?}, or wait for START")),
            );
        }
        _ => {}
    }
}

/// Reports each cycle once, on the dependsOn entry that closes it.
fn cycles(task: &Task<'_>, out: &mut Vec<Finding>, edges: &[Edge], count: usize) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; count];
    let mut reported: Vec<Vec<usize>> = Vec::new();
    for start in 0..count {
        if marks[start] != Mark::New {
            continue;
        }
        // Iterative depth-first search over (container, next edge to try); the stack is the open path.
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        marks[start] = Mark::Open;
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            top.1 += 1;
            let Some(edge) = edges.iter().filter(|e| e.from == node).nth(next) else {
                marks[node] = Mark::Done;
                stack.pop();
                continue;
            };
            match marks.get(edge.to).copied() {
                Some(Mark::New) => {
                    marks[edge.to] = Mark::Open;
                    stack.push((edge.to, 0));
                }
                Some(Mark::Open) => {
                    let from = stack.iter().position(|(n, _)| *n == edge.to).unwrap_or(0);
                    let members: Vec<usize> = stack[from..].iter().map(|(n, _)| *n).collect();
                    let mut key = members.clone();
                    key.sort_unstable();
                    if !reported.contains(&key) {
                        reported.push(key);
                        report_cycle(task, out, edge, &members);
                    }
                }
                _ => {}
            }
        }
    }
}

fn report_cycle(task: &Task<'_>, out: &mut Vec<Finding>, closing: &Edge, members: &[usize]) {
    let all: Vec<&Node> = containers(task).map(|(_, c)| c).collect();
    let label = |i: usize| all.get(i).and_then(|c| name(c)).unwrap_or("?").to_owned();
    let mut path: Vec<String> = members.iter().map(|&i| label(i)).collect();
    path.push(label(closing.to));
    out.push(
        finding(
            task,
            DEPENDS_ON,
            closing.span,
            &closing.pointer,
            format!(
                "dependsOn cycle {}: no start order satisfies it, so the task cannot start",
                path.join(" -> ")
            ),
        )
        .with_label("closes a cycle")
        .with_help("remove one of the dependsOn entries in the cycle"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, run};
    use super::check;

    #[test]
    fn unknown_and_self() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "app", "image": "a:1", "dependsOn": [{"containerName": "envoi", "condition": "START"}]},
  {"name": "envoy", "image": "e:1", "dependsOn": [{"containerName": "envoy", "condition": "START"}]}
]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["2:67", "3:69"]);
        assert_eq!(found[0].help.as_deref(), Some("did you mean \"envoy\"?"));
        assert!(found[1].message.contains("depends on itself"));
    }

    #[test]
    fn conditions() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "app", "image": "a:1", "dependsOn": [
    {"containerName": "init", "condition": "SUCCESS"},
    {"containerName": "migrate", "condition": "COMPLETE"},
    {"containerName": "proxy", "condition": "HEALTHY"},
    {"containerName": "db", "condition": "HEALTHY"}
  ]},
  {"name": "init", "image": "i:1"},
  {"name": "migrate", "image": "m:1", "essential": false},
  {"name": "proxy", "image": "p:1"},
  {"name": "db", "image": "d:1", "healthCheck": {"command": ["CMD", "true"]}}
]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["3:44", "5:45"]);
    }

    #[test]
    fn cycles_are_reported_once() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "a", "image": "a:1", "dependsOn": [{"containerName": "b", "condition": "START"}]},
  {"name": "b", "image": "b:1", "dependsOn": [{"containerName": "c", "condition": "START"}]},
  {"name": "c", "image": "c:1", "dependsOn": [{"containerName": "a", "condition": "START"}]},
  {"name": "d", "image": "d:1", "dependsOn": [{"containerName": "a", "condition": "START"}]}
]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["4:65"]);
        assert!(found[0].message.contains("a -> b -> c -> a"), "{}", found[0].message);
    }

    #[test]
    fn a_chain_is_fine() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "a", "image": "a:1", "dependsOn": [{"containerName": "b", "condition": "START"}]},
  {"name": "b", "image": "b:1", "dependsOn": [{"containerName": "c", "condition": "START"}]},
  {"name": "c", "image": "c:1"}
]}"#;
        assert!(run(check, text).is_empty());
    }
}
