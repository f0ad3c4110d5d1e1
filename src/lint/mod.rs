//! The lint pipeline: discover -> read -> parse -> detect -> validate -> findings.

mod gather;
mod resources;

pub use gather::{Gathered, crd_paths};

use crate::config::{self, Config};
use crate::detect::{Detected, detect};
use crate::discover::{Input, Walk, discover_with};
use crate::finding::ids;
use crate::finding::{Finding, Position, Severity};
use crate::frontend;
use crate::input;
use crate::model::ecs::TaskDefinition;
pub use crate::outcome::{Checked, FileResult, Outcome, Skipped};
use crate::parse::{self, Document, Format, InputError, InputErrorKind, Limits, ParseErrorKind, Piece, Pieces};
use crate::rules::cross::{self, FileFindings, Run};
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
    /// Files and folders of CustomResourceDefinitions besides the inputs (`--crd`, `crds:`).
    pub crds: Vec<PathBuf>,
    /// The Pod Security Standards level for pods whose namespace sets none among the inputs.
    pub pod_security: rules::pss::Policy,
    /// Shows progress during long runs, on a thread of its own, until `finished` is set: given
    /// by the CLI only when stderr is a terminal, never in CI.
    pub progress: Option<Progress>,
}

impl Options {
    /// `k2e lint PATHS` with every setting at its command-line default (no config, no
    /// progress display, today's date for `until=`), for tools and tests built on the library.
    pub fn new(paths: Vec<PathBuf>) -> Options {
        Options {
            paths,
            no_ignore: false,
            follow: false,
            max_file_size: 64 << 20,
            allow_special_files: false,
            max_documents: parse::MAX_DOCUMENTS,
            limits: Limits::default(),
            snippets: false,
            record_checked: false,
            target: Target::default(),
            selection: Selection::default(),
            today: rules::suppress::today(),
            config: Config::default(),
            crds: Vec::new(),
            pod_security: rules::pss::Policy::default(),
            progress: None,
        }
    }
}

/// What the check of every file reads besides its own text.
struct Context<'a> {
    validators: &'a Validators,
    gathered: &'a Gathered,
    /// The Pod Security policy of each namespace the inputs label, and the default.
    policies: rules::pss::Policies,
}

/// A progress display: files done so far, whether the run has finished, files in all.
pub type Progress = fn(done: &AtomicUsize, finished: &std::sync::atomic::AtomicBool, total: usize);

/// Runs this long show progress: below it, k2e finishes before a counter could be read.
const PROGRESS_MIN_FILES: usize = 2000;

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
    let bounds = input::Options {
        limit: opts.max_file_size,
        allow_special_files: opts.allow_special_files,
    };
    let mut gathered = gather::collect(&inputs, &opts.crds, walk, &bounds, &opts.limits, validators);
    let with_crds = validators.with_crds(std::mem::take(&mut gathered.crds));
    let cx = Context {
        validators: &with_crds,
        gathered: &gathered,
        policies: pod_security(opts, &gathered, validators),
    };
    let done = AtomicUsize::new(0);
    let finished = std::sync::atomic::AtomicBool::new(false);
    let (mut files, runs): (Vec<FileResult>, Vec<Run>) = std::thread::scope(|scope| {
        if let Some(show_progress) = opts.progress.filter(|_| inputs.len() >= PROGRESS_MIN_FILES) {
            // Progress is a nicety: when no thread can be had for it, go on without.
            let (done, finished, total) = (&done, &finished, inputs.len());
            let _ = std::thread::Builder::new().spawn_scoped(scope, move || show_progress(done, finished, total));
        }
        let results = inputs
            .par_iter()
            .map(|input| {
                let (mut result, facts) = lint_input(input, opts, &cx);
                if found.is_outside(input) {
                    // Reached through a link out of the paths given (--follow): checked, never quoted.
                    let findings = result.findings.iter_mut().chain(result.suppressed.iter_mut());
                    findings.for_each(|f| f.snippet = None);
                }
                done.fetch_add(1, Ordering::Relaxed);
                (result, facts)
            })
            .unzip();
        finished.store(true, Ordering::Relaxed);
        results
    });
    let gathered_problems = std::mem::take(&mut gathered.problems);
    for problem in problems
        .into_iter()
        .chain(validators.schema_problems())
        .chain(gathered_problems)
    {
        files.push(FileResult {
            file: problem.file.clone(),
            findings: vec![problem],
            ..FileResult::default()
        });
    }
    drop_repeats(&mut files);
    move_to_their_files(&mut files);
    let mut run = Run::default();
    runs.into_iter().for_each(|facts| run.extend(facts));
    check_across(&run, &opts.config.pod_creating_kinds, &mut files);
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

/// A file that a Terraform file reads (`file("containers.json")`) is checked as part of the
/// resource that reads it, with the task around its containers; linted alone as well, it would
/// repeat those findings without the task, so its own are left out.
fn drop_repeats(files: &mut [FileResult]) {
    let included: std::collections::HashSet<String> = files.iter().flat_map(|r| r.includes.iter().cloned()).collect();
    for result in files.iter_mut().filter(|r| included.contains(&r.file)) {
        result.findings.clear();
        result.checked.clear();
    }
}

/// Findings placed in a file a resource reads (`file("containers.json")`) are reported under that
/// file, so every report counts them where they are (a JUnit suite per file).
fn move_to_their_files(files: &mut Vec<FileResult>) {
    let mut moved: Vec<(Finding, bool)> = Vec::new();
    for result in files.iter_mut() {
        let (kept, elsewhere): (Vec<Finding>, Vec<Finding>) = std::mem::take(&mut result.findings)
            .into_iter()
            .partition(|f| f.file == result.file);
        result.findings = kept;
        moved.extend(elsewhere.into_iter().map(|f| (f, false)));
        let (kept, elsewhere): (Vec<Finding>, Vec<Finding>) = std::mem::take(&mut result.suppressed)
            .into_iter()
            .partition(|f| f.file == result.file);
        result.suppressed = kept;
        moved.extend(elsewhere.into_iter().map(|f| (f, true)));
    }
    for (finding, suppressed) in moved {
        let at = match files.iter().position(|r| r.file == finding.file) {
            Some(at) => at,
            None => {
                files.push(FileResult {
                    file: finding.file.clone(),
                    documents: 1,
                    ..FileResult::default()
                });
                files.len() - 1
            }
        };
        match suppressed {
            true => files[at].suppressed.push(finding),
            false => files[at].findings.push(finding),
        }
    }
}

/// The checks across documents, over the findings of every file.
fn check_across(run: &Run, pod_creating_kinds: &[String], files: &mut [FileResult]) {
    cross::check(
        run,
        pod_creating_kinds,
        files.iter_mut().map(|f| FileFindings {
            file: &f.file,
            findings: &mut f.findings,
            suppressed: &mut f.suppressed,
        }),
    );
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

/// The file's findings, and what it contributes to the checks across documents.
fn lint_input(input: &Input, opts: &Options, cx: &Context) -> (FileResult, Run) {
    let name = input.display();
    let mut result = FileResult {
        file: name.clone(),
        ..FileResult::default()
    };
    let bounds = input::Options {
        limit: opts.max_file_size,
        allow_special_files: opts.allow_special_files,
    };
    let format = match input {
        // Stdin is read whole (it cannot be read twice): one JSON value if it is one, else a YAML stream.
        Input::Stdin => Format::Sniff,
        Input::File(_) => Format::of(&name, Format::Yaml),
    };
    if matches!(input, Input::Stdin) {
        let read = cx.gathered.stdin.lock().ok().and_then(|mut s| s.take());
        let read = read.unwrap_or_else(|| input::stdin(&bounds).read_all());
        let mut facts = Run::default();
        match read {
            Ok(bytes) => {
                let pieces = parse::read(&bytes, format, &opts.limits, opts.max_documents);
                lint_pieces(&name, pieces, opts, cx, &mut result, &mut facts);
            }
            Err(e) => result.findings.push(unreadable(&name, &e.into())),
        }
        return (result, facts);
    }
    let reader = match input::open_or_stdin(input.path(), &bounds) {
        Ok(reader) => reader,
        Err(e) => {
            result.findings.push(unreadable(&name, &e.into()));
            return (result, Run::default());
        }
    };
    if matches!(input, Input::File(_)) && frontend::is_terraform(&name) {
        match reader.read_all() {
            Ok(bytes) => terraform(&name, input.path(), &bytes, opts, cx.validators, &mut result),
            Err(e) => result.findings.push(unreadable(&name, &e.into())),
        }
        return (result, Run::default());
    }
    let mut facts = Run::default();
    if format == Format::Yaml {
        let limit = reader.limit();
        let reader = BufReader::with_capacity(1 << 16, reader);
        let pieces = parse::stream(reader, limit, opts.max_documents);
        lint_pieces(&name, pieces, opts, cx, &mut result, &mut facts);
        return (result, facts);
    }
    match reader.read_all() {
        Ok(bytes) => {
            let pieces = parse::read(&bytes, format, &opts.limits, opts.max_documents);
            lint_pieces(&name, pieces, opts, cx, &mut result, &mut facts);
        }
        Err(e) => result.findings.push(unreadable(&name, &e.into())),
    }
    (result, facts)
}

fn lint_pieces<R: std::io::BufRead + Send>(
    name: &str,
    pieces: Pieces<R>,
    opts: &Options,
    cx: &Context,
    result: &mut FileResult,
    facts: &mut Run,
) {
    // Documents go to the pool as soon as they are read, so a 1 MB CRD keeps one core busy
    // while the other goes on reading and checking. Only documents with something to report
    // are kept, so memory follows the findings, not the stream.
    let documents = AtomicUsize::new(0);
    let mut parts: Vec<(usize, FileResult, Run)> = pieces
        .enumerate()
        .par_bridge()
        .filter_map(|(index, piece)| {
            let (part, part_facts) = match piece {
                Ok(piece) => check_piece(name, piece, opts, cx),
                Err(e) => (
                    FileResult {
                        findings: vec![unreadable(name, &e)],
                        ..FileResult::default()
                    },
                    Run::default(),
                ),
            };
            documents.fetch_add(part.documents, Ordering::Relaxed);
            let empty = part.findings.is_empty()
                && part.validated + part.not_validated == 0
                && part.skipped.is_empty()
                && part.checked.is_empty()
                && part.suppressed.is_empty()
                && part_facts.is_empty();
            (!empty).then_some((index, part, part_facts))
        })
        .collect();
    parts.sort_unstable_by_key(|(index, _, _)| *index);
    result.documents += documents.into_inner();
    result.validated += parts.iter().map(|(_, p, _)| p.validated).sum::<usize>();
    result.not_validated += parts.iter().map(|(_, p, _)| p.not_validated).sum::<usize>();
    result
        .findings
        .reserve_exact(parts.iter().map(|(_, p, _)| p.findings.len()).sum());
    for (_, part, part_facts) in parts {
        result.findings.extend(part.findings);
        result.skipped.extend(part.skipped);
        result.checked.extend(part.checked);
        result.suppressed.extend(part.suppressed);
        facts.extend(part_facts);
    }
}

fn check_piece(name: &str, piece: Piece, opts: &Options, cx: &Context) -> (FileResult, Run) {
    let mut part = FileResult::default();
    let mut facts = Run::default();
    let mut counted = false;
    for doc in piece.documents(&opts.limits) {
        counted |= check_document(name, doc, opts, cx, &mut part, &mut facts);
    }
    part.documents = usize::from(counted);
    if !opts.snippets {
        part.findings.iter_mut().for_each(|f| f.snippet = None);
    }
    if !opts.record_checked {
        part.checked = Vec::new();
    }
    (part, facts)
}

/// Checks one document, then applies its suppressions; returns whether it counts as a
/// document (empty ones do not).
fn check_document(
    file: &str,
    doc: Document,
    opts: &Options,
    cx: &Context,
    out: &mut FileResult,
    facts: &mut Run,
) -> bool {
    let start = out.findings.len();
    let counted = check_unsuppressed(file, &doc, opts, cx, out, facts);
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
    cx: &Context,
    out: &mut FileResult,
    facts: &mut Run,
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
    if let Some(read) = frontend::read(doc, root) {
        checked_resources(file, doc, root, &read, opts, cx.validators, out);
        return true;
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
                let schema = cx.validators.check_kubernetes(file, doc, obj);
                let unvalidated = |f: &Finding| f.rule == ids::K8S_NO_SCHEMA || f.rule == ids::K8S_UNSERVED_VERSION;
                if schema.iter().any(unvalidated) {
                    rules::yaml::unschemaed(file, doc, obj.node, &obj.pointer, &obj.label(), &mut out.findings);
                    out.not_validated += 1;
                } else {
                    out.validated += 1;
                }
                if crate::validate::crd::is_crd(obj) {
                    out.findings.extend(cx.validators.check_crd(file, doc, obj));
                }
                facts.workloads.extend(service_selectors::custom_resource(obj));
                out.findings.extend(schema);
                rules::check_kubernetes(file, doc, obj, &mut out.findings);
                let scope = rules::pss::Scope {
                    applied: cx.policies.for_object(obj),
                    selection: &opts.selection,
                    first,
                };
                rules::pss::check(file, doc, obj, &scope, &mut out.findings);
                facts.workloads.extend(service_selectors::workload(obj));
                facts
                    .services
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
            out.findings.extend(cx.validators.check_ecs(file, doc, root, shape));
            // An empty family is a schema error; name the object by its kind alone then.
            let label = Some(
                family
                    .filter(|f| !f.is_empty())
                    .map_or_else(|| "TaskDefinition".to_owned(), |f| format!("TaskDefinition/{f}")),
            );
            rules::yaml::anchors(file, doc, label.as_deref(), &mut out.findings);
            if let Some(found) = TaskDefinition::of(root, shape) {
                let task = rules::FargateTask {
                    file,
                    doc,
                    node: found.node,
                    prefix: found.pointer,
                    object: label.clone(),
                };
                // A bare container array gets the container rules; the task rules and Fargate's
                // need the task around it, which is written elsewhere.
                rules::check_ecs(&task, &mut out.findings);
                if !found.containers_only() && opts.target.ecs_fargate(found.node) {
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

/// A Terraform file: its HCL syntax error, or the ECS resources it holds (none: skipped).
fn terraform(
    name: &str,
    path: Option<&std::path::Path>,
    bytes: &[u8],
    opts: &Options,
    validators: &Validators,
    result: &mut FileResult,
) {
    let module = frontend::terraform::Module {
        path,
        max_file_size: opts.max_file_size,
        limits: opts.limits,
    };
    let (doc, read) = match frontend::read_terraform(bytes, &module) {
        Ok(read) => read,
        Err(e) => return result.findings.push(unreadable(name, &e)),
    };
    result.documents = 1;
    let mut part = FileResult::default();
    match read {
        Err(e) => part
            .findings
            .push(Finding::at(ids::SYNTAX, Severity::Error, name, &doc, e.span, e.message)),
        Ok(read) if read.resources.is_empty() && read.errors.is_empty() => part.skipped.push(Skipped {
            file: name.to_owned(),
            document: 0,
            line: 1,
            reason: read.source.without_resources(),
        }),
        Ok(read) => {
            resources::check(name, &doc, &read, opts, validators, &mut part);
            let included = read.resources.iter().filter_map(|r| r.included.as_ref());
            result.includes.extend(included.map(|i| i.file.clone()));
        }
    }
    // The .tf file's comments suppress findings in it, not those placed in a file it reads.
    let (here, elsewhere): (Vec<Finding>, Vec<Finding>) = part.findings.into_iter().partition(|f| f.file == name);
    let (kept, suppressed) = rules::suppress::apply(name, &doc, here, &opts.today);
    result.findings.extend(kept);
    result.findings.extend(elsewhere);
    result.suppressed.extend(suppressed);
    result.skipped.extend(part.skipped);
    if opts.record_checked {
        result.checked.extend(part.checked);
    }
    if !opts.snippets {
        result.findings.iter_mut().for_each(|f| f.snippet = None);
    }
}

/// The ECS resources of a template or plan; one without any is skipped, as other documents
/// k2e does not check are.
fn checked_resources(
    file: &str,
    doc: &Document,
    root: &parse::Node,
    read: &frontend::Read,
    opts: &Options,
    validators: &Validators,
    out: &mut FileResult,
) {
    if read.resources.is_empty() && read.errors.is_empty() {
        out.skipped.push(Skipped {
            file: file.to_owned(),
            document: doc.index,
            line: crate::finding::LineIndex::of(doc).position(root.span.start).line,
            reason: read.source.without_resources(),
        });
        return;
    }
    let label = None;
    rules::yaml::anchors(file, doc, label, &mut out.findings);
    resources::check(file, doc, read, opts, validators, out);
}

/// The Pod Security policies: the default level, and the level each Namespace among the inputs
/// enforces with its labels, with `latest` read as the run's Kubernetes version.
fn pod_security(opts: &Options, gathered: &Gathered, validators: &Validators) -> rules::pss::Policies {
    let namespaces = gathered.namespaces.iter().map(|ns| rules::pss::Labelled {
        name: &ns.name,
        labels: &ns.labels,
        file: &ns.file,
        line: ns.line,
    });
    let newest = rules::pss::minor_of(validators.kubernetes_version());
    rules::pss::Policies::new(opts.pod_security, newest, namespaces)
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

/// Input that could not be read as text, under the rule for its kind (K2E003 when it is over
/// the limit, K2E001 when it cannot be opened or read), at the bad byte when there is one.
fn unreadable(file: &str, e: &InputError) -> Finding {
    let rule = match &e.kind {
        InputErrorKind::Open(e) if e.is_too_large() => ids::TOO_LARGE,
        InputErrorKind::Open(_) | InputErrorKind::Io(_) => ids::UNREADABLE,
        InputErrorKind::NotUtf8 { .. } | InputErrorKind::Binary { .. } | InputErrorKind::Wide { .. } => ids::ENCODING,
        InputErrorKind::TooLarge { .. } => ids::TOO_LARGE,
        InputErrorKind::TooManyDocuments { .. } => ids::TOO_MANY_DOCUMENTS,
    };
    let mut f = Finding::file(rule, Severity::Error, file, e.to_string());
    let at = match e.kind {
        InputErrorKind::NotUtf8 { offset, line, column } | InputErrorKind::Binary { offset, line, column } => {
            Some((offset, line, column))
        }
        InputErrorKind::TooManyDocuments { offset, line, .. } => Some((offset, line, 1)),
        _ => None,
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
    let mut facts = Run::default();
    let limit = opts.max_file_size;
    if bytes.len() as u64 > limit {
        let e = InputError::whole(InputErrorKind::TooLarge { limit });
        result.findings.push(unreadable(name, &e));
    } else if frontend::is_terraform(name) {
        terraform(name, None, bytes, opts, validators, &mut result);
    } else {
        let format = Format::of(name, Format::Yaml);
        let mut gathered = gather::of_text(name, bytes, format, &opts.limits);
        let with_crds = validators.with_crds(std::mem::take(&mut gathered.crds));
        let cx = Context {
            validators: &with_crds,
            gathered: &gathered,
            policies: pod_security(opts, &gathered, validators),
        };
        let pieces = parse::read(bytes, format, &opts.limits, opts.max_documents);
        lint_pieces(name, pieces, opts, &cx, &mut result, &mut facts);
    }
    check_across(
        &facts,
        &opts.config.pod_creating_kinds,
        std::slice::from_mut(&mut result),
    );
    result.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    result
}
