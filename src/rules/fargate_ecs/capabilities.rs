//! FG007: Fargate lets a container add SYS_PTRACE and nothing else (platform 1.4.0).

use super::{Task, shown};
use crate::finding::{Finding, ids};
use crate::parse::Node;

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in task.containers() {
        let added = container
            .get("linuxParameters")
            .and_then(|l| l.get("capabilities"))
            .and_then(|c| c.get("add"))
            .and_then(Node::as_seq)
            .unwrap_or_default();
        for (j, cap) in added.iter().enumerate() {
            let name = cap.as_str().unwrap_or_default();
            if name != "SYS_PTRACE" {
                out.push(
                    task.finding(
                        ids::FG_CAPABILITIES,
                        cap.span,
                        &format!("/containerDefinitions/{i}/linuxParameters/capabilities/add/{j}"),
                        format!("capability {} cannot be added on Fargate", shown(cap)),
                    )
                    .with_label("only SYS_PTRACE")
                    .with_help("remove it; Fargate (platform 1.4.0+) allows adding only SYS_PTRACE"),
                );
            }
        }
    }
}
