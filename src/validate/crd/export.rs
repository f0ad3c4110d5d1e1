//! The JSON schemas of CRDs, one per kind and served version, as `k2e schemas export` writes
//! them: the same conversion that validates custom resources in a lint run, so one set of
//! schema files serves `k2e lint --schema-dir` and kubeconform alike. The CRD files are read as
//! a lint run reads `--crd` files (lint::gather), which also reports what is wrong with them.

use super::{CrdInput, Definition};
use crate::validate::Validators;
use serde_json::Value;

/// One schema to write.
#[derive(Clone, Debug)]
pub struct Exported {
    pub group: String,
    pub kind: String,
    pub version: String,
    /// Where its CRD is: `file:line`.
    pub source: String,
    pub schema: Value,
}

impl Validators {
    /// The schemas of the served versions of every CRD given, in order. A CRD the API server
    /// would refuse (K8S008, reported where it was read: `check_crd_file`) gives none; so does
    /// one that is not an `apiextensions.k8s.io/v1` CRD with a group and a kind.
    pub fn export_schemas(&self, crds: Vec<CrdInput>) -> Result<Vec<Exported>, String> {
        let meta = self.object_meta()?;
        let mut out = Vec::new();
        for input in crds {
            let source = format!("{}:{}", input.file, input.line);
            let Some(def) = Definition::read(input) else { continue };
            if def.invalid(meta).is_some() {
                continue;
            }
            for v in def.versions.iter().filter(|v| v.served) {
                let Some(schema) = def.input.value.pointer(&v.at) else {
                    continue;
                };
                out.push(Exported {
                    group: def.group.clone(),
                    kind: def.kind.clone(),
                    version: v.name.clone(),
                    source: source.clone(),
                    schema: super::json_schema(schema, meta),
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn valid_crds_give_one_schema_per_served_version_and_invalid_ones_none() {
        let crd = |kind: &str, schema: Value, line: usize| CrdInput {
            file: "crds.yaml".into(),
            line,
            document: line,
            pointer: String::new(),
            value: json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "spec": {"group": "example.com", "names": {"kind": kind}, "versions": [
                {"name": "v1", "served": true, "schema": {"openAPIV3Schema": schema}},
                {"name": "v2", "served": false, "schema": {"openAPIV3Schema": {"type": "object"}}}
            ]}}),
        };
        let mut beta = crd("Old", json!({"type": "object"}), 3);
        beta.value["apiVersion"] = json!("apiextensions.k8s.io/v1beta1");
        let crds = vec![
            crd("Widget", json!({"type": "object"}), 1),
            crd("Gadget", json!({"properties": {"a": {}}}), 2),
            beta,
        ];
        let validators = Validators::new("1.37", Vec::new()).unwrap();
        let export = validators.export_schemas(crds).unwrap();
        let names: Vec<String> = export
            .iter()
            .map(|s| format!("{}/{}_{} {}", s.group, s.kind, s.version, s.source))
            .collect();
        assert_eq!(names, ["example.com/Widget_v1 crds.yaml:1"]);
        assert_eq!(
            export[0].schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }
}
