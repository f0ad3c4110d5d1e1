//! The packing problem: node types with their capacity and price, groups of identical replicas,
//! and a solution (nodes and what each holds). Shared by the heuristic, the exact solver and the
//! lower bound.

use super::model::{Arch, Os, Res};

#[derive(Clone, Debug)]
pub struct NodeType {
    pub name: String,
    /// USD per hour.
    pub price: f64,
    /// What replicas can use: allocatable less the daemons' requests.
    pub cap: Res,
    /// Allocatable before the daemons, for utilisation and cost shares.
    pub alloc: Res,
    pub arch: Arch,
    pub os: Os,
    pub gpus: u64,
    /// Indexes (in the caller's workload list) of the daemons this type runs.
    pub daemons: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct Group {
    /// The caller's workload index.
    pub id: usize,
    pub count: u64,
    /// One replica.
    pub demand: Res,
    /// At most one replica per node.
    pub spread: bool,
    /// compat[t]: a replica may run on type t (architecture, OS, GPUs, and it fits at all).
    pub compat: Vec<bool>,
}

#[derive(Clone, Debug, Default)]
pub struct Problem {
    pub types: Vec<NodeType>,
    pub groups: Vec<Group>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub ty: usize,
    pub used: Res,
    /// (group index, replicas).
    pub items: Vec<(usize, u64)>,
}

impl Node {
    pub fn new(ty: usize) -> Node {
        Node {
            ty,
            used: [0; 4],
            items: Vec::new(),
        }
    }

    pub fn add(&mut self, g: usize, demand: &Res, k: u64) {
        for d in 0..4 {
            self.used[d] += demand[d] * k;
        }
        // Replicas arrive group by group, so the last entry is nearly always the one.
        if let Some((h, n)) = self.items.last_mut() {
            if *h == g {
                *n += k;
                return;
            }
        }
        match self.items.iter_mut().find(|(h, _)| *h == g) {
            Some((_, n)) => *n += k,
            None => self.items.push((g, k)),
        }
    }

    pub fn holds(&self, g: usize) -> bool {
        self.items.iter().any(|(h, _)| *h == g)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Solution {
    pub nodes: Vec<Node>,
}

impl Solution {
    /// USD per hour.
    pub fn cost(&self, p: &Problem) -> f64 {
        self.nodes.iter().map(|n| p.types[n.ty].price).sum()
    }

    /// (type index, node count), by type name.
    pub fn counts(&self, p: &Problem) -> Vec<(usize, usize)> {
        let mut counts: Vec<(usize, usize)> = Vec::new();
        for n in &self.nodes {
            match counts.iter_mut().find(|(t, _)| *t == n.ty) {
                Some((_, c)) => *c += 1,
                None => counts.push((n.ty, 1)),
            }
        }
        counts.sort_by(|a, b| p.types[a.0].name.cmp(&p.types[b.0].name));
        counts
    }

    /// Whether every replica is placed once, on a compatible type, within capacity, and spread
    /// groups have at most one replica per node.
    pub fn is_valid(&self, p: &Problem) -> bool {
        let mut placed = vec![0u64; p.groups.len()];
        for n in &self.nodes {
            let mut used = [0u64; 4];
            for &(g, k) in &n.items {
                let group = &p.groups[g];
                if !group.compat[n.ty] || (group.spread && k > 1) {
                    return false;
                }
                placed[g] += k;
                for d in 0..4 {
                    used[d] += group.demand[d] * k;
                }
            }
            if used != n.used || (0..4).any(|d| used[d] > p.types[n.ty].cap[d]) {
                return false;
            }
        }
        placed.iter().zip(&p.groups).all(|(n, g)| *n == g.count)
    }
}

pub fn fits(need: &Res, free: &Res) -> bool {
    (0..4).all(|d| need[d] <= free[d])
}

pub fn remaining(cap: &Res, used: &Res) -> Res {
    [
        cap[0].saturating_sub(used[0]),
        cap[1].saturating_sub(used[1]),
        cap[2].saturating_sub(used[2]),
        cap[3].saturating_sub(used[3]),
    ]
}

/// How many replicas of `demand` fit in `free` (u64::MAX when the demand is all zeros).
pub fn how_many(demand: &Res, free: &Res) -> u64 {
    (0..4)
        .filter(|&d| demand[d] > 0)
        .map(|d| free[d] / demand[d])
        .min()
        .unwrap_or(u64::MAX)
}

/// A replica's largest share of one node resource: the FFD sort key.
pub fn dominant_share(demand: &Res, cap: &Res) -> f64 {
    (0..4)
        .filter(|&d| cap[d] > 0)
        .map(|d| demand[d] as f64 / cap[d] as f64)
        .fold(0.0, f64::max)
}
