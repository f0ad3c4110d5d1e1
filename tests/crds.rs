//! Custom resources validated against their CustomResourceDefinitions (tests/fixtures/crds: a
//! CRD and its custom resources, one case each), found among the inputs, through `--crd` and
//! through `crds:` in .k2e.yaml; and `k2e schemas export`, whose files `--schema-dir` reads back.

mod common;

use common::run::{Run, k2e_in};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crds")
}

fn lint(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["lint", "--color", "never"];
    all.extend_from_slice(args);
    k2e_in(dir, &all)
}

/// `(file name, line, column, rule)` of every finding of a JSON report, in report order.
fn positions(run: &Run) -> Vec<(String, usize, usize, String)> {
    let report: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap_or_default();
            let name = Path::new(file).file_name().and_then(|n| n.to_str()).unwrap_or_default();
            (
                name.to_owned(),
                f["line"].as_u64().unwrap_or_default() as usize,
                f["column"].as_u64().unwrap_or_default() as usize,
                f["rule"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn at(file: &str, line: usize, column: usize, rule: &str) -> (String, usize, usize, String) {
    (file.to_owned(), line, column, rule.to_owned())
}

/// What the CRDs say of widgets.yaml, case by case (the comment names the custom resource).
fn widget_findings() -> Vec<(String, usize, usize, String)> {
    vec![
        at("widgets.yaml", 27, 3, "K8S001"), // unknown-field: `colour`, pruned by the API server
        at("widgets.yaml", 34, 9, "K8S002"), // wrong-type: size "three"
        at("widgets.yaml", 50, 9, "K8S002"), // int-or-string-invalid: port true
        at("widgets.yaml", 71, 11, "K8S004"), // duplicate-key: list-map key name "http" again
        at("widgets.yaml", 74, 13, "K8S007"), // unserved: v1beta1 has served: false
        at("widgets.yaml", 89, 7, "K8S005"), // invalid-crd: Gadget's CRD is not structural
        at("widgets.yaml", 101, 3, "K8S003"), // embedded-without-kind: template needs kind
    ]
}

#[test]
fn custom_resources_are_validated_against_crds_among_the_inputs() {
    let run = lint(&fixtures(), &["--no-config", "--format", "json", "."]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let mut expected = vec![at("crds.yaml", 72, 11, "K8S008")];
    expected.extend(widget_findings());
    assert_eq!(positions(&run), expected);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    // Valid, preserved, int-or-string and null-field pass; the unserved and the invalid-CRD
    // ones are not validated; the two CRDs are validated by the bundled schema.
    assert_eq!(report["summary"]["objects_validated"], 11);
    assert_eq!(report["summary"]["objects_not_validated"], 2);
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages
            .contains(&"example.com/v1 Gadget: its CustomResourceDefinition at crds.yaml:56 is invalid; not validated"),
        "{messages:#?}"
    );
    assert!(
        messages.contains(&"Duplicate value: {\"name\":\"http\"}"),
        "{messages:#?}"
    );
    let human = lint(&fixtures(), &["--no-config", "."]);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("crds-human", human.stdout));
}

#[test]
fn crds_named_with_the_crd_option_validate_the_inputs() {
    let run = lint(
        &fixtures(),
        &["--no-config", "--format", "json", "--crd", "crds.yaml", "widgets.yaml"],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    // The --crd file is not linted, but a CRD the API server would refuse is still reported.
    let mut expected = vec![at("crds.yaml", 72, 11, "K8S008")];
    expected.extend(widget_findings());
    assert_eq!(positions(&run), expected);
}

#[test]
fn crds_named_in_the_config_validate_the_inputs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("crds")).unwrap();
    std::fs::copy(fixtures().join("crds.yaml"), dir.path().join("crds/all.yaml")).unwrap();
    std::fs::copy(fixtures().join("widgets.yaml"), dir.path().join("widgets.yaml")).unwrap();
    std::fs::write(dir.path().join(".k2e.yaml"), "crds:\n  - crds\n").unwrap();
    let run = lint(dir.path(), &["--format", "json", "widgets.yaml"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let mut expected = vec![at("all.yaml", 72, 11, "K8S008")];
    expected.extend(widget_findings());
    assert_eq!(positions(&run), expected);
    // Without the config the custom resources have no schema.
    let bare = lint(dir.path(), &["--no-config", "--format", "json", "widgets.yaml"]);
    let rules: Vec<String> = positions(&bare).into_iter().map(|(_, _, _, r)| r).collect();
    assert!(!rules.is_empty() && rules.iter().all(|r| r == "K8S005"), "{rules:?}");
}

#[test]
fn a_crd_path_that_does_not_exist_is_an_error_naming_its_setting() {
    let run = lint(&fixtures(), &["--no-config", "--crd", "missing.yaml", "widgets.yaml"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("--crd missing.yaml: no such file or folder"),
        "{}",
        run.stderr
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".k2e.yaml"), "crds:\n  - gone\n").unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
    )
    .unwrap();
    let run = lint(dir.path(), &["a.yaml"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("crds in .k2e.yaml") && run.stderr.contains("gone: no such file or folder"),
        "{}",
        run.stderr
    );
}

fn export(dir: &Path, out: &Path, extra: &[&str]) -> Run {
    let crds = fixtures().join("crds.yaml");
    let mut args = vec!["schemas", "export", crds.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    k2e_in(dir, &args)
}

#[test]
fn export_writes_kubeconform_layouts_and_keeps_existing_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schemas");
    let run = export(dir.path(), &out, &[]);
    // Gadget's CRD is invalid: reported at its key, exit 2; Widget's schema is still written.
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("crds.yaml:72:11: error K8S008 invalid CustomResourceDefinition: type must not be empty for specified object fields"),
        "{}",
        run.stderr
    );
    let written = out.join("example.com/widget_v1.json");
    let schema: Value = serde_json::from_slice(&std::fs::read(&written).unwrap()).unwrap();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["properties"]["spec"]["additionalProperties"], false);
    assert!(run.stdout.contains("wrote "), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "-schema-location '{}/{{{{.Group}}}}/{{{{.ResourceKind}}}}_{{{{.ResourceAPIVersion}}}}.json'",
            out.display()
        )),
        "{}",
        run.stdout
    );
    // Served versions only: v1beta1 is not.
    assert_eq!(std::fs::read_dir(out.join("example.com")).unwrap().count(), 1);

    std::fs::write(&written, "{}").unwrap();
    let again = export(dir.path(), &out, &[]);
    assert!(
        again.stderr.contains("exists already; pass --force"),
        "{}",
        again.stderr
    );
    assert_eq!(std::fs::read_to_string(&written).unwrap(), "{}", "kept without --force");
    let forced = export(dir.path(), &out, &["--force"]);
    assert!(forced.stdout.contains("wrote "), "{}", forced.stdout);
    assert_ne!(
        std::fs::read_to_string(&written).unwrap(),
        "{}",
        "replaced with --force"
    );

    let flat = dir.path().join("flat");
    let run = export(dir.path(), &flat, &["--flat"]);
    assert!(flat.join("widget_v1.json").is_file(), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("/flat/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'"),
        "{}",
        run.stdout
    );
}

/// The exported files, read back by --schema-dir in both layouts, report what the CRD reports,
/// except what JSON Schema cannot say (list-map keys) and what needs the CRD itself (served
/// versions, its validity): those custom resources have no schema file.
#[test]
fn exported_schemas_serve_schema_dir_in_both_layouts() {
    let dir = tempfile::tempdir().unwrap();
    for (name, extra) in [("nested", &[][..]), ("flat", &["--flat"][..])] {
        let out = dir.path().join(name);
        export(dir.path(), &out, extra);
        let run = lint(
            &fixtures(),
            &[
                "--no-config",
                "--format",
                "json",
                "--schema-dir",
                out.to_str().unwrap(),
                "widgets.yaml",
            ],
        );
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        let expected: Vec<_> = widget_findings()
            .into_iter()
            .filter(|(_, line, _, _)| *line != 71)
            .map(|f| match f.1 {
                74 => at("widgets.yaml", 75, 7, "K8S005"),
                _ => f,
            })
            .collect();
        assert_eq!(positions(&run), expected, "{name}");
    }
}

/// A CRD of `group`/`kind` whose one version `name` has a field `a` with `pattern`.
fn crd(group: &str, kind: &str, version: &str, pattern: &str) -> String {
    format!(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.{group}\nspec:\n  group: {group}\n  scope: Namespaced\n  names: {{plural: things, singular: thing, kind: {kind}}}\n  versions:\n  - name: {version}\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          a: {{type: string, pattern: '{pattern}'}}\n"
    )
}

/// Pointers are per document: each CRD of a multi-document file has its own problems.
#[test]
fn the_second_crd_of_a_file_does_not_take_the_first_ones_problems() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}---\n{}",
        crd("a.example.com", "Bad", "v1", "(unclosed"),
        crd("b.example.com", "Good", "v1", "^a$")
    );
    std::fs::write(dir.path().join("crds.yaml"), text).unwrap();
    let run = lint(dir.path(), &["--no-config", "--format", "json", "crds.yaml"]);
    assert_eq!(positions(&run), [at("crds.yaml", 14, 7, "K8S008")], "{}", run.stdout);
}

/// A `--crd` file's CRD whose schema cannot be compiled is reported (K8S008), so the K8S005
/// of its custom resources has a finding to point at.
#[test]
fn a_crd_option_file_reports_schemas_that_cannot_be_compiled() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("crds.yaml"),
        crd("example.com", "Thing", "v1", "(unclosed"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("things.yaml"),
        "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\na: x\n",
    )
    .unwrap();
    let run = lint(
        dir.path(),
        &["--no-config", "--format", "json", "--crd", "crds.yaml", "things.yaml"],
    );
    assert_eq!(
        positions(&run),
        [at("crds.yaml", 14, 7, "K8S008"), at("things.yaml", 2, 7, "K8S005")],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("fix the CustomResourceDefinition (K8S008)"),
        "{}",
        run.stdout
    );
}

/// Names from the input never reach outside the output folder: the API server's rules for
/// group, kind and version names refuse them first, at their key, and nothing is written.
#[test]
fn export_refuses_names_that_would_leave_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let text = [
        crd("../../escape.io", "Thing", "v1", "^a$"),
        crd("example.com", "../Thing", "v1", "^a$"),
        crd("example.com", "Thing", "../../v1", "^a$"),
    ]
    .join("---\n");
    std::fs::write(dir.path().join("crds.yaml"), text).unwrap();
    let out = dir.path().join("out/schemas");
    let run = k2e_in(
        dir.path(),
        &["schemas", "export", "crds.yaml", "-o", out.to_str().unwrap(), "--force"],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    for expected in [
        "crds.yaml:6:3: error K8S008 invalid CustomResourceDefinition: spec.group: Invalid value: \"../../escape.io\"",
        "crds.yaml:26:44: error K8S008 invalid CustomResourceDefinition: spec.names.kind: Invalid value: \"../Thing\"",
        "crds.yaml:46:5: error K8S008 invalid CustomResourceDefinition: spec.versions[0].name: Invalid value: \"../../v1\"",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    assert!(run.stdout.contains("0 schemas written"), "{}", run.stdout);
    let entries: Vec<_> = walk(dir.path());
    assert_eq!(entries, ["crds.yaml"], "nothing written anywhere");
}

/// Every file under `dir`, relative, sorted.
fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}
