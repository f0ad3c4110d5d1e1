//! Bytes -> documents: the one reader `k2e lint`, `convert` and `estimate` share, and the one
//! error for input that cannot be read as text (from a path that will not open to a stream
//! past the document limit).
//!
//! An input is read in [`Piece`]s: a whole JSON value, parsed, or one YAML stream document
//! still to parse, so that lint can hand each to its pool as soon as it is read.

use super::stream::{Chunk, Stream, check_text};
use super::{Document, Limits, ParseErrorKind};
use crate::input;
use std::io::BufRead;
use std::iter::Enumerate;

/// How an input's bytes are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON value, strictly (a `.json` file).
    Json,
    /// A YAML stream.
    Yaml,
    /// One JSON value when the text starts like one and parses as one (a YAML stream may hold
    /// JSON documents; a lone JSON value is read strictly, as the AWS CLI reads it), else a
    /// YAML stream.
    Sniff,
}

impl Format {
    /// `Json` for a `.json` name (any case), else `otherwise`.
    pub fn of(name: &str, otherwise: Format) -> Format {
        let is_json = std::path::Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if is_json { Format::Json } else { otherwise }
    }
}

/// Why an input cannot be read as text.
#[derive(Debug)]
pub enum InputErrorKind {
    /// The path (or stdin) could not be opened or read whole.
    Open(input::Error),
    /// Reading failed part-way through a stream.
    Io(std::io::Error),
    NotUtf8 {
        offset: usize,
        line: usize,
        column: usize,
    },
    Binary {
        offset: usize,
        line: usize,
        column: usize,
    },
    /// UTF-16 or UTF-32 text ("UTF-16LE"), told from binary content by its start.
    Wide {
        encoding: &'static str,
    },
    TooLarge {
        limit: u64,
    },
    TooManyDocuments {
        limit: usize,
        offset: usize,
        line: usize,
    },
}

/// Input that cannot be read as text, and where the reading stopped.
#[derive(Debug)]
pub struct InputError {
    pub kind: InputErrorKind,
    /// The document of a YAML stream the reading stopped at (those before it were read);
    /// `None` when the input failed as a whole.
    pub document: Option<usize>,
}

impl InputError {
    pub fn whole(kind: InputErrorKind) -> Self {
        InputError { kind, document: None }
    }
}

impl From<input::Error> for InputError {
    fn from(e: input::Error) -> Self {
        InputError::whole(InputErrorKind::Open(e))
    }
}

impl std::fmt::Display for InputErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputErrorKind::Open(e) => write!(f, "{e}"),
            InputErrorKind::Io(e) => write!(f, "could not read: {e}"),
            InputErrorKind::NotUtf8 { .. } => write!(f, "not UTF-8 text; save the file as UTF-8"),
            InputErrorKind::Binary { .. } => write!(f, "binary content (a NUL byte): not a manifest"),
            InputErrorKind::Wide { encoding } => write!(f, "{encoding} text; save the file as UTF-8"),
            InputErrorKind::TooLarge { limit } => write!(f, "{}", input::too_large(*limit)),
            InputErrorKind::TooManyDocuments { limit, .. } => write!(
                f,
                "more than {limit} documents in one file; raise --max-documents if this is intended"
            ),
        }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.kind.fmt(f)
    }
}

/// One piece of an input: a whole JSON document, or a YAML stream document still to parse.
#[derive(Debug)]
pub enum Piece {
    Json(Box<Document>),
    Yaml { index: usize, chunk: Chunk },
}

impl Piece {
    /// The piece's documents, numbered by their place in the stream. A YAML chunk holds one
    /// document unless the YAML is broken in a way the splitter cannot see ("--" then
    /// content); those share the chunk's index.
    pub fn documents(self, limits: &Limits) -> Vec<Document> {
        match self {
            Piece::Json(doc) => vec![*doc],
            Piece::Yaml { index, chunk } => {
                let mut docs = super::yaml(&chunk, limits);
                docs.iter_mut().for_each(|d| d.index = index);
                docs
            }
        }
    }
}

/// The pieces of one input, in order.
pub enum Pieces<R> {
    Whole(Option<Result<Piece, InputError>>),
    Stream(Enumerate<Stream<R>>),
}

impl<R: BufRead> Iterator for Pieces<R> {
    type Item = Result<Piece, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Pieces::Whole(piece) => piece.take(),
            Pieces::Stream(chunks) => chunks.next().map(|(index, chunk)| match chunk {
                Ok(chunk) => Ok(Piece::Yaml { index, chunk }),
                Err(kind) => Err(InputError {
                    kind,
                    document: Some(index),
                }),
            }),
        }
    }
}

/// A YAML stream read as it comes, refused past `max_bytes` and `max_documents`: a 300 MB
/// stream is read in constant memory.
pub fn stream<R: BufRead>(reader: R, max_bytes: u64, max_documents: usize) -> Pieces<R> {
    Pieces::Stream(Stream::new(reader, max_bytes, max_documents).enumerate())
}

/// The default limit on documents in one input (`k2e lint --max-documents`); convert and
/// estimate use it as it is.
pub const MAX_DOCUMENTS: usize = 100_000;

/// An input held whole in memory (already bounded when read), read as `format` says.
pub fn read<'a>(bytes: &'a [u8], format: Format, limits: &Limits, max_documents: usize) -> Pieces<&'a [u8]> {
    if format == Format::Yaml {
        return stream(bytes, u64::MAX, max_documents);
    }
    let (skip, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (3, rest),
        None => (0, bytes),
    };
    let looks_json = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| matches!(b, b'{' | b'['));
    if format == Format::Json || looks_json {
        match check_text(body, skip, 1) {
            Ok(text) => {
                let doc = super::json(text, skip, limits);
                let syntax = doc.errors.iter().any(|e| e.kind == ParseErrorKind::Syntax);
                if format == Format::Json || !syntax {
                    return Pieces::Whole(Some(Ok(Piece::Json(Box::new(doc)))));
                }
            }
            Err(kind) if format == Format::Json => return Pieces::Whole(Some(Err(InputError::whole(kind)))),
            // Not text as a whole: read it as a stream, so the documents before the bad bytes
            // are still checked and the error is placed in its own document.
            Err(_) => {}
        }
    }
    stream(bytes, u64::MAX, max_documents)
}

/// Every document of an input held in memory, parsed, and the error that stopped the reading.
pub fn documents(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
    max_documents: usize,
) -> (Vec<Document>, Vec<InputError>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for piece in read(bytes, format, limits, max_documents) {
        match piece {
            Ok(piece) => docs.extend(piece.documents(limits)),
            Err(e) => errors.push(e),
        }
    }
    (docs, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], format: Format) -> (Vec<Document>, Vec<InputError>) {
        documents(bytes, format, &Limits::default(), 100)
    }

    #[test]
    fn json_by_name_or_by_look_else_a_yaml_stream() {
        let (docs, errors) = read_all(b"a: 1\n---\nb: 2\n", Format::Sniff);
        assert_eq!((docs.len(), errors.len()), (2, 0));
        assert_eq!(docs[1].index, 1);
        let (docs, _) = read_all(b"\xEF\xBB\xBF{\"a\": 1}", Format::Sniff);
        assert_eq!(docs.len(), 1);
        // Flow YAML looks like JSON but is not: read as YAML.
        let (docs, errors) = read_all(b"{a: 1}\n", Format::Sniff);
        assert_eq!((docs.len(), errors.len()), (1, 0));
        assert!(docs[0].errors.is_empty());
        // A `.json` file is JSON, broken or not.
        let (docs, _) = read_all(b"{a: 1}\n", Format::Json);
        assert!(docs[0].errors.iter().any(|e| e.kind == ParseErrorKind::Syntax));
        assert_eq!(Format::of("x/T.JSON", Format::Yaml), Format::Json);
        assert_eq!(Format::of("x.yaml", Format::Sniff), Format::Sniff);
    }

    #[test]
    fn errors_say_where_the_reading_stopped() {
        let (docs, errors) = read_all(b"a: 1\n---\nb: \xff\n", Format::Yaml);
        assert_eq!(docs.len(), 1);
        assert_eq!(errors[0].document, Some(1));
        assert!(matches!(errors[0].kind, InputErrorKind::NotUtf8 { line: 3, .. }));
        let (docs, errors) = read_all(b"{\"a\": \"\0\"}", Format::Json);
        assert!(docs.is_empty());
        assert_eq!(errors[0].document, None);
        assert_eq!(errors[0].to_string(), "binary content (a NUL byte): not a manifest");
        // Text that looks like JSON but has a bad byte further on is read as a stream: the
        // documents before it are still read.
        let (docs, errors) = read_all(b"{a: 1}\n---\nb: \xff\n", Format::Sniff);
        assert_eq!(docs.len(), 1);
        assert_eq!(errors[0].document, Some(1));
        let opened = InputError::from(input::Error::TooLarge { limit: 1 << 20 });
        assert_eq!(
            opened.to_string(),
            "larger than the 1 MiB limit; raise it with --max-file-size if this is intended"
        );
    }
}
