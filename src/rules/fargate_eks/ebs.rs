//! FG107 on PersistentVolumeClaims, PersistentVolumes and StatefulSet claim templates.

use super::{Check, NODE_GROUP, as_of, is_unset};

use crate::finding::{Finding, ids};
use crate::model::k8s::claim_templates;
use crate::parse::{Node, Span};

/// Storage class names that mean EBS on EKS: `gp2` is the in-tree EBS class EKS clusters have long
/// come with; the others are the EBS volume types, which EBS CSI and EKS examples use as class names
/// (`ebs-sc` is the EKS user guide's sample, `auto-ebs-sc` the EKS Auto Mode one). A class with
/// another name cannot be resolved from one object. As of 2026-11-21 (rules/FG107.yaml `as_of`).
const EBS_STORAGE_CLASSES: &[&str] = &["gp2", "gp3", "io1", "io2", "st1", "sc1", "ebs-sc", "auto-ebs-sc"];

/// The EBS CSI driver, self-managed or add-on, and the one built into EKS Auto Mode.
const EBS_CSI_DRIVERS: &[&str] = &["ebs.csi.aws.com", "ebs.csi.eks.amazonaws.com"];

pub(super) fn is_ebs_driver(node: &Node) -> bool {
    node.as_str().is_some_and(|d| EBS_CSI_DRIVERS.contains(&d))
}

pub(super) fn ebs_source(check: &Check<'_>, span: Span, pointer: &str, message: String) -> Finding {
    check
        .finding(ids::EKS_FG_EBS, span, pointer, message)
        .with_label("EBS is not mountable on Fargate")
        .with_help(format!(
            "use a statically provisioned EFS PersistentVolume (csi.driver efs.csi.aws.com) and a claim bound to it, or run the pod on {NODE_GROUP}"
        ))
}

/// FG107 for a `storageClassName` value.
pub(super) fn ebs_class(check: &Check<'_>, class: &Node, pointer: &str, out: &mut Vec<Finding>) {
    let Some(name) = class.as_str() else {
        return;
    };
    if !EBS_STORAGE_CLASSES.contains(&name) {
        return;
    }
    out.push(
        check
            .finding(
                ids::EKS_FG_EBS,
                class.span,
                pointer,
                format!(
                    "storage class {name} is EBS-backed: EBS volumes cannot be mounted on Fargate pods{}",
                    as_of(ids::EKS_FG_EBS, "EBS class names")
                ),
            )
            .with_label("EBS storage class")
            .with_help(format!(
                "Fargate mounts only EFS, statically provisioned: create an EFS PersistentVolume (csi.driver efs.csi.aws.com) and claim it with storageClassName \"\" or the PV's class, or run the pod on {NODE_GROUP}"
            )),
    );
}

pub(super) fn check(check: &Check<'_>, out: &mut Vec<Finding>) {
    let (group, _) = check.obj.group_version();
    let node = check.obj.node;
    match (group, check.obj.kind) {
        ("", "PersistentVolumeClaim") => {
            if let Some(class) = node.pointer("/spec/storageClassName").map(|(n, _)| n) {
                ebs_class(check, class, "/spec/storageClassName", out);
            } else if let Some(class) = node
                .get("metadata")
                .and_then(|m| m.get("annotations"))
                .and_then(|a| a.get("volume.beta.kubernetes.io/storage-class"))
            {
                ebs_class(
                    check,
                    class,
                    "/metadata/annotations/volume.beta.kubernetes.io~1storage-class",
                    out,
                );
            }
        }
        ("", "PersistentVolume") => {
            let Some(spec) = node.get("spec") else {
                return;
            };
            if let Some(entry) = spec.entry("awsElasticBlockStore") {
                if !is_unset(&entry.value) {
                    out.push(ebs_source(
                        check,
                        entry.key_span,
                        "/spec/awsElasticBlockStore",
                        "PersistentVolume is an EBS volume (awsElasticBlockStore): Fargate pods cannot mount it"
                            .to_owned(),
                    ));
                }
            }
            if let Some(driver) = spec.get("csi").and_then(|c| c.get("driver")) {
                if is_ebs_driver(driver) {
                    out.push(ebs_source(
                        check,
                        driver.span,
                        "/spec/csi/driver",
                        format!(
                            "PersistentVolume uses CSI driver {} (EBS): Fargate pods cannot mount it",
                            driver.scalar_text().unwrap_or_default()
                        ),
                    ));
                }
            }
        }
        ("apps", "StatefulSet") => {
            for template in claim_templates(check.obj) {
                if let Some((class, _)) = template.node.pointer("/spec/storageClassName") {
                    ebs_class(
                        check,
                        class,
                        &format!("{}/spec/storageClassName", template.pointer),
                        out,
                    );
                }
            }
        }
        _ => {}
    }
}
