//! The module's `variable` blocks with a literal `default`: a reference to one reads the default
//! (and says so). A module is a directory, so the variables may sit in a sibling `.tf` file.

use super::Module;
use crate::parse::hcl::{Body, Expr, ExprKind};
use crate::parse::{Document, Span};
use std::collections::BTreeMap;
use std::path::Path;

/// A variable whose default k2e can use.
#[derive(Clone, Debug)]
pub struct Variable {
    /// None for a variable without a literal default that lists its allowed values.
    pub default: Option<Expr>,
    /// The values a `validation { condition = contains([...], var.X) }` allows, as written.
    pub allowed: Vec<Expr>,
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
            let default = block
                .body
                .attribute("default")
                .map(|a| &a.value)
                .filter(|d| d.is_literal());
            let allowed = allowed(&block.body, &label.value);
            if (default.is_none() && allowed.is_empty()) || self.by_name.contains_key(&label.value) {
                continue;
            }
            let raw = default.map_or("", |d| slice(text, offset, d.span)).to_owned();
            let variable = Variable {
                default: default.cloned(),
                allowed,
                raw,
                file: file.clone(),
            };
            self.by_name.insert(label.value.clone(), variable);
        }
    }
}

/// The literal list of a `validation` whose condition is `contains([...], var.NAME)`.
fn allowed(body: &Body, name: &str) -> Vec<Expr> {
    let reference = format!("var.{name}");
    for validation in body.blocks_of("validation") {
        let Some(condition) = validation.body.attribute("condition") else {
            continue;
        };
        if let ExprKind::Call { name: call, args } = &condition.value.kind
            && call == "contains"
            && let [list, value] = args.as_slice()
            && value.reference().as_deref() == Some(reference.as_str())
            && let ExprKind::Tuple(items) = &list.kind
            && list.is_literal()
        {
            return items.clone();
        }
    }
    Vec::new()
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
        .filter(|n| Path::new(n).extension().is_some_and(|e| e.eq_ignore_ascii_case("tf")))
        .filter(|n| Some(n.as_os_str()) != path.file_name())
        .collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|n| {
            let named = path.with_file_name(&n);
            // A link out of the module is not part of it (as for `file()`).
            if super::containers::escapes_by_link(dir, &named) {
                return None;
            }
            let text = crate::input::read_text(&named, module.max_file_size).ok()?;
            Some((named.display().to_string(), text))
        })
        .collect()
}
