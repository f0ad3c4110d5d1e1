//! `k2e estimate`'s command line: its arguments, and the printing of what `estimate::run` found.

use crate::estimate::{self, Format, Options, UnpinnedArch};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0  estimate printed, every workload placed
  1  estimate printed, but some workload fits neither a priced EC2 instance type nor Fargate
     (its scenario's total says how many were not placed)
  2  usage error, an input that could not be read, an unusable --pricing file, or a
     --compare file that is not a JSON estimate of this format";

#[derive(Args, Debug, Clone)]
#[command(after_help = EXIT_CODES)]
pub struct EstimateArgs {
    /// Files or directories with Kubernetes workloads and ECS task definitions/services (searched
    /// for *.yaml, *.yml, *.json, *.tf; .gitignore honoured). `-` reads stdin.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// AWS region whose prices are used. Built-in prices cover us-east-1; other regions need
    /// --pricing offer files.
    #[arg(long, default_value = "us-east-1")]
    pub region: String,

    /// Architecture for workloads that do not pin one (node selector, node affinity,
    /// runtimePlatform): x86 (images are usually built for it), arm, or any (cheapest).
    #[arg(long, value_enum, default_value_t = ArchArg::X86)]
    pub arch: ArchArg,

    /// Spot discount in percent (e.g. 70) applied to EC2 and to ECS on Fargate (Fargate Spot).
    /// EKS on Fargate and Windows tasks have no Spot capacity and keep on-demand prices.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub spot: Option<f64>,

    /// Hours per month.
    #[arg(long, default_value_t = 730.0, value_parser = parse_hours)]
    pub hours: f64,

    /// Copies of each ECS task definition that no service JSON among the inputs runs.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub replicas: u32,

    /// Fraction of the month Jobs and CronJobs run (1 = all the time).
    #[arg(long, value_name = "FRACTION", default_value_t = 1.0, value_parser = parse_fraction)]
    pub duty_cycle: f64,

    /// An AWS Price List bulk offer file (AmazonEC2, or AmazonECS/AmazonEKS for Fargate; JSON or
    /// CSV) whose on-demand prices replace the built-in ones. Repeatable.
    #[arg(long = "pricing", value_name = "FILE")]
    pub pricing: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,

    /// Compare with BASE.json, the `--format json` estimate of the base branch: per-workload
    /// and total monthly changes (with --format json or markdown, as JSON or as markdown).
    #[arg(long, value_name = "BASE.json")]
    pub compare: Option<PathBuf>,

    /// Also show what each EC2 node of each scenario holds.
    #[arg(long)]
    pub explain: bool,

    /// Also consider burstable (t3, t3a, t4g) and flex (m7i-flex, ...) instance types, which do
    /// not guarantee a full vCPU.
    #[arg(long)]
    pub burstable: bool,

    /// Only these instance types or families (comma-separated: m7g,c7i.large).
    #[arg(long, value_name = "TYPES", value_delimiter = ',')]
    pub instance_types: Vec<String>,

    /// Pods per EKS node instead of the ENI formula (e.g. 110 with prefix delegation).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_pods: Option<u32>,

    /// ECS: the awsvpcTrunking account setting is on, so awsvpc tasks are not limited by the
    /// instance's ENIs.
    #[arg(long)]
    pub ecs_trunking: bool,

    /// ECS: ECS_RESERVED_MEMORY of the container instances (MiB).
    #[arg(long, value_name = "MIB", default_value_t = 0)]
    pub ecs_reserved_memory: u64,

    /// CPU assumed for a container that has no cpu request or limit (ECS: for a task with no
    /// cpu at all).
    #[arg(long, value_name = "CPU", default_value = "250m")]
    pub default_cpu: String,

    /// Memory assumed for a container that has no memory request or limit.
    #[arg(long, value_name = "MEMORY", default_value = "256Mi")]
    pub default_memory: String,

    /// Refuse inputs larger than this (bytes; K, M and G suffixes allowed).
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = crate::input::parse_size)]
    pub max_file_size: u64,

    /// Read character and block devices named on the command line (up to --max-file-size)
    /// instead of refusing them. FIFOs and process substitutions are always read.
    #[arg(long)]
    pub allow_special_files: bool,

    /// Print how long each phase took to stderr (for scripts/bench-estimate).
    #[arg(long, hide = true)]
    pub timings: bool,
}

impl EstimateArgs {
    /// The library's options from the flags.
    pub fn options(&self) -> Options {
        Options {
            paths: self.paths.clone(),
            read: crate::input::Options {
                limit: self.max_file_size,
                allow_special_files: self.allow_special_files,
            },
            region: self.region.clone(),
            arch: match self.arch {
                ArchArg::X86 => UnpinnedArch::X86,
                ArchArg::Arm => UnpinnedArch::Arm,
                ArchArg::Any => UnpinnedArch::Any,
            },
            spot: self.spot,
            hours: self.hours,
            replicas: self.replicas,
            duty_cycle: self.duty_cycle,
            pricing: self.pricing.clone(),
            explain: self.explain,
            burstable: self.burstable,
            instance_types: self.instance_types.clone(),
            max_pods: self.max_pods,
            ecs_trunking: self.ecs_trunking,
            ecs_reserved_memory: self.ecs_reserved_memory,
            default_cpu: self.default_cpu.clone(),
            default_memory: self.default_memory.clone(),
            compare: self.compare.clone(),
        }
    }
}

/// Runs `k2e estimate`; returns the exit code.
pub fn run(args: EstimateArgs) -> i32 {
    match estimate(&args) {
        Ok((text, code)) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("k2e: cannot write output: {e}");
                    2
                }
                _ => code,
            }
        }
        Err(e) => {
            eprintln!("k2e estimate: {e}");
            2
        }
    }
}

/// The text for stdout and the exit code; input errors (and --timings) go to stderr.
fn estimate(args: &EstimateArgs) -> Result<(String, i32), String> {
    let outcome = estimate::run(&args.options())?;
    if args.timings {
        let t = &outcome.timings;
        eprintln!(
            "k2e estimate timings: prices {:.3}s, read {:.3}s ({} workloads, {} replicas), pack {:.3}s, total {:.3}s",
            t.prices.as_secs_f64(),
            (t.read - t.prices).as_secs_f64(),
            t.workloads,
            t.replicas,
            (t.pack - t.read).as_secs_f64(),
            t.total.as_secs_f64()
        );
    }
    let format = match args.format {
        OutputFormat::Table => Format::Table,
        OutputFormat::Json => Format::Json,
        OutputFormat::Markdown => Format::Markdown,
    };
    let text = outcome.render(format, args.explain)?;
    for e in &outcome.errors {
        eprintln!("k2e estimate: {e}");
    }
    Ok((text, outcome.exit_code()))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ArchArg {
    X86,
    Arm,
    Any,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Tables for people, with the price dates and assumptions.
    Table,
    /// One JSON object with the same content (documented in README).
    Json,
    /// A pull-request comment: totals first, then the largest workloads or changes.
    Markdown,
}

fn parse_percent(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("not a percentage: {s:?} (e.g. 70)"))?;
    if (0.0..100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not a discount between 0 and 100 percent"))
    }
}

fn parse_hours(s: &str) -> Result<f64, String> {
    let v: f64 = s.trim().parse().map_err(|_| format!("not a number of hours: {s:?}"))?;
    if v > 0.0 && v <= 744.0 {
        Ok(v)
    } else {
        Err(format!("{v} hours: a month has between 0 and 744 hours"))
    }
}

fn parse_fraction(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("not a fraction: {s:?} (e.g. 0.1)"))?;
    if v > 0.0 && v <= 1.0 {
        Ok(v)
    } else {
        Err(format!(
            "{v}: the duty cycle is a fraction of the month, above 0 and at most 1"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flags' defaults are the library's (`Options::default`), which tests and tools use.
    #[test]
    fn defaults_match_the_library() {
        let cli = <super::super::Cli as clap::Parser>::parse_from(["k2e", "estimate"]);
        let super::super::Command::Estimate(args) = cli.command else {
            panic!("not the estimate command")
        };
        assert_eq!(format!("{:?}", args.options()), format!("{:?}", Options::default()));
    }

    #[test]
    fn values() {
        assert_eq!(parse_percent("70"), Ok(70.0));
        assert_eq!(parse_percent("70%"), Ok(70.0));
        assert!(parse_percent("100").is_err());
        assert!(parse_hours("0").is_err());
        assert_eq!(parse_fraction("0.25"), Ok(0.25));
        assert!(parse_fraction("2").is_err());
    }
}
