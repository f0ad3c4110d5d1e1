//! The layering of `src/` (README, Layout): a module may use only the layers below it. This
//! test reads every `crate::MODULE` reference in `src/` (comments included, to stay simple and
//! strict) and fails when one of the modules in `ALLOWED`, the ones that already keep to their
//! layer, uses a module above it. The modules above the model layer join the table as they are
//! moved onto it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module and the top-level modules it may use.
const ALLOWED: &[(&str, &[&str])] = &[
    ("input", &[]),
    ("parse", &["input"]),
    ("detect", &["parse"]),
    ("finding", &["parse"]),
    ("model", &["parse", "detect"]),
    ("globs", &[]),
    ("outcome", &["discover", "finding"]),
];

/// Uses that once made cycles, kept out while their modules are not yet in `ALLOWED`: a
/// module and one above it (the lint driver, the config that reads rules, another command).
const FORBIDDEN: &[(&str, &str)] = &[
    ("rules", "lint"),
    ("rules", "config"),
    ("config", "lint"),
    ("report", "lint"),
    ("estimate", "convert"),
];

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
    uses
}

#[test]
fn lower_layers_use_only_the_layers_below_them() {
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
fn modules_do_not_use_the_modules_above_them_they_once_did() {
    let uses = uses_by_module();
    let broken: Vec<String> = FORBIDDEN
        .iter()
        .filter(|(module, above)| uses.get(*module).is_some_and(|u| u.contains(*above)))
        .map(|(module, above)| format!("src/{module} uses crate::{above}"))
        .collect();
    assert!(
        broken.is_empty(),
        "layering broken (README, Layout):\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_layer_check_sees_uses() {
    let text = "use crate::parse::Node;\nfn f() { crate::model::quantity::request(\"1\"); }\n// not_crate::x";
    assert_eq!(used(text), BTreeSet::from(["model".to_owned(), "parse".to_owned()]));
    assert_eq!(module_of(Path::new("model/k8s.rs")).as_deref(), Some("model"));
    assert_eq!(module_of(Path::new("input.rs")).as_deref(), Some("input"));
}
