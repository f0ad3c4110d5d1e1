//! FG008: the only pidMode Fargate accepts is `task` (Linux, platform 1.4.0).

use super::{Task, is_empty, shown};
use crate::finding::{Finding, ids};

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    if let Some(mode) = task.node.get("pidMode") {
        if mode.as_str() != Some("task") && !is_empty(mode) {
            out.push(
                task.finding(
                    ids::FG_PID_MODE,
                    mode.span,
                    "/pidMode",
                    format!("pidMode {} is not supported on Fargate", shown(mode)),
                )
                .with_label("only \"task\"")
                .with_help("use \"pidMode\": \"task\" (platform 1.4.0+) or remove it"),
            );
        }
    }
}
