//! The controls' version and level logic on small pods; the rule files' examples and
//! tests/pod_security.rs cover the rest.

use super::*;
use crate::detect::{Detected, detect};
use crate::parse::{Limits, yaml_text};

fn applied(policy: &str) -> Applied {
    let policy = Policy::parse(policy).unwrap();
    Applied {
        policy,
        source: Source::Default,
        minor: policy.version.resolve(NEWEST),
    }
}

fn scope(applied: &Applied) -> Scope<'_> {
    static ALL: std::sync::LazyLock<crate::rules::Selection> = std::sync::LazyLock::new(Default::default);
    Scope {
        applied,
        selection: &ALL,
        first: 0,
    }
}

/// `rule line:col` of the PSS findings of a Pod with `spec` (YAML indented under `spec:`).
fn findings(policy: &str, spec: &str) -> Vec<String> {
    let text = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n{spec}");
    let applied = applied(policy);
    let mut out = Vec::new();
    for doc in yaml_text(&text, &Limits::default()) {
        let Some(Detected::Kubernetes(objects)) = doc.root.as_ref().map(detect) else {
            continue;
        };
        for obj in &objects {
            check("p.yaml", &doc, obj, &scope(&applied), &mut out);
        }
    }
    out.iter()
        .map(|f| format!("{} {}:{}", f.rule, f.start.line, f.start.column))
        .collect()
}

fn rules(policy: &str, spec: &str) -> Vec<String> {
    let mut r: Vec<String> = findings(policy, spec)
        .into_iter()
        .map(|f| f.split(' ').next().unwrap().to_owned())
        .collect();
    r.sort();
    r.dedup();
    r
}

const GOOD: &str = "  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  containers:\n    - name: c\n      image: c:1\n      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n";

#[test]
fn a_hardened_pod_passes_restricted() {
    assert_eq!(rules("restricted", GOOD), Vec::<String>::new());
}

#[test]
fn restricted_replaces_the_baseline_checks_it_overrides() {
    let host_path = format!("{GOOD}  volumes:\n    - name: v\n      hostPath: {{path: /}}\n");
    assert_eq!(rules("baseline", &host_path), ["PSS005"]);
    assert_eq!(rules("restricted", &host_path), ["PSS101"]);
    let caps = GOOD.replace("drop: [ALL]", "drop: [ALL], add: [SYS_ADMIN]");
    assert_eq!(rules("restricted", &caps), ["PSS106"]);
    // Before 1.22 restricted has no capabilities control of its own: the baseline one applies.
    assert_eq!(rules("restricted:v1.21", &caps), ["PSS004"]);
    let unconfined = GOOD.replace("type: RuntimeDefault", "type: Unconfined");
    assert_eq!(rules("baseline", &unconfined), ["PSS010"]);
    assert_eq!(rules("restricted", &unconfined), ["PSS105"]);
}

#[test]
fn ephemeral_and_init_containers_are_checked() {
    let spec = "  initContainers:\n    - name: i\n      image: i:1\n      securityContext: {privileged: true}\n  containers:\n    - name: c\n      image: c:1\n  ephemeralContainers:\n    - name: e\n      image: e:1\n      securityContext: {privileged: true}\n";
    assert_eq!(findings("baseline", spec), ["PSS003 9:37", "PSS003 16:37"]);
}

#[test]
fn user_namespaces_relax_run_as_and_baseline_proc_mount_from_1_35() {
    let spec = "  hostUsers: false\n  securityContext: {runAsUser: 0, seccompProfile: {type: RuntimeDefault}}\n  containers:\n    - name: c\n      image: c:1\n      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, procMount: Unmasked}\n";
    assert_eq!(rules("restricted", spec), ["PSS009"]);
    assert_eq!(rules("restricted:v1.34", spec), ["PSS009", "PSS103", "PSS104"]);
    assert_eq!(rules("baseline", spec), Vec::<String>::new());
    assert_eq!(rules("baseline:v1.34", spec), ["PSS009"]);
}

#[test]
fn a_pod_level_setting_is_reported_once_and_covers_unset_containers() {
    let spec = "  securityContext: {runAsNonRoot: false, seccompProfile: {type: Unconfined}}\n  containers:\n    - name: a\n      image: a:1\n    - name: b\n      image: b:1\n      securityContext: {runAsNonRoot: false}\n";
    let found = findings("restricted", spec);
    let of = |rule: &str| {
        found
            .iter()
            .filter(|f| f.starts_with(rule))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(of("PSS103"), ["PSS103 6:35", "PSS103 12:39"]);
    assert_eq!(of("PSS105"), ["PSS105 6:65"]);
}

#[test]
fn seccomp_annotations_count_before_1_19_only() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: unconfined\n    container.seccomp.security.alpha.kubernetes.io/c: localhost/x\nspec:\n  containers:\n    - name: c\n      image: c:1\n";
    let run = |policy: &str| {
        let applied = applied(policy);
        let doc = yaml_text(text, &Limits::default()).remove(0);
        let mut out = Vec::new();
        if let Some(Detected::Kubernetes(objects)) = doc.root.as_ref().map(detect) {
            check("p.yaml", &doc, &objects[0], &scope(&applied), &mut out);
        }
        out.iter().map(|f| f.rule).collect::<Vec<_>>()
    };
    assert_eq!(run("baseline:v1.18"), ["PSS010"]);
    // allowPrivilegeEscalation dates from 1.8, so restricted:v1.18 checks it.
    assert_eq!(run("restricted:v1.18"), ["PSS010", "PSS102", "PSS103"]);
    assert!(run("baseline").is_empty());
}

#[test]
fn sysctls_follow_the_version() {
    let spec = |name: &str| {
        format!(
            "  securityContext:\n    sysctls:\n      - {{name: {name}, value: \"1\"}}\n  containers:\n    - name: c\n      image: c:1\n"
        )
    };
    assert_eq!(
        rules("baseline:v1.26", &spec("net.ipv4.ip_local_reserved_ports")),
        ["PSS011"]
    );
    assert!(rules("baseline:v1.27", &spec("net.ipv4.ip_local_reserved_ports")).is_empty());
    assert_eq!(rules("baseline:v1.31", &spec("net.ipv4.tcp_rmem")), ["PSS011"]);
    assert!(rules("baseline", &spec("net.ipv4.tcp_wmem")).is_empty());
    assert_eq!(rules("baseline", &spec("kernel.msgmax")), ["PSS011"]);
}

#[test]
fn selinux_engine_type_from_1_31_and_volume_without_a_type() {
    let spec = "  securityContext: {seLinuxOptions: {type: container_engine_t}}\n  containers:\n    - name: c\n      image: c:1\n";
    assert_eq!(rules("baseline:v1.30", spec), ["PSS008"]);
    assert!(rules("baseline:v1.31", spec).is_empty());
    let unknown = format!("{GOOD}  volumes:\n    - name: v\n");
    assert_eq!(findings("restricted", &unknown), ["PSS101 12:13"]);
}

#[test]
fn privileged_level_and_objects_without_pods_are_not_checked() {
    let spec = "  hostNetwork: true\n  containers:\n    - name: c\n      image: c:1\n";
    assert!(rules("privileged", spec).is_empty());
    assert_eq!(rules("baseline", spec), ["PSS002"]);
}
