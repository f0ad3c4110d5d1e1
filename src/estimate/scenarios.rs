//! The three scenarios: everything on EC2; everything Fargate can run on Fargate (the rest, and
//! the DaemonSets they need, on EC2); and the cheapest mix found, with the reason for each
//! placement.
//!
//! The hybrid starts from the all-EC2 fleet: a workload moves to Fargate when its Fargate price
//! is below its share of the EC2 nodes (the fleet's price split by what each workload reserves,
//! valued at the LP's prices). The rest is packed again, shares are recomputed, and that repeats
//! (three rounds at most). Shares are averages, and a node is bought whole, so for up to
//! `FLIP_LIMIT` movable workloads each one is then moved to the other side in turn (and, up to
//! `PAIR_LIMIT`, each pair), keeping every move that lowers the total, and single moves are swept
//! again until a sweep keeps none (`POLISH_SWEEPS` at most). Candidates are packed without the window repacking; the winner is packed
//! again with it, and the cheapest of all (the pure scenarios included) is the hybrid, which is
//! therefore never dearer than either pure scenario. The placement reasons quote a last sweep
//! over that very split (what each workload costs on Fargate, and what it adds to the EC2 nodes,
//! both splits packed quickly), not the shares that steered the search.

use super::fargate::Quote;
use super::fleet::{self, Cluster, Options};
use super::model::{Kind, Platform, Workload};
use super::prices::PriceBook;

pub struct Context<'a> {
    pub workloads: &'a [Workload],
    pub book: &'a PriceBook,
    pub opts: &'a Options,
    pub hours: f64,
    pub duty: f64,
    /// Fargate size and price of each workload, or why Fargate cannot size it.
    pub quotes: &'a [Result<Quote, String>],
}

impl Context<'_> {
    /// USD per month of a workload on Fargate, when it can go there.
    pub fn fargate_monthly(&self, i: usize) -> Option<f64> {
        let w = &self.workloads[i];
        if w.kind == Kind::Daemon || !w.blocked.is_empty() {
            return None;
        }
        let q = self.quotes[i].as_ref().ok()?;
        let duty = if w.kind == Kind::Batch { self.duty } else { 1.0 };
        Some(q.hourly * f64::from(w.replicas) * self.hours * duty)
    }

    /// Why a workload cannot go to Fargate, if it cannot.
    pub fn fargate_refusal(&self, i: usize) -> Option<String> {
        let w = &self.workloads[i];
        if w.kind == Kind::Daemon {
            return Some(match w.blocked.first() {
                Some(b) => b.clone(),
                None => "a daemon runs one copy on every EC2 node".to_owned(),
            });
        }
        if let Some(b) = w.blocked.first() {
            return Some(b.clone());
        }
        self.quotes[i].as_ref().err().cloned()
    }
}

pub struct Scenario {
    pub key: &'static str,
    pub title: &'static str,
    pub on_fargate: Vec<bool>,
    pub clusters: Vec<Cluster>,
    /// USD per month of each workload's share of the EC2 nodes (0 when on Fargate).
    pub ec2_share: Vec<f64>,
    /// Workloads neither side can run.
    pub unplaced: Vec<bool>,
    pub reasons: Vec<String>,
    /// Hybrid only, for workloads that could go either way: USD per month the EC2 nodes cost
    /// more with the workload on EC2 than without it, both splits packed the same way.
    pub ec2_delta: Vec<Option<f64>>,
}

impl Scenario {
    pub fn ec2_monthly(&self, hours: f64) -> f64 {
        self.clusters.iter().map(Cluster::hourly).sum::<f64>() * hours
    }

    pub fn fargate_monthly(&self, ctx: &Context<'_>) -> f64 {
        (0..ctx.workloads.len())
            .filter(|&i| self.on_fargate[i])
            .filter_map(|i| ctx.fargate_monthly(i))
            .sum()
    }

    pub fn monthly(&self, ctx: &Context<'_>) -> f64 {
        self.ec2_monthly(ctx.hours) + self.fargate_monthly(ctx)
    }

    pub fn fargate_count(&self) -> usize {
        self.on_fargate.iter().filter(|&&f| f).count()
    }
}

/// Movable workloads up to which every single move is tried.
const FLIP_LIMIT: usize = 40;
/// Movable workloads up to which every pair of moves is tried too.
const PAIR_LIMIT: usize = 16;

/// Packs what is not on Fargate, per platform (main fleet and, with a duty cycle, the batch
/// fleet), and records each workload's share.
fn evaluate(ctx: &Context<'_>, key: &'static str, title: &'static str, on_fargate: Vec<bool>) -> Scenario {
    evaluate_with(ctx, key, title, on_fargate, true)
}

fn evaluate_with(
    ctx: &Context<'_>,
    key: &'static str,
    title: &'static str,
    on_fargate: Vec<bool>,
    search: bool,
) -> Scenario {
    let ws = ctx.workloads;
    let mut clusters = Vec::new();
    for platform in [Platform::Kubernetes, Platform::Ecs] {
        let daemons: Vec<usize> = (0..ws.len())
            .filter(|&i| ws[i].platform == platform && ws[i].kind == Kind::Daemon)
            .collect();
        for batch in [false, true] {
            let members: Vec<usize> = (0..ws.len())
                .filter(|&i| {
                    ws[i].platform == platform
                        && ws[i].kind != Kind::Daemon
                        && !on_fargate[i]
                        && fleet::is_batch(&ws[i], ctx.duty) == batch
                })
                .collect();
            if members.is_empty() {
                continue;
            }
            let duty = batch.then_some(ctx.duty);
            clusters.push(fleet::solve(
                ws, platform, &members, &daemons, ctx.book, ctx.opts, duty, search,
            ));
        }
    }
    let mut ec2_share = vec![0.0; ws.len()];
    let mut unplaced = vec![false; ws.len()];
    for c in &clusters {
        if let Some(s) = c.best() {
            for (i, v) in fleet::shares(c, s, ws).into_iter().enumerate() {
                ec2_share[i] += v * ctx.hours;
            }
        }
        for (i, _) in &c.unplaceable {
            unplaced[*i] = true;
        }
    }
    Scenario {
        key,
        title,
        on_fargate,
        clusters,
        ec2_share,
        unplaced,
        reasons: vec![String::new(); ws.len()],
        ec2_delta: vec![None; ws.len()],
    }
}

/// Whether some priced node type could hold one replica (packing aside).
fn ec2_possible(ctx: &Context<'_>) -> Vec<Option<String>> {
    let ws = ctx.workloads;
    let mut out = vec![None; ws.len()];
    for platform in [Platform::Kubernetes, Platform::Ecs] {
        let members: Vec<usize> = (0..ws.len())
            .filter(|&i| ws[i].platform == platform && ws[i].kind != Kind::Daemon)
            .collect();
        if members.is_empty() {
            continue;
        }
        let daemons: Vec<usize> = (0..ws.len())
            .filter(|&i| ws[i].platform == platform && ws[i].kind == Kind::Daemon)
            .collect();
        let types = fleet::node_types(ws, platform, &members, &daemons, ctx.book, ctx.opts);
        let (_, unplaceable) = fleet::problem(ws, &members, types);
        for (i, why) in unplaceable {
            out[i] = Some(why);
        }
    }
    out
}

pub struct Outcome {
    pub all_ec2: Scenario,
    pub all_fargate: Scenario,
    pub hybrid: Scenario,
}

pub fn run(ctx: &Context<'_>) -> Outcome {
    let n = ctx.workloads.len();
    let no_ec2 = ec2_possible(ctx);
    let can_fargate: Vec<bool> = (0..n).map(|i| ctx.fargate_monthly(i).is_some()).collect();
    // Workloads EC2 cannot hold go to Fargate in every scenario, when Fargate can run them.
    let forced: Vec<bool> = (0..n).map(|i| no_ec2[i].is_some() && can_fargate[i]).collect();

    let mut all_ec2 = evaluate(ctx, "all-ec2", "all EC2", forced.clone());
    let mut all_fargate = evaluate(ctx, "all-fargate", "all Fargate", can_fargate.clone());

    let mut decided: Vec<f64> = all_ec2.ec2_share.clone();
    let fast = |split: &[bool]| evaluate_with(ctx, "hybrid", "hybrid", split.to_vec(), false);
    let mut best_split = forced.clone();
    let mut best_cost = f64::INFINITY;
    let mut current = forced.clone();
    for round in 0..3 {
        let next: Vec<bool> = (0..n)
            .map(|i| forced[i] || (can_fargate[i] && ctx.fargate_monthly(i).is_some_and(|f| f < decided[i] - 1e-9)))
            .collect();
        if next == current && round > 0 {
            break;
        }
        let sc = fast(&next);
        for i in 0..n {
            if !next[i] {
                decided[i] = sc.ec2_share[i];
            }
        }
        let cost = sc.monthly(ctx);
        if cost < best_cost - 1e-6 {
            best_cost = cost;
            best_split = next.clone();
        }
        current = next;
    }
    // Single moves, most promising first, kept when the total drops.
    let movable: Vec<usize> = (0..n).filter(|&i| can_fargate[i] && !forced[i]).collect();
    if movable.len() <= FLIP_LIMIT {
        let mut order = movable.clone();
        let gain = |i: usize| ctx.fargate_monthly(i).unwrap_or(0.0) - decided[i];
        order.sort_by(|&a, &b| gain(a).total_cmp(&gain(b)).then(a.cmp(&b)));
        let mut moves: Vec<Vec<usize>> = order.iter().map(|&i| vec![i]).collect();
        if order.len() <= PAIR_LIMIT {
            // A node is bought whole: moving one workload off EC2 may only pay when another
            // comes back in its place.
            for (x, &i) in order.iter().enumerate() {
                moves.extend(order[x + 1..].iter().map(|&j| vec![i, j]));
            }
        }
        for _ in 0..3 {
            let mut improved = false;
            for m in &moves {
                let mut split = best_split.clone();
                for &i in m {
                    split[i] = !split[i];
                }
                let cost = fast(&split).monthly(ctx);
                if cost < best_cost - 1e-6 {
                    best_cost = cost;
                    best_split = split;
                    improved = true;
                }
            }
            if !improved {
                break;
            }
        }
    }
    // Polished and measured with the quick packing: packing every move with the window
    // repacking costs some forty times as much.
    let (split, mut delta) = if movable.len() <= FLIP_LIMIT {
        let (split, delta) = polish(ctx, best_split, &movable, true);
        (split, Some(delta))
    } else {
        (best_split, None)
    };
    let mut hybrid = evaluate(ctx, "hybrid", "hybrid", split);
    for pure in [&all_ec2, &all_fargate] {
        if pure.monthly(ctx) < hybrid.monthly(ctx) - 1e-6 {
            hybrid = evaluate(ctx, "hybrid", "hybrid", pure.on_fargate.clone());
            delta = None;
        }
    }
    // When a pure split won, measure the final split without moving it. Past FLIP_LIMIT one
    // packing per movable workload would make the run quadratic (minutes at 1,000 workloads),
    // so the reasons quote fleet shares instead, and say so.
    let mut shares = None;
    if movable.len() <= FLIP_LIMIT {
        hybrid.ec2_delta = delta.unwrap_or_else(|| polish(ctx, hybrid.on_fargate.clone(), &movable, false).1);
    } else {
        shares = Some(
            (0..n)
                .map(|i| {
                    if hybrid.on_fargate[i] {
                        all_ec2.ec2_share[i]
                    } else {
                        hybrid.ec2_share[i]
                    }
                })
                .collect::<Vec<f64>>(),
        );
    }
    for sc in [&mut all_ec2, &mut all_fargate, &mut hybrid] {
        mark_unplaced(ctx, sc, &no_ec2);
    }
    explain(ctx, &mut all_ec2, &no_ec2, None);
    explain(ctx, &mut all_fargate, &no_ec2, None);
    explain(ctx, &mut hybrid, &no_ec2, shares.as_deref());
    Outcome {
        all_ec2,
        all_fargate,
        hybrid,
    }
}

/// Sweeps of single moves in `polish`. Each kept move lowers the total, so this only bounds
/// pathological inputs; a sweep that keeps nothing ends it first.
const POLISH_SWEEPS: usize = 6;

/// Moves each movable workload to the other side in turn (keeping, with `adopt`, every move
/// that lowers the total) and returns the split with what each move did to its EC2 nodes: USD
/// per month more with the workload on EC2 than without it, both splits packed quickly. The
/// placement reasons quote these, so they are measured on the final split, never carried over
/// from an earlier one.
fn polish(ctx: &Context<'_>, mut split: Vec<bool>, movable: &[usize], adopt: bool) -> (Vec<bool>, Vec<Option<f64>>) {
    let quick = |s: &[bool]| evaluate_with(ctx, "hybrid", "hybrid", s.to_vec(), false);
    let mut here = quick(&split);
    let mut delta: Vec<Option<f64>> = vec![None; ctx.workloads.len()];
    for _ in 0..POLISH_SWEEPS {
        let mut improved = false;
        for &i in movable {
            let mut other = split.clone();
            other[i] = !other[i];
            let moved = quick(&other);
            if adopt && moved.monthly(ctx) < here.monthly(ctx) - 1e-6 {
                split = other;
                here = moved;
                improved = true;
                // Measurements taken before this move describe another split.
                delta.iter_mut().for_each(|d| *d = None);
                continue;
            }
            let (with, without) = if split[i] { (&moved, &here) } else { (&here, &moved) };
            delta[i] = Some(added(with, without, ctx));
        }
        if !improved {
            break;
        }
    }
    // Sweeps ran out right after a move: measure the final split once more, keeping nothing.
    for &i in movable {
        if delta[i].is_none() {
            let mut other = split.clone();
            other[i] = !other[i];
            let moved = quick(&other);
            let (with, without) = if split[i] { (&moved, &here) } else { (&here, &moved) };
            delta[i] = Some(added(with, without, ctx));
        }
    }
    (split, delta)
}

/// What a workload adds to the EC2 nodes: the fleet with it less the fleet without it. Adding a
/// workload never makes the cheapest fleet cheaper, so a negative difference is the quick
/// packing doing worse on the rest; it counts as nothing rather than as a saving.
fn added(with: &Scenario, without: &Scenario, ctx: &Context<'_>) -> f64 {
    (with.ec2_monthly(ctx.hours) - without.ec2_monthly(ctx.hours)).max(0.0)
}

/// A workload off Fargate that no EC2 type holds runs nowhere in the scenario (daemons aside:
/// they run on whatever nodes there are).
fn mark_unplaced(ctx: &Context<'_>, sc: &mut Scenario, no_ec2: &[Option<String>]) {
    for (i, w) in ctx.workloads.iter().enumerate() {
        if !sc.on_fargate[i] && w.kind != Kind::Daemon && no_ec2[i].is_some() {
            sc.unplaced[i] = true;
        }
    }
}

fn money(v: f64) -> String {
    super::render::money(v)
}

// The verdict is the difference of the amounts as printed, so a reader's subtraction agrees.
fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The reason for each workload's placement in a scenario. `shares` (hybrids with too many
/// movable workloads to measure each move): what each workload's replicas cost as a share of
/// an EC2 fleet, the hybrid's for those on EC2 and the all-EC2 one's for those on Fargate.
fn explain(ctx: &Context<'_>, sc: &mut Scenario, no_ec2: &[Option<String>], shares: Option<&[f64]>) {
    let nodes: usize = sc.clusters.iter().filter_map(|c| c.best()).map(|s| s.nodes.len()).sum();
    for i in 0..ctx.workloads.len() {
        let w = &ctx.workloads[i];
        let refusal = ctx.fargate_refusal(i);
        sc.reasons[i] = if sc.on_fargate[i] {
            let f = ctx.fargate_monthly(i).unwrap_or(0.0);
            match (&no_ec2[i], sc.ec2_delta[i]) {
                (Some(why), _) => format!("Fargate: EC2 cannot run it ({why})"),
                (None, Some(d)) => format!(
                    "Fargate: {}/mo on Fargate; on EC2 it would add {}/mo of EC2 nodes ({})",
                    money(f),
                    money(d),
                    verdict("Fargate", cents(d) - cents(f))
                ),
                (None, None) => match shares {
                    Some(sh) => format!(
                        "Fargate: {}/mo on Fargate; its share of an all-EC2 fleet is about {}/mo \
                         (chosen by fleet shares: with more than {FLIP_LIMIT} workloads that could go either way, single moves are not measured)",
                        money(f),
                        money(sh[i])
                    ),
                    None => "Fargate: this scenario puts on Fargate everything Fargate can run".to_owned(),
                },
            }
        } else if sc.unplaced[i] {
            format!(
                "not placed: {}; Fargate: {}",
                no_ec2[i].clone().unwrap_or_else(|| "no EC2 type holds it".to_owned()),
                refusal.unwrap_or_else(|| "not tried".to_owned())
            )
        } else if w.kind == Kind::Daemon {
            let mine: usize = sc
                .clusters
                .iter()
                .filter(|c| c.platform == w.platform)
                .filter_map(|c| c.best().map(|s| (c, s)))
                .map(|(c, s)| {
                    s.nodes
                        .iter()
                        .filter(|n| c.problem.types[n.ty].daemons.contains(&i))
                        .count()
                })
                .sum();
            if mine == 0 {
                format!(
                    "EC2: no {} nodes in this scenario, so it runs nowhere",
                    w.platform.cluster()
                )
            } else {
                format!(
                    "EC2: one copy on each of {mine} {} node{}",
                    w.platform.cluster(),
                    if mine == 1 { "" } else { "s" }
                )
            }
        } else if let Some(why) = refusal {
            format!("EC2: Fargate cannot run it ({why})")
        } else if let Some(d) = sc.ec2_delta[i] {
            let f = ctx.fargate_monthly(i).unwrap_or(0.0);
            format!(
                "EC2: it adds {}/mo of EC2 nodes{}; on Fargate it would cost {}/mo ({})",
                money(d),
                if money(d) == money(0.0) {
                    ", fitting in room they have anyway"
                } else {
                    ""
                },
                money(f),
                verdict("EC2", cents(f) - cents(d))
            )
        } else if let Some(sh) = shares {
            format!(
                "EC2: its share of the EC2 nodes is about {}/mo; on Fargate it would cost {}/mo \
                 (chosen by fleet shares: with more than {FLIP_LIMIT} workloads that could go either way, single moves are not measured)",
                money(sh[i]),
                money(ctx.fargate_monthly(i).unwrap_or(0.0))
            )
        } else {
            format!("EC2: this scenario puts everything on EC2 ({nodes} nodes)")
        };
    }
}

/// What staying on `side` saves overall, `saving` USD per month, in words.
fn verdict(side: &str, saving: f64) -> String {
    if money(saving) == money(0.0) {
        format!("a tie at the cent: {side} kept")
    } else if saving > 0.0 {
        format!("keeping it on {side} saves {}/mo overall", money(saving))
    } else {
        // The quick packing of the moved split beat this one's, but not its full packing (or the
        // search ran out of sweeps): say so rather than claim a saving.
        format!(
            "moving it would save {}/mo at the quick packing; the search kept this split",
            money(-saving)
        )
    }
}
