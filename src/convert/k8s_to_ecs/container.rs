//! Container -> container definition. Kubernetes `command` is the image's ENTRYPOINT and
//! `args` its CMD: in ECS those are `entryPoint` and `command`.

use super::task::{CRole, Container};
use super::{Cx, env, probes, resources, security, td, volumes};
use crate::convert::cursor::At;
use crate::convert::names::is_iana_port_name;
use crate::convert::value::{Map, Value};

pub fn convert(
    cx: &mut Cx<'_, '_>,
    item: &At<'_>,
    role: CRole,
    index: usize,
    mounts: &volumes::Mounts,
    pod_user: (Option<i64>, Option<i64>),
) -> Option<Container> {
    let Some(image) = item.get("image").and_then(|i| i.str()) else {
        cx.ledger.dropped(
            item,
            "a container without an image cannot run",
            "add its image (k2e lint reports the missing field) and convert again",
        );
        return None;
    };
    // Kubernetes requires a name too, but one can be made up without changing what runs.
    let made_up = format!("container-{index}");
    let name = match item.get("name").and_then(|n| n.str()) {
        Some(n) => n,
        None => {
            cx.ledger.added(
                td(format!("/containerDefinitions/{index}/name")),
                format!("the container has no name (Kubernetes rejects that): named {made_up}"),
            );
            &made_up
        }
    };
    let p = |field: &str| td(format!("/containerDefinitions/{index}/{field}"));
    let mut c = Container::new(name, role);
    c.map.insert("name", name);
    c.map.insert("image", image);
    let env_plan = env::plan(cx, item);
    for (key, at) in item.entries() {
        match key {
            "name" => cx.ledger.mapped(&at, p("name")),
            "image" => cx.ledger.mapped(&at, p("image")),
            "command" => words(cx, &at, &mut c.map, "entryPoint", p("entryPoint")),
            "args" => words(cx, &at, &mut c.map, "command", p("command")),
            "workingDir" => match at.str() {
                Some(dir) => {
                    c.map.insert("workingDirectory", dir);
                    cx.ledger.mapped(&at, p("workingDirectory"));
                }
                None => cx.ledger.invalid(&at, "a path"),
            },
            "env" => env::env(cx, &at, &mut c, index, &env_plan),
            "envFrom" => env::env_from(cx, &at, &mut c, index, &env_plan),
            "ports" => ports(cx, &at, &mut c, index),
            "resources" => resources::container(cx, &at, &mut c, index),
            "volumeMounts" => volumes::mount_points(cx, &at, &mut c, index, mounts),
            "livenessProbe" | "readinessProbe" | "startupProbe" => {}
            "securityContext" => security::container(cx, &at, &mut c, index, pod_user),
            "lifecycle" => cx.ledger.dropped(
                &at,
                "ECS has no lifecycle hooks",
                "run postStart work in the entrypoint; for preStop, handle SIGTERM (ECS sends it, then SIGKILL after stopTimeout)",
            ),
            "terminationMessagePath" | "terminationMessagePolicy" => cx.ledger.dropped(
                &at,
                "ECS has no termination message file",
                "ECS records the exit code and a stop reason; write details to the logs",
            ),
            "imagePullPolicy" => match at.str() {
                Some("Always") if cx.fargate() => {
                    cx.ledger.approx(&at, p("image"), "Fargate pulls the image for every task: same as Always")
                }
                _ => cx.ledger.dropped(
                    &at,
                    "ECS has no per-container pull policy",
                    if cx.fargate() {
                        "nothing to do: Fargate pulls the image for every task"
                    } else {
                        "set ECS_IMAGE_PULL_BEHAVIOR in the container instances' agent configuration"
                    },
                ),
            },
            "stdin" => flag(cx, &at, &mut c.map, "interactive", p("interactive")),
            "tty" => flag(cx, &at, &mut c.map, "pseudoTerminal", p("pseudoTerminal")),
            "stdinOnce" => cx.ledger.dropped(&at, "ECS has no attach-once standard input", "nothing to convert"),
            "restartPolicy" => match (role, at.str()) {
                (CRole::Sidecar, Some("Always")) => cx.ledger.mapped(&at, p("essential")),
                _ => cx.ledger.dropped(
                    &at,
                    "only restartPolicy: Always on an init container (a sidecar) has an ECS counterpart",
                    "nothing to convert",
                ),
            },
            "resizePolicy" | "restartPolicyRules" => cx.ledger.dropped(
                &at,
                "ECS does not resize or restart containers by rule",
                "nothing to convert",
            ),
            "volumeDevices" => cx.ledger.dropped(
                &at,
                "ECS has no raw block devices from claims",
                "use a file system volume (EFS, or EBS configured at launch)",
            ),
            _ => cx.ledger.unknown(&at, "Container"),
        }
    }
    probes::convert(cx, item, &mut c, index);
    Some(c)
}

/// `command`/`args`: lists of strings. Kubernetes expands `$(VAR)` in them; ECS does not.
fn words(cx: &mut Cx<'_, '_>, at: &At<'_>, map: &mut Map, field: &str, to: String) {
    let Some(list) = at.strings() else {
        cx.ledger.invalid(at, "a list of strings");
        return;
    };
    if list.iter().any(|w| has_reference(w)) {
        cx.ledger.approx(
            at,
            to,
            "ECS does not expand $(VAR) references: they reach the process as written; run it through a shell (sh -c '... ${VAR}') if it needs them",
        );
    } else {
        cx.ledger.mapped(at, to);
    }
    map.insert(field, list);
}

/// A `$(NAME)` that Kubernetes would replace (`$$(NAME)` is an escape).
pub fn has_reference(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len())
        .any(|i| b[i] == b'$' && b.get(i + 1) == Some(&b'(') && (i == 0 || b[i - 1] != b'$') && s[i..].contains(')'))
}

fn flag(cx: &mut Cx<'_, '_>, at: &At<'_>, map: &mut Map, field: &str, to: String) {
    match at.bool() {
        Some(b) => {
            map.insert(field, b);
            cx.ledger.mapped(at, to);
        }
        None => cx.ledger.invalid(at, "a boolean"),
    }
}

fn ports(cx: &mut Cx<'_, '_>, at: &At<'_>, c: &mut Container, index: usize) {
    if !at.is_seq() {
        cx.ledger.invalid(at, "a list of ports");
        return;
    }
    let mut mappings = Vec::new();
    for item in at.items() {
        let j = mappings.len();
        let p = |field: &str| td(format!("/containerDefinitions/{index}/portMappings/{j}/{field}"));
        let Some(port) = item
            .get("containerPort")
            .and_then(|p| p.int())
            .filter(|p| (1..=65535).contains(p))
        else {
            cx.ledger.invalid(&item, "a port with a containerPort of 1-65535");
            continue;
        };
        if let Some(name) = item.get("name").and_then(|n| n.str()) {
            c.named_ports.push((name.to_owned(), port));
        }
        let protocol = match item.get("protocol").map(|p| p.str()) {
            None | Some(Some("TCP")) => "tcp",
            Some(Some("UDP")) => "udp",
            Some(Some("SCTP")) => {
                cx.ledger.dropped(
                    &item,
                    "ECS port mappings are TCP or UDP",
                    "nothing to convert: ECS cannot expose SCTP",
                );
                continue;
            }
            Some(_) => {
                cx.ledger.invalid(&item, "a port with protocol TCP, UDP or SCTP");
                continue;
            }
        };
        if !cx.ports.insert((port, protocol.to_owned())) {
            cx.ledger.dropped(
                &item,
                format!("another container already maps {port}/{protocol}: the containers of a task share one network interface"),
                "keep the port on one container",
            );
            continue;
        }
        let mut m = Map::new();
        m.insert("containerPort", port);
        for (key, field) in item.entries() {
            match key {
                "containerPort" => cx.ledger.mapped(&field, p("containerPort")),
                "protocol" => cx.ledger.mapped(&field, p("protocol")),
                "name" => {
                    let name = field.str().unwrap_or_default();
                    if is_iana_port_name(name) && cx.port_names.insert(name.to_owned()) {
                        m.insert("name", name);
                        cx.ledger.mapped(&field, p("name"));
                    } else {
                        cx.ledger.dropped(
                            &field,
                            "not a valid port name, or a name another container's port already has (ECS port names are unique in a task)",
                            "rename the port",
                        );
                    }
                }
                "hostPort" => match field.int() {
                    Some(h) if h == port => {
                        m.insert("hostPort", h);
                        cx.ledger.approx(
                            &field,
                            p("hostPort"),
                            "with awsvpc the task has its own network interface: the port is the task's, no node port is bound; converting back leaves hostPort out",
                        );
                    }
                    _ => cx.ledger.dropped(
                        &field,
                        "with awsvpc networking the host port must equal the container port",
                        "reach the task on its container port (the task has its own IP address)",
                    ),
                },
                "hostIP" => cx.ledger.dropped(
                    &field,
                    "ECS binds ports on the task's own interface",
                    "nothing to convert",
                ),
                _ => cx.ledger.unknown(&field, "ContainerPort"),
            }
        }
        m.insert("protocol", protocol);
        m.sort_by_order(&["containerPort", "hostPort", "protocol", "name"]);
        mappings.push(Value::Map(m));
    }
    if at.items().is_empty() {
        cx.ledger.empty(at);
    }
    c.map.insert_some("portMappings", mappings);
}

#[cfg(test)]
mod tests {
    #[test]
    fn references() {
        assert!(super::has_reference("--port=$(PORT)"));
        assert!(!super::has_reference("$$(PORT)"));
        assert!(!super::has_reference("${PORT}"));
        assert!(!super::has_reference("$(unclosed"));
    }
}
