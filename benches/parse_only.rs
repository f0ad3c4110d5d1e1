//! The floor `k2e lint` cannot beat, timed against it by `scripts/bench`.
//!
//! It walks, reads and parses exactly as `k2e::lint` does (same `discover`, same bounded
//! `k2e::input` reader under the same 64 KiB `BufReader`, same `Stream` splitter, documents handed
//! to the same rayon pool as they are read), but stops at the parser's event stream: no span
//! tree, no detection, no schema validation. Whatever k2e spends above this is the cost of its
//! own work, not of I/O or YAML.
//!
//! On YAML that granit rejects the floor is lower than k2e's parse alone: `scan_yaml` stops at
//! the error, where k2e may pad an under-indented quoted line and parse the document again
//! (see `parse::yaml::parse`).
//!
//! Usage: `parse_only [--max-file-size SIZE] PATH...` (SIZE in bytes, K/M/G suffixes allowed,
//! as for k2e). Prints `parse_only: N files, M documents, E events, X errors` and exits 0:
//! parse errors are expected on the corpus and are counted, not fatal.

use k2e::discover::{Input, discover};
use k2e::input;
use k2e::parse::{self, Stream};
use rayon::prelude::*;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::ExitCode;

/// k2e's default `--max-file-size`, so both refuse the same files unless told otherwise.
const DEFAULT_MAX_FILE_SIZE: u64 = 64 << 20;

#[derive(Clone, Copy, Default)]
struct Counts {
    files: usize,
    /// Chunks handed to the parser (one per YAML document, one per JSON file). k2e's own
    /// count leaves out empty documents, so the two can differ slightly.
    documents: usize,
    events: usize,
    /// Syntax errors plus files that could not be walked, read or decoded.
    errors: usize,
}

impl std::ops::Add for Counts {
    type Output = Counts;
    fn add(self, o: Counts) -> Counts {
        Counts {
            files: self.files + o.files,
            documents: self.documents + o.documents,
            events: self.events + o.events,
            errors: self.errors + o.errors,
        }
    }
}

impl Counts {
    fn scanned(result: Result<usize, String>) -> Counts {
        match result {
            Ok(events) => Counts {
                documents: 1,
                events,
                ..Counts::default()
            },
            Err(_) => Counts {
                documents: 1,
                errors: 1,
                ..Counts::default()
            },
        }
    }

    fn error() -> Counts {
        Counts {
            errors: 1,
            ..Counts::default()
        }
    }
}

fn main() -> ExitCode {
    let (max_file_size, paths) = match parse_args(std::env::args().skip(1)) {
        Ok(x) => x,
        Err(message) => {
            eprintln!("parse_only: {message}\nusage: parse_only [--max-file-size SIZE] PATH...");
            return ExitCode::from(2);
        }
    };
    let (inputs, problems) = discover(&paths, false);
    let total = inputs
        .par_iter()
        .map(|input| scan_input(input, max_file_size))
        .reduce(Counts::default, |a, b| a + b);
    let total = total
        + Counts {
            errors: problems.len(),
            ..Counts::default()
        };
    println!(
        "parse_only: {} files, {} documents, {} events, {} errors",
        total.files, total.documents, total.events, total.errors
    );
    ExitCode::SUCCESS
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<(u64, Vec<PathBuf>), String> {
    let mut max_file_size = DEFAULT_MAX_FILE_SIZE;
    let mut paths = Vec::new();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        if let Some(value) = arg.strip_prefix("--max-file-size=") {
            max_file_size = k2e::input::parse_size(value)?;
        } else if arg == "--max-file-size" {
            let value = args.next().ok_or("--max-file-size needs a value")?;
            max_file_size = k2e::input::parse_size(&value)?;
        } else if arg.starts_with("--") {
            return Err(format!("unknown option {arg}"));
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    if paths.is_empty() {
        return Err("no PATH given".to_owned());
    }
    Ok((max_file_size, paths))
}

fn scan_input(input: &Input, max_file_size: u64) -> Counts {
    let bounds = input::Options {
        limit: max_file_size,
        allow_special_files: false,
    };
    let opened = match input {
        Input::Stdin => Ok(input::stdin(&bounds)),
        Input::File(path) => input::open(path, &bounds),
    };
    // k2e refuses oversized files from their metadata before reading a byte.
    let Ok(reader) = opened else {
        return Counts {
            files: 1,
            ..Counts::error()
        };
    };
    let counts = match input {
        Input::Stdin => scan_stdin(reader),
        Input::File(path) => {
            let is_json = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("json"));
            if is_json {
                scan_json_file(reader)
            } else {
                let limit = reader.limit();
                let reader = BufReader::with_capacity(1 << 16, reader);
                scan_stream(Stream::new(reader, limit, usize::MAX))
            }
        }
    };
    Counts { files: 1, ..counts }
}

/// k2e's stdin path, roughly: buffered whole (bounded), JSON if it looks like JSON and parses,
/// else a YAML stream (k2e's own reader, `parse::read`, also strips a byte-order mark and checks
/// the encoding first; a floor for timing does not need to).
fn scan_stdin(reader: input::Reader) -> Counts {
    let limit = reader.limit();
    let Ok(bytes) = reader.read_all() else {
        return Counts::error();
    };
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if matches!(first, Some(b'{' | b'[')) {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            if let Ok(events) = parse::scan_json(text) {
                return Counts::scanned(Ok(events));
            }
        }
    }
    scan_stream(Stream::new(&bytes[..], limit, usize::MAX))
}

fn scan_json_file(reader: input::Reader) -> Counts {
    let Ok(bytes) = reader.read_all() else {
        return Counts::error();
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    // k2e rejects NUL bytes before parsing; the scan costs the same here.
    if bytes.contains(&0) {
        return Counts::error();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Counts::scanned(parse::scan_json(text)),
        Err(_) => Counts::error(),
    }
}

/// Same scheduling as `k2e::lint::lint_pieces`: documents go to the pool as they are read.
fn scan_stream<R: BufRead + Send>(stream: Stream<R>) -> Counts {
    stream
        .par_bridge()
        .map(|chunk| match chunk {
            Ok(chunk) => Counts::scanned(parse::scan_yaml(&chunk)),
            Err(_) => Counts::error(),
        })
        .reduce(Counts::default, |a, b| a + b)
}
