//! Fleets from the LP's own node patterns (column generation): the LP "buy x_p nodes filled
//! with pattern p, so that every group's replicas are covered" is solved over a growing set of
//! patterns, each new one the filling of one type that the current dual prices value above the
//! type's price. Its optimum is a lower bound on any fleet of those patterns, and at scale the
//! fleet is nearly the LP's: whole nodes of each pattern (x_p rounded down), the replicas left
//! over packed by the heuristic, then the local moves. A set scaled x10 gets ten times the
//! patterns' nodes, so the fleet's cost grows with the set, not faster.

use super::lp;
use super::problem::{Node, Problem, Solution, dominant_share, how_many};

/// Rounds of pricing; each adds at most one pattern per type.
const ROUNDS: usize = 40;
/// Patterns added per round (the best by value per dollar).
const PER_ROUND: usize = 6;
/// Groups up to which the master LP (one row per group, dense) is solved.
pub const MAX_GROUPS: usize = 120;

/// A node's contents: (group, replicas).
type Pattern = Vec<(usize, u64)>;
/// The master's patterns (type, contents) and how many nodes of each it buys.
type Columns = (Vec<(usize, Pattern)>, Vec<f64>);

/// The fleet built from the LP's patterns, or None when the problem is too large for the dense
/// master or some group fits nowhere. `leftover` packs the replicas rounding leaves out.
pub fn fleet(p: &Problem, leftover: impl Fn(&Problem) -> Option<Solution>) -> Option<Solution> {
    let groups: Vec<usize> = (0..p.groups.len()).filter(|&g| p.groups[g].count > 0).collect();
    if groups.is_empty() || groups.len() > MAX_GROUPS {
        return None;
    }
    let (patterns, x) = solve(p, &groups)?;
    let mut left: Vec<u64> = p.groups.iter().map(|g| g.count).collect();
    let mut nodes = Vec::new();
    // Largest amounts first, so the patterns the LP leans on are the ones bought whole.
    let mut order: Vec<usize> = (0..patterns.len()).filter(|&i| x[i] >= 1.0 - 1e-9).collect();
    order.sort_by(|&a, &b| x[b].total_cmp(&x[a]).then(a.cmp(&b)));
    for i in order {
        let (t, pattern) = &patterns[i];
        // The LP covers at least the demand: a pattern whose replicas earlier ones already
        // took is bought with what is left of them (right-sized later), or not at all.
        for _ in 0..(x[i] + 1e-9).floor() as u64 {
            let mut node = Node::new(*t);
            for &(g, k) in pattern {
                let k = k.min(left[g]);
                if k > 0 {
                    node.add(g, &p.groups[g].demand, k);
                    left[g] -= k;
                }
            }
            if node.items.is_empty() {
                break;
            }
            nodes.push(node);
        }
    }
    let rest = Problem {
        types: p.types.clone(),
        groups: p
            .groups
            .iter()
            .zip(&left)
            .map(|(g, &n)| super::problem::Group { count: n, ..g.clone() })
            .collect(),
    };
    if left.iter().any(|&n| n > 0) {
        nodes.extend(leftover(&rest)?.nodes);
    }
    Some(Solution { nodes })
}

/// The master LP over generated patterns: the patterns and how many of each it buys.
fn solve(p: &Problem, groups: &[usize]) -> Option<Columns> {
    let demand: Vec<f64> = groups.iter().map(|&g| p.groups[g].count as f64).collect();
    let mut patterns: Vec<(usize, Pattern)> = Vec::new();
    // Start from each group alone on its cheapest node per replica, so the master is feasible.
    for &g in groups {
        let best = (0..p.types.len())
            .filter(|&t| p.groups[g].compat[t])
            .filter_map(|t| {
                let k = single(p, t, g);
                (k > 0).then(|| (p.types[t].price / k as f64, t, k))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))?;
        patterns.push((best.1, vec![(g, best.2)]));
    }
    let mut last = None;
    for _ in 0..ROUNDS {
        let (_, y, x) = master(p, groups, &patterns, &demand)?;
        last = Some(x);
        let value: Vec<f64> = {
            let mut v = vec![0.0; p.groups.len()];
            for (i, &g) in groups.iter().enumerate() {
                v[g] = y[i];
            }
            v
        };
        // The most valuable fillings per dollar only, so the dense master stays small.
        let mut found: Vec<(f64, usize, Pattern)> = (0..p.types.len())
            .filter_map(|t| {
                let (pattern, worth) = price(p, t, &value)?;
                let fresh = !patterns.iter().any(|(u, q)| *u == t && *q == pattern);
                (fresh && worth > p.types[t].price * (1.0 + 1e-7)).then(|| (worth / p.types[t].price, t, pattern))
            })
            .collect();
        if found.is_empty() {
            break;
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        patterns.extend(found.into_iter().take(PER_ROUND).map(|(_, t, q)| (t, q)));
        last = None;
    }
    let x = match last {
        Some(x) => x,
        None => master(p, groups, &patterns, &demand)?.2,
    };
    Some((patterns, x))
}

fn master(
    p: &Problem,
    groups: &[usize],
    patterns: &[(usize, Pattern)],
    demand: &[f64],
) -> Option<(f64, Vec<f64>, Vec<f64>)> {
    let costs: Vec<f64> = patterns.iter().map(|(t, _)| p.types[*t].price).collect();
    let rows: Vec<Vec<f64>> = groups
        .iter()
        .map(|&g| {
            patterns
                .iter()
                .map(|(_, q)| q.iter().find(|&&(h, _)| h == g).map_or(0.0, |&(_, k)| k as f64))
                .collect()
        })
        .collect();
    lp::covering_primal(&costs, &rows, demand)
}

/// Replicas of group g alone on one node of type t.
fn single(p: &Problem, t: usize, g: usize) -> u64 {
    let group = &p.groups[g];
    let k = how_many(&group.demand, &p.types[t].cap).min(group.count);
    if group.spread { k.min(1) } else { k }
}

/// The pricing problem of type t (a multi-resource knapsack): the filling the dual prices value
/// most, by branch and bound over the groups in order of value per dominant share (within
/// `PRICING_BUDGET` steps; the greedy fillings seed it). The filling and its value.
fn price(p: &Problem, t: usize, value: &[f64]) -> Option<(Pattern, f64)> {
    let cap = p.types[t].cap;
    let useful: Vec<usize> = (0..p.groups.len())
        .filter(|&g| p.groups[g].compat[t] && p.groups[g].count > 0 && value[g] > 1e-12)
        .collect();
    if useful.is_empty() {
        return None;
    }
    let share = |g: usize| dominant_share(&p.groups[g].demand, &cap).max(1e-12);
    let mut dense = useful.clone();
    dense.sort_by(|&a, &b| (value[b] / share(b)).total_cmp(&(value[a] / share(a))).then(a.cmp(&b)));
    let mut large = useful;
    large.sort_by(|&a, &b| share(b).total_cmp(&share(a)).then(a.cmp(&b)));
    let seed = [&dense, &large]
        .iter()
        .map(|order| fill(p, t, order, value))
        .filter(|(q, _)| !q.is_empty())
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let mut search = Knapsack {
        p,
        cap,
        order: &dense,
        value,
        density: dense.iter().map(|&g| value[g] / share(g)).collect(),
        best: seed,
        current: Vec::new(),
        steps: 0,
    };
    search.dfs(0, cap, 0.0);
    let mut best = search.best;
    best.0.sort_unstable();
    Some(best)
}

/// Steps of the pricing branch and bound per type and round.
const PRICING_BUDGET: u64 = 4_000;

struct Knapsack<'a> {
    p: &'a Problem,
    cap: super::model::Res,
    order: &'a [usize],
    value: &'a [f64],
    /// Value per dominant share of each group in `order` (non-increasing).
    density: Vec<f64>,
    best: (Pattern, f64),
    current: Pattern,
    steps: u64,
}

impl Knapsack<'_> {
    fn dfs(&mut self, i: usize, free: super::model::Res, worth: f64) {
        self.steps += 1;
        if worth > self.best.1 + 1e-12 {
            self.best = (self.current.clone(), worth);
        }
        if i == self.order.len() || self.steps > PRICING_BUDGET {
            return;
        }
        // No filling of the room left is worth more than its largest share at the best density.
        let room = (0..4)
            .filter(|&d| self.cap[d] > 0)
            .map(|d| free[d] as f64 / self.cap[d] as f64)
            .fold(f64::INFINITY, f64::min);
        if worth + room * self.density[i] <= self.best.1 + 1e-12 {
            return;
        }
        let g = self.order[i];
        let group = &self.p.groups[g];
        let mut most = how_many(&group.demand, &free).min(group.count);
        if group.spread {
            most = most.min(1);
        }
        for k in (0..=most).rev() {
            let left: super::model::Res = std::array::from_fn(|d| free[d] - group.demand[d] * k);
            if k > 0 {
                self.current.push((g, k));
            }
            self.dfs(i + 1, left, worth + self.value[g] * k as f64);
            if k > 0 {
                self.current.pop();
            }
        }
    }
}

fn fill(p: &Problem, t: usize, order: &[usize], value: &[f64]) -> (Pattern, f64) {
    let mut free = p.types[t].cap;
    let mut pattern = Vec::new();
    let mut worth = 0.0;
    for &g in order {
        let group = &p.groups[g];
        let mut k = how_many(&group.demand, &free).min(group.count);
        if group.spread {
            k = k.min(1);
        }
        if k == 0 {
            continue;
        }
        for d in 0..4 {
            free[d] -= group.demand[d] * k;
        }
        pattern.push((g, k));
        worth += value[g] * k as f64;
    }
    pattern.sort_unstable();
    (pattern, worth)
}
