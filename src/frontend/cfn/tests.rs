//! Whole templates through [`super::resources`]: the forms people commit.

use super::*;
use crate::parse::{Limits, Span, json, yaml_text};
use serde_json::json;

fn yaml(text: &str) -> Document {
    yaml_text(text, &Limits::default()).remove(0)
}

fn read(doc: &Document) -> (Vec<Resource>, Vec<FrontendError>) {
    let root = doc.root.as_ref().expect("parsed");
    assert!(is_template(root));
    resources(doc, root)
}

const YAML_SHORT: &str = "\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  TaskCpu:
    Type: String
    Default: '256'
    AllowedValues: ['256', '512', '1024']
  ImageTag:
    Type: String
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Cpu: !Ref TaskCpu
      Memory: 512
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ExecutionRoleArn: !GetAtt Role.Arn
      ContainerDefinitions:
        - Name: web
          Image: !Sub 'nginx:${ImageTag}'
          PortMappings:
            - ContainerPort: 80
              HostPort: 80
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: !Ref Logs
              awslogs-region: !Ref AWS::Region
  Logs:
    Type: AWS::Logs::LogGroup
";

#[test]
fn yaml_short_form_task_definition() {
    let doc = yaml(YAML_SHORT);
    let (found, errors) = read(&doc);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(found.len(), 1);
    let task = &found[0];
    assert_eq!(task.kind, ResourceKind::TaskDefinition);
    assert_eq!(
        (task.label.as_str(), task.id.as_str()),
        ("AWS::ECS::TaskDefinition Task", "Task")
    );
    assert_eq!(task.pointer, "/Resources/Task/Properties");
    let json = task.node.to_json();
    assert_eq!(json["family"], "Task");
    assert_eq!(json["cpu"], "256");
    assert_eq!(json["memory"], 512);
    assert_eq!(json["requiresCompatibilities"], json!(["FARGATE"]));
    let container = &json["containerDefinitions"][0];
    assert_eq!(
        container["portMappings"],
        json!([{"containerPort": 80, "hostPort": 80}])
    );
    assert_eq!(container["logConfiguration"]["logDriver"], "awslogs");
    let unknown: Vec<_> = task
        .unknown
        .iter()
        .map(|u| (u.pointer.as_str(), doc.raw(u.span).unwrap()))
        .collect();
    assert_eq!(
        unknown,
        [
            ("/executionRoleArn", "!GetAtt Role.Arn"),
            ("/containerDefinitions/0/image", "!Sub 'nginx:${ImageTag}'"),
            (
                "/containerDefinitions/0/logConfiguration/options/awslogs-group",
                "!Ref Logs"
            ),
            (
                "/containerDefinitions/0/logConfiguration/options/awslogs-region",
                "!Ref AWS::Region"
            ),
        ]
    );
    assert_eq!(task.assumed.len(), 1);
    assert_eq!(doc.raw(task.assumed[0].span), Some("!Ref TaskCpu"));
    assert_eq!(task.choices.len(), 1);
    let allowed: Vec<_> = task.choices[0].values.iter().filter_map(Node::as_str).collect();
    assert_eq!(allowed, ["256", "512", "1024"]);
    assert_eq!(
        task.source_pointer("/containerDefinitions/0/portMappings/0/hostPort"),
        "/Resources/Task/Properties/ContainerDefinitions/0/PortMappings/0/HostPort"
    );
    assert_eq!(
        task.source_pointer("/containerDefinitions/0/logConfiguration/options/awslogs-group"),
        "/Resources/Task/Properties/ContainerDefinitions/0/LogConfiguration/Options/awslogs-group"
    );
    assert_eq!(task.source_pointer("/family"), "/Resources/Task");
    let (family, key) = task.node.pointer("/family").unwrap();
    assert_eq!(
        (doc.raw(family.span), doc.raw(key.unwrap())),
        (Some("Task"), Some("Task"))
    );
    assert!(task.is_unknown(Span::default(), Some("/containerDefinitions/0/image")));
    assert!(!task.is_unknown(Span::default(), Some("/cpu")));
}

const JSON_LONG: &str = r#"{
  "Parameters": {"Subnets": {"Type": "List<AWS::EC2::Subnet::Id>", "Default": "subnet-1,subnet-2"}},
  "Resources": {
    "Svc": {
      "Type": "AWS::ECS::Service",
      "Properties": {
        "Cluster": {"Ref": "Cluster"},
        "TaskDefinition": {"Ref": "Td"},
        "LaunchType": "FARGATE",
        "DesiredCount": 2,
        "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": {"Ref": "Subnets"}, "AssignPublicIp": "DISABLED"}},
        "PlacementStrategies": [{"Type": "spread", "Field": "attribute:ecs.availability-zone"}]
      }
    },
    "Td": {
      "Type": "AWS::ECS::TaskDefinition",
      "Properties": {
        "Family": "web-family",
        "ContainerDefinitions": [{"Name": "web", "Image": "nginx", "Memory": 256}]
      }
    }
  }
}"#;

#[test]
fn json_long_form_service_links_to_its_task() {
    let doc = json(JSON_LONG, 0, &Limits::default());
    let (found, errors) = read(&doc);
    assert!(errors.is_empty(), "{errors:?}");
    let kinds: Vec<_> = found.iter().map(|r| (r.kind, r.id.as_str())).collect();
    assert_eq!(
        kinds,
        [(ResourceKind::Service, "Svc"), (ResourceKind::TaskDefinition, "Td")]
    );
    let svc = &found[0];
    assert_eq!(svc.task_definition.as_deref(), Some("Td"));
    let json = svc.node.to_json();
    assert_eq!(json["serviceName"], "Svc");
    assert_eq!(json["taskDefinition"], "web-family");
    let (td, _) = svc.node.pointer("/taskDefinition").unwrap();
    assert_eq!(doc.raw(td.span), Some(r#"{"Ref": "Td"}"#));
    assert_eq!(
        json["networkConfiguration"]["awsvpcConfiguration"]["subnets"],
        json!(["subnet-1", "subnet-2"])
    );
    assert_eq!(json["placementStrategy"][0]["field"], "attribute:ecs.availability-zone");
    assert_eq!(
        svc.source_pointer("/placementStrategy/0/type"),
        "/Resources/Svc/Properties/PlacementStrategies/0/Type"
    );
    let unknown: Vec<_> = svc.unknown.iter().map(|u| u.pointer.as_str()).collect();
    assert_eq!(unknown, ["/cluster"]);
    assert_eq!(svc.assumed[0].value, "subnet-1,subnet-2");
    assert_eq!(found[1].node.to_json()["family"], "web-family");
}

#[test]
fn service_link_without_family_uses_the_logical_id() {
    let doc = yaml(
        "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: !Sub '${AWS::StackName}-t'\n  S:\n    Type: AWS::ECS::Service\n    Properties:\n      ServiceName: web\n      TaskDefinition: !Ref T\n",
    );
    let (found, _) = read(&doc);
    let svc = &found[1];
    assert_eq!(svc.task_definition.as_deref(), Some("T"));
    let json = svc.node.to_json();
    assert_eq!(
        (json["taskDefinition"].as_str(), json["serviceName"].as_str()),
        (Some("T"), Some("web"))
    );
    assert!(svc.unknown.is_empty());
    assert_eq!(found[0].unknown[0].pointer, "/family");
}

/// What `cdk synth` writes: images joined from the account, region and an asset hash.
const CDK: &str = r#"{
 "Parameters": {"BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/cdk-bootstrap/hnb659fds/version"}},
 "Resources": {
  "TaskDef54694570": {
   "Type": "AWS::ECS::TaskDefinition",
   "Properties": {
    "ContainerDefinitions": [{
      "Essential": true,
      "Image": {"Fn::Join": ["", [{"Ref": "AWS::AccountId"}, ".dkr.ecr.", {"Ref": "AWS::Region"}, ".amazonaws.com/cdk-hnb659fds-container-assets:abc123"]]},
      "Name": "web",
      "PortMappings": [{"ContainerPort": 80, "Protocol": "tcp"}]
    }],
    "Cpu": "512", "Memory": "1024", "NetworkMode": "awsvpc",
    "RequiresCompatibilities": ["FARGATE"],
    "ExecutionRoleArn": {"Fn::GetAtt": ["TaskDefExecutionRoleB4775C97", "Arn"]},
    "Family": "StackTaskDef"
   }
  },
  "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:x"}}
 }
}"#;

#[test]
fn cdk_output_reads_the_same() {
    let doc = json(CDK, 0, &Limits::default());
    let (found, errors) = read(&doc);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(found.len(), 1);
    let task = &found[0];
    let unknown: Vec<_> = task.unknown.iter().map(|u| u.pointer.as_str()).collect();
    assert_eq!(unknown, ["/containerDefinitions/0/image", "/executionRoleArn"]);
    let json = task.node.to_json();
    assert_eq!(
        (json["cpu"].as_str(), json["family"].as_str()),
        (Some("512"), Some("StackTaskDef"))
    );
    assert!(
        json["containerDefinitions"][0]["image"]
            .as_str()
            .unwrap()
            .starts_with(r#"{"Fn::Join""#)
    );
}

#[test]
fn sam_template_reads_the_same() {
    let doc = yaml(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Runtime: python3.12}\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions: !If [UseBig, [{Name: a}], [{Name: b}]]\n",
    );
    let (found, errors) = read(&doc);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(found.len(), 1);
    let unknown: Vec<_> = found[0]
        .unknown
        .iter()
        .map(|u| (u.pointer.as_str(), doc.raw(u.span).unwrap()))
        .collect();
    assert_eq!(
        unknown,
        [("/containerDefinitions", "!If [UseBig, [{Name: a}], [{Name: b}]]")]
    );
    assert!(found[0].is_unknown(Span::default(), Some("/containerDefinitions/0/name")));
}

#[test]
fn parameter_without_default_is_unknown_but_keeps_its_choices() {
    let doc = yaml(
        "Parameters:\n  Mem: {Type: Number, AllowedValues: [512, 1024]}\nResources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties: {Memory: !Ref Mem}\n",
    );
    let (found, _) = read(&doc);
    let task = &found[0];
    assert_eq!(task.unknown.len(), 1);
    assert!(task.assumed.is_empty());
    assert_eq!(task.choices.len(), 1);
    assert_eq!(task.choices[0].pointer, "/memory");
    let raw: Vec<_> = task.choices[0]
        .values
        .iter()
        .map(|n| doc.raw(n.span).unwrap())
        .collect();
    assert_eq!(raw, ["512", "1024"]);
}

#[test]
fn malformed_resources_are_errors_and_the_rest_is_read() {
    let doc = yaml(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  NoType:\n    Properties: {}\n  BadProps:\n    Type: AWS::ECS::TaskDefinition\n    Properties: [a]\n  Scalar: x\n  NumType: {Type: 3}\n  Good:\n    Type: AWS::ECS::Service\n",
    );
    let (found, errors) = read(&doc);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].node.to_json(), json!({"serviceName": "Good"}));
    let at: Vec<_> = errors.iter().map(|e| doc.raw(e.span).unwrap()).collect();
    assert_eq!(at, ["NoType", "[a]", "x", "3"]);
    assert!(errors[0].message.contains("no `Type`"), "{}", errors[0].message);
    assert!(
        errors[1]
            .message
            .contains("`Properties` of AWS::ECS::TaskDefinition BadProps")
    );
}

#[test]
fn resources_not_a_mapping() {
    let doc = yaml("AWSTemplateFormatVersion: '2010-09-09'\nResources: [a, b]\n");
    let (found, errors) = read(&doc);
    assert!(found.is_empty());
    assert_eq!(doc.raw(errors[0].span), Some("[a, b]"));
    assert!(errors[0].message.contains("mapping of logical ids"));
}

#[test]
fn properties_from_a_function_are_one_unknown() {
    let doc =
        yaml("Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties: !If [C, {Cpu: 1}, {Cpu: 2}]\n");
    let (found, errors) = read(&doc);
    assert!(errors.is_empty());
    assert_eq!(found[0].unknown[0].pointer, "");
    assert!(found[0].is_unknown(Span::default(), Some("/cpu")));
}

#[test]
fn logical_ids_are_escaped_in_pointers() {
    let doc = json(
        r#"{"Resources": {"a/b~c": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"Cpu": "256"}}}}"#,
        0,
        &Limits::default(),
    );
    let (found, _) = read(&doc);
    assert_eq!(found[0].pointer, "/Resources/a~1b~0c/Properties");
    assert_eq!(found[0].source_pointer("/cpu"), "/Resources/a~1b~0c/Properties/Cpu");
}

#[test]
fn other_documents_are_not_templates() {
    let k8s = yaml("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n");
    assert!(!is_template(k8s.root.as_ref().unwrap()));
    let ecs = json(r#"{"family": "x", "containerDefinitions": []}"#, 0, &Limits::default());
    assert!(!is_template(ecs.root.as_ref().unwrap()));
    let odd = yaml("Resources:\n  a: {Type: thing}\n");
    assert!(!is_template(odd.root.as_ref().unwrap()));
}

/// The public corpus's templates (`K2E_CORPUS=/path/to/corpus`), read without error; the
/// counts are the `AWS::ECS::TaskDefinition` and `AWS::ECS::Service` resources of each file.
#[test]
fn corpus_templates_read() {
    let Ok(corpus) = std::env::var("K2E_CORPUS") else {
        return;
    };
    let dir = std::path::Path::new(&corpus).join("ecs-cfn");
    let mut counts = Vec::new();
    for repo in std::fs::read_dir(&dir).unwrap() {
        for file in std::fs::read_dir(repo.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = if path.extension().is_some_and(|e| e == "json") {
                json(&text, 0, &Limits::default())
            } else {
                yaml(&text)
            };
            let (found, errors) = read(&doc);
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            for r in &found {
                for u in r.unknown.iter().filter(|u| !u.pointer.is_empty()) {
                    let (node, _) = r
                        .node
                        .pointer(&u.pointer)
                        .expect("placeholder at the unknown's pointer");
                    assert_eq!(node.span, u.span, "{} {}", r.label, u.pointer);
                }
                if r.kind == ResourceKind::Service {
                    assert!(r.task_definition.is_some(), "{} links to no task", r.label);
                }
            }
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let tail = name.rsplit("__").next().unwrap().to_owned();
            counts.push((tail, found.len()));
        }
    }
    counts.sort();
    let expected = [
        ("cwagent-ecs-instance-metric-cfn", 2),
        ("cwagent-ecs-prometheus-metric-for-awsvpc", 2),
        ("cwagent-ecs-prometheus-metric-for-bridge-host", 2),
        ("memcached-traffic-sample", 2),
        ("redis-traffic-sample", 2),
        ("service", 2),
        ("service", 2),
    ];
    let counts: Vec<_> = counts.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    assert_eq!(counts, expected);
}

#[test]
fn language_extension_loops_are_not_malformed_resources() {
    let text = "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Topics:\n    - Name\n    - [a, b]\n    - Topic${Name}: {Type: AWS::SNS::Topic}\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties: {Family: t}\n";
    let doc = crate::parse::yaml_text(text, &Limits::default()).remove(0);
    let (found, errors) = read(&doc);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(found.len(), 1);
}
