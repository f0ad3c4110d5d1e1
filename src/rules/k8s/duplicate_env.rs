//! K8S035: one env var name twice in a container. The last definition wins in the container,
//! but `env` is a list merged by name (strategic merge patch), so `kubectl apply` may drop one of
//! them on a later change; the API server warns ("hides previous definition of ..."). As there,
//! a later definition that builds on the earlier one (`PATH: "$(PATH):/opt/bin"`) is left alone.

use super::ports::field_path;
use super::{Pod, container_name};
use crate::finding::Finding;
use crate::finding::ids::DUPLICATE_ENV;
use crate::parse::Node;
use crate::rules::fargate_eks::Check;
use std::collections::HashMap;

pub(super) fn check(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    for c in &pod.containers {
        let env = c.node.get("env").and_then(Node::as_seq).unwrap_or_default();
        let mut first: HashMap<&str, &Node> = HashMap::new();
        for (i, var) in env.iter().enumerate() {
            let Some(name_node) = var.get("name") else { continue };
            let Some(name) = name_node.as_str() else { continue };
            let Some(earlier) = first.get(name).copied() else {
                first.insert(name, name_node);
                continue;
            };
            if builds_on(var, name) {
                continue;
            }
            let pointer = format!("{}/env/{i}", c.pointer);
            out.push(
                check
                    .finding(
                        DUPLICATE_ENV,
                        name_node.span,
                        &format!("{pointer}/name"),
                        format!(
                            "{}: hides previous definition of \"{name}\", which may be dropped when using apply",
                            field_path(&pointer)
                        ),
                    )
                    .with_label("defined again")
                    .with_related(check.doc, earlier.span, "first defined here")
                    .with_help(format!(
                        "keep one definition of {name} in container \"{}\": this one wins in the container, but kubectl apply may drop either",
                        container_name(c)
                    )),
            );
        }
    }
}

/// `X: "$(X) more"`: the later value extends the earlier one, which the API server accepts
/// without a warning. `X: "$(X)"` alone, or a valueFrom, replaces it.
fn builds_on(var: &Node, name: &str) -> bool {
    if var.get("valueFrom").is_some() {
        return false;
    }
    let reference = format!("$({name})");
    let value = var.get("value").and_then(Node::as_str).unwrap_or_default();
    value != reference && value.contains(&reference)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{deployment, lint};
    use super::DUPLICATE_ENV;

    #[test]
    fn the_later_definition_points_at_the_first() {
        let text = deployment(
            "name: app\nimage: app:1\nenv:\n  - {name: A, value: \"1\"}\n  - {name: B, value: \"2\"}\n  - {name: A, value: \"3\"}",
        );
        let found: Vec<_> = lint(&text).into_iter().filter(|f| f.rule == DUPLICATE_ENV).collect();
        let [f] = found.as_slice() else { panic!("{found:?}") };
        assert_eq!((f.start.line, f.start.column), (20, 22));
        assert_eq!(
            f.message,
            "spec.template.spec.containers[0].env[2]: hides previous definition of \"A\", which may be dropped when using apply"
        );
        assert_eq!(f.related.first().map(|r| r.start.line), Some(18));
    }

    #[test]
    fn extending_the_earlier_value_and_other_containers_pass() {
        let text = deployment(
            "name: app\nimage: app:1\nenv:\n  - {name: PATH, value: /bin}\n  - {name: PATH, value: \"$(PATH):/opt/bin\"}",
        );
        assert!(lint(&text).iter().all(|f| f.rule != DUPLICATE_ENV));
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: \"app:1\", env: [{name: A, value: x}]}\n    - {name: b, image: \"app:1\", env: [{name: A, value: y}, {name: A, value: z}]}\n";
        let found: Vec<_> = lint(pod).into_iter().filter(|f| f.rule == DUPLICATE_ENV).collect();
        assert_eq!(found.len(), 1, "one container's own duplicate only: {found:?}");
        assert!(found[0].message.starts_with("spec.containers[1].env[1]"));
        let text = deployment("name: app\nimage: app:1\nenv:\n  - {name: A, value: x}\n  - {name: A, value: \"$(A)\"}");
        assert_eq!(lint(&text).iter().filter(|f| f.rule == DUPLICATE_ENV).count(), 1);
    }
}
