//! The loss report for people (stderr) and as JSON (--report FILE, docs/convert.md).

use super::loss::{Counts, Fate};
use super::options::{Options, To};
use super::outcome::Conversion;
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
        summary: Summary {
            objects: run.objects.len(),
            outputs: run.outputs.len(),
            counts: run.counts(),
            errors: run.errors.len() + run.objects.iter().filter(|o| o.error.is_some()).count(),
            exit_code,
        },
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// One block per object: approximated and dropped fields (mapped ones are only counted), then
/// what k2e added; input errors; a summary line.
pub fn human(run: &Conversion, verbose_mapped: bool) -> String {
    let mut out = String::new();
    for e in &run.errors {
        let at = match (e.document, e.line) {
            (_, Some(line)) => format!("{}:{line}", e.file),
            (Some(d), None) => format!("{} (document {d})", e.file),
            _ => e.file.clone(),
        };
        out.push_str(&format!("error: {at}: {}\n", e.message));
    }
    for o in &run.objects {
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
        for n in &o.fields {
            let mark = match n.fate {
                Fate::Mapped if !verbose_mapped => continue,
                Fate::Mapped => "=",
                Fate::Approximated => "~",
                Fate::Dropped => "-",
            };
            let to = n.to.as_deref().map(|t| format!(" -> {t}")).unwrap_or_default();
            out.push_str(&format!(
                "  {mark} {}:{}:{} {}{to}\n",
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
        for a in &o.added {
            out.push_str(&format!("  + {}\n      {}\n", a.to, a.reason));
        }
    }
    for s in &run.skipped {
        out.push_str(&format!(
            "skipped: {} (document {}): {}\n",
            s.file, s.document, s.reason
        ));
    }
    let c = run.counts();
    out.push_str(&format!(
        "k2e convert: {} object(s), {} output file(s); fields: {} mapped, {} approximated, {} dropped; {} error(s)\n",
        run.objects.len(),
        run.outputs.len(),
        c.mapped,
        c.approximated,
        c.dropped,
        run.errors.len() + run.objects.iter().filter(|o| o.error.is_some()).count()
    ));
    out
}

fn shown_path(path: &str) -> &str {
    if path.is_empty() { "(whole object)" } else { path }
}
