//! The HCL parser descends recursively, so `[[[[...` or `"${"${"${...` deep enough would
//! overflow the stack: measure the nesting first with a small scanner that knows where code,
//! quoted strings, heredocs and comments begin and end, and refuse past `--max-depth` with k2e's
//! own message. (hcl-edit 0.10 also stops at 64 levels with its own syntax error, so the
//! effective limit for HCL is the lower of the two.) The same scan finds the comments, which hcl-edit keeps
//! only as decor (suppressions are comments).

#[derive(Clone, Debug, PartialEq)]
enum Mode {
    Code,
    Quote,
    /// A heredoc body, closed by a line holding only this delimiter.
    Heredoc(String),
}

/// The offset of the first opening that passes `max` levels, if any.
pub fn too_deep_at(text: &str, max: usize) -> Option<usize> {
    scan(text, Some(max), &mut Vec::new())
}

/// The byte ranges of the comments (`# ...`, `// ...`, `/* ... */`), markers included.
pub fn comments(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    scan(text, None, &mut found);
    found
}

/// Scans until the nesting passes `max` (returning where), recording comments on the way.
fn scan(text: &str, max: Option<usize>, comments: &mut Vec<(usize, usize)>) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut stack = vec![Mode::Code];
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let top = stack.last().cloned().unwrap_or(Mode::Code);
        let step = match top {
            Mode::Code => code(text, i, &mut stack, comments),
            Mode::Quote => quoted(rest, &mut stack),
            Mode::Heredoc(delim) => heredoc(text, i, &delim, &mut stack),
        };
        // The root level is not a nesting.
        if max.is_some_and(|max| stack.len() > max + 1) {
            return Some(i);
        }
        i += step.max(1);
    }
    None
}

/// One step in code; returns how many bytes it read.
fn code(text: &str, i: usize, stack: &mut Vec<Mode>, comments: &mut Vec<(usize, usize)>) -> usize {
    let rest = &text.as_bytes()[i..];
    let comment = match rest[0] {
        b'#' => Some(line_length(rest)),
        b'/' if rest.get(1) == Some(&b'/') => Some(line_length(rest)),
        b'/' if rest.get(1) == Some(&b'*') => Some(find(rest, b"*/").map_or(rest.len(), |at| at + 2)),
        _ => None,
    };
    if let Some(length) = comment {
        comments.push((i, i + length));
        return length;
    }
    match rest[0] {
        b'"' => {
            stack.push(Mode::Quote);
            1
        }
        b'{' | b'[' | b'(' => {
            stack.push(Mode::Code);
            1
        }
        b'}' | b']' | b')' => {
            if stack.len() > 1 {
                stack.pop();
            }
            1
        }
        b'<' if rest.starts_with(b"<<") => match heredoc_start(&text[i + 2..]) {
            Some((delim, read)) => {
                stack.push(Mode::Heredoc(delim));
                2 + read
            }
            None => 2,
        },
        _ => 1,
    }
}

fn quoted(rest: &[u8], stack: &mut Vec<Mode>) -> usize {
    match rest[0] {
        b'\\' => 2,
        b'"' | b'\n' => {
            stack.pop();
            1
        }
        b'$' | b'%' => template_step(rest, stack),
        _ => 1,
    }
}

fn heredoc(text: &str, i: usize, delim: &str, stack: &mut Vec<Mode>) -> usize {
    let rest = &text.as_bytes()[i..];
    let at_line_start = i == 0 || text.as_bytes()[i - 1] == b'\n';
    if at_line_start {
        let line = &text[i..i + line_length(rest)];
        if line.trim() == delim {
            stack.pop();
            return line.len();
        }
    }
    match rest[0] {
        b'$' | b'%' => template_step(rest, stack),
        _ => 1,
    }
}

/// `${` and `%{` open code inside a template; `$${` and `%%{` are escapes.
fn template_step(rest: &[u8], stack: &mut Vec<Mode>) -> usize {
    if rest.len() >= 3 && rest[1] == rest[0] && rest[2] == b'{' {
        return 3;
    }
    if rest.get(1) == Some(&b'{') {
        stack.push(Mode::Code);
        return 2;
    }
    1
}

/// After `<<`: an optional `-`, the delimiter, the end of the line. Returns the delimiter and
/// the bytes read up to and including the newline.
fn heredoc_start(after: &str) -> Option<(String, usize)> {
    let dash = usize::from(after.starts_with('-'));
    let name: String = after[dash..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    if name.is_empty() {
        return None;
    }
    let newline = after.find('\n')?;
    after[dash + name.len()..newline]
        .trim()
        .is_empty()
        .then_some((name, newline + 1))
}

fn line_length(rest: &[u8]) -> usize {
    rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_brackets_in_code_and_in_interpolations() {
        assert_eq!(too_deep_at("a = [[[1]]]", 3), None);
        assert_eq!(too_deep_at("a = [[[[1]]]]", 3), Some(7));
        let nested = format!("a = {}x{}", "\"${".repeat(5), "}\"".repeat(5));
        assert!(too_deep_at(&nested, 8).is_some());
        assert_eq!(too_deep_at(&nested, 10), None);
    }

    #[test]
    fn ignores_brackets_in_strings_comments_and_heredocs() {
        assert_eq!(too_deep_at("a = \"[[[[\" # [[[[\n// ((((\n/* {{{{ */ b = 1", 1), None);
        let heredoc = "a = <<-EOT\n  :( :( :( [[[[\n  EOT\nb = [1]\n";
        assert_eq!(too_deep_at(heredoc, 1), None);
        let interpolated = "a = <<EOT\n${[[[[1]]]]}\nEOT\n";
        assert!(too_deep_at(interpolated, 3).is_some());
        assert_eq!(too_deep_at("a = \"$${[[[[\"", 1), None);
    }

    #[test]
    fn finds_comments_outside_strings_and_heredocs() {
        let text = "a = \"# no\" # one\n// two\nb = <<EOT\n# no\nEOT\n/* three */ c = 1";
        let found: Vec<&str> = comments(text).into_iter().map(|(s, e)| &text[s..e]).collect();
        assert_eq!(found, ["# one", "// two", "/* three */"]);
    }
}
