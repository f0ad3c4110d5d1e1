//! The vendored schemas (see schemas/README.md), loaded and compiled only when first needed.

use crate::finding::Finding;
use jsonschema::Validator;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Kubernetes versions with vendored schemas, newest last.
pub const KUBERNETES_VERSIONS: &[(&str, &[u8])] = &[
    (
        "1.30",
        include_bytes!("../../schemas/kubernetes/v1.30/_definitions.json.gz"),
    ),
    (
        "1.31",
        include_bytes!("../../schemas/kubernetes/v1.31/_definitions.json.gz"),
    ),
    (
        "1.32",
        include_bytes!("../../schemas/kubernetes/v1.32/_definitions.json.gz"),
    ),
    (
        "1.33",
        include_bytes!("../../schemas/kubernetes/v1.33/_definitions.json.gz"),
    ),
    (
        "1.34",
        include_bytes!("../../schemas/kubernetes/v1.34/_definitions.json.gz"),
    ),
    (
        "1.35",
        include_bytes!("../../schemas/kubernetes/v1.35/_definitions.json.gz"),
    ),
    (
        "1.36",
        include_bytes!("../../schemas/kubernetes/v1.36/_definitions.json.gz"),
    ),
    (
        "1.37",
        include_bytes!("../../schemas/kubernetes/v1.37/_definitions.json.gz"),
    ),
];

pub const DEFAULT_KUBERNETES_VERSION: &str = "1.37";

const ECS_SCHEMA: &str = include_str!("../../schemas/ecs/register-task-definition.schema.json");
const ECS_DESCRIBE: &str = include_str!("../../schemas/ecs/describe-task-definition.json");

pub type CompiledResult = Result<Arc<Validator>, String>;

/// The `$defs` of a schema document, kept as raw JSON text until a kind needs them: a run that
/// meets three kinds parses a few dozen of the 862 Kubernetes definitions, not all of them.
pub struct DefinitionSet {
    raw: HashMap<String, Box<RawValue>>,
    cache: Mutex<HashMap<String, Arc<OnceLock<CompiledResult>>>>,
    /// Every definition parsed, for error messages to walk; built on the first error only.
    document: OnceLock<Value>,
}

#[derive(Deserialize)]
struct RawDocument {
    #[serde(rename = "$defs")]
    defs: HashMap<String, Box<RawValue>>,
}

impl DefinitionSet {
    fn from_text(text: &str, what: &str) -> Result<Self, String> {
        let doc: RawDocument = serde_json::from_str(text).map_err(|e| format!("bundled {what} is corrupt: {e}"))?;
        Ok(DefinitionSet {
            raw: doc.defs,
            cache: Mutex::new(HashMap::new()),
            document: OnceLock::new(),
        })
    }

    /// `{"$defs": {...}}` with every definition parsed (unparseable ones left out; compiling
    /// them reports the problem).
    pub fn document(&self) -> &Value {
        self.document.get_or_init(|| {
            let defs = self
                .raw
                .iter()
                .filter_map(|(name, raw)| Some((name.clone(), serde_json::from_str(raw.get()).ok()?)))
                .collect::<serde_json::Map<String, Value>>();
            json!({ "$defs": defs })
        })
    }

    /// The validator for `#/$defs/{name}`, compiled once and shared by all threads.
    pub fn validator(&self, name: &str) -> CompiledResult {
        let cell = {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            cache.entry(name.to_owned()).or_default().clone()
        };
        cell.get_or_init(|| {
            let root = json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$ref": format!("#/$defs/{name}"),
                "$defs": self.closure(name)?,
            });
            Ok(Arc::new(compile(&root)?))
        })
        .clone()
    }

    /// Only the definitions `name` reaches, parsed now.
    pub(super) fn closure(&self, name: &str) -> Result<Value, String> {
        let mut out = serde_json::Map::new();
        let mut todo = vec![name.to_owned()];
        while let Some(next) = todo.pop() {
            if out.contains_key(&next) {
                continue;
            }
            let Some(raw) = self.raw.get(&next) else { continue };
            let mut def: Value = serde_json::from_str(raw.get()).map_err(|e| format!("definition {next}: {e}"))?;
            collect_refs(&def, &mut todo);
            super::numbers::add_integer_ranges(&mut def);
            out.insert(next, def);
        }
        Ok(Value::Object(out))
    }
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => {
                        if let Some(name) = r.strip_prefix("#/$defs/") {
                            out.push(name.to_owned());
                        }
                    }
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn compile(schema: &Value) -> Result<Validator, String> {
    jsonschema::options().build(schema).map_err(|e| e.to_string())
}

#[derive(Deserialize)]
struct GvkOnly {
    #[serde(rename = "x-kubernetes-group-version-kind", default)]
    gvk: Vec<Gvk>,
}

#[derive(Deserialize)]
struct Gvk {
    #[serde(default)]
    group: String,
    version: String,
    kind: String,
}

/// Kubernetes schemas for one version, indexed by group/version/kind.
pub struct KubernetesSchemas {
    pub version: &'static str,
    pub set: DefinitionSet,
    gvk: HashMap<(String, String, String), String>,
    /// kind -> every apiVersion that serves it, for "did you mean apps/v1" hints.
    pub kinds: HashMap<String, Vec<String>>,
    pub groups: Vec<String>,
}

impl KubernetesSchemas {
    pub fn load(version: &str) -> Result<Self, String> {
        let (version, bytes) = KUBERNETES_VERSIONS
            .iter()
            .find(|(v, _)| *v == version)
            .ok_or_else(|| format!("no schemas for Kubernetes {version}; available: {}", versions()))?;
        let mut text = String::new();
        flate2::read::GzDecoder::new(*bytes)
            .read_to_string(&mut text)
            .map_err(|e| format!("bundled Kubernetes {version} schemas are corrupt: {e}"))?;
        let set = DefinitionSet::from_text(&text, &format!("Kubernetes {version} schemas"))?;
        let mut gvk = HashMap::new();
        let mut kinds: HashMap<String, Vec<String>> = HashMap::new();
        let mut groups: Vec<String> = Vec::new();
        for (name, raw) in &set.raw {
            if !raw.get().contains("x-kubernetes-group-version-kind") {
                continue;
            }
            let def: GvkOnly = serde_json::from_str(raw.get()).map_err(|e| format!("definition {name}: {e}"))?;
            // Shared types (DeleteOptions, WatchEvent) list dozens of GVKs; they are not objects users write.
            let [only] = def.gvk.as_slice() else { continue };
            let api_version = if only.group.is_empty() {
                only.version.clone()
            } else {
                format!("{}/{}", only.group, only.version)
            };
            kinds.entry(only.kind.clone()).or_default().push(api_version);
            if !groups.contains(&only.group) {
                groups.push(only.group.clone());
            }
            gvk.insert(
                (only.group.clone(), only.version.clone(), only.kind.clone()),
                name.clone(),
            );
        }
        for list in kinds.values_mut() {
            list.sort();
        }
        Ok(KubernetesSchemas {
            version,
            set,
            gvk,
            kinds,
            groups,
        })
    }

    pub fn definition(&self, group: &str, version: &str, kind: &str) -> Option<&str> {
        self.gvk
            .get(&(group.to_owned(), version.to_owned(), kind.to_owned()))
            .map(String::as_str)
    }

    /// Whether a group belongs to Kubernetes itself (so an unknown version there is an error,
    /// while an unknown group is a custom resource).
    pub fn is_builtin_group(&self, group: &str) -> bool {
        group == "extensions" || self.groups.iter().any(|g| g == group)
    }
}

pub fn versions() -> String {
    KUBERNETES_VERSIONS
        .iter()
        .map(|(v, _)| *v)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The ECS schema (RegisterTaskDefinitionRequest) and what describe-task-definition adds.
pub struct EcsSchemas {
    pub set: DefinitionSet,
    pub read_only: Vec<String>,
    pub describe_siblings: Vec<String>,
    pub as_of: String,
}

impl EcsSchemas {
    pub fn load() -> Result<Self, String> {
        let defs: Value =
            serde_json::from_str(ECS_SCHEMA).map_err(|e| format!("bundled ECS schema is corrupt: {e}"))?;
        let describe: Value =
            serde_json::from_str(ECS_DESCRIBE).map_err(|e| format!("bundled ECS schema is corrupt: {e}"))?;
        let names = |v: Option<&Value>| -> Vec<String> {
            match v {
                Some(Value::Object(m)) => m.keys().cloned().collect(),
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
                _ => Vec::new(),
            }
        };
        let source = defs.get("x-k2e-source");
        let as_of = source
            .and_then(|s| s.get("version"))
            .and_then(Value::as_str)
            .map_or_else(String::new, |v| format!("botocore {v}"));
        Ok(EcsSchemas {
            read_only: names(describe.get("readOnlyFields")),
            describe_siblings: names(describe.get("siblings")),
            set: DefinitionSet::from_text(ECS_SCHEMA, "ECS schema")?,
            as_of,
        })
    }
}

pub use super::user_schema::UserSchema;

/// User schemas for custom resources, in kubeconform's file naming.
pub struct SchemaDirs {
    dirs: Vec<PathBuf>,
    cache: Mutex<HashMap<PathBuf, Arc<OnceLock<UserSchema>>>>,
}

impl SchemaDirs {
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        SchemaDirs {
            dirs,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Every `{kind}-{group}-{version}.json` (group: first label or full) or
    /// `{kind}_{version}.json`, also under a `{group}/` folder as the CRD catalogs lay them out,
    /// in the order they are tried: the first that can be used wins.
    pub fn candidates(&self, group: &str, version: &str, kind: &str) -> Vec<PathBuf> {
        let kind = kind.to_lowercase();
        let short = group.split('.').next().unwrap_or("");
        let mut names = Vec::new();
        if group.is_empty() {
            names.push(format!("{kind}-{version}.json"));
        } else {
            names.push(format!("{kind}-{short}-{version}.json"));
            names.push(format!("{kind}-{group}-{version}.json"));
            names.push(format!("{group}/{kind}_{version}.json"));
        }
        names.push(format!("{kind}_{version}.json"));
        let mut found: Vec<PathBuf> = Vec::new();
        for path in self.dirs.iter().flat_map(|d| names.iter().map(move |n| d.join(n))) {
            if path.is_file() && !found.contains(&path) {
                found.push(path);
            }
        }
        found
    }

    pub fn load(&self, path: &Path) -> UserSchema {
        let cell = {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            cache.entry(path.to_owned()).or_default().clone()
        };
        cell.get_or_init(|| super::user_schema::load(path)).clone()
    }

    /// The schema files that were needed and could not be used, one finding each, by path.
    pub fn problems(&self) -> Vec<Finding> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<Finding> = cache
            .values()
            .filter_map(|cell| cell.get()?.as_ref().err().map(|f| (**f).clone()))
            .collect();
        out.sort_by(|a, b| a.file.cmp(&b.file));
        out
    }
}
