//! Compatibility with real-world files: lints the public corpus named by K2E_CORPUS (skipped
//! when unset) and compares k2e's verdicts with kubeconform's and botocore's.
//! Run with `K2E_CORPUS=../shared/corpus cargo test --test corpus -- --nocapture` for the figures.

mod common;
use common::corpus::corpus;
use k2e::finding::{Finding, Severity};
use k2e::lint::{self, FileResult, Options, Outcome};
use k2e::parse::Limits;
use k2e::rules::{Selection, Target};
use k2e::validate::Validators;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};

/// The rules a schema validator also checks: syntax, input and the schema rules. The peers
/// (kubeconform, botocore) are compared on these only; the other packs go beyond them.
fn schema_rules() -> Selection {
    Selection {
        select: ["K2E", "YML", "K8S00", "ECS00"].map(str::to_owned).to_vec(),
        ignore: Vec::new(),
    }
}

fn lint_dir_for(dir: &Path, target: Target, selection: Selection) -> Outcome {
    let opts = Options {
        no_ignore: true,
        snippets: true,
        record_checked: true,
        target,
        selection,
        today: "2026-11-21".to_owned(),
        ..Options::new(vec![dir.to_path_buf()])
    };
    lint::run(&opts, &Validators::new("1.37", Vec::new()).unwrap())
}

fn relative(file: &str, root: &Path) -> String {
    Path::new(file)
        .strip_prefix(root)
        .map_or_else(|_| file.to_owned(), |p| p.to_string_lossy().into_owned())
}

fn is_input_problem(f: &Finding) -> bool {
    f.severity == Severity::Error && k2e::rules::is_input_problem(f.rule)
}

/// Every counted document was validated, skipped with a reason, or reported as unparseable.
fn assert_all_classified(file: &FileResult) {
    let mut seen = BTreeSet::new();
    seen.extend(file.checked.iter().map(|c| c.document));
    seen.extend(file.skipped.iter().map(|s| s.document));
    seen.extend(
        file.findings
            .iter()
            .filter(|f| is_input_problem(f))
            .filter_map(|f| f.document),
    );
    assert_eq!(
        seen.len(),
        file.documents,
        "{}: {} documents, {} classified",
        file.file,
        file.documents,
        seen.len()
    );
}

/// Lints a corpus folder and checks every document was classified; None when K2E_CORPUS is unset.
fn lint_corpus(sub: &str, selection: Selection) -> Option<(PathBuf, Outcome)> {
    let Some(root) = corpus() else {
        eprintln!("K2E_CORPUS not set: corpus compatibility test skipped");
        return None;
    };
    let dir = if sub.is_empty() { root.clone() } else { root.join(sub) };
    let outcome = lint_dir_for(&dir, Target::Auto, selection);
    for file in &outcome.files {
        assert_all_classified(file);
    }
    Some((root, outcome))
}

/// `(group, kind)` of every CustomResourceDefinition under `dir`, read as `--crd` reads them.
fn crd_kinds(dir: &Path) -> std::collections::BTreeSet<(String, String)> {
    let bounds = k2e::input::Options {
        limit: 64 << 20,
        allow_special_files: false,
    };
    let validators = Validators::new("1.37", Vec::new()).unwrap();
    let gathered = lint::crd_paths(&[dir.to_path_buf()], &bounds, &Limits::default(), &validators);
    gathered
        .crds
        .iter()
        .filter_map(|crd| {
            let spec = crd.value.get("spec")?;
            let kind = spec.get("names")?.get("kind")?.as_str()?;
            Some((spec.get("group")?.as_str()?.to_owned(), kind.to_owned()))
        })
        .collect()
}

fn verdict_rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("file\t"))
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

#[test]
#[cfg_attr(not(k2e_corpus), ignore = "needs K2E_CORPUS, the public corpus folder (see README)")]
fn kubernetes_corpus_agrees_with_kubeconform() {
    let Some((root, outcome)) = lint_corpus("k8s", schema_rules()) else {
        return;
    };
    let by_file: HashMap<String, &FileResult> = outcome.files.iter().map(|f| (relative(&f.file, &root), f)).collect();

    // Our verdict for each object, queued per (file, apiVersion, kind, name) in stream order.
    let mut ours: HashMap<(String, String, String, String), VecDeque<&'static str>> = HashMap::new();
    for (name, file) in &by_file {
        for obj in &file.checked {
            let in_doc = |f: &&Finding| f.document == Some(obj.document);
            let doc_findings: Vec<&Finding> = file.findings.iter().filter(in_doc).collect();
            let own = |f: &&&Finding| {
                let p = f.pointer.as_deref().unwrap_or("");
                obj.pointer.is_empty() || p == obj.pointer || p.starts_with(&format!("{}/", obj.pointer))
            };
            let verdict = if doc_findings.iter().any(|f| is_input_problem(f)) {
                "error"
            } else if doc_findings
                .iter()
                .filter(own)
                .any(|f| matches!(f.rule, "K8S005" | "K8S006"))
            {
                "noschema"
            } else if doc_findings.iter().filter(own).any(|f| f.severity == Severity::Error) {
                "invalid"
            } else {
                "valid"
            };
            let key = (
                name.clone(),
                obj.api_version.clone(),
                obj.kind.clone(),
                obj.name.clone().unwrap_or_default(),
            );
            ours.entry(key).or_default().push_back(verdict);
        }
    }

    let mut table: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut disagreements = Vec::new();
    let crd_kinds = crd_kinds(&root.join("k8s"));
    let mut validated_from_crds = 0;
    for row in verdict_rows(&root.join("VERDICTS-k8s.tsv")) {
        let [file, api, kind, name, verdict, message] = <[String; 6]>::try_from(row.clone()).unwrap_or_else(|r| {
            let mut r = r;
            r.resize(6, String::new());
            <[String; 6]>::try_from(r).unwrap()
        });
        if kind.is_empty() {
            // kubeconform lists empty documents too; k2e ignores them.
            continue;
        }
        let theirs = match verdict.as_str() {
            "error" if message.contains("could not find schema") => "noschema",
            v => v,
        }
        .to_owned();
        // kubeconform shows generateName "pi-" as "pi-{{ generateName }}".
        let name = name.replace("{{ generateName }}", "");
        let mine = ours
            .get_mut(&(file.clone(), api.clone(), kind.clone(), name.clone()))
            .and_then(VecDeque::pop_front)
            .unwrap_or("missing");
        *table.entry((theirs.clone(), mine.to_owned())).or_default() += 1;
        let group = api.split_once('/').map_or("", |(g, _)| g);
        // kubeconform ran without CRDs; k2e validates custom resources against those in the corpus.
        let from_crd = theirs == "noschema" && crd_kinds.contains(&(group.to_owned(), kind.clone()));
        if from_crd && mine != "noschema" {
            validated_from_crds += 1;
        } else if theirs != mine {
            disagreements.push(format!("{file} {api} {kind}/{name}: kubeconform {theirs}, k2e {mine}"));
        }
    }
    eprintln!("kubeconform verdict -> k2e verdict (resources):");
    for ((theirs, mine), n) in &table {
        eprintln!("  {theirs:>9} -> {mine:<9} {n}");
    }
    let total: usize = table.values().sum();
    let with_schema: usize = table
        .iter()
        .filter(|((t, _), _)| t == "valid" || t == "invalid")
        .map(|(_, n)| n)
        .sum();
    eprintln!(
        "{} of {total} resources agree; {} disagreements",
        total - disagreements.len(),
        disagreements.len()
    );
    eprintln!("{with_schema} resources with a schema");
    eprintln!(
        "{validated_from_crds} custom resources kubeconform could not check, validated against CRDs in the corpus"
    );
    assert!(
        validated_from_crds > 0,
        "the corpus holds CRDs and custom resources of their kinds"
    );
    for d in &disagreements {
        eprintln!("  {d}");
    }
    assert!(
        disagreements.is_empty(),
        "unexplained disagreements with kubeconform:\n{}",
        disagreements.join("\n")
    );
}

/// Where botocore's client-side check and k2e differ, and why k2e is right.
const ECS_EXPECTED_DIFFERENCES: &[(&str, &str)] = &[
    (
        "cwagent-prometheus-task-definition.json",
        "\"{{networkmode}}\" is not a networkMode: ECS rejects it; botocore does not check enums",
    ),
    (
        "iam-roles__task-definition.json",
        "\"$$$NETWORK_MODE$$$\" is not a networkMode (enum)",
    ),
    (
        "network-stats__task-definition.json",
        "\"$$$NETWORK_MODE$$$\" is not a networkMode (enum)",
    ),
    (
        "v3-task-endpoint-validator__task-definition.json",
        "\"$$$NETWORK_MODE$$$\" is not a networkMode (enum)",
    ),
    (
        "container_transform__tests__composev2_output.json",
        "a container without image: ECS requires it, the botocore model does not mark it",
    ),
];

#[test]
#[cfg_attr(not(k2e_corpus), ignore = "needs K2E_CORPUS, the public corpus folder (see README)")]
fn ecs_corpus_agrees_with_botocore() {
    let Some((root, outcome)) = lint_corpus("ecs", schema_rules()) else {
        return;
    };
    let by_file: HashMap<String, &FileResult> = outcome.files.iter().map(|f| (relative(&f.file, &root), f)).collect();
    let mut agree = 0;
    let mut differences = Vec::new();
    for row in verdict_rows(&root.join("VERDICTS-ecs.tsv")) {
        let (file, verdict) = (&row[0], &row[1]);
        let result = by_file.get(file).unwrap_or_else(|| panic!("{file} was not linted"));
        let mine = if result.findings.iter().any(|f| f.severity == Severity::Error) {
            "invalid"
        } else {
            "valid"
        };
        if mine == verdict {
            agree += 1;
        } else {
            let expected = ECS_EXPECTED_DIFFERENCES.iter().find(|(name, _)| file.ends_with(name));
            match expected {
                Some((_, why)) => differences.push(format!("{file}: botocore {verdict}, k2e {mine}: {why}")),
                None => panic!(
                    "unexplained difference: {file}: botocore {verdict}, k2e {mine}: {:#?}",
                    result.findings
                ),
            }
        }
    }
    eprintln!(
        "ECS: {agree} task definitions agree with botocore, {} differ (explained):",
        differences.len()
    );
    for d in &differences {
        eprintln!("  {d}");
    }
    assert_eq!(
        differences.len(),
        ECS_EXPECTED_DIFFERENCES.len(),
        "an expected difference no longer occurs"
    );
}

#[test]
#[cfg_attr(not(k2e_corpus), ignore = "needs K2E_CORPUS, the public corpus folder (see README)")]
fn whole_corpus_is_linted_without_panics_and_edge_files_are_rejected() {
    let Some((root, outcome)) = lint_corpus("", Selection::default()) else {
        return;
    };
    let mut documents = 0;
    for file in &outcome.files {
        documents += file.documents;
        if relative(&file.file, &root).starts_with("edge/") {
            assert!(
                file.findings.iter().any(is_input_problem),
                "{}: a broken file must get a parse error: {:#?}",
                file.file,
                file.findings
            );
            for f in file.findings.iter().filter(|f| is_input_problem(f)) {
                assert!(f.start.line > 0, "{}: parse errors carry a line: {f:?}", file.file);
            }
        }
    }
    eprintln!(
        "corpus: {} files, {documents} documents, all classified",
        outcome.files.len()
    );
}

#[test]
#[cfg_attr(not(k2e_corpus), ignore = "needs K2E_CORPUS, the public corpus folder (see README)")]
fn fargate_targets_lint_the_whole_corpus() {
    let Some(root) = corpus() else {
        eprintln!("K2E_CORPUS not set: corpus compatibility test skipped");
        return;
    };
    for target in [Target::EcsFargate, Target::EksFargate] {
        let outcome = lint_dir_for(&root, target, Selection::default());
        let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for f in outcome.findings() {
            *per_rule.entry(f.rule).or_default() += 1;
        }
        eprintln!("{target:?}: findings per rule: {per_rule:?}");
        assert!(
            per_rule.keys().any(|r| r.starts_with("FG")),
            "{target:?} found nothing to report on the corpus"
        );
    }
}

/// The spans of every intrinsic function of a template, found independently of the front-end:
/// short forms are tagged nodes, long forms one-key mappings `Ref`, `Condition` or `Fn::*`.
fn intrinsic_spans(path: &Path) -> Vec<k2e::parse::Span> {
    fn walk(node: &k2e::parse::Node, out: &mut Vec<k2e::parse::Span>) {
        match &node.kind {
            k2e::parse::NodeKind::Map(entries) => {
                if let [only] = entries.as_slice() {
                    if only.key == "Ref" || only.key.starts_with("Fn::") {
                        out.push(node.span);
                    }
                }
                entries.iter().for_each(|e| walk(&e.value, out));
            }
            k2e::parse::NodeKind::Seq(items) => items.iter().for_each(|i| walk(i, out)),
            k2e::parse::NodeKind::Scalar { .. } => {}
        }
    }
    let bytes = std::fs::read(path).unwrap();
    let format = k2e::parse::Format::of(&path.to_string_lossy(), k2e::parse::Format::Yaml);
    let (docs, _) = k2e::parse::documents(&bytes, format, &Limits::default(), 10);
    let mut out = Vec::new();
    for doc in &docs {
        out.extend(doc.tags.iter().map(|t| k2e::parse::Span::new(t.span.start, t.node.end)));
        if let Some(root) = &doc.root {
            walk(root, &mut out);
        }
    }
    out
}

#[test]
#[cfg_attr(not(k2e_corpus), ignore = "needs K2E_CORPUS, the public corpus folder (see README)")]
fn cloudformation_resources_are_all_checked_and_nothing_lands_on_an_intrinsic() {
    let Some(root) = corpus() else {
        return;
    };
    let dir = root.join("ecs-cfn");
    for target in [Target::Auto, Target::EcsFargate] {
        let outcome = lint_dir_for(&dir, target, Selection::default());
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for file in &outcome.files {
            assert_all_classified(file);
            for c in &file.checked {
                *kinds.entry(c.kind.clone()).or_default() += 1;
            }
            let intrinsics = intrinsic_spans(Path::new(&file.file));
            for f in &file.findings {
                *per_rule.entry(f.rule).or_default() += 1;
                // A parameter's literal default, or all its allowed values, are known: such a
                // finding says which it used.
                let named =
                    f.message.contains("with the default of parameter") || f.message.contains("every allowed value of");
                let inside = intrinsics
                    .iter()
                    .any(|s| f.span.start >= s.start && f.span.end <= s.end);
                assert!(named || !inside, "a finding on an intrinsic function: {f:#?}");
            }
        }
        eprintln!(
            "ecs-cfn, --target {target:?}: {} templates, resources {kinds:?}, findings per rule {per_rule:?}",
            outcome.files.len()
        );
        assert_eq!(outcome.files.len(), 7);
        assert_eq!(kinds.get("AWS::ECS::TaskDefinition"), Some(&7), "{kinds:?}");
        assert_eq!(kinds.get("AWS::ECS::Service"), Some(&7), "{kinds:?}");
    }
}
