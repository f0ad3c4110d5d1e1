//! k2e: lint Kubernetes manifests and Amazon ECS task definitions against real schemas.
//!
//! The pipeline, one module per stage:
//! discover -> input (bounded reads) -> parse (span tree) -> detect -> validate -> findings -> report.

pub mod cli;
pub mod config;
pub mod convert;
pub mod detect;
pub mod discover;
pub mod estimate;
pub mod finding;
pub mod frontend;
pub mod globs;
pub mod input;
pub mod lint;
pub mod model;
pub mod outcome;
pub mod parse;
pub mod report;
pub mod rules;
pub mod threads;
pub mod validate;
