//! What `k2e estimate` knows about one workload once its manifest has been read.

use serde::Serialize;

/// Resources as the packer counts them, one slot per dimension.
pub type Res = [u64; 4];
pub const CPU: usize = 0;
pub const MEM: usize = 1;
/// Pods (Kubernetes: max pods per node) or awsvpc ENIs (ECS on EC2).
pub const SLOTS: usize = 2;
pub const GPU: usize = 3;

/// CPU is counted in ticks: 1 vCPU = 1,024,000, so Kubernetes millicores (1,024 ticks) and ECS
/// cpu units (1,000 ticks, 1,024 per vCPU) are both whole numbers and nothing is rounded.
pub const TICKS_PER_VCPU: u64 = 1_024_000;
pub const TICKS_PER_MILLI: u64 = 1_024;
pub const TICKS_PER_UNIT: u64 = 1_000;

pub fn vcpus(ticks: u64) -> f64 {
    ticks as f64 / TICKS_PER_VCPU as f64
}

/// `0.25`, `1.5`, `2`: vCPU for people.
pub fn vcpu_text(ticks: u64) -> String {
    trim(vcpus(ticks), 3)
}

/// `256Mi`, `1.5Gi`.
pub fn mem_text(mib: u64) -> String {
    if mib >= 1024 {
        format!("{}Gi", trim(mib as f64 / 1024.0, 2))
    } else {
        format!("{mib}Mi")
    }
}

pub fn trim(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Kubernetes workloads: EKS nodes, or EKS on Fargate.
    Kubernetes,
    /// ECS task definitions: ECS container instances, or ECS on Fargate.
    Ecs,
}

impl Platform {
    pub fn cluster(self) -> &'static str {
        match self {
            Platform::Kubernetes => "EKS",
            Platform::Ecs => "ECS",
        }
    }
}

pub use crate::model::facts::ec2_catalog::Arch;

/// The architectures a workload may run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Archs {
    pub x86: bool,
    pub arm: bool,
}

impl Archs {
    pub const ANY: Archs = Archs { x86: true, arm: true };
    pub const X86: Archs = Archs { x86: true, arm: false };
    pub const ARM: Archs = Archs { x86: false, arm: true };

    pub fn allows(self, arch: Arch) -> bool {
        match arch {
            Arch::X86_64 => self.x86,
            Arch::Arm64 => self.arm,
        }
    }

    pub fn names(self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.x86 {
            out.push("x86_64");
        }
        if self.arm {
            out.push("arm64");
        }
        out
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Linux,
    Windows,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Deployments, StatefulSets, ReplicaSets, Pods, ECS services: `replicas` copies all month.
    Replicated,
    /// DaemonSets and ECS DAEMON services: one copy on every EC2 node, none on Fargate.
    Daemon,
    /// Jobs and CronJobs: `replicas` copies for `--duty-cycle` of the month.
    Batch,
}

/// What Fargate is asked for, before rounding to a Fargate size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FargateAsk {
    /// A pod: its effective request; EKS adds 256 MiB and rounds up.
    Pod { cpu_ticks: u64, memory_mib: u64 },
    /// An ECS task: task-level cpu (units) and memory (MiB) when `declared`, else the sum of
    /// its containers' values, rounded up to a valid pair.
    Task {
        cpu_units: u64,
        memory_mib: u64,
        declared: bool,
    },
}

#[derive(Clone, Debug)]
pub struct Workload {
    /// `Deployment/web`, `TaskDefinition/shop-web`.
    pub name: String,
    pub kind_name: String,
    pub namespace: Option<String>,
    pub file: String,
    pub line: usize,
    pub platform: Platform,
    pub kind: Kind,
    /// Copies (0 for daemons, which run one per node).
    pub replicas: u32,
    /// What one replica reserves on an EC2 node.
    pub request: Res,
    pub fargate_ask: FargateAsk,
    pub archs: Archs,
    /// Where `archs` came from: a node selector, runtimePlatform, or `--arch`.
    pub arch_from: String,
    /// Whether the workload itself names its architectures (else `archs` is `--arch`'s).
    pub arch_pinned: bool,
    pub os: Os,
    /// Why at most one replica fits on a node (anti-affinity, spread, host ports), if so.
    pub one_per_node: Option<String>,
    /// Ephemeral storage one replica asks for (GiB), for Fargate's storage charge.
    pub ephemeral_gib: f64,
    /// Error findings of the Fargate lint rules that Fargate cannot satisfy: `FG101: ...`.
    pub blocked: Vec<String>,
    /// Error findings that a change to the manifest fixes (task size, network mode, ...).
    pub changes: Vec<String>,
    /// Defaults k2e had to assume, and other things the reader should know.
    pub notes: Vec<String>,
}

impl Workload {
    pub fn gpus(&self) -> u64 {
        self.request[GPU]
    }
}
