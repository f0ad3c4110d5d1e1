//! `k2e estimate --compare BASE.json`: the cost change of a change. BASE.json is the JSON
//! estimate of the base branch (read by `compare_side`); the head is this run's report.

pub use super::compare_side::{Base, load};
use super::compare_side::{PerReplica, Side, SideFargate, SideScenario, SideWorkload};
use super::prices::Origin;
use super::report::Report;
use serde::Serialize;
use std::collections::BTreeMap;

/// Bumped when a field of the comparison changes meaning or goes away.
pub const VERSION: u32 = 1;

/// What `--compare` found (what `--format json` prints with it).
#[derive(Debug, Serialize)]
pub struct Comparison {
    pub k2e_estimate_compare: u32,
    pub base: Basis,
    pub head: Basis,
    /// Why base and head are not priced alike (region, hours, Spot, duty cycle, prices,
    /// assumptions): a delta can come from these rather than from the workloads. Empty when alike.
    pub basis_differences: Vec<String>,
    pub scenarios: Vec<ScenarioDelta>,
    pub counts: Counts,
    /// Largest change first (by absolute monthly delta), then by identity.
    pub workloads: Vec<WorkloadDelta>,
}

#[derive(Debug, Serialize)]
pub struct Basis {
    /// The BASE.json named on the command line (the head: none).
    pub file: Option<String>,
    pub region: String,
    pub workloads: usize,
    pub cheapest: String,
    pub prices: Vec<Origin>,
}

#[derive(Debug, Serialize)]
pub struct ScenarioDelta {
    pub key: String,
    pub title: String,
    pub base_monthly: Option<f64>,
    pub head_monthly: Option<f64>,
    pub delta_monthly: Option<f64>,
    pub base_ec2_monthly: Option<f64>,
    pub head_ec2_monthly: Option<f64>,
    pub base_fargate_monthly: Option<f64>,
    pub head_fargate_monthly: Option<f64>,
    /// The EC2 and Fargate parts of `delta_monthly`.
    pub ec2_delta_monthly: Option<f64>,
    pub fargate_delta_monthly: Option<f64>,
    /// Workloads a side places nowhere (its total leaves them out).
    pub base_unplaced: usize,
    pub head_unplaced: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct Counts {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub unchanged: usize,
}

#[derive(Debug, Serialize)]
pub struct WorkloadDelta {
    /// How the tables name it: `Deployment/web`, with the namespace and, when the same name is
    /// found in several files, the file.
    pub workload: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// Only when needed to tell copies of the same kind/namespace/name apart.
    pub file: Option<String>,
    /// `added`, `removed`, `changed` (its definition: replicas, resources, Fargate size or
    /// eligibility, architecture, OS, one per node) or `unchanged`.
    pub status: &'static str,
    /// What changed, or why an unchanged workload's cost moved.
    pub changes: Vec<String>,
    pub base_fargate_monthly: Option<f64>,
    pub head_fargate_monthly: Option<f64>,
    /// Head less base; a side that does not have the workload counts 0. None when a side that
    /// has it cannot run it on Fargate.
    pub fargate_delta_monthly: Option<f64>,
    /// Its share of the all-EC2 fleet, as `ec2_monthly` of the estimates.
    pub base_ec2_monthly: Option<f64>,
    pub head_ec2_monthly: Option<f64>,
    pub ec2_delta_monthly: Option<f64>,
}

impl WorkloadDelta {
    /// The sort key: the larger of its two deltas.
    pub fn size(&self) -> f64 {
        let f = self.fargate_delta_monthly.unwrap_or(0.0).abs();
        f.max(self.ec2_delta_monthly.unwrap_or(0.0).abs())
    }
}

/// The comparison of `head` with the base.
pub fn compare(base: &Base, head: &Report) -> Result<Comparison, String> {
    let head_side = super::compare_side::head(head)?;
    let b = &base.side;
    let h = &head_side;
    let differences = basis_differences(b, h);
    let mut workloads = workload_deltas(b, h, !differences.is_empty());
    workloads.sort_by(|x, y| y.size().total_cmp(&x.size()).then_with(|| x.workload.cmp(&y.workload)));
    let mut counts = Counts::default();
    for w in &workloads {
        match w.status {
            "added" => counts.added += 1,
            "removed" => counts.removed += 1,
            "changed" => counts.changed += 1,
            _ => counts.unchanged += 1,
        }
    }
    Ok(Comparison {
        k2e_estimate_compare: VERSION,
        base: basis(b, Some(base.file.clone())),
        head: basis(h, None),
        basis_differences: differences,
        scenarios: scenario_deltas(b, h),
        counts,
        workloads,
    })
}

fn basis(s: &Side, file: Option<String>) -> Basis {
    Basis {
        file,
        region: s.region.clone(),
        workloads: s.workloads.len(),
        cheapest: s.cheapest.clone(),
        prices: s.prices.clone(),
    }
}

fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0 + 0.0
}

fn scenario_deltas(b: &Side, h: &Side) -> Vec<ScenarioDelta> {
    let mut keys: Vec<&SideScenario> = h.scenarios.iter().collect();
    keys.extend(
        b.scenarios
            .iter()
            .filter(|s| !h.scenarios.iter().any(|t| t.key == s.key)),
    );
    keys.iter()
        .map(|k| {
            let bs = b.scenarios.iter().find(|s| s.key == k.key);
            let hs = h.scenarios.iter().find(|s| s.key == k.key);
            ScenarioDelta {
                key: k.key.clone(),
                title: k.title.clone(),
                base_monthly: bs.map(|s| s.monthly),
                head_monthly: hs.map(|s| s.monthly),
                delta_monthly: bs.zip(hs).map(|(b, h)| cents(h.monthly - b.monthly)),
                base_ec2_monthly: bs.map(|s| s.ec2_monthly),
                head_ec2_monthly: hs.map(|s| s.ec2_monthly),
                base_fargate_monthly: bs.map(|s| s.fargate_monthly),
                head_fargate_monthly: hs.map(|s| s.fargate_monthly),
                ec2_delta_monthly: bs.zip(hs).map(|(b, h)| cents(h.ec2_monthly - b.ec2_monthly)),
                fargate_delta_monthly: bs.zip(hs).map(|(b, h)| cents(h.fargate_monthly - b.fargate_monthly)),
                base_unplaced: bs.map_or(0, |s| s.unplaced_workloads.len()),
                head_unplaced: hs.map_or(0, |s| s.unplaced_workloads.len()),
            }
        })
        .collect()
}

fn basis_differences(b: &Side, h: &Side) -> Vec<String> {
    let mut out = Vec::new();
    let mut differ = |what: &str, base: String, head: String| {
        if base != head {
            out.push(format!("{what}: base {base}, head {head}"));
        }
    };
    differ("region", b.region.clone(), h.region.clone());
    differ(
        "hours a month",
        b.hours_per_month.to_string(),
        h.hours_per_month.to_string(),
    );
    let spot = |s: Option<f64>| s.map_or_else(|| "none".to_owned(), |p| format!("{p}%"));
    differ(
        "Spot discount",
        spot(b.spot_discount_percent),
        spot(h.spot_discount_percent),
    );
    differ("duty cycle", b.duty_cycle.to_string(), h.duty_cycle.to_string());
    for p in &h.prices {
        match b.prices.iter().find(|q| q.what == p.what) {
            Some(q) if q == p => {}
            Some(q) => out.push(format!(
                "{}: base as of {} ({}), head as of {} ({})",
                p.what, q.as_of, q.source, p.as_of, p.source
            )),
            None => out.push(format!("{}: only the head uses it (as of {})", p.what, p.as_of)),
        }
    }
    for q in b.prices.iter().filter(|q| !h.prices.iter().any(|p| p.what == q.what)) {
        out.push(format!("{}: only the base used it (as of {})", q.what, q.as_of));
    }
    for a in b.assumptions.iter().filter(|a| !h.assumptions.contains(a)) {
        out.push(format!("assumption of the base only: {a}"));
    }
    for a in h.assumptions.iter().filter(|a| !b.assumptions.contains(a)) {
        out.push(format!("assumption of the head only: {a}"));
    }
    out
}

/// kind, namespace, name: what makes two estimates' workloads the same workload.
type Key = (String, Option<String>, String);

fn key(w: &SideWorkload) -> Key {
    (w.kind.clone(), w.namespace.clone(), w.name.clone())
}

fn groups(s: &Side) -> BTreeMap<Key, Vec<&SideWorkload>> {
    let mut out: BTreeMap<Key, Vec<&SideWorkload>> = BTreeMap::new();
    for w in &s.workloads {
        out.entry(key(w)).or_default().push(w);
    }
    out
}

/// Pairs each base workload with the head's: by kind/namespace/name, and by file when either
/// side has several of that name (copies in several layouts). Then the deltas of each pair.
fn workload_deltas(b: &Side, h: &Side, basis_differs: bool) -> Vec<WorkloadDelta> {
    let (bg, hg) = (groups(b), groups(h));
    let mut keys: Vec<&Key> = bg.keys().chain(hg.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for k in keys {
        let bs = bg.get(k).map_or(&[][..], Vec::as_slice);
        let hs = hg.get(k).map_or(&[][..], Vec::as_slice);
        if bs.len() <= 1 && hs.len() <= 1 {
            out.push(delta(bs.first().copied(), hs.first().copied(), false, basis_differs));
            continue;
        }
        // Several copies: the same file is the same copy.
        let mut files: Vec<&str> = bs.iter().chain(hs).map(|w| w.file.as_str()).collect();
        files.sort_unstable();
        files.dedup();
        for f in files {
            let bf: Vec<_> = bs.iter().filter(|w| w.file == f).collect();
            let hf: Vec<_> = hs.iter().filter(|w| w.file == f).collect();
            for i in 0..bf.len().max(hf.len()) {
                let pair = (bf.get(i).map(|w| **w), hf.get(i).map(|w| **w));
                out.push(delta(pair.0, pair.1, true, basis_differs));
            }
        }
    }
    out
}

fn delta(b: Option<&SideWorkload>, h: Option<&SideWorkload>, with_file: bool, basis_differs: bool) -> WorkloadDelta {
    let w = h.or(b).expect("a pair has a side");
    let changes = match (b, h) {
        (Some(b), Some(h)) => definition_changes(b, h),
        _ => Vec::new(),
    };
    let status = match (b, h) {
        (None, _) => "added",
        (_, None) => "removed",
        _ if changes.is_empty() => "unchanged",
        _ => "changed",
    };
    let fargate = |s: Option<&SideWorkload>| s.and_then(|w| w.fargate.monthly);
    let ec2 = |s: Option<&SideWorkload>| s.and_then(|w| w.ec2_monthly);
    let diff = |base: Option<f64>, head: Option<f64>, has: fn(&SideWorkload) -> bool| {
        let bv = match b {
            Some(w) if !has(w) => return None,
            Some(_) => base.unwrap_or(0.0),
            None => 0.0,
        };
        let hv = match h {
            Some(w) if !has(w) => return None,
            Some(_) => head.unwrap_or(0.0),
            None => 0.0,
        };
        Some(cents(hv - bv))
    };
    let mut d = WorkloadDelta {
        workload: display(w, with_file),
        kind: w.kind.clone(),
        name: w.name.clone(),
        namespace: w.namespace.clone(),
        file: with_file.then(|| w.file.clone()),
        status,
        changes,
        base_fargate_monthly: fargate(b),
        head_fargate_monthly: fargate(h),
        fargate_delta_monthly: diff(fargate(b), fargate(h), |w| w.fargate.monthly.is_some()),
        base_ec2_monthly: ec2(b),
        head_ec2_monthly: ec2(h),
        ec2_delta_monthly: diff(ec2(b), ec2(h), |w| w.ec2_monthly.is_some()),
    };
    if status == "unchanged" && d.size() > 0.0 {
        d.changes.push(if basis_differs {
            "the workload is the same: the base was priced on another basis (see the differences)".to_owned()
        } else {
            "the workload is the same: its share of the EC2 fleet moved with the other workloads".to_owned()
        });
    }
    d
}

/// `Deployment/web`, `Deployment/web (prod)`, `Deployment/web (prod; k8s/web.yaml)`.
fn display(w: &SideWorkload, with_file: bool) -> String {
    let mut extra: Vec<&str> = w.namespace.iter().map(String::as_str).collect();
    if with_file {
        extra.push(&w.file);
    }
    if extra.is_empty() {
        w.name.clone()
    } else {
        format!("{} ({})", w.name, extra.join("; "))
    }
}

fn definition_changes(b: &SideWorkload, h: &SideWorkload) -> Vec<String> {
    let mut out = Vec::new();
    let mut changed = |what: &str, base: String, head: String| {
        if base != head {
            out.push(format!("{what} {base} -> {head}"));
        }
    };
    changed("schedule", b.schedule.clone(), h.schedule.clone());
    changed("replicas", b.replicas.to_string(), h.replicas.to_string());
    let resources = |p: &PerReplica| {
        let mut s = format!("{} vCPU {} MiB", p.vcpu, p.memory_mib);
        if p.gpus > 0 {
            s.push_str(&format!(" {} GPU", p.gpus));
        }
        s
    };
    changed("per replica", resources(&b.per_replica), resources(&h.per_replica));
    let others = |p: &PerReplica| format!("{} slots, {} GiB ephemeral storage", p.slots, p.ephemeral_storage_gib);
    changed("per replica", others(&b.per_replica), others(&h.per_replica));
    changed("architectures", b.architectures.join(", "), h.architectures.join(", "));
    changed("OS", b.os.clone(), h.os.clone());
    let one = |o: &Option<String>| o.clone().unwrap_or_else(|| "no".to_owned());
    changed("one per node", one(&b.one_per_node), one(&h.one_per_node));
    let fargate = |f: &SideFargate| match (&f.size, f.runnable) {
        (Some(s), true) => format!("{} vCPU / {} GB", s.vcpu, s.memory_gb),
        (_, true) => "runnable".to_owned(),
        (_, false) => "cannot run it".to_owned(),
    };
    changed("Fargate", fargate(&b.fargate), fargate(&h.fargate));
    out
}
