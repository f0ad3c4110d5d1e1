//! Embeds every `rules/*.yaml` data file, so the registry and the docs cannot drift apart.

use std::fmt::Write;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=rules");
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
