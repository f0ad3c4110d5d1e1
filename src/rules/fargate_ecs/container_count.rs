//! FG013: at most 10 containers in a Fargate task definition.

use super::Task;
use crate::finding::{Finding, ids};
use crate::parse::Node;

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    let Some(entry) = task.node.entry("containerDefinitions") else {
        return;
    };
    let count = entry.value.as_seq().map_or(0, <[Node]>::len);
    if count > 10 {
        out.push(
            task.finding(
                ids::FG_CONTAINER_COUNT,
                entry.key_span,
                "/containerDefinitions",
                format!("{count} containers; a Fargate task definition holds at most 10"),
            )
            .with_label("more than 10 containers")
            .with_help("split the task into services, or merge sidecars"),
        );
    }
}
