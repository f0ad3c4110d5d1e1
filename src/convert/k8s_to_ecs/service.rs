//! The ECS service (CreateService input) of a Deployment, StatefulSet or ReplicaSet: replicas,
//! rollout limits from the strategy, awsvpc placeholders and load balancers from the Services
//! in the input that select the pods.

use super::{Cx, ServiceUse, svc};
use crate::convert::catalog::K8sItem;
use crate::convert::cursor::At;
use crate::convert::names::file_stem;
use crate::convert::options::Kind;
use crate::convert::value::{Map, Value};
use crate::convert_map;
use crate::parse::Node;
use std::collections::BTreeMap;

/// ECS takes at most five load balancers per service.
const MAX_LOAD_BALANCERS: usize = 5;

#[derive(Debug, Default)]
pub struct Rollout {
    pub replicas: Option<i64>,
    /// maximumPercent and minimumHealthyPercent.
    pub max_percent: Option<i64>,
    pub min_healthy: Option<i64>,
}

pub fn strategy(cx: &mut Cx<'_, '_>, at: &At<'_>, rollout: &mut Rollout) {
    let to = svc("/deploymentConfiguration");
    let kind = at.get("type").and_then(|t| t.str().map(str::to_owned));
    for (key, field) in at.entries() {
        match key {
            "type" => match field.str() {
                Some("Recreate") => {
                    rollout.max_percent = Some(100);
                    rollout.min_healthy = Some(0);
                    cx.ledger.mapped(&field, to.clone());
                }
                Some("RollingUpdate") => cx.ledger.mapped(&field, to.clone()),
                _ => cx.ledger.invalid(&field, "Recreate or RollingUpdate"),
            },
            "rollingUpdate" if kind.as_deref() != Some("Recreate") => {
                for (k, value) in field.entries() {
                    let replicas = rollout.replicas.unwrap_or(1).max(1);
                    let (percent, exact) = match (value.str().and_then(|s| s.strip_suffix('%')), value.int()) {
                        (Some(p), _) => match p.parse::<i64>() {
                            Ok(p) if p >= 0 => (p, true),
                            _ => {
                                cx.ledger.invalid(&value, "a percentage or a count");
                                continue;
                            }
                        },
                        (None, Some(n)) if n >= 0 => {
                            let p = if k == "maxSurge" {
                                (n * 100 + replicas - 1) / replicas
                            } else {
                                n * 100 / replicas
                            };
                            (p, false)
                        }
                        _ => {
                            cx.ledger.invalid(&value, "a percentage or a count");
                            continue;
                        }
                    };
                    let (field_name, ecs) = match k {
                        "maxSurge" => ("maximumPercent", 100 + percent),
                        "maxUnavailable" => ("minimumHealthyPercent", (100 - percent).max(0)),
                        _ => {
                            cx.ledger.unknown(&value, "RollingUpdateDeployment");
                            continue;
                        }
                    };
                    if field_name == "maximumPercent" {
                        rollout.max_percent = Some(ecs);
                    } else {
                        rollout.min_healthy = Some(ecs);
                    }
                    let to = svc(format!("/deploymentConfiguration/{field_name}"));
                    if exact && percent <= 100 {
                        cx.ledger.mapped(&value, to);
                    } else {
                        cx.ledger.approx(
                            &value,
                            to,
                            format!(
                                "ECS takes percentages: {} of {replicas} replica(s) written as {ecs}%",
                                value.text().unwrap_or_default()
                            ),
                        );
                    }
                }
            }
            "rollingUpdate" => cx.ledger.invalid(&field, "absent with type Recreate"),
            _ => cx.ledger.unknown(&field, "DeploymentStrategy"),
        }
    }
    // 0% surge and 100% unavailable is what Recreate means to ECS (100/0).
    if kind.as_deref() != Some("Recreate") && rollout.max_percent == Some(100) && rollout.min_healthy == Some(0) {
        cx.ledger.approx(at, to, "ECS reads maximumPercent 100 / minimumHealthyPercent 0 as stop-then-start: converting back writes type Recreate");
        for (key, field) in at.entries() {
            let leaves = if key == "rollingUpdate" {
                field.entries().into_iter().map(|(_, v)| v).collect()
            } else {
                vec![field]
            };
            for leaf in leaves {
                cx.ledger.approx(
                    &leaf,
                    svc("/deploymentConfiguration"),
                    "converting back writes type Recreate",
                );
            }
        }
    }
}

/// StatefulSet and DaemonSet update strategies: ECS replaces tasks by percentages.
pub fn update_strategy(cx: &mut Cx<'_, '_>, at: &At<'_>, kind: Kind, rollout: &mut Rollout) {
    match at.get("type").and_then(|t| t.str()) {
        Some("OnDelete") => cx.ledger.dropped(
            at,
            "ECS always replaces running tasks when the service's task definition changes",
            "nothing to convert",
        ),
        _ => {
            if kind == Kind::StatefulSet {
                // One pod at a time: never more than the desired count, at most one missing.
                rollout.max_percent = Some(100);
            }
            cx.ledger.approx(
                at,
                svc("/deploymentConfiguration"),
                "ECS replaces tasks within maximumPercent/minimumHealthyPercent, not pod by pod (by ordinal or by node); partitions have no counterpart",
            );
        }
    }
}

pub fn create_service(cx: &mut Cx<'_, '_>, task_def: &mut Map, rollout: &Rollout, item: &K8sItem<'_>) -> Map {
    let opts = cx.opts;
    let mut out = Map::new();
    if let Some(cluster) = &opts.cluster {
        out.insert("cluster", cluster.clone());
    }
    out.insert("serviceName", cx.family.clone());
    out.insert("taskDefinition", cx.family.clone());
    let daemon = item.obj.kind == "DaemonSet";
    if !daemon {
        out.insert("desiredCount", rollout.replicas.unwrap_or(1));
        if rollout.replicas.is_none() {
            cx.ledger
                .added(svc("/desiredCount"), "no replicas given: 1, as Kubernetes defaults");
        }
    }
    out.insert("launchType", opts.launch_type.api_name());
    out.insert("schedulingStrategy", if daemon { "DAEMON" } else { "REPLICA" });
    if daemon {
        cx.ledger.added(
            svc("/schedulingStrategy"),
            "a DaemonSet: one task on every container instance of the cluster",
        );
    }
    let desired = rollout.replicas.unwrap_or(1);
    let (default_max, default_min) = if item.obj.kind == "StatefulSet" {
        super::rollout::one_at_a_time(desired)
    } else {
        super::rollout::default_limits(desired)
    };
    let (mut max, mut min) = (
        rollout.max_percent.unwrap_or(default_max),
        rollout.min_healthy.unwrap_or(default_min),
    );
    if !daemon && (rollout.max_percent.is_none() || rollout.min_healthy.is_none()) {
        cx.ledger.added(
            svc("/deploymentConfiguration"),
            format!(
                "rollout limits not given: Kubernetes' default on {desired} replica(s), {}: {default_max}% / {default_min}%",
                if item.obj.kind == "StatefulSet" { "one pod stopped then replaced at a time" } else { "25% surge rounded up, 25% unavailable rounded down" }
            ),
        );
    }
    let budget = (!daemon)
        .then(|| super::disruption::floor(cx, pod_labels(item.obj.node), desired))
        .flatten();
    if let Some(floor) = budget.filter(|f| *f > min) {
        min = floor;
        changed(
            cx,
            item,
            "maxUnavailable",
            format!("minimumHealthyPercent raised to {floor}% by a PodDisruptionBudget"),
        );
        cx.ledger.added(
            svc("/deploymentConfiguration/minimumHealthyPercent"),
            format!("{floor}%: the PodDisruptionBudget that selects the pods keeps that many running"),
        );
    }
    if !daemon && !super::rollout::can_move(desired, max, min) {
        let (new_max, new_min) = super::rollout::unstick(desired, max, min);
        let why = |field: &str, value: i64| format!("ECS rounds it so no task could move: {field} written as {value}%");
        if new_max != max {
            changed(cx, item, "maxSurge", why("maximumPercent", new_max));
        }
        if new_min != min {
            changed(cx, item, "maxUnavailable", why("minimumHealthyPercent", new_min));
        }
        (max, min) = (new_max, new_min);
        cx.ledger.added(
            svc("/deploymentConfiguration"),
            format!("ECS rounds maximumPercent down and minimumHealthyPercent up: {max}% / {min}% so that one of {desired} task(s) can be replaced, as Kubernetes' rounding allows"),
        );
    }
    if !daemon {
        out.insert(
            "deploymentConfiguration",
            convert_map! {"maximumPercent" => max, "minimumHealthyPercent" => min},
        );
    }
    if task_def.get("networkMode").and_then(Value::as_str) == Some("awsvpc") {
        out.insert(
            "networkConfiguration",
            convert_map! {"awsvpcConfiguration" => convert_map!{
                "subnets" => opts.subnets.clone(),
                "securityGroups" => opts.security_groups.clone(),
                "assignPublicIp" => "DISABLED",
            }},
        );
        cx.ledger.added(
            svc("/networkConfiguration"),
            "awsvpc needs subnets and security groups: replace the placeholders (--subnet, --security-group)",
        );
    }
    let balancers = load_balancers(cx, task_def, item);
    out.insert_some("loadBalancers", balancers);
    if let Some(connect) = super::service_connect::configuration(cx, task_def) {
        out.insert("serviceConnectConfiguration", connect);
    }
    out
}

/// The note on a rollingUpdate field whose value the service no longer holds as it is:
/// approximated, with why.
fn changed(cx: &mut Cx<'_, '_>, item: &K8sItem<'_>, key: &str, reason: String) {
    let path = format!("{}/spec/strategy/rollingUpdate/{key}", item.obj.pointer);
    for note in cx.ledger.notes.iter_mut().filter(|n| n.path == path) {
        if note.fate == crate::convert::loss::Fate::Mapped {
            note.fate = crate::convert::loss::Fate::Approximated;
            note.reason = Some(reason.clone());
        }
    }
}

/// The pod template's labels of a workload (the pod's own labels for a Pod).
fn pod_labels(node: &Node) -> Option<&Node> {
    node.get("spec")?.get("template")?.get("metadata")?.get("labels")
}

/// Services of the namespace whose selector the pod labels satisfy.
fn load_balancers(cx: &mut Cx<'_, '_>, task_def: &Map, item: &K8sItem<'_>) -> Vec<Value> {
    let Some(labels) = pod_labels(item.obj.node).and_then(Node::as_map) else {
        return Vec::new();
    };
    let labels: BTreeMap<&str, String> = labels
        .iter()
        .filter_map(|e| Some((e.key.as_str(), e.value.scalar_text()?)))
        .collect();
    let ports = container_ports(task_def);
    let mut out = Vec::new();
    for service in cx.catalog.of_kind("Service") {
        if service.namespace() != cx.namespace {
            continue;
        }
        let Some(selector) = service
            .obj
            .node
            .get("spec")
            .and_then(|s| s.get("selector"))
            .and_then(Node::as_map)
        else {
            continue;
        };
        let selects = !selector.is_empty()
            && selector.iter().all(|e| {
                e.value
                    .scalar_text()
                    .is_some_and(|v| labels.get(e.key.as_str()) == Some(&v))
            });
        if !selects {
            continue;
        }
        let spec = service.obj.node.get("spec");
        let kind = spec
            .and_then(|s| s.get("type"))
            .and_then(Node::as_str)
            .unwrap_or("ClusterIP");
        let load_balanced = matches!(kind, "LoadBalancer" | "NodePort");
        let mut use_ = ServiceUse {
            family: cx.family.clone(),
            ports: BTreeMap::new(),
            load_balanced,
            connect: BTreeMap::new(),
        };
        let service_ports = spec
            .and_then(|s| s.get("ports"))
            .and_then(Node::as_seq)
            .unwrap_or_default();
        for (i, port) in service_ports.iter().enumerate() {
            let target = port.get("targetPort").or_else(|| port.get("port"));
            let found = target.and_then(|t| match t.as_str() {
                Some(name) => ports.iter().find(|p| p.2.as_deref() == Some(name)),
                None => {
                    let n = t.scalar_text()?.parse::<i64>().ok()?;
                    ports.iter().find(|p| p.1 == n)
                }
            });
            let Some((container, container_port, _)) = found else {
                continue;
            };
            use_.ports.insert(i, (container.clone(), *container_port));
            if load_balanced && out.len() < MAX_LOAD_BALANCERS {
                let name = format!("{}-{}", service.name(), container_port);
                let mut tg = file_stem(&name);
                tg.truncate(32);
                let arn = cx
                    .opts
                    .target_group_arn
                    .fill(&cx.opts.vars(&cx.namespace, &[("service", &tg)]));
                out.push(Value::Map(convert_map! {
                    "targetGroupArn" => arn,
                    "containerName" => container.clone(),
                    "containerPort" => *container_port,
                }));
                cx.ledger.added(
                    svc(format!("/loadBalancers/{}", out.len() - 1)),
                    format!(
                        "from Service {}: create a target group of target type ip for port {container_port} and put its ARN here (--target-group-arn)",
                        service.name()
                    ),
                );
            }
        }
        cx.uses
            .services
            .entry((cx.namespace.clone(), service.name().to_owned()))
            .or_default()
            .push(use_);
    }
    out
}

/// (container, containerPort, port name) of every port mapping in the task definition.
fn container_ports(task_def: &Map) -> Vec<(String, i64, Option<String>)> {
    let mut out = Vec::new();
    for c in task_def
        .get("containerDefinitions")
        .and_then(Value::as_list)
        .unwrap_or_default()
    {
        let Some(c) = c.as_map() else { continue };
        let name = c.get("name").and_then(Value::as_str).unwrap_or_default();
        for m in c.get("portMappings").and_then(Value::as_list).unwrap_or_default() {
            let Some(m) = m.as_map() else { continue };
            if let Some(port) = m.get("containerPort").and_then(Value::as_int) {
                let pname = m.get("name").and_then(Value::as_str).map(str::to_owned);
                out.push((name.to_owned(), port, pname));
            }
        }
    }
    out
}
