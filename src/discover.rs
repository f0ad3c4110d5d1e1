//! PATH arguments -> the files to lint, in a stable order.

use crate::finding::{Finding, Severity};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    /// The name findings carry: the path as given, without a leading `./`.
    pub fn display(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_owned(),
            Input::File(p) => {
                let s = p.to_string_lossy();
                s.strip_prefix("./").unwrap_or(&s).to_owned()
            }
        }
    }
}

pub const EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

pub fn has_manifest_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Walks directories (honouring .gitignore unless `no_ignore`), keeps files named explicitly
/// whatever their extension, and reports paths that cannot be walked instead of stopping.
pub fn discover(paths: &[PathBuf], no_ignore: bool) -> (Vec<Input>, Vec<Finding>) {
    let mut inputs = BTreeSet::new();
    let mut stdin = false;
    let problems = Mutex::new(Vec::new());
    for path in paths {
        if path.as_os_str() == "-" {
            stdin = true;
            continue;
        }
        let shown = Input::File(path.clone()).display();
        match std::fs::metadata(path) {
            Err(e) => {
                let message = if e.kind() == std::io::ErrorKind::NotFound {
                    "no such file or directory".to_owned()
                } else {
                    format!("cannot read: {e}")
                };
                problems
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(unreadable(&shown, message));
            }
            Ok(meta) if meta.is_dir() => {
                let found = Mutex::new(Vec::new());
                walk(path, no_ignore, &found, &problems);
                inputs.extend(found.into_inner().unwrap_or_else(|e| e.into_inner()));
            }
            Ok(_) => {
                inputs.insert(Input::File(path.clone()));
            }
        }
    }
    let mut inputs: Vec<Input> = inputs.into_iter().collect();
    if stdin {
        inputs.push(Input::Stdin);
    }
    let mut problems = problems.into_inner().unwrap_or_else(|e| e.into_inner());
    problems.sort_by(|a, b| a.file.cmp(&b.file).then(a.message.cmp(&b.message)));
    (inputs, problems)
}

fn walk(root: &Path, no_ignore: bool, found: &Mutex<Vec<Input>>, problems: &Mutex<Vec<Finding>>) {
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(!no_ignore)
        .hidden(false)
        .follow_links(true)
        .filter_entry(|e| e.file_name() != ".git")
        .to_owned();
    // The parallel walk panics when it cannot start its threads; without a pool there are none.
    if crate::threads::one_thread() {
        for entry in walker.build() {
            visit(root, entry, found, problems);
        }
        return;
    }
    walker.build_parallel().run(|| {
        Box::new(|entry| {
            visit(root, entry, found, problems);
            ignore::WalkState::Continue
        })
    });
}

fn visit(
    root: &Path,
    entry: Result<ignore::DirEntry, ignore::Error>,
    found: &Mutex<Vec<Input>>,
    problems: &Mutex<Vec<Finding>>,
) {
    match entry {
        Ok(entry) => {
            let is_file =
                entry.file_type().is_some_and(|t| t.is_file()) || (entry.path_is_symlink() && entry.path().is_file());
            if is_file && has_manifest_extension(entry.path()) {
                found
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(Input::File(entry.into_path()));
            }
        }
        Err(err) => problems
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(walk_error(root, &err)),
    }
}

fn walk_error(root: &Path, err: &ignore::Error) -> Finding {
    let (path, message) = describe(err);
    let shown = Input::File(path.unwrap_or_else(|| root.to_path_buf())).display();
    unreadable(&shown, message)
}

fn describe(err: &ignore::Error) -> (Option<PathBuf>, String) {
    match err {
        ignore::Error::Loop { ancestor, child } => (
            Some(child.clone()),
            format!(
                "symbolic link loop: {} points back to {}; skipped",
                child.display(),
                ancestor.display()
            ),
        ),
        ignore::Error::WithPath { path, err } => {
            let (_, message) = describe(err);
            (Some(path.clone()), message)
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => describe(err),
        ignore::Error::Io(e) => (None, format!("cannot read: {e}")),
        other => (None, other.to_string()),
    }
}

pub fn unreadable(file: &str, message: String) -> Finding {
    Finding::file(crate::rules::ids::UNREADABLE, Severity::Error, file, message)
}
