//! Runs the k2e binary the way users do and snapshots what they see (snapshots/).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn k2e_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_k2e"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("k2e binary runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("piped")
            .write_all(input)
            .expect("stdin accepts input");
    }
    let out = child.wait_with_output().expect("k2e finishes");
    Run {
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        code: out.status.code().expect("exited normally"),
    }
}

/// Lints in tests/fixtures with no config file, whatever lies above the checkout.
fn lint(args: &[&str]) -> Run {
    let mut all = vec!["lint", "--color", "never", "--no-config"];
    all.extend_from_slice(args);
    k2e_in(&fixtures(), &all, None)
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

/// Human and JSON output of one lint run, snapshotted together with the exit code.
fn snapshot(name: &str, args: &[&str], expected_code: i32) {
    let human = lint(args);
    let mut json_args = vec!["--format", "json"];
    json_args.extend_from_slice(args);
    let json = lint(&json_args);
    assert_eq!(
        human.code, expected_code,
        "exit code of {args:?}\n{}{}",
        human.stdout, human.stderr
    );
    assert_eq!(json.code, expected_code, "JSON run exits like the human one");
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("--format json prints JSON");
    settings().bind(|| {
        insta::assert_snapshot!(
            format!("{name}-human"),
            format!("exit code: {}\n{}", human.code, human.stdout)
        );
        insta::assert_json_snapshot!(format!("{name}-json"), parsed);
    });
}

#[test]
fn valid_files_pass() {
    snapshot("valid", &["valid"], 0);
}

#[test]
fn valid_skipped_documents_are_listed_when_verbose() {
    let run = lint(&["--verbose", "valid/not-kubernetes.yaml"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .contains("skipped valid/not-kubernetes.yaml:2: no apiVersion/kind"),
        "{}",
        run.stdout
    );
}

#[test]
fn every_kind_of_kubernetes_schema_error() {
    snapshot("kubernetes-schema-errors", &["invalid/every-schema-error.yaml"], 1);
}

#[test]
fn every_kind_of_ecs_schema_error() {
    snapshot("ecs-schema-errors", &["invalid/task-definition.json"], 1);
}

#[test]
fn syntax_error_in_one_document_does_not_hide_the_others() {
    snapshot("malformed-stream", &["bad/malformed.yaml"], 2);
    let run = lint(&["--format", "json", "bad/malformed.yaml"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    // Document 3 holds an error after the broken document 2: it was still checked.
    let rules: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].clone(), f["line"].clone()))
        .collect();
    assert!(rules.contains(&("YML001".into(), 10.into())), "{rules:?}");
    assert!(rules.contains(&("K8S002".into(), 16.into())), "{rules:?}");
}

#[test]
fn bad_inputs_in_fixtures() {
    snapshot("helm-template", &["bad/helm-template.yaml"], 2);
    snapshot("duplicate-keys", &["bad/duplicate-keys.yaml"], 2);
    snapshot("billion-laughs", &["bad/billion-laughs.yaml"], 2);
    snapshot("json-with-comments", &["bad/json-with-comments.json"], 2);
    snapshot("json-template", &["bad/json-template.json"], 2);
    snapshot("crlf", &["bad/crlf-with-error.yaml"], 1);
    snapshot("bom", &["bad/bom-with-error.yaml"], 1);
}

#[test]
fn missing_path_is_reported_and_the_rest_still_checked() {
    snapshot(
        "missing-path",
        &["does-not-exist.yaml", "invalid/task-definition.json"],
        2,
    );
}

#[test]
fn generated_bad_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    std::fs::write(
        p.join("deep.yaml"),
        format!("apiVersion: v1\nkind: ConfigMap\ndata: {deep}\n"),
    )
    .unwrap();
    std::fs::write(p.join("deep.json"), format!("{{\"a\": {deep}}}")).unwrap();
    let mut binary = b"apiVersion: v1\n".to_vec();
    binary.extend_from_slice(&[0, 159, 146, 150, 0, 1, 2]);
    std::fs::write(p.join("binary.yaml"), binary).unwrap();
    std::fs::write(
        p.join("latin1.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n",
    )
    .unwrap();
    // 200 MB without writing 200 MB: a sparse file. k2e must refuse it from its size alone.
    let big = std::fs::File::create(p.join("huge.yaml")).unwrap();
    big.set_len(200 * 1024 * 1024).unwrap();
    std::fs::write(
        p.join("ok.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fine\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        std::fs::create_dir(p.join("loop")).unwrap();
        std::os::unix::fs::symlink("..", p.join("loop/back")).unwrap();
    }
    let started = std::time::Instant::now();
    let run = k2e_in(p, &["lint", "--color", "never", "."], None);
    assert!(started.elapsed().as_secs() < 20, "the 200 MB file must not be read");
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.is_empty(), "nothing on stderr: {}", run.stderr);
    settings().bind(|| insta::assert_snapshot!("generated-bad-inputs", run.stdout));
}

#[test]
fn stdin_yaml_and_json() {
    let yaml = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  n: 1\n";
    let run = k2e_in(&fixtures(), &["lint", "--color", "never", "-"], Some(yaml));
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("<stdin>:6:6"), "{}", run.stdout);
    let json = br#"{"family": "x", "containerDefinitions": [{"name": "a"}]}"#;
    let run = k2e_in(&fixtures(), &["lint", "--format", "json", "-"], Some(json));
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("\"rule\": \"ECS003\""), "{}", run.stdout);
}

#[test]
fn fail_on_and_exit_codes() {
    // The ServiceMonitor has no schema: an info finding only.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("crd.yaml"),
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: m\n",
    )
    .unwrap();
    assert_eq!(k2e_in(dir.path(), &["lint", "crd.yaml"], None).code, 0);
    assert_eq!(
        k2e_in(dir.path(), &["lint", "--fail-on", "info", "crd.yaml"], None).code,
        1
    );
    assert_eq!(
        k2e_in(dir.path(), &["lint", "--format", "yaml"], None).code,
        2,
        "usage error"
    );
    let run = k2e_in(dir.path(), &["lint", "--kubernetes-version", "1.20"], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("available: 1.30, 1.31, 1.32, 1.33, 1.34, 1.35, 1.36, 1.37"),
        "{}",
        run.stderr
    );
}

#[test]
fn kubernetes_versions_are_selectable() {
    for v in ["1.30", "1.33", "1.34", "1.35", "1.36", "1.37", "v1.30.0", "v1.37.0"] {
        let run = lint(&["--kubernetes-version", v, "valid/deployment-and-service.yaml"]);
        assert_eq!(run.code, 0, "{v}: {}", run.stdout);
    }
}

#[test]
fn schema_dir_validates_custom_resources() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = dir.path().join("schemas");
    std::fs::create_dir(&schemas).unwrap();
    std::fs::write(
        schemas.join("servicemonitor-monitoring-v1.json"),
        r#"{"type": "object", "properties": {"apiVersion": {}, "kind": {}, "metadata": {},
            "spec": {"type": "object", "properties": {"endpoints": {"type": "array"}}, "additionalProperties": false}},
            "additionalProperties": false}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sm.yaml"),
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: m\nspec:\n  endpoint: []\n",
    )
    .unwrap();
    let run = k2e_in(
        dir.path(),
        &["lint", "--color", "never", "--schema-dir", "schemas", "sm.yaml"],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("K8S001 unknown field \"endpoint\""),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("did you mean \"endpoints\"?"), "{}", run.stdout);
}

#[test]
fn gitignore_is_honoured_unless_no_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join(".git")).unwrap();
    std::fs::write(p.join(".gitignore"), "generated/\n").unwrap();
    std::fs::create_dir(p.join("generated")).unwrap();
    std::fs::write(
        p.join("generated/bad.yaml"),
        "apiVersion: v1\nkind: ConfigMap\ndata: {n: 1}\n",
    )
    .unwrap();
    std::fs::write(p.join("notes.txt"), "not a manifest").unwrap();
    assert_eq!(k2e_in(p, &["lint", "."], None).code, 0);
    assert_eq!(k2e_in(p, &["lint", "--no-ignore", "."], None).code, 1);
}

#[test]
fn output_is_deterministic_across_thread_counts() {
    let one = lint(&["--format", "json", "-j", "1", "."]);
    let many = lint(&["--format", "json", "-j", "4", "."]);
    assert_eq!(one.stdout, many.stdout);
}

#[test]
fn help_documents_exit_codes() {
    let run = k2e_in(&fixtures(), &["lint", "--help"], None);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("Exit codes:"), "{}", run.stdout);
    let run = k2e_in(&fixtures(), &["--version"], None);
    assert!(run.stdout.starts_with("k2e "), "{}", run.stdout);
}

#[test]
fn rules_and_explain_come_from_the_rule_files() {
    let run = k2e_in(&fixtures(), &["rules"], None);
    assert_eq!(run.code, 0);
    let explain = k2e_in(&fixtures(), &["explain", "fg001"], None);
    assert_eq!(explain.code, 0);
    assert!(explain.stdout.contains("Facts as of 2026-08-07"), "{}", explain.stdout);
    assert_eq!(k2e_in(&fixtures(), &["explain", "NOPE1"], None).code, 2);
    settings().bind(|| {
        insta::assert_snapshot!("rules-table", run.stdout);
        insta::assert_snapshot!("explain-fg001", explain.stdout);
    });
}

#[test]
fn fargate_rules_follow_the_target_and_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    // No requiresCompatibilities: auto does not assume Fargate.
    std::fs::write(
        dir.path().join("task.json"),
        r#"{"family": "web", "networkMode": "bridge", "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memory": 256}]}"#,
    )
    .unwrap();
    let code = |args: &[&str]| k2e_in(dir.path(), args, None).code;
    assert_eq!(code(&["lint", "task.json"]), 0);
    assert_eq!(code(&["lint", "--target", "ecs-fargate", "task.json"]), 1);
    assert_eq!(
        code(&["lint", "--target", "ecs-fargate", "--ignore", "FG", "task.json"]),
        0
    );
    assert_eq!(
        code(&["lint", "--target", "ecs-fargate", "--select", "FG003", "task.json"]),
        1
    );
    assert_eq!(
        code(&["lint", "--target", "ecs-fargate", "--select", "K8S", "task.json"]),
        0
    );
    let run = k2e_in(dir.path(), &["lint", "--select", "XYZ", "task.json"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no rule id starts with it"), "{}", run.stderr);
    let run = k2e_in(
        dir.path(),
        &["lint", "--color", "never", "--target", "ecs-fargate", "task.json"],
        None,
    );
    settings().bind(|| insta::assert_snapshot!("fargate-forced-target", run.stdout));
}

#[test]
fn suppressions_need_a_reason_and_are_reported_when_stale() {
    snapshot(
        "suppressions",
        &["--target", "eks-fargate", "invalid/suppressions.yaml"],
        1,
    );
}

/// A project with a .k2e.yaml: exclude, severity overrides, config suppressions (used, unused,
/// expired), Fargate profiles; linted whole and file by file as pre-commit does.
#[test]
fn config_file_drives_target_profiles_suppressions_and_severities() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        ".k2e.yaml",
        "target: eks-fargate
kubernetes-version: \"1.35\"
ignore: [FG110]
severity:
  K8S0: info
exclude: [legacy]
suppressions:
  - rules: [FG101]
    objects: [DaemonSet/log-*]
    reason: the log agent runs on the EC2 node group
  - rules: [FG103]
    paths: [apps]
    reason: nothing in apps uses hostNetwork any more
  - rules: [FG102]
    reason: temporary, until the agent drops privileged
    until: 2026-01-31
fargate-profiles:
  - name: apps
    selectors:
      - namespace: apps
",
    );
    let pod = |ns: &str, name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext: {{privileged: true}}\n"
        )
    };
    write("apps/web.yaml", &pod("apps", "web"));
    write("batch/job.yaml", &pod("batch", "nightly"));
    write(
        "agents/log.yaml",
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: log-agent\n  namespace: apps\nspec:\n  selector: {matchLabels: {app: log}}\n  template:\n    metadata: {labels: {app: log}}\n    spec:\n      containers: [{name: agent, image: \"fluent-bit:3.2\"}]\n",
    );
    write("legacy/broken.yaml", "this: is: not yaml\n");
    let run = |args: &[&str]| {
        let mut all = vec!["lint", "--color", "never"];
        all.extend_from_slice(args);
        let r = k2e_in(dir.path(), &all, None);
        format!("exit {}\n--- stdout\n{}--- stderr\n{}", r.code, r.stdout, r.stderr)
    };
    let whole = run(&["."]);
    let one_file = run(&["apps/web.yaml", "legacy/broken.yaml"]);
    let json = run(&["--format", "json", "."]);
    settings().bind(|| {
        insta::assert_snapshot!("config-whole-project", whole);
        insta::assert_snapshot!("config-pre-commit-files", one_file);
        insta::assert_snapshot!("config-json", json);
    });
}

#[test]
fn bad_config_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".k2e.yaml"),
        "target: fargate\nsuppressions:\n  - rules: [FG101]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("x.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n",
    )
    .unwrap();
    let r = k2e_in(dir.path(), &["lint", "x.yaml"], None);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "k2e: bad config:\n.k2e.yaml:1:9: /target: \"fargate\" is not one of \"auto\", \"ecs-fargate\", \"ecs-ec2\", \"eks-fargate\", \"eks-ec2\"\n.k2e.yaml:3:5: /suppressions/0: \"reason\" is a required property\n"
    );
    let r = k2e_in(dir.path(), &["lint", "--no-config", "x.yaml"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = k2e_in(dir.path(), &["lint", "--config", "missing.yaml", "x.yaml"], None);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("missing.yaml: no such file or directory"),
        "{}",
        r.stderr
    );
}

/// `helm template` output on stdin: each finding names its template as well as its stream
/// position (fixture written for this repository, shaped like helm's output).
#[test]
fn rendered_helm_output_names_each_template() {
    let text = std::fs::read(fixtures().join("rendered/helm-template.yaml")).unwrap();
    let human = k2e_in(
        &fixtures(),
        &["lint", "--no-config", "--color", "never", "-"],
        Some(&text),
    );
    let json = k2e_in(
        &fixtures(),
        &["lint", "--no-config", "--format", "json", "-"],
        Some(&text),
    );
    assert_eq!(human.code, 1, "{}", human.stderr);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let sources: Vec<(String, u64, String)> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["source"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        sources,
        [
            ("K8S001".to_owned(), 18, "shop/templates/service.yaml".to_owned()),
            ("K8S020".to_owned(), 40, "shop/templates/deployment.yaml".to_owned()),
        ]
    );
    settings().bind(|| insta::assert_snapshot!("helm-rendered-human", human.stdout));
}

/// Several reports from one run: the terminal gets one format, files get others, each file
/// written whole (parent folders created).
#[test]
fn several_outputs_from_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("reports/k2e.json");
    let compact_path = dir.path().join("k2e.txt");
    let json_arg = format!("json={}", json_path.display());
    let compact_arg = format!("compact={}", compact_path.display());
    let args = [
        "--format",
        "github",
        "--output",
        json_arg.as_str(),
        "--output",
        compact_arg.as_str(),
        "invalid/every-schema-error.yaml",
    ];
    let run = lint(&args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.starts_with("::"), "{}", run.stdout);
    let alone = lint(&["--format", "json", "invalid/every-schema-error.yaml"]);
    assert_eq!(std::fs::read_to_string(&json_path).unwrap(), alone.stdout);
    let compact = lint(&["--format", "compact", "invalid/every-schema-error.yaml"]);
    assert_eq!(std::fs::read_to_string(&compact_path).unwrap(), compact.stdout);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("reports")).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");

    let bad = lint(&["--output", "yaml=x", "valid"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("\"yaml\" is not a format"), "{}", bad.stderr);
    let unwritable = format!("json={}", dir.path().join("k2e.txt/inside.json").display());
    let run = lint(&["--output", unwritable.as_str(), "valid"]);
    assert_eq!(run.code, 2, "a report that cannot be written is an error");
    assert!(run.stderr.contains("cannot write"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&compact_path).unwrap(),
        compact.stdout,
        "a failed write leaves other files alone"
    );
}

#[test]
fn completions_and_man_pages_come_from_the_cli_definition() {
    for shell in ["bash", "zsh", "fish"] {
        let run = k2e_in(&fixtures(), &["completions", shell], None);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for word in ["lint", "target", "eks-fargate", "output", "completions"] {
            assert!(run.stdout.contains(word), "{shell} completion lacks {word}");
        }
    }
    let man = k2e_in(&fixtures(), &["man"], None);
    assert!(
        man.stdout.starts_with(".ie") && man.stdout.contains(".TH k2e 1"),
        "{}",
        man.stdout
    );
    assert!(man.stdout.contains("k2e\\-lint(1)"));
    let lint_page = k2e_in(&fixtures(), &["man", "lint"], None);
    assert!(lint_page.stdout.contains(".TH k2e-lint 1"), "{}", lint_page.stdout);
    assert!(lint_page.stdout.contains("\\-\\-output"));
    assert_eq!(k2e_in(&fixtures(), &["man", "nope"], None).code, 2);
}

/// Runs a copy of the binary as user nobody with at most one process, so no thread can be
/// created (RLIMIT_NPROC binds only users other than root); `None` when this machine cannot.
fn k2e_without_threads(dir: &Path, args: &[&str]) -> Option<Run> {
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: running as another user with a process limit needs root");
        return None;
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("skipped: setpriv (util-linux) is not installed");
        return None;
    }
    let binary = dir.join("k2e");
    if !binary.exists() {
        std::fs::copy(env!("CARGO_BIN_EXE_k2e"), &binary).unwrap();
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // A child forked by another test thread while the copy was open for writing can hold that
    // descriptor until it execs, and exec then fails with "Text file busy": try again.
    for _ in 0..50 {
        let out = run_as_nobody_without_threads(dir, &binary, args);
        if !(out.status.code() == Some(126) && String::from_utf8_lossy(&out.stderr).contains("Text file busy")) {
            return Some(Run {
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                code: out.status.code().unwrap_or(-1),
            });
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("{} stayed busy (Text file busy) for 5 s", binary.display());
}

fn run_as_nobody_without_threads(dir: &Path, binary: &Path, args: &[&str]) -> std::process::Output {
    let mut child = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "prlimit",
            "--nproc=1",
            "--",
        ])
        .arg(binary)
        .args(args)
        .current_dir(dir)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("setpriv runs");
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            panic!("k2e {args:?} without threads still runs after 30 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// Under a process limit no worker thread can be started: every command warns, runs on one
/// thread and gives its usual result, for a directory (walked) and with -j 64.
#[test]
fn commands_run_on_one_thread_when_no_thread_can_be_started() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::set_permissions(&inputs, std::fs::Permissions::from_mode(0o755)).unwrap();
    for (from, to) in [
        ("invalid/every-schema-error.yaml", "errors.yaml"),
        ("valid/deployment-and-service.yaml", "web.yaml"),
    ] {
        let path = inputs.join(to);
        std::fs::copy(fixtures().join(from), &path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let cases: [(&[&str], i32, &str); 5] = [
        (
            &["lint", "--no-config", "--format", "compact", "in/errors.yaml"],
            1,
            "K8S0",
        ),
        (
            &["lint", "--no-config", "--format", "compact", "-j", "64", "in"],
            1,
            "K8S0",
        ),
        (
            &["lint", "--no-config", "--format", "compact", "in/web.yaml"],
            0,
            "K8S011",
        ),
        (&["convert", "--to", "ecs", "in"], 1, "\"family\": \"web\""),
        (&["estimate", "in"], 0, "Deployment/web"),
    ];
    for (args, code, expected) in cases {
        let Some(run) = k2e_without_threads(dir.path(), args) else {
            return;
        };
        assert_eq!(run.code, code, "{args:?}\n{}\n{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("worker threads") && run.stderr.contains("running on one thread"),
            "{args:?}: {}",
            run.stderr
        );
        let shown = format!("{}{}", run.stdout, run.stderr);
        assert!(shown.contains(expected), "{args:?} lacks {expected:?}:\n{shown}");
    }
}

/// A broken schema in --schema-dir is an input problem at the schema file (K2E020, exit 2); the
/// custom resource falls back to the next schema for its kind, or to "no schema".
#[test]
fn broken_user_schema_is_reported_at_the_schema_file() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = dir.path().join("schemas");
    std::fs::create_dir(&schemas).unwrap();
    let broken = schemas.join("servicemonitor-monitoring-v1.json");
    std::fs::write(
        &broken,
        "{\"type\": \"object\",\n  \"properties\": {\"spec\": {\"type\": \"strin\"}}}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sm.yaml"),
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: m\nspec:\n  endpoint: []\n",
    )
    .unwrap();
    let args = [
        "lint",
        "--no-config",
        "--format",
        "compact",
        "--schema-dir",
        "schemas",
        "sm.yaml",
    ];
    let run = k2e_in(dir.path(), &args, None);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout.lines().take(2).collect::<Vec<_>>(),
        [
            "schemas/servicemonitor-monitoring-v1.json:2:35: error K2E020 schema file schemas/servicemonitor-monitoring-v1.json is not a valid JSON schema: at /properties/spec/type: \"strin\" is not a type; use array, boolean, integer, null, number, object or string",
            "sm.yaml:2:7: info K8S005 no schema for monitoring.coreos.com/v1 ServiceMonitor; not validated",
        ],
        "{}",
        run.stdout
    );

    std::fs::write(&broken, "{\"type\": \"object\",\n  \"properties\": {,}}\n").unwrap();
    let run = k2e_in(dir.path(), &args, None);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.starts_with(
            "schemas/servicemonitor-monitoring-v1.json:2:18: error K2E020 schema file schemas/servicemonitor-monitoring-v1.json is not valid JSON"
        ),
        "{}",
        run.stdout
    );

    // Another schema for the same kind still checks the object.
    std::fs::write(
        schemas.join("servicemonitor_v1.json"),
        r#"{"type": "object", "properties": {"apiVersion": {}, "kind": {}, "metadata": {},
            "spec": {"type": "object", "properties": {"endpoints": {"type": "array"}}, "additionalProperties": false}},
            "additionalProperties": false}"#,
    )
    .unwrap();
    let run = k2e_in(dir.path(), &args, None);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("K8S001 unknown field \"endpoint\""),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("K8S005"), "{}", run.stdout);
}

/// Numbers the API server refuses: out of JSON's range (reported as written, never as "inf"),
/// outside the int32/int64 of the schema's format, or negative counts (K8S032).
#[test]
fn numbers_the_api_server_refuses_are_reported_as_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.json"),
        r#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"},
 "spec": {"replicas": 1e400, "selector": {"matchLabels": {"a": "b"}},
  "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "a", "image": "x:1"}]}}}}
"#,
    )
    .unwrap();
    let deployment = |spec: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: a}}\nspec:\n{spec}  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata: {{labels: {{a: b}}}}\n    spec:\n      containers: [{{name: a, image: \"x:1\"}}]\n"
        )
    };
    std::fs::write(
        dir.path().join("big.yaml"),
        deployment("  replicas: 2147483648\n  minReadySeconds: 1e20\n  progressDeadlineSeconds: .inf\n  revisionHistoryLimit: 1e400\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("negative.yaml"),
        deployment("  replicas: -5\n  minReadySeconds: -1\n  revisionHistoryLimit: -2\n"),
    )
    .unwrap();
    let run = k2e_in(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--format",
            "compact",
            "--select",
            "K8S0,K8S032",
            "--ignore",
            "K8S01",
            ".",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("inf\""), "{}", run.stdout);
    assert_eq!(
        run.stdout.lines().collect::<Vec<_>>(),
        [
            "big.yaml:5:13: error K8S004 \"replicas\": 2147483648 is out of range for int32 (-2147483648 to 2147483647); the API server cannot decode it",
            "big.yaml:6:20: error K8S004 \"minReadySeconds\": 1e20 is out of range for int32 (-2147483648 to 2147483647); the API server cannot decode it",
            "big.yaml:7:28: error K8S004 .inf is infinite, which JSON cannot carry; the API refuses it",
            "big.yaml:8:25: error K8S004 1e400 is out of range for a number",
            "d.json:2:23: error K8S004 1e400 is out of range for a number",
            "negative.yaml:5:13: error K8S032 spec.replicas: Invalid value: -5: must be greater than or equal to 0",
            "negative.yaml:6:20: error K8S032 spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
            "negative.yaml:7:25: error K8S032 spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0",
        ],
        "{}",
        run.stdout
    );
}

/// `--output FORMAT=-` would write a file named `-`: refused, since standard output already
/// gets the --format report.
#[test]
fn output_to_dash_is_refused() {
    let run = lint(&["--output", "sarif=-", "valid"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("standard output already gets the --format report; use --format sarif"),
        "{}",
        run.stderr
    );
    assert!(!fixtures().join("-").exists(), "no file named -");
}

/// Reports and converted files get 0666 less the umask, as any other new file, and a replaced
/// file keeps its mode.
#[test]
fn written_files_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let deployment = fixtures().join("valid/deployment-and-service.yaml");
    let deployment = deployment.to_str().unwrap();
    for (umask, expected) in [("022", 0o644), ("077", 0o600)] {
        let out = dir.path().join(umask);
        let report = out.join("k2e.json");
        let output_arg = format!("json={}", report.display());
        let converted = out.join("ecs");
        let run = |args: &[&str]| {
            let status = Command::new("sh")
                .arg("-c")
                .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
                .arg(env!("CARGO_BIN_EXE_k2e"))
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .unwrap();
            assert!(status.code().is_some_and(|c| c < 2), "{args:?}: {status}");
        };
        run(&["lint", "--no-config", "--output", &output_arg, deployment]);
        run(&["convert", "--to", "ecs", "-o", converted.to_str().unwrap(), deployment]);
        assert_eq!(mode(&report), expected, "--output with umask {umask}");
        let written: Vec<_> = std::fs::read_dir(&converted)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(!written.is_empty());
        for path in written {
            assert_eq!(mode(&path), expected, "{} with umask {umask}", path.display());
        }
    }
    let report = dir.path().join("022/k2e.json");
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o640)).unwrap();
    let output_arg = format!("json={}", report.display());
    let run = k2e_in(
        dir.path(),
        &["lint", "--no-config", "--output", &output_arg, deployment],
        None,
    );
    assert!(run.code < 2, "{}", run.stderr);
    assert_eq!(mode(&report), 0o640, "a replaced report keeps its mode");
}

/// What the man pages advertise works: `-V` on every subcommand, and a page for every
/// subcommand k2e(1) lists, `help` included.
#[test]
fn man_pages_and_the_commands_agree() {
    for sub in ["lint", "convert", "estimate", "rules", "explain"] {
        let run = k2e_in(&fixtures(), &[sub, "-V"], None);
        assert_eq!(run.code, 0, "{sub} -V: {}", run.stderr);
        assert!(
            run.stdout.contains(env!("CARGO_PKG_VERSION")),
            "{sub} -V: {}",
            run.stdout
        );
        let page = k2e_in(&fixtures(), &["man", sub], None);
        assert!(page.stdout.contains("\\-\\-version"), "k2e-{sub}(1) lists -V");
    }
    let main = k2e_in(&fixtures(), &["man"], None).stdout;
    let listed: Vec<&str> = main
        .split("k2e\\-")
        .skip(1)
        .filter_map(|rest| rest.split_once("(1)").map(|(name, _)| name))
        .collect();
    assert!(listed.contains(&"help") && listed.contains(&"lint"), "{listed:?}");
    for name in listed {
        let page = k2e_in(&fixtures(), &["man", name], None);
        assert_eq!(page.code, 0, "k2e man {name}: {}", page.stderr);
        assert!(page.stdout.contains(&format!(".TH k2e-{name} 1")), "k2e man {name}");
    }
}

/// Each command's --help gives every exit code it can return.
#[test]
fn help_gives_every_exit_code() {
    for sub in ["lint", "convert", "estimate"] {
        let run = k2e_in(&fixtures(), &[sub, "--help"], None);
        assert_eq!(run.code, 0);
        let (_, codes) = run.stdout.split_once("Exit codes:").expect("an exit code section");
        for code in ["0", "1", "2"] {
            assert!(
                codes.contains(&format!("\n  {code}  ")),
                "{sub} --help lacks exit code {code}:{codes}"
            );
        }
    }
}

/// An empty List item at the very end of the input (no newline after it) is reported at the
/// item, inside the input: the mutation test found a span one byte past the end.
#[test]
fn an_empty_list_item_at_the_end_is_reported_inside_the_input() {
    let text = b"apiVersion: v1\nkind: List\nitems:\n  - #apiVersion";
    let run = k2e_in(&fixtures(), &["lint", "--format", "json", "-"], Some(text));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "K8S003");
    assert_eq!(finding["line"], 4);
    let end = finding["offset"].as_u64().unwrap() + finding["length"].as_u64().unwrap();
    assert!(end <= text.len() as u64, "{finding}");
}
