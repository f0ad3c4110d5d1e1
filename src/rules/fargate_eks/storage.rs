//! EKS on Fargate storage beyond EBS (FG107): dynamically provisioned EFS (FG113) and the FSx and
//! Mountpoint for S3 CSI drivers (FG114), none of which a Fargate pod can mount.

use super::{Check, NODE_GROUP, as_of, is_unset};
use crate::finding::Finding;
use crate::finding::ids;
use crate::model::k8s::claim_templates;
use crate::parse::{Document, Node, Span};

/// The EFS CSI driver. Fargate mounts its volumes itself, statically provisioned only.
const EFS_DRIVER: &str = "efs.csi.aws.com";

/// CSI drivers whose node plugin is a DaemonSet (so never on a Fargate node), with what they
/// serve. From the EKS user guide: Fargate offers no FSx for Lustre, and "the Mountpoint for Amazon
/// S3 CSI driver doesn't support AWS Fargate". As of 2026-11-21 (rules/FG114.yaml `as_of`).
const NODE_PLUGIN_DRIVERS: &[(&str, &str)] = &[
    ("fsx.csi.aws.com", "FSx for Lustre"),
    ("fsx.openzfs.csi.aws.com", "FSx for OpenZFS"),
    ("csi.trident.netapp.io", "NetApp Trident, FSx for NetApp ONTAP"),
    ("s3.csi.aws.com", "Mountpoint for Amazon S3"),
];

/// What a CSI driver that Fargate cannot mount serves, or None.
pub(super) fn unmountable_driver(driver: &str) -> Option<&'static str> {
    NODE_PLUGIN_DRIVERS
        .iter()
        .find(|(name, _)| *name == driver)
        .map(|(_, what)| *what)
}

pub(super) fn check(check: &Check<'_>, out: &mut Vec<Finding>) {
    let (group, _) = check.obj.group_version();
    let node = check.obj.node;
    match (group, check.obj.kind) {
        ("storage.k8s.io", "StorageClass") => storage_class(check, node, out),
        ("", "PersistentVolume") => {
            if let Some(driver) = node.pointer("/spec/csi/driver").map(|(n, _)| n) {
                csi_driver(check, driver, "/spec/csi/driver", "PersistentVolume", out);
            }
        }
        ("", "PersistentVolumeClaim") => {
            if let Some((class, _)) = node.pointer("/spec/storageClassName") {
                claim_class(check, class, "/spec/storageClassName", out);
            }
        }
        ("apps", "StatefulSet") => {
            for template in claim_templates(check.obj) {
                if let Some((class, _)) = template.node.pointer("/spec/storageClassName") {
                    claim_class(
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

/// FG113 for a generic ephemeral volume's claim template (called from the pod volume checks).
pub(super) fn ephemeral_class(check: &Check<'_>, class: &Node, pointer: &str, out: &mut Vec<Finding>) {
    claim_class(check, class, pointer, out);
}

/// FG113 / FG114 on a StorageClass.
fn storage_class(check: &Check<'_>, node: &Node, out: &mut Vec<Finding>) {
    let Some(provisioner) = node.get("provisioner") else {
        return;
    };
    if provisioner.as_str() == Some(EFS_DRIVER) {
        if let Some(mode) = dynamic_mode(node) {
            out.push(dynamic_efs(
                check,
                mode.span,
                "/parameters/provisioningMode",
                format!(
                    "StorageClass provisions EFS access points dynamically (provisioningMode {}): Fargate pods can use EFS only through statically provisioned PersistentVolumes{}",
                    mode.scalar_text().unwrap_or_default(),
                    as_of(ids::EKS_FG_EFS_DYNAMIC, "EKS Fargate storage")
                ),
            ));
        }
        return;
    }
    csi_driver(check, provisioner, "/provisioner", "StorageClass", out);
}

/// `parameters.provisioningMode` of an EFS class: the EFS CSI driver provisions dynamically only
/// with it (a class without parameters is the EKS guide's class for static volumes).
fn dynamic_mode(class: &Node) -> Option<&Node> {
    class
        .get("parameters")
        .and_then(|p| p.get("provisioningMode"))
        .filter(|m| !is_unset(m))
}

fn dynamic_efs(check: &Check<'_>, span: Span, pointer: &str, message: String) -> Finding {
    check
        .finding(ids::EKS_FG_EFS_DYNAMIC, span, pointer, message)
        .with_label("dynamic EFS provisioning")
        .with_help(format!(
            "create the EFS file system (and access point) yourself, declare a PersistentVolume with csi.driver efs.csi.aws.com and volumeHandle fs-...[::fsap-...], and bind the claim to it (volumeName, or a class without provisioningMode); or run the pod on {NODE_GROUP}"
        ))
}

/// FG114 for a PersistentVolume's driver or a StorageClass's provisioner.
fn csi_driver(check: &Check<'_>, driver: &Node, pointer: &str, kind: &str, out: &mut Vec<Finding>) {
    let Some(name) = driver.as_str() else {
        return;
    };
    let Some(what) = unmountable_driver(name) else {
        return;
    };
    let message = if kind == "PersistentVolume" {
        format!(
            "PersistentVolume uses CSI driver {name} ({what}): a Fargate pod bound to it stays Pending (PVC bound to invalid PV with CSI Driver: {name}){}",
            as_of(ids::EKS_FG_CSI_STORAGE, "Fargate CSI drivers")
        )
    } else {
        format!(
            "StorageClass provisions with {name} ({what}), whose volumes Fargate pods cannot mount{}",
            as_of(ids::EKS_FG_CSI_STORAGE, "Fargate CSI drivers")
        )
    };
    out.push(csi_finding(check, driver.span, pointer, message));
}

pub(super) fn csi_finding(check: &Check<'_>, span: Span, pointer: &str, message: String) -> Finding {
    check
        .finding(ids::EKS_FG_CSI_STORAGE, span, pointer, message)
        .with_label("not mountable on Fargate")
        .with_help(format!(
            "a Fargate node runs no CSI node plugins; it mounts only EFS (a statically provisioned PersistentVolume with csi.driver efs.csi.aws.com): move the data to EFS, or run the pod on {NODE_GROUP}"
        ))
}

/// FG113 for a claim whose class is a dynamic EFS class in the same document (a `List`): one object
/// alone does not say what its class provisions.
fn claim_class(check: &Check<'_>, class: &Node, pointer: &str, out: &mut Vec<Finding>) {
    let Some(name) = class.as_str().filter(|n| !n.is_empty()) else {
        return;
    };
    if !dynamic_efs_classes(check.doc).contains(&name) {
        return;
    }
    out.push(dynamic_efs(
        check,
        class.span,
        pointer,
        format!(
            "storage class {name} provisions EFS volumes dynamically: Fargate pods can use EFS only through statically provisioned PersistentVolumes{}",
            as_of(ids::EKS_FG_EFS_DYNAMIC, "EKS Fargate storage")
        ),
    ));
}

/// Names of the dynamic EFS StorageClasses among a `List` document's items.
fn dynamic_efs_classes(doc: &Document) -> Vec<&str> {
    let items = doc
        .root
        .as_ref()
        .and_then(|r| r.get("items"))
        .and_then(Node::as_seq)
        .unwrap_or_default();
    items
        .iter()
        .filter(|item| {
            item.get("kind").and_then(Node::as_str) == Some("StorageClass")
                && item.get("provisioner").and_then(Node::as_str) == Some(EFS_DRIVER)
                && dynamic_mode(item).is_some()
        })
        .filter_map(|item| item.get("metadata")?.get("name")?.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::finding::Finding;

    fn findings(text: &str) -> Vec<Finding> {
        let mut out = super::super::findings_in(text);
        out.retain(|f| matches!(f.rule, "FG113" | "FG114"));
        out
    }

    #[test]
    fn efs_classes_static_and_dynamic() {
        let static_class = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: efs-sc}\nprovisioner: efs.csi.aws.com\n";
        assert!(findings(static_class).is_empty());
        let empty_mode = format!("{static_class}parameters: {{provisioningMode: \"\"}}\n");
        assert!(findings(&empty_mode).is_empty());
        let dynamic = format!("{static_class}parameters: {{provisioningMode: efs-ap, fileSystemId: fs-1}}\n");
        let found = findings(&dynamic);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer.as_deref(), Some("/parameters/provisioningMode"));
    }

    #[test]
    fn claims_resolve_classes_of_the_same_list() {
        let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: storage.k8s.io/v1\n  kind: StorageClass\n  metadata: {name: efs-dyn}\n  provisioner: efs.csi.aws.com\n  parameters: {provisioningMode: efs-ap}\n- apiVersion: v1\n  kind: PersistentVolumeClaim\n  metadata: {name: a}\n  spec: {storageClassName: efs-dyn}\n- apiVersion: v1\n  kind: PersistentVolumeClaim\n  metadata: {name: b}\n  spec: {storageClassName: efs-sc}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n  spec:\n    containers: [{name: a}]\n    volumes: [{name: v, ephemeral: {volumeClaimTemplate: {spec: {storageClassName: efs-dyn}}}}]\n";
        let pointers: Vec<String> = findings(list).into_iter().filter_map(|f| f.pointer).collect();
        assert_eq!(
            pointers,
            [
                "/items/0/parameters/provisioningMode",
                "/items/1/spec/storageClassName",
                "/items/3/spec/volumes/0/ephemeral/volumeClaimTemplate/spec/storageClassName",
            ]
        );
    }

    #[test]
    fn fsx_and_s3_drivers() {
        let pv = "apiVersion: v1\nkind: PersistentVolume\nspec: {csi: {driver: fsx.csi.aws.com, volumeHandle: fs-1}}\n";
        let found = findings(pv);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("FSx for Lustre"), "{}", found[0].message);
        let sc = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nprovisioner: fsx.openzfs.csi.aws.com\n";
        assert_eq!(findings(sc).len(), 1);
        let inline = "apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a}]\n  volumes: [{name: s3, csi: {driver: s3.csi.aws.com}}]\n";
        let found = findings(inline);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer.as_deref(), Some("/spec/volumes/0/csi/driver"));
        let efs =
            "apiVersion: v1\nkind: PersistentVolume\nspec: {csi: {driver: efs.csi.aws.com, volumeHandle: fs-1}}\n";
        assert!(findings(efs).is_empty());
        let odd = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nprovisioner: [fsx.csi.aws.com]\nparameters: 3\n";
        assert!(findings(odd).is_empty());
    }
}
