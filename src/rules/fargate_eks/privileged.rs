//! FG102: privileged containers.

use super::{Check, NODE_GROUP};
use crate::finding::{Finding, ids};
use crate::model::k8s::ContainerRef;

pub(super) fn check(check: &Check<'_>, containers: &[ContainerRef<'_>], out: &mut Vec<Finding>) {
    for c in containers {
        let Some(entry) = c.node.get("securityContext").and_then(|s| s.entry("privileged")) else {
            continue;
        };
        if !entry.value.is_true() {
            continue;
        }
        out.push(
            check
                .finding(
                    ids::EKS_FG_PRIVILEGED,
                    entry.value.span,
                    &format!("{}/securityContext/privileged", c.pointer),
                    format!(
                        "Pod not supported on Fargate: invalid SecurityContext fields: Privileged (container \"{}\")",
                        c.name().unwrap_or("?")
                    ),
                )
                .with_label("not on Fargate")
                .with_help(format!(
                    "remove privileged: true (a Fargate pod has no host devices or kernel settings to reach), or run the pod on {NODE_GROUP}"
                )),
        );
    }
}
