//! EKS on Fargate networking: pods asking for a CNI plugin other than the Amazon VPC CNI (FG118),
//! and load balancers that register instances, which Fargate pods do not have (FG119).

use super::{Check, NODE_GROUP, as_of, is_unset};
use crate::finding::Finding;
use crate::finding::ids;
use crate::model::k8s::{Located, PodTemplate};
use crate::parse::{Entry, Node, Span};

/// Pod annotations that only an alternate CNI plugin acts on, and the plugin. As of 2026-11-21
/// (rules/FG118.yaml `as_of`).
const CNI_ANNOTATIONS: &[(&str, &str)] = &[
    ("k8s.v1.cni.cncf.io/networks", "Multus secondary networks"),
    ("v1.multus-cni.io/default-network", "a Multus default network"),
    ("cni.projectcalico.org/ipAddrs", "Calico IP addresses"),
    ("cni.projectcalico.org/ipAddrsNoIpam", "Calico IP addresses"),
    ("cni.projectcalico.org/ipv4pools", "Calico IP pools"),
    ("cni.projectcalico.org/ipv6pools", "Calico IP pools"),
    ("cni.projectcalico.org/floatingIPs", "Calico floating IPs"),
    ("ipam.cilium.io/ip-pool", "a Cilium IP pool"),
    ("ipam.antrea.io/ippools", "Antrea IP pools"),
    ("ovn.kubernetes.io/ip_address", "a Kube-OVN IP address"),
    ("ovn.kubernetes.io/logical_switch", "a Kube-OVN logical switch"),
];

const LB_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-type";
const NLB_TARGET_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";
const ALB_TARGET_TYPE: &str = "alb.ingress.kubernetes.io/target-type";
const INGRESS_CLASS: &str = "kubernetes.io/ingress.class";

/// Load balancer classes of AWS controllers: the AWS Load Balancer Controller (target type
/// `instance` unless told otherwise) and EKS Auto Mode (target type `ip` by default).
const LBC_CLASS: &str = "service.k8s.aws/nlb";
const AUTO_MODE_CLASS: &str = "eks.amazonaws.com/nlb";

pub(super) fn check(check: &Check<'_>, out: &mut Vec<Finding>) {
    alternate_cni(check, out);
    let (group, _) = check.obj.group_version();
    match (group, check.obj.kind) {
        ("", "Service") => service(check, out),
        ("networking.k8s.io" | "extensions", "Ingress") => ingress(check, out),
        ("elbv2.k8s.aws", "TargetGroupBinding") => target_group_binding(check, out),
        _ => {}
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn annotations(metadata: Option<&Node>) -> &[Entry] {
    metadata
        .and_then(|m| m.get("annotations"))
        .and_then(Node::as_map)
        .unwrap_or_default()
}

fn annotation<'n>(metadata: Option<&'n Node>, key: &str) -> Option<&'n Node> {
    annotations(metadata).iter().find(|e| e.key == key).map(|e| &e.value)
}

/// FG118: CNI annotations on a pod or a pod template.
fn alternate_cni(check: &Check<'_>, out: &mut Vec<Finding>) {
    let Some(Located {
        node: metadata,
        pointer: at,
    }) = PodTemplate::of(check.obj).and_then(|pod| pod.metadata(check.obj))
    else {
        return;
    };
    for entry in annotations(Some(metadata)) {
        let Some((_, what)) = CNI_ANNOTATIONS.iter().find(|(key, _)| *key == entry.key) else {
            continue;
        };
        if is_unset(&entry.value) {
            continue;
        }
        out.push(
            check
                .finding(
                    ids::EKS_FG_CNI,
                    entry.key_span,
                    &format!("{at}/annotations/{}", escape(&entry.key)),
                    format!(
                        "annotation {} asks for {what}: Fargate nodes run only the Amazon VPC CNI plugin, and alternate CNI plugins can't be used with them{}",
                        entry.key,
                        as_of(ids::EKS_FG_CNI, "EKS Fargate networking")
                    ),
                )
                .with_label("alternate CNI")
                .with_help(format!(
                    "a Fargate pod gets one VPC IP address from the Amazon VPC CNI: drop the annotation (use a Service or security groups for pods instead of extra interfaces or fixed IPs), or run the pod on {NODE_GROUP}"
                )),
        );
    }
}

fn lb_finding(check: &Check<'_>, span: Span, pointer: &str, message: String, help: &str) -> Finding {
    check
        .finding(
            ids::EKS_FG_LB_TARGET,
            span,
            pointer,
            format!(
                "{message}{}",
                as_of(ids::EKS_FG_LB_TARGET, "AWS Load Balancer Controller defaults")
            ),
        )
        .with_label("instance targets")
        .with_help(help.to_owned())
}

const NLB_HELP: &str = "Fargate pods can be reached only as IP targets: annotate the Service with service.beta.kubernetes.io/aws-load-balancer-type: external and service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip (AWS Load Balancer Controller)";

/// FG119 on a Service: a LoadBalancer that registers nodes (the in-tree controller, or the AWS
/// Load Balancer Controller in its default instance mode), or a Service-level ALB target type
/// `instance`.
fn service(check: &Check<'_>, out: &mut Vec<Finding>) {
    let node = check.obj.node;
    let metadata = node.get("metadata");
    if let Some(value) = annotation(metadata, ALB_TARGET_TYPE).filter(|v| v.as_str() == Some("instance")) {
        out.push(lb_finding(
            check,
            value.span,
            &format!("/metadata/annotations/{}", escape(ALB_TARGET_TYPE)),
            "alb.ingress.kubernetes.io/target-type instance: the ALB would send traffic to node ports, and Fargate pods have no node to register".into(),
            "set alb.ingress.kubernetes.io/target-type: ip; Fargate pods can be reached only as IP targets",
        ));
    }
    let Some(spec) = node.get("spec") else {
        return;
    };
    let Some(kind) = spec.get("type").filter(|t| t.as_str() == Some("LoadBalancer")) else {
        return;
    };
    let class = spec.get("loadBalancerClass").and_then(Node::as_str);
    if class.is_some_and(|c| c != LBC_CLASS && c != AUTO_MODE_CLASS) {
        // Another controller's load balancer (MetalLB, a tunnel, ...): not an AWS target group.
        return;
    }
    let lb_type = annotation(metadata, LB_TYPE).and_then(Node::as_str);
    if lb_type == Some("nlb-ip") {
        return;
    }
    match annotation(metadata, NLB_TARGET_TYPE) {
        Some(target) if target.as_str() == Some("ip") => {}
        Some(target) if target.as_str() == Some("instance") => out.push(lb_finding(
            check,
            target.span,
            &format!("/metadata/annotations/{}", escape(NLB_TARGET_TYPE)),
            "aws-load-balancer-nlb-target-type instance: the NLB registers nodes, and Fargate pods have no node to register".into(),
            NLB_HELP,
        )),
        _ if class == Some(AUTO_MODE_CLASS) => {}
        _ => {
            let controller = match (class, lb_type) {
                (Some(_), _) | (None, Some("external")) => {
                    "the AWS Load Balancer Controller registers instances by default"
                }
                _ => "the in-tree cloud controller registers instances (node ports), and so does the AWS Load Balancer Controller by default",
            };
            out.push(lb_finding(
                check,
                kind.span,
                "/spec/type",
                format!(
                    "Service of type LoadBalancer without {NLB_TARGET_TYPE}: ip: {controller}, and Fargate pods have no instance to register"
                ),
                NLB_HELP,
            ));
        }
    }
}

/// FG119 on an Ingress served by the AWS Load Balancer Controller (class `alb`).
fn ingress(check: &Check<'_>, out: &mut Vec<Finding>) {
    let node = check.obj.node;
    let metadata = node.get("metadata");
    let (class, class_pointer) = match node.pointer("/spec/ingressClassName") {
        Some((class, _)) => (class, "/spec/ingressClassName".to_owned()),
        None => match annotation(metadata, INGRESS_CLASS) {
            Some(class) => (class, format!("/metadata/annotations/{}", escape(INGRESS_CLASS))),
            None => return,
        },
    };
    if class.as_str() != Some("alb") {
        return;
    }
    let help = "Fargate pods can be reached only as IP targets: annotate the Ingress with alb.ingress.kubernetes.io/target-type: ip";
    match annotation(metadata, ALB_TARGET_TYPE) {
        Some(target) if target.as_str() == Some("ip") => {}
        Some(target) => out.push(lb_finding(
            check,
            target.span,
            &format!("/metadata/annotations/{}", escape(ALB_TARGET_TYPE)),
            format!(
                "alb.ingress.kubernetes.io/target-type {}: the ALB would send traffic to node ports, and Fargate pods have no node to register",
                target.scalar_text().unwrap_or_default()
            ),
            help,
        )),
        None => out.push(lb_finding(
            check,
            class.span,
            &class_pointer,
            "ALB Ingress without alb.ingress.kubernetes.io/target-type: ip: the AWS Load Balancer Controller registers instances by default (unless a backend Service sets the annotation), and Fargate pods have no instance to register".into(),
            help,
        )),
    }
}

/// FG119 on a TargetGroupBinding that registers instances.
fn target_group_binding(check: &Check<'_>, out: &mut Vec<Finding>) {
    let Some((target, _)) = check.obj.node.pointer("/spec/targetType") else {
        return;
    };
    if target.as_str() != Some("instance") {
        return;
    }
    out.push(lb_finding(
        check,
        target.span,
        "/spec/targetType",
        "TargetGroupBinding with targetType instance: Fargate pods have no instance to register".into(),
        "bind a target group of target type ip and set targetType: ip",
    ));
}

#[cfg(test)]
mod tests {
    use crate::finding::Finding;

    fn findings(text: &str) -> Vec<Finding> {
        let mut out = super::super::findings_in(text);
        out.retain(|f| matches!(f.rule, "FG118" | "FG119"));
        out
    }

    fn service(annotations: &str, spec: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations: {{{annotations}}}\nspec: {{{spec}}}\n"
        )
    }

    #[test]
    fn load_balancer_services() {
        let lb = "type: LoadBalancer, ports: [{port: 80}]";
        let ip = "service.beta.kubernetes.io/aws-load-balancer-type: external, service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip";
        assert!(findings(&service(ip, lb)).is_empty());
        assert!(
            findings(&service(
                "service.beta.kubernetes.io/aws-load-balancer-type: nlb-ip",
                lb
            ))
            .is_empty()
        );
        assert!(findings(&service("", "type: ClusterIP")).is_empty());
        assert!(findings(&service("", &format!("{lb}, loadBalancerClass: eks.amazonaws.com/nlb"))).is_empty());
        assert!(findings(&service("", &format!("{lb}, loadBalancerClass: tailscale"))).is_empty());

        let plain = findings(&service("", lb));
        assert_eq!(plain.len(), 1);
        assert_eq!(plain[0].pointer.as_deref(), Some("/spec/type"));
        assert!(plain[0].message.contains("in-tree"), "{}", plain[0].message);
        let external = findings(&service(
            "service.beta.kubernetes.io/aws-load-balancer-type: external",
            lb,
        ));
        assert!(external[0].message.contains("AWS Load Balancer Controller"));
        let instance = findings(&service(
            "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: instance",
            &format!("{lb}, loadBalancerClass: eks.amazonaws.com/nlb"),
        ));
        assert_eq!(
            instance[0].pointer.as_deref(),
            Some("/metadata/annotations/service.beta.kubernetes.io~1aws-load-balancer-nlb-target-type")
        );
        let alb_instance = findings(&service(
            "alb.ingress.kubernetes.io/target-type: instance",
            "type: NodePort",
        ));
        assert_eq!(alb_instance.len(), 1);
    }

    #[test]
    fn ingresses() {
        let ingress = |meta: &str, spec: &str| {
            format!(
                "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{name: web, annotations: {{{meta}}}}}\nspec: {{{spec}}}\n"
            )
        };
        assert!(
            findings(&ingress(
                "alb.ingress.kubernetes.io/target-type: ip",
                "ingressClassName: alb"
            ))
            .is_empty()
        );
        assert!(findings(&ingress("", "ingressClassName: nginx")).is_empty());
        assert!(findings(&ingress("kubernetes.io/ingress.class: nginx", "")).is_empty());
        let by_class = findings(&ingress("", "ingressClassName: alb"));
        assert_eq!(by_class[0].pointer.as_deref(), Some("/spec/ingressClassName"));
        let by_annotation = findings(&ingress("kubernetes.io/ingress.class: alb", ""));
        assert_eq!(
            by_annotation[0].pointer.as_deref(),
            Some("/metadata/annotations/kubernetes.io~1ingress.class")
        );
        let instance = findings(&ingress(
            "alb.ingress.kubernetes.io/target-type: instance",
            "ingressClassName: alb",
        ));
        assert!(instance[0].message.contains("target-type instance"));
    }

    #[test]
    fn target_group_bindings() {
        let tgb = "apiVersion: elbv2.k8s.aws/v1beta1\nkind: TargetGroupBinding\nmetadata: {name: web}\nspec: {targetType: instance}\n";
        assert_eq!(findings(tgb).len(), 1);
        assert!(findings(&tgb.replace("instance", "ip")).is_empty());
    }

    #[test]
    fn cni_annotations_on_pods_and_templates() {
        let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations: {k8s.v1.cni.cncf.io/networks: on-the-deployment-only}\nspec:\n  template:\n    metadata:\n      annotations: {k8s.v1.cni.cncf.io/networks: macvlan-conf, cni.projectcalico.org/ipAddrs: '', prometheus.io/scrape: 'true'}\n    spec: {containers: [{name: a}]}\n";
        let found = findings(deploy);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].pointer.as_deref(),
            Some("/spec/template/metadata/annotations/k8s.v1.cni.cncf.io~1networks")
        );
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {cni.projectcalico.org/ipv4pools: '[\"pool\"]'}\nspec: {containers: [{name: a}]}\n";
        assert_eq!(
            findings(pod)[0].pointer.as_deref(),
            Some("/metadata/annotations/cni.projectcalico.org~1ipv4pools")
        );
        let odd = "apiVersion: v1\nkind: Pod\nmetadata: {annotations: [1]}\nspec: {containers: [{name: a}]}\n";
        assert!(findings(odd).is_empty());
    }
}
