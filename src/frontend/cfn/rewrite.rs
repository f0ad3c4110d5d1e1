//! A resource's `Properties` -> the API's shape: keys re-cased, intrinsic functions replaced by
//! parameter defaults or by placeholders recorded as unknown. Every node keeps its span.

use super::intrinsic::Intrinsic;
use super::names::{api_key, is_free_form};
use super::params::{Parameter, string_at};
use crate::frontend::{Assumed, Choice, Unknown};
use crate::parse::pointer_token as token;
use crate::parse::{Document, Entry, Node, NodeKind, Span};

/// The rewrite of one resource, and what it learned on the way.
pub struct Rewrite<'a> {
    doc: &'a Document,
    /// The template's root (for `Parameters`).
    root: &'a Node,
    /// Task definitions of the template a service's `TaskDefinition` may `Ref`:
    /// (logical id, the name the API is given: its literal `Family`, else the logical id).
    tasks: &'a [(String, String)],
    /// The logical id a service's `TaskDefinition` refers to.
    pub linked: Option<String>,
    pub unknown: Vec<Unknown>,
    pub assumed: Vec<Assumed>,
    pub choices: Vec<Choice>,
    /// (API pointer, source pointer) for each renamed key.
    pub pointers: Vec<(String, String)>,
    /// What the user could change to have a value checked.
    pub notes: Vec<String>,
}

impl<'a> Rewrite<'a> {
    pub fn new(doc: &'a Document, root: &'a Node, tasks: &'a [(String, String)]) -> Self {
        Rewrite {
            doc,
            root,
            tasks,
            linked: None,
            unknown: Vec::new(),
            assumed: Vec::new(),
            choices: Vec::new(),
            pointers: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// `node` in the API's shape; `api` and `src` are its pointers; `keep_keys` inside the
    /// user's own maps (Docker labels, log options).
    pub fn node(&mut self, node: &Node, api: &str, src: &str, keep_keys: bool) -> Node {
        if let Some(call) = Intrinsic::of(self.doc, node) {
            return self.call(&call, api);
        }
        let kind = match &node.kind {
            NodeKind::Scalar { .. } => node.kind.clone(),
            NodeKind::Seq(items) => NodeKind::Seq(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.node(item, &format!("{api}/{i}"), &format!("{src}/{i}"), keep_keys))
                    .collect(),
            ),
            NodeKind::Map(entries) => {
                NodeKind::Map(entries.iter().map(|e| self.entry(e, api, src, keep_keys)).collect())
            }
        };
        Node { span: node.span, kind }
    }

    fn entry(&mut self, entry: &Entry, api: &str, src: &str, keep_keys: bool) -> Entry {
        let key = if keep_keys {
            entry.key.clone()
        } else {
            api_key(&entry.key)
        };
        let api = format!("{api}/{}", token(&key));
        let src = format!("{src}/{}", token(&entry.key));
        if key != entry.key {
            self.pointers.push((api.clone(), src.clone()));
        }
        let keep_keys = keep_keys || is_free_form(&entry.key);
        let value = self.node(&entry.value, &api, &src, keep_keys);
        Entry {
            key,
            key_span: entry.key_span,
            value,
        }
    }

    fn call(&mut self, call: &Intrinsic, api: &str) -> Node {
        if let Some(text) = call.literal_sub() {
            return string_at(text, call.span);
        }
        let Some(target) = call.ref_target() else {
            return self.unknown(call.span, api);
        };
        if api == "/taskDefinition" {
            if let Some((id, name)) = self.tasks.iter().find(|(id, _)| id == target) {
                self.linked = Some(id.clone());
                return string_at(name.as_str(), call.span);
            }
        }
        match Parameter::find(self.root, target) {
            Some(param) => self.parameter(&param, call.span, api),
            None => self.unknown(call.span, api),
        }
    }

    /// A `Ref` to a parameter: its default if literal (recorded as assumed), else unknown.
    fn parameter(&mut self, param: &Parameter, span: Span, api: &str) -> Node {
        let name = format!("parameter {}", param.name);
        if let Some(values) = param.allowed() {
            self.choices.push(Choice {
                span,
                pointer: api.to_owned(),
                name: name.clone(),
                values: values.to_vec(),
            });
        }
        let Some(default) = param.default_at(span) else {
            let call = self.doc.raw(span).unwrap_or_default();
            let why = if param.is_ssm() {
                "is read from SSM"
            } else {
                "has no literal `Default`"
            };
            self.notes
                .push(format!("`{call}`: {name} {why}, so the value is not checked"));
            return self.unknown(span, api);
        };
        self.assumed.push(Assumed {
            span,
            name,
            value: default.text,
            default_span: default.written.span,
            default_file: None,
        });
        default.node
    }

    /// A placeholder holding the call's source text.
    fn unknown(&mut self, span: Span, api: &str) -> Node {
        self.unknown.push(Unknown {
            span,
            pointer: api.to_owned(),
        });
        string_at(self.doc.raw(span).unwrap_or_default(), span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Limits, yaml_text};
    use serde_json::json;

    const TEMPLATE: &str = "\
Parameters:
  Cpu: {Type: String, Default: '256', AllowedValues: ['256', '512']}
  Image: {Type: String}
P:
  Cpu: !Ref Cpu
  ContainerDefinitions:
    - Name: app
      Image: !Ref Image
      DockerLabels: {Com.Example/Team: !Sub web, Other: x}
      PortMappings: !If [C, [{ContainerPort: 80}], !Ref 'AWS::NoValue']
  Volumes:
    - EFSVolumeConfiguration: {FilesystemId: fs-1}
";

    fn rewrite(doc: &Document) -> (Node, Rewrite<'_>) {
        let root = doc.root.as_ref().unwrap();
        let mut rw = Rewrite::new(doc, root, &[]);
        let node = rw.node(root.get("P").unwrap(), "", "/P", false);
        (node, rw)
    }

    #[test]
    fn keys_are_recased_and_free_form_keys_kept() {
        let doc = yaml_text(TEMPLATE, &Limits::default()).remove(0);
        let (node, rw) = rewrite(&doc);
        let json = node.to_json();
        assert_eq!(
            json["volumes"],
            json!([{"efsVolumeConfiguration": {"fileSystemId": "fs-1"}}])
        );
        assert_eq!(
            json["containerDefinitions"][0]["dockerLabels"],
            json!({"Com.Example/Team": "web", "Other": "x"})
        );
        assert!(rw.pointers.contains(&(
            "/volumes/0/efsVolumeConfiguration/fileSystemId".into(),
            "/P/Volumes/0/EFSVolumeConfiguration/FilesystemId".into()
        )));
        assert!(!rw.pointers.iter().any(|(api, _)| api.contains("Other")));
        let (_, key) = node.pointer("/containerDefinitions/0/name").unwrap();
        assert_eq!(doc.raw(key.unwrap()), Some("Name"));
    }

    #[test]
    fn parameter_default_is_assumed_with_its_choices() {
        let doc = yaml_text(TEMPLATE, &Limits::default()).remove(0);
        let (node, rw) = rewrite(&doc);
        let (cpu, _) = node.pointer("/cpu").unwrap();
        assert_eq!((cpu.as_str(), doc.raw(cpu.span)), (Some("256"), Some("!Ref Cpu")));
        assert_eq!(rw.assumed.len(), 1);
        assert_eq!(
            (rw.assumed[0].name.as_str(), rw.assumed[0].value.as_str()),
            ("parameter Cpu", "256")
        );
        assert_eq!(doc.raw(rw.assumed[0].default_span), Some("'256'"));
        assert_eq!(rw.choices.len(), 1);
        assert_eq!(rw.choices[0].pointer, "/cpu");
        assert_eq!(rw.choices[0].values.len(), 2);
    }

    #[test]
    fn intrinsics_without_a_value_are_unknown_placeholders() {
        let doc = yaml_text(TEMPLATE, &Limits::default()).remove(0);
        let (node, rw) = rewrite(&doc);
        let pointers: Vec<_> = rw.unknown.iter().map(|u| u.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["/containerDefinitions/0/image", "/containerDefinitions/0/portMappings"]
        );
        let (image, _) = node.pointer("/containerDefinitions/0/image").unwrap();
        assert_eq!(image.as_str(), Some("!Ref Image"));
        assert_eq!(image.span, rw.unknown[0].span);
        assert_eq!(
            rw.notes,
            ["`!Ref Image`: parameter Image has no literal `Default`, so the value is not checked"]
        );
        let (ports, _) = node.pointer("/containerDefinitions/0/portMappings").unwrap();
        assert!(ports.as_str().unwrap().starts_with("!If [C"));
    }
}
