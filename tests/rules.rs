//! Every rule's data file loads, and every example in it behaves as it says.

use k2e::finding::ids;
use k2e::lint::{self, Options};
use k2e::parse::Limits;
use k2e::rules::{self, RULE_FILES};
use k2e::rules::{Selection, Target};
use k2e::validate::Validators;

fn run_example(example: &rules::Example) -> Vec<k2e::finding::Finding> {
    let (file, text) = (&example.file, &example.text);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(file);
    std::fs::write(&path, text).unwrap();
    let config = example
        .config
        .as_deref()
        .map_or_else(k2e::config::Config::default, |text| {
            let mut config = k2e::config::Config::parse(".k2e.yaml", text).unwrap_or_else(|e| panic!("{e}"));
            config.root = dir.path().to_path_buf();
            config
        });
    let opts = Options {
        paths: vec![path],
        no_ignore: false,
        follow: false,
        max_file_size: 1 << 20,
        allow_special_files: false,
        max_documents: 100,
        limits: Limits::default(),
        snippets: true,
        record_checked: true,
        target: example
            .target
            .as_deref()
            .map(|t| Target::parse(t).unwrap_or_else(|| panic!("unknown target {t}")))
            .unwrap_or_default(),
        selection: Selection::default(),
        today: "2026-11-21".to_owned(),
        progress: None,
        crds: Vec::new(),
        // As the CLI does: the config's level when no --pod-security is given.
        pod_security: config.pod_security.unwrap_or_default(),
        config,
    };
    let validators = Validators::new("1.37", Vec::new()).unwrap();
    lint::run(&opts, &validators).findings().cloned().collect()
}

#[test]
fn every_rule_file_loads_and_matches_its_id() {
    for (name, text) in RULE_FILES {
        let rule = rules::load(name, text).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !rule.summary.is_empty() && !rule.fix.is_empty() && !rule.rationale.is_empty(),
            "{name}"
        );
    }
    // build.rs reads the `id:` lines by hand; the ids it generated are the ones the rules load.
    let loaded: Vec<&str> = rules::all().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(loaded, ids::ALL);
}

#[test]
fn fargate_rules_and_only_they_say_whether_they_block() {
    for rule in rules::all() {
        let fargate = rule.category == rules::Category::Fargate;
        assert_eq!(
            rule.fargate.is_some(),
            fargate,
            "rules/{}.yaml: `fargate:` (blocks, needs-change, blocks-unless-cpu-too-small) is for Fargate rules only, and each has one",
            rule.id
        );
        assert_eq!(rules::fargate_fit(&rule.id), rule.fargate);
    }
}

#[test]
fn every_example_reports_what_it_promises() {
    let mut checked = 0;
    for rule in rules::all() {
        for example in &rule.examples.fail {
            let found = run_example(example);
            let mut at: Vec<String> = found
                .iter()
                .filter(|f| f.rule == rule.id)
                .map(|f| format!("{}:{}", f.start.line, f.start.column))
                .collect();
            at.sort();
            let mut expected = example.expect.clone();
            expected.sort();
            assert_eq!(at, expected, "{}: fail example {}: {found:#?}", rule.id, example.file);
            for f in found.iter().filter(|f| f.rule == rule.id) {
                assert_eq!(
                    f.severity, rule.severity,
                    "{}: finding severity differs from the rule's",
                    rule.id
                );
            }
            checked += 1;
        }
        for example in &rule.examples.pass {
            let found = run_example(example);
            assert!(
                found.iter().all(|f| f.rule != rule.id),
                "{}: pass example {} reports it: {found:#?}",
                rule.id,
                example.file
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} examples ran");
}

/// Rules whose findings no example text can show, and why.
const WITHOUT_EXAMPLES: &[(&str, &str)] = &[
    ("K2E000", "an internal error: no input is meant to cause one"),
    ("K2E001", "a path that cannot be read, not a text"),
    (
        "K2E002",
        "bytes that are not UTF-8, which a YAML example cannot hold (tests/input_safety.rs)",
    ),
    ("K2E003", "a file over the size limit (tests/input_safety.rs)"),
    (
        "K2E004",
        "more documents than the limit allows (src/parse/stream.rs tests)",
    ),
    ("K2E020", "a broken --schema-dir file, not a manifest (tests/cli.rs)"),
    (
        "YML003",
        "nesting deeper than the limit (src/parse/yaml.rs and json.rs tests)",
    ),
    (
        "YML004",
        "more alias expansions than the limit (src/parse/yaml.rs tests)",
    ),
];

/// A rule's examples are its documentation (`k2e explain`) and its first test: each rule has a
/// fail and a pass example, unless its finding cannot come from a text.
#[test]
fn every_rule_has_a_fail_and_a_pass_example() {
    let missing: Vec<&str> = rules::all()
        .iter()
        .filter(|r| !WITHOUT_EXAMPLES.iter().any(|(id, _)| *id == r.id))
        .filter(|r| r.examples.fail.is_empty() || r.examples.pass.is_empty())
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a fail and a pass example: {missing:?}"
    );
    for (id, _) in WITHOUT_EXAMPLES {
        assert!(rules::get(id).is_some(), "{id} is listed but has no rules/{id}.yaml");
    }
}

/// The README table is generated from `rules/`: `K2E_BLESS=1 cargo test --test rules` rewrites it.
#[test]
fn readme_rules_table_is_generated_from_the_rule_files() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (begin, end) = ("<!-- rules-table:begin -->\n", "<!-- rules-table:end -->");
    let start = readme.find(begin).expect("README has a rules-table:begin marker") + begin.len();
    let stop = readme.find(end).expect("README has a rules-table:end marker");
    let table = rules::docs::markdown_table();
    if readme[start..stop] != table {
        if std::env::var_os("K2E_BLESS").is_some() {
            std::fs::write(path, format!("{}{table}{}", &readme[..start], &readme[stop..])).unwrap();
        } else {
            panic!("README.md rules table is out of date: run `K2E_BLESS=1 cargo test --test rules`");
        }
    }
}
