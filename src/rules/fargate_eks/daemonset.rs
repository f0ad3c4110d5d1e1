//! FG101: no DaemonSet pod ever runs on a Fargate node.

use super::{Check, NODE_GROUP};
use crate::finding::{Finding, ids};

pub(super) fn check(check: &Check<'_>, out: &mut Vec<Finding>) {
    let (group, _) = check.obj.group_version();
    if check.obj.kind != "DaemonSet" || !matches!(group, "apps" | "extensions") {
        return;
    }
    let Some(kind) = check.obj.node.entry("kind") else {
        return;
    };
    out.push(
        check
            .finding(
                ids::EKS_FG_DAEMONSET,
                kind.value.span,
                "/kind",
                "DaemonSets are not supported on Fargate: each Fargate pod gets a node of its own, and no daemon pod runs there".to_owned(),
            )
            .with_label("not on Fargate")
            .with_help(format!(
                "run the agent as a sidecar container in the pods that need it, or run the DaemonSet on {NODE_GROUP}"
            )),
    );
}
