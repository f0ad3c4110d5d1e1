//! K8S021 port numbers out of range, K8S022 nodePort problems, K8S023 port names, K8S024
//! duplicate port definitions in a pod, and the duplicates the API server rejects (K8S026).

use super::names::label_problem;
use super::{Pod, as_int, container_name, is_placeholder};
use crate::finding::Finding;
use crate::finding::ids::{K8S_DUPLICATE_NAME, K8S_DUPLICATE_PORT, NODE_PORT, PORT_NAME, PORT_RANGE};
use crate::model::k8s::ContainerRef;
use crate::parse::{Entry, Node, Span};
use crate::rules::fargate_eks::Check;

/// The default `--service-node-port-range` of kube-apiserver (EKS does not let it be changed).
const NODE_PORTS: std::ops::RangeInclusive<i64> = 30000..=32767;

const PROBES: &[&str] = &["livenessProbe", "readinessProbe", "startupProbe"];
const HANDLERS: &[&str] = &["postStart", "preStop"];

pub(super) fn pod(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    // containerPort/protocol/hostIP/hostPort of every port seen so far, for the duplicate warning.
    let mut seen: Vec<(String, Span, String)> = Vec::new();
    // Port names across the pod: Services and probes resolve a name to the first container's port.
    let mut names: Vec<(String, Span, String)> = Vec::new();
    for c in &pod.containers {
        let ports = c.node.get("ports").and_then(Node::as_seq).unwrap_or_default();
        let mut own_names: Vec<(&str, Span)> = Vec::new();
        for (j, port) in ports.iter().enumerate() {
            let at = format!("{}/ports/{j}", c.pointer);
            if let Some(e) = port.entry("containerPort") {
                number(check, e, &format!("{at}/containerPort"), false, out);
            }
            if let Some(e) = port.entry("hostPort") {
                number(check, e, &format!("{at}/hostPort"), true, out);
            }
            if let Some(e) = port.entry("name") {
                port_name(check, c, j, e, &mut own_names, &mut names, out);
            }
            if let Some(key) = port_key(port) {
                let Some(anchor) = port.entry("containerPort").map(|e| e.value.span) else {
                    continue;
                };
                if let Some((_, first, first_at)) = seen.iter().find(|(k, _, _)| *k == key) {
                    out.push(
                        check
                            .finding(
                                K8S_DUPLICATE_PORT,
                                anchor,
                                &format!("{at}/containerPort"),
                                format!("{}: duplicate port definition with {first_at}", field_path(&at)),
                            )
                            .with_label("duplicate port")
                            .with_related(check.doc, *first, "first defined here")
                            .with_help(
                                "remove one of the two entries: kubectl apply merges container ports by containerPort and protocol, so one of them can be silently dropped",
                            ),
                    );
                } else {
                    seen.push((key, anchor, field_path(&at)));
                }
            }
        }
        for probe in PROBES {
            if let Some(p) = c.node.get(probe) {
                handler_ports(check, p, &format!("{}/{probe}", c.pointer), out);
            }
        }
        if let Some(lifecycle) = c.node.get("lifecycle") {
            for h in HANDLERS {
                if let Some(handler) = lifecycle.get(h) {
                    handler_ports(check, handler, &format!("{}/lifecycle/{h}", c.pointer), out);
                }
            }
        }
    }
}

/// A container port's name: valid, unique in its container (K8S026), and not used by another
/// container (K8S024).
fn port_name<'a>(
    check: &Check<'_>,
    c: &ContainerRef<'_>,
    j: usize,
    e: &'a Entry,
    own_names: &mut Vec<(&'a str, Span)>,
    names: &mut Vec<(String, Span, String)>,
    out: &mut Vec<Finding>,
) {
    let Some(name) = e.value.as_str().filter(|n| !n.is_empty()) else {
        return;
    };
    let pointer = format!("{}/ports/{j}/name", c.pointer);
    if !iana_name(check, e, &pointer, "name", out) {
        return;
    }
    if let Some((_, first)) = own_names.iter().find(|(n, _)| *n == name) {
        out.push(
            check
                .finding(
                    K8S_DUPLICATE_NAME,
                    e.value.span,
                    &pointer,
                    format!(
                        "ports[{j}].name: Duplicate value: \"{name}\" (container \"{}\")",
                        container_name(c)
                    ),
                )
                .with_label("duplicate port name")
                .with_related(check.doc, *first, "first used here")
                .with_help("give each port of a container its own name"),
        );
        return;
    }
    own_names.push((name, e.value.span));
    // Two containers with one name are K8S026's: do not report their ports too.
    let this = container_name(c);
    match names.iter().find(|(n, _, other)| n == name && other != this) {
        Some((_, first, other)) => out.push(
            check
                .finding(
                    K8S_DUPLICATE_PORT,
                    e.value.span,
                    &pointer,
                    format!("port name \"{name}\" of container \"{this}\" is also used by container \"{other}\""),
                )
                .with_label("port name used twice")
                .with_related(check.doc, *first, "first used here")
                .with_help(
                    "give the ports different names: a Service targetPort or probe port by name resolves to the first container's port only",
                ),
        ),
        None => names.push((name.to_owned(), e.value.span, this.to_owned())),
    }
}

/// `spec.template.spec.containers[0].ports[1]` from a JSON pointer, as the API server writes it.
pub(super) fn field_path(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.trim_start_matches('/').split('/') {
        if seg.chars().all(|c| c.is_ascii_digit()) && !seg.is_empty() {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
    }
    out
}

/// containerPort/protocol/hostIP/hostPort, protocol defaulted to TCP as the API server does.
fn port_key(port: &Node) -> Option<String> {
    let number = as_int(port.get("containerPort")?)?;
    let protocol = port
        .get("protocol")
        .and_then(Node::as_str)
        .filter(|p| !p.is_empty())
        .unwrap_or("TCP");
    let host_ip = port.get("hostIP").and_then(Node::as_str).unwrap_or("");
    let host_port = port.get("hostPort").and_then(as_int).unwrap_or(0);
    Some(format!("{number}/{protocol}/{host_ip}/{host_port}"))
}

/// Ports of a probe or lifecycle handler: httpGet and tcpSocket take a number or a port name,
/// grpc a number.
fn handler_ports(check: &Check<'_>, handler: &Node, at: &str, out: &mut Vec<Finding>) {
    for action in ["httpGet", "tcpSocket", "grpc"] {
        let Some(e) = handler.get(action).and_then(|a| a.entry("port")) else {
            continue;
        };
        let pointer = format!("{at}/{action}/port");
        if e.value.as_str().is_some() && action != "grpc" {
            port_name_or_number(check, e, &pointer, out);
        } else {
            number(check, e, &pointer, false, out);
        }
    }
}

/// K8S021: an integer port outside 1-65535 (0 allowed where it means "not set").
fn number(check: &Check<'_>, e: &Entry, pointer: &str, zero_ok: bool, out: &mut Vec<Finding>) {
    let Some(n) = as_int(&e.value) else {
        return;
    };
    if (1..=65535).contains(&n) || (zero_ok && n == 0) {
        return;
    }
    out.push(
        check
            .finding(
                PORT_RANGE,
                e.value.span,
                pointer,
                format!("{}: Invalid value: {n}: must be between 1 and 65535, inclusive", e.key),
            )
            .with_label("not a port number")
            .with_help(if zero_ok {
                format!("use a port between 1 and 65535, or remove {} (0 means none)", e.key)
            } else {
                "use a port between 1 and 65535".to_owned()
            }),
    );
}

/// An IntOrString port: a number in range, or an IANA service name. `"8080"` in quotes is a
/// string, and a string must be a name.
fn port_name_or_number(check: &Check<'_>, e: &Entry, pointer: &str, out: &mut Vec<Finding>) {
    if let Some(text) = e.value.as_str() {
        if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
            out.push(
                check
                    .finding(
                        PORT_NAME,
                        e.value.span,
                        pointer,
                        format!(
                            "{}: Invalid value: \"{text}\": must contain at least one letter (a-z)",
                            e.key
                        ),
                    )
                    .with_label("a quoted number is a port name")
                    .with_help(format!("write the number without quotes: {}: {text}", e.key)),
            );
            return;
        }
        iana_name(check, e, pointer, &e.key, out);
    } else {
        number(check, e, pointer, true, out);
    }
}

/// K8S023: IANA_SVC_NAME (container port names, named target ports). Returns whether it is valid.
fn iana_name(check: &Check<'_>, e: &Entry, pointer: &str, field: &str, out: &mut Vec<Finding>) -> bool {
    let Some(name) = e.value.as_str() else {
        return false;
    };
    if is_placeholder(name) {
        return false;
    }
    let Some(problem) = iana_problem(name) else {
        return true;
    };
    let lower = name.to_lowercase();
    let help = if lower != name && iana_problem(&lower).is_none() {
        format!("use \"{lower}\"")
    } else {
        "use at most 15 characters: lowercase letters, digits and single '-' between them, with at least one letter (http, grpc-web, metrics)".to_owned()
    };
    out.push(
        check
            .finding(
                PORT_NAME,
                e.value.span,
                pointer,
                format!("{field}: Invalid value: \"{name}\": {problem}"),
            )
            .with_label("not a valid port name")
            .with_help(help),
    );
    false
}

/// The first reason `IsValidPortName` gives, in its words.
pub(super) fn iana_problem(name: &str) -> Option<&'static str> {
    if name.len() > 15 {
        return Some("must be no more than 15 characters");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Some("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if !name.chars().any(|c| c.is_ascii_lowercase()) {
        return Some("must contain at least one letter (a-z)");
    }
    if name.contains("--") {
        return Some("must not contain consecutive hyphens");
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some("must not begin or end with a hyphen");
    }
    None
}

pub(super) fn service(check: &Check<'_>, out: &mut Vec<Finding>) {
    if check.obj.kind != "Service" || !check.obj.group_version().0.is_empty() {
        return;
    }
    let Some(spec) = check.obj.node.get("spec") else {
        return;
    };
    let service_type = match spec.get("type") {
        None => Some("ClusterIP"),
        Some(t) => t.as_str().map(|t| if t.is_empty() { "ClusterIP" } else { t }),
    };
    let ports = spec.get("ports").and_then(Node::as_seq).unwrap_or_default();
    let mut names: Vec<(&str, Span)> = Vec::new();
    let mut numbers: Vec<(i64, &str, Span)> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        if port.as_map().is_none() {
            continue;
        }
        let at = format!("/spec/ports/{i}");
        if let Some(e) = port.entry("port") {
            number(check, e, &format!("{at}/port"), false, out);
            if let Some(n) = as_int(&e.value) {
                let protocol = port
                    .get("protocol")
                    .and_then(Node::as_str)
                    .filter(|p| !p.is_empty())
                    .unwrap_or("TCP");
                if let Some((_, _, first)) = numbers.iter().find(|(m, p, _)| *m == n && *p == protocol) {
                    out.push(
                        check
                            .finding(
                                K8S_DUPLICATE_NAME,
                                e.value.span,
                                &format!("{at}/port"),
                                format!("spec.ports[{i}]: Duplicate value: port {n}/{protocol}"),
                            )
                            .with_label("duplicate port")
                            .with_related(check.doc, *first, "first defined here")
                            .with_help("remove the duplicate entry, or give it another port or protocol"),
                    );
                } else {
                    numbers.push((n, protocol, e.value.span));
                }
            }
        }
        if let Some(e) = port.entry("targetPort") {
            port_name_or_number(check, e, &format!("{at}/targetPort"), out);
        }
        if let Some(e) = port.entry("nodePort") {
            node_port(check, e, &format!("{at}/nodePort"), service_type, out);
        }
        match port.entry("name") {
            Some(e) if e.value.as_str().is_some_and(|n| !n.is_empty()) => {
                let name = e.value.as_str().unwrap_or_default();
                service_port_name(check, e, &format!("{at}/name"), out);
                if let Some((_, first)) = names.iter().find(|(n, _)| *n == name) {
                    out.push(
                        check
                            .finding(
                                K8S_DUPLICATE_NAME,
                                e.value.span,
                                &format!("{at}/name"),
                                format!("spec.ports[{i}].name: Duplicate value: \"{name}\""),
                            )
                            .with_label("duplicate port name")
                            .with_related(check.doc, *first, "first used here")
                            .with_help("give each port of the Service its own name"),
                    );
                } else {
                    names.push((name, e.value.span));
                }
            }
            _ if ports.iter().filter(|p| p.as_map().is_some()).count() > 1 => {
                let Some(anchor) = port
                    .entry("port")
                    .map(|e| e.key_span)
                    .or_else(|| port.as_map()?.first().map(|e| e.key_span))
                else {
                    continue;
                };
                out.push(
                    check
                        .finding(
                            PORT_NAME,
                            anchor,
                            &at,
                            format!(
                                "spec.ports[{i}].name: Required value: a Service with several ports must name each one"
                            ),
                        )
                        .with_label("port without a name")
                        .with_help("add name: (for example http, grpc, metrics) to every port of the Service"),
                );
            }
            _ => {}
        }
    }
}

/// Service port names are DNS-1123 labels (not IANA names like container ports).
fn service_port_name(check: &Check<'_>, e: &Entry, pointer: &str, out: &mut Vec<Finding>) {
    let Some(name) = e.value.as_str() else {
        return;
    };
    if is_placeholder(name) {
        return;
    }
    let Some(problem) = label_problem(name) else {
        return;
    };
    out.push(
        check
            .finding(
                PORT_NAME,
                e.value.span,
                pointer,
                format!("name: Invalid value: \"{name}\": {problem}"),
            )
            .with_label("not a DNS-1123 label")
            .with_help(
                "use lowercase letters, digits and '-', starting and ending with a letter or digit (http, grpc-web)",
            ),
    );
}

/// K8S022: nodePort outside the default range, or on a ClusterIP Service.
fn node_port(check: &Check<'_>, e: &Entry, pointer: &str, service_type: Option<&str>, out: &mut Vec<Finding>) {
    let Some(n) = as_int(&e.value) else {
        return;
    };
    if n == 0 {
        return;
    }
    match service_type {
        Some("NodePort" | "LoadBalancer") if !NODE_PORTS.contains(&n) => out.push(
            check
                .finding(
                    NODE_PORT,
                    e.value.span,
                    pointer,
                    format!(
                        "nodePort: Invalid value: {n}: provided port is not in the valid range. The range of valid ports is 30000-32767 (the default --service-node-port-range)"
                    ),
                )
                .with_label("outside the NodePort range")
                .with_help("remove nodePort to let Kubernetes pick a free one, or use a port between 30000 and 32767"),
        ),
        Some("ClusterIP") => out.push(
            check
                .finding(
                    NODE_PORT,
                    e.key_span,
                    pointer,
                    "nodePort: Forbidden: may not be used when `type` is 'ClusterIP'".to_owned(),
                )
                .with_label("no node port on a ClusterIP Service")
                .with_help("remove nodePort, or set spec.type: NodePort (or LoadBalancer)"),
        ),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{deployment, only};
    use super::*;

    #[test]
    fn iana_names() {
        for ok in ["http", "grpc-web", "h2c", "metrics-9090", "a"] {
            assert_eq!(iana_problem(ok), None, "{ok}");
        }
        assert_eq!(
            iana_problem("http-metrics-port"),
            Some("must be no more than 15 characters")
        );
        assert_eq!(
            iana_problem("HTTP"),
            Some("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        );
        assert_eq!(
            iana_problem("web_ui"),
            Some("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        );
        assert_eq!(iana_problem("8080"), Some("must contain at least one letter (a-z)"));
        assert_eq!(iana_problem("a--b"), Some("must not contain consecutive hyphens"));
        assert_eq!(iana_problem("-http"), Some("must not begin or end with a hyphen"));
    }

    #[test]
    fn container_ports() {
        let text = deployment(
            "name: app\nimage: app:1\nports:\n  - containerPort: 70000\n  - containerPort: 80\n    hostPort: 0\n    name: Web\n  - containerPort: 81\n    hostPort: -1",
        );
        assert_eq!(
            only(&text, PORT_RANGE),
            [
                "18:30 containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                "23:25 hostPort: Invalid value: -1: must be between 1 and 65535, inclusive"
            ]
        );
        assert_eq!(
            only(&text, PORT_NAME),
            [
                "21:21 name: Invalid value: \"Web\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
            ]
        );
    }

    #[test]
    fn duplicates_in_a_pod() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: a:1\n      ports:\n        - {containerPort: 80, name: http}\n        - {containerPort: 80, protocol: TCP, name: http}\n    - name: b\n      image: b:1\n      ports:\n        - {containerPort: 80, protocol: UDP, name: http}\n";
        assert_eq!(
            only(text, K8S_DUPLICATE_NAME),
            ["11:52 ports[1].name: Duplicate value: \"http\" (container \"a\")"]
        );
        assert_eq!(
            only(text, K8S_DUPLICATE_PORT),
            [
                "11:27 spec.containers[0].ports[1]: duplicate port definition with spec.containers[0].ports[0]",
                "15:52 port name \"http\" of container \"b\" is also used by container \"a\""
            ]
        );
    }

    #[test]
    fn probe_ports() {
        let text = deployment(
            "name: app\nimage: app:1\nreadinessProbe:\n  httpGet: {port: \"8080\"}\nlivenessProbe:\n  tcpSocket: {port: 0}\nstartupProbe:\n  httpGet: {port: http}",
        );
        assert_eq!(
            only(&text, PORT_NAME),
            ["18:29 port: Invalid value: \"8080\": must contain at least one letter (a-z)"]
        );
        // 0 is "not set" for a Service targetPort (it defaults to port), not for a probe.
        assert_eq!(
            only(&text, PORT_RANGE),
            ["20:31 port: Invalid value: 0: must be between 1 and 65535, inclusive"]
        );
    }

    fn service(kind_and_ports: &str) -> String {
        format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n{kind_and_ports}")
    }

    #[test]
    fn service_ports() {
        let text = service(
            "  type: NodePort\n  ports:\n    - {name: http, port: 80, targetPort: \"8080\", nodePort: 80}\n    - {port: 0, targetPort: 70000}\n    - {name: http, port: 443, targetPort: web_ui}\n",
        );
        assert_eq!(
            only(&text, PORT_RANGE),
            [
                "9:14 port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "9:29 targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive"
            ]
        );
        assert_eq!(
            only(&text, PORT_NAME),
            [
                "8:42 targetPort: Invalid value: \"8080\": must contain at least one letter (a-z)",
                "9:8 spec.ports[1].name: Required value: a Service with several ports must name each one",
                "10:43 targetPort: Invalid value: \"web_ui\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
            ]
        );
        assert_eq!(only(&text, NODE_PORT).len(), 1);
        assert_eq!(
            only(&text, K8S_DUPLICATE_NAME),
            ["10:14 spec.ports[2].name: Duplicate value: \"http\""]
        );
    }

    #[test]
    fn node_port_on_cluster_ip() {
        let text = service("  ports:\n    - {port: 80, nodePort: 30080}\n");
        assert_eq!(
            only(&text, NODE_PORT),
            ["7:18 nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]
        );
        let ok = service("  type: LoadBalancer\n  ports:\n    - {port: 80, nodePort: 30080}\n");
        assert!(only(&ok, NODE_PORT).is_empty());
    }

    #[test]
    fn service_port_names_are_labels() {
        let text = service("  ports:\n    - {name: HTTP, port: 80}\n    - {name: http-metrics-port, port: 81}\n");
        // 17 characters is fine for a Service port name (a DNS label), not for a container port.
        let found = only(&text, PORT_NAME);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("7:14 name: Invalid value: \"HTTP\""), "{found:?}");
    }
}
