//! Kubernetes workloads: which objects run pods (by API group as well as kind, so a custom
//! resource named `Deployment` is not one), their pod template, its OS, and what the pod asks for.
//! Every accessor returns the node it read and its JSON pointer.

pub use super::Located;
use super::quantity;
use crate::detect::K8sObject;
use crate::parse::Node;
use std::collections::BTreeMap;

mod archs;

pub use archs::ArchSet;

/// The node labels that name a node's operating system, and its CPU architecture.
pub const OS_LABELS: &[&str] = &["kubernetes.io/os", "beta.kubernetes.io/os"];
pub const ARCH_LABELS: &[&str] = &["kubernetes.io/arch", "beta.kubernetes.io/arch"];
const REQUIRED_TERMS: &str = "/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms";

/// The built-in kinds that run pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkloadKind {
    Pod,
    ReplicationController,
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
}

impl WorkloadKind {
    /// The kind of a built-in workload: apps/v1 (and the old extensions group where it served the
    /// kind), v1 and batch/v1. None for anything else, including custom resources that reuse a
    /// workload's kind name.
    pub fn of(obj: &K8sObject<'_>) -> Option<WorkloadKind> {
        use WorkloadKind::*;
        Some(match (obj.group_version().0, obj.kind) {
            ("", "Pod") => Pod,
            ("", "ReplicationController") => ReplicationController,
            ("apps" | "extensions", "Deployment") => Deployment,
            ("apps" | "extensions", "ReplicaSet") => ReplicaSet,
            ("apps" | "extensions", "DaemonSet") => DaemonSet,
            ("apps", "StatefulSet") => StatefulSet,
            ("batch", "Job") => Job,
            ("batch", "CronJob") => CronJob,
            _ => return None,
        })
    }

    /// A kind name that built-in workloads use, whatever its group.
    pub fn is_workload_name(kind: &str) -> bool {
        matches!(
            kind,
            "Pod"
                | "ReplicationController"
                | "Deployment"
                | "ReplicaSet"
                | "StatefulSet"
                | "DaemonSet"
                | "Job"
                | "CronJob"
        )
    }

    /// Where the pod spec is.
    pub fn spec_pointer(self) -> &'static str {
        match self {
            WorkloadKind::Pod => "/spec",
            WorkloadKind::CronJob => "/spec/jobTemplate/spec/template/spec",
            _ => "/spec/template/spec",
        }
    }
}

/// A built-in workload and its pod template.
pub struct Workload<'a> {
    pub kind: WorkloadKind,
    pub template: PodTemplate<'a>,
}

impl<'a> Workload<'a> {
    /// None when the object is not a built-in workload or has no pod spec map.
    pub fn of(obj: &K8sObject<'a>) -> Option<Workload<'a>> {
        let kind = WorkloadKind::of(obj)?;
        let at = kind.spec_pointer();
        let spec = obj.node.pointer(at)?.0;
        spec.as_map()?;
        Some(Workload {
            kind,
            template: PodTemplate { spec, at },
        })
    }
}

/// A StatefulSet's `volumeClaimTemplates`, each with its pointer; none for any other object.
pub fn claim_templates<'a>(obj: &K8sObject<'a>) -> Vec<Located<'a>> {
    if obj.group_version().0 != "apps" || obj.kind != "StatefulSet" {
        return Vec::new();
    }
    let templates = obj
        .node
        .pointer("/spec/volumeClaimTemplates")
        .and_then(|(n, _)| n.as_seq());
    (templates.unwrap_or_default().iter().enumerate())
        .map(|(i, node)| Located {
            node,
            pointer: format!("/spec/volumeClaimTemplates/{i}"),
        })
        .collect()
}

/// The labels of the pods an object makes (a Pod's own, a workload's pod template's); None for
/// objects that make no pods.
pub fn pod_labels(obj: &K8sObject<'_>) -> Option<BTreeMap<String, String>> {
    let meta = PodTemplate::of(obj)?.metadata(obj).map(|m| m.node);
    Some(
        meta.and_then(|m| m.get("labels"))
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e.value.scalar_text().map(|v| (e.key.clone(), v)))
            .collect(),
    )
}

/// The object's namespace; `default` when the manifest leaves it to kubectl's context.
pub fn namespace<'a>(obj: &K8sObject<'a>) -> &'a str {
    obj.node
        .pointer("/metadata/namespace")
        .and_then(|(n, _)| n.as_str())
        .unwrap_or("default")
}

/// A pod spec and its pointer in the object.
pub struct PodTemplate<'a> {
    pub spec: &'a Node,
    pub at: &'static str,
}

/// Where a container runs in the pod's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Init,
    /// A native sidecar: an init container with `restartPolicy: Always`, running from its start
    /// to the pod's end.
    Sidecar,
    App,
    /// An ephemeral container (`spec.ephemeralContainers`), added by `kubectl debug` to a running
    /// pod: it has no resources, probes or ports of its own, and the scheduler does not count it.
    Ephemeral,
}

/// One container of a pod spec (init containers first, then app and ephemeral containers, in order).
pub struct ContainerRef<'a> {
    pub node: &'a Node,
    pub pointer: String,
    pub phase: Phase,
    /// `initContainers`, `containers` or `ephemeralContainers`, and the index in it.
    pub list: &'static str,
    pub index: usize,
}

impl<'a> ContainerRef<'a> {
    /// `name`, when it is a string.
    pub fn name(&self) -> Option<&'a str> {
        self.node.get("name").and_then(Node::as_str)
    }

    /// The request of a resource, or its limit when there is no request (as Kubernetes defaults it).
    pub fn request(&self, resource: &str) -> Option<Located<'a>> {
        requirement(
            self.node.get("resources"),
            &format!("{}/resources", self.pointer),
            resource,
        )
    }
}

/// `requests.<resource>` of a ResourceRequirements, else `limits.<resource>`.
fn requirement<'a>(resources: Option<&'a Node>, at: &str, resource: &str) -> Option<Located<'a>> {
    let resources = resources?;
    ["requests", "limits"].into_iter().find_map(|section| {
        let node = resources.get(section)?.get(resource)?;
        Some(Located {
            node,
            pointer: format!("{at}/{section}/{}", resource.replace('~', "~0").replace('/', "~1")),
        })
    })
}

impl<'a> PodTemplate<'a> {
    /// The pod template of a built-in workload (see `Workload::of`).
    pub fn of(obj: &K8sObject<'a>) -> Option<PodTemplate<'a>> {
        Workload::of(obj).map(|w| w.template)
    }

    /// The pod's metadata (where pod labels and annotations go): the object's own for a Pod, the
    /// template's for a workload.
    pub fn metadata(&self, obj: &K8sObject<'a>) -> Option<Located<'a>> {
        let pointer = format!("{}/metadata", self.at.strip_suffix("/spec").unwrap_or(""));
        let node = obj.node.pointer(&pointer)?.0;
        node.as_map().map(|_| Located { node, pointer })
    }

    /// The containers that are maps, init containers first, then app and ephemeral containers,
    /// each with its phase.
    pub fn containers(&self) -> Vec<ContainerRef<'a>> {
        let mut out = Vec::new();
        for list in ["initContainers", "containers", "ephemeralContainers"] {
            let items = self.spec.get(list).and_then(Node::as_seq).unwrap_or_default();
            for (index, node) in items.iter().enumerate() {
                if node.as_map().is_none() {
                    continue;
                }
                let phase = match list {
                    "initContainers" if node.get("restartPolicy").and_then(Node::as_str) == Some("Always") => {
                        Phase::Sidecar
                    }
                    "initContainers" => Phase::Init,
                    "ephemeralContainers" => Phase::Ephemeral,
                    _ => Phase::App,
                };
                out.push(ContainerRef {
                    node,
                    pointer: format!("{}/{list}/{index}", self.at),
                    phase,
                    list,
                    index,
                });
            }
        }
        out
    }

    /// Pod-level `spec.resources` (Kubernetes 1.34+): the request of a resource, else its limit.
    /// When set, it is the pod's request for that resource, whatever the containers ask.
    pub fn pod_request(&self, resource: &str) -> Option<Located<'a>> {
        requirement(self.spec.get("resources"), &format!("{}/resources", self.at), resource)
    }

    /// Pod-level request of a resource as f64 in base units (see `quantity::request`).
    pub fn pod_request_value(&self, resource: &str) -> Option<f64> {
        let located = self.pod_request(resource)?;
        located.node.scalar_text().and_then(|t| quantity::request(&t))
    }

    /// The operating system the pod says it runs on: `spec.os.name`, else a `kubernetes.io/os`
    /// node selector, else a required node affinity whose every term asks for one OS.
    pub fn os(&self) -> Option<(String, Located<'a>)> {
        if let Some(found) = self.os_name() {
            if let Some(name) = found.node.as_str() {
                return Some((name.to_owned(), found));
            }
        }
        if let Some(found) = self.os_selector() {
            return Some(found);
        }
        self.os_affinity()
    }

    /// `spec.os.name`, whatever its value.
    pub fn os_name(&self) -> Option<Located<'a>> {
        let node = self.spec.get("os")?.get("name")?;
        let pointer = format!("{}/os/name", self.at);
        Some(Located { node, pointer })
    }

    fn os_selector(&self) -> Option<(String, Located<'a>)> {
        let selector = self.spec.get("nodeSelector")?;
        OS_LABELS.iter().find_map(|label| {
            let node = selector.get(label)?;
            let name = node.as_str()?.to_owned();
            let pointer = format!("{}/nodeSelector/{}", self.at, label.replace('/', "~1"));
            Some((name, Located { node, pointer }))
        })
    }

    /// Terms are ORed: the pod is pinned to an OS only when every term has `In [that OS]`.
    fn os_affinity(&self) -> Option<(String, Located<'a>)> {
        let terms = self.spec.pointer(REQUIRED_TERMS)?.0.as_seq()?;
        let mut pinned: Option<(String, Located<'a>)> = None;
        for (t, term) in terms.iter().enumerate() {
            let exprs = term.get("matchExpressions").and_then(Node::as_seq).unwrap_or_default();
            let found = exprs.iter().enumerate().find_map(|(e, expr)| {
                let key = expr.get("key")?.as_str()?;
                let values = expr.scalar_texts("values");
                let single = OS_LABELS.contains(&key)
                    && expr.get("operator").and_then(Node::as_str) == Some("In")
                    && values.len() == 1;
                single.then(|| {
                    let pointer = format!("{}{REQUIRED_TERMS}/{t}/matchExpressions/{e}/values/0", self.at);
                    let node = expr.pointer("/values/0").map_or(expr, |(n, _)| n);
                    (values[0].clone(), Located { node, pointer })
                })
            })?;
            match &pinned {
                Some((name, _)) if *name != found.0 => return None,
                Some(_) => {}
                None => pinned = Some(found),
            }
        }
        pinned
    }
}

/// Per resource, what a pod needs at its peak, as the scheduler counts it (KEP-753): an init
/// container runs beside the sidecars started before it; the app containers run beside all of
/// them.
#[derive(Default)]
pub struct Sums<T = u64> {
    init: [T; 2],
    sidecars: [T; 2],
    running: [T; 2],
}

/// An amount of one resource: whole units where k2e packs pods (an absurd request saturates and
/// prices as "too large" rather than wrapping to nothing), or f64 where a finding quotes it.
pub trait Amount: Copy + Default {
    fn plus(self, other: Self) -> Self;
    fn larger(self, other: Self) -> Self;
}

impl Amount for u64 {
    fn plus(self, other: u64) -> u64 {
        self.saturating_add(other)
    }
    fn larger(self, other: u64) -> u64 {
        self.max(other)
    }
}

impl Amount for f64 {
    fn plus(self, other: f64) -> f64 {
        self + other
    }
    fn larger(self, other: f64) -> f64 {
        self.max(other)
    }
}

impl<T: Amount> Sums<T> {
    pub fn add(&mut self, phase: Phase, cpu: T, memory: T) {
        let plus = |a: [T; 2]| [a[0].plus(cpu), a[1].plus(memory)];
        match phase {
            Phase::Init => {
                let with = plus(self.sidecars);
                self.init = [self.init[0].larger(with[0]), self.init[1].larger(with[1])];
            }
            Phase::Sidecar => {
                self.sidecars = plus(self.sidecars);
                self.running = plus(self.running);
            }
            Phase::App => self.running = plus(self.running),
            Phase::Ephemeral => {}
        }
    }

    /// [cpu, memory]: the larger of the biggest init container (with its sidecars) and the sum of
    /// the long-running containers.
    pub fn effective(&self) -> [T; 2] {
        [
            self.init[0].larger(self.running[0]),
            self.init[1].larger(self.running[1]),
        ]
    }
}

#[cfg(test)]
mod tests;
