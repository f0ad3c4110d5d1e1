//! ECS task definitions as k2e reads them, whatever shape they arrive in: the one place that
//! unwraps `describe-task-definition` output.

use super::Located;
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

/// An ECS service (`create-service --cli-input-json` input) and the task definition it runs.
#[derive(Clone, Copy, Debug)]
pub struct Service<'a> {
    pub node: &'a Node,
}

impl<'a> Service<'a> {
    /// The service of a document `detect` found to be one.
    pub fn of(root: &'a Node) -> Option<Self> {
        root.get("taskDefinition").and_then(Node::as_str)?;
        Some(Service { node: root })
    }

    /// `taskDefinition` as written: `arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REV`,
    /// `FAMILY:REV` or `FAMILY`.
    pub fn task_definition(&self) -> Option<Located<'a>> {
        let node = self.node.get("taskDefinition")?;
        Some(Located {
            node,
            pointer: "/taskDefinition".to_owned(),
        })
    }

    /// The family and revision `taskDefinition` names (no revision: the latest).
    pub fn family_and_revision(&self) -> Option<(&'a str, Option<&'a str>)> {
        self.task_definition()?.node.as_str().map(family_and_revision)
    }
}

/// The family and revision of a task definition reference (an ARN, `FAMILY:REV` or `FAMILY`).
pub fn family_and_revision(reference: &str) -> (&str, Option<&str>) {
    let tail = reference.rsplit_once('/').map_or(reference, |(_, t)| t);
    match tail.split_once(':') {
        Some((family, revision)) => (family, Some(revision)),
        None => (tail, None),
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

    #[test]
    fn a_service_names_its_task_definition_by_family_and_revision() {
        for (reference, family, revision) in [
            (
                "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7",
                "web",
                Some("7"),
            ),
            ("web:7", "web", Some("7")),
            ("web", "web", None),
        ] {
            let text = format!(r#"{{"serviceName": "s", "taskDefinition": "{reference}"}}"#);
            let doc = json(&text, 0, &Limits::default());
            let service = Service::of(doc.root.as_ref().unwrap()).unwrap();
            assert_eq!(service.family_and_revision(), Some((family, revision)), "{reference}");
            assert_eq!(service.task_definition().unwrap().pointer, "/taskDefinition");
        }
        let doc = json(r#"{"serviceName": "s"}"#, 0, &Limits::default());
        assert!(Service::of(doc.root.as_ref().unwrap()).is_none());
    }
}
