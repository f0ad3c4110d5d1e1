//! Text -> span tree. The only module that knows the YAML, JSON and HCL parser crates.

mod error;
pub mod hcl;
mod indent;
mod json;
mod json_string;
mod read;
mod resolve;
mod stream;
mod tree;
mod yaml;

pub use error::{Limits, ParseError, ParseErrorKind};
pub use json_string::json_in_string;
pub use read::{Format, InputError, InputErrorKind, MAX_DOCUMENTS, Piece, Pieces, documents, read, stream};
pub use resolve::{is_yaml11_ambiguous, reads_differently, yaml11_only_bool, yaml11_reading};
pub use stream::{Chunk, Stream, check_text};
pub use tree::{Comment, Document, Entry, Node, NodeKind, Scalar, ScalarStyle, Span, Tag, pointer_token, type_name};

/// Parses one chunk of a YAML stream (see [`Stream`]) into its documents.
pub fn yaml(chunk: &Chunk, limits: &Limits) -> Vec<Document> {
    yaml::parse(&chunk.text, chunk.offset, chunk.line, limits)
}

/// Parses a YAML text held in memory as a whole (k2e's own data files, tests).
pub fn yaml_text(text: &str, limits: &Limits) -> Vec<Document> {
    yaml::parse(text, 0, 1, limits)
}

/// Parses a whole HCL file (Terraform): spans are `offset` + the position in `text`.
pub fn hcl(text: &str, offset: usize, limits: &Limits) -> Result<hcl::Body, ParseError> {
    hcl::parse(text, offset, limits)
}

/// Parses a whole JSON text (one value).
pub fn json(text: &str, offset: usize, limits: &Limits) -> Document {
    json::parse(text, offset, 1, limits)
}

/// Runs the YAML parser over a chunk without building a tree: the floor a lint pass cannot
/// beat, measured by `scripts/bench`. Returns the number of events, or the error message.
pub fn scan_yaml(chunk: &Chunk) -> Result<usize, String> {
    yaml::scan(&chunk.text)
}

/// The JSON counterpart of [`scan_yaml`].
pub fn scan_json(text: &str) -> Result<usize, String> {
    json::scan(text)
}
