//! What keeps a workload off Fargate, decided by the lint rules themselves (FG0xx for ECS,
//! FG1xx for EKS) so `k2e estimate` and `k2e lint` never disagree.
//!
//! Every error finding is a reason, split in two by its rule's data file (`fargate:`, read
//! through `rules::fargate_fit`): capabilities Fargate does not have (a DaemonSet, privileged
//! containers, host networking, GPUs, EBS volumes, ...) block the workload and force it onto EC2;
//! findings a manifest change fixes (no task size, bridge network mode, awslogs options, ...) do
//! not, and are listed as changes needed.

use crate::detect::K8sObject;
use crate::finding::{Finding, Severity};
use crate::model::quantity::ecs_cpu;
use crate::parse::{Document, Node};
use crate::rules::{self, FargateFit, FargateTask, Target};

/// Whether a finding needs only an edit, as its rule's data file says (`fargate:`). `task` is the
/// ECS task the finding is about, when there is one: a Windows task cpu under 1 vCPU (FG016) is a
/// size the estimate rounds up, like FG001, while FG016's other limits (Arm, EFS, FireLens, above
/// 4 vCPU) block.
fn fixable(f: &Finding, task: Option<&Node>) -> bool {
    let cpu_too_small = || {
        f.pointer.as_deref().is_some_and(|p| p.ends_with("/cpu"))
            && task
                .and_then(|t| t.get("cpu"))
                .and_then(Node::scalar_text)
                .and_then(|cpu| ecs_cpu(&cpu))
                .is_some_and(|units| units < 1024)
    };
    match rules::fargate_fit(f.rule) {
        Some(FargateFit::NeedsChange) => true,
        Some(FargateFit::BlocksUnlessCpuTooSmall) => cpu_too_small(),
        Some(FargateFit::Blocks) | None => false,
    }
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
    reasons.add(findings, |f| fixable(f, None));
    reasons
}

/// The FG0xx rules on an ECS task definition, as `--target ecs-fargate` runs them.
pub fn ecs_task(file: &str, doc: &Document, node: &Node, prefix: &str, label: &str) -> Reasons {
    ecs_task_where(file, doc, node, prefix, label, |_| true)
}

/// [`ecs_task`], counting only the findings `keep` keeps (not those on a value a template leaves
/// to a parameter or a function, which k2e cannot know).
pub fn ecs_task_where(
    file: &str,
    doc: &Document,
    node: &Node,
    prefix: &str,
    label: &str,
    keep: impl Fn(&Finding) -> bool,
) -> Reasons {
    let task = FargateTask {
        file,
        doc,
        node,
        prefix,
        object: Some(label.to_owned()),
    };
    let mut findings = Vec::new();
    rules::check_ecs_fargate(&task, &mut findings);
    findings.retain(keep);
    let mut reasons = Reasons::default();
    reasons.add(findings, |f| fixable(f, Some(node)));
    reasons
}

/// The service rules (FG018-FG021) on an ECS service, as if it ran on Fargate.
pub fn ecs_service(file: &str, doc: &Document, root: &Node, name: Option<&str>) -> Reasons {
    let mut findings = Vec::new();
    rules::check_ecs_service(file, doc, root, name, Target::EcsFargate, &mut findings);
    let mut reasons = Reasons::default();
    reasons.add(findings, |f| fixable(f, None));
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{Detected, detect};
    use crate::parse::{Limits, yaml_text};

    fn reasons(text: &str) -> Reasons {
        let doc = yaml_text(text, &Limits::default()).remove(0);
        let root = doc.root.as_ref().expect("a document");
        let Detected::Kubernetes(objects) = detect(root) else {
            panic!("not Kubernetes")
        };
        kubernetes("x.yaml", &doc, &objects[0])
    }

    /// The data files decide: a DaemonSet (FG101, `fargate: blocks`) keeps the workload off
    /// Fargate, the Pod Identity agent's variable (FG117, `fargate: needs-change`) is a change.
    #[test]
    fn the_rule_data_splits_blockers_from_changes() {
        let pod = "  template:
    spec:
      containers:
        - name: app
          image: example.com/app:1
          env:
            - name: AWS_CONTAINER_CREDENTIALS_FULL_URI
              value: http://169.254.170.23/v1/credentials
";
        let daemons = reasons(&format!(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: d}}\nspec:\n{pod}"
        ));
        assert!(daemons.blocked.iter().any(|b| b.starts_with("FG101")), "{daemons:?}");
        assert!(daemons.changes.iter().all(|c| c.starts_with("FG117")), "{daemons:?}");
        let deployment = reasons(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d}}\nspec:\n{pod}"
        ));
        assert!(deployment.blocked.is_empty(), "{deployment:?}");
        assert!(
            deployment.changes.iter().any(|c| c.starts_with("FG117")),
            "{deployment:?}"
        );
    }
}
