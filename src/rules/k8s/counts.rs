//! K8S032: counts and durations the API server requires to be at least 0. The schemas only say
//! "integer"; apps and batch validation (ValidateNonnegativeField) refuse `replicas: -5` or
//! `backoffLimit: -1` with "must be greater than or equal to 0".

use super::ports::field_path;
use super::{Pod, as_int};
use crate::finding::Finding;
use crate::finding::ids::NEGATIVE_COUNT;
use crate::model::k8s::WorkloadKind;
use crate::parse::Node;
use crate::rules::fargate_eks::Check;

const DEPLOYMENT: &[&str] = &[
    "replicas",
    "minReadySeconds",
    "revisionHistoryLimit",
    "progressDeadlineSeconds",
];
const REPLICA_SET: &[&str] = &["replicas", "minReadySeconds"];
const STATEFUL_SET: &[&str] = &[
    "replicas",
    "minReadySeconds",
    "revisionHistoryLimit",
    "updateStrategy/rollingUpdate/partition",
    "ordinals/start",
];
const DAEMON_SET: &[&str] = &["minReadySeconds", "revisionHistoryLimit"];
const JOB: &[&str] = &[
    "parallelism",
    "completions",
    "activeDeadlineSeconds",
    "backoffLimit",
    "ttlSecondsAfterFinished",
    "backoffLimitPerIndex",
    "maxFailedIndexes",
];
const CRON_JOB: &[&str] = &[
    "startingDeadlineSeconds",
    "successfulJobsHistoryLimit",
    "failedJobsHistoryLimit",
];
const PROBES: &[&str] = &["livenessProbe", "readinessProbe", "startupProbe"];
const PROBE: &[&str] = &[
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
];

/// The workload's own counts (`/spec/...`, and a CronJob's Job template).
pub(super) fn object(check: &Check<'_>, out: &mut Vec<Finding>) {
    let fields: &[(&str, &[&str])] = match WorkloadKind::of(check.obj) {
        Some(WorkloadKind::Deployment) => &[("/spec", DEPLOYMENT)],
        Some(WorkloadKind::ReplicaSet | WorkloadKind::ReplicationController) => &[("/spec", REPLICA_SET)],
        Some(WorkloadKind::StatefulSet) => &[("/spec", STATEFUL_SET)],
        Some(WorkloadKind::DaemonSet) => &[("/spec", DAEMON_SET)],
        Some(WorkloadKind::Job) => &[("/spec", JOB)],
        Some(WorkloadKind::CronJob) => &[("/spec", CRON_JOB), ("/spec/jobTemplate/spec", JOB)],
        Some(WorkloadKind::Pod) | None => return,
    };
    for (at, names) in fields {
        if let Some((spec, _)) = check.obj.node.pointer(at) {
            counts(check, spec, at, names, out);
        }
    }
}

/// The probes' delays, periods and thresholds of every container.
pub(super) fn pod(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    for c in pod.main_and_init() {
        for probe in PROBES {
            if let Some(p) = c.node.get(probe) {
                counts(check, p, &format!("{}/{probe}", c.pointer), PROBE, out);
            }
        }
    }
}

fn counts(check: &Check<'_>, parent: &Node, at: &str, names: &[&str], out: &mut Vec<Finding>) {
    for name in names {
        let Some((node, _)) = parent.pointer(&format!("/{name}")) else {
            continue;
        };
        let Some(value) = as_int(node).filter(|v| *v < 0) else {
            continue;
        };
        let pointer = format!("{at}/{name}");
        out.push(
            check
                .finding(
                    NEGATIVE_COUNT,
                    node.span,
                    &pointer,
                    format!(
                        "{}: Invalid value: {value}: must be greater than or equal to 0",
                        field_path(&pointer)
                    ),
                )
                .with_label("negative")
                .with_help(format!("use 0 or more (or remove {name} to take the default)")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{deployment, only};
    use super::NEGATIVE_COUNT;

    #[test]
    fn negative_workload_counts() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: -5\n  minReadySeconds: 0\n  revisionHistoryLimit: -1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: \"nginx:1.27\"}]\n";
        assert_eq!(
            only(text, NEGATIVE_COUNT),
            [
                "5:13 spec.replicas: Invalid value: -5: must be greater than or equal to 0",
                "7:25 spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0",
            ]
        );
    }

    #[test]
    fn cron_job_and_its_job_template() {
        let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: \"@daily\"\n  successfulJobsHistoryLimit: -3\n  jobTemplate:\n    spec:\n      backoffLimit: -1\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: c, image: \"busybox:1.36\"}]\n";
        assert_eq!(
            only(text, NEGATIVE_COUNT),
            [
                "6:31 spec.successfulJobsHistoryLimit: Invalid value: -3: must be greater than or equal to 0",
                "9:21 spec.jobTemplate.spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0",
            ]
        );
    }

    #[test]
    fn probe_periods() {
        let text = deployment(
            "name: web\nimage: nginx:1.27\nreadinessProbe:\n  httpGet: {path: /, port: 80}\n  periodSeconds: -10\n  failureThreshold: 0\n",
        );
        assert_eq!(
            only(&text, NEGATIVE_COUNT),
            [
                "19:28 spec.template.spec.containers[0].readinessProbe.periodSeconds: Invalid value: -10: must be greater than or equal to 0"
            ]
        );
    }

    #[test]
    fn zero_strings_and_other_kinds_pass() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 0\n  minReadySeconds: \"-1\"\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: \"nginx:1.27\"}]\n";
        assert!(only(text, NEGATIVE_COUNT).is_empty());
        let custom = "apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: -1}\n";
        assert!(only(custom, NEGATIVE_COUNT).is_empty());
    }
}
