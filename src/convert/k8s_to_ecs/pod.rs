//! PodSpec -> task-level fields, and the fields Kubernetes sets per pod that ECS sets per
//! container (user, sysctls, DNS, host aliases, stop timeout, registry credentials).

use super::task::{CRole, PodLimit, Task};
use super::{Cx, container, network, placement, security, td, volumes};
use crate::convert::cursor::At;
use crate::convert::options::Kind;
use crate::convert::references::{pull_secret, pull_secret_arn, service_account, task_role_arn};
use crate::convert::value::Value;
use crate::convert_map;
use crate::model::quantity::Quantity;

/// Longest stop timeout Fargate accepts.
const FARGATE_MAX_STOP: i64 = 120;

pub fn spec(cx: &mut Cx<'_, '_>, spec: &At<'_>, task: &mut Task, kind: Kind) {
    if !spec.is_map() {
        cx.ledger.invalid(spec, "a PodSpec");
        return;
    }
    if !cx.fargate() && spec.get("hostNetwork").and_then(|h| h.bool()) == Some(true) {
        task.network_mode = Some("host");
    }
    if let Some(sc) = spec.get("securityContext") {
        task.pod_uid = sc.get("runAsUser").and_then(|u| u.int());
        task.pod_gid = sc.get("runAsGroup").and_then(|g| g.int());
    }
    let mounts = volumes::convert(cx, spec.get("volumes").as_ref(), task);
    containers(cx, spec, task, &mounts);
    for (key, at) in spec.entries() {
        match key {
            "volumes" | "containers" | "initContainers" => {}
            "restartPolicy" => restart_policy(cx, &at, kind, task),
            "terminationGracePeriodSeconds" => stop_timeout(cx, &at, task),
            "serviceAccountName" => service_account_name(cx, &at, task, false),
            "serviceAccount" => service_account_name(cx, &at, task, spec.get("serviceAccountName").is_some()),
            "automountServiceAccountToken" => cx.ledger.dropped(
                &at,
                "ECS tasks have no service account token; the task role's credentials are always available",
                "nothing to do; leave taskRoleArn out if the task needs no AWS access",
            ),
            "imagePullSecrets" => pull_secrets(cx, &at, task),
            "nodeSelector" => placement::node_selector(cx, &at, task),
            "os" => placement::os(cx, &at, task),
            "hostNetwork" => network::host_namespace(cx, &at, "networkMode", "host", task),
            "hostPID" => network::host_namespace(cx, &at, "pidMode", "host", task),
            "hostIPC" => network::host_namespace(cx, &at, "ipcMode", "host", task),
            "shareProcessNamespace" => match at.bool() {
                Some(true) if spec.get("hostPID").and_then(|h| h.bool()) != Some(true) => {
                    task.pid_mode = Some("task");
                    cx.ledger.mapped(&at, td("/pidMode"));
                }
                // ECS shares no process namespace unless pidMode is set: the default, nothing to write.
                Some(false) => cx.ledger.mapped(&at, td("")),
                Some(true) => cx.ledger.dropped(&at, "hostPID already shares the host's process namespace", "nothing to do"),
                None => cx.ledger.invalid(&at, "a boolean"),
            },
            "securityContext" => security::pod(cx, &at, task),
            "dnsConfig" => network::dns_config(cx, &at, task),
            "dnsPolicy" => cx.ledger.dropped(
                &at,
                "ECS tasks use the VPC's DNS resolver: cluster names such as NAME.NAMESPACE.svc.cluster.local do not resolve",
                "reach other services through Service Connect or Cloud Map names",
            ),
            "hostAliases" => network::host_aliases(cx, &at, task),
            "hostname" | "subdomain" | "setHostnameAsFQDN" | "hostnameOverride" => cx.ledger.dropped(
                &at,
                "an awsvpc task takes its hostname from its network interface",
                "use a Cloud Map or Service Connect name to reach the task",
            ),
            "activeDeadlineSeconds" => cx.ledger.dropped(
                &at,
                "ECS does not stop a task after a deadline",
                "stop it from the caller, or run the command under timeout N in the entrypoint",
            ),
            "resources" => pod_resources(cx, &at, task),
            "ephemeralContainers" => cx.ledger.dropped(
                &at,
                "ephemeral debug containers are added to running pods, not declared",
                "use ECS Exec (aws ecs execute-command) to debug a running task",
            ),
            "affinity" | "tolerations" | "topologySpreadConstraints" | "nodeName" | "schedulerName"
            | "schedulingGates" | "schedulingGroup" => cx.ledger.dropped(
                &at,
                "ECS places tasks itself: there are no nodes to select, taint or spread over",
                if cx.fargate() {
                    "Fargate spreads a service's tasks over the subnets' Availability Zones; nothing to do"
                } else {
                    "use the service's placementStrategy (spread by attribute:ecs.availability-zone) and placementConstraints"
                },
            ),
            "priorityClassName" | "priority" | "preemptionPolicy" => cx.ledger.dropped(
                &at,
                "ECS has no pod priority or preemption",
                "give important services their own capacity provider or cluster",
            ),
            "runtimeClassName" | "overhead" | "hostUsers" => cx.ledger.dropped(
                &at,
                "ECS chooses the container runtime itself",
                "nothing to convert",
            ),
            "readinessGates" => cx.ledger.dropped(
                &at,
                "ECS has no readiness gates",
                "use the load balancer target group's health check",
            ),
            "enableServiceLinks" => match at.bool() {
                Some(false) => cx.ledger.approx(&at, td(""), "ECS never injects *_SERVICE_HOST variables: same as false"),
                _ => cx.ledger.dropped(
                    &at,
                    "ECS does not inject *_SERVICE_HOST and *_SERVICE_PORT variables",
                    "give the containers the addresses they need as environment variables",
                ),
            },
            "resourceClaims" => cx.ledger.dropped(
                &at,
                "ECS has no dynamic resource allocation",
                "use resourceRequirements (GPU) on EC2",
            ),
            _ => cx.ledger.unknown(&at, "PodSpec"),
        }
    }
}

/// `containers` then `initContainers`: the task lists them in that order.
fn containers(cx: &mut Cx<'_, '_>, spec: &At<'_>, task: &mut Task, mounts: &volumes::Mounts) {
    for (list, regular) in [("containers", true), ("initContainers", false)] {
        let Some(at) = spec.get(list) else { continue };
        if !at.is_seq() {
            cx.ledger.invalid(&at, "a list of containers");
            continue;
        }
        if at.items().is_empty() {
            cx.ledger.empty(&at);
        }
        for item in at.items() {
            let role = if regular {
                CRole::Regular
            } else if item.get("restartPolicy").and_then(|r| r.str()) == Some("Always") {
                CRole::Sidecar
            } else {
                CRole::Init
            };
            let index = task.containers.len();
            let pod_user = (task.pod_uid, task.pod_gid);
            if let Some(c) = container::convert(cx, &item, role, index, mounts, pod_user) {
                task.containers.push(c);
            }
        }
    }
}

fn restart_policy(cx: &mut Cx<'_, '_>, at: &At<'_>, kind: Kind, task: &mut Task) {
    let policy = at.str().unwrap_or_default();
    match (kind, policy) {
        (Kind::Deployment | Kind::StatefulSet | Kind::DaemonSet | Kind::ReplicaSet, "Always") => {
            cx.ledger.mapped(at, super::svc(""))
        }
        (Kind::Pod | Kind::Job | Kind::CronJob, "Never") => cx.ledger.mapped(at, td("")),
        (Kind::Pod | Kind::Job | Kind::CronJob, "OnFailure" | "Always") => {
            let mut p = convert_map! {"enabled" => true};
            if policy == "OnFailure" {
                p.insert("ignoredExitCodes", vec![Value::Int(0)]);
            }
            task.restart_policy = Some(p);
            cx.ledger.approx(
                at,
                td("/containerDefinitions/0/restartPolicy"),
                "ECS restarts the essential containers in place (container restart policy); converting back gives restartPolicy Never",
            );
        }
        _ => cx.ledger.invalid(at, "a restart policy this kind accepts"),
    }
}

fn stop_timeout(cx: &mut Cx<'_, '_>, at: &At<'_>, task: &mut Task) {
    let Some(seconds) = at.int().filter(|s| *s >= 0) else {
        cx.ledger.invalid(at, "a number of seconds");
        return;
    };
    let to = td("/containerDefinitions/0/stopTimeout");
    if cx.fargate() && seconds > FARGATE_MAX_STOP {
        task.stop_timeout = Some(FARGATE_MAX_STOP);
        cx.ledger.approx(
            at,
            to,
            format!("Fargate waits at most 120 seconds before killing a container: {seconds} capped at 120"),
        );
    } else if seconds < 2 {
        task.stop_timeout = Some(2);
        cx.ledger.approx(at, to, "ECS waits at least 2 seconds: written as 2");
    } else {
        task.stop_timeout = Some(seconds);
        cx.ledger.mapped(at, to);
    }
}

fn service_account_name(cx: &mut Cx<'_, '_>, at: &At<'_>, task: &mut Task, alias_of_name: bool) {
    let Some(name) = at.str() else {
        cx.ledger.invalid(at, "a service account name");
        return;
    };
    if alias_of_name {
        cx.ledger.approx(
            at,
            td("/taskRoleArn"),
            "deprecated alias of serviceAccountName, which is used instead",
        );
        return;
    }
    if name == "default" || name.is_empty() {
        // An empty name is the default account too: a role ARN ending in `role/` names no role.
        cx.ledger
            .approx(at, td(""), "the default service account has no IAM role: no task role");
        return;
    }
    let key = (cx.namespace.clone(), name.to_owned());
    let declared = cx.catalog.find("ServiceAccount", &cx.namespace, name).and_then(|sa| {
        sa.obj
            .node
            .get("metadata")?
            .get("annotations")?
            .get("eks.amazonaws.com/role-arn")?
            .as_str()
    });
    let arn = declared.map_or_else(|| task_role_arn(cx.opts, &cx.namespace, name), str::to_owned);
    let (back, _) = service_account(cx.opts, &arn);
    if back == name {
        cx.ledger.mapped(at, td("/taskRoleArn"));
    } else if declared.is_some() {
        cx.ledger.approx(
            at,
            td("/taskRoleArn"),
            format!("the role its ServiceAccount names (IRSA) becomes the task role; converting back names the service account {back}"),
        );
    } else {
        cx.ledger
            .approx(at, td("/taskRoleArn"), "a placeholder task role ARN (--task-role-arn)");
    }
    if declared.is_none() {
        cx.ledger.added(
            td("/taskRoleArn"),
            format!("placeholder role for service account {name}: create it or pass --task-role-arn"),
        );
    }
    cx.uses.service_accounts.insert(key, arn.clone());
    task.task_role_arn = Some(arn);
}

fn pull_secrets(cx: &mut Cx<'_, '_>, at: &At<'_>, task: &mut Task) {
    for (i, item) in at.items().into_iter().enumerate() {
        let Some(name) = item.get("name").and_then(|n| n.str().map(str::to_owned)) else {
            cx.ledger.invalid(&item, "a secret reference");
            continue;
        };
        if i > 0 {
            cx.ledger.dropped(
                &item,
                "an ECS container takes one set of registry credentials",
                "merge the registries' credentials, or mirror the images into ECR",
            );
            continue;
        }
        let arn = pull_secret_arn(cx.opts, &cx.namespace, &name);
        let (back, exact) = pull_secret(cx.opts, &arn);
        let to = td("/containerDefinitions/0/repositoryCredentials/credentialsParameter");
        if exact && back == name {
            cx.ledger.mapped(&item, to);
        } else {
            cx.ledger
                .approx(&item, to, format!("converting back names the pull secret {back}"));
        }
        cx.ledger.added(
            td("/containerDefinitions/0/repositoryCredentials"),
            format!("store the registry credentials of Secret {name} in Secrets Manager as {{\"username\", \"password\"}} at {arn}"),
        );
        task.repository_credentials = Some(arn);
    }
    if !at.is_seq() {
        cx.ledger.invalid(at, "a list");
    } else if at.items().is_empty() {
        cx.ledger.empty(at);
    }
}

/// Pod-level resources: the limits are the task size; requests have no ECS counterpart.
fn pod_resources(cx: &mut Cx<'_, '_>, at: &At<'_>, task: &mut Task) {
    for (section, values) in at.entries() {
        for (resource, value) in values.entries() {
            let quantity = value.text().as_deref().and_then(Quantity::parse_amount);
            match (section, resource, quantity) {
                ("limits", "cpu", Some(q)) => {
                    if let Some(r) = q.cpu_units() {
                        task.pod_limits.push(PodLimit {
                            path: value.path.clone(),
                            offset: value.offset(),
                            cpu: true,
                            value: r.value,
                            exact: r.exact,
                        });
                    }
                }
                ("limits", "memory", Some(q)) => {
                    if let Some(r) = q.mib() {
                        task.pod_limits.push(PodLimit {
                            path: value.path.clone(),
                            offset: value.offset(),
                            cpu: false,
                            value: r.value,
                            exact: r.exact,
                        });
                    }
                }
                ("requests", "cpu" | "memory", Some(_)) => cx.ledger.approx(
                    &value,
                    td(""),
                    "the task size is a limit: the containers' requests and the pod limits decide it",
                ),
                (_, _, None) if matches!(resource, "cpu" | "memory") => cx.ledger.invalid(&value, "a quantity"),
                _ => cx
                    .ledger
                    .dropped(&value, "ECS sizes a task by cpu and memory only", "nothing to convert"),
            }
        }
        if !matches!(section, "limits" | "requests") {
            cx.ledger.unknown(&values, "ResourceRequirements");
        }
    }
}
