//! Container resources: requests.cpu -> cpu (1024 units per core), requests.memory ->
//! memoryReservation and limits.memory -> memory (MiB), ephemeral storage -> the task's, GPUs
//! -> resourceRequirements. ECS has no per-container cpu cap: cpu limits size the task.

use super::task::Container;
use super::{Cx, td};
use crate::convert::cursor::At;
use crate::convert::value::Value;
use crate::convert_map;
use crate::model::quantity::{Quantity, Rounded};

/// Docker's smallest memory limit, which ECS enforces.
const MIN_MEMORY: u64 = 6;
const MIN_RESERVATION: u64 = 4;

pub fn container(cx: &mut Cx<'_, '_>, at: &At<'_>, c: &mut Container, index: usize) {
    if !at.is_map() {
        cx.ledger.invalid(at, "resource requirements");
        return;
    }
    let p = |f: &str| td(format!("/containerDefinitions/{index}/{f}"));
    let get = |section: &str, resource: &str| at.get(section).and_then(|s| s.get(resource));
    let parse = |cx: &mut Cx<'_, '_>, v: &At<'_>, f: fn(Quantity) -> Option<Rounded>| {
        let r = v.text().as_deref().and_then(Quantity::parse_amount).and_then(f);
        if r.is_none() {
            cx.ledger.invalid(v, "a quantity");
        }
        r
    };
    // cpu
    let request = get("requests", "cpu").and_then(|v| parse(cx, &v, Quantity::cpu_units).map(|r| (v, r)));
    let limit = get("limits", "cpu").and_then(|v| parse(cx, &v, Quantity::cpu_units).map(|r| (v, r)));
    if let Some((v, r)) = &request {
        c.cpu = Some(r.value);
        if r.exact {
            cx.ledger.mapped(v, p("cpu"));
        } else {
            cx.ledger.approx(
                v,
                p("cpu"),
                format!(
                    "not a whole number of cpu units (1024 per core): rounded up to {}",
                    r.value
                ),
            );
        }
    }
    if let Some((v, r)) = &limit {
        c.cpu_limit = Some(r.value);
        let mut reason = "ECS has no per-container cpu cap (a container's cpu is a share): the limit is counted in the task-level cpu".to_owned();
        if request.is_none() {
            c.cpu = Some(r.value);
            reason.push_str(", and is the container's cpu as Kubernetes makes it the request");
        }
        reason.push_str("; converting back gives a request");
        cx.ledger.approx(v, td("/cpu"), reason);
    }
    for v in [&request, &limit].into_iter().flatten() {
        c.sized_by.push((v.0.path.clone(), v.0.offset()));
    }
    // memory
    let limit = get("limits", "memory").and_then(|v| parse(cx, &v, Quantity::mib).map(|r| (v, r)));
    let request = get("requests", "memory").and_then(|v| parse(cx, &v, Quantity::mib).map(|r| (v, r)));
    if let Some((v, r)) = &limit {
        let mib = r.value.max(MIN_MEMORY);
        c.memory = Some(mib);
        if r.exact && mib == r.value {
            cx.ledger.mapped(v, p("memory"));
        } else {
            cx.ledger.approx(
                v,
                p("memory"),
                format!("not a whole number of MiB of at least {MIN_MEMORY}: written as {mib}"),
            );
        }
    }
    if let Some((v, r)) = &request {
        match c.memory {
            Some(m) if m == r.value => cx.ledger.approx(
                v,
                p("memory"),
                "equal to the limit: ECS reserves the hard limit when there is no reservation, so only memory is written; converting back gives the limit alone",
            ),
            Some(m) if m < r.value => cx.ledger.invalid(v, "a request at or below the limit"),
            _ => {
                let mib = r.value.max(MIN_RESERVATION);
                c.reservation = Some(mib);
                if r.exact && mib == r.value {
                    cx.ledger.mapped(v, p("memoryReservation"));
                } else {
                    cx.ledger.approx(
                        v,
                        p("memoryReservation"),
                        format!("not a whole number of MiB of at least {MIN_RESERVATION}: written as {mib}"),
                    );
                }
            }
        }
    }
    for v in [&request, &limit].into_iter().flatten() {
        c.sized_by.push((v.0.path.clone(), v.0.offset()));
    }
    if let Some(cpu) = c.cpu {
        c.map.insert("cpu", cpu);
    }
    if let Some(m) = c.memory {
        c.map.insert("memory", m);
    }
    if let Some(m) = c.reservation {
        c.map.insert("memoryReservation", m);
    }
    // everything else
    for (section, values) in at.entries() {
        match section {
            "requests" | "limits" => {
                if !values.is_map() {
                    cx.ledger.invalid(&values, "a map of quantities");
                }
                for (resource, v) in values.entries() {
                    match resource {
                        "cpu" | "memory" => {}
                        "ephemeral-storage" => ephemeral(cx, &v, c),
                        "nvidia.com/gpu" => gpu(cx, &v, section, at, c, index),
                        _ => cx.ledger.dropped(
                            &v,
                            format!("ECS has no {resource} resource"),
                            "nothing to convert (ECS offers cpu, memory, GPUs on EC2 and task ephemeral storage)",
                        ),
                    }
                }
            }
            "claims" => cx
                .ledger
                .dropped(&values, "ECS has no dynamic resource claims", "nothing to convert"),
            _ => cx.ledger.unknown(&values, "ResourceRequirements"),
        }
    }
}

fn ephemeral(cx: &mut Cx<'_, '_>, v: &At<'_>, c: &mut Container) {
    let Some(r) = v
        .text()
        .as_deref()
        .and_then(Quantity::parse_amount)
        .and_then(Quantity::gib)
    else {
        cx.ledger.invalid(v, "a quantity");
        return;
    };
    c.ephemeral_gib = c.ephemeral_gib.max(r.value);
    c.ephemeral_at.push((v.path.clone(), v.offset()));
    cx.ledger.approx(
        v,
        td("/ephemeralStorage/sizeInGiB"),
        if cx.fargate() {
            "ECS sizes ephemeral storage per task, in whole GiB: the containers' amounts are added up; Fargate includes 20 GiB and takes 21-200"
        } else {
            "ECS sizes ephemeral storage per task, in whole GiB: the containers' amounts are added up"
        },
    );
}

fn gpu(cx: &mut Cx<'_, '_>, v: &At<'_>, section: &str, resources: &At<'_>, c: &mut Container, index: usize) {
    if cx.fargate() {
        cx.not_on_fargate(v, "a GPU", "run the task on EC2 GPU instances (--launch-type ec2)");
        return;
    }
    let Some(n) = v.int().filter(|n| *n > 0) else {
        cx.ledger.invalid(v, "a whole number of GPUs");
        return;
    };
    let limit = resources
        .get("limits")
        .and_then(|l| l.get("nvidia.com/gpu"))
        .and_then(|g| g.int());
    if section == "requests" && limit.is_some() {
        // The limit, which must be equal, writes the requirement.
        cx.ledger.approx(
            v,
            td(format!("/containerDefinitions/{index}/resourceRequirements")),
            "the same as the limit: converting back writes the limit alone (Kubernetes sets the request to it)",
        );
        return;
    }
    c.map.insert(
        "resourceRequirements",
        vec![Value::Map(convert_map! {"type" => "GPU", "value" => n.to_string()})],
    );
    cx.ledger.mapped(
        v,
        td(format!("/containerDefinitions/{index}/resourceRequirements/0/value")),
    );
}
