//! The dated facts (issue 12): every data file lives in src/model/facts/data/ and is embedded by
//! exactly one source file, and rules/ holds only the rule data files.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn each_fact_file_is_embedded_in_one_place() {
    let mut files = Vec::new();
    sources(&root().join("src"), &mut files);
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect();
    let data = root().join("src/model/facts/data");
    let mut checked = 0;
    for entry in std::fs::read_dir(&data).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "lock.json" {
            continue; // scripts/gen-ec2-catalog's record, not read by k2e
        }
        let embedding = format!("include_str!(\"data/{name}\")");
        let users: Vec<_> = texts
            .iter()
            .filter(|(_, text)| text.contains(&embedding) || text.contains(&format!("/{name}\")")))
            .map(|(p, _)| p.strip_prefix(root()).unwrap().display().to_string())
            .collect();
        assert_eq!(users.len(), 1, "{name} is embedded by {users:?}");
        assert!(
            users[0].starts_with("src/model/facts/"),
            "{name} is embedded by {users:?}"
        );
        checked += 1;
    }
    assert_eq!(checked, 5, "the five fact files");
}

#[test]
fn rules_holds_only_rule_files() {
    let others: Vec<_> = std::fs::read_dir(root().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() || p.extension().is_none_or(|e| e != "yaml"))
        .collect();
    assert!(others.is_empty(), "not rule files: {others:?}");
}
