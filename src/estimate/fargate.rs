//! What each workload costs on Fargate: the size Fargate provisions (and bills), and its price.
//!
//! EKS pods: per resource the larger of the biggest init container and the sum of the others,
//! plus the 256 MiB Fargate adds, rounded up to the smallest of the 74 sizes: the functions rules
//! FG110/FG111 use. ECS tasks: the task-level size, or the containers' sum rounded up to the
//! smallest valid pair.

use super::model::{FargateAsk, Os, TICKS_PER_UNIT, Workload, trim};
use crate::model::facts::eks_fargate::{self, JumpCause, Request};
use crate::model::facts::rates::FargateRates;
use crate::model::facts::{Size, SizeTable};
/// The smallest Windows task on Fargate, in cpu units.
const WINDOWS_MIN_CPU: u64 = 1024;
/// Ephemeral storage every Fargate task and pod gets without charge.
pub const FREE_STORAGE_GB: f64 = 20.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    pub size: Size,
    /// `x86`, `ARM` or `Windows`: the rate applied.
    pub rate: &'static str,
    /// USD per hour for one copy (Spot discount applied when `spot`).
    pub hourly: f64,
    pub spot: bool,
    /// A size jump worth knowing (the 256 MiB overhead or memory pushing the pod up a size).
    pub jump: Option<String>,
    /// How the size was arrived at when it is not the declared one.
    pub sizing: Option<String>,
}

/// The size EKS on Fargate provisions for a pod request (cpu in ticks, memory in MiB), or None
/// when no size holds it.
pub fn eks_size(cpu_ticks: u64, memory_mib: u64) -> Option<Size> {
    eks_fargate::provisioned(request(cpu_ticks, memory_mib))
}

fn request(cpu_ticks: u64, memory_mib: u64) -> Request {
    Request {
        cpu: cpu_ticks as f64 / TICKS_PER_UNIT as f64,
        memory_mib: memory_mib as f64,
    }
}

/// USD per hour of a Fargate size at a rate (before Spot), with `storage_gb` of ephemeral
/// storage.
pub fn hourly(size: Size, rates: &FargateRates, rate: &str, storage_gb: f64) -> f64 {
    let vcpu = size.cpu as f64 / 1024.0;
    let gb = size.memory as f64 / 1024.0;
    let compute = match rate {
        "ARM" => vcpu * rates.arm.vcpu_hour + gb * rates.arm.gb_hour,
        "Windows" => {
            let w = rates.windows.unwrap_or_default();
            vcpu * (w.vcpu_hour + w.os_vcpu_hour) + gb * w.gb_hour
        }
        _ => vcpu * rates.x86.vcpu_hour + gb * rates.x86.gb_hour,
    };
    compute + (storage_gb - FREE_STORAGE_GB).max(0.0) * rates.ephemeral_storage_gb_hour
}

/// The Fargate size and hourly price of one copy of a workload. Err says why Fargate cannot
/// size it (too large, or no Windows rate).
pub fn quote(w: &Workload, rates: &FargateRates, spot_percent: Option<f64>) -> Result<Quote, String> {
    let (size, jump, sizing, eks) = match w.fargate_ask {
        FargateAsk::Pod { cpu_ticks, memory_mib } => {
            let size = eks_size(cpu_ticks, memory_mib).ok_or_else(|| {
                format!(
                    "no Fargate size holds {} vCPU / {} plus 256 MiB (largest: 16 vCPU / 120 GB)",
                    super::model::vcpu_text(cpu_ticks),
                    super::model::mem_text(memory_mib)
                )
            })?;
            let jump = jump(cpu_ticks, memory_mib, size, rates);
            (size, jump, None, true)
        }
        FargateAsk::Task {
            cpu_units,
            memory_mib,
            declared,
        } => {
            let wanted = Size {
                cpu: cpu_units,
                memory: memory_mib,
            };
            // Windows tasks start at 1 vCPU (FG016).
            let floor = if w.os == Os::Windows { WINDOWS_MIN_CPU } else { 0 };
            let table = SizeTable::get();
            let size = table
                .round_up(Size {
                    cpu: cpu_units.max(floor),
                    memory: memory_mib,
                })
                .ok_or_else(|| {
                    format!("no Fargate size holds {cpu_units} cpu units / {memory_mib} MiB (largest: 16384 / 122880)")
                })?;
            let sizing = if declared && size == wanted {
                None
            } else if declared && cpu_units < floor {
                Some(format!(
                    "Windows tasks need at least 1 vCPU: task size {cpu_units}/{memory_mib} rounded up to {}",
                    size.describe()
                ))
            } else if declared {
                Some(format!(
                    "task size {cpu_units}/{memory_mib} is not a Fargate size; rounded up to {}",
                    size.describe()
                ))
            } else {
                Some(format!(
                    "no task-level size: containers' {cpu_units} cpu units / {memory_mib} MiB rounded up to {}",
                    size.describe()
                ))
            };
            (size, None, sizing, false)
        }
    };
    let rate = match w.os {
        Os::Windows if eks => return Err("EKS on Fargate runs no Windows pods".to_owned()),
        Os::Windows if rates.windows.is_none() => return Err("no Fargate Windows rate for this region".to_owned()),
        Os::Windows => "Windows",
        // EKS on Fargate is x86 only (an Arm-only pod is blocked by FG108); ECS tasks pay the ARM
        // rate when they may run on ARM.
        Os::Linux if !eks && w.archs.arm => "ARM",
        Os::Linux => "x86",
    };
    // A task without runtimePlatform runs on x86 Fargate; the ARM rate needs it set.
    let sizing = match (rate, &w.arch_from) {
        ("ARM", from) if !w.arch_pinned => Some(
            sizing.map_or_else(String::new, |s| format!("{s}; "))
                + &format!("priced at the ARM rate ({from}): set runtimePlatform.cpuArchitecture to ARM64"),
        ),
        _ => sizing,
    };
    let storage = w.ephemeral_gib.max(FREE_STORAGE_GB);
    let base = hourly(size, rates, rate, storage);
    // Fargate Spot: ECS only, Linux only.
    let spot = spot_percent.filter(|_| !eks && w.os == Os::Linux);
    let hourly = spot.map_or(base, |p| base * (1.0 - p / 100.0));
    Ok(Quote {
        size,
        rate,
        hourly,
        spot: spot.is_some(),
        jump,
        sizing,
    })
}

/// The FG111 warning in words, priced at the estimate's x86 rates: the 256 MiB overhead, or the
/// memory request, pushing a pod into a dearer size than its requests alone would need.
pub fn jump(cpu_ticks: u64, memory_mib: u64, size: Size, rates: &FargateRates) -> Option<String> {
    let price = |s: Size| hourly(s, rates, "x86", FREE_STORAGE_GB);
    let cause = eks_fargate::jump_cause(request(cpu_ticks, memory_mib), size)?;
    let from = cause.from();
    let pct = format!("+{:.0}%", (price(size) / price(from) - 1.0) * 100.0);
    Some(match cause {
        JumpCause::Overhead { fits_mib, .. } => format!(
            "the 256 MiB Fargate adds pushes it from {} to {} ({pct}); memory requests up to {} stay at {}",
            from.describe(),
            size.describe(),
            gib(fits_mib),
            from.describe()
        ),
        JumpCause::Memory { fits_mib, .. } => format!(
            "the memory request pushes it from {} to {} ({pct}); with {} vCPU memory requests up to {} fit",
            from.describe(),
            size.describe(),
            trim(from.cpu as f64 / 1024.0, 2),
            gib(fits_mib)
        ),
    })
}

fn gib(mib: u64) -> String {
    if mib >= 1024 {
        format!("{} GiB", trim(mib as f64 / 1024.0, 2))
    } else {
        format!("{mib} MiB")
    }
}
