//! ECS on Fargate: what `register-task-definition` or the Fargate scheduler rejects
//! (../shared/reference/aws-facts.md section 1; sizes in rules/data/fargate-ecs-sizes.yaml).

use super::sizes::{Size, SizeTable, gb, vcpu};
use crate::finding::Finding;
use crate::finding::ids;
use crate::model::quantity::{ecs_cpu, ecs_memory};
use crate::parse::{Document, Node, NodeKind, Scalar, Span};

/// One task definition being checked.
pub struct Task<'a> {
    pub file: &'a str,
    pub doc: &'a Document,
    /// The task definition object (the `taskDefinition` of describe output).
    pub node: &'a Node,
    /// Its pointer in the document ("" or "/taskDefinition").
    pub prefix: &'a str,
    pub object: Option<String>,
}

impl Task<'_> {
    fn finding(&self, rule: &'static str, span: Span, pointer: &str, message: String) -> Finding {
        Finding::at(rule, super::severity(rule), self.file, self.doc, span, message)
            .with_pointer(format!("{}{pointer}", self.prefix))
            .with_object(self.object.clone())
    }

    fn containers(&self) -> impl Iterator<Item = (usize, &Node)> {
        self.node
            .get("containerDefinitions")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .enumerate()
    }
}

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    size(task, out);
    network_mode(task, out);
    host_ports(task, out);
    privileged(task, out);
    unsupported(task, out);
    capabilities(task, out);
    pid_mode(task, out);
    volumes(task, out);
    logging(task, out);
    timeouts(task, out);
    ephemeral_storage(task, out);
    container_count(task, out);
    container_sizes(task, out);
    gpus(task, out);
    windows(task, out);
    ebs_volumes(task, out);
}

fn first_line(node: &Node) -> Span {
    Span::new(node.span.start, node.span.start + 1)
}

/// FG001 / FG002: task-level cpu and memory must be one of the 74 Fargate sizes.
fn size(task: &Task<'_>, out: &mut Vec<Finding>) {
    let table = SizeTable::get();
    let (cpu, memory) = (task.node.get("cpu"), task.node.get("memory"));
    let (Some(cpu), Some(memory)) = (cpu, memory) else {
        let anchor = task
            .node
            .entry("requiresCompatibilities")
            .map_or_else(|| first_line(task.node), |e| e.key_span);
        let missing = match (cpu, memory) {
            (None, None) => "cpu and memory",
            (None, Some(_)) => "cpu",
            _ => "memory",
        };
        out.push(
            task.finding(
                ids::FG_SIZE_MISSING,
                anchor,
                "",
                format!("Fargate requires task-level {missing}"),
            )
            .with_label(format!("no task-level {missing}"))
            .with_help("add e.g. \"cpu\": \"256\", \"memory\": \"512\" (the smallest Fargate size)"),
        );
        return;
    };
    let cpus: Vec<String> = table.cpus().iter().map(|c| format!("{c} ({})", vcpu(*c))).collect();
    let Some(cpu_units) = cpu.scalar_text().as_deref().and_then(ecs_cpu) else {
        out.push(
            task.finding(
                ids::FG_SIZE,
                cpu.span,
                "/cpu",
                format!("cpu {} is not a cpu value", shown(cpu)),
            )
            .with_label("not a cpu value")
            .with_help(format!("use one of: {}", cpus.join(", "))),
        );
        return;
    };
    let Some(memory_mib) = memory.scalar_text().as_deref().and_then(ecs_memory) else {
        out.push(
            task.finding(
                ids::FG_SIZE,
                memory.span,
                "/memory",
                format!("memory {} is not a memory value", shown(memory)),
            )
            .with_label("not a memory value")
            .with_help("write MiB (\"2048\") or GB (\"2 GB\")"),
        );
        return;
    };
    let wanted = Size {
        cpu: cpu_units,
        memory: memory_mib,
    };
    if table.is_valid(wanted) {
        return;
    }
    let as_of = format!("Fargate sizes as of {}", table.as_of);
    let bigger = table.round_up(wanted).map(|s| {
        let platform = table
            .platform_for(s.cpu)
            .map_or_else(String::new, |p| format!(", Linux platform version {p} or later"));
        format!(
            "the smallest size that holds both is cpu \"{}\", memory \"{}\" ({}{platform})",
            s.cpu,
            s.memory,
            s.describe()
        )
    });
    if table.memory_for(cpu_units).is_none() {
        let mut help = format!("Fargate cpu values: {}", cpus.join(", "));
        if let Some(b) = bigger {
            help = format!("{b}; {help}");
        }
        out.push(
            task.finding(
                ids::FG_SIZE,
                cpu.span,
                "/cpu",
                format!("Invalid 'cpu' setting for task: {cpu_units} units is not a Fargate size ({as_of})"),
            )
            .with_label("not a Fargate cpu value")
            .with_help(help),
        );
        return;
    }
    let mut help = format!(
        "with {} use memory {}",
        vcpu(cpu_units),
        table.memory_for(cpu_units).unwrap_or_default()
    );
    if let Some(same) = table.same_cpu(wanted) {
        help.push_str(&format!(" (nearest: \"{}\")", same.memory));
    }
    if let Some(b) = bigger {
        help.push_str(&format!("; to keep {}, {b}", gb(memory_mib)));
    }
    out.push(
        task.finding(
            ids::FG_SIZE,
            memory.span,
            "/memory",
            format!(
                "No Fargate configuration exists for cpu {cpu_units} ({}) with memory {memory_mib} MiB ({}) ({as_of})",
                vcpu(cpu_units),
                gb(memory_mib)
            ),
        )
        .with_label("not valid with this cpu")
        .with_help(help),
    );
}

/// FG003: Fargate tasks use awsvpc networking; the default (bridge) is refused.
fn network_mode(task: &Task<'_>, out: &mut Vec<Finding>) {
    match task.node.get("networkMode") {
        Some(mode) if mode.as_str() == Some("awsvpc") => {}
        Some(mode) => out.push(
            task.finding(
                ids::FG_NETWORK_MODE,
                mode.span,
                "/networkMode",
                format!("network mode {} is not supported on Fargate", shown(mode)),
            )
            .with_label("Fargate needs awsvpc")
            .with_help("set \"networkMode\": \"awsvpc\""),
        ),
        None => {
            let anchor = task
                .node
                .entry("requiresCompatibilities")
                .map_or_else(|| first_line(task.node), |e| e.key_span);
            out.push(
                task.finding(
                    ids::FG_NETWORK_MODE,
                    anchor,
                    "",
                    "no networkMode: ECS defaults to bridge, which Fargate does not support".to_owned(),
                )
                .with_label("Fargate needs awsvpc")
                .with_help("add \"networkMode\": \"awsvpc\""),
            );
        }
    }
}

/// FG004: with awsvpc a hostPort must be omitted or equal to the containerPort.
fn host_ports(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in task.containers() {
        let mappings = container.get("portMappings").and_then(Node::as_seq).unwrap_or_default();
        for (j, mapping) in mappings.iter().enumerate() {
            let (Some(host), Some(port)) = (mapping.get("hostPort"), mapping.get("containerPort")) else {
                continue;
            };
            let host_port = host.scalar_text();
            if host_port.is_some() && host_port != port.scalar_text() && host_port.as_deref() != Some("0") {
                out.push(
                    task.finding(
                        ids::FG_HOST_PORT,
                        host.span,
                        &format!("/containerDefinitions/{i}/portMappings/{j}/hostPort"),
                        format!(
                            "hostPort {} differs from containerPort {}: not allowed with awsvpc",
                            shown(host),
                            shown(port)
                        ),
                    )
                    .with_label("must equal containerPort")
                    .with_help("remove hostPort, or set it to the containerPort"),
                );
            }
        }
    }
}

/// FG005: privileged containers are not supported on Fargate.
fn privileged(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in task.containers() {
        if let Some(entry) = container.entry("privileged") {
            if matches!(
                entry.value.kind,
                NodeKind::Scalar {
                    value: Scalar::Bool(true),
                    ..
                }
            ) {
                out.push(
                    task.finding(
                        ids::FG_PRIVILEGED,
                        entry.value.span,
                        &format!("/containerDefinitions/{i}/privileged"),
                        "privileged containers are not supported on Fargate".to_owned(),
                    )
                    .with_label("not on Fargate")
                    .with_help(
                        "remove \"privileged\"; grant only the capability needed (Fargate allows adding SYS_PTRACE)",
                    ),
                );
            }
        }
    }
}

/// Parameters Fargate refuses: (where, field, what to do instead).
const CONTAINER_FIELDS: &[(&str, &str)] = &[
    (
        "disableNetworking",
        "remove it; Fargate tasks always have a network interface",
    ),
    (
        "dnsSearchDomains",
        "remove it; configure DNS in the VPC (DHCP option set)",
    ),
    ("dnsServers", "remove it; configure DNS in the VPC (DHCP option set)"),
    (
        "dockerSecurityOptions",
        "remove it; Fargate does not pass Docker security options",
    ),
    (
        "extraHosts",
        "remove it; use DNS (Route 53 private zones or Cloud Map) instead",
    ),
    (
        "links",
        "remove it; containers of a Fargate task reach each other on localhost",
    ),
    (
        "hostname",
        "remove it; awsvpc tasks take their hostname from the network interface",
    ),
];

const LINUX_FIELDS: &[(&str, &str)] = &[
    ("devices", "remove it; Fargate does not expose host devices"),
    (
        "tmpfs",
        "remove it; use a task-level bind-mount volume (ephemeral storage) instead",
    ),
    ("sharedMemorySize", "remove it; Fargate does not set /dev/shm size"),
    ("maxSwap", "remove it; Fargate tasks have no swap"),
    ("swappiness", "remove it; Fargate tasks have no swap"),
];

const TASK_FIELDS: &[(&str, &str)] = &[
    (
        "ipcMode",
        "remove it; Fargate does not support IPC namespaces other than the default",
    ),
    ("placementConstraints", "remove it; Fargate places tasks itself"),
    (
        "inferenceAccelerators",
        "remove it; Elastic Inference is not available on Fargate",
    ),
];

/// FG006: a parameter Fargate does not support. Empty values (`[]`, `null`, `false`) are let
/// through: the API accepts them.
fn unsupported(task: &Task<'_>, out: &mut Vec<Finding>) {
    let mut flag = |entry: &crate::parse::Entry, pointer: String, help: &str| {
        if is_empty(&entry.value) {
            return;
        }
        out.push(
            task.finding(
                ids::FG_UNSUPPORTED,
                entry.key_span,
                &pointer,
                format!("\"{}\" is not supported on Fargate", entry.key),
            )
            .with_label("not on Fargate")
            .with_help(help),
        );
    };
    for (field, help) in TASK_FIELDS {
        if let Some(entry) = task.node.entry(field) {
            flag(entry, format!("/{field}"), help);
        }
    }
    for (i, container) in task.containers() {
        for (field, help) in CONTAINER_FIELDS {
            if let Some(entry) = container.entry(field) {
                flag(entry, format!("/containerDefinitions/{i}/{field}"), help);
            }
        }
        if let Some(linux) = container.get("linuxParameters") {
            for (field, help) in LINUX_FIELDS {
                if let Some(entry) = linux.entry(field) {
                    flag(
                        entry,
                        format!("/containerDefinitions/{i}/linuxParameters/{field}"),
                        help,
                    );
                }
            }
        }
    }
}

fn is_empty(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar { value, .. } => matches!(value, Scalar::Null | Scalar::Bool(false)),
        NodeKind::Seq(items) => items.is_empty(),
        NodeKind::Map(entries) => entries.is_empty(),
    }
}

fn shown(node: &Node) -> String {
    node.to_json().to_string()
}

/// FG007: Fargate lets a container add SYS_PTRACE and nothing else (platform 1.4.0).
fn capabilities(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in task.containers() {
        let added = container
            .get("linuxParameters")
            .and_then(|l| l.get("capabilities"))
            .and_then(|c| c.get("add"))
            .and_then(Node::as_seq)
            .unwrap_or_default();
        for (j, cap) in added.iter().enumerate() {
            let name = cap.as_str().unwrap_or_default();
            if name != "SYS_PTRACE" {
                out.push(
                    task.finding(
                        ids::FG_CAPABILITIES,
                        cap.span,
                        &format!("/containerDefinitions/{i}/linuxParameters/capabilities/add/{j}"),
                        format!("capability {} cannot be added on Fargate", shown(cap)),
                    )
                    .with_label("only SYS_PTRACE")
                    .with_help("remove it; Fargate (platform 1.4.0+) allows adding only SYS_PTRACE"),
                );
            }
        }
    }
}

/// FG008: the only pidMode Fargate accepts is `task` (Linux, platform 1.4.0).
fn pid_mode(task: &Task<'_>, out: &mut Vec<Finding>) {
    if let Some(mode) = task.node.get("pidMode") {
        if mode.as_str() != Some("task") && !is_empty(mode) {
            out.push(
                task.finding(
                    ids::FG_PID_MODE,
                    mode.span,
                    "/pidMode",
                    format!("pidMode {} is not supported on Fargate", shown(mode)),
                )
                .with_label("only \"task\"")
                .with_help("use \"pidMode\": \"task\" (platform 1.4.0+) or remove it"),
            );
        }
    }
}

/// FG009: Docker volumes, host paths and FSx for Windows are not available on Fargate.
fn volumes(task: &Task<'_>, out: &mut Vec<Finding>) {
    let volumes = task.node.get("volumes").and_then(Node::as_seq).unwrap_or_default();
    for (i, volume) in volumes.iter().enumerate() {
        let host_path = volume.get("host").and_then(|h| h.entry("sourcePath"));
        let docker_help = if docker_ebs_driver(volume) {
            "EBS volumes attach to Fargate tasks only one way: declare the volume with \"configuredAtLaunch\": true and give its size and type in the service's or run-task's volumeConfigurations"
        } else {
            "use an EFS volume or the task's ephemeral storage"
        };
        let bad = [
            (
                "dockerVolumeConfiguration",
                volume.entry("dockerVolumeConfiguration"),
                docker_help,
            ),
            (
                "host.sourcePath",
                host_path,
                "drop sourcePath: a bind mount without it lives in the task's ephemeral storage",
            ),
            (
                "fsxWindowsFileServerVolumeConfiguration",
                volume.entry("fsxWindowsFileServerVolumeConfiguration"),
                "FSx for Windows File Server volumes need the EC2 launch type",
            ),
        ];
        for (what, entry, help) in bad {
            let Some(entry) = entry.filter(|e| !is_empty(&e.value)) else {
                continue;
            };
            let pointer = format!("/volumes/{i}/{}", what.replace('.', "/"));
            out.push(
                task.finding(
                    ids::FG_VOLUME,
                    entry.key_span,
                    &pointer,
                    format!("{what} volumes are not supported on Fargate"),
                )
                .with_label("not on Fargate")
                .with_help(help),
            );
        }
    }
}

/// A Docker volume plugin that provisions EBS (rexray/ebs and the like): the EC2-era way to
/// attach EBS, which Fargate replaces with volumes configured at launch.
fn docker_ebs_driver(volume: &Node) -> bool {
    volume
        .get("dockerVolumeConfiguration")
        .and_then(|d| d.get("driver"))
        .and_then(Node::as_str)
        .is_some_and(|d| d.to_ascii_lowercase().contains("ebs"))
}

/// FG010: Fargate ships logs with awslogs, splunk or awsfirelens; awslogs needs a stream prefix.
fn logging(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in task.containers() {
        let Some(config) = container.get("logConfiguration") else {
            continue;
        };
        let Some(driver) = config.get("logDriver") else {
            continue;
        };
        let pointer = format!("/containerDefinitions/{i}/logConfiguration/logDriver");
        match driver.as_str() {
            Some("awslogs") => {
                let has_prefix = config
                    .get("options")
                    .and_then(|o| o.get("awslogs-stream-prefix"))
                    .is_some();
                if !has_prefix {
                    out.push(
                        task.finding(
                            ids::FG_LOGGING,
                            driver.span,
                            &pointer,
                            "awslogs on Fargate requires the awslogs-stream-prefix option".into(),
                        )
                        .with_label("no awslogs-stream-prefix")
                        .with_help("add \"awslogs-stream-prefix\": \"ecs\" (or the service name) to options"),
                    );
                }
            }
            Some("splunk" | "awsfirelens") => {}
            _ => out.push(
                task.finding(
                    ids::FG_LOGGING,
                    driver.span,
                    &pointer,
                    format!("log driver {} is not supported on Fargate", shown(driver)),
                )
                .with_label("awslogs, splunk or awsfirelens")
                .with_help("use awslogs, splunk, or awsfirelens (FireLens routes to most other destinations)"),
            ),
        }
    }
}

/// FG011: container start and stop timeouts are 2-120 seconds on Fargate.
fn timeouts(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in task.containers() {
        for field in ["startTimeout", "stopTimeout"] {
            let Some(value) = container.get(field) else { continue };
            let Some(seconds) = value.to_json().as_i64() else {
                continue;
            };
            if !(2..=120).contains(&seconds) {
                out.push(
                    task.finding(
                        ids::FG_TIMEOUT,
                        value.span,
                        &format!("/containerDefinitions/{i}/{field}"),
                        format!("{field} {seconds} is outside the 2-120 seconds Fargate allows"),
                    )
                    .with_label("2-120 s")
                    .with_help(format!("set {field} between 2 and 120 (platform 1.3.0+)")),
                );
            }
        }
    }
}

/// FG012: ephemeral storage on Fargate is 21-200 GiB (20 GiB come with every task).
fn ephemeral_storage(task: &Task<'_>, out: &mut Vec<Finding>) {
    let Some(size) = task.node.get("ephemeralStorage").and_then(|e| e.get("sizeInGiB")) else {
        return;
    };
    let Some(gib) = size.to_json().as_i64() else { return };
    if !(21..=200).contains(&gib) {
        out.push(
            task.finding(
                ids::FG_EPHEMERAL_STORAGE,
                size.span,
                "/ephemeralStorage/sizeInGiB",
                format!("ephemeral storage of {gib} GiB is outside the 21-200 GiB Fargate allows"),
            )
            .with_label("21-200 GiB")
            .with_help(
                "use 21-200 (Linux platform version 1.4.0 or later), or remove ephemeralStorage to get the 20 GiB included in the price",
            ),
        );
    }
}

/// FG013: at most 10 containers in a Fargate task definition.
fn container_count(task: &Task<'_>, out: &mut Vec<Finding>) {
    let Some(entry) = task.node.entry("containerDefinitions") else {
        return;
    };
    let count = entry.value.as_seq().map_or(0, <[Node]>::len);
    if count > 10 {
        out.push(
            task.finding(
                ids::FG_CONTAINER_COUNT,
                entry.key_span,
                "/containerDefinitions",
                format!("{count} containers; a Fargate task definition holds at most 10"),
            )
            .with_label("more than 10 containers")
            .with_help("split the task into services, or merge sidecars"),
        );
    }
}

/// FG014: containers cannot ask for more cpu or memory than the task has.
fn container_sizes(task: &Task<'_>, out: &mut Vec<Finding>) {
    let task_cpu = task
        .node
        .get("cpu")
        .and_then(Node::scalar_text)
        .as_deref()
        .and_then(ecs_cpu);
    let task_memory = task
        .node
        .get("memory")
        .and_then(Node::scalar_text)
        .as_deref()
        .and_then(ecs_memory);
    let mut cpu_sum = 0;
    for (i, container) in task.containers() {
        if let (Some(limit), Some(value)) = (task_cpu, container.get("cpu")) {
            cpu_sum += value.to_json().as_u64().unwrap_or(0);
            if cpu_sum > limit {
                out.push(
                    task.finding(
                        ids::FG_CONTAINER_SIZE,
                        value.span,
                        &format!("/containerDefinitions/{i}/cpu"),
                        format!("containers ask for {cpu_sum} cpu units, more than the task's {limit}"),
                    )
                    .with_label("over the task's cpu")
                    .with_help("lower container cpu values or raise the task cpu"),
                );
                cpu_sum = 0;
            }
        }
        for field in ["memory", "memoryReservation"] {
            let (Some(limit), Some(value)) = (task_memory, container.get(field)) else {
                continue;
            };
            let mib = value.to_json().as_u64().unwrap_or(0);
            if mib > limit {
                out.push(
                    task.finding(
                        ids::FG_CONTAINER_SIZE,
                        value.span,
                        &format!("/containerDefinitions/{i}/{field}"),
                        format!("container {field} {mib} MiB is more than the task's {limit} MiB"),
                    )
                    .with_label("over the task's memory")
                    .with_help("lower it or raise the task memory"),
                );
            }
        }
    }
}

/// FG015: Fargate has no GPUs and no Elastic Inference accelerators.
fn gpus(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in task.containers() {
        let requirements = container
            .get("resourceRequirements")
            .and_then(Node::as_seq)
            .unwrap_or_default();
        for (j, req) in requirements.iter().enumerate() {
            let Some(kind) = req.get("type") else { continue };
            let (message, label, help) = match kind.as_str() {
                Some("GPU") => (
                    "GPUs are not available on Fargate",
                    "no GPUs on Fargate",
                    "run GPU workloads on the EC2 launch type with GPU instances",
                ),
                Some("InferenceAccelerator") => (
                    "Elastic Inference accelerators are not available on Fargate",
                    "no accelerators on Fargate",
                    "remove it; run inference on the EC2 launch type (GPU or Inferentia instances)",
                ),
                _ => continue,
            };
            out.push(
                task.finding(
                    ids::FG_GPU,
                    kind.span,
                    &format!("/containerDefinitions/{i}/resourceRequirements/{j}/type"),
                    message.into(),
                )
                .with_label(label)
                .with_help(help),
            );
        }
    }
}

/// Windows tasks on Fargate run 1, 2 or 4 vCPU (rules/data/fargate-ecs-sizes.yaml, `windows`).
const WINDOWS_MAX_CPU: u64 = 4096;

/// FG016: Windows tasks on Fargate need X86_64 and 1-4 vCPU, and support no EFS, FireLens,
/// ulimits or pidMode.
fn windows(task: &Task<'_>, out: &mut Vec<Finding>) {
    let Some(platform) = task.node.get("runtimePlatform") else {
        return;
    };
    let Some(os) = platform.get("operatingSystemFamily") else {
        return;
    };
    if !os.as_str().unwrap_or_default().starts_with("WINDOWS") {
        return;
    }
    let mut flag = |span: Span, pointer: String, message: String, help: &str| {
        out.push(
            task.finding(ids::FG_WINDOWS, span, &pointer, message)
                .with_label("not with Windows")
                .with_help(help),
        );
    };
    if let Some(arch) = platform.get("cpuArchitecture").filter(|a| a.as_str() == Some("ARM64")) {
        flag(
            arch.span,
            "/runtimePlatform/cpuArchitecture".into(),
            "Windows containers on Fargate run on X86_64 only".into(),
            "set cpuArchitecture to X86_64",
        );
    }
    if let Some(cpu) = task.node.get("cpu") {
        match cpu.scalar_text().as_deref().and_then(ecs_cpu) {
            Some(units) if units < 1024 => flag(
                cpu.span,
                "/cpu".into(),
                "Windows tasks on Fargate need at least 1 vCPU (1024)".into(),
                "use cpu \"1024\" or more",
            ),
            Some(units) if units > WINDOWS_MAX_CPU => flag(
                cpu.span,
                "/cpu".into(),
                format!(
                    "Windows tasks on Fargate have at most 4 vCPU (4096); {} is offered for Linux only",
                    vcpu(units)
                ),
                "use cpu \"4096\" or less, or run the task on the EC2 launch type",
            ),
            _ => {}
        }
    }
    let volumes = task.node.get("volumes").and_then(Node::as_seq).unwrap_or_default();
    for (i, volume) in volumes.iter().enumerate() {
        if let Some(entry) = volume.entry("efsVolumeConfiguration") {
            flag(
                entry.key_span,
                format!("/volumes/{i}/efsVolumeConfiguration"),
                "EFS volumes are not supported for Windows tasks on Fargate".into(),
                "use FSx for Windows File Server on EC2, or a Linux task",
            );
        }
    }
    if let Some(mode) = task.node.get("pidMode").filter(|m| m.as_str() == Some("task")) {
        // Other values are FG008's.
        flag(
            mode.span,
            "/pidMode".into(),
            "pidMode is not supported for Windows tasks on Fargate (task is Linux only)".into(),
            "remove pidMode",
        );
    }
    for (i, container) in task.containers() {
        if let Some(entry) = container.entry("firelensConfiguration") {
            flag(
                entry.key_span,
                format!("/containerDefinitions/{i}/firelensConfiguration"),
                "FireLens is not supported for Windows tasks on Fargate".into(),
                "use the awslogs driver",
            );
        }
        if let Some(entry) = container.entry("ulimits").filter(|e| !is_empty(&e.value)) {
            flag(
                entry.key_span,
                format!("/containerDefinitions/{i}/ulimits"),
                "ulimits are not supported for Windows tasks on Fargate".into(),
                "remove ulimits; Windows containers take their limits from the task size",
            );
        }
    }
}

/// The volume types a task definition volume can have besides `configuredAtLaunch`.
const VOLUME_TYPES: &[&str] = &[
    "dockerVolumeConfiguration",
    "efsVolumeConfiguration",
    "fsxWindowsFileServerVolumeConfiguration",
    "host",
];

/// FG017: an EBS volume reaches a Fargate task only as the one volume `configuredAtLaunch`, whose
/// size and type the service or run-task call supplies.
fn ebs_volumes(task: &Task<'_>, out: &mut Vec<Finding>) {
    let volumes = task.node.get("volumes").and_then(Node::as_seq).unwrap_or_default();
    let mut first: Option<String> = None;
    for (i, volume) in volumes.iter().enumerate() {
        let Some(at_launch) = volume.get("configuredAtLaunch").filter(|v| is_true(v)) else {
            continue;
        };
        let name = volume.get("name").and_then(Node::as_str).unwrap_or("?");
        for kind in VOLUME_TYPES {
            let Some(entry) = volume.entry(kind).filter(|e| !is_empty(&e.value)) else {
                continue;
            };
            out.push(
                task.finding(
                    ids::FG_EBS,
                    entry.key_span,
                    &format!("/volumes/{i}/{kind}"),
                    format!(
                        "volume \"{name}\" is configured at launch and also has {kind}: a volume has exactly one type"
                    ),
                )
                .with_label("configured at launch already")
                .with_help(format!(
                    "remove {kind} (the EBS volume's settings go in the service's volumeConfigurations), or declare a separate volume for it"
                )),
            );
        }
        match &first {
            None => first = Some(name.to_owned()),
            Some(earlier) => out.push(
                task.finding(
                    ids::FG_EBS,
                    at_launch.span,
                    &format!("/volumes/{i}/configuredAtLaunch"),
                    format!(
                        "volume \"{name}\" is a second volume configured at launch (after \"{earlier}\"): a task definition may have only one"
                    ),
                )
                .with_label("second volume configured at launch")
                .with_help(
                    "a Fargate task gets one EBS volume: keep one configuredAtLaunch volume; use EFS or the task's ephemeral storage for the rest",
                ),
            ),
        }
    }
}

fn is_true(node: &Node) -> bool {
    matches!(
        node.kind,
        NodeKind::Scalar {
            value: Scalar::Bool(true),
            ..
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Limits, json};

    fn findings(task_json: &str, rule: &str) -> Vec<Finding> {
        let doc = json(task_json, 0, &Limits::default());
        let mut out = Vec::new();
        if let Some(node) = doc.root.as_ref() {
            let task = Task {
                file: "t.json",
                doc: &doc,
                node,
                prefix: "",
                object: None,
            };
            check(&task, &mut out);
        }
        out.retain(|f| f.rule == rule);
        out
    }

    fn task(extra: &str) -> String {
        format!(
            r#"{{"family": "t", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "1024", "memory": "2048", {extra}}}"#
        )
    }

    fn pointers(found: &[Finding]) -> Vec<&str> {
        found.iter().filter_map(|f| f.pointer.as_deref()).collect()
    }

    #[test]
    fn ebs_volumes_configured_at_launch() {
        let one = task(
            r#""containerDefinitions": [], "volumes": [{"name": "a", "configuredAtLaunch": true}, {"name": "b", "configuredAtLaunch": false}, {"name": "c", "host": {}}]"#,
        );
        assert!(findings(&one, "FG017").is_empty());
        let two = task(
            r#""containerDefinitions": [], "volumes": [{"name": "a", "configuredAtLaunch": true, "host": null}, {"name": "b", "configuredAtLaunch": true, "dockerVolumeConfiguration": {"driver": "local"}}, {"name": "c", "configuredAtLaunch": true}]"#,
        );
        assert_eq!(
            pointers(&findings(&two, "FG017")),
            [
                "/volumes/1/dockerVolumeConfiguration",
                "/volumes/1/configuredAtLaunch",
                "/volumes/2/configuredAtLaunch",
            ]
        );
        // Odd input: not a list, a string "true".
        assert!(findings(&task(r#""volumes": {"a": 1}"#), "FG017").is_empty());
        assert!(
            findings(
                &task(r#""volumes": [{"configuredAtLaunch": "true"}, {"configuredAtLaunch": "true"}]"#),
                "FG017"
            )
            .is_empty()
        );
    }

    #[test]
    fn docker_ebs_plugins_point_to_configured_at_launch() {
        let text = task(
            r#""volumes": [{"name": "a", "dockerVolumeConfiguration": {"driver": "rexray/ebs", "scope": "shared"}}]"#,
        );
        let found = findings(&text, "FG009");
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap_or_default()
                .contains("configuredAtLaunch")
        );
    }

    #[test]
    fn windows_limits() {
        let windows = r#""runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2019_FULL"}"#;
        let text = format!(
            r#"{{"requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "16 vCPU", "memory": "32768", "pidMode": "task", {windows}, "containerDefinitions": [{{"name": "a", "ulimits": [{{"name": "nofile", "softLimit": 1, "hardLimit": 1}}]}}, {{"name": "b", "ulimits": []}}]}}"#
        );
        assert_eq!(
            pointers(&findings(&text, "FG016")),
            ["/cpu", "/pidMode", "/containerDefinitions/0/ulimits"]
        );
        // The same task on Linux: ulimits and pidMode task are fine.
        let linux = text.replace("WINDOWS_SERVER_2019_FULL", "LINUX");
        assert!(findings(&linux, "FG016").is_empty());
        let four = task(&format!(r#"{windows}, "containerDefinitions": []"#)).replace("\"1024\"", "\"4096\"");
        assert!(findings(&four, "FG016").is_empty());
    }

    #[test]
    fn inference_accelerators_and_gpus() {
        let text = task(
            r#""containerDefinitions": [{"name": "a", "resourceRequirements": [{"type": "InferenceAccelerator", "value": "dev1"}, {"type": "GPU", "value": "1"}, {"type": "Other"}, 3]}]"#,
        );
        let found = findings(&text, "FG015");
        assert_eq!(found.len(), 2);
        assert!(found[0].message.contains("Elastic Inference"));
    }

    #[test]
    fn a_bigger_size_names_its_platform_version() {
        let text = task(r#""containerDefinitions": []"#).replace("\"2048\"", "\"40960\"");
        let found = findings(&text, "FG001");
        let help = found[0].help.as_deref().unwrap_or_default();
        assert!(help.contains("platform version 1.4.0"), "{help}");
    }
}
