use super::*;
use crate::detect::{Detected, detect};
use crate::parse::{Limits, yaml_text};

fn with_workload<R>(text: &str, f: impl FnOnce(Option<Workload<'_>>) -> R) -> R {
    let docs = yaml_text(text, &Limits::default());
    let root = docs[0].root.as_ref().expect("a document");
    let Detected::Kubernetes(objects) = detect(root) else {
        panic!("not Kubernetes")
    };
    f(Workload::of(&objects[0]))
}

#[test]
fn the_group_decides_not_only_the_kind() {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {containers: []}}}\n";
    with_workload(deployment, |w| {
        assert_eq!(w.map(|w| w.kind), Some(WorkloadKind::Deployment))
    });
    let custom = deployment.replace("apps/v1", "example.com/v1");
    with_workload(&custom, |w| assert!(w.is_none()));
    let cron =
        "apiVersion: batch/v1\nkind: CronJob\nspec: {jobTemplate: {spec: {template: {spec: {containers: []}}}}}\n";
    with_workload(cron, |w| {
        assert_eq!(w.map(|w| w.template.at), Some("/spec/jobTemplate/spec/template/spec"));
    });
    with_workload("apiVersion: v1\nkind: Service\nspec: {}\n", |w| assert!(w.is_none()));
}

#[test]
fn os_from_each_hint() {
    let pod = |spec: &str| format!("apiVersion: v1\nkind: Pod\nspec:\n{spec}  containers: []\n");
    let os = |text: &str| {
        with_workload(text, |w| {
            w.and_then(|w| w.template.os())
                .map(|(name, at)| (name, at.pointer, at.node.as_str().map(str::to_owned)))
        })
    };
    assert_eq!(
        os(&pod("  os: {name: windows}\n")),
        Some(("windows".into(), "/spec/os/name".into(), Some("windows".into())))
    );
    assert_eq!(
        os(&pod("  nodeSelector: {kubernetes.io/os: windows}\n")),
        Some((
            "windows".into(),
            "/spec/nodeSelector/kubernetes.io~1os".into(),
            Some("windows".into())
        ))
    );
    let affinity = "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          - {key: kubernetes.io/os, operator: In, values: [windows]}\n";
    assert_eq!(
        os(&pod(affinity)).map(|(name, pointer, _)| (name, pointer)),
        Some((
            "windows".into(),
            "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchExpressions/0/values/0".into()
        ))
    );
    let either = format!(
        "{affinity}        - matchExpressions:\n          - {{key: kubernetes.io/os, operator: In, values: [linux]}}\n"
    );
    assert_eq!(os(&pod(&either)), None);
    assert_eq!(os(&pod("")), None);
}

#[test]
fn pod_level_resources_and_phases() {
    let text = "apiVersion: v1\nkind: Pod\nspec:\n  resources: {limits: {cpu: '2'}, requests: {memory: 4Gi}}\n  initContainers:\n  - {name: i}\n  - {name: s, restartPolicy: Always}\n  containers:\n  - {name: a, resources: {limits: {cpu: 250m}}}\n  ephemeralContainers:\n  - {name: debug}\n";
    with_workload(text, |w| {
        let t = w.expect("a pod").template;
        assert_eq!(t.pod_request_value("cpu"), Some(2.0));
        assert_eq!(t.pod_request_value("memory"), Some(4.0 * 1024.0 * 1024.0 * 1024.0));
        assert_eq!(
            t.pod_request("memory").map(|l| l.pointer),
            Some("/spec/resources/requests/memory".into())
        );
        let phases: Vec<_> = t.containers().iter().map(|c| (c.phase, c.pointer.clone())).collect();
        assert_eq!(
            phases,
            [
                (Phase::Init, "/spec/initContainers/0".to_owned()),
                (Phase::Sidecar, "/spec/initContainers/1".to_owned()),
                (Phase::App, "/spec/containers/0".to_owned()),
                (Phase::Ephemeral, "/spec/ephemeralContainers/0".to_owned()),
            ]
        );
        let names: Vec<_> = t.containers().iter().map(|c| c.name()).collect();
        assert_eq!(names, [Some("i"), Some("s"), Some("a"), Some("debug")]);
        let app = &t.containers()[2];
        assert_eq!(
            app.request("cpu").map(|l| l.pointer),
            Some("/spec/containers/0/resources/limits/cpu".into())
        );
    });
}

#[test]
fn init_and_sidecar_rule() {
    let mut sums = Sums::default();
    sums.add(Phase::Sidecar, 100, 10);
    sums.add(Phase::Init, 500, 5);
    sums.add(Phase::App, 200, 20);
    // An ephemeral container is not scheduled with the pod: it counts for nothing.
    sums.add(Phase::Ephemeral, 10_000, 10_000);
    // The init container runs beside the sidecar (600), above sidecar + app (300).
    assert_eq!(sums.effective(), [600, 30]);
}

#[test]
fn metadata_and_os_name_of_the_pod() {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    metadata: {labels: {app: a}}\n    spec: {os: {name: 3}, containers: []}\n";
    let docs = yaml_text(deployment, &Limits::default());
    let Detected::Kubernetes(objects) = detect(docs[0].root.as_ref().expect("a document")) else {
        panic!("not Kubernetes")
    };
    let t = PodTemplate::of(&objects[0]).expect("a template");
    assert_eq!(
        t.metadata(&objects[0]).map(|m| m.pointer),
        Some("/spec/template/metadata".into())
    );
    // os.name whatever its value; os() takes only a string.
    assert_eq!(
        t.os_name().map(|l| l.pointer),
        Some("/spec/template/spec/os/name".into())
    );
    assert!(t.os().is_none());
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n";
    with_workload(pod, |w| {
        assert!(w.as_ref().is_some_and(|w| w.template.os_name().is_none()));
    });
    let docs = yaml_text(pod, &Limits::default());
    let Detected::Kubernetes(objects) = detect(docs[0].root.as_ref().expect("a document")) else {
        panic!("not Kubernetes")
    };
    let t = PodTemplate::of(&objects[0]).expect("a pod");
    assert_eq!(t.metadata(&objects[0]).map(|m| m.pointer), Some("/metadata".into()));
}

#[test]
fn archs_from_selector_and_affinity() {
    let pod = |spec: &str| format!("apiVersion: v1\nkind: Pod\nspec:\n{spec}  containers: []\n");
    let archs = |text: &str| with_workload(text, |w| w.and_then(|w| w.template.archs()));
    let only = |amd64, arm64| ArchSet { amd64, arm64 };
    assert_eq!(archs(&pod("")), None);
    assert_eq!(
        archs(&pod("  nodeSelector: {kubernetes.io/arch: arm64}\n")),
        Some((only(false, true), "nodeSelector kubernetes.io/arch=arm64".into()))
    );
    let terms = |exprs: &[&str]| {
        let mut text = "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n".to_owned();
        for e in exprs {
            text.push_str(&format!("        - matchExpressions:\n          - {e}\n"));
        }
        pod(&text)
    };
    let from = "required node affinity on kubernetes.io/arch".to_owned();
    assert_eq!(
        archs(&terms(&["{key: kubernetes.io/arch, operator: NotIn, values: [arm64]}"])),
        Some((only(true, false), from.clone()))
    );
    // Terms are ORed: amd64 or arm64 is any, which pins nothing.
    let either = [
        "{key: kubernetes.io/arch, operator: In, values: [amd64]}",
        "{key: kubernetes.io/arch, operator: In, values: [arm64]}",
    ];
    assert_eq!(archs(&terms(&either)), None);
    // A term that does not name the arch allows any.
    let other = [
        "{key: kubernetes.io/arch, operator: In, values: [arm64]}",
        "{key: zone, operator: In, values: [a]}",
    ];
    assert_eq!(archs(&terms(&other)), None);
    // Selector and affinity together: both must hold; an affinity allowing both adds nothing.
    let both = terms(&["{key: beta.kubernetes.io/arch, operator: In, values: [amd64, arm64]}"]).replace(
        "  affinity:",
        "  nodeSelector: {kubernetes.io/arch: amd64}\n  affinity:",
    );
    assert_eq!(
        archs(&both),
        Some((only(true, false), "nodeSelector kubernetes.io/arch=amd64".into()))
    );
    let clash = terms(&["{key: kubernetes.io/arch, operator: In, values: [arm64]}"]).replace(
        "  affinity:",
        "  nodeSelector: {kubernetes.io/arch: amd64}\n  affinity:",
    );
    assert_eq!(archs(&clash), Some((only(false, false), from)));
}
