//! ECS020: `links`, `volumesFrom` and `mountPoints` naming a container or volume the task
//! definition does not have.

use super::{Task, containers, describe, finding, items, known_hint, names};
use crate::finding::Finding;
use crate::finding::ids::UNKNOWN_REFERENCE;
use crate::parse::Node;

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    references(task, true, out);
}

/// The references between containers only, for containers without their task (`bare`): the
/// volumes their mountPoints name are declared elsewhere.
pub fn between_containers(task: &Task<'_>, out: &mut Vec<Finding>) {
    references(task, false, out);
}

fn references(task: &Task<'_>, with_volumes: bool, out: &mut Vec<Finding>) {
    let known: Vec<&str> = names(task).into_iter().map(|(n, _)| n).collect();
    let volumes: Vec<&str> = items(task.node.get("volumes"))
        .iter()
        .filter_map(|v| v.get("name").and_then(Node::as_str))
        .collect();
    for (i, container) in containers(task) {
        let who = describe(i, container);
        let base = format!("/containerDefinitions/{i}");
        for (j, link) in items(container.get("links")).iter().enumerate() {
            let Some(text) = link.as_str() else { continue };
            // `name` or `name:alias`.
            let target = text.split(':').next().unwrap_or(text);
            if !known.contains(&target) {
                out.push(
                    finding(
                        task,
                        UNKNOWN_REFERENCE,
                        link.span,
                        &format!("{base}/links/{j}"),
                        format!("{who} links to {target:?}, which is not a container of this task definition"),
                    )
                    .with_label("no such container")
                    .with_help(known_hint("containers", target, &known)),
                );
            }
        }
        for (j, from) in items(container.get("volumesFrom")).iter().enumerate() {
            let Some(source) = from.get("sourceContainer") else {
                continue;
            };
            let Some(target) = source.as_str() else { continue };
            if !known.contains(&target) {
                out.push(
                    finding(
                        task,
                        UNKNOWN_REFERENCE,
                        source.span,
                        &format!("{base}/volumesFrom/{j}/sourceContainer"),
                        format!(
                            "{who} mounts the volumes of {target:?}, which is not a container of this task definition"
                        ),
                    )
                    .with_label("no such container")
                    .with_help(known_hint("containers", target, &known)),
                );
            }
        }
        if !with_volumes {
            continue;
        }
        for (j, mount) in items(container.get("mountPoints")).iter().enumerate() {
            let Some(source) = mount.get("sourceVolume") else {
                continue;
            };
            let Some(volume) = source.as_str() else { continue };
            if !volumes.contains(&volume) {
                out.push(
                    finding(
                        task,
                        UNKNOWN_REFERENCE,
                        source.span,
                        &format!("{base}/mountPoints/{j}/sourceVolume"),
                        format!(
                            "Unknown volume '{volume}': {who} mounts a volume the task's \"volumes\" do not declare"
                        ),
                    )
                    .with_label("no such volume")
                    .with_help(known_hint("volumes", volume, &volumes)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, run};
    use super::check;

    #[test]
    fn unknown_names() {
        let text = r#"{"family": "f", "volumes": [{"name": "data"}], "containerDefinitions": [
  {"name": "web", "image": "w:1", "links": ["db:database", "cache"], "volumesFrom": [{"sourceContainer": "dbb"}],
   "mountPoints": [{"sourceVolume": "dta", "containerPath": "/d"}, {"sourceVolume": "data", "containerPath": "/e"}]},
  {"name": "db", "image": "d:1"}
]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["2:60", "2:106", "3:37"]);
        assert_eq!(found[1].help.as_deref(), Some("did you mean \"db\"?"));
        assert_eq!(found[2].help.as_deref(), Some("did you mean \"data\"?"));
        assert!(found[2].message.starts_with("Unknown volume 'dta'"));
    }

    #[test]
    fn no_volumes_at_all() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "web", "image": "w:1", "mountPoints": [{"sourceVolume": "data", "containerPath": "/d"}]}
]}"#;
        let found = run(check, text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].help.as_deref(), Some("this task definition has no volumes"));
    }
}
