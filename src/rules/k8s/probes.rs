//! K8S013 / K8S014: serving containers without a readiness or liveness probe.
//!
//! Two ids because the two probes are different decisions: a missing readiness probe is almost
//! always a mistake (traffic and rollouts go to pods that cannot answer yet), while a liveness
//! probe is a judgement call (a badly tuned one restarts healthy containers under load), so
//! teams often keep one rule and turn the other off.

use super::{Pod, Workload, container_name, container_span};
use crate::finding::Finding;
use crate::finding::ids::{NO_LIVENESS_PROBE, NO_READINESS_PROBE};
use crate::parse::{NodeKind, Scalar};
use crate::rules::fargate_eks::Check;

pub(super) fn check(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    // Jobs run to completion and bare pods are mostly one-offs; init containers never serve.
    if pod.workload != Workload::LongRunning {
        return;
    }
    for c in pod.containers.iter().filter(|c| c.list == "containers") {
        let Some(span) = container_span(c) else {
            continue;
        };
        let has = |probe: &str| {
            c.node.get(probe).is_some_and(|p| {
                !matches!(
                    p.kind,
                    NodeKind::Scalar {
                        value: Scalar::Null,
                        ..
                    }
                )
            })
        };
        let name = container_name(c);
        if !has("readinessProbe") {
            out.push(
                check
                    .finding(
                        NO_READINESS_PROBE,
                        span,
                        &c.pointer,
                        format!("container \"{name}\" has no readinessProbe"),
                    )
                    .with_label("no readinessProbe")
                    .with_help(
                        "add a readinessProbe (httpGet, tcpSocket, grpc or exec) that succeeds only when the container can serve: until then Services send it no traffic and rollouts wait for it",
                    ),
            );
        }
        if !has("livenessProbe") {
            out.push(
                check
                    .finding(
                        NO_LIVENESS_PROBE,
                        span,
                        &c.pointer,
                        format!("container \"{name}\" has no livenessProbe"),
                    )
                    .with_label("no livenessProbe")
                    .with_help(
                        "add a livenessProbe that fails only when the process is stuck (a cheap endpoint, generous failureThreshold): the kubelet then restarts a hung container",
                    ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{deployment, only};
    use super::*;

    #[test]
    fn deployment_without_probes() {
        let text = deployment("name: app\nimage: app:1");
        assert_eq!(
            only(&text, NO_READINESS_PROBE),
            ["15:17 container \"app\" has no readinessProbe"]
        );
        assert_eq!(
            only(&text, NO_LIVENESS_PROBE),
            ["15:17 container \"app\" has no livenessProbe"]
        );
    }

    #[test]
    fn probes_present() {
        let text = deployment(
            "name: app\nimage: app:1\nreadinessProbe:\n  httpGet: {path: /, port: 80}\nlivenessProbe:\n  tcpSocket: {port: 80}",
        );
        assert!(only(&text, NO_READINESS_PROBE).is_empty());
        assert!(only(&text, NO_LIVENESS_PROBE).is_empty());
        let text = deployment("name: app\nimage: app:1\nreadinessProbe: null");
        assert_eq!(only(&text, NO_READINESS_PROBE).len(), 1);
    }

    #[test]
    fn jobs_pods_and_init_containers_are_exempt() {
        let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: a\n          image: a:1\n";
        assert!(only(job, NO_READINESS_PROBE).is_empty());
        let pod =
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: a:1\n";
        assert!(only(pod, NO_LIVENESS_PROBE).is_empty());
        let sts = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: s\nspec:\n  serviceName: s\n  selector:\n    matchLabels: {app: s}\n  template:\n    metadata:\n      labels: {app: s}\n    spec:\n      initContainers:\n        - name: init\n          image: a:1\n      containers:\n        - name: main\n          image: a:1\n          readinessProbe: {exec: {command: [true]}}\n          livenessProbe: {exec: {command: [true]}}\n";
        assert!(only(sts, NO_READINESS_PROBE).is_empty());
    }
}
