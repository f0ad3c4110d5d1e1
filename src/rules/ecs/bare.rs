//! A bare `containerDefinitions` array (the JSON file Terraform's `container_definitions` reads):
//! the container rules run on it as on the containers of a task definition. The rules that need
//! the task around the containers (task memory for ECS014, the execution role for ECS018, the
//! task's volumes for ECS020's mountPoints, the network mode) are left out: that task is written
//! elsewhere.

use super::{Task, awslogs, depends_on, environment, essential, health_check, image, names, ports, references};
use crate::finding::Finding;
use crate::parse::{Entry, Node, NodeKind, Span};

/// The key the rules read the containers under, which the findings' pointers then drop.
const KEY: &str = "/containerDefinitions";

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    // The rules read `containerDefinitions` of a task object: give them one around the array,
    // with the array's own spans, so every finding is placed in the file as written.
    let wrapped = Node {
        span: task.node.span,
        kind: NodeKind::Map(vec![Entry {
            key: "containerDefinitions".to_owned(),
            key_span: Span::new(task.node.span.start, task.node.span.start + 1),
            value: task.node.clone(),
        }]),
    };
    let inner = Task {
        file: task.file,
        doc: task.doc,
        node: &wrapped,
        prefix: task.prefix,
        object: task.object.clone(),
    };
    let start = out.len();
    essential::check(&inner, out);
    image::check(&inner, out);
    environment::check(&inner, out);
    awslogs::check(&inner, out);
    depends_on::check(&inner, out);
    names::check(&inner, out);
    ports::check(&inner, out);
    health_check::check(&inner, out);
    references::between_containers(&inner, out);
    for f in &mut out[start..] {
        if let Some(pointer) = &mut f.pointer {
            let rest = pointer
                .strip_prefix(task.prefix)
                .and_then(|p| p.strip_prefix(KEY))
                .map(str::to_owned);
            if let Some(rest) = rest {
                *pointer = format!("{}{rest}", task.prefix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, run};
    use super::check;
    use crate::finding::ids;

    #[test]
    fn container_rules_run_on_a_bare_array() {
        let text = r#"[
  {"name": "web", "image": "nginx:latest", "essential": false, "links": ["db"],
   "mountPoints": [{"sourceVolume": "data", "containerPath": "/d"}]},
  {"name": "web", "image": "redis:7.4", "essential": false,
   "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "g"}}}
]"#;
        let found = run(check, text);
        let rules: Vec<&str> = found.iter().map(|f| f.rule).collect();
        for rule in [
            ids::NO_ESSENTIAL,
            ids::ECS_IMAGE_TAG,
            ids::UNKNOWN_REFERENCE,
            ids::AWSLOGS_OPTIONS,
            ids::ECS_DUPLICATE_NAME,
        ] {
            assert!(rules.contains(&rule), "{rule} in {rules:?}");
        }
        // The volumes are the task's, written elsewhere: mountPoints are not judged.
        assert!(found.iter().all(|f| !f.message.contains("Unknown volume")), "{found:?}");
        let image = found.iter().find(|f| f.rule == ids::ECS_IMAGE_TAG).unwrap();
        assert_eq!(image.pointer.as_deref(), Some("/0/image"));
        assert_eq!(at(std::slice::from_ref(image)), ["2:28"]);
    }
}
