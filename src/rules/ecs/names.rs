//! ECS016: two containers with the same name.

use super::{Task, containers, finding, name};
use crate::finding::Finding;
use crate::finding::ids::ECS_DUPLICATE_NAME;
use crate::parse::Node;

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    let mut seen: Vec<(&str, usize, &Node)> = Vec::new();
    for (i, container) in containers(task) {
        let (Some(n), Some(value)) = (name(container), container.get("name")) else {
            continue;
        };
        if let Some((_, first, first_value)) = seen.iter().find(|(s, _, _)| *s == n) {
            out.push(
                finding(
                    task,
                    ECS_DUPLICATE_NAME,
                    value.span,
                    &format!("/containerDefinitions/{i}/name"),
                    format!(
                        "Container names must be unique within a Task Definition: {n:?} is also container #{}",
                        first + 1
                    ),
                )
                .with_label("duplicate name")
                .with_related(task.doc, first_value.span, "first used here")
                .with_help(
                    "rename one of them (dependsOn, links, volumesFrom and load balancers refer to containers by name)",
                ),
            );
        } else {
            seen.push((n, i, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, run};
    use super::check;

    #[test]
    fn later_duplicates_are_reported() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "web", "image": "a:1"},
  {"name": "log", "image": "b:1"},
  {"name": "web", "image": "c:1"},
  {"name": "web", "image": "d:1"},
  {"image": "e:1"}
]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["4:12", "5:12"]);
        assert_eq!(found[0].related.len(), 1);
        assert_eq!(found[0].related[0].start.line, 2);
    }
}
