//! The inputs mutations start from: the test fixtures, the examples and every rule's pass and
//! fail examples (the fuzz corpus is seeded from them at run time, not committed).

use std::path::Path;

/// (name, bytes) of every seed under `root` (the repository), in a stable order.
pub fn all(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for dir in ["tests/fixtures", "examples"] {
        files(&root.join(dir), root, &mut seeds);
    }
    for rule in k2e::rules::all() {
        for (i, example) in rule.examples.fail.iter().chain(&rule.examples.pass).enumerate() {
            seeds.push((
                format!("rules/{}/{i}/{}", rule.id, example.file),
                example.text.clone().into_bytes(),
            ));
        }
    }
    seeds
}

fn files(dir: &Path, root: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            files(&path, root, out);
        } else if path
            .extension()
            .is_some_and(|e| ["yaml", "yml", "json", "tf"].iter().any(|x| e.eq_ignore_ascii_case(x)))
        {
            if let Ok(bytes) = std::fs::read(&path) {
                let name = path.strip_prefix(root).unwrap_or(&path).display().to_string();
                out.push((name, bytes));
            }
        }
    }
}

/// Writes the seeds into `dir` as files named after where they come from; returns how many.
pub fn write(root: &Path, dir: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let seeds = all(root);
    for (name, bytes) in &seeds {
        std::fs::write(dir.join(format!("seed-{}", name.replace(['/', '\\'], "_"))), bytes)?;
    }
    Ok(seeds.len())
}
