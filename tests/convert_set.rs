//! `k2e convert` output sets that deploy as they are: names unique across the whole set (and
//! every reference to a renamed thing following it), every output checked by k2e lint before it
//! is written, an object's files written together or not at all, and the reports (refusals,
//! failures, the checklist, security-relevant notes first). The public corpus converted as one
//! set each way has no collision (K2E_CORPUS).

mod common;
use common::corpus::corpus;
use k2e::convert::checklist::Item;
use k2e::convert::loss::{Counts, Fate, Note};
use k2e::convert::outcome::{Conversion, ObjectReport, Output, Role};
use k2e::convert::{self, Check, Destination, Kind, Options, RunOptions, To, convert_texts, input, loss_render};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn set_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/convert/set")
        .join(name)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

/// (kind, namespace, name) of every object of the Kubernetes outputs, and the object as JSON.
fn k8s_objects(outputs: &[Output]) -> Vec<((String, String, String), serde_json::Value)> {
    let mut objects = Vec::new();
    for o in outputs.iter().filter(|o| o.role == Role::Kubernetes) {
        let (source, errors) = input::parse_bytes(&o.file, o.text.as_bytes(), false);
        assert!(errors.is_empty(), "{}: {errors:?}", o.file);
        for doc in &source.documents {
            let v = doc.root.as_ref().map(|r| r.to_json()).unwrap_or_default();
            let s = |p: &str| v.pointer(p).and_then(|x| x.as_str()).unwrap_or_default().to_owned();
            let ns = Some(s("/metadata/namespace")).filter(|n| !n.is_empty());
            let id = (s("/kind"), ns.unwrap_or_else(|| "default".into()), s("/metadata/name"));
            objects.push((id, v));
        }
    }
    objects
}

/// How many names are shared: ECS families and service names, Kubernetes kind/namespace/name.
fn collisions(outputs: &[Output]) -> usize {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for o in outputs {
        match o.role {
            Role::TaskDefinition => *seen.entry(format!("family {}", json(&o.text)["family"])).or_default() += 1,
            Role::Service => {
                *seen
                    .entry(format!("service {}", json(&o.text)["serviceName"]))
                    .or_default() += 1
            }
            _ => {}
        }
    }
    for (id, _) in k8s_objects(outputs) {
        *seen.entry(format!("{id:?}")).or_default() += 1;
    }
    seen.values().map(|n| n - 1).sum()
}

fn renames(run: &Conversion) -> Vec<&Note> {
    run.objects
        .iter()
        .flat_map(|o| &o.fields)
        .filter(|n| n.reason.as_deref().is_some_and(|r| r.starts_with("another ")))
        .collect()
}

#[test]
fn kubernetes_names_that_collide_become_distinct_families_and_services() {
    let text = read(&set_fixture("k8s-collisions.yaml"));
    let run = convert_texts(&[("k8s-collisions.yaml", &text)], &Options::new(To::Ecs));
    let families: Vec<String> = run
        .outputs
        .iter()
        .filter(|o| o.role == Role::TaskDefinition)
        .map(|o| json(&o.text)["family"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(families.len(), 5, "{families:?}");
    assert_eq!(collisions(&run.outputs), 0, "{families:?}");
    // Namespace first: shop/web is the only `web` of its namespace.
    assert!(families.contains(&"shop-web".to_owned()), "{families:?}");
    assert!(families.iter().all(|f| f.len() <= 255));
    // Every service runs the task definition written beside it.
    for service in run.outputs.iter().filter(|o| o.role == Role::Service) {
        let stem = service.file.trim_end_matches(".service.json");
        let task = run
            .outputs
            .iter()
            .find(|o| o.file == format!("{stem}.task-definition.json"))
            .unwrap();
        let (s, t) = (json(&service.text), json(&task.text));
        assert_eq!(s["taskDefinition"], t["family"], "{}", service.file);
        assert_eq!(s["serviceName"], t["family"], "{}", service.file);
    }
    // Every rename is reported as an approximation of the name.
    let renamed = renames(&run);
    assert_eq!(renamed.len(), 5, "{renamed:#?}");
    assert!(
        renamed
            .iter()
            .all(|n| n.fate == Fate::Approximated && n.path == "/metadata/name")
    );
}

fn ecs_set() -> Vec<(String, String)> {
    [
        "web-v3.json",
        "web-v4.json",
        "web_app.json",
        "web-app.json",
        "long-family.json",
        "long-family-b.json",
    ]
    .iter()
    .map(|f| (f.to_string(), read(&set_fixture(f))))
    .collect()
}

#[test]
fn ecs_families_that_collide_become_distinct_workloads_services_and_service_accounts() {
    let files = ecs_set();
    let texts: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    for kind in [Kind::Deployment, Kind::StatefulSet, Kind::Job, Kind::CronJob] {
        let mut opts = Options::new(To::K8s);
        opts.kind = Some(kind);
        let run = convert_texts(&texts, &opts);
        assert_eq!(collisions(&run.outputs), 0, "{kind:?}");
        let objects = k8s_objects(&run.outputs);
        let limit = if kind == Kind::CronJob { 52 } else { 63 };
        for ((k, _, name), _) in &objects {
            if k == kind.name() {
                assert!(name.len() <= limit, "{kind:?} {name}: longer than {limit}");
            }
        }
        let names: Vec<&str> = objects
            .iter()
            .filter(|((k, _, _), _)| k == kind.name())
            .map(|((_, _, n), _)| n.as_str())
            .collect();
        // Two revisions of one family: the revision tells them apart.
        assert!(names.contains(&"web-3") && names.contains(&"web-4"), "{names:?}");
        // Two roles that both give `app`, and the role two task definitions share: one
        // ServiceAccount each, once in the set, every serviceAccountName naming one of them.
        let accounts: BTreeMap<String, String> = objects
            .iter()
            .filter(|((k, _, _), _)| k == "ServiceAccount")
            .map(|((_, _, n), v)| {
                let arn = v["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
                    .as_str()
                    .unwrap();
                (n.clone(), arn.to_owned())
            })
            .collect();
        assert_eq!(accounts.len(), 2, "{accounts:?}");
        let arns: std::collections::BTreeSet<&String> = accounts.values().collect();
        assert_eq!(arns.len(), 2, "{accounts:?}");
        let used: Vec<String> = run
            .outputs
            .iter()
            .flat_map(|o| o.text.lines())
            .filter_map(|l| l.trim().strip_prefix("serviceAccountName: "))
            .map(|n| n.trim_matches('"').to_owned())
            .collect();
        assert_eq!(used.len(), 3, "{used:?}");
        assert!(used.iter().all(|n| accounts.contains_key(n)), "{used:?} {accounts:?}");
        assert!(!renames(&run).is_empty());
    }
}

/// Through the library: the injected check decides; printing to standard output keeps an
/// object whole too.
#[test]
fn the_injected_check_refuses_an_object_whole() {
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/convert/k8s/deployment.yaml");
    let refuse_services = Check(Arc::new(|o: &Output| {
        if o.role == Role::Service {
            vec!["1:1 TEST refused by the test".to_owned()]
        } else {
            Vec::new()
        }
    }));
    let opts = RunOptions {
        inputs: vec![input],
        read: k2e::input::Options {
            limit: 64 << 20,
            allow_special_files: false,
        },
        destination: Destination::Stdout,
        dry_run: false,
        convert: Options::new(To::Ecs),
        check: Some(refuse_services),
        force_invalid: false,
    };
    let outcome = convert::run(&opts);
    assert!(
        outcome.conversion.outputs.is_empty(),
        "{:?}",
        outcome.conversion.outputs
    );
    assert_eq!(outcome.conversion.refused.len(), 1);
    assert_eq!(outcome.failures.len(), 1, "{:?}", outcome.failures);
    assert!(
        outcome.failures[0].contains(".task-definition.json"),
        "{:?}",
        outcome.failures
    );
    assert_eq!(outcome.exit_code(), 2);
    let forced = convert::run(&RunOptions {
        force_invalid: true,
        ..opts
    });
    // The task definition, the service and CHECKLIST.md.
    assert_eq!(forced.conversion.outputs.len(), 3);
    assert!(forced.conversion.refused[0].forced);
}

fn note(path: &str, security: bool) -> Note {
    Note {
        file: None,
        path: path.into(),
        line: 3,
        column: 5,
        fate: Fate::Approximated,
        to: Some("task-definition#/containerDefinitions/0".into()),
        reason: Some("why".into()),
        fix: None,
        security,
        unhandled: false,
        offset: 0,
    }
}

fn conversion_with_security_and_checklist() -> Conversion {
    let fields = vec![note("/spec/a", false), note("/spec/readOnly", true)];
    Conversion {
        objects: vec![ObjectReport {
            file: "web.yaml".into(),
            document: 0,
            pointer: String::new(),
            object: "Deployment/web".into(),
            outputs: vec!["web.task-definition.json".into()],
            counts: Counts::of(&fields),
            fields,
            added: Vec::new(),
            error: None,
        }],
        checklist: vec![Item {
            what: "iam-role".into(),
            value: "arn:aws:iam::ACCOUNT_ID:role/ecsTaskExecutionRole".into(),
            action: "create the task execution role".into(),
            used_by: vec!["web.task-definition.json#/executionRoleArn".into()],
        }],
        ..Conversion::default()
    }
}

#[test]
fn security_notes_come_first_with_their_marker_and_are_counted() {
    let run = conversion_with_security_and_checklist();
    let text = loss_render::human(&run, false);
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("security-relevant"), "{text}");
    assert!(
        text.contains("  ! Deployment/web: web.yaml:3:5 /spec/readOnly"),
        "{text}"
    );
    assert_eq!(text.matches("/spec/readOnly").count(), 1, "listed once:\n{text}");
    assert!(text.contains("  ~ web.yaml:3:5 /spec/a"), "{text}");
    assert!(text.lines().last().unwrap().contains("1 security-relevant"), "{text}");
    let report = json(&loss_render::json(&run, &Options::new(To::Ecs), 0));
    assert_eq!(report["summary"]["security"], 1);
    assert_eq!(report["objects"][0]["fields"][1]["security"], true);
}

#[test]
fn the_checklist_is_in_both_reports_and_its_own_file() {
    let run = conversion_with_security_and_checklist();
    let text = loss_render::human(&run, false);
    assert!(
        text.contains("  [ ] iam-role arn:aws:iam::ACCOUNT_ID:role/ecsTaskExecutionRole: create the task execution role\n      used by web.task-definition.json#/executionRoleArn\n"),
        "{text}"
    );
    let report = json(&loss_render::json(&run, &Options::new(To::Ecs), 0));
    assert_eq!(report["checklist"][0]["what"], "iam-role");
    assert_eq!(
        report["checklist"][0]["used_by"][0],
        "web.task-definition.json#/executionRoleArn"
    );
    let md = loss_render::checklist_markdown(&run.checklist);
    assert!(md.starts_with("# Before applying\n"), "{md}");
    assert!(
        md.contains("- [ ] **iam-role** `arn:aws:iam::ACCOUNT_ID:role/ecsTaskExecutionRole`: create the task execution role\n  - used by `web.task-definition.json#/executionRoleArn`\n"),
        "{md}"
    );
}

// --- the public corpus ---

fn corpus_texts(root: &Path, sub: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![root.join(sub)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                files.push((path.strip_prefix(root).unwrap().to_string_lossy().into_owned(), text));
            }
        }
    }
    files.sort();
    files
}

/// The corpus converted as one set in each direction: no two outputs share a name.
#[test]
#[cfg_attr(not(k2e_corpus), ignore = "needs K2E_CORPUS, the public corpus folder (see README)")]
fn corpus_as_one_set_has_no_name_collision() {
    let Some(root) = corpus() else {
        eprintln!("K2E_CORPUS not set: convert corpus test skipped");
        return;
    };
    for (sub, to) in [("k8s", To::Ecs), ("ecs", To::K8s)] {
        let files = corpus_texts(&root, sub);
        let texts: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        let run = convert_texts(&texts, &Options::new(to));
        let renamed = renames(&run).len();
        eprintln!(
            "corpus {sub} as one set: {} outputs, {renamed} names changed to be unique",
            run.outputs.len()
        );
        assert!(run.outputs.len() > 100, "{sub}: {} outputs", run.outputs.len());
        assert_eq!(collisions(&run.outputs), 0, "{sub}: names shared across the set");
    }
}
