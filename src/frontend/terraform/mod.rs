//! Terraform: `aws_ecs_task_definition` and `aws_ecs_service` in `.tf` files and in
//! `terraform show -json` output, in the ECS API's shape.
//!
//! Both read the same way: the resource's values in Terraform's shape (what a plan holds; what
//! [`value`] builds from HCL) are rewritten by the provider's schema ([`schema`]) into the API's.

mod containers;
mod plan;
mod rewrite;
mod schema;
mod service;
mod template;
mod value;
mod variables;

pub use plan::{is_plan, plan_resources};

use crate::frontend::{Choice, FrontendError, Resource, ResourceKind};
use crate::parse::hcl::{Block, Body};
use crate::parse::{Document, Entry, Limits, Node, NodeKind, Scalar};
use service::{SERVICE_TYPE, TASK_TYPE};
use std::collections::BTreeMap;
use std::path::Path;
use value::Reading;
use variables::Variables;

/// Where a `.tf` file sits and how much k2e may read next to it.
#[derive(Clone, Copy, Debug)]
pub struct Module<'a> {
    /// The file's path as lint names it (and opens it); None for standard input. Its directory
    /// is the module: sibling `.tf` files give variables, `file()` paths are read inside it.
    pub path: Option<&'a Path>,
    /// The size limit for each file read besides this one.
    pub max_file_size: u64,
    pub limits: Limits,
}

/// The ECS resources of a parsed `.tf` file (`doc` holds its text), in the order written.
pub fn hcl_resources(doc: &Document, body: &Body, module: &Module) -> (Vec<Resource>, Vec<FrontendError>) {
    let ecs: Vec<&Block> = body
        .blocks_of("resource")
        .filter(|b| b.labels.len() == 2 && [TASK_TYPE, SERVICE_TYPE].contains(&b.labels[0].value.as_str()))
        .collect();
    if ecs.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let vars = Variables::of_module(doc, body, module);
    let families = families(doc, &ecs, &vars, module);
    let mut resources = Vec::new();
    let mut errors = Vec::new();
    for block in ecs {
        let mut reading = Reading::new(doc, &vars, module);
        let resource = read(&mut reading, block, &families);
        errors.append(&mut reading.errors);
        resources.push(resource);
    }
    (resources, errors)
}

/// Each task definition's `family` when it is known (a literal or a variable's default).
fn families(doc: &Document, blocks: &[&Block], vars: &Variables, module: &Module) -> BTreeMap<String, Option<String>> {
    blocks
        .iter()
        .filter(|b| b.labels[0].value == TASK_TYPE)
        .map(|b| {
            let mut reading = Reading::new(doc, vars, module);
            let family = b.body.attribute("family").and_then(|a| {
                let node = reading.expr(&a.value);
                let known = !reading.unknown.contains(&node.span);
                known.then(|| node.as_str().map(str::to_owned)).flatten()
            });
            (b.labels[1].value.clone(), family)
        })
        .collect()
}

fn read(reading: &mut Reading, block: &Block, families: &BTreeMap<String, Option<String>>) -> Resource {
    let (kind_name, name) = (&block.labels[0].value, &block.labels[1].value);
    let address = format!("{kind_name}.{name}");
    let pointer = format!("/resource/{kind_name}/{name}");
    for meta in ["count", "for_each"] {
        if block.body.attribute(meta).is_some() {
            reading.notes.push(format!("`{meta}`: the resource is read once"));
        }
    }
    let special = ["container_definitions", "task_definition"];
    let mut tf = reading.body(&block.body, block.span, &special);
    let mut task_definition = None;
    if let Some(a) = block
        .body
        .attribute("container_definitions")
        .filter(|_| kind_name == TASK_TYPE)
    {
        let value = reading.containers(&a.value);
        push(&mut tf, &a.key, a.key_span, value);
    }
    if let Some(a) = block
        .body
        .attribute("task_definition")
        .filter(|_| kind_name == SERVICE_TYPE)
    {
        let value = match service::linked_task(&a.value).filter(|t| families.contains_key(t)) {
            Some(task) => {
                let linked = format!("{TASK_TYPE}.{task}");
                let named = families.get(&task).cloned().flatten().unwrap_or_else(|| linked.clone());
                task_definition = Some(linked);
                rewrite::scalar(a.value.span, Scalar::Str(named))
            }
            None => reading.expr(&a.value),
        };
        push(&mut tf, &a.key, a.key_span, value);
    }
    let (kind, fields) = if kind_name == TASK_TYPE {
        (ResourceKind::TaskDefinition, schema::TASK_DEFINITION)
    } else {
        (ResourceKind::Service, schema::SERVICE)
    };
    let mut decode = |_: &Node| None;
    let mut rewrite = rewrite::Rewrite {
        unknown: &reading.unknown,
        decode: &mut decode,
        note_unknown_arguments: true,
        notes: Vec::new(),
        pointers: Vec::new(),
    };
    let node = rewrite.object(fields, &tf, "", &pointer);
    let (notes, pointers) = (rewrite.notes, rewrite.pointers);
    let mut unknown = Vec::new();
    rewrite::unknowns(&node, &reading.unknown, "", &mut unknown);
    reading.notes.extend(notes);
    let choices = reading
        .choices
        .drain(..)
        .filter_map(|(span, name, values)| {
            let pointer = rewrite::pointer_of(&node, span, "")?;
            Some(Choice {
                span,
                pointer,
                name,
                values,
            })
        })
        .collect();
    Resource {
        kind,
        label: address.clone(),
        id: address,
        task_definition,
        node,
        pointer,
        pointers,
        unknown,
        assumed: std::mem::take(&mut reading.assumed),
        choices,
        included: reading.included.take(),
        notes: std::mem::take(&mut reading.notes),
    }
}

fn push(tf: &mut Node, key: &str, key_span: crate::parse::Span, value: Node) {
    if let NodeKind::Map(entries) = &mut tf.kind {
        entries.push(Entry {
            key: key.to_owned(),
            key_span,
            value,
        });
    }
}

#[cfg(test)]
mod tests;
