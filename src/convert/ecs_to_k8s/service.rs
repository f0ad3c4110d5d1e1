//! An ECS service (CreateService input) given with its task definition: replicas, rollout
//! limits, DAEMON scheduling and load balancers carry over; the rest is the cluster's business.

use super::Cx;
use crate::convert::cursor::At;
use crate::convert::options::Kind;
use crate::convert::value::Map;
use crate::convert_map;

#[derive(Debug, Default)]
pub struct Rollout {
    pub replicas: Option<i64>,
    /// Deployment `strategy` or DaemonSet/StatefulSet `updateStrategy`.
    pub strategy: Option<Map>,
    pub load_balanced: bool,
    /// Service Connect endpoints, written as Services.
    pub connect: Vec<super::service_connect::Endpoint>,
}

pub fn account(cx: &mut Cx<'_>, service: &At<'_>) -> Rollout {
    let mut r = Rollout::default();
    for (key, at) in service.entries() {
        match key {
            "serviceName" => cx.ledger.approx(&at, cx.to("/metadata/name"), "the workload is named after the task definition family"),
            "taskDefinition" => match at.str() {
                Some(t) if !t.contains(':') => cx.ledger.mapped(&at, cx.to("")),
                _ => cx.ledger.approx(&at, cx.to(""), "converting back names the family, without revision or ARN"),
            },
            "desiredCount" => match (at.int(), cx.kind.has_replicas()) {
                (Some(n), true) if n >= 0 => {
                    r.replicas = Some(n);
                    cx.ledger.mapped(&at, cx.to("/spec/replicas"));
                }
                (Some(_), false) => cx.ledger.dropped(&at, format!("a {} has no replica count", cx.kind.name()), "choose --kind Deployment to keep it"),
                _ => cx.ledger.invalid(&at, "a count"),
            },
            "schedulingStrategy" => match at.str() {
                Some("DAEMON") if cx.kind == Kind::DaemonSet => cx.ledger.mapped(&at, cx.to("/kind")),
                Some("REPLICA") if cx.kind.has_replicas() => cx.ledger.mapped(&at, cx.to("/kind")),
                _ => cx.ledger.approx(&at, cx.to("/kind"), format!("written as a {} (--kind)", cx.kind.name())),
            },
            "deploymentConfiguration" => deployment(cx, &at, &mut r),
            "loadBalancers" => {
                r.load_balanced = !at.items().is_empty();
                for lb in at.items() {
                    for (k, f) in lb.entries() {
                        match k {
                            "containerName" | "containerPort" => cx.ledger.approx(
                                &f,
                                "Service#/spec/ports",
                                "a Service of type LoadBalancer exposes the container port",
                            ),
                            _ => cx.ledger.dropped(
                                &f,
                                "Kubernetes creates its own load balancer for a LoadBalancer Service",
                                "to keep this target group, bind it with a TargetGroupBinding (AWS Load Balancer Controller)",
                            ),
                        }
                    }
                }
                if at.items().is_empty() {
                    cx.ledger.empty(&at);
                }
            }
            "launchType" | "capacityProviderStrategy" | "platformVersion" => cx.ledger.approx(
                &at,
                cx.to(""),
                "Kubernetes does not say where pods run (EKS on Fargate uses Fargate profiles); convert back with --launch-type",
            ),
            "networkConfiguration" => cx.ledger.dropped(
                &at,
                "pods get their addresses from the cluster network",
                "give pods security groups with a SecurityGroupPolicy (VPC CNI) if they need their own",
            ),
            "healthCheckGracePeriodSeconds" => cx.ledger.dropped(
                &at,
                "Kubernetes has no grace period for load balancer health checks",
                "give the container a startupProbe or initialDelaySeconds on its readiness probe",
            ),
            "serviceConnectConfiguration" => r.connect = super::service_connect::account(cx, &at),
            "serviceRegistries" | "vpcLatticeConfigurations" | "gatewayConnectors" => {
                cx.ledger.dropped(
                    &at,
                    "Kubernetes Services give pods their DNS names",
                    "reach the workload at SERVICE.NAMESPACE.svc.cluster.local",
                )
            }
            "placementConstraints" | "placementStrategy" | "availabilityZoneRebalancing" => cx.ledger.dropped(
                &at,
                "ECS placement rules have no direct Kubernetes form",
                "use node affinity and topologySpreadConstraints (topology.kubernetes.io/zone)",
            ),
            "cluster" => cx.ledger.dropped(&at, "Kubernetes has no ECS clusters", "choose the namespace to apply the objects in"),
            "tags" | "propagateTags" | "enableECSManagedTags" => {
                cx.ledger.dropped(&at, "the service's tags", "add them as labels of the workload if you need them")
            }
            "role" | "deploymentController" | "clientToken" | "enableExecuteCommand" | "volumeConfigurations" | "monitoring" => {
                cx.ledger.dropped(&at, format!("Kubernetes has no counterpart of the service's {key}"), "nothing to convert")
            }
            _ => cx.ledger.unknown(&at, "CreateService input"),
        }
    }
    r
}

/// maximumPercent / minimumHealthyPercent -> maxSurge / maxUnavailable (Recreate for 100/0).
fn deployment(cx: &mut Cx<'_>, at: &At<'_>, r: &mut Rollout) {
    let max = at.get("maximumPercent").and_then(|m| m.int());
    let min = at.get("minimumHealthyPercent").and_then(|m| m.int());
    let exact = cx.kind == Kind::Deployment;
    let (surge, unavailable) = (max.unwrap_or(200) - 100, 100 - min.unwrap_or(100));
    let strategy = if max == Some(100) && min == Some(0) {
        convert_map! {"type" => "Recreate"}
    } else {
        let mut rolling = Map::new();
        rolling.insert("maxSurge", format!("{}%", surge.max(0)));
        rolling.insert("maxUnavailable", format!("{}%", unavailable.clamp(0, 100)));
        if surge <= 0 && unavailable <= 0 {
            // Kubernetes refuses 0/0: ECS would be stuck too, so let one extra pod start.
            rolling.insert("maxSurge", "1");
        }
        convert_map! {"type" => "RollingUpdate", "rollingUpdate" => rolling}
    };
    let field = if cx.kind == Kind::Deployment {
        "strategy"
    } else {
        "updateStrategy"
    };
    for (key, f) in at.entries() {
        let to = cx.to(format!("/spec/{field}"));
        match key {
            "maximumPercent" | "minimumHealthyPercent"
                if exact && f.int().is_some_and(|v| (0..=200).contains(&v)) && (surge > 0 || unavailable > 0) =>
            {
                cx.ledger.mapped(&f, to)
            }
            "maximumPercent" | "minimumHealthyPercent" => cx.ledger.approx(
                &f,
                to,
                format!(
                    "a {} rolls out differently: written as its update strategy as far as it goes",
                    cx.kind.name()
                ),
            ),
            "deploymentCircuitBreaker"
            | "alarms"
            | "strategy"
            | "bakeTimeInMinutes"
            | "lifecycleHooks"
            | "linearConfiguration"
            | "canaryConfiguration"
            | "earlySuccessCriteria" => cx.ledger.dropped(
                &f,
                "Kubernetes rolls out without circuit breakers, alarms or canaries",
                "set progressDeadlineSeconds to notice a stuck rollout, or use Argo Rollouts / Flagger",
            ),
            _ => cx.ledger.unknown(&f, "DeploymentConfiguration"),
        }
    }
    if matches!(cx.kind, Kind::Deployment | Kind::DaemonSet) {
        if cx.kind == Kind::DaemonSet {
            // A DaemonSet cannot surge on the same node; keep maxUnavailable only.
            let pct = format!("{}%", unavailable.clamp(0, 100).max(1));
            r.strategy = Some(
                convert_map! {"type" => "RollingUpdate", "rollingUpdate" => convert_map!{"maxUnavailable" => pct}},
            );
        } else {
            r.strategy = Some(strategy);
        }
    }
}
