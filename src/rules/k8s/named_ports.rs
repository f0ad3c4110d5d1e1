//! K8S036, in one pod: a probe or lifecycle handler whose `port` is a name that none of its
//! container's ports has. The API server accepts it; the kubelet looks the name up among that
//! container's own ports when it runs the probe, finds nothing, and the probe fails ("couldn't
//! find port"): the pod never gets ready, or is restarted over and over. The Service side of the
//! rule (a `targetPort` name no selected pod has) is in `service_selectors`.

use super::ports::field_path;
use super::{Pod, container_name, is_placeholder};
use crate::finding::Finding;
use crate::finding::ids::UNKNOWN_PORT_NAME;
use crate::model::k8s::ContainerRef;
use crate::parse::Node;
use crate::rules::fargate_eks::Check;

const PROBES: &[&str] = &["livenessProbe", "readinessProbe", "startupProbe"];
const HOOKS: &[&str] = &["postStart", "preStop"];
const ACTIONS: &[&str] = &["httpGet", "tcpSocket"];

pub(super) fn check(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    for c in pod.main_and_init() {
        let mut handlers: Vec<(&Node, String)> = Vec::new();
        for probe in PROBES {
            if let Some(p) = c.node.get(probe) {
                handlers.push((p, format!("{}/{probe}", c.pointer)));
            }
        }
        for hook in HOOKS {
            if let Some(h) = c.node.get("lifecycle").and_then(|l| l.get(hook)) {
                handlers.push((h, format!("{}/lifecycle/{hook}", c.pointer)));
            }
        }
        let names = port_names(c);
        for (handler, at) in handlers {
            for action in ACTIONS {
                let Some(port) = handler.get(action).and_then(|a| a.get("port")) else {
                    continue;
                };
                let Some(name) = port.as_str().filter(|n| is_port_name(n)) else {
                    continue;
                };
                if names.contains(&name) {
                    continue;
                }
                let pointer = format!("{at}/{action}/port");
                let known = if names.is_empty() {
                    "it has no named port".to_owned()
                } else {
                    format!("its named ports: {}", names.join(", "))
                };
                out.push(
                    check
                        .finding(
                            UNKNOWN_PORT_NAME,
                            port.span,
                            &pointer,
                            format!(
                                "{}: port \"{name}\" names no port of container \"{}\" ({known}): the kubelet fails the check (\"couldn't find port: {name}\")",
                                field_path(&pointer),
                                container_name(c)
                            ),
                        )
                        .with_label("no such port")
                        .with_help(format!(
                            "add a port named {name} to the container's ports, or give the port number"
                        )),
                );
            }
        }
    }
}

/// The names of a container's own ports, as the kubelet looks a probe's port up.
fn port_names<'a>(c: &ContainerRef<'a>) -> Vec<&'a str> {
    let ports = c.node.get("ports").and_then(Node::as_seq).unwrap_or_default();
    ports
        .iter()
        .filter_map(|p| p.get("name").and_then(Node::as_str))
        .collect()
}

/// A port given by a name the API server accepts (an IANA service name: lower-case letters,
/// digits and hyphens, at least one letter); other strings are K8S023's, templates are left.
pub(super) fn is_port_name(text: &str) -> bool {
    !is_placeholder(text)
        && (1..=15).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && text.bytes().any(|b| b.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{deployment, only};
    use super::UNKNOWN_PORT_NAME;

    #[test]
    fn a_probe_port_name_the_container_lacks() {
        let text = deployment(
            "name: web\nimage: app:1\nports:\n  - {name: http, containerPort: 8080}\nreadinessProbe:\n  httpGet: {path: /, port: htttp}\nlivenessProbe:\n  tcpSocket: {port: http}",
        );
        assert_eq!(
            only(&text, UNKNOWN_PORT_NAME),
            [
                "20:38 spec.template.spec.containers[0].readinessProbe.httpGet.port: port \"htttp\" names no port of container \"web\" (its named ports: http): the kubelet fails the check (\"couldn't find port: htttp\")"
            ]
        );
    }

    #[test]
    fn another_containers_port_does_not_count_and_numbers_pass() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: web\n      image: app:1\n      lifecycle:\n        preStop:\n          httpGet: {path: /drain, port: admin}\n    - name: admin\n      image: admin:1\n      ports: [{name: admin, containerPort: 9000}]\n      readinessProbe: {httpGet: {path: /, port: 9000}}\n";
        let got = only(text, UNKNOWN_PORT_NAME);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("(it has no named port)"), "{got:?}");
        let text = deployment("name: web\nimage: app:1\nreadinessProbe: {httpGet: {port: \"{{ .Values.port }}\"}}");
        assert!(only(&text, UNKNOWN_PORT_NAME).is_empty());
    }
}
