//! `k2e convert`: Kubernetes workloads <-> ECS task definitions, with a loss report that
//! accounts for every field of every input object (docs/convert.md).
//!
//! input (files -> documents) -> catalog (what each document is) -> k8s_to_ecs or ecs_to_k8s
//! (outputs + a ledger per object) -> write (files or stdout) and loss_render (stderr, JSON).

mod args;
pub mod audit;
pub mod catalog;
pub mod cursor;
mod ecs_to_k8s;
pub mod emit_json;
pub mod emit_yaml;
pub mod input;
mod k8s_to_ecs;
pub mod loss;
pub mod loss_render;
pub mod names;
pub mod outcome;
pub mod patterns;
pub mod platform;
pub mod references;
pub mod value;
mod write;

pub use args::{ConvertArgs, EfsMapping, Kind, LaunchType, Options, ProbeTool, To};
pub use k8s_to_ecs::WORKLOADS;
pub use write::{temp_file_beside, to_dir, write_atomically};

use catalog::Catalog;
use input::Source;
use outcome::Conversion;
use std::io::Write;

/// Converts parsed inputs; nothing is written.
pub fn convert(sources: &[Source], opts: &Options) -> Conversion {
    let catalog = Catalog::new(sources);
    let mut run = Conversion {
        skipped: catalog.skipped.clone(),
        ..Conversion::default()
    };
    match opts.to {
        To::Ecs => k8s_to_ecs::convert(&catalog, opts, &mut run),
        To::K8s => ecs_to_k8s::convert(&catalog, opts, &mut run),
    }
    run
}

/// Converts in-memory texts (file name, text): what tests and tools built on k2e use.
pub fn convert_texts(texts: &[(&str, &str)], opts: &Options) -> Conversion {
    let mut errors = Vec::new();
    let sources: Vec<Source> = texts
        .iter()
        .map(|(name, text)| {
            let (source, errs) = input::parse_bytes(name, text.as_bytes(), name.ends_with(".json"));
            errors.extend(errs);
            source
        })
        .collect();
    let mut run = convert(&sources, opts);
    errors.append(&mut run.errors);
    run.errors = errors;
    run
}

/// Runs `k2e convert`; returns the exit code.
pub fn run(args: ConvertArgs) -> i32 {
    let opts = match Options::from_args(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("k2e convert: {e}");
            return 2;
        }
    };
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout && args.force {
        eprintln!("k2e convert: --force applies to -o DIR; standard output is never a file to overwrite");
        return 2;
    }
    let (sources, errors) = input::read(&args.inputs, &args.bounds());
    let mut run = convert(&sources, &opts);
    let mut all_errors = errors;
    all_errors.append(&mut run.errors);
    run.errors = all_errors;

    let mut failed_writes = Vec::new();
    let mut written = Vec::new();
    let mut stdout = std::io::stdout().lock();
    if args.dry_run {
        let lines = if to_stdout {
            vec![format!(
                "would print {} document(s) to standard output",
                run.outputs.len()
            )]
        } else {
            write::to_dir(&run.outputs, &args.output, args.force, true).lines
        };
        for line in lines {
            let _ = writeln!(stdout, "{line}");
        }
    } else if to_stdout {
        if let Err(e) = write::to_stdout(&run.outputs, &mut stdout) {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                failed_writes.push(format!("cannot write to standard output: {e}"));
            }
        }
    } else {
        let d = write::to_dir(&run.outputs, &args.output, args.force, false);
        written = d.lines;
        failed_writes = d.errors;
    }

    if run.outputs.is_empty() && run.errors.is_empty() && run.objects.iter().all(|o| o.error.is_none()) {
        let what = match opts.to {
            To::Ecs => "no Kubernetes workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, Job, CronJob)",
            To::K8s => "no ECS task definition",
        };
        failed_writes.push(format!("nothing to convert: {what} among the inputs"));
    }
    let mut code = run.exit_code();
    if !failed_writes.is_empty() {
        code = 2;
    }
    let mut report_failed = None;
    if let Some(path) = &args.report {
        let text = loss_render::json(&run, &opts, code);
        if args.dry_run {
            written.push(format!("would write the report to {}", path.display()));
        } else if let Err(e) = write::report_file(path, &text) {
            report_failed = Some(format!("cannot write the report {}: {e}", path.display()));
            code = 2;
        }
    }
    let mut stderr = std::io::stderr().lock();
    let text = loss_render::human(&run, false);
    let text = if args.quiet {
        // The errors and the summary line only.
        text.lines()
            .filter(|l| l.starts_with("error:") || l.starts_with("k2e convert:"))
            .map(|l| format!("{l}\n"))
            .collect()
    } else {
        text
    };
    let _ = stderr.write_all(text.as_bytes());
    for line in written.iter().filter(|_| !args.quiet) {
        let _ = writeln!(stderr, "{line}");
    }
    for e in failed_writes.iter().chain(&report_failed) {
        let _ = writeln!(stderr, "error: {e}");
    }
    code
}
