//! Everything an estimate prints, as one serialisable value: `--format json` writes it as is
//! and the table is rendered from it, so both always say the same.

use super::fargate::Quote;
use super::fleet::Cluster;
use super::model::{self, Kind, Os, Platform, Workload, vcpus};
use super::prices::Origin;
use super::problem::Solution;
use super::scenarios::{Context, Outcome, Scenario};
use serde::Serialize;

/// Bumped when a field changes meaning or goes away.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Report {
    pub k2e_estimate: u32,
    pub region: String,
    pub hours_per_month: f64,
    pub spot_discount_percent: Option<f64>,
    pub duty_cycle: f64,
    pub prices: Vec<Origin>,
    pub assumptions: Vec<String>,
    pub notes: Vec<String>,
    pub workloads: Vec<WorkloadOut>,
    pub scenarios: Vec<ScenarioOut>,
    /// Key of the cheapest scenario: a complete one (every workload placed) whenever there is one.
    pub cheapest: String,
}

#[derive(Debug, Serialize)]
pub struct WorkloadOut {
    pub name: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub platform: Platform,
    pub file: String,
    pub line: usize,
    pub schedule: Kind,
    pub replicas: u32,
    pub per_replica: PerReplica,
    pub architectures: Vec<&'static str>,
    pub architecture_from: String,
    pub os: Os,
    pub one_per_node: Option<String>,
    pub fargate: FargateOut,
    /// USD per month of its share of the EC2 nodes in the all-EC2 scenario. Rounded so that the
    /// shares add up to that scenario's `ec2_monthly` to the cent.
    pub ec2_monthly: Option<f64>,
    pub placements: Vec<PlacementOut>,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct PerReplica {
    pub vcpu: f64,
    pub memory_mib: u64,
    pub gpus: u64,
    /// ECS: 1 when the task takes an ENI (awsvpc); Kubernetes: 1 pod.
    pub slots: u64,
    pub ephemeral_storage_gib: f64,
}

#[derive(Debug, Serialize)]
pub struct FargateOut {
    pub runnable: bool,
    pub size: Option<SizeOut>,
    pub rate: Option<&'static str>,
    pub spot: bool,
    /// USD per hour of one copy.
    pub hourly: Option<f64>,
    /// USD per month of all copies (duty cycle applied).
    pub monthly: Option<f64>,
    pub sizing: Option<String>,
    pub tier_jump: Option<String>,
    pub blocked_by: Vec<String>,
    pub changes_needed: Vec<String>,
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SizeOut {
    pub vcpu: f64,
    pub memory_gb: f64,
}

#[derive(Debug, Serialize)]
pub struct PlacementOut {
    pub scenario: &'static str,
    /// `ec2`, `fargate`, `none` (placed nowhere: the scenario's total leaves it out) or
    /// `nowhere` (a DaemonSet or DAEMON service whose scenario has no node it runs on: it costs
    /// nothing and is missing nothing).
    pub on: &'static str,
    pub reason: String,
    /// Hybrid, workloads that could go either way: USD per month on Fargate.
    pub fargate_monthly: Option<f64>,
    /// Hybrid, workloads that could go either way: USD per month the scenario's EC2 nodes cost
    /// more with the workload on EC2 than without it (both splits packed). On Fargate it is at
    /// least `fargate_monthly`, on EC2 at most, unless the reason says the search stopped early.
    pub ec2_delta_monthly: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct ScenarioOut {
    pub key: &'static str,
    pub title: &'static str,
    /// `ec2_monthly` + `fargate_monthly`, each rounded to cents first, so the sum is exact.
    pub monthly: f64,
    pub ec2_monthly: f64,
    pub fargate_monthly: f64,
    pub fargate_workloads: usize,
    pub ec2_nodes: usize,
    /// False when some workload runs neither on EC2 nor on Fargate: `monthly` leaves it out.
    pub complete: bool,
    /// Names of the workloads placed nowhere.
    pub unplaced_workloads: Vec<String>,
    pub fleets: Vec<FleetOut>,
}

#[derive(Debug, Serialize)]
pub struct FleetOut {
    pub cluster: &'static str,
    pub batch: bool,
    /// Share of the month the fleet runs (the duty cycle for Jobs and CronJobs).
    pub runs: f64,
    /// Which of the two fleets the scenario uses: `mixed` or `homogeneous`.
    pub chosen: &'static str,
    pub monthly: f64,
    pub nodes: Vec<TypeCount>,
    pub homogeneous: Option<FleetCost>,
    pub mixed: Option<FleetCost>,
    pub lower_bound_monthly: Option<f64>,
    pub gap_percent: Option<f64>,
    pub utilisation: Utilisation,
    pub daemons: Vec<String>,
    pub unplaceable: Vec<Unplaceable>,
    /// What each node holds (only with --explain).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Vec<NodeOut>>,
}

#[derive(Debug, Serialize)]
pub struct TypeCount {
    #[serde(rename = "type")]
    pub ty: String,
    pub os: Os,
    pub count: usize,
    pub hourly: f64,
}

#[derive(Debug, Serialize)]
pub struct FleetCost {
    pub monthly: f64,
    pub nodes: Vec<TypeCount>,
}

#[derive(Debug, Serialize)]
pub struct Utilisation {
    pub cpu_percent: f64,
    pub memory_percent: f64,
}

#[derive(Debug, Serialize)]
pub struct Unplaceable {
    pub workload: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct NodeOut {
    #[serde(rename = "type")]
    pub ty: String,
    pub hourly: f64,
    pub vcpu_used: f64,
    pub vcpu_allocatable: f64,
    pub memory_mib_used: u64,
    pub memory_mib_allocatable: u64,
    pub slots_used: u64,
    pub slots: u64,
    pub holds: Vec<Held>,
}

#[derive(Debug, Serialize)]
pub struct Held {
    pub workload: String,
    pub replicas: u64,
}

fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    // + 0.0 turns the -0.0 of an empty sum into 0.
    (v * f).round() / f + 0.0
}

fn cents(v: f64) -> f64 {
    round(v, 2)
}

fn fleet_cost(c: &Cluster, s: &Solution, hours: f64) -> FleetCost {
    FleetCost {
        monthly: cents(s.cost(&c.problem) * c.factor * hours),
        nodes: counts(c, s),
    }
}

fn counts(c: &Cluster, s: &Solution) -> Vec<TypeCount> {
    s.counts(&c.problem)
        .into_iter()
        .map(|(t, n)| TypeCount {
            ty: c.problem.types[t].name.clone(),
            os: c.problem.types[t].os,
            count: n,
            hourly: round(c.problem.types[t].price, 6),
        })
        .collect()
}

fn fleet(c: &Cluster, ws: &[Workload], hours: f64, explain: bool) -> FleetOut {
    let best = c.best();
    let monthly = c.hourly() * hours;
    let chosen = match (best, &c.mixed) {
        (Some(b), Some(m)) if std::ptr::eq(b, m) => "mixed",
        _ => "homogeneous",
    };
    let (mut used, mut alloc) = ([0f64; 2], [0f64; 2]);
    if let Some(s) = best {
        for n in &s.nodes {
            let ty = &c.problem.types[n.ty];
            for d in 0..2 {
                // Daemons count as used: they take the room.
                used[d] += (n.used[d] + ty.alloc[d] - ty.cap[d]) as f64;
                alloc[d] += ty.alloc[d] as f64;
            }
        }
    }
    let pct = |d: usize| {
        if alloc[d] > 0.0 {
            round(used[d] / alloc[d] * 100.0, 1)
        } else {
            0.0
        }
    };
    let bound = c.bound.map(|b| b * c.factor * hours);
    let gap = match (bound, best) {
        (Some(b), Some(_)) if b > 0.0 => Some(round((monthly / b - 1.0) * 100.0, 1)),
        _ => None,
    };
    FleetOut {
        cluster: c.platform.cluster(),
        batch: c.batch,
        runs: c.factor,
        chosen,
        monthly: cents(monthly),
        nodes: best.map(|s| counts(c, s)).unwrap_or_default(),
        homogeneous: c.homogeneous.as_ref().map(|s| fleet_cost(c, s, hours)),
        mixed: c.mixed.as_ref().map(|s| fleet_cost(c, s, hours)),
        lower_bound_monthly: bound.map(cents),
        gap_percent: gap,
        utilisation: Utilisation {
            cpu_percent: pct(0),
            memory_percent: pct(1),
        },
        daemons: c.daemons.iter().map(|&d| ws[d].name.clone()).collect(),
        unplaceable: c
            .unplaceable
            .iter()
            .map(|(i, why)| Unplaceable {
                workload: ws[*i].name.clone(),
                reason: why.clone(),
            })
            .collect(),
        explain: explain.then(|| best.map(|s| nodes(c, s, ws)).unwrap_or_default()),
    }
}

fn nodes(c: &Cluster, s: &Solution, ws: &[Workload]) -> Vec<NodeOut> {
    s.nodes
        .iter()
        .map(|n| {
            let ty = &c.problem.types[n.ty];
            let over: Vec<u64> = (0..4).map(|d| ty.alloc[d] - ty.cap[d]).collect();
            let mut holds: Vec<Held> = n
                .items
                .iter()
                .map(|&(g, k)| Held {
                    workload: ws[c.problem.groups[g].id].name.clone(),
                    replicas: k,
                })
                .collect();
            holds.extend(ty.daemons.iter().map(|&d| Held {
                workload: ws[d].name.clone(),
                replicas: 1,
            }));
            NodeOut {
                ty: ty.name.clone(),
                hourly: round(ty.price, 6),
                vcpu_used: round(vcpus(n.used[0] + over[0]), 3),
                vcpu_allocatable: round(vcpus(ty.alloc[0]), 3),
                memory_mib_used: n.used[1] + over[1],
                memory_mib_allocatable: ty.alloc[1],
                slots_used: n.used[2] + over[2],
                slots: ty.alloc[2],
                holds,
            }
        })
        .collect()
}

fn scenario(sc: &Scenario, ctx: &Context<'_>, explain: bool) -> ScenarioOut {
    let fleets: Vec<FleetOut> = sc
        .clusters
        .iter()
        .map(|c| fleet(c, ctx.workloads, ctx.hours, explain))
        .collect();
    // Parts are summed as printed (fleets, workloads' Fargate prices) so every total adds up to
    // the cent; the outer cents() only drops the float noise of the sum.
    let ec2 = cents(fleets.iter().map(|f| f.monthly).sum());
    let fargate = cents(
        (0..ctx.workloads.len())
            .filter(|&i| sc.on_fargate[i])
            .filter_map(|i| ctx.fargate_monthly(i).map(cents))
            .sum(),
    );
    let unplaced: Vec<String> = (0..ctx.workloads.len())
        .filter(|&i| sc.unplaced[i])
        .map(|i| ctx.workloads[i].name.clone())
        .collect();
    ScenarioOut {
        key: sc.key,
        title: sc.title,
        monthly: cents(ec2 + fargate),
        ec2_monthly: ec2,
        fargate_monthly: fargate,
        fargate_workloads: sc.fargate_count(),
        ec2_nodes: sc.clusters.iter().filter_map(|c| c.best()).map(|s| s.nodes.len()).sum(),
        complete: unplaced.is_empty(),
        unplaced_workloads: unplaced,
        fleets,
    }
}

/// Rounds `values` to cents so that they add up to `total` (already in cents): largest
/// remainders get the leftover cents. Without it the EC2/MO column would miss the scenario's
/// EC2 total by a few cents.
fn apportion(values: &[f64], total: f64) -> Vec<f64> {
    let target = (total * 100.0).round() as i64;
    let mut out: Vec<i64> = values.iter().map(|v| (v * 100.0).floor() as i64).collect();
    let mut order: Vec<usize> = (0..values.len()).collect();
    let rest = |i: usize| values[i] * 100.0 - out[i] as f64;
    order.sort_by(|&a, &b| rest(b).total_cmp(&rest(a)).then(a.cmp(&b)));
    let mut left = target - out.iter().sum::<i64>();
    // Float noise can leave the floors a cent or two off either way; |left| is tiny.
    for &i in order.iter().cycle().take(order.len() * 4) {
        if left == 0 {
            break;
        }
        if left > 0 {
            out[i] += 1;
            left -= 1;
        } else if out[i] > 0 {
            out[i] -= 1;
            left += 1;
        }
    }
    out.into_iter().map(|c| c as f64 / 100.0 + 0.0).collect()
}

fn fargate_out(ctx: &Context<'_>, i: usize) -> FargateOut {
    let w = &ctx.workloads[i];
    let quote: Option<&Quote> = ctx.quotes[i].as_ref().ok();
    let runnable = ctx.fargate_monthly(i).is_some();
    // What Fargate would bill and how it rounds only matters for a workload it can run: a
    // blocked GPU pod gets no size-jump note.
    let applies = quote.filter(|_| runnable);
    FargateOut {
        runnable,
        size: quote.map(|q| SizeOut {
            vcpu: q.size.cpu as f64 / 1024.0,
            memory_gb: q.size.memory as f64 / 1024.0,
        }),
        rate: quote.map(|q| q.rate),
        spot: applies.is_some_and(|q| q.spot),
        hourly: quote.map(|q| round(q.hourly, 10)),
        monthly: ctx.fargate_monthly(i).map(cents),
        sizing: applies.and_then(|q| q.sizing.clone()),
        tier_jump: applies.and_then(|q| q.jump.clone()),
        blocked_by: w.blocked.clone(),
        changes_needed: w.changes.clone(),
        error: ctx.quotes[i].as_ref().err().cloned(),
    }
}

/// Whether some node of the scenario runs daemon `i` (its cluster may have no node it matches).
fn runs_somewhere(sc: &Scenario, i: usize) -> bool {
    sc.clusters.iter().any(|c| {
        c.best()
            .is_some_and(|s| s.nodes.iter().any(|n| c.problem.types[n.ty].daemons.contains(&i)))
    })
}

/// Where the instance types came from: dated like the prices, since AWS adds types and the
/// packing only knows the ones listed.
fn catalog_origin() -> Origin {
    let catalog = super::catalog::Catalog::get();
    Origin {
        what: format!(
            "EC2 instance types (vCPUs, memory, ENIs, GPUs; {} types)",
            catalog.types.len()
        ),
        source: catalog.source.clone(),
        as_of: catalog.as_of.clone(),
    }
}

pub fn build(
    ctx: &Context<'_>,
    outcome: &Outcome,
    assumptions: Vec<String>,
    notes: Vec<String>,
    explain: bool,
) -> Report {
    let scenarios = [&outcome.all_ec2, &outcome.all_fargate, &outcome.hybrid];
    let scenario_out: Vec<ScenarioOut> = scenarios.iter().map(|sc| scenario(sc, ctx, explain)).collect();
    let all_ec2 = &outcome.all_ec2;
    let on_ec2: Vec<usize> = (0..ctx.workloads.len())
        .filter(|&i| !all_ec2.on_fargate[i] && !all_ec2.unplaced[i])
        .collect();
    let shares: Vec<f64> = on_ec2.iter().map(|&i| all_ec2.ec2_share[i]).collect();
    let mut ec2_monthly = vec![None; ctx.workloads.len()];
    for (&i, v) in on_ec2.iter().zip(apportion(&shares, scenario_out[0].ec2_monthly)) {
        ec2_monthly[i] = Some(v);
    }
    let workloads = ctx
        .workloads
        .iter()
        .enumerate()
        .map(|(i, w)| WorkloadOut {
            name: w.name.clone(),
            kind: w.kind_name.clone(),
            namespace: w.namespace.clone(),
            platform: w.platform,
            file: w.file.clone(),
            line: w.line,
            schedule: w.kind,
            replicas: w.replicas,
            per_replica: PerReplica {
                vcpu: round(vcpus(w.request[model::CPU]), 4),
                memory_mib: w.request[model::MEM],
                gpus: w.request[model::GPU],
                slots: w.request[model::SLOTS],
                ephemeral_storage_gib: round(w.ephemeral_gib, 2),
            },
            architectures: w.archs.names(),
            architecture_from: w.arch_from.clone(),
            os: w.os,
            one_per_node: w.one_per_node.clone(),
            fargate: fargate_out(ctx, i),
            ec2_monthly: ec2_monthly[i],
            placements: scenarios
                .iter()
                .map(|sc| PlacementOut {
                    scenario: sc.key,
                    on: if sc.on_fargate[i] {
                        "fargate"
                    } else if sc.unplaced[i] {
                        "none"
                    } else if w.kind == model::Kind::Daemon && !runs_somewhere(sc, i) {
                        "nowhere"
                    } else {
                        "ec2"
                    },
                    reason: sc.reasons[i].clone(),
                    fargate_monthly: sc.ec2_delta[i].and(ctx.fargate_monthly(i)).map(cents),
                    ec2_delta_monthly: sc.ec2_delta[i].map(cents),
                })
                .collect(),
            notes: w.notes.clone(),
        })
        .collect();
    // A total that leaves workloads out is not a price of the whole: fewer unplaced first.
    let cheapest = scenario_out
        .iter()
        .min_by(|a, b| {
            (a.unplaced_workloads.len().cmp(&b.unplaced_workloads.len())).then(a.monthly.total_cmp(&b.monthly))
        })
        .map_or_else(String::new, |s| s.key.to_owned());
    Report {
        k2e_estimate: VERSION,
        region: ctx.book.region.clone(),
        hours_per_month: ctx.hours,
        spot_discount_percent: ctx.opts.spot_percent,
        duty_cycle: ctx.duty,
        prices: ctx.book.origins.iter().cloned().chain([catalog_origin()]).collect(),
        assumptions,
        notes,
        workloads,
        scenarios: scenario_out,
        cheapest,
    }
}
