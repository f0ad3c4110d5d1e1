//! Where each ECS container goes, decided by the dependencies. Essential containers are the pod's
//! containers. A non-essential container another one waits for with SUCCESS or COMPLETE runs once
//! before it: an init container. One others wait for with START or HEALTHY is a long-running
//! helper they need first: a sidecar (an init container with restartPolicy Always). Any other
//! non-essential container, and a helper that itself waits for a regular container, stays a
//! regular container: as a sidecar it would start before what it waits for and, if it exits,
//! restart forever. Init containers and sidecars keep the order their dependencies give, which
//! is the order --to ecs chains them in.

use crate::convert::cursor::At;
use crate::convert::names::dns_label;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CRole {
    Regular,
    Init,
    Sidecar,
}

#[derive(Clone, Debug)]
pub struct Slot {
    pub ecs_name: String,
    /// The Kubernetes name (a DNS label, unique in the pod).
    pub name: String,
    pub role: CRole,
    /// "containers" or "initContainers", and the position in that list.
    pub list: &'static str,
    pub index: usize,
}

/// What a container's dependency becomes.
#[derive(Debug, PartialEq, Eq)]
pub enum DepFate {
    /// Exactly what --to ecs writes for this order: converting back gives it again.
    Kept,
    /// Guaranteed by the Kubernetes start order, though not written the same way.
    Implied,
    /// Kubernetes cannot express it.
    Lost,
}

pub struct Plan {
    /// Per ECS container (None when it has no name).
    pub slots: Vec<Option<Slot>>,
}

fn condition_of(dep: &At<'_>) -> Option<(String, String)> {
    Some((
        dep.get("containerName")?.str()?.to_owned(),
        dep.get("condition")?.str()?.to_owned(),
    ))
}

/// Each container's role; see the module comment.
fn roles(names: &[Option<String>], essential: &[bool], deps: &[Vec<(String, String)>]) -> Vec<CRole> {
    let awaited = |conditions: &[&str]| -> BTreeSet<&str> {
        deps.iter()
            .flatten()
            .filter(|(_, cond)| conditions.contains(&cond.as_str()))
            .map(|(n, _)| n.as_str())
            .collect()
    };
    let (once, running) = (awaited(&["SUCCESS", "COMPLETE"]), awaited(&["START", "HEALTHY"]));
    let mut roles: Vec<CRole> = names
        .iter()
        .zip(essential)
        .map(|(n, e)| match (e, n.as_deref()) {
            (true, _) | (false, None) => CRole::Regular,
            (false, Some(n)) if once.contains(n) => CRole::Init,
            (false, Some(n)) if running.contains(n) => CRole::Sidecar,
            (false, Some(_)) => CRole::Regular,
        })
        .collect();
    // Init containers and sidecars start before every regular container: one that waits for a
    // regular container cannot be one. Demoting it may demote those that wait for it.
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..roles.len() {
            let waits_for_regular = deps[i].iter().any(|(on, _)| {
                names
                    .iter()
                    .position(|n| n.as_deref() == Some(on.as_str()))
                    .is_some_and(|j| j != i && roles[j] == CRole::Regular)
            });
            if roles[i] != CRole::Regular && waits_for_regular {
                roles[i] = CRole::Regular;
                changed = true;
            }
        }
    }
    roles
}

impl Plan {
    pub fn new(containers: &[At<'_>]) -> Plan {
        let names: Vec<Option<String>> = containers
            .iter()
            .map(|c| c.get("name").and_then(|n| n.str().map(str::to_owned)))
            .collect();
        let essential: Vec<bool> = containers
            .iter()
            .map(|c| c.get("essential").and_then(|e| e.bool()).unwrap_or(true))
            .collect();
        let deps: Vec<Vec<(String, String)>> = containers
            .iter()
            .map(|c| {
                c.get("dependsOn")
                    .map(|d| d.items())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(condition_of)
                    .collect()
            })
            .collect();
        let roles = roles(&names, &essential, &deps);
        // Init list order: dependencies first, ECS order otherwise (Kahn's algorithm).
        let init: Vec<usize> = (0..containers.len())
            .filter(|&i| roles[i] != CRole::Regular && names[i].is_some())
            .collect();
        let position: BTreeMap<&str, usize> = init.iter().filter_map(|&i| Some((names[i].as_deref()?, i))).collect();
        let mut ordered = Vec::new();
        let mut done = BTreeSet::new();
        while ordered.len() < init.len() {
            let ready = init.iter().copied().find(|i| {
                !done.contains(i)
                    && deps[*i]
                        .iter()
                        .filter_map(|(n, _)| position.get(n.as_str()))
                        .all(|d| done.contains(d) || d == i)
            });
            // A cycle: take the rest in ECS order.
            let next = ready.unwrap_or_else(|| init.iter().copied().find(|i| !done.contains(i)).unwrap_or(0));
            done.insert(next);
            ordered.push(next);
        }
        let mut taken = BTreeSet::new();
        let mut k8s_name = |i: usize| -> Option<String> {
            let base = dns_label(names[i].as_deref()?);
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = dns_label(&format!("{base}-{n}"));
                n += 1;
            }
            Some(name)
        };
        let mut slots: Vec<Option<Slot>> = vec![None; containers.len()];
        let mut regular = 0;
        for i in 0..containers.len() {
            if roles[i] == CRole::Regular {
                if let Some(name) = k8s_name(i) {
                    slots[i] = Some(Slot {
                        ecs_name: names[i].clone().unwrap_or_default(),
                        name,
                        role: CRole::Regular,
                        list: "containers",
                        index: regular,
                    });
                    regular += 1;
                }
            }
        }
        for (j, &i) in ordered.iter().enumerate() {
            if let Some(name) = k8s_name(i) {
                slots[i] = Some(Slot {
                    ecs_name: names[i].clone().unwrap_or_default(),
                    name,
                    role: roles[i],
                    list: "initContainers",
                    index: j,
                });
            }
        }
        Plan { slots }
    }

    fn by_ecs_name(&self, name: &str) -> Option<&Slot> {
        self.slots.iter().flatten().find(|s| s.ecs_name == name)
    }

    /// The init list, in order.
    fn init_list(&self) -> Vec<&Slot> {
        let mut l: Vec<&Slot> = self
            .slots
            .iter()
            .flatten()
            .filter(|s| s.list == "initContainers")
            .collect();
        l.sort_by_key(|s| s.index);
        l
    }

    /// What becomes of `container`'s dependency on `on` with `condition`.
    pub fn dependency(&self, container: &Slot, on: &str, condition: &str) -> DepFate {
        let Some(target) = self.by_ecs_name(on) else {
            return DepFate::Lost;
        };
        if target.list != "initContainers" {
            return DepFate::Lost;
        }
        let init = self.init_list();
        let expected_on = match container.list {
            "containers" => init.last().copied(),
            _ => container.index.checked_sub(1).and_then(|k| init.get(k).copied()),
        };
        let expected_condition = if target.role == CRole::Init { "SUCCESS" } else { "START" };
        let before = container.list == "containers" || target.index < container.index;
        if expected_on.is_some_and(|e| e.ecs_name == on) && condition == expected_condition {
            DepFate::Kept
        } else if before && (condition == expected_condition || (target.role == CRole::Init && condition == "COMPLETE"))
        {
            DepFate::Implied
        } else {
            DepFate::Lost
        }
    }
}
