//! Defects of `k2e convert --to ecs` found on real manifests (issue 15), one fixture each in
//! tests/fixtures/convert/k8s-defects: env precedence, a task with no essential container, pods
//! larger than Fargate, empty service account names, subPath mounts, YAML 1.1 coercions, speed
//! on many labels, awsvpc host ports, log group creation and the accuracy of the report.

use k2e::convert::loss::{Fate, Note};
use k2e::convert::outcome::{Conversion, ObjectReport, Role};
use k2e::convert::{LaunchType, Options, To, audit, convert_texts, input};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/convert/k8s-defects")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn to_ecs(launch: LaunchType) -> Options {
    let mut o = Options::new(To::Ecs);
    o.launch_type = launch;
    o
}

fn convert(name: &str, opts: &Options) -> Conversion {
    let text = read(name);
    let run = convert_texts(&[(name, &text)], opts);
    let sources = vec![input::parse_bytes(name, text.as_bytes(), name.ends_with(".json")).0];
    let missing = audit::unaccounted(&sources, &run);
    assert!(missing.is_empty(), "fields dropped silently:\n{}", missing.join("\n"));
    run
}

fn output(run: &Conversion, role: Role) -> Value {
    let o = run
        .outputs
        .iter()
        .find(|o| o.role == role)
        .unwrap_or_else(|| panic!("no {role:?} output"));
    serde_json::from_str(&o.text).unwrap()
}

fn workload(run: &Conversion) -> &ObjectReport {
    run.objects
        .iter()
        .find(|o| !o.outputs.is_empty() || o.error.is_some())
        .expect("a converted object")
}

fn note<'r>(report: &'r ObjectReport, path: &str) -> &'r Note {
    report
        .fields
        .iter()
        .find(|n| n.path == path)
        .unwrap_or_else(|| panic!("no note on {path}: {:#?}", report.fields))
}

/// (name, section) of every variable of the first container.
fn variables(td: &Value) -> Vec<(String, &'static str, String)> {
    let c = &td["containerDefinitions"][0];
    let mut out = Vec::new();
    for (section, field) in [("environment", "value"), ("secrets", "valueFrom")] {
        for v in c[section].as_array().into_iter().flatten() {
            out.push((
                v["name"].as_str().unwrap_or_default().to_owned(),
                section,
                v[field].as_str().unwrap_or_default().to_owned(),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn env_wins_over_env_from_and_later_sources_over_earlier() {
    let run = convert("env-precedence.yaml", &to_ecs(LaunchType::Fargate));
    let td = output(&run, Role::TaskDefinition);
    let got = variables(&td);
    let want = [
        ("A", "environment", "explicit"),
        (
            "B",
            "secrets",
            "arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:sec:B::",
        ),
        ("C", "secrets", "arn:aws:ssm:REGION:ACCOUNT_ID:parameter/cfg/C"),
        ("D", "environment", "two"),
    ];
    let want: Vec<(String, &str, String)> = want
        .iter()
        .map(|(n, s, v)| (n.to_string(), *s, v.to_string()))
        .collect();
    assert_eq!(got, want);
    let report = workload(&run);
    let c = "/spec/template/spec/containers/0";
    let loser = note(report, &format!("{c}/env/1"));
    assert_eq!(loser.fate, Fate::Dropped, "{loser:?}");
    let first = note(report, &format!("{c}/envFrom/0"));
    let reason = first.reason.as_deref().unwrap_or_default();
    assert!(reason.contains("A, B, C"), "{reason}");
    let second = note(report, &format!("{c}/envFrom/1"));
    assert!(second.reason.as_deref().unwrap_or_default().contains('C'), "{second:?}");
    assert_pointers_resolve(&run);
}

#[test]
fn init_containers_alone_give_no_task_without_an_essential_container() {
    let run = convert("init-only.yaml", &to_ecs(LaunchType::Fargate));
    for o in run.outputs.iter().filter(|o| o.role == Role::TaskDefinition) {
        let td: Value = serde_json::from_str(&o.text).unwrap();
        let essential = td["containerDefinitions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["essential"] != Value::Bool(false));
        assert!(essential, "no essential container in {}", o.text);
    }
    let report = workload(&run);
    assert!(report.error.is_some(), "{report:#?}");
    assert_eq!(run.exit_code(), 2);
}

#[test]
fn a_pod_larger_than_fargate_is_reported_and_the_task_holds_its_containers() {
    let run = convert("too-large.yaml", &to_ecs(LaunchType::Fargate));
    let td = output(&run, Role::TaskDefinition);
    let task_cpu: u64 = td["cpu"].as_str().unwrap().parse().unwrap();
    let task_memory: u64 = td["memory"].as_str().unwrap().parse().unwrap();
    for c in td["containerDefinitions"].as_array().unwrap() {
        assert!(c["cpu"].as_u64().unwrap_or(0) <= task_cpu, "{c}");
        assert!(c["memory"].as_u64().unwrap_or(0) <= task_memory, "{c}");
        assert!(c["memoryReservation"].as_u64().unwrap_or(0) <= task_memory, "{c}");
    }
    let report = workload(&run);
    let r = "/spec/template/spec/containers/0/resources";
    for field in ["requests/cpu", "requests/memory", "limits/memory"] {
        let n = note(report, &format!("{r}/{field}"));
        assert_eq!(n.fate, Fate::Dropped, "{n:?}");
        assert!(
            n.fix.as_deref().unwrap_or_default().contains("--launch-type ec2"),
            "{n:?}"
        );
    }
    assert_eq!(run.exit_code(), 1);
    let on_ec2 = convert("too-large.yaml", &to_ecs(LaunchType::Ec2));
    assert_eq!(output(&on_ec2, Role::TaskDefinition)["cpu"], "20480");
}

#[test]
fn an_empty_service_account_name_gives_no_task_role() {
    let run = convert("empty-service-account.yaml", &to_ecs(LaunchType::Fargate));
    let td = output(&run, Role::TaskDefinition);
    assert!(td.get("taskRoleArn").is_none(), "{td}");
    let n = note(workload(&run), "/spec/template/spec/serviceAccountName");
    assert_ne!(n.fate, Fate::Dropped);
    assert_pointers_resolve(&run);
}

#[test]
fn a_sub_path_mount_is_a_security_relevant_approximation() {
    let run = convert("subpath.yaml", &to_ecs(LaunchType::Fargate));
    let m = "/spec/template/spec/containers/0/volumeMounts/0";
    let report = workload(&run);
    let sub = note(report, &format!("{m}/subPath"));
    assert_eq!(sub.fate, Fate::Approximated, "{sub:?}");
    assert!(sub.security, "{sub:?}");
    assert_ne!(note(report, &format!("{m}/mountPath")).fate, Fate::Mapped);
    assert_pointers_resolve(&run);
}

#[test]
fn yaml_1_1_coercions_are_reported_not_mapped() {
    let run = convert("yaml11.yaml", &to_ecs(LaunchType::Fargate));
    let report = workload(&run);
    let c = "/spec/template/spec/containers/0";
    for path in [
        "/metadata/labels/enabled",
        &format!("{c}/env/1/value"),
        &format!("{c}/env/2/value"),
    ] {
        let n = note(report, path);
        assert_ne!(n.fate, Fate::Mapped, "{n:?}");
        assert!(n.reason.as_deref().unwrap_or_default().contains("YAML 1.1"), "{n:?}");
    }
    let name = note(report, &format!("{c}/env/0/name"));
    assert!(
        name.reason.as_deref().unwrap_or_default().contains("YAML 1.1"),
        "{name:?}"
    );
}

#[test]
fn an_awsvpc_host_port_equal_to_its_container_port_is_mapped() {
    let run = convert("host-port-ecs.json", &Options::new(To::K8s));
    let n = note(workload(&run), "/containerDefinitions/0/portMappings/0/hostPort");
    assert_eq!(n.fate, Fate::Mapped, "{n:?}");
    assert_eq!(run.exit_code(), 0);
    let text = read("host-port-ecs.json");
    let trips = audit::ecs_round_trip(&[("host-port-ecs.json", &text)], &Options::new(To::K8s));
    assert!(
        trips.iter().all(|t| t.converted && t.mismatches.is_empty()),
        "{trips:#?}"
    );
}

#[test]
fn log_groups_are_created_only_when_asked() {
    let mut opts = to_ecs(LaunchType::Fargate);
    let run = convert("subpath.yaml", &opts);
    let options = &output(&run, Role::TaskDefinition)["containerDefinitions"][0]["logConfiguration"]["options"];
    assert!(options.get("awslogs-create-group").is_none(), "{options}");
    let added = &workload(&run).added;
    assert!(
        added
            .iter()
            .any(|a| a.reason.contains("must exist") && a.reason.contains("--create-log-groups")),
        "{added:#?}"
    );
    opts.create_log_groups = true;
    let run = convert("subpath.yaml", &opts);
    let options = &output(&run, Role::TaskDefinition)["containerDefinitions"][0]["logConfiguration"]["options"];
    assert_eq!(options["awslogs-create-group"], "true");
}

#[test]
fn notes_point_at_fields_that_are_written() {
    convert("windows-ec2.yaml", &to_ecs(LaunchType::Ec2));
    for (name, launch) in [
        ("windows-ec2.yaml", LaunchType::Ec2),
        ("windows-ec2.yaml", LaunchType::Fargate),
        ("daemonset-fargate.yaml", LaunchType::Fargate),
        ("env-precedence.yaml", LaunchType::Fargate),
        ("too-large.yaml", LaunchType::Fargate),
        ("pointers.yaml", LaunchType::Fargate),
        ("pointers.yaml", LaunchType::Ec2),
    ] {
        assert_pointers_resolve(&convert(name, &to_ecs(launch)));
    }
}

#[test]
fn one_note_per_input_path() {
    // The deployment fixture's livenessProbe.initialDelaySeconds had a mapped and an
    // approximated note, counted twice.
    for (name, launch) in [
        ("../k8s/deployment.yaml", LaunchType::Fargate),
        ("too-large.yaml", LaunchType::Fargate),
        ("env-precedence.yaml", LaunchType::Fargate),
        ("windows-ec2.yaml", LaunchType::Ec2),
    ] {
        let run = convert(name, &to_ecs(launch));
        for o in &run.objects {
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            for n in &o.fields {
                *seen.entry(&n.path).or_default() += 1;
            }
            let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
            assert!(twice.is_empty(), "{name}: {twice:?}");
        }
    }
}

/// Every `OUTPUT#/pointer` of a note resolves in the output written for its object.
fn assert_pointers_resolve(run: &Conversion) {
    for o in &run.objects {
        let written: Vec<(Role, Value)> = run
            .outputs
            .iter()
            .filter(|out| o.outputs.contains(&out.file))
            .filter_map(|out| Some((out.role, serde_json::from_str(&out.text).ok()?)))
            .collect();
        let targets = o
            .fields
            .iter()
            .filter_map(|n| n.to.as_deref())
            .chain(o.added.iter().map(|a| a.to.as_str()));
        for to in targets {
            let Some((output, pointer)) = to.split_once('#') else {
                continue;
            };
            let role = match output {
                "task-definition" => Role::TaskDefinition,
                "service" => Role::Service,
                _ => continue,
            };
            let found = written.iter().any(|(r, v)| *r == role && v.pointer(pointer).is_some());
            assert!(found, "{}: {to} is not in the output", o.object);
        }
    }
}

/// Quadratic bookkeeping made 20k labels take seconds and 500k over ten minutes: 30k labels
/// and 30k env entries must convert well within a debug build's few seconds.
#[test]
fn many_labels_and_env_entries_convert_in_near_linear_time() {
    let n = 30_000;
    let mut text = String::from("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: big\n  labels:\n");
    for i in 0..n {
        text.push_str(&format!("    l{i}: v{i}\n"));
    }
    text.push_str("spec:\n  selector:\n    matchLabels:\n      app: big\n  template:\n    metadata:\n      labels:\n        app: big\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n          env:\n");
    for i in 0..n {
        text.push_str(&format!("            - name: E{i}\n              value: v{i}\n"));
    }
    let start = std::time::Instant::now();
    let run = convert_texts(&[("big.yaml", &text)], &to_ecs(LaunchType::Fargate));
    let elapsed = start.elapsed();
    assert!(run.outputs.iter().any(|o| o.role == Role::TaskDefinition));
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
}

/// ECS on EC2 has no task ephemeral storage size (only Fargate sizes it, from 21 GiB): the ask
/// is dropped with what to do instead, not written as a size the API and Terraform reject.
#[test]
fn ephemeral_storage_on_ec2_is_not_written() {
    let run = convert("pointers.yaml", &to_ecs(LaunchType::Ec2));
    let task = run.outputs.iter().find(|o| o.role == Role::TaskDefinition).unwrap();
    assert!(!task.text.contains("ephemeralStorage"), "{}", task.text);
    let note = run.objects[0]
        .fields
        .iter()
        .find(|n| n.path.ends_with("/ephemeral-storage"))
        .unwrap();
    assert_eq!(note.fate, Fate::Dropped, "{note:?}");
    assert!(note.fix.as_deref().unwrap_or_default().contains("disk"), "{note:?}");
}
