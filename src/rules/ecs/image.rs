//! ECS011: an image without a tag, or tagged `latest`, runs whatever the tag points to when a task
//! starts.

use super::{Task, containers, finding};
use crate::finding::Finding;
use crate::finding::ids::ECS_IMAGE_TAG;
use crate::model::placeholder::is_placeholder;

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in containers(task) {
        let Some(image) = container.get("image") else { continue };
        let Some(reference) = image.as_str() else { continue };
        let Some(problem) = floating(reference) else { continue };
        let repository = reference.trim().trim_end_matches(":latest");
        let message = match problem {
            Floating::Untagged => format!("image {reference:?} has no tag: ECS pulls \"latest\""),
            Floating::Latest => format!("image {reference:?} uses the \"latest\" tag"),
        };
        out.push(
            finding(
                task,
                ECS_IMAGE_TAG,
                image.span,
                &format!("/containerDefinitions/{i}/image"),
                message,
            )
            .with_label("not a fixed version")
            .with_help(format!(
                "pin a version tag (\"{repository}:<version>\") or a digest (\"{repository}@sha256:<digest>\")"
            )),
        );
    }
}

#[derive(Debug, PartialEq)]
enum Floating {
    Untagged,
    Latest,
}

/// Whether an image reference floats. A digest pins it; a colon before the last `/` belongs to
/// a registry host port (`registry:5000/app`), not to a tag. An unrendered template
/// (`model::placeholder`) is not a reference yet, whatever tag it shows.
fn floating(reference: &str) -> Option<Floating> {
    let reference = reference.trim();
    if reference.is_empty() || reference.contains('@') {
        return None;
    }
    if is_placeholder(reference) {
        return None;
    }
    let last = reference.rsplit('/').next().unwrap_or(reference);
    match last.rsplit_once(':') {
        Some((_, "latest")) => Some(Floating::Latest),
        Some(_) => None,
        None => Some(Floating::Untagged),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, run};
    use super::{Floating, check, floating};

    #[test]
    fn references() {
        assert_eq!(floating("nginx"), Some(Floating::Untagged));
        assert_eq!(floating("nginx:latest"), Some(Floating::Latest));
        assert_eq!(floating("library/nginx:latest"), Some(Floating::Latest));
        assert_eq!(floating("registry.example.com:5000/app"), Some(Floating::Untagged));
        assert_eq!(floating("registry.example.com:5000/app:latest"), Some(Floating::Latest));
        assert_eq!(
            floating("123456789012.dkr.ecr.us-east-1.amazonaws.com/web"),
            Some(Floating::Untagged)
        );
        assert_eq!(floating("nginx:1.27"), None);
        assert_eq!(floating("registry.example.com:5000/app:2.1"), None);
        assert_eq!(floating("nginx@sha256:0123456789abcdef"), None);
        assert_eq!(floating("nginx:latest@sha256:0123456789abcdef"), None);
        assert_eq!(
            floating("public.ecr.aws/aws-observability/aws-for-fluent-bit:stable"),
            None
        );
        // Unrendered templates: the tag is not known yet.
        assert_eq!(floating("{{image}}"), None);
        assert_eq!(floating("${REPOSITORY_URI}"), None);
        assert_eq!(floating("<IMAGE_URI>"), None);
        assert_eq!(floating("${REPO}:${TAG}"), None);
        assert_eq!(floating("${REPO}:latest"), None);
        assert_eq!(floating("$REPO"), None);
        assert_eq!(floating(""), None);
    }

    #[test]
    fn reported_on_the_image_value() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "a", "image": "nginx:latest"},
  {"name": "b", "image": "redis"},
  {"name": "c", "image": "redis:7.4"},
  {"name": "d", "image": 7}
]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["2:26", "3:26"]);
        assert_eq!(
            found[1].help.as_deref(),
            Some("pin a version tag (\"redis:<version>\") or a digest (\"redis@sha256:<digest>\")")
        );
    }
}
