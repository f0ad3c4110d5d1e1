//! K8S030: a Service whose selector matches no pod template among the workloads linted in the
//! same run. Such a Service has no endpoints: clients get connection refused or a 503 from the
//! load balancer, and nothing in `kubectl apply` says why.
//!
//! It takes the whole run (see `rules::cross`): each Service is reported as a candidate while its
//! document is checked (so comment and annotation suppressions apply as usual), and `resolve`
//! withdraws the candidates whose selector matches a workload, or whose namespace has no
//! workload in the run at all (pre-commit lints a few files; the workloads may be elsewhere), or
//! has a custom resource
//! whose controller may make the pods. Labels controllers add to pods (a StatefulSet pod's name,
//! a Job's name) match any workload.

use crate::detect::K8sObject;
use crate::finding::Finding;
use crate::finding::ids;
use crate::model::k8s::{namespace, pod_labels};
use crate::parse::{Document, Node};
use std::collections::{BTreeMap, BTreeSet};

/// The pods one workload makes: its namespace and pod template labels. A custom resource has
/// no labels here: its controller may make pods with any labels (a Prometheus resource becomes a
/// StatefulSet), so it answers every Service in its namespace.
#[derive(Clone, Debug)]
pub struct Workload {
    pub namespace: String,
    pub labels: Option<BTreeMap<String, String>>,
    pub object: String,
}

/// A Service reported as a candidate, until the run shows whether anything matches it.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub file: String,
    pub document: usize,
    pub pointer: String,
    pub namespace: String,
    pub selector: BTreeMap<String, String>,
}

pub fn workload(obj: &K8sObject<'_>) -> Option<Workload> {
    Some(Workload {
        labels: Some(pod_labels(obj)?),
        namespace: namespace(obj).to_owned(),
        object: obj.label(),
    })
}

/// A custom resource (an API group outside Kubernetes' own), which may make pods through its
/// controller: an Argo Rollout, a Prometheus, a Knative Service.
pub fn custom_resource(obj: &K8sObject<'_>) -> Option<Workload> {
    let (group, _) = obj.group_version();
    (group.contains('.') && !group.ends_with(".k8s.io")).then(|| Workload {
        labels: None,
        namespace: namespace(obj).to_owned(),
        object: obj.label(),
    })
}

/// Labels the controllers put on pods themselves, so no template shows them: a per-pod
/// Service of a StatefulSet, a Service for a Job's pods.
const CONTROLLER_LABELS: &[&str] = &[
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "controller-revision-hash",
    "pod-template-hash",
    "job-name",
    "batch.kubernetes.io/job-name",
    "controller-uid",
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-completion-index",
];

/// Reports the Service as a candidate finding and returns what `resolve` needs to decide.
pub fn service(file: &str, doc: &Document, obj: &K8sObject<'_>, out: &mut Vec<Finding>) -> Option<Candidate> {
    if obj.kind != "Service" || obj.api_version != "v1" {
        return None;
    }
    let spec = obj.node.get("spec")?;
    if spec.get("type").and_then(Node::as_str) == Some("ExternalName") {
        return None;
    }
    let entry = spec.entry("selector")?;
    let selector: BTreeMap<String, String> = entry
        .value
        .as_map()?
        .iter()
        .filter_map(|e| e.value.scalar_text().map(|v| (e.key.clone(), v)))
        .collect();
    // No selector: endpoints are managed by hand or by a controller; not ours to judge.
    if selector.is_empty() {
        return None;
    }
    let namespace = namespace(obj).to_owned();
    let shown: Vec<String> = selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let pointer = format!("{}/spec/selector", obj.pointer);
    out.push(
        Finding::at(
            ids::SERVICE_SELECTS_NOTHING,
            super::super::severity(ids::SERVICE_SELECTS_NOTHING),
            file,
            doc,
            entry.key_span,
            format!(
                "Service selector {} matches no pod template in namespace {namespace} among the files linted",
                shown.join(", ")
            ),
        )
        .with_pointer(pointer.clone())
        .with_object(Some(obj.label()))
        .with_label("selects no pods"),
    );
    Some(Candidate {
        file: file.to_owned(),
        document: doc.index,
        pointer,
        namespace,
        selector,
    })
}

/// What the run decides about one candidate: withdrawn, or kept with the closest workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub file: String,
    document: usize,
    pointer: String,
    keep: bool,
    help: Option<String>,
}

impl Verdict {
    /// Withdraws the candidate's finding from its file's findings, or gives it its help.
    pub fn apply(&self, findings: &mut Vec<Finding>, suppressed: &mut Vec<Finding>) {
        let is_it = |f: &Finding| {
            f.rule == ids::SERVICE_SELECTS_NOTHING
                && f.document == Some(self.document)
                && f.pointer.as_deref() == Some(self.pointer.as_str())
        };
        if self.keep {
            for f in findings.iter_mut().chain(suppressed.iter_mut()).filter(|f| is_it(f)) {
                if let Some(help) = &self.help {
                    f.help = Some(help.clone());
                }
            }
        } else {
            findings.retain(|f| !is_it(f));
            suppressed.retain(|f| !is_it(f));
        }
    }
}

/// Withdraws the candidates that the run's workloads answer, and says for the others which
/// workload comes closest.
pub fn resolve(workloads: &[Workload], candidates: &[Candidate]) -> Vec<Verdict> {
    let namespaces: BTreeSet<&str> = workloads.iter().map(|w| w.namespace.as_str()).collect();
    let mut verdicts = Vec::with_capacity(candidates.len());
    for c in candidates {
        let in_namespace: Vec<&Workload> = workloads.iter().filter(|w| w.namespace == c.namespace).collect();
        let matched = in_namespace.iter().any(|w| {
            w.labels.as_ref().is_none_or(|labels| {
                c.selector
                    .iter()
                    .all(|(k, v)| labels.get(k) == Some(v) || CONTROLLER_LABELS.contains(&k.as_str()))
            })
        });
        let keep = !matched && namespaces.contains(c.namespace.as_str());
        let closest = in_namespace
            .iter()
            .filter_map(|w| w.labels.as_ref().map(|labels| (w, labels)))
            .max_by_key(|(w, labels)| {
                (
                    c.selector.iter().filter(|(k, v)| labels.get(*k) == Some(*v)).count(),
                    std::cmp::Reverse(w.object.clone()),
                )
            })
            .map(|(w, labels)| {
                let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!(
                    "make the selector a subset of the pod labels; the closest workload, {}, has {}",
                    w.object,
                    if labels.is_empty() {
                        "no labels".to_owned()
                    } else {
                        labels.join(", ")
                    }
                )
            });
        verdicts.push(Verdict {
            file: c.file.clone(),
            document: c.document,
            pointer: c.pointer.clone(),
            keep,
            help: closest,
        });
    }
    verdicts
}
