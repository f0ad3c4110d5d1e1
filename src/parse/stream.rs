//! Splits a YAML stream into documents while reading it, so a 300 MB stream is linted in
//! constant memory and a syntax error in one document cannot hide the others.
//!
//! YAML forbids `---` and `...` at the start of a line inside any scalar (c-forbidden), so a
//! line starting with either marker always ends the previous document.

use super::read::InputErrorKind;
use std::io::BufRead;

/// One document's text and where it starts in the file.
#[derive(Debug)]
pub struct Chunk {
    pub text: String,
    pub offset: usize,
    /// 1-based line of the chunk's first byte.
    pub line: usize,
}

pub struct Stream<R> {
    reader: R,
    offset: usize,
    line: usize,
    max_bytes: u64,
    max_documents: usize,
    documents: usize,
    pending: Option<Vec<u8>>,
    pending_offset: usize,
    pending_line: usize,
    done: bool,
    started: bool,
}

impl<R: BufRead> Stream<R> {
    pub fn new(reader: R, max_bytes: u64, max_documents: usize) -> Self {
        Stream {
            reader,
            offset: 0,
            line: 1,
            max_bytes,
            max_documents,
            documents: 0,
            pending: None,
            pending_offset: 0,
            pending_line: 1,
            done: false,
            started: false,
        }
    }

    fn finish(&mut self, bytes: Vec<u8>, offset: usize, line: usize) -> Option<Result<Chunk, InputErrorKind>> {
        self.documents += 1;
        if self.documents > self.max_documents {
            self.done = true;
            return Some(Err(InputErrorKind::TooManyDocuments {
                limit: self.max_documents,
                offset,
                line,
            }));
        }
        if let Some(pos) = bytes.iter().position(|&b| b == 0) {
            self.done = true;
            return Some(Err(encoding_error(&bytes, pos, offset, line, true)));
        }
        match String::from_utf8(bytes) {
            Ok(text) => Some(Ok(Chunk { text, offset, line })),
            Err(e) => {
                self.done = true;
                let pos = e.utf8_error().valid_up_to();
                Some(Err(encoding_error(e.as_bytes(), pos, offset, line, false)))
            }
        }
    }
}

impl<R: BufRead> Iterator for Stream<R> {
    type Item = Result<Chunk, InputErrorKind>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut chunk = self.pending.take().unwrap_or_default();
        let mut chunk_offset = self.pending_offset;
        let mut chunk_line = self.pending_line;
        let mut has_content = !chunk.is_empty();
        let mut line = Vec::with_capacity(128);
        loop {
            line.clear();
            let n = match self.reader.read_until(b'\n', &mut line) {
                Ok(n) => n,
                Err(e) => {
                    self.done = true;
                    return Some(Err(InputErrorKind::Io(e)));
                }
            };
            if n == 0 {
                self.done = true;
                if chunk.iter().all(u8::is_ascii_whitespace) {
                    return None;
                }
                return self.finish(chunk, chunk_offset, chunk_line);
            }
            let mut body: &[u8] = &line;
            if !self.started {
                self.started = true;
                if let Some(rest) = body.strip_prefix(b"\xEF\xBB\xBF") {
                    self.offset += 3;
                    chunk_offset = self.offset;
                    body = rest;
                }
            }
            if self.offset as u64 + body.len() as u64 > self.max_bytes {
                self.done = true;
                return Some(Err(InputErrorKind::TooLarge { limit: self.max_bytes }));
            }
            let line_offset = self.offset;
            let line_no = self.line;
            self.offset += body.len();
            self.line += 1;
            if is_marker(body, b"---") {
                if has_content {
                    self.pending = Some(body.to_vec());
                    self.pending_offset = line_offset;
                    self.pending_line = line_no;
                    return self.finish(chunk, chunk_offset, chunk_line);
                }
                if chunk.is_empty() {
                    chunk_offset = line_offset;
                    chunk_line = line_no;
                }
                chunk.extend_from_slice(body);
                has_content = true;
            } else if is_marker(body, b"...") {
                chunk.extend_from_slice(body);
                self.pending_offset = self.offset;
                self.pending_line = self.line;
                return self.finish(chunk, chunk_offset, chunk_line);
            } else {
                if chunk.is_empty() {
                    chunk_offset = line_offset;
                    chunk_line = line_no;
                }
                chunk.extend_from_slice(body);
                if !has_content && !is_blank_comment_or_directive(body) {
                    has_content = true;
                }
            }
        }
    }
}

fn is_marker(line: &[u8], marker: &[u8]) -> bool {
    line.starts_with(marker) && line.get(3).is_none_or(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

fn is_blank_comment_or_directive(line: &[u8]) -> bool {
    match line.iter().find(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(b'#') => true,
        Some(b'%') => line.first() == Some(&b'%'),
        Some(_) => false,
    }
}

/// Rejects what is not UTF-8 text (a NUL byte, an invalid sequence) with its position.
/// `offset` and `line` place `bytes` in its file.
pub fn check_text(bytes: &[u8], offset: usize, line: usize) -> Result<&str, InputErrorKind> {
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(encoding_error(bytes, pos, offset, line, true));
    }
    std::str::from_utf8(bytes).map_err(|e| encoding_error(bytes, e.valid_up_to(), offset, line, false))
}

/// The error for a bad byte at `pos`, with its file offset, line and column; text in a wide
/// encoding is named as such (its NUL bytes would otherwise make it "binary").
fn encoding_error(bytes: &[u8], pos: usize, offset: usize, line: usize, binary: bool) -> InputErrorKind {
    if let Some(encoding) = crate::input::wide_encoding(bytes).filter(|_| offset == 0) {
        return InputErrorKind::Wide { encoding };
    }
    let line_start = bytes[..pos].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&bytes[line_start..pos]).chars().count() + 1;
    let line = line + bytes[..pos].iter().filter(|&&b| b == b'\n').count();
    let offset = offset + pos;
    if binary {
        InputErrorKind::Binary { offset, line, column }
    } else {
        InputErrorKind::NotUtf8 { offset, line, column }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(text: &[u8]) -> Vec<(String, usize, usize)> {
        Stream::new(text, u64::MAX, usize::MAX)
            .map(|c| c.map(|c| (c.text, c.offset, c.line)).unwrap())
            .collect()
    }

    #[test]
    fn splits_at_markers_keeping_offsets() {
        let text = b"# lead\na: 1\n---\nb: 2\n--- # x\nc: 3\n...\n---\nd: 4\n";
        let got = chunks(text);
        assert_eq!(
            got,
            vec![
                ("# lead\na: 1\n".into(), 0, 1),
                ("---\nb: 2\n".into(), 12, 3),
                ("--- # x\nc: 3\n...\n".into(), 21, 5),
                ("---\nd: 4\n".into(), 38, 8),
            ]
        );
        for (chunk, off, _) in &got {
            assert_eq!(&text[*off..*off + chunk.len()], chunk.as_bytes());
        }
    }

    #[test]
    fn leading_marker_after_comments_stays_with_its_document() {
        let got = chunks(b"# c\n---\na: 1\n---\nb: 2\n");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, "# c\n---\na: 1\n");
    }

    #[test]
    fn dashes_inside_text_are_not_markers() {
        let got = chunks(b"a: |\n  ---\n  x\nb: ----\n");
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn bom_is_skipped_and_offsets_stay_true() {
        let got = chunks(b"\xEF\xBB\xBFa: 1\n");
        assert_eq!(got, vec![("a: 1\n".into(), 3, 1)]);
    }

    #[test]
    fn limits_and_encoding() {
        let mut s = Stream::new(&b"a: 1\n---\nb: 2\n---\nc: 3\n"[..], u64::MAX, 2);
        assert!(s.next().unwrap().is_ok());
        assert!(s.next().unwrap().is_ok());
        assert!(matches!(
            s.next(),
            Some(Err(InputErrorKind::TooManyDocuments { line: 4, .. }))
        ));
        assert!(s.next().is_none());

        let mut s = Stream::new(&b"a: 1\nb: \xff\n"[..], u64::MAX, 10);
        assert!(matches!(
            s.next(),
            Some(Err(InputErrorKind::NotUtf8 {
                line: 2,
                offset: 8,
                column: 4
            }))
        ));

        let mut s = Stream::new(&b"\xFF\xFEa\0:\0 \x001\0\n\0"[..], u64::MAX, 10);
        assert!(matches!(
            s.next(),
            Some(Err(InputErrorKind::Wide { encoding: "UTF-16LE" }))
        ));
        assert!(matches!(
            check_text(b"\0a\0:", 0, 1),
            Err(InputErrorKind::Wide { encoding: "UTF-16BE" })
        ));

        let mut s = Stream::new(&b"a: 1\nb: 2\n"[..], 6, 10);
        assert!(matches!(s.next(), Some(Err(InputErrorKind::TooLarge { .. }))));
    }
}
