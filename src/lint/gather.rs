//! What one file tells about the others, read before any file is checked: the
//! CustomResourceDefinitions that validate custom resources wherever they are, and the Pod
//! Security labels of Namespaces, which set the level for the pods in them.
//!
//! Every regular input file is read whole here, and again when it is linted; only those whose
//! bytes mention `CustomResourceDefinition` or `pod-security.kubernetes.io` are parsed here too
//! (so those are parsed twice). Standard input is read once, here, and handed to the lint. A
//! pipe or device named as a path (`<(helm template ...)`) is not read here: it can be read only
//! once, by the lint, so what it holds is not gathered. `--crd`/`crds:` files are read and
//! parsed here only.

use crate::detect::{Detected, detect};
use crate::discover::{Input, Walk, discover_with};
use crate::finding::{Finding, LineIndex, Severity, ids};
use crate::input;
use crate::parse::{self, Document, Format, Limits};
use crate::validate::{CrdInput, Validators, crd};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// A Namespace among the inputs and its labels.
#[derive(Clone, Debug)]
pub struct Namespace {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Default)]
pub struct Gathered {
    /// From the inputs first, then from `--crd` and `crds:` paths, each in file order.
    pub crds: Vec<CrdInput>,
    pub namespaces: Vec<Namespace>,
    /// Files named by `--crd`/`crds:` (and not linted) that could not be read or parsed, and
    /// the CRDs in them the API server would refuse (K8S008).
    pub problems: Vec<Finding>,
    /// How many `--crd`/`crds:` files were read.
    pub crd_files: usize,
    /// Standard input, read here once since it cannot be read twice; taken by the lint.
    pub stdin: Mutex<Option<Result<Vec<u8>, input::Error>>>,
}

/// What any input mentions before it can hold a CRD or a Pod Security label.
const MARKERS: [&[u8]; 2] = [b"CustomResourceDefinition", b"pod-security.kubernetes.io"];

pub fn collect(
    inputs: &[Input],
    crd_paths: &[PathBuf],
    walk: Walk,
    bounds: &input::Options,
    limits: &Limits,
    validators: &Validators,
) -> Gathered {
    let mut gathered = Gathered::default();
    if inputs.contains(&Input::Stdin) {
        let read = input::stdin(bounds).read_all();
        if let Ok(bytes) = &read {
            gather_text("<stdin>", bytes, Format::Sniff, limits, &mut gathered);
        }
        gathered.stdin = Mutex::new(Some(read));
    }
    let files: Vec<&Input> = inputs.iter().filter(|i| matches!(i, Input::File(_))).collect();
    let from_inputs: Vec<Gathered> = files
        .par_iter()
        .map(|input| {
            let mut part = Gathered::default();
            let name = input.display();
            // An input that cannot be read is reported when it is linted. Only regular files
            // are read here: a pipe or a device (`/dev/stdin`, `<(helm template ...)`) can be
            // read once, by the lint.
            let regular = |p: &std::path::Path| std::fs::metadata(p).is_ok_and(|m| m.is_file());
            let path = input.path().filter(|p| regular(p));
            if let Some(bytes) = path.and_then(|p| input::open(p, bounds).ok()?.read_all().ok()) {
                gather_text(&name, &bytes, Format::of(&name, Format::Yaml), limits, &mut part);
            }
            part
        })
        .collect();
    let (extra, walk_problems) = crd_files(crd_paths, walk, inputs);
    gathered.problems = walk_problems;
    gathered.crd_files = extra.len();
    let from_paths: Vec<Gathered> = extra
        .par_iter()
        .map(|input| {
            let mut part = Gathered::default();
            let name = input.display();
            let read = input
                .path()
                .map(|p| input::open(p, bounds).and_then(input::Reader::read_all));
            match read {
                Some(Ok(bytes)) => {
                    let format = Format::of(&name, Format::Yaml);
                    let docs = gather_text(&name, &bytes, format, limits, &mut part);
                    part.problems.extend(syntax_errors(&name, &docs));
                    part.problems.extend(invalid_crds(&name, &docs, validators));
                }
                Some(Err(e)) => part.problems.push(unreadable(&name, e)),
                None => {}
            }
            part.namespaces.clear();
            part
        })
        .collect();
    for part in from_inputs.into_iter().chain(from_paths) {
        gathered.crds.extend(part.crds);
        gathered.namespaces.extend(part.namespaces);
        gathered.problems.extend(part.problems);
    }
    gathered
}

/// The CRDs of `paths` alone, and what is wrong with them and their files: `k2e schemas export`
/// reads them as a lint run reads `--crd` files.
pub fn crd_paths(paths: &[PathBuf], bounds: &input::Options, limits: &Limits, validators: &Validators) -> Gathered {
    collect(&[], paths, Walk::default(), bounds, limits, validators)
}

/// What one text held in memory tells (`lint_text`: tests and fuzzing).
pub fn of_text(name: &str, bytes: &[u8], format: Format, limits: &Limits) -> Gathered {
    let mut gathered = Gathered::default();
    gather_text(name, bytes, format, limits, &mut gathered);
    gathered
}

/// The files under `--crd`/`crds:` paths that are not inputs already (those are gathered, and
/// their problems reported, as inputs).
fn crd_files(paths: &[PathBuf], walk: Walk, inputs: &[Input]) -> (Vec<Input>, Vec<Finding>) {
    if paths.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let found = discover_with(paths, walk);
    let known: std::collections::BTreeSet<PathBuf> = inputs
        .iter()
        .filter_map(|i| i.path().and_then(|p| std::fs::canonicalize(p).ok()))
        .collect();
    let files = found
        .inputs
        .into_iter()
        .filter(|i| matches!(i, Input::File(p) if !crate::frontend::is_terraform(&p.to_string_lossy())))
        .filter(|i| {
            i.path()
                .and_then(|p| std::fs::canonicalize(p).ok())
                .is_none_or(|p| !known.contains(&p))
        })
        .collect();
    (files, found.problems)
}

/// Parses `bytes` when they mention a marker and records what they hold; returns the
/// documents parsed (none when no marker was found).
fn gather_text(name: &str, bytes: &[u8], format: Format, limits: &Limits, out: &mut Gathered) -> Vec<Document> {
    if crate::frontend::is_terraform(name) || !MARKERS.iter().any(|m| memchr::memmem::find(bytes, m).is_some()) {
        return Vec::new();
    }
    let (docs, _) = parse::documents(bytes, format, limits, parse::MAX_DOCUMENTS);
    for doc in &docs {
        gather_document(name, doc, out);
    }
    docs
}

fn gather_document(name: &str, doc: &Document, out: &mut Gathered) {
    let Some(root) = &doc.root else {
        return;
    };
    let Detected::Kubernetes(objects) = detect(root) else {
        return;
    };
    let lines = LineIndex::of(doc);
    for obj in objects {
        let line = lines.position(obj.node.span.start).line;
        match (obj.api_version, obj.kind) {
            _ if crd::is_crd(&obj) => out.crds.push(CrdInput {
                file: name.to_owned(),
                line,
                document: doc.index,
                pointer: obj.pointer.clone(),
                value: obj.node.to_json(),
            }),
            ("v1", "Namespace") => {
                let labels = obj.node.pointer("/metadata/labels").map(|(l, _)| l.to_json());
                let labels = labels
                    .as_ref()
                    .and_then(serde_json::Value::as_object)
                    .map(|l| {
                        l.iter()
                            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(ns) = obj.name {
                    out.namespaces.push(Namespace {
                        name: ns.to_owned(),
                        labels,
                        file: name.to_owned(),
                        line,
                    });
                }
            }
            _ => {}
        }
    }
}

/// K8S008 for the CRDs of a `--crd` file the API server would refuse (those among the inputs
/// are reported when they are linted), as the lint reports them, compile problems included.
fn invalid_crds(name: &str, docs: &[Document], validators: &Validators) -> Vec<Finding> {
    let mut out = Vec::new();
    for doc in docs {
        let Some(Detected::Kubernetes(objects)) = doc.root.as_ref().map(detect) else {
            continue;
        };
        for obj in objects.iter().filter(|o| crd::is_crd(o)) {
            out.extend(validators.check_crd_file(name, doc, obj));
        }
    }
    out
}

/// The first syntax error of each document of a `--crd` file: its CRDs may be missing.
fn syntax_errors(name: &str, docs: &[Document]) -> Vec<Finding> {
    docs.iter()
        .filter_map(|doc| {
            let e = doc.errors.first()?;
            let message = format!("{} (CustomResourceDefinitions in it may be missing)", e.message);
            Some(Finding::at(ids::SYNTAX, Severity::Error, name, doc, e.span, message))
        })
        .collect()
}

fn unreadable(name: &str, e: input::Error) -> Finding {
    let e: parse::InputError = e.into();
    let message = format!("{e} (CustomResourceDefinitions in it are missing)");
    Finding::file(ids::UNREADABLE, Severity::Error, name, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRD: &str = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n";

    #[test]
    fn crds_and_namespace_labels_are_gathered_with_their_lines() {
        let text = format!(
            "{CRD}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n"
        );
        let mut out = Gathered::default();
        gather_text("all.yaml", text.as_bytes(), Format::Yaml, &Limits::default(), &mut out);
        assert_eq!(out.crds.len(), 1);
        assert_eq!(
            (out.crds[0].line, out.crds[0].value["spec"]["group"].as_str()),
            (1, Some("example.com"))
        );
        assert_eq!(out.namespaces.len(), 1);
        let ns = &out.namespaces[0];
        assert_eq!((ns.name.as_str(), ns.line), ("apps", 8));
        assert_eq!(ns.labels["pod-security.kubernetes.io/enforce"], "restricted");
    }

    #[test]
    fn files_without_a_marker_are_not_parsed() {
        let mut out = Gathered::default();
        let docs = gather_text(
            "a.yaml",
            b"kind: Namespace\nmetadata: {name: x}\n",
            Format::Yaml,
            &Limits::default(),
            &mut out,
        );
        assert!(docs.is_empty() && out.namespaces.is_empty());
    }

    #[test]
    fn crd_paths_are_walked_and_their_problems_reported() {
        let dir = tempfile::tempdir().unwrap();
        let crd = |version: &str, pattern: &str| {
            format!(
                "apiVersion: apiextensions.k8s.io/{version}\nkind: CustomResourceDefinition\nmetadata: {{name: ws.example.com}}\nspec:\n  group: example.com\n  names: {{kind: W, plural: ws}}\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          a: {{type: string, pattern: '{pattern}'}}\n"
            )
        };
        std::fs::write(dir.path().join("a.yaml"), crd("v1", "^a$")).unwrap();
        std::fs::write(dir.path().join("b.yaml"), "kind: CustomResourceDefinition\n  bad: [\n").unwrap();
        std::fs::write(dir.path().join("c.yaml"), crd("v1", "(unclosed")).unwrap();
        std::fs::write(dir.path().join("d.yaml"), crd("v1beta1", "^a$")).unwrap();
        let bounds = input::Options {
            limit: 1 << 20,
            allow_special_files: false,
        };
        let validators = Validators::new("1.37", Vec::new()).unwrap();
        let got = crd_paths(&[dir.path().to_path_buf()], &bounds, &Limits::default(), &validators);
        assert_eq!((got.crds.len(), got.crd_files), (3, 4));
        let problems: Vec<(String, &str, usize)> = got
            .problems
            .iter()
            .map(|f| {
                let name = std::path::Path::new(&f.file).file_name().unwrap();
                (name.to_string_lossy().into_owned(), f.rule, f.start.line)
            })
            .collect();
        assert_eq!(
            problems,
            [
                ("b.yaml".to_owned(), ids::SYNTAX, 2),
                ("c.yaml".to_owned(), ids::K8S_INVALID_CRD, 13),
                ("d.yaml".to_owned(), ids::K8S_INVALID_CRD, 1),
            ]
        );
        assert!(
            got.problems[2].message.contains("not apiextensions.k8s.io/v1"),
            "{:?}",
            got.problems[2]
        );
    }
}
