//! What an EC2 node offers to pods or tasks once the node's own needs are taken out
//! (../shared/reference/aws-facts.md section 4).

use super::catalog::InstanceType;
use super::model::{Res, TICKS_PER_MILLI, TICKS_PER_UNIT, TICKS_PER_VCPU};

/// Memory the hypervisor and kernel keep from an instance's nominal memory before kubelet sees
/// it. Karpenter's default VM_MEMORY_OVERHEAD_PERCENT: with it, m6i.large comes to the
/// 6903Mi allocatable EKS reports.
pub const VM_MEMORY_OVERHEAD: f64 = 0.075;
/// kubelet's hard eviction threshold on the EKS AMIs (memory.available < 100Mi).
pub const EVICTION_MIB: u64 = 100;
/// The ECS agent registers the memory the OS reports, which is below nominal: the ECS guide's
/// m4.large registers 7985 of 8192 MiB (2.5% less).
pub const ECS_OS_MEMORY: f64 = 0.025;

/// EKS max pods with the VPC CNI and no prefix delegation: each ENI but the primary one's own
/// address serves pods, plus 2 host-network pods (kube-proxy, aws-node).
pub fn eni_max_pods(t: &InstanceType) -> u64 {
    t.max_enis * t.ipv4_per_eni.saturating_sub(1) + 2
}

/// kube-reserved CPU (EKS AMI / Karpenter): 6% of the first core, 1% of the second, 0.5% of
/// cores 3 and 4, 0.25% of every core above 4. In ticks (1 millicore = 1,024).
pub fn kube_reserved_cpu(vcpus: u64) -> u64 {
    // Tenths of a millicore, so 2.5m per core stays whole.
    let mut tenths = 0;
    for core in 1..=vcpus {
        tenths += match core {
            1 => 600,
            2 => 100,
            3 | 4 => 50,
            _ => 25,
        };
    }
    tenths * TICKS_PER_MILLI / 10
}

/// kube-reserved memory (EKS AMI / Karpenter): 11 MiB per pod plus 255 MiB.
pub fn kube_reserved_memory(max_pods: u64) -> u64 {
    11 * max_pods + 255
}

/// Allocatable cpu, memory and pods of an EKS node, before DaemonSets.
pub fn kubernetes(t: &InstanceType, max_pods: Option<u32>) -> Res {
    let pods = max_pods.map_or_else(|| eni_max_pods(t), u64::from);
    let cpu = (t.vcpus * TICKS_PER_VCPU).saturating_sub(kube_reserved_cpu(t.vcpus));
    let overhead = (t.memory_mib as f64 * VM_MEMORY_OVERHEAD).ceil() as u64;
    let memory = t
        .memory_mib
        .saturating_sub(overhead)
        .saturating_sub(kube_reserved_memory(pods))
        .saturating_sub(EVICTION_MIB);
    [cpu, memory, pods, t.gpus]
}

/// awsvpc tasks one ECS container instance can run: one ENI each, the primary ENI being the
/// instance's own. With ENI trunking the limit is a per-type figure k2e does not ship, so it is
/// not applied (the assumptions say so).
pub fn ecs_awsvpc_tasks(t: &InstanceType, trunking: bool) -> u64 {
    if trunking {
        u64::MAX / 4
    } else {
        t.max_enis.saturating_sub(1)
    }
}

/// Registered cpu (units as ticks), memory and awsvpc task slots of an ECS container instance.
pub fn ecs(t: &InstanceType, trunking: bool, reserved_mib: u64) -> Res {
    let cpu = t.vcpus * 1024 * TICKS_PER_UNIT;
    let os = (t.memory_mib as f64 * ECS_OS_MEMORY).ceil() as u64;
    let memory = t.memory_mib.saturating_sub(os).saturating_sub(reserved_mib);
    [cpu, memory, ecs_awsvpc_tasks(t, trunking), t.gpus]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::catalog::Catalog;

    #[test]
    fn m6i_large_matches_eks() {
        let t = Catalog::get().find("m6i.large").unwrap();
        assert_eq!(eni_max_pods(t), 29);
        let a = kubernetes(t, None);
        assert_eq!(a[0], 1930 * TICKS_PER_MILLI, "1930m");
        assert_eq!(a[1], 6903, "6903Mi");
        assert_eq!(a[2], 29);
    }

    #[test]
    fn reserved_cpu_steps() {
        assert_eq!(kube_reserved_cpu(1), 60 * TICKS_PER_MILLI);
        assert_eq!(kube_reserved_cpu(2), 70 * TICKS_PER_MILLI);
        assert_eq!(kube_reserved_cpu(4), 80 * TICKS_PER_MILLI);
        // 8 cores: 80m + 4 x 2.5m.
        assert_eq!(kube_reserved_cpu(8), 90 * TICKS_PER_MILLI);
    }

    #[test]
    fn ecs_density() {
        let t = Catalog::get().find("c5.large").unwrap();
        assert_eq!(ecs_awsvpc_tasks(t, false), 2, "the ECS guide's c5.large example");
        let a = ecs(t, false, 0);
        assert_eq!(a[0], 2048 * TICKS_PER_UNIT);
        assert_eq!(a[1], 4096 - 103);
        assert_eq!(ecs(t, false, 256)[1], 4096 - 103 - 256);
    }
}
