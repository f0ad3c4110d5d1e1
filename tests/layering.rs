//! The layering of `src/` (README, Layout): a module may use only the modules its line of
//! `ALLOWED` names, all of them below it. This test reads every `crate::MODULE` reference in
//! `src/` (comments included, to stay simple and strict) and fails when a module uses one its
//! line does not name, or when a module of `src/` has no line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of `src/`, bottom layer first, and the modules it may use.
const ALLOWED: &[(&str, &[&str])] = &[
    ("input", &[]),
    ("globs", &[]),
    ("threads", &[]),
    ("parse", &["input"]),
    ("finding", &["parse"]),
    ("detect", &["parse"]),
    ("frontend", &["input", "parse"]),
    ("discover", &["finding", "threads"]),
    ("outcome", &["discover", "finding"]),
    ("model", &["parse", "detect", "frontend"]),
    ("rules", &["parse", "detect", "finding", "model", "globs"]),
    (
        "validate",
        &["input", "parse", "detect", "finding", "discover", "model", "rules"],
    ),
    (
        "config",
        &["input", "parse", "finding", "globs", "outcome", "rules", "validate"],
    ),
    (
        "lint",
        &[
            "input", "parse", "detect", "frontend", "finding", "discover", "threads", "outcome", "model", "rules",
            "validate", "config",
        ],
    ),
    // The commands do not use each other; estimate asks rules which Fargate findings block.
    (
        "convert",
        &["input", "parse", "detect", "frontend", "finding", "discover", "model"],
    ),
    (
        "estimate",
        &[
            "input", "parse", "detect", "frontend", "finding", "discover", "model", "rules",
        ],
    ),
    ("report", &["finding", "discover", "outcome", "rules"]),
    (
        "cli",
        &[
            "input", "parse", "finding", "threads", "rules", "validate", "config", "lint", "convert", "estimate",
            "report",
        ],
    ),
];

/// Crate roots, not layers: they declare the modules (and main runs cli).
const ROOTS: &[&str] = &["lib", "main"];

/// The top-level module a file of `src/` belongs to (`src/model/k8s.rs` -> `model`).
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_owned())
}

/// The top-level modules a source text names as `crate::NAME`.
fn used(text: &str) -> BTreeSet<String> {
    text.match_indices("crate::")
        .filter(|(at, _)| !text[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
        .map(|(at, _)| {
            text[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

fn uses_by_module() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let module = module_of(path.strip_prefix(&src).unwrap()).unwrap();
                let text = std::fs::read_to_string(&path).unwrap();
                let entry = uses.entry(module.clone()).or_default();
                entry.extend(used(&text).into_iter().filter(|m| *m != module));
            }
        }
    }
    // `crate::NAME` may also be an exported macro (`crate::convert_map!`): keep modules only.
    let modules: BTreeSet<String> = uses.keys().cloned().collect();
    for used in uses.values_mut() {
        used.retain(|m| modules.contains(m));
    }
    uses
}

#[test]
fn modules_use_only_the_layers_below_them() {
    let uses = uses_by_module();
    let mut broken = Vec::new();
    for (module, allowed) in ALLOWED {
        for used in uses.get(*module).into_iter().flatten() {
            if !allowed.contains(&used.as_str()) {
                broken.push(format!("src/{module} uses crate::{used}"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "layering broken (README, Layout):\n{}",
        broken.join("\n")
    );
}

#[test]
fn every_module_has_its_layer_and_uses_only_earlier_ones() {
    let modules: BTreeSet<String> = uses_by_module()
        .into_keys()
        .filter(|m| !ROOTS.contains(&m.as_str()))
        .collect();
    let listed: Vec<&str> = ALLOWED.iter().map(|(m, _)| *m).collect();
    let unlisted: Vec<&String> = modules.iter().filter(|m| !listed.contains(&m.as_str())).collect();
    assert!(
        unlisted.is_empty(),
        "modules of src/ with no line in ALLOWED: {unlisted:?}"
    );
    for (at, (module, allowed)) in ALLOWED.iter().enumerate() {
        assert!(
            modules.contains(*module),
            "ALLOWED names {module}, which src/ does not have"
        );
        for used in *allowed {
            let below = listed[..at].contains(used);
            assert!(below, "{module} may use {used}, which is not listed before it");
        }
    }
}

/// Only the CLI parses arguments, prints and exits: lint, convert and estimate are libraries that
/// return what the CLI shows.
#[test]
fn only_the_cli_parses_arguments_prints_and_exits() {
    const CLI_ONLY: &[&str] = &[
        "clap",
        "println!",
        "print!(",
        "eprintln!",
        "eprint!(",
        "process::exit",
        "io::stdout",
        "io::stderr",
    ];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let module = module_of(path.strip_prefix(&src).unwrap()).unwrap();
            if module == "cli" || module == "main" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for what in CLI_ONLY.iter().filter(|w| text.contains(*w)) {
                    broken.push(format!("{} uses {what}", path.strip_prefix(&src).unwrap().display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "only src/cli may do this:\n{}", broken.join("\n"));
}

#[test]
fn the_layer_check_sees_uses() {
    let text = "use crate::parse::Node;\nfn f() { crate::model::quantity::request(\"1\"); }\n// not_crate::x";
    assert_eq!(used(text), BTreeSet::from(["model".to_owned(), "parse".to_owned()]));
    assert_eq!(module_of(Path::new("model/k8s.rs")).as_deref(), Some("model"));
    assert_eq!(module_of(Path::new("input.rs")).as_deref(), Some("input"));
}
