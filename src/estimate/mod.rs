//! `k2e estimate`: Fargate sizes, EC2 packing and monthly cost from manifests alone.

use clap::Args;

#[derive(Args, Debug)]
pub struct EstimateArgs {}

/// Runs `k2e estimate`; returns the exit code.
pub fn run(_args: EstimateArgs) -> i32 {
    eprintln!("k2e estimate: not built yet");
    2
}
