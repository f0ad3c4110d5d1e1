//! The AWS configuration `k2e convert --to ecs` writes beside the task definitions: EventBridge
//! schedules of CronJobs, Application Auto Scaling inputs of HorizontalPodAutoscalers, the
//! minimum healthy percent of PodDisruptionBudgets, and rollout limits ECS can act on.
//! Snapshots of each, every field accounted for, and botocore's validation when installed.

use k2e::convert::audit;
use k2e::convert::outcome::{Conversion, Role};
use k2e::convert::{Options, To, convert_texts, input, loss_render};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

mod common;
use common::peers::python_with_botocore;

fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/convert/aws-config")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Converts one fixture and checks that no field was dropped silently.
fn convert(name: &str) -> Conversion {
    let text = read(name);
    let texts = [(name, text.as_str())];
    let run = convert_texts(&texts, &Options::new(To::Ecs));
    assert!(run.errors.is_empty(), "{name}: {:?}", run.errors);
    let sources: Vec<input::Source> = texts
        .iter()
        .map(|(n, t)| input::parse_bytes(n, t.as_bytes(), false).0)
        .collect();
    let missing = audit::unaccounted(&sources, &run);
    assert!(
        missing.is_empty(),
        "{name}: fields dropped silently:\n{}",
        missing.join("\n")
    );
    run
}

fn output(run: &Conversion, file: &str) -> Value {
    let o = run.outputs.iter().find(|o| o.file == file).unwrap_or_else(|| {
        panic!(
            "no {file} among {:?}",
            run.outputs.iter().map(|o| &o.file).collect::<Vec<_>>()
        )
    });
    serde_json::from_str(&o.text).unwrap()
}

fn snapshot(name: &str, run: &Conversion) {
    let outputs: String = run
        .outputs
        .iter()
        .map(|o| format!("=== {}\n{}", o.file, o.text))
        .collect();
    let opts = Options::new(To::Ecs);
    let mut report: Value = serde_json::from_str(&loss_render::json(run, &opts, run.exit_code())).unwrap();
    report["tool"]["version"] = Value::from("VERSION");
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.bind(|| {
        insta::assert_snapshot!(format!("aws-config-{name}-outputs"), outputs);
        insta::assert_json_snapshot!(format!("aws-config-{name}-report"), report);
    });
}

/// The note on an input field, by its pointer.
fn note<'r>(run: &'r Conversion, path: &str) -> &'r k2e::convert::loss::Note {
    run.objects
        .iter()
        .flat_map(|o| &o.fields)
        .find(|n| n.path == path)
        .unwrap_or_else(|| panic!("no note on {path}"))
}

// --- rollout ---

/// ECS starts at most floor(desired x maximumPercent / 100) tasks and keeps at least
/// ceil(desired x minimumHealthyPercent / 100): a deployment progresses only when one of the
/// two leaves room for a task.
fn can_move(desired: i64, max: i64, min: i64) -> bool {
    desired * max / 100 > desired || (desired * min + 99) / 100 < desired
}

#[test]
fn default_rollouts_let_ecs_replace_a_task_at_1_2_and_3_replicas() {
    let run = convert("rollout.yaml");
    let mut seen = 0;
    for o in run.outputs.iter().filter(|o| o.role == Role::Service) {
        let s: Value = serde_json::from_str(&o.text).unwrap();
        let desired = s["desiredCount"].as_i64().unwrap();
        let max = s["deploymentConfiguration"]["maximumPercent"].as_i64().unwrap();
        let min = s["deploymentConfiguration"]["minimumHealthyPercent"].as_i64().unwrap();
        assert!(
            can_move(desired, max, min),
            "{}: {desired} task(s) at {max}% / {min}% can neither start nor stop one",
            o.file
        );
        seen += 1;
    }
    assert_eq!(seen, 4);
    // A StatefulSet never runs more pods than its replicas: it stops one first.
    let db = output(&run, "db.service.json");
    assert_eq!(db["deploymentConfiguration"]["maximumPercent"], 100);
    assert_eq!(db["deploymentConfiguration"]["minimumHealthyPercent"], 0);
    snapshot("rollout", &run);
}

// --- CronJob -> EventBridge Scheduler ---

#[test]
fn cronjobs_become_eventbridge_schedules() {
    let run = convert("cronjob.yaml");
    let report = output(&run, "report.schedule.json");
    assert_eq!(report["ScheduleExpression"], "cron(30 6 1 * ? *)");
    assert_eq!(report["ScheduleExpressionTimezone"], "Europe/Paris");
    assert_eq!(report["State"], "DISABLED");
    assert_eq!(
        report["Target"]["EcsParameters"]["TaskDefinitionArn"],
        "arn:aws:ecs:REGION:ACCOUNT_ID:task-definition/report"
    );
    // The Monday runs are not lost: the note names the schedule that adds them.
    let schedule = note(&run, "/spec/schedule");
    assert_eq!(schedule.fate, k2e::convert::loss::Fate::Approximated);
    assert!(
        schedule
            .fix
            .as_deref()
            .unwrap_or_default()
            .contains("cron(30 6 ? * MON *)"),
        "{schedule:?}"
    );
    let nightly = output(&run, "nightly.schedule.json");
    assert_eq!(nightly["ScheduleExpression"], "cron(0 2 ? * MON-FRI *)");
    assert_eq!(nightly["ScheduleExpressionTimezone"], "America/New_York");
    assert_eq!(nightly["State"], "ENABLED");
    let reports: Vec<_> = run.objects.iter().map(|o| o.outputs.clone()).collect();
    assert!(
        reports
            .iter()
            .all(|files| files.iter().any(|f| f.ends_with(".schedule.json"))),
        "{reports:?}"
    );
    snapshot("cronjob", &run);
}

// --- HorizontalPodAutoscaler -> Application Auto Scaling ---

#[test]
fn autoscalers_become_scalable_targets_and_target_tracking_policies() {
    let run = convert("hpa.yaml");
    let web = output(&run, "web.scalable-target.json");
    // No --cluster: the service goes to the default cluster, and so does its scaling target.
    assert_eq!(web["ResourceId"], "service/default/web");
    assert_eq!(
        (web["MinCapacity"].as_i64(), web["MaxCapacity"].as_i64()),
        (Some(2), Some(10))
    );
    let cpu = output(&run, "web-cpu.scaling-policy.json");
    let config = &cpu["TargetTrackingScalingPolicyConfiguration"];
    assert_eq!(config["TargetValue"], 70);
    assert_eq!(
        config["PredefinedMetricSpecification"]["PredefinedMetricType"],
        "ECSServiceAverageCPUUtilization"
    );
    assert_eq!(
        (config["ScaleInCooldown"].as_i64(), config["ScaleOutCooldown"].as_i64()),
        (Some(300), Some(0))
    );
    let memory = output(&run, "web-memory.scaling-policy.json");
    assert_eq!(memory["TargetTrackingScalingPolicyConfiguration"]["TargetValue"], 80);
    // An AverageValue target and an External metric have no predefined ECS metric.
    for path in ["/spec/metrics/2", "/spec/metrics/3"] {
        assert_eq!(note(&run, path).fate, k2e::convert::loss::Fate::Dropped, "{path}");
    }
    let search = output(&run, "search.scalable-target.json");
    assert_eq!(
        (search["MinCapacity"].as_i64(), search["MaxCapacity"].as_i64()),
        (Some(1), Some(5))
    );
    assert_eq!(
        output(&run, "search-cpu.scaling-policy.json")["TargetTrackingScalingPolicyConfiguration"]["TargetValue"],
        60
    );
    // Each autoscaler has its own report entry, listing its files.
    let hpa = run
        .objects
        .iter()
        .find(|o| o.object == "HorizontalPodAutoscaler/web")
        .unwrap();
    assert_eq!(
        hpa.outputs,
        [
            "web.scalable-target.json",
            "web-cpu.scaling-policy.json",
            "web-memory.scaling-policy.json"
        ]
    );
    snapshot("hpa", &run);
}

// --- PodDisruptionBudget -> minimumHealthyPercent ---

#[test]
fn disruption_budgets_set_the_minimum_healthy_percent() {
    let run = convert("pdb.yaml");
    let min = |file: &str| output(&run, file)["deploymentConfiguration"]["minimumHealthyPercent"].as_i64();
    // 90% of 5 is 4.5, which Kubernetes rounds up to all 5 tasks.
    assert_eq!(min("worker.service.json"), Some(100));
    // At most 2 of 4 unavailable keeps 50%, less than the default rollout keeps (75%).
    assert_eq!(min("api.service.json"), Some(75));
    let worker = run
        .objects
        .iter()
        .find(|o| o.object == "PodDisruptionBudget/worker")
        .unwrap();
    let note = worker.fields.iter().find(|n| n.path == "/spec/minAvailable").unwrap();
    assert!(
        note.reason.as_deref().unwrap_or_default().contains("worker: 100% of 5"),
        "{note:?}"
    );
    let nothing = run
        .objects
        .iter()
        .find(|o| o.object == "PodDisruptionBudget/nothing")
        .unwrap();
    assert_eq!(
        nothing.counts.dropped, 1,
        "a budget selecting no workload is reported unused"
    );
    // The worker's rollout can still start a task.
    let s = output(&run, "worker.service.json");
    assert!(can_move(
        5,
        s["deploymentConfiguration"]["maximumPercent"].as_i64().unwrap(),
        100
    ));
    snapshot("pdb", &run);
}

// --- botocore ---

#[test]
fn aws_configuration_passes_botocore_param_validation() {
    let Some(python) = python_with_botocore() else {
        eprintln!("no Python with botocore: botocore check skipped (set K2E_PYTHON)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    for fixture in FIXTURES {
        for o in convert(fixture).outputs {
            std::fs::write(dir.path().join(&o.file), &o.text).unwrap();
            n += 1;
        }
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check-ecs-botocore");
    let out = Command::new(python).arg(script).arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("{n} file(s), {n} valid")), "{stdout}");
}

const FIXTURES: &[&str] = &["rollout.yaml", "cronjob.yaml", "hpa.yaml", "pdb.yaml"];

/// Two autoscalers on one workload wrote the same two file names (the second refused): the
/// second is now reported as not converted, and the first's files are written.
#[test]
fn a_second_autoscaler_on_one_workload_is_reported_not_converted() {
    let run = convert("two-hpas.yaml");
    let mut files: Vec<&str> = run.outputs.iter().map(|o| o.file.as_str()).collect();
    let all = files.len();
    files.sort_unstable();
    files.dedup();
    assert_eq!(files.len(), all, "{files:?}");
    let target = output(&run, "web.scalable-target.json");
    assert_eq!(target["MinCapacity"], 2, "the first autoscaler, web-a");
    let second = run
        .objects
        .iter()
        .find(|o| o.object == "HorizontalPodAutoscaler/web-b")
        .unwrap();
    assert!(second.outputs.is_empty(), "{:?}", second.outputs);
    assert_eq!(second.counts.dropped, 1, "{:?}", second.fields);
    let why = second.fields[0].reason.as_deref().unwrap_or_default();
    assert!(why.contains("web-a") && why.contains("AmbiguousSelector"), "{why}");
}
