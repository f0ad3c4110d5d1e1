//! Terraform: `aws_ecs_task_definition` and `aws_ecs_service` in `.tf` files and in
//! `terraform show -json` output, in the ECS API's shape.
//!
//! Both read the same way: the resource's values in Terraform's shape (what a plan holds; what
//! [`value`] builds from HCL) are rewritten by the provider's schema ([`schema`]) into the API's.

mod containers;
mod plan;
mod resource;
mod rewrite;
mod schema;
mod service;
mod template;
mod value;
mod variables;

pub use plan::{is_plan, plan_resources};

use crate::frontend::{FrontendError, Resource};
use crate::parse::hcl::{Block, Body};
use crate::parse::{Document, Limits};
use service::{SERVICE_TYPE, TASK_TYPE};
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
    // Each resource's included file gets offsets of its own, so a span tells which file it is in.
    let mut base = doc.offset + doc.text.len() + 1;
    for block in ecs {
        let mut reading = Reading::new(doc, &vars, module);
        reading.base = base;
        let resource = resource::read(&mut reading, block, &families);
        errors.append(&mut reading.errors);
        if let Some(included) = &resource.included {
            base = included.base + included.doc.text.len() + 1;
        }
        resources.push(resource);
    }
    (resources, errors)
}

/// Each task definition's `family` when it is known (a literal or a variable's default).
fn families(doc: &Document, blocks: &[&Block], vars: &Variables, module: &Module) -> resource::Families {
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

#[cfg(test)]
mod tests;
