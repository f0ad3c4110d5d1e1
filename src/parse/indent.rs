//! go-yaml (and so kubectl) accepts a quoted scalar whose continuation lines are not indented
//! past its mapping key, as controller-gen writes CRD descriptions:
//!
//! ```yaml
//!       description: 'Container name: required for volumes,
//!       optional for env vars'
//! ```
//!
//! YAML 1.2 and granit-parser refuse it. Leading blanks of continuation lines are folded away,
//! so indenting those lines changes no value: k2e pads them in one lexical pass, parses the
//! padded text and maps every position back to the original (see `yaml::Builder::map`).

/// Spaces inserted: (position in the original text, count), in increasing position.
pub type Inserts = Vec<(usize, usize)>;

#[derive(Clone, Copy)]
enum State {
    Outside,
    Single {
        indent: usize,
    },
    Double {
        indent: usize,
    },
    /// Inside a `|` / `>` block scalar whose parent line is indented `indent`.
    Block {
        indent: usize,
    },
}

/// Pads under-indented continuation lines of single- and double-quoted scalars.
pub fn pad_quoted_continuations(src: &str) -> (String, Inserts) {
    let mut out = String::with_capacity(src.len() + 64);
    let mut inserts = Vec::new();
    let mut state = State::Outside;
    let mut start = 0;
    while start < src.len() {
        let end = src[start..].find('\n').map_or(src.len(), |i| start + i + 1);
        let line = &src[start..end];
        let indent = line.len() - line.trim_start_matches(' ').len();
        let blank = line.trim().is_empty();
        match state {
            State::Block { indent: parent } if blank || indent > parent => {
                out.push_str(line);
                start = end;
                continue;
            }
            State::Block { .. } => state = State::Outside,
            State::Single { indent: open } | State::Double { indent: open } if !blank && indent <= open => {
                let count = open + 1 - indent;
                inserts.push((start, count));
                out.extend(std::iter::repeat_n(' ', count));
            }
            _ => {}
        }
        out.push_str(line);
        state = scan_line(line, indent, state);
        start = end;
    }
    (out, inserts)
}

/// Follows quotes, comments and block-scalar headers through one line.
fn scan_line(line: &str, indent: usize, mut state: State) -> State {
    let bytes = line.as_bytes();
    let mut i = 0;
    // Whether the next non-blank character starts a value (where a quote opens a scalar).
    let mut value_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        match state {
            State::Single { .. } => {
                if b == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 1;
                    } else {
                        state = State::Outside;
                        value_start = false;
                    }
                }
            }
            State::Double { .. } => match b {
                b'\\' => i += 1,
                b'"' => {
                    state = State::Outside;
                    value_start = false;
                }
                _ => {}
            },
            State::Block { .. } => return state,
            State::Outside => match b {
                b' ' | b'\t' | b'\r' | b'\n' => {}
                b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t') => return State::Outside,
                b'\'' if value_start => state = State::Single { indent },
                b'"' if value_start => state = State::Double { indent },
                b'|' | b'>' if value_start => return State::Block { indent },
                b'[' | b'{' | b',' => value_start = true,
                b':' | b'-' | b'?' if matches!(bytes.get(i + 1), None | Some(b' ' | b'\t' | b'\r' | b'\n')) => {
                    value_start = true;
                }
                _ => value_start = false,
            },
        }
        i += 1;
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_only_underindented_quoted_continuations() {
        let src = "a:\n  d: 'one,\n  two'\n  e: \"x\n  y\"\n  f: plain\n";
        let (out, inserts) = pad_quoted_continuations(src);
        assert_eq!(out, "a:\n  d: 'one,\n   two'\n  e: \"x\n   y\"\n  f: plain\n");
        assert_eq!(inserts, vec![(14, 1), (29, 1)]);
    }

    #[test]
    fn ignores_quotes_in_plain_scalars_comments_and_block_scalars() {
        let src = "a: don't 'x\nb: 1 # it's\nc: |\n  'not a scalar\nd: ok\n";
        let (out, inserts) = pad_quoted_continuations(src);
        assert_eq!(out, src);
        assert!(inserts.is_empty());
    }

    #[test]
    fn escaped_quotes_do_not_end_the_scalar() {
        let src = "a: 'it''s\nb'\nc: \"q\\\"\nd\"\n";
        let (_, inserts) = pad_quoted_continuations(src);
        assert_eq!(inserts, vec![(10, 1), (21, 1)]);
    }
}
