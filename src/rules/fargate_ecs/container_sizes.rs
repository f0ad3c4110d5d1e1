//! FG014: containers cannot ask for more cpu or memory than the task has.

use super::Task;
use crate::finding::{Finding, ids};
use crate::model::quantity::{ecs_cpu, ecs_memory};
use crate::parse::Node;

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    let task_cpu = task
        .node
        .get("cpu")
        .and_then(Node::scalar_text)
        .as_deref()
        .and_then(ecs_cpu);
    let task_memory = task
        .node
        .get("memory")
        .and_then(Node::scalar_text)
        .as_deref()
        .and_then(ecs_memory);
    let mut cpu_sum = 0;
    for (i, container) in task.containers() {
        if let (Some(limit), Some(value)) = (task_cpu, container.get("cpu")) {
            cpu_sum += value.to_json().as_u64().unwrap_or(0);
            if cpu_sum > limit {
                out.push(
                    task.finding(
                        ids::FG_CONTAINER_SIZE,
                        value.span,
                        &format!("/containerDefinitions/{i}/cpu"),
                        format!("containers ask for {cpu_sum} cpu units, more than the task's {limit}"),
                    )
                    .with_label("over the task's cpu")
                    .with_help("lower container cpu values or raise the task cpu"),
                );
                cpu_sum = 0;
            }
        }
        for field in ["memory", "memoryReservation"] {
            let (Some(limit), Some(value)) = (task_memory, container.get(field)) else {
                continue;
            };
            let mib = value.to_json().as_u64().unwrap_or(0);
            if mib > limit {
                out.push(
                    task.finding(
                        ids::FG_CONTAINER_SIZE,
                        value.span,
                        &format!("/containerDefinitions/{i}/{field}"),
                        format!("container {field} {mib} MiB is more than the task's {limit} MiB"),
                    )
                    .with_label("over the task's memory")
                    .with_help("lower it or raise the task memory"),
                );
            }
        }
    }
}
