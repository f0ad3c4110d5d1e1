//! What an estimate is asked for, with the defaults of `k2e estimate`.

use std::path::PathBuf;

/// Everything `run` reads besides the files.
#[derive(Clone, Debug)]
pub struct Options {
    /// Files or directories with Kubernetes workloads and ECS task definitions/services; `-`
    /// reads stdin.
    pub paths: Vec<PathBuf>,
    /// How inputs are read.
    pub read: crate::input::Options,
    /// AWS region whose prices are used.
    pub region: String,
    /// Architecture for workloads that do not pin one.
    pub arch: UnpinnedArch,
    /// Spot discount in percent, applied to EC2 and to ECS on Fargate.
    pub spot: Option<f64>,
    /// Hours per month.
    pub hours: f64,
    /// Copies of each ECS task definition that no service among the inputs runs.
    pub replicas: u32,
    /// Fraction of the month Jobs and CronJobs run.
    pub duty_cycle: f64,
    /// AWS Price List bulk offer files whose on-demand prices replace the built-in ones.
    pub pricing: Vec<PathBuf>,
    /// Also say what each EC2 node of each scenario holds.
    pub explain: bool,
    /// Also consider burstable and flex instance types.
    pub burstable: bool,
    /// Only these instance types or families (none: all).
    pub instance_types: Vec<String>,
    /// Pods per EKS node instead of the ENI formula.
    pub max_pods: Option<u32>,
    /// ECS: awsvpc tasks are not limited by the instance's ENIs.
    pub ecs_trunking: bool,
    /// ECS: ECS_RESERVED_MEMORY of the container instances (MiB).
    pub ecs_reserved_memory: u64,
    /// CPU assumed for a container with no cpu request or limit (a Kubernetes quantity).
    pub default_cpu: String,
    /// Memory assumed for a container with no memory request or limit.
    pub default_memory: String,
    /// The JSON estimate of the base branch: the outcome then also holds the comparison.
    pub compare: Option<PathBuf>,
}

impl Default for Options {
    /// `k2e estimate` with no flags (a unit test of the command line keeps the two equal).
    fn default() -> Self {
        Options {
            paths: vec![PathBuf::from(".")],
            read: crate::input::Options {
                limit: 64 << 20,
                allow_special_files: false,
            },
            region: "us-east-1".into(),
            arch: UnpinnedArch::X86,
            spot: None,
            hours: 730.0,
            replicas: 1,
            duty_cycle: 1.0,
            pricing: Vec::new(),
            explain: false,
            burstable: false,
            instance_types: Vec::new(),
            max_pods: None,
            ecs_trunking: false,
            ecs_reserved_memory: 0,
            default_cpu: "250m".into(),
            default_memory: "256Mi".into(),
            compare: None,
        }
    }
}

/// What runs workloads that pin no architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnpinnedArch {
    X86,
    Arm,
    /// Whichever is cheaper.
    Any,
}

/// How the report is rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Tables for people, with the price dates and assumptions.
    Table,
    /// One JSON object with the same content.
    Json,
    /// A pull-request comment: totals, then the largest workloads (or changes) first.
    Markdown,
}
