//! FG117: EKS Pod Identity hands out credentials through an agent DaemonSet on each EC2 node; a
//! Fargate pod has no such agent, so a pod that relies on it gets no AWS credentials.

use super::{Check, as_of};
use crate::finding::Finding;
use crate::finding::ids;
use crate::model::k8s::{ContainerRef, PodTemplate};
use crate::parse::{Node, Span};

/// The token audience and agent addresses of EKS Pod Identity (EKS user guide, "How EKS Pod
/// Identity works"): the webhook adds them to pods whose service account has an association.
const AUDIENCE: &str = "pods.eks.amazonaws.com";
const AGENT_ADDRESSES: &[&str] = &["169.254.170.23", "fd00:ec2::23"];
const CREDENTIALS_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";

/// Kinds that create a Pod Identity association from the cluster: ACK's EKS controller and
/// Crossplane's AWS provider (cluster- and namespace-scoped).
const ASSOCIATION_GROUPS: &[&str] = &["eks.services.k8s.aws", "eks.aws.upbound.io", "eks.aws.m.upbound.io"];

const HELP: &str = "use IAM roles for service accounts (IRSA) on Fargate: annotate the pod's ServiceAccount with eks.amazonaws.com/role-arn: arn:aws:iam::<account>:role/<role> and let the role trust the cluster's OIDC provider";

pub(super) fn check(check: &Check<'_>, containers: &[ContainerRef<'_>], out: &mut Vec<Finding>) {
    association(check, out);
    let Some(pod) = PodTemplate::of(check.obj) else {
        return;
    };
    token_volumes(check, pod.spec, pod.at, out);
    for c in containers {
        let env = c.node.get("env").and_then(Node::as_seq).unwrap_or_default();
        for (j, var) in env.iter().enumerate() {
            if var.get("name").and_then(Node::as_str) != Some(CREDENTIALS_URI) {
                continue;
            }
            let Some(value) = var.get("value") else { continue };
            let Some(text) = value.as_str() else { continue };
            if !AGENT_ADDRESSES.iter().any(|a| text.contains(a)) {
                continue;
            }
            push(
                check,
                value.span,
                &format!("{}/env/{j}/value", c.pointer),
                format!(
                    "{CREDENTIALS_URI} {text} is the EKS Pod Identity agent: it runs only on EC2 nodes, so on Fargate the container gets no credentials{}",
                    as_of(ids::EKS_FG_POD_IDENTITY, "EKS Pod Identity")
                ),
                out,
            );
        }
    }
}

fn push(check: &Check<'_>, span: Span, pointer: &str, message: String, out: &mut Vec<Finding>) {
    out.push(
        check
            .finding(ids::EKS_FG_POD_IDENTITY, span, pointer, message)
            .with_label("EKS Pod Identity")
            .with_help(HELP),
    );
}

/// Projected service account tokens for the Pod Identity audience.
fn token_volumes(check: &Check<'_>, spec: &Node, at: &str, out: &mut Vec<Finding>) {
    let volumes = spec.get("volumes").and_then(Node::as_seq).unwrap_or_default();
    for (i, volume) in volumes.iter().enumerate() {
        let sources = volume
            .get("projected")
            .and_then(|p| p.get("sources"))
            .and_then(Node::as_seq)
            .unwrap_or_default();
        for (j, source) in sources.iter().enumerate() {
            let Some(audience) = source.get("serviceAccountToken").and_then(|t| t.get("audience")) else {
                continue;
            };
            if audience.as_str() != Some(AUDIENCE) {
                continue;
            }
            push(
                check,
                audience.span,
                &format!("{at}/volumes/{i}/projected/sources/{j}/serviceAccountToken/audience"),
                format!(
                    "a service account token for {AUDIENCE} is for EKS Pod Identity, which Fargate pods can't use: no Pod Identity agent runs on Fargate{}",
                    as_of(ids::EKS_FG_POD_IDENTITY, "EKS Pod Identity")
                ),
                out,
            );
        }
    }
}

/// A Pod Identity association managed from the cluster (ACK, Crossplane).
fn association(check: &Check<'_>, out: &mut Vec<Finding>) {
    let (group, _) = check.obj.group_version();
    if check.obj.kind != "PodIdentityAssociation" || !ASSOCIATION_GROUPS.contains(&group) {
        return;
    }
    let Some(kind) = check.obj.node.get("kind") else {
        return;
    };
    push(
        check,
        kind.span,
        "/kind",
        format!(
            "EKS Pod Identity associations give no credentials to pods on Fargate: Fargate doesn't support EKS Pod Identity{}",
            as_of(ids::EKS_FG_POD_IDENTITY, "EKS Pod Identity")
        ),
        out,
    );
}

#[cfg(test)]
mod tests {
    use crate::finding::Finding;

    fn findings(text: &str) -> Vec<Finding> {
        let mut out = super::super::findings_in(text);
        out.retain(|f| f.rule == "FG117");
        out
    }

    #[test]
    fn injected_pod_identity_is_reported_irsa_is_not() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    env:\n    - {name: AWS_CONTAINER_CREDENTIALS_FULL_URI, value: 'http://169.254.170.23/v1/credentials'}\n    - {name: AWS_CONTAINER_CREDENTIALS_FULL_URI}\n  volumes:\n  - name: eks-pod-identity-token\n    projected:\n      sources:\n      - serviceAccountToken: {audience: pods.eks.amazonaws.com, path: eks-pod-identity-token}\n      - serviceAccountToken: {audience: sts.amazonaws.com, path: token}\n";
        let pointers: Vec<String> = findings(pod).into_iter().filter_map(|f| f.pointer).collect();
        assert_eq!(
            pointers,
            [
                "/spec/volumes/0/projected/sources/0/serviceAccountToken/audience",
                "/spec/containers/0/env/0/value",
            ]
        );
        let irsa = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    env: [{name: AWS_CONTAINER_CREDENTIALS_FULL_URI, value: 'http://169.254.170.2/v2/credentials'}]\n";
        assert!(findings(irsa).is_empty());
    }

    #[test]
    fn associations() {
        let ack = "apiVersion: eks.services.k8s.aws/v1alpha1\nkind: PodIdentityAssociation\nmetadata: {name: a}\nspec: {clusterName: c}\n";
        assert_eq!(findings(ack).len(), 1);
        let other = "apiVersion: example.com/v1\nkind: PodIdentityAssociation\nmetadata: {name: a}\n";
        assert!(findings(other).is_empty());
    }
}
