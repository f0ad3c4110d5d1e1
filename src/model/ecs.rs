//! ECS task definitions as k2e reads them, whatever shape they arrive in: the one place that
//! unwraps `describe-task-definition` output.

use crate::detect::EcsShape;
use crate::parse::Node;

/// The task definition object of a document, and where it sits in that document.
#[derive(Clone, Copy, Debug)]
pub struct TaskDefinition<'a> {
    /// The object with `family`, `containerDefinitions`, ... (for a bare container array, the
    /// array itself).
    pub node: &'a Node,
    /// JSON pointer of `node` in its document: "" or "/taskDefinition".
    pub pointer: &'static str,
    pub shape: EcsShape,
}

impl<'a> TaskDefinition<'a> {
    /// The task definition of a document `detect` found to be of `shape`; None for describe
    /// output without its `taskDefinition` object.
    pub fn of(root: &'a Node, shape: EcsShape) -> Option<Self> {
        let (node, pointer) = match shape {
            EcsShape::Register | EcsShape::ContainerDefinitions => (root, ""),
            EcsShape::Describe => (root.get("taskDefinition")?, "/taskDefinition"),
        };
        Some(TaskDefinition { node, pointer, shape })
    }

    /// A bare `containerDefinitions` array: containers without the task around them.
    pub fn containers_only(&self) -> bool {
        self.shape == EcsShape::ContainerDefinitions
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{Detected, detect};
    use crate::parse::{Limits, json};

    fn task_of(text: &str) -> Option<(String, &'static str, bool)> {
        let doc = json(text, 0, &Limits::default());
        let root = doc.root.as_ref()?;
        let Detected::Ecs { shape, .. } = detect(root) else {
            return None;
        };
        let task = TaskDefinition::of(root, shape)?;
        let family = task.node.get("family").and_then(Node::as_str).unwrap_or("").to_owned();
        Some((family, task.pointer, task.containers_only()))
    }

    #[test]
    fn every_shape_unwraps_to_its_task() {
        let register = r#"{"family": "web", "containerDefinitions": [{"name": "a", "image": "x"}]}"#;
        assert_eq!(task_of(register), Some(("web".into(), "", false)));
        let describe = r#"{"taskDefinition": {"family": "web", "containerDefinitions": []}, "tags": []}"#;
        assert_eq!(task_of(describe), Some(("web".into(), "/taskDefinition", false)));
        let containers = r#"[{"name": "a", "image": "x", "essential": true}]"#;
        assert_eq!(task_of(containers), Some((String::new(), "", true)));
    }
}
