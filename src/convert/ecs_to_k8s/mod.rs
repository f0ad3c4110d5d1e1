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
mod resources;
mod security;
mod service;
mod service_connect;
mod task;
mod volumes;

use super::catalog::{Catalog, EcsItem, Skipped};
use super::cursor::At;
use super::loss::{Counts, Fate, Ledger, Note};
use super::names::{dns_subdomain, dns1035_label};
use super::options::{Kind, Options};
use super::outcome::{Conversion, ObjectReport, Output, Role};
use super::unique::{self, Wanted};
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
    /// The ServiceAccount of each task role of the set.
    pub accounts: &'o Accounts,
}

/// The ServiceAccount written for each task role ARN of the set: one per role, named uniquely
/// (two roles that would give the same name are told apart by the rule of `unique`), written
/// with the first workload that uses it.
#[derive(Debug, Default)]
pub struct Accounts {
    /// Role ARN -> (ServiceAccount name, the workload written with it).
    pub by_role: BTreeMap<String, (String, String)>,
}

impl Accounts {
    fn of(catalog: &Catalog<'_>, names: &[String], opts: &Options) -> Accounts {
        let mut first: Vec<(String, String)> = Vec::new();
        for (task, name) in catalog.ecs_tasks.iter().zip(names) {
            let role = task.node.get("taskRoleArn").and_then(Node::as_str);
            if let Some(role) = role.filter(|r| first.iter().all(|(f, _)| f != r)) {
                first.push((role.to_owned(), name.clone()));
            }
        }
        let wanted: Vec<Wanted> = first
            .iter()
            .map(|(role, _)| Wanted {
                name: super::references::service_account(opts, role).0,
                qualified: None,
                identity: role.clone(),
            })
            .collect();
        let accounts = unique::resolve(&wanted, 253, |n| n.to_owned());
        Accounts {
            by_role: first
                .into_iter()
                .zip(accounts)
                .map(|((role, owner), account)| (role, (account, owner)))
                .collect(),
        }
    }
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
    let names = workload_names(catalog, &families, opts);
    let accounts = Accounts::of(catalog, &names, opts);
    let mut used_services = vec![false; catalog.ecs_services.len()];
    let mut used_scaling = vec![false; catalog.ecs_scaling.len()];
    for ((task, family), name) in catalog.ecs_tasks.iter().zip(&families).zip(&names) {
        let service = linked_service(catalog, task).or_else(|| {
            catalog.ecs_services.iter().position(|s| {
                let unlinked = s.resource.is_none_or(|r| r.task_definition.is_none());
                unlinked && family_of(s) == Some(family.as_str())
            })
        });
        if let Some(i) = service {
            used_services[i] = true;
        }
        let service = service.map(|i| &catalog.ecs_services[i]);
        let (reports, mut output) = objects::convert(task, family, service, name, &accounts, opts);
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

/// The name of the workload written for a family, before it is made unique.
pub fn workload_name(family: &str) -> String {
    dns_subdomain(family)
}

/// The name of each task definition's workload (and of its Service and output file), unique
/// across the set by the rule of `unique`: two revisions of one family, or `web_app` and
/// `web-app`, get `family-REVISION` or a hash suffix. Names are compared as the Service name
/// made of them, and fit the limits of the kind written (a CronJob's 52 characters, else 63:
/// the name goes into label values).
fn workload_names(catalog: &Catalog<'_>, families: &[String], opts: &Options) -> Vec<String> {
    let wanted: Vec<Wanted> = catalog
        .ecs_tasks
        .iter()
        .zip(families)
        .map(|(task, family)| {
            let revision = task
                .node
                .get("revision")
                .and_then(Node::scalar_text)
                .filter(|r| !r.is_empty());
            Wanted {
                name: workload_name(family),
                qualified: revision.as_ref().map(|r| workload_name(&format!("{family}-{r}"))),
                identity: format!("{family}:{}", revision.as_deref().unwrap_or_default()),
            }
        })
        .collect();
    let limit = if opts.kind == Some(Kind::CronJob) { 52 } else { 63 };
    unique::resolve(&wanted, limit, dns1035_label)
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
