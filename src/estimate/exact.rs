//! An exact solver for small packing problems (branch and bound). The tests use it to measure
//! how far the heuristic is from the optimum; the heuristic uses it, with a budget, to repack
//! small windows of its own fleet (it is exponential, so never on a whole large problem).
//!
//! Replicas are placed one by one, largest first, on an open node or a new node of any type.
//! Replicas of one group are interchangeable, so each goes on a node at or after the previous
//! one's (strictly after for spread groups, which also keeps them on distinct nodes). The bound
//! is the open nodes' cost plus the demand left beyond their free room, bought at the cheapest
//! price per unit of the scarcest resource.

use super::model::Res;
use super::problem::{Node, Problem, Solution, dominant_share, fits, remaining};

pub struct Exact<'a> {
    p: &'a Problem,
    /// Replicas, as group indexes, largest first.
    items: Vec<usize>,
    /// suffix[i]: the demand of items i.. .
    suffix: Vec<[f64; 4]>,
    /// Cheapest USD per unit of each resource over all types.
    unit_price: [f64; 4],
    /// The LP's dual prices of the aggregate resources (over all types): any dual-feasible
    /// prices bound the cost of covering a demand from below (weak duality).
    dual: [f64; 4],
    by_price: Vec<usize>,
    best: f64,
    best_nodes: Option<Vec<Node>>,
    open: Vec<Node>,
    /// Node index of the previous replica of the same group.
    last: Vec<usize>,
    /// Free room summed over the open nodes.
    free: [f64; 4],
    pub expansions: u64,
    limit: u64,
}

impl<'a> Exact<'a> {
    pub fn new(p: &'a Problem, limit: u64) -> Exact<'a> {
        let big: Res = std::array::from_fn(|d| p.types.iter().map(|t| t.cap[d]).max().unwrap_or(1).max(1));
        let mut groups: Vec<usize> = (0..p.groups.len()).collect();
        groups.sort_by(|&a, &b| {
            dominant_share(&p.groups[b].demand, &big)
                .total_cmp(&dominant_share(&p.groups[a].demand, &big))
                .then(a.cmp(&b))
        });
        let items: Vec<usize> = groups
            .iter()
            .flat_map(|&g| std::iter::repeat_n(g, p.groups[g].count as usize))
            .collect();
        let mut suffix = vec![[0.0; 4]; items.len() + 1];
        for i in (0..items.len()).rev() {
            let d = p.groups[items[i]].demand;
            suffix[i] = std::array::from_fn(|r| suffix[i + 1][r] + d[r] as f64);
        }
        let unit_price = std::array::from_fn(|r| {
            p.types
                .iter()
                .filter(|t| t.cap[r] > 0)
                .map(|t| t.price / t.cap[r] as f64)
                .fold(f64::INFINITY, f64::min)
        });
        let dual = super::lp::aggregate_prices(p);
        let mut by_price: Vec<usize> = (0..p.types.len()).collect();
        by_price.sort_by(|&a, &b| p.types[a].price.total_cmp(&p.types[b].price));
        Exact {
            p,
            items,
            suffix,
            unit_price,
            dual,
            by_price,
            best: f64::INFINITY,
            best_nodes: None,
            open: Vec::new(),
            last: vec![0; p.groups.len()],
            free: [0.0; 4],
            expansions: 0,
            limit,
        }
    }

    /// The cheapest solution found under `upper` within the expansion limit, and whether the
    /// search finished (so that it is the optimum).
    pub fn search(self, upper: Option<f64>) -> (Option<(f64, Solution)>, bool) {
        let (found, done, _) = self.search_counted(upper);
        (found, done)
    }

    /// [`Exact::search`], also returning the expansions used.
    pub fn search_counted(mut self, upper: Option<f64>) -> (Option<(f64, Solution)>, bool, u64) {
        if let Some(u) = upper {
            self.best = u;
        }
        self.dfs(0, 0.0);
        let done = self.expansions <= self.limit;
        let used = self.expansions.min(self.limit);
        (self.best_nodes.map(|nodes| (self.best, Solution { nodes })), done, used)
    }

    fn bound(&self, i: usize) -> f64 {
        let extra: [f64; 4] = std::array::from_fn(|d| (self.suffix[i][d] - self.free[d]).max(0.0));
        let dual: f64 = (0..4).map(|d| extra[d] * self.dual[d]).sum();
        (0..4)
            .filter(|&d| self.unit_price[d].is_finite())
            .map(|d| extra[d] * self.unit_price[d])
            .fold(dual, f64::max)
    }

    fn dfs(&mut self, i: usize, cost: f64) {
        self.expansions += 1;
        if self.expansions > self.limit || cost + self.bound(i) >= self.best - 1e-9 {
            return;
        }
        if i == self.items.len() {
            self.best = cost;
            self.best_nodes = Some(self.open.clone());
            return;
        }
        let g = self.items[i];
        let group = &self.p.groups[g];
        let demand = group.demand;
        let first_of_group = i == 0 || self.items[i - 1] != g;
        let from = if first_of_group {
            0
        } else if group.spread {
            self.last[g] + 1
        } else {
            self.last[g]
        };
        let saved = self.last[g];
        let mut tried: Vec<(usize, Res)> = Vec::new();
        for j in from..self.open.len() {
            let ty = self.open[j].ty;
            if !group.compat[ty] {
                continue;
            }
            let rem = remaining(&self.p.types[ty].cap, &self.open[j].used);
            if !fits(&demand, &rem) || tried.contains(&(ty, rem)) {
                continue;
            }
            tried.push((ty, rem));
            self.open[j].add(g, &demand, 1);
            self.shift(&demand, -1.0);
            self.last[g] = j;
            self.dfs(i + 1, cost);
            self.take(j, g, &demand);
            self.shift(&demand, 1.0);
        }
        for k in 0..self.by_price.len() {
            let t = self.by_price[k];
            if !group.compat[t] || !fits(&demand, &self.p.types[t].cap) {
                continue;
            }
            let mut node = Node::new(t);
            node.add(g, &demand, 1);
            self.open.push(node);
            let room = remaining(&self.p.types[t].cap, &demand);
            self.shift(&room, 1.0);
            self.last[g] = self.open.len() - 1;
            let price = self.p.types[t].price;
            self.dfs(i + 1, cost + price);
            self.open.pop();
            self.shift(&room, -1.0);
        }
        self.last[g] = saved;
    }

    fn shift(&mut self, by: &Res, sign: f64) {
        for d in 0..4 {
            self.free[d] += sign * by[d] as f64;
        }
    }

    fn take(&mut self, j: usize, g: usize, demand: &Res) {
        let node = &mut self.open[j];
        for d in 0..4 {
            node.used[d] -= demand[d];
        }
        if let Some(pos) = node.items.iter().position(|(h, _)| *h == g) {
            node.items[pos].1 -= 1;
            if node.items[pos].1 == 0 {
                node.items.remove(pos);
            }
        }
    }
}
