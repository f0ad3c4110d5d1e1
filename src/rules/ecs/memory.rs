//! ECS014: container memory the API refuses: neither a hard nor a soft limit while the task has no
//! task-level memory, or a soft limit above the hard one.

use super::{Task, container_anchor, containers, describe, finding, int, requires};
use crate::finding::Finding;
use crate::finding::ids::CONTAINER_MEMORY;
use crate::parse::Node;

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    // Fargate needs task-level memory anyway, and FG002 says so; one finding is enough.
    let task_memory = task.node.get("memory").is_some_and(|m| !m.to_json().is_null());
    let unsized_task = !task_memory && !requires(task, "FARGATE");
    for (i, container) in containers(task) {
        if container.as_map().is_none() {
            continue;
        }
        let hard = container.get("memory");
        let soft = container.get("memoryReservation");
        let set = |n: Option<&Node>| n.and_then(int).is_some_and(|v| v > 0);
        // A limit of the wrong type ("512") is the schema rules' finding, not a missing limit.
        let odd = |n: Option<&Node>| n.is_some_and(|n| int(n).is_none() && !n.to_json().is_null());
        if unsized_task && !set(hard) && !set(soft) && !odd(hard) && !odd(soft) {
            let who = super::name(container).unwrap_or("");
            out.push(
                finding(
                    task,
                    CONTAINER_MEMORY,
                    container_anchor(container),
                    &format!("/containerDefinitions/{i}"),
                    format!(
                        "Invalid setting for container '{who}'. At least one of 'memory' or 'memoryReservation' must \
                         be specified: {} has neither (0 does not count) and the task has no task-level memory",
                        describe(i, container)
                    ),
                )
                .with_label("no memory or memoryReservation")
                .with_help(
                    "add \"memoryReservation\" (MiB reserved on the instance, a soft limit) and/or \"memory\" (MiB, \
                     the hard limit the container is killed at), or a task-level \"memory\"",
                ),
            );
        }
        let (Some(hard), Some(soft)) = (hard, soft) else {
            continue;
        };
        let (Some(hard_mib), Some(soft_mib)) = (int(hard), int(soft)) else {
            continue;
        };
        if soft_mib > hard_mib && hard_mib > 0 {
            out.push(
                finding(
                    task,
                    CONTAINER_MEMORY,
                    soft.span,
                    &format!("/containerDefinitions/{i}/memoryReservation"),
                    format!(
                        "{}: memoryReservation {soft_mib} MiB is above its hard limit memory {hard_mib} MiB; ECS \
                         refuses it",
                        describe(i, container)
                    ),
                )
                .with_label(format!("above memory {hard_mib}"))
                .with_help(format!(
                    "lower memoryReservation to {hard_mib} or less, or raise memory to at least {soft_mib}"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, run};
    use super::check;

    #[test]
    fn no_memory_anywhere() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "a", "image": "a:1"},
  {"name": "b", "image": "b:1", "memory": 0},
  {"name": "c", "image": "c:1", "memoryReservation": 128},
  {"name": "d", "image": "d:1", "memory": 256},
  {"name": "e", "image": "e:1", "memory": "512"},
  {"name": "f", "image": "f:1", "memory": null}
]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["2:12", "3:12", "7:12"]);
        assert!(found[0].message.starts_with("Invalid setting for container 'a'."));
    }

    #[test]
    fn task_memory_or_fargate_is_enough() {
        for text in [
            r#"{"family": "f", "memory": "512", "containerDefinitions": [{"name": "a", "image": "a:1"}]}"#,
            r#"{"family": "f", "requiresCompatibilities": ["FARGATE"], "containerDefinitions": [{"name": "a", "image": "a:1"}]}"#,
        ] {
            assert!(run(check, text).is_empty(), "{text}");
        }
    }

    #[test]
    fn soft_limit_above_hard_limit() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "a", "image": "a:1", "memory": 256, "memoryReservation": 512},
  {"name": "b", "image": "b:1", "memory": 256, "memoryReservation": 256},
  {"name": "c", "image": "c:1", "memory": "256", "memoryReservation": 512}
]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["2:69"]);
        assert_eq!(
            found[0].pointer.as_deref(),
            Some("/containerDefinitions/0/memoryReservation")
        );
    }
}
