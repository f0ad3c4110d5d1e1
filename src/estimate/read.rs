//! PATH arguments -> workloads: the same file walk and parser as `k2e lint`.

use super::blockers;
use super::ecs::{self, Service, TaskDef};
use super::kubernetes::{self, Defaults};
use super::model::{Archs, Kind, Workload};
use crate::detect::{Detected, detect};
use crate::discover::discover;
use crate::finding::LineIndex;
use crate::frontend;
use crate::model::ecs::TaskDefinition;
use crate::parse::{self, Document, Format, Limits};
use std::path::PathBuf;

#[derive(Debug, Default)]
pub struct Inputs {
    pub workloads: Vec<Workload>,
    /// Documents skipped and services without their task definition.
    pub notes: Vec<String>,
    /// Paths that could not be read, and documents that do not parse (exit code 2).
    pub errors: Vec<String>,
    /// Files a Terraform resource reads its containers from (`file(...)`): estimated as part of
    /// that resource, not again on their own.
    pub included: Vec<String>,
}

pub fn read(paths: &[PathBuf], d: &Defaults, bounds: &crate::input::Options) -> Inputs {
    let (inputs, problems) = discover(paths, false);
    let mut out = Inputs {
        errors: problems.iter().map(|p| format!("{}: {}", p.file, p.message)).collect(),
        ..Inputs::default()
    };
    let mut tasks = Vec::new();
    let mut services = Vec::new();
    for input in &inputs {
        let name = input.display();
        let opened = crate::input::open_or_stdin(input.path(), bounds);
        let bytes = match opened.and_then(crate::input::Reader::read_all) {
            Ok(b) => b,
            Err(e) => {
                out.errors.push(format!("{name}: {e}"));
                continue;
            }
        };
        if frontend::is_terraform(&name) {
            terraform(
                &name,
                input.path(),
                &bytes,
                bounds.limit,
                d,
                &mut out,
                &mut tasks,
                &mut services,
            );
            continue;
        }
        for doc in documents(&name, &bytes, &mut out) {
            document(&name, &doc, d, &mut out, &mut tasks, &mut services);
        }
    }
    finish(out, tasks, &services)
}

/// A Terraform file's task definitions and services; an HCL syntax error is an error (exit 2).
#[allow(clippy::too_many_arguments)]
fn terraform(
    file: &str,
    path: Option<&std::path::Path>,
    bytes: &[u8],
    max_file_size: u64,
    d: &Defaults,
    out: &mut Inputs,
    tasks: &mut Vec<TaskDef>,
    services: &mut Vec<Service>,
) {
    let module = frontend::terraform::Module {
        path,
        max_file_size,
        limits: Limits::default(),
    };
    match frontend::read_terraform(bytes, &module) {
        Err(e) => out.errors.push(format!("{file}: not estimated: {e}")),
        Ok((doc, Err(e))) => {
            let at = LineIndex::of(&doc).position(e.span.start);
            out.errors.push(format!(
                "{file}:{}:{}: not estimated: {} (k2e lint {file} shows it in full)",
                at.line, at.column, e.message
            ));
        }
        Ok((doc, Ok(read))) => resources(file, &doc, &read, d, out, tasks, services),
    }
}

/// ECS services matched to their task definitions, and unpinned daemons on every architecture.
fn finish(mut out: Inputs, mut tasks: Vec<TaskDef>, services: &[Service]) -> Inputs {
    out.workloads.retain(|w| !out.included.contains(&w.file));
    tasks.retain(|t| !out.included.contains(&t.template.file));
    let (ecs, notes) = ecs::resolve(tasks, services);
    out.workloads.extend(ecs);
    out.notes.extend(notes);
    // `--arch` says where unpinned replicas go; an unpinned daemon still runs on every node.
    for w in &mut out.workloads {
        if w.kind == Kind::Daemon && !w.arch_pinned {
            w.archs = Archs::ANY;
            w.arch_from = "no architecture pinned: runs on nodes of every architecture".to_owned();
        }
    }
    out
}

/// A JSON file is one document, anything else a YAML stream. Documents that do not parse are
/// errors (exit 2): the workloads they hold would otherwise be missing from the totals without a
/// word (`k2e lint` reports the problem in full).
fn documents(name: &str, bytes: &[u8], out: &mut Inputs) -> Vec<Document> {
    let format = Format::of(name, Format::Sniff);
    let (mut docs, unreadable) = parse::documents(bytes, format, &Limits::default(), parse::MAX_DOCUMENTS);
    for e in unreadable {
        let past = if e.document.is_some() { " past this point" } else { "" };
        out.errors.push(format!("{name}: not estimated{past}: {e}"));
    }
    docs.retain(|doc| {
        if doc.root.is_some() {
            return true;
        }
        if let Some(e) = doc.errors.first() {
            let at = LineIndex::of(doc).position(e.span.start);
            out.errors.push(format!(
                "{name}:{}:{}: document not estimated: {} (k2e lint {name} shows it in full)",
                at.line, at.column, e.message
            ));
        }
        false
    });
    docs
}

fn document(
    file: &str,
    doc: &Document,
    d: &Defaults,
    out: &mut Inputs,
    tasks: &mut Vec<TaskDef>,
    services: &mut Vec<Service>,
) {
    let Some(root) = &doc.root else { return };
    let lines = LineIndex::of(doc);
    let line_of = |node: &parse::Node| lines.position(node.span.start).line;
    if let Some(read) = frontend::read(doc, root) {
        resources(file, doc, &read, d, out, tasks, services);
        return;
    }
    match detect(root) {
        Detected::Kubernetes(objects) => {
            for obj in &objects {
                if let Some(w) = kubernetes::workload(file, doc, obj, line_of(obj.node), d) {
                    out.workloads.push(w);
                }
            }
        }
        Detected::Ecs { shape, family } => {
            let Some(task) = TaskDefinition::of(root, shape) else {
                return;
            };
            let (node, prefix, only) = (task.node, task.pointer, task.containers_only());
            tasks.push(ecs::task(file, doc, node, prefix, family, line_of(node), d, only));
        }
        Detected::EcsService { name } => services.extend(ecs::service(file, doc, root, name, line_of(root))),
        Detected::Unknown(_) => {}
    }
}

/// The task definitions and services of a template or plan, linked as the template links them.
fn resources(
    file: &str,
    doc: &Document,
    read: &frontend::Read,
    d: &Defaults,
    out: &mut Inputs,
    tasks: &mut Vec<TaskDef>,
    services: &mut Vec<Service>,
) {
    let lines = LineIndex::of(doc);
    for e in &read.errors {
        let (place, at) = match read.included_at(e.span) {
            Some((included, local)) => (&included.file, LineIndex::of(&included.doc).position(local.start)),
            None => (&file.to_owned(), lines.position(e.span.start)),
        };
        out.errors.push(format!(
            "{place}:{}:{}: not estimated: {} (k2e lint {file} shows it in full)",
            at.line, at.column, e.message
        ));
    }
    for r in &read.resources {
        out.included.extend(r.included.as_ref().map(|i| i.file.clone()));
        let line = lines.position(r.node.span.start).line;
        if !r.unknown.is_empty() {
            out.notes.push(format!(
                "{file}:{line}: {}: {} value(s) given by parameters, functions or references are not known; estimated without them",
                r.label,
                r.unknown.len()
            ));
        }
        match r.kind {
            frontend::ResourceKind::TaskDefinition => {
                let family = r.node.get("family").and_then(parse::Node::as_str);
                let mut task = ecs::task(file, doc, &r.node, "", family, line, d, false);
                task.template.name = r.label.clone();
                let known = blockers::ecs_task_where(file, doc, &r.node, "", &r.label, |f| {
                    !r.is_unknown(f.span, f.pointer.as_deref()) && !r.rests_on_unknown(doc, &f.message, &[])
                });
                task.template.blocked = known.blocked;
                task.template.changes = known.changes;
                if linked(read, &r.id) {
                    // Linked by the template, not by a family that another file may share.
                    task.family = format!("{file}#{}", r.id);
                }
                tasks.push(task);
            }
            frontend::ResourceKind::Service => {
                let name = r.node.get("serviceName").and_then(parse::Node::as_str);
                let mut service = ecs::service(file, doc, &r.node, name, line);
                if let (Some(s), Some(id)) = (&mut service, &r.task_definition) {
                    s.family = format!("{file}#{id}");
                    s.revision = None;
                }
                services.extend(service);
            }
        }
    }
}

/// Whether a service of the same template or file runs the task definition `id`.
fn linked(read: &frontend::Read, id: &str) -> bool {
    read.resources.iter().any(|r| r.task_definition.as_deref() == Some(id))
}

/// Workloads from in-memory (file name, bytes) pairs, read as `read` reads files of those names:
/// for tests and fuzzing, which have bytes, not paths.
pub fn read_texts(files: &[(&str, &[u8])], d: &Defaults) -> Inputs {
    let mut out = Inputs::default();
    let mut tasks = Vec::new();
    let mut services = Vec::new();
    for (name, bytes) in files {
        if frontend::is_terraform(name) {
            terraform(name, None, bytes, u64::MAX, d, &mut out, &mut tasks, &mut services);
            continue;
        }
        for doc in documents(name, bytes, &mut out) {
            document(name, &doc, d, &mut out, &mut tasks, &mut services);
        }
    }
    finish(out, tasks, &services)
}
