//! K8S010 / K8S011: containers without cpu/memory requests or without a memory limit.

use super::{Pod, container_name, container_span, map_or_absent};
use crate::finding::Finding;
use crate::finding::ids::{MISSING_MEMORY_LIMIT, MISSING_REQUESTS};
use crate::model::k8s::ContainerRef;
use crate::parse::{Node, NodeKind, Scalar, Span};
use crate::rules::fargate_eks::Check;

pub(super) fn check(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    // Pod-level resources (spec.resources) cover every container when set.
    let pod_resources = pod.spec.get("resources");
    let pod_has = |section: &str, name: &str| has(pod_resources, section, name);
    for c in pod.main_and_init() {
        let resources = c.node.get("resources");
        let sections = ["requests", "limits"].map(|k| resources.and_then(|r| r.get(k)));
        if !map_or_absent(resources) || !sections.iter().all(|s| map_or_absent(*s)) {
            continue;
        }
        // A request left out defaults to the limit, so a limit counts as a request.
        let request = |name: &str| {
            has(resources, "requests", name)
                || has(resources, "limits", name)
                || pod_has("requests", name)
                || pod_has("limits", name)
        };
        let missing: Vec<&str> = ["cpu", "memory"].into_iter().filter(|n| !request(n)).collect();
        if !missing.is_empty() {
            if let Some(span) = anchor(c, "requests") {
                let what = missing.join(" or ");
                out.push(
                    check
                        .finding(
                            MISSING_REQUESTS,
                            span,
                            &c.pointer,
                            format!("container \"{}\" has no {what} request", container_name(c)),
                        )
                        .with_label(format!("no {what} request"))
                        .with_help(format!(
                            "set resources.requests.{} from the container's observed usage (for example {}): the scheduler places pods by their requests",
                            missing.join(" and resources.requests."),
                            missing
                                .iter()
                                .map(|n| if *n == "cpu" { "cpu: 100m" } else { "memory: 128Mi" })
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                );
            }
        }
        if !has(resources, "limits", "memory") && !pod_has("limits", "memory") {
            if let Some(span) = anchor(c, "limits") {
                out.push(
                    check
                        .finding(
                            MISSING_MEMORY_LIMIT,
                            span,
                            &c.pointer,
                            format!("container \"{}\" has no memory limit", container_name(c)),
                        )
                        .with_label("no memory limit")
                        .with_help(
                            "set resources.limits.memory (for example memory: 256Mi, at least the memory request): without it a leak in this container can take the node's memory and get other pods evicted",
                        ),
                );
            }
        }
    }
}

/// `resources.{section}.{name}` is set to something other than null.
fn has(resources: Option<&Node>, section: &str, name: &str) -> bool {
    resources
        .and_then(|r| r.get(section))
        .and_then(|s| s.get(name))
        .is_some_and(|v| {
            !matches!(
                v.kind,
                NodeKind::Scalar {
                    value: Scalar::Null,
                    ..
                }
            )
        })
}

/// The `resources.{section}` key, else the `resources` key, else the container's name.
fn anchor(c: &ContainerRef<'_>, section: &str) -> Option<Span> {
    if let Some(resources) = c.node.entry("resources") {
        if let Some(entry) = resources.value.entry(section) {
            return Some(entry.key_span);
        }
        return Some(resources.key_span);
    }
    container_span(c)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{deployment, only};
    use super::*;

    #[test]
    fn reports_missing_requests_and_limit() {
        let text = deployment("name: app\nimage: app:1.0");
        assert_eq!(
            only(&text, MISSING_REQUESTS),
            ["15:17 container \"app\" has no cpu or memory request"]
        );
        assert_eq!(
            only(&text, MISSING_MEMORY_LIMIT),
            ["15:17 container \"app\" has no memory limit"]
        );
    }

    #[test]
    fn limits_count_as_requests() {
        let text = deployment("name: app\nimage: app:1.0\nresources:\n  limits:\n    cpu: 1\n    memory: 1Gi");
        assert!(only(&text, MISSING_REQUESTS).is_empty());
        assert!(only(&text, MISSING_MEMORY_LIMIT).is_empty());
    }

    #[test]
    fn partial_requests_name_what_is_missing() {
        let text = deployment("name: app\nimage: app:1.0\nresources:\n  requests:\n    cpu: 100m");
        assert_eq!(
            only(&text, MISSING_REQUESTS),
            ["18:13 container \"app\" has no memory request"]
        );
        // The limit is reported on the resources key when there is no limits section.
        assert_eq!(
            only(&text, MISSING_MEMORY_LIMIT),
            ["17:11 container \"app\" has no memory limit"]
        );
    }

    #[test]
    fn null_values_do_not_count() {
        let text = deployment("name: app\nimage: app:1.0\nresources:\n  requests:\n    cpu: ~\n    memory: 1Gi");
        assert_eq!(
            only(&text, MISSING_REQUESTS),
            ["18:13 container \"app\" has no cpu request"]
        );
    }

    #[test]
    fn pod_level_resources_cover_containers() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  resources:\n    requests:\n      cpu: 1\n      memory: 1Gi\n    limits:\n      memory: 1Gi\n  containers:\n    - name: a\n      image: a:1\n";
        assert!(only(text, MISSING_REQUESTS).is_empty());
        assert!(only(text, MISSING_MEMORY_LIMIT).is_empty());
    }

    #[test]
    fn init_containers_too_ephemeral_not() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n    - name: init\n      image: a:1\n  containers: []\n  ephemeralContainers:\n    - name: debug\n      image: busybox:1\n";
        assert_eq!(
            only(text, MISSING_REQUESTS),
            ["7:13 container \"init\" has no cpu or memory request"]
        );
    }

    #[test]
    fn wrong_types_are_skipped() {
        let text = deployment("name: app\nimage: app:1\nresources: {requests: [1]}");
        assert!(only(&text, MISSING_REQUESTS).is_empty());
        let text = deployment("name: [app]\nimage: app:1");
        assert!(only(&text, MISSING_REQUESTS).is_empty());
    }

    #[test]
    fn odd_input_is_skipped() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [3, [1], {image: a}]\n";
        // The map without a name is reported on its first key; the scalars are skipped.
        assert_eq!(only(text, MISSING_REQUESTS).len(), 1);
    }
}
