//! ECS task definitions (RegisterTaskDefinition input, describe-task-definition output or a bare
//! containerDefinitions array) -> a Deployment (or the kind --kind names), a Service for the
//! port mappings and a ServiceAccount for the task role. An ECS service (CreateService input)
//! among the inputs supplies replicas and the rollout limits.

mod autoscaling;
mod container;
mod env;
mod health;
mod labels;
mod objects;
mod plan;
mod security;
mod service;
mod service_connect;
mod task;
mod volumes;

use super::catalog::{Catalog, EcsItem, Skipped};
use super::cursor::At;
use super::loss::{Counts, Fate, Ledger, Note};
use super::names::{dns_subdomain, file_stem};
use super::options::{Kind, Options};
use super::outcome::{Conversion, ObjectReport, Output, Role};
use crate::detect::EcsShape;
use crate::frontend::Resource;
use crate::model::ecs::Service;
use crate::parse::Node;
use std::collections::BTreeMap;

/// One conversion in progress.
pub struct Cx<'o> {
    pub opts: &'o Options,
    pub ledger: Ledger,
    pub kind: Kind,
    /// The workload's name.
    pub name: String,
}

impl Cx<'_> {
    /// Where the pod spec sits in the workload.
    pub fn pod_path(&self) -> &'static str {
        match self.kind {
            Kind::Pod => "/spec",
            Kind::CronJob => "/spec/jobTemplate/spec/template/spec",
            _ => "/spec/template/spec",
        }
    }

    /// `Kind#/pointer` in the workload written.
    pub fn to(&self, pointer: impl AsRef<str>) -> String {
        format!("{}#{}", self.kind.name(), pointer.as_ref())
    }

    /// A pointer below the pod spec.
    pub fn pod(&self, pointer: impl AsRef<str>) -> String {
        self.to(format!("{}{}", self.pod_path(), pointer.as_ref()))
    }

    /// A pointer below the pod template's metadata (the object's own for a Pod).
    pub fn template_meta(&self, pointer: impl AsRef<str>) -> String {
        let base = match self.kind {
            Kind::Pod => "/metadata",
            Kind::CronJob => "/spec/jobTemplate/spec/template/metadata",
            _ => "/spec/template/metadata",
        };
        self.to(format!("{base}{}", pointer.as_ref()))
    }
}

/// The family a CreateService `taskDefinition` names: `family`, `family:3` or an ARN.
/// The family a service's `taskDefinition` names.
fn family_of<'a>(service: &EcsItem<'a>) -> Option<&'a str> {
    Service::of(service.node)?
        .family_and_revision()
        .map(|(family, _)| family)
}

pub fn convert(catalog: &Catalog<'_>, opts: &Options, run: &mut Conversion) {
    for item in &catalog.k8s {
        run.skipped.push(Skipped {
            file: item.file.to_owned(),
            document: item.doc.index,
            reason: format!("Kubernetes {}: convert it with --to ecs", item.obj.kind),
        });
    }
    let families: Vec<String> = catalog.ecs_tasks.iter().map(|t| family(t)).collect();
    let mut used_services = vec![false; catalog.ecs_services.len()];
    let mut used_scaling = vec![false; catalog.ecs_scaling.len()];
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (task, family) in catalog.ecs_tasks.iter().zip(&families) {
        let service = linked_service(catalog, task).or_else(|| {
            catalog.ecs_services.iter().position(|s| {
                let unlinked = s.resource.is_none_or(|r| r.task_definition.is_none());
                unlinked && family_of(s) == Some(family.as_str())
            })
        });
        if let Some(i) = service {
            used_services[i] = true;
        }
        let base = file_stem(family);
        let n = seen.entry(base.clone()).or_default();
        *n += 1;
        let stem = if *n == 1 { base } else { format!("{base}-{n}") };
        let service = service.map(|i| &catalog.ecs_services[i]);
        let (reports, mut output) = objects::convert(task, family, service, &stem, opts);
        run.objects.extend(reports);
        if let Some(service) = service {
            scaling(catalog, service, family, &mut used_scaling, &mut output, opts, run);
        }
        run.outputs.extend(output);
    }
    for (item, used) in catalog.ecs_scaling.iter().zip(used_scaling) {
        if !used {
            run.objects.push(autoscaling::unmatched(item));
        }
    }
    for (service, used) in catalog.ecs_services.iter().zip(used_services) {
        if used {
            continue;
        }
        let mut ledger = Ledger::default();
        let named = family_of(service).unwrap_or("?");
        ledger.dropped(
            &At::new(service.node, ""),
            format!("no task definition of family {named:?} among the inputs"),
            "convert the service together with its task definition",
        );
        run.objects
            .push(report(service, ledger, Vec::new(), None, service_label(service)));
    }
}

/// The HPA of a service's scaling inputs, added to the workload's stream.
fn scaling(
    catalog: &Catalog<'_>,
    service: &EcsItem<'_>,
    family: &str,
    used: &mut [bool],
    output: &mut Option<Output>,
    opts: &Options,
    run: &mut Conversion,
) {
    let Some(out) = output.as_mut() else { return };
    let mut items = Vec::new();
    for (i, item) in catalog.ecs_scaling.iter().enumerate() {
        if autoscaling::is_for(item, service) {
            used[i] = true;
            items.push(item);
        }
    }
    if items.is_empty() {
        return;
    }
    let name = workload_name(family);
    let (hpa, reports) = autoscaling::convert(&items, service, &name, std::slice::from_ref(&out.file), opts);
    if let Some(hpa) = hpa {
        out.text.push_str("---\n");
        out.text.push_str(&super::emit_yaml::document(&hpa));
    }
    run.objects.extend(reports);
}

/// The service a template or Terraform file links to a task definition of the same file.
fn linked_service(catalog: &Catalog<'_>, task: &EcsItem<'_>) -> Option<usize> {
    let id = &task.resource?.id;
    catalog
        .ecs_services
        .iter()
        .position(|s| s.file == task.file && s.resource.is_some_and(|r| r.task_definition.as_ref() == Some(id)))
}

/// The family of a task definition; a bare container list is named after its file.
fn family(item: &EcsItem<'_>) -> String {
    match item.node.get("family").and_then(Node::as_str) {
        Some(f) if !f.is_empty() => f.to_owned(),
        _ => {
            let file = std::path::Path::new(item.file);
            file.file_stem()
                .map_or_else(|| "task".to_owned(), |s| s.to_string_lossy().into_owned())
        }
    }
}

pub fn task_label(item: &EcsItem<'_>, family: &str) -> String {
    match item.shape {
        Some(EcsShape::ContainerDefinitions) => format!("ContainerDefinitions/{family}"),
        _ => format!("TaskDefinition/{family}"),
    }
}

pub fn service_label(item: &EcsItem<'_>) -> String {
    let name = item.node.get("serviceName").and_then(Node::as_str).unwrap_or("?");
    format!("EcsService/{name}")
}

/// The name of the workload written for a family.
pub fn workload_name(family: &str) -> String {
    dns_subdomain(family)
}

pub fn report(
    item: &EcsItem<'_>,
    mut ledger: Ledger,
    outputs: Vec<String>,
    error: Option<String>,
    object: String,
) -> ObjectReport {
    ledger.sweep(item.root, "");
    let (mut fields, added) = ledger.finish(item.doc);
    let (pointer, object) = match item.resource {
        Some(resource) => {
            in_source_terms(&mut fields, resource);
            (resource.pointer.clone(), resource.label.clone())
        }
        None => (String::new(), object),
    };
    ObjectReport {
        file: item.file.to_owned(),
        document: item.doc.index,
        pointer,
        object,
        outputs,
        counts: Counts::of(&fields),
        fields,
        added,
        error,
    }
}

/// Notes on a template or plan resource, as the source names things: its pointers, and values
/// the source leaves to a parameter, function or reference, which k2e does not evaluate.
fn in_source_terms(fields: &mut [Note], resource: &Resource) {
    const UNKNOWN: &str =
        "the source gives this value by a parameter, function or reference, which k2e does not evaluate";
    for note in fields.iter_mut() {
        let at = crate::parse::Span::new(note.offset, note.offset);
        if resource.is_unknown(at, Some(&note.path)) {
            match note.fate {
                Fate::Mapped | Fate::Approximated => {
                    note.fate = Fate::Approximated;
                    note.reason = Some(format!("{UNKNOWN}: its text was written as a placeholder"));
                    note.fix = Some("replace the placeholder with the value".into());
                }
                Fate::Dropped => {
                    note.reason = Some(format!("{UNKNOWN}: not converted"));
                    note.fix = Some("set the value in the output by hand".into());
                }
            }
        }
        if let Some(included) = resource.included.as_ref().filter(|i| note.offset >= i.base) {
            // Container definitions read from another file (Terraform's `file("containers.json")`),
            // which holds the array itself: placed there.
            let at = crate::finding::LineIndex::of(&included.doc).position(note.offset - included.base);
            (note.line, note.column) = (at.line, at.column);
            note.file = Some(included.file.clone());
            note.path = note
                .path
                .strip_prefix("/containerDefinitions")
                .unwrap_or(&note.path)
                .to_owned();
            continue;
        }
        note.path = resource.source_pointer(&note.path);
    }
}

pub fn output(file: String, text: String, object: String) -> Output {
    Output {
        file,
        text,
        role: Role::Kubernetes,
        object,
    }
}
