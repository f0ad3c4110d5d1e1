//! The module's `variable` blocks with a literal `default`: a reference to one reads the default
//! (and says so). A module is a directory, so the variables may sit in a sibling `.tf` file.

use super::Module;
use crate::parse::hcl::{Body, Expr};
use crate::parse::{Document, Span};
use std::collections::BTreeMap;
use std::path::Path;

/// A variable whose default k2e can use.
#[derive(Clone, Debug)]
pub struct Variable {
    pub default: Expr,
    /// The default as written.
    pub raw: String,
    /// The file it is declared in, when not the resource's own.
    pub file: Option<String>,
}

#[derive(Debug, Default)]
pub struct Variables {
    by_name: BTreeMap<String, Variable>,
}

impl Variables {
    /// The variables of the file `doc` / `body` and of the `.tf` files next to it. A sibling
    /// that cannot be read or parsed is skipped: lint reports it on its own.
    pub fn of_module(doc: &Document, body: &Body, module: &Module) -> Variables {
        let mut vars = Variables::default();
        vars.add(body, &doc.text, doc.offset, None);
        for (name, text) in siblings(module) {
            if let Ok(sibling) = crate::parse::hcl(&text, 0, &module.limits) {
                vars.add(&sibling, &text, 0, Some(name));
            }
        }
        vars
    }

    pub fn get(&self, name: &str) -> Option<&Variable> {
        self.by_name.get(name)
    }

    fn add(&mut self, body: &Body, text: &str, offset: usize, file: Option<String>) {
        for block in body.blocks_of("variable") {
            let [label] = block.labels.as_slice() else {
                continue;
            };
            let Some(default) = block.body.attribute("default").map(|a| &a.value) else {
                continue;
            };
            if !default.is_literal() || self.by_name.contains_key(&label.value) {
                continue;
            }
            let raw = slice(text, offset, default.span).to_owned();
            let variable = Variable {
                default: default.clone(),
                raw,
                file: file.clone(),
            };
            self.by_name.insert(label.value.clone(), variable);
        }
    }
}

fn slice(text: &str, offset: usize, span: Span) -> &str {
    text.get(span.start - offset..span.end - offset).unwrap_or_default()
}

/// The other `.tf` files of the module's directory, by name, as lint names them, with their text.
fn siblings(module: &Module) -> Vec<(String, String)> {
    let Some(path) = module.path else {
        return Vec::new();
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|n| Path::new(n).extension().is_some_and(|e| e == "tf"))
        .filter(|n| Some(n.as_os_str()) != path.file_name())
        .collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|n| {
            let named = path.with_file_name(&n);
            let text = crate::input::read_text(&named, module.max_file_size).ok()?;
            Some((named.display().to_string(), text))
        })
        .collect()
}
