//! FG103 / FG105: pod-level host namespaces.

use super::{Check, NODE_GROUP};
use crate::finding::{Finding, ids};
use crate::parse::Node;

pub(super) fn check(check: &Check<'_>, spec: &Node, at: &str, out: &mut Vec<Finding>) {
    let fields: [(&str, &str, &'static str, &str); 3] = [
        (
            "hostNetwork",
            "HostNetwork",
            ids::EKS_FG_HOST_NETWORK,
            "remove hostNetwork: every Fargate pod has its own network interface and VPC IP address; expose it with a Service",
        ),
        (
            "hostPID",
            "HostPID",
            ids::EKS_FG_HOST_NAMESPACES,
            "remove hostPID: a Fargate pod runs alone in its own VM, there is no host process namespace to share (use shareProcessNamespace between the pod's containers)",
        ),
        (
            "hostIPC",
            "HostIPC",
            ids::EKS_FG_HOST_NAMESPACES,
            "remove hostIPC: a Fargate pod runs alone in its own VM, there is no host IPC namespace to share",
        ),
    ];
    for (field, shown, rule, help) in fields {
        let Some(entry) = spec.entry(field) else {
            continue;
        };
        if !entry.value.is_true() {
            continue;
        }
        out.push(
            check
                .finding(
                    rule,
                    entry.value.span,
                    &format!("{at}/{field}"),
                    format!("Pod not supported on Fargate: fields not supported: {shown}"),
                )
                .with_label("not on Fargate")
                .with_help(format!("{help}; or run the pod on {NODE_GROUP}")),
        );
    }
}
