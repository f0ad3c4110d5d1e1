//! What keeps a workload off Fargate, decided by the lint rules themselves (FG0xx for ECS,
//! FG1xx for EKS) so `k2e estimate` and `k2e lint` never disagree.
//!
//! Every error finding is a reason, split in two: capabilities Fargate does not have (a
//! DaemonSet, privileged containers, host networking, GPUs, EBS volumes, ...) block the workload
//! and force it onto EC2; findings a manifest change fixes (no task size, bridge network mode,
//! awslogs options, ...) do not, and are listed as changes needed.

use crate::detect::K8sObject;
use crate::finding::ids;
use crate::finding::{Finding, Severity};
use crate::model::quantity::ecs_cpu;
use crate::parse::{Document, Node};
use crate::rules::{self, FargateTask, Target};

/// ECS findings that an edit of the task definition or service fixes without losing anything:
/// the task size (FG001, FG002, FG014: the estimate rounds up to a valid size anyway), the
/// network mode and host ports (FG003, FG004: awsvpc), logging options (FG010), timeouts
/// (FG011), and service settings (FG019-FG021).
const ECS_FIXABLE: &[&str] = &[
    "FG001", "FG002", "FG003", "FG004", "FG010", "FG011", "FG014", "FG019", "FG020", "FG021",
];

/// Whether a finding on an ECS task (`task`, when the finding is about one) needs only an edit.
/// FG016 covers several Windows limits; of those, a task cpu under 1 vCPU is a size the estimate
/// rounds up, like FG001, while the others (Arm, EFS, FireLens, above 4 vCPU) block.
fn ecs_fixable(f: &Finding, task: Option<&Node>) -> bool {
    let small_windows = || {
        task.and_then(|t| t.get("cpu"))
            .and_then(Node::scalar_text)
            .and_then(|cpu| ecs_cpu(&cpu))
            .is_some_and(|units| units < 1024)
    };
    ECS_FIXABLE.contains(&f.rule)
        || (f.rule == ids::FG_WINDOWS && f.pointer.as_deref().is_some_and(|p| p.ends_with("/cpu")) && small_windows())
}

/// EKS findings fixed by an edit: EKS Pod Identity -> IAM roles for service accounts (FG117).
fn eks_fixable(f: &Finding) -> bool {
    f.rule == ids::EKS_FG_POD_IDENTITY
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reasons {
    pub blocked: Vec<String>,
    pub changes: Vec<String>,
}

impl Reasons {
    fn add(&mut self, findings: Vec<Finding>, fixable: impl Fn(&Finding) -> bool) {
        for f in findings.into_iter().filter(|f| f.severity == Severity::Error) {
            let text = format!("{}: {}", f.rule, f.message);
            let list = if fixable(&f) {
                &mut self.changes
            } else {
                &mut self.blocked
            };
            if !list.contains(&text) {
                list.push(text);
            }
        }
    }

    pub fn merge(&mut self, other: &Reasons) {
        for b in &other.blocked {
            if !self.blocked.contains(b) {
                self.blocked.push(b.clone());
            }
        }
        for c in &other.changes {
            if !self.changes.contains(c) {
                self.changes.push(c.clone());
            }
        }
    }
}

/// The FG1xx rules on a Kubernetes object, as `--target eks-fargate` runs them.
pub fn kubernetes(file: &str, doc: &Document, obj: &K8sObject<'_>) -> Reasons {
    let mut findings = Vec::new();
    rules::check_eks_fargate(file, doc, obj, &mut findings);
    let mut reasons = Reasons::default();
    reasons.add(findings, eks_fixable);
    reasons
}

/// The FG0xx rules on an ECS task definition, as `--target ecs-fargate` runs them.
pub fn ecs_task(file: &str, doc: &Document, node: &Node, prefix: &str, label: &str) -> Reasons {
    let task = FargateTask {
        file,
        doc,
        node,
        prefix,
        object: Some(label.to_owned()),
    };
    let mut findings = Vec::new();
    rules::check_ecs_fargate(&task, &mut findings);
    let mut reasons = Reasons::default();
    reasons.add(findings, |f| ecs_fixable(f, Some(node)));
    reasons
}

/// The service rules (FG018-FG021) on an ECS service, as if it ran on Fargate.
pub fn ecs_service(file: &str, doc: &Document, root: &Node, name: Option<&str>) -> Reasons {
    let mut findings = Vec::new();
    rules::check_ecs_service(file, doc, root, name, Target::EcsFargate, &mut findings);
    let mut reasons = Reasons::default();
    reasons.add(findings, |f| ecs_fixable(f, None));
    reasons
}
