//! FG011: container start and stop timeouts are 2-120 seconds on Fargate.

use super::Task;
use crate::finding::{Finding, ids};

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in task.containers() {
        for field in ["startTimeout", "stopTimeout"] {
            let Some(value) = container.get(field) else { continue };
            let Some(seconds) = value.to_json().as_i64() else {
                continue;
            };
            if !(2..=120).contains(&seconds) {
                out.push(
                    task.finding(
                        ids::FG_TIMEOUT,
                        value.span,
                        &format!("/containerDefinitions/{i}/{field}"),
                        format!("{field} {seconds} is outside the 2-120 seconds Fargate allows"),
                    )
                    .with_label("2-120 s")
                    .with_help(format!("set {field} between 2 and 120 (platform 1.3.0+)")),
                );
            }
        }
    }
}
