//! ECS resources inside CloudFormation templates and Terraform files, through the binary as
//! users run it: lint (human and SARIF snapshots), estimate and convert --to k8s.

mod common;
use common::run::{Run, k2e_in};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn k2e(args: &[&str]) -> Run {
    k2e_in(&fixtures(), args)
}

fn lint(args: &[&str]) -> Run {
    let mut all = vec!["lint", "--color", "never", "--no-config"];
    all.extend_from_slice(args);
    k2e(&all)
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

fn findings(path: &str) -> Vec<Value> {
    let run = lint(&["--format", "json", path]);
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON report");
    report["findings"].as_array().expect("findings").clone()
}

/// `RULE line:col` of each finding in one file.
fn places(found: &[Value], file: &str) -> Vec<String> {
    found
        .iter()
        .filter(|f| f["file"].as_str().is_some_and(|n| n.ends_with(file)))
        .map(|f| format!("{} {}:{}", f["rule"].as_str().unwrap(), f["line"], f["column"]))
        .collect()
}

/// The SARIF report with this checkout's path and the rule table left out (the rules have
/// their own tests), so the snapshot shows only what these files gave.
fn sarif(path: &str) -> Value {
    let run = lint(&["--format", "sarif", path]);
    let mut sarif: Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    sarif["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"] = "file:///[SRCROOT]/".into();
    sarif["runs"][0]["tool"]["driver"]["rules"] = "[the rules of rules/]".into();
    for r in sarif["runs"][0]["results"].as_array_mut().unwrap() {
        r["ruleIndex"] = "[index of ruleId]".into();
    }
    sarif
}

#[test]
fn cloudformation_templates_lint_at_the_template_lines() {
    let human = lint(&["cloudformation"]);
    assert_eq!(
        human.code, 2,
        "a malformed template is exit 2:\n{}{}",
        human.stdout, human.stderr
    );
    settings().bind(|| {
        insta::assert_snapshot!("cloudformation-human", human.stdout);
        insta::assert_json_snapshot!("cloudformation-sarif", sarif("cloudformation"));
    });
}

#[test]
fn cloudformation_findings_name_the_resource_and_its_template_pointer() {
    let found = findings("cloudformation/fargate-service.yaml");
    let privileged = found
        .iter()
        .find(|f| f["pointer"] == "/Resources/WebTask/Properties/ContainerDefinitions/0/Privileged")
        .expect("the privileged container is reported at its template key");
    assert_eq!(privileged["object"], "AWS::ECS::TaskDefinition WebTask");
    // The image, the log group and the sidecar's memory are intrinsic functions: unknown.
    for line in [28, 37, 38, 41, 43] {
        assert!(
            !found.iter().any(|f| f["line"] == line),
            "a finding on an intrinsic function at line {line}: {found:#?}"
        );
    }
    let cpu = found
        .iter()
        .find(|f| f["pointer"] == "/Resources/WebTask/Properties/Cpu")
        .expect("the parameter's default cpu 300 is not a Fargate size");
    assert!(
        cpu["message"]
            .as_str()
            .unwrap()
            .contains("default of parameter TaskCpu"),
        "{cpu:#}"
    );
}

#[test]
fn a_service_on_fargate_makes_its_task_definition_a_fargate_one() {
    // The CDK task says FARGATE itself; the SAM one says bridge on FARGATE; both are checked.
    let cdk = places(
        &findings("cloudformation/cdk-output.template.json"),
        "cdk-output.template.json",
    );
    assert!(cdk.iter().any(|p| p.starts_with("FG018")), "{cdk:?}");
    let sam = places(&findings("cloudformation/sam.yaml"), "sam.yaml");
    assert!(sam.iter().any(|p| p.starts_with("FG0")), "{sam:?}");
}

#[test]
fn a_template_without_ecs_resources_is_skipped() {
    let run = lint(&["--format", "json", "cloudformation/no-ecs.yaml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let skipped = report["skipped"].to_string();
    assert!(skipped.contains("no AWS::ECS::TaskDefinition"), "{report:#}");
}

#[test]
fn a_malformed_template_is_exit_2_at_its_line_and_the_rest_is_checked() {
    let found = findings("cloudformation/malformed.yaml");
    let at = places(&found, "malformed.yaml");
    assert!(at.iter().any(|p| p.starts_with("K2E005 3:")), "{at:?}");
    assert!(
        at.iter().any(|p| p.starts_with("FG00")),
        "the good resource is still checked: {at:?}"
    );
    let run = lint(&["cloudformation/malformed.yaml", "cloudformation/sam.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("sam.yaml"),
        "the other file is still checked:\n{}",
        run.stdout
    );
}

#[test]
fn estimate_prices_the_template_services() {
    let run = k2e(&[
        "estimate",
        "--format",
        "json",
        "cloudformation/cdk-output.template.json",
    ]);
    assert!(run.code == 0 || run.code == 1, "{}{}", run.stdout, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON estimate");
    let text = report.to_string();
    assert!(
        text.contains("AWS::ECS::TaskDefinition ApiTaskDef1A2B3C4D"),
        "{report:#}"
    );
    settings().bind(|| {
        let table = k2e(&["estimate", "cloudformation/fargate-service.yaml"]);
        insta::assert_snapshot!(
            "cloudformation-estimate",
            format!("{}\n--- stderr\n{}", table.stdout, table.stderr)
        );
    });
}

#[test]
fn convert_to_kubernetes_reads_the_template() {
    let run = k2e(&["convert", "--to", "k8s", "cloudformation/fargate-service.yaml"]);
    settings().bind(|| {
        insta::assert_snapshot!(
            "cloudformation-convert",
            format!("exit {}\n{}\n--- stderr\n{}", run.code, run.stdout, run.stderr)
        );
    });
    assert!(run.stdout.contains("kind: Deployment"), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("replicas: 2"),
        "the service's desired count: {}",
        run.stdout
    );
}

#[test]
fn terraform_files_and_plans_lint_where_the_values_are_written() {
    let human = lint(&["terraform"]);
    assert_eq!(
        human.code, 2,
        "malformed HCL is exit 2:\n{}{}",
        human.stdout, human.stderr
    );
    settings().bind(|| {
        insta::assert_snapshot!("terraform-human", human.stdout);
        insta::assert_json_snapshot!("terraform-sarif", sarif("terraform"));
    });
    let found = findings("terraform");
    let at = |file: &str| places(&found, file);
    // Each form of container_definitions: the host port finding lands in the text that holds it.
    assert!(
        at("literal/main.tf").contains(&"FG004 21:42".to_owned()),
        "{:?}",
        at("literal/main.tf")
    );
    assert!(
        at("heredoc/main.tf").contains(&"FG004 21:47".to_owned()),
        "{:?}",
        at("heredoc/main.tf")
    );
    assert!(
        at("file/containers.json").contains(&"FG004 8:43".to_owned()),
        "{:?}",
        at("file/containers.json")
    );
    assert!(
        at("templatefile/containers.json.tpl").contains(&"FG004 8:43".to_owned()),
        "{:?}",
        at("templatefile/containers.json.tpl")
    );
    assert!(
        at("plan/plan.json").contains(&"FG004 41:169".to_owned()),
        "{:?}",
        at("plan/plan.json")
    );
    // A variable's default is used and named; the file() target is not linted a second time.
    let variable = found
        .iter()
        .find(|f| f["file"].as_str().unwrap().ends_with("variable/main.tf") && f["rule"] == "FG001")
        .expect("the default cpu of variables.tf");
    assert!(
        variable["message"]
            .as_str()
            .unwrap()
            .contains("default of variable cpu in"),
        "{variable:#}"
    );
    assert_eq!(variable["object"], "aws_ecs_task_definition.app");
    assert!(!found.iter().any(|f| f["rule"] == "ECS005"), "{found:#?}");
    let malformed = at("malformed/main.tf");
    assert_eq!(malformed, vec!["YML001 9:11".to_owned()]);
}

#[test]
fn nothing_is_reported_on_a_terraform_reference() {
    // var.image has no default and templatefile's ${cpu} is a placeholder: both unknown.
    let found = findings("terraform");
    for f in &found {
        let message = f["message"].as_str().unwrap();
        assert!(
            !message.contains("var.") && !message.contains("${"),
            "a finding on an unknown value: {f:#}"
        );
    }
}

#[test]
fn estimate_and_convert_read_terraform() {
    let run = k2e(&["estimate", "terraform/literal", "terraform/file", "terraform/plan"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let convert = k2e(&["convert", "--to", "k8s", "terraform/file", "terraform/plan"]);
    settings().bind(|| {
        insta::assert_snapshot!(
            "terraform-estimate",
            format!("{}\n--- stderr\n{}", run.stdout, run.stderr)
        );
        insta::assert_snapshot!(
            "terraform-convert",
            format!(
                "exit {}\n{}\n--- stderr\n{}",
                convert.code, convert.stdout, convert.stderr
            )
        );
    });
    assert!(
        convert
            .stderr
            .contains("terraform/file/containers.json:8:43 /0/portMappings/0/hostPort")
    );
    let broken = k2e(&["estimate", "terraform/malformed", "terraform/literal"]);
    assert_eq!(broken.code, 2, "{}{}", broken.stdout, broken.stderr);
    assert!(
        broken.stderr.contains("terraform/malformed/main.tf:9:11"),
        "{}",
        broken.stderr
    );
    assert!(
        broken.stdout.contains("aws_ecs_task_definition.web"),
        "the other file is estimated: {}",
        broken.stdout
    );
}

#[test]
fn suppressions_are_comments_in_templates_and_terraform_files() {
    let dir = tempfile::tempdir().unwrap();
    let tf = "resource \"aws_ecs_task_definition\" \"a\" {\n  family = \"a\"\n  requires_compatibilities = [\"FARGATE\"]\n  network_mode = \"awsvpc\"\n  cpu = 300 # k2e-ignore FG001 sized by the platform team\n  memory = 512\n  container_definitions = jsonencode([{name = \"a\", image = \"nginx:1.27\", essential = true}])\n}\n";
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let template = "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: \"300\" # k2e-ignore FG001 sized by the platform team\n      Memory: \"512\"\n      ContainerDefinitions:\n        - {Name: a, Image: \"nginx:1.27\", Essential: true}\n";
    std::fs::write(dir.path().join("template.yaml"), template).unwrap();
    let run = k2e_in(dir.path(), &["lint", "--no-config", "--format", "json", "."]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["suppressed"].as_array().unwrap().len(), 2, "{report:#}");
}

#[test]
fn a_rule_comparing_against_an_unknown_value_says_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let template = r#"Parameters:
  Port: {Type: Number}
  Env: {Type: String}
Conditions:
  C: !Equals [!Ref Env, prod]
Resources:
  T:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: "256"
      Memory: "512"
      Volumes: !If [C, [{Name: data}], [{Name: data}]]
      ContainerDefinitions:
        - Name: app
          Image: "nginx:1.27"
          Essential: !If [C, true, false]
          PortMappings: [{ContainerPort: !Ref Port, HostPort: 8080}]
          MountPoints: [{SourceVolume: data, ContainerPath: /d}]
          DependsOn: [{ContainerName: sidecar, Condition: START}]
        - Name: !Sub "${Env}-sidecar"
          Image: "busybox:1.36"
          Essential: false
"#;
    std::fs::write(dir.path().join("template.yaml"), template).unwrap();
    let tf = r#"variable "vols" {}
resource "aws_ecs_task_definition" "a" {
  family                   = "a"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  dynamic "volume" {
    for_each = var.vols
    content { name = volume.value }
  }
  container_definitions = jsonencode([{
    name = "a", image = "nginx:1.27", essential = true,
    mountPoints = [{ sourceVolume = "data", containerPath = "/d" }]
  }])
}
"#;
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let run = k2e_in(dir.path(), &["lint", "--no-config", "--format", "json", "."]);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
    assert_eq!(run.code, 0);
}

#[test]
fn templates_link_their_own_services_even_when_logical_ids_repeat() {
    let dir = tempfile::tempdir().unwrap();
    for (file, cpu, desired) in [("a.yaml", "256", 2), ("b.yaml", "1024", 5)] {
        let memory = if cpu == "256" { "512" } else { "2048" };
        let template = format!(
            "Resources:\n  TaskDefinition:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: \"{cpu}\"\n      Memory: \"{memory}\"\n      ContainerDefinitions:\n        - {{Name: app, Image: \"nginx:1.27\", Essential: true}}\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref TaskDefinition\n      DesiredCount: {desired}\n"
        );
        std::fs::write(dir.path().join(file), template).unwrap();
    }
    let run = k2e_in(dir.path(), &["estimate", "--format", "json", "."]);
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON estimate");
    let replicas: Vec<(String, u64)> = report["workloads"]
        .as_array()
        .expect("workloads")
        .iter()
        .map(|w| (w["file"].as_str().unwrap().to_owned(), w["replicas"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        replicas,
        [("a.yaml".to_owned(), 2), ("b.yaml".to_owned(), 5)],
        "{report:#}"
    );
    let convert = k2e_in(dir.path(), &["convert", "--to", "k8s", "."]);
    assert!(
        convert.stdout.contains("replicas: 2") && convert.stdout.contains("replicas: 5"),
        "{}{}",
        convert.stdout,
        convert.stderr
    );
    assert!(
        !convert.stderr.contains("no task definition of family"),
        "{}",
        convert.stderr
    );
}

#[test]
fn each_file_a_terraform_module_reads_is_its_own_place() {
    let dir = tempfile::tempdir().unwrap();
    let task = |name: &str, file: &str| {
        format!(
            "resource \"aws_ecs_task_definition\" \"{name}\" {{\n  family = \"{name}\"\n  requires_compatibilities = [\"FARGATE\"]\n  network_mode = \"awsvpc\"\n  cpu = 256\n  memory = 512\n  container_definitions = file(\"{file}\")\n}}\n"
        )
    };
    let tf = format!("{}{}", task("a", "./a.json"), task("b", "${path.module}/b.json"));
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let padding = " ".repeat(400);
    let good = format!("[{{\"name\": \"a\", \"image\": \"nginx:1.27\", \"essential\": true{padding}}}]\n");
    std::fs::write(dir.path().join("a.json"), good).unwrap();
    std::fs::write(dir.path().join("b.json"), "[{\"name\": }]\n").unwrap();
    let run = k2e_in(dir.path(), &["lint", "--no-config", "--format", "compact", "."]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "a.json is checked once, through main.tf, and is clean: {lines:?}"
    );
    assert!(lines[0].starts_with("b.json:1:11: error K2E005"), "{lines:?}");
    let estimate = k2e_in(dir.path(), &["estimate", "."]);
    assert!(
        estimate.stderr.contains("b.json:1:11: not estimated"),
        "{}",
        estimate.stderr
    );
}
