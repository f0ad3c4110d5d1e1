//! FG004: with awsvpc a hostPort must be omitted or equal to the containerPort. A task that
//! says awsvpc without asking for Fargate gets ECS021 from the ECS pack instead (the same
//! refusal on every launch type), so `--target ecs-fargate` does not report it twice.

use super::{Task, shown};
use crate::finding::{Finding, ids};
use crate::parse::Node;

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    if crate::rules::ecs::reports_awsvpc_host_ports(task) {
        return;
    }
    for (i, container) in task.containers() {
        let mappings = container.get("portMappings").and_then(Node::as_seq).unwrap_or_default();
        for (j, mapping) in mappings.iter().enumerate() {
            let (Some(host), Some(port)) = (mapping.get("hostPort"), mapping.get("containerPort")) else {
                continue;
            };
            let host_port = host.scalar_text();
            if host_port.is_some() && host_port != port.scalar_text() && host_port.as_deref() != Some("0") {
                out.push(
                    task.finding(
                        ids::FG_HOST_PORT,
                        host.span,
                        &format!("/containerDefinitions/{i}/portMappings/{j}/hostPort"),
                        format!(
                            "hostPort {} differs from containerPort {}: not allowed with awsvpc",
                            shown(host),
                            shown(port)
                        ),
                    )
                    .with_label("must equal containerPort")
                    .with_help("remove hostPort, or set it to the containerPort"),
                );
            }
        }
    }
}
