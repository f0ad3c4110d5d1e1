//! ECS -> Kubernetes defects of issue 15, one fixture each (tests/fixtures/convert/ecs-defects):
//! the task size on clusters without pod-level resources, non-essential containers placed by
//! their dependencies, read-only EFS mounts, SSM parameters as Secrets, selectors without
//! version labels; and the outputs checked by `kubernetes-validate --strict` on 1.30 when it is
//! installed.

use k2e::convert::loss::{Fate, Note};
use k2e::convert::outcome::Conversion;
use k2e::convert::{Options, To, convert_texts, input};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURES: &[&str] = &[
    "efs-read-only.json",
    "ssm-secrets.json",
    "versioned-labels.json",
    "only-version-labels.json",
    "helpers.json",
    "task-size.json",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/convert/ecs-defects")
}

fn convert_at(file: &str, version: (u64, u64)) -> Conversion {
    let text = std::fs::read_to_string(fixtures().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut o = Options::new(To::K8s);
    o.kubernetes_version = version;
    let run = convert_texts(&[(file, &text)], &o);
    assert!(run.errors.is_empty(), "{file}: {:?}", run.errors);
    assert_eq!(run.outputs.len(), 1, "{file}");
    run
}

fn convert(file: &str) -> Conversion {
    convert_at(file, (1, 30))
}

/// The YAML documents of the only output, as JSON.
fn documents(run: &Conversion) -> Vec<Value> {
    let out = &run.outputs[0];
    let (source, errors) = input::parse_bytes(&out.file, out.text.as_bytes(), false);
    assert!(errors.is_empty(), "{errors:?}");
    source
        .documents
        .iter()
        .filter_map(|d| d.root.as_ref().map(|r| r.to_json()))
        .collect()
}

fn of_kind<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {docs:#?}"))
}

fn note<'a>(run: &'a Conversion, path: &str) -> &'a Note {
    run.objects
        .iter()
        .flat_map(|o| &o.fields)
        .find(|n| n.path == path)
        .unwrap_or_else(|| panic!("no note at {path}"))
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .map(|a| a.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default()
}

#[test]
fn read_only_efs_mount_stays_read_only_without_efs() {
    let run = convert("efs-read-only.json");
    let docs = documents(&run);
    let mounts = &of_kind(&docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]["volumeMounts"];
    assert_eq!(mounts[0]["mountPath"], "/data");
    assert_eq!(mounts[0]["readOnly"], true, "{mounts:#}");
    assert_ne!(mounts[1]["readOnly"], true, "{mounts:#}");
    let ro = note(&run, "/containerDefinitions/0/mountPoints/0/readOnly");
    assert_eq!(ro.fate, Fate::Mapped);
}

#[test]
fn ssm_parameters_become_secret_references() {
    let run = convert("ssm-secrets.json");
    let docs = documents(&run);
    let env = &of_kind(&docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]["env"];
    let by_name = |n: &str| {
        env.as_array()
            .and_then(|a| a.iter().find(|e| e["name"] == n))
            .unwrap_or_else(|| panic!("no {n} in {env:#}"))
    };
    for secret in ["DB_PASSWORD", "API_TOKEN"] {
        let from = &by_name(secret)["valueFrom"];
        assert!(from.get("secretKeyRef").is_some(), "{secret}: {from:#}");
    }
    assert_eq!(
        by_name("DB_PASSWORD")["valueFrom"]["secretKeyRef"],
        json!({"name": "billing", "key": "db-password"})
    );
    // The pattern k2e itself writes for a ConfigMap key converts back to the ConfigMap.
    assert_eq!(
        by_name("LOG_LEVEL")["valueFrom"],
        json!({"configMapKeyRef": {"name": "billing-config", "key": "LOG_LEVEL"}})
    );
}

#[test]
fn selectors_leave_out_version_labels() {
    let run = convert("versioned-labels.json");
    let docs = documents(&run);
    let deployment = of_kind(&docs, "Deployment");
    let selector = &deployment["spec"]["selector"]["matchLabels"];
    assert_eq!(selector, &json!({"app": "shop", "tier": "web"}));
    let labels = &deployment["spec"]["template"]["metadata"]["labels"];
    for (k, v) in [
        ("app.kubernetes.io/version", "2.4.1"),
        ("version", "v2"),
        ("release", "2.4.1"),
    ] {
        assert_eq!(labels[k], v, "the pods keep their version labels: {labels:#}");
    }
    assert_eq!(&of_kind(&docs, "Service")["spec"]["selector"], selector);

    // Nothing but version labels: the pods get a name label to be selected by.
    let run = convert("only-version-labels.json");
    let docs = documents(&run);
    let deployment = of_kind(&docs, "Deployment");
    let selector = &deployment["spec"]["selector"]["matchLabels"];
    assert_eq!(selector, &json!({"app.kubernetes.io/name": "cart"}));
    let labels = &deployment["spec"]["template"]["metadata"]["labels"];
    assert_eq!(labels["app.kubernetes.io/name"], "cart");
    assert_eq!(labels["image-tag"], "1.7");
    assert_eq!(&of_kind(&docs, "Service")["spec"]["selector"], selector);
}

#[test]
fn non_essential_containers_follow_their_dependencies() {
    let run = convert("helpers.json");
    let docs = documents(&run);
    let spec = &of_kind(&docs, "Deployment")["spec"]["template"]["spec"];
    // proxy: others wait for it HEALTHY, it runs on: a sidecar. migrate: awaited with SUCCESS,
    // a one-shot init container after the proxy it needs.
    assert_eq!(names(&spec["initContainers"]), ["proxy", "migrate"]);
    assert_eq!(spec["initContainers"][0]["restartPolicy"], "Always");
    assert!(spec["initContainers"][1].get("restartPolicy").is_none());
    // register waits for api HEALTHY and warm-cache for nothing: neither may start before the
    // app or restart as a sidecar would.
    assert_eq!(names(&spec["containers"]), ["api", "register", "warm-cache"]);
    let wait = note(&run, "/containerDefinitions/3/dependsOn/0");
    assert_eq!(wait.fate, Fate::Dropped, "{wait:?}");
    for i in [3, 4] {
        let essential = note(&run, &format!("/containerDefinitions/{i}/essential"));
        assert_eq!(essential.fate, Fate::Approximated, "{essential:?}");
    }
}

#[test]
fn task_size_goes_to_container_limits_before_1_34() {
    for version in [(1, 30), (1, 33)] {
        let run = convert_at("task-size.json", version);
        let docs = documents(&run);
        let spec = &of_kind(&docs, "Deployment")["spec"]["template"]["spec"];
        assert!(spec.get("resources").is_none(), "{version:?}: {spec:#}");
        let limits = |list: &str, i: usize| spec[list][i]["resources"]["limits"].clone();
        // Each container its own reservation plus an equal share of the rest of the task.
        assert_eq!(limits("containers", 0), json!({"cpu": "625m", "memory": "2560Mi"}));
        assert_eq!(limits("containers", 1), json!({"cpu": "375m", "memory": "512Mi"}));
        // The init container runs before them: the whole task.
        assert_eq!(limits("initContainers", 0), json!({"cpu": "1", "memory": "3Gi"}));
        for field in ["/cpu", "/memory"] {
            let n = note(&run, field);
            assert_eq!(n.fate, Fate::Approximated, "{n:?}");
            assert!(n.reason.as_deref().unwrap_or_default().contains("1.34"), "{n:?}");
        }
    }
}

#[test]
fn task_size_is_pod_resources_from_1_34() {
    for version in [(1, 34), (1, 37)] {
        let run = convert_at("task-size.json", version);
        let docs = documents(&run);
        let spec = &of_kind(&docs, "Deployment")["spec"]["template"]["spec"];
        assert_eq!(spec["resources"], json!({"limits": {"cpu": "1", "memory": "3Gi"}}));
        assert!(spec["containers"][0]["resources"].get("limits").is_none(), "{spec:#}");
        assert_eq!(note(&run, "/cpu").fate, Fate::Mapped);
    }
}

/// `kubernetes-validate` on PATH, or in K2E_KUBERNETES_VALIDATE.
fn kubernetes_validate() -> Option<String> {
    let tool = std::env::var("K2E_KUBERNETES_VALIDATE").unwrap_or_else(|_| "kubernetes-validate".into());
    let ok = Command::new(&tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(tool)
}

#[test]
fn outputs_pass_kubernetes_validate_strict_on_1_30() {
    let Some(tool) = kubernetes_validate() else {
        eprintln!("kubernetes-validate not installed: check skipped (pip install kubernetes-validate)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for fixture in FIXTURES {
        let run = convert(fixture);
        let path = dir.path().join(&run.outputs[0].file);
        std::fs::write(&path, &run.outputs[0].text).unwrap();
        files.push(path);
    }
    for version in ["1.30.0", "1.37.0"] {
        let run = Command::new(&tool)
            .args(["--strict", "--quiet", "--no-warn", "-k", version])
            .args(&files)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{version}:\n{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
    }
}

#[test]
fn every_field_is_accounted_for() {
    for fixture in FIXTURES {
        let text = std::fs::read_to_string(fixtures().join(fixture)).unwrap();
        let (source, _) = input::parse_bytes(fixture, text.as_bytes(), true);
        let run = convert(fixture);
        let missing = k2e::convert::audit::unaccounted(&[source], &run);
        assert!(
            missing.is_empty(),
            "{fixture}: fields dropped silently:\n{}",
            missing.join("\n")
        );
    }
}
