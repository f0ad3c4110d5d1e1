//! Embeds every `rules/*.yaml` data file, so the registry and the docs cannot drift apart.

use std::fmt::Write;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    // The corpus tests are compiled as ignored unless K2E_CORPUS is set, so `cargo test` on a
    // fresh clone says "ignored" for them instead of a pass that checked nothing.
    println!("cargo:rerun-if-env-changed=K2E_CORPUS");
    println!("cargo::rustc-check-cfg=cfg(k2e_corpus)");
    if std::env::var_os("K2E_CORPUS").is_some_and(|v| !v.is_empty()) {
        println!("cargo:rustc-cfg=k2e_corpus");
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("rules/ is part of the crate")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut out = String::from("pub static RULE_FILES: &[(&str, &str)] = &[\n");
    for path in files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        writeln!(out, "    ({name:?}, include_str!({:?})),", path.display().to_string()).ok();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("rule_files.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
