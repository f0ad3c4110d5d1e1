//! Kubernetes workloads -> ECS task definitions (RegisterTaskDefinition input) and, for kinds
//! that keep replicas running, ECS services (CreateService input).

mod container;
mod disruption;
mod env;
mod metadata;
mod network;
mod others;
mod placement;
mod pod;
mod probes;
mod resources;
mod rollout;
mod scaling;
mod schedule;
mod security;
mod service;
mod service_connect;
mod sizing;
mod task;
mod volumes;
mod workload;
mod yaml11;

use super::catalog::{Catalog, K8sItem};
use super::loss::Ledger;
use super::options::Options;
use super::outcome::{Conversion, ObjectReport};
use super::references::RefKind;
use std::collections::BTreeMap;

/// The cluster a service without `--cluster` is created in: ECS names the account's default
/// cluster `default`, so scaling targets and schedules name it too.
pub const DEFAULT_CLUSTER: &str = "default";

/// Kinds converted to task definitions.
pub const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Pod",
    "Job",
    "CronJob",
];

/// Where output pointers point: `task-definition#/...` and `service#/...`.
pub fn td(pointer: impl AsRef<str>) -> String {
    format!("task-definition#{}", pointer.as_ref())
}

pub fn svc(pointer: impl AsRef<str>) -> String {
    format!("service#{}", pointer.as_ref())
}

/// What the workloads referenced, so the Secrets, ConfigMaps, ServiceAccounts and Services of
/// the input can say where each of their fields went.
#[derive(Debug, Default)]
pub struct Uses {
    /// (kind, namespace, name) -> key -> ARN.
    pub keys: BTreeMap<(RefKind, String, String), BTreeMap<String, String>>,
    /// (namespace, name) -> task role ARN.
    pub service_accounts: BTreeMap<(String, String), String>,
    /// (namespace, Service name) -> (family, port mappings it reaches: (target, container, port)).
    pub services: BTreeMap<(String, String), Vec<ServiceUse>>,
    /// (namespace, PodDisruptionBudget name) -> the services whose minimum it set.
    pub budgets: BTreeMap<(String, String), Vec<disruption::Applied>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceUse {
    pub family: String,
    /// Service port index -> (container, containerPort), when the target port is in the pod.
    pub ports: BTreeMap<usize, (String, i64)>,
    pub load_balanced: bool,
    /// Service port index -> the Service Connect endpoint it became.
    pub connect: BTreeMap<usize, service_connect::Endpoint>,
}

/// One conversion in progress.
pub struct Cx<'o, 'c> {
    pub opts: &'o Options,
    pub catalog: &'o Catalog<'c>,
    pub namespace: String,
    pub family: String,
    pub ledger: Ledger,
    pub uses: &'o mut Uses,
    /// Ports and port names already mapped: the containers of an awsvpc task share one network
    /// interface, so two cannot take the same port.
    pub ports: std::collections::BTreeSet<(i64, String)>,
    pub port_names: std::collections::BTreeSet<String>,
}

impl Cx<'_, '_> {
    pub fn fargate(&self) -> bool {
        self.opts.fargate()
    }

    /// A reason for a field Fargate cannot take, with what to do about it.
    pub fn not_on_fargate(&mut self, at: &super::cursor::At<'_>, what: &str, fix: &str) {
        self.ledger
            .dropped(at, format!("{what} is not available on Fargate"), fix.to_owned());
    }
}

pub fn convert(catalog: &Catalog<'_>, opts: &Options, run: &mut Conversion) {
    let mut uses = Uses::default();
    let families = workload::families(catalog);
    let mut targets = BTreeMap::new();
    for (item, stem) in catalog.k8s.iter().zip(&families) {
        if let Some(family) = stem {
            let (report, outputs) = workload::convert(item, family, catalog, opts, &mut uses);
            if let Some(service) = service_name(&outputs) {
                let key = (
                    item.obj.kind.to_owned(),
                    item.namespace().to_owned(),
                    item.name().to_owned(),
                );
                targets.insert(
                    key,
                    scaling::Target {
                        stem: family.clone(),
                        service,
                    },
                );
            }
            run.objects.push(report);
            run.outputs.extend(outputs);
        }
    }
    // The first HorizontalPodAutoscaler of each workload, by name.
    let mut scaled: BTreeMap<TargetKey, String> = BTreeMap::new();
    for (item, stem) in catalog.k8s.iter().zip(&families) {
        if stem.is_some() {
            continue;
        }
        match workload::custom_workload(item) {
            Some(reason) => run.skipped.push(super::catalog::Skipped {
                file: item.file.to_owned(),
                document: item.doc.index,
                reason,
            }),
            None => match scale_target(item, &targets) {
                Some((key, _)) if scaled.contains_key(key) => {
                    run.objects.push(second_autoscaler(item, &scaled[key]));
                }
                Some((key, target)) => {
                    scaled.insert(key.clone(), item.name().to_owned());
                    let (report, outputs) = scaling::convert(item, target, opts);
                    run.objects.push(report);
                    run.outputs.extend(outputs);
                }
                None => run
                    .objects
                    .push(disruption::account(item, &uses).unwrap_or_else(|| others::account(item, &uses))),
            },
        }
    }
    for item in catalog
        .ecs_tasks
        .iter()
        .chain(&catalog.ecs_services)
        .chain(&catalog.ecs_scaling)
    {
        run.skipped.push(super::catalog::Skipped {
            file: item.file.to_owned(),
            document: item.doc.index,
            reason: "ECS input: convert it with --to k8s".into(),
        });
    }
}

/// The serviceName of the ECS service among a workload's outputs.
fn service_name(outputs: &[super::outcome::Output]) -> Option<String> {
    let service = outputs.iter().find(|o| o.role == super::outcome::Role::Service)?;
    let json: serde_json::Value = serde_json::from_str(&service.text).ok()?;
    json.get("serviceName")?.as_str().map(str::to_owned)
}

/// A workload that became an ECS service: kind, namespace, name.
type TargetKey = (String, String, String);

/// The ECS service a HorizontalPodAutoscaler scales: its scaleTargetRef, in its namespace.
fn scale_target<'t>(
    item: &K8sItem<'_>,
    targets: &'t BTreeMap<TargetKey, scaling::Target>,
) -> Option<(&'t TargetKey, &'t scaling::Target)> {
    if item.obj.kind != "HorizontalPodAutoscaler" {
        return None;
    }
    let r = item.obj.node.get("spec")?.get("scaleTargetRef")?;
    let kind = r.get("kind")?.as_str()?;
    let name = r.get("name")?.as_str()?;
    targets.get_key_value(&(kind.to_owned(), item.namespace().to_owned(), name.to_owned()))
}

/// A second HorizontalPodAutoscaler on one workload: Kubernetes scales neither (the controller
/// reports AmbiguousSelector) and an ECS service has one scalable target, so it is not converted.
fn second_autoscaler(item: &K8sItem<'_>, first: &str) -> ObjectReport {
    let mut ledger = Ledger::default();
    let root = super::cursor::At::new(item.obj.node, item.obj.pointer.clone());
    ledger.dropped(
        &root,
        format!(
            "HorizontalPodAutoscaler {first} already scales the same workload: Kubernetes scales neither of two autoscalers on one workload (AmbiguousSelector), and an ECS service has one scalable target"
        ),
        "keep one HorizontalPodAutoscaler per workload (its metrics become one target-tracking policy each); this one was not converted",
    );
    report(item, ledger, Vec::new(), None)
}

/// The report of one input object once its ledger is complete.
pub fn report(item: &K8sItem<'_>, mut ledger: Ledger, outputs: Vec<String>, error: Option<String>) -> ObjectReport {
    ledger.sweep(item.obj.node, &item.obj.pointer);
    let (fields, added) = ledger.finish(item.doc);
    ObjectReport {
        file: item.file.to_owned(),
        document: item.doc.index,
        pointer: item.obj.pointer.clone(),
        object: item.obj.label(),
        outputs,
        counts: super::loss::Counts::of(&fields),
        fields,
        added,
        error,
    }
}
