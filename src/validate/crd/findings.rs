//! Custom resources checked against their CRDs, and CRDs checked as the API server would
//! check them, as findings at the exact key (schema errors through the same mapping as
//! built-in kinds: errors.rs).

use super::{CrdSet, Definition, Duplicate, Lookup, Problem};
use crate::detect::K8sObject;
use crate::finding::{Finding, Severity, ids};
use crate::parse::{Document, Node, Span};
use crate::validate::errors::Context;
use crate::validate::{K8S_IDS, Validators, first_line, not_validated, run_on};
use serde_json::Value;

impl Validators {
    /// The findings of a custom resource whose group and kind a CRD of the run defines; None
    /// when none does.
    pub(in crate::validate) fn check_custom(
        &self,
        file: &str,
        doc: &Document,
        obj: &K8sObject<'_>,
        group: &str,
        version: &str,
    ) -> Option<Vec<Finding>> {
        if self.crds.is_empty() {
            return None;
        }
        let meta = match self.object_meta() {
            Ok(meta) => meta,
            Err(e) => return Some(vec![crate::validate::internal(file, doc, obj.node, e)]),
        };
        Some(match self.crds.lookup(file, group, version, obj.kind, meta) {
            Lookup::None => return None,
            Lookup::Unserved(def, served) => vec![unserved(file, doc, obj, def, &served)],
            Lookup::Invalid(def, reason) => vec![invalid(file, doc, obj, def, &reason)],
            Lookup::Schema(_, compiled, open_api) => {
                let mut instance = obj.node.to_json();
                super::prune_nulls(&mut instance, open_api);
                let kind_lower = obj.kind.to_lowercase();
                let explain = |path: &str| match path {
                    "" => format!("kubectl explain {kind_lower}"),
                    path => format!("kubectl explain {kind_lower}.{path}"),
                };
                let mut out = run_on(&compiled.validator, obj.node, &instance, || Context {
                    ids: &K8S_IDS,
                    file,
                    doc,
                    node: obj.node,
                    prefix: &obj.pointer,
                    schema_root: &compiled.document,
                    schema: &compiled.document,
                    object: Some(obj.label()),
                    explain: &explain,
                });
                let repeated = super::duplicates(&instance, open_api);
                out.extend(repeated.iter().filter_map(|d| duplicate(file, doc, obj, d)));
                out
            }
        })
    }

    /// K8S008 for a CustomResourceDefinition among the inputs (`is_crd`): what makes the API
    /// server refuse it, each at its key. Its schemas are compiled here (once: the set's CRD of
    /// the same file and place shares them). An older apiVersion than v1 is K8S006's to report.
    pub fn check_crd(&self, file: &str, doc: &Document, obj: &K8sObject<'_>) -> Vec<Finding> {
        if obj.api_version != super::API_VERSION {
            return Vec::new();
        }
        let value = obj.node.to_json();
        let mut found = structural_findings(file, doc, obj, &value);
        if !found.is_empty() {
            return found;
        }
        let Ok(meta) = self.object_meta() else {
            return found;
        };
        let problems = match self.crds.at(file, doc.index, &obj.pointer) {
            Some(def) => def.compile_problems(meta),
            None => CrdSet::new(vec![super::CrdInput {
                file: file.to_owned(),
                line: 0,
                document: doc.index,
                pointer: obj.pointer.clone(),
                value,
            }])
            .definitions
            .first()
            .map(|def| def.compile_problems(meta))
            .unwrap_or_default(),
        };
        found.extend(problems.iter().map(|p| problem(file, doc, obj, p)));
        found
    }
}

impl Validators {
    /// K8S008 for a CustomResourceDefinition read only for its schemas (`--crd` files,
    /// `k2e schemas export`), which nothing else checks: also an apiVersion other than v1 and
    /// a missing group or kind, which make it unusable.
    pub fn check_crd_file(&self, file: &str, doc: &Document, obj: &K8sObject<'_>) -> Vec<Finding> {
        let unusable = if obj.api_version != super::API_VERSION {
            Some(format!(
                "not {}: the API server serves CustomResourceDefinitions only as {} (v1beta1 was removed in Kubernetes 1.22); nothing is used from it",
                super::API_VERSION,
                super::API_VERSION
            ))
        } else if super::names(&obj.node.to_json()).is_none() {
            Some("spec.group and spec.names.kind are required; nothing is used from it".to_owned())
        } else {
            None
        };
        match unusable {
            Some(message) => vec![
                Finding::at(
                    ids::K8S_INVALID_CRD,
                    Severity::Error,
                    file,
                    doc,
                    obj.node.entry("apiVersion").map_or(obj.node.span, |e| e.value.span),
                    format!("invalid CustomResourceDefinition: {message}"),
                )
                .with_label("refused by the API server")
                .with_pointer(format!("{}/apiVersion", obj.pointer))
                .with_object(Some(obj.label())),
            ],
            None => self.check_crd(file, doc, obj),
        }
    }
}

/// K8S008 for the structural problems of a CRD object (`value` is its node as JSON).
fn structural_findings(file: &str, doc: &Document, obj: &K8sObject<'_>, value: &Value) -> Vec<Finding> {
    super::problems(value)
        .iter()
        .map(|p| problem(file, doc, obj, p))
        .collect()
}

pub(super) fn problem(file: &str, doc: &Document, obj: &K8sObject<'_>, p: &Problem) -> Finding {
    let span = span_at(obj.node, &p.pointer);
    Finding::at(
        ids::K8S_INVALID_CRD,
        Severity::Error,
        file,
        doc,
        span,
        format!("invalid CustomResourceDefinition: {}", p.message),
    )
    .with_label("refused by the API server")
    .with_help("the API server accepts only structural schemas within the OpenAPI subset CRDs allow; custom resources of this kind are not validated until it is fixed")
    .with_pointer(format!("{}{}", obj.pointer, p.pointer))
    .with_object(Some(obj.label()))
}

/// The key at `pointer` (the value's span when it has no key), else the object's first line.
fn span_at(node: &Node, pointer: &str) -> Span {
    match node.pointer(pointer) {
        Some((_, Some(key))) => key,
        Some((found, None)) => first_line(found),
        None => first_line(node),
    }
}

fn unserved(file: &str, doc: &Document, obj: &K8sObject<'_>, def: &Definition, served: &[String]) -> Finding {
    let span = obj.node.entry("apiVersion").map_or(obj.node.span, |e| e.value.span);
    let help = match served {
        [] => "its CustomResourceDefinition serves no version; set served: true on one".to_owned(),
        _ => format!(
            "use apiVersion: {} (served: {})",
            served
                .iter()
                .map(|v| format!("{}/{v}", def.group))
                .collect::<Vec<_>>()
                .join(" or "),
            served.join(", ")
        ),
    };
    Finding::at(
        ids::K8S_UNSERVED_VERSION,
        Severity::Error,
        file,
        doc,
        span,
        format!(
            "{} {} is not served: its CustomResourceDefinition ({}:{}) does not serve this version",
            obj.api_version, obj.kind, def.input.file, def.input.line
        ),
    )
    .with_label("version not served")
    .with_help(help)
    .with_pointer(format!("{}/apiVersion", obj.pointer))
    .with_object(Some(obj.label()))
}

fn invalid(file: &str, doc: &Document, obj: &K8sObject<'_>, def: &Definition, reason: &str) -> Finding {
    let message = format!(
        "{} {}: its CustomResourceDefinition at {}:{} is invalid; not validated",
        obj.api_version, obj.kind, def.input.file, def.input.line
    );
    not_validated(file, doc, obj, message)
        .with_label("CustomResourceDefinition invalid")
        .with_help(format!("fix the CustomResourceDefinition (K8S008): {reason}"))
}

/// The API server's "Duplicate value", at the repeated item's key, with the first one related.
fn duplicate(file: &str, doc: &Document, obj: &K8sObject<'_>, d: &Duplicate) -> Option<Finding> {
    let (node, _) = obj.node.pointer(&d.pointer)?;
    let (first, _) = obj.node.pointer(&d.first)?;
    let help = match d.keys.as_slice() {
        [] => format!("remove it: \"{}\" is a set (x-kubernetes-list-type: set)", d.list),
        keys => format!(
            "each item of \"{}\" needs its own {} (x-kubernetes-list-map-keys)",
            d.list,
            keys.join(" and ")
        ),
    };
    Some(
        Finding::at(
            K8S_IDS.invalid_value,
            Severity::Error,
            file,
            doc,
            node.span,
            format!("Duplicate value: {}", d.value),
        )
        .with_label("duplicate")
        .with_help(help)
        .with_related(doc, first_line(first), "first here")
        .with_pointer(format!("{}{}", obj.pointer, d.pointer))
        .with_object(Some(obj.label())),
    )
}
