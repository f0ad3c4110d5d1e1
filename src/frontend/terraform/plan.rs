//! `terraform show -json` output (a plan, or the state): resolved values, so nothing is unknown
//! to k2e except what Terraform itself will know only after apply, which `planned_values`
//! leaves out. The top-level arguments `resource_changes[].change.after_unknown` lists are
//! recorded as unknown (so a missing `cpu` known after apply is not "missing"); nested ones are
//! simply absent and not checked. `container_definitions` is a JSON string, read with its spans
//! inside the string.

use super::rewrite::Rewrite;
use super::rewrite::scalar;
use super::schema;
use super::service::{SERVICE_TYPE, TASK_TYPE};
use crate::frontend::{FrontendError, Resource, ResourceKind, Unknown};
use crate::parse::{Document, Entry, Limits, Node, NodeKind, Scalar, Span};
use std::collections::HashSet;

/// Whether a JSON document is `terraform show -json` output.
pub fn is_plan(root: &Node) -> bool {
    root.get("format_version").is_some()
        && ["planned_values", "values"]
            .iter()
            .any(|k| root.get(k).and_then(|v| v.get("root_module")).is_some())
}

/// One resource of the plan before rewriting.
struct Planned<'a> {
    address: String,
    kind: &'a str,
    values: &'a Node,
    pointer: String,
}

/// The ECS resources of a plan (or state), root module first, then child modules in order.
pub fn plan_resources(doc: &Document, root: &Node) -> (Vec<Resource>, Vec<FrontendError>) {
    let section = if root.get("planned_values").is_some() {
        "planned_values"
    } else {
        "values"
    };
    let mut planned = Vec::new();
    if let Some(module) = root.get(section).and_then(|v| v.get("root_module")) {
        collect(module, &format!("/{section}/root_module"), &mut planned);
    }
    let families: Vec<(String, String)> = planned
        .iter()
        .filter(|p| p.kind == TASK_TYPE)
        .filter_map(|p| Some((p.address.clone(), p.values.get("family")?.as_str()?.to_owned())))
        .collect();
    let mut errors = Vec::new();
    let resources = planned
        .iter()
        .map(|p| {
            let mut r = resource(doc, p, &families, &mut errors);
            r.unknown = after_apply(root, &p.address, fields_of(p.kind));
            if r.kind == ResourceKind::Service && r.task_definition.is_none() {
                link_by_configuration(root, &mut r, &families);
            }
            r
        })
        .collect();
    (resources, errors)
}

fn collect<'a>(module: &'a Node, pointer: &str, out: &mut Vec<Planned<'a>>) {
    for (i, r) in module
        .get("resources")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let kind = r.get("type").and_then(Node::as_str).unwrap_or_default();
        let managed = r.get("mode").and_then(Node::as_str).is_none_or(|m| m == "managed");
        if !managed || ![TASK_TYPE, SERVICE_TYPE].contains(&kind) {
            continue;
        }
        let (Some(address), Some(values)) = (r.get("address").and_then(Node::as_str), r.get("values")) else {
            continue;
        };
        out.push(Planned {
            address: address.to_owned(),
            kind,
            values,
            pointer: format!("{pointer}/resources/{i}/values"),
        });
    }
    let children = module.get("child_modules").and_then(Node::as_seq).unwrap_or_default();
    for (i, child) in children.iter().enumerate() {
        collect(child, &format!("{pointer}/child_modules/{i}"), out);
    }
}

fn resource(doc: &Document, p: &Planned, families: &[(String, String)], errors: &mut Vec<FrontendError>) -> Resource {
    let (kind, fields) = if p.kind == TASK_TYPE {
        (ResourceKind::TaskDefinition, schema::TASK_DEFINITION)
    } else {
        (ResourceKind::Service, schema::SERVICE)
    };
    let unknown = HashSet::<Span>::new();
    let mut decode = |string: &Node| {
        let (root, found) = crate::parse::json_in_string(doc, string.span, &Limits::default());
        errors.extend(found.into_iter().map(|e| FrontendError {
            span: e.span,
            message: format!("container_definitions: {}", e.message),
        }));
        root
    };
    let mut rewrite = Rewrite {
        unknown: &unknown,
        decode: &mut decode,
        note_unknown_arguments: false,
        notes: Vec::new(),
        pointers: Vec::new(),
    };
    let node = rewrite.object(fields, p.values, "", &p.pointer);
    let (notes, pointers) = (rewrite.notes, rewrite.pointers);
    let task_definition = (p.kind == SERVICE_TYPE).then(|| linked(&node, families)).flatten();
    Resource {
        kind,
        label: p.address.clone(),
        id: p.address.clone(),
        task_definition,
        node,
        pointer: p.pointer.clone(),
        pointers,
        unknown: Vec::new(),
        assumed: Vec::new(),
        choices: Vec::new(),
        included: None,
        notes,
    }
}

fn fields_of(kind: &str) -> &'static [schema::Field] {
    if kind == TASK_TYPE {
        schema::TASK_DEFINITION
    } else {
        schema::SERVICE
    }
}

/// The arguments `resource_changes` marks as known only after apply (`after_unknown`), which
/// `planned_values` leaves out: unknown at their API pointers, so no finding says they are
/// missing. Only whole arguments are read; an unknown part of a block is left out of the plan's
/// values and simply not checked.
fn after_apply(root: &Node, address: &str, fields: &[schema::Field]) -> Vec<Unknown> {
    let changes = root.get("resource_changes").and_then(Node::as_seq).unwrap_or_default();
    let Some(change) = changes
        .iter()
        .find(|c| c.get("address").and_then(Node::as_str) == Some(address))
    else {
        return Vec::new();
    };
    let marked = change.get("change").and_then(|c| c.get("after_unknown"));
    let Some(marked) = marked.and_then(Node::as_map) else {
        return Vec::new();
    };
    marked
        .iter()
        .filter(|e| e.value.is_true())
        .filter_map(|e| fields.iter().find(|f| f.tf == e.key))
        .map(|f| Unknown {
            span: Span::default(),
            pointer: format!("/{}", f.api),
        })
        .collect()
}

/// The address of the plan's task definition whose family the service's (resolved)
/// `taskDefinition` names: an ARN, `FAMILY:REV` or `FAMILY`.
fn linked(service: &Node, families: &[(String, String)]) -> Option<String> {
    let reference = service.get("taskDefinition")?.as_str()?;
    let tail = reference.rsplit_once('/').map_or(reference, |(_, t)| t);
    let family = tail.split_once(':').map_or(tail, |(f, _)| f);
    families.iter().find(|(_, f)| f == family).map(|(a, _)| a.clone())
}

/// A service whose task definition ARN is known only after apply (the plan leaves it out):
/// the configuration's references name the task definition resource, whose family stands for
/// it, placed at the references.
fn link_by_configuration(root: &Node, service: &mut Resource, families: &[(String, String)]) {
    let Some((task, span)) = configured_task(root, &service.id) else {
        return;
    };
    let Some((address, family)) = families.iter().find(|(a, _)| without_indexes(a) == task) else {
        return;
    };
    service.task_definition = Some(address.clone());
    if let NodeKind::Map(entries) = &mut service.node.kind
        && !entries.iter().any(|e| e.key == "taskDefinition")
    {
        entries.push(Entry {
            key: "taskDefinition".into(),
            key_span: span,
            value: scalar(span, Scalar::Str(family.clone())),
        });
        service.notes.push(format!(
            "taskDefinition: known after apply; the plan's `{address}` (family {family}) is read"
        ));
    }
}

/// The task definition (address without indexes) the configuration's `task_definition`
/// expression of `address` refers to, and the span of its references.
fn configured_task(root: &Node, address: &str) -> Option<(String, Span)> {
    let address = without_indexes(address);
    let mut parts: Vec<&str> = address.split('.').collect();
    let mut module = root.get("configuration")?.get("root_module")?;
    let mut prefix = String::new();
    while parts.first() == Some(&"module") && parts.len() > 2 {
        module = module.get("module_calls")?.get(parts[1])?.get("module")?;
        prefix.push_str(&format!("module.{}.", parts[1]));
        parts.drain(..2);
    }
    let local = parts.join(".");
    let resource = module
        .get("resources")?
        .as_seq()?
        .iter()
        .find(|r| r.get("address").and_then(Node::as_str) == Some(local.as_str()))?;
    let references = resource.get("expressions")?.get("task_definition")?.get("references")?;
    let first = references
        .as_seq()?
        .iter()
        .filter_map(Node::as_str)
        .find(|r| r.starts_with("aws_ecs_task_definition."))?;
    let name = without_indexes(first).split('.').nth(1)?.to_owned();
    Some((format!("{prefix}{TASK_TYPE}.{name}"), references.span))
}

/// `module.a["x"].aws_ecs_service.web[0]` -> `module.a.aws_ecs_service.web`.
fn without_indexes(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_fixture() -> Document {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/terraform/plan/plan.json");
        let text = std::fs::read_to_string(path).unwrap();
        crate::parse::json(&text, 0, &Limits::default())
    }

    #[test]
    fn a_plan_is_told_by_its_shape() {
        let doc = plan_fixture();
        assert!(is_plan(doc.root.as_ref().unwrap()));
        let state = crate::parse::json(
            r#"{"format_version": "1.0", "values": {"root_module": {}}}"#,
            0,
            &Limits::default(),
        );
        assert!(is_plan(state.root.as_ref().unwrap()));
        let task = crate::parse::json(
            r#"{"family": "web", "containerDefinitions": []}"#,
            0,
            &Limits::default(),
        );
        assert!(!is_plan(task.root.as_ref().unwrap()));
    }

    #[test]
    fn plan_resources_of_child_modules_with_containers_decoded_in_place() {
        let doc = plan_fixture();
        let (resources, errors) = plan_resources(&doc, doc.root.as_ref().unwrap());
        assert!(errors.is_empty(), "{errors:?}");
        let [task, service] = resources.as_slice() else {
            panic!("{resources:?}")
        };
        assert_eq!(task.label, "module.app.aws_ecs_task_definition.web");
        assert_eq!(
            task.pointer,
            "/planned_values/root_module/child_modules/0/resources/0/values"
        );
        assert_eq!(task.node.get("cpu").and_then(Node::as_str), Some("300"));
        let (host_port, _) = task
            .node
            .pointer("/containerDefinitions/0/portMappings/0/hostPort")
            .unwrap();
        assert_eq!(doc.raw(host_port.span), Some("8080"));
        let (name, key) = task.node.pointer("/containerDefinitions/0/name").unwrap();
        assert_eq!(
            (doc.raw(name.span), doc.raw(key.unwrap())),
            (Some(r#"\"web\""#), Some(r#"\"name\""#))
        );
        assert_eq!(
            task.node.get("tags").unwrap().to_json(),
            serde_json::json!([{"key": "team", "value": "web"}])
        );
        assert!(task.node.get("arn").is_none() && task.node.get("taskRoleArn").is_none());
        assert_eq!(task.source_pointer("/cpu"), format!("{}/cpu", task.pointer));
        assert_eq!(
            task.source_pointer("/runtimePlatform/cpuArchitecture"),
            format!("{}/runtime_platform/0/cpu_architecture", task.pointer)
        );
        assert_eq!(
            service.task_definition.as_deref(),
            Some("module.app.aws_ecs_task_definition.web")
        );
        let (family, _) = service.node.pointer("/taskDefinition").unwrap();
        assert_eq!(family.as_str(), Some("app-web"));
        let (ip, _) = service
            .node
            .pointer("/networkConfiguration/awsvpcConfiguration/assignPublicIp")
            .unwrap();
        assert_eq!(ip.as_str(), Some("DISABLED"));
        let (rollback, _) = service
            .node
            .pointer("/deploymentConfiguration/deploymentCircuitBreaker/rollback")
            .unwrap();
        assert!(rollback.is_true());
        let unknown: Vec<&str> = service.unknown.iter().map(|u| u.pointer.as_str()).collect();
        assert_eq!(unknown, ["/taskDefinition"]);
        assert!(task.unknown.is_empty());
    }

    #[test]
    fn a_resolved_arn_links_by_family_and_bad_container_json_is_an_error() {
        let text = r#"{"format_version": "1.0", "values": {"root_module": {"resources": [
            {"address": "aws_ecs_task_definition.t[0]", "mode": "managed", "type": "aws_ecs_task_definition",
             "values": {"family": "fam", "container_definitions": "[{\"cpu\": }]"}},
            {"address": "aws_ecs_service.s", "mode": "managed", "type": "aws_ecs_service",
             "values": {"name": "s", "task_definition": "arn:aws:ecs:eu-west-1:1:task-definition/fam:4"}},
            {"address": "data.aws_ecs_task_definition.d", "mode": "data", "type": "aws_ecs_task_definition", "values": {}}
        ]}}}"#;
        let doc = crate::parse::json(text, 0, &Limits::default());
        let (resources, errors) = plan_resources(&doc, doc.root.as_ref().unwrap());
        assert_eq!(resources.len(), 2);
        assert_eq!(
            resources[1].task_definition.as_deref(),
            Some("aws_ecs_task_definition.t[0]")
        );
        assert_eq!(errors.len(), 1);
        assert_eq!(doc.raw(errors[0].span), Some("}"));
        assert!(resources[0].node.get("containerDefinitions").is_none());
        assert_eq!(
            without_indexes("module.a[\"x\"].aws_ecs_service.web[0]"),
            "module.a.aws_ecs_service.web"
        );
    }
}
