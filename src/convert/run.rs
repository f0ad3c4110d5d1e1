//! A whole `k2e convert` run as a library call: read the inputs, convert them, and write the
//! outputs into a directory (each file whole or not at all) or hand them back for standard
//! output. Nothing is printed; the outcome says what to print and which exit code it makes.

use super::options::{Options, To};
use super::outcome::Conversion;
use super::{convert, input, write};
use std::path::PathBuf;

/// Where the outputs go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Kept in the outcome (`Conversion::outputs`) for the caller to print with `to_stdout`.
    Stdout,
    /// Written into this directory (created if missing); existing files are replaced only with
    /// `force`.
    Dir { path: PathBuf, force: bool },
}

/// What to convert, how, and where to.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Files or directories; `-` reads stdin.
    pub inputs: Vec<PathBuf>,
    /// How inputs are read.
    pub read: crate::input::Options,
    pub destination: Destination,
    /// Plan the writes, write nothing.
    pub dry_run: bool,
    pub convert: Options,
}

/// What a run did.
#[derive(Debug)]
pub struct Outcome {
    /// The outputs, the loss report of every input object, and the inputs that could not be
    /// read or parsed.
    pub conversion: Conversion,
    /// In a dry run, what would be written, a line each ("would write out/web.json (120 bytes)").
    pub planned: Vec<String>,
    /// The files written ("wrote out/web.json").
    pub written: Vec<String>,
    /// Outputs that could not be written, or why there was nothing to convert.
    pub failures: Vec<String>,
}

impl Outcome {
    /// 2: input or conversion errors, a failure, or nothing converted; 1: something dropped;
    /// else 0.
    pub fn exit_code(&self) -> i32 {
        if self.failures.is_empty() {
            self.conversion.exit_code()
        } else {
            2
        }
    }
}

/// Reads, converts and (unless to standard output, or in a dry run) writes.
pub fn run(opts: &RunOptions) -> Outcome {
    let (sources, errors) = input::read(&opts.inputs, &opts.read);
    let mut conversion = convert(&sources, &opts.convert);
    let mut all_errors = errors;
    all_errors.append(&mut conversion.errors);
    conversion.errors = all_errors;
    conversion.checklist = super::checklist::build(&conversion.outputs);
    let mut emit_failure = None;
    if opts.convert.to == To::Ecs {
        if let Err(e) = super::emit::apply(opts.convert.emit, &mut conversion) {
            emit_failure = Some(e);
            conversion.outputs.clear();
        }
    }

    let mut outcome = Outcome {
        conversion,
        planned: Vec::new(),
        written: Vec::new(),
        failures: emit_failure.into_iter().collect(),
    };
    let outputs = &outcome.conversion.outputs;
    match (&opts.destination, opts.dry_run) {
        (Destination::Stdout, true) => outcome
            .planned
            .push(format!("would print {} document(s) to standard output", outputs.len())),
        (Destination::Dir { path, force }, true) => {
            outcome.planned = write::to_dir(outputs, path, *force, true).lines;
        }
        (Destination::Stdout, false) => {}
        (Destination::Dir { path, force }, false) => {
            let d = write::to_dir(outputs, path, *force, false);
            outcome.written = d.lines;
            outcome.failures = d.errors;
        }
    }
    let c = &outcome.conversion;
    if c.outputs.is_empty() && c.errors.is_empty() && c.objects.iter().all(|o| o.error.is_none()) {
        let what = match opts.convert.to {
            To::Ecs => "no Kubernetes workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, Job, CronJob)",
            To::K8s => "no ECS task definition",
        };
        outcome
            .failures
            .push(format!("nothing to convert: {what} among the inputs"));
    }
    outcome
}
