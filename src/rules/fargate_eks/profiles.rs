//! Which pods run on EKS Fargate: the Fargate profiles of `.k2e.yaml` decide, as the EKS
//! fargate-scheduler does, by the pod's namespace and labels. FG116 reports a pod that no
//! profile selects when everything is meant to run on Fargate.

use crate::detect::K8sObject;
use crate::finding::Finding;
use crate::finding::ids;
use crate::model::k8s::{namespace, pod_labels};
use crate::parse::Document;
use crate::rules::{Profile, Target};

/// Whether the EKS-on-Fargate rules apply to this object; reports FG116 on the way.
///
/// Without profiles, `--target eks-fargate` means every object. With profiles, a pod (or pod
/// template) is checked when a profile selects it; with `eks-fargate` a pod none selects is
/// FG116 (it would stay Pending), and with `auto` it runs on nodes and is not a Fargate pod.
/// Objects that are not pods (storage classes, volumes) are checked only with `eks-fargate`.
pub fn applies(
    file: &str,
    doc: &Document,
    obj: &K8sObject<'_>,
    profiles: &[Profile],
    target: Target,
    out: &mut Vec<Finding>,
) -> bool {
    if !matches!(target, Target::Auto | Target::EksFargate) {
        return false;
    }
    if profiles.is_empty() {
        return target == Target::EksFargate;
    }
    let Some(labels) = pod_labels(obj) else {
        return target == Target::EksFargate;
    };
    let ns_node = obj.node.pointer("/metadata/namespace").map(|(n, _)| n);
    let namespace = namespace(obj);
    if profiles
        .iter()
        .any(|p| p.selectors.iter().any(|s| s.matches(namespace, &labels)))
    {
        return true;
    }
    if target == Target::EksFargate {
        let span = ns_node
            .or_else(|| obj.node.pointer("/metadata/name").map(|(n, _)| n))
            .map_or(obj.node.span, |n| n.span);
        let shown: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        out.push(
            Finding::at(
                ids::EKS_FG_NO_PROFILE,
                crate::rules::severity(ids::EKS_FG_NO_PROFILE),
                file,
                doc,
                span,
                format!(
                    "no Fargate profile selects this pod (namespace {namespace}{}); it stays Pending on a cluster without nodes",
                    if shown.is_empty() {
                        ", no labels".to_owned()
                    } else {
                        format!(", labels {}", shown.join(", "))
                    }
                ),
            )
            .with_pointer(format!(
                "{}/metadata{}",
                obj.pointer,
                if ns_node.is_some() { "/namespace" } else { "" }
            ))
            .with_object(Some(obj.label()))
            .with_label("no profile selects it")
            .with_help(format!(
                "move it to a namespace that a profile selects, add the labels one needs, or add a selector to a profile in .k2e.yaml and in the cluster (profiles: {})",
                names.join(", ")
            )),
        );
    }
    false
}
