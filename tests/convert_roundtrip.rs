//! Round-trip property of `k2e convert`, on generated inputs (a seeded generator: the same
//! cases on every run, no dependency): Kubernetes -> ECS -> Kubernetes and ECS -> Kubernetes ->
//! ECS keep every field the loss report calls mapped, no field is dropped silently, and every
//! output passes k2e lint. Set K2E_CONVERT_CASES to run more cases, K2E_CONVERT_SEED to change
//! them.

use k2e::convert::audit::{self, RoundTrip};
use k2e::convert::references::{RefKind, key_arn};
use k2e::convert::value::{Map, Value};
use k2e::convert::{Kind, LaunchType, Options, To, convert_texts, emit_json, emit_yaml, input};
use k2e::finding::Severity;
use k2e::lint;
use k2e::rules::Target;
use k2e::validate::Validators;
use std::path::Path;

mod common;
use common::rng::Rng;

/// Strings that YAML 1.1, YAML 1.2 or JSON readers are easy to get wrong.
const TRICKY: &[&str] = &[
    "on",
    "off",
    "yes",
    "No",
    "y",
    "0755",
    "0o17",
    "1_000",
    "1e3",
    "0x1F",
    "12:30",
    "2024-01-01",
    "true",
    "null",
    "~",
    "-",
    "- x",
    "a: b",
    "#x",
    "x #y",
    "multi\nline",
    "tab\there",
    "quote\"x",
    "back\\slash",
    "ünïcødé",
    "日本語",
    "",
    " lead",
    "trail ",
    "*star",
    "&amp",
    "!bang",
    "%pct",
    "@at",
    "`tick",
    "{brace}",
    "[br]",
    ">gt",
    "|pipe",
    "'sq",
    ".5",
    "+1",
    ".inf",
    "=",
    "<<",
    "plain words",
    "--flag=value",
    "/usr/bin/env",
    "C:\\path",
];

fn tricky(r: &mut Rng) -> String {
    if r.chance(60) {
        r.pick(TRICKY).to_string()
    } else {
        let len = 1 + r.below(8);
        r.word(len)
    }
}

fn s(v: &str) -> Value {
    Value::from(v)
}

fn one_of(r: &mut Rng, items: &[&str]) -> Value {
    let i = r.below(items.len());
    Value::from(items[i])
}

fn strings(r: &mut Rng, max: usize) -> Value {
    Value::List((0..r.below(max + 1)).map(|_| Value::Str(tricky(r))).collect())
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in entries {
        m.insert(k, v);
    }
    Value::Map(m)
}

/// A Kubernetes container using only fields that convert exactly, plus some that do not.
fn k8s_container(r: &mut Rng, name: &str, ports: &mut Vec<i64>, volumes: &[String], index: usize) -> Value {
    let mut c = Map::new();
    c.insert("name", name);
    c.insert(
        "image",
        format!("registry.example.com/{}:{}.{}", r.word(5), r.below(9), r.below(20)),
    );
    if r.chance(60) {
        c.insert("command", strings(r, 3));
    }
    if r.chance(60) {
        c.insert("args", strings(r, 4));
    }
    if r.chance(30) {
        c.insert("workingDir", format!("/{}", r.word(6)));
    }
    let mut env = Vec::new();
    for i in 0..r.below(5) {
        let name = format!("VAR_{i}_{}", r.word(3).to_uppercase());
        env.push(match r.below(4) {
            0 | 1 => map(vec![("name", s(&name)), ("value", Value::Str(tricky(r)))]),
            2 => map(vec![
                ("name", s(&name)),
                (
                    "valueFrom",
                    map(vec![(
                        "secretKeyRef",
                        map(vec![("name", Value::Str(r.word(5))), ("key", Value::Str(r.word(4)))]),
                    )]),
                ),
            ]),
            _ => map(vec![
                ("name", s(&name)),
                (
                    "valueFrom",
                    map(vec![(
                        "configMapKeyRef",
                        map(vec![("name", Value::Str(r.word(5))), ("key", Value::Str(r.word(4)))]),
                    )]),
                ),
            ]),
        });
    }
    if !env.is_empty() {
        c.insert("env", env);
    }
    if r.chance(60) {
        let port = 1024 + ports.len() as i64 * 7 + r.below(5) as i64;
        ports.push(port);
        let mut p = Map::new();
        if r.chance(50) {
            p.insert("name", format!("p{}-{}", index, r.word(3)));
        }
        p.insert("containerPort", port);
        if r.chance(30) {
            p.insert("protocol", *r.pick(&["TCP", "UDP"]));
        }
        c.insert("ports", vec![Value::Map(p)]);
    }
    if r.chance(70) {
        let mut requests = Map::new();
        requests.insert("cpu", *r.pick(&["125m", "250m", "500m", "1", "2", "0.5", "750m"]));
        let request_mib = *r.pick(&[64i64, 128, 256, 300, 1024]);
        requests.insert("memory", format!("{request_mib}Mi"));
        let mut resources = Map::new();
        resources.insert("requests", requests);
        if r.chance(60) {
            resources.insert(
                "limits",
                map(vec![("memory", Value::Str(format!("{}Mi", request_mib * 2)))]),
            );
        }
        c.insert("resources", resources);
    }
    if r.chance(50) {
        let mut probe = Map::new();
        probe.insert("exec", map(vec![("command", strings(r, 3))]));
        if let Value::List(l) = probe
            .get("exec")
            .and_then(|e| e.as_map())
            .and_then(|e| e.get("command"))
            .cloned()
            .unwrap_or(Value::Null)
        {
            if l.is_empty() {
                probe.insert("exec", map(vec![("command", Value::List(vec![s("/bin/true")]))]));
            }
        }
        probe.insert("periodSeconds", 5 + r.below(100) as i64);
        probe.insert("timeoutSeconds", 2 + r.below(30) as i64);
        probe.insert("failureThreshold", 1 + r.below(10) as i64);
        if r.chance(50) {
            probe.insert("initialDelaySeconds", r.below(300) as i64);
        }
        c.insert("livenessProbe", probe);
    }
    if r.chance(50) {
        let mut sc = Map::new();
        sc.insert("runAsUser", 1000 + r.below(1000) as i64);
        if r.chance(50) {
            sc.insert("runAsGroup", 1000 + r.below(1000) as i64);
        }
        sc.insert("readOnlyRootFilesystem", r.chance(50));
        if r.chance(50) {
            sc.insert("capabilities", map(vec![("drop", Value::List(vec![s("ALL")]))]));
        }
        c.insert("securityContext", sc);
    }
    if !volumes.is_empty() && r.chance(60) {
        let v = r.pick(volumes).clone();
        c.insert(
            "volumeMounts",
            vec![map(vec![
                ("name", Value::Str(v)),
                ("mountPath", Value::Str(format!("/mnt/{}", r.word(4)))),
                ("readOnly", Value::Bool(r.chance(30))),
            ])],
        );
    }
    if r.chance(20) {
        c.insert("stdin", r.chance(50));
        c.insert("tty", r.chance(50));
    }
    Value::Map(c)
}

fn k8s_workload(r: &mut Rng, kind: Kind) -> Value {
    let name = format!("{}-{}", r.word(4), r.below(100));
    let app = r.word(5);
    let mut labels = Map::new();
    labels.insert("app", app.clone());
    if r.chance(50) {
        labels.insert(format!("example.com/{}", r.word(4)), r.word(6));
    }
    let mut annotations = Map::new();
    for _ in 0..r.below(3) {
        annotations.insert(format!("example.com/{}", r.word(5)), tricky(r));
    }
    let volumes: Vec<String> = (0..r.below(3)).map(|i| format!("vol{i}")).collect();
    let mut ports = Vec::new();
    let mut containers = Vec::new();
    for i in 0..1 + r.below(3) {
        let name = format!("c{i}-{}", r.word(3));
        containers.push(k8s_container(r, &name, &mut ports, &volumes, i));
    }
    let mut init = Vec::new();
    for i in 0..r.below(3) {
        let name = format!("i{i}-{}", r.word(3));
        let mut c = k8s_container(r, &name, &mut ports, &volumes, 10 + i);
        if let Value::Map(m) = &mut c {
            if r.chance(40) {
                m.insert("restartPolicy", "Always");
            } else {
                m.remove("livenessProbe");
            }
        }
        init.push(c);
    }
    let mut spec = Map::new();
    if r.chance(50) {
        spec.insert("serviceAccountName", r.word(6));
    }
    if r.chance(50) {
        spec.insert("terminationGracePeriodSeconds", 2 + r.below(119) as i64);
    }
    if r.chance(40) {
        spec.insert(
            "nodeSelector",
            map(vec![("kubernetes.io/arch", one_of(r, &["amd64", "arm64"]))]),
        );
    }
    if r.chance(30) {
        spec.insert(
            "securityContext",
            map(vec![(
                "sysctls",
                Value::List(vec![map(vec![("name", s("net.core.somaxconn")), ("value", s("1024"))])]),
            )]),
        );
    }
    if matches!(kind, Kind::Pod | Kind::Job | Kind::CronJob) {
        spec.insert("restartPolicy", "Never");
    }
    if !init.is_empty() {
        spec.insert("initContainers", init);
    }
    spec.insert("containers", containers);
    if !volumes.is_empty() {
        spec.insert(
            "volumes",
            volumes
                .iter()
                .map(|v| {
                    map(vec![
                        ("name", Value::Str(v.clone())),
                        ("emptyDir", Value::Map(Map::new())),
                    ])
                })
                .collect::<Vec<_>>(),
        );
    }
    let mut meta = Map::new();
    meta.insert("name", name);
    let template = map(vec![
        (
            "metadata",
            map(vec![
                ("labels", Value::Map(labels.clone())),
                ("annotations", Value::Map(annotations.clone())),
            ]),
        ),
        ("spec", Value::Map(spec.clone())),
    ]);
    let body = match kind {
        Kind::Pod => {
            meta.insert("labels", labels);
            meta.insert_some("annotations", annotations);
            Value::Map(spec)
        }
        Kind::Job => map(vec![("template", template)]),
        Kind::CronJob => map(vec![
            ("schedule", s("*/5 * * * *")),
            ("jobTemplate", map(vec![("spec", map(vec![("template", template)]))])),
        ]),
        _ => {
            let mut b = Map::new();
            if kind.has_replicas() {
                b.insert("replicas", r.below(10) as i64);
            }
            b.insert("selector", map(vec![("matchLabels", Value::Map(labels.clone()))]));
            if kind == Kind::Deployment && r.chance(60) {
                if r.chance(30) {
                    b.insert("strategy", map(vec![("type", s("Recreate"))]));
                } else {
                    let surge = format!("{}%", 5 * r.below(21));
                    let unavailable = format!("{}%", 5 * (1 + r.below(20)));
                    b.insert(
                        "strategy",
                        map(vec![
                            ("type", s("RollingUpdate")),
                            (
                                "rollingUpdate",
                                map(vec![
                                    ("maxSurge", Value::Str(surge)),
                                    ("maxUnavailable", Value::Str(unavailable)),
                                ]),
                            ),
                        ]),
                    );
                }
            }
            b.insert("template", template);
            meta.insert("labels", map(vec![("team", Value::Str(r.word(5)))]));
            Value::Map(b)
        }
    };
    map(vec![
        ("apiVersion", s(kind.api_version())),
        ("kind", s(kind.name())),
        ("metadata", Value::Map(meta)),
        ("spec", body),
    ])
}

const FARGATE_SIZES: &[(u64, u64)] = &[
    (256, 512),
    (512, 1024),
    (1024, 2048),
    (1024, 4096),
    (2048, 8192),
    (4096, 16384),
];

fn ecs_task(r: &mut Rng, opts: &Options) -> (Value, bool) {
    let fargate = r.chance(70);
    let n = 1 + r.below(4);
    let names: Vec<String> = (0..n).map(|i| format!("c{i}{}", r.word(3))).collect();
    let essential: Vec<bool> = (0..n).map(|i| i == 0 || r.chance(60)).collect();
    let init: Vec<bool> = (0..n).map(|i| !essential[i] && r.chance(50)).collect();
    let volumes: Vec<String> = (0..r.below(3)).map(|i| format!("v{i}")).collect();
    let labels = {
        let mut m = Map::new();
        for _ in 0..r.below(3) {
            m.insert(format!("com.example.{}", r.word(4)), tricky(r));
        }
        m
    };
    let stop = 2 + r.below(119) as i64;
    let with_stop = r.chance(50);
    let (mut cpu_sum, mut mem_sum) = (0u64, 0u64);
    let mut containers = Vec::new();
    for i in 0..n {
        let mut c = Map::new();
        c.insert("name", names[i].clone());
        c.insert(
            "image",
            format!("public.ecr.aws/{}/{}:{}", r.word(4), r.word(5), r.below(9)),
        );
        c.insert("essential", essential[i]);
        if r.chance(50) {
            c.insert("entryPoint", strings(r, 2));
        }
        if r.chance(60) {
            c.insert("command", strings(r, 3));
        }
        let mut env = Vec::new();
        for j in 0..r.below(4) {
            env.push(map(vec![
                ("name", Value::Str(format!("E{j}{}", r.word(2).to_uppercase()))),
                ("value", Value::Str(tricky(r))),
            ]));
        }
        c.insert_some("environment", env);
        let mut secrets = Vec::new();
        for j in 0..r.below(3) {
            let kind = if r.chance(50) {
                RefKind::Secret
            } else {
                RefKind::ConfigMap
            };
            let arn = key_arn(opts, kind, "default", &r.word(5), &r.word(4));
            secrets.push(map(vec![
                ("name", Value::Str(format!("S{j}{}", r.word(2).to_uppercase()))),
                ("valueFrom", Value::Str(arn)),
            ]));
        }
        c.insert_some("secrets", secrets);
        if !init[i] && r.chance(50) {
            let mut p = Map::new();
            p.insert("containerPort", 2000 + i as i64);
            p.insert("protocol", *r.pick(&["tcp", "udp"]));
            if r.chance(50) {
                p.insert("name", format!("port-{i}"));
            }
            c.insert("portMappings", vec![Value::Map(p)]);
        }
        let cpu = 128 * r.below(5) as u64;
        if cpu > 0 {
            c.insert("cpu", cpu);
        }
        let memory = *r.pick(&[128u64, 256, 512]);
        c.insert("memory", memory);
        if r.chance(50) {
            c.insert("memoryReservation", memory / 2);
        }
        cpu_sum += cpu;
        mem_sum += memory;
        if r.chance(50) && !init[i] {
            let command = if r.chance(50) {
                vec![s("CMD-SHELL"), Value::Str(tricky(r))]
            } else {
                vec![s("CMD"), s("/bin/check"), Value::Str(tricky(r))]
            };
            let mut h = Map::new();
            h.insert("command", command);
            h.insert("interval", 5 + r.below(296) as i64);
            h.insert("timeout", 2 + r.below(59) as i64);
            h.insert("retries", 1 + r.below(10) as i64);
            if r.chance(50) {
                h.insert("startPeriod", r.below(301) as i64);
            }
            c.insert("healthCheck", h);
        }
        if r.chance(50) {
            let uid = 1000 + r.below(1000);
            c.insert(
                "user",
                if r.chance(50) {
                    uid.to_string()
                } else {
                    format!("{uid}:{}", 100 + r.below(900))
                },
            );
        }
        if r.chance(50) {
            c.insert("readonlyRootFilesystem", r.chance(50));
        }
        if r.chance(40) {
            c.insert(
                "linuxParameters",
                map(vec![("capabilities", map(vec![("drop", Value::List(vec![s("ALL")]))]))]),
            );
        }
        if !volumes.is_empty() && r.chance(60) {
            let v = r.pick(&volumes).clone();
            c.insert(
                "mountPoints",
                vec![map(vec![
                    ("sourceVolume", Value::Str(v)),
                    ("containerPath", Value::Str(format!("/data/{}", r.word(3)))),
                    ("readOnly", Value::Bool(r.chance(30))),
                ])],
            );
        }
        if with_stop {
            c.insert("stopTimeout", stop);
        }
        c.insert_some("dockerLabels", labels.clone());
        if essential[i] {
            let deps: Vec<Value> = (0..n)
                .filter(|&j| init[j])
                .map(|j| {
                    map(vec![
                        ("containerName", Value::Str(names[j].clone())),
                        ("condition", s("SUCCESS")),
                    ])
                })
                .collect();
            c.insert_some("dependsOn", deps);
        }
        containers.push(Value::Map(c));
    }
    let (cpu, memory) = *FARGATE_SIZES
        .iter()
        .find(|(c, m)| *c >= cpu_sum && *m >= mem_sum)
        .unwrap_or(&(4096, 16384));
    let mut task = Map::new();
    task.insert("family", format!("{}-{}", r.word(5), r.below(50)));
    if r.chance(50) {
        task.insert("taskRoleArn", format!("arn:aws:iam::ACCOUNT_ID:role/{}", r.word(6)));
    }
    task.insert("networkMode", "awsvpc");
    task.insert(
        "requiresCompatibilities",
        vec![s(if fargate { "FARGATE" } else { "EC2" })],
    );
    task.insert("cpu", cpu.to_string());
    task.insert("memory", memory.to_string());
    if r.chance(40) {
        task.insert(
            "runtimePlatform",
            map(vec![
                ("cpuArchitecture", one_of(r, &["X86_64", "ARM64"])),
                ("operatingSystemFamily", s("LINUX")),
            ]),
        );
    }
    if r.chance(30) {
        task.insert(
            "ephemeralStorage",
            map(vec![("sizeInGiB", Value::Int(21 + r.below(180) as i64))]),
        );
    }
    task.insert("containerDefinitions", containers);
    task.insert_some(
        "volumes",
        volumes
            .iter()
            .map(|v| map(vec![("name", Value::Str(v.clone()))]))
            .collect::<Vec<_>>(),
    );
    let tags: Vec<Value> = (0..r.below(3))
        .map(|_| map(vec![("key", Value::Str(r.word(5))), ("value", Value::Str(r.word(6)))]))
        .collect();
    task.insert_some("tags", tags);
    (Value::Map(task), fargate)
}

fn cases() -> usize {
    std::env::var("K2E_CONVERT_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(150)
}

fn seed() -> u64 {
    std::env::var("K2E_CONVERT_SEED")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0x5EED_2026)
}

fn lint_errors(dir: &Path, target: Target) -> Vec<String> {
    let opts = lint::Options {
        no_ignore: true,
        target,
        today: "2026-11-21".to_owned(),
        ..lint::Options::new(vec![dir.to_path_buf()])
    };
    let outcome = lint::run(&opts, &Validators::new("1.37", Vec::new()).unwrap());
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

fn check(trips: &[RoundTrip], case: &str) {
    assert!(!trips.is_empty(), "{case}: nothing converted");
    for t in trips {
        assert!(t.converted, "{case}: {} not converted", t.object);
        assert!(
            t.mismatches.is_empty(),
            "{case}: {}: mapped fields changed: {:#?}",
            t.object,
            t.mismatches
        );
    }
}

fn accounted(texts: &[(&str, &str)], opts: &Options, case: &str) -> k2e::convert::outcome::Conversion {
    let run = convert_texts(texts, opts);
    assert!(run.errors.is_empty(), "{case}: {:?}", run.errors);
    let sources: Vec<input::Source> = texts
        .iter()
        .map(|(n, t)| input::parse_bytes(n, t.as_bytes(), n.ends_with(".json")).0)
        .collect();
    let missing = audit::unaccounted(&sources, &run);
    assert!(missing.is_empty(), "{case}: dropped silently: {missing:?}");
    run
}

#[test]
fn kubernetes_round_trips_keep_every_mapped_field() {
    let mut r = Rng(seed());
    let kinds = [
        Kind::Deployment,
        Kind::StatefulSet,
        Kind::DaemonSet,
        Kind::ReplicaSet,
        Kind::Pod,
        Kind::Job,
        Kind::CronJob,
    ];
    let fargate_dir = tempfile::tempdir().unwrap();
    let ec2_dir = tempfile::tempdir().unwrap();
    let k8s_dir = tempfile::tempdir().unwrap();
    for case in 0..cases() {
        let kind = *r.pick(&kinds);
        let object = k8s_workload(&mut r, kind);
        // Half the cases as YAML, half as JSON: both readers are exercised.
        let (file, text) = if r.chance(50) {
            (format!("case{case}.yaml"), emit_yaml::document(&object))
        } else {
            (format!("case{case}.json"), emit_json::to_string(&object))
        };
        let texts = [(file.as_str(), text.as_str())];
        let mut opts = Options::new(To::Ecs);
        opts.launch_type = if r.chance(70) {
            LaunchType::Fargate
        } else {
            LaunchType::Ec2
        };
        let label = format!("case {case} ({kind:?}, {:?}):\n{text}", opts.launch_type);
        let run = accounted(&texts, &opts, &label);
        let dir = if opts.launch_type == LaunchType::Fargate {
            &fargate_dir
        } else {
            &ec2_dir
        };
        for o in &run.outputs {
            std::fs::write(dir.path().join(format!("{case}-{}", o.file)), &o.text).unwrap();
        }
        check(&audit::k8s_round_trip(&texts, &opts), &label);
        // The way back is valid Kubernetes too.
        let files: Vec<(&str, &str)> = run.outputs.iter().map(|o| (o.file.as_str(), o.text.as_str())).collect();
        let mut back_opts = Options::new(To::K8s);
        back_opts.kind = Some(kind);
        for o in convert_texts(&files, &back_opts).outputs {
            std::fs::write(k8s_dir.path().join(format!("{case}-{}", o.file)), &o.text).unwrap();
        }
    }
    for (dir, target) in [
        (&fargate_dir, Target::EcsFargate),
        (&ec2_dir, Target::EcsEc2),
        (&k8s_dir, Target::Auto),
    ] {
        let errors = lint_errors(dir.path(), target);
        assert!(
            errors.is_empty(),
            "generated outputs fail k2e lint:\n{}",
            errors.join("\n")
        );
    }
}

#[test]
fn ecs_round_trips_keep_every_mapped_field() {
    let mut r = Rng(seed() ^ 0xEC5);
    let k8s_dir = tempfile::tempdir().unwrap();
    let ecs_dir = tempfile::tempdir().unwrap();
    let opts = Options::new(To::K8s);
    for case in 0..cases() {
        let (task, fargate) = ecs_task(&mut r, &opts);
        let file = format!("case{case}.json");
        let text = emit_json::to_string(&task);
        let texts = [(file.as_str(), text.as_str())];
        let label = format!("case {case}:\n{text}");
        let run = accounted(&texts, &opts, &label);
        for o in &run.outputs {
            std::fs::write(k8s_dir.path().join(format!("{case}-{}", o.file)), &o.text).unwrap();
        }
        check(&audit::ecs_round_trip(&texts, &opts), &label);
        let mut back = Options::new(To::Ecs);
        back.launch_type = if fargate { LaunchType::Fargate } else { LaunchType::Ec2 };
        let files: Vec<(&str, &str)> = run.outputs.iter().map(|o| (o.file.as_str(), o.text.as_str())).collect();
        for o in convert_texts(&files, &back).outputs {
            std::fs::write(ecs_dir.path().join(format!("{case}-{}", o.file)), &o.text).unwrap();
        }
    }
    for (dir, target) in [(&k8s_dir, Target::Auto), (&ecs_dir, Target::Auto)] {
        let errors = lint_errors(dir.path(), target);
        assert!(
            errors.is_empty(),
            "generated outputs fail k2e lint:\n{}",
            errors.join("\n")
        );
    }
}

/// Cases the public corpus found and the generator did not: a selector on a release label
/// (istio's `version: v1`), which converting back leaves out of the selector; a reservation equal
/// to the task memory, which converting back writes as the limit alone.
#[test]
fn corpus_found_round_trips_keep_every_mapped_field() {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ratings-v1}\nspec:\n  selector:\n    matchLabels: {app: ratings, version: v1}\n  template:\n    metadata:\n      labels: {app: ratings, version: v1}\n    spec:\n      containers: [{name: ratings, image: ratings:1.20}]\n";
    let texts = [("ratings.yaml", deployment)];
    let opts = Options::new(To::Ecs);
    accounted(&texts, &opts, "release selector");
    check(&audit::k8s_round_trip(&texts, &opts), "release selector");

    let task = r#"{"family": "gunicorn", "cpu": "512", "memory": "1024", "networkMode": "awsvpc",
      "requiresCompatibilities": ["FARGATE"],
      "containerDefinitions": [{"name": "gunicorn", "image": "gunicorn-flask", "essential": true,
        "memoryReservation": 1024}]}"#;
    let texts = [("gunicorn.json", task)];
    let opts = Options::new(To::K8s);
    accounted(&texts, &opts, "reservation equal to the task memory");
    check(
        &audit::ecs_round_trip(&texts, &opts),
        "reservation equal to the task memory",
    );
}
