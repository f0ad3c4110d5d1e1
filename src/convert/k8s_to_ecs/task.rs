//! The task definition being built, and its assembly: container order, init and sidecar
//! dependencies, the fields every container shares, logging, sizing and field order.

use super::{Cx, td};
use crate::convert::loss::Fate;
use crate::convert::value::{Map, Value};
use crate::convert_map;

/// How a Kubernetes container runs, which decides `essential` and `dependsOn`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CRole {
    /// `containers`: the task stops when it stops (essential).
    Regular,
    /// `initContainers`: runs to completion before the next one starts.
    Init,
    /// `initContainers` with `restartPolicy: Always`: started before the next one, not essential.
    Sidecar,
}

#[derive(Debug)]
pub struct Container {
    pub name: String,
    pub role: CRole,
    pub map: Map,
    /// cpu units from the request (or the limit when there is no request).
    pub cpu: Option<u64>,
    pub cpu_limit: Option<u64>,
    /// MiB: the hard limit and the reservation.
    pub memory: Option<u64>,
    pub reservation: Option<u64>,
    /// Ephemeral storage it asks for, GiB (the task has one size for all), and where each ask
    /// is (pointer, offset), to revise their notes once the task's size is known.
    pub ephemeral_gib: u64,
    pub ephemeral_at: Vec<(String, usize)>,
    /// Its port names (even those ECS could not take), for probes naming a port.
    pub named_ports: Vec<(String, i64)>,
    /// Pointer and offset of its cpu and memory requests and limits, for the note sizing
    /// writes when the task cannot hold them.
    pub sized_by: Vec<(String, usize)>,
}

impl Container {
    pub fn new(name: &str, role: CRole) -> Self {
        Container {
            name: name.to_owned(),
            role,
            map: Map::new(),
            cpu: None,
            cpu_limit: None,
            memory: None,
            reservation: None,
            ephemeral_gib: 0,
            ephemeral_at: Vec::new(),
            named_ports: Vec::new(),
            sized_by: Vec::new(),
        }
    }
}

/// A pod-level limit, kept with its place in the input for the note sizing writes.
#[derive(Debug)]
pub struct PodLimit {
    pub path: String,
    pub offset: usize,
    pub cpu: bool,
    pub value: u64,
    pub exact: bool,
}

#[derive(Debug, Default)]
pub struct Task {
    pub containers: Vec<Container>,
    pub volumes: Vec<Map>,
    pub tags: Vec<(String, String)>,
    pub docker_labels: Map,
    /// Container fields every container gets (systemControls, dnsServers, extraHosts, ...).
    pub shared: Map,
    /// runAsUser and runAsGroup of the pod security context: every container's user unless it
    /// sets its own.
    pub pod_uid: Option<i64>,
    pub pod_gid: Option<i64>,
    pub network_mode: Option<&'static str>,
    pub pid_mode: Option<&'static str>,
    pub ipc_mode: Option<&'static str>,
    pub task_role_arn: Option<String>,
    pub cpu_architecture: Option<&'static str>,
    pub os_family: Option<&'static str>,
    /// Pod-level resources.limits (cpu units, MiB): the task size when they hold the containers.
    pub pod_limits: Vec<PodLimit>,
    pub stop_timeout: Option<i64>,
    /// A restart policy for the essential containers (Pods and Jobs that restart on failure).
    pub restart_policy: Option<Map>,
    pub repository_credentials: Option<String>,
}

pub const CONTAINER_ORDER: &[&str] = &[
    "name",
    "image",
    "essential",
    "entryPoint",
    "command",
    "workingDirectory",
    "user",
    "environment",
    "secrets",
    "portMappings",
    "cpu",
    "memory",
    "memoryReservation",
    "resourceRequirements",
    "mountPoints",
    "healthCheck",
    "dependsOn",
    "stopTimeout",
    "restartPolicy",
    "readonlyRootFilesystem",
    "privileged",
    "linuxParameters",
    "dockerSecurityOptions",
    "systemControls",
    "dnsServers",
    "dnsSearchDomains",
    "extraHosts",
    "interactive",
    "pseudoTerminal",
    "repositoryCredentials",
    "dockerLabels",
    "logConfiguration",
];

pub const TASK_ORDER: &[&str] = &[
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "runtimePlatform",
    "pidMode",
    "ipcMode",
    "ephemeralStorage",
    "containerDefinitions",
    "volumes",
    "tags",
];

pub fn assemble(cx: &mut Cx<'_, '_>, mut task: Task) -> Map {
    let opts = cx.opts;
    let mut out = Map::new();
    out.insert("family", cx.family.clone());
    if let Some(role) = &task.task_role_arn {
        out.insert("taskRoleArn", role.clone());
    }
    let execution = opts.execution_role_arn.fill(&opts.vars(&cx.namespace, &[]));
    out.insert("executionRoleArn", execution);
    cx.ledger.added(
        td("/executionRoleArn"),
        "the role ECS uses to pull images, read secrets and write logs: replace the placeholder (--execution-role-arn, --account-id)",
    );
    let mode = task.network_mode.unwrap_or("awsvpc");
    out.insert("networkMode", mode);
    out.insert(
        "requiresCompatibilities",
        vec![Value::from(opts.launch_type.api_name())],
    );
    let size = super::sizing::task_size(cx, &mut task);
    out.insert("cpu", size.cpu.to_string());
    out.insert("memory", size.memory.to_string());
    let mut platform = Map::new();
    if let Some(os) = task.os_family {
        platform.insert("operatingSystemFamily", os);
    }
    if let Some(arch) = task.cpu_architecture {
        platform.insert("cpuArchitecture", arch);
    }
    out.insert_some("runtimePlatform", platform);
    if let Some(mode) = task.pid_mode {
        out.insert("pidMode", mode);
    }
    if let Some(mode) = task.ipc_mode {
        out.insert("ipcMode", mode);
    }
    ephemeral_storage(cx, &task, &mut out);
    let deps = dependencies(&task.containers);
    let labels = {
        let mut l = std::mem::take(&mut task.docker_labels);
        l.sort_keys();
        l
    };
    let mut containers = Vec::new();
    for (c, dep) in task.containers.into_iter().zip(deps) {
        let mut map = c.map;
        map.insert("essential", c.role == CRole::Regular);
        if let Some(d) = dep {
            map.insert("dependsOn", vec![Value::Map(d)]);
        }
        if let (Some(uid), false) = (task.pod_uid, map.contains("user")) {
            map.insert("user", user(uid, task.pod_gid));
        }
        for (k, v) in task.shared.iter() {
            if !map.contains(k) {
                map.insert(k, v.clone());
            }
        }
        if let Some(t) = task.stop_timeout {
            map.insert("stopTimeout", t);
        }
        if let (Some(p), CRole::Regular) = (&task.restart_policy, c.role) {
            map.insert("restartPolicy", p.clone());
        }
        if let Some(arn) = &task.repository_credentials {
            map.insert(
                "repositoryCredentials",
                convert_map! {"credentialsParameter" => arn.clone()},
            );
        }
        map.insert_some("dockerLabels", labels.clone());
        if opts.logs {
            let group = opts
                .log_group
                .fill(&opts.vars(&cx.namespace, &[("family", &cx.family)]));
            let mut options = convert_map! {
                "awslogs-group" => group,
                "awslogs-region" => opts.region.clone(),
                "awslogs-stream-prefix" => opts.log_stream_prefix.clone(),
            };
            // Creating the group needs logs:CreateLogGroup, which the managed execution role
            // policy (AmazonECSTaskExecutionRolePolicy) does not grant.
            if opts.create_log_groups {
                options.insert("awslogs-create-group", "true");
            }
            map.insert(
                "logConfiguration",
                convert_map! {"logDriver" => "awslogs", "options" => options},
            );
        }
        map.sort_by_order(CONTAINER_ORDER);
        containers.push(Value::Map(map));
    }
    if opts.logs {
        cx.ledger.added(
            td("/containerDefinitions/0/logConfiguration"),
            "container output goes to CloudWatch Logs (awslogs); Kubernetes left log shipping to the node (--log-group, --region, --no-logs)",
        );
        log_group_note(cx);
    }
    out.insert("containerDefinitions", containers);
    out.insert_some("volumes", task.volumes.into_iter().map(Value::Map).collect::<Vec<_>>());
    out.insert_some(
        "tags",
        task.tags
            .into_iter()
            .map(|(k, v)| Value::Map(convert_map! {"key" => k, "value" => v}))
            .collect::<Vec<_>>(),
    );
    out.sort_by_order(TASK_ORDER);
    out
}

/// Who creates the log group: the task at start (which needs logs:CreateLogGroup on the
/// execution role) or a person beforehand.
fn log_group_note(cx: &mut Cx<'_, '_>) {
    let opts = cx.opts;
    let group = opts
        .log_group
        .fill(&opts.vars(&cx.namespace, &[("family", &cx.family)]));
    let to = td("/containerDefinitions/0/logConfiguration/options/awslogs-group");
    if opts.create_log_groups {
        cx.ledger.added(
            td("/containerDefinitions/0/logConfiguration/options/awslogs-create-group"),
            format!("the task creates the log group {group} at start: give the execution role logs:CreateLogGroup, which the managed AmazonECSTaskExecutionRolePolicy lacks"),
        );
    } else {
        cx.ledger.added(
            to,
            format!("the log group {group} must exist before the task starts: create it (aws logs create-log-group), or convert with --create-log-groups and give the execution role logs:CreateLogGroup"),
        );
    }
}

/// Init containers and sidecars start one after the other, in their list order, before the
/// regular containers: each waits for the one before it (SUCCESS after an init container,
/// START after a sidecar), and every regular container waits for the last.
fn dependencies(containers: &[Container]) -> Vec<Option<Map>> {
    let mut previous: Option<(&str, CRole)> = None;
    let mut out: Vec<Option<Map>> = containers.iter().map(|_| None).collect();
    for (i, c) in containers.iter().enumerate().filter(|(_, c)| c.role != CRole::Regular) {
        out[i] = previous.map(|(name, role)| condition(name, role));
        previous = Some((&c.name, c.role));
    }
    if let Some((name, role)) = previous {
        for (i, c) in containers.iter().enumerate() {
            if c.role == CRole::Regular {
                out[i] = Some(condition(name, role));
            }
        }
    }
    out
}

/// ECS `user`: `uid` or `uid:gid`.
pub fn user(uid: i64, gid: Option<i64>) -> String {
    match gid {
        Some(g) => format!("{uid}:{g}"),
        None => uid.to_string(),
    }
}

fn condition(name: &str, role: CRole) -> Map {
    let condition = if role == CRole::Init { "SUCCESS" } else { "START" };
    convert_map! {"containerName" => name, "condition" => condition}
}

/// The containers' ephemeral storage asks, added up, as the task's: only Fargate sizes it, and
/// only past the 20 GiB every Fargate task has (21-200). Within them, or on EC2 (tasks share the
/// container instance's Docker storage), nothing is written and the asks' notes say why.
fn ephemeral_storage(cx: &mut Cx<'_, '_>, task: &Task, out: &mut Map) {
    let gib: u64 = task.containers.iter().map(|c| c.ephemeral_gib).sum();
    let asks = task.containers.iter().flat_map(|c| c.ephemeral_at.iter().cloned());
    if cx.fargate() && gib > FARGATE_INCLUDED_GIB {
        out.insert("ephemeralStorage", convert_map! {"sizeInGiB" => gib.min(200)});
        return;
    }
    let (fate, to, reason, fix) = if cx.fargate() {
        (
            Fate::Approximated,
            Some(td("")),
            format!(
                "every Fargate task has {FARGATE_INCLUDED_GIB} GiB of ephemeral storage, which holds the {gib} GiB asked for: nothing to write"
            ),
            None,
        )
    } else {
        (
            Fate::Dropped,
            None,
            "ECS on EC2 has no task ephemeral storage size: tasks share the container instance's Docker storage"
                .to_owned(),
            Some(
                "give the container instances enough disk for the tasks they run (the launch template's volume size)"
                    .to_owned(),
            ),
        )
    };
    for (path, offset) in asks {
        cx.ledger
            .record(path, offset, fate, to.clone(), Some(reason.clone()), fix.clone());
    }
}

/// The ephemeral storage every Fargate task has without an `ephemeralStorage` setting.
const FARGATE_INCLUDED_GIB: u64 = 20;
