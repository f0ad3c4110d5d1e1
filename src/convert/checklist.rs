//! The checklist: everything a person must create or decide before the outputs can be applied
//! (roles, secrets, parameters, subnets, security groups, log groups, target groups, Cloud Map
//! namespaces), found in the outputs themselves, each with the outputs that need it.

use super::emit::placeholders;
use super::outcome::{Output, Role};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One thing to create or decide.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Item {
    /// What sort of thing (`iam-role`, `secret`, `ssm-parameter`, `subnet`, ...).
    pub what: String,
    /// Its name, ARN or placeholder as the outputs hold it.
    pub value: String,
    /// What to do about it.
    pub action: String,
    /// `FILE#/pointer` of every place that uses it.
    pub used_by: Vec<String>,
}

/// The sorts of things, in the order the checklist lists them, with what to do about each.
const WHATS: &[(&str, &str)] = &[
    (
        "iam-role",
        "create the role (or pick an existing one) with the trust and permissions its use needs",
    ),
    (
        "secret",
        "create the secret in Secrets Manager and grant the task execution role secretsmanager:GetSecretValue on it",
    ),
    (
        "ssm-parameter",
        "create the parameter in SSM Parameter Store and grant the task execution role ssm:GetParameters on it",
    ),
    (
        "log-group",
        "create the CloudWatch Logs log group (aws logs create-group), or convert with --create-log-groups and give the execution role logs:CreateLogGroup",
    ),
    (
        "cluster",
        "create the ECS cluster (aws ecs create-cluster), or convert with --cluster to use an existing one",
    ),
    (
        "subnet",
        "choose the subnets the tasks run in (--subnet): private subnets with a route to the image registry",
    ),
    (
        "security-group",
        "create or choose the security groups of the tasks (--security-group): allow the ports clients use",
    ),
    (
        "target-group",
        "create the target group (target type ip) and the load balancer listener that forwards to it (--target-group-arn)",
    ),
    (
        "cloud-map-namespace",
        "create the Cloud Map namespace Service Connect registers the services in",
    ),
    (
        "cloud-map-service",
        "create the Cloud Map service the tasks register in",
    ),
    (
        "efs-file-system",
        "create the EFS file system with mount targets in the tasks' subnets",
    ),
    ("efs-access-point", "create the EFS access point"),
];

/// The checklist of a set of outputs, in a stable order.
pub fn build(outputs: &[Output]) -> Vec<Item> {
    let mut found: BTreeMap<(usize, String), Vec<String>> = BTreeMap::new();
    for o in outputs {
        let Ok(doc) = serde_json::from_str::<Value>(&o.text) else {
            continue;
        };
        let mut add = |what: &str, value: &str, pointer: String| {
            let rank = WHATS.iter().position(|(w, _)| *w == what).unwrap_or(WHATS.len());
            if !value.is_empty() {
                found
                    .entry((rank, value.to_owned()))
                    .or_default()
                    .push(format!("{}#{pointer}", o.file));
            }
        };
        match o.role {
            Role::TaskDefinition => task_definition(&doc, &mut add),
            Role::Service => service(&doc, &mut add),
            Role::ScalableTarget => scalable_target(&doc, &mut add),
            Role::Schedule => schedule(&doc, &mut add),
            _ => {}
        }
    }
    found
        .into_iter()
        .filter_map(|((rank, value), mut used_by)| {
            let (what, action) = WHATS.get(rank)?;
            used_by.sort();
            used_by.dedup();
            let action = match placeholders::parts(&value) {
                Some(_) => format!(
                    "{action}; the value is a placeholder: put the real one in the outputs (or pass it when converting)"
                ),
                None => (*action).to_owned(),
            };
            Some(Item {
                what: (*what).to_owned(),
                value,
                action,
                used_by,
            })
        })
        .collect()
}

type Add<'a> = dyn FnMut(&str, &str, String) + 'a;

fn str_at<'v>(doc: &'v Value, pointer: &str) -> Option<&'v str> {
    doc.pointer(pointer).and_then(Value::as_str)
}

fn list<'v>(doc: &'v Value, pointer: &str) -> &'v [Value] {
    doc.pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Adds the string at `pointer` as a `what`.
fn one(doc: &Value, pointer: &str, what: &str, add: &mut Add<'_>) {
    if let Some(v) = str_at(doc, pointer) {
        add(what, v, pointer.to_owned());
    }
}

/// Adds each string of the list at `pointer` as a `what`.
fn each(doc: &Value, pointer: &str, what: &str, add: &mut Add<'_>) {
    for i in 0..list(doc, pointer).len() {
        one(doc, &format!("{pointer}/{i}"), what, add);
    }
}

/// A secret reference: Secrets Manager ARN, else an SSM parameter (ARN or name).
fn secret_or_parameter(doc: &Value, pointer: &str, add: &mut Add<'_>) {
    if let Some(v) = str_at(doc, pointer) {
        let what = if v.contains(":secretsmanager:") {
            "secret"
        } else {
            "ssm-parameter"
        };
        add(what, v, pointer.to_owned());
    }
}

fn task_definition(doc: &Value, add: &mut Add<'_>) {
    one(doc, "/executionRoleArn", "iam-role", add);
    one(doc, "/taskRoleArn", "iam-role", add);
    for (i, c) in list(doc, "/containerDefinitions").iter().enumerate() {
        let at = format!("/containerDefinitions/{i}");
        for j in 0..list(c, "/secrets").len() {
            secret_or_parameter(doc, &format!("{at}/secrets/{j}/valueFrom"), add);
        }
        for j in 0..list(c, "/logConfiguration/secretOptions").len() {
            secret_or_parameter(doc, &format!("{at}/logConfiguration/secretOptions/{j}/valueFrom"), add);
        }
        one(
            doc,
            &format!("{at}/repositoryCredentials/credentialsParameter"),
            "secret",
            add,
        );
        let created = str_at(c, "/logConfiguration/options/awslogs-create-group") == Some("true");
        if str_at(c, "/logConfiguration/logDriver") == Some("awslogs") && !created {
            one(
                doc,
                &format!("{at}/logConfiguration/options/awslogs-group"),
                "log-group",
                add,
            );
        }
    }
    for i in 0..list(doc, "/volumes").len() {
        let efs = format!("/volumes/{i}/efsVolumeConfiguration");
        one(doc, &format!("{efs}/fileSystemId"), "efs-file-system", add);
        one(
            doc,
            &format!("{efs}/authorizationConfig/accessPointId"),
            "efs-access-point",
            add,
        );
    }
}

fn service(doc: &Value, add: &mut Add<'_>) {
    match str_at(doc, "/cluster") {
        Some(c) => add("cluster", cluster_name(c), "/cluster".into()),
        None => add("cluster", "default", String::new()),
    }
    let awsvpc = "/networkConfiguration/awsvpcConfiguration";
    each(doc, &format!("{awsvpc}/subnets"), "subnet", add);
    each(doc, &format!("{awsvpc}/securityGroups"), "security-group", add);
    for i in 0..list(doc, "/loadBalancers").len() {
        one(doc, &format!("/loadBalancers/{i}/targetGroupArn"), "target-group", add);
    }
    for i in 0..list(doc, "/serviceRegistries").len() {
        one(
            doc,
            &format!("/serviceRegistries/{i}/registryArn"),
            "cloud-map-service",
            add,
        );
    }
    one(
        doc,
        "/serviceConnectConfiguration/namespace",
        "cloud-map-namespace",
        add,
    );
    one(doc, "/role", "iam-role", add);
}

fn scalable_target(doc: &Value, add: &mut Add<'_>) {
    let cluster = str_at(doc, "/ResourceId")
        .and_then(|id| id.strip_prefix("service/")?.rsplit_once('/'))
        .map(|(c, _)| c);
    if let Some(c) = cluster {
        add("cluster", c, "/ResourceId".into());
    }
    one(doc, "/RoleARN", "iam-role", add);
}

fn schedule(doc: &Value, add: &mut Add<'_>) {
    if let Some(arn) = str_at(doc, "/Target/Arn") {
        add("cluster", cluster_name(arn), "/Target/Arn".into());
    }
    one(doc, "/Target/RoleArn", "iam-role", add);
    let awsvpc = "/Target/EcsParameters/NetworkConfiguration/awsvpcConfiguration";
    each(doc, &format!("{awsvpc}/Subnets"), "subnet", add);
    each(doc, &format!("{awsvpc}/SecurityGroups"), "security-group", add);
}

/// A cluster's name from its name or ARN (`arn:aws:ecs:...:cluster/NAME`).
fn cluster_name(s: &str) -> &str {
    s.split_once(":cluster/").map_or(s, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn output(file: &str, role: Role, doc: Value) -> Output {
        Output {
            file: file.into(),
            text: doc.to_string(),
            role,
            object: "Deployment/web".into(),
        }
    }

    fn task(family: &str, create_group: bool) -> Value {
        let create = if create_group { "true" } else { "false" };
        json!({"family": family, "executionRoleArn": "arn:aws:iam::ACCOUNT_ID:role/ecsTaskExecutionRole",
            "containerDefinitions": [{"name": "a",
                "secrets": [{"name": "P", "valueFrom": "arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:db:pw::"},
                            {"name": "L", "valueFrom": "arn:aws:ssm:REGION:ACCOUNT_ID:parameter/cfg/level"}],
                "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": format!("/ecs/{family}"), "awslogs-create-group": create}}}]})
    }

    #[test]
    fn everything_to_create_with_who_uses_it() {
        let outs = [
            output("web.task-definition.json", Role::TaskDefinition, task("web", false)),
            output("api.task-definition.json", Role::TaskDefinition, task("api", true)),
            output(
                "web.service.json",
                Role::Service,
                json!({"serviceName": "web", "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["SUBNET_ID"], "securityGroups": ["sg-1"]}},
                    "loadBalancers": [{"targetGroupArn": "arn:aws:elasticloadbalancing:REGION:ACCOUNT_ID:targetgroup/web/TARGET_GROUP_ID"}]}),
            ),
            output(
                "web.schedule.json",
                Role::Schedule,
                json!({"Target": {"Arn": "arn:aws:ecs:REGION:ACCOUNT_ID:cluster/CLUSTER_NAME", "RoleArn": "arn:aws:iam::ACCOUNT_ID:role/sched"}}),
            ),
        ];
        let items = build(&outs);
        let got: Vec<(&str, &str, usize)> = items
            .iter()
            .map(|i| (i.what.as_str(), i.value.as_str(), i.used_by.len()))
            .collect();
        assert_eq!(
            got,
            [
                ("iam-role", "arn:aws:iam::ACCOUNT_ID:role/ecsTaskExecutionRole", 2),
                ("iam-role", "arn:aws:iam::ACCOUNT_ID:role/sched", 1),
                ("secret", "arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:db:pw::", 2),
                ("ssm-parameter", "arn:aws:ssm:REGION:ACCOUNT_ID:parameter/cfg/level", 2),
                ("log-group", "/ecs/web", 1),
                ("cluster", "CLUSTER_NAME", 1),
                ("cluster", "default", 1),
                ("subnet", "SUBNET_ID", 1),
                ("security-group", "sg-1", 1),
                (
                    "target-group",
                    "arn:aws:elasticloadbalancing:REGION:ACCOUNT_ID:targetgroup/web/TARGET_GROUP_ID",
                    1
                ),
            ]
        );
        assert_eq!(
            items[2].used_by,
            [
                "api.task-definition.json#/containerDefinitions/0/secrets/0/valueFrom",
                "web.task-definition.json#/containerDefinitions/0/secrets/0/valueFrom"
            ]
        );
        assert!(items[7].action.contains("placeholder"), "{:?}", items[7]);
        assert!(!items[8].action.contains("placeholder"));
        assert_eq!(build(&outs), items, "deterministic");
    }
}
