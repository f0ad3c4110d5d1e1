//! Container definition -> container. ECS `entryPoint` is Kubernetes `command` and ECS
//! `command` is `args`.

use super::Cx;
use super::plan::{CRole, DepFate, Plan, Slot};
use super::task::{Pod, Shared};
use super::{env, health, security};
use crate::convert::cursor::At;
use crate::convert::names::{dns_label, is_iana_port_name};
use crate::convert::references::pull_secret;
use crate::convert::value::{Map, Value};
use crate::convert_map;
use crate::model::quantity::{cpu_quantity, memory_quantity};

pub const CONTAINER_ORDER: &[&str] = &[
    "name",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "env",
    "envFrom",
    "resources",
    "volumeMounts",
    "livenessProbe",
    "securityContext",
    "stdin",
    "tty",
    "restartPolicy",
];

/// Fields ECS sets per container that are one pod field in Kubernetes.
const SHARED: &[&str] = &[
    "systemControls",
    "dnsServers",
    "dnsSearchDomains",
    "extraHosts",
    "stopTimeout",
    "repositoryCredentials",
    "dockerLabels",
];

pub fn convert(cx: &mut Cx<'_>, item: &At<'_>, slot: &Slot, plan: &Plan, pod: &mut Pod) -> Option<Map> {
    let Some(image) = item.get("image").and_then(|i| i.str()) else {
        cx.ledger.dropped(
            item,
            "a container without an image cannot run",
            "add its image and convert again",
        );
        return None;
    };
    let prefix = cx.pod(format!("/{}/{}", slot.list, slot.index));
    let p = |f: &str| format!("{prefix}/{f}");
    let mut m = Map::new();
    m.insert("name", slot.name.clone());
    m.insert("image", image);
    if slot.role == CRole::Sidecar {
        m.insert("restartPolicy", "Always");
    }
    let mut security = Map::new();
    let mut env: Vec<Value> = Vec::new();
    for (key, at) in item.entries() {
        match key {
            "name" => {
                if slot.name == slot.ecs_name {
                    cx.ledger.mapped(&at, p("name"));
                } else {
                    cx.ledger.approx(&at, p("name"), format!("container names are DNS labels: written as {}", slot.name));
                }
            }
            "image" => cx.ledger.mapped(&at, p("image")),
            "essential" => match (at.bool(), slot.role) {
                (Some(false), CRole::Regular) => cx.ledger.approx(
                    &at,
                    prefix.clone(),
                    "Kubernetes has no non-essential containers: a regular container (nothing waits for it to finish, or it waits for the app); its exit does not stop the pod, but the pod's restartPolicy restarts it (a Deployment's: Always, so a one-shot helper runs again); converting back makes it essential",
                ),
                (Some(_), CRole::Regular | CRole::Init) => cx.ledger.mapped(&at, prefix.clone()),
                (Some(_), CRole::Sidecar) => cx.ledger.mapped(&at, p("restartPolicy")),
                (None, _) => cx.ledger.invalid(&at, "a boolean"),
            },
            "entryPoint" => words(cx, &at, &mut m, "command", p("command")),
            "command" => words(cx, &at, &mut m, "args", p("args")),
            "workingDirectory" => match at.str() {
                Some(d) => {
                    m.insert("workingDir", d);
                    cx.ledger.mapped(&at, p("workingDir"));
                }
                None => cx.ledger.invalid(&at, "a path"),
            },
            "environment" => env::environment(cx, &at, &mut env, &prefix),
            "secrets" => env::secrets(cx, &at, &mut env, &prefix),
            "environmentFiles" => env::environment_files(cx, &at, &mut m, &prefix),
            "portMappings" => ports(cx, &at, &mut m, &prefix, slot, pod),
            "cpu" => match at.int().and_then(|c| u64::try_from(c).ok()) {
                Some(units) => {
                    let (q, exact) = cpu_quantity(units);
                    m.map_mut("resources").map_mut("requests").insert("cpu", q);
                    if exact {
                        cx.ledger.mapped(&at, p("resources/requests/cpu"));
                    } else {
                        cx.ledger.approx(
                            &at,
                            p("resources/requests/cpu"),
                            "Kubernetes cpu has millicore precision and 1 core is 1024 units: rounded up",
                        );
                    }
                }
                None => cx.ledger.invalid(&at, "a number of cpu units"),
            },
            "memory" | "memoryReservation" => match at.int().and_then(|c| u64::try_from(c).ok()) {
                Some(mib) => {
                    let section = if key == "memory" { "limits" } else { "requests" };
                    m.map_mut("resources").map_mut(section).insert("memory", memory_quantity(mib));
                    let to = p(&format!("resources/{section}/memory"));
                    if key == "memory" && mib < 6 {
                        cx.ledger.approx(&at, to, "below Docker's 6 MiB minimum: converting back raises it to 6");
                    } else {
                        cx.ledger.mapped(&at, to);
                    }
                }
                None => cx.ledger.invalid(&at, "a number of MiB"),
            },
            "resourceRequirements" => resource_requirements(cx, &at, &mut m, &prefix),
            "mountPoints" => mounts(cx, &at, &mut m, &prefix, pod),
            "volumesFrom" => cx.ledger.dropped(
                &at,
                "Kubernetes has no volumes-from: containers of a pod mount the pod's volumes by name",
                "add volumeMounts for the volumes the other container mounts",
            ),
            "healthCheck" => {
                if let Some(probe) = health::probe(cx, &at, &p("livenessProbe")) {
                    m.insert("livenessProbe", probe);
                }
            }
            "dependsOn" => dependencies(cx, &at, slot, plan),
            "user" => security::user(cx, &at, &mut security, &p("securityContext")),
            "readonlyRootFilesystem" | "privileged" => match at.bool() {
                Some(b) => {
                    let field = if key == "privileged" { "privileged" } else { "readOnlyRootFilesystem" };
                    security.insert(field, b);
                    cx.ledger.mapped(&at, p(&format!("securityContext/{field}")));
                }
                None => cx.ledger.invalid(&at, "a boolean"),
            },
            "linuxParameters" => security::linux(cx, &at, &mut m, &mut security, &prefix, slot, pod),
            "dockerSecurityOptions" => {
                for option in at.items() {
                    if option.str() == Some("no-new-privileges") {
                        security.insert("allowPrivilegeEscalation", false);
                        cx.ledger.mapped(&option, p("securityContext/allowPrivilegeEscalation"));
                    } else {
                        cx.ledger.dropped(
                            &option,
                            "Kubernetes has no raw Docker security options",
                            "use securityContext.seccompProfile, seLinuxOptions or appArmorProfile",
                        );
                    }
                }
                if at.items().is_empty() {
                    cx.ledger.empty(&at);
                }
            }
            k if SHARED.contains(&k) => shared(cx, k, &at, pod),
            "hostname" => {
                pod.spec.insert("hostname", dns_label(at.str().unwrap_or_default()));
                cx.ledger.approx(
                    &at,
                    cx.pod("/hostname"),
                    "the pod's hostname; converting back to an awsvpc task drops it (the network interface names the task)",
                );
            }
            "interactive" | "pseudoTerminal" => match at.bool() {
                Some(b) => {
                    let field = if key == "interactive" { "stdin" } else { "tty" };
                    m.insert(field, b);
                    cx.ledger.mapped(&at, p(field));
                }
                None => cx.ledger.invalid(&at, "a boolean"),
            },
            "logConfiguration" | "firelensConfiguration" => cx.ledger.dropped(
                &at,
                "Kubernetes collects containers' stdout and stderr on the node; there is no per-container log driver",
                "run a log agent on the nodes (aws-for-fluent-bit as a DaemonSet, or the Amazon CloudWatch Observability add-on)",
            ),
            "ulimits" => cx.ledger.dropped(
                &at,
                "Kubernetes has no per-container ulimits",
                "set them in the node's container runtime configuration, or with ulimit in the entrypoint",
            ),
            "disableNetworking" => cx.ledger.dropped(&at, "every container of a pod shares the pod's network", "nothing to convert"),
            "links" => cx.ledger.dropped(
                &at,
                "containers of a pod reach each other on localhost",
                "point the application at localhost:PORT",
            ),
            "startTimeout" => cx.ledger.dropped(
                &at,
                "Kubernetes has no start timeout for container dependencies",
                "use a startupProbe on the container others wait for",
            ),
            "restartPolicy" => cx.ledger.dropped(
                &at,
                "Kubernetes restarts containers by the pod's restartPolicy",
                "nothing to convert: Deployments restart failed containers",
            ),
            "credentialSpecs" | "versionConsistency" => {
                cx.ledger.dropped(&at, format!("Kubernetes has no {key}"), "nothing to convert")
            }
            _ => cx.ledger.unknown(&at, "ContainerDefinition"),
        }
    }
    if !env.is_empty() {
        m.insert("env", env);
    }
    if !security.is_empty() {
        let mut s = security;
        s.sort_by_order(&[
            "runAsUser",
            "runAsGroup",
            "readOnlyRootFilesystem",
            "privileged",
            "allowPrivilegeEscalation",
            "capabilities",
        ]);
        m.insert("securityContext", s);
    }
    m.sort_by_order(CONTAINER_ORDER);
    Some(m)
}

fn words(cx: &mut Cx<'_>, at: &At<'_>, m: &mut Map, field: &str, to: String) {
    match at.strings() {
        Some(list) => {
            m.insert(field, list);
            cx.ledger.mapped(at, to);
        }
        None => cx.ledger.invalid(at, "a list of strings"),
    }
}

fn ports(cx: &mut Cx<'_>, at: &At<'_>, m: &mut Map, prefix: &str, slot: &Slot, pod: &mut Pod) {
    if at.items().is_empty() {
        cx.ledger.empty(at);
    }
    let awsvpc_like = !matches!(pod.network_mode.as_deref(), Some("bridge") | None);
    for item in at.items() {
        let Some(port) = item.get("containerPort").and_then(|p| p.int()) else {
            cx.ledger.invalid(&item, "a port mapping with a containerPort");
            continue;
        };
        let j = m.get("ports").and_then(Value::as_list).map_or(0, <[Value]>::len);
        let to = |f: &str| format!("{prefix}/ports/{j}/{f}");
        let mut out = convert_map! {"containerPort" => port};
        let mut name = None;
        let mut protocol = "TCP".to_owned();
        let mut app = None;
        for (key, field) in item.entries() {
            match key {
                "containerPort" => cx.ledger.mapped(&field, to("containerPort")),
                "protocol" => match field.str() {
                    Some(p @ ("tcp" | "udp")) => {
                        protocol = p.to_ascii_uppercase();
                        out.insert("protocol", protocol.clone());
                        cx.ledger.mapped(&field, to("protocol"));
                    }
                    _ => cx.ledger.invalid(&field, "tcp or udp"),
                },
                "name" => match field.str() {
                    Some(n) if is_iana_port_name(n) => {
                        out.insert("name", n);
                        name = Some(n.to_owned());
                        cx.ledger.mapped(&field, to("name"));
                    }
                    _ => cx.ledger.dropped(
                        &field,
                        "Kubernetes port names are at most 15 lowercase letters, digits and -",
                        "name the port in the Service instead",
                    ),
                },
                "hostPort" => match field.int() {
                    // awsvpc requires the host port to equal the container port: the pod's port
                    // is the same thing, and converting back leaves it to ECS to fill in.
                    Some(h) if awsvpc_like && h == port => cx.ledger.mapped(&field, to("containerPort")),
                    Some(h) if h != 0 && !awsvpc_like => {
                        out.insert("hostPort", h);
                        cx.ledger.approx(
                            &field,
                            to("hostPort"),
                            "a static bridge host port binds the node's port, as a Kubernetes hostPort does; pods have their own IP, so it is rarely needed",
                        );
                    }
                    _ => cx.ledger.dropped(
                        &field,
                        "the pod has its own IP address: its port needs no host port (a Kubernetes hostPort would bind one on the node)",
                        "nothing to do",
                    ),
                },
                "appProtocol" => {
                    app = field.str().map(|a| match a {
                        "http2" => "kubernetes.io/h2c".to_owned(),
                        other => other.to_owned(),
                    });
                    cx.ledger.approx(&field, "Service#/spec/ports", "Kubernetes sets the application protocol on the Service port");
                }
                "containerPortRange" => cx.ledger.dropped(
                    &field,
                    "Kubernetes declares ports one at a time",
                    "list the ports the container uses",
                ),
                _ => cx.ledger.unknown(&field, "PortMapping"),
            }
        }
        out.sort_by_order(&["name", "containerPort", "hostPort", "protocol"]);
        m.list_mut("ports").push(Value::Map(out));
        if slot.role != CRole::Init {
            pod.ports.push((name, port, protocol, app));
        }
    }
}

fn resource_requirements(cx: &mut Cx<'_>, at: &At<'_>, m: &mut Map, prefix: &str) {
    for item in at.items() {
        match (
            item.get("type").and_then(|t| t.str()),
            item.get("value").and_then(|v| v.text()),
        ) {
            (Some("GPU"), Some(n)) if n.parse::<u32>().is_ok() => {
                m.map_mut("resources").map_mut("limits").insert("nvidia.com/gpu", n);
                cx.ledger
                    .mapped(&item, format!("{prefix}/resources/limits/nvidia.com~1gpu"));
            }
            _ => cx.ledger.dropped(
                &item,
                "only GPU requirements have a Kubernetes counterpart (nvidia.com/gpu)",
                "nothing to convert",
            ),
        }
    }
}

fn mounts(cx: &mut Cx<'_>, at: &At<'_>, m: &mut Map, prefix: &str, pod: &Pod) {
    if at.items().is_empty() {
        cx.ledger.empty(at);
    }
    for item in at.items() {
        let source = item.get("sourceVolume").and_then(|s| s.str()).unwrap_or_default();
        let Some(path) = item.get("containerPath").and_then(|p| p.str()) else {
            cx.ledger.invalid(&item, "a mount point with a containerPath");
            continue;
        };
        let Some(volume) = pod.volume_names.get(source) else {
            let why = pod
                .dropped_volumes
                .get(source)
                .cloned()
                .unwrap_or_else(|| "no such volume".into());
            cx.ledger
                .dropped(&item, format!("mounts {source:?}: {why}"), "see the volume's note");
            continue;
        };
        let j = m.get("volumeMounts").and_then(Value::as_list).map_or(0, <[Value]>::len);
        let mut mount = convert_map! {"name" => volume.clone(), "mountPath" => path};
        let unmapped = pod.unmapped_volumes.contains(source);
        if unmapped {
            cx.ledger.approx(
                &item,
                format!("{prefix}/volumeMounts/{j}"),
                "mounts an EFS volume --efs does not name: converting back drops it",
            );
        }
        for (key, field) in item.entries() {
            // Without --efs the mount as a whole is approximated, but read-only must hold.
            if unmapped && key != "readOnly" {
                continue;
            }
            match key {
                "sourceVolume" if volume == source => {
                    cx.ledger.mapped(&field, format!("{prefix}/volumeMounts/{j}/name"))
                }
                "sourceVolume" => cx.ledger.approx(
                    &field,
                    format!("{prefix}/volumeMounts/{j}/name"),
                    format!("volume names are DNS labels: {volume}"),
                ),
                "containerPath" => cx.ledger.mapped(&field, format!("{prefix}/volumeMounts/{j}/mountPath")),
                "readOnly" => match field.bool() {
                    Some(b) => {
                        mount.insert("readOnly", b);
                        cx.ledger.mapped(&field, format!("{prefix}/volumeMounts/{j}/readOnly"));
                    }
                    None => cx.ledger.invalid(&field, "a boolean"),
                },
                _ => cx.ledger.unknown(&field, "MountPoint"),
            }
        }
        m.list_mut("volumeMounts").push(Value::Map(mount));
    }
}

fn dependencies(cx: &mut Cx<'_>, at: &At<'_>, slot: &Slot, plan: &Plan) {
    if at.items().is_empty() {
        cx.ledger.empty(at);
    }
    for item in at.items() {
        let on = item.get("containerName").and_then(|n| n.str()).unwrap_or_default();
        let condition = item.get("condition").and_then(|c| c.str()).unwrap_or_default();
        match plan.dependency(slot, on, condition) {
            DepFate::Kept => cx.ledger.mapped(&item, cx.pod(format!("/{}", slot.list))),
            DepFate::Implied => cx.ledger.approx(
                &item,
                cx.pod("/initContainers"),
                format!("implied by the start order: init containers and sidecars start one after the other, before the containers ({on} {condition})"),
            ),
            DepFate::Lost => cx.ledger.dropped(
                &item,
                format!("Kubernetes orders only init containers and sidecars: waiting for {on} ({condition}) has no counterpart"),
                "make the container wait in its entrypoint, or make the other an init container",
            ),
        }
    }
}

/// A per-container field collected for the pod; see task::shared.
fn shared(cx: &mut Cx<'_>, key: &str, at: &At<'_>, pod: &mut Pod) {
    let field: &'static str = SHARED.iter().find(|s| **s == key).copied().unwrap_or("");
    let value = match field {
        "repositoryCredentials" => {
            let Some(arn) = at.get("credentialsParameter").and_then(|c| c.text()) else {
                cx.ledger.invalid(at, "credentials with a credentialsParameter");
                return;
            };
            let (name, exact) = pull_secret(cx.opts, &arn);
            if !exact {
                if let Some(param) = at.get("credentialsParameter") {
                    cx.ledger.approx(
                        &param,
                        cx.pod("/imagePullSecrets"),
                        format!("the ARN does not follow --pull-secret-arn with this region and account: read as Secret {name}"),
                    );
                }
            }
            cx.ledger.added(
                cx.pod("/imagePullSecrets"),
                format!("create the docker-registry Secret {name} with the credentials stored at {arn}"),
            );
            serde_json::Value::String(name)
        }
        "dockerLabels" => {
            labels(cx, at, pod);
            return;
        }
        _ => at.node.to_json(),
    };
    pod.shared.entry(field).or_default().push(Shared {
        path: at.path.clone(),
        offset: at.offset(),
        value,
        items: Vec::new(),
    });
}

/// Docker labels, collected with their places: task::shared decides once all are known.
fn labels(cx: &mut Cx<'_>, at: &At<'_>, pod: &mut Pod) {
    let mut items = Vec::new();
    for (k, v) in at.entries() {
        match v.str() {
            Some(text) => items.push((k.to_owned(), text.to_owned(), v.path.clone(), v.offset())),
            None => cx.ledger.invalid(&v, "a string"),
        }
    }
    pod.shared.entry("dockerLabels").or_default().push(Shared {
        path: at.path.clone(),
        offset: at.offset(),
        value: at.node.to_json(),
        items,
    });
}
