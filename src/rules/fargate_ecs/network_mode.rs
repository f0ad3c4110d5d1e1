//! FG003: Fargate tasks use awsvpc networking; the default (bridge) is refused.

use super::{Task, first_line, shown};
use crate::finding::{Finding, ids};

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    match task.node.get("networkMode") {
        Some(mode) if mode.as_str() == Some("awsvpc") => {}
        Some(mode) => out.push(
            task.finding(
                ids::FG_NETWORK_MODE,
                mode.span,
                "/networkMode",
                format!("network mode {} is not supported on Fargate", shown(mode)),
            )
            .with_label("Fargate needs awsvpc")
            .with_help("set \"networkMode\": \"awsvpc\""),
        ),
        None => {
            let anchor = task
                .node
                .entry("requiresCompatibilities")
                .map_or_else(|| first_line(task.node), |e| e.key_span);
            out.push(
                task.finding(
                    ids::FG_NETWORK_MODE,
                    anchor,
                    "",
                    "no networkMode: ECS defaults to bridge, which Fargate does not support".to_owned(),
                )
                .with_label("Fargate needs awsvpc")
                .with_help("add \"networkMode\": \"awsvpc\""),
            );
        }
    }
}
