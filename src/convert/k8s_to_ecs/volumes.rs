//! Pod volumes -> task volumes, volumeMounts -> mountPoints. emptyDir is a task-scoped bind
//! mount (a volume with no host path); hostPath a host bind mount (EC2 only); a claim becomes an
//! EFS volume only when --efs says which file system holds it.

use super::task::{Container, Task};
use super::{Cx, td};
use crate::convert::cursor::At;
use crate::convert::value::{Map, Value};
use crate::convert_map;
use std::collections::BTreeMap;

/// Which volumes made it into the task definition.
#[derive(Debug, Default)]
pub struct Mounts {
    /// Kubernetes volume name -> whether mounts of it are read-only (claims with readOnly).
    kept: BTreeMap<String, bool>,
    /// Kubernetes volume name -> why it was not converted.
    dropped: BTreeMap<String, String>,
}

pub fn convert(cx: &mut Cx<'_, '_>, volumes: Option<&At<'_>>, task: &mut Task) -> Mounts {
    let mut mounts = Mounts::default();
    let Some(volumes) = volumes else { return mounts };
    if !volumes.is_seq() {
        cx.ledger.invalid(volumes, "a list of volumes");
        return mounts;
    }
    if volumes.items().is_empty() {
        cx.ledger.empty(volumes);
    }
    for item in volumes.items() {
        let Some(name) = item.get("name").and_then(|n| n.str().map(str::to_owned)) else {
            cx.ledger.invalid(&item, "a volume with a name");
            continue;
        };
        let index = task.volumes.len();
        let to = |f: &str| td(format!("/volumes/{index}{f}"));
        let sources: Vec<(&str, At<'_>)> = item.entries().into_iter().filter(|(k, _)| *k != "name").collect();
        let [(kind, source)] = sources.as_slice() else {
            cx.ledger.invalid(&item, "a volume with exactly one source");
            mounts.dropped.insert(name, "it has no single source".into());
            continue;
        };
        let mut volume = convert_map! {"name" => name.clone()};
        let mut read_only = false;
        let kept = match *kind {
            "emptyDir" => {
                empty_dir(cx, source, &to);
                true
            }
            "hostPath" if cx.fargate() => {
                cx.not_on_fargate(
                    source,
                    "a host path volume",
                    "use an emptyDir (task storage) or EFS (--efs)",
                );
                false
            }
            "hostPath" => {
                for (k, field) in source.entries() {
                    match k {
                        "path" => cx.ledger.mapped(&field, to("/host/sourcePath")),
                        "type" => {
                            cx.ledger
                                .dropped(&field, "ECS does not check what the host path is", "nothing to convert")
                        }
                        _ => cx.ledger.unknown(&field, "HostPathVolumeSource"),
                    }
                }
                match source.get("path").and_then(|p| p.str()) {
                    Some(path) => {
                        volume.insert("host", convert_map! {"sourcePath" => path});
                        true
                    }
                    None => false,
                }
            }
            "persistentVolumeClaim" => {
                let claim = source.get("claimName").and_then(|c| c.str()).unwrap_or_default();
                match cx.opts.efs.iter().find(|m| m.claim == claim) {
                    Some(efs) => {
                        let mut config =
                            convert_map! {"fileSystemId" => efs.file_system.clone(), "transitEncryption" => "ENABLED"};
                        if let Some(ap) = &efs.access_point {
                            config.insert(
                                "authorizationConfig",
                                convert_map! {"accessPointId" => ap.clone(), "iam" => "ENABLED"},
                            );
                        }
                        volume.insert("efsVolumeConfiguration", config);
                        for (k, field) in source.entries() {
                            match k {
                                "claimName" => cx.ledger.mapped(&field, to("/efsVolumeConfiguration/fileSystemId")),
                                "readOnly" => {
                                    read_only = field.bool() == Some(true);
                                    cx.ledger.approx(
                                        &field,
                                        td(""),
                                        "ECS sets read-only per mount: applied to every mount of the volume",
                                    );
                                }
                                _ => cx.ledger.unknown(&field, "PersistentVolumeClaimVolumeSource"),
                            }
                        }
                        true
                    }
                    None => {
                        cx.ledger.dropped(
                            source,
                            format!("ECS has no persistent volume claims; which EFS file system holds {claim:?} is not known"),
                            format!("pass --efs {claim}=fs-XXXXXXXX[:fsap-XXXXXXXX] to mount an EFS file system instead"),
                        );
                        false
                    }
                }
            }
            "configMap" | "secret" | "projected" | "downwardAPI" => {
                cx.ledger.dropped(
                    source,
                    format!("ECS cannot mount a {kind} as files"),
                    "bake the files into the image, fetch them in the entrypoint (aws ssm get-parameter, aws secretsmanager get-secret-value), or put them on EFS",
                );
                false
            }
            _ => {
                cx.ledger.dropped(
                    source,
                    format!("ECS has no {kind} volumes"),
                    "use EFS (--efs for claims) or the task's ephemeral storage",
                );
                false
            }
        };
        if kept {
            cx.ledger.mapped(
                &At::new(item.node.get("name").unwrap_or(item.node), item.key_path("name")),
                to("/name"),
            );
            task.volumes.push(volume);
            mounts.kept.insert(name, read_only);
        } else {
            if let Some(n) = item.get("name") {
                cx.ledger
                    .dropped(&n, "its volume was not converted", "see the volume's source");
            }
            mounts
                .dropped
                .insert(name, format!("a {kind} volume, which was not converted"));
        }
    }
    mounts
}

fn empty_dir(cx: &mut Cx<'_, '_>, source: &At<'_>, to: &dyn Fn(&str) -> String) {
    if source.entries().is_empty() {
        // An empty emptyDir is the volume itself, not an empty setting.
        cx.ledger.mapped(source, to(""));
    }
    for (k, field) in source.entries() {
        match k {
            "medium" if field.str() == Some("Memory") => cx.ledger.approx(
                &field,
                to(""),
                "ECS task volumes live on the task's disk, not in memory (on EC2, linuxParameters.tmpfs mounts memory per container)",
            ),
            "medium" => cx.ledger.mapped(&field, to("")),
            "sizeLimit" => cx.ledger.approx(
                &field,
                to(""),
                "ECS task volumes share the task's ephemeral storage: no per-volume limit",
            ),
            _ => cx.ledger.unknown(&field, "EmptyDirVolumeSource"),
        }
    }
}

pub fn mount_points(cx: &mut Cx<'_, '_>, at: &At<'_>, c: &mut Container, index: usize, mounts: &Mounts) {
    if !at.is_seq() {
        cx.ledger.invalid(at, "a list of volume mounts");
        return;
    }
    if at.items().is_empty() {
        cx.ledger.empty(at);
    }
    let mut points = Vec::new();
    for item in at.items() {
        let name = item.get("name").and_then(|n| n.str()).unwrap_or_default();
        let path = item.get("mountPath").and_then(|p| p.str());
        let Some(path) = path else {
            cx.ledger.invalid(&item, "a volume mount with a mountPath");
            continue;
        };
        let Some(&volume_read_only) = mounts.kept.get(name) else {
            let why = mounts
                .dropped
                .get(name)
                .cloned()
                .unwrap_or_else(|| "no such volume in the pod".into());
            cx.ledger
                .dropped(&item, format!("mounts {name:?}: {why}"), "see the volume's note");
            continue;
        };
        let j = points.len();
        let p = |f: &str| td(format!("/containerDefinitions/{index}/mountPoints/{j}/{f}"));
        let mut point = Map::new();
        point.insert("sourceVolume", name);
        point.insert("containerPath", path);
        let mut read_only = volume_read_only;
        let sub_path = item.get("subPath").or_else(|| item.get("subPathExpr")).is_some();
        for (k, field) in item.entries() {
            match k {
                "name" => cx.ledger.mapped(&field, p("sourceVolume")),
                "mountPath" if sub_path => cx.ledger.approx(
                    &field,
                    p("containerPath"),
                    "the whole volume is mounted at this path, not the one file or directory subPath names",
                ),
                "mountPath" => cx.ledger.mapped(&field, p("containerPath")),
                "readOnly" => match field.bool() {
                    Some(b) => {
                        read_only |= b;
                        cx.ledger.mapped(&field, p("readOnly"));
                    }
                    None => cx.ledger.invalid(&field, "a boolean"),
                },
                "subPath" | "subPathExpr" => {
                    // The container sees every file of the volume, not only the part it was given.
                    cx.ledger.approx(
                        &field,
                        p("containerPath"),
                        "ECS mounts a whole volume: the container sees all of it at the mount path, not only the sub-path; point the application at the sub-directory, or use an EFS access point rooted there",
                    );
                    cx.ledger.security();
                }
                "mountPropagation" | "recursiveReadOnly" => {
                    cx.ledger
                        .dropped(&field, format!("ECS has no {k}"), "nothing to convert")
                }
                _ => cx.ledger.unknown(&field, "VolumeMount"),
            }
        }
        if read_only || item.get("readOnly").is_some() {
            point.insert("readOnly", read_only);
        }
        points.push(Value::Map(point));
    }
    c.map.insert_some("mountPoints", points);
}
