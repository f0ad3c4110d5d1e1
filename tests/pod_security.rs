//! The Pod Security Standards through the binary: the level a Namespace among the inputs enforces
//! with its labels, the default level (`--pod-security`, `pod-security:` in .k2e.yaml), versions,
//! and exit codes.

mod common;

use common::run::{Run, k2e_in};
use serde_json::Value;
use std::path::Path;

const NAMESPACE: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n";

/// A Deployment in `namespace` (none: no metadata.namespace) whose container has `sc` (YAML
/// lines indented for a container's securityContext) and a liveness probe with a host.
fn deployment(namespace: Option<&str>, sc: &str) -> String {
    let ns = namespace.map_or(String::new(), |n| format!("  namespace: {n}\n"));
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n{ns}spec:\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.3\n          livenessProbe:\n            httpGet: {{host: 10.0.0.1, path: /, port: 80}}\n          securityContext:\n{sc}"
    )
}

const PRIVILEGED: &str = "            privileged: true\n";
const ROOT_USER: &str = "            runAsUser: 0\n";

fn lint(dir: &Path, args: &[&str]) -> (Run, Vec<Value>) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend(args);
    all.push(".");
    let run = k2e_in(dir, &all);
    let json: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    (run, findings)
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// (rule, severity) of the PSS findings, sorted.
fn pss(findings: &[Value]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = findings
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("PSS")))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn rules(findings: &[Value]) -> Vec<String> {
    pss(findings).into_iter().map(|(r, _)| r).collect()
}

fn message<'a>(findings: &'a [Value], rule: &str) -> &'a str {
    findings
        .iter()
        .find(|f| f["rule"] == rule)
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no {rule} in {findings:#?}"))
}

#[test]
fn a_namespace_enforcing_restricted_in_another_file_makes_errors() {
    let dir = tempfile::tempdir().unwrap();
    let ns = format!("{NAMESPACE}    pod-security.kubernetes.io/enforce: restricted\n");
    let app = deployment(Some("apps"), PRIVILEGED);
    write(dir.path(), &[("a-namespace.yaml", &ns), ("b-app.yaml", &app)]);
    let (run, findings) = lint(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = pss(&findings);
    assert!(found.iter().all(|(_, s)| s == "error"), "{found:?}");
    assert_eq!(
        rules(&findings),
        ["PSS003", "PSS012", "PSS102", "PSS103", "PSS105", "PSS106"]
    );
    let m = message(&findings, "PSS003");
    assert!(m.starts_with("violates PodSecurity \"restricted:latest\": privileged (container \"web\" must not set securityContext.privileged=true)"), "{m}");
    assert!(m.contains("namespace \"apps\" enforces it (a-namespace.yaml:1)"), "{m}");
    assert!(
        m.ends_with("the API server refuses the pods this Deployment's controller creates"),
        "{m}"
    );
    // The restricted controls say what K8S015 and K8S016 would; without the Namespace they
    // are the ones that say it.
    let general = |findings: &[Value]| -> Vec<String> {
        let mut r: Vec<String> = findings
            .iter()
            .filter_map(|f| f["rule"].as_str())
            .filter(|r| *r == "K8S015" || *r == "K8S016")
            .map(str::to_owned)
            .collect();
        r.sort();
        r
    };
    assert!(general(&findings).is_empty(), "{findings:#?}");
    std::fs::remove_file(dir.path().join("a-namespace.yaml")).unwrap();
    let (_, without) = lint(dir.path(), &[]);
    assert_eq!(general(&without), ["K8S015", "K8S016"]);
}

/// K8S015 and K8S016 give way only to PSS rules the run reports.
#[test]
fn general_rules_stay_when_the_pss_rules_that_cover_them_are_not_selected() {
    let dir = tempfile::tempdir().unwrap();
    let ns = format!("{NAMESPACE}    pod-security.kubernetes.io/enforce: restricted\n");
    let app = deployment(Some("apps"), PRIVILEGED);
    write(dir.path(), &[("a-namespace.yaml", &ns), ("b-app.yaml", &app)]);
    let has = |findings: &[Value], rule: &str| findings.iter().any(|f| f["rule"] == rule);
    let (_, findings) = lint(dir.path(), &["--ignore", "PSS103"]);
    assert!(has(&findings, "K8S015") && !has(&findings, "K8S016"), "{findings:#?}");
    let (_, findings) = lint(dir.path(), &["--ignore", "PSS102"]);
    assert!(!has(&findings, "K8S015") && has(&findings, "K8S016"), "{findings:#?}");
    let (_, findings) = lint(dir.path(), &["--select", "K8S"]);
    assert!(has(&findings, "K8S015") && has(&findings, "K8S016"), "{findings:#?}");
}

/// `latest` is the Kubernetes version of the run, as admission resolves it to its own: baseline
/// allows any procMount in a user-namespace pod from 1.35 on, not before.
#[test]
fn latest_follows_the_kubernetes_version() {
    let dir = tempfile::tempdir().unwrap();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostUsers: false\n  containers:\n    - name: c\n      image: c:1.0\n      securityContext:\n        procMount: Unmasked\n";
    write(dir.path(), &[("pod.yaml", pod)]);
    let (_, old) = lint(dir.path(), &["--kubernetes-version", "1.34"]);
    assert_eq!(rules(&old), ["PSS009"]);
    assert!(message(&old, "PSS009").starts_with("violates PodSecurity \"baseline:latest\": procMount"));
    let (_, new) = lint(dir.path(), &["--kubernetes-version", "1.37"]);
    assert!(rules(&new).is_empty(), "{new:#?}");
    // A version newer than the cluster's is its newest definition too.
    let (_, pinned) = lint(
        dir.path(),
        &["--kubernetes-version", "1.34", "--pod-security", "baseline:v1.36"],
    );
    assert_eq!(rules(&pinned), ["PSS009"]);
}

#[test]
fn enforce_privileged_checks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ns = format!("{NAMESPACE}    pod-security.kubernetes.io/enforce: privileged\n");
    write(
        dir.path(),
        &[("ns.yaml", &ns), ("app.yaml", &deployment(Some("apps"), PRIVILEGED))],
    );
    let (run, findings) = lint(dir.path(), &["--pod-security", "restricted"]);
    assert_eq!(rules(&findings), Vec::<String>::new());
    assert_eq!(run.code, 0);
}

#[test]
fn an_older_enforce_version_leaves_out_the_controls_it_did_not_have() {
    let dir = tempfile::tempdir().unwrap();
    let ns = |v: &str| {
        format!(
            "{NAMESPACE}    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/enforce-version: {v}\n"
        )
    };
    let sc = "            runAsUser: 0\n            runAsNonRoot: true\n            allowPrivilegeEscalation: false\n            seccompProfile: {type: RuntimeDefault}\n";
    write(
        dir.path(),
        &[("ns.yaml", &ns("v1.22")), ("app.yaml", &deployment(Some("apps"), sc))],
    );
    // 1.22: no runAsUser control (1.23) and no probe host control (1.34); capabilities are (1.22).
    let (run, findings) = lint(dir.path(), &[]);
    assert_eq!(rules(&findings), ["PSS106"]);
    assert!(message(&findings, "PSS106").contains("\"restricted:v1.22\""));
    assert_eq!(run.code, 1);
    write(dir.path(), &[("ns.yaml", &ns("v1.33"))]);
    assert_eq!(rules(&lint(dir.path(), &[]).1), ["PSS104", "PSS106"]);
    write(dir.path(), &[("ns.yaml", &ns("latest"))]);
    assert_eq!(rules(&lint(dir.path(), &[]).1), ["PSS012", "PSS104", "PSS106"]);
}

#[test]
fn objects_without_a_namespace_get_the_default_level_as_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let ns = format!("{NAMESPACE}    pod-security.kubernetes.io/enforce: restricted\n");
    write(
        dir.path(),
        &[("ns.yaml", &ns), ("app.yaml", &deployment(None, PRIVILEGED))],
    );
    let (run, findings) = lint(dir.path(), &[]);
    // Baseline by default: privileged and the probe host, nothing of restricted.
    assert_eq!(
        pss(&findings),
        [("PSS003".into(), "warning".into()), ("PSS012".into(), "warning".into())]
    );
    assert_eq!(
        message(&findings, "PSS003"),
        "violates PodSecurity \"baseline:latest\": privileged (container \"web\" must not set securityContext.privileged=true)"
    );
    assert_eq!(run.code, 0);
    // Warnings fail the run only when asked.
    let (run, _) = lint(dir.path(), &["--fail-on", "warning"]);
    assert_eq!(run.code, 1);
}

#[test]
fn the_pod_security_option_sets_level_and_version() {
    let dir = tempfile::tempdir().unwrap();
    let windows = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: win\nspec:\n  os: {name: windows}\n  securityContext: {runAsNonRoot: true}\n  containers:\n    - name: app\n      image: mcr.microsoft.com/windows/nanoserver:ltsc2022\n";
    write(
        dir.path(),
        &[("app.yaml", &deployment(None, ROOT_USER)), ("win.yaml", windows)],
    );
    let (run, findings) = lint(dir.path(), &["--pod-security", "restricted:v1.25"]);
    // v1.25: no probe host control (1.34); the Windows pod is exempt from the Linux-only controls.
    assert_eq!(rules(&findings), ["PSS102", "PSS103", "PSS104", "PSS105", "PSS106"]);
    assert_eq!(on_windows(&findings), Vec::<String>::new());
    assert_eq!(run.code, 0);
    // Before 1.25 the Windows pod is not exempt.
    let (_, findings) = lint(dir.path(), &["--pod-security", "restricted:v1.24"]);
    assert_eq!(on_windows(&findings), ["PSS102", "PSS105", "PSS106"]);
}

fn on_windows(findings: &[Value]) -> Vec<String> {
    let win: Vec<Value> = findings
        .iter()
        .filter(|f| f["file"].as_str().is_some_and(|p| p.ends_with("win.yaml")))
        .cloned()
        .collect();
    rules(&win)
}

#[test]
fn the_config_sets_the_default_level_and_the_option_wins() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (".k2e.yaml", "pod-security: restricted\n"),
            ("app.yaml", &deployment(None, ROOT_USER)),
        ],
    );
    let (_, findings) = lint(dir.path(), &[]);
    assert_eq!(
        rules(&findings),
        ["PSS012", "PSS102", "PSS103", "PSS104", "PSS105", "PSS106"]
    );
    let (_, findings) = lint(dir.path(), &["--pod-security", "baseline"]);
    assert_eq!(rules(&findings), ["PSS012"]);
}

#[test]
fn an_unreadable_label_is_refused_and_read_as_restricted() {
    let dir = tempfile::tempdir().unwrap();
    let ns = format!("{NAMESPACE}    pod-security.kubernetes.io/enforce: Restricted\n");
    write(
        dir.path(),
        &[("ns.yaml", &ns), ("app.yaml", &deployment(Some("apps"), ROOT_USER))],
    );
    let (run, findings) = lint(dir.path(), &[]);
    assert_eq!(
        message(&findings, "PSS000"),
        "metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"Restricted\": must be one of privileged, baseline, restricted; the API server refuses to create the Namespace"
    );
    assert!(rules(&findings).contains(&"PSS104".to_owned()));
    assert_eq!(run.code, 1);
}

#[test]
fn a_warn_label_without_enforce_gives_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let ns = format!(
        "{NAMESPACE}    pod-security.kubernetes.io/warn: restricted\n    pod-security.kubernetes.io/audit: restricted\n"
    );
    write(
        dir.path(),
        &[("ns.yaml", &ns), ("app.yaml", &deployment(Some("apps"), ROOT_USER))],
    );
    let (run, findings) = lint(dir.path(), &[]);
    let found = pss(&findings);
    assert!(
        !found.is_empty() && found.iter().all(|(_, s)| s == "warning"),
        "{found:?}"
    );
    assert!(message(&findings, "PSS104").contains("namespace \"apps\" warns at it (ns.yaml:1)"));
    assert_eq!(run.code, 0);
}

#[test]
fn pods_pod_templates_and_every_workload_kind_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let pod_spec = "spec:\n  hostPID: true\n  containers:\n    - name: c\n      image: busybox:1.36\n";
    let indent = |text: &str, n: usize| {
        text.lines()
            .map(|l| format!("{}{l}\n", " ".repeat(n)))
            .collect::<String>()
    };
    let template = format!("template:\n  metadata: {{labels: {{app: x}}}}\n{}", indent(pod_spec, 2));
    let controller = |api: &str, kind: &str| {
        format!(
            "apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: x\nspec:\n  selector: {{matchLabels: {{app: x}}}}\n{}",
            indent(&template, 2)
        )
    };
    let mut docs = vec![
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n{pod_spec}"),
        format!("apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: x\n{template}"),
        format!(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: x\nspec:\n  schedule: \"@daily\"\n  jobTemplate:\n    spec:\n{}",
            indent(&template, 6)
        ),
    ];
    for (api, kind) in [
        ("apps/v1", "Deployment"),
        ("apps/v1", "StatefulSet"),
        ("apps/v1", "DaemonSet"),
        ("apps/v1", "ReplicaSet"),
        ("v1", "ReplicationController"),
        ("batch/v1", "Job"),
    ] {
        docs.push(controller(api, kind));
    }
    write(dir.path(), &[("all.yaml", &docs.join("---\n"))]);
    let (_, findings) = lint(dir.path(), &[]);
    let mut objects: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "PSS002")
        .filter_map(|f| f["object"].as_str())
        .collect();
    objects.sort();
    assert_eq!(
        objects,
        [
            "CronJob/x",
            "DaemonSet/x",
            "Deployment/x",
            "Job/x",
            "Pod/x",
            "PodTemplate/x",
            "ReplicaSet/x",
            "ReplicationController/x",
            "StatefulSet/x"
        ]
    );
}
