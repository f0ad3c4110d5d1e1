//! One `AWS::ECS::TaskDefinition` or `AWS::ECS::Service` resource -> a [`Resource`].

use super::intrinsic::Intrinsic;
use super::params::string_at;
use super::rewrite::Rewrite;
use crate::frontend::{FrontendError, Resource, ResourceKind, Unknown};
use crate::parse::pointer_token as token;
use crate::parse::{Document, Entry, Node, NodeKind};

/// What a resource is read with besides itself.
pub struct Template<'a> {
    pub doc: &'a Document,
    pub root: &'a Node,
    /// (logical id, name) of the template's task definitions, see [`Rewrite`].
    pub tasks: Vec<(String, String)>,
}

/// Reads the resource at `entry` (its logical id and body) of type `type_name`.
pub fn read(
    template: &Template,
    entry: &Entry,
    kind: ResourceKind,
    type_name: &str,
) -> Result<Resource, FrontendError> {
    let id = entry.key.as_str();
    let label = format!("{type_name} {id}");
    let pointer = format!("/Resources/{}/Properties", token(id));
    let empty = Node {
        span: entry.value.span,
        kind: NodeKind::Map(Vec::new()),
    };
    let props = entry.value.get("Properties").unwrap_or(&empty);
    let mut rw = Rewrite::new(template.doc, template.root, &template.tasks);
    let mut node = if let Some(call) = Intrinsic::of(template.doc, props) {
        // All properties at once from a function (`Fn::If` of two bodies): nothing to check.
        rw.unknown.push(Unknown {
            span: call.span,
            pointer: String::new(),
        });
        Node {
            span: call.span,
            kind: NodeKind::Map(Vec::new()),
        }
    } else if props.as_map().is_some() {
        rw.node(props, "", &pointer, false)
    } else {
        return Err(FrontendError {
            span: props.span,
            message: format!("the `Properties` of {label} must be a mapping of property names to values (`Cpu: 256`)"),
        });
    };
    let name_key = match kind {
        ResourceKind::TaskDefinition => "family",
        ResourceKind::Service => "serviceName",
    };
    if node.get(name_key).is_none() {
        name_after_logical_id(&mut node, name_key, entry);
        rw.pointers
            .push((format!("/{name_key}"), format!("/Resources/{}", token(id))));
    }
    Ok(Resource {
        kind,
        label,
        id: id.to_owned(),
        task_definition: rw.linked,
        node,
        pointer,
        pointers: rw.pointers,
        unknown: rw.unknown,
        assumed: rw.assumed,
        choices: rw.choices,
        included: None,
        notes: rw.notes,
    })
}

/// CloudFormation names an unnamed task definition family or service after its logical id
/// (plus a suffix), so the logical id stands in for the name, written where the id is.
fn name_after_logical_id(node: &mut Node, key: &str, entry: &Entry) {
    if let NodeKind::Map(entries) = &mut node.kind {
        entries.insert(
            0,
            Entry {
                key: key.to_owned(),
                key_span: entry.key_span,
                value: string_at(entry.key.as_str(), entry.key_span),
            },
        );
    }
}

/// The name a service's `TaskDefinition: !Ref <id>` gives the API: the task definition's
/// literal `Family`, else its logical id.
pub fn task_name(doc: &Document, entry: &Entry) -> String {
    let family = entry.value.get("Properties").and_then(|p| p.get("Family"));
    family
        .filter(|f| Intrinsic::of(doc, f).is_none())
        .and_then(Node::as_str)
        .unwrap_or(&entry.key)
        .to_owned()
}
