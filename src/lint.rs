//! The lint pipeline: discover -> read -> parse -> detect -> validate -> findings.

use crate::config::{self, Config};
use crate::detect::{Detected, detect};
use crate::discover::{Input, SkippedPath, Walk, discover_with};
use crate::finding::ids;
use crate::finding::{Finding, Position, Severity};
use crate::input;
use crate::model::ecs::TaskDefinition;
use crate::parse::{self, Chunk, Document, Limits, ParseErrorKind, Stream, StreamError};
use crate::rules::{self, Selection, Target, service_selectors};
use crate::validate::Validators;
use rayon::prelude::*;
use std::io::BufReader;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub no_ignore: bool,
    /// Follow symbolic links that lead outside `paths` (`--follow`).
    pub follow: bool,
    pub max_file_size: u64,
    /// Read devices named on the command line (up to `max_file_size`) instead of refusing them.
    pub allow_special_files: bool,
    pub max_documents: usize,
    pub limits: Limits,
    /// Keep source snippets in findings (only the human report shows them).
    pub snippets: bool,
    /// Record every checked object in `FileResult::checked` (for tests and tools built on k2e).
    pub record_checked: bool,
    pub target: Target,
    pub selection: Selection,
    /// YYYY-MM-DD, for suppressions with `until=`.
    pub today: String,
    /// `.k2e.yaml` (the default config when there is none).
    pub config: Config,
    /// Show progress on stderr for long runs (set only when stderr is a terminal, never in CI).
    pub progress: bool,
}

/// Runs this long show progress: below it, k2e finishes before a counter could be read.
const PROGRESS_MIN_FILES: usize = 2000;

/// A document k2e did not check, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub file: String,
    pub document: usize,
    pub line: usize,
    pub reason: &'static str,
}

/// An object that was checked: a Kubernetes object or an ECS task definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub document: usize,
    /// Where the object sits in its document ("" or "/items/3" for List items).
    pub pointer: String,
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
}

#[derive(Debug, Default)]
pub struct FileResult {
    pub file: String,
    pub documents: usize,
    pub findings: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    pub checked: Vec<Checked>,
    /// Findings silenced by a suppression with a reason (kept for reports that list them).
    pub suppressed: Vec<Finding>,
    /// The `.k2e.yaml` itself, holding findings about its suppressions: not a linted file.
    pub is_config: bool,
    /// What the Service-to-workload check needs from the whole run.
    pub workloads: Vec<service_selectors::Workload>,
    pub services: Vec<service_selectors::Candidate>,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<FileResult>,
    /// Symbolic links the walk did not follow, and why.
    pub skipped_paths: Vec<SkippedPath>,
    /// The config file in use, as shown in messages.
    pub config: Option<String>,
    /// Files found but left out by the config's `exclude`.
    pub excluded: usize,
}

impl Outcome {
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.files.iter().flat_map(|f| f.findings.iter())
    }
}

pub fn run(opts: &Options, validators: &Validators) -> Outcome {
    let walk = Walk {
        no_ignore: opts.no_ignore,
        follow: opts.follow,
    };
    let mut found = discover_with(&opts.paths, walk);
    let mut inputs = std::mem::take(&mut found.inputs);
    let problems = std::mem::take(&mut found.problems);
    inputs.retain(|input| match input {
        Input::File(path) => path.file_name().is_none_or(|n| n != config::FILE_NAME),
        Input::Stdin => true,
    });
    let before = inputs.len();
    inputs.retain(|input| !opts.config.excluded(&input.display()));
    let excluded = before - inputs.len();
    let done = AtomicUsize::new(0);
    let finished = std::sync::atomic::AtomicBool::new(false);
    let mut files: Vec<FileResult> = std::thread::scope(|scope| {
        if opts.progress && inputs.len() >= PROGRESS_MIN_FILES {
            // Progress is a nicety: when no thread can be had for it, go on without.
            let _ = std::thread::Builder::new().spawn_scoped(scope, || show_progress(&done, &finished, inputs.len()));
        }
        let files = inputs
            .par_iter()
            .map(|input| {
                let mut result = lint_input(input, opts, validators);
                if found.is_outside(input) {
                    // Reached through a link out of the paths given (--follow): checked, never quoted.
                    let findings = result.findings.iter_mut().chain(result.suppressed.iter_mut());
                    findings.for_each(|f| f.snippet = None);
                }
                done.fetch_add(1, Ordering::Relaxed);
                result
            })
            .collect();
        finished.store(true, Ordering::Relaxed);
        files
    });
    for problem in problems.into_iter().chain(validators.schema_problems()) {
        files.push(FileResult {
            file: problem.file.clone(),
            findings: vec![problem],
            ..FileResult::default()
        });
    }
    let workloads: Vec<_> = files
        .iter_mut()
        .flat_map(|f| std::mem::take(&mut f.workloads))
        .collect();
    let services: Vec<_> = files.iter_mut().flat_map(|f| std::mem::take(&mut f.services)).collect();
    service_selectors::resolve(&mut files, &workloads, &services);
    // Suppressions see every finding, so one for a rule left out by --select is not "unused";
    // the selection comes after, so it can also leave out the suppression findings.
    config::apply_suppressions(&opts.config, &mut files, &opts.today, whole_project(opts));
    files.sort_by(|a, b| a.file.cmp(&b.file));
    for f in &mut files {
        // A file that could not be read or parsed is always reported, as an error: selection and
        // severity overrides are for rules, not for hiding unchecked input.
        let keep = |f: &Finding| rules::is_input_problem(f.rule) || opts.selection.allows(f.rule);
        f.findings.retain(keep);
        f.suppressed.retain(keep);
        for finding in &mut f.findings {
            if let Some(severity) = opts
                .config
                .severity(finding.rule)
                .filter(|_| !rules::is_input_problem(finding.rule))
            {
                finding.severity = severity;
            }
        }
        f.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        f.suppressed.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    Outcome {
        files,
        skipped_paths: found.skipped,
        config: opts.config.file.clone(),
        excluded,
    }
}

/// `k2e: 1200/5000 files` on one stderr line, rewritten in place and erased at the end.
fn show_progress(done: &AtomicUsize, finished: &std::sync::atomic::AtomicBool, total: usize) {
    use std::io::Write;
    let mut stderr = std::io::stderr();
    while !finished.load(Ordering::Relaxed) {
        let _ = write!(stderr, "\rk2e: {}/{total} files", done.load(Ordering::Relaxed));
        let _ = stderr.flush();
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let _ = write!(stderr, "\r\x1b[K");
}

/// Whether the run covers the config's whole folder (a path given is that folder or above it),
/// so a config suppression that matched nothing is really unused.
fn whole_project(opts: &Options) -> bool {
    opts.config.file.is_some()
        && opts.paths.iter().any(|p| {
            p.is_dir()
                && std::path::absolute(p)
                    .is_ok_and(|dir| config::normalize(&opts.config.root).starts_with(config::normalize(&dir)))
        })
}

fn lint_input(input: &Input, opts: &Options, validators: &Validators) -> FileResult {
    let name = input.display();
    let mut result = FileResult {
        file: name.clone(),
        ..FileResult::default()
    };
    let bounds = input::Options {
        limit: opts.max_file_size,
        allow_special_files: opts.allow_special_files,
    };
    let opened = match input {
        Input::Stdin => Ok(input::stdin(&bounds)),
        Input::File(path) => input::open(path, &bounds),
    };
    let reader = match opened {
        Ok(reader) => reader,
        Err(e) => {
            result.findings.push(input_error(&name, &e));
            return result;
        }
    };
    match input {
        Input::Stdin => lint_stdin(&name, reader, opts, validators, &mut result),
        Input::File(path) => {
            let is_json = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("json"));
            if is_json {
                lint_json_file(&name, reader, opts, validators, &mut result);
            } else {
                let limit = reader.limit();
                let reader = BufReader::with_capacity(1 << 16, reader);
                lint_stream(
                    &name,
                    Stream::new(reader, limit, opts.max_documents),
                    opts,
                    validators,
                    &mut result,
                );
            }
        }
    }
    result
}

/// Stdin is read whole (it cannot be read twice): one JSON value if it is one, else a YAML stream.
fn lint_stdin(name: &str, reader: input::Reader, opts: &Options, validators: &Validators, result: &mut FileResult) {
    let limit = reader.limit();
    let bytes = match reader.read_all() {
        Ok(bytes) => bytes,
        Err(e) => {
            result.findings.push(input_error(name, &e));
            return;
        }
    };
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if matches!(first, Some(b'{' | b'[')) {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let doc = parse::json(text, 0, &opts.limits);
            if !doc.errors.iter().any(|e| e.kind == ParseErrorKind::Syntax) {
                result.documents = usize::from(check_document(name, doc, opts, validators, result));
                return;
            }
        }
    }
    lint_stream(
        name,
        Stream::new(&bytes[..], limit, opts.max_documents),
        opts,
        validators,
        result,
    );
}

fn lint_json_file(name: &str, reader: input::Reader, opts: &Options, validators: &Validators, result: &mut FileResult) {
    let bytes = match reader.read_all() {
        Ok(bytes) => bytes,
        Err(e) => {
            result.findings.push(input_error(name, &e));
            return;
        }
    };
    let (skip, bytes) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (3, rest),
        None => (0, &bytes[..]),
    };
    match parse::check_text(bytes, skip, 1) {
        Ok(text) => {
            let doc = parse::json(text, skip, &opts.limits);
            result.documents = usize::from(check_document(name, doc, opts, validators, result));
        }
        Err(e) => result.findings.push(stream_error(name, &e)),
    }
}

fn lint_stream<R: std::io::BufRead + Send>(
    name: &str,
    stream: Stream<R>,
    opts: &Options,
    validators: &Validators,
    result: &mut FileResult,
) {
    // Documents go to the pool as soon as they are read, so a 1 MB CRD keeps one core busy
    // while the other goes on reading and checking. Only documents with something to report
    // are kept, so memory follows the findings, not the stream.
    let documents = AtomicUsize::new(0);
    let mut parts: Vec<(usize, FileResult)> = stream
        .enumerate()
        .par_bridge()
        .filter_map(|(index, chunk)| {
            let part = match chunk {
                Ok(chunk) => check_chunk(name, &chunk, index, opts, validators),
                Err(e) => FileResult {
                    findings: vec![stream_error(name, &e)],
                    ..FileResult::default()
                },
            };
            documents.fetch_add(part.documents, Ordering::Relaxed);
            let empty = part.findings.is_empty()
                && part.skipped.is_empty()
                && part.checked.is_empty()
                && part.suppressed.is_empty()
                && part.workloads.is_empty()
                && part.services.is_empty();
            (!empty).then_some((index, part))
        })
        .collect();
    parts.sort_unstable_by_key(|(index, _)| *index);
    result.documents += documents.into_inner();
    result
        .findings
        .reserve_exact(parts.iter().map(|(_, p)| p.findings.len()).sum());
    for (_, part) in parts {
        result.findings.extend(part.findings);
        result.skipped.extend(part.skipped);
        result.checked.extend(part.checked);
        result.suppressed.extend(part.suppressed);
        result.workloads.extend(part.workloads);
        result.services.extend(part.services);
    }
}

fn check_chunk(name: &str, chunk: &Chunk, index: usize, opts: &Options, validators: &Validators) -> FileResult {
    let mut part = FileResult::default();
    let mut counted = false;
    // A chunk holds one document unless the YAML is broken in a way the splitter cannot
    // see ("--" then content); those share the chunk's index and count once.
    for mut doc in parse::yaml(chunk, &opts.limits) {
        doc.index = index;
        counted |= check_document(name, doc, opts, validators, &mut part);
    }
    part.documents = usize::from(counted);
    if !opts.snippets {
        part.findings.iter_mut().for_each(|f| f.snippet = None);
    }
    if !opts.record_checked {
        part.checked = Vec::new();
    }
    part
}

/// Checks one document, then applies its suppressions; returns whether it counts as a
/// document (empty ones do not).
fn check_document(file: &str, doc: Document, opts: &Options, validators: &Validators, out: &mut FileResult) -> bool {
    let start = out.findings.len();
    let counted = check_unsuppressed(file, &doc, opts, validators, out);
    let found = out.findings.split_off(start);
    let (mut kept, mut suppressed) = rules::suppress::apply(file, &doc, found, &opts.today);
    if let Some(source) = helm_source(&doc) {
        let lines = crate::finding::LineIndex::of(&doc);
        for f in kept.iter_mut().chain(suppressed.iter_mut()) {
            f.source = Some(source.to_owned());
            f.source_line = (f.start.line > 0).then(|| lines.line_text(f.span.start).to_owned());
        }
    }
    out.findings.extend(kept);
    out.suppressed.extend(suppressed);
    counted
}

/// The template a document was rendered from: `helm template` writes `# Source: PATH` at the
/// top of each document it renders.
fn helm_source(doc: &Document) -> Option<&str> {
    let body_start = doc.root.as_ref().map_or(usize::MAX, |r| r.span.start);
    doc.comments
        .iter()
        .take_while(|c| c.span.start < body_start)
        .find_map(|c| c.text.trim().strip_prefix("Source:"))
        .map(str::trim)
        .filter(|path| !path.is_empty())
}

fn check_unsuppressed(
    file: &str,
    doc: &Document,
    opts: &Options,
    validators: &Validators,
    out: &mut FileResult,
) -> bool {
    for err in &doc.errors {
        let rule = match err.kind {
            ParseErrorKind::Syntax | ParseErrorKind::ComplexKey => ids::SYNTAX,
            ParseErrorKind::DuplicateKey => ids::DUPLICATE_KEY,
            ParseErrorKind::TooDeep => ids::TOO_DEEP,
            ParseErrorKind::AliasLimit => ids::ALIAS_LIMIT,
            ParseErrorKind::Template => ids::TEMPLATE,
        };
        let mut f = Finding::at(rule, Severity::Error, file, doc, err.span, err.message.clone());
        if err.kind == ParseErrorKind::DuplicateKey {
            f = f.with_label("duplicate key");
        }
        if let Some((span, message)) = &err.related {
            f = f.with_related(doc, *span, message.clone());
        }
        out.findings.push(f);
    }
    let Some(root) = &doc.root else {
        return !doc.errors.is_empty();
    };
    if doc.errors.is_empty() && is_null(root) {
        return false;
    }
    match detect(root) {
        Detected::Kubernetes(objects) if objects.is_empty() => {
            // An empty List: nothing to validate, but it was recognised.
            out.checked.push(Checked {
                document: doc.index,
                pointer: String::new(),
                api_version: root
                    .get("apiVersion")
                    .and_then(parse::Node::as_str)
                    .unwrap_or("")
                    .to_owned(),
                kind: root.get("kind").and_then(parse::Node::as_str).unwrap_or("").to_owned(),
                name: None,
            });
        }
        Detected::Kubernetes(objects) => {
            let single = (objects.len() == 1).then(|| objects[0].label());
            let anchors = out.findings.len();
            rules::yaml::anchors(file, doc, single.as_deref(), &mut out.findings);
            if let [only] = objects.as_slice() {
                tag_namespace(only, &mut out.findings[anchors..]);
            }
            for obj in &objects {
                let first = out.findings.len();
                let schema = validators.check_kubernetes(file, doc, obj);
                if schema.iter().any(|f| f.rule == ids::K8S_NO_SCHEMA) {
                    rules::yaml::unschemaed(file, doc, obj.node, &obj.pointer, &obj.label(), &mut out.findings);
                }
                out.workloads.extend(service_selectors::custom_resource(obj));
                out.findings.extend(schema);
                rules::check_kubernetes(file, doc, obj, &mut out.findings);
                out.workloads.extend(service_selectors::workload(obj));
                out.services
                    .extend(service_selectors::service(file, doc, obj, &mut out.findings));
                if rules::fargate_profiles::applies(
                    file,
                    doc,
                    obj,
                    &opts.config.profiles,
                    opts.target,
                    &mut out.findings,
                ) {
                    rules::check_eks_fargate(file, doc, obj, &mut out.findings);
                }
                tag_namespace(obj, &mut out.findings[first..]);
                out.checked.push(Checked {
                    document: doc.index,
                    pointer: obj.pointer.clone(),
                    api_version: obj.api_version.to_owned(),
                    kind: obj.kind.to_owned(),
                    name: obj.name.map(str::to_owned),
                });
            }
        }
        Detected::Ecs { shape, family } => {
            out.findings.extend(validators.check_ecs(file, doc, root, shape));
            // An empty family is a schema error; name the object by its kind alone then.
            let label = Some(
                family
                    .filter(|f| !f.is_empty())
                    .map_or_else(|| "TaskDefinition".to_owned(), |f| format!("TaskDefinition/{f}")),
            );
            rules::yaml::anchors(file, doc, label.as_deref(), &mut out.findings);
            // A bare container array has no task around it for the task rules to check.
            let task = TaskDefinition::of(root, shape).filter(|t| !t.containers_only());
            if let Some(TaskDefinition {
                node, pointer: prefix, ..
            }) = task
            {
                let task = rules::FargateTask {
                    file,
                    doc,
                    node,
                    prefix,
                    object: label.clone(),
                };
                rules::check_ecs(&task, &mut out.findings);
                if opts.target.ecs_fargate(node) {
                    rules::check_ecs_fargate(&task, &mut out.findings);
                }
            }
            out.checked.push(Checked {
                document: doc.index,
                pointer: String::new(),
                api_version: "ecs".to_owned(),
                kind: format!("{shape:?}"),
                name: family.map(str::to_owned),
            });
        }
        Detected::EcsService { name } => {
            rules::check_ecs_service(file, doc, root, name, opts.target, &mut out.findings);
            out.checked.push(Checked {
                document: doc.index,
                pointer: String::new(),
                api_version: "ecs".to_owned(),
                kind: "Service".to_owned(),
                name: name.map(str::to_owned),
            });
        }
        Detected::Unknown(reason) => out.skipped.push(Skipped {
            file: file.to_owned(),
            document: doc.index,
            line: crate::finding::LineIndex::of(doc).position(root.span.start).line,
            reason,
        }),
    }
    true
}

/// Records the object's namespace on its findings, so reports can tell `Deployment/web` in
/// two namespaces apart (SARIF fingerprints and logical locations).
fn tag_namespace(obj: &crate::detect::K8sObject<'_>, findings: &mut [Finding]) {
    let Some(namespace) = obj
        .node
        .pointer("/metadata/namespace")
        .and_then(|(n, _)| n.as_str())
        .filter(|n| !n.is_empty())
    else {
        return;
    };
    for f in findings.iter_mut().filter(|f| f.namespace.is_none()) {
        f.namespace = Some(namespace.to_owned());
    }
}

/// `---` followed by nothing, or a document holding only comments, is empty: not counted.
fn is_null(node: &parse::Node) -> bool {
    matches!(
        node.kind,
        parse::NodeKind::Scalar {
            value: parse::Scalar::Null,
            ..
        }
    )
}

/// An input that could not be opened or read: K2E003 when it is over the limit, else K2E001.
fn input_error(file: &str, e: &input::Error) -> Finding {
    let rule = if e.is_too_large() {
        ids::TOO_LARGE
    } else {
        ids::UNREADABLE
    };
    Finding::file(rule, Severity::Error, file, e.to_string())
}

fn stream_error(file: &str, e: &StreamError) -> Finding {
    let rule = match e {
        StreamError::Io(_) => ids::UNREADABLE,
        StreamError::NotUtf8 { .. } | StreamError::Binary { .. } | StreamError::Wide { .. } => ids::ENCODING,
        StreamError::TooLarge { .. } => ids::TOO_LARGE,
        StreamError::TooManyDocuments { .. } => ids::TOO_MANY_DOCUMENTS,
    };
    let mut f = Finding::file(rule, Severity::Error, file, e.to_string());
    let at = match *e {
        StreamError::NotUtf8 { offset, line, column } | StreamError::Binary { offset, line, column } => {
            Some((offset, line, column))
        }
        StreamError::TooManyDocuments { offset, line, .. } => Some((offset, line, 1)),
        StreamError::Io(_) | StreamError::Wide { .. } | StreamError::TooLarge { .. } => None,
    };
    if let Some((offset, line, column)) = at {
        f.start = Position { line, column };
        f.end = f.start;
        f.span = parse::Span::new(offset, offset);
    }
    f
}

/// Lints bytes held in memory as `k2e lint NAME` would lint a file of that name (JSON by its
/// extension, else a YAML stream), Service selectors resolved within it; no config or
/// selection is applied. For tests and fuzzing, which have bytes, not paths.
pub fn lint_text(name: &str, bytes: &[u8], opts: &Options, validators: &Validators) -> FileResult {
    let mut result = FileResult {
        file: name.to_owned(),
        ..FileResult::default()
    };
    let limit = opts.max_file_size;
    let is_json = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if bytes.len() as u64 > limit {
        result
            .findings
            .push(stream_error(name, &StreamError::TooLarge { limit }));
    } else if is_json {
        let (skip, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (3, rest),
            None => (0, bytes),
        };
        match parse::check_text(body, skip, 1) {
            Ok(text) => {
                let doc = parse::json(text, skip, &opts.limits);
                result.documents = usize::from(check_document(name, doc, opts, validators, &mut result));
            }
            Err(e) => result.findings.push(stream_error(name, &e)),
        }
    } else {
        let stream = Stream::new(bytes, limit, opts.max_documents);
        lint_stream(name, stream, opts, validators, &mut result);
    }
    let workloads = std::mem::take(&mut result.workloads);
    let services = std::mem::take(&mut result.services);
    let mut files = [result];
    service_selectors::resolve(&mut files, &workloads, &services);
    let [mut result] = files;
    result.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    result
}
