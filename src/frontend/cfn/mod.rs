//! CloudFormation templates (and CDK and SAM output): `AWS::ECS::TaskDefinition` and
//! `AWS::ECS::Service` resources in the ECS API's shape.
//!
//! YAML short forms (`!Ref X`) come from the tags the parser records; long forms
//! (`{"Ref": "X"}`) are one-key mappings. A SAM `Transform` or CDK's asset parameters change
//! nothing here: their ECS resources are plain `AWS::ECS::*` resources.

mod intrinsic;
mod names;
mod params;
mod resource;
mod rewrite;
#[cfg(test)]
mod tests;

use super::{FrontendError, Resource, ResourceKind};
use crate::parse::{Document, Entry, Node};
use resource::Template;

/// Whether a document is a CloudFormation template: it says so (`AWSTemplateFormatVersion`) or
/// has `Resources` with a CloudFormation `Type` (`AWS::...`, `Custom::...`: always a `::`).
pub fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    let resources = root.get("Resources").and_then(Node::as_map).unwrap_or_default();
    resources.iter().any(|r| {
        r.value
            .get("Type")
            .and_then(Node::as_str)
            .is_some_and(|t| t.contains("::"))
    })
}

/// Every ECS task definition and service of the template, in document order, and what is
/// malformed (the other resources are still read).
pub fn resources(doc: &Document, root: &Node) -> (Vec<Resource>, Vec<FrontendError>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let Some(section) = root.entry("Resources") else {
        return (found, errors);
    };
    let Some(entries) = section.value.as_map() else {
        errors.push(FrontendError {
            span: section.value.span,
            message: "`Resources` must be a mapping of logical ids to resources \
                      (`MyTask: {Type: AWS::ECS::TaskDefinition, Properties: ...}`)"
                .to_owned(),
        });
        return (found, errors);
    };
    // `Fn::ForEach::Name` (the AWS::LanguageExtensions transform) makes resources from a
    // template of its own: valid, and not read here.
    let typed: Vec<_> = entries
        .iter()
        .filter(|e| !e.key.starts_with("Fn::ForEach::"))
        .map(|e| (e, resource_type(e)))
        .collect();
    let tasks = typed
        .iter()
        .filter(|(_, t)| matches!(t, Ok(t) if ecs_kind(t) == Some(ResourceKind::TaskDefinition)))
        .map(|(e, _)| (e.key.clone(), resource::task_name(doc, e)))
        .collect();
    let template = Template { doc, root, tasks };
    for (entry, type_name) in typed {
        let read = type_name.and_then(|t| match ecs_kind(t) {
            Some(kind) => resource::read(&template, entry, kind, t).map(Some),
            None => Ok(None),
        });
        match read {
            Ok(Some(resource)) => found.push(resource),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    (found, errors)
}

fn ecs_kind(type_name: &str) -> Option<ResourceKind> {
    match type_name {
        "AWS::ECS::TaskDefinition" => Some(ResourceKind::TaskDefinition),
        "AWS::ECS::Service" => Some(ResourceKind::Service),
        _ => None,
    }
}

/// A resource's `Type`, or why it has none.
fn resource_type(entry: &Entry) -> Result<&str, FrontendError> {
    let id = &entry.key;
    if entry.value.as_map().is_none() {
        return Err(FrontendError {
            span: entry.value.span,
            message: format!("resource `{id}` must be a mapping with `Type` and `Properties`"),
        });
    }
    let Some(type_node) = entry.value.get("Type") else {
        return Err(FrontendError {
            span: entry.key_span,
            message: format!(
                "resource `{id}` has no `Type`; write its resource type (`Type: AWS::ECS::TaskDefinition`)"
            ),
        });
    };
    type_node.as_str().ok_or_else(|| FrontendError {
        span: type_node.span,
        message: format!("the `Type` of resource `{id}` must be a string such as `AWS::ECS::TaskDefinition`"),
    })
}
