//! Reads every `rules/*.yaml` data file at build time: embeds its text, so the registry and the
//! docs cannot drift apart, and makes its `const_name` a constant holding its id, so adding a rule
//! needs no hand-kept list of ids (src/finding/ids.rs includes the result).

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=rules");
    // The corpus tests are compiled as ignored unless K2E_CORPUS is set, so `cargo test` on a
    // fresh clone says "ignored" for them instead of a pass that checked nothing.
    println!("cargo:rerun-if-env-changed=K2E_CORPUS");
    println!("cargo::rustc-check-cfg=cfg(k2e_corpus)");
    if std::env::var_os("K2E_CORPUS").is_some_and(|v| !v.is_empty()) {
        println!("cargo:rustc-cfg=k2e_corpus");
    }
    let rules: Vec<RuleFile> = rule_files().iter().map(|p| RuleFile::read(p)).collect();
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("rule_ids.rs");
    std::fs::write(dest, generate(&rules)).expect("OUT_DIR is writable");
}

fn rule_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("rules/ is part of the crate")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// What the build needs of one data file: its top-level `id:` and `const_name:` lines. The
/// rest is read at run time by the crate's own YAML parser (src/rules/mod.rs), which the build
/// script cannot use.
struct RuleFile {
    file: String,
    path: String,
    id: String,
    const_name: String,
}

impl RuleFile {
    fn read(path: &Path) -> RuleFile {
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
                .map(|v| v.trim().trim_matches('"').to_owned())
                .unwrap_or_else(|| panic!("rules/{file} has no top-level `{key}:` line"))
        };
        let (id, const_name) = (field("id"), field("const_name"));
        assert_eq!(
            format!("{id}.yaml"),
            file,
            "rules/{file}: id {id} does not match the file name"
        );
        assert!(
            const_name.starts_with(|c: char| c.is_ascii_uppercase())
                && const_name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
            "rules/{file}: const_name {const_name:?} is not an UPPER_SNAKE_CASE name"
        );
        RuleFile {
            path: path.display().to_string(),
            file,
            id,
            const_name,
        }
    }
}

fn generate(rules: &[RuleFile]) -> String {
    let mut out = String::from("/// Every rule data file: its name and its text.\n");
    out.push_str("pub static RULE_FILES: &[(&str, &str)] = &[\n");
    for r in rules {
        writeln!(out, "    ({:?}, include_str!({:?})),", r.file, r.path).ok();
    }
    out.push_str("];\n\n");
    let mut names = BTreeSet::new();
    for r in rules {
        assert!(
            names.insert(&r.const_name),
            "rules/{}: const_name {} is taken",
            r.file,
            r.const_name
        );
        writeln!(
            out,
            "/// Rule {} (rules/{}).\npub const {}: &str = {:?};",
            r.id, r.file, r.const_name, r.id
        )
        .ok();
    }
    out.push_str("\n/// Every rule id, sorted.\npub const ALL: &[&str] = &[\n");
    for r in rules {
        writeln!(out, "    {:?},", r.id).ok();
    }
    out.push_str("];\n");
    out
}
