//! Workloads bound for EC2 -> a packing [`Problem`] per cluster (EKS nodes, ECS container
//! instances), solved for the cheapest homogeneous and mixed fleets and the LP lower bound.

use super::allocatable;
use super::catalog::Catalog;
use super::model::{Kind, Os, Platform, Res, TICKS_PER_MILLI, Workload, mem_text, vcpu_text};
use super::pack;
use super::prices::PriceBook;
use super::problem::{Group, NodeType, Problem, Solution, dominant_share, fits};

/// What shapes the node types, from the command line.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub max_pods: Option<u32>,
    pub ecs_trunking: bool,
    pub ecs_reserved_memory: u64,
    pub burstable: bool,
    pub instance_types: Vec<String>,
    pub spot_percent: Option<f64>,
}

#[derive(Clone, Debug)]
pub struct Cluster {
    pub platform: Platform,
    /// Jobs and CronJobs run on their own nodes for `--duty-cycle` of the month.
    pub batch: bool,
    /// Multiplier of the hourly cost (the duty cycle for a batch fleet, else 1).
    pub factor: f64,
    pub problem: Problem,
    /// Daemons running on this cluster's nodes (workload indexes).
    pub daemons: Vec<usize>,
    /// Workloads no node type can hold, and why.
    pub unplaceable: Vec<(usize, String)>,
    pub homogeneous: Option<Solution>,
    pub mixed: Option<Solution>,
    /// LP lower bound, USD per hour.
    pub bound: Option<f64>,
    /// What one replica of each group is worth at the LP's dual prices (USD per hour).
    pub values: Vec<f64>,
}

impl Cluster {
    /// The cheaper of the two fleets.
    pub fn best(&self) -> Option<&Solution> {
        super::pack::cheaper(self.homogeneous.as_ref(), self.mixed.as_ref(), &self.problem)
    }

    /// USD per hour, duty cycle applied.
    pub fn hourly(&self) -> f64 {
        self.best().map_or(0.0, |s| s.cost(&self.problem)) * self.factor
    }

    pub fn name(&self) -> String {
        let base = self.platform.cluster();
        if self.batch {
            format!("{base} batch")
        } else {
            base.to_owned()
        }
    }
}

fn wanted(name: &str, family: &str, only: &[String]) -> bool {
    only.is_empty() || only.iter().any(|o| o == name || o == family)
}

/// The node types of a cluster: every priced catalog type for each OS the cluster needs, with
/// allocatable capacity less the daemons that run on it, without types another of the same
/// kind beats on every resource and on price.
pub fn node_types(
    workloads: &[Workload],
    platform: Platform,
    members: &[usize],
    daemons: &[usize],
    book: &PriceBook,
    opts: &Options,
) -> Vec<NodeType> {
    let catalog = Catalog::get();
    let mut types = Vec::new();
    for os in [Os::Linux, Os::Windows] {
        if !members.iter().any(|&w| workloads[w].os == os) {
            continue;
        }
        for t in &catalog.types {
            if (t.burstable && !opts.burstable) || !wanted(&t.name, t.family(), &opts.instance_types) {
                continue;
            }
            let Some(price) = book.ec2(&t.name, os == Os::Windows) else {
                continue;
            };
            let alloc = match platform {
                Platform::Kubernetes => allocatable::kubernetes(t, opts.max_pods),
                Platform::Ecs => allocatable::ecs(t, opts.ecs_trunking, opts.ecs_reserved_memory),
            };
            let runs: Vec<usize> = daemons
                .iter()
                .copied()
                .filter(|&d| {
                    let w = &workloads[d];
                    w.archs.allows(t.arch) && w.os == os && w.gpus() <= t.gpus
                })
                .collect();
            let mut overhead: Res = if platform == Platform::Kubernetes && os == Os::Linux {
                system_pods(workloads, daemons)
            } else {
                [0; 4]
            };
            for &d in &runs {
                for (k, o) in overhead.iter_mut().enumerate() {
                    *o = o.saturating_add(workloads[d].request[k]);
                }
            }
            if !fits(&overhead, &alloc) {
                continue;
            }
            let cap: Res = std::array::from_fn(|k| alloc[k] - overhead[k]);
            types.push(NodeType {
                name: t.name.clone(),
                price: price * (1.0 - opts.spot_percent.unwrap_or(0.0) / 100.0),
                cap,
                alloc,
                arch: t.arch,
                os,
                gpus: t.gpus,
                daemons: runs,
            });
        }
    }
    prune(types)
}

/// What the EKS system pods (aws-node, kube-proxy) take from every Linux node: a pod slot each
/// and their requests. A DaemonSet of the same name among the inputs is that pod, counted with
/// the daemons instead.
pub fn system_pods(workloads: &[Workload], daemons: &[usize]) -> Res {
    let mut out: Res = [0; 4];
    for pod in &crate::model::facts::eks_system::SystemPods::get().pods {
        let given = daemons.iter().any(|&d| {
            let w = &workloads[d];
            w.kind_name == "DaemonSet"
                && w.name.rsplit('/').next() == Some(pod.name.as_str())
                && w.namespace.as_deref().is_none_or(|n| n == pod.namespace)
        });
        if !given {
            out[0] += pod.cpu_millis * TICKS_PER_MILLI;
            out[1] += pod.memory_mib;
            out[2] += 1;
        }
    }
    out
}

/// Drops every type that another type of the same architecture, OS and GPU count matches or
/// beats on every resource at no higher price: no packing is worse for it.
fn prune(types: Vec<NodeType>) -> Vec<NodeType> {
    let beats = |u: &NodeType, t: &NodeType| {
        u.arch == t.arch
            && u.os == t.os
            && u.gpus == t.gpus
            && fits(&t.cap, &u.cap)
            && u.price <= t.price
            && (u.price < t.price || u.cap != t.cap || u.name < t.name)
    };
    let keep: Vec<bool> = types
        .iter()
        .map(|t| !types.iter().any(|u| !std::ptr::eq(u, t) && beats(u, t)))
        .collect();
    let mut out: Vec<NodeType> = types
        .into_iter()
        .zip(keep)
        .filter_map(|(t, k)| k.then_some(t))
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.os.cmp(&b.os)));
    out
}

/// The packing problem of some workloads on a cluster's node types.
pub fn problem(workloads: &[Workload], members: &[usize], types: Vec<NodeType>) -> (Problem, Vec<(usize, String)>) {
    let mut groups = Vec::new();
    let mut unplaceable = Vec::new();
    for &i in members {
        let w = &workloads[i];
        if w.replicas == 0 {
            continue;
        }
        let compat: Vec<bool> = types
            .iter()
            .map(|t| {
                w.archs.allows(t.arch)
                    && w.os == t.os
                    // GPU nodes are assumed tainted for GPU pods, as EKS GPU node groups are.
                    && (w.gpus() > 0) == (t.gpus > 0)
                    && fits(&w.request, &t.cap)
            })
            .collect();
        if !compat.iter().any(|&c| c) {
            unplaceable.push((i, why_unplaceable(w, &types)));
            continue;
        }
        groups.push(Group {
            id: i,
            count: u64::from(w.replicas),
            demand: w.request,
            // One replica has no other to keep away from.
            spread: w.one_per_node.is_some() && w.replicas > 1,
            compat,
        });
    }
    (Problem { types, groups }, unplaceable)
}

fn why_unplaceable(w: &Workload, types: &[NodeType]) -> String {
    if w.os == Os::Windows && !types.iter().any(|t| t.os == Os::Windows) {
        return "no EC2 Windows prices: the built-in table is Linux only; pass --pricing with an AmazonEC2 offer file"
            .to_owned();
    }
    let archs = w.archs.names().join(" or ");
    let gpu = if w.gpus() > 0 { " GPU" } else { "" };
    let kind: Vec<&NodeType> = types
        .iter()
        .filter(|t| w.archs.allows(t.arch) && w.os == t.os && (w.gpus() > 0) == (t.gpus > 0))
        .collect();
    if kind.is_empty() {
        return format!(
            "no priced {archs}{gpu} instance type is considered; --instance-types and --burstable choose which are"
        );
    }
    let daemons = if kind.iter().any(|t| !t.daemons.is_empty()) {
        " next to the daemons"
    } else {
        ""
    };
    format!(
        "no priced {archs}{gpu} instance type holds one replica ({} vCPU, {}{}){daemons}",
        vcpu_text(w.request[0]),
        mem_text(w.request[1]),
        if w.gpus() > 0 {
            format!(", {} GPU", w.gpus())
        } else {
            String::new()
        }
    )
}

/// Packs a cluster: the homogeneous fleet, the mixed fleet (valued at the LP's dual prices) and
/// the lower bound. `search` adds the window repacking (slower, better).
#[allow(clippy::too_many_arguments)]
pub fn solve(
    workloads: &[Workload],
    platform: Platform,
    members: &[usize],
    daemons: &[usize],
    book: &PriceBook,
    opts: &Options,
    batch: Option<f64>,
    search: bool,
) -> Cluster {
    let types = node_types(workloads, platform, members, daemons, book, opts);
    let (problem, unplaceable) = problem(workloads, members, types);
    let packed = pack::pack_with(&problem, search);
    Cluster {
        platform,
        batch: batch.is_some(),
        factor: batch.unwrap_or(1.0),
        problem,
        daemons: daemons.to_vec(),
        unplaceable,
        homogeneous: packed.homogeneous,
        mixed: packed.mixed,
        bound: packed.bound,
        values: packed.values,
    }
}

/// Each workload's share of a fleet's cost (USD per hour, duty cycle applied), indexed like
/// `workloads`: the fleet's price split in proportion to what each workload's replicas are
/// worth at the LP's dual prices (the cheapest way to buy what they need), but never less than
/// their dominant share of the nodes they are on, so that idle room and rounding are shared out
/// evenly rather than landing on whoever shares the emptiest node.
/// Daemons count once per node they run on, by dominant share of the node.
pub fn shares(c: &Cluster, s: &Solution, workloads: &[Workload]) -> Vec<f64> {
    let p = &c.problem;
    let mut weight = vec![0.0; workloads.len()];
    let cost = s.cost(p) * c.factor;
    // Daemons are not in the LP: value them at the node's price for their share of it.
    let mut daemon = vec![0.0; workloads.len()];
    for node in &s.nodes {
        let ty = &p.types[node.ty];
        for &d in &ty.daemons {
            daemon[d] += ty.price * dominant_share(&workloads[d].request, &ty.alloc);
        }
    }
    // The dual prices are degenerate: a workload whose resources are not the binding ones is
    // worth nothing at the margin, though it takes room on real nodes. So each counts at least
    // its dominant share of the nodes it is packed on.
    let mut occupied = vec![0.0; p.groups.len()];
    for node in &s.nodes {
        let ty = &p.types[node.ty];
        for &(g, k) in &node.items {
            occupied[g] += ty.price * dominant_share(&p.groups[g].demand, &ty.alloc) * k as f64;
        }
    }
    for (g, gr) in p.groups.iter().enumerate() {
        weight[gr.id] += (c.values[g] * gr.count as f64).max(occupied[g]);
    }
    for (w, d) in weight.iter_mut().zip(&daemon) {
        *w += d;
    }
    let total: f64 = weight.iter().sum();
    weight
        .into_iter()
        .map(|w| if total > 0.0 { cost * w / total } else { 0.0 })
        .collect()
}

/// Whether a workload goes into the main fleet or the batch fleet.
pub fn is_batch(w: &Workload, duty: f64) -> bool {
    w.kind == Kind::Batch && duty < 1.0
}
