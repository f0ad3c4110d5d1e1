//! Kubernetes workloads -> [`Workload`]s: replicas, the pod's effective request, architecture,
//! and whether replicas must sit on different nodes.

use super::blockers;
use super::model::{Archs, FargateAsk, Kind, Os, Platform, TICKS_PER_MILLI, TICKS_PER_VCPU, Workload};
use crate::detect::K8sObject;
use crate::model::k8s::{self, Phase, PodTemplate, Sums, WorkloadKind};
use crate::model::quantity;
use crate::parse::{Document, Node, NodeKind, Scalar};

/// What the command line says about workloads that do not say it themselves.
#[derive(Clone, Debug)]
pub struct Defaults {
    pub cpu_ticks: u64,
    pub memory_mib: u64,
    pub archs: Archs,
    pub arch_from: String,
    pub ecs_replicas: u32,
}

const HOSTNAME: &str = "kubernetes.io/hostname";
const GPU_RESOURCE: &str = "nvidia.com/gpu";

/// How the copies of a workload are counted.
fn kind_of(kind: WorkloadKind) -> Kind {
    match kind {
        WorkloadKind::DaemonSet => Kind::Daemon,
        WorkloadKind::Job | WorkloadKind::CronJob => Kind::Batch,
        _ => Kind::Replicated,
    }
}

/// A workload for a Kubernetes object, or None when it runs no pods (Service, ConfigMap, ...).
pub fn workload(file: &str, doc: &Document, obj: &K8sObject<'_>, line: usize, d: &Defaults) -> Option<Workload> {
    let workload = k8s::Workload::of(obj)?;
    let (template, kind) = (&workload.template, kind_of(workload.kind));
    let (spec, at) = (template.spec, template.at);
    let mut notes = Vec::new();
    let name = obj.label();
    let replicas = match kind {
        Kind::Daemon => 0,
        Kind::Replicated if obj.kind == "Pod" => 1,
        Kind::Replicated => count(obj.node.pointer("/spec/replicas").map(|n| n.0), "replicas", &mut notes),
        Kind::Batch => {
            let job = if obj.kind == "CronJob" {
                "/spec/jobTemplate/spec/parallelism"
            } else {
                "/spec/parallelism"
            };
            count(obj.node.pointer(job).map(|n| n.0), "parallelism", &mut notes)
        }
    };
    let pod = pod_request(template, d, &mut notes);
    let pinned = template.archs().map(|(a, from)| {
        let archs = Archs {
            x86: a.amd64,
            arm: a.arm64,
        };
        (archs, from)
    });
    let arch_pinned = pinned.is_some();
    let (archs, arch_from) = pinned.unwrap_or_else(|| (d.archs, d.arch_from.clone()));
    let os = if template.os().is_some_and(|(name, _)| name == "windows") {
        Os::Windows
    } else {
        Os::Linux
    };
    let labels = obj
        .node
        .pointer(&format!("{}/metadata/labels", at.strip_suffix("/spec").unwrap_or("")))
        .map(|n| n.0);
    let reasons = blockers::kubernetes(file, doc, obj);
    Some(Workload {
        name,
        kind_name: obj.kind.to_owned(),
        namespace: obj
            .node
            .pointer("/metadata/namespace")
            .and_then(|n| n.0.as_str())
            .map(str::to_owned),
        file: file.to_owned(),
        line,
        platform: Platform::Kubernetes,
        kind,
        replicas,
        request: [pod.cpu, pod.memory, 1, pod.gpus],
        fargate_ask: FargateAsk::Pod {
            cpu_ticks: pod.fargate_cpu,
            memory_mib: pod.fargate_memory,
        },
        archs,
        arch_from,
        arch_pinned,
        os,
        one_per_node: one_per_node(spec, labels),
        ephemeral_gib: pod.ephemeral_gib,
        blocked: reasons.blocked,
        changes: reasons.changes,
        notes,
    })
}

/// `replicas` / `parallelism`: absent means 1, as the API server defaults it.
fn count(node: Option<&Node>, field: &str, notes: &mut Vec<String>) -> u32 {
    let Some(node) = node else { return 1 };
    match &node.kind {
        NodeKind::Scalar {
            value: Scalar::Number(n),
            ..
        } if n.as_u64().is_some() => u32::try_from(n.as_u64().unwrap_or(1)).unwrap_or(u32::MAX),
        _ => {
            let shown = node.scalar_text().unwrap_or_else(|| "this value".to_owned());
            notes.push(format!("{field} {shown:?} is not a whole number; 1 assumed"));
            1
        }
    }
}

struct PodRequest {
    cpu: u64,
    memory: u64,
    /// What EKS on Fargate sizes the pod by: the same, with a missing request counted as 0, as
    /// Fargate does (not as the `--default-*` values).
    fargate_cpu: u64,
    fargate_memory: u64,
    gpus: u64,
    ephemeral_gib: f64,
}

/// The pod's effective request, as the scheduler and EKS on Fargate compute it: per resource,
/// the larger of the biggest init container (with the sidecars started before it) and the sum of
/// the long-running containers (native sidecars included). A container without a request counts its limit, as Kubernetes does; one
/// with neither gets the `--default-cpu` / `--default-memory` values on EC2, and a note says so.
fn pod_request(template: &PodTemplate<'_>, d: &Defaults, notes: &mut Vec<String>) -> PodRequest {
    let mut ec2 = Sums::default();
    let mut fargate = Sums::default();
    let (mut init_gpus, mut gpus) = (0u64, 0u64);
    let (mut init_eph, mut eph) = (0.0f64, 0.0f64);
    let mut defaulted: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    let mut seen = 0;
    // Pod-level `resources` (Kubernetes 1.34+), when set, is the pod's request for that resource.
    let pod_level = [
        template
            .pod_request_value("cpu")
            .map(|cores| (cores * TICKS_PER_VCPU as f64).ceil() as u64),
        template
            .pod_request_value("memory")
            .map(|bytes| (bytes / 1_048_576.0).ceil() as u64),
    ];
    // Ephemeral containers have no resources and the scheduler does not count them.
    for c in template
        .containers()
        .into_iter()
        .filter(|c| c.phase != Phase::Ephemeral)
    {
        if c.phase == Phase::App {
            seen += 1;
        }
        let cname = c
            .name()
            .map_or_else(|| format!("{}[{}]", c.list, c.index), str::to_owned);
        let value = |resource: &str| {
            c.request(resource)
                .and_then(|r| r.node.scalar_text())
                .and_then(|t| quantity::request(&t))
        };
        // `as` saturates, so a huge quantity becomes u64::MAX rather than wrapping.
        let cpu = value("cpu").map(|cores| (cores * TICKS_PER_VCPU as f64).ceil() as u64);
        let memory = value("memory").map(|bytes| (bytes / 1_048_576.0).ceil() as u64);
        if cpu.is_none() && pod_level[0].is_none() {
            defaulted[0].push(cname.clone());
        }
        if memory.is_none() && pod_level[1].is_none() {
            defaulted[1].push(cname.clone());
        }
        let init = c.phase == Phase::Init;
        ec2.add(c.phase, cpu.unwrap_or(d.cpu_ticks), memory.unwrap_or(d.memory_mib));
        fargate.add(c.phase, cpu.unwrap_or(0), memory.unwrap_or(0));
        let g = value(GPU_RESOURCE).map_or(0, |g| g.ceil() as u64);
        let e = value("ephemeral-storage").map_or(0.0, |b| b / 1_073_741_824.0);
        if init {
            init_gpus = init_gpus.max(g);
            init_eph = init_eph.max(e);
        } else {
            gpus = gpus.saturating_add(g);
            eph += e;
        }
    }
    if seen == 0 {
        // A pod spec without containers is a schema error `k2e lint` reports; count it as one
        // container with the defaults rather than as nothing.
        notes.push(format!(
            "no containers found (see k2e lint): counted as one container of {}m cpu, {}",
            d.cpu_ticks / TICKS_PER_MILLI,
            super::model::mem_text(d.memory_mib)
        ));
        ec2.add(Phase::App, d.cpu_ticks, d.memory_mib);
    }
    for (i, names) in defaulted.iter().enumerate() {
        if names.is_empty() {
            continue;
        }
        let (what, each) = if i == 0 {
            ("cpu", format!("{}m", d.cpu_ticks / TICKS_PER_MILLI))
        } else {
            ("memory", super::model::mem_text(d.memory_mib))
        };
        notes.push(format!(
            "no {what} request or limit on container{} {}: {each} assumed for each on EC2 (--default-{what}); \
             EKS on Fargate counts it as 0",
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        ));
    }
    let pick = |sums: [u64; 2]| [pod_level[0].unwrap_or(sums[0]), pod_level[1].unwrap_or(sums[1])];
    let [cpu, memory] = pick(ec2.effective());
    let [fargate_cpu, fargate_memory] = pick(fargate.effective());
    PodRequest {
        cpu,
        memory,
        fargate_cpu,
        fargate_memory,
        gpus: init_gpus.max(gpus),
        ephemeral_gib: init_eph.max(eph),
    }
}

/// Why two replicas of this pod can never share a node, if they cannot: required pod
/// anti-affinity or a DoNotSchedule topology spread on the hostname (treated as one per node,
/// which is what they give whenever replicas do not outnumber nodes), or ports bound on the node.
fn one_per_node(spec: &Node, labels: Option<&Node>) -> Option<String> {
    let terms = spec
        .pointer("/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution")
        .and_then(|(n, _)| n.as_seq())
        .unwrap_or_default();
    for term in terms {
        if term.get("topologyKey").and_then(Node::as_str) == Some(HOSTNAME)
            && selects(term.get("labelSelector"), labels)
        {
            return Some("required pod anti-affinity on kubernetes.io/hostname".to_owned());
        }
    }
    for c in spec
        .get("topologySpreadConstraints")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        let hard = c
            .get("whenUnsatisfiable")
            .and_then(Node::as_str)
            .unwrap_or("DoNotSchedule")
            == "DoNotSchedule";
        if hard
            && c.get("topologyKey").and_then(Node::as_str) == Some(HOSTNAME)
            && selects(c.get("labelSelector"), labels)
        {
            return Some(
                "topology spread on kubernetes.io/hostname (DoNotSchedule), counted as one per node".to_owned(),
            );
        }
    }
    let host_network = spec.get("hostNetwork").is_some_and(|n| {
        matches!(
            n.kind,
            NodeKind::Scalar {
                value: Scalar::Bool(true),
                ..
            }
        )
    });
    for list in ["initContainers", "containers"] {
        for c in spec.get(list).and_then(Node::as_seq).unwrap_or_default() {
            for port in c.get("ports").and_then(Node::as_seq).unwrap_or_default() {
                if let Some(p) = port.get("hostPort").and_then(Node::scalar_text) {
                    return Some(format!("hostPort {p}: one pod per node can bind it"));
                }
                if host_network {
                    if let Some(p) = port.get("containerPort").and_then(Node::scalar_text) {
                        return Some(format!("hostNetwork with port {p}: one pod per node can bind it"));
                    }
                }
            }
        }
    }
    None
}

/// Whether a label selector picks the pod's own labels (matchLabels and the In / Exists /
/// NotIn / DoesNotExist expressions). A selector k2e cannot read counts as selecting.
fn selects(selector: Option<&Node>, labels: Option<&Node>) -> bool {
    let Some(selector) = selector else { return false };
    let label = |k: &str| labels.and_then(|l| l.get(k)).and_then(Node::scalar_text);
    for entry in selector.get("matchLabels").and_then(Node::as_map).unwrap_or_default() {
        if label(&entry.key) != entry.value.scalar_text() {
            return false;
        }
    }
    for expr in selector
        .get("matchExpressions")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        let key = expr.get("key").and_then(Node::as_str).unwrap_or("");
        let values = expr.scalar_texts("values");
        let have = label(key);
        let ok = match expr.get("operator").and_then(Node::as_str) {
            Some("In") => have.is_some_and(|v| values.contains(&v)),
            Some("NotIn") => have.is_none_or(|v| !values.contains(&v)),
            Some("Exists") => have.is_some(),
            Some("DoesNotExist") => have.is_none(),
            _ => true,
        };
        if !ok {
            return false;
        }
    }
    true
}
