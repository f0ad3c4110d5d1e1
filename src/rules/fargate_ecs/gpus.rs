//! FG015: Fargate has no GPUs and no Elastic Inference accelerators.

use super::Task;
use crate::finding::{Finding, ids};
use crate::parse::Node;

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in task.containers() {
        let requirements = container
            .get("resourceRequirements")
            .and_then(Node::as_seq)
            .unwrap_or_default();
        for (j, req) in requirements.iter().enumerate() {
            let Some(kind) = req.get("type") else { continue };
            let (message, label, help) = match kind.as_str() {
                Some("GPU") => (
                    "GPUs are not available on Fargate",
                    "no GPUs on Fargate",
                    "run GPU workloads on the EC2 launch type with GPU instances",
                ),
                Some("InferenceAccelerator") => (
                    "Elastic Inference accelerators are not available on Fargate",
                    "no accelerators on Fargate",
                    "remove it; run inference on the EC2 launch type (GPU or Inferentia instances)",
                ),
                _ => continue,
            };
            out.push(
                task.finding(
                    ids::FG_GPU,
                    kind.span,
                    &format!("/containerDefinitions/{i}/resourceRequirements/{j}/type"),
                    message.into(),
                )
                .with_label(label)
                .with_help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{findings, task};

    #[test]
    fn inference_accelerators_and_gpus() {
        let text = task(
            r#""containerDefinitions": [{"name": "a", "resourceRequirements": [{"type": "InferenceAccelerator", "value": "dev1"}, {"type": "GPU", "value": "1"}, {"type": "Other"}, 3]}]"#,
        );
        let found = findings(&text, "FG015");
        assert_eq!(found.len(), 2);
        assert!(found[0].message.contains("Elastic Inference"));
    }
}
