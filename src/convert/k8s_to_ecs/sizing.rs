//! Task-level cpu and memory. The task must hold every container at once (ECS checks the sum
//! of container reservations against the task memory, and Fargate caps the task at its size),
//! so it holds the sum of the requests, and of the cpu limits where every container sets one.
//! On Fargate the size is then rounded up to the smallest of the 74 valid pairs.

use super::task::{CRole, Task};
use super::{Cx, td};
use crate::convert::loss::Fate;
use crate::model::facts::{Size, SizeTable};

/// The smallest Fargate size, also the default when nothing is requested.
const SMALLEST: Size = Size { cpu: 256, memory: 512 };

const WINDOWS_MIN_CPU: u64 = 1024;

/// The largest Fargate size: 16 vCPU / 120 GB.
const LARGEST: Size = Size {
    cpu: 16384,
    memory: 122_880,
};

const TOO_LARGE_FIX: &str =
    "lower the requests and limits to at most 16 vCPU / 120 GB in total, or convert with --launch-type ec2";

pub fn task_size(cx: &mut Cx<'_, '_>, task: &mut Task) -> Size {
    // Saturating: requests of 1e24 bytes each must read as "too large", not wrap to a small size.
    let requested_cpu = sum(task.containers.iter().map(|c| c.cpu.unwrap_or(0)));
    let mut running = task.containers.iter().filter(|c| c.role != CRole::Init);
    let limits: Option<u64> = running.try_fold(0, |total: u64, c| c.cpu_limit.map(|l| total.saturating_add(l)));
    let cpu = requested_cpu.max(limits.unwrap_or(0));
    let memory = sum(task
        .containers
        .iter()
        .map(|c| c.memory.unwrap_or(0).max(c.reservation.unwrap_or(0))));
    let pod_cpu = task.pod_limits.iter().find(|l| l.cpu).map(|l| l.value);
    let pod_memory = task.pod_limits.iter().find(|l| !l.cpu).map(|l| l.value);
    let mut wanted = Size {
        cpu: cpu.max(pod_cpu.unwrap_or(0)),
        memory: memory.max(pod_memory.unwrap_or(0)),
    };
    let windows = task.os_family.is_some_and(|os| os.starts_with("WINDOWS"));
    if windows && cx.fargate() && wanted.cpu < WINDOWS_MIN_CPU {
        // Windows tasks on Fargate run with 1, 2 or 4 vCPU.
        wanted.cpu = WINDOWS_MIN_CPU;
        cx.ledger.added(
            td("/cpu"),
            "Windows tasks on Fargate need at least 1 vCPU: cpu raised to 1024",
        );
    }
    let size = if cx.fargate() {
        let table = SizeTable::get();
        let at_least = Size {
            cpu: wanted.cpu.max(1),
            memory: wanted.memory.max(1),
        };
        match table.round_up(at_least) {
            Some(s) => s,
            None => {
                too_large(cx, task, wanted);
                return LARGEST;
            }
        }
    } else {
        Size {
            cpu: if wanted.cpu == 0 {
                SMALLEST.cpu
            } else {
                wanted.cpu.max(128)
            },
            memory: if wanted.memory == 0 {
                SMALLEST.memory
            } else {
                wanted.memory
            },
        }
    };
    for limit in &task.pod_limits {
        let (got, what) = if limit.cpu {
            (size.cpu, "/cpu")
        } else {
            (size.memory, "/memory")
        };
        if got == limit.value && limit.exact {
            cx.ledger.record(
                limit.path.clone(),
                limit.offset,
                Fate::Mapped,
                Some(td(what)),
                None,
                None,
            );
        } else {
            let reason = if got != limit.value {
                format!(
                    "{} is {} {}: raised to {got} to hold the containers{}",
                    limit.path.rsplit('/').next().unwrap_or(""),
                    limit.value,
                    if limit.cpu { "cpu units" } else { "MiB" },
                    if cx.fargate() { " and to be a Fargate size" } else { "" }
                )
            } else {
                "rounded up to whole cpu units / MiB".to_owned()
            };
            cx.ledger.record(
                limit.path.clone(),
                limit.offset,
                Fate::Approximated,
                Some(td(what)),
                Some(reason),
                None,
            );
        }
    }
    if pod_cpu.is_none() || pod_memory.is_none() {
        let basis = if wanted.cpu == 0 && wanted.memory == 0 {
            "no container requests cpu or memory".to_owned()
        } else {
            format!(
                "the containers request {} cpu units and {} MiB{}",
                wanted.cpu,
                wanted.memory,
                if limits.is_some() { " (cpu limits included)" } else { "" }
            )
        };
        let choice = if cx.fargate() {
            format!("the smallest Fargate size that holds them, {}", size.describe())
        } else {
            format!("{} cpu units and {} MiB", size.cpu, size.memory)
        };
        cx.ledger.added(
            td("/cpu"),
            format!("task size: {basis}; written as {choice}. Check it against real usage"),
        );
    }
    size
}

/// More than Fargate's largest size: the task gets the largest, and the containers' cpu and
/// memory values, which it cannot hold, are left out (the containers then share the task's).
fn too_large(cx: &mut Cx<'_, '_>, task: &mut Task, wanted: Size) {
    let reason = format!(
        "the pod needs {} cpu units and {} MiB, more than the largest Fargate size (16 vCPU / 120 GB): the task is written with the largest size and the containers without cpu or memory of their own",
        wanted.cpu, wanted.memory
    );
    for c in &mut task.containers {
        for key in ["cpu", "memory", "memoryReservation"] {
            c.map.remove(key);
        }
        for (path, offset) in std::mem::take(&mut c.sized_by) {
            cx.ledger.record(
                path,
                offset,
                Fate::Dropped,
                None,
                Some(reason.clone()),
                Some(TOO_LARGE_FIX.into()),
            );
        }
    }
    for limit in &task.pod_limits {
        cx.ledger.record(
            limit.path.clone(),
            limit.offset,
            Fate::Dropped,
            None,
            Some(reason.clone()),
            Some(TOO_LARGE_FIX.into()),
        );
    }
    cx.ledger.added(td("/cpu"), format!("task size: {reason}"));
}

fn sum(values: impl Iterator<Item = u64>) -> u64 {
    values.fold(0, u64::saturating_add)
}
