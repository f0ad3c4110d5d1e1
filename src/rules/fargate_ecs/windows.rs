//! FG016: Windows tasks on Fargate need X86_64 and 1-4 vCPU, and support no EFS, FireLens,
//! ulimits or pidMode.

use super::{Task, is_empty};
use crate::finding::{Finding, ids};
use crate::model::facts::fargate_sizes::vcpu;
use crate::model::quantity::ecs_cpu;
use crate::parse::{Node, Span};

/// Windows tasks on Fargate run 1, 2 or 4 vCPU (src/model/facts/data/fargate-ecs-sizes.yaml, `windows`).
const WINDOWS_MAX_CPU: u64 = 4096;

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    let Some(platform) = task.node.get("runtimePlatform") else {
        return;
    };
    let Some(os) = platform.get("operatingSystemFamily") else {
        return;
    };
    if !os.as_str().unwrap_or_default().starts_with("WINDOWS") {
        return;
    }
    let mut flag = |span: Span, pointer: String, message: String, help: &str| {
        out.push(
            task.finding(ids::FG_WINDOWS, span, &pointer, message)
                .with_label("not with Windows")
                .with_help(help),
        );
    };
    if let Some(arch) = platform.get("cpuArchitecture").filter(|a| a.as_str() == Some("ARM64")) {
        flag(
            arch.span,
            "/runtimePlatform/cpuArchitecture".into(),
            "Windows containers on Fargate run on X86_64 only".into(),
            "set cpuArchitecture to X86_64",
        );
    }
    if let Some(cpu) = task.node.get("cpu") {
        match cpu.scalar_text().as_deref().and_then(ecs_cpu) {
            Some(units) if units < 1024 => flag(
                cpu.span,
                "/cpu".into(),
                "Windows tasks on Fargate need at least 1 vCPU (1024)".into(),
                "use cpu \"1024\" or more",
            ),
            Some(units) if units > WINDOWS_MAX_CPU => flag(
                cpu.span,
                "/cpu".into(),
                format!(
                    "Windows tasks on Fargate have at most 4 vCPU (4096); {} is offered for Linux only",
                    vcpu(units)
                ),
                "use cpu \"4096\" or less, or run the task on the EC2 launch type",
            ),
            _ => {}
        }
    }
    let volumes = task.node.get("volumes").and_then(Node::as_seq).unwrap_or_default();
    for (i, volume) in volumes.iter().enumerate() {
        if let Some(entry) = volume.entry("efsVolumeConfiguration") {
            flag(
                entry.key_span,
                format!("/volumes/{i}/efsVolumeConfiguration"),
                "EFS volumes are not supported for Windows tasks on Fargate".into(),
                "use FSx for Windows File Server on EC2, or a Linux task",
            );
        }
    }
    if let Some(mode) = task.node.get("pidMode").filter(|m| m.as_str() == Some("task")) {
        // Other values are FG008's.
        flag(
            mode.span,
            "/pidMode".into(),
            "pidMode is not supported for Windows tasks on Fargate (task is Linux only)".into(),
            "remove pidMode",
        );
    }
    for (i, container) in task.containers() {
        if let Some(entry) = container.entry("firelensConfiguration") {
            flag(
                entry.key_span,
                format!("/containerDefinitions/{i}/firelensConfiguration"),
                "FireLens is not supported for Windows tasks on Fargate".into(),
                "use the awslogs driver",
            );
        }
        if let Some(entry) = container.entry("ulimits").filter(|e| !is_empty(&e.value)) {
            flag(
                entry.key_span,
                format!("/containerDefinitions/{i}/ulimits"),
                "ulimits are not supported for Windows tasks on Fargate".into(),
                "remove ulimits; Windows containers take their limits from the task size",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{findings, pointers, task};

    #[test]
    fn windows_limits() {
        let windows = r#""runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2019_FULL"}"#;
        let text = format!(
            r#"{{"requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "16 vCPU", "memory": "32768", "pidMode": "task", {windows}, "containerDefinitions": [{{"name": "a", "ulimits": [{{"name": "nofile", "softLimit": 1, "hardLimit": 1}}]}}, {{"name": "b", "ulimits": []}}]}}"#
        );
        assert_eq!(
            pointers(&findings(&text, "FG016")),
            ["/cpu", "/pidMode", "/containerDefinitions/0/ulimits"]
        );
        // The same task on Linux: ulimits and pidMode task are fine.
        let linux = text.replace("WINDOWS_SERVER_2019_FULL", "LINUX");
        assert!(findings(&linux, "FG016").is_empty());
        let four = task(&format!(r#"{windows}, "containerDefinitions": []"#)).replace("\"1024\"", "\"4096\"");
        assert!(findings(&four, "FG016").is_empty());
    }
}
