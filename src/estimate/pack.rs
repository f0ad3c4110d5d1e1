//! The packing heuristic: the cheapest homogeneous fleet (first fit decreasing on every type,
//! O(n log n) per type) and the cheapest mixed fleet (a greedy that opens, each time, the node
//! type whose best filling buys the most capacity per dollar, valued at the LP's dual prices),
//! both improved by local moves: right-sizing each node, emptying the emptiest nodes into the
//! others, and merging pairs of small nodes into one cheaper node.

use super::lp;
use super::model::Res;
use super::problem::{Node, Problem, Solution, dominant_share, fits, how_many, remaining};
use super::segtree::FirstFit;
use rayon::prelude::*;
use std::collections::HashMap;

/// First fit decreasing of some groups onto nodes of one type. Replicas of a spread group go to
/// distinct nodes (each one searched from the node after the previous one).
pub fn ffd(p: &Problem, t: usize, groups: &[usize]) -> Solution {
    let ty = &p.types[t];
    let mut order: Vec<usize> = groups.to_vec();
    order.sort_by(|&a, &b| {
        let (da, db) = (
            dominant_share(&p.groups[a].demand, &ty.cap),
            dominant_share(&p.groups[b].demand, &ty.cap),
        );
        db.total_cmp(&da).then(a.cmp(&b))
    });
    let total: u64 = order.iter().map(|&g| p.groups[g].count).sum();
    let mut tree = FirstFit::new(usize::try_from(total.min(1 << 20)).unwrap_or(1 << 20));
    let mut nodes: Vec<Node> = Vec::new();
    for g in order {
        let group = &p.groups[g];
        let mut left = group.count;
        let mut from = 0;
        while left > 0 {
            let i = match tree.find(from, &group.demand) {
                Some(i) => i,
                None => {
                    nodes.push(Node::new(t));
                    tree.push(ty.cap)
                }
            };
            let free = remaining(&ty.cap, &nodes[i].used);
            let k = if group.spread {
                1
            } else {
                how_many(&group.demand, &free).min(left).max(1)
            };
            nodes[i].add(g, &group.demand, k);
            tree.set(i, remaining(&ty.cap, &nodes[i].used));
            left -= k;
            if group.spread {
                from = i + 1;
            }
        }
    }
    Solution { nodes }
}

/// The cheapest fleet of one type per compatibility class: one type for every group its class
/// (architecture, OS, GPU or not) can run, the same again for the groups left (Arm-only,
/// Windows, GPU), memoised on the set left.
pub fn homogeneous(p: &Problem) -> Option<Solution> {
    let all: Vec<usize> = (0..p.groups.len()).filter(|&g| p.groups[g].count > 0).collect();
    let class: Vec<(super::model::Arch, super::model::Os, bool)> =
        p.types.iter().map(|t| (t.arch, t.os, t.gpus > 0)).collect();
    // in_class[g][t]: some type of t's class runs group g.
    let in_class: Vec<Vec<bool>> = p
        .groups
        .iter()
        .map(|g| {
            let mut runs: Vec<_> = (0..p.types.len()).filter(|&u| g.compat[u]).map(|u| class[u]).collect();
            runs.sort_unstable();
            runs.dedup();
            class.iter().map(|c| runs.contains(c)).collect()
        })
        .collect();
    let mut memo = HashMap::new();
    homogeneous_of(p, &in_class, &all, &mut memo).map(|(_, s)| s)
}

type Memo = HashMap<Vec<usize>, Option<(f64, Solution)>>;

fn homogeneous_of(p: &Problem, in_class: &[Vec<bool>], set: &[usize], memo: &mut Memo) -> Option<(f64, Solution)> {
    if set.is_empty() {
        return Some((0.0, Solution::default()));
    }
    if let Some(found) = memo.get(set) {
        return found.clone();
    }
    // A type is a candidate when it runs every group of the set its class can run (a type too
    // small for some of them is no homogeneous fleet). Its fractional cost bounds its fleet
    // from below, so candidates are tried cheapest bound first, and the search stops once no
    // bound can win.
    let mut candidates: Vec<(f64, usize, Vec<usize>)> = (0..p.types.len())
        .filter_map(|t| {
            let cover: Vec<usize> = set.iter().copied().filter(|&g| p.groups[g].compat[t]).collect();
            let complete = set.iter().all(|&g| p.groups[g].compat[t] || !in_class[g][t]);
            (complete && !cover.is_empty()).then(|| (fractional_cost(p, t, &cover), t, cover))
        })
        .collect();
    candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut best: Option<(f64, Solution)> = None;
    for chunk in candidates.chunks(2) {
        let floor = chunk[0].0;
        if best.as_ref().is_some_and(|(c, _)| floor >= *c - 1e-9) {
            break;
        }
        let tries: Vec<(usize, &Vec<usize>, Solution)> = chunk
            .par_iter()
            .map(|(_, t, cover)| (*t, cover, ffd(p, *t, cover)))
            .collect();
        for (t, cover, s) in tries {
            let rest: Vec<usize> = set.iter().copied().filter(|g| !cover.contains(g)).collect();
            let Some((rest_cost, rest_sol)) = homogeneous_of(p, in_class, &rest, memo) else {
                continue;
            };
            let cost = s.nodes.len() as f64 * p.types[t].price + rest_cost;
            let better = best.as_ref().is_none_or(|(c, _)| cost < *c - 1e-9);
            if better {
                let mut nodes = s.nodes;
                nodes.extend(rest_sol.nodes);
                best = Some((cost, Solution { nodes }));
            }
        }
    }
    memo.insert(set.to_vec(), best.clone());
    best
}

/// Nodes of type t needed if they could be bought in fractions (the scarcest resource decides,
/// and a spread group needs one node per replica), times the price.
fn fractional_cost(p: &Problem, t: usize, groups: &[usize]) -> f64 {
    let cap = p.types[t].cap;
    let mut total = [0u64; 4];
    let mut spread = 0;
    for &g in groups {
        let group = &p.groups[g];
        for (d, v) in total.iter_mut().enumerate() {
            *v += group.demand[d] * group.count;
        }
        if group.spread {
            spread = spread.max(group.count);
        }
    }
    let nodes = (0..4)
        .filter(|&d| cap[d] > 0)
        .map(|d| total[d] as f64 / cap[d] as f64)
        .fold(spread as f64, f64::max);
    nodes * p.types[t].price
}

/// The mixed-fleet greedy. `values[g]` is what one replica of group g is worth (USD per hour at
/// the LP's dual prices): each step opens the type whose filling (largest replicas first) is
/// worth the most per dollar, and repeats that node while the remaining replicas allow.
pub fn greedy(p: &Problem, values: &[f64]) -> Option<Solution> {
    let mut left: Vec<u64> = p.groups.iter().map(|g| g.count).collect();
    let orders: Vec<Vec<usize>> = (0..p.types.len())
        .into_par_iter()
        .map(|t| {
            let cap = p.types[t].cap;
            let mut order: Vec<usize> = (0..p.groups.len()).filter(|&g| p.groups[g].compat[t]).collect();
            order.sort_by(|&a, &b| {
                dominant_share(&p.groups[b].demand, &cap)
                    .total_cmp(&dominant_share(&p.groups[a].demand, &cap))
                    .then(a.cmp(&b))
            });
            order
        })
        .collect();
    // Each type's filling changes only when a group it takes has fewer replicas left than it
    // takes (a group it skipped had no room, or none left, and that stays so): fillings are kept
    // and only those are filled again, which keeps the greedy near linear in the groups.
    let fill_of = |t: usize, left: &[u64]| {
        let (pattern, value) = fill(p, t, &orders[t], left, values);
        (value / p.types[t].price, pattern)
    };
    let mut cached: Vec<(f64, Vec<(usize, u64)>)> =
        (0..p.types.len()).into_par_iter().map(|t| fill_of(t, &left)).collect();
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); p.groups.len()];
    for (t, (_, pattern)) in cached.iter().enumerate() {
        for &(g, _) in pattern {
            users[g].push(t);
        }
    }
    let mut nodes = Vec::new();
    while left.iter().any(|&n| n > 0) {
        // In type order, so near-ties go the same way every run.
        let mut best: Option<usize> = None;
        for (t, (score, pattern)) in cached.iter().enumerate() {
            if !pattern.is_empty() && best.is_none_or(|b| *score > cached[b].0 + 1e-12) {
                best = Some(t);
            }
        }
        let t = best?;
        let pattern = cached[t].1.clone();
        let repeat = pattern.iter().map(|&(g, k)| left[g] / k).min().unwrap_or(1).max(1);
        for _ in 0..repeat {
            let mut node = Node::new(t);
            for &(g, k) in &pattern {
                node.add(g, &p.groups[g].demand, k);
            }
            nodes.push(node);
        }
        let mut stale: Vec<usize> = Vec::new();
        for &(g, k) in &pattern {
            left[g] -= k * repeat;
            stale.extend(
                users[g]
                    .iter()
                    .copied()
                    .filter(|&u| cached[u].1.iter().any(|&(h, kh)| h == g && left[g] < kh)),
            );
        }
        stale.sort_unstable();
        stale.dedup();
        let fresh: Vec<(f64, Vec<(usize, u64)>)> = stale.par_iter().map(|&u| fill_of(u, &left)).collect();
        for (&u, f) in stale.iter().zip(fresh) {
            for &(g, _) in &f.1 {
                if !users[g].contains(&u) {
                    users[g].push(u);
                }
            }
            cached[u] = f;
        }
    }
    Some(Solution { nodes })
}

/// One node of type t filled from the replicas left, largest first.
fn fill(p: &Problem, t: usize, order: &[usize], left: &[u64], values: &[f64]) -> (Vec<(usize, u64)>, f64) {
    let mut free = p.types[t].cap;
    let mut pattern = Vec::new();
    let mut value = 0.0;
    for &g in order {
        if left[g] == 0 {
            continue;
        }
        let group = &p.groups[g];
        let mut k = how_many(&group.demand, &free).min(left[g]);
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
        value += values[g] * k as f64;
    }
    (pattern, value)
}

/// Types by price, cheapest first (ties by name), for the local moves.
fn by_price(p: &Problem) -> Vec<usize> {
    let mut order: Vec<usize> = (0..p.types.len()).collect();
    order.sort_by(|&a, &b| {
        p.types[a]
            .price
            .total_cmp(&p.types[b].price)
            .then(p.types[a].name.cmp(&p.types[b].name))
    });
    order
}

/// The cheapest type that can hold `items` using `used`.
fn cheapest_holding(p: &Problem, order: &[usize], items: &[(usize, u64)], used: &Res) -> Option<usize> {
    order
        .iter()
        .copied()
        .find(|&t| fits(used, &p.types[t].cap) && items.iter().all(|&(g, _)| p.groups[g].compat[t]))
}

/// Gives every node the cheapest type that holds what it carries.
pub fn right_size(p: &Problem, s: &mut Solution) {
    let order = by_price(p);
    for node in &mut s.nodes {
        if let Some(t) = cheapest_holding(p, &order, &node.items, &node.used) {
            if p.types[t].price < p.types[node.ty].price {
                node.ty = t;
            }
        }
    }
}

/// Tries to empty the least used nodes into the others' free room; a node whose replicas all
/// find room elsewhere is dropped. Bounded to the `tries` emptiest nodes.
pub fn consolidate(p: &Problem, s: &mut Solution, tries: usize) {
    let share = |n: &Node| dominant_share(&n.used, &p.types[n.ty].cap);
    let mut order: Vec<usize> = (0..s.nodes.len()).collect();
    order.sort_by(|&a, &b| share(&s.nodes[a]).total_cmp(&share(&s.nodes[b])).then(a.cmp(&b)));
    let mut removed = vec![false; s.nodes.len()];
    for &victim in order.iter().take(tries) {
        let mut trial: Vec<Option<Node>> = vec![None; s.nodes.len()];
        let mut ok = true;
        'items: for &(g, k) in &s.nodes[victim].items {
            let group = &p.groups[g];
            for _ in 0..k {
                let mut placed = false;
                for j in 0..s.nodes.len() {
                    if j == victim || removed[j] || !group.compat[s.nodes[j].ty] {
                        continue;
                    }
                    let node = trial[j].get_or_insert_with(|| s.nodes[j].clone());
                    if group.spread && node.holds(g) {
                        continue;
                    }
                    if fits(&group.demand, &remaining(&p.types[node.ty].cap, &node.used)) {
                        node.add(g, &group.demand, 1);
                        placed = true;
                        break;
                    }
                }
                if !placed {
                    ok = false;
                    break 'items;
                }
            }
        }
        if ok {
            for (j, node) in trial.into_iter().enumerate() {
                if let Some(node) = node {
                    s.nodes[j] = node;
                }
            }
            removed[victim] = true;
        }
    }
    let mut i = 0;
    s.nodes.retain(|_| {
        i += 1;
        !removed[i - 1]
    });
}

/// Replaces two nodes by one of a type holding both, when that is cheaper. Looks at the
/// `window` least used nodes.
pub fn merge_pairs(p: &Problem, s: &mut Solution, window: usize) {
    let order = by_price(p);
    loop {
        let share = |n: &Node| dominant_share(&n.used, &p.types[n.ty].cap);
        let mut idx: Vec<usize> = (0..s.nodes.len()).collect();
        idx.sort_by(|&a, &b| share(&s.nodes[a]).total_cmp(&share(&s.nodes[b])).then(a.cmp(&b)));
        idx.truncate(window);
        let mut best: Option<(f64, usize, usize, usize)> = None;
        for (x, &a) in idx.iter().enumerate() {
            for &b in &idx[x + 1..] {
                let (na, nb) = (&s.nodes[a], &s.nodes[b]);
                if na.items.iter().any(|&(g, _)| p.groups[g].spread && nb.holds(g)) {
                    continue;
                }
                let used: Res = std::array::from_fn(|d| na.used[d] + nb.used[d]);
                let items: Vec<(usize, u64)> = na.items.iter().chain(&nb.items).copied().collect();
                if let Some(t) = cheapest_holding(p, &order, &items, &used) {
                    let saving = p.types[na.ty].price + p.types[nb.ty].price - p.types[t].price;
                    if saving > 1e-9 && best.is_none_or(|(s, ..)| saving > s) {
                        best = Some((saving, a, b, t));
                    }
                }
            }
        }
        let Some((_, a, b, t)) = best else { return };
        let (lo, hi) = (a.min(b), a.max(b));
        let nb = s.nodes.remove(hi);
        let na = &mut s.nodes[lo];
        na.ty = t;
        for (g, k) in nb.items {
            na.add(g, &p.groups[g].demand, k);
        }
    }
}

/// Right-size, consolidate, merge, right-size: the local moves applied to every candidate.
pub fn improve(p: &Problem, s: &mut Solution) {
    right_size(p, s);
    consolidate(p, s, 32);
    merge_pairs(p, s, 16);
    right_size(p, s);
}

/// The cheapest mixed fleet found: the greedy and the best homogeneous fleet, each improved,
/// then the better one repacked a few nodes at a time.
pub fn mixed(p: &Problem, values: &[f64], homogeneous: Option<&Solution>, search: bool) -> Option<Solution> {
    let mut candidates = Vec::new();
    if let Some(mut s) = greedy(p, values) {
        improve(p, &mut s);
        candidates.push(s);
    }
    if let Some(h) = homogeneous {
        let mut s = h.clone();
        improve(p, &mut s);
        candidates.push(s);
    }
    let leftover = |rest: &Problem| {
        let mut s = greedy(rest, values)?;
        improve(rest, &mut s);
        Some(s)
    };
    if let Some(mut s) = super::colgen::fleet(p, leftover) {
        improve(p, &mut s);
        candidates.push(s);
    }
    let mut best = candidates
        .into_iter()
        .min_by(|a, b| a.cost(p).total_cmp(&b.cost(p)).then(a.nodes.len().cmp(&b.nodes.len())))?;
    if search {
        lns(p, &mut best, LNS_BUDGET, values);
        right_size(p, &mut best);
    }
    Some(best)
}

/// Branch-and-bound expansions allowed for repacking one window of nodes.
const LNS_BUDGET: u64 = 20_000;
/// Expansions allowed for all the windows of one fleet: small fleets, where one node is a large
/// share of the cost, get more; large ones stay fast.
const LNS_TOTAL_SMALL: u64 = 10_000_000;
const LNS_TOTAL: u64 = 1_500_000;
/// Up to this many nodes a fleet is small.
const LNS_SMALL_FLEET: usize = 40;
/// Rounds of window repacking (each round stops at the first improvement).
const LNS_ROUNDS: usize = 40;
/// A window holding at most this many replicas may be all the nodes at once.
const LNS_WHOLE: u64 = 40;

/// Large neighbourhood search: takes the replicas of a few nodes (the emptiest ones, those whose
/// contents are worth least for their price, and the emptiest with others) and repacks them with
/// the exact solver under a small budget, keeping the result when it is cheaper. Small fleets
/// are repacked whole.
pub fn lns(p: &Problem, s: &mut Solution, budget: u64, values: &[f64]) {
    let mut spent = 0u64;
    let total = if s.nodes.len() <= LNS_SMALL_FLEET {
        LNS_TOTAL_SMALL
    } else {
        LNS_TOTAL
    };
    let mut failed = std::collections::HashSet::new();
    for _ in 0..LNS_ROUNDS {
        let share = |n: &Node| dominant_share(&n.used, &p.types[n.ty].cap);
        let mut order: Vec<usize> = (0..s.nodes.len()).collect();
        order.sort_by(|&a, &b| share(&s.nodes[a]).total_cmp(&share(&s.nodes[b])).then(a.cmp(&b)));
        let replicas: u64 = s.nodes.iter().flat_map(|n| n.items.iter().map(|(_, k)| k)).sum();
        let mut windows: Vec<Vec<usize>> = Vec::new();
        if replicas <= LNS_WHOLE {
            windows.push(order.clone());
        }
        for w in 2..=4.min(order.len()) {
            windows.push(order[..w].to_vec());
        }
        // The nodes whose contents are worth least for their price (at the LP's prices): the ones
        // an exact repack is likeliest to replace.
        let worth = |n: &Node| n.items.iter().map(|&(g, k)| values[g] * k as f64).sum::<f64>() / p.types[n.ty].price;
        let mut poor: Vec<usize> = (0..s.nodes.len()).collect();
        poor.sort_by(|&a, &b| worth(&s.nodes[a]).total_cmp(&worth(&s.nodes[b])).then(a.cmp(&b)));
        for w in 2..=5.min(poor.len()) {
            windows.push(poor[..w].to_vec());
        }
        // All the nodes of one type (a type the greedy chose for one pattern), with the emptiest
        // nodes of the others: repacked together they may be served by fewer, other types.
        let mut types_used: Vec<usize> = s.nodes.iter().map(|n| n.ty).collect();
        types_used.sort_unstable();
        types_used.dedup();
        for t in types_used {
            let same: Vec<usize> = (0..s.nodes.len()).filter(|&i| s.nodes[i].ty == t).collect();
            if same.len() > 5 {
                continue;
            }
            let others: Vec<usize> = order.iter().copied().filter(|i| !same.contains(i)).take(2).collect();
            for k in 0..=others.len() {
                let mut w = same.clone();
                w.extend(&others[..k]);
                windows.push(w);
            }
        }
        // The emptiest nodes with the dearest ones, which have the room to take replicas over,
        // and with each other node near them in emptiness.
        let mut dear: Vec<usize> = (0..s.nodes.len()).collect();
        dear.sort_by(|&a, &b| {
            p.types[s.nodes[b].ty]
                .price
                .total_cmp(&p.types[s.nodes[a].ty].price)
                .then(a.cmp(&b))
        });
        for &i in order.iter().take(6) {
            let others: Vec<usize> = dear.iter().copied().filter(|&d| d != i).take(3).collect();
            for k in 1..=others.len() {
                let mut w = vec![i];
                w.extend(&others[..k]);
                windows.push(w);
            }
        }
        for &i in order.iter().take(6) {
            for &j in order.iter().take(16) {
                if i < j {
                    windows.push(vec![i, j]);
                }
            }
        }
        // And a few fixed pseudo-random triples and quadruples around each of the emptiest nodes.
        let mut seed = 0x2545_F491_4F6C_DD1Du64 ^ s.nodes.len() as u64;
        let n = s.nodes.len() as u64;
        for &i in order.iter().take(6) {
            for k in 0..16 {
                let mut w = vec![i];
                let size = if k < 8 { 3 } else { 4 };
                while w.len() < size.min(s.nodes.len()) {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let j = (seed % n) as usize;
                    if !w.contains(&j) {
                        w.push(j);
                    }
                }
                windows.push(w);
            }
        }
        windows.dedup();
        let whole = order.len();
        let tried = windows.into_iter().any(|w| {
            // The whole of a small fleet gets a larger budget: it is the one window that can
            // reach the optimum.
            let b = if w.len() == whole { budget * 400 } else { budget };
            if w.is_empty() || spent >= total {
                return false;
            }
            // The same nodes holding the same replicas cannot do better the second time.
            let mut key: Vec<(usize, Vec<(usize, u64)>)> = w
                .iter()
                .map(|&i| {
                    let mut items = s.nodes[i].items.clone();
                    items.sort_unstable();
                    (s.nodes[i].ty, items)
                })
                .collect();
            key.sort_unstable();
            if !failed.insert(key) {
                return false;
            }
            let (better, used) = repack(p, s, &w, b);
            spent += used;
            better
        });
        if !tried {
            return;
        }
    }
}

/// Repacks the replicas of the nodes in `window` exactly (within `budget` expansions). Returns
/// whether that made the fleet cheaper, and the expansions used.
pub fn repack(p: &Problem, s: &mut Solution, window: &[usize], budget: u64) -> (bool, u64) {
    let current: f64 = window.iter().map(|&i| p.types[s.nodes[i].ty].price).sum();
    let mut counts = vec![0u64; p.groups.len()];
    for &i in window {
        for &(g, k) in &s.nodes[i].items {
            counts[g] += k;
        }
    }
    let map: Vec<usize> = (0..p.groups.len()).filter(|&g| counts[g] > 0).collect();
    let sub = Problem {
        types: p.types.clone(),
        groups: map
            .iter()
            .map(|&g| super::problem::Group {
                count: counts[g],
                ..p.groups[g].clone()
            })
            .collect(),
    };
    let exact = super::exact::Exact::new(&sub, budget);
    let (found, _, used) = exact.search_counted(Some(current - 1e-9));
    let Some((cost, sol)) = found else { return (false, used) };
    if cost >= current - 1e-9 {
        return (false, used);
    }
    let mut nodes: Vec<Node> = s
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| !window.contains(i))
        .map(|(_, n)| n.clone())
        .collect();
    for n in sol.nodes {
        let mut node = Node::new(n.ty);
        for (g, k) in n.items {
            node.add(map[g], &p.groups[map[g]].demand, k);
        }
        nodes.push(node);
    }
    s.nodes = nodes;
    (true, used)
}

/// Both fleets of a problem, its LP bound and the LP's dual prices.
#[derive(Clone, Debug, Default)]
pub struct Packed {
    pub homogeneous: Option<Solution>,
    pub mixed: Option<Solution>,
    /// USD per hour.
    pub bound: Option<f64>,
    /// What one replica of each group is worth at the LP's dual prices (USD per hour).
    pub values: Vec<f64>,
}

impl Packed {
    /// The cheaper of the two fleets (the homogeneous one on a tie: simpler to run).
    pub fn best(&self, p: &Problem) -> Option<&Solution> {
        cheaper(self.homogeneous.as_ref(), self.mixed.as_ref(), p)
    }
}

/// The cheaper of a homogeneous and a mixed fleet, the homogeneous one on a tie.
pub fn cheaper<'a>(
    homogeneous: Option<&'a Solution>,
    mixed: Option<&'a Solution>,
    p: &Problem,
) -> Option<&'a Solution> {
    match (homogeneous, mixed) {
        (Some(h), Some(m)) if h.cost(p) <= m.cost(p) + 1e-9 => Some(h),
        (_, Some(m)) => Some(m),
        (h, None) => h,
    }
}

/// The heuristic end to end: LP bound and prices, the homogeneous fleet, the mixed fleet.
pub fn pack(p: &Problem) -> Packed {
    pack_with(p, true)
}

/// [`pack`], with or without the window repacking (`search`), which the tests measure apart.
/// Groups of one shape are packed as one (see `classes`) and handed back out.
pub fn pack_with(p: &Problem, search: bool) -> Packed {
    let merged = super::classes::merge(p);
    if !merged.shrinks(p) {
        return pack_groups(p, search);
    }
    let q = &merged.problem;
    let packed = pack_groups(q, search);
    Packed {
        homogeneous: packed.homogeneous.map(|s| merged.expand(p, &s)),
        mixed: packed.mixed.map(|s| merged.expand(p, &s)),
        bound: packed.bound,
        values: merged.expand_values(p, &packed.values),
    }
}

fn pack_groups(p: &Problem, search: bool) -> Packed {
    let (bound, mut values) = match lp::lower_bound(p) {
        Some((b, v)) => (Some(b), v),
        None => (None, vec![0.0; p.groups.len()]),
    };
    // A replica the LP prices at nothing (its resources are free at the margin) still has to
    // be placed: give it a tiny value by its size so the greedy does not ignore it.
    for (g, v) in values.iter_mut().enumerate() {
        let size: f64 = (0..2).map(|d| p.groups[g].demand[d] as f64).sum();
        *v = v.max(1e-12 * (1.0 + size));
    }
    let homogeneous = homogeneous(p);
    let mixed = mixed(p, &values, homogeneous.as_ref(), search);
    Packed {
        homogeneous,
        mixed,
        bound,
        values,
    }
}
