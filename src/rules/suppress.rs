//! Suppressions: `# k2e-ignore ID[,ID] reason [until=YYYY-MM-DD]` on the line or the line above,
//! and the annotation `k2e.dev/ignore: "ID[,ID]: reason"` on an object or its pod template.
//! A reason is required; a suppression that is invalid, expired, unused or in a place k2e does
//! not read is itself a finding, so suppressions cannot silently rot.

use crate::detect::{Detected, detect};
use crate::finding::ids;
use crate::finding::{Finding, LineIndex};
use crate::parse::{Document, Node, NodeKind, Span};

pub const ANNOTATION: &str = "k2e.dev/ignore";
const COMMENT: &str = "k2e-ignore";

enum Scope {
    /// Findings starting on this line.
    Line(usize),
    /// Findings whose pointer is this one or below it.
    Pointer(String),
}

struct Suppression {
    ids: Vec<String>,
    reason: String,
    span: Span,
    scope: Scope,
    used: bool,
}

/// Splits a document's findings into those still reported (plus findings about the
/// suppressions themselves) and those suppressed, which carry their reason.
pub fn apply(file: &str, doc: &Document, findings: Vec<Finding>, today: &str) -> (Vec<Finding>, Vec<Finding>) {
    let mut problems = Vec::new();
    let mut active = Vec::new();
    let has_comments = doc.comments.iter().any(|c| c.text.contains(COMMENT));
    let has_annotations = doc.text.contains(ANNOTATION);
    if !has_comments && !has_annotations {
        return (findings, Vec::new());
    }
    let lines = LineIndex::of(doc);
    for comment in &doc.comments {
        let Some(rest) = comment.text.trim_start().strip_prefix(COMMENT) else {
            continue;
        };
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let line = lines.position(comment.span.start).line;
        let before = doc.raw(crate::parse::Span::new(
            line_start(doc, comment.span.start),
            comment.span.start,
        ));
        let own_line = before.is_none_or(|b| b.trim().is_empty());
        let scope = Scope::Line(if own_line { line + 1 } else { line });
        let (ids_text, rest) = split_first_word(rest.trim());
        let mut reason_words = Vec::new();
        let mut until = None;
        for word in rest.split_whitespace() {
            match word.strip_prefix("until=") {
                Some(date) => until = Some(date.to_owned()),
                None => reason_words.push(word),
            }
        }
        let reason = reason_words.join(" ");
        add(
            file,
            doc,
            ids_text,
            &reason,
            until.as_deref(),
            comment.span,
            scope,
            today,
            &mut active,
            &mut problems,
        );
    }
    if has_annotations {
        annotations(file, doc, today, &mut active, &mut problems);
    }
    let mut kept = Vec::new();
    let mut suppressed = Vec::new();
    for mut f in findings {
        let hit = active.iter_mut().find(|s| matches(s, &f));
        match hit {
            Some(s) => {
                s.used = true;
                f.suppressed = Some(s.reason.clone());
                suppressed.push(f);
            }
            None => kept.push(f),
        }
    }
    for s in active.iter().filter(|s| !s.used) {
        problems.push(
            Finding::at(
                ids::UNUSED_SUPPRESSION,
                super::severity(ids::UNUSED_SUPPRESSION),
                file,
                doc,
                s.span,
                format!("suppression of {} matches no finding", s.ids.join(", ")),
            )
            .with_label("suppresses nothing")
            .with_help("remove it: the problem it was for is gone, or it is on the wrong line"),
        );
    }
    kept.extend(problems);
    (kept, suppressed)
}

fn matches(s: &Suppression, f: &Finding) -> bool {
    if f.rule.starts_with("K2E01") || !s.ids.iter().any(|id| f.rule.starts_with(id.as_str())) {
        return false;
    }
    match &s.scope {
        Scope::Line(line) => f.start.line == *line,
        Scope::Pointer(prefix) => {
            let p = f.pointer.as_deref().unwrap_or("");
            prefix.is_empty() || p == prefix || p.starts_with(&format!("{prefix}/"))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn add(
    file: &str,
    doc: &Document,
    ids_text: &str,
    reason: &str,
    until: Option<&str>,
    span: Span,
    scope: Scope,
    today: &str,
    active: &mut Vec<Suppression>,
    problems: &mut Vec<Finding>,
) {
    let invalid = |message: String, help: &str| {
        Finding::at(
            ids::INVALID_SUPPRESSION,
            super::severity(ids::INVALID_SUPPRESSION),
            file,
            doc,
            span,
            message,
        )
        .with_label("not applied")
        .with_help(help.to_owned())
    };
    let rule_ids: Vec<String> = ids_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if rule_ids.is_empty() {
        problems.push(invalid(
            "suppression names no rule".into(),
            "write `k2e-ignore FG001 reason`",
        ));
        return;
    }
    if let Some(unknown) = rule_ids
        .iter()
        .find(|id| !super::all().iter().any(|r| r.id.starts_with(id.as_str())))
    {
        problems.push(invalid(
            format!("suppression names an unknown rule {unknown}"),
            "`k2e rules` lists the rule ids",
        ));
        return;
    }
    if reason.trim().is_empty() {
        problems.push(invalid(
            format!("suppression of {} has no reason", rule_ids.join(", ")),
            "say why the finding does not apply, e.g. `k2e-ignore FG003 runs on EC2 only`",
        ));
        return;
    }
    if let Some(until) = until {
        if !is_date(until) {
            problems.push(invalid(
                format!("until={until} is not a date"),
                "write until=YYYY-MM-DD",
            ));
            return;
        }
        if until < today {
            problems.push(
                Finding::at(
                    ids::EXPIRED_SUPPRESSION,
                    super::severity(ids::EXPIRED_SUPPRESSION),
                    file,
                    doc,
                    span,
                    format!("suppression of {} expired on {until}", rule_ids.join(", ")),
                )
                .with_label("expired")
                .with_help("fix the finding, or extend the date if the reason still holds"),
            );
            return;
        }
    }
    active.push(Suppression {
        ids: rule_ids,
        reason: reason.trim().to_owned(),
        span,
        scope,
        used: false,
    });
}

/// Annotations on each object and on its pod template; the key anywhere else is misplaced.
fn annotations(file: &str, doc: &Document, today: &str, active: &mut Vec<Suppression>, problems: &mut Vec<Finding>) {
    let Some(root) = &doc.root else { return };
    let mut read = Vec::new();
    if let Detected::Kubernetes(objects) = detect(root) {
        for obj in &objects {
            let templates = ["", "/spec/template", "/spec/jobTemplate/spec/template"];
            for template in templates {
                let base = if template.is_empty() {
                    obj.node
                } else {
                    match obj.node.pointer(template) {
                        Some((n, _)) => n,
                        None => continue,
                    }
                };
                let Some(entry) = base
                    .get("metadata")
                    .and_then(|m| m.get("annotations"))
                    .and_then(|a| a.entry(ANNOTATION))
                else {
                    continue;
                };
                read.push(entry.key_span);
                let scope = Scope::Pointer(format!("{}{template}", obj.pointer));
                let text = entry.value.as_str().unwrap_or_default();
                let (ids_text, reason) = text.split_once(':').unwrap_or((text, ""));
                add(
                    file,
                    doc,
                    ids_text,
                    reason,
                    None,
                    entry.key_span,
                    scope,
                    today,
                    active,
                    problems,
                );
            }
        }
    }
    let mut misplaced = Vec::new();
    find_keys(root, &mut misplaced);
    for span in misplaced.into_iter().filter(|s| !read.contains(s)) {
        problems.push(
            Finding::at(
                ids::MISPLACED_SUPPRESSION,
                super::severity(ids::MISPLACED_SUPPRESSION),
                file,
                doc,
                span,
                format!("{ANNOTATION} here is not read by k2e"),
            )
            .with_label("not read here")
            .with_help("put it in metadata.annotations of the object or of its pod template"),
        );
    }
}

fn find_keys(node: &Node, out: &mut Vec<Span>) {
    match &node.kind {
        NodeKind::Map(entries) => {
            for e in entries {
                if e.key == ANNOTATION {
                    out.push(e.key_span);
                }
                find_keys(&e.value, out);
            }
        }
        NodeKind::Seq(items) => items.iter().for_each(|n| find_keys(n, out)),
        NodeKind::Scalar { .. } => {}
    }
}

fn split_first_word(text: &str) -> (&str, &str) {
    match text.find(char::is_whitespace) {
        Some(i) => (&text[..i], &text[i..]),
        None => (text, ""),
    }
}

fn line_start(doc: &Document, at: usize) -> usize {
    let local = at.saturating_sub(doc.offset).min(doc.text.len());
    doc.offset + doc.text[..local].rfind('\n').map_or(0, |i| i + 1)
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Today's date (UTC), or `K2E_TODAY` when set (tests pin it).
pub fn today() -> String {
    if let Ok(day) = std::env::var("K2E_TODAY") {
        return day;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date((secs / 86_400) as i64)
}

/// Days since 1970-01-01 -> YYYY-MM-DD (Howard Hinnant's civil_from_days).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_413), "2025-11-21");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert!(is_date("2026-12-31"));
        assert!(!is_date("2026-1-31"));
    }
}
