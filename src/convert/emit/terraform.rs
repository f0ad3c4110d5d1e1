//! `--emit terraform`: the API outputs as resources of one `k2e.tf.json` file for the AWS
//! provider. Every placeholder becomes a `variable`, declared once; the links between outputs
//! become references (`${aws_ecs_task_definition.web_task_definition.arn}`). Strings in
//! `.tf.json` are templates, so a literal `${` or `%{` is written `$${` / `%%{`.

use super::super::outcome::{Output, Role};
use super::Place;
use super::placeholders::{Input, ListKind, Part, list_input_of, parts, snake};
use super::set::{Piece, linked, parts_or_text, service_resource};
use super::terraform_blocks::shape;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const FILE: &str = "k2e.tf.json";

/// API keys (in the container definitions) and provider keys whose strings are the workload's
/// own text: escaped, never read as placeholders.
const FREE_TEXT: &[&str] = &[
    "environment",
    "command",
    "entryPoint",
    "healthCheck",
    "dockerLabels",
    "systemControls",
    "extraHosts",
    "ulimits",
    "tags",
];

/// The file, and where each API output went.
pub fn file(pieces: &[Piece]) -> (Vec<Output>, BTreeMap<String, Place>) {
    let mut vars = Vars::default();
    let mut resources: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    let mut places = BTreeMap::new();
    for piece in pieces {
        let kind = kind(piece.role);
        let body = resource(piece, pieces, &mut vars);
        resources.entry(kind).or_default().insert(piece.tf_name(), body);
        let pointer = format!("/resource/{kind}/{}", piece.tf_name());
        places.insert(
            piece.file.clone(),
            Place {
                file: FILE.into(),
                pointer,
            },
        );
    }
    let mut doc = Map::new();
    doc.insert(
        "terraform".into(),
        json!({"required_providers": {"aws": {"source": "hashicorp/aws"}}}),
    );
    if !vars.0.is_empty() {
        doc.insert("variable".into(), Value::Object(vars.0.into_iter().collect()));
    }
    let resources: Map<String, Value> = resources
        .into_iter()
        .map(|(k, v)| (k.to_owned(), Value::Object(v)))
        .collect();
    doc.insert("resource".into(), Value::Object(resources));
    let text = serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default() + "\n";
    let output = Output {
        file: FILE.into(),
        text,
        role: Role::Terraform,
        object: String::new(),
    };
    (vec![output], places)
}

fn kind(role: Role) -> &'static str {
    match role {
        Role::TaskDefinition => "aws_ecs_task_definition",
        Role::Service => "aws_ecs_service",
        Role::ScalableTarget => "aws_appautoscaling_target",
        Role::ScalingPolicy => "aws_appautoscaling_policy",
        _ => "aws_scheduler_schedule",
    }
}

fn reference(piece: &Piece, attribute: &str) -> Value {
    json!(format!("${{{}.{}.{attribute}}}", kind(piece.role), piece.tf_name()))
}

fn resource(piece: &Piece, pieces: &[Piece], vars: &mut Vars) -> Value {
    let mut api = piece.api.clone();
    let containers = api.as_object_mut().and_then(|m| m.remove("containerDefinitions"));
    let mut body = shape(&api);
    vars.substitute(&mut body);
    let Value::Object(map) = &mut body else { return body };
    if let Some(mut containers) = containers {
        vars.substitute(&mut containers);
        map.insert("container_definitions".into(), json!(containers.to_string()));
    }
    link(piece, pieces, map, vars);
    body
}

/// Replaces the names the API outputs use for each other with references.
fn link(piece: &Piece, pieces: &[Piece], map: &mut Map<String, Value>, vars: &mut Vars) {
    match piece.role {
        Role::Service => {
            let family = piece.str_at("/taskDefinition");
            if let Some(td) = linked(pieces, piece, Role::TaskDefinition, "/family", family) {
                map.insert("task_definition".into(), reference(td, "arn"));
            }
            let target = linked(pieces, piece, Role::ScalableTarget, "", None);
            let cluster = target
                .and_then(|t| service_resource(t.str_at("/ResourceId")?))
                .map(|(c, _)| c);
            if let (false, Some(cluster)) = (map.contains_key("cluster"), cluster) {
                map.insert("cluster".into(), json!(vars.render(&parts_or_text(cluster))));
            }
        }
        Role::ScalableTarget => {
            let Some((cluster, name)) = piece.str_at("/ResourceId").and_then(service_resource) else {
                return;
            };
            if let Some(service) = linked(pieces, piece, Role::Service, "/serviceName", Some(name)) {
                let cluster = vars.render(&parts_or_text(cluster));
                let name = format!("${{aws_ecs_service.{}.name}}", service.tf_name());
                map.insert("resource_id".into(), json!(format!("service/{cluster}/{name}")));
            }
        }
        Role::ScalingPolicy => {
            let id = piece.str_at("/ResourceId");
            if let Some(target) = linked(pieces, piece, Role::ScalableTarget, "/ResourceId", id) {
                for attribute in ["resource_id", "scalable_dimension", "service_namespace"] {
                    map.insert(attribute.into(), reference(target, attribute));
                }
            }
        }
        Role::Schedule => {
            let td = linked(pieces, piece, Role::TaskDefinition, "", None);
            let ecs = map
                .get_mut("target")
                .and_then(|t| t.get_mut("ecs_parameters"))
                .and_then(Value::as_object_mut);
            if let (Some(td), Some(ecs)) = (td, ecs) {
                ecs.insert("task_definition_arn".into(), reference(td, "arn"));
            }
        }
        _ => {}
    }
}

/// The variables the file uses.
#[derive(Default)]
struct Vars(BTreeMap<String, Value>);

impl Vars {
    fn substitute(&mut self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (k, mut child) in entries {
                    if FREE_TEXT.contains(&k.as_str()) {
                        escape_all(&mut child);
                    } else {
                        self.substitute(&mut child);
                    }
                    map.insert(escape(&k), child);
                }
            }
            Value::Array(items) => match list_input_of(items) {
                Some(input) => *value = json!(format!("${{var.{}}}", self.declare(&input))),
                None => items.iter_mut().for_each(|i| self.substitute(i)),
            },
            Value::String(s) => {
                *s = match parts(s) {
                    Some(parts) => self.render(&parts),
                    None => escape(s),
                };
            }
            _ => {}
        }
    }

    /// A string of parts as a Terraform template.
    fn render(&mut self, parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => escape(t),
                Part::Region => format!("${{var.{}}}", self.region()),
                Part::Account => format!("${{var.{}}}", self.account()),
                Part::Input(i) => format!("${{var.{}}}", self.declare(i)),
            })
            .collect()
    }

    fn region(&mut self) -> String {
        self.add("region", "string", "the AWS region the set is deployed in")
    }

    fn account(&mut self) -> String {
        self.add("account_id", "string", "the AWS account the set is deployed in")
    }

    fn declare(&mut self, input: &Input) -> String {
        let kind = match input.list {
            Some(ListKind::Subnets | ListKind::SecurityGroups) => "list(string)",
            None => "string",
        };
        self.add(&snake(&input.words), kind, &input.description)
    }

    fn add(&mut self, name: &str, kind: &str, description: &str) -> String {
        self.0
            .entry(name.to_owned())
            .or_insert_with(|| json!({"type": kind, "description": description}));
        name.to_owned()
    }
}

/// A literal string in a Terraform template.
fn escape(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}

fn escape_all(value: &mut Value) {
    match value {
        Value::String(s) => *s = escape(s),
        Value::Array(items) => items.iter_mut().for_each(escape_all),
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (k, mut v) in entries {
                escape_all(&mut v);
                map.insert(escape(&k), v);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(file: &str, role: Role, api: Value) -> Output {
        Output {
            file: file.into(),
            text: api.to_string(),
            role,
            object: "CronJob/nightly".into(),
        }
    }

    #[test]
    fn variables_references_and_escapes() {
        let outs = [
            piece(
                "nightly.task-definition.json",
                Role::TaskDefinition,
                json!({"family": "nightly", "taskRoleArn": "arn:aws:iam::ACCOUNT_ID:role/nightly",
                    "containerDefinitions": [{"name": "a", "command": ["echo ${HOME} %{x}"],
                      "logConfiguration": {"options": {"awslogs-region": "REGION"}}}]}),
            ),
            piece(
                "nightly.schedule.json",
                Role::Schedule,
                json!({"Name": "nightly", "ScheduleExpression": "cron(0 3 * * ? *)", "FlexibleTimeWindow": {"Mode": "OFF"},
                    "Target": {"Arn": "arn:aws:ecs:REGION:ACCOUNT_ID:cluster/CLUSTER_NAME", "RoleArn": "arn:aws:iam::ACCOUNT_ID:role/SCHEDULER_ROLE",
                      "EcsParameters": {"TaskDefinitionArn": "nightly", "TaskCount": 1,
                        "NetworkConfiguration": {"awsvpcConfiguration": {"Subnets": ["SUBNET_ID"], "AssignPublicIp": "DISABLED"}}}}}),
            ),
        ];
        let pieces = Piece::all(&outs).unwrap();
        let (files, places) = file(&pieces);
        let doc: Value = serde_json::from_str(&files[0].text).unwrap();
        let td = &doc["resource"]["aws_ecs_task_definition"]["nightly_task_definition"];
        assert_eq!(td["task_role_arn"], "arn:aws:iam::${var.account_id}:role/nightly");
        let containers: Value = serde_json::from_str(td["container_definitions"].as_str().unwrap()).unwrap();
        assert_eq!(containers[0]["command"][0], "echo $${HOME} %%{x}");
        assert_eq!(
            containers[0]["logConfiguration"]["options"]["awslogs-region"],
            "${var.region}"
        );
        let s = &doc["resource"]["aws_scheduler_schedule"]["nightly_schedule"];
        assert_eq!(
            s["target"]["arn"],
            "arn:aws:ecs:${var.region}:${var.account_id}:cluster/${var.cluster_name}"
        );
        assert_eq!(
            s["target"]["role_arn"],
            "arn:aws:iam::${var.account_id}:role/${var.scheduler_role}"
        );
        let ecs = &s["target"]["ecs_parameters"];
        assert_eq!(
            ecs["task_definition_arn"],
            "${aws_ecs_task_definition.nightly_task_definition.arn}"
        );
        assert_eq!(ecs["network_configuration"]["subnets"], "${var.subnets}");
        assert_eq!(ecs["network_configuration"]["assign_public_ip"], false);
        let declared: Vec<&String> = doc["variable"].as_object().unwrap().keys().collect();
        assert_eq!(
            declared,
            ["account_id", "cluster_name", "region", "scheduler_role", "subnets"]
        );
        assert_eq!(
            places["nightly.schedule.json"].pointer,
            "/resource/aws_scheduler_schedule/nightly_schedule"
        );
    }
}
