//! ECS010: a task needs at least one essential container; `essential` defaults to true.

use super::{Task, containers, finding, is_bool};
use crate::finding::Finding;
use crate::finding::ids::NO_ESSENTIAL;

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    let Some(entry) = task.node.entry("containerDefinitions") else {
        return;
    };
    let mut all = containers(task).peekable();
    if all.peek().is_none() {
        return;
    }
    if !all.all(|(_, c)| c.get("essential").is_some_and(|e| is_bool(e, false))) {
        return;
    }
    out.push(
        finding(
            task,
            NO_ESSENTIAL,
            entry.key_span,
            "/containerDefinitions",
            "Task definition doesn't have any essential container: every container sets \"essential\": false".into(),
        )
        .with_label("no essential container")
        .with_help(
            "set \"essential\": true on the container the task exists for (or drop its \"essential\": false; \
             true is the default)",
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, run};
    use super::check;

    #[test]
    fn all_non_essential_is_reported_on_the_key() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "a", "image": "a:1", "essential": false},
  {"name": "b", "image": "b:1", "essential": false}
]}"#;
        assert_eq!(at(&run(check, text)), ["1:17"]);
    }

    #[test]
    fn omitted_means_essential() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "a", "image": "a:1", "essential": false},
  {"name": "b", "image": "b:1"}
]}"#;
        assert!(run(check, text).is_empty());
    }

    #[test]
    fn odd_input_is_skipped() {
        for text in [
            r#"{"family": "f", "containerDefinitions": []}"#,
            r#"{"family": "f", "containerDefinitions": {}}"#,
            r#"{"family": "f", "containerDefinitions": [{"name": "a", "essential": "false"}]}"#,
            r#"{"family": "f"}"#,
        ] {
            assert!(run(check, text).is_empty(), "{text}");
        }
    }
}
