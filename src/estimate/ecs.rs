//! ECS task definitions and services -> [`Workload`]s. A task definition runs as many copies as
//! the service JSON among the inputs asks for (`desiredCount`), or `--replicas` without one.

use super::blockers::{self, Reasons};
use super::kubernetes::Defaults;
use super::model::{Archs, FargateAsk, Kind, Os, Platform, TICKS_PER_UNIT, Workload, mem_text};
use crate::model::quantity::{ecs_cpu, ecs_memory};
use crate::parse::{Document, Node, NodeKind, Scalar};

/// A task definition read from the inputs, waiting for its services.
#[derive(Clone, Debug)]
pub struct TaskDef {
    pub family: String,
    /// `revision` of describe-task-definition output; registration input has none.
    pub revision: Option<u64>,
    pub template: Workload,
}

/// An ECS service read from the inputs.
#[derive(Clone, Debug)]
pub struct Service {
    pub name: String,
    /// The family its `taskDefinition` names (family, family:revision or an ARN).
    pub family: String,
    pub revision: Option<u64>,
    pub desired: u32,
    pub daemon: bool,
    pub distinct_instance: bool,
    pub reasons: Reasons,
    pub file: String,
    pub line: usize,
}

fn number(node: Option<&Node>) -> Option<u64> {
    match &node?.kind {
        NodeKind::Scalar {
            value: Scalar::Number(n),
            ..
        } => n.as_u64(),
        _ => None,
    }
}

/// A task definition (RegisterTaskDefinition input, or the `taskDefinition` of describe
/// output; `prefix` is its pointer) or, with `containers_only`, a bare containerDefinitions array.
#[allow(clippy::too_many_arguments)]
pub fn task(
    file: &str,
    doc: &Document,
    node: &Node,
    prefix: &str,
    family: Option<&str>,
    line: usize,
    d: &Defaults,
    containers_only: bool,
) -> TaskDef {
    let family = family.filter(|f| !f.is_empty()).map_or_else(
        || {
            let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
            format!("({base})")
        },
        str::to_owned,
    );
    let label = format!("TaskDefinition/{family}");
    let containers: &[Node] = if containers_only {
        node.as_seq().unwrap_or_default()
    } else {
        node.get("containerDefinitions")
            .and_then(Node::as_seq)
            .unwrap_or_default()
    };
    let mut notes = Vec::new();
    let task_cpu = node.get("cpu").and_then(Node::scalar_text).and_then(|t| ecs_cpu(&t));
    let task_memory = node
        .get("memory")
        .and_then(Node::scalar_text)
        .and_then(|t| ecs_memory(&t));
    let mut cpu_sum = 0;
    let mut hard_sum = 0;
    let mut reserved_sum = 0;
    let mut gpus = 0;
    let mut host_port = None;
    let network = node.get("networkMode").and_then(Node::as_str).unwrap_or("bridge");
    // Saturating: an absurd value must price as "too large", not wrap to nothing.
    for c in containers {
        cpu_sum = number(c.get("cpu")).unwrap_or(0).saturating_add(cpu_sum);
        let hard = number(c.get("memory"));
        let soft = number(c.get("memoryReservation"));
        hard_sum = hard.or(soft).unwrap_or(0).saturating_add(hard_sum);
        reserved_sum = soft.or(hard).unwrap_or(0).saturating_add(reserved_sum);
        for r in c.get("resourceRequirements").and_then(Node::as_seq).unwrap_or_default() {
            if r.get("type").and_then(Node::as_str) == Some("GPU") {
                let value = r
                    .get("value")
                    .and_then(Node::scalar_text)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0);
                gpus = value.saturating_add(gpus);
            }
        }
        for p in c.get("portMappings").and_then(Node::as_seq).unwrap_or_default() {
            let bound = match network {
                "host" => number(p.get("containerPort")),
                "bridge" => number(p.get("hostPort")).filter(|&h| h != 0),
                _ => None,
            };
            host_port = host_port.or(bound);
        }
    }
    // On EC2 the scheduler reserves the task-level values when there are some, else the
    // containers' reservations (memoryReservation, or memory).
    let cpu_units = match task_cpu.or((cpu_sum > 0).then_some(cpu_sum)) {
        Some(units) => units,
        None => {
            notes.push(format!(
                "no cpu in the task definition: {} vCPU assumed (--default-cpu)",
                super::model::vcpu_text(d.cpu_ticks)
            ));
            d.cpu_ticks.div_ceil(TICKS_PER_UNIT)
        }
    };
    let memory = match task_memory.or((reserved_sum > 0).then_some(reserved_sum)) {
        Some(m) => m,
        None => {
            notes.push(format!(
                "no memory in the task definition: {} assumed (--default-memory)",
                mem_text(d.memory_mib)
            ));
            d.memory_mib
        }
    };
    let platform = node.get("runtimePlatform");
    let (archs, arch_from, arch_pinned) = match platform.and_then(|p| p.get("cpuArchitecture")).and_then(Node::as_str) {
        Some("ARM64") => (Archs::ARM, "runtimePlatform ARM64".to_owned(), true),
        Some("X86_64") => (Archs::X86, "runtimePlatform X86_64".to_owned(), true),
        _ => (d.archs, d.arch_from.clone(), false),
    };
    let os = match platform
        .and_then(|p| p.get("operatingSystemFamily"))
        .and_then(Node::as_str)
    {
        Some(f) if f.starts_with("WINDOWS") => Os::Windows,
        _ => Os::Linux,
    };
    let fargate_ask = match (task_cpu, task_memory) {
        (Some(cpu_units), Some(memory_mib)) => FargateAsk::Task {
            cpu_units,
            memory_mib,
            declared: true,
        },
        // Fargate needs a task size: the containers' own values, rounded up to a valid pair.
        _ => FargateAsk::Task {
            cpu_units: task_cpu.unwrap_or(cpu_sum),
            memory_mib: task_memory.or((hard_sum > 0).then_some(hard_sum)).unwrap_or(memory),
            declared: false,
        },
    };
    let reasons = if containers_only {
        Reasons::default()
    } else {
        blockers::ecs_task(file, doc, node, prefix, &label)
    };
    let ephemeral_gib = number(node.pointer("/ephemeralStorage/sizeInGiB").map(|n| n.0)).unwrap_or(0) as f64;
    TaskDef {
        family,
        revision: number(node.get("revision")),
        template: Workload {
            name: label,
            kind_name: "TaskDefinition".to_owned(),
            namespace: None,
            file: file.to_owned(),
            line,
            platform: Platform::Ecs,
            kind: Kind::Replicated,
            replicas: d.ecs_replicas,
            request: [
                cpu_units.saturating_mul(TICKS_PER_UNIT),
                memory,
                u64::from(network == "awsvpc"),
                gpus,
            ],
            fargate_ask,
            archs,
            arch_from,
            arch_pinned,
            os,
            one_per_node: host_port
                .map(|p| format!("{network} network mode with host port {p}: one task per instance can bind it")),
            ephemeral_gib,
            blocked: reasons.blocked,
            changes: reasons.changes,
            notes,
        },
    }
}

/// An ECS service (`aws ecs create-service --cli-input-json` input).
pub fn service(file: &str, doc: &Document, root: &Node, name: Option<&str>, line: usize) -> Option<Service> {
    let (family, revision) = crate::model::ecs::Service::of(root)?.family_and_revision()?;
    let (family, revision) = (family.to_owned(), revision.and_then(|r| r.parse().ok()));
    let daemon = root.get("schedulingStrategy").and_then(Node::as_str) == Some("DAEMON");
    let distinct_instance = root
        .get("placementConstraints")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .any(|c| c.get("type").and_then(Node::as_str) == Some("distinctInstance"));
    Some(Service {
        name: name.unwrap_or(&family).to_owned(),
        family,
        revision,
        desired: number(root.get("desiredCount")).map_or(1, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        daemon,
        distinct_instance,
        reasons: blockers::ecs_service(file, doc, root, name),
        file: file.to_owned(),
        line,
    })
}

/// The task definition a service runs: the revision it names when the inputs say revisions,
/// else the highest revision, else the last of its family among the inputs.
fn runs<'a>(s: &Service, tasks: &'a [TaskDef]) -> Option<&'a TaskDef> {
    let family = tasks.iter().filter(|t| t.family == s.family);
    if let Some(wanted) = s.revision {
        if let Some(t) = family.clone().find(|t| t.revision == Some(wanted)) {
            return Some(t);
        }
    }
    family.max_by_key(|t| t.revision)
}

/// One workload per service running a task definition, or the task definition itself (with
/// `--replicas` copies) when no service runs its family. Other revisions of a family a service
/// runs, and services whose task definition is not among the inputs, come back as notes.
pub fn resolve(tasks: Vec<TaskDef>, services: &[Service]) -> (Vec<Workload>, Vec<String>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let chosen: Vec<Option<&TaskDef>> = services.iter().map(|s| runs(s, &tasks)).collect();
    for t in &tasks {
        let mine: Vec<&Service> = services
            .iter()
            .zip(&chosen)
            .filter(|(_, c)| c.is_some_and(|c| std::ptr::eq(c, t)))
            .map(|(s, _)| s)
            .collect();
        if mine.is_empty() {
            if services.iter().any(|s| s.family == t.family) {
                notes.push(format!(
                    "{}:{}: {} is another revision of a family whose service runs a different one; not estimated",
                    t.template.file, t.template.line, t.template.name
                ));
                continue;
            }
            let mut w = t.template.clone();
            w.notes.push(format!(
                "no ECS service among the inputs runs it: {} cop{} (--replicas)",
                w.replicas,
                if w.replicas == 1 { "y" } else { "ies" }
            ));
            out.push(w);
            continue;
        }
        for s in mine {
            let mut w = t.template.clone();
            w.name = format!("Service/{}", s.name);
            w.kind_name = "Service".to_owned();
            w.notes
                .push(format!("runs {} ({}:{})", t.template.name, s.file, s.line));
            if let Some(wanted) = s.revision.filter(|r| t.revision.is_some_and(|have| have != *r)) {
                w.notes.push(format!(
                    "the service names revision {wanted}, which is not among the inputs; estimated with revision {}",
                    t.revision.unwrap_or_default()
                ));
            }
            if s.daemon {
                w.kind = Kind::Daemon;
                w.replicas = 0;
            } else {
                w.replicas = s.desired;
            }
            if s.distinct_instance && w.one_per_node.is_none() {
                w.one_per_node = Some("placement constraint distinctInstance".to_owned());
            }
            let mut reasons = Reasons {
                blocked: std::mem::take(&mut w.blocked),
                changes: std::mem::take(&mut w.changes),
            };
            reasons.merge(&s.reasons);
            w.blocked = reasons.blocked;
            w.changes = reasons.changes;
            out.push(w);
        }
    }
    for s in services {
        if !tasks.iter().any(|t| t.family == s.family) {
            notes.push(format!(
                "{}:{}: service {} runs task definition family {}, which is not among the inputs; not estimated",
                s.file, s.line, s.name, s.family
            ));
        }
    }
    (out, notes)
}
