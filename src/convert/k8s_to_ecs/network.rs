//! Host namespaces, DNS settings and host aliases: ECS takes them only on EC2, and DNS settings
//! and host entries only without awsvpc.

use super::task::Task;
use super::{Cx, td};
use crate::convert::cursor::At;
use crate::convert::value::Value;
use crate::convert_map;

pub fn host_namespace(cx: &mut Cx<'_, '_>, at: &At<'_>, field: &str, value: &'static str, task: &mut Task) {
    match at.bool() {
        Some(false) => cx.ledger.mapped(at, td(format!("/{field}"))),
        Some(true) if cx.fargate() => cx.not_on_fargate(
            at,
            &format!("{field} {value}"),
            "run the task on EC2 (--launch-type ec2), or do without the host's namespace",
        ),
        Some(true) => {
            match field {
                "networkMode" => task.network_mode = Some(value),
                "pidMode" => task.pid_mode = Some(value),
                _ => task.ipc_mode = Some(value),
            }
            cx.ledger.mapped(at, td(format!("/{field}")));
        }
        None => cx.ledger.invalid(at, "a boolean"),
    }
}

pub fn dns_config(cx: &mut Cx<'_, '_>, at: &At<'_>, task: &mut Task) {
    for (key, value) in at.entries() {
        let field = match key {
            "nameservers" => "dnsServers",
            "searches" => "dnsSearchDomains",
            "options" => {
                cx.ledger.dropped(
                    &value,
                    "ECS has no resolver options",
                    "set them in the image's /etc/resolv.conf handling",
                );
                continue;
            }
            _ => {
                cx.ledger.unknown(&value, "PodDNSConfig");
                continue;
            }
        };
        let Some(list) = value.strings() else {
            cx.ledger.invalid(&value, "a list of strings");
            continue;
        };
        if cx.fargate() || task.network_mode.is_none() {
            cx.ledger.dropped(
                &value,
                format!("{field} is not supported with awsvpc networking (and so not on Fargate)"),
                "configure DNS for the VPC (DHCP options set, Route 53 Resolver rules)",
            );
            continue;
        }
        task.shared.insert(field, list);
        cx.ledger.mapped(&value, td(format!("/containerDefinitions/0/{field}")));
    }
}

pub fn host_aliases(cx: &mut Cx<'_, '_>, at: &At<'_>, task: &mut Task) {
    if cx.fargate() || task.network_mode.is_none() {
        cx.ledger.dropped(
            at,
            "extraHosts is not supported with awsvpc networking (and so not on Fargate)",
            "use a Route 53 private hosted zone, or write the entries to /etc/hosts in the entrypoint",
        );
        return;
    }
    let mut hosts = Vec::new();
    for item in at.items() {
        let ip = item.get("ip").and_then(|i| i.str().map(str::to_owned));
        let names = item.get("hostnames").and_then(|h| h.strings());
        match (ip, names) {
            (Some(ip), Some(names)) => {
                for name in names {
                    hosts.push(Value::Map(convert_map! {"hostname" => name, "ipAddress" => ip.clone()}));
                }
                cx.ledger.mapped(&item, td("/containerDefinitions/0/extraHosts"));
            }
            _ => cx.ledger.invalid(&item, "a host alias with ip and hostnames"),
        }
    }
    if at.items().is_empty() {
        cx.ledger.empty(at);
    }
    task.shared.insert_some("extraHosts", hosts);
}
