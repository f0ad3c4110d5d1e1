//! K8S012: images without a tag or with `:latest`, and no digest.

use super::{Pod, container_name, is_placeholder};
use crate::finding::Finding;
use crate::finding::ids::K8S_IMAGE_TAG;
use crate::rules::fargate_eks::Check;

#[derive(Debug, PartialEq, Eq)]
enum Problem {
    Latest,
    NoTag,
}

pub(super) fn check(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    for c in pod.main_and_init() {
        let Some(entry) = c.node.entry("image") else {
            continue;
        };
        let Some(image) = entry.value.as_str() else {
            continue;
        };
        let Some(problem) = problem(image) else {
            continue;
        };
        let repository = repository(image);
        let message = match problem {
            Problem::Latest => format!(
                "image \"{image}\" of container \"{}\" uses the \"latest\" tag",
                container_name(c)
            ),
            Problem::NoTag => format!(
                "image \"{image}\" of container \"{}\" has no tag (so \"latest\")",
                container_name(c)
            ),
        };
        out.push(
            check
                .finding(K8S_IMAGE_TAG, entry.value.span, &format!("{}/image", c.pointer), message)
                .with_label("mutable tag")
                .with_help(format!(
                    "pin a version tag ({repository}:1.2.3) or a digest ({repository}@sha256:...) so every node and every rollback runs the same build"
                )),
        );
    }
}

/// The image reference without tag or digest.
fn repository(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    let slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[slash..].find(':') {
        Some(colon) => &image[..slash + colon],
        None => image,
    }
}

fn problem(image: &str) -> Option<Problem> {
    if image.is_empty() || is_placeholder(image) || image.contains(char::is_whitespace) || image.contains('@') {
        return None;
    }
    // A colon before the last slash is a registry port (localhost:5000/app), not a tag.
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) => Some(Problem::Latest),
        Some(_) => None,
        None => Some(Problem::NoTag),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{deployment, only};
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(problem("nginx"), Some(Problem::NoTag));
        assert_eq!(problem("nginx:latest"), Some(Problem::Latest));
        assert_eq!(problem("docker.io/library/nginx:latest"), Some(Problem::Latest));
        assert_eq!(problem("localhost:5000/app"), Some(Problem::NoTag));
        assert_eq!(problem("localhost:5000/app:latest"), Some(Problem::Latest));
        assert_eq!(problem("nginx:1.27"), None);
        assert_eq!(problem("localhost:5000/app:v2"), None);
        assert_eq!(problem("nginx@sha256:0123abcd"), None);
        assert_eq!(problem("nginx:latest@sha256:0123abcd"), None);
        assert_eq!(problem("nginx:Latest"), None);
        assert_eq!(problem("${IMAGE}"), None);
        assert_eq!(problem("{{ .Values.image }}"), None);
        assert_eq!(problem("<your-image>"), None);
        assert_eq!(problem("$IMAGE"), None);
        assert_eq!(problem("${REPO}:latest"), None);
        assert_eq!(problem("$(IMAGE)"), None);
        assert_eq!(problem(""), None);
    }

    #[test]
    fn repositories() {
        assert_eq!(repository("nginx"), "nginx");
        assert_eq!(repository("nginx:latest"), "nginx");
        assert_eq!(repository("localhost:5000/app"), "localhost:5000/app");
        assert_eq!(repository("localhost:5000/app:latest"), "localhost:5000/app");
    }

    #[test]
    fn reports_on_the_image_value() {
        let text = deployment("name: app\nimage: localhost:5000/app");
        assert_eq!(
            only(&text, K8S_IMAGE_TAG),
            ["16:18 image \"localhost:5000/app\" of container \"app\" has no tag (so \"latest\")"]
        );
        let text = deployment("name: app\nimage: 42");
        assert!(only(&text, K8S_IMAGE_TAG).is_empty());
    }
}
