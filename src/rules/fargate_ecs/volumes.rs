//! FG009: Docker volumes, host paths and FSx for Windows are not available on Fargate.

use super::{Task, is_empty};
use crate::finding::{Finding, ids};
use crate::parse::Node;

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    let volumes = task.node.get("volumes").and_then(Node::as_seq).unwrap_or_default();
    for (i, volume) in volumes.iter().enumerate() {
        let host_path = volume.get("host").and_then(|h| h.entry("sourcePath"));
        let docker_help = if docker_ebs_driver(volume) {
            "EBS volumes attach to Fargate tasks only one way: declare the volume with \"configuredAtLaunch\": true and give its size and type in the service's or run-task's volumeConfigurations"
        } else {
            "use an EFS volume or the task's ephemeral storage"
        };
        let bad = [
            (
                "dockerVolumeConfiguration",
                volume.entry("dockerVolumeConfiguration"),
                docker_help,
            ),
            (
                "host.sourcePath",
                host_path,
                "drop sourcePath: a bind mount without it lives in the task's ephemeral storage",
            ),
            (
                "fsxWindowsFileServerVolumeConfiguration",
                volume.entry("fsxWindowsFileServerVolumeConfiguration"),
                "FSx for Windows File Server volumes need the EC2 launch type",
            ),
        ];
        for (what, entry, help) in bad {
            let Some(entry) = entry.filter(|e| !is_empty(&e.value)) else {
                continue;
            };
            let pointer = format!("/volumes/{i}/{}", what.replace('.', "/"));
            out.push(
                task.finding(
                    ids::FG_VOLUME,
                    entry.key_span,
                    &pointer,
                    format!("{what} volumes are not supported on Fargate"),
                )
                .with_label("not on Fargate")
                .with_help(help),
            );
        }
    }
}

/// A Docker volume plugin that provisions EBS (rexray/ebs and the like): the EC2-era way to
/// attach EBS, which Fargate replaces with volumes configured at launch.
fn docker_ebs_driver(volume: &Node) -> bool {
    volume
        .get("dockerVolumeConfiguration")
        .and_then(|d| d.get("driver"))
        .and_then(Node::as_str)
        .is_some_and(|d| d.to_ascii_lowercase().contains("ebs"))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{findings, task};

    #[test]
    fn docker_ebs_plugins_point_to_configured_at_launch() {
        let text = task(
            r#""volumes": [{"name": "a", "dockerVolumeConfiguration": {"driver": "rexray/ebs", "scope": "shared"}}]"#,
        );
        let found = findings(&text, "FG009");
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap_or_default()
                .contains("configuredAtLaunch")
        );
    }
}
