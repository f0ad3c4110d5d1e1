//! Object metadata -> task definition tags; pod template labels and annotations -> container
//! docker labels. ECS has one kind of tag and one kind of docker label while Kubernetes has
//! labels and annotations: an annotation whose value would pass for a label value is written
//! under `k8s.annotation/KEY`, so converting back tells the two apart (see docs/convert.md).

use super::task::Task;
use super::{Cx, td};
use crate::convert::cursor::At;
use crate::convert::names::{ecs_name, is_label_value, is_qualified_key, is_tag_key, is_tag_value};
use crate::convert::options::Kind;

/// Prefix of an annotation kept as a tag or docker label when it would pass for a label.
pub const ANNOTATION_PREFIX: &str = "k8s.annotation/";

/// ECS allows 50 tags per resource.
const MAX_TAGS: usize = 50;

/// The tag or docker label key an annotation is written under.
pub fn annotation_key(key: &str, value: &str) -> String {
    if is_qualified_key(key) && is_label_value(value) {
        format!("{ANNOTATION_PREFIX}{key}")
    } else {
        key.to_owned()
    }
}

/// Annotations that are the cluster's bookkeeping, not the user's.
fn bookkeeping(key: &str) -> bool {
    matches!(
        key,
        "kubectl.kubernetes.io/last-applied-configuration" | "deployment.kubernetes.io/revision"
    )
}

pub fn object(cx: &mut Cx<'_, '_>, meta: &At<'_>, task: &mut Task, kind: Kind) {
    if !meta.is_map() {
        cx.ledger.invalid(meta, "object metadata");
        return;
    }
    for (key, at) in meta.entries() {
        match key {
            "name" => {
                let name = at.text().unwrap_or_default();
                if cx.family == name && crate::convert::names::dns_subdomain(&name) == name {
                    cx.ledger.mapped(&at, td("/family"));
                } else if cx.family != ecs_name(&name) {
                    cx.ledger.approx(
                        &at,
                        td("/family"),
                        format!(
                            "another object of the output set would also be named {}: written as {} (the service's name too; docs/convert.md, Names)",
                            ecs_name(&name),
                            cx.family
                        ),
                    );
                } else {
                    cx.ledger.approx(
                        &at,
                        td("/family"),
                        format!("ECS families take letters, digits, - and _: written as {}", cx.family),
                    );
                }
            }
            "generateName" if meta.get("name").is_none() => cx.ledger.approx(
                &at,
                td("/family"),
                "no name: the family is the generateName prefix",
            ),
            "namespace" => cx.ledger.approx(
                &at,
                td(""),
                "ECS has no namespaces: the namespace is only used to fill the placeholder ARNs; choose the cluster with --cluster",
            ),
            "labels" => {
                for (k, v) in at.entries() {
                    // A Pod's labels are its containers' too; tags keep them for the way back.
                    if kind == Kind::Pod {
                        docker_label(cx, &v, k, false, task);
                    }
                    tag(cx, &v, k, false, task, kind != Kind::Pod);
                }
                if at.entries().is_empty() {
                    cx.ledger.empty(&at);
                }
            }
            "annotations" => {
                for (k, v) in at.entries() {
                    if bookkeeping(k) {
                        cx.ledger.dropped(&v, "kubectl and controller bookkeeping", "nothing to do");
                    } else {
                        if kind == Kind::Pod {
                            docker_label(cx, &v, k, true, task);
                        }
                        tag(cx, &v, k, true, task, kind != Kind::Pod);
                    }
                }
                if at.entries().is_empty() {
                    cx.ledger.empty(&at);
                }
            }
            "generateName" | "uid" | "resourceVersion" | "generation" | "creationTimestamp" | "deletionTimestamp"
            | "deletionGracePeriodSeconds" | "managedFields" | "selfLink" | "ownerReferences" | "finalizers" => {
                cx.ledger.dropped(&at, "set and used by the API server", "nothing to do")
            }
            _ => cx.ledger.unknown(&at, "ObjectMeta"),
        }
    }
}

/// A label or annotation as a task definition tag; `note` false when another note covers it.
fn tag(cx: &mut Cx<'_, '_>, at: &At<'_>, key: &str, annotation: bool, task: &mut Task, note: bool) {
    let Some(value) = at.text() else {
        cx.ledger.invalid(at, "a string");
        return;
    };
    let tag_key = if annotation {
        annotation_key(key, &value)
    } else {
        key.to_owned()
    };
    if !is_tag_key(&tag_key) || !is_tag_value(&value) {
        if !note {
            return;
        }
        cx.ledger.dropped(
            at,
            "not a valid ECS tag (keys up to 128 and values up to 256 of letters, digits, spaces and _.:/=+-@; no aws: prefix)",
            "add it to the task definition's tags in another form if you need it",
        );
        return;
    }
    if task.tags.len() >= MAX_TAGS {
        if note {
            cx.ledger
                .dropped(at, "ECS allows 50 tags per task definition", "keep the 50 that matter");
        }
        return;
    }
    let back_as_label = !annotation && is_qualified_key(key) && is_label_value(&value);
    let to = td(format!("/tags/{}", task.tags.len()));
    if note && (annotation || back_as_label) {
        cx.ledger.mapped(at, to);
    } else if note {
        cx.ledger
            .approx(at, to, "not a valid label: converting back makes it an annotation");
    }
    task.tags.push((tag_key, value));
}

/// A pod label or annotation as a docker label of every container.
fn docker_label(cx: &mut Cx<'_, '_>, at: &At<'_>, key: &str, annotation: bool, task: &mut Task) {
    let Some(value) = at.text() else {
        cx.ledger.invalid(at, "a string");
        return;
    };
    let label_key = if annotation {
        annotation_key(key, &value)
    } else {
        key.to_owned()
    };
    let to = td(format!(
        "/containerDefinitions/0/dockerLabels/{}",
        crate::convert::cursor::escape(&label_key)
    ));
    if annotation || (is_qualified_key(key) && is_label_value(&value)) {
        cx.ledger.mapped(at, to);
    } else {
        cx.ledger
            .approx(at, to, "not a valid label: converting back makes it an annotation");
    }
    task.docker_labels.insert(label_key, value);
}

/// `spec.template.metadata`.
pub fn template(cx: &mut Cx<'_, '_>, meta: &At<'_>, task: &mut Task) {
    if !meta.is_map() {
        cx.ledger.invalid(meta, "pod template metadata");
        return;
    }
    for (key, at) in meta.entries() {
        match key {
            "labels" | "annotations" => {
                for (k, v) in at.entries() {
                    if bookkeeping(k) {
                        cx.ledger
                            .dropped(&v, "kubectl and controller bookkeeping", "nothing to do");
                    } else {
                        docker_label(cx, &v, k, key == "annotations", task);
                    }
                }
                if at.entries().is_empty() {
                    cx.ledger.empty(&at);
                }
            }
            "name"
            | "generateName"
            | "namespace"
            | "uid"
            | "resourceVersion"
            | "generation"
            | "creationTimestamp"
            | "deletionTimestamp"
            | "deletionGracePeriodSeconds"
            | "managedFields"
            | "selfLink"
            | "ownerReferences"
            | "finalizers" => cx
                .ledger
                .dropped(&at, "Kubernetes ignores this in a pod template", "nothing to do"),
            _ => cx.ledger.unknown(&at, "ObjectMeta"),
        }
    }
}

/// A CronJob's `jobTemplate.metadata`: the Jobs it creates have no ECS counterpart.
pub fn job_template(cx: &mut Cx<'_, '_>, meta: &At<'_>) {
    cx.ledger.dropped(
        meta,
        "labels and annotations of the Jobs a CronJob creates have no ECS counterpart",
        "tag the EventBridge schedule instead",
    );
}
