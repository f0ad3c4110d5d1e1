//! Schema findings speak of the manifest, never of JSON Schema: no message shows the validator's
//! own keyword text ("oneOf", "is not valid under any of the given schemas", ...), on the
//! fixtures and, when K2E_CORPUS is set, on the public corpus. A null int-or-string is unset.

mod common;
use common::corpus::corpus;
use k2e::lint::{self, Options, Outcome};
use k2e::rules::Target;
use k2e::validate::Validators;
use std::path::{Path, PathBuf};

/// Text that only the JSON Schema validator writes.
const RAW: &[&str] = &[
    "oneOf",
    "anyOf",
    "allOf",
    "schemas listed",
    "given schemas",
    "keyword",
    "is not of type",
    "is a required property",
    "Additional properties",
    "Unevaluated",
    "False schema",
    "is not compliant with",
    "was expected",
    "is less than the minimum",
    "is greater than the maximum",
];

fn lint_paths(paths: Vec<PathBuf>) -> Outcome {
    let opts = Options {
        no_ignore: true,
        target: Target::Auto,
        today: "2026-11-21".to_owned(),
        ..Options::new(paths)
    };
    lint::run(
        &opts,
        &Validators::new("1.37", Vec::new()).expect("bundled schemas load"),
    )
}

/// Every finding whose message (or help) quotes the validator, as `file:line message`.
fn raw_messages(outcome: &Outcome) -> Vec<String> {
    let mut bad = Vec::new();
    for file in &outcome.files {
        for f in file.findings.iter().chain(&file.suppressed) {
            let texts = [Some(f.message.as_str()), f.help.as_deref(), f.label.as_deref()];
            if texts.into_iter().flatten().any(|t| RAW.iter().any(|r| t.contains(r))) {
                bad.push(format!("{}:{} {} {}", f.file, f.start.line, f.rule, f.message));
            }
        }
    }
    bad
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn fixtures_get_no_json_schema_words() {
    let outcome = lint_paths(vec![fixtures()]);
    assert!(
        outcome.files.iter().any(|f| !f.findings.is_empty()),
        "the fixtures have findings"
    );
    let bad = raw_messages(&outcome);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
#[cfg_attr(not(k2e_corpus), ignore = "needs K2E_CORPUS, the public corpus folder (see README)")]
fn corpus_gets_no_json_schema_words() {
    let Some(dir) = corpus() else { return };
    let bad = raw_messages(&lint_paths(vec![dir]));
    assert!(
        bad.is_empty(),
        "{} messages:\n{}",
        bad.len(),
        bad.iter().take(50).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn a_null_int_or_string_is_unset_and_other_oneof_failures_are_worded() {
    let dir = std::env::temp_dir().join(format!("k2e-schema-messages-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("deployment.yaml");
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  strategy:\n    rollingUpdate:\n      maxUnavailable:\n      maxSurge: 1.5\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: \"nginx:1.27\"}]\n";
    std::fs::write(&file, text).unwrap();
    let outcome = lint_paths(vec![file]);
    std::fs::remove_dir_all(&dir).ok();
    let schema: Vec<(usize, String)> = outcome
        .files
        .iter()
        .flat_map(|f| &f.findings)
        .filter(|f| f.rule.starts_with("K8S00"))
        .map(|f| (f.start.line, f.message.clone()))
        .collect();
    assert_eq!(
        schema,
        [(8, "\"maxSurge\" must be string or integer, found number 1.5".to_owned())]
    );
}
