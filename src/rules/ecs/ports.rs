//! ECS017: two port mappings that claim the same host port, or share a name.
//!
//! With awsvpc and host networking every containerPort is also the port on the task's network
//! interface or on the instance, so the whole task shares one port space; with bridge only static
//! hostPorts do (0 or none asks Docker for a free one).

use super::{Task, containers, describe, finding, int, items};
use crate::finding::Finding;
use crate::finding::ids::ECS_DUPLICATE_PORT;
use crate::parse::Node;

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    host_ports(task, out);
    mapping_names(task, out);
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
    fn duplicate_mapping_names() {
        let text = r#"{"family": "f", "networkMode": "awsvpc", "containerDefinitions": [
  {"name": "a", "image": "a:1", "portMappings": [{"name": "http", "containerPort": 80}]},
  {"name": "b", "image": "b:1", "portMappings": [{"name": "http", "containerPort": 8080}]}
]}"#;
        assert_eq!(at(&run(check, text)), ["3:59"]);
    }
}
