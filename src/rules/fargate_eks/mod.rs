//! EKS on Fargate: what the Fargate scheduler (`fargate-scheduler`) refuses in a pod, and the
//! storage and nodes Fargate does not offer (../shared/reference/aws-facts.md section 2).
//!
//! Runs for every Kubernetes object with `--target eks-fargate`. Messages echo the scheduler's own
//! event text (`Pod not supported on Fargate: ...`) so users recognise it. Odd input (wrong types,
//! missing fields) is skipped: the schema rules report it.
//!
//! One file per rule or small family; `check` is the table that runs them. `profiles` decides which
//! pods run on Fargate at all (FG116).

mod daemonset;
mod ebs;
mod ephemeral_storage;
mod host_fields;
mod host_ports;
mod identity;
mod network;
mod node_selection;
mod privileged;
pub mod profiles;
mod storage;
mod volumes;

use crate::detect::K8sObject;
use crate::finding::Finding;
use crate::model::k8s::PodTemplate;
use crate::parse::{Document, Node, NodeKind, Scalar, Span};

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
    let start = out.len();
    daemonset::check(&check, out);
    ebs::check(&check, out);
    storage::check(&check, out);
    network::check(&check, out);
    let Some(pod) = PodTemplate::of(obj) else {
        identity::check(&check, &[], out);
        return;
    };
    let (spec, at) = (pod.spec, pod.at);
    let containers = pod.containers();
    host_fields::check(&check, spec, at, out);
    privileged::check(&check, &containers, out);
    host_ports::check(&check, &containers, out);
    volumes::check(&check, spec, at, out);
    node_selection::check(&check, &pod, &containers, out);
    ephemeral_storage::check(&check, &containers, out);
    identity::check(&check, &containers, out);
    // A pod that Fargate never runs has no Fargate size or price to speak of.
    if !out[start..].iter().any(blocks) {
        super::eks_sizing::check(&check, spec, at, &containers, out);
    }
}

/// An error of a rule whose data file says `fargate: blocks`: the pod stays off Fargate.
fn blocks(finding: &Finding) -> bool {
    finding.severity == crate::finding::Severity::Error
        && super::fargate_fit(finding.rule) == Some(super::FargateFit::Blocks)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{Detected, detect};
    use crate::finding::ids;
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
        PodTemplate::of(obj).map(|p| (p.spec.to_json().to_string(), p.at))
    }

    fn findings(text: &str) -> Vec<Finding> {
        let mut out = findings_in(text);
        // Sizing (FG110-FG112) reports on every pod; its own tests are in eks_sizing.rs.
        let sizing = [ids::EKS_FG_SIZE, ids::EKS_FG_SIZE_JUMP, ids::EKS_FG_TOO_LARGE];
        out.retain(|f| !sizing.contains(&f.rule));
        out
    }

    #[test]
    fn no_size_or_price_for_a_pod_fargate_never_runs() {
        let sized = |text: &str| {
            let sizing = [ids::EKS_FG_SIZE, ids::EKS_FG_SIZE_JUMP];
            findings_in(text).iter().filter(|f| sizing.contains(&f.rule)).count()
        };
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: a:1, resources: {requests: {cpu: 1, memory: 8Gi}}}]\n";
        assert_eq!(sized(pod), 2, "FG110 and FG111 for a pod Fargate runs");
        let daemon = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n      containers: [{name: a, image: a:1, resources: {requests: {cpu: 1, memory: 8Gi}}}]\n";
        assert_eq!(sized(daemon), 0, "FG101 blocks it");
        let arm = pod.replace("spec:\n", "spec:\n  nodeSelector: {kubernetes.io/arch: arm64}\n");
        assert_eq!(sized(&arm), 0, "FG108 blocks it");
        // FG117 only needs a change: the pod is still sized.
        let identity = pod.replace("spec:\n", "spec:\n  serviceAccountName: s\n");
        assert_eq!(sized(&identity), 2);
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
