//! A whole `k2e convert` run as a library call: read the inputs, convert them, and write the
//! outputs into a directory (each file whole or not at all) or hand them back for standard
//! output. Nothing is printed; the outcome says what to print and which exit code it makes.

use super::options::{Options, To};
use super::outcome::{Conversion, Output, Refusal, Role};
use super::{convert, input, write};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

/// k2e's own check of an output before it is written (the command line builds it from
/// `lint::lint_text` with the rules of the output's target; convert cannot use lint itself):
/// the error findings, `LINE:COLUMN RULE message` each.
#[derive(Clone)]
pub struct Check(pub Arc<CheckFn>);

/// The function behind a [`Check`].
pub type CheckFn = dyn Fn(&Output) -> Vec<String> + Send + Sync;

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Check")
    }
}

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
    /// Checks every output before it is written or printed; an output with errors is not
    /// written (and the run exits 2) unless `force_invalid`.
    pub check: Option<Check>,
    /// Write outputs the check found errors in, the findings in the report (--force).
    pub force_invalid: bool,
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

/// Reads, converts, checks and (unless to standard output, or in a dry run) writes.
pub fn run(opts: &RunOptions) -> Outcome {
    let (sources, errors) = input::read(&opts.inputs, &opts.read);
    let mut conversion = convert(&sources, &opts.convert);
    let mut all_errors = errors;
    all_errors.append(&mut conversion.errors);
    conversion.errors = all_errors;
    conversion.checklist = super::checklist::build(&conversion.outputs);
    let mut failures = Vec::new();
    if opts.convert.to == To::Ecs {
        if let Err(e) = super::emit::apply(opts.convert.emit, &mut conversion) {
            failures.push(e);
            conversion.outputs.clear();
        }
    }
    let nothing = conversion.outputs.is_empty();
    let blocked = check(&mut conversion, opts);
    let mut outcome = Outcome {
        conversion,
        planned: Vec::new(),
        written: Vec::new(),
        failures,
    };
    deliver(&mut outcome, opts, &blocked);
    deliver_checklist(&mut outcome, opts);
    let c = &outcome.conversion;
    if nothing && c.errors.is_empty() && c.objects.iter().all(|o| o.error.is_none()) {
        let what = match opts.convert.to {
            To::Ecs => "no Kubernetes workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, Job, CronJob)",
            To::K8s => "no ECS task definition",
        };
        outcome
            .failures
            .push(format!("nothing to convert: {what} among the inputs"));
    }
    outcome.conversion.failures = outcome.failures.clone();
    outcome
}

/// Once the outputs are delivered, the checklist keeps only what the delivered files use (a
/// refused or failed file needs nothing created), and CHECKLIST.md is delivered the same way
/// when anything is left: a checklist for a set with nothing to apply would only mislead.
fn deliver_checklist(outcome: &mut Outcome, opts: &RunOptions) {
    let c = &mut outcome.conversion;
    let kept: BTreeSet<&str> = c.outputs.iter().map(|o| o.file.as_str()).collect();
    let used = |u: &String| u.split_once('#').is_some_and(|(f, _)| kept.contains(f));
    for item in &mut c.checklist {
        item.used_by.retain(used);
    }
    c.checklist.retain(|i| !i.used_by.is_empty());
    if c.checklist.is_empty() {
        return;
    }
    let checklist = Output {
        file: "CHECKLIST.md".into(),
        text: super::loss_render::checklist_markdown(&c.checklist),
        role: Role::Checklist,
        object: String::new(),
    };
    match (&opts.destination, opts.dry_run) {
        (Destination::Dir { path, force }, dry_run) => {
            let d = write::to_dir(
                std::slice::from_ref(&checklist),
                path,
                *force,
                dry_run,
                &BTreeMap::new(),
            );
            if dry_run {
                outcome.planned.extend(d.lines);
            } else {
                outcome.written.extend(d.lines);
                outcome.failures.extend(d.errors);
            }
            if d.written.is_empty() {
                return;
            }
        }
        // Standard output prints no Markdown (write::to_stdout skips it); a library caller
        // gets it with the other outputs.
        (Destination::Stdout, _) => {}
    }
    outcome.conversion.outputs.push(checklist);
}

/// Runs the check on every output; returns the files not to write (file -> why).
fn check(conversion: &mut Conversion, opts: &RunOptions) -> BTreeMap<String, String> {
    let mut blocked = BTreeMap::new();
    let Some(check) = &opts.check else {
        return blocked;
    };
    for o in &conversion.outputs {
        let findings = (check.0)(o);
        if findings.is_empty() {
            continue;
        }
        if !opts.force_invalid {
            let why = format!(
                "k2e lint finds {} error(s) in it: {} (--force writes it)",
                findings.len(),
                findings[0]
            );
            blocked.insert(o.file.clone(), why);
        }
        conversion.refused.push(Refusal {
            file: o.file.clone(),
            object: o.object.clone(),
            findings,
            forced: opts.force_invalid,
        });
    }
    blocked
}

/// Writes, plans or keeps the outputs; afterwards the conversion's outputs (and each object's)
/// are those written or to print.
fn deliver(outcome: &mut Outcome, opts: &RunOptions, blocked: &BTreeMap<String, String>) {
    let outputs = &outcome.conversion.outputs;
    let kept: Vec<String> = match (&opts.destination, opts.dry_run) {
        (Destination::Stdout, true) => {
            let printed = outputs
                .iter()
                .filter(|o| !blocked.contains_key(&o.file) && o.role != Role::Checklist);
            outcome.planned.push(format!(
                "would print {} document(s) to standard output",
                printed.count()
            ));
            return;
        }
        (Destination::Dir { path, force }, true) => {
            let d = write::to_dir(outputs, path, *force, true, blocked);
            outcome.planned = d.lines;
            return;
        }
        (Destination::Stdout, false) => {
            // An object is printed whole or not at all, as it is written.
            let refused: Vec<&str> = outputs
                .iter()
                .filter(|o| blocked.contains_key(&o.file))
                .map(|o| o.object.as_str())
                .collect();
            // The refused files themselves are in the conversion's `refused`.
            for o in outputs
                .iter()
                .filter(|o| refused.contains(&o.object.as_str()) && !blocked.contains_key(&o.file))
            {
                outcome.failures.push(format!(
                    "refused: {}: another file of {} is refused, and an object's files are printed together or not at all",
                    o.file, o.object
                ));
            }
            outputs
                .iter()
                .filter(|o| !refused.contains(&o.object.as_str()))
                .map(|o| o.file.clone())
                .collect()
        }
        (Destination::Dir { path, force }, false) => {
            let d = write::to_dir(outputs, path, *force, false, blocked);
            outcome.written = d.lines;
            outcome.failures.extend(d.errors);
            d.written
        }
    };
    let c = &mut outcome.conversion;
    c.outputs.retain(|o| kept.contains(&o.file));
    for object in &mut c.objects {
        object.outputs.retain(|f| kept.contains(f));
    }
}
