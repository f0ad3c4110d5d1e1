//! The loss report for people (stderr) and as JSON (--report FILE, docs/convert.md).

use super::checklist::Item;
use super::loss::{Counts, Fate, Note};
use super::options::{Options, To};
use super::outcome::{Conversion, ObjectReport};
use serde::Serialize;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    objects: usize,
    outputs: usize,
    #[serde(flatten)]
    counts: Counts,
    /// Security-relevant notes (`Note.security`), also counted in mapped/approximated/dropped.
    security: usize,
    /// Outputs k2e lint found errors in (not written, or written with --force).
    refused: usize,
    errors: usize,
    exit_code: i32,
}

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    direction: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    launch_type: Option<&'static str>,
    objects: &'a [super::outcome::ObjectReport],
    skipped: &'a [super::catalog::Skipped],
    errors: &'a [super::input::InputError],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    refused: &'a [super::outcome::Refusal],
    /// Outputs that could not be written, with why.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    failures: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    checklist: &'a [super::checklist::Item],
    summary: Summary,
}

pub fn json(run: &Conversion, opts: &Options, exit_code: i32) -> String {
    let report = Report {
        version: 1,
        tool: Tool {
            name: "k2e",
            version: env!("CARGO_PKG_VERSION"),
        },
        direction: match opts.to {
            To::Ecs => "k8s-to-ecs",
            To::K8s => "ecs-to-k8s",
        },
        launch_type: (opts.to == To::Ecs).then(|| opts.launch_type.api_name()),
        objects: &run.objects,
        skipped: &run.skipped,
        errors: &run.errors,
        refused: &run.refused,
        failures: &run.failures,
        checklist: &run.checklist,
        summary: Summary {
            objects: run.objects.len(),
            outputs: run.outputs.len(),
            counts: run.counts(),
            security: security_count(run),
            refused: run.refused.len(),
            errors: run.error_count(),
            exit_code,
        },
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// The whole human report, the summary line last.
pub fn human(run: &Conversion, verbose_mapped: bool) -> String {
    let (body, summary) = human_parts(run, verbose_mapped);
    body + &summary
}

/// The human report in two parts, for the caller to print write errors between them: first
/// the security-relevant notes of every object (marked `!`), then one block per object
/// (approximated and dropped fields; mapped ones are only counted), what k2e added, input
/// errors, refused outputs and the checklist; second the summary line.
pub fn human_parts(run: &Conversion, verbose_mapped: bool) -> (String, String) {
    let mut out = String::new();
    for e in &run.errors {
        let at = match (e.document, e.line) {
            (_, Some(line)) => format!("{}:{line}", e.file),
            (Some(d), None) => format!("{} (document {d})", e.file),
            _ => e.file.clone(),
        };
        out.push_str(&format!("error: {at}: {}\n", e.message));
    }
    security(run, &mut out);
    for o in &run.objects {
        object(o, verbose_mapped, &mut out);
    }
    for s in &run.skipped {
        out.push_str(&format!(
            "skipped: {} (document {}): {}\n",
            s.file, s.document, s.reason
        ));
    }
    for r in &run.refused {
        let verb = if r.forced {
            "written with --force despite"
        } else {
            "refused:"
        };
        out.push_str(&format!("{verb} {} ({}): k2e lint errors\n", r.file, r.object));
        for f in &r.findings {
            out.push_str(&format!("  {f}\n"));
        }
    }
    checklist(run, &mut out);
    let c = run.counts();
    let summary = format!(
        "k2e convert: {} object(s), {} output file(s); fields: {} mapped, {} approximated, {} dropped; {} security-relevant; {} error(s)\n",
        run.objects.len(),
        run.outputs.len(),
        c.mapped,
        c.approximated,
        c.dropped,
        security_count(run),
        run.error_count()
    );
    (out, summary)
}

fn security_count(run: &Conversion) -> usize {
    run.objects
        .iter()
        .flat_map(|o| &o.fields)
        .filter(|n| n.security)
        .count()
}

/// The security-relevant notes first, whatever object they are in.
fn security(run: &Conversion, out: &mut String) {
    if security_count(run) == 0 {
        return;
    }
    out.push_str("security-relevant (read these first):\n");
    for o in &run.objects {
        for n in o.fields.iter().filter(|n| n.security) {
            out.push_str(&format!("  ! {}: ", o.object));
            note(o, n, out);
        }
    }
}

fn object(o: &ObjectReport, verbose_mapped: bool, out: &mut String) {
    let outputs = if o.outputs.is_empty() {
        String::new()
    } else {
        format!(" -> {}", o.outputs.join(", "))
    };
    out.push_str(&format!(
        "{}: {}{outputs}: {} mapped, {} approximated, {} dropped\n",
        o.file, o.object, o.counts.mapped, o.counts.approximated, o.counts.dropped
    ));
    if let Some(e) = &o.error {
        out.push_str(&format!("  error: {e}\n"));
    }
    for n in o.fields.iter().filter(|n| !n.security) {
        let mark = match n.fate {
            Fate::Mapped if !verbose_mapped => continue,
            Fate::Mapped => "=",
            Fate::Approximated => "~",
            Fate::Dropped => "-",
        };
        out.push_str(&format!("  {mark} "));
        note(o, n, out);
    }
    for a in &o.added {
        out.push_str(&format!("  + {}\n      {}\n", a.to, a.reason));
    }
}

fn note(o: &ObjectReport, n: &Note, out: &mut String) {
    let to = n.to.as_deref().map(|t| format!(" -> {t}")).unwrap_or_default();
    out.push_str(&format!(
        "{}:{}:{} {}{to}\n",
        n.file.as_deref().unwrap_or(&o.file),
        n.line,
        n.column,
        shown_path(&n.path)
    ));
    if let Some(r) = &n.reason {
        out.push_str(&format!("      {r}\n"));
    }
    if let Some(f) = &n.fix {
        out.push_str(&format!("      fix: {f}\n"));
    }
}

fn checklist(run: &Conversion, out: &mut String) {
    if run.checklist.is_empty() {
        return;
    }
    // Not "also in CHECKLIST.md": on standard output the file is not written.
    out.push_str("before applying:\n");
    for i in &run.checklist {
        out.push_str(&format!("  [ ] {} {}: {}\n", i.what, i.value, i.action));
        if !i.used_by.is_empty() {
            out.push_str(&format!("      used by {}\n", i.used_by.join(", ")));
        }
    }
}

/// CHECKLIST.md: one task list item per thing to create or decide, with where it is used.
pub fn checklist_markdown(items: &[Item]) -> String {
    let mut out = String::from(
        "# Before applying\n\nWritten by k2e convert: what must exist, or be decided, before these outputs are applied.\n\n",
    );
    for i in items {
        out.push_str(&format!("- [ ] **{}** `{}`: {}\n", i.what, i.value, i.action));
        for u in &i.used_by {
            out.push_str(&format!("  - used by `{u}`\n"));
        }
    }
    out
}

fn shown_path(path: &str) -> &str {
    if path.is_empty() { "(whole object)" } else { path }
}
