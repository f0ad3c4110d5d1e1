//! FG017: an EBS volume reaches a Fargate task only as the one volume `configuredAtLaunch`, whose
//! size and type the service or run-task call supplies.

use super::{Task, is_empty};
use crate::finding::{Finding, ids};
use crate::parse::Node;

/// The volume types a task definition volume can have besides `configuredAtLaunch`.
const VOLUME_TYPES: &[&str] = &[
    "dockerVolumeConfiguration",
    "efsVolumeConfiguration",
    "fsxWindowsFileServerVolumeConfiguration",
    "host",
];

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    let volumes = task.node.get("volumes").and_then(Node::as_seq).unwrap_or_default();
    let mut first: Option<String> = None;
    for (i, volume) in volumes.iter().enumerate() {
        let Some(at_launch) = volume.get("configuredAtLaunch").filter(|v| v.is_true()) else {
            continue;
        };
        let name = volume.get("name").and_then(Node::as_str).unwrap_or("?");
        for kind in VOLUME_TYPES {
            let Some(entry) = volume.entry(kind).filter(|e| !is_empty(&e.value)) else {
                continue;
            };
            out.push(
                task.finding(
                    ids::FG_EBS,
                    entry.key_span,
                    &format!("/volumes/{i}/{kind}"),
                    format!(
                        "volume \"{name}\" is configured at launch and also has {kind}: a volume has exactly one type"
                    ),
                )
                .with_label("configured at launch already")
                .with_help(format!(
                    "remove {kind} (the EBS volume's settings go in the service's volumeConfigurations), or declare a separate volume for it"
                )),
            );
        }
        match &first {
            None => first = Some(name.to_owned()),
            Some(earlier) => out.push(
                task.finding(
                    ids::FG_EBS,
                    at_launch.span,
                    &format!("/volumes/{i}/configuredAtLaunch"),
                    format!(
                        "volume \"{name}\" is a second volume configured at launch (after \"{earlier}\"): a task definition may have only one"
                    ),
                )
                .with_label("second volume configured at launch")
                .with_help(
                    "a Fargate task gets one EBS volume: keep one configuredAtLaunch volume; use EFS or the task's ephemeral storage for the rest",
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{findings, pointers, task};

    #[test]
    fn ebs_volumes_configured_at_launch() {
        let one = task(
            r#""containerDefinitions": [], "volumes": [{"name": "a", "configuredAtLaunch": true}, {"name": "b", "configuredAtLaunch": false}, {"name": "c", "host": {}}]"#,
        );
        assert!(findings(&one, "FG017").is_empty());
        let two = task(
            r#""containerDefinitions": [], "volumes": [{"name": "a", "configuredAtLaunch": true, "host": null}, {"name": "b", "configuredAtLaunch": true, "dockerVolumeConfiguration": {"driver": "local"}}, {"name": "c", "configuredAtLaunch": true}]"#,
        );
        assert_eq!(
            pointers(&findings(&two, "FG017")),
            [
                "/volumes/1/dockerVolumeConfiguration",
                "/volumes/1/configuredAtLaunch",
                "/volumes/2/configuredAtLaunch",
            ]
        );
        // Odd input: not a list, a string "true".
        assert!(findings(&task(r#""volumes": {"a": 1}"#), "FG017").is_empty());
        assert!(
            findings(
                &task(r#""volumes": [{"configuredAtLaunch": "true"}, {"configuredAtLaunch": "true"}]"#),
                "FG017"
            )
            .is_empty()
        );
    }
}
