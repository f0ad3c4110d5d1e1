//! ECS017: two port mappings that claim the same host port, or share a name. ECS021: a hostPort
//! other than its containerPort under awsvpc, which register-task-definition refuses on every
//! launch type.
//!
//! With awsvpc and host networking every containerPort is also the port on the task's network
//! interface or on the instance, so the whole task shares one port space; with bridge only static
//! hostPorts do (0 or none asks Docker for a free one).

use super::{Task, containers, describe, finding, int, items};
use crate::finding::Finding;
use crate::finding::ids::{ECS_AWSVPC_HOST_PORT, ECS_DUPLICATE_PORT};
use crate::parse::Node;

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    host_ports(task, out);
    mapping_names(task, out);
    if reports_awsvpc_host_ports(task) {
        awsvpc_host_ports(task, out);
    }
}

/// Whether ECS021 speaks for this task: it says awsvpc, and is not a Fargate task, whose
/// hostPorts FG004 checks (with or without the network mode Fargate forces), so that one
/// mismatch is reported once.
pub(in crate::rules) fn reports_awsvpc_host_ports(task: &Task<'_>) -> bool {
    task.node.get("networkMode").and_then(Node::as_str) == Some("awsvpc") && !super::requires(task, "FARGATE")
}

fn awsvpc_host_ports(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in containers(task) {
        for (j, mapping) in items(container.get("portMappings")).iter().enumerate() {
            let (Some(host), Some(port)) = (mapping.get("hostPort"), mapping.get("containerPort")) else {
                continue;
            };
            let (Some(host_port), Some(container_port)) = (int(host), int(port)) else {
                continue;
            };
            if host_port == container_port || host_port == 0 {
                continue;
            }
            out.push(
                finding(
                    task,
                    ECS_AWSVPC_HOST_PORT,
                    host.span,
                    &format!("/containerDefinitions/{i}/portMappings/{j}/hostPort"),
                    format!(
                        "hostPort {host_port} differs from containerPort {container_port} of {}: \"When networkMode=awsvpc, the host ports and container ports in port mappings must match.\"",
                        describe(i, container)
                    ),
                )
                .with_label("must equal containerPort")
                .with_help("remove hostPort (it defaults to the containerPort), or set it to the containerPort"),
            );
        }
    }
}

fn host_ports(task: &Task<'_>, out: &mut Vec<Finding>) {
    let mode = task.node.get("networkMode").and_then(Node::as_str);
    let shared = match mode {
        Some("awsvpc" | "host") => true,
        Some("bridge") | None => false,
        Some(_) => return,
    };
    // (port, protocol) -> the container and value that took it first.
    let mut taken: Vec<((i64, String), String, &Node)> = Vec::new();
    for (i, container) in containers(task) {
        for (j, mapping) in items(container.get("portMappings")).iter().enumerate() {
            let field = if shared { "containerPort" } else { "hostPort" };
            let Some(value) = mapping.get(field) else { continue };
            let Some(port) = int(value).filter(|p| *p > 0) else {
                continue;
            };
            let protocol = match mapping.get("protocol") {
                None => "tcp".to_owned(),
                Some(p) => match p.as_str() {
                    Some(p) => p.to_ascii_lowercase(),
                    None => continue,
                },
            };
            let key = (port, protocol);
            if let Some((_, owner, first)) = taken.iter().find(|(k, _, _)| *k == key) {
                let here = describe(i, container);
                let whom = if *owner == here {
                    format!("{here} maps it twice")
                } else {
                    format!("{owner} and {here} both map it")
                };
                let protocol = key.1.to_ascii_uppercase();
                out.push(
                    finding(
                        task,
                        ECS_DUPLICATE_PORT,
                        value.span,
                        &format!("/containerDefinitions/{i}/portMappings/{j}/{field}"),
                        format!("{protocol} host port '{port}' is mapped multiple times in task: {whom}"),
                    )
                    .with_label("port already mapped")
                    .with_related(task.doc, first.span, "first mapped here")
                    .with_help(if shared {
                        "containers of one task share its network namespace: give each listener its own port, or drop \
                         the duplicate mapping"
                    } else {
                        "use another hostPort, or 0 for a dynamic host port"
                    }),
                );
            } else {
                taken.push((key, describe(i, container), value));
            }
        }
    }
}

fn mapping_names(task: &Task<'_>, out: &mut Vec<Finding>) {
    let mut seen: Vec<(&str, &Node)> = Vec::new();
    for (i, container) in containers(task) {
        for (j, mapping) in items(container.get("portMappings")).iter().enumerate() {
            let Some(value) = mapping.get("name") else { continue };
            let Some(n) = value.as_str() else { continue };
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == n) {
                out.push(
                    finding(
                        task,
                        ECS_DUPLICATE_PORT,
                        value.span,
                        &format!("/containerDefinitions/{i}/portMappings/{j}/name"),
                        format!(
                            "port mapping name {n:?} is used twice: Service Connect and VPC Lattice pick a port mapping \
                             by this name (portName), so it must be unique in the task definition"
                        ),
                    )
                    .with_label("duplicate port mapping name")
                    .with_related(task.doc, first.span, "first used here")
                    .with_help("give each port mapping its own name, e.g. \"<container>-<port>-<protocol>\""),
                );
            } else {
                seen.push((n, value));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, run};
    use super::check;

    #[test]
    fn awsvpc_shares_container_ports() {
        let text = r#"{"family": "f", "networkMode": "awsvpc", "containerDefinitions": [
  {"name": "a", "image": "a:1", "portMappings": [{"containerPort": 80}, {"containerPort": 53, "protocol": "udp"}]},
  {"name": "b", "image": "b:1", "portMappings": [{"containerPort": 80, "protocol": "tcp"}, {"containerPort": 53}]},
  {"name": "c", "image": "c:1", "portMappings": [{"containerPort": 9000}, {"containerPort": 9000}]}
]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["3:68", "4:93"]);
        assert_eq!(
            found[0].message,
            "TCP host port '80' is mapped multiple times in task: container \"a\" and container \"b\" both map it"
        );
        assert!(found[1].message.ends_with("container \"c\" maps it twice"));
    }

    #[test]
    fn bridge_compares_static_host_ports_only() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "a", "image": "a:1", "portMappings": [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 81}]},
  {"name": "b", "image": "b:1", "portMappings": [{"containerPort": 80, "hostPort": 0}, {"containerPort": 81}]},
  {"name": "c", "image": "c:1", "portMappings": [{"containerPort": 90, "hostPort": 8080}]}
]}"#;
        assert_eq!(at(&run(check, text)), ["4:84"]);
        let none = text.replace(r#""family": "f","#, r#""family": "f", "networkMode": "none","#);
        assert!(run(check, &none).is_empty());
    }

    #[test]
    fn awsvpc_host_ports_on_ec2_and_external() {
        let text = r#"{"family": "f", "networkMode": "awsvpc", "containerDefinitions": [
  {"name": "a", "image": "a:1", "portMappings": [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 81, "hostPort": 81}]},
  {"name": "b", "image": "b:1", "portMappings": [{"containerPort": 90, "hostPort": 0}, {"containerPort": 91}]}
]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["2:84"]);
        assert!(
            found[0]
                .message
                .starts_with("hostPort 8080 differs from containerPort 80 of container \"a\"")
        );
        // Fargate tasks are FG004's; bridge maps host ports freely.
        let fargate = text.replace(
            r#""family": "f","#,
            r#""family": "f", "requiresCompatibilities": ["FARGATE"],"#,
        );
        assert!(run(check, &fargate).is_empty());
        let bridge = text.replace("awsvpc", "bridge");
        assert!(run(check, &bridge).is_empty());
    }

    #[test]
    fn duplicate_mapping_names() {
        let text = r#"{"family": "f", "networkMode": "awsvpc", "containerDefinitions": [
  {"name": "a", "image": "a:1", "portMappings": [{"name": "http", "containerPort": 80}]},
  {"name": "b", "image": "b:1", "portMappings": [{"name": "http", "containerPort": 8080}]}
]}"#;
        assert_eq!(at(&run(check, text)), ["3:59"]);
    }
}
