//! The task size (task-level `cpu` and `memory`). Kubernetes has pod-level `resources` on by
//! default from 1.34 (beta; 1.32-1.33 drop the field, older versions reject it): from there the
//! task size is the pod's limits. For an older --kubernetes-version it is split into container
//! limits: each container and sidecar (they run together) keeps its own limit if it has one, else
//! gets its own reservation plus an equal share of what the task has left; a plain init container
//! (it runs before them, beside the sidecars only) gets the task size less the sidecars' limits.

use super::Cx;
use super::plan::{CRole, Slot};
use crate::convert::loss::Fate;
use crate::convert::value::Map;
use crate::model::quantity::{cpu_quantity, memory_quantity};

/// The first Kubernetes minor version with pod-level resources on by default.
pub const POD_RESOURCES_FROM: (u64, u64) = (1, 34);

/// One task-level size, kept until the containers are known.
#[derive(Debug)]
pub struct TaskSize {
    /// "cpu" (ECS cpu units) or "memory" (MiB).
    pub resource: &'static str,
    pub amount: u64,
    pub path: String,
    pub offset: usize,
}

/// What a container asks for, in ECS units: cpu units, MiB.
#[derive(Clone, Debug, Default)]
pub struct Asks {
    pub cpu: Option<u64>,
    pub memory: Option<u64>,
    pub memory_reservation: Option<u64>,
    /// Where `memoryReservation` is (JSON pointer, byte offset), to revise its note.
    pub reservation_at: Option<(String, usize)>,
}

impl Asks {
    fn limit(&self, resource: &str) -> Option<u64> {
        (resource == "memory").then_some(self.memory).flatten()
    }

    fn request(&self, resource: &str) -> u64 {
        let r = if resource == "cpu" {
            self.cpu
        } else {
            self.memory_reservation
        };
        r.unwrap_or(0)
    }
}

pub fn pod_level(cx: &Cx<'_>) -> bool {
    cx.opts.kubernetes_version >= POD_RESOURCES_FROM
}

/// Writes each task size into the containers' limits and notes where it went.
pub fn split(cx: &mut Cx<'_>, sizes: Vec<TaskSize>, containers: &mut [(Slot, Map)], asks: &[Asks]) {
    for size in sizes {
        let limits = limits(&size, containers, asks);
        let mut first = None;
        for (i, limit) in limits.iter().enumerate() {
            let (Some(limit), Some((slot, map))) = (limit, containers.get_mut(i)) else {
                continue;
            };
            write(map, size.resource, *limit);
            if let Some(a) = asks.get(i) {
                limit_meets_reservation(cx, size.resource, *limit, a, slot);
            }
            let to = cx.pod(format!(
                "/{}/{}/resources/limits/{}",
                slot.list, slot.index, size.resource
            ));
            if first
                .as_ref()
                .is_none_or(|(list, _)| *list != "containers" && slot.list == "containers")
            {
                first = Some((slot.list, to));
            }
        }
        let (major, minor) = cx.opts.kubernetes_version;
        let (to, how) = match first {
            Some((_, to)) => (
                to,
                "split into container limits: each container and sidecar keeps its own limit or gets its own reservation plus an equal share of the rest, a plain init container the task size less the sidecars' limits",
            ),
            None => (
                cx.pod("/containers"),
                "every container has its own limit, within the task size: nothing to add",
            ),
        };
        cx.ledger.record(
            size.path,
            size.offset,
            Fate::Approximated,
            Some(to),
            Some(format!(
                "Kubernetes {major}.{minor} has no pod-level resources (beta, on by default from 1.34): the task {} is {how} (--kubernetes-version 1.34 or later writes it as the pod's)",
                size.resource
            )),
            None,
        );
    }
}

/// A memory limit from the task size equal to the container's reservation: converting back
/// writes `memory` alone (ECS reserves the hard limit when there is no reservation), so the
/// reservation does not come back as it was.
fn limit_meets_reservation(cx: &mut Cx<'_>, resource: &str, limit: u64, asks: &Asks, slot: &Slot) {
    let Some((path, offset)) = &asks.reservation_at else {
        return;
    };
    if resource != "memory" || asks.memory_reservation != Some(limit) {
        return;
    }
    let to = cx.pod(format!("/{}/{}/resources/requests/memory", slot.list, slot.index));
    cx.ledger.record(
        path.clone(),
        *offset,
        Fate::Approximated,
        Some(to),
        Some("the container's share of the task memory equals its reservation, so request and limit are equal: converting back writes memory alone, which ECS also reserves".into()),
        None,
    );
}

/// The limit each container gets, in ECS units (None: it keeps what it has).
fn limits(size: &TaskSize, containers: &[(Slot, Map)], asks: &[Asks]) -> Vec<Option<u64>> {
    let r = size.resource;
    let ask = |i: usize| asks.get(i).cloned().unwrap_or_default();
    let together: Vec<usize> = (0..containers.len())
        .filter(|&i| containers[i].0.role != CRole::Init)
        .collect();
    let fixed: u64 = together.iter().filter_map(|&i| ask(i).limit(r)).sum();
    let open: Vec<usize> = together
        .iter()
        .copied()
        .filter(|&i| ask(i).limit(r).is_none())
        .collect();
    let reserved: u64 = open.iter().map(|&i| ask(i).request(r)).sum();
    let share = match u64::try_from(open.len()) {
        Ok(n) if n > 0 => size.amount.saturating_sub(fixed + reserved) / n,
        _ => 0,
    };
    let mut out = vec![None; containers.len()];
    for &i in &open {
        out[i] = Some(ask(i).request(r) + share);
    }
    let sidecars: u64 = (0..containers.len())
        .filter(|&i| containers[i].0.role == CRole::Sidecar)
        .filter_map(|i| out[i].or(ask(i).limit(r)))
        .sum();
    for i in 0..containers.len() {
        if containers[i].0.role == CRole::Init && ask(i).limit(r).is_none() {
            out[i] = Some(size.amount.saturating_sub(sidecars).max(ask(i).request(r)));
        }
    }
    // A limit of 0 is no limit at all: left out.
    out.into_iter().map(|l| l.filter(|&n| n > 0)).collect()
}

fn write(map: &mut Map, resource: &str, amount: u64) {
    let quantity = if resource == "cpu" {
        cpu_quantity(amount).0
    } else {
        memory_quantity(amount)
    };
    let resources = map.map_mut("resources");
    resources.map_mut("limits").insert(resource, quantity);
    resources.map_mut("limits").sort_keys();
    resources.sort_keys();
    map.sort_by_order(super::container::CONTAINER_ORDER);
}
