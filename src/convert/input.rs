//! INPUT arguments -> parsed documents, with the lint pipeline's reader rules: directories are
//! walked for *.yaml, *.yml, *.json and *.tf, `-` is stdin, a YAML stream is split into documents
//! so that a broken one does not hide the others, JSON is strict; templates, plans and `.tf`
//! files go through the front-ends.

use crate::discover::{Input, discover};
use crate::finding::LineIndex;
use crate::frontend;
use crate::input;
use crate::parse::{self, Document, Format, Limits};
use serde::Serialize;
use std::path::PathBuf;

/// One input file (or stdin) and its documents.
#[derive(Debug)]
pub struct Source {
    pub file: String,
    pub documents: Vec<Document>,
    /// What a front-end read from documents that are CloudFormation templates or Terraform
    /// plans, by document index.
    pub resources: Vec<(usize, frontend::Read)>,
}

/// A file or document that could not be read or parsed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
}

/// Reads every input through the bounded reader; problems are collected, not fatal.
pub fn read(paths: &[PathBuf], bounds: &input::Options) -> (Vec<Source>, Vec<InputError>) {
    let (inputs, problems) = discover(paths, false);
    let mut errors: Vec<InputError> = problems
        .into_iter()
        .map(|f| InputError {
            file: f.file,
            document: None,
            line: None,
            message: f.message,
        })
        .collect();
    let mut sources = Vec::new();
    for input in inputs {
        let file = input.display();
        let bytes = match read_bytes(&input, bounds) {
            Ok(b) => b,
            Err(e) => {
                errors.push(InputError {
                    file,
                    document: None,
                    line: None,
                    message: e.to_string(),
                });
                continue;
            }
        };
        let json_name =
            matches!(&input, Input::File(p) if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")));
        let (source, errs) = if frontend::is_terraform(&file) {
            terraform(&file, input.path(), &bytes, bounds.limit)
        } else {
            parse_bytes(&file, &bytes, json_name)
        };
        errors.extend(errs);
        sources.push(source);
    }
    (sources, errors)
}

/// A file or stdin, whole, through the bounded reader `k2e lint` uses (same limit, same words).
fn read_bytes(input: &Input, bounds: &input::Options) -> Result<Vec<u8>, input::Error> {
    input::open_or_stdin(input.path(), bounds)?.read_all()
}

/// Parses a file's bytes: strict JSON for `.json` files and for text starting with `{` or `[`
/// (falling back to YAML for the latter, which may be flow YAML), else a YAML stream.
pub fn parse_bytes(file: &str, bytes: &[u8], json_name: bool) -> (Source, Vec<InputError>) {
    if frontend::is_terraform(file) {
        return terraform(file, None, bytes, u64::MAX);
    }
    let format = if json_name { Format::Json } else { Format::Sniff };
    let (docs, unreadable) = parse::documents(bytes, format, &Limits::default(), parse::MAX_DOCUMENTS);
    let mut errors = Vec::new();
    let mut documents = Vec::new();
    for doc in docs {
        keep(file, doc, &mut documents, &mut errors);
    }
    errors.extend(unreadable.into_iter().map(|e| InputError {
        file: file.to_owned(),
        document: e.document,
        line: None,
        message: e.to_string(),
    }));
    let resources = resources(file, &documents, &mut errors);
    (
        Source {
            file: file.to_owned(),
            documents,
            resources,
        },
        errors,
    )
}

/// A Terraform file (`path` for its module's variables and `file()` reads): its ECS resources, or
/// the error that stopped the reading.
fn terraform(file: &str, path: Option<&std::path::Path>, bytes: &[u8], limit: u64) -> (Source, Vec<InputError>) {
    let module = frontend::terraform::Module {
        path,
        max_file_size: limit,
        limits: Limits::default(),
    };
    let mut source = Source {
        file: file.to_owned(),
        documents: Vec::new(),
        resources: Vec::new(),
    };
    let error = |line: Option<usize>, message: String| InputError {
        file: file.to_owned(),
        document: None,
        line,
        message,
    };
    match frontend::read_terraform(bytes, &module) {
        Err(e) => (source, vec![error(None, e.to_string())]),
        Ok((doc, Err(e))) => {
            let line = LineIndex::of(&doc).position(e.span.start).line;
            (source, vec![error(Some(line), e.message)])
        }
        Ok((doc, Ok(read))) => {
            let lines = LineIndex::of(&doc);
            let errors = read
                .errors
                .iter()
                .map(|e| match read.included_at(e.span) {
                    Some((included, local)) => InputError {
                        file: included.file.clone(),
                        document: None,
                        line: Some(LineIndex::of(&included.doc).position(local.start).line),
                        message: e.message.clone(),
                    },
                    None => error(Some(lines.position(e.span.start).line), e.message.clone()),
                })
                .collect();
            source.documents.push(doc);
            source.resources.push((0, read));
            (source, errors)
        }
    }
}

/// The ECS resources of the documents that are templates or plans; a resource a front-end
/// cannot read is an input error, the others are still converted.
fn resources(file: &str, documents: &[Document], errors: &mut Vec<InputError>) -> Vec<(usize, frontend::Read)> {
    let mut out = Vec::new();
    for doc in documents {
        let Some(read) = doc.root.as_ref().and_then(|root| frontend::read(doc, root)) else {
            continue;
        };
        let lines = LineIndex::of(doc);
        errors.extend(read.errors.iter().map(|e| InputError {
            file: file.to_owned(),
            document: Some(doc.index),
            line: Some(lines.position(e.span.start).line),
            message: e.message.clone(),
        }));
        out.push((doc.index, read));
    }
    out
}

/// A document with parse errors (duplicate keys included: kubectl rejects them) is not
/// converted; an empty one is not a document.
fn keep(file: &str, doc: Document, documents: &mut Vec<Document>, errors: &mut Vec<InputError>) {
    if let Some(err) = doc.errors.first() {
        let line = LineIndex::of(&doc).position(err.span.start).line;
        errors.push(InputError {
            file: file.to_owned(),
            document: Some(doc.index),
            line: Some(line),
            message: err.message.clone(),
        });
        return;
    }
    let empty = doc.root.as_ref().is_none_or(|r| {
        matches!(
            r.kind,
            parse::NodeKind::Scalar {
                value: parse::Scalar::Null,
                ..
            }
        )
    });
    if !empty {
        documents.push(doc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_json_and_errors() {
        let (s, e) = parse_bytes("a.yaml", b"a: 1\n---\nb: [\n---\nc: 3\n", false);
        assert_eq!(s.documents.len(), 2);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].document, Some(1));
        let (s, e) = parse_bytes("t.json", b"{\"family\": \"x\"}", true);
        assert_eq!((s.documents.len(), e.len()), (1, 0));
        let (s, e) = parse_bytes("t.json", b"{\"family\": ", true);
        assert_eq!((s.documents.len(), e.len()), (0, 1));
        let (s, e) = parse_bytes("x.yaml", b"{a: 1}\n", false);
        assert_eq!((s.documents.len(), e.len()), (1, 0));
        let (s, _) = parse_bytes("d.yaml", b"a: 1\na: 2\n", false);
        assert!(s.documents.is_empty());
    }
}
