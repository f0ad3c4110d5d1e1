//! An ECS service's Service Connect endpoints (`serviceConnectConfiguration.services`) ->
//! Kubernetes Services: one Service per client alias name (its first DNS label), one port per
//! endpoint, reaching the container port the endpoint's port mapping names. Kubernetes DNS
//! gives every Service its names, so the Cloud Map namespace and the proxy settings have no
//! counterpart.

use super::Cx;
use crate::convert::cursor::At;
use crate::convert::names::dns1035_label;
use crate::convert::value::{Map, Value};
use crate::convert_map;

/// One endpoint: the Service it goes to and its port there.
#[derive(Clone, Debug, Default)]
pub struct Endpoint {
    pub service: String,
    pub port_name: String,
    pub port: i64,
}

/// Accounts for the configuration and returns its endpoints.
pub fn account(cx: &mut Cx<'_>, at: &At<'_>) -> Vec<Endpoint> {
    let mut out = Vec::new();
    let enabled = at.get("enabled").and_then(|e| e.bool()) != Some(false);
    for (key, field) in at.entries() {
        match key {
            "enabled" => cx.ledger.approx(
                &field,
                "Service#",
                "Kubernetes Services need no switch: every pod of the cluster resolves them",
            ),
            "namespace" => cx.ledger.dropped(
                &field,
                "Kubernetes Services live in the namespace the objects are applied in",
                "apply the workload and its Services in the namespace its clients use",
            ),
            "services" if enabled => {
                for entry in field.items().iter() {
                    if let Some(e) = endpoint(cx, entry, &out) {
                        out.push(e);
                    }
                }
            }
            "services" => cx
                .ledger
                .dropped(&field, "Service Connect is disabled", "nothing to convert"),
            "logConfiguration" | "accessLogConfiguration" => cx.ledger.dropped(
                &field,
                "Kubernetes has no per-Service proxy to log",
                "use a service mesh (Istio, Linkerd) or the application's own logs",
            ),
            _ => cx.ledger.unknown(&field, "ServiceConnectConfiguration"),
        }
    }
    out
}

/// The Service an entry goes to: the first label of its alias, else its discovery name, else
/// its port name.
fn service_name(entry: &At<'_>) -> Option<String> {
    let alias = entry
        .get("clientAliases")
        .and_then(|a| a.items().into_iter().next())
        .and_then(|a| a.get("dnsName"))
        .and_then(|d| d.str().map(|s| s.split('.').next().unwrap_or(s).to_owned()));
    let name = alias
        .or_else(|| entry.get("discoveryName").and_then(|d| d.str().map(str::to_owned)))
        .or_else(|| entry.get("portName").and_then(|p| p.str().map(str::to_owned)))?;
    Some(dns1035_label(&name))
}

fn endpoint(cx: &mut Cx<'_>, entry: &At<'_>, earlier: &[Endpoint]) -> Option<Endpoint> {
    let (Some(service), Some(port_name)) = (service_name(entry), entry.get("portName").and_then(|p| p.str())) else {
        cx.ledger.invalid(entry, "a Service Connect service with a portName");
        return None;
    };
    let aliases = entry.get("clientAliases").map(|a| a.items()).unwrap_or_default();
    let port = aliases
        .first()
        .and_then(|a| a.get("port"))
        .and_then(|p| p.int())
        .filter(|p| (1..=65535).contains(p));
    let Some(port) = port else {
        cx.ledger.dropped(
            entry,
            "an endpoint without a client alias port has no port clients connect to",
            "add a Service port for it by hand",
        );
        return None;
    };
    let index = earlier.iter().filter(|e| e.service == service).count();
    let to = |field: &str| format!("Service#/spec/ports/{index}/{field}");
    for (key, field) in entry.entries() {
        match key {
            "portName" => cx.ledger.mapped(&field, to("name")),
            "discoveryName" => cx.ledger.approx(
                &field,
                "Service#/metadata/name",
                format!("Kubernetes has no discovery name apart from the Service's: named {service}"),
            ),
            "clientAliases" => aliases_fields(cx, &field, &service, &to),
            "ingressPortOverride" => cx.ledger.dropped(
                &field,
                "there is no proxy in front of the pod: clients reach the container port",
                "nothing to convert",
            ),
            "timeout" | "tls" => cx.ledger.dropped(
                &field,
                format!("Kubernetes Services have no {key} of their own"),
                "configure it in the application, or in a service mesh (Istio, Linkerd)",
            ),
            _ => cx.ledger.unknown(&field, "ServiceConnectService"),
        }
    }
    Some(Endpoint {
        service,
        port_name: port_name.to_owned(),
        port,
    })
}

fn aliases_fields(cx: &mut Cx<'_>, at: &At<'_>, service: &str, to: &dyn Fn(&str) -> String) {
    for (n, alias) in at.items().iter().enumerate() {
        if n > 0 {
            cx.ledger.dropped(
                alias,
                "ECS takes one client alias per endpoint; k2e writes one Service port for the first",
                "add a Service for this name by hand",
            );
            continue;
        }
        for (key, field) in alias.entries() {
            match key {
                "port" => cx.ledger.mapped(&field, to("port")),
                "dnsName" if field.str() == Some(service) => cx.ledger.mapped(&field, "Service#/metadata/name"),
                "dnsName" => cx.ledger.approx(
                    &field,
                    "Service#/metadata/name",
                    format!("a Service named {service}: pods reach it as {service}, {service}.NAMESPACE or {service}.NAMESPACE.svc.cluster.local, not by this name"),
                ),
                _ => cx.ledger.unknown(&field, "ServiceConnectClientAlias"),
            }
        }
    }
}

/// The Services of the endpoints, in the order their names first appear. `ports` are the pod's
/// (name, containerPort, protocol, appProtocol).
pub fn services(
    endpoints: &[Endpoint],
    ports: &[(Option<String>, i64, String, Option<String>)],
    selector: &Map,
) -> Vec<Value> {
    let mut names: Vec<&str> = Vec::new();
    for e in endpoints {
        if !names.contains(&e.service.as_str()) {
            names.push(&e.service);
        }
    }
    names
        .into_iter()
        .map(|name| {
            let service_ports: Vec<Value> = endpoints
                .iter()
                .filter(|e| e.service == name)
                .map(|e| Value::Map(service_port(e, ports)))
                .collect();
            Value::Map(convert_map! {
                "apiVersion" => "v1",
                "kind" => "Service",
                "metadata" => convert_map!{"name" => name},
                "spec" => convert_map!{"type" => "ClusterIP", "selector" => selector.clone(), "ports" => service_ports},
            })
        })
        .collect()
}

fn service_port(e: &Endpoint, ports: &[(Option<String>, i64, String, Option<String>)]) -> Map {
    let mapping = ports.iter().find(|p| p.0.as_deref() == Some(e.port_name.as_str()));
    // A port mapping Kubernetes could not name is still reached by its number.
    let target = mapping.map_or_else(|| Value::from(e.port_name.clone()), |p| Value::from(p.1));
    let mut port = convert_map! {
        "name" => dns1035_label(&e.port_name),
        "port" => e.port,
        "targetPort" => target,
        "protocol" => "TCP",
    };
    if let Some(app) = mapping.and_then(|p| p.3.clone()) {
        port.insert("appProtocol", app);
    }
    port
}
