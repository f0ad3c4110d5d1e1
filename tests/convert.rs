//! `k2e convert`: outputs and loss reports of a fixture of every kind in both directions
//! (snapshots), no silent drop, outputs that pass k2e's own validation and Fargate rules (and
//! botocore's, when it is installed), round trips, file safety, and the public corpus
//! (K2E_CORPUS).

mod common;
use common::corpus::corpus;
use common::peers::python_with_botocore;
use k2e::convert::audit::{self, RoundTrip};
use k2e::convert::outcome::{Conversion, Output, Role};
use k2e::convert::{Kind, LaunchType, Options, To, convert_texts, input, loss_render};
use k2e::finding::Severity;
use k2e::lint;
use k2e::rules::Target;
use k2e::validate::Validators;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/convert")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(fixtures().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

const K8S_FIXTURES: &[&str] = &[
    "deployment",
    "statefulset",
    "daemonset",
    "replicaset",
    "pod",
    "job",
    "cronjob",
];

const KINDS: &[Kind] = &[
    Kind::Deployment,
    Kind::StatefulSet,
    Kind::DaemonSet,
    Kind::ReplicaSet,
    Kind::Pod,
    Kind::Job,
    Kind::CronJob,
];

fn opts(to: To) -> Options {
    Options::new(to)
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

/// The outputs as one text, each under a `=== FILE` header.
fn outputs_text(run: &Conversion) -> String {
    run.outputs
        .iter()
        .map(|o| format!("=== {}\n{}", o.file, o.text))
        .collect()
}

fn report_json(run: &Conversion, opts: &Options) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&loss_render::json(run, opts, run.exit_code())).unwrap();
    // The version changes with every release; the snapshot is about the rest.
    v["tool"]["version"] = serde_json::Value::from("VERSION");
    v
}

fn sources(texts: &[(&str, &str)]) -> Vec<input::Source> {
    texts
        .iter()
        .map(|(n, t)| input::parse_bytes(n, t.as_bytes(), n.ends_with(".json")).0)
        .collect()
}

fn assert_accounted(texts: &[(&str, &str)], run: &Conversion) {
    let missing = audit::unaccounted(&sources(texts), run);
    assert!(missing.is_empty(), "fields dropped silently:\n{}", missing.join("\n"));
}

/// The outputs k2e lint reads: task definitions, services and Kubernetes objects, not the
/// schedules, scaling inputs or the checklist (botocore and cfn-lint check those).
const LINTED: [Role; 3] = [Role::TaskDefinition, Role::Service, Role::Kubernetes];

/// Lints the outputs with k2e's own pipeline (schemas and rules) and returns the error findings.
fn lint_errors(outputs: &[Output], target: Target) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    for o in outputs.iter().filter(|o| LINTED.contains(&o.role)) {
        std::fs::write(dir.path().join(&o.file), &o.text).unwrap();
    }
    lint_dir(dir.path(), target)
}

fn lint_dir(dir: &Path, target: Target) -> Vec<String> {
    let opts = lint::Options {
        no_ignore: true,
        record_checked: true,
        target,
        today: "2026-11-21".to_owned(),
        ..lint::Options::new(vec![dir.to_path_buf()])
    };
    let outcome = lint::run(&opts, &Validators::new("1.37", Vec::new()).unwrap());
    let checked: usize = outcome.files.iter().map(|f| f.checked.len()).sum();
    assert!(
        checked >= outcome.files.len(),
        "every output is a Kubernetes object or an ECS document"
    );
    outcome
        .findings()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            format!(
                "{}:{}:{} {} {}",
                f.file, f.start.line, f.start.column, f.rule, f.message
            )
        })
        .collect()
}

fn assert_round_trips(trips: &[RoundTrip]) {
    assert!(!trips.is_empty(), "nothing converted");
    for t in trips {
        assert!(t.converted, "{} {}: not converted", t.file, t.object);
        assert!(
            t.mismatches.is_empty(),
            "{} {}: mapped fields changed:\n{:#?}",
            t.file,
            t.object,
            t.mismatches
        );
    }
}

#[test]
fn kubernetes_to_ecs_every_kind() {
    for name in K8S_FIXTURES {
        let file = format!("{name}.yaml");
        let text = read(&format!("k8s/{file}"));
        let texts = [(file.as_str(), text.as_str())];
        for launch in [LaunchType::Fargate, LaunchType::Ec2] {
            let mut o = opts(To::Ecs);
            o.launch_type = launch;
            let run = convert_texts(&texts, &o);
            assert!(run.errors.is_empty(), "{file}: {:?}", run.errors);
            assert!(run.objects.iter().all(|r| r.error.is_none()), "{file}");
            assert_accounted(&texts, &run);
            let target = if launch == LaunchType::Fargate {
                Target::EcsFargate
            } else {
                Target::EcsEc2
            };
            let errors = lint_errors(&run.outputs, target);
            assert!(
                errors.is_empty(),
                "{file} ({launch:?}) outputs fail k2e lint:\n{}",
                errors.join("\n")
            );
            let services = run.outputs.iter().filter(|o| o.role == Role::Service).count();
            let service = matches!(*name, "deployment" | "statefulset" | "replicaset")
                || (*name == "daemonset" && launch == LaunchType::Ec2);
            assert_eq!(
                services,
                usize::from(service),
                "{file}: a service for kinds with replicas (and DAEMON on EC2)"
            );
            assert_round_trips(&audit::k8s_round_trip(&texts, &o));
            if launch == LaunchType::Fargate {
                settings().bind(|| {
                    insta::assert_snapshot!(format!("convert-k8s-{name}-outputs"), outputs_text(&run));
                    insta::assert_json_snapshot!(format!("convert-k8s-{name}-report"), report_json(&run, &o));
                });
            }
        }
    }
}

#[test]
fn ecs_to_kubernetes_every_kind() {
    let task = read("ecs/orders.json");
    let service = read("ecs/orders-service.json");
    let texts = [
        ("orders.json", task.as_str()),
        ("orders-service.json", service.as_str()),
    ];
    for kind in KINDS {
        let mut o = opts(To::K8s);
        o.kind = Some(*kind);
        let run = convert_texts(&texts, &o);
        assert!(
            run.errors.is_empty() && run.objects.iter().all(|r| r.error.is_none()),
            "{kind:?}"
        );
        assert_accounted(&texts, &run);
        let errors = lint_errors(&run.outputs, Target::Auto);
        assert!(
            errors.is_empty(),
            "{kind:?} outputs fail k2e lint:\n{}",
            errors.join("\n")
        );
        assert!(run.outputs[0].text.contains(&format!("kind: {}\n", kind.name())));
        assert_round_trips(&audit::ecs_round_trip(&texts, &o));
        settings().bind(|| {
            let name = kind.name().to_ascii_lowercase();
            insta::assert_snapshot!(format!("convert-ecs-{name}-outputs"), outputs_text(&run));
            insta::assert_json_snapshot!(format!("convert-ecs-{name}-report"), report_json(&run, &o));
        });
    }
}

#[test]
fn ecs_shapes_and_daemon_services() {
    let cases: &[(&str, &[&str])] = &[
        ("describe", &["worker-describe.json"]),
        ("containers", &["containers.json"]),
        ("daemon", &["node-exporter.json", "node-exporter-service.json"]),
    ];
    for (name, files) in cases {
        let contents: Vec<String> = files.iter().map(|f| read(&format!("ecs/{f}"))).collect();
        let texts: Vec<(&str, &str)> = files.iter().copied().zip(contents.iter().map(String::as_str)).collect();
        let o = opts(To::K8s);
        let run = convert_texts(&texts, &o);
        assert!(
            run.errors.is_empty() && run.objects.iter().all(|r| r.error.is_none()),
            "{name}"
        );
        assert_accounted(&texts, &run);
        let errors = lint_errors(&run.outputs, Target::Auto);
        assert!(
            errors.is_empty(),
            "{name} outputs fail k2e lint:\n{}",
            errors.join("\n")
        );
        assert_round_trips(&audit::ecs_round_trip(&texts, &o));
        if *name == "daemon" {
            assert!(
                run.outputs[0]
                    .text
                    .starts_with("apiVersion: apps/v1\nkind: DaemonSet\n")
            );
        }
        settings().bind(|| {
            insta::assert_snapshot!(format!("convert-ecs-{name}-outputs"), outputs_text(&run));
            insta::assert_json_snapshot!(format!("convert-ecs-{name}-report"), report_json(&run, &o));
        });
    }
}

#[test]
fn secret_values_are_never_copied() {
    let text = read("k8s/deployment.yaml");
    let run = convert_texts(&[("deployment.yaml", &text)], &opts(To::Ecs));
    for o in &run.outputs {
        assert!(!o.text.contains("not-a-real-password"), "{}", o.file);
        assert!(!o.text.contains("postgres://"), "{}", o.file);
    }
    let report = loss_render::json(&run, &opts(To::Ecs), run.exit_code());
    assert!(!report.contains("not-a-real-password"));
}

#[test]
fn yaml_output_quotes_yaml_1_1_strings() {
    let task = read("ecs/orders.json");
    let run = convert_texts(&[("orders.json", &task)], &opts(To::K8s));
    let text = &run.outputs[0].text;
    assert!(text.contains("value: \"yes\""), "{text}");
    assert!(text.contains("value: \"0644\""), "{text}");
}

#[test]
fn output_is_deterministic() {
    let text = read("k8s/deployment.yaml");
    let a = convert_texts(&[("deployment.yaml", &text)], &opts(To::Ecs));
    let b = convert_texts(&[("deployment.yaml", &text)], &opts(To::Ecs));
    assert_eq!(outputs_text(&a), outputs_text(&b));
    let (ra, rb) = (report_json(&a, &opts(To::Ecs)), report_json(&b, &opts(To::Ecs)));
    assert_eq!(ra, rb);
}

#[test]
fn probe_commands_on_request() {
    let text = read("k8s/pod.yaml");
    let mut o = opts(To::Ecs);
    let plain = convert_texts(&[("pod.yaml", &text)], &o);
    assert!(!plain.outputs[0].text.contains("healthCheck"));
    o.probe_command = Some(k2e::convert::ProbeTool::Wget);
    let run = convert_texts(&[("pod.yaml", &text)], &o);
    assert!(
        run.outputs[0]
            .text
            .contains("wget -q -O /dev/null http://localhost:8080/ || exit 1")
    );
    assert!(lint_errors(&run.outputs, Target::EcsFargate).is_empty());
}

#[test]
fn efs_mapping_both_ways() {
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: files}\nspec:\n  selector: {matchLabels: {app: files}}\n  template:\n    metadata: {labels: {app: files}}\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27.2\n          volumeMounts: [{name: data, mountPath: /data}]\n      volumes:\n        - name: data\n          persistentVolumeClaim: {claimName: shared-files}\n";
    let texts = [("files.yaml", manifest)];
    let mut o = opts(To::Ecs);
    let without = convert_texts(&texts, &o);
    assert!(!without.outputs[0].text.contains("efsVolumeConfiguration"));
    o.efs = vec![k2e::convert::EfsMapping {
        claim: "shared-files".into(),
        file_system: "fs-0123".into(),
        access_point: Some("fsap-0456".into()),
    }];
    let run = convert_texts(&texts, &o);
    assert!(run.outputs[0].text.contains("\"fileSystemId\": \"fs-0123\""));
    assert!(lint_errors(&run.outputs, Target::EcsFargate).is_empty());
    assert_round_trips(&audit::k8s_round_trip(&texts, &o));
}

// --- the command line and file safety ---

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn k2e(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_k2e"))
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("k2e runs");
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code().unwrap(),
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn writes_files_and_never_overwrites_without_force() {
    let work = tempfile::tempdir().unwrap();
    let input = fixtures().join("k8s/replicaset.yaml");
    let input = input.to_str().unwrap();
    let run = k2e(work.path(), &["convert", "--to", "ecs", input, "-o", "out"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = work.path().join("out");
    assert_eq!(
        names(&out),
        ["CHECKLIST.md", "echo.service.json", "echo.task-definition.json"]
    );
    std::fs::write(out.join("echo.task-definition.json"), "mine").unwrap();
    let again = k2e(work.path(), &["convert", "--to", "ecs", input, "-o", "out"], None);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(
        again.stderr.contains("exists; not overwritten (use --force)"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(out.join("echo.task-definition.json")).unwrap(),
        "mine"
    );
    let forced = k2e(
        work.path(),
        &["convert", "--to", "ecs", "--force", input, "-o", "out"],
        None,
    );
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(
        std::fs::read_to_string(out.join("echo.task-definition.json"))
            .unwrap()
            .contains("\"family\": \"echo\"")
    );
    assert_eq!(names(&out).len(), 3, "no temporary files left: {:?}", names(&out));
}

#[test]
fn a_failed_write_leaves_the_destination_untouched_and_no_temporary_file() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    // A directory where the file should go: the rename fails, whatever the user's rights.
    std::fs::create_dir_all(out.join("echo.task-definition.json/inside")).unwrap();
    let input = fixtures().join("k8s/replicaset.yaml");
    let run = k2e(
        work.path(),
        &[
            "convert",
            "--to",
            "ecs",
            "--force",
            input.to_str().unwrap(),
            "-o",
            "out",
        ],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("cannot write"), "{}", run.stderr);
    assert!(out.join("echo.task-definition.json/inside").is_dir());
    // The service is not written without its task definition: the files of one object are
    // written together or not at all.
    assert!(run.stderr.contains("refused: "), "{}", run.stderr);
    // No CHECKLIST.md either: nothing was written that needs anything created.
    assert_eq!(names(&out), ["echo.task-definition.json"], "no temporary files left");
}

#[test]
fn dry_run_writes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let input = fixtures().join("k8s/replicaset.yaml");
    let input = input.to_str().unwrap();
    let run = k2e(
        work.path(),
        &[
            "convert",
            "--to",
            "ecs",
            "--dry-run",
            input,
            "-o",
            "out",
            "--report",
            "r.json",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("would write out/echo.task-definition.json ("),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("would write out/echo.service.json ("),
        "{}",
        run.stdout
    );
    assert_eq!(names(work.path()), Vec::<String>::new(), "nothing written");
    std::fs::create_dir(work.path().join("out")).unwrap();
    std::fs::write(work.path().join("out/echo.service.json"), "x").unwrap();
    let run = k2e(
        work.path(),
        &["convert", "--to", "ecs", "--dry-run", input, "-o", "out"],
        None,
    );
    assert!(
        run.stdout.contains("would not write out/echo.service.json: it exists"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read_to_string(work.path().join("out/echo.service.json")).unwrap(),
        "x"
    );
}

#[test]
fn stdin_to_stdout_and_the_json_report() {
    let work = tempfile::tempdir().unwrap();
    let text = read("ecs/orders.json");
    let run = k2e(
        work.path(),
        &["convert", "--to", "k8s", "-", "--report", "reports/loss.json"],
        Some(&text),
    );
    assert_eq!(
        run.code, 1,
        "something is dropped (the log configuration): {}",
        run.stderr
    );
    assert!(
        run.stdout.starts_with("apiVersion: apps/v1\nkind: Deployment\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("<stdin>: TaskDefinition/orders -> orders.yaml"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("logConfiguration"), "{}", run.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(work.path().join("reports/loss.json")).unwrap()).unwrap();
    assert_eq!(report["direction"], "ecs-to-k8s");
    assert_eq!(report["summary"]["exit_code"], 1);
    assert_eq!(report["objects"][0]["object"], "TaskDefinition/orders");
}

#[test]
fn one_bad_input_does_not_stop_the_others() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("broken.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: [\n",
    )
    .unwrap();
    std::fs::copy(fixtures().join("k8s/job.yaml"), work.path().join("job.yaml")).unwrap();
    let run = k2e(
        work.path(),
        &[
            "convert",
            "--to",
            "ecs",
            "broken.yaml",
            "job.yaml",
            "missing.yaml",
            "-o",
            "out",
        ],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("error: broken.yaml:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("error: missing.yaml: no such file"),
        "{}",
        run.stderr
    );
    assert_eq!(
        names(&work.path().join("out")),
        ["CHECKLIST.md", "nightly-report.task-definition.json"]
    );
}

#[test]
fn usage_errors() {
    let work = tempfile::tempdir().unwrap();
    let run = k2e(
        work.path(),
        &["convert", "--to", "ecs", "--kind", "Pod", "x.yaml"],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--kind"), "{}", run.stderr);
    let run = k2e(
        work.path(),
        &["convert", "--to", "ecs", "--secret-arn", "arn:{nope}", "x.yaml"],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown placeholder {nope}"), "{}", run.stderr);
    let empty = k2e(
        work.path(),
        &["convert", "--to", "ecs", "-"],
        Some("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"),
    );
    assert_eq!(empty.code, 2, "nothing to convert: {}", empty.stderr);
}

// --- botocore ---

#[test]
fn ecs_outputs_pass_botocore_param_validation() {
    let Some(python) = python_with_botocore() else {
        eprintln!("no Python with botocore: botocore check skipped (set K2E_PYTHON)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    for name in K8S_FIXTURES {
        let text = read(&format!("k8s/{name}.yaml"));
        for launch in [LaunchType::Fargate, LaunchType::Ec2] {
            let mut o = opts(To::Ecs);
            o.launch_type = launch;
            o.probe_command = Some(k2e::convert::ProbeTool::Curl);
            for out in convert_texts(&[(&format!("{name}.yaml"), &text)], &o).outputs {
                std::fs::write(dir.path().join(format!("{launch:?}-{}", out.file)), out.text).unwrap();
                n += 1;
            }
        }
    }
    // And the ECS fixtures after a trip through Kubernetes.
    for files in [
        &["orders.json", "orders-service.json"][..],
        &["worker-describe.json"],
        &["containers.json"],
        &["node-exporter.json", "node-exporter-service.json"],
    ] {
        let contents: Vec<String> = files.iter().map(|f| read(&format!("ecs/{f}"))).collect();
        let texts: Vec<(&str, &str)> = files.iter().copied().zip(contents.iter().map(String::as_str)).collect();
        let k8s = convert_texts(&texts, &opts(To::K8s));
        let yaml: Vec<(&str, &str)> = k8s.outputs.iter().map(|o| (o.file.as_str(), o.text.as_str())).collect();
        for launch in [LaunchType::Fargate, LaunchType::Ec2] {
            let mut o = opts(To::Ecs);
            o.launch_type = launch;
            for out in convert_texts(&yaml, &o).outputs {
                std::fs::write(dir.path().join(format!("back-{launch:?}-{}", out.file)), out.text).unwrap();
                n += 1;
            }
        }
    }
    assert_botocore_valid(&python, dir.path(), n);
}

fn assert_botocore_valid(python: &str, dir: &Path, n: usize) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check-ecs-botocore");
    let out = Command::new(python).arg(script).arg(dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("{n} file(s), {n} valid")), "{stdout}");
}

// --- the public corpus ---

/// Every file of a corpus folder, as (relative name, text).
fn corpus_files(root: &Path, sub: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![root.join(sub)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                files.push((rel, text));
            }
        }
    }
    files.sort();
    files
}

/// Every leaf of every Kubernetes workload and ECS task definition in the corpus is accounted
/// for, converting each file on its own; every output passes k2e lint; and the share of
/// documents that convert there and back with every mapped field intact is printed.
#[test]
#[cfg_attr(not(k2e_corpus), ignore = "needs K2E_CORPUS, the public corpus folder (see README)")]
fn corpus_no_silent_drop_valid_outputs_and_round_trips() {
    let Some(root) = corpus() else {
        eprintln!("K2E_CORPUS not set: convert corpus test skipped");
        return;
    };
    for (sub, to) in [("k8s", To::Ecs), ("ecs", To::K8s)] {
        let files = corpus_files(&root, sub);
        let o = opts(to);
        let out_dir = tempfile::tempdir().unwrap();
        let (mut objects, mut trips, mut written) = (0, Vec::new(), 0);
        for (name, text) in &files {
            let texts = [(name.as_str(), text.as_str())];
            let run = convert_texts(&texts, &o);
            assert_accounted(&texts, &run);
            objects += run.objects.len();
            for out in run.outputs.iter().filter(|o| LINTED.contains(&o.role)) {
                let file = format!("{written:05}-{}", out.file);
                std::fs::write(out_dir.path().join(file), &out.text).unwrap();
                written += 1;
            }
            trips.extend(if to == To::Ecs {
                audit::k8s_round_trip(&texts, &o)
            } else {
                audit::ecs_round_trip(&texts, &o)
            });
        }
        let target = if to == To::Ecs {
            Target::EcsFargate
        } else {
            Target::Auto
        };
        let errors = lint_dir(out_dir.path(), target);
        assert!(
            errors.is_empty(),
            "corpus {sub} outputs fail k2e lint:\n{}",
            errors.join("\n")
        );
        let converted: Vec<&RoundTrip> = trips.iter().filter(|t| t.converted).collect();
        let intact = converted.iter().filter(|t| t.mismatches.is_empty()).count();
        let lossless = converted
            .iter()
            .filter(|t| t.mismatches.is_empty() && t.lossless)
            .count();
        let share = |n: usize| 100.0 * n as f64 / trips.len().max(1) as f64;
        eprintln!(
            "corpus {sub}: {} files, {objects} objects accounted for, {written} outputs valid; round trip: {} documents, {} converted, {intact} with every mapped field intact ({:.1}%), {lossless} lossless ({:.1}%)",
            files.len(),
            trips.len(),
            converted.len(),
            share(intact),
            share(lossless)
        );
        let broken: Vec<String> = converted
            .iter()
            .filter(|t| !t.mismatches.is_empty())
            .map(|t| format!("{} {}: {:?}", t.file, t.object, t.mismatches))
            .collect();
        assert!(
            broken.is_empty(),
            "mapped fields changed on the round trip:\n{}",
            broken.join("\n")
        );
    }
}

#[test]
fn a_custom_resource_named_deployment_is_skipped_not_converted() {
    let text = "apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: app:1}]\n";
    let run = convert_texts(&[("crd.yaml", text)], &opts(To::Ecs));
    assert!(run.outputs.is_empty(), "{}", outputs_text(&run));
    assert!(run.objects.is_empty());
    assert_eq!(run.skipped.len(), 1);
    assert_eq!(
        run.skipped[0].reason,
        "example.com/v1 Deployment/web is a custom resource, not a Kubernetes workload: not converted"
    );
    // The built-in one still converts.
    let apps = text.replace("example.com/v1", "apps/v1");
    let run = convert_texts(&[("deployment.yaml", &apps)], &opts(To::Ecs));
    assert!(!run.outputs.is_empty());
    assert!(run.skipped.is_empty());
}
