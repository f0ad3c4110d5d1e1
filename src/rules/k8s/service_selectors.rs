//! K8S030: a Service whose selector matches no pod template among the workloads linted in the
//! same run. Such a Service has no endpoints: clients get connection refused or a 503 from the
//! load balancer, and nothing in `kubectl apply` says why. K8S036, the Service side: a
//! `targetPort` given by name that no container port of the selected pods has (with the Service
//! port's protocol); the endpoints leave those pods out, so the Service has no endpoints either.
//!
//! It takes the whole run (see `rules::cross`): each Service is reported as a candidate while its
//! document is checked (so comment and annotation suppressions apply as usual), and `resolve`
//! withdraws the candidates whose selector matches a workload, or whose namespace has no
//! workload in the run at all (pre-commit lints a few files; the workloads may be elsewhere), or
//! has a custom resource of a kind that makes pods (`pod_creating`), whose controller may make
//! the pods. Labels controllers add to pods (a StatefulSet pod's name, a Job's name) match any
//! workload. A named targetPort is only judged when the selector matches a workload of the run
//! and no such custom resource shares its namespace.

use crate::detect::K8sObject;
use crate::finding::Finding;
use crate::finding::ids;
use crate::model::k8s::{Phase, PodTemplate, WorkloadKind, namespace, pod_labels};
use crate::parse::{Document, Node};
use std::collections::{BTreeMap, BTreeSet};

/// The pods one workload makes: its namespace, pod template labels and named container ports.
/// A custom resource has no labels here: if its kind makes pods (`pod_creating`), its controller
/// may make them with any labels (a Prometheus resource becomes a StatefulSet), so it answers
/// every Service in its namespace.
#[derive(Clone, Debug)]
pub struct Workload {
    pub namespace: String,
    pub labels: Option<BTreeMap<String, String>>,
    pub object: String,
    /// A custom resource's API group and kind.
    pub group: String,
    pub kind: String,
    /// (name, protocol) of the ports of its long-running containers, which a Service's named
    /// targetPort resolves to.
    pub ports: BTreeSet<(String, String)>,
}

/// A Service reported as a candidate, until the run shows whether anything matches it.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub file: String,
    pub document: usize,
    pub pointer: String,
    pub namespace: String,
    pub selector: BTreeMap<String, String>,
    /// Its ports whose targetPort is a name, each a K8S036 candidate of its own.
    pub named_targets: Vec<NamedTarget>,
}

/// A Service port whose targetPort is a name: (name, protocol) and the pointer of the finding.
#[derive(Clone, Debug)]
pub struct NamedTarget {
    pub name: String,
    pub protocol: String,
    pub pointer: String,
}

pub fn workload(obj: &K8sObject<'_>) -> Option<Workload> {
    let template = PodTemplate::of(obj)?;
    let ports = template
        .containers()
        .iter()
        .filter(|c| matches!(c.phase, Phase::App | Phase::Sidecar))
        .flat_map(|c| c.node.get("ports").and_then(Node::as_seq).unwrap_or_default())
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?.to_owned();
            Some((name, protocol(p)))
        })
        .collect();
    Some(Workload {
        labels: Some(pod_labels(obj)?),
        namespace: namespace(obj).to_owned(),
        object: obj.label(),
        group: String::new(),
        kind: obj.kind.to_owned(),
        ports,
    })
}

/// A custom resource (an API group with a dot that is no built-in workload's). Whether its kind
/// makes pods is decided with the run's configuration, in `resolve`.
pub fn custom_resource(obj: &K8sObject<'_>) -> Option<Workload> {
    let (group, _) = obj.group_version();
    (group.contains('.') && WorkloadKind::of(obj).is_none()).then(|| Workload {
        labels: None,
        namespace: namespace(obj).to_owned(),
        object: obj.label(),
        group: group.to_owned(),
        kind: obj.kind.to_owned(),
        ports: BTreeSet::new(),
    })
}

/// `protocol` of a port, TCP when absent as the API server defaults it.
fn protocol(port: &Node) -> String {
    port.get("protocol").and_then(Node::as_str).unwrap_or("TCP").to_owned()
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
    let named_targets = named_targets(file, doc, obj, spec, out);
    Some(Candidate {
        file: file.to_owned(),
        document: doc.index,
        pointer,
        namespace,
        selector,
        named_targets,
    })
}

/// The K8S036 candidates of a Service: each port whose targetPort is a port name.
fn named_targets(
    file: &str,
    doc: &Document,
    obj: &K8sObject<'_>,
    spec: &Node,
    out: &mut Vec<Finding>,
) -> Vec<NamedTarget> {
    let ports = spec.get("ports").and_then(Node::as_seq).unwrap_or_default();
    let mut found = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let Some(target) = port.get("targetPort") else { continue };
        let Some(name) = target.as_str().filter(|n| super::named_ports::is_port_name(n)) else {
            continue;
        };
        let protocol = protocol(port);
        let pointer = format!("{}/spec/ports/{i}/targetPort", obj.pointer);
        out.push(
            Finding::at(
                ids::UNKNOWN_PORT_NAME,
                super::super::severity(ids::UNKNOWN_PORT_NAME),
                file,
                doc,
                target.span,
                format!(
                    "targetPort \"{name}\" ({protocol}) names no container port of the pods this Service selects: they get no endpoints for it"
                ),
            )
            .with_pointer(pointer.clone())
            .with_object(Some(obj.label()))
            .with_label("no such container port"),
        );
        found.push(NamedTarget {
            name: name.to_owned(),
            protocol,
            pointer,
        });
    }
    found
}

/// What the run decides about one candidate finding: withdrawn, or kept with a help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub file: String,
    rule: &'static str,
    document: usize,
    pointer: String,
    keep: bool,
    help: Option<String>,
}

impl Verdict {
    /// Withdraws the candidate's finding from its file's findings, or gives it its help.
    pub fn apply(&self, findings: &mut Vec<Finding>, suppressed: &mut Vec<Finding>) {
        let is_it = |f: &Finding| {
            f.rule == self.rule
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
/// workload comes closest. `extra`: the configured `pod-creating-kinds`.
pub fn resolve(workloads: &[Workload], candidates: &[Candidate], extra: &[String]) -> Vec<Verdict> {
    // Custom resources that make no pods answer no Service.
    let workloads: Vec<&Workload> = workloads
        .iter()
        .filter(|w| w.labels.is_some() || super::pod_creating::makes_pods(&w.group, &w.kind, extra))
        .collect();
    let namespaces: BTreeSet<&str> = workloads.iter().map(|w| w.namespace.as_str()).collect();
    let mut verdicts = Vec::with_capacity(candidates.len());
    for c in candidates {
        let in_namespace: Vec<&Workload> = workloads
            .iter()
            .copied()
            .filter(|w| w.namespace == c.namespace)
            .collect();
        let selects = |labels: &BTreeMap<String, String>| {
            c.selector
                .iter()
                .all(|(k, v)| labels.get(k) == Some(v) || CONTROLLER_LABELS.contains(&k.as_str()))
        };
        let made_elsewhere = in_namespace.iter().any(|w| w.labels.is_none());
        let selected: Vec<&Workload> = in_namespace
            .iter()
            .copied()
            .filter(|w| w.labels.as_ref().is_some_and(selects))
            .collect();
        let matched = made_elsewhere || !selected.is_empty();
        verdicts.push(Verdict {
            file: c.file.clone(),
            rule: ids::SERVICE_SELECTS_NOTHING,
            document: c.document,
            pointer: c.pointer.clone(),
            keep: !matched && namespaces.contains(c.namespace.as_str()),
            help: closest(c, &in_namespace),
        });
        for target in &c.named_targets {
            verdicts.push(named_target(c, target, &selected, made_elsewhere));
        }
    }
    verdicts
}

/// K8S036 is kept when the Service selects workloads of the run, no custom resource may make
/// other pods for it, and none of the selected has a container port of that name and protocol.
fn named_target(c: &Candidate, target: &NamedTarget, selected: &[&Workload], made_elsewhere: bool) -> Verdict {
    let key = (target.name.clone(), target.protocol.clone());
    let keep = !made_elsewhere && !selected.is_empty() && selected.iter().all(|w| !w.ports.contains(&key));
    let names: BTreeSet<String> = selected
        .iter()
        .flat_map(|w| {
            w.ports
                .iter()
                .filter(|(_, p)| *p == target.protocol)
                .map(|(n, _)| n.clone())
        })
        .collect();
    let objects: Vec<&str> = selected.iter().map(|w| w.object.as_str()).collect();
    let help = if names.is_empty() {
        format!(
            "name the container port in {} ({}), or give targetPort as a number",
            objects.join(", "),
            target.name
        )
    } else {
        format!(
            "named {} ports of {}: {}",
            target.protocol,
            objects.join(", "),
            names.into_iter().collect::<Vec<_>>().join(", ")
        )
    };
    Verdict {
        file: c.file.clone(),
        rule: ids::UNKNOWN_PORT_NAME,
        document: c.document,
        pointer: target.pointer.clone(),
        keep,
        help: Some(help),
    }
}

/// "the closest workload, Deployment/api, has app=api": the one sharing most selector labels.
fn closest(c: &Candidate, in_namespace: &[&Workload]) -> Option<String> {
    in_namespace
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
        })
}
