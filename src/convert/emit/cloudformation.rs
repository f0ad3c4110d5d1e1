//! `--emit cloudformation`: the API outputs as resources of CloudFormation templates. Every
//! placeholder becomes a template Parameter (or the AWS::Region / AWS::AccountId pseudo
//! parameters), and the links between outputs become `Ref` / `Fn::GetAtt`.

use super::super::outcome::{Output, Role};
use super::Place;
use super::keys::to_cfn;
use super::placeholders::{Input, ListKind, Part, list_input_of, parts, pascal};
use super::set::{Piece, linked, parts_or_text, service_resource};
use super::split;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Keys whose strings are the workload's own text (commands, environment values, labels):
/// never read as placeholders.
const FREE_TEXT: &[&str] = &[
    "Environment",
    "Command",
    "EntryPoint",
    "HealthCheck",
    "DockerLabels",
    "Tags",
    "SystemControls",
    "ExtraHosts",
    "Ulimits",
];

/// One resource and the Parameters it uses.
pub struct Resource {
    pub id: String,
    pub object: String,
    pub api_file: String,
    pub body: Value,
    pub params: BTreeMap<String, Value>,
}

/// The templates of a set, and where each API output went.
pub fn templates(pieces: &[Piece]) -> (Vec<Output>, BTreeMap<String, Place>) {
    let resources: Vec<Resource> = pieces.iter().map(|p| resource(p, pieces)).collect();
    split::templates(resources)
}

fn resource(piece: &Piece, pieces: &[Piece]) -> Resource {
    let mut params = Params::default();
    let mut props = to_cfn(&piece.api);
    params.substitute(&mut props);
    if let Value::Object(props) = &mut props {
        link(piece, pieces, props, &mut params);
    }
    let kind = match piece.role {
        Role::TaskDefinition => "AWS::ECS::TaskDefinition",
        Role::Service => "AWS::ECS::Service",
        Role::ScalableTarget => "AWS::ApplicationAutoScaling::ScalableTarget",
        Role::ScalingPolicy => "AWS::ApplicationAutoScaling::ScalingPolicy",
        _ => "AWS::Scheduler::Schedule",
    };
    Resource {
        id: piece.logical_id(),
        object: piece.object.clone(),
        api_file: piece.file.clone(),
        body: json!({"Type": kind, "Properties": props}),
        params: params.0,
    }
}

/// Replaces the names the API outputs use for each other with references.
fn link(piece: &Piece, pieces: &[Piece], props: &mut Map<String, Value>, params: &mut Params) {
    match piece.role {
        Role::Service => {
            let family = piece.str_at("/taskDefinition");
            if let Some(td) = linked(pieces, piece, Role::TaskDefinition, "/family", family) {
                props.insert("TaskDefinition".into(), json!({"Ref": td.logical_id()}));
            }
            props.remove("ClientToken");
            // Scaling names the cluster: the service must be in it.
            let target = linked(pieces, piece, Role::ScalableTarget, "", None);
            let cluster = target
                .and_then(|t| service_resource(t.str_at("/ResourceId")?))
                .map(|(c, _)| c);
            if let (false, Some(cluster)) = (props.contains_key("Cluster"), cluster) {
                props.insert("Cluster".into(), params.render(&parts_or_text(cluster)));
            }
        }
        Role::ScalableTarget => {
            let Some((cluster, name)) = piece.str_at("/ResourceId").and_then(service_resource) else {
                return;
            };
            if let Some(service) = linked(pieces, piece, Role::Service, "/serviceName", Some(name)) {
                let cluster = params.sub_text(&parts_or_text(cluster));
                let sub = format!("service/{cluster}/${{{}.Name}}", service.logical_id());
                props.insert("ResourceId".into(), json!({"Fn::Sub": sub}));
            }
        }
        Role::ScalingPolicy => {
            let id = piece.str_at("/ResourceId");
            if let Some(target) = linked(pieces, piece, Role::ScalableTarget, "/ResourceId", id) {
                for key in ["ResourceId", "ScalableDimension", "ServiceNamespace"] {
                    props.remove(key);
                }
                props.insert("ScalingTargetId".into(), json!({"Ref": target.logical_id()}));
            }
        }
        Role::Schedule => {
            let td = linked(pieces, piece, Role::TaskDefinition, "", None);
            let ecs = props
                .get_mut("Target")
                .and_then(|t| t.get_mut("EcsParameters"))
                .and_then(Value::as_object_mut);
            if let (Some(td), Some(ecs)) = (td, ecs) {
                ecs.insert("TaskDefinitionArn".into(), json!({"Ref": td.logical_id()}));
            }
        }
        _ => {}
    }
}

/// The Parameters a resource uses.
#[derive(Default)]
struct Params(BTreeMap<String, Value>);

impl Params {
    fn substitute(&mut self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if !FREE_TEXT.contains(&key.as_str()) {
                        self.substitute(child);
                    }
                }
            }
            Value::Array(items) => match list_input_of(items) {
                Some(input) => *value = json!({"Ref": self.declare(&input)}),
                None => items.iter_mut().for_each(|i| self.substitute(i)),
            },
            Value::String(s) => {
                if let Some(parts) = parts(s) {
                    *value = self.render(&parts);
                }
            }
            _ => {}
        }
    }

    /// A string of parts: the text, one `Ref`, or an `Fn::Sub`.
    fn render(&mut self, parts: &[Part]) -> Value {
        match parts {
            [Part::Text(t)] => json!(t),
            [Part::Region] => json!({"Ref": "AWS::Region"}),
            [Part::Account] => json!({"Ref": "AWS::AccountId"}),
            [Part::Input(i)] => json!({"Ref": self.declare(i)}),
            _ => json!({"Fn::Sub": self.sub_text(parts)}),
        }
    }

    /// The parts in `Fn::Sub` syntax; a literal `${` is written `${!`.
    fn sub_text(&mut self, parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.replace("${", "${!"),
                Part::Region => "${AWS::Region}".into(),
                Part::Account => "${AWS::AccountId}".into(),
                Part::Input(i) => format!("${{{}}}", self.declare(i)),
            })
            .collect()
    }

    fn declare(&mut self, input: &Input) -> String {
        let name = pascal(&input.words);
        let kind = match input.list {
            Some(ListKind::Subnets) => "List<AWS::EC2::Subnet::Id>",
            Some(ListKind::SecurityGroups) => "List<AWS::EC2::SecurityGroup::Id>",
            None => "String",
        };
        self.0
            .entry(name.clone())
            .or_insert_with(|| json!({"Type": kind, "Description": input.description}));
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(file: &str, role: Role, api: Value) -> Piece {
        let outs = [Output {
            file: file.into(),
            text: api.to_string(),
            role,
            object: "Deployment/web".into(),
        }];
        Piece::all(&outs).unwrap().remove(0)
    }

    #[test]
    fn placeholders_become_parameters_and_links_references() {
        let td = piece(
            "web.task-definition.json",
            Role::TaskDefinition,
            json!({"family": "web", "executionRoleArn": "arn:aws:iam::ACCOUNT_ID:role/ecsTaskExecutionRole",
                   "containerDefinitions": [{"name": "web", "environment": [{"name": "A", "value": "CLUSTER_NAME"}],
                     "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-region": "REGION"}}}]}),
        );
        let svc = piece(
            "web.service.json",
            Role::Service,
            json!({"serviceName": "web", "taskDefinition": "web",
                   "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["SUBNET_ID"], "securityGroups": ["sg-1"]}},
                   "loadBalancers": [{"targetGroupArn": "arn:aws:elasticloadbalancing:REGION:ACCOUNT_ID:targetgroup/web-80/TARGET_GROUP_ID"}]}),
        );
        let target = piece(
            "web.scalable-target.json",
            Role::ScalableTarget,
            json!({"ServiceNamespace": "ecs", "ResourceId": "service/CLUSTER_NAME/web", "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 3}),
        );
        let policy = piece(
            "web-cpu.scaling-policy.json",
            Role::ScalingPolicy,
            json!({"PolicyName": "web-cpu", "ServiceNamespace": "ecs", "ResourceId": "service/CLUSTER_NAME/web",
                   "ScalableDimension": "ecs:service:DesiredCount", "PolicyType": "TargetTrackingScaling"}),
        );
        let pieces = [td, svc, target, policy];
        let r: Vec<Resource> = pieces.iter().map(|p| resource(p, &pieces)).collect();
        let td = &r[0].body["Properties"];
        assert_eq!(
            td["ExecutionRoleArn"],
            json!({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/ecsTaskExecutionRole"})
        );
        let c = &td["ContainerDefinitions"][0];
        assert_eq!(c["Environment"][0]["Value"], "CLUSTER_NAME", "the workload's own text");
        assert_eq!(
            c["LogConfiguration"]["Options"]["awslogs-region"],
            json!({"Ref": "AWS::Region"})
        );
        let svc = &r[1].body["Properties"];
        assert_eq!(svc["TaskDefinition"], json!({"Ref": "WebTaskDefinition"}));
        assert_eq!(svc["Cluster"], json!({"Ref": "ClusterName"}));
        assert_eq!(
            svc["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"],
            json!({"Ref": "Subnets"})
        );
        assert_eq!(
            svc["LoadBalancers"][0]["TargetGroupArn"],
            json!({"Ref": "TargetGroupWeb80Arn"})
        );
        assert!(r[1].params.contains_key("TargetGroupWeb80Arn") && r[1].params.contains_key("Subnets"));
        assert_eq!(
            r[2].body["Properties"]["ResourceId"],
            json!({"Fn::Sub": "service/${ClusterName}/${WebService.Name}"})
        );
        let policy = &r[3].body["Properties"];
        assert_eq!(policy["ScalingTargetId"], json!({"Ref": "WebScalableTarget"}));
        assert!(policy.get("ResourceId").is_none());
    }
}
