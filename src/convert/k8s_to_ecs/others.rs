//! The input objects that are not workloads. Secrets, ConfigMaps, ServiceAccounts and Services
//! resolved references: their report says where each key or port went (a Secret's values are
//! never copied: the report says which ARN to store them at). Other kinds have no counterpart
//! k2e writes; their report says what stands for them on ECS.

use super::{Uses, report, svc, td};
use crate::convert::catalog::K8sItem;
use crate::convert::cursor::At;
use crate::convert::loss::Ledger;
use crate::convert::outcome::ObjectReport;
use crate::convert::references::RefKind;

pub fn account(item: &K8sItem<'_>, uses: &Uses) -> ObjectReport {
    let mut ledger = Ledger::default();
    let root = At::new(item.obj.node, item.obj.pointer.clone());
    let key = (item.namespace().to_owned(), item.name().to_owned());
    match item.obj.kind {
        "Secret" | "ConfigMap" => data(&mut ledger, &root, item, uses),
        "ServiceAccount" => match uses.service_accounts.get(&key) {
            Some(arn) => {
                ledger.dropped(
                    &root,
                    "ECS has no service accounts: the task role stands for it",
                    format!("make sure the role {arn} exists with the permissions this account had"),
                );
                if let Some(role) = root
                    .get("metadata")
                    .and_then(|m| m.get("annotations"))
                    .and_then(|a| a.get("eks.amazonaws.com/role-arn"))
                {
                    ledger.mapped(&role, td("/taskRoleArn"));
                }
            }
            None => unused(&mut ledger, &root, "no converted workload runs as this service account"),
        },
        "Service" => service(&mut ledger, &root, uses.services.get(&key)),
        kind => {
            let fix = counterpart(kind);
            ledger.dropped(
                &root,
                format!("k2e writes no ECS counterpart of kind {kind}"),
                fix.unwrap_or("k2e converts workloads, using the Services, ConfigMaps, Secrets and ServiceAccounts given with them"),
            );
        }
    }
    report(item, ledger, Vec::new(), None)
}

fn unused(ledger: &mut Ledger, root: &At<'_>, reason: &str) {
    ledger.dropped(
        root,
        reason,
        "nothing to do, or convert it together with the workloads that use it",
    );
}

/// What stands for a kind on ECS.
fn counterpart(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Ingress" | "IngressClass" | "Gateway" | "HTTPRoute" => {
            "create Application Load Balancer listener rules that forward to the services' target groups"
        }
        "HorizontalPodAutoscaler" => {
            "register the ECS service with Application Auto Scaling (target tracking on ECSServiceAverageCPUUtilization)"
        }
        "PodDisruptionBudget" => "set minimumHealthyPercent in the service's deploymentConfiguration",
        "NetworkPolicy" => "use security groups on the services' awsvpc configuration",
        "Namespace" => "use an ECS cluster (--cluster) or tags",
        "PersistentVolumeClaim" | "PersistentVolume" | "StorageClass" => {
            "create an EFS file system and pass --efs CLAIM=fs-ID when converting the workloads that mount it"
        }
        "Role" | "RoleBinding" | "ClusterRole" | "ClusterRoleBinding" => {
            "grant AWS permissions with IAM policies on the task role"
        }
        "ReplicationController" => "rewrite it as a ReplicaSet or Deployment (same pod template) and convert that",
        "LimitRange" | "ResourceQuota" => "ECS sizes each task explicitly; use Service Quotas for account limits",
        _ => return None,
    })
}

fn data(ledger: &mut Ledger, root: &At<'_>, item: &K8sItem<'_>, uses: &Uses) {
    let kind = if item.obj.kind == "Secret" {
        RefKind::Secret
    } else {
        RefKind::ConfigMap
    };
    let key = (kind, item.namespace().to_owned(), item.name().to_owned());
    let Some(used) = uses.keys.get(&key) else {
        unused(ledger, root, "no converted container reads it");
        return;
    };
    ledger.dropped(
        root,
        format!("ECS has no {}s: containers read each key from an ARN", item.obj.kind),
        "store the keys as the notes below say",
    );
    for section in ["data", "stringData", "binaryData"] {
        for (k, value) in root.get(section).map(|d| d.entries()).unwrap_or_default() {
            match used.get(k) {
                Some(arn) if kind == RefKind::Secret => ledger.dropped(
                    &value,
                    "secret values are never copied into k2e's output",
                    format!("store it in Secrets Manager where the task reads it: {arn} (aws secretsmanager create-secret --secret-string '{{\"{k}\": ...}}')"),
                ),
                Some(arn) => ledger.dropped(
                    &value,
                    "ECS reads configuration values from SSM Parameter Store",
                    format!("create the parameter the task reads: {arn} (aws ssm put-parameter --type String)"),
                ),
                None => ledger.dropped(&value, "no converted container reads this key", "nothing to do"),
            }
        }
    }
}

fn service(ledger: &mut Ledger, root: &At<'_>, used: Option<&Vec<super::ServiceUse>>) {
    let Some(used) = used.filter(|u| !u.is_empty()) else {
        unused(ledger, root, "selects no workload among the inputs");
        return;
    };
    if used.iter().any(|u| !u.connect.is_empty()) {
        super::service_connect::account(ledger, root, used);
        return;
    }
    let families: Vec<&str> = used.iter().map(|u| u.family.as_str()).collect();
    let balanced = used.iter().any(|u| u.load_balanced);
    ledger.dropped(
        root,
        format!(
            "ECS services own their tasks: there is no separate Service object (it selects {})",
            families.join(", ")
        ),
        if balanced {
            "create the load balancer and target groups named in the services' loadBalancers"
        } else {
            "let clients reach the tasks through Service Connect (serviceConnectConfiguration) or a Cloud Map registry"
        },
    );
    let ports = root
        .get("spec")
        .and_then(|s| s.get("ports"))
        .map(|p| p.items())
        .unwrap_or_default();
    for (i, port) in ports.iter().enumerate() {
        let Some((container, container_port)) = used.iter().find_map(|u| u.ports.get(&i)) else {
            ledger.dropped(
                port,
                "its target port is not a port of the selected pods",
                "check the targetPort",
            );
            continue;
        };
        if balanced {
            if let Some(target) = port.get("targetPort") {
                ledger.approx(
                    &target,
                    svc("/loadBalancers"),
                    format!("the target group forwards to container {container} port {container_port}"),
                );
            }
            if let Some(p) = port.get("port") {
                ledger.dropped(
                    &p,
                    "the port clients connect to belongs to the load balancer's listener",
                    format!(
                        "create a listener on port {} forwarding to the target group",
                        p.text().unwrap_or_default()
                    ),
                );
            }
        } else {
            ledger.dropped(
                port,
                format!(
                    "ECS has no cluster IP: clients must reach container {container} port {container_port} another way"
                ),
                "add serviceConnectConfiguration to the ECS service with this port mapping's name",
            );
        }
    }
}
