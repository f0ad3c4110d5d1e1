//! The report's `OUTPUT#/pointer`s point into the API outputs (`task-definition#/cpu`); with
//! `--emit` those are not written, so each pointer is moved into the template that holds the
//! output (`k2e.template.json#/Resources/WebTaskDefinition/Properties/Cpu`). A field the
//! template spells differently or holds inside a string (Terraform's container_definitions)
//! points at the nearest enclosing value the template does have, so every pointer resolves.

use super::super::outcome::Conversion;
use super::Place;
use super::keys::holds_data;
use super::set::Piece;
use serde_json::Value;
use std::collections::BTreeMap;

pub struct Map<'a> {
    pieces: &'a [Piece],
    places: &'a BTreeMap<String, Place>,
    written: &'a [(&'a str, Value)],
    /// The template's name for an API key.
    key: fn(&str) -> String,
}

impl<'a> Map<'a> {
    pub fn new(
        pieces: &'a [Piece],
        places: &'a BTreeMap<String, Place>,
        written: &'a [(&'a str, Value)],
        key: fn(&str) -> String,
    ) -> Self {
        Map {
            pieces,
            places,
            written,
            key,
        }
    }

    /// Rewrites the pointers of the loss report and the checklist, and the objects' lists of
    /// output files.
    pub fn rewrite(&self, conversion: &mut Conversion) {
        for object in &mut conversion.objects {
            let outputs = object.outputs.clone();
            for note in &mut object.fields {
                if let Some(to) = &note.to {
                    note.to = Some(self.target(to, &outputs).unwrap_or_else(|| to.clone()));
                }
            }
            for added in &mut object.added {
                added.to = self.target(&added.to, &outputs).unwrap_or_else(|| added.to.clone());
            }
            let mut files: Vec<String> = Vec::new();
            for f in &outputs {
                let file = self.places.get(f).map_or(f, |p| &p.file);
                if !files.contains(file) {
                    files.push(file.clone());
                }
            }
            object.outputs = files;
        }
        for item in &mut conversion.checklist {
            for used in &mut item.used_by {
                if let Some(to) = self.target(used, &[]) {
                    *used = to;
                }
            }
            item.used_by.sort();
            item.used_by.dedup();
        }
    }

    /// `to` (`FILE#/pointer` or `ROLE#/pointer`, the role's output among `outputs`) in the
    /// written templates; None when it names no API output.
    fn target(&self, to: &str, outputs: &[String]) -> Option<String> {
        let (head, pointer) = to.split_once('#').unwrap_or((to, ""));
        let file = match self.places.contains_key(head) {
            true => head,
            false => self
                .pieces
                .iter()
                .filter(|p| outputs.contains(&p.file))
                .find(|p| role_name(p) == head)?
                .file
                .as_str(),
        };
        let place = self.places.get(file)?;
        let doc = self.written.iter().find(|(f, _)| *f == place.file).map(|(_, d)| d)?;
        let mut resolved = place.pointer.clone();
        let mut data = false;
        let mut missed = false;
        for segment in pointer.split('/').skip(1) {
            let name = if data || segment.parse::<usize>().is_ok() {
                segment.to_owned()
            } else {
                (self.key)(segment)
            };
            data = holds_data(segment);
            let candidate = format!("{resolved}/{name}");
            if doc.pointer(&candidate).is_some() {
                resolved = candidate;
                missed = false;
            } else if missed {
                break;
            } else {
                // A block the template flattens (deploymentConfiguration/maximumPercent is
                // deployment_maximum_percent): its fields may sit one level up.
                missed = true;
            }
        }
        Some(format!("{}#{resolved}", place.file))
    }
}

fn role_name(piece: &Piece) -> String {
    serde_json::to_value(piece.role)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::outcome::{ObjectReport, Output, Role};
    use serde_json::json;

    #[test]
    fn pointers_move_into_the_template_and_resolve() {
        let outs = [Output {
            file: "web.task-definition.json".into(),
            text: "{}".into(),
            role: Role::TaskDefinition,
            object: "Deployment/web".into(),
        }];
        let pieces = Piece::all(&outs).unwrap();
        let mut places = BTreeMap::new();
        places.insert(
            "web.task-definition.json".to_owned(),
            Place {
                file: "k2e.template.json".into(),
                pointer: "/Resources/WebTaskDefinition/Properties".into(),
            },
        );
        let doc = json!({"Resources": {"WebTaskDefinition": {"Properties": {"Cpu": "256",
            "ContainerDefinitions": [{"DockerLabels": {"a~1b": "x", "x": "y"}}]}}}});
        let written = [("k2e.template.json", doc)];
        let map = Map::new(&pieces, &places, &written, super::super::keys::cfn);
        let mut c = Conversion::default();
        c.objects.push(object());
        map.rewrite(&mut c);
        let tos: Vec<_> = c.objects[0].fields.iter().filter_map(|n| n.to.clone()).collect();
        let base = "k2e.template.json#/Resources/WebTaskDefinition/Properties";
        assert_eq!(
            tos,
            [
                format!("{base}/Cpu"),
                format!("{base}/ContainerDefinitions/0/DockerLabels/x"),
                format!("{base}/ContainerDefinitions/0"),
                base.to_owned(),
            ]
        );
        assert_eq!(c.objects[0].outputs, ["k2e.template.json"]);
    }

    fn object() -> ObjectReport {
        let note = |to: &str| crate::convert::loss::Note {
            file: None,
            path: "/x".into(),
            line: 0,
            column: 0,
            fate: crate::convert::loss::Fate::Mapped,
            to: Some(to.into()),
            reason: None,
            fix: None,
            security: false,
            unhandled: false,
            offset: 0,
        };
        ObjectReport {
            file: "in.yaml".into(),
            document: 0,
            pointer: String::new(),
            object: "Deployment/web".into(),
            outputs: vec!["web.task-definition.json".into()],
            counts: Default::default(),
            fields: vec![
                note("task-definition#/cpu"),
                note("web.task-definition.json#/containerDefinitions/0/dockerLabels/x"),
                note("task-definition#/containerDefinitions/0/nothing/at/all"),
                note("task-definition#"),
            ],
            added: Vec::new(),
            error: None,
        }
    }
}
