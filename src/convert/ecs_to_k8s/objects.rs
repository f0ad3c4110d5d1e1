//! The Kubernetes objects written for one task definition: the workload, a Service for its
//! ports, a ServiceAccount for its task role; one YAML stream per task definition.

use super::service::{self, Rollout};
use super::task::{self, Pod};
use super::{Cx, output, report, service_label, task_label};
use super::{labels, resources};
use crate::convert::catalog::EcsItem;
use crate::convert::cursor::At;
use crate::convert::emit_yaml;
use crate::convert::loss::Ledger;
use crate::convert::names::dns1035_label;
use crate::convert::options::{Kind, Options};
use crate::convert::outcome::{ObjectReport, Output};
use crate::convert::value::{Map, Value};
use crate::convert_map;
use crate::detect::EcsShape;
use crate::parse::Node;

const POD_ORDER: &[&str] = &[
    "serviceAccountName",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "hostname",
    "securityContext",
    "nodeSelector",
    "dnsConfig",
    "hostAliases",
    "imagePullSecrets",
    "resources",
    "initContainers",
    "containers",
    "volumes",
];

pub fn convert(
    task: &EcsItem<'_>,
    family: &str,
    service: Option<&EcsItem<'_>>,
    name: &str,
    accounts: &super::Accounts,
    opts: &Options,
) -> (Vec<ObjectReport>, Option<Output>) {
    let daemon = service
        .and_then(|s| s.node.get("schedulingStrategy"))
        .and_then(Node::as_str)
        == Some("DAEMON");
    let kind = opts
        .kind
        .unwrap_or(if daemon { Kind::DaemonSet } else { Kind::Deployment });
    let name = name.to_owned();
    let mut cx = Cx {
        opts,
        ledger: Ledger::default(),
        kind,
        name: name.clone(),
        accounts,
    };
    let mut pod = Pod::default();
    let root = At::new(task.root, "");
    match task.shape {
        Some(EcsShape::Describe) => {
            for (key, at) in root.entries() {
                match key {
                    "taskDefinition" => task::fields(&mut cx, &at, &mut pod),
                    "tags" => task::tags(&mut cx, &at, &mut pod),
                    _ => cx.ledger.unknown(&at, "describe-task-definition output"),
                }
            }
        }
        Some(EcsShape::ContainerDefinitions) => {
            task::containers(&mut cx, &root, &mut pod);
            cx.ledger.added(
                cx.to("/metadata/name"),
                format!("a bare container list has no family: named {name} after its file"),
            );
        }
        _ => task::fields(&mut cx, &root, &mut pod),
    }
    let mut service_cx = Cx {
        opts,
        ledger: Ledger::default(),
        kind,
        name: name.clone(),
        accounts,
    };
    let rollout = service.map_or_else(Rollout::default, |s| {
        service::account(&mut service_cx, &At::new(s.node, ""))
    });
    let task_object = task_label(task, family);
    let mut reports = Vec::new();
    let regular = pod.containers.iter().any(|(s, _)| s.list == "containers");
    let result = if regular {
        let documents = objects(&mut cx, pod, &rollout);
        let file = format!("{name}.yaml");
        let text = emit_yaml::stream(&documents);
        reports.push(report(task, cx.ledger, vec![file.clone()], None, task_object.clone()));
        Some(output(file, text, task_object))
    } else {
        let why = "no essential container with an image: a pod needs at least one container".to_owned();
        // Nothing was written, so nothing was carried over.
        let mut ledger = Ledger::default();
        ledger.dropped(
            &root,
            why.clone(),
            "give the task an essential container with an image and convert again",
        );
        reports.push(report(task, ledger, Vec::new(), Some(why), task_object));
        None
    };
    if let Some(s) = service {
        let files = result.iter().map(|o| o.file.clone()).collect();
        reports.push(report(s, service_cx.ledger, files, None, service_label(s)));
    }
    (reports, result)
}

fn objects(cx: &mut Cx<'_>, mut pod: Pod, rollout: &Rollout) -> Vec<Value> {
    let kind = cx.kind;
    if pod.template.labels.is_empty() {
        pod.template.labels.insert("app.kubernetes.io/name", cx.name.clone());
        cx.ledger.added(
            cx.template_meta("/labels"),
            "the task has no docker labels to select its pods by: app.kubernetes.io/name added",
        );
    }
    let selector = selector(cx, &mut pod);
    let spec = pod_spec(cx, &mut pod);
    let mut template_meta = Map::new();
    let mut labels = pod.template.labels.clone();
    labels.sort_keys();
    template_meta.insert("labels", labels.clone());
    let mut annotations = pod.template.annotations.clone();
    annotations.sort_keys();
    template_meta.insert_some("annotations", annotations.clone());
    let template = convert_map! {"metadata" => template_meta, "spec" => spec.clone()};

    let mut meta = convert_map! {"name" => cx.name.clone()};
    let (mut object_labels, mut object_annotations) = (pod.object.labels.clone(), pod.object.annotations.clone());
    if kind == Kind::Pod {
        object_labels = labels;
        object_annotations = annotations;
        for (k, v) in pod.object.labels.iter() {
            object_labels.insert(k, v.clone());
        }
    }
    object_labels.sort_keys();
    object_annotations.sort_keys();
    meta.insert_some("labels", object_labels);
    meta.insert_some("annotations", object_annotations);

    let has_ports = !pod.ports.is_empty() && !matches!(kind, Kind::Job | Kind::CronJob);
    let connect = match has_ports {
        true => super::service_connect::services(&rollout.connect, &pod.ports, &selector),
        false => Vec::new(),
    };
    let service_name = match connect.first() {
        Some(Value::Map(s)) => s
            .get("metadata")
            .and_then(Value::as_map)
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        _ => has_ports.then(|| dns1035_label(&cx.name)),
    };
    let mut body = Map::new();
    match kind {
        Kind::Pod => body = spec,
        Kind::Job => {
            body.insert("template", template);
        }
        Kind::CronJob => {
            body.insert("schedule", "@daily");
            cx.ledger.added(
                cx.to("/spec/schedule"),
                "ECS task definitions carry no schedule: @daily is a placeholder (the EventBridge schedule that ran the task has it)",
            );
            body.insert(
                "jobTemplate",
                convert_map! {"spec" => convert_map!{"template" => template}},
            );
        }
        _ => {
            if kind.has_replicas() {
                if let Some(n) = rollout.replicas {
                    body.insert("replicas", n);
                }
            }
            body.insert("selector", convert_map! {"matchLabels" => selector.clone()});
            if kind == Kind::StatefulSet {
                if let Some(s) = &service_name {
                    body.insert("serviceName", s.clone());
                }
            }
            if let Some(strategy) = &rollout.strategy {
                let field = if kind == Kind::Deployment {
                    "strategy"
                } else {
                    "updateStrategy"
                };
                body.insert(field, strategy.clone());
            }
            body.insert("template", template);
        }
    }
    let workload = convert_map! {
        "apiVersion" => kind.api_version(),
        "kind" => kind.name(),
        "metadata" => meta,
        "spec" => body,
    };
    let mut documents = vec![Value::Map(workload)];
    if !connect.is_empty() {
        cx.ledger.added(
            "Service#",
            "a Service for each Service Connect alias name, selecting the workload's pods",
        );
        documents.extend(connect);
    } else if let Some(service_name) = &service_name {
        documents.push(Value::Map(service(
            cx,
            &pod,
            &selector,
            service_name,
            rollout.load_balanced,
        )));
    }
    if let Some((sa, arn)) = &pod.service_account {
        documents.push(Value::Map(convert_map! {
            "apiVersion" => "v1",
            "kind" => "ServiceAccount",
            "metadata" => convert_map!{
                "name" => sa.clone(),
                "annotations" => convert_map!{"eks.amazonaws.com/role-arn" => arn.clone()},
            },
        }));
    }
    documents
}

/// The selector of the workload and its Service: the pod labels except version labels; when
/// only those are left, a name label added to select by.
fn selector(cx: &mut Cx<'_>, pod: &mut Pod) -> Map {
    let images: Vec<String> = pod
        .containers
        .iter()
        .filter_map(|(_, m)| m.get("image").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let tags: Vec<&str> = images
        .iter()
        .filter_map(|i| crate::convert::release::image_tag(i))
        .collect();
    let mut selector = labels::selector(&pod.template.labels, &tags);
    if selector.len() < pod.template.labels.len() {
        if selector.is_empty() {
            pod.template.labels.insert("app.kubernetes.io/name", cx.name.clone());
            selector.insert("app.kubernetes.io/name", cx.name.clone());
            cx.ledger.added(
                cx.template_meta("/labels/app.kubernetes.io~1name"),
                "the pods' labels all name a version: app.kubernetes.io/name added to select them by",
            );
        }
        let to = match cx.kind {
            Kind::Job | Kind::CronJob => None,
            Kind::Pod => (!pod.ports.is_empty()).then(|| "Service#/spec/selector".to_owned()),
            _ => Some(cx.to("/spec/selector")),
        };
        let Some(to) = to else { return selector };
        cx.ledger.added(
            to,
            "version labels (app.kubernetes.io/version, version, image tags) label the pods but stay out of the selector: a Deployment's selector cannot change with the next release",
        );
    }
    selector
}

fn pod_spec(cx: &mut Cx<'_>, pod: &mut Pod) -> Map {
    let mut spec = std::mem::take(&mut pod.spec);
    if matches!(cx.kind, Kind::Job | Kind::CronJob | Kind::Pod) {
        spec.insert("restartPolicy", "Never");
        cx.ledger
            .added(cx.pod("/restartPolicy"), "an ECS task runs once: restartPolicy Never");
    }
    let mut all = std::mem::take(&mut pod.containers);
    let sizes = std::mem::take(&mut pod.task_size);
    if !sizes.is_empty() {
        let asks: Vec<_> = all
            .iter()
            .map(|(s, _)| pod.asks.get(&s.name).cloned().unwrap_or_default())
            .collect();
        resources::split(cx, sizes, &mut all, &asks);
    }
    let mut containers: Vec<(usize, Map)> = Vec::new();
    let mut init: Vec<(usize, Map)> = Vec::new();
    for (slot, map) in all {
        if slot.list == "containers" {
            containers.push((slot.index, map));
        } else {
            init.push((slot.index, map));
        }
    }
    containers.sort_by_key(|(i, _)| *i);
    init.sort_by_key(|(i, _)| *i);
    if let (Some(gib), Some((_, first))) = (pod.ephemeral_gib, containers.first_mut()) {
        first
            .map_mut("resources")
            .map_mut("requests")
            .insert("ephemeral-storage", format!("{gib}Gi"));
        first.sort_by_order(super::container::CONTAINER_ORDER);
    }
    spec.insert_some(
        "initContainers",
        init.into_iter().map(|(_, m)| Value::Map(m)).collect::<Vec<_>>(),
    );
    spec.insert(
        "containers",
        containers.into_iter().map(|(_, m)| Value::Map(m)).collect::<Vec<_>>(),
    );
    let mut volumes: Vec<Value> = std::mem::take(&mut pod.volumes).into_iter().map(Value::Map).collect();
    volumes.extend(std::mem::take(&mut pod.memory_volumes).into_iter().map(Value::Map));
    spec.insert_some("volumes", volumes);
    spec.sort_by_order(POD_ORDER);
    spec
}

fn service(cx: &mut Cx<'_>, pod: &Pod, selector: &Map, name: &str, load_balanced: bool) -> Map {
    let mut ports = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (port_name, port, protocol, app) in &pod.ports {
        if !seen.insert((*port, protocol.clone())) {
            continue;
        }
        let n = port_name
            .clone()
            .unwrap_or_else(|| format!("{}-{port}", protocol.to_ascii_lowercase()));
        let mut p = convert_map! {"name" => n, "port" => *port, "targetPort" => *port, "protocol" => protocol.clone()};
        if let Some(a) = app {
            p.insert("appProtocol", a.clone());
        }
        ports.push(Value::Map(p));
    }
    let mut spec = Map::new();
    if load_balanced {
        spec.insert("type", "LoadBalancer");
        cx.ledger.added(
            "Service#/spec/type",
            "the ECS service had load balancers: a LoadBalancer Service (annotate it for the AWS Load Balancer Controller, target type ip)",
        );
    }
    spec.insert("selector", selector.clone());
    spec.insert("ports", ports);
    cx.ledger.added(
        "Service#",
        format!("Service {name} for the port mappings: pods reach them at {name}:PORT"),
    );
    convert_map! {
        "apiVersion" => "v1",
        "kind" => "Service",
        "metadata" => convert_map!{"name" => name},
        "spec" => spec,
    }
}
