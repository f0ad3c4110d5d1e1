//! FG006: a parameter Fargate does not support. Empty values (`[]`, `null`, `false`) are let
//! through: the API accepts them.

use super::{Task, is_empty};
use crate::finding::{Finding, ids};

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

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
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
