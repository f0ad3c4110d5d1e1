//! K8S033: a container or init container without an image. The OpenAPI schema makes `image`
//! optional (so that tools can fill it in later), but the API server's validation of every
//! container, in a Pod and in a workload's pod template alike, refuses an empty one
//! ("spec.template.spec.containers[0].image: Required value"). Leading or trailing whitespace is
//! refused in a Pod ("must not have leading or trailing whitespace"); a template keeps it (some
//! tools write `" "` as a token to replace), but every pod made from it is then refused.
//!
//! Ephemeral containers are left out: a manifest cannot create them (`kubectl debug` adds them
//! to a running pod, with the image it is given).

use super::ports::field_path;
use super::{Pod, Workload, container_span};
use crate::finding::Finding;
use crate::finding::ids::IMAGE_REQUIRED;
use crate::model::k8s::{ContainerRef, Phase};
use crate::parse::{Node, NodeKind, Scalar};
use crate::rules::fargate_eks::Check;

pub(super) fn check(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    for c in pod.containers.iter().filter(|c| c.phase != Phase::Ephemeral) {
        let pointer = format!("{}/image", c.pointer);
        let path = field_path(&pointer);
        let name = c
            .name()
            .map_or_else(|| "the container".to_owned(), |n| format!("container \"{n}\""));
        match c.node.entry("image") {
            None => missing(
                check,
                c,
                &pointer,
                format!("{path}: Required value: {name} has no image"),
                out,
            ),
            Some(e) if is_null(&e.value) => {
                missing(
                    check,
                    c,
                    &pointer,
                    format!("{path}: Required value: the image of {name} is null"),
                    out,
                );
            }
            Some(e) => {
                let Some(image) = e.value.as_str() else { continue };
                if image.is_empty() {
                    let message = format!("{path}: Required value: the image of {name} is empty");
                    out.push(
                        check
                            .finding(IMAGE_REQUIRED, e.value.span, &pointer, message)
                            .with_label("empty image")
                            .with_help(HELP),
                    );
                } else if image.trim() != image {
                    out.push(whitespace(check, pod, &e.value, &pointer, &path, image));
                }
            }
        }
    }
}

const HELP: &str = "name the image to run (nginx:1.27.3, registry.example.com/app@sha256:...)";

fn missing(check: &Check<'_>, c: &ContainerRef<'_>, pointer: &str, message: String, out: &mut Vec<Finding>) {
    let Some(span) = container_span(c) else { return };
    out.push(
        check
            .finding(IMAGE_REQUIRED, span, pointer, message)
            .with_label("no image")
            .with_help(HELP),
    );
}

fn whitespace(check: &Check<'_>, pod: &Pod<'_>, value: &Node, pointer: &str, path: &str, image: &str) -> Finding {
    let blank = image.trim().is_empty();
    let mut message = format!("{path}: Invalid value: {image:?}: must not have leading or trailing whitespace");
    if pod.workload != Workload::Pod {
        message.push_str(" (the API server accepts it in a template, then refuses every pod made from it)");
    }
    let help = if blank {
        HELP.to_owned()
    } else {
        format!("remove the spaces: \"{}\"", image.trim())
    };
    check
        .finding(IMAGE_REQUIRED, value.span, pointer, message)
        .with_label(if blank {
            "blank image"
        } else {
            "whitespace around the image"
        })
        .with_help(help)
}

fn is_null(node: &Node) -> bool {
    matches!(
        node.kind,
        NodeKind::Scalar {
            value: Scalar::Null,
            ..
        }
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{deployment, only};
    use super::IMAGE_REQUIRED;

    #[test]
    fn missing_null_and_empty_images() {
        let text = deployment("name: a");
        assert_eq!(
            only(&text, IMAGE_REQUIRED),
            ["15:17 spec.template.spec.containers[0].image: Required value: container \"a\" has no image"]
        );
        let text = deployment("name: a\nimage:");
        assert_eq!(only(&text, IMAGE_REQUIRED).len(), 1);
        let text = deployment("name: a\nimage: \"\"");
        assert_eq!(
            only(&text, IMAGE_REQUIRED),
            ["16:18 spec.template.spec.containers[0].image: Required value: the image of container \"a\" is empty"]
        );
    }

    #[test]
    fn whitespace_in_a_pod_and_in_a_template() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: \" nginx:1.27\"}\n";
        assert_eq!(
            only(pod, IMAGE_REQUIRED),
            [
                "6:24 spec.containers[0].image: Invalid value: \" nginx:1.27\": must not have leading or trailing whitespace"
            ]
        );
        let text = deployment("name: a\nimage: \" \"");
        let got = only(&text, IMAGE_REQUIRED);
        assert!(got[0].ends_with("then refuses every pod made from it)"), "{got:?}");
    }

    #[test]
    fn good_images_numbers_and_ephemeral_containers_pass() {
        let text = deployment("name: a\nimage: nginx:1.27");
        assert!(only(&text, IMAGE_REQUIRED).is_empty());
        let text = deployment("name: a\nimage: 7");
        assert!(only(&text, IMAGE_REQUIRED).is_empty());
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: \"x:1\"}]\n  ephemeralContainers: [{name: debug}]\n";
        assert!(only(pod, IMAGE_REQUIRED).is_empty());
    }

    #[test]
    fn a_container_without_a_name_is_named_by_its_place() {
        let pod =
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {imagePullPolicy: Always}\n";
        assert_eq!(
            only(pod, IMAGE_REQUIRED),
            ["6:8 spec.containers[0].image: Required value: the container has no image"]
        );
    }
}
