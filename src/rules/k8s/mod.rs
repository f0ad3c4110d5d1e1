//! Kubernetes best practice and the validation the API server does beyond its OpenAPI schema.
//!
//! The OpenAPI schemas declare enums, port numbers, object names and resource quantities as bare
//! strings and integers: the API server's own validation is what rejects `imagePullPolicy:
//! ifNotPresent`, `containerPort: 70000` or `memory: 1GB`. The correctness rules here repeat that
//! validation and echo the API server's text so users recognise it; the reliability and security
//! rules are the checks every workload should pass. Odd input (wrong types, missing fields) is
//! skipped silently: the schema rules report it.

mod counts;
mod duplicate_env;
mod enums;
mod image;
mod image_required;
mod int_or_percent;
mod named_ports;
mod names;
mod pod_creating;
mod ports;
mod probes;
mod quantities;
mod resources;
mod secrets_in_env;
mod security_context;
mod selectors;
pub mod service_selectors;
mod volumes;

pub(super) use security_context::drop_repeated_by_pss;

use super::fargate_eks::Check;
use crate::detect::K8sObject;
use crate::finding::Finding;
use crate::model::k8s::{ContainerRef, OS_LABELS, Phase, PodTemplate};
use crate::parse::{Document, Node, NodeKind, Scalar, Span};

/// What runs the pods: it decides which restart policies the API server accepts and whether
/// probes matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Workload {
    /// A bare Pod.
    Pod,
    /// Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController: pods that serve.
    LongRunning,
    /// Job, CronJob: pods that run to completion.
    Batch,
}

/// The pod spec of a Pod or of a workload's template, with its containers.
struct Pod<'a> {
    spec: &'a Node,
    /// Pointer of `spec` in the object.
    at: &'static str,
    containers: Vec<ContainerRef<'a>>,
    workload: Workload,
}

impl Pod<'_> {
    /// Init and regular containers: ephemeral containers are added by `kubectl debug` to a
    /// running pod and have no resources, probes or ports of their own.
    fn main_and_init(&self) -> impl Iterator<Item = &ContainerRef<'_>> {
        self.containers.iter().filter(|c| c.phase != Phase::Ephemeral)
    }

    /// Windows pods: the API server refuses the Linux security context fields there.
    fn is_windows(&self) -> bool {
        let os = self.spec.get("os").and_then(|o| o.get("name")).and_then(Node::as_str);
        let selector = self
            .spec
            .get("nodeSelector")
            .and_then(|s| OS_LABELS.iter().find_map(|k| s.get(k).and_then(Node::as_str)));
        os == Some("windows") || selector == Some("windows")
    }
}

pub fn check(file: &str, doc: &Document, obj: &K8sObject<'_>, out: &mut Vec<Finding>) {
    let check = Check { file, doc, obj };
    names::object_name(&check, out);
    selectors::check(&check, out);
    ports::service(&check, out);
    enums::object(&check, out);
    quantities::object(&check, out);
    counts::object(&check, out);
    int_or_percent::object(&check, out);
    let Some(template) = PodTemplate::of(obj) else {
        return;
    };
    let (spec, at) = (template.spec, template.at);
    // A container whose name is not a string is the schema rules' to report.
    let containers = template
        .containers()
        .into_iter()
        .filter(|c| c.node.get("name").is_none_or(|n| n.as_str().is_some()))
        .collect();
    let pod = Pod {
        spec,
        at,
        containers,
        workload: workload(obj.kind),
    };
    resources::check(&check, &pod, out);
    image::check(&check, &pod, out);
    image_required::check(&check, &pod, out);
    probes::check(&check, &pod, out);
    security_context::check(&check, &pod, out);
    secrets_in_env::check(&check, &pod, out);
    duplicate_env::check(&check, &pod, out);
    enums::pod(&check, &pod, out);
    ports::pod(&check, &pod, out);
    named_ports::check(&check, &pod, out);
    names::pod(&check, &pod, out);
    quantities::pod(&check, &pod, out);
    volumes::check(&check, &pod, out);
    counts::pod(&check, &pod, out);
}

/// The kind of an object `PodTemplate::of` found a pod spec in.
fn workload(kind: &str) -> Workload {
    match kind {
        "Pod" => Workload::Pod,
        "Job" | "CronJob" => Workload::Batch,
        _ => Workload::LongRunning,
    }
}

fn container_name<'a>(c: &'a ContainerRef<'_>) -> &'a str {
    c.name().unwrap_or("?")
}

/// Where to underline a finding about a whole container: its `name` value, or its first key.
fn container_span(c: &ContainerRef<'_>) -> Option<Span> {
    if let Some(name) = c.node.entry("name") {
        return Some(name.value.span);
    }
    c.node.as_map()?.first().map(|e| e.key_span)
}

/// A field that is absent, null or a mapping: anything else is a type error the schema rules
/// report, and the rules reading it skip the object.
fn map_or_absent(node: Option<&Node>) -> bool {
    node.is_none_or(|n| {
        n.as_map().is_some()
            || matches!(
                n.kind,
                NodeKind::Scalar {
                    value: Scalar::Null,
                    ..
                }
            )
    })
}

pub(in crate::rules) fn as_bool(node: &Node) -> Option<bool> {
    match node.kind {
        NodeKind::Scalar {
            value: Scalar::Bool(b), ..
        } => Some(b),
        _ => None,
    }
}

/// An integer scalar (not a string, not a float).
/// A whole number; one too large for i64 (`99999999999999999999`) saturates, so range checks
/// still see it as out of range.
pub(in crate::rules) fn as_int(node: &Node) -> Option<i64> {
    match &node.kind {
        NodeKind::Scalar {
            value: Scalar::Number(n),
            ..
        } => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.is_finite())
                .map(|f| f as i64)
        }),
        _ => None,
    }
}

/// Text that is still a template (Helm, envsubst, kustomize vars, `<your-name>`), not a value.
use crate::model::placeholder::is_placeholder;

/// The allowed value the user most likely meant: same letters in another case, or a close typo.
fn closest<'a>(value: &str, allowed: &[&'a str]) -> Option<&'a str> {
    if let Some(same) = allowed.iter().find(|a| a.eq_ignore_ascii_case(value)) {
        return Some(same);
    }
    let lower = value.to_lowercase();
    allowed
        .iter()
        .map(|a| {
            let other = a.to_lowercase();
            // One edit away also counts: "dta" for "data" scores low on Jaro-Winkler.
            let one_edit = lower.len() > 2 && strsim::osa_distance(&lower, &other) <= 1;
            (
                strsim::jaro_winkler(&lower, &other).max(if one_edit { 0.85 } else { 0.0 }),
                *a,
            )
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, a)| a)
}

/// `"A", "B", "C"`: the API server's way of listing supported values.
fn quoted_list(values: &[&str]) -> String {
    values.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod test_support {
    use crate::detect::{Detected, detect};
    use crate::finding::Finding;
    use crate::parse::{Limits, yaml_text};

    /// Runs the pack on every object of a YAML text and returns (rule, line:col, message).
    pub(super) fn lint(text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        for doc in yaml_text(text, &Limits::default()) {
            let Some(root) = &doc.root else { continue };
            if let Detected::Kubernetes(objects) = detect(root) {
                for obj in &objects {
                    super::check("test.yaml", &doc, obj, &mut out);
                }
            }
        }
        out
    }

    /// The findings of one rule as `line:col message`.
    pub(super) fn only(text: &str, rule: &str) -> Vec<String> {
        lint(text)
            .into_iter()
            .filter(|f| f.rule == rule)
            .map(|f| format!("{}:{} {}", f.start.line, f.start.column, f.message))
            .collect()
    }

    /// A Deployment around one container's YAML (indented under `containers:`).
    pub(super) fn deployment(container: &str) -> String {
        let mut text = String::from(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n",
        );
        for (i, line) in container.lines().enumerate() {
            text.push_str(if i == 0 { "        - " } else { "          " });
            text.push_str(line);
            text.push('\n');
        }
        text
    }
}
