//! ECS resources that a front-end read from a CloudFormation template, a Terraform file or a
//! plan: the ECS rules run on each resource's API-shaped tree, then each finding is put back in
//! the source's terms: the resource's name and the source's pointer, nothing about a value k2e
//! cannot know, the default a value was assumed from, and the file a value was included from.

use super::Options;
use crate::finding::{Finding, LineIndex, Severity, ids};
use crate::frontend::{Choice, FrontendError, Included, Read, Resource, ResourceKind, Source};
use crate::outcome::{Checked, FileResult};
use crate::parse::{Document, Node, NodeKind, Span};
use crate::rules::{self, Target};
use crate::validate::Validators;

pub(super) fn check(
    file: &str,
    doc: &Document,
    read: &Read,
    opts: &Options,
    validators: &Validators,
    out: &mut FileResult,
) {
    for error in &read.errors {
        out.findings.push(malformed(file, doc, read, error));
    }
    for resource in &read.resources {
        let mut found = template_schema(file, doc, read, resource);
        let mut api = api_schema(file, doc, read, resource, validators);
        api.extend(rules_on(file, doc, read, resource, opts, &resource.node));
        found.extend(in_source_terms(api, doc, resource, &[]));
        found.extend(choices(file, doc, read, resource, opts, &found));
        out.findings.extend(found);
        out.checked.push(Checked {
            document: doc.index,
            pointer: resource.pointer.clone(),
            api_version: read.source.name().to_owned(),
            kind: resource.kind.name(read.source).to_owned(),
            name: Some(resource.id.clone()),
        });
    }
}

/// The rules' findings on one resource, with `node` as its API-shaped tree (the resource's own,
/// or one with an allowed value of a parameter in place).
fn rules_on(file: &str, doc: &Document, read: &Read, resource: &Resource, opts: &Options, node: &Node) -> Vec<Finding> {
    let mut found = Vec::new();
    match resource.kind {
        ResourceKind::TaskDefinition => {
            let task = rules::FargateTask {
                file,
                doc,
                node,
                prefix: "",
                object: None,
            };
            rules::check_ecs(&task, &mut found);
            if on_fargate(read, resource, node, opts.target) {
                rules::check_ecs_fargate(&task, &mut found);
            }
        }
        ResourceKind::Service => {
            let name = node.get("serviceName").and_then(Node::as_str);
            rules::check_ecs_service(file, doc, node, name, opts.target, &mut found);
        }
    }
    found
}

/// Findings in the API's terms, in the source's: those on values k2e cannot know dropped (except
/// at the references being `tried` with an allowed value), the rest named and placed as the
/// source has them.
fn in_source_terms(found: Vec<Finding>, doc: &Document, resource: &Resource, tried: &[Span]) -> Vec<Finding> {
    found
        .into_iter()
        .filter(|f| {
            let tried = tried.iter().any(|span| overlaps(f.span, *span));
            tried
                || !(resource.is_unknown(f.span, f.pointer.as_deref())
                    || resource.rests_on_unknown(doc, &f.message, compared(f.rule)))
        })
        .map(|f| renamed(f, doc, resource))
        .collect()
}

/// What a rule compares a value against elsewhere in the task (API pointers, `*` any one step):
/// when one of those is unknown, so is the rule's verdict.
fn compared(rule: &str) -> &'static [&'static str] {
    const NAMES: &str = "/containerDefinitions/*/name";
    match rule {
        ids::UNKNOWN_REFERENCE => &["/volumes/*/name", NAMES],
        ids::DEPENDS_ON => &[
            NAMES,
            "/containerDefinitions/*/dependsOn/*",
            "/containerDefinitions/*/essential",
            "/containerDefinitions/*/healthCheck",
        ],
        ids::NO_ESSENTIAL => &["/containerDefinitions/*/essential"],
        ids::FG_CONTAINER_COUNT => &["/containerDefinitions/*"],
        ids::FG_CONTAINER_SIZE => &[
            "/containerDefinitions/*/cpu",
            "/containerDefinitions/*/memory",
            "/containerDefinitions/*/memoryReservation",
        ],
        _ => &[],
    }
}

/// A template's resource against its CloudFormation resource schema, as written (PascalCase, at
/// the template's own pointers).
fn template_schema(file: &str, doc: &Document, read: &Read, resource: &Resource) -> Vec<Finding> {
    if read.source != Source::CloudFormation {
        return Vec::new();
    }
    let properties = doc
        .root
        .as_ref()
        .and_then(|root| root.pointer(&resource.pointer))
        .map(|(node, _)| node);
    let Some(properties) = properties else {
        return Vec::new();
    };
    // Short-form intrinsics (`!Ref X`) are tagged nodes, which the schema check cannot see.
    let unknown: Vec<Span> = resource
        .unknown
        .iter()
        .map(|u| u.span)
        .chain(doc.tags.iter().map(|t| t.node))
        .collect();
    let kind = resource.kind.name(read.source);
    let mut found = crate::validate::cfn::check_cfn(
        file,
        doc,
        kind,
        properties,
        &resource.pointer,
        &unknown,
        &resource.label,
    );
    found.iter_mut().for_each(|f| f.resource = Some(resource.label.clone()));
    found
}

/// A Terraform task definition against the ECS API schema: Terraform hands its
/// `container_definitions` and attributes to the API as they are.
fn api_schema(file: &str, doc: &Document, read: &Read, resource: &Resource, validators: &Validators) -> Vec<Finding> {
    if read.source == Source::CloudFormation || resource.kind != ResourceKind::TaskDefinition {
        return Vec::new();
    }
    validators.check_ecs(file, doc, &resource.node, crate::detect::EcsShape::Register)
}

/// With `--target auto`, a task definition is checked as a Fargate one when it says so itself
/// (`requiresCompatibilities`) or a service of the same input runs it on Fargate.
fn on_fargate(read: &Read, resource: &Resource, node: &Node, target: Target) -> bool {
    if target.ecs_fargate(node) {
        return true;
    }
    target == Target::Auto
        && read.resources.iter().any(|s| {
            s.kind == ResourceKind::Service
                && s.task_definition.as_deref() == Some(resource.id.as_str())
                && rules::declares_fargate(&s.node)
        })
}

/// The finding as the source names things: the resource's label, the source's pointer, the
/// default a value was assumed from, the file a value was read from.
fn renamed(mut f: Finding, doc: &Document, resource: &Resource) -> Finding {
    f.object = Some(resource.label.clone());
    f.resource = Some(resource.label.clone());
    let in_included = resource.included.as_ref().is_some_and(|i| f.span.start >= i.base);
    if let Some(pointer) = f.pointer.take() {
        f.pointer = Some(match in_included {
            // The included file holds the container definitions array itself.
            true => pointer
                .strip_prefix("/containerDefinitions")
                .unwrap_or(&pointer)
                .to_owned(),
            false => resource.source_pointer(&pointer),
        });
    }
    let at = f.span;
    for assumed in resource.assumed.iter().filter(|a| overlaps(a.span, at)) {
        match &assumed.default_file {
            None => {
                f.message = format!(
                    "{} (with the default of {}: {})",
                    f.message, assumed.name, assumed.value
                );
                f = f.with_related(doc, assumed.default_span, format!("the default of {}", assumed.name));
            }
            Some(other) => {
                f.message = format!(
                    "{} (with the default of {} in {other}: {})",
                    f.message, assumed.name, assumed.value
                );
            }
        }
    }
    match &resource.included {
        Some(included) if f.span.start >= included.base => relocated(f, included),
        _ => f,
    }
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1)
}

/// A finding on a value read from another file (`file("containers.json")`), placed in that file.
fn relocated(f: Finding, included: &Included) -> Finding {
    let shift = |span: Span| Span::new(span.start - included.base, span.end.saturating_sub(included.base));
    let mut moved = Finding::at(
        f.rule,
        f.severity,
        &included.file,
        &included.doc,
        shift(f.span),
        f.message.clone(),
    );
    moved.label = f.label;
    moved.help = f.help;
    moved.pointer = f.pointer;
    moved.object = f.object;
    moved.resource = f.resource;
    let lines = LineIndex::of(&included.doc);
    moved.related = f
        .related
        .into_iter()
        .filter(|r| r.span.start >= included.base)
        .map(|mut r| {
            r.span = shift(r.span);
            r.start = lines.position(r.span.start);
            r
        })
        .collect();
    moved
}

/// Each try of an allowed value runs the rules again: parameters with more values, and those past
/// this many in one resource, are not tried (a finding then needs the default to show).
const MAX_VALUES: usize = 32;
const MAX_PARAMETERS: usize = 16;

/// A parameter with allowed values is checked once per value, in every place it is used at once
/// (a stack gives it one value): a finding at one of its references that every allowed value
/// gets (and the default, if any, did not already give) is reported once, naming the values.
fn choices(
    file: &str,
    doc: &Document,
    read: &Read,
    resource: &Resource,
    opts: &Options,
    already: &[Finding],
) -> Vec<Finding> {
    let mut names: Vec<&str> = Vec::new();
    for c in &resource.choices {
        if !names.contains(&c.name.as_str()) {
            names.push(&c.name);
        }
    }
    let mut out = Vec::new();
    for name in names.into_iter().take(MAX_PARAMETERS) {
        let uses: Vec<&Choice> = resource.choices.iter().filter(|c| c.name == name).collect();
        let values = &uses[0].values;
        if values.is_empty() || values.len() > MAX_VALUES {
            continue;
        }
        let spans: Vec<Span> = uses.iter().map(|c| c.span).collect();
        let mut common: Option<Vec<Finding>> = None;
        for value in values {
            let mut node = resource.node.clone();
            for c in &uses {
                place(&mut node, &c.pointer, value, c.span);
            }
            let found = rules_on(file, doc, read, resource, opts, &node);
            let mut found = in_source_terms(found, doc, resource, &spans);
            found.retain(|f| spans.iter().any(|span| overlaps(f.span, *span)));
            common = Some(match common {
                None => found,
                Some(before) => before
                    .into_iter()
                    .filter(|f| found.iter().any(|g| g.rule == f.rule && g.span == f.span))
                    .collect(),
            });
        }
        for f in common.unwrap_or_default() {
            let before = already.iter().chain(&out);
            if before
                .into_iter()
                .any(|a: &Finding| a.rule == f.rule && overlaps(a.span, f.span))
            {
                continue;
            }
            out.push(every_value(f, uses[0]));
        }
    }
    out
}

fn every_value(mut f: Finding, choice: &Choice) -> Finding {
    let values: Vec<String> = choice
        .values
        .iter()
        .map(|v| v.scalar_text().unwrap_or_else(|| v.to_json().to_string()))
        .collect();
    f.message = format!(
        "every allowed value of {} ({}) is refused: {}",
        choice.name,
        values.join(", "),
        f.message
    );
    f
}

/// Puts `value` at the API `pointer` of `root`, placed at `span` (the reference it stands for).
fn place(root: &mut Node, pointer: &str, value: &Node, span: Span) {
    if let Some(slot) = node_at_mut(root, pointer) {
        *slot = Node {
            span,
            kind: value.kind.clone(),
        };
    }
}

fn node_at_mut<'a>(node: &'a mut Node, pointer: &str) -> Option<&'a mut Node> {
    if pointer.is_empty() {
        return Some(node);
    }
    let mut node = node;
    for raw in pointer.strip_prefix('/')?.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        node = match &mut node.kind {
            NodeKind::Map(entries) => &mut entries.iter_mut().find(|e| e.key == token)?.value,
            NodeKind::Seq(items) => items.get_mut(token.parse::<usize>().ok()?)?,
            NodeKind::Scalar { .. } => return None,
        };
    }
    Some(node)
}

/// A template or Terraform file whose structure k2e cannot read (`Resources` not a mapping,
/// a resource without a `Type`, a `container_definitions` file that is not JSON).
fn malformed(file: &str, doc: &Document, read: &Read, error: &FrontendError) -> Finding {
    let included = read.included_at(error.span).map(|(inc, _)| inc);
    let f = Finding::at(
        ids::MALFORMED_TEMPLATE,
        Severity::Error,
        file,
        doc,
        error.span,
        error.message.clone(),
    );
    match included {
        Some(inc) => relocated(f, inc),
        None => f,
    }
}
