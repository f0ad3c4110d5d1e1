//! One `resource` block of a `.tf` file -> a [`Resource`]: its values in Terraform's shape
//! (with `container_definitions` and a service's `task_definition` read in their own ways),
//! then rewritten into the API's shape.

use super::rewrite::{self, Rewrite};
use super::schema;
use super::service::{self, SERVICE_TYPE, TASK_TYPE};
use super::value::Reading;
use crate::frontend::{Choice, Resource, ResourceKind};
use crate::parse::hcl::{Attribute, Block};
use crate::parse::{Entry, Node, NodeKind, Scalar};
use std::collections::BTreeMap;

/// Task definitions by name, with their `family` when it is known.
pub type Families = BTreeMap<String, Option<String>>;

pub fn read(reading: &mut Reading, block: &Block, families: &Families) -> Resource {
    let (kind_name, name) = (&block.labels[0].value, &block.labels[1].value);
    let address = format!("{kind_name}.{name}");
    let pointer = format!("/resource/{kind_name}/{name}");
    let (tf, task_definition) = terraform_values(reading, block, families);
    let (kind, fields) = if kind_name == TASK_TYPE {
        (ResourceKind::TaskDefinition, schema::TASK_DEFINITION)
    } else {
        (ResourceKind::Service, schema::SERVICE)
    };
    let mut decode = |_: &Node| None;
    let mut rewrite = Rewrite {
        unknown: &reading.unknown,
        decode: &mut decode,
        note_unknown_arguments: true,
        notes: Vec::new(),
        pointers: Vec::new(),
    };
    let node = rewrite.object(fields, &tf, "", &pointer);
    let (notes, pointers) = (rewrite.notes, rewrite.pointers);
    reading.notes.extend(notes);
    let mut unknown = Vec::new();
    rewrite::unknowns(&node, &reading.unknown, "", &mut unknown);
    Resource {
        kind,
        label: address.clone(),
        id: address,
        task_definition,
        choices: choices(reading, &node),
        node,
        pointer,
        pointers,
        unknown,
        assumed: std::mem::take(&mut reading.assumed),
        included: reading.included.take(),
        notes: std::mem::take(&mut reading.notes),
    }
}

/// The block's values in Terraform's shape, and the task definition a service links to.
fn terraform_values(reading: &mut Reading, block: &Block, families: &Families) -> (Node, Option<String>) {
    let kind_name = block.labels[0].value.as_str();
    for meta in ["count", "for_each"] {
        if block.body.attribute(meta).is_some() {
            reading.notes.push(format!("`{meta}`: the resource is read once"));
        }
    }
    let mut tf = reading.body(&block.body, block.span, &["container_definitions", "task_definition"]);
    let mut task_definition = None;
    let containers = block.body.attribute("container_definitions");
    if let Some(a) = containers.filter(|_| kind_name == TASK_TYPE) {
        let value = reading.containers(&a.value);
        push(&mut tf, a, value);
    }
    let task = block.body.attribute("task_definition");
    if let Some(a) = task.filter(|_| kind_name == SERVICE_TYPE) {
        let (value, linked) = task_definition_value(reading, a, families);
        task_definition = linked;
        push(&mut tf, a, value);
    }
    (tf, task_definition)
}

/// A service's `task_definition`: a reference to a task definition of the file stands for its
/// family (or, unknown, its address) and links the two.
fn task_definition_value(reading: &mut Reading, a: &Attribute, families: &Families) -> (Node, Option<String>) {
    match service::linked_task(&a.value).filter(|t| families.contains_key(t)) {
        Some(task) => {
            let linked = format!("{TASK_TYPE}.{task}");
            let named = families.get(&task).cloned().flatten().unwrap_or_else(|| linked.clone());
            (rewrite::scalar(a.value.span, Scalar::Str(named)), Some(linked))
        }
        None => (reading.expr(&a.value), None),
    }
}

/// The variables with allowed values the resource reads, where they land in the API's shape.
fn choices(reading: &mut Reading, node: &Node) -> Vec<Choice> {
    reading
        .choices
        .drain(..)
        .filter_map(|(span, name, values)| {
            let pointer = rewrite::pointer_of(node, span, "")?;
            Some(Choice {
                span,
                pointer,
                name,
                values,
            })
        })
        .collect()
}

fn push(tf: &mut Node, a: &Attribute, value: Node) {
    if let NodeKind::Map(entries) = &mut tf.kind {
        entries.push(Entry {
            key: a.key.clone(),
            key_span: a.key_span,
            value,
        });
    }
}
