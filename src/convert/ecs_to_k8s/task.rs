//! Task-level fields -> pod spec and object metadata; container fields ECS sets per container
//! but Kubernetes per pod (sysctls, DNS, host aliases, grace period, pull secrets, labels) are
//! collected and written once, as mapped when every container agrees.

use super::labels::Meta;
use super::plan::{Plan, Slot};
use super::resources::{self, Asks, TaskSize};
use super::{Cx, container, volumes, workload_name};
use crate::convert::cursor::At;
use crate::convert::loss::Fate;
use crate::convert::references::service_account;
use crate::convert::value::{Map, Value};
use crate::model::quantity::{cpu_quantity, memory_quantity};
use crate::model::quantity::{ecs_cpu, ecs_memory};
use std::collections::BTreeMap;

/// A container field that becomes one pod field.
#[derive(Debug)]
pub struct Shared {
    pub path: String,
    pub offset: usize,
    pub value: serde_json::Value,
    /// For docker labels: (key, value, pointer, offset) of each.
    pub items: Vec<(String, String, String, usize)>,
}

#[derive(Debug, Default)]
pub struct Pod {
    pub containers: Vec<(Slot, Map)>,
    pub spec: Map,
    pub volumes: Vec<Map>,
    /// ECS volume name -> Kubernetes volume name, for the volumes kept.
    pub volume_names: BTreeMap<String, String>,
    pub dropped_volumes: BTreeMap<String, String>,
    /// EFS volumes written as claims --efs does not name: they do not convert back.
    pub unmapped_volumes: std::collections::BTreeSet<String>,
    pub template: Meta,
    pub object: Meta,
    /// (name, role ARN) of the ServiceAccount to write.
    pub service_account: Option<(String, String)>,
    /// Ports the Service exposes: (name, port, protocol, appProtocol).
    pub ports: Vec<(Option<String>, i64, String, Option<String>)>,
    pub shared: BTreeMap<&'static str, Vec<Shared>>,
    pub network_mode: Option<String>,
    pub ephemeral_gib: Option<i64>,
    /// Memory-backed volumes added for tmpfs and sharedMemorySize.
    pub memory_volumes: Vec<Map>,
    pub containers_total: usize,
    /// The task size, when the pod cannot carry it (see resources.rs).
    pub task_size: Vec<TaskSize>,
    /// What each container asks for, by Kubernetes name.
    pub asks: BTreeMap<String, Asks>,
}

const READ_ONLY: &[&str] = &[
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
];

/// The task role: a ServiceAccount annotated with it (IRSA), written once in the set, with the
/// first workload that uses the role.
fn task_role(cx: &mut Cx<'_>, at: &At<'_>, arn: &str, pod: &mut Pod) {
    let derived = service_account(cx.opts, arn).0;
    let (name, owner) = cx
        .accounts
        .by_role
        .get(arn)
        .cloned()
        .unwrap_or_else(|| (derived.clone(), cx.name.clone()));
    pod.spec.insert("serviceAccountName", name.clone());
    if name == derived {
        cx.ledger.mapped(at, cx.pod("/serviceAccountName"));
    } else {
        cx.ledger.approx(
            at,
            cx.pod("/serviceAccountName"),
            format!("another task role of the set would also give the ServiceAccount {derived}: named {name} (docs/convert.md, Names)"),
        );
    }
    if owner == cx.name {
        pod.service_account = Some((name, arn.to_owned()));
        cx.ledger.added(
            "ServiceAccount#/metadata/annotations/eks.amazonaws.com~1role-arn",
            "the task role, for IAM roles for service accounts (IRSA): the cluster needs an OIDC provider the role trusts",
        );
    } else {
        cx.ledger.added(
            cx.pod("/serviceAccountName"),
            format!("the ServiceAccount {name} for this task role is written once, with {owner} ({owner}.yaml)"),
        );
    }
}

/// Whether the task definition is written for Fargate (`requiresCompatibilities` holds it).
fn fargate(task: &At<'_>) -> bool {
    task.get("requiresCompatibilities")
        .and_then(|c| c.strings())
        .is_some_and(|c| c.iter().any(|v| v == "FARGATE"))
}

pub fn fields(cx: &mut Cx<'_>, task: &At<'_>, pod: &mut Pod) {
    if !task.is_map() {
        cx.ledger.invalid(task, "a task definition");
        return;
    }
    pod.network_mode = task.get("networkMode").and_then(|m| m.str().map(str::to_owned));
    volumes::convert(cx, task.get("volumes").as_ref(), pod);
    for (key, at) in task.entries() {
        match key {
            "volumes" => {}
            "family" => {
                let family = at.text().unwrap_or_default();
                if cx.name == family {
                    cx.ledger.mapped(&at, cx.to("/metadata/name"));
                } else if cx.name != workload_name(&family) {
                    cx.ledger.approx(
                        &at,
                        cx.to("/metadata/name"),
                        format!(
                            "another object of the output set would also be named {}: written as {} (its Service too; docs/convert.md, Names)",
                            workload_name(&family),
                            cx.name
                        ),
                    );
                } else {
                    cx.ledger.approx(&at, cx.to("/metadata/name"), format!("Kubernetes names are lowercase DNS names: written as {}", cx.name));
                }
            }
            "containerDefinitions" => containers(cx, &at, pod),
            "taskRoleArn" => match at.str() {
                Some(arn) => task_role(cx, &at, arn, pod),
                None => cx.ledger.invalid(&at, "an ARN"),
            },
            "executionRoleArn" => cx.ledger.dropped(
                &at,
                "Kubernetes pulls images with the node's credentials (or imagePullSecrets) and gives secrets to pods itself",
                "give the node role read access to the image registry; nothing else to convert",
            ),
            "networkMode" => match at.str() {
                Some("awsvpc") => cx.ledger.mapped(&at, cx.pod("")),
                Some("host") => {
                    pod.spec.insert("hostNetwork", true);
                    cx.ledger.mapped(&at, cx.pod("/hostNetwork"));
                }
                _ => cx.ledger.approx(
                    &at,
                    cx.pod(""),
                    "every pod has its own IP address (as with awsvpc); converting back writes awsvpc",
                ),
            },
            "requiresCompatibilities" => cx.ledger.approx(
                &at,
                cx.pod(""),
                "Kubernetes does not say where pods run (EKS on Fargate uses Fargate profiles); convert back with --launch-type",
            ),
            "cpu" => pod_limit(cx, &at, pod, true),
            "memory" => pod_limit(cx, &at, pod, false),
            "pidMode" => match at.str() {
                Some("host") => {
                    pod.spec.insert("hostPID", true);
                    cx.ledger.mapped(&at, cx.pod("/hostPID"));
                }
                Some("task") => {
                    pod.spec.insert("shareProcessNamespace", true);
                    cx.ledger.mapped(&at, cx.pod("/shareProcessNamespace"));
                }
                _ => cx.ledger.invalid(&at, "host or task"),
            },
            "ipcMode" => match at.str() {
                Some("host") => {
                    pod.spec.insert("hostIPC", true);
                    cx.ledger.mapped(&at, cx.pod("/hostIPC"));
                }
                _ => cx.ledger.dropped(
                    &at,
                    "containers of a pod always share an IPC namespace; there is no private one",
                    "nothing to convert",
                ),
            },
            "ephemeralStorage" => match at.get("sizeInGiB").and_then(|s| s.int()) {
                Some(gib) => {
                    pod.ephemeral_gib = Some(gib);
                    let to = cx.pod("/containers/0/resources/requests/ephemeral-storage");
                    if fargate(task) {
                        cx.ledger.mapped(&at, to);
                    } else {
                        cx.ledger.approx(
                            &at,
                            to,
                            "only Fargate sizes a task's ephemeral storage (EC2 tasks share the instance's Docker storage): converting back for EC2 does not write it",
                        );
                    }
                }
                None => cx.ledger.invalid(&at, "a size in GiB"),
            },
            "runtimePlatform" => runtime_platform(cx, &at, pod),
            "tags" => tags(cx, &at, pod),
            "placementConstraints" => cx.ledger.dropped(
                &at,
                "ECS placement expressions have no direct Kubernetes form",
                "express them as node affinity (requiredDuringSchedulingIgnoredDuringExecution) on the node labels",
            ),
            "proxyConfiguration" => cx.ledger.dropped(&at, "App Mesh proxy settings", "use a service mesh's sidecar injection"),
            "inferenceAccelerators" => cx.ledger.dropped(&at, "Elastic Inference is retired", "use GPU or Inferentia nodes"),
            "enableFaultInjection" | "trustedExecutionConfiguration" => {
                cx.ledger.dropped(&at, "no Kubernetes counterpart", "nothing to convert")
            }
            k if READ_ONLY.contains(&k) => cx.ledger.dropped(&at, "set by ECS when the task definition is registered", "nothing to do"),
            _ => cx.ledger.unknown(&at, "TaskDefinition"),
        }
    }
}

fn pod_limit(cx: &mut Cx<'_>, at: &At<'_>, pod: &mut Pod, cpu: bool) {
    let text = at.text().unwrap_or_default();
    let parsed = if cpu { ecs_cpu(&text) } else { ecs_memory(&text) };
    let Some(value) = parsed else {
        cx.ledger
            .invalid(at, if cpu { "a cpu value" } else { "a memory value" });
        return;
    };
    let resource = if cpu { "cpu" } else { "memory" };
    if !resources::pod_level(cx) {
        pod.task_size.push(TaskSize {
            resource,
            amount: value,
            path: at.path.clone(),
            offset: at.offset(),
        });
        return;
    }
    let (quantity, exact) = if cpu {
        cpu_quantity(value)
    } else {
        (memory_quantity(value), true)
    };
    pod.spec
        .map_mut("resources")
        .map_mut("limits")
        .insert(resource, quantity);
    let to = cx.pod(format!("/resources/limits/{resource}"));
    if exact {
        cx.ledger.mapped(at, to);
    } else {
        cx.ledger
            .approx(at, to, "Kubernetes cpu has millicore precision: rounded up");
    }
}

fn runtime_platform(cx: &mut Cx<'_>, at: &At<'_>, pod: &mut Pod) {
    for (key, value) in at.entries() {
        let v = value.str().unwrap_or_default();
        let selector = pod.spec.map_mut("nodeSelector");
        match (key, v) {
            ("cpuArchitecture", "X86_64" | "ARM64") => {
                selector.insert("kubernetes.io/arch", if v == "X86_64" { "amd64" } else { "arm64" });
                cx.ledger.mapped(&value, cx.pod("/nodeSelector/kubernetes.io~1arch"));
            }
            ("operatingSystemFamily", "LINUX") => {
                selector.insert("kubernetes.io/os", "linux");
                cx.ledger.mapped(&value, cx.pod("/nodeSelector/kubernetes.io~1os"));
            }
            ("operatingSystemFamily", family) if family.starts_with("WINDOWS") => {
                selector.insert("kubernetes.io/os", "windows");
                match crate::convert::platform::windows_build(family) {
                    Some(build) => {
                        selector.insert("node.kubernetes.io/windows-build", build);
                        cx.ledger.mapped(&value, cx.pod("/nodeSelector"));
                    }
                    None => cx.ledger.approx(
                        &value,
                        cx.pod("/nodeSelector/kubernetes.io~1os"),
                        "Kubernetes selects Windows nodes by build: no build label for this edition (FULL editions run as CORE)",
                    ),
                }
            }
            _ => cx.ledger.unknown(&value, "RuntimePlatform"),
        }
    }
}

pub fn tags(cx: &mut Cx<'_>, at: &At<'_>, pod: &mut Pod) {
    if !at.is_seq() {
        cx.ledger.invalid(at, "a list of tags");
        return;
    }
    for item in at.items() {
        let key = item.get("key").and_then(|k| k.text());
        let value = item.get("value").and_then(|v| v.text()).unwrap_or_default();
        let Some(key) = key else {
            cx.ledger.invalid(&item, "a tag with a key");
            continue;
        };
        let target = if cx.kind == super::Kind::Pod {
            &mut pod.template
        } else {
            &mut pod.object
        };
        match target.add(&key, &value) {
            Some(place) => cx.ledger.mapped(&item, cx.to(format!("/metadata/{place}"))),
            None => cx.ledger.dropped(
                &item,
                "not a valid label or annotation key",
                "add it to the object in another form if you need it",
            ),
        }
    }
}

pub fn containers(cx: &mut Cx<'_>, at: &At<'_>, pod: &mut Pod) {
    if !at.is_seq() {
        cx.ledger.invalid(at, "a list of container definitions");
        return;
    }
    let items = at.items();
    let plan = Plan::new(&items);
    pod.containers_total = items.len();
    for (item, slot) in items.iter().zip(&plan.slots) {
        match slot {
            Some(slot) => {
                if let Some(map) = container::convert(cx, item, slot, &plan, pod) {
                    pod.asks.insert(slot.name.clone(), asks(item));
                    pod.containers.push((slot.clone(), map));
                }
            }
            None => cx.ledger.invalid(item, "a container definition with a name"),
        }
    }
    shared(cx, pod);
}

fn asks(item: &At<'_>) -> Asks {
    let int = |key: &str| item.get(key).and_then(|v| v.int()).and_then(|n| u64::try_from(n).ok());
    Asks {
        cpu: int("cpu"),
        memory: int("memory"),
        memory_reservation: int("memoryReservation"),
        reservation_at: item.get("memoryReservation").map(|r| (r.path.clone(), r.offset())),
    }
}

/// Writes the collected per-container fields once on the pod.
fn shared(cx: &mut Cx<'_>, pod: &mut Pod) {
    let fields = std::mem::take(&mut pod.shared);
    for (field, entries) in fields {
        if field == "dockerLabels" {
            docker_labels(cx, pod, &entries);
            continue;
        }
        let Some(first) = entries.first() else { continue };
        let agree = entries.iter().all(|e| e.value == first.value);
        // Converting back writes DNS settings and host entries only for host networking.
        let host_only = matches!(field, "dnsServers" | "dnsSearchDomains" | "extraHosts");
        let lost_back = host_only && pod.network_mode.as_deref() != Some("host");
        let value = match field {
            // The longest grace any container asked for.
            "stopTimeout" => entries
                .iter()
                .filter_map(|e| e.value.as_i64())
                .max()
                .map(serde_json::Value::from),
            _ => Some(first.value.clone()),
        };
        let Some(value) = value else { continue };
        let to = match field {
            "stopTimeout" => "/terminationGracePeriodSeconds",
            "systemControls" => "/securityContext/sysctls",
            "dnsServers" => "/dnsConfig/nameservers",
            "dnsSearchDomains" => "/dnsConfig/searches",
            "extraHosts" => "/hostAliases",
            "repositoryCredentials" => "/imagePullSecrets",
            _ => "",
        };
        for e in &entries {
            if lost_back {
                cx.ledger.record(
                    e.path.clone(),
                    e.offset,
                    Fate::Approximated,
                    Some(cx.pod(to)),
                    Some("kept for the pod; converting back to an awsvpc task drops it (ECS takes it with host or bridge networking only)".into()),
                    None,
                );
            } else if agree {
                cx.ledger
                    .record(e.path.clone(), e.offset, Fate::Mapped, Some(cx.pod(to)), None, None);
            } else {
                cx.ledger.record(
                    e.path.clone(),
                    e.offset,
                    Fate::Approximated,
                    Some(cx.pod(to)),
                    Some(format!(
                        "Kubernetes sets this once per pod and the containers differ: {}",
                        if field == "stopTimeout" {
                            "the longest is used"
                        } else {
                            "the first container's is used"
                        }
                    )),
                    None,
                );
            }
        }
        write_shared(pod, field, value);
    }
}

/// Docker labels are the pod template's labels and annotations: mapped unless two containers give
/// one key different values (Kubernetes labels the whole pod).
fn docker_labels(cx: &mut Cx<'_>, pod: &mut Pod, entries: &[Shared]) {
    let mut values: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in entries {
        for (k, v, _, _) in &e.items {
            values.entry(k).or_default().push(v);
        }
    }
    for e in entries {
        if e.items.is_empty() {
            cx.ledger.record(
                e.path.clone(),
                e.offset,
                Fate::Mapped,
                Some(cx.template_meta("/labels")),
                None,
                None,
            );
        }
        for (k, v, path, offset) in &e.items {
            let conflict = values.get(k.as_str()).is_some_and(|vs| vs.iter().any(|x| x != v));
            match pod.template.add(k, v) {
                None => cx.ledger.record(
                    path.clone(),
                    *offset,
                    Fate::Dropped,
                    None,
                    Some("not a valid label or annotation key".into()),
                    Some("nothing to convert".into()),
                ),
                Some(place) if !conflict => {
                    cx.ledger.record(path.clone(), *offset, Fate::Mapped, Some(cx.template_meta(format!("/{place}"))), None, None)
                }
                Some(place) => cx.ledger.record(
                    path.clone(),
                    *offset,
                    Fate::Approximated,
                    Some(cx.template_meta(format!("/{place}"))),
                    Some("the containers give this docker label different values; Kubernetes labels the whole pod (the last one is kept)".into()),
                    None,
                ),
            }
        }
    }
}

fn write_shared(pod: &mut Pod, field: &str, value: serde_json::Value) {
    let strings = |v: &serde_json::Value| -> Vec<Value> {
        v.as_array()
            .map(|a| a.iter().filter_map(|s| s.as_str()).map(Value::from).collect())
            .unwrap_or_default()
    };
    match field {
        "stopTimeout" => {
            if let Some(n) = value.as_i64() {
                pod.spec.insert("terminationGracePeriodSeconds", n);
            }
        }
        "systemControls" => {
            let sysctls: Vec<Value> = value
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|c| {
                            let mut m = Map::new();
                            m.insert("name", c.get("namespace")?.as_str()?);
                            m.insert("value", c.get("value")?.as_str()?);
                            Some(Value::Map(m))
                        })
                        .collect()
                })
                .unwrap_or_default();
            pod.spec.map_mut("securityContext").insert_some("sysctls", sysctls);
        }
        "dnsServers" => pod.spec.map_mut("dnsConfig").insert("nameservers", strings(&value)),
        "dnsSearchDomains" => pod.spec.map_mut("dnsConfig").insert("searches", strings(&value)),
        "extraHosts" => {
            let mut by_ip: Vec<(String, Vec<Value>)> = Vec::new();
            for h in value.as_array().into_iter().flatten() {
                let (Some(host), Some(ip)) = (
                    h.get("hostname").and_then(|v| v.as_str()),
                    h.get("ipAddress").and_then(|v| v.as_str()),
                ) else {
                    continue;
                };
                match by_ip.iter_mut().find(|(i, _)| i == ip) {
                    Some((_, names)) => names.push(Value::from(host)),
                    None => by_ip.push((ip.to_owned(), vec![Value::from(host)])),
                }
            }
            let aliases: Vec<Value> = by_ip
                .into_iter()
                .map(|(ip, names)| {
                    let mut m = Map::new();
                    m.insert("ip", ip);
                    m.insert("hostnames", names);
                    Value::Map(m)
                })
                .collect();
            pod.spec.insert_some("hostAliases", aliases);
        }
        "repositoryCredentials" => {
            if let Some(name) = value.as_str() {
                let mut m = Map::new();
                m.insert("name", name);
                pod.spec.insert("imagePullSecrets", vec![Value::Map(m)]);
            }
        }
        _ => {}
    }
}
