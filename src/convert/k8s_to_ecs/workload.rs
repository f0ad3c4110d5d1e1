//! One workload object: its top-level fields and the spec fields of each kind, down to the
//! pod template.

use super::service::Rollout;
use super::task::{CRole, Task};
use super::{Cx, Uses, WORKLOADS, metadata, pod, report, svc, td};
use crate::convert::catalog::{Catalog, K8sItem};
use crate::convert::cursor::At;
use crate::convert::loss::Ledger;
use crate::convert::names::ecs_name;
use crate::convert::options::{Kind, Options};
use crate::convert::outcome::{ObjectReport, Output, Role};
use crate::convert::release;
use crate::convert::unique::{self, Wanted};
use crate::convert::{emit_json, value::Value};
use crate::model::k8s::WorkloadKind;

/// The family of each workload (None for other objects), unique across the set by the rule of
/// `unique`: its name, else namespace-name, else a hash suffix. Output files are named after it.
pub fn families(catalog: &Catalog<'_>) -> Vec<Option<String>> {
    let wanted: Vec<Option<Wanted>> = catalog
        .k8s
        .iter()
        .map(|i| {
            is_workload(i).then(|| {
                let name = i.obj.name.unwrap_or("unnamed");
                Wanted {
                    name: ecs_name(name),
                    qualified: Some(ecs_name(&format!("{}-{name}", i.namespace()))),
                    identity: format!("{}/{}/{name}", i.obj.kind, i.namespace()),
                }
            })
        })
        .collect();
    let all: Vec<Wanted> = wanted.iter().flatten().cloned().collect();
    let mut names = unique::resolve(&all, ECS_NAME_LIMIT, |n| n.to_ascii_lowercase()).into_iter();
    wanted.iter().map(|w| w.as_ref().and_then(|_| names.next())).collect()
}

/// ECS family and service names.
const ECS_NAME_LIMIT: usize = 255;

/// A built-in workload k2e converts: the kind and its API group (a custom resource named
/// `Deployment` is not one).
pub fn is_workload(item: &K8sItem<'_>) -> bool {
    WORKLOADS.contains(&item.obj.kind) && WorkloadKind::of(&item.obj).is_some()
}

/// Why a custom resource that borrows a workload's kind is not converted, or None.
pub fn custom_workload(item: &K8sItem<'_>) -> Option<String> {
    (WorkloadKind::is_workload_name(item.obj.kind) && WorkloadKind::of(&item.obj).is_none()).then(|| {
        format!(
            "{} {} is a custom resource, not a Kubernetes workload: not converted",
            item.obj.api_version,
            item.obj.label()
        )
    })
}

pub fn convert(
    item: &K8sItem<'_>,
    family: &str,
    catalog: &Catalog<'_>,
    opts: &Options,
    uses: &mut Uses,
) -> (ObjectReport, Vec<Output>) {
    let Some(kind) = Kind::from_name(item.obj.kind) else {
        return (
            report(item, Ledger::default(), Vec::new(), Some("not a workload kind".into())),
            Vec::new(),
        );
    };
    let mut cx = Cx {
        opts,
        catalog,
        namespace: item.namespace().to_owned(),
        family: family.to_owned(),
        ledger: Ledger::default(),
        uses,
        ports: Default::default(),
        port_names: Default::default(),
    };
    let root = At::new(item.obj.node, item.obj.pointer.clone());
    let mut task = Task::default();
    let mut rollout = Rollout::default();
    for (key, at) in root.entries() {
        match key {
            "apiVersion" => {
                if at.str() == Some(kind.api_version()) {
                    cx.ledger.mapped(&at, td(""));
                } else {
                    cx.ledger.approx(
                        &at,
                        td(""),
                        format!("{} is not served by current Kubernetes; converting back writes {}", at.text().unwrap_or_default(), kind.api_version()),
                    );
                }
            }
            "kind" if kind == Kind::DaemonSet && opts.fargate() => cx.ledger.approx(
                &at,
                td(""),
                "Fargate has no daemon scheduling: the task definition runs one copy per task you start; run it as a sidecar of the tasks that need it, or convert with --launch-type ec2 for a DAEMON service",
            ),
            "kind" => cx.ledger.mapped(&at, td("")),
            "metadata" => metadata::object(&mut cx, &at, &mut task, kind),
            "spec" => spec(&mut cx, &at, kind, &mut task, &mut rollout),
            "status" => cx
                .ledger
                .dropped(&at, "status is written by the cluster", "nothing to do: ECS reports task state itself"),
            _ => cx.ledger.unknown(&at, kind.name()),
        }
    }
    // Init containers and sidecars are not essential: a task of them alone is rejected (ECS010).
    if !task.containers.iter().any(|c| c.role == CRole::Regular) {
        let message = if task.containers.is_empty() {
            "no container with an image: nothing to run".to_owned()
        } else {
            "only init containers have an image: they prepare the pod, and a task needs an essential container to run after them".to_owned()
        };
        // Nothing was written, so nothing was carried over.
        let mut ledger = Ledger::default();
        ledger.dropped(
            &root,
            message.clone(),
            "give the containers their images and convert again",
        );
        return (report(item, ledger, Vec::new(), Some(message)), Vec::new());
    }
    let mut task_def = super::task::assemble(&mut cx, task);
    // A DaemonSet is a DAEMON service, which only EC2 offers. The service comes first: Service
    // Connect names port mappings of the task definition.
    let service = (kind.has_replicas() || (kind == Kind::DaemonSet && !opts.fargate()))
        .then(|| super::service::create_service(&mut cx, &mut task_def, &rollout, item));
    let mut outputs = vec![Output {
        file: format!("{family}.task-definition.json"),
        text: emit_json::to_string(&Value::Map(task_def.clone())),
        role: Role::TaskDefinition,
        object: item.obj.label(),
    }];
    if let Some(service) = service {
        outputs.push(Output {
            file: format!("{family}.service.json"),
            text: emit_json::to_string(&Value::Map(service)),
            role: Role::Service,
            object: item.obj.label(),
        });
    } else {
        cx.ledger.output_not_written(
            "service",
            "no ECS service is written for this workload",
            "start the tasks yourself (aws ecs run-task), or convert with --launch-type ec2 for a DAEMON service",
        );
    }
    let written: Vec<(&str, serde_json::Value)> = outputs
        .iter()
        .filter_map(|o| {
            let name = if o.role == Role::Service {
                "service"
            } else {
                "task-definition"
            };
            Some((name, serde_json::from_str(&o.text).ok()?))
        })
        .collect();
    super::yaml11::check(&mut cx.ledger, item.doc, item.obj.node, &item.obj.pointer, &written);
    if kind == Kind::CronJob {
        if let Some(schedule) = root
            .get("spec")
            .and_then(|spec| super::schedule::create_schedule(&mut cx, &spec, &task_def))
        {
            outputs.push(Output {
                file: format!("{family}.schedule.json"),
                text: emit_json::to_string(&Value::Map(schedule)),
                role: Role::Schedule,
                object: item.obj.label(),
            });
        }
    }
    let files = outputs.iter().map(|o| o.file.clone()).collect();
    (report(item, cx.ledger, files, None), outputs)
}

/// A workload's spec: the controller's own fields, then the pod template.
fn spec(cx: &mut Cx<'_, '_>, spec: &At<'_>, kind: Kind, task: &mut Task, rollout: &mut Rollout) {
    if !spec.is_map() {
        cx.ledger.invalid(spec, "a mapping");
        return;
    }
    if kind == Kind::Pod {
        pod::spec(cx, spec, task, kind);
        return;
    }
    for (key, at) in spec.entries() {
        match (kind, key) {
            (_, "template") if kind != Kind::CronJob => template(cx, &at, task, kind),
            (Kind::Deployment | Kind::StatefulSet | Kind::ReplicaSet, "replicas") => match at.int() {
                Some(n) if n >= 0 => {
                    rollout.replicas = Some(n);
                    cx.ledger.mapped(&at, svc("/desiredCount"));
                }
                _ => cx.ledger.invalid(&at, "a replica count"),
            },
            (_, "selector") => selector(cx, &at, spec, kind),
            (Kind::Deployment, "strategy") => super::service::strategy(cx, &at, rollout),
            (Kind::StatefulSet | Kind::DaemonSet, "updateStrategy") => super::service::update_strategy(cx, &at, kind, rollout),
            (_, "minReadySeconds") => cx.ledger.dropped(
                &at,
                "ECS has no minimum time a task must be healthy before it counts as available",
                "rely on the container health check and the load balancer's health check; healthCheckGracePeriodSeconds on the service delays load balancer checks",
            ),
            (_, "revisionHistoryLimit") => cx.ledger.dropped(
                &at,
                "ECS keeps every task definition revision",
                "deregister old revisions with aws ecs deregister-task-definition if you need to",
            ),
            (Kind::Deployment, "progressDeadlineSeconds") => cx.ledger.dropped(
                &at,
                "ECS has no progress deadline",
                "enable deploymentConfiguration.deploymentCircuitBreaker on the service to stop failed deployments",
            ),
            (Kind::Deployment, "paused") => cx.ledger.dropped(&at, "ECS services cannot be paused", "nothing to convert"),
            (Kind::StatefulSet, "serviceName") => cx.ledger.dropped(
                &at,
                "ECS tasks have no stable network identities (pod-0, pod-1)",
                "give the service a Cloud Map registry (serviceRegistries) or Service Connect for discovery",
            ),
            (Kind::StatefulSet, "volumeClaimTemplates") => cx.ledger.dropped(
                &at,
                "ECS has no per-task persistent volumes created from a template",
                "use an EFS volume shared by the tasks (--efs), or EBS volumes configured at launch in the service",
            ),
            (Kind::StatefulSet, "podManagementPolicy" | "persistentVolumeClaimRetentionPolicy" | "ordinals") => {
                cx.ledger.dropped(&at, "ECS tasks are not ordered and have no claims", "nothing to convert")
            }
            (Kind::Job, _) => job_field(cx, &at, key, task),
            (Kind::CronJob, _) => cron_field(cx, &at, key, task, spec),
            _ => cx.ledger.unknown(&at, &format!("{}Spec", kind.name())),
        }
    }
}

/// The selector: an ECS service owns its tasks, so there is none. Converting back selects on
/// all pod labels, which gives the same selector when it already selected on all of them.
fn selector(cx: &mut Cx<'_, '_>, at: &At<'_>, spec: &At<'_>, kind: Kind) {
    if matches!(kind, Kind::Job) {
        cx.ledger.dropped(
            at,
            "a hand-written Job selector has no ECS counterpart (tasks belong to their run)",
            "nothing to convert",
        );
        return;
    }
    let labels = spec
        .get("template")
        .and_then(|t| t.get("metadata"))
        .and_then(|m| m.get("labels"))
        .map(|l| l.node.to_json());
    let match_labels = at.get("matchLabels").map(|m| m.node.to_json());
    let only_match_labels = at.entries().iter().all(|(k, _)| *k == "matchLabels");
    let release = release_label(at, spec);
    if only_match_labels && match_labels.is_some() && match_labels == labels && release.is_none() {
        cx.ledger.mapped(at, td("/containerDefinitions/0/dockerLabels"));
    } else if let Some(key) = release {
        cx.ledger.approx(
            at,
            svc(""),
            format!(
                "an ECS service owns its tasks and needs no selector; converting back leaves the release label `{key}` out of the selector (a Deployment's selector cannot change with the next release)"
            ),
        );
    } else {
        cx.ledger.approx(
            at,
            svc(""),
            "an ECS service owns its tasks and needs no selector; converting back selects on all the pod labels",
        );
    }
}

/// The first matchLabels key that names a release (`version: v1`, the image tag), which
/// converting back leaves out of the selector.
fn release_label<'a>(selector: &At<'a>, spec: &At<'_>) -> Option<&'a str> {
    let images: Vec<String> = spec
        .get("template")
        .and_then(|t| t.get("spec"))
        .and_then(|s| s.get("containers"))
        .map(|c| c.items().iter().filter_map(|c| c.get("image")?.text()).collect())
        .unwrap_or_default();
    let tags: Vec<&str> = images.iter().filter_map(|i| release::image_tag(i)).collect();
    selector
        .get("matchLabels")?
        .entries()
        .into_iter()
        .find_map(|(key, value)| {
            let value = value.text().unwrap_or_default();
            release::is_release_label(key, &value, &tags).then_some(key)
        })
}

/// `spec.template`: labels and annotations, then the pod spec.
pub fn template(cx: &mut Cx<'_, '_>, at: &At<'_>, task: &mut Task, kind: Kind) {
    if !at.is_map() {
        cx.ledger.invalid(at, "a pod template");
        return;
    }
    for (key, field) in at.entries() {
        match key {
            "metadata" => metadata::template(cx, &field, task),
            "spec" => pod::spec(cx, &field, task, kind),
            _ => cx.ledger.unknown(&field, "PodTemplateSpec"),
        }
    }
}

fn job_field(cx: &mut Cx<'_, '_>, at: &At<'_>, key: &str, task: &mut Task) {
    let (reason, fix) = match key {
        "template" => {
            template(cx, at, task, Kind::Job);
            return;
        }
        "parallelism" | "completions" | "completionMode" => (
            "ECS runs a task definition as many times as it is asked, with no completion tracking",
            "start the tasks with aws ecs run-task --count N (at most 10 per call), or a Step Functions map state",
        ),
        "backoffLimit" | "backoffLimitPerIndex" | "maxFailedIndexes" | "podFailurePolicy" | "podReplacementPolicy" => (
            "ECS does not retry failed standalone tasks",
            "retry from the scheduler that starts the task (EventBridge Scheduler retry policy, Step Functions Retry)",
        ),
        "activeDeadlineSeconds" => (
            "ECS does not stop a standalone task after a deadline",
            "stop it from the caller (Step Functions TimeoutSeconds) or in the entrypoint (timeout N cmd)",
        ),
        "ttlSecondsAfterFinished" => (
            "ECS forgets stopped tasks by itself after about an hour",
            "nothing to do",
        ),
        "suspend" | "managedBy" | "manualSelector" | "successPolicy" | "scheduling" => (
            "this Job control has no ECS counterpart",
            "nothing to convert; control runs from the scheduler that starts the task",
        ),
        _ => {
            cx.ledger.unknown(at, "JobSpec");
            return;
        }
    };
    cx.ledger.dropped(at, reason, fix);
}

fn cron_field(cx: &mut Cx<'_, '_>, at: &At<'_>, key: &str, task: &mut Task, spec: &At<'_>) {
    match key {
        "schedule" | "timeZone" | "suspend" => super::schedule::field(cx, at, key, spec),
        "jobTemplate" => {
            for (k, field) in at.entries() {
                match k {
                    "metadata" => metadata::job_template(cx, &field),
                    "spec" if field.is_map() => {
                        for (jk, jf) in field.entries() {
                            job_field(cx, &jf, jk, task);
                        }
                    }
                    "spec" => cx.ledger.invalid(&field, "a JobSpec"),
                    _ => cx.ledger.unknown(&field, "JobTemplateSpec"),
                }
            }
        }
        // EventBridge Scheduler starts every run whether the last one ended or not.
        "concurrencyPolicy" if at.str() == Some("Allow") => {
            cx.ledger
                .approx(at, super::schedule::sched("/Target"), super::schedule::ONE_WAY)
        }
        "concurrencyPolicy" | "startingDeadlineSeconds" | "successfulJobsHistoryLimit" | "failedJobsHistoryLimit" => {
            cx.ledger.dropped(
                at,
                "this CronJob control has no ECS counterpart",
                "EventBridge Scheduler has a flexible time window and retry policy; overlapping runs are not prevented",
            )
        }
        _ => cx.ledger.unknown(at, "CronJobSpec"),
    }
}
