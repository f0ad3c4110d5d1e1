//! EKS on Fargate sizing: the size a pod is billed for, and where the 256 MiB Fargate adds or a
//! request pushes it into a dearer size (FG110, FG111, FG112).
//!
//! Fargate takes, per resource, the larger of the biggest init container and the sum of the
//! long-running containers (sidecars included), adds 256 MiB of memory for kubelet, kube-proxy and
//! containerd, and rounds up to the smallest of its 74 sizes (rules/data/fargate-ecs-sizes.yaml).

use super::fargate_eks::Check;
use super::sizes::{Size, SizeTable};
use crate::finding::Finding;
use crate::finding::ids;
use crate::model::k8s::ContainerRef as Container;
use crate::model::quantity;
use crate::parse::{Node, Span};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Memory Fargate reserves in every pod for its own agents.
pub const OVERHEAD_MIB: u64 = 256;

const RATES: &str = include_str!("../../rules/data/fargate-rates.yaml");
/// The region whose x86 rates the lint messages quote (the one k2e ships rates for).
const REGION: &str = "us-east-1";

/// The x86 Fargate rates of `REGION`, from the table `k2e estimate` also prices with.
#[derive(Debug)]
pub struct Prices {
    pub as_of: String,
    pub region: String,
    pub x86: Rate,
}

#[derive(Debug, Deserialize)]
pub struct Rate {
    pub vcpu_hour: f64,
    pub gb_hour: f64,
}

#[derive(Deserialize)]
struct RatesFile {
    as_of: String,
    regions: BTreeMap<String, RegionRates>,
}

#[derive(Deserialize)]
struct RegionRates {
    x86: Rate,
}

pub fn prices() -> &'static Prices {
    static PRICES_TABLE: OnceLock<Prices> = OnceLock::new();
    // Shipped in the binary and loaded by a test, so it cannot fail at run time.
    PRICES_TABLE.get_or_init(|| {
        let mut file: RatesFile = super::load_data(RATES).expect("rules/data/fargate-rates.yaml is valid");
        let x86 = file
            .regions
            .remove(REGION)
            .expect("fargate-rates.yaml has us-east-1")
            .x86;
        Prices {
            as_of: file.as_of,
            region: REGION.to_owned(),
            x86,
        }
    })
}

fn hourly(size: Size) -> f64 {
    let rate = &prices().x86;
    size.cpu as f64 / 1024.0 * rate.vcpu_hour + size.memory as f64 / 1024.0 * rate.gb_hour
}

/// What a pod asks for: cpu units (1024 per vCPU) and memory MiB, before the overhead.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Request {
    pub cpu: f64,
    pub memory_mib: f64,
}

/// The pod's effective request, per resource, as the scheduler counts it (KEP-753): the larger
/// of the biggest init container plus the native sidecars started before it, and the sum of the
/// long-running containers (sidecars included). A container without a request gets its limit as
/// request, as Kubernetes does.
pub(super) fn pod_request(containers: &[Container<'_>]) -> Request {
    let mut init = Request::default();
    let mut sidecars = Request::default();
    let mut running = Request::default();
    for c in containers {
        let get = |resource: &str| -> f64 {
            let resources = c.node.get("resources");
            let from = |section: &str| resources.and_then(|r| r.get(section)).and_then(|s| s.get(resource));
            from("requests")
                .or_else(|| from("limits"))
                .and_then(quantity::value_of)
                .unwrap_or(0.0)
        };
        let cpu = get("cpu") * 1024.0;
        let memory = get("memory") / (1024.0 * 1024.0);
        let sidecar =
            c.list == "initContainers" && c.node.get("restartPolicy").and_then(Node::as_str) == Some("Always");
        match c.list {
            "initContainers" if !sidecar => {
                init.cpu = init.cpu.max(cpu + sidecars.cpu);
                init.memory_mib = init.memory_mib.max(memory + sidecars.memory_mib);
            }
            "ephemeralContainers" => {}
            _ => {
                if sidecar {
                    sidecars.cpu += cpu;
                    sidecars.memory_mib += memory;
                }
                running.cpu += cpu;
                running.memory_mib += memory;
            }
        }
    }
    Request {
        cpu: init.cpu.max(running.cpu),
        memory_mib: init.memory_mib.max(running.memory_mib),
    }
}

/// The size Fargate provisions for a request, or None when no size is large enough.
pub fn provisioned(request: Request) -> Option<Size> {
    round_up(request.cpu, request.memory_mib + OVERHEAD_MIB as f64)
}

/// The smallest Fargate size with at least this cpu (units) and memory (MiB).
pub fn round_up(cpu: f64, memory_mib: f64) -> Option<Size> {
    SizeTable::get()
        .pairs()
        .into_iter()
        .filter(|s| s.cpu as f64 >= cpu && s.memory as f64 >= memory_mib)
        .min_by_key(|s| (s.cpu, s.memory))
}

pub(super) fn check(check: &Check<'_>, spec: &Node, at: &str, containers: &[Container<'_>], out: &mut Vec<Finding>) {
    let anchor = spec.entry("containers").map_or(first_line(spec), |e| e.key_span);
    let request = pod_request(containers);
    let asked = format!(
        "{} vCPU, {} memory",
        trim(request.cpu / 1024.0),
        mib_text(request.memory_mib)
    );
    let finding =
        |rule: &'static str, message: String| check.finding(rule, anchor, &format!("{at}/containers"), message);
    let Some(size) = provisioned(request) else {
        out.push(
            finding(
                ids::EKS_FG_TOO_LARGE,
                format!("no Fargate size holds this pod: it requests {asked} plus 256 MiB; the largest size is 16 vCPU / 120 GB"),
            )
            .with_label("too large for Fargate")
            .with_help("lower the requests, or run the pod on a managed node group"),
        );
        return;
    };
    out.push(
        finding(
            ids::EKS_FG_SIZE,
            format!(
                "Fargate will provision {} for this pod (requests {asked}, plus 256 MiB)",
                size.describe()
            ),
        )
        .with_label(format!("billed as {}", size.describe()))
        .with_help(format!(
            "about ${:.2} a month per pod at {} x86 prices as of {} (730 hours)",
            hourly(size) * 730.0,
            prices().region,
            prices().as_of
        )),
    );
    if let Some(jump) = jump(request, size) {
        out.push(
            finding(ids::EKS_FG_SIZE_JUMP, jump.message)
                .with_label("next size up")
                .with_help(jump.help),
        );
    }
}

/// Why a pod lands in a dearer size than its requests alone would need.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum JumpCause {
    /// The 256 MiB Fargate adds: without it the pod would get `from`, which holds memory
    /// requests up to `fits_mib`.
    Overhead { from: Size, fits_mib: u64 },
    /// The memory request: `from` is the largest size with the cpu the pod needs, which holds
    /// memory requests up to `fits_mib`.
    Memory { from: Size, fits_mib: u64 },
}

impl JumpCause {
    pub fn from(self) -> Size {
        match self {
            JumpCause::Overhead { from, .. } | JumpCause::Memory { from, .. } => from,
        }
    }
}

/// The FG111 logic, shared with `k2e estimate`: whether the 256 MiB overhead, or the memory
/// request, lands the pod (provisioned as `size`) in a dearer size.
pub fn jump_cause(request: Request, size: Size) -> Option<JumpCause> {
    let without_overhead = round_up(request.cpu, request.memory_mib)?;
    if without_overhead != size {
        return Some(JumpCause::Overhead {
            from: without_overhead,
            fits_mib: without_overhead.memory - OVERHEAD_MIB,
        });
    }
    let cpu_only = round_up(request.cpu, OVERHEAD_MIB as f64)?;
    if cpu_only.cpu < size.cpu {
        let largest = SizeTable::get()
            .pairs()
            .into_iter()
            .filter(|s| s.cpu == cpu_only.cpu)
            .max_by_key(|s| s.memory)?;
        return Some(JumpCause::Memory {
            from: largest,
            fits_mib: largest.memory - OVERHEAD_MIB,
        });
    }
    None
}

struct Jump {
    message: String,
    help: String,
}

fn jump(request: Request, size: Size) -> Option<Jump> {
    let cost = |from: Size| {
        let pct = (hourly(size) / hourly(from) - 1.0) * 100.0;
        format!("+{pct:.0}% cost at {} prices as of {}", prices().region, prices().as_of)
    };
    Some(match jump_cause(request, size)? {
        JumpCause::Overhead { from, fits_mib } => Jump {
            message: format!(
                "the 256 MiB Fargate adds pushes this pod from {} to {} ({})",
                from.describe(),
                size.describe(),
                cost(from)
            ),
            help: format!(
                "memory requests up to {} stay at {}",
                mib_text(fits_mib as f64),
                from.describe()
            ),
        },
        JumpCause::Memory { from, fits_mib } => Jump {
            message: format!(
                "the memory request pushes this pod from {} to {} ({})",
                from.describe(),
                size.describe(),
                cost(from)
            ),
            help: format!(
                "with {} vCPU, memory requests up to {} fit",
                trim(from.cpu as f64 / 1024.0),
                mib_text(fits_mib as f64)
            ),
        },
    })
}

fn mib_text(mib: f64) -> String {
    if mib >= 1024.0 {
        format!("{} GiB", trim(mib / 1024.0))
    } else {
        format!("{} MiB", trim(mib))
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn first_line(node: &Node) -> Span {
    Span::new(node.span.start, node.span.start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(request_vcpu: f64, request_gib: f64) -> Option<Size> {
        provisioned(Request {
            cpu: request_vcpu * 1024.0,
            memory_mib: request_gib * 1024.0,
        })
    }

    fn s(vcpu: f64, gb: f64) -> Option<Size> {
        Some(Size {
            cpu: (vcpu * 1024.0) as u64,
            memory: (gb * 1024.0) as u64,
        })
    }

    #[test]
    fn the_eks_guide_example() {
        // 1 vCPU + 8 GB requested -> +256 MiB -> 2 vCPU / 9 GB, about +59%.
        let request = Request {
            cpu: 1024.0,
            memory_mib: 8192.0,
        };
        let got = provisioned(request);
        assert_eq!(got, s(2.0, 9.0));
        let pushed = jump(request, got.unwrap()).unwrap();
        assert!(
            pushed
                .message
                .contains("from 1 vCPU / 8 GB to 2 vCPU / 9 GB (+59% cost"),
            "{}",
            pushed.message
        );
        assert!(
            pushed.help.contains("up to 7.75 GiB stay at 1 vCPU / 8 GB"),
            "{}",
            pushed.help
        );
    }

    #[test]
    fn table_edges() {
        assert_eq!(size(0.0, 0.0), s(0.25, 0.5), "no requests at all");
        assert_eq!(size(0.25, 0.25), s(0.25, 0.5));
        assert_eq!(size(0.25, 1.75), s(0.25, 2.0));
        assert_eq!(size(0.25, 1.76), s(0.5, 3.0));
        assert_eq!(size(0.5, 3.75), s(0.5, 4.0));
        assert_eq!(size(0.5, 3.76), s(1.0, 5.0));
        assert_eq!(size(1.0, 7.75), s(1.0, 8.0));
        assert_eq!(size(2.0, 15.75), s(2.0, 16.0));
        assert_eq!(size(2.0, 15.76), s(4.0, 17.0));
        assert_eq!(size(4.0, 29.75), s(4.0, 30.0));
        assert_eq!(size(4.0, 29.76), s(8.0, 32.0));
        assert_eq!(size(8.0, 59.75), s(8.0, 60.0));
        assert_eq!(size(8.0, 59.76), s(16.0, 64.0));
        assert_eq!(size(16.0, 119.75), s(16.0, 120.0));
        assert_eq!(size(16.0, 119.76), None);
        assert_eq!(size(16.01, 1.0), None);
        assert_eq!(size(0.26, 0.0), s(0.5, 1.0));
    }

    #[test]
    fn memory_pushing_the_cpu_tier_is_named() {
        let request = Request {
            cpu: 256.0,
            memory_mib: 2.5 * 1024.0,
        };
        let got = provisioned(request).unwrap();
        assert_eq!(Some(got), s(0.5, 3.0));
        let pushed = jump(request, got).unwrap();
        assert!(
            pushed
                .message
                .contains("memory request pushes this pod from 0.25 vCPU / 2 GB to 0.5 vCPU / 3 GB"),
            "{}",
            pushed.message
        );
        assert!(pushed.help.contains("up to 1.75 GiB fit"), "{}", pushed.help);
        assert!(
            jump(
                Request {
                    cpu: 1024.0,
                    memory_mib: 1024.0
                },
                s(1.0, 2.0).unwrap()
            )
            .is_none()
        );
    }

    #[test]
    fn prices_load() {
        assert!(prices().x86.vcpu_hour > 0.0);
    }

    #[test]
    fn an_init_container_runs_beside_the_sidecars_started_before_it() {
        // Sidecar 1 vCPU / 1 GiB, then init 2 vCPU / 2 GiB, then app 0.5 vCPU / 512 MiB: the init
        // container's peak is 3 vCPU / 3 GiB (KEP-753), so 4 vCPU / 8 GB.
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: sc}\nspec:\n  initContainers:\n  \
                    - {name: proxy, image: x, restartPolicy: Always, resources: {requests: {cpu: '1', memory: 1Gi}}}\n  \
                    - {name: migrate, image: x, resources: {requests: {cpu: '2', memory: 2Gi}}}\n  containers:\n  \
                    - {name: app, image: x, resources: {requests: {cpu: 500m, memory: 512Mi}}}\n";
        let sized = super::super::fargate_eks::findings_in(text)
            .into_iter()
            .find(|f| f.rule == ids::EKS_FG_SIZE)
            .expect("FG110");
        assert!(sized.message.contains("provision 4 vCPU / 8 GB"), "{}", sized.message);
        assert!(sized.message.contains("requests 3 vCPU, 3 GiB"), "{}", sized.message);
    }
}
