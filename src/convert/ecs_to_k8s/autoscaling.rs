//! ECS service autoscaling (a RegisterScalableTarget input and PutScalingPolicy target tracking
//! inputs, matched to their ECS service by ResourceId) -> a HorizontalPodAutoscaler
//! (autoscaling/v2) for the workload, in the workload's YAML stream.

use super::{Accounts, Cx, report};
use crate::convert::catalog::EcsItem;
use crate::convert::cursor::At;
use crate::convert::loss::Ledger;
use crate::convert::options::{Kind, Options};
use crate::convert::outcome::ObjectReport;
use crate::convert::value::{Map, Value};
use crate::convert_map;
use crate::detect::{EcsScaling, ecs_scaling};
use crate::parse::Node;

const HPA: &str = "HorizontalPodAutoscaler#";

/// Whether a scaling input is for `service`: `service/CLUSTER/NAME` with the service's name
/// (and its cluster, when both name one).
pub fn is_for(item: &EcsItem<'_>, service: &EcsItem<'_>) -> bool {
    let Some(id) = item.node.get("ResourceId").and_then(Node::as_str) else {
        return false;
    };
    let mut parts = id.split('/');
    let (Some("service"), Some(cluster), Some(name), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let service_cluster = service.node.get("cluster").and_then(Node::as_str);
    service.node.get("serviceName").and_then(Node::as_str) == Some(name)
        && service_cluster.is_none_or(|c| c == cluster || c.ends_with(&format!("/{cluster}")))
}

/// The label of a scaling input in the report.
pub fn label(item: &EcsItem<'_>) -> String {
    let text = |key: &str| item.node.get(key).and_then(Node::as_str).unwrap_or("?");
    match ecs_scaling(item.node) {
        Some(EcsScaling::Policy) => format!("ScalingPolicy/{}", text("PolicyName")),
        _ => format!("ScalableTarget/{}", text("ResourceId")),
    }
}

/// The kind objects::convert writes for a task with this service.
fn workload_kind(opts: &Options, service: &EcsItem<'_>) -> Kind {
    let daemon = service.node.get("schedulingStrategy").and_then(Node::as_str) == Some("DAEMON");
    opts.kind
        .unwrap_or(if daemon { Kind::DaemonSet } else { Kind::Deployment })
}

/// The HPA of a workload from the scaling inputs of its service, and their reports.
pub fn convert(
    items: &[&EcsItem<'_>],
    service: &EcsItem<'_>,
    name: &str,
    outputs: &[String],
    opts: &Options,
) -> (Option<Value>, Vec<ObjectReport>) {
    let kind = workload_kind(opts, service);
    let mut hpa = Hpa::default();
    let mut reports = Vec::new();
    // An HPA names no task role.
    let no_accounts = Accounts::default();
    for item in items {
        let mut cx = Cx {
            opts,
            ledger: Ledger::default(),
            kind,
            name: name.to_owned(),
            accounts: &no_accounts,
        };
        let root = At::new(item.node, "");
        if !kind.has_replicas() {
            cx.ledger.dropped(
                &root,
                format!("a {} has no replica count to scale", kind.name()),
                "convert with --kind Deployment to keep the autoscaling",
            );
        } else if ecs_scaling(item.node) == Some(EcsScaling::Policy) {
            policy(&mut cx.ledger, &root, &mut hpa);
        } else {
            target(&mut cx.ledger, &root, &mut hpa);
        }
        reports.push(report(item, cx.ledger, outputs.to_vec(), None, label(item)));
    }
    (hpa.value(kind, name), reports)
}

/// A scaling input whose service is not among the inputs.
pub fn unmatched(item: &EcsItem<'_>) -> ObjectReport {
    let mut ledger = Ledger::default();
    let id = item.node.get("ResourceId").and_then(Node::as_str).unwrap_or("?");
    ledger.dropped(
        &At::new(item.node, ""),
        format!("no workload was written for the ECS service {id}: the service is not among the inputs, or its task definition could not be converted"),
        "convert it together with the service and its task definition",
    );
    report(item, ledger, Vec::new(), None, label(item))
}

#[derive(Debug, Default)]
struct Hpa {
    min: Option<i64>,
    max: Option<i64>,
    metrics: Vec<Value>,
    scale_down: Map,
    scale_up: Map,
}

impl Hpa {
    fn value(mut self, kind: Kind, name: &str) -> Option<Value> {
        let max = self.max?;
        self.scale_down
            .sort_by_order(&["stabilizationWindowSeconds", "selectPolicy"]);
        let mut spec = convert_map! {
            "scaleTargetRef" => convert_map!{"apiVersion" => kind.api_version(), "kind" => kind.name(), "name" => name},
        };
        spec.insert_some("minReplicas", self.min.map_or(Value::Null, Value::from));
        spec.insert("maxReplicas", max);
        spec.insert_some("metrics", self.metrics);
        let mut behavior = Map::new();
        behavior.insert_some("scaleDown", self.scale_down);
        behavior.insert_some("scaleUp", self.scale_up);
        spec.insert_some("behavior", behavior);
        Some(Value::Map(convert_map! {
            "apiVersion" => "autoscaling/v2",
            "kind" => "HorizontalPodAutoscaler",
            "metadata" => convert_map!{"name" => name},
            "spec" => spec,
        }))
    }
}

fn target(ledger: &mut Ledger, root: &At<'_>, hpa: &mut Hpa) {
    for (key, field) in root.entries() {
        match key {
            "ServiceNamespace" | "ScalableDimension" => ledger.mapped(&field, format!("{HPA}/spec/scaleTargetRef")),
            "ResourceId" => ledger.approx(
                &field,
                format!("{HPA}/spec/scaleTargetRef/name"),
                "the HPA scales the workload written for the service's task definition",
            ),
            "MinCapacity" => match field.int() {
                Some(n) if n >= 1 => {
                    hpa.min = Some(n);
                    ledger.mapped(&field, format!("{HPA}/spec/minReplicas"));
                }
                Some(0) => {
                    hpa.min = Some(1);
                    ledger.approx(
                        &field,
                        format!("{HPA}/spec/minReplicas"),
                        "an HPA keeps at least one replica (scaling to zero needs the HPAScaleToZero feature gate): written as 1",
                    );
                }
                _ => ledger.invalid(&field, "a capacity of 0 or more"),
            },
            "MaxCapacity" => match field.int() {
                Some(n) if n >= 1 => {
                    hpa.max = Some(n);
                    ledger.mapped(&field, format!("{HPA}/spec/maxReplicas"));
                }
                _ => ledger.invalid(&field, "a capacity of 1 or more"),
            },
            "RoleARN" => ledger.dropped(
                &field,
                "the HPA controller runs in the cluster with its own permissions",
                "nothing to convert",
            ),
            "SuspendedState" | "Tags" => ledger.dropped(
                &field,
                format!("an HPA has no {key}"),
                "nothing to convert; delete or edit the HPA to stop scaling",
            ),
            _ => ledger.unknown(&field, "RegisterScalableTarget input"),
        }
    }
}

fn policy(ledger: &mut Ledger, root: &At<'_>, hpa: &mut Hpa) {
    let tracking = root.get("PolicyType").and_then(|t| t.str()) == Some("TargetTrackingScaling");
    let config = root.get("TargetTrackingScalingPolicyConfiguration");
    let metric = config
        .as_ref()
        .and_then(|c| c.get("PredefinedMetricSpecification"))
        .and_then(|m| m.get("PredefinedMetricType"))
        .and_then(|t| match t.str() {
            Some("ECSServiceAverageCPUUtilization") => Some("cpu"),
            Some("ECSServiceAverageMemoryUtilization") => Some("memory"),
            _ => None,
        });
    let (true, Some(config), Some(resource)) = (tracking, config, metric) else {
        ledger.dropped(
            root,
            "only target tracking on ECSServiceAverageCPUUtilization or ECSServiceAverageMemoryUtilization has an HPA counterpart",
            "write the HPA metric by hand (Pods or External metrics through a metrics adapter, or KEDA for step scaling)",
        );
        return;
    };
    let index = hpa.metrics.len();
    let to = |p: &str| format!("{HPA}/spec/metrics/{index}{p}");
    for (key, field) in root.entries() {
        match key {
            "PolicyName" => ledger.dropped(&field, "HPA metrics have no names", "nothing to convert"),
            "ServiceNamespace" | "ScalableDimension" => ledger.mapped(&field, format!("{HPA}/spec/scaleTargetRef")),
            "ResourceId" => ledger.approx(
                &field,
                format!("{HPA}/spec/scaleTargetRef/name"),
                "the HPA scales the workload written for the service's task definition",
            ),
            "PolicyType" => ledger.mapped(&field, to("/type")),
            "TargetTrackingScalingPolicyConfiguration" => {}
            _ => ledger.unknown(&field, "PutScalingPolicy input"),
        }
    }
    let mut utilization = None;
    for (key, field) in config.entries() {
        match key {
            "TargetValue" => utilization = target_value(ledger, &field, &to("/resource/target/averageUtilization")),
            "PredefinedMetricSpecification" => {
                for (k, f) in field.entries() {
                    match k {
                        "PredefinedMetricType" => ledger.approx(
                            &f,
                            to("/resource/name"),
                            format!("ECS measures {resource} against the task's reservation, an HPA against the pods' requests: give the containers requests that add up to the task size"),
                        ),
                        "ResourceLabel" => ledger.dropped(&f, "only ALB request counts have a resource label", "nothing to convert"),
                        _ => ledger.unknown(&f, "PredefinedMetricSpecification"),
                    }
                }
            }
            "ScaleInCooldown" | "ScaleOutCooldown" => cooldown(ledger, &field, key, hpa),
            "DisableScaleIn" => match field.bool() {
                Some(true) => {
                    hpa.scale_down.insert("selectPolicy", "Disabled");
                    ledger.approx(
                        &field,
                        format!("{HPA}/spec/behavior/scaleDown/selectPolicy"),
                        "an HPA disables scaling in for all its metrics, not for this one only",
                    );
                }
                Some(false) => ledger.mapped(&field, format!("{HPA}/spec")),
                None => ledger.invalid(&field, "a boolean"),
            },
            _ => ledger.unknown(&field, "TargetTrackingScalingPolicyConfiguration"),
        }
    }
    let mut target = convert_map! {"type" => "Utilization"};
    target.insert_some("averageUtilization", utilization.map_or(Value::Null, Value::from));
    hpa.metrics.push(Value::Map(convert_map! {
        "type" => "Resource",
        "resource" => convert_map!{"name" => resource, "target" => target},
    }));
}

/// A target percentage as the whole percentage an HPA takes.
fn target_value(ledger: &mut Ledger, at: &At<'_>, to: &str) -> Option<i64> {
    let value = at
        .text()
        .and_then(|t| t.parse::<f64>().ok())
        .filter(|v| *v > 0.0 && *v <= 100.0);
    let Some(value) = value else {
        ledger.invalid(at, "a percentage above 0 and at most 100");
        return None;
    };
    let whole = value.round() as i64;
    if (value - whole as f64).abs() < f64::EPSILON {
        ledger.mapped(at, to);
    } else {
        ledger.approx(at, to, format!("an HPA takes whole percentages: written as {whole}"));
    }
    Some(whole)
}

fn cooldown(ledger: &mut Ledger, at: &At<'_>, key: &str, hpa: &mut Hpa) {
    let Some(seconds) = at.int().filter(|s| (0..=3600).contains(s)) else {
        ledger.invalid(at, "seconds an HPA window can take (0-3600)");
        return;
    };
    let (side, map) = if key == "ScaleInCooldown" {
        ("scaleDown", &mut hpa.scale_down)
    } else {
        ("scaleUp", &mut hpa.scale_up)
    };
    let longest = map
        .get("stabilizationWindowSeconds")
        .and_then(Value::as_int)
        .map_or(seconds, |s| s.max(seconds));
    map.insert("stabilizationWindowSeconds", longest);
    ledger.approx(
        at,
        format!("{HPA}/spec/behavior/{side}/stabilizationWindowSeconds"),
        "a cooldown waits after each scaling activity; a stabilization window acts on the most cautious recommendation of the window (the longest of the policies' cooldowns is kept)",
    );
}
