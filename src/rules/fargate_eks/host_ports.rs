//! FG104: hostPort / hostIP in a container port.

use super::{Check, is_bool, is_unset};
use crate::finding::{Finding, ids};
use crate::model::k8s::ContainerRef;
use crate::parse::Node;

pub(super) fn check(check: &Check<'_>, containers: &[ContainerRef<'_>], out: &mut Vec<Finding>) {
    for c in containers {
        let ports = c.node.get("ports").and_then(Node::as_seq).unwrap_or_default();
        for (j, port) in ports.iter().enumerate() {
            for field in ["hostPort", "hostIP"] {
                let Some(entry) = port.entry(field) else {
                    continue;
                };
                // A wrong type (a map, a list) is the schema rules' business.
                let set = !is_unset(&entry.value) && !is_bool(&entry.value);
                let Some(value) = &entry.value.scalar_text().filter(|_| set) else {
                    continue;
                };
                out.push(
                    check
                        .finding(
                            ids::EKS_FG_HOST_PORT,
                            entry.key_span,
                            &format!("{}/ports/{j}/{field}", c.pointer),
                            format!(
                                "Pod not supported on Fargate: port contains HostIP or HostPort ({field} {value} in container \"{}\")",
                                c.name().unwrap_or("?")
                            ),
                        )
                        .with_label("not on Fargate")
                        .with_help(format!(
                            "remove {field}: the pod has its own VPC IP address, reach its containerPort directly or through a Service"
                        )),
                );
            }
        }
    }
}
