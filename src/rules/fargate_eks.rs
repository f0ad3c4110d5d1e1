//! EKS on Fargate: what the Fargate scheduler (`fargate-scheduler`) refuses in a pod, and the
//! storage and nodes Fargate does not offer (../shared/reference/aws-facts.md section 2).
//!
//! Runs for every Kubernetes object with `--target eks-fargate`. Messages echo the scheduler's own
//! event text (`Pod not supported on Fargate: ...`) so users recognise it. Odd input (wrong types,
//! missing fields) is skipped: the schema rules report it.

use crate::detect::K8sObject;
use crate::finding::Finding;
use crate::finding::ids;
use crate::model::quantity;
use crate::parse::{Document, Entry, Node, NodeKind, Scalar, Span};

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

/// Storage class names that mean EBS on EKS: `gp2` is the in-tree EBS class EKS clusters have long
/// come with; the others are the EBS volume types, which EBS CSI and EKS examples use as class names
/// (`ebs-sc` is the EKS user guide's sample, `auto-ebs-sc` the EKS Auto Mode one). A class with
/// another name cannot be resolved from one object. As of 2026-11-21 (rules/FG107.yaml `as_of`).
const EBS_STORAGE_CLASSES: &[&str] = &["gp2", "gp3", "io1", "io2", "st1", "sc1", "ebs-sc", "auto-ebs-sc"];

/// The EBS CSI driver, self-managed or add-on, and the one built into EKS Auto Mode.
const EBS_CSI_DRIVERS: &[&str] = &["ebs.csi.aws.com", "ebs.csi.eks.amazonaws.com"];

fn is_ebs_driver(node: &Node) -> bool {
    node.as_str().is_some_and(|d| EBS_CSI_DRIVERS.contains(&d))
}

/// Ephemeral storage a Fargate pod can have (20 GiB included, up to 175 GiB on request).
const MAX_EPHEMERAL_GIB: f64 = 175.0;
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// The containers of a pod spec: init containers run first, ephemeral containers are added to a
/// running pod (`kubectl debug`).
const CONTAINER_LISTS: &[&str] = &["initContainers", "containers", "ephemeralContainers"];

const ARCH_LABELS: &[&str] = &["kubernetes.io/arch", "beta.kubernetes.io/arch"];
const OS_LABELS: &[&str] = &["kubernetes.io/os", "beta.kubernetes.io/os"];

/// The way out for anything Fargate cannot run.
pub(super) const NODE_GROUP: &str =
    "a managed node group (give the workload a namespace or labels that no Fargate profile selects)";

/// One object being checked.
pub(super) struct Check<'a> {
    pub(super) file: &'a str,
    pub(super) doc: &'a Document,
    pub(super) obj: &'a K8sObject<'a>,
}

impl Check<'_> {
    pub(super) fn finding(&self, rule: &'static str, span: Span, pointer: &str, message: String) -> Finding {
        Finding::at(rule, super::severity(rule), self.file, self.doc, span, message)
            .with_pointer(format!("{}{pointer}", self.obj.pointer))
            .with_object(Some(self.obj.label()))
    }
}

/// One container of a pod spec, with its pointer relative to the object.
pub(super) struct Container<'a> {
    pub(super) node: &'a Node,
    pub(super) pointer: String,
    /// `initContainers`, `containers` or `ephemeralContainers`.
    pub(super) list: &'static str,
}

impl Container<'_> {
    fn name(&self) -> &str {
        self.node.get("name").and_then(Node::as_str).unwrap_or("?")
    }
}

/// The EKS-on-Fargate findings of every object in a one-document YAML text, for the tests of
/// this module and its siblings.
#[cfg(test)]
pub(super) fn findings_in(text: &str) -> Vec<Finding> {
    use crate::detect::{Detected, detect};
    let d = crate::parse::yaml_text(text, &crate::parse::Limits::default()).remove(0);
    let mut out = Vec::new();
    if let Some(Detected::Kubernetes(objs)) = d.root.as_ref().map(detect) {
        for obj in &objs {
            check("f.yaml", &d, obj, &mut out);
        }
    }
    out
}

pub fn check(file: &str, doc: &Document, obj: &K8sObject<'_>, out: &mut Vec<Finding>) {
    let check = Check { file, doc, obj };
    daemonset(&check, out);
    storage_objects(&check, out);
    super::fargate_eks_storage::check(&check, out);
    super::fargate_eks_network::check(&check, out);
    let Some((spec, at)) = pod_spec(obj) else {
        super::fargate_eks_identity::check(&check, &[], out);
        return;
    };
    let containers = containers(spec, at);
    host_fields(&check, spec, at, out);
    privileged(&check, &containers, out);
    host_ports(&check, &containers, out);
    volumes(&check, spec, at, out);
    node_selection(&check, spec, at, &containers, out);
    ephemeral_storage(&check, &containers, out);
    super::fargate_eks_identity::check(&check, &containers, out);
    super::eks_sizing::check(&check, spec, at, &containers, out);
}

/// The pod spec of a Pod or of a workload's pod template, and its pointer in the object.
/// Only the built-in API groups: a custom resource named `Deployment` is something else.
pub(super) fn pod_spec<'n>(obj: &K8sObject<'n>) -> Option<(&'n Node, &'static str)> {
    let (group, _) = obj.group_version();
    let pointer = match (group, obj.kind) {
        ("", "Pod") => "/spec",
        ("", "ReplicationController")
        | ("apps" | "extensions", "Deployment" | "ReplicaSet" | "DaemonSet")
        | ("apps", "StatefulSet")
        | ("batch", "Job") => "/spec/template/spec",
        ("batch", "CronJob") => "/spec/jobTemplate/spec/template/spec",
        _ => return None,
    };
    let node: &'n Node = obj.node;
    let (spec, _) = node.pointer(pointer)?;
    spec.as_map().map(|_| (spec, pointer))
}

/// The metadata of a Pod or of a workload's pod template (where pod annotations go), and its
/// pointer in the object.
pub(super) fn pod_metadata<'n>(obj: &K8sObject<'n>) -> Option<(&'n Node, String)> {
    let (_, spec_at) = pod_spec(obj)?;
    let at = format!("{}/metadata", spec_at.strip_suffix("/spec").unwrap_or(""));
    let node: &'n Node = obj.node;
    let (metadata, _) = node.pointer(&at)?;
    metadata.as_map().map(|_| (metadata, at))
}

pub(super) fn containers<'a>(spec: &'a Node, at: &str) -> Vec<Container<'a>> {
    let mut out = Vec::new();
    for list in CONTAINER_LISTS {
        let items = spec.get(list).and_then(Node::as_seq).unwrap_or_default();
        for (i, node) in items.iter().enumerate() {
            if node.as_map().is_some() {
                out.push(Container {
                    node,
                    pointer: format!("{at}/{list}/{i}"),
                    list,
                });
            }
        }
    }
    out
}

fn is_true(node: &Node) -> bool {
    matches!(
        node.kind,
        NodeKind::Scalar {
            value: Scalar::Bool(true),
            ..
        }
    )
}

fn is_bool(node: &Node) -> bool {
    matches!(
        node.kind,
        NodeKind::Scalar {
            value: Scalar::Bool(_),
            ..
        }
    )
}

/// What the API server reads as "not set": null, false, 0, "".
pub(super) fn is_unset(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar { value, .. } => match value {
            Scalar::Null | Scalar::Bool(false) => true,
            Scalar::Number(n) => n.as_f64() == Some(0.0),
            Scalar::Str(s) => s.is_empty(),
            Scalar::Bool(true) | Scalar::NonFinite(_) => false,
        },
        NodeKind::Seq(items) => items.is_empty(),
        NodeKind::Map(_) => false,
    }
}

/// The as-of date of a rule's facts, from its data file.
pub(super) fn as_of(rule: &str, what: &str) -> String {
    super::get(rule)
        .and_then(|r| r.as_of.clone())
        .map_or_else(String::new, |d| format!(" ({what} as of {d})"))
}

/// FG101: no DaemonSet pod ever runs on a Fargate node.
fn daemonset(check: &Check<'_>, out: &mut Vec<Finding>) {
    let (group, _) = check.obj.group_version();
    if check.obj.kind != "DaemonSet" || !matches!(group, "apps" | "extensions") {
        return;
    }
    let Some(kind) = check.obj.node.entry("kind") else {
        return;
    };
    out.push(
        check
            .finding(
                ids::EKS_FG_DAEMONSET,
                kind.value.span,
                "/kind",
                "DaemonSets are not supported on Fargate: each Fargate pod gets a node of its own, and no daemon pod runs there".to_owned(),
            )
            .with_label("not on Fargate")
            .with_help(format!(
                "run the agent as a sidecar container in the pods that need it, or run the DaemonSet on {NODE_GROUP}"
            )),
    );
}

/// FG103 / FG105: pod-level host namespaces.
fn host_fields(check: &Check<'_>, spec: &Node, at: &str, out: &mut Vec<Finding>) {
    let fields: [(&str, &str, &'static str, &str); 3] = [
        (
            "hostNetwork",
            "HostNetwork",
            ids::EKS_FG_HOST_NETWORK,
            "remove hostNetwork: every Fargate pod has its own network interface and VPC IP address; expose it with a Service",
        ),
        (
            "hostPID",
            "HostPID",
            ids::EKS_FG_HOST_NAMESPACES,
            "remove hostPID: a Fargate pod runs alone in its own VM, there is no host process namespace to share (use shareProcessNamespace between the pod's containers)",
        ),
        (
            "hostIPC",
            "HostIPC",
            ids::EKS_FG_HOST_NAMESPACES,
            "remove hostIPC: a Fargate pod runs alone in its own VM, there is no host IPC namespace to share",
        ),
    ];
    for (field, shown, rule, help) in fields {
        let Some(entry) = spec.entry(field) else {
            continue;
        };
        if !is_true(&entry.value) {
            continue;
        }
        out.push(
            check
                .finding(
                    rule,
                    entry.value.span,
                    &format!("{at}/{field}"),
                    format!("Pod not supported on Fargate: fields not supported: {shown}"),
                )
                .with_label("not on Fargate")
                .with_help(format!("{help}; or run the pod on {NODE_GROUP}")),
        );
    }
}

/// FG102: privileged containers.
fn privileged(check: &Check<'_>, containers: &[Container<'_>], out: &mut Vec<Finding>) {
    for c in containers {
        let Some(entry) = c.node.get("securityContext").and_then(|s| s.entry("privileged")) else {
            continue;
        };
        if !is_true(&entry.value) {
            continue;
        }
        out.push(
            check
                .finding(
                    ids::EKS_FG_PRIVILEGED,
                    entry.value.span,
                    &format!("{}/securityContext/privileged", c.pointer),
                    format!(
                        "Pod not supported on Fargate: invalid SecurityContext fields: Privileged (container \"{}\")",
                        c.name()
                    ),
                )
                .with_label("not on Fargate")
                .with_help(format!(
                    "remove privileged: true (a Fargate pod has no host devices or kernel settings to reach), or run the pod on {NODE_GROUP}"
                )),
        );
    }
}

/// FG104: hostPort / hostIP in a container port.
fn host_ports(check: &Check<'_>, containers: &[Container<'_>], out: &mut Vec<Finding>) {
    for c in containers {
        let ports = c.node.get("ports").and_then(Node::as_seq).unwrap_or_default();
        for (j, port) in ports.iter().enumerate() {
            for field in ["hostPort", "hostIP"] {
                let Some(entry) = port.entry(field) else {
                    continue;
                };
                // A wrong type (a map, a list) is the schema rules' business.
                let set = !is_unset(&entry.value) && !is_bool(&entry.value);
                let Some(value) = &entry.value.scalar_text().filter(|_| set) else {
                    continue;
                };
                out.push(
                    check
                        .finding(
                            ids::EKS_FG_HOST_PORT,
                            entry.key_span,
                            &format!("{}/ports/{j}/{field}", c.pointer),
                            format!(
                                "Pod not supported on Fargate: port contains HostIP or HostPort ({field} {value} in container \"{}\")",
                                c.name()
                            ),
                        )
                        .with_label("not on Fargate")
                        .with_help(format!(
                            "remove {field}: the pod has its own VPC IP address, reach its containerPort directly or through a Service"
                        )),
                );
            }
        }
    }
}

/// FG106 (and FG107 for EBS): pod volumes.
fn volumes(check: &Check<'_>, spec: &Node, at: &str, out: &mut Vec<Finding>) {
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
                    super::fargate_eks_storage::ephemeral_class(check, class, &class_pointer, out);
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
                    if let Some(what) = driver.as_str().and_then(super::fargate_eks_storage::unmountable_driver) {
                        out.push(super::fargate_eks_storage::csi_finding(
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

fn ebs_source(check: &Check<'_>, span: Span, pointer: &str, message: String) -> Finding {
    check
        .finding(ids::EKS_FG_EBS, span, pointer, message)
        .with_label("EBS is not mountable on Fargate")
        .with_help(format!(
            "use a statically provisioned EFS PersistentVolume (csi.driver efs.csi.aws.com) and a claim bound to it, or run the pod on {NODE_GROUP}"
        ))
}

/// FG107 for a `storageClassName` value.
fn ebs_class(check: &Check<'_>, class: &Node, pointer: &str, out: &mut Vec<Finding>) {
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

/// FG107 on PersistentVolumeClaims, PersistentVolumes and StatefulSet claim templates.
fn storage_objects(check: &Check<'_>, out: &mut Vec<Finding>) {
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
            let templates = node
                .pointer("/spec/volumeClaimTemplates")
                .and_then(|(n, _)| n.as_seq())
                .unwrap_or_default();
            for (i, template) in templates.iter().enumerate() {
                if let Some((class, _)) = template.pointer("/spec/storageClassName") {
                    ebs_class(
                        check,
                        class,
                        &format!("/spec/volumeClaimTemplates/{i}/spec/storageClassName"),
                        out,
                    );
                }
            }
        }
        _ => {}
    }
}

/// What a node label or selector asks for that Fargate does not offer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unavailable {
    Arch,
    Windows,
    Gpu,
    /// FG115: EKS has no Fargate Spot.
    Spot,
}

impl Unavailable {
    fn rule(self) -> &'static str {
        match self {
            Unavailable::Spot => ids::EKS_FG_SPOT,
            Unavailable::Arch | Unavailable::Windows | Unavailable::Gpu => ids::EKS_FG_NODE_SELECTION,
        }
    }

    fn reason(self) -> &'static str {
        match self {
            Unavailable::Arch => "Fargate on EKS runs x86_64 (amd64) Linux pods only",
            Unavailable::Windows => "Fargate on EKS runs Linux pods only",
            Unavailable::Gpu => "GPUs and accelerators (Inferentia, Trainium) are not available on Fargate",
            Unavailable::Spot => {
                "Amazon EKS doesn't support Fargate Spot: every Fargate pod runs on on-demand capacity"
            }
        }
    }

    fn help(self) -> String {
        match self {
            Unavailable::Arch => format!(
                "publish an amd64 (or multi-arch) image and select kubernetes.io/arch: amd64 or drop the selector; run Arm (Graviton) pods on {NODE_GROUP}"
            ),
            Unavailable::Windows => format!("run Windows pods on {NODE_GROUP}"),
            Unavailable::Gpu => format!("run GPU and Inferentia/Trainium pods on {NODE_GROUP}"),
            Unavailable::Spot => format!(
                "drop the capacity-type selector to run on Fargate (on-demand), or run the pod on Spot instances in {NODE_GROUP}"
            ),
        }
    }
}

fn mentions_gpu(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["gpu", "accelerator", "inferentia", "trainium", "neuron"]
        .iter()
        .any(|w| t.contains(w))
}

/// Node labels that tell Spot capacity from on-demand (EKS managed node groups, Karpenter), with
/// their Spot and on-demand values.
const CAPACITY_LABELS: &[(&str, &str, &str)] = &[
    ("eks.amazonaws.com/capacityType", "SPOT", "ON_DEMAND"),
    ("karpenter.sh/capacity-type", "spot", "on-demand"),
];

fn capacity_label(key: &str) -> Option<(&'static str, &'static str)> {
    CAPACITY_LABELS
        .iter()
        .find(|(label, _, _)| *label == key)
        .map(|(_, spot, on_demand)| (*spot, *on_demand))
}

/// Label values that say "no".
fn is_no(value: &str) -> bool {
    matches!(value.to_ascii_lowercase().as_str(), "" | "false" | "0" | "no" | "none")
}

/// An extended resource that is a GPU or an AWS Inferentia/Trainium device.
fn is_gpu_resource(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("gpu") || n.starts_with("aws.amazon.com/neuron")
}

/// FG108: node selectors, required node affinity, `os.name` and extended resources that no Fargate
/// node satisfies.
fn node_selection(check: &Check<'_>, spec: &Node, at: &str, containers: &[Container<'_>], out: &mut Vec<Finding>) {
    let push = |out: &mut Vec<Finding>, span: Span, pointer: String, message: String, what: Unavailable| {
        out.push(
            check
                .finding(what.rule(), span, &pointer, message)
                .with_label("no Fargate node has this")
                .with_help(what.help()),
        );
    };
    let selector = spec.get("nodeSelector").and_then(Node::as_map).unwrap_or_default();
    for entry in selector {
        let pointer = format!("{at}/nodeSelector/{}", entry.key.replace('~', "~0").replace('/', "~1"));
        let value = entry.value.scalar_text().unwrap_or_default();
        let key = entry.key.as_str();
        let found = if ARCH_LABELS.contains(&key) && !value.is_empty() && value != "amd64" {
            Some((Unavailable::Arch, entry.value.span))
        } else if OS_LABELS.contains(&key) && !value.is_empty() && value != "linux" {
            Some((Unavailable::Windows, entry.value.span))
        } else if capacity_label(key).is_some_and(|(spot, _)| value == spot) {
            Some((Unavailable::Spot, entry.value.span))
        } else if mentions_gpu(key) && !is_no(&value) {
            Some((Unavailable::Gpu, entry.key_span))
        } else if mentions_gpu(&value) {
            Some((Unavailable::Gpu, entry.value.span))
        } else {
            None
        };
        if let Some((what, span)) = found {
            let message = format!("nodeSelector {key}: {value} matches no Fargate node: {}", what.reason());
            push(out, span, pointer, message, what);
        }
    }
    if let Some(os) = spec.get("os").and_then(|o| o.get("name")) {
        if os.as_str().is_some_and(|n| n != "linux") {
            let message = format!(
                "os.name {} matches no Fargate node: {}",
                os.scalar_text().unwrap_or_default(),
                Unavailable::Windows.reason()
            );
            push(out, os.span, format!("{at}/os/name"), message, Unavailable::Windows);
        }
    }
    required_affinity(spec, at, |span, pointer, message, what| {
        push(out, span, pointer, message, what);
    });
    for c in containers {
        let Some(resources) = c.node.get("resources") else {
            continue;
        };
        // Extended resources must have requests equal to limits: report one of the two.
        let limits = resources.get("limits").and_then(Node::as_map).unwrap_or_default();
        let requests = resources.get("requests").and_then(Node::as_map).unwrap_or_default();
        let mut seen: Vec<&str> = Vec::new();
        for (section, entries) in [("limits", limits), ("requests", requests)] {
            for entry in entries {
                if !is_gpu_resource(&entry.key) || seen.contains(&entry.key.as_str()) {
                    continue;
                }
                seen.push(&entry.key);
                if quantity::value_of(&entry.value).is_some_and(|q| q <= 0.0) {
                    continue;
                }
                let message = format!(
                    "container \"{}\" asks for {} {} ({section}): {}",
                    c.name(),
                    &entry.value.scalar_text().unwrap_or_default(),
                    entry.key,
                    Unavailable::Gpu.reason()
                );
                push(
                    out,
                    entry.key_span,
                    format!(
                        "{}/resources/{section}/{}",
                        c.pointer,
                        entry.key.replace('~', "~0").replace('/', "~1")
                    ),
                    message,
                    Unavailable::Gpu,
                );
            }
        }
    }
}

/// Required node affinity: the terms are ORed, so it is unsatisfiable on Fargate only when every
/// term has an expression no Fargate node matches. Reports that expression of each term.
fn required_affinity(spec: &Node, at: &str, mut report: impl FnMut(Span, String, String, Unavailable)) {
    const TERMS: &str = "/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms";
    let Some(terms) = spec.pointer(TERMS).and_then(|(n, _)| n.as_seq()) else {
        return;
    };
    let mut found = Vec::new();
    for (t, term) in terms.iter().enumerate() {
        let exprs = term.get("matchExpressions").and_then(Node::as_seq).unwrap_or_default();
        let hit = exprs
            .iter()
            .enumerate()
            .find_map(|(e, expr)| unsatisfiable(expr).map(|(what, text)| (e, expr, what, text)));
        match hit {
            Some((e, expr, what, text)) => found.push((t, e, expr, what, text)),
            None => return,
        }
    }
    for (t, e, expr, what, text) in found {
        let Some(key) = expr.get("key") else {
            continue;
        };
        report(
            key.span,
            format!("{at}{TERMS}/{t}/matchExpressions/{e}/key"),
            format!(
                "required node affinity {text} matches no Fargate node: {}",
                what.reason()
            ),
            what,
        );
    }
}

/// A match expression no Fargate node satisfies, and how to show it.
fn unsatisfiable(expr: &Node) -> Option<(Unavailable, String)> {
    let key = expr.get("key")?.as_str()?;
    let operator = expr.get("operator")?.as_str()?;
    let values = expr.scalar_texts("values");
    let has = |v: &str| values.iter().any(|x| x == v);
    let what = if ARCH_LABELS.contains(&key) {
        let bad = match operator {
            "In" => !has("amd64"),
            "NotIn" => has("amd64"),
            _ => false,
        };
        bad.then_some(Unavailable::Arch)
    } else if OS_LABELS.contains(&key) {
        let bad = match operator {
            "In" => !has("linux"),
            "NotIn" => has("linux"),
            _ => false,
        };
        bad.then_some(Unavailable::Windows)
    } else if let Some((spot, on_demand)) = capacity_label(key) {
        let bad = match operator {
            "In" => !values.is_empty() && values.iter().all(|v| v == spot),
            "NotIn" => has(on_demand),
            _ => false,
        };
        bad.then_some(Unavailable::Spot)
    } else if mentions_gpu(key) {
        let bad = match operator {
            "Exists" => true,
            "In" => !values.is_empty() && values.iter().all(|v| !is_no(v)),
            _ => false,
        };
        bad.then_some(Unavailable::Gpu)
    } else {
        None
    }?;
    let text = if values.is_empty() {
        format!("{key} {operator}")
    } else {
        format!("{key} {operator} [{}]", values.join(", "))
    };
    Some((what, text))
}

fn gib(bytes: f64) -> String {
    let s = format!("{:.2}", bytes / GIB);
    format!("{} GiB", s.trim_end_matches('0').trim_end_matches('.'))
}

/// FG109: more than 175 GiB of ephemeral storage, per container or for the pod. Fargate sizes a
/// pod by its requests (a container without a request gets its limit as request); init containers
/// run one at a time, regular containers and sidecars together.
fn ephemeral_storage(check: &Check<'_>, containers: &[Container<'_>], out: &mut Vec<Finding>) {
    let max = MAX_EPHEMERAL_GIB * GIB;
    let mut total = 0.0;
    let mut over = false;
    let push = |out: &mut Vec<Finding>, span: Span, pointer: String, message: String| {
        out.push(
            check
                .finding(ids::EKS_FG_EPHEMERAL_STORAGE, span, &pointer, message)
                .with_label("above 175 GiB")
                .with_help(
                    "Fargate gives a pod at most 175 GiB of ephemeral storage (20 GiB included): request less, or keep large data on EFS",
                ),
        );
    };
    for c in containers {
        let Some(resources) = c.node.get("resources") else {
            continue;
        };
        let mut effective = None;
        for section in ["requests", "limits"] {
            let Some(value) = resources.get(section).and_then(|s| s.get("ephemeral-storage")) else {
                continue;
            };
            let Some(bytes) = quantity::value_of(value).filter(|b| *b >= 0.0) else {
                continue;
            };
            let pointer = format!("{}/resources/{section}/ephemeral-storage", c.pointer);
            if effective.is_none() {
                effective = Some((bytes, value.span, pointer.clone(), section));
            }
            if bytes > max {
                over = true;
                let kind = if section == "requests" { "request" } else { "limit" };
                push(
                    out,
                    value.span,
                    pointer,
                    format!(
                        "ephemeral-storage {kind} {} ({}) of container \"{}\" is above the {MAX_EPHEMERAL_GIB} GiB a Fargate pod can have",
                        value.scalar_text().unwrap_or_default(),
                        gib(bytes),
                        c.name()
                    ),
                );
            }
        }
        // Sidecars (init containers with restartPolicy Always) keep running beside the others.
        let sidecar =
            c.list == "initContainers" && c.node.get("restartPolicy").and_then(Node::as_str) == Some("Always");
        if !(c.list == "containers" || sidecar) || over {
            continue;
        }
        let Some((bytes, span, pointer, section)) = effective else {
            continue;
        };
        let before = total;
        total += bytes;
        if before <= max && total > max {
            over = true;
            let kind = if section == "requests" {
                "requests"
            } else {
                "limits (used as requests)"
            };
            push(
                out,
                span,
                pointer,
                format!(
                    "ephemeral-storage {kind} of the pod's containers add up to {} with container \"{}\", above the {MAX_EPHEMERAL_GIB} GiB a Fargate pod can have",
                    gib(total),
                    c.name()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{Detected, detect};
    use crate::parse::{Limits, yaml_text};

    fn doc(text: &str) -> Document {
        yaml_text(text, &Limits::default()).remove(0)
    }

    fn located(text: &str) -> Option<(String, &'static str)> {
        let d = doc(text);
        let root = d.root.as_ref()?;
        let Detected::Kubernetes(objs) = detect(root) else {
            return None;
        };
        let obj = objs.first()?;
        pod_spec(obj).map(|(spec, at)| (spec.to_json().to_string(), at))
    }

    fn findings(text: &str) -> Vec<Finding> {
        let mut out = findings_in(text);
        // Sizing (FG110-FG112) reports on every pod; its own tests are in eks_sizing.rs.
        let sizing = [ids::EKS_FG_SIZE, ids::EKS_FG_SIZE_JUMP, ids::EKS_FG_TOO_LARGE];
        out.retain(|f| !sizing.contains(&f.rule));
        out
    }

    #[test]
    fn pod_spec_of_each_workload_kind() {
        let spec = r#"{"containers":[{"name":"a"}]}"#;
        let pod = "apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a}]}\n";
        assert_eq!(located(pod), Some((spec.to_owned(), "/spec")));
        for (api, kind) in [
            ("apps/v1", "Deployment"),
            ("apps/v1", "StatefulSet"),
            ("apps/v1", "ReplicaSet"),
            ("apps/v1", "DaemonSet"),
            ("extensions/v1beta1", "Deployment"),
            ("batch/v1", "Job"),
            ("v1", "ReplicationController"),
        ] {
            let text = format!(
                "apiVersion: {api}\nkind: {kind}\nspec:\n  template:\n    spec: {{containers: [{{name: a}}]}}\n"
            );
            assert_eq!(located(&text), Some((spec.to_owned(), "/spec/template/spec")), "{kind}");
        }
        let cron = "apiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec: {containers: [{name: a}]}\n";
        assert_eq!(
            located(cron),
            Some((spec.to_owned(), "/spec/jobTemplate/spec/template/spec"))
        );
        // Not a pod, a custom resource with a built-in kind name, and malformed templates.
        assert_eq!(located("apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n"), None);
        assert_eq!(
            located("apiVersion: example.com/v1\nkind: Deployment\nspec: {template: {spec: {}}}\n"),
            None
        );
        assert_eq!(
            located("apiVersion: apps/v1\nkind: Deployment\nspec: {template: 3}\n"),
            None
        );
        assert_eq!(located("apiVersion: apps/v1\nkind: Deployment\nspec: [1]\n"), None);
        assert_eq!(located("apiVersion: v1\nkind: Pod\nspec: null\n"), None);
        assert_eq!(located("apiVersion: apps/v1\nkind: Deployment\n"), None);
    }

    #[test]
    fn odd_input_is_skipped_without_panicking() {
        for text in [
            "apiVersion: v1\nkind: Pod\nspec: {containers: 3, volumes: {a: 1}, nodeSelector: [1], hostNetwork: yes please}\n",
            "apiVersion: v1\nkind: Pod\nspec: {containers: [1, null, {ports: 7, securityContext: 1, resources: {requests: 5}}]}\n",
            "apiVersion: v1\nkind: Pod\nspec: {containers: [{ports: [{hostPort: {a: 1}}], resources: {limits: {ephemeral-storage: [1]}}}], volumes: [null, 1, {hostPath: null}]}\n",
            "apiVersion: v1\nkind: Pod\nspec: {affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [1, {matchExpressions: [{key: 1}]}]}}}}\n",
            "apiVersion: v1\nkind: PersistentVolume\nspec: [1]\n",
            "apiVersion: v1\nkind: PersistentVolumeClaim\nspec: {storageClassName: [gp2]}\n",
            "apiVersion: apps/v1\nkind: StatefulSet\nspec: {volumeClaimTemplates: {a: 1}}\n",
        ] {
            let found = findings(text);
            assert!(found.is_empty(), "{text}: {found:#?}");
        }
    }

    #[test]
    fn list_items_carry_their_pointer() {
        let found = findings(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n  spec: {hostNetwork: true, containers: [{name: a}]}\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer.as_deref(), Some("/items/1/spec/hostNetwork"));
        assert_eq!(found[0].object.as_deref(), Some("Pod/p"));
    }

    #[test]
    fn affinity_with_an_amd64_alternative_is_satisfiable() {
        let multi = "apiVersion: v1\nkind: Pod\nspec:\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          - {key: kubernetes.io/arch, operator: In, values: [amd64, arm64]}\n";
        assert!(findings(multi).is_empty());
        let either = "apiVersion: v1\nkind: Pod\nspec:\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          - {key: kubernetes.io/arch, operator: In, values: [arm64]}\n        - matchExpressions:\n          - {key: kubernetes.io/os, operator: In, values: [linux]}\n";
        assert!(findings(either).is_empty());
        let neither = either.replace("[linux]", "[windows]");
        assert_eq!(findings(&neither).len(), 2);
    }

    #[test]
    fn ebs_in_pods_claims_and_volumes() {
        let pod = "apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a}]\n  volumes:\n  - {name: a, awsElasticBlockStore: {volumeID: vol-1}}\n  - {name: b, csi: {driver: ebs.csi.aws.com}}\n  - {name: c, csi: {driver: efs.csi.aws.com}}\n  - name: d\n    ephemeral: {volumeClaimTemplate: {spec: {storageClassName: gp3}}}\n";
        let rules: Vec<&str> = findings(pod).iter().map(|f| f.rule).collect();
        // The EBS ones are FG107 only; the inline EFS CSI volume is FG106.
        assert_eq!(rules, ["FG107", "FG107", "FG106", "FG107"]);
        let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  annotations: {volume.beta.kubernetes.io/storage-class: gp2}\nspec: {}\n";
        let found = findings(claim);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].pointer.as_deref(),
            Some("/metadata/annotations/volume.beta.kubernetes.io~1storage-class")
        );
        let efs = "apiVersion: v1\nkind: PersistentVolume\nspec: {storageClassName: gp2, csi: {driver: efs.csi.aws.com, volumeHandle: fs-1}}\n";
        assert!(findings(efs).is_empty());
        let legacy = "apiVersion: v1\nkind: PersistentVolume\nspec: {awsElasticBlockStore: {volumeID: vol-1}}\n";
        assert_eq!(findings(legacy).len(), 1);
    }

    #[test]
    fn gpu_selectors_and_resources() {
        let text = "apiVersion: v1\nkind: Pod\nspec:\n  nodeSelector: {k8s.amazonaws.com/accelerator: nvidia-tesla-t4, nvidia.com/gpu.present: \"false\", role: gpu-workers, kubernetes.io/arch: amd64}\n  os: {name: windows}\n  containers:\n  - name: a\n    resources:\n      requests: {nvidia.com/gpu: 1}\n      limits: {nvidia.com/gpu: 1, aws.amazon.com/neuron: 0}\n";
        let found = findings(text);
        let pointers: Vec<&str> = found.iter().filter_map(|f| f.pointer.as_deref()).collect();
        assert_eq!(
            pointers,
            [
                "/spec/nodeSelector/k8s.amazonaws.com~1accelerator",
                "/spec/nodeSelector/role",
                "/spec/os/name",
                "/spec/containers/0/resources/limits/nvidia.com~1gpu",
            ]
        );
    }

    #[test]
    fn spot_selectors_and_affinity() {
        let selector = "apiVersion: v1\nkind: Pod\nspec:\n  nodeSelector: {eks.amazonaws.com/capacityType: SPOT, karpenter.sh/capacity-type: on-demand}\n  containers: [{name: a}]\n";
        let found = findings(selector);
        let rules: Vec<&str> = found.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["FG115"]);
        let affinity = |op: &str, values: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nspec:\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          - {{key: karpenter.sh/capacity-type, operator: {op}, values: {values}}}\n  containers: [{{name: a}}]\n"
            )
        };
        assert_eq!(findings(&affinity("In", "[spot]")).len(), 1);
        assert_eq!(findings(&affinity("NotIn", "[on-demand]")).len(), 1);
        assert!(findings(&affinity("In", "[spot, on-demand]")).is_empty());
        assert!(findings(&affinity("NotIn", "[spot]")).is_empty());
        assert!(findings(&affinity("Exists", "[]")).is_empty());
    }

    #[test]
    fn secrets_store_volumes_are_named() {
        let pod = "apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a}]\n  volumes: [{name: creds, csi: {driver: secrets-store.csi.k8s.io}}]\n";
        let found = findings(pod);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("Secrets Store CSI driver"),
            "{}",
            found[0].message
        );
        assert!(found[0].help.as_deref().unwrap_or_default().contains("DaemonSets"));
    }

    #[test]
    fn ephemeral_storage_reports_the_container_that_tips_the_total() {
        let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - {name: a, resources: {requests: {ephemeral-storage: 100Gi}}}\n  - {name: b, resources: {limits: {ephemeral-storage: 80Gi}}}\n  - {name: c, resources: {requests: {ephemeral-storage: 10Gi}}}\n";
        let found = findings(text);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].pointer.as_deref(),
            Some("/spec/containers/1/resources/limits/ephemeral-storage")
        );
        assert!(found[0].message.contains("180 GiB"), "{}", found[0].message);
        // Init containers run one at a time: only their own size counts.
        let init = "apiVersion: v1\nkind: Pod\nspec:\n  initContainers:\n  - {name: i, resources: {requests: {ephemeral-storage: 170Gi}}}\n  containers:\n  - {name: a, resources: {requests: {ephemeral-storage: 170Gi}}}\n";
        assert!(findings(init).is_empty());
        let sidecar = init.replace("{name: i,", "{name: i, restartPolicy: Always,");
        assert_eq!(findings(&sidecar).len(), 1);
    }
}
