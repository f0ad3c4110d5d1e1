//! K8S019: a workload's selector that its own pod template does not satisfy, an empty selector,
//! and a Job selector without `manualSelector: true`. The API server rejects all three.

use super::as_bool;
use crate::finding::Finding;
use crate::finding::ids::SELECTOR_MISMATCH;
use crate::parse::{Entry, Node, Span};
use crate::rules::fargate_eks::Check;

/// Labels the Job controller puts on its pods and in its generated selector.
const JOB_LABELS: &[&str] = &[
    "controller-uid",
    "job-name",
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-name",
];

const MISMATCH: &str = "`selector` does not match template `labels`";

pub(super) fn check(check: &Check<'_>, out: &mut Vec<Finding>) {
    let obj = check.obj;
    match (obj.group_version(), obj.kind) {
        (("apps", "v1"), "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet") => {
            label_selector(check, true, out);
        }
        (("", "v1"), "ReplicationController") => replication_controller(check, out),
        (("batch", "v1"), "Job") => {
            let manual = obj
                .node
                .get("spec")
                .and_then(|s| s.get("manualSelector"))
                .and_then(as_bool);
            if manual == Some(true) {
                label_selector(check, false, out);
            } else {
                generated_selector(check, out);
            }
        }
        _ => {}
    }
}

/// One requirement of a label selector, with where it is written.
#[derive(Debug)]
struct Requirement<'a> {
    key: &'a str,
    op: Op,
    values: Vec<String>,
    span: Span,
    pointer: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Equals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// The requirements of a `LabelSelector`; None when it is malformed (the schema rules report that).
fn requirements(selector: &Node) -> Option<Vec<Requirement<'_>>> {
    let mut out = Vec::new();
    if let Some(labels) = selector.get("matchLabels").filter(|m| !is_null(m)) {
        for e in labels.as_map()? {
            out.push(Requirement {
                key: &e.key,
                op: Op::Equals,
                values: vec![e.value.scalar_text()?],
                span: e.value.span,
                pointer: format!("/spec/selector/matchLabels/{}", escape(&e.key)),
            });
        }
    }
    if let Some(exprs) = selector.get("matchExpressions").filter(|m| !is_null(m)) {
        for (i, expr) in exprs.as_seq()?.iter().enumerate() {
            let key = expr.entry("key")?;
            let op = match expr.get("operator")?.as_str()? {
                "In" => Op::In,
                "NotIn" => Op::NotIn,
                "Exists" => Op::Exists,
                "DoesNotExist" => Op::DoesNotExist,
                _ => return None,
            };
            let values = match expr.get("values") {
                Some(v) if !is_null(v) => v.as_seq()?.iter().map(Node::scalar_text).collect::<Option<Vec<_>>>()?,
                _ => Vec::new(),
            };
            out.push(Requirement {
                key: key.value.as_str()?,
                op,
                values,
                span: key.value.span,
                pointer: format!("/spec/selector/matchExpressions/{i}"),
            });
        }
    }
    Some(out)
}

/// Does a label set satisfy the requirement, as `labels.Selector.Matches` decides it.
fn satisfied(req: &Requirement<'_>, labels: &[Label]) -> bool {
    let value = labels.iter().find(|(k, _, _)| k == req.key).map(|(_, v, _)| v);
    match req.op {
        Op::Equals | Op::In => value.is_some_and(|v| req.values.contains(v)),
        Op::NotIn => value.is_none_or(|v| !req.values.contains(v)),
        Op::Exists => value.is_some(),
        Op::DoesNotExist => value.is_none(),
    }
}

/// A label as (key, value, span of the value).
type Label = (String, String, Span);

/// `spec.template.metadata.labels`, and its entry; None when malformed.
fn template_labels(spec: &Node) -> Option<(Vec<Label>, Option<&Entry>)> {
    let metadata = spec.get("template").and_then(|t| t.get("metadata"));
    let entry = metadata.and_then(|m| m.entry("labels"));
    let mut labels = Vec::new();
    if let Some(e) = entry.filter(|e| !is_null(&e.value)) {
        for label in e.value.as_map()? {
            labels.push((label.key.clone(), label.value.scalar_text()?, label.value.span));
        }
    }
    Some((labels, entry))
}

/// apps/v1 workloads (and Jobs with a manual selector): `spec.selector` is a LabelSelector.
fn label_selector(check: &Check<'_>, must_not_be_empty: bool, out: &mut Vec<Finding>) {
    let Some(spec) = check.obj.node.get("spec") else {
        return;
    };
    let Some(selector) = spec.entry("selector") else {
        return;
    };
    if selector.value.as_map().is_none() {
        return;
    }
    let Some(reqs) = requirements(&selector.value) else {
        return;
    };
    let kind = check.obj.kind;
    if reqs.is_empty() {
        if must_not_be_empty {
            out.push(
                check
                    .finding(
                        SELECTOR_MISMATCH,
                        selector.key_span,
                        "/spec/selector",
                        format!("empty selector is invalid for {}", kind.to_lowercase()),
                    )
                    .with_label("empty selector")
                    .with_help(
                        "select the pod template's labels: spec.selector.matchLabels with the labels of spec.template.metadata.labels (for example app: <name>)",
                    ),
            );
        }
        return;
    }
    let Some((labels, labels_entry)) = template_labels(spec) else {
        return;
    };
    let Some(req) = reqs.iter().find(|r| !satisfied(r, &labels)) else {
        return;
    };
    let have = labels.iter().find(|(k, _, _)| k == req.key);
    let wants = match req.op {
        Op::Equals => format!("{}: {}", req.key, req.values.first().map_or("", String::as_str)),
        Op::In => format!("{} in ({})", req.key, req.values.join(", ")),
        Op::NotIn => format!("{} notin ({})", req.key, req.values.join(", ")),
        Op::Exists => req.key.to_owned(),
        Op::DoesNotExist => format!("!{}", req.key),
    };
    let detail = match have {
        Some((k, v, _)) => format!("the selector wants {wants}, the pod template has {k}: {v}"),
        None => format!(
            "the selector wants {wants}, the pod template has no label \"{}\"",
            req.key
        ),
    };
    let help = match req.op {
        Op::Equals => format!(
            "add {wants} to spec.template.metadata.labels, or change the selector to the template's labels (the selector cannot be changed once the {kind} exists)"
        ),
        _ => format!(
            "make spec.template.metadata.labels satisfy the selector, or change the selector (it cannot be changed once the {kind} exists)"
        ),
    };
    let mut finding = check
        .finding(
            SELECTOR_MISMATCH,
            req.span,
            &req.pointer,
            format!("{MISMATCH}: {detail}"),
        )
        .with_label("not in the pod template's labels")
        .with_help(help);
    if let Some((_, _, span)) = have {
        finding = finding.with_related(check.doc, *span, "the template's label");
    } else if let Some(e) = labels_entry {
        finding = finding.with_related(check.doc, e.key_span, "the template's labels");
    }
    out.push(finding);
}

/// core/v1 ReplicationController: `spec.selector` is a plain map (empty means "the template's
/// labels").
fn replication_controller(check: &Check<'_>, out: &mut Vec<Finding>) {
    let Some(spec) = check.obj.node.get("spec") else {
        return;
    };
    let Some(selector) = spec.get("selector").and_then(Node::as_map) else {
        return;
    };
    let Some((labels, labels_entry)) = template_labels(spec) else {
        return;
    };
    for e in selector {
        let Some(want) = e.value.scalar_text() else {
            return;
        };
        let have = labels.iter().find(|(k, _, _)| *k == e.key);
        if have.is_some_and(|(_, v, _)| *v == want) {
            continue;
        }
        let detail = match have {
            Some((k, v, _)) => format!("the selector wants {}: {want}, the pod template has {k}: {v}", e.key),
            None => format!(
                "the selector wants {}: {want}, the pod template has no label \"{}\"",
                e.key, e.key
            ),
        };
        let mut finding = check
            .finding(
                SELECTOR_MISMATCH,
                e.value.span,
                &format!("/spec/selector/{}", escape(&e.key)),
                format!("{MISMATCH}: {detail}"),
            )
            .with_label("not in the pod template's labels")
            .with_help(format!(
                "add {}: {want} to spec.template.metadata.labels, or leave spec.selector out (it then defaults to the template's labels)",
                e.key
            ));
        if let Some((_, _, span)) = have {
            finding = finding.with_related(check.doc, *span, "the template's label");
        } else if let Some(le) = labels_entry {
            finding = finding.with_related(check.doc, le.key_span, "the template's labels");
        }
        out.push(finding);
        return;
    }
}

/// batch/v1 Job without `manualSelector: true`: the API server generates the selector and refuses
/// one written by hand.
fn generated_selector(check: &Check<'_>, out: &mut Vec<Finding>) {
    let Some(selector) = check.obj.node.get("spec").and_then(|s| s.entry("selector")) else {
        return;
    };
    if selector.value.as_map().is_none() {
        return;
    }
    let Some(reqs) = requirements(&selector.value) else {
        return;
    };
    // A selector on the controller's own labels is what the API server would generate anyway.
    if reqs.is_empty() || reqs.iter().all(|r| JOB_LABELS.contains(&r.key)) {
        return;
    }
    out.push(
        check
            .finding(
                SELECTOR_MISMATCH,
                selector.key_span,
                "/spec/selector",
                "`selector` not auto-generated: a Job's selector is generated unless spec.manualSelector is true".to_owned(),
            )
            .with_label("written by hand")
            .with_help(
                "remove spec.selector (Kubernetes generates a unique one), or set spec.manualSelector: true and make sure no other Job's pods match it",
            ),
    );
}

/// RFC 6901 escaping of a key in a pointer.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn is_null(node: &Node) -> bool {
    matches!(
        node.kind,
        crate::parse::NodeKind::Scalar {
            value: crate::parse::Scalar::Null,
            ..
        }
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::only;
    use super::*;

    fn deployment(selector: &str, labels: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {selector}\n  template:\n    metadata:\n      labels: {labels}\n    spec:\n      containers: [{{name: a, image: a:1}}]\n"
        )
    }

    #[test]
    fn matching() {
        assert!(
            only(
                &deployment("{matchLabels: {app: web}}", "{app: web, tier: fe}"),
                SELECTOR_MISMATCH
            )
            .is_empty()
        );
        assert!(
            only(
                &deployment(
                    "{matchExpressions: [{key: tier, operator: In, values: [fe, be]}, {key: x, operator: DoesNotExist}]}",
                    "{tier: fe}"
                ),
                SELECTOR_MISMATCH
            )
            .is_empty()
        );
        assert!(
            only(
                &deployment(
                    "{matchExpressions: [{key: t, operator: NotIn, values: [a]}]}",
                    "{app: x}"
                ),
                SELECTOR_MISMATCH
            )
            .is_empty()
        );
    }

    #[test]
    fn different_value() {
        assert_eq!(
            only(
                &deployment("{matchLabels: {app: web}}", "{app: api}"),
                SELECTOR_MISMATCH
            ),
            [
                "6:33 `selector` does not match template `labels`: the selector wants app: web, the pod template has app: api"
            ]
        );
    }

    #[test]
    fn missing_label() {
        assert_eq!(
            only(
                &deployment("{matchLabels: {app: web}}", "{name: web}"),
                SELECTOR_MISMATCH
            ),
            [
                "6:33 `selector` does not match template `labels`: the selector wants app: web, the pod template has no label \"app\""
            ]
        );
        // No labels at all.
        let text = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels:\n      app: d\n  template:\n    spec:\n      containers: [{name: a, image: a:1}]\n";
        assert_eq!(only(text, SELECTOR_MISMATCH).len(), 1);
    }

    #[test]
    fn expressions() {
        assert_eq!(
            only(
                &deployment(
                    "{matchExpressions: [{key: tier, operator: In, values: [fe]}]}",
                    "{tier: be}"
                ),
                SELECTOR_MISMATCH
            ),
            [
                "6:39 `selector` does not match template `labels`: the selector wants tier in (fe), the pod template has tier: be"
            ]
        );
        assert_eq!(
            only(
                &deployment("{matchExpressions: [{key: x, operator: Exists}]}", "{a: b}"),
                SELECTOR_MISMATCH
            )
            .len(),
            1
        );
        // An unknown operator is the schema's (or the API server's) business.
        assert!(
            only(
                &deployment("{matchExpressions: [{key: x, operator: Has}]}", "{a: b}"),
                SELECTOR_MISMATCH
            )
            .is_empty()
        );
    }

    #[test]
    fn empty_selector() {
        assert_eq!(
            only(&deployment("{}", "{app: web}"), SELECTOR_MISMATCH),
            ["6:3 empty selector is invalid for deployment"]
        );
        assert_eq!(
            only(&deployment("{matchLabels: {}}", "{app: web}"), SELECTOR_MISMATCH),
            ["6:3 empty selector is invalid for deployment"]
        );
    }

    #[test]
    fn old_api_versions_are_not_checked() {
        let text = deployment("{}", "{app: web}").replace("apps/v1", "extensions/v1beta1");
        assert!(only(&text, SELECTOR_MISMATCH).is_empty());
    }

    #[test]
    fn replication_controller() {
        let text = "apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: r\nspec:\n  selector:\n    app: r\n  template:\n    metadata:\n      labels:\n        app: q\n    spec:\n      containers: [{name: a, image: a:1}]\n";
        assert_eq!(
            only(text, SELECTOR_MISMATCH),
            [
                "7:10 `selector` does not match template `labels`: the selector wants app: r, the pod template has app: q"
            ]
        );
        let ok = text.replace("app: q", "app: r");
        assert!(only(&ok, SELECTOR_MISMATCH).is_empty());
    }

    #[test]
    fn jobs() {
        let job = |extra: &str| {
            format!(
                "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n{extra}  template:\n    metadata:\n      labels: {{app: j}}\n    spec:\n      restartPolicy: Never\n      containers: [{{name: a, image: a:1}}]\n"
            )
        };
        assert_eq!(
            only(&job("  selector:\n    matchLabels: {app: j}\n"), SELECTOR_MISMATCH),
            ["6:3 `selector` not auto-generated: a Job's selector is generated unless spec.manualSelector is true"]
        );
        assert!(
            only(
                &job("  manualSelector: true\n  selector:\n    matchLabels: {app: j}\n"),
                SELECTOR_MISMATCH
            )
            .is_empty()
        );
        assert_eq!(
            only(
                &job("  manualSelector: true\n  selector:\n    matchLabels: {app: k}\n"),
                SELECTOR_MISMATCH
            )
            .len(),
            1
        );
        assert!(only(&job(""), SELECTOR_MISMATCH).is_empty());
    }
}
