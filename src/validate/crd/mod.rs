//! CustomResourceDefinitions as validators for their custom resources, per group, kind and
//! served version, with the structural-schema semantics of the API server (convert.rs,
//! instance.rs), and what makes a CRD invalid (structural.rs).
//!
//! Every schema is converted and compiled on first use, once, then shared by all threads.

mod convert;
mod export;
mod findings;
mod instance;
mod names;
mod structural;

pub use convert::OBJECT_META;
pub use export::Exported;
pub use instance::Duplicate;
pub use structural::Problem;

use crate::detect::K8sObject;
use jsonschema::Validator;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The only CustomResourceDefinition apiVersion the API server serves (since Kubernetes 1.22).
pub const API_VERSION: &str = "apiextensions.k8s.io/v1";

/// Whether an object is a CustomResourceDefinition, of any `apiextensions.k8s.io` version:
/// what the lint, the gathering of CRDs and `k2e schemas export` look for. Only v1 ones are
/// used (`Definition::read`); the others are reported where they are read.
pub fn is_crd(obj: &K8sObject<'_>) -> bool {
    obj.kind == "CustomResourceDefinition"
        && obj.api_version.split_once('/').map(|(g, _)| g) == Some("apiextensions.k8s.io")
}

/// `spec.group` and `spec.names.kind` of a CRD object, when both are strings.
fn names(crd: &Value) -> Option<(&str, &str)> {
    let spec = crd.get("spec")?;
    Some((spec.get("group")?.as_str()?, spec.get("names")?.get("kind")?.as_str()?))
}

/// A CustomResourceDefinition as read from a file: the object as JSON, where it is.
#[derive(Clone, Debug)]
pub struct CrdInput {
    pub file: String,
    /// 1-based line of the object's first key.
    pub line: usize,
    /// The index of its document in the file (pointers are per document).
    pub document: usize,
    /// The object's pointer in its document (`/items/0` in a List).
    pub pointer: String,
    pub value: Value,
}

/// A compiled schema and the document it was compiled from (for messages).
pub struct Compiled {
    pub validator: Arc<Validator>,
    pub document: Value,
}

struct Version {
    name: String,
    served: bool,
    /// Pointer of the version's `openAPIV3Schema` inside the CRD object, which keeps the only
    /// copy of it (CRDs run to megabytes).
    at: String,
    has_schema: bool,
    compiled: OnceLock<Result<Arc<Compiled>, String>>,
}

/// One CRD: its group and kind, its versions, and whether the API server would accept it.
pub struct Definition {
    pub input: CrdInput,
    pub group: String,
    pub kind: String,
    versions: Vec<Version>,
    /// The first reason the CRD is invalid, computed on first use.
    invalid: OnceLock<Option<String>>,
}

/// What the CRDs of a run say of one custom resource.
pub enum Lookup<'a> {
    /// No CRD for its group and kind.
    None,
    /// The CRD exists but does not serve this version; the versions it serves.
    Unserved(&'a Definition, Vec<String>),
    /// The CRD is invalid, for this reason.
    Invalid(&'a Definition, String),
    /// The schema to validate against, and the CRD's own schema (for pruning and list types).
    Schema(&'a Definition, Arc<Compiled>, &'a Value),
}

/// The CRDs of a run, by group and kind. A kind defined by several CRDs (a repository that
/// vendors an old chart beside the operator's current CRDs) is validated against the one nearest
/// the custom resource's file, as a cluster installs the CRDs shipped with the manifests that
/// use them; among equally near ones, the first in file order.
#[derive(Default)]
pub struct CrdSet {
    definitions: Vec<Definition>,
    by_kind: HashMap<(String, String), Vec<usize>>,
}

impl CrdSet {
    pub fn new(inputs: Vec<CrdInput>) -> Self {
        let mut set = CrdSet::default();
        for input in inputs {
            let Some(def) = Definition::read(input) else { continue };
            let key = (def.group.clone(), def.kind.clone());
            set.by_kind.entry(key).or_default().push(set.definitions.len());
            set.definitions.push(def);
        }
        set
    }

    /// The CRD for a group and kind that is nearest `file`: the most leading path components
    /// in common; the first in file order among equals.
    fn nearest(&self, group: &str, kind: &str, file: &str) -> Option<&Definition> {
        let candidates = self.by_kind.get(&(group.to_owned(), kind.to_owned()))?;
        let shared = |def: &Definition| {
            let theirs = std::path::Path::new(&def.input.file).components();
            std::path::Path::new(file)
                .components()
                .zip(theirs)
                .take_while(|(a, b)| a == b)
                .count()
        };
        let mut best: Option<(&Definition, usize)> = None;
        for def in candidates.iter().filter_map(|i| self.definitions.get(*i)) {
            let near = shared(def);
            if best.is_none_or(|(_, b)| near > b) {
                best = Some((def, near));
            }
        }
        best.map(|(def, _)| def)
    }

    pub fn is_empty(&self) -> bool {
        self.definitions.is_empty()
    }

    /// The CRD read from this file, document and pointer.
    pub fn at(&self, file: &str, document: usize, pointer: &str) -> Option<&Definition> {
        self.definitions
            .iter()
            .find(|d| d.input.file == file && d.input.document == document && d.input.pointer == pointer)
    }

    /// What the CRD nearest `file` says of a custom resource of this group, version and kind.
    pub fn lookup(&self, file: &str, group: &str, version: &str, kind: &str, meta: &Value) -> Lookup<'_> {
        let Some(def) = self.nearest(group, kind, file) else {
            return Lookup::None;
        };
        if let Some(reason) = def.invalid(meta) {
            return Lookup::Invalid(def, reason);
        }
        let served = def.versions.iter().find(|v| v.served && v.name == version);
        let crd = &def.input.value;
        match served.and_then(|v| Some((v.compile(crd, meta).ok()?, crd.pointer(&v.at)?))) {
            Some((compiled, schema)) => Lookup::Schema(def, compiled, schema),
            None => Lookup::Unserved(def, def.served()),
        }
    }
}

impl Definition {
    /// The group, kind and versions of a CRD object; None when it lacks a group or kind (the
    /// built-in schema reports that).
    fn read(input: CrdInput) -> Option<Self> {
        // v1beta1 (removed in Kubernetes 1.22) has another shape; K8S006 reports it.
        if input.value.get("apiVersion").and_then(Value::as_str) != Some(API_VERSION) {
            return None;
        }
        let (group, kind) = names(&input.value).map(|(g, k)| (g.to_owned(), k.to_owned()))?;
        let versions = input
            .value
            .get("spec")?
            .get("versions")
            .and_then(Value::as_array)
            .map(|vs| {
                vs.iter()
                    .enumerate()
                    .filter_map(|(i, v)| {
                        Some(Version {
                            name: v.get("name")?.as_str()?.to_owned(),
                            served: v.get("served").and_then(Value::as_bool) == Some(true),
                            at: format!("/spec/versions/{i}/schema/openAPIV3Schema"),
                            has_schema: v.get("schema").and_then(|s| s.get("openAPIV3Schema")).is_some(),
                            compiled: OnceLock::new(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Definition {
            input,
            group,
            kind,
            versions,
            invalid: OnceLock::new(),
        })
    }

    /// The versions served, in the CRD's order.
    pub fn served(&self) -> Vec<String> {
        self.versions
            .iter()
            .filter(|v| v.served)
            .map(|v| v.name.clone())
            .collect()
    }

    /// Why the API server would refuse this CRD: its first structural problem, else the first
    /// served schema that cannot be compiled. None when it is valid.
    fn invalid(&self, meta: &Value) -> Option<String> {
        self.invalid
            .get_or_init(|| {
                if let Some(p) = problems(&self.input.value).first() {
                    return Some(p.message.clone());
                }
                self.versions
                    .iter()
                    .filter(|v| v.served)
                    .find_map(|v| v.compile(&self.input.value, meta).err())
            })
            .clone()
    }

    /// Every served schema that cannot be compiled: (pointer of its `openAPIV3Schema` in the
    /// CRD object, why).
    pub fn compile_problems(&self, meta: &Value) -> Vec<Problem> {
        self.versions
            .iter()
            .filter(|v| v.served && v.has_schema)
            .filter_map(|v| {
                let message = v.compile(&self.input.value, meta).err()?;
                Some(Problem {
                    pointer: v.at.clone(),
                    message,
                })
            })
            .collect()
    }
}

impl Version {
    /// The version's schema, from `crd` (the object it was read from), compiled once.
    fn compile(&self, crd: &Value, meta: &Value) -> Result<Arc<Compiled>, String> {
        self.compiled
            .get_or_init(|| {
                let schema = crd.pointer(&self.at).ok_or("the version has no schema")?;
                compile(schema, meta).map(Arc::new)
            })
            .clone()
    }
}

/// The JSON Schema document of one CRD version (what `k2e schemas export` writes).
pub fn json_schema(open_api: &Value, meta: &Value) -> Value {
    convert::document(open_api, meta)
}

fn compile(open_api: &Value, meta: &Value) -> Result<Compiled, String> {
    let document = json_schema(open_api, meta);
    let validator = jsonschema::options()
        .should_validate_formats(false)
        .build(&document)
        .map_err(|e| {
            let at = e.instance_path().as_str().to_owned();
            if at.is_empty() {
                format!("the schema cannot be compiled: {e}")
            } else {
                format!("the schema cannot be compiled: at {at}: {e}")
            }
        })?;
    Ok(Compiled {
        validator: Arc::new(validator),
        document,
    })
}

/// The CRD-level rules of `apiextensions.k8s.io/v1` (its names, `preserveUnknownFields`) and the
/// structural problems of each version's schema, at pointers inside the CRD object.
pub fn problems(crd: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(spec) = crd.get("spec") else {
        return out;
    };
    out.extend(names::problems(spec));
    if spec.get("preserveUnknownFields").and_then(Value::as_bool) == Some(true) {
        out.push(Problem {
            pointer: "/spec/preserveUnknownFields".into(),
            message: "spec.preserveUnknownFields must be false in apiextensions.k8s.io/v1; use x-kubernetes-preserve-unknown-fields in the schema".into(),
        });
    }
    for (i, version) in spec
        .get("versions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        match version.get("schema").and_then(|s| s.get("openAPIV3Schema")) {
            Some(schema) => {
                let at = format!("/spec/versions/{i}/schema/openAPIV3Schema");
                out.extend(structural::check(schema).into_iter().map(|p| Problem {
                    pointer: format!("{at}{}", p.pointer),
                    message: p.message,
                }));
            }
            None => out.push(Problem {
                pointer: format!("/spec/versions/{i}"),
                message: "schema.openAPIV3Schema is required in apiextensions.k8s.io/v1: schemas are required".into(),
            }),
        }
    }
    out
}

/// Prunes the nulls the API server prunes (fields not `nullable`) from a custom resource.
pub fn prune_nulls(instance: &mut Value, open_api: &Value) {
    instance::prune_nulls(instance, open_api);
}

/// The items that repeat an earlier one in `set` and `map` lists of a custom resource.
pub fn duplicates(instance: &Value, open_api: &Value) -> Vec<Duplicate> {
    let mut out = Vec::new();
    instance::duplicates(instance, open_api, "", "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn crd(group: &str, schema: Value) -> CrdInput {
        CrdInput {
            file: "crds.yaml".into(),
            line: 1,
            document: 0,
            pointer: String::new(),
            value: json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "spec": {"group": group, "names": {"kind": "Widget"}, "versions": [
                {"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": schema}},
                {"name": "v0", "served": false, "storage": false, "schema": {"openAPIV3Schema": {"type": "object"}}}
            ]}}),
        }
    }

    fn meta() -> Value {
        json!({ OBJECT_META: {"type": "object", "properties": {"name": {"type": "string"}}} })
    }

    #[test]
    fn versions_are_looked_up_in_the_crd_of_their_kind() {
        let set = CrdSet::new(vec![crd(
            "example.com",
            json!({"type": "object", "properties": {"spec": {"type": "object"}}}),
        )]);
        assert!(set.at("crds.yaml", 0, "").is_some());
        let Lookup::Schema(def, compiled, _) = set.lookup("cr.yaml", "example.com", "v1", "Widget", &meta()) else {
            panic!("v1 is served");
        };
        assert_eq!(def.input.file, "crds.yaml");
        let ok = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "a"}, "spec": {}});
        assert!(compiled.validator.is_valid(&ok));
        let unknown = json!({"apiVersion": "example.com/v1", "kind": "Widget", "spek": {}});
        assert!(!compiled.validator.is_valid(&unknown));
        match set.lookup("cr.yaml", "example.com", "v0", "Widget", &meta()) {
            Lookup::Unserved(_, served) => assert_eq!(served, ["v1"]),
            _ => panic!("v0 is not served"),
        }
        assert!(matches!(
            set.lookup("cr.yaml", "example.org", "v1", "Widget", &meta()),
            Lookup::None
        ));
    }

    #[test]
    fn a_kind_defined_twice_is_validated_against_the_nearest_crd() {
        let mut vendored = crd("example.com", json!({"type": "object"}));
        vendored.file = "vendor/chart/crds/widget.yaml".into();
        let mut current = crd("example.com", json!({"type": "object"}));
        current.file = "operator/crds/widget.yaml".into();
        let set = CrdSet::new(vec![vendored, current]);
        let file_of = |cr: &str| match set.lookup(cr, "example.com", "v1", "Widget", &meta()) {
            Lookup::Schema(def, _, _) => def.input.file.clone(),
            _ => panic!("v1 is served"),
        };
        assert_eq!(file_of("operator/examples/w.yaml"), "operator/crds/widget.yaml");
        assert_eq!(
            file_of("vendor/chart/templates/w.yaml"),
            "vendor/chart/crds/widget.yaml"
        );
        // Equally near (or far): the first in file order.
        assert_eq!(file_of("elsewhere/w.yaml"), "vendor/chart/crds/widget.yaml");
        assert!(set.at("operator/crds/widget.yaml", 0, "").is_some());
    }

    #[test]
    fn a_non_structural_crd_is_invalid_with_its_reason() {
        let set = CrdSet::new(vec![crd("example.com", json!({"properties": {"a": {}}}))]);
        match set.lookup("cr.yaml", "example.com", "v1", "Widget", &meta()) {
            Lookup::Invalid(_, reason) => assert_eq!(reason, "type must not be empty at the root"),
            _ => panic!("invalid"),
        }
    }

    #[test]
    fn a_schema_that_cannot_compile_is_a_problem() {
        let def = Definition::read(crd(
            "example.com",
            json!({"type": "object", "properties": {"a": {"type": "string", "pattern": "(unclosed"}}}),
        ))
        .unwrap();
        let problems = def.compile_problems(&meta());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].pointer, "/spec/versions/0/schema/openAPIV3Schema");
    }
}
