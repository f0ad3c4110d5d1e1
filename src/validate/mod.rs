//! Strict schema validation of Kubernetes objects and ECS task definitions.

pub mod cfn;
pub mod crd;
mod errors;
mod numbers;
pub mod schemas;
mod user_schema;

use crate::detect::{EcsShape, K8sObject};
use crate::finding::ids;
use crate::finding::{Finding, Severity};
use crate::model::ecs::TaskDefinition;
use crate::parse::{Document, Node};
use errors::{Context, Ids};
use schemas::{EcsSchemas, KubernetesSchemas, SchemaDirs};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

pub use crd::CrdInput;

pub use schemas::{DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS};

const K8S_IDS: Ids = Ids {
    unknown_field: ids::K8S_UNKNOWN_FIELD,
    wrong_type: ids::K8S_WRONG_TYPE,
    missing_required: ids::K8S_MISSING_REQUIRED,
    invalid_value: ids::K8S_INVALID_VALUE,
};

const ECS_IDS: Ids = Ids {
    unknown_field: ids::ECS_UNKNOWN_FIELD,
    wrong_type: ids::ECS_WRONG_TYPE,
    missing_required: ids::ECS_MISSING_REQUIRED,
    invalid_value: ids::ECS_INVALID_VALUE,
};

/// All schemas of a run. Each is parsed on first use and each validator compiled once,
/// for the kinds actually seen, then shared by every thread (and by the copies `with_crds`
/// makes, which share what is already loaded).
pub struct Validators {
    kubernetes_version: String,
    kubernetes: Arc<OnceLock<Result<KubernetesSchemas, String>>>,
    ecs: Arc<OnceLock<Result<EcsSchemas, String>>>,
    user: Arc<SchemaDirs>,
    /// ObjectMeta and the definitions it reaches, as `$defs` for CRD schemas.
    object_meta: Arc<OnceLock<Result<Value, String>>>,
    crds: Arc<crd::CrdSet>,
}

impl Validators {
    pub fn new(kubernetes_version: &str, schema_dirs: Vec<PathBuf>) -> Result<Self, String> {
        let version = kubernetes_version.trim_start_matches('v');
        let version = version
            .strip_suffix(".0")
            .filter(|v| v.matches('.').count() == 1)
            .unwrap_or(version);
        if !KUBERNETES_VERSIONS.iter().any(|(v, _)| *v == version) {
            return Err(format!(
                "no bundled schemas for Kubernetes {kubernetes_version}; available: {}",
                schemas::versions()
            ));
        }
        Ok(Validators {
            kubernetes_version: version.to_owned(),
            kubernetes: Arc::default(),
            ecs: Arc::default(),
            user: Arc::new(SchemaDirs::new(schema_dirs)),
            object_meta: Arc::default(),
            crds: Arc::default(),
        })
    }

    /// These validators, also validating custom resources against these CRDs (the first of a
    /// group and kind wins). Schemas already loaded are shared, not loaded again.
    pub fn with_crds(&self, crds: Vec<CrdInput>) -> Validators {
        Validators {
            kubernetes_version: self.kubernetes_version.clone(),
            kubernetes: Arc::clone(&self.kubernetes),
            ecs: Arc::clone(&self.ecs),
            user: Arc::clone(&self.user),
            object_meta: Arc::clone(&self.object_meta),
            crds: Arc::new(crd::CrdSet::new(crds)),
        }
    }

    /// `$defs` holding ObjectMeta (`crd::OBJECT_META`) and what it references, from the
    /// bundled schemas: custom resources' `metadata` is validated as built-in objects' is.
    pub fn object_meta(&self) -> Result<&Value, String> {
        self.object_meta
            .get_or_init(|| self.kubernetes()?.set.closure(crd::OBJECT_META))
            .as_ref()
            .map_err(Clone::clone)
    }

    pub fn kubernetes_version(&self) -> &str {
        &self.kubernetes_version
    }

    fn kubernetes(&self) -> Result<&KubernetesSchemas, String> {
        self.kubernetes
            .get_or_init(|| KubernetesSchemas::load(&self.kubernetes_version))
            .as_ref()
            .map_err(Clone::clone)
    }

    fn ecs(&self) -> Result<&EcsSchemas, String> {
        self.ecs.get_or_init(EcsSchemas::load).as_ref().map_err(Clone::clone)
    }

    pub fn check_kubernetes(&self, file: &str, doc: &Document, obj: &K8sObject<'_>) -> Vec<Finding> {
        let schemas = match self.kubernetes() {
            Ok(s) => s,
            Err(e) => {
                return vec![Finding::at(
                    ids::K8S_NO_SCHEMA,
                    Severity::Error,
                    file,
                    doc,
                    obj.node.span,
                    e,
                )];
            }
        };
        let (group, version) = obj.group_version();
        let label = Some(obj.label());
        let kind_lower = obj.kind.to_lowercase();
        let explain = |path: &str| {
            if path.is_empty() {
                format!("kubectl explain {kind_lower}")
            } else {
                format!("kubectl explain {kind_lower}.{path}")
            }
        };
        // A user schema is its own root; the bundled ones are parsed whole only for messages.
        let validate = |v: &jsonschema::Validator, user: Option<&Value>, schema: &Value| {
            run(v, obj.node, || Context {
                ids: &K8S_IDS,
                file,
                doc,
                node: obj.node,
                prefix: &obj.pointer,
                schema_root: user.unwrap_or_else(|| schemas.set.document()),
                schema,
                object: label.clone(),
                explain: &explain,
            })
        };
        if let Some(def) = schemas.definition(group, version, obj.kind) {
            let start = serde_json::json!({ "$ref": format!("#/$defs/{def}") });
            return match schemas.set.validator(def) {
                Ok(v) => validate(&v, None, &start),
                Err(e) => vec![internal(file, doc, obj.node, e)],
            };
        }
        if let Some(found) = self.check_custom(file, doc, obj, group, version) {
            return found;
        }
        // A broken schema file is reported once, at that file (schema_problems); the object is
        // checked by the next candidate, or has no schema.
        for path in self.user.candidates(group, version, obj.kind) {
            if let Ok((v, schema)) = self.user.load(&path) {
                return validate(&v, Some(&schema), &schema);
            }
        }
        self.no_schema(schemas, file, doc, obj, group)
    }

    fn no_schema(
        &self,
        schemas: &KubernetesSchemas,
        file: &str,
        doc: &Document,
        obj: &K8sObject<'_>,
        group: &str,
    ) -> Vec<Finding> {
        let label = Some(obj.label());
        let served = schemas.kinds.get(obj.kind);
        if obj.api_version.is_empty() || obj.kind.is_empty() {
            let span = first_line(obj.node);
            return vec![
                Finding::at(
                    K8S_IDS.missing_required,
                    Severity::Error,
                    file,
                    doc,
                    span,
                    "a List item needs apiVersion and kind".into(),
                )
                .with_pointer(obj.pointer.clone()),
            ];
        }
        if let Some(served) = served.filter(|_| schemas.is_builtin_group(group)) {
            let span = api_version_span(obj).unwrap_or(obj.node.span);
            return vec![
                Finding::at(
                    ids::K8S_UNKNOWN_API,
                    Severity::Error,
                    file,
                    doc,
                    span,
                    format!(
                        "{} {} is not served by Kubernetes {}",
                        obj.api_version, obj.kind, schemas.version
                    ),
                )
                .with_label("no such API version")
                .with_help(format!("use apiVersion: {}", served.join(" or ")))
                .with_pointer(format!("{}/apiVersion", obj.pointer))
                .with_object(label),
            ];
        }
        let message = format!("no schema for {} {}; not validated", obj.api_version, obj.kind);
        vec![
            not_validated(file, doc, obj, message)
                .with_label("no schema")
                .with_help("lint its CustomResourceDefinition with it, or name it with --crd PATH or crds: in .k2e.yaml; or pass --schema-dir DIR with {kind}-{group}-{version}.json schemas"),
        ]
    }

    pub fn check_ecs(&self, file: &str, doc: &Document, root: &Node, shape: EcsShape) -> Vec<Finding> {
        let schemas = match self.ecs() {
            Ok(s) => s,
            Err(e) => return vec![internal(file, doc, root, e)],
        };
        let explain = |path: &str| {
            format!(
                "see RegisterTaskDefinition in the ECS API reference ({})",
                if path.is_empty() { "top level" } else { path }
            )
        };
        let object = TaskDefinition::of(root, shape)
            .filter(|t| !t.containers_only())
            .and_then(|t| t.node.get("family"))
            .and_then(Node::as_str)
            .map(|f| format!("TaskDefinition/{f}"));
        let check = |def: &str, node: &Node, prefix: &str| -> Vec<Finding> {
            let start = serde_json::json!({ "$ref": format!("#/$defs/{def}") });
            match schemas.set.validator(def) {
                Ok(v) => run(&v, node, || Context {
                    ids: &ECS_IDS,
                    file,
                    doc,
                    node,
                    prefix,
                    schema_root: schemas.set.document(),
                    schema: &start,
                    object: object.clone(),
                    explain: &explain,
                }),
                Err(e) => vec![internal(file, doc, node, e)],
            }
        };
        match shape {
            EcsShape::Register => check("RegisterTaskDefinitionRequest", root, ""),
            EcsShape::ContainerDefinitions => {
                let mut out = vec![
                    Finding::at(
                        ids::ECS_CONTAINER_ARRAY,
                        Severity::Info,
                        file,
                        doc,
                        first_line(root),
                        "a bare containerDefinitions array, not a task definition: containers checked, task-level fields not".into(),
                    )
                    .with_label("container definitions")
                    .with_help("this is the form Terraform's container_definitions takes; wrap it in {\"family\": ..., \"containerDefinitions\": [...]} to check a whole task definition"),
                ];
                out.extend(check("ContainerDefinitions", root, ""));
                out
            }
            EcsShape::Describe => {
                let mut out = Vec::new();
                for entry in root.as_map().unwrap_or_default() {
                    if entry.key == "taskDefinition" {
                        let inner = without(&entry.value, &schemas.read_only);
                        out.extend(check("RegisterTaskDefinitionRequest", &inner, "/taskDefinition"));
                    } else if entry.key == "tags" && schemas.describe_siblings.contains(&entry.key) {
                        out.extend(check("Tags", &entry.value, "/tags"));
                    } else {
                        out.push(
                            Finding::at(
                                ECS_IDS.unknown_field,
                                Severity::Error,
                                file,
                                doc,
                                entry.key_span,
                                format!("unknown field \"{}\" in describe-task-definition output", entry.key),
                            )
                            .with_label("unknown field")
                            .with_help("the output has only \"taskDefinition\" and \"tags\"")
                            .with_pointer(format!("/{}", entry.key))
                            .with_object(object.clone()),
                        );
                    }
                }
                out
            }
        }
    }

    /// The `--schema-dir` files that some object needed and that could not be used (K2E020).
    pub fn schema_problems(&self) -> Vec<Finding> {
        self.user.problems()
    }

    pub fn ecs_as_of(&self) -> Option<String> {
        self.ecs().ok().map(|e| e.as_of.clone())
    }
}

/// Validates `node`; the context for messages is only built when there is an error.
fn run<'a>(validator: &jsonschema::Validator, node: &Node, context: impl FnOnce() -> Context<'a>) -> Vec<Finding> {
    run_on(validator, node, &node.to_json(), context)
}

/// Validates `instance`, which is `node` as JSON, less what the API server prunes (every
/// pointer into it is one into `node`).
fn run_on<'a>(
    validator: &jsonschema::Validator,
    node: &Node,
    instance: &Value,
    context: impl FnOnce() -> Context<'a>,
) -> Vec<Finding> {
    // `1e400` or `.inf` would reach the schema as a string "inf": reported as written instead,
    // and the schema's word on that value left out.
    let odd = numbers::non_finite(node);
    let mut errors = validator
        .iter_errors(instance)
        .filter(|e| !odd.iter().any(|(pointer, _)| pointer == e.instance_path().as_str()))
        .peekable();
    if errors.peek().is_none() && odd.is_empty() {
        return Vec::new();
    }
    let cx = context();
    let mut out: Vec<Finding> = odd
        .iter()
        .map(|(pointer, value)| errors::non_finite(&cx, pointer, value))
        .collect();
    out.extend(errors.flat_map(|error| errors::finding(&cx, &error)));
    out
}

/// The read-only fields of describe output are accepted as they are; the rest must be valid input.
fn without(node: &Node, keys: &[String]) -> Node {
    let mut node = node.clone();
    if let crate::parse::NodeKind::Map(entries) = &mut node.kind {
        entries.retain(|e| !keys.contains(&e.key));
    }
    node
}

fn internal(file: &str, doc: &Document, node: &Node, e: String) -> Finding {
    Finding::at(
        ids::INTERNAL,
        Severity::Error,
        file,
        doc,
        first_line(node),
        format!("internal schema error: {e}"),
    )
}

/// K8S005 (info) at the object's kind: it was not validated; the message says why.
fn not_validated(file: &str, doc: &Document, obj: &K8sObject<'_>, message: String) -> Finding {
    Finding::at(
        ids::K8S_NO_SCHEMA,
        Severity::Info,
        file,
        doc,
        kind_span(doc, obj),
        message,
    )
    .with_pointer(format!("{}/kind", obj.pointer))
    .with_object(Some(obj.label()))
}

fn kind_span(_doc: &Document, obj: &K8sObject<'_>) -> crate::parse::Span {
    obj.node
        .entry("kind")
        .map_or_else(|| first_line(obj.node), |e| e.value.span)
}

fn api_version_span(obj: &K8sObject<'_>) -> Option<crate::parse::Span> {
    obj.node.entry("apiVersion").map(|e| e.value.span)
}

/// The node's first character, or its empty span (an empty List item at the end of a file has
/// no character to point at).
fn first_line(node: &Node) -> crate::parse::Span {
    let end = (node.span.start + 1).min(node.span.end.max(node.span.start));
    crate::parse::Span::new(node.span.start, end)
}
