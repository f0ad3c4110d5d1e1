//! `k2e estimate`: what workloads cost on Fargate and packed onto EC2, from the files alone.
//!
//! read (workloads, blocked-on-Fargate reasons from the lint rules) -> prices (dated tables,
//! offer files) -> Fargate quotes -> scenarios (EC2 packing per cluster) -> report -> table/JSON.
//! `run` does it all and returns an `Outcome`; the command line (`cli::estimate`) prints it.

// Resources are four parallel arrays (cpu, memory, slots, GPUs) walked by dimension index
// throughout; zipping up to three of them per loop would read worse than `for d in 0..4`.
#![allow(clippy::needless_range_loop)]

mod allocatable;
mod blockers;
pub mod catalog;
mod classes;
mod colgen;
pub mod compare;
mod compare_side;
mod compare_table;
mod ecs;
pub mod exact;
pub mod fargate;
pub mod fleet;
mod kubernetes;
pub mod lp;
mod markdown;
pub mod model;
mod options;
pub mod pack;
pub mod prices;
mod pricing;
mod pricing_csv;
mod pricing_json;
pub mod problem;
mod read;
mod render;
mod report;
pub mod scenarios;
mod segtree;
mod table;

pub use allocatable::{eni_max_pods, kubernetes as kubernetes_allocatable};
pub use kubernetes::Defaults;
pub use options::{Format, Options, UnpinnedArch};
pub use read::{Inputs, read, read_texts};
pub use report::Report;

use model::{Archs, TICKS_PER_MILLI, TICKS_PER_VCPU, mem_text, trim};
use prices::PriceBook;
use std::time::{Duration, Instant};

/// What an estimate found.
#[derive(Debug)]
pub struct Outcome {
    /// The estimate (what `--format json` prints).
    pub report: Report,
    /// Inputs that could not be read or parsed (the rest was estimated).
    pub errors: Vec<String>,
    /// With `--compare`: the report against the base's.
    pub comparison: Option<compare::Comparison>,
    pub timings: Timings,
}

impl Outcome {
    /// 2: some input could not be read; 1: some workload fits neither a priced EC2 type nor
    /// Fargate (the estimate prices less than the input); else 0.
    pub fn exit_code(&self) -> i32 {
        let incomplete = self.report.scenarios.iter().any(|s| !s.complete);
        match (self.errors.is_empty(), incomplete) {
            (false, _) => 2,
            (true, true) => 1,
            (true, false) => 0,
        }
    }

    /// The report as `format` shows it.
    /// With a comparison, the comparison is what is rendered.
    pub fn render(&self, format: Format, explain: bool) -> Result<String, String> {
        match (format, &self.comparison) {
            (Format::Json, None) => pretty(&self.report),
            (Format::Json, Some(c)) => pretty(c),
            (Format::Table, None) => Ok(render::render(&self.report, explain)),
            (Format::Table, Some(c)) => Ok(compare_table::render(c)),
            (Format::Markdown, None) => Ok(markdown::estimate(&self.report)),
            (Format::Markdown, Some(c)) => Ok(markdown::comparison(c)),
        }
    }
}

fn pretty(v: &impl serde::Serialize) -> Result<String, String> {
    serde_json::to_string_pretty(v)
        .map_err(|e| e.to_string())
        .map(|s| s + "\n")
}

/// How long each phase took, from the start of the run (for scripts/bench-estimate).
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    pub prices: Duration,
    pub read: Duration,
    pub pack: Duration,
    pub total: Duration,
    pub workloads: usize,
    pub replicas: u64,
}

/// Estimates the workloads of `options.paths`. An error is what makes an estimate impossible
/// (a bad default quantity or instance type, no prices for the region, too many replicas).
pub fn run(options: &Options) -> Result<Outcome, String> {
    run_of(options, |d| read(&options.paths, d, &options.read))
}

/// The estimate of in-memory (file name, bytes) pairs, as `run` makes it of files: for tests
/// and fuzzing. `options.paths` is not read.
pub fn run_texts(options: &Options, files: &[(&str, &[u8])]) -> Result<Outcome, String> {
    run_of(options, |d| read_texts(files, d))
}

/// The command line's defaults for workloads that say nothing.
pub fn defaults(options: &Options) -> Result<Defaults, String> {
    let cpu = crate::model::quantity::request(&options.default_cpu)
        .filter(|v| *v > 0.0)
        .ok_or_else(|| {
            format!(
                "--default-cpu {:?}: not a cpu quantity (e.g. 250m)",
                options.default_cpu
            )
        })?;
    let memory = crate::model::quantity::request(&options.default_memory)
        .filter(|v| *v > 0.0)
        .ok_or_else(|| {
            format!(
                "--default-memory {:?}: not a memory quantity (e.g. 256Mi)",
                options.default_memory
            )
        })?;
    let (archs, from) = match options.arch {
        UnpinnedArch::X86 => (Archs::X86, "--arch x86 (default)"),
        UnpinnedArch::Arm => (Archs::ARM, "--arch arm"),
        UnpinnedArch::Any => (Archs::ANY, "--arch any"),
    };
    Ok(Defaults {
        cpu_ticks: (cpu * TICKS_PER_VCPU as f64).ceil() as u64,
        memory_mib: (memory / 1_048_576.0).ceil() as u64,
        archs,
        arch_from: from.to_owned(),
        ecs_replicas: options.replicas,
    })
}

/// The prices for the region: the shipped tables overlaid by the offer files.
pub fn price_book(options: &Options) -> Result<PriceBook, String> {
    let mut book = PriceBook::builtin(&options.region);
    for path in &options.pricing {
        pricing::apply(&mut book, path)?;
    }
    let regions = prices::builtin_regions().join(", ");
    if book.ec2_linux.is_empty() && book.ec2_windows.is_empty() {
        return Err(format!(
            "no EC2 prices for {}: k2e ships prices for {regions}; pass --pricing with the region's AmazonEC2 offer file \
             (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/{}/index.csv)",
            options.region, options.region
        ));
    }
    if book.fargate.is_none() {
        return Err(format!(
            "no Fargate prices for {}: k2e ships prices for {regions}; pass --pricing with the region's AmazonECS offer file \
             (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonECS/current/{}/index.csv)",
            options.region, options.region
        ));
    }
    Ok(book)
}

/// Total replicas an estimate packs: far beyond any cluster k2e is meant for, and enough to keep
/// a typo (`replicas: 1000000000`) from running for minutes and exhausting memory.
pub const MAX_REPLICAS: u64 = 100_000;

fn check_replicas(inputs: &Inputs) -> Result<(), String> {
    let total: u64 = inputs.workloads.iter().map(|w| u64::from(w.replicas)).sum();
    if total <= MAX_REPLICAS {
        return Ok(());
    }
    let largest = inputs
        .workloads
        .iter()
        .max_by_key(|w| w.replicas)
        .map_or_else(String::new, |w| {
            format!(
                " (the largest, {} at {}:{}, has {})",
                w.name, w.file, w.line, w.replicas
            )
        });
    Err(format!(
        "the inputs ask for {total} replicas{largest}; k2e estimate packs at most {MAX_REPLICAS}: \
         lower the replica counts, or estimate the inputs a part at a time"
    ))
}

/// Every `--instance-types` entry must name a type or family of the catalog: a typo would
/// otherwise leave every workload unplaced for no visible reason.
fn check_instance_types(options: &Options) -> Result<(), String> {
    let catalog = catalog::Catalog::get();
    for wanted in &options.instance_types {
        if !catalog.types.iter().any(|t| &t.name == wanted || t.family() == wanted) {
            return Err(format!(
                "--instance-types: {wanted:?} is neither an instance type nor a family of the catalog \
                 (examples: m7g, c7i.large)"
            ));
        }
    }
    Ok(())
}

fn fleet_options(options: &Options) -> fleet::Options {
    fleet::Options {
        max_pods: options.max_pods,
        ecs_trunking: options.ecs_trunking,
        ecs_reserved_memory: options.ecs_reserved_memory,
        burstable: options.burstable,
        instance_types: options.instance_types.clone(),
        spot_percent: options.spot,
    }
}

/// The estimate of the workloads `read_inputs` gives (from files, or from bytes in memory).
fn run_of(options: &Options, read_inputs: impl FnOnce(&Defaults) -> Inputs) -> Result<Outcome, String> {
    let t0 = Instant::now();
    let d = defaults(options)?;
    check_instance_types(options)?;
    // Read before the packing, so a bad BASE.json fails at once.
    let base = match &options.compare {
        Some(path) => Some(compare::load(path, options.read.limit)?),
        None => None,
    };
    let book = price_book(options)?;
    let t_prices = t0.elapsed();
    let inputs = read_inputs(&d);
    let t_read = t0.elapsed();
    check_replicas(&inputs)?;
    let rates = book.fargate.unwrap_or_default();
    let quotes: Vec<_> = inputs
        .workloads
        .iter()
        .map(|w| fargate::quote(w, &rates, options.spot))
        .collect();
    let opts = fleet_options(options);
    let ctx = scenarios::Context {
        workloads: &inputs.workloads,
        book: &book,
        opts: &opts,
        hours: options.hours,
        duty: options.duty_cycle,
        quotes: &quotes,
    };
    let outcome = scenarios::run(&ctx);
    let t_pack = t0.elapsed();
    let mut notes = book.notes.clone();
    notes.extend(inputs.notes.iter().cloned());
    let report = report::build(&ctx, &outcome, assumptions(options, &d, &book), notes, options.explain);
    let timings = Timings {
        prices: t_prices,
        read: t_read,
        pack: t_pack,
        total: t0.elapsed(),
        workloads: inputs.workloads.len(),
        replicas: inputs.workloads.iter().map(|w| u64::from(w.replicas)).sum(),
    };
    let comparison = match &base {
        Some(b) => Some(compare::compare(b, &report)?),
        None => None,
    };
    Ok(Outcome {
        report,
        errors: inputs.errors,
        comparison,
        timings,
    })
}

/// The EKS system pods, from their data file.
fn system_pods_assumption() -> String {
    let table = crate::model::facts::eks_system::SystemPods::get();
    let pods: Vec<String> = table
        .pods
        .iter()
        .map(|p| {
            let memory = if p.memory_mib == 0 {
                String::new()
            } else {
                format!(" / {}", mem_text(p.memory_mib))
            };
            format!("{} ({}m{memory})", p.name, p.cpu_millis)
        })
        .collect();
    format!(
        "Every EKS Linux node runs {}: a pod slot and the requests of each come off the node, unless the inputs have \
         a DaemonSet of that name (EKS system pods, as of {})",
        pods.join(" and "),
        table.as_of
    )
}

fn assumptions(options: &Options, d: &Defaults, book: &PriceBook) -> Vec<String> {
    let catalog = catalog::Catalog::get();
    let mut out = Vec::new();
    out.push(format!(
        "EKS nodes: allocatable = memory less {}% (VM overhead), kube-reserved (11 MiB per pod + 255 MiB; 6% of the \
         first core, 1% of the second, 0.5% of cores 3-4, 0.25% of the rest) and the {} MiB eviction threshold; {}",
        trim(allocatable::VM_MEMORY_OVERHEAD * 100.0, 1),
        allocatable::EVICTION_MIB,
        match options.max_pods {
            Some(n) => format!("{n} pods per node (--max-pods)"),
            None => "max pods = ENIs x (IPv4 per ENI - 1) + 2 (VPC CNI, no prefix delegation)".to_owned(),
        }
    ));
    out.push(system_pods_assumption());
    out.push(format!(
        "ECS container instances: registered memory = memory less {}% (what the OS reports) less ECS_RESERVED_MEMORY \
         ({} MiB); all vCPUs at 1024 units; {}",
        trim(allocatable::ECS_OS_MEMORY * 100.0, 1),
        options.ecs_reserved_memory,
        if options.ecs_trunking {
            "ENI trunking on: awsvpc tasks are not limited by ENIs (k2e does not ship the per-type trunk limits of the \
             ECS guide; check yours)"
        } else {
            "awsvpc tasks per instance = ENIs - 1 (no ENI trunking; --ecs-trunking)"
        }
    ));
    out.push(
        "DaemonSets and ECS DAEMON services take their requests from every node whose OS they match, and whose \
         architecture they match when they pin one; with no EC2 nodes they cost nothing"
            .to_owned(),
    );
    out.push(
        "Required pod anti-affinity or a DoNotSchedule topology spread on kubernetes.io/hostname, host ports and \
         distinctInstance: at most one replica per node"
            .to_owned(),
    );
    out.push(
        "GPU workloads (nvidia.com/gpu, ECS GPU requirements) go only on GPU types, and only they do (GPU nodes are \
         usually tainted)"
            .to_owned(),
    );
    out.push(format!(
        "A container without requests or limits counts {}m cpu and {} memory on EC2 (--default-cpu, \
         --default-memory), where Kubernetes would schedule it as 0; EKS on Fargate counts it as 0 and bills the pod \
         at least 0.25 vCPU / 0.5 GB",
        d.cpu_ticks / TICKS_PER_MILLI,
        mem_text(d.memory_mib)
    ));
    out.push(format!(
        "Workloads that pin no architecture (daemons aside) run on {} ({})",
        match options.arch {
            UnpinnedArch::X86 => "x86_64",
            UnpinnedArch::Arm => "arm64",
            UnpinnedArch::Any => "x86_64 or arm64, whichever is cheaper",
        },
        d.arch_from
    ));
    let priced = catalog
        .types
        .iter()
        .filter(|t| book.ec2_linux.contains_key(&t.name) || book.ec2_windows.contains_key(&t.name))
        .count();
    out.push(format!(
        "Instance types: the {priced} priced types of the catalog (as of {}){}{}; bare metal, Mac, high-memory and \
         accelerator (FPGA, Inferentia, Trainium) types are not in it",
        catalog.as_of,
        if options.burstable {
            ""
        } else {
            ", less burstable and flex types, which do not guarantee a full vCPU (--burstable)"
        },
        if options.instance_types.is_empty() {
            String::new()
        } else {
            format!(", only {}", options.instance_types.join(", "))
        }
    ));
    out.push(
        "Fargate: EKS pods are billed at the size Fargate provisions (the pod's requests + 256 MiB, rounded up to one \
         of the 74 sizes), ECS tasks at their task size (or their containers' sum rounded up); 20 GB of ephemeral \
         storage included, more billed per GB-hour"
            .to_owned(),
    );
    out.push(format!(
        "Jobs and CronJobs run {}% of the month (--duty-cycle){}",
        trim(options.duty_cycle * 100.0, 1),
        if options.duty_cycle < 1.0 {
            "; on EC2 they get their own nodes, paid for that share of the month"
        } else {
            ""
        }
    ));
    out.push(format!(
        "ECS task definitions that no service among the inputs runs: {} cop{} each (--replicas)",
        options.replicas,
        if options.replicas == 1 { "y" } else { "ies" }
    ));
    if let Some(p) = options.spot {
        out.push(format!(
            "Spot: {}% off EC2 and ECS on Fargate (Fargate Spot); EKS on Fargate and Windows tasks have no Spot",
            trim(p, 1)
        ));
    }
    out.push(
        "Not included: EBS volumes, load balancers, data transfer, NAT gateways, the EKS cluster fee, Savings Plans \
         and Reserved Instances"
            .to_owned(),
    );
    out
}
