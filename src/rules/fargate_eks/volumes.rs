//! FG106 (and FG107 for EBS): pod volumes.

use super::ebs::{ebs_class, ebs_source, is_ebs_driver};
use super::{Check, NODE_GROUP, as_of, is_unset};
use crate::finding::{Finding, ids};
use crate::parse::{Entry, Node};

/// Pod volume sources a Fargate pod may use (FG106 reports every other source Kubernetes knows).
/// From the EKS user guide and the scheduler's rejections: no host filesystem (`hostPath`), no
/// inline CSI (the Secrets Store and cert-manager CSI drivers are refused as "an unsupported volume
/// Type"), no in-tree network or cloud disks; EFS only through a statically provisioned
/// PersistentVolume behind a `persistentVolumeClaim`. `ephemeral` (generic ephemeral volumes) is let
/// through: it is a claim like any other, and FG107 checks its storage class. As of 2026-11-21
/// (rules/FG106.yaml `as_of`).
const SUPPORTED_VOLUMES: &[&str] = &[
    "configMap",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// Every volume source of core/v1 `VolumeSource`; keys outside this list are typos the schema
/// rules report, not volume types.
const VOLUME_SOURCES: &[&str] = &[
    "awsElasticBlockStore",
    "azureDisk",
    "azureFile",
    "cephfs",
    "cinder",
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "fc",
    "flexVolume",
    "flocker",
    "gcePersistentDisk",
    "gitRepo",
    "glusterfs",
    "hostPath",
    "image",
    "iscsi",
    "nfs",
    "persistentVolumeClaim",
    "photonPersistentDisk",
    "portworxVolume",
    "projected",
    "quobyte",
    "rbd",
    "scaleIO",
    "secret",
    "storageos",
    "vsphereVolume",
];

pub(super) fn check(check: &Check<'_>, spec: &Node, at: &str, out: &mut Vec<Finding>) {
    let items = spec.get("volumes").and_then(Node::as_seq).unwrap_or_default();
    for (i, volume) in items.iter().enumerate() {
        let Some(entries) = volume.as_map() else {
            continue;
        };
        let name = volume.get("name").and_then(Node::as_str).unwrap_or("?");
        let pointer = format!("{at}/volumes/{i}");
        for entry in entries {
            if entry.key == "name" || is_unset(&entry.value) {
                continue;
            }
            if entry.key == "ephemeral" {
                if let Some((class, _)) = entry.value.pointer("/volumeClaimTemplate/spec/storageClassName") {
                    let class_pointer = format!("{pointer}/ephemeral/volumeClaimTemplate/spec/storageClassName");
                    ebs_class(check, class, &class_pointer, out);
                    super::storage::ephemeral_class(check, class, &class_pointer, out);
                }
            }
            if SUPPORTED_VOLUMES.contains(&entry.key.as_str()) || !VOLUME_SOURCES.contains(&entry.key.as_str()) {
                continue;
            }
            if entry.key == "awsElasticBlockStore" {
                out.push(ebs_source(
                    check,
                    entry.key_span,
                    &format!("{pointer}/awsElasticBlockStore"),
                    format!("Pod not supported on Fargate: volumes not supported: {name} is an EBS volume (awsElasticBlockStore)"),
                ));
                continue;
            }
            if entry.key == "csi" {
                if let Some(driver) = entry.value.get("driver") {
                    if is_ebs_driver(driver) {
                        out.push(ebs_source(
                            check,
                            driver.span,
                            &format!("{pointer}/csi/driver"),
                            format!(
                                "Pod not supported on Fargate: volumes not supported: {name} is an EBS volume (CSI driver {})",
                                driver.scalar_text().unwrap_or_default()
                            ),
                        ));
                        continue;
                    }
                    if let Some(what) = driver.as_str().and_then(super::storage::unmountable_driver) {
                        out.push(super::storage::csi_finding(
                            check,
                            driver.span,
                            &format!("{pointer}/csi/driver"),
                            format!(
                                "Pod not supported on Fargate: volumes not supported: {name} is a {what} volume (CSI driver {})",
                                driver.scalar_text().unwrap_or_default()
                            ),
                        ));
                        continue;
                    }
                }
            }
            out.push(
                check
                    .finding(
                        ids::EKS_FG_VOLUME,
                        entry.key_span,
                        &format!("{pointer}/{}", entry.key),
                        format!(
                            "Pod not supported on Fargate: volumes not supported: {name} is of an unsupported volume Type ({}){}",
                            volume_kind(entry),
                            as_of(ids::EKS_FG_VOLUME, "Fargate volume types")
                        ),
                    )
                    .with_label("not on Fargate")
                    .with_help(volume_help(entry)),
            );
        }
    }
}

/// CSI drivers whose inline volumes people expect to work, named in FG106's message.
const NAMED_CSI_DRIVERS: &[(&str, &str)] = &[
    ("secrets-store.csi.k8s.io", "the Secrets Store CSI driver"),
    ("csi.cert-manager.io", "cert-manager's csi-driver"),
];

/// The volume type as FG106 shows it: the key, and for inline CSI the driver.
fn volume_kind(entry: &Entry) -> String {
    if entry.key != "csi" {
        return entry.key.clone();
    }
    let Some(driver) = entry.value.get("driver").and_then(Node::as_str) else {
        return entry.key.clone();
    };
    match NAMED_CSI_DRIVERS.iter().find(|(d, _)| *d == driver) {
        Some((_, what)) => format!("csi, driver {driver}: {what}"),
        None => format!("csi, driver {driver}"),
    }
}

fn volume_help(entry: &Entry) -> String {
    let supported = "Fargate pods can use emptyDir, configMap, secret, downwardAPI, projected and a persistentVolumeClaim bound to a statically provisioned EFS PersistentVolume (efs.csi.aws.com)";
    match entry.key.as_str() {
        "hostPath" => format!(
            "a Fargate pod has no host filesystem: use emptyDir for scratch space or EFS for shared files; {supported}"
        ),
        "csi" => {
            let driver = entry.value.get("driver").and_then(Node::as_str).unwrap_or("?");
            if driver == "secrets-store.csi.k8s.io" {
                return format!(
                    "the Secrets Store CSI driver and its AWS provider run as DaemonSets, which Fargate doesn't run: keep the secret in a Kubernetes Secret (synced from Secrets Manager or Parameter Store by e.g. the External Secrets Operator) and mount it as a secret volume, or read it with the AWS SDK using IRSA; {supported}"
                );
            }
            format!(
                "inline CSI volumes (driver {driver}) are not mounted on Fargate: use a Secret or ConfigMap, or an EFS PersistentVolume and claim; {supported}"
            )
        }
        _ => format!("{supported}; or run the pod on {NODE_GROUP}"),
    }
}
