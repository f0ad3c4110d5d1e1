//! EKS on Fargate sizing: the size a pod is provisioned (and billed) at, and why it lands in a
//! dearer size than its requests alone need. The lint rules FG110-FG112 and `k2e estimate` both
//! size pods here.
//!
//! Fargate adds 256 MiB of memory for kubelet, kube-proxy and containerd to the pod's request and
//! rounds up to the smallest of its 74 sizes (data/fargate-ecs-sizes.yaml).

use super::fargate_sizes::{Size, SizeTable};

/// Memory Fargate reserves in every pod for its own agents.
pub const OVERHEAD_MIB: u64 = 256;

/// What a pod asks for: cpu units (1024 per vCPU) and memory MiB, before the overhead.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Request {
    pub cpu: f64,
    pub memory_mib: f64,
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
    fn jump_causes() {
        // The EKS guide's example: 1 vCPU + 8 GB -> 2 vCPU / 9 GB because of the overhead.
        let guide = Request {
            cpu: 1024.0,
            memory_mib: 8192.0,
        };
        assert_eq!(
            jump_cause(guide, s(2.0, 9.0).unwrap()),
            Some(JumpCause::Overhead {
                from: s(1.0, 8.0).unwrap(),
                fits_mib: 7936
            })
        );
        // 0.25 vCPU + 2.5 GiB: the memory, not the overhead, needs the 0.5 vCPU tier.
        let memory = Request {
            cpu: 256.0,
            memory_mib: 2560.0,
        };
        let cause = jump_cause(memory, s(0.5, 3.0).unwrap()).unwrap();
        assert_eq!(
            cause,
            JumpCause::Memory {
                from: s(0.25, 2.0).unwrap(),
                fits_mib: 1792
            }
        );
        assert_eq!(cause.from(), s(0.25, 2.0).unwrap());
        let fits = Request {
            cpu: 1024.0,
            memory_mib: 1024.0,
        };
        assert_eq!(jump_cause(fits, s(1.0, 2.0).unwrap()), None);
    }
}
