//! The JSON schemas of CRD files, one per kind and served version, as `k2e schemas export`
//! writes them: the same conversion that validates custom resources in a lint run, so one set
//! of schema files serves `k2e lint --schema-dir` and kubeconform alike.

use super::{CrdSet, structural_findings};
use crate::detect::{Detected, detect};
use crate::discover::{Input, Walk, discover_with};
use crate::finding::{Finding, LineIndex, Severity, ids};
use crate::parse::{self, Format, Limits};
use crate::validate::Validators;
use serde_json::Value;
use std::path::PathBuf;

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

/// What the CRD files hold: the schemas of the valid CRDs, and why the others (and any file
/// that could not be read or parsed) gave none.
#[derive(Debug, Default)]
pub struct Export {
    pub schemas: Vec<Exported>,
    pub problems: Vec<Finding>,
    /// Files read.
    pub files: usize,
}

impl Validators {
    /// The schemas of every CustomResourceDefinition in `paths` (files or folders of
    /// YAML/JSON), in file order.
    pub fn export_crds(&self, paths: &[PathBuf], max_file_size: u64) -> Export {
        let found = discover_with(paths, Walk::default());
        let mut out = Export {
            problems: found.problems,
            ..Export::default()
        };
        let meta = match self.object_meta() {
            Ok(meta) => meta.clone(),
            Err(e) => {
                out.problems.push(Finding::file(
                    ids::INTERNAL,
                    Severity::Error,
                    "",
                    format!("bundled schemas: {e}"),
                ));
                return out;
            }
        };
        for input in found.inputs.iter().filter(|i| matches!(i, Input::File(_))) {
            let name = input.display();
            let Some(path) = input.path() else { continue };
            // Terraform files are found by the walk but hold no CRD.
            if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tf")) {
                continue;
            }
            out.files += 1;
            match crate::input::read_text(path, max_file_size) {
                Ok(text) => file(&name, text.as_bytes(), &meta, &mut out),
                Err(e) => out.problems.push(Finding::file(
                    ids::UNREADABLE,
                    Severity::Error,
                    &name,
                    parse::InputError::from(e).to_string(),
                )),
            }
        }
        out
    }
}

fn file(name: &str, bytes: &[u8], meta: &Value, out: &mut Export) {
    let limits = Limits::default();
    let (docs, errors) = parse::documents(bytes, Format::of(name, Format::Yaml), &limits, parse::MAX_DOCUMENTS);
    for e in errors {
        out.problems
            .push(Finding::file(ids::UNREADABLE, Severity::Error, name, e.to_string()));
    }
    for doc in &docs {
        if let Some(e) = doc.errors.first() {
            out.problems.push(Finding::at(
                ids::SYNTAX,
                Severity::Error,
                name,
                doc,
                e.span,
                e.message.clone(),
            ));
            continue;
        }
        let Some(Detected::Kubernetes(objects)) = doc.root.as_ref().map(detect) else {
            continue;
        };
        let lines = LineIndex::of(doc);
        for obj in objects.iter().filter(|o| o.kind == "CustomResourceDefinition") {
            let value = obj.node.to_json();
            let problems = structural_findings(name, doc, obj, &value);
            if !problems.is_empty() {
                out.problems.extend(problems);
                continue;
            }
            let line = lines.position(obj.node.span.start).line;
            let input = super::CrdInput {
                file: name.to_owned(),
                line,
                pointer: obj.pointer.clone(),
                value,
            };
            let set = CrdSet::new(vec![input]);
            let Some(def) = set.definitions.first() else {
                out.problems.push(Finding::at(
                    ids::K8S_INVALID_CRD,
                    Severity::Error,
                    name,
                    doc,
                    obj.node.entry("apiVersion").map_or(obj.node.span, |e| e.value.span),
                    "not an apiextensions.k8s.io/v1 CustomResourceDefinition with spec.group and spec.names.kind; nothing exported".into(),
                ));
                continue;
            };
            let compile = def.compile_problems(meta);
            if let Some(p) = compile.first() {
                out.problems.push(super::findings::problem(name, doc, obj, p));
                continue;
            }
            for v in def.versions.iter().filter(|v| v.served) {
                let Some(schema) = &v.schema else { continue };
                out.schemas.push(Exported {
                    group: def.group.clone(),
                    kind: def.kind.clone(),
                    version: v.name.clone(),
                    source: format!("{name}:{line}"),
                    schema: super::json_schema(schema, meta),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_crds_give_one_schema_per_served_version_and_invalid_ones_a_finding() {
        let dir = tempfile::tempdir().unwrap();
        let crd = |kind: &str, schema: &str| {
            format!(
                "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {{name: x}}\nspec:\n  group: example.com\n  names: {{kind: {kind}}}\n  versions:\n  - name: v1\n    served: true\n    schema:\n      openAPIV3Schema: {schema}\n  - name: v2\n    served: false\n    schema:\n      openAPIV3Schema: {{type: object}}\n"
            )
        };
        let text = format!(
            "{}---\n{}",
            crd("Widget", "{type: object}"),
            crd("Gadget", "{properties: {a: {}}}")
        );
        std::fs::write(dir.path().join("crds.yaml"), text).unwrap();
        let validators = Validators::new("1.37", Vec::new()).unwrap();
        let export = validators.export_crds(&[dir.path().to_path_buf()], 1 << 20);
        let names: Vec<String> = export
            .schemas
            .iter()
            .map(|s| format!("{}/{}_{}", s.group, s.kind, s.version))
            .collect();
        assert_eq!(names, ["example.com/Widget_v1"]);
        let at: Vec<(&str, usize, usize)> = export
            .problems
            .iter()
            .map(|f| (f.rule, f.start.line, f.start.column))
            .collect();
        assert_eq!(at, [(ids::K8S_INVALID_CRD, 27, 7), (ids::K8S_INVALID_CRD, 27, 38)]);
    }
}
