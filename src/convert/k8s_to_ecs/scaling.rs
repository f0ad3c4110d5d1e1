//! A HorizontalPodAutoscaler (autoscaling/v2 or v1) whose target became an ECS service, as
//! Application Auto Scaling inputs: `NAME.scalable-target.json` (RegisterScalableTarget) and a
//! target-tracking `NAME-cpu.scaling-policy.json` / `NAME-memory.scaling-policy.json`
//! (PutScalingPolicy) per Utilization resource metric.

use super::{DEFAULT_CLUSTER, report};
use crate::convert::catalog::K8sItem;
use crate::convert::cursor::At;
use crate::convert::emit_json;
use crate::convert::loss::Ledger;
use crate::convert::options::Options;
use crate::convert::outcome::{ObjectReport, Output, Role};
use crate::convert::value::{Map, Value};
use crate::convert_map;

/// Kubernetes scales on 80% CPU when an autoscaler names no metric.
const DEFAULT_CPU: i64 = 80;

/// The ECS service a workload became: its output file stem and serviceName.
pub struct Target {
    pub stem: String,
    pub service: String,
}

fn target(pointer: &str) -> String {
    format!("scalable-target#{pointer}")
}

fn policy(metric: &str, pointer: &str) -> String {
    format!("{metric}-scaling-policy#{pointer}")
}

const CONFIG: &str = "/TargetTrackingScalingPolicyConfiguration";

/// What the autoscaler's fields give.
#[derive(Default)]
struct Scaling {
    min: Option<i64>,
    max: Option<i64>,
    /// (cpu or memory, target utilization).
    metrics: Vec<(&'static str, i64)>,
    scale_in: Option<i64>,
    scale_out: Option<i64>,
}

pub fn convert(item: &K8sItem<'_>, to: &Target, opts: &Options) -> (ObjectReport, Vec<Output>) {
    let mut ledger = Ledger::default();
    let mut s = Scaling::default();
    let root = At::new(item.obj.node, item.obj.pointer.clone());
    for (key, at) in root.entries() {
        match key {
            "apiVersion" | "kind" => ledger.mapped(&at, target("")),
            "metadata" => metadata(&mut ledger, &at),
            "spec" => spec(&mut ledger, &at, &mut s),
            "status" => ledger.dropped(&at, "status is written by the cluster", "nothing to do"),
            _ => ledger.unknown(&at, "HorizontalPodAutoscaler"),
        }
    }
    if s.metrics.is_empty() {
        s.metrics.push(("cpu", DEFAULT_CPU));
        ledger.added(
            policy("cpu", CONFIG),
            "no metric given: Kubernetes' default, 80% average CPU utilization",
        );
    }
    let outputs = outputs(item, to, opts, &s, &mut ledger);
    let files = outputs.iter().map(|o| o.file.clone()).collect();
    (report(item, ledger, files, None), outputs)
}

fn metadata(ledger: &mut Ledger, at: &At<'_>) {
    for (key, field) in at.entries() {
        match key {
            "name" => ledger.approx(
                &field,
                policy("cpu", "/PolicyName"),
                "the policies are named NAME-cpu and NAME-memory",
            ),
            "namespace" => ledger.mapped(&field, target("/ResourceId")),
            _ => ledger.dropped(
                &field,
                "Application Auto Scaling targets and policies have no labels, annotations or object metadata",
                "nothing to convert",
            ),
        }
    }
}

fn spec(ledger: &mut Ledger, spec: &At<'_>, s: &mut Scaling) {
    for (key, at) in spec.entries() {
        match key {
            "scaleTargetRef" => ledger.mapped(&at, target("/ResourceId")),
            "minReplicas" => match at.int() {
                Some(n) if n >= 0 => {
                    s.min = Some(n);
                    ledger.mapped(&at, target("/MinCapacity"));
                }
                _ => ledger.invalid(&at, "a replica count"),
            },
            "maxReplicas" => match at.int() {
                Some(n) if n >= 1 => {
                    s.max = Some(n);
                    ledger.mapped(&at, target("/MaxCapacity"));
                }
                _ => ledger.invalid(&at, "a replica count of at least 1"),
            },
            "targetCPUUtilizationPercentage" => match at.int() {
                Some(n) if n > 0 => {
                    s.metrics.push(("cpu", n));
                    ledger.mapped(&at, policy("cpu", &format!("{CONFIG}/TargetValue")));
                }
                _ => ledger.invalid(&at, "a percentage"),
            },
            "metrics" => {
                for m in at.items() {
                    metric(ledger, &m, s);
                }
                if at.items().is_empty() {
                    ledger.empty(&at);
                }
            }
            "behavior" => behavior(ledger, &at, s),
            _ => ledger.unknown(&at, "HorizontalPodAutoscalerSpec"),
        }
    }
}

/// One v2 metric: a Resource metric on cpu or memory with a Utilization target becomes a
/// target-tracking policy; the others have no predefined ECS metric.
fn metric(ledger: &mut Ledger, m: &At<'_>, s: &mut Scaling) {
    let resource = m.get("resource");
    let name = resource.as_ref().and_then(|r| r.get("name")).and_then(|n| n.str());
    let target = resource.as_ref().and_then(|r| r.get("target"));
    let utilization = target
        .as_ref()
        .filter(|t| t.get("type").and_then(|t| t.str()) == Some("Utilization"))
        .and_then(|t| t.get("averageUtilization"))
        .and_then(|u| u.int())
        .filter(|u| *u > 0);
    let kind = m.get("type").and_then(|t| t.str());
    let metric = match name {
        Some("cpu") => Some("cpu"),
        Some("memory") => Some("memory"),
        _ => None,
    };
    match (kind, metric, utilization) {
        (Some("Resource"), Some(metric), Some(u)) if !s.metrics.iter().any(|(n, _)| *n == metric) => {
            s.metrics.push((metric, u));
            ledger.mapped(m, policy(metric, &format!("{CONFIG}/TargetValue")));
        }
        _ => ledger.dropped(
            m,
            format!(
                "ECS target tracking has predefined metrics only for average CPU and memory utilization; this {} metric has no counterpart",
                kind.unwrap_or("unknown")
            ),
            "publish the metric to CloudWatch and add a target-tracking policy with a CustomizedMetricSpecification (aws application-autoscaling put-scaling-policy)",
        ),
    }
}

/// Stabilization windows become cooldowns (ECS waits that long after a scaling activity);
/// the rate policies have no counterpart in target tracking.
fn behavior(ledger: &mut Ledger, at: &At<'_>, s: &mut Scaling) {
    for (direction, rules) in at.entries() {
        let (field, slot) = match direction {
            "scaleUp" => ("ScaleOutCooldown", &mut s.scale_out),
            "scaleDown" => ("ScaleInCooldown", &mut s.scale_in),
            _ => {
                ledger.unknown(&rules, "HorizontalPodAutoscalerBehavior");
                continue;
            }
        };
        ledger.dropped(
            &rules,
            "target tracking chooses its own step sizes: scaling policies and their selection have no counterpart",
            "add step scaling policies (PolicyType StepScaling) if the rate of change matters",
        );
        if let Some(window) = rules.get("stabilizationWindowSeconds") {
            match window.int() {
                Some(n) if n >= 0 => {
                    *slot = Some(n);
                    ledger.approx(
                        &window,
                        policy("cpu", &format!("{CONFIG}/{field}")),
                        "a cooldown after each scaling activity, not a window over past recommendations",
                    );
                }
                _ => ledger.invalid(&window, "a number of seconds"),
            }
        }
    }
}

fn outputs(item: &K8sItem<'_>, to: &Target, opts: &Options, s: &Scaling, ledger: &mut Ledger) -> Vec<Output> {
    let cluster = opts
        .cluster
        .as_deref()
        .map(|c| c.rsplit('/').next().unwrap_or(c))
        .unwrap_or(DEFAULT_CLUSTER);
    let resource_id = format!("service/{cluster}/{}", to.service);
    let head = |m: &mut Map| {
        m.insert("ServiceNamespace", "ecs");
        m.insert("ResourceId", resource_id.clone());
        m.insert("ScalableDimension", "ecs:service:DesiredCount");
    };
    let mut scalable = Map::new();
    head(&mut scalable);
    if s.min.is_none() {
        ledger.added(
            target("/MinCapacity"),
            "minReplicas not given: 1, as Kubernetes defaults",
        );
    }
    scalable.insert("MinCapacity", s.min.unwrap_or(1));
    scalable.insert("MaxCapacity", s.max.unwrap_or(1));
    if opts.cluster.is_none() {
        ledger.added(
            target("/ResourceId"),
            "the cluster the service runs in: replace CLUSTER_NAME (--cluster)",
        );
    }
    let name = item.obj.name.unwrap_or("unnamed");
    let mut out = vec![output(
        format!("{}.scalable-target.json", to.stem),
        scalable,
        Role::ScalableTarget,
        item,
    )];
    for (metric, value) in &s.metrics {
        let mut config = convert_map! {
            "TargetValue" => *value,
            "PredefinedMetricSpecification" => convert_map!{
                "PredefinedMetricType" => if *metric == "cpu" { "ECSServiceAverageCPUUtilization" } else { "ECSServiceAverageMemoryUtilization" },
            },
        };
        if let Some(n) = s.scale_in {
            config.insert("ScaleInCooldown", n);
        }
        if let Some(n) = s.scale_out {
            config.insert("ScaleOutCooldown", n);
        }
        let mut p = convert_map! {"PolicyName" => format!("{name}-{metric}")};
        head(&mut p);
        p.insert("PolicyType", "TargetTrackingScaling");
        p.insert("TargetTrackingScalingPolicyConfiguration", config);
        out.push(output(
            format!("{}-{metric}.scaling-policy.json", to.stem),
            p,
            Role::ScalingPolicy,
            item,
        ));
    }
    out
}

fn output(file: String, map: Map, role: Role, item: &K8sItem<'_>) -> Output {
    Output {
        file,
        text: emit_json::to_string(&Value::Map(map)),
        role,
        object: item.obj.label(),
    }
}
