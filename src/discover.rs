//! PATH arguments -> the files to lint, in a stable order.

use crate::finding::{Finding, Severity};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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

    /// The path to open; `None` for stdin.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::File(path) => Some(path),
            Input::Stdin => None,
        }
    }
}

pub const EXTENSIONS: &[&str] = &["yaml", "yml", "json", "tf"];

pub fn has_manifest_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// How directories are walked.
#[derive(Clone, Copy, Debug, Default)]
pub struct Walk {
    /// Do not honour .gitignore and other ignore files.
    pub no_ignore: bool,
    /// Also follow symbolic links that resolve outside the paths given (`--follow`).
    pub follow: bool,
}

/// A path the walk left out on purpose (a symbolic link it did not follow), and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct SkippedPath {
    pub path: String,
    pub reason: String,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    /// Paths that could not be walked: reported as errors.
    pub problems: Vec<Finding>,
    /// Symbolic links not followed, sorted by path.
    pub skipped: Vec<SkippedPath>,
    /// Links followed with `--follow` to outside the paths given: a file under one of them is
    /// checked, but no report may quote its lines.
    pub outside: Vec<PathBuf>,
}

impl Discovered {
    /// Whether a found file lies outside the paths given (reached through an outside link).
    pub fn is_outside(&self, input: &Input) -> bool {
        matches!(input, Input::File(path) if self.outside.iter().any(|link| path.starts_with(link)))
    }
}

/// Walks directories (honouring .gitignore unless `no_ignore`), keeps files named explicitly
/// whatever their extension, and reports paths that cannot be walked instead of stopping.
/// Symbolic links that lead out of the paths given are not followed.
pub fn discover(paths: &[PathBuf], no_ignore: bool) -> (Vec<Input>, Vec<Finding>) {
    let found = discover_with(
        paths,
        Walk {
            no_ignore,
            follow: false,
        },
    );
    (found.inputs, found.problems)
}

/// [`discover`] with every walk setting, and the links it skipped.
pub fn discover_with(paths: &[PathBuf], walk_opts: Walk) -> Discovered {
    let mut inputs = BTreeSet::new();
    let mut stdin = false;
    let problems = Mutex::new(Vec::new());
    let links = Arc::new(Links {
        roots: roots(paths),
        follow: walk_opts.follow,
        ..Links::default()
    });
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
                walk(path, walk_opts.no_ignore, &links, &found, &problems);
                inputs.extend(found.into_inner().unwrap_or_else(|e| e.into_inner()));
            }
            // Named on the command line: read even when it is a link to elsewhere.
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
    let mut skipped = std::mem::take(&mut *lock(&links.skipped));
    skipped.sort();
    skipped.dedup();
    let mut outside = std::mem::take(&mut *lock(&links.outside));
    outside.sort();
    Discovered {
        inputs,
        problems,
        skipped,
        outside,
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The directories given, resolved: a link is inside when its target is under one of them.
fn roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter(|p| p.is_dir())
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect()
}

/// The walk's decisions about symbolic links, shared by its threads.
#[derive(Debug, Default)]
struct Links {
    roots: Vec<PathBuf>,
    follow: bool,
    skipped: Mutex<Vec<SkippedPath>>,
    outside: Mutex<Vec<PathBuf>>,
}

impl Links {
    /// Whether the walk may go through `link` (an entry that is a symbolic link); a link it
    /// may not is recorded with the reason.
    fn admit(&self, link: &Path) -> bool {
        let Ok(target) = std::fs::canonicalize(link) else {
            // A broken link: the walk reports it as unreadable, as before.
            return true;
        };
        let shown = Input::File(link.to_path_buf()).display();
        let holder = link.parent().and_then(|p| std::fs::canonicalize(p).ok());
        if target.is_dir() && holder.is_some_and(|h| h.starts_with(&target)) {
            self.skip(shown, loop_reason(&target));
            return false;
        }
        if self.roots.iter().any(|root| target.starts_with(root)) {
            return true;
        }
        if self.follow {
            lock(&self.outside).push(link.to_path_buf());
            return true;
        }
        self.skip(
            shown,
            format!(
                "symbolic link to {}, outside the linted paths; --follow to follow it",
                target.display()
            ),
        );
        false
    }

    fn skip(&self, path: String, reason: String) {
        lock(&self.skipped).push(SkippedPath { path, reason });
    }
}

fn walk(root: &Path, no_ignore: bool, links: &Arc<Links>, found: &Mutex<Vec<Input>>, problems: &Mutex<Vec<Finding>>) {
    let filter_links = Arc::clone(links);
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(!no_ignore)
        .hidden(false)
        .follow_links(true)
        .filter_entry(move |e| e.file_name() != ".git" && (!e.path_is_symlink() || filter_links.admit(e.path())))
        .to_owned();
    // The parallel walk panics when it cannot start its threads; without a pool there are none.
    if crate::threads::one_thread() {
        for entry in walker.build() {
            visit(root, entry, links, found, problems);
        }
        return;
    }
    walker.build_parallel().run(|| {
        Box::new(|entry| {
            visit(root, entry, links, found, problems);
            ignore::WalkState::Continue
        })
    });
}

fn visit(
    root: &Path,
    entry: Result<ignore::DirEntry, ignore::Error>,
    links: &Links,
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
        // A link back to a folder above it: skipped like the others, not an error.
        Err(err) if loop_link(&err).is_some() => {
            if let Some((child, ancestor)) = loop_link(&err) {
                let target = std::fs::canonicalize(ancestor).unwrap_or_else(|_| ancestor.to_path_buf());
                links.skip(Input::File(child.to_path_buf()).display(), loop_reason(&target));
            }
        }
        Err(err) => problems
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(walk_error(root, &err)),
    }
}

fn loop_reason(target: &Path) -> String {
    format!(
        "symbolic link to {}, a folder that holds it; not followed, so nothing is linted twice",
        target.display()
    )
}

/// The link and the folder it loops back to, when `err` is the walk's loop error.
fn loop_link(err: &ignore::Error) -> Option<(&Path, &Path)> {
    match err {
        ignore::Error::Loop { ancestor, child } => Some((child, ancestor)),
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => loop_link(err),
        _ => None,
    }
}

fn walk_error(root: &Path, err: &ignore::Error) -> Finding {
    let (path, message) = describe(err);
    let shown = Input::File(path.unwrap_or_else(|| root.to_path_buf())).display();
    unreadable(&shown, message)
}

fn describe(err: &ignore::Error) -> (Option<PathBuf>, String) {
    match err {
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
    Finding::file(crate::finding::ids::UNREADABLE, Severity::Error, file, message)
}
