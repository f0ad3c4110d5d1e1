//! user, linuxParameters -> securityContext; shared memory and tmpfs -> memory-backed emptyDirs.

use super::Cx;
use super::plan::Slot;
use super::task::Pod;
use crate::convert::cursor::At;
use crate::convert::names::dns_label;
use crate::convert::value::{Map, Value};
use crate::convert_map;

pub fn user(cx: &mut Cx<'_>, at: &At<'_>, security: &mut Map, to: &str) {
    let text = at.text().unwrap_or_default();
    let (u, g) = text
        .split_once(':')
        .map_or((text.as_str(), None), |(u, g)| (u, Some(g)));
    let uid = u.parse::<i64>().ok();
    let gid = g.map(|g| g.parse::<i64>().ok());
    match (uid, gid) {
        (Some(uid), None | Some(Some(_))) => {
            security.insert("runAsUser", uid);
            if let Some(Some(gid)) = gid {
                security.insert("runAsGroup", gid);
            }
            cx.ledger.mapped(at, format!("{to}/runAsUser"));
        }
        _ => cx.ledger.dropped(
            at,
            "Kubernetes takes numeric user and group ids",
            format!("look up the ids of {text:?} in the image (id {u}) and set runAsUser/runAsGroup"),
        ),
    }
}

pub fn linux(cx: &mut Cx<'_>, at: &At<'_>, m: &mut Map, security: &mut Map, prefix: &str, slot: &Slot, pod: &mut Pod) {
    for (key, field) in at.entries() {
        match key {
            "capabilities" => {
                for (which, list) in field.entries() {
                    if !matches!(which, "add" | "drop") {
                        cx.ledger.unknown(&list, "KernelCapabilities");
                        continue;
                    }
                    match list.strings() {
                        Some(names) => {
                            security.map_mut("capabilities").insert(which, names);
                            cx.ledger.mapped(&list, format!("{prefix}/securityContext/capabilities/{which}"));
                        }
                        None => cx.ledger.invalid(&list, "a list of capabilities"),
                    }
                }
                if field.entries().is_empty() {
                    cx.ledger.empty(&field);
                }
            }
            "initProcessEnabled" => cx.ledger.dropped(
                &field,
                "Kubernetes runs no init process in the container",
                "add tini (or dumb-init) to the image's entrypoint, or set shareProcessNamespace: true so the pause process reaps zombies",
            ),
            "sharedMemorySize" => match field.int() {
                Some(mib) => {
                    let name = format!("{}-shm", slot.name);
                    memory_volume(pod, m, &name, "/dev/shm", Some(format!("{mib}Mi")));
                    cx.ledger.approx(
                        &field,
                        format!("{prefix}/volumeMounts"),
                        format!("a memory-backed emptyDir {name} of {mib}Mi mounted at /dev/shm"),
                    );
                }
                None => cx.ledger.invalid(&field, "a size in MiB"),
            },
            "tmpfs" => {
                for (i, t) in field.items().iter().enumerate() {
                    let Some(path) = t.get("containerPath").and_then(|p| p.str()) else {
                        cx.ledger.invalid(t, "a tmpfs mount with a containerPath");
                        continue;
                    };
                    let size = t.get("size").and_then(|s| s.int()).map(|s| format!("{s}Mi"));
                    let name = dns_label(&format!("{}-tmpfs-{i}", slot.name));
                    memory_volume(pod, m, &name, path, size);
                    cx.ledger.approx(
                        t,
                        format!("{prefix}/volumeMounts"),
                        format!("a memory-backed emptyDir {name} mounted at {path} (mount options are not kept)"),
                    );
                }
            }
            "devices" | "maxSwap" | "swappiness" => cx.ledger.dropped(
                &field,
                format!("Kubernetes has no per-container {key}"),
                "use a device plugin for devices; swap is a node setting",
            ),
            _ => cx.ledger.unknown(&field, "LinuxParameters"),
        }
    }
}

fn memory_volume(pod: &mut Pod, m: &mut Map, name: &str, path: &str, size: Option<String>) {
    let mut empty = convert_map! {"medium" => "Memory"};
    if let Some(s) = size {
        empty.insert("sizeLimit", s);
    }
    pod.memory_volumes
        .push(convert_map! {"name" => name, "emptyDir" => empty});
    m.list_mut("volumeMounts")
        .push(Value::Map(convert_map! {"name" => name, "mountPath" => path}));
}
