//! `container_definitions` in each form Terraform users write it: `jsonencode(<HCL literal>)`,
//! a heredoc of JSON, `file(...)` or `templatefile(...)` of a JSON file of the module, or a
//! reference (unknown, or a variable's default).

use super::value::Reading;
use crate::frontend::{FrontendError, Included};
use crate::parse::hcl::{Expr, ExprKind, Heredoc, Part};
use crate::parse::{Node, NodeKind, ParseError, Span};
use std::path::{Component, Path, PathBuf};

impl Reading<'_> {
    /// The containers' tree (an array, or a placeholder when unknown).
    pub fn containers(&mut self, e: &Expr) -> Node {
        match &e.kind {
            ExprKind::Call { name, args } if name == "jsonencode" && args.len() == 1 => self.expr(&args[0]),
            ExprKind::Call { name, args } if name == "file" && args.len() == 1 => self.file(e, &args[0], false),
            ExprKind::Call { name, args } if name == "templatefile" && args.len() == 2 => self.file(e, &args[0], true),
            ExprKind::Heredoc(h) => self.heredoc(e, h),
            ExprKind::Str(_) if self.raw(e.span).starts_with('"') => self.quoted(e),
            _ => self.other(e),
        }
    }

    /// A reference (unknown, or a variable's default). A default that is a string of JSON is
    /// not read: it would have no place in this file to point at.
    fn other(&mut self, e: &Expr) -> Node {
        let node = self.expr(e);
        if node.as_str().is_some() && !self.unknown.contains(&node.span) {
            self.notes
                .push("container_definitions: a JSON string from a variable's default is not checked".into());
            self.assumed.retain(|a| a.span != e.span);
            return self.placeholder(e.span);
        }
        node
    }

    fn heredoc(&mut self, e: &Expr, h: &Heredoc) -> Node {
        let text = self.raw(h.body).to_owned();
        let templated = h.parts.iter().any(|p| !matches!(p, Part::Literal { .. }));
        let parsed = if templated {
            super::template::parse(&text, h.body.start, &self.module.limits)
        } else {
            let doc = crate::parse::json(&text, h.body.start, &self.module.limits);
            Some(super::template::Parsed {
                root: doc.root,
                errors: doc.errors,
                unknown: Vec::new(),
            })
        };
        let Some(parsed) = parsed else {
            self.notes
                .push("container_definitions: a heredoc with template directives is not checked".into());
            return self.placeholder(e.span);
        };
        self.unknown.extend(parsed.unknown);
        self.errors.extend(parsed.errors.iter().map(|err| refusal(err, 0)));
        parsed.root.unwrap_or_else(|| self.placeholder(e.span))
    }

    /// A quoted string of JSON (`"[{\"name\": ...}]"`): HCL's escapes are JSON's but for the
    /// rare `\U` and `$${`, so it is read as a JSON string, spans inside the quotes.
    fn quoted(&mut self, e: &Expr) -> Node {
        let (root, errors) = crate::parse::json_in_string(self.doc, e.span, &self.module.limits);
        self.errors.extend(errors.iter().map(|err| refusal(err, 0)));
        root.unwrap_or_else(|| self.placeholder(e.span))
    }

    /// `file(path)` / `templatefile(path, vars)`: the JSON file, read inside the module's tree.
    fn file(&mut self, call: &Expr, path: &Expr, templated: bool) -> Node {
        let relative = match module_path(path) {
            Ok(p) => p,
            Err(why) => {
                self.notes.push(format!("container_definitions: {why}; not checked"));
                return self.placeholder(call.span);
            }
        };
        let Some(tf) = self.module.path else {
            self.notes
                .push("container_definitions: a file of a module read from standard input is not checked".into());
            return self.placeholder(call.span);
        };
        let dir = tf.parent().unwrap_or(Path::new(""));
        let on_disk = dir.join(&relative);
        // Named as the walk names files (`./x.json` is `x.json`), so a file both read here and
        // found by the walk is known to be one file and not checked twice.
        let name: std::path::PathBuf = on_disk
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        let name = name.display().to_string();
        if escapes_by_link(dir, &on_disk) {
            self.notes.push(format!(
                "container_definitions: `{name}` is a link that leaves the module's directory; not checked"
            ));
            return self.placeholder(call.span);
        }
        let text = match crate::input::read_text(&on_disk, self.module.max_file_size) {
            Ok(text) => text,
            Err(e) => {
                self.errors.push(FrontendError {
                    span: path.span,
                    message: format!("cannot read `{name}`: {e}"),
                });
                return self.placeholder(call.span);
            }
        };
        self.included_json(call, &name, text, templated)
    }

    fn included_json(&mut self, call: &Expr, name: &str, text: String, templated: bool) -> Node {
        let base = self.base;
        let parsed = if templated {
            super::template::parse(&text, 0, &self.module.limits)
        } else {
            let doc = crate::parse::json(&text, 0, &self.module.limits);
            Some(super::template::Parsed {
                root: doc.root,
                errors: doc.errors,
                unknown: Vec::new(),
            })
        };
        let mut doc = crate::parse::Document::new(0, text, 0, 1);
        doc.root = parsed.as_ref().and_then(|p| p.root.clone());
        let Some(parsed) = parsed else {
            self.notes.push(format!(
                "container_definitions: `{name}` has template directives; not checked"
            ));
            return self.placeholder(call.span);
        };
        self.errors.extend(parsed.errors.iter().map(|err| refusal(err, base)));
        self.unknown
            .extend(parsed.unknown.iter().map(|s| Span::new(s.start + base, s.end + base)));
        self.notes.push(format!("container_definitions read from `{name}`"));
        let root = parsed.root.map(|mut root| {
            shift(&mut root, base);
            root
        });
        self.included = Some(Included {
            file: name.to_owned(),
            doc,
            base,
        });
        root.unwrap_or_else(|| self.placeholder(call.span))
    }
}

/// Whether `file`, once links are followed, lies outside `dir` (a missing file does not: its
/// read fails with its own message).
pub(super) fn escapes_by_link(dir: &Path, file: &Path) -> bool {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    match (dir.canonicalize(), file.canonicalize()) {
        (Ok(dir), Ok(file)) => !file.starts_with(dir),
        _ => false,
    }
}

/// A JSON problem as the front-end's refusal, its span shifted by `base`.
fn refusal(err: &ParseError, base: usize) -> FrontendError {
    FrontendError {
        span: Span::new(err.span.start + base, err.span.end + base),
        message: err.message.clone(),
    }
}

fn shift(node: &mut Node, by: usize) {
    node.span = Span::new(node.span.start + by, node.span.end + by);
    match &mut node.kind {
        NodeKind::Scalar { .. } => {}
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| shift(n, by)),
        NodeKind::Map(entries) => {
            for e in entries {
                e.key_span = Span::new(e.key_span.start + by, e.key_span.end + by);
                shift(&mut e.value, by);
            }
        }
    }
}

/// The path a `file()` argument names, relative to the module's directory: `"x.json"`,
/// `"${path.module}/x.json"`. Anything else, an absolute path or one leaving the module's
/// tree is refused with the reason.
fn module_path(arg: &Expr) -> Result<PathBuf, String> {
    let text = match &arg.kind {
        ExprKind::Str(s) => s.clone(),
        ExprKind::Template(parts) => match parts.as_slice() {
            [Part::Interpolation(m), Part::Literal { text, .. }] if m.reference().as_deref() == Some("path.module") => {
                text.trim_start_matches('/').to_owned()
            }
            _ => return Err("the file's path is not known without Terraform".into()),
        },
        _ => return Err("the file's path is not known without Terraform".into()),
    };
    let path = PathBuf::from(&text);
    let mut depth = 0i32;
    for c in path.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => depth -= 1,
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!(
                    "`{text}` is an absolute path; k2e reads only files of the module"
                ));
            }
        }
        if depth < 0 {
            return Err(format!(
                "`{text}` leaves the module's directory; k2e reads only files of the module"
            ));
        }
    }
    Ok(path)
}
