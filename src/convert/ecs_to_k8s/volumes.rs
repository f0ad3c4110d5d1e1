//! Task volumes -> pod volumes: a task-scoped bind mount is an emptyDir, a host path a hostPath,
//! an EFS volume a claim (named by --efs when it names this file system).

use super::Cx;
use super::task::Pod;
use crate::convert::cursor::At;
use crate::convert::names::dns_label;
use crate::convert_map;

pub fn convert(cx: &mut Cx<'_>, volumes: Option<&At<'_>>, pod: &mut Pod) {
    let Some(volumes) = volumes else { return };
    if !volumes.is_seq() {
        cx.ledger.invalid(volumes, "a list of volumes");
        return;
    }
    if volumes.items().is_empty() {
        cx.ledger.empty(volumes);
    }
    for item in volumes.items() {
        let Some(name) = item.get("name").and_then(|n| n.str().map(str::to_owned)) else {
            cx.ledger.invalid(&item, "a volume with a name");
            continue;
        };
        let k8s = unique(pod, &dns_label(&name));
        let i = pod.volumes.len();
        let base = cx.pod(format!("/volumes/{i}"));
        let to = |f: &str| format!("{base}{f}");
        let mut volume = convert_map! {"name" => k8s.clone()};
        let mut kept = true;
        let mut source_seen = false;
        for (key, field) in item.entries() {
            match key {
                "name" => {}
                "host" => {
                    source_seen = true;
                    match field.get("sourcePath").and_then(|p| p.str()) {
                        Some(path) => {
                            volume.insert("hostPath", convert_map! {"path" => path});
                            cx.ledger.mapped(&field, to("/hostPath/path"));
                        }
                        None if field.entries().is_empty() => {
                            // The same as no host at all: a bind mount that lives with the task.
                            volume.insert("emptyDir", convert_map! {});
                            cx.ledger.empty(&field);
                        }
                        None => {
                            cx.ledger.invalid(&field, "a host with a sourcePath");
                            kept = false;
                        }
                    }
                }
                "efsVolumeConfiguration" => {
                    source_seen = true;
                    if !efs(cx, &field, &name, &mut volume, &to) {
                        // Without --efs the claim does not convert back: neither do its mounts.
                        pod.unmapped_volumes.insert(name.clone());
                    }
                }
                "dockerVolumeConfiguration" => {
                    source_seen = true;
                    if field.get("scope").and_then(|s| s.str()) == Some("task") {
                        volume.insert("emptyDir", convert_map! {});
                        cx.ledger.approx(&field, to("/emptyDir"), "a task-scoped Docker volume lives as long as the pod: an emptyDir (its driver and options are not kept)");
                    } else {
                        cx.ledger.dropped(
                            &field,
                            "shared Docker volumes outlive the task; Kubernetes uses persistent volume claims for that",
                            "create a PersistentVolumeClaim and mount it instead",
                        );
                        kept = false;
                    }
                }
                "configuredAtLaunch" => {
                    source_seen = true;
                    cx.ledger.dropped(
                        &field,
                        "an EBS volume configured at launch",
                        "create a PersistentVolumeClaim of an EBS storage class (EBS CSI driver) and mount it",
                    );
                    kept = false;
                }
                "fsxWindowsFileServerVolumeConfiguration" | "s3filesVolumeConfiguration" => {
                    source_seen = true;
                    cx.ledger.dropped(
                        &field,
                        format!("Kubernetes has no {key}"),
                        "mount it through its CSI driver with a PersistentVolumeClaim",
                    );
                    kept = false;
                }
                _ => cx.ledger.unknown(&field, "Volume"),
            }
        }
        if let Some(n) = item.get("name") {
            if !kept {
                cx.ledger
                    .dropped(&n, "its volume was not converted", "see the volume's source");
            } else if pod.unmapped_volumes.contains(&name) {
                cx.ledger
                    .approx(&n, to("/name"), "an EFS volume without --efs does not convert back");
            } else if k8s == name {
                cx.ledger.mapped(&n, to("/name"));
            } else {
                cx.ledger.approx(
                    &n,
                    to("/name"),
                    format!("volume names are DNS labels: written as {k8s}"),
                );
            }
        }
        if !source_seen {
            // No source: a Docker-managed bind mount that lives with the task.
            volume.insert("emptyDir", convert_map! {});
        }
        if kept {
            pod.volume_names.insert(name, k8s);
            pod.volumes.push(volume);
        } else {
            pod.dropped_volumes.insert(name, "its volume was not converted".into());
        }
    }
}

fn unique(pod: &Pod, base: &str) -> String {
    let mut name = base.to_owned();
    let mut n = 2;
    while pod.volume_names.values().any(|v| *v == name) {
        name = dns_label(&format!("{base}-{n}"));
        n += 1;
    }
    name
}

/// Returns whether --efs names the file system (so the claim converts back to it).
fn efs(
    cx: &mut Cx<'_>,
    at: &At<'_>,
    name: &str,
    volume: &mut crate::convert::value::Map,
    to: &dyn Fn(&str) -> String,
) -> bool {
    let fs = at.get("fileSystemId").and_then(|f| f.str()).unwrap_or_default();
    let ap = at
        .get("authorizationConfig")
        .and_then(|a| a.get("accessPointId"))
        .and_then(|a| a.str());
    let mapping = cx
        .opts
        .efs
        .iter()
        .find(|m| m.file_system == fs && m.access_point.as_deref() == ap);
    let claim = mapping.map_or_else(|| dns_label(name), |m| m.claim.clone());
    volume.insert("persistentVolumeClaim", convert_map! {"claimName" => claim.clone()});
    let to_claim = to("/persistentVolumeClaim/claimName");
    if mapping.is_none() {
        cx.ledger.approx(
            at,
            to_claim,
            format!("a claim {claim} stands for EFS {fs}: create a PersistentVolume (EFS CSI driver, volumeHandle {fs}{}) bound to it, and pass --efs {claim}={fs}{} to convert back", ap.map(|a| format!("::{a}")).unwrap_or_default(), ap.map(|a| format!(":{a}")).unwrap_or_default()),
        );
        return false;
    }
    for (key, field) in at.entries() {
        match key {
            "fileSystemId" => cx.ledger.mapped(&field, to_claim.clone()),
            "transitEncryption" if field.str() == Some("ENABLED") => cx.ledger.mapped(&field, to_claim.clone()),
            "authorizationConfig" => {
                for (k, f) in field.entries() {
                    match (k, f.str()) {
                        ("accessPointId", _) | ("iam", Some("ENABLED")) => cx.ledger.mapped(&f, to_claim.clone()),
                        _ => cx.ledger.dropped(
                            &f,
                            "set on the EFS PersistentVolume, not the pod",
                            "configure it on the PersistentVolume",
                        ),
                    }
                }
            }
            _ => cx.ledger.dropped(
                &field,
                "set on the EFS PersistentVolume (CSI driver options), not the pod",
                "configure it on the PersistentVolume; converting back writes transit encryption on",
            ),
        }
    }
    true
}
