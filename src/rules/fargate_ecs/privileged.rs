//! FG005: privileged containers are not supported on Fargate.

use super::Task;
use crate::finding::{Finding, ids};
use crate::parse::{NodeKind, Scalar};

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in task.containers() {
        if let Some(entry) = container.entry("privileged") {
            if matches!(
                entry.value.kind,
                NodeKind::Scalar {
                    value: Scalar::Bool(true),
                    ..
                }
            ) {
                out.push(
                    task.finding(
                        ids::FG_PRIVILEGED,
                        entry.value.span,
                        &format!("/containerDefinitions/{i}/privileged"),
                        "privileged containers are not supported on Fargate".to_owned(),
                    )
                    .with_label("not on Fargate")
                    .with_help(
                        "remove \"privileged\"; grant only the capability needed (Fargate allows adding SYS_PTRACE)",
                    ),
                );
            }
        }
    }
}
