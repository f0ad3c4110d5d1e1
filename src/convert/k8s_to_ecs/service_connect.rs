//! ClusterIP Services -> Service Connect: each port of a Service that selects the workload
//! becomes an endpoint of its ECS service (`serviceConnectConfiguration.services`), found by
//! the name of the container's port mapping (named here when the pod left it unnamed).
//! Workloads with no Service of their own are clients of the namespace when it has Services.
//!
//! One Cloud Map namespace holds every converted workload (so clients in one Kubernetes
//! namespace still reach Services of another): `--cluster`'s name, else a placeholder. ECS
//! takes one client alias per endpoint, so a Service is reached by its short name, or by
//! NAME.NAMESPACE when another namespace among the inputs has a Service of the same name.

use super::{Cx, ServiceUse, svc, td};
use crate::convert::catalog::{Catalog, K8sItem};
use crate::convert::cursor::At;
use crate::convert::loss::Ledger;
use crate::convert::value::{Map, Value};
use crate::convert_map;
use crate::parse::Node;

/// The Cloud Map namespace when no `--cluster` names it.
pub const NAMESPACE_PLACEHOLDER: &str = "CLOUD_MAP_NAMESPACE";

/// ECS limits a discovery name to 64 characters.
const MAX_DISCOVERY_NAME: usize = 64;

/// One Service port carried as a Service Connect endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Index in `serviceConnectConfiguration.services`.
    pub entry: usize,
    pub dns_name: String,
    pub port_name: String,
    pub container_port: i64,
}

/// The service's `serviceConnectConfiguration`, or None when the workload has no part in
/// Service Connect. Names the port mappings it uses in `task_def`.
pub fn configuration(cx: &mut Cx<'_, '_>, task_def: &mut Map) -> Option<Map> {
    if task_def.get("networkMode").and_then(Value::as_str) == Some("host") {
        return None;
    }
    let namespace = cx
        .opts
        .cluster
        .clone()
        .unwrap_or_else(|| NAMESPACE_PLACEHOLDER.to_owned());
    let mut services = Vec::new();
    let keys: Vec<(String, String)> = cx
        .uses
        .services
        .keys()
        .filter(|(ns, _)| *ns == cx.namespace)
        .cloned()
        .collect();
    for key in keys {
        let catalog = cx.catalog;
        let Some(node) = catalog.find("Service", &key.0, &key.1).map(|s| s.obj.node) else {
            continue;
        };
        let Some(uses) = cx.uses.services.get(&key) else {
            continue;
        };
        let claimed = uses.iter().any(|u| !u.connect.is_empty());
        let Some(index) = uses.iter().rposition(|u| u.family == cx.family) else {
            continue;
        };
        let used = uses[index].clone();
        if claimed || used.load_balanced {
            continue;
        }
        let dns_name = dns_name(catalog, &key.0, &key.1);
        let connect = endpoints(cx, task_def, node, &used, &dns_name, &mut services);
        if let Some(u) = cx.uses.services.get_mut(&key).and_then(|u| u.get_mut(index)) {
            u.connect = connect;
        }
    }
    if services.is_empty() && !namespace_has_services(cx.catalog, &cx.namespace) {
        return None;
    }
    let mut out = convert_map! {"enabled" => true, "namespace" => namespace.clone()};
    if cx.opts.cluster.is_none() {
        cx.ledger.added(
            svc("/serviceConnectConfiguration/namespace"),
            format!("Service Connect needs a Cloud Map namespace: create one and put its name here (or convert with --cluster to use the cluster's name), in place of {NAMESPACE_PLACEHOLDER}"),
        );
    }
    if services.is_empty() {
        cx.ledger.added(
            svc("/serviceConnectConfiguration"),
            "a client of Service Connect: the namespace has Services, and the tasks reach them by their aliases",
        );
    }
    out.insert_some("services", services);
    Some(out)
}

/// The name clients use: NAME, or NAME.NAMESPACE when the name is taken in another namespace.
fn dns_name(catalog: &Catalog<'_>, namespace: &str, name: &str) -> String {
    let shared = catalog
        .of_kind("Service")
        .any(|s| s.name() == name && s.namespace() != namespace);
    if shared {
        format!("{name}.{namespace}")
    } else {
        name.to_owned()
    }
}

/// Whether a namespace has a Service Service Connect can stand for (ClusterIP with a selector).
fn namespace_has_services(catalog: &Catalog<'_>, namespace: &str) -> bool {
    catalog
        .of_kind("Service")
        .any(|s| s.namespace() == namespace && cluster_ip(s))
}

fn cluster_ip(service: &K8sItem<'_>) -> bool {
    let spec = service.obj.node.get("spec");
    let kind = spec
        .and_then(|s| s.get("type"))
        .and_then(Node::as_str)
        .unwrap_or("ClusterIP");
    let selects = spec
        .and_then(|s| s.get("selector"))
        .and_then(Node::as_map)
        .is_some_and(|m| !m.is_empty());
    kind == "ClusterIP" && selects
}

/// One `services` entry per TCP port of the Service that reaches a port of the pod.
fn endpoints(
    cx: &mut Cx<'_, '_>,
    task_def: &mut Map,
    service: &Node,
    used: &ServiceUse,
    dns_name: &str,
    services: &mut Vec<Value>,
) -> std::collections::BTreeMap<usize, Endpoint> {
    let mut out = std::collections::BTreeMap::new();
    let ports = service
        .get("spec")
        .and_then(|s| s.get("ports"))
        .and_then(Node::as_seq)
        .unwrap_or_default();
    let several = ports.len() > 1;
    for (i, port) in ports.iter().enumerate() {
        let tcp = port.get("protocol").and_then(Node::as_str).unwrap_or("TCP") == "TCP";
        let number = port.get("port").and_then(|p| p.scalar_text()?.parse::<i64>().ok());
        let (Some((container, container_port)), true, Some(number)) = (used.ports.get(&i), tcp, number) else {
            continue;
        };
        let service_port_name = port.get("name").and_then(Node::as_str);
        let Some(port_name) = port_name(cx, task_def, container, *container_port, service_port_name) else {
            continue;
        };
        let mut discovery = dns_name.replace('.', "-");
        if several {
            discovery = format!(
                "{discovery}-{}",
                service_port_name.map_or_else(|| number.to_string(), str::to_owned)
            );
        }
        discovery.truncate(MAX_DISCOVERY_NAME);
        let discovery = discovery.trim_end_matches('-').to_owned();
        out.insert(
            i,
            Endpoint {
                entry: services.len(),
                dns_name: dns_name.to_owned(),
                port_name: port_name.clone(),
                container_port: *container_port,
            },
        );
        services.push(Value::Map(convert_map! {
            "portName" => port_name,
            "discoveryName" => discovery,
            "clientAliases" => vec![Value::Map(convert_map!{"port" => number, "dnsName" => dns_name})],
        }));
    }
    out
}

/// The name of the TCP port mapping of `container` on `port`, named now if it had none: the
/// Service port's name when free, else `port-N`.
fn port_name(
    cx: &mut Cx<'_, '_>,
    task_def: &mut Map,
    container: &str,
    port: i64,
    wanted: Option<&str>,
) -> Option<String> {
    let taken: Vec<String> = all_port_names(task_def);
    let containers = task_def.list_mut("containerDefinitions");
    let (c_index, c) = containers
        .iter_mut()
        .enumerate()
        .find(|(_, c)| c.as_map().and_then(|m| m.get("name")).and_then(Value::as_str) == Some(container))?;
    let Value::Map(c) = c else { return None };
    let (m_index, mapping) = c.list_mut("portMappings").iter_mut().enumerate().find(|(_, m)| {
        let m = m.as_map();
        m.and_then(|m| m.get("containerPort")).and_then(Value::as_int) == Some(port)
            && m.and_then(|m| m.get("protocol")).and_then(Value::as_str) != Some("udp")
    })?;
    let Value::Map(mapping) = mapping else { return None };
    if let Some(name) = mapping.get("name").and_then(Value::as_str) {
        return Some(name.to_owned());
    }
    let free = |n: &str| !taken.iter().any(|t| t == n);
    let name = match wanted.filter(|w| crate::convert::names::is_iana_port_name(w) && free(w)) {
        Some(w) => w.to_owned(),
        None => (1..)
            .map(|k| {
                if k == 1 {
                    format!("port-{port}")
                } else {
                    format!("port-{port}-{k}")
                }
            })
            .find(|n| free(n))
            .unwrap_or_default(),
    };
    mapping.insert("name", name.clone());
    mapping.sort_by_order(&["containerPort", "hostPort", "protocol", "name"]);
    cx.ledger.added(
        td(format!("/containerDefinitions/{c_index}/portMappings/{m_index}/name")),
        "Service Connect finds the port by the name of its port mapping: named for the Service that reaches it",
    );
    Some(name)
}

fn all_port_names(task_def: &Map) -> Vec<String> {
    let containers = task_def
        .get("containerDefinitions")
        .and_then(Value::as_list)
        .unwrap_or_default();
    containers
        .iter()
        .filter_map(Value::as_map)
        .flat_map(|c| c.get("portMappings").and_then(Value::as_list).unwrap_or_default())
        .filter_map(|m| m.as_map()?.get("name")?.as_str().map(str::to_owned))
        .collect()
}

/// The report of a Service whose ports became Service Connect endpoints: where each field went.
pub fn account(ledger: &mut Ledger, root: &At<'_>, used: &[ServiceUse]) {
    let Some(owner) = used.iter().find(|u| !u.connect.is_empty()) else {
        return;
    };
    let others: Vec<&str> = used
        .iter()
        .filter(|u| u.family != owner.family)
        .map(|u| u.family.as_str())
        .collect();
    let mut reason = format!(
        "ECS has no Service object: its ports are Service Connect endpoints of the ECS service {}",
        owner.family
    );
    if !others.is_empty() {
        reason.push_str(&format!(
            "; it also selects {}, which ECS cannot put behind the same endpoint (they are clients only)",
            others.join(", ")
        ));
    }
    ledger.approx(root, svc("/serviceConnectConfiguration"), reason);
    let first = owner.connect.values().next();
    if let (Some(name), Some(e)) = (root.get("metadata").and_then(|m| m.get("name")), first) {
        ledger.approx(
            &name,
            svc(format!("/serviceConnectConfiguration/services/{}/clientAliases/0/dnsName", e.entry)),
            format!(
                "ECS takes one client alias per endpoint: clients reach it as {} only, not by the other Kubernetes names (NAME.NAMESPACE.svc[.cluster.local]); change clients that use them",
                e.dns_name
            ),
        );
    }
    if let Some(ns) = root.get("metadata").and_then(|m| m.get("namespace")) {
        ledger.approx(
            &ns,
            svc("/serviceConnectConfiguration/namespace"),
            "one Cloud Map namespace holds the workloads of every Kubernetes namespace",
        );
    }
    if let Some(spec) = root.get("spec") {
        spec_fields(ledger, &spec, owner);
    }
}

fn spec_fields(ledger: &mut Ledger, spec: &At<'_>, owner: &ServiceUse) {
    for (key, field) in spec.entries() {
        match key {
            "type" => ledger.mapped(&field, svc("/serviceConnectConfiguration")),
            "selector" => ledger.approx(
                &field,
                svc(""),
                "an ECS service owns its tasks: converting back selects on the pod labels",
            ),
            "clusterIP" | "clusterIPs" if field.node.scalar_text().as_deref() == Some("None") => ledger.approx(
                &field,
                svc("/serviceConnectConfiguration"),
                "a headless Service: Service Connect gives one load-balanced name, no DNS record per task",
            ),
            "ports" => {
                for (i, port) in field.items().iter().enumerate() {
                    match owner.connect.get(&i) {
                        Some(e) => port_fields(ledger, port, e),
                        None => ledger.dropped(
                            port,
                            "not a TCP port of the selected pods: Service Connect carries TCP only",
                            "reach the task on its own address, or expose the port over TCP",
                        ),
                    }
                }
            }
            _ => ledger.dropped(
                &field,
                format!("Service Connect has no counterpart of {key}"),
                "nothing to convert: the Service Connect proxy balances connections over the tasks",
            ),
        }
    }
}

fn port_fields(ledger: &mut Ledger, port: &At<'_>, e: &Endpoint) {
    let at = |field: &str| svc(format!("/serviceConnectConfiguration/services/{}/{field}", e.entry));
    for (key, field) in port.entries() {
        match key {
            "port" => ledger.mapped(&field, at("clientAliases/0/port")),
            "name" if field.str() == Some(e.port_name.as_str()) => ledger.mapped(&field, at("portName")),
            "name" => ledger.approx(
                &field,
                at("portName"),
                format!(
                    "the container port is named {}: converting back names the Service port so",
                    e.port_name
                ),
            ),
            "targetPort" if field.int().is_some() => ledger.mapped(&field, at("portName")),
            "targetPort" => ledger.approx(
                &field,
                at("portName"),
                format!("converting back writes the container port number {}", e.container_port),
            ),
            "protocol" => ledger.mapped(&field, at("portName")),
            "appProtocol" => ledger.dropped(
                &field,
                "k2e does not set the port mapping's appProtocol",
                "set appProtocol (http, http2 or grpc) on the port mapping for Service Connect's metrics and retries",
            ),
            _ => ledger.unknown(&field, "ServicePort"),
        }
    }
}
