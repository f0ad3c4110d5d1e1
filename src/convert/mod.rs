//! `k2e convert`: Kubernetes workloads <-> ECS task definitions, with a loss report that
//! accounts for every field of every input object (docs/convert.md).
//!
//! input (files -> documents) -> catalog (what each document is) -> k8s_to_ecs or ecs_to_k8s
//! (outputs + a ledger per object) -> write (files, or text for stdout) and loss_render (the
//! report as text and JSON). `run` does it all for a list of paths and returns an `Outcome`;
//! the command line (`cli::convert`) prints it.

pub mod audit;
pub mod catalog;
pub mod checklist;
pub mod cron;
pub mod cursor;
mod ecs_to_k8s;
pub mod emit;
pub mod emit_json;
pub mod emit_yaml;
pub mod input;
mod k8s_to_ecs;
pub mod loss;
pub mod loss_render;
pub mod names;
mod options;
pub mod outcome;
pub mod patterns;
pub mod platform;
pub mod references;
pub(crate) mod release;
mod run;
pub mod unique;
pub mod value;
mod write;

pub use k8s_to_ecs::WORKLOADS;
pub use options::{
    DEFAULT_CONFIG_MAP_ARN, DEFAULT_EXECUTION_ROLE_ARN, DEFAULT_LOG_GROUP, DEFAULT_PULL_SECRET_ARN, DEFAULT_SECRET_ARN,
    DEFAULT_TARGET_GROUP_ARN, DEFAULT_TASK_ROLE_ARN, EfsMapping, Emit, Kind, LaunchType, OLDEST_KUBERNETES, Options,
    ProbeTool, To, arn_pattern,
};
pub use run::{Check, Destination, Outcome, RunOptions, run};
pub use write::{report_file, temp_file_beside, to_dir, to_stdout, write_atomically};

use catalog::Catalog;
use input::Source;
use outcome::Conversion;

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
