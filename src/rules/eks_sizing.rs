//! EKS on Fargate sizing: the size a pod is billed for, and where the 256 MiB Fargate adds or a
//! request pushes it into a dearer size (FG110, FG111, FG112).
//!
//! Fargate takes, per resource, the larger of the biggest init container and the sum of the
//! long-running containers (sidecars included), adds 256 MiB of memory for kubelet, kube-proxy and
//! containerd, and rounds up to the smallest of its 74 sizes: the sizing itself is
//! `model::facts::eks_fargate`; this module reads the pod and words the findings.

use super::fargate_eks::Check;
use crate::finding::Finding;
use crate::finding::ids;
use crate::model::facts::Size;
use crate::model::facts::eks_fargate::{JumpCause, Request, jump_cause, provisioned};
use crate::model::facts::rates::{FargateTable, Rate};
use crate::model::k8s::{ContainerRef as Container, Sums};
use crate::model::quantity;
use crate::parse::{Node, Span};

/// The region whose x86 rates the lint messages quote (the one k2e ships rates for).
const REGION: &str = "us-east-1";

/// The x86 Fargate rates of `REGION`, from the table `k2e estimate` also prices with.
fn x86_rate() -> Rate {
    // The shipped table has us-east-1, and a test loads it, so this cannot fail at run time.
    FargateTable::get().regions[REGION].x86
}

fn hourly(size: Size) -> f64 {
    let rate = x86_rate();
    size.cpu as f64 / 1024.0 * rate.vcpu_hour + size.memory as f64 / 1024.0 * rate.gb_hour
}

/// The pod's effective request, per resource, as the scheduler counts it (KEP-753): the larger
/// of the biggest init container plus the native sidecars started before it, and the sum of the
/// long-running containers (sidecars included). A container without a request gets its limit as
/// request, as Kubernetes does.
pub(super) fn pod_request(containers: &[Container<'_>]) -> Request {
    let mut sums = Sums::<f64>::default();
    for c in containers {
        let get = |resource: &str| {
            c.request(resource)
                .and_then(|r| quantity::value_of(r.node))
                .unwrap_or(0.0)
        };
        sums.add(c.phase, get("cpu") * 1024.0, get("memory") / (1024.0 * 1024.0));
    }
    let [cpu, memory_mib] = sums.effective();
    Request { cpu, memory_mib }
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
            REGION,
            FargateTable::get().as_of
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

struct Jump {
    message: String,
    help: String,
}

fn jump(request: Request, size: Size) -> Option<Jump> {
    let cost = |from: Size| {
        let pct = (hourly(size) / hourly(from) - 1.0) * 100.0;
        format!("+{pct:.0}% cost at {REGION} prices as of {}", FargateTable::get().as_of)
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
    fn the_quoted_rates_load() {
        assert!(x86_rate().vcpu_hour > 0.0);
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
